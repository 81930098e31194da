"""The PDF's typeface: "Packgen Sans", a small subset of DejaVu Sans shipped in templates/fonts.

Why not the system DejaVu Sans directly: WeasyPrint subsets every font it embeds, once per PDF, and
on machines without HarfBuzz-subset it does so with fontTools, which parses the whole 750 KB
DejaVu file (its GSUB/GPOS tables above all) each time. That was about 0.25 s of a 1 s pack. The
shipped subset holds only the Latin, punctuation and symbol glyphs packs use, with kerning kept
as a legacy `kern` table and no hinting, so the per-PDF subset is a few milliseconds. Characters
outside it (a provider name in another script) still print: the stylesheets fall back to the
system DejaVu Sans.

The files are generated, not drawn: `python -m packgen.render.fonts` rebuilds them from the
system's DejaVu Sans (Debian's fonts-dejavu-core). DejaVu's licences (Bitstream Vera, and Arev
for some glyphs) allow modified copies provided they are renamed, hence the family name;
templates/fonts/LICENSE.txt carries them in full.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from packgen.resources import templates_dir

FAMILY = "Packgen Sans"
FONTS_DIR = templates_dir() / "fonts"
FONT_CSS = FONTS_DIR / "fonts.css"

# (file stem, DejaVu style looked up with fc-match, CSS weight, CSS style)
FACES = (
    ("PackgenSans", "DejaVu Sans:style=Book", "normal", "normal"),
    ("PackgenSans-Bold", "DejaVu Sans:style=Bold", "bold", "normal"),
    ("PackgenSans-Oblique", "DejaVu Sans:style=Oblique", "normal", "italic"),
)

# Basic Latin, Latin-1 and Latin Extended-A (Welsh, Irish and most European names), general
# punctuation (dashes, curly quotes, ellipsis, bullet), euro, trade mark, arrows, minus, <= and
# >=, and the geometric shapes used as chart legend keys.
UNICODE_RANGES = (
    (0x0020, 0x007E), (0x00A0, 0x017F), (0x2010, 0x2027), (0x2030, 0x203A), (0x20AC, 0x20AC),
    (0x2122, 0x2122), (0x2190, 0x2193), (0x2212, 0x2212), (0x2264, 0x2265), (0x25A0, 0x25CF),
)


def codepoints() -> list[int]:
    return [c for first, last in UNICODE_RANGES for c in range(first, last + 1)]


def build(source_for: dict[str, Path] | None = None, out_dir: Path = FONTS_DIR) -> list[Path]:
    """Write the subset faces into `out_dir`; `source_for` maps a face's stem to its DejaVu file."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, pattern, weight, style in FACES:
        source = (source_for or {}).get(stem) or _fc_match(pattern)
        options = subset.Options(hinting=False, legacy_kern=True, name_IDs=["*"],
                                 notdef_outline=True, glyph_names=False)
        options.layout_features = []  # GSUB/GPOS are dropped below; kerning stays in `kern`
        options.drop_tables += ["GPOS", "GSUB", "GDEF", "MATH", "FFTM"]
        font = TTFont(source)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints())
        subsetter.subset(font)
        _rename(font, weight, style)
        target = out_dir / f"{stem}.ttf"
        font.save(target)
        written.append(target)
    return written


def _rename(font, weight: str, style: str) -> None:
    """Give the subset its own name (the licence's condition for modified copies)."""
    subfamily = {("normal", "normal"): "Book", ("bold", "normal"): "Bold",
                 ("normal", "italic"): "Oblique"}[(weight, style)]
    postscript = FAMILY.replace(" ", "") + ("" if subfamily == "Book" else f"-{subfamily}")
    names = {1: FAMILY, 2: subfamily, 3: f"{postscript} (subset of DejaVu Sans)",
             4: f"{FAMILY} {subfamily}".replace(" Book", ""), 6: postscript,
             16: FAMILY, 17: subfamily}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            record.string = names[record.nameID]


def _fc_match(pattern: str) -> Path:
    result = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True,
                            text=True, check=True)
    path = Path(result.stdout.strip())
    if "DejaVuSans" not in path.name:
        raise SystemExit(f"fc-match found {path} for {pattern!r}; install fonts-dejavu-core")
    return path


if __name__ == "__main__":
    for written_path in build():
        print(written_path, file=sys.stderr)
