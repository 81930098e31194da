"""System (ICB) packs: reference names, a pack per ICB that reconciles to the penny with
results.csv and with the provider packs, systems.csv, providers with no or an unknown ICB, a
system's PDF as a reader sees it, --system, skip-unchanged, and outputs kept inside the run."""

from __future__ import annotations

import csv
import dataclasses
import json
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from packgen import reference
from packgen.categories import load_definitions
from packgen.cli import cli
from packgen.engine import RunParameters
from packgen.errors import PackgenError
from packgen.fileio import inside
from packgen.generate import names
from packgen.generate.providers import REGION_ICBS, build_providers
from packgen.pack.build import build_pack
from packgen.render import national, plan_checks, regional, system
from packgen.render.formatting import gbp_full
from packgen.run import plans, summary_packs, totals
from packgen.run.build import BuildOptions, run_build
from tests import recalc
from tests.bundles import minimal_tables, write_bundle
from tests.generated import generated_source
from tests.sample_pack import not_assessed
from tests.test_run_support import FAKE_PDF, excel_table, fast_renderers, label_value

REAL_DATA = Path(__file__).resolve().parents[1] / "real_data"
SYSTEM_CSV_FIRST = ["icb_code", "icb_name", "region_code", "providers", "operating_cost_gbp",
                    "total_opportunity_gbp"]
PARAMS = RunParameters(min_peers=2)


# ---------------------------------------------------------------- reference names

