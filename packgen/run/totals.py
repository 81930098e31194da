"""Totals, distributions and data-quality lines, computed from the provider pack models only.

The national summary, the regional packs and the plan checks all add up the very figures the
provider packs show (each category's `opportunity_gbp`, each pack's `total_opportunity_gbp`), so
every total reconciles to the penny with the packs. Sums are rounded to the penny once.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from packgen import reference
from packgen.pack.model import Pack


def penny(value: float) -> float:
    return round(value + 0.0, 2)


def known_sum(values: Iterable[float | None]) -> float | None:
    """The sum to the penny, or None when any part is not known: a total of the providers whose
    figure is known would read as everyone's (real bundles lack operating costs)."""
    values = list(values)
    if any(v is None for v in values):
        return None
    return penny(sum(values))


def covers(total: float, requirement: float | None) -> str:
    """Whether an opportunity covers the productivity requirement, in words. Callers give the
    total with overlaps removed, the figure to plan against: the upper bound double counts."""
    if requirement is None:
        return "Not known"
    return "Yes" if total >= requirement else "No"


def category_titles(packs: Iterable[Pack]) -> dict[str, str]:
    """Category id -> title, for every category in any pack (first seen order)."""
    titles: dict[str, str] = {}
    for pack in packs:
        for section in pack.categories:
            titles.setdefault(section.id, section.title)
    return titles


def ranked(packs: Iterable[Pack]) -> list[Pack]:
    """Largest total opportunity first; ties by provider code."""
    return sorted(packs, key=lambda p: (-p.total_opportunity_gbp, p.provider.code))


def data_quality(pack: Pack, ncc_rows_excluded: int = 0) -> str:
    """One line: "OK", or e.g. "1 category not assessed; 6 rows not assessed; 120 NCC rows ..."."""
    unassessed = sum(1 for s in pack.categories
                     if not any(r.assessed for r in s.rows if r.in_total))
    parts = [] if pack.benchmarked else ["Not benchmarked: the provider has no sector"]
    if unassessed:
        parts.append(f"{unassessed} categor{'y' if unassessed == 1 else 'ies'} not assessed")
    rows = len(pack.not_assessed)
    if rows:
        parts.append(f"{rows:,} row{'s' * (rows != 1)} not assessed")
    if ncc_rows_excluded:
        parts.append(f"{ncc_rows_excluded:,} NCC rows suppressed or blank")
    return "; ".join(parts) or "OK"


def provider_row(pack: Pack, rank: int | None = None, quality: str | None = None) -> dict:
    p = pack.provider
    row = {
        "rank": rank, "provider_code": p.code, "provider_name": p.name, "sector": p.sector_name,
        "peer_group": p.peer_group, "region_code": p.region_code, "region_name": p.region_name,
        "icb_code": p.icb_code, "icb_name": reference.icb_name(p.icb_code),
        "cost_base_gbp": p.operating_cost_gbp, "total_gbp": pack.total_opportunity_gbp,
        "total_overlaps_removed_gbp": pack.total_overlaps_removed_gbp,
        "total_median_gbp": pack.total_median_gbp,
        "total_overlaps_removed_median_gbp": pack.total_overlaps_removed_median_gbp,
        "pct_of_cost_base": pack.total_pct_of_cost_base, "requirement_gbp": pack.requirement_gbp,
        "covers_requirement": covers(pack.total_overlaps_removed_gbp, pack.requirement_gbp),
        "top_category": next((s.title for s in pack.categories if s.opportunity_gbp > 0), ""),
        # 0: nothing could be assessed, so the total is not known (outputs say "Not assessed")
        "assessed_categories": sum(1 for s in pack.categories if s.assessed),
    }
    if not row["assessed_categories"]:  # blanks, never £0 or "does not cover 2%"
        row.update(dict.fromkeys(("total_gbp", *RANGE_TOTALS, "pct_of_cost_base")),
                   covers_requirement="Not known")
    if quality is not None:
        row["data_quality"] = quality
    return row


