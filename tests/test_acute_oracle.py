"""Acute cost, the boring way: docs/method.md "Acute cost" steps 1-8 in plain Python, compared
with the engine's `result_rows` and `acute_hrg_rows` to the penny.

The oracle below uses loops, dicts and sorted lists only (no DuckDB, no polars), so a reader can
check it against docs/method.md line by line. It is deliberately slow and obvious.

The seeded data (`make_data`) is shaped to reach every rule:
- ~45 providers: acute trusts of several ERIC types and regions, specialist trusts (benchmarked
  with acute ones by default, apart under `peer_group`), and community trusts whose NCC rows in
  acute departments count in the national means but never in acute cells or peer sets;
- several departments in every point-of-delivery group, one currency code shared by two
  departments (never pooled), and a non-acute department (CHS) that acute cells must leave out;
- suppressed (None) and zero activity rows and rows with no cost: excluded, never zero;
- tiny cells (activity under 10; expected cost under GBP 10,000): not assessed, not peer values;
- a rare specialty that only four providers report: fewer than 5 peers;
- a national schedule for one department x currency, which wins over the computed mean.
"""

from __future__ import annotations

import math
import random

import pytest

from packgen.categories import load_definitions
from packgen.engine import RunParameters, compute
from tests.engine_store import make_store, provider

ACUTE_SECTORS = ("acute", "specialist")
DEPARTMENT_POD_GROUP = {  # as reference_data/departments.csv
    "EL": "electives", "DC": "electives", "NEL": "nel_long_stay", "NEL_XS": "nel_long_stay",
    "NES": "ae_nel_short_stay", "EM": "ae_nel_short_stay", "CL": "outpatients",
    "OPROC": "outpatients", "CC": "other_acute", "CHS": "non_acute",
}
# Currencies per department; "FZ12A" is in EL, DC and NEL on purpose (never pooled).
CURRENCIES = {
    "EL": ("FZ12A", "HN12F", "HN13A"), "DC": ("FZ12A", "FZ20B"), "NEL": ("FZ12A", "FD01A"),
    "NEL_XS": ("FD01A",), "NES": ("FD01B", "WH07Z"), "EM": ("VB01Z", "VB08Z"),
    "CL": ("WF01A", "WF01B"), "OPROC": ("WF02A",), "CC": ("XC01Z",), "CHS": ("N02AF",),
}
SERVICES = ("100", "101", "110", "300")
RARE_SERVICE = "170"  # reported by four providers only
SCHEDULE = {("CL", "WF01A"): 140.0}  # national schedule mean for one department x currency
TARGET_PERCENTILE = 0.75
PEER_GROUPS = ("ACUTE - SMALL", "ACUTE - MEDIUM", "ACUTE - LARGE", "ACUTE - TEACHING")
REGIONS = ("Y56", "Y60", "Y61")


# --------------------------------------------------------------------------- seeded data


