"""CSV files of the explorer's tables: complete and raw (every row of the page's table, values
unrounded, in the page's order), written as `packgen compute --csv` writes its rows (booleans
`true`/`false`, a missing value empty).

Text that a spreadsheet would read as a formula (a cell starting with = + - @, a tab or a carriage
return: a provider name from a real file could) is neutralised with a leading apostrophe.
Numbers are written as numbers: a negative gap is a value, not a formula.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """One value as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """A header line and one line per row, with `columns` of each row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(c) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()
