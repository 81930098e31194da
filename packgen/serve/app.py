"""The explorer's web application: stable URLs, server-rendered pages, a CSV file of every table,
and the guards of a local read-only server.

    /                                           national overview       (/providers.csv)
    /providers/<ODS>                            provider summary        (/providers/<ODS>.csv)
    /providers/<ODS>/peers                      the peers used, ranks   (.../peers.csv)
    /providers/<ODS>/pack.pdf (.xlsx, .html)    the provider's packs from the run folder
    /providers/<ODS>/<category>                 category, sub-units     (.../<category>.csv)
    /providers/<ODS>/<category>/<sub_unit>      next level down         (.../<sub_unit>.csv)

A sub-unit with a slash (an acute cell, EL/110) is written EL%2F110 in links; the decoded form
is accepted too. Every page takes ?peers=&peer_list=&percentile=&sort= (`query.py`).

Guards (`Guard`, outermost): only a Host of localhost or 127.0.0.1 (with any port) is served,
against DNS rebinding (400 otherwise); only GET and HEAD (405 otherwise); every response carries
a same-origin content security policy, `X-Content-Type-Options: nosniff`, no referrer and no
framing. Errors are pages: 404 for an unknown provider, category or sub-unit, 400 for a bad
parameter (with the reason), and a plain 500 page (the traceback goes to the log only).
"""

from __future__ import annotations

import logging
import re
import traceback

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from packgen import __version__
from packgen.render.html import environment
from packgen.resources import templates_dir
from packgen.serve import pages
from packgen.serve.charts import peer_chart_svg
from packgen.serve.csvfile import csv_text
from packgen.serve.explorer import Explorer
from packgen.serve.query import BadRequest

STATIC_DIR = templates_dir() / "serve" / "static"
FONTS_DIR = templates_dir() / "fonts"
ALLOWED_HOST = re.compile(r"^(localhost|127\.0\.0\.1)(:\d{1,5})?$", re.IGNORECASE)
METHODS = ("GET", "HEAD")
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")
PACK_MEDIA_TYPES = {
    "pdf": "application/pdf", "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
log = logging.getLogger("packgen.serve")


def _error_page(status: int, title: str, message: str) -> HTMLResponse:
    html = environment().get_template("serve/error.html.j2").render(
        status=status, title=title, message=message, version=__version__)
    return HTMLResponse(html, status_code=status)


class Guard:
    """Host allowlist, GET/HEAD only and security headers, for every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        hosts = [v.decode("latin-1") for k, v in scope["headers"] if k == b"host"]
        if len(hosts) != 1 or not ALLOWED_HOST.match(hosts[0]):
            response: Response = _error_page(
                400, "Bad request", "This explorer answers only requests for localhost or "
                "127.0.0.1 (the Host header names another server).")
        elif scope["method"] not in METHODS:
            response = _error_page(405, "Method not allowed",
                                   "The explorer is read-only: it answers GET and HEAD only.")
            response.headers["Allow"] = ", ".join(METHODS)
        else:
            await self.app(scope, receive, send_with_headers)
            return
        await response(scope, receive, send_with_headers)


def create_app(explorer: Explorer) -> Starlette:
    """The explorer's ASGI application over a loaded `Explorer`."""
    env = environment()

    def render(page: pages.Page, path: str) -> HTMLResponse:
        info = explorer.run_info(page.state.params)
        html = env.get_template(page.template).render(
            page=page, state=page.state, table=page.table, run=info, path=path,
            csv_link=_csv_path(path) + page.state.query(keep=True),
            params=page.state.params, defaults=explorer.defaults, version=__version__,
            peer_modes=PEER_MODE_LABELS, peer_chart=peer_chart_svg, **page.context)
        return HTMLResponse(html)

    def respond(request: Request, page_name: str, *args: str) -> Response:
        """The page, or its table as CSV when the last part of the path ends in .csv."""
        csv = page_name == "national" and request.url.path == "/providers.csv"
        if args and args[-1].endswith(".csv"):
            csv, args = True, (*args[:-1], args[-1].removesuffix(".csv"))
        page = pages.PAGES[page_name](explorer, *args, request.query_params.multi_items())
        if csv:
            name = SAFE_FILENAME.sub("_", page.csv_name)  # codes from data, in a header
            return Response(csv_text(page.table.csv_columns, page.table.rows),
                            media_type="text/csv; charset=utf-8", headers={
                                "Content-Disposition": f'attachment; filename="{name}"'})
        return render(page, _page_path(page_name, *args))

    def national(request: Request) -> Response:
        return respond(request, "national")

    def provider(request: Request) -> Response:
        return respond(request, "provider", request.path_params["code"])

    def second_level(request: Request) -> Response:
        code, name = request.path_params["code"], request.path_params["name"]
        if name in ("peers", "peers.csv"):  # no category is called peers, nor pack
            return respond(request, "peers", code + name.removeprefix("peers"))
        if name.startswith("pack."):
            return pack_file(code, name.removeprefix("pack."))
        return respond(request, "category", code, name)

    def pack_file(code: str, fmt: str) -> Response:
        path = explorer.pack_files(code).get(fmt)
        if path is None:
            raise pages.NotFound(f"The run folder has no {fmt} pack of '{code}'.")
        # a download: the HTML pack's inline stylesheet is not for this site's policy
        return FileResponse(path, filename=path.name, content_disposition_type="attachment",
                            media_type=PACK_MEDIA_TYPES[fmt])

    def third_level(request: Request) -> Response:
        p = request.path_params
        return respond(request, "sub_unit", p["code"], p["category"], p["sub_unit"])

    def providers_index(request: Request) -> Response:
        return RedirectResponse("/" + (f"?{request.url.query}" if request.url.query else ""))

    routes = [
        Route("/", national),
        Route("/providers.csv", national),
        Route("/providers", providers_index),
        Route("/providers/{code}", provider),
        Route("/providers/{code}/{name}", second_level),
        Route("/providers/{code}/{category}/{sub_unit:path}", third_level),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        Mount("/fonts", StaticFiles(directory=FONTS_DIR), name="fonts"),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code != 404:
            return _error_page(exc.status_code, "Error", str(exc.detail))
        return _error_page(404, "Not found", "There is no such page in the explorer. The "
                           "national overview lists every provider.")

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("error serving %s:\n%s", request.url.path,
                  "".join(traceback.format_exception(exc)))
        return _error_page(500, "Server error", "The explorer could not show this page; the "
                           "server's log has the details.")

    async def bad_request(request: Request, exc: Exception) -> Response:
        return _error_page(400, "Bad request", str(exc))

    async def missing(request: Request, exc: Exception) -> Response:
        return _error_page(404, "Not found", str(exc))

    app = Starlette(routes=routes, exception_handlers={
        HTTPException: http_error, BadRequest: bad_request, pages.NotFound: missing,
        Exception: unexpected})
    app.state.explorer = explorer
    return Guard(app)


PEER_MODE_LABELS = {
    "sector": "Same sector (acute and specialist together)",
    "peer_group": "Same ERIC peer group",
    "region": "Same sector and region",
    "list": "A list of providers",
}


def _page_path(page_name: str, *args: str) -> str:
    """The page's own path, each part encoded as the pages' links are: the request's path is
    decoded, and a sub-unit such as EL/110 must stay one part (EL%2F110)."""
    if page_name == "national":
        return "/"
    code, *rest = args
    return pages.provider_link(code, *(["peers"] if page_name == "peers" else rest))


def _csv_path(path: str) -> str:
    return "/providers.csv" if path == "/" else path.rstrip("/") + ".csv"

