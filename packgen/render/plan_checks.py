"""Plan-check outputs: the workbook (one table per sheet), a short PDF per region, and the
summary printed on stdout."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from packgen.fileio import write_bytes_atomically
from packgen.pack.model import RunInfo
from packgen.render.html import environment
from packgen.render.regional import render_summary_pdf
from packgen.render.summary_workbook import Sheet, Total, with_live_share, write_summary_workbook
from packgen.render.xlsx_tables import COUNT, GBP_PENCE, PERCENT, Column, RowFormula
from packgen.run import totals
from packgen.run.plans import PlanChecks

WORKBOOK_NAME = "plan-checks.xlsx"
TEMPLATE = "plans.html.j2"
_GBP = dict(number_format=GBP_PENCE)

_CODE = Column("provider_code", "ODS code", description="The provider's ODS code. Text.")
_NAME = Column("provider_name", "Provider", description="The provider's name. Text.")
_REGION = Column("region_code", "Region code", description="ODS code of the NHS England "
                 "region. Text.")
_COST_BASE = Column("cost_base_gbp", "Cost base (£)", **_GBP, description="Operating cost in "
                    "pounds: the base of the requirement and of the shares.")
_REQUIREMENT = Column("requirement_gbp", "Requirement (£)", **_GBP, description="The "
                      "productivity requirement in pounds: the requirement rate (2% by default; "
                      "see Thresholds) x Cost base, to the penny.")
_IDENTIFIED = Column("identified_gbp", "Identified opportunity (£)", **_GBP, description="The "
                     "provider pack's total opportunity, in pounds (an upper bound: categories "
                     "overlap).")
_PLANNED = Column("planned_gbp", "Planned saving (£)", **_GBP, description="Sum of the "
                  "provider's planned savings in the plans file, in pounds; blank without a "
                  "plan.")
_UNPLANNED_COUNT = Column("unplanned_categories", "Large categories with no plan", COUNT,
                          description="Number of categories with a large opportunity (see "
                          "Thresholds) and no planned saving.")
_UNPLANNED = Column("unplanned_gbp", "Unplanned large opportunity (£)", **_GBP, description="The "
                    "identified opportunity of those categories, in pounds.")
_ABOVE = Column("above_categories", "Categories planned above opportunity", COUNT,
                description="Number of categories whose planned saving exceeds the identified "
                "opportunity.")
CATEGORY_COLUMNS = (
    _CODE, _NAME, _REGION,
    Column("category", "Category id", description="The category's identifier. Text."),
    Column("category_title", "Category", description="The category's title. Text."),
    Column("assessed", "Assessed in the pack", description="Yes if the provider's pack assesses "
           "the category; No, with the reason, for a category planned but not assessed."),
    Column("identified_gbp", "Identified opportunity (£)", **_GBP,
           description="The category's figure in the provider's pack, in pounds (0 where not "
           "assessed)."),
    Column("planned_gbp", "Planned saving (£)", **_GBP,
           description="From the plans file, in pounds; blank when the plan has no row."),
    Column("difference_gbp", "Planned minus identified (£)", **_GBP, description="A live "
           "formula: Planned saving (£), blank counted as 0, minus Identified opportunity (£), "
           "in pounds to the penny."),
    Column("identified_pct", "Identified % of cost base", PERCENT, description="Identified "
           "opportunity (£) / the provider's cost base, as a percentage."),
    Column("flag_unplanned", "Large opportunity, no plan",
           description="Identified at least the 'large' threshold and planned 0 or missing; "
           "blank otherwise. Text."),
    Column("flag_above", "Plan above opportunity",
           description="Planned more than the pack identifies: evidence needed; blank "
           "otherwise. Text."),
)
PROVIDER_COLUMNS = (
    _CODE, _NAME,
    Column("sector", "Sector", description="The provider's sector. Text."), _REGION,
    Column("plan_submitted", "Plan in file", description="Yes if the plans file has rows for "
           "the provider, else No."),
    _COST_BASE, _REQUIREMENT, _IDENTIFIED, _PLANNED,
    Column("planned_pct", "Planned % of cost base", PERCENT, description="A live formula: "
           "Planned saving (£) / Cost base (£), as a percentage; blank without a plan."),
    Column("planned_growth", "Planned productivity growth", PERCENT, description="From the "
           "plans file, as a percentage; blank when not given."),
    Column("flag_saving", "Saving below requirement", description="Flagged when Planned saving "
           "(£) is below Requirement (£); blank otherwise. Text."),
    Column("flag_growth", "Growth below requirement", description="Flagged when planned "
           "productivity growth is below the requirement rate or not given; blank otherwise. "
           "Text."),
    _UNPLANNED_COUNT, _UNPLANNED, _ABOVE,
)
REGION_COLUMNS = (
    _REGION, Column("region_name", "Region", description="The NHS England region. Text."),
    Column("providers", "Providers", COUNT, description="Number of providers in the region."),
    Column("plans", "Plans in file", COUNT, description="Number of those providers with a "
           "plan."),
    _COST_BASE, _REQUIREMENT, _IDENTIFIED,
    Column("planned_gbp", "Planned saving (£)", **_GBP, description="Sum of the planned "
           "savings of the region's providers, in pounds."),
    Column("saving_below", "Plans below requirement", COUNT, description="Number of plans "
           "whose saving is below the requirement."),
    Column("growth_below", "Growth below requirement or not given", COUNT, description="Number "
           "of plans whose productivity growth is below the requirement rate or not given."),
    _UNPLANNED_COUNT, _UNPLANNED, _ABOVE,
)


def write_plan_workbook(path: Path, checks: PlanChecks, run: RunInfo, plans_file: Path) -> Path:
    planned = totals.penny(sum(r["planned_gbp"] or 0.0 for r in checks.provider_rows))
    cover = [("Plans file", str(plans_file), None),
             ("Providers with a plan", sum(1 for r in checks.provider_rows
                                           if r["plan_submitted"] == "Yes"), COUNT),
             ("Total planned saving (£)", planned, GBP_PENCE),
             ("Thresholds", checks.thresholds.describe(), None)]
    difference = RowFormula("=ROUND(N({planned_gbp})-{identified_gbp},2)")
    sheets = [
        Sheet("Category checks", "Planned vs identified, by provider and category",
              "Every provider x category: identified, planned and a flag column per rule.",
              CATEGORY_COLUMNS, [{**r, "difference_gbp": difference}
                                 for r in checks.category_rows], "category_checks",
              notes=[f"Thresholds: {checks.thresholds.describe()}."]),
        Sheet("Providers", "Plan checks by provider",
              "Totals planned vs identified vs the requirement, and the flags.",
              PROVIDER_COLUMNS, with_live_share(checks.provider_rows, "planned_pct",
                                                "planned_gbp", "cost_base_gbp"), "providers"),
        Sheet("Regions", "Plan checks by region", "The providers' checks added up by region.",
              REGION_COLUMNS, checks.region_rows, "regions"),
    ]
    notes = ["Identified opportunity is each provider pack's category figure (an upper bound: "
             "categories overlap).", f"Thresholds: {checks.thresholds.describe()}.",
             "The Totals and checks sheet adds the tables up with live formulas and checks "
             "them against each other: category rows against providers, providers against "
             "regions."]
    return write_summary_workbook(path, title="2026/27 plan checks", run=run, cover_items=cover,
                                  sheets=sheets, notes=notes, totals=_plan_totals(checks))


def _plan_totals(checks: PlanChecks) -> list[Total]:
    """Each table's pound columns added up live and checked against another table's figures:
    the category rows against their providers' totals, the providers against the regions."""
    with_plan = [r for r in checks.provider_rows if r["plan_submitted"] == "Yes"]

    def of(rows: list[dict], key: str) -> float:
        return totals.penny(sum(r[key] or 0.0 for r in rows))

    identified, planned = of(with_plan, "identified_gbp"), of(with_plan, "planned_gbp")
    out = [Total("Category checks: identified opportunity (£), providers with a plan",
                 "Category checks", "identified_gbp", identified),
           Total("Category checks: planned saving (£)", "Category checks", "planned_gbp",
                 planned),
           Total("Category checks: planned minus identified (£)", "Category checks",
                 "difference_gbp", totals.penny(planned - identified))]
    for key, label in (("cost_base_gbp", "cost base (£)"), ("requirement_gbp", "requirement (£)"),
                       ("identified_gbp", "identified opportunity (£)"),
                       ("planned_gbp", "planned saving (£)"),
                       ("unplanned_gbp", "unplanned large opportunity (£)")):
        out.append(Total(f"Providers: {label}", "Providers", key,
                         of(checks.region_rows, key)))
        out.append(Total(f"Regions: {label}", "Regions", key,
                         of(checks.provider_rows, key)))
    return out


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
