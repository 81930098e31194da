"""The data sheets of a provider's Excel pack: category results, peer tables, the acute HRG
drill-down and the cells not assessed. Each sheet holds one Excel table (GSS guidance)."""

from __future__ import annotations

from operator import attrgetter

from openpyxl.worksheet.worksheet import Worksheet

from packgen.pack.model import CategorySection, Component, Pack
from packgen.render.excel_formulas import excel_template
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
SHORT_TITLES = {
    "acute_cost": "Acute cost",
    "temporary_staffing": "Temporary staffing",
    "corporate_services": "Corporate services",
    "estates_procurement": "Estates & procurement",
    "medicines": "Medicines",
    "community_los": "Community LOS",
    "community_dna": "Community DNAs",
    "mh_los": "MH length of stay",
    "talking_therapies": "Talking Therapies",
    "ambulance_handover": "Handover delays",
    "ambulance_conveyance": "Conveyance to ED",
    "ambulance_incidents": "Incidents per WTE",
}
SHORT_TITLE_LENGTH = 22

# Rates and shares keep two decimals: a corporate function at 0.47% against 0.41% must not
# read "0.5%" against "0.4%" (or the same) beside real pounds.
_METRIC_FORMATS = {"index": INDEX, "%": RATE_PERCENT, "GBP": GBP_PENCE, "days": DECIMAL}

RESULT_COLUMNS = (
    Column("sub_unit", "Sub-unit", description="Code of the sub-unit (e.g. department/service)."),
    Column("label", "Sub-unit name", description="What the sub-unit is, in words."),
    Column("component", "Component", description="The measure within the category."),
    Column("department", "Department", description="NCC department code (acute cost only)."),
    Column("service", "Service code", description="Treatment function code (acute cost only)."),
    Column("pod_group", "POD group", description="Point-of-delivery group (acute cost only)."),
    Column("assessed", "Assessed", description="Yes, or No with the reason in the next column."),
    Column("reason", "Reason not assessed"),
    Column("metric", "Metric", DECIMAL, description="The provider's value of the metric. A cost "
           "index is kept as a ratio so the check formula works: 1.000 = national average "
           "(the PDF shows it x100, as 100)."),
    Column("metric_unit", "Metric unit"),
    Column("benchmark", "Benchmark", DECIMAL, description="The target value (see Notes)."),
    Column("peers", "Peers", COUNT, description="Providers with valid data in the comparison."),
    Column("volume", "Volume", DECIMAL, description="The activity the gap is multiplied by."),
    Column("unit_value", "Unit value", RATE, description="Pounds per native unit."),
    Column("opportunity_native", "Opportunity (native units)", DECIMAL),
    Column("native_unit", "Native unit"),
    Column("opportunity_gbp", "Opportunity £", GBP_PENCE,
           description="Opportunity in pounds as computed by packgen (never negative)."),
    Column("in_total", "In total", description="Yes if the row counts in the category total."),
    Column("formula", "Formula", description="How the opportunity is computed from the row."),
    Column("recomputed", "Recomputed opportunity £", GBP_PENCE,
           description="A live Excel formula applying the Formula to this row's cells."),
    Column("check", "Check: recomputed minus opportunity £", GBP_PENCE,
           description="Recomputed minus Opportunity £, rounded to the penny; 0 means it agrees."),
)
_ACUTE_ONLY = {"department", "service", "pod_group"}

PEER_COLUMNS = (
    Column("rank", "Rank", COUNT, description="1 = best performance among the peers."),
    Column("code", "Provider code"),
    Column("name", "Provider name"),
    Column("value", "Value", DECIMAL),
    Column("quartile", "Quartile", COUNT, description="1 = best quarter of performance."),
    Column("is_provider", "This provider", description="Yes for the provider of this pack."),
)

