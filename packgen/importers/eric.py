"""ERIC (Estates Returns Information Collection) trust or site returns -> `estates` and peer groups.

Column names drift across years and are found by alias. Electricity is reported by supply
(2016/17: `Electricity consumed (kWh)` plus green-tariff and third-party-renewable columns; newer
years: several `Electricity - ... consumed (kWh)` columns) and the supplies are summed. Older
files are `$`-delimited with a group-header row above the column names; some years are latin1;
numbers may carry thousands separators; `Not Applicable` is missing. In the 2016/17 file five
trust names were split over two cells, shifting the profile columns (type) by one; from the
floor-area column onwards cells line up, so only the type is re-read one cell to the right.
Site returns (a `Site Code` column) are summed to trust level over the sites that report a value.
Files that give energy cost for all supplies only (2016/17) leave electricity and gas cost blank:
splitting it by kWh would invent prices. General and clinical supplies are not in ERIC: blank.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from packgen import reference
from packgen.errors import InputError
from packgen.importers import bundle
from packgen.importers.common import (
    ImportReport,
    cell,
    check_width,
    find_columns,
    format_number,
    locate_header,
    normalise_header,
    parse_number,
    read_rows,
    sum_known,
)

ALIASES = {
    "provider_code": ("Organisation Code", "Trust Code", "Org Code", "Provider Code"),
    "trust_type": ("Organisation Type", "Trust Type"),
    "site_code": ("Site Code",),
    "gia_m2": ("Gross internal floor area (m²)", "Gross internal floor area"),
    "electricity_cost_gbp": ("Electricity cost (£)", "Electricity costs (£)",
                             "Cost of electricity (£)"),
    "gas_kwh": ("Gas consumed (kWh)", "Gas consumed"),
    "gas_cost_gbp": ("Gas cost (£)", "Gas costs (£)", "Cost of gas (£)"),
    "all_energy_cost_gbp": ("Energy costs (all energy supplies) (£)", "Energy costs (£)"),
}
OPTIONAL_FIELDS = ("trust_type", "site_code", "electricity_cost_gbp",
            "gas_cost_gbp", "all_energy_cost_gbp")
# Electricity by supply (normalised headers): 2016/17 `Electricity consumed (kWh)` plus `...
# consumed - green energy tariff` and `- third party owned renewable` (separate supplies: a trust
# on a green tariff reports 0 in the first), newer years `Electricity - <supply> consumed (kWh)`.
ELECTRICITY_PART = re.compile(r"electricity.*consumed.*\(kwh\)")
VALUE_FIELDS = ("gia_m2", "electricity_kwh", "electricity_cost_gbp", "gas_kwh", "gas_cost_gbp")
PEER_GROUP_COLUMNS = ("provider_code", "eric_trust_type", "peer_group")
# ERIC trust types with another spelling than reference_data/peer_groups.csv; CARE TRUST has none
EXTRA_TRUST_TYPES = {"MENTAL HEALTH": "MENTAL HEALTH AND LEARNING DISABILITY",
                     "MENTAL HEALTH AND LEARNING DISABILITIES":
                         "MENTAL HEALTH AND LEARNING DISABILITY",
                     "CARE TRUST": None}


def trust_type_map() -> dict[str, str | None]:
    """Normalised ERIC trust type -> peer group name (None: a type with no peer group)."""
    mapping: dict[str, str | None] = {
        normalise_header(p): p for p in reference.codes("peer_groups")}
    mapping.update({normalise_header(k): v for k, v in EXTRA_TRUST_TYPES.items()})
    return mapping


def _read_file(path: Path, report: ImportReport, types: dict[str, str | None]):
    """Per provider of one file: {field: [values per row]} and its trust type."""
    source = read_rows(path)
    header_at = locate_header(source, ALIASES["provider_code"], ALIASES, OPTIONAL_FIELDS)
    line, header = source.rows[header_at]
    columns = find_columns(source, header, line, ALIASES, OPTIONAL_FIELDS)
    parts = [i for i, name in enumerate(header) if ELECTRICITY_PART.fullmatch(
        normalise_header(name))]
    if not parts:
        raise InputError(f"{path}: line {line}: no electricity column. Expected "
                         "'Electricity consumed (kWh)' or 'Electricity - ... consumed (kWh)'")
    if len(parts) > 1:
        report.note(f"{path.name}: electricity_kwh = sum of {len(parts)} columns "
                    f"({'; '.join(header[i].strip() for i in parts)})")
    if "all_energy_cost_gbp" in columns and "electricity_cost_gbp" not in columns:
        report.note(f"{path.name}: energy cost is given for all supplies only: "
                    "electricity_cost_gbp and gas_cost_gbp left blank (missing, not derived)")
    if header_at:
        report.note(f"{path.name}: {header_at} group-header row(s) above the column names skipped")
    rows = source.rows[header_at + 1:]
    values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    trust_type: dict[str, str] = {}
    shifted = []
    for row_line, cells in rows:
        check_width(source, row_line, cells, header, columns)
        code = cell(cells, columns["provider_code"]).upper()
        if not code:
            report.drop("rows without an organisation code")
            continue
        if "trust_type" in columns:
            type_at = columns["trust_type"]
            if (normalise_header(cell(cells, type_at)) not in types
                    and normalise_header(cell(cells, type_at + 1)) in types):
                shifted.append(code)
                type_at += 1  # trust name split over two cells (2016/17 `$` conversion)
            trust_type.setdefault(code, cell(cells, type_at))
        row = {f: parse_number(cell(cells, columns.get(f))) for f in VALUE_FIELDS}
        row["electricity_kwh"] = sum_known([parse_number(cell(cells, i)) for i in parts])
        if code in values and "site_code" not in columns:
            report.drop(f"repeated trust rows (first kept, {path.name})")
            continue
        for f, value in row.items():
            values[code][f].append(value)
    if shifted:
        report.note(f"{path.name}: {len(shifted)} trust names split over two cells "
                    f"({', '.join(shifted)}): trust type read one cell to the right")
    if "site_code" in columns:
        report.note(f"{path.name}: {len(rows)} site rows summed to {len(values)} trusts "
                    "(over the sites with a value)")
    report.rows_in["estates"] += len(rows)
    report.inputs.append(("estates", source, len(rows)))
    return values, trust_type


def run(files: list[Path], data_dir: Path, **_options) -> ImportReport:
    report = ImportReport("eric")
    types = trust_type_map()
    estates: dict[str, dict[str, str]] = {}
    peer_rows: dict[str, dict[str, str]] = {}
    origin: dict[str, Path] = {}
    for path in files:
        values, trust_type = _read_file(path, report, types)
        for code, fields in values.items():
            if code in origin:
                raise InputError(f"{path}: trust {code} is also in {origin[code]}",
                                 "Import one ERIC year (one trust or one site file) at a time.")
            origin[code] = path
            estates[code] = {"provider_code": code,
                             **{f: format_number(sum_known(v)) for f, v in fields.items()}}
        for code, type_text in trust_type.items():
            peer_group = types.get(normalise_header(type_text))
            if peer_group is None:
                report.note_count(f"trusts of ERIC type {type_text or 'blank'!r} with no peer "
                                  "group in reference_data/peer_groups.csv (peer_group blank)")
            peer_rows[code] = {"provider_code": code, "eric_trust_type": type_text,
                               "peer_group": peer_group or ""}
    rows = [estates[c] for c in sorted(estates)]
    bundle.write_table(data_dir, "estates", rows)
    bundle.note_unknown_providers(data_dir, "estates", rows, report)
    report.rows_out["estates"] = len(rows)
    report.note("general_supplies_gbp and clinical_supplies_gbp are not in ERIC: left blank")
    if peer_rows:
        bundle.write_csv(data_dir / "eric_peer_groups.csv", PEER_GROUP_COLUMNS,
                         [peer_rows[c] for c in sorted(peer_rows)])
        report.rows_in["eric_peer_groups"] = len(peer_rows)
        report.rows_out["eric_peer_groups"] = len(peer_rows)
    return report
