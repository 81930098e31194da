"""Acute cost's drill-down: below each department x specialty cell, its HRG rows (docs/method.md,
"Acute cost", step 7), rolled up to specialties and to the five point-of-delivery groups.

This is acute cost's own module: it knows the category's components (`cost_index` cells, the
`overall_cost_index` context row) and the engine's `acute_hrg_rows` and `stg_ncc_rows` tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import fields

import duckdb
import polars as pl

from packgen import reference
from packgen.pack.drilldowns import DrillRows
from packgen.pack.model import CategorySection, Fact, HrgDrilldown, HrgRow, SpecialtyDrill

KIND = "hrg"
TITLE = "Acute cost: specialty drill-down"
COLUMNS = [f.name for f in fields(HrgRow)]
TOP_HRGS = 3  # HRGs kept per specialty for the PDF (the workbook has every row)
CELLS, OVERALL = "cost_index", "overall_cost_index"


def load_rows(con: duckdb.DuckDBPyConnection,
              providers: Collection[str] | None = None) -> DrillRows:
    """The HRG rows with opportunity, of every provider or of `providers` only."""
    if providers is not None and not providers:
        return DrillRows.empty()
    only = "" if providers is None else "and provider_code in (select unnest($codes))"
    frame = con.sql(
        f"select provider_code, {', '.join(COLUMNS)} from acute_hrg_rows "
        f"where opportunity_gbp > 0 {only} order by provider_code, opportunity_gbp desc, "
        "department_code, service_code, currency_code",
        params=None if providers is None else {"codes": sorted(providers)}).pl()
    return DrillRows.from_frame(frame, providers)


def load_facts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, float]]:
    """Acute and specialist trusts' community, mental health and ambulance NCC rows, which acute
    cost leaves out (pod group non_acute): provider -> (rows, actual cost)."""
    return {code: (rows, cost) for code, rows, cost in con.execute(
        "select provider_code, count(*), sum(actual_cost_gbp) from stg_ncc_rows "
        "where pod_group = 'non_acute' and sector in ('acute', 'specialist') group by 1"
    ).fetchall()}


def notes(section: CategorySection, facts: Mapping[str, tuple[int, float]],
          provider_code: str) -> list[str]:
    if provider_code not in facts:
        return []
    rows, cost = facts[provider_code]
    return [f"{rows:,} National Cost Collection rows (£{cost:,.0f} of actual cost) are "
            "community, mental health or ambulance services; acute cost compares acute "
            "departments only, so they are outside it."]


def build(section: CategorySection, rows: DrillRows, facts: Mapping, provider_code: str,
          mff: float | None, detail: bool) -> HrgDrilldown:
    """The provider's drill-down. Without `detail` the HRG rows are neither read nor kept
    (specialties keep their totals, not their top HRGs): enough for national totals."""
    hrgs = _hrg_rows(rows.of(provider_code)) if detail else []
    overall = next((r for r in section.rows if r.component == OVERALL), None)
    index = overall.metric * 100 if overall and overall.assessed and overall.metric else None
    rank = section.rank if index is not None else None
    by_pod = _by_pod_group(section)
    facts_shown = []
    if index is not None:
        facts_shown += [Fact("Overall cost index (100 = the national average cost of the same "
                             "casemix, after the market forces factor; lower is better)", index,
                             "index"),
                        Fact("Rank among peers on the overall cost index (1 = lowest cost)",
                             rank, "count"),
                        Fact("Peers ranked on the overall cost index", section.rank_of,
                             "count")]
    facts_shown += [Fact(f"Opportunity: {name}", amount, "gbp") for _g, name, amount in by_pod]
    return HrgDrilldown(KIND, TITLE, tuple(facts_shown), specialties=_specialties(section, hrgs),
                        by_pod_group=by_pod, rows=tuple(hrgs), mff=mff,
                        median_by_pod_group=_median_by_pod_group(section))


def _hrg_rows(frame: pl.DataFrame | None) -> list[HrgRow]:
    """HrgRow objects, largest opportunity first, from a provider's HRG frame."""
    if frame is None:
        return []
    return [HrgRow(*row) for row in frame.select(COLUMNS).iter_rows()]


def _specialties(section: CategorySection, hrgs: list[HrgRow]) -> tuple[SpecialtyDrill, ...]:
    names = reference.names("treatment_functions")
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in section.rows:
        if r.component == CELLS and r.opportunity_gbp > 0:
            totals[r.service_code][r.pod_group] += r.opportunity_gbp
    top_hrgs: dict[str, list[HrgRow]] = defaultdict(list)
    for h in hrgs:  # already largest first
        if len(top_hrgs[h.service_code]) < TOP_HRGS:
            top_hrgs[h.service_code].append(h)
    drills = [SpecialtyDrill(code, names.get(code, code), round(sum(pods.values()), 2),
                             {k: round(v, 2) for k, v in sorted(pods.items(),
                                                                key=lambda kv: -kv[1])},
                             tuple(top_hrgs.get(code, ())))
              for code, pods in totals.items()]
    drills.sort(key=lambda s: (-s.opportunity_gbp, s.service_code))
    return tuple(drills)  # every specialty with opportunity; the PDF shows the first few


def _median_by_pod_group(section: CategorySection) -> dict[str, float]:
    """The opportunity of each point-of-delivery group at the peers' median (the range's
    cautious end), keyed by group."""
    totals: dict[str, float] = defaultdict(float)
    for r in section.rows:
        if r.component == CELLS and r.in_total:
            totals[r.pod_group] += r.opportunity_median_gbp
    return {group: round(amount, 2) for group, amount in totals.items()}


def _by_pod_group(section: CategorySection) -> tuple[tuple[str, str, float], ...]:
    """The opportunity of each of the five point-of-delivery groups, in report order."""
    totals: dict[str, float] = defaultdict(float)
    for r in section.rows:
        if r.component == CELLS and r.in_total:
            totals[r.pod_group] += r.opportunity_gbp
    groups = sorted((g for g in reference.rows("pod_groups") if g["pod_group"] != "non_acute"),
                    key=lambda g: int(g["sort_order"]))
    return tuple((g["pod_group"], g["pod_group_name"], round(totals.get(g["pod_group"], 0.0), 2))
                 for g in groups)
