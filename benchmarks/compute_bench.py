"""How long `packgen.engine.compute` takes on a loaded store (median of repeated runs).

Two ways to get a store of a given size:
- `generated_store`: the built-in generator at a scale (5.5 gives ~1.7 million NCC rows, the size
  of the real organisation-level file), validated and loaded as `packgen compute` does;
- `synthetic_store`: any store whose `ncc_costs` is replaced by N rows made inside DuckDB from
  range() and hash() (fast, no files; for sizes the generator does not reach).

Usage (the store is kept in --work and reused when it exists):

    python -m benchmarks.compute_bench                     # default dataset (scale 1)
    python -m benchmarks.compute_bench --scale 5.5         # ~1.7 million NCC rows
    python -m benchmarks.compute_bench --synthetic 1700000 # the generator's small store + N rows
    python -m benchmarks.compute_bench --scale 5.5 --json  # machine-readable, for benchmarks.run

From Python: `bench_compute(db_path, repeat=3)` -> {"total": stats, "steps": {step: stats}}.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from benchmarks.measure import stats
from packgen.engine import RunParameters, compute
from packgen.store import load_bundle, open_store

DEFAULT_WORK = Path("output/bench/compute")


def _quiet(_message: str) -> None:
    pass


def generated_store(work: Path, scale: float = 1.0, seed: int = 2026) -> Path:
    """Generate (parquet) and load the built-in dataset at `scale`, unless already there."""
    from packgen.generate import generate_bundle

    data = work / f"generated-seed{seed}-scale{scale:g}"
    db_path = data / "packgen.duckdb"
    if not db_path.is_file():
        generate_bundle(data, seed=seed, scale=scale, fmt="parquet", progress=_quiet)
        load_bundle(data, db_path)
    return db_path


def synthetic_store(work: Path, ncc_rows: int = 1_700_000) -> Path:
    """The generator's smallest store, with `ncc_costs` replaced by `ncc_rows` rows made in DuckDB.

    Row i is provider i % P x department x service x currency (so keys never repeat), with
    hash-based activity (3% suppressed, 1% zero) and a cost that varies by provider, cell and
    currency as real costs do; all deterministic.
    """
    db_path = work / f"synthetic-{ncc_rows}.duckdb"
    if db_path.is_file():
        return db_path
    small = generated_store(work, scale=0.01)
    shutil.copyfile(small, db_path)
    con = open_store(db_path, read_only=False)
    try:
        con.execute("""
            create or replace table ncc_costs as
            with p as (
                select provider_code, mff, row_number() over (order by provider_code) - 1 as i
                from providers where sector in ('acute', 'specialist')
            ),
            d as (
                select department_code, row_number() over (order by department_code) - 1 as i
                from ref_departments where pod_group <> 'non_acute'
            ),
            s as (
                select service_code, row_number() over (order by service_code) - 1 as i
                from ref_treatment_functions
            ),
            sizes as (
                select (select count(*) from p) as np, (select count(*) from d) as nd,
                       (select count(*) from s) as ns
            ),
            keys as (
                select
                    r.range as n,
                    r.range % np as pi,
                    (r.range // np) % nd as di,
                    (r.range // (np * nd)) % ns as si,
                    r.range // (np * nd * ns) as ci
                from range($rows) as r, sizes
            ),
            valued as (
                select
                    p.provider_code, d.department_code, s.service_code,
                    'S' || lpad(cast(k.ci as varchar), 4, '0') as currency_code,
                    hash(k.n, 'a') % 1000 as roll,
                    1 + hash(k.n, 'b') % 300 as base_activity,
                    (80 + hash(d.department_code, k.ci) % 4000)
                        * (0.8 + (hash(p.provider_code) % 500) / 1000.0)
                        * (0.9 + (hash(k.n, 'c') % 200) / 1000.0) * p.mff as unit_cost
                from keys as k
                inner join p on p.i = k.pi
                inner join d on d.i = k.di
                inner join s on s.i = k.si
            )
            select
                provider_code, department_code, service_code, currency_code,
                case when roll < 30 then null when roll < 40 then 0.0
                     else cast(base_activity as double) end as activity,
                round(base_activity * unit_cost, 2) as actual_cost_gbp
            from valued
        """, {"rows": ncc_rows})
        # The small bundle's national schedule does not describe the synthetic currencies.
        con.execute("delete from national_unit_costs")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return db_path


def bench_compute(db_path: Path, repeat: int = 3, params: RunParameters | None = None) -> dict:
    """Run the engine `repeat` times on the store; median, min and max seconds, total (wall and
    process CPU) and per step (the engine's own wall timings), plus the number of NCC rows."""
    totals: list[float] = []
    # Process CPU seconds (all DuckDB threads): steadier than wall time on a shared machine.
    cpu: list[float] = []
    steps: dict[str, list[float]] = {}
    con = open_store(db_path, read_only=False)
    try:
        ncc_rows = con.execute("select count(*) from ncc_costs").fetchone()[0]
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            timings = compute(con, params)
            totals.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            for step, seconds in timings.items():
                steps.setdefault(step, []).append(seconds)
    finally:
        con.close()
    return {"db": str(db_path), "ncc_rows": ncc_rows, "total": stats(totals), "cpu": stats(cpu),
            "steps": {step: stats(values) for step, values in steps.items()}}


def render(result: dict) -> str:
    lines = [f"{result['db']}: {result['ncc_rows']:,} NCC rows; compute median "
             f"{result['total']['median']:.2f} s (min {result['total']['min']:.2f}, max "
             f"{result['total']['max']:.2f}, n={result['total']['n']}); CPU median "
             f"{result['cpu']['median']:.2f} s"]
    lines += [f"  {step:24} {s['median']:7.3f} s" for step, s in result["steps"].items()
              if step != "total"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="generator scale (1: default dataset; 5.5: ~1.7 million NCC rows)")
    parser.add_argument("--synthetic", type=int, metavar="ROWS",
                        help="use a synthetic ncc_costs of ROWS rows instead of the generator's")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                        help=f"folder for data and stores (default {DEFAULT_WORK})")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    db_path = (synthetic_store(args.work, args.synthetic) if args.synthetic
               else generated_store(args.work, args.scale))
    print(f"store ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    result = bench_compute(db_path, args.repeat)
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
