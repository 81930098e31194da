"""Temporary staffing: fixed rates of the provider's own spend; agency share of pay bill as
context against the 25th percentile of peers' shares."""

from tests.category_cases import Case, Expect, providers
from tests.engine_store import provider

CATEGORY = "temporary_staffing"

CASES = [
    Case(
        "fixed rates: half of 30% of agency and half of 10% of bank, no peers needed",
        CATEGORY,
        given={
            # three acute trusts only: fixed-rate targets need no peers
            "providers": providers("A", 3, "acute"),
            "temporary_staffing": [
                {"provider_code": "A1", "agency_gbp": 2_000_000.0, "bank_gbp": 1_000_000.0},
                {"provider_code": "A2", "agency_gbp": 0.0, "bank_gbp": 500_000.0},
                {"provider_code": "A3", "agency_gbp": 400_000.0, "bank_gbp": 0.0},
            ],
        },
        expect=[
            # agency: target = 2,000,000 x (1 - 0.30); native = 0.30 x 2,000,000 = 600,000 of
            # spend; pounds = 0.5 x 0.30 x 2,000,000 = 300,000
            Expect("A1", "agency", assessed=True, metric=2_000_000.0,
                   benchmark=2_000_000.0 * (1 - 0.30), peers="missing", unit_value=0.5,
                   opportunity_native=0.30 * 2_000_000, opportunity_gbp=0.5 * 0.30 * 2_000_000,
                   native_unit="GBP cut from agency spend"),
            # bank: pounds = 0.5 x 0.10 x 1,000,000 = 50,000
            Expect("A1", "bank", assessed=True, metric=1_000_000.0, peers="missing",
                   opportunity_native=0.10 * 1_000_000, opportunity_gbp=0.5 * 0.10 * 1_000_000),
            # no agency spend: nothing to reduce, but assessed
            Expect("A2", "agency", assessed=True, metric=0.0, opportunity_gbp=0.0),
            Expect("A2", "bank", assessed=True, opportunity_gbp=0.5 * 0.10 * 500_000),
            Expect("A3", "agency", assessed=True, opportunity_gbp=0.5 * 0.30 * 400_000),
            # the context needs 5 peers: only 3 acute trusts
            Expect("A1", "agency_share_of_pay_bill", assessed=False,
                   reason_code="too_few_peers", peers=3,
                   opportunity_gbp=0.0),
        ],
    ),
    Case(
        "run parameters change the rates and the share counted",
        CATEGORY,
        given={
            "providers": providers("A", 1, "acute"),
            "temporary_staffing": [
                {"provider_code": "A1", "agency_gbp": 1_000_000.0, "bank_gbp": 1_000_000.0},
            ],
        },
        params={"agency_reduction": 0.40, "bank_reduction": 0.20,
                "temporary_staffing_share_counted": 1.0},
        expect=[
            Expect("A1", "agency", opportunity_native=0.40 * 1_000_000,
                   opportunity_gbp=1.0 * 0.40 * 1_000_000),
            Expect("A1", "bank", opportunity_native=0.20 * 1_000_000,
                   opportunity_gbp=1.0 * 0.20 * 1_000_000),
        ],
    ),
    Case(
        "a run-wide activity threshold does not apply: spend has no activity count",
        CATEGORY,
        given={
            "providers": providers("A", 1, "acute"),
            "temporary_staffing": [
                {"provider_code": "A1", "agency_gbp": 1_000_000.0, "bank_gbp": 0.0},
            ],
        },
        params={"min_activity": 50},
        expect=[Expect("A1", "agency", assessed=True, opportunity_gbp=0.5 * 0.30 * 1_000_000)],
    ),
    Case(
        "missing spend is not assessed, never zero; a trust with no return at all too",
        CATEGORY,
        given={
            "providers": providers("A", 3, "acute"),
            "temporary_staffing": [
                {"provider_code": "A1", "agency_gbp": None, "bank_gbp": 300_000.0},
                {"provider_code": "A3", "agency_gbp": 1e6, "bank_gbp": 300_000.0},
            ],
        },
        expect=[
            Expect("A1", "agency", assessed=False, reason_code="no_valid_data",
                   metric="missing", opportunity_gbp=0.0),
            Expect("A1", "bank", assessed=True, opportunity_gbp=0.5 * 0.10 * 300_000),
            # A2 made no return: "no data supplied", never £0
            Expect("A2", "agency", assessed=False, reason_code="no_data_supplied",
                   reason_contains="no data supplied (no rows "
                   "for this trust in temporary_staffing.csv)", metric="missing"),
            Expect("A2", "bank", assessed=False, reason_code="no_data_supplied",
                   metric="missing"),
        ],
    ),
    Case(
        "a column no trust reported is not supplied: no data supplied, for every trust",
        CATEGORY,
        given={
            "providers": providers("A", 2, "acute"),
            "temporary_staffing": [
                {"provider_code": "A1", "agency_gbp": None, "bank_gbp": 300_000.0},
                {"provider_code": "A2", "agency_gbp": None, "bank_gbp": 200_000.0},
            ],
        },
        expect=[
            Expect("A1", "agency", assessed=False, reason_code="no_data_supplied",
                   reason_contains="no data supplied "
                   "(agency_gbp: no values in temporary_staffing.csv)", opportunity_gbp=0.0),
            Expect("A2", "bank", assessed=True, opportunity_gbp=0.5 * 0.10 * 200_000),
        ],
    ),
    Case(
        "agency share of pay bill: 25th percentile of peers; other sectors are not peers",
        CATEGORY,
        given={
            # five acute trusts, pay bill 100m, agency 1m..5m: shares 0.01..0.05; a community
            # trust with the lowest share is not one of their peers
            "providers": [
                *providers("A", 5, "acute", pay_bill_gbp=100e6),
                provider("C1", "community", pay_bill_gbp=100e6),
            ],
            "temporary_staffing": [
                {"provider_code": f"A{i}", "agency_gbp": i * 1e6, "bank_gbp": 0.0}
                for i in range(1, 6)
            ] + [{"provider_code": "C1", "agency_gbp": 0.0, "bank_gbp": 0.0}],
        },
        expect=[
            # sorted 0.01, 0.02, 0.03, 0.04, 0.05; h = 0.25 x 4 = 1 -> 0.02
            Expect("A5", "agency_share_of_pay_bill", assessed=True, metric=0.05, benchmark=0.02,
                   peers=5, opportunity_gbp=0.0),
            Expect("A1", "agency_share_of_pay_bill", metric=0.01, benchmark=0.02, peers=5),
            Expect("C1", "agency_share_of_pay_bill", assessed=False,
                   reason_code="too_few_peers", peers=1),
        ],
    ),
]
