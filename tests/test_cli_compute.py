"""`packgen categories`, `packgen explain` and `packgen compute`: output, exit codes, CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from packgen.categories import load_definitions
from packgen.cli import cli
from packgen.cli.compute import COMMANDS
from packgen.engine.params import ParameterError, RunParameters, run_parameters
from packgen.engine.summary import CSV_COLUMNS, CSV_REQUIRED_COLUMNS
from tests.bundles import minimal_tables, write_bundle

METHOD_CATEGORY_IDS = {
    "acute_cost", "temporary_staffing", "corporate_services", "estates_procurement", "medicines",
    "community_los", "community_dna", "mh_los", "talking_therapies", "ambulance_handover",
    "ambulance_conveyance", "ambulance_incidents",
}


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_command_has_help_with_an_example_block(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    example = result.stdout.split("Example:\n", 1)
    assert len(example) == 2, result.stdout
    # \b keeps the example's lines as written (click would otherwise rewrap them).
    assert example[1].splitlines()[0].strip().startswith(f"packgen {command}")
    assert "\b" in COMMANDS[[c.name for c in COMMANDS].index(command)].help


def test_categories_lists_one_short_line_per_category_under_a_header():
    result = invoke("categories")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    defs = load_definitions()
    assert lines[0].split() == ["ID", "CODE", "SHORT", "TITLE", "SECTORS"]
    assert len([line for line in lines[1:] if line.strip()]) == len(defs) + 1  # and a pointer
    assert all(len(line) <= 100 for line in lines)
    acute = next(line for line in lines if line.startswith("acute_cost "))
    for text in ("PG-AC-01", "Acute cost", "acute, specialist"):
        assert text in acute
    staffing = next(line for line in lines if line.startswith("temporary_staffing "))
    assert staffing.endswith("  all")
    assert "packgen explain ID (or CODE)" in lines[-1]


def test_explain_takes_the_code_packs_print():
    assert invoke("explain", "PG-AC-01").stdout == invoke("explain", "acute_cost").stdout
    assert invoke("explain", "pg-ac-01").exit_code == 0
    unknown = invoke("explain", "PG-XX-99")
    assert unknown.exit_code == 1 and "e.g. acute_cost or PG-AC-01" in unknown.output


def test_explain_shows_wording_components_and_sql():
    result = invoke("explain", "acute_cost")
    assert result.exit_code == 0
    out = result.stdout
    for text in ("What it measures", "Why it matters", "How it is calculated", "cost_index",
                 "lower is better", "75th percentile of performance among peers = the 25th "
                 "percentile of values", "at least 5 peers", "activity at least 10",
                 "expected cost (GBP) at least 10,000", "unit value: sql", "Overlaps with:",
                 "acute_cost.sql", "from stg_ncc_rows", "Drill-down SQL:"):
        assert text in out, text


def test_explain_unknown_category_exits_1_with_the_ids():
    result = invoke("explain", "acute")
    assert result.exit_code == 1
    assert "Error: unknown category 'acute'" in result.stderr
    assert "acute_cost" in result.stderr and "Hint:" in result.stderr
    assert result.stdout == ""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return write_bundle(tmp_path_factory.mktemp("bundle"))


@pytest.mark.slow  # a whole `packgen compute` run: validate, load, compute
def test_compute_prints_the_summary_and_writes_the_csv(bundle, tmp_path):
    out = tmp_path / "out" / "results.csv"
    result = invoke("compute", bundle, "--csv", out, "--db", tmp_path / "store.duckdb")
    assert result.exit_code == 0, result.output
    # Results on stdout, progress on stderr.
    assert "Providers: 6 (acute 2, ambulance 1, community 1, mental_health 1, specialist 1)" \
        in result.stdout
    assert "acute_cost" in result.stdout and "total (an upper bound" in result.stdout
    assert "validating" in result.stderr and "computed in" in result.stderr
    assert "validating" not in result.stdout
    assert (tmp_path / "store.duckdb").is_file()
    with open(out, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    assert tuple(reader.fieldnames[:len(CSV_REQUIRED_COLUMNS)]) == CSV_REQUIRED_COLUMNS
    assert {r["category"] for r in rows} <= METHOD_CATEGORY_IDS
    acute = [r for r in rows if r["category"] == "acute_cost" and r["role"] == "opportunity"]
    # 3 acute providers x 3 departments x 2 services; the cell's codes are columns of their own.
    assert len(acute) == 18
    assert all(r["sub_unit"] == f"{r['department_code']}/{r['service_code']}" for r in acute)
    # Only 3 acute peers here: every cell is counted and says why it is not assessed.
    assert {r["reason"] for r in acute} == {"fewer than 5 peers with valid data (3)"}
    assert {r["assessed"] for r in acute} == {"false"}
    context = [r for r in rows if r["role"] == "context"]
    assert context and all(r["in_total"] == "false" for r in context)
    assert not list(out.parent.glob(".*.tmp"))  # the temporary file was renamed


@pytest.mark.slow  # a whole `packgen compute` run: validate, load, compute
def test_compute_defaults_the_store_into_the_data_folder(tmp_path):
    data = write_bundle(tmp_path / "data")
    result = invoke("compute", data)
    assert result.exit_code == 0, result.output
    assert (data / "packgen.duckdb").is_file()


@pytest.mark.slow
def test_compute_csv_adds_up_to_the_summary_on_generated_data(tmp_path):
    from packgen.generate import generate_bundle

    data = tmp_path / "data"
    generate_bundle(data, seed=3, scale=0.05, progress=lambda _m: None)
    out = tmp_path / "results.csv"
    result = invoke("compute", data, "--csv", out)
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["category"] for r in rows} == {d.id for d in load_definitions()}
    assessed = [r for r in rows if r["assessed"] == "true"]
    total = sum(float(r["opportunity_gbp"]) for r in assessed if r["in_total"] == "true")
    assert sum(float(r["opportunity_gbp"]) for r in assessed if r["role"] == "context") == 0
    assert all(float(r["opportunity_gbp"]) >= 0 for r in assessed)
    # a row not assessed gives its reason and no figure (never £0)
    assert all(r["reason"] and r["opportunity_gbp"] == r["opportunity_median_gbp"] == ""
               for r in rows if r["assessed"] == "false")
    assert f"£{total:,.0f}" in result.stdout.splitlines()[-3]


def test_compute_expected_errors_exit_1_with_a_hint(bundle, tmp_path):
    result = invoke("compute", bundle, "--db", tmp_path / "store.duckdb",
                    "--peer-list", "RAA,RXX")
    assert result.exit_code == 1, result.output
    assert "--peer-list names providers not in" in result.stderr and "Hint:" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (("--peers", "list"), "--peers list needs the ODS codes"),
    (("--peers", "region", "--peer-list", "RAA"), "--peer-list goes with --peers list"),
    (("--percentile", "40"), "'--percentile': 40.0 is not in the range 50<=x<100"),
    (("--percentile", "150"), "'--percentile': 150.0 is not in the range 50<=x<100"),
])
def test_option_contradictions_and_bad_values_are_usage_errors(bundle, tmp_path, args,
                                                               message):
    for command in ("compute", "build", "check-plans"):
        extra = ("plans.csv",) if command == "check-plans" else ()
        result = invoke(command, bundle, *extra, "--db", tmp_path / "store.duckdb", *args)
        assert result.exit_code == 2, (command, result.output)
        assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "store.duckdb").exists()


def test_peer_option_contradictions_are_the_librarys_plain_errors():
    """The check is library code (the explorer uses it too); the command line only maps its
    plain exception to a usage error, with the same words."""
    with pytest.raises(ParameterError, match="--peers list needs the ODS codes"):
        run_parameters("list", None, 75)
    with pytest.raises(ParameterError, match="--peer-list goes with --peers list, not --peers "
                       "region"):
        run_parameters("region", "RAA", 75)
    assert run_parameters(None, " raa, rab", 80) == RunParameters(
        performance_percentile=0.8, peer_mode="list", peer_list=("RAA", "RAB"))


def test_compute_invalid_bundle_exits_1_and_names_the_problem(tmp_path):
    tables = minimal_tables()
    tables["ncc_costs"][0]["activity"] = "-3"
    data = write_bundle(tmp_path / "bad", tables)
    result = invoke("compute", data)
    assert result.exit_code == 1
    assert "ncc_costs" in result.stderr and "Hint:" in result.stderr
    assert not (data / "packgen.duckdb").exists()


@pytest.mark.slow  # a whole `packgen compute` run: validate, load, compute
def test_compute_peer_options_reach_the_engine(bundle, tmp_path):
    result = invoke("compute", bundle, "--db", tmp_path / "s.duckdb", "--peers", "list",
                    "--peer-list", "raa, rab,RAC", "--percentile", "80")
    assert result.exit_code == 0, result.output
    assert "Named list of 3 providers" in result.stdout
    assert "80th percentile of performance" in result.stdout
