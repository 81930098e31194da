"""Plan-check outputs: the workbook (one table per sheet), a short PDF per region and per system
(ICB), and the summary printed on stdout."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from packgen import reference
from packgen.fileio import inside, write_bytes_atomically
from packgen.pack.model import RunInfo
from packgen.render.html import environment
from packgen.render.regional import render_summary_pdf
from packgen.render.summary_workbook import Sheet, Total, with_live_share, write_summary_workbook
from packgen.render.xlsx_tables import COUNT, GBP_PENCE, PERCENT, Column, RowFormula
from packgen.run import plans, totals
from packgen.run.plans import PlanChecks, sum_present

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
                     "provider pack's total opportunity, in pounds: the upper bound (categories "
                     "overlap) and the top of the range; blank where no category could be "
                     "assessed.")
_RANGE_LOW = Column("range_low_gbp", "Range from (£)", **_GBP, description="The cautious end "
                    "of the range: the pack's total with overlaps removed, at the peers' median, "
                    "in pounds; blank where no category could be assessed (no range).")
_VERDICT_TEXT = ("'Below the range: not ambitious enough' when Planned saving (£) is less than "
                 "Range from (£); 'Above the range: check it can be delivered' when it is more "
                 "than Identified opportunity (£); else 'Within the range'; 'No plan' or 'No "
                 "range: nothing assessed' otherwise. Compared to the penny. Text.")
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
_PLAN_IN_FILE = Column("plan_submitted", "Plan in file", description="Yes if the plans file has "
                      "rows for the provider, else No (then every large category is a large "
                      "opportunity with no plan).")
_ICB = Column("icb_code", "ICB code", description="ODS code of the provider's integrated care "
              "board (system); blank where providers.csv gives none. Text.")
CATEGORY_COLUMNS = (
    _CODE, _NAME, _REGION, _ICB, _PLAN_IN_FILE,
    Column("category", "Category id", description="The category's identifier. Text."),
    Column("category_title", "Category", description="The category's title. Text."),
    Column("assessed", "Assessed in the pack", description="Yes if the provider's pack assesses "
           "the category; No, with the reason, otherwise (then it has no range)."),
    Column("identified_median_gbp", "Identified at the median (£)", **_GBP,
           description="The category's figure at the peers' median (the cautious end of its "
           "range; the same as Identified opportunity (£) for a fixed target), in pounds; blank "
           "where not assessed."),
    Column("identified_gbp", "Identified opportunity (£)", **_GBP,
           description="The category's figure in the provider's pack, at the run's percentile "
           "(the top of its range), in pounds; blank where not assessed (not known, never "
           "£0)."),
    Column("planned_gbp", "Planned saving (£)", **_GBP,
           description="From the plans file, in pounds; blank when the plan has no row (or "
           "the provider has no plan)."),
    Column("difference_gbp", "Planned minus identified (£)", **_GBP, description="A live "
           "formula: Planned saving (£) minus Identified opportunity (£), a blank counted as 0, "
           "in pounds to the penny."),
    Column("identified_pct", "Identified % of cost base", PERCENT, description="Identified "
           "opportunity (£) / the provider's cost base, as a percentage; blank where the cost "
           "base is not known."),
    Column("flag_unplanned", "Large opportunity, no plan",
           description="Identified at least the 'large' threshold and planned 0, missing, or "
           "no plan at all; blank otherwise. Text."),
    Column("flag_above", "Plan above opportunity",
           description="Planned more than the pack identifies, or planned in a category the "
           "pack could not assess: evidence needed; blank otherwise. Text."),
    Column("range_verdict", "Plan against the range",
           description="The category's planned saving against Identified at the median (£) to "
           "Identified opportunity (£): 'Below the range: not ambitious enough', 'Within the "
           "range' or 'Above the range: check it can be delivered', to the penny; 'No range: "
           "nothing assessed' where the category is not assessed; blank without a planned "
           "saving. Text."),
)
PROVIDER_COLUMNS = (
    _CODE, _NAME,
    Column("sector", "Sector", description="The provider's sector. Text."), _REGION, _ICB,
    _PLAN_IN_FILE, _COST_BASE, _REQUIREMENT, _RANGE_LOW, _IDENTIFIED, _PLANNED,
    Column("planned_pct", "Planned % of cost base", PERCENT, description="A live formula: "
           "Planned saving (£) / Cost base (£), as a percentage; blank without a plan."),
    Column("range_verdict", "Plan against the range", description="Planned saving (£) against "
           "Range from (£) to Identified opportunity (£): " + _VERDICT_TEXT),
    Column("planned_growth", "Planned productivity growth", PERCENT, description="From the "
           "plans file, as a percentage; blank when not given."),
    Column("flag_saving", "Saving below requirement", description="Flagged when Planned saving "
           "(£) is below Requirement (£), or the requirement is not known; blank otherwise. "
           "Text."),
    Column("flag_growth", "Growth below requirement", description="Flagged when planned "
           "productivity growth is below the requirement rate or not given; blank otherwise. "
           "Text."),
    _UNPLANNED_COUNT, _UNPLANNED, _ABOVE,
)


def _group_columns(code: Column, name: Column, *extra: Column) -> tuple[Column, ...]:
    what = "region" if code.key == "region_code" else "system"
    return (
        code, name, *extra,
        Column("providers", "Providers", COUNT, description=f"Number of providers in the "
               f"{what}."),
        Column("plans", "Plans in file", COUNT, description="Number of those providers with a "
               "plan."),
        Column("no_plan", "No plan in file", COUNT, description="Number of those providers "
               "with no plan in the file."),
        _COST_BASE, _REQUIREMENT,
        Column("identified_gbp", "Identified opportunity, all providers (£)", **_GBP,
               description=f"Sum of the total opportunity of every provider of the {what}, "
               "with a plan or not, in pounds."),
        Column("range_low_with_plan_gbp", "Range from, providers with a plan (£)", **_GBP,
               description="Sum of Range from (£) of the providers with a plan (their totals "
               "with overlaps removed at the peers' median), in pounds: the cautious end of "
               "their range."),
        Column("identified_with_plan_gbp", "Identified opportunity, providers with a plan (£)",
               **_GBP, description="Sum of the total opportunity of the providers with a plan, "
               "in pounds: the top of their range, to set beside Planned saving (£)."),
        Column("requirement_with_plan_gbp", "Requirement, providers with a plan (£)", **_GBP,
               description="Sum of the requirement of the providers with a plan, in pounds; "
               "blank where any of their cost bases is not known."),
        Column("planned_gbp", "Planned saving (£)", **_GBP, description=f"Sum of the planned "
               f"savings of the {what}'s providers with a plan, in pounds."),
        Column("range_verdict", "Plans against the range", description="Planned saving (£) "
               "against Range from, providers with a plan (£) to Identified opportunity, "
               "providers with a plan (£): 'Below the range: not ambitious enough', 'Within the "
               "range' or 'Above the range: check it can be delivered', to the penny; 'No plan' "
               f"when no provider of the {what} has one. Text."),
        Column("below_range", "Plans below the range", COUNT, description="Number of "
               "providers whose plan is below their range."),
        Column("within_range", "Plans within the range", COUNT, description="Number of "
               "providers whose plan is within their range."),
        Column("above_range", "Plans above the range", COUNT, description="Number of "
               "providers whose plan is above their range."),
        Column("no_range", "Plans with no range", COUNT, description="Number of providers "
               "with a plan but no category assessed: no range to place the plan against (left "
               "out of the verdict)."),
        Column("saving_below", "Plans below requirement", COUNT, description="Number of plans "
               "whose saving is below the requirement."),
        Column("requirement_unknown", "Plans with requirement not known", COUNT,
               description="Number of plans whose provider's operating cost, and so "
               "requirement, is not known (not counted as below it)."),
        Column("growth_below", "Growth below requirement or not given", COUNT,
               description="Number of plans whose productivity growth is below the requirement "
               "rate or not given."),
        _UNPLANNED_COUNT,
        Column("unplanned_no_plan_categories", "of which at providers with no plan", COUNT,
               description="Number of those large categories at providers with no plan in the "
               "file."),
        _UNPLANNED, _ABOVE,
    )


REGION_COLUMNS = _group_columns(
    _REGION, Column("region_name", "Region", description="The NHS England region. Text."))
SYSTEM_COLUMNS = _group_columns(
    Column("icb_code", "ICB code", description="ODS code of the integrated care board (the "
           "system); blank for providers with no ICB. Text."),
    Column("icb_name", "ICB", description="The integrated care board's name, or "
           f"'{reference.NO_ICB}'. Text."),
    Column("region_code", "Region code", description="ODS code of the NHS England region of "
           "the system's providers (several joined with ';'). Text."))


def write_plan_workbook(path: Path, checks: PlanChecks, run: RunInfo, plans_file: Path) -> Path:
    rows = checks.provider_rows
    with_plan = [r for r in rows if r["plan_submitted"] == "Yes"]
    cover = [("Plans file", str(plans_file), None),
             ("Providers", len(rows), COUNT),
             ("Providers with a plan", len(with_plan), COUNT),
             ("Providers with no plan in the file", len(rows) - len(with_plan), COUNT),
             ("Total planned saving (£), providers with a plan",
              sum_present(with_plan, "planned_gbp"), GBP_PENCE),
             ("Identified opportunity (£), providers with a plan",
              sum_present(with_plan, "identified_gbp"), GBP_PENCE),
             ("Identified opportunity (£), every provider", sum_present(rows, "identified_gbp"),
              GBP_PENCE),
             *((f"Plans {verdict[0].lower()}{verdict[1:]}", sum(
                 1 for r in with_plan if r["range_verdict"] == verdict), COUNT)
               for verdict in (plans.BELOW, plans.WITHIN, plans.ABOVE)),
             ("Large opportunities with no plan (categories)",
              sum(r["unplanned_categories"] for r in rows), COUNT),
             ("Thresholds", checks.thresholds.describe(), None)]
    difference = RowFormula("=ROUND(N({planned_gbp})-N({identified_gbp}),2)")
    sheets = [
        Sheet("Category checks", "Planned vs identified, by provider and category",
              "Every provider x category, with a plan or not: identified, planned and a flag "
              "column per rule.", CATEGORY_COLUMNS,
              [{**r, "difference_gbp": difference} for r in checks.category_rows],
              "category_checks", notes=[f"Thresholds: {checks.thresholds.describe()}."]),
        Sheet("Providers", "Plan checks by provider",
              "Totals planned vs identified vs the requirement, and the flags.",
              PROVIDER_COLUMNS, with_live_share(rows, "planned_pct", "planned_gbp",
                                                "cost_base_gbp"), "providers"),
        Sheet("Regions", "Plan checks by region", "The providers' checks added up by region.",
              REGION_COLUMNS, checks.region_rows, "regions"),
        Sheet("Systems", "Plan checks by system (integrated care board)",
              "The providers' checks added up by ICB, where plans are agreed.", SYSTEM_COLUMNS,
              checks.system_rows, "systems"),
    ]
    notes = ["Identified opportunity is each provider pack's category figure (an upper bound: "
             "categories overlap).", f"Thresholds: {checks.thresholds.describe()}.",
             "The range to plan against runs from the total with overlaps removed at the peers' "
             "median (Range from) to the upper bound at the run's percentile (Identified "
             "opportunity). A plan below it is not ambitious enough; a plan above it needs "
             "evidence that it can be delivered.",
             "A provider with no plan in the file is in every table: each of its large "
             "categories is a large opportunity with no plan.",
             "Planned savings are set beside the identified opportunity and requirement of the "
             "same providers (those with a plan); the figures for every provider are beside "
             "them.",
             "The Totals and checks sheet adds the tables up with live formulas and checks "
             "them against each other: category rows against providers, providers against "
             "regions and systems."]
    return write_summary_workbook(path, title="2026/27 plan checks", run=run, cover_items=cover,
                                  sheets=sheets, notes=notes, totals=_plan_totals(checks))


def _plan_totals(checks: PlanChecks) -> list[Total]:
    """Each table's pound columns added up live and checked against another table's figures:
    the category rows against their providers' totals, the providers against the regions and
    the systems (a total with an unknown part is written without a check)."""
    providers = checks.provider_rows
    identified = sum_present(providers, "identified_gbp")
    planned = sum_present(providers, "planned_gbp")
    out = [Total("Category checks: identified opportunity (£)", "Category checks",
                 "identified_gbp", identified),
           Total("Category checks: planned saving (£)", "Category checks", "planned_gbp",
                 planned),
           Total("Category checks: planned minus identified (£)", "Category checks",
                 "difference_gbp", totals.penny(planned - identified))]
    out.append(Total("Category checks: identified at the median (£)", "Category checks",
                     "identified_median_gbp", sum_present(checks.category_rows,
                                                   "identified_median_gbp")))
    for key, label in (("cost_base_gbp", "cost base (£)"), ("requirement_gbp", "requirement (£)"),
                       ("identified_gbp", "identified opportunity (£)"),
                       ("planned_gbp", "planned saving (£)"),
                       ("unplanned_gbp", "unplanned large opportunity (£)")):
        known = key not in ("cost_base_gbp", "requirement_gbp")

        def total(rows: list[dict], key: str = key, known: bool = known) -> float | None:
            return sum_present(rows, key) if known else totals.known_sum(r[key] for r in rows)

        out.append(Total(f"Providers: {label}", "Providers", key, total(checks.region_rows)))
        out.append(Total(f"Regions: {label}", "Regions", key, total(providers)))
        out.append(Total(f"Systems: {label}", "Systems", key, total(providers)))
    out.append(Total("Providers: range from (£)", "Providers", "range_low_gbp",
                     sum_present(providers, "range_low_gbp")))
    with_plan = [r for r in providers if r["plan_submitted"] == "Yes"]
    for key, label, expected in (
            ("range_low_with_plan_gbp", "range from, providers with a plan (£)",
             sum_present(with_plan, "range_low_gbp")),
            ("identified_with_plan_gbp", "identified opportunity, providers with a plan (£)",
             sum_present(with_plan, "identified_gbp")),
            ("requirement_with_plan_gbp", "requirement, providers with a plan (£)",
             totals.known_sum(r["requirement_gbp"] for r in with_plan))):
        for sheet in ("Regions", "Systems"):
            out.append(Total(f"{sheet}: {label}", sheet, key, expected))
    return out


def area_html(run: RunInfo, area: dict, kind: str, providers: list[dict], flagged: list[dict],
              thresholds: plans.Thresholds) -> str:
    """The plan-check page of one region or system (`kind`): its figures, verdict against the
    range, providers and flagged categories."""
    return environment().get_template(TEMPLATE).render(
        run=run, area=area, kind=kind, providers=providers, flagged=flagged,
        thresholds=thresholds, verdict_sentences=plans.AREA_SENTENCES)


def _area_pdfs(out_dir: Path, checks: PlanChecks, run: RunInfo, kind: str) -> list[Path]:
    """A PDF per region (`kind` "region") or per system ("system") under OUT/regions or
    OUT/systems; providers with no ICB have no system and so no system PDF."""
    field, groups = (("region_code", checks.region_rows) if kind == "region"
                     else ("icb_code", checks.system_rows))
    providers, categories = defaultdict(list), defaultdict(list)
    for row in checks.provider_rows:
        providers[row[field] or ""].append(row)
    for row in checks.category_rows:
        if row["flag_unplanned"] or row["flag_above"]:
            categories[row[field] or ""].append(row)
    written = []
    for area in groups:
        code = area["code"]
        if not code:
            continue
        html = area_html(run, area, kind, providers[code],
                         sorted(categories[code], key=lambda r: -abs(r["difference_gbp"])),
                         checks.thresholds)
        folder = out_dir / f"{kind}s"
        path = inside(folder, folder / f"{code}-plan-checks.pdf", f"{kind} {code!r}")
        written.append(write_bytes_atomically(path, render_summary_pdf(html)))
    return written


def write_region_pdfs(out_dir: Path, checks: PlanChecks, run: RunInfo) -> list[Path]:
    return _area_pdfs(out_dir, checks, run, "region")


def write_system_pdfs(out_dir: Path, checks: PlanChecks, run: RunInfo) -> list[Path]:
    return _area_pdfs(out_dir, checks, run, "system")


def summary_lines(checks: PlanChecks) -> list[str]:
    """The stdout summary: thresholds, then one line per region and a national line. Planned
    savings are set beside the range of the same providers (those with a plan): from their
    totals with overlaps removed at the median to their upper bounds; 'unplanned' counts the
    large categories of every provider, with a plan or not."""
    lines = [f"Thresholds: {checks.thresholds.describe()}.", "",
             f"{'region':<7}{'plans':>6}{'no plan':>8}{'planned':>14}{'range from*':>14}"
             f"{'range to*':>14}{'requirement*':>14}{'below':>7}{'within':>7}{'above':>7}"
             f"{'<2% saving':>11}{'<2% growth':>11}{'unplanned':>10}"]
    keys = ("plans", "no_plan", "planned_gbp", "range_low_with_plan_gbp",
            "identified_with_plan_gbp", "below_range", "within_range", "above_range",
            "saving_below", "growth_below", "unplanned_categories")
    national = {k: sum(r[k] for r in checks.region_rows) for k in keys}
    national["requirement_with_plan_gbp"] = totals.known_sum(
        r["requirement_with_plan_gbp"] for r in checks.region_rows)
    for row in [*checks.region_rows, {"region_code": "Total", **national}]:
        requirement = row["requirement_with_plan_gbp"]
        lines.append(f"{row['region_code']:<7}{row['plans']:>6,}{row['no_plan']:>8,}"
                     f"{row['planned_gbp']:>14,.0f}{row['range_low_with_plan_gbp']:>14,.0f}"
                     f"{row['identified_with_plan_gbp']:>14,.0f}"
                     + (f"{requirement:>14,.0f}" if requirement is not None
                        else f"{'not known':>14}")
                     + f"{row['below_range']:>7,}{row['within_range']:>7,}"
                     f"{row['above_range']:>7,}{row['saving_below']:>11,}"
                     f"{row['growth_below']:>11,}{row['unplanned_categories']:>10,}")
    lines.append("* of the providers with a plan. below/within/above: plans against their range "
                 "(from the total with overlaps removed at the median to the upper bound); "
                 "'unplanned': large categories with no plan at every provider, with a plan or "
                 "not.")
    return lines
