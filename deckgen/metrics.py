"""Measuring text and breaking it into lines, with shipped font metrics.

Why this exists: the file deckgen writes must show every word inside its box at the size
stored in the file, in PowerPoint and in LibreOffice, without either program's autofit. So
we lay out text ourselves, the way those renderers do, from the advance widths of the free
metric-compatible twins of the Office fonts (``deckgen/fonts/metrics.json.gz``, written by
``tools/extract_metrics.py``), and we stay on the safe side wherever renderers differ:

- line height is the largest of the font's hhea/typo/win line heights and 1.2 em (about
  what PowerPoint uses for single spacing), times the paragraph's line spacing; a line that
  needs a fallback font (CJK, emoji) is as tall as that font's line;
- every width is compared with the box width less :data:`WIDTH_MARGIN`;
- kerning and ligatures, which only make text narrower, are ignored;
- lines are broken at spaces, after hyphens and slashes, and between CJK characters; a word
  longer than a line is broken between characters, starting on a fresh line. Because
  renderers disagree about breaking after ``-`` and ``/``, a paragraph is laid out both with
  and without those opportunities and the taller layout wins.

Speed: a paragraph's character widths and break opportunities are worked out once (plain
text, the usual case, with two regexes instead of the per-character rules) and reused at
every size fit tries; layouts of paragraphs up to :data:`CACHED_CHARS` characters are
remembered, so repeated footers and rebuilds cost a look-up. The results are the same as
laying out from scratch (tests/test_metrics.py checks the shortcut against the rules).

Nothing here imports python-pptx, and the metrics load on first use only.
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
import zlib
from array import array
from binascii import a2b_base64
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import pairwise, repeat
from operator import mul
from typing import Any, NamedTuple

from deckgen.model import SLIDE_NUMBER, SLIDE_TOTAL

WIDTH_MARGIN = 0.03
"""Fraction of a box's width kept free, for renderer differences we do not model."""

MIN_LINE_FACTOR = 1.2
"""Single line spacing is at least this many ems (PowerPoint uses about 1.2 for most fonts)."""

CODE_FONT = "Courier New"
"""The font code spans are measured in (Liberation Mono metrics, 0.6 em per character):
at least as wide as Consolas, Menlo or Courier New, whichever the renderer uses."""

_EPS = 1e-6

TAB_WIDTH_PT = 72.0
"""A tab advances to the next stop; PowerPoint's default stops are one inch apart."""

UNKNOWN_FAMILY = "Unknown"
"""Per code point the widest of DejaVu Sans, DejaVu Serif and Liberation Sans: what
LibreOffice shows a font without a metric-compatible twin in, and wider than most such fonts
in PowerPoint (Segoe UI, Aptos, Calibri Light, Georgia …)."""

# Typeface names (lower case, single spaces) → (family in the shipped data, width scale).
# Only the fonts whose twins are metric-compatible are "known": LibreOffice substitutes
# those twins; everything else it shows in DejaVu (measured: even "Calibri Light").
ALIASES: dict[str, tuple[str, float]] = {
    "calibri": ("Carlito", 1.0),
    "carlito": ("Carlito", 1.0),
    "cambria": ("Caladea", 1.0),
    "caladea": ("Caladea", 1.0),
    "arial": ("Liberation Sans", 1.0),
    "helvetica": ("Liberation Sans", 1.0),
    "arimo": ("Liberation Sans", 1.0),
    "liberation sans": ("Liberation Sans", 1.0),
    "times new roman": ("Liberation Serif", 1.0),
    "times": ("Liberation Serif", 1.0),
    "tinos": ("Liberation Serif", 1.0),
    "liberation serif": ("Liberation Serif", 1.0),
    "courier new": ("Liberation Mono", 1.0),
    "courier": ("Liberation Mono", 1.0),
    "cousine": ("Liberation Mono", 1.0),
    "liberation mono": ("Liberation Mono", 1.0),
    # wider than DejaVu Sans in PowerPoint
    "verdana": (UNKNOWN_FAMILY, 1.05),
    "arial black": (UNKNOWN_FAMILY, 1.15),
}
MONO_WORDS = ("mono", "code", "consol", "courier", "menlo", "monaco", "typewriter")
"""An unknown name with one of these is a monospaced font: 0.6 em (DejaVu Sans Mono's
0.602 em, Consolas' 0.55 em), measured as Liberation Mono plus 1 %."""
UNKNOWN_LINE_FACTOR = 1.3
"""Single spacing for unknown fonts (Segoe UI's own is 1.33 em)."""

