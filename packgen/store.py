"""The DuckDB store: a validated bundle loaded as typed tables, ready for SQL.

`load_bundle` writes one table per contract table (absent optional tables are created empty with
their columns, so SQL can always join them), the reference sets as `ref_<set>` tables,
`bundle_columns` (the columns the bundle really supplies, for "no data supplied" reasons) and two
provenance tables: `bundle_files` (table_name, file_name, sha256, rows) and `bundle_meta`
(key, value: the bundle_info rows plus `loaded_at`, `packgen_version` and `data_dir`).

A load replaces the whole store atomically: it writes a temporary database file beside the
target and renames it over the old one, so a failed load leaves the previous store intact.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from packgen import __version__, reference
from packgen.contract.columns import DTYPES
from packgen.contract.tables import TABLES
from packgen.contract.validate import CATEGORY_IDS, ValidationReport, validate_bundle
from packgen.errors import InputError
from packgen.fileio import sha256_file

DEFAULT_DB_NAME = "packgen.duckdb"
# Problems listed in the message of the error raised for an invalid bundle.
ERRORS_IN_MESSAGE = 10


@dataclass
class LoadResult:
    db_path: Path
    rows: dict[str, int]  # table name -> rows loaded (contract tables and ref_ tables)
    report: ValidationReport
    seconds: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # table name -> sha256 of its file


def load_bundle(data_dir: Path, db_path: Path, report: ValidationReport | None = None,
                progress: Callable[[str], None] | None = None) -> LoadResult:
    """Validate (unless `report` is given) and load the bundle into the DuckDB file `db_path`.

    Raises InputError, listing the problems, when the bundle has errors; the store is untouched.
    `progress` receives short messages (the CLI prints them to stderr).
    """
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    data_dir, db_path = Path(data_dir), Path(db_path)
    if report is None:
        say(f"validating {data_dir} ...")
        report = validate_bundle(data_dir)
    if not report.ok:
        raise InputError(_errors_message(report, data_dir),
                         f"run `packgen validate {data_dir}` to see every problem, fix them and "
                         "load again.")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = db_path.with_name(f".{db_path.name}.{os.getpid()}.loading")
    _remove_database(temporary)
    try:
        say(f"loading into {db_path} ...")
        rows, hashes = _write_store(temporary, data_dir, report)
        _remove_database(db_path.with_name(db_path.name + ".wal"))  # a stale WAL of the old store
        os.replace(temporary, db_path)
    finally:
        _remove_database(temporary)
    return LoadResult(db_path, rows, report, time.perf_counter() - started, hashes)


def open_store(db_path: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to a loaded store (read-only by default, so several readers can share it)."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise InputError(f"no packgen store at {db_path}",
                         "load a bundle first: packgen load DATA_DIR --db "
                         f"{db_path}")
    return duckdb.connect(str(db_path), read_only=read_only)


def empty_frame(table_name: str) -> pl.DataFrame:
    """An empty frame with the contract's columns and types for `table_name`."""
    table = next(t for t in TABLES if t.name == table_name)
    return pl.DataFrame(schema={c.name: DTYPES[c.type] for c in table.columns})


def create_tables(con: duckdb.DuckDBPyConnection,
                  frames: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Every contract table (typed; empty where `frames` has none) and every reference set
    (`ref_<name>`, `ref_categories`) in `con`; returns rows per table. The store's load and the
    tests' in-memory stores share it, so both have exactly the same tables."""
    rows: dict[str, int] = {}
    for table in TABLES:
        frame = frames.get(table.name, empty_frame(table.name))
        frame = frame.select(table.column_names)  # contract order, nothing else
        _create(con, table.name, frame)
        rows[table.name] = frame.height
    for name in reference.REFERENCE_SETS:
        ref = pl.DataFrame(list(reference.rows(name)), infer_schema_length=None)
        _create(con, f"ref_{name}", ref.select(pl.all().cast(pl.String)))
        rows[f"ref_{name}"] = ref.height
    _create(con, "ref_categories", pl.DataFrame({"category": list(CATEGORY_IDS)}))
    rows["ref_categories"] = len(CATEGORY_IDS)
    _create(con, "bundle_columns", supplied_columns(frames))
    return rows


def supplied_columns(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(table_name, column_name) of every column given with at least one value: what the bundle
    supplies ('' for the table itself). A column absent from its file, or present but blank on
    every row, is not supplied, and the figures that need it are "not assessed: no data
    supplied"."""
    pairs = []
    for name, frame in frames.items():
        pairs.append((name, ""))  # the table itself was given (perhaps with no rows)
        if frame.height:
            counts = frame.select(pl.all().is_not_null().sum()).row(0)
            pairs += [(name, c) for c, n in zip(frame.columns, counts, strict=True) if n]
    return pl.DataFrame(pairs, schema={"table_name": pl.String, "column_name": pl.String},
                        orient="row")


def _write_store(path: Path, data_dir: Path,
                 report: ValidationReport) -> tuple[dict[str, int], dict[str, str]]:
    rows: dict[str, int] = {}
    hashes: dict[str, str] = {}
    files = []
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN TRANSACTION")
        rows = create_tables(con, report.tables)
        for table in TABLES:
            if table.name in report.files:
                path_in = report.files[table.name]
                hashes[table.name] = sha256_file(path_in)
                files.append((table.name, path_in.name, hashes[table.name], rows[table.name]))
        _create(con, "bundle_files", pl.DataFrame(
            files, schema={"table_name": pl.String, "file_name": pl.String,
                           "sha256": pl.String, "rows": pl.Int64}, orient="row"))
        _create(con, "bundle_meta", _meta(report, data_dir))
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return rows, hashes


def _create(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    # Arrow hand-over: DuckDB reads the frame's columns directly, keeping their types.
    con.register("incoming", frame.to_arrow())
    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
    con.unregister("incoming")


def _meta(report: ValidationReport, data_dir: Path) -> pl.DataFrame:
    info = report.tables.get("bundle_info")
    meta = dict(info.select("key", "value").iter_rows()) if info is not None else {}
    meta |= {
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "packgen_version": __version__,
        "data_dir": str(data_dir.resolve()),
    }
    return pl.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]})


def _remove_database(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        if candidate.exists():
            candidate.unlink()


def _errors_message(report: ValidationReport, data_dir: Path) -> str:
    count = len(report.errors)
    shown = [str(p) for p in report.errors[:ERRORS_IN_MESSAGE]]
    if count > ERRORS_IN_MESSAGE:
        shown.append(f"... and {count - ERRORS_IN_MESSAGE:,} more")
    return f"{count:,} problem{'s' * (count != 1)} in {data_dir}:\n  " + "\n  ".join(shown)

