"""Plan-check outputs: the workbook (one table per sheet), a short PDF per region, and the
summary printed on stdout."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from packgen.fileio import write_bytes_atomically
from packgen.pack.model import RunInfo
from packgen.render.html import environment
from packgen.render.regional import render_summary_pdf
from packgen.render.summary_workbook import Sheet, write_summary_workbook
from packgen.render.xlsx_tables import COUNT, GBP_PENCE, PERCENT, Column
from packgen.run.plans import PlanChecks

WORKBOOK_NAME = "plan-checks.xlsx"
TEMPLATE = "plans.html.j2"
_GBP = dict(number_format=GBP_PENCE)

CATEGORY_COLUMNS = (
    Column("provider_code", "ODS code"), Column("provider_name", "Provider"),
    Column("region_code", "Region code"), Column("category", "Category id"),
    Column("category_title", "Category"), Column("assessed", "Assessed in the pack"),
    Column("identified_gbp", "Identified opportunity (£)", **_GBP,
           description="The category's figure in the provider's pack."),
    Column("planned_gbp", "Planned saving (£)", **_GBP,
           description="From the plans file; blank when the plan has no row."),
    Column("difference_gbp", "Planned minus identified (£)", **_GBP),
    Column("identified_pct", "Identified % of cost base", PERCENT),
    Column("flag_unplanned", "Large opportunity, no plan",
           description="Identified at least the 'large' threshold and planned 0 or missing."),
    Column("flag_above", "Plan above opportunity",
           description="Planned more than the pack identifies: evidence needed."),
)
PROVIDER_COLUMNS = (
    Column("provider_code", "ODS code"), Column("provider_name", "Provider"),
    Column("sector", "Sector"), Column("region_code", "Region code"),
    Column("plan_submitted", "Plan in file"), Column("cost_base_gbp", "Cost base (£)", **_GBP),
    Column("requirement_gbp", "Requirement (£)", **_GBP,
           description="The productivity requirement (2% by default) of the cost base."),
    Column("identified_gbp", "Identified opportunity (£)", **_GBP),
    Column("planned_gbp", "Planned saving (£)", **_GBP),
    Column("planned_pct", "Planned % of cost base", PERCENT),
    Column("planned_growth", "Planned productivity growth", PERCENT),
    Column("flag_saving", "Saving below requirement"),
    Column("flag_growth", "Growth below requirement"),
    Column("unplanned_categories", "Large categories with no plan", COUNT),
    Column("unplanned_gbp", "Unplanned large opportunity (£)", **_GBP),
    Column("above_categories", "Categories planned above opportunity", COUNT),
)
REGION_COLUMNS = (
    Column("region_code", "Region code"), Column("region_name", "Region"),
    Column("providers", "Providers", COUNT), Column("plans", "Plans in file", COUNT),
    Column("cost_base_gbp", "Cost base (£)", **_GBP),
    Column("requirement_gbp", "Requirement (£)", **_GBP),
    Column("identified_gbp", "Identified opportunity (£)", **_GBP),
    Column("planned_gbp", "Planned saving (£)", **_GBP),
    Column("saving_below", "Plans below requirement", COUNT),
    Column("growth_below", "Growth below requirement or not given", COUNT),
    Column("unplanned_categories", "Large categories with no plan", COUNT),
    Column("unplanned_gbp", "Unplanned large opportunity (£)", **_GBP),
    Column("above_categories", "Categories planned above opportunity", COUNT),
)


def write_plan_workbook(path: Path, checks: PlanChecks, run: RunInfo, plans_file: Path) -> Path:
    planned = sum(r["planned_gbp"] or 0.0 for r in checks.provider_rows)
    cover = [("Plans file", str(plans_file), None),
             ("Providers with a plan", sum(1 for r in checks.provider_rows
                                           if r["plan_submitted"] == "Yes"), COUNT),
             ("Total planned saving (£)", round(planned, 2), GBP_PENCE),
             ("Thresholds", checks.thresholds.describe(), None)]
    sheets = [
        Sheet("Category checks", "Planned vs identified, by provider and category",
              "Every provider x category: identified, planned and a flag column per rule.",
              CATEGORY_COLUMNS, checks.category_rows, "category_checks",
              notes=[f"Thresholds: {checks.thresholds.describe()}."]),
        Sheet("Providers", "Plan checks by provider",
              "Totals planned vs identified vs the requirement, and the flags.",
              PROVIDER_COLUMNS, checks.provider_rows, "providers"),
        Sheet("Regions", "Plan checks by region", "The providers' checks added up by region.",
              REGION_COLUMNS, checks.region_rows, "regions"),
    ]
    notes = ["Identified opportunity is each provider pack's category figure (an upper bound: "
             "categories overlap).", f"Thresholds: {checks.thresholds.describe()}."]
    return write_summary_workbook(path, title="2026/27 plan checks", run=run, cover_items=cover,
                                  sheets=sheets, notes=notes)


def write_region_pdfs(out_dir: Path, checks: PlanChecks, run: RunInfo) -> list[Path]:
    providers, categories = defaultdict(list), defaultdict(list)
    for row in checks.provider_rows:
        providers[row["region_code"]].append(row)
    for row in checks.category_rows:
        if row["flag_unplanned"] or row["flag_above"]:
            categories[row["region_code"]].append(row)
    written = []
    for region in checks.region_rows:
        code = region["region_code"]
        html = environment().get_template(TEMPLATE).render(
            run=run, region=region, providers=providers[code],
            flagged=sorted(categories[code], key=lambda r: -abs(r["difference_gbp"])),
            thresholds=checks.thresholds)
        path = out_dir / "regions" / f"{code}-plan-checks.pdf"
        written.append(write_bytes_atomically(path, render_summary_pdf(html)))
    return written


def summary_lines(checks: PlanChecks) -> list[str]:
    """The stdout summary: thresholds, then one line per region and a national line."""
    lines = [f"Thresholds: {checks.thresholds.describe()}.", "",
             f"{'region':<7}{'plans':>7}{'planned':>16}{'identified':>16}{'requirement':>16}"
             f"{'<2% saving':>12}{'<2% growth':>12}{'unplanned':>11}{'above':>7}"]
    keys = ("plans", "planned_gbp", "identified_gbp", "requirement_gbp", "saving_below",
            "growth_below", "unplanned_categories", "above_categories")
    national = {k: sum(r[k] for r in checks.region_rows) for k in keys}
    for row in [*checks.region_rows, {"region_code": "Total", **national}]:
        lines.append(f"{row['region_code']:<7}{row['plans']:>7,}{row['planned_gbp']:>16,.0f}"
                     f"{row['identified_gbp']:>16,.0f}{row['requirement_gbp']:>16,.0f}"
                     f"{row['saving_below']:>12,}{row['growth_below']:>12,}"
                     f"{row['unplanned_categories']:>11,}{row['above_categories']:>7,}")
    return lines
