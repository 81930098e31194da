"""A provider's Excel opportunity pack: the finance team's audit trail for every figure.

Sheets: Cover, Contents, Notes, Summary, one results sheet per category (plus a peer sheet where
the category has a chart), the acute HRG drill-down, and the cells not assessed. Every data sheet
holds one Excel table with its header frozen; figures are numbers with formats; each result row
recomputes its own opportunity with a live formula and shows the difference.

Public API: `build_workbook(pack)` (an openpyxl Workbook, for tests; the drill-down's data rows
join it only when saved, see `xlsx_bulk`) and `write_workbook(pack, path)` (atomic: a temporary
file in the same folder, then `os.replace`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from packgen.engine.params import lower_first
from packgen.fileio import atomic_path
from packgen.pack.model import CategorySection, Pack
from packgen.render import excel_sheets as sheets
from packgen.render.xlsx_bulk import save_workbook
from packgen.render.xlsx_tables import (
    COUNT,
    GBP_PENCE,
    PERCENT,
    Column,
    Formula,
    LabelBlock,
    RowFormula,
    TableLocation,
    fit_row_height,
    planned_location,
    safe_sheet_title,
    set_print_layout,
    set_value,
    sheet_link,
    text_lines,
    write_table,
    write_title,
)

NOT_ASSESSED_SHEET = "Not assessed"
MOVEMENT_SHEET = "Movement"
FIXED_SHEETS = ("Cover", "Contents", "Notes", "Summary")
CHECK_LABEL_TOTAL = "Check: total difference £ (0 = agrees)"
CHECK_LABEL_DRILLDOWN = "Check: drill-down difference £ (0 = agrees)"
CHECK_LABEL_REQUIREMENT = "Check: requirement difference £ (0 = agrees)"
COST_BASE_LABEL = "Cost base (operating cost) £"
NO_COST_BASE = "Not available: no operating cost supplied"
NOT_AVAILABLE = "Not available"
COVER_TEXT_WIDTH = 100


@dataclass(frozen=True)
class CategorySheets:
    results: str
    peers: str | None


def plan_category_sheets(pack: Pack) -> dict[str, CategorySheets]:
    """Tab names for each category's results and peer sheets: short, legal and unique."""
    taken = [*FIXED_SHEETS, NOT_ASSESSED_SHEET, MOVEMENT_SHEET]
    plan = {}
    for section in pack.categories:
        short = section.sheet_title or section.title
        results = safe_sheet_title(short[: sheets.SHORT_TITLE_LENGTH], taken)
        taken.append(results)
        peers = None
        if section.chart is not None and section.chart.peer_values:
            peers = safe_sheet_title(f"{results} - peers", taken)
            taken.append(peers)
        plan[section.id] = CategorySheets(results, peers)
    return plan


def build_workbook(pack: Pack) -> Workbook:
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    contents = wb.create_sheet("Contents")
    notes = wb.create_sheet("Notes")
    summary = wb.create_sheet("Summary")
    plan = plan_category_sheets(pack)
    described = [("Notes", "Definitions of every column, the method, run parameters and sources."),
                 ("Summary", "Opportunity by category, the total, and checks that they add up.")]
    for section in pack.categories:
        where = plan[section.id]
        ws = wb.create_sheet(where.results)
        sheets.write_category_sheet(ws, section, _table_name("Results", section.id), where.peers)
        described.append((where.results, f"{section.title}: every result row, recomputed."))
        if where.peers:
            sheets.write_peer_sheet(wb.create_sheet(where.peers), section, section.chart,
                                    _table_name("Peers", section.id), where.results)
            described.append((where.peers, f"{section.title}: {section.chart.title}, each peer."))
    drilldowns = []  # (section, its drill-down table)
    for section in pack.drilldowns:
        writer = sheets.DRILLDOWN_SHEETS.get(section.drilldown.kind)
        if writer is None or not writer.has_rows(section.drilldown):
            continue
        title = drilldown_sheet_title(section)
        drilldowns.append((section, writer.write(wb.create_sheet(title), section,
                                                 _table_name("Drilldown", section.id))))
        described.append((title, writer.description(section)))
    if pack.movement is not None:
        sheets.write_movement_sheet(wb.create_sheet(MOVEMENT_SHEET), pack, "Movement")
        described.append((MOVEMENT_SHEET, "The change since the previous pack, by category."))
    sheets.write_not_assessed_sheet(wb.create_sheet(NOT_ASSESSED_SHEET), pack, "Not_assessed")
    described.append((NOT_ASSESSED_SHEET, "Every cell not assessed, and why."))
    _write_summary(summary, pack, plan, drilldowns)
    _write_notes(notes, pack)
    _write_contents(contents, described)
    _write_cover(cover, pack)
    wb.active = 0
    wb.properties.title = f"Opportunity pack: {pack.provider.code} {pack.run.period}"
    wb.properties.creator = f"packgen {pack.run.packgen_version}"
    return wb


