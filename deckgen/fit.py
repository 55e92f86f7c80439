"""Choose font sizes so that every text frame fits its box; continue what cannot fit.

PowerPoint's "shrink text on overflow" only takes effect once someone edits the slide, and
LibreOffice's differs from it, so the size written in the file must already fit. For each
frame we measure (:mod:`deckgen.metrics`) at the designer's preferred sizes and shrink all
paragraphs of the frame together, in half-point steps, down to the theme's minimum. Text
that does not fit even at the minimum is never cut: the slide is repeated as follow-up
slides (``SlideSpec.continued`` = 1, 2, …) that carry the rest, split between paragraphs,
or inside a paragraph at a line break the measurement found.

The slide's elements are placed the same way (issue 11): pictures keep their aspect ratio in
their area (a grid when several share it), on the first slide only; a table's cells take one
size, its columns their content's widths, and rows that do not fit at the smallest size
continue on follow-up slides, whole, under a repeated header; a code frame (shape role
``code``) stays whole and unwrapped if shrinking can do it, and is split only between lines.

Pure function of the deck: no python-pptx, no I/O.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate, pairwise
from typing import Any, NamedTuple

from deckgen.errors import quoted
from deckgen.metrics import (
    WIDTH_MARGIN,
    Layout,
    MeasurePara,
    ParaLayout,
    TextRun,
    extents,
    layout,
    layout_paragraph,
)
from deckgen.model import (
    AREA_ROLES,
    BULLET_HANG,
    EMU_PER_PT,
    LIST_INDENT,
    TABLE_CELL_MARGINS,
    Deck,
    Frame,
    Para,
    ParaProto,
    Picture,
    Placed,
    PlacedPicture,
    PlacedTable,
    RichText,
    ShapeProto,
    SlideSpec,
    Span,
    Table,
    Theme,
)

STEP = 0.5
"""Font sizes are tried in steps of this many points."""

CONTINUED = " (continued)"

TITLE_FLOOR = 1.0
"""A title too long for its box at the theme's smallest title size shrinks further, as far
as it must (down to the smallest size a file stores), with a warning naming the slide: a
title is never split across slides."""

SMALL_BOX_LINES = 5
"""A text box that holds fewer lines than this at the smallest size is small: a follow-up
slide it causes is blamed on the template, not on the summary."""

CODE_MIN_SIZE = 12.0
"""The smallest size a code frame (shape role ``code``) shrinks to, unless the theme's body
minimum or the shape's own is lower: monospaced code stays readable at 12 pt, and a block
that fits whole at 12 pt is better on one slide than split at 14 pt."""

TABLE_SIZE = 18.0
"""A table's cells start at this size, or at the area shape's own size when the designer
set a smaller one: a table holds more words per box than body text does."""
TABLE_MIN_SIZE = 12.0
"""The smallest size a table shrinks to (all cells alike), unless the theme's body minimum
is lower; below it the table continues on follow-up slides by whole rows (too long) or
warns and lets words break (too wide)."""

PICTURE_GAP = 137160
"""EMU between the pictures of a grid (0.15 in)."""
PIXEL_EMU = 9525
"""One pixel at 96 dpi, a picture's natural size."""
MAX_UPSCALE = 2.0
"""A picture is drawn at most this many times its natural size (its pixels at 96 dpi): an
icon blown up to fill a slide would look blurred. A width the author asked for
(``{width=…}``) is honoured beyond it."""

_DEFAULT_PROTO = ParaProto(template="", font="Calibri", size=18.0)


def fit(deck: Deck) -> Deck:
    """Return the deck with ``Para.size`` set everywhere and over-long slides continued."""
    theme = deck.theme
    slides: list[SlideSpec] = []
    warnings = list(deck.warnings)
    memo: _Memo = {}
    stacked: dict[str, tuple[Stack, ...]] = {}
    for slide in deck.slides:
        proto = theme.prototypes.get(slide.kind)
        if proto is None and not slide.elements:
            slides.append(slide)
            continue
        shapes = {s.shape_id: s for s in proto.shapes} if proto is not None else {}
        st = stacked.get(slide.kind)
        if st is None:
            st = stacked[slide.kind] = stacks(proto.shapes) if proto is not None else ()
        out, warns = _fit_slide(slide, shapes, theme, memo, st)
        slides.extend(out)
        warnings.extend(warns)
    return replace(deck, slides=tuple(slides), warnings=tuple(warnings))


# --------------------------------------------------------------------------- one frame

_Memo = dict[tuple[Any, ...], tuple["_Box", "_FrameFit"]]
"""Frames fitted so far, by slide kind, shape and text (and the box, where it grew)."""


class _Box(NamedTuple):
    """A text shape's room in points (its box less insets), and the smallest size allowed."""

    shape: ShapeProto
    width: float
    height: float
    min_size: float

    @classmethod
    def of(cls, shape: ShapeProto, theme: Theme) -> _Box:
        _, _, cx, cy = shape.box
        li, ti, ri, bi = shape.insets
        if shape.min_size is not None:
            lo = shape.min_size
        elif shape.role == "title":
            lo = theme.min_title_size
        elif shape.role == "code":
            lo = min(CODE_MIN_SIZE, theme.min_body_size)
        else:
            lo = theme.min_body_size
        return cls(shape, max(cx - li - ri, 0) / EMU_PER_PT, max(cy - ti - bi, 0) / EMU_PER_PT, lo)

    def proto(self, para: Para) -> ParaProto:
        ps = self.shape.paragraphs
        if not ps:
            return _DEFAULT_PROTO
        return ps[para.proto] if 0 <= para.proto < len(ps) else ps[-1]

    def measure_para(self, para: Para, size: float) -> MeasurePara:
        pp = self.proto(para)
        indent = pp.margin
        if para.level > 0 or para.bullet:  # a list paragraph: as the writer indents it
            indent += LIST_INDENT * max(para.level, 0) + (BULLET_HANG if para.bullet else 0.0)
        return MeasurePara(
            _text_runs(para.runs, pp.font, pp.bold, pp.italic),
            size,
            pp.line_spacing,
            pp.space_before,
            pp.space_after,
            indent=indent,
        )

    def layout(self, paras: Sequence[Para], sizes: Sequence[float]) -> Layout:
        mps = [self.measure_para(p, s) for p, s in zip(paras, sizes, strict=True)]
        if self.shape.wrap:
            return layout(mps, self.width)
        return layout(mps, math.inf)

    def fits(self, lay: Layout) -> bool:
        if lay.height > self.height + 1e-6:
            return False
        return self.shape.wrap or lay.width <= self.width * 0.96

    def preferred(self, paras: Sequence[Para]) -> list[float]:
        return [float(self.proto(p).size) for p in paras]

    def candidates(self, paras: Sequence[Para]) -> tuple[tuple[float, ...], ...]:
        """Size vectors from preferred down to minimum, the hierarchy scaled together."""
        return _candidates(tuple(self.preferred(paras)), self.min_size)


