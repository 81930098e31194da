"""The data sheets of a provider's Excel pack: category results, peer tables, the acute HRG
drill-down and the cells not assessed. Each sheet holds one Excel table (GSS guidance)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from openpyxl.worksheet.worksheet import Worksheet

from packgen.categories.definition import SHEET_TITLE_LENGTH
from packgen.pack.model import CategorySection, Component, Pack
from packgen.render.excel_formulas import EXCEL_TEMPLATES, NO_OPPORTUNITY, template_for
from packgen.render.formatting import with_unit
from packgen.render.xlsx_bulk import write_bulk_table
from packgen.render.xlsx_tables import (
    COUNT,
    DECIMAL,
    GBP_PENCE,
    INDEX,
    RATE,
    RATE_PERCENT,
    Column,
    RowFormula,
    Styled,
    TableLocation,
    sheet_link,
    write_table,
    write_title,
)

# Tab names: short enough that "<name> - peers" stays under 31 characters.
SHORT_TITLE_LENGTH = SHEET_TITLE_LENGTH  # the definitions check their sheet_title against it

# Rates and shares keep two decimals: a corporate function at 0.47% against 0.41% must not
# read "0.5%" against "0.4%" (or the same) beside real pounds.
_METRIC_FORMATS = {"index": INDEX, "%": RATE_PERCENT, "GBP": GBP_PENCE, "days": DECIMAL}

RESULT_COLUMNS = (
    Column("sub_unit", "Sub-unit", description="Code of the part of the provider the row "
           "measures: an NCC department/treatment function cell such as EL/110 (acute cost), a "
           "corporate function, a ward type, a molecule, or 'all'. Text."),
    Column("label", "Sub-unit name", width=28, wrap=True,
           description="The sub-unit in words. Text."),
    Column("component", "Component", width=28, wrap=True,
           description="The measure within the category (e.g. agency "
           "spend, electricity use per m2). Text."),
    Column("department", "Department", description="NCC department code, e.g. EL = elective "
           "inpatients (acute cost only). Text."),
    Column("service", "Service code", description="Treatment function code, e.g. 110 = Trauma "
           "and Orthopaedics (acute cost only). Text."),
    Column("pod_group", "POD group", description="Point-of-delivery group of the department "
           "(acute cost only). Text."),
    Column("assessed", "Assessed", description="Yes if the row was benchmarked; No if not, with "
           "the reason in the next column."),
    Column("reason", "Reason not assessed", width=28, wrap=True,
           description="Why the row was not benchmarked (e.g. "
           "fewer than 5 peers, activity under the threshold); blank when assessed. Text."),
    Column("metric", "Metric", DECIMAL, description="The provider's value of the measure, in the "
           "unit given in Metric unit. A cost index is kept as a ratio so the check formula "
           "works: 1.000 = national average (the PDF shows it x100, as 100). A % is stored as a "
           "fraction and shown as a percentage."),
    Column("metric_unit", "Metric unit", description="Unit of Metric and Benchmark: days, % "
           "(a fraction shown as a percentage), index (a ratio; 1.000 = national average), GBP "
           "(pounds), or a rate such as kWh per m2. Text."),
    Column("benchmark", "Benchmark", DECIMAL, description="The value the metric is compared "
           "with, in the Metric unit: a percentile of the peers' values or a stated target "
           "(the category's method, in Notes, says which)."),
    Column("peers", "Peers", COUNT, description="Number of providers with valid data in the "
           "comparison (a count); blank where the benchmark is a fixed target."),
    Column("volume", "Volume", DECIMAL, description="The activity the gap is multiplied by, in "
           "the category's unit: e.g. discharges, appointments booked, floor area in m2, or "
           "expected cost in pounds at national prices (acute cost)."),
    Column("unit_value", "Unit value", RATE, description="What one native unit is worth in the "
           "provider's pounds: pounds per native unit (e.g. £ per bed day or per appointment), "
           "or a ratio where the native unit is already pounds: the market forces factor for "
           "acute cost (national prices to the provider's cash), 1 where the gap is already in "
           "the provider's pounds, or the share of a cut counted as opportunity (temporary "
           "staffing: 0.5, half of the cut in agency and bank spend). Opportunity £ = "
           "Opportunity (native units) x Unit value."),
    Column("opportunity_native", "Opportunity (native units)", DECIMAL, description="The "
           "opportunity before pricing, in the unit given in Native unit: max(0, gap) x Volume "
           "(see Formula). 0 for rows not assessed and context rows."),
    Column("native_unit", "Native unit", width=20, wrap=True,
           description="Unit of Opportunity (native units): e.g. "
           "bed days, appointments, kWh, or GBP at national prices. Text."),
    Column("opportunity_gbp", "Opportunity £", GBP_PENCE, description="The opportunity in "
           "pounds as computed by packgen: Opportunity (native units) x Unit value, rounded to "
           "the penny; never negative. 0 for rows not assessed and context rows."),
    Column("in_total", "In total", description="Yes if the row counts in the category total; "
           "No for a context measure, shown for comparison, which carries no opportunity."),
    Column("formula", "Formula", width=32, wrap=True,
           description="How Opportunity £ is computed from this row's "
           "cells, in words; 'No opportunity' with the reason for context rows and rows not "
           "assessed. Text."),
    Column("recomputed", "Recomputed opportunity £", GBP_PENCE, description="A live Excel "
           "formula applying Formula to this row's Metric, Benchmark, Volume and Unit value, in "
           "pounds. Blank where the row carries no opportunity (nothing to recompute)."),
    Column("check", "Check: recomputed minus opportunity £", GBP_PENCE, description="Recomputed "
           "opportunity £ minus Opportunity £, rounded to the penny, in pounds: 0 means the "
           "figures agree. Blank where nothing is recomputed."),
    Column("benchmark_median", "Benchmark at the median", DECIMAL, description="The cautious "
           "end of the range: the median of the same peers' values, in the Metric unit. For a "
           "fixed target (a cut of the trust's own spend, a national standard) the same value as "
           "Benchmark: such a measure has one figure."),
    Column("opportunity_median_gbp", "Opportunity at the median £", GBP_PENCE, description="The "
           "opportunity in pounds against Benchmark at the median, by the same rules (never "
           "negative, 0 for rows not assessed and context rows); the same as Opportunity £ for "
           "a fixed target."),
    Column("recomputed_median", "Recomputed at the median £", GBP_PENCE, description="A live "
           "Excel formula applying Formula to this row's cells with Benchmark at the median, in "
           "pounds. Blank where the row carries no opportunity."),
    Column("check_median", "Check: recomputed minus opportunity at the median £", GBP_PENCE,
           description="Recomputed at the median £ minus Opportunity at the median £, rounded "
           "to the penny, in pounds: 0 means the figures agree. Blank where nothing is "
           "recomputed."),
)
# The Formula text of rows that carry no opportunity by rule (the engine's formula ids).
NO_OPPORTUNITY_TEXT = {
    "context": "No opportunity: a context measure, shown for comparison (not in the total)",
    "not_assessed": "No opportunity: not assessed (see Reason not assessed)",
}
_ACUTE_ONLY = {"department", "service", "pod_group"}

PEER_COLUMNS = (
    Column("rank", "Rank", COUNT, description="The peer's position on the charted measure, "
           "1 = best performance (a count)."),
    Column("code", "Provider code", description="ODS code of the peer provider. Text."),
    Column("name", "Provider name", description="The peer provider's name. Text."),
    Column("value", "Value", DECIMAL, description="The peer's value of the charted measure, in "
           "the unit stated above the table (e.g. days, % shown as a percentage, or an index as "
           "a ratio where 1.000 = national average)."),
    Column("quartile", "Quartile", COUNT, description="Quarter of the peers the value falls in: "
           "1 = best quarter of performance, 4 = worst."),
    Column("is_provider", "This provider", description="Yes for the provider of this pack, No "
           "for the other peers."),
)

HRG_COLUMNS = (
    Column("pod_group", "POD group", description="Point-of-delivery group of the department. "
           "Text."),
    Column("department", "Department", description="NCC department code, e.g. EL = elective "
           "inpatients. Text."),
    Column("service_code", "Service code", description="Treatment function code. Text."),
    Column("service_name", "Service name", description="Treatment function name. Text."),
    Column("currency", "Currency (HRG)", description="The HRG (currency) code of the NCC row. "
           "Text."),
    Column("activity", "Activity", COUNT, description="Activity of the HRG in the NCC return: "
           "episodes, attendances or bed days as the department counts them."),
    Column("actual_cost", "Actual cost £", GBP_PENCE, description="The provider's reported cost "
           "of the HRG, in pounds."),
    Column("adjusted_cost", "MFF-adjusted cost £", GBP_PENCE,
           description="Actual cost / the provider's market forces factor (stated above the "
           "table), in pounds at national prices: the cost the index compares with expected "
           "cost."),
    Column("expected_cost", "Expected cost £", GBP_PENCE,
           description="Activity x national mean unit cost, in pounds at national prices "
           "(MFF-adjusted)."),
    Column("cell_index", "Cell index", INDEX,
           description="MFF-adjusted cost / expected cost of the department x service cell, as a "
           "ratio (1.000 = national average; the PDF shows it x100)."),
    Column("benchmark_index", "Benchmark index", INDEX, description="The cell's benchmark cost "
           "index, a ratio (1.000 = national average); blank where the cell was not assessed."),
    Column("excess", "Excess £", GBP_PENCE,
           description="max(0, MFF-adjusted cost - benchmark index x expected cost), in "
           "MFF-adjusted pounds: recomputable from the row."),
    Column("opportunity_gbp", "Opportunity £", GBP_PENCE,
           description="This HRG's share of its cell's opportunity, in the provider's pounds "
           "(cash), to the penny."),
    Column("opportunity_median_gbp", "Opportunity at the median £", GBP_PENCE,
           description="This HRG's share of its cell's opportunity at the peers' median (the "
           "cautious end of the range), in the provider's pounds, shared the same way against the "
           "median benchmark, to "
           "the penny; 0 where the cell is at or better than its peers' median."),
)

# The HrgRow field behind each drill-down column, looked up by key so the two cannot drift apart.
_HRG_FIELDS = {"pod_group": "pod_group", "department": "department_code",
               "service_code": "service_code", "service_name": "service_name",
               "currency": "currency_code", "activity": "activity",
               "actual_cost": "actual_cost_gbp", "adjusted_cost": "adjusted_cost_gbp",
               "expected_cost": "expected_cost_gbp",
               "cell_index": "cell_index", "benchmark_index": "benchmark_index",
               "excess": "excess_gbp", "opportunity_gbp": "opportunity_gbp",
               "opportunity_median_gbp": "opportunity_median_gbp"}
_HRG_VALUES = attrgetter(*(_HRG_FIELDS[c.key] for c in HRG_COLUMNS))

NOT_ASSESSED_COLUMNS = (
    Column("category", "Category", description="The category of the cell not assessed. Text."),
    Column("component", "Component", description="The measure within the category. Text."),
    Column("sub_unit", "Sub-unit", description="Code of the sub-unit not assessed. Text."),
    Column("label", "Sub-unit name", width=36, wrap=True,
           description="The sub-unit in words. Text."),
    Column("reason", "Reason not assessed", width=40, wrap=True,
           description="Why no benchmark or opportunity was "
           "computed (e.g. fewer than 5 peers). Text."),
)


def metric_format(metric_unit: str | None) -> str:
    return _METRIC_FORMATS.get(metric_unit or "", DECIMAL)


def write_category_sheet(ws: Worksheet, section: CategorySection, table_name: str,
                         peer_sheet: str | None) -> TableLocation:
    """The category's result rows as one table, with a live recomputation and check per row."""
    components = {c.id: c for c in section.components}
    has_acute_keys = any(r.department_code or r.service_code for r in section.rows)
    columns = [c for c in RESULT_COLUMNS if has_acute_keys or c.key not in _ACUTE_ONLY]
    notes: list[object] = [
        f"{section.code}. {section.sentence}",
        f"What it measures: {section.what_it_measures}",
        f"How it is calculated: {section.how_calculated}",
        "Each row's Recomputed opportunity applies its Formula to the row's cells; the Check "
        "column is the difference, 0 when the figures agree to the penny.",
        sheet_link("Contents", "Back to Contents"),
    ]
    if peer_sheet:
        notes.insert(4, sheet_link(peer_sheet, f"Peer values behind the chart: {peer_sheet}"))
    header_row = write_title(ws, f"{section.title}: result rows", notes)
    rows = []
    for r in section.rows:
        component = components.get(r.component)
        fmt = metric_format(component.metric_unit if component else None)
        row = {
            "sub_unit": r.sub_unit, "label": r.sub_unit_label,
            "component": component.title if component else r.component,
            "department": r.department_code, "service": r.service_code, "pod_group": r.pod_group,
            "assessed": r.assessed, "reason": r.reason,
            "metric": Styled(r.metric, fmt), "metric_unit": component.metric_unit if component
            else None, "benchmark": Styled(r.benchmark, fmt), "peers": r.peers,
            "volume": r.volume, "unit_value": r.unit_value,
            "opportunity_native": r.opportunity_native, "native_unit": r.native_unit,
            "opportunity_gbp": r.opportunity_gbp, "in_total": r.in_total, "formula": r.formula,
            "benchmark_median": Styled(r.benchmark_median, fmt),
            "opportunity_median_gbp": r.opportunity_median_gbp,
        }
        template, no_opportunity = _recomputation(r.formula_id)
        if no_opportunity is not None:
            row["formula"] = no_opportunity
        elif template is not None and None not in (r.metric, r.benchmark, r.volume,
                                                   r.unit_value):
            row["recomputed"] = RowFormula(template)
            row["check"] = RowFormula("=ROUND({recomputed}-{opportunity_gbp},2)")
            if r.benchmark_median is not None:
                row["recomputed_median"] = RowFormula(
                    template.replace("{benchmark}", "{benchmark_median}"))
                row["check_median"] = RowFormula(
                    "=ROUND({recomputed_median}-{opportunity_median_gbp},2)")
        rows.append(row)
    return write_table(ws, name=table_name, columns=columns, rows=rows, header_row=header_row,
                       empty_text="No result rows for this category")


