"""System packs (`RUN/systems/<ICB>/<ICB>-system-pack.{pdf,xlsx}`): an integrated care board's
providers side by side, as NHS England sends "each provider or system" its opportunities.

The system's total is the sum of its providers' pack totals (an upper bound: categories overlap),
with the totals by category and by provider, the largest provider x category opportunities, each
provider's share of the system's cost base, the system's productivity requirement and its
providers' productivity growth, and where each provider's own pack is. Every figure is a figure
of a provider pack, or a sum of them (see `totals`); a blank (an unknown cost base, say) is never
added as zero: a sum with an unknown part is "not known".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from packgen import reference
from packgen.fileio import write_bytes_atomically
from packgen.pack.model import Pack, RunInfo
from packgen.render import regional
from packgen.render.html import environment
from packgen.render.national import (
    PROVIDER_CATEGORY_COLUMNS,
    PROVIDER_COLUMNS,
    live_shares,
    opportunity_totals,
    range_cover_items,
)
from packgen.render.summary_workbook import Sheet, write_summary_workbook
from packgen.render.xlsx_tables import COUNT, GBP_PENCE, PERCENT, Column
from packgen.run import totals

TEMPLATE = "system.html.j2"
LARGEST = 8  # provider x category opportunities listed in the PDF (the workbook has all)
PACK_FORMATS = ("pdf", "xlsx")

_SHARE_OF_SYSTEM = Column(
    "share_of_system_cost", "% of system cost base", PERCENT, description="The provider's cost "
    "base / the sum of the system's providers' cost bases, as a percentage; blank where any "
    "provider's cost base is not known.")
_PACK_FILES = Column(
    "pack_files", "Provider pack files", width=44, wrap=True, description="Where the provider's "
    "own pack is in the run folder: providers/<ODS code>/<ODS code>-opportunity-pack.pdf (and "
    ".xlsx). Text.")
SYSTEM_PROVIDER_COLUMNS = (
    *(c for c in PROVIDER_COLUMNS if c.key not in ("region_code", "region_name", "icb_code",
                                                   "icb_name")), _SHARE_OF_SYSTEM, _PACK_FILES)
LARGEST_COLUMNS = (
    Column("rank", "Rank", COUNT, description="Position among the system's provider x category "
           "opportunities, 1 = largest."),
    *(c for c in PROVIDER_CATEGORY_COLUMNS if c.key in ("provider_code", "provider_name",
                                                        "category", "category_title")),
    Column("opportunity_gbp", "Opportunity (£)", GBP_PENCE, description="The category's figure "
           "in the provider's pack, in pounds."),
    Column("share_of_system_total", "% of system total", PERCENT, description="Opportunity (£) "
           "/ the system's total opportunity, as a percentage."),
    Column("largest_item", "Largest item in the category", width=40, wrap=True,
           description="The category's largest row in the provider pack (a specialty, "
           "function, ward type, ...). Text."),
    Column("largest_item_gbp", "Largest item (£)", GBP_PENCE, description="That row's "
           "opportunity in the provider pack, in pounds."),
)


def system_paths(run_dir: Path, icb_code: str) -> dict[str, Path]:
    folder = Path(run_dir) / "systems" / icb_code
    return {fmt: folder / f"{icb_code}-system-pack.{fmt}" for fmt in ("pdf", "xlsx")}


def pack_files(code: str) -> str:
    """The provider's pack files, relative to the run folder (as `run.workers.pack_path`)."""
    return " and ".join(f"providers/{code}/{code}-opportunity-pack.{fmt}" for fmt in PACK_FORMATS)


def provider_rows(packs: Sequence[Pack], quality: Mapping[str, str]) -> list[dict]:
    """The system's providers ranked by total opportunity, with their share of the system's
    cost base, productivity growth and pack files."""
    cost = totals.known_sum(p.provider.operating_cost_gbp for p in packs)
    rows = []
    for rank, pack in enumerate(totals.ranked(packs), start=1):
        code = pack.provider.code
        growth = pack.productivity
        row = totals.provider_row(pack, rank, quality.get(code, "OK"))
        row.update(
            share_of_system_cost=pack.provider.operating_cost_gbp / cost if cost else None,
            productivity_growth=growth.productivity_growth if growth else None,
            productivity_rank=growth.rank if growth else None,
            productivity_rank_of=growth.rank_of if growth else None,
            pack_files=pack_files(code), pack_pdf=f"{code}-opportunity-pack.pdf")
        rows.append(row)
    return rows


