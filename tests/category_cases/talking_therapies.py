"""NHS Talking Therapies: DNA rate (lower, 25th percentile) and contacts per WTE (higher, 75th
percentile, WTE released = max(0, WTE - contacts / benchmark))."""

from tests.category_cases import UNIT_VALUES, Case, Expect, providers

CATEGORY = "talking_therapies"
APPOINTMENT = UNIT_VALUES["cost_per_appointment_talking_therapies"]  # 110
WTE_COST = UNIT_VALUES["cost_per_wte_talking_therapies"]  # 50,000
WTES = {"M1": 2.0, "M2": 2.5, "M3": 4.0, "M4": 5.0, "M5": 10.0}


def row(code: str, booked, dna, contacts, wte) -> dict:
    return {"provider_code": code, "booked_appointments": booked, "dna_appointments": dna,
            "care_contacts": contacts, "clinical_wte": wte}


CASES = [
    Case(
        "DNA rate and contacts per WTE (resource released)",
        CATEGORY,
        given={
            "providers": providers("M", 6, "mental_health"),
            "talking_therapies": [
                # 1,000 booked, DNAs 100..180; 1,000 contacts per trust over 2..10 WTE
                row(f"M{i}", 1000, 80 + 20 * i, 1000, WTES[f"M{i}"]) for i in range(1, 6)
            ] + [row("M6", None, None, 900, None)],
        },
        expect=[
            # DNA sorted 0.10 .. 0.18; h = 1 -> 0.12; M5: (0.18 - 0.12) x 1,000 = 60 x 110
            Expect("M5", "dna_rate", assessed=True, metric=0.18, benchmark=0.12, peers=5,
                   opportunity_native=(0.18 - 0.12) * 1000,
                   opportunity_gbp=(0.18 - 0.12) * 1000 * APPOINTMENT),
            Expect("M1", "dna_rate", assessed=True, opportunity_gbp=0.0),
            # contacts per WTE: 500, 400, 250, 200, 100; sorted 100, 200, 250, 400, 500;
            # h = 0.75 x 4 = 3 -> 400. M5: 10 - 1,000 / 400 = 7.5 WTE x 50,000
            Expect("M5", "contacts_per_wte", assessed=True, metric=100.0, benchmark=400.0,
                   peers=5, volume=10.0, opportunity_native=10 - 1000 / 400,
                   opportunity_gbp=(10 - 1000 / 400) * WTE_COST, native_unit="WTE"),
            # M3: 4 - 1,000 / 400 = 1.5 WTE
            Expect("M3", "contacts_per_wte", opportunity_native=4 - 1000 / 400,
                   opportunity_gbp=(4 - 1000 / 400) * WTE_COST),
            # M1 (500 a WTE) is better than the benchmark
            Expect("M1", "contacts_per_wte", assessed=True, opportunity_gbp=0.0),
            Expect("M6", "dna_rate", assessed=False, metric="missing"),
            Expect("M6", "contacts_per_wte", assessed=False, metric="missing",
                   reason_code="no_valid_data"),
        ],
    ),
]
