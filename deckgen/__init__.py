"""deckgen: a Markdown summary in, an editable PowerPoint deck out."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "build"]


def __getattr__(name: str):  # lazy, so `deckgen --help` does not import python-pptx
    if name == "build":
        from deckgen.api import build

        return build
    raise AttributeError(name)
