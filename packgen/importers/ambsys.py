"""AmbSYS (Ambulance Quality Indicators, system indicators) -> `ambulance`.

Monthly rows per trust, beside region and England rows (dropped, counted). Fields are `A`-numbered:
incidents = A7, face_to_face_incidents = A56, conveyed_to_ed = A53, summed over the period: by
default the latest complete financial year (April to March) in the file, or `--from`/`--to`.
`.` means not collected: missing, never zero; a trust's sum is over the months it has a value
for, and every month missing for a trust is reported. Handovers, hours lost and WTE are not in
AmbSYS and are left blank.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from packgen.errors import InputError
from packgen.importers import bundle
from packgen.importers.common import (
    ImportReport,
    Layout,
    choose_period,
    format_number,
    month_label,
    months_between,
    period_label,
    read_table,
    sum_known,
)

PUBLISHER = "NHS England"
TITLE = "Ambulance Quality Indicators: Systems Indicators (AmbSYS)"
FIELDS = {"incidents": "A7", "face_to_face_incidents": "A56", "conveyed_to_ed": "A53"}
LAYOUT = Layout(
    aliases={
        "year": ("Year",),
        "month": ("Month",),
        "org_code": ("Org Code", "OrgCode", "Organisation Code"),
        **{name: (code,) for name, code in FIELDS.items()},
    },
    key="org_code",
    search_rows=1,
    hint="Give NHS England's AmbSYS CSV (Year, Month, Region, Org Code, Org Name, A0, A1, ...).",
)
REGION_CODE = re.compile(r"Y\d\d")


def run(files: list[Path], data_dir: Path, period_from: str | None = None,
        period_to: str | None = None, **_options) -> ImportReport:
    report = ImportReport("ambsys", PUBLISHER, TITLE)
    # (trust, (year, month)) -> {field: value}
    monthly: dict[tuple[str, tuple[int, int]], dict[str, float | None]] = {}
    sources = []
    for path in files:
        table = read_table(path, LAYOUT, report)
        sources.append(table.source)
        for row in table.rows:
            report.rows_in["ambulance"] += 1
            code = row.text("org_code").upper()
            if code == "ENG":
                report.drop("England rows")
                continue
            if REGION_CODE.fullmatch(code):
                report.drop("region rows")
                continue
            month = (row.whole("year"), row.whole("month"))
            if not 1 <= month[1] <= 12:
                raise row.error("month", f"{month[1]} is not a month (1-12)")
            report.described.add(code)
            if (code, month) in monthly:
                report.drop("repeated trust-months (first kept)")
                continue
            monthly[(code, month)] = {name: row.number(name) for name in FIELDS}
    start, end = choose_period({m for _, m in monthly}, period_from, period_to, "ambsys")
    period = months_between(start, end)
    in_period = set(period)
    report.period = period_label(start, end)
    report.note(f"period: {month_label(start)} to {month_label(end)} ({len(period)} months)")
    values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    outside = 0
    for (code, month), fields in monthly.items():
        if month not in in_period:
            outside += 1
            continue
        for name, value in fields.items():
            values[code][name].append(value)
            if value is None:
                report.note_count(f"trust-months with {FIELDS[name]} missing ('.')")
    if outside:
        report.drop("trust rows outside the period", outside)
    trusts = sorted({code for code, _ in monthly})
    rows = []
    for code in trusts:
        absent = [month_label(m) for m in period if (code, m) not in monthly]
        if absent:
            report.note(f"{code}: no row for {len(absent)} month(s) of the period "
                        f"({', '.join(absent[:12])}{'...' if len(absent) > 12 else ''}); "
                        "its sums cover the months present")
        if code not in values:
            continue
        rows.append({"provider_code": code,
                     **{name: format_number(sum_known(values[code][name])) for name in FIELDS}})
    if not rows:
        raise InputError(f"{files[0]}: no trust rows in the period {month_label(start)} to "
                         f"{month_label(end)}", "Check --from and --to.")
    bundle.write_table(data_dir, "ambulance", rows)
    bundle.note_unknown_providers(data_dir, "ambulance", rows, report)
    report.wrote("ambulance", len(rows), sources)
    report.note("handovers, handover_hours_lost and wte are not in AmbSYS: left blank")
    return report
