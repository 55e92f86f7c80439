"""The bundled themes' prototypes for the element kinds (issue 11): pictures, tables, code and
quotes each get a slide designed for them, whose boxes deckgen can fill, fit and clean up.

These read the committed ``templates/*/template.pptx`` (made by ``tools/make_themes.py``), so
a design change that breaks what plan, fit or the writer rely on fails here, not in a deck.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

from deckgen import themes
from deckgen.model import SLIDE_KINDS

THEMES = ("default", "dark", "bold")
ELEMENT_KINDS = ("picture", "text_picture", "table", "code", "quote")
IMAGES = "{{ slide.images }}"
TABLE = "{{ slide.table }}"
IN = 914400


def _pptx(name: str) -> Path:
    return themes.bundled_dir() / name / "template.pptx"


def _slides(name: str) -> dict:
    """KIND → the prototype slide (python-pptx), from the notes' ``deckgen: KIND``."""
    prs = Presentation(str(_pptx(name)))
    out = {}
    for slide in prs.slides:
        first = slide.notes_slide.notes_text_frame.text.split("\n")[0]
        out[first.removeprefix("deckgen:").strip()] = slide
    return out


def _render(template: str, ctx: dict) -> str:
    from deckgen.plan import environment

    return environment().from_string(template).render(ctx)


@pytest.mark.parametrize("name", THEMES)
def test_every_kind_but_closing_has_a_prototype(name):
    theme = themes.load(name)
    # ``comparison`` is optional: columns with headings use the ``columns`` prototype
    assert set(theme.prototypes) == set(SLIDE_KINDS) - {"closing", "comparison"}


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("kind", ELEMENT_KINDS)
def test_element_prototypes_have_a_title_placeholder_and_readable_sizes(name, kind):
    proto = themes.load(name).prototypes[kind]
    title = [s for s in proto.shapes if s.is_title]
    assert len(title) == 1 and "insight.title" in title[0].template
    assert all(p.size >= 24 for p in title[0].paragraphs)
    for shape in proto.shapes:
        assert all(p.size >= 14 for p in shape.paragraphs), shape.name
    names = {s.name for s in proto.shapes}
    # the number, footer and slide number as on the bullets slide
    assert {"Insight Number", "Footer", "Slide Number"} <= names


@pytest.mark.parametrize("name", THEMES)
def test_area_shapes_hold_only_their_tag_and_take_most_of_the_slide(name):
    protos = themes.load(name).prototypes
    slide_w, slide_h = 13.333 * IN, 7.5 * IN

    def areas(kind: str, tag: str):
        return [s for s in protos[kind].shapes if s.template.strip() == tag]

    (picture,) = areas("picture", IMAGES)
    x, y, w, h = picture.box
    assert w > 0.8 * slide_w and h > 0.5 * slide_h  # a full picture slide
    (table,) = areas("table", TABLE)
    assert table.box[2] > 0.8 * slide_w and table.box[3] > 0.45 * slide_h
    (side,) = areas("text_picture", IMAGES)
    body = next(s for s in protos["text_picture"].shapes if s.name == "Body")
    # text at the left, picture at the right, about half the width each
    assert body.box[0] + body.box[2] <= side.box[0]
    assert 0.35 < side.box[2] / (side.box[2] + body.box[2]) < 0.65
    for kind in ELEMENT_KINDS:
        for s in protos[kind].shapes:
            sx, sy, sw, sh = s.box
            assert sx >= 0 and sy >= 0 and sx + sw <= slide_w + 1 and sy + sh <= slide_h + 1


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("kind", ("bullets", *ELEMENT_KINDS))
def test_text_boxes_of_a_prototype_do_not_overlap(name, kind):
    """Each box keeps its own room: fit grows text into its box, never over another's."""
    shapes = [s for s in themes.load(name).prototypes[kind].shapes if s.has_tags]
    for i, a in enumerate(shapes):
        for b in shapes[i + 1 :]:
            ax, ay, aw, ah = a.box
            bx, by, bw, bh = b.box
            apart = ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
            assert apart, (a.name, b.name)


@pytest.mark.parametrize("name", THEMES)
def test_code_is_monospace_on_a_tinted_panel_without_bullets(name):
    proto = themes.load(name).prototypes["code"]
    code = next(s for s in proto.shapes if "slide.code" in s.template)
    assert code.name == "Code" and code.wrap
    assert all(p.font == "Courier New" and 14 <= p.size <= 18 for p in code.paragraphs)
    assert min(code.insets) >= Emu(int(0.2 * IN))  # generous insets inside the panel
    sp = next(s for s in _slides(name)["code"].shapes if s.name == "Code")._element
    assert sp.find(".//{*}spPr/{*}solidFill") is not None  # its own tint
    assert sp.findall(".//{*}buNone") and not sp.findall(".//{*}buChar")
    assert all(p.get("algn") == "l" for p in sp.iter("{*}pPr"))


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("kind", ("insight", "code", "quote"))
def test_decorations_belong_to_a_text_box_by_name(name, kind):
    """A panel edge or quote mark is named after its text box, so it goes when that renders
    empty (a textless shape named "Code Edge" belongs to "Code")."""
    slide = _slides(name)[kind]
    texts = {s.name for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()}
    owned = {
        "insight": {"Explanation"},
        "code": {"Code"},
        "quote": {"Quote"},
    }[kind]
    decorations = [
        s.name
        for s in slide.shapes
        if not (s.has_text_frame and s.text_frame.text.strip())
        and any(s.name.startswith(t + " ") for t in owned)
    ]
    assert owned <= texts and decorations, [s.name for s in slide.shapes]
    if kind == "quote":
        assert {"Quote Mark", "Quote Mark 2"} <= set(decorations)


@pytest.mark.parametrize("name", THEMES)
def test_quote_attribution_has_a_dash_only_when_there_is_one(name):
    proto = themes.load(name).prototypes["quote"]
    by = next(s for s in proto.shapes if s.name == "Attribution")
    quote = next(s for s in proto.shapes if s.name == "Quote")
    assert all(p.italic for p in quote.paragraphs)
    said = {"text": "Simple things should be simple.", "attribution": "Alan Kay"}
    assert _render(by.template, {"slide": {"quote": said}}).strip() == "— Alan Kay"
    anon = {**said, "attribution": ""}
    assert _render(by.template, {"slide": {"quote": anon}}).strip() == ""


@pytest.mark.parametrize("name", THEMES)
def test_notes_of_element_slides_say_the_section_once_and_describe_pictures(name):
    """A section with a picture and a table makes two slides: its text and notes are in the
    first slide's notes only, and a picture's alt text is in the notes where it is shown."""
    from deckgen.plan import SlideInfo

    theme = themes.load(name)
    insight = {
        "number": "3",
        "title": "Around town",
        "paragraphs": ["We walked every street twice."],
        "notes": ["Pause on the market photo."],
    }

    def notes(kind: str, part: int, images: list) -> str:
        slide = {"kind": kind, "part": part, "continued": False, "images": images}
        ctx = {"slide": SlideInfo(slide), "insight": insight, "deck": {}, "meta": {}}
        return _render(theme.notes_template, ctx)

    first = notes("picture", 0, [{"alt": "Morning market under a clear sky"}])
    assert "Around town" in first and "every street twice" in first
    assert "Pause on the market photo" in first
    assert "Picture: Morning market under a clear sky." in first
    second = notes("table", 1, [])
    assert "Around town" in second
    assert "every street twice" not in second and "Pause" not in second