def _recomputation(formula_id: str) -> tuple[str | None, str | None]:
    """(Excel template or None, Formula text to show instead or None) for a result row: a row
    that carries no opportunity by rule (context, not assessed) gets no template and says so; a
    row without a known formula id keeps its formula text and gets no check."""
    if formula_id in NO_OPPORTUNITY:
        return None, NO_OPPORTUNITY_TEXT[formula_id]
    if formula_id not in EXCEL_TEMPLATES:
        return None, None
    return template_for(formula_id), None


def write_peer_sheet(ws: Worksheet, section: CategorySection, chart: Component,
                     table_name: str, results_sheet: str) -> TableLocation:
    """The peer values behind the category's chart, the provider flagged in words."""
    fmt = metric_format(chart.metric_unit)
    benchmark = "not set" if chart.benchmark is None else _plain(chart.benchmark, chart.metric_unit)
    notes: list[object] = [
        f"{with_unit(chart.metric_label, chart.metric_unit)}; "
        f"{'lower' if chart.direction == 'lower' else 'higher'} is better.",
        f"Benchmark: {benchmark}, the {chart.target_label}; {chart.peers or 0} peers.",
        sheet_link(results_sheet, f"Back to {results_sheet}"),
    ]
    header_row = write_title(ws, f"{section.title}: {chart.title} by peer", notes)
    rows = [{"rank": p.rank, "code": p.provider_code, "name": p.provider_name,
             "value": Styled(p.value, fmt), "quartile": p.quartile, "is_provider": p.is_provider}
            for p in sorted(chart.peer_values, key=lambda p: p.rank)]
    return write_table(ws, name=table_name, columns=PEER_COLUMNS, rows=rows,
                       header_row=header_row)


