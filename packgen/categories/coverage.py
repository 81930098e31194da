"""What each component needs from a bundle, and what is missing: one place for the engine (which
marks rows "Not assessed: no data supplied (...)") and for validation (which says, per category,
whom it will assess).

A component needs its category's `requires`, its own `requires` and, where its unit value comes
from `unit_values`, that key. Inputs are either bundle-wide (a table, a column with at least one
value, a unit value) or per provider (a column of `providers`, and rows of the component's main
table). Real bundles are partial: a missing input is a reason, never a placeholder to compute from.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

import polars as pl

from packgen.categories.definition import CategoryDef, ComponentDef

# Tables that describe every provider or the run as a whole, not one category's return: a
# provider "has rows" in them by definition.
CONTEXT_TABLES = ("providers", "unit_values")


@dataclass(frozen=True)
class Needs:
    """What one component reads."""

    tables: tuple[str, ...]  # tables, in the order declared (the first is its main table)
    columns: tuple[tuple[str, str], ...]  # (table, column) pairs other than providers'
    provider_columns: tuple[str, ...]  # columns of `providers` each assessed provider needs
    unit_value_keys: tuple[str, ...]  # keys of `unit_values`

    @property
    def main_table(self) -> str | None:
        """The return the component is computed from (a provider without rows in it has no
        data), or None when it reads only providers and unit values."""
        return next((t for t in self.tables if t not in CONTEXT_TABLES), None)


def needs(d: CategoryDef, c: ComponentDef) -> Needs:
    tables: list[str] = []
    columns: list[tuple[str, str]] = []
    provider_columns: list[str] = []
    keys: list[str] = []
    for item in (*d.requires, *c.requires):
        table, _, column = item.partition(".")
        if table not in tables:
            tables.append(table)
        if not column:
            continue
        if table == "unit_values":
            keys.append(column)
        elif table == "providers":
            provider_columns.append(column)
        else:
            columns.append((table, column))
    if c.unit_value not in ("sql",) and not c.unit_value.startswith("param:"):
        keys.append(c.unit_value)
    return Needs(tuple(tables), tuple(columns), tuple(dict.fromkeys(provider_columns)),
                 tuple(dict.fromkeys(keys)))


def file_of(table: str) -> str:
    return f"{table}.csv"


def bundle_gap(need: Needs, supplied: Mapping[str, Set[str]]) -> str | None:
    """Why no provider can be assessed on this component (the first missing input), or None.

    `supplied` maps each table given in the bundle to its columns that hold at least one value.
    """
    for table in need.tables:
        if table == "unit_values":  # pricing, not assessment: see pricing_gap
            continue
        if table not in supplied:
            return f"{file_of(table)} not in the bundle"
    for table, column in need.columns:
        if column not in supplied.get(table, ()):
            return f"{column}: no values in {file_of(table)}"
    for column in need.provider_columns:
        if column not in supplied.get("providers", ()):
            return f"{column}: no values in providers.csv"
    return None


def pricing_gap(need: Needs, unit_value_keys: Set[str]) -> str | None:
    """The first unit value the component needs that the bundle lacks, or None. Without it the
    gap is still measured (and shown in native units, a peer value as any other) but not
    priced."""
    return next((f"unit value '{k}' missing from unit_values.csv" for k in need.unit_value_keys
                 if k not in unit_value_keys), None)


def provider_gap_reason(column: str) -> str:
    """The reason for a provider whose own value of a needed providers column is blank."""
    return f"this trust's {column} is blank in providers.csv"


def no_rows_reason(table: str | None) -> str:
    """The reason for a provider with no rows in the component's main table."""
    if table is None:
        return "no rows for this trust"
    return f"no rows for this trust in {file_of(table)}"


def no_data(detail: str) -> str:
    """The wording every output uses: 'no data supplied (<what is missing>)'."""
    return f"no data supplied ({detail})"


def coverage_lines(defs: tuple[CategoryDef, ...], tables: Mapping[str, pl.DataFrame]) -> list[str]:
    """One line per category of a validated bundle: how many providers of its sectors it can
    assess, and what is missing for the rest (a whole table or column, a providers figure, a
    trust's own rows). It counts what the engine will find; it does not compute anything."""
    supplied = {name: {c for c in frame.columns if frame.get_column(c).is_not_null().any()}
                for name, frame in tables.items()}
    providers = tables.get("providers")
    if providers is None:
        return []
    keys = set()
    if "unit_values" in tables:
        keys = set(tables["unit_values"].drop_nulls("value").get_column("key"))
    lines = []
    for d in defs:
        scope = providers.filter(pl.col("sector").is_in(list(d.sectors)))
        codes = set(scope.get_column("provider_code"))
        assessable: set[str] = set()
        missing: list[str] = []
        for c in d.components:
            if c.role == "context":
                continue
            need = needs(d, c)
            gap = bundle_gap(need, supplied)
            if gap:
                missing.append(f"{c.title}: {no_data(gap)}")
                continue
            ok = set(codes)
            for column in need.provider_columns:
                ok &= set(scope.filter(pl.col(column).is_not_null()).get_column("provider_code"))
            if need.main_table is not None:
                ok &= set(tables[need.main_table].get_column("provider_code"))
            assessable |= ok
            priced = pricing_gap(need, keys)
            if priced:
                missing.append(f"{c.title}: not priced ({priced})")
        who = (f"{len(codes):,} " + " and ".join(s.replace("_", " ") for s in d.sectors)
               if len(d.sectors) < 5 else f"all {len(codes):,}")
        line = f"{d.title}: can assess {len(assessable):,} of {who} providers"
        lines.append(line + (f"; {'; '.join(missing)}" if missing else "") + ".")
    return lines
