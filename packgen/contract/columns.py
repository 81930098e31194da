"""Parse one column of text by its contract type, with vectorised checks that name each bad cell.

Numbers: `*` (suppressed), blank and NA-like markers are *missing*, never zero: counted in a
nullable column, an error in a non-nullable one. Any other text (`1,234`, `£12`, `twelve`) is an
error naming the cell, in every column: read as missing it would silently lower a figure.
Every number comes out as Float64 (an `int` column is checked for whole values but keeps
Float64, so all numbers have one type downstream).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from packgen.contract.read import LINE, RawTable
from packgen.contract.report import FileSummary, Problem
from packgen.contract.tables import Column

# Markers that mean "no value" in published NHS files (AmbSYS uses `.`, R writes NA).
NA_LIKE = ("na", "n/a", "n.a.", "#n/a", "null", "none", "nan", ".", "..", "-", "not applicable")
TRUE_WORDS = ("true", "yes", "y", "1", "t")
FALSE_WORDS = ("false", "no", "n", "0", "f")
DTYPES = {"str": pl.String, "int": pl.Float64, "float": pl.Float64, "bool": pl.Boolean}

Found = tuple[pl.Series, list[Problem], list[Problem]]  # typed values, errors, warnings


def parse_column(raw: RawTable, column: Column, summary: FileSummary) -> Found:
    """Typed values of `column` (named as in the contract), plus the errors and warnings found."""
    cells = raw.frame.select(
        pl.col(LINE), pl.col(column.name).alias("raw"),
        pl.col(column.name).str.strip_chars().alias("text"),
    ).with_columns(pl.when(pl.col("text") == "").then(None).otherwise("text").alias("text"))
    if column.type == "str":
        return _parse_codes(raw.file, cells, column)
    if column.type == "bool":
        return _parse_flags(raw.file, cells, column)
    return _parse_numbers(raw.file, cells, column, summary)


def cell_problems(file: str, bad: pl.DataFrame, column: str, message: Callable[[str], str],
                  hint: str, kind: str) -> list[Problem]:
    """One problem per bad cell; `bad` has LINE and `raw`."""
    return [Problem(file, line, column, message(_show(raw)), hint, kind)
            for line, raw in bad.select(LINE, "raw").iter_rows()]


def value_problems(file: str, bad: pl.DataFrame, value: str, column: str,
                   message: Callable[[str], str], hint: Callable[[str], str],
                   kind: str) -> list[Problem]:
    """One problem per distinct bad value, at its first line, naming the other lines.

    `message(value)` is a sentence without its full stop (the other lines are added after it).
    """
    groups = bad.group_by(value, maintain_order=True).agg(
        pl.col(LINE).head(4).alias("lines"), pl.len().alias("n"))
    return [Problem(file, lines[0], column, f"{message(str(code))}{also_on(lines, n)}.",
                    hint(code), kind)
            for code, lines, n in groups.select(value, "lines", "n").iter_rows()]


def also_on(lines: list[int], count: int) -> str:
    """' (also on lines 18, 19 and 4 more)' for a value found on several lines."""
    if count <= 1:
        return ""
    rest = ", ".join(str(n) for n in lines[1:])
    more = count - len(lines)
    tail = f" and {more:,} more" if more else ""
    return f" (also on line{'s' if count > 2 else ''} {rest}{tail})"


def _show(raw: str | None) -> str:
    return "blank" if raw is None or not raw.strip() else repr(raw)


def _parse_codes(file: str, cells: pl.DataFrame, column: Column) -> Found:
    errors = []
    if not column.nullable:
        errors += cell_problems(file, cells.filter(pl.col("text").is_null()), column.name,
                                lambda _: f"is blank, but {column.name} is required on every row.",
                                f"fill in the {column.name} of this row, or remove the row.",
                                "blank")
    if column.choices:
        bad = cells.filter(pl.col("text").is_not_null() & ~pl.col("text").is_in(column.choices))
        errors += value_problems(
            file, bad, "text", column.name, lambda v: f"'{v}' is not an allowed {column.name}",
            lambda v: f"use one of: {', '.join(column.choices)}.", "choice")
    return cells.get_column("text").alias(column.name), errors, []


def _parse_flags(file: str, cells: pl.DataFrame, column: Column) -> Found:
    word = pl.col("text").str.to_lowercase()
    flags = cells.with_columns(
        pl.when(word.is_in(TRUE_WORDS)).then(True)
        .when(word.is_in(FALSE_WORDS)).then(False).otherwise(None).alias("flag"))
    errors, warnings = [], []
    not_flag = flags.filter(pl.col("text").is_not_null() & pl.col("flag").is_null())
    problems = cell_problems(file, not_flag, column.name, lambda v: f"{v} is not true or false.",
                             "write true/false, yes/no, 1/0 or y/n.", "not_bool")
    (warnings if column.nullable else errors).extend(problems)
    if not column.nullable:
        errors += cell_problems(file, flags.filter(pl.col("text").is_null()), column.name,
                                lambda v: "is blank, but a true/false value is required.",
                                "write true or false.", "blank")
    return flags.get_column("flag").alias(column.name), errors, warnings


def _parse_numbers(file: str, cells: pl.DataFrame, column: Column, summary: FileSummary) -> Found:
    number = pl.col("text").cast(pl.Float64, strict=False)
    cells = cells.with_columns(
        pl.when(pl.col("text").is_null()).then(pl.lit("blank"))
        .when(pl.col("text") == "*").then(pl.lit("suppressed"))
        .when(pl.col("text").str.to_lowercase().is_in(NA_LIKE)).then(pl.lit("na_like"))
        .when(number.is_null() | ~number.is_finite()).then(pl.lit("text"))
        .otherwise(pl.lit("number")).alias("state"),
    ).with_columns(pl.when(pl.col("state") == "number").then(number).alias("value"))
    counts = dict(cells.group_by("state").len().iter_rows())
    errors: list[Problem] = []
    warnings: list[Problem] = []
    name = column.name
    if column.nullable:
        for state in ("suppressed", "blank", "na_like"):
            setattr(summary, state, getattr(summary, state) + counts.get(state, 0))
        # One rule for text in numbers, in every command: the suppression markers are missing
        # (counted); any other text is an error, never a silent gap ('1,234' read as missing
        # would quietly lower an opportunity).
        errors += cell_problems(
            file, cells.filter(pl.col("state") == "text"), name,
            lambda v: f"{v} is not a number.",
            "write a plain number (no thousands separators, £, % or units), or * / blank if "
            "the value is suppressed or unknown.", "not_number")
    else:
        required = f"{name} is required on every row (it cannot be missing)."
        for state, said in (("blank", "is blank; "), ("suppressed", "is suppressed (*); "),
                            ("na_like", "{} marks a missing value; "),
                            ("text", "{} is not a number; ")):
            errors += cell_problems(
                file, cells.filter(pl.col("state") == state), name,
                lambda v, said=said: said.format(v) + required,
                f"write the {name} ({column.unit}) as a plain number (no thousands separators, "
                "£ or units).", "not_number" if state == "text" else "missing_required")
    value = pl.col("value")
    if column.min_value is not None:
        errors += cell_problems(
            file, cells.filter(value < column.min_value), name,
            lambda v: f"{v} is negative." if column.min_value == 0
            else f"{v} is below the minimum {column.min_value:g}.",
            f"{name} cannot be {'negative' if column.min_value == 0 else 'that low'}; correct "
            "or remove the row.", "negative")
    if column.positive:
        below = value <= 0 if column.min_value is None else value == 0
        errors += cell_problems(
            file, cells.filter(below), name, lambda v: f"{v} is zero or less.",
            f"{name} must be greater than zero" + ("; leave it blank if unknown." if
                                                   column.nullable else "; correct the value."),
            "not_positive")
    if column.type == "int":
        errors += cell_problems(
            file, cells.filter(value != value.round()), name,
            lambda v: f"{v} is not a whole number.",
            f"{name} counts whole {column.unit or 'units'}; correct the value.", "fractional")
    return cells.get_column("value").alias(name), errors, warnings
