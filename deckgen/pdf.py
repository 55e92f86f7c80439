"""PDF export: the built deck, converted by LibreOffice, written atomically like decks.

``deckgen build talk.md -o talk.pdf`` (the deck is built in a temporary folder and only the
PDF is kept), ``deckgen build talk.md --pdf`` (talk.pptx and talk.pdf), and batches with
``--pdf`` (one LibreOffice, kept warm, converts all the decks). LibreOffice is looked for
before anything is built, so a missing one costs nothing and leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from deckgen.office import Renderer, open_office, require_soffice
from deckgen.output import check_output

if TYPE_CHECKING:
    from deckgen.api import Result
    from deckgen.model import BuildOptions


def default_pdf(deck: str | os.PathLike[str]) -> Path:
    return Path(deck).with_suffix(".pdf")


def export(deck: Path, pdf: Path, office: Renderer | None = None) -> list[str]:
    """Convert ``deck`` to ``pdf`` (atomically); return warnings about fonts it lacks."""
    from deckgen import fontcheck

    require_soffice()
    warnings = fontcheck.font_warnings(deck) + fontcheck.glyph_warnings(deck)
    renderer = office or open_office(warm=False)
    try:
        renderer.convert(deck, pdf)
    finally:
        if office is None:
            renderer.close()
    return [f"{pdf}: {w}" for w in warnings]


def build_pdf(
    build_with: Callable[..., Result],
    options: BuildOptions,
    source: str | os.PathLike[str] | None,
    output: str | os.PathLike[str],
    *,
    text: str | None = None,
    stdin: BinaryIO | None = None,
    office: Renderer | None = None,
) -> Result:
    """Build the deck in a temporary folder with ``build_with`` (``deckgen.api``'s, which
    calls this for an output ending in ``.pdf``: handed in, so that neither module imports
    the other) and write only its PDF to ``output``."""
    started = time.perf_counter()
    out = Path(output)
    named = source if text is None else None
    check_output(out, named, suffix=".pdf")
    require_soffice()
    with tempfile.TemporaryDirectory(prefix="deckgen-pdf-") as tmp:
        deck = Path(tmp) / out.with_suffix(".pptx").name
        result = build_with(options, source, deck, text=text, stdin=stdin)
        warnings = export(deck, out, office)
    return replace(
        result,
        output=out,
        warnings=result.warnings + tuple(warnings),
        seconds=time.perf_counter() - started,
    )


def export_many(
    decks: Sequence[Path],
    *,
    progress: Callable[[Path, str | None, list[str]], None] | None = None,
) -> list[tuple[Path, str | None, list[str]]]:
    """Each deck's PDF next to it, with one LibreOffice kept warm for all of them (a cold
    one for a single deck, where starting the warm one costs more than it saves). Returns
    (deck, error or None, warnings) per deck; one failure does not stop the others."""
    if not decks:
        return []
    require_soffice()
    results = []
    office = open_office(warm=len(decks) > 1)
    try:
        for deck in decks:
            try:
                warnings = export(deck, default_pdf(deck), office)
                error = None
            except Exception as exc:  # noqa: BLE001 - one deck's failure, reported as such
                warnings, error = [], " ".join(str(exc).split())
            results.append((deck, error, warnings))
            if progress:
                progress(deck, error, warnings)
    finally:
        office.close()
    return results
