"""Reuse the DuckDB store when it is fresh; otherwise validate, load and compute it.

Fresh means: the store exists, its `bundle_files` checksums equal those of the bundle's files
now, it was loaded by this packgen version, and the engine last ran with these parameters (the
`run_state` table this module writes after computing). `run_state` also keeps the load's
validation warnings, so that a command reusing the store prints them as the load did.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from packgen import __version__
from packgen.contract.read import find_files
from packgen.engine import RunParameters, compute
from packgen.fileio import sha256_file
from packgen.run.manifest import fingerprint
from packgen.store import load_bundle, open_store


@dataclass
class StoreState:
    db_path: Path
    inputs: dict[str, dict[str, str]]  # table -> {"file": name, "sha256": checksum}
    reused: bool
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # the load's validation warnings


# run_state's key for the load's validation warnings, printed again when the store is reused.
WARNINGS_KEY = "load_warnings"
# Parameters the packs use but the engine does not: changing them must not recompute the store.
PACK_ONLY_PARAMETERS = ("requirement_rate",)


def params_fingerprint(params: RunParameters) -> str:
    engine_params = {k: v for k, v in params.as_dict().items() if k not in PACK_ONLY_PARAMETERS}
    return fingerprint(__version__, engine_params)


def bundle_checksums(data_dir: Path) -> dict[str, dict[str, str]]:
    files, _errors, _warnings = find_files(Path(data_dir))
    return {name: {"file": path.name, "sha256": sha256_file(path)}
            for name, path in sorted(files.items())}


def _fresh_store_warnings(db_path: Path, inputs: dict[str, dict[str, str]],
                          params: RunParameters) -> list[str] | None:
    """The validation warnings of the load when the store is fresh, else None."""
    if not db_path.is_file():
        return None
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        return None
    try:
        loaded = dict(con.execute("select table_name, sha256 from bundle_files").fetchall())
        meta = dict(con.execute("select key, value from bundle_meta").fetchall())
        state = dict(con.execute("select key, value from run_state").fetchall())
    except duckdb.Error:  # an older store, or one never computed
        return None
    finally:
        con.close()
    fresh = (loaded == {name: item["sha256"] for name, item in inputs.items()}
             and meta.get("packgen_version") == __version__
             and state.get("params_fingerprint") == params_fingerprint(params)
             and WARNINGS_KEY in state)
    return json.loads(state[WARNINGS_KEY]) if fresh else None


def ensure_store(data_dir: Path, db_path: Path, params: RunParameters, *, force: bool = False,
                 say: Callable[[str], None] = lambda _m: None) -> StoreState:
    """A store at `db_path` loaded from `data_dir` and computed with `params`."""
    started = time.perf_counter()
    inputs = bundle_checksums(data_dir)
    timings = {"checksums": time.perf_counter() - started}
    warnings = None if force else _fresh_store_warnings(db_path, inputs, params)
    if warnings is not None:
        say(f"store {db_path} is up to date: reusing it (use --force to reload)")
        return StoreState(db_path, inputs, True, timings, warnings)
    loaded = load_bundle(data_dir, db_path, progress=say)
    timings["validate_and_load"] = loaded.seconds
    say(f"loaded {sum(loaded.rows.values()):,} rows in {loaded.seconds:.1f} s; computing ...")
    started = time.perf_counter()
    con = open_store(db_path, read_only=False)
    try:
        compute(con, params)
        warnings = [str(problem) for problem in loaded.report.warnings]
        state = {"params_fingerprint": params_fingerprint(params),
                 "parameters": json.dumps(params.as_dict(), sort_keys=True, default=str),
                 WARNINGS_KEY: json.dumps(warnings)}
        con.execute("create or replace table run_state (key varchar, value varchar)")
        con.executemany("insert into run_state values (?, ?)", list(state.items()))
        con.execute("checkpoint")
    finally:
        con.close()
    timings["compute"] = time.perf_counter() - started
    say(f"computed in {timings['compute']:.1f} s")
    # Re-read the checksums the store recorded, so the manifest names exactly what was loaded.
    inputs = {name: {"file": item["file"], "sha256": loaded.files.get(name, item["sha256"])}
              for name, item in inputs.items()}
    return StoreState(db_path, inputs, False, timings, warnings)
