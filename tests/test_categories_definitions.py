"""Every category definition loads, says true things about itself, and its SQL keeps to its
sectors and returns every component it declares."""

from __future__ import annotations

import re

import pytest

from packgen.categories import load_definitions
from packgen.contract import TABLES
from packgen.engine import compute
from tests.category_cases import UNIT_VALUES
from tests.engine_store import make_store, provider

# docs/method.md, "Interfaces that stay stable"
CATEGORY_IDS = {
    "acute_cost", "temporary_staffing", "corporate_services", "estates_procurement", "medicines",
    "community_los", "community_dna", "mh_los", "talking_therapies", "ambulance_handover",
    "ambulance_conveyance", "ambulance_incidents",
}
DEFINITIONS = load_definitions()
BY_ID = {d.id: d for d in DEFINITIONS}
SECTORS = ("acute", "specialist", "community", "mental_health", "ambulance")


def test_the_twelve_categories_of_method_load():
    assert {d.id for d in DEFINITIONS} == CATEGORY_IDS
    assert len(DEFINITIONS) == 12


def test_codes_are_stable_and_distinct():
    codes = [d.code for d in DEFINITIONS]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"PG-[A-Z]{2}-\d{2}", c) for c in codes)


def test_overlaps_are_mutual_and_never_self():
    # "Adding up": if A counts some of B's pounds, B counts some of A's; readers see both sides.
    for d in DEFINITIONS:
        assert d.id not in d.overlaps_with
        for other in d.overlaps_with:
            assert d.id in BY_ID[other].overlaps_with, f"{d.id} -> {other} is one-sided"


def test_every_category_has_an_overlap_stated_and_a_chart():
    for d in DEFINITIONS:
        assert d.overlaps_with, d.id
        assert d.chart_component in {c.id for c in d.components}, d.id


def test_sources_are_contract_tables_and_native_units_are_given():
    tables = {t.name for t in TABLES}
    for d in DEFINITIONS:
        assert set(d.sources) <= tables, d.id
        for c in d.components:
            assert c.native_unit.strip(), f"{d.id}.{c.id}"
            if c.role == "opportunity":
                assert c.unit_value_label.strip(), f"{d.id}.{c.id}"


def test_unit_value_keys_exist_in_reference_data():
    from packgen import reference

    keys = reference.codes("unit_value_keys")
    for d in DEFINITIONS:
        for c in d.components:
            if c.unit_value != "sql" and not c.unit_value.startswith("param:"):
                assert c.unit_value in keys, f"{d.id}.{c.id}: {c.unit_value}"


def _store_with_every_sector():
    """One provider of each sector, with rows in every category's tables."""
    rows: dict[str, list[dict]] = {"providers": [provider(f"P{s[:2].upper()}", s)
                                                 for s in SECTORS]}
    rows["medicines_reference"] = [
        {"molecule": "m", "vmp_code": "V1", "vmp_name": "best", "is_best_value": True,
         "unit_price_gbp": 1.0},
        {"molecule": "m", "vmp_code": "V2", "vmp_name": "other", "is_best_value": False,
         "unit_price_gbp": 3.0},
    ]
    for p in rows["providers"]:
        code = p["provider_code"]
        per_table = {
            "temporary_staffing": {"agency_gbp": 1e6, "bank_gbp": 1e6},
            "corporate_services": {"function": "finance", "spend_gbp": 1e6},
            "estates": {"gia_m2": 1e4, "electricity_kwh": 1e6, "electricity_cost_gbp": 2e5,
                        "gas_kwh": 1e6, "gas_cost_gbp": 5e4, "general_supplies_gbp": 1e6,
                        "clinical_supplies_gbp": 1e6},
            "medicines_use": {"vmp_code": "V1", "quantity": 50, "cost_gbp": 50},
            "community_los": {"service": "community_hospital", "discharges": 100,
                              "bed_days": 1000},
            "community_appointments": {"service": "podiatry", "booked_appointments": 1000,
                                       "dna_appointments": 50},
            "mh_los": {"ward_type": "picu", "discharges": 100, "bed_days": 3000},
            "talking_therapies": {"booked_appointments": 1000, "dna_appointments": 50,
                                  "care_contacts": 900, "clinical_wte": 3},
            "ambulance": {"incidents": 1000, "face_to_face_incidents": 800,
                          "conveyed_to_ed": 400, "handovers": 500, "handover_hours_lost": 50,
                          "wte": 10},
        }
        for table, values in per_table.items():
            rows.setdefault(table, []).append({"provider_code": code, **values})
    rows["unit_values"] = [{"key": k, "value": v, "unit": "GBP", "source": "test"}
                           for k, v in UNIT_VALUES.items()]
    return make_store(rows)


