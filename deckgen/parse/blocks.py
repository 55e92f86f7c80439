from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field, replace
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from deckgen.model import Code, Element, Picture, RichText, Span, Table
from deckgen.parse.elements import (
    LAYOUT_COMMENT,
    align,
    code_text,
    element_chars,
    is_picture_embed,
    quote_blocks,
    split_row,
)
from deckgen.parse.spans import (
    is_math,
    linkify,
    plain,
    rich,
    strip_spans,
    task_box,
    tex_text,
    wikilink_text,
)

_MAX_NESTING = 100
_MAX_INLINE_NESTING = 20
_TAG = re.compile(r"<[^<>]*>")
# Text-level HTML elements: their tags join the text around them; every other tag
# separates it (as a browser shows it).
_INLINE_HTML = re.compile(
    r"(?i)</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|"
    r"span|strike|strong|sub|sup|time|u|var)(?:\s[^<>]*)?/?>"
)
_HTML_RAW_BLOCK = re.compile(r"(?i)^[ \t]*<(?:(?:script|pre|style|textarea)(?:[\s>]|$)|[!?])")
_MAX_HTML_DEPTH = 20
_NOTES_COMMENT = re.compile(r"^\s*(?:speaker\s+)?notes?\s*[:：]\s*", re.IGNORECASE)
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S")
_MARKERS = re.compile(r"^[ \t]*(?:(?:>|[-*+]|\d{1,9}[.)])(?:[ \t]+|$))*")
_IMAGE_SIZE = re.compile(r"\d+(?:x\d+)?")
# pandoc's fenced divs that only a slide show has: speaker notes, (non)incremental lists,
# columns
SLIDE_DIVS = frozenset(("notes", "incremental", "nonincremental", "columns", "column"))
_DIV_FENCE = re.compile(r"^[ \t]*:{3,}[ \t]*$")
_DIV_WIDTH = re.compile(r"""\bwidth\s*=\s*["']?([^"'\s}]+)""")
_PAUSE = ". . ."
# ``{width=50%}``, ``{width=2.5in}``: pandoc needs no quotes around a value, the attrs
# plugin's syntax does for any but letters, digits, ``_``, ``:`` and ``-`` (``%`` even
# starts a comment there)
_UNQUOTED_VALUE = re.compile(r"""=([^\s"'}]+)""")


@dataclass
class Line:
    """One source line as markdown-it placed it, before any summary rule looked at it."""

    kind: str  # "text" | "heading" | "code" | "html" | "marker" | "element" | "quote"
    spans: list[Span]
    line: int  # 1-based
    indent: int
    level: int = 0  # heading level
    number: int | None = None  # rendered number of the ordered list item this line opens
    bullet: bool = False  # opens a bullet list item
    list_id: int | None = None  # the list whose item this line opens
    block: int = 0  # paragraph identity, for joining hard-wrapped lines
    first: bool = True  # first line of its block
    notes: list[str] = field(default_factory=list)
    depth: int = -1  # nesting depth of the list the line is in (0: a top-level list), or -1
    layout: str = ""  # a "<!-- layout: NAME -->" directive on this line
    element: Element | None = None  # kind "element": a picture, table, code block, quote
    background: Picture | None = None  # a heading's ``{background-image="x.jpg"}``
    appear: bool = False  # in a list of an incremental div: appears on a click
    fallback: list[Line] = field(default_factory=list)
    """For places that show no elements (the conclusion): an element's text as lines, or a
    text line that had a picture in it as it was shown then (the alt text in place)."""
    chars: int = 0  # an element's size in characters, as the outline weighs sections
    columns: list[tuple[str, list[Line]]] = field(default_factory=list)
    """Kind ``columns`` (pandoc's ``:::: columns``): each column's width as written and its
    lines; :func:`deckgen.parse.columns.settle` makes the line a Columns element."""
    # set by classify
    role: str = "plain"  # plain | start | conclusion | label | notes | bold
    start_number: int | None = None
    badge: str = ""  # the number as written, when the line has one
    title: list[Span] = field(default_factory=list)
    rest: list[Span] = field(default_factory=list)
    label: str = ""

    @property
    def text(self) -> str:
        return plain(self.spans)


