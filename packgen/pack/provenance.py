"""Where a pack's data came from: each table's publication, publisher and period (from the
bundle's import log), the mark every page carries (SYNTHETIC, REAL or MIXED DATA) and a warning
when the tables describe different years, as real bundles usually do (ERIC 2016/17 beside the
2023/24 cost collection and 2025/26 ambulance data).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from packgen.contract.tables import TABLES
from packgen.pack.model import Source

GENERATED = "generated"  # the import log's source for rows packgen's generator wrote
# Tables that describe the bundle itself, not providers: not data sources of a figure.
ABOUT_THE_BUNDLE = ("bundle_info", "import_log", "successors")


# Tables whose period the contract states whatever the bundle's: the year ahead (2026/27 plans)
OWN_PERIODS = {t.name: t.period for t in TABLES if t.period}


def _measured(sources: Sequence[Source]) -> list[Source]:
    """The tables of what happened: a table of the year ahead is neither part of the data
    period nor of its spread."""
    return [s for s in sources if s.table not in OWN_PERIODS]


@dataclass(frozen=True)
class LogEntry:
    title: str
    publisher: str
    period: str
    real: bool


def _joined(values: Sequence[str | None]) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def import_log(con: duckdb.DuckDBPyConnection) -> dict[str, LogEntry]:
    """table -> what the import log says of its sources (several sources joined)."""
    try:
        rows = con.execute('select "table", source, title, publisher, period from import_log '
                           'order by "table", imported_at, source').fetchall()
    except duckdb.Error:  # a store loaded before the import log was part of the contract
        return {}
    grouped: dict[str, list[tuple]] = {}
    for table, *rest in rows:
        grouped.setdefault(table, []).append(tuple(rest))
    return {table: LogEntry(_joined([r[1] for r in entries]), _joined([r[2] for r in entries]),
                            _joined([r[3] for r in entries]),
                            any(r[0] != GENERATED for r in entries))
            for table, entries in grouped.items()}


def mixed_note(synthetic: bool, sources: Sequence[Source]) -> str:
    """For a synthetic bundle with real tables in it: which ones ('' otherwise)."""
    real = [s for s in sources if s.real]
    if not synthetic or not real:
        return ""
    listed = "; ".join(f"{s.table} ({s.title}{f', {s.period}' if s.period else ''})"
                       for s in real)
    return (f"Real published data: {listed}. Every other table is synthetic (packgen's built-in "
            "dataset of fictional providers).")


_FINANCIAL_YEAR = re.compile(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def period_end(period: str) -> int | None:
    """The period's last month as year x 12 + month, or None if it cannot be read.

    '2016/17' and '2016-17' are financial years (ending March 2017); '2025-04 to 2026-03' ends in
    its last month; '2024' is a calendar year."""
    text = period.strip()
    match = _FINANCIAL_YEAR.match(text)
    if match:
        return (int(match.group(1)) + 1) * 12 + 3
    months = _MONTH.findall(text)
    if months:
        year, month = months[-1]
        return int(year) * 12 + int(month)
    if re.fullmatch(r"\d{4}", text):
        return int(text) * 12 + 12
    return None


def _periods(period: str) -> list[str]:
    """A table's periods: one, or several joined by ';' (providers from ERIC and the RCI)."""
    return [p.strip() for p in period.split(";") if p.strip()]


def period_range(sources: Sequence[Source]) -> str:
    """The tables' period: the one they share, or 'earliest to latest (by table)'."""
    dated = sorted({(period_end(p) or 0, p) for s in _measured(sources)
                    for p in _periods(s.period)})
    periods = [p for _, p in dated]
    if len(periods) <= 1:
        return periods[0] if periods else ""
    return f"{periods[0]} to {periods[-1]} (by table)"


def period_warning(sources: Sequence[Source]) -> str:
    """A warning when the tables' periods end more than a year apart, naming each table's."""
    sources = _measured(sources)
    ends = [(max((e for e in map(period_end, _periods(s.period)) if e is not None),
                 default=None), s) for s in sources if s.period]
    known = [e for s in sources for e in map(period_end, _periods(s.period)) if e is not None]
    if not known or max(known) - min(known) <= 12:
        return ""
    listed = "; ".join(f"{s.table} ({', '.join(_periods(s.period))})" for _, s in sorted(
        ends, key=lambda e: (e[0] or 0, e[1].table)))
    return ("The tables describe different periods, more than a year apart: " + listed
            + ". Each figure uses its own table's period; they are not adjusted to one year.")
