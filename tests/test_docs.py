"""Every command is documented: --help with an example, and a line in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from packgen.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"packgen {name}" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name):
    assert f"`packgen {name}" in README


def test_readme_keeps_the_two_setup_commands():
    assert "make demo" in README and "make test" in README


def test_version_and_usage_errors():
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output.startswith("packgen, version ")
    assert runner.invoke(cli, ["no-such-command"]).exit_code == 2
