"""Fill the pack model from the store: a few set-based queries for every provider at once
(`load_source`), then a pure function per provider (`build_pack`).

Workers of the national run call `load_source` once each and build their providers' packs from
it, so no query runs per provider.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace

import duckdb

from packgen import __version__, reference
from packgen.categories import CategoryDef, load_definitions
from packgen.contract import TABLES
from packgen.engine.params import RunParameters
from packgen.pack import drilldowns, movement, overlaps, provenance, text
from packgen.pack.drilldowns import DrillRows
from packgen.pack.model import (
    CategorySection,
    Component,
    Headline,
    NotAssessedRow,
    Pack,
    PeerValue,
    ProductivityGrowth,
    ProviderInfo,
    ResultRow,
    RunInfo,
    Source,
)
from packgen.pack.movement import PreviousRun

TOP_ROWS = 8
# Tables every pack draws on, whatever its categories (who the provider is, the bundle itself,
# productivity growth).
COMMON_SOURCES = ("bundle_info", "providers", "ncc_costs", "ncc_costs_prior",
                  "productivity_inputs")
GROUP_NAMES = reference.benchmark_group_names()


@dataclass
class PackSource:
    """Everything needed to build every provider's pack, fetched once."""

    run: RunInfo
    params: RunParameters
    defs: tuple[CategoryDef, ...]
    providers: dict[str, dict]
    peer_sets: dict[str, tuple[str, str]]  # provider -> (peer set, benchmark group)
    results: dict[str, list[dict]]  # provider -> result rows
    peer_values: dict[tuple[str, str, str, str], list[dict]]  # (cat, comp, sub, set) -> peers
    # Drill-down rows by drill-down kind (acute HRG rows: over a million at national scale),
    # columnar, sliced per provider: Python objects for all of them would cost gigabytes in
    # every process. They become model objects only for the pack being built.
    drill_rows: dict[str, DrillRows]
    productivity: dict[str, dict]
    ncc_excluded: dict[str, int]
    # Light per-provider facts of each drill-down kind, for every provider (data notes).
    drill_facts: dict[str, dict] = field(default_factory=dict)
    # The previous run's figures (`--previous`), for the movement since the previous pack.
    previous: PreviousRun | None = None


def _frame_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    return con.sql(sql).pl().to_dicts()


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def _meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        return dict(con.execute("select key, value from bundle_meta").fetchall())
    except duckdb.CatalogException:
        return dict(con.execute("select key, value from bundle_info").fetchall())


def _sources(con: duckdb.DuckDBPyConnection, meta: dict[str, str]) -> tuple[Source, ...]:
    """Every table the bundle gave, with its own period and publisher where the import log
    knows them (real tables come from different years), else the bundle's."""
    try:
        files = con.execute("select table_name, sha256 from bundle_files order by 1").fetchall()
    except duckdb.CatalogException:
        files = []
    log = provenance.import_log(con)
    titles = {t.name: (t.title + (f" ({t.source})" if t.source else "")) for t in TABLES}
    licence = meta.get("licence", "See the bundle's information")
    period = meta.get("period", "")
    sources = []
    for name, sha in files:
        if name in provenance.ABOUT_THE_BUNDLE:
            continue
        entry = log.get(name)
        fallback = (meta.get("prior_period", "") if name == "ncc_costs_prior"
                    else provenance.OWN_PERIODS.get(name) or period)
        sources.append(Source(
            name, entry.title if entry and entry.title else titles.get(name, name),
            entry.period if entry and entry.period else fallback, licence, sha,
            publisher=entry.publisher if entry else "", real=bool(entry and entry.real)))
    return tuple(sources)


def run_info(con: duckdb.DuckDBPyConnection, params: RunParameters,
             produced_on: str | None = None) -> RunInfo:
    meta = _meta(con)
    sources = _sources(con, meta)
    if produced_on is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
        produced_on = day.isoformat()
    identity = "|".join([__version__, repr(sorted(params.as_dict().items()))]
                        + [s.checksum for s in sources])
    synthetic = meta.get("synthetic", "").lower() in ("true", "1", "yes")
    return RunInfo(
        packgen_version=__version__, produced_on=produced_on,
        dataset_name=meta.get("dataset_name", "unnamed bundle"),
        period=meta.get("period", "") or provenance.period_range(sources),
        prior_period=meta.get("prior_period") or None,
        synthetic=synthetic, parameters=params.labels(), sources=sources,
        run_id=hashlib.sha256(identity.encode()).hexdigest()[:12],
        data_note=provenance.mixed_note(synthetic, sources),
        period_warning=provenance.period_warning(sources))


