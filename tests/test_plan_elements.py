"""plan: which slides a section with pictures, tables, code or quotes takes, what their
templates see, and where the elements go (issue 11)."""

from __future__ import annotations

from dataclasses import replace

from deckgen import plan
from deckgen.model import (
    Code,
    Document,
    Insight,
    ListItem,
    ParaProto,
    Picture,
    PlacedPicture,
    PlacedTable,
    Prototype,
    Quote,
    RichText,
    ShapeProto,
    Span,
    Table,
    Theme,
)
from deckgen.render.reader import role_for

BODY = "{% for t in slide.items %}{{ t }}{{ '\\n' }}{% endfor %}"


def _shape(sid: int, template: str, box=(0, 0, 100, 100), title: bool = False):
    return ShapeProto(
        sid,
        f"Shape {sid}",
        box,
        paragraphs=(ParaProto(template, "Calibri", 18.0),),
        is_title=title,
        role=role_for(template, title),  # as the template reader decides it
    )


def _theme(kinds: dict[str, tuple[str, ...]]) -> Theme:
    protos = {}
    for kind, templates in kinds.items():
        head = "{{ deck.title }}" if kind == "title" else "{{ insight.title }}"
        shapes = [_shape(1, head, title=True)]
        for k, t in enumerate(templates, start=2):
            box = (914400 * k, 1828800, 4572000, 2743200)  # 5 in × 3 in
            shapes.append(_shape(k, t, box))
        protos[kind] = Prototype(kind, tuple(shapes), slide_index=len(protos))
    return Theme("t", "t.pptx", prototypes=protos)


FULL = _theme(
    {
        "title": ("{{ deck.author }}",),
        "insight": ("{{ insight.key_point }}",),
        "bullets": (BODY,),
        "picture": ("{{ slide.images }}", "{{ slide.caption }}"),
        "text_picture": (BODY, "{{ slide.images }}"),
        "table": (BODY, "{{ slide.table }}"),
        "code": (BODY, "{{ slide.code }}"),
        "quote": ("{{ slide.quote.text }}", "{{ slide.quote.attribution }}", BODY),
    }
)
OLD = _theme(
    {
        "title": ("{{ deck.author }}",),
        "insight": ("{{ insight.key_point }}",),
        "bullets": ("{% for t in insight.paragraphs %}{{ t }}{{ '\\n' }}{% endfor %}",),
    }
)


def rt(text: str, line: int | None = None) -> RichText:
    return RichText.plain_text(text, line)


def _deck(*sections: Insight, theme: Theme = FULL):
    return plan.plan(Document(rt("Deck"), tuple(sections)), theme)


def _sections(deck):
    return [s for s in deck.slides if s.kind != "title"]


def _text(slide) -> str:
    return "\n".join(f.text for f in slide.frames)


TABLE = Table(
    (rt("Step"), rt("Owner")),
    ((rt("lint"), rt("Ana")), (rt("deploy"), RichText((Span("Raj", bold=True),)))),
    ("l", "r"),
    line=5,
)


def test_a_table_with_a_sentence_is_one_table_slide_with_the_sentence_above():
    ins = Insight(
        1, rt("Pipeline"), items=(rt("Three stages run in order.", 3),), elements=(TABLE,)
    )
    (slide,) = _sections(_deck(ins))
    assert slide.kind == "table"
    assert "Three stages run in order." in _text(slide)
    (placed,) = slide.elements
    assert isinstance(placed, PlacedTable)
    assert placed.table is TABLE
    assert placed.area == (914400 * 3, 1828800, 4572000, 2743200)  # the area shape's box
    # the area shape gets an empty frame: the writer removes it and draws the table there
    assert [f.paragraphs for f in slide.frames if f.shape_id == 3] == [()]
    assert "slide.table" not in _text(slide)


def test_long_text_gets_its_own_slide_before_the_table():
    items = tuple(rt(f"Point {k} " + "words " * 20, k) for k in range(5))
    ins = Insight(1, rt("Pipeline"), items=items, elements=(TABLE,))
    first, second = _sections(_deck(ins))
    assert first.kind == "bullets" and "Point 4" in _text(first)
    assert second.kind == "table" and "Point" not in _text(second)
    assert second.title == first.title


def test_pictures_go_together_in_one_grid_beside_short_text():
    pics = tuple(
        Picture(f"p{k}.png", f"Photo {k}", path=f"/x/p{k}.png", pixels=(400, 300), line=4 + k)
        for k in range(3)
    )
    ins = Insight(1, rt("Field trip"), items=(rt("What we saw.", 3),), elements=pics)
    (slide,) = _sections(_deck(ins))
    assert slide.kind == "text_picture"
    assert [p.picture.alt for p in slide.elements] == ["Photo 0", "Photo 1", "Photo 2"]
    assert all(
        isinstance(p, PlacedPicture) and p.area == (914400 * 3, 1828800, 4572000, 2743200)
        for p in slide.elements
    )