def write_workbook(pack: Pack, path: str | os.PathLike[str]) -> Path:
    """Write the pack's workbook to `path` atomically; an interrupted run leaves no partial file."""
    target = Path(path)
    workbook = build_workbook(pack)
    with atomic_path(target) as temporary:
        save_workbook(workbook, temporary)
    return target


def drilldown_sheet_title(section: CategorySection) -> str:
    """'Acute cost drill-down': the tab of a category's drill-down."""
    return f"{section.sheet_title or section.short_title} drill-down"[:31]


def _table_name(prefix: str, category_id: str) -> str:
    # Table names are workbook-wide identifiers: letters, digits and underscores only.
    return f"{prefix}_" + re.sub(r"\W", "_", category_id)


def _write_cover(ws: Worksheet, pack: Pack) -> None:
    provider, run = pack.provider, pack.run
    notes: list[object] = list(run.mark_lines)
    next_row = write_title(ws, f"Productivity and efficiency opportunities, {run.period}", notes)
    for row in range(2, next_row):  # the mark, on as many rows as it needs
        ws.cell(row=row, column=1).font = Font(bold=True)
    details = [("Provider", provider.name), ("Provider code", provider.code),
               ("Sector", provider.sector_name),
               ("Trust type (ERIC)", provider.peer_group or "Not known"),
               ("Peers", pack.peers),
               ("Region", f"{provider.region_name} ({provider.region_code})"),
               ("Data period", run.period), ("Prior period", run.prior_period or "none"),
               ("Produced on", run.produced_on), ("packgen version", run.packgen_version),
               ("Dataset", run.dataset_name), ("Run id", run.run_id)]
    next_row = _label_rows(ws, next_row + 1, details)
    how_to_use = [
        "Start at Contents: every sheet is linked from there, with what it holds.",
        "Summary gives the opportunity of each category at the run's percentile and at the "
        "peers' median, and the totals. Every category added is an upper bound (categories "
        "overlap); plan within the range from the total with overlaps removed at the median "
        "to the upper bound, both below the Summary table.",
        "Each category sheet lists every result row: metric, benchmark, peers, volume and unit "
        "value, the opportunity, and a live formula that recomputes it (Check = 0 agrees).",
        *(f"{drilldown_sheet_title(s)} lists the rows below {lower_first(s.short_title)}'s cells; "
          "filter them with the header buttons." for s in pack.drilldowns),
        "Notes defines every column and states the method, parameters and sources.",
    ]
    next_row = _label_rows(ws, next_row + 1, [("How to use this workbook", how_to_use[0])]
                           + [("", line) for line in how_to_use[1:]])
    sources = [(("Source and licence" if i == 0 else ""),
                f"{s.title}, {s.period}. Licence: {s.licence}.")
               for i, s in enumerate(run.sources)]
    _label_rows(ws, next_row + 1, sources)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = COVER_TEXT_WIDTH
    set_print_layout(ws, one_page=True)


