"""Render the data contract as Markdown (`docs/data-contract.md` is this function's output).

A test compares the committed file with `contract_markdown()`, so the document cannot drift from
the code. Regenerate it with `packgen contract --markdown > docs/data-contract.md`.
"""

from __future__ import annotations

from packgen import reference
from packgen.contract.columns import NA_LIKE
from packgen.contract.tables import TABLES, Column, Table
from packgen.contract.validate import CATEGORY_IDS

TYPE_NAMES = {"str": "text (code)", "int": "whole number", "float": "number", "bool": "true/false"}

CONVENTIONS = f"""\
## Conventions

- **One file per table.** A bundle is a folder with one file per table, named `<table>.csv` or
  `<table>.parquet` (not both). Other files in the folder get a warning and are ignored
  (`README*`, hidden files and `packgen.duckdb` are ignored silently).
- **CSV files** are comma-separated, with a header row, `"` for quoting, and UTF-8 text with or
  without a byte-order mark. A file that is not valid UTF-8 is an **error** naming the byte offset
  and line: packgen does not guess other encodings (a wrongly guessed `£` would pass silently);
  save the file as "CSV UTF-8".
- **Parquet files** use string columns for codes, integer or float columns for numbers, and
  boolean columns for flags; string columns are also accepted for numbers and flags and are
  parsed as CSV text is. A code stored as a number is an error (its leading zeros may be lost).
- **Codes are text, always.** Service code `110` and `0110` are different codes; surrounding
  spaces are stripped (real NCC files pad codes); codes are compared exactly (case-sensitive).
- **Missing is never zero.** In a number column, `*` (suppressed), a blank cell and the markers
  {", ".join(f"`{m}`" for m in NA_LIKE)} (any case) mean *missing*. Where a column allows
  missing values these cells are counted and reported as notes; other text (e.g. `12 beds`,
  `£1,200`) is also treated as missing, with a warning naming the cell. Where a column does not
  allow missing values, each such cell is an error.
- **Numbers** are plain: `1234.5`, `-3`, `1e6`; no thousands separators, currency signs or units.
  All numbers are loaded as floating point. `true/false` columns accept `true/false`, `yes/no`,
  `1/0`, `y/n`, `t/f` in any case.
- **Keys.** Each table has a key (the columns that identify a row); a key that appears twice is
  an error listing both lines.
- **References.** A column with a reference must hold codes of that set: `providers` (the
  bundle's own providers table), `medicines_reference` (its `vmp_code`s), `categories`
  ({", ".join(f"`{c}`" for c in CATEGORY_IDS)}) or a file in `reference_data/`.
- **Cross-table rules.** Each molecule in `medicines_reference` has exactly one best-value
  product; `unit_values` has a row for every key of `reference_data/unit_value_keys.csv`; tables
  of one sector should mention providers of that sector only (a warning otherwise).
- **Line numbers.** Problems name the file, the line a text editor shows (the header is line 1;
  a quoted cell spanning lines is counted as such) or, for Parquet, the 1-based row, and the
  column. `packgen validate DATA_DIR` lists them all; blank lines are skipped.
"""


def contract_markdown() -> str:
    """The whole data contract as a Markdown document."""
    parts = [
        "# packgen data contract\n",
        "Generated from `packgen/contract/tables.py` by `packgen contract --markdown`; do not "
        "edit by hand.\nThe stable interface (METHOD.md) fixes the names and the listed columns "
        "of `providers` and\n`ncc_costs`; everything else is packgen's own design.\n",
        _index(),
        CONVENTIONS,
        "## Tables\n",
    ]
    parts += [_table(t) for t in TABLES]
    return "\n".join(parts)


def _index() -> str:
    rows = ["| table | title | required | key |", "|---|---|---|---|"]
    rows += [f"| [`{t.name}`](#{t.name.replace('_', '-')}) | {t.title} | "
             f"{'required' if t.required else 'optional'} | {', '.join(t.key)} |" for t in TABLES]
    return "\n".join(rows) + "\n"


def _table(table: Table) -> str:
    sectors = "all" if len(table.sectors) == 5 else ", ".join(table.sectors)
    lines = [
        f"### {table.name}\n",
        f"**{table.title}.** {table.meaning}\n",
        f"- File: `{table.name}.csv` or `{table.name}.parquet`; "
        f"**{'required' if table.required else 'optional'}**",
        f"- Key: {', '.join(f'`{k}`' for k in table.key)}",
        f"- Providers: {sectors}",
    ]
    if table.source:
        lines.append(f"- Source: {table.source}")
    if table.used_by:
        lines.append(f"- Used by: {', '.join(f'`{u}`' for u in table.used_by)}")
    lines += [
        "",
        "| column | type | unit | required | missing allowed | constraints | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [_column_row(c) for c in table.columns]
    return "\n".join(lines) + "\n"


def _column_row(column: Column) -> str:
    cells = [
        f"`{column.name}`", TYPE_NAMES[column.type], column.unit,
        "yes" if column.required else "no", "yes" if column.nullable else "no",
        _constraints(column), column.meaning,
    ]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _constraints(column: Column) -> str:
    said = []
    if column.min_value is not None:
        said.append(">= 0" if column.min_value == 0 else f">= {column.min_value:g}")
    if column.positive:
        said.append("> 0")
    if column.choices:
        said.append("one of " + ", ".join(f"`{c}`" for c in column.choices))
    if column.ref in reference.REFERENCE_SETS:
        said.append(f"in `reference_data/{reference.REFERENCE_SETS[column.ref][0]}`")
    elif column.ref:
        said.append(f"in `{column.ref}`")
    return "; ".join(said)
