"""The synthetic provider roster: about 200 trusts in the real sector mix, regions and peer groups.

The roster depends on the seed only (never on the scale), so a larger dataset describes the same
providers with more NCC rows.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from packgen.generate import names
from packgen.generate.calibration import SPECIALIST_KINDS

# ERIC peer group -> (number of trusts, income range GBP m). Acute trusts split by size.
ACUTE_GROUPS = {
    "ACUTE - TEACHING": (22, (800, 2000)),
    "ACUTE - LARGE": (26, (600, 1000)),
    "ACUTE - MEDIUM": (30, (380, 620)),
    "ACUTE - SMALL": (17, (250, 400)),
    "ACUTE - MULTI-SERVICE": (13, (350, 850)),
}
# Specialist kind -> (number of trusts, income range GBP m).
SPECIALIST_GROUPS = {
    "children": (4, (350, 700)), "cancer": (3, (250, 600)), "heart": (2, (250, 650)),
    "orthopaedic": (2, (150, 300)), "women": (2, (150, 300)), "neuro": (2, (150, 350)),
    "eye": (1, (150, 250)),
}
OTHER_SECTORS = {  # sector -> (peer group, number of trusts, income range GBP m, code prefixes)
    "mental_health": ("MENTAL HEALTH AND LEARNING DISABILITY", 51, (150, 600), "MN"),
    "community": ("COMMUNITY", 15, (100, 400), "C"),
    "ambulance": ("AMBULANCE", 10, (250, 600), "V"),
}
# Share of trusts per NHS England region, and each region's number of (fictional) ICBs.
REGION_WEIGHTS = {"Y56": 0.16, "Y58": 0.11, "Y59": 0.14, "Y60": 0.18, "Y61": 0.12, "Y62": 0.14,
                  "Y63": 0.15}
REGION_ICBS = {"Y56": 5, "Y58": 5, "Y59": 5, "Y60": 6, "Y61": 4, "Y62": 3, "Y63": 4}
# One ambulance trust per area, as in England (two each in SE, Midlands and NE & Yorkshire).
AMBULANCE_REGIONS = ("Y56", "Y58", "Y59", "Y59", "Y60", "Y60", "Y61", "Y62", "Y63", "Y63")
# Market forces factor range per region: London highest, the North lowest.
MFF_RANGES = {"Y56": (1.15, 1.25), "Y59": (1.02, 1.10), "Y61": (1.00, 1.06),
              "Y58": (0.95, 1.02), "Y60": (0.94, 1.01), "Y62": (0.93, 0.99),
              "Y63": (0.92, 0.98)}
EFFICIENCY_SD = 0.08  # provider-wide cost efficiency (log scale): the main source of opportunity


def rng_for(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible random stream per purpose (str seeds hash with SHA-512)."""
    return random.Random("/".join(["packgen", str(seed), *map(str, parts)]))


@dataclass(frozen=True)
class Provider:
    code: str
    name: str
    sector: str
    peer_group: str
    region_code: str
    icb_code: str
    income_gbp: float
    pay_bill_gbp: float
    operating_cost_gbp: float
    mff: float
    efficiency: float  # cost multiplier: 1.05 = 5% dearer than average for the same casemix
    kind: str = ""  # specialist kind (children, cancer, ...); empty for other sectors

    @property
    def acute_like(self) -> bool:
        return self.sector in ("acute", "specialist")


def _region_slots(count: int, rng: random.Random) -> list[str]:
    """`count` regions in the national proportions (largest remainder), shuffled."""
    quotas = {r: w * count for r, w in REGION_WEIGHTS.items()}
    slots = {r: int(q) for r, q in quotas.items()}
    by_remainder = sorted(quotas, key=lambda r: quotas[r] - slots[r], reverse=True)
    for region in by_remainder[: count - sum(slots.values())]:
        slots[region] += 1
    out = [r for r in REGION_WEIGHTS for _ in range(slots[r])]
    rng.shuffle(out)
    return out


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def build_providers(seed: int) -> list[Provider]:
    """The roster, sorted by provider code."""
    rng = rng_for(seed, "providers")
    icbs: dict[str, list[str]] = {}
    codes = iter(names.icb_codes(sum(REGION_ICBS.values())))
    for region, n in REGION_ICBS.items():
        icbs[region] = [next(codes) for _ in range(n)]

    # (sector, peer group, kind, income range, name) before codes, regions and money
    plan: list[tuple[str, str, str, tuple[int, int], str]] = []
    acute_places, other_places = names.PlacePool(rng), names.PlacePool(rng)
    for group, (n, income) in ACUTE_GROUPS.items():
        plan += [("acute", group, "", income, names.acute_name(group, acute_places, rng))
                 for _ in range(n)]
    for kind, (n, income) in SPECIALIST_GROUPS.items():
        pattern = SPECIALIST_KINDS[kind][0]
        plan += [("specialist", "ACUTE - SPECIALIST", kind, income,
                  pattern.format(a=other_places.pop())) for _ in range(n)]
    for sector, (group, n, income, _) in OTHER_SECTORS.items():
        pool = names.PlacePool(rng)
        for i in range(n):
            if sector == "mental_health":
                name = names.mental_health_name(pool, rng)
            elif sector == "community":
                name = names.community_name(pool, rng)
            else:
                name = names.ambulance_name(i, pool)
            plan.append((sector, group, "", income, name))

    by_sector: dict[str, list] = {}
    for entry in plan:
        by_sector.setdefault(entry[0], []).append(entry)
    prefixes = {"acute": "ABDE", "specialist": "S"} | {s: v[3] for s, v in OTHER_SECTORS.items()}
    providers: list[Provider] = []
    seen_names: set[str] = set()
    for sector, entries in by_sector.items():
        codes_for = names.provider_codes(prefixes[sector], len(entries))
        rng.shuffle(codes_for)  # a code says nothing about size or type
        regions = (list(AMBULANCE_REGIONS) if sector == "ambulance"
                   else _region_slots(len(entries), rng))
        for (sector_, group, kind, (low, high), name), code, region in zip(
                entries, codes_for, regions, strict=True):
            while name in seen_names:  # rare: the same invented name drawn twice
                name = name.replace(" NHS", " Healthcare NHS", 1)
            seen_names.add(name)
            income = _log_uniform(rng, low * 1e6, high * 1e6)
            providers.append(Provider(
                code=code, name=name, sector=sector_, peer_group=group, region_code=region,
                icb_code=rng.choice(icbs[region]), income_gbp=round(income, -3),
                pay_bill_gbp=round(income * rng.uniform(0.60, 0.65), -3),
                operating_cost_gbp=round(income * rng.uniform(0.98, 1.03), -3),
                mff=round(rng.uniform(*MFF_RANGES[region]), 4),
                efficiency=math.exp(rng.gauss(0.0, EFFICIENCY_SD)), kind=kind,
            ))
    return sorted(providers, key=lambda p: p.code)
