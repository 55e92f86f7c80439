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

from deckgen.model import Code, Columns, Element, Picture, Table

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
    """May a block quote be a quotation, as markdown-it sees it: paragraphs only, with no
    picture, no comment (notes, a layout), no callout marker (``[!NOTE]``) and no wholly
    bold first line (a callout's title)? Summaries use ``>`` for those too, and they stay
    text as they always were. (Labelled lines are found once the lines are classified:
    :func:`deckgen.parse.quotes.settle`.)

    ``tokens`` are those between ``blockquote_open`` and its ``blockquote_close``."""
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
    if isinstance(el, Columns):
        words = []
        for c in el.columns:
            words += [c.heading.text] if c.heading else []
            words += [t.text for t in c.items]
            words += [element_text(p) for p in c.pictures]
        return "\n".join(w for w in words if w)
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
