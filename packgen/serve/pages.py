"""The explorer's pages as plain data: each page's template context and its main table, whose
rows are also its CSV file (so the two always have the same rows, in the same order).

Figures come from the explorer (`Explorer.provider_view`, `national_view`, `drill_rows`): the
pack model for everything a pack shows (totals, sentences, not-assessed reasons, ranks, charts),
the raw result rows for the finest tables. Nothing here computes an opportunity.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import polars as pl

from packgen import reference
from packgen.engine.summary import CSV_COLUMNS, UNASSESSED_BLANK
from packgen.pack.model import CategorySection, Component, PeerValue
from packgen.serve.explorer import DRILL_TABLES, Explorer, ProviderView
from packgen.serve.query import PageState, Sort, parse

SECTOR_NAMES = reference.names("sectors")
REGION_NAMES = reference.names("regions")
POD_GROUPS = {r["department_code"]: r["pod_group"] for r in reference.rows("departments")}
POD_GROUP_NAMES = reference.names("pod_groups")


class NotFound(LookupError):
    """No such provider, category or sub-unit in this run; the message says which."""


@dataclass(frozen=True)
class Column:
    key: str  # the row's key (and the sort key, if sortable)
    label: str
    numeric: bool = False  # right-aligned; sorted largest first on the first click
    sortable: bool = True


@dataclass
class Table:
    """A page's main table: its columns, its rows (sorted) and its CSV columns."""

    columns: tuple[Column, ...]
    rows: list[dict]
    csv_columns: tuple[str, ...]
    totals: dict = field(default_factory=dict)


@dataclass
class Page:
    template: str
    title: str
    breadcrumbs: list[tuple[str, str | None]]
    state: PageState
    table: Table
    csv_name: str
    context: dict = field(default_factory=dict)


def sort_rows(rows: list[dict], sort: Sort, tiebreak: str) -> list[dict]:
    """Rows by `sort`; missing values (None, NaN) last whichever the direction."""
    def missing(row: dict) -> bool:
        value = row.get(sort.key)
        return value is None or (isinstance(value, float) and math.isnan(value))

    def key(row: dict):
        value = row[sort.key]
        return (value.casefold() if isinstance(value, str) else value,
                str(row.get(tiebreak) or ""))

    present = sorted((r for r in rows if not missing(r)), key=key, reverse=sort.descending)
    return present + [r for r in rows if missing(r)]


def _link(*parts: str) -> str:
    return "/" + "/".join(quote(p, safe="") for p in parts)


def provider_link(code: str, *more: str) -> str:
    return _link("providers", code, *more)


# -- national overview -------------------------------------------------------------------------

NATIONAL_COLUMNS = (
    Column("provider_name", "Provider"), Column("provider_code", "Code"),
    Column("sector_name", "Sector"), Column("region_name", "Region"),
    Column("icb_code", "System (ICB)"),
    Column("opportunity_gbp", "Opportunity a year", numeric=True),
    Column("share_of_cost_base", "Share of cost base", numeric=True),
    Column("categories_not_assessed", "Categories not assessed", numeric=True),
)
NATIONAL_CSV = ("provider_code", "provider_name", "sector", "peer_group", "region_code",
                "icb_code", "operating_cost_gbp", "opportunity_gbp", "share_of_cost_base",
                "categories", "categories_not_assessed")


