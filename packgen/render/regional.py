"""Regional packs (`RUN/regions/<code>/<code>-regional-pack.{pdf,xlsx}`): a region's providers
side by side, ranked by total opportunity, with totals by category, sector and system (ICB) and
the % of cost base against the 2% requirement. Figures come from the provider pack models (see
`totals`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packgen.fileio import write_bytes_atomically
from packgen.pack.model import Pack, RunInfo
from packgen.render import charts, pdf
from packgen.render.html import TEMPLATES_DIR, environment
from packgen.render.national import (
    CATEGORY_COLUMNS,
    GROUP_COLUMNS,
    PROVIDER_CATEGORY_COLUMNS,
    PROVIDER_COLUMNS,
    SYSTEM_COLUMNS,
    live_shares,
    live_system_rows,
    opportunity_totals,
    provider_category_rows,
    range_cover_items,
    system_rows,
)
from packgen.render.summary_workbook import Sheet, write_summary_workbook
from packgen.render.xlsx_tables import COUNT, GBP_PENCE, PERCENT
from packgen.run import totals

TEMPLATE = "regional.html.j2"
CHART_PROVIDERS = 15  # bars in the chart; the table below it lists every provider
STYLESHEET = TEMPLATES_DIR / "summary.css"
# Rank columns of the regional table: rank within the region, not nationally.
REGION_PROVIDER_COLUMNS = tuple(
    c for c in PROVIDER_COLUMNS if c.key not in ("region_code", "region_name",
                                                 "productivity_growth"))


@dataclass(frozen=True)
class _Bar:
    """What `charts.category_bars_svg` reads from a row: a title and an amount."""

    title: str
    opportunity_gbp: float


def region_paths(run_dir: Path, region_code: str) -> dict[str, Path]:
    folder = run_dir / "regions" / region_code
    return {fmt: folder / f"{region_code}-regional-pack.{fmt}" for fmt in ("pdf", "xlsx")}


def packs_by_region(packs: Sequence[Pack]) -> dict[str, list[Pack]]:
    regions: dict[str, list[Pack]] = defaultdict(list)
    for pack in packs:
        regions[pack.provider.region_code].append(pack)
    return dict(sorted(regions.items()))


def _provider_rows(packs: Sequence[Pack], quality: Mapping[str, str]) -> list[dict]:
    return [totals.provider_row(p, rank, quality.get(p.provider.code, "OK"))
            for rank, p in enumerate(totals.ranked(packs), start=1)]


def regional_html(region_code: str, packs: Sequence[Pack], run: RunInfo,
                  quality: Mapping[str, str], system_packs: Collection[str] | None = None
                  ) -> str:
    """The regional PDF's HTML; `system_packs` as `national.system_rows`."""
    region = totals.group_totals(packs, totals.by_region)[0]
    rows = _provider_rows(packs, quality)
    # providers with nothing assessed have no total to chart (the table says "Not assessed")
    charted = [r for r in rows if r["total_gbp"] is not None][:CHART_PROVIDERS]
    chart = charts.category_bars_svg(tuple(
        _Bar(charts.label_keeping(r["provider_name"], f" ({r['provider_code']})"), r["total_gbp"])
        for r in charted))
    return environment().get_template(TEMPLATE).render(
        run=run, region_code=region_code, region_name=region.name, region=region,
        providers=rows, covering=sum(1 for r in rows if r["covers_requirement"] == "Yes"),
        with_requirement=sum(1 for r in rows if r["covers_requirement"] != "Not known"),
        requirement_rate=packs[0].requirement_rate, provider_chart=chart,
        charted=len(charted),
        categories=totals.category_rows(packs),
        sectors=[g.row() for g in totals.group_totals(packs, totals.by_sector)],
        systems=system_rows(packs, system_packs=system_packs))


def render_summary_pdf(html: str) -> bytes:
    return pdf.html_to_pdf(html, STYLESHEET)


def group_sheets(packs: Sequence[Pack], what: str) -> list[Sheet]:
    """The sheets a regional and a system pack share: every provider x category, and the
    group's (`what`: "region" or "system") totals by category and by sector."""
    return [
        Sheet("Provider categories", "Every provider x category",
              "Each provider's opportunity by category.", PROVIDER_CATEGORY_COLUMNS,
              provider_category_rows(totals.ranked(packs)), "provider_categories"),
        Sheet("Categories", "Totals by category", f"The {what}'s total and distribution per "
              "category.", CATEGORY_COLUMNS, totals.category_rows(packs), "categories"),
        Sheet("Sectors", "Totals by sector", f"The {what}'s totals by sector.", GROUP_COLUMNS,
              live_shares([g.row() for g in totals.group_totals(packs, totals.by_sector)]),
              "sectors"),
    ]


def write_regional_workbook(path: Path, region_code: str, packs: Sequence[Pack], run: RunInfo,
                            quality: Mapping[str, str],
                            system_packs: Collection[str] | None = None) -> Path:
    region = totals.group_totals(packs, totals.by_region)[0]
    cover = [
        ("Region", f"{region.name} ({region_code})", None),
        ("Providers", region.providers, COUNT),
        ("Total opportunity (£)", region.total_gbp, GBP_PENCE),
        *range_cover_items(packs),
        ("Opportunity % of cost base", region.pct_of_cost_base, PERCENT),
        ("2% productivity requirement (£)", region.requirement_gbp, GBP_PENCE),
    ]
    sheets = [
        Sheet("Providers", f"Providers of {region.name} ranked by total opportunity",
              "The region's providers side by side.", REGION_PROVIDER_COLUMNS,
              live_shares(_provider_rows(packs, quality)), "providers"),
        *group_sheets(packs, "region"),
        Sheet("Systems", "Totals by integrated care board (system)", "The region's totals by "
              "ICB; providers with no ICB on a row of their own.", SYSTEM_COLUMNS,
              live_system_rows(packs, system_packs=system_packs), "systems"),
    ]
    notes = ["Totals are sums of the figures in the provider packs, to the penny; the Totals "
             "and checks sheet adds the tables up with live formulas and checks them against "
             "these.",
             "Categories can overlap: a provider's total is an upper bound.",
             "Percentages of cost base are live formulas in the Providers, Provider categories "
             "and Sectors tables."]
    return write_summary_workbook(path, title=f"Regional opportunity summary: {region.name}",
                                  run=run, cover_items=cover, sheets=sheets, notes=notes,
                                  totals=opportunity_totals(packs, [s.title for s in sheets]))


def write_regional_pack(run_dir: Path, region_code: str, packs: Sequence[Pack], run: RunInfo,
                        quality: Mapping[str, str],
                        system_packs: Collection[str] | None = None) -> dict[str, Path]:
    """The regional PDF and workbook; `system_packs`: the ICBs whose system pack the run folder
    holds (their Systems rows give its path), None for all."""
    paths = region_paths(run_dir, region_code)
    write_bytes_atomically(paths["pdf"], render_summary_pdf(
        regional_html(region_code, packs, run, quality, system_packs)))
    write_regional_workbook(paths["xlsx"], region_code, packs, run, quality, system_packs)
    return paths
