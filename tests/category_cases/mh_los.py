"""Mental health LOS per ward type: each ward type benchmarked only against the same ward type."""

from tests.category_cases import UNIT_VALUES, Case, Expect, providers

CATEGORY = "mh_los"
BED_DAY = UNIT_VALUES["cost_per_bed_day_mental_health"]  # 400


def stays(code: str, ward_type: str, discharges: float, bed_days: float) -> dict:
    return {"provider_code": code, "ward_type": ward_type, "discharges": discharges,
            "bed_days": bed_days}


CASES = [
    Case(
        "ward types are benchmarked separately",
        CATEGORY,
        given={
            "providers": providers("M", 5, "mental_health"),
            "mh_los": [
                # PICU: 20 discharges each, LOS 20, 30, 40, 50, 60
                stays(f"M{i}", "picu", 20, 20 * (10 + 10 * i)) for i in range(1, 6)
            ] + [
                # adult acute: 200 discharges each, LOS 65, 55, 45, 35, 25 (M1 longest)
                stays(f"M{i}", "adult_acute", 200, 200 * (75 - 10 * i)) for i in range(1, 6)
            ] + [
                # rehabilitation at two trusts only
                stays("M1", "rehabilitation", 12, 12 * 200),
                stays("M2", "rehabilitation", 15, 15 * 100),
            ],
        },
        expect=[
            # PICU sorted 20..60; h = 1 -> 30; M5: (60 - 30) x 20 = 600 bed days x 400
            Expect("M5", "los", "picu", assessed=True, metric=60.0, benchmark=30.0, peers=5,
                   opportunity_native=(60 - 30) * 20, opportunity_gbp=(60 - 30) * 20 * BED_DAY,
                   native_unit="bed days"),
            Expect("M1", "los", "picu", assessed=True, metric=20.0, opportunity_gbp=0.0),
            # adult acute sorted 25..65; h = 1 -> 35 (pooled with PICU it would be another
            # figure); M1: (65 - 35) x 200 = 6,000 bed days x 400
            Expect("M1", "los", "adult_acute", metric=65.0, benchmark=35.0, peers=5,
                   opportunity_native=(65 - 35) * 200, opportunity_gbp=(65 - 35) * 200 * BED_DAY),
            Expect("M5", "los", "adult_acute", metric=25.0, opportunity_gbp=0.0),
            Expect("M1", "los", "rehabilitation", assessed=False,
                   reason_code="too_few_peers", peers=2),
            Expect("M3", "los", "rehabilitation", exists=False),
        ],
    ),
]
