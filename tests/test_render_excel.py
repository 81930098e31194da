"""The Excel opportunity pack: structure (GSS conventions), reconciliation to the penny, the live
recomputation of every assessed row, formula-injection safety, atomic writing and speed."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from packgen.pack.model import ResultRow
from packgen.render import excel
from packgen.render.excel import build_workbook, write_workbook
from packgen.render.excel_formulas import template_for
from packgen.render.xlsx_tables import PORTRAIT_WIDTH, safe_sheet_title
from tests.recalc import require_soffice
from tests.sample_pack import sample_pack

EXPECTED_SHEETS = ["Cover", "Contents", "Notes", "Summary", "Acute cost", "Acute cost - peers",
                   "Temporary staffing", "Temporary staffing - peers", "Medicines",
                   "Acute cost drill-down", "Not assessed"]
CATEGORY_SHEETS = {"acute_cost": "Acute cost", "temporary_staffing": "Temporary staffing",
                   "medicines": "Medicines"}
RECOMPUTED = "Recomputed opportunity £"
CHECK = "Check: recomputed minus opportunity £"
# The method's arithmetic per formula id, written out independently of the workbook templates.
BY_HAND = {
    "lower_is_better": lambda m, b, v, u: max(0.0, m - b) * v * u,
    "higher_is_better": lambda m, b, v, u: max(0.0, b - m) * v * u,
    "resource_released": lambda m, b, v, u: max(0.0, v * (1 - m / b)) * u,
}
HOSTILE_TEXTS = ("=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=2")


@pytest.fixture(scope="module")
def pack():
    return sample_pack()


@pytest.fixture(scope="module")
def path(pack, tmp_path_factory) -> Path:
    return write_workbook(pack, tmp_path_factory.mktemp("xlsx") / "ZZA.xlsx")


@pytest.fixture(scope="module")
def wb(path):
    return openpyxl.load_workbook(path)


def table_of(ws):
    """(table, header row, headers, rows as dicts) of the sheet's single table."""
    (table,) = ws.tables.values()
    min_col, min_row, max_col, max_row = openpyxl.utils.cell.range_boundaries(table.ref)
    headers = [ws.cell(row=min_row, column=c).value for c in range(min_col, max_col + 1)]
    rows = [dict(zip(headers, (ws.cell(row=r, column=c) for c in range(min_col, max_col + 1)),
                     strict=True)) for r in range(min_row + 1, max_row + 1)]
    return table, min_row, headers, rows


_SUM_OF_RANGE = re.compile(r"SUM\(((?:'(?:[^']|'')+'!)?)(\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?\d+)\)")


def excel_eval(ws, formula: str) -> float:
    """Evaluate the small formulas the workbooks write: cell refs, SUM of a range, MAX, ROUND,
    N."""
    def sum_of_range(match: re.Match) -> str:
        sheet = ws.parent[match.group(1)[1:-2].replace("''", "'")] if match.group(1) else ws
        cells = [c for row in sheet[match.group(2).replace("$", "")] for c in row]
        return repr(sum(excel_eval(sheet, c.value) if isinstance(c.value, str) else c.value
                        for c in cells if c.value is not None))

    def cell_value(match: re.Match) -> str:
        value = ws[f"{match.group(1)}{match.group(2)}"].value
        if isinstance(value, str) and value.startswith("="):
            return repr(excel_eval(ws, value))
        return repr(float(value or 0))  # a blank cell counts as 0, as in Excel
    expression = _SUM_OF_RANGE.sub(sum_of_range, formula.lstrip("="))
    expression = re.sub(r"\bN\(", "(", expression)  # N(number or blank) is the number or 0
    expression = re.sub(r"\$?([A-Z]{1,3})\$?(\d+)", cell_value, expression)
    expression = expression.replace("MAX(", "max(").replace("MIN(", "min(")
    expression = expression.replace("ROUND(", "round(")
    assert re.fullmatch(r"[\d.eE+\-*/(), maxinround]+", expression), expression
    return eval(expression, {"__builtins__": {}, "max": max, "min": min, "round": round})


def test_sheets_present_named_and_legal(wb):
    assert wb.sheetnames == EXPECTED_SHEETS
    for name in wb.sheetnames:
        assert len(name) < 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert wb.active.title == "Cover"


