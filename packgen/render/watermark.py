"""The SYNTHETIC / MIXED DATA watermark as glyph outlines, not text.

A watermark set as text sits in the PDF's text layer: its letters are scattered through every
page's copied text and read out by screen readers ("Total, every category added (upper T H
Medicines..."). Drawn as an SVG path from the shipped bold face it looks the same and leaves
the text layer alone (the mark is also said once in words, in the banner at the top of page 1
and in every page's running header).
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

LETTER_SPACING = 0.1  # em, as the CSS of the text watermark had


@lru_cache(maxsize=4)
def watermark_svg(text: str) -> Markup:
    """`text` as one filled path, in an SVG scaled by its container (CSS sets the size)."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont

    from packgen.render import fonts

    font = TTFont(fonts.FONTS_DIR / "PackgenSans-Bold.ttf", lazy=True)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    per_em, ascent = font["head"].unitsPerEm, font["hhea"].ascent
    descent = -font["hhea"].descent
    pen = SVGPathPen(glyphs)
    x = 0.0
    for ch in text:
        name = cmap.get(ord(ch), ".notdef")
        # font units have y up; SVG has y down: flip about the baseline
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, ascent)))
        x += glyphs[name].width + LETTER_SPACING * per_em
    width, height = x - LETTER_SPACING * per_em, ascent + descent
    return Markup(f'<svg class="watermark-svg" xmlns="http://www.w3.org/2000/svg" '
                  f'viewBox="0 0 {width:.0f} {height:.0f}" aria-hidden="true" focusable="false">'
                  f'<path fill="#8A1538" fill-opacity="0.07" d="{pen.getCommands()}"/></svg>')