def write_hrg_drilldown_sheet(ws: Worksheet, section: CategorySection,
                              table_name: str) -> TableLocation:
    """Every HRG row of the category with its share of the opportunity, filterable down to one
    HRG."""
    drill = section.drilldown
    mff = f"{drill.mff:.4f}" if drill.mff is not None else "not known"
    notes: list[object] = [
        "Each row is one HRG (currency) of a department x service cell; its opportunity is the "
        "cell's opportunity shared in proportion to the row's positive excess, so rows add up "
        f"to cells, specialties, point-of-delivery groups and the {section.short_title.lower()} "
        "total. HRGs with no excess over the benchmark carry no opportunity and are not listed.",
        f"How a row is computed: MFF-adjusted cost = actual cost / the market forces factor "
        f"({mff}); Excess = max(0, MFF-adjusted cost - benchmark index x expected cost); "
        f"Opportunity = the cell's opportunity ({section.sheet_title} sheet) x the row's Excess "
        "/ the cell's total Excess, in pennies that add up to the cell; Opportunity at the "
        "median is the cell's median opportunity shared the same way against the median "
        "benchmark.",
        "Filter the table to any point of delivery, specialty or HRG; the Summary checks that "
        f"this table adds up to the {section.short_title.lower()} opportunity.",
        sheet_link("Contents", "Back to Contents"),
    ]
    header_row = write_title(ws, f"{section.short_title} drill-down by HRG", notes)
    # Thousands of rows: written by xlsx_bulk as tuples in HRG_COLUMNS order, not cell by cell.
    rows = [_HRG_VALUES(h) for h in drill.rows]
    return write_bulk_table(ws, name=table_name, columns=HRG_COLUMNS, rows=rows,
                            header_row=header_row)


