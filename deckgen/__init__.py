"""deckgen: a Markdown summary in, an editable PowerPoint deck out.

The Python API is :func:`build` (the same thing as ``deckgen build``), :func:`read` (the
summary as deckgen understood it) and :class:`Result`; see README, "Python API".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Result", "__version__", "build", "read"]

if TYPE_CHECKING:
    from deckgen.api import Result, build, read


def __getattr__(name: str) -> Any:  # lazy, so `deckgen --help` does not import python-pptx
    if name in ("build", "read", "Result"):
        from deckgen import api

        return getattr(api, name)
    raise AttributeError(name)