def national(explorer: Explorer, query: Sequence[tuple[str, str]]) -> Page:
    providers = explorer.providers.values()
    filters = {
        "region": sorted({p["region_code"] for p in providers if p["region_code"]}),
        "system": sorted({p["icb_code"] for p in providers if p["icb_code"]}),
        "sector": sorted({p["sector"] for p in providers if p["sector"]}),
    }
    state = parse(query, explorer.defaults, explorer.providers,
                  [c.key for c in NATIONAL_COLUMNS], "-opportunity_gbp", filters)
    view = explorer.national_view(state.params)
    chosen = dict(state.filters)
    by_provider: dict[str, list[dict]] = defaultdict(list)
    for row in view.totals.to_dicts():
        by_provider[row["provider_code"]].append(row)
    rows = []
    for code, p in explorer.providers.items():
        if any(chosen.get(name) not in (None, value) for name, value in
               (("region", p["region_code"]), ("system", p["icb_code"]),
                ("sector", p["sector"]))):
            continue
        categories = by_provider.get(code, [])
        total = round(sum(c["opportunity_gbp"] for c in categories), 2)
        cost = p["operating_cost_gbp"]
        # no figure, never £0, for a provider none of whose categories could be assessed
        assessed = any(c["assessed"] for c in categories)
        rows.append({
            "provider_code": code, "provider_name": p["provider_name"], "sector": p["sector"],
            "sector_name": SECTOR_NAMES.get(p["sector"], "Not known"),
            "peer_group": p["peer_group"], "region_code": p["region_code"],
            "region_name": REGION_NAMES.get(p["region_code"], p["region_code"]),
            "icb_code": p["icb_code"], "operating_cost_gbp": cost,
            "opportunity_gbp": total if assessed else None,
            "share_of_cost_base": total / cost if assessed and cost else None,
            "categories": len(categories),
            "categories_not_assessed": sum(not c["assessed"] for c in categories),
            "link": provider_link(code) + state.query(),
        })
    rows = sort_rows(rows, state.sort, "provider_code")
    shown = {r["provider_code"] for r in rows}
    by_category = []
    for d in explorer.defs:
        mine = [c for code in shown for c in by_provider.get(code, []) if c["category"] == d.id]
        if mine:
            assessed = [c for c in mine if c["assessed"]]
            # assessed for none of them: not known (shown as "Not assessed"), never £0
            by_category.append({"title": d.title, "providers": len(mine),
                                "assessed": len(assessed),
                                "opportunity_gbp": round(sum(c["opportunity_gbp"]
                                                             for c in assessed), 2)
                                if assessed else None})
    table = Table(NATIONAL_COLUMNS, rows, NATIONAL_CSV, totals={
        "providers": len(rows),
        "opportunity_gbp": round(sum(r["opportunity_gbp"] or 0 for r in rows), 2)})
    options = {
        "region": [(c, REGION_NAMES.get(c, c)) for c in filters["region"]],
        "system": [(c, c) for c in filters["system"]],
        "sector": [(c, SECTOR_NAMES.get(c, c)) for c in filters["sector"]],
    }
    return Page("serve/national.html.j2", "National overview", [("National", None)], state,
                table, "providers.csv",
                {"filters": options, "chosen": chosen, "by_category": by_category})


# -- a provider ----------------------------------------------------------------------------------

def _provider(explorer: Explorer, code: str) -> dict:
    if code not in explorer.providers:
        raise NotFound(f"There is no provider '{code}' in this run. The national overview "
                       "lists every provider.")
    return explorer.providers[code]


def _provider_state(explorer: Explorer, query: Sequence[tuple[str, str]], columns,
                    default_sort: str) -> PageState:
    return parse(query, explorer.defaults, explorer.providers,
                 [c.key for c in columns if c.sortable], default_sort)


def _view(explorer: Explorer, code: str, query: Sequence[tuple[str, str]]) -> ProviderView:
    """The provider's view for a query, before the page knows which columns it sorts by."""
    _provider(explorer, code)
    unsorted = [(k, v) for k, v in query if k != "sort"]
    state = parse(unsorted, explorer.defaults, explorer.providers)
    return explorer.provider_view(state.params, code)


def _context(view: ProviderView, state: PageState, **more) -> dict:
    """What every page of a provider shows: its view, pack and the link to its peers."""
    return {"view": view, "pack": view.pack, "provider": view.pack.provider,
            "peers_link": provider_link(view.code, "peers") + state.query(), **more}


PACK_LABELS = {"pdf": "PDF", "xlsx": "Excel", "html": "HTML"}


