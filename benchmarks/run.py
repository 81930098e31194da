"""`make bench`: time every stage of packgen on a national-scale dataset and check the targets.

    .venv/bin/python -m benchmarks.run [--scale 5.5] [--repeats 3] [--providers-sample 10]
                                       [--speedup-providers 12] [--national-repeats N]
                                       [--data DIR] [--keep-work] [--quick]

Stages (each a median of `--repeats` runs, with min and max, unless said otherwise):
generate (once), validate + load, compute, pack models (load_source + every build_pack), one
pack's PDF / Excel / HTML over a sample of providers of every sector, the full national run
(`packgen build --workers 2 --force` in a subprocess, wall time and peak memory of its process
tree), the speed-up of two workers over one on a subset of providers, one provider's pack
rebuilt with `--provider` from the loaded store, and the explorer (`packgen serve`) on the
national run: 20 peer or percentile changes a page (benchmarks/serve_bench.py).

Progress goes to stderr; a table of the figures and targets to stdout; everything to
benchmarks/results/bench-<timestamp>.json and benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import serve_bench
from benchmarks.measure import TreeRun, machine, run_tree, stats

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PROJECT_DIR = Path(__file__).resolve().parent.parent
PDF_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
MB_PER_GB = 1024

# (key in results, label, target, aim) - the targets, all "less than".
TARGETS = (
    ("compute_s", "compute, all categories x all providers", 5.0, None, "s"),
    ("pdf_s", "median PDF pack", 1.0, None, "s"),
    ("excel_s", "median Excel pack", 0.5, None, "s"),
    ("national_run_s", "full national run (2 workers)", 120.0, 60.0, "s"),
    ("national_peak_mb", "peak memory of the national run", 2 * MB_PER_GB, None, "MB"),
    ("single_provider_s", "one provider rebuilt (--provider)", 5.0, None, "s"),
    # issue 19: the explorer on the national run (benchmarks/serve_bench.py)
    ("serve_change_s", "explorer: peer or percentile change", 0.1, None, "s"),
    ("serve_hrg_s", "explorer: percentile change, HRG page", 0.3, None, "s"),
)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.5,
                        help="dataset scale for generate-data (5.5: ~1.7 million NCC rows)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each stage")
    parser.add_argument("--providers-sample", type=int, default=10,
                        help="providers (of every sector) whose packs are rendered and timed")
    parser.add_argument("--speedup-providers", type=int, default=12,
                        help="providers in the --workers 1 vs 2 comparison")
    parser.add_argument("--national-repeats", type=int, default=None,
                        help="runs of the full national build (default: --repeats)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the national run")
    parser.add_argument("--data", type=Path, default=None,
                        help="use this generated bundle instead of generating one (generate "
                             "is then not timed)")
    parser.add_argument("--builds-only", action="store_true",
                        help="with --data: only the `packgen build` stages (national run, "
                             "speed-up, one provider), skipping the in-process ones")
    parser.add_argument("--skip", action="append", default=[],
                        choices=("speedup", "single", "serve"),
                        help="leave out a build stage (repeatable)")
    parser.add_argument("--keep-work", action="store_true",
                        help="keep the work folder (data, stores, run outputs)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: scale 0.3, 1 repeat, 5 sampled providers, and the "
                             "'national' run on a 4-provider subset only")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.repeats, args.providers_sample, args.speedup_providers = 0.3, 1, 5, 4
    args.national_repeats = args.national_repeats or args.repeats
    if args.builds_only and args.data is None:
        parser.error("--builds-only needs --data")
    return args


# -- provider samples ----------------------------------------------------------------------------

def sample_providers(sectors: dict[str, str], count: int) -> list[str]:
    """`count` provider codes: one of every sector, the rest in proportion to the sectors' sizes
    (so the median is the national one: acute trusts, with the big HRG drill-downs, are half
    of all providers), spread evenly over each sector's codes."""
    by_sector: dict[str, list[str]] = {}
    for code in sorted(sectors):
        by_sector.setdefault(sectors[code], []).append(code)
    count = min(count, len(sectors))
    wanted = {sector: min(1, count) for sector in by_sector}
    spare = count - sum(wanted.values())
    if spare > 0:
        share = {s: spare * len(c) / len(sectors) for s, c in by_sector.items()}
        for sector in by_sector:
            wanted[sector] += int(share[sector])
        # Largest remainders take the seats left over.
        for sector in sorted(by_sector, key=lambda s: -(share[s] - int(share[s]))):
            if sum(wanted.values()) >= count:
                break
            wanted[sector] += 1
    chosen = []
    for sector, codes in sorted(by_sector.items()):
        q = min(wanted[sector], len(codes))
        chosen += [codes[int((i + 0.5) * len(codes) / q)] for i in range(q)]
    return chosen


