"""A hand-rolled national render, used by `benchmarks.run` only while `packgen build` is missing.

Two worker processes (a ProcessPoolExecutor) each read the pack source from an already computed
store once, then build and render every provider's pack they are given (PDF, Excel, HTML). It
does not validate, load or compute (those are timed separately) and writes no national or
regional outputs, so it under-states a real `packgen build`.

    python -m benchmarks.national_fallback STORE OUT [--workers 2] [--provider CODE ...]
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from packgen.pack.build import PackSource, build_pack, load_source
from packgen.render import excel, pdf
from packgen.store import open_store

_SOURCE: dict[str, PackSource] = {}


def _load(store: Path) -> PackSource:
    con = open_store(store, read_only=True)
    try:
        return load_source(con)
    finally:
        con.close()


def _init(store: Path) -> None:
    _SOURCE["source"] = _load(store)


def _render(code: str, out_dir: Path) -> dict[str, float]:
    seconds = {}
    started = time.perf_counter()
    pack = build_pack(_SOURCE["source"], code)
    seconds["model"] = time.perf_counter() - started
    folder = out_dir / code
    folder.mkdir(parents=True, exist_ok=True)
    for fmt, write in (("pdf", pdf.write_pdf), ("xlsx", excel.write_workbook),
                       ("html", pdf.write_html)):
        started = time.perf_counter()
        write(pack, folder / f"{code}-opportunity-pack.{fmt}")
        seconds[fmt] = time.perf_counter() - started
    # WeasyPrint slows down in a long-lived process unless garbage is collected (PERFORMANCE.md).
    gc.collect()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--provider", action="append", default=[])
    args = parser.parse_args(argv)
    started = time.perf_counter()
    source = _load(args.store)
    codes = args.provider or sorted(source.providers)
    # Biggest packs first, so that no long pack is left running alone at the end.
    codes.sort(key=lambda c: -len(source.results.get(c, ())))
    load_seconds = time.perf_counter() - started
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(args.workers, mp_context=context, initializer=_init,
                             initargs=(args.store,)) as pool:
        per_pack = list(pool.map(_render, codes, [args.out] * len(codes)))
    totals = {k: sum(p[k] for p in per_pack) for k in per_pack[0]} if per_pack else {}
    json.dump({"providers": len(codes), "load_source": load_seconds,
               "render": time.perf_counter() - started - load_seconds,
               "cpu_seconds": totals}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
