"""Per-provider national returns: staffing, corporate services, estates, community, mental
health, talking therapies and ambulance tables.

Ranges follow the issue's calibration (e.g. agency 1.5-7% of the pay bill, ambulance handover
hours 0.15-0.6 per handover); every table draws from its own random stream.
"""

from __future__ import annotations

import random

from packgen.generate.providers import Provider, rng_for

INCIDENTS_PER_WTE = 172.0  # national average of the synthetic trusts
BLANK_SHARE = 0.02  # share of optional estates cells left blank (not returned)
# Corporate function -> typical spend as a share of income; legal and governance are reported
# by some trusts only (share of trusts that report them).
CORPORATE_SHARES = {"finance": 0.010, "hr": 0.007, "it": 0.013, "procurement": 0.0045,
                    "legal": 0.004, "governance": 0.006}
OPTIONAL_FUNCTIONS = {"legal": 0.6, "governance": 0.5}
# Sector -> (GIA GBP income per m2, clinical supplies share of income)
ESTATE_PROFILE = {
    "acute": ((3500, 6000), (0.05, 0.12)), "specialist": ((3500, 6500), (0.06, 0.12)),
    "mental_health": ((2500, 4500), (0.005, 0.02)), "community": ((3000, 6000), (0.015, 0.04)),
    "ambulance": ((8000, 15000), (0.02, 0.05)),
}
# Ward type -> (share of trusts with such wards, LOS range in days, discharges per GBP 100m)
MH_WARDS = {
    "adult_acute": (1.0, (30, 45), (250, 450)), "older_adult": (0.9, (50, 80), (60, 140)),
    "picu": (0.7, (20, 40), (30, 70)), "rehabilitation": (0.6, (150, 300), (5, 15)),
    "eating_disorders": (0.25, (80, 140), (5, 12)),
}


def _blank(rng: random.Random, value: float) -> float | None:
    return None if rng.random() < BLANK_SHARE else value


def temporary_staffing(providers: list[Provider], seed: int) -> list[tuple]:
    rng = rng_for(seed, "temporary_staffing")
    return [(p.code, round(p.pay_bill_gbp * rng.uniform(0.015, 0.07), -2),
             round(p.pay_bill_gbp * rng.uniform(0.04, 0.09), -2)) for p in providers]


def corporate_services(providers: list[Provider], seed: int) -> list[tuple]:
    rng = rng_for(seed, "corporate_services")
    out = []
    for p in providers:
        # Economies of scale: small trusts spend a larger share of income on back office.
        provider_factor = rng.lognormvariate(0.0, 0.15) * (p.income_gbp / 5e8) ** -0.12
        for function, share in CORPORATE_SHARES.items():
            if rng.random() >= OPTIONAL_FUNCTIONS.get(function, 1.0):
                continue
            share = min(0.018, max(0.003, share * provider_factor * rng.lognormvariate(0, 0.2)))
            out.append((p.code, function, round(p.income_gbp * share, -2)))
    return out


def estates(providers: list[Provider], seed: int) -> list[tuple]:
    rng = rng_for(seed, "estates")
    out = []
    for p in providers:
        per_m2, clinical = ESTATE_PROFILE[p.sector]
        gia = round(p.income_gbp / rng.uniform(*per_m2))
        electricity = round(gia * rng.uniform(120, 300))
        gas = round(gia * rng.uniform(150, 400))
        out.append((
            p.code, _blank(rng, gia), _blank(rng, electricity),
            _blank(rng, round(electricity * rng.uniform(0.20, 0.32), 2)), _blank(rng, gas),
            _blank(rng, round(gas * rng.uniform(0.05, 0.09), 2)),
            _blank(rng, round(p.income_gbp * rng.uniform(0.02, 0.06), -2)),
            _blank(rng, round(p.income_gbp * rng.uniform(*clinical), -2)),
        ))
    return out


def community_los(providers: list[Provider], seed: int) -> list[tuple]:
    rng = rng_for(seed, "community_los")
    out = []
    for p in providers:
        if p.sector != "community":
            continue
        per_100m = p.income_gbp / 1e8
        discharges = round(per_100m * rng.uniform(400, 1200))
        out.append((p.code, "community_hospital", discharges,
                    round(discharges * rng.uniform(15, 35))))
        if rng.random() < 0.7:
            discharges = round(per_100m * rng.uniform(200, 700))
            out.append((p.code, "intermediate_care", discharges,
                        round(discharges * rng.uniform(12, 28))))
    return out


def community_appointments(providers: list[Provider], seed: int) -> list[tuple]:
    rng = rng_for(seed, "community_appointments")
    services = {"district_nursing": (60000, 200000), "community_therapy": (15000, 60000),
                "podiatry": (8000, 35000)}  # booked appointments per GBP 100m income
    out = []
    for p in providers:
        if p.sector != "community":
            continue
        for service, per_100m in services.items():
            if service == "podiatry" and rng.random() < 0.2:
                continue
            booked = round(p.income_gbp / 1e8 * rng.uniform(*per_100m))
            out.append((p.code, service, booked, round(booked * rng.uniform(0.03, 0.12))))
    return out


def mh_los(providers: list[Provider], seed: int) -> list[tuple]:
    rng = rng_for(seed, "mh_los")
    out = []
    for p in providers:
        if p.sector != "mental_health":
            continue
        for ward, (has_share, los, per_100m) in MH_WARDS.items():
            if rng.random() >= has_share:
                continue
            discharges = max(3, round(p.income_gbp / 1e8 * rng.uniform(*per_100m)))
            out.append((p.code, ward, discharges, round(discharges * rng.uniform(*los))))
    return out


def talking_therapies(providers: list[Provider], seed: int) -> list[tuple]:
    rng = rng_for(seed, "talking_therapies")
    out = []
    for p in providers:
        if p.sector != "mental_health" or rng.random() < 0.12:  # some MH trusts run none
            continue
        booked = round(p.income_gbp / 1e8 * rng.uniform(15000, 45000))
        dna = round(booked * rng.uniform(0.08, 0.18))
        contacts = round((booked - dna) * rng.uniform(0.90, 0.97))  # some cancelled on the day
        wte = round(contacts / rng.uniform(600, 1100), 1)
        out.append((p.code, booked, dna, contacts, wte))
    return out


def ambulance(providers: list[Provider], seed: int) -> list[tuple]:
    rng = rng_for(seed, "ambulance")
    out = []
    for p in providers:
        if p.sector != "ambulance":
            continue
        incidents = round(min(1.2e6, max(3e5, p.income_gbp / rng.uniform(450, 650))))
        face_to_face = round(incidents * rng.uniform(0.70, 0.80))
        conveyed = round(face_to_face * rng.uniform(0.45, 0.62))
        handovers = round(conveyed * rng.uniform(0.95, 1.02))
        hours_lost = round(handovers * rng.uniform(0.15, 0.6), 1)
        # Incidents per WTE vary by ~8% between trusts (rota design, estate, geography).
        per_wte = INCIDENTS_PER_WTE * rng.lognormvariate(0.0, 0.08)
        wte = round(min(7000.0, max(2500.0, incidents / per_wte)), 1)
        out.append((p.code, incidents, face_to_face, conveyed, handovers, hours_lost, wte))
    return out