def _drilldown_kinds(defs: tuple[CategoryDef, ...]) -> list[str]:
    return sorted({d.drilldown for d in defs if d.drilldown})


def load_drill_rows(con: duckdb.DuckDBPyConnection,
                    providers: Collection[str] | None = None,
                    defs: tuple[CategoryDef, ...] | None = None) -> dict[str, DrillRows]:
    """Every drill-down's rows, of every provider or of `providers` only."""
    defs = defs if defs is not None else load_definitions()
    return {kind: drilldowns.module(kind).load_rows(con, providers)
            for kind in _drilldown_kinds(defs)}


def load_source(con: duckdb.DuckDBPyConnection, params: RunParameters | None = None,
                produced_on: str | None = None,
                hrg_providers: Collection[str] | None = None) -> PackSource:
    """Fetch every provider's pack data in a few set-based queries (after `engine.compute`).

    `hrg_providers` limits the drill-down rows (a million acute HRG rows at national scale) to
    the providers whose packs this process will build; building another provider's full pack
    is then an error (`DrillRows.of`), never a pack silently without its drill-down.
    """
    params = params or RunParameters()
    defs = load_definitions()
    # the charted measure of each category, and its fallbacks' provider-level rows (`_chart`)
    charted = " or ".join(
        f"(category = '{d.id}' and (component = '{d.chart_component}' or (component in "
        f"({', '.join(repr(c) for c in _chart_fallbacks(d)) or 'null'}) "
        "and sub_unit in ('all', component))))"
        for d in defs if d.chart_component) or "false"
    providers = {r["provider_code"]: r for r in _frame_rows(con, "select * from providers")}
    peer_sets = {code: (ps, group) for code, ps, group in con.execute(
        "select provider_code, peer_set, benchmark_group from engine_peer_sets").fetchall()}
    results = _by(_frame_rows(con, "select * from result_rows order by provider_code, category, "
                              "component, opportunity_gbp desc, sub_unit"), "provider_code")
    peer_values: dict[tuple[str, str, str, str], list[dict]] = defaultdict(list)
    for row in _frame_rows(con, f"select * from engine_peer_values where {charted} "
                           "order by category, component, sub_unit, peer_set, rank"):
        key = (row["category"], row["component"], row["sub_unit"], row["peer_set"])
        peer_values[key].append(row)
    drill_rows = load_drill_rows(con, hrg_providers, defs)
    drill_facts = {kind: drilldowns.module(kind).load_facts(con)
                   for kind in _drilldown_kinds(defs)}
    productivity = {r["provider_code"]: r
                    for r in _frame_rows(con, "select * from productivity_growth")}
    excluded = dict(con.execute(
        "select provider_code, count(*) from ncc_costs where activity is null or activity <= 0 "
        "or actual_cost_gbp is null group by 1").fetchall())
    return PackSource(run_info(con, params, produced_on), params, defs, providers, peer_sets,
                      results, dict(peer_values), drill_rows, productivity, excluded,
                      drill_facts)


def _provider_info(row: dict) -> ProviderInfo:
    return ProviderInfo(
        code=row["provider_code"], name=row["provider_name"], sector=row["sector"],
        sector_name=reference.names("sectors").get(row["sector"], "Not known"),
        peer_group=row["peer_group"],
        region_code=row["region_code"],
        region_name=reference.names("regions").get(row["region_code"], row["region_code"]),
        icb_code=row["icb_code"], income_gbp=row["income_gbp"],
        operating_cost_gbp=row["operating_cost_gbp"], pay_bill_gbp=row["pay_bill_gbp"],
        mff=row["mff"])


def _result_row(r: dict, pods: dict[str, str]) -> ResultRow:
    return ResultRow(
        category=r["category"], component=r["component"], sub_unit=r["sub_unit"],
        sub_unit_label=r["sub_unit_label"] or r["sub_unit"], assessed=r["assessed"],
        reason=r["reason"], metric=r["metric"], benchmark=r["benchmark"], peers=r["peers"],
        volume=r["volume"], unit_value=r["unit_value"],
        opportunity_native=r["opportunity_native"], native_unit=r["native_unit"],
        opportunity_gbp=r["opportunity_gbp"], formula=r["formula"],
        department_code=r["department_code"], service_code=r["service_code"],
        pod_group=pods.get(r["department_code"]) if r["department_code"] else None,
        in_total=r["in_total"], formula_id=r["formula_id"], reason_code=r["reason_code"],
        benchmark_median=r["benchmark_median"],
        opportunity_median_gbp=r["opportunity_median_gbp"], has_range=r["has_range"])


