"""The DuckDB store: typed round-trip, empty optional tables, provenance, atomic reload."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from packgen.cli import cli
from packgen.errors import InputError
from packgen.store import load_bundle, open_store
from tests.bundles import minimal_tables, write_bundle


@pytest.fixture
def bundle(tmp_path):
    return write_bundle(tmp_path / "data", omit=["plans"])


def test_round_trip_types_and_counts(bundle, tmp_path):
    result = load_bundle(bundle, tmp_path / "store.duckdb")
    assert result.rows["ncc_costs"] == 36 and result.rows["plans"] == 0
    with open_store(result.db_path) as con:
        types = dict(con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'ncc_costs'").fetchall())
        assert types == {"provider_code": "VARCHAR", "department_code": "VARCHAR",
                         "service_code": "VARCHAR", "currency_code": "VARCHAR",
                         "activity": "DOUBLE", "actual_cost_gbp": "DOUBLE"}
        assert con.execute("SELECT count(*) FROM ncc_costs").fetchone() == (36,)
        assert con.execute("SELECT sum(activity) FROM ncc_costs").fetchone() == (36 * 55,)
        best = con.execute("SELECT count(*) FROM medicines_reference WHERE is_best_value")
        assert best.fetchone() == (2,)
        # the absent optional table exists, empty, with its columns
        assert [r[0] for r in con.execute("DESCRIBE plans").fetchall()] == [
            "provider_code", "category", "planned_saving_gbp", "planned_productivity_growth"]
        assert con.execute("SELECT count(*) FROM ref_treatment_functions WHERE service_code = "
                           "'110'").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM ref_departments").fetchone()[0] > 10


def test_provenance_tables(bundle, tmp_path):
    result = load_bundle(bundle, tmp_path / "store.duckdb")
    with open_store(result.db_path) as con:
        files = {r[0]: r[1:] for r in con.execute("SELECT * FROM bundle_files").fetchall()}
        meta = dict(con.execute("SELECT key, value FROM bundle_meta").fetchall())
    assert files["providers"][0] == "providers.csv" and files["providers"][2] == 6
    assert len(files["ncc_costs"][1]) == 64 and "plans" not in files
    assert meta["period"] == "2024/25" and meta["packgen_version"] and meta["loaded_at"]


@pytest.mark.slow  # two loads of the bundle
def test_reload_is_idempotent(bundle, tmp_path):
    db = tmp_path / "store.duckdb"
    first = load_bundle(bundle, db)
    second = load_bundle(bundle, db)
    assert first.rows == second.rows
    with open_store(db) as con:
        assert con.execute("SELECT count(*) FROM ncc_costs").fetchone() == (36,)
        assert con.execute("SELECT count(*) FROM bundle_files").fetchone() == (17,)


@pytest.mark.slow  # two loads of the bundle
def test_failed_load_keeps_old_store(bundle, tmp_path):
    db = tmp_path / "store.duckdb"
    load_bundle(bundle, db)
    tables = minimal_tables()
    tables["ncc_costs"][0]["activity"] = "-5"
    tables["ncc_costs"] = tables["ncc_costs"][:10]
    write_bundle(bundle, tables, omit=["plans"])
    with pytest.raises(InputError) as raised:
        load_bundle(bundle, db)
    assert "ncc_costs.csv, line 2, column activity" in raised.value.message
    assert "packgen validate" in raised.value.hint
    with open_store(db) as con:
        assert con.execute("SELECT count(*) FROM ncc_costs").fetchone() == (36,)
    assert [p.name for p in tmp_path.iterdir() if "loading" in p.name] == []


def test_open_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no packgen store"):
        open_store(tmp_path / "nothing.duckdb")


@pytest.mark.slow  # a whole `packgen load` run
def test_cli_load(bundle):
    result = CliRunner().invoke(cli, ["load", str(bundle)])
    assert result.exit_code == 0, result.output
    assert str(bundle / "packgen.duckdb") in result.stdout
    assert "ncc_costs: 36 rows" in result.stdout
    assert "loading into" in result.stderr and "loading into" not in result.stdout


@pytest.mark.slow  # a whole `packgen load` run
def test_cli_load_invalid_bundle_exits_1(bundle, tmp_path):
    (bundle / "providers.csv").unlink()
    result = CliRunner().invoke(cli, ["load", str(bundle), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1
    assert "required table providers" in result.output
    assert not (tmp_path / "x.duckdb").exists()
