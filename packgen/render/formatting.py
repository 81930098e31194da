"""Number, money, percentage and rank formatting shared by the HTML/PDF templates.

Every function takes the model's raw value (pounds as floats, fractions for percentages, ratios
for cost indices) and returns display text. None and non-finite values become an en dash, so a
missing figure never prints as "nan" or "None".
"""

from __future__ import annotations

import math
from datetime import date

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
    """A count or measure with thousands separators; decimals chosen by size when not given."""
    if not _is_number(value):
        return MISSING
    if decimals is None:
        size = abs(value)
        decimals = 0 if size >= 100 else 1 if size >= 10 else 2
    text = f"{value:,.{decimals}f}"
    return "0" if text in ("-0", "-0.0", "-0.00") else text


def ordinal(n: int | None) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 41 -> "41st"."""
    if n is None:
        return MISSING
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_of(rank: int | None, of: int | None) -> str:
    """A rank among peers: "41st of 120"."""
    if rank is None:
        return MISSING
    return ordinal(rank) if of is None else f"{ordinal(rank)} of {of:,}"


def metric(value: float | None, unit: str) -> str:
    """A metric value in its unit, as the model states it (`Component.metric_unit`).

    `index` values are ratios to the national average (1.08) shown on the x100 scale ("108");
    `%` values are fractions; `GBP` is money; anything else is a number followed by its unit.
    """
    if not _is_number(value):
        return MISSING
    if unit == "index":
        return number(value * 100, 0)
    if unit == "%":
        return pct(value)
    if unit.startswith("GBP"):
        return gbp(value)
    return number(value)


def metric_axis(value: float, unit: str) -> str:
    """A tick label on a chart axis: like `metric` but without trailing zeros on round ticks."""
    if unit == "index":
        return number(value * 100, 0)
    if unit == "%":
        decimals = 0 if abs(value * 100 - round(value * 100)) < 1e-9 else 1
        return pct(value, decimals)
    if unit.startswith("GBP"):
        return gbp(value)
    if abs(value - round(value)) < 1e-9:
        return number(value, 0)
    return number(value)


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


FILTERS = {
    "gbp": gbp,
    "gbp_full": gbp_full,
    "pct": pct,
    "signed_pct": signed_pct,
    "number": number,
    "ordinal": ordinal,
    "metric": metric,
    "native": native,
    "long_date": long_date,
    "short_hash": short_hash,
}
