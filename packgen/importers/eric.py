"""ERIC (Estates Returns Information Collection) trust or site returns -> `estates` and peer groups.

Every vintage from 2013/14 on is read; column names drift and are found by alias:
- floor area: `Gross internal floor area (m²)`, 2013/14-2014/15 `Gross internal site floor area`;
- gas: `Gas consumed (kWh)`, 2013/14-2014/15 `Gas consumed - utility (kWh)`;
- electricity is reported by supply and every `Electricity ... consumed (kWh)` column is summed
  (2013/14-2014/15 utility, local and renewable; 2015/16 plus renewable; 2016/17 plus green
  tariff and third-party renewable; later years `Electricity - <supply> consumed (kWh)`);
- total energy cost: `Energy costs (all energy supplies) (£)` and its older spellings; newer site
  files give cost per supply instead, summed when every supply's cost column is there.
`energy_kwh` sums every `... consumed (kWh)` column (electricity of every supply, gas, oil, coal,
steam, hot water, non-fossil renewables); CHP and generation columns are outputs, not supplies,
and are left out. A file without columns for oil, steam or hot water leaves `energy_kwh` blank
rather than understate it. Older files are `$`-delimited with a section-header row above the
column names; some years are latin1; numbers may carry thousands separators; `Not Applicable`
and `N/A` are missing. In the 2016/17 file five trust names were split over two cells, shifting
the profile columns (type) by one; from the floor-area column onwards cells line up, so only the
type is re-read one cell to the right. Site returns (a `Site Code` column) are summed to trust
level over the sites that report a value. Files that give energy cost for all supplies only
leave electricity and gas cost blank: splitting it by kWh would invent prices. General and
clinical supplies are not in ERIC: blank.

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
    Layout,
    Table,
    format_number,
    normalise_header,
    period_of_files,
    read_table,
    sum_known,
)

PUBLISHER = "NHS Digital (now NHS England)"
TITLE = "Estates Returns Information Collection (ERIC)"
LAYOUT = Layout(
    aliases={
        "provider_code": ("Organisation Code", "Trust Code", "Org Code", "Provider Code"),
        "trust_type": ("Organisation Type", "Trust Type"),
        "site_code": ("Site Code",),
        "gia_m2": ("Gross internal floor area (m²)", "Gross internal site floor area (m²)",
                   "Gross internal floor area"),
        "gas_kwh": ("Gas consumed (kWh)", "Gas consumed - utility (kWh)", "Gas consumed"),
        "gas_cost_gbp": ("Gas cost (£)", "Gas costs (£)", "Cost of gas (£)"),
        "all_energy_cost_gbp": (
            "Energy costs (all energy supplies) (£)", "Energy cost (all energy supplies) (£)",
            "Total energy cost (all energy supplies utility local and renewable) (£)",
            "Total energy cost (all energy supplies, utility, local and renewable) (£)",
            "Energy costs (£)"),
    },
    key="provider_code",
    optional=("trust_type", "site_code", "gas_cost_gbp", "all_energy_cost_gbp"),
    # patterns on normalised headers (lower case, no spaces)
    groups={
        "electricity_kwh": re.compile(r"electricity.*consumed.*\(kwh\)"),
        "electricity_cost_gbp": re.compile(r"(electricity.*costs?|costofelectricity)\(£\)"),
        "energy_kwh": re.compile(r".*consumed.*\(kwh\)"),
        # per-supply costs of newer site files (no total): electricity of every supply (2024/25
        # also electricity and thermal energy purchased from CHP), gas, oil, non-fossil fuel
        # and `Other energy costs`
        "energy_cost_gbp": re.compile(
            r"(electricity.*|thermalenergypurchased.*|gas|oil|non-fossilfuel.*|otherenergy)"
            r"costs?\(£\)"),
    },
    hint="Give an ERIC trust or site data file (CSV), as published or saved with `$` "
         "delimiters. Newer ERIC years publish floor area and energy in the site data file.",
)
# supplies every ERIC year reports besides electricity and gas; without them a total is partial
OTHER_SUPPLIES = ("oil", "steam", "hotwater")
VALUE_FIELDS = ("gia_m2", "electricity_kwh", "electricity_cost_gbp", "gas_kwh", "gas_cost_gbp",
                "energy_kwh", "energy_cost_gbp")
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


def _energy_columns(table: Table, report: ImportReport) -> tuple[bool, bool]:
    """Which energy totals this file can give (kWh of every supply, cost of every supply)."""
    name = table.source.path.name
    if not table.groups["electricity_kwh"]:
        raise InputError(f"{table.source.path}: line {table.header_line}: no electricity "
                         "column. Expected 'Electricity consumed (kWh)' or 'Electricity - ... "
                         "consumed (kWh)'", LAYOUT.hint)
    parts = table.groups["electricity_kwh"]
    if len(parts) > 1:
        report.note(f"{name}: electricity_kwh = sum of {len(parts)} columns "
                    f"({table.names(parts)})")
    supplies = [normalise_header(table.header[i]) for i in table.groups["energy_kwh"]]
    absent = [s for s in OTHER_SUPPLIES if not any(p.startswith(s) for p in supplies)]
    kwh = not absent
    if kwh:
        report.note(f"{name}: energy_kwh = sum of the {len(supplies)} 'consumed (kWh)' columns "
                    f"({table.names(table.groups['energy_kwh'])}), over the supplies a trust "
                    "reports (Not Applicable is no supply); CHP input and output, generation and "
                    "exported energy are not supplies and are left out")
    else:
        report.note(f"{name}: no column for {', '.join(absent)} consumed: energy_kwh left "
                    "blank (a sum of electricity and gas alone would understate it)")
    cost = table.has("all_energy_cost_gbp")
    if cost:
        report.note(f"{name}: energy_cost_gbp = "
                    f"'{table.header[table.columns['all_energy_cost_gbp']].strip()}'")
        if not table.groups["electricity_cost_gbp"]:
            report.note(f"{name}: energy cost is given for all supplies only: "
                        "electricity_cost_gbp and gas_cost_gbp left blank (missing, not derived)")
    else:
        cost_parts = table.groups["energy_cost_gbp"]
        names = [normalise_header(table.header[i]) for i in cost_parts]
        cost = any(n.startswith("otherenergy") for n in names) and table.has("gas_cost_gbp")
        if cost:
            report.note(f"{name}: energy_cost_gbp = sum of the {len(cost_parts)} cost columns "
                        f"of every supply ({table.names(cost_parts)})")
        else:
            report.note(f"{name}: no total energy cost and no cost column for every supply: "
                        "energy_cost_gbp left blank")
    return kwh, cost


def _read_file(path: Path, report: ImportReport, types: dict[str, str | None]):
    """Per provider of one file: {field: [values per row]} and its trust type."""
    table = read_table(path, LAYOUT, report)
    has_kwh, has_cost = _energy_columns(table, report)
    is_site_file = table.has("site_code")
    values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    trust_type: dict[str, str] = {}
    shifted = []
    for row in table.rows:
        code = row.text("provider_code").upper()
        if not code:
            report.drop("rows without an organisation code")
            continue
        report.described.add(code)
        if table.has("trust_type"):
            type_at = table.columns["trust_type"]
            if (normalise_header(row.at(type_at)) not in types
                    and normalise_header(row.at(type_at + 1)) in types):
                shifted.append(code)
                type_at += 1  # trust name split over two cells (2016/17 `$` conversion)
            trust_type.setdefault(code, row.at(type_at))
        if code in values and not is_site_file:
            report.drop(f"repeated trust rows (first kept, {path.name})")
            continue
        fields = {f: row.number(f) for f in ("gia_m2", "gas_kwh", "gas_cost_gbp")}
        fields["electricity_kwh"] = sum_known(row.numbers("electricity_kwh"))
        fields["electricity_cost_gbp"] = (sum_known(row.numbers("electricity_cost_gbp"))
                                          if table.groups["electricity_cost_gbp"] else None)
        fields["energy_kwh"] = sum_known(row.numbers("energy_kwh")) if has_kwh else None
        fields["energy_cost_gbp"] = None
        if has_cost:
            fields["energy_cost_gbp"] = (row.number("all_energy_cost_gbp")
                                         if table.has("all_energy_cost_gbp")
                                         else sum_known(row.numbers("energy_cost_gbp")))
        for f, value in fields.items():
            values[code][f].append(value)
    if shifted:
        report.note(f"{path.name}: {len(shifted)} trust names split over two cells "
                    f"({', '.join(shifted)}): trust type read one cell to the right")
    if is_site_file:
        report.note(f"{path.name}: {len(table.rows)} site rows summed to {len(values)} trusts "
                    "(over the sites with a value)")
    report.rows_in["estates"] += len(table.rows)
    return table, values, trust_type


def run(files: list[Path], data_dir: Path, apply_peer_groups: bool = False,
        **_options) -> ImportReport:
    report = ImportReport("eric", PUBLISHER, TITLE, period_of_files(files))
    if apply_peer_groups:  # refuse before writing anything
        bundle.providers_csv(data_dir, "--apply-peer-groups writes peer groups into it")
    types = trust_type_map()
    estates: dict[str, dict[str, str]] = {}
    peer_rows: dict[str, dict[str, str]] = {}
    origin: dict[str, Path] = {}
    sources = []
    for path in files:
        table, values, trust_type = _read_file(path, report, types)
        sources.append(table.source)
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
    report.wrote("estates", len(rows), sources)
    report.note("general_supplies_gbp and clinical_supplies_gbp are not in ERIC: left blank")
    if peer_rows:
        bundle.write_csv(data_dir / "eric_peer_groups.csv", PEER_GROUP_COLUMNS,
                         [peer_rows[c] for c in sorted(peer_rows)])
        report.rows_in["eric_peer_groups"] = len(peer_rows)
        report.rows_out["eric_peer_groups"] = len(peer_rows)
    if apply_peer_groups:
        apply_to_providers(data_dir, peer_rows, report, sources)
    elif (data_dir / "providers.csv").exists():
        report.note("providers.csv left unchanged: run with --apply-peer-groups to write each "
                    "listed trust's ERIC peer group and sector into it")
    return report


def sector_of_peer_group() -> dict[str, str]:
    """Peer group -> its sector, from reference_data/peer_groups.csv (one sector per group)."""
    return {r["peer_group"]: r["sectors"] for r in reference.rows("peer_groups")
            if r["sectors"] and ";" not in r["sectors"]}


def apply_to_providers(data_dir: Path, peer_rows: dict[str, dict[str, str]],
                       report: ImportReport, sources: list) -> None:
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
    report.wrote("providers", len(updates), sources, rows_in=len(providers))
    report.note(f"providers.csv: peer_group and sector written for {len(updates)} of "
                f"{len(providers)} listed trusts (other columns kept; no trust added)")
    if changed:
        report.note(f"providers.csv: {len(changed)} trusts had another peer group or sector, "
                    f"now ERIC's: {bundle.listed(changed)}")
    if no_group:
        report.note(f"providers.csv: {len(no_group)} trusts have an ERIC type with no peer group "
                    f"(peer_group and sector kept as they were, not guessed; set them by hand): "
                    f"{bundle.listed(no_group)}")
    bundle.note_merge_coverage(report, "ERIC", not_in_eric, set(peer_rows), providers)
