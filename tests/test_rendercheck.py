"""The render checker itself: it must catch overflow and pass text that fits."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu, Pt

from . import rendercheck as rc

needs_soffice = pytest.mark.skipif(rc.soffice() is None, reason="LibreOffice is not installed")

LONG = (
    "Open-source AI models like Llama 3.1 are changing who can build with artificial "
    "intelligence, because anyone can download, inspect, fine-tune and deploy them. "
) * 4


def _deck(
    path: Path,
    boxes: list[tuple[float, float, float, float, str, float]],
    autofit: MSO_AUTO_SIZE = MSO_AUTO_SIZE.NONE,
) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    for x, y, w, h, text, size in boxes:
        tb = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
        tf = tb.text_frame
        tf.word_wrap = True
        tf.auto_size = autofit
        r = tf.paragraphs[0].add_run()
        r.text = text
        r.font.size = Pt(size)
        r.font.name = "Calibri"
    prs.save(str(path))
    return path


def test_autofit_is_switched_off_in_the_copy(tmp_path: Path) -> None:
    src = _deck(tmp_path / "a.pptx", [(20, 20, 200, 50, LONG, 18)], MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE)
    with zipfile.ZipFile(src) as z:
        assert b"normAutofit" in z.read("ppt/slides/slide1.xml")
    dst = tmp_path / "b.pptx"
    assert rc.autofit_off(src, dst) >= 1
    with zipfile.ZipFile(dst) as z:
        xml = z.read("ppt/slides/slide1.xml")
    assert b"normAutofit" not in xml and b"noAutofit" in xml
    Presentation(str(dst))  # still a valid package


def test_a_missing_font_skips_with_the_package_to_install(tmp_path: Path, monkeypatch) -> None:
    """Without the emoji font, LibreOffice draws '🚀' as nothing the check can place (the
    "'🚀.' … belongs to no text shape" failures): such a deck's render test skips, naming
    the Debian package, as render tests do without soffice."""
    emoji = _deck(tmp_path / "emoji.pptx", [(40, 40, 600, 100, "Launch 🚀.", 20)])
    plain = _deck(tmp_path / "plain.pptx", [(40, 40, 600, 100, "Launch.", 20)])
    assert rc.fonts_needed(emoji) == {"Carlito", "DejaVu Sans", "Noto Color Emoji"}
    everything = frozenset(rc.FONT_PACKAGES)
    monkeypatch.setattr(rc, "_installed", everything - {"Noto Color Emoji"})
    with pytest.raises(pytest.skip.Exception, match="apt-get install fonts-noto-color-emoji"):
        rc.check_deck(emoji, tmp_path / "work")
    rc.require_fonts(plain)  # needs no emoji font: runs
    monkeypatch.setattr(rc, "_installed", everything - {"Carlito", "Noto Sans CJK SC"})
    with pytest.raises(pytest.skip.Exception, match="Carlito.*fonts-crosextra-carlito"):
        rc.require_fonts(plain)


def test_every_font_package_is_in_the_readme_and_ci() -> None:
    """One command in README installs what the render tests use, the same list as CI's."""
    root = Path(__file__).resolve().parent.parent
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    packages = set(rc.FONT_PACKAGES.values()) | {"libreoffice-impress", "poppler-utils", "pandoc"}
    for package in sorted(packages):
        assert package in ci, package
    command = re.search(r"apt-get install ([a-z0-9 .+-]+)", readme)
    assert command is not None
    assert packages <= set(command.group(1).split())


