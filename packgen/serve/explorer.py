"""The explorer's figures: a run's store copied into memory, and the engine's own SQL run again
for the peers and percentile a page asks for.

At start the store is copied into an in-memory DuckDB database (the file stays free for
`packgen build` and `packgen compute`). A store of `packgen build` holds the run's figures and
everything that does not depend on peers (category inputs, metrics, thresholds, staging,
productivity) in its engine tables, with the parameters they were computed with; any other store
is computed once with the default parameters (`engine.compute`).

A page asks for a parameter set (peers, peer list, percentile) and a provider. Its figures are
computed in a schema of their own by the engine's peer-dependent SQL files, unchanged and in the
engine's order (peer_sets, benchmarks, results), over what the provider's figures depend on (its
peer set's members: `sql/scope_peers.sql`), then read into plain data (the pack model of
`packgen.pack.build`, and frames of raw rows for tables and CSV files) and the schema is
dropped. A drill-down (acute cost's HRGs) is computed only for the page of the cell that shows
it, by the category's own drill-down SQL over the cell's result row and NCC rows
(`sql/scope_ncc_rows.sql`). One statement is not run again when it need not be: the peers'
values and ranks (the first statement of benchmarks.sql) use no parameter and depend only on who
the peers are, so they are computed once per peer rule and reused for every percentile. Results
are cached per parameter set in small LRU caches.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path

import duckdb
import polars as pl

from packgen import __version__
from packgen.categories import CategoryDef, load_definitions
from packgen.engine import RunParameters, compute
from packgen.engine.run import SQL_DIR as ENGINE_SQL_DIR
from packgen.errors import PackgenError
from packgen.fileio import inside
from packgen.pack.build import build_pack, load_source, run_info
from packgen.pack.model import Pack, RunInfo
from packgen.store import DEFAULT_DB_NAME

SQL_DIR = Path(__file__).resolve().parent / "sql"
PACK_FORMATS = ("pdf", "xlsx", "html")  # packgen.run.workers.PACK_FORMATS (not imported: it
# imports WeasyPrint, seconds of start-up for a server that renders no PDF)
PEER_VALUES = re.compile(r"^create\s+or\s+replace\s+table\s+engine_peer_values\s+as\b", re.I)


@dataclass(frozen=True)
class DrillTable:
    """A drill-down kind's table of rows below a result row: the result row's columns that
    pick its rows (an acute cell's HRGs share its department and service codes), the order
    they are listed in, and the SQL (in sql/) that copies the input rows below one result row
    into a drill-down's scope, taking $provider and the keys."""

    name: str
    keys: tuple[str, ...]
    order: tuple[str, ...]
    scope_sql: str


DRILL_TABLES = {"hrg": DrillTable("acute_hrg_rows", ("department_code", "service_code"),
                                  ("department_code", "service_code", "currency_code"),
                                  "scope_ncc_rows.sql")}


def sql_statements(path: Path) -> list[str]:
    """The statements of a .sql file, split as `engine.run.run_sql_file` splits them."""
    text = "\n".join(line.split("--", 1)[0] for line in path.read_text("utf-8").splitlines())
    return [s.strip() for s in text.split(";") if s.strip()]


def execute(con: duckdb.DuckDBPyConnection, statement: str, params: dict) -> None:
    """Run one statement, binding only the $parameters it uses (as run_sql_file does)."""
    used = {k: v for k, v in params.items() if f"${k}" in statement}
    con.execute(statement, used or None)


def engine_parameters(params: RunParameters) -> dict:
    """The $parameters of the engine's peer-dependent SQL, as `engine.compute` binds them."""
    return {"peer_mode": params.peer_mode,
            "quantile_lower": params.value_quantile("lower"),
            "quantile_higher": params.value_quantile("higher")}


def store_path(run: Path) -> Path:
    """The store of a run folder (RUN/packgen.duckdb), or the store file itself."""
    run = Path(run)
    path = run / DEFAULT_DB_NAME if run.is_dir() else run
    if not path.is_file():
        raise PackgenError(f"no packgen store at {path}",
                           "give a run folder written by `packgen build DATA --out RUN` (it "
                           f"holds {DEFAULT_DB_NAME}), or the store file itself.")
    return path


def copy_into_memory(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory database holding every table of the store at `path` (read-only access to
    the file, which is closed again at once)."""
    con = duckdb.connect()
    literal = str(path).replace("'", "''")  # ATTACH takes no prepared parameters
    try:
        con.execute(f"attach '{literal}' as run_store (read_only)")
    except duckdb.Error as exc:
        con.close()
        raise PackgenError(f"cannot read the store {path}: {exc}",
                           "if `packgen build` or `packgen compute` is writing it, wait for it "
                           "to finish and start the explorer again.") from exc
    try:
        con.execute("copy from database run_store to memory")
    finally:
        con.execute("detach run_store")
    try:
        con.execute("select provider_code from providers limit 0")
    except duckdb.Error as exc:
        con.close()
        raise PackgenError(f"{path} is not a packgen store (it has no providers table)",
                           "give the run folder of `packgen build`.") from exc
    return con


def run_parameters(con: duckdb.DuckDBPyConnection) -> RunParameters | None:
    """The parameters the store's figures were computed with, when the store says so: a store
    of `packgen build` records them (`run_state`) after computing, and was loaded by this
    version of packgen. None for any other store (loaded only, or computed by another
    version, or by `packgen compute`, which records nothing)."""
    try:
        saved = con.execute("select value from run_state where key = 'parameters'").fetchall()
        version = con.execute("select value from bundle_meta where key = 'packgen_version'"
                              ).fetchall()
    except duckdb.Error:
        return None
    if len(saved) != 1 or version != [(__version__,)]:
        return None
    try:
        saved = json.loads(saved[0][0])
        known = {f.name for f in fields(RunParameters)}
        values = {k: v for k, v in saved.items() if k in known}
        values["peer_list"] = tuple(values.get("peer_list") or ())
        return RunParameters(**values)
    except (TypeError, ValueError, AttributeError):
        return None


class LRU:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int, on_evict: Callable[[object], None] | None = None):
        self.size, self.on_evict = size, on_evict
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            evicted = []
            while len(self._items) > self.size:
                evicted.append(self._items.popitem(last=False)[1])
        for item in evicted:
            if self.on_evict:
                self.on_evict(item)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class ProviderView:
    """Everything the explorer shows of one provider under one parameter set."""

    params: RunParameters
    code: str
    pack: Pack  # the pack model, exactly as `packgen build` builds it (with its drill-downs)
    peer_set: str | None  # None: the provider is not benchmarked (no sector)
    members: tuple[str, ...]  # the peer set's members: whose values are peer values
    rows: pl.DataFrame  # the provider's result rows, every column of result_rows
    peer_values: pl.DataFrame  # engine_peer_values of the peer set (every measure)
    seconds: float  # time taken to compute it
    records: tuple[dict, ...] = ()  # `rows` as dicts, in their order (pages copy, not change)


@dataclass(frozen=True)
class NationalView:
    """Every provider's opportunity per category under one parameter set."""

    params: RunParameters
    totals: pl.DataFrame  # provider_code, category, opportunity_gbp, assessed, not_assessed
    seconds: float


class Explorer:
    """A run's figures for any parameter set; thread-safe."""

    def __init__(self, store: Path, defs: tuple[CategoryDef, ...] | None = None,
                 cache_size: int = 32, say: Callable[[str], None] = lambda _m: None):
        started = time.perf_counter()
        self.store = store_path(store)
        # the run folder, whose packs the provider pages offer (None: a store file was given)
        self.run_dir = Path(store) if Path(store).is_dir() else None
        say(f"copying {self.store} into memory ...")
        self.con = copy_into_memory(self.store)
        self.defs = defs if defs is not None else load_definitions()
        # The run's own figures are the store's, as its packs show them; a store that does not
        # say how it was computed is computed again with packgen's default parameters.
        stored = run_parameters(self.con)
        self.defaults = stored or RunParameters()
        if stored is None:
            say("computing the figures with the default parameters ...")
            compute(self.con, self.defaults, self.defs)
        self.providers: dict[str, dict] = {
            r["provider_code"]: r
            for r in self.con.sql("select * from providers order by provider_code").pl()
            .to_dicts()}
        self.categories = {d.id: d for d in self.defs}
        # What every pack draws on that no peer or percentile changes (providers, productivity,
        # data notes), fetched as the packs fetch it; the peer-dependent parts come per scope.
        cursor = self.con.cursor()
        try:
            source = load_source(cursor, self.defaults, hrg_providers=())
        finally:
            cursor.close()
        self._source = replace(source, results={}, peer_values={}, peer_sets={})
        self._benchmark_statements = sql_statements(ENGINE_SQL_DIR / "benchmarks.sql")
        self._reuse_peer_values = any(PEER_VALUES.match(s) and "$" not in s
                                      for s in self._benchmark_statements)
        self._compute_lock = threading.RLock()
        self._counter = itertools.count(1)
        self._peer_bases = LRU(4, on_evict=self._drop_schema)
        self._provider_views = LRU(cache_size)
        self._peer_values = LRU(cache_size)  # a peer set's values: frame, charted by key
        self._drills = LRU(cache_size)
        self._national_views = LRU(8)
        self._run_infos = LRU(16)
        self.startup_seconds = time.perf_counter() - started

    # -- public ----------------------------------------------------------------------------

    def run_info(self, params: RunParameters) -> RunInfo:
        info = self._run_infos.get(params)
        if info is None:
            cursor = self.con.cursor()
            try:
                info = run_info(cursor, params)
            finally:
                cursor.close()
            self._run_infos.put(params, info)
        return info

    def provider_view(self, params: RunParameters, code: str) -> ProviderView:
        """The provider's figures under `params` (KeyError for an unknown provider)."""
        if code not in self.providers:
            raise KeyError(code)
        return self._cached(self._provider_views, (params, code),
                            lambda: self._provider_scope(params, code))

    def drill_rows(self, params: RunParameters, code: str, category: str,
                   sub_unit: str) -> pl.DataFrame:
        """The drill-down rows (e.g. acute cost's HRGs) below one of the provider's sub-units
        (an acute cell); empty for a sub-unit without any (KeyError: no such sub-unit)."""
        view = self.provider_view(params, code)
        return self._cached(self._drills, (params, code, category, sub_unit),
                            lambda: self._drill_rows(view, self.categories[category], sub_unit))

    def pack_files(self, code: str) -> dict[str, Path]:
        """The provider's packs that `packgen build` wrote in the run folder: format -> file
        (as packgen.run.workers.pack_path names them, checked to stay in the folder)."""
        if self.run_dir is None or code not in self.providers:
            return {}
        found = {}
        for fmt in PACK_FORMATS:
            path = self.run_dir / "providers" / code / f"{code}-opportunity-pack.{fmt}"
            try:
                inside(self.run_dir / "providers", path, f"provider {code!r}")
            except PackgenError:
                return {}
            if path.is_file():
                found[fmt] = path
        return found

    def national_view(self, params: RunParameters) -> NationalView:
        return self._cached(self._national_views, params, lambda: self._national(params))

    def close(self) -> None:
        self.con.close()

    # -- computing ----------------------------------------------------------------------------

    def _cached(self, cache: LRU, key, make: Callable[[], object]):
        value = cache.get(key)
        if value is None:
            with self._compute_lock:  # one computation at a time: two cores, and no duplicates
                value = cache.get(key)
                if value is None:
                    value = make()
                    cache.put(key, value)
        return value

    @contextlib.contextmanager
    def _schema(self, keep: bool = False) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
        """A cursor whose new tables go to a fresh schema (names resolve there first, then in
        main). The schema is dropped afterwards, unless `keep` and all went well."""
        name = f"scope_{next(self._counter)}"
        cursor = self.con.cursor()
        cursor.execute(f"create schema {name}")
        cursor.execute(f"set schema = '{name}'")
        kept = False
        try:
            yield cursor, name
            kept = keep
        finally:
            cursor.close()
            if not kept:
                self._drop_schema(name)

    def _drop_schema(self, name: object) -> None:
        if name != "main":
            cursor = self.con.cursor()
            try:
                cursor.execute(f"drop schema if exists {name} cascade")
            finally:
                cursor.close()

    def _peer_sets(self, cursor: duckdb.DuckDBPyConnection, params: RunParameters) -> None:
        """The engine's peer_sets.sql for `params`, with the run's peer list beside it."""
        cursor.execute("create or replace table run_peer_list as "
                       "select unnest($codes::varchar[]) as provider_code",
                       {"codes": list(params.peer_list)})
        for statement in sql_statements(ENGINE_SQL_DIR / "peer_sets.sql"):
            execute(cursor, statement, engine_parameters(params))

    def _peer_base(self, params: RunParameters) -> str | None:
        """The schema holding every peer set's peer values under the peer rule of `params`
        (main for the run's own rule), or None when benchmarks.sql cannot be split."""
        if not self._reuse_peer_values:
            return None
        key = (params.peer_mode, params.peer_list)
        if key == (self.defaults.peer_mode, self.defaults.peer_list):
            return "main"
        name = self._peer_bases.get(key)
        if name is None:
            with self._schema(keep=True) as (cursor, name):
                self._peer_sets(cursor, params)
                for statement in self._benchmark_statements:
                    if PEER_VALUES.match(statement):
                        execute(cursor, statement, {})
            self._peer_bases.put(key, name)
        return name

    def _peer_steps(self, cursor: duckdb.DuckDBPyConnection, params: RunParameters,
                    provider: str | None) -> None:
        """The engine's peer-dependent steps in the cursor's schema, up to the result rows: for
        every provider, or (`provider`) for one provider's scope."""
        base = self._peer_base(params)
        sql_params = engine_parameters(params)
        self._peer_sets(cursor, params)
        if provider is not None:
            for statement in sql_statements(SQL_DIR / "scope_peers.sql"):
                execute(cursor, statement, {"provider": provider})
        for statement in self._benchmark_statements:
            if base is not None and PEER_VALUES.match(statement):
                # The same rows as the statement would write: the base's values of the peer
                # sets kept here (values and ranks are per peer set, whatever the percentile).
                cursor.execute(f"create or replace view engine_peer_values as select * from "
                               f"{base}.engine_peer_values where peer_set in "
                               "(select peer_set from engine_peer_members)")
            else:
                execute(cursor, statement, sql_params)
        for statement in sql_statements(ENGINE_SQL_DIR / "results.sql"):
            execute(cursor, statement, sql_params)

    def _provider_scope(self, params: RunParameters, code: str) -> ProviderView:
        started = time.perf_counter()
        with self._schema() as (cursor, _name):
            self._peer_steps(cursor, params, code)
            peer_sets = {c: (s, g) for c, s, g in cursor.execute(
                "select provider_code, peer_set, benchmark_group from engine_peer_sets"
            ).fetchall()}
            members = tuple(c for (c,) in cursor.execute(
                "select provider_code from engine_peer_members order by provider_code"
            ).fetchall())
            # in the pack's order (load_source), which its tables keep
            rows = cursor.sql("select * from result_rows order by provider_code, category, "
                              "component, opportunity_gbp desc, sub_unit").pl()
            peer_set = peer_sets.get(code, (None, None))[0]
            # the peers' values and ranks: the same for every percentile (see _peer_base)
            key = ((params.peer_mode, params.peer_list, peer_set) if self._reuse_peer_values
                   else (params, peer_set))
            peers = self._peer_values.get(key)
            if peers is None:
                frame = cursor.sql(
                    "select category, component, sub_unit, peer_set, provider_code, metric, "
                    "rank, peers from engine_peer_values order by category, component, "
                    "sub_unit, peer_set, rank").pl()
                peers = (frame, self._charted_peer_values(frame))
                self._peer_values.put(key, peers)
            peer_values, charted = peers
        # The pack model as `load_source` + `build_pack` make it: the peer-independent parts
        # fetched once at start, the rest from this scope. The drill-down keeps its totals
        # (detail=False); its rows come from `drill_rows` when a page shows them.
        records = rows.to_dicts()
        source = replace(self._source, params=params, run=self.run_info(params),
                         peer_sets=peer_sets, results={code: records}, peer_values=charted)
        pack = build_pack(source, code, detail=False)
        return ProviderView(params, code, pack, peer_set, members, rows, peer_values,
                            time.perf_counter() - started, tuple(records))

    def _drill_rows(self, view: ProviderView, category: CategoryDef,
                    sub_unit: str) -> pl.DataFrame:
        """The category's drill-down SQL, run on one result row of the provider's view and the
        NCC rows below it: a cell's rows are shared out within the cell alone, so they are
        those of a run over every cell."""
        table = DRILL_TABLES[category.drilldown]
        rows = view.rows.filter((pl.col("category") == category.id)
                                & (pl.col("sub_unit") == sub_unit))
        if not rows.height:
            raise KeyError(sub_unit)
        keys = {key: rows[key][0] for key in table.keys}
        with self._schema() as (cursor, _name):
            cursor.execute("create table result_rows as select * from rows")
            for statement in sql_statements(SQL_DIR / table.scope_sql):
                execute(cursor, statement, {"provider": view.code, **keys})
            for statement in sql_statements(category.drilldown_sql):
                execute(cursor, statement, engine_parameters(view.params))
            return cursor.sql(f"select * from {table.name} order by "
                              f"{', '.join(table.order)}").pl()

    def _charted_peer_values(self, peer_values: pl.DataFrame) -> dict[tuple, list[dict]]:
        """The peer values of each category's charted measure, keyed as `load_source` keys
        them: (category, component, sub_unit, peer set) -> rows in rank order."""
        charted = pl.DataFrame([(d.id, d.chart_component) for d in self.defs
                                if d.chart_component],
                               schema={"category": pl.String, "component": pl.String},
                               orient="row")
        grouped: dict[tuple, list[dict]] = {}
        for row in peer_values.join(charted, on=["category", "component"],
                                    maintain_order="left").to_dicts():
            key = (row["category"], row["component"], row["sub_unit"], row["peer_set"])
            grouped.setdefault(key, []).append(row)
        return grouped

    def _national(self, params: RunParameters) -> NationalView:
        started = time.perf_counter()
        query = (SQL_DIR / "national_totals.sql").read_text("utf-8")
        if params == self.defaults:
            cursor = self.con.cursor()
            try:
                totals = cursor.sql(query).pl()
            finally:
                cursor.close()
        else:
            with self._schema() as (cursor, _name):
                self._peer_steps(cursor, params, None)
                totals = cursor.sql(query).pl()
        return NationalView(params, totals, time.perf_counter() - started)
