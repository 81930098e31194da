"""NCC national schedule -> `national_unit_costs`, and the ambulance unit values.

In the published schedule the `Service Code` column holds the service group NAME (e.g. `Elective
Inpatients`), which is mapped to our department code below; groups without a department in
reference_data/departments.csv (High Cost Devices, Cancer MDT, ...) are dropped and reported.
Currency codes carry trailing spaces and descriptions leading spaces; both are stripped. The
`Ambulance` rows also give the See and Convey (currency 03) and See and Treat (02) unit costs,
merged into `unit_values.csv` under their keys.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from packgen import reference
from packgen.importers import bundle
from packgen.importers.common import (
    ImportReport,
    Layout,
    format_number,
    is_text_value,
    normalise_header,
    period_of_files,
    read_table,
)

PUBLISHER = "NHS England"
TITLE = "National Cost Collection for the NHS: national schedule of NHS costs"
SERVICE_GROUP_DEPARTMENTS = {
    "Elective Inpatients": "EL",
    "Non-Elective Inpatient - Long Stay": "NEL",
    "Non-Elective Inpatient - Short Stay": "NES",
    "Daycase": "DC",
    "Regular Day or Night Admissions": "RP",
    "Outpatient Procedures": "OPROC",
    "Consultant Led": "CL",
    "Non Consultant Led": "NCL",
    "Emergency Care": "EM",
    "Critical care": "CC",
    "Diagnostic Imaging": "DIM",
    "Nuclear Medicine": "NM",
    "Renal Dialysis": "RENAL",
    "Audiology": "AUD",
    "Directly Accessed Pathology Services": "DAPS",
    "Rehabilitation Inpatient": "REHAB",
    "Community Health Service": "CHS",
    "Mental Health Care Contact": "MHCC",
    "Mental Health Provider Spell": "MHPS",
    "NHS Talking Therapy Care Contact": "IAPT",
    "Ambulance": "AMB",
}
ALIASES = {
    "service_group": ("Service Code", "Service Group", "Service", "Department Name"),
    "currency_code": ("Dept or Currency Code", "Currency Code", "CurrencyCode", "HRG Code"),
    "activity": ("Activity", "Activity Count"),
    "unit_cost_gbp": ("Unit cost", "Unit Cost", "National Average Unit Cost", "UnitCost"),
    "cost_gbp": ("Cost", "Total Cost", "Actual Cost"),
}
# unit_values key -> ambulance currency code in the schedule
AMBULANCE_UNIT_VALUES = {"see_and_treat_unit_cost": "02", "see_and_convey_unit_cost": "03"}
LAYOUT = Layout(aliases=ALIASES, key="currency_code", optional=("cost_gbp",),
                units_row=lambda row: is_text_value(row.text("unit_cost_gbp")))


def run(files: list[Path], data_dir: Path, **_options) -> ImportReport:
    report = ImportReport("ncc-schedule", PUBLISHER, TITLE, period_of_files(files))
    by_name = {normalise_header(name): dept for name, dept in SERVICE_GROUP_DEPARTMENTS.items()}
    known_departments = reference.codes("departments")
    # (department, currency) -> [activity, cost] for a weighted mean where a key repeats
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    ambulance: dict[str, tuple[float, str]] = {}
    sources = []
    for path in files:
        table = read_table(path, LAYOUT, report)
        sources.append(table.source)
        report.rows_in["national_unit_costs"] += len(table.rows)
        for row in table.rows:
            group = row.text("service_group")
            department = by_name.get(normalise_header(group))
            if department is None or department not in known_departments:
                report.drop(f"rows of service group {group!r}: no department in "
                            "reference_data/departments.csv")
                continue
            currency = row.text("currency_code").upper()
            activity = row.number("activity")
            unit_cost = row.number("unit_cost_gbp")
            if unit_cost is None or unit_cost <= 0 or not activity or activity <= 0:
                report.drop("rows with zero or missing unit cost or activity")
                continue
            key = (department, currency)
            if key in totals:
                report.note_count("rows repeating a department x currency: activity-weighted "
                                  "mean unit cost")
            totals[key][0] += activity
            totals[key][1] += activity * unit_cost
            if department == "AMB":
                ambulance[currency] = (unit_cost, table.source.path.name)
    rows = [{"department_code": d, "currency_code": c, "activity": format_number(a),
             "unit_cost_gbp": format_number(cost / a)}
            for (d, c), (a, cost) in sorted(totals.items())]
    bundle.write_table(data_dir, "national_unit_costs", rows)
    report.wrote("national_unit_costs", len(rows), sources)
    _merge_unit_values(ambulance, data_dir, report, sources)
    return report


def _merge_unit_values(ambulance: dict[str, tuple[float, str]], data_dir: Path,
                       report: ImportReport, sources: list) -> None:
    units = reference.names("unit_value_keys")  # key -> unit (the second column)
    updates = {}
    for key, currency in AMBULANCE_UNIT_VALUES.items():
        if currency not in ambulance:
            report.note(f"No Ambulance currency {currency} row: {key} not written")
            continue
        value, filename = ambulance[currency]
        updates[key] = {"value": format_number(value), "unit": units[key],
                        "source": f"NCC national schedule, Ambulance currency {currency} "
                                  f"({filename})"}
    if updates:
        columns = bundle.contract_table("unit_values").column_names
        bundle.merge_keyed_csv(data_dir / "unit_values.csv", columns, "key", updates)
        report.wrote("unit_values", len(updates), sources, rows_in=len(updates))
        report.note(f"unit_values.csv: {', '.join(sorted(updates))} merged (other keys kept)")