def pack_links(explorer: Explorer, code: str) -> list[tuple[str, str]]:
    """(label, link) of each of the provider's packs in the run folder."""
    return [(PACK_LABELS[fmt], provider_link(code, f"pack.{fmt}"))
            for fmt in explorer.pack_files(code)]


def _crumbs(view: ProviderView, state: PageState, *more: tuple[str, str | None]):
    info = view.pack.provider
    here = [("National", "/" + state.query()),
            (f"{info.name} ({info.code})", provider_link(info.code) + state.query())]
    crumbs = here + list(more)
    return [(label, None if i == len(crumbs) - 1 else href)
            for i, (label, href) in enumerate(crumbs)]


PROVIDER_COLUMNS = (
    Column("title", "Category"),
    Column("opportunity_gbp", "Opportunity a year", numeric=True),
    Column("native", "In native units", sortable=False),
    Column("rank", "Rank among peers", numeric=True),
    Column("not_assessed", "Rows not assessed", numeric=True),
)
PROVIDER_CSV = ("provider_code", "category", "code", "title", "assessed", "reason",
                "opportunity_gbp", "rank", "rank_of", "not_assessed")


def provider(explorer: Explorer, code: str, query: Sequence[tuple[str, str]]) -> Page:
    _provider(explorer, code)
    state = _provider_state(explorer, query, PROVIDER_COLUMNS, "-opportunity_gbp")
    view = explorer.provider_view(state.params, code)
    pack = view.pack
    rows = [{
        "provider_code": code, "category": s.id, "code": s.code, "title": s.title,
        "assessed": s.assessed, "reason": None if s.assessed else s.status_reason,
        # never £0 for a category not assessed: no figure, and the reason
        "opportunity_gbp": s.opportunity_gbp if s.assessed else None,
        "native": s.opportunity_native, "rank": s.rank, "rank_of": s.rank_of,
        "not_assessed": s.not_assessed,
        "link": provider_link(code, s.id) + state.query(),
    } for s in pack.categories]
    rows = sort_rows(rows, state.sort, "category")
    table = Table(PROVIDER_COLUMNS, rows, PROVIDER_CSV, totals={
        "opportunity_gbp": pack.total_opportunity_gbp})
    return Page("serve/provider.html.j2", pack.provider.name, _crumbs(view, state), state,
                table, f"{code}.csv", _context(view, state,
                                               packs=pack_links(explorer, code)))


# -- a category ---------------------------------------------------------------------------------

CATEGORY_COLUMNS = (
    Column("sub_unit_label", "Sub-unit"),
    Column("component_title", "Measure"),
    Column("metric", "This trust", numeric=True),
    Column("benchmark", "Benchmark", numeric=True),
    Column("peers", "Peers", numeric=True),
    Column("opportunity_native", "Opportunity (native units)", numeric=True),
    Column("opportunity_gbp", "£ a year", numeric=True),
    Column("reason", "Not assessed because"),
)


def _section(view: ProviderView, explorer: Explorer, category: str) -> CategorySection:
    info = view.pack.provider
    section = next((s for s in view.pack.categories if s.id == category), None)
    if section is None:
        if category in explorer.categories:
            raise NotFound(f"{explorer.categories[category].title} is not a category of "
                           f"{info.name} ({info.sector_name.lower()} trusts are not assessed "
                           "on it).")
        raise NotFound(f"There is no category '{category}'. The categories are: "
                       f"{', '.join(explorer.categories)}.")
    return section


def _result_rows(view: ProviderView, explorer: Explorer, category: str, state: PageState,
                 sub_unit: str | None = None) -> list[dict]:
    """The provider's result rows of a category (of one sub-unit), with what the tables show
    beside them."""
    d = explorer.categories[category]
    rows = [dict(r) for r in view.records if r["category"] == category
            and sub_unit in (None, r["sub_unit"])]
    prefix, query = provider_link(view.code, category) + "/", state.query()
    for row in rows:
        if not row["assessed"]:  # as in results.csv: not assessed is blank, not £0
            row.update(dict.fromkeys(UNASSESSED_BLANK))
        component = d.component(row["component"])
        row["component_title"] = component.title
        row["metric_unit"] = component.metric_unit
        row["pod_group"] = POD_GROUP_NAMES.get(POD_GROUPS.get(row["department_code"] or ""))
        row["link"] = prefix + quote(row["sub_unit"], safe="") + query
    return rows