# CJK punctuation that may not start a line / may not end one (kinsoku); we simply do not
# break next to it, which can only add lines.
_NO_LINE_START = set(
    "、。，．,.：；？！)）]］}｝〕〉》」』】〙〗〟’”｠»ヽヾーァィゥェォッャュョヮヵヶ"
    "ぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻‐゠–〜～?!‼⁇⁈⁉・:;/"
)
_NO_LINE_END = set("([（［｛〔〈《「『【〘〖〝‘“｟«")
_HYPHENS = set("-\u2010\u2012\u2013\u2014")
_SOFT_AFTER = set("/\\|?!") | _HYPHENS  # where LibreOffice breaks inside a long URL
_SPACES = set(" \u00a0\u2002\u2003\u2009")  # nbsp does not allow a break, see _breaks
_FORCED = set("\n\v\u2028\u2029")
_ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff")


# --------------------------------------------------------------------------- font data


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    path = os.path.join(os.path.dirname(__file__), "fonts", "metrics.json.gz")
    with open(path, "rb") as fh:
        data: dict[str, Any] = json.loads(zlib.decompress(fh.read(), 16 + zlib.MAX_WBITS))
    return data


def _expand(segments: Iterable[Sequence[Any]]) -> dict[int, int]:
    """Code point -> width from ``[first, base64 of little-endian uint16s]`` segments
    (tools/extract_metrics.py packs them so a start parses strings, not numbers)."""
    out: dict[int, int] = {}
    for first, blob in segments:
        widths = array("H", a2b_base64(blob))
        if sys.byteorder == "big":  # pragma: no cover - the data is little-endian
            widths.byteswap()
        out.update(enumerate(widths, first))
    return out


@lru_cache(maxsize=1)
def _fallback() -> tuple[frozenset[int], float, float, float]:
    """(emoji code points, emoji em, emoji line, CJK line)."""
    d = _data()
    emoji: set[int] = set()
    for first, n in d["emoji"]["ranges"]:
        emoji.update(range(first, first + n))
    e = d["emoji"]
    return frozenset(emoji), e["width"] / 1000, float(e["line"]), float(d["cjk"]["line"])


@lru_cache(maxsize=1)
def _fallback_widths() -> dict[int, float]:
    """Widths in em of what no shipped face has (only a rare character needs them)."""
    return {cp: w / 1000 for cp, w in _expand(_data()["fallback"]["widths"]).items()}