@pytest.fixture(scope="module")
def every_sector_results() -> list[dict]:
    con = _store_with_every_sector()
    compute(con, defs=tuple(d for d in DEFINITIONS if d.id != "acute_cost"))
    rows = con.sql("select r.*, p.sector from result_rows as r join providers as p "
                   "using (provider_code)").pl().to_dicts()
    con.close()
    return rows


def test_each_category_reports_only_its_own_sectors(every_sector_results):
    for d in DEFINITIONS:
        if d.id == "acute_cost":
            continue
        sectors = {r["sector"] for r in every_sector_results if r["category"] == d.id}
        assert sectors == set(d.sectors), d.id


def test_each_category_returns_every_component_it_declares(every_sector_results):
    for d in DEFINITIONS:
        if d.id == "acute_cost":
            continue
        returned = {r["component"] for r in every_sector_results if r["category"] == d.id}
        assert returned == {c.id for c in d.components}, d.id


def test_context_rows_never_count_in_the_total(every_sector_results):
    for r in every_sector_results:
        if r["role"] == "context":
            assert r["opportunity_gbp"] == 0 and not r["in_total"]


def test_a_rate_must_be_declared_as_percent_not_as_a_fraction(tmp_path):
    """A 'fraction' unit printed rates as plain numbers: a DNA rate of 0.004 read "0.00"."""
    from packgen.categories.definition import DEFINITIONS_DIR, parse_definition
    text = (DEFINITIONS_DIR / "community_dna.toml").read_text(encoding="utf-8")
    assert 'metric_unit = "%"' in text
    path = tmp_path / "community_dna.toml"
    path.write_text(text.replace('metric_unit = "%"', 'metric_unit = "fraction"', 1),
                    encoding="utf-8")
    errors: list[str] = []
    assert parse_definition(path, errors) is None
    assert any("metric_unit 'fraction': write '%'" in e for e in errors)


def test_wording_may_only_use_the_run_placeholders(tmp_path):
    from packgen.categories.definition import DEFINITIONS_DIR, parse_definition
    text = (DEFINITIONS_DIR / "community_dna.toml").read_text(encoding="utf-8")
    assert "{lower_percentile}" in text
    path = tmp_path / "community_dna.toml"
    path.write_text(text.replace("{lower_percentile}", "{lower_quartile}", 1), encoding="utf-8")
    errors: list[str] = []
    assert parse_definition(path, errors) is None
    assert any("uses '{lower_quartile}'" in e for e in errors)


def test_sources_must_be_contract_tables(tmp_path):
    """The data contract lists a category under each table of its sources: a misspelt source
    is an error on load, not a table that silently never names it."""
    from packgen.categories.definition import DEFINITIONS_DIR, parse_definition
    text = (DEFINITIONS_DIR / "community_dna.toml").read_text(encoding="utf-8")
    assert '"community_appointments", "providers"' in text
    path = tmp_path / "community_dna.toml"
    path.write_text(text.replace('"community_appointments", "providers"',
                                 '"community_appointment", "providers"', 1), encoding="utf-8")
    errors: list[str] = []
    assert parse_definition(path, errors) is None
    assert any("sources 'community_appointment' is not a contract table" in e for e in errors)


def test_a_categorys_tables_are_its_sources_and_what_it_requires():
    assert BY_ID["corporate_services"].tables == ("corporate_services", "providers")
    # priced from unit_values, which it lists among its sources too: named once
    assert BY_ID["community_dna"].tables == ("community_appointments", "providers",
                                             "unit_values")
    # national_unit_costs is a source (optional: the mean is computed when it is absent)
    assert BY_ID["acute_cost"].tables == ("ncc_costs", "providers", "national_unit_costs")
