"""From the outline to the deck's slides, the way a speaker would cut the document.

Each decision is a small function over the outline, in the order they apply:

1. :func:`section_level` — the shallowest level that *repeats* is the unit of the deck
   (not the most numerous one: ``## Part`` headings over many ``### topic`` headings are
   parts with topics).
2. :func:`find_conclusion` — a conclusion-named head among the last sections (back matter
   such as references may follow it), or in the raw form a bare ``Conclusion`` line after
   the last section.
3. :func:`cut` — heads above the section level become dividers; each section is a slide;
   a long section with sub-structure (deeper headings, bold pseudo-headings, titled
   numbered items) becomes an opening slide plus one slide per sub-part; short sub-parts
   stay sub-heads on their section's slide.
4. :func:`chunks` — notes with no structure at all still make a deck: one slide per
   top-level group of text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from deckgen.model import SlideRole, Span
from deckgen.parse.blocks import Line
from deckgen.parse.classify import name_key
from deckgen.parse.elements import element_text
from deckgen.parse.outline import Head
from deckgen.parse.spans import strip_spans

# A section longer than this (in characters of text) is cut at its sub-headings: about
# what the theme's body holds at a comfortable size.
SPLIT_CHARS = 650
# Sub-parts shorter than this on average are not worth a slide each.
CRUMB_CHARS = 180
# A divider's own text, up to this length, is shown on the divider; longer, it is a slide.
DIVIDER_CHARS = 240
# Text before the first section: up to this, and in one paragraph, it is the subtitle.
INTRO_CHARS = 160

BACK_MATTER = frozenset(
    name_key(s)
    for s in (
        "References", "Sources", "Links", "Resources", "Further reading", "Bibliography",
        "Reading list", "See also", "Related", "Appendix", "Credits", "Acknowledgements",
        "Acknowledgments", "Literatur", "Quellen", "Weiterführende Links", "Referencias",
        "Fuentes", "Bibliografía", "Enlaces", "Références", "Liens", "Bibliographie",
        "Źródła", "Bibliografia", "Linki", "Referências", "Fontes", "参考", "参考文献",
        "参考资料", "链接", "参考リンク",
    )
)  # fmt: skip


@dataclass
class Slide:
    """A slide the document asks for: its head and the lines of its own body."""

    head: Head | None
    start: int
    end: int
    kind: SlideRole = "insight"
    level: int = 1
    rule: str = ""
    subsections: list[str] = field(default_factory=list)
    title: list[Span] | None = None
    """For a slide without a head (a chunk of heading-less notes)."""


@dataclass
class Cut:
    slides: list[Slide]
    first: int
    """Index of the first line that belongs to a slide (before it: the intro)."""
    conclusion: Head | None = None
    conclusion_end: int = 0
    back_matter: list[Slide] = field(default_factory=list)
    section_level: int | None = None


def _chars(lines: Sequence[Line], a: int, b: int) -> int:
    """Characters of text in ``lines[a:b]``; a picture, table, code block or quote counts
    as much as its text (so a section is as long as it was when they were text)."""
    return sum(len(ln.text) if ln.spans else ln.chars for ln in lines[a:b])


def _level_name(level: int) -> str:
    if level % 10 == 0:
        return "#" * (level // 10)
    return {5: "pseudo-heading", 3: "numbered-line", 8: "numbered-line"}.get(
        level % 10, f"level {level}"
    )


# --------------------------------------------------------------------------- 1. unit


def section_level(heads: Sequence[Head]) -> int | None:
    """The shallowest level that repeats (conclusion heads aside); a lone head's level."""
    counts = Counter(h.level for h in heads if not h.conclusion)
    repeated = [lv for lv, n in counts.items() if n >= 2]
    if repeated:
        return min(repeated)
    if counts:
        return min(counts)
    return min((h.level for h in heads), default=None)


# --------------------------------------------------------------------------- 2. conclusion


def _is_back_matter(h: Head) -> bool:
    return name_key(h.text) in BACK_MATTER


