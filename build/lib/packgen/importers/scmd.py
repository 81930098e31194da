"""Secondary Care Medicines Data (NHSBSA SCMD) -> `medicines_use`.

Quantity and cost per provider x product (dm+d VMP), summed over the period (by default the
latest 12 months present). The quantity column has three spellings across schemas, two with
NHSBSA's own typo (`total_quanity_in_vmp_unit`). Negative rows (returns, credits) are netted
within provider x product; a product whose net quantity or cost is negative is dropped. A missing
cost is unknown, not zero: a provider x product with any missing cost gets a blank cost. VMP
codes are text: a code exported as a float (`326874007.0`) is restored, never kept as a float.
R's `write.csv` row-number first column (empty header) is ignored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from packgen.importers import bundle
from packgen.importers.common import (
    ImportReport,
    cell,
    check_width,
    choose_period,
    find_columns,
    format_number,
    locate_header,
    month_label,
    parse_month,
    parse_number,
    read_rows,
    sum_or_missing,
)

ALIASES = {
    "year_month": ("year_month", "YEAR_MONTH", "Month"),
    "provider_code": ("ods_code", "ODS_CODE", "Provider Code"),
    "vmp_code": ("vmp_snomed_code", "VMP_SNOMED_CODE", "vmp_code"),
    "quantity": ("total_quantity", "total_quanity_in_vmp_unit", "TOTAL_QUANITY_IN_VMP_UNIT",
                 "total_quantity_in_vmp_unit"),
    "cost_gbp": ("indicative_cost", "INDICATIVE_COST", "cost"),
}
OPTIONAL_FIELDS = ("cost_gbp",)


def vmp_code(text: str) -> str | None:
    """A dm+d code as digits: `326874007`, also from `326874007.0` or `3.26874007E+08`."""
    text = text.strip()
    if re.fullmatch(r"\d+", text):
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if number != number.to_integral_value() or number <= 0:
        return None
    return str(int(number))


def run(files: list[Path], data_dir: Path, period_from: str | None = None,
        period_to: str | None = None, **_options) -> ImportReport:
    report = ImportReport("scmd")
    monthly = []  # (month, provider, vmp, quantity, cost)
    has_cost = False
    for path in files:
        source = read_rows(path)
        header_at = locate_header(source, ALIASES["vmp_code"], ALIASES, OPTIONAL_FIELDS)
        line, header = source.rows[header_at]
        columns = find_columns(source, header, line, ALIASES, OPTIONAL_FIELDS)
        has_cost = has_cost or "cost_gbp" in columns
        if "cost_gbp" not in columns:
            report.note(f"{path.name}: no cost column: cost_gbp left blank (missing)")
        rows = source.rows[header_at + 1:]
        report.rows_in["medicines_use"] += len(rows)
        report.inputs.append(("medicines_use", source, len(rows)))
        for row_line, cells in rows:
            check_width(source, row_line, cells, header, columns)
            month = parse_month(cell(cells, columns["year_month"]))
            code = vmp_code(cell(cells, columns["vmp_code"]))
            provider = cell(cells, columns["provider_code"]).upper()
            if month is None or code is None or not provider:
                report.drop("rows without a month, provider or valid VMP code")
                continue
            if code != cell(cells, columns["vmp_code"]):
                report.note_count("VMP codes written as numbers (e.g. 326874007.0) restored as "
                                  "text")
            monthly.append((month, provider, code, parse_number(cell(cells, columns["quantity"])),
                            parse_number(cell(cells, columns.get("cost_gbp")))))
    start, end = choose_period({m[0] for m in monthly}, period_from, period_to, "scmd")
    report.note(f"period: {month_label(start)} to {month_label(end)}")
    grouped: dict[tuple[str, str], list[list]] = defaultdict(lambda: [[], []])
    for month, provider, code, quantity, cost in monthly:
        if not start <= month <= end:
            report.drop("rows outside the period")
            continue
        if (quantity or 0) < 0 or (cost or 0) < 0:
            report.note_count("negative rows netted within provider x product")
        grouped[(provider, code)][0].append(quantity)
        grouped[(provider, code)][1].append(cost)
    rows = []
    for (provider, code), (quantities, costs) in sorted(grouped.items()):
        quantity, cost = sum_or_missing(quantities), sum_or_missing(costs)
        if (quantity or 0) < 0 or (cost or 0) < 0:
            report.drop("provider x products with a negative net quantity or cost")
            continue
        if cost is None and has_cost:
            report.note_count("provider x products with a missing cost: cost_gbp blank")
        rows.append({"provider_code": provider, "vmp_code": code,
                     "quantity": format_number(quantity), "cost_gbp": format_number(cost)})
    bundle.write_table(data_dir, "medicines_use", rows)
    bundle.note_unknown_providers(data_dir, "medicines_use", rows, report)
    report.rows_out["medicines_use"] = len(rows)
    return report