def test_the_42_real_icbs_match_the_ods_extract():
    """Codes and regions of icbs.csv are those the ODS etr extract gives the trusts."""
    icbs = reference.rows("icbs")
    assert len(icbs) == 42 == len(reference.codes("icbs"))
    assert all(r["icb_name"].startswith("NHS ") and r["icb_name"].endswith(
        "Integrated Care Board") for r in icbs)
    assert {r["region_code"] for r in icbs} == reference.codes("regions")
    etr: dict[str, set[str]] = defaultdict(set)
    with open(REAL_DATA / "etr_2024_25.csv", encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            etr[row[3]].add(row[2])
    etr.pop("Q99", None)  # ODS's "not an English ICB" geography
    assert {code: {region} for code, region in reference.icb_regions().items()} == dict(etr)


def test_synthetic_systems_have_fictional_names_for_every_generated_code():
    fictional = names.synthetic_icb_names()
    assert len(fictional) == sum(REGION_ICBS.values())
    assert not set(fictional) & reference.codes("icbs")  # QZ.. is no real ICB
    assert len(set(fictional.values())) == len(fictional)
    written = {p.icb_code for p in build_providers(seed=2026)}
    assert written <= set(fictional)
    assert all(not reference.icb_name(code).endswith("list of ICBs)") for code in written)
    assert reference.icb_name(None) == reference.NO_ICB == reference.icb_name("")
    assert reference.icb_name("QQQ") == "QQQ (not in packgen's list of ICBs)"


# ---------------------------------------------------------------- a national run

@pytest.fixture(scope="module")
def national_run(tmp_path_factory):
    """A generated national bundle (200 providers in 32 fictional systems), built with stand-in
    provider PDFs; the summary and system packs are real workbooks."""
    data = tmp_path_factory.mktemp("data")
    source = generated_source(data, seed=11)
    run = tmp_path_factory.mktemp("run")
    with pytest.MonkeyPatch.context() as mp:
        fast_renderers(mp, excel=False)
        result = run_build(BuildOptions(data_dir=data, run_dir=run, workers=1, quiet=True,
                                        db_path=data / "packgen.duckdb"))
    assert not result.failed
    return data, source, run


def _providers_csv(data: Path) -> dict[str, dict]:
    with open(data / "providers.csv", encoding="utf-8", newline="") as fh:
        return {r["provider_code"]: r for r in csv.DictReader(fh)}


def _systems_csv(run: Path) -> list[dict]:
    with open(run / "national" / "systems.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_icb_has_a_system_pack_listed_in_the_manifest(national_run):
    data, _source, run = national_run
    icbs = {r["icb_code"] for r in _providers_csv(data).values()}
    assert len(icbs) == 32
    manifest = json.loads((run / "manifest.json").read_text())
    for icb in icbs:
        paths = system.system_paths(run, icb)
        assert paths["pdf"].read_bytes() == FAKE_PDF  # the stand-in: rendering is tested below
        assert paths["xlsx"].is_file()
        outputs = manifest["summaries"][f"systems/{icb}"]["outputs"]
        assert set(outputs) == {f"systems/{icb}/{icb}-system-pack.pdf",
                                f"systems/{icb}/{icb}-system-pack.xlsx"}
        assert set(outputs) <= set(manifest["outputs"])
    assert "national/systems.csv" in manifest["outputs"]
    assert sorted(p.name for p in (run / "systems").iterdir()) == sorted(icbs)


def _overlaps_removed(categories: dict[str, Decimal]) -> Decimal:
    """A provider's total with overlaps removed, the plain way: categories largest first, each
    counted unless it overlaps (either definition says so) one already counted."""
    declared = {d.id: set(d.overlaps_with) for d in load_definitions()}
    counted: list[str] = []
    for category in sorted(categories, key=lambda c: (-categories[c], c)):
        if not any(category in declared[c] or c in declared[category] for c in counted):
            counted.append(category)
    return sum((categories[c] for c in counted), Decimal(0))


def test_systems_csv_reconciles_to_results_csv_to_the_penny(national_run):
    data, _source, run = national_run
    providers = _providers_csv(data)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    by_category: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    with open(run / "national" / "results.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["in_total"] == "true" and row["assessed"] == "true":
                expected[providers[row["provider_code"]]["icb_code"]] += Decimal(
                    row["opportunity_gbp"])
                by_category[row["provider_code"]][row["category"]] += Decimal(
                    row["opportunity_gbp"])
    with open(run / "national" / "systems.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:6] == SYSTEM_CSV_FIRST
    rows = _systems_csv(run)
    assert {r["icb_code"] for r in rows} == set(expected)  # one row per ICB, no other
    for row in rows:
        icb = row["icb_code"]
        members = [c for c, p in providers.items() if p["icb_code"] == icb]
        assert int(row["providers"]) == len(members)
        assert Decimal(row["total_opportunity_gbp"]) == expected[icb].quantize(Decimal("0.01"))
        assert Decimal(row["operating_cost_gbp"]) == sum(
            Decimal(providers[c]["operating_cost_gbp"]) for c in members)
        assert row["region_code"] == providers[members[0]]["region_code"]
        assert row["icb_name"] == names.synthetic_icb_names()[icb]
        book = system.system_paths(run, icb)["xlsx"]
        assert label_value(book, "Cover", "Total opportunity (£)") == float(
            row["total_opportunity_gbp"])
        by_provider = {r["ODS code"]: r["Total opportunity (£)"]
                       for r in excel_table(book, "Providers")}
        assert sorted(by_provider) == sorted(members)
        assert round(sum(by_provider.values()), 2) == float(row["total_opportunity_gbp"])
        assert Decimal(row["total_overlaps_removed_gbp"]) == sum(
            _overlaps_removed(by_category[c]) for c in members)
        # each provider's figure is its own pack's total (the national summary has it too)
    national_rows = {r["ODS code"]: r for r in excel_table(
        run / "national" / national.WORKBOOK_NAME, "Providers")}
    for code, provider in providers.items():
        assert national_rows[code]["ICB code"] == provider["icb_code"]


def test_regional_packs_total_by_system(national_run):
    _data, _source, run = national_run
    systems = {r["icb_code"]: r for r in _systems_csv(run)}
    for book in (run / "regions").glob("*/*-regional-pack.xlsx"):
        region = book.name.split("-")[0]
        rows = excel_table(book, "Systems")
        assert {r["ICB code"] for r in rows} == {
            c for c, r in systems.items() if r["region_code"] == region}
        for row in rows:
            assert f"{row['Total opportunity (£)']:.2f}" == systems[row["ICB code"]][
                "total_opportunity_gbp"]
        assert round(sum(r["Total opportunity (£)"] for r in rows), 2) == label_value(
            book, "Cover", "Total opportunity (£)")


@pytest.mark.slow
def test_system_workbooks_recalculate_with_every_check_zero(national_run, tmp_path):
    recalc.require_soffice()
    _data, _source, run = national_run
    books = sorted((run / "systems").glob("*/*-system-pack.xlsx"))[:4]
    books += [run / "national" / national.WORKBOOK_NAME,
              next((run / "regions").glob("*/*-regional-pack.xlsx"))]
    reports = recalc.recalculate_and_check(books, tmp_path)
    for book, report in zip(books, reports, strict=True):
        assert report.problems == [], (book.name, "\n".join(map(str, report.problems)))
        assert report.checks >= 5, book.name


def test_a_system_pdf_reads_as_a_regional_analyst_needs(national_run, tmp_path):
    """The real PDF of the largest system: its name and code, the total (to the pound, as the
    provider packs show it), every provider by code with its pack's file name and total, the
    productivity requirement, the largest opportunity, the mark and the sources."""
    _data, source, _run = national_run
    packs = [build_pack(source, code, detail=False) for code in sorted(source.providers)]
    by_icb = totals.packs_by_icb(packs)
    icb = max(by_icb, key=lambda c: (len(by_icb[c]), c))
    members = by_icb[icb]
    quality = {p.provider.code: totals.data_quality(p) for p in members}
    paths = system.write_system_pack(tmp_path, icb, members, source.run, quality)
    text = subprocess.run(["pdftotext", "-layout", str(paths["pdf"]), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert recalc.pdf_pages(paths["pdf"]) <= 3
    flat = " ".join(text.split())
    assert f"{names.synthetic_icb_names()[icb]} ({icb})" in flat
    assert "SYNTHETIC DATA" in text
    total = totals.national_total(members)
    assert gbp_full(total) in text
    requirement = totals.known_sum(p.requirement_gbp for p in members)
    assert gbp_full(requirement) in text
    for pack in members:
        code = pack.provider.code
        assert f"({code})" in flat and f"{code}-opportunity-pack.pdf" in flat
        assert gbp_full(pack.total_opportunity_gbp) in text
    largest = system.largest_rows(members)[0]
    assert gbp_full(largest["opportunity_gbp"]) in text and largest["category_title"] in flat
    assert "Sources" in text and "upper bound" in flat


def test_real_data_mark_and_unknown_cost_base(national_run):
    """A real run is marked REAL DATA; a provider whose operating cost is not known makes the
    system's cost base, shares and requirement 'not known' (blank), never a partial sum."""
    _data, source, _run = national_run
    packs = [build_pack(source, code, detail=False) for code in sorted(source.providers)]
    icb, members = next(iter(totals.packs_by_icb(packs).items()))
    first = members[0]
    unknown = dataclasses.replace(
        first, provider=dataclasses.replace(first.provider, operating_cost_gbp=None),
        requirement_gbp=None, total_pct_of_cost_base=None)
    members = [unknown, *members[1:]]
    real = dataclasses.replace(first.run, synthetic=False, data_note="")
    html = system.system_html(icb, members, real, {})
    assert "REAL DATA" in html and "SYNTHETIC DATA" not in html
    assert "is not known, so the system's cost base, shares and requirement are not known" in html
    (row,) = [r for r in national.system_rows(members) if r["icb_code"] == icb]
    assert row["operating_cost_gbp"] is None and row["requirement_gbp"] is None
    assert row["total_opportunity_gbp"] == totals.national_total(members)  # still known
    assert all(r["share_of_system_cost"] is None for r in system.provider_rows(members, {}))


# ---------------------------------------------------------------- the tiny bundle

def _bundle(tmp_path: Path, icbs: dict[str, str]) -> Path:
    tables = minimal_tables()
    for row in tables["providers"]:
        if row["provider_code"] in icbs:
            row["icb_code"] = icbs[row["provider_code"]]
    return write_bundle(tmp_path / "data", tables)


def _build(data: Path, run: Path, **kw):
    return run_build(BuildOptions(data_dir=data, run_dir=run, params=PARAMS, workers=1,
                                  quiet=True, **kw))


def test_providers_with_no_or_an_unknown_icb_are_listed_never_dropped(tmp_path, monkeypatch):
    fast_renderers(monkeypatch)
    data = _bundle(tmp_path, {"RAB": "", "RCA": "QXX"})
    run = tmp_path / "run"
    _build(data, run)
    rows = {r["icb_code"]: r for r in _systems_csv(run)}
    no_icb = rows[""]
    assert no_icb["icb_name"] == reference.NO_ICB and no_icb["providers"] == "1"
    assert no_icb["system_pack"] == "" and "no icb_code" in no_icb["note"]
    assert float(no_icb["total_opportunity_gbp"]) >= 0
    assert rows["QXX"]["icb_name"] == "QXX (not in packgen's list of ICBs)"
    # the bundle uses real ICB codes: every other real ICB is a row with no provider
    assert len([r for r in rows.values() if r["providers"] == "0"]) == 42 - 4
    empty = rows["QWE"]
    assert empty["total_opportunity_gbp"] == "" and empty["operating_cost_gbp"] == ""
    assert sorted(p.name for p in (run / "systems").iterdir()) == [
        "QMF", "QOP", "QUE", "QWO", "QXX"]  # none for the provider with no ICB
    summary = run / "national" / national.WORKBOOK_NAME
    listed = {r["ODS code"]: r for r in excel_table(summary, "Providers")}
    assert listed["RAB"]["ICB"] == reference.NO_ICB and listed["RAB"]["ICB code"] is None
    assert label_value(summary, "Cover", f"Providers with no ICB (listed in Systems as "
                       f"'{reference.NO_ICB}')") == 1
    systems_sheet = {r["ICB"]: r for r in excel_table(summary, "Systems")}
    assert systems_sheet[reference.NO_ICB]["Providers"] == 1
    total = sum(float(r["total_opportunity_gbp"] or 0) for r in rows.values())
    assert round(total, 2) == label_value(summary, "Cover", "Total opportunity (£)")


def test_system_option_builds_the_system_and_its_providers(tmp_path, monkeypatch):
    fast_renderers(monkeypatch)
    data = _bundle(tmp_path, {"RAB": "QMF"})  # RAA and RAB in QMF
    run = tmp_path / "run"
    result = CliRunner().invoke(cli, ["build", str(data), "--out", str(run), "--system", "QMF",
                                      "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (run / "providers").iterdir()) == ["RAA", "RAB"]
    assert sorted(p.name for p in (run / "systems").iterdir()) == ["QMF"]
    manifest = json.loads((run / "manifest.json").read_text())
    assert set(manifest["providers"]) == {"RAA", "RAB"}
    assert "systems/QMF" in manifest["summaries"]
    bad = CliRunner().invoke(cli, ["build", str(data), "--out", str(run), "--system", "QZZ"])
    assert bad.exit_code == 1 and "no providers in system QZZ" in bad.stderr
    assert "QMF" in bad.stderr  # the hint lists the bundle's ICB codes


def test_a_partial_build_gives_the_path_of_the_system_packs_in_the_folder_only(tmp_path,
                                                                             monkeypatch):
    """--system QMF into an empty folder writes systems/QMF only: the national systems.csv and
    Systems sheet and the regional pack's Systems table give no path to another ICB's pack
    (blank, with a note); a later build that adds a system pack adds its path."""
    fast_renderers(monkeypatch)
    pages: dict[str, str] = {}
    monkeypatch.setattr(regional, "regional_html", lambda code, *a, real=regional.regional_html,
                        **kw: pages.setdefault(code, real(code, *a, **kw)))
    tables = minimal_tables()
    for row in tables["providers"]:
        if row["provider_code"] == "RAB":  # QHL, beside RAA's QMF in region Y56
            row["region_code"] = "Y56"
    data = write_bundle(tmp_path / "data", tables)
    run = tmp_path / "run"

    def listed() -> dict[str, dict[str, str]]:
        """ICB -> the pack path each summary gives it (every path given exists)."""
        books = {"systems.csv": {r["icb_code"]: r["system_pack"] for r in _systems_csv(run)},
                 "national": {r["ICB code"] or "": r["System pack"] or "" for r in excel_table(
                     run / "national" / national.WORKBOOK_NAME, "Systems")},
                 "Y56": {r["ICB code"]: r["System pack"] or "" for r in excel_table(
                     regional.region_paths(run, "Y56")["xlsx"], "Systems")}}
        for paths in books.values():
            assert all((run / path).is_file() for path in paths.values() if path)
        return books

    _build(data, run, systems=["QMF"])
    assert sorted(p.name for p in (run / "systems").iterdir()) == ["QMF"]
    books = listed()
    for icb in ("QMF", "QHL", "QOP", "QUY", "QWO", "QUE"):
        expected = "systems/QMF/QMF-system-pack.pdf" if icb == "QMF" else ""
        assert books["systems.csv"][icb] == books["national"][icb] == expected, icb
    assert books["Y56"] == {"QMF": "systems/QMF/QMF-system-pack.pdf", "QHL": ""}
    notes = {r["icb_code"]: r["note"] for r in _systems_csv(run)}
    assert "--system QHL writes it" in notes["QHL"] and "--system" not in notes["QMF"]
    page = " ".join(pages.pop("Y56").split())
    assert "QMF-system-pack.pdf" in page and "QHL-system-pack.pdf" not in page
    assert "--system QHL writes it" in page

    national_book = run / "national" / national.WORKBOOK_NAME
    written = national_book.stat().st_mtime_ns
    _build(data, run, systems=["QMF"])  # nothing new: the summaries are kept
    assert national_book.stat().st_mtime_ns == written and not pages

    _build(data, run, systems=["QHL"])  # QMF's pack is still there: both paths now
    books = listed()
    assert books["Y56"] == {"QMF": "systems/QMF/QMF-system-pack.pdf",
                            "QHL": "systems/QHL/QHL-system-pack.pdf"}
    assert {i for i, p in books["systems.csv"].items() if p} == {"QMF", "QHL"}
    assert "QHL-system-pack.pdf" in pages["Y56"]

    _build(data, run)
    books = listed()
    assert {i for i, p in books["national"].items() if p} == {
        "QMF", "QHL", "QOP", "QUY", "QWO", "QUE"}


def test_unchanged_system_packs_are_skipped(tmp_path, monkeypatch):
    fast_renderers(monkeypatch)
    data = _bundle(tmp_path, {})
    run = tmp_path / "run"
    _build(data, run)
    paths = system.system_paths(run, "QMF")
    written = paths["xlsx"].stat().st_mtime_ns
    other = system.system_paths(run, "QHL")["xlsx"]
    other_written = other.stat().st_mtime_ns
    _build(data, run)
    assert paths["xlsx"].stat().st_mtime_ns == written  # unchanged: skipped
    paths["pdf"].unlink()  # a missing file is rebuilt, the others stay
    _build(data, run)
    assert paths["pdf"].is_file() and paths["xlsx"].stat().st_mtime_ns != written
    assert other.stat().st_mtime_ns == other_written
    _build(data, run, force=True)
    assert other.stat().st_mtime_ns != other_written


def test_an_icb_code_cannot_write_outside_the_run(tmp_path, monkeypatch):
    """The contract refuses a code that is not an ICB code, with its file, line and column;
    the run's own guard would refuse the path even if a code got past it."""
    fast_renderers(monkeypatch)
    data = _bundle(tmp_path, {"RAA": "../../escape"})
    with pytest.raises(PackgenError, match=r"providers.csv, line \d+, column icb_code"):
        _build(data, tmp_path / "run")
    assert not (tmp_path / "escape").exists()
    with pytest.raises(PackgenError, match="would write outside the run folder"):
        inside(tmp_path / "run" / "systems",
               system.system_paths(tmp_path / "run", "../../escape")["pdf"], "system")


def test_with_a_pool_the_system_packs_are_written_while_the_providers_render(tmp_path,
                                                                             monkeypatch):
    """Two workers render the provider packs; this process writes the regional and system
    packs meanwhile (a thread): real PDFs, recorded in the manifest like the others."""
    data = _bundle(tmp_path, {"RMA": "QUY"})  # RCA and RMA share QUY
    started = []
    monkeypatch.setattr(summary_packs.Writer, "start",
                        lambda self, start=summary_packs.Writer.start: (
                            started.append(len(self.jobs)), start(self)))
    run = tmp_path / "run"
    result = run_build(BuildOptions(data_dir=data, run_dir=run, params=PARAMS, workers=2,
                                    quiet=True, providers=["RCA", "RMA", "RWA"]))
    assert result.built == ["RCA", "RMA", "RWA"] and not result.failed
    assert started == [5]  # regions Y58, Y61, Y63 and systems QUE, QUY: in the thread
    manifest = json.loads((run / "manifest.json").read_text())
    for icb in ("QUY", "QUE"):
        pdf = system.system_paths(run, icb)["pdf"]
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000
        assert f"systems/{icb}/{icb}-system-pack.pdf" in manifest["outputs"]
    rows = excel_table(system.system_paths(run, "QUY")["xlsx"], "Providers")
    assert sorted(r["ODS code"] for r in rows) == ["RCA", "RMA"]
    assert result.timings["regional_writing"] > 0


def test_system_plan_checks_on_a_national_bundle(national_run, tmp_path):
    """Systems of several providers, some without a plan: each system's planned saving is the
    sum of its providers' rows in plans.csv, its identified opportunity that of systems.csv,
    and the workbook's Systems sheet agrees."""
    data, source, run = national_run
    packs = [build_pack(source, code, detail=False) for code in sorted(source.providers)]
    checks = plans.check_plans(packs, plans.read_plans(data / "plans.csv", source.providers))
    icb_of = {c: p["icb_code"] for c, p in _providers_csv(data).items()}
    planned: dict[str, Decimal] = defaultdict(Decimal)
    with open(data / "plans.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["planned_saving_gbp"]:
                planned[icb_of[row["provider_code"]]] += Decimal(row["planned_saving_gbp"])
    systems_csv = {r["icb_code"]: r for r in _systems_csv(run)}
    assert {r["icb_code"] for r in checks.system_rows} == set(systems_csv)
    assert any(r["no_plan"] and r["plans"] for r in checks.system_rows)  # a mixed system
    for row in checks.system_rows:
        icb = row["icb_code"]
        assert Decimal(f"{row['planned_gbp']:.2f}") == planned[icb]
        assert f"{row['identified_gbp']:.2f}" == systems_csv[icb]["total_opportunity_gbp"]
        members = [r for r in checks.provider_rows if r["icb_code"] == icb]
        assert row["unplanned_categories"] == sum(r["unplanned_categories"] for r in members)
    book = plan_checks.write_plan_workbook(tmp_path / "plans.xlsx", checks, source.run,
                                           data / "plans.csv")
    sheet = {r["ICB code"]: r for r in excel_table(book, "Systems")}
    for row in checks.system_rows:
        assert sheet[row["icb_code"]]["Planned saving (£)"] == row["planned_gbp"]


def test_a_category_assessed_for_no_provider_has_no_total_never_zero(national_run):
    """Real bundles leave whole categories without data: the system and regional tables say
    "Not assessed", with blanks in the workbooks, never £0 (nor £0 quartiles)."""
    _data, source, _run = national_run
    icb = sorted({p["icb_code"] for p in source.providers.values()})[0]
    packs = [build_pack(source, c, detail=False) for c in sorted(source.providers)
             if source.providers[c]["icb_code"] == icb]
    blank = [not_assessed(p, {"corporate_services"}) for p in packs]
    rows = {r["category"]: r for r in totals.category_rows(blank)}
    corporate = rows["corporate_services"]
    assert corporate["providers"] == len(packs) and corporate["assessed"] == 0
    assert corporate["total_gbp"] is None and corporate["median_gbp"] is None
    assert list(rows).index("corporate_services") == len(rows) - 1  # after every figure
    text = " ".join(system.system_html(icb, blank, source.run, {}).split())
    assert "Corporate services cost by function</td><td class=\"num\">" in text
    assert "Not assessed for any provider" in text
    by_provider = [r for r in totals.provider_category_rows(blank)
                   if r["category"] == "corporate_services"]
    assert {r["opportunity_gbp"] for r in by_provider} == {None}
    assert {r["assessed"] for r in by_provider} == {"No: no data supplied (test)"}
    for group in totals.group_totals(blank, totals.by_sector):  # the Sector categories sheet
        assert group.by_category["corporate_services"] is None


def test_a_provider_with_nothing_assessed_has_no_total_in_area_tables(national_run):
    _data, source, _run = national_run
    pack = build_pack(source, sorted(source.providers)[0], detail=False)
    blank = not_assessed(pack)
    row = totals.provider_row(blank, 1, "x")
    assert row["total_gbp"] is None and row["total_overlaps_removed_gbp"] is None
    assert row["covers_requirement"] == "Not known" and row["pct_of_cost_base"] is None
    assert totals.provider_row(pack)["total_gbp"] == pack.total_opportunity_gbp


def test_covering_the_requirement_is_judged_on_the_total_with_overlaps_removed(small_packs):
    """The upper bound double counts: whether a provider's opportunity covers the 2%
    requirement is judged on the figure the packs say to plan against."""
    _source, packs = small_packs
    pack = next(p for p in packs if p.requirement_gbp)
    between = dataclasses.replace(pack, total_opportunity_gbp=pack.requirement_gbp * 2,
                                  total_overlaps_removed_gbp=pack.requirement_gbp / 2)
    assert totals.provider_row(between, 1, "OK")["covers_requirement"] == "No"
    above = dataclasses.replace(between, total_overlaps_removed_gbp=pack.requirement_gbp)
    assert totals.provider_row(above, 1, "OK")["covers_requirement"] == "Yes"


def test_the_headline_range_gives_both_ends_in_full(small_packs):
    """The low end of the range is in no table of the PDF: the headline gives it to the
    penny, so that a reader can trace it to the workbook's cover."""
    source, packs = small_packs
    region = packs[0].provider.region_code
    members = [p for p in packs if p.provider.region_code == region]
    group = totals.group_totals(members, totals.by_region)[0]
    html = regional.regional_html(region, members, source.run, {})
    assert (f"({gbp_full(group.total_overlaps_removed_median_gbp)}) to the upper bound "
            f"({gbp_full(group.total_gbp)})") in html


def test_an_area_with_nothing_assessed_has_no_headline_total(small_packs):
    """A region or system none of whose providers has a category assessed shows "Not
    assessed" where its total would be, never £0."""
    source, packs = small_packs
    region = packs[0].provider.region_code
    blank = [dataclasses.replace(not_assessed(p), total_opportunity_gbp=0.0, total_median_gbp=0.0,
                                 total_overlaps_removed_gbp=0.0,
                                 total_overlaps_removed_median_gbp=0.0)
             for p in packs if p.provider.region_code == region]
    html = regional.regional_html(region, blank, source.run, {})
    figures = html[html.index('<div class="figures">'):].split("productivity requirement")[0]
    assert "Not assessed" in figures and "£0" not in figures
    icb = blank[0].provider.icb_code
    members = [p for p in blank if p.provider.icb_code == icb]
    html = system.system_html(icb, members, source.run, {})
    figures = html[html.index('<div class="figures">'):]
    assert "Not assessed" in figures.split("productivity requirement")[0]
    assert "£0" not in figures.split("productivity requirement")[0]


# ---------------------------------------------------------------- the PDFs' category tables

@pytest.fixture(scope="module")
def small_packs(computed_national):
    _data, source = computed_national
    return source, [build_pack(source, c, detail=False) for c in sorted(source.providers)]


def _category_cells(row: dict) -> str:
    """A category's cells in the PDFs' category tables, from Total on: at the run's percentile,
    then at the peers' median (* a fixed target: one figure, the same at both ends)."""
    return (f'<td class="num">{gbp_full(row["total_gbp"])}</td><td class="num">'
            f'{gbp_full(row["total_median_gbp"])}{"" if row["has_range"] else "*"}</td>')


def test_the_regional_and_system_pdfs_give_each_category_at_the_median(small_packs):
    source, packs = small_packs
    region, in_region = next(iter(regional.packs_by_region(packs).items()))
    icb, in_icb = max(totals.packs_by_icb(packs).items(), key=lambda i: (len(i[1]), i[0]))
    for members, html, group in (
            (in_region, regional.regional_html(region, in_region, source.run, {}),
             totals.group_totals(in_region, totals.by_region)[0]),
            (in_icb, system.system_html(icb, in_icb, source.run, {}),
             totals.group_totals(in_icb, totals.by_icb)[0])):
        html = " ".join(html.split())
        assert "<th class=\"num\">At the median of peers</th>" in html
        rows = totals.category_rows(members)
        assert any(r["has_range"] for r in rows) and not all(r["has_range"] for r in rows)
        for row in rows:
            assert f"<td>{escape(row['category_title'])}</td>" in html
            if row["assessed"]:
                assert _category_cells(row) in html, row["category"]
        # the total row: every category added, at both ends
        assert _category_cells({"total_gbp": group.total_gbp, "has_range": True,
                                "total_median_gbp": group.total_median_gbp}) in html
        assert group.total_median_gbp < group.total_gbp


def test_the_regional_pdf_gives_each_system_with_overlaps_removed(small_packs):
    """As its providers table and the workbook's Systems sheet: the upper bound and the total
    to plan against side by side, for every system and the region."""
    source, packs = small_packs
    region, members = max(regional.packs_by_region(packs).items(),
                          key=lambda i: (len(totals.packs_by_icb(i[1])), i[0]))
    html = " ".join(regional.regional_html(region, members, source.run, {}).split())
    systems = html[html.index("Totals by system"):html.index("Totals by category")]
    assert '<th class="num">Opportunity</th><th class="num">Overlaps removed</th>' in systems
    rows = national.system_rows(members)
    assert len(rows) > 1
    group = totals.group_totals(members, totals.by_region)[0]
    for row in [*rows, {"total_opportunity_gbp": group.total_gbp,
                        "total_overlaps_removed_gbp": group.total_overlaps_removed_gbp}]:
        assert row["total_overlaps_removed_gbp"] < row["total_opportunity_gbp"]
        assert (f'<td class="num">{gbp_full(row["total_opportunity_gbp"])}</td><td class="num">'
                f'{gbp_full(row["total_overlaps_removed_gbp"])}</td>') in systems
