"""The HTML/PDF pack: content asserted from the parsed HTML, and a PDF that really renders."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zlib

import lxml.html
import pytest

from packgen.pack.model import (
    CategorySection,
    Component,
    Headline,
    NotAssessedRow,
    Pack,
    PeerValue,
    ResultRow,
)
from packgen.render import html
from packgen.render.formatting import gbp, gbp_full
from packgen.render.html import render_html
from packgen.render.pdf import render_pdf_bytes, write_html, write_pdf
from tests.sample_pack import sample_pack


def _peers(n: int, own_rank: int, lower_better: bool = True) -> tuple[PeerValue, ...]:
    values = [10.0 + i * 0.25 for i in range(n)]
    if not lower_better:
        values.reverse()
    return tuple(PeerValue("OWN" if rank == own_rank else f"P{rank:03d}",
                           "Own Trust" if rank == own_rank else f"Peer {rank}", v, rank,
                           min(4, 1 + (rank - 1) * 4 // n), rank == own_rank)
                 for rank, v in enumerate(values, start=1))


def _component(cid: str, unit: str, role: str = "opportunity", gbp_amount: float = 0.0,
               peers: tuple[PeerValue, ...] = (), benchmark: float | None = 12.0) -> Component:
    return Component(cid, f"Measure {cid}", role, "lower", "25th percentile of peers",
                     f"Metric {cid}", unit, "bed days", 14.5, benchmark, len(peers) or None,
                     1234.5 if gbp_amount else 0.0, gbp_amount, peers)


def _row(i: int, amount: float) -> ResultRow:
    return ResultRow("mh_los", "los", f"ward_{i}", f"Adult acute ward type with a long label {i} "
                     "that wraps over more than one line in the table", True, None, 30.0 + i,
                     25.0, 40, 500.0, 400.0, amount / 400, "bed days", amount,
                     "MAX(0, metric - benchmark) x volume x unit_value")


def _section(cid: str, title: str, amount: float, components=(), chart=None,
             top_rows=()) -> CategorySection:
    return CategorySection(
        cid, f"PG-{cid[:4].upper()}", title, "What it measures.", "Why it matters.",
        "How it is calculated.", (), "Ward type", tuple(components), chart, tuple(top_rows),
        tuple(top_rows), amount, {"bed days": amount / 400} if amount else {}, 0,
        f"Sentence for {title} worth {gbp_full(amount)}.")


def edge_pack() -> Pack:
    """A mental-health pack at the edges the engine can produce: 0-3 components, charts with
    200 peers (provider worst) or 8 peers (provider best) or no benchmark, 0 or 10 top rows,
    no drill-down, no productivity, real (not synthetic) data, many not-assessed rows."""
    base = sample_pack()
    big = _component("los", "days", gbp_amount=2_000_000.0, peers=_peers(200, 200))
    small = _component("contacts", "per WTE", "context", peers=_peers(8, 1, False))
    no_bench = _component("corp", "%", "context", peers=_peers(30, 12), benchmark=None)
    categories = (
        _section("mh_los", "Mental health length of stay by ward type", 2_000_000.0, [big], big,
                 [_row(i, 200_000.0 - i * 1000) for i in range(12)]),
        _section("talking_therapies", "NHS Talking Therapies", 450_000.0,
                 [_component("dna", "%", gbp_amount=300_000.0),
                  _component("wte", "WTE", gbp_amount=150_000.0), small], small),
        _section("corporate_services", "Corporate services", 120_000.0, (), no_bench,
                 [_row(1, 120_000.0)]),
        _section("estates_procurement", "Estates and procurement", 0.0,
                 [_component("energy", "kWh per m2", "context")]),
    )
    total = sum(c.opportunity_gbp for c in categories)
    provider = dataclasses.replace(base.provider, code="RMH", name="Northshire Mental Health "
                                   "NHS Foundation Trust", sector="mental_health",
                                   sector_name="Mental health", peer_group="MENTAL HEALTH")
    return dataclasses.replace(
        base, run=dataclasses.replace(base.run, synthetic=False, prior_period=None),
        provider=provider, categories=categories, total_opportunity_gbp=total,
        total_pct_of_cost_base=total / provider.operating_cost_gbp,
        headlines=tuple(Headline(c.id, c.title, c.opportunity_gbp, c.sentence)
                        for c in categories[:3]),
        productivity=None, data_notes=(),
        not_assessed=tuple(NotAssessedRow("mh_los", "los", f"w{i}", f"Ward {i}",
                                          "fewer than 5 peers" if i % 2 else "activity under 10")
                           for i in range(20)))


@pytest.fixture(scope="module")
def sample() -> Pack:
    return sample_pack()


@pytest.fixture(scope="module")
def sample_doc(sample):
    return lxml.html.fromstring(render_html(sample))


def _text(element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def _select(element, selector: str) -> list:
    """Elements below `element` matching "tag.class1.class2" (tag or classes optional)."""
    tag, *classes = selector.split(".")
    tests = "".join(f"[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]"
                    for c in classes)
    return element.xpath(f".//{tag or '*'}{tests}")


def _pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF whose objects may sit in compressed object streams."""
    streams = [zlib.decompress(m.group(1)) for m in
               re.finditer(rb"/FlateDecode[^>]*>>\s*stream\r?\n(.*?)endstream", pdf, re.S)
               if _inflatable(m.group(1))]
    return sum(len(re.findall(rb"/Type\s*/Page\b", chunk)) for chunk in [pdf, *streams])


