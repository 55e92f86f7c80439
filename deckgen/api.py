"""The Python API: ``deckgen.build(...)`` does exactly what ``deckgen build`` does."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from deckgen.errors import SourceError
from deckgen.model import LAYOUT_KINDS, BuildOptions, Deck, Document
from deckgen.output import check_output, default_output

__all__ = ["BuildOptions", "Result", "build", "build_with", "prepare", "read"]


@dataclass(frozen=True)
class Result:
    """What a build produced."""

    output: Path
    """The deck written."""
    slides: int
    """How many slides it has (follow-up slides of long insights included)."""
    warnings: tuple[str, ...]
    """Things the author may want to fix (they were also not fatal); the CLI prints them."""
    seconds: float
    """Wall time of the whole build."""
    template: Path | None = None
    """The template file the deck was built from (``template.pptx`` of a theme folder, or
    the .pptx/.potx given); watch mode watches it."""
    pictures: tuple[Path, ...] = ()
    """The picture files the build read or looked for (a missing one too, inside the
    folders pictures may come from): watch mode rebuilds when one is saved or added."""


def _source_date_epoch() -> int | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise SourceError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {raw!r}"
        ) from None


def read(
    source: str | os.PathLike[str] | None = None,
    *,
    text: str | None = None,
    stdin: BinaryIO | None = None,
    slide_level: int | None = None,
) -> Document:
    """Parse a summary: from ``text``, from a path, or from stdin when ``source`` is ``-``.

    A ``str`` source holding a newline is taken as the summary itself, so a pipeline can
    pass generated text straight in. ``slide_level`` reads it as a pandoc slide show whose
    headings of that level are its slides (``--slide-level``).
    """
    from deckgen import parse
    from deckgen import source as src

    if text is None and isinstance(source, str) and "\n" in source:
        text = source
        source = None
    warnings: tuple[str, ...] | list[str]
    if text is not None:
        body, name, warnings = text, "<text>", ()  # parse() normalizes text itself
    else:
        body, name, warnings = src.load(source if source is not None else "content.md", stdin=stdin)
    doc = parse.parse(body, source=name, slide_level=slide_level)
    if warnings:
        from dataclasses import replace

        doc = replace(doc, warnings=tuple(warnings) + doc.warnings)
    return doc


def _template_for(doc: Document, template: str | os.PathLike[str] | None) -> str | None:
    if template is not None:
        return str(template)
    chosen = doc.meta.get("template")
    if not chosen:
        return None
    chosen = str(chosen)
    base = Path(doc.source).parent if doc.source not in ("<stdin>", "<text>") else Path.cwd()
    candidate = base / chosen
    if candidate.suffix.lower() in (".pptx", ".potx") or candidate.is_dir():
        return str(candidate)
    return chosen  # a theme name


def prepare(doc: Document, options: BuildOptions | None = None) -> Deck:
    """Plan and fit a parsed document into a theme: everything but writing the file.

    Its pictures are looked up first (:func:`deckgen.media.resolve`), relative to the
    summary's folder (the current one for stdin and text) and in ``resource_paths``."""
    return _prepare(doc, options)[0]


def _prepare(doc: Document, options: BuildOptions | None) -> tuple[Deck, tuple[Path, ...]]:
    """:func:`prepare`, and the picture files it read or looked for."""
    from deckgen import fit, plan, themes

    opts = options or BuildOptions()
    if opts.source_date_epoch is None:
        opts = replace(opts, source_date_epoch=_source_date_epoch())
    pins, warnings = _layouts_for(doc, opts)
    if warnings:
        doc = replace(doc, warnings=doc.warnings + tuple(warnings))
    files: set[str] = set()
    if opts.resource_paths or "resource-path" in doc.meta or _has_pictures(doc):
        from deckgen import media  # only for a summary with pictures: a build's start counts

        resolver = media.Resolver(media.folder_of(doc), media.check_folders(opts.resource_paths))
        doc = resolver.resolve(doc)
        files = resolver.files
    theme = themes.load(_template_for(doc, opts.template), layouts=pins)
    deck = fit.fit(plan.plan(doc, theme, opts))
    return deck, tuple(Path(f) for f in sorted(files))


