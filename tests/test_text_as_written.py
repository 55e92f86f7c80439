"""Text as written (issue 10, item 5): what the author typed is what the slide shows.

- A line break between two complete lines is kept; only hard-wrapped prose is joined.
- Obsidian wikilinks show their alias or target; ``![[pic.png]]`` is a picture reference.
- Inline TeX math shows as text (``$\\rightarrow$`` is →); prices keep their dollars.
- Task lists show ☐ / ☑.
- An HTML comment is speaker notes only when it says ``notes:``; other comments are the
  author's private remarks and are dropped.

Each test reads a summary as a user would (``deckgen.read``) and looks at the section's
points, fields and notes; a few build the deck and look at the slides' text.
"""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation

import deckgen
from deckgen.model import Document, Insight, RichText

from .test_properties import deck_strings, missing_from_deck


def _section(text: str, title: str) -> Insight:
    doc = deckgen.read(text=text)
    for ins in doc.insights:
        if ins.title.text == title:
            return ins
    raise AssertionError(f"no section {title!r} in {[i.title.text for i in doc.insights]}")


def _points(ins: Insight) -> list[str]:
    return [p.text for p in ins.points]


def _spans(r: RichText) -> list[tuple[str, bool, bool, bool, str | None]]:
    return [(s.text, s.bold, s.italic, s.code, s.link) for s in r.spans]


def _doc(body: str) -> str:
    """``body`` as the first of two sections of a small talk summary."""
    return f"# Team offsite\n\n## Lessons\n\n{body}\n\n## Next steps\n\nBook the room.\n"


def _slides(text: str, tmp_path: Path) -> list[list[str]]:
    """The paragraphs of each slide of the built deck (notes left out)."""
    out = tmp_path / "deck.pptx"
    deckgen.build(text=text, output=out)
    slides = []
    for slide in Presentation(str(out)).slides:
        paras: list[str] = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                paras.extend(p.text for p in shape.text_frame.paragraphs if p.text.strip())
        slides.append(paras)
    return slides


def _notes(text: str, tmp_path: Path) -> list[str]:
    out = tmp_path / "notes.pptx"
    deckgen.build(text=text, output=out)
    return [
        s.notes_slide.notes_text_frame.text if s.has_notes_slide else ""
        for s in Presentation(str(out)).slides
    ]


# --------------------------------------------------------------------------- line breaks

QUOTES = (
    '"Ship small, ship often, and never ship on a Friday afternoon." — Maria\n'
    '"Measure twice." — Ken\n'
    '"Write the postmortem before you forget what actually happened" — Priya'
)


def test_three_quotes_on_three_lines_stay_three_quotes(tmp_path: Path) -> None:
    ins = _section(_doc(QUOTES), "Lessons")
    assert _points(ins) == QUOTES.split("\n")
    slide = next(s for s in _slides(_doc(QUOTES), tmp_path) if "Lessons" in s)
    for quote in QUOTES.split("\n"):
        assert quote in slide  # a paragraph of its own on the slide


def test_curly_quotes_and_quotes_without_attribution() -> None:
    body = (
        "“Premature optimization is the root of all evil, or at least most of it”\n"
        "“Make it work, make it right, make it fast”\n"
        "‘Boring technology wins in the long run, most of the time’"
    )
    assert _points(_section(_doc(body), "Lessons")) == body.split("\n")


def test_a_line_after_a_quote_and_its_attribution_is_not_joined() -> None:
    body = "“Simplicity is prerequisite for reliability” — Dijkstra\nwe printed it on the wall"
    assert _points(_section(_doc(body), "Lessons")) == body.split("\n")


def test_lines_that_open_with_a_dash_or_an_emoji_stay_lines() -> None:
    body = (
        "The best advice we got this year came from the on-call rotation review\n"
        "— and it was about sleep, not tooling\n"
        "🚀 Release train every Tuesday, no exceptions for anyone\n"
        "✅ Rollbacks rehearsed once a month by whoever is on call"
    )
    assert _points(_section(_doc(body), "Lessons")) == body.split("\n")


def test_hard_wrapped_prose_is_still_one_paragraph() -> None:
    body = (
        "System 1 is fast, intuitive and emotional; System 2 is slower and more\n"
        "deliberative. Most of our judgments come from System 1, which is why\n"
        "they are so easily biased, even when we know about it and try\n"
        "Hard to avoid."
    )
    assert _points(_section(_doc(body), "Lessons")) == [
        "System 1 is fast, intuitive and emotional; System 2 is slower and more "
        "deliberative. Most of our judgments come from System 1, which is why "
        "they are so easily biased, even when we know about it and try Hard to avoid."
    ]


