from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from deckgen.model import Span
from deckgen.parse.spans import (
    is_math,
    linkify,
    plain,
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


@dataclass
class Line:
    """One source line as markdown-it placed it, before any summary rule looked at it."""

    kind: str  # "text" | "heading" | "code" | "html" | "marker"
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
    """Turns the token stream into ``Line`` s (rule 1)."""

    def __init__(self, src_lines: list[str]):
        self.src = src_lines
        self.lines: list[Line] = []
        self.covered = bytearray(len(src_lines) + 1)
        self.lists: list[list[int]] = []  # [id, next number or -1 for bullets]
        self.pending: tuple[int | None, bool, int | None] | None = None
        self.next_id = 0
        self.row: list[Span] | None = None  # the table row being read
        self.cells = 0
        self.row_line = 0
        self.depth = 0  # HTML blocks re-parsed as Markdown inside each other

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
            elif typ in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
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
                inline = tokens[i + 1]
                self.cover(t.map)
                start = t.map[0] + 1 if t.map else 0
                lines, notes = inline_lines(inline.children or [])
                spans: list[Span] = []
                for ln in lines:
                    if spans and ln:
                        spans.append(Span(" "))
                    spans.extend(ln)
                self.add("heading", spans, start, level=int(t.tag[1:]), notes=notes)
                i += 2
            elif typ == "inline" and self.row is not None:
                cell = strip_spans([s for ln in inline_lines(t.children or [])[0] for s in ln])
                if self.row:
                    self.row.append(Span(" | "))
                self.row.extend(cell)
                self.cells += 1
            elif typ == "inline":
                self.cover(t.map)
                self.paragraph(t)
            elif typ == "tr_open":
                self.cover(t.map)
                self.row = []
                self.cells = 0
                self.row_line = t.map[0] + 1 if t.map else 0
            elif typ == "tr_close":
                if self.row is not None and 0 < self.row_line <= len(self.src):
                    # GFM drops cells beyond the header's columns; keep their text
                    raw = self.src[self.row_line - 1].strip().strip("|").split("|")
                    for extra in raw[self.cells :]:
                        if extra.strip():
                            self.row.extend([Span(" | "), Span(extra.strip())])
                if self.row and plain(self.row).strip(" |"):
                    self.next_id += 1
                    self.add("text", self.row, self.row_line, block=self.next_id)
                self.row = None
            elif typ == "table_open":
                self.cover(t.map)
            elif typ in ("fence", "code_block"):
                self.cover(t.map)
                start = t.map[0] + 1 + (1 if typ == "fence" else 0) if t.map else 0
                if len(t.info.split()) > 1:  # more than a language name: words to keep
                    self.add("code", [Span(t.info.strip(), code=True)], start - 1)
                for k, text in enumerate(t.content.split("\n")):
                    if text.strip():
                        self.add("code", [Span(text.rstrip(), code=True)], start + k)
                self.pending = None
            elif typ == "html_block":
                self.cover(t.map)
                self.html_block(t.content, t.map[0] if t.map else -1)
            elif typ == "hr":
                self.cover(t.map)
            i += 1

    def add(self, kind: str, spans: list[Span], lineno: int, **kw: Any) -> Line:
        number, bullet, lid = self.pending or (None, False, None)
        self.pending = None
        ln = Line(
            kind,
            spans,
            lineno,
            self.indent(lineno),
            number=number,
            bullet=bullet,
            list_id=lid,
            **kw,
        )
        self.lines.append(ln)
        return ln

    def paragraph(self, t: Token) -> None:
        start = t.map[0] + 1 if t.map else 0
        lines, notes = inline_lines(t.children or [])
        if self.pending is not None and lines:
            lines[0] = task_box(lines[0])  # "- [ ] item": the first line of a list item
        self.next_id += 1
        block = self.next_id
        for k, spans in enumerate(lines):
            ln = self.add("text", spans, start + k, block=block, first=k == 0)
            if k == 0:
                ln.notes = notes
        if not lines and notes:
            self.add("text", [], start, block=block, notes=notes)

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
        tokens = markdown().parse(tail)
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
        rest = take_comments(content, notes)
        self.next_id += 1
        emitted = False
        for k, raw in enumerate(rest.split("\n")):
            text = html.unescape(_TAG.sub(" ", _INLINE_HTML.sub("", raw)))
            text = " ".join(text.split())
            if text:
                ln = self.add("html", [Span(text)], lineno + k, block=self.next_id)
                if not emitted:
                    ln.notes, emitted = notes, True
        if notes and not emitted:
            self.add("html", [], lineno, notes=notes)

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
            if text and set(text) - set("-=*_#`~> "):
                self.next_id += 1
                missing.append(Line("text", [Span(text)], i, self.indent(i), block=self.next_id))
        if missing:
            self.lines = sorted(self.lines + missing, key=lambda ln: ln.line)


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


def take_comments(content: str, notes: list[str]) -> str:
    """Remove ``<!-- … -->`` comments (keeping their line breaks) and collect the text of
    those that say they are notes (``<!-- notes: … -->``, ``<!-- speaker notes: … -->``).
    Any other comment is the author's private remark (``<!-- TODO -->``, ``<!-- draft -->``):
    it is in no slide and in no notes.

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
        pos = b + 3
    out.append(content[pos:])
    return "".join(out)


def inline_lines(children: list[Token]) -> tuple[list[list[Span]], list[str]]:
    """Inline tokens → lines of spans (split at soft/hard breaks) and ``notes`` comments."""
    lines: list[list[Span]] = [[]]
    notes: list[str] = []
    bold = italic = 0
    links: list[str | None] = []
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
        elif typ in ("softbreak", "hardbreak"):
            lines.append([])
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
            lines[-1].append(Span(alt or src, bold > 0, italic > 0, False, src or link))
        elif typ == "html_inline":
            if c.content.startswith("<!--"):
                take_comments(c.content, notes)
            elif c.content.lower().startswith("<br"):
                lines.append([])
            elif not _INLINE_HTML.match(c.content):
                # a block-level (or unknown) tag separates the words around it, as a
                # browser shows them: "Conclusion<div>1." is two words, not "Conclusion1."
                lines[-1].append(Span(" ", bold > 0, italic > 0, False, link))
        elif c.content:
            lines[-1].append(Span(c.content, bold > 0, italic > 0, False, link))
    out = [strip_spans(ln) for ln in lines]
    return [ln for ln in out if ln], notes


def markdown() -> MarkdownIt:
    """CommonMark plus GFM tables and ~~strike~~ (what ChatGPT/Notion exports contain).

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
    return md


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
    text). Scanning a link's text (``silent``), it is plain brackets, so that
    ``[see [[note]]](url)`` stays a link (CommonMark allows no link inside a link)."""
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
        if alias and not _IMAGE_SIZE.fullmatch(alias):
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
