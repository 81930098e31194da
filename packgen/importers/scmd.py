"""Secondary Care Medicines Data (NHSBSA SCMD) -> `medicines_use`.

Quantity and cost per provider x product (dm+d VMP), summed over the period: by default the
latest complete financial year (April to March) in the file, or `--from`/`--to`. Products that
are not in the folder's `medicines_reference.csv` are dropped with a counted note (the medicines
category compares only the products of its reference list); without that file every product is
kept. The quantity column has three spellings across schemas, two with
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
    Layout,
    choose_period,
    format_number,
    month_label,
    parse_month,
    period_label,
    read_table,
    sum_or_missing,
)

PUBLISHER = "NHS Business Services Authority (NHSBSA)"
TITLE = "Secondary Care Medicines Data (SCMD)"
LAYOUT = Layout(
    aliases={
        "year_month": ("year_month", "YEAR_MONTH", "Month"),
        "provider_code": ("ods_code", "ODS_CODE", "Provider Code"),
        "vmp_code": ("vmp_snomed_code", "VMP_SNOMED_CODE", "vmp_code"),
        "quantity": ("total_quantity", "total_quanity_in_vmp_unit",
                     "TOTAL_QUANITY_IN_VMP_UNIT", "total_quantity_in_vmp_unit"),
        "cost_gbp": ("indicative_cost", "INDICATIVE_COST", "cost"),
    },
    key="vmp_code",
    optional=("cost_gbp",),
    hint="Give an NHSBSA SCMD file (year_month, ods_code, vmp_snomed_code, quantity, cost).",
)


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


def reference_products(data_dir: Path, report: ImportReport) -> set[str] | None:
    """The VMP codes of the folder's medicines_reference.csv (None when there is none)."""
    path = data_dir / "medicines_reference.csv"
    if not path.exists():
        report.note("no medicines_reference.csv in the folder: every product kept (the "
                    "medicines category uses only the products of its reference list)")
        return None
    return {vmp_code(r.get("vmp_code", "")) or "" for r in bundle.read_csv(path)[1]}


def run(files: list[Path], data_dir: Path, period_from: str | None = None,
        period_to: str | None = None, **_options) -> ImportReport:
    report = ImportReport("scmd", PUBLISHER, TITLE)
    monthly = []  # (month, provider, vmp, quantity, cost)
    has_cost = False
    sources = []
    for path in files:
        table = read_table(path, LAYOUT, report)
        sources.append(table.source)
        has_cost = has_cost or table.has("cost_gbp")
        if not table.has("cost_gbp"):
            report.note(f"{path.name}: no cost column: cost_gbp left blank (missing)")
        report.rows_in["medicines_use"] += len(table.rows)
        for row in table.rows:
            month = parse_month(row.text("year_month"))
            code = vmp_code(row.text("vmp_code"))
            provider = row.text("provider_code").upper()
            if month is None or code is None or not provider:
                report.drop("rows without a month, provider or valid VMP code")
                continue
            report.described.add(provider)
            if code != row.text("vmp_code"):
                report.note_count("VMP codes written as numbers (e.g. 326874007.0) restored as "
                                  "text")
            monthly.append((month, provider, code, row.number("quantity"),
                            row.number("cost_gbp")))
    start, end = choose_period({m[0] for m in monthly}, period_from, period_to, "scmd")
    report.period = period_label(start, end)
    report.note(f"period: {month_label(start)} to {month_label(end)}")
    products = reference_products(data_dir, report)
    grouped: dict[tuple[str, str], list[list]] = defaultdict(lambda: [[], []])
    for month, provider, code, quantity, cost in monthly:
        if not start <= month <= end:
            report.drop("rows outside the period")
            continue
        if products is not None and code not in products:
            report.note_count("rows of products not in medicines_reference.csv dropped")
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
    report.wrote("medicines_use", len(rows), sources)
    return report