@dataclass(frozen=True)
class DrilldownSheet:
    """How the workbook shows a drill-down kind: its columns, its writer, a contents line."""

    kind: str
    columns: tuple[Column, ...]
    write: Callable[[Worksheet, CategorySection, str], TableLocation]
    has_rows: Callable[[object], bool]
    description: Callable[[CategorySection], str]


DRILLDOWN_SHEETS = {
    "hrg": DrilldownSheet(
        "HRG", HRG_COLUMNS, write_hrg_drilldown_sheet, lambda drill: bool(drill.rows),
        lambda section: f"{section.short_title} opportunity for every HRG, with filters."),
}


MOVEMENT_COLUMNS = (
    Column("category", "Category", width=34, wrap=True, description="The category's title. "
           "Text."),
    Column("previous_gbp", "Previous pack £", GBP_PENCE, description="The category's "
           "opportunity in pounds in the previous pack (its national results.csv, rows in the "
           "total); blank where the previous pack did not have the category or did not assess it."),
    Column("current_gbp", "This pack £", GBP_PENCE, description="The category's opportunity "
           "in pounds in this pack (the Summary's Opportunity £); blank where it is not assessed "
           "this year."),
    Column("change_gbp", "Change £", GBP_PENCE, description="A live formula: This pack £ minus "
           "Previous pack £, in pounds; blank where either figure is missing."),
)


