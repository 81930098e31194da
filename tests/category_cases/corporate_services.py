"""Corporate services: each function's spend / income against the 25th percentile of peers'
shares; opportunity = max(0, share - benchmark) x income, summed over functions."""

from tests.category_cases import Case, Expect, providers

CATEGORY = "corporate_services"
INCOME = 100e6


def spend(function: str, amounts: dict[str, float | None]) -> list[dict]:
    return [{"provider_code": p, "function": function, "spend_gbp": s}
            for p, s in amounts.items()]


CASES = [
    Case(
        "per function against the 25th percentile; better than benchmark is zero; summed",
        CATEGORY,
        given={
            "providers": providers("A", 6, "acute", income_gbp=INCOME),
            # finance 1m..6m of 100m income: shares 0.01..0.06
            "corporate_services": spend("finance", {f"A{i}": i * 1e6 for i in range(1, 7)})
            # hr 2m for five trusts, 7m for A6: shares 0.02 x 5, 0.07
            + spend("hr", {f"A{i}": 2e6 for i in range(1, 6)} | {"A6": 7e6}),
        },
        expect=[
            # finance sorted 0.01..0.06; h = 0.25 x 5 = 1.25 -> 0.02 + 0.25 x 0.01 = 0.0225
            # A6: (0.06 - 0.0225) x 100m = 3,750,000
            Expect("A6", "function_share", "finance", assessed=True, metric=0.06,
                   benchmark=0.0225, peers=6, volume=INCOME, unit_value=1.0,
                   opportunity_native=(0.06 - 0.0225) * INCOME,
                   opportunity_gbp=(0.06 - 0.0225) * INCOME),
            # A1 is better than the benchmark: zero
            Expect("A1", "function_share", "finance", assessed=True, metric=0.01,
                   opportunity_gbp=0.0),
            # A3: (0.03 - 0.0225) x 100m = 750,000
            Expect("A3", "function_share", "finance", opportunity_gbp=(0.03 - 0.0225) * INCOME),
            # hr sorted 0.02 x 5, 0.07; h = 1.25 -> 0.02; A6: (0.07 - 0.02) x 100m = 5,000,000
            Expect("A6", "function_share", "hr", benchmark=0.02,
                   opportunity_gbp=(0.07 - 0.02) * INCOME),
            # context: all functions / income = (6m + 7m) / 100m = 0.13; no opportunity
            # totals (finance + hr) sorted 0.03, 0.04, 0.05, 0.06, 0.07, 0.13;
            # h = 1.25 -> 0.04 + 0.25 x 0.01 = 0.0425
            Expect("A6", "total_share", assessed=True, metric=0.13, benchmark=0.0425, peers=6,
                   opportunity_gbp=0.0),
        ],
    ),
    Case(
        "a function reported by four trusts has fewer than five peers",
        CATEGORY,
        given={
            "providers": providers("A", 5, "acute", income_gbp=INCOME),
            "corporate_services": spend("legal", {f"A{i}": i * 1e5 for i in range(1, 5)}),
        },
        expect=[
            Expect("A4", "function_share", "legal", assessed=False,
                   reason_code="too_few_peers", peers=4, benchmark="missing",
                   opportunity_gbp=0.0),
            # A5 reports no corporate spend at all: not assessed (no data supplied), never £0
            # or "at the benchmark"; its total is missing, not zero
            Expect("A5", "total_share", assessed=False, reason_code="no_data_supplied",
                   reason_contains="no data supplied (no "
                   "rows for this trust in corporate_services.csv)", metric="missing"),
            Expect("A5", "function_share", "all", assessed=False, reason_code="no_data_supplied",
                   reason_contains="no data supplied (no rows for this trust in "
                   "corporate_services.csv)", opportunity_gbp=0.0),
            Expect("A5", "function_share", "legal", exists=False),
        ],
    ),
    Case(
        "a suppressed function is not assessed, is not a peer value, and makes the total missing",
        CATEGORY,
        given={
            "providers": providers("A", 6, "acute", income_gbp=INCOME),
            "corporate_services": spend(
                "finance", {"A1": None} | {f"A{i}": i * 1e6 for i in range(2, 7)}
            ) + spend("it", {f"A{i}": 1e6 for i in range(1, 7)}),
        },
        expect=[
            Expect("A1", "function_share", "finance", assessed=False,
                   reason_code="no_valid_data", metric="missing", opportunity_gbp=0.0),
            # finance peers: A2..A6, shares 0.02..0.06; h = 0.25 x 4 = 1 -> 0.03
            Expect("A6", "function_share", "finance", peers=5, benchmark=0.03,
                   opportunity_gbp=(0.06 - 0.03) * INCOME),
            Expect("A1", "function_share", "it", assessed=True, metric=0.01),
            Expect("A1", "total_share", assessed=False, metric="missing"),
        ],
    ),
]
