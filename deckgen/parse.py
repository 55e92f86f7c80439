"""Summary text → :class:`~deckgen.model.Document`.

markdown-it-py (CommonMark) does the Markdown: blocks, inline formatting, line maps. On top
of its tokens this module recognizes the *summary structure* with small named rules:

1. ``_collect_lines`` flattens the token stream into source lines. Summaries written as
   plain text (like ``content.md``) have no blank lines, so CommonMark folds many of their
   lines into one paragraph or list item through lazy continuation; each softbreak line is
   therefore taken back apart and looked at on its own.
2. ``_classify`` tags each line: heading, numbered title (``1. Title:``, ``**1. Title**``,
   ``Insight 1: Title``, keycap ``1️⃣``), bold-only line, ``Label: text``, conclusion name.
3. ``_choose_starts`` picks the kind of line that *repeats* — headings of one level,
   numbered lines, bold lines, or ``Topic:`` lines followed by bullets — and cuts the
   document into intro, insights and conclusion.
4. ``_units`` joins hard-wrapped prose back into paragraphs; each unit becomes a field,
   point or note.

Everything the author wrote ends up in some field of the Document; what markdown-it would
skip (nesting deeper than its limit) is put back from the raw source lines.
"""

from __future__ import annotations

import bisect
import html
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from deckgen.errors import SourceError, where
from deckgen.model import Conclusion, Document, Field, Insight, RichText, Span
from deckgen.source import check_not_empty, normalize

__all__ = ["parse", "CONCLUSION_NAMES", "NOTES_LABELS", "MAX_CHARS", "MAX_LINES", "MAX_INSIGHTS"]

# Limits that keep a build to minutes and memory to hundreds of MB, whatever the input
# (issue 5): markdown-it reads about 10,000 lines a second, and a slide costs about 2 ms and
# 100 kB to build. A 5 MB file of "1. a" lines would otherwise be a million slides.
MAX_CHARS = 5 * 2**20
MAX_LINES = 100_000
MAX_INSIGHTS = 10_000

# markdown-it stops descending (and silently skips the rest of the block) past this depth;
# it recurses in Python, so it cannot be unbounded. Skipped lines are restored raw.
_MAX_NESTING = 100
_MAX_INLINE_NESTING = 20

CONCLUSION_NAMES = frozenset(
    s.casefold()
    for s in (
        "Conclusion", "Conclusions", "In conclusion", "Summary", "In summary", "Final thoughts",
        "Final words", "Closing thoughts", "Closing", "Wrap-up", "Wrap up", "Wrapping up",
        "Key takeaway", "Key takeaways", "Takeaways", "Bottom line", "The bottom line",
        "TL;DR", "TLDR", "Fazit", "Zusammenfassung", "Schlussfolgerung", "Schlussfolgerungen",
        "Schlusswort", "Ergebnis", "Conclusión", "Conclusiones", "Resumen", "En resumen",
        "Résumé", "En résumé", "Synthèse", "Conclusão", "Conclusões", "Resumo", "Conclusione",
        "Conclusioni", "Riassunto", "Conclusie", "Samenvatting", "Заключение", "Выводы",
        "Итоги", "Podsumowanie", "Wnioski", "Sonuç", "总结", "結論", "结论", "小结", "總結",
        "まとめ", "結び", "결론", "요약",
    )
)  # fmt: skip

NOTES_LABELS = frozenset(
    s.casefold()
    for s in (
        "Notes", "Speaker notes", "Speaker note", "Presenter notes", "Notizen",
        "Sprechernotizen", "Notas", "Notas del orador", "Notes du présentateur", "备注",
        "演讲者备注", "メモ", "ノート",
    )
)  # fmt: skip