class Face:
    """One family and style, possibly scaled; answers ``em(ch)`` and ``line(ch)``."""

    def __init__(self, family: str, style: str, scale: float, line_factor: float) -> None:
        raw = _data()["families"][family][style]
        upm = raw["upm"]
        self.family = family
        self.style = style
        self.scale = scale
        self.line_factor = max(line_factor, float(raw["line"]), MIN_LINE_FACTOR)
        self._upm = upm
        self._units = _expand(raw["widths"])  # code point -> advance in font units
        self._cache: dict[str, tuple[float, float]] = {}
        self._ems: dict[str, float] = {}
        self._lines: dict[str, float] = {}
        digit = self._em(ord("0"))
        self._number = 2 * (0.56 * scale if digit is None else digit)
        letters = [self._em(ord(c)) or 0.0 for c in "mw"]
        self._unknown = max([0.6 * scale, *letters])

    def _em(self, cp: int) -> float | None:
        """The advance of a code point the face has, in em (scaled); None if it has not."""
        units = self._units.get(cp)
        return None if units is None else units * self.scale / self._upm

    def metrics(self, ch: str) -> tuple[float, float]:
        """(advance in em, line height in em at single spacing) of one character."""
        hit = self._cache.get(ch)
        if hit is None:
            hit = self._cache[ch] = self._metrics(ch)
        return hit

    def measure(self, text: str) -> tuple[list[float], float | list[float]]:
        """Advances in em of each character of ``text``, and line heights in em at single
        spacing: one number if all its characters have the same, else one per character."""
        ems, lines = self._ems, self._lines
        chars = set(text)
        for ch in chars.difference(ems):
            ems[ch], lines[ch] = self.metrics(ch)
        heights = {lines[ch] for ch in chars}
        advances = list(map(ems.__getitem__, text))
        if len(heights) == 1:
            return advances, heights.pop()
        return advances, list(map(lines.__getitem__, text))

    def _metrics(self, ch: str) -> tuple[float, float]:
        line = self.line_factor
        if ch in (SLIDE_NUMBER, SLIDE_TOTAL):
            return self._number, line
        if ch in _FORCED or ch in _ZERO_WIDTH:
            return 0.0, line
        cp = ord(ch)
        emoji, emoji_em, emoji_line, cjk_line = _fallback()
        em = self._em(cp)
        if em is not None and cp not in emoji:
            return em, line
        if unicodedata.category(ch) in ("Mn", "Me", "Cf") or 0xFE00 <= cp <= 0xFE0F:
            return 0.0, line
        if cp in emoji or 0x1F000 <= cp <= 0x1FAFF:
            if em is not None:  # e.g. ↔ ☺ that the text font has: the renderer may still
                return max(em, emoji_em), max(line, emoji_line)  # pick the emoji
            return emoji_em, max(line, emoji_line)
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            return 1.0, max(line, cjk_line)
        fb = _fallback_widths().get(cp)
        if fb is not None:
            return fb, line
        return self._unknown, max(line, cjk_line)


@cache
def resolve_font(name: str) -> tuple[str, float, bool]:
    """Map a typeface name to (family in the shipped data, width scale, known?)."""
    key = " ".join(name.lower().split())
    if key in ALIASES:
        fam, scale = ALIASES[key]
        return fam, scale, fam != UNKNOWN_FAMILY
    if any(w in key for w in MONO_WORDS):
        return "Liberation Mono", 1.01, False
    return UNKNOWN_FAMILY, 1.0, False


@cache
def face(name: str, bold: bool = False, italic: bool = False) -> Face:
    family, scale, known = resolve_font(name)
    style = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
    return Face(family, style, scale, 0.0 if known else UNKNOWN_LINE_FACTOR)


# --------------------------------------------------------------------------- layout


class TextRun(NamedTuple):
    """Text in one font and style (what a :class:`deckgen.model.Span` becomes)."""

    text: str
    font: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: bool = False
    """A hyperlink. LibreOffice shows one as a field: a single unbreakable piece that, when
    longer than a line, is cut between characters and ends its last line (measured)."""


class MeasurePara(NamedTuple):
    """A paragraph to measure: runs, size (pt), spacing (multiple; points)."""

    runs: tuple[TextRun, ...]
    size: float
    line_spacing: float = 1.0
    space_before: float = 0.0
    space_after: float = 0.0
    indent: float = 0.0
    """Points taken from the box width (list levels, margins)."""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


class Line(NamedTuple):
    """One laid-out line: ``text[start:end]`` (trailing spaces excluded), in points."""

    start: int
    end: int
    width: float
    height: float
    penalty: float = 0.0
    """Height to reserve beyond the line itself: LibreOffice centres a box's text as if a
    link broken over several lines took one line, which pushes the text down by half of
    the extra lines (measured); reserving them once more keeps it inside."""


