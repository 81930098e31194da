"""Peer and category charts: geometry from the scale, one bar per peer, no NaN, direction."""

from __future__ import annotations

import dataclasses
import math
import re

import lxml.etree
import pytest

from packgen.pack.model import Component, PeerValue
from packgen.render import charts, regional
from tests.sample_pack import sample_pack


def _component(values: list[float], own_index: int, direction: str = "lower",
               benchmark: float | None = 1.0, unit: str = "index") -> Component:
    ordered = sorted(values, reverse=direction == "higher")
    peers = tuple(PeerValue("OWN" if i == own_index else f"P{i:03d}", f"Peer {i}", v, i + 1,
                            1, i == own_index) for i, v in enumerate(ordered))
    # Shuffle the order the model hands over: the chart must rank by `rank`, not by position.
    peers = peers[1::2] + peers[0::2]
    return Component("c", "Cost index", "context", direction, "25th percentile", "Cost index",
                     unit, "GBP", ordered[own_index], benchmark, len(peers), 0.0, 0.0, peers)


def _svg(component: Component) -> lxml.etree._Element:
    return lxml.etree.fromstring(str(charts.peer_chart_svg(component)).encode())


NS = {"s": "http://www.w3.org/2000/svg"}


def test_one_bar_per_peer_ranked_best_first():
    values = [0.8 + i * 0.002 for i in range(200)]
    chart = charts.peer_chart(_component(values, own_index=150))
    assert len(chart.bars) == 200
    xs = [b.x for b in chart.bars]
    assert xs == sorted(xs)
    heights = [b.height for b in chart.bars]
    assert heights == sorted(heights)  # lower is better: best (shortest) bar on the left
    assert [i for i, b in enumerate(chart.bars) if b.is_provider] == [150]


def test_higher_is_better_puts_the_tallest_bar_first():
    chart = charts.peer_chart(_component([5.0, 9.0, 7.0, 6.0, 8.0], 0, direction="higher"))
    heights = [b.height for b in chart.bars]
    assert heights == sorted(heights, reverse=True)
    assert chart.bars[0].is_provider and chart.bars[0].value == 9.0


def test_benchmark_line_sits_where_the_scale_puts_it():
    chart = charts.peer_chart(_component([0.5, 0.9, 1.1, 1.3, 1.45], 2, benchmark=0.9))
    low, high = chart.domain
    assert (low, high) == (0.0, 1.5)
    expected = charts.PLOT_BOTTOM - (0.9 - low) / (high - low) * (
        charts.PLOT_BOTTOM - charts.PLOT_TOP)
    assert chart.benchmark_y == pytest.approx(expected)
    assert chart.zero_y == pytest.approx(charts.PLOT_BOTTOM)
    bar_at_benchmark = chart.bars[1]  # the 0.9 peer's top touches the benchmark line
    assert bar_at_benchmark.y == pytest.approx(chart.benchmark_y)
    line = _svg(_component([0.5, 0.9, 1.1, 1.3, 1.45], 2, benchmark=0.9)).find(
        "s:line[@class='benchmark']", NS)
    assert float(line.get("y1")) == pytest.approx(expected, abs=0.05)
    assert line.get("stroke-dasharray")  # dashed, so it reads without colour


def test_negative_values_hang_below_the_zero_line():
    chart = charts.peer_chart(_component([-0.02, 0.01, 0.03, 0.05], 0, benchmark=0.01, unit="%"))
    assert chart.domain[0] < 0 < chart.domain[1]
    negative = chart.bars[0]
    assert negative.y == pytest.approx(chart.zero_y) and negative.height > 0
    assert [t.label for t in chart.ticks][:2] == ["-2%", "0%"]


