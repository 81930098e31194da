"""Long tables of plain values (the acute HRG drill-down) written without an openpyxl cell each.

openpyxl spends about 10 microseconds on every cell it creates and saves; an acute trust's
drill-down has 1,000-19,000 HRG rows of 12 columns, which made its workbook take 0.6-2.3 s and
the national run's workbooks 160 s of CPU. So `write_bulk_table` lets openpyxl write everything
that needs its care (title, notes, header, the table definition, frozen panes, column widths, the
cell styles) and keeps the data rows aside; `save_workbook` then saves with openpyxl and adds
those rows' XML to the sheet. The rows are the same cells openpyxl would write, with the styles
openpyxl registered for them: numbers as numbers with their column's format, text as inline
strings. Text is XML-escaped and can never be a formula (no `<f>` is written); text that a
spreadsheet could take for one gets the quote-prefix style, as `xlsx_tables.set_text` does.

A workbook with bulk rows must be saved with `save_workbook`: until then the rows are not on
its worksheets (openpyxl does not know about them).
"""

from __future__ import annotations

import io
import math
import os
import re
import weakref
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from packgen.render.xlsx_tables import (
    FORMULA_TRIGGERS,
    Column,
    TableLocation,
    clean_text,
    finish_table,
    fit_widths,
    write_header,
    write_table,
)

Value = str | int | float | None
# Fast deflate: level 6 (zlib's default) took 35-70 ms more on large drill-downs, for files
# about a fifth smaller.
_LEVEL = 1


@dataclass
class _BulkRows:
    # Weak, so the pending rows do not keep their own workbook (the registry's key) alive.
    sheet: weakref.ref[Worksheet]
    name: str
    first_row: int
    rows: Sequence[Sequence[Value]]
    styles: list[str]  # per column: ' s="N"' or ''
    quoted_styles: list[str]  # the same with the quote prefix, for text that looks like a formula


# Each workbook's bulk rows, written by every `save_workbook` of it. Weak keys: a workbook
# that is dropped takes its rows with it.
_PENDING: weakref.WeakKeyDictionary[Workbook, list[_BulkRows]] = weakref.WeakKeyDictionary()


def write_bulk_table(ws: Worksheet, *, name: str, columns: Sequence[Column],
                     rows: Sequence[Sequence[Value]], header_row: int,
                     empty_text: str = "No rows") -> TableLocation:
    """Like `xlsx_tables.write_table`, for rows of plain values given in column order.

    The rows go below `header_row` when the workbook is saved with `save_workbook`; nothing
    else may be written on those rows or below them (saving checks), and a sheet holds one
    bulk table at most.
    """
    if not rows:
        return write_table(ws, name=name, columns=columns, rows=(), header_row=header_row,
                           empty_text=empty_text)
    if any(bulk.sheet() is ws for bulk in _PENDING.get(ws.parent, ())):
        raise ValueError(f"sheet {ws.title!r} already has a bulk table; it can hold one")
    for number, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise ValueError(f"row {number} of bulk table {name} has {len(row)} values for "
                             f"{len(columns)} columns")
    widths = write_header(ws, columns, header_row)
    fit_widths(widths, rows)
    styles, quoted = [], []
    for column in columns:
        styles.append(_style_attribute(ws, column.number_format, quoted=False))
        quoted.append(_style_attribute(ws, column.number_format, quoted=True))
    _PENDING.setdefault(ws.parent, []).append(
        _BulkRows(weakref.ref(ws), name, header_row + 1, rows, styles, quoted))
    return finish_table(ws, name, columns, header_row, header_row + len(rows), widths)


def save_workbook(workbook: Workbook, path: str | os.PathLike[str]) -> None:
    """Save with openpyxl, then add the workbook's bulk rows to their sheets' XML."""
    pending = _PENDING.get(workbook, [])
    if not pending:
        workbook.save(path)
        return
    sheets = [_sheet_of(workbook, bulk) for bulk in pending]
    buffer = io.BytesIO()
    workbook.save(buffer)  # assigns each sheet its part name (ws.path)
    parts = {ws.path.lstrip("/"): bulk for ws, bulk in zip(sheets, pending, strict=True)}
    with zipfile.ZipFile(buffer) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in parts:
                data = _with_rows(data, parts.pop(info.filename))
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED,
                            compresslevel=_LEVEL)
    if parts:
        raise RuntimeError(f"sheets missing from the saved workbook: {sorted(parts)}")


