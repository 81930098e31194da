"""Community DNAs: DNAs / booked per service, 25th percentile of peers; excess DNAs =
max(0, rate - benchmark) x booked, x cost per appointment."""

from tests.category_cases import UNIT_VALUES, Case, Expect, providers

CATEGORY = "community_dna"
APPOINTMENT = UNIT_VALUES["cost_per_appointment_community"]  # 100


def appointments(code: str, service: str, booked: float | None, dna: float | None) -> dict:
    return {"provider_code": code, "service": service, "booked_appointments": booked,
            "dna_appointments": dna}


CASES = [
    Case(
        "DNA rate per service; fewer than five peers for a service; missing is not zero",
        CATEGORY,
        given={
            "providers": providers("C", 6, "community"),
            "community_appointments": [
                # district nursing: 1,000 booked, 50, 60, 70, 80, 90 DNAs
                appointments(f"C{i}", "district_nursing", 1000, 40 + 10 * i)
                for i in range(1, 6)
            ] + [
                # podiatry at four trusts only
                appointments(f"C{i}", "podiatry", 2000, 100) for i in range(1, 5)
            ] + [appointments("C6", "district_nursing", 1000, None)],
        },
        expect=[
            # sorted 0.05 .. 0.09; h = 1 -> 0.06; C5: (0.09 - 0.06) x 1,000 = 30 DNAs x 100
            Expect("C5", "dna_rate", "district_nursing", assessed=True, metric=0.09,
                   benchmark=0.06, peers=5, volume=1000, unit_value=APPOINTMENT,
                   opportunity_native=(0.09 - 0.06) * 1000,
                   opportunity_gbp=(0.09 - 0.06) * 1000 * APPOINTMENT,
                   native_unit="appointments"),
            Expect("C1", "dna_rate", "district_nursing", assessed=True, opportunity_gbp=0.0),
            Expect("C1", "dna_rate", "podiatry", assessed=False,
                   reason_code="too_few_peers", peers=4),
            Expect("C6", "dna_rate", "district_nursing", assessed=False, metric="missing",
                   reason_code="no_valid_data"),
            # context: C1 overall = (50 + 100) / (1,000 + 2,000) = 0.05; five trusts valid
            # (C6 missing): C1..C4 (40 + 10i + 100) / 3,000 and C5 90 / 1,000
            Expect("C1", "overall_dna_rate", metric=150 / 3000, peers=5, opportunity_gbp=0.0),
            Expect("C6", "overall_dna_rate", assessed=False, metric="missing"),
        ],
    ),
]
