from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from deckgen.model import Conclusion, Element, Field, Insight, ListItem, RichText, Span
from deckgen.parse.blocks import Line
from deckgen.parse.classify import ends_sentence
from deckgen.parse.spans import cut, plain, rich, strip_spans


@dataclass
class Unit:
    """A piece of an insight's body: a point, a labelled field, notes, a sub-heading, an
    element (picture, table, code, quote) or a layout directive (``label`` its name)."""

    kind: str  # point | field | notes | heading | element | layout
    spans: list[Span]
    line: int
    label: str = ""
    list_id: int | None = None
    bullet: bool = False
    open: bool = True  # may take a hard-wrapped continuation line
    last: str = ""  # its last source line, as text
    whole: list[Span] = field(default_factory=list)  # a field's line, label included
    element: Element | None = None
    depth: int = -1  # nesting depth of the list it is in (0: a top-level list), or -1
    item: bool = False  # it opens a list item (a bullet, a number, a task box)
    appear: bool = False  # an item of an incremental list
    indent: int = 0  # its first line's indentation (a list item's paragraph is indented)

    @property
    def as_written(self) -> list[Span]:
        """The unit with its label, for places that have no fields (intro, conclusion)."""
        if self.kind == "field" and self.whole:
            return strip_spans(self.whole)
        if self.kind in ("field", "notes") and self.label:
            return [Span(f"{self.label}: "), *self.spans]
        return self.spans


# A line that starts like this begins something of its own: a quote, a dash or bullet
# (an attribution, a pasted list), a number, an emoji.
_OWN_START = re.compile(r"""["'“”‘’«»„‚「『‹›]|[-–—―•◦▪‣·*+>]|\d{1,3}[.)](?:\s|$)""")
# ``"Ship small." — Maria``: a closing quote and its attribution end the line's thought
_ATTRIBUTION = re.compile(r"""["”’»」』›]\s*(?:[-–—―]+|\()\s*[^"“”«»]{1,60}$""")


def _symbol(ch: str) -> bool:
    """Emoji and pictographs (☑, →, 🚀): not letters or digits, not punctuation."""
    return ord(ch) >= 0x1F000 or (ord(ch) >= 0x2000 and unicodedata.category(ch) == "So")


def wrapped(prev_line: str, line: str) -> bool:
    """Does ``line`` continue a hard-wrapped sentence from ``prev_line``?

    Summaries written line by line (like content.md) end their lines with punctuation or
    keep them short; wrapped prose breaks long lines mid-sentence or continues lowercase.
    A line break between two complete lines is the author's: a line that opens with a
    quote mark, a dash, a number or an emoji starts something new (three quotes on three
    lines stay three quotes), and so does any line after a quote with its attribution or
    after a line that ends in an emoji.
    """
    if ends_sentence(prev_line):
        return False
    line, prev = line.lstrip(), prev_line.rstrip()
    if not line or not prev:
        return False
    if _OWN_START.match(line) or _symbol(line[0]) or _symbol(prev[-1]):
        return False
    if _ATTRIBUTION.search(prev):
        return False
    return len(prev_line) >= 40 or line[:1].islower()


