"""2026/27 plan checks: read providers' planned savings by category (contract table `plans`) and
check them against the opportunities identified in their packs.

Rules, each a flag in words:
- planned saving below the requirement: total planned saving < 2% of the cost base;
- planned productivity growth below 2% (or not given);
- large opportunity with no plan: identified >= `large_gbp` or >= `large_share` of the cost base,
  and the plan for the category is 0 or missing, or the provider has no plan in the file at all;
- plan above the identified opportunity: the plan needs evidence beyond the pack.
And each plan is placed against the range (issue 16): from the total with overlaps removed at
the peers' median (the cautious end) to the upper bound at the run's percentile, a provider's
planned saving is below the range (not ambitious enough), within it, or above it (check that it
can be delivered); a category's plan likewise against the category's figure at the median and
at the run's percentile.
Identified figures are the packs' own category figures, so the checks reconcile with the packs.
Checks are added up by region and by system (ICB), where 2026/27 plans are agreed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from packgen import reference
from packgen.contract.columns import value_problems
from packgen.contract.read import LINE, read_table
from packgen.contract.report import Problem, ValidationReport
from packgen.contract.tables import table as contract_table
from packgen.contract.validate import CATEGORY_IDS, check_key, check_table
from packgen.errors import InputError
from packgen.pack.model import Pack
from packgen.run import totals

FLAG_SAVING = "Planned saving below {rate} of cost base"
FLAG_GROWTH = "Planned productivity growth below {rate}"
FLAG_GROWTH_MISSING = "Planned productivity growth not given"
FLAG_UNPLANNED = "Large opportunity with no plan"
FLAG_ABOVE = "Plan above identified opportunity: evidence needed"
FLAG_NOT_ASSESSED = "Planned in a category the pack could not assess: evidence needed"
FLAG_REQUIREMENT_UNKNOWN = "Requirement not known: operating cost not supplied"
BELOW = "Below the range: not ambitious enough"
WITHIN = "Within the range"
ABOVE = "Above the range: check it can be delivered"
NO_PLAN = "No plan"
NO_RANGE = "No range: nothing assessed"
VERDICTS = (BELOW, WITHIN, ABOVE)
# what a region's or system's verdict means, in a sentence ({what}: "region" or "system")
AREA_SENTENCES = {
    BELOW: "Together the plans fall short of the cautious end of the range.",
    WITHIN: "Together the plans sit within the range.",
    ABOVE: "Together the plans go beyond the upper bound of the identified opportunities: "
           "check that they can be delivered.",
    NO_RANGE: "No category could be assessed at the providers with a plan: their plans have no "
              "range to be placed against.",
    NO_PLAN: "No provider of the {what} has a plan in the file.",
}
PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Thresholds:
    large_gbp: float = 1_000_000.0
    large_share: float = 0.005
    requirement_rate: float = 0.02

    def describe(self) -> str:
        return (f"large opportunity = at least £{self.large_gbp:,.0f} or {self.large_share:.1%} "
                f"of cost base; requirement = {self.requirement_rate:.0%} of cost base and "
                f"{self.requirement_rate:.0%} productivity growth")


def read_plans(path: Path, providers: Mapping[str, dict]) -> pl.DataFrame:
    """The plans file, typed and checked by the contract's `plans` rules; InputError otherwise.

    Reuses the bundle validator's per-table checks (types, required columns, duplicate keys),
    then checks provider codes against the store and categories against the category ids.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no plans file at {path}",
                         "give a CSV with provider_code, category, planned_saving_gbp and "
                         "planned_productivity_growth columns (see `packgen contract`).")
    table = contract_table("plans")
    report = ValidationReport(path.parent, files={"plans": path})
    raw, errors, _warnings = read_table(table, path)
    report.errors += errors
    if raw is None:
        _raise(report, path)
    frame = check_table(raw, report)
    for column, valid, what in (("provider_code", set(providers), "provider in the bundle"),
                                ("category", set(CATEGORY_IDS), "category id")):
        bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(valid)))
        report.errors += value_problems(
            path.name, bad, column, column, lambda v, w=what: f"'{v}' is not a known {w}",
            lambda v, c=column: "use an ODS code from the bundle's providers table."
            if c == "provider_code" else f"use one of: {', '.join(CATEGORY_IDS)}.",
            "unknown_code")
    check_key(table, path.name, frame, report)
    growth = (frame.drop_nulls(["provider_code", "planned_productivity_growth"])
              .group_by("provider_code").agg(pl.col("planned_productivity_growth").unique(),
                                             pl.col(LINE).min())
              .filter(pl.col("planned_productivity_growth").list.len() > 1).sort(LINE))
    for code, values, line in growth.iter_rows():
        report.error(Problem(path.name, line, "planned_productivity_growth",
                             f"provider {code} has different planned productivity growth on "
                             f"different rows ({', '.join(f'{v:g}' for v in sorted(values))}).",
                             "give one value per provider (on every row, or on one row only).",
                             "inconsistent_growth"))
    if not report.ok:
        _raise(report, path)
    return frame.drop(LINE)


