"""The `packgen` command line: one thin click layer over the services.

Results go to stdout; progress and logs go to stderr. Exit codes: 0 success, 1 an expected error
(bad input, unknown provider, a full disk; the message says what to do), 2 a usage error, 130
interrupted (Ctrl-C; 143 for SIGTERM). `--debug` shows the traceback of an unexpected error.

Each command group lives in its own module below and is registered here, so that the layer stays
thin and every module stays short.
"""

from __future__ import annotations

import importlib

import click

from packgen import __version__
from packgen.errors import PackgenError, os_error, quiet_unraisable_os_errors

# Modules that define a module-level COMMANDS list of click commands.
COMMAND_MODULES = (
    "packgen.cli.generate",  # generate-data
    "packgen.cli.data",  # validate, load, contract
    "packgen.cli.compute",  # categories, explain, compute
    "packgen.cli.build",  # build, check-plans
    "packgen.cli.importers",  # import
    "packgen.cli.assemble",  # assemble
    "packgen.cli.serve",  # serve
)


class _Group(click.Group):
    """Click group that maps library errors to messages and exit codes.

    `PackgenError`: "Error: message" and "Hint: hint", exit 1. An OSError a user can fix (a
    full disk, a read-only folder, an unreadable input, --out under a file): the same, naming
    the path. Ctrl-C or SIGTERM: "interrupted", exit 130 (143 for SIGTERM). Anything else is
    unexpected: one line, and the traceback with --debug.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except PackgenError as exc:
            _fail(exc)
        except KeyboardInterrupt as exc:
            click.echo("\ninterrupted: stopped early; finished outputs are kept and recorded, "
                       "so running the same command again continues.", err=True)
            ctx.exit(getattr(exc, "exit_code", 130))
        except Exception as exc:
            expected = os_error(exc)
            if expected is not None and not (ctx.obj and ctx.obj.get("debug")):
                _fail(expected)
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(
                f"unexpected {type(exc).__name__}: {exc}\n"
                "Hint: run again with --debug for the traceback, and report it."
            ) from exc


def _fail(error: PackgenError) -> None:
    click.echo(f"Error: {error.format_message()}", err=True)
    raise click.exceptions.Exit(error.exit_code)


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
    if not debug:
        quiet_unraisable_os_errors()


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(_name).COMMANDS:
        cli.add_command(_command)
