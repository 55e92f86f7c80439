"""``deckgen preview``: see a deck without PowerPoint (LibreOffice → PDF → one PNG)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from deckgen.errors import DeckgenError

_INSTALL = "install LibreOffice and poppler: apt-get install libreoffice-impress poppler-utils"
TIMEOUT = 300


def _tool(name: str, *alternatives: str) -> str:
    for candidate in (name, *alternatives):
        found = shutil.which(candidate)
        if found:
            return found
    raise DeckgenError(f"{name} was not found on PATH; preview needs it", hint=_INSTALL)


def to_pdf(
    deck: Path, outdir: Path, *, profile: Path | None = None, timeout: float = TIMEOUT
) -> Path:
    """Convert a deck to PDF with LibreOffice, in a throwaway profile (safe to run in
    parallel) unless ``profile`` names one to keep (faster for many conversions in a row)."""
    soffice = _tool("soffice", "libreoffice")
    with contextlib.ExitStack() as stack:
        if profile is None:
            profile = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deckgen-lo-")))
        try:
            proc = subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile.resolve().as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(outdir),
                    str(deck),
                ],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DeckgenError(f"LibreOffice took over {timeout:g} s", path=deck) from None
    pdf = outdir / (deck.stem + ".pdf")
    if not pdf.is_file():
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise DeckgenError(
            "LibreOffice could not render the deck" + (f": {detail[-1]}" if detail else ""),
            path=deck,
        )
    return pdf


def contact_sheet(pdf: Path, png: Path, *, cols: int = 4, dpi: int = 40) -> int:
    from PIL import Image

    pdftoppm = _tool("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="deckgen-pages-") as pages_dir:
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-png", str(pdf), os.path.join(pages_dir, "p")],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
        )
        pages = sorted(Path(pages_dir).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        if not pages:
            raise DeckgenError("the rendered PDF has no pages", path=pdf)
        images = [Image.open(p).convert("RGB") for p in pages]
    w, h = images[0].size
    cols = max(1, min(cols, len(images)))
    rows = (len(images) + cols - 1) // cols
    gap = 8
    sheet = Image.new("RGB", (cols * (w + gap) + gap, rows * (h + gap) + gap), (110, 110, 110))
    for i, im in enumerate(images):
        sheet.paste(im, (gap + (i % cols) * (w + gap), gap + (i // cols) * (h + gap)))
    tmp = png.with_name(f".{png.name}.tmp.png")
    try:
        sheet.save(tmp)
        os.replace(tmp, png)
    finally:
        tmp.unlink(missing_ok=True)
    return len(images)


def preview(
    source: str,
    output: str | None = None,
    *,
    template: str | None = None,
    cols: int = 4,
    dpi: int = 40,
) -> Path:
    """Write a contact-sheet PNG of a deck, building it first when given Markdown."""
    src = Path(source)
    default = "deck-preview.png" if source == "-" else f"{src.stem}-preview.png"
    png = Path(output) if output else Path(default)
    if png.suffix.lower() != ".png":
        raise DeckgenError("the preview must be a .png file", path=png)
    _tool("soffice", "libreoffice")
    _tool("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="deckgen-preview-") as tmp:
        work = Path(tmp)
        if src.suffix.lower() in (".pptx", ".potx"):
            if not src.is_file():
                raise DeckgenError("deck not found", path=source)
            deck = work / "deck.pptx"
            shutil.copyfile(src, deck)
        else:
            from deckgen.api import build

            deck = build(source, work / "deck.pptx", template=template).output
        contact_sheet(to_pdf(deck, work), png, cols=cols, dpi=dpi)
    return png
