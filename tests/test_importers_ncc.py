"""NCC organisation-level source data (File 1 / File 2) and the national schedule."""

from __future__ import annotations

import pytest

from packgen.contract import table
from packgen.errors import InputError
from packgen.importers import import_source
from packgen.importers.ncc import department_map
from tests.test_importers_common import FIXTURES, by_key, read_table, real


def test_file1_quirks_bom_units_row_padding_suppression_and_legacy_codes(tmp_path):
    report = import_source("ncc", [FIXTURES / "ncc_2020_21_file1.csv"], tmp_path)
    header, rows = read_table(tmp_path / "ncc_costs.csv")
    assert tuple(header) == table("ncc_costs").column_names
    costs = by_key(rows, "provider_code", "department_code", "service_code", "currency_code")
    # padded codes stripped; EI -> EL; thousands separator read
    assert costs[("RAA", "EL", "110", "HN12F")]["actual_cost_gbp"] == "25000"
    # `*` is missing, never zero
    assert costs[("RAA", "NEL", "110", "HN12F")]["activity"] == ""
    # CLFUSFF and CLFUSNFF both become CL and are summed
    assert costs[("RAA", "CL", "110", "WF01A")]["activity"] == "150"
    assert costs[("RAA", "CL", "110", "WF01A")]["actual_cost_gbp"] == "14000"
    # service code kept as text with its leading zero
    assert ("RAB", "EL", "0100", "FZ12A") in costs
    assert len(rows) == 4
    assert report.rows_in["ncc_costs"] == 6
    text = report.render()
    assert "1 rows with a department code not in reference_data/departments.csv (SWAP" in text
    assert "row under the header (line 2" in text
    assert "legacy department code EI mapped to EL" in text
    assert "1 keys held several rows" in text
    assert "1 rows with suppressed (*) activity written blank" in text


def test_legacy_codes_come_from_reference_data():
    mapping = department_map()
    assert mapping["NEI_S"] == "NES" and mapping["CLFA"] == "CL" and mapping["AE"] == "EM"
    assert mapping["EL"] == "EL"


def test_header_aliases_across_years_and_tab_delimiter(tmp_path):
    import_source("ncc", [FIXTURES / "ncc_2024_25_file1.csv"], tmp_path)
    _, rows = read_table(tmp_path / "ncc_costs.csv")
    assert rows == [{"provider_code": "RYY", "department_code": "DC", "service_code": "110",
                     "currency_code": "HN12F", "activity": "3", "actual_cost_gbp": "1500"}]
    report = import_source("ncc", [FIXTURES / "ncc_2023_24_file1.tsv"], tmp_path)
    _, rows = read_table(tmp_path / "ncc_costs.csv")
    costs = by_key(rows, "provider_code", "department_code")
    assert costs[("RXX", "NES")]["actual_cost_gbp"] == "6000"
    assert costs[("RXX", "EM")]["actual_cost_gbp"] == ""  # suppressed
    assert "blank row under the header" in report.render()
    # a file with actual and MFF-adjusted cost gives the MFF on its own
    _, mff = read_table(tmp_path / "mff_derived.csv")
    assert mff == [{"provider_code": "RXX", "mff": "1.2", "actual_cost_gbp": "6000",
                    "mff_adjusted_cost_gbp": "5000"}]


