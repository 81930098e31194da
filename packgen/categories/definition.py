"""Category definitions: one TOML file per category, validated on load (all errors at once).

A category is data, not code (as OpenPrescribing's measures are): its wording, its components
(measures) with their direction and target, the units, the unit value that turns the gap into
pounds, thresholds and overlaps, and the name of its SQL file. The SQL returns one row per
provider x component x sub-unit with a numerator, a denominator and a volume; the shared engine
(`packgen.engine`) does peers, percentiles, thresholds and opportunity for every category alike.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

# Placeholders category wording may use, filled per run by `RunParameters.prose` so that the
# prose never contradicts a run's --percentile.
PROSE_FIELDS = ("performance_percentile", "lower_percentile")

CATEGORY_DIR = Path(__file__).resolve().parent
DEFINITIONS_DIR = CATEGORY_DIR / "definitions"
SQL_DIR = CATEGORY_DIR / "sql"

SECTORS = ("acute", "specialist", "community", "mental_health", "ambulance")
ROLES = ("opportunity", "context")
DIRECTIONS = ("lower", "higher")
# percentile: the run's performance percentile of peers (75th by default, direction-aware);
# median: the peers' median; fixed_rate: a reduction of the provider's own value by a run
# parameter; standard: a fixed value (e.g. 0 hours lost over 15 minutes).
TARGETS = ("percentile", "median", "fixed_rate", "standard")
# gap_x_volume: max(0, gap) x volume x unit value, gap in the direction of "worse";
# resource_released: max(0, volume x (1 - metric / benchmark)) x unit value, for
# higher-is-better "output per resource" metrics (WTE released at the benchmark rate).
FORMULAS = ("gap_x_volume", "resource_released")
# Drill-down extensions of the pack model (packgen/pack/drilldowns/<name>.py).
DRILLDOWNS = ("hrg",)


class DefinitionError(ValueError):
    """One or more category definitions are invalid; the message lists every problem."""


@dataclass(frozen=True)
class ComponentDef:
    id: str
    title: str
    role: str
    direction: str
    target: str
    metric_label: str
    metric_unit: str
    numerator: str
    denominator: str
    volume: str
    native_unit: str
    unit_value: str  # "sql", a key of the unit_values table, or "param:<name>"
    unit_value_label: str
    formula: str
    min_peers: int
    min_activity: float
    min_volume: float
    rate_parameter: str | None  # fixed_rate: run parameter holding the reduction
    standard: float | None  # standard: the target value
    # Inputs the component needs besides its category's ("table" or "table.column"): absent
    # from the bundle, the component is "Not assessed: no data supplied (...)".
    requires: tuple[str, ...] = ()
    # A pooled component's rows are made by the engine from another component's rows of the
    # same provider: the sums of `pooled_sums` (a sum with a missing part is missing), the other
    # columns taken as they are (the same on every row, e.g. the trust's income).
    pooled_from: str | None = None
    pooled_sums: tuple[str, ...] = ()
    # Label of the component's provider-level row (pooled, or one row per provider) where the
    # SQL gives none, e.g. "All services".
    sub_unit_label: str | None = None


@dataclass(frozen=True)
class CategoryDef:
    id: str
    code: str
    title: str
    short_title: str
    sectors: tuple[str, ...]
    sub_unit_name: str
    what_it_measures: str
    why_it_matters: str
    how_calculated: str
    overlaps_with: tuple[str, ...]
    sources: tuple[str, ...]
    sql: Path
    drilldown_sql: Path | None
    chart_component: str | None
    components: tuple[ComponentDef, ...]
    path: Path
    requires: tuple[str, ...] = ()  # inputs every component needs (see ComponentDef.requires)
    drilldown: str | None = None  # the pack's drill-down extension (packgen.pack.drilldowns)
    sheet_title: str = ""  # the workbook's tab name (short_title when it fits)
    # A sentence the summary prints beside the category's figure, for what a reader must know
    # before adding it to a plan (e.g. handovers: not a saving within the trust's own control)
    caveat: str = ""

    def component(self, component_id: str) -> ComponentDef:
        return next(c for c in self.components if c.id == component_id)

    @property
    def tables(self) -> tuple[str, ...]:
        """The contract tables the category reads: its `sources`, the tables its and its
        components' `requires` name, and `unit_values` when a component is priced from it. The
        data contract's "Used by" is made from these, so a new definition file appears there."""
        named = [*self.sources, *(r.partition(".")[0] for r in self.requires)]
        for c in self.components:
            named += [r.partition(".")[0] for r in c.requires]
            if c.unit_value != "sql" and not c.unit_value.startswith("param:"):
                named.append("unit_values")
        return tuple(dict.fromkeys(named))

    def sql_text(self) -> str:
        return self.sql.read_text(encoding="utf-8")


