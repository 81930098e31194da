"""Find a bundle's files and read each one as text, keeping the line number of every row.

CSV files are read with every column as text, so that the validator can parse each cell by the
contract's type and name the exact cell that is wrong. Parquet columns that already have an
acceptable type are turned into text too, so both formats go through the same checks.

Encoding: UTF-8, with or without a byte-order mark. A file that is not valid UTF-8 is an error
naming the byte offset and line (no guessing of cp1252: a wrongly guessed `£` would be silent).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from packgen.contract.report import Problem, clip
from packgen.contract.tables import TABLES, Table

LINE = "__line__"  # row's line number in the file (CSV) or 1-based row number (Parquet)
BOM = b"\xef\xbb\xbf"
FORMATS = ("csv", "parquet")
# Files that may sit in a bundle folder without being tables (the default store, notes).
# eric_peer_groups.csv is the ERIC import's record of each trust's type, for --apply-peer-groups.
IGNORED_FILES = re.compile(r"^(\..*|packgen\.duckdb.*|readme(\.\w+)?|eric_peer_groups\.csv)$",
                           re.IGNORECASE)

_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)


@dataclass
class RawTable:
    """One table's file, read as text: the contract's columns found, plus LINE."""

    table: Table
    path: Path
    frame: pl.DataFrame

    @property
    def file(self) -> str:
        return self.path.name


def find_files(data_dir: Path) -> tuple[dict[str, Path], list[Problem], list[Problem]]:
    """Map table name -> file; return (files, errors, warnings) about the folder's contents."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    files: dict[str, Path] = {}
    known = {t.name for t in TABLES}
    present = sorted(p for p in data_dir.iterdir() if p.is_file())
    for table in TABLES:
        candidates = [data_dir / f"{table.name}.{fmt}" for fmt in FORMATS]
        found = [p for p in candidates if p in present]
        not_files = [p for p in candidates if p not in present and (p.exists() or p.is_symlink())]
        errors += [_not_a_file(p) for p in not_files]
        if not_files and not found:
            continue  # reported as what it is, not as missing
        if len(found) > 1:
            errors.append(Problem(
                found[0].name, None, None,
                f"both {found[0].name} and {found[1].name} are present for table {table.name}.",
                "keep one file per table: delete or rename the one packgen should not read.",
                "two_files",
            ))
        if found:
            files[table.name] = found[0]
        elif table.required:
            errors.append(Problem(
                f"{table.name}.csv", None, None,
                f"required table {table.name} ({table.title}) is missing: no {table.name}.csv "
                f"or {table.name}.parquet in {data_dir}.",
                f"add the file {table.name}.csv (see docs/data-contract.md for its columns).",
                "missing_file",
            ))
    for path in present:
        stem, _, ext = path.name.partition(".")
        if (stem in known and ext in FORMATS) or IGNORED_FILES.match(path.name):
            continue
        close = difflib.get_close_matches(stem.lower(), known, n=1)
        hint = f"did you mean {close[0]}.csv?" if close else "remove it, or ignore this warning."
        if stem.lower() in known and ext.lower() in ("xlsx", "xls", "txt", "tsv"):
            hint = f"save it as {stem.lower()}.csv (comma-separated, UTF-8)."
        elif stem.lower() in known and stem != stem.lower():
            hint = f"file names are lower case: rename it to {stem.lower()}.{ext.lower()}."
        warnings.append(Problem(path.name, None, None,
                                "is not a table of the data contract; packgen ignores it.",
                                hint, "unknown_file"))
    return files, errors, warnings


def _not_a_file(path: Path) -> Problem:
    """A table's name taken by a folder, a dangling symbolic link or a special file."""
    if path.is_symlink() and not path.exists():
        what = f"is a symbolic link to {path.readlink()}, which does not exist"
        hint = "point the link at the table's file, or replace the link with the file."
    elif path.is_dir():
        what = "is a folder, not a file"
        hint = f"put the table's file at {path.name} (not a folder of that name)."
    else:
        what = "is not a regular file"
        hint = f"put the table's file at {path.name}."
    return Problem(path.name, None, None, f"{what}.", hint, "not_a_file")