class Walker:
    """Turns the token stream into ``Line`` s (rule 1). Pictures, tables, code blocks and
    quotes become one line of kind ``element`` each, holding the element (and, as its
    ``fallback``, the text lines it was before, for the conclusion, which has none)."""

    def __init__(self, src_lines: list[str], marp: bool = False, incremental: bool = False):
        self.src = src_lines
        self.fragments: list[bool] = []
        """For each open list: is it one of Marp's fragmented lists?"""
        self.steps: list[bool] = [incremental]
        """Are lists incremental here? (``::: incremental``, ``::: nonincremental`` as they
        nest; below them the front matter's ``incremental: true``, pandoc's ``-i``)"""
        self.marp: list[tuple[int, dict[str, str]]] | None = [] if marp else None
        """Marp's directives (source line, ``{key: value}``), in a Marp document; None in
        any other (where a comment is a private remark, not a presenter note)."""
        self.lines: list[Line] = []
        self.covered = bytearray(len(src_lines) + 1)
        self.lists: list[list[int]] = []  # [id, next number or -1 for bullets]
        self.pending: tuple[int | None, bool, int | None] | None = None
        self.next_id = 0
        self.depth = 0  # HTML blocks re-parsed as Markdown inside each other
        self.breaks: list[int] = []
        """Source lines of thematic breaks (``---``) between top-level blocks."""
        self.divs: list[str] = []
        """The names of the fenced divs (``::: notes``) in the order they open."""
        self.pauses = 0  # pandoc's ``. . .``
        self.warnings: list[tuple[int, str]] = []
        """Things left out, for the build's warnings: (source line, what)."""
        self.footnotes: list[tuple[int, list[str]]] = []
        """Footnotes (``[^1]: …``): their number as the text shows it, and their text."""
        self.inside = 0  # in a block quote or a notes div: a rule there breaks no slide

    def indent(self, lineno: int) -> int:
        raw = self.src[lineno - 1] if 0 < lineno <= len(self.src) else ""
        return len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())

    def cover(self, m: list[int] | None) -> None:
        if m:
            for i in range(m[0] + 1, m[1] + 1):
                if i < len(self.covered):
                    self.covered[i] = 1

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            t = tokens[i]
            typ = t.type
            if typ in ("bullet_list_open", "ordered_list_open"):
                self.next_id += 1
                start = -1
                if typ == "ordered_list_open":
                    start = int(t.attrGet("start") or 1)
                self.lists.append([self.next_id, start])
                # Marp's fragmented lists (``*`` bullets, ``1)`` numbers) appear on clicks
                self.fragments.append(self.marp is not None and t.markup in ("*", ")"))
            elif typ in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
                if self.fragments:
                    self.fragments.pop()
            elif typ == "list_item_close" and self.pending and self.pending[0] is not None:
                self.pending = None  # an empty numbered item: its number is all there is
            elif typ == "list_item_open":
                if self.pending and self.pending[0] is not None and t.map:
                    # "1. 1. a": the outer item has no text, only its number; keep it
                    n = self.pending[0]
                    self.pending = None
                    self.add("marker", [Span(f"{n}.")], t.map[0] + 1)
                lid, nxt = self.lists[-1]
                if nxt >= 0:
                    self.pending = (nxt, False, lid)
                    self.lists[-1][1] = nxt + 1
                else:
                    self.pending = (None, True, lid)
            elif typ == "heading_open":
                self.heading(t, tokens[i + 1])
                i += 2
            elif typ == "inline":
                self.cover(t.map)
                if t.content == _PAUSE:
                    self.pauses += 1  # pandoc's pause: nothing to show
                else:
                    if t.content.startswith(": ") and self._beside_table(tokens, i):
                        _caption(t)
                    self.paragraph(t)
            elif typ == "container_div_open":
                i = self.div(tokens, i)
            elif typ == "container_div_close":
                if len(self.steps) > 1:
                    self.steps.pop()
            elif typ == "blockquote_open":
                j = _closing(tokens, i, "blockquote_close")
                if j is not None and quote_blocks(tokens[i + 1 : j]):
                    self.quote(t, tokens[i + 1 : j])
                    i = j
            elif typ == "table_open":
                j = _closing(tokens, i, "table_close")
                self.table(tokens[i : (j if j is not None else len(tokens) - 1) + 1])
                i = j if j is not None else len(tokens)
            elif typ in ("fence", "code_block"):
                self.code(t)
            elif typ == "html_block":
                self.cover(t.map)
                self.html_block(t.content, t.map[0] if t.map else -1)
            elif typ == "footnote_block_open":
                j = _closing(tokens, i, "footnote_block_close")
                self.footnote_block(tokens[i + 1 : j if j is not None else len(tokens)])
                i = j if j is not None else len(tokens)
            elif typ == "hr":
                self.cover(t.map)
                if t.map and not self.lists and not self.inside:
                    self.breaks.append(t.map[0] + 1)
            i += 1

    def _shown_marp(self) -> list[tuple[int, dict[str, str]]] | None:
        """For reading a paragraph a second time (as shown): Marp's reading, its directives
        not collected again."""
        return None if self.marp is None else []

    def _aside(self, tokens: list[Token]) -> list[Line]:
        """The lines ``tokens`` make, kept out of the document's (a notes div's, a
        footnote's): a rule among them breaks no slide, and a list item left open outside
        them stays open."""
        at = len(self.lines)
        pending = self.pending
        self.inside += 1
        try:
            self.walk(tokens)
        finally:
            self.inside -= 1
        taken = self.lines[at:]
        del self.lines[at:]
        self.pending = pending
        return taken

    def footnote_block(self, tokens: list[Token]) -> None:
        """The footnotes markdown-it gathers at the end: each one's text, as notes are."""
        k = 0
        while k < len(tokens):
            t = tokens[k]
            if t.type == "footnote_open":
                j = _closing(tokens, k, "footnote_close")
                end = j if j is not None else len(tokens)
                taken = self._aside(tokens[k + 1 : end])
                for ln in taken:
                    self.cover([ln.line - 1, ln.line])
                self.footnotes.append((int((t.meta or {}).get("id", 0)) + 1, notes_text(taken)))
                k = end
            k += 1

    def _beside_table(self, tokens: list[Token], i: int) -> bool:
        """Is the paragraph of inline token ``i`` right after a table or right before one?
        (``: Caption`` there is pandoc's table caption.)"""
        after = bool(self.lines) and isinstance(self.lines[-1].element, Table)
        return after or (i + 2 < len(tokens) and tokens[i + 2].type == "table_open")

    def make(self, kind: str, spans: list[Span], lineno: int, **kw: Any) -> Line:
        """A line as the walker makes it, not yet added (an element's fallback lines)."""
        return Line(kind, spans, lineno, self.indent(lineno), depth=len(self.lists) - 1, **kw)

    def add(self, kind: str, spans: list[Span], lineno: int, **kw: Any) -> Line:
        number, bullet, lid = self.pending or (None, False, None)
        self.pending = None
        ln = self.make(kind, spans, lineno, number=number, bullet=bullet, list_id=lid, **kw)
        if self.lists and (self.steps[-1] or self.fragments[-1]):
            ln.appear = True
        self.lines.append(ln)
        return ln

    def element(self, el: Element, lineno: int, fallback: list[Line]) -> Line:
        return self.add("element", [], lineno, element=el, fallback=fallback,
                        chars=element_chars(el))  # fmt: skip

    def heading(self, t: Token, inline: Token) -> None:
        """A heading's text on one line; a picture in it is a picture of its section
        (after the heading), unless the picture is all the heading says."""
        self.cover(t.map)
        start = t.map[0] + 1 if t.map else 0
        pictures: list[tuple[int, Picture, Span]] = []
        layouts: list[str] = []
        lines, notes = inline_lines(inline.children or [], pictures, layouts, self.marp, start)
        if not lines and pictures:
            # the alt text is the title
            lines, notes = inline_lines(inline.children or [], marp=self._shown_marp())
        spans: list[Span] = []
        for ln in lines:
            if spans and ln:
                spans.append(Span(" "))
            spans.extend(ln)
        layout = layouts[0] if layouts else ""
        spans, attrs = heading_attributes(spans)
        background = None
        if attrs.get("background-image"):
            background = Picture(attrs["background-image"], line=start, background=True)
        self.add("heading", spans, start, level=int(t.tag[1:]), notes=notes, layout=layout,
                 background=background)  # fmt: skip
        self.pictures(pictures, start)

    def pictures(
        self,
        pictures: list[tuple[int, Picture, Span]],
        lineno: int,
        shown: list[Span] | None = None,
        block: int = 0,
    ) -> None:
        """Pictures on source line ``lineno``, each an element. Their fallback, the text
        the conclusion shows: each its own alt text (or file name), or, for pictures that
        are all their line holds, the line as it was shown (``shown``, alt texts in place);
        pictures beside text on their line have none (the text line's fallback has them)."""
        for n, (_, pic, alt) in enumerate(pictures):
            fallback: list[Line] = []
            if shown is None:
                self.next_id += 1
                fallback = [self.make("text", [alt], lineno, block=self.next_id)]
            elif shown and n == 0:
                fallback = [self.make("text", shown, lineno, block=block)]
            self.element(replace(pic, line=lineno), lineno, fallback)

    def paragraph(self, t: Token) -> None:
        """A paragraph's lines (split at its line breaks); a picture in it is a picture,
        after the line it is on, and the text around it stays text. A line that had a
        picture keeps itself as it was shown before (alt text in place) as its fallback."""
        start = t.map[0] + 1 if t.map else 0
        children = t.children or []
        pictures: list[tuple[int, Picture, Span]] = []
        layouts: list[str] = []
        lines, offsets, notes = _inline(children, pictures, layouts, self.marp, start)
        shown = _inline(children, marp=self._shown_marp())[0] if pictures else lines
        if self.pending is not None:  # "- [ ] item": the item's first line
            for each in (lines, shown) if pictures else (lines,):
                k = next((k for k, ln in enumerate(each) if ln), None)
                if k is not None:
                    each[k] = task_box(each[k])
        self.next_id += 1
        block = self.next_id
        layout = layouts[0] if layouts else ""
        first = True
        p = 0
        for k, spans in enumerate(lines):
            q = p
            while q < len(pictures) and pictures[q][0] == k:
                q += 1
            lineno = start + offsets[k]
            if spans:
                ln = self.add("text", spans, lineno, block=block, first=first)
                if q > p:
                    ln.fallback = [self.make("text", shown[k], lineno, block=block, first=first)]
                if first:
                    ln.notes, ln.layout = notes, layout
                    for f in ln.fallback:
                        f.notes = notes
                first = False
            if q > p:
                self.pictures(pictures[p:q], lineno, [] if spans else shown[k], block)
                p = q
        if first and (notes or layout):
            self.add("text", [], start, block=block, notes=notes, layout=layout)

    def div(self, tokens: list[Token], i: int) -> int:
        """A fenced div (``::: notes`` … ``:::``): speaker notes are notes; any other div
        (``::: incremental``, ``:::: columns``) shows what it holds, its fences nothing.
        Returns the index of the last token taken."""
        t = tokens[i]
        name = div_name(t.info)
        self.divs.append(name)
        m = t.map or [0, 0]
        self.cover([m[0], m[0] + 1])
        closed = m[1] < len(self.src) and bool(_DIV_FENCE.match(self.src[m[1]]))
        if closed:
            self.cover([m[1], m[1] + 1])
        if name == "columns" and closed and not self.inside and not self.lists:
            j = _closing(tokens, i, "container_div_close")
            if j is not None and self.columns(tokens, i, j):
                return j
        j = _closing(tokens, i, "container_div_close") if name == "notes" and closed else None
        if j is None:
            # its content is walked as it comes (an unclosed notes div too: text); the div
            # says whether the lists in it are incremental until its fence closes it
            classes = div_names(t.info)
            here = self.steps[-1]
            if "incremental" in classes:
                here = True  # (``{.incremental .nonincremental}``: incremental, as pandoc)
            elif "nonincremental" in classes:
                here = False
            self.steps.append(here)
            return i
        self.cover([m[0], m[1]])
        notes = notes_text(self._aside(tokens[i + 1 : j]))
        if notes:
            self.next_id += 1
            self.lines.append(self.make("text", [], m[0] + 1, block=self.next_id, notes=notes))
        return j

    def columns(self, tokens: list[Token], i: int, j: int) -> bool:
        """pandoc's ``:::: columns`` (``tokens[i]``, closed by ``tokens[j]``) with two or
        more ``::: column`` divs in it: one ``columns`` line holding each column's lines (its
        ``fallback``: them all as text, for places that show no columns). Anything in the
        columns div outside a column is walked as it comes. False (nothing taken): fewer than
        two columns, whose content is then walked as it comes, as any div's."""
        level = tokens[i].level
        found: list[tuple[int, int]] = []
        k = i + 1
        while k < j:
            tok = tokens[k]
            if (
                tok.type == "container_div_open"
                and tok.level == level + 1
                and div_name(tok.info) == "column"
            ):
                end = _closing(tokens, k, "container_div_close")
                if end is None or end > j:
                    return False
                found.append((k, end))
                k = end + 1
            else:
                k += 1
        if len(found) < 2:
            return False
        if any(
            tokens[k].type in ("table_open", "fence", "code_block")
            for a, end in found
            for k in range(a + 1, end)
        ):
            # a column with a table or code: they stay native elements (on the section's
            # slides, in order), which a column's box cannot hold
            return False
        start = (tokens[i].map or [0, 0])[0] + 1
        cols: list[tuple[str, list[Line]]] = []
        prev = i + 1
        for a, end in found:
            self.walk(tokens[prev:a])
            t = tokens[a]
            self.divs.append("column")
            m = t.map or [0, 0]
            self.cover([m[0], m[0] + 1])
            if m[1] < len(self.src) and _DIV_FENCE.match(self.src[m[1]]):
                self.cover([m[1], m[1] + 1])
            at = len(self.lines)
            self.walk(tokens[a + 1 : end])
            taken = self.lines[at:]
            del self.lines[at:]
            width = _DIV_WIDTH.search(t.info)
            cols.append((width.group(1) if width else "", taken))
            prev = end + 1
        self.walk(tokens[prev:j])
        self.pending = None
        fallback = [x for _, taken in cols for ln in taken for x in _as_text(ln)]
        self.lines.append(self.make("columns", [], start, columns=cols, fallback=fallback))
        return True

    def quote(self, t: Token, inner: list[Token]) -> None:
        """A block quote of paragraphs: one ``quote`` line holding its lines as the walker
        reads them (as it always did); :func:`deckgen.parse.quotes.settle` makes it a
        Quote or puts the lines back once they are classified."""
        at = len(self.lines)
        self.inside += 1
        try:
            self.walk(inner)
        finally:
            self.inside -= 1
        taken = self.lines[at:]
        del self.lines[at:]
        if any(ln.spans for ln in taken):
            start = t.map[0] + 1 if t.map else taken[0].line
            chars = sum(len(ln.text) for ln in taken if ln.spans)
            self.lines.append(self.make("quote", [], start, fallback=taken, chars=chars))
        else:
            self.lines.extend(taken)  # notes only

    def table(self, tokens: list[Token]) -> None:
        """A GFM table: header, rows, alignment, cells with their inline formatting. Cells
        beyond the header's columns (GFM drops them) join the row's last cell."""
        t = tokens[0]
        self.cover(t.map)
        header: list[RichText] | None = None
        rows: list[list[RichText]] = []
        aligns: list[str] = []
        fallback: list[Line] = []
        row: list[RichText] = []
        row_line = 0
        in_head = False
        for tok in tokens:
            typ = tok.type
            if typ == "thead_open":
                in_head = True
            elif typ == "thead_close":
                in_head = False
            elif typ == "tr_open":
                row = []
                row_line = tok.map[0] + 1 if tok.map else 0
            elif typ == "th_open" and in_head:
                aligns.append(align(tok))
            elif typ == "inline":
                cell: list[Span] = []
                for ln in inline_lines(tok.children or [])[0]:
                    if cell:
                        cell.append(Span(" "))
                    cell.extend(ln)
                row.append(rich(strip_spans(cell), row_line))
            elif typ == "tr_close":
                if 0 < row_line <= len(self.src):
                    raw = split_row(self.src[row_line - 1])
                    extra = [x.strip().replace("\\|", "|") for x in raw[len(row) :]]
                    extra = [x for x in extra if x]
                    if extra and row:
                        last = row[-1]
                        spans = [*last.spans, *([Span(" ")] if last.spans else [])]
                        row[-1] = rich([*spans, Span(" ".join(extra))], last.line)
                    elif extra:
                        row.append(rich([Span(" ".join(extra))], row_line))
                shown: list[Span] = []
                for c in row:
                    if shown:
                        shown.append(Span(" | "))
                    shown.extend(c.spans)
                if plain(shown).strip(" |"):
                    self.next_id += 1
                    fallback.append(self.make("text", shown, row_line, block=self.next_id))
                if header is None:
                    header = row
                else:
                    rows.append(row)
        if header is None:
            return
        line = t.map[0] + 1 if t.map else 0
        table = Table(tuple(header), tuple(tuple(r) for r in rows), tuple(aligns), line)
        self.element(table, line, fallback)

    def code(self, t: Token) -> None:
        """A fenced or indented code block: its text as written, the language from its
        fence; more words on the fence (``python title="app.py"``) stay a line before it."""
        self.cover(t.map)
        line = t.map[0] + 1 if t.map else 0
        start = line + (1 if t.type == "fence" else 0)
        info = t.info.strip() if t.type == "fence" else ""
        raw = _RAW_FORMAT.match(info)
        if raw is not None:
            # pandoc's raw block (```{=openxml}, ```{=html}): output for one format, never
            # text on a slide
            self.warnings.append(
                (line, f"a raw '{{={raw.group(1)}}}' block is left out (deckgen copies no raw "
                 "markup into a deck)")
            )  # fmt: skip
            self.pending = None
            return
        lang = info.split()[0] if info else ""
        rest = info[len(lang) :].strip()
        if rest:
            self.add("code", [Span(rest, code=True)], line)
        text = code_text(t.content)
        if text.strip():
            fallback = [
                self.make("code", [Span(x.rstrip(), code=True)], start + k)
                for k, x in enumerate(text.split("\n"))
                if x.strip()
            ]
            self.element(Code(text, lang, line), line, fallback)
        self.pending = None

    def html_block(self, content: str, first: int) -> None:
        """A raw HTML block, and the Markdown CommonMark let it swallow: a block begun by a
        tag such as ``<div>`` or ``<br>`` runs on to the next blank line, so a summary
        written right under it would be read as HTML. Lines from the first that neither
        starts with ``<`` nor continues a tag are parsed as Markdown again."""
        lines = content.split("\n")
        k = len(lines) if self.depth >= _MAX_HTML_DEPTH or first < 0 else html_lines(lines)
        self.html("\n".join(lines[:k]), first + 1)
        tail = textwrap.dedent("\n".join(lines[k:]))
        if not tail.strip():
            return
        tokens = markdown(divs=":::" in tail, attrs="{" in tail, footnotes=False).parse(tail)
        for tok in tokens:
            if tok.map:
                tok.map = [tok.map[0] + first + k, tok.map[1] + first + k]
        self.depth += 1
        try:
            self.walk(tokens)
        finally:
            self.depth -= 1

    def html(self, content: str, lineno: int) -> None:
        """Raw HTML keeps its text: comments become notes, other markup is stripped."""
        notes: list[str] = []
        layouts: list[str] = []
        rest = take_comments(content, notes, layouts, self.marp, lineno)
        layout = layouts[0] if layouts else ""
        self.next_id += 1
        emitted = False
        for k, raw in enumerate(rest.split("\n")):
            text = html.unescape(_TAG.sub(" ", _INLINE_HTML.sub("", raw)))
            text = " ".join(text.split())
            if text:
                ln = self.add("html", [Span(text)], lineno + k, block=self.next_id)
                if not emitted:
                    ln.notes, ln.layout, emitted = notes, layout, True
        if (notes or layout) and not emitted:
            self.add("html", [], lineno, notes=notes, layout=layout)

    def restore_skipped(self) -> None:
        """Put back lines markdown-it covered by no leaf token (deep nesting)."""
        missing: list[Line] = []
        for i in range(1, len(self.src) + 1):
            if self.covered[i]:
                continue
            raw = self.src[i - 1]
            if not raw.strip() or _REF_DEF.match(raw):
                continue
            text = _MARKERS.sub("", raw, count=1).strip()
            if text and set(text) - set("-=*_#`~> ") and not _DIV_FENCE.match(text):
                self.next_id += 1
                missing.append(Line("text", [Span(text)], i, self.indent(i), block=self.next_id))
        if missing:
            self.lines = sorted(self.lines + missing, key=lambda ln: ln.line)


