"""``deckgen watch``: rebuild the deck whenever the summary or its template changes.

The loop is separate from the file watching so it can be driven by any iterable of change
batches (tests feed it lists; the command feeds it :func:`file_changes`, built on watchfiles).
Rebuilds are warm: the theme and its compiled templates stay cached in this process between
builds, so a rebuild costs the parse, plan, fit and write of the deck only. A build that
fails leaves the last good deck in place (writes are atomic) and the loop goes on.

With a renderer (``deckgen watch --pdf``), each good build's PDF is written next to the deck
by one LibreOffice kept warm for the whole session (:mod:`deckgen.office`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deckgen.errors import DeckgenError, UsageError
from deckgen.model import BuildOptions
from deckgen.themes import TEMPLATE_FILE, resolve


@dataclass
class Watcher:
    """What to build and what to watch for it."""

    source: str
    output: str | None = None
    options: BuildOptions = field(default_factory=BuildOptions)
    echo: Callable[[str], Any] = print
    """Where progress lines go (``Rebuilt …``, ``Error: …``)."""
    err: Callable[[str], Any] | None = None
    """Where errors and warnings go; defaults to ``echo``."""
    debug: bool = False
    """Let unexpected exceptions propagate (with their traceback) instead of reporting them."""
    office: Any = None
    """A :class:`deckgen.office.Renderer`: each good build's PDF goes next to the deck."""
    builds: int = field(default=0, init=False)
    failures: int = field(default=0, init=False)
    _template_file: Path | None = field(default=None, init=False, repr=False)
    pictures: tuple[Path, ...] = field(default=(), init=False)
    """The picture files the last good build read or looked for (:meth:`watched` follows
    them, so saving a picture, or adding a missing one, rebuilds the deck)."""

    def __post_init__(self) -> None:
        if self.source == "-":
            raise UsageError("watch needs a file to watch, not stdin ('-')")

    @property
    def template_file(self) -> Path | None:
        """The template the last good build used (what :meth:`watched` follows)."""
        return self._template_file

    @template_file.setter
    def template_file(self, path: Path | None) -> None:
        self._template_file = path

    @property
    def output_path(self) -> Path:
        from deckgen.output import default_output

        return Path(self.output) if self.output else default_output(self.source)

    def watched(self) -> set[Path]:
        """Files whose change triggers a rebuild: the source, the template's files
        (template.pptx, notes.j2, theme.yaml of a theme folder, or the .pptx/.potx itself)
        and the pictures the last good build read or looked for.

        The template is the one the last good build used (``-t``, else the source's front
        matter, else the default theme), so editing the front matter moves the watch.
        """
        files = {_absolute(self.source)} | {_absolute(p) for p in self.pictures}
        template = self._template_file
        if template is None:
            try:
                template = resolve(self.options.template).template_file
            except DeckgenError:
                template = None
        if template is not None:
            files.add(_absolute(template))
            if template.name == TEMPLATE_FILE:  # a theme folder: its other files count too
                files |= {_absolute(template.parent / n) for n in ("notes.j2", "theme.yaml")}
        return files

    def build(self, verb: str = "Built") -> bool:
        """One build; prints its time, or its error (the previous deck stays as it was)."""
        from deckgen.api import build_with

        self.builds += 1
        try:
            result = build_with(self.options, self.source, self.output)
        except Exception as exc:  # any failure: report it, keep the last deck, keep watching
            if self.debug and not isinstance(exc, DeckgenError):
                raise
            self.failures += 1
            err = self.err or self.echo
            if isinstance(exc, DeckgenError):
                err(f"Error: {exc.message}")
            else:
                err(
                    f"Error: unexpected {type(exc).__name__}: {exc} (run with --debug for the "
                    "traceback, and please report it)"
                )
            if self.output_path.exists():
                err(f"(kept the last good {self.output_path}; watching for changes)")
            return False
        self._template_file = result.template
        self.pictures = result.pictures
        err = self.err or self.echo
        for w in result.warnings:
            err(f"Warning: {w}")
        self.echo(f"{verb} {result.output} ({result.slides} slides) in {result.seconds:.2f} s")
        if self.office is not None:
            return self._pdf(result.output)
        return True

    def _pdf(self, deck: Path) -> bool:
        import time

        from deckgen.pdf import default_pdf, export

        started = time.perf_counter()
        pdf = default_pdf(deck)
        err = self.err or self.echo
        try:
            warnings = export(deck, pdf, self.office)
        except DeckgenError as exc:
            self.failures += 1
            err(f"Error: {exc.message}")
            return False
        for w in warnings:
            err(f"Warning: {w}")
        self.echo(f"Wrote {pdf} in {time.perf_counter() - started:.2f} s")
        return True

    def run(self, changes: Iterable[Any], *, first: bool = True) -> None:
        """Build once (unless ``first`` is false), then once per batch of changes until
        ``changes`` ends; build errors are printed, never raised."""
        if first:
            self.build()
        for _ in changes:
            self.build("Rebuilt")


def _absolute(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.abspath(path))


def file_changes(watcher: Watcher, stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """Batches of changed files among ``watcher.watched()``, until ``stop`` is set.

    Folders are watched rather than files, because editors save by writing a new file and
    renaming it over the old one, which a watch on the file itself would lose. The set of
    files is worked out again after each batch (the front matter may name a new template).
    Raises DeckgenError at once (not on first use) when watchfiles is not installed.
    """
    try:
        import watchfiles
    except ImportError:
        raise DeckgenError(
            "watch mode needs the watchfiles package",
            hint="install it with: pip install 'deckgen[watch]'",
        ) from None
    return _changes(watchfiles, watcher, stop or threading.Event())


def _changes(watchfiles: Any, watcher: Watcher, stop: threading.Event) -> Iterator[set[Path]]:
    while not stop.is_set():
        files = watcher.watched()
        folders = sorted({str(f.parent) for f in files if f.parent.is_dir()})
        if not folders:
            raise DeckgenError(
                "nothing to watch: the source's folder does not exist", path=watcher.source
            )

        def relevant(_change: Any, path: str, files: set[Path] = files) -> bool:
            return Path(path) in files

        for batch in watchfiles.watch(
            *folders, watch_filter=relevant, stop_event=stop, recursive=False
        ):
            yield {Path(p) for _, p in batch}
            if watcher.watched() != files:
                break  # the template moved: watch its folder instead
        else:
            return  # stopped