@lru_cache(maxsize=1024)
def _text_runs(runs: tuple[Span, ...], font: str, bold: bool, italic: bool) -> tuple[TextRun, ...]:
    return tuple(
        TextRun(
            s.text,
            font,
            bold=s.bold or bold,
            italic=s.italic or italic,
            code=s.code,
            link=s.link is not None,
        )
        for s in runs
    )


@lru_cache(maxsize=256)
def _candidates(pref: tuple[float, ...], min_size: float) -> tuple[tuple[float, ...], ...]:
    top = max(pref, default=0.0)
    floor = tuple(min(p, min_size) for p in pref)
    out: list[tuple[float, ...]] = [pref]
    s = math.floor(top / STEP) * STEP
    if s == top:
        s -= STEP
    while s > min_size - 1e-9 and top > 0:
        ratio = s / top
        out.append(
            tuple(
                max(f, math.floor(p * ratio / STEP + 1e-9) * STEP)
                for p, f in zip(pref, floor, strict=True)
            )
        )
        s -= STEP
    if out[-1] != floor:
        out.append(floor)
    return tuple(out)


class _FrameFit(NamedTuple):
    """The sizes chosen for a frame and its text split into per-slide chunks."""

    chunks: tuple[tuple[Para, ...], ...]
    fits: bool
    size: float
    """The largest size used (for messages)."""
    below: float | None = None
    """A title shrunk below this minimum size (the theme's) to stay whole."""


def _with_sizes(paras: Sequence[Para], sizes: Sequence[float]) -> tuple[Para, ...]:
    return tuple(replace(p, size=float(s)) for p, s in zip(paras, sizes, strict=True))


def _choose(box: _Box, paras: Sequence[Para]) -> tuple[Sequence[float], bool]:
    """The largest candidate sizes that fit (binary search: height grows with size)."""
    pref = box.preferred(paras)
    if box.fits(box.layout(paras, pref)):  # the usual case: no need for the others
        return pref, True
    cands = box.candidates(paras)
    lo, hi = 0, len(cands) - 1  # cands[lo] does not fit; is cands[hi] fitting?
    if not box.fits(box.layout(paras, cands[hi])):
        return cands[hi], False
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if box.fits(box.layout(paras, cands[mid])):
            hi = mid
        else:
            lo = mid
    return cands[hi], True


def _fit_frame(
    box: _Box, frame: Frame, split: bool, rest: _Box | None = None, n_first: int = 0
) -> _FrameFit:
    """``rest``: for a code frame, its (taller) box on the follow-up slides from the
    ``n_first``-th on, where the text box above it shows nothing (:func:`_fit_code`)."""
    paras = frame.paragraphs
    if not paras:
        return _FrameFit(((),), True, 0.0)
    if box.shape.role == "code":
        return _fit_code(box, paras, rest, n_first)
    sizes, ok = _choose(box, paras)
    below = None
    if not ok and box.shape.role == "title" and box.min_size > TITLE_FLOOR:
        # a title is never split: it shrinks further (the caller warns)
        below = box.min_size
        sizes, ok = _choose(box._replace(min_size=TITLE_FLOOR), paras)
    sized = _with_sizes(paras, sizes)
    top = max(sizes)
    if below is not None:
        return _FrameFit((sized,), ok, top, below)
    if ok or not split or not box.shape.wrap:
        return _FrameFit((sized,), ok, top)
    return _FrameFit(tuple(_split(box, sized)), False, top)


def _fit_code(
    box: _Box, paras: Sequence[Para], rest: _Box | None = None, n_first: int = 0
) -> _FrameFit:
    """A code block, one source line a paragraph: whole on one slide at the largest size at
    which no line of code wraps (prose in the same frame may); else whole at the minimum,
    its long lines wrapped by the box; else, at the minimum, split between lines (never
    inside one) over follow-up slides, which then hold about as many lines each. Shrinking
    is always tried before wrapping a line: wrapped code reads wrong. With ``rest`` (the
    box grown on follow-up slides from the ``n_first``-th on), the first slides hold what
    ``box`` does and the others share the rest evenly. A follow-up slide does not start
    with a blank line (one at a split is left out; no other is)."""

    lines = [_is_code_line(p) for p in paras]

    def unwrapped(sizes: Sequence[float]) -> bool:
        lay = box.layout(paras, sizes)
        if not box.fits(lay):
            return False
        return all(len(pl.lines) <= 1 for pl, c in zip(lay.paragraphs, lines, strict=True) if c)

    cands = box.candidates(paras)
    floor = cands[-1]
    if unwrapped(cands[0]):
        sizes: Sequence[float] = cands[0]
    elif unwrapped(floor):
        lo, hi = 0, len(cands) - 1  # cands[lo] wraps or overflows, cands[hi] does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if unwrapped(cands[mid]):
                hi = mid
            else:
                lo = mid
        sizes = cands[hi]
    else:
        lay = box.layout(paras, floor)
        sized = _with_sizes(paras, floor)
        top = max(floor)
        if box.fits(lay):
            return _FrameFit((sized,), True, top)
        if not box.shape.wrap:
            return _FrameFit((sized,), False, top)
        heights = [p.height for p in lay.paragraphs]
        chunks: list[tuple[Para, ...]] = []
        if rest is None:
            ranges = _balanced(heights, box.height + 1e-6)
        else:
            ranges = _pack_varying(heights, [box.height + 1e-6] * n_first, rest.height + 1e-6)
        blank = [not p.text.strip() for p in paras]
        for start, stop in _skip_blank_starts(ranges, blank):
            if stop - start == 1 and heights[start] > box.height + 1e-6:
                # one line that, wrapped, is taller than the box: the only split inside a line
                chunks.extend(_split(box, sized[start:stop]))
            else:
                chunks.append(sized[start:stop])
        return _FrameFit(tuple(chunks), False, top)
    return _FrameFit((_with_sizes(paras, sizes),), True, max(sizes))


