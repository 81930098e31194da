"""xlsx_bulk writes long tables' rows as XML after openpyxl's save: a reader must get exactly the
cells openpyxl would have written cell by cell (values, types, formats, quote prefixes)."""

from __future__ import annotations

import gc
import math
import re
import weakref
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from packgen.render.xlsx_bulk import save_workbook, write_bulk_table
from packgen.render.xlsx_tables import COUNT, GBP_PENCE, INDEX, Column, write_table

COLUMNS = (Column("code", "Code"), Column("name", "Name"), Column("n", "Activity", COUNT),
           Column("cost", "Cost £", GBP_PENCE), Column("index", "Index", INDEX))
ROWS = [
    ("NEL", "General surgery", 12, 1234.5, 1.0431),
    ("=HYPERLINK(\"http://x\",\"y\")", "Tom & Jerry <b>", 0, -0.01, 0.0),
    ("+1+1", "line\r\nbreak\tand tab", 7, 1e-05, 123456789.125),
    ("-2+3", " padded ", None, 5.0, None),
    ("@SUM(1)", "bad\x01control", 3, 2.5e12, 0.5),
    ("\t=1", "Ysbyty Gwynedd ŵ £ €", 1, 1.0, 2.0),
]


def _write(tmp_path, bulk: bool):
    wb = Workbook()
    ws = wb.active
    ws.title = "Drill"
    ws["A1"] = "Title"
    if bulk:
        write_bulk_table(ws, name="T", columns=COLUMNS, rows=ROWS, header_row=3)
    else:
        write_table(ws, name="T", columns=COLUMNS, header_row=3,
                    rows=[dict(zip((c.key for c in COLUMNS), row, strict=True)) for row in ROWS])
    path = tmp_path / f"{'bulk' if bulk else 'cells'}.xlsx"
    save_workbook(wb, path)
    return path


def _cells(path):
    ws = openpyxl.load_workbook(path)["Drill"]
    return {(c.row, c.column): (c.value, c.data_type, c.number_format, bool(c.quotePrefix))
            for row in ws.iter_rows() for c in row if c.value is not None}, ws


def test_bulk_rows_read_back_as_the_cells_openpyxl_would_write(tmp_path):
    expected, reference = _cells(_write(tmp_path, bulk=False))
    got, ws = _cells(_write(tmp_path, bulk=True))
    assert got == expected
    (table,) = ws.tables.values()
    assert table.ref == reference.tables["T"].ref == f"A3:E{3 + len(ROWS)}"
    assert [c.name for c in table.tableColumns] == [c.header for c in COLUMNS]
    assert ws.freeze_panes == "A4"
    assert ws.max_row == 3 + len(ROWS)  # the <dimension> covers the added rows


def test_bulk_text_is_never_a_formula_and_formula_like_text_is_quote_prefixed(tmp_path):
    path = _write(tmp_path, bulk=True)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    got, _ = _cells(path)
    codes = {row: value for (row, col), value in got.items() if col == 1 and row > 3}
    for text, data_type, _fmt, quoted in codes.values():
        assert data_type == "s"
        assert quoted == text.startswith(("=", "+", "-", "@", "\t")), text
    assert got[(5, 2)][0] == "Tom & Jerry <b>"
    assert got[(6, 2)][0] == "line\r\nbreak\tand tab"  # \r kept, not normalised away
    assert got[(7, 2)][0] == " padded "
    assert got[(8, 2)][0] == "bad\ufffdcontrol"  # XML-illegal control character replaced


