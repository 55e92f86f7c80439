"""Slide Markdown as pandoc reads it: the author has cut the talk into slides already.

A summary is cut into slides by deckgen's reading of its outline
(:mod:`deckgen.parse.sections`); a pandoc slide show says where its slides are, and is
built as written, the way pandoc's PowerPoint writer would:

1. :func:`slideshow` — is the document one? It says so with a title block (``% Title``),
   a ``slide-level``, slide-tool metadata (``output: powerpoint_presentation``), a fenced
   div only slides have (``::: notes``, ``::: incremental``, ``:::: columns``), a pause
   (``. . .``), or rules (``---``) used as slide breaks: three or more, or any beside
   pandoc's metadata (``subtitle``, ``lang``, ``abstract`` …) or in text with no heading
   at all. A decorative rule or two in an ordinary summary are not slide breaks.
2. :func:`slide_level` — pandoc's default: the shallowest heading level that is followed
   right away by content somewhere (unless ``--slide-level`` or ``slide-level:`` says).
3. :func:`cut` — a heading at the slide level is a slide (deeper headings are part of it);
   a shallower one is a section divider; a rule starts a new slide; what comes before the
   first heading is a slide too. A slide without a heading is titled by its first line
   when that is a short line of its own, else by its first words.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deckgen.model import Span
from deckgen.parse.blocks import SLIDE_DIVS, Line
from deckgen.parse.classify import ends_sentence
from deckgen.parse.elements import element_text
from deckgen.parse.outline import Head
from deckgen.parse.sections import Cut, Slide, find_conclusion
from deckgen.parse.spans import strip_spans

# Rules are slide breaks in a document with at least this many, most of them between
# content (a summary may have a rule under its intro and one above its sign-off).
MIN_BREAKS = 3
MIN_CONTENT_BREAKS = 2
TITLE_LINE_WORDS = 12
"""A slide without a heading takes its first line as its title up to this many words."""

# Front matter that only slide shows have: pandoc's and R Markdown's/Quarto's.
_SLIDE_KEYS = frozenset(
    ("slide-level", "slide_level", "incremental", "aspectratio", "revealjs-url",
     "reference-doc", "slideNumber", "transition")
)  # fmt: skip
_PANDOC_KEYS = ("subtitle", "lang", "abstract", "institute", "keywords")
_SLIDE_FORMATS = (
    "powerpoint", "pptx", "beamer", "revealjs", "slidy", "ioslides", "xaringan", "dzslides",
    "slideous", "s5", "presentation",
)  # fmt: skip


def _shown(ln: Line) -> bool:
    return bool(ln.spans) or ln.element is not None


def _pandoc_meta(meta: Mapping[str, Any]) -> str:
    """A field of pandoc's metadata that a note app's or a blog's front matter seldom has
    (beside a title): with it, a rule between blocks is a slide break."""
    if not meta.get("title"):
        return ""
    for key in _PANDOC_KEYS:
        if meta.get(key):
            return key
    authors = meta.get("author")
    items = authors if isinstance(authors, list) else [authors]
    if any(isinstance(a, dict) for a in items):
        return "author"
    return ""


def _meta_says(meta: Mapping[str, Any]) -> str:
    for key in meta:
        if key in _SLIDE_KEYS:
            return f"'{key}' in the front matter"
    for key in ("output", "format"):
        value = str(meta.get(key, "")).casefold()
        if any(f in value for f in _SLIDE_FORMATS):
            return f"'{key}: {meta[key]}'" if len(str(meta[key])) < 40 else f"'{key}'"
    return ""


def _next(lines: Sequence[Line], k: int, notes: bool = False) -> Line | None:
    """The first line from ``lines[k]`` on that shows something or is a heading (or, with
    ``notes``, holds notes: pandoc counts a notes div as content)."""
    for i in range(k, len(lines)):
        ln = lines[i]
        if _shown(ln) or ln.kind == "heading" or (notes and ln.notes):
            return ln
    return None


def content_breaks(lines: Sequence[Line], breaks: Sequence[int]) -> list[int]:
    """The rules with something shown before them and, after them, something that is not a
    heading (a rule right before a heading breaks nothing the heading does not)."""
    out = []
    k = 0
    seen = False
    for br in sorted(breaks):
        while k < len(lines) and lines[k].line < br:
            seen = seen or _shown(lines[k])
            k += 1
        nxt = _next(lines, k)
        if seen and nxt is not None and nxt.kind != "heading":
            out.append(br)
    return out


def slideshow(
    lines: Sequence[Line],
    heads: Sequence[Head],
    breaks: Sequence[int],
    divs: Sequence[str],
    pauses: int,
    meta: Mapping[str, Any],
    level: int | None,
    title_block: bool,
) -> str:
    """Why the document is a slide show (for ``deckgen outline``), or empty: it is not."""
    if level is not None:
        return f"slide level {level}"
    if title_block:
        return "pandoc title block"
    said = _meta_says(meta)
    if said:
        return said
    div = next((d for d in divs if d in SLIDE_DIVS), None)
    if div is not None:
        return f"'::: {div}'"
    if pauses:
        return "'. . .' pauses"
    if not breaks:
        return ""
    between = content_breaks(lines, breaks)
    if len(breaks) >= MIN_BREAKS and len(between) >= MIN_CONTENT_BREAKS:
        return f"{len(breaks)} '---' slide breaks"
    if between and not heads:
        return "'---' breaks in text without headings"
    key = _pandoc_meta(meta) if between else ""
    if key:
        return f"'---' breaks and pandoc's '{key}' in the front matter"
    return ""


def slide_level(lines: Sequence[Line], heads: Sequence[Head], breaks: Sequence[int]) -> int:
    """pandoc's default slide level (as an outline level, 10 per ``#``): the shallowest
    heading followed right away by content, not by another heading or a rule; with none,
    the deepest heading's (every heading a slide of its own or above one)."""
    rules = sorted(breaks)
    best: int | None = None
    for h in heads:
        nxt = _next(lines, h.index + 1, notes=True)
        if nxt is None or nxt.kind == "heading":
            continue
        k = bisect_right(rules, lines[h.index].line)
        if k < len(rules) and rules[k] < nxt.line:
            continue  # a rule between the heading and its content
        if best is None or h.level < best:
            best = h.level
    if best is not None:
        return best
    return max((h.level for h in heads), default=10)


