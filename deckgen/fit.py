"""Choose font sizes so that every text frame fits its box; continue what cannot fit.

PowerPoint's "shrink text on overflow" only takes effect once someone edits the slide, and
LibreOffice's differs from it, so the size written in the file must already fit. For each
frame we measure (:mod:`deckgen.metrics`) at the designer's preferred sizes and shrink all
paragraphs of the frame together, in half-point steps, down to the theme's minimum. Text
that does not fit even at the minimum is never cut: the slide is repeated as follow-up
slides (``SlideSpec.continued`` = 1, 2, …) that carry the rest, split between paragraphs,
or inside a paragraph at a line break the measurement found.

Pure function of the deck: no python-pptx, no I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

from deckgen.errors import quoted
from deckgen.metrics import Layout, MeasurePara, ParaLayout, TextRun, layout, layout_paragraph
from deckgen.model import (
    EMU_PER_PT,
    Deck,
    Frame,
    Para,
    ParaProto,
    ShapeProto,
    SlideSpec,
    Span,
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

LEVEL_INDENT = 36.0
"""Points of indentation assumed per list level (PowerPoint's masters use 0.5 inch steps)."""

_DEFAULT_PROTO = ParaProto(template="", font="Calibri", size=18.0)


def fit(deck: Deck) -> Deck:
    """Return the deck with ``Para.size`` set everywhere and over-long slides continued."""
    theme = deck.theme
    slides: list[SlideSpec] = []
    warnings = list(deck.warnings)
    memo: dict[tuple[str, int, tuple[Para, ...]], tuple[_Box, _FrameFit]] = {}
    for slide in deck.slides:
        proto = theme.prototypes.get(slide.kind)
        if proto is None:
            slides.append(slide)
            continue
        shapes = {s.shape_id: s for s in proto.shapes}
        out, warns = _fit_slide(slide, shapes, theme, memo)
        slides.extend(out)
        warnings.extend(warns)
    return replace(deck, slides=tuple(slides), warnings=tuple(warnings))


# --------------------------------------------------------------------------- one frame


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
        return MeasurePara(
            _text_runs(para.runs, pp.font, pp.bold, pp.italic),
            size,
            pp.line_spacing,
            pp.space_before,
            pp.space_after,
            indent=pp.margin + LEVEL_INDENT * max(para.level, 0),
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


def _fit_frame(box: _Box, frame: Frame, split: bool) -> _FrameFit:
    paras = frame.paragraphs
    if not paras:
        return _FrameFit(((),), True, 0.0)
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
    if slide.kind in ("insight", "bullets") and slide.number:
        title = re.sub(rf"^{re.escape(slide.number)}\s*[.):]\s*", "", title)  # "3. Title" → "Title"
        return f"insight {slide.number} {quoted(title)}{line}"
    kind = "insight" if slide.kind == "bullets" else slide.kind
    return f"{kind} slide {quoted(title)}{line}"


def _append_continued(paras: tuple[Para, ...]) -> tuple[Para, ...]:
    if not paras:
        return paras
    last = paras[-1]
    tail = last.runs[-1] if last.runs else Span("")
    extra = Span(CONTINUED, bold=tail.bold, italic=tail.italic, code=False, link=None)
    return (*paras[:-1], replace(last, runs=(*last.runs, extra)))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _fit_slide(
    slide: SlideSpec,
    shapes: dict[int, ShapeProto],
    theme: Theme,
    memo: dict[tuple[str, int, tuple[Para, ...]], tuple[_Box, _FrameFit]],
) -> tuple[list[SlideSpec], list[str]]:
    """``memo``: frames fitted so far, by slide kind, shape and text (footers, slide numbers
    and labels repeat on every slide)."""
    warnings: list[str] = []
    fits: list[tuple[Frame, _Box, _FrameFit] | Frame] = []
    overflow_size: float | None = None
    overflow_box: _Box | None = None
    for frame in slide.frames:
        shape = shapes.get(frame.shape_id)
        if shape is None:
            fits.append(frame)
            continue
        key = (slide.kind, frame.shape_id, frame.paragraphs)
        hit = memo.get(key)
        if hit is None:
            box = _Box.of(shape, theme)
            hit = memo[key] = box, _fit_frame(box, frame, split=shape.role == "content")
        box, ff = hit
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
        if k == 0:
            out.append(replace(slide, frames=tuple(frames)))
        else:
            out.append(
                replace(
                    slide,
                    frames=tuple(frames),
                    continued=slide.continued + k,
                    title=head if head else slide.title + CONTINUED,
                )
            )
    if n > 1:
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