class ParaLayout(NamedTuple):
    """One paragraph laid out: its lines, and the spacing around it."""

    text: str
    lines: tuple[Line, ...]
    space_before: float
    space_after: float

    @property
    def height(self) -> float:
        lines = sum(ln.height + ln.penalty for ln in self.lines)
        return self.space_before + lines + self.space_after


class Layout(NamedTuple):
    """A text frame's paragraphs laid out."""

    paragraphs: tuple[ParaLayout, ...]

    @property
    def height(self) -> float:
        return sum(p.height for p in self.paragraphs)

    @property
    def width(self) -> float:
        return max((ln.width for p in self.paragraphs for ln in p.lines), default=0.0)


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return cp in _fallback()[0] or 0x1F000 <= cp <= 0x1FAFF


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and ord(ch) < 0x1F000


_EMOJI, _CJK, _PLAIN = 1, 2, 4
_NOT_PLAIN = (_SPACES - {" "}) | _FORCED | set("\t\u200b\u3000")
_CLASSES: dict[str, int] = {}
"""Per character seen so far: :data:`_EMOJI`, :data:`_CJK`, or :data:`_PLAIN` (nothing that
:func:`_breaks` treats specially except a plain space and a hyphen)."""


def _classes(text: str) -> dict[str, int]:
    """:data:`_CLASSES`, with every character of ``text`` in it."""
    classes = _CLASSES
    for ch in set(text).difference(classes):
        c = (_EMOJI if _is_emoji(ch) else 0) | (_CJK if _is_cjk(ch) else 0)
        classes[ch] = c or (0 if ch in _NOT_PLAIN else _PLAIN)
    return classes


def _breaks(text: str, hyphens: bool, link: Sequence[bool] = ()) -> list[int]:
    """0 = no break before text[i]; 1 = a break is allowed; 2 = a break is forced.

    Only opportunities every renderer takes: fewer opportunities can only add lines. (Not
    after ``/``: LibreOffice does not break ``and/or`` at a line's end.)
    """
    out, hyph = _break_marks(text, link)
    if hyphens:
        for i in hyph:
            out[i] = 1
    return out


def _break_marks(text: str, link: Sequence[bool] = ()) -> tuple[list[int], list[int]]:
    """:func:`_breaks` without hyphen opportunities, and where those would add breaks."""
    out = [0] * len(text)
    hyph: list[int] = []
    cls = _classes(text)
    for i in range(1, len(text)):
        prev, ch = text[i - 1], text[i]
        if prev in _FORCED:
            out[i] = 2
        elif link and link[i - 1] and link[i]:
            continue  # inside a link: one piece
        elif ch in _SPACES or ch in _FORCED or ch == "\t" or cls[ch] & _EMOJI:
            continue  # LibreOffice keeps "word 🚀" together (measured)
        elif prev in _SPACES and prev != "\u00a0" or prev in "\t\u200b\u3000":
            out[i] = 1
        elif (cls[prev] | cls[ch]) & _CJK:
            if ch not in _NO_LINE_START and prev not in _NO_LINE_END:
                out[i] = 1
        elif prev in _HYPHENS and i >= 2 and text[i - 2].isalnum() and ch.isalnum():
            hyph.append(i)
    return out, hyph


# In text of plain characters only, :func:`_breaks` reduces to these two patterns (the
# position a match ends at is the break); [^\W_] is str.isalnum().
_SPACE_BREAK = re.compile(" (?=[^ ])")
_HYPHEN_BREAK = re.compile(
    "(?<=[^\\W_])[" + "".join(sorted(re.escape(h) for h in _HYPHENS)) + "](?=[^\\W_])"
)

_WORD = re.compile("([^ ]+) *")
_SPACE_CHARS = frozenset(_SPACES | _FORCED | {"\t", "\u3000"})
"""What :func:`_is_space` says is a space."""