def test_every_data_sheet_has_one_table_covering_its_data_with_header_frozen(wb):
    for ws in wb.worksheets[1:]:
        assert len(ws.tables) == 1, ws.title
        table, header_row, headers, rows = table_of(ws)
        assert ws.freeze_panes == f"A{header_row + 1}", ws.title
        assert all(isinstance(h, str) and h for h in headers), ws.title
        assert len(set(headers)) == len(headers)
        assert rows, ws.title
        assert ws.cell(row=1, column=1).value, f"{ws.title}: title in A1"
        if ws.title != "Summary":  # the Summary's totals and checks sit below its table
            assert openpyxl.utils.cell.range_boundaries(table.ref)[3] == ws.max_row, ws.title
        assert not ws.merged_cells.ranges, ws.title
        for i in range(1, len(headers) + 1):
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width >= 8


def test_money_percent_and_index_columns_are_formatted_numbers(wb):
    for ws in wb.worksheets[1:]:
        _, _, headers, rows = table_of(ws)
        for header in headers:
            for row in rows:
                cell = row[header]
                if cell.value is None:
                    continue
                if "£" in header:
                    assert "£" in cell.number_format, (ws.title, header)
                    assert cell.data_type in ("n", "f"), (ws.title, header)
                if header.startswith("%"):
                    # a number, or (Summary) a live share: its value is tested below
                    assert cell.number_format == "0.0%" and cell.data_type in ("n", "f")
                if header.endswith("index"):
                    assert cell.number_format == "0.000" and cell.data_type == "n"


def test_totals_reconcile_to_the_penny(wb, pack):
    _, _, _, summary_rows = table_of(wb["Summary"])
    by_category = [r["Opportunity £"].value for r in summary_rows]
    assert by_category == [c.opportunity_gbp for c in pack.categories]
    assert round(sum(by_category), 2) == pack.total_opportunity_gbp
    for section in pack.categories:
        _, _, _, rows = table_of(wb[CATEGORY_SHEETS[section.id]])
        in_total = [r["Opportunity £"].value for r in rows if r["In total"].value == "Yes"]
        assert round(sum(in_total), 2) == section.opportunity_gbp
    _, _, _, hrg_rows = table_of(wb["Acute cost drill-down"])
    acute = next(c for c in pack.categories if c.id == "acute_cost")
    assert round(sum(r["Opportunity £"].value for r in hrg_rows), 2) == acute.opportunity_gbp
    assert len(hrg_rows) == len(acute.drilldown.rows)


def summary_checks(ws) -> dict[str, object]:
    return {ws.cell(row=r, column=2).value: ws.cell(row=r, column=3).value
            for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value}


def test_summary_total_and_drilldown_checks_are_live_formulas(wb, pack):
    ws = wb["Summary"]
    _, _, _, rows = table_of(ws)
    checks = summary_checks(ws)
    total_formula = checks["Total opportunity £ (sum of the table; an upper bound)"]
    first, last = rows[0]["Opportunity £"], rows[-1]["Opportunity £"]
    letter = first.column_letter
    assert total_formula == f"=SUM(${letter}${first.row}:${letter}${last.row})"
    assert excel_eval(ws, total_formula) == pytest.approx(pack.total_opportunity_gbp, abs=0.005)
    assert checks["Total opportunity £ computed by packgen"] == pack.total_opportunity_gbp
    assert excel_eval(ws, checks[excel.CHECK_LABEL_TOTAL]) == 0
    assert "'Acute cost drill-down'!" in checks[
        "Acute cost: specialty drill-down: sum of its rows' opportunity £"]
    assert excel_eval(ws, checks[excel.CHECK_LABEL_DRILLDOWN]) == 0
    assert checks["Productivity requirement: 2% of cost base, £"] == pack.requirement_gbp


def test_every_assessed_row_recomputes_its_opportunity(wb, pack):
    for section in pack.categories:
        ws = wb[CATEGORY_SHEETS[section.id]]
        _, _, _, rows = table_of(ws)
        if not section.rows:
            assert rows[0]["Sub-unit"].value == "No result rows for this category"
            continue
        assert len(rows) == len(section.rows)
        for row, model in zip(rows, section.rows, strict=True):
            if not model.assessed:
                assert row["Assessed"].value == "No" and row["Reason not assessed"].value
                assert row[RECOMPUTED].value is None and row[CHECK].value is None
                continue
            recomputed = row[RECOMPUTED].value
            assert isinstance(recomputed, str) and recomputed.startswith("="), model.sub_unit
            values = {"metric": model.metric, "benchmark": model.benchmark,
                      "volume": model.volume, "unit_value": model.unit_value}
            expected = BY_HAND[model.formula_id](*values.values())
            assert excel_eval(ws, recomputed) == pytest.approx(expected, rel=1e-12, abs=1e-9)
            assert excel_eval(ws, row[CHECK].value) == round(expected - model.opportunity_gbp, 2)
            # The sample rounds its indices to 6 places, so pounds can differ a little.
            assert abs(expected - model.opportunity_gbp) < 2.0


