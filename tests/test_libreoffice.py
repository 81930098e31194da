"""LibreOffice recalculates the workbooks packgen writes: every check cell is 0 and no cell holds an
error value, for a provider of each sector, the national summary, a regional pack and the plan
checks; and the checker itself fails on a wrong check, an error, and a stale cached value.

LibreOffice is part of the test suite: under CI (env CI set) a missing `soffice` fails these
tests (`.ci/run` installs it); on a developer's machine without it they are skipped.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from packgen.pack.build import build_pack
from packgen.render import national, plan_checks, regional
from packgen.render.excel import write_workbook
from packgen.render.xlsx_tables import Column, Formula, write_label_values, write_table
from packgen.run import plans
from tests import recalc

pytestmark = pytest.mark.slow
SECTORS = ("acute", "community", "mental_health", "ambulance", "specialist")


@pytest.fixture(scope="module")
def source(computed_national):
    return computed_national


def _first_of_each_sector(source) -> dict[str, str]:
    seen: dict[str, str] = {}
    for code, row in sorted(source.providers.items()):
        seen.setdefault(row["sector"], code)
    return seen


def _break_one_row(pack):
    """The pack with one assessed in-total row's opportunity off by £1 (its check must be -1)."""
    for i, section in enumerate(pack.categories):
        for j, row in enumerate(section.rows):
            if row.in_total and row.assessed:
                rows = list(section.rows)
                rows[j] = dataclasses.replace(row, opportunity_gbp=row.opportunity_gbp + 1.0)
                categories = list(pack.categories)
                categories[i] = dataclasses.replace(section, rows=tuple(rows))
                return dataclasses.replace(pack, categories=tuple(categories)), section.id, j
    raise AssertionError("no assessed row to break")


@pytest.fixture(scope="module")
def recalculated(source, tmp_path_factory):
    """name -> (pack or None, original path, Report) for every workbook, recalculated at once."""
    recalc.require_soffice()
    data, src = source
    out = tmp_path_factory.mktemp("books")
    books: dict[str, tuple[object, Path]] = {}
    codes = _first_of_each_sector(src)
    assert set(SECTORS) <= set(codes), codes
    for sector in SECTORS:
        pack = build_pack(src, codes[sector])
        books[sector] = (pack, write_workbook(pack, out / f"{sector}.xlsx"))
    broken, category, index = _break_one_row(build_pack(src, codes["acute"]))
    books["broken"] = ((broken, category, index), write_workbook(broken, out / "broken.xlsx"))
    packs = [build_pack(src, code, detail=False) for code in sorted(src.providers)]
    quality = {p.provider.code: "OK" for p in packs}
    books["national"] = (packs, national.write_national_workbook(
        out / "national.xlsx", packs, src.run, quality))
    region = regional.packs_by_region(packs)
    code, members = next(iter(region.items()))
    books["regional"] = (members, regional.write_regional_workbook(
        out / "regional.xlsx", code, members, src.run, quality))
    checks = plans.check_plans(packs, plans.read_plans(data / "plans.csv", src.providers))
    books["plans"] = (checks, plan_checks.write_plan_workbook(
        out / "plans.xlsx", checks, src.run, data / "plans.csv"))
    reports = recalc.recalculate_and_check([path for _, path in books.values()],
                                           tmp_path_factory.mktemp("recalculated"))
    return {name: (model, path, report)
            for (name, (model, path)), report in zip(books.items(), reports, strict=True)}


@pytest.mark.parametrize("sector", SECTORS)
def test_provider_workbook_checks_are_zero_after_recalculation(recalculated, sector):
    pack, _path, report = recalculated[sector]
    assert report.problems == [], "\n".join(map(str, report.problems))
    # One check per row that carries an opportunity, and the Summary's total, requirement and
    # (acute) drill-down checks: context and not-assessed rows have none.
    rows = sum(1 for c in pack.categories for r in c.rows if r.in_total and r.assessed)
    # each row is recomputed at the run's percentile and at the median; the Summary checks the
    # total, the requirement, the three other totals of the range and each drill-down (at the
    # percentile and at the median)
    summary = 2 + 3 + 2 * sum(1 for s in pack.drilldowns if s.drilldown.rows)
    assert report.checks == 2 * rows + summary
    context = [r for c in pack.categories for r in c.rows if not r.in_total]
    assert context, "the bundle should give context rows, the rows that used to fail"


