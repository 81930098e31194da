"""Render provider packs, in this process or in a pool of worker processes.

Each worker opens the store read-only and calls `load_source` once (in its initializer), with
the HRG rows of only the providers of its generation (see `render_all`), then builds and renders
the packs it is given. WeasyPrint slows down in a long-lived process unless garbage is collected
after each document, and its memory grows slowly, so every pack is followed by `gc.collect()`
and workers are replaced after `RECYCLE_AFTER` packs. The loaded source is moved out of the
collector's sight (`gc.freeze`): walking its objects after every pack cost ~5% of the run. The
automatic collector is off while a pack renders (one pack's garbage waits for the collection
that follows it): its passes during WeasyPrint's layout cost another ~4%.

A provider's files are first rendered under temporary names; when all of them have rendered,
this process (never a worker) puts them in place as a set and records them, in one block that an
interrupt cannot split (`signals.deferred`): the earlier files are moved aside to hidden backups,
the new ones renamed in, and if any rename fails the earlier set is put back (`commit_pack`). So a
provider that fails keeps its earlier good files, a pack's PDF, Excel and HTML always come from
the same run, and an interrupt can simply kill the workers: they only ever write temporary
files, which the run then removes. A run killed outright (SIGKILL, a power cut) in the middle
of a commit leaves backups, which the next run resolves (`remove_temporaries`).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import importlib
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from packgen.engine import RunParameters
from packgen.errors import errno_of, quiet_unraisable_os_errors
from packgen.fileio import inside, sha256_file
from packgen.pack.build import PackSource, build_pack, load_source
from packgen.pack.movement import PreviousRun
from packgen.render import pdf as pdf_renderer
from packgen.run import signals
from packgen.store import open_store

PACK_FORMATS = ("pdf", "xlsx", "html")
RECYCLE_AFTER = 50  # packs per worker process before it is replaced (~1.5 MB grown a pack)
_STATE: dict = {}  # the worker process's source, output folder and formats
TEMPORARY_SUFFIX = ".rendering"  # a pack's file being rendered: .<name>.<pid>.rendering
# a pack's earlier file, moved aside while the new set goes in: .<name>.<pid>.previous
BACKUP_SUFFIX = ".previous"


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


def pack_paths(run_dir: Path, code: str, formats: Sequence[str]) -> dict[str, Path]:
    """The pack's files, checked to stay inside RUN/providers whatever the code."""
    return {fmt: inside(Path(run_dir) / "providers", pack_path(run_dir, code, fmt),
                        f"provider {code!r}") for fmt in formats}


def _discard(temporary: dict[str, Path]) -> None:
    for path in temporary.values():
        path.unlink(missing_ok=True)


