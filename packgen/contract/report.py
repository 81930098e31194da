"""What validation found: problems (errors, warnings), per-file summaries, the typed tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

# How many problems of one kind in one file are printed before "... and N more".
PRINT_LIMIT = 20
# How many characters of a cell a message echoes: a 10 MB cell is never printed whole.
SHOWN_CHARACTERS = 60


def clip(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`text`, or its first `limit` characters and '... (N characters)' when it is longer."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def quoted(text: str | None) -> str:
    """A cell as a message shows it: 'blank', or the value (clipped) in quotes."""
    if text is None or not text.strip():
        return "blank"
    return repr(clip(text))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the bundle, located as precisely as possible.

    `row` is the line number a user sees in a text editor (header = line 1) for CSV files, the
    1-based row number for Parquet files, and None for file-level problems.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    hint: str = ""
    kind: str = ""  # a short id of the check (e.g. "negative"), for grouping and tests

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"{'row' if self.file.endswith('.parquet') else 'line'} {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text


@dataclass
class FileSummary:
    """Rows read from one file and the cells treated as missing (never as zero)."""

    table: str
    file: str
    rows: int = 0
    suppressed: int = 0  # `*`
    blank: int = 0
    na_like: int = 0  # NA, N/A, null, NaN, `.`, `-`
    text: int = 0  # other text in a number column (each one is also a warning)

    @property
    def missing(self) -> int:
        return self.suppressed + self.blank + self.na_like + self.text

    def line(self) -> str:
        """E.g. 'ncc_costs.csv: 312,405 rows, 1,203 suppressed cells treated as missing'."""
        text = f"{self.file}: {self.rows:,} row{'' if self.rows == 1 else 's'}"
        kinds = [
            (self.suppressed, "suppressed (*)"),
            (self.blank, "blank"),
            (self.na_like, "NA-like"),
            (self.text, "text"),
        ]
        named = [f"{n:,} {label}" for n, label in kinds if n]
        if len(named) == 1 and self.suppressed:
            cells = "cell" if self.suppressed == 1 else "cells"
            return f"{text}, {self.suppressed:,} suppressed {cells} treated as missing"
        if named:
            text += f", {' + '.join(named)} cells treated as missing"
        return text


@dataclass
class ValidationReport:
    """Everything `validate_bundle` found, and the typed tables ready to load."""

    data_dir: Path
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # per category: whom it can assess and what is missing for the rest (real bundles are partial)
    coverage: list[str] = field(default_factory=list)
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    summaries: dict[str, FileSummary] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, problem: Problem) -> None:
        self.errors.append(problem)

    def warn(self, problem: Problem) -> None:
        self.warnings.append(problem)

    def lines(self, limit: int = PRINT_LIMIT) -> Iterator[str]:
        """Printable lines: errors then warnings, at most `limit` per file and kind."""
        for label, problems in (("Error", self.errors), ("Warning", self.warnings)):
            yield from _limited(label, problems, limit)

    def summary_lines(self) -> list[str]:
        return [s.line() for s in self.summaries.values()]


def _limited(label: str, problems: list[Problem], limit: int) -> Iterator[str]:
    totals = Counter((p.file, p.kind) for p in problems)
    shown: Counter[tuple[str, str]] = Counter()
    for problem in problems:
        group = (problem.file, problem.kind)
        shown[group] += 1
        if shown[group] <= limit:
            yield f"{label}: {problem}"
        elif shown[group] == limit + 1:
            more = totals[group] - limit
            yield f"{label}: {problem.file}: ... and {more:,} more of this kind in this file"