def _is_code_line(para: Para) -> bool:
    """A line of code (its text all code spans) or a blank line: not prose, such as the
    sentence a corporate template's body holds above the code, which may wrap."""
    return all(r.code for r in para.runs if r.text)


def _pack(heights: Sequence[float], cap: float) -> list[tuple[int, int]]:
    """Ranges [start, stop) of consecutive items, each range as many as fit in ``cap``
    (greedy; an item taller than ``cap`` alone)."""
    out: list[tuple[int, int]] = []
    start, used = 0, 0.0
    for i, h in enumerate(heights):
        if i > start and used + h > cap:
            out.append((start, i))
            start, used = i, 0.0
        used += h
    if heights:
        out.append((start, len(heights)))
    return out


def _pack_varying(
    heights: Sequence[float], first: Sequence[float], rest: float
) -> list[tuple[int, int]]:
    """Ranges as :func:`_pack` makes them, the k-th holding at most ``first[k]`` (as many
    as fit: those slides also show the text above), the ranges after those at most
    ``rest`` each, evened out (:func:`_balanced`)."""
    out: list[tuple[int, int]] = []
    start = 0
    for cap in first:
        if start >= len(heights):
            break
        stop, used = start, 0.0
        while stop < len(heights) and (stop == start or used + heights[stop] <= cap):
            used += heights[stop]
            stop += 1
        out.append((start, stop))
        start = stop
    if start < len(heights):
        out.extend((start + a, start + b) for a, b in _balanced(heights[start:], rest))
    return out


def _skip_blank_starts(
    ranges: Sequence[tuple[int, int]], blank: Sequence[bool]
) -> list[tuple[int, int]]:
    """``ranges`` with the blank lines that would start a follow-up slide left out (a
    range of nothing else goes)."""
    out: list[tuple[int, int]] = []
    for k, (start, stop) in enumerate(ranges):
        if k:
            while start < stop and blank[start]:
                start += 1
        if start < stop:
            out.append((start, stop))
    return out or list(ranges[:1])


def _balanced(heights: Sequence[float], cap: float) -> list[tuple[int, int]]:
    """:func:`_pack` into as few ranges as it takes, but evened out: 90 lines that need
    four slides go 23 + 23 + 22 + 22, not 25 + 25 + 25 + 15. Cut where the running height
    is nearest to an even share; when that overfills a range, the smallest cap that needs
    no more ranges (found by bisection)."""
    first = _pack(heights, cap)
    n = len(first)
    if n <= 1:
        return first
    total = sum(heights)
    ends = list(accumulate(heights))
    cuts = [0]
    for k in range(1, n):
        target = total * k / n
        i = bisect_left(ends, target)  # ends[i] >= target: cut after item i or before it
        cut = (
            i + 1 if i < len(ends) and ends[i] - target < target - (ends[i - 1] if i else 0) else i
        )
        cuts.append(min(max(cut, cuts[-1] + 1), len(heights) - (n - k)))
    cuts.append(len(heights))
    even = list(pairwise(cuts))
    if all(b - a == 1 or ends[b - 1] - (ends[a - 1] if a else 0) <= cap for a, b in even):
        return even
    lo, hi = min(total / n, cap), cap  # pack(lo) may need more ranges; pack(hi) needs n
    if len(_pack(heights, lo)) <= n:
        return _pack(heights, lo)
    while hi - lo > 0.25:
        mid = (lo + hi) / 2
        if len(_pack(heights, mid)) <= n:
            hi = mid
        else:
            lo = mid
    return _pack(heights, hi)


def _split_runs(
    runs: Sequence[Span], end: int, start: int
) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Runs of ``text[:end]`` and of ``text[start:]`` (what lies between is white space)."""
    head: list[Span] = []
    tail: list[Span] = []
    pos = 0
    for r in runs:
        a, b = pos, pos + len(r.text)
        pos = b
        if a < end:
            head.append(replace(r, text=r.text[: min(b, end) - a]))
        if b > start:
            tail.append(replace(r, text=r.text[max(a, start) - a :]))
    return tuple(h for h in head if h.text), tuple(t for t in tail if t.text)


def _layout_head(box: _Box, para: Para, size: float, room: float) -> tuple[ParaLayout, bool]:
    """The layout of enough of ``para``'s start to overflow ``room``, and whether that is
    all of it. Laying out the whole rest for each follow-up slide would make one very long
    paragraph quadratic (a 1 MB line: hours); the lines before a prefix's last line are
    those of the whole paragraph (greedy breaking), and ``_split`` never takes the last one.
    """
    total = sum(len(r.text) for r in para.runs)
    # a box's worth of narrow characters (0.3 em a line's height), doubled until it overflows
    n = max(1024, int(box.width * max(room, size) / (0.3 * size * size)))
    while True:
        if n >= total:
            return layout_paragraph(box.measure_para(para, size), box.width), True
        head, _ = _split_runs(para.runs, n, n)
        pl = layout_paragraph(box.measure_para(replace(para, runs=head), size), box.width)
        if pl.height > room and len(pl.lines) > 1:
            return pl, False
        n *= 2


def _is_sub_head(para: Para) -> bool:
    """A short, wholly bold paragraph: a sub-heading inside a section's body."""
    runs = [r for r in para.runs if r.text.strip()]
    words = len(para.text.split())
    return bool(runs) and all(r.bold for r in runs) and 0 < words <= 12


def _split(box: _Box, paras: Sequence[Para]) -> list[tuple[Para, ...]]:
    """Chunks of whole or partial paragraphs, each fitting the box at the sizes given."""
    chunks: list[tuple[Para, ...]] = []
    cur: list[Para] = []
    used = 0.0
    cap = box.height + 1e-6
    for i, para in enumerate(paras):
        size = para.size or box.min_size
        rest: Para | None = para
        if cur and _is_sub_head(para) and i + 1 < len(paras):
            # a sub-head starts the next slide (which it then titles) rather than end this
            # one, when it and the paragraph under it do not both fit here
            nxt = paras[i + 1]
            need = box.layout((para, nxt), (size, nxt.size or box.min_size)).height
            if used + need > cap and used >= cap / 3:
                chunks.append(tuple(cur))
                cur, used = [], 0.0
        while rest is not None:
            pl, whole = _layout_head(box, rest, size, cap - used)
            if whole and used + pl.height <= cap:
                cur.append(rest)
                used += pl.height
                break
            room = cap - used - pl.space_before - pl.space_after
            k = 0
            acc = 0.0
            for ln in pl.lines:
                if acc + ln.height + ln.penalty > room:
                    break
                acc += ln.height + ln.penalty
                k += 1
            # the head, laid out alone, may break differently (the layout is the taller of
            # two ways of breaking): take fewer lines until it really fits
            while k >= 1:
                if k >= len(pl.lines):
                    break
                head, tail = _split_runs(rest.runs, pl.lines[k - 1].end, pl.lines[k].start)
                hl = layout_paragraph(box.measure_para(replace(rest, runs=head), size), box.width)
                if used + hl.height <= cap or (k == 1 and not cur):
                    break
                k -= 1
            if k == 0 and cur:
                chunks.append(tuple(cur))
                cur, used = [], 0.0
                continue
            k = max(k, 1)  # a single line taller than the box: it cannot get better
            if k >= len(pl.lines):
                cur.append(rest)
                used += pl.height
                break
            head, tail = _split_runs(rest.runs, pl.lines[k - 1].end, pl.lines[k].start)
            cur.append(replace(rest, runs=head))
            chunks.append(tuple(cur))
            cur, used = [], 0.0
            rest = replace(rest, runs=tail) if tail else None
    if cur or not chunks:
        chunks.append(tuple(cur))
    return chunks