def read_table(table: Table, path: Path) -> tuple[RawTable | None, list[Problem], list[Problem]]:
    """Read one file as text; return (raw table or None, errors, warnings)."""
    if path.suffix == ".parquet":
        return _read_parquet(table, path)
    return _read_csv(table, path)


def _unreadable(path: Path, exc: OSError) -> Problem:
    return Problem(path.name, None, None, f"cannot be read ({exc.strerror or exc}).",
                   f"make {path} readable (ls -l {path}; chmod a+r) and try again.", "unreadable")


def _read_csv(table: Table, path: Path) -> tuple[RawTable | None, list[Problem], list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [_unreadable(path, exc)], []
    if data.startswith(BOM):
        data = data[len(BOM):]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 1].hex().upper()
        return None, [Problem(
            path.name, line, None,
            f"is not valid UTF-8 text: byte 0x{bad} at byte offset {exc.start:,} (line {line}).",
            "save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8 (Comma delimited)); "
            "packgen does not guess other encodings.",
            "encoding",
        )], []
    if not data.strip():
        return None, [Problem(path.name, None, None, "is empty: it has no header row.",
                              f"write the header row: {', '.join(table.column_names)}.",
                              "empty_file")], []
    if b"\r" in data and b"\n" not in data:
        return None, [Problem(
            path.name, None, None, "has old Mac line endings (CR only): packgen reads it as "
            "one line.", "save as CSV UTF-8 (in Excel: Save As > CSV UTF-8 (Comma delimited)), "
            "or convert the line endings to LF or CRLF.", "cr_line_endings")], []
    errors: list[Problem] = []
    header = data.split(b"\n", 1)[0]
    if header.count(b";") >= 2 and b"," not in header:
        errors.append(Problem(
            path.name, 1, None, "the header looks semicolon-separated (';' between the column "
            "names, no commas).", "save as comma-separated CSV (CSV UTF-8 (Comma delimited)); "
            "spreadsheets set to a European locale write ';'.", "semicolon_delimiter"))
    text = data.decode("utf-8")
    problems = _line_problems(path.name, text)
    if any(p.kind == "csv_syntax" for p in problems):
        return None, [*errors, *problems], []
    errors += problems
    try:  # a line with too many cells is an error (above); read on to find the others
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False, truncate_ragged_lines=True)
    except pl.exceptions.ComputeError as exc:
        first = clip(str(exc).splitlines()[0], 200)
        return None, [*errors, Problem(path.name, None, None, f"cannot be read as CSV ({first}).",
                                       "save it again as CSV UTF-8 from a spreadsheet.",
                                       "csv_syntax")], []
    frame = frame.rename({c: c.strip() for c in frame.columns})
    frame = frame.with_columns(pl.Series(LINE, _line_numbers(text, frame.height)))
    # A blank line (or a row of empty cells) is not a row of missing values: drop it.
    data_columns = [c for c in frame.columns if c != LINE]
    if data_columns:
        frame = frame.filter(~pl.all_horizontal(
            pl.col(data_columns).str.strip_chars().fill_null("") == ""))
    return RawTable(table, path, frame), errors, []


def _line_numbers(text: str, height: int) -> list[int]:
    """Line of each record: index + 2, unless quoted cells span lines (then count them)."""
    newlines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if newlines <= height + 1:
        return list(range(2, height + 2))
    starts = [start for start, _ in _records(text)][1:]
    return starts if len(starts) == height else list(range(2, height + 2))


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each record, read by Python's csv module whatever a cell's size.

    Raises _BrokenQuotes (with the line) where the quoting is broken."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a 10 MB cell is an error, not a crash
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _BrokenQuotes(reader.line_num, str(exc)) from exc
    finally:
        csv.field_size_limit(limit)