def test_text_shapes_include_group_children(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    group = slide.shapes.add_group_shape()
    tb = group.shapes.add_textbox(Pt(100), Pt(100), Pt(200), Pt(50))
    tb.text_frame.text = "inside a group"
    path = tmp_path / "g.pptx"
    prs.save(str(path))
    (shapes,) = rc.slide_text_shapes(path)
    (s,) = shapes
    assert s.text == "inside a group"
    assert s.box == pytest.approx((100, 100, 300, 150), abs=0.1)


def test_min_font_sizes_resolve_inheritance(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])  # title and content
    slide.shapes.title.text = "A title"
    slide.placeholders[1].text = "Body text"
    tb = slide.shapes.add_textbox(Pt(10), Pt(10), Pt(100), Pt(40))
    tb.text_frame.text = "default size"
    small = slide.shapes.add_textbox(Pt(10), Pt(60), Pt(100), Pt(40))
    r = small.text_frame.paragraphs[0].add_run()
    r.text = "small"
    r.font.size = Pt(10)
    path = tmp_path / "s.pptx"
    prs.save(str(path))
    rows = {name: (is_title, size) for name, is_title, size in rc.min_font_sizes(path)[1]}
    assert rows[slide.shapes.title.name] == (True, 44.0)
    assert rows[slide.placeholders[1].name] == (False, 32.0)
    assert rows[tb.name] == (False, 18.0)
    assert rows[small.name] == (False, 10.0)
    problems = rc.small_text(path)
    assert len(problems) == 1 and "10 pt" in problems[0]


def test_check_pages_logic_without_rendering() -> None:
    shape = rc.TextShape(1, "Box", (10, 10, 110, 40), "hello world")
    field = rc.TextShape(1, "Number", (200, 300, 240, 320), "‹#›", has_field=True)
    words = [
        rc.Word(1, "hello", (12, 12, 40, 30), 18),  # inside
        rc.Word(1, "world", (100, 12, 140, 30), 18),  # sticks out on the right
        rc.Word(1, "stray", (300, 100, 330, 118), 18),  # in no shape
        rc.Word(1, "12", (205, 302, 220, 318), 12),  # a rendered slide number
        rc.Word(1, "hello", (700, 100, 740, 118), 18),  # off the slide
        rc.Word(1, "•", (11, 12, 14, 30), 18),  # a bullet
    ]
    problems = rc.check_pages([[shape, field]], [words], [(640, 360)])
    assert len(problems) == 3, problems
    assert "'world'" in problems[0] and "outside its shape" in problems[0]
    assert "'stray'" in problems[1] and "no text shape" in problems[1]
    assert "outside the slide" in problems[2]
    assert rc.missing_text([[shape]], [[words[0]]]) == [
        "slide 1: 'world' of 'Box' is not in the PDF"
    ]


@pytest.mark.render
@needs_soffice
def test_overflowing_text_is_reported(tmp_path: Path) -> None:
    path = _deck(tmp_path / "over.pptx", [(40, 40, 200, 60, LONG, 20)])
    problems = rc.check_deck(path, tmp_path / "work")
    assert problems
    assert any("outside its shape 'TextBox 1'" in p for p in problems)
    assert all(" is outside " in p for p in problems)  # its shape, then the slide


@pytest.mark.render
@needs_soffice
def test_text_off_the_slide_is_reported(tmp_path: Path) -> None:
    path = _deck(tmp_path / "off.pptx", [(900, 100, 300, 60, "Beyond the right edge", 24)])
    problems = rc.check_deck(path, tmp_path / "work")
    assert any("outside the slide" in p for p in problems) or any(
        "not in the PDF" in p for p in problems
    )


@pytest.mark.render
@needs_soffice
def test_fitting_text_passes(tmp_path: Path) -> None:
    path = _deck(
        tmp_path / "ok.pptx",
        [
            (40, 40, 600, 300, LONG, 20),
            (40, 400, 300, 60, "Short and sweet", 24),
            (700, 40, 200, 100, "数据质量 🚀 שלום עולם", 18),
        ],
    )
    problems = rc.check_deck(path, tmp_path / "work")
    assert problems == []
    pages, _ = rc.pdf_words(next((tmp_path / "work" / "pdf").glob("*.pdf")))
    assert len(pages[0]) > 40  # the check looked at real words