def largest_rows(packs: Sequence[Pack], limit: int | None = None) -> list[dict]:
    """The system's provider x category opportunities above £0, largest first, with the
    category's largest row in the provider pack."""
    system_total = totals.national_total(packs)
    rows = []
    for pack in packs:
        for section in pack.categories:
            if section.opportunity_gbp <= 0:
                continue
            top = max((r for r in section.rows if r.in_total), default=None,
                      key=lambda r: r.opportunity_gbp)
            rows.append({
                "provider_code": pack.provider.code, "provider_name": pack.provider.name,
                "category": section.id, "category_title": section.title,
                "opportunity_gbp": section.opportunity_gbp,
                "share_of_system_total": section.opportunity_gbp / system_total,
                "largest_item": top.sub_unit_label if top else "",
                "largest_item_gbp": top.opportunity_gbp if top else None})
    rows.sort(key=lambda r: (-r["opportunity_gbp"], r["provider_code"], r["category"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows[:limit] if limit is not None else rows


def _system(icb_code: str, packs: Sequence[Pack]) -> tuple[totals.GroupTotal, str]:
    (group,) = totals.group_totals(packs, totals.by_icb)
    return group, totals.icb_region(icb_code, packs)


def _region_names(region: str) -> str:
    names = reference.names("regions")
    return "; ".join(f"{names.get(code, code)} ({code})" for code in region.split(";"))


def system_html(icb_code: str, packs: Sequence[Pack], run: RunInfo,
                quality: Mapping[str, str]) -> str:
    system, region = _system(icb_code, packs)
    rows = provider_rows(packs, quality)
    categories = totals.category_rows(packs)
    requirement_rate = packs[0].requirement_rate
    growing = [r for r in rows if r["productivity_growth"] is not None]
    return environment().get_template(TEMPLATE).render(
        run=run, icb_code=icb_code, system=system, region=_region_names(region),
        providers=rows, categories=categories,
        largest=largest_rows(packs, LARGEST), largest_count=len(largest_rows(packs)),
        covering=sum(1 for r in rows if r["covers_requirement"] == "Yes"),
        with_requirement=sum(1 for r in rows if r["covers_requirement"] != "Not known"),
        requirement_rate=requirement_rate,
        meeting_growth=sum(1 for r in growing if r["productivity_growth"] >= requirement_rate),
        with_growth=len(growing),
        cost_not_known=[r for r in rows if r["cost_base_gbp"] is None],
        not_assessed=[r for r in rows if r["data_quality"] != "OK"],
        sectors=[g.row() for g in totals.group_totals(packs, totals.by_sector)])


def write_system_workbook(path: Path, icb_code: str, packs: Sequence[Pack], run: RunInfo,
                          quality: Mapping[str, str]) -> Path:
    system, region = _system(icb_code, packs)
    cover = [
        ("Integrated care board (system)", f"{system.name} ({icb_code})", None),
        ("NHS England region", _region_names(region), None),
        ("Providers", system.providers, COUNT),
        ("Total opportunity (£)", system.total_gbp, GBP_PENCE),
        *range_cover_items(packs),
        ("Cost base (£)", system.cost_base_gbp if system.cost_base_gbp is not None
         else "Not known: some providers' operating cost is not supplied", GBP_PENCE),
        ("Opportunity % of cost base", system.pct_of_cost_base, PERCENT),
        (f"{packs[0].requirement_rate:.0%} productivity requirement (£)", system.requirement_gbp
         if system.requirement_gbp is not None else "Not known: some providers' operating cost "
         "is not supplied", GBP_PENCE),
    ]
    sheets = [
        Sheet("Providers", f"Providers of {system.name} ranked by total opportunity",
              "The system's providers side by side, with their share of the system's cost base "
              "and where each provider's pack is.", SYSTEM_PROVIDER_COLUMNS,
              live_shares(provider_rows(packs, quality)), "providers"),
        *regional.group_sheets(packs, "system"),
        Sheet("Largest opportunities", "Provider x category opportunities, largest first",
              "Every provider x category opportunity above £0, largest first, with the "
              "category's largest row in the provider pack.", LARGEST_COLUMNS,
              largest_rows(packs), "largest"),
    ]
    notes = ["The system's figures are sums of the figures in its providers' packs, to the penny; "
             "the Totals and checks sheet adds the tables up with live formulas and checks them "
             "against these.",
             "Categories can overlap: each provider's total, and so the system's, is an upper "
             "bound.",
             "A provider's share of the system's cost base is blank when any provider's "
             "operating cost is not known (the system's cost base is then not known).",
             "Percentages of cost base are live formulas in the Providers, Provider categories "
             "and Sectors tables."]
    return write_summary_workbook(
        path, title=f"System opportunity summary: {system.name} ({icb_code})", run=run,
        cover_items=cover, sheets=sheets, notes=notes,
        totals=opportunity_totals(packs, [s.title for s in sheets]))


def write_system_pack(run_dir: Path, icb_code: str, packs: Sequence[Pack], run: RunInfo,
                      quality: Mapping[str, str]) -> dict[str, Path]:
    paths = system_paths(run_dir, icb_code)
    # looked up at call time (tests replace it)
    write_bytes_atomically(paths["pdf"], regional.render_summary_pdf(
        system_html(icb_code, packs, run, quality)))
    write_system_workbook(paths["xlsx"], icb_code, packs, run, quality)
    return paths
