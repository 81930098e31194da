"""Write GSS-style worksheets with openpyxl: a title in A1, notes, then ONE Excel table per sheet.

Reused by every workbook packgen writes (provider packs, national and regional summaries).
Safety rule: data text never becomes a formula. Only `Formula` / `RowFormula` objects, which
renderers build themselves, are written as formulas; every plain string is written as text, and a
string that a spreadsheet could read as a formula (leading `=`, `+`, `-`, `@`, tab, CR) also gets
Excel's quote-prefix flag, the file-format form of typing a leading apostrophe.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

# Number formats. Pounds keep pennies wherever a reader reconciles figures to the penny.
GBP = "£#,##0"
GBP_PENCE = "£#,##0.00"
PERCENT = "0.0%"
RATE_PERCENT = "0.00%"  # metrics that are rates or shares: small gaps must show
COUNT = "#,##0"
INDEX = "0.000"
DECIMAL = "#,##0.00"
RATE = "#,##0.00##"  # unit values such as an MFF of 1.0431 or a rate of 0.5

MAX_SHEET_TITLE = 30  # Excel allows 31; GSS guidance asks for fewer than 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL_TEXT = 32_767
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_WRAP_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_TOP_ALIGNMENT = Alignment(vertical="top")  # the other cells of a row that wraps
_MIN_WIDTH, _MAX_WIDTH = 8, 60
LINE_HEIGHT = 15.0  # points: one line of 11-point text
# Longer notes above a table are split over several rows: a note overflows into the cells to its
# right, and a spreadsheet prints the whole overflow, so one long line would shrink the printed
# page to a fraction of its width.
NOTE_WIDTH = 130


class Formula(str):
    """A formula the renderer wrote itself, e.g. `=SUM(C5:C9)`. Never built from data text."""


class RowFormula(str):
    """A per-row formula template: `{key}` becomes that column's cell in the same row."""


@dataclass(frozen=True)
class Link:
    """Text that links to a place in the workbook, e.g. `Link("Summary", "'Summary'!A1")`."""

    text: str
    location: str


@dataclass(frozen=True)
class Styled:
    """A value with its own number format, overriding the column's (e.g. a metric in %)."""

    value: float | int | Formula | RowFormula | None
    number_format: str


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    number_format: str | None = None  # None: text or General
    width: float | None = None  # None: fit to the content
    description: str = ""  # shown in the workbook's notes
    wrap: bool = False  # wrap text within `width` (give one); the row grows to fit


@dataclass(frozen=True)
class TableLocation:
    """Where `write_table` put a table, so other cells can refer to it."""

    sheet_title: str
    header_row: int
    first_row: int
    last_row: int
    letters: dict[str, str] = field(default_factory=dict)  # column key -> column letter

    def column_range(self, key: str, absolute: bool = True) -> str:
        letter = self.letters[key]
        if absolute:
            return f"${letter}${self.first_row}:${letter}${self.last_row}"
        return f"{letter}{self.first_row}:{letter}{self.last_row}"

    def qualified_range(self, key: str) -> str:
        return f"{sheet_ref(self.sheet_title)}!{self.column_range(key)}"


def sheet_ref(title: str) -> str:
    """A sheet name as formulas and hyperlinks write it: quoted, with quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def sheet_link(title: str, text: str | None = None) -> Link:
    return Link(text or title, f"{sheet_ref(title)}!A1")


WIDTH_SAMPLE_ROWS = 500


def safe_sheet_title(wanted: str, taken: Iterable[str]) -> str:
    """A tab name under 31 characters, without []:*?/\\, unique (case-insensitively) in `taken`."""
    base = _SHEET_FORBIDDEN.sub(" ", wanted).strip().strip("'") or "Sheet"
    base = re.sub(r"\s+", " ", base)[:MAX_SHEET_TITLE].rstrip()
    used = {t.lower() for t in taken}
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate = base[: MAX_SHEET_TITLE - len(suffix)].rstrip() + suffix
        n += 1
    return candidate


# Characters XML 1.0 cannot hold: C0 controls other than tab, LF and CR (openpyxl's own
# pattern), lone surrogates, and the non-characters U+FFFE and U+FFFF, which openpyxl refuses.
_NOT_XML = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text a cell can hold: no XML-illegal characters, within Excel's length limit."""
    return _NOT_XML.sub("\ufffd", text)[:_MAX_CELL_TEXT]


def set_text(cell: Cell, text: str) -> None:
    """Write data text as text, whatever it starts with."""
    text = clean_text(text)
    cell.value = text
    if text.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True


def set_value(cell: Cell, value: object, number_format: str | None = None) -> None:
    """Write one value: numbers as numbers, Formula as formula, any other string as safe text."""
    if isinstance(value, Styled):
        number_format, value = value.number_format, value.value
    if isinstance(value, Link):
        set_text(cell, value.text)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=value.location)
        cell.style = "Hyperlink"
    elif isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, bool):
        set_text(cell, "Yes" if value else "No")  # a word, so no meaning rests on a format
    else:
        cell.value = value
    if number_format and value is not None:
        cell.number_format = number_format