# Words that may stand before an insight's number: "Insight 1: Title", "Lektion 2 – …".
_NUMBER_WORDS = (
    "insight|key insight|takeaway|lesson|point|idea|step|chapter|part|section|tip|topic|"
    "theme|finding|principle|rule|erkenntnis|punkt|kapitel|teil|lektion|lección|leccion|"
    "punto|paso|capítulo|capitulo|parte|tema|leçon|lecon|étape|etape|chapitre|idée|idee"
)
_NUM_TEXT = re.compile(r"(\d{1,4})[.)](?:\s+|$)")
_NUM_HEADING = re.compile(r"(\d{1,4})\s*(?:[.):：]|\s[-–—])(?:\s+|$)")
_NUM_WORD = re.compile(rf"(?i)(?:{_NUMBER_WORDS})\s+#?(\d{{1,4}})\s*(?:[.):：\-–—]\s*|$)")
_NUM_KEYCAP = re.compile(r"(\d)\ufe0f?\u20e3\s*|\U0001f51f\s*")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?'\"”’)]}*_"
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
_COLON = re.compile("[:：]")
_TERMINAL = frozenset(".!?:;。！？：；…")
_CLOSERS = "\"'”’»)]*_ "
_INTRO_META = {
    "author": "author", "autor": "author", "autorin": "author", "auteur": "author",
    "date": "date", "datum": "date", "fecha": "date",
}  # fmt: skip


# --------------------------------------------------------------------------- spans


def _plain(spans: Sequence[Span]) -> str:
    return "".join(s.text for s in spans)


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Join neighbours with the same formatting and drop empty spans (texts joined once
    per group: adding them up one by one is quadratic on a paragraph of many lines)."""
    out: list[Span] = []
    group: list[Span] = []

    def flush() -> None:
        if group:
            p = group[0]
            text = p.text if len(group) == 1 else "".join(g.text for g in group)
            out.append(p if len(group) == 1 else Span(text, p.bold, p.italic, p.code, p.link))
            group.clear()

    for s in spans:
        if not s.text:
            continue
        if group:
            p = group[0]
            if (p.bold, p.italic, p.code, p.link) != (s.bold, s.italic, s.code, s.link):
                flush()
        group.append(s)
    flush()
    return out


def _cut(spans: Sequence[Span], n: int) -> tuple[list[Span], list[Span]]:
    """Split spans after ``n`` characters of their joined text."""
    left: list[Span] = []
    right: list[Span] = []
    for s in spans:
        if n <= 0:
            right.append(s)
        elif len(s.text) <= n:
            left.append(s)
            n -= len(s.text)
        else:
            left.append(Span(s.text[:n], s.bold, s.italic, s.code, s.link))
            right.append(Span(s.text[n:], s.bold, s.italic, s.code, s.link))
            n = 0
    return left, right


def _strip(spans: Sequence[Span], chars: str | None = None) -> list[Span]:
    """``str.strip`` across spans (only the outermost text changes)."""
    out = [s for s in spans if s.text]
    a, b = 0, len(out)
    while a < b and not out[a].text.strip(chars):
        a += 1
    while b > a and not out[b - 1].text.strip(chars):
        b -= 1
    out = out[a:b]
    if not out:
        return out
    s = out[0]
    text = s.text.lstrip(chars)
    if len(text) != len(s.text):
        out[0] = Span(text, s.bold, s.italic, s.code, s.link)
    s = out[-1]
    text = s.text.rstrip(chars)
    if len(text) != len(s.text):
        out[-1] = Span(text, s.bold, s.italic, s.code, s.link)
    return out


def _linkify(span: Span) -> list[Span]:
    """Bare URLs in plain text become link spans (markdown-it's linkify needs an extra
    package; this rule covers the http(s)/www addresses summaries contain)."""
    if span.code or span.link or ("://" not in span.text and "www." not in span.text.lower()):
        return [span]
    out: list[Span] = []
    pos = 0
    for m in _BARE_URL.finditer(span.text):
        url = m.group(0)
        while url and url[-1] in _URL_TRAIL:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) < 8:
            continue
        start, end = m.start(), m.start() + len(url)
        out.append(Span(span.text[pos:start], span.bold, span.italic))
        target = url if "://" in url else "https://" + url
        out.append(Span(url, span.bold, span.italic, link=target))
        pos = end
    out.append(Span(span.text[pos:], span.bold, span.italic))
    return out


def _rich(spans: Sequence[Span], line: int | None) -> RichText:
    return RichText(tuple(_merge(spans)), line)


# --------------------------------------------------------------------------- lines


@dataclass
class _Line:
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
    # set by _classify
    role: str = "plain"  # plain | start | conclusion | label | notes | bold
    start_number: int | None = None
    title: list[Span] = field(default_factory=list)
    rest: list[Span] = field(default_factory=list)
    label: str = ""

    @property
    def text(self) -> str:
        return _plain(self.spans)


class _Walker:
    """Turns the token stream into ``_Line`` s (rule 1)."""

    def __init__(self, src_lines: list[str]):
        self.src = src_lines
        self.lines: list[_Line] = []
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
                lines, notes = _inline_lines(inline.children or [])
                spans: list[Span] = []
                for ln in lines:
                    if spans and ln:
                        spans.append(Span(" "))
                    spans.extend(ln)
                self.add("heading", spans, start, level=int(t.tag[1:]), notes=notes)
                i += 2
            elif typ == "inline" and self.row is not None:
                cell = _strip([s for ln in _inline_lines(t.children or [])[0] for s in ln])
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
                if self.row and _plain(self.row).strip(" |"):
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

    def add(self, kind: str, spans: list[Span], lineno: int, **kw: Any) -> _Line:
        number, bullet, lid = self.pending or (None, False, None)
        self.pending = None
        ln = _Line(
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
        lines, notes = _inline_lines(t.children or [])
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
        k = len(lines) if self.depth >= _MAX_HTML_DEPTH or first < 0 else _html_lines(lines)
        self.html("\n".join(lines[:k]), first + 1)
        tail = textwrap.dedent("\n".join(lines[k:]))
        if not tail.strip():
            return
        tokens = _markdown().parse(tail)
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
        rest = _take_comments(content, notes)
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
        missing: list[_Line] = []
        for i in range(1, len(self.src) + 1):
            if self.covered[i]:
                continue
            raw = self.src[i - 1]
            if not raw.strip() or _REF_DEF.match(raw):
                continue
            text = _MARKERS.sub("", raw, count=1).strip()
            if text and set(text) - set("-=*_#`~> "):
                self.next_id += 1
                missing.append(_Line("text", [Span(text)], i, self.indent(i), block=self.next_id))
        if missing:
            self.lines = sorted(self.lines + missing, key=lambda ln: ln.line)


def _html_lines(lines: list[str]) -> int:
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


def _take_comments(content: str, notes: list[str]) -> str:
    """Remove ``<!-- … -->`` comments (keeping their line breaks) and collect their text.

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
        body = _NOTES_COMMENT.sub("", inner.strip(), count=1).strip()
        if body:
            notes.append(body)
        pos = b + 3
    out.append(content[pos:])
    return "".join(out)