HRG_COLUMNS = (
    Column("pod_group", "POD group"),
    Column("department", "Department"),
    Column("service_code", "Service code"),
    Column("service_name", "Service name"),
    Column("currency", "Currency (HRG)"),
    Column("activity", "Activity", COUNT),
    Column("actual_cost", "Actual cost £", GBP_PENCE),
    Column("adjusted_cost", "MFF-adjusted cost £", GBP_PENCE,
           description="Actual cost / the provider's market forces factor (stated above the "
           "table): the cost the index compares with expected cost."),
    Column("expected_cost", "Expected cost £", GBP_PENCE,
           description="Activity x national mean unit cost (MFF-adjusted prices)."),
    Column("cell_index", "Cell index", INDEX,
           description="MFF-adjusted cost / expected cost of the department x service cell, as a "
           "ratio (1.000 = national average; the PDF shows it x100)."),
    Column("benchmark_index", "Benchmark index", INDEX),
    Column("excess", "Excess £", GBP_PENCE,
           description="max(0, MFF-adjusted cost - benchmark index x expected cost), in "
           "MFF-adjusted pounds: recomputable from the row."),
    Column("opportunity_gbp", "Opportunity £", GBP_PENCE,
           description="This HRG's share of its cell's opportunity, in the provider's cash."),
)

# The HrgRow field behind each drill-down column, looked up by key so the two cannot drift apart.
_HRG_FIELDS = {"pod_group": "pod_group", "department": "department_code",
               "service_code": "service_code", "service_name": "service_name",
               "currency": "currency_code", "activity": "activity",
               "actual_cost": "actual_cost_gbp", "adjusted_cost": "adjusted_cost_gbp",
               "expected_cost": "expected_cost_gbp",
               "cell_index": "cell_index", "benchmark_index": "benchmark_index",
               "excess": "excess_gbp", "opportunity_gbp": "opportunity_gbp"}
_HRG_VALUES = attrgetter(*(_HRG_FIELDS[c.key] for c in HRG_COLUMNS))

NOT_ASSESSED_COLUMNS = (
    Column("category", "Category"),
    Column("component", "Component"),
    Column("sub_unit", "Sub-unit"),
    Column("label", "Sub-unit name"),
    Column("reason", "Reason not assessed"),
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
        }
        template = excel_template(r.formula) if r.assessed else None
        if template is not None and None not in (r.metric, r.benchmark, r.volume, r.unit_value):
            row["recomputed"] = RowFormula(template)
            row["check"] = RowFormula("=ROUND({recomputed}-{opportunity_gbp},2)")
        rows.append(row)
    return write_table(ws, name=table_name, columns=columns, rows=rows, header_row=header_row,
                       empty_text="No result rows for this category")


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


def write_drilldown_sheet(ws: Worksheet, pack: Pack, table_name: str) -> TableLocation:
    """Every acute HRG row with its share of the opportunity, filterable down to one HRG."""
    notes: list[object] = [
        "Each row is one HRG (currency) of a department x service cell; its opportunity is the "
        "cell's opportunity shared in proportion to the row's positive excess, so rows add up "
        "to cells, specialties, point-of-delivery groups and the acute cost total. HRGs with "
        "no excess over the benchmark carry no opportunity and are not listed.",
        f"How a row is computed: MFF-adjusted cost = actual cost / the market forces factor "
        f"({pack.provider.mff:.4f}); Excess = max(0, MFF-adjusted cost - benchmark index x "
        "expected cost); Opportunity = the cell's opportunity (Acute cost sheet) x the row's "
        "Excess / the cell's total Excess, in pennies that add up to the cell.",
        "Filter the table to any point of delivery, specialty or HRG; the Summary checks that "
        "this table adds up to the acute cost opportunity.",
        sheet_link("Contents", "Back to Contents"),
    ]
    header_row = write_title(ws, "Acute cost drill-down by HRG", notes)
    # Thousands of rows: written by xlsx_bulk as tuples in HRG_COLUMNS order, not cell by cell.
    rows = [_HRG_VALUES(h) for h in pack.hrg_rows]
    return write_bulk_table(ws, name=table_name, columns=HRG_COLUMNS, rows=rows,
                            header_row=header_row)


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