def _sheet_of(workbook: Workbook, bulk: _BulkRows) -> Worksheet:
    ws = bulk.sheet()
    if ws is None or ws not in workbook.worksheets:
        raise RuntimeError(f"the sheet of bulk table {bulk.name} is no longer in the workbook")
    below = [r for r in (ws.max_row, *ws.row_dimensions) if r >= bulk.first_row]
    if below:
        raise RuntimeError(
            f"row {max(below)} of sheet {ws.title!r} was written, but bulk table {bulk.name} "
            f"fills rows {bulk.first_row} to {bulk.first_row + len(bulk.rows) - 1} and below "
            "is left empty")
    return ws


def _style_attribute(ws: Worksheet, number_format: str | None, quoted: bool) -> str:
    # A cell that is never put on the sheet registers the style with the workbook, so openpyxl
    # writes it into styles.xml; its index is the `s` attribute of the cells that use it.
    probe = Cell(ws)
    if number_format:
        probe.number_format = number_format
    if quoted:
        probe.quotePrefix = True
    return f' s="{probe.style_id}"' if probe.style_id else ""


_SHEET_DATA_END = b"</sheetData>"
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+\d+)(?::[A-Z]+\d+)?"\s*/>')


def _with_rows(sheet_xml: bytes, bulk: _BulkRows) -> bytes:
    at = sheet_xml.rfind(_SHEET_DATA_END)
    if at < 0:
        raise RuntimeError(f"no sheetData in the sheet of bulk table {bulk.name}")
    rows_xml = "".join(_rows_xml(bulk)).encode("utf-8")
    last = f"{get_column_letter(len(bulk.styles))}{bulk.first_row + len(bulk.rows) - 1}"
    head = _DIMENSION.sub(lambda m: b'<dimension ref="' + m.group(1) + b":" + last.encode()
                          + b'"/>', sheet_xml[:at], count=1)
    return head + rows_xml + sheet_xml[at:]


def _rows_xml(bulk: _BulkRows):
    letters = [get_column_letter(i) for i in range(1, len(bulk.styles) + 1)]
    cells = list(zip(letters, bulk.styles, bulk.quoted_styles, strict=True))
    # Codes and names repeat down a drill-down: each distinct text is cleaned and escaped once.
    texts: dict[tuple[str, str, str], tuple[str, str]] = {}
    for r, row in enumerate(bulk.rows, start=bulk.first_row):
        parts = [f'<row r="{r}">']
        for (letter, style, quoted), value in zip(cells, row, strict=True):
            if value is None:
                continue
            kind = type(value)
            if kind not in _PLAIN:
                kind, value = _plain(value)
            if kind is float:
                if math.isfinite(value):  # NaN and infinities have no cell form: left empty
                    parts.append(f'<c r="{letter}{r}"{style}><v>{value!r}</v></c>')
            elif kind is str:
                key = (value, style, quoted)
                if key not in texts:
                    text = clean_text(value)
                    texts[key] = (quoted if text.startswith(FORMULA_TRIGGERS) else style,
                                  _escape(text))
                text_style, escaped = texts[key]
                parts.append(f'<c r="{letter}{r}"{text_style} t="inlineStr"><is><t xml:space='
                             f'"preserve">{escaped}</t></is></c>')
            else:
                parts.append(f'<c r="{letter}{r}"{style}><v>{value}</v></c>')
        parts.append("</row>")
        yield "".join(parts)


_PLAIN = (float, str, int)


def _plain(value: object) -> tuple[type, object]:
    """A subclass of float, int or str (numpy's float64, say) as the plain type; else an error."""
    if isinstance(value, bool):
        raise TypeError("bulk rows hold text and numbers; write Yes/No as text")
    for kind in _PLAIN:
        if isinstance(value, kind):
            return kind, kind(value)
    raise TypeError(f"bulk rows hold text and numbers, not {type(value).__name__}")


def _escape(text: str) -> str:
    # \r would be read back as \n by an XML parser unless written as a character reference.
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))
