"""Summary workbooks (national, regional, plan checks): cover, contents, then one Excel table per
sheet, a sheet of live totals and checks, and notes; written with `packgen.render.xlsx_tables` and
saved atomically.

The tables hold the figures packgen computed (typed numbers), with live per-row shares where a
sheet's caller asks for them (`RowFormula`). The "Totals and checks" sheet totals table columns
with live formulas (SUM, and SUBTOTAL for the rows a filter shows) and compares each total with
the figure packgen computed: its Check column is 0 when they agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from packgen.fileio import atomic_path
from packgen.pack.model import RunInfo
from packgen.render.xlsx_tables import (
    GBP_PENCE,
    PERCENT,
    Column,
    Formula,
    RowFormula,
    Styled,
    TableLocation,
    safe_sheet_title,
    set_print_layout,
    sheet_link,
    write_label_values,
    write_table,
    write_title,
)

CHECKS_SHEET = "Totals and checks"
CHECK_HEADER = "Check: live total minus packgen's figure (0 = agrees)"


@dataclass(frozen=True)
class Sheet:
    title: str  # tab name
    heading: str  # title in A1
    description: str  # one line, for the contents sheet
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, object]]
    table_name: str  # Excel table name: letters, digits and underscores
    notes: Sequence[str] = ()


@dataclass(frozen=True)
class Total:
    """A live total of one sheet's table column, checked against the figure packgen computed.

    With `per`, the total is a share: SUM(column) / SUM(per), both columns of the same table.
    """

    label: str
    sheet: str  # Sheet.title of the table
    column: str  # column key
    expected: float | None  # packgen's figure; None writes the live total without a check
    per: str | None = None

    @property
    def number_format(self) -> str:
        return PERCENT if self.per else GBP_PENCE


def with_live_share(rows: Sequence[Mapping[str, object]], key: str, part: str,
                    whole: str) -> list[dict[str, object]]:
    """The rows with `key` a live share: `part` / `whole` (columns of the same row); blank where
    the row has no `part` or no `whole`, so a missing figure gives a blank cell, never #DIV/0!
    or a 0 that looks like a share."""
    share = RowFormula(f"={{{part}}}/{{{whole}}}")
    return [{**row, key: share if row.get(whole) and row.get(part) is not None else None}
            for row in rows]


def write_summary_workbook(path: Path, *, title: str, run: RunInfo,
                           cover_items: Sequence[tuple[str, object, str | None]],
                           sheets: Sequence[Sheet], notes: Sequence[str],
                           totals: Sequence[Total] = ()) -> Path:
    """Cover (title, run, key figures), Contents (links), the sheets, Totals and checks, Notes
    (method and every column)."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    lines = list(run.mark_lines)
    lines.append(f"{run.dataset_name}, {run.period}. Produced on {run.produced_on} by packgen "
                 f"{run.packgen_version} (run {run.run_id}).")
    next_row = write_title(cover, title, lines)
    write_label_values(cover, next_row + 1, cover_items)
    cover.column_dimensions["A"].width = 44
    cover.column_dimensions["B"].width = 24
    set_print_layout(cover, one_page=True)
    taken = ["Cover", "Contents", "Notes", CHECKS_SHEET]
    titles = []
    for sheet in sheets:
        titles.append(safe_sheet_title(sheet.title, taken))
        taken.append(titles[-1])
    listed = [(t, s.description) for t, s in zip(titles, sheets, strict=True)]
    if totals:
        listed.append((CHECKS_SHEET, "Live totals of the tables, each checked against the "
                       "figure packgen computed (Check = 0 agrees)."))
    listed.append(("Notes", "Method, parameters, sources and what each column means."))
    contents = workbook.create_sheet("Contents")
    start = write_title(contents, "Contents", ["Each sheet holds one table; select a name."])
    write_table(contents, name="contents", header_row=start + 1, columns=(
        Column("sheet", "Sheet"), Column("description", "What it shows")), rows=[
        {"sheet": sheet_link(t), "description": d} for t, d in listed])
    locations = {}
    for tab, sheet in zip(titles, sheets, strict=True):
        worksheet = workbook.create_sheet(tab)
        start = write_title(worksheet, sheet.heading, sheet.notes)
        locations[sheet.title] = write_table(worksheet, name=sheet.table_name,
                                             columns=sheet.columns, rows=sheet.rows,
                                             header_row=start + 1)
    if totals:
        _write_totals(workbook.create_sheet(CHECKS_SHEET), totals, locations)
    _write_notes(workbook.create_sheet("Notes"), run, notes, sheets, bool(totals))
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path


