"""The national summary, regional pack and plan-check workbooks: live totals checked against
packgen's figures, live shares, every column defined in Notes, and print settings.
(LibreOffice recalculates them in test_libreoffice.py.)"""

from __future__ import annotations

import openpyxl
import pytest

from packgen.pack.build import build_pack
from packgen.render import national, plan_checks, regional
from packgen.render.summary_workbook import CHECK_HEADER, CHECKS_SHEET
from packgen.run import plans, totals
from tests.sample_pack import not_assessed
from tests.test_render_excel import assert_column_defined, assert_prints_sensibly, excel_eval

MEDIAN = "Opportunity at the median (£)"


@pytest.fixture(scope="module")
def books(tmp_path_factory, computed_national):
    data, source = computed_national
    packs = [build_pack(source, code, detail=False) for code in sorted(source.providers)]
    quality = {p.provider.code: "OK" for p in packs}
    out = tmp_path_factory.mktemp("books")
    code, members = next(iter(regional.packs_by_region(packs).items()))
    checks = plans.check_plans(packs, plans.read_plans(data / "plans.csv", source.providers))
    return {
        "national": (packs, national.write_national_workbook(
            out / "national.xlsx", packs, source.run, quality)),
        "regional": (members, regional.write_regional_workbook(
            out / "regional.xlsx", code, members, source.run, quality)),
        "plans": (checks, plan_checks.write_plan_workbook(
            out / "plans.xlsx", checks, source.run, data / "plans.csv")),
    }


def rows_of(ws) -> list[dict]:
    """The sheet's single table as header -> cell."""
    (table,) = ws.tables.values()
    min_col, min_row, max_col, max_row = openpyxl.utils.cell.range_boundaries(table.ref)
    headers = [ws.cell(row=min_row, column=c).value for c in range(min_col, max_col + 1)]
    return [{h: ws.cell(row=r, column=c) for h, c in zip(headers, range(min_col, max_col + 1),
                                                          strict=True)}
            for r in range(min_row + 1, max_row + 1)]


@pytest.mark.parametrize("name", ["national", "regional", "plans"])
def test_totals_are_live_and_check_to_zero(books, name):
    _model, path = books[name]
    wb = openpyxl.load_workbook(path)
    assert CHECKS_SHEET in wb.sheetnames
    rows = rows_of(wb[CHECKS_SHEET])
    assert len(rows) >= 5
    ws = wb[CHECKS_SHEET]
    for row in rows:
        live, check = row["Live total"].value, row[CHECK_HEADER].value
        assert live.startswith("=") and check.startswith("=ROUND("), row["Total"].value
        assert "SUBTOTAL(109," in row["Rows shown"].value
        if live.startswith("=SUM("):  # pounds (shares are IF(...) formulas: LibreOffice test)
            assert row["Live total"].number_format == "£#,##0.00"
            assert excel_eval(ws, live) == pytest.approx(row["Figure computed by packgen"].value,
                                                         abs=0.005)
            assert excel_eval(ws, check) == 0
        else:
            assert row["Live total"].number_format == "0.0%"


def test_national_totals_reach_every_table_and_the_national_figure(books):
    packs, path = books["national"]
    rows = rows_of(openpyxl.load_workbook(path)[CHECKS_SHEET])
    figures = {r["Total"].value: r["Figure computed by packgen"].value for r in rows}
    national_total = totals.national_total(packs)
    for sheet, label in (("Providers", "Total opportunity (£)"),
                         ("Provider categories", "Opportunity (£)"), ("Categories", "Total (£)"),
                         ("Sectors", "Total opportunity (£)"),
                         ("Sector categories", "Opportunity (£)"),
                         ("Regions", "Total opportunity (£)")):
        assert figures[f"{sheet}: {label}"] == national_total
    cost = sum(p.provider.operating_cost_gbp for p in packs)
    assert figures["Providers: Opportunity % of cost base"] == pytest.approx(national_total / cost)


@pytest.mark.parametrize("name", ["national", "regional"])
def test_category_tables_give_the_opportunity_at_the_median_beside_it(books, name):
    """The range in every category table: each figure at the run's percentile has its figure at
    the peers' median beside it (a fixed target's one figure at both ends), and the Totals and
    checks sheet totals the median column too."""
    packs, path = books[name]
    wb = openpyxl.load_workbook(path)
    sections = {(p.provider.code, s.id): s for p in packs for s in p.categories}
    at_median = totals.penny(sum(p.total_median_gbp for p in packs))
    assert at_median < totals.national_total(packs)
    rows = rows_of(wb["Provider categories"])
    headers = list(rows[0])
    assert headers.index(MEDIAN) == headers.index("Opportunity (£)") + 1
    fixed = lower = 0
    for row in rows:
        section = sections[(row["ODS code"].value, row["Category id"].value)]
        median, upper = row[MEDIAN].value, row["Opportunity (£)"].value
        if not section.assessed:  # no figure at either end: not known, never £0
            assert median is None is upper
            continue
        assert median == section.opportunity_median_gbp
        if section.has_range:
            assert median <= upper
            lower += median < upper
        else:
            assert median == upper
            fixed += 1
    assert fixed and lower
    by_category: dict[str, float] = {}
    for section in sections.values():
        by_category[section.id] = by_category.get(section.id, 0) + section.opportunity_median_gbp
    rows = rows_of(wb["Categories"])
    headers = list(rows[0])
    assert headers.index(MEDIAN) == headers.index("Total (£)") + 1
    for row in rows:
        assert row[MEDIAN].value == totals.penny(by_category[row["Category id"].value])
    checked = ["Provider categories", "Categories"]
    if name == "national":
        rows = rows_of(wb["Sector categories"])
        assert list(rows[0]).index(MEDIAN) == list(rows[0]).index("Opportunity (£)") + 1
        assert totals.penny(sum(r[MEDIAN].value for r in rows)) == at_median
        checked.append("Sector categories")
    figures = {r["Total"].value: r["Figure computed by packgen"].value
               for r in rows_of(wb[CHECKS_SHEET])}
    for sheet in checked:
        assert figures[f"{sheet}: {MEDIAN}"] == at_median