def _pieces(lines: Sequence[Line], a: int, b: int, breaks: Sequence[int]) -> list[tuple[int, int]]:
    """``lines[a:b]`` cut at the rules between them (at least one piece, maybe empty);
    ``breaks`` sorted."""
    cuts = [a]
    if b - a < 2:
        return [(a, b)]
    inside = breaks[bisect_right(breaks, lines[a].line) : bisect_left(breaks, lines[b - 1].line)]
    for br in inside:
        k = cuts[-1]
        while k < b and lines[k].line < br:
            k += 1
        if k >= b:
            break
        if k > cuts[-1]:
            cuts.append(k)
    cuts.append(b)
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _line_title(lines: Sequence[Line], a: int, b: int) -> Head | None:
    """A slide without a heading: its first line is its title when it is a heading (deeper
    than the slide level) or a short line of its own (not a list item, not a sentence that
    goes on)."""
    k = next((i for i in range(a, b) if _shown(lines[i])), None)
    if k is None or lines[k].element is not None:
        return None
    ln = lines[k]
    if ln.kind == "heading":
        return Head(k, 0, "titled by its first line, a heading",
                    list(ln.title) or strip_spans(ln.spans))  # fmt: skip
    if ln.kind != "text" or ln.bullet or ln.number is not None or not ln.first:
        return None
    nxt = lines[k + 1] if k + 1 < len(lines) else None
    if nxt is not None and nxt.block == ln.block and nxt.kind == "text":
        return None  # a paragraph of several lines
    text = ln.text.strip()
    if not text or len(text.split()) > TITLE_LINE_WORDS or text.endswith((",", "，")):
        return None
    if ends_sentence(text) and len(text.split()) > TITLE_LINE_WORDS // 2:
        return None  # a sentence, not a title
    return Head(k, 0, "titled by its first line", strip_spans(ln.spans, " :："))


