#!/usr/bin/env python3
"""How well deckgen reads real summaries: the measures and targets of issue 10.

For every ``tests/fixtures/real/*.md`` (or the paths given) this builds the deck with
``python -m deckgen build FILE -o TMP/NAME.pptx`` and judges it with the shared
``deck-report.py`` (LibreOffice rendering, Open XML validation), passing the expected
structure from ``NAME.expect.json`` next to the source. It prints one row per document and
the totals against the targets of issue 10:

- at least 95 % of the expected sections are slide titles (in order);
- 0 documents refused (the build failed);
- at most 25 % of all slides are follow-ups (a title repeating an earlier slide's title);
- no document leaves more than 10 % of its words only in speaker notes;
- 0 words outside their boxes, 0 schema errors, every word kept (deck-report's "fidelity":
  the source's words found in slides and notes; it counts heading number words such as
  "Part" or "VI" too, so a number moved into a badge shows here).

A refused document counts as 0 sections found. This is a measuring tool, not a test: it
needs LibreOffice and takes a few seconds a document (21 fixtures: about a minute with
``-j 2``, which measures two at once).

Usage: python tools/structure_report.py [FILE.md ...] [-j 2] [--report deck-report.py]
       [--keep DIR] [--json]
Exit status: 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "real"
DEFAULT_REPORT = Path("/work/shared/tools/deck-report.py")

TARGET_SECTIONS = 0.95
TARGET_FOLLOWUPS = 0.25
TARGET_NOTES_ONLY = 0.10


@dataclass
class Row:
    name: str
    source: Path
    expected: int = 0
    refused: str | None = None  # the build's error (last stderr line), when it failed
    traceback: bool = False  # the build crashed with a Python traceback
    report_error: str | None = None  # deck-report.py failed or rendering failed
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def slides(self) -> int:
        return int(self.report.get("slides", 0))

    @property
    def followups(self) -> int:
        return int(self.report.get("continuation_slides", 0))

    @property
    def found(self) -> int:
        return int(self.report.get("sections_found_as_slide_titles", 0))

    @property
    def notes_only(self) -> float | None:
        v = self.report.get("notes_only_share")
        return None if v is None else float(v)

    @property
    def overflow(self) -> int | None:
        v = self.report.get("overflow_words")
        return None if v is None else int(v)

    @property
    def fidelity(self) -> float | None:
        v = self.report.get("fidelity")
        return None if v is None else float(v)

    @property
    def schema(self) -> int | None:
        v = self.report.get("schema_errors")
        return None if v is None else int(v)


def expectation(source: Path) -> dict[str, Any] | None:
    path = source.with_name(source.name[: -len(source.suffix)] + ".expect.json")
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def measure(source: Path, outdir: Path, report: Path) -> Row:
    name = source.stem
    row = Row(name=name, source=source)
    expect = expectation(source)
    if expect is not None:
        row.expected = len(expect.get("sections", []))
    deck = outdir / f"{name}.pptx"
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    build = subprocess.run(
        [sys.executable, "-m", "deckgen", "build", str(source), "-o", str(deck)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    if build.returncode != 0 or not deck.exists():
        err = build.stderr.strip().splitlines()
        row.traceback = "Traceback (most recent call last)" in build.stderr
        row.refused = err[-1] if err else f"exit {build.returncode}"
        return row
    cmd = [sys.executable, str(report), str(deck), "--source", str(source), "--json"]
    if expect is not None:
        cmd += ["--expect-json", json.dumps(expect, ensure_ascii=False)]
    judged = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    lines = [ln for ln in judged.stdout.splitlines() if ln.strip().startswith("{")]
    if judged.returncode != 0 or not lines:
        last = (judged.stderr.strip().splitlines() or [f"exit {judged.returncode}"])[-1]
        row.report_error = f"deck-report: {last}"
        return row
    row.report = json.loads(lines[-1])
    if "render_error" in row.report:
        row.report_error = f"render: {row.report['render_error']}"
    return row


def pct(x: float | None) -> str:
    return "?" if x is None else f"{100 * x:.1f}%"


def num(x: int | None) -> str:
    return "?" if x is None else str(x)


def title_mark(ok: Any) -> str:
    return "?" if ok is None else "yes" if ok else "no"


def table(rows: list[Row]) -> str:
    head = [
        "document",
        "refused",
        "slides",
        "follow-ups",
        "sections exp/found",
        "notes-only",
        "overflow words",
        "schema errors",
        "words kept",
        "title on slide 1",
    ]
    body = []
    for r in rows:
        if r.refused is not None:
            body.append(
                [
                    r.name,
                    "TRACEBACK" if r.traceback else "yes",
                    "-",
                    "-",
                    f"{r.expected}/0",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                ]
            )
            continue
        body.append(
            [
                r.name,
                "no",
                str(r.slides),
                str(r.followups),
                f"{r.expected}/{r.found}",
                pct(r.notes_only),
                num(r.overflow),
                num(r.schema),
                pct(r.fidelity),
                title_mark(r.report.get("title_on_first_slide")),
            ]
        )
    widths = [
        max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)
    ]
    out = [
        "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    for b in body:
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(b, widths, strict=True))
            )
        )
    return "\n".join(out)


def totals(rows: list[Row]) -> tuple[list[tuple[str, str, str, bool]], dict[str, Any]]:
    built = [r for r in rows if r.refused is None]
    expected = sum(r.expected for r in rows)
    found = sum(r.found for r in built)
    slides = sum(r.slides for r in built)
    followups = sum(r.followups for r in built)
    refused = len(rows) - len(built)
    notes = [r.notes_only for r in built]
    overflow = [r.overflow for r in built]
    schema = [r.schema for r in built]
    unknown = lambda xs: any(x is None for x in xs)  # noqa: E731
    share_sections = found / expected if expected else 1.0
    share_follow = followups / slides if slides else 0.0
    max_notes = max((x for x in notes if x is not None), default=0.0)
    worst = max(built, key=lambda r: r.notes_only or 0.0).name if built else "-"
    sum_over = sum(x or 0 for x in overflow)
    sum_schema = sum(x or 0 for x in schema)
    kept = [r.fidelity for r in built]
    min_kept = min((x for x in kept if x is not None), default=1.0)
    least = (
        min(built, key=lambda r: 1.0 if r.fidelity is None else r.fidelity).name if built else "-"
    )
    lines = [
        (
            "sections found as slide titles",
            f"{found}/{expected} = {pct(share_sections)}",
            ">= 95%",
            share_sections >= TARGET_SECTIONS,
        ),
        ("refused documents", f"{refused} of {len(rows)}", "0", refused == 0),
        (
            "follow-up slides",
            f"{followups}/{slides} = {pct(share_follow)}",
            "<= 25%",
            share_follow <= TARGET_FOLLOWUPS,
        ),
        (
            "max notes-only share",
            f"{pct(max_notes)} ({worst})" + (" + unknown" if unknown(notes) else ""),
            "<= 10% each",
            max_notes <= TARGET_NOTES_ONLY and not unknown(notes),
        ),
        (
            "overflow words",
            f"{sum_over}" + (" + unknown" if unknown(overflow) else ""),
            "0",
            sum_over == 0 and not unknown(overflow),
        ),
        (
            "schema errors",
            f"{sum_schema}" + (" + unknown" if unknown(schema) else ""),
            "0",
            sum_schema == 0 and not unknown(schema),
        ),
        (
            "min words kept (deck-report fidelity)",
            f"{pct(min_kept)} ({least})" + (" + unknown" if unknown(kept) else ""),
            "100%",
            min_kept >= 1.0 and not unknown(kept),
        ),
    ]
    summary = {
        "documents": len(rows),
        "refused": refused,
        "sections_expected": expected,
        "sections_found": found,
        "slides": slides,
        "followups": followups,
        "max_notes_only_share": max_notes,
        "overflow_words": sum_over,
        "schema_errors": sum_schema,
        "min_fidelity": min_kept,
        "targets_missed": sum(1 for ln in lines if not ln[3]),
    }
    return [(a, b, c, ok) for a, b, c, ok in lines], summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "paths", nargs="*", type=Path, help="summaries (default: tests/fixtures/real/*.md)"
    )
    ap.add_argument(
        "-j", "--jobs", type=int, default=1, help="documents measured at once (default 1)"
    )
    ap.add_argument(
        "--report",
        type=Path,
        default=DEFAULT_REPORT,
        help=f"deck-report.py (default {DEFAULT_REPORT})",
    )
    ap.add_argument("--keep", type=Path, help="keep the decks in this folder")
    ap.add_argument(
        "--json", action="store_true", help="also print every document's report as JSON lines"
    )
    a = ap.parse_args(argv)

    sources = [p.resolve() for p in a.paths] or sorted(FIXTURES.glob("*.md"))
    if not sources:
        print("no summaries found", file=sys.stderr)
        return 2
    if not a.report.exists():
        print(f"deck-report not found: {a.report}", file=sys.stderr)
        return 2
    tmp = None
    if a.keep:
        a.keep.mkdir(parents=True, exist_ok=True)
        outdir = a.keep.resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="structure_report_")
        outdir = Path(tmp.name)
    try:
        # threads are enough: each document's work happens in its own child processes
        with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            futures = [pool.submit(measure, s, outdir, a.report) for s in sources]
            rows = []
            for f in futures:
                row = f.result()
                print(f"  measured {row.name}", file=sys.stderr, flush=True)
                rows.append(row)
    finally:
        if tmp is not None:
            tmp.cleanup()

    print(table(rows))
    problems = [r for r in rows if r.refused or r.report_error]
    if problems:
        print()
        for r in problems:
            if r.refused:
                kind = "crashed (traceback)" if r.traceback else "refused"
                print(f"{r.name}: {kind}: {r.refused}")
            if r.report_error:
                print(f"{r.name}: {r.report_error}")
    if a.json:
        print()
        for r in rows:
            print(
                json.dumps(
                    {"document": r.name, "refused": r.refused, **r.report}, ensure_ascii=False
                )
            )
    lines, summary = totals(rows)
    print()
    w = max(len(x[0]) for x in lines)
    v = max(len(x[1]) for x in lines)
    t = max(len(x[2]) for x in lines)
    print(f"{'total'.ljust(w)}  {'value'.ljust(v)}  {'target'.ljust(t)}  result")
    for what, value, target, ok in lines:
        print(f"{what.ljust(w)}  {value.ljust(v)}  {target.ljust(t)}  {'PASS' if ok else 'FAIL'}")
    print(f"{summary['targets_missed']} target(s) missed.")
    return 0 if summary["targets_missed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