_RAW_FORMAT = re.compile(r"^\{=([\w-]+)\}$")
_RAW_INLINE = re.compile(r"^\{=[\w-]+\}")
_UNNUMBERED = re.compile(r"(?<!\S)-(?!\S)")


def heading_attributes(spans: list[Span]) -> tuple[list[Span], dict[str, str]]:
    """A heading's text without pandoc's attributes (``# Slide {#id .class key=value}``,
    never shown) and those attributes' ``key=value`` pairs."""
    if not spans or not spans[-1].text.rstrip().endswith("}") or spans[-1].code:
        return spans, {}
    last = spans[-1]
    start = last.text.rfind("{")
    end = last.text.rstrip().rfind("}")
    inner = _UNNUMBERED.sub(".unnumbered", last.text[start + 1 : end]) if start >= 0 else ""
    attrs = read_attrs(inner) if inner.strip() else None
    if attrs is None:
        return spans, {}
    rest = last.text[:start]
    out = [*spans[:-1], replace(last, text=rest)] if rest.strip() else spans[:-1]
    return strip_spans(out), {k.casefold(): v for k, v in attrs.items()}


def _caption(t: Token) -> None:
    """pandoc's table caption (``: Sales by region``): its text without the colon."""
    first = t.children[0] if t.children else None
    if first is not None and first.type == "text" and first.content.startswith(":"):
        first.content = first.content[1:].lstrip()
        t.content = t.content[1:].lstrip()


