"""Regional and system (ICB) packs of a build.

Each pack is a short PDF and a workbook made from the pack models the run builds before it
renders anything, so they need no provider pack to be finished. While worker processes render
the provider packs this process only waits for them; `Writer.start` writes the regional and
system packs in a thread meanwhile, filling the cores' idle moments (workers starting, the last
packs of a generation) instead of adding 40-odd documents to the end of the run. Without a pool
(one worker, as in tests) `Writer.finish` writes them in turn after the provider packs.

The collector is off while a pack renders and the run's models are frozen out of its sight, so
the one collection after each pack is cheap: its passes during WeasyPrint's layout otherwise
cost a third of a short PDF (the provider packs' workers do the same, see `run.workers`).
Files are written atomically: a stopped run leaves each pack as it was, or complete.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packgen.pack.model import Pack, RunInfo
from packgen.render import regional, system

FOLDERS = {"region": "regions", "system": "systems"}


@dataclass(frozen=True)
class Job:
    kind: str  # "region" or "system"
    code: str  # region code or ICB code
    packs: Sequence[Pack]
    fingerprint: str

    @property
    def key(self) -> str:
        """The job's entry in the manifest's summaries: regions/<code> or systems/<code>."""
        return f"{FOLDERS[self.kind]}/{self.code}"


def write_pack(job: Job, run_dir: Path, run: RunInfo, quality: Mapping[str, str],
               system_packs: Collection[str] | None = None) -> list[Path]:
    """One regional or system pack, with the collector off while it renders and one collection
    after it. A regional pack gives the path of the system packs in `system_packs` only."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        if job.kind == "system":
            paths = system.write_system_pack(run_dir, job.code, job.packs, run, quality)
        else:
            paths = regional.write_regional_pack(run_dir, job.code, job.packs, run, quality,
                                                 system_packs)
        return list(paths.values())
    finally:
        if collecting:
            gc.enable()
        gc.collect()


class Writer:
    """Writes the jobs' packs in a thread (`start`) or in turn (`finish` without `start`);
    `finish` returns [(job, paths)] of every pack written, and raises what the thread raised.
    `stop` (an interrupted run) lets the pack being written finish and writes no other."""

    def __init__(self, jobs: Sequence[Job], run_dir: Path, run: RunInfo,
                 quality: Mapping[str, str], system_packs: Collection[str] | None = None):
        self.jobs, self.run_dir, self.run, self.quality = list(jobs), run_dir, run, quality
        self.system_packs = system_packs  # the ICBs whose system pack the run folder holds
        self.written: list[tuple[Job, list[Path]]] = []
        self.seconds = 0.0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        if self.jobs:
            self._thread = threading.Thread(target=self._write, name="packgen-summary-packs",
                                            daemon=True)
            self._thread.start()

    def _write(self) -> None:
        started = time.perf_counter()
        gc.freeze()  # the run's models stay: collecting after each pack need not walk them
        try:
            for job in self.jobs:
                if self._stopping.is_set():
                    break
                self.written.append((job, write_pack(job, self.run_dir, self.run,
                                                     self.quality, self.system_packs)))
        except BaseException as exc:  # handed to the main thread by `finish`
            self._error = exc
        finally:
            gc.unfreeze()
            self.seconds = time.perf_counter() - started

    def finish(self) -> list[tuple[Job, list[Path]]]:
        if self._thread is None:
            self._write()
        else:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self.written

    def stop(self) -> list[tuple[Job, list[Path]]]:
        """Stop after the pack being written; the packs written so far."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
        return self.written
