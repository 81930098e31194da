"""Estates and procurement: energy per m2 and general supplies against the peers' MEDIAN, energy
priced at the trust's own cost per kWh; clinical supplies a fixed 3% of spend."""

from tests.category_cases import Case, Expect, providers

CATEGORY = "estates_procurement"
GIA = 10_000.0  # m2
INCOME = 100e6


def estates_row(code: str, **kw) -> dict:
    """An estates row; fuel costs default to 0.20 a kWh of electricity and 0.05 of gas."""
    row = {"provider_code": code, "gia_m2": GIA, "electricity_kwh": 2e6, "gas_kwh": 1e6,
           "general_supplies_gbp": 10e6, "clinical_supplies_gbp": 20e6}
    row.update(kw)
    for fuel, price in (("electricity", 0.20), ("gas", 0.05)):
        kwh = row[f"{fuel}_kwh"]
        row.setdefault(f"{fuel}_cost_gbp", None if kwh is None else kwh * price)
    return row


CASES = [
    Case(
        "energy and general supplies against the median; own price per kWh",
        CATEGORY,
        given={
            "providers": providers("A", 6, "acute", income_gbp=INCOME),
            "estates": [
                # electricity 100..600 kWh per m2 at 0.20 a kWh, A6 at 0.25;
                # gas 50..100 kWh per m2 at 0.05 a kWh;
                # general supplies 10m..15m of 100m income: 0.10..0.15
                estates_row(f"A{i}", electricity_kwh=i * 100 * GIA,
                            electricity_cost_gbp=i * 100 * GIA * (0.25 if i == 6 else 0.20),
                            gas_kwh=(40 + i * 10) * GIA, general_supplies_gbp=(9 + i) * 1e6)
                for i in range(1, 7)
            ],
        },
        expect=[
            # electricity median of 100..600 = (300 + 400) / 2 = 350 kWh per m2;
            # A6 excess = (600 - 350) x 10,000 m2 = 2,500,000 kWh at its own 0.25 = 625,000
            Expect("A6", "electricity", assessed=True, metric=600.0, benchmark=350.0, peers=6,
                   volume=GIA, unit_value=0.25, opportunity_native=(600 - 350) * GIA,
                   opportunity_gbp=(600 - 350) * GIA * 0.25, native_unit="kWh"),
            # A4: (400 - 350) x 10,000 = 500,000 kWh at 0.20 = 100,000
            Expect("A4", "electricity", opportunity_native=(400 - 350) * GIA,
                   opportunity_gbp=(400 - 350) * GIA * 0.20),
            # A3 is below the median: zero
            Expect("A3", "electricity", assessed=True, opportunity_gbp=0.0),
            # gas median of 50..100 = (70 + 80) / 2 = 75; A6: (100 - 75) x 10,000 x 0.05
            Expect("A6", "gas", benchmark=75.0, unit_value=0.05,
                   opportunity_native=(100 - 75) * GIA, opportunity_gbp=(100 - 75) * GIA * 0.05),
            # general supplies median of 0.10..0.15 = 0.125; A6: (0.15 - 0.125) x 100m
            Expect("A6", "general_supplies", metric=0.15, benchmark=0.125, peers=6,
                   opportunity_gbp=(0.15 - 0.125) * INCOME),
            Expect("A1", "general_supplies", opportunity_gbp=0.0),
            # context: (electricity + gas) per m2; A6 = 600 + 100 = 700; values 150, 260, 370,
            # 480, 590, 700: median (370 + 480) / 2 = 425
            Expect("A6", "energy_per_m2", metric=700.0, benchmark=425.0, opportunity_gbp=0.0),
        ],
    ),
    Case(
        "clinical supplies: a flat 3% of spend (and the run parameter moves it)",
        CATEGORY,
        given={
            "providers": providers("A", 2, "acute"),
            "estates": [estates_row("A1", clinical_supplies_gbp=20e6),
                        estates_row("A2", clinical_supplies_gbp=None)],
        },
        expect=[
            # 0.03 x 20,000,000 = 600,000; fixed rate: no peers
            Expect("A1", "clinical_supplies", assessed=True, metric=20e6,
                   benchmark=20e6 * (1 - 0.03), peers="missing", opportunity_native=0.03 * 20e6,
                   opportunity_gbp=0.03 * 20e6),
            Expect("A2", "clinical_supplies", assessed=False, metric="missing",
                   reason_code="no_valid_data", opportunity_gbp=0.0),
            # only two trusts: the median targets are not assessed
            Expect("A1", "electricity", assessed=False,
                   reason_code="too_few_peers", peers=2),
        ],
    ),
    Case(
        "clinical supplies reduction of 5% as a run parameter",
        CATEGORY,
        given={"providers": providers("A", 1, "acute"),
               "estates": [estates_row("A1", clinical_supplies_gbp=20e6)]},
        params={"clinical_supplies_reduction": 0.05},
        expect=[Expect("A1", "clinical_supplies", opportunity_gbp=0.05 * 20e6)],
    ),
    Case(
        "missing gas is not zero; a missing electricity cost leaves the kWh a peer value",
        CATEGORY,
        given={
            "providers": providers("A", 6, "community", income_gbp=INCOME),
            "estates": [
                estates_row("A1", gas_kwh=None, electricity_cost_gbp=None,
                            electricity_kwh=1000 * GIA),
            ] + [estates_row(f"A{i}", electricity_kwh=i * 100 * GIA) for i in range(2, 7)],
        },
        expect=[
            Expect("A1", "gas", assessed=False, metric="missing",
                   reason_code="no_valid_data"),
            Expect("A1", "energy_per_m2", assessed=False, metric="missing"),
            # A1 uses 1,000 kWh per m2 but its price is missing: not assessed, yet a peer value:
            # values 200, 300, 400, 500, 600, 1000 -> median (400 + 500) / 2 = 450, 6 peers
            Expect("A1", "electricity", assessed=False, metric=1000.0,
                   reason_code="unit_value_missing", opportunity_gbp=0.0),
            Expect("A6", "electricity", assessed=True, peers=6, benchmark=450.0,
                   opportunity_gbp=(600 - 450) * GIA * 0.20),
            # gas: five peers (A1 has none), all 100 kWh per m2
            Expect("A2", "gas", assessed=True, peers=5, benchmark=100.0, opportunity_gbp=0.0),
        ],
    ),
]