def _write_totals(worksheet, totals: Sequence[Total],
                  locations: Mapping[str, TableLocation]) -> None:
    start = write_title(worksheet, CHECKS_SHEET, [
        "Each live total adds up a column of a table in this workbook; the Check column is the "
        "live total minus the figure packgen computed, 0 when they agree (to the penny for "
        "pounds, to six decimal places for shares).",
        "Rows shown: the same total over the rows the table's filter shows (SUBTOTAL), for "
        "totals of a selection.",
        sheet_link("Contents", "Back to Contents")])
    rows = []
    for total in totals:
        table = locations[total.sheet]
        live, shown = _sums(table, total.column)
        if total.per:
            live_base, shown_base = _sums(table, total.per)
            live = f'IF({live_base}=0,"",{live}/{live_base})'
            shown = f'IF({shown_base}=0,"",{shown}/{shown_base})'
        fmt = total.number_format
        row: dict[str, object] = {
            "total": total.label, "sheet": sheet_link(table.sheet_title),
            "live": Styled(Formula(f"={live}"), fmt), "shown": Styled(Formula(f"={shown}"), fmt)}
        if total.expected is not None:
            places = 6 if total.per else 2
            row["expected"] = Styled(total.expected, fmt)
            row["check"] = Styled(RowFormula(f"=ROUND({{live}}-{{expected}},{places})"), fmt)
        rows.append(row)
    write_table(worksheet, name="totals_and_checks", header_row=start + 1, rows=rows,
                columns=TOTAL_COLUMNS)


def _sums(table: TableLocation, key: str) -> tuple[str, str]:
    """The column's total over every row (SUM) and over the rows a filter shows (SUBTOTAL)."""
    cells = table.qualified_range(key)
    return f"SUM({cells})", f"SUBTOTAL(109,{cells})"


TOTAL_COLUMNS = (
    Column("total", "Total", description="What is added up, and its unit. Text."),
    Column("sheet", "Sheet", description="The sheet whose table is added up (a link)."),
    Column("live", "Live total", description="A live formula: the SUM of the table's column "
           "(pounds), or the SUM of one column divided by the SUM of another (a share, shown "
           "as a percentage)."),
    Column("shown", "Rows shown", description="The same formula over the rows the table's "
           "filter shows (SUBTOTAL): with no filter, equal to Live total."),
    Column("expected", "Figure computed by packgen", description="The same total as packgen "
           "computed it from the provider packs (pounds to the penny, or a share)."),
    Column("check", CHECK_HEADER, description="Live total minus the figure computed by packgen, "
           "rounded to the penny (pounds) or to six decimal places (shares): 0 means they "
           "agree."),
)


def _write_notes(worksheet, run: RunInfo, notes: Sequence[str], sheets: Sequence[Sheet],
                 with_totals: bool) -> None:
    rows = [{"topic": "Note", "item": "", "text": n} for n in notes]
    rows += [{"topic": "Parameter", "item": k, "text": v} for k, v in run.parameters.items()]
    rows += [{"topic": "Source", "item": s.table, "text": f"{s.title}; {s.period}; {s.licence}; "
              f"sha256 {s.checksum}"} for s in run.sources]
    described = [(s.title, s.columns) for s in sheets]
    if with_totals:
        described.append((CHECKS_SHEET, TOTAL_COLUMNS))
    for title, columns in described:
        rows += [{"topic": f"Column ({title})", "item": c.header, "text": c.description}
                 for c in columns]
    start = write_title(worksheet, "Notes", ["Method, parameters, sources and columns."])
    write_table(worksheet, name="notes", header_row=start + 1, rows=rows, columns=(
        Column("topic", "Topic"), Column("item", "Item", width=36, wrap=True),
        Column("text", "Text", width=90, wrap=True)))
