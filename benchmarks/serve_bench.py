"""How fast `packgen serve` answers a planner who changes the peers or the percentile.

    .venv/bin/python -m benchmarks.serve_bench RUN [--provider ODS] [--requests 20] [--json]
                                                   [--screenshot docs/explorer.png]

Starts `packgen serve RUN` in a subprocess on a free port (its start-up is timed until the
overview answers), then times whole HTTP requests (request sent to last byte read, on one
kept-alive connection) in scenarios of `--requests` requests each, every request with a
parameter set not asked for before (so none is answered from the explorer's caches):

- percentile changes on the provider summary (/providers/ODS?percentile=P);
- peer and percentile changes on the acute cost page (peers cycling sector, region,
  peer_group; the largest table of sub-units);
- percentile changes on the HRG page of the provider's largest acute cell;
- the acute cost page asked for again (answered from the cache);
- percentile changes on the national overview (every provider recomputed).

Each scenario reports the median, min and max wall time, and the server process's mean CPU
time a request (from /proc), which other work on a shared machine disturbs less.

The provider is the acute trust with the largest opportunity unless `--provider`. Targets
(issue 19): median under 100 ms for a peer or percentile change, under 300 ms at the HRG level.
With --screenshot the acute cost page is photographed by headless Chromium (Playwright,
/usr/bin/chromium) for the README.

From Python: `bench(run_dir, requests=20)` -> {"scenarios": {name: stats in seconds}, ...};
`serving(run_dir)` is the server as a context manager (the browser tests use it).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from benchmarks.measure import stats

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# (scenario, target median in seconds or None)
TARGETS = {"percentile_provider": 0.1, "peers_category": 0.1, "percentile_hrg": 0.3,
           "cached_category": None, "percentile_national": None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 10 ms ticks)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def serving(run_dir: Path, timeout: float = 180) -> Iterator[tuple[int, float, int]]:
    """`packgen serve RUN` in a subprocess: (port, seconds until it answered, its pid) while
    it runs."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "packgen", "serve", str(run_dir),
                                    "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        try:
            while not _answers(port):
                if process.poll() is not None or time.perf_counter() - started > timeout:
                    log.seek(0)
                    raise RuntimeError(f"packgen serve did not start:\n{log.read()}")
                time.sleep(0.2)
            yield port, time.perf_counter() - started, process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            return get(connection, "/")[0] == 200
        finally:
            connection.close()
    except OSError:
        return False


def _csv(connection: http.client.HTTPConnection, path: str) -> list[dict]:
    status, body = get(connection, path)
    if status != 200:
        raise RuntimeError(f"GET {path}: HTTP {status}")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def _choose(connection: http.client.HTTPConnection, provider: str | None) -> tuple[str, str]:
    """(provider, its largest acute cell's sub-unit)."""
    if provider is None:
        acute = [r for r in _csv(connection, "/providers.csv?sort=-opportunity_gbp")
                 if r["sector"] == "acute"]
        provider = acute[0]["provider_code"]
    cells = [r for r in _csv(connection, f"/providers/{provider}/acute_cost.csv")
             if r["component"] == "cost_index" and r["assessed"] == "true"]
    cell = max(cells, key=lambda r: float(r["opportunity_gbp"]))
    return provider, cell["sub_unit"]


def scenarios(provider: str, cell: str, requests: int) -> dict[str, list[str]]:
    """Each scenario's paths; no two share a parameter set (percentiles 0.05 apart at least)."""
    modes = ("sector", "region", "peer_group")

    def percentile(scenario: int, i: int) -> str:
        return f"{50 + 0.05 * scenario + i * 45 / requests:.2f}"

    sub_unit = quote(cell, safe="")
    category = f"/providers/{provider}/acute_cost"
    return {
        "percentile_provider": [f"/providers/{provider}?percentile={percentile(1, i)}"
                                for i in range(requests)],
        "peers_category": [f"{category}?peers={modes[i % 3]}&percentile={percentile(2, i)}"
                           for i in range(requests)],
        "percentile_hrg": [f"{category}/{sub_unit}?percentile={percentile(3, i)}"
                           for i in range(requests)],
        "cached_category": [category] * requests,
        "percentile_national": [f"/?percentile={percentile(4, i)}" for i in range(requests)],
    }


def bench(run_dir: Path, provider: str | None = None, requests: int = 20,
          screenshot: Path | None = None) -> dict:
    with serving(run_dir) as (port, startup, pid):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        provider, cell = _choose(connection, provider)
        load = {"before": os.getloadavg()[0]}
        results: dict[str, dict] = {}
        for name, paths in scenarios(provider, cell, requests).items():
            samples = []
            cpu = cpu_seconds(pid)
            for path in paths:
                started = time.perf_counter()
                status, _body = get(connection, path)
                samples.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {status}")
            # the server's CPU time a request: less disturbed than wall time by other work
            results[name] = {**stats(samples),
                             "server_cpu_mean": (cpu_seconds(pid) - cpu) / len(paths)}
        load["after"] = os.getloadavg()[0]
        connection.close()
        if screenshot is not None:
            take_screenshot(f"http://127.0.0.1:{port}/providers/{provider}/acute_cost",
                            screenshot)
    return {"run": str(run_dir), "provider": provider, "cell": cell, "requests": requests,
            "startup_s": startup, "scenarios": results, "load_average": load,
            "targets": {name: {"target_s": target, "median_s": results[name]["median"],
                               "met": None if target is None
                               else results[name]["median"] < target}
                        for name, target in TARGETS.items()}}


def take_screenshot(url: str, path: Path) -> None:
    """The page in headless Chromium, 1200 x 900 CSS pixels, as PNG."""
    from playwright.sync_api import sync_playwright

    path.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(url)
            page.screenshot(path=str(path))
        finally:
            browser.close()


def format_table(report: dict) -> str:
    lines = [f"packgen serve {report['run']}: provider {report['provider']}, cell "
             f"{report['cell']}, {report['requests']} requests a scenario; start-up "
             f"{report['startup_s']:.1f} s; load average {report['load_average']['before']:.1f}"
             f" -> {report['load_average']['after']:.1f}", "",
             f"{'scenario':22} {'median':>9} {'min':>8} {'max':>9} {'server CPU':>11}  target"]
    for name, figures in report["scenarios"].items():
        target = report["targets"][name]
        met = "" if target["target_s"] is None else (
            f"< {target['target_s'] * 1000:.0f} ms: " + ("met" if target["met"] else "NOT met"))
        lines.append(f"{name:22} {figures['median'] * 1000:6.1f} ms {figures['min'] * 1000:5.1f} "
                     f"ms {figures['max'] * 1000:6.1f} ms {figures['server_cpu_mean'] * 1000:8.1f}"
                     f" ms  {met}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="a run folder of packgen build")
    parser.add_argument("--provider", help="ODS code (default: the acute trust with the "
                                           "largest opportunity)")
    parser.add_argument("--requests", type=int, default=20, help="requests per scenario")
    parser.add_argument("--screenshot", type=Path, help="write a PNG of the acute cost page")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    report = bench(args.run_dir, args.provider, args.requests, args.screenshot)
    print(json.dumps(report, indent=2) if args.json else format_table(report))
    return 0 if all(t["met"] is not False for t in report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
