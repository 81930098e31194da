"""The national summary workbook (`RUN/national/national-summary.xlsx`) and results CSV.

Every figure comes from the provider pack models (see `totals`), so the national total is the sum
of the provider packs' totals and each provider x category cell is that pack's category figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from packgen import reference
from packgen.pack.build import GROUP_NAMES
from packgen.pack.model import Pack, RunInfo
from packgen.render.summary_workbook import Sheet, write_summary_workbook
from packgen.render.xlsx_tables import COUNT, GBP_PENCE, PERCENT, Column
from packgen.run import totals

WORKBOOK_NAME = "national-summary.xlsx"
RESULTS_CSV_NAME = "results.csv"

_GBP = dict(number_format=GBP_PENCE)
PROVIDER_COLUMNS = (
    Column("rank", "Rank", COUNT, description="1 = largest total opportunity nationally."),
    Column("provider_code", "ODS code"), Column("provider_name", "Provider"),
    Column("sector", "Sector"), Column("peer_group", "Peer group"),
    Column("region_code", "Region code"), Column("region_name", "Region"),
    Column("cost_base_gbp", "Cost base (£)", **_GBP,
           description="Operating cost: the base of the 2% productivity requirement."),
    Column("total_gbp", "Total opportunity (£)", **_GBP,
           description="Sum of the pack's category opportunities (an upper bound: categories "
                       "overlap)."),
    Column("pct_of_cost_base", "Opportunity % of cost base", PERCENT),
    Column("requirement_gbp", "2% requirement (£)", **_GBP),
    Column("covers_requirement", "Opportunity covers requirement"),
    Column("top_category", "Largest category"),
    Column("productivity_growth", "Productivity growth", PERCENT),
    Column("data_quality", "Data quality",
           description="OK, or what was not assessed and how many NCC rows were left out."),
)
PROVIDER_CATEGORY_COLUMNS = (
    Column("provider_code", "ODS code"), Column("provider_name", "Provider"),
    Column("sector", "Sector"), Column("region_code", "Region code"),
    Column("category", "Category id"), Column("category_title", "Category"),
    Column("opportunity_gbp", "Opportunity (£)", **_GBP,
           description="The category's figure in the provider's pack."),
    Column("pct_of_cost_base", "% of cost base", PERCENT),
    Column("not_assessed", "Rows not assessed", COUNT),
)
CATEGORY_COLUMNS = (
    Column("category", "Category id"), Column("category_title", "Category"),
    Column("providers", "Providers", COUNT,
           description="Providers of the sectors the category applies to."),
    Column("with_opportunity", "Providers with opportunity", COUNT),
    Column("total_gbp", "Total (£)", **_GBP),
    Column("pct_of_cost_base", "% of those providers' cost base", PERCENT),
    Column("min_gbp", "Minimum (£)", **_GBP),
    Column("q1_gbp", "Lower quartile (£)", **_GBP,
           description="Quartiles are linearly interpolated (Excel QUARTILE.INC)."),
    Column("median_gbp", "Median (£)", **_GBP), Column("q3_gbp", "Upper quartile (£)", **_GBP),
    Column("max_gbp", "Maximum (£)", **_GBP),
)
GROUP_COLUMNS = (
    Column("key", "Code"), Column("name", "Name"), Column("providers", "Providers", COUNT),
    Column("cost_base_gbp", "Cost base (£)", **_GBP),
    Column("total_gbp", "Total opportunity (£)", **_GBP),
    Column("pct_of_cost_base", "Opportunity % of cost base", PERCENT),
    Column("requirement_gbp", "2% requirement (£)", **_GBP),
)
GROUP_CATEGORY_COLUMNS = (
    Column("group", "Sector"), Column("category", "Category id"),
    Column("category_title", "Category"), Column("opportunity_gbp", "Opportunity (£)", **_GBP),
)
PRODUCTIVITY_COLUMNS = (
    Column("group", "Sector group", description="Providers are ranked within their group."),
    Column("rank", "Rank", COUNT, description="1 = highest productivity growth in the group."),
    Column("rank_of", "Of", COUNT), Column("provider_code", "ODS code"),
    Column("provider_name", "Provider"),
    Column("activity_growth", "Cost-weighted activity growth", PERCENT),
    Column("input_growth", "Real-terms input growth", PERCENT),
    Column("productivity_growth", "Productivity growth", PERCENT),
    Column("meets_requirement", "At least 2%"),
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


def national_sheets(packs: Sequence[Pack], quality: Mapping[str, str]) -> list[Sheet]:
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
              PROVIDER_COLUMNS, providers, "providers"),
        Sheet("Provider categories", "Every provider x category",
              "Each provider's opportunity by category, in pounds and as % of cost base.",
              PROVIDER_CATEGORY_COLUMNS, totals.provider_category_rows(ordered),
              "provider_categories"),
        Sheet("Categories", "Distribution of each category's opportunity",
              "National total, providers with opportunity, min, quartiles, median, max.",
              CATEGORY_COLUMNS, totals.category_rows(packs), "categories"),
        Sheet("Sectors", "Totals by sector", "Opportunity and requirement by sector.",
              GROUP_COLUMNS, [g.row() for g in sectors], "sectors"),
        Sheet("Sector categories", "Totals by sector and category",
              "Each sector's opportunity by category.", GROUP_CATEGORY_COLUMNS,
              [{"group": g.name, "category": c, "category_title": titles[c],
                "opportunity_gbp": v} for g in sectors for c, v in g.by_category.items()],
              "sector_categories"),
        Sheet("Regions", "Totals by NHS England region", "Opportunity and requirement by region.",
              GROUP_COLUMNS, [g.row() for g in totals.group_totals(packs, totals.by_region)],
              "regions"),
        Sheet("Productivity", "Productivity growth league tables by sector group",
              "Activity growth, input growth, productivity growth and rank within the group.",
              PRODUCTIVITY_COLUMNS, productivity_rows(packs), "productivity"),
    ]


def write_national_workbook(path: Path, packs: Sequence[Pack], run: RunInfo,
                            quality: Mapping[str, str]) -> Path:
    national = totals.national_total(packs)
    requirement = totals.penny(sum(p.requirement_gbp for p in packs))
    cover = [
        ("Providers", len(packs), COUNT),
        ("Total opportunity (£)", national, GBP_PENCE),
        ("2% productivity requirement (£)", requirement, GBP_PENCE),
        ("Providers whose opportunity covers the requirement",
         sum(1 for p in packs if p.total_opportunity_gbp >= p.requirement_gbp), COUNT),
    ]
    notes = [
        "Totals are sums of the figures in the provider packs, to the penny.",
        "Categories can overlap (a shorter stay also lowers the acute unit cost): a provider's "
        "total is an upper bound.",
        "Percentages of cost base use each provider's operating cost.",
    ]
    return write_summary_workbook(path, title="National summary of productivity and efficiency "
                                  "opportunities", run=run, cover_items=cover,
                                  sheets=national_sheets(packs, quality), notes=notes)