def _label_rows(ws: Worksheet, start_row: int, items: list[tuple[str, object]]) -> int:
    for offset, (label, value) in enumerate(items):
        set_value(ws.cell(row=start_row + offset, column=1), label)
        ws.cell(row=start_row + offset, column=1).font = Font(bold=True)
        set_value(ws.cell(row=start_row + offset, column=2), value)
        ws.cell(row=start_row + offset, column=2).alignment = Alignment(wrap_text=True)
        fit_row_height(ws, start_row + offset, text_lines(value, COVER_TEXT_WIDTH))
    return start_row + len(items)


def _write_contents(ws: Worksheet, described: list[tuple[str, str]]) -> None:
    header_row = write_title(ws, "Contents", [
        "Each data sheet holds one table; select a sheet name to go to it."])
    rows = [{"sheet": sheet_link("Cover"), "description": "Title, provider, period, sources."}]
    rows += [{"sheet": sheet_link(title), "description": text} for title, text in described]
    write_table(ws, name="Contents_sheets", header_row=header_row, rows=rows,
                columns=(Column("sheet", "Sheet"), Column("description", "What it holds")))


def _write_notes(ws: Worksheet, pack: Pack) -> None:
    header_row = write_title(ws, "Notes: columns, method, parameters and sources", [
        sheet_link("Contents", "Back to Contents")])
    rows: list[dict[str, object]] = [
        {"section": "Method", "item": "Benchmark", "detail": "The value at the "
         f"{pack.run.parameters['Benchmark']}, unless a category states another target."},
        {"section": "Method", "item": "Opportunity", "detail": "max(0, gap) x volume x unit "
         "value: never negative. Money is rounded to the penny at the finest row; every total "
         "is the sum of those rounded figures."},
        {"section": "Caveat", "item": "Overlap", "detail": pack.overlap_note},
    ]
    titles = {c.id: c.title for c in pack.categories}
    for section in pack.categories:
        overlaps = ", ".join(titles.get(o, o) for o in section.overlaps_with) or "none"
        rows.append({"section": "Method", "item": section.title,
                     "detail": f"{section.how_calculated} Overlaps with: {overlaps}."})
    rows += [{"section": "Parameter", "item": label, "detail": value}
             for label, value in pack.run.parameters.items()]
    rows += [{"section": "Source", "item": s.table, "detail": s.title, "period": s.period,
              "licence": s.licence, "checksum": s.checksum} for s in pack.run.sources]
    rows += [{"section": "Data note", "item": f"Note {i}", "detail": text}
             for i, text in enumerate(pack.data_notes, start=1)]
    for sheet_kind, columns in (("Summary", _summary_columns(pack)),
                                ("Category sheets", sheets.RESULT_COLUMNS),
                                ("Peer sheets", sheets.PEER_COLUMNS),
                                *((f"{writer.kind} drill-down sheets", writer.columns)
                                  for writer in sheets.DRILLDOWN_SHEETS.values()),
                                (MOVEMENT_SHEET, sheets.MOVEMENT_COLUMNS),
                                (NOT_ASSESSED_SHEET, sheets.NOT_ASSESSED_COLUMNS)):
        rows += [{"section": "Column", "item": f"{sheet_kind}: {c.header}",
                  "detail": c.description} for c in columns]
    write_table(ws, name="Notes_items", header_row=header_row, rows=rows, columns=(
        Column("section", "Section"), Column("item", "Item", width=36, wrap=True),
        Column("detail", "Detail", width=80, wrap=True), Column("period", "Period"),
        Column("licence", "Licence", width=30, wrap=True),
        Column("checksum", "Checksum (sha256)", width=66)))


