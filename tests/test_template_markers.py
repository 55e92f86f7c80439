"""deckgen's private-use markers (deckgen.markers) in a template's own text: removed when the
template is read, with a warning, from the text that goes through Jinja and the writer
(tagged shapes, the notes template) and from app.xml and core.xml, so that nothing a
designer typed is taken for a slide number, a formatted span or a slot (issue 13, item 12);
text without tags is copied as it is. And the slide number and total are put in place of
their markers by one function (item 14)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

import deckgen
from deckgen import markers, outline, themes
from deckgen.render import writer

from .render.make_templates import prototype_template, set_runs

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.md"
# what a designer might have typed: the slide-number and slide-total markers, a span start,
# an app.xml slot, and an icon font's glyph that is no marker (it stays)
TYPED = f"Page{markers.SLIDE_NUMBER} of{markers.SLIDE_TOTAL} {markers.SPAN}x \uf0a7"
KEPT = "Page of x \uf0a7"
TAG = "{{ slide.kind }} "


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECKGEN_NO_CACHE", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    themes._cache.clear()
    writer._cache.clear()


def _rezip(path: Path, changes: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, changes.get(info.filename, data))


@pytest.fixture
def marked_theme(tmp_path: Path) -> Path:
    """A theme folder whose template and notes hold markers where a designer types."""
    folder = tmp_path / "marked"
    folder.mkdir()
    path = prototype_template(folder / "template.pptx")
    prs = Presentation(str(path))
    insight = prs.slides[2]  # the insight prototype
    box = insight.shapes.add_textbox(Emu(500000), Emu(6300000), Emu(4000000), Emu(400000))
    set_runs(box.text_frame.paragraphs[0], [TAG + TYPED])
    box.name = "Designer's note"
    box = insight.shapes.add_textbox(Emu(500000), Emu(5800000), Emu(4000000), Emu(400000))
    set_runs(box.text_frame.paragraphs[0], [TYPED])
    box.name = "Static note"
    prs.save(str(path))
    with zipfile.ZipFile(path) as z:
        app = z.read("docProps/app.xml").decode("utf-8")
    app = app.replace("<Company></Company>", f"<Company>ACME{markers.APP_COUNT}</Company>")
    assert markers.APP_COUNT in app
    _rezip(path, {"docProps/app.xml": app.encode("utf-8")})
    (folder / "notes.j2").write_text(
        f"Slide{markers.SLIDE_NUMBER} {{{{ slide.kind }}}}", encoding="utf-8"
    )
    return folder


def test_markers_typed_in_a_template_are_removed_with_a_warning(marked_theme: Path) -> None:
    theme = themes.load(str(marked_theme))
    sources = [p.template for proto in theme.prototypes.values() for s in proto.shapes
               for p in s.paragraphs]  # fmt: skip
    assert TAG + KEPT in sources
    assert not any(markers.found_in(t) for t in sources if "{{" in t or "{%" in t)
    assert TYPED in sources  # no tags: copied as it is
    assert theme.notes_template == "Slide {{ slide.kind }}"
    warned = "\n".join(theme.warnings)
    assert "Designer's note" in warned and "U+E000, U+E0F1, U+E0F2" in warned
    assert "notes template" in warned and "Static note" not in warned


def test_a_deck_from_such_a_template_shows_what_was_typed(
    marked_theme: Path, tmp_path: Path
) -> None:
    out = tmp_path / "deck.pptx"
    deckgen.build(CONTENT, out, template=str(marked_theme))
    with zipfile.ZipFile(out) as z:
        texts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
    slides = [t for n, t in texts.items() if n.startswith("ppt/slides/slide")]
    # not "Page3 of9": the template's characters were not taken for the slide number
    assert any("insight " + KEPT in t for t in slides)
    assert not any("Page3" in t or "Page4" in t for t in slides)
    assert any(TYPED in t for t in slides)  # the text without tags, as it was
    assert "<Company>ACME</Company>" in texts["docProps/app.xml"]
    notes = [t for n, t in texts.items() if n.startswith("ppt/notesSlides/")]
    assert any("Slide insight" in t for t in notes)
    assert not any(markers.found_in(t) for t in notes)


def test_slide_numbers_are_put_in_one_place() -> None:
    text = f"{markers.SLIDE_NUMBER} / {markers.SLIDE_TOTAL}"
    assert markers.slide_numbers(text, 3, 12) == "3 / 12"
    assert markers.slide_numbers("no markers", 3, 12) == "no markers"
    # the writer and `deckgen outline` use it, and write no replacement of their own
    for module in (writer, outline):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        assert "slide_numbers(" in source
        assert "SLIDE_NUMBER" not in source and "SLIDE_TOTAL" not in source