def _inline_lines(children: list[Token]) -> tuple[list[list[Span]], list[str]]:
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
            lines[-1].extend(_linkify(s) if link is None else [s])
        elif typ == "code_inline":
            lines[-1].append(Span(c.content, bold > 0, italic > 0, True, link))
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
                _take_comments(c.content, notes)
            elif c.content.lower().startswith("<br"):
                lines.append([])
            elif not _INLINE_HTML.match(c.content):
                # a block-level (or unknown) tag separates the words around it, as a
                # browser shows them: "Conclusion<div>1." is two words, not "Conclusion1."
                lines[-1].append(Span(" ", bold > 0, italic > 0, False, link))
        elif c.content:
            lines[-1].append(Span(c.content, bold > 0, italic > 0, False, link))
    out = [_strip(ln) for ln in lines]
    return [ln for ln in out if ln], notes


# --------------------------------------------------------------------------- rules


def _name_key(text: str) -> str:
    """Text stripped of emoji, symbols and punctuation at both ends, casefolded."""
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] not in "LN":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] not in "LN":
        end -= 1
    return " ".join(text[start:end].split()).casefold()


def _is_conclusion_name(text: str) -> bool:
    key = _name_key(text)
    if key in CONCLUSION_NAMES:
        return True
    for joiner in (" and ", " & ", " und ", " y ", " et ", " e "):
        head, sep, _ = key.partition(joiner)
        if sep and head in CONCLUSION_NAMES:
            return True
    return False


def _split_label(text: str) -> tuple[str, int] | None:
    """``Label: text`` → (label, length of the prefix up to the text); None if no label.

    A label is a short prefix (≤ 6 words, ≤ 50 characters) ending in ``:`` or ``：`` that
    is followed by a space or the end of the line, in any language.
    """
    m = _COLON.search(text, 0, 52)
    if m is None:
        return None
    i = m.start()
    if text[i] == ":" and i + 1 < len(text) and not text[i + 1].isspace():
        return None  # "https://", "10:30", "a:b"
    label = text[:i].strip(" *_")
    if not label or len(label) > 50 or len(label.split()) > 6:
        return None
    if not any(c.isalpha() for c in label) or ", " in label or ". " in label:
        return None
    if label[0] in "([\"'“‘" or label.endswith(("?", "!")):
        return None
    n = i + 1
    while n < len(text) and text[n].isspace():
        n += 1
    return label, n