# -- in-process stages ---------------------------------------------------------------------------

def time_generate(data_dir: Path, seed: int, scale: float) -> dict:
    from packgen.generate import generate_bundle

    started = time.perf_counter()
    counts = generate_bundle(data_dir, seed=seed, scale=scale, progress=lambda _m: None)
    return {"seconds": time.perf_counter() - started, "rows": counts}


def time_validate_load(data_dir: Path, work: Path, repeats: int) -> tuple[dict, Path]:
    """Validate, then load, `repeats` times into fresh store files; returns the last store."""
    from packgen.contract.validate import validate_bundle
    from packgen.store import load_bundle

    validate, load, total = [], [], []
    store = work / "loaded.duckdb"
    for i in range(repeats):
        target = work / f"load-{i}.duckdb"
        started = time.perf_counter()
        report = validate_bundle(data_dir)
        validated = time.perf_counter()
        load_bundle(data_dir, target, report=report)
        finished = time.perf_counter()
        validate.append(validated - started)
        load.append(finished - validated)
        total.append(finished - started)
        say(f"  validate {validate[-1]:.2f} s + load {load[-1]:.2f} s")
        if i < repeats - 1:
            target.unlink()
        else:
            target.replace(store)
        gc.collect()
    return {"validate_s": stats(validate), "load_s": stats(load),
            "validate_load_s": stats(total)}, store


def time_compute(loaded: Path, work: Path, repeats: int) -> tuple[dict, Path]:
    """`engine.compute` `repeats` times on a copy of the loaded store, through
    benchmarks/compute_bench.py (wall and process CPU, per step); returns the computed store."""
    from benchmarks.compute_bench import bench_compute

    store = work / "computed.duckdb"
    shutil.copyfile(loaded, store)
    result = bench_compute(store, repeat=repeats)
    say(f"  compute median {result['total']['median']:.2f} s (samples "
        f"{result['total']['samples']}), CPU {result['cpu']['median']:.2f} s")
    gc.collect()
    return {"compute_s": result["total"], "compute_cpu_s": result["cpu"],
            "compute_steps_s": {k: v["median"] for k, v in result["steps"].items()
                                if k != "total"}}, store


def time_pack_models(computed: Path, repeats: int) -> tuple[dict, object]:
    from packgen.pack.build import build_pack, load_source
    from packgen.store import open_store

    load, build, total = [], [], []
    source = None
    for _ in range(repeats):
        con = open_store(computed, read_only=True)
        try:
            started = time.perf_counter()
            source = load_source(con)
        finally:
            con.close()
        loaded = time.perf_counter()
        for code in sorted(source.providers):
            build_pack(source, code)
        finished = time.perf_counter()
        load.append(loaded - started)
        build.append(finished - loaded)
        total.append(finished - started)
        say(f"  load_source {load[-1]:.2f} s + {len(source.providers)} build_pack "
            f"{build[-1]:.2f} s")
        gc.collect()
    return {"load_source_s": stats(load), "build_all_packs_s": stats(build),
            "pack_models_s": stats(total), "providers": len(source.providers)}, source