def _peer_values(source: PackSource, key: tuple[str, str, str, str],
                 provider_code: str) -> tuple[PeerValue, ...]:
    peers = source.peer_values.get(key, [])
    return tuple(
        PeerValue(p["provider_code"], source.providers[p["provider_code"]]["provider_name"],
                  p["metric"], p["rank"], 1 + (p["rank"] - 1) * 4 // p["peers"],
                  p["provider_code"] == provider_code)
        for p in peers)


def _chart(source: PackSource, d: CategoryDef, rows: list[ResultRow],
           provider_code: str) -> Component | None:
    """The chart component: the definition's, or, when the trust has no value on it (a gas
    figure missing from the estates return, say), the first other measure compared with peers
    on which it has one, so that the page still charts and ranks the trust among its peers."""
    if not d.chart_component:
        return None
    charts = (_chart_of(source, d, d.component(c), rows, provider_code)
              for c in (d.chart_component, *_chart_fallbacks(d)))
    first = next(charts)
    return next((c for c in (first, *charts)
                 if c is not None and any(p.is_provider for p in c.peer_values)), first)


def _chart_fallbacks(d: CategoryDef) -> list[str]:
    """The measures compared with peers that can stand in for the charted one."""
    return [c.id for c in d.components if c.id != d.chart_component
            and c.target in ("percentile", "median")]


def _chart_of(source: PackSource, d: CategoryDef, comp, rows: list[ResultRow],
              provider_code: str) -> Component | None:
    """One measure's chart: its provider-level row, or the provider's largest sub-unit."""
    candidates = [r for r in rows if r.component == comp.id and r.metric is not None]
    if not candidates:
        return None
    row = max(candidates, key=lambda r: (r.sub_unit == "all", r.opportunity_gbp,
                                         r.volume or 0))
    peer_set = source.peer_sets[provider_code][0]
    values = _peer_values(source, (d.id, comp.id, row.sub_unit, peer_set), provider_code)
    title = comp.title if row.sub_unit == "all" else f"{comp.title}: {row.sub_unit_label}"
    return Component(comp.id, title, comp.role, comp.direction, _target_label(comp, source),
                     comp.metric_label, comp.metric_unit, comp.native_unit, row.metric,
                     row.benchmark, row.peers, row.opportunity_native, row.opportunity_gbp,
                     values)


def _target_label(comp, source: PackSource) -> str:
    return source.params.target_label(comp.target, comp.direction, comp.standard,
                                      comp.rate_parameter)


def _fixed_rate(source: PackSource, comp) -> tuple[float | None, float | None]:
    """(the cut a fixed-rate component asks for, the share of it counted when its unit value
    is a run parameter), e.g. agency spend: (0.30, 0.5)."""
    rate = source.params.value(comp.rate_parameter) if comp.rate_parameter else None
    share = (source.params.value(comp.unit_value.removeprefix("param:"))
             if rate is not None and comp.unit_value.startswith("param:") else None)
    return rate, share


def _rank(chart: Component | None) -> tuple[int | None, int | None]:
    """The trust's rank among the peers on the charted measure, and their number."""
    me = next((p for p in chart.peer_values if p.is_provider), None) if chart else None
    return (me.rank, len(chart.peer_values)) if me else (None, None)


def _one_unit_value(rows: list[ResultRow]) -> float | None:
    """The unit value of a component's priced rows, when they share one."""
    values = {r.unit_value for r in rows if r.assessed and r.unit_value is not None}
    return values.pop() if len(values) == 1 else None


def _unit_value_kind(comp) -> str:
    if comp.unit_value.startswith("param:"):
        return "share"
    if comp.unit_value == "sql" and comp.native_unit.upper().startswith("GBP"):
        return "ratio"  # the MFF (acute), or 1 where the gap is already the trust's pounds
    return "GBP"


def _common_reason(rows: list[ResultRow]) -> str:
    """Why rows were not assessed: their most common reason."""
    reasons = Counter(r.reason for r in rows if not r.assessed and r.reason)
    return reasons.most_common(1)[0][0] if reasons else "no data supplied"


