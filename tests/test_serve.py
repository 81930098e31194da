"""`packgen serve`: the explorer's figures, pages, CSV files and guards, in process (Starlette's
test client); the browser tests are in test_serve_browser.py.

The figures must be the engine's: for the run's own parameters those of the store (the packs'
results.csv), and for other peers and percentiles exactly what `engine.compute` writes for the
same parameters over the whole bundle (the explorer runs the engine's SQL on one peer set only).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from packgen.cli import cli
from packgen.engine import RunParameters, compute
from packgen.engine.summary import CSV_COLUMNS, UNASSESSED_BLANK
from packgen.serve import csvfile, pages, query
from packgen.serve.app import create_app
from packgen.serve.explorer import LRU, Explorer, copy_into_memory, run_parameters

BASE = "http://127.0.0.1:8000"
# a provider of each sector of the generated bundle (seed 5): acute, community, mental health,
# specialist, ambulance
SAMPLE = ("ZA1", "ZC1", "ZM1", "ZS1", "ZV1")
OTHER_PARAMETERS = {
    "percentile=50": RunParameters(performance_percentile=0.5),
    "peers=region&percentile=80": RunParameters(peer_mode="region",
                                                performance_percentile=0.8),
    "peers=peer_group": RunParameters(peer_mode="peer_group"),
    "peers=list&peer_list=ZA2,ZA3,ZA4,ZA5,ZA6,ZA7,ZA8&percentile=62.5": RunParameters(
        peer_mode="list", peer_list=("ZA2", "ZA3", "ZA4", "ZA5", "ZA6", "ZA7", "ZA8"),
        performance_percentile=0.625),
}


@pytest.fixture(scope="module")
def store(computed_national, tmp_path_factory) -> Path:
    """The session's computed store, recording its parameters as `packgen build` does (so the
    explorer shows its figures as they are rather than computing them again)."""
    path = tmp_path_factory.mktemp("serve") / "packgen.duckdb"
    shutil.copyfile(computed_national[0] / "packgen.duckdb", path)
    con = duckdb.connect(str(path))
    con.execute("create table run_state (key varchar, value varchar)")
    con.execute("insert into run_state values ('parameters', ?)",
                [json.dumps(RunParameters().as_dict(), sort_keys=True, default=str)])
    con.close()
    return path


@pytest.fixture(scope="module")
def explorer(store) -> Explorer:
    explorer = Explorer(store)
    yield explorer
    explorer.close()


@pytest.fixture(scope="module")
def client(explorer) -> TestClient:
    return TestClient(create_app(explorer), base_url=BASE)


@pytest.fixture(scope="module")
def engine_runs(store):
    """The engine's own result rows, HRG rows and ZA1's peer set members for each parameter
    set, over the whole bundle (a full `compute` on a copy of the store)."""
    runs = {}
    for name, params in {"": RunParameters(), **OTHER_PARAMETERS}.items():
        con = copy_into_memory(store)
        compute(con, params)
        members = {c for (c,) in con.execute(
            "select provider_code from engine_peer_members where peer_set = (select peer_set "
            "from engine_peer_sets where provider_code = 'ZA1')").fetchall()}
        runs[name] = (con.sql("select * from result_rows").pl(),
                      con.sql("select * from acute_hrg_rows").pl(), members)
        con.close()
    return runs


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def get(client: TestClient, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:2000])
    return response


def error_message(response) -> str:
    match = re.search(r'id="error-message">(.*?)</p>', response.text, re.S)
    assert match, response.text
    return html.unescape(match.group(1))


def same_value(ours: str, theirs: object) -> bool:
    """A CSV cell of the explorer against the engine's value (floats to 1e-9 relative)."""
    if theirs is None or (isinstance(theirs, float) and math.isnan(theirs)):
        return ours == ""
    if isinstance(theirs, bool):
        return ours == ("true" if theirs else "false")
    if isinstance(theirs, float):
        return math.isclose(float(ours), theirs, rel_tol=1e-9, abs_tol=1e-9)
    return ours == csvfile.cell(theirs)


# -- figures ----------------------------------------------------------------------------------

