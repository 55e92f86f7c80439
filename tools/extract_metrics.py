#!/usr/bin/env python3
"""Extract the font metrics deckgen ships, from the free metric-compatible fonts.

deckgen must measure text the way PowerPoint and LibreOffice will lay it out without
depending on the fonts installed on the user's machine, so we ship the few numbers that
matter: advance widths per code point and the vertical metrics that decide line height.
The fonts are the free twins of the Office fonts (same advance widths by design): Carlito
(Calibri), Caladea (Cambria), Liberation Sans/Serif/Mono (Arial, Times New Roman, Courier
New). Code points no twin has are measured, at render time, in the fallback font the
renderer picks; we store the widest of DejaVu Sans and Liberation Sans for those, and the
code points Noto Color Emoji covers.

Run ``python tools/extract_metrics.py`` (needs fontTools and the fonts: Debian packages
fonts-crosextra-carlito, fonts-crosextra-caladea, fonts-liberation2, fonts-dejavu-core,
fonts-noto-color-emoji). It rewrites ``deckgen/fonts/metrics.json.gz`` deterministically.
"""

from __future__ import annotations

import argparse
import binascii
import gzip
import json
import sys
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]

STYLES = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bolditalic": "BoldItalic"}
FAMILIES = {
    "Carlito": "Carlito-{}.ttf",
    "Caladea": "Caladea-{}.ttf",
    "Liberation Sans": "LiberationSans-{}.ttf",
    "Liberation Serif": "LiberationSerif-{}.ttf",
    "Liberation Mono": "LiberationMono-{}.ttf",
}
FALLBACK_FILES = [
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
]
# Fonts without a twin are shown by LibreOffice in its default fonts (DejaVu Sans or Serif,
# per fontconfig), which are wider than most such fonts (Segoe UI, Aptos, Calibri Light …).
# Per code point and style, the widest of these is what an unknown font is measured as.
UNKNOWN = "Unknown"
UNKNOWN_FILES = {
    "regular": ["DejaVuSans.ttf", "DejaVuSerif.ttf", "LiberationSans-Regular.ttf"],
    "bold": ["DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf", "LiberationSans-Bold.ttf"],
    "italic": ["DejaVuSans-Oblique.ttf", "DejaVuSerif-Italic.ttf", "LiberationSans-Italic.ttf"],
    "bolditalic": [
        "DejaVuSans-BoldOblique.ttf",
        "DejaVuSerif-BoldItalic.ttf",
        "LiberationSans-BoldItalic.ttf",
    ],
}
EMOJI_FILE = "NotoColorEmoji.ttf"
CJK_FILES = ["NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc"]


def find(name: str) -> Path:
    for d in FONT_DIRS:
        if d.is_dir():
            for p in sorted(d.rglob(name)):
                return p
    raise SystemExit(f"error: font file {name} not found under {', '.join(map(str, FONT_DIRS))}")


def segments(widths: dict[int, int]) -> list[tuple[int, list[int]]]:
    """Consecutive code points as ``[first, [w, w, …]]``; gzip takes care of repetition."""
    out: list[tuple[int, list[int]]] = []
    for cp in sorted(widths):
        if out and cp == out[-1][0] + len(out[-1][1]):
            out[-1][1].append(widths[cp])
        else:
            out.append((cp, [widths[cp]]))
    return out


def vertical(font: TTFont) -> dict[str, Any]:
    hhea, os2 = font["hhea"], font["OS/2"]
    return {
        "hhea": [hhea.ascent, -hhea.descent, hhea.lineGap],
        "typo": [os2.sTypoAscender, -os2.sTypoDescender, os2.sTypoLineGap],
        "win": [os2.usWinAscent, os2.usWinDescent],
        "use_typo": bool(os2.fsSelection & (1 << 7)),
    }


def line_factor(v: dict[str, Any], upm: int) -> float:
    """The font's own single-spacing line height in em (hhea, or typo when flagged).

    Measured: LibreOffice lays out PPTX text at 1.2 em per line at 100 % spacing for every
    font we ship (Carlito's 1.22, Caladea's 1.15 alike), as PowerPoint does; deckgen uses
    the larger of 1.2 and this value. The win metrics are not used: the twins' win values
    are not the originals' (Caladea 1.30, Cambria 1.17).
    """
    a, d, g = v["hhea"]
    ta, td, tg = v["typo"]
    lines = [a + d + g] + ([ta + td + tg] if v["use_typo"] else [])
    return round(max(lines) / upm, 4)