def _summary_columns(pack: Pack) -> list[Column]:
    rate = f"{pack.requirement_rate:.0%}"
    native_slots = max((len(c.opportunity_native) for c in pack.categories), default=0)
    columns = [
        Column("code", "Code", description="The category's stable code, e.g. PG-AC-01. Text."),
        Column("category", "Category", width=30, wrap=True,
               description="The category's title. Text."),
        Column("assessed", "Assessed", width=24, wrap=True, description="Yes when at least "
               "one of the category's measures was benchmarked; otherwise No, with the reason "
               "(e.g. no data supplied, naming the missing table or column), and the category's "
               "figures are blank: not assessed is not £0. Text."),
        Column("opportunity_gbp", "Opportunity £", GBP_PENCE, description="The category's "
               "opportunity in pounds at the run's percentile: the sum of its result rows that "
               "are in the total, to the penny. Blank when the category is not assessed."),
        Column("opportunity_median_gbp", "Opportunity at the median £", GBP_PENCE,
               description="The category's opportunity in pounds at the peers' median, the "
               "cautious end of the range: the sum of its result rows' Opportunity at the median "
               "£. Fixed targets count at their one figure."),
        Column("counts", "Counts when overlaps are removed", description="Yes for a category "
               "that counts in the total with overlaps removed; otherwise the larger category it "
               "overlaps, which counts instead. Text."),
        Column("pct_cost_base", "% of cost base", PERCENT, description="Opportunity £ / the "
               "provider's cost base (operating cost, below the table), as a percentage: a live "
               "formula. Blank where no operating cost was supplied."),
        Column("pct_requirement", f"% of {rate} requirement", PERCENT, description="Opportunity "
               f"£ / the productivity requirement ({rate} of the cost base, below the table), as "
               "a percentage: a live formula. Blank where no operating cost was supplied.")]
    for slot in range(native_slots):
        suffix = "" if slot == 0 else f" {slot + 1}"
        columns += [
            Column(f"native_{slot}", f"Opportunity (native units{suffix})", "#,##0",
                   description="The category's opportunity before pricing, in the unit named in "
                   "the next column (a category measured in several units has a pair of columns "
                   "per unit)."),
            Column(f"unit_{slot}", f"Native unit{suffix}",
                   description="Unit of the column before it, e.g. bed days. Text.")]
    columns += [
        Column("not_assessed", "Cells not assessed", COUNT, description="Number of the "
               "category's result rows not assessed (a count); the Not assessed sheet lists "
               "them with the reason."),
        Column("overlaps", "Overlaps with", width=30, wrap=True,
               description="Categories of this pack whose opportunity overlaps this one's: "
               "adding them together double counts. Text."),
        Column("details", "Details", description="Link to the category's sheet of result rows.")]
    return columns


