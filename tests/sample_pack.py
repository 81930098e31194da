"""A hand-built sample Pack, for renderer development and tests that must not need the store.

It is deliberately awkward where renderers tend to break: a provider name with `<`, `&` and a
leading `=`, long sub-unit labels, zero-opportunity categories, not-assessed rows. Real packs come
from `packgen.pack.build`.
"""

from __future__ import annotations

import random
from dataclasses import replace

from packgen.pack import overlaps
from packgen.pack.model import (
    CategorySection,
    Component,
    Fact,
    Headline,
    HrgDrilldown,
    HrgRow,
    NotAssessedRow,
    Pack,
    PeerValue,
    ProductivityGrowth,
    ProviderInfo,
    ResultRow,
    RunInfo,
    Source,
    SpecialtyDrill,
)

_SPECIALTIES = [("110", "Trauma and Orthopaedics"), ("300", "General Internal Medicine"),
                ("100", "General Surgery"), ("130", "Ophthalmology"), ("320", "Cardiology"),
                ("430", "Elderly Medicine"), ("502", "Gynaecology"), ("101", "Urology")]
_DEPTS = [("NEL", "nel_long_stay", "Non-elective inpatients (long stay)"),
          ("NES", "ae_nel_short_stay", "Non-elective inpatients (short stay)"),
          ("EL", "electives", "Elective inpatients"), ("DC", "electives", "Day cases"),
          ("CL", "outpatients", "Consultant-led outpatient attendances")]


