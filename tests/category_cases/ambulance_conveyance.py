"""Conveyance to ED: conveyed / face-to-face incidents, 25th percentile of peers; avoided
conveyances x (See and Convey - See and Treat unit cost)."""

from tests.category_cases import UNIT_VALUES, Case, Expect, providers

CATEGORY = "ambulance_conveyance"
SAVING = UNIT_VALUES["see_and_convey_unit_cost"] - UNIT_VALUES["see_and_treat_unit_cost"]  # 150


def row(code: str, face_to_face, conveyed) -> dict:
    return {"provider_code": code, "incidents": 20_000, "face_to_face_incidents": face_to_face,
            "conveyed_to_ed": conveyed, "handovers": 1000, "handover_hours_lost": 10, "wte": 100}


GIVEN = {
    # 10,000 face-to-face incidents, 5,000..7,000 conveyed: 0.50 .. 0.70
    "providers": providers("B", 5, "ambulance"),
    "ambulance": [row(f"B{i}", 10_000, 4_500 + 500 * i) for i in range(1, 6)],
}

CASES = [
    Case(
        "conveyance rate against the 25th percentile, priced at the unit cost difference",
        CATEGORY,
        given=GIVEN,
        expect=[
            # sorted 0.50 .. 0.70; h = 1 -> 0.55; B5: (0.70 - 0.55) x 10,000 = 1,500 x 150
            Expect("B5", "conveyance_rate", assessed=True, metric=0.70, benchmark=0.55, peers=5,
                   volume=10_000, unit_value=SAVING, opportunity_native=(0.70 - 0.55) * 10_000,
                   opportunity_gbp=(0.70 - 0.55) * 10_000 * SAVING, native_unit="conveyances"),
            Expect("B1", "conveyance_rate", assessed=True, opportunity_gbp=0.0),
        ],
    ),
    Case(
        "without the See and Treat unit cost the avoidable conveyances are counted, not priced",
        CATEGORY,
        given=GIVEN,
        unit_values={"see_and_convey_unit_cost": 450.0},
        expect=[
            Expect("B5", "conveyance_rate", assessed=False, metric=0.70, benchmark=0.55,
                   reason_code="unit_value_missing",
                   reason_contains="not priced: unit value 'see_and_treat_unit_cost' missing",
                   opportunity_native=(0.70 - 0.55) * 10_000, opportunity_gbp=0.0),
        ],
    ),
]