_CATEGORY_FIELDS = {
    "id": str, "code": str, "title": str, "short_title": str, "sectors": list,
    "sub_unit_name": str, "what_it_measures": str, "why_it_matters": str,
    "how_calculated": str, "overlaps_with": list, "sources": list, "sql": str,
    "drilldown_sql": str, "chart_component": str, "components": list, "requires": list,
    "drilldown": str, "sheet_title": str, "caveat": str,
}
_OPTIONAL_CATEGORY = {"drilldown_sql", "chart_component", "overlaps_with", "short_title",
                      "requires", "drilldown", "sheet_title", "caveat"}
# A workbook tab name holds 31 characters and the peers tab adds " - peers".
SHEET_TITLE_LENGTH = 22
_COMPONENT_FIELDS = {
    "id": str, "title": str, "role": str, "direction": str, "target": str,
    "metric_label": str, "metric_unit": str, "numerator": str, "denominator": str,
    "volume": str, "native_unit": str, "unit_value": str, "unit_value_label": str,
    "formula": str, "min_peers": int, "min_activity": (int, float), "min_volume": (int, float),
    "rate_parameter": str, "standard": (int, float), "requires": list, "pooled_from": str,
    "pooled_sums": list, "sub_unit_label": str,
}
_OPTIONAL_COMPONENT = {"min_peers", "min_activity", "min_volume", "rate_parameter", "standard",
                       "formula", "role", "unit_value_label", "requires", "pooled_from",
                       "pooled_sums", "sub_unit_label"}
# Columns a pooled component may sum over its source rows.
POOLABLE = ("numerator", "denominator", "activity", "volume")


def _check_fields(data: dict, spec: dict, optional: set, where: str, errors: list[str]) -> None:
    for name, kind in spec.items():
        if name not in data:
            if name not in optional:
                errors.append(f"{where}: missing field '{name}'")
        elif not isinstance(data[name], kind) or isinstance(data[name], bool):
            errors.append(f"{where}: field '{name}' should be {_kind_name(kind)}")
    for name in data:
        if name not in spec:
            errors.append(f"{where}: unknown field '{name}'")


def _kind_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "text", list: "a list", int: "a whole number",
                        float: "a number"}[k] for k in kinds)


_FRACTION_UNITS = {"fraction", "share", "rate", "proportion", "ratio"}