# --------------------------------------------------------------------------- one slide


def _item_label(slide: SlideSpec) -> str:
    """The slide as warnings name it, with the summary's line it comes from:
    ``insight 3 “Title” (line 12)``, ``section slide “Part II” (line 40)``."""
    title = slide.title if len(slide.title) <= 60 else slide.title[:59].rstrip() + "…"
    line = f" (line {slide.line})" if slide.line else ""
    if slide.kind in _SECTION_KINDS and slide.number:
        if title.startswith(slide.number):  # "3. Title" → "Title"
            rest = title[len(slide.number) :].lstrip()
            if rest[:1] in (".", ")", ":"):
                title = rest[1:].lstrip()
        return f"insight {slide.number} {quoted(title)}{line}"
    kind = "insight" if slide.kind in _SECTION_KINDS else slide.kind
    return f"{kind} slide {quoted(title)}{line}"


_SECTION_KINDS = frozenset(
    ("insight", "bullets", "picture", "text_picture", "table", "code", "quote", "columns",
     "comparison")
)  # fmt: skip
"""Slide kinds that show one section of the summary: warnings call them insights."""


def _append_continued(paras: tuple[Para, ...]) -> tuple[Para, ...]:
    if not paras:
        return paras
    last = paras[-1]
    tail = last.runs[-1] if last.runs else Span("")
    extra = Span(CONTINUED, bold=tail.bold, italic=tail.italic, code=False, link=None)
    return (*paras[:-1], replace(last, runs=(*last.runs, extra)))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _fitted(
    kind: str,
    frame: Frame,
    shape: ShapeProto,
    theme: Theme,
    memo: _Memo,
    rest: ShapeProto | None = None,
    n_first: int = 0,
    moved: bool = False,
) -> tuple[_Box, _FrameFit]:
    """A frame fitted into ``shape`` (``moved``: a box other than its prototype's; ``rest``:
    a code frame's box on the follow-ups from the ``n_first``-th on), from ``memo`` when
    the same text was fitted into the same box before."""
    if moved or rest is not None:
        key: tuple[Any, ...] = (
            kind,
            frame.shape_id,
            frame.paragraphs,
            shape.box,
            None if rest is None else rest.box,
            n_first,
        )
    else:
        key = (kind, frame.shape_id, frame.paragraphs)
    hit = memo.get(key)
    if hit is None:
        box = _Box.of(shape, theme)
        later = None if rest is None else _Box.of(rest, theme)
        hit = memo[key] = box, _fit_frame(box, frame, shape.role == "content", later, n_first)
    return hit


def _fit_slide(
    slide: SlideSpec,
    shapes: dict[int, ShapeProto],
    theme: Theme,
    memo: _Memo,
    stacked: tuple[Stack, ...] = (),
) -> tuple[list[SlideSpec], list[str]]:
    """``memo``: frames fitted so far, by slide kind, shape and text (footers, slide numbers
    and labels repeat on every slide); ``stacked``: the prototype's stacked boxes, which
    grow into each other's free room first (:func:`_grow`)."""
    warnings: list[str] = []
    fits: list[tuple[Frame, _Box, _FrameFit] | Frame] = []
    overflow_size: float | None = None
    overflow_box: _Box | None = None
    growth = _grow(slide, shapes, theme, memo, stacked) if stacked else _NO_GROWTH
    for frame in slide.frames:
        proto_shape = shapes.get(frame.shape_id)
        if proto_shape is None:
            fits.append(frame)
            continue
        shape = growth.first.get(frame.shape_id, proto_shape)
        later, n_first = growth.rest.get(frame.shape_id, (None, 0))
        if shape.role != "code":
            later, n_first = None, 0
        box, ff = _fitted(
            slide.kind, frame, shape, theme, memo, later, n_first, shape is not proto_shape
        )
        fits.append((frame, box, ff))
        if len(ff.chunks) > 1 and overflow_size is None:
            overflow_size = box.min_size
            overflow_box = box
        if ff.below is not None and ff.fits:
            warnings.append(
                f"{_item_label(slide)}: the title is too long for its box at {ff.below:g} pt "
                f"(the smallest title size); shrunk to {ff.size:g} pt to keep it whole — "
                "shorten it for a bigger title"
            )
        elif not ff.fits and len(ff.chunks) == 1 and frame.paragraphs:
            warnings.append(
                f"{_item_label(slide)}: text of shape {shape.name!r} does not fit "
                f"its box even at {ff.size:g} pt"
            )

    n = max((len(f[2].chunks) for f in fits if isinstance(f, tuple)), default=1)
    shown: list[tuple[Placed, ...]] = [()]
    if slide.elements:
        shown, warns = _place_elements(slide, shapes, theme, growth.areas(shapes))
        warnings.extend(warns)
        n = max(n, len(shown))
    out: list[SlideSpec] = []
    for k in range(n):
        head = _sub_head(fits, k) if k else None
        frames: list[Frame] = []
        for item in fits:
            if not isinstance(item, tuple):
                frames.append(item)
                continue
            frame, box, ff = item
            role = box.shape.role
            if k < len(ff.chunks):
                paras = ff.chunks[k]
            elif role == "title":
                titled = _sub_head_title(box, ff.chunks[0], head) if head else None
                paras = titled or _continued_title(box, ff.chunks[0])
                head = head if titled else None
            elif role == "chrome":
                paras = ff.chunks[0]
            else:
                paras = ()
            frames.append(replace(frame, paragraphs=paras))
        elements = shown[k] if k < len(shown) else ()
        boxes = growth.boxes(shapes, k) if growth.first or growth.rest else ()
        if k == 0:
            if slide.elements:
                out.append(replace(slide, frames=tuple(frames), elements=elements, boxes=boxes))
            elif boxes:
                out.append(replace(slide, frames=tuple(frames), boxes=boxes))
            else:
                out.append(replace(slide, frames=tuple(frames)))
        else:
            out.append(
                replace(
                    slide,
                    frames=tuple(frames),
                    continued=slide.continued + k,
                    title=head if head else slide.title + CONTINUED,
                    elements=elements,
                    boxes=boxes,
                )
            )
    if overflow_size is not None:
        at = f" at {overflow_size:g} pt" if overflow_size is not None else ""
        warnings.append(
            f"{_item_label(slide)} does not fit on one slide{at}; "
            f"continued on {_plural(n - 1, 'follow-up slide')}"
            + _small_box(overflow_box, theme, slide.kind)
        )
    return out, warnings