def test_formula_id_templates_compute_the_method():
    values = {"metric": 1.3, "benchmark": 0.9, "volume": 200.0, "unit_value": 1.05}
    for formula_id, by_hand in BY_HAND.items():
        formula = template_for(formula_id).format(**{k: repr(v) for k, v in values.items()})
        assert excel_eval(None, formula) == pytest.approx(by_hand(*values.values()))


def test_provider_name_starting_with_equals_stays_text(wb, path, pack):
    assert pack.provider.name.startswith("=")
    cover = wb["Cover"]
    cell = next(c for row in cover.iter_rows() for c in row if c.value == pack.provider.name)
    assert cell.data_type == "s" and cell.quotePrefix
    peers = wb["Acute cost - peers"]
    _, _, _, rows = table_of(peers)
    own = [r for r in rows if r["This provider"].value == "Yes"]
    assert len(own) == 1 and own[0]["Provider name"].value == pack.provider.name
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode()
                formulas = re.findall(r"<f>(.*?)</f>", xml)
                assert not any("Riverside" in f for f in formulas), name
                if name.endswith("sheet1.xml"):  # the Cover has no formulas at all
                    assert not formulas


def test_hostile_text_in_rows_is_never_a_formula(pack, tmp_path):
    staffing = next(c for c in pack.categories if c.id == "temporary_staffing")
    hostile_rows = tuple(
        dataclasses.replace(staffing.rows[0], sub_unit=f"s{i}", sub_unit_label=text,
                            native_unit=text)
        for i, text in enumerate(HOSTILE_TEXTS))
    hostile = dataclasses.replace(staffing, rows=staffing.rows + hostile_rows)
    categories = tuple(hostile if c.id == staffing.id else c for c in pack.categories)
    path = write_workbook(dataclasses.replace(pack, categories=categories), tmp_path / "h.xlsx")
    ws = openpyxl.load_workbook(path)["Temporary staffing"]
    _, _, headers, rows = table_of(ws)
    labels = [r["Sub-unit name"] for r in rows[-len(HOSTILE_TEXTS):]]
    for cell, text in zip(labels, HOSTILE_TEXTS, strict=True):
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    formula_columns = {RECOMPUTED, CHECK}
    for row in rows:
        for header in headers:
            if row[header].data_type == "f":
                assert header in formula_columns


def test_contents_links_every_sheet(wb):
    _, _, _, rows = table_of(wb["Contents"])
    linked = [r["Sheet"].hyperlink.location for r in rows]
    assert linked == [f"'{name}'!A1" for name in wb.sheetnames if name != "Contents"]
    assert all(r["What it holds"].value for r in rows)


def test_notes_cover_parameters_sources_and_overlap(wb, pack):
    _, _, _, rows = table_of(wb["Notes"])
    items = {(r["Section"].value, r["Item"].value): r for r in rows}
    for label, value in pack.run.parameters.items():
        assert items[("Parameter", label)]["Detail"].value == value
    for source in pack.run.sources:
        row = items[("Source", source.table)]
        assert row["Licence"].value == source.licence
        assert row["Checksum (sha256)"].value == source.checksum
        assert row["Period"].value == source.period
    assert items[("Caveat", "Overlap")]["Detail"].value == pack.overlap_note
    assert ("Column", "Category sheets: Opportunity £") in items


def test_cover_marks_synthetic_data_and_sources(wb, pack):
    text = " ".join(str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value)
    assert "SYNTHETIC DATA" in text and pack.run.packgen_version in text
    assert pack.run.sources[0].licence in text and pack.run.produced_on in text


def test_not_assessed_sheet_lists_every_excluded_cell(wb, pack):
    _, _, _, rows = table_of(wb["Not assessed"])
    assert [(r["Sub-unit"].value, r["Reason not assessed"].value) for r in rows] == [
        (n.sub_unit, n.reason) for n in pack.not_assessed]


