"""Hand-made edge cases of the engine's rules (docs/method.md "Words" and "Acute cost"), with
numbers a reader can check on paper.

Most cases use one department x currency (EL / HN12F) with a national schedule of GBP 1,000 a
unit, so a row of activity 100 has an expected cost of exactly GBP 100,000 and a provider whose
MFF-adjusted cost is GBP 93,000 has a cost index of 0.93.
"""

from __future__ import annotations

import pytest

from packgen.categories import load_definitions
from packgen.engine import RunParameters, compute
from tests.engine_store import make_store, provider

UNIT_COST = 1000.0
SCHEDULE = [{"department_code": "EL", "currency_code": "HN12F", "activity": None,
             "unit_cost_gbp": UNIT_COST}]
ACUTE = tuple(d for d in load_definitions() if d.id == "acute_cost")


def ncc(code: str, index: float, activity: float | None = 100.0, mff: float = 1.0,
        department: str = "EL", service: str = "110", currency: str = "HN12F") -> dict:
    """An NCC row whose cost index is `index` (at the schedule's unit cost) for `activity`."""
    cost = None if index is None else index * (activity or 100.0) * UNIT_COST * mff
    return {"provider_code": code, "department_code": department, "service_code": service,
            "currency_code": currency, "activity": activity, "actual_cost_gbp": cost}


def run(providers, rows, params=None, **tables):
    con = make_store({"providers": providers, "ncc_costs": rows,
                      "national_unit_costs": SCHEDULE, **tables})
    compute(con, params or RunParameters(), ACUTE)
    return con


def cells(con, component: str = "cost_index") -> dict[str, dict]:
    """provider -> its row of result_rows for the one cell EL/110 (or the given component)."""
    rows = records(con, """
        select * from result_rows
        where category = 'acute_cost' and component = $component
          and sub_unit in ('EL/110', 'all')
    """, {"component": component})
    return {row["provider_code"]: row for row in rows}


def records(con, query: str, params: dict | None = None) -> list[dict]:
    rows = con.execute(query, params).fetchall()
    names = [d[0] for d in con.description]
    return [dict(zip(names, row, strict=True)) for row in rows]


SIX = [0.8, 0.9, 1.0, 1.1, 1.2, 1.3]
# 25th percentile of SIX: h = 5 x 0.25 = 1.25 -> 0.9 + 0.25 x (1.0 - 0.9) = 0.925
SIX_BENCHMARK = 0.925


def six_providers(**kw) -> list[dict]:
    return [provider(f"R{i}", "acute", **kw) for i in range(6)]


def test_better_than_benchmark_is_zero_and_worse_is_gap_x_expected():
    con = run(six_providers(), [ncc(f"R{i}", v) for i, v in enumerate(SIX)])
    got = cells(con)
    assert all(r["assessed"] and r["peers"] == 6 for r in got.values())
    assert got["R0"]["benchmark"] == pytest.approx(SIX_BENCHMARK)
    assert got["R0"]["opportunity_gbp"] == 0 and got["R1"]["opportunity_gbp"] == 0
    # R1 is at 0.9, ahead of 0.925: the gap is shown, the money is 0.
    assert got["R1"]["gap"] == pytest.approx(0.9 - SIX_BENCHMARK)
    assert got["R5"]["opportunity_gbp"] == pytest.approx((1.3 - 0.925) * 100_000, abs=0.005)
    assert got["R2"]["opportunity_gbp"] == pytest.approx(7_500.00, abs=0.005)
    assert all(r["opportunity_gbp"] >= 0 for r in got.values())


def test_fewer_than_five_peers_is_not_assessed_with_the_count():
    con = run(six_providers()[:4], [ncc(f"R{i}", v) for i, v in enumerate(SIX[:4])])
    for row in cells(con).values():
        assert not row["assessed"]
        assert row["reason"] == "fewer than 5 peers with valid data (4)"
        assert row["peers"] == 4 and row["benchmark"] is None and row["opportunity_gbp"] == 0


def test_a_cell_under_activity_10_is_not_assessed_and_not_a_peer_value():
    rows = [ncc(f"R{i}", v) for i, v in enumerate(SIX)]
    rows[0] = ncc("R0", 0.1, activity=9)  # very cheap, but too small to count
    got = cells(run(six_providers(), rows))
    assert got["R0"]["reason"] == "activity under 10 (9)" and not got["R0"]["assessed"]
    assert got["R0"]["opportunity_gbp"] == 0
    # The others have 5 peers, the 25th percentile of 0.9 .. 1.3: 0.9 + 1 x 0.1 = 1.0.
    assert {r["peers"] for c, r in got.items() if c != "R0"} == {5}
    assert got["R1"]["benchmark"] == pytest.approx(1.0)


