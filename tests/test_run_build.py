"""`packgen build`: layout, manifest, totals that reconcile, failures, skip-unchanged, CLI."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packgen.cli import cli
from packgen.engine import RunParameters
from packgen.errors import PackgenError
from packgen.fileio import sha256_file
from packgen.pack.build import build_pack, load_source
from packgen.pack.movement import read_previous
from packgen.render import pdf as pdf_renderer
from packgen.run import build as run_build_module
from packgen.run import workers
from packgen.run.build import BuildOptions, run_build
from packgen.run.store_state import ensure_store
from packgen.store import open_store
from tests.bundles import PROVIDERS, minimal_tables, write_bundle
from tests.test_run_support import excel_table, fast_renderers, label_value

CODES = sorted(p[0] for p in PROVIDERS)
# Three acute peers in the tiny bundle: two peers are enough to give non-zero opportunities.
PARAMS = RunParameters(min_peers=2)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return write_bundle(tmp_path / "data")


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    fast_renderers(monkeypatch)


def _build(bundle: Path, run: Path, **kw):
    return run_build(BuildOptions(data_dir=bundle, run_dir=run, params=kw.pop("params", PARAMS),
                                  workers=1, quiet=True, **kw))


def _packs(run: Path) -> dict:
    con = open_store(run / "packgen.duckdb")
    try:
        source = load_source(con, PARAMS)
    finally:
        con.close()
    return {code: build_pack(source, code) for code in source.providers}


def test_layout_and_manifest(bundle, tmp_path):
    run = tmp_path / "run"
    result = _build(bundle, run)
    assert result.built == CODES and not result.failed and not result.skipped
    manifest = json.loads((run / "manifest.json").read_text())
    for code in CODES:
        for fmt in ("pdf", "xlsx", "html"):
            assert (run / "providers" / code / f"{code}-opportunity-pack.{fmt}").is_file()
        assert manifest["providers"][code]["status"] == "built"
    for region in {p[4] for p in PROVIDERS}:
        assert (run / "regions" / region / f"{region}-regional-pack.xlsx").is_file()
        assert (run / "regions" / region / f"{region}-regional-pack.pdf").is_file()
    assert manifest["inputs"]["ncc_costs"]["sha256"] == sha256_file(bundle / "ncc_costs.csv")
    assert manifest["parameters"]["min_peers"] == 2
    assert {"compute", "render", "national", "regional", "total"} <= set(manifest["timings"])
    for relative, checksum in manifest["outputs"].items():  # every output, with its checksum
        assert sha256_file(run / relative) == checksum
    assert "national/national-summary.xlsx" in manifest["outputs"]
    assert "national/results.csv" in manifest["outputs"]
    assert not list(run.rglob("*.part")) and not list(run.rglob("*.rendering"))


def test_totals_reconcile_to_the_penny(bundle, tmp_path):
    run = tmp_path / "run"
    _build(bundle, run)
    packs = _packs(run)
    national_total = round(sum(p.total_opportunity_gbp for p in packs.values()), 2)
    assert national_total > 0  # the check means something
    summary = run / "national" / "national-summary.xlsx"
    assert label_value(summary, "Cover", "Total opportunity (£)") == national_total
    providers = {r["ODS code"]: r for r in excel_table(summary, "Providers")}
    cells = {(r["ODS code"], r["Category id"]): r["Opportunity (£)"]
             for r in excel_table(summary, "Provider categories")}
    regional_total = 0.0
    for code, pack in packs.items():
        assert providers[code]["Total opportunity (£)"] == pack.total_opportunity_gbp
        own = run / "providers" / code / f"{code}-opportunity-pack.xlsx"
        assert label_value(own, "Summary", "Total opportunity £ computed by packgen") \
            == pack.total_opportunity_gbp
        for section in pack.categories:  # a category not assessed is blank, never £0
            assert cells[code, section.id] == (section.opportunity_gbp if section.assessed
                                               else None)
    for region in sorted({p.provider.region_code for p in packs.values()}):
        book = run / "regions" / region / f"{region}-regional-pack.xlsx"
        rows = excel_table(book, "Providers")
        assert [r["ODS code"] for r in rows] == sorted(
            (p.provider.code for p in packs.values() if p.provider.region_code == region),
            key=lambda c: (-packs[c].total_opportunity_gbp, c))
        region_total = label_value(book, "Cover", "Total opportunity (£)")
        assert region_total == round(sum(r["Total opportunity (£)"] for r in rows), 2)
        regional_total += region_total
    assert round(regional_total, 2) == national_total
    sectors = excel_table(summary, "Sectors")
    assert round(sum(r["Total opportunity (£)"] for r in sectors), 2) == national_total
    categories = excel_table(summary, "Categories")
    assert round(sum(r["Total (£)"] or 0.0 for r in categories), 2) == national_total
    for row in categories:  # a category assessed for no provider has no total, never £0
        assert (row["Total (£)"] is None) == (row["Providers assessed"] == 0)


def test_failed_provider_keeps_its_earlier_files_and_the_run_goes_on(bundle, tmp_path,
                                                                      monkeypatch):
    fast_renderers(monkeypatch, excel=False)
    run = tmp_path / "run"
    _build(bundle, run)
    folder = run / "providers" / "RAB"
    before = {p.name: sha256_file(p) for p in folder.iterdir()}
    raa_html = run / "providers" / "RAA" / "RAA-opportunity-pack.html"
    raa_written = raa_html.stat().st_mtime_ns
    original = pdf_renderer.write_html

    def failing_html(pack, path):  # after the PDF and the workbook have been rendered
        if pack.provider.code == "RAB":
            raise RuntimeError("disk on fire")
        return original(pack, path)

    monkeypatch.setattr(pdf_renderer, "write_html", failing_html)
    result = CliRunner().invoke(cli, ["build", str(bundle), "--out", str(run), "--workers", "1",
                                      "--force", "--quiet"])
    assert result.exit_code == 1, result.output
    assert "RAB" in result.stderr and "disk on fire" in result.stderr
    assert "Hint:" in result.stderr
    assert "5 built" in result.stdout and "1 failed" in result.stdout
    assert {p.name: sha256_file(p) for p in folder.iterdir()} == before  # nothing half-new
    assert raa_html.stat().st_mtime_ns != raa_written  # the others were rendered again
    manifest = json.loads((run / "manifest.json").read_text())
    entry = manifest["providers"]["RAB"]
    assert entry["status"] == "failed" and "disk on fire" in entry["error"]
    assert entry["stage"] == "html"
    # The next run retries the failed provider only.
    monkeypatch.setattr(pdf_renderer, "write_html", original)
    again = _build(bundle, run, params=RunParameters())
    assert again.built == ["RAB"] and len(again.skipped) == 5


def test_unchanged_providers_are_skipped_until_something_changes(bundle, tmp_path,
                                                                 monkeypatch):
    fast_renderers(monkeypatch, excel=False)
    run = tmp_path / "run"
    some = ["RAA", "RCA", "RWA"]
    assert _build(bundle, run, providers=some).built == some
    second = _build(bundle, run, providers=some)
    assert second.built == [] and second.skipped == some
    assert _build(bundle, run, providers=some, force=True).built == some
    changed = RunParameters(min_peers=3)
    assert _build(bundle, run, providers=some, params=changed).built == some
    tables = minimal_tables()
    tables["temporary_staffing"][0]["agency_gbp"] = "17000000"
    write_bundle(bundle, tables)
    assert _build(bundle, run, providers=some, params=changed).built == some
    (run / "providers" / "RCA" / "RCA-opportunity-pack.pdf").unlink()
    assert _build(bundle, run, providers=some, params=changed).built == ["RCA"]


def test_provider_and_region_selection(bundle, tmp_path):
    run = tmp_path / "run"
    result = _build(bundle, run, providers=["RAA"], regions=["Y63"])
    assert result.built == ["RAA", "RMA"]
    assert (run / "regions" / "Y56").is_dir() and not (run / "regions" / "Y58").exists()
    assert (run / "national" / "national-summary.xlsx").is_file()  # always every provider


def test_cli_exit_codes_and_help(bundle, tmp_path):
    runner = CliRunner()
    run = str(tmp_path / "run")
    unknown = runner.invoke(cli, ["build", str(bundle), "--out", run, "--provider", "RZZ"])
    assert unknown.exit_code == 1 and "unknown provider: RZZ" in unknown.stderr
    bad_region = runner.invoke(cli, ["build", str(bundle), "--out", run, "--region", "Y99"])
    assert bad_region.exit_code == 1 and "Y99" in bad_region.stderr
    assert runner.invoke(cli, ["build", str(bundle), "--workers", "0"]).exit_code == 2
    assert runner.invoke(cli, ["build", str(tmp_path / "nowhere")]).exit_code == 2
    for command in ("build", "check-plans"):
        text = runner.invoke(cli, [command, "--help"]).output
        assert "Example:" in text and f"packgen {command}" in text
    ok = runner.invoke(cli, ["build", str(bundle), "--out", run, "--provider", "RCA", "-q"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith("providers: 1 built, 0 skipped") and ok.stderr == ""


@pytest.mark.slow
def test_pool_renders_real_pdfs(bundle, tmp_path, monkeypatch):
    """Two worker processes, each loading the store once; real WeasyPrint PDFs; workers
    recycled after every pack (two generations of pools), which must not hang."""
    monkeypatch.undo()  # the workers are separate processes: render for real
    monkeypatch.setattr(workers, "RECYCLE_AFTER", 1)
    run = tmp_path / "run"
    result = run_build(BuildOptions(data_dir=bundle, run_dir=run, params=PARAMS, workers=2,
                                    quiet=True, providers=["RCA", "RMA", "RWA"]))
    assert result.built == ["RCA", "RMA", "RWA"] and not result.failed
    for code in result.built:
        pdf = (run / "providers" / code / f"{code}-opportunity-pack.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    regional_pdf = run / "regions" / "Y58" / "Y58-regional-pack.pdf"
    assert regional_pdf.read_bytes().startswith(b"%PDF") and regional_pdf.stat().st_size > 5_000


def test_store_is_reused_only_while_inputs_and_parameters_are_unchanged(bundle, tmp_path):
    db = tmp_path / "store.duckdb"
    assert not ensure_store(bundle, db, PARAMS).reused
    assert ensure_store(bundle, db, PARAMS).reused
    assert not ensure_store(bundle, db, RunParameters(min_peers=3)).reused
    with open(bundle / "providers.csv", "a") as handle:
        handle.write("\n")  # same rows, different file: reload (the checksum is the rule)
    assert not ensure_store(bundle, db, RunParameters(min_peers=3)).reused
    assert not ensure_store(bundle, db, RunParameters(min_peers=3), force=True).reused


def test_rebuilding_one_provider_builds_only_its_model_when_summaries_are_current(
        bundle, tmp_path, monkeypatch):
    run = tmp_path / "run"
    _build(bundle, run)
    from packgen.run import build as build_module
    built_models = []
    original = build_module.build_pack
    monkeypatch.setattr(build_module, "build_pack",
                        lambda source, code, **kw: built_models.append(code)
                        or original(source, code, **kw))
    result = _build(bundle, run, providers=["RAA"], force=False)
    assert result.skipped == ["RAA"] and built_models == []  # nothing to do at all
    (run / "providers" / "RAA" / "RAA-opportunity-pack.pdf").unlink()
    result = _build(bundle, run, providers=["RAA"])
    assert result.built == ["RAA"] and built_models == []  # the worker builds its own model
    (run / "national" / "national-summary.xlsx").unlink()
    _build(bundle, run, providers=["RAA"])
    assert sorted(built_models) == CODES  # national totals need every provider's model
    assert (run / "national" / "national-summary.xlsx").is_file()


def test_in_process_rendering_loads_the_hrg_rows_of_its_providers_only(bundle, tmp_path,
                                                                        monkeypatch):
    """The parent loads no HRG rows for the national totals; it loads the drill-down rows of
    the packs it renders itself (a pool's workers load their own)."""
    calls = []
    original = run_build_module.load_drill_rows

    def spy(con, providers=None, defs=None):
        calls.append(None if providers is None else sorted(providers))
        return original(con, providers, defs)

    monkeypatch.setattr(run_build_module, "load_drill_rows", spy)
    _build(bundle, tmp_path / "run", providers=["RAA"])
    assert calls == [["RAA"]]


def test_build_refuses_an_unknown_peer_list_code(bundle, tmp_path):
    """Checked in the engine for every command, not only `packgen compute`."""
    params = RunParameters(min_peers=2, peer_mode="list", peer_list=("RAA", "RXX"))
    with pytest.raises(PackgenError, match="--peer-list names providers not in the bundle: RXX"):
        _build(bundle, tmp_path / "run", params=params)


def test_a_pack_only_parameter_keeps_the_computed_store(bundle, tmp_path):
    """check-plans --requirement 3 changes what packs say, not what the engine computed."""
    db = tmp_path / "store.duckdb"
    assert not ensure_store(bundle, db, PARAMS).reused
    assert ensure_store(bundle, db, dataclasses.replace(PARAMS, requirement_rate=0.03)).reused
    assert not ensure_store(bundle, db, dataclasses.replace(PARAMS, min_peers=3)).reused


def test_previous_run_gives_the_movement_and_previous_figures(bundle, tmp_path):
    """Issue 16: the same data built twice, the second with --previous the first: every row's
    previous_opportunity_gbp equals its opportunity_gbp, every movement is 0 and like for like;
    other parameters make it 'not like for like'."""
    first, second = tmp_path / "first", tmp_path / "second"
    _build(bundle, first)
    _build(bundle, second, previous_run=first)
    with open(second / "national" / "results.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["previous_opportunity_gbp"] != "" for r in rows
                        if r["assessed"] == "true")
    # a row not assessed has no figure in either run
    assert all(r["previous_opportunity_gbp"] == r["opportunity_gbp"] == "" if r["assessed"] ==
               "false" else float(r["previous_opportunity_gbp"]) == float(r["opportunity_gbp"])
               for r in rows)
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["previous_run"] == str(first.resolve()) and manifest["method_version"]
    con = open_store(second / "packgen.duckdb")
    try:
        source = load_source(con, PARAMS)
    finally:
        con.close()
    source = dataclasses.replace(source, previous=read_previous(first, PARAMS.as_dict()))
    pack = build_pack(source, "RAA")
    assert pack.movement.like_for_like and pack.movement.note == ""
    assert pack.movement.rows and all(r.change_gbp == 0 for r in pack.movement.rows)
    assert pack.movement.sentence.startswith(
        f"Since {pack.movement.previous_label} the identified opportunity did not change, from "
        f"£{pack.total_opportunity_gbp:,.0f} to £{pack.total_opportunity_gbp:,.0f}")
    other = read_previous(first, RunParameters(min_peers=3).as_dict())
    assert not other.like_for_like and "min_peers" in other.note


def test_formats_option_writes_only_the_formats_asked_for(bundle, tmp_path):
    run = tmp_path / "run"
    _build(bundle, run, formats=("xlsx",))
    folder = run / "providers" / "RAA"
    assert sorted(p.suffix for p in folder.iterdir()) == [".xlsx"]
