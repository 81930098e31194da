"""The eleven non-acute categories, the boring way (tests/oracle.py) against the engine, to the
penny, on a few hundred seeded random providers.

The seeded data (`make_tables`) is shaped to reach every rule:
- ~300 providers in all five sectors (acute and specialist benchmarked together), each category's
  rows given to some providers outside its sectors too (they must be ignored);
- providers with no row at all, suppressed (None) values and zero denominators: missing, never 0;
- tiny activity (under the threshold): not assessed and not a peer value;
- rare sub-units (a corporate function, a community service, a ward type, a molecule) that fewer
  than five providers report: fewer than five peers;
- medicines priced below the best-value price on other products (unit value 0), a product missing
  its cost, a molecule nobody uses on other products; energy with 0 kWh;
- rounded values, so that ties occur among peers.
"""

from __future__ import annotations

import math
import random

import pytest

from packgen.categories import load_definitions
from packgen.contract import TABLES
from packgen.engine import RunParameters, compute
from tests.category_cases import UNIT_VALUES
from tests.engine_store import make_store, provider
from tests.oracle import compute_oracle

SECTOR_COUNTS = {"acute": 120, "specialist": 20, "community": 60, "mental_health": 60,
                 "ambulance": 11}
MOLECULES = {  # molecule -> [(vmp, is best value, reference price)]
    "adalimumab": [("ADA1", True, 2.0), ("ADA2", False, 9.0), ("ADA3", False, 8.0)],
    "etanercept": [("ETA1", True, 5.0), ("ETA2", False, 7.0)],
    "infliximab": [("INF1", True, 30.0), ("INF2", False, 60.0)],
    "rituximab": [("RIT1", True, 100.0), ("RIT2", False, 150.0)],  # rare: three users
}
COMMON_FUNCTIONS = ("finance", "hr", "it", "procurement", "governance")
COMMUNITY_SERVICES = ("community_hospital", "intermediate_care", "district_nursing",
                      "community_therapy")
WARD_TYPES = ("adult_acute", "older_adult", "picu", "rehabilitation")


def maybe(rng: random.Random, value, missing: float = 0.04):
    """The value, or None (suppressed) with the given probability."""
    return None if rng.random() < missing else value


def count(rng: random.Random, low: float, high: float) -> float:
    """A count, now and then tiny (under the activity threshold) or zero."""
    roll = rng.random()
    if roll < 0.04:
        return 0.0
    if roll < 0.10:
        return float(rng.randint(1, 9))
    return float(rng.randint(int(low), int(high)))