def column_letters(columns: Sequence[Column]) -> dict[str, str]:
    """Column key -> letter, for a table whose first column is A."""
    return {c.key: get_column_letter(i) for i, c in enumerate(columns, start=1)}


def planned_location(sheet_title: str, columns: Sequence[Column], header_row: int,
                     row_count: int) -> TableLocation:
    """Where `write_table` will put a table of `row_count` rows: for formulas written before it
    (a table with no rows gets one row of text)."""
    return TableLocation(sheet_title, header_row, header_row + 1,
                         header_row + max(1, row_count), column_letters(columns))


# Print layout: A4 landscape, one page wide, margins in inches (0.4" sides, 0.6" top/bottom).
_MARGINS = dict(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)


# Widths (in Excel's units, about a digit each) that an A4 page holds at about 100%, between
# the margins below: a table no wider than a portrait page prints portrait, so more rows fit on
# a page; any other prints landscape. Either way it is fitted to one page wide.
PORTRAIT_WIDTH = 110


def set_print_layout(ws: Worksheet, title_row: int | None = None, *, one_page: bool = False,
                     width: float | None = None) -> None:
    """Print on A4, fitted to one page wide (and one page tall if `one_page`), with `title_row`
    (a table's header) repeated on every page and the sheet name and page number in the footer.
    Landscape, unless `width` (the columns' total) fits a portrait page."""
    portrait = width is not None and width <= PORTRAIT_WIDTH
    ws.page_setup.orientation = (ws.ORIENTATION_PORTRAIT if portrait
                                 else ws.ORIENTATION_LANDSCAPE)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0  # 0: as many pages tall as needed
    ws.page_margins = PageMargins(**_MARGINS)
    if title_row is not None:
        ws.print_title_rows = f"{title_row}:{title_row}"
    ws.oddFooter.center.text = "&A: page &P of &N"


def write_title(ws: Worksheet, title: str, notes: Sequence[object] = ()) -> int:
    """Title in A1 and the notes below it, a row each (a note longer than NOTE_WIDTH characters
    goes on as many rows as it needs, split between words); returns the next free row."""
    set_value(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = _TITLE_FONT
    row = 2
    for note in notes:
        lines = (textwrap.wrap(note, NOTE_WIDTH, break_long_words=False)
                 if isinstance(note, str) and len(note) > NOTE_WIDTH else [note])
        for line in lines:
            set_value(ws.cell(row=row, column=1), line)
            row += 1
    return row


def text_lines(value: object, width: float) -> int:
    """Lines a wrapped cell needs at `width`, generously: 1.1 characters per unit of width,
    where the average character of 11-point text is some 1.2 (a unit is the digit 0's width)."""
    text = value.text if isinstance(value, Link) else value
    if not isinstance(text, str):
        return 1
    per_line = max(1, int(width * 1.1))
    return sum(max(1, len(textwrap.wrap(part, per_line))) for part in text.split("\n"))


def fit_row_height(ws: Worksheet, row: int, lines: int) -> None:
    """Set the row tall enough for `lines` lines of wrapped text (spreadsheets do not always
    grow rows by themselves when they print)."""
    if lines > 1:
        current = ws.row_dimensions[row].height or LINE_HEIGHT
        ws.row_dimensions[row].height = max(current, LINE_HEIGHT * lines)


def write_table(
    ws: Worksheet,
    *,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, object]],
    header_row: int,
    empty_text: str = "No rows",
    style: str = "TableStyleMedium2",
) -> TableLocation:
    """Write a header and rows from `header_row` as one Excel table, freeze panes below the header.

    Rows are mappings keyed by column key; a missing key is an empty cell. A table with no rows
    gets one row saying `empty_text`, because Excel rejects a table without a data row.
    """
    letters = column_letters(columns)
    widths = write_header(ws, columns, header_row)
    row_number = header_row
    for row_number, row in enumerate(rows, start=header_row + 1):
        refs = None
        lines = 1
        # Widths are fitted to the first rows: measuring every cell of a drill-down of
        # thousands of rows costs more than writing it.
        measure = row_number - header_row <= WIDTH_SAMPLE_ROWS
        for i, column in enumerate(columns, start=1):
            value = row.get(column.key)
            if value is None:
                continue
            if column.wrap:
                ws.cell(row=row_number, column=i).alignment = _WRAP_ALIGNMENT
                lines = max(lines, text_lines(value, column.width or _MAX_WIDTH))
            template = value.value if isinstance(value, Styled) else value
            if isinstance(template, RowFormula):
                refs = refs or {key: f"{letter}{row_number}" for key, letter in letters.items()}
                formula = Formula(template.format_map(refs))
                value = Styled(formula, value.number_format) if value is not template else formula
            set_value(ws.cell(row=row_number, column=i), value, column.number_format)
            if measure:
                widths[i - 1] = max(widths[i - 1], _display_width(value))
        if lines > 1:
            fit_row_height(ws, row_number, lines)
            for i, column in enumerate(columns, start=1):
                if not column.wrap and row.get(column.key) is not None:
                    ws.cell(row=row_number, column=i).alignment = _TOP_ALIGNMENT
    if row_number == header_row:
        row_number += 1
        set_text(ws.cell(row=row_number, column=1), empty_text)
        widths[0] = max(widths[0], len(empty_text))
    return finish_table(ws, name, columns, header_row, row_number, widths, style)


