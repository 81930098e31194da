"""Render the data contract as Markdown (`docs/data-contract.md` is this function's output).

A test compares the committed file with `contract_markdown()`, so the document cannot drift from
the code. Regenerate it with `packgen contract --markdown > docs/data-contract.md`.

Each table's "Used by" comes from the category definitions (`CategoryDef.tables`: their
`sources` and `requires`) and the engine's productivity step, so a category added as a
definition file is listed under the tables it reads.
"""

from __future__ import annotations

from collections.abc import Sequence

from packgen import reference
from packgen.categories import CategoryDef, load_definitions
from packgen.contract.columns import NA_LIKE, plausible_range
from packgen.contract.report import SHOWN_CHARACTERS
from packgen.contract.tables import TABLES, Column, Table
from packgen.contract.validate import CATEGORY_IDS
from packgen.engine.run import PRODUCTIVITY_TABLES

TYPE_NAMES = {"str": "text (code)", "int": "whole number", "float": "number", "bool": "true/false"}

CONVENTIONS = f"""\
## Conventions

- **One file per table.** A bundle is a folder with one file per table, named `<table>.csv` or
  `<table>.parquet` (not both). Other files in the folder get a warning and are ignored
  (`README*`, hidden files and `packgen.duckdb` are ignored silently).
- **CSV files** are comma-separated, with a header row, `"` for quoting, and UTF-8 text with or
  without a byte-order mark. A file that is not valid UTF-8 is an **error** naming the byte offset
  and line: packgen does not guess other encodings (a wrongly guessed `£` would pass silently);
  save the file as "CSV UTF-8". Every line has as many cells as the header: a line with more
  or fewer cells is an **error** naming the line and both counts (blank lines are skipped).
- **Parquet files** use string columns for codes, integer or float columns for numbers, and
  boolean columns for flags; string columns are also accepted for numbers and flags and are
  parsed as CSV text is. A code stored as a number is an error (its leading zeros may be lost).
- **Codes are text, always.** Service code `110` and `0110` are different codes; surrounding
  spaces are stripped (real NCC files pad codes); codes are compared exactly (case-sensitive).
  Every code column has a pattern (its `code` constraint below, e.g. a provider code is 3 to 5
  capital letters or digits): a code that does not match, such as `R A A` or `../../x`, is an
  **error** naming the file, line, column, the pattern in words and the value.
- **Text has a length limit** (its constraint below; 500 characters unless the column says
  otherwise). Messages echo at most {SHOWN_CHARACTERS} characters of a cell and give the length of a
  longer one.
- **Missing is never zero.** In a number column, `*` (suppressed), a blank cell and the markers
  {", ".join(f"`{m}`" for m in NA_LIKE)} (any case) mean *missing*. Where a column allows
  missing values these cells are counted and reported as notes. Any other text (e.g. `12 beds`,
  `1,234`, `£12`, `3%`, `inf`) is an **error** naming the cell: read as missing it would
  silently lower a figure. Where a column does not allow missing values, each missing cell is an
  error too.
- **Numbers** are plain: `1234.5`, `-3`, `1e6`; no thousands separators, currency signs or units.
  All numbers are loaded as floating point. `true/false` columns accept `true/false`, `yes/no`,
  `1/0`, `y/n`, `t/f` in any case.
- **Plausible ranges.** Every number column has one (its constraint below, in the column's
  unit): a provider's money is at most £10bn a row, a market forces factor 0.5 to 2, staff at
  most 100,000 WTE, energy at most 10,000,000,000 kWh. A value outside is an **error** naming the
  cell and the range: nothing admitted can overflow a calculation or print an absurd figure.
- **Keys.** Each table has a key (the columns that identify a row); a key that appears twice is
  an error listing both lines.
- **References.** A column with a reference must hold codes of that set: `providers` (the
  bundle's own providers table), `medicines_reference` (its `vmp_code`s), `categories`
  ({", ".join(f"`{c}`" for c in CATEGORY_IDS)}) or a file in `reference_data/`. Rows of a
  provider that `providers` does not list (and `successors` does not map to one it lists) are
  left out, with one warning per file naming the codes.
- **Cross-table rules.** Each molecule in `medicines_reference` has exactly one best-value
  product; `unit_values` has a row for every key of `reference_data/unit_value_keys.csv`; tables
  of one sector should mention providers of that sector only (a warning otherwise). A warning
  counts, per file, the NCC rows with a cost but no activity (left out of unit costs, with the
  cost left out in £), and the department x currency pairs that only one provider has and
  `national_unit_costs` does not give (each is benchmarked against its own unit cost).
- **Line numbers.** Problems name the file, the line a text editor shows (the header is line 1;
  a quoted cell spanning lines is counted as such) or, for Parquet, the 1-based row, and the
  column. `packgen validate DATA_DIR` lists them all; blank lines are skipped.
"""


def contract_markdown() -> str:
    """The whole data contract as a Markdown document."""
    parts = [
        "# packgen data contract\n",
        "Generated from `packgen/contract/tables.py` by `packgen contract --markdown`; do not "
        "edit by hand.\nThe stable interface (docs/method.md) fixes the names and the listed "
        "columns of `providers` and\n`ncc_costs`; everything else is packgen's own design.\n",
        _index(),
        CONVENTIONS,
        "## Tables\n",
    ]
    users = table_users()
    parts += [_table(t, users[t.name]) for t in TABLES]
    return "\n".join(parts)


def table_users(defs: Sequence[CategoryDef] | None = None) -> dict[str, tuple[str, ...]]:
    """Each table's users: the categories that read it (`CategoryDef.tables`), in definition
    order, then `productivity_growth` where the engine's productivity step reads it."""
    defs = load_definitions() if defs is None else defs
    users: dict[str, list[str]] = {t.name: [] for t in TABLES}
    for d in defs:
        for name in d.tables:
            users.setdefault(name, []).append(d.id)
    for name in PRODUCTIVITY_TABLES:
        users[name].append("productivity_growth")
    return {name: tuple(ids) for name, ids in users.items()}


def _index() -> str:
    rows = ["| table | title | required | key |", "|---|---|---|---|"]
    rows += [f"| [`{t.name}`](#{t.name.replace('_', '-')}) | {t.title} | "
             f"{'required' if t.required else 'optional'} | {', '.join(t.key)} |" for t in TABLES]
    return "\n".join(rows) + "\n"


def _table(table: Table, users: Sequence[str]) -> str:
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
    if users:
        lines.append(f"- Used by: {', '.join(f'`{u}`' for u in users)}")
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
    if column.positive:
        said.append("> 0")
    if column.min_value is not None or column.max_value is not None:
        said.append(plausible_range(column, unit=False))
    if column.pattern:
        said.append(f"code `{column.pattern.regex}`: {column.pattern.words}")
    if column.length_limit:
        said.append(f"at most {column.length_limit:,} characters")
    if column.choices:
        said.append("one of " + ", ".join(f"`{c}`" for c in column.choices))
    if column.ref in reference.REFERENCE_SETS:
        said.append(f"in `reference_data/{reference.REFERENCE_SETS[column.ref][0]}`")
    elif column.ref:
        said.append(f"in `{column.ref}`")
    return "; ".join(said)
