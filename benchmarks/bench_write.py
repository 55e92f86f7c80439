"""How render's cost grows with deck size (a script, not a test).

    python benchmarks/bench_write.py [TEMPLATE] [--sizes 1000,4000]

Builds decks of N insight slides with notes, a link, code and bold spans on every slide, from
the synthetic prototype template (or TEMPLATE), and prints seconds per size and the ratio to
the smallest size. The target is linear growth: 4,000 slides ≤ 4.5x 1,000 slides.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's deckgen and its tests' template maker

from deckgen.model import (  # noqa: E402
    SLIDE_NUMBER,
    SLIDE_TOTAL,
    Deck,
    Frame,
    Para,
    SlideSpec,
    Span,
    Theme,
)
from deckgen.render import load_theme, write  # noqa: E402
from tests.render.make_templates import prototype_template  # noqa: E402


def deck_of(theme: Theme, n: int) -> Deck:
    proto = theme.prototypes["insight"]
    slides = []
    for i in range(n):
        frames = []
        for s in proto.shapes:
            runs = (
                Span(f"{i + 1}. {s.name}: "),
                Span("bold", bold=True),
                Span(" code()", code=True),
                Span(" link", link=f"https://example.com/{i}"),
                Span(f" {SLIDE_NUMBER} / {SLIDE_TOTAL}"),
            )
            paras = tuple(Para(runs, proto=k) for k in range(max(1, len(s.paragraphs))))
            frames.append(Frame(s.shape_id, paras))
        slides.append(
            SlideSpec("insight", f"Insight {i}", tuple(frames), notes=f"Notes {i}\nline two")
        )
    return Deck(tuple(slides), theme, "Bench", properties={"created": "2024-01-01T00:00:00Z"})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("template", nargs="?")
    ap.add_argument("--sizes", default="1000,4000")
    ap.add_argument("--repeat", type=int, default=3, help="best of N (the machine may be busy)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.template) if args.template else prototype_template(Path(tmp) / "t.pptx")
        theme = load_theme(path)
        write(deck_of(theme, 10), Path(tmp) / "warm.pptx")  # imports, caches
        base: tuple[float, float] | None = None
        for n in sizes:
            deck = deck_of(theme, n)
            times, cpu = [], []
            for _ in range(args.repeat):
                gc.collect()
                t0, c0 = time.perf_counter(), time.process_time()
                write(deck, Path(tmp) / f"d{n}.pptx")
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            dt, dc = min(times), min(cpu)
            if base is None:
                base = (dt / n * sizes[0], dc / n * sizes[0])
            size = (Path(tmp) / f"d{n}.pptx").stat().st_size
            print(
                f"{n:6d} slides  wall {dt:6.2f} s ({dt / base[0]:4.2f}x)  "
                f"cpu {dc:6.2f} s ({dc / base[1]:4.2f}x)  {size / 1e6:5.1f} MB"
            )


if __name__ == "__main__":
    main()