def _component(data: dict, where: str, errors: list[str]) -> ComponentDef | None:
    _check_fields(data, _COMPONENT_FIELDS, _OPTIONAL_COMPONENT, where, errors)
    for name, allowed in (("role", ROLES), ("direction", DIRECTIONS), ("target", TARGETS),
                          ("formula", FORMULAS)):
        value = data.get(name, {"role": "opportunity", "formula": "gap_x_volume"}.get(name))
        if value is not None and value not in allowed:
            errors.append(f"{where}: {name} '{value}' is not one of {', '.join(allowed)}")
    if data.get("target") == "fixed_rate" and "rate_parameter" not in data:
        errors.append(f"{where}: a fixed_rate target needs 'rate_parameter'")
    if data.get("target") == "standard" and "standard" not in data:
        errors.append(f"{where}: a standard target needs 'standard'")
    if data.get("formula") == "resource_released" and data.get("direction") != "higher":
        errors.append(f"{where}: resource_released applies to higher-is-better metrics only")
    if str(data.get("metric_unit", "")).lower() in _FRACTION_UNITS:
        # Renderers show '%' metrics (fractions) as percentages; any other unit is printed as a
        # plain number, and a rate of 0.004 would read "0.00".
        errors.append(f"{where}: metric_unit '{data['metric_unit']}': write '%' for a rate or "
                      "share (the value stays a fraction; packs show it as a percentage)")
    for name in data.get("pooled_sums", ()):
        if name not in POOLABLE:
            errors.append(f"{where}: pooled_sums '{name}' is not one of {', '.join(POOLABLE)}")
    if "pooled_sums" in data and "pooled_from" not in data:
        errors.append(f"{where}: pooled_sums needs pooled_from")
    _check_requires(data.get("requires", ()), where, errors)
    if any(e.startswith(where) for e in errors):
        return None
    return ComponentDef(
        id=data["id"], title=data["title"], role=data.get("role", "opportunity"),
        direction=data["direction"], target=data["target"], metric_label=data["metric_label"],
        metric_unit=data["metric_unit"], numerator=data["numerator"],
        denominator=data["denominator"], volume=data["volume"], native_unit=data["native_unit"],
        unit_value=data["unit_value"], unit_value_label=data.get("unit_value_label", ""),
        formula=data.get("formula", "gap_x_volume"), min_peers=data.get("min_peers", 5),
        min_activity=float(data.get("min_activity", 10)),
        min_volume=float(data.get("min_volume", 0)),
        rate_parameter=data.get("rate_parameter"),
        standard=float(data["standard"]) if "standard" in data else None,
        requires=tuple(data.get("requires", ())), pooled_from=data.get("pooled_from"),
        pooled_sums=tuple(data.get("pooled_sums", POOLABLE if "pooled_from" in data else ())),
        sub_unit_label=data.get("sub_unit_label"),
    )


def _check_requires(requires: list, where: str, errors: list[str]) -> None:
    """Each input named must be a contract table or one of its columns."""
    from packgen.contract.tables import TABLES  # the contract knows nothing of categories

    columns = {t.name: set(t.column_names) for t in TABLES}
    for item in requires:
        table_name, _, column = str(item).partition(".")
        if table_name not in columns:
            errors.append(f"{where}: requires '{item}': no contract table '{table_name}'")
        elif column and table_name != "unit_values" and column not in columns[table_name]:
            errors.append(f"{where}: requires '{item}': {table_name} has no column '{column}'")


def _check_sources(sources: list, where: str, errors: list[str]) -> None:
    """Each source must be a contract table (the data contract lists the category under it)."""
    from packgen.contract.tables import TABLES

    names = {t.name for t in TABLES}
    for source in sources:
        if not isinstance(source, str) or source not in names:
            errors.append(f"{where}: sources '{source}' is not a contract table")


