"""Render provider packs, in this process or in a pool of worker processes.

Each worker opens the store read-only and calls `load_source` once (in its initializer), with
the HRG rows of only the providers of its generation (see `render_all`), then builds and renders
the packs it is given. WeasyPrint slows down in a long-lived process unless garbage is collected
after each document, and its memory grows slowly, so every pack is followed by `gc.collect()`
and workers are replaced after `RECYCLE_AFTER` packs. The loaded source is moved out of the
collector's sight (`gc.freeze`): walking its objects after every pack cost ~5% of the run. The
automatic collector is off while a pack renders (one pack's garbage waits for the collection
that follows it): its passes during WeasyPrint's layout cost another ~4%.

A provider's files are first rendered under temporary names and only renamed into place when all
of them have rendered, so a provider that fails keeps its earlier good files untouched.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from packgen.engine import RunParameters
from packgen.fileio import sha256_file
from packgen.pack.build import PackSource, build_pack, load_source
from packgen.render import pdf as pdf_renderer
from packgen.store import open_store

PACK_FORMATS = ("pdf", "xlsx", "html")
RECYCLE_AFTER = 50  # packs per worker process before it is replaced (~1.5 MB grown a pack)
_STATE: dict = {}  # the worker process's source, output folder and formats


def pack_path(run_dir: Path, code: str, fmt: str) -> Path:
    return run_dir / "providers" / code / f"{code}-opportunity-pack.{fmt}"


def available_formats() -> tuple[str, ...]:
    """The pack formats this installation can write (the Excel renderer may be absent)."""
    return tuple(f for f in PACK_FORMATS if f != "xlsx" or _excel_module() is not None)


def _excel_module():
    try:
        return importlib.import_module("packgen.render.excel")
    except ModuleNotFoundError as exc:
        if exc.name != "packgen.render.excel":
            raise
        return None


def _writer(fmt: str) -> Callable:
    # Looked up at call time, so tests can replace a renderer with monkeypatch.
    if fmt == "pdf":
        return pdf_renderer.write_pdf
    if fmt == "html":
        return pdf_renderer.write_html
    return _excel_module().write_workbook


def render_one(source: PackSource, run_dir: Path, code: str,
               formats: Sequence[str]) -> dict:
    """Build and render one provider's pack; never raises (a failure is in the outcome)."""
    outcome: dict = {"provider_code": code, "status": "built", "outputs": {}, "seconds": {},
                     "error": None}
    seconds = outcome["seconds"]
    temporary: dict[str, Path] = {}
    stage = "model"
    collecting = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        pack = build_pack(source, code)
        seconds["model"] = time.perf_counter() - started
        for fmt in formats:
            stage = fmt
            final = pack_path(run_dir, code, fmt)
            final.parent.mkdir(parents=True, exist_ok=True)
            temporary[fmt] = final.with_name(f".{final.name}.{os.getpid()}.rendering")
            started = time.perf_counter()
            _writer(fmt)(pack, temporary[fmt])
            seconds[fmt] = time.perf_counter() - started
        stage = "rename"
        for fmt, path in temporary.items():
            final = pack_path(run_dir, code, fmt)
            os.replace(path, final)
            outcome["outputs"][final.relative_to(run_dir).as_posix()] = sha256_file(final)
        outcome["total_gbp"] = pack.total_opportunity_gbp
    except Exception as exc:  # one provider's failure must not stop the run
        outcome.update(status="failed", stage=stage, error=f"{type(exc).__name__}: {exc}",
                       traceback=traceback.format_exc(limit=6))
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)
        if collecting:
            gc.enable()
        started = time.perf_counter()
        gc.collect()
        seconds["gc"] = time.perf_counter() - started
    return outcome


def init_worker(db_path: Path, params: RunParameters, produced_on: str, run_dir: Path,
                formats: Sequence[str], codes: Sequence[str]) -> None:
    started = time.perf_counter()
    con = open_store(db_path, read_only=True)
    try:
        _STATE["source"] = load_source(con, params, produced_on, hrg_providers=codes)
    finally:
        con.close()
    _STATE["run_dir"], _STATE["formats"] = run_dir, tuple(formats)
    gc.collect()
    gc.freeze()  # the source lives as long as the worker: no need to walk it after every pack
    _STATE["started"] = time.perf_counter() - started


def render_in_worker(code: str) -> dict:
    outcome = render_one(_STATE["source"], _STATE["run_dir"], code, _STATE["formats"])
    # The worker's start-up (loading its source) is charged to its first pack.
    outcome["seconds"]["worker_start"] = _STATE.pop("started", 0.0)
    return outcome


def uses_pool(workers: int, providers: int) -> bool:
    """Whether `render_all` renders in worker processes (else in this process)."""
    return workers > 1 and providers > 1


def render_all(codes: Sequence[str], *, source: PackSource, db_path: Path, run_dir: Path,
               formats: Sequence[str], workers: int,
               on_result: Callable[[dict], None]) -> None:
    """Render every provider in `codes`, calling `on_result(outcome)` as each one finishes.

    One worker renders in this process (no start-up cost; what tests use). More start a pool
    with the forkserver start method, because forking a process that has DuckDB's threads is
    unsafe; the server preloads this module (WeasyPrint included) so workers start quickly.
    """
    if not uses_pool(workers, len(codes)):
        for code in codes:
            on_result(render_one(source, run_dir, code, formats))
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["packgen.run.workers"])
    # Biggest packs first, so that no long pack is left running alone at the end.
    ordered = sorted(codes, key=lambda c: -len(source.results.get(c, ())))
    # Workers are recycled by running the providers in generations of fresh pools, not with
    # `max_tasks_per_child`: on Python 3.11-3.13 that deadlocks once a worker reaches its limit
    # with tasks still queued (CPython gh-115634).
    generations = -(-len(ordered) // (max(1, workers) * RECYCLE_AFTER))
    initargs = (db_path, source.params, source.run.produced_on, run_dir, tuple(formats))
    for first in range(generations):
        # Providers dealt round the generations, so each holds its share of the big acute
        # packs (and of their HRG rows, which each generation's workers load for it alone).
        chunk = ordered[first::generations]
        _render_generation(chunk, min(workers, len(chunk)), context, (*initargs, tuple(chunk)),
                           on_result)


def _render_generation(codes: Sequence[str], workers: int, context, initargs: tuple,
                       on_result: Callable[[dict], None]) -> None:
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker,
                               initargs=initargs)
    try:
        futures = {pool.submit(render_in_worker, code): code for code in codes}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # the worker died or could not start
                outcome = {"provider_code": futures[future], "status": "failed", "outputs": {},
                           "seconds": {}, "stage": "worker",
                           "error": f"{type(exc).__name__}: {exc}"}
            on_result(outcome)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