def test_a_cell_under_10000_expected_cost_is_not_assessed_and_not_a_peer_value():
    rows = [ncc(f"R{i}", v) for i, v in enumerate(SIX)]
    rows[5] = ncc("R5", 3.0, activity=12) | {"currency_code": "CHEAP"}
    cheap = [{"department_code": "EL", "currency_code": "CHEAP", "activity": None,
              "unit_cost_gbp": 500.0}]
    con = make_store({"providers": six_providers(), "ncc_costs": rows,
                      "national_unit_costs": [*SCHEDULE, *cheap]})
    compute(con, RunParameters(), ACUTE)
    got = cells(con)
    # 12 x GBP 500 = GBP 6,000 expected.
    assert got["R5"]["reason"] == "expected cost under £10,000 (£6,000)"
    assert {r["peers"] for c, r in got.items() if c != "R5"} == {5}
    # 25th percentile of 0.8 .. 1.2 is 0.9: the expensive small cell did not pull it up.
    assert got["R0"]["benchmark"] == pytest.approx(0.9)


def test_fewer_peers_once_a_small_cell_is_left_out():
    rows = [ncc(f"R{i}", v) for i, v in enumerate(SIX[:5])]
    rows[4] = ncc("R4", 1.2, activity=3)
    got = cells(run(six_providers()[:5], rows))
    assert got["R0"]["reason"] == "fewer than 5 peers with valid data (4)"
    assert got["R4"]["reason"] == "activity under 10 (3)"


def test_suppressed_and_zero_activity_rows_are_left_out_not_zero():
    rows = [ncc(f"R{i}", v) for i, v in enumerate(SIX)]
    # R0's cell also has a suppressed row and a zero-activity row, both with a big cost, and a
    # row with activity but no cost; none of them may change its index of 0.8.
    rows += [
        ncc("R0", 5.0, activity=None, currency="HN13A"),
        ncc("R0", 5.0, activity=0.0, currency="HN14A"),
        {**ncc("R0", 1.0, currency="HN15A"), "actual_cost_gbp": None},
    ]
    con = run(six_providers(), rows)
    got = cells(con)
    assert got["R0"]["metric"] == pytest.approx(0.8)
    assert got["R0"]["activity"] == 100  # not 100 + 0 + missing-as-zero ...
    assert got["R0"]["benchmark"] == pytest.approx(SIX_BENCHMARK)
    hrg = con.execute("select currency_code from acute_hrg_rows where provider_code = 'R0'"
                      ).fetchall()
    assert hrg == [("HN12F",)]
    # No national mean is made from rows without activity or cost.
    means = {r[0] for r in con.execute(
        "select currency_code from stg_national_unit_costs").fetchall()}
    assert means == {"HN12F"}


def test_mff_lowers_the_index_but_the_pounds_are_in_the_providers_cash():
    """Same real costs, higher MFF -> lower index; opportunity = gap x expected x MFF."""
    providers = six_providers()
    providers[5] = provider("R5", "acute", 1.2)
    # R5 spends 1.56 x expected in cash; at MFF 1.2 that is an index of 1.3.
    rows = [ncc(f"R{i}", v) for i, v in enumerate(SIX[:5])] + [ncc("R5", 1.3, mff=1.2)]
    got = cells(run(providers, rows))
    assert got["R5"]["metric"] == pytest.approx(1.3)
    assert got["R5"]["unit_value"] == 1.2
    assert got["R5"]["opportunity_gbp"] == pytest.approx(
        (1.3 - SIX_BENCHMARK) * 100_000 * 1.2, abs=0.005)
    # The same cash at MFF 1.0 would be an index of 1.56 and a bigger gap.
    providers[5] = provider("R5", "acute", 1.0)
    rows[5] = ncc("R5", 1.56)
    same_cash = cells(run(providers, rows))["R5"]
    assert same_cash["metric"] == pytest.approx(1.56)
    assert same_cash["opportunity_gbp"] == pytest.approx((1.56 - SIX_BENCHMARK) * 100_000,
                                                         abs=0.005)


