"""The engine: run every category's SQL, then peers, percentiles, thresholds and opportunity
for all of them at once (set-based, in DuckDB), into `result_rows` and friends.

Tables it writes (predictable names, so `packgen explain` and tests can inspect them):
- engine_component_spec: each component's rules, from the definitions and the run parameters;
- engine_input: what the category SQL files returned, stacked;
- engine_peer_sets / engine_peer_members: who is compared with whom;
- engine_metrics, engine_peer_values, engine_benchmarks: the steps;
- result_rows: the finest-level results of every category (METHOD.md "Interfaces");
- drill-down tables of categories that have one (acute_hrg_rows);
- productivity_growth.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import polars as pl

from packgen.categories import CategoryDef, load_definitions
from packgen.engine.params import RunParameters, lower_first
from packgen.errors import PackgenError

SQL_DIR = Path(__file__).resolve().parent / "sql"

INPUT_COLUMNS = (
    "provider_code", "component", "sub_unit", "sub_unit_label", "department_code",
    "service_code", "numerator", "denominator", "activity", "volume", "unit_value",
)


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path, params: dict | None = None) -> None:
    """Run each statement of a .sql file, binding only the $parameters it uses.

    Comments are dropped before statements are split on ';' (our SQL keeps ';' and '--' out of
    string literals, so this simple split is safe).
    """
    text = "\n".join(line.split("--", 1)[0] for line in path.read_text("utf-8").splitlines())
    for statement in (s.strip() for s in text.split(";")):
        if not statement:
            continue
        used = {k: v for k, v in (params or {}).items() if f"${k}" in statement}
        con.execute(statement, used or None)


def component_spec(defs: tuple[CategoryDef, ...], params: RunParameters) -> pl.DataFrame:
    """One row per component: everything the generic SQL needs to treat it."""
    rows = []
    for d in defs:
        for c in d.components:
            # The run's overrides win over the definition's thresholds, in the rule and in the
            # reason printed for a cell that fails it.
            min_peers = params.min_peers or c.min_peers
            # A component with no activity count (min_activity 0: spend, floor area) has nothing
            # for a run-wide activity threshold to apply to: it keeps 0.
            min_activity = (c.min_activity if params.min_activity is None or c.min_activity == 0
                            else params.min_activity)
            source, key, fixed = "unit_values", None, None
            if c.unit_value == "sql":
                source = "sql"
            elif c.unit_value.startswith("param:"):
                source, fixed = "fixed", params.value(c.unit_value.removeprefix("param:"))
            else:
                key = c.unit_value
            rows.append({
                "category": d.id, "component": c.id, "role": c.role, "direction": c.direction,
                "target": c.target,
                "rate": params.value(c.rate_parameter) if c.rate_parameter else None,
                "standard": c.standard,
                "min_peers": min_peers, "min_activity": min_activity, "min_volume": c.min_volume,
                "unit_value_source": source, "unit_value_key": key, "unit_value_fixed": fixed,
                "formula": c.formula, "native_unit": c.native_unit,
                "reason_no_data": f"no valid data ({lower_first(c.numerator)} or "
                f"{lower_first(c.denominator)} missing, or the latter zero)",
                "reason_activity": f"activity under {min_activity:,.0f}",
                "reason_volume": f"{lower_first(c.volume)} under {c.min_volume:,.0f}",
                "reason_unit_value": f"unit value '{c.unit_value}' missing from unit_values"
                if key else f"unit value missing ({lower_first(c.unit_value_label)})",
            })
    return pl.DataFrame(rows, schema_overrides={"rate": pl.Float64, "standard": pl.Float64,
                                                "unit_value_fixed": pl.Float64,
                                                "unit_value_key": pl.String,
                                                "min_activity": pl.Float64})


def _category_input(con: duckdb.DuckDBPyConnection, d: CategoryDef) -> str:
    """SQL selecting the category's rows in the engine's input shape, tagged with its id."""
    con.execute(f"create or replace temp view input_{d.id} as {d.sql_text()}")
    cols = ", ".join(INPUT_COLUMNS)
    return f"select '{d.id}' as category, {cols} from input_{d.id}"


def _check_peer_list(con: duckdb.DuckDBPyConnection, params: RunParameters) -> None:
    # Checked here, where every command's run passes (compute, build, check-plans): the SQL
    # would otherwise drop an unknown code silently and benchmark against fewer peers.
    if params.peer_mode != "list":
        return
    known = {code for (code,) in con.execute("select provider_code from providers").fetchall()}
    unknown = [code for code in params.peer_list if code not in known]
    if unknown:
        raise PackgenError("--peer-list names providers not in the bundle: " + ", ".join(unknown),
                           "use ODS codes from the bundle's providers table.")


def compute(con: duckdb.DuckDBPyConnection, params: RunParameters | None = None,
            defs: tuple[CategoryDef, ...] | None = None) -> dict:
    """Compute every category for every provider into the store; returns timings (seconds)."""
    params = params or RunParameters()
    defs = defs if defs is not None else load_definitions()
    _check_peer_list(con, params)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    spec = component_spec(defs, params)  # noqa: F841 (registered as a view by DuckDB)
    con.execute("create or replace table engine_component_spec as select * from spec")
    peer_list = pl.DataFrame({"provider_code": list(params.peer_list)},  # noqa: F841 (view)
                             schema={"provider_code": pl.String})
    con.execute("create or replace table run_peer_list as select * from peer_list")
    for staging in sorted((SQL_DIR / "staging").glob("*.sql")):
        run_sql_file(con, staging)
    con.execute("create or replace table engine_input as "
                + " union all by name ".join(_category_input(con, d) for d in defs))
    timings["categories"] = time.perf_counter() - start
    sql_params = {
        "peer_mode": params.peer_mode,
        "quantile_lower": 1 - params.performance_percentile,
        "quantile_higher": params.performance_percentile,
    }
    for step in ("peer_sets", "metrics", "benchmarks", "results"):
        t = time.perf_counter()
        run_sql_file(con, SQL_DIR / f"{step}.sql", sql_params)
        timings[step] = time.perf_counter() - t
    for d in defs:
        if d.drilldown_sql:
            t = time.perf_counter()
            run_sql_file(con, d.drilldown_sql, sql_params)
            timings[f"drilldown_{d.id}"] = time.perf_counter() - t
    t = time.perf_counter()
    run_sql_file(con, SQL_DIR / "productivity.sql", sql_params)
    timings["productivity"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - start
    return timings
