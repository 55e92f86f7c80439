"""write: decks written from synthetic templates, read back with python-pptx and zipfile."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from deckgen.model import SLIDE_NUMBER, SLIDE_TOTAL, Deck, Frame, Para, SlideSpec, Span, Theme
from deckgen.render import load_theme, write

from .conftest import (
    FIXED,
    assert_valid,
    conclusion_slide,
    insight_slide,
    make_deck,
    shape,
    title_slide,
)
from .make_templates import WIDE, corporate_wide, layout, mark, set_runs, tiny_png


@pytest.fixture(scope="module")
def written(proto_theme: Theme, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("out") / "deck.pptx"
    deck = make_deck(proto_theme, 3, language="de-DE")
    write(deck, out)
    return deck, out, Presentation(out)


def test_one_slide_per_spec_and_prototypes_gone(written):
    deck, out, prs = written
    assert len(prs.slides) == len(deck.slides) == 5
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles == [
        "My Talk",
        "1. Insight number 1",
        "2. Insight number 2",
        "3. Insight number 3",
        "Conclusion",
    ]
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        xml = b"".join(z.read(n) for n in names if n.endswith(".xml"))
    assert b"{{" not in xml and b"deckgen:" not in xml and b"How to use" not in xml
    assert sorted(n for n in names if n.startswith("ppt/slides/slide")) == sorted(
        f"ppt/slides/slide{i}.xml" for i in range(1, 6)
    )
    notes = [n for n in names if re.fullmatch(r"ppt/notesSlides/notesSlide\d+\.xml", n)]
    assert len(notes) == 4  # title and insights; the conclusion has none, prototypes gone
    assert "docProps/thumbnail.jpeg" not in names


def test_schema_valid(written):
    assert_valid(written[1])


def test_picture_on_every_clone(written, logo: Path):
    _, out, prs = written
    for slide in prs.slides:
        pics = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pics) == 1
        assert pics[0].image.blob == logo.read_bytes()
        rid = pics[0]._element.blipFill.blip.rEmbed
        assert slide.part.rels[rid].target_part.partname == "/ppt/media/image1.png"
    with zipfile.ZipFile(out) as z:
        assert [n for n in z.namelist() if n.startswith("ppt/media/")] == ["ppt/media/image1.png"]


def test_tag_run_formatting_kept(written):
    _, _, prs = written
    title = prs.slides[1].shapes.title.text_frame.paragraphs[0]
    for run in title.runs:
        assert run.font.name == "Georgia"
        assert run.font.size.pt == 32
        assert run.font.bold is True
    body = prs.slides[1].placeholders[1].text_frame.paragraphs
    assert body[0].runs[0].font.italic is True and body[0].runs[0].font.size.pt == 24
    assert body[1].runs[0].font.size.pt == 20  # proto paragraph 2 ("{{ t }}")


def test_spans_become_run_formatting_and_links(written):
    _, out, prs = written
    paras = prs.slides[2].placeholders[1].text_frame.paragraphs
    assert [r.text for r in paras[0].runs] == ["Key: ", "point 2"]
    assert paras[0].runs[1].font.bold is True
    code = paras[1].runs[1]
    assert code.text == "code()" and code.font.name == "Courier New"
    link = paras[2].runs[1]
    assert link.text == "docs"
    assert link.hyperlink.address == "https://example.com/docs"
    rid = link._r.rPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}hlinkClick").get(
        "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    )
    rel = prs.slides[2].part.rels[rid]
    assert rel.is_external
    for para in paras:
        for run in para.runs:
            assert run._r.rPr.get("lang") == "de-DE"


def test_slide_numbers_and_notes(written):
    _, _, prs = written
    boxes = [s for s in prs.slides[3].shapes if s.name == "Slide number"]
    assert boxes[0].text_frame.text == "4 / 5"
    assert prs.slides[3].notes_slide.notes_text_frame.text == "Say 3."
    assert prs.slides[0].notes_slide.notes_text_frame.text == "Welcome."


def test_properties(written):
    _, _, prs = written
    cp = prs.core_properties
    assert cp.title == "My Talk"
    assert cp.author == "Ada"
    assert cp.keywords == "a, b"
    assert cp.language == "de-DE"
    assert cp.created.isoformat() == "2024-05-01T12:00:00"
    assert cp.modified == cp.created


def test_long_property_truncated_and_cleaned(proto_theme: Theme, tmp_path: Path):
    deck = make_deck(proto_theme, 1, properties={**FIXED, "title": "T\x00" + "x" * 10_000})
    write(deck, tmp_path / "d.pptx")
    title = Presentation(tmp_path / "d.pptx").core_properties.title
    assert len(title) == 255 and title.startswith("Tx")


def test_byte_identical_output(proto_theme: Theme, tmp_path: Path):
    deck = make_deck(proto_theme, 4)
    write(deck, tmp_path / "a.pptx")
    write(deck, tmp_path / "b.pptx")
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.pptx") as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_empty_frame_removes_shape_but_keeps_title(proto_theme: Theme, tmp_path: Path):
    ins = insight_slide(proto_theme, 1)
    body_id = shape(proto_theme, "insight", role="content").shape_id
    title_id = shape(proto_theme, "insight", title=True).shape_id
    frames = tuple(
        Frame(f.shape_id, (Para((Span("  "),)),)) if f.shape_id in (body_id, title_id) else f
        for f in ins.frames
    )
    deck = Deck((dataclasses.replace(ins, frames=frames),), proto_theme, "t", properties=FIXED)
    write(deck, tmp_path / "d.pptx")
    slide = Presentation(tmp_path / "d.pptx").slides[0]
    ids = {s.shape_id for s in slide.shapes}
    assert body_id not in ids
    assert title_id in ids and slide.shapes.title.text.strip() == ""


def test_shapes_without_frame_left_alone(proto_theme: Theme, tmp_path: Path):
    ins = insight_slide(proto_theme, 1)
    title_id = shape(proto_theme, "insight", title=True).shape_id
    ins = dataclasses.replace(ins, frames=tuple(f for f in ins.frames if f.shape_id == title_id))
    write(Deck((ins,), proto_theme, "t", properties=FIXED), tmp_path / "d.pptx")
    slide = Presentation(tmp_path / "d.pptx").slides[0]
    assert "{{ insight.key_point }}" in slide.placeholders[1].text_frame.text


def test_illegal_characters_and_line_breaks(proto_theme: Theme, tmp_path: Path):
    title_id = shape(proto_theme, "insight", title=True).shape_id
    nasty = "a\x00b\x01c\x0bd\ufffee\ud800f\x1fg"
    spec = SlideSpec(
        "insight", "x", (Frame(title_id, (Para((Span(nasty),)),)),), notes="n\x00o\nte"
    )
    write(Deck((spec,), proto_theme, "t", properties=FIXED), tmp_path / "d.pptx")
    with zipfile.ZipFile(tmp_path / "d.pptx") as z:
        xml = z.read("ppt/slides/slide1.xml")
    assert b"_x00" not in xml
    prs = Presentation(tmp_path / "d.pptx")
    assert prs.slides[0].shapes.title.text == "abc\vdefg"  # \v is python-pptx's a:br
    assert prs.slides[0].notes_slide.notes_text_frame.text == "no\nte"


def test_sizes_and_levels(proto_theme: Theme, tmp_path: Path):
    body_id = shape(proto_theme, "insight", role="content").shape_id
    spec = SlideSpec(
        "insight",
        "x",
        (Frame(body_id, (Para((Span("a"),), proto=0, size=17.5), Para((Span("b"),), 2, level=1))),),
    )
    write(Deck((spec,), proto_theme, "t", properties=FIXED), tmp_path / "d.pptx")
    paras = Presentation(tmp_path / "d.pptx").slides[0].placeholders[1].text_frame.paragraphs
    assert paras[0].runs[0].font.size.pt == 17.5
    assert paras[1].level == 1


def test_unsafe_link_schemes_are_plain_text(proto_theme: Theme, tmp_path: Path):
    title_id = shape(proto_theme, "insight", title=True).shape_id
    spans = (Span("x", link="javascript:alert(1)"), Span("y", link="file:///etc/passwd"))
    spec = SlideSpec("insight", "x", (Frame(title_id, (Para(spans),)),))
    write(Deck((spec,), proto_theme, "t", properties=FIXED), tmp_path / "d.pptx")
    title = Presentation(tmp_path / "d.pptx").slides[0].shapes.title
    assert title.text == "xy"
    assert all(r.hyperlink.address is None for r in title.text_frame.paragraphs[0].runs)


def test_stale_autofit_scale_removed(tmp_path: Path):
    prs = Presentation()
    s = prs.slides.add_slide(layout(prs, "Title and Content"))
    s.shapes.title.text = "{{ insight.title }}"
    body = s.placeholders[1]
    body.text_frame.text = "{{ insight.key_point }}"
    body_pr = body.text_frame._txBody.bodyPr
    body_pr.append(
        body_pr.makeelement(
            "{http://schemas.openxmlformats.org/drawingml/2006/main}normAutofit",
            {"fontScale": "50000", "lnSpcReduction": "20000"},
        )
    )
    mark(s, "insight")
    prs.save(tmp_path / "t.pptx")
    theme = load_theme(tmp_path / "t.pptx")
    body_id = shape(theme, "insight").shape_id
    spec = SlideSpec("insight", "x", (Frame(body_id, (Para((Span("hello"),)),)),))
    write(Deck((spec,), theme, "t", properties=FIXED), tmp_path / "d.pptx")
    with zipfile.ZipFile(tmp_path / "d.pptx") as z:
        xml = z.read("ppt/slides/slide1.xml")
    assert b"<a:normAutofit/>" in xml and b"fontScale" not in xml


def test_group_shape_and_chart_cloned(tmp_path: Path):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE

    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE
    s = prs.slides.add_slide(layout(prs, "Title Only"))
    s.shapes.title.text = "{{ insight.title }}"
    grp = s.shapes.add_group_shape()
    tb = grp.shapes.add_textbox(Emu(1000000), Emu(2000000), Emu(3000000), Emu(500000))
    set_runs(tb.text_frame.paragraphs[0], ["{{ insight.", "key_point }}"], size=20)
    data = CategoryChartData()
    data.categories = ["a", "b"]
    data.add_series("s", (1, 2))
    s.shapes.add_chart(
        XL_CHART_TYPE.PIE, Emu(6000000), Emu(2000000), Emu(3000000), Emu(3000000), data
    )
    mark(s, "insight")
    prs.save(tmp_path / "t.pptx")
    theme = load_theme(tmp_path / "t.pptx")
    inner = shape(theme, "insight")
    assert inner.template == "{{ insight.key_point }}"
    title_id = shape(theme, "insight", title=True).shape_id
    specs = tuple(
        SlideSpec(
            "insight",
            f"t{i}",
            (
                Frame(title_id, (Para((Span(f"Title {i}"),)),)),
                Frame(inner.shape_id, (Para((Span(f"Point {i}"),)),)),
            ),
        )
        for i in range(3)
    )
    write(Deck(specs, theme, "t", properties=FIXED), tmp_path / "d.pptx")
    out = Presentation(tmp_path / "d.pptx")
    charts = set()
    for i, slide in enumerate(out.slides):
        grp_shape = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.GROUP)
        assert grp_shape.shapes[0].text_frame.text == f"Point {i}"
        chart = next(s for s in slide.shapes if s.has_chart)
        charts.add(chart.chart.part.partname)
        assert chart.chart.plots[0].categories[0] == "a"
    assert len(charts) == 3
    with zipfile.ZipFile(tmp_path / "d.pptx") as z:
        embeds = [n for n in z.namelist() if n.startswith("ppt/embeddings/")]
    assert len(embeds) == 3
    assert_valid(tmp_path / "d.pptx")


def test_missing_shape_id_is_a_template_error(proto_theme: Theme, tmp_path: Path):
    from deckgen.errors import TemplateError

    spec = SlideSpec("insight", "x", (Frame(999, (Para((Span("a"),)),)),))
    with pytest.raises(TemplateError, match="no text shape with id 999"):
        write(Deck((spec,), proto_theme, "t"), tmp_path / "d.pptx")
    assert not (tmp_path / "d.pptx").exists()


def test_missing_kind_is_a_template_error(proto_theme: Theme, tmp_path: Path):
    from deckgen.errors import TemplateError

    spec = SlideSpec("agenda", "x", ())
    with pytest.raises(TemplateError, match="no prototype for 'agenda'"):
        write(Deck((spec,), proto_theme, "t"), tmp_path / "d.pptx")


# --------------------------------------------------------------------------- corporate


def _corporate_deck(theme: Theme) -> Deck:
    return make_deck(theme, 2, properties=FIXED)


@pytest.mark.parametrize("which", ["default-4x3", "wide-16x9", "pandoc"])
def test_corporate_templates(which: str, tmp_path: Path):
    path = tmp_path / f"{which}.pptx"
    if which == "default-4x3":
        Presentation().save(path)
        size = (9144000, 6858000)
    elif which == "wide-16x9":
        corporate_wide(path)
        size = (12192000, 6858000)
    else:
        if shutil.which("pandoc") is None:
            pytest.skip("pandoc not installed")
        path.write_bytes(
            subprocess.run(
                ["pandoc", "--print-default-data-file", "reference.pptx"],
                capture_output=True,
                check=True,
                timeout=60,
            ).stdout
        )
        size = (9144000, 5143500)
    theme = load_theme(path)
    deck = _corporate_deck(theme)
    write(deck, tmp_path / "out.pptx")
    prs = Presentation(tmp_path / "out.pptx")
    assert (prs.slide_width, prs.slide_height) == size
    assert len(prs.slides) == len(deck.slides)
    for spec, slide in zip(deck.slides, prs.slides, strict=True):
        assert slide.shapes.title is not None
        assert slide.shapes.title.text == spec.frames[0].text
        layout_name = theme.prototypes[spec.kind].layout_name
        assert slide.slide_layout.name == layout_name
    body = prs.slides[1].placeholders[1].text_frame
    assert body.paragraphs[0].runs[1].font.bold is True
    assert prs.slides[1].notes_slide.notes_text_frame.text == "Say 1."
    assert_valid(tmp_path / "out.pptx")


def test_template_changed_after_load(proto_path: Path, tmp_path: Path):
    from deckgen.errors import TemplateError

    theme = load_theme(proto_path)
    other = tmp_path / "other.pptx"
    prs = Presentation()
    prs.slides.add_slide(layout(prs, "Title Only"))
    prs.save(other)
    deck = make_deck(dataclasses.replace(theme, path=str(other)), 1)
    with pytest.raises(TemplateError, match="changed since it was loaded"):
        write(deck, tmp_path / "d.pptx")


def test_tiny_png_is_valid():
    assert tiny_png().startswith(b"\x89PNG")


def test_slide_total_placeholder_in_notes(proto_theme: Theme, tmp_path: Path):
    spec = title_slide(proto_theme)
    spec = dataclasses.replace(spec, notes=f"slide {SLIDE_NUMBER} of {SLIDE_TOTAL}")
    deck = Deck((spec, conclusion_slide(proto_theme)), proto_theme, "t", properties=FIXED)
    write(deck, tmp_path / "d.pptx")
    prs = Presentation(tmp_path / "d.pptx")
    assert prs.slides[0].notes_slide.notes_text_frame.text == "slide 1 of 2"
    assert not prs.slides[1].has_notes_slide


def test_extended_properties_describe_the_deck(written):
    deck, out, _ = written
    with zipfile.ZipFile(out) as z:
        app = z.read("docProps/app.xml").decode()
    assert "<Slides>5</Slides>" in app and "<Notes>4</Notes>" in app
    assert "<PresentationFormat>On-screen Show (16:9)</PresentationFormat>" in app
    assert "{{" not in app
    for spec in deck.slides:
        assert f"<vt:lpstr>{spec.title}</vt:lpstr>" in app


def test_missing_view_and_presentation_properties_are_added(proto_path: Path, tmp_path: Path):
    """LibreOffice saves no viewProps; PowerPoint wants it (and presProps)."""
    src = tmp_path / "t.pptx"
    with zipfile.ZipFile(proto_path) as zin, zipfile.ZipFile(src, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info)
            if info.filename in ("ppt/viewProps.xml", "ppt/presProps.xml"):
                continue
            if info.filename == "ppt/_rels/presentation.xml.rels":
                blob = re.sub(rb'<Relationship [^>]*/(viewProps|presProps)"[^>]*/>', b"", blob)
            zout.writestr(info, blob)
    theme = load_theme(src)
    write(make_deck(theme, 1), tmp_path / "d.pptx")
    with zipfile.ZipFile(tmp_path / "d.pptx") as z:
        assert {"ppt/viewProps.xml", "ppt/presProps.xml"} <= set(z.namelist())
    assert_valid(tmp_path / "d.pptx")


def test_corporate_unassigned_placeholders_are_not_left_behind(tmp_path: Path):
    Presentation().save(tmp_path / "t.pptx")
    theme = load_theme(tmp_path / "t.pptx", layouts={"insight": "Two Content"})
    ids = [s.shape_id for s in theme.prototypes["insight"].shapes]
    # title, one content box (the second is not filled), date, footer and slide number
    assert (
        len(ids) == 5
        and len([s for s in theme.prototypes["insight"].shapes if s.role == "chrome"]) == 3
    )
    write(make_deck(theme, 1), tmp_path / "d.pptx")
    slide = Presentation(tmp_path / "d.pptx").slides[1]
    assert slide.slide_layout.name == "Two Content"
    assert sorted(s.shape_id for s in slide.shapes) == sorted(ids)
