"""The engine: run every category's SQL, then peers, percentiles, thresholds and opportunity
for all of them at once (set-based, in DuckDB), into `result_rows` and friends.

Tables it writes (predictable names, so `packgen explain` and tests can inspect them):
- engine_component_spec: each component's rules, from the definitions and the run parameters;
- engine_input_raw: what the category SQL files returned, stacked;
- engine_provider_gaps: providers' blank values that components need;
- engine_input: those rows plus pooled rows and one "no data supplied" row per provider of a
  category's sectors that has none;
- engine_peer_sets / engine_peer_members: who is compared with whom;
- engine_metrics, engine_peer_values, engine_benchmarks: the steps;
- result_rows: the finest-level results of every category (docs/method.md, "Interfaces that
  stay stable");
- drill-down tables of categories that have one (acute_hrg_rows);
- productivity_growth.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import polars as pl

from packgen.categories import CategoryDef, coverage, load_definitions
from packgen.engine.params import RunParameters, lower_first
from packgen.errors import PackgenError

SQL_DIR = Path(__file__).resolve().parent / "sql"
# The contract tables productivity.sql reads (the data contract lists productivity_growth under
# each; a test compares this with the SQL).
PRODUCTIVITY_TABLES = ("providers", "ncc_costs", "ncc_costs_prior", "productivity_inputs",
                       "unit_values")

# The engine's input shape. Category SQL returns the columns it has; the engine fills the rest
# (NULL; sub_unit 'all' for a provider-level row) so category SQL holds only its own arithmetic.
INPUT_SHAPE = {
    "provider_code": "varchar", "component": "varchar", "sub_unit": "varchar",
    "sub_unit_label": "varchar", "department_code": "varchar", "service_code": "varchar",
    "numerator": "double", "denominator": "double", "activity": "double", "volume": "double",
    "unit_value": "double",
}


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


def supplied_inputs(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, set[str]], set[str]]:
    """(table -> columns with values, unit value keys) that the loaded bundle supplies."""
    supplied: dict[str, set[str]] = {}
    for table, column in con.execute("select table_name, column_name from bundle_columns"
                                     ).fetchall():
        supplied.setdefault(table, set())
        if column:
            supplied[table].add(column)
    keys = {k for (k,) in con.execute("select key from unit_values where value is not null"
                                      ).fetchall()}
    return supplied, keys


def component_spec(defs: tuple[CategoryDef, ...], params: RunParameters,
                   supplied: dict[str, set[str]] | None = None,
                   unit_value_keys: set[str] | None = None) -> pl.DataFrame:
    """One row per component: everything the generic SQL needs to treat it.

    With `supplied` (what the bundle holds), each component also carries the first input it
    lacks bundle-wide (`missing_input`), which makes every row of it "not assessed: no data
    supplied (...)". Without it every input counts as supplied.
    """
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
            need = coverage.needs(d, c)
            gap = coverage.bundle_gap(need, supplied) if supplied is not None else None
            rows.append({
                "category": d.id, "component": c.id, "role": c.role, "direction": c.direction,
                "target": c.target,
                "rate": params.value(c.rate_parameter) if c.rate_parameter else None,
                "standard": c.standard,
                "min_peers": min_peers, "min_activity": min_activity, "min_volume": c.min_volume,
                "unit_value_source": source, "unit_value_key": key, "unit_value_fixed": fixed,
                "formula": c.formula, "native_unit": c.native_unit,
                "sectors": list(d.sectors), "pooled_from": c.pooled_from,
                "pooled_sums": list(c.pooled_sums), "default_label": c.sub_unit_label,
                "provider_columns": list(need.provider_columns),
                "missing_input": coverage.no_data(gap) if gap else None,
                "reason_no_rows": coverage.no_data(coverage.no_rows_reason(need.main_table)),
                "reason_no_data": f"no valid data ({lower_first(c.numerator)} or "
                f"{lower_first(c.denominator)} missing, or the latter zero)",
                "reason_activity": f"activity under {min_activity:,.0f}",
                # money reads as money: "expected cost under £10,000 (£5,707.80)"
                "reason_volume": (f"{lower_first(c.volume).replace(' (GBP)', '')} under "
                                  f"£{c.min_volume:,.0f}" if "(GBP)" in c.volume else
                                  f"{lower_first(c.volume)} under {c.min_volume:,.0f}"),
                "volume_prefix": "£" if "(GBP)" in c.volume else "",
                "reason_unit_value": "not priced: " + (
                    coverage.pricing_gap(need, unit_value_keys or set())
                    or (f"unit value '{key}' missing from unit_values.csv" if key else
                        f"unit value missing ({lower_first(c.unit_value_label)})")),
            })
    return pl.DataFrame(rows, schema_overrides={
        "rate": pl.Float64, "standard": pl.Float64, "unit_value_fixed": pl.Float64,
        "unit_value_key": pl.String, "min_activity": pl.Float64, "pooled_from": pl.String,
        "sectors": pl.List(pl.String), "pooled_sums": pl.List(pl.String),
        "provider_columns": pl.List(pl.String), "missing_input": pl.String})


def _provider_gaps(con: duckdb.DuckDBPyConnection, defs: tuple[CategoryDef, ...]) -> None:
    """engine_provider_gaps: (provider_code, column_name, reason) for every providers column a
    component needs that is blank for that provider."""
    columns = sorted({col for d in defs for c in d.components
                      for col in coverage.needs(d, c).provider_columns})
    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    # column names come from the validated definitions (contract columns), never from data
    parts = [f"select provider_code, {literal(col)} as column_name, "
             f"{literal(coverage.no_data(coverage.provider_gap_reason(col)))} as reason "
             f'from providers where "{col}" is null' for col in columns]
    empty = "select null::varchar as provider_code, null::varchar as column_name, " \
            "null::varchar as reason where false"
    con.execute("create or replace table engine_provider_gaps as "
                + " union all ".join([empty, *parts]))


def _category_inputs(con: duckdb.DuckDBPyConnection, defs: tuple[CategoryDef, ...]) -> None:
    """engine_input_raw: every category's SQL, each run over the providers of its own sectors
    (the view `category_providers`), stacked in the engine's input shape."""
    shape = ", ".join(f"null::{kind} as {name}" for name, kind in INPUT_SHAPE.items())
    parts = [f"select null::varchar as category, {shape} where false"]
    for d in defs:
        sectors = ", ".join(f"'{s}'" for s in d.sectors)  # validated sector names
        con.execute("create or replace temp view category_providers as select * from providers "
                    f"where sector in ({sectors})")
        con.execute(f"create or replace temp table input_{d.id} as {d.sql_text()}")
        parts.append(f"select '{d.id}' as category, * from input_{d.id}")
    con.execute("create or replace table engine_input_raw as "
                + " union all by name ".join(parts))
    for d in defs:
        con.execute(f"drop table input_{d.id}")
    con.execute("drop view category_providers")


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
    spec = component_spec(defs, params, *supplied_inputs(con))  # noqa: F841 (a DuckDB view)
    con.execute("create or replace table engine_component_spec as select * from spec")
    peer_list = pl.DataFrame({"provider_code": list(params.peer_list)},  # noqa: F841 (view)
                             schema={"provider_code": pl.String})
    con.execute("create or replace table run_peer_list as select * from peer_list")
    for staging in sorted((SQL_DIR / "staging").glob("*.sql")):
        run_sql_file(con, staging)
    _category_inputs(con, defs)
    _provider_gaps(con, defs)
    run_sql_file(con, SQL_DIR / "inputs.sql")
    timings["categories"] = time.perf_counter() - start
    sql_params = {
        "peer_mode": params.peer_mode,
        "quantile_lower": params.value_quantile("lower"),
        "quantile_higher": params.value_quantile("higher"),
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