def render_pack(source: PackSource, run_dir: Path, code: str, formats: Sequence[str]) -> dict:
    """Build one provider's pack and render every format to a temporary file beside its final
    name (`commit_pack` renames them). A failure is in the outcome (its temporaries removed);
    only an interrupt raises, after removing them too."""
    outcome: dict = {"provider_code": code, "status": "built", "outputs": {}, "seconds": {},
                     "error": None, "temporary": {}}
    seconds, temporary = outcome["seconds"], outcome["temporary"]
    stage = "model"
    collecting = gc.isenabled()
    gc.disable()
    try:
        finals = pack_paths(run_dir, code, formats)
        started = time.perf_counter()
        pack = build_pack(source, code)
        seconds["model"] = time.perf_counter() - started
        for fmt, final in finals.items():
            stage = fmt
            final.parent.mkdir(parents=True, exist_ok=True)
            temporary[fmt] = final.with_name(f".{final.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
            started = time.perf_counter()
            _writer(fmt)(pack, temporary[fmt])
            seconds[fmt] = time.perf_counter() - started
        stage = "checksum"
        outcome["outputs"] = {finals[fmt].relative_to(run_dir).as_posix(): sha256_file(path)
                              for fmt, path in temporary.items()}
        outcome["total_gbp"] = pack.total_opportunity_gbp
    except Exception as exc:  # one provider's failure must not stop the run
        outcome.update(status="failed", stage=stage, error=f"{type(exc).__name__}: {exc}",
                       traceback=traceback.format_exc(limit=6), outputs={})
        if errno_of(exc) is not None:  # a full disk, say: the run decides whether to go on
            outcome.update(errno=errno_of(exc), filename=os.fsdecode(
                getattr(exc, "filename", None) or temporary.get(stage) or run_dir))
        _discard(temporary)
        temporary.clear()
    except BaseException:  # interrupted: nothing of this pack stays behind
        _discard(temporary)
        raise
    finally:
        if collecting:
            gc.enable()
        started = time.perf_counter()
        gc.collect()
        seconds["gc"] = time.perf_counter() - started
    return outcome


def _backup_of(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}{BACKUP_SUFFIX}")


def _checksum_or_none(path: Path) -> str | None:
    try:
        return sha256_file(path) if path.is_file() else None
    except OSError:
        return None


def commit_pack(run_dir: Path, outcome: dict) -> dict:
    """Put a rendered pack's temporary files in place as a set: all of them, or none.

    The earlier files are first moved aside (hidden backups beside them), then the new ones
    renamed in, then the backups removed. If any step fails, the new files already in place are
    removed and the earlier ones put back, so the folder holds the whole earlier set (the
    outcome failed, its `on_disk` giving the checksum of each file now in place, None where
    there is none) or the whole new one; the temporaries are removed either way. Run it in
    `signals.deferred()`, so that no interrupt falls between the renames.
    """
    temporary = outcome.pop("temporary", {})
    finals = {fmt: pack_path(run_dir, outcome["provider_code"], fmt) for fmt in temporary}
    moved: dict[Path, Path] = {}  # final -> its backup
    placed: list[Path] = []
    try:
        for final in finals.values():  # a folder in a file's place is the user's: never moved
            if final.is_dir() and not final.is_symlink():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(final))
        for final in finals.values():
            if os.path.lexists(final):
                os.replace(final, _backup_of(final))
                moved[final] = _backup_of(final)
        for fmt, path in temporary.items():
            os.replace(path, finals[fmt])
            placed.append(finals[fmt])
    except OSError as exc:
        for final in placed:
            with contextlib.suppress(OSError):
                final.unlink()
        for final, backup in moved.items():
            with contextlib.suppress(OSError):  # left as a backup: the next run restores it
                os.replace(backup, final)
        outcome.update(status="failed", stage="rename", error=f"{type(exc).__name__}: {exc}",
                       errno=exc.errno, filename=os.fsdecode(exc.filename or run_dir),
                       on_disk={final.relative_to(run_dir).as_posix(): _checksum_or_none(final)
                                for final in finals.values()})
    else:
        for backup in moved.values():
            with contextlib.suppress(OSError):  # else the next run removes it
                backup.unlink()
    finally:
        _discard(temporary)
    return outcome


def init_worker(db_path: Path, params: RunParameters, produced_on: str, run_dir: Path,
                formats: Sequence[str], previous: PreviousRun | None,
                codes: Sequence[str]) -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent decides what stops
    # (and kills the workers: they only ever write temporary files).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    quiet_unraisable_os_errors()  # a full disk is reported once, by the parent
    started = time.perf_counter()
    con = open_store(db_path, read_only=True)
    try:
        _STATE["source"] = replace(load_source(con, params, produced_on, hrg_providers=codes),
                                   previous=previous)
    finally:
        con.close()
    _STATE["run_dir"], _STATE["formats"] = run_dir, tuple(formats)
    gc.collect()
    gc.freeze()  # the source lives as long as the worker: no need to walk it after every pack
    _STATE["started"] = time.perf_counter() - started


