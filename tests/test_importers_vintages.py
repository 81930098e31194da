"""Every vintage of the publications users hold: unedited excerpts of older and newer files.

The excerpts under tests/fixtures/importers/vintages/ are byte-for-byte copies of lines of public
files (README.md there names each one's repository, commit and path). Each test checks that floor
area and energy come through exactly: the expected values are the cells of the excerpt, summed
as the importer documents (electricity over its supply columns, energy over every 'consumed'
column, sites to their trust).
"""

from __future__ import annotations

import pytest

from packgen.importers import import_source
from tests.test_importers_common import FIXTURES, by_key, read_table

VINTAGES = FIXTURES / "vintages"
ESTATES = ("gia_m2", "electricity_kwh", "gas_kwh", "energy_kwh", "energy_cost_gbp",
           "electricity_cost_gbp", "gas_cost_gbp")


def estates_of(tmp_path, name: str, **options):
    report = import_source("eric", [VINTAGES / name], tmp_path, **options)
    _, rows = read_table(tmp_path / "estates.csv")
    return by_key(rows, "provider_code"), report


# (file, trust, rows out, {column: value}); energy costs of these years are for all supplies only
CASES = [
    # 2013/14: `$`, section row, 'Gross internal site floor area', '... - utility/local/renewable'
    ("eric_2013_14_trust_excerpt.csv", "R1A", 8, {
        "gia_m2": "67638",
        "electricity_kwh": str(6011805 + 0 + 1380174),  # utility + local + renewable
        "gas_kwh": "19131709",  # 'Gas consumed - utility (kWh)'
        # electricity parts + gas + oil 46803 + coal 0 + steam 59596 + hot water 0 + non-fossil 0
        "energy_kwh": str(6011805 + 0 + 1380174 + 19131709 + 46803 + 59596),
        "energy_cost_gbp": "1494207", "electricity_cost_gbp": "", "gas_cost_gbp": ""}),
    ("eric_2013_14_trust_excerpt.csv", "NR5", 8, {
        "gia_m2": "236381", "electricity_kwh": str(3910287 + 621492 + 1076636),
        "gas_kwh": "11886202", "energy_kwh": str(3910287 + 621492 + 1076636 + 11886202),
        "energy_cost_gbp": "720473"}),
    # 2014/15: `$` with empty trailing cells; 'Energy cost (all energy supplies)'
    ("eric_2014_15_trust_excerpt.csv", "R1C", 6, {
        "gia_m2": "64686", "electricity_kwh": "2676387", "gas_kwh": "5692512",
        "energy_kwh": str(2676387 + 5692512), "energy_cost_gbp": "511081"}),
    ("eric_2014_15_trust_excerpt.csv", "R1F", 6, {
        "gia_m2": "60885", "electricity_kwh": "7189160", "gas_kwh": "16834233",
        "energy_kwh": str(7189160 + 16834233 + 18000), "energy_cost_gbp": "1387687"}),
    # 2015/16 part 2: `$` with thousands separators inside cells
    ("eric_2015_16_trust_part2_excerpt.csv", "R1H", 6, {
        "gia_m2": "518653", "electricity_kwh": "94774994", "gas_kwh": "115946601",
        "energy_kwh": str(94774994 + 115946601 + 4208682), "energy_cost_gbp": "12216424"}),
    ("eric_2015_16_trust_part2_excerpt.csv", "R1A", 6, {
        "gia_m2": "66055", "electricity_kwh": str(2487313 + 3470312),  # + renewable
        "gas_kwh": "14093737", "energy_kwh": str(2487313 + 14093737 + 33060 + 3470312),
        "energy_cost_gbp": "1231320"}),
    # 2016/17 site return: the aggregate site and the hospital summed to the trust
    ("eric_2016_17_site_excerpt.csv", "RA3", 3, {
        "gia_m2": str(1190 + 32217), "electricity_kwh": str(57994 + 4374838),
        "gas_kwh": str(151443 + 5862128),
        "energy_kwh": str(57994 + 4374838 + 151443 + 5862128),
        "energy_cost_gbp": str(12559 + 681292)}),
    ("eric_2016_17_site_excerpt.csv", "RA2", 3, {
        "gia_m2": "68951", "electricity_kwh": str(0 + 13412609),  # green tariff supply
        "gas_kwh": "22902119", "energy_kwh": str(13412609 + 22902119 + 31461),
        "energy_cost_gbp": "2093710"}),
    # 2023/24 site return (CRLF, N/A): electricity and its cost by supply, no total energy cost
    ("eric_2023_24_site_excerpt.csv", "R0A", 1, {
        "gia_m2": str(516 + 565 + 757 + 1175 + 618 + 1419),
        "electricity_kwh": str(72748 + 122434), "gas_kwh": "18700",
        "energy_kwh": str(72748 + 122434 + 18700),
        "electricity_cost_gbp": str(14339 + 31712), "gas_cost_gbp": "4163",
        "energy_cost_gbp": str(14339 + 31712 + 4163)}),
]