def category(explorer: Explorer, code: str, category_id: str,
             query: Sequence[tuple[str, str]]) -> Page:
    _provider(explorer, code)
    state = _provider_state(explorer, query, CATEGORY_COLUMNS, "-opportunity_gbp")
    view = explorer.provider_view(state.params, code)
    section = _section(view, explorer, category_id)
    rows = sort_rows(_result_rows(view, explorer, category_id, state), state.sort,
                     "sub_unit")
    table = Table(CATEGORY_COLUMNS, rows, CSV_COLUMNS, totals={
        "opportunity_gbp": section.opportunity_gbp})
    return Page("serve/category.html.j2", f"{section.title}: {view.pack.provider.name}",
                _crumbs(view, state, (section.title, None)), state, table,
                f"{code}-{category_id}.csv",
                _context(view, state, section=section,
                         category=explorer.categories[category_id]))


# -- a sub-unit ---------------------------------------------------------------------------------

DRILL_COLUMNS = (
    Column("currency_code", "HRG"),
    Column("activity", "Activity", numeric=True),
    Column("actual_cost_gbp", "Actual cost", numeric=True),
    Column("adjusted_cost_gbp", "MFF-adjusted cost", numeric=True),
    Column("expected_cost_gbp", "Expected cost", numeric=True),
    Column("excess_gbp", "Cost above the benchmark", numeric=True),
    Column("opportunity_gbp", "£ a year", numeric=True),
)


def _peer_component(view: ProviderView, explorer: Explorer, row: dict,
                    section: CategorySection) -> Component:
    """The sub-unit's measure with every peer's value on it, for its chart."""
    d = explorer.categories[row["category"]]
    comp = d.component(row["component"])
    peers = view.peer_values.filter(
        (pl.col("category") == row["category"]) & (pl.col("component") == row["component"])
        & (pl.col("sub_unit") == row["sub_unit"])).to_dicts()
    values = tuple(
        PeerValue(p["provider_code"], explorer.providers[p["provider_code"]]["provider_name"],
                  p["metric"], p["rank"], 1 + (p["rank"] - 1) * 4 // p["peers"],
                  p["provider_code"] == view.code)
        for p in peers)
    target = next((c.target_label for c in section.components if c.id == comp.id), "")
    return Component(comp.id, f"{comp.title}: {row['sub_unit_label']}", comp.role,
                     comp.direction, target, comp.metric_label, comp.metric_unit,
                     comp.native_unit, row["metric"], row["benchmark"], row["peers"],
                     row["opportunity_native"], row["opportunity_gbp"], values)