def render_in_worker(code: str) -> dict:
    outcome = render_pack(_STATE["source"], _STATE["run_dir"], code, _STATE["formats"])
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

    A pack's files are renamed into place and `on_result` records them in one block that an
    interrupt cannot split. On an interrupt (or an exception from `on_result`) the pool stops:
    see `stop_pool`.
    """
    if not uses_pool(workers, len(codes)):
        # As in a worker: what this process holds already (the source, the pack models) is out
        # of the collector's sight while packs render, so the collection after each pack walks
        # that pack's garbage only (not the whole heap: 0.1 s a pack in a test process).
        freezing = gc.get_freeze_count() == 0  # a caller's own freeze is left as it was
        if freezing:
            gc.collect()
            gc.freeze()
        try:
            for code in codes:
                outcome = render_pack(source, run_dir, code, formats)
                with signals.deferred():
                    on_result(commit_pack(run_dir, outcome))
        finally:
            if freezing:
                gc.unfreeze()
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["packgen.run.workers"])
    # Biggest packs first, so that no long pack is left running alone at the end.
    ordered = sorted(codes, key=lambda c: -len(source.results.get(c, ())))
    # Workers are recycled by running the providers in generations of fresh pools, not with
    # `max_tasks_per_child`: on Python 3.11-3.13 that deadlocks once a worker reaches its limit
    # with tasks still queued (CPython gh-115634).
    generations = -(-len(ordered) // (max(1, workers) * RECYCLE_AFTER))
    initargs = (db_path, source.params, source.run.produced_on, run_dir, tuple(formats),
                source.previous)
    for first in range(generations):
        # Providers dealt round the generations, so each holds its share of the big acute
        # packs (and of their HRG rows, which each generation's workers load for it alone).
        chunk = ordered[first::generations]
        _render_generation(chunk, min(workers, len(chunk)), context, (*initargs, tuple(chunk)),
                           run_dir, on_result)


def _outcome(future: Future, code: str) -> dict:
    try:
        return future.result()
    except Exception as exc:  # the worker died or could not start
        return {"provider_code": code, "status": "failed", "outputs": {}, "seconds": {},
                "stage": "worker", "error": f"{type(exc).__name__}: {exc}"}


def _render_generation(codes: Sequence[str], workers: int, context, initargs: tuple,
                       run_dir: Path, on_result: Callable[[dict], None]) -> None:
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker,
                               initargs=initargs)
    try:
        futures = {pool.submit(render_in_worker, code): code for code in codes}
        for future in as_completed(futures):
            outcome = _outcome(future, futures[future])
            with signals.deferred():
                on_result(commit_pack(run_dir, outcome))
    except BaseException:
        with signals.deferred():
            stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: ProcessPoolExecutor) -> list[int]:
    """Stop a pool now: cancel the work not started and kill the workers (they only write
    temporary files, which `remove_temporaries` removes). Returns the workers' pids.

    `pool.shutdown(cancel_futures=True)` alone lets every worker finish its queue (a minute or
    more); Python 3.11-3.13 have no public way to end the workers, hence `_processes`.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.kill()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=2)
    return [p.pid for p in processes if p.pid]


def _final_of(backup: Path) -> Path | None:
    """The pack file a backup was moved aside from (.<name>.<pid>.previous), or None when the
    name is not one `commit_pack` gives."""
    name, _, pid = backup.name[1:].removesuffix(BACKUP_SUFFIX).rpartition(".")
    return backup.with_name(name) if name and pid.isdigit() else None


def _resolve_backups(folder: Path) -> list[Path]:
    """The backups a commit killed midway (or a rollback that could not finish) left in a
    provider's folder. While any new file is still a temporary the new set never went in
    whole: the earlier files are put back (over the new ones already in place). Otherwise it
    did, and the backups are removed, except one whose file is missing: it is put back."""
    backups = [b for b in folder.glob(f".*{BACKUP_SUFFIX}") if _final_of(b) is not None]
    incomplete = any(folder.glob(f".*{TEMPORARY_SUFFIX}"))
    for backup in backups:
        final = _final_of(backup)
        with contextlib.suppress(OSError):
            if incomplete or not os.path.lexists(final):
                os.replace(backup, final)
            else:
                backup.unlink()
    return backups


def remove_temporaries(run_dir: Path) -> list[Path]:
    """Remove the pack temporaries a stopped or killed run left in RUN/providers, after putting
    back the earlier files of a commit it left midway (only while holding the run folder's lock:
    then no other run is writing them). Returns the files resolved."""
    found = [b for folder in Path(run_dir).glob("providers/*/")
             for b in _resolve_backups(folder)]
    temporaries = list(Path(run_dir).glob(f"providers/*/.*{TEMPORARY_SUFFIX}"))
    for path in temporaries:
        path.unlink(missing_ok=True)
    found += temporaries
    for folder in Path(run_dir).glob("providers/*/"):
        with contextlib.suppress(OSError):  # a provider folder made for a pack never finished
            folder.rmdir()
    return found