def test_polars_reads_the_drilldown_table(path, pack):
    pl = pytest.importorskip("polars")
    frame = pl.read_excel(path, table_name="Drilldown_acute_cost", engine="openpyxl")
    assert frame.height == len(pack.drilldowns[0].drilldown.rows)
    assert frame.schema["Opportunity £"] == pl.Float64
    acute = next(c for c in pack.categories if c.id == "acute_cost")
    assert round(frame["Opportunity £"].sum(), 2) == acute.opportunity_gbp
    # Every column holds its own field of the HRG row, in the model's order.
    fields = {"POD group": "pod_group", "Department": "department_code",
              "Service code": "service_code", "Service name": "service_name",
              "Currency (HRG)": "currency_code", "Activity": "activity",
              "Actual cost £": "actual_cost_gbp", "MFF-adjusted cost £": "adjusted_cost_gbp",
              "Expected cost £": "expected_cost_gbp",
              "Cell index": "cell_index", "Benchmark index": "benchmark_index",
              "Excess £": "excess_gbp", "Opportunity £": "opportunity_gbp",
              "Opportunity at the median £": "opportunity_median_gbp"}
    assert set(frame.columns) == set(fields)
    for got, hrg in zip(frame.iter_rows(named=True), pack.drilldowns[0].drilldown.rows,
                        strict=True):
        assert got == {header: getattr(hrg, field) for header, field in fields.items()}


@pytest.mark.parametrize("stage", ["openpyxl save", "drill-down rows"])
def test_write_is_atomic(pack, tmp_path, monkeypatch, stage):
    target = tmp_path / "pack.xlsx"
    target.write_bytes(b"previous")
    assert pack.drilldowns[0].drilldown.rows  # so rows are added after openpyxl's save

    def broken_save(self, filename):
        if hasattr(filename, "write"):
            filename.write(b"half")
        else:
            Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    def broken_writestr(self, info, data, *args, **kwargs):
        if "worksheets" in getattr(info, "filename", str(info)):
            raise OSError("disk full")
        return real_writestr(self, info, data, *args, **kwargs)

    real_writestr = zipfile.ZipFile.writestr
    if stage == "openpyxl save":
        monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    else:
        monkeypatch.setattr(zipfile.ZipFile, "writestr", broken_writestr)
    with pytest.raises(OSError):
        write_workbook(pack, target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.xlsx"]


def test_sheet_titles_are_short_legal_and_unique():
    assert safe_sheet_title("A/B: c*d?", []) == "A B c d"
    long = safe_sheet_title("x" * 40, [])
    assert len(long) == 30
    assert safe_sheet_title("x" * 40, [long]) == "x" * 28 + " 2"
    assert safe_sheet_title("summary", ["Summary"]) == "summary 2"


def test_five_thousand_hrg_rows_are_all_in_the_drilldown_table(pack, tmp_path):
    # Speed is measured in benchmarks/ (make bench), not asserted here.
    acute = pack.drilldowns[0]
    rows = acute.drilldown.rows
    hrgs = tuple(rows[i % len(rows)] for i in range(5000))
    big_acute = dataclasses.replace(acute, drilldown=dataclasses.replace(acute.drilldown,
                                                                         rows=hrgs))
    big = dataclasses.replace(pack, categories=tuple(big_acute if c is acute else c
                                                     for c in pack.categories))
    write_workbook(big, tmp_path / "big.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "big.xlsx")["Acute cost drill-down"]
    (table,) = ws.tables.values()
    first, last = table.ref.split(":")
    assert int(re.sub(r"[A-Z]", "", last)) - int(re.sub(r"[A-Z]", "", first)) == 5000


def test_libreoffice_recalculates_the_checks_to_the_written_values(path, pack, tmp_path):
    require_soffice()  # fails under CI without LibreOffice, skips elsewhere
    outdir = tmp_path / "recalculated"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(outdir), str(path)],
                   check=True, capture_output=True, timeout=120)
    values = openpyxl.load_workbook(outdir / path.name, data_only=True)
    formulas = openpyxl.load_workbook(path)
    for section in pack.categories:
        title = CATEGORY_SHEETS[section.id]
        _, _, _, calculated = table_of(values[title])
        _, _, _, written = table_of(formulas[title])
        for calc_row, formula_row in zip(calculated, written, strict=True):
            if formula_row[CHECK].value is None:
                continue
            expected_check = excel_eval(formulas[title], formula_row[CHECK].value)
            assert calc_row[CHECK].value == pytest.approx(expected_check, abs=1e-9)
            assert calc_row[RECOMPUTED].value == pytest.approx(
                excel_eval(formulas[title], formula_row[RECOMPUTED].value), rel=1e-12)
    checks = summary_checks(values["Summary"])
    assert checks["Total opportunity £ (sum of the table; an upper bound)"] == pytest.approx(
        pack.total_opportunity_gbp, abs=0.005)
    assert checks[excel.CHECK_LABEL_TOTAL] == 0
    assert checks[excel.CHECK_LABEL_DRILLDOWN] == 0