def time_renders(source, codes: list[str], repeats: int, out: Path) -> dict:
    """Each sampled provider's pack rendered `repeats` times in each format (in this process).

    The first PDF and workbook of the process pay one-off costs (fonts, imports): rendered once
    untimed as a warm-up, and that cold time is reported apart.
    """
    from packgen.pack.build import build_pack
    from packgen.render import excel, pdf

    writers: dict[str, Callable] = {"pdf": pdf.write_pdf, "xlsx": excel.write_workbook,
                                    "html": pdf.write_html}
    out.mkdir(parents=True, exist_ok=True)
    cold = {}
    warm_pack = build_pack(source, codes[0])
    for fmt, write in writers.items():
        started = time.perf_counter()
        write(warm_pack, out / f"warmup.{fmt}")
        cold[fmt] = time.perf_counter() - started
    gc.collect()
    per_provider = []
    for code in codes:
        pack = build_pack(source, code)
        record = {"provider_code": code, "sector": source.providers[code]["sector"],
                  "result_rows": len(source.results.get(code, ())), "seconds": {},
                  "cpu_seconds": {}, "bytes": {}}
        for fmt, write in writers.items():
            path = out / f"{code}.{fmt}"
            samples, cpu = [], []
            for _ in range(repeats):
                started, cpu_started = time.perf_counter(), time.process_time()
                write(pack, path)
                samples.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                gc.collect()  # untimed; as the national run's workers do after each pack
            record["seconds"][fmt] = stats(samples)
            # CPU time of this process: less disturbed than wall time by other load on the
            # machine (rendering is single-threaded).
            record["cpu_seconds"][fmt] = stats(cpu)
            record["bytes"][fmt] = path.stat().st_size
        record["pdf_pages"] = pdf_page_count((out / f"{code}.pdf").read_bytes())
        say(f"  {code} ({record['sector']}, {record['pdf_pages']} pages): " + ", ".join(
            f"{fmt} {record['seconds'][fmt]['median']:.3f} s" for fmt in writers))
        per_provider.append(record)
    summary = {}
    for fmt in writers:
        # Median over providers of each provider's median; min/max over providers' medians.
        medians = [r["seconds"][fmt]["median"] for r in per_provider]
        summary[f"{fmt}_s"] = stats(medians)
        summary[f"{fmt}_cpu_s"] = stats([r["cpu_seconds"][fmt]["median"] for r in per_provider])
        summary[f"{fmt}_cold_s"] = cold[fmt]
    summary["pdf_pages"] = stats([r["pdf_pages"] for r in per_provider])
    summary["providers"] = per_provider
    return summary


def pdf_page_count(content: bytes) -> int:
    """Pages of a PDF whose page objects may sit in compressed object streams."""
    count = len(PDF_PAGE.findall(content))
    for stream in PDF_STREAM.findall(content):
        with contextlib.suppress(zlib.error):
            count += len(PDF_PAGE.findall(zlib.decompress(stream)))
    return count


# -- subprocess stages ---------------------------------------------------------------------------

def packgen_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "packgen", *args]


def provider_args(codes: list[str]) -> list[str]:
    return [arg for code in codes for arg in ("--provider", code)]


def _manifest_timings(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "manifest.json").read_text())["timings"]
    except (OSError, ValueError, KeyError):
        return {}


def _check(run: TreeRun, what: str) -> TreeRun:
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {run.returncode}):\n{run.stderr[-3000:]}")
    return run


def run_build(data_dir: Path, run_dir: Path, workers: int, *extra: str,
              allow_failure: bool = False) -> TreeRun:
    """`packgen build` in a subprocess. With `allow_failure`, a failed build is returned (its
    wall time and memory are still figures, flagged by `extra["error"]`) instead of raised."""
    command = packgen_command("build", str(data_dir), "--out", str(run_dir),
                              "--workers", str(workers), "--quiet", *extra)
    run = run_tree(command, cwd=PROJECT_DIR)
    if run.returncode != 0 and allow_failure:
        run.extra["error"] = f"exit {run.returncode}: {run.stderr.strip()[-2000:]}"
        say(f"  build FAILED ({run.extra['error'].splitlines()[0]}); its figures are kept")
    else:
        _check(run, " ".join(command[2:]))
    run.extra["timings"] = _manifest_timings(run_dir)
    return run


def tree_summary(runs: list[TreeRun]) -> dict:
    return {"wall_s": stats([r.seconds for r in runs]),
            "peak_tree_rss_mb": max(r.peak_tree_rss_mb for r in runs),
            "peak_tree_pss_mb": max(r.peak_tree_pss_mb for r in runs),
            "max_single_rss_mb": max(r.max_single_rss_mb for r in runs),
            "processes_seen": max(r.processes_seen for r in runs),
            "phases_s": {k: stats([r.extra.get("timings", {}).get(k) for r in runs
                                   if r.extra.get("timings", {}).get(k) is not None])["median"]
                         for k in runs[-1].extra.get("timings", {})}}


