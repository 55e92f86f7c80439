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

from deckgen.errors import SourceError, where
from deckgen.model import Document, Insight, RichText
from deckgen.parse.assemble import Unit, make_conclusion, make_insight, units
from deckgen.parse.blocks import Line, Walker, markdown
from deckgen.parse.classify import CONCLUSION_NAMES, NOTES_LABELS, classify
from deckgen.parse.frontmatter import front_matter, meta_text
from deckgen.parse.spans import plain, rich, strip_spans
from deckgen.parse.structure import choose_starts
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
    meta, body, fm_warn = front_matter(text, source)
    warnings.extend(fm_warn)
    src_lines = body.split("\n")
    try:
        tokens = markdown().parse(body)
    except RecursionError:
        raise SourceError(
            "the document is nested too deeply to read", where=source,
            hint="flatten lists or quotes nested hundreds of levels deep",
        ) from None  # fmt: skip
    walker = Walker(src_lines)
    walker.walk(tokens)
    walker.restore_skipped()
    lines = walker.lines
    for ln in lines:
        classify(ln)

    fm_title = meta_text(meta.get("title"))
    plan = choose_starts(lines, bool(fm_title and fm_title.strip()))
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
        title = rich(strip_spans(head.spans), head.line)
        # the title slide has no notes of its own: a comment there stays in the intro
        intro_lines[plan.title_index] = Line("marker", [], head.line, 0, notes=head.notes)
        if plan.subtitle_index is not None and plan.subtitle_index < first_start:
            sub = lines[plan.subtitle_index]
            intro_lines[plan.subtitle_index] = Line("marker", [], sub.line, 0, notes=sub.notes)
            subtitle = rich(strip_spans(sub.spans), sub.line)
    intro_units = units(intro_lines)
    author = meta_text(meta.get("author"))
    date_ = meta_text(meta.get("date"))
    kept: list[Unit] = []
    for u in intro_units:
        key = _INTRO_META.get(u.label.casefold()) if u.kind == "field" else None
        if key == "author" and author is None:
            author = plain(u.spans)
        elif key == "date" and date_ is None:
            date_ = plain(u.spans)
        else:
            kept.append(u)
    intro_units = kept
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
    intro: list[RichText] = []
    for u in intro_units:
        intro.append(rich(u.as_written, u.line))

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
        insights.append(make_insight(number if number is not None else pos, head, lines[a + 1 : b]))

    conclusion = None
    if plan.conclusion is not None:
        conclusion = make_conclusion(lines[plan.conclusion], lines[plan.conclusion + 1 :])

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
