"""Percentiles: DuckDB, polars and a hand-written Excel PERCENTILE.INC agree, and the engine's
benchmarks are that percentile of the peers' values, in the right direction (ANCHORS.md 6.4).

Direction: with performance_percentile = 0.75, a lower-is-better metric's benchmark is the 25th
percentile of the values and a higher-is-better metric's the 75th; a "median" target is the 50th.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from packgen.categories import CategoryDef, ComponentDef
from packgen.engine import RunParameters, compute
from tests.engine_store import make_store, provider
from tests.test_acute_oracle import make_data, run_engine


def percentile_inc(values: list[float], q: float) -> float:
    """Excel PERCENTILE.INC: rank h = (n - 1) q, then linear between the order statistics."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    below = math.floor(h)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (h - below) * (ordered[above] - ordered[below])


def agree(a: float, b: float, values: list[float]) -> bool:
    scale = max(1.0, *(abs(v) for v in values))
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12 * scale)


DUCKDB = duckdb.connect()


def duckdb_quantile(values: list[float], q: float) -> float:
    return DUCKDB.execute("select quantile_cont(x, $q) from (select unnest($v::double[]) as x)",
                          {"q": q, "v": values}).fetchone()[0]


def polars_quantile(values: list[float], q: float) -> float:
    return pl.Series(values, dtype=pl.Float64).quantile(q, interpolation="linear")


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
# Few distinct values, so that ties are common.
tied = st.sampled_from([0.0, 0.5, 1.0, 1.0, 2.25, 7.0])
value_lists = st.lists(st.one_of(finite, tied), min_size=1, max_size=40)
quantiles = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
                      st.floats(min_value=0, max_value=1))


@pytest.mark.slow  # 300 examples through DuckDB and polars
@given(values=value_lists, q=quantiles)
@settings(max_examples=300, deadline=None)
def test_duckdb_polars_and_percentile_inc_agree(values, q):
    expected = percentile_inc(values, q)
    assert agree(duckdb_quantile(values, q), expected, values)
    assert agree(polars_quantile(values, q), expected, values)
    assert min(values) <= expected <= max(values)


@given(value=finite, n=st.integers(min_value=1, max_value=12), q=quantiles)
def test_all_ties_give_the_tied_value(value, n, q):
    # DuckDB interpolates as lo x (1 - d) + hi x d, which can land one ulp off the tied value.
    assert agree(duckdb_quantile([value] * n, q), value, [value])
    assert polars_quantile([value] * n, q) == value
    assert percentile_inc([value] * n, q) == value


def test_known_values_as_excel_gives_them():
    # =PERCENTILE.INC({1,2,3,4,5,6,7,8,9,10}, 0.25) is 3.25 in Excel; 0.75 gives 7.75.
    values = [float(v) for v in range(10, 0, -1)]
    assert percentile_inc(values, 0.25) == duckdb_quantile(values, 0.25) == 3.25
    assert percentile_inc(values, 0.75) == polars_quantile(values, 0.75) == 7.75
    assert percentile_inc([4.0], 0.25) == 4.0
    assert percentile_inc([1.0, 3.0], 0.25) == 1.5


def test_polars_default_is_not_linear():
    """Why the helper names interpolation="linear": polars's default is "nearest"."""
    values = [1.0, 2.0, 3.0, 4.0]
    assert pl.Series(values).quantile(0.25) != percentile_inc(values, 0.25)


# --------------------------------------------------------------------------- the engine

SQL = """
select component, provider_code, 'all' as sub_unit, 'All' as sub_unit_label,
       null as department_code, null as service_code, value as numerator, 1.0 as denominator,
       100.0 as activity, 1.0 as volume, 1.0 as unit_value
from test_values
"""


def _component(component_id: str, direction: str, target: str) -> ComponentDef:
    return ComponentDef(
        id=component_id, title=component_id, role="opportunity", direction=direction,
        target=target, metric_label="value", metric_unit="ratio", numerator="Value",
        denominator="One", volume="One", native_unit="units", unit_value="sql",
        unit_value_label="", formula="gap_x_volume", min_peers=5, min_activity=10,
        min_volume=0, rate_parameter=None, standard=None)


@pytest.fixture(scope="module")
def direction_category(tmp_path_factory) -> CategoryDef:
    folder: Path = tmp_path_factory.mktemp("category")
    (folder / "test_direction.sql").write_text(SQL, encoding="utf-8")
    return CategoryDef(
        id="test_direction", code="T-01", title="Direction", short_title="Direction",
        sectors=("community",), sub_unit_name="All", what_it_measures="", why_it_matters="",
        how_calculated="", overlaps_with=(), sources=(), sql=folder / "test_direction.sql",
        drilldown_sql=None, chart_component=None,
        components=(_component("lower", "lower", "percentile"),
                    _component("higher", "higher", "percentile"),
                    _component("median", "lower", "median")),
        path=folder / "test_direction.toml")


@given(values=st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=1,
                       max_size=12),
       performance=st.sampled_from([0.75, 0.8, 0.9, 0.5]))
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.slow
def test_engine_benchmark_is_the_percentile_in_the_right_direction(
        direction_category, values, performance):
    codes = [f"R{i:02d}" for i in range(len(values))]
    con = make_store({"providers": [provider(c, "community") for c in codes]})
    con.execute("create table test_values (component varchar, provider_code varchar, "
                "value double)")
    con.executemany("insert into test_values values (?, ?, ?)",
                    [(comp, c, v) for comp in ("lower", "higher", "median")
                     for c, v in zip(codes, values, strict=True)])
    compute(con, RunParameters(performance_percentile=performance), (direction_category,))
    got = {r[0]: r[1:] for r in con.execute(
        "select component, benchmark, peers, assessed from result_rows "
        "where provider_code = 'R00'").fetchall()}
    quantile = {"lower": 1 - performance, "higher": performance, "median": 0.5}
    for component, q in quantile.items():
        benchmark, peers, assessed = got[component]
        assert peers == len(values)
        if len(values) < 5:
            assert not assessed and benchmark is None
        else:
            assert assessed
            assert agree(benchmark, percentile_inc(values, q), values), component


def test_engine_benchmarks_are_the_percentile_of_the_peer_values():
    """On the oracle's data: every benchmark = PERCENTILE.INC of that cell's peer values."""
    providers, ncc = make_data(2026)
    con = run_engine(providers, ncc)
    peer_values: dict[tuple, list[float]] = {}
    for *key, metric in con.execute("""
            select category, component, sub_unit, peer_set, metric from engine_peer_values
            """).fetchall():
        peer_values.setdefault(tuple(key), []).append(metric)
    benchmarks = con.execute(
        "select category, component, sub_unit, peer_set, peers, benchmark from engine_benchmarks"
    ).fetchall()
    assert len(benchmarks) == len(peer_values) > 40
    for *key, peers, benchmark in benchmarks:
        values = peer_values[tuple(key)]
        assert peers == len(values)
        assert agree(benchmark, percentile_inc(values, 0.25), values), key
