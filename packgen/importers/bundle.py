"""Writing imported tables into a data folder: contract column order, atomic, merge-aware.

An import replaces the tables it produces (`<table>.csv`) and leaves every other file of the
folder alone. Two tables are shared with other sources and are merged instead: `unit_values`
(only the imported keys change) and `providers` (ODS columns, ERIC and RCI peer groups or the
MFF of matching providers change; the other columns keep what the user filled in). Each write
goes to a temporary file in the same folder and is renamed over the target, so a failed import
never leaves half a file.

Every import is recorded (`record_import`): a row of `import_log.csv` per table written and file
read (publisher, publication, period, file name, sha256, rows written), replacing the rows the
same source wrote for that table before, and `bundle_info.csv` saying the folder holds real
publications under the Open Government Licence v3.0 and listing them.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from packgen.contract import table as contract_table
from packgen.errors import InputError
from packgen.fileio import atomic_path
from packgen.importers.common import ImportReport

DATASET_NAME = "NHS publications imported by packgen"
LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = ("Contains public sector information licensed under the Open Government Licence "
               "v3.0")


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


def record_import(data_dir: Path, report: ImportReport) -> None:
    """Say where the tables of this import came from: import_log.csv and bundle_info.csv."""
    write_import_log(data_dir, report)
    update_bundle_info(data_dir, report)


def write_import_log(data_dir: Path, report: ImportReport) -> None:
    """One import_log row per (table, file) of this import, replacing this source's earlier rows
    for the same tables (a re-import replaces; other sources and tables are kept)."""
    path = data_dir / "import_log.csv"
    _, old = read_csv(path) if path.exists() else ([], [])
    tables = {table_name for table_name, _, _ in report.inputs}
    rows = [r for r in old if not (r.get("source") == report.source and r.get("table") in tables)]
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    seen = set()
    for table_name, source, rows_written in report.inputs:
        if (table_name, source.path.name) in seen:
            continue
        seen.add((table_name, source.path.name))
        rows.append({"table": table_name, "source": report.source,
                     "publisher": report.publisher, "title": report.title,
                     "period": report.period, "file": source.path.name, "sha256": source.sha256,
                     "rows": str(rows_written), "imported_at": stamp})
    write_table(data_dir, "import_log", rows)


def update_bundle_info(data_dir: Path, report: ImportReport) -> None:
    """Write or update bundle_info.csv for a bundle of imported publications.

    Sets `synthetic = false`, the licence, a dataset name if there is none, `source` listing the
    publications of import_log.csv, and `period` only where none is set (a period the user set
    is kept). A folder that holds a synthetic bundle keeps its bundle_info as it is.
    """
    path = data_dir / "bundle_info.csv"
    _, rows = read_csv(path) if path.exists() else ([], [])
    info = {r.get("key", ""): r.get("value", "") for r in rows}
    if info.get("synthetic", "").strip().lower() in ("true", "1", "yes", "y"):
        report.note("bundle_info.csv says the folder is synthetic: left as it is (this import "
                    "replaced some of its tables; see import_log.csv)")
        return
    _, log = read_csv(data_dir / "import_log.csv")
    publications: list[str] = []
    for entry in log:
        text = ", ".join(p for p in (entry.get("publisher"), entry.get("title")) if p)
        text = f"{text or entry.get('source', '')} {entry.get('period') or ''}".strip()
        if text not in publications:
            publications.append(text)
    values = {"synthetic": "false", "licence": LICENCE,
              "source": "; ".join(publications) + " (see import_log.csv)"}
    if not info.get("dataset_name", "").strip():
        values["dataset_name"] = DATASET_NAME
    for row in rows:
        row["value"] = values.pop(row.get("key", ""), row.get("value", ""))
    rows += [{"key": k, "value": v} for k, v in values.items()]
    write_table(data_dir, "bundle_info", rows)


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


def note_merge_coverage(report: ImportReport, what: str, absent: list[str], codes: set[str],
                        providers: list[dict[str, str]]) -> None:
    """Report the listed trusts a file merged into providers.csv does not have, and the
    trusts it has that providers.csv does not list (never added)."""
    if absent:
        report.note(f"providers.csv: {len(absent)} trusts are not in the {what} file (kept as "
                    f"they were): {listed(absent)}")
    unlisted = len(codes - {p.get("provider_code", "") for p in providers})
    if unlisted:
        report.note(f"{unlisted} {what} trusts are not in providers.csv: not added")


def listed(items: list[str], limit: int = 10) -> str:
    return ", ".join(items[:limit]) + ("..." if len(items) > limit else "")