def _raise(report: ValidationReport, path: Path) -> None:
    shown = [str(p) for p in report.errors[:PROBLEMS_SHOWN]]
    if len(report.errors) > PROBLEMS_SHOWN:
        shown.append(f"... and {len(report.errors) - PROBLEMS_SHOWN:,} more")
    count = len(report.errors)
    raise InputError(f"{count:,} problem{'s' * (count != 1)} in the plans file {path}:\n  "
                     + "\n  ".join(shown),
                     "fix the plans file (each problem names the line and column) and run "
                     "packgen check-plans again.")


@dataclass
class PlanChecks:
    thresholds: Thresholds
    category_rows: list[dict]  # every provider x category, with a plan or not
    provider_rows: list[dict]
    region_rows: list[dict]
    system_rows: list[dict]  # by integrated care board: 2026/27 plans are agreed system by system


def check_plans(packs: Sequence[Pack], plans: pl.DataFrame,
                thresholds: Thresholds = Thresholds()) -> PlanChecks:
    """Every provider's plan against its pack, and the same added up by region and by system.

    A provider without a plan in the file is checked too: it is counted as having no plan, and
    each of its large categories is a large opportunity with no plan (a missing plan must never
    read as "nothing to flag")."""
    planned: dict[str, dict[str, float]] = defaultdict(dict)
    growth: dict[str, float] = {}
    for code, category, saving, rate in plans.select(
            "provider_code", "category", "planned_saving_gbp",
            "planned_productivity_growth").iter_rows():
        if saving is not None:  # to the penny, as every figure the workbook adds up
            planned[code][category] = totals.penny(saving)
        if rate is not None:
            growth[code] = rate
    submitted = set(plans["provider_code"].to_list())
    category_rows, provider_rows = [], []
    for pack in totals.ranked(packs):
        code = pack.provider.code
        plan = planned[code] if code in submitted else None
        rows = _category_rows(pack, plan, thresholds)
        category_rows += rows
        provider_rows.append(_provider_row(pack, plan, growth.get(code), rows, thresholds))
    return PlanChecks(thresholds, category_rows, provider_rows,
                      group_rows(provider_rows, REGION_KEYS),
                      group_rows(provider_rows, SYSTEM_KEYS))


def range_verdict(planned: float | None, low: float | None, high: float | None) -> str:
    """A planned saving against the range `low` (cautious end) to `high` (upper bound), to the
    penny: below, within or above; "No plan" without a plan, "No range" without a range."""
    if planned is None:
        return NO_PLAN
    if low is None or high is None:
        return NO_RANGE
    planned, low, high = totals.penny(planned), totals.penny(low), totals.penny(high)
    return BELOW if planned < low else ABOVE if planned > high else WITHIN


def _assessed_anything(pack: Pack) -> bool:
    return any(s.assessed for s in pack.categories)