class _BrokenQuotes(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _line_problems(file: str, text: str) -> list[Problem]:
    """Lines with more or fewer cells than the header (both are errors: a short line is not a
    row of blanks), and broken quoting. Blank lines, and lines of empty cells, are skipped."""
    if '"' in text:
        try:
            counts = pl.DataFrame(
                [(start, len(cells)) for start, cells in _records(text)
                 if any(cell.strip() for cell in cells)],
                schema={"line": pl.Int64, "cells": pl.Int64}, orient="row")
        except _BrokenQuotes as exc:
            return [Problem(
                file, exc.line, None, f"is not valid CSV here ({exc}).",
                "check the quotes: a cell that starts with \" must end with \", and a \" "
                "inside a quoted cell is written twice (\"\").", "csv_syntax")]
    else:  # no quotes: one record a line, counted by polars (a file may have 300,000 lines)
        lines = pl.Series([text]).str.split("\n").explode()
        counts = pl.DataFrame({
            "line": pl.int_range(1, lines.len() + 1, eager=True),
            "cells": lines.str.count_matches(",", literal=True) + 1,
        }).filter(lines.str.strip_chars(", \t\r") != "")
    if not counts.height:
        return []
    width = counts.item(0, "cells")
    ragged = counts.slice(1).filter(pl.col("cells") != width)
    return [_ragged(file, line, n, width) for line, n in ragged.iter_rows()]


def _ragged(file: str, line: int, cells: int, width: int) -> Problem:
    """An error (the bundle is not loaded): a row's cells are never guessed at, neither the
    missing ones read as blank nor the extra ones dropped."""
    counts = (f"has {cells} cell{'s' * (cells != 1)} but the header has {width}; every row "
              "needs one cell per column.")
    if cells > width:
        return Problem(file, line, None, counts, "quote cells that contain commas (\"Barking, "
                       "Havering\") or remove the extra cells.", "ragged_line")
    return Problem(file, line, None, counts, "add the missing cells (an empty cell is nothing "
                   "between two commas: a,,c) or remove the line; a row cut short is often a "
                   "cell with an unquoted line break.", "ragged_line")


def _read_parquet(
    table: Table, path: Path
) -> tuple[RawTable | None, list[Problem], list[Problem]]:
    try:
        frame = pl.read_parquet(path)
    except OSError as exc:
        return None, [_unreadable(path, exc)], []
    except Exception as exc:  # polars raises several types for a corrupt file
        return None, [Problem(path.name, None, None, f"cannot be read as Parquet ({exc}).",
                              "write the file again, or give the table as CSV.",
                              "bad_parquet")], []
    errors: list[Problem] = []
    columns = []
    for name, dtype in frame.schema.items():
        expected = table.column(name).type if name in table.column_names else None
        if expected is None:  # kept (empty) so that the unknown column is reported
            columns.append(pl.lit(None, pl.String).alias(name.strip()))
            continue
        if not _parquet_type_ok(expected, dtype):
            errors.append(Problem(
                path.name, None, name,
                f"has Parquet type {dtype}, but the contract's type is {expected}.",
                "codes must be stored as text (string) so that leading zeros survive; numbers "
                "as integer or float; flags as boolean.",
                "parquet_type"))
            continue
        columns.append(pl.col(name).cast(pl.String).alias(name.strip()))
    frame = frame.select(columns).with_row_index(LINE, offset=1).with_columns(
        pl.col(LINE).cast(pl.Int64))
    return RawTable(table, path, frame), errors, []


def _parquet_type_ok(expected: str, dtype: pl.DataType) -> bool:
    if isinstance(dtype, _TEXT_TYPES) or dtype == pl.Null:
        return True  # text is parsed like CSV text
    if expected in ("int", "float"):
        return dtype.is_numeric()
    if expected == "bool":
        return dtype == pl.Boolean
    return False  # a code stored as a number may have lost its leading zeros