def _number_prefix(text: str, heading: bool) -> tuple[int, int] | None:
    """(number, prefix length) of ``1. ``/``1) ``/``Insight 1:``/keycap, else None."""
    m = _NUM_KEYCAP.match(text)
    if m:
        return (int(m.group(1)) if m.group(1) else 10), m.end()
    m = (_NUM_HEADING if heading else _NUM_TEXT).match(text) or _NUM_WORD.match(text)
    if m:
        return int(m.group(1)), m.end()
    return None


def _title_and_rest(spans: list[Span], split: bool) -> tuple[list[Span], list[Span]]:
    """``**Title**: text`` / ``Title: text`` → title and the text after it."""
    spans = _strip(spans)
    if split and spans and spans[0].bold:
        k = 0
        n = 0
        while k < len(spans) and spans[k].bold:
            n += len(spans[k].text)
            k += 1
        head, tail = _cut(spans, n)
        tail_text = _plain(tail).lstrip()
        head_text = _plain(head).rstrip()
        if not tail_text:
            return _strip(head, " :："), []
        if head_text.endswith((":", "：")) or tail_text[0] in ":：-–—":
            return _strip(head, " :："), _strip(tail, " :：-–—")
    if split:
        lab = _split_label(_plain(spans))
        if lab and len(_plain(spans)) > lab[1]:
            head, tail = _cut(spans, lab[1])
            return _strip(head, " :：*_"), _strip(tail)
    return _strip(spans, " :："), []


def _ends_sentence(text: str) -> bool:
    t = text.rstrip(_CLOSERS)
    return bool(t) and t[-1] in _TERMINAL


def _classify(ln: _Line) -> None:
    """Rule 2: what a single line could be, on its own."""
    num: tuple[int, int] | None
    if ln.kind == "heading":
        spans = _strip(ln.spans)
        text = _plain(spans)
        num = _number_prefix(text, heading=True)
        if num:
            ln.start_number = num[0]
            spans = _cut(spans, num[1])[1]
        ln.title, ln.rest = _title_and_rest(spans, split=False)
        ln.role = "conclusion" if _is_conclusion_name(_plain(ln.title)) else "heading"
        return
    if ln.kind != "text" or not ln.spans:
        return
    text = ln.text
    num = None
    if ln.number is not None:
        num = (ln.number, 0)
    elif not ln.bullet:
        num = _number_prefix(text, heading=False)
    if num:
        spans = _cut(ln.spans, num[1])[1]
        if _plain(spans).strip():
            ln.role = "start"
            ln.start_number = num[0]
            ln.title, ln.rest = _title_and_rest(spans, split=True)
            if _is_conclusion_name(_plain(ln.title)):
                ln.role = "conclusion"
            return
    if not ln.bullet and _is_conclusion_name(text):
        ln.role = "conclusion"
        ln.title = _strip(ln.spans, " :：")
        return
    lab = _split_label(text)
    if lab:
        ln.label = lab[0]
        ln.rest = _strip(_cut(ln.spans, lab[1])[1])
        if not ln.bullet and _is_conclusion_name(ln.label) and ln.rest:
            ln.role = "conclusion"
            ln.title = _strip(_cut(ln.spans, lab[1])[0], " :：*_")
        elif ln.label.casefold() in NOTES_LABELS:
            ln.role = "notes"
        elif ln.rest:
            ln.role = "label"
        return
    if all(s.bold for s in ln.spans) and len(text.split()) <= 15:
        ln.role = "bold"
        ln.title = _strip(ln.spans, " :：")


# --------------------------------------------------------------------------- structure


@dataclass
class _Plan:
    """Where the insights and the conclusion start, by the shape the summary has."""

    mode: str
    starts: list[int]  # indices into lines
    conclusion: int | None
    title_index: int | None  # heading used as the title
    subtitle_index: int | None = None