def _inflatable(data: bytes) -> bool:
    try:
        zlib.decompress(data)
    except zlib.error:
        return False
    return True


def test_category_titles_appear_in_model_order(sample, sample_doc):
    titles = [_text(h).rsplit(" ", 1)[0] for h in _select(sample_doc, "h2.category-title")]
    assert titles == [c.title for c in sample.categories]


def test_summary_shows_total_requirement_and_headlines(sample, sample_doc):
    summary = sample_doc.get_element_by_id("summary")
    text = _text(summary)
    assert _text(sample_doc.get_element_by_id("total-opportunity")) == "£13.7m"
    assert gbp_full(sample.total_opportunity_gbp) in text
    assert gbp(sample.requirement_gbp) in text
    assert "1.7%" in text  # total_pct_of_cost_base 0.01697...
    assert sample.overlap_note in text
    sentences = [_text(s) for s in _select(summary, ".headline-sentence")]
    assert sentences == [h.sentence for h in sample.headlines]
    assert sample.productivity.sentence in text
    assert "41st of 120" in text


def test_synthetic_mark_present_only_for_synthetic_runs(sample):
    synthetic = render_html(sample)
    real = render_html(dataclasses.replace(sample, run=dataclasses.replace(sample.run,
                                                                          synthetic=False)))
    assert "SYNTHETIC DATA" in synthetic
    assert _select(lxml.html.fromstring(synthetic), ".synthetic-watermark")
    real_doc = lxml.html.fromstring(real)
    assert "SYNTHETIC DATA" not in _text(real_doc.body).upper()
    assert not _select(real_doc, ".synthetic-watermark") + _select(real_doc, ".synthetic-banner")


def test_awkward_provider_name_is_escaped_text(sample, sample_doc):
    html = render_html(sample)
    assert "&lt;Teaching&gt;" in html
    assert "<Teaching>" not in html
    assert not _select(sample_doc, "teaching")
    assert sample.provider.name in _text(_select(sample_doc, ".cover-provider")[0])


def test_contents_links_to_every_section(sample, sample_doc):
    targets = [a.get("href") for toc in _select(sample_doc, "ol.toc") for a in toc.iter("a")]
    ids = set(sample_doc.xpath("//@id"))
    assert all(t.startswith("#") and t[1:] in ids for t in targets)
    expected = {"#summary", "#drilldown-cat-acute_cost", "#reading", "#notes", "#method"}
    expected |= {f"#cat-{c.id}" for c in sample.categories}
    assert set(targets) == expected


def _bar_count(svg) -> int:
    """Peers' bars are sub-paths (one 'M' each) of one path; the provider's bar is a rect."""
    peers = sum(path.get("d").count("M") for path in _select(svg, "path.bars"))
    return peers + len(_select(svg, "rect.bar"))


def test_peer_chart_has_one_bar_per_peer_and_marks_the_provider(sample, sample_doc):
    section = sample_doc.get_element_by_id("cat-acute_cost")
    svg = _select(section, "svg.peer-chart")[0]
    assert _bar_count(svg) == len(sample.categories[0].chart.peer_values)
    marked = [b for b in _select(svg, "rect.bar") if b.get("data-provider") == "true"]
    assert len(marked) == 1
    assert _select(svg, "path.provider-marker") and _select(svg, "line.benchmark")
    assert "This trust: 108" in _text(svg)  # the component value, shown x100


def test_metric_values_formatted_by_unit(sample_doc):
    staffing = _text(sample_doc.get_element_by_id("cat-temporary_staffing"))
    assert "4.1%" in staffing and "2.2%" in staffing  # agency share of pay bill (fractions)
    assert "£21.4m" in staffing
    acute = _text(sample_doc.get_element_by_id("cat-acute_cost"))
    assert re.search(r"Overall cost index .* 108 97 ", acute)  # index ratios shown x100


def test_zero_opportunity_category_shows_its_positive_sentence(sample, sample_doc):
    medicines = sample_doc.get_element_by_id("cat-medicines")
    assert _text(_select(medicines, ".sentence.positive")[0]) == sample.categories[2].sentence


