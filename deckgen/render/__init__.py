"""Everything that touches .pptx files: reading templates and writing decks.

The only package in deckgen that imports python-pptx (lazily, so importing deckgen stays
cheap). Public surface: :func:`load_theme`, :func:`write`, :func:`template_names`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["load_theme", "template_names", "write"]

if TYPE_CHECKING:
    from deckgen.render.inspect import load_theme, template_names
    from deckgen.render.writer import write


def __getattr__(name: str) -> Any:
    if name in ("load_theme", "template_names"):
        from deckgen.render import inspect

        return getattr(inspect, name)
    if name == "write":
        from deckgen.render.writer import write

        return write
    raise AttributeError(name)