def _section(source: PackSource, d: CategoryDef, raw: list[dict], info: ProviderInfo,
             pods: dict[str, str]) -> CategorySection:
    rows = [_result_row(r, pods) for r in raw]
    components, contributing = [], []
    for comp in d.components:
        mine = [r for r in rows if r.component == comp.id]
        single = mine[0] if len(mine) == 1 and mine[0].sub_unit in ("all", comp.id) else None
        gbp = round(sum(r.opportunity_gbp for r in mine if r.in_total), 2)
        median_gbp = round(sum(r.opportunity_median_gbp for r in mine if r.in_total), 2)
        native = sum(r.opportunity_native for r in mine if r.in_total)
        assessed = any(r.assessed for r in mine)
        components.append(Component(
            comp.id, comp.title, comp.role, comp.direction, _target_label(comp, source),
            comp.metric_label, comp.metric_unit, comp.native_unit,
            single.metric if single else None, single.benchmark if single else None,
            single.peers if single else None, native, gbp, assessed=assessed,
            reason=None if assessed else _common_reason(mine), target=comp.target,
            benchmark_median=single.benchmark_median if single else None,
            opportunity_median_gbp=median_gbp, unit_value=_one_unit_value(mine),
            unit_value_label=comp.unit_value_label, unit_value_kind=_unit_value_kind(comp)))
        if gbp > 0:
            contributing.append(text.Contribution(comp, gbp, native, *_fixed_rate(source, comp)))
    counted = [r for r in rows if r.in_total]
    total = round(sum(r.opportunity_gbp for r in counted), 2)
    native: dict[str, float] = {}
    for r in counted:
        native[r.native_unit] = native.get(r.native_unit, 0.0) + r.opportunity_native
    not_assessed = sum(1 for r in rows if r.in_total and not r.assessed)
    assessed = any(r.assessed for r in counted)
    status_reason = None if assessed else _common_reason(counted)
    chart = _chart(source, d, rows, info.code)
    rank, rank_of = _rank(chart)
    if total > 0:
        sentence = text.opportunity_sentence(info.name, d, contributing, total, native,
                                             source.params.performance_percentile)
    elif not assessed:
        sentence = text.not_assessed_sentence(info.name, d, status_reason, native)
    else:
        sentence = text.no_opportunity_sentence(info.name, d)
    top = sorted((r for r in counted if r.opportunity_gbp > 0),
                 key=lambda r: (-r.opportunity_gbp, r.sub_unit))[:TOP_ROWS]
    return CategorySection(
        d.id, d.code, d.title, *(source.params.prose(t) for t in (
            d.what_it_measures, d.why_it_matters, d.how_calculated)),
        d.overlaps_with, d.sub_unit_name, tuple(components),
        chart, tuple(rows), tuple(top), total, native, not_assessed, sentence,
        assessed=assessed, status_reason=status_reason, rank=rank, rank_of=rank_of,
        short_title=d.short_title, sheet_title=d.sheet_title, caveat=d.caveat,
        opportunity_median_gbp=round(sum(r.opportunity_median_gbp for r in counted), 2),
        has_range=any(c.target == "percentile" and c.role == "opportunity"
                      for c in d.components))


def _with_drilldown(source: PackSource, section: CategorySection, info: ProviderInfo,
                    detail: bool, notes: list[str]) -> CategorySection:
    """The section with its category's drill-down (if it has one), adding its data notes."""
    kind = next(d.drilldown for d in source.defs if d.id == section.id)
    if not kind:
        return section
    extension = drilldowns.module(kind)
    facts = source.drill_facts.get(kind, {})
    notes += extension.notes(section, facts, info.code)
    return replace(section, drilldown=extension.build(
        section, source.drill_rows[kind], facts, info.code, info.mff, detail))


def _productivity(source: PackSource, info: ProviderInfo) -> ProductivityGrowth | None:
    row = source.productivity.get(info.code)
    if row is None:
        return None
    group = GROUP_NAMES.get(row["benchmark_group"], row["benchmark_group"])
    return ProductivityGrowth(
        row["activity_growth"], row["input_growth"], row["productivity_growth"], row["rank"],
        row["rank_of"], row["sector_productivity_growth"], row["national_productivity_growth"],
        text.productivity_sentence(info.name, row["productivity_growth"],
                                   row["activity_growth"], row["input_growth"],
                                   source.params.requirement_rate, row["rank"], row["rank_of"],
                                   group))


def _overlaps(source: PackSource, present: set[str]) -> dict[str, list[str]]:
    """Short title -> short titles it overlaps with, each pair named once (first in order)."""
    short = {d.id: d.short_title for d in source.defs}
    named: set[frozenset[str]] = set()
    out: dict[str, list[str]] = {}
    for d in source.defs:
        if d.id not in present:
            continue
        for other in d.overlaps_with:
            pair = frozenset((d.id, other))
            if other in present and pair not in named:
                named.add(pair)
                out.setdefault(short[d.id], []).append(short[other])
    return out