def test_bulk_numbers_keep_full_precision_and_nan_is_an_empty_cell(tmp_path):
    rows = [("A", "x", 1, math.nan, math.inf), ("B", "y", 2, 0.1 + 0.2, -1234567.891)]
    wb = Workbook()
    write_bulk_table(wb.active, name="T", columns=COLUMNS, rows=rows, header_row=1)
    save_workbook(wb, tmp_path / "n.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "n.xlsx").active
    assert ws["D2"].value is None and ws["E2"].value is None
    assert ws["D3"].value == 0.1 + 0.2 and ws["E3"].value == -1234567.891
    assert ws["C3"].value == 2 and isinstance(ws["C3"].value, int)


def test_bulk_rows_refuse_values_a_plain_cell_cannot_hold(tmp_path):
    wb = Workbook()
    write_bulk_table(wb.active, name="T", columns=COLUMNS[:1], rows=[(True,)], header_row=1)
    with pytest.raises(TypeError, match="text and numbers"):
        save_workbook(wb, tmp_path / "b.xlsx")
    good = ("a", "b", 1, 2.0, 3.0)
    with pytest.raises(ValueError, match="row 2 of bulk table T has 2 values for 5 columns"):
        write_bulk_table(Workbook().active, name="T", columns=COLUMNS, rows=[good, ("a", "b")],
                         header_row=1)


def test_text_xml_cannot_hold_is_replaced_and_the_file_stays_readable(tmp_path):
    wb = Workbook()
    write_bulk_table(wb.active, name="T", columns=COLUMNS[:2], header_row=1,
                     rows=[("x\ufffey", "lone \ud800 surrogate"), ("\uffff", "emoji \U0001f600")])
    save_workbook(wb, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    assert [ws["A2"].value, ws["B2"].value, ws["A3"].value, ws["B3"].value] == [
        "x\ufffdy", "lone \ufffd surrogate", "\ufffd", "emoji \U0001f600"]


def test_a_cell_written_where_bulk_rows_go_is_refused_not_misplaced(tmp_path):
    wb = Workbook()
    write_bulk_table(wb.active, name="T", columns=COLUMNS[:2], header_row=1,
                     rows=[("a", "b"), ("c", "d")])
    wb.active["A10"] = "a note below the table"
    with pytest.raises(RuntimeError, match="row 10 of sheet 'Sheet' was written"):
        save_workbook(wb, tmp_path / "below.xlsx")


def test_one_bulk_table_a_sheet(tmp_path):
    wb = Workbook()
    write_bulk_table(wb.active, name="T1", columns=COLUMNS[:2], header_row=1, rows=[("a", "b")])
    with pytest.raises(ValueError, match="already has a bulk table"):
        write_bulk_table(wb.active, name="T2", columns=COLUMNS[:2], header_row=5,
                         rows=[("c", "d")])


def test_every_save_writes_the_rows_and_a_dropped_workbook_is_freed(tmp_path):
    wb = Workbook()
    write_bulk_table(wb.active, name="T", columns=COLUMNS[:2], header_row=1,
                     rows=[("a", "b"), ("c", "d")])
    for name in ("first.xlsx", "second.xlsx"):
        save_workbook(wb, tmp_path / name)
        ws = openpyxl.load_workbook(tmp_path / name).active
        assert [ws["A2"].value, ws["B3"].value] == ["a", "d"]
    alive = weakref.ref(wb)
    del wb
    gc.collect()
    assert alive() is None  # the pending rows do not keep their workbook alive


def test_no_rows_gives_the_usual_one_row_table(tmp_path):
    wb = Workbook()
    write_bulk_table(wb.active, name="T", columns=COLUMNS, rows=[], header_row=1,
                     empty_text="Nothing here")
    save_workbook(wb, tmp_path / "e.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx").active
    assert ws["A2"].value == "Nothing here"
    assert re.fullmatch(r"A1:E2", ws.tables["T"].ref)


def test_subclasses_of_numbers_and_text_are_written_as_plain_values(tmp_path):
    class Code(str):
        pass

    class Amount(float):
        pass

    wb = Workbook()
    write_bulk_table(wb.active, name="T", columns=COLUMNS[:4], header_row=1,
                     rows=[(Code("=NEL"), "x", 3, Amount(2.5))])
    save_workbook(wb, tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx").active
    assert ws["A2"].value == "=NEL" and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["D2"].value == 2.5 and ws["D2"].number_format == GBP_PENCE
