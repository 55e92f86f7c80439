"""Render a deck with LibreOffice and check that every word sits in its own text box.

A helper for tests (not a test module). The deck is copied with every text body's autofit
switched off (``a:normAutofit``/``a:spAutoFit`` → ``a:noAutofit``), because deckgen's
promise is that text fits *at the size stored in the file*: PowerPoint only applies its
shrink-on-overflow after an edit, and LibreOffice's own shrinking would hide overflow.
The copy is converted to PDF with ``soffice``; pdfplumber gives every word and its box, and
python-pptx gives every text shape's box and text (group children included). A word is
good when it lies, within a tolerance, inside a shape whose text contains it.

    problems = check_deck(Path("deck.pptx"), tmp_path)
    assert not problems, "\\n".join(problems)

``min_font_sizes`` reads the sizes stored in the file (resolved through placeholders,
layouts, masters and the presentation defaults) without rendering.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from deckgen.errors import DeckgenError
from deckgen.preview import to_pdf

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
EMU_PER_PT = 12700
TOLERANCE = 2.0
"""Points a word's box may exceed its shape's box (anti-aliasing, rounding)."""

_AUTOFIT = {f"{{{A}}}normAutofit", f"{{{A}}}spAutoFit"}
_PARTS = re.compile(
    r"^ppt/(slides/slide|slideLayouts/slideLayout|slideMasters/slideMaster)\d+\.xml$"
)
# bullets and automatic numbers LibreOffice draws that are not in the shape's text
_BULLET = re.compile(r"^(?:[\W_]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|[ivxlcIVXLC]{1,5}[.)])$")


class RenderError(RuntimeError):
    """LibreOffice did not produce a PDF."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# --------------------------------------------------------------------------- the file


def autofit_off(src: Path, dst: Path) -> int:
    """Copy ``src`` to ``dst`` with autofit switched off everywhere; return how many."""
    changed = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if _PARTS.match(item.filename):
                root = etree.fromstring(data)
                for body_pr in root.iter(f"{{{A}}}bodyPr"):
                    for child in list(body_pr):
                        if child.tag in _AUTOFIT:
                            new = etree.Element(f"{{{A}}}noAutofit")
                            new.tail = child.tail
                            body_pr.replace(child, new)
                            changed += 1
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return changed


def render_pdf(pptx: Path, workdir: Path, timeout: float = 600) -> Path:
    """Convert with LibreOffice (deckgen preview's own conversion), in a profile kept in
    ``workdir`` for the next conversion; return the PDF's path."""
    if soffice() is None:
        raise RenderError("LibreOffice (soffice) is not installed")
    out = workdir / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    try:
        return to_pdf(pptx, out, profile=workdir / "lo-profile", timeout=timeout)
    except DeckgenError as exc:
        raise RenderError(exc.message) from None


@dataclass(frozen=True)
class TextShape:
    """A shape that shows text on a slide, in points from the slide's top left."""

    slide: int
    """1-based position among the slides LibreOffice exports (hidden ones skipped)."""
    name: str
    box: tuple[float, float, float, float]
    """x0, top, x1, bottom."""
    text: str
    is_title: bool = False
    has_field: bool = False
    """Holds a field (slide number, date) whose rendered text may differ from the file's."""


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).casefold().split())


def _xfrm(el: Any) -> tuple[float, float, float, float] | None:
    """(x, y, cx, cy) in EMU of a shape's own a:xfrm / p:xfrm."""
    for path in ("./p:spPr/a:xfrm", "./p:grpSpPr/a:xfrm", "./p:xfrm"):
        found = el.find(path, {"a": A, "p": P})
        if found is not None:
            off, ext = found.find(f"{{{A}}}off"), found.find(f"{{{A}}}ext")
            if off is not None and ext is not None:
                return (
                    float(off.get("x", 0)),
                    float(off.get("y", 0)),
                    float(ext.get("cx", 0)),
                    float(ext.get("cy", 0)),
                )
    return None


def _texts(el: Any) -> tuple[str, bool]:
    paras = []
    for p in el.iter(f"{{{A}}}p"):
        paras.append("".join(t.text or "" for t in p.iter(f"{{{A}}}t")))
    has_field = next(el.iter(f"{{{A}}}fld"), None) is not None
    return "\n".join(paras), has_field