def test_build_workbook_without_acute_has_no_drilldown(pack):
    others = tuple(c for c in pack.categories if c.id != "acute_cost")
    wb = build_workbook(dataclasses.replace(pack, categories=others, not_assessed=()))
    assert "Acute cost drill-down" not in wb.sheetnames and "Acute cost" not in wb.sheetnames
    _, _, _, rows = table_of(wb["Not assessed"])
    assert rows[0]["Category"].value == "Every cell was assessed"


def test_rows_without_a_known_formula_id_get_no_check(pack):
    staffing = next(c for c in pack.categories if c.id == "temporary_staffing")
    odd: ResultRow = dataclasses.replace(staffing.rows[0], formula="per the board paper",
                                         formula_id="per_the_board_paper")
    section = dataclasses.replace(staffing, rows=(odd,))
    categories = tuple(section if c.id == staffing.id else c for c in pack.categories)
    wb = build_workbook(dataclasses.replace(pack, categories=categories))
    _, _, _, rows = table_of(wb["Temporary staffing"])
    assert rows[0][RECOMPUTED].value is None and rows[0]["Formula"].value == "per the board paper"


def _with_rows(pack, category_id, extra_rows):
    section = next(c for c in pack.categories if c.id == category_id)
    changed = dataclasses.replace(section, rows=section.rows + tuple(extra_rows))
    return dataclasses.replace(pack, categories=tuple(
        changed if c.id == category_id else c for c in pack.categories))


def test_context_and_not_assessed_rows_carry_no_recomputation(pack):
    staffing = next(c for c in pack.categories if c.id == "temporary_staffing")
    context = dataclasses.replace(  # a context measure: assessed, priced 0, not in the total
        staffing.rows[0], component="agency_share", sub_unit="share", in_total=False,
        opportunity_native=0.0, opportunity_gbp=0.0, formula_id="context")
    wb = build_workbook(_with_rows(pack, "temporary_staffing", [context]))
    _, _, _, rows = table_of(wb["Temporary staffing"])
    assert rows[-1]["In total"].value == "No"
    assert rows[-1][RECOMPUTED].value is None and rows[-1][CHECK].value is None
    assert rows[-1]["Formula"].value.startswith("No opportunity: a context measure")
    _, _, _, acute = table_of(wb["Acute cost"])
    unassessed = [r for r in acute if r["Assessed"].value == "No"]
    assert unassessed and all(r["Formula"].value.startswith("No opportunity: not assessed")
                              and r[CHECK].value is None for r in unassessed)
    for title in CATEGORY_SHEETS.values():
        _, _, _, rows = table_of(wb[title])
        for row in rows:
            if row[CHECK].value is not None:
                assert row["In total"].value == "Yes" and row["Assessed"].value == "Yes"


def test_formula_ids_without_opportunity_have_no_template():
    assert template_for("context") is None and template_for("not_assessed") is None
    with pytest.raises(ValueError, match="unknown formula_id"):
        template_for("per_the_board_paper")


def test_summary_shares_and_requirement_are_live_formulas(wb, pack):
    ws = wb["Summary"]
    _, _, _, rows = table_of(ws)
    checks = summary_checks(ws)
    cost = pack.provider.operating_cost_gbp
    for row, section in zip(rows, pack.categories, strict=True):
        for header, base in (("% of cost base", cost),
                             ("% of 2% requirement", pack.requirement_gbp)):
            formula = row[header].value
            assert formula.startswith("="), header
            assert excel_eval(ws, formula) == pytest.approx(section.opportunity_gbp / base)
    assert excel_eval(ws, checks["Total as % of cost base"]) == pytest.approx(
        pack.total_pct_of_cost_base)
    assert checks["Cost base (operating cost) £"] == cost
    assert excel_eval(ws, checks[
        "Productivity requirement recomputed: rate x cost base, £"]) == pack.requirement_gbp
    assert excel_eval(ws, checks[excel.CHECK_LABEL_REQUIREMENT]) == 0
    assert excel_eval(ws, checks["Total as % of the requirement"]) == pytest.approx(
        pack.total_opportunity_gbp / pack.requirement_gbp)