def test_a_picture_alone_takes_the_picture_slide_with_its_caption():
    pic = Picture("d.png", "System diagram", path="/x/d.png", pixels=(800, 450), line=3)
    (slide,) = _sections(_deck(Insight(1, rt("Architecture"), elements=(pic,))))
    assert slide.kind == "picture"
    assert "System diagram" in _text(slide)  # the caption
    assert len(slide.elements) == 1


def test_a_picture_that_could_not_be_placed_keeps_its_alt_text_on_the_slide():
    pic = Picture("https://example.com/d.png", "Remote diagram", line=4)  # path None
    ins = Insight(1, rt("Architecture"), items=(rt("Intro line.", 3),), elements=(pic,))
    (slide,) = _sections(_deck(ins))
    assert slide.elements == ()
    assert "Remote diagram" in _text(slide)


def test_a_theme_without_element_slides_shows_tables_and_code_as_text_in_place():
    code = Code("make test\nmake lint", "sh", line=9)
    ins = Insight(1, rt("Setup"), items=(rt("Before", 2), rt("After", 20)), elements=(TABLE, code))
    (slide,) = _sections(_deck(ins, theme=OLD))
    body = _text(slide).split("\n")
    assert body[body.index("Before") + 1 :] == [
        "Step | Owner",
        "lint | Ana",
        "deploy | Raj",
        "make test",
        "make lint",
        "After",
    ]


def test_code_lines_are_code_paragraphs_without_bullets_blank_lines_kept():
    code = Code("steps:\n\n  - run: make", "yaml", line=3)
    (slide,) = _sections(_deck(Insight(1, rt("CI"), elements=(code,))))
    assert slide.kind == "code"
    frame = next(f for f in slide.frames if f.shape_id == 3)
    assert [p.text for p in frame.paragraphs] == ["steps:", "", "  - run: make"]
    assert all(p.bullet is False for p in frame.paragraphs)
    assert all(r.code for p in frame.paragraphs for r in p.runs)


def test_list_items_carry_their_level_and_bullet_into_the_paragraphs():
    items = (
        ListItem((Span("Plan"),), 2, level=0, bullet=True),
        ListItem((Span("Scope"),), 3, level=1, bullet=True),
        ListItem((Span("1. Ship"),), 4, level=0, bullet=False),
        rt("A closing paragraph.", 6),
    )
    (slide,) = _sections(_deck(Insight(1, rt("Roadmap"), items=items)))
    assert slide.kind == "bullets"
    body = next(f for f in slide.frames if f.shape_id == 2)
    assert [(p.text, p.level, p.bullet) for p in body.paragraphs] == [
        ("Plan", 0, True),
        ("Scope", 1, True),
        ("1. Ship", 0, False),
        ("A closing paragraph.", 0, None),
    ]


def test_a_quote_with_attribution():
    quote = Quote((rt("Make it work, then make it fast."),), rt("Kent Beck"), line=3)
    (slide,) = _sections(_deck(Insight(1, rt("On speed"), elements=(quote,))))
    assert slide.kind == "quote"
    assert "Make it work, then make it fast." in _text(slide)
    assert "Kent Beck" in _text(slide)


def test_two_elements_take_two_slides_and_lose_nothing():
    code = Code("print('hi')", "python", line=8)
    ins = Insight(1, rt("Both"), items=(rt("Short.", 2),), elements=(TABLE, code))
    first, second = _sections(_deck(ins))
    assert (first.kind, second.kind) == ("table", "code")
    assert len(first.elements) == 1 and "print('hi')" in _text(second)


def test_the_layout_comment_chooses_the_slide_and_a_wrong_name_warns():
    items = (rt("Only text here.", 3),)
    forced = Insight(1, rt("A"), items=items, layout="Bullets")
    (slide,) = _sections(_deck(forced))
    assert slide.kind == "bullets"
    wrong = Insight(1, rt("B"), items=items, layout="Three Columns", line=7)
    deck = _deck(wrong)
    assert any("line 7" in w and "Three Columns" in w for w in deck.warnings)


def test_in_a_corporate_body_prose_takes_no_bullet_and_list_items_the_layouts_own():
    corporate = replace(FULL, from_layouts=True)
    items = (
        rt("A lead sentence before the list.", 2),
        ListItem((Span("Plan"),), 3, level=0, bullet=True),
        ListItem((Span("Scope"),), 4, level=1, bullet=True),
        ListItem((Span("2. Ship"),), 5, level=0, bullet=False),
    )
    (slide,) = _sections(_deck(Insight(1, rt("Roadmap"), items=items), theme=corporate))
    body = next(f for f in slide.frames if f.shape_id == 2)
    assert [(p.level, p.bullet) for p in body.paragraphs] == [
        (0, False),  # prose: no glyph whatever the master says
        (0, None),  # the layout's bullet
        (1, None),  # the layout's second level
        (0, False),  # its number is its marker
    ]
