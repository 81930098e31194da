"""`packgen build` (every provider's pack, national and regional outputs) and
`packgen check-plans` (2026/27 plans against the identified opportunities)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from packgen.cli.compute import parameter_options, run_parameters, say_warnings, verbose_option
from packgen.errors import PackgenError, writing_to
from packgen.store import DEFAULT_DB_NAME

_DATA_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
_FILE = click.Path(dir_okay=False, path_type=Path)


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.command("build")
@click.argument("data_dir", type=_DATA_DIR)
@click.option("--out", "run_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output/run"), show_default=True, help="Run folder to write.")
@click.option("--db", "db_path", type=_FILE, help=f"DuckDB store [default: RUN/{DEFAULT_DB_NAME}].")
@click.option("--provider", "providers", multiple=True, metavar="ODS",
              help="Build only this provider's pack (repeatable).")
@click.option("--region", "regions", multiple=True, metavar="CODE",
              help="Build the packs of this region's providers (repeatable), e.g. Y60.")
@click.option("--system", "systems", multiple=True, metavar="ICB",
              help="Build this integrated care board's system pack and its providers' packs "
                   "(repeatable), e.g. QZ1.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Processes rendering packs [default: every core].")
@click.option("--force", is_flag=True, help="Reload, recompute and rebuild everything.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress (for scripts); warnings and errors are still printed.")
@click.option("--previous", "previous_run",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Last year's run folder: packs show the change since it, and results.csv "
                   "gains previous_opportunity_gbp.")
@click.option("--formats", default="pdf,xlsx,html", show_default=True, metavar="LIST",
              help="Pack formats to write, comma-separated (e.g. xlsx for workbooks only).")
@parameter_options
@verbose_option
def build(data_dir: Path, run_dir: Path, db_path: Path | None, providers: tuple[str, ...],
          regions: tuple[str, ...], systems: tuple[str, ...], workers: int | None, force: bool,
          quiet: bool, previous_run: Path | None, formats: str, peers: str | None,
          peer_list: str | None, percentile: float, verbose: bool) -> None:
    """Build every provider's opportunity pack (PDF, Excel, HTML) from the bundle in DATA_DIR.

    Validates, loads and computes (reusing RUN/packgen.duckdb when it is up to date), renders
    the packs on every core, then writes the national summary (with systems.csv), the regional
    and system (ICB) packs and RUN/manifest.json (checksums, parameters, timings, per-provider
    status). Providers whose inputs and parameters have not changed since the last run are
    skipped unless --force.
    A provider that fails does not stop the run: it is named on stderr, its earlier files are
    kept, and the command exits with status 1 at the end.

    \b
    Example:
        packgen build data/ --out output/run
        packgen build data/ --out output/run --provider RAA --provider RAB
        packgen build data/ --out output/run --region Y60 --workers 2 --quiet
        packgen build data/ --out output/run --system QZ1
        packgen build data-2025/ --out run-2025 --formats xlsx
        packgen build data/ --out output/run --previous run-2025
    """
    from packgen.run.build import BuildOptions, run_build
    from packgen.run.workers import PACK_FORMATS

    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in PACK_FORMATS]
    if unknown or not wanted:
        raise click.BadParameter(f"use a comma-separated list of {', '.join(PACK_FORMATS)}",
                                 param_hint="--formats")
    params = run_parameters(peers, peer_list, percentile)
    options = BuildOptions(
        data_dir=data_dir, run_dir=run_dir, params=params, db_path=db_path,
        providers=tuple(p.strip() for p in providers),  # codes are compared exactly
        regions=tuple(r.strip().upper() for r in regions),
        systems=tuple(s.strip().upper() for s in systems), workers=workers, force=force,
        quiet=quiet, previous_run=previous_run, formats=wanted)
    with writing_to(run_dir, "--out", "--db"):
        # -q silences progress only: warnings and errors still reach stderr (`alert`)
        result = run_build(options, say=(lambda _m: None) if quiet else _say,
                           warn=lambda warnings: say_warnings(warnings, data_dir, verbose),
                           alert=_say)
    click.echo(f"providers: {len(result.built)} built, {len(result.skipped)} skipped "
               f"(unchanged), {len(result.failed)} failed")
    click.echo(f"output: {result.run_dir}")
    click.echo(f"manifest: {result.manifest_path}")
    click.echo(f"wall time: {result.seconds:.1f} s")
    if verbose:  # the timings are in the manifest too
        _say("time by stage: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items()))
    if result.failed:
        names = "; ".join(f"{code} ({error})" for code, error in sorted(result.failed.items()))
        count = len(result.failed)
        raise PackgenError(f"{count} provider{'s' * (count != 1)} failed: {names}",
                           "the other packs were written and the failed providers' earlier "
                           f"files were kept; see {result.manifest_path} for details, fix the "
                           "cause and run the same command again (finished packs are skipped).")


@click.command("check-plans")
@click.argument("data_dir", type=_DATA_DIR)
@click.argument("plans_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output/plan-checks"), show_default=True,
              help="Folder for the workbook and the regional PDFs.")
@click.option("--db", "db_path", type=_FILE,
              help=f"DuckDB store [default: DATA_DIR/{DEFAULT_DB_NAME}]; loaded and computed "
                   "first when missing or out of date.")
@click.option("--large-gbp", type=click.FloatRange(min=0), default=1_000_000, show_default=True,
              help="A category's opportunity is large from this many pounds ...")
@click.option("--large-share", type=click.FloatRange(min=0), default=0.5, show_default=True,
              help="... or from this % of the provider's cost base.")
@click.option("--requirement", type=click.FloatRange(min=0), default=2.0, show_default=True,
              help="Productivity requirement, % of cost base and % growth.")
@click.option("--no-pdf", is_flag=True, help="Write the workbook only.")
@parameter_options
@verbose_option
def check_plans(data_dir: Path, plans_file: Path, out_dir: Path, db_path: Path | None,
                large_gbp: float, large_share: float, requirement: float, no_pdf: bool,
                peers: str | None, peer_list: str | None, percentile: float,
                verbose: bool) -> None:
    """Check providers' 2026/27 plans in PLANS_FILE against the opportunities in their packs.

    PLANS_FILE has the columns of the contract's plans table (provider_code, category,
    planned_saving_gbp, planned_productivity_growth). Each plan, per provider, category,
    region and system (ICB), is placed against its range (from the total with overlaps
    removed at the peers' median to the upper bound): below (not ambitious enough), within,
    or above (check it can be delivered). Flags: plans below the requirement (saving under 2%
    of cost base; productivity growth under 2%), large opportunities with no plan (a provider
    with no plan is counted as such), plans above the identified opportunity. Writes
    OUT/plan-checks.xlsx, OUT/regions/<region>-plan-checks.pdf and
    OUT/systems/<ICB>-plan-checks.pdf; prints a summary.

    \b
    Example:
        packgen check-plans data/ data/plans.csv --out output/plan-checks
        packgen check-plans data/ plans.csv --large-gbp 500000 --large-share 0.25
    """
    from packgen.run import signals
    from packgen.run.check_plans import run_plan_checks
    from packgen.run.lock import run_lock
    from packgen.run.plans import Thresholds

    started = time.perf_counter()
    params = run_parameters(peers, peer_list, percentile)
    params = type(params)(**{**params.as_dict(), "requirement_rate": requirement / 100})
    db_path = db_path or data_dir / DEFAULT_DB_NAME
    thresholds = (large_gbp, large_share / 100, requirement / 100)
    with signals.stop_signals(), writing_to(out_dir, "--out", "--db"), \
            run_lock(out_dir, "packgen check-plans", _say):
        result = run_plan_checks(
            data_dir, plans_file, out_dir, db_path, params, Thresholds(*thresholds),
            pdf=not no_pdf, say=_say,
            warn=lambda warnings: say_warnings(warnings, data_dir, verbose))
    for line in result.summary:
        click.echo(line)
    click.echo(f"\nworkbook: {result.workbook}")
    if result.pdfs:
        click.echo(f"regional PDFs: {len(result.pdfs)} in {os.path.dirname(result.pdfs[0])}")
    _say(f"checked in {time.perf_counter() - started:.1f} s")


COMMANDS = [build, check_plans]