def write_movement_sheet(ws: Worksheet, pack: Pack, table_name: str) -> TableLocation:
    """The change since the previous pack, category by category, with live differences."""
    move = pack.movement
    notes: list[object] = [move.sentence]
    if not move.like_for_like:
        notes.insert(0, f"Not like for like: {move.note}")
    notes += ["Both years at the run's percentile. Change is blank where a category has no figure "
              "in one of the packs (not in the previous pack, or not assessed).",
              sheet_link("Contents", "Back to Contents")]
    header_row = write_title(ws, f"Change since {move.previous_label}", notes)
    rows = [{"category": r.title, "previous_gbp": r.previous_gbp, "current_gbp": r.current_gbp,
             "change_gbp": RowFormula("={current_gbp}-{previous_gbp}")
             if r.change_gbp is not None else None} for r in move.rows]
    return write_table(ws, name=table_name, columns=MOVEMENT_COLUMNS, rows=rows,
                       header_row=header_row, empty_text="No categories")


def write_not_assessed_sheet(ws: Worksheet, pack: Pack, table_name: str) -> TableLocation:
    titles = {c.id: c.title for c in pack.categories}
    notes: list[object] = [
        "Cells with too few peers or too little activity get no benchmark and no opportunity; "
        "they are listed here with the reason.",
        sheet_link("Contents", "Back to Contents"),
    ]
    header_row = write_title(ws, "Cells not assessed", notes)
    rows = [{"category": titles.get(n.category, n.category), "component": n.component,
             "sub_unit": n.sub_unit, "label": n.sub_unit_label, "reason": n.reason}
            for n in pack.not_assessed]
    return write_table(ws, name=table_name, columns=NOT_ASSESSED_COLUMNS, rows=rows,
                       header_row=header_row, empty_text="Every cell was assessed")


def _plain(value: float, unit: str | None) -> str:
    if unit == "%":
        return f"{value:.1%}"
    if unit == "GBP":
        return f"£{value:,.2f}"
    return f"{value:,.3f}"