def build_pack(source: PackSource, provider_code: str, detail: bool = True) -> Pack:
    """One provider's pack from the fetched source (pure: no queries).

    With `detail=False` drill-down rows are neither read nor kept (the acute drill-down keeps
    its totals, not its HRG rows): enough for national and regional totals, and light when
    every provider's model is held at once. With `detail=True` the provider's drill-down rows
    must have been loaded (`DrillRows.of` raises otherwise), so a pack never silently lacks its
    drill-down.
    """
    info = _provider_info(source.providers[provider_code])
    pods = {r["department_code"]: r["pod_group"] for r in reference.rows("departments")}
    by_category = _by(source.results.get(provider_code, []), "category")
    sections, notes, not_assessed = [], [], []
    for d in source.defs:
        if info.sector not in d.sectors:
            continue
        raw = by_category.get(d.id, [])
        if not raw:
            notes.append(f"No data for {d.title}: the category could not be assessed.")
        section = _section(source, d, raw, info, pods)
        sections.append(section)
        # listed once, on the Data notes page (counts by reason, then the rows)
        not_assessed += [NotAssessedRow(r.category, r.component, r.sub_unit, r.sub_unit_label,
                                        r.reason or "", r.reason_code) for r in section.rows
                         if r.in_total and not r.assessed]
    # assessed categories first, largest first; those not assessed after them
    sections.sort(key=lambda s: (not s.assessed, -s.opportunity_gbp, s.id))
    total = round(sum(s.opportunity_gbp for s in sections), 2)
    if info.sector is None:
        notes.insert(0, f"{info.name} is not benchmarked: the bundle gives no sector (trust "
                     "type) for it, so it has no peers. Add its sector to providers.csv (ERIC's "
                     "trust type gives it: packgen import eric FILE --apply-peer-groups).")
    cost_base = info.operating_cost_gbp
    left_out = () if cost_base else (
        "Share of cost base and the productivity requirement: the trust's operating cost is "
        "not in providers.csv, so they are not computed.",)
    excluded = source.ncc_excluded.get(provider_code, 0)
    if excluded:
        notes.insert(0, f"{excluded:,} National Cost Collection rows had suppressed, blank or "
                     "zero activity or a missing cost; they were left out, never counted as zero.")
    sections = [_with_drilldown(source, s, info, detail, notes) for s in sections]
    present = {s.id for s in sections}
    # A category can only overlap, in this pack, with categories the pack has (a mental health
    # trust has no acute cost to double count).
    sections = [replace(s, overlaps_with=tuple(o for o in s.overlaps_with if o in present))
                for s in sections]
    named_overlaps = _overlaps(source, present)
    used = set(COMMON_SOURCES).union(*(d.sources for d in source.defs if d.id in present))
    run = replace(source.run, sources=tuple(s for s in source.run.sources if s.table in used))
    group = source.peer_sets.get(provider_code, (None, None))[1]
    peers = (source.params.peers_for(GROUP_NAMES.get(group, group), info.peer_group,
                                     info.region_name)
             if group else "None: the trust is not benchmarked (no sector)")
    # the method page and the workbook name this trust's peers, not the run's rule for all
    run = replace(run, parameters={**run.parameters, "Peers": peers})
    pairs = overlaps.overlap_pairs({d.id: d.overlaps_with for d in source.defs})
    groups = overlaps.counted_groups(sections, pairs, lambda s: s.opportunity_gbp)
    return Pack(
        run=run, provider=info, categories=tuple(sections), peers=peers,
        total_median_gbp=round(sum(s.opportunity_median_gbp for s in sections), 2),
        total_overlaps_removed_gbp=overlaps.total_counted(
            sections, groups, lambda s: s.opportunity_gbp),
        total_overlaps_removed_median_gbp=overlaps.total_counted(
            sections, groups, lambda s: s.opportunity_median_gbp),
        overlap_groups=tuple(groups),
        movement=movement.movement(source.previous, provider_code, sections),
        total_opportunity_gbp=total,
        total_pct_of_cost_base=total / cost_base if cost_base else None,
        requirement_gbp=round(source.params.requirement_rate * cost_base, 2) if cost_base
        else None,
        requirement_rate=source.params.requirement_rate,
        overlap_note=text.overlap_note(named_overlaps),
        headlines=tuple(Headline(s.id, s.title, s.opportunity_gbp, s.sentence)
                        for s in sections[:3] if s.opportunity_gbp > 0),
        productivity=_productivity(source, info), not_assessed=tuple(not_assessed),
        data_notes=tuple(notes), benchmarked=info.sector is not None, left_out=left_out)