def _category_rows(pack: Pack, planned: dict[str, float] | None, th: Thresholds) -> list[dict]:
    """The provider's categories (and those planned but not applicable to it), each flagged and
    its plan placed against the category's range. `planned` is None when the provider has no
    plan in the file."""
    p = pack.provider
    cost = p.operating_cost_gbp
    sections = {s.id: s for s in pack.categories}
    plan_rows = planned or {}
    rows = []
    for category in [*sections, *sorted(set(plan_rows) - set(sections))]:
        section = sections.get(category)
        assessed = section is not None and section.assessed
        # a category not assessed has no figure (blank, never £0) and so no range
        found = section.opportunity_gbp if assessed else None
        low = section.opportunity_median_gbp if assessed else None
        plan = plan_rows.get(category)
        large = found is not None and found > 0 and (
            found >= th.large_gbp or (cost is not None and found >= th.large_share * cost))
        rows.append({
            "provider_code": p.code, "provider_name": p.name, "region_code": p.region_code,
            "icb_code": p.icb_code, "plan_submitted": "No" if planned is None else "Yes",
            "category": category,
            "category_title": section.title if section is not None else category,
            "assessed": "Yes" if assessed else f"No: {section.status_reason}"
            if section is not None and section.status_reason
            else f"No: {p.sector_name.lower()} providers are not assessed in this category"
            if pack.benchmarked else "No: the provider has no sector, so it is not benchmarked",
            "identified_median_gbp": low, "identified_gbp": found, "planned_gbp": plan,
            "range_verdict": "" if plan is None else range_verdict(plan, low, found),
            "difference_gbp": totals.penny((plan or 0.0) - (found or 0.0)),
            "identified_pct": found / cost if found is not None and cost else None,
            "flag_unplanned": FLAG_UNPLANNED if large and not plan else "",
            "flag_above": "" if not plan else FLAG_NOT_ASSESSED if found is None
            else FLAG_ABOVE if plan > found + 0.005 else "",
        })
    return rows


def _provider_row(pack: Pack, planned: dict[str, float] | None, growth: float | None,
                  rows: list[dict], th: Thresholds) -> dict:
    p = pack.provider
    cost = p.operating_cost_gbp
    requirement = totals.penny(th.requirement_rate * cost) if cost is not None else None
    unplanned = [r for r in rows if r["flag_unplanned"]]
    ranged = _assessed_anything(pack)
    row = {
        "provider_code": p.code, "provider_name": p.name, "sector": p.sector_name,
        "region_code": p.region_code, "region_name": p.region_name,
        "icb_code": p.icb_code, "icb_name": reference.icb_name(p.icb_code),
        "cost_base_gbp": cost, "requirement_gbp": requirement,
        # the range: the total with overlaps removed at the median, to the upper bound (blank
        # when no category could be assessed: then there is no range, not a range of £0)
        "range_low_gbp": pack.total_overlaps_removed_median_gbp if ranged else None,
        "identified_gbp": pack.total_opportunity_gbp if ranged else None,
        "plan_submitted": "Yes" if planned is not None else "No", "planned_gbp": None,
        "planned_pct": None, "planned_growth": growth,
        "range_verdict": NO_PLAN if planned is None else NO_RANGE,
        "flag_saving": "", "flag_growth": "",
        # counted with a plan or without one: a provider with no plan leaves every large
        # opportunity unplanned
        "unplanned_categories": len(unplanned),
        "unplanned_gbp": totals.penny(sum(r["identified_gbp"] for r in unplanned)),
        "above_categories": sum(1 for r in rows if r["flag_above"]),
    }
    if planned is None:
        return row
    total = totals.penny(sum(planned.values()))
    rate = f"{th.requirement_rate:.0%}"
    row.update(
        planned_gbp=total, planned_pct=total / cost if cost else None,
        range_verdict=range_verdict(total, row["range_low_gbp"],
                                    pack.total_opportunity_gbp if ranged else None),
        flag_saving=FLAG_REQUIREMENT_UNKNOWN if requirement is None
        else FLAG_SAVING.format(rate=rate) if total < requirement else "",
        flag_growth=FLAG_GROWTH_MISSING if growth is None
        else FLAG_GROWTH.format(rate=rate) if growth < th.requirement_rate else "")
    return row


