"""NCC organisation-level source data (File 1 actual cost, File 2 MFF-adjusted) -> `ncc_costs`.

Header names drift between the 2020/21 and 2024/25 publications, so columns are found by alias.
Suppressed cells (`*`) stay missing. Legacy department codes (`EI`, `NEI_L`, `CLFUSFF`, ...) become
today's codes through `legacy_codes` in reference_data/departments.csv; rows that then share a
key are summed (a missing part makes the sum missing). When the MFF-adjusted File 2 is given as
well, each provider's MFF = actual cost / MFF-adjusted cost over the rows present in both.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from packgen import reference
from packgen.errors import InputError
from packgen.importers import bundle
from packgen.importers.common import (
    ImportReport,
    Layout,
    Row,
    Table,
    format_number,
    is_text_value,
    parse_number,
    period_of_files,
    read_table,
    sum_or_missing,
)

PUBLISHER = "NHS England"
TITLE = "National Cost Collection for the NHS: organisation-level source data"
KEY_FIELDS = ("provider_code", "department_code", "service_code", "currency_code")
ALIASES: dict[str, tuple[str, ...]] = {
    "provider_code": ("Provider Code", "Org Code", "OrgCode", "Organisation Code",
                      "Organization Code", "Trust Code"),
    "department_code": ("Department Code", "DepartmentCode", "Dept Code", "Department"),
    "service_code": ("Service Code", "ServiceCode", "TFC", "Treatment Function Code"),
    "currency_code": ("Currency Code", "CurrencyCode", "HRG Code", "HRG", "Currency"),
    "activity": ("Activity", "Activity Count", "FCEs", "Number of FCEs"),
    "actual_cost_gbp": ("Actual Cost", "ActualCost", "Total Cost", "Total Actual Cost"),
    "mff_adjusted_cost_gbp": ("MFFd Actual Cost", "MFF Adjusted Cost", "MFFdActualCost",
                              "MFF Adjusted Actual Cost", "MFFd Cost", "MFFd Total Cost"),
}
COST_FIELDS = ("actual_cost_gbp", "mff_adjusted_cost_gbp")
MFF_COLUMNS = ("provider_code", "mff", "actual_cost_gbp", "mff_adjusted_cost_gbp")
OPTIONAL_FIELDS = ("activity", *COST_FIELDS)


def is_units_row(row: Row) -> bool:
    """A row under the header that is not data: blank key, or units such as "(count), (GBP)"."""
    if not row.text("provider_code"):
        return True
    values = [f for f in ("activity", *COST_FIELDS) if row.table.has(f)]
    return all(is_text_value(row.text(f)) for f in values)


LAYOUT = Layout(aliases=ALIASES, key="provider_code", optional=OPTIONAL_FIELDS,
                units_row=is_units_row)


def department_map() -> dict[str, str]:
    """Every accepted department code (modern and legacy, upper case) -> the modern code."""
    mapping = {}
    for row in reference.rows("departments"):
        mapping[row["department_code"].upper()] = row["department_code"]
        for legacy in filter(None, (c.strip() for c in row["legacy_codes"].split(";"))):
            mapping[legacy.upper()] = row["department_code"]
    return mapping


def _read(path: Path, report: ImportReport) -> Table:
    table = read_table(path, LAYOUT, report)
    if not any(table.has(f) for f in COST_FIELDS):
        expected = ", ".join(ALIASES["actual_cost_gbp"] + ALIASES["mff_adjusted_cost_gbp"])
        raise InputError(f"{path}: line {table.header_line}: no cost column. Expected one of "
                         f"{expected}")
    return table


def _collect(path: Path, report: ImportReport):
    """Rows of one file, keyed after mapping departments: key -> {field: [values]}."""
    table = _read(path, report)
    source, columns = table.source, table.columns
    is_file_1 = "actual_cost_gbp" in columns
    departments = department_map()
    grouped: dict[tuple[str, ...], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in table.rows:
        key_cells = {f: row.text(f) for f in KEY_FIELDS}
        if not key_cells["provider_code"]:
            report.drop(f"rows without a provider code ({source.path.name})")
            continue
        raw_department = key_cells["department_code"].upper()
        department = departments.get(raw_department)
        if department is None:
            report.drop(f"rows with a department code not in reference_data/departments.csv "
                        f"({raw_department or 'blank'}, {source.path.name})")
            continue
        if department != raw_department:
            report.note_count(f"rows with legacy department code {raw_department} mapped to "
                              f"{department} ({source.path.name})")
        key = (key_cells["provider_code"].upper(), department, key_cells["service_code"],
               key_cells["currency_code"].upper())
        report.described.add(key[0])
        for f in ("activity", *COST_FIELDS):
            if f not in columns:
                continue
            text = row.text(f)
            value = parse_number(text)
            if value is None and is_file_1 and f != "mff_adjusted_cost_gbp":
                label = "suppressed (*)" if text == "*" else "missing"
                report.note_count(f"rows with {label} {f.removesuffix('_gbp')} written blank "
                                  "(missing, not zero)")
            grouped[key][f].append(value)
    merged = sum(1 for values in grouped.values() if len(next(iter(values.values()))) > 1)
    if merged:
        report.note(f"{source.path.name}: {merged} keys held several rows after mapping "
                    "department codes: summed (missing if any part is missing)")
    return source, columns, grouped, len(table.rows)


def _one(found: list, what: str, hint: str):
    if len(found) > 1:
        raise InputError(f"{found[1][0].path}: a second file with {what} (the first was "
                         f"{found[0][0].path})", hint)
    return found[0] if found else None


def run(files: list[Path], data_dir: Path, **_options) -> ImportReport:
    report = ImportReport("ncc", PUBLISHER, TITLE, period_of_files(files))
    collected = [_collect(path, report) for path in files]
    hint = "Import one year at a time: File 1 and, optionally, its MFF-adjusted File 2."
    actual_file = _one([c for c in collected if "actual_cost_gbp" in c[1]], "actual cost", hint)
    mffd_file = _one([c for c in collected if "mff_adjusted_cost_gbp" in c[1]],
                     "MFF-adjusted cost", hint)
    if actual_file is None:
        raise InputError(f"{files[0]}: no file with actual cost (File 1) among the inputs",
                         "Give File 1 (unadjusted cost); File 2 (MFF-adjusted) is optional.")
    source, _, grouped, rows_read = actual_file
    rows = []
    for key, values in sorted(grouped.items()):
        row = dict(zip(KEY_FIELDS, key, strict=True))
        row["activity"] = format_number(sum_or_missing(values.get("activity", [None])))
        row["actual_cost_gbp"] = format_number(sum_or_missing(values["actual_cost_gbp"]))
        rows.append(row)
    bundle.write_table(data_dir, "ncc_costs", rows)
    bundle.note_unknown_providers(data_dir, "ncc_costs", rows, report)
    report.wrote("ncc_costs", len(rows), [source], rows_in=rows_read)
    if mffd_file is not None:
        mff_sources = [source] + ([mffd_file[0]] if mffd_file[0] is not source else [])
        _write_mff(grouped, mffd_file[2], data_dir, report, mff_sources)
    else:
        report.note("No MFF-adjusted file (File 2) given: MFF not derived")
    return report


def _write_mff(actual: dict, adjusted: dict, data_dir: Path, report: ImportReport,
               sources: list) -> None:
    """MFF per provider = actual / MFF-adjusted cost over the keys with both costs known."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for key, values in actual.items():
        cost = sum_or_missing(values["actual_cost_gbp"])
        adjusted_cost = sum_or_missing(adjusted.get(key, {}).get("mff_adjusted_cost_gbp", [None]))
        if cost is not None and adjusted_cost is not None:
            totals[key[0]][0] += cost
            totals[key[0]][1] += adjusted_cost
    rows = {}
    for provider, (cost, adjusted_cost) in sorted(totals.items()):
        if adjusted_cost <= 0:
            report.drop("providers without MFF-adjusted cost: no MFF derived")
            continue
        rows[provider] = {"provider_code": provider, "mff": format_number(cost / adjusted_cost),
                          "actual_cost_gbp": format_number(cost),
                          "mff_adjusted_cost_gbp": format_number(adjusted_cost)}
    bundle.write_csv(data_dir / "mff_derived.csv", MFF_COLUMNS, list(rows.values()))
    report.wrote("mff_derived", len(rows), sources, rows_in=len(totals))
    providers = data_dir / "providers.csv"
    if providers.exists():
        updates = {code: {"mff": row["mff"]} for code, row in rows.items()}
        columns = bundle.contract_table("providers").column_names
        updated, _ = bundle.merge_keyed_csv(providers, columns, "provider_code", updates,
                                            add_new=False)
        report.wrote("providers", updated, sources)
        report.note(f"providers.csv: mff updated for {updated} providers")
