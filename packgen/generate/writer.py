"""Write generated tables as contract files: columns in contract order, rows sorted by the key,
numbers in a fixed format, so that the same seed and scale give the same bytes."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from packgen.contract import Table, table

FORMATS = ("csv", "parquet")


def _decimals(unit: str) -> int:
    # Ratios, fractions and unit values (e.g. a deflator of 1.035) need more than pennies.
    return 4 if unit in ("ratio", "fraction", "see unit") else 2


def _float_formatter(decimals: int) -> Callable[[object], object]:
    def fmt(value: object) -> object:
        # csv writes None as an empty cell and ints as digits; floats get a fixed format.
        return f"{value:.{decimals}f}" if type(value) is float else value

    return fmt


def _bool_cell(value: object) -> object:
    return value if value is None else ("true" if value else "false")


# Optional columns the generator does not model (ERIC's all-supplies energy totals): left out of
# its files rather than written blank, so the synthetic bundle keeps its bytes.
NOT_GENERATED = {"estates": ("energy_kwh", "energy_cost_gbp")}


def written_columns(spec: Table) -> Table:
    """The table with the columns the generator writes."""
    skipped = NOT_GENERATED.get(spec.name, ())
    return replace(spec, columns=tuple(c for c in spec.columns if c.name not in skipped))


def _sorted(spec: Table, rows: Sequence[tuple]) -> list[tuple]:
    names = spec.column_names
    for row in rows:
        if len(row) != len(names):
            raise ValueError(f"{spec.name}: row has {len(row)} values, contract {len(names)}")
    index = [names.index(k) for k in spec.key]
    return sorted(rows, key=lambda r: tuple(r[i] for i in index))


def write_csv(path: Path, spec: Table, rows: Iterable[tuple]) -> None:
    formatters = {i: _float_formatter(_decimals(c.unit)) if c.type == "float" else _bool_cell
                  for i, c in enumerate(spec.columns) if c.type in ("float", "bool")}
    if formatters:
        rows = (tuple(formatters[i](v) if i in formatters else v for i, v in enumerate(row))
                for row in rows)  # a generator: the formatted copy never sits in memory whole
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(spec.column_names)
        writer.writerows(rows)


def write_parquet(path: Path, spec: Table, rows: list[tuple]) -> None:
    import polars as pl

    dtypes = {"str": pl.Utf8, "int": pl.Int64, "float": pl.Float64, "bool": pl.Boolean}
    columns = {}
    for i, col in enumerate(spec.columns):
        values = [r[i] for r in rows]
        if col.type == "float":  # the same rounding as the CSV writer
            decimals = _decimals(col.unit)
            values = [None if v is None else round(float(v), decimals) for v in values]
        columns[col.name] = pl.Series(col.name, values, dtype=dtypes[col.type])
    pl.DataFrame(columns).write_parquet(path, compression="zstd", statistics=True)


def write_table(out_dir: Path, name: str, rows: Sequence[tuple], fmt: str = "csv") -> Path:
    """Write one table as `<name>.csv` or `<name>.parquet`; returns the path written.

    The file appears whole or not at all (written aside, then renamed), and the same table in
    the other format is removed, so that a folder never holds two versions of one table.
    """
    staged = stage_table(out_dir, name, rows, fmt)
    return commit_tables([staged])[0]


def stage_table(out_dir: Path, name: str, rows: Sequence[tuple],
                fmt: str = "csv") -> tuple[Path, Path]:
    """Write one table beside its final name; (temporary path, final path). `commit_tables`
    puts it in place. A failed write removes its temporary file before raising."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    spec = written_columns(table(name))
    ordered = _sorted(spec, rows)
    path = out_dir / f"{name}.{fmt}"
    partial = out_dir / f".{name}.{fmt}.partial"
    try:
        (write_csv if fmt == "csv" else write_parquet)(partial, spec, ordered)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial, path


def commit_tables(staged: Sequence[tuple[Path, Path]]) -> list[Path]:
    """Rename staged tables into place (renames need no space: a full disk cannot stop them
    half-way) and remove each table's file in the other format."""
    for partial, path in staged:
        os.replace(partial, path)
        for other in FORMATS:
            if path.suffix != f".{other}":
                path.with_suffix(f".{other}").unlink(missing_ok=True)
    return [path for _partial, path in staged]