def _as_text(ln: Line) -> list[Line]:
    """A line as the text it shows where no element is drawn (an element's, a quote's or a
    column layout's text lines; a line that had a picture, with its alt text in place)."""
    if ln.kind == "element":
        return ln.fallback
    if ln.kind in ("quote", "columns") or ln.fallback:
        return [x for f in ln.fallback for x in _as_text(f)]
    return [ln]


_FENCE_OPEN = re.compile(r"^( {0,3})(:{3,})([ \t]*\S.*)$")
_FENCE_CLOSE = re.compile(r"^( {0,3})(:{3,})([ \t]*)$")
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def nest_divs(text: str) -> str:
    """Fenced divs nested as pandoc nests them: an opening fence has a name or attributes
    and a bare fence closes the innermost open div, whatever the number of colons. The
    container plugin's closing fence closes the div whose fence is not longer than it, so a
    ``::: notes`` inside a ``::: column`` would end the column at the notes' close; each
    div's fences here get more colons than any div inside it (lines keep their places;
    fences in code blocks are left alone)."""
    lines = text.split("\n")
    stack: list[tuple[int, list[int]]] = []  # (opening line, counts of the divs inside)
    counts: dict[int, tuple[int, int]] = {}  # opening line → (closing line, colons)
    code = ""
    for k, raw in enumerate(lines):
        fence = _CODE_FENCE.match(raw)
        if code:
            if fence and fence.group(1)[0] == code[0] and len(fence.group(1)) >= len(code):
                code = ""
            continue
        if fence:
            code = fence.group(1)
            continue
        m = _FENCE_OPEN.match(raw)
        if m and not m.group(3).strip().startswith(":"):
            stack.append((k, []))
            continue
        if _FENCE_CLOSE.match(raw) and stack:
            start, inner = stack.pop()
            own = len(_FENCE_OPEN.match(lines[start]).group(2))  # type: ignore[union-attr]
            n = max(own, max(inner, default=0) + 1)
            counts[start] = (k, n)
            if stack:
                stack[-1][1].append(n)
    if all(len(_FENCE_OPEN.match(lines[a]).group(2)) == n  # type: ignore[union-attr]
           and len(lines[b].strip()) == n for a, (b, n) in counts.items()):  # fmt: skip
        return text
    for a, (b, n) in counts.items():
        m = _FENCE_OPEN.match(lines[a])
        assert m is not None
        lines[a] = m.group(1) + ":" * n + m.group(3)
        c = _FENCE_CLOSE.match(lines[b])
        assert c is not None
        lines[b] = c.group(1) + ":" * n + c.group(3)
    return "\n".join(lines)


