"""`packgen validate`, `packgen load` and `packgen contract`: checking and loading input bundles."""

from __future__ import annotations

from pathlib import Path

import click

from packgen.contract.docs import contract_markdown
from packgen.contract.tables import TABLES
from packgen.contract.validate import validate_bundle
from packgen.errors import InputError, writing_to
from packgen.store import DEFAULT_DB_NAME, load_bundle

_DATA_DIR = click.Path(file_okay=False, path_type=Path)


@click.command()
@click.argument("data_dir", type=_DATA_DIR)
def validate(data_dir: Path) -> None:
    """Check every file of the bundle in DATA_DIR against the data contract.

    Lists every problem (file, line, column, what is wrong and what to do), then one summary
    line per file. Exits with status 1 when there are errors; warnings alone do not fail.

    \b
    Example:
        packgen validate data/
    """
    report = validate_bundle(data_dir)
    for line in report.lines():
        click.echo(line)
    for line in report.summary_lines():
        click.echo(line)
    if report.notes:
        click.echo("Notes:")
        for note in report.notes:
            click.echo(f"  {note}")
    if report.coverage:
        click.echo("What each category can assess:")
        for line in report.coverage:
            click.echo(f"  {line}")
    if not report.ok:
        count = len(report.errors)
        raise InputError(f"{count:,} problem{'s' * (count != 1)} in {data_dir}",
                         "fix the errors listed above (each names the file, line and column) and "
                         "run packgen validate again.")
    click.echo(f"OK: {data_dir} meets the data contract ({len(report.warnings):,} warning"
               f"{'s' * (len(report.warnings) != 1)}).")


@click.command()
@click.argument("data_dir", type=_DATA_DIR)
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"DuckDB file to write [default: DATA_DIR/{DEFAULT_DB_NAME}].")
def load(data_dir: Path, db_path: Path | None) -> None:
    """Validate the bundle in DATA_DIR and load it into a DuckDB store.

    The store is replaced as a whole, and only when the load succeeds. Prints the store's path
    and the rows of each table.

    \b
    Example:
        packgen load data/
        packgen load data/ --db output/store.duckdb
    """
    db_path = db_path or data_dir / DEFAULT_DB_NAME
    with writing_to(db_path.parent, "--db"):
        result = load_bundle(data_dir, db_path, progress=lambda m: click.echo(m, err=True))
    for problem in result.report.warnings[:20]:
        click.echo(f"Warning: {problem}", err=True)
    click.echo(str(result.db_path))
    for name, rows in result.rows.items():
        click.echo(f"{name}: {rows:,} row{'s' * (rows != 1)}")
    click.echo(f"loaded in {result.seconds:.2f} s", err=True)


@click.command()
@click.option("--markdown", is_flag=True, help="Print the full contract as Markdown.")
def contract(markdown: bool) -> None:
    """Show the data contract: every input table, its columns and rules.

    \b
    Example:
        packgen contract
        packgen contract --markdown > docs/data-contract.md
    """
    if markdown:
        click.echo(contract_markdown(), nl=False)
        return
    for table in TABLES:
        need = "required" if table.required else "optional"
        click.echo(f"{table.name}.csv ({need}; key {', '.join(table.key)}): {table.title}")
        for column in table.columns:
            flags = [column.type] + (["may be missing"] if column.nullable else [])
            flags += [] if column.required else ["optional column"]
            click.echo(f"    {column.name:<28} {', '.join(flags)}")


COMMANDS = [validate, load, contract]
