"""What turns a Markdown block into a native slide element (issue 11), and what stays text.

Pictures, tables, code blocks and quotes are shown as themselves (a picture, a table, a
code panel, a quote with its attribution), so the parser hands them on as
:data:`deckgen.model.Element` values rather than as lines of text. These helpers hold the
decisions that are about the *writing*, not the token stream: which block quotes are
quotes (summaries use ``>`` for callouts and labelled notes too), where an attribution
is, how a table column is aligned, which Obsidian embeds are pictures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from deckgen.model import Code, Element, Picture, Quote, RichText, Span, Table
from deckgen.parse.spans import cut, merge, rich, strip_spans

# "— Ada Lovelace", "-- Knuth, TAOCP", "– Name", "―Name": a dash, then who said it
_ATTRIBUTION_LINE = re.compile(r"^\s*(?:—|–|―|-{1,3})\s*(?=\S)")
# '"Ship small." — Maria': a closing quote mark, a dash and a name, on the quote's line
_TRAILING_ATTRIBUTION = re.compile(r"""(?<=["”’»」』›])\s*(?:—|–|―|--)\s*(?=[^\s"“”«»])""")
_ATTRIBUTION_CHARS = 100
# GitHub's and Obsidian's callouts: "> [!NOTE]", "> [!tip]- Title"
_CALLOUT = re.compile(r"^\s*\[![A-Za-z][\w-]*\][+-]?")
_ALIGN = {"left": "l", "center": "ctr", "right": "r"}
_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)*")
_TEXT_ALIGN = re.compile(r"text-align\s*:\s*(left|center|right)", re.IGNORECASE)
IMAGE_SUFFIXES = frozenset(
    ("png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "tif", "tiff", "avif", "heic", "emf",
     "wmf", "ico")
)  # fmt: skip
# A directive for the section's slide: "<!-- layout: Two Content -->"
LAYOUT_COMMENT = re.compile(r"^\s*layout\s*[:：]\s*", re.IGNORECASE)


def align(token: Token) -> str:
    """A table cell's alignment from markdown-it's ``style="text-align:…"`` (GFM's
    ``:--``, ``:-:``, ``--:``): ``l``, ``ctr``, ``r``, or empty for the theme's."""
    m = _TEXT_ALIGN.search(str(token.attrGet("style") or ""))
    return _ALIGN[m.group(1).lower()] if m else ""


def split_row(raw: str) -> list[str]:
    """A table row's cells as written: split at pipes that are neither escaped (``\\|``)
    nor inside a code span, the outer pipes dropped."""
    cells: list[str] = []
    cur: list[str] = []
    i, ticks = 0, 0
    s = _QUOTE_MARKS.sub("", raw).strip()  # a table in a block quote: "> | a | b |"
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            cur.append(s[i : i + 2])
            i += 2
            continue
        if ch == "`":
            n = len(s[i:]) - len(s[i:].lstrip("`"))
            if ticks == 0:
                ticks = n
            elif n == ticks:
                ticks = 0
            cur.append("`" * n)
            i += n
            continue
        if ch == "|" and ticks == 0:
            cells.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    cells.append("".join(cur))
    if cells and not cells[0].strip() and s.startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1].strip() and s.endswith("|") and not s.endswith("\\|"):
        cells = cells[:-1]
    return cells


def is_picture_embed(target: str) -> bool:
    """Obsidian's ``![[file.png]]`` embeds a picture; ``![[Some note]]`` embeds a note,
    which is text (its name is kept as text)."""
    name = target.split("#", 1)[0].rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[1].lower() in IMAGE_SUFFIXES


def quote_blocks(tokens: Sequence[Token]) -> bool:
    """Is a block quote's content prose that reads as a quotation: paragraphs only, with
    no picture, no notes or layout comment, no callout marker (``[!NOTE]``), no
    labelled line (``**Key Point:** …``) and no wholly bold first line (a callout's
    title)? Summaries use ``>`` for those too, and they stay text as they always were.

    ``tokens`` are those between ``blockquote_open`` and its ``blockquote_close``."""
    from deckgen.parse.classify import split_label

    paragraphs = 0
    for t in tokens:
        if t.type in ("paragraph_open", "paragraph_close"):
            continue
        if t.type != "inline":
            return False
        children = t.children or []
        if any(c.type == "image" or c.type == "html_inline" for c in children):
            return False
        lines = _child_lines(children)
        if paragraphs == 0 and lines:
            first = lines[0]
            text = "".join(c.content for c in first if c.type in ("text", "code_inline"))
            if _CALLOUT.match(text):
                return False
            if _wholly_bold(first):
                return False
        for ln in lines:
            text = "".join(c.content for c in ln if c.type in ("text", "code_inline"))
            lab = split_label(text)
            if lab is not None and not _ATTRIBUTION_LINE.match(text):
                return False
        paragraphs += 1
    return paragraphs > 0


def _child_lines(children: Sequence[Token]) -> list[list[Token]]:
    out: list[list[Token]] = [[]]
    for c in children:
        if c.type in ("softbreak", "hardbreak"):
            out.append([])
        else:
            out[-1].append(c)
    return [ln for ln in out if ln]


def _wholly_bold(line: Sequence[Token]) -> bool:
    depth = 0
    seen = False
    for c in line:
        if c.type == "strong_open":
            depth += 1
        elif c.type == "strong_close":
            depth -= 1
        elif c.content.strip():
            if depth == 0:
                return False
            seen = True
    return seen


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
    from deckgen.parse.assemble import wrapped

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


def code_text(content: str) -> str:
    """A code block's text as written: the newline that ends its last line dropped, and
    blank lines at its end (which would only take room on the slide)."""
    lines = content.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def element_text(el: Element) -> str:
    """The words an element holds (a picture's alt text, else its file name; a table's
    cells; a code block's text; a quote with its attribution): how much of the section it
    is, and whether a document that has nothing else has anything to show."""
    if isinstance(el, Picture):
        return " ".join(x for x in (el.alt, el.title) if x) or el.src
    if isinstance(el, Table):
        cells = [*el.header, *(c for row in el.rows for c in row)]
        return " ".join(c.text for c in cells if c.text)
    if isinstance(el, Code):
        return el.text
    parts = [p.text for p in el.text]
    if el.attribution is not None:
        parts.append(el.attribution.text)
    return "\n".join(parts)


def element_chars(el: Element) -> int:
    """Characters an element counts for when the outline weighs a section's size (as its
    text did when it was text: a big table or a long listing makes a long section)."""
    if isinstance(el, Table):
        rows = [el.header, *el.rows]
        return sum(len(" | ".join(c.text for c in row)) for row in rows)
    if isinstance(el, Code):
        return sum(len(x.strip()) for x in el.text.split("\n"))
    if isinstance(el, Picture):
        return max(1, len(el.alt or el.src))
    return max(1, len(element_text(el)))
