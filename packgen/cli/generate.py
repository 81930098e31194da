"""`packgen generate-data`: write the built-in synthetic national dataset."""

from __future__ import annotations

import time
from pathlib import Path

import click

from packgen.errors import writing_to
from packgen.generate import generate_bundle
from packgen.generate.writer import FORMATS
from packgen.run import signals


@click.command("generate-data")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=2026, show_default=True,
              help="Random seed: the same seed and scale give the same bytes.")
@click.option("--scale", type=click.FloatRange(min=0.01, max=20.0), default=1.0,
              show_default=True,
              help="Multiplies the HRG rows per specialty (1.0: ~300k NCC rows; 5.5: ~1.7 "
                   "million, the size of the real organisation-level file). Providers stay 200.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="File format of the tables (plans.csv, the sample plan, is always CSV).")
@click.option("--previous-year", is_flag=True,
              help="Write last year's bundle instead: the same providers, values drifted, "
                   "for `packgen build --previous`.")
def generate_data(out_dir: Path, seed: int, scale: float, fmt: str,
                  previous_year: bool) -> None:
    """Write a synthetic but realistic national bundle to OUT_DIR.

    One file per table of the data contract: about 200 fictional providers (codes Z..,
    invented names) in the real mix of sectors, regions and peer groups, National Cost
    Collection rows calibrated to the 2023/24 national schedule, the prior period, staffing,
    corporate, estates, medicines, community, mental health and ambulance returns, unit values
    and a sample plans.csv. Existing files of the same tables are replaced.

    \b
    Example:
        packgen generate-data data/ --seed 2026
        packgen generate-data bench/ --scale 5.5 --format parquet
        packgen generate-data data-2023-24/ --seed 2026 --previous-year
    """
    started = time.perf_counter()
    # SIGTERM too removes what was written
    with signals.stop_signals(), writing_to(out_dir, "another OUT_DIR"):
        counts = generate_bundle(out_dir, seed=seed, scale=scale, fmt=fmt,
                                 progress=lambda message: click.echo(message, err=True),
                                 previous_year=previous_year)
    click.echo(str(out_dir))
    click.echo(f"{counts['providers']:,} providers, {counts['ncc_costs']:,} NCC rows, "
               f"{len(counts)} tables (seed {seed}, scale {scale:g}, {fmt}) in "
               f"{time.perf_counter() - started:.1f} s")


COMMANDS = [generate_data]