def test_a_wrapped_field_is_still_one_field() -> None:
    ins = _section(
        _doc(
            "- Key Point: The first number you hear shapes your estimate,\n"
            "  even when you know it is random."
        ),
        "Lessons",
    )
    assert [(f.label, f.text.text) for f in ins.fields] == [
        (
            "Key Point",
            "The first number you hear shapes your estimate, even when you know it is random.",
        )
    ]


# --------------------------------------------------------------------------- wikilinks


def test_wikilinks_show_alias_target_or_heading() -> None:
    body = (
        "Guest: [[Nadia Rahman|Nadia]] (eval lead)\n\n"
        "See [[LLM evals]] and [[Goodhart's law#Examples]] and [[#Open questions]].\n\n"
        "Related: **[[Testing MOC|the testing map]]**, `[[not a link]]`"
    )
    ins = _section(_doc(body), "Lessons")
    assert [(f.label, f.text.text) for f in ins.fields] == [
        ("Guest", "Nadia (eval lead)"),
        ("Related", "the testing map, [[not a link]]"),
    ]
    assert _points(ins) == ["See LLM evals and Goodhart's law › Examples and Open questions."]
    doc = deckgen.read(text=_doc(body))
    assert _has_span(doc, ("the testing map", True, False, False, None))
    assert _has_span(doc, ("[[not a link]]", False, False, True, None))


def _has_span(doc: Document, span: tuple[str, bool, bool, bool, str | None]) -> bool:
    rich = [r for i in doc.insights for r in (*i.points, *(f.text for f in i.fields))]
    return any(span in _spans(r) for r in rich)


def test_an_image_embed_is_a_picture_of_its_file() -> None:
    body = "Whiteboard after the session: ![[whiteboard 2024-05.png]]\n\n![[arch.png|600]]"
    ins = _section(_doc(body), "Lessons")
    # the embeds are pictures (issue 11), the size is their width, no [[ ]] left in the text
    assert [(p.src, p.width) for p in ins.elements] == [
        ("whiteboard 2024-05.png", ""),
        ("arch.png", "600"),
    ]
    assert [p.text for p in ins.points] == ["Whiteboard after the session:"]


def test_an_escaped_or_broken_wikilink_is_shown_as_written() -> None:
    body = "Type \\[[double brackets]] to link; [[unclosed stays"
    assert _points(_section(_doc(body), "Lessons")) == [
        "Type [[double brackets]] to link; [[unclosed stays"
    ]


# --------------------------------------------------------------------------- math


def test_inline_math_shows_as_text() -> None:
    body = (
        "Accuracy went 62% $\\rightarrow$ 71% after the fix.\n\n"
        "Attention costs $O(n^2)$; slots cost $O(s^2 + s \\cdot k)$ with $k = 256$.\n\n"
        "No ablation beyond $k \\in \\{128, 256\\}$; $\\alpha \\approx 0.5$, $\\Delta \\leq 3$."
    )
    assert _points(_section(_doc(body), "Lessons")) == [
        "Accuracy went 62% → 71% after the fix.",
        "Attention costs O(n²); slots cost O(s² + s · k) with k = 256.",
        "No ablation beyond k ∈ {128, 256}; α ≈ 0.5, Δ ≤ 3.",
    ]


def test_more_math_commands() -> None:
    body = (
        "$x_i \\times y_i$, $\\frac{a+b}{2}$, $\\sqrt{n}$, $10^3$, $\\text{per token}$, "
        "$A \\Rightarrow B$, $\\sum x$, $1, \\ldots, n$, $a \\neq b \\pm c$, $\\unknown{q}$"
    )
    assert _points(_section(_doc(body), "Lessons")) == [
        "x_i × y_i, (a+b)/2, √n, 10³, per token, A ⇒ B, ∑ x, 1, …, n, a ≠ b ± c, \\unknown{q}"
    ]


