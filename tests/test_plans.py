"""Plan checks: each flag, malformed plans files (file, line, column, hint), the CLI."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import lxml.html
import polars as pl
import pytest
from click.testing import CliRunner

from packgen.cli import cli
from packgen.contract.validate import CATEGORY_IDS
from packgen.engine import RunParameters, compute
from packgen.errors import InputError
from packgen.pack.build import build_pack, load_source
from packgen.render import plan_checks
from packgen.run import plans
from packgen.run.plans import (
    FLAG_ABOVE,
    FLAG_GROWTH_MISSING,
    FLAG_UNPLANNED,
    Thresholds,
    check_plans,
    read_plans,
)
from packgen.store import load_bundle, open_store
from tests.bundles import csv_text, write_bundle
from tests.sample_pack import not_assessed
from tests.test_run_support import FAKE_PDF, excel_table

PARAMS = RunParameters(min_peers=2)
HEADER = "provider_code,category,planned_saving_gbp,planned_productivity_growth\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> tuple[Path, dict, list]:
    data = write_bundle(tmp_path_factory.mktemp("plans") / "data")
    load_bundle(data, data / "packgen.duckdb")
    con = open_store(data / "packgen.duckdb", read_only=False)
    try:
        compute(con, PARAMS)
        source = load_source(con, PARAMS)
    finally:
        con.close()
    return data, source.providers, [build_pack(source, c) for c in sorted(source.providers)]


def _plans(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"provider_code": pl.String, "category": pl.String,
                                      "planned_saving_gbp": pl.Float64,
                                      "planned_productivity_growth": pl.Float64}, orient="row")


def _by(rows: list[dict], **match) -> dict:
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


def test_saving_and_growth_below_the_requirement(store):
    _, _, packs = store
    raa = next(p for p in packs if p.provider.code == "RAA")
    enough = raa.requirement_gbp  # exactly 2% of the cost base is not below it
    checks = check_plans(packs, _plans([
        ("RAA", "acute_cost", enough, 0.025),
        ("RAB", "acute_cost", 1000.0, 0.01),
        ("RCA", "community_los", 1000.0, None),
    ]))
    raa_row = _by(checks.provider_rows, provider_code="RAA")
    assert raa_row["flag_saving"] == "" and raa_row["flag_growth"] == ""
    rab = _by(checks.provider_rows, provider_code="RAB")
    assert rab["flag_saving"] == "Planned saving below 2% of cost base"
    assert rab["flag_growth"] == "Planned productivity growth below 2%"
    assert _by(checks.provider_rows, provider_code="RCA")["flag_growth"] == FLAG_GROWTH_MISSING
    no_plan = _by(checks.provider_rows, provider_code="RWA")
    assert no_plan["plan_submitted"] == "No" and no_plan["flag_saving"] == ""
    y60 = _by(checks.region_rows, region_code="Y60")  # RAB's region
    assert y60["saving_below"] == 1 and y60["growth_below"] == 1 and y60["plans"] == 1


def test_large_opportunity_with_no_plan_and_plan_above_opportunity(store):
    _, _, packs = store
    pack, section = max(((p, s) for p in packs for s in p.categories),
                        key=lambda ps: ps[1].opportunity_gbp)
    code, big = pack.provider.code, section.opportunity_gbp
    assert big > 0
    elsewhere = next(c for c in CATEGORY_IDS if c not in {s.id for s in pack.categories})
    thresholds = Thresholds(large_gbp=big, large_share=1.0)
    checks = check_plans(packs, _plans([
        (code, section.id, 0.0, 0.02),  # large and planned 0
        (code, elsewhere, 5e6, 0.02),  # not assessed for this provider: above 0
    ]), thresholds)
    row = _by(checks.category_rows, provider_code=code, category=section.id)
    assert row["flag_unplanned"] == FLAG_UNPLANNED and row["flag_above"] == ""
    assert row["identified_gbp"] == big  # the pack's own figure
    above = _by(checks.category_rows, provider_code=code, category=elsewhere)
    # a category the pack does not assess has no figure: the plan needs evidence, and says why
    assert above["flag_above"] == plans.FLAG_NOT_ASSESSED and above["assessed"].startswith("No")
    assert above["identified_gbp"] is None
    summary = _by(checks.provider_rows, provider_code=code)
    assert summary["unplanned_categories"] == 1 and summary["above_categories"] == 1
    assert summary["unplanned_gbp"] == big
    # Below the threshold in pounds and in share of cost base: no flag.
    relaxed = check_plans(packs, _plans([(code, section.id, 0.0, 0.02)]),
                          Thresholds(large_gbp=big + 1, large_share=1.0))
    assert _by(relaxed.category_rows, category=section.id)["flag_unplanned"] == ""
    share = big / pack.provider.operating_cost_gbp
    by_share = check_plans(packs, _plans([(code, section.id, None, 0.02)]),
                           Thresholds(large_gbp=1e12, large_share=share))
    assert _by(by_share.category_rows, category=section.id)["flag_unplanned"] == FLAG_UNPLANNED
    # A plan equal to the opportunity is neither unplanned nor above it.
    covered = check_plans(packs, _plans([(code, section.id, big, 0.02)]), thresholds)
    row = _by(covered.category_rows, category=section.id)
    assert row["flag_unplanned"] == "" and row["flag_above"] == ""
    beyond = check_plans(packs, _plans([(code, section.id, big + 0.01, 0.02)]), thresholds)
    assert _by(beyond.category_rows, category=section.id)["flag_above"] == FLAG_ABOVE


@pytest.mark.parametrize(("line", "needle"), [
    ("RZZ,acute_cost,100,0.02", "line 2, column provider_code: 'RZZ' is not a known provider"),
    ("RAA,dentistry,100,0.02", "line 2, column category: 'dentistry' is not a known category"),
    ("RAA,acute_cost,lots,0.02", "line 2, column planned_saving_gbp"),
])
def test_malformed_plans_files_name_the_cell(store, tmp_path, line, needle):
    _, providers, _ = store
    path = tmp_path / "plans.csv"
    path.write_text(HEADER + line + "\n")
    with pytest.raises(InputError) as error:
        read_plans(path, providers)
    message = error.value.format_message()
    assert f"plans.csv, {needle}" in message and "Hint:" in message


def test_duplicates_and_inconsistent_growth(store, tmp_path):
    _, providers, _ = store
    path = tmp_path / "plans.csv"
    path.write_text(HEADER + "RAA,acute_cost,100,0.02\nRAA,acute_cost,200,0.02\n"
                    "RAB,acute_cost,1,0.02\nRAB,medicines,1,0.03\n")
    with pytest.raises(InputError) as error:
        read_plans(path, providers)
    message = error.value.format_message()
    assert "line 3" in message and "duplicate row for provider_code=RAA" in message
    assert "provider RAB has different planned productivity growth" in message


@pytest.mark.slow  # loads, computes and writes the workbook and every region's PDF
def test_cli_check_plans(store, tmp_path, monkeypatch):
    data, _, _ = store
    monkeypatch.setattr(plan_checks, "render_summary_pdf", lambda html: FAKE_PDF)
    out = tmp_path / "checks"
    result = CliRunner().invoke(cli, ["check-plans", str(data), str(data / "plans.csv"),
                                      "--out", str(out), "--large-gbp", "500000"])
    assert result.exit_code == 0, result.output
    assert "Thresholds: large opportunity = at least £500,000 or 0.5% of cost base" \
        in result.stdout
    assert "Total" in result.stdout and "workbook:" in result.stdout
    rows = excel_table(out / "plan-checks.xlsx", "Providers")
    assert {r["ODS code"] for r in rows} == {"RAA", "RAB", "RAC", "RCA", "RMA", "RWA"}
    assert (out / "regions" / "Y60-plan-checks.pdf").read_bytes() == FAKE_PDF
    checks = excel_table(out / "plan-checks.xlsx", "Category checks")
    assert {"Large opportunity, no plan", "Plan above opportunity"} <= set(checks[0])
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text("plans", [{"provider_code": "RAA", "category": "acute_cost",
                                        "planned_saving_gbp": "£1m",
                                        "planned_productivity_growth": ""}]))
    failed = CliRunner().invoke(cli, ["check-plans", str(data), str(bad), "--out", str(out)])
    assert failed.exit_code == 1 and "bad.csv, line 2, column planned_saving_gbp" in failed.stderr
    assert CliRunner().invoke(cli, ["check-plans", str(data)]).exit_code == 2


def test_regional_plan_page_lists_the_flags(store):
    _, _, packs = store
    checks = check_plans(packs, _plans([("RAB", "acute_cost", 10.0, 0.01)]))
    region = _by(checks.region_rows, region_code="Y60")
    html = plan_checks.area_html(
        packs[0].run, region, "region",
        [r for r in checks.provider_rows if r["region_code"] == "Y60"], [], checks.thresholds)
    assert "Planned saving below 2% of cost base" in html and "Beta Hospital" in html


# ---------------------------------------------------------------- providers without a plan
# (issue 14, item 3): each symptom seen on `make demo` has a test that failed before the fix.

def _no_plan_checks(packs) -> tuple:
    """RAA plans everything; RAB (acute, Y60, ICB QHL) has no plan. Thresholds make RAB's
    largest category large."""
    rab = next(p for p in packs if p.provider.code == "RAB")
    largest = max(rab.categories, key=lambda s: s.opportunity_gbp)
    assert largest.opportunity_gbp > 0
    raa = next(p for p in packs if p.provider.code == "RAA")
    rows = [("RAA", s.id, max(s.opportunity_gbp, 1.0), 0.025) for s in raa.categories]
    thresholds = Thresholds(large_gbp=largest.opportunity_gbp, large_share=1.0)
    return check_plans(packs, _plans(rows), thresholds), rab, largest


def test_a_provider_with_no_plan_has_its_large_categories_flagged(store):
    _, _, packs = store
    checks, rab, largest = _no_plan_checks(packs)
    rows = [r for r in checks.category_rows if r["provider_code"] == "RAB"]
    assert {r["category"] for r in rows} == {s.id for s in rab.categories}  # in the sheet
    row = _by(rows, category=largest.id)
    assert row["flag_unplanned"] == FLAG_UNPLANNED and row["plan_submitted"] == "No"
    assert row["planned_gbp"] is None and row["identified_gbp"] == largest.opportunity_gbp
    provider = _by(checks.provider_rows, provider_code="RAB")
    assert provider["plan_submitted"] == "No"
    assert provider["unplanned_categories"] >= 1
    assert provider["unplanned_gbp"] >= largest.opportunity_gbp
    region = _by(checks.region_rows, region_code="Y60")
    assert region["no_plan"] == 1 and region["unplanned_categories"] >= 1
    assert region["unplanned_no_plan_categories"] == region["unplanned_categories"]


def test_planned_and_identified_totals_are_over_the_same_providers(store):
    _, _, packs = store
    checks, rab, _ = _no_plan_checks(packs)
    raa = next(p for p in packs if p.provider.code == "RAA")
    national_with_plan = sum(r["identified_with_plan_gbp"] for r in checks.region_rows)
    assert round(national_with_plan, 2) == raa.total_opportunity_gbp  # RAA's alone
    y60 = _by(checks.region_rows, region_code="Y60")  # RAB only: no plan
    assert y60["plans"] == 0 and y60["planned_gbp"] == 0 and y60["identified_with_plan_gbp"] == 0
    assert y60["identified_gbp"] == rab.total_opportunity_gbp  # every provider, beside it
    assert y60["requirement_with_plan_gbp"] is None or y60["requirement_with_plan_gbp"] == 0


def test_the_headline_counts_providers_without_a_plan(store):
    _, _, packs = store
    checks, _, _ = _no_plan_checks(packs)
    region = _by(checks.region_rows, region_code="Y60")
    html = plan_checks.area_html(
        packs[0].run, region, "region",
        [r for r in checks.provider_rows if r["region_code"] == "Y60"],
        [r for r in checks.category_rows if r["region_code"] == "Y60" and r["flag_unplanned"]],
        checks.thresholds)
    count = region["unplanned_categories"]
    assert count >= 1
    assert (f'<span class="value">{count}</span><span class="label">large opportunities with '
            f'no plan ({count} at providers with no plan)') in html
    assert "1 have no plan" in " ".join(html.split()) or "1 has no plan" in " ".join(html.split())
    assert "the range to plan against at the same 0 providers" in html
    assert "No plan. No provider of the region has a plan in the file." in " ".join(
        lxml.html.fromstring(html).text_content().split())
    assert "No plan in the file" in html


def test_the_workbook_lists_providers_without_a_plan_everywhere(store, tmp_path):
    _, _, packs = store
    checks, rab, largest = _no_plan_checks(packs)
    path = plan_checks.write_plan_workbook(tmp_path / "plans.xlsx", checks, packs[0].run,
                                           tmp_path / "plans.csv")
    providers = {r["ODS code"]: r for r in excel_table(path, "Providers")}
    assert providers["RAB"]["Plan in file"] == "No"
    assert providers["RAB"]["Large categories with no plan"] >= 1
    categories = [r for r in excel_table(path, "Category checks") if r["ODS code"] == "RAB"]
    assert len(categories) == len(rab.categories)
    assert any(r["Category id"] == largest.id and r["Large opportunity, no plan"]
               == FLAG_UNPLANNED for r in categories)
    regions = {r["Region code"]: r for r in excel_table(path, "Regions")}
    assert regions["Y60"]["No plan in file"] == 1
    assert regions["Y60"]["Large categories with no plan"] >= 1


# ---------------------------------------------------------------- plans against the range
# (issue 16, item 3): from the total with overlaps removed at the median to the upper bound.

def _ranged(packs) -> tuple:
    """The pack with the widest range, and its category with the widest range."""
    pack = max(packs, key=lambda p: p.total_opportunity_gbp - p.total_overlaps_removed_median_gbp)
    section = max(pack.categories, key=lambda s: s.opportunity_gbp - s.opportunity_median_gbp)
    return pack, section


def test_a_providers_plan_is_placed_against_its_range_to_the_penny(store):
    _, _, packs = store
    pack, section = _ranged(packs)
    code, region_code = pack.provider.code, pack.provider.region_code
    # the range recomputed from the pack's own figures: overlaps removed, at the median
    low = round(sum(s.opportunity_median_gbp for s in pack.categories
                    if s.id in {g[0] for g in pack.overlap_groups}
                    or not any(s.id in g for g in pack.overlap_groups)), 2)
    high = pack.total_opportunity_gbp
    assert 0 < low < high
    cases = [(round(low - 0.01, 2), plans.BELOW), (low, plans.WITHIN),
             (round((low + high) / 2, 2), plans.WITHIN), (high, plans.WITHIN),
             (round(high + 0.01, 2), plans.ABOVE)]
    for planned, verdict in cases:
        checks = check_plans(packs, _plans([(code, section.id, planned, 0.02)]))
        row = _by(checks.provider_rows, provider_code=code)
        assert (row["range_low_gbp"], row["identified_gbp"]) == (low, high)
        assert row["range_verdict"] == verdict, planned
        region = _by(checks.region_rows, region_code=region_code)  # its one plan
        assert region["range_verdict"] == verdict
        assert (region["below_range"], region["within_range"], region["above_range"]) == (
            int(verdict == plans.BELOW), int(verdict == plans.WITHIN),
            int(verdict == plans.ABOVE))
        others = [r for r in checks.provider_rows if r["provider_code"] != code]
        assert {r["range_verdict"] for r in others} == {plans.NO_PLAN}


def test_a_categorys_plan_is_placed_against_its_own_range(store):
    _, _, packs = store
    pack, section = max(((p, s) for p in packs for s in p.categories),
                        key=lambda ps: ps[1].opportunity_gbp - ps[1].opportunity_median_gbp)
    low, high = section.opportunity_median_gbp, section.opportunity_gbp
    assert section.has_range and low < high
    code = pack.provider.code
    for planned, verdict in [(0.0, plans.BELOW if low > 0 else plans.WITHIN),
                             (high, plans.WITHIN), (high + 1.0, plans.ABOVE)]:
        checks = check_plans(packs, _plans([(code, section.id, planned, 0.02)]))
        row = _by(checks.category_rows, provider_code=code, category=section.id)
        assert (row["identified_median_gbp"], row["identified_gbp"]) == (low, high)
        assert row["range_verdict"] == verdict
    # categories without a planned saving have no verdict; one not applicable has no range
    elsewhere = next(c for c in CATEGORY_IDS if c not in {s.id for s in pack.categories})
    checks = check_plans(packs, _plans([(code, elsewhere, 100.0, 0.02)]))
    assert _by(checks.category_rows, provider_code=code, category=elsewhere)[
        "range_verdict"] == plans.NO_RANGE
    assert _by(checks.category_rows, provider_code=code, category=section.id)[
        "range_verdict"] == ""


def test_an_areas_plans_together_against_the_sum_of_their_ranges(store):
    """Two plans in one region: the region's verdict is its planned total against the sum of
    the two ranges, recomputed here; the counts are the providers' own verdicts."""
    _, _, packs = store
    a, b = packs[:2]  # b moved into a's region (the test bundle has one provider per region)
    region_code = a.provider.region_code
    b = dataclasses.replace(b, provider=dataclasses.replace(
        b.provider, region_code=region_code, region_name=a.provider.region_name))
    pair = [a, b]
    packs = [a, b, *packs[2:]]
    rows = [(a.provider.code, "acute_cost", round(a.total_opportunity_gbp + 5e6, 2), 0.02),
            (b.provider.code, "acute_cost", 0.0, 0.02)]  # a above, b below (or at 0)
    checks = check_plans(packs, _plans(rows))
    region = _by(checks.region_rows, region_code=region_code)
    low = round(a.total_overlaps_removed_median_gbp + b.total_overlaps_removed_median_gbp, 2)
    high = round(a.total_opportunity_gbp + b.total_opportunity_gbp, 2)
    planned = round(a.total_opportunity_gbp + 5e6, 2)
    assert (region["range_low_with_plan_gbp"], region["identified_with_plan_gbp"],
            region["planned_gbp"]) == (low, high, planned)
    expected = (plans.BELOW if planned < low else plans.ABOVE if planned > high
                else plans.WITHIN)
    assert region["range_verdict"] == expected == plans.ABOVE
    verdicts = [_by(checks.provider_rows, provider_code=p.provider.code)["range_verdict"]
                for p in pair]
    assert region["above_range"] == verdicts.count(plans.ABOVE) >= 1
    assert region["below_range"] == verdicts.count(plans.BELOW)
    html = plan_checks.area_html(packs[0].run, region, "region",
                                 [r for r in checks.provider_rows
                                  if r["region_code"] == region_code], [], checks.thresholds)
    text = " ".join(lxml.html.fromstring(html).text_content().split())
    assert ("Above the range: check it can be delivered. Together the plans go beyond the "
            "upper bound") in text
    assert "plans below · within · above their range" in text