def time_national(data_dir: Path, run_dir: Path, workers: int, repeats: int,
                  subset: list[str] | None) -> dict:
    extra = provider_args(subset) if subset else []
    runs = []
    for _ in range(repeats):
        runs.append(run_build(data_dir, run_dir, workers, "--force", *extra,
                              allow_failure=True))
        say(f"  national run {runs[-1].seconds:.1f} s, peak tree RSS "
            f"{runs[-1].peak_tree_rss_mb:.0f} MB (PSS {runs[-1].peak_tree_pss_mb:.0f} MB)")
    failures = [r.extra["error"] for r in runs if "error" in r.extra]
    return {"method": "packgen build --force", "workers": workers,
            "providers": len(subset) if subset else "all", **tree_summary(runs),
            "failed_runs": failures}


def time_speedup(data_dir: Path, run_dir: Path, codes: list[str], repeats: int) -> dict:
    """The same subset built with one worker and with two (`--force`: load and compute included,
    so the end-to-end ratio is diluted; the render-phase ratio comes from the manifest)."""
    walls: dict[int, list[float]] = {1: [], 2: []}
    renders: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeats):
        for workers in (1, 2):
            run = run_build(data_dir, run_dir, workers, "--force", *provider_args(codes))
            walls[workers].append(run.seconds)
            if "render" in run.extra["timings"]:
                renders[workers].append(run.extra["timings"]["render"])
            say(f"  {len(codes)} providers, {workers} worker(s): {run.seconds:.1f} s "
                f"(render phase {run.extra['timings'].get('render', float('nan')):.1f} s)")
    wall = {w: stats(v) for w, v in walls.items()}
    render = {w: stats(v) for w, v in renders.items()}
    result = {"providers": codes, "wall_s": {str(w): s for w, s in wall.items()},
              "render_phase_s": {str(w): s for w, s in render.items()},
              "speedup_wall": wall[1]["median"] / wall[2]["median"]}
    if render[1]["n"] and render[2]["n"]:
        result["speedup_render_phase"] = render[1]["median"] / render[2]["median"]
    return result


def time_single_provider(data_dir: Path, run_dir: Path, code: str, repeats: int) -> dict:
    """One provider rebuilt from the loaded store of a previous run: its pack files are deleted
    (so it is not skipped as unchanged) and `packgen build --provider CODE` runs without
    --force (which would reload the store). Includes the interpreter's start-up and imports."""
    from packgen.run.workers import PACK_FORMATS, pack_path

    runs = []
    for _ in range(repeats):
        for fmt in PACK_FORMATS:
            pack_path(run_dir, code, fmt).unlink(missing_ok=True)
        runs.append(run_build(data_dir, run_dir, 1, *provider_args([code])))
        timings = runs[-1].extra["timings"]
        if "validate_and_load" in timings or "compute" in timings:
            raise RuntimeError("the store was reloaded: the single-provider figure would not be "
                               "'from a loaded store'")
        say(f"  {code} rebuilt in {runs[-1].seconds:.2f} s")
    return {"provider_code": code, **tree_summary(runs)}


# -- report --------------------------------------------------------------------------------------

def headline(results: dict) -> dict[str, float | None]:
    def median(*path: str) -> float | None:
        node = results
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node["median"] if isinstance(node, dict) else node

    national = results.get("national_run", {})
    # Only a run over every provider answers the national targets (--quick runs a subset).
    full = national.get("providers") == "all"
    return {
        "generate_s": median("generate", "seconds"),
        "validate_load_s": median("validate_load", "validate_load_s"),
        "compute_s": median("compute", "compute_s"),
        "pack_models_s": median("pack_models", "pack_models_s"),
        "pdf_s": median("renders", "pdf_s"),
        "excel_s": median("renders", "xlsx_s"),
        "html_s": median("renders", "html_s"),
        "national_run_s": median("national_run", "wall_s") if full else None,
        "national_peak_mb": national.get("peak_tree_rss_mb") if full else None,
        "speedup_two_workers": median("speedup", "speedup_wall"),
        "speedup_render_phase": median("speedup", "speedup_render_phase"),
        "single_provider_s": median("single_provider", "wall_s"),
        # the slower of the provider summary's and the acute cost page's medians
        "serve_change_s": max((m for m in (median("serve", "scenarios", "percentile_provider"),
                                           median("serve", "scenarios", "peers_category"))
                               if m is not None), default=None),
        "serve_hrg_s": median("serve", "scenarios", "percentile_hrg"),
    }


def evaluate_targets(figures: dict) -> list[dict]:
    rows = []
    for key, label, limit, aim, unit in TARGETS:
        value = figures.get(key)
        rows.append({"key": key, "label": label, "value": value, "unit": unit, "target": limit,
                     "aim": aim, "met": None if value is None else value < limit,
                     "aim_met": None if value is None or aim is None else value < aim})
    return rows