_Unit = tuple[int, int, int, bool]
"""A piece of text between break opportunities: (start, content end before trailing
spaces, end, whether a forced break follows)."""


class _Chars(NamedTuple):
    """What laying out a paragraph needs that does not depend on its size or box."""

    text: str
    ems: list[float]
    factors: list[float]
    uniform: float | None
    """The line height (em) of every character, if they all have the same."""
    link: list[bool]
    stops: frozenset[int]
    """Where a link starts or ends: a word broken across lines is also broken here."""
    tabs: tuple[int, ...]
    variants: tuple[list[_Unit], ...]
    """Units with breaks after hyphens, then without (only when that differs)."""

    def widths(self, size: float) -> list[float]:
        widths = list(map(mul, self.ems, repeat(size)))
        for i in self.tabs:
            widths[i] = TAB_WIDTH_PT
        return widths


def _units(text: str, cuts: Sequence[int], forced: frozenset[int] | set[int]) -> list[_Unit]:
    units: list[_Unit] = []
    spaces = _SPACE_CHARS
    for a, b in pairwise(cuts):
        ce = b
        while ce > a and text[ce - 1] in spaces:
            ce -= 1
        units.append((a, ce, b, b in forced))
    return units


def _plain_units(text: str) -> list[_Unit]:
    """:func:`_units` at the breaks of plain text (after spaces), from a regex."""
    lead = len(text) - len(text.lstrip(" "))
    units: list[_Unit] = [(0, 0, lead, False)] if lead else []
    units += [(m.start(), m.end(1), m.end(), False) for m in _WORD.finditer(text)]
    return units


def _with_hyphens(units: list[_Unit], hyph: Sequence[int]) -> list[_Unit]:
    """``units`` also broken at ``hyph`` (sorted; each inside a unit's content)."""
    out: list[_Unit] = []
    k, m = 0, len(hyph)
    for a, ce, b, forced in units:
        while k < m and hyph[k] < ce:
            out.append((a, hyph[k], hyph[k], False))
            a = hyph[k]
            k += 1
        out.append((a, ce, b, forced))
    return out


def _char_metrics(runs: Sequence[TextRun]) -> _Chars:
    parts: list[str] = []
    ems: list[float] = []
    factors: list[float] = []
    heights: set[float] = set()
    link: list[bool] = []
    stops: set[int] = set()
    for run in runs:
        text = run.text
        f = face(CODE_FONT if run.code else run.font, run.bold, run.italic)
        if run.link and text:
            stops.update((len(link), len(link) + len(text)))
        e, h = f.measure(text)
        parts.append(text)
        ems += e
        if isinstance(h, list):
            factors += h
            heights.update(h)
        else:
            factors += [h] * len(text)
            heights.add(h)
        link += [run.link] * len(text)
    text = "".join(parts)
    n = len(text)
    cls = _classes(text)
    if all(cls[ch] == _PLAIN for ch in set(text)):
        hyph = [m.end() for m in _HYPHEN_BREAK.finditer(text)]
        if stops:  # no break inside a link
            cuts = [m.end() for m in _SPACE_BREAK.finditer(text)]
            units = _units(text, [0, *(i for i in cuts if not (link[i - 1] and link[i])), n], set())
            hyph = [i for i in hyph if not (link[i - 1] and link[i])]
        else:
            units = _plain_units(text)
    else:
        marks, hyph = _break_marks(text, link if stops else ())
        cuts = [i for i, m in enumerate(marks) if m]
        units = _units(text, [0, *cuts, n], {i for i, m in enumerate(marks) if m == 2})
    if not n:
        units = []
    variants = (_with_hyphens(units, hyph), units) if hyph else (units,)
    tabs = tuple(i for i, ch in enumerate(text) if ch == "\t") if "\t" in text else ()
    uniform = heights.pop() if len(heights) == 1 else None
    return _Chars(text, ems, factors, uniform, link, frozenset(stops), tabs, variants)