def _title_heading(lines: list[_Line]) -> int | None:
    """The first heading is the document title when it comes first and stands above the
    rest (the only heading of its level, or shallower than all others)."""
    first = next((i for i, ln in enumerate(lines) if ln.kind != "html" or ln.spans), None)
    if first is None or lines[first].kind != "heading" or lines[first].role == "conclusion":
        return None
    level = lines[first].level
    others = [ln.level for ln in lines[first + 1 :] if ln.kind == "heading"]
    if all(lv > level for lv in others) or (
        level == 1 and others.count(1) == 0 and lines[first].start_number is None
    ):
        return first
    if others.count(level) >= 1 and lines[first].start_number is None:
        # "# Title" followed by numbered "# 1. …" headings: unnumbered first one is the title
        same = [ln for ln in lines[first + 1 :] if ln.kind == "heading" and ln.level == level]
        if all(ln.start_number is not None for ln in same):
            return first
    return None


def _subtitle(lines: list[_Line], title_index: int) -> int | None:
    """A subheading with no text of its own, or a one-line italic paragraph, right after
    the title heading."""
    k = title_index + 1
    if k >= len(lines):
        return None
    ln = lines[k]
    after = lines[k + 1] if k + 1 < len(lines) else None
    then = lines[k + 2] if k + 2 < len(lines) else None
    if (
        ln.kind == "heading"
        and ln.role == "heading"
        and ln.start_number is None
        and ln.level > lines[title_index].level
        and after is not None
        and after.kind == "heading"
        and after.level <= ln.level
        # "# T / ## A / ## B" with no text anywhere: A and B are both (empty) sections
        and (after.start_number is not None or (then is not None and then.kind != "heading"))
    ):
        return k
    if (
        ln.kind == "text"
        and ln.role != "start"
        and ln.number is None
        and not ln.bullet
        and ln.spans
        and all(s.italic for s in ln.spans)
        and (after is None or after.block != ln.block)
    ):
        return k
    return None


def _choose_starts(lines: list[_Line], has_fm_title: bool) -> _Plan:
    """Rule 3: the kind of line that repeats is the insight's start."""
    title_index = None if has_fm_title else _title_heading(lines)
    subtitle_index = None if title_index is None else _subtitle(lines, title_index)

    # headings, per level
    by_level: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.kind == "heading" and ln.role == "heading" and i not in (title_index, subtitle_index):
            by_level.setdefault(ln.level, []).append(i)
    heading_pick: list[int] = []
    numbered_level = False
    if by_level:

        def score(level: int) -> tuple[int, int, int]:
            idx = by_level[level]
            numbered = sum(1 for i in idx if lines[i].start_number is not None)
            return (numbered, len(idx), -level)

        best = max(by_level, key=score)
        heading_pick = by_level[best]
        if any(lines[i].start_number is not None for i in heading_pick):
            numbered_level = True
            first_num = next(i for i in heading_pick if lines[i].start_number is not None)
            heading_pick = [i for i in heading_pick if i >= first_num]

    # numbered lines at the outermost indentation
    numbered = [i for i, ln in enumerate(lines) if ln.role == "start"]
    if numbered:
        outer = min(lines[i].indent for i in numbered)
        numbered = [i for i in numbered if lines[i].indent <= outer + 1]

    def in_one_section(idx: list[int], heads: list[int]) -> bool:
        return len({bisect.bisect(heads, i) for i in idx}) == 1

    def increasing(idx: list[int]) -> bool:
        nums = [lines[i].start_number or 0 for i in idx]
        return all(b > a for a, b in zip(nums, nums[1:], strict=False))

    mode = ""
    starts: list[int] = []
    if heading_pick and (numbered_level or len(heading_pick) >= 2):
        mode, starts = "headings", heading_pick
        if (
            not numbered_level
            and len(numbered) >= 2
            and increasing(numbered)
            and in_one_section(numbered, heading_pick)
        ):
            mode, starts = "numbered", numbered
    elif numbered and (len(numbered) >= 2 or not heading_pick):
        mode, starts = "numbered", numbered
    elif heading_pick:
        mode, starts = "headings", heading_pick
    else:
        bold = [i for i, ln in enumerate(lines) if ln.role == "bold" and not ln.bullet]
        bold_items = [
            i
            for i, ln in enumerate(lines)
            if ln.bullet and ln.kind == "text" and ln.spans[0].bold and ln.role != "notes"
        ]
        if bold_items:
            outer = min(lines[i].indent for i in bold_items)
            bold_items = [i for i in bold_items if lines[i].indent == outer]
        if (
            len(bold) >= 3
            and bold[1] == bold[0] + 1
            and not any(ln.spans for ln in lines[: bold[0]])
        ):
            bold = bold[1:]  # "**My talk**" right above "**First idea**": the title
        if bold:
            mode, starts = "bold", bold
        elif bold_items:
            # "- **Idea**: why it matters" bullets, when nothing else structures the text
            mode, starts = "bold items", bold_items
            for i in bold_items:
                lines[i].title, lines[i].rest = _title_and_rest(lines[i].spans, split=True)
        else:
            topics = [
                i
                for i, ln in enumerate(lines[:-1])
                if ln.kind == "text"
                and not ln.bullet
                and ln.role in ("plain", "bold")
                and ln.text.rstrip().endswith((":", "："))
                and len(ln.text.split()) <= 12
                and lines[i + 1].bullet
            ]
            if topics:
                mode, starts = "topics", topics
                for i in topics:
                    lines[i].title = _strip(lines[i].spans, " :：")

    # the conclusion: a line or heading named like one, after the first insight
    conclusion = None
    if starts:
        outer_indent = min(lines[i].indent for i in starts)
        start_level = lines[starts[0]].level if mode == "headings" else 99
        for i in range(starts[0] + 1, len(lines)):
            ln = lines[i]
            if ln.role != "conclusion":
                continue
            if ln.kind == "heading" and (
                mode != "headings" or ln.level <= start_level or i > starts[-1]
            ):
                conclusion = i
                break
            if ln.kind == "text" and ln.indent <= outer_indent + 1:
                conclusion = i
                break
        if conclusion is not None:
            starts = [i for i in starts if i < conclusion]
        # the last numbered item may itself be named "Conclusion"
    return _Plan(mode, starts, conclusion, title_index, subtitle_index)