def test_without_an_operating_cost_shares_are_blank_and_say_why(pack):
    provider = dataclasses.replace(pack.provider, operating_cost_gbp=None)
    wb = build_workbook(dataclasses.replace(pack, provider=provider, requirement_gbp=None,
                                            total_pct_of_cost_base=None))
    ws = wb["Summary"]
    _, _, _, rows = table_of(ws)
    assert all(r["% of cost base"].value is None and r["% of 2% requirement"].value is None
               for r in rows)
    checks = summary_checks(ws)
    assert checks["Cost base (operating cost) £"] == excel.NO_COST_BASE
    assert checks["Total as % of cost base"] == excel.NO_COST_BASE
    assert excel.CHECK_LABEL_REQUIREMENT not in checks
    formulas = [c.value for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas and not any("/" in f for f in formulas)  # nothing divides by a blank


def print_title_row(ws) -> int | None:
    titles = ws.print_title_rows
    if not titles:
        return None
    first, last = titles.replace("$", "").split(":")
    assert first == last
    return int(first)


def assert_prints_sensibly(workbook) -> None:
    """A4, one page wide (portrait only for a table that fits it); the Cover on one page; every
    table's header repeated on each page."""
    for ws in workbook.worksheets:
        setup = ws.page_setup
        assert setup.paperSize in (9, "9"), ws.title
        if setup.orientation != "landscape":
            (table,) = ws.tables.values()
            _, _, last, _ = openpyxl.utils.cell.range_boundaries(table.ref)
            width = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
                        for c in range(1, last + 1))
            assert setup.orientation == "portrait" and width <= PORTRAIT_WIDTH, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert int(setup.fitToWidth) == 1, ws.title
        assert 0.3 <= ws.page_margins.left <= 0.8 and 0.3 <= ws.page_margins.top <= 1.0
        if ws.title == "Cover":
            assert int(setup.fitToHeight) == 1 and not ws.tables
        else:
            (table,) = ws.tables.values()
            header_row = openpyxl.utils.cell.range_boundaries(table.ref)[1]
            assert print_title_row(ws) == header_row, ws.title
            assert int(setup.fitToHeight) == 0, ws.title  # as many pages tall as needed


def test_every_sheet_prints_sensibly(path):
    assert_prints_sensibly(openpyxl.load_workbook(path))


NOTE_KINDS = {"Summary": "Summary", "Acute cost drill-down": "HRG drill-down sheets",
              "Not assessed": "Not assessed"}
def _unit_words(header: str) -> tuple[str, ...]:
    if "£" in header:
        return ("pounds",)
    if header.startswith("%") or "% of" in header:
        return ("percentage",)
    return ()


def assert_column_defined(header: str, detail: object) -> None:
    assert isinstance(detail, str) and detail.strip(), header
    assert detail.rstrip(".").strip().lower() != header.lower(), header
    assert len(detail) >= 20 and detail.rstrip().endswith((".", ")")), (header, detail)
    words = _unit_words(header)
    assert not words or any(w in detail for w in words), (header, detail)


def test_notes_define_every_column_with_what_it_is_and_its_unit(wb):
    _, _, _, rows = table_of(wb["Notes"])
    defined = {r["Item"].value: r["Detail"].value for r in rows if r["Section"].value == "Column"}
    for ws in wb.worksheets[3:]:
        if ws.title.endswith(" - peers"):
            kind = "Peer sheets"
        else:
            kind = NOTE_KINDS.get(ws.title, "Category sheets")
        _, _, headers, _ = table_of(ws)
        for header in headers:
            assert f"{kind}: {header}" in defined, (ws.title, header)
            assert_column_defined(header, defined[f"{kind}: {header}"])
    unit_value = defined["Category sheets: Unit value"]
    assert "ratio" in unit_value and "market forces factor" in unit_value
    assert "unit" in defined["Peer sheets: Value"]
