"""Write a provider's pack as PDF (WeasyPrint) and as a self-contained HTML file.

Stylesheets (with the shipped "Packgen Sans" faces, see `packgen.render.fonts`) are parsed once
per process and reused for every document; parsing them per render would cost every one of the
~220 packs of a national run. Files are written to a temporary file in the
destination folder and moved into place with `os.replace`, so an interrupted run never leaves a
half-written pack under the final name. Garbage collection between packs is the caller's choice.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from packgen.fileio import write_bytes_atomically
from packgen.pack.model import Pack
from packgen.render.fonts import FONT_CSS
from packgen.render.html import STYLESHEET, TEMPLATES_DIR, render_html


@cache
def _font_config() -> FontConfiguration:
    """One font configuration per process: fonts are looked up once, not per pack."""
    return FontConfiguration()


@cache
def _stylesheets(path: Path) -> tuple[weasyprint.CSS, ...]:
    """The font faces, then the document's stylesheet, parsed once per process."""
    return tuple(weasyprint.CSS(filename=str(sheet), font_config=_font_config())
                 for sheet in (FONT_CSS, path))


def html_to_pdf(html: str, stylesheet: Path = STYLESHEET) -> bytes:
    """PDF bytes of an HTML document from templates/ styled by `stylesheet` (a templates file)."""
    document = weasyprint.HTML(string=html, base_url=str(TEMPLATES_DIR))
    return document.write_pdf(stylesheets=list(_stylesheets(stylesheet)),
                              font_config=_font_config())


def render_pdf_bytes(pack: Pack) -> bytes:
    """The pack as PDF bytes (A4 portrait)."""
    return html_to_pdf(render_html(pack, inline_css=False))


def write_pdf(pack: Pack, path: str | os.PathLike[str]) -> Path:
    """Write the pack's PDF to `path` atomically; returns the path written."""
    return write_bytes_atomically(Path(path), render_pdf_bytes(pack))


def write_html(pack: Pack, path: str | os.PathLike[str]) -> Path:
    """Write the pack as one self-contained HTML file (CSS inlined, charts inline SVG)."""
    return write_bytes_atomically(Path(path), render_html(pack, inline_css=True).encode("utf-8"))
