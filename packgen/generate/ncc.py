"""National Cost Collection rows (`ncc_costs`) and the national schedule (`national_unit_costs`).

Actual cost = activity x national unit cost x efficiency x MFF x noise, where efficiency is the
product of a provider factor, a provider x specialty factor and a provider x department factor.
Each provider's activity is sized top-down: a share of its operating cost goes to NCC services,
split over departments by national cost shares and over the catalogue rows it runs by casemix.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

from packgen.generate import calibration as cal
from packgen.generate.catalogue import CatalogueRow, department_medians
from packgen.generate.providers import Provider, rng_for

NccRow = tuple[str, str, str, str, "int | None", "float | None"]

SPECIALTY_SD = 0.06  # provider x specialty efficiency (log sd)
DEPARTMENT_SD = 0.04  # provider x department efficiency (log sd)
ROW_NOISE_SD = 0.05  # row noise (log sd); small rows are noisier, as real small counts are
CASEMIX_SD = 0.5  # how much a provider's mix of HRGs differs from the national mix (log sd)
# Awkward but valid rows (cumulative probabilities): both suppressed, activity suppressed only,
# zero activity and cost.
SUPPRESSED_BOTH, SUPPRESSED_ACTIVITY, ZERO_ACTIVITY = 0.003, 0.005, 0.007

# Peer group -> (share of its catalogue rows a trust runs, casemix tilt towards costly HRGs)
ACUTE_PROFILE = {
    "ACUTE - TEACHING": (0.92, 0.25), "ACUTE - LARGE": (0.80, 0.10),
    "ACUTE - MEDIUM": (0.68, 0.0), "ACUTE - SMALL": (0.55, -0.15),
    "ACUTE - MULTI-SERVICE": (0.62, -0.05), "ACUTE - SPECIALIST": (0.90, 0.35),
}


def _acute_services(p: Provider, rng: random.Random) -> set[str]:
    if p.sector == "specialist":
        return set(cal.SPECIALIST_KINDS[p.kind][1])
    services = {"180", "192", "822", *cal.NCL_SERVICES}
    for service, (_, _, tertiary) in cal.SPECIALTIES.items():
        teaching = p.peer_group == "ACUTE - TEACHING"
        if not tertiary or teaching or (p.peer_group == "ACUTE - LARGE" and rng.random() < 0.35):
            services.add(service)
    return services


def _takes(p: Provider, row: CatalogueRow, big: bool) -> bool:
    """Department-level rules that the service list alone does not express."""
    if row.department == "NM":
        return big or p.kind == "cancer"
    if row.currency.startswith("XB"):  # paediatric intensive care
        return p.peer_group == "ACUTE - TEACHING" or p.kind == "children"
    if row.currency.startswith("XA"):  # neonatal units
        return big or p.kind in ("children", "women") or p.peer_group == "ACUTE - MEDIUM"
    return True


def _emit(rng: random.Random, p: Provider, row: CatalogueRow, budget: float,
          efficiency: float) -> NccRow:
    price = row.unit_cost * p.mff * efficiency
    activity = max(1, round(budget / price))
    sd = max(ROW_NOISE_SD, 0.3 / math.sqrt(activity))
    cost = round(activity * price * math.exp(rng.gauss(-sd * sd / 2, sd)), 2)
    key = (p.code, row.department, row.service, row.currency)
    u = rng.random()
    if u < SUPPRESSED_BOTH:
        return (*key, None, None)
    if u < SUPPRESSED_ACTIVITY:
        return (*key, None, cost)
    if u < ZERO_ACTIVITY:
        return (*key, 0, 0.0)
    return (*key, activity, cost)


def _spend(rng: random.Random, p: Provider, weighted: list[tuple[CatalogueRow, float]],
           budget: float, dept_shares: bool = True) -> Iterable[NccRow]:
    """Share `budget` over rows by weight (and over departments by national cost share)."""
    by_dept: dict[str, list[tuple[CatalogueRow, float]]] = {}
    for row, weight in weighted:
        by_dept.setdefault(row.department, []).append((row, weight))
    if dept_shares:
        shares = {d: cal.DEPARTMENTS[d][2] * math.exp(rng.gauss(0.0, 0.15)) for d in by_dept}
    else:
        shares = {d: sum(w for _, w in rows) for d, rows in by_dept.items()}
    total_share = sum(shares.values())
    service_factor: dict[str, float] = {}
    for dept, rows in by_dept.items():
        dept_budget = budget * shares[dept] / total_share
        dept_factor = math.exp(rng.gauss(0.0, DEPARTMENT_SD))
        total_weight = sum(w for _, w in rows)
        for row, weight in rows:
            if row.service not in service_factor:
                service_factor[row.service] = math.exp(rng.gauss(0.0, SPECIALTY_SD))
            efficiency = p.efficiency * dept_factor * service_factor[row.service]
            yield _emit(rng, p, row, dept_budget * weight / total_weight, efficiency)


def _casemix(rng: random.Random, rows: Iterable[CatalogueRow], cover: float, tilt: float,
             medians: dict[str, float]) -> list[tuple[CatalogueRow, float]]:
    return [(row, row.popularity * (row.unit_cost / medians[row.department]) ** tilt
             * math.exp(rng.gauss(0.0, CASEMIX_SD)))
            for row in rows if rng.random() < cover]


def _acute(p: Provider, catalogue: dict[str, list[CatalogueRow]], medians: dict[str, float],
           rng: random.Random) -> Iterable[NccRow]:
    cover, tilt = ACUTE_PROFILE[p.peer_group]
    big = p.peer_group in ("ACUTE - TEACHING", "ACUTE - LARGE")
    services = sorted(_acute_services(p, rng))
    rows = [r for s in services for r in catalogue.get(s, ()) if r.department != "CHS"
            and _takes(p, r, big)]
    share = rng.uniform(0.72, 0.82)
    if p.peer_group == "ACUTE - MULTI-SERVICE":  # also runs community services
        community_share = rng.uniform(0.08, 0.12)
        share -= community_share
        chs = [r for s in cal.CHS_CURRENCIES for r in catalogue[s] if r.department == "CHS"]
        yield from _spend(rng, p, _casemix(rng, chs, 0.7, 0.0, medians),
                          p.operating_cost_gbp * community_share, dept_shares=False)
    yield from _spend(rng, p, _casemix(rng, rows, cover, tilt, medians),
                      p.operating_cost_gbp * share)


def _non_acute(p: Provider, catalogue: dict[str, list[CatalogueRow]], medians: dict[str, float],
               rng: random.Random, ambulance: dict[str, dict[str, float]]) -> Iterable[NccRow]:
    budget = p.operating_cost_gbp * rng.uniform(0.72, 0.84)
    chs = [r for s in cal.CHS_CURRENCIES for r in catalogue[s] if r.department == "CHS"]
    if p.sector == "community":
        yield from _spend(rng, p, _casemix(rng, chs, 0.85, 0.0, medians), budget,
                          dept_shares=False)
    elif p.sector == "mental_health":
        if rng.random() < 0.4:  # many mental health trusts also run community services
            community = budget * rng.uniform(0.08, 0.15)
            budget -= community
            yield from _spend(rng, p, _casemix(rng, chs, 0.5, 0.0, medians), community,
                              dept_shares=False)
        rows = [(CatalogueRow(d, s, c, cal.DEPARTMENTS[d][0], 1.0),
                 share * math.exp(rng.gauss(0.0, 0.2))) for (d, s, c), share in cal.MH_ROWS.items()]
        yield from _spend(rng, p, rows, budget, dept_shares=False)
    elif p.sector == "ambulance":
        stats = ambulance[p.code]
        volumes = {"01": stats["incidents"] - stats["face_to_face_incidents"],
                   "02": stats["face_to_face_incidents"] - stats["conveyed_to_ed"],
                   "03": stats["conveyed_to_ed"],
                   "04": stats["incidents"] * rng.uniform(0.30, 0.45)}
        for currency, unit in cal.AMB_UNIT_COSTS.items():
            row = CatalogueRow("AMB", "999", currency, unit, 1.0)
            price = unit * p.mff * p.efficiency
            yield _emit(rng, p, row, volumes[currency] * price, p.efficiency)


def ncc_rows(providers: list[Provider], catalogue: dict[str, list[CatalogueRow]], seed: int,
             ambulance: dict[str, dict[str, float]]) -> list[NccRow]:
    """Every provider's NCC rows, one per provider x department x service x currency."""
    medians = department_medians(catalogue)
    out: list[NccRow] = []
    for p in providers:
        rng = rng_for(seed, "ncc", p.code)  # per provider: rows of one never shift another's
        if p.acute_like:
            out.extend(_acute(p, catalogue, medians, rng))
        else:
            out.extend(_non_acute(p, catalogue, medians, rng, ambulance))
    return out


def national_unit_costs(rows: list[NccRow],
                        mff: dict[str, float]) -> list[tuple[str, str, int, float]]:
    """The national schedule as docs/method.md defines it: MFF-adjusted cost / activity per
    department x currency, over rows with activity and cost."""
    totals: dict[tuple[str, str], list[float]] = {}
    for provider, dept, _, currency, activity, cost in rows:
        if activity and cost is not None:
            t = totals.setdefault((dept, currency), [0, 0.0])
            t[0] += activity
            t[1] += cost / mff[provider]
    return [(d, c, int(a), round(cost / a, 4)) for (d, c), (a, cost) in totals.items()
            if cost > 0]
