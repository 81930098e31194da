"""The PDFs' shipped typeface ("Packgen Sans", a DejaVu Sans subset): it holds every character
packgen itself writes, so packs embed only its small faces (fast to subset per PDF), and text
outside it (a provider name in another script) still prints through the DejaVu Sans fallback."""

from __future__ import annotations

import dataclasses
import re
import zlib

import lxml.html
import pytest
from fontTools.ttLib import TTFont

from packgen.categories.definition import load_definitions
from packgen.render import fonts
from packgen.render.html import render_html
from packgen.render.pdf import render_pdf_bytes
from tests.sample_pack import sample_pack
from tests.test_render_pdf import edge_pack


def _embedded_fonts(pdf: bytes) -> set[str]:
    """BaseFont names of the fonts embedded in a PDF, without the subset tag (ABCDEF+)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return {name.decode() for chunk in chunks
            for name in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)", chunk)}


def _visible_text(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).itertext())


@pytest.mark.parametrize("stem", [face[0] for face in fonts.FACES])
def test_shipped_faces_are_renamed_subsets(stem):
    font = TTFont(fonts.FONTS_DIR / f"{stem}.ttf")
    assert font["name"].getDebugName(1) == fonts.FAMILY  # the licence's renaming condition
    assert "GPOS" not in font and "GSUB" not in font and "kern" in font  # kerning kept
    missing = set(fonts.codepoints()) - set(font.getBestCmap())
    assert not missing, [hex(c) for c in sorted(missing)][:10]


def test_every_character_packgen_writes_is_in_the_shipped_font():
    """Templates, category wording and rendered packs: nothing packgen writes falls back."""
    text = [_visible_text(render_html(sample_pack())), _visible_text(render_html(edge_pack()))]
    for definition in load_definitions():
        text.append(" ".join(str(v) for v in vars(definition).values() if isinstance(v, str)))
    written = {ord(ch) for chunk in text for ch in chunk if not ch.isspace()}
    covered = set(TTFont(fonts.FONTS_DIR / "PackgenSans.ttf").getBestCmap())
    assert written - covered == set(), "".join(chr(c) for c in sorted(written - covered))


def test_pdf_embeds_only_the_shipped_faces():
    assert _embedded_fonts(render_pdf_bytes(sample_pack())) <= {
        "Packgen-Sans", "Packgen-Sans-Bold", "Packgen-Sans-Oblique"}


def test_text_outside_the_subset_falls_back_to_dejavu():
    pack = sample_pack()
    greek = dataclasses.replace(pack.provider, name="Νοσοκομείο Αθηνών NHS Trust")
    embedded = _embedded_fonts(render_pdf_bytes(dataclasses.replace(pack, provider=greek)))
    assert "Packgen-Sans" in embedded
    assert any(name.startswith("DejaVu-Sans") for name in embedded)
