"""Many decks at once: ``deckgen build A.md B.md … -d OUTDIR``.

Each deck is built in a worker process (a build is CPU-bound Python, so threads would take
turns on the GIL). A failing input is reported and the others carry on; the caller gets one
:class:`Outcome` per source, in the order given, and decides the exit code.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from deckgen.errors import DeckgenError
from deckgen.model import BuildOptions

_GLOB_CHARS = frozenset("*?[")


_DEFAULTS = BuildOptions()


@dataclass(frozen=True)
class Job:
    """One deck to build; plain data so it can cross into a worker process."""

    source: str
    output: str
    options: BuildOptions = _DEFAULTS


@dataclass(frozen=True)
class Outcome:
    """What happened to one source of a batch build."""

    source: str
    output: str
    ok: bool
    slides: int = 0
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    """The one-line message (``where: what (hint)``) when ``ok`` is false."""


def expand(patterns: Iterable[str]) -> tuple[list[str], list[Outcome]]:
    """Sources from arguments, expanding globs the shell left alone (``'talks/*.md'``).

    An existing file is taken literally even if its name holds ``*`` or ``[``. A pattern
    that matches nothing becomes a failed outcome rather than stopping the batch. The same
    file named twice is built once.
    """
    sources: list[str] = []
    missing: list[Outcome] = []
    seen: set[str] = set()
    for pattern in patterns:
        if _GLOB_CHARS.intersection(pattern) and not os.path.exists(pattern):
            matches = sorted(m for m in glob.glob(pattern, recursive=True) if os.path.isfile(m))
            if not matches:
                missing.append(
                    Outcome(pattern, "", False, error=f"{pattern}: no files match this pattern")
                )
                continue
        else:
            matches = [pattern]
        for m in matches:
            key = os.path.normcase(os.path.abspath(m))
            if key not in seen:
                seen.add(key)
                sources.append(m)
    return sources, missing


def plan_jobs(
    sources: Sequence[str],
    outdir: str | os.PathLike[str] | None,
    options: BuildOptions = _DEFAULTS,
) -> tuple[list[Job], list[Outcome]]:
    """A job per source, its deck in ``outdir`` (or next to the source) named after it.

    Two sources that would write the same deck (``a/talk.md`` and ``b/talk.md`` into one
    folder) are not both built: the second fails with a message saying which one took the name.
    """
    jobs: list[Job] = []
    clashes: list[Outcome] = []
    taken: dict[str, str] = {}
    for src in sources:
        deck = Path(src).with_suffix(".pptx")
        out = str(Path(outdir) / deck.name) if outdir is not None else str(deck)
        key = os.path.normcase(os.path.abspath(out))
        if key in taken:
            clashes.append(
                Outcome(
                    src,
                    out,
                    False,
                    error=f"{src}: its deck {out} would overwrite the one built from "
                    f"{taken[key]} (rename one of them, or build it with -o)",
                )
            )
            continue
        taken[key] = src
        jobs.append(Job(src, out, options))
    return jobs, clashes


def build_one(job: Job) -> Outcome:
    """Build one deck and report, never raise: a bad input must not stop the batch."""
    from deckgen.api import build_with

    try:
        result = build_with(job.options, job.source, job.output)
    except DeckgenError as exc:
        return Outcome(job.source, job.output, False, error=_one_line(exc.message))
    except Exception as exc:  # an unexpected failure is still one deck's failure
        message = f"{job.source}: unexpected {type(exc).__name__}: {exc}"
        return Outcome(job.source, job.output, False, error=_one_line(message))
    return Outcome(
        job.source,
        str(result.output),
        True,
        slides=result.slides,
        seconds=result.seconds,
        warnings=tuple(result.warnings),
    )


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _warm(template: str | None) -> None:
    """Import the pipeline and load the theme once, before workers are forked from us,
    so that each worker does not pay for them again. Failures surface per deck later."""
    try:
        from deckgen import api, fit, plan, themes  # noqa: F401
        from deckgen.render import reader, writer  # noqa: F401

        themes.load(template)
    except Exception:  # noqa: S110 - the per-deck build reports it properly
        pass


def run(
    jobs: Sequence[Job],
    *,
    workers: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build every job, ``workers`` at a time (default: CPU count), in the order given.

    ``progress`` is called once per finished deck, in completion order.
    """
    if not jobs:
        return []
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    results: dict[int, Outcome] = {}
    if workers == 1:
        for i, job in enumerate(jobs):
            results[i] = build_one(job)
            if progress:
                progress(results[i])
        return [results[i] for i in range(len(jobs))]

    from concurrent.futures import ProcessPoolExecutor, as_completed

    _warm(jobs[0].options.template)
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(build_one, job): i for i, job in enumerate(jobs)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as exc:  # the worker died (e.g. killed for memory)
                job = jobs[i]
                results[i] = Outcome(
                    job.source,
                    job.output,
                    False,
                    error=f"{job.source}: the build process failed: {type(exc).__name__}: {exc}",
                )
            if progress:
                progress(results[i])
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(jobs))]