def test_default_figures_are_the_stores_to_the_penny(client, store):
    """Every provider's rows of every category, as the store (and so results.csv) has them."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        stored = con.sql("select provider_code, category, count(*) as n, "
                         "sum(opportunity_gbp) filter (where in_total) as gbp "
                         "from result_rows group by all").pl()
    finally:
        con.close()
    national = {r["provider_code"]: r for r in read_csv(get(client, "/providers.csv").text)}
    totals = stored.group_by("provider_code").agg(pl.col("gbp").sum())
    for code, gbp in totals.iter_rows():
        assert float(national[code]["opportunity_gbp"]) == round(gbp, 2), code
    for code in SAMPLE:
        for category, n, gbp in stored.filter(pl.col("provider_code") == code).select(
                "category", "n", "gbp").iter_rows():
            rows = read_csv(get(client, f"/providers/{code}/{category}.csv").text)
            assert len(rows) == n
            counted = sum(round(float(r["opportunity_gbp"]) * 100) for r in rows
                          if r["in_total"] == "true" and r["assessed"] == "true")
            assert counted == round((gbp or 0) * 100), (code, category)


@pytest.mark.parametrize("query_string", list(OTHER_PARAMETERS))
def test_other_parameters_give_the_engines_rows_exactly(client, engine_runs, query_string):
    results, hrgs, _members = engine_runs[query_string]
    for code in SAMPLE:
        theirs = results.filter(pl.col("provider_code") == code)
        for category in theirs["category"].unique().to_list():
            ours = read_csv(get(client, f"/providers/{code}/{category}.csv?{query_string}").text)
            expected = theirs.filter(pl.col("category") == category)
            assert len(ours) == expected.height, (code, category)
            assert list(ours[0]) == list(CSV_COLUMNS)
            by_key = {(r["component"], r["sub_unit"]): r for r in expected.to_dicts()}
            for row in ours:
                engine_row = by_key[(row["component"], row["sub_unit"])]
                for column in CSV_COLUMNS:
                    # as in `compute --csv`: a row not assessed has blank money, not £0
                    theirs_value = (None if column in UNASSESSED_BLANK
                                    and not engine_row["assessed"] else engine_row[column])
                    assert same_value(row[column], theirs_value), (code, column, row)
    # an acute cell's HRGs: the engine's rows and pennies, adding up to the cell
    cells = results.filter((pl.col("provider_code") == "ZA1") & pl.col("assessed")
                           & (pl.col("component") == "cost_index")
                           & (pl.col("opportunity_gbp") > 0))
    cell = cells.sort("opportunity_gbp", descending=True).row(0, named=True)
    sub_unit = cell["sub_unit"].replace("/", "%2F")
    ours = read_csv(get(client, f"/providers/ZA1/acute_cost/{sub_unit}.csv?{query_string}").text)
    expected = hrgs.filter((pl.col("provider_code") == "ZA1")
                           & (pl.col("department_code") == cell["department_code"])
                           & (pl.col("service_code") == cell["service_code"]))
    assert len(ours) == expected.height > 0
    pennies = {r["currency_code"]: round(r["opportunity_gbp"] * 100) for r in expected.to_dicts()}
    assert {r["currency_code"]: round(float(r["opportunity_gbp"]) * 100) for r in ours} == pennies
    assert sum(pennies.values()) == round(cell["opportunity_gbp"] * 100)


def test_peer_change_lists_the_engines_peer_set(client, engine_runs):
    for query_string, (_results, _hrgs, expected) in engine_runs.items():
        rows = read_csv(get(client, f"/providers/ZA1/peers.csv?{query_string}").text)
        assert {r["provider_code"] for r in rows if r["member"] == "true"} == expected
        page = get(client, f"/providers/ZA1/peers?{query_string}").text
        assert f'id="peer-count">{len(expected)}<' in page


def test_the_pack_model_is_the_packs(explorer, computed_national):
    """With the run's parameters a provider's pack model is the one `packgen build` renders
    (apart from the drill-down's HRG rows, which the explorer lists itself)."""
    from packgen.pack.build import build_pack

    source = computed_national[1]
    for code in SAMPLE:
        ours = explorer.provider_view(explorer.defaults, code).pack
        theirs = build_pack(source, code, detail=False)
        assert ours.total_opportunity_gbp == theirs.total_opportunity_gbp
        assert [(s.id, s.opportunity_gbp, s.assessed, s.status_reason, s.rank, s.rank_of,
                 s.sentence) for s in ours.categories] == [
            (s.id, s.opportunity_gbp, s.assessed, s.status_reason, s.rank, s.rank_of,
             s.sentence) for s in theirs.categories]
        assert [s.chart for s in ours.categories] == [s.chart for s in theirs.categories]


def test_scopes_leave_no_schema_behind(explorer):
    explorer.provider_view(replace(explorer.defaults, performance_percentile=0.91), "ZC1")
    explorer.national_view(replace(explorer.defaults, performance_percentile=0.91))
    cell = next(r["sub_unit"] for r in explorer.provider_view(explorer.defaults, "ZA1").records
                if r["department_code"])
    explorer.drill_rows(replace(explorer.defaults, performance_percentile=0.91), "ZA1",
                        "acute_cost", cell)
    schemas = {s for (s,) in explorer.con.execute(
        "select schema_name from information_schema.schemata "
        "where catalog_name = current_database()").fetchall()}
    kept = set(explorer._peer_bases._items.values())  # the peer values of other peer rules
    assert schemas - kept == {"main"}


def test_concurrent_requests_get_their_own_figures(store):
    """Pages asked for at once, for different parameters, get what they get one at a time."""
    explorer = Explorer(store, cache_size=2)  # small: views are evicted and computed again
    try:
        client = TestClient(create_app(explorer), base_url=BASE)
        urls = [f"/providers/{code}/temporary_staffing.csv?percentile={p}"
                for code in ("ZA1", "ZC1", "ZM1") for p in (55, 65, 85)] * 2
        serial = {url: get(client, url).text for url in urls}
        with ThreadPoolExecutor(8) as pool:
            together = list(pool.map(lambda url: get(client, url).text, urls))
        assert together == [serial[url] for url in urls]
    finally:
        explorer.close()


def test_lru_keeps_the_most_recent_and_reports_evictions():
    evicted = []
    cache = LRU(2, on_evict=evicted.append)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert evicted == [2] and cache.get("b") is None and len(cache) == 2


def test_run_parameters_come_from_a_built_store(tmp_path, store):
    copy = tmp_path / "s.duckdb"
    shutil.copyfile(store, copy)
    con = duckdb.connect(str(copy))
    con.execute("drop table run_state")
    assert run_parameters(con) is None  # computed, but not by `packgen build`
    con.execute("create table run_state (key varchar, value varchar)")
    con.execute("insert into run_state values ('parameters', "
                "'{\"performance_percentile\": 0.8, \"peer_mode\": \"region\", "
                "\"peer_list\": [], \"unknown\": 1}')")
    assert run_parameters(con) == RunParameters(performance_percentile=0.8, peer_mode="region")
    con.execute("update bundle_meta set value = '0.0.1' where key = 'packgen_version'")
    assert run_parameters(con) is None  # another version's figures are computed again
    con.close()


# -- pages -----------------------------------------------------------------------------------

PAGES = ("/", "/providers/ZA1", "/providers/ZA1/acute_cost", "/providers/ZA1/acute_cost/all",
         "/providers/ZA1/peers", "/providers/ZC1/community_los",
         "/providers/ZV1/ambulance_handover", "/providers/ZM1/mh_los")


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_breadcrumbs_a_table_and_its_csv(client, url):
    page = get(client, url).text
    assert '<nav class="breadcrumbs"' in page and 'id="main-table"' in page
    assert "SYNTHETIC DATA" in page
    link = re.search(r'<p class="downloads"><a href="([^"]+)"', page).group(1)
    rows = read_csv(get(client, link.replace("&amp;", "&")).text)
    body = page.split('id="main-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert len(rows) == body.count("<tr") > 0


def test_sub_unit_urls_take_the_slash_encoded_or_not(client, explorer):
    cell = next(r for r in explorer.provider_view(explorer.defaults, "ZA1").rows.to_dicts()
                if r["department_code"] and r["assessed"])
    encoded = cell["sub_unit"].replace("/", "%2F")
    page = get(client, f"/providers/ZA1/acute_cost/{encoded}").text
    assert get(client, f"/providers/ZA1/acute_cost/{cell['sub_unit']}").text == page
    assert "HRGs of the cell" in page and cell["sub_unit_label"] in page
    category_page = get(client, "/providers/ZA1/acute_cost").text
    assert f'href="/providers/ZA1/acute_cost/{encoded}"' in category_page


def test_a_sub_units_csv_link_keeps_its_slash_encoded(client, explorer):
    """The request's path is decoded: on /providers/ZA1/acute_cost/EL%2F110 the CSV link must
    be EL%2F110.csv (one part, as the category page links it), never EL/110.csv; it downloads
    the cell's HRG rows, the page's table."""
    cell = next(r for r in explorer.provider_view(explorer.defaults, "ZA1").rows.to_dicts()
                if r["department_code"] and r["assessed"])
    assert "/" in cell["sub_unit"]  # an EL/110-style sub-unit
    encoded = cell["sub_unit"].replace("/", "%2F")
    for url in (f"/providers/ZA1/acute_cost/{encoded}", f"/providers/ZA1/acute_cost/"
                f"{cell['sub_unit']}"):
        page = get(client, url).text
        link = html.unescape(re.search(r'<p class="downloads"><a href="([^"]+)"', page).group(1))
        assert link.partition("?")[0] == f"/providers/ZA1/acute_cost/{encoded}.csv", url
        assert f'action="/providers/ZA1/acute_cost/{encoded}"' in page  # the parameters form
    rows = read_csv(get(client, link).text)
    expected = explorer.drill_rows(explorer.defaults, "ZA1", "acute_cost", cell["sub_unit"])
    assert len(rows) == expected.height > 0
    assert {(r["department_code"], r["service_code"]) for r in rows} == {
        (cell["department_code"], cell["service_code"])}
    assert sorted(r["currency_code"] for r in rows) == sorted(expected["currency_code"])
    page = get(client, f"/providers/ZA1/acute_cost/{encoded}?percentile=80").text
    assert f'href="/providers/ZA1/acute_cost/{encoded}.csv?percentile=80&amp;sort=' in page


def test_links_carry_the_parameters_and_sort_headers_the_rest(client):
    page = get(client, "/providers/ZA1/acute_cost?percentile=60&peers=region&sort=metric").text
    assert 'href="/providers/ZA1?peers=region&amp;percentile=60"' in page  # breadcrumb
    assert "/providers/ZA1/acute_cost/all?peers=region&amp;percentile=60" in page
    assert 'aria-sort="ascending"' in page
    assert 'href="?peers=region&amp;percentile=60&amp;sort=-metric"' in page
    assert "Changed from the run's parameters" in page


def test_sorting_orders_the_table_and_missing_values_last(client):
    rows = read_csv(get(client, "/providers.csv?sort=provider_name").text)
    names = [r["provider_name"].casefold() for r in rows]
    assert names == sorted(names)
    rows = read_csv(get(client, "/providers/ZA1/acute_cost.csv?sort=-metric").text)
    metrics = [float(r["metric"]) for r in rows if r["metric"]]
    assert metrics == sorted(metrics, reverse=True)
    assert all(r["metric"] == "" for r in rows[len(metrics):])


def test_national_filters(client, explorer):
    region = explorer.providers["ZA1"]["region_code"]
    rows = read_csv(get(client, f"/providers.csv?region={region}&sector=acute").text)
    expected = {c for c, p in explorer.providers.items()
                if p["region_code"] == region and p["sector"] == "acute"}
    assert {r["provider_code"] for r in rows} == expected
    page = get(client, f"/?region={region}").text
    assert f'<option value="{region}" selected>' in page
    assert "Unknown" not in page
    assert "no region" in error_message(get(client, "/?region=Y99", 400))


def test_charts_name_every_peer_and_mark_the_trust(client, explorer):
    page = get(client, "/providers/ZA1/acute_cost").text
    svg = page.split('<svg class="peer-chart"', 1)[1].split("</svg>", 1)[0]
    titles = re.findall(r"<rect class=\"bar (peer|provider)\"[^>]*><title>([^<]+)</title>", svg)
    section = next(s for s in explorer.provider_view(explorer.defaults, "ZA1").pack.categories
                   if s.id == "acute_cost")
    assert len(titles) == len(section.chart.peer_values)
    assert [kind for kind, _t in titles].count("provider") == 1
    assert all(re.search(r"\([A-Z0-9]+\): [\d,.]+, ranked \d+ of \d+", t) for _k, t in titles)
    assert 'class="provider-marker"' in svg and "This trust: " in svg
    assert ">Benchmark</text>" in svg and "<title>Benchmark: " in svg


def test_not_assessed_categories_say_why_never_pounds(tmp_path, store):
    """A provider whose estates return is missing: 'Not assessed' with the reason."""
    partial = tmp_path / "partial.duckdb"
    shutil.copyfile(store, partial)
    con = duckdb.connect(str(partial))
    con.execute("delete from estates where provider_code = 'ZA1'")
    for table in ("ambulance", "temporary_staffing", "corporate_services", "estates"):
        con.execute(f"delete from {table} where provider_code = 'ZV1'")  # nothing at all
    con.execute("update providers set sector = null where provider_code = 'ZC1'")
    con.execute("drop table run_state")  # the engine tables are stale: compute them again
    con.close()
    explorer = Explorer(partial)
    try:
        client = TestClient(create_app(explorer), base_url=BASE)
        rows = explorer.provider_view(explorer.defaults, "ZA1").rows
        estates = rows.filter(pl.col("category") == "estates_procurement")
        assert "no_data_supplied" in estates["reason_code"].to_list()
        page = get(client, "/providers/ZA1/estates_procurement").text
        figure = page.split('id="category-opportunity">', 1)[1].split("</p>", 1)[0]
        summary = get(client, "/providers/ZA1").text
        if not any(estates["assessed"].to_list()):
            assert figure == "Not assessed"
            assert "no data supplied" in page.split('id="not-assessed-reason">', 1)[1][:300]
            assert "Not assessed: no data supplied" in summary
            row = next(r for r in read_csv(get(client, "/providers/ZA1.csv").text)
                       if r["category"] == "estates_procurement")
            assert row["assessed"] == "false" and row["opportunity_gbp"] == ""
        assert "no data supplied" in page
        national = {r["provider_code"]: r for r in read_csv(get(client, "/providers.csv").text)}
        assert national["ZV1"]["opportunity_gbp"] == "" != national["ZV1"]["categories"]
        assert national["ZC1"]["opportunity_gbp"] == "" and national["ZC1"]["categories"] == "0"
        overview = get(client, "/?sort=provider_code").text
        assert "Not benchmarked: no sector" in overview and ">Not assessed</td>" in overview
        for code, note in (("ZV1", "no category could be assessed"),
                           ("ZC1", "not benchmarked: no sector")):
            summary = get(client, f"/providers/{code}").text
            assert 'id="total-opportunity">Not assessed</p>' in summary and note in summary
    finally:
        explorer.close()


def test_text_from_data_is_escaped_and_csv_cells_neutralised(tmp_path, store):
    hostile = tmp_path / "hostile.duckdb"
    shutil.copyfile(store, hostile)
    con = duckdb.connect(str(hostile))
    con.execute("update providers set provider_name = '<script>alert(1)</script> & \"Co\"' "
                "where provider_code = 'ZA1'")
    con.execute("update providers set provider_name = '=HYPERLINK(\"http://x\")' "
                "where provider_code = 'ZA2'")
    con.close()
    explorer = Explorer(hostile)
    try:
        client = TestClient(create_app(explorer), base_url=BASE)
        for url in ("/", "/providers/ZA1", "/providers/ZA1/acute_cost", "/providers/ZA2/peers"):
            page = get(client, url).text
            assert "<script>" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;" in page
        rows = {r["provider_code"]: r for r in read_csv(get(client, "/providers.csv").text)}
        assert rows["ZA2"]["provider_name"] == "'=HYPERLINK(\"http://x\")"
    finally:
        explorer.close()


def test_csv_cells():
    assert csvfile.cell("=1+2") == "'=1+2" and csvfile.cell("@SUM(A1)") == "'@SUM(A1)"
    assert csvfile.cell("+44") == "'+44" and csvfile.cell("-x") == "'-x"
    assert csvfile.cell(-0.5) == "-0.5" and csvfile.cell(True) == "true"
    assert csvfile.cell(None) == "" and csvfile.cell(float("nan")) == ""
    assert csvfile.csv_text(["a", "b"], [{"a": 1, "b": "x,y"}]) == 'a,b\n1,"x,y"\n'


# -- bad requests and guards ---------------------------------------------------------------------

@pytest.mark.parametrize(("url", "status", "words"), [
    ("/providers/NOPE", 404, "no provider 'NOPE'"),
    ("/providers/NOPE/acute_cost.csv", 404, "no provider"),
    ("/providers/ZA1/nope", 404, "no category 'nope'"),
    ("/providers/ZC1/acute_cost", 404, "not a category of"),
    ("/providers/ZA1/acute_cost/XX%2F999", 404, "no sub-unit 'XX/999'"),
    ("/no/such/page", 404, "no such page"),
    ("/providers/ZA1?percentile=100", 400, "from 50 up to"),
    ("/providers/ZA1?percentile=49.9", 400, "from 50 up to"),
    ("/providers/ZA1?percentile=nan", 400, "from 50 up to"),
    ("/providers/ZA1?percentile=1e2", 400, "from 50 up to"),
    ("/providers/ZA1?percentile=", 200, ""),
    ("/providers/ZA1?peers=bogus", 400, "Peers must be one of"),
    ("/providers/ZA1?peers=list", 400, "needs the ODS codes"),
    ("/providers/ZA1?peers=region&peer_list=ZA2", 400, "peer_list goes with peers list"),
    ("/providers/ZA1?peer_list=ZA2,NOPE9", 400, "not in this run: NOPE9"),
    ("/providers/ZA1?peer_list=ZA2;DROP", 400, "must be ODS codes"),
    ("/providers/ZA1?sort=bogus", 400, "cannot be sorted by 'bogus'"),
    ("/providers/ZA1?foo=1", 400, "Unknown parameter 'foo'"),
    ("/providers/ZA1?percentile=60&percentile=70", 400, "given twice"),
    ("/?region=<b>x</b>", 400, "no region '<b>x</b>'"),
])
def test_bad_requests_are_pages_with_a_message(client, url, status, words):
    response = get(client, url, status)
    if status != 200:
        assert words in error_message(response)
        assert response.headers["content-type"].startswith("text/html")
        assert "<b>" not in response.text  # the query is shown as text


def test_host_allowlist_methods_and_headers(client):
    for host in ("localhost", "localhost:8000", "127.0.0.1:1234", "LOCALHOST"):
        assert client.get("/providers/ZA1", headers={"Host": host}).status_code == 200
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "[::1]:8000",
                 "localhost:8000@evil", ""):
        response = client.get("/", headers={"Host": host})
        assert response.status_code == 400, host
        assert "localhost or 127.0.0.1" in error_message(response)
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        response = client.request(method, "/providers/ZA1")
        assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"
    head = client.head("/providers/ZA1")
    assert head.status_code == 200 and head.content == b""
    for url in ("/", "/providers/NOPE", "/providers/ZA1?percentile=5", "/static/serve.css",
                "/providers.csv"):
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/serve.css").headers["content-type"].startswith("text/css")


def test_an_unexpected_error_is_a_plain_500_page(explorer, monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("secret detail")

    monkeypatch.setitem(pages.PAGES, "provider", broken)
    client = TestClient(create_app(explorer), base_url=BASE, raise_server_exceptions=False)
    response = client.get("/providers/ZA1")
    assert response.status_code == 500 and "secret detail" not in response.text
    assert "could not show this page" in error_message(response)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "secret detail" in caplog.text  # in the server's log


def test_csv_file_names_are_plain(client):
    response = get(client, "/providers/ZA1/acute_cost/all.csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="ZA1-acute_cost-all.csv"')


def test_query_parsing_keeps_the_runs_fraction_and_given_order():
    defaults = RunParameters(performance_percentile=0.57)
    state = query.parse([], defaults, {"ZA1"}, ["x"], "-x")
    assert state.params == defaults and state.query() == "" and state.sort.descending
    state = query.parse([("percentile", "57"), ("peers", "list"), ("peer_list", "za1")],
                        defaults, {"ZA1"}, ["x"], "x")
    assert state.params.peer_list == ("ZA1",) and state.params.performance_percentile == 0.57
    assert state.query() == "?peers=list&peer_list=ZA1&percentile=57"
    assert state.query(keep=True, sort="-x").endswith("&sort=-x")


@pytest.mark.slow  # starts a Python process
def test_the_explorer_needs_no_command_line():
    """The explorer checks its run parameters with the library's function: importing it loads
    neither click nor packgen.cli (a library does not depend on its command line)."""
    code = ("import sys, packgen.serve.app; "
            "print(sorted(m for m in sys.modules if m == 'click' or m.startswith('packgen.cli')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


# -- command line -------------------------------------------------------------------------------

def test_serve_without_a_store_is_an_expected_error(tmp_path):
    result = CliRunner().invoke(cli, ["serve", str(tmp_path)])
    assert result.exit_code == 1
    assert "no packgen store" in result.stderr and "Hint:" in result.stderr
