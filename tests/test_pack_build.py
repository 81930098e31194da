"""The pack model built from a computed store: every figure traceable to result rows, totals to
the penny, and the sentences a reader sees, word for word."""

from __future__ import annotations

from collections import defaultdict

import pytest

from packgen.pack import text
from packgen.pack.build import build_pack, load_source
from packgen.store import open_store


@pytest.fixture(scope="module")
def store(computed_national):
    con = open_store(computed_national[0] / "packgen.duckdb", read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def source(computed_national):
    return computed_national[1]


@pytest.fixture(scope="module")
def packs(source):
    return {code: build_pack(source, code) for code in source.providers}


def _drill(pack):
    """The acute cost section's HRG drill-down (None for a pack without acute cost)."""
    acute = next((c for c in pack.categories if c.id == "acute_cost"), None)
    return acute.drilldown if acute else None


def _hrg_rows(pack):
    drill = _drill(pack)
    return drill.rows if drill else ()


def _rows(store, code):
    rows = defaultdict(float)
    for category, gbp in store.execute(
            "select category, sum(opportunity_gbp) from result_rows "
            "where provider_code = ? and in_total group by 1", [code]).fetchall():
        rows[category] = gbp
    return rows


def test_every_provider_gets_every_category_of_its_sector(packs, source):
    for pack in packs.values():
        expected = {d.id for d in source.defs if pack.provider.sector in d.sectors}
        assert {c.id for c in pack.categories} == expected


def test_category_and_pack_totals_equal_the_result_rows_to_the_penny(packs, store):
    for code, pack in packs.items():
        by_category = _rows(store, code)
        for section in pack.categories:
            assert section.opportunity_gbp == pytest.approx(by_category[section.id], abs=0.005)
            assert section.opportunity_gbp == round(
                sum(r.opportunity_gbp for r in section.rows if r.in_total), 2)
        assert pack.total_opportunity_gbp == round(
            sum(c.opportunity_gbp for c in pack.categories), 2)
        assert pack.total_pct_of_cost_base == pytest.approx(
            pack.total_opportunity_gbp / pack.provider.operating_cost_gbp)
        assert pack.requirement_gbp == round(0.02 * pack.provider.operating_cost_gbp, 2)


def test_categories_run_largest_first_and_headlines_are_the_top_three(packs):
    for pack in packs.values():
        amounts = [c.opportunity_gbp for c in pack.categories]
        assert amounts == sorted(amounts, reverse=True)
        assert [h.category for h in pack.headlines] == [
            c.id for c in pack.categories[:3] if c.opportunity_gbp > 0]


def test_hrg_drilldown_sums_to_cells_specialties_and_the_acute_total(packs):
    acute_packs = [p for p in packs.values() if p.provider.sector in ("acute", "specialist")]
    assert acute_packs
    for pack in acute_packs:
        acute = next(c for c in pack.categories if c.id == "acute_cost")
        assert acute.drilldown.kind == "hrg"  # the category's own extension, from its TOML
        hrg_rows = _hrg_rows(pack)
        assert round(sum(h.opportunity_gbp for h in hrg_rows), 2) == acute.opportunity_gbp
        cells = {(r.department_code, r.service_code): r.opportunity_gbp
                 for r in acute.rows if r.component == "cost_index"}
        by_cell = defaultdict(float)
        for h in hrg_rows:
            by_cell[(h.department_code, h.service_code)] += h.opportunity_gbp
        for cell, gbp in by_cell.items():
            assert round(gbp, 2) == cells[cell]
        for drill in acute.drilldown.specialties:
            assert drill.opportunity_gbp == round(sum(
                r.opportunity_gbp for r in acute.rows
                if r.component == "cost_index" and r.service_code == drill.service_code), 2)
            assert round(sum(drill.by_pod_group.values()), 2) == drill.opportunity_gbp


def test_acute_rank_matches_the_peer_chart(packs):
    ranked = 0
    for pack in packs.values():
        drill = _drill(pack)
        if drill is None or not drill.facts or drill.facts[0].kind != "index":
            continue
        index, rank, rank_of = (f.value for f in drill.facts[:3])
        acute = next(c for c in pack.categories if c.id == "acute_cost")
        me = [p for p in acute.chart.peer_values if p.is_provider]
        assert len(me) == 1 and me[0].rank == rank == acute.rank
        assert rank_of == len(acute.chart.peer_values) == acute.rank_of
        assert me[0].value * 100 == pytest.approx(index)
        ranked += 1
        values = [p.value for p in acute.chart.peer_values]
        assert values == sorted(values)  # lower is better: rank 1 is the lowest index
    assert ranked


def test_the_acute_sentence_reads_as_the_method_says(packs):
    pack = next(p for p in packs.values()
                if any(c.id == "acute_cost" and c.opportunity_gbp > 0 for c in p.categories))
    acute = next(c for c in pack.categories if c.id == "acute_cost")
    assert acute.sentence == (
        f"If {pack.provider.name} matched the 75th percentile of its peers on cost index, it "
        f"would release £{acute.opportunity_gbp:,.0f} a year.")


def test_staffing_states_one_opportunity_and_that_half_the_cut_counts(packs, store):
    """Issue 14: the box, the table and the sentence give one figure (the half counted), and
    the sentence gives the whole cut once, so a 30%/10% cut never reads as the opportunity."""
    pack = next(iter(packs.values()))
    staffing = next(c for c in pack.categories if c.id == "temporary_staffing")
    agency, bank = store.execute(
        "select agency_gbp, bank_gbp from temporary_staffing where provider_code = ?",
        [pack.provider.code]).fetchone()
    cut = 0.30 * agency + 0.10 * bank
    assert staffing.opportunity_gbp == pytest.approx(0.5 * cut, abs=0.02)
    assert staffing.sentence == (
        f"If {pack.provider.name} reduced agency spend by 30% and bank spend by 10%, a "
        f"£{cut:,.0f} reduction, half of it would count as opportunity: "
        f"£{staffing.opportunity_gbp:,.0f} a year.")
    rows = [r for r in staffing.rows if r.in_total]
    assert round(sum(r.opportunity_gbp for r in rows), 2) == staffing.opportunity_gbp


def test_not_assessed_rows_are_listed_with_their_reasons(packs, store):
    for code, pack in list(packs.items())[:40]:
        (count,) = store.execute(
            "select count(*) from result_rows where provider_code = ? and in_total "
            "and not assessed", [code]).fetchall()[0]
        assert len(pack.not_assessed) == count
        assert all(row.reason for row in pack.not_assessed)


def test_overlap_note_names_only_categories_in_the_pack(packs):
    acute = next(p for p in packs.values() if p.provider.sector == "acute")
    assert acute.overlap_note.startswith("Categories overlap, so every category added is an "
                                         "upper bound: it counts some pounds twice")
    assert "Acute cost overlaps with temporary staffing" in acute.overlap_note
    ambulance = next(p for p in packs.values() if p.provider.sector == "ambulance")
    assert "Acute cost" not in ambulance.overlap_note


def test_productivity_sentence_against_the_requirement():
    sentence = text.productivity_sentence("Trust A", 0.0188, 0.031, 0.012, 0.02, 41, 120,
                                          "acute and specialist trusts")
    assert sentence == ("Trust A's productivity grew 1.9% (cost-weighted activity +3.1%, "
                        "real-terms inputs +1.2%), below the 2% a year the NHS requires; 41st of "
                        "120 acute and specialist trusts.")


def test_run_identity_is_stable_and_synthetic_is_marked(source, store):
    again = load_source(store, produced_on="2026-12-01")
    assert again.run.run_id == source.run.run_id
    assert source.run.synthetic is True
    assert {s.table for s in source.run.sources} >= {"providers", "ncc_costs"}


def test_acute_opportunity_by_point_of_delivery_sums_to_the_category(packs):
    for pack in packs.values():
        if pack.provider.sector not in ("acute", "specialist"):
            assert _drill(pack) is None and not pack.drilldowns
            continue
        acute = next(c for c in pack.categories if c.id == "acute_cost")
        by_pod = acute.drilldown.by_pod_group
        assert [g for g, _name, _gbp in by_pod] == [
            "nel_long_stay", "ae_nel_short_stay", "electives", "outpatients", "other_acute"]
        assert round(sum(gbp for *_, gbp in by_pod), 2) == acute.opportunity_gbp
        # and at the median, the range's cautious end
        medians = acute.drilldown.median_by_pod_group
        assert round(sum(medians.values()), 2) == acute.opportunity_median_gbp
        assert all(medians.get(g, 0.0) <= gbp + 0.005 for g, _name, gbp in by_pod)


def test_components_sharing_a_target_share_one_clause():
    from packgen.categories import load_definitions
    estates = next(d for d in load_definitions() if d.id == "estates_procurement")
    parts = [text.Contribution(estates.component(c), 1.0, 1.0,
                               0.03 if c == "clinical_supplies" else None)
             for c in ("electricity", "gas", "general_supplies", "clinical_supplies")]
    sentence = text.opportunity_sentence("Trust A", estates, parts, 1234.5, {"kWh": 10.0}, 0.75)
    labels = [estates.component(c).metric_label for c in ("electricity", "gas",
                                                           "general_supplies")]
    clinical = estates.component("clinical_supplies").metric_label
    assert sentence == (
        f"If Trust A matched the median of its peers on {labels[0][0].lower() + labels[0][1:]}, "
        f"{labels[1][0].lower() + labels[1][1:]} and {labels[2][0].lower() + labels[2][1:]} and "
        f"reduced {clinical[0].lower() + clinical[1:]} by 3%, it would release £1,234 a year "
        "(10 kWh).")


def test_hrg_rows_can_be_loaded_for_some_providers_only(store, source, packs):
    """A national run's workers load the HRG rows of their own providers only."""
    with_hrgs = sorted(code for code, pack in packs.items() if _hrg_rows(pack))
    assert len(with_hrgs) >= 2
    mine, other = with_hrgs[0], with_hrgs[1]
    partial = load_source(store, produced_on=source.run.produced_on, hrg_providers=[mine])
    assert _hrg_rows(build_pack(partial, mine)) == _hrg_rows(packs[mine])
    with pytest.raises(LookupError, match=f"drill-down rows of {other} were not loaded"):
        build_pack(partial, other)  # never a pack silently without its drill-down
    assert _hrg_rows(build_pack(partial, other, detail=False)) == ()
    assert partial.drill_rows["hrg"].frame.height == len(_hrg_rows(packs[mine]))


def test_each_hrg_rows_excess_recomputes_from_its_own_columns(packs):
    """The workbook's drill-down states how a row is computed; its columns must bear it out."""
    checked = 0
    for pack in packs.values():
        for h in _hrg_rows(pack):
            assert h.adjusted_cost_gbp * pack.provider.mff == pytest.approx(h.actual_cost_gbp)
            assert h.excess_gbp == pytest.approx(
                max(0.0, h.adjusted_cost_gbp - h.benchmark_index * h.expected_cost_gbp),
                abs=1e-6)
            checked += 1
    assert checked > 0


def test_the_specialty_drilldown_counts_every_specialty_with_opportunity(packs):
    """The PDF says "top 4 of N": N must be every specialty with opportunity, not a model cap."""
    for pack in packs.values():
        acute = next((c for c in pack.categories if c.id == "acute_cost"), None)
        if acute is None:
            continue
        with_opportunity = {r.service_code for r in acute.rows
                            if r.component == "cost_index" and r.opportunity_gbp > 0}
        specialties = acute.drilldown.specialties
        assert {s.service_code for s in specialties} == with_opportunity
        amounts = [s.opportunity_gbp for s in specialties]
        assert amounts == sorted(amounts, reverse=True)


def test_wording_and_targets_follow_the_runs_percentile(source):
    """--percentile 82.5: no page may still say 25th/75th, nor round 17.5 to 18."""
    import dataclasses

    from packgen.engine.params import RunParameters
    other = dataclasses.replace(source, params=RunParameters(performance_percentile=0.825))
    pack = build_pack(other, next(c for c, p in source.providers.items()
                                  if p["sector"] == "acute"))
    prose = " ".join(s.what_it_measures + s.why_it_matters + s.how_calculated
                     for s in pack.categories)
    assert "25th" not in prose and "75th" not in prose and "{" not in prose
    assert "17.5th percentile" in prose and "82.5th percentile of performance" in prose
    labels = {c.target_label for s in pack.categories for c in s.components}
    assert "17.5th percentile of peers (82.5th percentile of performance)" in labels


def test_ncc_rows_outside_acute_cost_are_counted_in_the_data_notes(store, packs):
    """Community, mental health and ambulance rows of acute trusts are not in acute cost; a
    reader reconciling to the trust's NCC return must be told how many, and how much."""
    expected = {code: (rows, cost) for code, rows, cost in store.execute(
        "select provider_code, count(*), sum(actual_cost_gbp) from ncc_costs n "
        "join providers using (provider_code) where sector in ('acute', 'specialist') "
        "and department_code in ('CHS', 'MHCC', 'MHPS', 'IAPT', 'AMB') and activity > 0 "
        "and actual_cost_gbp is not null group by 1").fetchall()}
    assert expected
    for code, (rows, cost) in expected.items():
        note = f"{rows:,} National Cost Collection rows (£{cost:,.0f} of actual cost) are community"
        assert any(n.startswith(note) for n in packs[code].data_notes), code


def test_a_category_names_overlaps_only_with_categories_in_its_pack(packs):
    checked = 0
    for pack in packs.values():
        present = {c.id for c in pack.categories}
        for section in pack.categories:
            assert set(section.overlaps_with) <= present - {section.id}
            checked += bool(section.overlaps_with)
    mental_health = next(p for p in packs.values() if p.provider.sector == "mental_health")
    corporate = next(c for c in mental_health.categories if c.id == "corporate_services")
    assert "acute_cost" not in corporate.overlaps_with and checked


def test_the_range_and_the_totals_with_overlaps_removed(packs, source):
    """Issue 16: for every provider, the total with overlaps removed is at most the upper bound,
    the median end at most the run's percentile, and the categories that count never overlap
    one another while every other category overlaps the one that counts for it."""
    declared = {d.id: set(d.overlaps_with) for d in source.defs}

    def overlap(a: str, b: str) -> bool:
        return b in declared[a] or a in declared[b]

    for pack in packs.values():
        by_id = {c.id: c for c in pack.categories}
        assert pack.total_overlaps_removed_median_gbp <= pack.total_overlaps_removed_gbp + 0.01
        assert pack.total_overlaps_removed_gbp <= pack.total_opportunity_gbp + 0.01
        assert pack.total_median_gbp <= pack.total_opportunity_gbp + 0.01
        assert pack.total_median_gbp == round(
            sum(r.opportunity_median_gbp for c in pack.categories for r in c.rows
                if r.in_total), 2)
        leaders = [g[0] for g in pack.overlap_groups]
        assert sorted(m for g in pack.overlap_groups for m in g) == sorted(by_id)
        assert not any(overlap(a, b) for a in leaders for b in leaders if a != b)
        for group in pack.overlap_groups:
            for member in group[1:]:
                assert overlap(group[0], member)
                assert by_id[member].opportunity_gbp <= by_id[group[0]].opportunity_gbp
        assert pack.total_overlaps_removed_gbp == round(
            sum(by_id[c].opportunity_gbp for c in leaders), 2)
        for section in pack.categories:
            fixed = all(c.target != "percentile" for c in section.components
                        if c.role == "opportunity")
            if fixed:  # one figure: a fixed target or the median itself
                assert section.opportunity_median_gbp == section.opportunity_gbp
            assert section.opportunity_median_gbp <= section.opportunity_gbp + 0.01


def test_every_category_page_ranks_the_trust_where_any_peer_measure_has_its_value(packs):
    """A trust with no value on a category's charted measure (a gas figure missing from the
    estates return, say) is still charted and ranked on another measure compared with peers."""
    ranked = 0
    for pack in packs.values():
        for section in pack.categories:
            if section.chart is None and section.rank is None:
                continue
            peer_rows = [r for r in section.rows if r.assessed and r.peers and r.metric is not None
                         and r.sub_unit in ("all", r.component)]
            if peer_rows and section.id != "acute_cost":
                assert section.rank is not None, (pack.provider.code, section.id)
                ranked += 1
    assert ranked


def test_estates_falls_back_to_electricity_when_energy_together_is_missing(source):
    from dataclasses import replace

    code = next(c for c, p in source.providers.items() if p["sector"] == "acute")
    rows = [r for r in source.results[code] if not (r["category"] == "estates_procurement"
                                                    and r["component"] == "energy_per_m2")]
    pack = build_pack(replace(source, results={**source.results, code: rows}), code)
    estates = next(s for s in pack.categories if s.id == "estates_procurement")
    assert estates.chart is not None and estates.chart.id != "energy_per_m2"
    assert estates.rank is not None and estates.rank_of >= 5
