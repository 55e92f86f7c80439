"""Write the pictures of tests/fixtures/elements/images/ (issue 11's fixture set).

    python tools/make_fixture_images.py            # into tests/fixtures/elements/images
    python tools/make_fixture_images.py OUTDIR

The fixtures need pictures of known shapes (a 16:9 diagram, a tall one, a very wide one,
photo-like JPEGs in landscape and portrait) whose pixel sizes the tests compare with the
boxes deckgen draws them in. They are drawn here rather than taken from anywhere, so that
they are small (each well under 60 KB), free of anyone's copyright, and can be made again
the same way. Only Pillow is needed (python-pptx brings it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "elements" / "images"
MAX_BYTES = 60_000


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's bundled font at ``size`` (a scalable one where FreeType is there)."""
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: one small bitmap size only
        return ImageFont.load_default()


def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]):
    """A vertical gradient: a smooth image compresses to a few KB and looks like a sky."""
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(h - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (w, y)], fill=colour)
    return img, draw


def diagram(path: Path) -> None:
    """800 × 450 (16:9): a CI pipeline drawn as boxes and arrows, with labels."""
    img = Image.new("RGB", (800, 450), (250, 250, 252))
    draw = ImageDraw.Draw(img)
    font, small = _font(22), _font(15)
    stages = [("Commit", (66, 133, 244)), ("Build", (52, 168, 83)), ("Test", (251, 188, 5))]
    stages.append(("Deploy", (234, 67, 53)))
    draw.text((30, 24), "CI pipeline", fill=(40, 40, 40), font=_font(30))
    for i, (label, colour) in enumerate(stages):
        x = 30 + i * 195
        draw.rounded_rectangle([x, 170, x + 150, 270], radius=14, fill=colour)
        draw.text((x + 18, 205), label, fill=(255, 255, 255), font=font)
        if i < len(stages) - 1:
            draw.line([(x + 155, 220), (x + 190, 220)], fill=(90, 90, 90), width=5)
            draw.polygon([(x + 190, 210), (x + 190, 230), (x + 200, 220)], fill=(90, 90, 90))
    draw.rectangle([30, 330, 770, 410], outline=(160, 160, 160), width=2)
    grey = (80, 80, 80)
    draw.text((46, 345), "cache: ~/.cache/pip   artifacts: dist/*.whl", fill=grey, font=small)
    draw.text((46, 375), "secrets scanned before every push", fill=grey, font=small)
    img.save(path, optimize=True)


def tall(path: Path) -> None:
    """300 × 900 (1:3): a lighthouse against the evening sky."""
    img, draw = _gradient((300, 900), (20, 30, 70), (240, 150, 90))
    draw.polygon([(120, 250), (180, 250), (205, 820), (95, 820)], fill=(245, 245, 240))
    for y in (360, 500, 640):
        draw.rectangle([105, y, 195, y + 45], fill=(200, 40, 40))
    draw.rectangle([110, 190, 190, 250], fill=(255, 230, 120))
    draw.polygon([(100, 190), (200, 190), (150, 140)], fill=(60, 60, 60))
    draw.rectangle([0, 820, 300, 900], fill=(40, 70, 90))
    img.save(path, optimize=True)


def wide(path: Path) -> None:
    """1600 × 200 (8:1): a skyline panorama."""
    img, draw = _gradient((1600, 200), (150, 190, 230), (250, 220, 180))
    x = 0
    heights = [90, 130, 70, 160, 110, 80, 140, 100, 60, 120, 150, 85]
    i = 0
    while x < 1600:
        h = heights[i % len(heights)]
        w = 45 + (i * 17) % 50
        draw.rectangle([x, 200 - h, x + w, 200], fill=(50 + (i * 23) % 60, 60, 80))
        x += w + 6
        i += 1
    img.save(path, optimize=True)


def _photo(size: tuple[int, int], top, bottom, sun, ground) -> Image.Image:
    w, h = size
    img, draw = _gradient(size, top, bottom)
    r = min(w, h) // 8
    cx, cy = int(w * 0.7), int(h * 0.4)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=sun)
    draw.polygon([(0, int(h * 0.75)), (w // 3, int(h * 0.62)), (w, int(h * 0.8)), (w, h), (0, h)],
                 fill=ground)  # fmt: skip
    return img


def harbour(path: Path) -> None:
    """640 × 480 (4:3) JPEG: sunset over water."""
    img = _photo((640, 480), (255, 140, 60), (255, 220, 170), (255, 245, 200), (30, 60, 110))
    img.save(path, quality=80, optimize=True)


def market(path: Path) -> None:
    """480 × 640 (3:4) JPEG, portrait: a bright morning."""
    img = _photo((480, 640), (120, 180, 240), (230, 240, 250), (255, 250, 220), (120, 90, 60))
    img.save(path, quality=80, optimize=True)


def alley(path: Path) -> None:
    """640 × 360 (16:9) JPEG: dusk."""
    img = _photo((640, 360), (40, 30, 90), (200, 110, 160), (250, 230, 180), (30, 30, 40))
    img.save(path, quality=80, optimize=True)


IMAGES: dict[str, Callable[[Path], None]] = {
    "diagram.png": diagram,
    "lighthouse-tall.png": tall,
    "skyline-wide.png": wide,
    "harbour.jpg": harbour,
    "market.jpg": market,
    "alley.jpg": alley,
}


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name, make in IMAGES.items():
        path = out / name
        make(path)
        size = path.stat().st_size
        with Image.open(path) as im:
            print(f"{path}: {im.size[0]}x{im.size[1]}, {size:,} bytes")
        if size >= MAX_BYTES:
            print(f"error: {path} is {size:,} bytes (limit {MAX_BYTES:,})", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