@pytest.mark.parametrize("name", ["national", "regional", "plans"])
def test_summary_workbook_totals_check_to_zero_after_recalculation(recalculated, name):
    _model, path, report = recalculated[name]
    assert report.problems == [], "\n".join(map(str, report.problems))
    totals = openpyxl.load_workbook(path)["Totals and checks"]
    (table,) = totals.tables.values()
    _, header, _, last = openpyxl.utils.cell.range_boundaries(table.ref)
    assert report.checks == last - header > 0  # every total there has a check


def test_a_wrong_opportunity_is_a_non_zero_check(recalculated):
    (_pack, category, index), path, report = recalculated["broken"]
    assert [p.kind for p in report.problems] == ["check"]
    (problem,) = report.problems
    assert problem.value == pytest.approx(-1.0)
    wb = openpyxl.load_workbook(path)
    ws = wb[problem.sheet]
    (table,) = ws.tables.values()
    # the broken row is the index-th data row of its category's table
    header_row = openpyxl.utils.cell.range_boundaries(table.ref)[1]
    assert int(re.sub(r"[A-Z]", "", problem.cell)) == header_row + 1 + index
    assert category in table.displayName.lower()


def _stale(path: Path, cell_xml: str, cached: str) -> None:
    """Give the formula cell `cell_xml` (e.g. `<f>A1*3</f>`) a wrong cached value."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    patched = re.sub(re.escape(cell_xml) + r"<v\s*/>|" + re.escape(cell_xml) + r"<v></v>",
                     f"{cell_xml}<v>{cached}</v>", sheet)
    assert patched != sheet
    parts["xl/worksheets/sheet1.xml"] = patched.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_the_checker_fails_wrong_checks_errors_and_reads_no_cached_values(tmp_path):
    recalc.require_soffice()
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet"
    columns = (Column("a", "Amount"), Column("b", "Recomputed"),
               Column("check", "Check: recomputed minus amount"))
    rows = [{"a": 2.0, "b": Formula("=1+1"), "check": Formula("=ROUND(B2-A2,2)")},
            {"a": 3.0, "b": Formula("=1+1"), "check": Formula("=ROUND(B3-A3,2)")},  # wrong: -1
            {"a": 3.0}]  # no recomputation: a blank check is allowed in a table
    write_table(ws, name="T", columns=columns, rows=rows, header_row=1)
    write_label_values(ws, 7, [("Check: total (0 = agrees)", Formula("=SUM(A2:A3)-5"), None),
                               ("A ratio", Formula("=1/0"), None),
                               ("Check: cached 99, really 0", Formula("=A2*0"), None)])
    path = tmp_path / "wrong.xlsx"
    wb.save(path)
    _stale(path, "<f>A2*0</f>", "99")
    (report,) = recalc.recalculate_and_check([path], tmp_path / "out")
    found = {(p.cell, p.kind): p.value for p in report.problems}
    assert found == {("C3", "check"): -1.0, ("B8", "error"): "#DIV/0!"}
    assert report.checks == 4  # C2, C3, B7 and the stale B9, recalculated to 0


def test_covers_print_on_one_page(recalculated, tmp_path):
    """Each workbook's Cover alone, printed by LibreOffice with the workbook's print settings."""
    covers = []
    for name in ("acute", "national", "plans"):
        wb = openpyxl.load_workbook(recalculated[name][1])
        for title in wb.sheetnames[1:]:
            del wb[title]
        covers.append(tmp_path / f"{name}-cover.xlsx")
        wb.save(covers[-1])
    for cover, pdf in recalc.to_pdf(covers, tmp_path / "pdf").items():
        assert recalc.pdf_pages(pdf) == 1, cover.name
