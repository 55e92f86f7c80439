"""The document's outline: its headings and pseudo-headings, each with a level and the rule
that made it.

People structure summaries with more than Markdown headings: a wholly bold paragraph, a
numbered ``1. Title:`` line, a bold question that leads its answer, or — in meeting notes
with no headings at all — a short line above a list. Each of those is a *rule* below: a
small function from the classified lines to the heads it finds. The rules only find
candidates; :mod:`deckgen.parse.sections` decides which level is the deck's unit.

Levels: a real heading of level *n* is ``10 n``; pseudo-headings sit between real levels
(a bold paragraph is ``+5`` below the heading it follows, a numbered item ``+3`` below the
nearest head above it), so "deeper" and "shallower" compare the way a reader sees them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from deckgen.model import Code, Span
from deckgen.parse.blocks import Line
from deckgen.parse.classify import ends_sentence, is_conclusion_name, name_key
from deckgen.parse.spans import cut, plain, split_bold_lead, strip_spans

BOLD_STEP = 5
NUMBERED_STEP = 3
SHORT_LINE_WORDS = 12

# "## num: 01", "## title: …": fields of the heading above, written by export tools
_MACHINE_FIELD = re.compile(
    r"(?i)^\s*(num|no|nr|number|id|title|titel|titulo|título|titre|name)\s*[:：]\s*(.*)$"
)
# "# cap1", "## ch-02": an anchor whose title comes from a "title:" heading under it
_ANCHOR = re.compile(r"(?i)^[a-z]{1,10}[-_]?\d{1,4}$")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)")
_TITLE_LABELS = frozenset(
    ("title", "titel", "título", "titulo", "titre", "标题", "題名", "タイトル")
)


@dataclass
class Head:
    """One node of the outline: a line that starts a part of the document."""

    index: int
    """Index of its line in the classified lines."""
    level: int
    rule: str
    """The rule that made it a head, for ``deckgen outline``."""
    title: list[Span]
    rest: list[Span] = field(default_factory=list)
    """Text after the title on the same line (a point of its section)."""
    badge: str = ""
    number: int | None = None
    conclusion: bool = False
    titled: bool = True
    """A numbered item with a title of its own (``1. **Title**: text``, or text under it),
    not a bare sentence: only such items become slides of their own."""
    fields: list[int] = field(default_factory=list)
    """Lines of machine-style field headings (``## num: 01``) that this anchor took."""

    @property
    def text(self) -> str:
        return plain(self.title)


@dataclass
class TitleBlock:
    """The title block of a document: what is its title, not its sections."""

    title_index: int | None = None
    subtitle_index: int | None = None
    title_spans: list[Span] | None = None
    """An explicit ``Title: …`` line's title (chat answers), when no heading is the title."""
    title_line: int | None = None
    """The first line, when no heading is the title: it is the title (not a head)."""
    preamble: list[int] = field(default_factory=list)
    """Indices of a chat preamble's lines ("Sure! Here is a summary …")."""
    signoff: list[int] = field(default_factory=list)
    """Indices of a trailing sign-off ("Let me know if …")."""


# --------------------------------------------------------------------------- helpers


def _enclosing(levels: list[tuple[int, int]], index: int, default: int) -> int:
    """Level of the nearest head in ``levels`` (index, level; sorted) before ``index``."""
    best = default
    for i, lv in levels:
        if i >= index:
            break
        best = lv
    return best


def _one_line_block(lines: Sequence[Line], i: int) -> bool:
    ln = lines[i]
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    return ln.first and (nxt is None or nxt.block != ln.block or nxt.kind != "text")


def _content(ln: Line) -> bool:
    """Text under a numbered line that gives it a title of its own: a line of text, or a
    picture, table or quote (they were text lines before they were elements, and count
    as then; a code block never did)."""
    if ln.kind == "element":
        return not isinstance(ln.element, Code)
    return bool(ln.spans) and ln.kind == "text"


def _bold_lead(ln: Line) -> tuple[list[Span], list[Span]] | None:
    """``**How much does X matter?** No ablation …``: the bold part, when it ends a
    sentence, is a title and the rest its first point."""
    spans = strip_spans(ln.spans)
    if not spans or not spans[0].bold or ln.label:
        return None
    head, tail = split_bold_lead(spans)
    head_text = plain(head).strip()
    if not plain(tail).strip() or not head_text.endswith(("?", "？", ".", "!", "。", "！")):
        return None
    if len(head_text.split()) > 20:
        return None
    return strip_spans(head), strip_spans(tail)


# --------------------------------------------------------------------------- rules
# Each rule: (lines, heads found by earlier rules) → new heads. Pure functions.

Rule = Callable[[Sequence[Line], list[Head]], list[Head]]


def heading_rule(lines: Sequence[Line], found: list[Head]) -> list[Head]:
    """ATX and Setext headings."""
    out = []
    for i, ln in enumerate(lines):
        if ln.kind == "heading" and ln.spans:
            out.append(
                Head(
                    i,
                    10 * ln.level,
                    f"heading ({'#' * ln.level})",
                    list(ln.title) or strip_spans(ln.spans),
                    list(ln.rest),
                    ln.badge,
                    ln.start_number,
                    ln.role == "conclusion",
                )
            )
    return out


def _pseudo_level(found: list[Head], index: int, step: int) -> int:
    real = sorted((h.index, h.level) for h in found)
    if not real:
        return step
    first = real[0][1]
    return _enclosing(real, index, first) + step


def bold_paragraph_rule(lines: Sequence[Line], found: list[Head]) -> list[Head]:
    """A wholly bold paragraph (``**Background:**``, ``**Board drama**``) is a heading one
    level below the heading it follows; a bold lead that ends a sentence
    (``**Why?** Because …``) is one too, titled with the bold part."""
    out = []
    for i, ln in enumerate(lines):
        if ln.kind != "text" or ln.bullet or ln.number is not None or ln.indent > 3:
            continue
        if ln.role == "start" or ln.badge:
            continue  # a numbered line, bold or not: the numbered-line rule's
        if ln.role in ("bold", "conclusion") and all(s.bold for s in ln.spans if s.text.strip()):
            title = strip_spans(ln.spans, " :：")
            if is_title_label(ln):
                continue
            out.append(
                Head(
                    i,
                    _pseudo_level(found, i, BOLD_STEP),
                    "pseudo-heading (bold paragraph)",
                    title,
                    conclusion=is_conclusion_name(plain(title)),
                )
            )
            continue
        lead = _bold_lead(ln) if ln.first else None
        if lead is not None:
            out.append(
                Head(
                    i,
                    _pseudo_level(found, i, BOLD_STEP),
                    "pseudo-heading (bold lead)",
                    lead[0],
                    lead[1],
                )
            )
    return out


def numbered_rule(lines: Sequence[Line], found: list[Head]) -> list[Head]:
    """Numbered lines at the outermost indentation: ``1. Title:``, ``**2. Title**``,
    ``Insight 3: …``, ``IV. …``, ``一、…`` and ordered list items."""
    idx = [
        i
        for i, ln in enumerate(lines)
        if ln.kind == "text" and ln.role in ("start", "conclusion") and ln.badge
    ]
    if not idx:
        return []
    outer = min(lines[i].indent for i in idx)
    idx = [i for i in idx if lines[i].indent <= outer + 1]
    out = []
    for pos, i in enumerate(idx):
        ln = lines[i]
        end = idx[pos + 1] if pos + 1 < len(idx) else len(lines)
        nested = any(_content(lines[k]) for k in range(i + 1, min(end, i + 3)))
        titled = bool(ln.rest) or nested or ln.label != "" or any(s.bold for s in ln.spans)
        out.append(
            Head(
                i,
                _pseudo_level(found, i, NUMBERED_STEP),
                "numbered line",
                list(ln.title),
                list(ln.rest),
                ln.badge,
                ln.start_number,
                ln.role == "conclusion",
                titled,
            )
        )
    return out


def short_line_rule(lines: Sequence[Line], found: list[Head]) -> list[Head]:
    """In notes with no headings: a short standalone line (no sentence end, no URL) above a
    list or a paragraph is a section heading (``DataDog`` then bullets)."""
    if found:
        return []
    out = []
    for i, ln in enumerate(lines[:-1]):
        if ln.kind != "text" or ln.bullet or ln.number is not None or ln.indent > 3:
            continue
        if ln.role not in ("plain", "bold", "conclusion"):
            continue
        nxt = lines[i + 1]
        above_list = nxt.bullet or nxt.number is not None
        # "Flaky tests" and, on the next line of its paragraph, a long sentence about it
        leads = ln.first and nxt.block == ln.block and len(nxt.text.split()) > SHORT_LINE_WORDS
        if not above_list and not leads and not _one_line_block(lines, i):
            continue
        text = ln.text.strip()
        if not text or len(text.split()) > SHORT_LINE_WORDS or _URL.search(text):
            continue
        if (ends_sentence(text) and not text.endswith((":", "："))) or text.endswith((",", "，")):
            continue
        if not nxt.spans:
            continue
        # above a paragraph: only when that paragraph is more than another short line
        if (
            not nxt.bullet
            and nxt.number is None
            and len(nxt.text.split()) <= SHORT_LINE_WORDS
            and _one_line_block(lines, i + 1)
        ):
            continue
        out.append(
            Head(
                i,
                BOLD_STEP,
                "pseudo-heading (short line above a list)"
                if above_list
                else "pseudo-heading (short line above a paragraph)",
                strip_spans(ln.spans, " :："),
                conclusion=is_conclusion_name(text),
            )
        )
    return out


def bold_item_rule(lines: Sequence[Line], found: list[Head]) -> list[Head]:
    """``- **Idea**: why it matters`` bullets, when nothing else structures the text."""
    if found:
        return []
    idx = [
        i
        for i, ln in enumerate(lines)
        if ln.bullet and ln.kind == "text" and ln.spans and ln.spans[0].bold and ln.role != "notes"
    ]
    if len(idx) < 2:
        return []
    outer = min(lines[i].indent for i in idx)
    out = []
    from deckgen.parse.classify import title_and_rest

    for i in idx:
        if lines[i].indent != outer:
            continue
        title, rest = title_and_rest(lines[i].spans, split=True)
        out.append(Head(i, BOLD_STEP, "pseudo-heading (bold list item)", title, rest))
    return out


RULES: tuple[Rule, ...] = (
    heading_rule,
    bold_paragraph_rule,
    numbered_rule,
    short_line_rule,
    bold_item_rule,
)


# --------------------------------------------------------------------------- title block


def is_title_label(ln: Line) -> bool:
    """``**Title: The Mom Test**`` / ``Title: …``: the author says what the title is."""
    text = ln.text.strip().strip("*_ ")
    label, sep, rest = text.partition(":")
    if not sep:
        label, sep, rest = text.partition("：")
    has_words = any(c.isalnum() for c in rest)
    return bool(sep and has_words) and label.strip().casefold() in _TITLE_LABELS


_PREAMBLE = re.compile(
    r"(?i)^(?:sure|certainly|of course|absolutely|okay|ok|great|here(?:'s| is| are)|"
    r"below is|below you|i've|i have)\b"
)
_SIGNOFF = re.compile(
    r"(?i)^(?:let me know|i hope this|hope this|feel free|if you(?:'d| would)? like|"
    r"would you like|do you want me|want me to|happy to)\b"
)


def title_block(lines: Sequence[Line], has_fm_title: bool, fm_title: str | None) -> TitleBlock:
    """The heads that are the document's title, not its sections: the first heading when
    only metadata precedes it and it stands above the rest; a heading equal to the
    front-matter title; a title and its translation right under it; an explicit
    ``Title:`` line; and a chat answer's preamble and sign-off."""
    out = TitleBlock()
    content = [i for i, ln in enumerate(lines) if ln.spans]
    if not content:
        return out
    last = content[-1]
    if lines[last].kind == "text" and _SIGNOFF.match(lines[last].text.strip()):
        out.signoff = [i for i in content if lines[i].block == lines[last].block]
    # a chat preamble ("Sure! Here is a summary of …") is not the title when an explicit
    # title follows it
    first = content[0]
    preamble: list[int] = []
    if lines[first].kind == "text" and _PREAMBLE.match(lines[first].text.strip()):
        preamble = [i for i in content if lines[i].block == lines[first].block]
    rest = [i for i in content if i not in preamble]
    for i in rest[:3]:
        if is_title_label(lines[i]) and not has_fm_title:
            text = strip_spans(lines[i].spans, " *_")
            k = next(n for n, ch in enumerate(plain(text)) if ch in ":：")
            out.title_spans = strip_spans(cut(text, k + 1)[1], " *_")
            out.title_index = i
            out.preamble = preamble
            return out
    if has_fm_title:
        first_heading = next((i for i in content if lines[i].kind == "heading"), None)
        if (
            first_heading is not None
            and fm_title
            and name_key(lines[first_heading].text) == name_key(fm_title)
        ):
            out.title_index = first_heading
        out.preamble = preamble
        return out
    out.title_index = _title_heading(lines, rest)
    if out.title_index is not None:
        out.preamble = preamble
        out.subtitle_index = _subtitle(lines, out.title_index)
        return out
    # no title heading: the first line is the title, unless it starts the sections
    ln = lines[first]
    if ln.kind == "text" and not ln.bullet and ln.number is None and ln.role != "start":
        out.title_line = first
    return out


def _title_heading(lines: Sequence[Line], content: list[int]) -> int | None:
    """The first heading is the document's title when only metadata precedes it and it
    stands above the rest (the only heading of its level, or shallower than all others)."""
    first = None
    for i in content:
        ln = lines[i]
        if ln.kind == "heading":
            first = i
            break
        if ln.kind == "html" or (ln.role == "label" and len(ln.text.split()) <= 12):
            continue  # metadata lines ("Author: …", "Date: …") may come before it
        return None
    if first is None or is_conclusion_name(lines[first].text, lead=False):
        return None  # ("Summary: <the talk's subject>" is a title, "Summary" alone is not)
    level = lines[first].level
    others = [ln for ln in lines[first + 1 :] if ln.kind == "heading"]
    if all(ln.level > level for ln in others) or (
        level == 1 and not any(ln.level == 1 for ln in others) and not lines[first].badge
    ):
        return first
    same = [ln for ln in others if ln.level == level]
    if not lines[first].badge and all(ln.badge or _ANCHOR.match(ln.text.strip()) for ln in same):
        # "# Title" followed by numbered "# 1. …" headings (or export anchors "# cap1"):
        # the unnumbered one is the title
        return first
    # "# Book title" with nothing under it, then "# Chapter …" headings of the same level
    nxt_line = next((i for i in content if i > first), None)
    if (
        nxt_line is not None
        and lines[nxt_line].kind == "heading"
        and lines[nxt_line].level == level
        and not lines[first].badge
        and len(same) >= 3
    ):
        return first
    # a title and its translation: two headings of one level at the very start, above
    # every other heading
    nxt = next((i for i in content if i > first), None)
    if (
        nxt is not None
        and lines[nxt].kind == "heading"
        and lines[nxt].level == level
        and not lines[nxt].badge
        and len(same) == 1
        and others[1:]
        and all(ln.level > level for ln in others[1:])
    ):
        return first
    return None


def _subtitle(lines: Sequence[Line], title_index: int) -> int | None:
    """A heading right under the title that is its translation or subtitle (of the same
    level, or deeper with no text of its own), or a one-line italic paragraph."""
    k = title_index + 1
    while k < len(lines) and not lines[k].spans:
        k += 1
    if k >= len(lines):
        return None
    ln = lines[k]
    after = lines[k + 1] if k + 1 < len(lines) else None
    then = lines[k + 2] if k + 2 < len(lines) else None
    title = lines[title_index]
    if ln.kind == "heading" and ln.role == "heading" and not ln.badge:
        others = [x.level for x in lines[k + 1 :] if x.kind == "heading"]
        if ln.level == title.level and others and all(lv > ln.level for lv in others):
            return k  # a translated title
        if (
            ln.level > title.level
            and after is not None
            and after.kind == "heading"
            and after.level <= ln.level
            # "# T / ## A / ## B" with no text anywhere: A and B are both (empty) sections
            and (bool(after.badge) or (then is not None and then.kind != "heading"))
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


# --------------------------------------------------------------------------- outline


def machine_fields(lines: Sequence[Line], heads: list[Head]) -> tuple[list[Head], dict[int, str]]:
    """``# cap1`` / ``## num: 01`` / ``## title: …``: the field headings are not slides;
    they give the anchor above them its number and title. Returns the heads left and the
    line indices of field headings (their text is not repeated in the body)."""
    fields: dict[int, str] = {}
    out: list[Head] = []
    for h in heads:
        ln = lines[h.index]
        m = _MACHINE_FIELD.match(ln.text) if ln.kind == "heading" else None
        anchor = out[-1] if out else None
        if m and anchor is not None and lines[anchor.index].kind == "heading":
            key, value = m.group(1).casefold(), m.group(2).strip()
            if value and anchor.level < h.level:
                if key in ("title", "titel", "titulo", "título", "titre", "name"):
                    anchor.title = [Span(value)]
                else:
                    anchor.badge = value
                    anchor.number = int(value) if value.isdigit() else anchor.number
                anchor.rule = "heading (anchor with field headings)"
                anchor.fields.append(h.index)
                fields[h.index] = key
                continue
        out.append(h)
    return out, fields


def build(lines: Sequence[Line], skip: set[int]) -> list[Head]:
    """Every head of the document, in order, from the rules; ``skip``: title-block lines."""
    found: list[Head] = []
    for rule in RULES:
        new = [h for h in rule(lines, found) if h.index not in skip]
        taken = {h.index for h in found}
        found.extend(h for h in new if h.index not in taken)
    found.sort(key=lambda h: h.index)
    return found
