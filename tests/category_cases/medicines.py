"""Medicines: best-value uptake per molecule, higher is better, 75th percentile of peers;
opportunity = max(0, benchmark - share) x total quantity x (own average price on other products
- best-value price)."""

from tests.category_cases import Case, Expect, providers
from tests.engine_store import provider

CATEGORY = "medicines"
BEST_PRICE = 2.0

REFERENCE = [
    {"molecule": "adalimumab", "vmp_code": "ADA-BIO", "vmp_name": "Adalimumab biosimilar",
     "is_best_value": True, "unit_price_gbp": BEST_PRICE},
    {"molecule": "adalimumab", "vmp_code": "ADA-ORIG", "vmp_name": "Adalimumab originator",
     "is_best_value": False, "unit_price_gbp": 10.0},
    {"molecule": "adalimumab", "vmp_code": "ADA-OTHER", "vmp_name": "Adalimumab other",
     "is_best_value": False, "unit_price_gbp": 9.0},
    {"molecule": "etanercept", "vmp_code": "ETA-BIO", "vmp_name": "Etanercept biosimilar",
     "is_best_value": True, "unit_price_gbp": 5.0},
    {"molecule": "etanercept", "vmp_code": "ETA-ORIG", "vmp_name": "Etanercept originator",
     "is_best_value": False, "unit_price_gbp": 8.0},
]


def use(code: str, vmp: str, quantity: float | None, cost: float | None) -> dict:
    return {"provider_code": code, "vmp_code": vmp, "quantity": quantity, "cost_gbp": cost}


CASES = [
    Case(
        "uptake against the 75th percentile, priced at the trust's own other-product price",
        CATEGORY,
        given={
            # four acute trusts and a specialist one: benchmarked together
            "providers": [*providers("A", 4, "acute"), provider("S1", "specialist")],
            "medicines_reference": REFERENCE,
            "medicines_use": [
                # A1: 20 of 100 on the biosimilar; 80 originator for 800 (10.00 a unit)
                use("A1", "ADA-BIO", 20, 40), use("A1", "ADA-ORIG", 80, 800),
                # A2: 40 of 100; 60 on two other products for 90 in all (1.50 a unit, cheaper
                # than the best-value price: switching saves nothing)
                use("A2", "ADA-BIO", 40, 80), use("A2", "ADA-ORIG", 30, 45),
                use("A2", "ADA-OTHER", 30, 45),
                # A3: 60 of 100, 40 others for 320 (8.00)
                use("A3", "ADA-BIO", 60, 120), use("A3", "ADA-ORIG", 40, 320),
                # A4: 80 of 100
                use("A4", "ADA-BIO", 80, 160), use("A4", "ADA-ORIG", 20, 200),
                # S1: all on the biosimilar
                use("S1", "ADA-BIO", 100, 200),
                # etanercept: three users only
                use("A1", "ETA-BIO", 50, 250), use("A1", "ETA-ORIG", 50, 400),
                use("A2", "ETA-BIO", 50, 250), use("A3", "ETA-BIO", 50, 250),
            ],
        },
        expect=[
            # shares sorted 0.2, 0.4, 0.6, 0.8, 1.0; h = 0.75 x 4 = 3 -> 0.8
            # A1: (0.8 - 0.2) x 100 = 60 units switched, x (800 / 80 - 2.00) = 480
            Expect("A1", "best_value_uptake", "adalimumab", assessed=True, metric=0.2,
                   benchmark=0.8, peers=5, volume=100, unit_value=800 / 80 - BEST_PRICE,
                   opportunity_native=(0.8 - 0.2) * 100,
                   opportunity_gbp=(0.8 - 0.2) * 100 * (800 / 80 - BEST_PRICE)),
            # A2 pays less than the best-value price on the others: unit value 0, so 0 pounds
            Expect("A2", "best_value_uptake", "adalimumab", assessed=True, unit_value=0.0,
                   opportunity_native=(0.8 - 0.4) * 100, opportunity_gbp=0.0),
            # A3: (0.8 - 0.6) x 100 x (8.00 - 2.00) = 120
            Expect("A3", "best_value_uptake", "adalimumab",
                   opportunity_gbp=(0.8 - 0.6) * 100 * (320 / 40 - BEST_PRICE)),
            # S1 is above the benchmark and has no other products: zero, unit value 0
            Expect("S1", "best_value_uptake", "adalimumab", assessed=True, metric=1.0,
                   unit_value=0.0, opportunity_gbp=0.0),
            # etanercept: three trusts
            Expect("A1", "best_value_uptake", "etanercept", assessed=False,
                   reason_code="too_few_peers", peers=3),
            # context: A1 overall = (20 + 50) / (100 + 100) = 0.35
            Expect("A1", "overall_uptake", metric=(20 + 50) / (100 + 100), opportunity_gbp=0.0),
        ],
    ),
    Case(
        "tiny quantities are not assessed nor peers; a suppressed quantity is missing",
        CATEGORY,
        given={
            "providers": [*providers("A", 7, "acute"), provider("C1", "community")],
            "medicines_reference": REFERENCE,
            "medicines_use": [
                use(f"A{i}", "ADA-BIO", 10 * i, 20 * i) for i in range(1, 6)
            ] + [
                use(f"A{i}", "ADA-ORIG", 100 - 10 * i, 10 * (100 - 10 * i)) for i in range(1, 6)
            ] + [
                # A6 issued 5 units in all: under the activity threshold of 10
                use("A6", "ADA-BIO", 0, 0), use("A6", "ADA-ORIG", 5, 50),
                # A7's originator quantity is suppressed
                use("A7", "ADA-BIO", 50, 100), use("A7", "ADA-ORIG", None, None),
                # community trusts are not in this category
                use("C1", "ADA-BIO", 100, 200),
            ],
        },
        expect=[
            Expect("A6", "best_value_uptake", "adalimumab", assessed=False,
                   reason_code="activity_under_threshold", opportunity_gbp=0.0),
            Expect("A7", "best_value_uptake", "adalimumab", assessed=False,
                   reason_code="no_valid_data", metric="missing"),
            Expect("A7", "overall_uptake", assessed=False, metric="missing"),
            # peers A1..A5 only: shares 0.1..0.5; h = 3 -> 0.4;
            # A1: (0.4 - 0.1) x 100 x (10.00 - 2.00) = 240
            Expect("A1", "best_value_uptake", "adalimumab", peers=5, benchmark=0.4,
                   opportunity_gbp=(0.4 - 0.1) * 100 * (10.0 - BEST_PRICE)),
            Expect("C1", "best_value_uptake", "adalimumab", exists=False),
            Expect("C1", "overall_uptake", exists=False),
        ],
    ),
]
