"""deckgen's speed and memory, each figure against a baseline measured in the same run.

    python benchmarks/bench.py            # about 7 minutes on a 2-core machine
    python benchmarks/bench.py --quick    # fewer repetitions, about 3 minutes
    python benchmarks/bench.py --elements-only [--quick]   # only issue 11's figures

Figures (targets from issue 6):

- 1,000 insights: ``deckgen build`` vs ``pandoc in.md -o out.pptx`` on equivalent Markdown
  (same slides and text; pandoc gets no speaker notes, deckgen writes them)      <= 0.25x
- cold ``deckgen build content.md`` vs ``python -c "import pptx"``               <= 1.3x
  (a new process; the template cache is warm, as Python's bytecode cache is: the template
  was read by an earlier build. Also shown, without a target: the first build from a
  template, with an empty template cache, which imports python-pptx to read it)
- warm rebuild of content.md via ``deckgen.build(source, output)`` in a running
  process vs pandoc's cold time on the same deck                                 <= 0.3x
- ``deckgen --help`` vs ``python -c "import pptx"``                              <= 0.5x
- 4,000 vs 1,000 insights, build time with notes (the time the build reports,
  so the interpreter's start does not flatter the ratio)                          <= 4.5x
- peak memory (max RSS of the build process) at 1,000 and 4,000 insights
- 1,000 sections with elements (issue 11): a picture on every third, a table on every
  fifth, code on every seventh (benchmarks/elements_doc.py; three picture files reused),
  ``deckgen build`` vs ``pandoc in.md -o out.pptx`` on the same Markdown, both run in the
  folder with the pictures                                                      <= 0.25x
  and 4,000 vs 1,000 such sections (build)                                        <= 4.5x;
  also shown: how many media parts the 1,000-section deck stores (one per distinct file)
- warm render (issue 12): what ``deckgen serve`` does after a save of content.md, build the
  deck, have the warm LibreOffice make its PDF and turn that into one PNG per slide, vs a
  cold ``soffice --convert-to pdf`` of the same deck (a new LibreOffice in a kept profile,
  the deck already built, no pictures)                                          <= 0.4x
  Both run alternately in one process, so that load on the machine hits both; skipped
  without LibreOffice.

Big inputs are content.md's insights repeated and renumbered. Small timings are medians of
15 runs (7 with --quick), deckgen and its baseline interleaved so that load on the machine
hits both: the start-up figures differ by tens of milliseconds, which a busy spell on a
shared machine can move. Big decks run in 5 rounds (2 with --quick), each round deckgen's
1,000, pandoc's 1,000 and deckgen's 4,000 (the element documents the same, in rounds of
their own); each side's median round counts (of two, the faster, for both sides alike).
Child processes run with Python's bytecode cache on (in a private folder), as an installed
deckgen would: with PYTHONDONTWRITEBYTECODE set, every start would recompile deckgen's
sources, which no installed package does. Nothing here is a test; nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from elements_doc import PICTURES, copy_pictures, elements_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.md"

# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Summary:
    title: str
    insights: list[tuple[str, list[str]]]  # (title, bullet lines without "- ")
    conclusion: list[str]  # the paragraph, then closing lines


def read_summary(path: Path) -> Summary:
    """content.md's parts, by its plain-text shape (title line, ``N. Title:``, bullets,
    ``Conclusion``)."""
    lines = [ln.rstrip() for ln in path.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln.strip()]
    title = lines[0]
    insights: list[tuple[str, list[str]]] = []
    conclusion: list[str] = []
    in_conclusion = False
    for line in lines[1:]:
        if in_conclusion:
            conclusion.append(line)
        elif line.strip().lower() == "conclusion":
            in_conclusion = True
        elif m := re.match(r"^\d+\.\s+(.*)$", line):
            insights.append((m.group(1).rstrip(":").strip(), []))
        elif insights and line.lstrip().startswith("- "):
            insights[-1][1].append(line.lstrip()[2:])
    if not insights or not conclusion:
        raise SystemExit(f"{path}: expected numbered insights and a Conclusion section")
    return Summary(title, insights, conclusion)


def deckgen_markdown(s: Summary, n: int) -> str:
    """n insights in content.md's own shape."""
    out = [s.title]
    for i in range(n):
        title, bullets = s.insights[i % len(s.insights)]
        out.append(f"{i + 1}. {title}:")
        out += [f"- {b}" for b in bullets]
    out.append("Conclusion")
    out += s.conclusion
    return "\n".join(out) + "\n"