def provider_category_rows(packs: Iterable[Pack]) -> list[dict]:
    """Every provider x category: pounds at the run's percentile and at the peers' median (a
    fixed target's one figure at both), % of cost base, rows not assessed."""
    rows = []
    for pack in packs:
        p = pack.provider
        for section in pack.categories:
            # a category not assessed has no figure (blank), never £0
            amount = section.opportunity_gbp if section.assessed else None
            median = section.opportunity_median_gbp if section.assessed else None
            rows.append({
                "provider_code": p.code, "provider_name": p.name, "sector": p.sector_name,
                "region_code": p.region_code, "category": section.id,
                "category_title": section.title,
                "assessed": "Yes" if section.assessed
                else f"No: {section.status_reason or 'not assessed'}",
                "opportunity_gbp": amount, "opportunity_median_gbp": median,
                "has_range": section.has_range,
                "pct_of_cost_base": amount / p.operating_cost_gbp
                if amount is not None and p.operating_cost_gbp else None,
                "not_assessed": section.not_assessed,
            })
    return rows


@dataclass(frozen=True)
class GroupTotal:
    key: str
    name: str
    providers: int
    cost_base_gbp: float | None  # None when a member's operating cost is not known
    total_gbp: float
    requirement_gbp: float | None
    by_category: dict[str, float | None]  # None: assessed for no member
    # the range (see Pack): overlaps removed, and both totals at the peers' median
    total_overlaps_removed_gbp: float = 0.0
    total_median_gbp: float = 0.0
    total_overlaps_removed_median_gbp: float = 0.0
    # by_category at the peers' median (a fixed target's one figure); None as in by_category
    by_category_median: dict[str, float | None] = field(default_factory=dict)

    @property
    def pct_of_cost_base(self) -> float | None:
        return self.total_gbp / self.cost_base_gbp if self.cost_base_gbp else None

    def row(self) -> dict:
        return {"key": self.key, "name": self.name, "providers": self.providers,
                "cost_base_gbp": self.cost_base_gbp, "total_gbp": self.total_gbp,
                "pct_of_cost_base": self.pct_of_cost_base,
                "requirement_gbp": self.requirement_gbp,
                "total_overlaps_removed_gbp": self.total_overlaps_removed_gbp,
                "total_median_gbp": self.total_median_gbp,
                "total_overlaps_removed_median_gbp": self.total_overlaps_removed_median_gbp}


def group_totals(packs: Sequence[Pack],
                 key: Callable[[Pack], tuple[str, str]]) -> list[GroupTotal]:
    """Totals per group (`key(pack)` -> (code, name)), largest opportunity first."""
    groups: dict[tuple[str, str], list[Pack]] = defaultdict(list)
    for pack in packs:
        groups[key(pack)].append(pack)
    totals = []
    for (code, name), members in groups.items():
        # a category assessed for none of the members is None (not known), never £0
        by_category: dict[str, float | None] = {}
        by_category_median: dict[str, float | None] = {}
        for pack in members:
            for section in pack.categories:
                if section.assessed:
                    by_category[section.id] = (by_category.get(section.id) or 0.0
                                               ) + section.opportunity_gbp
                    by_category_median[section.id] = (by_category_median.get(section.id) or 0.0
                                                      ) + section.opportunity_median_gbp
                else:
                    by_category.setdefault(section.id, None)
                    by_category_median.setdefault(section.id, None)
        totals.append(GroupTotal(
            code, name, len(members), known_sum(p.provider.operating_cost_gbp for p in members),
            penny(sum(p.total_opportunity_gbp for p in members)),
            known_sum(p.requirement_gbp for p in members),
            {k: None if v is None else penny(v) for k, v in by_category.items()},
            *(penny(sum(getattr(p, f) for p in members)) for f in RANGE_TOTALS),
            by_category_median={k: None if v is None else penny(v)
                                for k, v in by_category_median.items()}))
    return sorted(totals, key=lambda g: (-g.total_gbp, g.key))