def _walk(shapes: Any, transform: Any) -> Iterator[tuple[Any, tuple[float, float, float, float]]]:
    """Shapes (group children included) with their boxes in slide EMU."""
    for shape in shapes:
        el = shape._element
        xf = _xfrm(el)
        if shape.shape_type is not None and shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            grp = el.find("./p:grpSpPr/a:xfrm", {"a": A, "p": P})
            if grp is None or xf is None:
                continue
            ch_off, ch_ext = grp.find(f"{{{A}}}chOff"), grp.find(f"{{{A}}}chExt")
            cx0 = float(ch_off.get("x", 0)) if ch_off is not None else xf[0]
            cy0 = float(ch_off.get("y", 0)) if ch_off is not None else xf[1]
            cw = float(ch_ext.get("cx", 0)) if ch_ext is not None else xf[2]
            chh = float(ch_ext.get("cy", 0)) if ch_ext is not None else xf[3]
            sx = xf[2] / cw if cw else 1.0
            sy = xf[3] / chh if chh else 1.0

            def inner(
                x: float, y: float, w: float, h: float, xf=xf, cx0=cx0, cy0=cy0, sx=sx, sy=sy
            ) -> tuple[float, float, float, float]:
                return transform(xf[0] + (x - cx0) * sx, xf[1] + (y - cy0) * sy, w * sx, h * sy)

            yield from _walk(shape.shapes, inner)
            continue
        if xf is None:
            base = getattr(shape, "_base_placeholder", None)  # position inherited from layout
            while xf is None and base is not None:
                xf = _xfrm(base._element)
                base = getattr(base, "_base_placeholder", None)
        if xf is None:
            continue
        yield shape, transform(*xf)


