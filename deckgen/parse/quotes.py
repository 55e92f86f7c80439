"""Which block quotes are quotations, and what they say and who said it (issue 11).

The walker hands on a block quote of plain paragraphs as one ``quote`` line holding its
lines (:meth:`deckgen.parse.blocks.Walker.quote`). Once every line is classified,
:func:`settle` decides: a quote of prose becomes a :class:`~deckgen.model.Quote` element;
one whose lines are labelled (``> **Key Point:** …``, ``> Notes: …``), numbered or bold
headings is text, read as it always was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from deckgen.model import Quote, RichText, Span
from deckgen.parse.assemble import wrapped
from deckgen.parse.blocks import Line
from deckgen.parse.elements import element_chars
from deckgen.parse.spans import cut, merge, rich, strip_spans

# "— Ada Lovelace", "-- Knuth, TAOCP", "– Name", "―Name": a dash, then who said it
_ATTRIBUTION_LINE = re.compile(r"^\s*(?:—|–|―|-{1,3})\s*(?=\S)")
# '"Ship small." — Maria': a closing quote mark, a dash and a name, on the quote's line
_TRAILING_ATTRIBUTION = re.compile(r"""(?<=["”’»」』›])\s*(?:—|–|―|--)\s*(?=[^\s"“”«»])""")
_ATTRIBUTION_CHARS = 100


def settle(lines: Sequence[Line]) -> list[Line]:
    """Each ``quote`` line as a Quote element, or as its lines when they are not prose."""
    out: list[Line] = []
    for ln in lines:
        if ln.kind != "quote":
            out.append(ln)
            continue
        quote = as_quote(ln.fallback, ln.line)
        if quote is None:
            out.extend(ln.fallback)
        else:
            out.append(replace(ln, kind="element", element=quote, chars=element_chars(quote)))
    return out


def as_quote(lines: Sequence[Line], start: int) -> Quote | None:
    """The quotation these (classified) lines make, or None when a line of them is not
    plain prose: a label, notes, a numbered line, a bold heading, a conclusion's name.
    An attribution line (``— Name: Book``) may look like a label; it is one."""
    texts = [ln for ln in lines if ln.spans]
    if not texts or any(ln.notes or ln.layout for ln in lines):
        return None
    body = texts
    if len(texts) > 1 and _ATTRIBUTION_LINE.match(texts[-1].text):
        body = texts[:-1]
    if any(ln.role != "plain" for ln in body):
        return None
    paragraphs: list[list[RichText]] = []
    block: int | None = None
    for ln in texts:
        if ln.block != block:
            paragraphs.append([])
            block = ln.block
        paragraphs[-1].append(rich(ln.spans, ln.line))
    return make_quote(paragraphs, start)


def make_quote(paragraphs: list[list[RichText]], line: int | None) -> Quote:
    """A quote from its paragraphs (each a list of lines as written), the attribution
    taken from a last line that opens with a dash (``— Name``), or from the end of a
    last line that closes a quotation (``"…" — Name``)."""
    paras = [list(p) for p in paragraphs if p]
    attribution: RichText | None = None
    if paras:
        last = paras[-1][-1]
        text = last.text
        m = _ATTRIBUTION_LINE.match(text)
        body_left = sum(len(p) for p in paras) > 1
        if m and body_left and len(text) - m.end() <= _ATTRIBUTION_CHARS:
            attribution = _tail(last, m.end())
            paras[-1].pop()
        else:
            m2 = _TRAILING_ATTRIBUTION.search(text)
            if m2 and 0 < len(text) - m2.end() <= _ATTRIBUTION_CHARS:
                attribution = _tail(last, m2.end())
                paras[-1][-1] = _head(last, m2.start())
        paras = [p for p in paras if p]
    return Quote(tuple(joined(p) for p in paras), attribution, line)


def joined(lines: list[RichText]) -> RichText:
    """A quote's paragraph as one text: hard-wrapped lines joined with a space, lines the
    author broke on purpose (three quotes on three lines) with a line break."""
    if len(lines) == 1:
        return lines[0]
    spans: list[Span] = list(lines[0].spans)
    for prev, ln in zip(lines, lines[1:], strict=False):
        spans.append(Span(" " if wrapped(prev.text, ln.text) else "\n"))
        spans.extend(ln.spans)
    return RichText(tuple(merge(spans)), lines[0].line)


def _tail(rt: RichText, n: int) -> RichText:
    return rich(strip_spans(cut(rt.spans, n)[1]), rt.line)


def _head(rt: RichText, n: int) -> RichText:
    return rich(strip_spans(cut(rt.spans, n)[0]), rt.line)
