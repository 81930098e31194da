"""What a finance director reads first (issue 14): no doubled units, acronyms kept, peers named as
they are, one staffing figure, the glossary and how-to-read page in every pack, figures that
read differently when they differ. Read from each sector's HTML pack, as text."""

from __future__ import annotations

import re

import lxml.html
import pytest

from packgen.pack.build import build_pack
from packgen.render.html import render_html


@pytest.fixture(scope="module")
def texts(computed_national):
    """One pack of each sector: (pack, its HTML as a reader sees it, the parsed document)."""
    _folder, source = computed_national
    seen: dict[str, str] = {}
    for code, row in sorted(source.providers.items()):
        seen.setdefault(row["sector"], code)
    out = {}
    for sector, code in seen.items():
        pack = build_pack(source, code, detail=False)
        doc = lxml.html.fromstring(render_html(pack))
        out[sector] = (pack, " ".join(doc.text_content().split()), doc)
    return out


def test_no_doubled_units_lowered_acronyms_or_zero_decimals(texts):
    for sector, (_pack, text, _doc) in texts.items():
        doubled = re.findall(r"\(([^()]{2,40})\) \(\1\)", text)
        assert not doubled, (sector, doubled)
        assert not re.search(r"\b([a-z]+)( per m2)?\s*\(\1 per m2\)", text), sector
        assert "kWh per m2 (kWh per m2)" not in text, sector
        assert "dNA" not in text and "per wte" not in text, sector
        assert not re.search(r"\b0\.00 (kWh|bed days|appointments|WTE)", text), sector
        assert "(synthetic) (synthetic" not in text, sector


def test_peers_are_named_as_they_are(texts):
    for sector, (pack, text, _doc) in texts.items():
        if sector not in ("acute", "specialist"):
            assert "acute and specialist" not in text, sector
        assert f"Peers: {pack.peers}" in text or pack.peers in text
        for section in pack.categories:
            if section.rank:
                assert f"ranks {section.rank}" in text or "ranks" in text
        # the workbook says the same: the peers, and the ERIC trust type as what it is
        from packgen.render.excel import build_workbook
        cover = dict(row[:2] for row in build_workbook(pack)["Cover"].iter_rows(values_only=True)
                     if row[0])
        assert cover["Peers"] == pack.peers and "Peer group" not in cover, sector
        assert cover["Trust type (ERIC)"] == (pack.provider.peer_group or "Not known")


def test_each_category_page_names_its_peers_and_the_trusts_rank(texts):
    pack, _text, doc = texts["community"]
    for section in pack.categories:
        page = doc.get_element_by_id(f"cat-{section.id}")
        line = " ".join(page.xpath(".//p[contains(@class,'peers-line')]")[0]
                        .text_content().split())
        assert line.startswith("Peers: Same sector: community trusts")
        if section.rank:
            assert f"of {section.rank_of} with valid data (1 = best)" in line


def test_temporary_staffing_states_one_figure(texts):
    for sector, (pack, _text, doc) in texts.items():
        staffing = next(c for c in pack.categories if c.id == "temporary_staffing")
        if not staffing.opportunity_gbp:
            continue
        page = " ".join(doc.get_element_by_id("cat-temporary_staffing").text_content().split())
        assert page.count("half of it would count as opportunity") == 1, sector
        box = doc.get_element_by_id("cat-temporary_staffing").xpath(
            ".//div[contains(@class,'category-figure')]")[0].text_content()
        assert "agency spend" not in box and "bank spend" not in box, sector
        # the table's £ column gives the same pounds as the box
        assert f"£{staffing.opportunity_gbp:,.0f} a year" in page
        # the table calls the spend cut what it is, before the half counted, and its target a
        # target: no second "opportunity" and no peer "benchmark"
        table = doc.get_element_by_id("cat-temporary_staffing").xpath(
            ".//table[contains(@class,'top-rows')]")[0]
        head = [" ".join(th.text_content().split()) for th in table.xpath(".//thead//th")]
        assert head[2] == "Target" and head[4].startswith("Before pricing"), head
        assert "Opportunity" not in head and "Benchmark" not in head, head
        body = " ".join(table.xpath(".//tbody")[0].text_content().split())
        assert "cut from agency spend" in body and "of agency spend" not in body


def test_every_pack_explains_how_to_read_it_and_its_terms(texts):
    for sector, (_pack, _text, doc) in texts.items():
        reading = " ".join(doc.get_element_by_id("reading").text_content().split())
        for phrase in ("Only positive gaps count", "Plan within the range: from the total "
                       "with overlaps removed at the peers' median to the upper bound",
                       "a category counts unless it overlaps one already counted",
                       "Context rows.", "Fixed targets."):
            assert phrase in reading, (sector, phrase)
        for term in ("MFF.", "HRG.", "Point of delivery.", "WTE.", "DNA.", "ERIC.", "SCMD.",
                     "Crew hour.", "Conveyance.",
                     "EL and EL_XS"):
            assert term in reading, (sector, term)


def test_figures_that_differ_read_differently(texts):
    """A measure with an opportunity never reads '3.9% against 3.9%'."""
    for sector, (pack, _text, doc) in texts.items():
        for section in pack.categories:
            page = doc.get_element_by_id(f"cat-{section.id}")
            for tr in page.xpath(".//table[contains(@class,'components')]/tbody/tr"):
                cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
                if len(cells) == 7 and cells[6] not in ("£0", "–", "not priced") \
                        and cells[1] != "–":
                    assert cells[1] != cells[2], (sector, section.id, cells)


def test_handover_pounds_are_said_to_be_shared_with_hospitals_on_the_summary(texts):
    pack, _text, doc = texts["ambulance"]
    handover = next(s for s in pack.categories if s.id == "ambulance_handover")
    summary = " ".join(doc.get_element_by_id("summary").text_content().split())
    assert handover.opportunity_gbp > 0
    assert ("Handover delays: Much of the handover delay depends on the receiving hospitals"
            in summary)
    assert "not a saving within the trust's own control" in summary