def pandoc_markdown(s: Summary, n: int) -> str:
    """The same slides for pandoc: a title slide, one ``##`` slide per insight with the
    same bullets, a conclusion slide with the same paragraphs."""
    title = s.title.replace('"', '\\"')
    out = ["---", f'title: "{title}"', "---", ""]
    for i in range(n):
        t, bullets = s.insights[i % len(s.insights)]
        out += [f"## {i + 1}. {t}", ""] + [f"- {b}" for b in bullets] + [""]
    out += ["## Conclusion", ""]
    for para in s.conclusion:
        out += [para, ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    seconds: float
    """Wall time of the whole process."""
    cpu: float
    """User + system CPU time of the process."""
    max_rss_mb: float | None
    stdout: str
    returncode: int


class Runner:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
        env["PYTHONUNBUFFERED"] = "1"
        env.pop("DECKGEN_NO_CACHE", None)
        env["DECKGEN_CACHE_DIR"] = str(workdir / "template-cache")  # private, like pycache
        self.env = env
        self.fresh = 0

    def empty_cache_env(self) -> dict[str, str]:
        """The environment with a new, empty template cache folder."""
        self.fresh += 1
        return {**self.env, "DECKGEN_CACHE_DIR": str(self.workdir / f"empty-cache-{self.fresh}")}

    def run(
        self, argv: Sequence[str], *, check: bool = True, env: dict[str, str] | None = None
    ) -> Run:
        out_path = self.workdir / "stdout.txt"
        err_path = self.workdir / "stderr.txt"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(
                list(argv), stdout=out, stderr=err, cwd=self.workdir, env=env or self.env
            )
            rss: float | None = None
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - started
                proc.returncode = os.waitstatus_to_exitcode(status)
                cpu = usage.ru_utime + usage.ru_stime
                scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
                rss = usage.ru_maxrss * scale / 2**20
            else:  # pragma: no cover - Windows: no per-child rusage
                proc.wait()
                seconds = time.perf_counter() - started
                cpu = float("nan")
        stdout = out_path.read_text(encoding="utf-8", errors="replace")
        if check and proc.returncode != 0:
            stderr = err_path.read_text(encoding="utf-8", errors="replace")
            raise SystemExit(f"command failed ({proc.returncode}): {' '.join(argv)}\n{stderr}")
        return Run(seconds, cpu, rss, stdout, proc.returncode)


def interleaved(runner: Runner, a: Sequence[str], b: Sequence[str], n: int) -> tuple[Run, Run]:
    """Median runs of two commands, alternated; one unrecorded warm-up of each first."""
    runner.run(a)
    runner.run(b)
    ra: list[Run] = []
    rb: list[Run] = []
    for _ in range(n):
        ra.append(runner.run(a))
        rb.append(runner.run(b))
    return _median(ra), _median(rb)


def _median(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[(len(ordered) - 1) // 2]


def deckgen_command() -> list[str]:
    """The installed ``deckgen`` script of this interpreter, else ``python -m deckgen``."""
    folder = Path(sys.executable).parent
    for name in ("deckgen", "deckgen.exe"):
        script = folder / name
        if script.is_file():
            return [str(script)]
    return [sys.executable, "-m", "deckgen"]


_BUILD_SECONDS = re.compile(r"\((\d+) slides\) in ([0-9.]+) s")


def reported_build(run: Run) -> tuple[int, float]:
    m = _BUILD_SECONDS.search(run.stdout)
    if not m:
        raise SystemExit(f"unexpected deckgen output: {run.stdout!r}")
    return int(m.group(1)), float(m.group(2))


WARM = """
import json, sys, time
import deckgen
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
deckgen.build(src, out)  # the first build loads the theme and compiles its templates
text = open(src, encoding="utf-8").read()
result = {"path": [], "text": []}
for _ in range(n):  # alternated: later rebuilds run a little faster (adaptive interpreter)
    for label, arg in (("path", src), ("text", text)):
        t, c = time.perf_counter(), time.process_time()
        deckgen.build(arg, out)
        result[label].append((time.perf_counter() - t, time.process_time() - c))
print(json.dumps(result))
"""


WARM_RENDER = """
import json, os, subprocess, sys, tempfile, time
from pathlib import Path
from deckgen.model import BuildOptions
from deckgen.office import ColdOffice, find_soffice, open_office
from deckgen.serve import Session
src, n = sys.argv[1], int(sys.argv[2])
office = open_office()
session = Session(src, BuildOptions(), office)
soffice = find_soffice()
profile = Path(tempfile.mkdtemp(prefix="bench-lo-"))
out = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
deck = Path("cold.pptx")
def cold():
    t = time.perf_counter()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(deck)],
        check=True, capture_output=True, start_new_session=True,
    )
    return time.perf_counter() - t
result = {"warm": [], "cold": [], "renderer": office.kind, "slides": 0}
try:
    assert session.rebuild(), session.error   # starts LibreOffice, loads the theme
    import deckgen
    deckgen.build(src, deck)
    cold()  # creates the cold profile
    for _ in range(n):
        t = time.perf_counter()
        ok = session.rebuild()
        result["warm"].append(time.perf_counter() - t)
        assert ok, session.error
        result["cold"].append(cold())
    result["slides"] = len(session.good.images)
finally:
    office.close()
    session.close()
print(json.dumps(result))
"""


# --------------------------------------------------------------------------- report


@dataclass
class Figure:
    name: str
    value: str
    baseline: str
    ratio: float | None = None
    target: float | None = None
    cpu_ratio: float | None = None
    """The same ratio in CPU seconds (user+sys): less sensitive to a busy machine."""
    skipped: bool = False

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "SKIP"
        if self.ratio is None or self.target is None:
            return "-"
        return "PASS" if self.ratio <= self.target else "FAIL"


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _x(ratio: float | None) -> str:
    return f"{ratio:.2f}x" if ratio is not None else ""


def _versus(name: str, run: Run, base: Run, label: str, target: float | None) -> Figure:
    """``run`` against ``base`` (named ``label``), wall and CPU time."""
    return Figure(
        name,
        _s(run.seconds),
        f"{label} {_s(base.seconds)}",
        run.seconds / base.seconds,
        target,
        run.cpu / base.cpu,
    )


def print_table(figures: list[Figure]) -> None:
    headers = ("figure", "deckgen", "baseline", "ratio", "target", "result", "cpu ratio")
    rows = [
        (
            f.name,
            f.value,
            f.baseline,
            _x(f.ratio),
            f"<= {f.target}x" if f.target is not None else "",
            f.verdict,
            _x(f.cpu_ratio),
        )
        for f in figures
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def _warm_render(runner: Runner, py: list[str], n: int) -> Figure:
    name = "warm render content.md -> slide PNGs"
    if shutil.which("soffice") is None:
        return Figure(name, "-", "no soffice", target=0.4, skipped=True)
    print(f"warm render: {n} rebuilds to pictures, each followed by a cold soffice …", flush=True)
    run = runner.run([*py, "-c", WARM_RENDER, "content.md", str(n)], check=False)
    if run.returncode != 0:
        err = (runner.workdir / "stderr.txt").read_text(encoding="utf-8", errors="replace")
        print(f"warm render failed: {err.strip().splitlines()[-1:] or '?'}")
        return Figure(name, "failed", "", target=0.4, skipped=True)
    data = json.loads(run.stdout.strip().splitlines()[-1])
    warm = statistics.median(data["warm"])
    cold = statistics.median(data["cold"])
    label = f"{name} ({data['slides']}, {data['renderer']})"
    return Figure(label, _s(warm), f"soffice cold {_s(cold)}", warm / cold, 0.4)


def machine() -> str:
    import importlib.metadata as md

    try:
        pptx_version = md.version("python-pptx")
    except md.PackageNotFoundError:
        pptx_version = "?"
    try:
        load = ", load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):
        load = ""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs{load}; "
        f"Python {platform.python_version()}, python-pptx {pptx_version}"
    )


def pandoc_version(pandoc: str) -> str:
    out = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0] if out.stdout else "pandoc"


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (noisier)")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep the inputs and decks")
    ap.add_argument("--pandoc", default=shutil.which("pandoc"), help="pandoc to compare with")
    ap.add_argument(
        "--render-only", action="store_true", help="only the warm render figure (LibreOffice)"
    )
    ap.add_argument(
        "--elements-only",
        action="store_true",
        help="only the figures of the document with pictures, tables and code (issue 11)",
    )
    args = ap.parse_args(argv)

    small_runs = 7 if args.quick else 15
    big_runs = 2 if args.quick else 5
    if args.keep:
        workdir = Path(args.keep).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        cleanup: Callable[[], None] = lambda: None  # noqa: E731
    else:
        tmp = tempfile.TemporaryDirectory(prefix="deckgen-bench-")
        workdir = Path(tmp.name)
        cleanup = tmp.cleanup
    try:
        return _bench(
            workdir,
            args.pandoc,
            small_runs,
            big_runs,
            args.quick,
            args.render_only,
            args.elements_only,
        )
    finally:
        cleanup()


def _bench(
    workdir: Path,
    pandoc: str | None,
    small_runs: int,
    big_runs: int,
    quick: bool,
    render_only: bool = False,
    elements_only: bool = False,
) -> int:
    summary = read_summary(CONTENT)
    (workdir / "content.md").write_text(CONTENT.read_text(encoding="utf-8"), encoding="utf-8")
    for n in (1000, 4000):
        (workdir / f"in{n}.md").write_text(deckgen_markdown(summary, n), encoding="utf-8")
    small_pandoc_md = f"pandoc{len(summary.insights)}.md"
    (workdir / small_pandoc_md).write_text(
        pandoc_markdown(summary, len(summary.insights)), encoding="utf-8"
    )
    (workdir / "pandoc1000.md").write_text(pandoc_markdown(summary, 1000), encoding="utf-8")
    pictures = copy_pictures(workdir)
    for n in (1000, 4000):
        (workdir / f"elements{n}.md").write_text(elements_markdown(n, pictures), encoding="utf-8")

    runner = Runner(workdir)
    dg = deckgen_command()
    py = [sys.executable]
    print("deckgen benchmarks")
    print(f"machine: {machine()}")
    if pandoc:
        print(f"baseline: {pandoc_version(pandoc)} ({pandoc})")
    else:
        print("baseline: pandoc not found on PATH: the pandoc comparisons are skipped")
    print(
        f"deckgen: {' '.join(dg)}; {'--quick: ' if quick else ''}medians of {small_runs} "
        f"runs (small timings) and {big_runs} (1,000/4,000 insights)",
        flush=True,
    )
    figures: list[Figure] = []

    # warm the bytecode cache and the page cache
    runner.run([*dg, "build", "content.md", "-o", "warmup.pptx"])
    if render_only:
        return _report([_warm_render(runner, py, 5 if quick else 9)])
    if elements_only:
        return _report(_elements(runner, dg, pandoc, big_runs))

    # -- cold build of content.md vs the python-pptx import floor
    floor_cmd = [*py, "-c", "import pptx"]
    build_cmd = [*dg, "build", "content.md", "-o", "content.pptx"]
    cold, floor = interleaved(runner, build_cmd, floor_cmd, small_runs)
    name = "cold `deckgen build content.md` (template cache warm)"
    figures.append(_versus(name, cold, floor, "import pptx", 1.3))
    # -- the same, the first time this template is used (empty template cache): no target
    firsts: list[Run] = []
    floors: list[Run] = []
    for _ in range(small_runs):
        firsts.append(runner.run(build_cmd, env=runner.empty_cache_env()))
        floors.append(runner.run(floor_cmd))
    first, floor_f = _median(firsts), _median(floors)
    name = "first build, empty template cache"
    figures.append(_versus(name, first, floor_f, "import pptx", None))

    # -- --help vs the import floor
    helped, floor2 = interleaved(runner, [*dg, "--help"], floor_cmd, small_runs)
    figures.append(_versus("`deckgen --help`", helped, floor2, "import pptx", 0.5))

    # -- warm rebuild through the API vs pandoc's cold build of the same deck
    # rounds of (a process doing warm rebuilds, a cold pandoc run), so that a busy spell on
    # the machine does not fall on one side only
    warm: dict[str, list[tuple[float, float]]] = {"path": [], "text": []}
    pandoc_runs: list[Run] = []
    for _ in range(3 if quick else 5):
        warm_run = runner.run([*py, "-c", WARM, "content.md", "warm.pptx", "4"])
        for label, pairs in json.loads(warm_run.stdout.strip().splitlines()[-1]).items():
            warm[label] += [tuple(p) for p in pairs]
        if pandoc:
            pandoc_runs.append(runner.run([pandoc, small_pandoc_md, "-o", "p-small.pptx"]))
    pandoc_small = _median(pandoc_runs) if pandoc_runs else None
    for label in ("path", "text"):
        wall = statistics.median(w for w, _ in warm[label])
        cpu = statistics.median(c for _, c in warm[label])
        name = f"warm rebuild, deckgen.build({label})"
        if pandoc_small is None:
            figures.append(Figure(name, _s(wall), "no pandoc", target=0.3, skipped=True))
            continue
        figures.append(
            Figure(
                name,
                _s(wall),
                f"pandoc cold {_s(pandoc_small.seconds)}",
                wall / pandoc_small.seconds,
                0.3,
                cpu / pandoc_small.cpu,
            )
        )

    # -- 1,000 and 4,000 insights, pandoc in between
    big, pandoc_big = _rounds(
        runner, dg, pandoc, big_runs, "big decks", ("in", "pandoc", "out", "p", "out")
    )
    print()
    d1000, d4000 = _median(big[1000]), _median(big[4000])
    slides = {n: reported_build(big[n][0])[0] for n in big}
    build = {n: statistics.median(reported_build(r)[1] for r in big[n]) for n in big}
    if pandoc_big:
        p1000 = _median(pandoc_big)
        figures.append(_versus("1,000 insights vs pandoc", d1000, p1000, "pandoc", 0.25))
    else:
        figures.append(
            Figure("1,000 insights vs pandoc", _s(d1000.seconds), "no pandoc", skipped=True)
        )
    figures.append(
        Figure(
            "4,000 vs 1,000 insights (build)",
            _s(build[4000]),
            f"1,000: {_s(build[1000])}",
            build[4000] / build[1000],
            4.5,
        )
    )
    figures.append(_versus("4,000 vs 1,000 insights (command)", d4000, d1000, "1,000:", None))
    for n, run in ((1000, d1000), (4000, d4000)):
        rss = f"{run.max_rss_mb:.0f} MB" if run.max_rss_mb is not None else "n/a"
        figures.append(Figure(f"peak memory, {n:,} insights", rss, f"{slides[n]} slides"))

    # -- 1,000 and 4,000 sections with pictures, tables and code (issue 11)
    figures += _elements(runner, dg, pandoc, big_runs)

    # -- warm render to slide pictures vs a cold soffice --convert-to pdf (issue 12)
    figures.append(_warm_render(runner, py, 5 if quick else 9))
    return _report(figures)


def _rounds(
    runner: Runner,
    dg: list[str],
    pandoc: str | None,
    rounds: int,
    what: str,
    names: tuple[str, str, str, str, str],
) -> tuple[dict[int, list[Run]], list[Run]]:
    """deckgen on the 1,000- and 4,000-section inputs with pandoc on the 1,000 one between,
    in alternating rounds (so a change in the host's load touches all three alike).
    ``names``: the prefixes of deckgen's input, pandoc's input, deckgen's 1,000 output,
    pandoc's output and deckgen's 4,000 output, each followed by the size."""
    source, pandoc_source, out1000, pandoc_out, out4000 = names
    big: dict[int, list[Run]] = {1000: [], 4000: []}
    pandoc_runs: list[Run] = []
    for i in range(rounds):
        print(f"{what}, round {i + 1} of {rounds} …", flush=True)
        big[1000].append(
            runner.run([*dg, "build", f"{source}1000.md", "-o", f"{out1000}1000.pptx"])
        )
        if pandoc:
            pandoc_runs.append(
                runner.run([pandoc, f"{pandoc_source}1000.md", "-o", f"{pandoc_out}1000.pptx"])
            )
        big[4000].append(
            runner.run([*dg, "build", f"{source}4000.md", "-o", f"{out4000}4000.pptx"])
        )
    return big, pandoc_runs


def _media_parts(deck: Path) -> int:
    import zipfile

    with zipfile.ZipFile(deck) as zf:
        return sum(1 for name in zf.namelist() if name.startswith("ppt/media/"))


def _elements(runner: Runner, dg: list[str], pandoc: str | None, rounds: int) -> list[Figure]:
    """Issue 11's figures: the document of benchmarks/elements_doc.py at 1,000 and 4,000
    sections, deckgen's 1,000 against pandoc's on the same Markdown, in alternating rounds
    like the insight decks."""
    big, pandoc_runs = _rounds(
        runner,
        dg,
        pandoc,
        rounds,
        "decks with pictures, tables and code",
        ("elements", "elements", "el", "p-el", "el"),
    )
    d1000 = _median(big[1000])
    slides = {n: reported_build(big[n][0])[0] for n in big}
    build = {n: statistics.median(reported_build(r)[1] for r in big[n]) for n in big}
    name = f"1,000 sections with elements vs pandoc ({slides[1000]} slides)"
    figures = []
    if pandoc_runs:
        figures.append(_versus(name, d1000, _median(pandoc_runs), "pandoc", 0.25))
    else:
        figures.append(Figure(name, _s(d1000.seconds), "no pandoc", target=0.25, skipped=True))
    figures.append(
        Figure(
            "4,000 vs 1,000 sections with elements (build)",
            _s(build[4000]),
            f"1,000: {_s(build[1000])}",
            build[4000] / build[1000],
            4.5,
        )
    )
    media = _media_parts(runner.workdir / "el1000.pptx")
    distinct = f"{len(PICTURES)} distinct pictures"
    if pandoc_runs:
        distinct += f"; pandoc: {_media_parts(runner.workdir / 'p-el1000.pptx')}"
    figures.append(Figure("media parts, 1,000 sections with elements", str(media), distinct))
    return figures


def _report(figures: list[Figure]) -> int:
    print_table(figures)
    print()
    print(
        "ratio: wall-time medians (PASS/FAIL is on these); cpu ratio: user+sys CPU seconds of "
        'the same runs.\nimport pptx = `python -c "import pptx"`, interpreter start plus '
        "the python-pptx import: the floor any python-pptx tool pays.\n(build) = the time the "
        "command reports for the build itself, without the interpreter's start.\nwarm render "
        "= a rebuild as `deckgen serve` makes it (deck, PDF by the LibreOffice kept running, "
        "a PNG per slide); soffice cold = `soffice --convert-to pdf` of the built deck."
    )
    failed = [f.name for f in figures if f.verdict == "FAIL"]
    print(f"{len(failed)} target(s) missed" + (": " + "; ".join(failed) if failed else "") + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