def div_names(info: str) -> list[str]:
    """A fenced div's names, casefolded: its classes for ``::: {#id .notes .wide}``, its
    first word for ``::: notes``."""
    info = info.strip().strip(":").strip()
    if info.startswith("{"):
        return [w[1:].casefold() for w in info.strip("{}").split() if w.startswith(".")]
    return [info.split()[0].casefold()] if info else []


def div_name(info: str) -> str:
    """A fenced div's name: ``notes`` for ``::: notes``, ``::: {.notes}`` and
    ``::: {#id .notes}``; its first word otherwise; casefolded."""
    names = div_names(info)
    return names[0] if names else ""


def notes_text(lines: list[Line]) -> list[str]:
    """What a notes div holds, as notes: one per paragraph (its lines joined), a list item
    with its number or a bullet, a table, code or quote as its lines of text."""
    out: list[str] = []
    block = None
    for ln in lines:
        out.extend(ln.notes)
        shown = ln.fallback if (ln.kind in ("element", "quote") or ln.fallback) else [ln]
        if ln.kind == "quote":
            shown = [x for f in ln.fallback for x in (f.fallback or [f])]
        for x in shown:
            text = x.text.strip()
            if not text:
                continue
            if x.number is not None:
                text = f"{x.number}. {text}"
            elif x.bullet:
                text = f"• {text}"
            if out and x.block == block and not x.first and x.kind == "text":
                out[-1] = f"{out[-1]} {text}"
            else:
                out.append(text)
            block = x.block
    return out


