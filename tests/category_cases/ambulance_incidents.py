"""Incidents per WTE: higher is better, 75th percentile; WTE released = max(0, WTE - incidents /
benchmark), x cost per WTE."""

from tests.category_cases import UNIT_VALUES, Case, Expect, providers

CATEGORY = "ambulance_incidents"
WTE_COST = UNIT_VALUES["cost_per_wte_ambulance"]  # 45,000
WTES = (200.0, 250.0, 400.0, 500.0, 1000.0)


def row(code: str, incidents, wte) -> dict:
    return {"provider_code": code, "incidents": incidents, "face_to_face_incidents": 1000,
            "conveyed_to_ed": 500, "handovers": 1000, "handover_hours_lost": 10, "wte": wte}


CASES = [
    Case(
        "incidents per WTE: WTE released at the benchmark rate",
        CATEGORY,
        given={
            # 100,000 incidents each over 200..1,000 WTE: 500, 400, 250, 200, 100 a WTE
            "providers": providers("B", 6, "ambulance"),
            "ambulance": [row(f"B{i}", 100_000, w) for i, w in enumerate(WTES, start=1)]
            + [row("B6", 100_000, 0.0)],
        },
        expect=[
            # sorted 100, 200, 250, 400, 500; h = 0.75 x 4 = 3 -> 400
            # B5: 1,000 - 100,000 / 400 = 750 WTE x 45,000
            Expect("B5", "incidents_per_wte", assessed=True, metric=100.0, benchmark=400.0,
                   peers=5, volume=1000.0, unit_value=WTE_COST,
                   opportunity_native=1000 - 100_000 / 400,
                   opportunity_gbp=(1000 - 100_000 / 400) * WTE_COST, native_unit="WTE"),
            # B3: 400 - 250 = 150 WTE
            Expect("B3", "incidents_per_wte", opportunity_native=400 - 100_000 / 400,
                   opportunity_gbp=(400 - 100_000 / 400) * WTE_COST),
            Expect("B1", "incidents_per_wte", assessed=True, metric=500.0, opportunity_gbp=0.0),
            # zero WTE: no valid metric, not a zero
            Expect("B6", "incidents_per_wte", assessed=False, metric="missing",
                   reason_code="no_valid_data"),
        ],
    ),
]
