"""The pack as HTML: one Jinja environment per process, autoescaped, with formatting filters.

The same HTML serves the PDF (WeasyPrint, with the stylesheet passed in once-parsed) and the
self-contained `.html` pack (stylesheet inlined). Templates only format the `Pack`; the few
helpers below group or look things up for display and never compute an opportunity.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import jinja2

from packgen import reference
from packgen.pack.model import CategorySection, HrgDrilldown, Pack, ResultRow
from packgen.render import charts
from packgen.render.formatting import FILTERS, priced_components
from packgen.render.watermark import watermark_svg
from packgen.resources import templates_dir

TEMPLATES_DIR = templates_dir()
STYLESHEET = TEMPLATES_DIR / "pack.css"
PACK_TEMPLATE = "pack.html.j2"

# PDF tables stay short: WeasyPrint lays out a table row in ~5 ms, every section must fit one
# page, and the Excel pack holds every row anyway.
MAX_TOP_ROWS = 5
MAX_SPECIALTIES = 4
MAX_HRGS = 3
MAX_NOT_ASSESSED_LISTED = 8


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every template is HTML; data text (provider names) must stay text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(
        peer_chart_svg=charts.peer_chart_svg,
        category_bars_svg=charts.category_bars_svg,
        watermark_svg=watermark_svg,
        row_unit=row_metric_unit,
        pod_group_name=pod_group_name,
        pod_group_order=pod_group_order,
        priced_components=priced_components,
        MAX_TOP_ROWS=MAX_TOP_ROWS,
        MAX_SPECIALTIES=MAX_SPECIALTIES,
        MAX_HRGS=MAX_HRGS,
        MAX_NOT_ASSESSED_LISTED=MAX_NOT_ASSESSED_LISTED,
    )
    return env


@cache
def stylesheet_text() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def row_metric_unit(section: CategorySection, row: ResultRow) -> str:
    """The metric unit of a result row, from its component (rows do not carry one)."""
    for component in section.components:
        if component.id == row.component:
            return component.metric_unit
    return ""


def pod_group_name(pod_group: str) -> str:
    return reference.names("pod_groups").get(pod_group, pod_group.replace("_", " ").capitalize())


def pod_group_order(drill: HrgDrilldown) -> list[str]:
    """The point-of-delivery groups of the specialties the drill-down shows, in reference order."""
    present = {g for s in drill.specialties[:MAX_SPECIALTIES] for g in s.by_pod_group}
    order = {r["pod_group"]: int(r["sort_order"]) for r in reference.rows("pod_groups")}
    return sorted(present, key=lambda g: (order.get(g, 99), g))


# How the data-notes page names each kind of reason (the engine's reason codes); the rows'
# own reasons, with their figures, are listed below the counts.
REASON_KINDS = {
    "no_data_supplied": "No data supplied",
    "no_valid_data": "No valid data (missing, suppressed or zero)",
    "activity_under_threshold": "Activity under the threshold",
    "volume_under_threshold": "Volume under the threshold",
    "too_few_peers": "Too few peers with valid data",
    "unit_value_missing": "Measured but not priced (no unit value)",
    "benchmark_zero": "Benchmark of zero",
}


def not_assessed_counts(pack: Pack) -> list[tuple[str, str, int]]:
    """(category title, kind of reason, count) for the data-notes page, most frequent first."""
    titles = {c.id: c.title for c in pack.categories}
    counts = Counter((titles.get(r.category, r.category),
                      REASON_KINDS.get(r.reason_code or "", r.reason)) for r in pack.not_assessed)
    return [(cat, reason, n) for (cat, reason), n in
            sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def section_anchor(category_id: str) -> str:
    return f"cat-{category_id}"


def render_html(pack: Pack, inline_css: bool = True) -> str:
    """The whole pack as one HTML document.

    With `inline_css` (the `.html` pack) the stylesheet is embedded so the file stands alone; the
    PDF writer passes False and hands WeasyPrint its cached, already-parsed stylesheet instead.
    """
    titles = {c.id: c.title for c in pack.categories}
    return environment().get_template(PACK_TEMPLATE).render(
        pack=pack,
        run=pack.run,
        provider=pack.provider,
        css=stylesheet_text() if inline_css else None,
        category_titles=titles,
        anchor=section_anchor,
        not_assessed_counts=not_assessed_counts(pack),
    )