def make_tables(seed: int) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    providers = []
    for sector, n in SECTOR_COUNTS.items():
        for i in range(n):
            # now and then a trust whose income or pay bill is not known (real bundles)
            providers.append(provider(
                f"{sector[:2].upper()}{i:03d}", sector,
                income_gbp=maybe(rng, round(rng.uniform(80e6, 900e6), -3), 0.02),
                pay_bill_gbp=maybe(rng, round(rng.uniform(50e6, 600e6), -3), 0.02)))
    t: dict[str, list[dict]] = {"providers": providers}
    t["medicines_reference"] = [
        {"molecule": m, "vmp_code": v, "vmp_name": v, "is_best_value": best,
         "unit_price_gbp": price}
        for m, products in MOLECULES.items() for v, best, price in products
    ]
    rare = {
        "legal": rng.sample(providers, 4),
        "podiatry": rng.sample([p for p in providers if p["sector"] == "community"], 4),
        "eating_disorders": rng.sample([p for p in providers if p["sector"] == "mental_health"], 3),
        "rituximab": rng.sample([p for p in providers if p["sector"] == "acute"], 3),
    }
    rare_codes = {k: {p["provider_code"] for p in v} for k, v in rare.items()}
    for p in providers:
        code, sector = p["provider_code"], p["sector"]
        if rng.random() < 0.95:
            t.setdefault("temporary_staffing", []).append({
                "provider_code": code,
                "agency_gbp": maybe(rng, rng.choice((0.0, round(rng.uniform(0, 40e6), 2)))),
                "bank_gbp": maybe(rng, round(rng.uniform(0, 60e6), 2)),
            })
        functions = [f for f in COMMON_FUNCTIONS if rng.random() < 0.9]
        functions += ["legal"] if code in rare_codes["legal"] else []
        for function in functions:
            t.setdefault("corporate_services", []).append({
                "provider_code": code, "function": function,
                "spend_gbp": maybe(rng, round(rng.uniform(0.5e6, 12e6), -2))})
        if rng.random() < 0.95:
            gia = maybe(rng, rng.choice((0.0, round(rng.uniform(5e3, 4e5)))), 0.03)
            electricity = maybe(rng, rng.choice((0.0, round(rng.uniform(1e5, 8e7)))))
            gas = maybe(rng, round(rng.uniform(1e5, 9e7)))
            t.setdefault("estates", []).append({
                "provider_code": code, "gia_m2": gia, "electricity_kwh": electricity,
                "electricity_cost_gbp": maybe(
                    rng, None if electricity is None else electricity * rng.uniform(0.15, 0.3)),
                "gas_kwh": gas,
                "gas_cost_gbp": maybe(rng, None if gas is None else gas * rng.uniform(0.03, 0.08)),
                "general_supplies_gbp": maybe(rng, round(rng.uniform(1e6, 60e6), -3)),
                "clinical_supplies_gbp": maybe(rng, round(rng.uniform(1e6, 90e6), -3)),
            })
        # medicines: acute and specialist, plus a few community trusts that must be ignored
        if sector in ("acute", "specialist") or (sector == "community" and rng.random() < 0.1):
            for molecule, products in MOLECULES.items():
                if molecule == "rituximab" and code not in rare_codes["rituximab"]:
                    continue
                if rng.random() < 0.15:
                    continue
                uptake = rng.choice((0.0, 1.0, round(rng.uniform(0, 1), 2)))
                total = count(rng, 20, 5000)
                for vmp, best, price in products:
                    if best:
                        quantity = round(total * uptake)
                    else:
                        quantity = round(total * (1 - uptake) / (len(products) - 1))
                    paid = price * rng.choice((0.1, 0.9, 1.0, 1.1, 1.3))  # some below best
                    t.setdefault("medicines_use", []).append({
                        "provider_code": code, "vmp_code": vmp,
                        "quantity": maybe(rng, float(quantity), 0.03),
                        "cost_gbp": maybe(rng, round(quantity * paid, 2), 0.03)})
        if sector == "community" or rng.random() < 0.02:
            for service in COMMUNITY_SERVICES[:2]:
                if rng.random() < 0.9:
                    discharges = count(rng, 10, 2000)
                    t.setdefault("community_los", []).append({
                        "provider_code": code, "service": service,
                        "discharges": maybe(rng, discharges),
                        "bed_days": maybe(rng, round(discharges * rng.uniform(5, 40)))})
            services = [s for s in COMMUNITY_SERVICES[2:] if rng.random() < 0.9]
            services += ["podiatry"] if code in rare_codes["podiatry"] else []
            for service in services:
                booked = count(rng, 100, 90000)
                t.setdefault("community_appointments", []).append({
                    "provider_code": code, "service": service,
                    "booked_appointments": maybe(rng, booked),
                    "dna_appointments": maybe(rng, round(booked * rng.uniform(0.02, 0.15)))})
        if sector == "mental_health" or rng.random() < 0.02:
            wards = [w for w in WARD_TYPES if rng.random() < 0.85]
            wards += ["eating_disorders"] if code in rare_codes["eating_disorders"] else []
            for ward in wards:
                discharges = count(rng, 10, 1500)
                scale = {"picu": 25, "rehabilitation": 200}.get(ward, 45)
                t.setdefault("mh_los", []).append({
                    "provider_code": code, "ward_type": ward,
                    "discharges": maybe(rng, discharges),
                    "bed_days": maybe(rng, round(discharges * scale * rng.uniform(0.5, 1.8)))})
            if rng.random() < 0.95:
                booked = count(rng, 1000, 80000)
                t.setdefault("talking_therapies", []).append({
                    "provider_code": code, "booked_appointments": maybe(rng, booked),
                    "dna_appointments": maybe(rng, round(booked * rng.uniform(0.05, 0.2))),
                    "care_contacts": maybe(rng, count(rng, 1000, 60000)),
                    "clinical_wte": maybe(rng, rng.choice((0.0, round(rng.uniform(5, 150), 1))),
                                          0.03)})
        if sector == "ambulance" or rng.random() < 0.02:
            incidents = count(rng, 100_000, 1_000_000)
            f2f = round(incidents * rng.uniform(0.6, 0.8))
            handovers = count(rng, 10_000, 300_000)
            t.setdefault("ambulance", []).append({
                "provider_code": code, "incidents": maybe(rng, incidents),
                "face_to_face_incidents": maybe(rng, float(f2f)),
                "conveyed_to_ed": maybe(rng, float(round(f2f * rng.uniform(0.4, 0.7)))),
                "handovers": maybe(rng, handovers),
                "handover_hours_lost": maybe(rng, round(handovers * rng.uniform(0, 0.3), 1)),
                "wte": maybe(rng, rng.choice((0.0, round(rng.uniform(500, 6000), 1))))})
    t["unit_values"] = [{"key": k, "value": v, "unit": "GBP", "source": "test"}
                        for k, v in UNIT_VALUES.items()]
    return t


DEFINITIONS = tuple(d for d in load_definitions() if d.id != "acute_cost")
VARIANT = {"performance_percentile": 0.8, "agency_reduction": 0.25, "bank_reduction": 0.15,
           "temporary_staffing_share_counted": 0.6, "clinical_supplies_reduction": 0.04,
           "min_peers": 6, "min_activity": 20}


# The engine's reason codes, as the oracle names its reasons.
REASON_KINDS = {None: None, "no_data_supplied": "no_data_supplied", "no_valid_data": "no_data",
                "activity_under_threshold": "activity", "too_few_peers": "peers",
                "unit_value_missing": "unit_value", "benchmark_zero": "zero_benchmark"}