def _ident(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    return x, y, w, h


def slide_text_shapes(pptx: Path) -> list[list[TextShape]]:
    """Per exported slide, its text shapes (plus text on its layout and master)."""
    from pptx import Presentation

    prs = Presentation(str(pptx))
    out: list[list[TextShape]] = []
    n = 0
    for slide in prs.slides:
        if slide._element.get("show") in ("0", "false"):
            continue
        n += 1
        found: list[TextShape] = []
        sources = [(slide.shapes, True)]
        sources.append((slide.slide_layout.shapes, False))
        sources.append((slide.slide_layout.slide_master.shapes, False))
        for shapes, own in sources:
            for shape, (x, y, w, h) in _walk(shapes, _ident):
                if not own and shape.is_placeholder:
                    continue  # layout/master placeholders are not drawn on the slide
                el = shape._element
                if getattr(shape, "has_text_frame", False) or getattr(shape, "has_table", False):
                    text, field = _texts(el)
                else:
                    continue
                if not text.strip():
                    continue
                is_title = False
                if shape.is_placeholder:
                    is_title = "TITLE" in str(shape.placeholder_format.type)
                found.append(
                    TextShape(
                        n,
                        shape.name,
                        (
                            x / EMU_PER_PT,
                            y / EMU_PER_PT,
                            (x + w) / EMU_PER_PT,
                            (y + h) / EMU_PER_PT,
                        ),
                        text,
                        is_title,
                        field,
                    )
                )
        out.append(found)
    return out


# --------------------------------------------------------------------------- the check


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    box: tuple[float, float, float, float]
    size: float


def pdf_words(pdf: Path) -> tuple[list[list[Word]], list[tuple[float, float]]]:
    """Words per page (split where the size changes) and page sizes."""
    import pdfplumber

    pages: list[list[Word]] = []
    sizes: list[tuple[float, float]] = []
    with pdfplumber.open(pdf) as doc:
        for i, page in enumerate(doc.pages, 1):
            sizes.append((float(page.width), float(page.height)))
            words = page.extract_words(
                x_tolerance=1.5, keep_blank_chars=False, extra_attrs=["size"]
            )
            pages.append(
                [
                    Word(i, w["text"], (w["x0"], w["top"], w["x1"], w["bottom"]), w["size"])
                    for w in words
                ]
            )
    return pages, sizes


def _inside(box: tuple[float, float, float, float], shape: TextShape, tol: float) -> bool:
    x0, y0, x1, y1 = box
    sx0, sy0, sx1, sy1 = shape.box
    return x0 >= sx0 - tol and y0 >= sy0 - tol and x1 <= sx1 + tol and y1 <= sy1 + tol


def _rtl(s: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in s)


def _letters(s: str) -> Counter[str]:
    return Counter(c for c in _norm(s) if c.isalnum())


def _found(word: str, text: str) -> bool:
    """``word`` (as the PDF gives it) is part of ``text`` (as the file has it).

    Right-to-left words come out of a PDF in visual order, with ligatures decomposed and
    punctuation moved, so for them the letters are compared as a multiset.
    """
    w, t = _norm(word), _norm(text)
    if w in t or w[::-1] in t:
        return True
    if _rtl(word):
        # LibreOffice's PDF maps some Arabic glyphs (hamza after a ligature) to stray ASCII
        # digits in its ToUnicode table; those are extraction noise, not text of the slide.
        have = _letters(text)
        need = Counter(
            {
                c: n
                for c, n in _letters(word).items()
                if not (c.isascii() and c.isdigit()) or c in have
            }
        )
        return bool(need) and not need - have
    return False


def _contains(shape: TextShape, word: str) -> bool:
    if _found(word, shape.text):
        return True
    return shape.has_field and bool(re.fullmatch(r"[\d/.\-–]+", _norm(word)))


def check_pages(
    shapes: list[list[TextShape]],
    pages: list[list[Word]],
    sizes: list[tuple[float, float]],
    tolerance: float = TOLERANCE,
) -> list[str]:
    problems: list[str] = []
    if len(pages) != len(shapes):
        problems.append(f"the PDF has {len(pages)} pages for {len(shapes)} slides")
    for n, (slide_shapes, words, (pw, ph)) in enumerate(zip(shapes, pages, sizes, strict=False), 1):
        for w in words:
            x0, y0, x1, y1 = w.box
            where = f"slide {n}: {w.text!r} at ({x0:.1f}, {y0:.1f})–({x1:.1f}, {y1:.1f}) pt"
            if x0 < -tolerance or y0 < -tolerance or x1 > pw + tolerance or y1 > ph + tolerance:
                problems.append(f"{where} is outside the slide ({pw:.0f} × {ph:.0f} pt)")
                continue
            owners = [s for s in slide_shapes if _contains(s, w.text)]
            if any(_inside(w.box, s, tolerance) for s in owners):
                continue
            if _BULLET.match(w.text) and any(_inside(w.box, s, tolerance) for s in slide_shapes):
                continue  # a bullet or list number drawn by the renderer
            if owners:
                boxes = "; ".join(
                    f"{s.name!r} ({s.box[0]:.1f}, {s.box[1]:.1f})–({s.box[2]:.1f}, {s.box[3]:.1f})"
                    for s in owners
                )
                problems.append(f"{where} is outside its shape {boxes}")
            else:
                problems.append(f"{where} belongs to no text shape")
    return problems


def missing_text(shapes: list[list[TextShape]], pages: list[list[Word]]) -> list[str]:
    """Words of the slides' text that the PDF does not show (clipped, dropped, unrendered)."""
    problems: list[str] = []
    for n, (slide_shapes, words) in enumerate(zip(shapes, pages, strict=False), 1):
        shown = "".join(w.text for w in words)
        for s in slide_shapes:
            for token in s.text.split():
                t = _norm(token)
                if not t or (s.has_field and re.fullmatch(r"[\d/.\-–]+", t)):
                    continue
                if not _found(token, shown):
                    problems.append(f"slide {n}: {token!r} of {s.name!r} is not in the PDF")
    return problems


# --------------------------------------------------------------------------- fonts

# What LibreOffice draws a deck's text with, and the Debian package that holds it: the
# metric-compatible twins of the Office fonts, the CJK and emoji fallbacks, and DejaVu (its
# fallback for everything else, Hebrew and Arabic included). deckgen measures text with
# these fonts' metrics (deckgen/metrics.py); without them a render test would fail for
# want of a font, not for a fault of deckgen's.
FONT_PACKAGES = {
    "Carlito": "fonts-crosextra-carlito",
    "Caladea": "fonts-crosextra-caladea",
    "Liberation Sans": "fonts-liberation2",
    "Liberation Serif": "fonts-liberation2",
    "Liberation Mono": "fonts-liberation2",
    "DejaVu Sans": "fonts-dejavu-core",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "Noto Color Emoji": "fonts-noto-color-emoji",
}
_TWINS = {
    "calibri": "Carlito",
    "carlito": "Carlito",
    "cambria": "Caladea",
    "caladea": "Caladea",
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "liberation sans": "Liberation Sans",
    "times new roman": "Liberation Serif",
    "liberation serif": "Liberation Serif",
    "courier new": "Liberation Mono",
    "liberation mono": "Liberation Mono",
}
_TYPEFACE = re.compile(rb'<a:(?:latin|ea|cs)\b[^>]*\btypeface="([^"+][^"]*)"')
_FONT_PARTS = re.compile(r"^ppt/(slides/slide\d+|slideLayouts/.*|slideMasters/.*|theme/.*)\.xml$")


def installed_fonts() -> frozenset[str] | None:
    """Font families fontconfig knows (None: fc-list is missing, so nobody can tell)."""
    global _installed
    if _installed is None:
        fc = shutil.which("fc-list")
        if fc is None:
            return None
        out = subprocess.run([fc, ":", "family"], capture_output=True, text=True, check=False)
        _installed = frozenset(
            name.strip() for line in out.stdout.splitlines() for name in line.split(",")
        )
    return _installed


_installed: frozenset[str] | None = None


def _is_cjk(cp: int) -> bool:
    ranges = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))
    return 0x20000 <= cp <= 0x3FFFF or any(a <= cp <= b for a, b in ranges)


