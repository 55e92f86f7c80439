"""Everything that touches .pptx files: reading templates and writing decks.

The only package in deckgen that imports python-pptx (lazily, so importing deckgen stays
cheap). Public surface: :func:`read_template` (a template's theme and what decks are
written from, read once), :func:`load_theme` (the theme alone), :func:`write`,
:func:`template_names`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["load_theme", "read_template", "template_names", "write"]

if TYPE_CHECKING:
    from deckgen.render.reader import load_theme, template_names
    from deckgen.render.reader import read as read_template
    from deckgen.render.writer import write


def __getattr__(name: str) -> Any:
    if name in ("load_theme", "template_names", "read_template"):
        from deckgen.render import reader

        return getattr(reader, "read" if name == "read_template" else name)
    if name == "write":
        from deckgen.render.writer import write

        return write
    raise AttributeError(name)
