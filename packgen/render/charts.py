"""Inline SVG charts, written by hand: no network, no plotting library, cheap for WeasyPrint.

Geometry is computed in plain dataclasses (tested without rendering) and then written as SVG with
every piece of text escaped. Charts never rely on colour alone: the provider's bar is dark blue
*and* carries a marker and a label; the benchmark is a dashed line with its own label. With
hundreds of peers only the provider and the benchmark are labelled, so labels cannot collide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from packgen.pack.model import CategorySection, Component
from packgen.render.formatting import axis_labels, gbp, metric

NHS_BLUE = "#005EB8"
PEER_GREY = "#AEB7BD"
INK = "#212B32"
GRID = "#E8EDEE"
FONT = "Packgen Sans, DejaVu Sans, sans-serif"  # as the stylesheets

# Peer chart canvas, in SVG user units (about 1 px at A4 content width).
WIDTH, HEIGHT = 680.0, 130.0
PLOT_LEFT, PLOT_RIGHT = 52.0, 590.0  # right margin holds the benchmark label
PLOT_TOP, PLOT_BOTTOM = 26.0, 108.0  # top band holds the provider label


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float
    is_provider: bool


@dataclass(frozen=True)
class Tick:
    position: float  # y for the peer chart's value axis
    value: float
    label: str


@dataclass(frozen=True)
class PeerChart:
    bars: tuple[Bar, ...]  # best performance first (left), worst last
    ticks: tuple[Tick, ...]
    domain: tuple[float, float]
    zero_y: float
    benchmark_y: float | None
    benchmark_label: str | None
    provider_label: str | None
    description: str  # the chart in words, for screen readers and the SVG <title>


def nice_ticks(low: float, high: float, max_ticks: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 x 10^k apart) spanning [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("tick range must be finite")
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (abs(low) or 1.0)
    raw_step = (high - low) / max(1, max_ticks - 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step - 1e-12)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    count = round((last - first) / step)
    # Rounding away float noise keeps labels like 0.30000000000000004 out of the axis.
    return [round(first + i * step, 12) for i in range(count + 1)]


def _scale(value: float, domain: tuple[float, float]) -> float:
    low, high = domain
    return PLOT_BOTTOM - (value - low) / (high - low) * (PLOT_BOTTOM - PLOT_TOP)


def peer_chart(component: Component) -> PeerChart | None:
    """The ranked-peers chart of a component, or None when it has no finite peer values."""
    peers = sorted((p for p in component.peer_values if math.isfinite(p.value)),
                   key=lambda p: (p.rank, p.provider_code))
    if not peers:
        return None
    unit = component.metric_unit
    bench = component.benchmark
    if bench is not None and not math.isfinite(bench):
        bench = None
    values = [p.value for p in peers] + ([bench] if bench is not None else [])
    tick_values = nice_ticks(min(0.0, *values), max(0.0, *values))
    domain = (tick_values[0], tick_values[-1])
    zero_y = _scale(0.0, domain)
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(peers)
    gap = min(slot * 0.2, 2.0)
    bars = []
    for i, peer in enumerate(peers):
        top = _scale(peer.value, domain)
        bars.append(Bar(PLOT_LEFT + i * slot + gap / 2, min(top, zero_y), slot - gap,
                        abs(zero_y - top), peer.value, peer.is_provider))
    ticks = tuple(Tick(_scale(v, domain), v, label)
                  for v, label in zip(tick_values, axis_labels(tick_values, unit), strict=True))
    own = next((p for p in peers if p.is_provider), None)
    provider_label = f"This trust: {metric(own.value, unit)}" if own else None
    bench_label = metric(bench, unit) if bench is not None else None
    best = "lowest" if component.direction == "lower" else "highest"
    description = (f"{component.title}: {len(peers)} peers ranked from best ({best} value, left) "
                   f"to worst (right).")
    if own:
        description += f" This trust is ranked {own.rank} with {metric(own.value, unit)}."
    if bench_label:
        description += f" Benchmark {bench_label}."
    return PeerChart(tuple(bars), ticks, domain, zero_y,
                     _scale(bench, domain) if bench is not None else None, bench_label,
                     provider_label, description)


def svg_text(x: float, y: float, text: str, anchor: str = "start", size: float = 11,
             weight: str = "normal", fill: str = INK) -> str:
    """An SVG <text> element, its text escaped (names come from data)."""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
            f'text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>')



def benchmark_line_svg(chart: PeerChart, title: bool = False) -> str:
    """The dashed benchmark line across the plot and its label on the right (empty when the
    chart has no benchmark); with `title`, the line also carries it as an SVG <title>."""
    if chart.benchmark_y is None:
        return ""
    y, label = chart.benchmark_y, chart.benchmark_label or ""
    tooltip = f"<title>Benchmark: {escape(label)}</title>" if title else ""
    return (f'<line class="benchmark" x1="{PLOT_LEFT}" x2="{PLOT_RIGHT + 6}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="1.5" '
            f'stroke-dasharray="6 3">{tooltip}</line>'
            + svg_text(PLOT_RIGHT + 10, y - 2, "Benchmark", size=10)
            + svg_text(PLOT_RIGHT + 10, y + 11, label, size=11, weight="bold"))


def peer_chart_svg(component: Component) -> Markup:
    """The ranked-peers chart as inline SVG (empty markup when there is nothing to chart)."""
    chart = peer_chart(component)
    if chart is None:
        return Markup("")
    parts = [f'<svg class="peer-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" font-family="{FONT}" '
             f'aria-label="{escape(chart.description)}"><title>{escape(chart.description)}</title>']
    for tick in chart.ticks:
        parts.append(f'<line class="grid" x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" '
                     f'y1="{tick.position:.1f}" y2="{tick.position:.1f}" stroke="{GRID}"/>')
        parts.append(svg_text(PLOT_LEFT - 6, tick.position + 4, tick.label, "end", 10))
    provider_bar = next((bar for bar in chart.bars if bar.is_provider), None)
    # Every peer's bar is one sub-path of a single <path>: WeasyPrint styles and lays out one
    # element instead of ~200 (a third of a second a pack at national scale).
    peers = [bar for bar in chart.bars if not bar.is_provider]
    outline = " ".join(f"M{b.x:.2f},{b.y:.2f}h{b.width:.2f}v{b.height:.2f}h{-b.width:.2f}Z"
                       for b in peers)
    parts.append(f'<path class="bars" data-bars="{len(peers)}" d="{outline}" '
                 f'fill="{PEER_GREY}"/>')
    parts.append(f'<line class="axis" x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{chart.zero_y:.1f}" '
                 f'y2="{chart.zero_y:.1f}" stroke="{INK}" stroke-width="1"/>')
    parts.append(benchmark_line_svg(chart))
    if provider_bar is not None:
        parts.append(_provider_mark(provider_bar, chart))
    parts.append(svg_text(PLOT_LEFT, PLOT_BOTTOM + 18, "◀ best", size=10))
    parts.append(svg_text(PLOT_RIGHT, PLOT_BOTTOM + 18, "worst ▶", "end", 10))
    parts.append(svg_text((PLOT_LEFT + PLOT_RIGHT) / 2, PLOT_BOTTOM + 18,
                       f"{len(chart.bars)} providers ranked by performance", "middle", 10))
    parts.append("</svg>")
    return Markup("".join(parts))


def _provider_mark(bar: Bar, chart: PeerChart) -> str:
    """The provider's bar on top of the others, a marker above it and a label in the top band."""
    # At least 3 units wide so the bar shows among 200 peers even in greyscale.
    width = max(bar.width, 3.0)
    x = bar.x + bar.width / 2 - width / 2
    centre = bar.x + bar.width / 2
    top = bar.y
    anchor = "start" if centre < PLOT_LEFT + 60 else "end" if centre > PLOT_RIGHT - 60 else "middle"
    label_x = centre - 4 if anchor == "start" else centre + 4 if anchor == "end" else centre
    return "".join([
        f'<rect class="bar provider" data-provider="true" x="{x:.2f}" y="{top:.2f}" '
        f'width="{width:.2f}" height="{bar.height:.2f}" fill="{NHS_BLUE}" stroke="{INK}" '
        f'stroke-width="0.6"/>',
        f'<line class="provider-leader" x1="{centre:.1f}" x2="{centre:.1f}" y1="{PLOT_TOP - 12}" '
        f'y2="{top - 7:.1f}" stroke="{NHS_BLUE}" stroke-width="1" stroke-dasharray="1 2"/>',
        f'<path class="provider-marker" d="M{centre - 5:.1f},{top - 8:.1f} '
        f'L{centre + 5:.1f},{top - 8:.1f} L{centre:.1f},{top - 1:.1f} Z" fill="{NHS_BLUE}" '
        f'stroke="{INK}" stroke-width="0.6"/>',
        svg_text(label_x, PLOT_TOP - 16, chart.provider_label or "", anchor, 11, "bold", NHS_BLUE),
    ])