def html_lines(lines: list[str]) -> int:
    """How many leading lines of an HTML block are HTML: those that start with ``<`` or
    continue a tag left open. Raw-text blocks (script, pre, style, comments …) end where
    their closing tag does, so all their lines are theirs."""
    if _HTML_RAW_BLOCK.match(lines[0]):
        return len(lines)
    open_tag = False
    for k, line in enumerate(lines):
        s = line.strip()
        if k > 0 and not open_tag and not s.startswith("<"):
            return k
        open_tag = s.rfind("<") > s.rfind(">")
    return len(lines)


def take_comments(
    content: str,
    notes: list[str],
    layouts: list[str] | None = None,
    marp: list[tuple[int, dict[str, str]]] | None = None,
    line: int = 0,
) -> str:
    """Remove ``<!-- … -->`` comments (keeping their line breaks) and collect the text of
    those that say they are notes (``<!-- notes: … -->``, ``<!-- speaker notes: … -->``)
    and, into ``layouts``, the layouts named by ``<!-- layout: Two Content -->``.
    Any other comment is the author's private remark (``<!-- TODO -->``, ``<!-- draft -->``):
    it is in no slide and in no notes — except in a Marp document (``marp`` a list), where
    it is a presenter note, as Marp has it, unless it holds Marp's directives
    (``<!-- _class: lead -->``), which go into ``marp`` with their source line (``line``
    that of ``content``'s first).

    A scan with ``str.find`` rather than a lazy regex, which is quadratic on many
    unclosed ``<!--``.
    """
    out: list[str] = []
    pos = 0
    while True:
        a = content.find("<!--", pos)
        if a < 0:
            break
        b = content.find("-->", a + 4)
        if b < 0:
            break
        out.append(content[pos:a])
        inner = content[a + 4 : b]
        out.append("\n" * inner.count("\n"))
        marker = _NOTES_COMMENT.match(inner)
        body = inner[marker.end() :].strip() if marker else ""
        if body:
            notes.append(body)
        directive = LAYOUT_COMMENT.match(inner) if not marker else None
        name = " ".join(inner[directive.end() :].split()) if directive else ""
        if name and layouts is not None:
            layouts.append(name)
        if marp is not None and not marker and not name:
            from deckgen.parse.marp import directive as marp_directive

            said = marp_directive(inner)
            if said is not None:
                marp.append((line + content.count("\n", 0, a), said))
            elif inner.strip():
                notes.append(textwrap.dedent(inner).strip())
        pos = b + 3
    out.append(content[pos:])
    return "".join(out)


def inline_lines(
    children: list[Token],
    pictures: list[tuple[int, Picture, Span]] | None = None,
    layouts: list[str] | None = None,
    marp: list[tuple[int, dict[str, str]]] | None = None,
    line: int = 0,
) -> tuple[list[list[Span]], list[str]]:
    """Inline tokens → lines of spans (split at soft/hard breaks) and ``notes`` comments;
    with ``pictures``, images are collected there instead of shown as their alt text;
    ``marp`` and ``line`` as for :func:`take_comments`."""
    lines, _, notes = _inline(children, pictures, layouts, marp, line)
    return [ln for ln in lines if ln], notes