def write_header(ws: Worksheet, columns: Sequence[Column], header_row: int) -> list[float]:
    """The table's header row; returns starting column widths (headers wrap onto two lines)."""
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=i)
        set_text(cell, column.header)
        cell.font = Font(bold=True)
        cell.alignment = _HEADER_ALIGNMENT
    return [len(c.header) / 2 + 2 for c in columns]


def fit_widths(widths: list[float], rows: Iterable[Sequence[object]]) -> None:
    """Widen `widths` to the first WIDTH_SAMPLE_ROWS rows (values in column order)."""
    for _, row in zip(range(WIDTH_SAMPLE_ROWS), rows, strict=False):
        for i, value in enumerate(row):
            if value is not None:
                widths[i] = max(widths[i], _display_width(value))


def finish_table(ws: Worksheet, name: str, columns: Sequence[Column], header_row: int,
                 last_row: int, widths: list[float], style: str = "TableStyleMedium2",
                 ) -> TableLocation:
    """Declare rows header_row..last_row an Excel table, freeze the header, set column widths."""
    last_letter = get_column_letter(len(columns))
    ref = f"A{header_row}:{last_letter}{last_row}"
    table = Table(displayName=name, ref=ref, autoFilter=AutoFilter(ref=ref))
    # Named here from the headers written above: left to openpyxl, naming them reads the whole
    # range back through the sheet, creating an empty cell object for every gap (233,000 cells
    # for a large drill-down whose rows xlsx_bulk adds later).
    table.tableColumns = [TableColumn(id=i, name=clean_text(c.header))
                          for i, c in enumerate(columns, start=1)]
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"A{header_row + 1}"
    header_lines, total_width = 1, 0.0
    for i, column in enumerate(columns, start=1):
        width = column.width or min(_MAX_WIDTH, max(_MIN_WIDTH, widths[i - 1] + 2))
        ws.column_dimensions[get_column_letter(i)].width = width
        header_lines = max(header_lines, text_lines(column.header, width - 1))  # bold: wider
        total_width += width
    fit_row_height(ws, header_row, header_lines)
    set_print_layout(ws, header_row, width=total_width)
    return TableLocation(ws.title, header_row, header_row + 1, last_row, column_letters(columns))


def write_label_values(
    ws: Worksheet,
    start_row: int,
    items: Sequence[tuple[str, object, str | None]],
    label_column: int = 1,
) -> dict[str, str]:
    """A bold label and its value in the next column, one per row: a key-figures block.

    Returns label -> absolute reference of the value cell (e.g. `$C$17`) for check formulas.
    """
    value_letter = get_column_letter(label_column + 1)
    where = {}
    for offset, (label, value, number_format) in enumerate(items):
        row = start_row + offset
        set_text(ws.cell(row=row, column=label_column), label)
        ws.cell(row=row, column=label_column).font = Font(bold=True)
        set_value(ws.cell(row=row, column=label_column + 1), value, number_format)
        where[label] = f"${value_letter}${row}"
    return where


class LabelBlock:
    """Label/value rows (a key-figures or checks block) planned before they are written, so
    formulas elsewhere (a table above them, say) can refer to their cells first."""

    def __init__(self, start_row: int, label_column: int = 1) -> None:
        self.start_row = start_row
        self.label_column = label_column
        self.items: list[tuple[str, object, str | None]] = []

    def add(self, label: str, value: object, number_format: str | None = None) -> str:
        """Plan a row; returns the absolute reference of its value cell, e.g. `$C$17`."""
        self.items.append((label, value, number_format))
        row = self.start_row + len(self.items) - 1
        return f"${get_column_letter(self.label_column + 1)}${row}"

    @property
    def next_row(self) -> int:
        return self.start_row + len(self.items)

    def write(self, ws: Worksheet) -> int:
        """Write the rows; returns the next free row."""
        write_label_values(ws, self.start_row, self.items, self.label_column)
        return self.next_row


def _display_width(value: object) -> float:
    if isinstance(value, Styled):
        value = value.value
    if isinstance(value, Link):
        return len(value.text)
    if isinstance(value, Formula):
        return 14  # a money figure
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 1
    if isinstance(value, int):
        return len(f"{value:,}")
    if isinstance(value, str):
        return len(value)
    return 10
