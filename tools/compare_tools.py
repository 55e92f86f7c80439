"""Build the pictures of the README's "Coming from pandoc or Marp": one talk file built by
pandoc, by Marp CLI and by deckgen, the same slides side by side, one row per tool.

    python tools/compare_tools.py                     # from the repository root
    python tools/compare_tools.py --marp /tmp/marp    # Marp CLI's folder, or its marp binary
    python tools/compare_tools.py --keep /tmp/decks   # keep the decks and the slide pictures
    python tools/compare_tools.py --draw-images       # draw docs/compare/images/*.png again

Reads docs/compare/pandoc-talk.md and docs/compare/marp-talk.md and writes
docs/compare-pandoc.png and docs/compare-marp.png. Each talk is built by every tool that
is there (pandoc, Marp CLI, and deckgen from this checkout); every deck is rendered by
LibreOffice (soffice, then pdftoppm), so the three rows are seen through one renderer.

Needs: pandoc, LibreOffice (soffice), pdftoppm (poppler-utils), and Pillow (python-pptx,
which deckgen depends on, brings it). Marp CLI is optional (a row says it was not run):
it is an npm package, installed outside the repository, e.g.

    mkdir -p /tmp/marp && cd /tmp/marp && npm init -y && npm install @marp-team/marp-cli

and it needs a Chromium-family browser for its PPTX export (CHROME_PATH; set here to
/usr/bin/chromium when that exists and CHROME_PATH is unset). Nothing is fetched from the
network: the talks' pictures are local files, passed to Marp with --allow-local-files.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

try:
    from PIL import Image, ImageDraw, ImageFont
except ImportError:  # pragma: no cover - python-pptx brings Pillow
    sys.exit("compare_tools.py needs Pillow: pip install pillow (python-pptx brings it)")

ROOT = Path(__file__).resolve().parent.parent
COMPARE = ROOT / "docs" / "compare"
IMAGES = COMPARE / "images"
DEFAULT_MARP = Path("/tmp/marp")
MAX_IMAGE_BYTES = 60_000
MAX_SHEET_BYTES = 400_000

TILE_W, TILE_H = 320, 180  # every slide is fitted into a 16:9 box of this size
LABEL_W = 150
GAP = 8
HEAD_H = 26
BACKDROP = (236, 236, 236)
MISSING = (250, 250, 250)


@dataclass
class Talk:
    """One talk file and the slides of it the picture shows, each named by a phrase that
    is on that slide (its title, mostly)."""

    name: str
    source: Path
    phrases: list[str]
    captions: list[str]
    out: Path = field(init=False)

    def __post_init__(self) -> None:
        self.out = ROOT / "docs" / f"compare-{self.name}.png"


TALKS = [
    Talk(
        "pandoc",
        COMPARE / "pandoc-talk.md",
        ["Rainwater for the Allotment", "The problem", "What we built", "One season in numbers"],
        ["title block", "paragraph + bullets", "picture {width=50%}", "pipe table"],
    ),
    Talk(
        "marp",
        COMPARE / "marp-talk.md",
        ["Dark-Sky Walks", "Why the moor", "What to bring", "See you on the moor"],
        ["_class: lead", "![bg right]", "12 bullets", "![bg]"],
    ),
]


# --- the talks' pictures -------------------------------------------------------------------


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's bundled font at ``size`` (a scalable one where FreeType is there)."""
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: one small bitmap size only
        return ImageFont.load_default()


