"""Shared machinery of the importers: reading awkward CSVs, header aliases, numbers, the report.

Published NHS files drift: header names change between years, delimiters and encodings vary, and
missing values are spelt `*`, `.`, `Not Applicable` or left blank. Every importer reads its file
through `read_rows` (encoding, delimiter, binary and empty checks) and finds its columns with
`find_columns` (aliases matched after normalising case, spaces and underscores), so that a file
that is not what we expect always fails with one clear `InputError` naming the file, the line and
the expected columns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from packgen.errors import InputError

# Spellings of "no value" in the published files: suppressed, not collected, not applicable.
MISSING_TOKENS = frozenset({"", "*", ".", "-", "na", "n/a", "not applicable", "null", "none"})
DELIMITERS = (",", "\t", "$", ";", "|")


def normalise_header(name: str) -> str:
    """Header as compared with aliases: lower case, no spaces or underscores, m² as m2.

    So `Org Code`, `OrgCode`, `org_code` and ` ORG CODE ` are one name.
    """
    text = name.replace("\ufeff", "").replace("²", "2").replace("³", "3")
    return re.sub(r"[\s_]+", "", text).lower()


def parse_number(text: str | None) -> float | None:
    """A published number, or None when it is missing (`*`, `.`, blank, text): never zero."""
    if text is None:
        return None
    cleaned = text.strip().replace(",", "").replace("£", "")
    if cleaned.lower() in MISSING_TOKENS:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def format_number(value: float | None) -> str:
    """Blank for missing; whole numbers without `.0`; other values rounded to 6 decimals."""
    if value is None:
        return ""
    rounded = round(value, 6)
    if rounded == int(rounded):
        return str(int(rounded))
    return repr(rounded)


def sum_or_missing(values: list[float | None]) -> float | None:
    """Sum in which one missing part makes the total missing (unknown, not zero)."""
    if not values or any(v is None for v in values):
        return None
    return sum(values)


def sum_known(values: list[float | None]) -> float | None:
    """Sum of the known parts; missing only when every part is missing."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def data_rows(source: SourceFile, header_position: int, report: ImportReport,
              is_extra_row) -> list[tuple[int, list[str]]]:
    """The rows under the header, without a units / blank row directly under it (reported)."""
    header_line = source.rows[header_position][0]
    rows = source.rows[header_position + 1:]
    if rows and rows[0][0] > header_line + 1:
        report.note(f"{source.path.name}: blank row under the header (line {header_line + 1}) "
                    "skipped")
    if rows and is_extra_row(rows[0][1]):
        report.note(f"{source.path.name}: row under the header (line {rows[0][0]}: "
                    f"{', '.join(c.strip() for c in rows[0][1] if c.strip())[:60]}) is not data: "
                    "skipped")
        rows = rows[1:]
    return rows


def is_text_value(text: str) -> bool:
    """A cell that is neither a number nor a spelling of missing (e.g. a units label)."""
    return parse_number(text) is None and text.strip().lower() not in MISSING_TOKENS


