"""ODS etr.csv -> providers skeleton: closed and Welsh trusts dropped."""

from __future__ import annotations

from packgen.contract import table
from packgen.importers import import_source
from tests.test_importers_common import FIXTURES, by_key, read_table, real


def test_real_etr_english_open_trusts(tmp_path):
    report = import_source("ods", [real("etr_2024_25.csv")], tmp_path)
    header, rows = read_table(tmp_path / "providers.csv")
    assert tuple(header) == table("providers").column_names
    assert len(rows) == 202  # 210 less 3 Welsh and 5 closed
    assert report.dropped["Welsh rows (region W00)"] == 3
    assert report.dropped["closed trusts (close date present)"] == 5
    providers = by_key(rows, "provider_code")
    assert providers["R0A"]["provider_name"] == "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST"
    assert providers["R0A"]["region_code"] == "Y62" and providers["R0A"]["icb_code"] == "QOP"
    assert "R1C" not in providers  # Solent closed 2024-09-30
    assert all(r["sector"] == r["mff"] == r["income_gbp"] == "" for r in rows)
    assert {r["region_code"] for r in rows} == {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62",
                                                "Y63"}
    assert "left blank" in report.render()


def test_small_etr_and_merge_into_existing_providers(tmp_path):
    (tmp_path / "providers.csv").write_text(
        "provider_code,provider_name,sector,peer_group,region_code,icb_code,income_gbp,"
        "pay_bill_gbp,operating_cost_gbp,mff\n"
        "RAA,old name,acute,ACUTE - SMALL,Y60,QXX,100,50,90,1.05\n"
        "RZZ,kept,community,COMMUNITY,Y58,QYY,10,5,9,1.0\n")
    report = import_source("ods", [FIXTURES / "etr_small.csv"], tmp_path)
    _, rows = read_table(tmp_path / "providers.csv")
    providers = by_key(rows, "provider_code")
    assert providers["RAA"]["provider_name"] == "ALPHA HOSPITAL NHS TRUST"
    assert providers["RAA"]["region_code"] == "Y56" and providers["RAA"]["mff"] == "1.05"
    assert providers["RBB"]["sector"] == "" and providers["RBB"]["icb_code"] == "QOP"
    assert providers["RZZ"]["provider_name"] == "kept"
    assert set(providers) == {"RAA", "RBB", "RZZ"}
    assert report.dropped == {"closed trusts (close date present)": 1,
                              "Welsh rows (region W00)": 1}
    assert "1 trusts updated" in report.render()


def test_other_importers_report_providers_missing_from_providers_csv(tmp_path):
    import_source("ods", [FIXTURES / "etr_small.csv"], tmp_path)
    report = import_source("ambsys", [FIXTURES / "ambsys_small.csv"], tmp_path,
                           period_from="2024-01", period_to="2024-03")
    assert "ambulance: 3 providers not in providers.csv (rows kept" in report.render()