def find_conclusion(
    lines: Sequence[Line], heads: list[Head], level: int
) -> tuple[Head | None, list[Head]]:
    """The conclusion head (if any) and the heads after it that are back matter.

    A conclusion concludes: it is a section-level (or shallower) head with at most one
    other section after it, back matter aside — a ``TL;DR`` that comes first is an
    ordinary section. Without one, the raw form's bare ``Conclusion`` line (or
    ``Conclusion: text``) after the last section counts, unless a deeper head stands
    between them (a ``**Conclusion:**`` paragraph inside section 6.3 is part of 6.3).
    """
    top = [h for h in heads if h.level <= level]
    for pos in range(len(top) - 1, -1, -1):
        h = top[pos]
        if not h.conclusion:
            continue
        after = [x for x in top[pos + 1 :] if not _is_back_matter(x)]
        if len(after) <= 1 and (not after or after[0].level >= h.level):
            if after:
                return None, []  # a section after the conclusion: it is not one
            back = top[pos + 1 :]
            end = back[0].index if back else len(lines)
            inner = [x for x in heads if h.index < x.index < end]
            if len(inner) >= 2 or (inner and _chars(lines, h.index, end) > SPLIT_CHARS):
                return None, []  # a long part with sections of its own ("Part 3: Wrap-up")
            return h, back
        break
    last = heads[-1] if heads else None
    if last is not None and last.conclusion and all(x.level > level for x in heads[-1:]):
        # "### Conclusion" closing the last part
        section_heads = [x for x in heads if x.level <= level]
        if section_heads and section_heads[-1].index < last.index:
            return last, []
    last_section = max((h.index for h in heads if h.level <= level), default=-1)
    deeper = [h.index for h in heads if h.level > level and h.index > last_section]
    outer = min((lines[h.index].indent for h in heads if h.level == level), default=0)
    for i in range(max(last_section, 0) + 1, len(lines)):
        ln = lines[i]
        if (
            ln.role == "conclusion"
            and ln.kind == "text"
            and not ln.bullet
            and ln.indent <= outer + 1
            and not any(d < i for d in deeper)
        ):
            title = ln.title or strip_spans(ln.spans, " :：")
            head = Head(i, level, "conclusion line", list(title), list(ln.rest), conclusion=True)
            return head, []
    return None, []


# --------------------------------------------------------------------------- 3. cut


def _splittable(heads: Sequence[Head]) -> bool:
    return bool(heads) and all(h.titled for h in heads)


def _section(
    lines: Sequence[Line],
    head: Head,
    end: int,
    inner: list[Head],
    level: int,
    rule: str,
    total: int,
    force: bool = False,
) -> list[Slide]:
    """One section: a slide, or an opening slide and its sub-parts when it is long — or
    when its sub-parts are a numbered run that holds most of the document's text (the
    deck's backbone: "## Key insights" over "1. …", "2. …")."""
    if not inner:
        return [Slide(head, head.index + 1, end, "insight", level, rule)]
    sub_level = min(h.level for h in inner)
    subs = [h for h in inner if h.level == sub_level]
    size = _chars(lines, head.index, end)
    backbone = subs[0].rule == "numbered line" and size * 2 > total and len(subs) > 1
    # sub-parts of a line or two each make near-empty slides: they stay on one (it fits)
    crumbs = len(subs) >= 3 and size <= 2 * SPLIT_CHARS and size < len(subs) * CRUMB_CHARS
    keep = (size <= SPLIT_CHARS and not force) or crumbs
    if (keep and not backbone) or not _splittable(subs):
        return [Slide(head, head.index + 1, end, "insight", level, rule)]
    first_sub = subs[0].index
    own = _chars(lines, head.index + 1, first_sub)
    opening = Slide(
        head,
        head.index + 1,
        first_sub,
        "insight" if own else "section",
        level,
        rule,
        subsections=[h.text for h in subs],
    )
    out = [opening]
    for k, sub in enumerate(subs):
        sub_end = subs[k + 1].index if k + 1 < len(subs) else end
        deeper = [h for h in inner if sub.index < h.index < sub_end]
        out += _section(
            lines,
            sub,
            sub_end,
            deeper,
            level + 1,
            f"sub-slide ({_level_name(sub.level)} in a long section)"
            if not backbone
            else "insight (numbered run holding most of the text)",
            total,
        )
    return out


