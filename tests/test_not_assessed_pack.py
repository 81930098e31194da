"""What a pack shows for what was not assessed (issue 13): no £0 total on the cover or the
summary when nothing could be assessed, no drill-down page of a category not assessed, and a
workbook Summary row that says why instead of £0.00. Also the workbook cover's data mark."""

from dataclasses import replace

from packgen.render.excel import build_workbook
from packgen.render.html import render_html
from tests.sample_pack import not_assessed, sample_pack


def _nothing_assessed(benchmarked: bool = True):
    pack = not_assessed(sample_pack(), reason="no data supplied (ncc_costs.csv not in the bundle)")
    # as the pack builder gives it: no figure anywhere
    return replace(pack, total_opportunity_gbp=0.0, total_median_gbp=0.0,
                   total_overlaps_removed_gbp=0.0, total_overlaps_removed_median_gbp=0.0,
                   headlines=(), benchmarked=benchmarked)


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def test_a_pack_with_nothing_assessed_says_so_instead_of_0():
    html = render_html(_nothing_assessed())
    cover = _between(html, 'id="cover"', "</section>")
    assert "Not assessed" in cover and "No category could be assessed" in cover
    assert "£0" not in cover
    summary = _between(html, 'id="summary"', "</section>")
    assert 'id="total-opportunity">Not assessed' in summary
    assert "£0" not in summary.split("productivity requirement")[0]
    assert "Total with overlaps removed" not in summary
    assert "The range to plan within" not in summary


def test_a_provider_with_no_sector_is_said_to_be_not_benchmarked():
    # as a provider with no sector has it: no category, so no measure not assessed either
    html = render_html(replace(_nothing_assessed(benchmarked=False), not_assessed=()))
    cover = _between(html, 'id="cover"', "</section>")
    assert "Not benchmarked: the provider has no sector" in cover
    notes = " ".join(_between(html, 'id="notes"', "</section>").split())
    assert "Every measure for this provider had enough peers" not in notes
    assert ("Nothing could be assessed for this provider: not benchmarked: the provider has no "
            "sector.") in notes
    assert "with its peers and turns the gap" not in html


def test_no_drill_down_page_for_a_category_not_assessed():
    pack = sample_pack()
    drilled = [s for s in pack.categories if s.drilldown is not None]
    assert drilled
    assert 'id="drilldown-' in render_html(pack)
    blank = not_assessed(pack, {s.id for s in drilled})
    assert blank.drilldowns == ()
    assert 'id="drilldown-' not in render_html(blank)
    assert not any("drill-down" in name for name in build_workbook(blank).sheetnames)


def test_workbook_summary_gives_the_reason_not_0():
    pack = sample_pack()
    first = pack.categories[0]
    blank = not_assessed(pack, {first.id}, reason="no data supplied (ncc_costs.csv not in the "
                         "bundle)")
    ws = build_workbook(blank)["Summary"]
    header = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "Code")
    row = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == first.code)
    cells = dict(zip(header, row, strict=False))
    assert cells["Assessed"] == "No: no data supplied (ncc_costs.csv not in the bundle)"
    assert cells["Opportunity £"] is None and cells["Opportunity at the median £"] is None
    assert cells["% of cost base"] is None
    assert cells["Counts when overlaps are removed"] == "No: not assessed"
    other = next(r for r in ws.iter_rows(values_only=True)
                 if r and r[0] == pack.categories[1].code)
    assert dict(zip(header, other, strict=False))["Assessed"] == "Yes"


def test_workbook_covers_carry_the_real_data_mark_and_the_periods_warning():
    pack = sample_pack()
    real = replace(pack, run=replace(pack.run, synthetic=False, period_warning="The tables "
                                     "describe different periods, more than a year apart."))
    cover = [c for row in build_workbook(real)["Cover"].iter_rows(values_only=True)
             for c in row if isinstance(c, str)]
    assert any(c.startswith("REAL DATA: built from published NHS returns") for c in cover)
    assert "Periods differ. The tables describe different periods, more than a year apart." \
        in cover
    assert not any("SYNTHETIC" in c for c in cover)
    synthetic = [c for row in build_workbook(pack)["Cover"].iter_rows(values_only=True)
                 for c in row if isinstance(c, str)]
    assert any(c.startswith("SYNTHETIC DATA") for c in synthetic)