def _small_box(box: _Box | None, theme: Theme, kind: str) -> str:
    """`` (the template's body box on layout 'X' is only 29 pt tall)`` when the box that
    overflowed is small for text (fewer than :data:`SMALL_BOX_LINES` lines at the smallest
    size): then the template, not the summary, is why the slide was continued."""
    if box is None or box.height >= SMALL_BOX_LINES * 1.2 * box.min_size:
        return ""
    proto = theme.prototypes.get(kind)
    tall = f"is only {box.shape.box[3] / EMU_PER_PT:.0f} pt tall"
    if proto is not None and proto.layout_name is not None:
        return f" (the template's body box on layout {proto.layout_name!r} {tall})"
    if proto is not None and proto.slide_index is not None:
        return (
            f" (the template's text box {box.shape.name!r} on slide {proto.slide_index + 1} {tall})"
        )
    return f" (the template's text box {box.shape.name!r} {tall})"


def _sub_head(fits: Sequence[tuple[Frame, _Box, _FrameFit] | Frame], k: int) -> str | None:
    """The sub-head a follow-up slide starts with: a short, wholly bold first paragraph of
    its content (a section's ``### Sub-heading`` or ``**Pseudo-heading**``)."""
    for item in fits:
        if not isinstance(item, tuple) or item[1].shape.role != "content":
            continue
        chunks = item[2].chunks
        if k < len(chunks) and chunks[k]:
            first = chunks[k][0]
            return first.text.strip().rstrip(":：") if _is_sub_head(first) else None
    return None


def _sub_head_title(box: _Box, first: tuple[Para, ...], head: str) -> tuple[Para, ...] | None:
    """A follow-up slide titled by the sub-head it starts with, when it fits the title box;
    None to fall back to "(continued)"."""
    if not first:
        return None
    base = first[0]
    paras = (replace(base, runs=(Span(head, bold=any(r.bold for r in base.runs)),), size=None),)
    sizes, ok = _choose(box, paras)
    return _with_sizes(paras, sizes) if ok else None


def _continued_title(box: _Box, paras: tuple[Para, ...]) -> tuple[Para, ...]:
    """The title for a follow-up slide: `` (continued)`` appended, re-fitted."""
    marked = _append_continued(tuple(replace(p, size=None) for p in paras))
    sizes, ok = _choose(box, marked)
    if ok:
        return _with_sizes(marked, sizes)
    # The marked title does not fit even at the minimum size: it is only a repeat of the
    # first slide's title, so keep the original sized title (which did fit).
    return paras


# --------------------------------------------------------------------------- growing

STACK_GAP = 43 * EMU_PER_PT
"""The most room (0.6 in) between a text box's bottom and the top of the box under it for
the two to be stacked: the lower one grows into the upper one's room when that shows
nothing, and the upper one grows down into the lower one's when its text needs it."""
STACK_OVERLAP = 0.8
"""How much of the narrower box's width the two must share to be stacked."""
KEEP = 0.5
"""The share of its height a lower box keeps, at least, when the text above grows into it
(more when its own content needs more: :func:`_keep`)."""
_LOWER_ROLES = ("picture", "table", "code", "content")


class Stack(NamedTuple):
    """A content text box (``upper``) right above another box (``lower``: a picture or
    table area, a code or content text box) of a prototype, the two about as wide."""

    upper: ShapeProto
    lower: ShapeProto

    @property
    def gap(self) -> int:
        return max(self.lower.box[1] - (self.upper.box[1] + self.upper.box[3]), 0)


def stacks(shapes: Sequence[ShapeProto]) -> tuple[Stack, ...]:
    """The stacked pairs of a prototype's shapes, each shape in one pair at most (the
    topmost pairs first): a content text box with text wrapped, and the box that starts at
    its bottom or just below (at most :data:`STACK_GAP`), sharing most of its width."""
    found: list[tuple[int, int, int, Stack]] = []
    for a in shapes:
        ax, ay, aw, ah = a.box
        if a.role != "content" or not a.wrap or a.is_title or aw <= 0 or ah <= 0:
            continue
        for b in shapes:
            bx, by, bw, bh = b.box
            if b is a or b.role not in _LOWER_ROLES or b.is_title or bw <= 0 or bh <= 0:
                continue
            gap = by - (ay + ah)
            if not -2 * EMU_PER_PT <= gap <= STACK_GAP:
                continue
            if min(ax + aw, bx + bw) - max(ax, bx) < STACK_OVERLAP * min(aw, bw):
                continue
            found.append((ay, gap, len(found), Stack(a, b)))
    used: set[int] = set()
    out: list[Stack] = []
    for _, _, _, st in sorted(found, key=lambda f: f[:3]):
        if st.upper.shape_id in used or st.lower.shape_id in used:
            continue
        used.update((st.upper.shape_id, st.lower.shape_id))
        out.append(st)
    return tuple(out)


