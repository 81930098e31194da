"""Summary workbooks (national, regional, plan checks): cover, contents, notes, then one Excel
table per sheet, written with `packgen.render.xlsx_tables` and saved atomically."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from packgen.fileio import atomic_path
from packgen.pack.model import RunInfo
from packgen.render.xlsx_tables import (
    Column,
    safe_sheet_title,
    sheet_link,
    write_label_values,
    write_table,
    write_title,
)

SYNTHETIC_NOTE = "SYNTHETIC DATA: fictional providers, not real provider figures."


@dataclass(frozen=True)
class Sheet:
    title: str  # tab name
    heading: str  # title in A1
    description: str  # one line, for the contents sheet
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, object]]
    table_name: str  # Excel table name: letters, digits and underscores
    notes: Sequence[str] = ()


def write_summary_workbook(path: Path, *, title: str, run: RunInfo,
                           cover_items: Sequence[tuple[str, object, str | None]],
                           sheets: Sequence[Sheet], notes: Sequence[str]) -> Path:
    """Cover (title, run, key figures), Contents (links), Notes (method and columns), sheets."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    lines = [SYNTHETIC_NOTE] if run.synthetic else []
    lines.append(f"{run.dataset_name}, {run.period}. Produced on {run.produced_on} by packgen "
                 f"{run.packgen_version} (run {run.run_id}).")
    next_row = write_title(cover, title, lines)
    write_label_values(cover, next_row + 1, cover_items)
    cover.column_dimensions["A"].width = 44
    cover.column_dimensions["B"].width = 24
    taken = ["Cover", "Contents", "Notes"]
    titles = []
    for sheet in sheets:
        titles.append(safe_sheet_title(sheet.title, taken))
        taken.append(titles[-1])
    contents = workbook.create_sheet("Contents")
    start = write_title(contents, "Contents", ["Each sheet holds one table; select a name."])
    write_table(contents, name="contents", header_row=start + 1, columns=(
        Column("sheet", "Sheet"), Column("description", "What it shows")), rows=[
        {"sheet": sheet_link(t), "description": s.description}
        for t, s in zip([*titles, "Notes"], [*sheets, _notes_sheet()], strict=True)])
    for tab, sheet in zip(titles, sheets, strict=True):
        worksheet = workbook.create_sheet(tab)
        start = write_title(worksheet, sheet.heading, sheet.notes)
        write_table(worksheet, name=sheet.table_name, columns=sheet.columns, rows=sheet.rows,
                    header_row=start + 1)
    _write_notes(workbook.create_sheet("Notes"), run, notes, sheets)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path


def _notes_sheet() -> Sheet:
    return Sheet("Notes", "Notes", "Method, parameters, sources and what each column means.",
                 (), (), "notes")


def _write_notes(worksheet, run: RunInfo, notes: Sequence[str],
                 sheets: Sequence[Sheet]) -> None:
    rows = [{"topic": "Note", "item": "", "text": n} for n in notes]
    rows += [{"topic": "Parameter", "item": k, "text": v} for k, v in run.parameters.items()]
    rows += [{"topic": "Source", "item": s.table, "text": f"{s.title}; {s.period}; {s.licence}; "
              f"sha256 {s.checksum}"} for s in run.sources]
    for sheet in sheets:
        rows += [{"topic": f"Column ({sheet.title})", "item": c.header, "text": c.description}
                 for c in sheet.columns if c.description]
    start = write_title(worksheet, "Notes", ["Method, parameters, sources and columns."])
    write_table(worksheet, name="notes", header_row=start + 1, rows=rows, columns=(
        Column("topic", "Topic"), Column("item", "Item"), Column("text", "Text", width=100)))