def parse_month(text: str) -> tuple[int, int] | None:
    """(year, month) from `2024-04`, `2024-04-01`, `202404` or `Apr-24`-free ISO-like text."""
    match = re.fullmatch(r"\s*(\d{4})-?(\d{1,2})(?:-\d{1,2})?(?:[ T].*)?\s*", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return int(match.group(1)), int(match.group(2))


def month_label(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def month_index(month: tuple[int, int]) -> int:
    return month[0] * 12 + month[1] - 1


def choose_period(months: set[tuple[int, int]], first: str | None, last: str | None,
                  what: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The (first, last) month to sum over: as given, or the latest 12 months present."""
    if not months:
        raise InputError(f"{what}: no rows with a month")
    bounds = []
    for text, option in ((first, "--from"), (last, "--to")):
        month = parse_month(text) if text else None
        if text and month is None:
            raise InputError(f"{option} {text!r} is not a month", "Write it as YYYY-MM.")
        bounds.append(month)
    end = bounds[1] or max(months)
    if bounds[0] is None:
        start_index = month_index(end) - 11
        bounds[0] = (start_index // 12, start_index % 12 + 1)
    if month_index(bounds[0]) > month_index(end):
        raise InputError(f"the period {month_label(bounds[0])} to {month_label(end)} is empty",
                         "--from must not be after --to.")
    return bounds[0], end


def months_between(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    return [(i // 12, i % 12 + 1) for i in range(month_index(start), month_index(end) + 1)]


@dataclass
class SourceFile:
    """One input file, decoded: its rows (lists of cells) with their 1-based line numbers."""

    path: Path
    rows: list[tuple[int, list[str]]]
    delimiter: str
    encoding: str
    sha256: str


def read_rows(path: str | Path, delimiter: str | None = None) -> SourceFile:
    """Read a delimited text file: UTF-8 (BOM or not) or latin1, delimiter sniffed from line 1.

    Blank lines are kept out of `rows`; every row keeps the line number of the file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path}: the file is empty", "Download the file again.")
    if b"\x00" in raw[:4096] or _looks_binary(raw[:4096]):
        raise InputError(f"{path}: line 1: this is not a text (CSV) file",
                         "Export the sheet as CSV first (Excel and zip files are not read).")
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:  # some years of ERIC are saved as latin1 / Windows-1252
        text, encoding = raw.decode("latin1"), "latin1"
    first_line = text.split("\n", 1)[0]
    delimiter = delimiter or max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for cells in reader:
        if any(c.strip() for c in cells):
            rows.append((reader.line_num, cells))
    if not rows:
        raise InputError(f"{path}: the file has no rows", "Download the file again.")
    return SourceFile(path, rows, delimiter, encoding, hashlib.sha256(raw).hexdigest())


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) // 20


def find_columns(
    source: SourceFile,
    header: list[str],
    line: int,
    aliases: dict[str, tuple[str, ...]],
    optional: tuple[str, ...] = (),
) -> dict[str, int]:
    """Map each wanted field to its column index by alias; InputError if a required one is absent.

    `aliases` maps our field name to the published spellings (any case, spaces or underscores).
    """
    index = {}
    for position, name in enumerate(header):
        index.setdefault(normalise_header(name), position)
    found: dict[str, int] = {}
    for target, spellings in aliases.items():
        for spelling in spellings:
            if normalise_header(spelling) in index:
                found[target] = index[normalise_header(spelling)]
                break
    missing = [t for t in aliases if t not in found and t not in optional]
    if missing:
        expected = "; ".join(f"{t}: one of {', '.join(aliases[t])}" for t in missing)
        raise InputError(
            f"{source.path}: line {line}: missing column(s) {', '.join(missing)}. "
            f"Expected {expected}. Found: {', '.join(h for h in header if h.strip()) or 'none'}",
            "Check that this is the right file for this source (see `packgen import --help`).",
        )
    return found


def locate_header(
    source: SourceFile, key_aliases: tuple[str, ...], aliases: dict[str, tuple[str, ...]],
    optional: tuple[str, ...] = (), search_rows: int = 5,
) -> int:
    """Position in `source.rows` of the header row: the first row holding one of `key_aliases`.

    Files with a group-header row above the column names (older ERIC) put it on row 2.
    """
    wanted = {normalise_header(a) for a in key_aliases}
    for position, (_, cells) in enumerate(source.rows[:search_rows]):
        if wanted & {normalise_header(c) for c in cells}:
            return position
    line, cells = source.rows[0]
    find_columns(source, cells, line, aliases, optional)  # raises, naming the expected columns
    raise AssertionError("unreachable")


def check_width(source: SourceFile, line: int, cells: list[str], header: list[str],
                columns: dict[str, int]) -> None:
    """InputError when a data row is too short to hold the columns we read (a truncated file)."""
    if len(cells) <= max(columns.values()):
        raise InputError(
            f"{source.path}: line {line}: {len(cells)} cells, but the header (with columns "
            f"{', '.join(header[i].strip() for i in sorted(columns.values()))}) needs "
            f"{max(columns.values()) + 1}",
            "The file looks truncated or edited: download it again.")


def cell(cells: list[str], position: int | None) -> str:
    """A stripped cell, or '' when the row is short or the column is absent."""
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


@dataclass
class ImportReport:
    """What an import mapped, dropped and noted; printed on stdout and logged."""

    source: str
    rows_in: Counter = field(default_factory=Counter)  # per table
    rows_out: dict[str, int] = field(default_factory=dict)  # per table
    dropped: Counter = field(default_factory=Counter)  # reason -> rows
    notes: list[str] = field(default_factory=list)
    counted_notes: Counter = field(default_factory=Counter)  # note -> rows
    inputs: list[tuple[str, SourceFile, int]] = field(default_factory=list)  # table, file, rows

    def drop(self, reason: str, count: int = 1) -> None:
        self.dropped[reason] += count

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def note_count(self, text: str, count: int = 1) -> None:
        self.counted_notes[text] += count

    def render(self) -> str:
        lines = [f"Imported {self.source}:"]
        for table, rows_out in self.rows_out.items():
            lines.append(f"  {table}: {self.rows_in[table]} rows in, {rows_out} rows out")
        if self.dropped:
            lines.append("Dropped:")
            lines += [f"  {n} {reason}" for reason, n in sorted(self.dropped.items())]
        if self.notes or self.counted_notes:
            lines.append("Notes:")
            lines += [f"  {n} {text}" for text, n in sorted(self.counted_notes.items())]
            lines += [f"  {n}" for n in self.notes]
        lines.append("Inputs:")
        seen = set()
        for _, source, _ in self.inputs:
            if source.path not in seen:
                seen.add(source.path)
                lines.append(f"  {source.path} ({source.encoding}, delimiter "
                             f"{source.delimiter!r}, sha256 {source.sha256[:12]}...)")
        return "\n".join(lines)