def units(lines: Sequence[Line]) -> list[Unit]:
    """Rule 4: lines → paragraphs, fields and notes (hard-wrapped prose joined again)."""
    out: list[Unit] = []
    for ln in lines:
        for note in ln.notes:
            out.append(Unit("notes", [Span(note)], ln.line, open=False))
        if ln.layout:
            out.append(Unit("layout", [], ln.line, ln.layout, open=False))
        if ln.element is not None:
            out.append(Unit("element", [], ln.line, open=False, element=ln.element))
            continue
        if not ln.spans:
            continue
        prev = out[-1] if out else None
        cont = (
            ln.kind == "text"
            and not ln.first
            and ln.role == "plain"
            and prev is not None
            and prev.open
            and wrapped(prev.last, ln.text)
        )
        if cont and prev is not None:
            # in place: a paragraph hard-wrapped over thousands of lines stays linear
            prev.spans.append(Span(" "))
            prev.spans.extend(ln.spans)
            if prev.whole:
                prev.whole.append(Span(" "))
                prev.whole.extend(ln.spans)
            prev.last = ln.text
            continue
        spans = ln.spans
        if ln.kind == "text" and ln.number is not None:
            spans = [Span(f"{ln.number}. "), *spans]
        # units own their span lists (continuation lines are appended to them)
        if ln.role == "notes":
            out.append(Unit("notes", list(ln.rest), ln.line, ln.label))
        elif ln.role == "label" and (ln.first or not ln.label[:1].islower()):
            out.append(Unit("field", list(ln.rest), ln.line, ln.label, ln.list_id, ln.bullet))
            out[-1].whole = list(ln.spans)
        elif ln.kind == "heading":
            out.append(Unit("heading", strip_spans(ln.spans), ln.line, open=False))
        else:
            out.append(
                Unit("point", list(spans), ln.line, list_id=ln.list_id, bullet=ln.bullet,
                      open=ln.kind == "text")
            )  # fmt: skip
        u = out[-1]
        u.last, u.depth, u.indent = ln.text, ln.depth, ln.indent
        u.item = ln.bullet or ln.number is not None
        u.appear = ln.appear
    return out


def without_elements(lines: Sequence[Line]) -> list[Line]:
    """The lines with each element as the text it holds and each line that had a picture
    as it was shown with the picture's alt text (their fallback lines): for the
    conclusion, whose slide shows text only (no word of a table or an alt text is lost)."""
    out: list[Line] = []
    for ln in lines:
        if ln.kind == "element" or ln.fallback:
            out.extend(ln.fallback)
        else:
            out.append(ln)
    return out


def _in_list(u: Unit) -> bool:
    """A list item, or a paragraph of one (indented under it); a line that markdown-it
    only joined to an item lazily (written at the margin) is not."""
    return u.depth >= 0 and (u.item or u.indent > 0) and u.kind in ("point", "field")


def list_base(parts: Sequence[Unit]) -> int:
    """The shallowest list depth among a slide's items: its level 0 (the bullets under a
    numbered item that is the slide's title are the slide's top level)."""
    return min((u.depth for u in parts if _in_list(u)), default=0)


def body_item(rt: RichText, u: Unit, base: int) -> RichText:
    """A line of the slide's body (``Insight.items``): a :class:`ListItem` with its level
    and bullet when it is part of a list, else the text as it is. Ordered and task items
    keep their number or box in the text and get no bullet glyph; a list item's further
    paragraphs are at its level without a glyph."""
    if not _in_list(u):
        return rt
    task = rt.text[:1] in ("☐", "☑")
    bullet = u.item and u.bullet and not task
    return ListItem(rt.spans, rt.line, level=max(0, u.depth - base), bullet=bullet, appear=u.appear)


def _labelled(label: str, spans: Sequence[Span], line: int | None) -> RichText:
    """``Label: text`` with the label bold, as a body line of a layout without fields."""
    return rich([Span(f"{label}: ", bold=True), *spans], line)


TITLE_CHARS = 110
_SENTENCE_END = re.compile(r"[.!?。！？:：;](?=\s|$)|\s[-–—]\s")


