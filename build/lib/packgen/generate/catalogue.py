"""The national catalogue of NCC rows: department x service x currency with a national unit cost.

HRG-based departments get invented but realistic HRG codes (chapter + root + split, e.g. HN12F) in
the chapters of each specialty; the number of HRGs per specialty grows with the scale. Departments
with fixed currencies (outpatients, A&E, critical care, pathology, community, mental health,
ambulance) use the real currency codes and national unit costs of the 2023/24 schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import zip_longest

from packgen.generate import calibration as cal
from packgen.generate.providers import rng_for

# Share of HRG roots with a single, unsplit HRG (suffix Z); the rest split by complexity A, B, ...
UNSPLIT_SHARE = 0.3
POPULARITY_SD = 1.1  # log sd of how much of a department's cost one HRG row carries


@dataclass(frozen=True)
class CatalogueRow:
    department: str
    service: str
    currency: str
    unit_cost: float  # national mean unit cost, MFF-adjusted GBP per unit of activity
    popularity: float  # relative share of the department's cost at an average provider


def _chapter_universe(seed: int, chapter: str) -> list[tuple[str, float]]:
    """Every HRG of a chapter, in a seed-dependent order, with a complexity z-score."""
    rng = rng_for(seed, "chapter", chapter)
    roots = list(range(1, 100))
    rng.shuffle(roots)
    out = []
    for root in roots:
        base = rng.gauss(0.0, 1.0)
        if rng.random() < UNSPLIT_SHARE:
            out.append((f"{chapter}{root:02d}Z", base))
            continue
        splits = rng.choice((2, 2, 3, 3, 4, 5, 6))
        for i in range(splits):  # split A is the most complex (highest CC score)
            out.append((f"{chapter}{root:02d}{'ABCDEFGH'[i]}", base + 0.35 * (splits / 2 - i)))
    return out


def _unit_cost(seed: int, department: str, currency: str, complexity: float) -> float:
    mean, log_sd, _ = cal.DEPARTMENTS[department]
    z = 0.8 * complexity + 0.6 * rng_for(seed, "unit", department, currency).gauss(0.0, 1.0)
    # The median sits above the mean so that the activity-weighted mean unit cost (a harmonic
    # mean, as cost shares are drawn independently of unit cost) comes out at the schedule's mean.
    return round(mean * math.exp(log_sd * z + log_sd * log_sd / 2), 2)


def _hrg_rows(seed: int, scale: float) -> list[CatalogueRow]:
    universes: dict[str, list[tuple[str, float]]] = {}
    rows: list[CatalogueRow] = []
    for department, base_rows in cal.HRG_DEPARTMENT_ROWS.items():
        weights = {s: w[department] for s, (_, w, _) in cal.SPECIALTIES.items() if department in w}
        total_weight = sum(weights.values())
        for service, weight in weights.items():
            wanted = max(1, round(base_rows * scale * weight / total_weight))
            chapters = cal.DEPARTMENT_CHAPTERS.get(department, cal.SPECIALTIES[service][0]).split()
            for ch in chapters:
                if ch not in universes:
                    universes[ch] = _chapter_universe(seed, ch)
            # Round-robin over the specialty's chapters; skip some HRGs so that departments of
            # one specialty share many but not all of their HRGs.
            candidates = [hrg for group in zip_longest(*(universes[c] for c in chapters))
                          for hrg in group if hrg is not None]
            rng = rng_for(seed, "catalogue", department, service)
            keep = [rng.random() < 0.7 for _ in candidates]
            # At large scales a specialty may want more HRGs than it kept: the skipped ones
            # follow, so that the row count keeps growing with the scale.
            picked = ([h for h, k in zip(candidates, keep, strict=True) if k]
                      + [h for h, k in zip(candidates, keep, strict=True) if not k])[:wanted]
            for code, complexity in picked:
                rows.append(CatalogueRow(
                    department, service, code, _unit_cost(seed, department, code, complexity),
                    math.exp(rng.gauss(0.0, POPULARITY_SD))))
    for xs_department, (spell_department, share) in cal.EXCESS_BED_DAYS.items():
        rng = rng_for(seed, "catalogue", xs_department)
        for row in [r for r in rows if r.department == spell_department]:
            if rng.random() < share:
                rows.append(CatalogueRow(
                    xs_department, row.service, row.currency,
                    _unit_cost(seed, xs_department, row.currency, 0.0),
                    math.exp(rng.gauss(0.0, POPULARITY_SD))))
    return rows


def _fixed(department: str, service: str, currencies: dict[str, tuple[float, float]],
           factor: float = 1.0) -> list[CatalogueRow]:
    """Rows with real currencies; popularity = the currency's national cost share."""
    return [CatalogueRow(department, service, code, round(unit * factor, 2), unit * activity)
            for code, (unit, activity) in currencies.items()]


def _specialty_size(service: str) -> float:
    return sum(cal.SPECIALTIES[service][1].values())


def _fixed_rows(seed: int) -> list[CatalogueRow]:
    rows: list[CatalogueRow] = []
    for service in cal.SPECIALTIES:
        if service in ("180", "812", "840"):
            continue
        # Outpatient unit costs differ by specialty (an oncology attendance costs more than a
        # dermatology one); every provider sees the same specialty factor.
        factor = math.exp(0.25 * rng_for(seed, "outpatients", service).gauss(0.0, 1.0))
        size = _specialty_size(service)
        rows += [CatalogueRow(r.department, r.service, r.currency, r.unit_cost,
                              r.popularity * size)
                 for r in _fixed("CL", service, cal.CL_CURRENCIES, factor)]
    for service in cal.NCL_SERVICES:
        rows += _fixed("NCL", service, cal.NCL_CURRENCIES)
    rows += _fixed("EM", "180", cal.EM_CURRENCIES)
    rows += _fixed("CC", "192", cal.ADULT_CC_CURRENCIES)
    rows += _fixed("CC", "420", cal.NEONATAL_CC_CURRENCIES)
    rows += _fixed("CC", "420", cal.PAEDIATRIC_CC_CURRENCIES)
    rows += _fixed("DAPS", "822", cal.PATHOLOGY_CURRENCIES)
    for service, currencies in cal.CHS_CURRENCIES.items():
        rows += _fixed("CHS", service, currencies)
    return rows


def build_catalogue(seed: int, scale: float) -> dict[str, list[CatalogueRow]]:
    """Catalogue rows grouped by service code (the unit in which providers take them up)."""
    by_service: dict[str, list[CatalogueRow]] = {}
    for row in _hrg_rows(seed, scale) + _fixed_rows(seed):
        by_service.setdefault(row.service, []).append(row)
    return by_service


def department_medians(catalogue: dict[str, list[CatalogueRow]]) -> dict[str, float]:
    """Median unit cost per department: the pivot of each provider's casemix tilt."""
    values: dict[str, list[float]] = {}
    for rows in catalogue.values():
        for row in rows:
            values.setdefault(row.department, []).append(row.unit_cost)
    return {d: sorted(v)[len(v) // 2] for d, v in values.items()}
