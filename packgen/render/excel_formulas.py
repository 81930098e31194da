"""The live Excel formula that recomputes a result row's opportunity from the cells of its row.

The engine names each row's recomputation with a `formula_id` (`lower_is_better`,
`higher_is_better`, `resource_released`; `context` and `not_assessed` for rows that carry no
opportunity by rule). The workbook writes the template of that id over the row's own cells, so a
finance reader sees the arithmetic rather than trusting it; the engine's `formula` text says the
same in words beside it. Only these fixed templates reach a cell: text from data never does.
"""

from __future__ import annotations

ROW_FIELDS = ("metric", "benchmark", "volume", "unit_value")

# formula_id -> Excel template over the row's cells; None: the row carries no opportunity by rule
# (a context measure, or a row not assessed), so nothing is recomputed and no check is written.
EXCEL_TEMPLATES: dict[str, str | None] = {
    "lower_is_better": "=MAX(0,{metric}-{benchmark})*{volume}*{unit_value}",
    "higher_is_better": "=MAX(0,{benchmark}-{metric})*{volume}*{unit_value}",
    # WTE released at the benchmark rate: WTE - activity / benchmark.
    "resource_released": "=MAX(0,{volume}*(1-{metric}/{benchmark}))*{unit_value}",
    "context": None,
    "not_assessed": None,
}
NO_OPPORTUNITY = frozenset(k for k, v in EXCEL_TEMPLATES.items() if v is None)


def template_for(formula_id: str) -> str | None:
    """The Excel template of an engine formula id; None for ids that carry no opportunity.

    >>> template_for("lower_is_better")
    '=MAX(0,{metric}-{benchmark})*{volume}*{unit_value}'
    """
    try:
        return EXCEL_TEMPLATES[formula_id]
    except KeyError:
        raise ValueError(f"unknown formula_id {formula_id!r}") from None
