"""The template reader: what a template tells plan and fit, read from synthetic templates."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu, Pt

from deckgen.jinjanames import names_in
from deckgen.model import Theme
from deckgen.render import load_theme, template_names

from .make_templates import WIDE, layout, mark, set_runs


def test_prototypes_found_by_notes_marker(proto_theme: Theme, proto_path: Path):
    assert set(proto_theme.prototypes) == {"title", "insight", "conclusion"}
    assert not proto_theme.from_layouts
    assert proto_theme.warnings == ()
    # slide 0 is a non-prototype "how to" slide
    assert [proto_theme.prototypes[k].slide_index for k in ("title", "insight", "conclusion")] == [
        1,
        2,
        3,
    ]
    assert (proto_theme.slide_width, proto_theme.slide_height) == (12192000, 6858000)
    assert proto_theme.path == str(proto_path)
    assert proto_theme.name == proto_path.parent.name  # folder name for template.pptx


def test_tag_split_over_runs_is_joined(proto_theme: Theme):
    title = next(s for s in proto_theme.prototypes["insight"].shapes if s.is_title)
    assert title.paragraphs[0].template == "{{ insight.number }}. {{ insight.title }}"
    assert title.role == "title"
    assert title.placeholder_idx == 0


def test_formatting_resolved(proto_theme: Theme):
    shapes = proto_theme.prototypes["insight"].shapes
    title = next(s for s in shapes if s.is_title)
    p = title.paragraphs[0]
    assert (p.font, p.size, p.bold, p.italic) == ("Georgia", 32.0, True, False)
    body = next(s for s in shapes if s.role == "content")
    assert [q.template for q in body.paragraphs] == [
        "Key: {{ insight.key_point }}",
        "{% for t in insight.body %}",
        "{{ t }}",
        "{% endfor %}",
    ]
    assert body.paragraphs[0].italic and body.paragraphs[0].size == 24
    # font from the theme's minor font (+mn-lt) through the master's body style
    assert body.paragraphs[0].font == "Calibri"
    # master bodyStyle: spcBef 20 % of a line
    assert body.paragraphs[0].space_before == pytest.approx(0.2 * 24 * 1.2, abs=0.01)
    # conclusion title has no run size: inherited from the master title style (44 pt)
    ctitle = next(s for s in proto_theme.prototypes["conclusion"].shapes if s.is_title)
    assert ctitle.paragraphs[0].size == 44.0


def test_placeholder_box_inherited_from_layout(proto_theme: Theme):
    body = next(s for s in proto_theme.prototypes["insight"].shapes if s.role == "content")
    # the slide placeholder has no xfrm; python-pptx's layout puts it here
    assert body.box == (457200, 1600200, 8229600, 4525963)
    assert body.insets == (91440, 45720, 91440, 45720)


def test_chrome_role_and_wrap(proto_theme: Theme):
    chrome = [s for s in proto_theme.prototypes["insight"].shapes if s.role == "chrome"]
    assert [s.name for s in chrome] == ["Slide number"]
    assert chrome[0].wrap is False  # python-pptx text boxes are wrap="none"
    assert chrome[0].box == (9000000, 6300000, 2000000, 400000)


def _theme_with(tmp_path: Path, build) -> Theme:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE
    build(prs)
    path = tmp_path / "t.pptx"
    prs.save(path)
    return load_theme(path)


def test_group_shapes_and_theme_fonts_and_spacing(tmp_path: Path):
    def build(prs):
        s = prs.slides.add_slide(layout(prs, "Title Only"))
        s.shapes.title.text = "{{ insight.title }}"
        grp = s.shapes.add_group_shape()
        box = grp.shapes.add_textbox(Emu(1000000), Emu(2000000), Emu(3000000), Emu(500000))
        p = box.text_frame.paragraphs[0]
        set_runs(p, ["{{ insight.key_point }}"], size=20, font="+mj-lt")
        p.line_spacing = 1.5
        p.space_after = Pt(6)
        p2 = box.text_frame.add_paragraph()
        set_runs(p2, ["{{ insight.insight }}"], size=20)
        p2.line_spacing = Pt(30)
        mark(s, "insight")

    theme = _theme_with(tmp_path, build)
    shapes = theme.prototypes["insight"].shapes
    inner = next(s for s in shapes if not s.is_title)
    assert inner.paragraphs[0].font == "Calibri"  # default theme major font
    assert inner.paragraphs[0].line_spacing == 1.5
    assert inner.paragraphs[0].space_after == 6
    assert inner.paragraphs[1].line_spacing == pytest.approx(30 / (1.2 * 20), abs=1e-3)
    assert inner.box[2:] == (3000000, 500000)
    assert inner.role == "content"


def test_prototype_without_title_placeholder_warns(tmp_path: Path):
    def build(prs):
        s = prs.slides.add_slide(layout(prs, "Blank"))
        tb = s.shapes.add_textbox(Emu(0), Emu(0), Emu(3000000), Emu(500000))
        tb.text_frame.text = "{{ insight.title }}"
        mark(s, "insight")

    theme = _theme_with(tmp_path, build)
    assert "insight" in theme.prototypes
    assert any("no title placeholder" in w for w in theme.warnings)


def test_unknown_and_duplicate_kinds_warn(tmp_path: Path):
    def build(prs):
        for kind in ("insight", "insight", "bogus"):
            s = prs.slides.add_slide(layout(prs, "Title Only"))
            s.shapes.title.text = "{{ insight.title }}"
            mark(s, kind)

    theme = _theme_with(tmp_path, build)
    assert list(theme.prototypes) == ["insight"]
    assert theme.prototypes["insight"].slide_index == 0
    assert any("second prototype" in w for w in theme.warnings)
    assert any("unknown prototype kind 'bogus'" in w for w in theme.warnings)


# --------------------------------------------------------------------------- layouts


def test_python_pptx_default_is_a_4_3_corporate_template(tmp_path: Path):
    path = tmp_path / "default.pptx"
    Presentation().save(path)
    theme = load_theme(path)
    assert theme.from_layouts
    assert (theme.slide_width, theme.slide_height) == (9144000, 6858000)
    assert theme.prototypes["title"].layout_name == "Title Slide"
    assert theme.prototypes["insight"].layout_name == "Title and Content"
    assert theme.prototypes["section"].layout_name == "Section Header"
    assert theme.prototypes["bullets"].layout_name == "Title and Content"
    ins = theme.prototypes["insight"]
    title = next(s for s in ins.shapes if s.is_title)
    assert "{{ insight.number }}" in title.template and "{{ insight.title.text }}" in title.template
    body = next(s for s in ins.shapes if not s.is_title)
    assert body.paragraphs[0].template == "{{ insight.key_point }}"
    assert "{{ f.label }}: {{ f.text }}" in body.template  # labels are not dropped
    sub = next(s for s in theme.prototypes["title"].shapes if not s.is_title)
    assert "{{ deck.subtitle }}" in sub.template and "deck.author" in sub.template
    assert "conclusion.closing" in theme.prototypes["conclusion"].shapes[1].template
    section = "\n".join(s.template for s in theme.prototypes["section"].shapes)
    assert {"section.paragraphs", "section.subsections", "section.number"} <= names_in(section)
    bullets = next(s for s in theme.prototypes["bullets"].shapes if not s.is_title)
    assert "{% for t in slide.items %}" in bullets.template  # levels of nested lists kept
    assert theme.warnings == ()


@pytest.mark.parametrize(
    ("number", "shown"),
    [(3, "3. Intro"), ("3", "3. Intro"), ("II", "II Intro"), ("1.2", "1.2 Intro"), ("", "Intro")],
)
def test_layout_title_joins_number_and_title_as_plain_text(tmp_path: Path, number, shown):
    from deckgen.model import RichText, Span
    from deckgen.plan import Rich, environment

    path = tmp_path / "default.pptx"
    Presentation().save(path)
    title = next(s for s in load_theme(path).prototypes["bullets"].shapes if s.is_title)
    bold = Rich(RichText((Span("Intro", bold=True),)))
    context = {"insight": {"number": number, "title": bold}}
    out = environment().from_string(title.template).render(context)
    assert out == shown  # one weight: the title's Markdown bold is not carried into it


def test_section_without_section_header_uses_the_content_layout(tmp_path: Path):
    """Issue 14: no section-header layout: the content layout, whose body keeps the text
    under the divider (a title-only layout would drop it)."""
    prs = Presentation()
    for lay in list(prs.slide_layouts):
        if lay.name == "Section Header":
            prs.slide_layouts.remove(lay)
    path = tmp_path / "nosection.pptx"
    prs.save(path)
    theme = load_theme(path)
    assert theme.prototypes["section"].layout_name == "Title and Content"
    assert not theme.warnings


def test_foreign_layout_names_fall_back_by_placeholders(tmp_path: Path):
    prs = Presentation()
    german = {"Title Slide": "Titelfolie", "Title and Content": "Titel und Inhalt"}
    for lay in prs.slide_layouts:
        if lay.name in german:
            lay._element.cSld.set("name", german[lay.name])
    path = tmp_path / "de.pptx"
    prs.save(path)
    theme = load_theme(path)
    assert theme.prototypes["title"].layout_name == "Titelfolie"
    assert theme.prototypes["insight"].layout_name == "Titel und Inhalt"
    assert not theme.warnings  # chosen by what they are: nothing to warn about


def test_layout_fallback_to_first_with_title(tmp_path: Path):
    prs = Presentation()
    keep = {"Title Only", "Blank"}
    lst = prs.slide_masters[0]._element.find(
        "{http://schemas.openxmlformats.org/presentationml/2006/main}sldLayoutIdLst"
    )
    for lay in list(prs.slide_layouts):
        if lay.name not in keep:
            prs.slide_layouts.remove(lay)
    assert lst is not None and len(lst) == 2
    path = tmp_path / "few.pptx"
    prs.save(path)
    theme = load_theme(path)
    assert theme.prototypes["insight"].layout_name == "Title Only"
    (warning,) = theme.warnings  # one warning, the path once
    assert "layout 'Title Only' has no text box" in warning and warning.count(str(path)) == 1


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_pandoc_reference_doc(tmp_path: Path):
    data = subprocess.run(
        ["pandoc", "--print-default-data-file", "reference.pptx"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    path = tmp_path / "reference.pptx"
    path.write_bytes(data)
    theme = load_theme(path)
    assert theme.from_layouts
    assert (theme.slide_width, theme.slide_height) == (9144000, 5143500)  # 16:9
    assert {"title", "insight", "conclusion"} <= set(theme.prototypes)


def test_potx_loads(tmp_path: Path, proto_path: Path):
    potx = tmp_path / "t.potx"
    main = b"presentationml.presentation.main+xml"
    with zipfile.ZipFile(proto_path) as src, zipfile.ZipFile(potx, "w") as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "[Content_Types].xml":
                assert main in blob
                blob = blob.replace(main, b"presentationml.template.main+xml")
            dst.writestr(info, blob)
    theme = load_theme(potx, name="corp")
    assert theme.name == "corp"
    assert set(theme.prototypes) == {"title", "insight", "conclusion"}
    with pytest.raises(Exception):  # noqa: B017 - python-pptx alone refuses it
        Presentation(io.BytesIO(potx.read_bytes()))


# --------------------------------------------------------------------------- names


def test_names_in():
    assert names_in("{{ insight.number }}. {{ insight.title | upper }}") == {
        "insight.number",
        "insight.title",
    }
    assert names_in("{% for t in insight.body %}{{ t.text }}{% endfor %}") == {"insight.body"}
    assert names_in("{{ deck.subtitle or deck.author or '' }}") == {"deck.subtitle", "deck.author"}
    assert names_in("{% if insight.insight is defined %}x{% endif %}") == {"insight.insight"}
    assert names_in("{{ 'a.b' }} plain {x}") == set()
    assert names_in("{% if (insight.number|string).isdigit() %}.{% endif %}") == {"insight.number"}


def test_template_names(proto_theme: Theme, proto_path: Path):
    names = template_names(proto_path)
    assert names == template_names(proto_theme)
    assert names["insight"] == {
        "insight.number",
        "insight.title",
        "insight.key_point",
        "insight.body",
        "slide.number",
        "slide.total",
    }
    assert names["title"] == {"deck.title", "deck.subtitle"}


def test_one_read_gives_the_theme_and_the_writers_recipe(proto_path: Path, tmp_path: Path):
    """Issue 13, item 11: the theme (plan, fit) and the writer's recipe come from the same
    slides of one opened template, so every shape the theme names is one the writer has."""
    from deckgen.render import read_template

    from .make_templates import corporate_wide

    for path in (proto_path, corporate_wide(tmp_path / "corporate.pptx")):
        theme, base = read_template(path)
        assert base is not None and base.where == theme.path == str(path)
        assert sorted(base.recipes) == sorted(theme.prototypes)
        for kind, proto in theme.prototypes.items():
            assert {s.shape_id for s in proto.shapes} <= set(base.recipes[kind].shapes)
        assert theme == load_theme(path)