def _gradient(size: tuple[int, int], top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(h - 1, 1)
        draw.line(
            [(0, y), (w, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return img


def _tanks() -> Image.Image:
    """A diagram: four sheds in a row on a slope, a tank beside each, joined by a hose."""
    img = Image.new("RGB", (800, 450), (250, 248, 240))
    d = ImageDraw.Draw(img)
    d.polygon([(0, 330), (800, 400), (800, 450), (0, 450)], fill=(120, 160, 90))
    label = _font(22)
    for i in range(4):
        x = 40 + i * 190
        ground = 330 + (x + 60) * 70 // 800
        d.rectangle([x, ground - 120, x + 100, ground], fill=(150, 110, 70), outline=(90, 60, 30))
        d.polygon(
            [(x - 10, ground - 120), (x + 50, ground - 165), (x + 110, ground - 120)],
            fill=(110, 80, 50),
        )
        tx = x + 115
        d.rectangle([tx, ground - 90, tx + 45, ground], fill=(60, 110, 170), outline=(30, 60, 100))
        d.text((tx + 8, ground - 80), f"T{i + 1}", fill="white", font=label)
        if i < 3:
            nx = 40 + (i + 1) * 190 + 115
            nground = 330 + (nx - 55) * 70 // 800
            d.line([(tx + 45, ground - 20), (nx, nground - 20)], fill=(30, 30, 30), width=4)
    d.text(
        (30, 20), "rain -> roof -> tank -> overflow -> next tank", fill=(40, 40, 40), font=_font(26)
    )
    return img


def _moor() -> Image.Image:
    """A dusk sky over two dark ridges: portrait, for a picture beside the text."""
    img = _gradient((540, 720), (20, 30, 70), (200, 120, 90))
    d = ImageDraw.Draw(img)
    d.polygon(
        [(0, 470), (120, 430), (260, 455), (400, 410), (540, 440), (540, 720), (0, 720)],
        fill=(70, 60, 70),
    )
    d.polygon(
        [(0, 560), (180, 520), (330, 545), (540, 510), (540, 720), (0, 720)], fill=(35, 35, 40)
    )
    d.ellipse([380, 120, 420, 160], fill=(245, 240, 210))
    return img


def _stars() -> Image.Image:
    """A night sky of scattered stars, for a full-slide background."""
    img = _gradient((960, 540), (5, 8, 30), (30, 40, 80))
    d = ImageDraw.Draw(img)
    rng = random.Random(15)
    for _ in range(260):
        x, y = rng.randrange(960), rng.randrange(470)
        r = rng.choice((1, 1, 1, 2, 2, 3))
        v = rng.randrange(170, 256)
        d.ellipse([x - r, y - r, x + r, y + r], fill=(v, v, min(255, v + 20)))
    d.polygon([(0, 500), (300, 470), (620, 495), (960, 465), (960, 540), (0, 540)], fill=(8, 8, 12))
    return img


PICTURES = {"tanks.png": _tanks, "moor.png": _moor, "stars.png": _stars}


def draw_images(force: bool) -> None:
    """Write the talks' pictures (drawn here, so they are small and nobody's copyright)."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, make in PICTURES.items():
        path = IMAGES / name
        if path.exists() and not force:
            continue
        make().save(path, optimize=True)
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise SystemExit(f"{path}: {size} bytes, more than {MAX_IMAGE_BYTES}")
        print(f"drew {path.relative_to(ROOT)} ({size // 1024} KB)")


# --- building ------------------------------------------------------------------------------


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str | None:
    """Run ``cmd``; None when it worked, else the last lines of what it said."""
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if proc.returncode == 0:
        return None
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return "\n".join(lines[-3:]) or f"exit {proc.returncode}"


def _version(cmd: list[str], pattern: str) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False).stdout
    except OSError:
        return "?"
    m = re.search(pattern, out)
    return m.group(1) if m else "?"


def find_marp(given: str | None) -> Path | None:
    """Marp CLI's executable: --marp (a folder with node_modules, or the binary), else
    /tmp/marp, else a `marp` on PATH."""
    candidates: list[Path] = []
    if given:
        p = Path(given)
        candidates += [p / "node_modules" / ".bin" / "marp", p]
    else:
        candidates.append(DEFAULT_MARP / "node_modules" / ".bin" / "marp")
        on_path = shutil.which("marp")
        if on_path:
            candidates.append(Path(on_path))
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    return None


def marp_env() -> dict[str, str]:
    env = dict(os.environ)
    if "CHROME_PATH" not in env and Path("/usr/bin/chromium").exists():
        env["CHROME_PATH"] = "/usr/bin/chromium"
    if hasattr(os, "getuid") and os.getuid() == 0:
        env.setdefault("CHROME_NO_SANDBOX", "1")  # Chromium refuses its sandbox as root
    return env


@dataclass
class Built:
    tool: str  # the row's label, with the version
    deck: Path | None  # None: not built
    why: str = ""  # why not


def build_all(talk: Talk, work: Path, marp: Path | None) -> list[Built]:
    rows: list[Built] = []
    src = talk.source

    pandoc = shutil.which("pandoc")
    if pandoc:
        label = "pandoc " + _version([pandoc, "--version"], r"pandoc\S* (\S+)")
        deck = work / f"{talk.name}-pandoc.pptx"
        err = _run([pandoc, src.name, "-o", str(deck)], cwd=src.parent)
        rows.append(Built(label, None if err else deck, err or ""))
    else:
        rows.append(Built("pandoc", None, "pandoc not installed"))

    if marp:
        label = "Marp CLI " + _version([str(marp), "--version"], r"marp-cli v(\S+)")
        deck = work / f"{talk.name}-marp.pptx"
        err = _run(
            [str(marp), src.name, "--pptx", "-o", str(deck), "--allow-local-files"],
            cwd=src.parent,
            env=marp_env(),
        )
        rows.append(Built(label, None if err else deck, err or ""))
    else:
        rows.append(Built("Marp CLI", None, "not run: no Marp CLI (see --marp)"))

    sys.path.insert(0, str(ROOT))
    try:
        import deckgen

        label = f"deckgen {deckgen.__version__}"
    except ImportError:
        label = "deckgen"
    deck = work / f"{talk.name}-deckgen.pptx"
    err = _run(
        [sys.executable, "-m", "deckgen", "build", src.name, "-o", str(deck)],
        cwd=src.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    rows.append(Built(label, None if err else deck, err or ""))
    return rows


# --- rendering -----------------------------------------------------------------------------


def render(decks: list[Path], work: Path) -> dict[Path, list[Path]]:
    """Every deck to PDF in one LibreOffice run, then to one PNG per slide."""
    if not decks:
        return {}
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                *map(str, decks),
            ],
            capture_output=True,
            timeout=600,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pages: dict[Path, list[Path]] = {}
    for deck in decks:
        pdf = deck.with_suffix(".pdf")
        if not pdf.exists():
            print(f"  LibreOffice could not render {deck.name}", file=sys.stderr)
            pages[deck] = []
            continue
        folder = work / "pages" / deck.stem
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        # 2x the tile's width, then scaled down: sharper small text than rendering small
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-scale-to-x",
                str(TILE_W * 2),
                "-scale-to-y",
                "-1",
                str(pdf),
                str(folder / "p"),
            ],
            check=True,
        )
        pages[deck] = sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    return pages


def _slide_texts(deck: Path) -> list[tuple[str, str]]:
    """Each slide's (title, all its text), not its notes, to find a slide by a phrase."""
    from pptx import Presentation

    texts = []
    for slide in Presentation(str(deck)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        title = slide.shapes.title
        texts.append((title.text_frame.text if title is not None else "", " ".join(parts)))
    return texts


def _marp_slide_texts(source: Path) -> list[tuple[str, str]]:
    """Marp's slides from its Markdown: split at '---' lines after the front matter (its
    PPTX holds pictures of the slides, so no text to search)."""
    text = source.read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    slides = re.split(r"^---[ \t]*$", body, flags=re.M)
    return [
        (m.group(1) if (m := re.search(r"^#+ (.*)$", s, flags=re.M)) else "", s) for s in slides
    ]


def pick(texts: list[tuple[str, str]], phrase: str) -> int | None:
    """The first slide whose title holds ``phrase``, else the first slide whose text does."""
    norm = " ".join(phrase.lower().split())
    for where in (0, 1):
        for i, t in enumerate(texts):
            if norm in " ".join(t[where].lower().split()):
                return i
    return None


# --- the picture ---------------------------------------------------------------------------


def _fit(page: Path) -> Image.Image:
    """The slide picture within a TILE_W x TILE_H box, centred, with a thin frame."""
    im = Image.open(page).convert("RGB")
    im.thumbnail((TILE_W - 2, TILE_H - 2), Image.Resampling.LANCZOS)
    tile = Image.new("RGB", (TILE_W, TILE_H), BACKDROP)
    x, y = (TILE_W - im.width) // 2, (TILE_H - im.height) // 2
    ImageDraw.Draw(tile).rectangle(
        [x - 1, y - 1, x + im.width, y + im.height], outline=(160, 160, 160)
    )
    tile.paste(im, (x, y))
    return tile


def _note_tile(text: str) -> Image.Image:
    tile = Image.new("RGB", (TILE_W, TILE_H), MISSING)
    d = ImageDraw.Draw(tile)
    d.rectangle([0, 0, TILE_W - 1, TILE_H - 1], outline=(200, 200, 200))
    d.multiline_text((12, 12), text, fill=(120, 120, 120), font=_font(14), spacing=4)
    return tile


def _wrap(text: str, width: int) -> str:
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    return "\n".join(out[:7])


def compose(talk: Talk, rows: list[Built], pages: dict[Path, list[Path]]) -> list[str]:
    """One row per tool, one column per chosen slide; returns what each row shows."""
    cols = len(talk.phrases)
    width = LABEL_W + cols * (TILE_W + GAP) + GAP
    height = HEAD_H + len(rows) * (TILE_H + GAP) + GAP
    sheet = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(sheet)
    head, label_font = _font(15), _font(18)
    for c, caption in enumerate(talk.captions):
        d.text((LABEL_W + c * (TILE_W + GAP) + 4, 5), caption, fill=(90, 90, 90), font=head)
    report = []
    for r, row in enumerate(rows):
        y = HEAD_H + r * (TILE_H + GAP)
        label = "\n".join(row.tool.rsplit(" ", 1)) if len(row.tool) > 13 else row.tool
        d.multiline_text((10, y + TILE_H // 2 - 12), label, fill=(30, 30, 30), font=label_font)
        if row.deck is None:
            tiles = [_note_tile(_wrap(row.why, 34))] + [_note_tile("")] * (cols - 1)
            report.append(f"{row.tool}: not built ({row.why.splitlines()[-1] if row.why else ''})")
        else:
            shots = pages.get(row.deck, [])
            texts = (
                _marp_slide_texts(talk.source)
                if row.tool.startswith("Marp")
                else _slide_texts(row.deck)
            )
            tiles, found = [], []
            for phrase in talk.phrases:
                i = pick(texts, phrase)
                if i is None or i >= len(shots):
                    tiles.append(_note_tile(_wrap(f'no slide shows "{phrase}"', 34)))
                    found.append("-")
                elif str(i + 1) in found:  # one slide holds several: show it once
                    tiles.append(
                        _note_tile(
                            _wrap(f'"{phrase}" falls on slide {i + 1} too (to the left)', 34)
                        )
                    )
                    found.append(str(i + 1))
                else:
                    tiles.append(_fit(shots[i]))
                    found.append(str(i + 1))
            report.append(f"{row.tool}: {len(shots)} slides; shown: slides {', '.join(found)}")
        for c, tile in enumerate(tiles):
            sheet.paste(tile, (LABEL_W + c * (TILE_W + GAP), y))
    _save(sheet, talk.out)
    return report


def _save(sheet: Image.Image, out: Path) -> None:
    sheet.save(out, optimize=True)
    if out.stat().st_size > MAX_SHEET_BYTES:  # a palette keeps slide pictures legible
        sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--marp", help="Marp CLI: its npm folder or its executable (default /tmp/marp)")
    ap.add_argument("--keep", type=Path, help="keep the decks, PDFs and slide PNGs in this folder")
    ap.add_argument(
        "--draw-images",
        action="store_true",
        help="draw docs/compare/images/*.png again even if they exist",
    )
    ap.add_argument(
        "--talk",
        choices=[t.name for t in TALKS],
        action="append",
        help="only this talk (repeatable)",
    )
    a = ap.parse_args(argv)

    for tool in ("soffice", "pdftoppm"):
        if not shutil.which(tool):
            print(
                f"error: {tool} not found (apt-get install libreoffice-impress poppler-utils)",
                file=sys.stderr,
            )
            return 1
    draw_images(a.draw_images)
    marp = find_marp(a.marp)
    if marp is None:
        print(
            "Marp CLI not found (npm install @marp-team/marp-cli in /tmp/marp, or --marp PATH): "
            "its rows say 'not run'"
        )

    work = a.keep or Path(tempfile.mkdtemp(prefix="compare-tools-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        talks = [t for t in TALKS if not a.talk or t.name in a.talk]
        built = {t.name: build_all(t, work, marp) for t in talks}
        decks = [b.deck for rows in built.values() for b in rows if b.deck]
        pages = render(decks, work)
        for t in talks:
            report = compose(t, built[t.name], pages)
            size = t.out.stat().st_size
            print(
                f"{t.out.relative_to(ROOT)} ({size // 1024} KB) from {t.source.relative_to(ROOT)}:"
            )
            for line in report:
                print(f"  {line}")
    finally:
        if a.keep is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"decks and slide pictures kept in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
