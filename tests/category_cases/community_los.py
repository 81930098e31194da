"""Community length of stay: bed days / discharges per service, 25th percentile of peers for the
same service; excess bed days = max(0, LOS - benchmark) x discharges, x cost per bed day."""

from tests.category_cases import UNIT_VALUES, Case, Expect, providers
from tests.engine_store import provider

CATEGORY = "community_los"
BED_DAY = UNIT_VALUES["cost_per_bed_day_community"]  # 300


def stays(code: str, service: str, discharges: float | None, bed_days: float | None) -> dict:
    return {"provider_code": code, "service": service, "discharges": discharges,
            "bed_days": bed_days}


CASES = [
    Case(
        "LOS per service against the 25th percentile; tiny services neither assessed nor peers",
        CATEGORY,
        given={
            "providers": [*providers("C", 6, "community"), provider("A1", "acute")],
            "community_los": [
                # community hospital: 100 discharges each, LOS 10, 15, 20, 25, 30 days
                stays(f"C{i}", "community_hospital", 100, 100 * (5 + 5 * i)) for i in range(1, 6)
            ] + [
                # C6 has 5 discharges: under the activity threshold, and not a peer value
                stays("C6", "community_hospital", 5, 500),
                # intermediate care at C1 only
                stays("C1", "intermediate_care", 50, 1000),
                # an acute trust's rows are not part of this category
                stays("A1", "community_hospital", 100, 9000),
            ],
        },
        expect=[
            # sorted 10, 15, 20, 25, 30; h = 0.25 x 4 = 1 -> 15
            # C5: (30 - 15) x 100 = 1,500 bed days x 300 = 450,000
            Expect("C5", "los", "community_hospital", assessed=True, metric=30.0,
                   benchmark=15.0, peers=5, volume=100, unit_value=BED_DAY,
                   opportunity_native=(30 - 15) * 100, opportunity_gbp=(30 - 15) * 100 * BED_DAY,
                   native_unit="bed days"),
            # C3: (20 - 15) x 100 = 500 bed days
            Expect("C3", "los", "community_hospital", opportunity_native=(20 - 15) * 100,
                   opportunity_gbp=(20 - 15) * 100 * BED_DAY),
            # C1 is better than the benchmark
            Expect("C1", "los", "community_hospital", assessed=True, metric=10.0,
                   opportunity_gbp=0.0),
            Expect("C6", "los", "community_hospital", assessed=False,
                   reason_code="activity_under_threshold", metric=100.0, opportunity_gbp=0.0),
            Expect("C1", "los", "intermediate_care", assessed=False,
                   reason_code="too_few_peers", peers=1),
            # context: C1 overall = (1,000 + 1,000) / (100 + 50)
            Expect("C1", "overall_los", metric=(1000 + 1000) / (100 + 50), opportunity_gbp=0.0),
            Expect("A1", "los", "community_hospital", exists=False),
        ],
    ),
    Case(
        "suppressed bed days are missing, never zero; no unit value means not assessed",
        CATEGORY,
        given={
            "providers": providers("C", 6, "community"),
            "community_los": [
                stays(f"C{i}", "community_hospital", 100, 100 * (5 + 5 * i)) for i in range(1, 6)
            ] + [stays("C6", "community_hospital", 100, None)],
        },
        unit_values={},
        expect=[
            Expect("C6", "los", "community_hospital", assessed=False, metric="missing",
                   reason_code="no_valid_data"),
            Expect("C6", "overall_los", assessed=False, metric="missing"),
            # C6 is not a peer value: 5 peers, benchmark 15 as before
            Expect("C5", "los", "community_hospital", assessed=False, peers=5,
                   reason_code="unit_value_missing",
                   reason_contains="unit value 'cost_per_bed_day_community' missing",
                   opportunity_gbp=0.0),
        ],
    ),
]