def _words_title(lines: Sequence[Line], a: int, b: int) -> list[Span]:
    first = next((ln for ln in lines[a:b] if ln.spans), None)
    el = next((ln.element for ln in lines[a:b] if ln.element is not None), None)
    words = (first.text if first is not None else element_text(el) if el else "").split()
    return [Span(" ".join(words[:8]) + (" …" if len(words) > 8 else ""))]


def _untitled(lines: Sequence[Line], a: int, b: int, level: int, rule: str) -> Slide:
    head = _line_title(lines, a, b)
    if head is not None:
        head.level = level
        # (from ``a``: notes before the title line are the slide's; the title line is not
        # a line of its body)
        return Slide(head, a, b, "insight", 1, rule)
    return Slide(None, a, b, "insight", 1, f"{rule}, titled by its first words",
                 title=_words_title(lines, a, b))  # fmt: skip


def _has_shown(lines: Sequence[Line], a: int, b: int) -> bool:
    return any(_shown(ln) for ln in lines[a:b])


def _add(
    out: list[Slide], lines: Sequence[Line], a: int, b: int, breaks: Sequence[int],
    first: Slide | str, why: str,
) -> None:  # fmt: skip
    """Slides for ``lines[a:b]``: ``first`` (a heading's slide, or the rule of a slide
    without one) takes the first piece; each piece after a rule is a slide of its own. A
    piece with nothing to show (notes only) goes with the slide before it."""
    for n, (x, y) in enumerate(_pieces(lines, a, b, breaks)):
        if n == 0 and isinstance(first, Slide):
            first.end = y
            out.append(first)
        elif _has_shown(lines, x, y):
            rule = first if n == 0 and isinstance(first, str) else "slide after a '---' rule"
            out.append(_untitled(lines, x, y, 1, f"{rule} ({why})"))
        elif out:
            out[-1].end = y
        # (nothing shown before any slide: the caller left those lines to the title slide)


