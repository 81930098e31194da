"""The national summary workbook (`RUN/national/national-summary.xlsx`) and results CSV.

Every figure comes from the provider pack models (see `totals`), so the national total is the sum
of the provider packs' totals and each provider x category cell is that pack's category figure.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from packgen import reference
from packgen.fileio import atomic_path
from packgen.pack.build import GROUP_NAMES
from packgen.pack.model import Pack, RunInfo
from packgen.render.summary_workbook import (
    Sheet,
    Total,
    with_live_share,
    write_summary_workbook,
)
from packgen.render.xlsx_tables import COUNT, GBP_PENCE, PERCENT, Column
from packgen.run import totals

WORKBOOK_NAME = "national-summary.xlsx"
RESULTS_CSV_NAME = "results.csv"
SYSTEMS_CSV_NAME = "systems.csv"

_GBP = dict(number_format=GBP_PENCE)
_CODE = Column("provider_code", "ODS code", description="The provider's ODS code. Text.")
_NAME = Column("provider_name", "Provider", description="The provider's name. Text.")
_SECTOR = Column("sector", "Sector", description="The provider's sector (acute, specialist, "
                 "community, mental health, ambulance). Text.")
_REGION = Column("region_code", "Region code", description="ODS code of the provider's NHS "
                 "England region. Text.")
_CATEGORY = Column("category", "Category id", description="The category's identifier, as "
                   "`packgen categories` lists them and results.csv uses them. Text.")
_CATEGORY_TITLE = Column("category_title", "Category", description="The category's title. Text.")
_COST_BASE = Column("cost_base_gbp", "Cost base (£)", **_GBP, description="Operating cost in "
                    "pounds: the base of the productivity requirement and of the shares.")
_SHARE = ("A live formula: Total opportunity (£) / Cost base (£), as a percentage; blank where "
          "there is no cost base.")
# The range (packgen/pack/overlaps.py): plan against the total with overlaps removed.
_RANGE = (
    Column("total_overlaps_removed_gbp", "Total with overlaps removed (£)", **_GBP,
           description="Within each set of categories that overlap one another only the "
           "largest counts: the total to plan against, in pounds, at the run's percentile."),
    Column("total_median_gbp", "Total at the median (£)", **_GBP, description="Every "
           "category added at the peers' median (fixed targets at their one figure), in "
           "pounds: the upper bound at the cautious end."),
    Column("total_overlaps_removed_median_gbp", "Total with overlaps removed at the median (£)",
           **_GBP, description="The total with overlaps removed at the peers' median, in "
           "pounds: the low end of the range."),
)


def range_cover_items(packs: Sequence[Pack]) -> list[tuple[str, float, str]]:
    """Cover lines of a summary workbook: its packs' totals with overlaps removed (the range to
    plan against runs from the one at the median to the upper bound)."""
    return [("Total with overlaps removed (£): plan against this",
             totals.penny(sum(p.total_overlaps_removed_gbp for p in packs)), GBP_PENCE),
            ("Total with overlaps removed at the median (£): the cautious end of the range",
             totals.penny(sum(p.total_overlaps_removed_median_gbp for p in packs)), GBP_PENCE)]


_REQUIREMENT = Column("requirement_gbp", "2% requirement (£)", **_GBP, description="The "
                      "productivity requirement in pounds: the requirement rate (see Parameters) "
                      "x Cost base, to the penny.")
# Why a figure at the median can equal the one at the percentile
_ONE_FIGURE = ("a fixed target, a cut of the trust's own spend or a national standard, or a "
               "benchmark that is already the peers' median, has one figure")
PROVIDER_COLUMNS = (
    Column("rank", "Rank", COUNT, description="Position by total opportunity, 1 = largest "
           "(nationally on the national summary, within the region on a regional pack)."),
    _CODE, _NAME, _SECTOR,
    Column("peer_group", "Trust type (ERIC)", description="The provider's trust type as ERIC "
           "gives it (e.g. ACUTE - MEDIUM); the peers it is benchmarked against are set by the "
           "run (Notes: parameters), by default the providers of its sector. Text."),
    _REGION,
    Column("region_name", "Region", description="The provider's NHS England region. Text."),
    Column("icb_code", "ICB code", description="ODS code of the provider's integrated care "
           "board (its system); blank where providers.csv gives none. Text."),
    Column("icb_name", "ICB", description=f"The integrated care board's name; "
           f"'{reference.NO_ICB}' where providers.csv gives no ICB. Text."),
    _COST_BASE,
    Column("total_gbp", "Total opportunity (£)", **_GBP,
           description="Sum of the pack's category opportunities in pounds (an upper bound: "
                       "categories overlap)."),
    *_RANGE,
    Column("pct_of_cost_base", "Opportunity % of cost base", PERCENT, description=_SHARE),
    _REQUIREMENT,
    Column("covers_requirement", "Overlaps removed covers requirement", description="Yes if "
           "the total with overlaps removed (£), the figure to plan against, is at least the "
           "requirement, else No (the upper bound double counts, so it is not used here)."),
    Column("top_category", "Largest category", description="The category with the largest "
           "opportunity in the pack; blank if none has any. Text."),
    Column("productivity_growth", "Productivity growth", PERCENT, description="(1 + "
           "cost-weighted activity growth) / (1 + real-terms input growth) - 1, year on year, "
           "as a percentage; blank where not computed."),
    Column("data_quality", "Data quality",
           description="OK, or what was not assessed and how many NCC rows were left out. Text."),
)
PROVIDER_CATEGORY_COLUMNS = (
    _CODE, _NAME, _SECTOR, _REGION, _CATEGORY, _CATEGORY_TITLE,
    Column("assessed", "Assessed", width=30, wrap=True, description="Yes, or No with the reason "
           "(e.g. no data supplied): a category not assessed has no figure. Text."),
    Column("opportunity_gbp", "Opportunity (£)", **_GBP,
           description="The category's figure in the provider's pack, in pounds, at the run's "
           "percentile; blank where not assessed (not known, never £0)."),
    Column("opportunity_median_gbp", "Opportunity at the median (£)", **_GBP,
           description="The category's figure in the provider's pack at the peers' median, in "
           f"pounds: the cautious end of the range ({_ONE_FIGURE}, the same as Opportunity "
           "(£)). Blank where not assessed (not known, never £0)."),
    _COST_BASE,
    Column("pct_of_cost_base", "% of cost base", PERCENT, description="A live formula: "
           "Opportunity (£) / Cost base (£), as a percentage; blank where there is no cost "
           "base."),
    Column("not_assessed", "Rows not assessed", COUNT, description="Number of the category's "
           "result rows in the pack that were not assessed (a count)."),
)
CATEGORY_COLUMNS = (
    _CATEGORY, _CATEGORY_TITLE,
    Column("providers", "Providers", COUNT,
           description="Number of providers of the sectors the category applies to."),
    Column("assessed", "Providers assessed", COUNT, description="Number of those providers "
           "for whom the category could be assessed (the others have no figure: not known)."),
    Column("with_opportunity", "Providers with opportunity", COUNT, description="Number of "
           "the providers assessed whose opportunity in the category is above £0."),
    Column("total_gbp", "Total (£)", **_GBP, description="Sum of the assessed providers' "
           "opportunity in the category at the run's percentile, in pounds; blank when no "
           "provider was assessed."),
    Column("total_median_gbp", "Opportunity at the median (£)", **_GBP, description="Sum of "
           "the assessed providers' opportunity in the category at the peers' median, in "
           f"pounds: the cautious end of the range ({_ONE_FIGURE}, the same as Total (£)); "
           "blank when no provider was assessed."),
    Column("pct_of_cost_base", "% of those providers' cost base", PERCENT, description="Total "
           "(£) / the sum of the assessed providers' cost base, as a percentage."),
    Column("min_gbp", "Minimum (£)", **_GBP, description="The smallest figure of the "
           "providers assessed, in pounds (the distribution below is over them too)."),
    Column("q1_gbp", "Lower quartile (£)", **_GBP, description="The lower quartile of the "
           "provider figures, in pounds; quartiles are linearly interpolated (Excel "
           "QUARTILE.INC)."),
    Column("median_gbp", "Median (£)", **_GBP, description="The median of the provider "
           "figures (at the run's percentile), in pounds: the middle provider, not the peers' "
           "median."),
    Column("q3_gbp", "Upper quartile (£)", **_GBP, description="The upper quartile of the "
           "provider figures, in pounds."),
    Column("max_gbp", "Maximum (£)", **_GBP, description="The largest provider figure, in "
           "pounds."),
)
GROUP_COLUMNS = (
    Column("key", "Code", description="The sector's or region's code. Text."),
    Column("name", "Name", description="The sector's or region's name. Text."),
    Column("providers", "Providers", COUNT, description="Number of providers in the group."),
    _COST_BASE,
    Column("total_gbp", "Total opportunity (£)", **_GBP, description="Sum of the group's "
           "providers' total opportunity, in pounds."),
    *_RANGE,
    Column("pct_of_cost_base", "Opportunity % of cost base", PERCENT, description=_SHARE),
    _REQUIREMENT,
)
GROUP_CATEGORY_COLUMNS = (
    Column("group", "Sector", description="The providers' sector (acute, specialist, "
           "community, mental health, ambulance). Text."), _CATEGORY, _CATEGORY_TITLE,
    Column("opportunity_gbp", "Opportunity (£)", **_GBP, description="Sum of the sector's "
           "providers' opportunity in the category at the run's percentile, in pounds; blank "
           "where no provider of the sector could be assessed in it (not known, never £0)."),
    Column("opportunity_median_gbp", "Opportunity at the median (£)", **_GBP,
           description="The same sum at the peers' median, in pounds: the cautious end of the "
           f"range ({_ONE_FIGURE}, the same as Opportunity (£)); blank where no provider of the "
           "sector could be assessed in it."),
)
SYSTEM_COLUMNS = (
    Column("icb_code", "ICB code", description="ODS code of the integrated care board (the "
           "system); blank for the providers to which providers.csv gives no ICB. Text."),
    Column("icb_name", "ICB", description="The integrated care board's name (fictional for "
           f"the built-in dataset); '{reference.NO_ICB}' for providers with none. Text."),
    _REGION,
    Column("providers", "Providers", COUNT, description="Number of the system's providers in "
           "the run's totals."),
    Column("operating_cost_gbp", "Cost base (£)", **_GBP, description="Sum of the providers' "
           "operating cost in pounds; blank when any of them is not known."),
    Column("total_opportunity_gbp", "Total opportunity (£)", **_GBP, description="Sum of the "
           "system's providers' total opportunity in pounds (an upper bound: categories "
           "overlap); blank for a system with no provider in the bundle."),
    *_RANGE,
    Column("pct_of_cost_base", "Opportunity % of cost base", PERCENT, description=_SHARE),
    _REQUIREMENT,
    Column("system_pack", "System pack", description="The system pack's files in the run "
           "folder (PDF; the workbook beside it); blank where the folder has no system pack "
           "for the ICB (a partial build: the Note says so). Text."),
    Column("note", "Note", width=50, wrap=True, description="What the row leaves out or why it "
           "has no pack, if anything. Text."),
)
SYSTEM_CSV_COLUMNS = ("icb_code", "icb_name", "region_code", "providers", "operating_cost_gbp",
                      "total_opportunity_gbp", *(c.key for c in _RANGE), "region_name",
                      "requirement_gbp",
                      "pct_of_cost_base", "providers_cost_not_known", "system_pack", "note")
PRODUCTIVITY_COLUMNS = (
    Column("group", "Sector group", description="The benchmarking group the provider is "
           "ranked in. Text."),
    Column("rank", "Rank", COUNT, description="Position in the group, 1 = highest "
           "productivity growth."),
    Column("rank_of", "Of", COUNT, description="Number of providers ranked in the group."),
    _CODE, _NAME,
    Column("activity_growth", "Cost-weighted activity growth", PERCENT, description="Growth "
           "in activity weighted by national unit costs, year on year, as a percentage."),
    Column("input_growth", "Real-terms input growth", PERCENT, description="Growth in "
           "operating cost after inflation, year on year, as a percentage."),
    Column("productivity_growth", "Productivity growth", PERCENT, description="(1 + "
           "activity growth) / (1 + input growth) - 1, as a percentage."),
    Column("meets_requirement", "At least 2%", description="Yes if productivity growth is at "
           "least the requirement rate, else No."),
)


def productivity_rows(packs: Sequence[Pack]) -> list[dict]:
    """League tables by sector group, as NHS England publishes them: ranked within the group."""
    # Ranked within the engine's benchmark groups (acute and specialist trusts together).
    sector_groups = {r["sector"]: r["benchmark_group"] for r in reference.rows("sectors")}
    rows = []
    for pack in packs:
        growth = pack.productivity
        if growth is None or growth.productivity_growth is None:
            continue
        group = sector_groups[pack.provider.sector]
        rows.append({
            "group": GROUP_NAMES.get(group, group).capitalize(), "rank": growth.rank,
            "rank_of": growth.rank_of, "provider_code": pack.provider.code,
            "provider_name": pack.provider.name, "activity_growth": growth.activity_growth,
            "input_growth": growth.input_growth, "productivity_growth": growth.productivity_growth,
            "meets_requirement": "Yes" if growth.productivity_growth >= pack.requirement_rate
            else "No"})
    return sorted(rows, key=lambda r: (r["group"], r["rank"] or 0, r["provider_code"]))


def system_rows(packs: Sequence[Pack], providers: Mapping[str, Mapping] | None = None,
                every_icb: bool = False,
                system_packs: Collection[str] | None = None) -> list[dict]:
    """One row per integrated care board (system): its providers, cost base, opportunity and
    requirement, summed from their packs (a sum with an unknown part is blank, never a partial
    sum). Providers with no ICB get a row of their own ("No ICB given"); with `providers` (the
    bundle's providers table), members whose pack model failed are named in the note; with
    `every_icb`, when the bundle uses real ICB codes, every other real ICB gets a row with no
    provider. `system_packs`: the ICBs whose system pack is in the run folder (or written by
    this run); the others' row has no pack path, and says so. None: every ICB with providers
    has its pack (a full build)."""
    by_icb = totals.packs_by_icb(packs)
    left_out: dict[str, list[str]] = {}
    for code, row in (providers or {}).items():
        if not any(p.provider.code == code for p in by_icb.get(row.get("icb_code") or "", ())):
            left_out.setdefault(row.get("icb_code") or "", []).append(code)
    rows = []
    for icb, members in by_icb.items():
        (group,) = totals.group_totals(members, totals.by_icb)
        region = totals.icb_region(icb, members)
        notes = []
        if not icb:
            notes.append("No system pack: providers.csv gives these providers no icb_code.")
        unknown = sum(1 for p in members if p.provider.operating_cost_gbp is None)
        if unknown:
            notes.append(f"Operating cost not known for {unknown} provider(s): cost base and "
                         "requirement not known.")
        if left_out.get(icb):
            notes.append(f"Left out (pack model failed): {', '.join(sorted(left_out[icb]))}.")
        has_pack = bool(icb) and (system_packs is None or icb in system_packs)
        if icb and not has_pack:
            notes.append(f"No system pack in this run folder: a partial build; --system {icb} "
                         "writes it.")
        rows.append({
            "icb_code": icb, "icb_name": group.name, "region_code": region,
            "region_name": "; ".join(reference.names("regions").get(r, r)
                                     for r in region.split(";")),
            "providers": group.providers, "operating_cost_gbp": group.cost_base_gbp,
            "total_opportunity_gbp": group.total_gbp,
            **{f: getattr(group, f) for f in totals.RANGE_TOTALS},
            "requirement_gbp": group.requirement_gbp,
            "pct_of_cost_base": group.pct_of_cost_base, "providers_cost_not_known": unknown,
            "system_pack": f"systems/{icb}/{icb}-system-pack.pdf" if has_pack else "",
            "note": " ".join(notes)})
    real = reference.icb_regions()
    if every_icb and any(icb in real for icb in by_icb):
        for icb in sorted(set(real) - set(by_icb)):
            rows.append({
                "icb_code": icb, "icb_name": reference.icb_name(icb), "region_code": real[icb],
                "region_name": reference.names("regions").get(real[icb], real[icb]),
                "providers": 0, "operating_cost_gbp": None, "total_opportunity_gbp": None,
                **dict.fromkeys(totals.RANGE_TOTALS),
                "requirement_gbp": None, "pct_of_cost_base": None,
                "providers_cost_not_known": 0, "system_pack": "",
                "note": "No provider of this ICB in the bundle: no system pack."})
    return sorted(rows, key=lambda r: (not r["icb_code"], r["icb_code"]))


def live_system_rows(packs: Sequence[Pack], providers: Mapping[str, Mapping] | None = None,
                     every_icb: bool = False,
                     system_packs: Collection[str] | None = None) -> list[dict]:
    """`system_rows` with "Opportunity % of cost base" a live formula (the Systems sheets)."""
    return with_live_share(system_rows(packs, providers, every_icb, system_packs),
                           "pct_of_cost_base", "total_opportunity_gbp", "operating_cost_gbp")


def write_systems_csv(path: Path, packs: Sequence[Pack],
                      providers: Mapping[str, Mapping] | None = None,
                      system_packs: Collection[str] | None = None) -> Path:
    """`RUN/national/systems.csv`: `system_rows`, pounds to the penny, blanks where not known
    (and no pack path for an ICB whose pack is not in `system_packs`)."""
    def cell(key: str, value: object) -> object:
        if value is None:
            return ""
        if key == "pct_of_cost_base":
            return f"{value:.6f}"
        return f"{value:.2f}" if key.endswith("_gbp") else value

    with atomic_path(path) as temporary, open(temporary, "w", newline="",
                                              encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SYSTEM_CSV_COLUMNS)
        for row in system_rows(packs, providers, every_icb=True, system_packs=system_packs):
            writer.writerow([cell(key, row[key]) for key in SYSTEM_CSV_COLUMNS])
    return path


def national_sheets(packs: Sequence[Pack], quality: Mapping[str, str],
                    bundle_providers: Mapping[str, Mapping] | None = None,
                    system_packs: Collection[str] | None = None) -> list[Sheet]:
    ordered = totals.ranked(packs)
    providers = []
    for rank, pack in enumerate(ordered, start=1):
        row = totals.provider_row(pack, rank, quality.get(pack.provider.code, "OK"))
        growth = pack.productivity
        row["productivity_growth"] = growth.productivity_growth if growth else None
        providers.append(row)
    sectors = totals.group_totals(packs, totals.by_sector)
    titles = totals.category_titles(packs)
    return [
        Sheet("Providers", "Providers ranked by total opportunity",
              "Every provider: total opportunity, % of cost base, 2% requirement, data quality.",
              PROVIDER_COLUMNS, live_shares(providers), "providers"),
        Sheet("Provider categories", "Every provider x category",
              "Each provider's opportunity by category, in pounds and as % of cost base.",
              PROVIDER_CATEGORY_COLUMNS, provider_category_rows(ordered),
              "provider_categories"),
        Sheet("Categories", "Distribution of each category's opportunity",
              "National total, providers with opportunity, min, quartiles, median, max.",
              CATEGORY_COLUMNS, totals.category_rows(packs), "categories"),
        Sheet("Sectors", "Totals by sector", "Opportunity and requirement by sector.",
              GROUP_COLUMNS, live_shares([g.row() for g in sectors]), "sectors"),
        Sheet("Sector categories", "Totals by sector and category",
              "Each sector's opportunity by category.", GROUP_CATEGORY_COLUMNS,
              [{"group": g.name, "category": c, "category_title": titles[c],
                "opportunity_gbp": v, "opportunity_median_gbp": g.by_category_median[c]}
               for g in sectors for c, v in g.by_category.items()],
              "sector_categories"),
        Sheet("Regions", "Totals by NHS England region", "Opportunity and requirement by region.",
              GROUP_COLUMNS, live_shares(
                  [g.row() for g in totals.group_totals(packs, totals.by_region)]), "regions"),
        Sheet("Systems", "Totals by integrated care board (system)",
              "Opportunity and requirement by ICB; providers with no ICB on a row of their "
              "own.", SYSTEM_COLUMNS, live_system_rows(packs, bundle_providers, every_icb=True,
                                                       system_packs=system_packs), "systems"),
        Sheet("Productivity", "Productivity growth league tables by sector group",
              "Activity growth, input growth, productivity growth and rank within the group.",
              PRODUCTIVITY_COLUMNS, productivity_rows(packs), "productivity"),
    ]


def live_shares(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Rows of providers or groups with "Opportunity % of cost base" a live formula."""
    return with_live_share(rows, "pct_of_cost_base", "total_gbp", "cost_base_gbp")


def provider_category_rows(ordered: Sequence[Pack]) -> list[dict[str, object]]:
    """Every provider x category, with the provider's cost base beside the live share."""
    cost = {p.provider.code: p.provider.operating_cost_gbp for p in ordered}
    rows = [{**r, "cost_base_gbp": cost[r["provider_code"]]}
            for r in totals.provider_category_rows(ordered)]
    return with_live_share(rows, "pct_of_cost_base", "opportunity_gbp", "cost_base_gbp")


def opportunity_totals(packs: Sequence[Pack], sheets: Sequence[str]) -> list[Total]:
    """Live totals of the opportunity, cost base and requirement columns of `sheets` (titles of
    the national summary's sheets), each checked against the sum over `packs`."""
    opportunity = totals.national_total(packs)
    # every category added at the peers' median: the sum of the category figures at the median
    at_median = totals.penny(sum(p.total_median_gbp for p in packs))
    cost = totals.known_sum(p.provider.operating_cost_gbp for p in packs)
    requirement = totals.known_sum(p.requirement_gbp for p in packs)
    share = opportunity / cost if cost else None
    by_group = [("Total opportunity (£)", "total_gbp", opportunity, None),
                *((column.header, column.key,
                   totals.penny(sum(getattr(p, column.key) for p in packs)), None)
                  for column in _RANGE),
                ("Cost base (£)", "cost_base_gbp", cost, None),
                ("Requirement (£)", "requirement_gbp", requirement, None),
                ("Opportunity % of cost base", "total_gbp", share, "cost_base_gbp")]
    plans = {
        "Providers": by_group,
        "Provider categories": [
            ("Opportunity (£)", "opportunity_gbp", opportunity, None),
            ("Opportunity at the median (£)", "opportunity_median_gbp", at_median, None)],
        "Categories": [("Total (£)", "total_gbp", opportunity, None),
                       ("Opportunity at the median (£)", "total_median_gbp", at_median, None)],
        "Sectors": by_group,
        "Sector categories": [
            ("Opportunity (£)", "opportunity_gbp", opportunity, None),
            ("Opportunity at the median (£)", "opportunity_median_gbp", at_median, None)],
        "Regions": by_group,
        "Systems": [("Total opportunity (£)", "total_opportunity_gbp", opportunity, None),
                    *by_group[1:1 + len(_RANGE)],
                    ("Cost base (£)", "operating_cost_gbp", cost, None),
                    ("Requirement (£)", "requirement_gbp", requirement, None)],
        "Largest opportunities": [("Opportunity (£)", "opportunity_gbp", opportunity, None)],
    }
    return [Total(f"{sheet}: {label}", sheet, column, expected, per)
            for sheet in sheets for label, column, expected, per in plans.get(sheet, ())]


def write_national_workbook(path: Path, packs: Sequence[Pack], run: RunInfo,
                            quality: Mapping[str, str],
                            providers: Mapping[str, Mapping] | None = None,
                            system_packs: Collection[str] | None = None) -> Path:
    national = totals.national_total(packs)
    requirement = totals.known_sum(p.requirement_gbp for p in packs)
    cover = [
        ("Providers", len(packs), COUNT),
        ("Total opportunity (£)", national, GBP_PENCE),
        *range_cover_items(packs),
        ("2% productivity requirement (£)", requirement if requirement is not None
         else "Not known: some providers' operating cost is not supplied", GBP_PENCE),
        ("Providers whose opportunity, overlaps removed, covers the requirement",
         sum(1 for p in packs if totals.covers(p.total_overlaps_removed_gbp, p.requirement_gbp)
             == "Yes"), COUNT),
        ("Providers whose operating cost is not known",
         sum(1 for p in packs if p.provider.operating_cost_gbp is None), COUNT),
        ("Integrated care boards (systems)", len({p.provider.icb_code for p in packs
                                                   if p.provider.icb_code}), COUNT),
        (f"Providers with no ICB (listed in Systems as '{reference.NO_ICB}')",
         Counter(bool(p.provider.icb_code) for p in packs)[False], COUNT),
    ]
    notes = [
        "Totals are sums of the figures in the provider packs, to the penny; the Totals and "
        "checks sheet adds the tables up with live formulas and checks them against these.",
        "Categories can overlap (a shorter stay also lowers the acute unit cost): a provider's "
        "total is an upper bound.",
        "Percentages of cost base use each provider's operating cost; they are live formulas "
        "in the Providers, Provider categories, Sectors and Regions tables.",
    ]
    sheets = national_sheets(packs, quality, providers, system_packs)
    return write_summary_workbook(path, title="National summary of productivity and efficiency "
                                  "opportunities", run=run, cover_items=cover, sheets=sheets,
                                  notes=notes,
                                  totals=opportunity_totals(packs, [s.title for s in sheets]))