@dataclass
class _Unit:
    """A piece of an insight's body: a point, a labelled field or notes."""

    kind: str  # point | field | notes
    spans: list[Span]
    line: int
    label: str = ""
    list_id: int | None = None
    bullet: bool = False
    open: bool = True  # may take a hard-wrapped continuation line
    last: str = ""  # its last source line, as text
    whole: list[Span] = field(default_factory=list)  # a field's line, label included

    @property
    def as_written(self) -> list[Span]:
        """The unit with its label, for places that have no fields (intro, conclusion)."""
        if self.kind == "field" and self.whole:
            return _strip(self.whole)
        if self.kind in ("field", "notes") and self.label:
            return [Span(f"{self.label}: "), *self.spans]
        return self.spans


def _wrapped(prev_line: str, line: str) -> bool:
    """Does ``line`` continue a hard-wrapped sentence from ``prev_line``?

    Summaries written line by line (like content.md) end their lines with punctuation or
    keep them short; wrapped prose breaks long lines mid-sentence or continues lowercase.
    """
    if _ends_sentence(prev_line):
        return False
    return len(prev_line) >= 40 or line[:1].islower()


def _units(lines: Sequence[_Line]) -> list[_Unit]:
    """Rule 4: lines → paragraphs, fields and notes (hard-wrapped prose joined again)."""
    out: list[_Unit] = []
    for ln in lines:
        for note in ln.notes:
            out.append(_Unit("notes", [Span(note)], ln.line, open=False))
        if not ln.spans:
            continue
        prev = out[-1] if out else None
        cont = (
            ln.kind == "text"
            and not ln.first
            and ln.role == "plain"
            and prev is not None
            and prev.open
            and _wrapped(prev.last, ln.text)
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
            out.append(_Unit("notes", list(ln.rest), ln.line, ln.label))
        elif ln.role == "label" and (ln.first or not ln.label[:1].islower()):
            out.append(_Unit("field", list(ln.rest), ln.line, ln.label, ln.list_id, ln.bullet))
            out[-1].whole = list(ln.spans)
        elif ln.kind == "heading":
            out.append(_Unit("heading", _strip(ln.spans), ln.line, open=False))
        else:
            out.append(
                _Unit("point", list(spans), ln.line, list_id=ln.list_id, bullet=ln.bullet,
                      open=ln.kind == "text")
            )  # fmt: skip
        out[-1].last = ln.text
    return out


def _insight(number: int, head: _Line, body: Sequence[_Line]) -> Insight:
    fields: list[Field] = []
    points: list[RichText] = []
    notes: list[RichText] = []
    if head.rest:
        points.append(_rich(head.rest, head.line))
    for note in head.notes:
        notes.append(RichText.plain_text(note, head.line))
    units = _units(body)
    k = 0
    while k < len(units):
        u = units[k]
        if u.kind == "notes":
            notes.append(_rich(u.spans, u.line))
        elif u.kind == "field":
            fields.append(Field(u.label, _rich(u.spans, u.line), u.line))
        elif u.kind == "heading" and k + 1 < len(units) and units[k + 1].kind == "point":
            # "### Key point" followed by its paragraph reads as a labelled field
            label = _plain(u.spans).rstrip(" :：")
            if len(label.split()) <= 5:
                nxt = units[k + 1]
                fields.append(Field(label, _rich(nxt.spans, nxt.line), u.line))
                k += 2
                continue
            points.append(_rich(u.spans, u.line))
        else:
            points.append(_rich(u.spans, u.line))
        k += 1
    title = head.title or _strip(head.spans)
    return Insight(
        number, _rich(title, head.line), tuple(fields), tuple(points), tuple(notes), head.line
    )


def _conclusion(head: _Line, body: Sequence[_Line]) -> Conclusion:
    units: list[_Unit] = []
    if head.kind == "text" and head.label and head.rest:
        units.append(_Unit("point", head.rest, head.line))
    units.extend(_units(body))
    main: list[RichText] = []
    closing: list[RichText] = []
    notes: list[RichText] = [RichText.plain_text(n, head.line) for n in head.notes]
    first: _Unit | None = None
    for u in units:
        spans = u.spans
        if u.kind == "notes":
            notes.append(_rich(spans, u.line))
            continue
        if u.kind == "field":
            spans = u.as_written
        if first is None:
            first = u
            main.append(_rich(spans, u.line))
        elif first.bullet and u.bullet and u.list_id == first.list_id and not closing:
            main.append(_rich(spans, u.line))
        else:
            closing.append(_rich(spans, u.line))
    heading = _plain(head.title) if head.title else "Conclusion"
    return Conclusion(heading, tuple(main), tuple(closing), tuple(notes), head.line)


# --------------------------------------------------------------------------- front matter


def _front_matter(text: str, name: str) -> tuple[dict[str, Any], str, list[str]]:
    """YAML between ``---`` lines at the very start. The block is blanked (not removed) so
    line numbers stay those of the file. Prose between two rules is not front matter."""
    if not text.startswith("---"):
        return {}, text, []
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, text, []
    end = None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            end = i
            break
    if end is None:
        return {}, text, []
    block = "\n".join(lines[1:end])
    import yaml  # only documents with front matter pay for PyYAML's import

    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SourceError(
            f"front matter is not valid YAML: {problem}",
            where=where(name, line),
            hint="fix the block between the --- lines or remove it",
        ) from None
    if isinstance(data, str) or data is None:
        return {}, text, []  # a horizontal rule, prose, another rule: ordinary Markdown
    if not isinstance(data, dict):
        raise SourceError(
            f"front matter must be 'key: value' lines, not a {type(data).__name__}",
            where=where(name, 2),
            hint="write e.g. 'title: My talk' between the --- lines",
        )
    meta = {str(k): v for k, v in data.items()}
    body = "\n" * end + "\n" + "\n".join(lines[end + 1 :])
    return meta, body, []


def _meta_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- entry point


def _markdown() -> MarkdownIt:
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
    return md


def _check_size(text: str, source: str) -> None:
    if len(text) > MAX_CHARS:
        raise SourceError(
            f"is too long ({len(text):,} characters; the limit is {MAX_CHARS:,})",
            where=source,
            hint="split the summary into several decks",
        )
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > MAX_LINES:
        raise SourceError(
            f"has {lines:,} lines; the limit is {MAX_LINES:,}",
            where=source,
            hint="split the summary into several decks",
        )


def parse(text: str, *, source: str = "<string>") -> Document:
    """Read a summary into a Document; raise SourceError if no insight can be found."""
    text, warn = normalize(text, source)
    check_not_empty(text, source)
    _check_size(text, source)
    warnings = list(warn)
    meta, body, fm_warn = _front_matter(text, source)
    warnings.extend(fm_warn)
    src_lines = body.split("\n")
    try:
        tokens = _markdown().parse(body)
    except RecursionError:
        raise SourceError(
            "the document is nested too deeply to read", where=source,
            hint="flatten lists or quotes nested hundreds of levels deep",
        ) from None  # fmt: skip
    walker = _Walker(src_lines)
    walker.walk(tokens)
    walker.restore_skipped()
    lines = walker.lines
    for ln in lines:
        _classify(ln)

    fm_title = _meta_text(meta.get("title"))
    plan = _choose_starts(lines, bool(fm_title and fm_title.strip()))
    if not plan.starts:
        raise SourceError(
            'no insights found — expected numbered sections such as "1. Title" or "## Title"',
            where=source,
            hint="see deckgen outline",
        )
    if len(plan.starts) > MAX_INSIGHTS:
        raise SourceError(
            f"has {len(plan.starts):,} insights; a deck holds at most {MAX_INSIGHTS:,}",
            where=where(source, lines[plan.starts[MAX_INSIGHTS]].line),
            hint="split the summary into several decks",
        )

    # title, subtitle, intro
    first_start = plan.starts[0]
    intro_lines = list(lines[:first_start])
    title: RichText | None = None
    subtitle: RichText | None = None
    if fm_title and fm_title.strip():
        title = RichText.plain_text(fm_title.strip())
    elif plan.title_index is not None:
        head = lines[plan.title_index]
        title = _rich(_strip(head.spans), head.line)
        # the title slide has no notes of its own: a comment there stays in the intro
        intro_lines[plan.title_index] = _Line("marker", [], head.line, 0, notes=head.notes)
        if plan.subtitle_index is not None and plan.subtitle_index < first_start:
            sub = lines[plan.subtitle_index]
            intro_lines[plan.subtitle_index] = _Line("marker", [], sub.line, 0, notes=sub.notes)
            subtitle = _rich(_strip(sub.spans), sub.line)
    intro_units = _units(intro_lines)
    author = _meta_text(meta.get("author"))
    date_ = _meta_text(meta.get("date"))
    kept: list[_Unit] = []
    for u in intro_units:
        key = _INTRO_META.get(u.label.casefold()) if u.kind == "field" else None
        if key == "author" and author is None:
            author = _plain(u.spans)
        elif key == "date" and date_ is None:
            date_ = _plain(u.spans)
        else:
            kept.append(u)
    intro_units = kept
    if title is None:
        if intro_units and intro_units[0].kind != "notes":
            u = intro_units.pop(0)
            title = _rich(_strip(u.as_written, " :："), u.line)
        else:
            stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            name = stem if stem and not stem.startswith("<") else "Untitled"
            title = RichText.plain_text(name)
            warnings.append(
                f"{source}: no title found; using {name!r} (add a first line or '# Title')"
            )
    if subtitle is None and meta.get("subtitle") is not None:
        subtitle = RichText.plain_text(_meta_text(meta["subtitle"]) or "")
    intro: list[RichText] = []
    for u in intro_units:
        intro.append(_rich(u.as_written, u.line))

    # insights
    insights: list[Insight] = []
    bounds = [*plan.starts, plan.conclusion if plan.conclusion is not None else len(lines)]
    written = [lines[i].start_number for i in plan.starts]
    use_written = plan.mode in ("numbered", "headings") and all(
        b is not None and (a is None or b > a)
        for a, b in zip([None, *written], written, strict=False)
    )
    if plan.mode in ("numbered", "headings") and not use_written and any(written):
        shown = ", ".join(str(n) for n in written[:5] if n is not None)
        warnings.append(
            f"{source}: insight numbers ({shown}…) do not count up; numbered 1, 2, 3 … instead"
        )
    for pos, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False), start=1):
        head = lines[a]
        number = head.start_number if use_written else None
        insights.append(_insight(number if number is not None else pos, head, lines[a + 1 : b]))

    conclusion = None
    if plan.conclusion is not None:
        conclusion = _conclusion(lines[plan.conclusion], lines[plan.conclusion + 1 :])

    return Document(
        title=title,
        insights=tuple(insights),
        subtitle=subtitle,
        author=author,
        date=date_,
        intro=tuple(intro),
        conclusion=conclusion,
        meta=meta,
        source=source,
        warnings=tuple(warnings),
    )
