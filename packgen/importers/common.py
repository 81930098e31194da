"""Shared machinery of the importers: one reader for awkward CSVs, numbers, periods, the report.

Published NHS files drift: header names change between years, delimiters and encodings vary,
section-header rows sit above the column names, a units row may sit under them, and missing
values are spelt `*`, `.`, `Not Applicable`, `N/A` or left blank. Every importer describes what
it reads as a `Layout` and reads it with `read_table`: decoding and delimiter sniffing
(`read_rows`), the header located among the first rows, columns found by alias (case, spaces and
underscores ignored), an optional units row skipped, every row's width checked, and rows kept
with their line numbers (`Row`), so that a file that is not what we expect fails with one clear
`InputError` naming the file, the line, the column and what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable
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
    """The (first, last) month to sum over.

    As given by `--from`/`--to`; with only `--to`, the 12 months to it; with only `--from`, up to
    the latest month present; with neither, the latest complete financial year (April to March,
    every month present) in the file: published figures are compared by financial year.
    """
    if not months:
        raise InputError(f"{what}: no rows with a month")
    bounds = []
    for text, option in ((first, "--from"), (last, "--to")):
        month = parse_month(text) if text else None
        if text and month is None:
            raise InputError(f"{option} {text!r} is not a month", "Write it as YYYY-MM.")
        bounds.append(month)
    if bounds == [None, None]:
        return latest_financial_year(months, what)
    end = bounds[1] or max(months)
    if bounds[0] is None:
        start_index = month_index(end) - 11
        bounds[0] = (start_index // 12, start_index % 12 + 1)
    if month_index(bounds[0]) > month_index(end):
        raise InputError(f"the period {month_label(bounds[0])} to {month_label(end)} is empty",
                         "--from must not be after --to.")
    return bounds[0], end


def latest_financial_year(months: set[tuple[int, int]],
                          what: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(April, March) of the latest financial year all twelve months of which are present."""
    for year in range(max(months)[0], min(months)[0] - 2, -1):
        start, end = (year, 4), (year + 1, 3)
        if all(m in months for m in months_between(start, end)):
            return start, end
    raise InputError(
        f"{what}: no complete financial year (April to March) in the file: it has "
        f"{len(months)} months from {month_label(min(months))} to {month_label(max(months))}",
        "Give the months to sum with --from YYYY-MM --to YYYY-MM.")


def period_label(start: tuple[int, int], end: tuple[int, int]) -> str:
    """`2024/25` for a financial year, else `2025-05 to 2026-04`."""
    if start[1] == 4 and end == (start[0] + 1, 3):
        return financial_year(start[0])
    return f"{month_label(start)} to {month_label(end)}"


def financial_year(first_year: int) -> str:
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def period_of_files(paths: list[Path]) -> str:
    """The financial year the first file name that names one names (`''` if none does)."""
    return next(filter(None, (financial_year_in_name(Path(p)) for p in paths)), "")


def financial_year_in_name(path: Path) -> str:
    """`2016/17` from a file name such as `ERIC-2016-17.csv` or `eric_2016_17_trust.csv`."""
    for match in re.finditer(r"(?<!\d)((?:19|20)\d\d)[-_ /]?(\d\d)(?!\d)", path.name):
        if (int(match.group(1)) + 1) % 100 == int(match.group(2)):
            return financial_year(int(match.group(1)))
    return ""


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


@dataclass(frozen=True)
class Layout:
    """What an importer reads from one kind of file, and how to find it.

    With `aliases` the file has a header row: it is looked for among the first `search_rows`
    rows (files with section-header rows above the column names put it lower) as the first row
    holding a spelling of `key`; each field is then found by its spellings (any case, spaces or
    underscores). `groups` are fields spread over several columns, found by a pattern on the
    normalised header (e.g. electricity by supply). `units_row` recognises a row directly under
    the header that is not data (units such as `(GBP)`, or blank cells): it is skipped, with a
    note. Without `aliases` the file is headerless and `positions` place the fields; every row
    must then have one of `widths` cells.
    """

    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    key: str = ""
    optional: tuple[str, ...] = ()
    groups: dict[str, re.Pattern] = field(default_factory=dict)
    units_row: Callable[[Row], bool] | None = None
    search_rows: int = 5
    positions: dict[str, int] = field(default_factory=dict)
    widths: tuple[int, ...] = ()
    delimiter: str | None = None
    what: str = "a row of this file"  # what a headerless row is, for messages
    hint: str = "Check that this is the right file for this source (see `packgen import --help`)."


@dataclass
class Table:
    """The data rows of one file with the position of every field read from it."""

    source: SourceFile
    header: list[str]
    header_line: int  # 0 for a headerless file
    columns: dict[str, int]
    groups: dict[str, list[int]]
    rows: list[Row] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.columns

    def label(self, position: int) -> str:
        """`column 54 (Gross internal floor area (m²))`: 1-based, with its header."""
        name = self.header[position].strip() if position < len(self.header) else ""
        return f"column {position + 1}" + (f" ({name})" if name else "")

    def names(self, positions: list[int]) -> str:
        return "; ".join(self.header[i].strip() for i in positions)