def test_dollars_that_are_prices_stay() -> None:
    body = (
        "We grew to $10M ARR.\n\n"
        "Plans cost $10 and $20 a month.\n\n"
        "Budget $5-$10 per seat, US$ 3 for the rest.\n\n"
        "Escaped \\$\\alpha\\$ stays, and so does code `$\\alpha$`."
    )
    ins = _section(_doc(body), "Lessons")
    assert _points(ins) == [
        "We grew to $10M ARR.",
        "Plans cost $10 and $20 a month.",
        "Budget $5-$10 per seat, US$ 3 for the rest.",
        "Escaped $\\alpha$ stays, and so does code $\\alpha$.",
    ]
    assert ("$\\alpha$", False, False, True, None) in _spans(ins.points[-1])


def test_math_keeps_the_formatting_around_it() -> None:
    doc = deckgen.read(text=_doc("**Result: $62\\% \\to 71\\%$** in *$n$ runs*"))
    assert _has_span(doc, ("62% → 71%", True, False, False, None))
    assert _has_span(doc, ("n runs", False, True, False, None))


# --------------------------------------------------------------------------- task lists


def test_task_lists_show_boxes(tmp_path: Path) -> None:
    body = "- [ ] book the venue\n- [x] send the survey\n- [X] **pick a date**\n- [link](https://e.com)"
    ins = _section(_doc(body), "Lessons")
    assert _points(ins) == ["☐ book the venue", "☑ send the survey", "☑ pick a date", "link"]
    doc = deckgen.read(text=_doc(body))
    assert _has_span(doc, ("pick a date", True, False, False, None))
    slide = next(s for s in _slides(_doc(body), tmp_path) if "Lessons" in s)
    assert "☐ book the venue" in slide and "☑ send the survey" in slide


def test_brackets_that_are_not_a_task_stay() -> None:
    body = "[x] marks the spot, said nobody\n\n- a list item that mentions [ ] in the middle"
    assert _points(_section(_doc(body), "Lessons")) == [
        "[x] marks the spot, said nobody",
        "a list item that mentions [ ] in the middle",
    ]


# --------------------------------------------------------------------------- comments


COMMENTED = (
    "# Retro\n\n<!-- draft v3: don't publish before legal has checked the numbers -->\n\n"
    "## What went well\n\n- We shipped on time.\n<!-- notes: thank the QA team by name -->\n"
    "<!-- TODO: add the numbers from the dashboard -->\n\n"
    "## What to improve\n\nFewer meetings. <!-- ask Kim whether this is fair -->\n"
    "<!-- Speaker notes: keep this one short -->\n"
)


def test_only_notes_comments_are_speaker_notes(tmp_path: Path) -> None:
    doc = deckgen.read(text=COMMENTED)
    went_well, improve = doc.insights
    assert [n.text for n in went_well.notes] == ["thank the QA team by name"]
    assert [n.text for n in improve.notes] == ["keep this one short"]
    assert _points(improve) == ["Fewer meetings."]
    notes = "\n".join(_notes(COMMENTED, tmp_path))
    assert "thank the QA team by name" in notes and "keep this one short" in notes
    for private in ("TODO", "dashboard", "ask Kim", "draft v3", "legal"):
        assert private not in notes
        assert not any(private in p for s in _slides(COMMENTED, tmp_path) for p in s)


def test_a_comment_alone_is_not_a_title_or_a_point() -> None:
    doc = deckgen.read(text="<!-- private -->\n# Talk\n\n## A\n\nx\n\n## B\n\ny\n")
    assert doc.title.text == "Talk"
    assert all("private" not in r.text for i in doc.insights for r in (*i.points, *i.notes))


# --------------------------------------------------------------------------- the oracle


def test_every_word_a_reader_sees_is_kept(tmp_path: Path) -> None:
    text = _doc(
        QUOTES + "\n\nSee [[Nadia Rahman|Nadia]], [[LLM evals]] and $\\alpha \\to \\beta^2$.\n\n"
        "- [ ] one\n- [x] two\n\n<!-- private -->\n<!-- notes: say hi -->"
    )
    out = tmp_path / "d.pptx"
    deckgen.build(text=text, output=out)
    assert not missing_from_deck(text, out)
    shown = "\n".join(deck_strings(out))
    assert "Nadia Rahman" not in shown and "private" not in shown and "say hi" in shown


def test_headings_and_nested_or_numbered_tasks() -> None:
    doc = deckgen.read(
        text="# T\n\n## [[Note|Alias]] and $\\alpha$\n\n- [ ] a\n  - [x] b\n1. [x] done\n\n"
        "## Two\n\nx\n"
    )
    first = doc.insights[0]
    assert first.title.text == "Alias and α"
    assert _points(first) == ["☐ a", "☑ b", "1. ☑ done"]
