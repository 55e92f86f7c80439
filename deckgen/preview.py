"""``deckgen preview``: see a deck without PowerPoint (LibreOffice → PDF → pictures).

Pages become pictures with pdfium (``pypdfium2``, fast: a 12-slide deck in well under a
second) where it is installed, else with poppler's ``pdftoppm``. The same functions make the
slide pictures of ``deckgen serve``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deckgen.errors import DeckgenError
from deckgen.model import BuildOptions
from deckgen.office import ColdOffice, Renderer, convert_cold, require_soffice

TIMEOUT = 300
DPI = 96
"""Default resolution: a 13.33-inch slide is 1280 pixels wide, as on a laptop's screen, and
its smallest body text (14 pt) is 19 pixels high. (It was 40 dpi: 8 pixels, unreadable.)"""

_POPPLER_HINT = (
    "install pypdfium2 (pip install pypdfium2) or poppler (apt-get install poppler-utils)"
)


def to_pdf(
    deck: Path, outdir: Path, *, profile: Path | None = None, timeout: float = TIMEOUT
) -> Path:
    """Convert a deck to PDF with LibreOffice into ``outdir`` (as ``<stem>.pdf``), in a
    throwaway profile (safe to run in parallel) unless ``profile`` names one to keep (faster
    for many conversions in a row)."""
    soffice = require_soffice("preview")
    with contextlib.ExitStack() as stack:
        if profile is None:
            profile = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deckgen-lo-")))
        return convert_cold(soffice, Path(deck), Path(outdir), profile=profile, timeout=timeout)


def _pdfium() -> Any:
    try:
        import pypdfium2
    except ImportError:
        return None
    return pypdfium2


def can_rasterize() -> bool:
    return _pdfium() is not None or shutil.which("pdftoppm") is not None


def slide_images(pdf: Path, folder: Path, *, dpi: int = DPI, prefix: str = "slide-") -> list[Path]:
    """Every page of ``pdf`` as ``folder/<prefix>N.png`` (N from 1), in page order."""
    pdfium = _pdfium()
    if pdfium is not None:
        return _pdfium_pages(pdfium, pdf, folder, dpi, prefix)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise DeckgenError(
            "no PDF rasterizer found: pictures of slides need one", hint=_POPPLER_HINT
        )
    with tempfile.TemporaryDirectory(prefix="deckgen-pages-", dir=folder) as tmp:
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-png", str(pdf), os.path.join(tmp, "p")],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
        )
        pages = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        out = []
        for i, page in enumerate(pages, 1):
            target = folder / f"{prefix}{i}.png"
            os.replace(page, target)
            out.append(target)
    return out


def _pdfium_pages(pdfium: Any, pdf: Path, folder: Path, dpi: int, prefix: str) -> list[Path]:
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            try:
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            finally:
                page.close()
            target = folder / f"{prefix}{i + 1}.png"
            _write_png(bitmap, target)
            out.append(target)
    finally:
        doc.close()
    return out


_COLOR_TYPE = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type (grey, RGB, RGBA)


def _write_png(bitmap: Any, target: Path) -> None:
    """A PNG straight from pdfium's pixels: rows unfiltered, zlib at its fastest level.

    Slides are flat colour, so this is as small as Pillow's adaptive filtering (80 KB for a
    content.md slide at 96 dpi against Pillow's 95) and takes half the time."""
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    channels = bitmap.n_channels
    row = width * channels
    pixels = memoryview(bitmap.buffer).cast("B")
    raw = b"".join(b"\x00" + pixels[y * stride : y * stride + row].tobytes() for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPE[channels], 0, 0, 0)
    data = b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(raw, 1)),
            _chunk(b"IEND", b""),
        )
    )
    target.write_bytes(data)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def contact_sheet(pdf: Path, png: Path, *, cols: int = 4, dpi: int = DPI) -> int:
    """All pages of ``pdf`` on one PNG, ``cols`` to a row; returns how many."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="deckgen-pages-") as pages_dir:
        pages = slide_images(pdf, Path(pages_dir), dpi=dpi)
        if not pages:
            raise DeckgenError("the rendered PDF has no pages", path=pdf)
        images = [Image.open(p).convert("RGB") for p in pages]
    sheet_of(images, png, cols=cols)
    return len(images)


def sheet_of(images: Sequence[object], png: Path, *, cols: int = 4) -> None:
    from PIL import Image

    w, h = images[0].size  # type: ignore[attr-defined]
    cols = max(1, min(cols, len(images)))
    rows = (len(images) + cols - 1) // cols
    gap = max(8, w // 80)
    sheet = Image.new("RGB", (cols * (w + gap) + gap, rows * (h + gap) + gap), (110, 110, 110))
    for i, im in enumerate(images):
        sheet.paste(im, (gap + (i % cols) * (w + gap), gap + (i // cols) * (h + gap)))  # type: ignore[arg-type]
    tmp = png.with_name(f".{png.name}.tmp.png")
    try:
        sheet.save(tmp, optimize=False, compress_level=6)
        os.replace(tmp, png)
    finally:
        tmp.unlink(missing_ok=True)


def preview(
    source: str,
    output: str | None = None,
    *,
    template: str | None = None,
    cols: int = 4,
    dpi: int = DPI,
    options: BuildOptions | None = None,
    office: Renderer | None = None,
) -> tuple[Path, list[str]]:
    """Write a contact-sheet PNG of a deck, building it first when given Markdown; return
    it and the warnings (the build's, and missing fonts or glyphs)."""
    from deckgen import fontcheck

    src = Path(source)
    default = "deck-preview.png" if source == "-" else f"{src.stem}-preview.png"
    png = Path(output) if output else Path(default)
    if png.suffix.lower() != ".png":
        raise DeckgenError("the preview must be a .png file", path=png)
    require_soffice("preview")
    if not can_rasterize():
        raise DeckgenError("no PDF rasterizer found: preview needs one", hint=_POPPLER_HINT)
    opts = options or BuildOptions(template=template)
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="deckgen-preview-") as tmp:
        work = Path(tmp)
        if src.suffix.lower() in (".pptx", ".potx"):
            if not src.is_file():
                raise DeckgenError("deck not found", path=source)
            deck = work / "deck.pptx"
            shutil.copyfile(src, deck)
        else:
            from deckgen.api import build_with

            result = build_with(opts, source, work / "deck.pptx")
            deck = result.output
            warnings += result.warnings
        warnings += fontcheck.font_warnings(deck) + fontcheck.glyph_warnings(deck)
        pdf = work / "deck.pdf"
        renderer = office or ColdOffice()
        try:
            renderer.convert(deck, pdf)
        finally:
            if office is None:
                renderer.close()
        contact_sheet(pdf, png, cols=cols, dpi=dpi)
    return png, warnings
