"""SCMD -> medicines_use: quantity spellings, negatives netted, VMP codes as text."""

from __future__ import annotations

from packgen.contract import table
from packgen.importers import import_source
from tests.test_importers_common import FIXTURES, by_key, read_table, real


def test_real_methotrexate_extract(tmp_path):
    report = import_source("scmd", [real("scmd_methotrexate.csv")], tmp_path,
                           period_from="2019-08", period_to="2020-07")
    header, rows = read_table(tmp_path / "medicines_use.csv")
    assert tuple(header) == table("medicines_use").column_names
    use = by_key(rows, "provider_code", "vmp_code")
    assert use[("R1C", "326874007")]["quantity"] == "13890"  # Aug 2019 - Jul 2020
    assert use[("R1C", "326874007")]["cost_gbp"] == ""  # no cost in this schema
    assert {r["vmp_code"] for r in rows} == {"326874007", "326875008"}
    assert round(sum(float(r["quantity"]) for r in rows if r["vmp_code"] == "326874007"),
                 2) == 6384917.24
    assert report.rows_in["medicines_use"] == 4086
    assert "period: 2019-08 to 2020-07" in report.render()


def test_real_extract_whole_period_counts_every_pair(tmp_path):
    import_source("scmd", [real("scmd_methotrexate.csv")], tmp_path,
                  period_from="2019-01", period_to="2020-07")
    _, rows = read_table(tmp_path / "medicines_use.csv")
    assert round(sum(float(r["quantity"]) for r in rows), 2) == 10527820.12
    assert len(rows) == 266  # provider x product pairs; no net negative


def test_r_export_empty_first_header_and_negative_netting(tmp_path):
    report = import_source("scmd", [FIXTURES / "scmd_r_export.csv"], tmp_path,
                           period_from="2024-01", period_to="2024-02")
    _, rows = read_table(tmp_path / "medicines_use.csv")
    use = by_key(rows, "provider_code", "vmp_code")
    assert use[("RAA", "326874007")]["quantity"] == "80"  # 100 - 20
    assert use[("RAA", "326874006")]["quantity"] == "5"
    assert "1 negative rows netted" in report.render()


def test_typo_spelling_float_vmp_missing_cost_and_net_negative(tmp_path):
    report = import_source("scmd", [FIXTURES / "scmd_lower_typo.csv"], tmp_path,
                           period_from="2023-04", period_to="2023-06")
    _, rows = read_table(tmp_path / "medicines_use.csv")
    use = by_key(rows, "provider_code", "vmp_code")
    assert use[("RBB", "326874007")] == {"provider_code": "RBB", "vmp_code": "326874007",
                                         "quantity": "70", "cost_gbp": "35"}
    assert use[("RBB", "326874006")]["cost_gbp"] == ""  # missing, not zero
    assert ("RCC", "326874007") not in use  # 5 - 8 < 0: dropped
    assert not any("." in r["vmp_code"] or "E" in r["vmp_code"] for r in rows)
    assert report.dropped["provider x products with a negative net quantity or cost"] == 1
    assert "VMP codes written as numbers" in report.render()


def test_upper_case_typo_spelling_and_yyyymm_months(tmp_path):
    import_source("scmd", [FIXTURES / "scmd_upper_typo.csv"], tmp_path, period_from="2024-01")
    _, rows = read_table(tmp_path / "medicines_use.csv")
    assert rows == [{"provider_code": "RDD", "vmp_code": "326874007", "quantity": "100",
                     "cost_gbp": "50"}]


def test_default_period_is_the_latest_complete_financial_year(tmp_path):
    # January 2019 to July 2020: 2019/20 is the only complete April-March year
    report = import_source("scmd", [real("scmd_methotrexate.csv")], tmp_path)
    assert "period: 2019-04 to 2020-03" in report.render()
    assert report.period == "2019/20"
    _, rows = read_table(tmp_path / "medicines_use.csv")
    assert len(rows) > 200 and all(r["cost_gbp"] == "" for r in rows)


def test_products_not_in_the_reference_list_are_dropped_and_counted(tmp_path):
    (tmp_path / "medicines_reference.csv").write_text(
        "molecule,vmp_code,vmp_name,is_best_value,unit_price_gbp\n"
        "methotrexate,326874007,Methotrexate 2.5mg tablets,true,0.05\n")
    report = import_source("scmd", [real("scmd_methotrexate.csv")], tmp_path,
                           period_from="2019-04", period_to="2020-03")
    _, rows = read_table(tmp_path / "medicines_use.csv")
    assert {r["vmp_code"] for r in rows} == {"326874007"}
    dropped = report.counted_notes["rows of products not in medicines_reference.csv dropped"]
    assert dropped == 373  # the 10mg rows of 2019/20
    assert "373 rows of products not in medicines_reference.csv dropped" in report.render()