@pytest.mark.parametrize("name, trust, count, expected", CASES,
                         ids=[f"{c[0].split('_excerpt')[0]}-{c[1]}" for c in CASES])
def test_floor_area_and_energy_come_through_exactly(tmp_path, name, trust, count, expected):
    estates, report = estates_of(tmp_path, name)
    assert len(estates) == count
    assert {k: estates[trust][k] for k in expected} == expected
    year = name.split("_")[1]
    assert report.period == f"{year}/{int(year[2:]) + 1:02d}"  # from the file name


def test_old_years_report_how_energy_was_summed(tmp_path):
    _, report = estates_of(tmp_path, "eric_2013_14_trust_excerpt.csv")
    text = report.render()
    assert "1 section-header row(s) above the column names skipped" in text
    assert ("electricity_kwh = sum of 3 columns (Electricity consumed - utility (kWh); "
            "Electricity consumed - local (kWh); Electricity consumed - renewable (kWh))") in text
    assert "energy_kwh = sum of the 9 'consumed (kWh)' columns" in text
    assert "CHP input and output, generation and exported energy are not supplies" in text
    _, peers = read_table(tmp_path / "eric_peer_groups.csv")
    peers = by_key(peers, "provider_code")
    assert peers["R1A"]["peer_group"] == "COMMUNITY"
    assert peers["NAX"]["eric_trust_type"] == "INDEPENDENT SECTOR"
    assert peers["NAX"]["peer_group"] == ""  # no peer group: blank, never guessed


def test_newest_site_file_sums_supply_costs_and_keeps_na_missing(tmp_path):
    estates, report = estates_of(tmp_path, "eric_2023_24_site_excerpt.csv")
    assert "6 site rows summed to 1 trusts" in report.render()
    assert "energy_cost_gbp = sum of the 9 cost columns of every supply" in report.render()
    # four of the six sites report every energy cell as N/A: missing, not zero, and not counted
    assert estates["R0A"]["electricity_kwh"] == "195182"


def test_a_file_without_every_supply_leaves_the_totals_blank(tmp_path):
    estates, report = estates_of(tmp_path, "../eric_2022_23_trust.csv")
    assert estates["RDD"]["energy_kwh"] == estates["RDD"]["energy_cost_gbp"] == ""
    text = report.render()
    assert "no column for oil, steam, hotwater consumed: energy_kwh left blank" in text
    assert "no total energy cost and no cost column for every supply" in text


def test_real_2016_17_trust_file_energy_totals(tmp_path):
    from tests.test_importers_common import real

    report = import_source("eric", [real("eric_2016_17_trust.csv")], tmp_path)
    _, rows = read_table(tmp_path / "estates.csv")
    rj1 = by_key(rows, "provider_code")["RJ1"]
    # electricity 53851940 + green tariff 1002103 + third party 0, gas 178099230, and the
    # other supplies of the file's row (oil, coal, steam, hot water, non-fossil renewables)
    assert rj1["energy_kwh"] == "235362240"
    assert int(rj1["energy_kwh"]) - 54854043 - 178099230 == 2408967
    assert rj1["energy_cost_gbp"] == "9656181"
    assert "energy_kwh = sum of the 9 'consumed (kWh)' columns" in report.render()


def test_ods_extract_with_24_fields_and_the_2013_2018_regions(tmp_path):
    report = import_source("ods", [VINTAGES / "etr_pre2018_24_fields_excerpt.csv"], tmp_path)
    _, rows = read_table(tmp_path / "providers.csv")
    providers = by_key(rows, "provider_code")
    assert len(rows) == 28  # 30 rows less Velindre and the Welsh Ambulance Service
    assert report.dropped["Welsh rows (region W00)"] == 2
    # Y56 London is today's Y56; Y54, Y55 and Y57 span several of today's regions: blank
    assert providers["RRU"]["region_code"] == "Y56"
    assert providers["RQ6"]["region_code"] == providers["RP7"]["region_code"] == ""
    # Q71, Q75 ... are area teams, not ICBs
    assert all(r["icb_code"] == "" for r in rows)
    assert providers["RRF"]["provider_name"] == (
        "WRIGHTINGTON, WIGAN AND LEIGH NHS FOUNDATION TRUST")

    def counted(prefix: str) -> int:
        return sum(n for k, n in report.counted_notes.items() if k.startswith(prefix))

    assert counted("trusts with the 2013-2018 region Y55") == 12
    assert counted("trusts with the 2013-2018 region") == 19  # Y54 5, Y55 12, Y57 2 (London 9)
    assert counted("trusts with the pre-ICB geography") == 28