def test_drilldown_lists_specialties_and_points_to_excel(sample, sample_doc):
    drill = _text(sample_doc.get_element_by_id("drilldown-cat-acute_cost"))
    assert "Excel pack" in drill
    specialties = sample.drilldowns[0].drilldown.specialties
    shown = specialties[:html.MAX_SPECIALTIES]
    assert len(specialties) > len(shown)  # the sample exercises the cap
    for specialty in shown:
        assert specialty.service_name in drill
    assert f"Showing the top {len(shown)} of {len(specialties)} specialties" in drill


def test_method_page_identifies_the_run(sample, sample_doc):
    method = _text(sample_doc.get_element_by_id("method"))
    assert sample.run.run_id in method
    for label, value in sample.run.parameters.items():
        assert f"{label} {value}" in method
    assert "000000000000…" in method and "0" * 13 not in method


def test_edge_pack_renders_without_drilldown_or_context():
    pack = edge_pack()
    doc = lxml.html.fromstring(render_html(pack))
    assert doc.get_element_by_id("drilldown", None) is None
    assert "#drilldown" not in render_html(pack)
    top_rows = _select(doc.get_element_by_id("cat-mh_los"), "table.top-rows")[0]
    assert len(top_rows.xpath("./tbody/tr")) == html.MAX_TOP_ROWS  # capped from 12
    charts = {s.get("id"): _select(s, "svg.peer-chart") for s in _select(doc, "section.category")}
    assert _bar_count(charts["cat-mh_los"][0]) == 200
    assert not _select(charts["cat-corporate_services"][0], "line.benchmark")
    assert not charts["cat-estates_procurement"]
    notes = _text(doc.get_element_by_id("notes"))
    assert "fewer than 5 peers 10" in notes
    assert f"Showing {html.MAX_NOT_ASSESSED_LISTED} of 20" in notes


def test_pdf_renders_with_the_provider_name(sample, tmp_path):
    pdf = render_pdf_bytes(sample)
    assert pdf.startswith(b"%PDF")
    pages = _pdf_page_count(pdf)
    assert 6 <= pages <= 16
    if shutil.which("pdftotext"):
        path = tmp_path / "pack.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "=Riverside <Teaching> Hospitals & Community" in " ".join(text.split())
        assert "SYNTHETIC DATA" in text
        # the watermark is drawn, not set as text: none of its letters is scattered through
        # the text layer (copy-paste, screen readers)
        assert not [line for line in text.splitlines() if re.fullmatch(r"\s*[A-Z]\s*", line)]


def test_writers_replace_files_atomically(tmp_path):
    pack = edge_pack()
    html_path = write_html(pack, tmp_path / "out" / "RMH.html")
    pdf_path = write_pdf(pack, tmp_path / "out" / "RMH.pdf")
    assert pdf_path.read_bytes().startswith(b"%PDF")
    html = html_path.read_text(encoding="utf-8")
    assert "<style>" in html and "@page" in html and "<svg" in html  # self-contained
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["RMH.html", "RMH.pdf"]


def test_drilldown_shows_the_acute_opportunity_by_point_of_delivery(sample, sample_doc):
    table = _select(sample_doc.get_element_by_id("drilldown-cat-acute_cost"),
                    "table.pod-groups")[0]
    text = _text(table)
    for _code, name, amount in sample.drilldowns[0].drilldown.by_pod_group:
        assert f"{name} {gbp_full(amount)}" in text
    acute = next(c for c in sample.categories if c.id == "acute_cost")
    assert f"Acute cost total {gbp_full(acute.opportunity_gbp)}" in text


def test_every_part_of_the_sample_pack_fits_one_page(sample):
    """Cover with contents, summary, one page per category, drill-down, notes, method: a section
    that spills onto a second page costs WeasyPrint time and the reader a half-empty page."""
    # A category with no opportunity, chart or rows (medicines here) is a few lines that
    # follow the previous section on its page.
    full = [c for c in sample.categories if c.opportunity_gbp > 0 or c.chart or c.top_rows]
    assert 0 < len(full) < len(sample.categories)
    parts = 1 + 1 + len(full) + len(sample.drilldowns) + 1 + 1 + 1  # + reading, notes, method
    assert _pdf_page_count(render_pdf_bytes(sample)) == parts


def test_summary_bars_are_scaled_to_the_largest_category(sample, sample_doc):
    table = _select(sample_doc.get_element_by_id("summary"), "table.category-table")[0]
    largest = max(c.opportunity_gbp for c in sample.categories)
    widths = [float(re.search(r"width: ([\d.]+)%", bar.get("style")).group(1))
              for bar in _select(table, "span.bar")]
    expected = [round(100 * c.opportunity_gbp / largest, 1) for c in sample.categories
                if c.opportunity_gbp > 0]
    assert widths == expected and max(widths) == 100.0
