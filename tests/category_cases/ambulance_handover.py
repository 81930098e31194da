"""Ambulance handover: the standard is 0 hours lost over 15 minutes; every hour lost counts."""

from tests.category_cases import UNIT_VALUES, Case, Expect, providers

CATEGORY = "ambulance_handover"
CREW_HOUR = UNIT_VALUES["cost_per_crew_hour"]  # 200


def row(code: str, handovers, hours_lost) -> dict:
    return {"provider_code": code, "incidents": 1000, "face_to_face_incidents": 800,
            "conveyed_to_ed": 400, "handovers": handovers, "handover_hours_lost": hours_lost,
            "wte": 10}


CASES = [
    Case(
        "every hour lost over 15 minutes is the opportunity, whatever the peers",
        CATEGORY,
        given={
            # three ambulance trusts: the standard needs no peers
            "providers": providers("B", 3, "ambulance"),
            "ambulance": [row("B1", 20_000, 1_500), row("B2", 5, 2), row("B3", 10_000, None)],
        },
        expect=[
            # metric 1,500 / 20,000 = 0.075 hours per handover; native = 0.075 x 20,000 = 1,500
            # crew hours; pounds = 1,500 x 200 = 300,000
            Expect("B1", "hours_lost_per_handover", assessed=True, metric=1500 / 20000,
                   benchmark=0.0, peers="missing", volume=20_000, unit_value=CREW_HOUR,
                   opportunity_native=1500.0, opportunity_gbp=1500 * CREW_HOUR,
                   native_unit="crew hours"),
            Expect("B2", "hours_lost_per_handover", assessed=False,
                   reason_code="activity_under_threshold"),
            Expect("B3", "hours_lost_per_handover", assessed=False, metric="missing",
                   reason_code="no_valid_data"),
        ],
    ),
]
