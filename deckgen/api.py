"""The Python API: ``deckgen.build(...)`` does exactly what ``deckgen build`` does."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from deckgen.errors import OutputError, SourceError
from deckgen.model import Deck, Document


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


@dataclass(frozen=True)
class BuildOptions:
    """What ``deckgen build``'s switches choose, besides what to build and where to:
    one value the command line, batch builds and watch mode pass along."""

    template: str | None = None
    """A theme name, theme folder, or .pptx/.potx; None: the front matter's, else default."""
    numbers: bool = True
    footer: bool = True
    agenda: bool = False

    def as_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :func:`build` and :func:`prepare`."""
        return {
            "template": self.template,
            "numbers": self.numbers,
            "footer": self.footer,
            "agenda": self.agenda,
        }


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
) -> Document:
    """Parse a summary: from ``text``, from a path, or from stdin when ``source`` is ``-``.

    A ``str`` source holding a newline is taken as the summary itself, so a pipeline can
    pass generated text straight in.
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
    doc = parse.parse(body, source=name)
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


def prepare(
    doc: Document,
    *,
    template: str | os.PathLike[str] | None = None,
    numbers: bool = True,
    footer: bool = True,
    agenda: bool = False,
) -> Deck:
    """Plan and fit a parsed document into a theme: everything but writing the file."""
    from deckgen import fit, plan, themes

    theme = themes.load(_template_for(doc, template))
    opts = plan.Options(
        numbers=numbers, footer=footer, agenda=agenda, source_date_epoch=_source_date_epoch()
    )
    return fit.fit(plan.plan(doc, theme, opts))


def default_output(source: str | os.PathLike[str] | None) -> Path:
    if source is None or str(source) in ("-", "") or (isinstance(source, str) and "\n" in source):
        return Path("deck.pptx")
    return Path(source).with_suffix(".pptx")


def _check_output(out: Path, source: str | os.PathLike[str] | None) -> None:
    if source is not None and not (isinstance(source, str) and ("\n" in source or source == "-")):
        try:
            same = out.resolve() == Path(source).resolve()
        except OSError:
            same = False
        if same:
            raise OutputError(
                "the output path is the source itself; refusing to overwrite your summary",
                where=str(out),
                hint="choose another name with -o",
            )
    if out.is_dir():
        raise OutputError("the output path is a folder", where=str(out), hint="give a file name")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        folder = next((p for p in (parent, *parent.parents) if p.exists()), None)
        if folder is not None and not folder.is_dir():  # -o notes.md/deck.pptx
            raise OutputError(
                "the output folder is a file", where=str(folder), hint="choose another path"
            )
        raise OutputError(
            "the output folder does not exist", where=str(parent), hint="create it first"
        )
    if out.suffix.lower() not in (".pptx",):
        raise OutputError(
            "the output must be a .pptx file", where=str(out), hint="end the name with .pptx"
        )


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
    stdin: BinaryIO | None = None,
) -> Result:
    """Build a deck from a summary and write it atomically; return what was written.

    ``source`` is a path (``-`` for stdin) or the summary's text itself; ``output``
    defaults to the source's name with ``.pptx``. Raises :class:`deckgen.errors.DeckgenError`
    (with a message saying what and where) and never leaves a partial file behind.
    """
    started = time.perf_counter()
    out = Path(output) if output is not None else default_output(source if text is None else None)
    _check_output(out, source if text is None else None)
    with _no_cycle_collection():
        doc = read(source, text=text, stdin=stdin)
        deck = prepare(doc, template=template, numbers=numbers, footer=footer, agenda=agenda)
        from deckgen.render import write

        write(deck, out)
    return Result(
        out,
        len(deck.slides),
        deck.warnings,
        time.perf_counter() - started,
        Path(deck.theme.path),
    )