def test_ods_old_extract_keeps_regions_already_in_providers(tmp_path):
    (tmp_path / "providers.csv").write_text(
        "provider_code,provider_name,sector,peer_group,region_code,icb_code,income_gbp,"
        "pay_bill_gbp,operating_cost_gbp,mff\nRQ6,old,acute,,Y62,QYG,,,,\n")
    import_source("ods", [VINTAGES / "etr_pre2018_24_fields_excerpt.csv"], tmp_path)
    _, rows = read_table(tmp_path / "providers.csv")
    rq6 = by_key(rows, "provider_code")["RQ6"]
    assert (rq6["region_code"], rq6["icb_code"], rq6["sector"]) == ("Y62", "QYG", "acute")
    assert rq6["provider_name"].startswith("ROYAL LIVERPOOL AND BROADGREEN")


def test_welsh_rows_by_government_office_letter_or_code(tmp_path):
    path = tmp_path / "etr.csv"
    blank = ",,,,,,,,,,,0,,"
    path.write_text(f"RQF,VELINDRE,,Q99,A,,,C,,CF1,19940401{blank}W\n"  # blank region, office W
                    f"7A1,BETSI CADWALADR,X,Q99,A,,,C,,LL1,20091001{blank}\n"  # a Welsh code
                    f"RAA,ALPHA,Y56,QMJ,A,,,L,,E1,19940401{blank}H\n")
    report = import_source("ods", [path], tmp_path / "out")
    assert report.dropped == {"Welsh rows (blank region, government office W)": 1,
                              "Welsh rows (Welsh organisation code)": 1}


def test_scmd_vintage_without_the_row_number_column(tmp_path):
    report = import_source("scmd", [VINTAGES / "scmd_2019_covid_meds_excerpt.csv"], tmp_path,
                           period_from="2019-01", period_to="2019-01")
    _, rows = read_table(tmp_path / "medicines_use.csv")
    use = by_key(rows, "provider_code", "vmp_code")
    assert len(rows) == 30
    assert use[("RA7", "16101911000001101")]["quantity"] == "850"
    assert use[("RCB", "16101911000001101")]["quantity"] == "71"
    assert report.period == "2019-01 to 2019-01"


def test_2024_25_site_columns_for_energy_purchased_from_chp(tmp_path):
    # hand-written rows with the 2024/25 site file's added CHP purchase columns (no real excerpt
    # of that year was found): they are supplies, so they count in the energy totals
    path = tmp_path / "eric_2024_25_site.csv"
    header = ["Trust Code", "Site Code", "Gross internal floor area (m²)",
              "Electricity - other costs (£)", "Electricity - other consumed (kWh)",
              "Electricity purchased from CHP costs (£)",
              "Electricity purchased from CHP consumed (kWh)",
              "Thermal energy purchased from CHP costs (£)",
              "Thermal energy purchased from CHP consumed (kWh)",
              "Gas costs (£)", "Gas consumed (kWh)", "Oil costs (£)", "Oil consumed (kWh)",
              "Steam consumed (kWh)", "Hot water consumed (kWh)", "Other energy costs (£)"]
    row = ["RAA", "RAA01", "100", "10", "1000", "2", "200", "3", "300", "4", "400", "N/A",
           "N/A", "0", "0", "1"]
    path.write_text(",".join(header) + "\r\n" + ",".join(row) + "\r\n", encoding="utf-8")
    estates, _ = estates_of(tmp_path / "out", str(path))  # an absolute path: not a vintage
    raa = estates["RAA"]
    assert (raa["electricity_kwh"], raa["electricity_cost_gbp"]) == ("1200", "12")
    assert raa["energy_kwh"] == str(1000 + 200 + 300 + 400)
    assert raa["energy_cost_gbp"] == str(10 + 2 + 3 + 4 + 1)