@dataclass
class Row:
    """One data row: its line in the file and typed access to its cells by field name."""

    table: Table
    line: int
    cells: list[str]

    def at(self, position: int | None) -> str:
        """A stripped cell by position, or '' when the column is absent or the row short."""
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position].strip()

    def text(self, name: str) -> str:
        """The field's cell, stripped ('' for an optional field the file does not have)."""
        return self.at(self.table.columns.get(name))

    def number(self, name: str) -> float | None:
        """The field as a number; None when missing (`*`, `.`, blank, `Not Applicable`, text)."""
        return parse_number(self.text(name))

    def numbers(self, group: str) -> list[float | None]:
        """The numbers of every column of a group, in file order."""
        return [parse_number(self.at(i)) for i in self.table.groups[group]]

    def whole(self, name: str) -> int:
        """The field as a whole number; InputError naming the file, line and column if not."""
        text = self.text(name)
        try:
            return int(text)
        except ValueError:
            raise self.error(name, f"{text!r} is not a whole number") from None

    def error(self, name: str, problem: str, hint: str | None = None) -> InputError:
        """An InputError about this row's cell of `name`: file, line and column named."""
        position = self.table.columns[name]
        return InputError(f"{self.table.source.path}: line {self.line}, "
                          f"{self.table.label(position)}: {problem}", hint)


def read_table(path: str | Path, layout: Layout, report: ImportReport) -> Table:
    """Read a published file into a `Table`: header located, columns found, rows checked.

    Every data row must be wide enough for the columns read (a truncated or edited file fails
    with the line named); rows are kept with their line numbers for later messages.
    """
    source = read_rows(path, layout.delimiter)
    if not layout.aliases:
        return _headerless(source, layout)
    header_at = _locate_header(source, layout)
    header_line, header = source.rows[header_at]
    columns = find_columns(source, header, header_line, layout.aliases, layout.optional,
                           layout.hint)
    groups = {name: [i for i, text in enumerate(header)
                     if pattern.fullmatch(normalise_header(text))]
              for name, pattern in layout.groups.items()}
    table = Table(source, header, header_line, columns, groups)
    name = source.path.name
    if header_at:
        report.note(f"{name}: {header_at} section-header row(s) above the column names skipped")
    rows = [Row(table, line, cells) for line, cells in source.rows[header_at + 1:]]
    if rows and rows[0].line > header_line + 1:
        report.note(f"{name}: blank row under the header (line {header_line + 1}) skipped")
    if rows and layout.units_row is not None and layout.units_row(rows[0]):
        shown = ", ".join(c.strip() for c in rows[0].cells if c.strip())[:60]
        report.note(f"{name}: row under the header (line {rows[0].line}: {shown}) is not "
                    "data: skipped")
        rows = rows[1:]
    used = [*columns.values(), *(i for positions in groups.values() for i in positions)]
    width = max(used) + 1
    for row in rows:
        if len(row.cells) < width:
            raise InputError(
                f"{source.path}: line {row.line}: {len(row.cells)} cells, but the header (with "
                f"columns {table.names(sorted(set(used)))}) needs {width}",
                "The file looks truncated or edited: download it again.")
    table.rows = rows
    return table


def _locate_header(source: SourceFile, layout: Layout) -> int:
    """Position in `source.rows` of the header: the first row holding a spelling of the key."""
    wanted = {normalise_header(a) for a in layout.aliases[layout.key]}
    for position, (_, cells) in enumerate(source.rows[:layout.search_rows]):
        if wanted & {normalise_header(c) for c in cells}:
            return position
    line, cells = source.rows[0]
    find_columns(source, cells, line, layout.aliases, layout.optional, layout.hint)  # raises
    raise InputError(f"{source.path}: no header row in the first {layout.search_rows} rows",
                     layout.hint)


def _headerless(source: SourceFile, layout: Layout) -> Table:
    table = Table(source, [], 0, dict(layout.positions), {})
    for line, cells in source.rows:
        if len(cells) not in layout.widths:
            widths = " or ".join(str(w) for w in layout.widths)
            raise InputError(f"{source.path}: line {line}: not {layout.what} ({len(cells)} "
                             f"fields, expected {widths})", layout.hint)
        table.rows.append(Row(table, line, cells))
    return table


def find_columns(
    source: SourceFile,
    header: list[str],
    line: int,
    aliases: dict[str, tuple[str, ...]],
    optional: tuple[str, ...] = (),
    hint: str = Layout.hint,
) -> dict[str, int]:
    """Map each wanted field to its column index by alias; InputError if a required one is absent.

    `aliases` maps our field name to the published spellings (any case, spaces or underscores).
    """
    index: dict[str, int] = {}
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
            hint)
    return found


@dataclass
class ImportReport:
    """What an import mapped, dropped and noted; printed on stdout and logged.

    `publisher`, `title` and `period` describe the publication read (import_log.csv);
    `inputs` lists, per table written, each file that fed it and the rows written from it;
    `described` holds the provider codes the files describe (whether or not they were kept).
    """

    source: str
    publisher: str = ""
    title: str = ""
    period: str = ""
    rows_in: Counter = field(default_factory=Counter)  # per table
    rows_out: dict[str, int] = field(default_factory=dict)  # per table
    dropped: Counter = field(default_factory=Counter)  # reason -> rows
    notes: list[str] = field(default_factory=list)
    counted_notes: Counter = field(default_factory=Counter)  # note -> rows
    inputs: list[tuple[str, SourceFile, int]] = field(default_factory=list)  # table, file, rows
    described: set[str] = field(default_factory=set)

    def drop(self, reason: str, count: int = 1) -> None:
        self.dropped[reason] += count

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def note_count(self, text: str, count: int = 1) -> None:
        self.counted_notes[text] += count

    def wrote(self, table: str, rows: int, sources: list[SourceFile],
              rows_in: int | None = None) -> None:
        """Record a table written from `sources` (rows written; rows read if not counted)."""
        self.rows_out[table] = rows
        if rows_in is not None:
            self.rows_in[table] = rows_in
        for source in sources:
            self.inputs.append((table, source, rows))

    def render(self) -> str:
        lines = [f"Imported {self.source}"
                 + (f" ({self.title}, {self.period or 'period not known'})" if self.title
                    else "") + ":"]
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
