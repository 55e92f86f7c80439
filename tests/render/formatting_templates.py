"""Prototype templates whose designers formatted text around tags, put tags in table cells
and groups, or broke a tag: made with python-pptx at test time (see make_templates.py).

Run as a script to look at them: ``python tests/render/formatting_templates.py OUTDIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Pt

from .make_templates import WIDE, layout, mark

GREEN = RGBColor(0x00, 0x99, 0x33)
BLUE = RGBColor(0x11, 0x33, 0xCC)
RED = RGBColor(0xCC, 0x00, 0x00)
GREY = RGBColor(0x66, 0x66, 0x66)


def runs(paragraph, *pieces):
    """Replace a paragraph's runs by ``pieces``: (text, {bold, italic, color, size})."""
    for r in list(paragraph.runs):
        r._r.getparent().remove(r._r)
    for text, fmt in pieces:
        run = paragraph.add_run()
        run.text = text
        if "bold" in fmt:
            run.font.bold = fmt["bold"]
        if "italic" in fmt:
            run.font.italic = fmt["italic"]
        if "color" in fmt:
            run.font.color.rgb = fmt["color"]
        if "size" in fmt:
            run.font.size = Pt(fmt["size"])
    return paragraph


def formatted_template(path: Path, *, notes: str | None = None) -> Path:
    """Title, insight and conclusion prototypes. The insight's body box:

    - paragraph 1: "Point: " bold green, then ``{{ insight.key_point }}`` split over two
      runs by PowerPoint, its first run italic blue (its second plain);
    - paragraph 2: no tag, "Remember: " plain, "this" bold red, " matters." plain;
    - paragraph 3: ``{{ insight.insight }}`` then " (more in the notes)" grey;

    a 2×2 table whose cells hold ``{{ insight.number }}``, ``{{ insight.title }}``, a plain
    "Label" and ``{{ slide.number }}``; a group of a shape and a text box
    "Group: {{ insight.title }}".
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE

    s = prs.slides.add_slide(layout(prs, "Title Slide"))
    s.shapes.title.text_frame.text = "{{ deck.title }}"
    s.placeholders[1].text_frame.text = "{{ deck.subtitle }}"
    mark(s, "title")

    s = prs.slides.add_slide(layout(prs, "Title and Content"))
    s.shapes.title.text_frame.text = "{{ insight.title }}"
    body = s.placeholders[1]
    body.left, body.top, body.width, body.height = (
        Emu(600000),
        Emu(1500000),
        Emu(6400000),
        Emu(4600000),
    )
    tf = body.text_frame
    runs(
        tf.paragraphs[0],
        ("Point: ", {"bold": True, "color": GREEN, "size": 20}),
        ("{{ insight.", {"italic": True, "color": BLUE, "size": 20}),
        ("key_point }}", {"size": 20}),
    )
    runs(
        tf.add_paragraph(),
        ("Remember: ", {"size": 18}),
        ("this", {"bold": True, "color": RED, "size": 18}),
        (" matters.", {"size": 18}),
    )
    runs(
        tf.add_paragraph(),
        ("{{ insight.insight }}", {"size": 18}),
        (" (more in the notes)", {"color": GREY, "size": 14}),
    )
    table = s.shapes.add_table(2, 2, Emu(7400000), Emu(1500000), Emu(4200000), Emu(1600000))
    table.name = "Facts"
    cells = table.table
    cells.cell(0, 0).text = "{{ insight.number }}"
    cells.cell(0, 1).text = "{{ insight.title }}"
    cells.cell(1, 0).text = "Label"
    cells.cell(1, 1).text = "{{ slide.number }}"
    group = s.shapes.add_group_shape()
    group.name = "Badge group"
    group.shapes.add_shape(1, Emu(7400000), Emu(3600000), Emu(4200000), Emu(900000))
    box = group.shapes.add_textbox(Emu(7500000), Emu(3700000), Emu(4000000), Emu(700000))
    box.name = "Group text"
    box.text_frame.word_wrap = True
    box.text_frame.text = "Group: {{ insight.title }}"
    mark(s, "insight")

    s = prs.slides.add_slide(layout(prs, "Title and Content"))
    s.shapes.title.text_frame.text = "{{ conclusion.heading }}"
    s.placeholders[1].text_frame.text = "{% for t in conclusion.body %}{{ t }}\n{% endfor %}"
    mark(s, "conclusion")

    out = path if path.suffix else path / "template.pptx"
    out.parent.mkdir(parents=True, exist_ok=True)
    prs.save(out)
    if notes is not None:
        (out.parent / "notes.j2").write_text(notes, encoding="utf-8")
    return out


def broken_template(path: Path, text: str, *, name: str = "Broken box", lines: int = 1) -> Path:
    """Title and insight prototypes; the insight has a text box ``name`` whose paragraph
    ``lines`` (1-based) is ``text`` (earlier paragraphs say "fine")."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE
    s = prs.slides.add_slide(layout(prs, "Title Slide"))
    s.shapes.title.text_frame.text = "{{ deck.title }}"
    mark(s, "title")
    s = prs.slides.add_slide(layout(prs, "Title and Content"))
    s.shapes.title.text_frame.text = "{{ insight.title }}"
    s.placeholders[1].text_frame.text = "{{ insight.key_point }}"
    box = s.shapes.add_textbox(Emu(600000), Emu(6000000), Emu(8000000), Emu(600000))
    box.name = name
    tf = box.text_frame
    tf.text = "fine" if lines > 1 else text
    for i in range(2, lines + 1):
        tf.add_paragraph().text = text if i == lines else "fine"
    mark(s, "insight")
    out = path if path.suffix else path / "template.pptx"
    out.parent.mkdir(parents=True, exist_ok=True)
    prs.save(out)
    return out


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    formatted_template(folder / "formatted" / "template.pptx")
    print(f"written to {folder}")