def _checked_with_first_blank(store, saving: float):
    """The plan checks with the first provider's categories all not assessed and one plan,
    `saving` in its first category: (that provider's pack, the checks)."""
    _, _, packs = store
    pack = packs[0]
    checks = check_plans([not_assessed(pack), *packs[1:]],
                         _plans([(pack.provider.code, pack.categories[0].id, saving, 0.02)]))
    return pack, checks


def test_a_provider_with_nothing_assessed_has_no_range(store):
    """Never a range of £0 to £0 for a provider none of whose categories could be assessed."""
    pack, checks = _checked_with_first_blank(store, 1000.0)
    row = _by(checks.provider_rows, provider_code=pack.provider.code)
    assert row["range_low_gbp"] is None and row["range_verdict"] == plans.NO_RANGE
    category = _by(checks.category_rows, provider_code=pack.provider.code,
                   category=pack.categories[0].id)
    assert category["assessed"] == "No: no data supplied (test)"
    assert category["range_verdict"] == plans.NO_RANGE


def test_the_workbook_and_summary_show_the_range(store, tmp_path):
    _, _, packs = store
    pack, section = _ranged(packs)
    checks = check_plans(packs, _plans([(pack.provider.code, section.id, 1.0, 0.02)]))
    path = plan_checks.write_plan_workbook(tmp_path / "plans.xlsx", checks, packs[0].run,
                                           tmp_path / "plans.csv")
    row = {r["ODS code"]: r for r in excel_table(path, "Providers")}[pack.provider.code]
    assert row["Range from (£)"] == pack.total_overlaps_removed_median_gbp
    assert row["Plan against the range"] == plans.BELOW
    region = {r["Region code"]: r for r in excel_table(path, "Regions")}[
        pack.provider.region_code]
    assert region["Plans below the range"] == 1
    assert region["Plans against the range"] == plans.BELOW
    lines = plan_checks.summary_lines(checks)
    total = next(line for line in lines if line.startswith("Total"))
    assert f"{pack.total_overlaps_removed_median_gbp:,.0f}" in total
    assert total.split()[7:10] == ["1", "0", "0"]  # below, within, above


