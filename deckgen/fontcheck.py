"""What LibreOffice will draw a deck with, asked of fontconfig before it draws: warnings for a
PDF or a preview that would not look like the deck.

- A theme font (Calibri, Cambria, Arial …) that is missing is drawn in its metric-compatible
  twin (Carlito, Caladea, Liberation Sans …), which breaks lines exactly where the font
  would, and which deckgen measures text with. Only when both are missing does the PDF show
  another font, with other line breaks: that is worth a warning.
- A character that no installed font has (an emoji without an emoji font, Chinese without a
  CJK font) is drawn as an empty box.

fontconfig (``fc-list``) knows both; where it is missing (no fontconfig), nothing is said.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
import zipfile
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Typeface (lower case) → its metric-compatible twin, and the Debian package that has it.
TWINS: dict[str, tuple[str, str]] = {
    "calibri": ("Carlito", "fonts-crosextra-carlito"),
    "cambria": ("Caladea", "fonts-crosextra-caladea"),
    "arial": ("Liberation Sans", "fonts-liberation2"),
    "helvetica": ("Liberation Sans", "fonts-liberation2"),
    "times new roman": ("Liberation Serif", "fonts-liberation2"),
    "times": ("Liberation Serif", "fonts-liberation2"),
    "courier new": ("Liberation Mono", "fonts-liberation2"),
    "courier": ("Liberation Mono", "fonts-liberation2"),
}

_TYPEFACE = re.compile(rb'<a:latin\b[^>]*?\btypeface="([^"+][^"]*)"')
_FONT_PARTS = re.compile(
    r"^ppt/(slides/slide\d+|slideLayouts/[^/]+|slideMasters/[^/]+|theme/[^/]+)\.xml$"
)
_SLIDE = re.compile(r"^ppt/slides/slide(\d+)\.xml$")
_TEXT = re.compile(rb"<a:t>([^<]*)</a:t>")


@dataclass(frozen=True)
class Fonts:
    families: frozenset[str]
    """Installed family names, lower case."""
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    """Code point ranges some installed font covers, merged and sorted."""

    def has_family(self, name: str) -> bool:
        return name.lower() in self.families

    def covers(self, cp: int) -> bool:
        i = bisect_right(self.starts, cp) - 1
        return i >= 0 and cp <= self.ends[i]


@cache
def installed() -> Fonts | None:
    """The fonts fontconfig knows (families and the characters they cover); None without
    ``fc-list``."""
    fc = shutil.which("fc-list")
    if fc is None:
        return None
    try:
        out = subprocess.run(
            [fc, "--format", "%{family}\t%{charset}\n"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    families: set[str] = set()
    ranges: list[tuple[int, int]] = []
    for line in out.splitlines():
        family, _, charset = line.partition("\t")
        families.update(f.strip().lower() for f in family.split(",") if f.strip())
        for part in charset.split():
            first, _, last = part.partition("-")
            try:
                ranges.append((int(first, 16), int(last or first, 16)))
            except ValueError:
                continue
    ranges.sort()
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return Fonts(frozenset(families), tuple(r[0] for r in merged), tuple(r[1] for r in merged))


def typefaces(deck: Path) -> list[str]:
    """The Latin typefaces a deck names (theme, masters, layouts, slides), in first-seen order."""
    seen: dict[str, None] = {}
    with zipfile.ZipFile(deck) as zf:
        for name in sorted(zf.namelist()):
            if _FONT_PARTS.match(name):
                for face in _TYPEFACE.findall(zf.read(name)):
                    seen.setdefault(html.unescape(face.decode("utf-8", "replace")).strip(), None)
    return [f for f in seen if f]


def font_warnings(deck: Path, fonts: Fonts | None = None) -> list[str]:
    """A warning for each typeface of ``deck`` that is missing together with its twin."""
    fonts = fonts or installed()
    if fonts is None:
        return []
    out = []
    for face in typefaces(deck):
        twin = TWINS.get(" ".join(face.lower().split()))
        if twin is None or fonts.has_family(face) or fonts.has_family(twin[0]):
            continue
        out.append(
            f"font {face} is not installed, nor its metric-compatible twin {twin[0]}: "
            "LibreOffice draws its text in another font, whose lines break elsewhere than "
            f"in the deck (install {twin[0]}: on Debian or Ubuntu, apt-get install {twin[1]})"
        )
    return out


def _needs_glyph(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat[0] in "CZ":  # controls, format characters (ZWJ), spaces, separators
        return False
    cp = ord(ch)
    return not (0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF)


def _package_for(cp: int) -> str:
    if 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF:
        return "fonts-noto-color-emoji"
    if 0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF or cp >= 0x20000:
        return "fonts-noto-cjk"
    return "fonts-noto-core"


def glyph_warnings(deck: Path, fonts: Fonts | None = None, *, limit: int = 8) -> list[str]:
    """One warning listing the characters on the deck's slides that no installed font has
    (they render as empty boxes), each with the first slide it is on."""
    fonts = fonts or installed()
    if fonts is None:
        return []
    first: dict[str, int] = {}
    with zipfile.ZipFile(deck) as zf:
        slides = sorted(
            ((int(m.group(1)), n) for n in zf.namelist() if (m := _SLIDE.match(n))),
        )
        order = _slide_order(zf)
        for number, name in slides:
            shown = order.get(name, number)
            for raw in _TEXT.findall(zf.read(name)):
                for ch in html.unescape(raw.decode("utf-8", "replace")):
                    if ch not in first and _needs_glyph(ch) and not fonts.covers(ord(ch)):
                        first[ch] = shown
    if not first:
        return []
    listed = sorted(first.items(), key=lambda kv: (kv[1], ord(kv[0])))
    shown_chars = ", ".join(f"{ch} (U+{ord(ch):04X}, slide {n})" for ch, n in listed[:limit])
    more = f" and {len(listed) - limit} more" if len(listed) > limit else ""
    packages = " ".join(sorted({_package_for(ord(ch)) for ch in first}))
    return [
        f"no installed font has {shown_chars}{more}: the render shows "
        f"{'it' if len(listed) == 1 else 'them'} as empty boxes "
        f"(on Debian or Ubuntu, apt-get install {packages})"
    ]


_SLD_ID = re.compile(rb'<p:sldId\b[^>]*\br:id="([^"]+)"')
_REL = re.compile(rb"<Relationship\b[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def _slide_order(zf: zipfile.ZipFile) -> dict[str, int]:
    """Slide part name → its 1-based position in the presentation."""
    try:
        pres = zf.read("ppt/presentation.xml")
        rels = zf.read("ppt/_rels/presentation.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for rel in _REL.findall(rels):
        attrs = dict(_ATTR.findall(rel))
        if b"Id" in attrs and b"Target" in attrs:
            target = attrs[b"Target"].decode().lstrip("/")
            targets[attrs[b"Id"]] = target if target.startswith("ppt/") else f"ppt/{target}"
    return {targets[rid]: i for i, rid in enumerate(_SLD_ID.findall(pres), 1) if rid in targets}