def _write_summary(ws: Worksheet, pack: Pack, plan: dict[str, sheets.CategorySheets],
                   drilldowns: list[tuple[CategorySection, TableLocation]]) -> None:
    titles = {c.id: c.title for c in pack.categories}
    columns = _summary_columns(pack)
    notes: list[object] = [f"{pack.provider.name} ({pack.provider.code}), {pack.run.period}.",
                           pack.overlap_note]
    notes += [f"{s.short_title}: {s.caveat}" for s in pack.categories
              if s.caveat and s.assessed and s.opportunity_gbp > 0]
    if pack.productivity is not None:
        notes.append(pack.productivity.sentence)
    if pack.any_assessed:
        notes.append("Plan within the range from the total with overlaps removed at the "
                     "median (the cautious end) to the total with every category added at the "
                     "run's percentile (the upper bound): both are below the table.")
    notes.append("Totals and checks are below the table; the percentages are live formulas.")
    header_row = write_title(ws, "Summary: opportunity by category", notes)
    table = planned_location(ws.title, columns, header_row, len(pack.categories))
    # The block below the table is planned first: the table's percentages refer to its cells.
    block = LabelBlock(table.last_row + 3, label_column=2)
    leader_of = {member: group[0] for group in pack.overlap_groups for member in group}
    leaders = {c.id for c in pack.categories if leader_of.get(c.id, c.id) == c.id}
    rows_of = {c.id: table.first_row + i for i, c in enumerate(pack.categories)}
    bases = _summary_totals(block, pack, table, [rows_of[c] for c in sorted(leaders)])
    rows = []
    for section in pack.categories:
        row: dict[str, object] = {
            "code": section.code, "category": section.title,
            "assessed": "Yes" if section.assessed else f"No: {section.status_reason}",
            "counts": "Yes" if leader_of.get(section.id, section.id) == section.id
            else f"No: overlaps {titles.get(leader_of[section.id], leader_of[section.id])}",
            "not_assessed": section.not_assessed,
            "overlaps": ", ".join(titles.get(o, o) for o in section.overlaps_with) or "none",
            "details": sheet_link(plan[section.id].results)}
        if section.assessed:  # a category not assessed has no figures, never £0
            row.update(opportunity_gbp=section.opportunity_gbp,
                       opportunity_median_gbp=section.opportunity_median_gbp)
            for key, base in bases.items():
                row[key] = RowFormula("={opportunity_gbp}/" + base)
            for slot, (unit, amount) in enumerate(section.opportunity_native.items()):
                row[f"native_{slot}"], row[f"unit_{slot}"] = amount, unit
        else:
            row["counts"] = "No: not assessed"
        rows.append(row)
    written = write_table(ws, name="Summary_by_category", columns=columns, rows=rows,
                          header_row=header_row, empty_text="No categories")
    assert written == table, "the Summary table is not where its totals were planned"
    set_value(ws.cell(row=table.last_row + 2, column=2), "Totals and checks")
    ws.cell(row=table.last_row + 2, column=2).font = Font(bold=True)
    next_row = block.write(ws)
    # each drill-down adds up to its category's row of the table above
    for section, drilldown in drilldowns:
        index = pack.categories.index(section)
        category_cell = f"${table.letters['opportunity_gbp']}${table.first_row + index}"
        drill = LabelBlock(next_row, label_column=2)
        drill_sum = drill.add(f"{section.drilldown.title}: sum of its rows' opportunity £",
                              Formula(f"=SUM({drilldown.qualified_range('opportunity_gbp')})"),
                              GBP_PENCE)
        category = drill.add(f"{section.short_title} opportunity £ (table above)",
                             Formula(f"={category_cell}"), GBP_PENCE)
        drill.add(CHECK_LABEL_DRILLDOWN, Formula(f"=ROUND({drill_sum}-{category},2)"),
                  GBP_PENCE)
        median_cell = (f"${table.letters['opportunity_median_gbp']}"
                       f"${table.first_row + index}")
        median_sum = drill.add(
            f"{section.drilldown.title}: sum of its rows' opportunity at the median £",
            Formula(f"=SUM({drilldown.qualified_range('opportunity_median_gbp')})"), GBP_PENCE)
        median = drill.add(f"{section.short_title} opportunity at the median £ (table above)",
                           Formula(f"={median_cell}"), GBP_PENCE)
        drill.add(f"Check: {section.drilldown.title} at the median minus the category's "
                  "figure £ (0 = agrees)", Formula(f"=ROUND({median_sum}-{median},2)"),
                  GBP_PENCE)
        next_row = drill.write(ws)
    ws.column_dimensions["B"].width = max(ws.column_dimensions["B"].width or 0, 56)