def _inline(
    children: list[Token],
    pictures: list[tuple[int, Picture, Span]] | None = None,
    layouts: list[str] | None = None,
    marp: list[tuple[int, dict[str, str]]] | None = None,
    line: int = 0,
) -> tuple[list[list[Span]], list[int], list[str]]:
    """:func:`inline_lines`, every line kept (an empty one too) with its source line's
    offset in the paragraph (a ``<br>`` breaks the line, not the source line); pictures
    are ``(index of the line they are on, Picture, their alt text as a span)``."""
    lines: list[list[Span]] = [[]]
    offsets = [0]
    notes: list[str] = []
    bold = italic = 0
    links: list[str | None] = []
    if any(c.type == "text" and c.content.startswith("{=") for c in children):
        children = _without_raw(children)
    for c in children:
        typ = c.type
        link = links[-1] if links else None
        if typ == "text":
            s = Span(c.content, bold > 0, italic > 0, False, link)
            lines[-1].extend(linkify(s) if link is None else [s])
        elif typ == "code_inline":
            lines[-1].append(Span(c.content, bold > 0, italic > 0, True, link))
        elif typ in ("math_inline", "wikilink"):
            lines[-1].append(Span(c.content, bold > 0, italic > 0, False, link))
        elif typ == "footnote_ref":
            number = int((c.meta or {}).get("id", 0)) + 1
            lines[-1].append(Span(f"[{number}]", bold > 0, italic > 0, False, link))
        elif typ in ("softbreak", "hardbreak"):
            lines.append([])
            offsets.append(offsets[-1] + 1)
        elif typ == "strong_open":
            bold += 1
        elif typ == "strong_close":
            bold -= 1
        elif typ == "em_open":
            italic += 1
        elif typ == "em_close":
            italic -= 1
        elif typ == "link_open":
            links.append(str(c.attrGet("href") or "") or None)
        elif typ == "link_close":
            if links:
                links.pop()
        elif typ == "image":
            alt = "".join(x.content for x in (c.children or []))
            src = str(c.attrGet("src") or "")
            width = str(c.attrGet("width") or "")
            background = False
            if marp is not None:
                from deckgen.parse.marp import picture_words

                alt, _, background, asked = picture_words(alt)
                width = width or asked
            shown = Span(alt or src, bold > 0, italic > 0, False, src or link)
            if pictures is not None and src.strip() and (c.meta or {}).get("picture", True):
                title = str(c.attrGet("title") or "")
                pic = Picture(
                    src.strip(), " ".join(alt.split()), title, width=width, background=background
                )
                pictures.append((len(lines) - 1, pic, shown))
            else:
                lines[-1].append(shown)
        elif typ == "html_inline":
            if c.content.startswith("<!--"):
                take_comments(c.content, notes, layouts, marp, line + offsets[-1])
            elif c.content.lower().startswith("<br"):
                lines.append([])
                offsets.append(offsets[-1])
            elif not _INLINE_HTML.match(c.content):
                # a block-level (or unknown) tag separates the words around it, as a
                # browser shows them: "Conclusion<div>1." is two words, not "Conclusion1."
                lines[-1].append(Span(" ", bold > 0, italic > 0, False, link))
        elif c.content:
            lines[-1].append(Span(c.content, bold > 0, italic > 0, False, link))
    if pictures:
        # the words around a picture: "See  below" → "See below"
        lines = [_one_space(ln) for ln in lines]
    return [strip_spans(ln) for ln in lines], offsets, notes


def _without_raw(children: list[Token]) -> list[Token]:
    """Inline tokens without pandoc's raw inlines (`` `<a:r>…</a:r>`{=openxml} ``, output
    for one format): the code span and its ``{=format}`` go."""
    out: list[Token] = []
    for c in children:
        m = _RAW_INLINE.match(c.content) if c.type == "text" else None
        if m is not None and out and out[-1].type in ("code_inline", "html_inline"):
            out.pop()
            rest = c.content[m.end() :]
            if out and out[-1].type == "text" and out[-1].content.endswith(" "):
                rest = rest.lstrip(" ")  # "Before `x`{=html} after": one space between
            if rest:
                c = c.copy()
                c.content = rest
                out.append(c)
            continue
        out.append(c)
    return out


def _one_space(spans: list[Span]) -> list[Span]:
    """Spans with the doubled spaces a removed picture leaves joined into one."""
    out: list[Span] = []
    for s in spans:
        if out and out[-1].text.endswith(" ") and s.text.startswith(" ") and not s.code:
            s = Span(s.text.lstrip(" "), s.bold, s.italic, s.code, s.link)
            if not s.text:
                continue
        out.append(s)
    return out


def _closing(tokens: list[Token], i: int, close: str) -> int | None:
    """The index of the token that closes ``tokens[i]`` (same nesting level), or None when
    markdown-it left it out (nesting past its limit)."""
    level = tokens[i].level
    for j in range(i + 1, len(tokens)):
        if tokens[j].level == level and tokens[j].type == close:
            return j
        if tokens[j].level < level:
            return None
    return None


def markdown(divs: bool = True, attrs: bool = True, footnotes: bool = True) -> MarkdownIt:
    """CommonMark plus GFM tables and ~~strike~~ (what ChatGPT/Notion exports contain),
    and pandoc's fenced divs (``divs``) and attributes (``attrs``): a caller that knows the
    text has no ``:::`` or no ``{`` leaves their rules out, which every block line or
    inline stop would otherwise try.

    Blocks may nest ``_MAX_NESTING`` deep (markdown-it skips what lies deeper, so the
    default of 20 would lose the text of deeply nested lists), but inline parsing keeps
    the default: its link rule costs time proportional to the nesting limit for every
    ``[``, and past the limit inline syntax is kept as plain text, so nothing is lost.
    """
    md = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING})
    md.enable(["table", "strikethrough"])

    def block_nesting(state: StateCore) -> None:
        state.md.options["maxNesting"] = _MAX_NESTING

    def inline_nesting(state: StateCore) -> None:
        state.md.options["maxNesting"] = _MAX_INLINE_NESTING

    md.core.ruler.before("block", "deckgen_block_nesting", block_nesting)
    md.core.ruler.before("inline", "deckgen_inline_nesting", inline_nesting)
    md.inline.ruler.after("backticks", "deckgen_tex_math", tex_math)
    md.inline.ruler.before("link", "deckgen_wikilink", wikilink)
    # pandoc's slide Markdown: fenced divs (``::: notes``) and attributes
    # (``![chart](c.png){width=50%}``)
    # (imported here: a summary without them does not pay for the plugins' import)
    if divs:
        from mdit_py_plugins.container import container_plugin

        container_plugin(md, "div", validate=_any_div)
    if attrs:
        from mdit_py_plugins.attrs import attrs_plugin

        attrs_plugin(md, after=_ATTRS_AFTER, spans=True, allowed=_ATTRS_ALLOWED)
        md.inline.ruler.after("attr", "deckgen_pandoc_attrs", pandoc_attrs)
    if footnotes:  # ``text[^1]`` and ``[^1]: the note``, ``^[an inline note]``
        from mdit_py_plugins.footnote import footnote_plugin

        footnote_plugin(md)
    return md


