"""pandoc's column layout (``:::: columns`` holding ``::: column`` divs) as a Columns element.

The walker hands on a columns div with two or more columns as one ``columns`` line that
holds each column's lines (:meth:`deckgen.parse.blocks.Walker.columns`). Once the lines are
classified, :func:`settle` makes it a :class:`~deckgen.model.Columns` element: each
column's text as a section's body is read (paragraphs, list items with their levels,
labelled lines with their label bold, sub-headings bold), its pictures, and the heading it
opens with as its column heading (pandoc's comparison layout: ``### Pros`` over the
column's points). A table, code block or quote in a column is text of the column (its
lines); speaker notes in a column (``::: notes``) are the section's notes, never a
column's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from deckgen.model import Column, Columns, Picture, RichText, Span
from deckgen.parse.assemble import _labelled, body_item, list_base, units
from deckgen.parse.blocks import Line
from deckgen.parse.classify import classify
from deckgen.parse.elements import element_chars
from deckgen.parse.spans import plain, rich, strip_spans


def settle(lines: Sequence[Line]) -> list[Line]:
    """Each ``columns`` line as an ``element`` line holding its Columns (the columns'
    notes become the line's notes, the first layout directive in them its layout)."""
    out: list[Line] = []
    for ln in lines:
        if ln.kind != "columns":
            out.append(ln)
            continue
        notes: list[str] = list(ln.notes)
        layouts: list[str] = []
        cols = [_column(width, taken, notes, layouts, ln.line) for width, taken in ln.columns]
        el = Columns(tuple(cols), ln.line)
        out.append(
            replace(
                ln,
                kind="element",
                element=el,
                chars=element_chars(el),
                notes=notes,
                layout=ln.layout or (layouts[0] if layouts else ""),
                columns=[],
            )
        )
    return out


def _flat(ln: Line) -> list[Line]:
    """A column's line as the lines it shows: a picture stays a picture; a table, code
    block, quote (or columns inside a column) is its lines of text."""
    if ln.kind == "element" and isinstance(ln.element, Picture):
        return [ln]
    if ln.kind in ("element", "quote", "columns"):
        return [x for f in ln.fallback for x in _flat(f)]
    return [ln]


def _column(
    width: str, taken: Sequence[Line], notes: list[str], layouts: list[str], line: int
) -> Column:
    flat = [x for ln in taken for x in _flat(ln)]
    for ln in flat:
        classify(ln)
    heading: RichText | None = None
    first = next((k for k, ln in enumerate(flat) if ln.spans or ln.element is not None), None)
    if first is not None and flat[first].kind == "heading":
        head = flat[first]
        heading = rich(strip_spans(head.spans), head.line)
        notes.extend(head.notes)
        flat = flat[:first] + flat[first + 1 :]
    items: list[RichText] = []
    pictures: list[Picture] = []
    parts = units(flat)
    base = list_base(parts)
    for u in parts:
        if u.kind == "notes":
            text = plain(u.spans).strip()
            if text:
                notes.append(text)
        elif u.kind == "layout":
            layouts.append(u.label)
        elif u.kind == "element":
            if isinstance(u.element, Picture):
                pictures.append(u.element)
        elif u.kind == "field":
            items.append(body_item(_labelled(u.label, u.spans, u.line), u, base))
        elif u.kind == "heading":
            bold = [Span(x.text, True, x.italic, x.code, x.link) for x in u.spans]
            items.append(rich(bold, u.line))
        else:
            items.append(body_item(rich(u.spans, u.line), u, base))
    start = next((x.line for x in taken), line)
    return Column(tuple(items), tuple(pictures), heading, width, start)
