"""Number, money, percentage and rank formatting shared by the HTML/PDF templates.

Every function takes the model's raw value (pounds as floats, fractions for percentages, ratios
for cost indices) and returns display text. None and non-finite values become an en dash, so a
missing figure never prints as "nan" or "None".
"""

from __future__ import annotations

import math
from datetime import date

from packgen.engine import params
from packgen.pack import text

MISSING = "–"


def _is_number(value: float | int | None) -> bool:
    return value is not None and isinstance(value, int | float) and math.isfinite(value)


def gbp(value: float | None) -> str:
    """Money for reading at a glance: £1.2m / £1.2bn from a million up, £12,345 below."""
    if not _is_number(value):
        return MISSING
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 999_950_000:  # would round to £1,000.0m
        return f"{sign}£{size / 1e9:,.1f}bn"
    if size >= 999_950:  # would round to £1,000,000 or more
        return f"{sign}£{size / 1e6:,.1f}m"
    return f"{sign}£{size:,.0f}"


def gbp_full(value: float | None) -> str:
    """Money to the pound with thousands separators (tables a reader recomputes from)."""
    if not _is_number(value):
        return MISSING
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def pct(fraction: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.041 -> "4.1%"."""
    if not _is_number(fraction):
        return MISSING
    return f"{fraction * 100:,.{decimals}f}%"


def signed_pct(fraction: float | None, decimals: int = 1) -> str:
    """A growth rate with its sign: 0.031 -> "+3.1%", -0.004 -> "-0.4%"."""
    if not _is_number(fraction):
        return MISSING
    text = pct(fraction, decimals)
    return text if text.startswith("-") else f"+{text}"


def number(value: float | None, decimals: int | None = None) -> str:
    """A count or measure with thousands separators; decimals chosen by size when not given
    (the rule pack sentences use too: `packgen.pack.text.amount`). Zero is "0"."""
    if not _is_number(value):
        return MISSING
    return text.amount(value, decimals)


def ordinal(n: int | None) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 41 -> "41st"; a dash for a missing rank."""
    return MISSING if n is None else params.ordinal(n)


def rank_of(rank: int | None, of: int | None) -> str:
    """A rank among peers: "41st of 120"."""
    if rank is None:
        return MISSING
    return ordinal(rank) if of is None else f"{ordinal(rank)} of {of:,}"


def metric(value: float | None, unit: str, against: float | None = None) -> str:
    """A metric value in its unit, as the model states it (`Component.metric_unit`).

    `index` values are ratios to the national average (1.08) shown on the x100 scale ("108");
    `%` values are fractions; `GBP` is money; anything else is a number followed by its unit.
    With `against` (the benchmark beside a trust's value, or the value beside its benchmark),
    decimals are added until two different figures read differently: "3.9% against 3.9%"
    beside an opportunity would contradict it.
    """
    if not _is_number(value):
        return MISSING
    shown = _metric(value, unit)
    if not _is_number(against) or against == value or unit.startswith("GBP"):
        return shown
    extra = 0
    while shown == _metric(against, unit, extra) and extra < 4:
        extra += 1
        shown = _metric(value, unit, extra)
    return shown


def _metric(value: float, unit: str, extra: int = 0) -> str:
    if unit == "index":
        return number(value * 100, extra)
    if unit == "%":
        # Small shares (a corporate function's 0.3% of income) need a second decimal, or a
        # trust and its benchmark read the same beside a real opportunity.
        return pct(value, (2 if abs(value) < 0.01 else 1) + extra)
    if unit.startswith("GBP"):
        return gbp(value)
    if extra:
        size = abs(value)
        return number(value, (0 if size >= 100 else 1 if size >= 10 else 2) + extra)
    return number(value)


def with_unit(label: str, unit: str | None) -> str:
    """"Average length of stay" + "days" -> "Average length of stay (days)"; a label that already
    names its unit, and units shown by the value itself (%, £, index), get nothing added."""
    if not unit or unit in ("%", "GBP", "index") or unit.lower() in label.lower():
        return label
    return f"{label} ({unit})"


def axis_labels(values: list[float], unit: str) -> list[str]:
    """Tick labels for a chart axis, all with the fewest decimals that show every tick exactly
    (0, 2.5, 5, 7.5 rather than 0.00, 2.50, ...), in the metric's unit."""
    if unit.startswith("GBP"):
        return [gbp(v) for v in values]
    scale = 100 if unit in ("index", "%") else 1
    scaled = [v * scale for v in values]
    decimals = next((d for d in range(7)
                     if all(abs(v * 10**d - round(v * 10**d)) < 1e-6 for v in scaled)), 6)
    if unit == "index":
        decimals = 0  # an index is always read in whole points of the national average
    suffix = "%" if unit == "%" else ""
    return [f"{number(v, decimals)}{suffix}" for v in scaled]


def native_amount(amount: float | None, unit: str) -> str:
    """An amount in a native unit that a table header names: money as £, others as numbers."""
    return gbp(amount) if unit.startswith("GBP") else number(amount)


def unit_heading(unit: str) -> str:
    """A native unit as a column heading says it: "GBP at national prices" -> "£ at national
    prices", "GBP" -> "£", others as they are ("bed days")."""
    return ("£ " + unit[3:].strip()).strip() if unit.startswith("GBP") else unit


def native(amount: float | None, unit: str) -> str:
    """An opportunity in its native unit: "1,234 bed days", "£9.4m", "£11.9m (national prices)"."""
    if not _is_number(amount):
        return MISSING
    if unit.startswith("GBP"):
        qualifier = unit[3:].strip()
        return f"{gbp(amount)} {qualifier}".rstrip()
    return f"{number(amount)} {unit}".rstrip()


def long_date(iso: str) -> str:
    """An ISO date as a reader writes it: "2026-12-01" -> "1 December 2026"."""
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    return f"{day.day} {day:%B %Y}"


def short_hash(checksum: str, length: int = 12) -> str:
    """A checksum abbreviated for print; the full value is in the Excel pack and run manifest."""
    return checksum if len(checksum) <= length else f"{checksum[:length]}…"


def unit_value(component) -> str:
    """How one native unit is priced, e.g. "£550.00 per bed day", "0.9976" (a ratio)."""
    value, kind = component.unit_value, component.unit_value_kind
    if not _is_number(value):
        return MISSING
    if kind == "share":
        return pct(value, 0)
    if kind == "ratio":
        return f"{value:.4f}"
    money = f"£{value:,.4f}" if abs(value) < 1 else f"£{value:,.2f}"
    if " per " in component.unit_value_label.lower():
        return money  # "the trust's own cost per kWh £0.31"
    unit = component.native_unit
    return f"{money} per {unit[:-1] if unit.endswith('s') else unit}"


def priced_components(section) -> list[str]:
    """"Cost of a community appointment £90.00 per appointment" for each priced measure of the
    section, once each. A share counted (staffing's half) is said in the sentence, and a ratio
    of 1 (the gap already in the trust's pounds) prices nothing."""
    seen: list[str] = []
    for c in section.components:
        if c.role != "opportunity" or not c.unit_value_label or c.unit_value is None \
                or c.unit_value_kind == "share" \
                or (c.unit_value_kind == "ratio" and c.unit_value == 1.0):
            continue
        text = f"{c.unit_value_label} {unit_value(c)}"
        if text not in seen:
            seen.append(text)
    return seen


def signed_gbp(value: float | None) -> str:
    """A change in pounds with its sign: '+£1,234,567', '-£89'."""
    if not _is_number(value):
        return MISSING
    return f"{'+' if value > 0 else '-' if value < 0 else ''}£{abs(value):,.0f}"


def fact_value(fact) -> str:
    """A drill-down fact as the summary shows it (index to a whole number, counts as such)."""
    if fact.value is None:
        return MISSING
    if fact.kind == "gbp":
        return gbp_full(fact.value)
    if fact.kind == "index":
        return number(fact.value, 0)
    return f"{fact.value:,}"


FILTERS = {
    "gbp": gbp,
    "gbp_full": gbp_full,
    "pct": pct,
    "signed_pct": signed_pct,
    "number": number,
    "ordinal": ordinal,
    "metric": metric,
    "native": native,
    "native_amount": native_amount,
    "unit_heading": unit_heading,
    "long_date": long_date,
    "short_hash": short_hash,
    "with_unit": with_unit,
    "lower_first": params.lower_first,
    "fact_value": fact_value,
    "signed_gbp": signed_gbp,
    "unit_value": unit_value,
}