def reason_kind(code: str | None) -> str | None:
    if code not in REASON_KINDS:
        raise AssertionError(f"unknown reason code {code!r}")
    return REASON_KINDS[code]


def close(a: float | None, b: float | None, rel: float = 1e-9, abs_tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def differences(engine_rows: list[dict], oracle: dict) -> list[str]:
    """Every field on which the engine and the oracle disagree (empty when they agree)."""
    engine = {(r["provider_code"], r["category"], r["component"], r["sub_unit"]): r
              for r in engine_rows}
    assert len(engine) == len(engine_rows), "one row per provider x component x sub-unit"
    assert set(engine) == set(oracle)
    problems = []
    for key, want in oracle.items():
        got = engine[key]
        checks = {
            "assessed": got["assessed"] == want["assessed"],
            "reason": reason_kind(got["reason_code"]) == want["reason_kind"]
            and (got["reason"] is None) == (got["reason_code"] is None),
            "metric": close(got["metric"], want["metric"]),
            "benchmark": close(got["benchmark"], want["benchmark"]),
            "peers": got["peers"] == want["peers"],
            "volume": close(got["volume"], want["volume"]),
            "unit_value": close(got["unit_value"], want["unit_value"]),
            "opportunity_native": close(got["opportunity_native"], want["opportunity_native"],
                                        abs_tol=1e-6),
            # to the penny: both round to 2 places; an exact half penny may go either way
            # after float noise (e.g. 0.5 x 0.10 x 29,521,189.30 = 1,476,059.465)
            "opportunity_gbp": abs(got["opportunity_gbp"] - want["opportunity_gbp"])
            <= 0.01 + 1e-6,
            "benchmark_median": close(got["benchmark_median"], want["benchmark_median"]),
            "opportunity_median_gbp": abs(got["opportunity_median_gbp"]
                                          - want["opportunity_median_gbp"]) <= 0.01 + 1e-6,
        }
        problems += [f"{key} {name}: engine {got.get(name)!r} oracle {want.get(name)!r}"
                     for name, ok in checks.items() if not ok]
    return problems


@pytest.mark.parametrize(("seed", "params"), [(1, {}), (2, {}), (3, VARIANT)],
                         ids=["seed 1", "seed 2", "seed 3, other run parameters"])
def test_engine_matches_the_oracle_to_the_penny(seed, params):
    tables = make_tables(seed)
    con = make_store(tables)
    compute(con, RunParameters(**params), DEFINITIONS)
    engine_rows = con.sql("select * from result_rows").pl().to_dicts()
    con.close()
    oracle = compute_oracle(tables, params)

    problems = differences(engine_rows, oracle)
    assert not problems, f"{len(problems)} differences, e.g.\n" + "\n".join(problems[:15])

    # the data reach every rule (otherwise this test proves less than it says)
    kinds = {want["reason_kind"] for want in oracle.values()}
    assert kinds >= {None, "no_data_supplied", "no_data", "activity", "peers", "unit_value"}
    assert sum(w["opportunity_gbp"] > 0 for w in oracle.values()) > 200
    assert any(w["assessed"] and w["opportunity_gbp"] == 0 and w["metric"] is not None
               for w in oracle.values())
    # the median is the cautious end: never more than the run's percentile (>= 50th) gives, and
    # for some rows strictly less
    assert all(w["opportunity_median_gbp"] <= w["opportunity_gbp"] + 0.01
               for w in oracle.values())
    assert any(0 < w["opportunity_median_gbp"] < w["opportunity_gbp"] for w in oracle.values())


@pytest.mark.slow
def test_engine_matches_the_oracle_on_the_generated_bundle(tmp_path):
    """End to end: the built-in generator's data, through validation and the file store."""
    generate = pytest.importorskip("packgen.generate")
    store = pytest.importorskip("packgen.store")
    generate.generate_bundle(tmp_path / "bundle", seed=7, scale=0.02, progress=lambda _m: None)
    store.load_bundle(tmp_path / "bundle", tmp_path / "store.duckdb")
    con = store.open_store(tmp_path / "store.duckdb", read_only=False)
    compute(con, RunParameters(), DEFINITIONS)
    engine_rows = con.sql("select * from result_rows").pl().to_dicts()
    tables = {t.name: con.sql(f"select * from {t.name}").pl().to_dicts() for t in TABLES}
    con.close()
    oracle = compute_oracle(tables)

    problems = differences(engine_rows, oracle)
    assert not problems, f"{len(problems)} differences, e.g.\n" + "\n".join(problems[:15])
    assert len(oracle) > 1000
    assert sum(w["opportunity_gbp"] > 0 for w in oracle.values()) > 100


def test_oracle_percentile_is_percentile_inc():
    from tests.oracle import percentile

    assert percentile([1, 2, 3, 4, 5], 0.25) == 2
    assert percentile([5, 1, 4, 2, 3, 6], 0.25) == pytest.approx(2.25)
    assert percentile([10, 20], 0.75) == pytest.approx(17.5)
    assert percentile([7], 0.25) == 7
    assert percentile([1, 2, 3, 4], 0.5) == pytest.approx(2.5)
