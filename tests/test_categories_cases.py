"""Run the hand-made category cases (tests/category_cases) through the real engine.

Each case builds an in-memory store from its rows, computes only its own category and checks the
expected result rows field by field (pounds to the penny, ratios to 1e-9 relative).
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.category_cases as case_package
from packgen.categories import load_definitions
from packgen.engine import RunParameters, compute
from tests.category_cases import Case, Expect
from tests.engine_store import make_store

MISSING = "missing"


def _all_cases() -> list[Case]:
    cases = []
    for module in pkgutil.iter_modules(case_package.__path__):
        cases += importlib.import_module(f"{case_package.__name__}.{module.name}").CASES
    return cases


CASES = _all_cases()
DEFINITIONS = {d.id: d for d in load_definitions()}


def _results(case: Case) -> dict[tuple[str, str, str], dict]:
    con = make_store(case.tables())
    compute(con, RunParameters(**case.params), (DEFINITIONS[case.category],))
    rows = con.sql("select * from result_rows where category = ?",
                   params=[case.category]).pl().to_dicts()
    con.close()
    keyed = {(r["provider_code"], r["component"], r["sub_unit"]): r for r in rows}
    assert len(keyed) == len(rows), "one result row per provider x component x sub-unit"
    return keyed


def _check(row: dict, expect: Expect) -> None:
    where = f"{expect.provider_code} {expect.component} {expect.sub_unit}"
    if expect.assessed is not None:
        assert row["assessed"] is expect.assessed, f"{where}: assessed ({row['reason']})"
    if expect.reason_code is not None:
        assert row["reason_code"] == expect.reason_code, (
            f"{where}: {row['reason_code']} ({row['reason']!r})")
    if expect.reason_contains is not None:
        assert expect.reason_contains in (row["reason"] or ""), f"{where}: {row['reason']!r}"
    for name in ("metric", "benchmark", "peers"):
        wanted = getattr(expect, name)
        if wanted == MISSING:
            assert row[name] is None, f"{where}: {name} should be missing, is {row[name]}"
        elif wanted is not None:
            assert row[name] == pytest.approx(wanted, rel=1e-9, abs=1e-12), f"{where}: {name}"
    for name in ("volume", "unit_value", "opportunity_native"):
        wanted = getattr(expect, name)
        if wanted is not None:
            assert row[name] == pytest.approx(wanted, rel=1e-9, abs=1e-9), f"{where}: {name}"
    if expect.opportunity_gbp is not None:
        assert row["opportunity_gbp"] == pytest.approx(round(expect.opportunity_gbp, 2),
                                                       abs=0.001), f"{where}: opportunity_gbp"
    if expect.native_unit is not None:
        assert row["native_unit"] == expect.native_unit


@pytest.mark.parametrize("case", CASES, ids=[f"{c.category}: {c.name}" for c in CASES])
def test_category_case(case: Case):
    results = _results(case)
    for expect in case.expect:
        key = (expect.provider_code, expect.component, expect.sub_unit)
        if not expect.exists:
            assert key not in results, f"{key} should have no result row"
            continue
        assert key in results, f"no result row for {key}; have {sorted(results)}"
        _check(results[key], expect)
    # whatever the case, no opportunity is ever negative and none is counted when not assessed;
    # a row not assessed has both a reason and its code
    for row in results.values():
        assert row["opportunity_gbp"] >= 0 and row["opportunity_native"] >= 0
        assert (row["reason"] is None) is (row["reason_code"] is None) is row["assessed"]
        if not row["assessed"]:
            assert row["opportunity_gbp"] == 0


def test_every_category_but_acute_has_cases():
    covered = {c.category for c in CASES}
    assert covered == set(DEFINITIONS) - {"acute_cost"}