def short_title(spans: list[Span], limit: int = TITLE_CHARS) -> list[Span]:
    """The first sentence of an over-long title, or its first words and "…"."""
    text = plain(spans)
    m = _SENTENCE_END.search(text, 20, limit)
    if m is not None:
        return strip_spans(cut(spans, m.start() + (1 if text[m.start()] in ".!?。！？" else 0))[0])
    words = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[: limit // 2]
    return [*strip_spans(cut(spans, len(words))[0], " ,;:"), Span("…")]


def make_insight(number: int, head: Line, body: Sequence[Line]) -> Insight:
    """One section's Insight from its head line and its body lines: fields, points and
    notes as before; ``items`` the body in order (list items as :class:`ListItem`);
    ``elements`` its pictures, tables, code blocks and quotes in source order; ``layout``
    the first ``<!-- layout: … -->`` directive in it."""
    fields: list[Field] = []
    points: list[RichText] = []
    notes: list[RichText] = []
    items: list[RichText] = []
    elements: list[Element] = []
    layout = head.layout
    if head.rest:
        points.append(rich(head.rest, head.line))
        items.append(points[-1])
    for note in head.notes:
        notes.append(RichText.plain_text(note, head.line))
    parts = units(body)
    base = list_base(parts)
    k = 0
    while k < len(parts):
        u = parts[k]
        if u.kind == "notes":
            notes.append(rich(u.spans, u.line))
        elif u.kind == "element" and u.element is not None:
            elements.append(u.element)
        elif u.kind == "layout":
            layout = layout or u.label
        elif u.kind == "field":
            fields.append(Field(u.label, rich(u.spans, u.line), u.line))
            items.append(body_item(_labelled(u.label, u.spans, u.line), u, base))
        elif u.kind == "heading" and k + 1 < len(parts) and parts[k + 1].kind == "point":
            # "### Key point" followed by its paragraph reads as a labelled field
            label = plain(u.spans).rstrip(" :：")
            if len(label.split()) <= 5:
                nxt = parts[k + 1]
                fields.append(Field(label, rich(nxt.spans, nxt.line), u.line))
                # in the body, the sub-head stays a line of its own (a follow-up slide
                # that starts with it is titled with it)
                items.append(
                    rich([Span(x.text, True, x.italic, x.code, x.link) for x in u.spans], u.line)
                )
                items.append(body_item(rich(nxt.spans, nxt.line), nxt, base))
                k += 2
                continue
            points.append(rich(u.spans, u.line))
            bold = [Span(s.text, True, s.italic, s.code, s.link) for s in u.spans]
            items.append(rich(bold, u.line))
        else:
            points.append(rich(u.spans, u.line))
            items.append(body_item(points[-1], u, base))
        k += 1
    title = head.title or strip_spans(head.spans)
    if len(plain(title)) > TITLE_CHARS:
        # a whole paragraph as a title would be split across slides: the title is its
        # first sentence (or its first words), the paragraph the slide's first point
        short = short_title(title)
        whole = rich(title, head.line)
        points.insert(0, whole)
        items.insert(0, whole)
        title = short
    return Insight(
        number,
        rich(title, head.line),
        tuple(fields),
        tuple(points),
        tuple(notes),
        head.line,
        items=tuple(items),
        elements=tuple(elements),
        layout=layout,
        background=head.background,
    )


def make_conclusion(head: Line, body: Sequence[Line]) -> Conclusion:
    parts: list[Unit] = []
    if head.kind == "text" and head.label and head.rest:
        parts.append(Unit("point", head.rest, head.line))
    parts.extend(u for u in units(without_elements(body)) if u.kind != "layout")
    main: list[RichText] = []
    closing: list[RichText] = []
    notes: list[RichText] = [RichText.plain_text(n, head.line) for n in head.notes]
    first: Unit | None = None
    for u in parts:
        spans = u.spans
        if u.kind == "notes":
            notes.append(rich(spans, u.line))
            continue
        if u.kind == "field":
            spans = u.as_written
        if first is None:
            first = u
            main.append(rich(spans, u.line))
        elif first.bullet and u.bullet and u.list_id == first.list_id and not closing:
            main.append(rich(spans, u.line))
        else:
            closing.append(rich(spans, u.line))
    heading = plain(head.title) if head.title else "Conclusion"
    return Conclusion(heading, tuple(main), tuple(closing), tuple(notes), head.line)
