"""The live Excel formula that recomputes a result row's opportunity from the cells of its row.

The engine names each row's recomputation with a `formula_id` (`lower_is_better`,
`higher_is_better`, `resource_released`; `context` and `not_assessed` for rows that carry no
opportunity by rule). `template_for(formula_id)` maps the id to an Excel template. The pack model
does not carry `formula_id` yet, so `formula_id_of(row)` derives it from fields the model has
(`assessed`, `in_total`, and the engine's formula text); once `ResultRow.formula_id` exists,
`formula_id_of` becomes `row.formula_id` and the text parser below can go.

The parser (`excel_template`) turns a row's `formula` text into a template, for texts that are
not one of the engine's forms.

The engine states on each `ResultRow` how its opportunity is recomputed, e.g.
`MAX(0, metric - benchmark) x volume x unit_value`. The workbook recomputes the opportunity from the
row's own cells with that formula, so a finance reader sees the arithmetic rather than trusting it.

The grammar is deliberately tiny: numbers (`0.30`, `30%`), the row fields `metric`, `benchmark`,
`volume`, `unit_value`, the operators `x` `×` `*` `/` `+` `-`, brackets, and `MAX(...)`/`MIN(...)`.
Anything else is "not checkable" (no check column value) rather than guessed; and because only
those tokens pass, text from data can never reach a formula this way.
"""

from __future__ import annotations

import ast
import re
from functools import cache

ROW_FIELDS = ("metric", "benchmark", "volume", "unit_value")

# The forms the engine writes (packgen/engine/sql/results.sql); any expression in the grammar
# above also works.
CANONICAL_FORMS = {
    "lower_is_better": "MAX(0, metric - benchmark) x volume x unit_value",
    "higher_is_better": "MAX(0, benchmark - metric) x volume x unit_value",
    # WTE released at the benchmark rate: WTE - activity / benchmark.
    "resource_released": "MAX(0, volume x (1 - metric / benchmark)) x unit_value",
}
NOT_ASSESSED = "not assessed"

# formula_id -> Excel template over the row's cells; None: the row carries no opportunity by rule
# (a context measure, or a row not assessed), so nothing is recomputed and no check is written.
EXCEL_TEMPLATES: dict[str, str | None] = {
    "lower_is_better": "=MAX(0,{metric}-{benchmark})*{volume}*{unit_value}",
    "higher_is_better": "=MAX(0,{benchmark}-{metric})*{volume}*{unit_value}",
    "resource_released": "=MAX(0,{volume}*(1-{metric}/{benchmark}))*{unit_value}",
    "context": None,
    "not_assessed": None,
}
NO_OPPORTUNITY = frozenset(k for k, v in EXCEL_TEMPLATES.items() if v is None)
_ID_BY_TEXT = {" ".join(text.lower().split()): name for name, text in CANONICAL_FORMS.items()}


def template_for(formula_id: str) -> str | None:
    """The Excel template of an engine formula id; None for ids that carry no opportunity.

    >>> template_for("lower_is_better")
    '=MAX(0,{metric}-{benchmark})*{volume}*{unit_value}'
    """
    try:
        return EXCEL_TEMPLATES[formula_id]
    except KeyError:
        raise ValueError(f"unknown formula_id {formula_id!r}") from None


def formula_id_of(assessed: bool, in_total: bool, formula_text: str) -> str | None:
    """The engine's formula id of a row, from the fields the pack model carries today.

    None when the text is not one of the engine's forms (the caller may fall back on
    `excel_template`). Replace with `ResultRow.formula_id` when the model carries it.
    """
    if not assessed:
        return "not_assessed"
    if not in_total:
        return "context"
    return _ID_BY_TEXT.get(" ".join(formula_text.lower().split()))

# Descriptive words in the sample pack's staffing rows ("0.5 x 0.30 x agency spend"), where the
# row's metric is that spend. New engine code should write `metric` instead.
_FIELD_ALIASES = {"agency spend": "metric", "bank spend": "metric"}

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?%?)|([A-Za-z_]+)|([x×*/+\-(),]))")
_FUNCTIONS = {"max": "max", "min": "min"}


@cache  # the engine writes a handful of distinct formulas for thousands of rows
def excel_template(formula_text: str) -> str | None:
    """The row formula as an Excel template with `{metric}`-style placeholders, or None.

    None means the text is not in the grammar (or says "not assessed"): the row gets no check.
    >>> excel_template("MAX(0, metric - benchmark) x volume x unit_value")
    '=MAX(0,{metric}-{benchmark})*{volume}*{unit_value}'
    """
    python_form = _to_python(formula_text)
    if python_form is None or not _is_safe_arithmetic(python_form):
        return None
    excel = python_form.replace("max(", "MAX(").replace("min(", "MIN(")
    for name in ROW_FIELDS:
        excel = re.sub(rf"\b{name}\b", "{" + name + "}", excel)
    return "=" + excel


def evaluate(formula_text: str, values: dict[str, float]) -> float | None:
    """The row formula evaluated in Python on the row's values (the reference for tests)."""
    python_form = _to_python(formula_text)
    if python_form is None or not _is_safe_arithmetic(python_form):
        return None
    tree = ast.parse(python_form, mode="eval")
    return float(_eval_node(tree.body, values))


def _to_python(formula_text: str) -> str | None:
    text = formula_text.strip().lower()
    if not text or text == NOT_ASSESSED:
        return None
    for words, name in _FIELD_ALIASES.items():
        text = text.replace(words, name)
    out, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        number, word, operator = match.groups()
        if number is not None:
            out.append(str(float(number[:-1]) / 100) if number.endswith("%") else number)
        elif word is not None:
            if word == "x":
                out.append("*")
            elif word in ROW_FIELDS or word in _FUNCTIONS:
                out.append(word)
            else:
                return None
        else:
            out.append("*" if operator in ("x", "×") else operator)
        position = match.end()
        if text[position:].strip() == "":
            break
    return "".join(out)


def _is_safe_arithmetic(python_form: str) -> bool:
    try:
        tree = ast.parse(python_form, mode="eval")
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS):
                return False
            if node.keywords or not node.args:
                return False
        elif isinstance(node, ast.Name):
            if node.id not in ROW_FIELDS and node.id not in _FUNCTIONS:
                return False
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float):
                return False
        elif not isinstance(
            node,
            ast.Expression | ast.BinOp | ast.UnaryOp | ast.Add | ast.Sub | ast.Mult | ast.Div
            | ast.USub | ast.UAdd | ast.Load,
        ):
            return False
    return True


def _eval_node(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp):
        operand = _eval_node(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        args = [_eval_node(a, values) for a in node.args]
        return max(args) if node.func.id == "max" else min(args)  # type: ignore[attr-defined]
    assert isinstance(node, ast.BinOp)
    left, right = _eval_node(node.left, values), _eval_node(node.right, values)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right
