"""The national summary of a computed store, and the CSV export of its finest-level results.

Both read `result_rows` (written by `packgen.engine.compute`) and nothing else, so they describe
exactly what the packs will show.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from packgen.categories import CategoryDef

# The columns docs/method.md ("Interfaces that stay stable") fixes for `packgen compute --csv`, in
# that order, then the columns that let a reader recompute every pound of a row.
CSV_REQUIRED_COLUMNS = (
    "provider_code", "category", "sub_unit", "assessed", "reason", "metric", "benchmark",
    "peers", "volume", "opportunity_native", "native_unit", "opportunity_gbp",
)
CSV_EXTRA_COLUMNS = (
    "component", "role", "department_code", "service_code", "sub_unit_label", "unit_value",
    "numerator", "denominator", "activity", "gap", "peer_set", "formula", "in_total",
    "reason_code", "benchmark_median", "opportunity_median_gbp",
)
CSV_COLUMNS = CSV_REQUIRED_COLUMNS + CSV_EXTRA_COLUMNS
UNASSESSED_BLANK = ("opportunity_native", "opportunity_gbp", "opportunity_median_gbp")
# A result row of this run and last year's are the same row when these agree.
MOVEMENT_KEY = ("provider_code", "category", "component", "sub_unit")


@dataclass(frozen=True)
class CategorySummary:
    category: str
    title: str
    providers: int  # providers with at least one row in the category
    cells_assessed: int  # opportunity rows (not context) that were assessed
    cells_not_assessed: int
    opportunity_gbp: float  # positive opportunities only (never negative by construction)
    native: tuple[tuple[str, float], ...]  # (native unit, opportunity in it), per unit


@dataclass(frozen=True)
class NationalSummary:
    providers: int
    providers_by_sector: tuple[tuple[str, int], ...]
    categories: tuple[CategorySummary, ...]

    @property
    def total_gbp(self) -> float:
        return sum(c.opportunity_gbp for c in self.categories)


def national_summary(con: duckdb.DuckDBPyConnection,
                     defs: tuple[CategoryDef, ...]) -> NationalSummary:
    """Providers, cells assessed / not assessed and opportunity per category, in `defs` order.

    Cells are the rows of opportunity components; context rows (e.g. the overall cost index) are
    benchmarked for the pack but are neither cells nor money, so they are left out here.
    """
    by_sector = con.execute(
        "select sector, count(*) from providers group by sector order by sector").fetchall()
    counts = {
        row[0]: row[1:]
        for row in con.execute("""
            select
                category,
                count(distinct provider_code),
                count(*) filter (where role = 'opportunity' and assessed),
                count(*) filter (where role = 'opportunity' and not assessed),
                coalesce(sum(opportunity_gbp) filter (where in_total), 0)
            from result_rows
            group by category
        """).fetchall()
    }
    native: dict[str, list[tuple[str, float]]] = {}
    for category, unit, amount in con.execute("""
            select category, native_unit, sum(opportunity_native)
            from result_rows
            where in_total
            group by category, native_unit
            order by category, native_unit
        """).fetchall():
        native.setdefault(category, []).append((unit, amount or 0.0))
    categories = []
    for d in defs:
        providers, assessed, not_assessed, gbp = counts.get(d.id, (0, 0, 0, 0.0))
        categories.append(CategorySummary(
            d.id, d.short_title, providers, assessed, not_assessed, round(gbp, 2),
            tuple(native.get(d.id, ()))))
    return NationalSummary(sum(n for _, n in by_sector), tuple(by_sector), tuple(categories))


def format_amount(value: float, unit: str) -> str:
    """A native amount with its unit, rounded for reading (the CSV has the exact figure)."""
    if unit.upper().startswith("GBP"):
        return f"£{value:,.0f} {unit.removeprefix('GBP').strip()}".rstrip()
    return f"{value:,.0f} {unit}"


def render_summary(summary: NationalSummary) -> str:
    """A plain aligned text table, for the terminal (numbers right-aligned)."""
    sectors = ", ".join(f"{sector} {n}" for sector, n in summary.providers_by_sector)
    header = ("category", "providers", "assessed", "not assessed", "opportunity (GBP)",
              "opportunity (native units)")
    rows = [
        (c.category, f"{c.providers:,}", f"{c.cells_assessed:,}", f"{c.cells_not_assessed:,}",
         f"£{c.opportunity_gbp:,.0f}",
         "; ".join(format_amount(v, u) for u, v in c.native) or "-")
        for c in summary.categories
    ]
    rows.append(("total (an upper bound: categories overlap)", "",
                 f"{sum(c.cells_assessed for c in summary.categories):,}",
                 f"{sum(c.cells_not_assessed for c in summary.categories):,}",
                 f"£{summary.total_gbp:,.0f}", ""))
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    left_aligned = {0, len(header) - 1}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i in left_aligned else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([
        f"Providers: {summary.providers:,} ({sectors})",
        "",
        line(header),
        rule,
        *(line(r) for r in rows[:-1]),
        rule,
        line(rows[-1]),
    ])


def export_csv(con: duckdb.DuckDBPyConnection, path: Path, previous: Path | None = None) -> int:
    """Write the finest-level result rows of every category to `path`; returns the row count.

    Context rows are included and marked (`role` = 'context', `in_total` = false). With
    `previous` (last year's results.csv) each row also gets `previous_opportunity_gbp`, blank
    where the previous run had no such row. The file is written beside the target and renamed
    over it, so a reader never sees half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # A row not assessed has no figure: its money is blank, never £0 (the store keeps 0.0 so
    # that sums need no null handling).
    columns = ", ".join(f"case when r.assessed then r.{c} end as {c}" if c in UNASSESSED_BLANK
                        else f"r.{c}" for c in CSV_COLUMNS)
    joined = ""
    if previous is not None:
        rows = pl.read_csv(previous, columns=[*MOVEMENT_KEY, "opportunity_gbp"],
                           schema_overrides={k: pl.String for k in MOVEMENT_KEY}
                           | {"opportunity_gbp": pl.Float64})
        con.register("previous_rows", rows.rename(
            {"opportunity_gbp": "previous_opportunity_gbp"}).to_arrow())
        columns += ", p.previous_opportunity_gbp"
        joined = f"left join previous_rows as p using ({', '.join(MOVEMENT_KEY)})"
    try:
        # The path is bound as a parameter-free literal: COPY does not take prepared parameters,
        # so single quotes are doubled instead.
        target = str(temporary).replace("'", "''")
        con.execute(f"""
            copy (
                select {columns}
                from result_rows as r
                {joined}
                order by r.category, r.provider_code, r.component, r.sub_unit
            ) to '{target}' (format csv, header true)
        """)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
        if previous is not None:
            con.unregister("previous_rows")
    return con.execute("select count(*) from result_rows").fetchall()[0][0]
