"""AmbSYS (Ambulance Quality Indicators, system indicators) -> `ambulance`.

Monthly rows per trust, beside region and England rows (dropped, counted). Fields are `A`-numbered:
incidents = A7, face_to_face_incidents = A56, conveyed_to_ed = A53, summed over the period (by
default the latest 12 months present). `.` means not collected: missing, never zero; a trust's sum
is over the months it has a value for, and every month missing for a trust is reported.
Handovers, hours lost and WTE are not in AmbSYS and are left blank.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from packgen.errors import InputError
from packgen.importers import bundle
from packgen.importers.common import (
    ImportReport,
    cell,
    check_width,
    choose_period,
    find_columns,
    format_number,
    month_label,
    months_between,
    parse_number,
    read_rows,
    sum_known,
)

FIELDS = {"incidents": "A7", "face_to_face_incidents": "A56", "conveyed_to_ed": "A53"}
ALIASES = {
    "year": ("Year",),
    "month": ("Month",),
    "org_code": ("Org Code", "OrgCode", "Organisation Code"),
    **{name: (code,) for name, code in FIELDS.items()},
}
REGION_CODE = re.compile(r"Y\d\d")


def run(files: list[Path], data_dir: Path, period_from: str | None = None,
        period_to: str | None = None, **_options) -> ImportReport:
    report = ImportReport("ambsys")
    # (trust, (year, month)) -> {field: value}
    monthly: dict[tuple[str, tuple[int, int]], dict[str, float | None]] = {}
    for path in files:
        source = read_rows(path)
        line, header = source.rows[0]
        columns = find_columns(source, header, line, ALIASES)
        rows = source.rows[1:]
        report.inputs.append(("ambulance", source, len(rows)))
        for row_line, cells in rows:
            check_width(source, row_line, cells, header, columns)
            report.rows_in["ambulance"] += 1
            code = cell(cells, columns["org_code"]).upper()
            if code == "ENG":
                report.drop("England rows")
                continue
            if REGION_CODE.fullmatch(code):
                report.drop("region rows")
                continue
            try:
                month = (int(cell(cells, columns["year"])), int(cell(cells, columns["month"])))
            except ValueError:
                raise InputError(f"{path}: line {row_line}: Year and Month must be whole numbers "
                                 f"(got {cell(cells, columns['year'])!r}, "
                                 f"{cell(cells, columns['month'])!r})") from None
            if (code, month) in monthly:
                report.drop("repeated trust-months (first kept)")
                continue
            monthly[(code, month)] = {
                name: parse_number(cell(cells, columns[name])) for name in FIELDS}
    start, end = choose_period({m for _, m in monthly}, period_from, period_to, "ambsys")
    period = months_between(start, end)
    in_period = set(period)
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
    bundle.write_table(data_dir, "ambulance", rows)
    bundle.note_unknown_providers(data_dir, "ambulance", rows, report)
    report.rows_out["ambulance"] = len(rows)
    report.note("handovers, handover_hours_lost and wte are not in AmbSYS: left blank")
    return report
