"""`packgen serve` in a real browser: Debian's Chromium, headless, driven by Playwright.

A small generated bundle is built (`packgen build --provider ZA1`: ZA1's packs, the national
results.csv), one provider is renamed to a `<script>`, and `packgen serve RUN` runs in a
subprocess on a free port. The tests click through the pages as a planner would, with and
without JavaScript, check the figures against the static pack and `packgen compute`, and scan
the pages with axe-core (vendored in tests/vendor/axe-core).

No browser is downloaded: Playwright launches /usr/bin/chromium, which .ci/run installs. Without
it these tests fail under CI (CI set) and are skipped elsewhere.
"""

from __future__ import annotations

import csv
import io
import math
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from benchmarks import serve_bench
from benchmarks.serve_bench import serving
from packgen.cli import cli
from packgen.render.formatting import gbp_full

pytestmark = pytest.mark.slow

CHROMIUM = Path(serve_bench.CHROMIUM)
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
HOSTILE = "ZC1"
HOSTILE_NAME = '<script>window.__injected = 1</script> & "Co" Trust'


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def invoke(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, Path]:
    """(bundle, run folder): a small generated bundle and its run, built for ZA1."""
    _chromium_or_skip()
    work = tmp_path_factory.mktemp("serve-run")
    data, run_dir = work / "data", work / "run"
    invoke("generate-data", data, "--seed", 5, "--scale", 0.05)
    invoke("build", data, "--out", run_dir, "--workers", 1, "-q", "--provider", "ZA1")
    # a hostile name from a real file must show as text (names are not in any figure)
    con = duckdb.connect(str(run_dir / "packgen.duckdb"))
    con.execute("update providers set provider_name = ? where provider_code = ?",
                [HOSTILE_NAME, HOSTILE])
    con.close()
    return data, run_dir


@pytest.fixture(scope="module")
def server(run) -> str:
    """`packgen serve RUN` in a subprocess on a free port; its base URL."""
    with serving(run[1]) as (port, _seconds, _pid):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=serve_bench.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server)
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # a refused inline style or script (the content security policy) is a console error
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.dialogs, page.console_errors = dialogs, errors
    yield page
    context.close()


def table_rows(page) -> int:
    return page.locator("#main-table tbody tr").count()


def download_rows(page) -> list[dict]:
    """The rows of the page's CSV link, fetched as the browser would."""
    href = page.locator(".downloads a").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text())))