# The pack's other totals of the range, in GroupTotal's order.
RANGE_TOTALS = ("total_overlaps_removed_gbp", "total_median_gbp",
                "total_overlaps_removed_median_gbp")


def by_sector(pack: Pack) -> tuple[str, str]:
    # a provider with no sector (not benchmarked) is grouped, never dropped
    return pack.provider.sector or "not_known", pack.provider.sector_name


def by_region(pack: Pack) -> tuple[str, str]:
    return pack.provider.region_code, pack.provider.region_name


def by_icb(pack: Pack) -> tuple[str, str]:
    # a provider with no ICB is grouped as such ("" and "No ICB given"), never dropped
    return pack.provider.icb_code or "", reference.icb_name(pack.provider.icb_code)


def packs_by_icb(packs: Iterable[Pack]) -> dict[str, list[Pack]]:
    """ICB code -> its providers' packs, by code; providers with no ICB under ""."""
    groups: dict[str, list[Pack]] = defaultdict(list)
    for pack in packs:
        groups[by_icb(pack)[0]].append(pack)
    return dict(sorted(groups.items()))


def icb_region(icb_code: str, packs: Iterable[Pack]) -> str:
    """The ICB's NHS England region: from the reference list for a real ICB, else its
    providers' region (every one of them, joined with ';', should they differ)."""
    known = reference.icb_regions().get(icb_code)
    if known:
        return known
    return ";".join(sorted({p.provider.region_code for p in packs}))


def national_total(packs: Iterable[Pack]) -> float:
    return penny(sum(p.total_opportunity_gbp for p in packs))


def category_rows(packs: Sequence[Pack]) -> list[dict]:
    """Per category: the providers it applies to, those assessed and those with opportunity,
    the total at the run's percentile and at the peers' median (`has_range` False: a fixed
    target, one figure at both), and the distribution of the assessed providers' opportunity
    (min, quartiles, median, max; quartiles linearly interpolated as Excel's QUARTILE.INC). A
    category assessed for no provider has no total and no distribution (blank: not known, never
    £0)."""
    titles = category_titles(packs)
    applies: dict[str, int] = defaultdict(int)
    has_range: dict[str, bool] = {}
    values: dict[str, list[float]] = defaultdict(list)
    at_median: dict[str, list[float]] = defaultdict(list)
    cost_base: dict[str, list[float | None]] = defaultdict(list)
    for pack in packs:
        for section in pack.categories:
            applies[section.id] += 1
            has_range[section.id] = has_range.get(section.id, False) or section.has_range
            if section.assessed:
                values[section.id].append(section.opportunity_gbp)
                at_median[section.id].append(section.opportunity_median_gbp)
                cost_base[section.id].append(pack.provider.operating_cost_gbp)
    rows = []
    for category, count in applies.items():
        ordered = sorted(values[category])
        row = {"category": category, "category_title": titles[category], "providers": count,
               "assessed": len(ordered), "has_range": has_range[category],
               "with_opportunity": sum(1 for v in ordered if v > 0) if ordered else None,
               **dict.fromkeys(("total_gbp", "total_median_gbp", "pct_of_cost_base",
                                "min_gbp", "q1_gbp", "median_gbp", "q3_gbp", "max_gbp"))}
        if ordered:
            q1, median, q3 = _quartiles(ordered)
            total = penny(sum(ordered))
            base = known_sum(cost_base[category])
            row.update(total_gbp=total, pct_of_cost_base=total / base if base else None,
                       total_median_gbp=penny(sum(at_median[category])),
                       min_gbp=ordered[0], q1_gbp=q1, median_gbp=median, q3_gbp=q3,
                       max_gbp=ordered[-1])
        rows.append(row)
    return sorted(rows, key=lambda r: (r["total_gbp"] is None, -(r["total_gbp"] or 0.0),
                                       r["category"]))


def _quartiles(ordered: list[float]) -> tuple[float, float, float]:
    if len(ordered) == 1:
        return ordered[0], ordered[0], ordered[0]
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return penny(q1), penny(median), penny(q3)
