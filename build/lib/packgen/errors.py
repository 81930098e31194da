"""Expected errors: the user gets one clear message and a hint, exit code 1, no traceback."""

from __future__ import annotations

import click


class PackgenError(click.ClickException):
    """An expected failure (bad input, unknown provider, ...). Shown as 'Error: ...' + hint."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint

    def format_message(self) -> str:
        if self.hint:
            return f"{self.message}\nHint: {self.hint}"
        return self.message


class InputError(PackgenError):
    """An input file or bundle does not meet the data contract."""