def test_a_category_not_assessed_has_no_figure_at_the_median(books, tmp_path):
    """Blank at the median too, never £0 (even where the section keeps a median figure): for
    one provider's category, and for a category no provider could be assessed in."""
    members, _path = books["regional"]
    first, *others = members
    blank = [not_assessed(first, {"temporary_staffing"}),
             *(not_assessed(p, {"corporate_services"}) for p in others)]
    assert next(s for s in blank[0].categories
                if s.id == "temporary_staffing").opportunity_median_gbp > 0
    sections = {(p.provider.code, s.id): s for p in blank for s in p.categories}
    run = members[0].run
    path = regional.write_regional_workbook(tmp_path / "regional.xlsx", "Y00", blank, run,
                                            {p.provider.code: "OK" for p in blank})
    wb = openpyxl.load_workbook(path)
    rows = rows_of(wb["Provider categories"])
    for row in rows:
        section = sections[(row["ODS code"].value, row["Category id"].value)]
        if section.assessed:
            assert row[MEDIAN].value == section.opportunity_median_gbp
        else:
            assert row["Opportunity (£)"].value is None and row[MEDIAN].value is None
    assert {(r["ODS code"].value, r["Category id"].value) for r in rows
            if r[MEDIAN].value is None} >= {(first.provider.code, "temporary_staffing"),
                                            (others[0].provider.code, "corporate_services")}
    blank = [not_assessed(p, {"corporate_services"}) for p in members]
    path = regional.write_regional_workbook(tmp_path / "none.xlsx", "Y00", blank, run,
                                            {p.provider.code: "OK" for p in blank})
    categories = {r["Category id"].value: r for r in rows_of(
        openpyxl.load_workbook(path)["Categories"])}
    assert categories["corporate_services"]["Total (£)"].value is None
    assert categories["corporate_services"][MEDIAN].value is None
    for group in totals.group_totals(blank, totals.by_sector):  # the Sector categories sheet
        assert group.by_category_median["corporate_services"] is None


@pytest.mark.parametrize(("name", "sheet", "share", "part", "whole"), [
    ("national", "Providers", "Opportunity % of cost base", "Total opportunity (£)",
     "Cost base (£)"),
    ("national", "Provider categories", "% of cost base", "Opportunity (£)", "Cost base (£)"),
    ("national", "Regions", "Opportunity % of cost base", "Total opportunity (£)",
     "Cost base (£)"),
    ("regional", "Sectors", "Opportunity % of cost base", "Total opportunity (£)",
     "Cost base (£)"),
    ("plans", "Providers", "Planned % of cost base", "Planned saving (£)", "Cost base (£)"),
])
def test_shares_are_live_formulas_and_blank_without_a_figure(books, name, sheet, share, part,
                                                             whole):
    ws = openpyxl.load_workbook(books[name][1])[sheet]
    rows = rows_of(ws)
    live = 0
    for row in rows:
        formula = row[share].value
        if row[part].value is None:
            assert formula is None  # no plan: blank, not a 0 that looks like a share
            continue
        assert formula == f"={row[part].coordinate}/{row[whole].coordinate}"
        assert excel_eval(ws, formula) == pytest.approx(row[part].value / row[whole].value)
        live += 1
    assert live


def test_plan_differences_are_live(books):
    checks, path = books["plans"]
    rows = rows_of(openpyxl.load_workbook(path)["Category checks"])
    assert len(rows) == len(checks.category_rows)
    for row in rows:
        planned, identified = row["Planned saving (£)"], row["Identified opportunity (£)"]
        assert row["Planned minus identified (£)"].value == (
            f"=ROUND(N({planned.coordinate})-N({identified.coordinate}),2)")


@pytest.mark.parametrize("name", ["national", "regional", "plans"])
def test_notes_define_every_column(books, name):
    wb = openpyxl.load_workbook(books[name][1])
    defined = {(r["Topic"].value, r["Item"].value): r["Text"].value
               for r in rows_of(wb["Notes"])}
    for ws in wb.worksheets[2:]:
        if ws.title == "Notes":
            continue
        (table,) = ws.tables.values()
        for column in table.tableColumns:
            text = defined.get((f"Column ({ws.title})", column.name))
            assert text is not None, (ws.title, column.name)
            assert_column_defined(column.name, text)


@pytest.mark.parametrize("name", ["national", "regional", "plans"])
def test_every_sheet_prints_sensibly(books, name):
    assert_prints_sensibly(openpyxl.load_workbook(books[name][1]))
