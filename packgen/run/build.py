"""`packgen build`: validate, load and compute (or reuse a fresh store), then every provider's
pack (PDF, Excel, HTML) in a process pool, the national summary, the regional and system (ICB)
packs and the run manifest. Providers, regions and systems whose inputs and parameters are
unchanged since the last run are skipped.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from packgen import __version__
from packgen.engine import RunParameters
from packgen.engine.summary import export_csv
from packgen.errors import RUN_STOPPING_ERRNOS, PackgenError
from packgen.fileio import inside, sha256_file
from packgen.pack.build import PackSource, build_pack, load_drill_rows, load_source
from packgen.pack.model import Pack
from packgen.pack.movement import method_version, read_previous
from packgen.render import national, regional, system
from packgen.run import signals, summary_packs, totals, workers
from packgen.run.lock import run_lock
from packgen.run.manifest import (
    MANIFEST_NAME,
    fingerprint,
    outputs_intact,
    read_manifest,
    templates_checksum,
    write_manifest,
)
from packgen.run.progress import Progress
from packgen.run.store_state import StoreState, ensure_store
from packgen.store import DEFAULT_DB_NAME, open_store


@dataclass
class BuildOptions:
    data_dir: Path
    run_dir: Path
    params: RunParameters = field(default_factory=RunParameters)
    db_path: Path | None = None  # default RUN/packgen.duckdb
    providers: Sequence[str] = ()
    regions: Sequence[str] = ()
    systems: Sequence[str] = ()  # ICB codes: their providers' packs and the system packs
    workers: int | None = None  # default: every core
    force: bool = False
    quiet: bool = False
    # last year's run folder, for the movement since the previous pack (--previous)
    previous_run: Path | None = None
    formats: Sequence[str] = ()  # pack formats to write (default: every one available)


@dataclass
class BuildResult:
    run_dir: Path
    built: list[str]
    skipped: list[str]
    failed: dict[str, str]  # provider -> error
    seconds: float
    timings: dict[str, float]
    manifest_path: Path


def _print_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ensure_store_quietly(data_dir: Path, db_path: Path, params: RunParameters, force: bool,
                          quiet: bool) -> StoreState:
    say = (lambda _m: None) if quiet else _print_to_stderr
    return ensure_store(data_dir, db_path, params, force=force, say=say)


def _ensure_store(options: BuildOptions, db_path: Path,
                  say: Callable[[str], None]) -> StoreState:
    """Validate, load and compute (or reuse) the store.

    With more than one worker (the national run) this happens in a child process: validating
    and loading 1.7 million NCC rows leaves the process holding about a gigabyte it never gives
    back, which the parent would otherwise carry through the whole render. An interrupt kills
    the child and removes the store file it was writing (the previous store is untouched).
    """
    if (options.workers or os.cpu_count() or 1) <= 1:
        return ensure_store(options.data_dir, db_path, options.params, force=options.force,
                            say=say)
    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    try:
        state = pool.submit(_ensure_store_quietly, Path(options.data_dir), db_path,
                            options.params, options.force, options.quiet).result()
    except BaseException:
        with signals.deferred():
            for pid in workers.stop_pool(pool):
                # the temporary database of `packgen.store.load_bundle`: .<name>.<pid>.loading
                for path in db_path.parent.glob(f".{db_path.name}.{pid}.loading*"):
                    path.unlink(missing_ok=True)
        raise
    pool.shutdown(wait=True)
    return state


def select_providers(source: PackSource, providers: Sequence[str],
                     regions: Sequence[str], systems: Sequence[str] = ()) -> list[str]:
    """The providers to render: all, or those named and those of the regions and systems
    (ICBs) named."""
    known = source.providers
    if not providers and not regions and not systems:
        return sorted(known)
    icbs = sorted({r["icb_code"] for r in known.values() if r.get("icb_code")})
    missing = [s for s in systems if s not in icbs]
    if missing:
        raise PackgenError(f"no providers in system {', '.join(missing)}",
                           "use one of the bundle's ICB codes (providers.csv, icb_code): "
                           f"{', '.join(icbs) or 'none is given'}.")
    unknown = [c for c in providers if c not in known]
    if unknown:
        raise PackgenError(f"unknown provider{'s' * (len(unknown) > 1)}: {', '.join(unknown)}",
                           "give ODS codes from the bundle's providers table, e.g. "
                           f"--provider {sorted(known)[0]}.")
    present = sorted({r["region_code"] for r in known.values()})
    bad = [r for r in regions if r not in present]
    if bad:
        raise PackgenError(f"no providers in region {', '.join(bad)}",
                           f"use one of the bundle's region codes: {', '.join(present)}.")
    chosen = set(providers) | {c for c, r in known.items()
                               if r["region_code"] in regions or r.get("icb_code") in systems}
    return sorted(chosen)


def _summary_entry(run_dir: Path, paths: Sequence[Path], print_: str) -> dict:
    return {"fingerprint": print_,
            "outputs": {p.relative_to(run_dir).as_posix(): sha256_file(p) for p in paths}}


def _fresh(previous: dict | None, print_: str, run_dir: Path, force: bool) -> bool:
    return (not force and previous is not None and previous.get("fingerprint") == print_
            and outputs_intact(run_dir, previous.get("outputs", {})))


def run_build(options: BuildOptions, say: Callable[[str], None] = lambda _m: None,
              warn: Callable[[Sequence[str]], None] = lambda _w: None,
              alert: Callable[[str], None] | None = None) -> BuildResult:
    """Validate, load and compute (or reuse the store), render, summarise and record the run.

    Holds RUN/.packgen.lock throughout (a second build on the same folder stops with an expected
    error). SIGINT and SIGTERM stop the run within seconds: the workers are killed, temporaries
    removed, and `manifest.json` records exactly the packs whose files are in place, so the same
    command continues where it stopped. `say` receives progress (which --quiet silences);
    `alert` the run's own warnings and errors it goes on after (a stale lock taken over, a
    manifest it could not write, a pack model that failed), which --quiet must not silence
    (default: `say`); `warn` the bundle's validation warnings before anything is rendered.
    """
    started = time.perf_counter()
    run_dir = Path(options.run_dir)
    alert = alert or say
    with signals.stop_signals(), run_lock(run_dir, "packgen build", alert):
        removed = workers.remove_temporaries(run_dir)
        if removed:
            say(f"cleaned up {len(removed)} file(s) left by a stopped run (temporaries, "
                "backups of earlier packs)")
        return _Build(options, run_dir, say, warn, alert).run(started)


class _Build:
    """One build; its manifest is written however the build ends."""

    def __init__(self, options: BuildOptions, run_dir: Path, say: Callable[[str], None],
                 warn: Callable[[Sequence[str]], None], alert: Callable[[str], None]):
        self.options, self.run_dir, self.say, self.warn = options, run_dir, say, warn
        self.alert = alert
        self.db_path = Path(options.db_path or run_dir / DEFAULT_DB_NAME)
        self.previous = read_manifest(run_dir)
        self.timings: dict[str, float] = {}
        self.entries: dict[str, dict] = dict(self.previous.get("providers", {}))
        self.summaries: dict[str, dict] = dict(self.previous.get("summaries", {}))
        self.manifest = {"packgen_version": __version__,
                         "data_dir": str(Path(options.data_dir).resolve()),
                         "store": str(self.db_path.resolve()),
                         "parameters": options.params.as_dict(), "timings": self.timings,
                         "providers": self.entries, "summaries": self.summaries}
        self.writing = False  # outputs may have changed: a stopped run must write its manifest
        self.summary_writer: summary_packs.Writer | None = None

    def run(self, started: float) -> BuildResult:
        try:
            result = self._run(started)
        except BaseException as exc:
            with signals.deferred():
                self._record_stop(exc)
            raise
        return result

    def _record_stop(self, exc: BaseException) -> None:
        """The manifest of a run that stopped early: what it finished, and why it stopped."""
        if self.summary_writer is not None:  # the regional and system packs written so far
            self._record_summaries(self.summary_writer.stop())
        if not self.writing and (self.run_dir / MANIFEST_NAME).exists():
            return  # nothing was written: the previous manifest still describes the folder
        interrupted = isinstance(exc, KeyboardInterrupt)
        self.manifest["stopped"] = {
            "reason": "interrupted" if interrupted else f"{type(exc).__name__}: {exc}",
            "at": datetime.now(UTC).isoformat(timespec="seconds")}
        self.manifest["interrupted"] = interrupted
        self._collect_outputs()
        workers.remove_temporaries(self.run_dir)
        try:
            write_manifest(self.run_dir, self.manifest)
        except OSError as error:  # a full disk, say: the previous manifest stays (still true)
            self.alert(f"Warning: could not write {self.run_dir / MANIFEST_NAME} ({error}); "
                       "the next run checks every file against its checksum anyway.")

    def _record_summaries(self, written: Sequence[tuple[summary_packs.Job, list[Path]]]
                          ) -> None:
        for job, paths in written:
            self.summaries[job.key] = _summary_entry(self.run_dir, paths, job.fingerprint)

    def _collect_outputs(self) -> None:
        self.manifest["outputs"] = {
            k: v for entry in [*self.entries.values(), *self.summaries.values()]
            for k, v in entry.get("outputs", {}).items()}

    def _run(self, started: float) -> BuildResult:
        options, run_dir, say, timings = self.options, self.run_dir, self.say, self.timings
        store = _ensure_store(options, self.db_path, say)
        timings.update(store.timings)
        self.warn(store.warnings)
        t = time.perf_counter()
        con = open_store(self.db_path, read_only=True)
        try:
            # No HRG rows yet: they are loaded below for the packs rendered in this process,
            # and by each worker for its own packs otherwise.
            source = load_source(con, options.params, hrg_providers=())
        finally:
            con.close()
        if options.previous_run is not None:
            source = replace(source, previous=read_previous(options.previous_run,
                                                            options.params.as_dict()))
        timings["load_source"] = time.perf_counter() - t
        selected = select_providers(source, options.providers, options.regions,
                                    options.systems)
        formats = workers.available_formats()
        if options.formats:
            formats = tuple(f for f in formats if f in options.formats)
        for code in selected:  # a code such as ../../x must never write outside the run
            workers.pack_paths(run_dir, code, formats)
        # the system packs the folder will hold: a partial build's summaries give no path to
        # a system pack that is not there
        system_packs = _system_packs(run_dir, source, selected, self.previous)
        previous = source.previous
        base_print = fingerprint(__version__, options.params.as_dict(), store.inputs,
                                 templates_checksum(), formats, method_version(),
                                 sha256_file(previous.results) if previous else None)
        self.manifest.update({
            "run_id": source.run.run_id, "parameter_labels": source.run.parameters,
            "inputs": store.inputs, "store_reused": store.reused, "formats": list(formats),
            "method_version": method_version(),
            "previous_run": str(Path(options.previous_run).resolve()) if previous else None})

        # Every pack model, built once: the national and regional totals add up these figures.
        # The HRG drill-down rows are left out here (workers build each pack in full when they
        # render). When the national and regional outputs are already up to date (rebuilding
        # one provider with --provider, say) they are not needed, and a single pack rebuilds
        # quickly.
        t = time.perf_counter()
        packs: dict[str, Pack] = {}
        failed: dict[str, str] = {}
        needed = [] if _summaries_fresh(run_dir, source, selected, base_print, self.previous,
                                        options.force, system_packs) else sorted(source.providers)
        for code in needed:
            try:
                packs[code] = build_pack(source, code, detail=False)
            except Exception as exc:  # reported like a render failure; the others go on
                failed[code] = f"{type(exc).__name__}: {exc}"
        timings["models"] = time.perf_counter() - t
        for code, error in failed.items():
            self.alert(f"Error: the pack model of {code} could not be built ({error}); it is "
                       "left out of the national and regional totals.")
        quality = {c: totals.data_quality(p, source.ncc_excluded.get(c, 0))
                   for c, p in packs.items()}

        if "xlsx" not in formats:
            self.alert("Warning: the Excel pack renderer (packgen.render.excel) is not "
                       "installed; writing PDF and HTML packs only.")
        entries = self.entries
        to_render, skipped = [], []
        for code in selected:
            if code in failed:
                entries[code] = {**entries.get(code, {}), "status": "failed",
                                 "fingerprint": None, "stage": "model", "error": failed[code]}
                continue
            if _fresh(entries.get(code), fingerprint(base_print, code), run_dir, options.force) \
                    and entries[code].get("status") in ("built", "skipped"):
                skipped.append(code)
                entries[code]["status"] = "skipped"
            else:
                to_render.append(code)

        progress = Progress(len(to_render), quiet=options.quiet)
        built: list[str] = []

        def on_result(outcome: dict) -> None:
            code = outcome.pop("provider_code")
            ok = outcome["status"] == "built"
            stops_run = outcome.get("errno") in RUN_STOPPING_ERRNOS
            if ok:
                built.append(code)
                outcome["fingerprint"] = fingerprint(base_print, code)
            else:
                failed[code] = outcome["error"]
                # The earlier files are intact: keep their record so a re-run can find them
                # (a failed commit says what it left in place: the earlier files, put back).
                kept = dict(entries.get(code, {}).get("outputs", {}))
                for relative, checksum in outcome.pop("on_disk", {}).items():
                    if checksum is None:
                        kept.pop(relative, None)
                    else:
                        kept[relative] = checksum
                outcome.update(fingerprint=None, outputs=kept)
                if not stops_run:
                    progress.message(f"Error: provider {code} failed while rendering its "
                                     f"{outcome.get('stage')}: {outcome['error']}")
            entries[code] = outcome
            progress.advance(failed=not ok)
            if stops_run:  # every other pack would fail the same way: stop the run
                raise OSError(outcome["errno"], os.strerror(outcome["errno"]),
                              outcome.get("filename"))

        worker_count = max(1, options.workers or os.cpu_count() or 1)
        say(f"rendering {len(to_render)} provider pack{'s' * (len(to_render) != 1)} "
            f"({', '.join(formats)}) with {min(worker_count, max(1, len(to_render)))} "
            f"worker(s); {len(skipped)} unchanged and skipped")
        t = time.perf_counter()
        self.manifest["workers"] = worker_count
        if not workers.uses_pool(worker_count, len(to_render)) and to_render:
            con = open_store(self.db_path, read_only=True)
            try:
                source = replace(source, drill_rows=load_drill_rows(con, to_render))
            finally:
                con.close()
        self.writing = True
        # The regional and system packs need only the models: with a pool they are written
        # while the workers render (see `summary_packs`), else after the provider packs.
        self.summary_writer = summary_packs.Writer(
            _summary_jobs(run_dir, source, list(packs.values()), selected, base_print,
                          self.previous.get("summaries", {}), options.force, system_packs),
            run_dir, source.run, quality, system_packs)
        if workers.uses_pool(worker_count, len(to_render)):
            self.summary_writer.start()
        workers.render_all(to_render, source=source, db_path=self.db_path, run_dir=run_dir,
                           formats=formats, workers=worker_count, on_result=on_result)
        timings["render"] = time.perf_counter() - t
        for stage in ("model", *formats, "gc", "worker_start"):
            timings[f"render_cpu_{stage}"] = sum(entries[c]["seconds"].get(stage, 0.0)
                                                 for c in built)

        _write_national(run_dir, source, list(packs.values()), quality, base_print,
                        self.summaries, options, self.db_path, timings, system_packs)
        t = time.perf_counter()
        jobs = self.summary_writer.jobs
        if jobs:
            say(f"writing {sum(j.kind == 'region' for j in jobs)} regional and "
                f"{sum(j.kind == 'system' for j in jobs)} system pack(s) ...")
        self._record_summaries(self.summary_writer.finish())
        # regional and system packs: the wait after the provider packs, and their own time
        timings["regional"] = time.perf_counter() - t
        timings["regional_writing"] = self.summary_writer.seconds
        self.summary_writer = None
        self._collect_outputs()
        self.manifest["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        timings["total"] = time.perf_counter() - started
        path = write_manifest(run_dir, self.manifest)
        failed_selected = {c: e for c, e in failed.items() if c in selected}
        return BuildResult(run_dir, sorted(built), sorted(skipped), failed_selected,
                           timings["total"], timings, path)


def _national_print(base_print: str, source: PackSource, system_packs: frozenset[str]) -> str:
    # the Systems sheet and systems.csv give the path of the system packs present
    return fingerprint(base_print, "national", sorted(source.providers), sorted(system_packs))


def _region_print(base_print: str, source: PackSource, region: str,
                  system_packs: frozenset[str]) -> str:
    members = sorted(c for c, r in source.providers.items() if r["region_code"] == region)
    icbs = {source.providers[c].get("icb_code") for c in members}
    return fingerprint(base_print, "region", region, members, sorted(system_packs & icbs))


def _system_print(base_print: str, source: PackSource, icb: str) -> str:
    members = sorted(c for c, r in source.providers.items() if r.get("icb_code") == icb)
    return fingerprint(base_print, "system", icb, members)


def _systems_of(source: PackSource, selected: Sequence[str]) -> set[str]:
    """The ICBs of the selected providers (a provider with no ICB has no system pack)."""
    return {source.providers[c].get("icb_code") for c in selected} - {None, ""}


def _system_packs(run_dir: Path, source: PackSource, selected: Sequence[str],
                  previous: dict) -> frozenset[str]:
    """The bundle's ICBs whose system pack the run folder holds once this run is done: those
    of the selected providers (written or kept now) and those an earlier run wrote whose files
    are still there."""
    icbs = {r.get("icb_code") for r in source.providers.values()} - {None, ""}
    kept = {key.split("/", 1)[1] for key, entry in previous.get("summaries", {}).items()
            if key.startswith("systems/") and entry.get("outputs")
            and all((run_dir / path).is_file() for path in entry["outputs"])}
    return frozenset((_systems_of(source, selected) | kept) & icbs)


def _summaries_fresh(run_dir: Path, source: PackSource, selected: Sequence[str],
                     base_print: str, previous: dict, force: bool,
                     system_packs: frozenset[str]) -> bool:
    """Whether the national summary and the selected providers' regional and system packs are
    up to date (then the run needs no model but those it renders)."""
    done = previous.get("summaries", {})
    regions = {source.providers[c]["region_code"] for c in selected}
    return (_fresh(done.get("national"), _national_print(base_print, source, system_packs),
                   run_dir, force)
            and all(_fresh(done.get(f"regions/{r}"),
                           _region_print(base_print, source, r, system_packs), run_dir, force)
                    for r in regions)
            and all(_fresh(done.get(f"systems/{s}"), _system_print(base_print, source, s),
                           run_dir, force) for s in _systems_of(source, selected)))


def _write_national(run_dir: Path, source: PackSource, packs: list[Pack],
                    quality: dict[str, str], base_print: str, summaries: dict[str, dict],
                    options: BuildOptions, db_path: Path, timings: dict[str, float],
                    system_packs: frozenset[str]) -> None:
    """The national summary, results.csv and systems.csv (all providers; a pack path for the
    systems in `system_packs` only), skipped when its fingerprint and files are unchanged;
    `summaries` is updated when it is written."""
    t = time.perf_counter()
    print_ = _national_print(base_print, source, system_packs)
    if packs and not _fresh(summaries.get("national"), print_, run_dir, options.force):
        folder = run_dir / "national"
        workbook = national.write_national_workbook(folder / national.WORKBOOK_NAME, packs,
                                                    source.run, quality, source.providers,
                                                    system_packs)
        systems_csv = national.write_systems_csv(folder / national.SYSTEMS_CSV_NAME, packs,
                                                 source.providers, system_packs)
        con = open_store(db_path, read_only=True)
        try:
            export_csv(con, folder / national.RESULTS_CSV_NAME,
                       previous=source.previous.results if source.previous else None)
        finally:
            con.close()
        summaries["national"] = _summary_entry(
            run_dir, [workbook, folder / national.RESULTS_CSV_NAME, systems_csv], print_)
    timings["national"] = time.perf_counter() - t


def _summary_jobs(run_dir: Path, source: PackSource, packs: list[Pack], selected: list[str],
                  base_print: str, previous: dict[str, dict], force: bool,
                  system_packs: frozenset[str]) -> list[summary_packs.Job]:
    """The regional and system packs of the selected providers' regions and ICBs whose
    fingerprint or files changed (each checked to stay inside the run folder)."""
    jobs: list[summary_packs.Job] = []
    by_region = regional.packs_by_region(packs)
    for code in sorted({source.providers[c]["region_code"] for c in selected} & set(by_region)):
        print_ = _region_print(base_print, source, code, system_packs)
        if not _fresh(previous.get(f"regions/{code}"), print_, run_dir, force):
            for path in regional.region_paths(run_dir, code).values():
                inside(run_dir / "regions", path, f"region {code!r}")
            jobs.append(summary_packs.Job("region", code, by_region[code], print_))
    by_icb = totals.packs_by_icb(packs)
    for code in sorted(_systems_of(source, selected) & set(by_icb)):
        print_ = _system_print(base_print, source, code)
        if not _fresh(previous.get(f"systems/{code}"), print_, run_dir, force):
            for path in system.system_paths(run_dir, code).values():
                inside(run_dir / "systems", path, f"system (ICB) {code!r}")
            jobs.append(summary_packs.Job("system", code, by_icb[code], print_))
    return jobs
