"""Shared importer machinery: header aliases, numbers, months, delimiters, encodings."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from packgen.errors import InputError
from packgen.importers import common
from packgen.importers.common import (
    ImportReport,
    Layout,
    choose_period,
    financial_year_in_name,
    format_number,
    is_text_value,
    normalise_header,
    parse_month,
    parse_number,
    period_label,
    read_rows,
    sum_known,
    sum_or_missing,
)

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "real_data"  # unedited copies of the public NHS files, shipped with the project
FIXTURES = REPO / "tests" / "fixtures" / "importers"


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV an importer wrote."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def by_key(rows: list[dict[str, str]], *key: str) -> dict:
    return {tuple(r[k] for k in key) if len(key) > 1 else r[key[0]]: r for r in rows}


def real(name: str) -> Path:
    """A shipped real NHS file (real_data/); a missing one is a failure, never a skip."""
    path = REAL / name
    assert path.is_file(), f"{path} is missing: real_data/ ships with the project"
    return path


def test_headers_match_across_case_spaces_and_underscores():
    assert normalise_header(" Org Code ") == normalise_header("OrgCode") == "orgcode"
    assert normalise_header("\ufeffSERVICE_CODE") == normalise_header("Service Code")
    assert normalise_header("Gross internal floor area (m²)") == "grossinternalfloorarea(m2)"


@pytest.mark.parametrize("text", ["*", ".", "", " ", "Not Applicable", "NA", "n/a", "text"])
def test_missing_spellings_are_missing_never_zero(text):
    assert parse_number(text) is None


def test_numbers_with_thousands_separators_and_pounds():
    assert parse_number("1,234") == 1234
    assert parse_number(" £1,234.50 ") == 1234.5
    assert parse_number("-30") == -30


def test_number_formatting_keeps_codes_whole_and_blanks_missing():
    assert format_number(None) == ""
    assert format_number(326874007.0) == "326874007"
    assert format_number(0.1 + 0.2) == "0.3"
    assert format_number(1.25) == "1.25"


def test_sums_treat_missing_as_unknown():
    assert sum_or_missing([1.0, None]) is None
    assert sum_or_missing([1.0, 2.0]) == 3.0
    assert sum_known([1.0, None]) == 1.0
    assert sum_known([None, None]) is None


def test_months_and_default_period_of_the_latest_complete_financial_year():
    assert parse_month("2024-04-01") == (2024, 4)
    assert parse_month("202404") == (2024, 4)
    assert parse_month("2024-13") is None
    months = {(2023, m) for m in range(1, 13)} | {(2024, m) for m in range(1, 13)} | {(2025, 1)}
    assert choose_period(months, None, None, "x") == ((2023, 4), (2024, 3))
    assert choose_period(months, None, "2025-01", "x") == ((2024, 2), (2025, 1))  # 12 to --to
    assert choose_period(months, "2024-06", None, "x") == ((2024, 6), (2025, 1))  # to the end
    assert choose_period(months, "2024-04", "2025-03", "x") == ((2024, 4), (2025, 3))
    with pytest.raises(InputError, match="--from"):
        choose_period(months, "April", None, "x")
    with pytest.raises(InputError, match="no complete financial year"):
        choose_period(months - {(2023, 9)}, None, None, "x")


def test_period_labels_and_years_in_file_names():
    assert period_label((2024, 4), (2025, 3)) == "2024/25"
    assert period_label((2025, 5), (2026, 4)) == "2025-05 to 2026-04"
    assert financial_year_in_name(Path("ERIC-2013-14.csv")) == "2013/14"
    assert financial_year_in_name(Path("eric_2016_17_trust.csv")) == "2016/17"
    assert financial_year_in_name(Path("2015-16 national schedule.csv")) == "2015/16"
    assert financial_year_in_name(Path("ncc_1999_00.csv")) == "1999/00"
    assert financial_year_in_name(Path("etr_2024.csv")) == ""
    assert financial_year_in_name(Path("HospitalEstatesAndFacilitiesStatistics_12624.csv")) == ""


def test_reader_sniffs_delimiter_and_encoding():
    tab = read_rows(FIXTURES / "ncc_2023_24_file1.tsv")
    assert tab.delimiter == "\t" and tab.encoding == "utf-8"
    latin = read_rows(FIXTURES / "eric_dollar_latin1.csv")
    assert latin.delimiter == "$" and latin.encoding == "latin1"
    assert "Gross internal floor area (m²)" in latin.rows[1][1]
    bom = read_rows(FIXTURES / "ncc_2020_21_file1.csv")
    assert bom.rows[0][1][0] == "Org Code"  # the byte-order mark is not part of the name


@pytest.mark.parametrize("name, message", [("empty.csv", "empty"), ("binary.csv", "not a text")])
def test_reader_rejects_empty_and_binary_files(name, message):
    with pytest.raises(InputError, match=message) as error:
        read_rows(FIXTURES / name)
    assert name in str(error.value)


LAYOUT = Layout(aliases={"code": ("Org Code", "Trust Code"), "value": ("Value (£)", "Value")},
                key="code", optional=("value",),
                groups={"parts": re.compile(r"part\d\(kwh\)")},
                units_row=lambda row: is_text_value(row.text("value")))


def test_reader_finds_the_header_below_section_rows_and_skips_a_units_row(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Section,,,\n\nOrg Code,Value (£),Part1 (kWh),Part 2 (kWh)\n"
                    "(code),(GBP),(kWh),(kWh)\nRAA,\"1,200\",3,Not Applicable\n", encoding="utf-8")
    report = ImportReport("x")
    table = common.read_table(path, LAYOUT, report)
    assert table.header_line == 3 and table.columns == {"code": 0, "value": 1}
    assert table.groups == {"parts": [2, 3]}
    [row] = table.rows
    assert (row.line, row.text("code"), row.number("value")) == (5, "RAA", 1200)
    assert row.numbers("parts") == [3, None]
    text = report.render()
    assert "1 section-header row(s) above the column names skipped" in text
    assert "row under the header (line 4: (code), (GBP), (kWh), (kWh)) is not data" in text


def test_reader_errors_name_file_line_and_column(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Trust Code,Value,Part1 (kWh)\nRAA,x,1\nRBB\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"f\.csv: line 3: 1 cells, but the header .* needs 3"):
        common.read_table(path, LAYOUT, ImportReport("x"))
    path.write_text("Trust Code,Value\nRAA,5\nRBB,x\n", encoding="utf-8")
    row = common.read_table(path, LAYOUT, ImportReport("x")).rows[1]
    with pytest.raises(InputError, match=r"f\.csv: line 3, column 2 \(Value\): 'x' is not a whole"):
        row.whole("value")
    path.write_text("Name\nRAA\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: missing column\(s\) code\. Expected code: one "
                                         r"of Org Code, Trust Code\. Found: Name"):
        common.read_table(path, LAYOUT, ImportReport("x"))


def test_headerless_rows_must_have_one_of_the_widths(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("A,B,C\nA,B\n", encoding="utf-8")
    layout = Layout(positions={"code": 0}, widths=(3,), what="a test row")
    with pytest.raises(InputError, match=r"line 2: not a test row \(2 fields, expected 3\)"):
        common.read_table(path, layout, ImportReport("x"))