def _mixed_providers() -> list[dict]:
    """Ten acute providers: peer groups and regions alternate, so every mode differs."""
    return [provider(f"R{i}", "acute", peer_group=("ACUTE - SMALL", "ACUTE - LARGE")[i % 2],
                     region_code=("Y56", "Y60")[i // 5]) for i in range(10)] + [
        provider("S0", "specialist", region_code="Y56")]


def _mixed_rows() -> list[dict]:
    return [ncc(f"R{i}", 0.8 + i / 10) for i in range(10)] + [ncc("S0", 0.5)]


def test_sector_mode_puts_acute_and_specialist_together():
    got = cells(run(_mixed_providers(), _mixed_rows()))
    assert {r["peers"] for r in got.values()} == {11}
    assert {r["peer_set"] for r in got.values()} == {"acute_and_specialist"}


def test_peer_group_mode_compares_within_the_eric_trust_type():
    con = run(_mixed_providers(), _mixed_rows(), RunParameters(peer_mode="peer_group"))
    got = cells(con)
    # ACUTE - SMALL: R0 R2 R4 R6 R8 = 0.8 1.0 1.2 1.4 1.6 -> 25th percentile 1.0
    assert got["R0"]["peer_set"] == "ACUTE - SMALL" and got["R0"]["peers"] == 5
    assert got["R0"]["benchmark"] == pytest.approx(1.0)
    # ACUTE - LARGE: R1 R3 R5 R7 R9 = 0.9 .. 1.7 -> 1.1
    assert got["R1"]["benchmark"] == pytest.approx(1.1)
    # The one specialist trust is alone in its type.
    assert got["S0"]["reason"] == "fewer than 5 peers with valid data (1)"
    members = dict(con.execute("select provider_code, peer_set from engine_peer_members"
                               ).fetchall())
    assert members["S0"] == "ACUTE - SPECIALIST"


def test_region_mode_compares_within_sector_and_region():
    got = cells(run(_mixed_providers(), _mixed_rows(), RunParameters(peer_mode="region")))
    # Y56: R0..R4 and S0 = 0.5 0.8 0.9 1.0 1.1 1.2 -> h = 1.25 -> 0.8 + 0.25 x 0.1 = 0.825
    assert got["R0"]["peer_set"] == "acute_and_specialist | Y56"
    assert got["R0"]["peers"] == 6 and got["S0"]["peers"] == 6
    assert got["R0"]["benchmark"] == pytest.approx(0.825)
    # Y60: R5..R9 = 1.3 .. 1.7 -> 1.4
    assert got["R9"]["peers"] == 5 and got["R9"]["benchmark"] == pytest.approx(1.4)


def test_list_mode_compares_with_the_named_providers_only():
    params = RunParameters(peer_mode="list", peer_list=("R5", "R6", "R7", "R8", "R9"))
    got = cells(run(_mixed_providers(), _mixed_rows(), params))
    # Every provider, listed or not, is compared with R5..R9 (1.3 .. 1.7): benchmark 1.4.
    assert {r["peers"] for r in got.values()} == {5}
    assert got["R0"]["benchmark"] == pytest.approx(1.4)
    assert got["R0"]["opportunity_gbp"] == 0  # 0.8 is well ahead of the listed peers
    assert got["R9"]["opportunity_gbp"] == pytest.approx(0.3 * 100_000, abs=0.005)
    with pytest.raises(ValueError, match="needs a list"):
        RunParameters(peer_mode="list")


def test_overall_cost_index_and_rank_among_peers():
    providers = six_providers()
    rows = [ncc(f"R{i}", v) for i, v in enumerate(SIX)]
    # R5 also has a cheap second cell (NEL/300): overall = (130k + 0.5 x 300k) / 400k = 0.7
    rows.append({"provider_code": "R5", "department_code": "NEL", "service_code": "300",
                 "currency_code": "FD01A", "activity": 300.0, "actual_cost_gbp": 150_000.0})
    con = run(providers, rows, national_unit_costs=[
        *SCHEDULE, {"department_code": "NEL", "currency_code": "FD01A", "activity": None,
                    "unit_cost_gbp": UNIT_COST}])
    overall = cells(con, "overall_cost_index")
    assert overall["R5"]["metric"] == pytest.approx(0.7)
    assert overall["R5"]["role"] == "context" and overall["R5"]["opportunity_gbp"] == 0
    assert not overall["R5"]["in_total"]
    ranks = dict(con.execute("""
        select provider_code, rank from engine_peer_values
        where component = 'overall_cost_index'
    """).fetchall())
    # Lower is better: R5 (0.7) first, then R0 (0.8), R1 (0.9), ... R4 (1.2) last.
    assert ranks == {"R5": 1, "R0": 2, "R1": 3, "R2": 4, "R3": 5, "R4": 6}
    cell_ranks = dict(con.execute("""
        select provider_code, rank from engine_peer_values
        where component = 'cost_index' and sub_unit = 'EL/110'
    """).fetchall())
    assert cell_ranks == {f"R{i}": i + 1 for i in range(6)}


def test_productivity_growth_against_a_hand_computation():
    """Two periods, one deflator; u_base = the prior period's national mean unit cost.

    Prior: A has 100 of X (cost 100,000) and 50 of Y (cost 100,000); B has 100 of X (cost
    300,000). u_base: X = 400,000 / 200 = 2,000; Y = 2,000. MFF 1.
    Current: A has 120 of X and 50 of Y; B has 90 of X.
    A: weighted current 120 x 2,000 + 50 x 2,000 = 340,000; base 300,000 -> activity +13.33%.
       spend 300,000 -> 330,000, deflator 1.05: real 314,285.71 -> input +4.7619%.
       productivity 1.133333 / 1.047619 - 1 = 8.1818%.
    B: 180,000 / 200,000 - 1 = -10%; spend 200,000 -> 199,500 / 1.05 = 190,000 -> -5%;
       productivity 0.9 / 0.95 - 1 = -5.2632%.
    """
    providers = [provider("A", "acute"), provider("B", "acute")]
    prior = [
        {"provider_code": "A", "department_code": "EL", "currency_code": "X", "activity": 100.0,
         "actual_cost_gbp": 100_000.0},
        {"provider_code": "A", "department_code": "EL", "currency_code": "Y", "activity": 50.0,
         "actual_cost_gbp": 100_000.0},
        {"provider_code": "B", "department_code": "EL", "currency_code": "X", "activity": 100.0,
         "actual_cost_gbp": 300_000.0},
    ]
    current = [ncc("A", 1.0, 120.0, currency="X"), ncc("A", 1.0, 50.0, currency="Y"),
               ncc("B", 1.0, 90.0, currency="X")]
    con = run(providers, current, ncc_costs_prior=prior, productivity_inputs=[
        {"provider_code": "A", "spend_prior_gbp": 300_000.0, "spend_current_gbp": 330_000.0},
        {"provider_code": "B", "spend_prior_gbp": 200_000.0, "spend_current_gbp": 199_500.0},
    ], unit_values=[{"key": "input_deflator", "value": 1.05, "unit": "ratio", "source": "t"}])
    got = {r["provider_code"]: r for r in records(con, "select * from productivity_growth")}
    assert got["A"]["activity_growth"] == pytest.approx(340 / 300 - 1)
    assert got["A"]["input_growth"] == pytest.approx(330_000 / 1.05 / 300_000 - 1)
    assert got["A"]["productivity_growth"] == pytest.approx((340 / 300) / (330 / 1.05 / 300) - 1)
    assert got["A"]["productivity_growth"] == pytest.approx(0.081818, abs=1e-6)
    assert got["B"]["activity_growth"] == pytest.approx(-0.10)
    assert got["B"]["input_growth"] == pytest.approx(-0.05)
    assert got["B"]["productivity_growth"] == pytest.approx(0.9 / 0.95 - 1)
    assert (got["A"]["rank"], got["B"]["rank"], got["A"]["rank_of"]) == (1, 2, 2)
    # National: (340 + 180) / (300 + 200) over (314,285.71 + 190,000) / 500,000.
    national = (520 / 500) / ((330_000 / 1.05 + 190_000) / 500_000) - 1
    assert got["A"]["national_productivity_growth"] == pytest.approx(national)


def test_a_run_threshold_override_changes_rule_and_reason():
    rows = [ncc(f"R{i}", v) for i, v in enumerate(SIX)]
    got = cells(run(six_providers(), rows, RunParameters(min_activity=200, min_peers=3)))
    assert got["R0"]["reason"] == "activity under 200 (100)"
    got = cells(run(six_providers()[:3], rows[:3], RunParameters(min_peers=3)))
    assert all(r["assessed"] for r in got.values())