def _is_emoji(cp: int) -> bool:
    return 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF


def fonts_needed(pptx: Path) -> set[str]:
    """The families (keys of FONT_PACKAGES) rendering ``pptx`` takes: those its typefaces
    map to, DejaVu Sans always, and the CJK and emoji fonts when its text holds them."""
    need = {"DejaVu Sans"}
    with zipfile.ZipFile(pptx) as zf:
        for name in zf.namelist():
            if not _FONT_PARTS.match(name):
                continue
            data = zf.read(name)
            for face in _TYPEFACE.findall(data):
                twin = _TWINS.get(face.decode("utf-8", "replace").strip().lower())
                if twin:
                    need.add(twin)
            if name.startswith("ppt/slides/"):
                text = data.decode("utf-8", "replace")
                if any(_is_cjk(ord(c)) for c in text):
                    need.add("Noto Sans CJK SC")
                if any(_is_emoji(ord(c)) for c in text):
                    need.add("Noto Color Emoji")
    return need


def require_fonts(pptx: Path) -> None:
    """Skip the calling test, saying which package to install, when a font that rendering
    ``pptx`` takes is missing (the way render tests skip without soffice)."""
    have = installed_fonts()
    if have is None:
        return
    missing = sorted(f for f in fonts_needed(pptx) if f not in have)
    if missing:
        packages = " ".join(sorted({FONT_PACKAGES[f] for f in missing}))
        pytest.skip(
            f"font {', '.join(missing)} is not installed, and this deck's text needs it "
            f"(Debian: apt-get install {packages})"
        )


def check_deck(
    pptx: Path, workdir: Path, *, tolerance: float = TOLERANCE, missing: bool = True
) -> list[str]:
    """Problems found when LibreOffice renders ``pptx`` with autofit off (empty: good).

    Skips the calling test when a font the deck needs is not installed (require_fonts)."""
    require_fonts(pptx)
    workdir.mkdir(parents=True, exist_ok=True)
    copy = workdir / f"{pptx.stem}-noautofit.pptx"
    autofit_off(pptx, copy)
    pdf = render_pdf(copy, workdir)
    shapes = slide_text_shapes(copy)
    pages, sizes = pdf_words(pdf)
    problems = check_pages(shapes, pages, sizes, tolerance)
    if missing:
        problems += missing_text(shapes, pages)
    return problems


# --------------------------------------------------------------------------- font sizes


