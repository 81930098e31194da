"""Helpers shared by the national-run tests (no tests here): a tiny bundle, stand-in PDF writers,
reading Excel tables back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from packgen.render import excel as excel_renderer
from packgen.render import pdf as pdf_renderer
from packgen.render import regional

FAKE_PDF = b"%PDF-1.7 stand-in for tests\n%%EOF\n"


def fast_renderers(monkeypatch, excel: bool = True) -> None:
    """Replace WeasyPrint (and, unless `excel`, the provider workbook) with tiny files: rendering
    is tested in the renderers' own tests and once here with a real pool; everything else
    (models, summaries, HTML, manifest) runs for real."""

    def write_stand_in(pack, path):
        Path(path).write_bytes(FAKE_PDF + pack.provider.code.encode())
        return Path(path)

    monkeypatch.setattr(pdf_renderer, "write_pdf", write_stand_in)
    monkeypatch.setattr(regional, "render_summary_pdf", lambda html: FAKE_PDF)
    if not excel:
        monkeypatch.setattr(excel_renderer, "write_workbook", write_stand_in)


def excel_table(path: Path, sheet: str, table: str | None = None) -> list[dict]:
    """The rows of an Excel table (the sheet's only table unless named), as header -> value."""
    workbook = openpyxl.load_workbook(path)
    ws = workbook[sheet]
    name = table or next(iter(ws.tables))
    cells = ws[ws.tables[name].ref]
    header = [c.value for c in cells[0]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in cells[1:]]


def label_value(path: Path, sheet: str, label: str) -> object:
    """The value in the cell to the right of the cell holding `label`."""
    ws = openpyxl.load_workbook(path)[sheet]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                return ws.cell(row=cell.row, column=cell.column + 1).value
    raise KeyError(label)