def _summary_totals(block: LabelBlock, pack: Pack, table: TableLocation,
                    counted_rows: list[int]) -> dict[str, str]:
    """Plan the totals and checks below the Summary table: the upper bound and the total with
    overlaps removed (the counted categories' rows), each at the run's percentile and at the
    median, each checked against packgen's figure. Returns the cells the table's percentage
    columns divide by (column key -> cell); none without an operating cost."""
    rate = f"{pack.requirement_rate:.0%}"
    total_sum = block.add("Total opportunity £ (sum of the table; an upper bound)",
                          Formula(f"=SUM({table.column_range('opportunity_gbp')})"), GBP_PENCE)
    total_value = block.add("Total opportunity £ computed by packgen",
                            pack.total_opportunity_gbp, GBP_PENCE)
    block.add(CHECK_LABEL_TOTAL, Formula(f"=ROUND({total_sum}-{total_value},2)"), GBP_PENCE)
    for name, column, counted_only, figure in (
            ("Total at the median (upper bound at the median)", "opportunity_median_gbp",
             False, pack.total_median_gbp),
            ("Total with overlaps removed (the categories that count)", "opportunity_gbp", True,
             pack.total_overlaps_removed_gbp),
            ("Total with overlaps removed at the median (the cautious end of the range)",
             "opportunity_median_gbp", True, pack.total_overlaps_removed_median_gbp)):
        letter = table.letters[column]
        cells = ",".join(f"${letter}${row}" for row in counted_rows) or "0"
        summed = block.add(f"{name} £", Formula(
            f"=SUM({cells})" if counted_only else f"=SUM({table.column_range(column)})"),
            GBP_PENCE)
        value = block.add(f"{name} £ computed by packgen", figure, GBP_PENCE)
        block.add(f"Check: {name.split(' (')[0].lower()} minus packgen's figure £",
                  Formula(f"=ROUND({summed}-{value},2)"), GBP_PENCE)
    cost_base = pack.provider.operating_cost_gbp
    rate_cell = block.add("Productivity requirement rate (of the cost base)",
                          pack.requirement_rate, "0.0%")
    bases: dict[str, str] = {}
    if cost_base:
        cost = block.add(COST_BASE_LABEL, cost_base, GBP_PENCE)
        block.add("Total as % of cost base", Formula(f"={total_sum}/{cost}"), PERCENT)
        typed = pack.requirement_gbp
        requirement = block.add(f"Productivity requirement: {rate} of cost base, £",
                                NOT_AVAILABLE if typed is None else typed, GBP_PENCE)
        recomputed = block.add("Productivity requirement recomputed: rate x cost base, £",
                               Formula(f"=ROUND({rate_cell}*{cost},2)"), GBP_PENCE)
        if typed is not None:
            block.add(CHECK_LABEL_REQUIREMENT,
                      Formula(f"=ROUND({recomputed}-{requirement},2)"), GBP_PENCE)
        block.add("Total as % of the requirement", Formula(f"={total_sum}/{recomputed}"),
                  PERCENT)
        bases = {"pct_cost_base": cost, "pct_requirement": recomputed}
    else:
        for label in (COST_BASE_LABEL, "Total as % of cost base",
                      f"Productivity requirement: {rate} of cost base, £"):
            block.add(label, NO_COST_BASE)
    growth = pack.productivity
    if growth is not None:
        for label, value, number_format in (
                ("Productivity growth", growth.productivity_growth, PERCENT),
                ("Cost-weighted activity growth", growth.activity_growth, PERCENT),
                ("Real-terms input growth", growth.input_growth, PERCENT),
                ("Sector productivity growth", growth.sector_growth, PERCENT),
                ("National productivity growth", growth.national_growth, PERCENT),
                ("Rank in sector (1 = highest growth)", growth.rank, COUNT),
                ("Providers ranked in sector", growth.rank_of, COUNT)):
            block.add(label, NOT_AVAILABLE if value is None else value, number_format)
    formats = {"index": "0.0", "count": COUNT, "gbp": GBP_PENCE}
    for section in pack.drilldowns:
        for fact in section.drilldown.facts:
            block.add(f"{section.short_title}: {fact.label}",
                      NOT_AVAILABLE if fact.value is None else fact.value, formats[fact.kind])
    return bases


__all__ = ["build_workbook", "plan_category_sheets", "write_workbook"]
