"""pandoc's two-column layout (``:::: columns`` holding ``::: column`` divs) as a deck shows it.

The fixtures in tests/fixtures/slides/columns_*.md are talks as pandoc users write them: a
pros/cons comparison with a heading over each column, text beside a picture, a picture
beside text, two pictures under headings, and two columns too long for one slide. Each
column is a text box of its own, side by side with the other; a picture in a column is a
native picture in that column's half of the slide; notes written in a column are speaker
notes; corporate templates take their "Comparison" and "Two Content" layouts; a theme
without a columns slide shows the columns' content as before, one after the other.
tests/test_pandoc_slides.py builds the same fixtures in every theme (every word kept, the
syntax never shown) and renders them (every word inside its box).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.util import Emu

import deckgen
from deckgen import plan, themes
from deckgen.model import Code, Columns, ListItem, Picture, Table
from deckgen.parse import parse

from .test_elements_e2e import template_arg

FIXTURES = Path(__file__).parent / "fixtures" / "slides"
THEMES = ("default", "dark", "bold")


def _build(name: str, tmp_path: Path, template: str = "default") -> Any:
    out = tmp_path / f"{name}-{template}.pptx"
    deckgen.build(FIXTURES / f"{name}.md", out, template=template_arg(template, tmp_path))
    return Presentation(str(out))


def _texts(slide: Any) -> list[tuple[int, int, int, str]]:
    """The slide's text shapes that show text (not the title, footer or number): their
    left edge, right edge, top and text."""
    out = []
    for shape in slide.shapes:
        if not shape.has_text_frame or not shape.text_frame.text.strip():
            continue
        if shape.is_placeholder and shape.placeholder_format.type in (1, 3, 13, 15, 16):
            continue  # title, centred title, slide number, footer, date
        if shape.name in ("Footer", "Slide Number", "Insight Number"):
            continue
        out.append((shape.left, shape.left + shape.width, shape.top, shape.text_frame.text))
    return out


def _slide(prs: Any, title: str) -> Any:
    return next(s for s in prs.slides if s.shapes.title and title in s.shapes.title.text_frame.text)


def _pictures(slide: Any) -> list[Any]:
    return [s for s in slide.shapes if s.shape_type == 13]


# --------------------------------------------------------------------------- parse


def test_a_comparison_parses_into_two_columns_with_headings() -> None:
    doc = deckgen.read(FIXTURES / "columns_compare.md")
    options = doc.insights[1]
    (cols,) = options.elements
    assert isinstance(cols, Columns)
    left, right = cols.columns
    assert left.heading is not None and left.heading.text == "Stay hosted"
    assert right.heading is not None and right.heading.text == "Host it ourselves"
    assert [t.text for t in left.items] == [
        "Nothing to run or patch",
        "Search and history just work",
        "The price goes up every year",
    ]
    assert all(isinstance(t, ListItem) and t.bullet for t in (*left.items, *right.items))
    assert (left.width, right.width) == ("50%", "50%")
    # the notes inside the right column are the slide's notes, in no column
    assert [n.text for n in options.notes] == [
        "Mention that the security team asked for this option."
    ]
    assert not any("security" in t.text for t in right.items)


def test_text_around_the_columns_stays_on_the_slide() -> None:
    doc = parse(
        "% T\n\n# S\n\nAbove.\n\n:::: columns\n::: column\nLeft\n:::\n::: column\n"
        "Right\n:::\n::::\n\nBelow.\n"
    )
    ins = doc.insights[0]
    assert [t.text for t in ins.items] == ["Above.", "Below."]
    assert isinstance(ins.elements[0], Columns)


def test_pictures_belong_to_their_column() -> None:
    doc = deckgen.read(FIXTURES / "columns_pictures.md")
    commit, tower, before_after = doc.insights
    (cols,) = commit.elements
    assert isinstance(cols, Columns)
    assert not cols.columns[0].pictures and len(cols.columns[1].pictures) == 1
    assert [t.text for t in commit.items] == ["A short tour before we switch everyone over."]
    (cols,) = tower.elements
    assert isinstance(cols, Columns)
    assert [p.alt for p in cols.columns[0].pictures] == ["The signal tower before the repairs"]
    assert not cols.columns[0].items and len(cols.columns[1].items) == 2


@pytest.mark.parametrize(
    "text",
    [
        # one column: its content, as any div's
        "% T\n\n# S\n\n:::: columns\n::: column\nOnly one\n:::\n::::\n",
        # columns that are not in a slide show still are columns; in a list, text
        "# S\n\n- a list\n\n  :::: columns\n  ::: column\n  Only one\n  :::\n  ::::\n",
    ],
)
def test_one_column_is_the_section_text(text: str) -> None:
    ins = parse(text).insights[0]
    assert "Only one" in [t.text for t in ins.items]
    assert not any(isinstance(e, Columns) for e in ins.elements)


def test_a_notes_div_nested_in_a_column_with_fences_of_one_length() -> None:
    """pandoc nests divs by their names: a bare ``:::`` closes the innermost, so the notes
    end before the column does, and the column's text after them stays the column's."""
    doc = parse(
        "% T\n\n# S\n\n::: columns\n::: column\nLeft\n::: notes\nSay this.\n:::\nMore left\n"
        ":::\n::: column\nRight\n:::\n:::\n"
    )
    ins = doc.insights[0]
    (cols,) = ins.elements
    assert isinstance(cols, Columns)
    assert [[t.text for t in c.items] for c in cols.columns] == [["Left", "More left"], ["Right"]]
    assert [n.text for n in ins.notes] == ["Say this."]


def test_columns_with_a_table_or_code_keep_them_native() -> None:
    # a column's box holds text and pictures; a table or code block stays a native element
    # of the section (pandoc places them as tables and code too), in source order
    doc = parse(
        "% T\n\n# S\n\n:::: columns\n::: column\nBefore.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n:::\n"
        "::: column\n```\nmake test\n```\n:::\n::::\n"
    )
    ins = doc.insights[0]
    assert [type(e) for e in ins.elements] == [Table, Code]
    assert [t.text for t in ins.items] == ["Before."]


# --------------------------------------------------------------------------- the deck


@pytest.mark.parametrize("theme", THEMES)
def test_two_text_boxes_side_by_side_hold_each_columns_text(tmp_path: Path, theme: str) -> None:
    prs = _build("columns_compare", tmp_path, theme)
    slide = _slide(prs, "The two options")
    boxes = sorted(_texts(slide))
    assert len(boxes) == 2, boxes
    (l0, r0, t0, left), (l1, r1, t1, right) = boxes
    assert r0 <= l1  # side by side, not overlapping
    assert abs(t0 - t1) < Emu(914400 // 10)  # at the same height
    assert left.split("\n") == [
        "Stay hosted",
        "Nothing to run or patch",
        "Search and history just work",
        "The price goes up every year",
    ]
    assert right.split("\n")[0] == "Host it ourselves"
    assert "Plugins we can write ourselves" in right
    notes = slide.notes_slide.notes_text_frame.text
    assert "Mention that the security team asked for this option." in notes
    # the lead-in of another slide sits above both columns
    slide = _slide(prs, "What we recommend")
    boxes = _texts(slide)
    lead = next(b for b in boxes if b[3].startswith("Run a self-hosted pilot"))
    cols = sorted(b for b in boxes if b is not lead)
    assert [b[3].split(":")[0] for b in cols] == ["Pilot team", "Success looks like"]
    assert all(lead[2] < b[2] for b in cols)


@pytest.mark.parametrize("theme", THEMES)
def test_a_picture_is_drawn_in_its_columns_half(tmp_path: Path, theme: str) -> None:
    prs = _build("columns_pictures", tmp_path, theme)
    middle = prs.slide_width // 2
    slide = _slide(prs, "What a commit goes through")
    (pic,) = _pictures(slide)
    assert pic.left >= middle
    text = [b for b in _texts(slide) if b[3].startswith("Every push")]
    assert len(text) == 1 and text[0][1] <= middle
    slide = _slide(prs, "The tower we monitor")
    (pic,) = _pictures(slide)
    assert pic.left + pic.width <= middle
    assert pic.image.size == (300, 900)  # the file itself, not cropped
    ratio = (pic.width / pic.height) / (300 / 900)
    assert abs(ratio - 1) < 0.01  # aspect kept
    assert pic.crop_left == pic.crop_right == pic.crop_top == pic.crop_bottom == 0
    notes = slide.notes_slide.notes_text_frame.text
    assert "This is the story people remember" in notes
    assert not any("story people remember" in b[3] for s in prs.slides for b in _texts(s))
    slide = _slide(prs, "Before and after")
    left, right = sorted(_pictures(slide), key=lambda p: p.left)
    assert left.left + left.width <= middle <= right.left
    heads = sorted(_texts(slide))
    assert [b[3] for b in heads] == ["Before", "After"]


def test_a_long_column_continues_on_a_slide_with_two_columns(tmp_path: Path) -> None:
    prs = _build("columns_long", tmp_path)
    slides = [s for s in prs.slides if s.shapes.title and "What worked" in s.shapes.title.text]
    assert len(slides) == 2
    first, follow = slides
    assert "(continued)" in follow.shapes.title.text
    left_first = [b for b in _texts(first) if b[3].startswith("What worked")]
    assert left_first and "What did not" in "\n".join(b[3] for b in _texts(first))
    # the rest of the left column goes on in the left column of the follow-up slide
    rest = _texts(follow)
    assert rest and all(b[1] <= prs.slide_width // 2 for b in rest)
    words = " ".join(b[3] for s in slides for b in _texts(s)).split()
    assert words.count("clipboard") == 1 and words.count("tiller") == 1


@pytest.mark.parametrize("template", ["corporate-4x3", "corporate-16x9"])
def test_corporate_templates_use_comparison_and_two_content(tmp_path: Path, template: str) -> None:
    prs = _build("columns_compare", tmp_path, template)
    slide = _slide(prs, "The two options")
    assert slide.slide_layout.name == "Comparison"
    texts = {s.text_frame.text for s in slide.placeholders if s.has_text_frame}
    assert {"Stay hosted", "Host it ourselves"} <= texts
    # columns without headings: Two Content (its lead-in on a slide of its own before it)
    recommend = [s for s in prs.slides if "What we recommend" in s.shapes.title.text]
    assert [s.slide_layout.name for s in recommend] == ["Title and Content", "Two Content"]
    prs = _build("columns_pictures", tmp_path, template)
    slide = _slide(prs, "The tower we monitor")
    assert slide.slide_layout.name == "Two Content"
    (pic,) = _pictures(slide)
    assert pic.left + pic.width <= prs.slide_width // 2


def test_a_theme_without_a_columns_slide_shows_the_columns_one_after_the_other() -> None:
    theme = themes.load("default")
    protos = {k: v for k, v in theme.prototypes.items() if k != "columns"}
    bare = replace(theme, prototypes=protos)
    ins = deckgen.read(FIXTURES / "columns_compare.md").insights[1]
    (part,) = plan.slide_parts(ins, bare)
    assert part.kind == "bullets"
    assert [t.text for t in part.items] == [
        "Stay hosted",
        "Nothing to run or patch",
        "Search and history just work",
        "The price goes up every year",
        "Host it ourselves",
        "Our data stays on our servers",
        "One more service for the on-call rotation",
        "Plugins we can write ourselves",
    ]
    (part,) = plan.slide_parts(ins, theme)
    assert part.kind == "columns" and part.columns is not None


def test_pictures_of_columns_without_a_columns_slide_are_still_pictures() -> None:
    theme = themes.load("default")
    bare = replace(theme, prototypes={k: v for k, v in theme.prototypes.items() if k != "columns"})
    doc = deckgen.read(FIXTURES / "columns_pictures.md")
    from deckgen import media

    doc = media.resolve(doc, str(FIXTURES))
    parts = plan.slide_parts(doc.insights[0], bare)
    assert [p.kind for p in parts] == ["text_picture"]
    assert [type(p) for p in parts[0].pictures] == [Picture]
    assert "Every push starts a build in a clean container." in [t.text for t in parts[0].items]
