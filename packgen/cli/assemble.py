"""`packgen assemble`: the built-in synthetic bundle with real national inputs where they fit.

A command of its own rather than a source of `packgen import`: it takes a folder rather than the
files of one source, generator options, and writes a whole new bundle rather than some tables.
"""

from __future__ import annotations

from pathlib import Path

import click

from packgen.errors import writing_to
from packgen.importers.mixed import assemble_bundle


@click.command("assemble")
@click.argument("real_data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--into", "data_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="New or empty folder to write the mixed bundle into.")
@click.option("--seed", type=int, default=2026, show_default=True,
              help="Random seed of the synthetic part.")
@click.option("--scale", type=click.FloatRange(min=0.01, max=20.0), default=1.0,
              show_default=True, help="Scale of the synthetic NCC rows (as generate-data).")
def assemble_command(real_data_dir: Path, data_dir: Path, seed: int, scale: float) -> None:
    """Write a mixed bundle: synthetic providers, real national inputs from REAL_DATA_DIR.

    Generates the built-in dataset, then reads every file of REAL_DATA_DIR with the importer
    that recognises it. The NCC national schedule replaces the national unit costs of the
    departments whose currencies it describes, and the ambulance See and Treat and See and
    Convey unit values. Files about real trusts (ERIC, AmbSYS, SCMD, ODS, NCC source data) are
    not used, because the bundle's providers are fictional: the report says so, file by file.
    bundle_info.csv says the bundle is mixed; import_log.csv lists which table came from where.

    \b
    Example:
        packgen assemble real-data/ --into mixed/ --scale 0.2
    """
    with writing_to(data_dir, "--into"):
        report = assemble_bundle(data_dir, real_data_dir, seed=seed, scale=scale,
                                 progress=lambda message: click.echo(message, err=True))
    click.echo(report.render())


COMMANDS = [assemble_command]
