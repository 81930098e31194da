"""Parse one column of text by its contract type, with vectorised checks that name each bad cell.

Numbers: `*` (suppressed), blank and NA-like markers are *missing*, never zero: counted in a
nullable column, an error in a non-nullable one. Any other text (`1,234`, `£12`, `twelve`) is an
error naming the cell, in every column: read as missing it would silently lower a figure.
Every number comes out as Float64 (an `int` column is checked for whole values but keeps
Float64, so all numbers have one type downstream), and must lie in its column's plausible range.

Codes must match their column's pattern and text must fit its length limit; a cell that does not
is an error and comes out missing, so that no later check (or message) repeats it. A message
echoes at most 60 characters of a cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from packgen.contract.read import LINE, RawTable
from packgen.contract.report import FileSummary, Problem, clip, quoted
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
    return [Problem(file, line, column, message(quoted(raw)), hint, kind)
            for line, raw in bad.select(LINE, "raw").iter_rows()]


def value_problems(file: str, bad: pl.DataFrame, value: str, column: str,
                   message: Callable[[str], str], hint: Callable[[str], str],
                   kind: str) -> list[Problem]:
    """One problem per distinct bad value, at its first line, naming the other lines.

    `message(value)` is a sentence without its full stop (the other lines are added after it);
    it is given the value clipped to 60 characters, `hint` the value itself.
    """
    groups = bad.group_by(value, maintain_order=True).agg(
        pl.col(LINE).head(4).alias("lines"), pl.len().alias("n"))
    return [Problem(file, lines[0], column, f"{message(clip(str(code)))}{also_on(lines, n)}.",
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


def _parse_codes(file: str, cells: pl.DataFrame, column: Column) -> Found:
    """Text: required, one of the choices, a code of the pattern, not too long. A cell that
    breaks a rule comes out missing (after its error), so no later check sees it."""
    errors = []
    name, text = column.name, pl.col("text")
    if not column.nullable:
        errors += cell_problems(file, cells.filter(text.is_null()), name,
                                lambda _: f"is blank, but {name} is required on every row.",
                                f"fill in the {name} of this row, or remove the row.",
                                "blank")
    checks = cells.with_columns(
        bad_choice=text.is_not_null() & ~text.is_in(column.choices) if column.choices
        else pl.lit(False),
        bad_code=text.is_not_null() & ~text.str.contains(column.pattern.anchored)
        if column.pattern else pl.lit(False),
        too_long=text.str.len_chars() > column.length_limit if column.length_limit
        else pl.lit(False),
    )
    errors += value_problems(
        file, checks.filter("bad_choice"), "text", name,
        lambda v: f"'{v}' is not an allowed {name}",
        lambda v: f"use one of: {', '.join(column.choices)}.", "choice")
    if column.pattern:
        errors += value_problems(
            file, checks.filter("bad_code"), "text", name,
            lambda v: f"'{v}' is not a valid {name}: it must be {column.pattern.words}",
            lambda v: _code_hint(v, column), "bad_code")
    errors += cell_problems(
        file, checks.filter("too_long"), name,
        lambda v: f"{v} is too long: {name} holds at most {column.length_limit:,} characters.",
        "shorten the text; a cell this long is usually several cells run together (a missing "
        "quote or delimiter).", "too_long")
    bad = pl.col("bad_choice") | pl.col("bad_code") | pl.col("too_long")
    return (checks.select(pl.when(~bad).then(text).alias(name)).get_column(name),
            errors, [])


def _code_hint(code: str, column: Column) -> str:
    """'did you mean ...?' when spaces, case or a decimal '.0' are all that is wrong."""
    assert column.pattern is not None
    squeezed = re.sub(r"\s+", "", code)
    for near in (squeezed, squeezed.upper(), code.removesuffix(".0")):
        if near != code and re.fullmatch(column.pattern.regex, near):
            return f"did you mean '{near}'? Codes are compared exactly."
    return f"correct the {column.name}, or remove the row."


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
    errors += _range_problems(file, cells, column)
    if column.type == "int":
        errors += cell_problems(
            file, cells.filter(pl.col("value") != pl.col("value").round()), name,
            lambda v: f"{v} is not a whole number.",
            f"{name} counts whole {column.unit or 'units'}; correct the value.", "fractional")
    return cells.get_column("value").alias(name), errors, warnings


def _range_problems(file: str, cells: pl.DataFrame, column: Column) -> list[Problem]:
    """At most one error per number: negative, zero where positive, or out of the plausible
    range (which keeps a mistyped 1e17 from overflowing or a 1e20 from printing downstream)."""
    value, name = pl.col("value"), column.name
    low, high = column.min_value, column.max_value
    negative = value < 0 if low == 0 else pl.lit(False)
    not_positive = (value <= 0) & ~negative if column.positive else pl.lit(False)
    outside = pl.lit(False)
    if low is not None and low != 0:
        outside = outside | (value < low)
    if high is not None:
        outside = outside | (value > high)
    flagged = cells.with_columns(negative=negative, not_positive=not_positive,
                                 outside=outside & ~negative & ~not_positive)
    return [
        *cell_problems(file, flagged.filter("negative"), name, lambda v: f"{v} is negative.",
                       f"{name} cannot be negative; correct or remove the row.", "negative"),
        *cell_problems(file, flagged.filter("not_positive"), name,
                       lambda v: f"{v} is zero or less.",
                       f"{name} must be greater than zero"
                       + ("; leave it blank if unknown." if column.nullable
                          else "; correct the value."), "not_positive"),
        *cell_problems(file, flagged.filter("outside"), name,
                       lambda v: f"{v} is outside the plausible range of {name}: "
                       f"{plausible_range(column)}.",
                       f"correct the value (is it in {column.unit or 'the right unit'}, not "
                       "pence or thousands?); if it is right, the contract's range is too "
                       "narrow: tell the packgen maintainers.", "out_of_range"),
    ]


def plausible_range(column: Column, *, unit: bool = True) -> str:
    """'0 to 10,000,000,000 GBP', 'at most 1', '0.5 to 2 ratio' (for messages and the doc)."""
    low, high = column.min_value, column.max_value
    if column.positive and low in (None, 0):
        low = None  # said as '> 0' by the doc
    if low is None and high is None:
        return "any number"
    if high is None:
        text = f"at least {number_words(low)}"
    elif low is None:
        text = f"at most {number_words(high)}"
    else:
        text = f"{number_words(low)} to {number_words(high)}"
    return f"{text} {column.unit}" if column.unit and unit else text


def number_words(value: float) -> str:
    """1e10 -> '10,000,000,000'; 0.5 -> '0.5'."""
    return f"{value:,.12g}"