def unknown_face(files: list[str]) -> dict[str, Any]:
    """Per code point the widest of several fonts, in units of 1000 per em."""
    widths: dict[int, int] = {}
    line = 0.0
    for name in files:
        font = TTFont(find(name), lazy=True)
        upm = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        line = max(line, line_factor(vertical(font), upm))
        for cp, g in font.getBestCmap().items():
            if cp >= 0x20:
                widths[cp] = max(widths.get(cp, 0), -(-hmtx[g][0] * 1000 // upm))
    return {"upm": 1000, "line": line, "widths": segments(widths)}


def face_data(path: Path) -> dict[str, Any]:
    font = TTFont(path, lazy=True)
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    widths = {cp: hmtx[g][0] for cp, g in font.getBestCmap().items() if cp >= 0x20}
    v = vertical(font)
    return {"upm": upm, **v, "line": line_factor(v, upm), "widths": segments(widths)}


def fallback_widths() -> dict[int, int]:
    """Per mille of an em, the widest of the fallback fonts for each code point."""
    out: dict[int, int] = {}
    for name in FALLBACK_FILES:
        font = TTFont(find(name), lazy=True)
        upm = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        for cp, g in font.getBestCmap().items():
            if cp < 0x20:
                continue
            w = -(-hmtx[g][0] * 1000 // upm)  # round up
            out[cp] = max(out.get(cp, 0), w)
    return out


def packed(segments: list[tuple[int, list[int]]]) -> list[tuple[int, str]]:
    """Width segments as ``[first, base64 of little-endian uint16s]``: deckgen reads a string
    per segment (fast) instead of one JSON number per code point (about 15 ms a start)."""
    out = []
    for first, widths in segments:
        assert all(0 <= w < 65536 for w in widths)
        blob = b"".join(w.to_bytes(2, "little") for w in widths)
        out.append((first, binascii.b2a_base64(blob, newline=False).decode("ascii")))
    return out


def write(data: dict[str, Any], path: Path) -> tuple[int, int]:
    """Write ``data`` (widths as number lists) packed and gzipped, deterministically; return
    (file size, JSON size)."""
    data = json.loads(json.dumps(data))  # a copy
    for styles in data["families"].values():
        for face in styles.values():
            face["widths"] = packed(face["widths"])
    data["fallback"]["widths"] = packed(data["fallback"]["widths"])
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(raw)
    return path.stat().st_size, len(raw)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "deckgen" / "fonts" / "metrics.json.gz",
    )
    args = ap.parse_args(argv)

    families: dict[str, dict[str, Any]] = {}
    covered: set[int] | None = None
    for family, pattern in FAMILIES.items():
        families[family] = {}
        for style, suffix in STYLES.items():
            path = find(pattern.format(suffix))
            data = face_data(path)
            families[family][style] = data
            cps = {cp for first, ws in data["widths"] for cp in range(first, first + len(ws))}
            covered = cps if covered is None else covered & cps
    assert covered is not None
    families[UNKNOWN] = {style: unknown_face(files) for style, files in UNKNOWN_FILES.items()}

    fb = {cp: w for cp, w in fallback_widths().items() if cp not in covered}

    emoji_font = TTFont(find(EMOJI_FILE), lazy=True)
    eupm = emoji_font["head"].unitsPerEm
    ehm = emoji_font["hmtx"]
    emoji = {
        cp: -(-ehm[g][0] * 1000 // eupm)
        for cp, g in emoji_font.getBestCmap().items()
        if cp > 0xFF and ehm[g][0] > 0
    }
    ev = vertical(emoji_font)

    cjk_lines = []
    for name in CJK_FILES:
        try:
            cf = TTFont(find(name), lazy=True, fontNumber=0)
        except SystemExit:
            continue
        cjk_lines.append(line_factor(vertical(cf), cf["head"].unitsPerEm))

    data = {
        "version": 2,
        "source": "tools/extract_metrics.py",
        "families": families,
        "fallback": {"widths": segments(fb)},
        "emoji": {
            "width": max(emoji.values()),
            "line": line_factor(ev, eupm),
            "ranges": [[first, len(ws)] for first, ws in segments(emoji)],
        },
        "cjk": {"width": 1000, "line": max(cjk_lines, default=1.45)},
    }
    size, raw_size = write(data, args.output)
    print(f"wrote {args.output} ({size} bytes, {raw_size} raw)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