_ATTRS_AFTER = ("image", "code_inline", "link_close")
_ATTRS_ALLOWED = ("width", "height", "id", "class")
"""What a picture's attributes may set (a ``src`` or an event handler never)."""


def _any_div(params: str, *args: Any) -> bool:
    """Every ``:::`` fence opens a div (pandoc's fenced divs have any name or attributes)."""
    return True


def read_attrs(inner: str) -> dict[str, str] | None:
    """pandoc's attributes (the text inside ``{…}``) as the attrs plugin's own parser reads
    them once their unquoted values (``width=50%``) are quoted; None: not attributes."""
    from mdit_py_plugins.attrs.parse import ParseError
    from mdit_py_plugins.attrs.parse import parse as parse_attrs

    inner = _UNQUOTED_VALUE.sub(lambda m: f'="{m.group(1)}"', inner.strip())
    try:
        _, attrs = parse_attrs("{" + inner + "}")
    except ParseError:
        return None
    return attrs


def pandoc_attrs(state: StateInline, silent: bool) -> bool:
    """Attributes as pandoc writes them where the attrs plugin's syntax refuses them: values
    unquoted (``{width=50%}``, ``{width=2.5in}``), spaces inside the braces
    (``{ width=5cm }``). The plugin's own parser reads them once the values are quoted."""
    src, pos = state.src, state.pos
    if src[pos] != "{" or state.pending or not state.tokens:
        return False
    token = state.tokens[-1]
    if token.type not in _ATTRS_AFTER:
        return False
    end = src.find("}", pos, state.posMax)
    if end < 0 or "\n" in src[pos:end]:
        return False
    attrs = read_attrs(src[pos + 1 : end])
    if attrs is None:
        return False
    if token.type == "link_close":
        k = len(state.tokens) - 1
        while k >= 0 and state.tokens[k].type != "link_open":
            k -= 1
        if k < 0:
            return False
        token = state.tokens[k]
    if not silent:
        for key, value in attrs.items():
            if key in _ATTRS_ALLOWED and key != "class":
                token.attrSet(key, value)
    state.pos = end + 1
    return True


def tex_math(state: StateInline, silent: bool) -> bool:
    """Inline TeX math, ``$…$`` (or ``$$…$$`` on one line), as the text it shows.

    Pandoc's rule tells math from prices: no space just inside the dollars and no digit
    right after the closing one, so ``$5``, ``$10 and $20`` and ``$5-$10`` stay as written;
    and what is between must look like math (``spans.is_math``). An escaped ``\\$`` is a
    dollar (markdown-it's escape rule has taken it before this rule sees it), and a code
    span binds tighter than math."""
    src, pos, end = state.src, state.pos, state.posMax
    if src[pos] != "$":
        return False
    n = 2 if src.startswith("$$", pos) else 1
    start = j = pos + n
    if start >= end or src[start].isspace() or src[start] == "$":
        return False
    while j < end and src[j] != "$":
        if src[j] in "\n`":
            return False
        j += 2 if src[j] == "\\" else 1
    if j >= end or (n == 2 and not src.startswith("$$", j)):
        return False
    content = src[start:j]
    after = j + n
    if content[-1].isspace() or (after < end and src[after].isdigit()):
        return False  # a price
    if "<!--" in content or "[[" in content:
        return False  # a comment or a wikilink: they bind tighter
    if not is_math(content):
        return False
    if not silent:
        tok = state.push("math_inline", "math", 0)
        tok.markup = "$" * n
        tok.content = " ".join(tex_text(content).split())
    state.pos = after
    return True


def wikilink(state: StateInline, silent: bool) -> bool:
    """Obsidian's ``[[target|alias]]`` shows its alias (or its target), ``![[file]]`` embeds
    a file: an image token, as ``![](file)`` would be (a size such as ``|300`` is no alt
    text but the picture's ``width``; an embedded note, ``![[Some note]]``, is no picture
    and shows its name). Scanning a link's text (``silent``), it is plain brackets, so
    that ``[see [[note]]](url)`` stays a link (CommonMark allows no link inside a link)."""
    src, pos = state.src, state.pos
    if silent:
        return False
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    close = src.find("]]", start, state.posMax)
    if close < 0:
        return False
    inner = src[start:close]
    if not inner.strip() or any(c in inner for c in "[]\n"):
        return False
    shown, target, alias = wikilink_text(inner)
    if embed:
        tok = state.push("image", "img", 0)
        tok.attrs = {"src": target, "alt": ""}
        tok.children = []
        tok.meta = {"picture": is_picture_embed(target)}
        if alias and _IMAGE_SIZE.fullmatch(alias):
            tok.attrs["width"] = alias  # "![[chart.png|300]]": a width in pixels
        elif alias:
            alt = Token("text", "", 0)
            alt.content = alias
            tok.children.append(alt)
            tok.content = alias
    else:
        tok = state.push("wikilink", "", 0)
        tok.content = shown
        tok.meta = {"target": target}
    state.pos = close + 2
    return True
