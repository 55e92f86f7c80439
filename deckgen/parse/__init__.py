"""Summary text → :class:`~deckgen.model.Document`.

markdown-it-py (CommonMark) does the Markdown: blocks, inline formatting, line maps. On top
of its tokens this module recognizes the *summary structure* with small named rules:

1. ``_collect_lines`` flattens the token stream into source lines. Summaries written as
   plain text (like ``content.md``) have no blank lines, so CommonMark folds many of their
   lines into one paragraph or list item through lazy continuation; each softbreak line is
   therefore taken back apart and looked at on its own.
2. ``classify`` tags each line: heading, numbered title (``1. Title:``, ``**1. Title**``,
   ``Insight 1: Title``, keycap ``1️⃣``), bold-only line, ``Label: text``, conclusion name.
3. ``_choose_starts`` picks the kind of line that *repeats* — headings of one level,
   numbered lines, bold lines, or ``Topic:`` lines followed by bullets — and cuts the
   document into intro, insights and conclusion.
4. ``units`` joins hard-wrapped prose back into paragraphs; each unit becomes a field,
   point or note.

Everything the author wrote ends up in some field of the Document; what markdown-it would
skip (nesting deeper than its limit) is put back from the raw source lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from deckgen.errors import SourceError, where
from deckgen.model import Document, Element, Insight, Picture, RichText, Span
from deckgen.parse import columns, outline, quotes, sections
from deckgen.parse import slides as slide_show
from deckgen.parse.assemble import (
    Unit,
    body_item,
    list_base,
    make_conclusion,
    make_insight,
    short_title,
    units,
)
from deckgen.parse.blocks import Line, Walker, markdown, nest_divs
from deckgen.parse.classify import CONCLUSION_NAMES, NOTES_LABELS, classify
from deckgen.parse.elements import element_text
from deckgen.parse.frontmatter import front_matter, meta_text, title_block
from deckgen.parse.outline import Head
from deckgen.parse.spans import plain, rich, strip_spans
from deckgen.source import check_not_empty, normalize

__all__ = ["parse", "CONCLUSION_NAMES", "NOTES_LABELS", "MAX_CHARS", "MAX_LINES", "MAX_INSIGHTS"]

# Limits that keep a build to minutes and memory to hundreds of MB, whatever the input
# (issue 5): markdown-it reads about 10,000 lines a second, and a slide costs about 2 ms and
# 100 kB to build. A 5 MB file of "1. a" lines would otherwise be a million slides.
MAX_CHARS = 5 * 2**20
MAX_LINES = 100_000
MAX_INSIGHTS = 10_000

_INTRO_META = {
    "author": "author", "autor": "author", "autorin": "author", "auteur": "author",
    "date": "date", "datum": "date", "fecha": "date",
}  # fmt: skip


def _check_size(text: str, source: str) -> None:
    if len(text) > MAX_CHARS:
        raise SourceError(
            f"is too long ({len(text):,} characters; the limit is {MAX_CHARS:,})",
            path=source,
            hint="split the summary into several decks",
        )
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > MAX_LINES:
        raise SourceError(
            f"has {lines:,} lines; the limit is {MAX_LINES:,}",
            path=source,
            hint="split the summary into several decks",
        )


def parse(text: str, *, source: str = "<string>", slide_level: int | None = None) -> Document:
    """Read a summary into a Document; raise SourceError if it has no words.

    ``slide_level`` (pandoc's ``--slide-level``; else the front matter's ``slide-level``)
    reads the document as a slide show whose headings of that level are its slides."""
    if slide_level is not None and not 0 <= slide_level <= 6:
        raise ValueError(f"slide_level must be 0 to 6, not {slide_level}")
    text, warn = normalize(text, source)
    check_not_empty(text, source)
    _check_size(text, source)
    warnings = list(warn)
    pandoc_meta, text = title_block(text)
    meta, body, fm_warn = front_matter(text, source)
    warnings.extend(fm_warn)
    if pandoc_meta:
        meta = {**pandoc_meta, **meta}
    if slide_level is None:
        slide_level = _meta_slide_level(meta, source, warnings)
    src_lines = body.split("\n")
    marp_why = ""
    if meta or "<!--" in body:  # (what says it is Marp's: its front matter or comments)
        from deckgen.parse.marp import says_marp

        marp_why = says_marp(meta, body)
    try:
        divs = ":::" in body
        tokens = markdown(
            divs=divs, attrs="{" in body, footnotes="[^" in body or "^[" in body
        ).parse(nest_divs(body) if divs else body)
    except RecursionError:
        raise SourceError(
            "the document is nested too deeply to read", path=source,
            hint="flatten lists or quotes nested hundreds of levels deep",
        ) from None  # fmt: skip
    incremental = str(meta.get("incremental", "")).strip().casefold() in ("true", "yes")
    walker = Walker(src_lines, marp=bool(marp_why), incremental=incremental)
    walker.walk(tokens)
    walker.restore_skipped()
    warnings.extend(f"{where(source, line)}: {what}" for line, what in walker.warnings)
    for ln in walker.lines:
        classify(ln)
        for shown in ln.fallback:
            classify(shown)  # an element's text, for the conclusion; a quote's lines
    lines = columns.settle(quotes.settle(walker.lines))

    fm_title = meta_text(meta.get("title"))
    fm_title = fm_title.strip() if fm_title and fm_title.strip() else None
    show = _Show(
        walker.breaks, walker.divs, walker.pauses, slide_level, bool(pandoc_meta),
        marp_why, walker.marp or [],
    )  # fmt: skip
    return _document(lines, meta, fm_title, source, warnings, show, walker.footnotes)


def _notes_slide(number: int, footnotes: list[tuple[int, list[str]]]) -> Insight:
    """The footnotes on a slide of their own at the end, titled "Notes", each with the number
    its reference shows (``[1]``), as pandoc's PowerPoint writer makes them."""
    items = tuple(RichText.plain_text(f"[{n}] {' '.join(texts)}".strip()) for n, texts in footnotes)
    return Insight(
        number,
        RichText.plain_text("Notes"),
        points=items,
        items=items,
        badge="",
        rule="footnotes (the slide of notes pandoc makes)",
    )