class _Growth(NamedTuple):
    """Where a slide's stacked boxes are drawn: ``first``, shape id → the shape with the
    box it has on the first slide(s) (and on every slide, unless ``rest`` says otherwise);
    ``rest``, for a code box or an area, shape id → (the shape grown into the room of the
    empty text box above it, n): its box from the n-th follow-up slide on."""

    first: dict[int, ShapeProto]
    rest: dict[int, tuple[ShapeProto, int]]

    def areas(self, shapes: dict[int, ShapeProto]) -> _Areas | None:
        out: _Areas = {}
        for sid, shape in shapes.items():
            if shape.role not in AREA_ROLES:
                continue
            got, later = self.first.get(sid), self.rest.get(sid)
            if got is not None or later is not None:
                out[sid] = (
                    (got or shape).box,
                    None if later is None else later[0].box,
                    0 if later is None else later[1],
                )
        return out or None

    def boxes(
        self, shapes: dict[int, ShapeProto], k: int
    ) -> tuple[tuple[int, tuple[int, int, int, int]], ...]:
        """The slide's ``SlideSpec.boxes``: text and code boxes drawn elsewhere than in the
        prototype on the k-th slide (areas are drawn by their pictures and tables)."""
        out: dict[int, tuple[int, int, int, int]] = {}
        for sid, shape in self.first.items():
            out[sid] = shape.box
        for sid, (shape, n) in self.rest.items():
            if k >= n:
                out[sid] = shape.box
        return tuple(
            (sid, box)
            for sid, box in sorted(out.items())
            if shapes[sid].role not in AREA_ROLES and box != shapes[sid].box
        )


_NO_GROWTH = _Growth({}, {})


def _blank_paras(paras: Sequence[Para]) -> bool:
    return not any(r.text.strip() for p in paras for r in p.runs)


def _at_preferred(box: _Box, ff: _FrameFit) -> bool:
    """Whether a frame fitted whole at its preferred sizes."""
    return (
        ff.fits
        and len(ff.chunks) == 1
        and all(p.size == float(box.proto(p).size) for p in ff.chunks[0])
    )


def _grow(
    slide: SlideSpec,
    shapes: dict[int, ShapeProto],
    theme: Theme,
    memo: _Memo,
    stacked: tuple[Stack, ...],
) -> _Growth:
    """Boxes grown into free room before anything is shrunk or split, for each stacked
    pair (:func:`stacks`): an upper text box that shows nothing gives its room to the box
    under it (on every slide); one whose text does not fit at its preferred sizes grows
    down as far as that text needs, the box under it moving its top down but keeping what
    :func:`_keep` says; and a code box or an area gets the upper box's room on follow-up
    slides where the text shows nothing (its first slides hold as much as theirs do)."""
    first: dict[int, ShapeProto] = {}
    rest: dict[int, tuple[ShapeProto, int]] = {}
    frames = {f.shape_id: f for f in slide.frames}
    for st in stacked:
        a, b = st.upper, st.lower
        fa = frames.get(a.shape_id)
        if fa is None or shapes.get(a.shape_id) is not a:
            continue
        fb = frames.get(b.shape_id)
        if b.role in AREA_ROLES:
            empty = not any(e.shape_id == b.shape_id for e in slide.elements)
        else:
            empty = fb is not None and _blank_paras(fb.paragraphs)
        ax, ay, aw, ah = a.box
        bx, by, bw, bh = b.box
        bottom = by + bh
        full = replace(b, box=(bx, ay, bw, bottom - ay))
        if _blank_paras(fa.paragraphs):
            if not empty:
                first[b.shape_id] = full
            continue
        box, ff = _fitted(slide.kind, fa, a, theme, memo)
        if not _at_preferred(box, ff):
            # an empty box under the text is not drawn: the text may take all its room
            most = bottom - ay if empty else bottom - _keep(b, fb, slide, theme, memo) - st.gap - ay
            lay = box.layout(fa.paragraphs, box.preferred(fa.paragraphs))
            need = math.ceil(lay.height * EMU_PER_PT) + a.insets[1] + a.insets[3]
            high = min(need, most)
            if high > ah:
                grown = replace(a, box=(ax, ay, aw, high))
                first[a.shape_id] = grown
                top = ay + high + st.gap
                if not empty:
                    first[b.shape_id] = replace(b, box=(bx, top, bw, bottom - top))
                _, ff = _fitted(slide.kind, fa, grown, theme, memo, moved=True)
        if empty:
            continue
        if b.role in ("code", "table"):
            rest[b.shape_id] = (full, len(ff.chunks))
    return _Growth(first, rest)


def _keep(b: ShapeProto, fb: Frame | None, slide: SlideSpec, theme: Theme, memo: _Memo) -> int:
    """How much of its height (EMU) a lower box keeps when the text above grows into it:
    at least :data:`KEEP` of it; a table, code or text that fits its whole box on one
    slide keeps the room it takes there (at the size it has there: growing the text
    above never shrinks or splits it); text that does not fit keeps all of its box (it
    would only continue on more slides); a table or code that continues anyway, and a
    picture, keep :data:`KEEP`."""
    height = b.box[3]
    half = math.ceil(height * KEEP)
    if b.role == "table":
        el = next(
            (e for e in slide.elements if isinstance(e, PlacedTable) and e.shape_id == b.shape_id),
            None,
        )
        if el is None:
            return half
        tf = _fit_table(el, *_table_sizes(b, theme))
        if len(tf.chunks) == 1:
            return min(height, max(half, sum(tf.heights) + EMU_PER_PT))
        return half
    if fb is None:  # a shape the slide does not fill keeps its prototype's text
        return height
    if b.role == "picture" or _blank_paras(fb.paragraphs):
        return half
    box, ff = _fitted(slide.kind, fb, b, theme, memo)
    if len(ff.chunks) == 1 and ff.fits:
        paras = ff.chunks[0]
        lay = box.layout(paras, [p.size or box.min_size for p in paras])
        need = math.ceil(lay.height * EMU_PER_PT) + b.insets[1] + b.insets[3] + EMU_PER_PT
        return min(height, max(half, need))
    return half if b.role == "code" else height


# --------------------------------------------------------------------------- pictures

_WIDTH = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(%|px|in|cm|mm|pt)?\s*$", re.IGNORECASE)
_UNIT_EMU = {"px": PIXEL_EMU, "in": 914400, "cm": 360000, "mm": 36000, "pt": EMU_PER_PT}


def _asked_width(width: str, page_width: int) -> float | None:
    """The width in EMU the author asked for (pandoc's ``{width=50%}``, ``3in``, ``300px``
    or ``300``: pixels), a percentage being of the slide's width (as pandoc's is of the
    page's: ``50%`` is half the slide, not half a picture area that is itself half the
    slide); None when none (or one that does not parse). Its cell caps it."""
    m = _WIDTH.match(width) if width else None
    if m is None:
        return None
    value, unit = float(m.group(1)), (m.group(2) or "px").lower()
    if value <= 0:
        return None
    return value / 100 * page_width if unit == "%" else value * _UNIT_EMU[unit]