def format_table(report: dict) -> str:
    figures, results = report["headline"], report["results"]
    national = results.get("national_run", {})
    lines = [f"packgen benchmark {report['started_at']}  (scale {report['options']['scale']}, "
             f"{report['dataset'].get('ncc_rows') or 0:,} NCC rows, "
             f"{report['dataset'].get('providers', '?')} providers, "
             f"{report['machine']['cpus_usable']} CPUs)", ""]
    extra = [("generate (once)", "generate_s", "s"), ("validate + load", "validate_load_s", "s"),
             ("pack models (load_source + all)", "pack_models_s", "s"),
             ("median HTML pack", "html_s", "s"),
             ("speed-up, 2 workers vs 1 (end to end)", "speedup_two_workers", "x"),
             ("speed-up, 2 workers vs 1 (render phase)", "speedup_render_phase", "x")]
    lines.append(f"{'measure':44} {'median':>9} {'min':>8} {'max':>8}  {'target':17} met")
    for row in report["targets"]:
        spread = _spread(results, row["key"])
        target = f"< {row['target']:g} {row['unit']}" + (f" (aim {row['aim']:g})"
                                                         if row["aim"] else "")
        met = {True: "yes", False: "NO", None: "n/a"}[row["met"]]
        if row["aim_met"] is not None:
            met += " (aim met)" if row["aim_met"] else " (aim not met)"
        lines.append(f"{row['label']:44} {_fmt(row['value'], row['unit']):>9} "
                     f"{spread[0]:>8} {spread[1]:>8}  {target:17} {met}")
    for label, key, unit in extra:
        spread = _spread(results, key)
        lines.append(f"{label:44} {_fmt(figures.get(key), unit):>9} {spread[0]:>8} "
                     f"{spread[1]:>8}")
    if national:
        lines += ["", f"national run: {national.get('method')}; "
                      f"{national.get('providers')} providers, {national.get('workers')} workers; "
                      f"peak tree PSS {national.get('peak_tree_pss_mb', 0):.0f} MB, largest "
                      f"process {national.get('max_single_rss_mb', 0):.0f} MB"]
    for failure in national.get("failed_runs", []):
        lines.append(f"national run FAILED (wall time and memory up to the failure are shown): "
                     f"{failure.splitlines()[0]} {' '.join(failure.splitlines()[1:2])}")
    for stage, error in report.get("errors", {}).items():
        lines.append(f"ERROR in {stage}: {error.strip().splitlines()[-1]}")
    return "\n".join(lines)


_SPREAD_PATHS = {
    "generate_s": None, "validate_load_s": ("validate_load", "validate_load_s"),
    "compute_s": ("compute", "compute_s"), "pack_models_s": ("pack_models", "pack_models_s"),
    "pdf_s": ("renders", "pdf_s"), "excel_s": ("renders", "xlsx_s"),
    "html_s": ("renders", "html_s"), "national_run_s": ("national_run", "wall_s"),
    "single_provider_s": ("single_provider", "wall_s"),
}


