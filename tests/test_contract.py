"""The data contract in code, and the generated document that must match it."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from packgen import reference
from packgen.categories import load_definitions
from packgen.categories.definition import DEFINITIONS_DIR
from packgen.cli import cli
from packgen.contract.docs import contract_markdown, table_users
from packgen.contract.tables import COLUMN_TYPES, SECTORS, TABLES
from packgen.contract.validate import CATEGORY_IDS
from packgen.engine.run import PRODUCTIVITY_TABLES, SQL_DIR

DOC = Path(__file__).resolve().parent.parent / "docs" / "data-contract.md"
BUNDLE_REFS = {"providers", "medicines_reference", "categories"}


def test_every_table_has_a_key_of_its_own_columns():
    for table in TABLES:
        assert table.key, table.name
        assert set(table.key) <= set(table.column_names), table.name
        assert len(set(table.column_names)) == len(table.column_names), table.name
        assert all(table.column(k).required and not table.column(k).nullable for k in table.key)


def test_column_types_and_codes_are_text():
    for table in TABLES:
        for column in table.columns:
            assert column.type in COLUMN_TYPES, (table.name, column.name)
            if column.ref or column.name.endswith("_code") or column.choices:
                assert column.type == "str", (table.name, column.name)
        assert set(table.sectors) <= set(SECTORS)


def test_every_ref_resolves():
    table_names = {t.name for t in TABLES}
    for table in TABLES:
        for column in table.columns:
            if column.ref in reference.REFERENCE_SETS:
                assert reference.codes(column.ref), column.ref
            elif column.ref:
                assert column.ref in BUNDLE_REFS, (table.name, column.name, column.ref)
                assert column.ref == "categories" or column.ref in table_names


def test_every_number_has_a_plausible_range_and_every_code_a_pattern():
    """Issue 15: nothing unbounded reaches the engine, and no code is free text."""
    for table in TABLES:
        for column in table.columns:
            where = (table.name, column.name)
            if column.type in ("int", "float"):
                assert column.max_value is not None, where
                assert column.positive or column.min_value is not None, where
                assert (column.min_value or 0) < column.max_value, where
            if column.type == "str":
                assert column.pattern or column.choices or column.length_limit, where
            if column.name.endswith("_code") or column.unit == "ODS code" or (
                    column.ref and column.ref != "peer_groups"):
                assert column.pattern, where
            if column.pattern:
                re.compile(column.pattern.anchored)
                assert column.length_limit is None, where


def test_reference_codes_fit_their_columns_patterns():
    """Every code of reference_data/ (and each legacy department code, which gets its hint)
    matches the pattern of the columns that refer to it, and every category id is a code."""
    for table in TABLES:
        for column in table.columns:
            if not column.pattern:
                continue
            if column.ref in reference.REFERENCE_SETS:
                codes = set(reference.codes(column.ref))
                if column.ref == "departments":
                    codes |= {old for r in reference.rows("departments")
                              for old in r["legacy_codes"].split(";") if old}
            elif column.ref == "categories":
                codes = set(CATEGORY_IDS)
            elif column.name == "table":
                codes = {t.name for t in TABLES}
            else:
                continue
            bad = {c for c in codes if not re.fullmatch(column.pattern.regex, c)}
            assert not bad, (table.name, column.name, bad)


def test_stable_interface_columns():
    providers = {t.name: t for t in TABLES}["providers"]
    ncc = {t.name: t for t in TABLES}["ncc_costs"]
    assert {"provider_code", "provider_name", "sector", "peer_group", "region_code", "icb_code",
            "income_gbp", "pay_bill_gbp", "mff"} <= set(providers.column_names)
    assert ncc.column_names[:6] == ("provider_code", "department_code", "service_code",
                                    "currency_code", "activity", "actual_cost_gbp")
    assert len(CATEGORY_IDS) == 12 and "acute_cost" in CATEGORY_IDS


def test_markdown_document_is_current():
    assert DOC.read_text(encoding="utf-8") == contract_markdown(), (
        "docs/data-contract.md is out of date: run "
        "`packgen contract --markdown > docs/data-contract.md`")


def test_markdown_mentions_every_table_and_column():
    text = contract_markdown()
    for table in TABLES:
        assert f"### {table.name}" in text
        for column in table.columns:
            assert f"`{column.name}`" in text
    assert "never zero" in text and "UTF-8" in text


def test_cli_contract():
    result = CliRunner().invoke(cli, ["contract"])
    assert result.exit_code == 0 and "providers.csv (required" in result.output
    result = CliRunner().invoke(cli, ["contract", "--markdown"])
    assert result.exit_code == 0 and result.output == contract_markdown()


def test_used_by_comes_from_the_category_definitions(tmp_path):
    """"Used by" is made from each definition's sources and requires: a category added as a
    definition file is listed under the tables it reads, with no hand list to update."""
    for path in DEFINITIONS_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    toml = (DEFINITIONS_DIR / "community_dna.toml").read_text(encoding="utf-8")
    toml = toml.replace('id = "community_dna"', 'id = "community_dna_copy"', 1)
    toml = toml.replace('code = "PG-CO-02"', 'code = "PG-CO-99"', 1)
    (tmp_path / "community_dna_copy.toml").write_text(toml, encoding="utf-8")
    users = table_users(load_definitions(tmp_path))
    assert users["community_appointments"] == ("community_dna", "community_dna_copy")
    assert "community_dna_copy" in users["providers"]
    assert "community_dna_copy" in users["unit_values"]
    assert "community_dna_copy" not in users["ncc_costs"]
    # the committed document: each category under every table it declares
    text = DOC.read_text(encoding="utf-8")
    for d in load_definitions():
        for name in d.tables:
            section = text.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
            used_by = next(line for line in section.splitlines() if line.startswith("- Used by"))
            assert f"`{d.id}`" in used_by, (d.id, name)


def test_productivity_tables_are_those_its_sql_reads():
    sql = (SQL_DIR / "productivity.sql").read_text(encoding="utf-8")
    read = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)", sql, flags=re.I))
    assert read & {t.name for t in TABLES} == set(PRODUCTIVITY_TABLES)
