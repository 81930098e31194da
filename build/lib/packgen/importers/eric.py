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

With `apply_peer_groups` (`--apply-peer-groups`) each trust already listed in providers.csv gets
its ERIC peer group and that peer group's sector (reference_data/peer_groups.csv: acute types ->
acute, specialist -> specialist, mental health -> mental_health, ...). Trusts whose ERIC type has
no peer group (CARE TRUST) keep what providers.csv says: reported, never guessed. No trust is
added to providers.csv, and its other columns are left alone.
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


def run(files: list[Path], data_dir: Path, apply_peer_groups: bool = False,
        **_options) -> ImportReport:
    report = ImportReport("eric")
    if apply_peer_groups:  # refuse before writing anything
        bundle.providers_csv(data_dir, "--apply-peer-groups writes peer groups into it")
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
    if apply_peer_groups:
        apply_to_providers(data_dir, peer_rows, report)
    elif (data_dir / "providers.csv").exists():
        report.note("providers.csv left unchanged: run with --apply-peer-groups to write each "
                    "listed trust's ERIC peer group and sector into it")
    return report


def sector_of_peer_group() -> dict[str, str]:
    """Peer group -> its sector, from reference_data/peer_groups.csv (one sector per group)."""
    return {r["peer_group"]: r["sectors"] for r in reference.rows("peer_groups")
            if r["sectors"] and ";" not in r["sectors"]}


def apply_to_providers(data_dir: Path, peer_rows: dict[str, dict[str, str]],
                       report: ImportReport) -> None:
    """Write ERIC's peer group and its sector into providers.csv for the trusts listed there."""
    path = bundle.providers_csv(data_dir, "--apply-peer-groups writes peer groups into it")
    _, providers = bundle.read_csv(path)
    sectors = sector_of_peer_group()
    updates: dict[str, dict[str, str]] = {}
    changed, not_in_eric, no_group = [], [], []
    for provider in providers:
        code = provider.get("provider_code", "")
        eric = peer_rows.get(code)
        if eric is None:
            not_in_eric.append(code)
            continue
        group = eric["peer_group"]
        if not group or group not in sectors:
            no_group.append(f"{code} ({eric['eric_trust_type'] or 'blank'})")
            continue
        new = {"peer_group": group, "sector": sectors[group]}
        old = {k: (provider.get(k) or "").strip() for k in new}
        if any(old[k] and old[k] != new[k] for k in new):
            changed.append(f"{code} {old['peer_group'] or '-'}/{old['sector'] or '-'} -> "
                           f"{group}/{new['sector']}")
        updates[code] = new
    bundle.merge_keyed_csv(path, bundle.contract_table("providers").column_names,
                           "provider_code", updates, add_new=False)
    report.rows_in["providers"] = len(providers)
    report.rows_out["providers"] = len(updates)
    for table_name, source, _rows in list(report.inputs):
        if table_name == "estates":
            report.inputs.append(("providers", source, len(updates)))
    report.note(f"providers.csv: peer_group and sector written for {len(updates)} of "
                f"{len(providers)} listed trusts (other columns kept; no trust added)")
    if changed:
        report.note(f"providers.csv: {len(changed)} trusts had another peer group or sector, "
                    f"now ERIC's: {_listed(changed)}")
    if no_group:
        report.note(f"providers.csv: {len(no_group)} trusts have an ERIC type with no peer group "
                    f"(peer_group and sector kept as they were, not guessed; set them by hand): "
                    f"{_listed(no_group)}")
    if not_in_eric:
        report.note(f"providers.csv: {len(not_in_eric)} trusts are not in the ERIC file "
                    f"(kept as they were): {_listed(not_in_eric)}")
    unlisted = len(set(peer_rows) - {p.get("provider_code", "") for p in providers})
    if unlisted:
        report.note(f"{unlisted} ERIC trusts are not in providers.csv: not added")


def _listed(items: list[str], limit: int = 10) -> str:
    return ", ".join(items[:limit]) + ("..." if len(items) > limit else "")
