"""The same figures wherever a reader meets them: the PDF/HTML pack, the Excel pack and the
national summary agree with the pack model (to the pound on the page, to the penny in Excel)."""

from __future__ import annotations

import lxml.html
import openpyxl
import pytest

from packgen.pack.build import build_pack
from packgen.render import national
from packgen.render.excel import write_workbook
from packgen.render.formatting import gbp_full
from packgen.render.html import render_html


@pytest.fixture(scope="module")
def source(computed_national):
    return computed_national[1]


def _one_per_sector(source):
    seen = {}
    for code, row in sorted(source.providers.items()):
        seen.setdefault(row["sector"], code)
    return sorted(seen.values())


def _table_rows(ws, table_name):
    table = ws.tables[table_name]
    first, last = openpyxl.utils.cell.range_boundaries(table.ref)[1::2]
    header = [c.value for c in ws[first]]
    return [dict(zip(header, (c.value for c in ws[r]), strict=True))
            for r in range(first + 1, last + 1)]


def test_pdf_summary_table_and_workbook_summary_match_the_model(source, tmp_path):
    for code in _one_per_sector(source):
        pack = build_pack(source, code)
        doc = lxml.html.fromstring(render_html(pack))
        shown = [row.xpath("./td")[1].text_content().strip()
                 for row in doc.xpath("//table[contains(@class,'category-table')]/tbody/tr")]
        # a category that could not be assessed says so, never "£0"
        assert shown == [gbp_full(c.opportunity_gbp) if c.assessed else "Not assessed"
                         for c in pack.categories]
        total = doc.xpath("//table[contains(@class,'category-table')]/tfoot//th")[1]
        assert total.text_content().strip() == gbp_full(pack.total_opportunity_gbp)

        wb = openpyxl.load_workbook(write_workbook(pack, tmp_path / f"{code}.xlsx"))
        rows = _table_rows(wb["Summary"], "Summary_by_category")
        # a category not assessed is blank (with its reason), never £0
        assert [r["Opportunity £"] for r in rows] == [c.opportunity_gbp if c.assessed else None
                                                      for c in pack.categories]
        assert round(sum(r["Opportunity £"] or 0 for r in rows), 2) == pack.total_opportunity_gbp
        # what the page shows is the workbook's figure rounded to the pound
        assert [s for s, c in zip(shown, pack.categories, strict=True) if c.assessed] == [
            gbp_full(r["Opportunity £"]) for r, c in zip(rows, pack.categories, strict=True)
            if c.assessed]


def test_national_summary_matches_every_pack_to_the_penny(source, tmp_path):
    packs = [build_pack(source, code, detail=False) for code in sorted(source.providers)]
    path = national.write_national_workbook(tmp_path / "national.xlsx", packs, source.run,
                                            {p.provider.code: "OK" for p in packs})
    wb = openpyxl.load_workbook(path)
    ws = wb["Provider categories"]
    (name,) = ws.tables.keys()
    figures = {(r["ODS code"], r["Category id"]): r["Opportunity (£)"]
               for r in _table_rows(ws, name)}
    # a category not assessed has a blank, never £0
    expected = {(p.provider.code, c.id): c.opportunity_gbp if c.assessed else None
                for p in packs for c in p.categories}
    assert figures == expected
    assert None in figures.values()  # the generated data has categories not assessed
    assert round(sum(v for v in figures.values() if v is not None), 2) == round(
        sum(p.total_opportunity_gbp for p in packs), 2)
