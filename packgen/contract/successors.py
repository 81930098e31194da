"""Merged trusts: re-assign a predecessor's rows to its successor (the `successors` table).

Returns made before a merger describe trusts that no longer exist: ERIC 2016/17 has 39 trust
codes that merged since. When the bundle's providers list does not hold a predecessor but
`successors.csv` maps it to a successor, the predecessor's rows of each *additive* table (floor
area, kWh, spend, activity: every value column a non-negative amount) are counted under the
successor, summed with the successor's own rows by key, and a note says so. A sum with a missing
part is missing, never understated. Chains (A merged into B, B into C) are followed.
"""

from __future__ import annotations

import polars as pl

from packgen.contract.read import LINE
from packgen.contract.report import ValidationReport
from packgen.contract.tables import TABLES, Table

NOT_ADDITIVE = ("providers", "successors", "import_log", "plans")
MAX_CHAIN = 10


def additive(table: Table) -> bool:
    """A table whose rows of two trusts can be added: keyed by provider, every other column an
    amount (a non-negative number)."""
    if table.name in NOT_ADDITIVE or "provider_code" not in table.key:
        return False
    values = [c for c in table.columns if c.name not in table.key]
    return bool(values) and all(c.type in ("float", "int") and c.min_value == 0 for c in values)


def successor_map(checked: dict[str, pl.DataFrame]) -> dict[str, tuple[str, str]]:
    """predecessor -> (successor, 'merged into X on DATE (SOURCE)'), for predecessors the
    providers table does not list, chains followed to a listed trust."""
    if "successors" not in checked or "providers" not in checked:
        return {}
    listed = set(checked["providers"].get_column("provider_code").drop_nulls())
    direct = {p: (s, d, src) for p, s, d, src in checked["successors"].select(
        "predecessor_code", "successor_code", "effective_date", "source").iter_rows()
        if p and s and p != s}
    out = {}
    for predecessor in direct:
        if predecessor in listed:
            continue
        successor, date, source = direct[predecessor]
        for _ in range(MAX_CHAIN):  # follow A -> B -> C until a listed trust (or give up)
            if successor in listed or successor not in direct:
                break
            successor = direct[successor][0]
        if successor in listed:
            when = f" on {date}" if date else ""
            out[predecessor] = (successor, f"merged into {successor}{when}"
                                f"{f' ({source})' if source else ''}")
    return out


def apply_successors(checked: dict[str, pl.DataFrame], report: ValidationReport) -> None:
    mapping = successor_map(checked)
    if not mapping:
        return
    by_name = {t.name: t for t in TABLES}
    for name, frame in list(checked.items()):
        table = by_name[name]
        if not additive(table):
            continue
        moved = frame.filter(pl.col("provider_code").is_in(list(mapping)))
        if not moved.height:
            continue
        successor = {p: s for p, (s, _) in mapping.items()}
        frame = frame.with_columns(pl.col("provider_code").replace(successor))
        values = [c.name for c in table.columns if c.name not in table.key]
        checked[name] = frame.group_by(list(table.key), maintain_order=True).agg(
            pl.col(LINE).min(),
            *[pl.when(pl.col(v).null_count() > 0).then(None).otherwise(pl.col(v).sum())
              .alias(v) for v in values],
        ).select(frame.columns)
        for predecessor in sorted(set(moved.get_column("provider_code"))):
            rows = moved.filter(pl.col("provider_code") == predecessor).height
            report.notes.append(
                f"{report.files[name].name}: {rows:,} row{'s' * (rows != 1)} of {predecessor} "
                f"({mapping[predecessor][1]}) counted under {successor[predecessor]}.")
