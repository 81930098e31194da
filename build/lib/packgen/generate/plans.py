"""A sample `plans.csv`: each provider's planned 2026/27 savings by category.

About 80% of providers submit a plan. Most plans are ordinary (2-6% of operating cost in all);
some are deliberately awkward so that plan checks have something to find: a total under 2%, a
large category left out, or one category far beyond any plausible opportunity.
"""

from __future__ import annotations

from packgen.generate.providers import Provider, rng_for

# Sector -> {category: typical planned saving as a share of operating cost}: about two thirds of
# the median opportunity the method finds in this dataset (seed 2026; a little more for community
# and mental health trusts, so that an ordinary plan reaches the 2% requirement), so that most
# plans are credible and mainly trusts with small opportunities plan above them.
CATEGORY_SHARES = {
    "acute": {"acute_cost": 0.028, "temporary_staffing": 0.0038, "corporate_services": 0.0045,
              "estates_procurement": 0.0045, "medicines": 0.0004},
    "community": {"community_los": 0.013, "community_dna": 0.0017, "temporary_staffing": 0.005,
                  "corporate_services": 0.006, "estates_procurement": 0.0033},
    "mental_health": {"mh_los": 0.010, "talking_therapies": 0.002, "temporary_staffing": 0.0048,
                      "corporate_services": 0.0062, "estates_procurement": 0.0033},
    "ambulance": {"ambulance_handover": 0.035, "ambulance_conveyance": 0.001,
                  "ambulance_incidents": 0.012, "temporary_staffing": 0.0027,
                  "corporate_services": 0.0039, "estates_procurement": 0.0019},
}
CATEGORY_SHARES["specialist"] = CATEGORY_SHARES["acute"]
SUBMIT_SHARE = 0.8
# Cumulative probabilities of the awkward plan shapes.
LOW_TOTAL, MISSING_LARGEST, VERY_LARGE = 0.05, 0.10, 0.17


def plans(providers: list[Provider], seed: int) -> list[tuple]:
    """Rows (provider, category, planned saving, planned productivity growth or None)."""
    rng = rng_for(seed, "plans")
    out = []
    for p in providers:
        if rng.random() >= SUBMIT_SHARE:
            continue
        shares = {c: s * rng.lognormvariate(0.0, 0.3) for c, s in CATEGORY_SHARES[p.sector].items()}
        shape = rng.random()
        if shape < LOW_TOTAL:  # a plan under 2% of the cost base in all
            shares = {c: s * rng.uniform(0.15, 0.35) for c, s in shares.items()}
        elif shape < MISSING_LARGEST:
            del shares[max(shares, key=shares.__getitem__)]
        elif shape < VERY_LARGE:  # one category planned at several times the usual size
            category = rng.choice(sorted(shares))
            shares[category] *= rng.uniform(4.0, 8.0)
        # Planned productivity growth: mostly at or above the 2% requirement, low for low plans.
        low = shape < LOW_TOTAL or rng.random() < 0.12
        growth = round(rng.uniform(0.005, 0.018) if low else rng.uniform(0.02, 0.04), 4)
        for i, category in enumerate(sorted(shares)):
            saving = round(p.operating_cost_gbp * shares[category], -3)
            out.append((p.code, category, saving, growth if i == 0 else None))
    return out
