"""`packgen import` end to end: report on stdout, clear errors for malformed files."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from packgen.cli import cli
from tests.test_importers_common import FIXTURES, read_table, real


def run(*args: str):
    return CliRunner().invoke(cli, ["import", *args])


def test_import_prints_report_and_logs_inputs(tmp_path):
    result = run("ods", str(FIXTURES / "etr_small.csv"), "--into", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "providers: 4 rows in, 2 rows out" in result.output
    assert "1 Welsh rows (region W00)" in result.output
    assert "1 closed trusts" in result.output
    result = run("ambsys", str(FIXTURES / "ambsys_small.csv"), "--into", str(tmp_path),
                 "--from", "2024-01", "--to", "2024-03")
    assert result.exit_code == 0, result.output
    _, log = read_table(tmp_path / "import_log.csv")
    assert [(r["table"], r["source"]) for r in log] == [("providers", "ods"),
                                                        ("ambulance", "ambsys")]
    assert log[1]["rows"] == "3"  # rows written to the table: RRU, RYD and R1F
    assert log[1]["period"] == "2024-01 to 2024-03"
    # the temp files of the atomic writes are gone
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ambulance.csv", "bundle_info.csv", "import_log.csv", "providers.csv"]


@pytest.mark.parametrize("source, name, message", [
    ("ncc", "wrong_columns.csv", "line 1: missing column(s) provider_code"),
    ("ncc", "empty.csv", "the file is empty"),
    ("eric", "binary.csv", "line 1: this is not a text (CSV) file"),
    ("ods", "etr_with_header.csv", "line 1: not an ODS etr row"),
    ("ambsys", "wrong_columns.csv", "Expected year: one of Year"),
    ("scmd", "ambsys_small.csv", "missing column(s) provider_code, vmp_code, quantity"),
    ("ncc-schedule", "etr_small.csv", "missing column(s) service_group"),
    ("eric", "ncc_2020_21_file1.csv", "missing column(s) gia_m2, gas_kwh"),
])
def test_malformed_files_give_one_clear_error(tmp_path, source, name, message):
    result = run(source, str(FIXTURES / name), "--into", str(tmp_path))
    assert result.exit_code == 1
    assert message in result.output
    assert name in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "import_log.csv").exists()


def test_expected_columns_are_named_but_optional_ones_are_not_demanded(tmp_path):
    result = run("ncc", str(FIXTURES / "wrong_columns.csv"), "--into", str(tmp_path))
    assert "one of Provider Code, Org Code, OrgCode" in result.output
    assert "Found: Name, Value" in result.output
    assert "mff_adjusted_cost_gbp" not in result.output.split("Expected")[0]


def test_truncated_row_names_its_line(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("Org Code,Department Code,Service Code,Currency Code,Activity,Actual Cost\n"
                    "RAA,EL,110,HN12F,1,100\nRAA,EL\n")
    result = run("ncc", str(path), "--into", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "short.csv: line 3: 2 cells" in result.output
    assert "Traceback" not in result.output


def test_bad_period_and_unknown_source(tmp_path):
    result = run("ambsys", str(FIXTURES / "ambsys_small.csv"), "--into", str(tmp_path),
                 "--from", "April")
    assert result.exit_code == 1 and "Write it as YYYY-MM" in result.output
    result = run("hes", str(FIXTURES / "ambsys_small.csv"), "--into", str(tmp_path))
    assert result.exit_code == 2


def test_parquet_table_in_the_folder_is_not_shadowed(tmp_path):
    (tmp_path / "ambulance.parquet").write_bytes(b"PAR1")
    result = run("ambsys", str(FIXTURES / "ambsys_small.csv"), "--into", str(tmp_path),
                 "--from", "2024-01", "--to", "2024-03")
    assert result.exit_code == 1 and "ambulance.parquet" in result.output


@pytest.mark.slow  # the six imports of `make demo-real`
def test_demo_real_imports_run_in_order_on_a_fresh_folder(tmp_path):
    """The imports of `make demo-real`, as a newcomer runs them on the shipped files."""
    out = tmp_path / "real-data"
    steps = [("ods", "etr_2024_25.csv"), ("eric", "eric_2016_17_trust.csv",
                                          "--apply-peer-groups"),
             ("rci", "rci_2015_16_org.csv"), ("ambsys", "ambsys.csv"),
             ("ncc-schedule", "ncc_2023_24_national_schedule.csv"),
             ("scmd", "scmd_methotrexate.csv")]
    for source, name, *flags in steps:
        result = run(source, str(real(name)), "--into", str(out), *flags)
        assert result.exit_code == 0, (source, result.output)
    _, log = read_table(out / "import_log.csv")
    assert [(r["source"], r["period"]) for r in log] == [
        ("ods", "2024/25"), ("eric", "2016/17"), ("eric", "2016/17"), ("rci", "2015/16"),
        ("ambsys", "2025/26"), ("ncc-schedule", "2023/24"), ("ncc-schedule", "2023/24"),
        ("scmd", "2019/20")]
    _, providers = read_table(out / "providers.csv")
    rj1 = next(p for p in providers if p["provider_code"] == "RJ1")
    assert (rj1["mff"], rj1["peer_group"], rj1["sector"]) == (
        "1.27702912", "ACUTE - TEACHING", "acute")


def test_period_option_is_recorded(tmp_path):
    result = run("ods", str(FIXTURES / "etr_small.csv"), "--into", str(tmp_path),
                 "--period", "2024-11")
    assert result.exit_code == 0, result.output
    _, log = read_table(tmp_path / "import_log.csv")
    assert log[0]["period"] == "2024-11"
    assert "--period" in run("--help").output
