"""`packgen categories`, `packgen explain` and `packgen compute`: the method, and running it."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import click

from packgen.categories import CategoryDef, DefinitionError, load_definitions
from packgen.categories.definition import SECTORS
from packgen.engine.params import PEER_MODES, ParameterError, RunParameters, lower_first, ordinal
from packgen.engine.params import run_parameters as parameters_of
from packgen.errors import PackgenError, writing_to

WARNINGS_SHOWN = 5  # validation warnings printed before '... and N more'


def _definitions() -> tuple[CategoryDef, ...]:
    try:
        return load_definitions()
    except DefinitionError as exc:
        raise PackgenError(str(exc), "fix the definition files listed above.") from exc


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.command("categories")
def categories() -> None:
    """List the categories of opportunity: id, code, title, sectors and components.

    \b
    Example:
        packgen categories
        packgen explain acute_cost
    """
    defs = _definitions()
    header = ("ID", "CODE", "SHORT TITLE", "SECTORS")
    rows = [header] + [(d.id, d.code, d.short_title, "all" if len(d.sectors) == len(SECTORS)
                        else ", ".join(s.replace("_", " ") for s in d.sectors)) for d in defs]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                   .rstrip())
    click.echo("\nEach category's title, components, method and SQL: packgen explain ID (or CODE).")


def _wrapped(text: str, indent: str = "  ") -> str:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(textwrap.fill(p, 96, initial_indent=indent, subsequent_indent=indent)
                       for p in paragraphs)


def _target_text(component, params: RunParameters) -> str:
    if component.target == "percentile":
        quantile = params.performance_percentile
        value_quantile = 1 - quantile if component.direction == "lower" else quantile
        return (f"{ordinal(quantile * 100)} percentile of performance among peers = the "
                f"{ordinal(value_quantile * 100)} percentile of values (linear, "
                "PERCENTILE.INC)")
    if component.target == "median":
        return "median of peers (linear, PERCENTILE.INC)"
    if component.target == "fixed_rate":
        return (f"the provider's own value reduced by run parameter '{component.rate_parameter}' "
                f"({params.value(component.rate_parameter):.0%})")
    return f"the standard {component.standard:g}"


def explain_text(d: CategoryDef, params: RunParameters | None = None) -> str:
    """Everything a reader needs to check a category: wording, components, overlaps, SQL."""
    params = params or RunParameters()
    lines = [f"{d.title} ({d.id}, {d.code})", f"Sectors: {', '.join(d.sectors)}",
             f"Sub-unit: {d.sub_unit_name}", "", "What it measures",
             _wrapped(params.prose(d.what_it_measures)), "", "Why it matters",
             _wrapped(params.prose(d.why_it_matters)), "", "How it is calculated",
             _wrapped(params.prose(d.how_calculated)), "", "Components"]
    for c in d.components:
        better = "lower is better" if c.direction == "lower" else "higher is better"
        lines += [
            f"  {c.id}: {c.title}" + (" [context: benchmarked, no opportunity]"
                                      if c.role == "context" else ""),
            f"    metric:     {c.metric_label} ({c.metric_unit}) = {c.numerator} / "
            f"{c.denominator}; {better}",
            f"    target:     {_target_text(c, params)}",
            f"    thresholds: at least {c.min_peers} peers with valid data; activity at least "
            f"{c.min_activity:,.0f}"
            + (f"; {lower_first(c.volume)} at least {c.min_volume:,.0f}" if c.min_volume else ""),
            f"    volume:     {c.volume}; native unit: {c.native_unit}",
            f"    unit value: {c.unit_value}" + (f" ({c.unit_value_label})"
                                                 if c.unit_value_label else ""),
            f"    formula:    {c.formula}",
        ]
    overlaps = ", ".join(d.overlaps_with) or "none declared"
    lines += ["", f"Overlaps with: {overlaps}", "", f"SQL: {d.sql}", "", d.sql_text().rstrip()]
    if d.drilldown_sql:
        lines += ["", f"Drill-down SQL: {d.drilldown_sql}", "",
                  d.drilldown_sql.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines)


@click.command("explain")
@click.argument("category")
def explain(category: str) -> None:
    """Show how CATEGORY (an id or a code, as packs print it) is measured: wording,
    components, thresholds, overlaps and its SQL.

    \b
    Example:
        packgen explain acute_cost
        packgen explain PG-AC-01
        packgen explain medicines | less
    """
    defs = {d.id: d for d in _definitions()}
    by_code = {d.code.upper(): d for d in defs.values()}  # packs print the code: PG-AC-01
    found = defs.get(category) or by_code.get(category.strip().upper())
    if found is None:
        raise PackgenError(f"unknown category '{category[:60]}'",
                           "give an id or a code from `packgen categories`, e.g. "
                           f"{next(iter(defs))} or {next(iter(by_code))}.")
    click.echo(explain_text(found))


PERCENTILE = click.FloatRange(50, 100, max_open=True)


def parameter_options(command):
    """The run parameters of `compute`, `build` and `check-plans`."""
    for option in reversed((
        click.option("--peers", type=click.Choice(PEER_MODES),
                     help="Peers: same sector (default), ERIC peer group, sector and region, or "
                          "a named list (--peer-list)."),
        click.option("--peer-list", metavar="CODES", help="Comma-separated ODS codes of the "
                     "peers, for --peers list."),
        click.option("--percentile", type=PERCENTILE, default=75.0, show_default=True,
                     help="Percentile of performance among peers used as the benchmark, from "
                          "50 up to (not including) 100; 75 is the NHS England benchmark."),
    )):
        command = option(command)
    return command


def verbose_option(command):
    return click.option("--verbose", "-v", is_flag=True,
                        help="List every validation warning and the time of each stage.")(command)


def run_parameters(peers: str | None, peer_list: str | None,
                   percentile: float) -> RunParameters:
    """The run parameters of the options; a contradiction between them is a usage error."""
    try:
        return parameters_of(peers, peer_list, percentile)
    except ParameterError as exc:
        raise click.UsageError(str(exc)) from exc


def say_warnings(warnings: Sequence[object], data_dir: Path, verbose: bool) -> None:
    """Validation warnings on stderr: a count and the first few (every one with --verbose)."""
    if not warnings:
        return
    count = len(warnings)
    _say(f"{count:,} validation warning{'s' * (count != 1)} in {data_dir}:")
    shown = warnings if verbose else warnings[:WARNINGS_SHOWN]
    for problem in shown:
        _say(f"  Warning: {problem}")
    if len(shown) < count:
        _say(f"  ... and {count - len(shown):,} more (--verbose lists them all, as does "
             f"packgen validate {data_dir}).")


@click.command("compute")
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="DuckDB store to load into (default: DATA_DIR/packgen.duckdb).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the finest-level result rows of every category to this CSV file.")
@parameter_options
@verbose_option
def compute(data_dir: Path, db_path: Path | None, csv_path: Path | None, peers: str | None,
            peer_list: str | None, percentile: float, verbose: bool) -> None:
    """Validate and load DATA_DIR, compute every category and print the national summary.

    The summary (stdout) gives, per category, the providers, the cells assessed and not
    assessed, and the opportunity in pounds and in native units. Progress goes to stderr.

    \b
    Example:
        packgen compute data/
        packgen compute data/ --csv output/results.csv
        packgen compute data/ --peers region --percentile 80
        packgen compute data/ --peers list --peer-list RAA,RAB,RAC,RAD,RAE
    """
    # Imported here so `packgen categories` and `--help` stay fast.
    from packgen.engine import compute as run_engine
    from packgen.engine.summary import export_csv, national_summary, render_summary
    from packgen.store import DEFAULT_DB_NAME, load_bundle, open_store

    params = run_parameters(peers, peer_list, percentile)
    defs = _definitions()
    db_path = db_path or data_dir / DEFAULT_DB_NAME
    with writing_to(db_path.parent, "--db"):
        loaded = load_bundle(data_dir, db_path, progress=_say)
        say_warnings(loaded.report.warnings, data_dir, verbose)
        _say(f"loaded {sum(loaded.rows.values()):,} rows in {loaded.seconds:.1f} s")
        con = open_store(db_path, read_only=False)
        try:
            _say("computing ...")
            timings = run_engine(con, params, defs)
            _say("computed in " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
            click.echo(render_summary(national_summary(con, defs)))
            click.echo(f"\nPeers: {params.peer_description()}; benchmark: "
                       f"{params.labels()['Benchmark']}.")
            if csv_path:
                with writing_to(csv_path.parent, "--csv"):
                    count = export_csv(con, csv_path)
                _say(f"wrote {count:,} result rows to {csv_path}")
        finally:
            con.close()
    size = db_path.stat().st_size / 1e6
    _say(f"store: {db_path} ({size:,.0f} MB; reused by build and check-plans while the bundle "
         "is unchanged; --db puts it elsewhere)")


COMMANDS = [categories, explain, compute]