def _peers(rng: random.Random, n: int, centre: float, spread: float, lower_better: bool,
           own_code: str, own_name: str, own_value: float) -> tuple[PeerValue, ...]:
    vals = [(f"Z{i:02d}", f"Peer Trust {i}", rng.gauss(centre, spread)) for i in range(n - 1)]
    vals.append((own_code, own_name, own_value))
    ordered = sorted(vals, key=lambda v: v[2], reverse=not lower_better)
    out = []
    for rank, (code, name, v) in enumerate(ordered, start=1):
        quartile = min(4, 1 + (rank - 1) * 4 // n)
        out.append(PeerValue(code, name, round(v, 4), rank, quartile, code == own_code))
    return tuple(out)


def sample_pack(seed: int = 1) -> Pack:
    rng = random.Random(seed)
    provider = ProviderInfo(
        code="ZZA", name="=Riverside <Teaching> Hospitals & Community NHS Trust", sector="acute",
        sector_name="Acute", peer_group="ACUTE - TEACHING", region_code="Y60",
        region_name="Midlands", icb_code="QZZ", income_gbp=812_400_000.0,
        operating_cost_gbp=805_100_000.0, pay_bill_gbp=520_000_000.0, mff=1.0431)
    run = RunInfo(
        packgen_version="0.1.0", produced_on="2026-12-01", dataset_name="packgen sample",
        period="2024/25", prior_period="2023/24", synthetic=True,
        parameters={"Benchmark": "75th percentile of performance among peers",
                    "Peers": "Same sector (acute and specialist together)",
                    "Minimum peers": "5", "Minimum activity": "10"},
        sources=(Source("ncc_costs", "National Cost Collection (synthetic)", "2024/25",
                        "Synthetic (packgen built-in dataset)", "0" * 64),),
        run_id="sample0001")

    # Acute cost: cells over departments x specialties, with an HRG split.
    rows, hrgs = [], []
    for dept, pod, dept_name in _DEPTS:
        for svc, svc_name in _SPECIALTIES:
            index = round(rng.uniform(0.8, 1.3), 6)
            bench = round(rng.uniform(0.85, 0.98), 6)
            expected = round(rng.uniform(50_000, 4_000_000), 2)
            native = round(max(0.0, index - bench) * expected, 2)
            gbp = round(native * provider.mff, 2)
            rows.append(ResultRow(
                "acute_cost", "cost_index", f"{dept}/{svc}", f"{dept_name} - {svc_name}", True,
                None, index, bench, rng.randint(40, 120), round(expected, 2),
                provider.mff, native, "GBP (national prices)", gbp,
                "MAX(0, metric - benchmark) x volume x unit_value", dept, svc, pod,
                formula_id="lower_is_better"))
            if gbp > 0:
                parts = [rng.random() for _ in range(3)]
                left = gbp
                for k, p in enumerate(parts):
                    share = left if k == 2 else round(gbp * p / sum(parts), 2)
                    left = round(left - share, 2)
                    hrgs.append(HrgRow(pod, dept, svc, svc_name, f"HN{k + 1}{rng.randint(1, 9)}A",
                                       rng.randint(10, 900),
                                       round(expected * p * index * provider.mff, 2),
                                       round(expected * p * index, 2), round(expected * p, 2),
                                       round(index, 6), round(bench, 6),
                                       round(share / provider.mff, 2), share))
    rows.append(ResultRow("acute_cost", "cost_index", "CC/192", "Adult critical care - Critical "
                          "Care Medicine", False, "fewer than 5 peers (3)", 1.02, None, 3, 9000.0,
                          provider.mff, 0.0, "GBP (national prices)", 0.0, "not assessed", "CC",
                          "192", "other_acute", formula_id="not_assessed",
                          reason_code="too_few_peers"))
    acute_total = round(sum(r.opportunity_gbp for r in rows), 2)
    acute_chart = Component(
        "overall_cost_index", "Overall cost index", "context", "lower",
        "25th percentile of peers (75th percentile of performance)", "Cost index", "index",
        "GBP", 1.08, 0.97, 64, 0.0, 0.0,
        _peers(rng, 64, 1.0, 0.08, True, provider.code, provider.name, 1.08))
    acute = CategorySection(
        "acute_cost", "PG-AC-01", "Acute cost by point of delivery",
        "Cost of each department and specialty against national average costs for the same "
        "casemix, after the market forces factor.",
        "Unit cost variation that casemix and location do not explain is the largest single "
        "source of efficiency in acute trusts.",
        "Cost index = MFF-adjusted cost / expected cost; benchmark = 25th percentile of peers' "
        "indices; opportunity = max(0, index - benchmark) x expected cost x MFF.",
        ("temporary_staffing",), "Department and specialty",
        (Component("cost_index", "Cost index by department and specialty", "opportunity",
                   "lower", "25th percentile of peers", "Cost index", "index",
                   "GBP (national prices)", 1.08, None, None,
                   round(sum(r.opportunity_native for r in rows), 2), acute_total),
         acute_chart),
        acute_chart, tuple(rows),
        tuple(sorted(rows, key=lambda r: -r.opportunity_gbp)[:10]), acute_total,
        {"GBP (national prices)": round(sum(r.opportunity_native for r in rows), 2)}, 1,
        f"If {provider.name} matched the 75th percentile of its peers on cost per case, it would "
        f"release £{acute_total:,.0f} a year.")

    staff_rows = (
        ResultRow("temporary_staffing", "agency", "agency", "Agency spend", True, None,
                  21_400_000.0, 14_980_000.0, None, 1.0, 0.5, 6_420_000.0, "GBP", 3_210_000.0,
                  "MAX(0, metric - benchmark) x volume x unit_value",
                  formula_id="lower_is_better"),
        ResultRow("temporary_staffing", "bank", "bank", "Bank spend", True, None, 30_100_000.0,
                  27_090_000.0, None, 1.0, 0.5, 3_010_000.0, "GBP", 1_505_000.0,
                  "MAX(0, metric - benchmark) x volume x unit_value",
                  formula_id="lower_is_better"),
    )
    staff_chart = Component(
        "agency_share", "Agency spend as % of pay bill", "context", "lower",
        "25th percentile of peers", "Agency share of pay bill", "%", "GBP", 0.041, 0.022, 120,
        0.0, 0.0, _peers(rng, 120, 0.03, 0.01, True, provider.code, provider.name, 0.041))
    staffing = CategorySection(
        "temporary_staffing", "PG-TS-01", "Temporary staffing",
        "Agency and bank staff spend.", "Temporary staff cost more than substantive staff.",
        "0.5 x (0.30 x agency + 0.10 x bank).", ("acute_cost",), "Staff group",
        (Component("agency", "Agency spend", "opportunity", "lower", "30% reduction", "Agency "
                   "spend", "GBP", "GBP", 21_400_000.0, 14_980_000.0, None, 6_420_000.0,
                   3_210_000.0),
         Component("bank", "Bank spend", "opportunity", "lower", "10% reduction", "Bank spend",
                   "GBP", "GBP", 30_100_000.0, 27_090_000.0, None, 3_010_000.0, 1_505_000.0),
         staff_chart),
        staff_chart, staff_rows, staff_rows, 4_715_000.0, {"GBP": 9_430_000.0}, 0,
        "If the trust cut agency spend by 30% and bank spend by 10%, half of the reduction "
        "would release £4,715,000 a year.")
    medicines = CategorySection(
        "medicines", "PG-MED-01", "Medicines", "Uptake of best-value generics and biosimilars.",
        "Switching to best-value products releases cash with no change in care.",
        "max(0, benchmark share - share) x quantity x price difference.", (), "Molecule", (),
        None, (), (), 0.0, {"units": 0.0}, 0,
        "The trust is already at or better than the 75th percentile of its peers on every "
        "molecule.")
    specialties = []
    for svc, name in _SPECIALTIES[:5]:
        by_pod: dict[str, float] = {}
        for r in rows:
            if r.service_code == svc:
                by_pod[r.pod_group] = round(by_pod.get(r.pod_group, 0.0) + r.opportunity_gbp, 2)
        top = tuple(sorted((h for h in hrgs if h.service_code == svc),
                           key=lambda h: -h.opportunity_gbp)[:5])
        specialties.append(SpecialtyDrill(svc, name, round(sum(by_pod.values()), 2), by_pod, top))
    specialties.sort(key=lambda s: -s.opportunity_gbp)
    by_pod_group = tuple(
        (pod, name, round(sum(r.opportunity_gbp for r in rows if r.pod_group == pod), 2))
        for pod, name in (("nel_long_stay", "Non-elective long stay"),
                          ("ae_nel_short_stay", "A&E and non-elective short stay"),
                          ("electives", "Electives"), ("outpatients", "Outpatients"),
                          ("other_acute", "Other acute")))
    acute = replace(
        acute, short_title="Acute cost", sheet_title="Acute cost", rank=49, rank_of=64,
        drilldown=HrgDrilldown(
            "hrg", "Acute cost: specialty drill-down",
            (Fact("Overall cost index (100 = the national average cost of the same casemix, "
                  "after the market forces factor; lower is better)", 108.0, "index"),
             Fact("Rank among peers on the overall cost index (1 = lowest cost)", 49, "count"),
             Fact("Peers ranked on the overall cost index", 64, "count"),
             *(Fact(f"Opportunity: {name}", amount, "gbp") for _p, name, amount in by_pod_group)),
            specialties=tuple(specialties), by_pod_group=by_pod_group, rows=tuple(hrgs),
            mff=provider.mff))
    staffing = replace(staffing, short_title="Temporary staffing",
                       sheet_title="Temporary staffing")
    medicines = replace(medicines, short_title="Medicines", sheet_title="Medicines")
    cats = (acute, staffing, medicines)
    total = round(sum(c.opportunity_gbp for c in cats), 2)
    pairs = overlaps.overlap_pairs({c.id: c.overlaps_with for c in cats})
    groups = overlaps.counted_groups(cats, pairs, lambda s: s.opportunity_gbp)
    return Pack(
        run=run, provider=provider, categories=cats, total_opportunity_gbp=total,
        total_median_gbp=total, overlap_groups=tuple(groups),
        total_overlaps_removed_gbp=overlaps.total_counted(cats, groups,
                                                          lambda s: s.opportunity_gbp),
        total_overlaps_removed_median_gbp=overlaps.total_counted(
            cats, groups, lambda s: s.opportunity_median_gbp),
        total_pct_of_cost_base=total / provider.operating_cost_gbp,
        requirement_gbp=round(0.02 * provider.operating_cost_gbp, 2), requirement_rate=0.02,
        overlap_note="Categories overlap (a shorter stay also lowers unit cost), so the total is "
        "an upper bound, not a sum to plan against.",
        headlines=tuple(Headline(c.id, c.title, c.opportunity_gbp, c.sentence) for c in cats[:2]),
        productivity=ProductivityGrowth(0.031, 0.012, 0.0188, 41, 120, 0.021, 0.024,
                                        "Productivity grew 1.9%, below the 2% requirement; "
                                        "41st of 120 acute and specialist trusts."),
        not_assessed=(NotAssessedRow("acute_cost", "cost_index", "CC/192", "Adult critical care "
                                     "- Critical Care Medicine", "fewer than 5 peers (3)"),),
        data_notes=("1 acute cell was not assessed (fewer than 5 peers).",),
    )


def not_assessed(pack: Pack, category_ids: set[str] | None = None,
                 reason: str = "no data supplied (test)") -> Pack:
    """`pack` with its categories (or those in `category_ids`) not assessed, as a bundle
    without their inputs gives: no figure, the reason kept."""
    return replace(pack, categories=tuple(
        replace(s, assessed=False, opportunity_gbp=0.0, status_reason=reason)
        if category_ids is None or s.id in category_ids else s for s in pack.categories))