def _lvl_size(container: Any, level: int) -> float | None:
    """sz of ``a:lvl{level+1}pPr/a:defRPr`` in a list style or text style element."""
    if container is None:
        return None
    lvl = container.find(f"{{{A}}}lvl{level + 1}pPr")
    if lvl is None:
        return None
    d = lvl.find(f"{{{A}}}defRPr")
    if d is not None and d.get("sz"):
        return int(d.get("sz")) / 100
    return None


def _shape_list_style(el: Any) -> Any:
    return el.find(f".//{{{A}}}lstStyle")


def _placeholder_chain(shape: Any) -> list[Any]:
    chain = []
    base = getattr(shape, "_base_placeholder", None)
    while base is not None:
        chain.append(base)
        base = getattr(base, "_base_placeholder", None)
    return chain


def _master_style(shape: Any, master: Any) -> Any:
    styles = master._element.find(f"{{{P}}}txStyles")
    if styles is None:
        return None
    if shape.is_placeholder:
        kind = str(shape.placeholder_format.type)
        if "TITLE" in kind:
            return styles.find(f"{{{P}}}titleStyle")
        if any(k in kind for k in ("BODY", "OBJECT", "SUBTITLE")):
            return styles.find(f"{{{P}}}bodyStyle")
    return styles.find(f"{{{P}}}otherStyle")


def min_font_sizes(pptx: Path) -> dict[int, list[tuple[str, bool, float]]]:
    """Per slide (1-based), per text shape: (name, is title, smallest run size in pt).

    Sizes resolve like PowerPoint: the run's ``sz``, the shape's list style, then for
    placeholders the layout's and master's placeholder, the master's title/body/other text
    style; the presentation's default text style; 18 pt.
    """
    from pptx import Presentation

    prs = Presentation(str(pptx))
    default_style = prs.part._element.find(f"{{{P}}}defaultTextStyle")
    out: dict[int, list[tuple[str, bool, float]]] = {}
    for n, slide in enumerate(prs.slides, 1):
        master = slide.slide_layout.slide_master
        rows: list[tuple[str, bool, float]] = []
        for shape, _ in _walk(slide.shapes, _ident):
            if not getattr(shape, "has_text_frame", False):
                continue
            el = shape._element
            chain = (
                [el] + [b._element for b in _placeholder_chain(shape)]
                if shape.is_placeholder
                else [el]
            )
            smallest: float | None = None
            for p in el.iter(f"{{{A}}}p"):
                ppr = p.find(f"{{{A}}}pPr")
                level = int(ppr.get("lvl", 0)) if ppr is not None else 0
                for r in p:
                    if r.tag not in (f"{{{A}}}r", f"{{{A}}}fld"):
                        continue
                    t = r.find(f"{{{A}}}t")
                    if t is None or not (t.text or "").strip():
                        continue
                    rpr = r.find(f"{{{A}}}rPr")
                    size = int(rpr.get("sz")) / 100 if rpr is not None and rpr.get("sz") else None
                    for c in chain:
                        if size is None:
                            size = _lvl_size(_shape_list_style(c), level)
                    if size is None:
                        size = _lvl_size(_master_style(shape, master), level)
                    if size is None:
                        size = _lvl_size(default_style, level)
                    size = size if size is not None else 18.0
                    smallest = size if smallest is None else min(smallest, size)
            if smallest is not None:
                # a subtitle is body text to deckgen (fit lets it shrink to min_body_size)
                kind = str(shape.placeholder_format.type) if shape.is_placeholder else ""
                is_title = "TITLE" in kind and "SUBTITLE" not in kind
                rows.append((shape.name, is_title, smallest))
        out[n] = rows
    return out


def small_text(pptx: Path, min_body: float = 14.0, min_title: float = 24.0) -> list[str]:
    """Shapes whose text is smaller than the minimum (titles: ``min_title``)."""
    problems = []
    for n, rows in min_font_sizes(pptx).items():
        for name, is_title, size in rows:
            lo = min_title if is_title else min_body
            if size < lo - 1e-6:
                problems.append(f"slide {n}: {name!r} has {size:g} pt text (minimum {lo:g} pt)")
    return problems