# Category bar chart (summary page): one row per category, in the model's order.
ROW_HEIGHT = 22.0
LABEL_CHARS = 44


@lru_cache(maxsize=1)
def _advances() -> tuple[dict[int, float], float]:
    """The shipped regular face's advance width of each character, in ems (and the mean, for
    characters outside it): an SVG has no text measurement, and all-capital names (as ODS
    publishes them) are a third wider than the average character."""
    from fontTools.ttLib import TTFont

    from packgen.render import fonts

    font = TTFont(fonts.FONTS_DIR / "PackgenSans.ttf", lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
    return widths, sum(widths.values()) / len(widths)


def text_width(text: str, size: float) -> float:
    """The width of `text` set in the shipped face at `size` pixels."""
    widths, mean = _advances()
    return size * sum(widths.get(ord(ch), mean) for ch in text)


def label_keeping(name: str, suffix: str) -> str:
    """`name` then `suffix` (e.g. " (ZA1)") in at most LABEL_CHARS characters: a long name is
    shortened with an ellipsis, the suffix (the code that identifies the bar) is always kept."""
    if len(name) + len(suffix) <= LABEL_CHARS:
        return name + suffix
    return name[: max(1, LABEL_CHARS - len(suffix) - 1)].rstrip() + "…" + suffix


def category_bars_svg(categories: tuple[CategorySection, ...]) -> Markup:
    """Horizontal bars of each category's opportunity, labelled with its title and amount."""
    if not categories:
        return Markup("")
    labels = [c.title if len(c.title) <= LABEL_CHARS else c.title[: LABEL_CHARS - 1] + "…"
              for c in categories]
    label_width = 12 + max(text_width(label, 11) for label in labels)
    bar_left, bar_right = label_width, WIDTH - 80
    largest = max((c.opportunity_gbp for c in categories), default=0.0)
    height = ROW_HEIGHT * len(categories) + 6
    parts = [f'<svg class="category-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {WIDTH:.0f} {height:.0f}" font-family="{FONT}" '
             f'aria-label="Opportunity by category, largest first">'
             f'<title>Opportunity by category, largest first</title>']
    for i, (category, label) in enumerate(zip(categories, labels, strict=True)):
        y = 3 + i * ROW_HEIGHT
        amount = max(0.0, category.opportunity_gbp)
        length = 0.0 if largest <= 0 else amount / largest * (bar_right - bar_left)
        parts.append(svg_text(bar_left - 8, y + 15, label, "end", 11))
        parts.append(f'<rect class="category-bar" x="{bar_left:.1f}" y="{y + 3:.1f}" '
                     f'width="{length:.1f}" height="{ROW_HEIGHT - 6:.1f}" fill="{NHS_BLUE}"/>')
        parts.append(svg_text(bar_left + length + 6, y + 15, gbp(amount), size=11, weight="bold"))
    parts.append(f'<line x1="{bar_left:.1f}" x2="{bar_left:.1f}" y1="0" y2="{height:.0f}" '
                 f'stroke="{INK}" stroke-width="1"/></svg>')
    return Markup("".join(parts))