@dataclass(frozen=True)
class _Show:
    """What may make the document a pandoc slide show (:func:`deckgen.parse.slides.slideshow`)."""

    breaks: list[int]
    divs: list[str]
    pauses: int
    level: int | None
    title_block: bool
    marp: str = ""
    """Why the document is Marp's, or empty."""
    directives: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    """Marp's directives in comments: (source line, ``{key: value}``)."""


def _meta_slide_level(meta: dict, source: str, warnings: list[str]) -> int | None:
    raw = meta.get("slide-level", meta.get("slide_level"))
    if raw is None:
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if 0 <= value <= 6:
        return value
    warnings.append(f"{source}: front matter 'slide-level' must be 0 to 6, not {raw!r}; ignored")
    return None


def _blank(ln: Line) -> Line:
    """A line whose text is accounted for elsewhere (title, badge); its notes stay."""
    return Line("marker", [], ln.line, 0, notes=ln.notes)


def _head_line(lines: list[Line], h: Head) -> Line:
    return replace(lines[h.index], title=h.title, rest=h.rest)


def _document(
    lines: list[Line],
    meta: dict,
    fm_title: str | None,
    source: str,
    warnings: list[str],
    show: _Show | None = None,
    footnotes: list[tuple[int, list[str]]] | None = None,
) -> Document:
    if fm_title is None and not any(
        _has_words(ln.text) if ln.element is None else _has_words(element_text(ln.element))
        for ln in lines
        if ln.spans or ln.element is not None
    ):
        # (a title in the metadata is a title slide, as pandoc makes it)
        raise SourceError(
            "has no words to put on slides",
            path=source,
            hint="write the summary under a title line: sections as headings or numbered lines",
        )
    marp = show is not None and bool(show.marp)
    if marp:
        ol = outline.TitleBlock()  # Marp's first slide is its title slide or not (below)
    else:
        ol = outline.title_block(lines, fm_title is not None, fm_title)
    skip = {i for i in (ol.title_index, ol.subtitle_index) if i is not None}
    skip |= set(ol.preamble) | set(ol.signoff)
    if ol.title_line is not None:
        skip.add(ol.title_line)
    heads = outline.build(lines, skip)
    heads, field_heads = outline.machine_fields(lines, heads)
    body = list(lines)
    for i in field_heads:
        body[i] = _blank(lines[i])
    for k in (ol.title_index, ol.subtitle_index):
        if k is not None:
            body[k] = _blank(lines[k])  # the title block is on the title slide, not a slide's

    # the slides, the conclusion and what follows it
    conclusion_head: Head | None = None
    back: list[Head] = []
    stop = len(lines)
    why = ""
    titled_by: Line | None = None  # a slide show's first slide, whose heading titles the deck
    marp_author: int | None = None
    numbers: bool | None = None
    if show is not None and marp:
        why = show.marp
        real = [h for h in heads if h.rule.startswith("heading")]
        reading = slide_show.marp_read(
            lines, real, show.breaks, show.directives, meta, fm_title, why
        )
        cut, meta, numbers = reading.cut, reading.meta, reading.numbers
        ol.title_index, ol.subtitle_index = reading.title, reading.subtitle
        for k in (reading.title, reading.subtitle):
            if k is not None:
                body[k] = _blank(lines[k])
        marp_author = reading.author
        if reading.titled_by is not None:
            titled_by = lines[reading.titled_by]
        show = None  # (not a pandoc slide show)
    elif show is not None:
        why = slide_show.slideshow(
            lines, heads, show.breaks, show.divs, show.pauses, meta, show.level, show.title_block
        )
    if marp:
        pass
    elif why and show is not None:
        # a pandoc slide show: its headings and rules say where its slides are
        real = [h for h in heads if h.rule.startswith("heading")]
        if show.level is not None:
            slide_level = 10 * show.level
            if show.level and not any(h.level == slide_level for h in real):
                warnings.append(
                    f"{source}: slide level {show.level}, but no heading has {'#' * show.level}"
                    ": its text is on the slides of shallower headings (or of its '---' rules)"
                )
        else:
            slide_level = slide_show.slide_level(lines, real, show.breaks)
        t = ol.title_index
        if fm_title is None and t is not None and lines[t].kind == "heading":
            # pandoc makes a title slide of the metadata only: a first heading that would be
            # a slide (at the slide level or deeper) is one, and titles the deck too
            others = skip - {t, ol.subtitle_index}
            again = outline.machine_fields(lines, outline.build(lines, others))[0]
            with_it = [h for h in again if h.rule.startswith("heading")]
            at = (
                10 * show.level
                if show.level is not None
                else slide_show.slide_level(lines, with_it, show.breaks)
            )
            if 10 * lines[t].level >= at:
                titled_by = lines[t]
                real, slide_level = with_it, at
                for k in (t, ol.subtitle_index):
                    if k is not None:
                        body[k] = lines[k]
                ol.title_index = ol.subtitle_index = None
        taken = [i for i in (ol.title_index, ol.subtitle_index, ol.title_line) if i is not None]
        first = max([*taken, *ol.preamble], default=-1) + 1
        cut, conclusion_head, back = slide_show.cut(
            lines, real, show.breaks, first, slide_level, why
        )
        if conclusion_head is not None:
            stop = conclusion_head.index
        ol.signoff = []  # a last slide's "Feel free to ask" is the author's slide
    elif heads:
        level = sections.section_level(heads)
        assert level is not None
        conclusion_head, back = sections.find_conclusion(lines, heads, level)
        if conclusion_head is not None:
            stop = conclusion_head.index
        main = [h for h in heads if h.index < stop]
        cut = sections.cut(lines, main, stop) if main else sections.Cut([], stop)
    else:
        # notes with no structure at all: slides of text groups
        start = next((i for i, ln in enumerate(lines) if _shown(ln) and i not in skip), stop)
        if ol.title_line is not None:
            start = ol.title_line + 1  # the first line is the title (from the intro below)
        while start < stop and (
            not _shown(lines[start]) or lines[start].role == "label" or start in skip
        ):
            start += 1  # metadata lines ("Date: …") stay in the intro
        cut = sections.Cut(sections.chunks(body, start, stop), start)
        if ol.title_index is not None and lines[ol.title_index].kind == "heading" and cut.slides:
            # a document whose one heading is its title: the heading titles its first slide
            # too, as pandoc makes one slide of one heading (the rest: titled by first words)
            first_slide = cut.slides[0]
            first_slide.title = strip_spans(lines[ol.title_index].spans)
            first_slide.rule = "text group (titled by the one heading, the deck's title too)"
    for i in ol.signoff:
        body[i] = _blank(lines[i])

    # title, subtitle, intro
    intro_lines = list(body[: cut.first])
    title: RichText | None = None
    subtitle: RichText | None = None
    # (the title block's lines are blank in ``body``: a comment there stays in the intro)
    if fm_title is not None:
        title = RichText.plain_text(fm_title)
    elif ol.title_spans is not None and ol.title_index is not None:
        title = rich(ol.title_spans, lines[ol.title_index].line)
    elif ol.title_index is not None:
        head = lines[ol.title_index]
        title = rich(strip_spans(head.spans), head.line)
        if ol.subtitle_index is not None:
            sub = lines[ol.subtitle_index]
            subtitle = rich(strip_spans(sub.spans), sub.line)
    preamble = units([lines[i] for i in ol.preamble])
    intro_units = units([ln for k, ln in enumerate(intro_lines) if k not in ol.preamble])
    # pictures, tables, code and quotes before the first section are the overview's: an
    # overview slide shows them (it is made for them if the text alone would make none)
    intro_elements = [u.element for u in intro_units if u.element is not None]
    intro_layout = next((u.label for u in intro_units if u.kind == "layout"), "")
    background = None
    bgs = [e for e in intro_elements if isinstance(e, Picture) and e.background]
    if len(bgs) == 1 and ol.title_index is not None:
        background = bgs[0]  # a Marp deck's title slide's background
        intro_elements = [e for e in intro_elements if e is not background]
    elif ol.title_index is not None and lines[ol.title_index].background is not None:
        background = lines[ol.title_index].background  # '# Title {background-image=…}'

    intro_units = [u for u in intro_units if u.kind not in ("element", "layout")]
    author = meta_text(meta.get("author"))
    date_ = meta_text(meta.get("date"))
    kept: list[Unit] = []
    for u in intro_units:
        if marp_author is not None and author is None and u.line == lines[marp_author].line:
            author = plain(u.spans)  # the short line under a Marp deck's title and subtitle
            continue
        key = _INTRO_META.get(u.label.casefold()) if u.kind == "field" else None
        if key == "author" and author is None:
            author = plain(u.spans)
        elif key == "date" and date_ is None:
            date_ = plain(u.spans)
        else:
            kept.append(u)
    intro_units = kept
    if title is None and titled_by is not None:
        title = rich(strip_spans(titled_by.spans), titled_by.line)
    if title is None:
        if intro_units and intro_units[0].kind != "notes":
            u = intro_units.pop(0)
            title = rich(strip_spans(u.as_written, " :："), u.line)
        else:
            stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            name = stem if stem and not stem.startswith("<") else "Untitled"
            title = RichText.plain_text(name)
            warnings.append(
                f"{source}: no title found; using {name!r} (add a first line or '# Title')"
            )
    if subtitle is None and meta.get("subtitle") is not None:
        subtitle = RichText.plain_text(meta_text(meta["subtitle"]) or "")

    # text before the first section: the subtitle when it is one short line, else a slide
    shown = [u for u in intro_units if u.kind != "notes"]
    overview: list[Unit] = []
    if shown:
        size = sum(len(plain(u.as_written)) for u in shown)
        if subtitle is None and len(shown) == 1 and size <= sections.INTRO_CHARS:
            subtitle = rich(shown[0].as_written, shown[0].line)
            intro_units = [u for u in intro_units if u is not shown[0]]
        elif len(shown) > 1 or size > sections.INTRO_CHARS or not cut.slides:
            overview = intro_units
            intro_units = []
    if subtitle is None and len(preamble) == 1 and preamble[0].kind == "point":
        # "Sure! Here's a summary of the interview with …:" says what the deck is about:
        # the subtitle, without its interjection (which stays in the notes)
        said = plain(preamble[0].spans)
        m = _INTERJECTION.match(said)
        about = said[m.end() :] if m else said
        if len(about) <= sections.INTRO_CHARS and about.strip():
            subtitle = RichText.plain_text(about.strip().rstrip(":：").strip(), preamble[0].line)
            preamble = [Unit("notes", [Span(m.group(0).strip())], preamble[0].line)] if m else []
    intro = [rich(u.as_written, u.line) for u in preamble + intro_units]

    # the slides
    slides: list[Insight] = []
    if len(title.text) > DECK_TITLE_CHARS:
        # a title of paragraphs cannot be the title slide's title (a title is never split
        # across slides): its first sentence is, and the whole text opens the overview
        whole = title
        title = rich(short_title(list(title.spans), DECK_TITLE_CHARS), title.line)
        overview = [Unit("point", list(whole.spans), whole.line or 1), *overview]
    if overview or intro_elements:
        ov = _overview(overview, intro_elements, intro_layout)
        t = ol.title_index
        if not cut.slides and t is not None and lines[t].kind == "heading":
            # all the text is under the one heading, the deck's title: it titles the slide
            heading = rich(strip_spans(lines[t].spans), lines[t].line)
            ov = replace(ov, title=heading, rule="the text under the one heading, its title")
        slides.append(ov)
    # numbers as written when they count up; "1." "1." "1." (Markdown renders 1, 2, 3)
    # and other repeats are counted instead
    written = [sl.head.number for sl in cut.slides if sl.level == 1 and sl.head is not None]
    counts_up = all(
        b is not None and (a is None or b > a)
        for a, b in zip([None, *written], written, strict=False)
    )
    any_written = any(sl.head.badge for sl in cut.slides if sl.level == 1 and sl.head)
    position = 0
    for sl in cut.slides:
        if sl.level == 1:
            position += 1
        number = position
        if sl.head is not None:
            head = _head_line(body, sl.head)
            if sl.head.number is not None and (counts_up or sl.level != 1):
                number = sl.head.number
        else:
            head = Line("marker", [], lines[sl.start].line, 0, title=sl.title or [])
        own = body[sl.start : sl.end]
        if sl.head is not None and sl.start <= sl.head.index < sl.end:
            # the slide's title line inside its range (a Marp slide's heading after its
            # background picture, a slide's first line after its notes): not a body line
            own = [ln for i, ln in enumerate(own, sl.start) if i != sl.head.index]
        ins = backgrounds(make_insight(number, head, own))
        if sl.head is not None and _worded_number(lines[sl.head.index], sl.head):
            # "Metoda 5:", "Part II", "第三章": the badge shows the number; the notes keep
            # the heading as written
            as_written = RichText.plain_text(lines[sl.head.index].text, ins.line)
            ins = replace(ins, notes=(as_written, *ins.notes))
        if sl.head is not None and sl.head.fields:
            # "# cap1 / ## num: 01 / ## title: …" as the export wrote it, for the speaker
            raw = " · ".join(lines[i].text for i in (sl.head.index, *sl.head.fields))
            ins = replace(ins, notes=(RichText.plain_text(raw, ins.line), *ins.notes))
        badge = sl.head.badge if sl.head is not None else ""
        if sl.level == 1 and badge.isdigit() and not counts_up:
            badge = str(position)
        elif sl.level == 1 and not badge and not any_written and not why:
            badge = str(position)  # unnumbered sections are counted; among numbered ones
            # ("Part I", "Part II", then "My takeaways") an unnumbered one has no badge;
            # a slide show's slides (pandoc's, Marp's) are its author's: no number added
        slides.append(
            replace(
                ins,
                kind=sl.kind,
                level=sl.level,
                badge=badge,
                rule=(sl.rule + (f", {sl.head.rule}" if sl.head else "")),
                subsections=tuple(sl.subsections),
            )
        )
    if not slides and conclusion_head is None and not footnotes:
        warnings.append(
            f"{source}: only a title slide: nothing follows the title "
            "(write sections as headings, numbered lines or a list)"
        )
    if len(slides) > MAX_INSIGHTS:
        raise SourceError(
            f"has {len(slides):,} insights; a deck holds at most {MAX_INSIGHTS:,}",
            path=source,
            line=slides[MAX_INSIGHTS].line,
            hint="split the summary into several decks",
        )

    conclusion = None
    back_matter: list[Insight] = []
    if conclusion_head is not None:
        end = back[0].index if back else len(lines)
        head = _head_line(body, conclusion_head)
        conclusion = make_conclusion(head, body[conclusion_head.index + 1 : end])
        if conclusion_head.badge:
            # "## VI. Conclusión": the conclusion slide has no badge; the notes keep the
            # heading as written
            as_written = RichText.plain_text(lines[conclusion_head.index].text, head.line)
            conclusion = replace(conclusion, notes=(as_written, *conclusion.notes))
        for k, h in enumerate(back):
            b_end = back[k + 1].index if k + 1 < len(back) else len(lines)
            ins = make_insight(position, _head_line(body, h), body[h.index + 1 : b_end])
            rule = f"back matter (after the conclusion), {h.rule}"
            back_matter.append(replace(ins, badge="", rule=rule))
    if footnotes:
        back_matter.append(_notes_slide(len(slides) + 1, footnotes))
    signoff = [RichText.plain_text(ln.text, ln.line) for ln in (lines[i] for i in ol.signoff)]
    if signoff:
        if conclusion is not None:
            conclusion = replace(conclusion, notes=conclusion.notes + tuple(signoff))
        elif slides:
            slides[-1] = replace(slides[-1], notes=slides[-1].notes + tuple(signoff))

    return Document(
        title=title,
        insights=tuple(slides),
        subtitle=subtitle,
        author=author,
        date=date_,
        intro=tuple(intro),
        conclusion=conclusion,
        meta=meta,
        back_matter=tuple(back_matter),
        source=source,
        warnings=tuple(warnings),
        background=background,
        numbers=numbers,
    )


