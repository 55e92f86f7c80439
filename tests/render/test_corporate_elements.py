"""Corporate templates show pictures, tables, code and quotes in their own layouts (issue 11,
item 5): a picture in a picture placeholder with its caption, text beside a picture in two
boxes side by side, a table in the content placeholder, code and quotes in the body; with
fallbacks when a layout is missing, pins by name, and ``templates check`` saying which.

The templates are python-pptx's default (4:3, the eleven layouts PowerPoint ships) and the
16:9 variants of ``corporate_templates.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from deckgen.cli import cli
from deckgen.model import Code, Document, Insight, Picture, Quote, RichText, Table, Theme
from deckgen.render import load_theme
from deckgen.render.reader import read, role_for

from ..conftest import needs_soffice
from ..rendercheck import check_deck
from . import corporate_templates as ct

ELEMENT_KINDS = ("picture", "text_picture", "table", "code", "quote")
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def layout_box(path: Path, layout: str, idx: int) -> tuple[int, int, int, int]:
    """Where placeholder ``idx`` of ``layout`` sits (its own geometry, as the layouts in
    these templates all have)."""
    for ph in ct.by_name(Presentation(str(path)), layout).placeholders:
        if ph.placeholder_format.idx == idx:
            return (ph.left, ph.top, ph.width, ph.height)
    raise KeyError(idx)


def shapes_by_role(theme: Theme, kind: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for s in theme.prototypes[kind].shapes:
        out.setdefault(s.role, []).append(s)
    return out


def items_shape(theme: Theme, kind: str):
    found = [s for s in theme.prototypes[kind].shapes if "slide.items" in s.template]
    return found[0] if found else None


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corporate-elements")
    Presentation().save(folder / "default.pptx")
    ct.chrome(folder / "wide.pptx")
    return folder


# --------------------------------------------------------------------------- mapping


@pytest.mark.parametrize("name", ["default.pptx", "wide.pptx"])
def test_each_element_kind_takes_the_layout_made_for_it(made: Path, name: str):
    path = made / name
    theme = load_theme(path)
    assert {k: theme.prototypes[k].layout_name for k in ELEMENT_KINDS} == {
        "picture": "Picture with Caption",
        "text_picture": "Two Content",
        "table": "Title and Content",
        "code": "Title and Content",
        "quote": "Title and Content",
    }
    assert theme.warnings == ()
    # the classic kinds keep their layouts
    assert theme.prototypes["insight"].layout_name == "Title and Content"
    assert theme.prototypes["title"].layout_name == "Title Slide"


@pytest.mark.parametrize("name", ["default.pptx", "wide.pptx"])
def test_the_picture_goes_in_the_picture_placeholder_and_its_caption_below(made: Path, name):
    path = made / name
    theme = load_theme(path)
    roles = shapes_by_role(theme, "picture")
    (area,) = roles["picture"]
    # the area is the layout's picture placeholder, placed where the layout has it
    assert area.placeholder_idx == 1 and area.template == "{{ slide.images }}"
    assert area.box == layout_box(path, "Picture with Caption", 1)
    (caption,) = [s for s in roles["content"] if "slide.caption" in s.template]
    assert caption.box == layout_box(path, "Picture with Caption", 2)
    assert any(s.is_title for s in theme.prototypes["picture"].shapes)
    x, _, w, _ = area.box
    assert x >= 0 and x + w <= theme.slide_width


@pytest.mark.parametrize("name", ["default.pptx", "wide.pptx"])
def test_text_left_picture_right_in_two_content(made: Path, name: str):
    path = made / name
    theme = load_theme(path)
    (area,) = shapes_by_role(theme, "text_picture")["picture"]
    text = items_shape(theme, "text_picture")
    assert text is not None and text.role == "content"
    assert area.box == layout_box(path, "Two Content", 2)
    assert text.box == layout_box(path, "Two Content", 1)
    assert text.box[0] + text.box[2] <= area.box[0]  # side by side, text first


def test_table_code_and_quote_in_the_content_placeholder(made: Path):
    path = made / "default.pptx"
    theme = load_theme(path)
    content = layout_box(path, "Title and Content", 1)
    (table,) = shapes_by_role(theme, "table")["table"]
    assert (table.box, table.template) == (content, "{{ slide.table }}")
    # no second box on this layout: no shape for the text above the table
    assert items_shape(theme, "table") is None
    (code,) = shapes_by_role(theme, "code")["code"]
    assert code.box == content
    assert "slide.items" in code.template and "{{ slide.code }}" in code.template
    quote = next(s for s in theme.prototypes["quote"].shapes if "slide.quote.text" in s.template)
    assert quote.box == content and quote.role == "content"
    assert "slide.quote.attribution" in quote.template and "slide.items" in quote.template


def test_the_writers_recipe_has_the_areas_as_shapes_it_can_replace(made: Path):
    """A layout's picture placeholder is empty on a new slide (no text body): the reader
    gives it one, so the recipe marks it like any text shape and the writer can remove it
    and draw the picture in its box."""
    template = read(made / "default.pptx")
    assert template.base is not None
    for kind in ("picture", "text_picture", "table"):
        proto = template.theme.prototypes[kind]
        area = next(s for s in proto.shapes if s.role in ("picture", "table"))
        assert area.shape_id in template.base.recipes[kind].shapes, kind


# --------------------------------------------------------------------------- fallbacks


def without(path: Path, out: Path, *names: str) -> Path:
    prs = Presentation(str(path))
    for name in names:
        prs.slide_layouts.remove(ct.by_name(prs, name))
    prs.save(out)
    return out


def test_no_picture_layout_the_picture_goes_beside_its_caption(made: Path, tmp_path: Path):
    path = without(made / "default.pptx", tmp_path / "t.pptx", "Picture with Caption")
    theme = load_theme(path)
    assert theme.prototypes["picture"].layout_name == "Two Content"
    (area,) = shapes_by_role(theme, "picture")["picture"]
    caption = next(s for s in theme.prototypes["picture"].shapes if "slide.caption" in s.template)
    assert area.box == layout_box(path, "Two Content", 2)
    assert caption.box == layout_box(path, "Two Content", 1)


def test_comparison_without_its_headers_when_there_is_no_two_content(made, tmp_path: Path):
    path = without(made / "default.pptx", tmp_path / "t.pptx", "Two Content")
    theme = load_theme(path)
    proto = theme.prototypes["text_picture"]
    assert proto.layout_name == "Comparison"
    (area,) = shapes_by_role(theme, "text_picture")["picture"]
    assert area.box == layout_box(path, "Comparison", 4)
    assert items_shape(theme, "text_picture").box == layout_box(path, "Comparison", 2)
    # the two small header boxes stay empty: they are not part of the prototype
    assert {s.placeholder_idx for s in proto.shapes} == {0, 2, 4, 10, 11, 12}


def test_only_a_content_layout_the_picture_takes_its_box(made: Path, tmp_path: Path):
    path = without(
        made / "default.pptx", tmp_path / "t.pptx", "Picture with Caption", "Two Content",
        "Comparison", "Content with Caption",
    )  # fmt: skip
    theme = load_theme(path)
    content = layout_box(path, "Title and Content", 1)
    for kind in ("picture", "text_picture"):
        assert theme.prototypes[kind].layout_name == "Title and Content"
        (area,) = shapes_by_role(theme, kind)["picture"]
        assert area.box == content
        # no box for the text: plan puts it on a slide of its own
        assert items_shape(theme, kind) is None
    assert theme.warnings == ()


def test_a_picture_placeholder_beside_text_is_preferred_for_text_and_picture(made, tmp_path):
    prs = Presentation(str(made / "default.pptx"))
    two = ct.by_name(prs, "Two Content")
    ct.rename(two, "Text and Picture")
    ct.set_type(ct.placeholder(two, "obj", 2), "pic")
    path = tmp_path / "t.pptx"
    prs.save(path)
    theme = load_theme(path)
    assert theme.prototypes["text_picture"].layout_name == "Text and Picture"
    (area,) = shapes_by_role(theme, "text_picture")["picture"]
    assert area.placeholder_idx == 2
    # a larger picture placeholder with a caption box stays the picture layout
    assert theme.prototypes["picture"].layout_name == "Picture with Caption"


# --------------------------------------------------------------------------- pins and check


def test_element_kinds_pinned_by_name(made: Path):
    path = made / "default.pptx"
    theme = load_theme(
        path,
        layouts={"picture": "Two Content", "table": "Content with Caption", "quote": "Title Only"},
    )
    assert theme.prototypes["picture"].layout_name == "Two Content"
    (area,) = shapes_by_role(theme, "picture")["picture"]
    assert area.box == layout_box(path, "Two Content", 2)
    # a table beside a box big enough for its text: the text stays on the table's slide
    assert theme.prototypes["table"].layout_name == "Content with Caption"
    (table,) = shapes_by_role(theme, "table")["table"]
    assert table.box == layout_box(path, "Content with Caption", 1)
    assert items_shape(theme, "table").box == layout_box(path, "Content with Caption", 2)
    # a layout without a text box: said once, naming the layout
    (warning,) = theme.warnings
    assert "layout 'Title Only' has no text box, so quote slides show only their title" in warning


def test_pins_on_the_command_line_and_templates_check(made: Path, tmp_path: Path):
    path = str(made / "default.pptx")
    out = CliRunner().invoke(cli, ["templates", "check", path]).output
    assert "picture    → 'Picture with Caption': picture placeholder (6.0 × 4.5 in)" in out
    assert "picture in the pic placeholder (6.0 × 4.5 in), caption in the body placeholder" in out
    assert "text_picture → 'Two Content': two boxes side by side" in out
    assert "picture in the right content placeholder (4.4 × 4.9 in), text in the left" in out
    assert "table      → 'Title and Content': the content layout; table in the content" in out
    assert "no box for the text" in out
    assert "code       → 'Title and Content'" in out and "code and text in the content" in out
    assert "quote      → 'Title and Content'" in out
    assert "text_picture layout 'Two Content'; uses" in out and "slide.images" in out
    assert "unknown:" not in out and out.rstrip().endswith("OK")
    pinned = CliRunner().invoke(
        cli, ["templates", "check", path, "--layout", "text_picture=Comparison"]
    )
    assert pinned.exit_code == 0, pinned.output
    assert "text_picture → 'Comparison': pinned by name; picture in the right" in pinned.output


# --------------------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("template", "role"),
    [
        ("{{ slide.images }}", "picture"),
        (" {{slide.table}}\n", "table"),
        ("{{- slide.images -}}", "picture"),
        ("See {{ slide.images }}", "content"),  # not an area: text around the tag
        ("{{ slide.code }}", "code"),
        ("{% for l in slide.code.lines %}{{ l }}\n{% endfor %}", "code"),
        ("{% for t in slide.items %}{{ t }}{{ '\\n' }}{% endfor %}", "content"),
        ("{{ slide.caption }}", "content"),
        ("{{ slide.quote.text }}", "content"),
        ("{{ slide.number }} / {{ slide.total }}", "chrome"),
        ("{{ deck.footer }}", "chrome"),
    ],
)
def test_roles_of_area_code_and_slide_content_shapes(template: str, role: str):
    assert role_for(template, False) == role


# --------------------------------------------------------------------------- a deck


def elements_deck(template: Path, folder: Path) -> Path:
    """A deck of a picture alone, text beside a picture, a table, code and a quote, made
    from ``template`` (pictures resolved by hand: the parser and media are not under test)."""
    from deckgen import fit, plan
    from deckgen.render.writer import write

    from .make_templates import tiny_png

    image = folder / "red.png"
    image.write_bytes(tiny_png(size=8))
    r = RichText.plain_text
    pic = Picture(src="red.png", alt="A red square", path=str(image), pixels=(8, 8))
    table = Table(header=(r("Branch"), r("Runs")), rows=((r("main"), r("12")),))
    doc = Document(
        title=r("Elements"),
        insights=(
            Insight(number=1, title=r("Alone"), elements=(pic,)),
            Insight(number=2, title=r("Beside"), items=(r("Some words"),), elements=(pic,)),
            Insight(number=3, title=r("Numbers"), elements=(table,)),
            Insight(number=4, title=r("Script"), elements=(Code("echo hi\nexit 0"),)),
            Insight(number=5, title=r("Said"), elements=(Quote((r("Less is more"),), r("Mies")),)),
        ),
    )
    out = folder / f"{template.stem}-elements.pptx"
    write(fit.fit(plan.plan(doc, load_theme(template))), out)
    return out


def test_a_deck_draws_the_picture_and_table_in_the_layouts_areas(made: Path, tmp_path: Path):
    path = made / "default.pptx"
    out = elements_deck(path, tmp_path)
    slides = list(Presentation(str(out)).slides)
    assert [s.slide_layout.name for s in slides] == [
        "Title Slide", "Picture with Caption", "Two Content", "Title and Content",
        "Title and Content", "Title and Content",
    ]  # fmt: skip

    def inside(shape_box, area) -> bool:
        x, y, w, h = shape_box
        return (
            x >= area[0]
            and y >= area[1]
            and x + w <= area[0] + area[2]
            and y + h <= area[1] + area[3]
        )

    areas = [("Picture with Caption", 1), ("Two Content", 2)]
    for slide, (layout, idx) in zip(slides[1:3], areas, strict=True):
        pics = [s for s in slide.shapes if s.shape_type == 13]  # a picture
        assert len(pics) == 1
        p = pics[0]
        assert inside((p.left, p.top, p.width, p.height), layout_box(path, layout, idx))
        assert p.width == p.height  # a square stays square
        # the empty placeholder is gone: no "Click to add picture" in PowerPoint
        assert all(s.shape_type != 14 or s.placeholder_format.type != 18 for s in slide.shapes)
    texts = ["\n".join(s.text_frame.text for s in sl.shapes if s.has_text_frame) for sl in slides]
    assert "A red square" in texts[1] and "Some words" in texts[2]
    tables = [s for s in slides[3].shapes if s.has_table]
    assert len(tables) == 1
    t = tables[0]
    assert inside((t.left, t.top, t.width, t.height), layout_box(path, "Title and Content", 1))
    assert "echo hi" in texts[4] and "exit 0" in texts[4]
    # code lines take no bullet from the content placeholder's list style
    body = slides[4].shapes[1]._element
    code_paras = [p for p in body.iter(f"{A}p") if "echo" in "".join(p.itertext())]
    assert code_paras and code_paras[0].find(f"{A}pPr/{A}buNone") is not None
    assert "Less is more" in texts[5] and "Mies" in texts[5]


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize("name", ["default.pptx", "wide.pptx"])
def test_element_decks_render_with_every_word_in_its_box(made: Path, tmp_path: Path, name: str):
    out = elements_deck(made / name, tmp_path)
    problems = check_deck(out, tmp_path / "render")
    assert not problems, "\n".join(problems[:40])


def test_a_nested_list_keeps_its_levels_on_a_corporate_bullets_slide(made: Path):
    """The corporate body reads ``slide.items``, so a nested item is a level deeper (the
    layout's own bullets and indents per level)."""
    from deckgen import plan
    from deckgen.model import ListItem, Span

    def item(text: str, level: int) -> ListItem:
        return ListItem((Span(text),), level=level, bullet=True)

    items = (item("Atomicity", 0), item("all or nothing", 1), item("Isolation", 0))
    doc = Document(
        title=RichText.plain_text("ACID"),
        insights=(Insight(number=1, title=RichText.plain_text("Guarantees"), items=items),),
    )
    deck = plan.plan(doc, load_theme(made / "default.pptx"))
    slide = deck.slides[1]
    assert slide.kind == "bullets"
    body = next(f for f in slide.frames if "Atomicity" in f.text)
    assert [(p.text, p.level) for p in body.paragraphs] == [
        ("Atomicity", 0), ("all or nothing", 1), ("Isolation", 0),
    ]  # fmt: skip


def test_two_picture_placeholders_side_by_side_hold_no_text(made: Path, tmp_path: Path):
    """A layout of two pictures has no box for the text beside a picture."""
    prs = Presentation(str(made / "default.pptx"))
    two = ct.by_name(prs, "Two Content")
    ct.rename(two, "Two Pictures")
    for idx in (1, 2):
        ct.set_type(ct.placeholder(two, "obj", idx), "pic")
    path = tmp_path / "t.pptx"
    prs.save(path)
    theme = load_theme(path)
    assert theme.prototypes["text_picture"].layout_name == "Comparison"
    assert items_shape(theme, "text_picture") is not None