def _spread(results: dict, key: str) -> tuple[str, str]:
    path = _SPREAD_PATHS.get(key)
    node = results
    for part in path or ():
        node = node.get(part, {}) if isinstance(node, dict) else {}
    if not path or not isinstance(node, dict) or node.get("min") is None:
        return "", ""
    unit = "MB" if key.endswith("_mb") else "s"
    return _fmt(node["min"], unit), _fmt(node["max"], unit)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def write_report(report: dict, stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    report["headline"] = headline(report["results"])
    report["targets"] = evaluate_targets(report["headline"])
    text = json.dumps(report, indent=2, default=str) + "\n"
    path = RESULTS_DIR / f"bench-{stamp}.json"
    for target in (path, RESULTS_DIR / "latest.json"):
        with tempfile.NamedTemporaryFile("w", dir=RESULTS_DIR, delete=False,
                                         suffix=".part") as handle:
            handle.write(text)
        os.replace(handle.name, target)
    return path


# -- main ----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started_at = datetime.now(UTC)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    work = RESULTS_DIR / f"work-{stamp}"
    work.mkdir(parents=True)
    report: dict = {"started_at": started_at.isoformat(timespec="seconds"),
                    "options": {k: (str(v) if isinstance(v, Path) else v)
                                for k, v in vars(args).items()},
                    "machine": machine(), "dataset": {}, "results": {}, "errors": {},
                    "load_average": {}}
    results = report["results"]

    def stage(name: str, action: Callable[[], object]) -> object:
        say(f"{name} ...")
        # Other work on the machine slows every figure: record how busy it was around each stage.
        report["load_average"][name] = {"before": os.getloadavg()[0]}
        try:
            return action()
        except Exception:
            report["errors"][name] = traceback.format_exc()
            say(f"{name} FAILED:\n{report['errors'][name]}")
            return None
        finally:
            report["load_average"][name]["after"] = os.getloadavg()[0]
            write_report(report, stamp)  # partial results survive a later failure

    try:
        data_dir = args.data or work / "data"
        if args.data is None:
            generated = stage("generate", lambda: time_generate(data_dir, args.seed, args.scale))
            if generated is None:
                return 1
            results["generate"] = {"seconds": generated["seconds"]}
            report["dataset"] = {"ncc_rows": generated["rows"]["ncc_costs"],
                                 "providers": generated["rows"]["providers"],
                                 "rows": generated["rows"]}
        if args.builds_only:
            sectors = _sectors(data_dir)
            computed_store = None
            report["dataset"] = {"providers": len(sectors)}
        else:
            computed_store = _in_process_stages(args, data_dir, work, report, stage)
            if computed_store is None:
                return 1
            sectors = report.pop("sectors")

        subset = sample_providers(sectors, args.speedup_providers)
        national_subset = subset if args.quick else None
        run_dir = work / "run"
        if run_dir.exists():
            shutil.rmtree(run_dir)
        national = stage("national run", lambda: time_national(
            data_dir, run_dir, args.workers, args.national_repeats, national_subset))
        if national is not None:
            results["national_run"] = national
        speedup = None if "speedup" in args.skip else stage("speed-up", lambda: time_speedup(
            data_dir, work / "run-subset", subset, args.repeats))
        if speedup is not None:
            results["speedup"] = speedup
        single = None if "single" in args.skip else stage(
            "single provider",
            lambda: time_single_provider(data_dir, run_dir, subset[0], args.repeats))
        if single is not None:
            results["single_provider"] = single
        served = None if "serve" in args.skip else stage(
            "explorer", lambda: serve_bench.bench(run_dir, requests=20))
        if served is not None:
            results["serve"] = served
    finally:
        report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        path = write_report(report, stamp)
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    print(format_table(report))
    print(f"\nresults: {path.relative_to(PROJECT_DIR)} (and latest.json)")
    return 1 if report["errors"] else 0


def _in_process_stages(args: argparse.Namespace, data_dir: Path, work: Path, report: dict,
                       stage: Callable) -> Path | None:
    """Validate + load, compute, pack models and renders; returns the computed store."""
    results = report["results"]
    loaded = stage("validate + load", lambda: time_validate_load(data_dir, work, args.repeats))
    if loaded is None:
        return None
    results["validate_load"], loaded_store = loaded
    computed = stage("compute", lambda: time_compute(loaded_store, work, args.repeats))
    if computed is None:
        return None
    results["compute"], computed_store = computed
    modelled = stage("pack models", lambda: time_pack_models(computed_store, args.repeats))
    if modelled is None:
        return None
    results["pack_models"], source = modelled
    if not report["dataset"]:
        report["dataset"] = {"providers": len(source.providers),
                             "ncc_rows": _ncc_rows(computed_store)}
    report["sectors"] = {code: row["sector"] for code, row in source.providers.items()}
    sample = sample_providers(report["sectors"], args.providers_sample)
    rendered = stage("per-pack renders", lambda: time_renders(
        source, sample, args.repeats, work / "renders"))
    if rendered is not None:
        results["renders"] = rendered
    return computed_store


def _sectors(data_dir: Path) -> dict[str, str]:
    """provider code -> sector, read from the bundle's providers file (CSV or parquet)."""
    import polars as pl

    path = next(iter(sorted(Path(data_dir).glob("providers.*"))))
    frame = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(
        path, infer_schema=False)
    return dict(zip(frame["provider_code"], frame["sector"], strict=True))


def _ncc_rows(store: Path) -> int:
    from packgen.store import open_store

    con = open_store(store, read_only=True)
    try:
        return con.execute("select count(*) from ncc_costs").fetchone()[0]
    finally:
        con.close()


if __name__ == "__main__":
    raise SystemExit(main())
