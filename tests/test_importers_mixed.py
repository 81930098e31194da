"""A mixed bundle (synthetic providers + the real national schedule) and ERIC peer groups into
providers.csv: issue 8's "a bundle assembled from real files where they exist"."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from packgen.cli.assemble import assemble_command
from packgen.cli.importers import import_command
from packgen.contract.validate import validate_bundle
from packgen.engine import compute
from packgen.errors import InputError
from packgen.importers import import_source
from packgen.importers.mixed import assemble_bundle
from packgen.store import load_bundle, open_store
from tests.test_importers_common import REAL, by_key, read_table, real

SCHEDULE = "ncc_2023_24_national_schedule.csv"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    real(SCHEDULE)  # skips when the real files are absent
    out = tmp_path_factory.mktemp("mixed") / "bundle"
    report = assemble_bundle(out, REAL, seed=2026, scale=0.05)
    return out, report


@pytest.fixture(scope="module")
def store(mixed, tmp_path_factory):
    out, _ = mixed
    db = tmp_path_factory.mktemp("store") / "packgen.duckdb"
    load_bundle(out, db)
    con = open_store(db, read_only=False)
    compute(con)
    yield con
    con.close()


def test_mixed_bundle_validates(mixed):
    out, _ = mixed
    report = validate_bundle(out)
    assert report.errors == []
    # import_log.csv is part of the contract now: no file is unknown (README.md is ignored)
    assert {w.file for w in report.warnings if w.kind == "unknown_file"} == set()
    assert "import_log" in report.tables


def test_acute_opportunities_are_neither_zero_nor_absurd(store):
    total, acute_cost = store.execute(
        "select (select sum(opportunity_gbp) from result_rows where category = 'acute_cost'), "
        "(select sum(operating_cost_gbp) from providers "
        " where sector in ('acute', 'specialist'))").fetchone()
    assert 0.005 * acute_cost < total < 0.15 * acute_cost


def test_schedule_unit_costs_are_in_the_store_where_the_codes_are_the_schedules(store):
    # Emergency Care VB01Z: the schedule's row, mapped to department EM
    assert store.execute(
        "select unit_cost_gbp, unit_cost_source from stg_national_unit_costs "
        "where department_code = 'EM' and currency_code = 'VB01Z'").fetchone() == (
        333.1771, "national schedule")
    # the synthetic HRGs are invented: admitted care keeps the mean of the synthetic rows
    assert store.execute(
        "select count(*) from national_unit_costs "
        "where department_code in ('EL', 'NEL', 'NES', 'DC')").fetchone() == (0,)
    assert store.execute(
        "select distinct unit_cost_source from stg_national_unit_costs "
        "where department_code = 'EL'").fetchall() == [("computed from ncc_costs",)]
    values = dict(store.execute("select key, value from unit_values").fetchall())
    assert values["see_and_convey_unit_cost"] == pytest.approx(458.7311)
    assert values["see_and_treat_unit_cost"] == pytest.approx(326.9878)


def test_report_and_import_log_say_where_each_input_came_from(mixed):
    out, report = mixed
    assert [(i.path.name, i.tables) for i in report.used] == [
        (SCHEDULE, ("national_unit_costs", "unit_values"))]
    assert "EM" in report.departments_used and "EL" in report.departments_not_used
    not_used = {i.path.name: (i.source, i.why) for i in report.not_used}
    for name, source in [("eric_2016_17_trust.csv", "eric"), ("ambsys.csv", "ambsys"),
                         ("scmd_methotrexate.csv", "scmd"), ("etr_2024_25.csv", "ods"),
                         ("rci_2015_16_org.csv", "rci")]:
        assert not_used[name][0] == source
        assert "0 of those codes are providers of this bundle" in not_used[name][1]
        assert "not mapped onto fictional ones" in not_used[name][1]
    assert "describes 237 real trusts" in not_used["rci_2015_16_org.csv"][1]
    assert not_used["README.md"] == (None, "no packgen importer reads this file")
    text = report.render()
    assert "Real inputs not used:" in text and "eric_2016_17_trust.csv (eric)" in text
    assert "invented HRGs" in text
    assert text in (out / "README.md").read_text(encoding="utf-8")

    _, log = read_table(out / "import_log.csv")
    origins = {(r["table"], r["source"]): r for r in log}
    assert origins[("national_unit_costs", "ncc-schedule")]["file"] == SCHEDULE  # a name
    real_row = origins[("national_unit_costs", "ncc-schedule")]
    assert (real_row["publisher"], real_row["period"]) == ("NHS England", "2023/24")
    assert len(real_row["sha256"]) == 64
    assert origins[("estates", "generated")]["sha256"] == ""
    assert "synthetic" in origins[("estates", "generated")]["title"]
    assert ("national_unit_costs", "generated") not in origins
    assert origins[("unit_values", "ncc-schedule")]["rows"] == "2"
    assert origins[("unit_values", "generated")]["rows"] == "8"
    assert origins[("estates", "generated")]["file"].startswith("packgen generate-data")
    assert not any(r["source"] in ("eric", "ambsys", "scmd", "ods") for r in log)

    _, info = read_table(out / "bundle_info.csv")
    info = {r["key"]: r["value"] for r in info}
    assert "mixed" in info["dataset_name"] and info["source"].startswith("Mixed:")
    # which parts are real, exactly: tables, rows, publication, period and file
    assert ("national_unit_costs (" in info["source"]
            and "national schedule of NHS costs 2023/24 (" + SCHEDULE + ")" in info["source"])
    assert "unit_values (2 rows)" in info["source"]
    assert info["synthetic"] == "true"
    assert info["licence"] == ("Synthetic data generated by packgen; national schedule: Open "
                               "Government Licence v3.0 (NHS England)")


def test_assemble_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "providers.csv").write_text("provider_code\n")
    with pytest.raises(InputError, match="not empty"):
        assemble_bundle(tmp_path, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["providers.csv"]


def test_assemble_command_without_real_inputs_keeps_the_synthetic_bundle(tmp_path):
    (tmp_path / "real").mkdir()
    result = CliRunner().invoke(assemble_command, [
        str(tmp_path / "real"), "--into", str(tmp_path / "out"), "--scale", "0.01"])
    assert result.exit_code == 0, result.output
    assert "Real inputs used:\n  none" in result.output
    assert "no real input fits" in result.output
    _, info = read_table(tmp_path / "out" / "bundle_info.csv")
    assert "synthetic" in {r["key"]: r["value"] for r in info}["dataset_name"]


PROVIDERS_HEADER = ("provider_code,provider_name,sector,peer_group,region_code,icb_code,"
                    "income_gbp,pay_bill_gbp,operating_cost_gbp,mff\n")


def test_eric_peer_groups_applied_to_listed_trusts(tmp_path):
    (tmp_path / "providers.csv").write_text(
        PROVIDERS_HEADER
        + "RJ1,Guy's and St Thomas',,,Y56,QKK,2500000000,1500000000,2450000000,1.1\n"
        + "RX6,North East Ambulance,acute,ACUTE - SMALL,Y63,QHM,300000000,2,3,1.0\n"
        + "TAD,Bradford District Care,mental_health,MENTAL HEALTH AND LEARNING DISABILITY,"
          "Y63,QWO,1,1,1,1.0\n"
        + "ZZ1,Not in ERIC,,,Y56,QKK,1,1,1,1.0\n", encoding="utf-8")
    report = import_source("eric", [real("eric_2016_17_trust.csv")], tmp_path,
                           apply_peer_groups=True)
    _, rows = read_table(tmp_path / "providers.csv")
    providers = by_key(rows, "provider_code")
    assert list(providers) == ["RJ1", "RX6", "TAD", "ZZ1"]  # no ERIC trust added
    assert (providers["RJ1"]["peer_group"], providers["RJ1"]["sector"]) == (
        "ACUTE - TEACHING", "acute")
    assert providers["RJ1"]["income_gbp"] == "2500000000"  # other columns kept
    assert (providers["RX6"]["peer_group"], providers["RX6"]["sector"]) == (
        "AMBULANCE", "ambulance")
    # a care trust has no peer group: kept as it was, never guessed
    assert providers["TAD"]["peer_group"] == "MENTAL HEALTH AND LEARNING DISABILITY"
    assert providers["ZZ1"]["peer_group"] == ""
    text = report.render()
    assert "peer_group and sector written for 2 of 4 listed trusts" in text
    assert "RX6 ACUTE - SMALL/acute -> AMBULANCE/ambulance" in text
    assert "TAD (CARE TRUST)" in text and "not guessed" in text
    assert "1 trusts are not in the ERIC file (kept as they were): ZZ1" in text
    _, log = read_table(tmp_path / "import_log.csv")
    assert [(r["table"], r["source"], r["rows"]) for r in log] == [
        ("estates", "eric", "236"), ("providers", "eric", "2")]
    assert validate_bundle(tmp_path).summaries  # the edited providers.csv still parses


def test_peer_groups_need_the_flag_and_a_providers_file(tmp_path):
    eric = real("eric_2016_17_trust.csv")
    (tmp_path / "providers.csv").write_text(PROVIDERS_HEADER + "RJ1,Guy's,,,Y56,QKK,1,1,1,1\n",
                                            encoding="utf-8")
    before = (tmp_path / "providers.csv").read_text(encoding="utf-8")
    report = import_source("eric", [eric], tmp_path)
    assert (tmp_path / "providers.csv").read_text(encoding="utf-8") == before
    assert "run with --apply-peer-groups" in report.render()

    empty = tmp_path / "empty"
    with pytest.raises(InputError, match=r"providers\.csv: not found"):
        import_source("eric", [eric], empty, apply_peer_groups=True)
    assert not (empty / "estates.csv").exists()  # refused before anything was written

    result = CliRunner().invoke(import_command, [
        "ods", str(real("etr_2024_25.csv")), "--into", str(tmp_path), "--apply-peer-groups"])
    assert result.exit_code == 2
    assert "eric source only" in result.output
