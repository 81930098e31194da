"""ERIC trust and site returns -> estates and the ERIC peer-group map."""

from __future__ import annotations

import pytest

from packgen.contract import table
from packgen.errors import InputError
from packgen.importers import import_source
from tests.test_importers_common import FIXTURES, by_key, read_table, real


def test_real_2016_17_file(tmp_path):
    report = import_source("eric", [real("eric_2016_17_trust.csv")], tmp_path)
    header, rows = read_table(tmp_path / "estates.csv")
    assert tuple(header) == table("estates").column_names
    assert len(rows) == 236
    estates = by_key(rows, "provider_code")
    # Guy's and St Thomas': floor area; electricity = standard + green tariff + third party
    assert estates["RJ1"]["gia_m2"] == "374890"
    assert estates["RJ1"]["electricity_kwh"] == str(53851940 + 1002103 + 0)
    assert estates["RJ1"]["gas_kwh"] == "178099230"
    # a trust whose name was split over two cells: profile shifted, floor area aligned
    assert estates["RF4"]["gia_m2"] == "135682"
    assert estates["RF4"]["electricity_kwh"] == str(0 + 19456042 + 8083822)
    # 2016/17 has energy cost for all supplies only: fuel costs and supplies stay blank
    assert all(r["electricity_cost_gbp"] == r["gas_cost_gbp"] == "" for r in rows)
    assert all(r["general_supplies_gbp"] == r["clinical_supplies_gbp"] == "" for r in rows)
    _, peers = read_table(tmp_path / "eric_peer_groups.csv")
    peers = by_key(peers, "provider_code")
    assert peers["RF4"]["peer_group"] == "ACUTE - LARGE"  # read one cell to the right
    assert peers["RX3"]["peer_group"] == "MENTAL HEALTH AND LEARNING DISABILITY"
    assert peers["RJ1"]["peer_group"] == "ACUTE - TEACHING"
    assert sum(1 for p in peers.values() if p["peer_group"] == "") == 5  # CARE TRUST
    text = report.render()
    assert "5 trust names split over two cells (RF4, RRF, RRP, RX3, RX4)" in text
    assert "energy cost is given for all supplies only" in text


def test_dollar_group_header_latin1_split_name_and_not_applicable(tmp_path):
    import_source("eric", [FIXTURES / "eric_dollar_latin1.csv"], tmp_path)
    _, rows = read_table(tmp_path / "estates.csv")
    estates = by_key(rows, "provider_code")
    assert estates["RAA"]["gia_m2"] == "1000"
    assert estates["RBB"]["gia_m2"] == "2000"  # split name row still lines up here
    assert estates["RBB"]["electricity_kwh"] == "300000"
    assert estates["RBB"]["gas_kwh"] == ""  # Not Applicable is missing
    assert estates["RCC"]["electricity_kwh"] == ""  # every supply Not Applicable
    _, peers = read_table(tmp_path / "eric_peer_groups.csv")
    assert by_key(peers, "provider_code")["RBB"]["peer_group"] == "ACUTE - TEACHING"
    assert by_key(peers, "provider_code")["RCC"] == {
        "provider_code": "RCC", "eric_trust_type": "CARE TRUST", "peer_group": ""}


def test_newer_columns_thousands_separators_and_electricity_by_supply(tmp_path):
    report = import_source("eric", [FIXTURES / "eric_2022_23_trust.csv"], tmp_path)
    _, rows = read_table(tmp_path / "estates.csv")
    estates = by_key(rows, "provider_code")
    assert estates["RDD"] == {
        "provider_code": "RDD", "gia_m2": "12345", "electricity_kwh": "1200",
        "electricity_cost_gbp": "3000.5", "gas_kwh": "4000", "gas_cost_gbp": "800",
        "energy_kwh": "", "energy_cost_gbp": "",
        "general_supplies_gbp": "", "clinical_supplies_gbp": ""}
    assert estates["REE"]["electricity_kwh"] == "60"
    _, peers = read_table(tmp_path / "eric_peer_groups.csv")
    assert by_key(peers, "provider_code")["REE"]["peer_group"] == (
        "MENTAL HEALTH AND LEARNING DISABILITY")
    assert "electricity_kwh = sum of 3 columns" in report.render()


def test_site_rows_summed_to_trust(tmp_path):
    report = import_source("eric", [FIXTURES / "eric_2022_23_site.csv"], tmp_path)
    _, rows = read_table(tmp_path / "estates.csv")
    estates = by_key(rows, "provider_code")
    assert estates["RFF"]["gia_m2"] == "1250"
    assert estates["RFF"]["electricity_kwh"] == "150"
    assert estates["RFF"]["gas_kwh"] == "300"  # the clinic has no gas (Not Applicable)
    assert estates["RGG"]["gas_cost_gbp"] == "4"
    assert "3 site rows summed to 2 trusts" in report.render()


def test_same_trust_in_two_files_is_refused(tmp_path):
    with pytest.raises(InputError, match="also in"):
        import_source("eric", [FIXTURES / "eric_2022_23_trust.csv",
                               FIXTURES / "eric_2022_23_trust.csv"], tmp_path)