def make_data(seed: int) -> tuple[list[dict], list[dict]]:
    """Providers and NCC rows, seeded; the docstring of this module says what is engineered."""
    rng = random.Random(seed)
    providers = []
    for i in range(32):
        providers.append(provider(f"RA{i:02d}", "acute", round(rng.uniform(0.95, 1.25), 4),
                                  peer_group=PEER_GROUPS[i % 4], region_code=REGIONS[i % 3]))
    for i in range(9):
        providers.append(provider(f"RS{i:02d}", "specialist", round(rng.uniform(0.95, 1.2), 4),
                                  region_code=REGIONS[i % 3]))
    for i in range(4):
        providers.append(provider(f"RC{i:02d}", "community", round(rng.uniform(0.95, 1.1), 4)))
    base_unit_cost = {(d, c): rng.uniform(120, 4000) for d, cs in CURRENCIES.items() for c in cs}
    rows = []
    rare = {p["provider_code"] for p in rng.sample(providers[:41], 4)}
    for p in providers:
        code, sector = p["provider_code"], p["sector"]
        efficiency = rng.uniform(0.8, 1.3)
        services = SERVICES + ((RARE_SERVICE,) if code in rare else ())
        for department, currencies in CURRENCIES.items():
            if sector == "community" and department not in ("EL", "CL", "CHS"):
                continue
            for service in services:
                if rng.random() < 0.15:
                    continue  # provider does not run this service in this department
                cell_scale = rng.choice((1, 1, 1, 1, 1, 1, 0.03, 0.2))  # some tiny cells
                cell_efficiency = efficiency * rng.uniform(0.85, 1.15)
                for currency in currencies:
                    activity: float | None = float(max(0, round(rng.uniform(5, 300)
                                                                * cell_scale)))
                    cost = activity * base_unit_cost[department, currency] * cell_efficiency \
                        * p["mff"] * rng.uniform(0.9, 1.1)
                    roll = rng.random()
                    if roll < 0.04:
                        activity = None  # suppressed: missing, never zero
                    elif roll < 0.07:
                        activity = 0.0
                    elif roll < 0.09:
                        cost = None
                    rows.append({"provider_code": code, "department_code": department,
                                 "service_code": service, "currency_code": currency,
                                 "activity": activity,
                                 "actual_cost_gbp": None if cost is None else round(cost, 2)})
    return providers, rows


# --------------------------------------------------------------------------- the oracle


