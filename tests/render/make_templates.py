"""Build synthetic templates with python-pptx at test time (no binaries in the repo).

Run as a script to write them into a folder for a look in PowerPoint/LibreOffice:
``python tests/render/make_templates.py OUTDIR``.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

from pptx import Presentation
from pptx.util import Emu, Pt

WIDE = (Emu(12192000), Emu(6858000))


def tiny_png(rgb: tuple[int, int, int] = (200, 30, 30), size: int = 4) -> bytes:
    """A valid solid-colour PNG (no Pillow needed)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def set_runs(paragraph, pieces, *, size=None, bold=None, italic=None, font=None):
    """Replace a paragraph's text by runs ``pieces`` (to split a tag over several runs)."""
    for r in list(paragraph.runs):
        r._r.getparent().remove(r._r)
    for piece in pieces:
        run = paragraph.add_run()
        run.text = piece
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold
        if italic is not None:
            run.font.italic = italic
        if font is not None:
            run.font.name = font
    return paragraph


def mark(slide, kind: str) -> None:
    slide.notes_slide.notes_text_frame.text = f"deckgen: {kind}\nDesigner's remarks."


def layout(prs, name):
    for lay in prs.slide_layouts:
        if lay.name == name:
            return lay
    raise KeyError(name)


def prototype_template(path: Path, *, logo: Path | None = None, wide: bool = True) -> Path:
    """A template with title, insight and conclusion prototypes plus a non-prototype slide.

    The insight title tag is split over three runs (32 pt, bold, Georgia); each prototype
    carries the logo picture; the insight has a chrome box ``{{ slide.number }} / …``.
    """
    prs = Presentation()
    if wide:
        prs.slide_width, prs.slide_height = WIDE
    if logo is None:
        logo = path.with_suffix(".logo.png")
        logo.write_bytes(tiny_png())

    # a slide that is not a prototype: must not reach the output
    other = prs.slides.add_slide(layout(prs, "Title Only"))
    other.shapes.title.text = "How to use this template"

    s = prs.slides.add_slide(layout(prs, "Title Slide"))
    set_runs(s.shapes.title.text_frame.paragraphs[0], ["{{ deck", ".title }}"], size=40)
    set_runs(s.placeholders[1].text_frame.paragraphs[0], ["{{ deck.subtitle or '' }}"])
    s.shapes.add_picture(str(logo), Emu(100000), Emu(100000), Emu(400000), Emu(400000))
    mark(s, "title")

    s = prs.slides.add_slide(layout(prs, "Title and Content"))
    set_runs(
        s.shapes.title.text_frame.paragraphs[0],
        ["{{ insight.num", "ber }}. {{ insight.", "title }}"],
        size=32,
        bold=True,
        font="Georgia",
    )
    tf = s.placeholders[1].text_frame
    set_runs(tf.paragraphs[0], ["Key: ", "{{ insight.key_point }}"], size=24, italic=True)
    for text in ("{% for t in insight.body %}", "{{ t }}", "{% endfor %}"):
        set_runs(tf.add_paragraph(), [text], size=20)
    box = s.shapes.add_textbox(Emu(9000000), Emu(6300000), Emu(2000000), Emu(400000))
    set_runs(box.text_frame.paragraphs[0], ["{{ slide.number }} / {{ slide.total }}"], size=12)
    box.name = "Slide number"
    s.shapes.add_picture(str(logo), Emu(100000), Emu(100000), Emu(400000), Emu(400000))
    mark(s, "insight")

    s = prs.slides.add_slide(layout(prs, "Title and Content"))
    set_runs(s.shapes.title.text_frame.paragraphs[0], ["{{ conclusion.heading }}"])
    tf = s.placeholders[1].text_frame
    set_runs(tf.paragraphs[0], ["{% for t in conclusion.body %}"])
    for text in ("{{ t }}", "{% endfor %}"):
        set_runs(tf.add_paragraph(), [text])
    s.shapes.add_picture(str(logo), Emu(100000), Emu(100000), Emu(400000), Emu(400000))
    mark(s, "conclusion")

    prs.save(path)
    return path


def corporate_wide(path: Path) -> Path:
    """python-pptx's default template resized to 16:9 (layouts keep their names)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE
    prs.save(path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    prototype_template(out / "prototypes.pptx")
    corporate_wide(out / "corporate-wide.pptx")
    print(f"written to {out}")