def sub_unit(explorer: Explorer, code: str, category_id: str, sub_unit_id: str,
             query: Sequence[tuple[str, str]]) -> Page:
    view = _view(explorer, code, query)
    section = _section(view, explorer, category_id)
    d = explorer.categories[category_id]
    drill = DRILL_TABLES.get(d.drilldown) if d.drilldown else None
    mine = [r for r in view.records
            if r["category"] == category_id and r["sub_unit"] == sub_unit_id]
    if not mine:
        raise NotFound(f"{section.title} of {view.pack.provider.name} has no sub-unit "
                       f"'{sub_unit_id}'. The category's page lists them all.")
    # a row with the drill-down's keys (an acute cell) has drill rows below it
    keyed = drill is not None and all(mine[0][k] is not None for k in drill.keys)
    columns = DRILL_COLUMNS if keyed else CATEGORY_COLUMNS
    state = _provider_state(explorer, query, columns, "-opportunity_gbp")
    rows = _result_rows(view, explorer, category_id, state, sub_unit_id)
    charts = [_peer_component(view, explorer, r, section) for r in rows
              if r["metric"] is not None]
    if keyed:
        frame = explorer.drill_rows(state.params, code, category_id, sub_unit_id)
        table = Table(DRILL_COLUMNS, sort_rows(frame.to_dicts(), state.sort, "currency_code"),
                      tuple(frame.columns), totals={
                          "opportunity_gbp": round(frame["opportunity_gbp"].sum(), 2),
                          "rows": frame.height})
    else:
        table = Table(CATEGORY_COLUMNS, sort_rows(rows, state.sort, "component"), CSV_COLUMNS,
                      totals={"opportunity_gbp": round(sum(r["opportunity_gbp"] for r in rows
                                                           if r["in_total"]), 2)})
    label = rows[0]["sub_unit_label"] or sub_unit_id
    return Page("serve/sub_unit.html.j2", f"{label}: {view.pack.provider.name}",
                _crumbs(view, state,
                        (section.title, provider_link(code, category_id) + state.query()),
                        (label, None)),
                state, table, f"{code}-{category_id}-{sub_unit_id.replace('/', '-')}.csv",
                _context(view, state, section=section, rows=rows, charts=charts, drill=keyed,
                         label=label))


# -- peers ----------------------------------------------------------------------------------------

def _peer_measures(view: ProviderView) -> list[tuple[CategorySection, dict[str, PeerValue]]]:
    """Each charted measure of the provider's categories, with its peers' values."""
    return [(s, {p.provider_code: p for p in s.chart.peer_values})
            for s in view.pack.categories if s.chart and s.chart.peer_values]


def peers(explorer: Explorer, code: str, query: Sequence[tuple[str, str]]) -> Page:
    view = _view(explorer, code, query)  # the measures' sort keys are its categories
    measures = _peer_measures(view)
    columns = (Column("provider_name", "Provider"), Column("provider_code", "Code"),
               Column("sector_name", "Sector"), Column("region_name", "Region"),
               Column("icb_code", "System (ICB)"),
               *(Column(s.id, f"{s.short_title or s.title}: rank (value)", numeric=True)
                 for s, _values in measures))
    state = _provider_state(explorer, query, columns, "provider_name")
    rows = []
    members = set(view.members)
    for member in sorted(members | {code}):
        p = explorer.providers[member]
        row = {"provider_code": member, "provider_name": p["provider_name"],
               "sector": p["sector"], "sector_name": SECTOR_NAMES.get(p["sector"], "Not known"),
               "peer_group": p["peer_group"], "region_code": p["region_code"],
               "region_name": REGION_NAMES.get(p["region_code"], p["region_code"]),
               "icb_code": p["icb_code"], "this_trust": member == code,
               "member": member in members, "link": provider_link(member) + state.query()}
        for s, values in measures:
            value = values.get(member)
            row[s.id] = value.rank if value else None
            row[f"{s.id}_value"] = value.value if value else None
            row[f"{s.id}_unit"] = s.chart.metric_unit
        rows.append(row)
    rows = sort_rows(rows, state.sort, "provider_code")
    csv_columns = ("provider_code", "provider_name", "sector", "peer_group", "region_code",
                   "icb_code", "this_trust", "member",
                   *(f"{s.id}_{what}" for s, _v in measures for what in ("value", "rank")))
    for row in rows:
        for s, _values in measures:
            row[f"{s.id}_rank"] = row[s.id]
    return Page("serve/peers.html.j2", f"Peers: {view.pack.provider.name}",
                _crumbs(view, state, ("Peers", None)), state,
                Table(columns, rows, csv_columns), f"{code}-peers.csv",
                _context(view, state, measures=[s for s, _v in measures],
                         members=len(members)))


PAGES: dict[str, Callable[..., Page]] = {
    "national": national, "provider": provider, "category": category, "sub_unit": sub_unit,
    "peers": peers,
}