DECK_TITLE_CHARS = 320
"""A deck title longer than this is cut for the title slide (the whole text is on the
overview slide)."""

_INTERJECTION = re.compile(
    r"(?i)^(?:sure|certainly|of course|absolutely|okay|ok|great|happy to help)\b[!,.]*\s*"
)


def _shown(ln: Line) -> bool:
    """A line with something to show: text, or a picture, table, code block or quote."""
    return bool(ln.spans) or ln.element is not None


def _has_words(text: str) -> bool:
    """Letters, digits or pictographs (emoji): something a slide can say."""
    return any(c.isalnum() or unicodedata.category(c) == "So" for c in text)


def _worded_number(ln: Line, head: Head) -> bool:
    """Did the heading's number come with a word ("Part 2", "Metoda 5", "第三章")?"""
    if not head.badge or ln.number is not None:
        return False
    text, title = ln.text.strip(), plain(head.title).strip()
    prefix = text[: text.find(title)] if title and title in text else ""
    return any(c.isalpha() for c in prefix.replace(head.badge, ""))


def _overview(parts: list[Unit], elements: list[Element], layout: str) -> Insight:
    """The text (and the pictures, tables, code and quotes) before the first section, as a
    slide of its own."""
    shown = [u for u in parts if u.kind != "notes"]
    points = [rich(u.as_written, u.line) for u in shown]
    base = list_base(shown)
    items = [body_item(p, u, base) for p, u in zip(points, shown, strict=True)]
    notes = [rich(u.spans, u.line) for u in parts if u.kind == "notes"]
    line = points[0].line if points else _element_line(elements)
    return Insight(
        0,
        RichText.plain_text("Overview", line),
        points=tuple(points),
        notes=tuple(notes),
        line=line,
        kind="overview",
        level=1,
        items=tuple(items),
        rule="overview (text before the first section)",
        elements=tuple(elements),
        layout=layout,
    )


def backgrounds(ins: Insight) -> Insight:
    """A slide's one background picture (Marp's ``![bg](x.jpg)``) as its background; more
    than one (Marp shows them side by side) are pictures on the slide."""
    bgs = [e for e in ins.elements if isinstance(e, Picture) and e.background]
    if not bgs:
        return ins
    if len(bgs) == 1:
        rest = tuple(e for e in ins.elements if e is not bgs[0])
        return replace(ins, background=bgs[0], elements=rest)
    shown = tuple(
        replace(e, background=False) if isinstance(e, Picture) else e for e in ins.elements
    )
    return replace(ins, elements=shown)


def _element_line(elements: list[Element]) -> int | None:
    return elements[0].line if elements else None
