"""The big document of issue 11's benchmark figure: sections with pictures, tables and code.

Section *i* (1-based) holds a sentence and two bullets; every third section also a picture,
every fifth a three-row table, every seventh a six-line code block. The pictures are a few
files reused in turn (the fixture set's), so a deck that stores each file once
(content-addressed media parts) holds only that many, however many slides show them.

The same Markdown goes to deckgen and to pandoc (``##`` headings, a title in the front
matter: pandoc makes one slide per ``##``), run in the folder that holds ``images/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "tests" / "fixtures" / "elements" / "images"
PICTURES = ("diagram.png", "harbour.jpg", "skyline-wide.png")
"""Reused in turn: three distinct files, about 330 uses in 1,000 sections."""

_TOPICS = (
    "Release cadence", "Caching the build", "Flaky tests", "Review latency", "Dependency drift",
    "Rollbacks", "Feature flags", "On-call load", "Cost per build", "Onboarding time",
)  # fmt: skip


def copy_pictures(folder: Path) -> list[str]:
    """Copy the reused pictures into ``folder/images``; their paths as the Markdown has them."""
    (folder / "images").mkdir(parents=True, exist_ok=True)
    for name in PICTURES:
        shutil.copyfile(IMAGES / name, folder / "images" / name)
    return [f"images/{name}" for name in PICTURES]


def elements_markdown(n: int, pictures: Sequence[str] = tuple(f"images/{p}" for p in PICTURES)):
    """``n`` sections, a picture on every third, a table on every fifth, code on every
    seventh."""
    out = ["---", 'title: "Engineering review: what the pipeline data says"', "---", ""]
    uses = 0
    for i in range(1, n + 1):
        topic = _TOPICS[i % len(_TOPICS)]
        out += [
            f"## {i}. {topic}, week {i}",
            "",
            f"In week {i} the team looked at {topic.lower()} again and agreed on one change.",
            "",
            f"- measured on {10 + i % 40} repositories",
            f"- next review in {2 + i % 6} weeks",
            "",
        ]
        if i % 3 == 0:
            path = pictures[uses % len(pictures)]
            uses += 1
            out += [f"![{topic} chart for week {i}]({path})", ""]
        if i % 5 == 0:
            out += [
                "| Metric | Before | After |",
                "|:--|--:|--:|",
                f"| median minutes | {12 + i % 9} | {8 + i % 5} |",
                f"| failed runs | {i % 17} | {i % 7} |",
                f"| cost (€) | {100 + i % 50} | {80 + i % 30} |",
                "",
            ]
        if i % 7 == 0:
            out += [
                "```python",
                f"def check_week_{i}(runs):",
                '    """Fail the review when the median grows."""',
                "    times = sorted(r.minutes for r in runs)",
                "    assert times, 'no runs this week'",
                "    median = times[len(times) // 2]",
                f"    return median <= {8 + i % 5}  # minutes",
                "```",
                "",
            ]
    return "\n".join(out)


if __name__ == "__main__":  # a look at the first sections
    print(elements_markdown(15))