# ---------------------------------------------------------------- system plan checks

@pytest.mark.slow  # `packgen check-plans`: loads, computes and writes the workbook and PDFs
def test_system_plan_checks_add_up_the_providers_plans(store, tmp_path, monkeypatch):
    """Each system's planned savings in plan-checks.xlsx are the sum of its providers' rows of
    the plans file; a PDF per system under plan-checks/systems/."""
    data, providers, _ = store
    monkeypatch.setattr(plan_checks, "render_summary_pdf", lambda html: FAKE_PDF)
    out = tmp_path / "checks"
    result = CliRunner().invoke(cli, ["check-plans", str(data), str(data / "plans.csv"),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    plans_file = pl.read_csv(data / "plans.csv", schema_overrides={"provider_code": pl.String})
    icb_of = {code: row["icb_code"] for code, row in providers.items()}
    expected: dict[str, float] = {}
    for code, saving in plans_file.select("provider_code", "planned_saving_gbp").iter_rows():
        if saving is not None:
            expected[icb_of[code]] = expected.get(icb_of[code], 0.0) + saving
    assert expected  # the check means something
    systems = {r["ICB code"]: r for r in excel_table(out / "plan-checks.xlsx", "Systems")}
    assert set(systems) == set(icb_of.values())
    for icb, row in systems.items():
        assert row["Planned saving (£)"] == pytest.approx(round(expected.get(icb, 0.0), 2),
                                                          abs=0.005)
        assert row["Providers"] == sum(1 for c in icb_of.values() if c == icb)
        assert (out / "systems" / f"{icb}-plan-checks.pdf").read_bytes() == FAKE_PDF
    assert "system PDFs:" in result.stdout


def test_an_area_whose_plans_have_no_range_is_not_placed_against_one(store):
    """A region whose only plan is from a provider with nothing assessed: 'No range', never
    'Above the range' against £0 to £0; its plan is counted under no_range."""
    pack, checks = _checked_with_first_blank(store, 5000.0)
    region = _by(checks.region_rows, region_code=pack.provider.region_code)
    assert region["range_verdict"] == plans.NO_RANGE and region["no_range"] == 1
    assert region["below_range"] + region["within_range"] + region["above_range"] == 0
    row = _by(checks.provider_rows, provider_code=pack.provider.code)
    assert row["identified_gbp"] is None  # nothing assessed: not known, never £0
    text = " ".join(lxml.html.fromstring(plan_checks.area_html(
        pack.run, region, "region", [row], [], checks.thresholds)).text_content().split())
    assert "No range: nothing assessed. No category could be assessed" in text
    assert "£0 to £0" not in text


def test_planned_savings_are_taken_to_the_penny(store):
    """The workbook adds category rows up and checks them against the providers' totals: a
    plan of £1,000.003 would leave a check of a fraction of a penny per row."""
    _, _, packs = store
    code = packs[0].provider.code
    rows = [(code, s.id, 1000.003, 0.02) for s in packs[0].categories[:4]]
    checks = check_plans(packs, _plans(rows))
    planned = [r["planned_gbp"] for r in checks.category_rows
               if r["provider_code"] == code and r["planned_gbp"] is not None]
    assert planned == [1000.0] * 4
    assert _by(checks.provider_rows, provider_code=code)["planned_gbp"] == 4000.0
