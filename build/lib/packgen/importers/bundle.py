"""Writing imported tables into a data folder: contract column order, atomic, merge-aware.

An import replaces the tables it produces (`<table>.csv`) and leaves every other file of the
folder alone. Two tables are shared with other sources and are merged instead: `unit_values`
(only the imported keys change) and `providers` (ODS columns or the MFF of matching providers
change; the other columns keep what the user filled in). Each write goes to a temporary file in
the same folder and is renamed over the target, so a failed import never leaves half a file.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from packgen.contract import table as contract_table
from packgen.errors import InputError
from packgen.fileio import atomic_path
from packgen.importers.common import ImportReport

IMPORT_LOG_COLUMNS = ("table", "source", "file", "sha256", "rows", "imported_at")


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    """Write rows (dicts of text) with exactly `columns`, via a temp file and a rename."""
    with atomic_path(path) as temporary, \
            open(temporary, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV this project wrote (or a user kept in the same shape)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def write_table(data_dir: Path, name: str, rows: list[dict[str, str]]) -> Path:
    """Replace `<name>.csv` in the data folder with rows in the contract's column order."""
    if (data_dir / f"{name}.parquet").exists():
        raise InputError(f"{data_dir / (name + '.parquet')}: the folder already holds {name} "
                         "as parquet; an import writes CSV",
                         f"Remove or rename {name}.parquet first.")
    path = data_dir / f"{name}.csv"
    write_csv(path, contract_table(name).column_names, rows)
    return path


def providers_csv(data_dir: Path, why: str) -> Path:
    """The folder's providers.csv, which an import is about to change; InputError if absent."""
    path = data_dir / "providers.csv"
    if (data_dir / "providers.parquet").exists():
        raise InputError(f"{data_dir / 'providers.parquet'}: the folder holds providers as "
                         f"parquet; {why} as CSV", "Convert it to providers.csv first.")
    if not path.exists():
        raise InputError(f"{path}: not found; {why}",
                         "List the trusts first: packgen import ods etr.csv --into "
                         f"{data_dir} (or write providers.csv by hand).")
    return path


def merge_keyed_csv(path: Path, columns: tuple[str, ...], key: str,
                    updates: dict[str, dict[str, str]], add_new: bool = True) -> tuple[int, int]:
    """Update rows of `path` by key with `updates` (only the given columns change).

    Rows not in `updates` are kept as they are; keys not in the file are appended when `add_new`.
    Extra columns a user added to the file are kept. Returns (rows updated, rows added).
    """
    header, rows = read_csv(path) if path.exists() else ([], [])
    header = list(columns) + [c for c in header if c not in columns]
    updated = 0
    seen = set()
    for row in rows:
        change = updates.get(row.get(key, ""))
        if change is not None:
            row.update(change)
            updated += 1
            seen.add(row[key])
    added = 0
    if add_new:
        for code, change in updates.items():
            if code not in seen:
                rows.append({key: code, **change})
                added += 1
    write_csv(path, tuple(header), rows)
    return updated, added


def append_import_log(data_dir: Path, report: ImportReport) -> None:
    """Append one row per (table, input file) to `import_log.csv`: where every table came from."""
    path = data_dir / "import_log.csv"
    _, rows = read_csv(path) if path.exists() else ([], [])
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    for table_name, source, rows_read in report.inputs:
        rows.append({"table": table_name, "source": report.source,
                     "file": str(source.path.resolve()), "sha256": source.sha256,
                     "rows": str(rows_read), "imported_at": stamp})
    write_csv(path, IMPORT_LOG_COLUMNS, rows)


def note_unknown_providers(data_dir: Path, table_name: str, rows: list[dict[str, str]],
                           report: ImportReport) -> None:
    """Report providers of imported rows that the folder's providers.csv does not list (kept)."""
    path = data_dir / "providers.csv"
    if not path.exists():
        return
    known = {row.get("provider_code", "") for row in read_csv(path)[1]}
    unknown = sorted({r["provider_code"] for r in rows} - known)
    if unknown:
        report.note(f"{table_name}: {len(unknown)} providers not in providers.csv (rows kept; "
                    f"add them there or remove them): {', '.join(unknown[:10])}"
                    f"{'...' if len(unknown) > 10 else ''}")
