"""Boxes grow into free room before anything is shrunk or split (issue 11).

The bundled themes' ``table`` and ``code`` prototypes hold a small "Text" box above the
table area or the code panel. A lead text that needs more lines than that box holds grows
it down (the table or code under it moving its top down, keeping the room its content
takes); an empty Text box gives its room to the table or code under it, on the first slide
and on every follow-up slide: a 90-line block or a 40-row table then needs fewer slides.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deckgen import api
from deckgen.fit import KEEP, fit, stacks
from deckgen.model import (
    BuildOptions,
    Deck,
    Frame,
    Para,
    PlacedPicture,
    PlacedTable,
    ShapeProto,
    SlideSpec,
    Span,
)
from deckgen.themes import load

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "elements"
THEMES = ("default", "dark", "bold")

Box = tuple[int, int, int, int]


def build(name: str, theme: str) -> Deck:
    return api.prepare(api.read(FIXTURES / f"{name}.md"), BuildOptions(template=theme))


def shapes_of(deck: Deck, slide: SlideSpec) -> dict[int, ShapeProto]:
    return {s.shape_id: s for s in deck.theme.prototypes[slide.kind].shapes}


def by_name(deck: Deck, slide: SlideSpec, name: str) -> ShapeProto:
    return next(s for s in shapes_of(deck, slide).values() if s.name == name)


def drawn_box(deck: Deck, slide: SlideSpec, sid: int) -> Box:
    """Where the writer draws a prototype shape on this slide."""
    return dict(slide.boxes).get(sid, shapes_of(deck, slide)[sid].box)


def drawn(deck: Deck, slide: SlideSpec) -> Iterator[tuple[str, Box]]:
    """The boxes a slide shows text, code, a table or a picture in (title and chrome
    aside), as drawn: a table as tall as its rows."""
    shapes = shapes_of(deck, slide)
    for f in slide.frames:
        shape = shapes.get(f.shape_id)
        if shape is None or shape.role not in ("content", "code"):
            continue
        if any(r.text.strip() for p in f.paragraphs for r in p.runs):
            yield shape.name, drawn_box(deck, slide, f.shape_id)
    for el in slide.elements:
        if isinstance(el, PlacedTable):
            x, y, w, _ = el.area
            yield "table", (x, y, w, sum(el.heights))
        elif isinstance(el, PlacedPicture) and el.box is not None:
            yield "picture", el.box


def assert_laid_out(deck: Deck) -> None:
    """Every box inside the slide and none over another."""
    width, height = deck.theme.slide_width, deck.theme.slide_height
    for n, slide in enumerate(deck.slides, start=1):
        boxes = list(drawn(deck, slide))
        for name, (x, y, w, h) in boxes:
            assert x >= 0 and y >= 0 and x + w <= width and y + h <= height, (n, name)
        for i, (a, (ax, ay, aw, ah)) in enumerate(boxes):
            for b, (bx, by, bw, bh) in boxes[i + 1 :]:
                apart = ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
                assert apart, f"slide {n}: {a} {(ax, ay, aw, ah)} overlaps {b} {(bx, by, bw, bh)}"


def slides_of(deck: Deck, title: str) -> list[SlideSpec]:
    return [s for s in deck.slides if s.title.split(" (continued)")[0].endswith(title)]


# --------------------------------------------------------------------------- stacks


@pytest.mark.parametrize("theme", THEMES)
def test_the_text_box_above_a_table_or_code_is_stacked_on_it(theme: str):
    protos = load(theme).prototypes
    for kind, lower in (("table", "Table Area"), ("code", "Code")):
        pairs = {(st.upper.name, st.lower.name) for st in stacks(protos[kind].shapes)}
        assert ("Text", lower) in pairs, (kind, pairs)
    # text beside a picture is not above it
    assert not any(st.lower.role == "picture" for st in stacks(protos["text_picture"].shapes))


# --------------------------------------------------------------------------- lead text


@pytest.mark.parametrize("theme", THEMES)
def test_a_lead_text_grows_down_and_shares_the_slide_with_its_table(theme: str):
    deck = build("ci_pipeline", theme)
    (slide,) = [
        s for s in deck.slides for e in s.elements if isinstance(e, PlacedTable) and e.table
    ]
    assert slide.continued == 0 and len(slides_of(deck, "The stages at a glance")) == 1
    text = by_name(deck, slide, "Text")
    area = by_name(deck, slide, "Table Area")
    frame = next(f for f in slide.frames if f.shape_id == text.shape_id)
    assert "Times are from a mid-sized repository" in frame.paragraphs[0].text
    # the text keeps the designer's size: its box grew instead
    assert {p.size for p in frame.paragraphs} == {text.paragraphs[0].size}
    tx, ty, tw, th = drawn_box(deck, slide, text.shape_id)
    assert (tx, ty, tw) == text.box[:3] and th > text.box[3]
    (table,) = slide.elements
    assert isinstance(table, PlacedTable)
    # the table starts below the grown text, ends where its area did, keeps its size
    assert table.area[1] >= ty + th
    assert table.area[1] + table.area[3] == area.box[1] + area.box[3]
    assert table.area[3] >= KEEP * area.box[3]
    assert sum(table.heights) <= table.area[3]
    assert table.size == 18.0
    assert_laid_out(deck)
    assert not [w for w in deck.warnings if "continued" in w or "does not fit" in w]


# --------------------------------------------------------------------------- code

CODE_SLIDES_BEFORE = {"default": 7, "dark": 6, "bold": 6}
"""Slides the 90-line block took before boxes grew (the Text box's room wasted)."""


def code_lines(deck: Deck, slide: SlideSpec) -> list[str]:
    code = by_name(deck, slide, "Code")
    frame = next(f for f in slide.frames if f.shape_id == code.shape_id)
    return [p.text for p in frame.paragraphs]


@pytest.mark.parametrize("theme", THEMES)
def test_a_long_code_block_takes_fewer_slides_and_keeps_every_line(theme: str):
    deck = build("tutorial_code", theme)
    slides = slides_of(deck, "The whole script")
    assert len(slides) < CODE_SLIDES_BEFORE[theme]
    source = (FIXTURES / "tutorial_code.md").read_text(encoding="utf-8")
    block = source.split("```python\n", 1)[1].split("\n```", 1)[0].split("\n")
    assert len(block) >= 90
    shown = [line for s in slides for line in code_lines(deck, s)]
    # every line, in order; only blank lines at a split may be left out
    assert [ln for ln in shown if ln.strip()] == [ln for ln in block if ln.strip()]
    assert len(block) - len(shown) <= len(slides) - 1
    for s in slides[1:]:
        assert code_lines(deck, s)[0].strip(), "a follow-up slide starts with a blank line"
    # the follow-ups, with nothing in the Text box, draw the panel from the Text box's top
    text = by_name(deck, slides[0], "Text")
    code = by_name(deck, slides[0], "Code")
    for s in slides[1:]:
        x, y, w, h = drawn_box(deck, s, code.shape_id)
        assert (x, w) == (code.box[0], code.box[2])
        assert y == text.box[1] and y + h == code.box[1] + code.box[3]
    assert_laid_out(deck)


def test_a_split_never_starts_a_slide_with_a_blank_line():
    body = "\n".join(f"step_{i} = run({i})" + ("\n" if i % 3 == 2 else "") for i in range(80))
    deck = api.prepare(
        api.read(text=f"# Deck\n\n## Steps\n\n```python\n{body}\n```\n"),
        BuildOptions(template="default"),
    )
    slides = [s for s in deck.slides if s.kind == "code"]
    assert len(slides) > 1
    shown = [line for s in slides for line in code_lines(deck, s)]
    assert [ln for ln in shown if ln.strip()] == [f"step_{i} = run({i})" for i in range(80)]
    for s in slides[1:]:
        assert code_lines(deck, s)[0].strip()


# --------------------------------------------------------------------------- tables

TABLE_SLIDES_AFTER = {"default": 4, "dark": 3, "bold": 3}
"""Slides of the 40-row table (4 in every theme before boxes grew). The default theme's
area, grown to the Text box's top, holds 12 rows at the 12 pt minimum: 40 still need 4."""


@pytest.mark.parametrize("theme", THEMES)
def test_a_long_table_grows_into_the_empty_text_box_and_shows_each_row_once(theme: str):
    deck = build("report_tables", theme)
    placed = [
        (s, e)
        for s in deck.slides
        for e in s.elements
        if isinstance(e, PlacedTable) and len(e.table.rows) == 40
    ]
    assert len(placed) <= TABLE_SLIDES_AFTER[theme]
    rows = [i for _, e in placed for i in range(*(e.rows or (0, 40)))]
    assert rows == list(range(40))
    slide, _ = placed[0]
    text, area = by_name(deck, slide, "Text"), by_name(deck, slide, "Table Area")
    for _, e in placed:
        assert e.area == (
            area.box[0],
            text.box[1],
            area.box[2],
            area.box[1] + area.box[3] - text.box[1],
        )
        assert sum(e.heights) <= e.area[3]
    assert_laid_out(deck)


# --------------------------------------------------------------------------- text only


@pytest.mark.parametrize("theme", THEMES)
def test_a_text_only_deck_moves_no_box_that_did_not_need_to(theme: str):
    deck = api.prepare(api.read(ROOT / "content.md"), BuildOptions(template=theme))
    assert [s.title for s in deck.slides if s.boxes] == []


def test_an_empty_key_point_gives_its_room_to_the_explanation():
    theme = load("default")
    shapes = {s.name: s for s in theme.prototypes["insight"].shapes}
    key, why = shapes["Key Point"], shapes["Explanation"]

    def insight(statement: str) -> SlideSpec:
        frames = (
            Frame(shapes["Title"].shape_id, (Para((Span("One"),)),)),
            Frame(key.shape_id, (Para((Span(statement),)),)),
            Frame(why.shape_id, tuple(Para((Span("Because. " * 30),)) for _ in range(4))),
        )
        return SlideSpec("insight", "One", frames)

    deck = fit(Deck((insight("It holds."), insight("")), theme, "D"))
    full, bare = [s for s in deck.slides if s.continued == 0]
    assert full.boxes == ()
    x, y, w, h = dict(bare.boxes)[why.shape_id]
    assert (x, w) == (why.box[0], why.box[2])
    assert y == key.box[1] and y + h == why.box[1] + why.box[3]
    # the room it gained lets its text keep a size at least as large, on fewer slides
    assert len(deck.slides) - deck.slides.index(bare) <= deck.slides.index(bare)
    size_full = {p.size for f in full.frames if f.shape_id == why.shape_id for p in f.paragraphs}
    size_bare = {p.size for f in bare.frames if f.shape_id == why.shape_id for p in f.paragraphs}
    assert max(size_bare) >= max(size_full)
