"""Measuring helpers for the benchmarks: statistics of repeated timings, a subprocess runner that
samples the memory of its whole process tree, and a description of the machine.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

LIBRARIES = ("packgen", "duckdb", "polars", "pyarrow", "openpyxl", "lxml", "weasyprint",
             "pydyf", "jinja2", "click")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Sampling costs CPU the measured run would use (scanning /proc; reading smaps_rollup walks the
# page tables of multi-GB processes): at 50 ms it took ~30% of a core, so sample every 0.2 s and
# read PSS on every 5th sample only.
MEMORY_SAMPLE_SECONDS = 0.2
PSS_EVERY = 5


def stats(samples: Sequence[float]) -> dict:
    """Median, min and max (seconds, or any unit) of repeated measurements, with the samples."""
    values = [float(v) for v in samples]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0, "samples": []}
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values), "samples": [round(v, 4) for v in values]}


@dataclass
class TreeRun:
    """One subprocess run: wall time, exit code, output, and the memory of its process tree."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    # Peak of the sum of the resident set sizes of the process and all its descendants, sampled
    # every MEMORY_SAMPLE_SECONDS (a shorter peak can be missed). Shared pages (forkserver
    # children share the preloaded modules) count once per process, so this over-states the
    # true total a little.
    peak_tree_rss_mb: float = 0.0
    # Peak of the sum of proportional set sizes (shared pages split between their users), sampled
    # less often: the closest figure to "what the run costs the machine".
    peak_tree_pss_mb: float = 0.0
    # ru_maxrss from wait4: the largest single process of the tree (reaped descendants included).
    max_single_rss_mb: float = 0.0
    processes_seen: int = 0
    samples: int = 0
    extra: dict = field(default_factory=dict)


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # the process ended meanwhile
            continue
        # The command name is in parentheses and may contain spaces: split after the last ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _descendants(root: int) -> list[int]:
    children = _children_map()
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def run_tree(command: Sequence[str], cwd: Path | None = None,
             env: dict[str, str] | None = None) -> TreeRun:
    """Run `command`, timing it and sampling the memory of its process tree until it ends."""
    peak_rss = peak_pss = 0
    seen: set[int] = set()
    sample_count = 0
    done = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        nonlocal peak_rss, peak_pss, sample_count
        while not done.is_set():
            pids = _descendants(process.pid)
            seen.update(pids)
            peak_rss = max(peak_rss, sum(_rss_bytes(p) for p in pids))
            if sample_count % PSS_EVERY == 0:
                peak_pss = max(peak_pss, sum(_pss_bytes(p) for p in pids))
            sample_count += 1
            done.wait(MEMORY_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # Read the pipes in threads, so a chatty child never blocks on a full pipe.
    output: dict[str, str] = {}
    readers = [threading.Thread(target=lambda n=name, s=stream: output.__setitem__(n, s.read()),
                                daemon=True)
               for name, stream in (("stdout", process.stdout), ("stderr", process.stderr))]
    for reader in readers:
        reader.start()
    # wait4, not wait: it returns this child's resource usage (ru_maxrss covers its reaped
    # descendants too), which getrusage(RUSAGE_CHILDREN) would mix with earlier runs.
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    for reader in readers:
        reader.join()
    return TreeRun(seconds, process.returncode, output.get("stdout", ""),
                   output.get("stderr", ""), peak_rss / 2**20, peak_pss / 2**20,
                   usage.ru_maxrss / 1024, len(seen), sample_count)


def machine() -> dict:
    """What the figures were measured on."""
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpu_count": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)),
            "cpu_model": cpu_model, "memory_gib": memory_gib, "platform": platform.platform(),
            "python": sys.version.split()[0], "libraries": versions, "git": _git()}


def _git() -> dict:
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