def _has_pictures(doc: Document) -> bool:
    return next(doc.pictures(), None) is not None


def _layouts_for(doc: Document, opts: BuildOptions) -> tuple[dict[str, str], list[str]]:
    """Slide kinds pinned to layouts: the front matter's ``layouts:`` mapping, then the
    options' (``--layout``), which win; and warnings for what the front matter got wrong."""
    pins: dict[str, str] = {}
    warnings: list[str] = []
    given = doc.meta.get("layouts")
    if given is not None:
        if not isinstance(given, dict):
            warnings.append(
                f"{doc.source}: front matter 'layouts' must map slide kinds to layout names "
                '(layouts: {insight: "Two Content"}); ignored'
            )
        else:
            for kind, name in given.items():
                k = str(kind).strip().lower()
                if k not in LAYOUT_KINDS or not isinstance(name, (str, int, float)):
                    warnings.append(
                        f"{doc.source}: front matter 'layouts': {kind!r} ignored (kinds: "
                        f"{', '.join(LAYOUT_KINDS)}, each with a layout name)"
                    )
                    continue
                pins[k] = str(name).strip()
    pins.update(dict(opts.layouts))
    return pins, warnings


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off for the build. A build allocates hundreds of thousands
    of small objects that are freed by reference counting (they form no cycles); the
    collector would walk the whole growing heap again and again, which made a 4,000-insight
    build take 5.6 times as long as a 1,000-insight one instead of 4 times (and each twice
    as long as without it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build(
    source: str | os.PathLike[str] | None = None,
    output: str | os.PathLike[str] | None = None,
    *,
    text: str | None = None,
    template: str | os.PathLike[str] | None = None,
    numbers: bool = True,
    footer: bool = True,
    agenda: bool = False,
    layouts: Mapping[str, str] | None = None,
    resource_paths: Sequence[str | os.PathLike[str]] = (),
    stdin: BinaryIO | None = None,
    slide_level: int | None = None,
) -> Result:
    """Build a deck from a summary and write it atomically; return what was written.

    ``source`` is a path (``-`` for stdin) or the summary's text itself; ``output``
    defaults to the source's name with ``.pptx``; ``layouts`` pins a corporate template's
    slide kinds to layouts by name (``{"insight": "Two Content"}``); pictures are read from
    the summary's folder and below, and from the folders in ``resource_paths``;
    ``slide_level`` reads it as a pandoc slide show with slides at that heading level. Raises
    :class:`deckgen.errors.DeckgenError` (with a message saying what and where) and never
    leaves a partial file behind.
    """
    options = BuildOptions(
        template=os.fspath(template) if template is not None else None,
        numbers=numbers,
        footer=footer,
        agenda=agenda,
        layouts=tuple((layouts or {}).items()),
        resource_paths=tuple(os.fspath(p) for p in resource_paths),
        slide_level=slide_level,
    )
    return build_with(options, source, output, text=text, stdin=stdin)


def build_with(
    options: BuildOptions,
    source: str | os.PathLike[str] | None = None,
    output: str | os.PathLike[str] | None = None,
    *,
    text: str | None = None,
    stdin: BinaryIO | None = None,
) -> Result:
    """:func:`build` with its switches given as one :class:`BuildOptions`, the value the
    command line, batch builds and watch mode carry. An ``output`` ending in ``.pdf`` gets
    the deck's PDF (through LibreOffice) instead of the deck."""
    if output is not None and Path(output).suffix.lower() == ".pdf":
        from deckgen.pdf import build_pdf

        return build_pdf(build_with, options, source, output, text=text, stdin=stdin)
    started = time.perf_counter()
    named = source if text is None else None
    out = Path(output) if output is not None else default_output(named)
    check_output(out, named)
    with _no_cycle_collection():
        doc = read(source, text=text, stdin=stdin, slide_level=options.slide_level)
        deck, pictures = _prepare(doc, options)
        from deckgen.render import write

        write(deck, out)
    return Result(
        out,
        len(deck.slides),
        deck.warnings,
        time.perf_counter() - started,
        Path(deck.theme.path),
        pictures,
    )