def _soft_break(text: str, pos: int, end: int) -> int:
    """Where a word too long for any line is broken, given that ``text[pos:end]`` fits.

    Renderers break it between characters, or after ``/``, ``-``, ``?`` … (LibreOffice does
    both within one URL, measured); the last such mark that fits ends the line no later than
    a break between characters would.
    """
    if end >= len(text):
        return end
    for k in range(end, pos + 1, -1):
        if text[k - 1] in _SOFT_AFTER and not text[k].isspace():
            return k
    return end


def _is_space(ch: str) -> bool:
    return ch in _SPACES or ch == "\t" or ch in _FORCED or ch == "\u3000"


def _break_lines(
    cs: _Chars, widths: list[float], size: float, spacing: float, avail: float, units: list[_Unit]
) -> list[Line]:
    text, factors, uniform = cs.text, cs.factors, cs.uniform
    n = len(text)
    base = size * spacing

    def make(start: int, end: int, width: float) -> Line:
        if uniform is not None and start < n:
            return Line(start, end, width, base * uniform)
        f = max(factors[start:end], default=factors[start] if start < n else MIN_LINE_FACTOR)
        return Line(start, end, width, base * f)

    if n == 0:
        return [Line(0, 0, 0.0, base * MIN_LINE_FACTOR)]
    lines: list[Line] = []
    cur_start = -1
    cur_end = 0
    cur_w = 0.0
    pending = 0.0
    limit = avail + _EPS
    for a, ce, b, forced in units:
        cw = sum(widths[a:ce])
        if cur_start >= 0 and cur_w + pending + cw <= limit:
            cur_end, cur_w = ce, cur_w + pending + cw
            pending = widths[ce] if b == ce + 1 else sum(widths[ce:b])
        else:
            tw = widths[ce] if b == ce + 1 else sum(widths[ce:b])
            if cur_start >= 0:
                lines.append(make(cur_start, cur_end, cur_w))
            pos, rest = a, cw
            first = len(lines)
            while rest > limit:  # a word longer than a line: break inside it
                w = 0.0
                j = pos
                while j < ce and (j == pos or w + widths[j] <= limit):
                    w += widths[j]
                    j += 1
                    if j in cs.stops:
                        break
                if j not in cs.stops:
                    j = _soft_break(text, pos, j)
                w = sum(widths[pos:j])
                lines.append(make(pos, j, w))
                pos, rest = j, rest - w
            if pos > a:
                # LibreOffice ends the line after the last piece of a word it had to break
                # (measured: "…details" / " and" / next URL), so the next word starts afresh;
                # the same at the end of a broken link ("…details" / ".")
                for stop in sorted(x for x in cs.stops if pos < x < ce):
                    lines.append(make(pos, stop, sum(widths[pos:stop])))
                    pos = stop
                lines.append(make(pos, ce, sum(widths[pos:ce])))
                if any(cs.link[a:ce]):
                    for i in range(first + 1, len(lines)):
                        lines[i] = lines[i]._replace(penalty=lines[i].height)
                cur_start, cur_w, pending = -1, 0.0, 0.0
            else:
                cur_start, cur_end, cur_w, pending = pos, ce, rest, tw
        if forced:
            if cur_start >= 0:
                lines.append(make(cur_start, cur_end, cur_w))
            cur_start = -1
            cur_w = pending = 0.0
    if cur_start >= 0:
        lines.append(make(cur_start, cur_end, cur_w))
    if text[-1] in _FORCED:
        lines.append(make(n, n, 0.0))
    return lines


CACHED_CHARS = 2000
"""Paragraphs up to this long are remembered (their characters' metrics and break
opportunities, and their layouts): fit lays out the same text at several sizes, and decks
repeat footers and slide numbers on every slide, and rebuilds repeat most of a deck."""

