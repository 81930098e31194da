"""Every import says where its tables came from: import_log.csv and bundle_info.csv."""

from __future__ import annotations

from packgen.contract import table
from packgen.contract.validate import validate_bundle
from packgen.importers import import_source
from tests.test_importers_common import FIXTURES, read_table, real


def info(folder) -> dict[str, str]:
    return {r["key"]: r["value"] for r in read_table(folder / "bundle_info.csv")[1]}


def test_log_rows_per_table_and_source_and_reimport_replaces(tmp_path):
    import_source("ods", [real("etr_2024_25.csv")], tmp_path)
    import_source("eric", [real("eric_2016_17_trust.csv")], tmp_path, apply_peer_groups=True)
    import_source("ncc-schedule", [real("ncc_2023_24_national_schedule.csv")], tmp_path)
    header, log = read_table(tmp_path / "import_log.csv")
    assert tuple(header) == table("import_log").column_names
    assert [(r["table"], r["source"], r["rows"]) for r in log] == [
        ("providers", "ods", "202"), ("estates", "eric", "236"), ("providers", "eric", "197"),
        ("national_unit_costs", "ncc-schedule", "11134"), ("unit_values", "ncc-schedule", "2")]
    eric = log[1]
    assert (eric["publisher"], eric["title"], eric["period"], eric["file"]) == (
        "NHS Digital (now NHS England)", "Estates Returns Information Collection (ERIC)",
        "2016/17", "eric_2016_17_trust.csv")
    assert eric["sha256"] == ("6f12a67dcbdbf6f29cbaabac0f19b5c45436715cbe306f83bf4af6eb22b709a6")
    first_stamp = eric["imported_at"]
    # a re-import of the same source replaces its rows (not the other sources' rows)
    import_source("eric", [FIXTURES / "eric_2022_23_trust.csv"], tmp_path, period="2022/23")
    _, log = read_table(tmp_path / "import_log.csv")
    assert [(r["table"], r["source"], r["file"]) for r in log] == [
        ("providers", "ods", "etr_2024_25.csv"),
        ("providers", "eric", "eric_2016_17_trust.csv"),  # not rewritten by this import
        ("national_unit_costs", "ncc-schedule", "ncc_2023_24_national_schedule.csv"),
        ("unit_values", "ncc-schedule", "ncc_2023_24_national_schedule.csv"),
        ("estates", "eric", "eric_2022_23_trust.csv")]
    assert log[-1]["period"] == "2022/23" and log[-1]["imported_at"] >= first_stamp
    assert validate_bundle(tmp_path).tables.get("import_log") is not None


def test_bundle_info_real_licence_sources_and_a_period_the_user_set(tmp_path):
    import_source("ods", [real("etr_2024_25.csv")], tmp_path)
    first = info(tmp_path)
    assert first["synthetic"] == "false"
    assert first["licence"] == "Open Government Licence v3.0"
    assert first["dataset_name"] and "period" not in first  # ODS names no period
    assert first["source"].startswith("NHS England, Organisation Data Service (ODS), NHS trusts")
    import_source("eric", [real("eric_2016_17_trust.csv")], tmp_path)
    # a real bundle's tables each have their own period (in import_log.csv): no import sets
    # one for the whole bundle, which would mislabel every other table
    assert "period" not in info(tmp_path)
    rows = read_table(tmp_path / "bundle_info.csv")[1]
    rows.append({"key": "period", "value": "2024/25"})  # the user's choice
    for row in rows:
        if row["key"] == "dataset_name":
            row["value"] = "My trusts"
    (tmp_path / "bundle_info.csv").write_text(
        "key,value\n" + "".join(f'{r["key"]},"{r["value"]}"\n' for r in rows), encoding="utf-8")
    import_source("rci", [real("rci_2015_16_org.csv")], tmp_path)
    final = info(tmp_path)
    assert (final["period"], final["dataset_name"]) == ("2024/25", "My trusts")
    assert "Estates Returns Information Collection (ERIC) 2016/17" in final["source"]
    assert "(RCI) and MFF 2015/16" in final["source"]


def test_a_synthetic_bundle_keeps_its_bundle_info(tmp_path):
    (tmp_path / "bundle_info.csv").write_text("key,value\nsynthetic,true\nperiod,2024/25\n")
    report = import_source("ambsys", [FIXTURES / "ambsys_small.csv"], tmp_path,
                           period_from="2024-01", period_to="2024-03")
    assert info(tmp_path) == {"synthetic": "true", "period": "2024/25"}
    assert "says the folder is synthetic: left as it is" in report.render()