REGION_KEYS = ("region_code", "region_name")
SYSTEM_KEYS = ("icb_code", "icb_name")


def sum_present(rows: Sequence[dict], key: str) -> float:
    """Pounds over the rows that have the figure, to the penny (a blank is no plan, or a
    figure not assessed: it adds nothing)."""
    return totals.penny(sum(r[key] for r in rows if r[key] is not None))


def group_rows(provider_rows: Sequence[dict], keys: tuple[str, str]) -> list[dict]:
    """The providers' checks added up by region or system (`keys`: the code and name fields).

    Planned savings are set beside the identified opportunity and the requirement of the same
    providers, those with a plan (`identified_with_plan_gbp`, `requirement_with_plan_gbp`);
    the figures of every provider are there as well. Flags of large opportunities with no plan
    count every provider, with a plan or without one."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in provider_rows:
        groups[row[keys[0]] or "", row[keys[1]]].append(row)
    out = []
    for (code, name), rows in sorted(groups.items(), key=lambda kv: (not kv[0][0], kv[0][0])):
        with_plan = [r for r in rows if r["plan_submitted"] == "Yes"]
        without = [r for r in rows if r["plan_submitted"] != "Yes"]
        row = {
            keys[0]: code, keys[1]: name, "code": code, "name": name,
            "providers": len(rows), "plans": len(with_plan), "no_plan": len(without),
            "cost_base_gbp": totals.known_sum(r["cost_base_gbp"] for r in rows),
            "requirement_gbp": totals.known_sum(r["requirement_gbp"] for r in rows),
            "identified_gbp": sum_present(rows, "identified_gbp"),
            "planned_gbp": sum_present(with_plan, "planned_gbp"),
            "identified_with_plan_gbp": sum_present(with_plan, "identified_gbp"),
            "range_low_with_plan_gbp": sum_present(with_plan, "range_low_gbp"),
            "requirement_with_plan_gbp": totals.known_sum(r["requirement_gbp"]
                                                          for r in with_plan),
            # below the requirement; a requirement not known is counted apart, not as below
            "saving_below": sum(1 for r in with_plan
                                if r["flag_saving"] and r["requirement_gbp"] is not None),
            "requirement_unknown": sum(1 for r in with_plan if r["requirement_gbp"] is None),
            "growth_below": sum(1 for r in with_plan if r["flag_growth"]),
            "unplanned_categories": sum(r["unplanned_categories"] for r in rows),
            "unplanned_no_plan_categories": sum(r["unplanned_categories"] for r in without),
            "unplanned_gbp": sum_present(rows, "unplanned_gbp"),
            "above_categories": sum(r["above_categories"] for r in with_plan),
            "below_range": sum(1 for r in with_plan if r["range_verdict"] == BELOW),
            "within_range": sum(1 for r in with_plan if r["range_verdict"] == WITHIN),
            "above_range": sum(1 for r in with_plan if r["range_verdict"] == ABOVE),
            "no_range": sum(1 for r in with_plan if r["range_verdict"] == NO_RANGE),
        }
        # the area's plans together against the same providers' ranges added up; a provider
        # with a plan but nothing assessed has no range, so its plan is left out of the verdict
        # (and counted under no_range)
        ranged = [r for r in with_plan if r["range_low_gbp"] is not None]
        row["range_verdict"] = (NO_PLAN if not with_plan else NO_RANGE if not ranged
                                else range_verdict(sum_present(ranged, "planned_gbp"),
                                                   sum_present(ranged, "range_low_gbp"),
                                                   sum_present(ranged, "identified_gbp")))
        if keys == SYSTEM_KEYS:
            row["region_code"] = ";".join(sorted({r["region_code"] for r in rows}))
        out.append(row)
    return out