def _in_cell(pic: Picture, page_width: int, cw: float, ch: float) -> tuple[float, float]:
    """The size a picture is drawn at in a cell ``cw`` × ``ch`` (EMU): its aspect kept, as
    large as the cell allows up to :data:`MAX_UPSCALE` times its natural size or the width
    asked for. A picture without pixels (not read) takes the cell."""
    if not pic.pixels or min(pic.pixels) <= 0:
        return cw, ch
    pw, ph = pic.pixels
    asked = _asked_width(pic.width, page_width)
    most = asked if asked is not None else pw * PIXEL_EMU * MAX_UPSCALE
    w = min(cw, ch * pw / ph, most)
    return w, w * ph / pw


def _grids(n: int) -> list[tuple[int, int]]:
    """(rows, columns) of every grid that holds ``n`` pictures without an empty row."""
    out = []
    for rows in range(1, n + 1):
        cols = -(-n // rows)
        if (rows - 1) * cols < n:
            out.append((rows, cols))
    return out


def _place_pictures(group: Sequence[PlacedPicture], page_width: int) -> list[PlacedPicture]:
    """The pictures sharing one area, each given its ``box``: in the grid that makes the
    smallest picture largest (then the pictures together), the last row centred when it
    is short (3 → a row or 2 + 1), the grid drawn together with :data:`PICTURE_GAP`
    between pictures and centred in the area."""
    x, y, aw, ah = group[0].area
    n = len(group)
    best: tuple[float, float] | None = None
    chosen: tuple[int, int, list[tuple[float, float]]] = (1, n, [])
    for rows, cols in _grids(n):
        cw = (aw - (cols - 1) * PICTURE_GAP) / cols
        ch = (ah - (rows - 1) * PICTURE_GAP) / rows
        if cw <= 0 or ch <= 0:
            continue
        sizes = [_in_cell(p.picture, page_width, cw, ch) for p in group]
        areas = [w * h for w, h in sizes]
        score = (min(areas), sum(areas))
        if best is None or score > best:
            best, chosen = score, (rows, cols, sizes)
    rows, cols, sizes = chosen
    if not sizes:  # an area too small for any grid: every picture takes the area
        return [replace(p, box=p.area) for p in group]
    col_w = [0.0] * cols
    row_h = [0.0] * rows
    for i, (w, h) in enumerate(sizes):
        col_w[i % cols] = max(col_w[i % cols], w)
        row_h[i // cols] = max(row_h[i // cols], h)
    top = y + (ah - sum(row_h) - (rows - 1) * PICTURE_GAP) / 2
    out: list[PlacedPicture] = []
    for r in range(rows):
        members = range(r * cols, min(n, (r + 1) * cols))
        widths = col_w[: len(members)]
        left = x + (aw - sum(widths) - (len(widths) - 1) * PICTURE_GAP) / 2
        for c, i in enumerate(members):
            w, h = sizes[i]
            bw, bh = max(int(w), 1), max(int(h), 1)
            bx = left + sum(widths[:c]) + c * PICTURE_GAP + (widths[c] - bw) / 2
            by = top + sum(row_h[:r]) + r * PICTURE_GAP + (row_h[r] - bh) / 2
            bx = min(max(round(bx), x), x + aw - bw)
            by = min(max(round(by), y), y + ah - bh)
            out.append(replace(group[i], box=(bx, by, bw, bh)))
    return out


# --------------------------------------------------------------------------- tables


class _TableFit(NamedTuple):
    """A table's size, column widths and row heights (EMU, the header's first) and the
    body rows each slide shows."""

    size: float
    columns: tuple[int, ...]
    heights: tuple[int, ...]
    chunks: tuple[tuple[int, int], ...]
    wide: bool
    """Some word is wider than its column even at the smallest size (it breaks)."""
    tall: bool
    """A row alone is taller than the area even at the smallest size."""


def _cells(table: Table) -> list[tuple[RichText, ...]]:
    """The header then the body rows, each padded to the widest row's number of cells."""
    rows = [table.header, *table.rows]
    n = max((len(r) for r in rows), default=0)
    empty = RichText()
    return [tuple(r) + (empty,) * (n - len(r)) for r in rows]


_FORCED = frozenset("\n\v\u2028\u2029")
"""Characters that break a line wherever they are (metrics lays them out so)."""


def _cell_para(cell: RichText, font: str, bold: bool, size: float) -> MeasurePara:
    return MeasurePara(_text_runs(cell.spans, font, bold, False), size)


def _table_at(
    cells: Sequence[tuple[RichText, ...]], font: str, size: float, area: tuple[int, int, int, int]
) -> tuple[tuple[int, ...], tuple[int, ...], bool]:
    """Column widths and row heights (EMU) at ``size``, and whether every word fits its
    column. Columns get their widest line when the area allows (the rest of the area shared
    in proportion to those), else their longest word plus the room left shared in
    proportion to what each still lacks (a browser's automatic table layout), else room in
    proportion to their longest words (which then break)."""
    ml, mt, mr, mb = (m / EMU_PER_PT for m in TABLE_CELL_MARGINS)
    aw = area[2] / EMU_PER_PT
    ncols = len(cells[0]) if cells else 0
    if ncols == 0:
        return (), (), True
    lo = [0.0] * ncols
    hi = [0.0] * ncols
    measured = []
    for r, row in enumerate(cells):
        ext = [extents(_cell_para(cell, font, r == 0, size)) for cell in row]
        measured.append(ext)
        for c, e in enumerate(ext):
            lo[c] = max(lo[c], e.piece)
            hi[c] = max(hi[c], e.line)
    pad = ml + mr + 0.1
    lo = [w / (1 - WIDTH_MARGIN) + pad for w in lo]
    hi = [w / (1 - WIDTH_MARGIN) + pad for w in hi]
    fits = True
    if sum(hi) <= aw:
        widths = [h + (aw - sum(hi)) * h / sum(hi) for h in hi]
    elif sum(lo) <= aw:
        lack = [h - w for h, w in zip(hi, lo, strict=True)]
        widths = [w + (aw - sum(lo)) * d / sum(lack) for w, d in zip(lo, lack, strict=True)]
    else:
        fits = False
        widths = [aw * w / sum(lo) for w in lo]
    columns = tuple(int(w * EMU_PER_PT) for w in widths)
    inner = [c / EMU_PER_PT - ml - mr for c in columns]
    heights = []
    for r, row in enumerate(cells):
        h = 0.0
        for cell, w, e in zip(row, inner, measured[r], strict=True):
            if e.line <= w * (1 - WIDTH_MARGIN) and _FORCED.isdisjoint(cell.text):  # one line
                h = max(h, e.height)
            else:
                pl = layout_paragraph(_cell_para(cell, font, r == 0, size), max(w, 1.0))
                h = max(h, pl.height)
        heights.append(math.ceil((h + mt + mb) * EMU_PER_PT))
    return columns, tuple(heights), fits


def _fit_table(
    table: PlacedTable,
    preferred: float,
    min_size: float,
    rest: tuple[int, int, int, int] | None = None,
    n_first: int = 0,
) -> _TableFit:
    """The largest size (all cells alike, from ``preferred`` down to ``min_size``) at which
    no word breaks and every row fits the area; else the smallest, the body rows split
    over follow-up slides by whole rows (each slide repeats the header) in even parts.
    ``rest``: the (taller) area of the follow-up slides from the ``n_first``-th on, where
    the text above shows nothing: the first slides hold what fits theirs, the others share
    the rest evenly."""
    cells = _cells(table.table)
    area = table.area
    cands = [c[0] for c in _candidates((preferred,), min_size)]

    def attempt(size: float) -> tuple[tuple[int, ...], tuple[int, ...], bool]:
        return _table_at(cells, table.font, size, area)

    def whole(result: tuple[tuple[int, ...], tuple[int, ...], bool]) -> bool:
        return result[2] and sum(result[1]) <= area[3]

    nrows = len(table.table.rows)
    got = attempt(cands[0])
    if whole(got):
        return _TableFit(cands[0], got[0], got[1], ((0, nrows),), False, False)
    last = attempt(cands[-1])
    if whole(last):
        lo, hi = 0, len(cands) - 1
        best = last
        while hi - lo > 1:
            mid = (lo + hi) // 2
            got = attempt(cands[mid])
            if whole(got):
                hi, best = mid, got
            else:
                lo = mid
        return _TableFit(cands[hi], best[0], best[1], ((0, nrows),), False, False)
    columns, heights, fits = last
    room = area[3] - (heights[0] if heights else 0)
    body = heights[1:]
    if sum(body) <= room:
        chunks: tuple[tuple[int, int], ...] = ((0, nrows),)
    elif rest is None:
        chunks = tuple(_balanced(body, room))
    else:
        later = rest[3] - (heights[0] if heights else 0)
        chunks = tuple(_pack_varying(body, [room] * n_first, later))
        room = min(room, later) if n_first else later
    tall = any(h > room for h in body)
    return _TableFit(cands[-1], columns, heights, chunks, not fits, tall)


# --------------------------------------------------------------------------- elements


def _table_sizes(shape: ShapeProto | None, theme: Theme) -> tuple[float, float]:
    """A table's preferred and smallest size in an area shape."""
    preferred = TABLE_SIZE
    if shape is not None and shape.paragraphs:
        preferred = min(preferred, shape.paragraphs[0].size)
    lowest = min(TABLE_MIN_SIZE, theme.min_body_size)
    if shape is not None and shape.min_size is not None:
        lowest = shape.min_size
    return preferred, lowest


_Areas = dict[int, tuple[tuple[int, int, int, int], tuple[int, int, int, int] | None, int]]
"""Area shape id → its area on the first slides, its area on the follow-ups from the
n-th on (None: the same) and n: where a box grows (:func:`_grow`)."""


def _place_elements(
    slide: SlideSpec, shapes: dict[int, ShapeProto], theme: Theme, areas: _Areas | None = None
) -> tuple[list[tuple[Placed, ...]], list[str]]:
    """What each of the slide's slides (first, then follow-ups) shows of its elements, in
    the slide's order: pictures, placed, on the first only; each table's rows that fit (all
    of it, or its first part on the first slide and the rest on follow-ups). ``areas``:
    where an area grew or shrank (:func:`_grow`)."""
    warnings: list[str] = []
    elements = list(slide.elements)
    if areas:
        elements = [
            replace(el, area=areas[el.shape_id][0]) if el.shape_id in areas else el
            for el in elements
        ]
    groups: dict[tuple[int, tuple[int, int, int, int]], list[tuple[int, PlacedPicture]]] = {}
    for i, el in enumerate(elements):
        if isinstance(el, PlacedPicture):
            groups.setdefault((el.shape_id, el.area), []).append((i, el))
    placed: dict[int, Placed] = {}
    for members in groups.values():
        boxed = _place_pictures([pic for _, pic in members], theme.slide_width)
        for (i, _), pic in zip(members, boxed, strict=True):
            placed[i] = pic
    per_slide: list[list[Placed]] = [[]]
    for i, el in enumerate(elements):
        if not isinstance(el, PlacedTable):
            per_slide[0].append(placed.get(i, el))
            continue
        preferred, lowest = _table_sizes(shapes.get(el.shape_id), theme)
        _, rest, n_first = (
            areas.get(el.shape_id, (el.area, None, 0)) if areas else (el.area, None, 0)
        )
        tf = _fit_table(el, preferred, lowest, rest, n_first)
        for k, (start, stop) in enumerate(tf.chunks):
            if k == len(per_slide):
                per_slide.append([])
            heights = (*tf.heights[:1], *tf.heights[1 + start : 1 + stop])
            area = rest if rest is not None and k >= n_first else el.area
            per_slide[k].append(
                replace(
                    el,
                    area=area,
                    size=tf.size,
                    columns=tf.columns,
                    heights=heights,
                    rows=(start, stop),
                )
            )
        what = "the table" + (f" at line {el.table.line}" if el.table.line else "")
        if tf.wide:
            warnings.append(
                f"{_item_label(slide)}: {what} is too wide for its area even at {tf.size:g} pt "
                "(the smallest table size); words break inside their cells — fewer columns or "
                "shorter words would keep them whole"
            )
        if tf.tall:
            warnings.append(
                f"{_item_label(slide)}: a row of {what} is taller than its area even at "
                f"{tf.size:g} pt; it overflows"
            )
        if len(tf.chunks) > 1:
            warnings.append(
                f"{_item_label(slide)}: {what} ({_plural(len(el.table.rows), 'row')}) does not "
                f"fit on one slide at {tf.size:g} pt; continued by whole rows on "
                f"{_plural(len(tf.chunks) - 1, 'follow-up slide')}, the header repeated"
            )
    return [tuple(s) for s in per_slide], warnings