def results_csv(run_dir: Path) -> list[dict]:
    with open(run_dir / "national" / "results.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def same(ours: str, theirs: str) -> bool:
    """Two CSV cells: numbers equal to 1e-9 (relative), anything else as text."""
    try:
        return math.isclose(float(ours), float(theirs), rel_tol=1e-9, abs_tol=1e-9)
    except ValueError:
        return ours == theirs


def pennies(rows, **match) -> int:
    return sum(round(float(r["opportunity_gbp"]) * 100) for r in rows
               if r["in_total"] == "true" and r["assessed"] == "true"
               and all(r[k] == v for k, v in match.items()))


def test_provider_category_and_hrg_pages_render_with_name_and_table(page):
    page.goto("/providers/ZA1")
    name = page.locator("h1").inner_text()
    assert "ZA1" in name and table_rows(page) > 0
    page.get_by_role("link", name="Acute cost by point of delivery").first.click()
    assert page.url.endswith("/providers/ZA1/acute_cost")
    assert table_rows(page) > 10 and name.split(" ZA1")[0] in page.locator(".subtitle").inner_text()
    page.locator("#main-table tbody a[href*='%2F']").first.click()
    assert "%2F" in page.url and page.locator("h2", has_text="HRGs of the cell").count() == 1
    assert table_rows(page) > 0 and name.split(" ZA1")[0] in page.content()
    assert page.console_errors == []


def test_drill_down_and_back_keeps_sort_and_parameters(page):
    page.goto("/providers/ZA1/acute_cost?percentile=60")
    page.get_by_role("link", name="This trust").click()  # by the cell index, largest first
    assert "sort=-metric" in page.url and "percentile=60" in page.url
    first = page.locator("#main-table tbody tr").first.inner_text()
    url = page.url
    page.locator("#main-table tbody a").first.click()
    assert "percentile=60" in page.url and page.locator("#main-table").count() == 1
    breadcrumb = page.locator(".breadcrumbs a", has_text="Acute cost")
    assert "percentile=60" in breadcrumb.get_attribute("href")
    page.go_back()
    assert page.url == url
    assert page.locator("#main-table tbody tr").first.inner_text() == first
    assert page.locator("th[aria-sort='descending']").inner_text().startswith("This trust")


def test_peer_change_lists_the_engines_peers(page, run):
    page.goto("/providers/ZA1/peers")
    before = int(page.locator("#peer-count").inner_text())
    page.select_option("#peers", "region")
    page.get_by_role("button", name="Apply").click()
    assert "peers=region" in page.url
    con = duckdb.connect(str(run[1] / "packgen.duckdb"), read_only=True)
    providers = dict(con.execute("select provider_code, provider_name from providers").fetchall())
    region, group = con.execute("select p.region_code, s.benchmark_group from providers p join "
                                "ref_sectors s using (sector) where provider_code = 'ZA1'"
                                ).fetchone()
    expected = {c for (c,) in con.execute(
        "select provider_code from providers p join ref_sectors s using (sector) "
        "where p.region_code = ? and s.benchmark_group = ?", [region, group]).fetchall()}
    con.close()
    assert int(page.locator("#peer-count").inner_text()) == len(expected) < before
    names = set(page.locator("#main-table tbody td:first-child a").all_inner_texts())
    assert names == {providers[c] for c in expected}


def test_percentile_change_equals_packgen_compute(page, run, tmp_path):
    data, run_dir = run
    computed = tmp_path / "p50.csv"
    invoke("compute", data, "--db", tmp_path / "s.duckdb", "--csv", computed,
           "--percentile", 50)
    with open(computed, newline="", encoding="utf-8") as fh:
        theirs = [r for r in csv.DictReader(fh) if r["provider_code"] == "ZA1"]
    page.goto("/providers/ZA1/acute_cost")
    default_rows = download_rows(page)
    assert pennies(default_rows) == pennies(results_csv(run_dir), provider_code="ZA1",
                                            category="acute_cost")
    page.fill("#percentile", "50")
    page.get_by_role("button", name="Apply").click()
    assert "percentile=50" in page.url
    ours = download_rows(page)
    mine = [r for r in theirs if r["category"] == "acute_cost"]
    assert len(ours) == len(mine) == table_rows(page)
    by_key = {(r["component"], r["sub_unit"]): r for r in mine}
    for row in ours:  # every column; the last bits of a float may differ between two computes
        engine_row = by_key[(row["component"], row["sub_unit"])]
        assert list(row) == list(engine_row)
        for column, value in row.items():
            assert same(value, engine_row[column]), (column, row, engine_row)
    assert page.locator("#category-opportunity").inner_text() == gbp_full(
        pennies(mine) / 100)
    page.goto("/providers/ZA1?percentile=50")
    assert page.locator("#total-opportunity").inner_text() == gbp_full(pennies(theirs) / 100)


def test_csv_row_counts_equal_the_tables(page):
    for url in ("/", "/?sector=acute", "/providers/ZA1", "/providers/ZA1/acute_cost",
                "/providers/ZA1/acute_cost/all", "/providers/ZA1/peers?peers=peer_group",
                "/providers/ZM1/mh_los?percentile=90"):
        page.goto(url)
        assert len(download_rows(page)) == table_rows(page) > 0, url


def test_default_figures_equal_the_static_pack(page, run):
    rows = results_csv(run[1])
    page.goto("/providers/ZA1")
    for category in sorted({r["category"] for r in rows if r["provider_code"] == "ZA1"}):
        link = page.locator(f"#main-table a[href^='/providers/ZA1/{category}']")
        cell = link.locator("xpath=ancestor::tr/td[2]").inner_text()
        assert cell == gbp_full(pennies(rows, provider_code="ZA1", category=category) / 100)
    static = (run[1] / "providers" / "ZA1" / "ZA1-opportunity-pack.html").read_text("utf-8")
    total = page.locator("#total-opportunity").inner_text()
    assert total == gbp_full(pennies(rows, provider_code="ZA1") / 100)
    assert f"{total} a year" in static  # the pack's summary gives the same total
    page.goto("/")
    national = {r["provider_code"]: round(float(r["opportunity_gbp"]) * 100)
                for r in download_rows(page)}
    expected = dict.fromkeys(national, 0)
    for r in rows:
        if r["in_total"] == "true" and r["assessed"] == "true":
            expected[r["provider_code"]] += round(float(r["opportunity_gbp"]) * 100)
    assert national == expected


def test_the_runs_packs_are_offered_for_download(page, run):
    page.goto("/providers/ZA1")
    links = page.locator("#pack-links a")
    assert links.all_inner_texts() == ["PDF", "Excel", "HTML"]
    response = page.request.get(links.first.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.body() == (run[1] / "providers" / "ZA1" / "ZA1-opportunity-pack.pdf"
                               ).read_bytes()
    page.goto("/providers/ZA2")  # built for ZA1 only
    assert page.locator("#pack-links").count() == 0
    assert page.request.get("/providers/ZA2/pack.pdf").status == 404
    assert page.request.get("/providers/ZA1/pack.exe").status == 404


def test_works_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        page.select_option("#filter-sector", "community")
        page.get_by_role("button", name="Filter").click()
        assert "sector=community" in page.url
        assert set(page.locator("#main-table tbody td:nth-child(3)").all_inner_texts()) == {
            "Community"}
        page.locator("#main-table tbody a").first.click()
        page.fill("#percentile", "80")
        page.get_by_role("button", name="Apply").click()
        assert "percentile=80" in page.url and table_rows(page) > 0
        page.locator("#main-table tbody a").first.click()
        assert "percentile=80" in page.url and table_rows(page) > 0
    finally:
        context.close()


def test_script_in_a_provider_name_is_shown_as_text(page):
    for url in (f"/providers/{HOSTILE}", "/?sector=community"):
        page.goto(url)
        assert page.evaluate("window.__injected") is None and not page.dialogs
    page.goto(f"/providers/{HOSTILE}")
    assert page.locator("h1").inner_text().startswith(HOSTILE_NAME)


def test_no_serious_accessibility_violations(browser, server):
    # bypass_csp: the explorer's policy rightly refuses the injected axe script
    context = browser.new_context(base_url=server, bypass_csp=True)
    page = context.new_page()
    try:
        for url in ("/", "/providers/ZA1", "/providers/ZA1/acute_cost",
                    "/providers/ZA1/acute_cost/all", "/providers/ZA1/peers",
                    "/providers/NOPE"):
            page.goto(url)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("async () => (await axe.run()).violations.map("
                                       "v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
                                       " help: v.help}))")
            serious = [v for v in violations if v["impact"] in ("serious", "critical")]
            assert not serious, (url, serious)
    finally:
        context.close()


def test_the_server_refuses_other_hosts_and_methods(server):
    request = urllib.request.Request(server + "/", headers={"Host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    request = urllib.request.Request(server + "/", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 405
    port = int(server.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"127.0.0.1"}


def listening_addresses(port: int) -> set[str]:
    """The addresses a TCP port listens on, from /proc/net/tcp and tcp6 (no traffic sent)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    if len(address) == 8:  # IPv4, little-endian
                        found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                    else:
                        found.add(f"IPv6 {address}")
    return found