_cached_char_metrics = lru_cache(maxsize=256)(_char_metrics)


def layout_paragraph(para: MeasurePara, width: float, margin: float = WIDTH_MARGIN) -> ParaLayout:
    """Lines of one paragraph in a box ``width`` points wide (insets already removed)."""
    if sum(len(r.text) for r in para.runs) > CACHED_CHARS:
        return _layout_paragraph(para, width, margin, _char_metrics(para.runs))
    return _cached_layout(para, width, margin)


@lru_cache(maxsize=4096)
def _cached_layout(para: MeasurePara, width: float, margin: float) -> ParaLayout:
    return _layout_paragraph(para, width, margin, _cached_char_metrics(para.runs))


def _layout_paragraph(para: MeasurePara, width: float, margin: float, cs: _Chars) -> ParaLayout:
    avail = max((width - para.indent) * (1.0 - margin), 1.0)
    widths = cs.widths(para.size)
    best: list[Line] | None = None
    best_height = 0.0
    for units in cs.variants:  # the taller layout wins
        lines = _break_lines(cs, widths, para.size, para.line_spacing, avail, units)
        height = sum(ln.height for ln in lines)
        if best is None or height > best_height:
            best, best_height = lines, height
    assert best is not None
    return ParaLayout(cs.text, tuple(best), para.space_before, para.space_after)


def layout(paras: Sequence[MeasurePara], width: float, margin: float = WIDTH_MARGIN) -> Layout:
    """Lay out a text frame's paragraphs; ``.height`` is what the frame needs, in points."""
    return Layout(tuple(layout_paragraph(p, width, margin) for p in paras))


class Extents(NamedTuple):
    """How wide a box a text needs, in points (see :func:`extents`)."""

    piece: float
    """The widest piece no line may break inside (a word, a link)."""
    line: float
    """The widest line when nothing wraps (forced line breaks still end lines)."""
    height: float
    """The paragraph's height on one line (when nothing wraps and no line break is forced):
    at least what :func:`layout_paragraph` gives it then, spacing around it excluded."""


def extents(para: MeasurePara) -> Extents:
    """The narrowest and the widest a box would need to be for ``para`` at ``para.size``
    (``indent`` ignored), which is what sizing a table's columns asks, with no box width to
    lay it out in yet; and its height on one line, so that a cell that does not wrap need
    not be laid out.

    A box at least ``piece / (1 - WIDTH_MARGIN)`` wide breaks no word; one at least
    ``line / (1 - WIDTH_MARGIN)`` wide wraps nothing. Pieces are those of the layout
    without breaks after hyphens (the longer ones), a link is one piece (as LibreOffice
    shows it), and forced line breaks end a line."""
    runs = para.runs
    if sum(len(r.text) for r in runs) > CACHED_CHARS:
        cs = _char_metrics(runs)
    else:
        cs = _cached_char_metrics(runs)
    widths = cs.widths(para.size)
    piece = line = cur = pending = 0.0
    for a, ce, b, forced in cs.variants[-1]:
        w = sum(widths[a:ce])
        piece = max(piece, w)
        cur += pending + w
        pending = sum(widths[ce:b])
        if forced:
            line = max(line, cur)
            cur = pending = 0.0
    factor = cs.uniform if cs.uniform is not None else max(cs.factors, default=MIN_LINE_FACTOR)
    return Extents(piece, max(line, cur), para.size * para.line_spacing * factor)


def text_width(
    text: str, font: str, size: float, bold: bool = False, italic: bool = False
) -> float:
    """Advance width of ``text`` in points on one line (no margin, no kerning)."""
    f = face(font, bold, italic)
    return sum(TAB_WIDTH_PT if ch == "\t" else f.metrics(ch)[0] * size for ch in text)


def line_height(font: str, size: float, line_spacing: float = 1.0) -> float:
    """Height of one line of plain Latin text, in points."""
    return face(font).line_factor * size * line_spacing