def test_method_page_and_workbook_say_what_to_plan_against():
    pack = sample_pack()
    html = render_html(pack)
    method = " ".join(_between(html, 'id="method"', "</section>").split())
    assert "priced twice" in method and "at the peers' median, the cautious end" in method
    assert ("Plan within the range from the total with overlaps removed at the median to the "
            "upper bound.") in method
    workbook = build_workbook(pack)
    texts = [c for name in ("Cover", "Summary") for row in
             workbook[name].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("Plan within the range from the total with overlaps removed")
               for t in texts)
    # the cover names the pack's own drill-down sheets, none on a pack without one
    assert any("drill-down lists the rows below acute cost's cells" in t for t in texts)
    no_drill = replace(pack, categories=tuple(replace(s, drilldown=None)
                                             for s in pack.categories))
    cover = [c for row in build_workbook(no_drill)["Cover"].iter_rows(values_only=True)
             for c in row if isinstance(c, str)]
    assert not any("drill-down" in c.lower() for c in cover)


def test_hrg_index_and_benchmark_never_read_the_same_beside_an_opportunity():
    pack = sample_pack()
    section = next(s for s in pack.categories if s.drilldown is not None)
    drill = section.drilldown
    first = drill.specialties[0]
    hrg = replace(first.top_hrgs[0], cell_index=0.5841, benchmark_index=0.5802)
    specialties = (replace(first, top_hrgs=(hrg, *first.top_hrgs[1:])), *drill.specialties[1:])
    section = replace(section, drilldown=replace(drill, specialties=specialties))
    pack = replace(pack, categories=tuple(section if s.id == section.id else s
                                          for s in pack.categories))
    html = render_html(pack)
    block = " ".join(_between(html, f"<td>{hrg.currency_code}</td>", "</tr>").split())
    assert "58.4" in block and "58.0" in block, block


def test_a_total_over_some_categories_says_how_many():
    pack = sample_pack()
    partial = not_assessed(pack, {pack.categories[-1].id})
    html = render_html(partial)
    n, m = len(pack.categories) - 1, len(pack.categories)
    cover = " ".join(_between(html, 'id="cover"', "</section>").split())
    assert f"Over the {n} of {m} categories that could be assessed" in cover
    summary = " ".join(_between(html, 'id="summary"', "</section>").split())
    assert f"a year, over {n} of {m} categories" in summary
    assert "categories that could be assessed" not in render_html(pack)


def test_0_beside_measures_not_assessed_says_it_covers_the_assessed_ones_only():
    pack = sample_pack()
    section = pack.categories[-1]
    zero = replace(section, opportunity_gbp=0.0, opportunity_median_gbp=0.0, not_assessed=2,
                   top_rows=(), opportunity_native={})
    html = render_html(replace(pack, categories=(*pack.categories[:-1], zero)))
    box = " ".join(_between(html, f'id="cat-{section.id}"', "</section>").split())
    assert "At or better than the benchmark on the measures assessed; 2 not assessed" in box


def test_a_single_row_that_is_the_whole_figure_is_not_repeated_as_a_table():
    pack = sample_pack()
    section = next(s for s in pack.categories if s.top_rows)
    one = replace(section, top_rows=(replace(section.top_rows[0],
                                             opportunity_gbp=section.opportunity_gbp),))
    html = render_html(replace(pack, categories=tuple(one if s.id == section.id else s
                                                      for s in pack.categories)))
    assert "top-rows" not in _between(html, f'id="cat-{section.id}"', "</section>")
    assert "top-rows" in _between(render_html(pack), f'id="cat-{section.id}"', "</section>")