def test_svg_has_no_nan_and_labels_only_provider_and_benchmark():
    svg_text = str(charts.peer_chart_svg(_component([1.0 + i / 1000 for i in range(200)], 7)))
    assert "nan" not in svg_text.lower() and "inf" not in svg_text.lower()
    svg = lxml.etree.fromstring(svg_text.encode())
    texts = [t.text for t in svg.iterfind("s:text", NS)]
    tick_labels = 6
    assert len(texts) <= tick_labels + 3 + 3  # ticks, best/worst/count, provider + benchmark
    assert "This trust: 101" in texts and "Benchmark" in texts
    marked = svg.findall("s:rect[@data-provider='true']", NS)
    assert len(marked) == 1 and svg.find("s:path[@class='provider-marker']", NS) is not None


def test_missing_and_non_finite_values_are_left_out():
    component = _component([0.9, 1.0, 1.1], 1, benchmark=float("nan"))
    bad = PeerValue("BAD", "Bad", float("nan"), 4, 4, False)
    component = dataclasses.replace(component, peer_values=(*component.peer_values, bad))
    chart = charts.peer_chart(component)
    assert len(chart.bars) == 3 and chart.benchmark_y is None
    assert all(math.isfinite(v) for b in chart.bars for v in (b.x, b.y, b.width, b.height))
    assert charts.peer_chart(dataclasses.replace(component, peer_values=())) is None
    assert str(charts.peer_chart_svg(dataclasses.replace(component, peer_values=()))) == ""


def test_text_in_charts_is_escaped():
    component = dataclasses.replace(_component([1.0, 1.1], 0), title="<script>&")
    svg = str(charts.peer_chart_svg(component))
    assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0, 1.3, [0, 0.5, 1.0, 1.5]),
    (0, 0.056, [0, 0.02, 0.04, 0.06]),
    (-0.02, 0.05, [-0.02, 0, 0.02, 0.04, 0.06]),
    (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (0, 1234, [0, 250, 500, 750, 1000, 1250]),
])
def test_nice_ticks(low, high, expected):
    assert charts.nice_ticks(low, high) == pytest.approx(expected)


def test_category_bars_scale_to_the_largest_category():
    pack = sample_pack()
    svg = lxml.etree.fromstring(str(charts.category_bars_svg(pack.categories)).encode())
    bars = svg.findall("s:rect[@class='category-bar']", NS)
    assert len(bars) == len(pack.categories)
    widths = [float(b.get("width")) for b in bars]
    first = pack.categories[0].opportunity_gbp
    for width, category in zip(widths, pack.categories, strict=True):
        assert width == pytest.approx(widths[0] * category.opportunity_gbp / first, abs=0.1)
    labels = [t.text for t in svg.iterfind("s:text", NS)]
    assert labels[:3] == [pack.categories[0].title, "£8.9m", pack.categories[1].title]
    assert re.fullmatch(r"£0", labels[-1])


def test_a_long_provider_name_is_shortened_but_keeps_its_code():
    """Regional charts label each bar with the provider: the ODS code must survive shortening."""
    name = "Royal Northern Hospitals University Teaching NHS Foundation Trust"
    label = charts.label_keeping(name, " (ZA1)")
    assert label.endswith("… (ZA1)") and len(label) <= charts.LABEL_CHARS
    assert charts.label_keeping("Alpha Hospital", " (RAA)") == "Alpha Hospital (RAA)"
    svg = str(charts.category_bars_svg((regional._Bar(label, 1e6),)))
    assert "(ZA1)</text>" in svg and "…" in svg


def test_capital_letters_are_measured_so_no_label_is_cut_off():
    """ODS publishes names in capitals, wider than mixed case: the bars start after
    the widest label, measured with the shipped font's own advance widths."""
    caps = "NORTH WEST AMBULANCE SERVICE NHS TRUST (RX7)"
    assert charts.text_width(caps, 11) > charts.text_width(caps.title(), 11) * 1.1
    svg = lxml.etree.fromstring(str(charts.category_bars_svg(
        (regional._Bar(caps, 1e6), regional._Bar("Alpha (RAA)", 5e5)))).encode())
    bar_left = float(svg.find("{http://www.w3.org/2000/svg}rect").get("x"))
    assert bar_left - 8 - charts.text_width(caps, 11) >= 0
