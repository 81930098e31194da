"""Bundle validation: one test per kind of bad input, each naming the file, line and column."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from packgen.contract.tables import Column, Table
from packgen.contract.validate import validate_bundle
from tests.bundles import csv_text, drop_column, line_of, minimal_tables, write_bundle


def check(folder: Path, tables: dict | None = None, **kw):
    write_bundle(folder, tables, **kw)
    return validate_bundle(folder)


def only(problems, kind):
    found = [p for p in problems if p.kind == kind]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_minimal_bundle_is_valid_and_typed(tmp_path):
    report = check(tmp_path)
    assert report.ok and not report.warnings, [str(p) for p in report.errors + report.warnings]
    ncc = report.tables["ncc_costs"]
    assert ncc.schema["service_code"] == pl.String
    assert ncc.schema["activity"] == pl.Float64
    assert report.tables["medicines_reference"].schema["is_best_value"] == pl.Boolean
    assert report.files["providers"] == tmp_path / "providers.csv"


def test_missing_required_file_names_file_and_folder(tmp_path):
    report = check(tmp_path, omit=["providers"])
    problem = only(report.errors, "missing_file")
    assert problem.file == "providers.csv" and problem.row is None
    assert str(tmp_path) in problem.message and "providers.parquet" in problem.message


def test_only_providers_is_required(tmp_path):
    """Real bundles are partial: every category table may be absent (a note, not an error)."""
    tables = minimal_tables()
    report = check(tmp_path, {"providers": tables["providers"]},
                   omit=[name for name in tables if name != "providers"])
    assert report.ok, report.errors
    assert any("ncc_costs" in n for n in report.notes)


def test_missing_optional_file_is_a_note(tmp_path):
    report = check(tmp_path, omit=["plans"])
    assert report.ok and any("plans" in n for n in report.notes)


def test_csv_and_parquet_for_one_table(tmp_path):
    write_bundle(tmp_path)
    write_bundle(tmp_path, {"estates": minimal_tables()["estates"]}, fmt="parquet")
    problem = only(validate_bundle(tmp_path).errors, "two_files")
    assert "estates.csv" in problem.message and "estates.parquet" in problem.message


def test_unknown_file_is_a_warning_with_a_suggestion(tmp_path):
    write_bundle(tmp_path)
    (tmp_path / "ncc_cost.csv").write_text("a\n1\n")
    report = validate_bundle(tmp_path)
    assert report.ok
    assert "did you mean ncc_costs.csv" in only(report.warnings, "unknown_file").hint


def test_missing_columns_all_listed(tmp_path):
    tables = minimal_tables()
    drop_column(tables, "ncc_costs", "activity")
    drop_column(tables, "ncc_costs", "actual_cost_gbp")
    problem = only(check(tmp_path, tables).errors, "missing_column")
    assert (problem.file, problem.row) == ("ncc_costs.csv", 1)
    assert "activity, actual_cost_gbp" in problem.message
    assert "provider_code, department_code" in problem.hint


def test_unknown_column_is_a_warning(tmp_path):
    tables = minimal_tables()
    for row in tables["estates"]:
        row["comment"] = "x"
    report = check(tmp_path, tables)
    problem = only(report.warnings, "unknown_column")
    assert report.ok and (problem.file, problem.column) == ("estates.csv", "comment")


def test_empty_file(tmp_path):
    write_bundle(tmp_path)
    (tmp_path / "estates.csv").write_text("")
    problem = only(validate_bundle(tmp_path).errors, "empty_file")
    assert problem.file == "estates.csv" and "empty" in problem.message


def test_header_only_providers_is_an_error(tmp_path):
    tables = minimal_tables()
    tables["providers"] = []
    assert only(check(tmp_path, tables).errors, "no_rows").file == "providers.csv"


def test_text_in_a_nullable_number_column_is_an_error_too(tmp_path):
    """One rule for text in numbers: only the suppression markers are missing; '1,234', '£12'
    or 'about 5k' read as missing would silently lower a figure."""
    for text in ("about 5k", "1,234", "£12", "1O00", "twelve", "3%"):
        tables = minimal_tables()
        tables["ncc_costs"][4]["actual_cost_gbp"] = text
        problem = only(check(tmp_path, tables).errors, "not_number")
        assert str(problem).startswith(
            f"ncc_costs.csv, line {line_of(4)}, column actual_cost_gbp: '{text}' is not a "
            "number"), text


def test_suppression_markers_are_missing_and_counted(tmp_path):
    tables = minimal_tables()
    for i, marker in enumerate(("*", "-", "..", "", "NaN")):
        tables["ncc_costs"][i]["actual_cost_gbp"] = marker
    report = check(tmp_path, tables)
    assert report.ok and not report.warnings
    assert report.tables["ncc_costs"]["actual_cost_gbp"][:5].null_count() == 5
    assert report.summaries["ncc_costs"].missing == 5


def test_text_in_required_number_column_is_an_error(tmp_path):
    tables = minimal_tables()
    tables["providers"][2]["mff"] = "1,03"
    problem = only(check(tmp_path, tables).errors, "not_number")
    assert (problem.file, problem.row, problem.column) == ("providers.csv", line_of(2), "mff")
    assert "'1,03' is not a number" in problem.message


def test_suppressed_is_missing_not_zero(tmp_path):
    tables = minimal_tables()
    tables["ncc_costs"][7]["activity"] = "*"
    report = check(tmp_path, tables)
    # the row's cost cannot be used without its activity: a warning says so, with the £
    assert report.ok and [p.kind for p in report.warnings] == ["cost_without_activity"]
    assert report.tables["ncc_costs"]["activity"][7] is None
    assert report.tables["ncc_costs"]["activity"].drop_nulls().min() > 0
    assert report.summaries["ncc_costs"].suppressed == 1
    assert "ncc_costs.csv: 36 rows, 1 suppressed cell treated as missing" in report.notes


@pytest.mark.parametrize("cell", ["", "  ", "NA", "n/a", "."])
def test_blank_and_na_are_missing(tmp_path, cell):
    tables = minimal_tables()
    tables["estates"][1]["gas_kwh"] = cell
    report = check(tmp_path, tables)
    assert report.ok and not report.warnings
    assert report.tables["estates"]["gas_kwh"][1] is None
    assert report.summaries["estates"].missing == 1


def test_blank_in_required_column_is_an_error(tmp_path):
    tables = minimal_tables()
    tables["unit_values"][1]["value"] = "*"
    problem = only(check(tmp_path, tables).errors, "missing_required")
    assert (problem.file, problem.row, problem.column) == ("unit_values.csv", 3, "value")


def test_a_providers_figure_may_be_blank(tmp_path):
    """Income, pay bill, cost base and MFF are needed only by some figures: blank is allowed
    (those figures are then not assessed), never read as zero."""
    tables = minimal_tables()
    tables["providers"][1]["income_gbp"] = "*"
    report = check(tmp_path, tables)
    assert report.ok and report.tables["providers"]["income_gbp"][1] is None


def test_negative_activity(tmp_path):
    tables = minimal_tables()
    tables["ncc_costs"][15]["activity"] = "-3"
    problem = only(check(tmp_path, tables).errors, "negative")
    assert str(problem) == (
        "ncc_costs.csv, line 17, column activity: '-3' is negative. "
        "Hint: activity cannot be negative; correct or remove the row.")


def test_zero_where_positive(tmp_path):
    tables = minimal_tables()
    tables["medicines_reference"][0]["unit_price_gbp"] = "0"
    problem = only(check(tmp_path, tables).errors, "not_positive")
    assert (problem.file, problem.row, problem.column) == (
        "medicines_reference.csv", 2, "unit_price_gbp")


def test_fractional_value_in_int_column(tmp_path):
    # No contract table has an int column today; check the rule on a one-table contract.
    from packgen.contract.columns import parse_column
    from packgen.contract.read import read_table
    from packgen.contract.report import FileSummary

    counts = Table("counts", "Counts", "", (Column("n", "int", "beds", "", min_value=0),),
                   key=("n",))
    (tmp_path / "counts.csv").write_text("n\n12.0\n12.5\n")
    raw, _, _ = read_table(counts, tmp_path / "counts.csv")
    values, errors, _ = parse_column(raw, counts.columns[0], FileSummary("counts", "counts.csv"))
    assert values.to_list() == [12.0, 12.5]
    assert [(p.kind, p.row, p.column) for p in errors] == [("fractional", 3, "n")]
    assert "'12.5' is not a whole number" in errors[0].message


def test_bad_choice(tmp_path):
    tables = minimal_tables()
    tables["providers"][3]["sector"] = "Community"
    problem = only(check(tmp_path, tables).errors, "choice")
    assert (problem.file, problem.row, problem.column) == ("providers.csv", 5, "sector")
    assert "community" in problem.hint


def test_rows_of_unknown_providers_are_left_out_and_counted(tmp_path):
    """A return's rows of a trust the providers list does not hold (merged, closed) are left out
    with a warning naming the codes, not an error: real files are seldom of the same year."""
    tables = minimal_tables()
    for i in (5, 6, 9):
        tables["ncc_costs"][i]["provider_code"] = "RZZ"
    report = check(tmp_path, tables)
    problem = only(report.warnings, "unknown_provider")
    assert report.ok
    assert (problem.file, problem.row, problem.column) == ("ncc_costs.csv", 7, "provider_code")
    assert problem.message == "3 rows of 1 provider not in providers.csv left out: RZZ."
    assert "RZZ" not in set(report.tables["ncc_costs"]["provider_code"])
    assert report.tables["ncc_costs"].height == len(tables["ncc_costs"]) - 3


def test_a_merged_trusts_rows_count_under_its_successor(tmp_path):
    tables = minimal_tables()
    raa = next(r for r in tables["estates"] if r["provider_code"] == "RAA")
    tables["estates"].append({**raa, "provider_code": "ROLD", "gia_m2": "1000",
                              "electricity_kwh": "5"})
    tables["successors"] = [{"predecessor_code": "ROLD", "successor_code": "RAA",
                             "effective_date": "2020-04-01", "source": "ODS succ"}]
    report = check(tmp_path, tables)
    assert report.ok and not [w for w in report.warnings if w.kind == "unknown_provider"]
    estates = {r["provider_code"]: r for r in report.tables["estates"].to_dicts()}
    assert "ROLD" not in estates
    assert estates["RAA"]["gia_m2"] == float(raa["gia_m2"]) + 1000
    assert estates["RAA"]["electricity_kwh"] == float(raa["electricity_kwh"]) + 5
    assert any("ROLD (merged into RAA on 2020-04-01 (ODS succ)) counted under RAA" in n
               for n in report.notes)


def test_unknown_department_and_service_codes(tmp_path):
    tables = minimal_tables()
    tables["ncc_costs"][0]["department_code"] = "EI"
    tables["ncc_costs"][1]["service_code"] = "110.0"
    tables["ncc_costs"][2]["service_code"] = "1234"
    errors = check(tmp_path, tables).errors
    found = {(p.row, p.column): p for p in errors if p.kind == "unknown_code"}
    assert set(found) == {(2, "department_code"), (4, "service_code")}
    assert "use 'EL'" in found[2, "department_code"].hint
    assert "treatment_functions.csv" in found[4, "service_code"].message
    # '110.0' is not even shaped like a service code: one error, with the likely fix
    problem = only(errors, "bad_code")
    assert (problem.row, problem.column) == (3, "service_code")
    assert "did you mean '110'" in problem.hint


def test_unknown_vmp_and_category(tmp_path):
    tables = minimal_tables()
    tables["medicines_use"][0]["vmp_code"] = "999999999"  # shaped like a code, but unknown
    tables["plans"][0]["category"] = "agency"
    errors = [p for p in check(tmp_path, tables).errors if p.kind == "unknown_code"]
    assert {(p.file, p.row, p.column) for p in errors} == {
        ("medicines_use.csv", 2, "vmp_code"), ("plans.csv", 2, "category")}


def test_duplicate_key_names_both_lines(tmp_path):
    tables = minimal_tables()
    tables["ncc_costs"].append(dict(tables["ncc_costs"][3]))
    problem = only(check(tmp_path, tables).errors, "duplicate_key")
    assert (problem.file, problem.row) == ("ncc_costs.csv", 38)
    assert "lines 5 and 38" in problem.message and "provider_code=RAA" in problem.message


def test_padded_codes_are_stripped(tmp_path):
    tables = minimal_tables()
    tables["ncc_costs"][0]["currency_code"] = "HN12F "
    tables["ncc_costs"][0]["provider_code"] = "  RAA"
    report = check(tmp_path, tables)
    assert report.ok
    assert report.tables["ncc_costs"].row(0)[:4] == ("RAA", "EL", "110", "HN12F")


def test_non_utf8_file(tmp_path):
    write_bundle(tmp_path)
    (tmp_path / "estates.csv").write_bytes(
        csv_text("estates", minimal_tables()["estates"]).replace("50000", "£50000", 1)
        .encode("cp1252"))
    problem = only(validate_bundle(tmp_path).errors, "encoding")
    assert (problem.file, problem.row) == ("estates.csv", 2)
    assert "byte offset" in problem.message and "UTF-8" in problem.hint


def test_bom_is_handled(tmp_path):
    report = check(tmp_path, bom=True)
    assert report.ok, [str(p) for p in report.errors]
    assert "provider_code" in report.tables["providers"].columns


def test_quoted_newline_keeps_line_numbers(tmp_path):
    tables = minimal_tables()
    tables["providers"][0]["provider_name"] = "Alpha\nHospitals"
    tables["providers"][2]["mff"] = "-1"
    problem = only(check(tmp_path, tables).errors, "out_of_range")
    assert problem.row == 5  # the quoted name takes two lines


def test_best_value_rule(tmp_path):
    tables = minimal_tables()
    tables["medicines_reference"][0]["is_best_value"] = "yes"  # adalimumab now has two
    tables["medicines_reference"][3]["is_best_value"] = "n"  # infliximab has none
    errors = [p for p in check(tmp_path, tables).errors if p.kind == "best_value"]
    assert {(p.row, p.column) for p in errors} == {(3, "is_best_value"), (4, "is_best_value")}
    messages = " ".join(p.message for p in errors)
    assert "'adalimumab' has 2 best-value products (lines 2, 3)" in messages
    assert "'infliximab' has no best-value product" in messages


def test_missing_unit_value_key_is_a_note(tmp_path):
    """Without a unit value the gaps it prices are shown in their own units, not in pounds."""
    tables = minimal_tables()
    tables["unit_values"] = [r for r in tables["unit_values"] if r["key"] != "cost_per_crew_hour"]
    report = check(tmp_path, tables)
    assert report.ok
    assert any(n.startswith("unit values not given: cost_per_crew_hour (GBP per crew hour)")
               for n in report.notes), report.notes
    assert any(n.startswith("Ambulance handover") and "not priced (unit value "
               "'cost_per_crew_hour' missing" in n for n in report.coverage), report.coverage


def test_provider_of_another_sector_is_a_warning(tmp_path):
    tables = minimal_tables()
    tables["mh_los"][0]["provider_code"] = "RAA"
    report = check(tmp_path, tables)
    problem = only(report.warnings, "wrong_sector")
    assert report.ok and (problem.file, problem.row) == ("mh_los.csv", 2)
    assert "1 row of 1 provider of other sectors (RAA (acute))" in problem.message


def test_parquet_bundle_and_code_stored_as_number(tmp_path):
    report = check(tmp_path, fmt="parquet")
    assert report.ok, [str(p) for p in report.errors]
    assert report.tables["ncc_costs"].height == 36
    pl.DataFrame({"key": ["period"], "value": [2024]}).write_parquet(
        tmp_path / "bundle_info.parquet")
    problem = only(validate_bundle(tmp_path).errors, "parquet_type")
    assert (problem.file, problem.column) == ("bundle_info.parquet", "value")


def test_printing_is_limited_but_all_counted(tmp_path):
    tables = minimal_tables()
    for row in tables["ncc_costs"]:
        row["activity"] = "-1"
    report = check(tmp_path, tables)
    assert len([p for p in report.errors if p.kind == "negative"]) == 36
    lines = list(report.lines(limit=20))
    assert sum("is negative" in line for line in lines) == 20
    assert any("... and 16 more of this kind in this file" in line for line in lines)


@pytest.mark.slow
def test_validates_300k_rows_and_counts_every_suppressed_cell(tmp_path):
    # Speed is measured in benchmarks/ (make bench), not asserted here.
    tables = minimal_tables()
    write_bundle(tmp_path, tables)
    row = "RAA,EL,110,HN{:06d},12,3400.5\n"
    big = "".join(row.format(i) for i in range(300_000))
    (tmp_path / "ncc_costs.csv").write_text(
        "provider_code,department_code,service_code,currency_code,activity,actual_cost_gbp\n"
        + big.replace(",12,", ",*,", 1000))
    report = validate_bundle(tmp_path)
    assert report.ok and report.summaries["ncc_costs"].suppressed == 1000


@pytest.mark.slow  # whole `packgen validate` runs
def test_cli_validate_ok_and_failing(tmp_path):
    from click.testing import CliRunner

    from packgen.cli import cli

    tables = minimal_tables()
    tables["ncc_costs"][2]["activity"] = "*"
    write_bundle(tmp_path, tables)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "ncc_costs.csv: 36 rows, 1 suppressed cell treated as missing" in result.output

    tables["ncc_costs"][15]["activity"] = "-3"
    tables["providers"][0]["sector"] = "hospital"
    write_bundle(tmp_path, tables)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "ncc_costs.csv, line 17, column activity: '-3' is negative." in result.output
    assert "providers.csv, line 2, column sector" in result.output
    assert f"Error: 2 problems in {tmp_path}" in result.output
    assert "Hint:" in result.output.split("problems in")[-1]


def test_cli_validate_help_has_example():
    from click.testing import CliRunner

    from packgen.cli import cli

    for command in ("validate", "load", "contract"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "  Example:\n      packgen " in result.output


def test_extra_cells_and_broken_quotes_name_the_line(tmp_path):
    write_bundle(tmp_path)
    (tmp_path / "temporary_staffing.csv").write_text(
        "provider_code,agency_gbp,bank_gbp\nRAA,1,2\nRAB,3,4,5\n")
    problem = only(validate_bundle(tmp_path).errors, "ragged_line")
    assert (problem.file, problem.row) == ("temporary_staffing.csv", 3)
    (tmp_path / "temporary_staffing.csv").write_text(
        "provider_code,agency_gbp,bank_gbp\r\nRAA,1,2\r\nRAB,\"3\"x,4\r\n")
    problem = only(validate_bundle(tmp_path).errors, "csv_syntax")
    assert problem.row == 3 and "quote" in problem.hint
