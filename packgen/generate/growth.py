"""The prior period (`ncc_costs_prior`) and spend in both periods (`productivity_inputs`).

Prior activity follows from each provider's activity growth (-4% to +7%) with currency-level
noise, prior cost from the prior price level. Prior spend is then set so that each provider's
productivity growth, computed as docs/method.md says, lands on a drawn target around +2% a year
(some negative, some 6% or more).
"""

from __future__ import annotations

from packgen.generate.ncc import NccRow
from packgen.generate.providers import Provider, rng_for

INPUT_DEFLATOR = 1.035  # also written to unit_values
PRODUCTIVITY_MEAN, PRODUCTIVITY_SD = 0.02, 0.025
MISSING_PRIOR_SHARE = 0.01  # currencies new this year: no prior row
FEW_CURRENCY_DEPARTMENTS = ("MHCC", "MHPS", "IAPT", "AMB")


def prior_rows(providers: list[Provider], current: list[NccRow], seed: int) -> list[tuple]:
    """Prior-period rows per provider x department x currency (services summed)."""
    totals: dict[tuple[str, str, str], list] = {}
    for provider, dept, _, currency, activity, cost in current:
        t = totals.setdefault((provider, dept, currency), [0, 0.0])
        t[0] += activity or 0
        t[1] += cost or 0.0
    growth = {}
    rng = rng_for(seed, "growth")
    for p in providers:
        growth[p.code] = (rng.uniform(-0.04, 0.07), rng.uniform(0.025, 0.045))
    out = []
    rng = rng_for(seed, "ncc_costs_prior")
    for (provider, dept, currency), (activity, cost) in sorted(totals.items()):
        if rng.random() < MISSING_PRIOR_SHARE:
            continue
        activity_growth, price_growth = growth[provider]
        if activity == 0 or cost == 0:
            out.append((provider, dept, currency, None, None))
            continue
        # Currencies grow unevenly; trusts with only a few currencies (mental health,
        # ambulance) get less noise so that their growth stays near the drawn rate.
        noise = rng.lognormvariate(0.0, 0.015 if dept in FEW_CURRENCY_DEPARTMENTS else 0.06)
        prior_activity = round(activity / ((1 + activity_growth) * noise))
        if prior_activity == 0:
            out.append((provider, dept, currency, 0, 0.0))
            continue
        unit = cost / activity / (1 + price_growth)
        prior_cost = round(prior_activity * unit * rng.lognormvariate(0.0, 0.03), 2)
        out.append((provider, dept, currency, prior_activity, prior_cost))
    return out


def activity_growth(providers: list[Provider], current: list[NccRow],
                    prior: list[tuple]) -> dict[str, float]:
    """Cost-weighted activity growth per provider: sum(a_t x u_base) / sum(a_base x u_base) - 1,
    u_base = prior-period national mean MFF-adjusted unit cost per department x currency."""
    mff = {p.code: p.mff for p in providers}
    base: dict[tuple[str, str], list[float]] = {}
    prior_activity: dict[tuple[str, str, str], float] = {}
    for provider, dept, currency, activity, cost in prior:
        if activity and cost is not None:
            b = base.setdefault((dept, currency), [0.0, 0.0])
            b[0] += activity
            b[1] += cost / mff[provider]
            prior_activity[(provider, dept, currency)] = activity
    current_activity: dict[tuple[str, str, str], float] = {}
    for provider, dept, _, currency, activity, _cost in current:
        if activity:
            key = (provider, dept, currency)
            current_activity[key] = current_activity.get(key, 0) + activity
    sums: dict[str, list[float]] = {}
    for key, a_base in prior_activity.items():
        if key in current_activity:
            u = base[key[1:]][1] / base[key[1:]][0]
            s = sums.setdefault(key[0], [0.0, 0.0])
            s[0] += current_activity[key] * u
            s[1] += a_base * u
    return {provider: now / then - 1 for provider, (now, then) in sums.items()}


def productivity_inputs(providers: list[Provider], current: list[NccRow], prior: list[tuple],
                        seed: int) -> list[tuple]:
    """Spend per provider in both periods (cash), prior spend from a target productivity."""
    growth = activity_growth(providers, current, prior)
    rng = rng_for(seed, "productivity_inputs")
    out = []
    for p in providers:
        target = min(0.10, max(-0.06, rng.gauss(PRODUCTIVITY_MEAN, PRODUCTIVITY_SD)))
        spend_now = p.operating_cost_gbp
        if p.code not in growth or rng.random() < 0.01:  # a missing prior-year return
            out.append((p.code, None, spend_now))
            continue
        input_growth = (1 + growth[p.code]) / (1 + target) - 1
        spend_before = round(spend_now / INPUT_DEFLATOR / (1 + input_growth), -3)
        out.append((p.code, spend_before, spend_now))
    return out


def productivity_growth(spend_prior: float, spend_now: float, growth: float) -> float:
    """Productivity growth as docs/method.md defines it (used by the tests)."""
    input_growth = (spend_now / INPUT_DEFLATOR) / spend_prior - 1
    return (1 + growth) / (1 + input_growth) - 1