def _name(level: int) -> str:
    return "#" * (level // 10) if level else "no heading"


def cut(
    lines: Sequence[Line],
    heads: list[Head],
    breaks: Sequence[int],
    first: int,
    level: int,
    why: str,
) -> tuple[Cut, Head | None, list[Head]]:
    """The slides of a slide show from line ``first`` on (before it: the title block), its
    conclusion head (a ``# Conclusion`` slide with text only) and its back matter."""
    breaks = sorted(breaks)
    top = [h for h in heads if h.level <= level]
    conclusion, back = find_conclusion(lines, top, level) if top else (None, [])
    if conclusion is not None:
        end = back[0].index if back else len(lines)
        inside = [br for br in breaks if lines[conclusion.index].line < br]
        if (
            conclusion.level != level
            or not conclusion.rule.startswith("heading")
            or any(
                ln.element is not None or ln.kind == "quote" for ln in lines[conclusion.index : end]
            )
            or any(br < lines[end - 1].line for br in inside)
        ):
            conclusion, back = None, []
    stop = conclusion.index if conclusion is not None else len(lines)
    top = [h for h in top if h.index < stop]
    at = f"pandoc slide show: {why}"
    slide_rule = f"slide ({_name(level)} heading; {at})"
    slides: list[Slide] = []
    intro_end = top[0].index if top else stop
    for x, y in _pieces(lines, first, intro_end, breaks):
        if _has_shown(lines, x, y):
            break
        first = y  # notes before the first slide: the title slide's
    lead = "slide before the first heading" if level else "slide before the first '---' rule"
    _add(slides, lines, first, intro_end, breaks, lead, at)
    for k, h in enumerate(top):
        end = top[k + 1].index if k + 1 < len(top) else stop
        if h.level < level:
            under_end = next((x.index for x in top[k + 1 :] if x.level <= h.level), stop)
            under = [x.text for x in top[k + 1 :] if x.level == level and x.index < under_end]
            divider = Slide(
                h, h.index + 1, h.index + 1, "section", 0,
                f"divider ({_name(h.level)} above the {_name(level)} slides; {at})",
                subsections=under,
            )  # fmt: skip
            own = next((i for i in range(h.index + 1, end) if _shown(lines[i])), end)
            divider.end = own
            slides.append(divider)
            _add(slides, lines, own, end, breaks, "slide of a divider's text", at)
        else:
            slide = Slide(h, h.index + 1, end, "insight", 1, slide_rule)
            _add(slides, lines, h.index + 1, end, breaks, slide, at)
    return Cut(slides, first, section_level=level), conclusion, back


# --------------------------------------------------------------------------- Marp

MARP_TITLE_LINES = 2
"""A Marp deck's first slide is its title slide when it holds a heading and at most this
many short lines more (a subtitle, then the speaker or a date; one more on a ``lead``
slide), no list, no table and no heading but the subtitle."""


def _picture_line(ln: Line) -> bool:
    return ln.element is not None and type(ln.element).__name__ == "Picture"


def marp_pieces(lines: Sequence[Line], breaks: Sequence[int], first: int) -> list[_Piece]:
    """Marp's slides from line ``first`` on: one between each two rules (and the rules
    ``headingDivider`` makes before its headings, in ``breaks`` too); a piece with nothing
    shown (a presenter note after a last rule) goes with the slide before it."""
    rules = sorted(breaks)
    out: list[_Piece] = []
    for x, y in _pieces(lines, first, len(lines), rules):
        hi = lines[y].line if y < len(lines) else 1 << 30
        if out and not _has_shown(lines, out[-1].start, out[-1].end):
            out[-1].end, out[-1].hi = y, hi  # nothing shown before: one slide with this
        elif _has_shown(lines, x, y) or not out:
            out.append(_Piece(x, y, 0, hi))
        else:
            out[-1].end, out[-1].hi = y, hi
    for k in range(1, len(out)):
        # a directive after the rule, above the slide's first line, is the slide's
        out[k].lo = _rule_before(rules, lines[out[k].start].line)
    return out


def piece_of(pieces: Sequence[_Piece], line: int) -> int:
    """The index of the piece a directive on source line ``line`` belongs to."""
    k = 0
    for i, p in enumerate(pieces):
        if p.lo <= line:
            k = i
    return k


def _rule_before(rules: Sequence[int], line: int) -> int:
    k = bisect_left(rules, line)
    return rules[k - 1] if k else 0


class _Piece:
    """One Marp slide's lines, ``lines[start:end]``, and the source lines it spans (from
    the rule before it, ``lo``, to the next slide's first line, ``hi``), to give it its
    directives."""

    __slots__ = ("start", "end", "lo", "hi")

    def __init__(self, start: int, end: int, lo: int, hi: int) -> None:
        self.start, self.end, self.lo, self.hi = start, end, lo, hi


def marp_title(
    lines: Sequence[Line], piece: _Piece, lead: bool = False
) -> tuple[int, list[int]] | None:
    """A Marp deck's first slide as its title slide: (its heading's index, the indices of
    the short lines under it), when it is a heading and a few short lines, nothing else
    but pictures."""
    shown = [i for i in range(piece.start, piece.end) if _shown(lines[i])]
    words = [i for i in shown if not _picture_line(lines[i])]
    if not words or lines[words[0]].kind != "heading":
        return None
    rest = words[1:]
    if len(rest) > MARP_TITLE_LINES + lead:
        return None
    for k, i in enumerate(rest):
        ln = lines[i]
        if ln.element is not None or ln.bullet or ln.number is not None:
            return None
        if k and ln.kind == "heading":
            return None  # a slide with sections of its own
        if ln.kind not in ("text", "heading", "html") or len(ln.text.split()) > TITLE_LINE_WORDS:
            return None
    return words[0], rest


def marp_slides(
    lines: Sequence[Line],
    heads: Sequence[Head],
    pieces: Sequence[_Piece],
    leads: Sequence[bool],
    why: str,
) -> list[Slide]:
    """One slide per piece, titled by its first heading (pictures may come before it: a
    background is often written first) or, without one, by its first line or words. A
    ``lead`` piece that is only a heading (and pictures) is a section divider."""
    by_index = {h.index: h for h in heads}
    at = f"Marp slide show: {why}"
    out: list[Slide] = []
    for piece, lead in zip(pieces, leads, strict=True):
        x, y = piece.start, piece.end
        k = next((i for i in range(x, y) if _shown(lines[i]) and not _picture_line(lines[i])), None)
        ln = lines[k] if k is not None else None
        if k is None or ln is None or ln.kind != "heading":
            out.append(_untitled(lines, x, y, 1, f"slide between '---' rules ({at})"))
            continue
        head = by_index.get(k) or Head(k, 10 * ln.level, "heading", list(ln.title) or
                                       strip_spans(ln.spans))  # fmt: skip
        more = any(_shown(lines[i]) and not _picture_line(lines[i]) for i in range(k + 1, y))
        if lead and not more:
            out.append(
                Slide(head, x, y, "section", 0, f"divider (a lead slide of a heading; {at})")
            )
        else:
            out.append(Slide(head, x, y, "insight", 1, f"slide ({at})"))
    return out


@dataclass
class MarpReading:
    """What Marp's structure and directives make of a document."""

    cut: Cut
    title: int | None = None
    """Index of the heading that is the deck's title (its first slide is the title slide)."""
    subtitle: int | None = None
    author: int | None = None
    """Index of a short line under the title, as the speaker's name (when no author is
    given)."""
    titled_by: int | None = None
    """Without a title slide or a title: the heading of the first slide, the deck's title."""
    meta: dict[str, Any] = field(default_factory=dict)
    numbers: bool = False


def marp_read(
    lines: Sequence[Line],
    heads: Sequence[Head],
    breaks: Sequence[int],
    directives: Sequence[tuple[int, dict[str, str]]],
    meta: Mapping[str, Any],
    fm_title: str | None,
    why: str,
) -> MarpReading:
    """The slides of a Marp document, its title slide, and the metadata its directives
    give (the front matter's and its comments')."""
    from deckgen.parse.marp import GLOBAL, LOCAL, heading_divider, truth

    out_meta = dict(meta)
    for _, said in directives:  # global directives apply wherever they are written
        for key, value in said.items():
            if key in GLOBAL and key not in LOCAL and key != "marp":
                out_meta[key] = value
    divider = heading_divider(out_meta.get("headingDivider"))
    rules = list(breaks)
    if divider:
        rules += [lines[h.index].line for h in heads if lines[h.index].level <= divider]
    pieces = marp_pieces(lines, rules, 0)
    local: list[dict[str, Any]] = [{} for _ in pieces]
    spot: list[dict[str, Any]] = [{} for _ in pieces]
    for line, said in directives:
        k = piece_of(pieces, line)
        for key, value in said.items():
            if key.startswith("_"):
                spot[k][key[1:]] = value
            elif key in LOCAL:
                local[k][key] = value
    now = {k: v for k, v in meta.items() if k in LOCAL}
    effective: list[dict[str, Any]] = []
    for k in range(len(pieces)):
        now.update(local[k])
        effective.append({**now, **spot[k]})
    leads = ["lead" in str(e.get("class", "")).split() for e in effective]
    numbers = any(truth(e.get("paginate")) for e in effective)
    if "footer" not in out_meta or not str(out_meta["footer"]).strip():
        footer = next(
            (str(e[key]) for key in ("footer", "header") for e in effective if e.get(key)), ""
        )
        if footer.strip():
            out_meta["footer"] = footer.strip()

    reading = MarpReading(Cut([], 0), meta=out_meta, numbers=numbers)
    first = 0
    found = marp_title(lines, pieces[0], leads[0]) if pieces else None
    if found is not None:
        head, rest = found
        top = min((lines[h.index].level for h in heads), default=lines[head].level)
        named = fm_title is not None and " ".join(lines[head].text.split()).casefold() == (
            " ".join(fm_title.split()).casefold()
        )
        if leads[0] or named or (fm_title is None and lines[head].level <= top):
            reading.title = head
            reading.subtitle = rest[0] if rest else None
            if len(rest) == 2:
                reading.author = rest[1]
            first = 1
    slides = marp_slides(lines, heads, pieces[first:], leads[first:], why)
    if not first and fm_title is None and slides and slides[0].head is not None:
        reading.titled_by = slides[0].head.index  # no title slide: the first slide's title
    reading.cut = Cut(slides, pieces[0].end if first else 0)
    return reading