def test_mff_derived_from_file1_and_file2_and_written_into_providers(tmp_path):
    (tmp_path / "providers.csv").write_text(
        "provider_code,provider_name,sector,peer_group,region_code,icb_code,income_gbp,"
        "pay_bill_gbp,operating_cost_gbp,mff,note\n"
        "RAA,Alpha,acute,ACUTE - SMALL,Y56,QMJ,100,50,90,1.0,kept\n"
        "RZZ,Other,acute,ACUTE - SMALL,Y56,QMJ,100,50,90,1.1,kept\n")
    (tmp_path / "plans.csv").write_text("untouched\n")
    import_source("ncc", [FIXTURES / "ncc_2020_21_file1.csv",
                          FIXTURES / "ncc_2020_21_file2.csv"], tmp_path)
    _, mff = read_table(tmp_path / "mff_derived.csv")
    mff = by_key(mff, "provider_code")
    assert mff["RAA"]["mff"] == "1.25"  # 44,000 actual / 35,200 MFF-adjusted
    assert mff["RAB"]["mff"] == "0.8"
    _, providers = read_table(tmp_path / "providers.csv")
    providers = by_key(providers, "provider_code")
    assert providers["RAA"]["mff"] == "1.25"
    assert providers["RAA"]["note"] == "kept" and providers["RAA"]["income_gbp"] == "100"
    assert providers["RZZ"]["mff"] == "1.1"
    assert "RAB" not in providers  # the MFF never adds providers
    assert (tmp_path / "plans.csv").read_text() == "untouched\n"
    _, log = read_table(tmp_path / "import_log.csv")
    assert {(r["table"], r["file"].rsplit("/", 1)[-1]) for r in log} == {
        ("ncc_costs", "ncc_2020_21_file1.csv"), ("mff_derived", "ncc_2020_21_file1.csv"),
        ("mff_derived", "ncc_2020_21_file2.csv"),
        # the MFF written into providers.csv comes from both files
        ("providers", "ncc_2020_21_file1.csv"), ("providers", "ncc_2020_21_file2.csv")}
    assert all(len(r["sha256"]) == 64 and r["rows"] and r["imported_at"] for r in log)
    # the file's name, not a path; the period from the name; rows written to the table
    assert all("/" not in r["file"] and r["period"] == "2020/21" for r in log)
    assert {r["table"]: r["rows"] for r in log}["providers"] == "1"


def test_two_file1s_are_refused(tmp_path):
    with pytest.raises(InputError, match="second file with actual cost"):
        import_source("ncc", [FIXTURES / "ncc_2020_21_file1.csv",
                              FIXTURES / "ncc_2024_25_file1.csv"], tmp_path)


def test_national_schedule_real_file(tmp_path):
    report = import_source("ncc-schedule", [real("ncc_2023_24_national_schedule.csv")],
                           tmp_path)
    header, rows = read_table(tmp_path / "national_unit_costs.csv")
    assert tuple(header) == table("national_unit_costs").column_names
    costs = by_key(rows, "department_code", "currency_code")
    assert costs[("EM", "VB01Z")]["unit_cost_gbp"] == "333.1771"
    assert costs[("EM", "VB01Z")]["activity"] == "99328"
    assert costs[("CC", "XA01Z")]["unit_cost_gbp"] == "2148.7102"
    assert costs[("AMB", "03")]["unit_cost_gbp"] == "458.7311"  # trailing space stripped
    # 11,303 rows less 166 of groups without a department and 3 with zero unit cost
    assert report.rows_in["national_unit_costs"] == 11303
    assert len(rows) == 11303 - 166 - 3
    assert report.dropped["rows of service group 'High Cost Devices': no department in "
                          "reference_data/departments.csv"] == 41
    assert {r["department_code"] for r in rows} >= {"EL", "NEL", "NES", "DC", "IAPT", "AMB"}
    _, values = read_table(tmp_path / "unit_values.csv")
    values = by_key(values, "key")
    assert values["see_and_convey_unit_cost"]["value"] == "458.7311"
    assert values["see_and_treat_unit_cost"]["value"] == "326.9878"
    assert "ncc_2023_24_national_schedule.csv" in values["see_and_treat_unit_cost"]["source"]


def test_schedule_merges_unit_values_keeping_other_keys(tmp_path):
    (tmp_path / "unit_values.csv").write_text(
        "key,value,unit,source\ncost_per_crew_hour,200,GBP per crew hour,mine\n"
        "see_and_treat_unit_cost,1,GBP per incident,old\n")
    import_source("ncc-schedule", [real("ncc_2023_24_national_schedule.csv")], tmp_path)
    _, values = read_table(tmp_path / "unit_values.csv")
    values = by_key(values, "key")
    assert values["cost_per_crew_hour"]["value"] == "200"
    assert values["see_and_treat_unit_cost"]["value"] == "326.9878"
    assert len(values) == 3
