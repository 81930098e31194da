"""The explorer's peer chart: the pack's geometry (`packgen.render.charts.peer_chart`), drawn
with one element per bar so that each carries its peer's name and value (an SVG <title>, shown
on hover and read by screen readers). The trust's bar is marked by more than colour (an outline,
a marker above it and a label), and the benchmark line is labelled, as in the pack.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from packgen.pack.model import Component
from packgen.render import charts
from packgen.render.formatting import metric


def peer_chart_svg(component: Component) -> Markup:
    """The ranked peers of `component` as inline SVG (empty markup with nothing to chart)."""
    chart = charts.peer_chart(component)
    if chart is None:
        return Markup("")
    # the bars' order in peer_chart: best rank first, finite values only
    peers = sorted((p for p in component.peer_values if math.isfinite(p.value)),
                   key=lambda p: (p.rank, p.provider_code))
    unit = component.metric_unit
    parts = [f'<svg class="peer-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {charts.WIDTH:.0f} {charts.HEIGHT:.0f}" '
             f'aria-label="{escape(chart.description)}"><title>{escape(chart.description)}'
             "</title>"]
    for tick in chart.ticks:
        parts.append(f'<line x1="{charts.PLOT_LEFT}" x2="{charts.PLOT_RIGHT}" '
                     f'y1="{tick.position:.1f}" y2="{tick.position:.1f}" '
                     f'stroke="{charts.GRID}"/>')
        parts.append(charts.svg_text(charts.PLOT_LEFT - 6, tick.position + 4, tick.label,
                                     "end", 10))
    provider = None
    for bar, peer in zip(chart.bars, peers, strict=True):
        label = (f"{peer.provider_name} ({peer.provider_code}): {metric(peer.value, unit)}, "
                 f"ranked {peer.rank} of {len(peers)}"
                 + (" (this trust)" if peer.is_provider else ""))
        if peer.is_provider:
            provider = (bar, label)
            continue
        parts.append(f'<rect class="bar peer" x="{bar.x:.2f}" y="{bar.y:.2f}" '
                     f'width="{bar.width:.2f}" height="{max(bar.height, 0.5):.2f}" '
                     f'fill="{charts.PEER_GREY}"><title>{escape(label)}</title></rect>')
    parts.append(f'<line x1="{charts.PLOT_LEFT}" x2="{charts.PLOT_RIGHT}" '
                 f'y1="{chart.zero_y:.1f}" y2="{chart.zero_y:.1f}" stroke="{charts.INK}"/>')
    parts.append(charts.benchmark_line_svg(chart, title=True))
    if provider is not None:
        parts.append(_provider_mark(*provider, chart))
    parts.append(charts.svg_text(charts.PLOT_LEFT, charts.PLOT_BOTTOM + 18, "◀ best", size=10))
    parts.append(charts.svg_text(charts.PLOT_RIGHT, charts.PLOT_BOTTOM + 18, "worst ▶", "end", 10))
    parts.append("</svg>")
    return Markup("".join(parts))


def _provider_mark(bar: charts.Bar, label: str, chart: charts.PeerChart) -> str:
    """The trust's bar: outlined and at least 3 units wide, a marker above it and a label."""
    width = max(bar.width, 3.0)
    centre = bar.x + bar.width / 2
    top = bar.y
    left, right = charts.PLOT_LEFT + 60, charts.PLOT_RIGHT - 60
    anchor = "start" if centre < left else "end" if centre > right else "middle"
    label_x = centre - 4 if anchor == "start" else centre + 4 if anchor == "end" else centre
    return "".join([
        f'<rect class="bar provider" data-provider="true" x="{centre - width / 2:.2f}" '
        f'y="{top:.2f}" width="{width:.2f}" height="{max(bar.height, 0.5):.2f}" '
        f'fill="{charts.NHS_BLUE}" stroke="{charts.INK}" stroke-width="0.8">'
        f"<title>{escape(label)}</title></rect>",
        f'<path class="provider-marker" d="M{centre - 5:.1f},{top - 9:.1f} '
        f'L{centre + 5:.1f},{top - 9:.1f} L{centre:.1f},{top - 2:.1f} Z" '
        f'fill="{charts.NHS_BLUE}" stroke="{charts.INK}" stroke-width="0.6"/>',
        charts.svg_text(label_x, charts.PLOT_TOP - 14, chart.provider_label or "", anchor, 11,
                        "bold", charts.NHS_BLUE),
    ])