def percentile_inc(values: list[float], q: float) -> float:
    """Excel PERCENTILE.INC: linear interpolation between order statistics, written out."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def benchmark_group(sector: str) -> str:
    return "acute_and_specialist" if sector in ACUTE_SECTORS else sector


def peer_set(p: dict, mode: str) -> str:
    group = benchmark_group(p["sector"])
    return {"sector": group, "peer_group": p["peer_group"],
            "region": f"{group} | {p['region_code']}", "list": f"{group} | listed peers"}[mode]


def oracle(providers: list[dict], ncc: list[dict], mode: str = "sector",
           peer_list: tuple[str, ...] = ()) -> dict:
    by_code = {p["provider_code"]: p for p in providers}

    # Step 1: MFF adjustment; only rows with activity and cost are used (missing is not zero).
    usable = []
    for r in ncc:
        if r["activity"] is None or r["activity"] <= 0 or r["actual_cost_gbp"] is None:
            continue
        usable.append(dict(r, adjusted=r["actual_cost_gbp"] / by_code[r["provider_code"]]["mff"]))

    # Step 2: national mean per department x currency, over every provider, before thresholds.
    sums: dict[tuple[str, str], list[float]] = {}
    for r in usable:
        key = (r["department_code"], r["currency_code"])
        sums.setdefault(key, [0.0, 0.0])
        sums[key][0] += r["adjusted"]
        sums[key][1] += r["activity"]
    national_mean = {key: cost / activity for key, (cost, activity) in sums.items()}
    national_mean.update({k: v for k, v in SCHEDULE.items() if k in national_mean})
    for r in usable:
        r["expected"] = r["activity"] * national_mean[r["department_code"], r["currency_code"]]

    # Step 3: cells (provider x department x service) of acute and specialist providers.
    acute_rows = [r for r in usable
                  if by_code[r["provider_code"]]["sector"] in ACUTE_SECTORS
                  and DEPARTMENT_POD_GROUP[r["department_code"]] != "non_acute"]
    cells: dict[tuple[str, str, str], dict] = {}
    overall: dict[str, dict] = {}
    for r in acute_rows:
        key = (r["provider_code"], r["department_code"], r["service_code"])
        for total in (cells.setdefault(key, {"adjusted": 0.0, "expected": 0.0, "activity": 0.0,
                                             "rows": []}),
                      overall.setdefault(r["provider_code"], {"adjusted": 0.0, "expected": 0.0,
                                                              "activity": 0.0, "rows": []})):
            total["adjusted"] += r["adjusted"]
            total["expected"] += r["expected"]
            total["activity"] += r["activity"]
            total["rows"].append(r)

    def screen(cell: dict) -> str | None:
        # Step 8, a cell's own thresholds.
        cell["index"] = cell["adjusted"] / cell["expected"]
        def shown(x: float) -> str:  # whole numbers as they are; others keep two decimals
            return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"

        if cell["activity"] < 10:
            return f"activity under 10 ({shown(cell['activity'])})"
        if cell["expected"] < 10_000:
            return f"expected cost under £10,000 (£{shown(cell['expected'])})"
        return None

    members = {code for code, p in by_code.items() if mode != "list" or code in peer_list}

    def assess(table: dict, sub_unit_of) -> dict:
        for cell in table.values():
            cell["threshold"] = screen(cell)
        # Step 4: peer values = cells that pass their thresholds, per sub-unit x peer set.
        peer_values: dict[tuple[str, str], list[tuple[float, str]]] = {}
        for key, cell in table.items():
            code = key[0] if isinstance(key, tuple) else key
            if cell["threshold"] is None and code in members:
                group = (sub_unit_of(key), peer_set(by_code[code], mode))
                peer_values.setdefault(group, []).append((cell["index"], code))
        for key, cell in table.items():
            code = key[0] if isinstance(key, tuple) else key
            values = peer_values.get((sub_unit_of(key), peer_set(by_code[code], mode)), [])
            cell["peers"] = len(values)
            ranked = sorted(values)  # lower is better; ties by provider code
            ranks = [c for _, c in ranked]
            cell["rank"] = ranks.index(code) + 1 if code in ranks else None
            cell["reason"] = cell["threshold"]
            if cell["reason"] is None and len(values) < 5:
                cell["reason"] = f"fewer than 5 peers with valid data ({len(values)})"
            cell["benchmark"] = cell["benchmark_median"] = None
            cell["opportunity_gbp"] = cell["opportunity_median_gbp"] = 0.0
            if cell["reason"] is None:
                cell["benchmark"] = percentile_inc([v for v, _ in values], 1 - TARGET_PERCENTILE)
                # the range's cautious end: the median of the same peer cell indices
                cell["benchmark_median"] = percentile_inc([v for v, _ in values], 0.5)
                # Step 5: opportunity in the provider's cash.
                for suffix, benchmark in (("", cell["benchmark"]),
                                          ("_median", cell["benchmark_median"])):
                    gap = max(0.0, cell["index"] - benchmark)
                    cell[f"opportunity{suffix}_gbp"] = (gap * cell["expected"]
                                                        * by_code[code]["mff"])
        return table

    assess(cells, lambda key: f"{key[1]}/{key[2]}")
    assess(overall, lambda key: "all")

    # Step 7: HRG drill-down, whole pennies, leftover pennies to the largest remainders; the
    # median opportunity is shared the same way against the median benchmark.
    hrg: dict[tuple[str, str, str, str], float] = {}
    hrg_median: dict[tuple[str, str, str, str], float] = {}
    for (code, department, service), cell in cells.items():
        if cell["reason"] is not None:
            continue
        for out, suffix in ((hrg, ""), (hrg_median, "_median")):
            pennies = round(round(cell[f"opportunity{suffix}_gbp"], 2) * 100)
            excess = {r["currency_code"]: max(0.0, r["adjusted"]
                                              - cell[f"benchmark{suffix}"] * r["expected"])
                      for r in cell["rows"]}
            total_excess = sum(excess.values())
            exact = {c: pennies * e / total_excess if total_excess > 0 else 0.0
                     for c, e in excess.items()}
            shares = {c: math.floor(x) for c, x in exact.items()}
            leftover = pennies - sum(shares.values())
            by_remainder = sorted(exact, key=lambda c: (-(exact[c] - math.floor(exact[c])), c))
            for c in by_remainder[:leftover]:
                shares[c] += 1
            for c, share in shares.items():
                out[code, department, service, c] = share / 100
    return {"cells": cells, "overall": overall, "hrg": hrg, "hrg_median": hrg_median,
            "national_mean": national_mean}


# --------------------------------------------------------------------------- the comparison


def run_engine(providers, ncc, mode="sector", peer_list=()):
    con = make_store({"providers": providers, "ncc_costs": ncc, "national_unit_costs": [
        {"department_code": d, "currency_code": c, "activity": None, "unit_cost_gbp": v}
        for (d, c), v in SCHEDULE.items()]})
    acute = tuple(d for d in load_definitions() if d.id == "acute_cost")
    compute(con, RunParameters(peer_mode=mode, peer_list=peer_list), acute)
    return con


def close(a: float | None, b: float | None, tolerance: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def within_half_penny(engine_gbp: float, exact_gbp: float) -> bool:
    # The engine rounds to the penny; the oracle keeps the exact figure.
    return abs(engine_gbp - exact_gbp) <= 0.005 + 1e-6


CASES = [(2026, "sector", ()), (7, "sector", ()), (2026, "peer_group", ()),
         (11, "region", ()),
         (2026, "list", ("RA00", "RA01", "RA02", "RA05", "RA07", "RA09", "RS01", "RS02"))]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"seed{c[0]}-{c[1]}")
def compared(request):
    seed, mode, peer_list = request.param
    providers, ncc = make_data(seed)
    con = run_engine(providers, ncc, mode, peer_list)
    return oracle(providers, ncc, mode, peer_list), con, providers


def test_the_data_reaches_every_rule(compared):
    expected, _con, _providers = compared
    reasons = [c["reason"] or "" for c in expected["cells"].values()]
    assert sum(r.startswith("activity under") for r in reasons) >= 3
    assert sum(r.startswith("expected cost") for r in reasons) >= 3
    assert sum(r.startswith("fewer than 5 peers") for r in reasons) >= 3
    assert sum(r == "" for r in reasons) >= 100
    assert sum(c["opportunity_gbp"] > 0 for c in expected["cells"].values()) >= 50
    assert sum(c["opportunity_gbp"] == 0 and c["reason"] is None
               for c in expected["cells"].values()) >= 50


def test_every_cell_matches_the_oracle(compared):
    expected, con, providers = compared
    mff = {p["provider_code"]: p["mff"] for p in providers}
    engine = {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute("""
            select provider_code, department_code, service_code, metric, benchmark, peers,
                   assessed, reason, opportunity_gbp, volume, activity, unit_value,
                   benchmark_median, opportunity_median_gbp
            from result_rows where category = 'acute_cost' and component = 'cost_index'
        """).fetchall()
    }
    assert set(engine) == set(expected["cells"])
    for key, cell in expected["cells"].items():
        (metric, benchmark, peers, assessed, reason, gbp, volume, activity, unit_value,
         benchmark_median, gbp_median) = engine[key]
        assert close(metric, cell["index"]), key
        assert close(benchmark, cell["benchmark"]), key
        assert close(benchmark_median, cell["benchmark_median"]), key
        assert within_half_penny(gbp_median, cell["opportunity_median_gbp"]), key
        assert gbp_median <= gbp + 0.01, key  # the median is the cautious end
        assert peers == cell["peers"], key
        assert reason == cell["reason"], key
        assert assessed == (cell["reason"] is None), key
        assert within_half_penny(gbp, cell["opportunity_gbp"]), (key, gbp, cell)
        assert close(volume, cell["expected"]) and activity == cell["activity"], key
        assert unit_value == mff[key[0]], key  # national prices -> the provider's cash


def test_overall_index_and_rank_match_the_oracle(compared):
    expected, con, _providers = compared
    engine = {r[0]: r[1:] for r in con.execute("""
        select r.provider_code, r.metric, r.benchmark, r.reason, v.rank, r.opportunity_gbp
        from result_rows as r
        left join engine_peer_values as v
            on v.provider_code = r.provider_code and v.category = r.category
            and v.component = r.component and v.sub_unit = r.sub_unit
        where r.category = 'acute_cost' and r.component = 'overall_cost_index'
    """).fetchall()}
    assert set(engine) == set(expected["overall"])
    for code, cell in expected["overall"].items():
        metric, benchmark, reason, rank, gbp = engine[code]
        assert close(metric, cell["index"]) and close(benchmark, cell["benchmark"]), code
        assert reason == cell["reason"] and rank == cell["rank"], code
        assert gbp == 0  # context: benchmarked, never money


def test_hrg_rows_match_the_oracle_and_add_up(compared):
    expected, con, _providers = compared
    rows = con.execute("""
        select provider_code, department_code, service_code, currency_code, opportunity_gbp,
               opportunity_median_gbp
        from acute_hrg_rows
    """).fetchall()
    hrg = {tuple(r[:4]): r[4] for r in rows}
    hrg_median = {tuple(r[:4]): r[5] for r in rows}
    assert set(hrg) == set(expected["hrg"])
    assert all(round(hrg[k] * 100) == round(v * 100) for k, v in expected["hrg"].items())
    assert all(round(hrg_median[k] * 100) == round(v * 100)
               for k, v in expected["hrg_median"].items())
    # HRG rows sum exactly to their cell, in pennies.
    cells = {tuple(r[:3]): round(r[3] * 100) for r in con.execute("""
        select provider_code, department_code, service_code, opportunity_gbp
        from result_rows where category = 'acute_cost' and component = 'cost_index' and assessed
    """).fetchall()}
    per_cell: dict[tuple, int] = {}
    for (code, department, service, _currency), gbp in hrg.items():
        per_cell[code, department, service] = (per_cell.get((code, department, service), 0)
                                               + round(gbp * 100))
    assert per_cell == cells


def test_roll_ups_add_up_per_provider(compared):
    """Step 6: cells to points of delivery and specialties, those to the provider's total."""
    expected, con, _providers = compared
    pod, specialty, total = {}, {}, {}
    for (code, department, service), cell in expected["cells"].items():
        pennies = round(round(cell["opportunity_gbp"], 2) * 100)
        group = DEPARTMENT_POD_GROUP[department]
        pod[code, group] = pod.get((code, group), 0) + pennies
        specialty[code, service] = specialty.get((code, service), 0) + pennies
        total[code] = total.get(code, 0) + pennies
    engine_pod = {(r[0], r[1]): r[2] for r in con.execute("""
        select r.provider_code, d.pod_group, cast(round(sum(r.opportunity_gbp) * 100) as bigint)
        from result_rows as r inner join ref_departments as d using (department_code)
        where r.category = 'acute_cost' and r.in_total group by all
    """).fetchall()}
    engine_hrg_total = dict(con.execute("""
        select provider_code, cast(round(sum(opportunity_gbp) * 100) as bigint)
        from acute_hrg_rows group by all
    """).fetchall())
    assert engine_pod == pod
    for code, pennies in total.items():
        assert sum(v for (c, _), v in specialty.items() if c == code) == pennies
        assert engine_hrg_total.get(code, 0) == pennies, code


def test_national_means_are_per_department_and_the_schedule_wins(compared):
    expected, con, _providers = compared
    engine = {(r[0], r[1]): r[2] for r in con.execute(
        "select department_code, currency_code, unit_cost_gbp from stg_national_unit_costs"
    ).fetchall()}
    assert set(engine) == set(expected["national_mean"])
    assert all(close(engine[k], v) for k, v in expected["national_mean"].items())
    assert engine["CL", "WF01A"] == SCHEDULE["CL", "WF01A"]
    assert not close(engine["EL", "FZ12A"], engine["NEL", "FZ12A"])


def test_community_and_non_acute_rows_stay_out_of_acute_cells(compared):
    _expected, con, providers = compared
    community = {p["provider_code"] for p in providers if p["sector"] == "community"}
    codes = {r[0] for r in con.execute(
        "select distinct provider_code from result_rows where category = 'acute_cost'"
    ).fetchall()}
    departments = {r[0] for r in con.execute(
        "select distinct department_code from result_rows where category = 'acute_cost'"
    ).fetchall()}
    assert not codes & community
    assert "CHS" not in departments