def _placeholders(text: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:  # a lone brace
        return ["(unbalanced brace)"]


def _prose(text: str) -> str:
    """Wording as one paragraph: the TOML files wrap lines for diffs, readers should not see it
    (a workbook cell would keep every line break)."""
    return " ".join(text.split())


def parse_definition(path: Path, errors: list[str]) -> CategoryDef | None:
    """Parse one definition file, appending every problem found to `errors`."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        errors.append(f"{where}: not valid TOML ({exc})")
        return None
    before = len(errors)
    _check_fields(data, _CATEGORY_FIELDS, _OPTIONAL_CATEGORY, where, errors)
    if data.get("id") and data["id"] != path.stem:
        errors.append(f"{where}: id '{data['id']}' must equal the file name '{path.stem}'")
    for sector in data.get("sectors", []):
        if sector not in SECTORS:
            errors.append(f"{where}: unknown sector '{sector}'")
    components = []
    for i, comp in enumerate(data.get("components", [])):
        parsed = _component(comp, f"{where} component {comp.get('id', i + 1)}", errors)
        if parsed:
            components.append(parsed)
    if not data.get("components"):
        errors.append(f"{where}: at least one component is needed")
    ids = [c.id for c in components]
    if len(ids) != len(set(ids)):
        errors.append(f"{where}: component ids repeat")
    for key in ("sql", "drilldown_sql"):
        if data.get(key) and not (SQL_DIR / data[key]).is_file():
            errors.append(f"{where}: {key} file '{data[key]}' not found in {SQL_DIR}")
    for key in ("what_it_measures", "why_it_matters", "how_calculated"):
        for field in _placeholders(str(data.get(key, ""))):
            if field not in PROSE_FIELDS:
                errors.append(f"{where}: {key} uses '{{{field}}}'; the placeholders are "
                              + ", ".join("{" + f + "}" for f in PROSE_FIELDS))
    chart = data.get("chart_component")
    if chart and components and chart not in ids:
        errors.append(f"{where}: chart_component '{chart}' is not a component")
    for c in components:
        if c.pooled_from and (c.pooled_from not in ids or c.pooled_from == c.id):
            errors.append(f"{where} component {c.id}: pooled_from '{c.pooled_from}' is not "
                          "another component of the category")
    _check_requires(data.get("requires", ()), where, errors)
    _check_sources(data.get("sources", ()), where, errors)
    sheet_title = data.get("sheet_title", data.get("short_title", data.get("title", "")))
    if len(sheet_title) > SHEET_TITLE_LENGTH:
        errors.append(f"{where}: sheet_title '{sheet_title}' is longer than "
                      f"{SHEET_TITLE_LENGTH} characters (a workbook tab holds 31, with ' - peers'"
                      "); give a shorter sheet_title")
    drilldown = data.get("drilldown")
    if drilldown and drilldown not in DRILLDOWNS:
        errors.append(f"{where}: drilldown '{drilldown}' is not one of "
                      f"{', '.join(DRILLDOWNS) or 'none'}")
    if len(errors) > before:
        return None
    return CategoryDef(
        id=data["id"], code=data["code"], title=data["title"],
        short_title=data.get("short_title", data["title"]), sectors=tuple(data["sectors"]),
        sub_unit_name=data["sub_unit_name"], what_it_measures=_prose(data["what_it_measures"]),
        why_it_matters=_prose(data["why_it_matters"]),
        how_calculated=_prose(data["how_calculated"]),
        overlaps_with=tuple(data.get("overlaps_with", [])), sources=tuple(data["sources"]),
        sql=SQL_DIR / data["sql"],
        drilldown_sql=SQL_DIR / data["drilldown_sql"] if data.get("drilldown_sql") else None,
        chart_component=chart, components=tuple(components), path=path,
        requires=tuple(data.get("requires", ())), drilldown=drilldown,
        sheet_title=sheet_title, caveat=_prose(data.get("caveat", "")),
    )


def load_definitions(directory: Path = DEFINITIONS_DIR) -> tuple[CategoryDef, ...]:
    """Every category definition, sorted by file name; raises DefinitionError listing all
    problems (in every file) at once."""
    errors: list[str] = []
    defs = [d for p in sorted(directory.glob("*.toml")) if (d := parse_definition(p, errors))]
    known = {d.id for d in defs}
    codes = [d.code for d in defs]
    for d in defs:
        for other in d.overlaps_with:
            if other not in known:
                errors.append(f"{d.path.name}: overlaps_with names unknown category '{other}'")
    if len(codes) != len(set(codes)):
        errors.append("two categories share a stable code")
    if errors:
        raise DefinitionError("invalid category definitions:\n  " + "\n  ".join(errors))
    return tuple(defs)
