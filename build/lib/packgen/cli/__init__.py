"""The `packgen` command line: one thin click layer over the services.

Results go to stdout; progress and logs go to stderr. Exit codes: 0 success, 1 an expected error
(bad input, unknown provider; the message says what to do), 2 a usage error. `--debug` shows the
traceback of an unexpected error.

Each command group lives in its own module below and is registered here, so that the layer stays
thin and every module stays short.
"""

from __future__ import annotations

import importlib

import click

from packgen import __version__

# Modules that define a module-level COMMANDS list of click commands.
COMMAND_MODULES = (
    "packgen.cli.generate",  # generate-data
    "packgen.cli.data",  # validate, load, contract
    "packgen.cli.compute",  # categories, explain, compute
    "packgen.cli.build",  # build, check-plans
    "packgen.cli.importers",  # import
    "packgen.cli.assemble",  # assemble
)


class _Group(click.Group):
    """Click group that keeps expected errors short and shows tracebacks only with --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # unexpected: one line unless --debug
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(
                f"unexpected {type(exc).__name__}: {exc}\n"
                "Hint: run again with --debug for the traceback, and report it."
            ) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packgen")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """NHS productivity and efficiency opportunity packs, for every provider in one run.

    \b
    Example:
        packgen generate-data data/ --seed 2026
        packgen build data/ --out output/run
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(_name).COMMANDS:
        cli.add_command(_command)
