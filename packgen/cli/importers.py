"""`packgen import`: read real published files (NCC, ERIC, AmbSYS, SCMD, ODS, RCI) into a folder."""

from __future__ import annotations

import inspect
from pathlib import Path

import click

from packgen.errors import writing_to
from packgen.importers import SOURCES, import_source


@click.command("import")
@click.argument("source", type=click.Choice(sorted(SOURCES)))
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--into", "data_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Data folder to write the tables into (created if absent; other tables are "
                   "left alone).")
@click.option("--from", "period_from", metavar="YYYY-MM",
              help="First month to sum (ambsys, scmd). Default: the April of the latest "
                   "complete financial year in the file (11 months before --to if only --to "
                   "is given).")
@click.option("--to", "period_to", metavar="YYYY-MM",
              help="Last month to sum (ambsys, scmd). Default: the March of the latest "
                   "complete financial year in the file (the latest month if only --from is "
                   "given).")
@click.option("--period", metavar="TEXT",
              help="Period the files cover, recorded in import_log.csv (e.g. 2016/17), where "
                   "the file or its name does not say.")
@click.option("--apply-peer-groups", is_flag=True,
              help="eric: also write each trust's ERIC peer group and its sector into "
                   "providers.csv, for the trusts already listed there.")
def import_command(source: str, files: tuple[Path, ...], data_dir: Path,
                   period_from: str | None, period_to: str | None, period: str | None,
                   apply_peer_groups: bool) -> None:
    """Import published files of one SOURCE into the contract tables of DATA_DIR.

    Each import records, per table it writes, the publication, its period, the file name, its
    sha256 and the rows written in DATA_DIR/import_log.csv (a re-import of the same source
    replaces its rows), and keeps DATA_DIR/bundle_info.csv saying the folder holds real
    publications (Open Government Licence v3.0).
    """
    options = {"period_from": period_from, "period_to": period_to, "period": period}
    if apply_peer_groups:
        if source != "eric":
            raise click.UsageError("--apply-peer-groups goes with the eric source only")
        options["apply_peer_groups"] = True
    with writing_to(data_dir, "--into"):
        report = import_source(source, list(files), data_dir, **options)
    click.echo(report.render())


import_command.help = inspect.cleandoc(import_command.help or "") + "\n\n\b\nSources:\n" + (
    "\n".join(f"  {name:13} {text}" for name, (_, text) in SOURCES.items())) + (
    "\n\n\b\nExample:\n  packgen import ods etr.csv --into data/\n"
    "  packgen import eric ERIC-trust.csv --into data/ --apply-peer-groups\n"
    "  packgen import rci rci_2015_16_org.csv --into data/\n"
    "  packgen import ambsys AmbSYS.csv --into data/ --from 2024-04 --to 2025-03")

COMMANDS = [import_command]