def _split_alike(lines: Sequence[Line], heads: list[Head], level: int, stop: int) -> bool:
    """Sections are cut alike: when most sections with sub-headings are long enough to be
    cut at them, the short ones are cut too (a deck whose parts are all divided into
    topics, not two divided and one crammed)."""
    long = short = 0
    for k, h in enumerate(heads):
        if h.level != level:
            continue
        nxt = next((j for j in range(k + 1, len(heads)) if heads[j].level <= level), None)
        inner = heads[k + 1 : nxt] if nxt is not None else heads[k + 1 :]
        if not inner:
            continue
        end = heads[nxt].index if nxt is not None else stop
        if _chars(lines, h.index, end) > SPLIT_CHARS:
            long += 1
        else:
            short += 1
    return long > 0 and long >= short


def cut(lines: Sequence[Line], heads: list[Head], stop: int) -> Cut:
    """Slides for ``heads`` (all before line ``stop``, where the conclusion starts)."""
    level = section_level(heads)
    assert level is not None
    count = sum(1 for h in heads if h.level == level)
    section_rule = (
        f"section ({_level_name(level)} level, repeats {count}×)"
        if count > 1
        else f"section ({_level_name(level)}, the only one)"
    )
    total = _chars(lines, heads[0].index, stop) if heads else 0
    force = _split_alike(lines, heads, level, stop)
    slides: list[Slide] = []
    k = 0
    while k < len(heads):
        h = heads[k]
        nxt = next((j for j in range(k + 1, len(heads)) if heads[j].level <= h.level), None)
        end = heads[nxt].index if nxt is not None else stop
        if h.level < level:
            # a divider above the sections: its own text (if short) goes with it
            own_end = heads[k + 1].index if k + 1 < len(heads) else stop
            under = [x.text for x in heads[k + 1 : nxt] if x.level == level]
            if _chars(lines, h.index + 1, own_end) > DIVIDER_CHARS or not under:
                slides.append(Slide(h, h.index + 1, own_end, "insight", 0, section_rule))
            else:
                slides.append(
                    Slide(
                        h, h.index + 1, own_end, "section", 0,
                        f"divider ({_level_name(h.level)} above {_level_name(level)} sections)",
                        subsections=under,
                    )
                )  # fmt: skip
            k += 1
            continue
        inner = heads[k + 1 : nxt] if nxt is not None else heads[k + 1 :]
        rule = section_rule
        if h.level != level:
            rule = f"section ({_level_name(h.level)}, no section above it)"
        slides += _section(lines, h, end, inner, 1, rule, total, force)
        k = nxt if nxt is not None else len(heads)
    return Cut(slides, heads[0].index if heads else stop, section_level=level)


# --------------------------------------------------------------------------- 4. chunks


def chunks(lines: Sequence[Line], start: int, stop: int) -> list[Slide]:
    """Heading-less notes with no pseudo-heading either: one slide per top-level group
    (a paragraph, or a list with what is nested in it), small groups joined."""
    groups: list[tuple[int, int]] = []
    i = start
    while i < stop:
        ln = lines[i]
        if not ln.spans and ln.element is None:
            i += 1
            continue
        j = i + 1
        while j < stop:
            nx = lines[j]
            same_list = ln.list_id is not None and nx.list_id == ln.list_id
            nested = nx.indent > ln.indent and (ln.bullet or ln.number is not None)
            if nx.block == ln.block or same_list or nested or not nx.spans:
                j += 1
                continue
            break
        groups.append((i, j))
        i = j
    merged: list[tuple[int, int]] = []
    for a, b in groups:
        if merged and _chars(lines, merged[-1][0], b) <= SPLIT_CHARS // 2:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    out = []
    for a, b in merged:
        # titled with its first words (a picture, table or code block that opens the
        # notes: with those of the first text after it, else its own)
        first = next((ln for ln in lines[a:b] if ln.spans), None)
        el = lines[a].element
        words = (first.text if first is not None else element_text(el) if el else "").split()
        title = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
        out.append(Slide(None, a, b, "insight", 1, "text group (no headings)", title=[Span(title)]))
    return out
