"""One hierarchy of errors, each able to say what went wrong, where, and what to do.

They are plain exceptions, so that a program using deckgen as a library need not know
click; the command line's one handler (``deckgen.cli``) prints them as ``Error: …`` and
exits with their ``exit_code``. The parts of the message stay fields: ``path`` and ``line``
(an int) for a file and a line in it, ``where`` for the location as the message says it
(also a template's slide and shape), ``hint`` for what to do.
"""

from __future__ import annotations

import os
from typing import Any


class DeckgenError(Exception):
    exit_code = 1
    """What ``deckgen`` exits with when this error stops it."""

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        where: str | None = None,
        hint: str | None = None,
    ):
        self.path = os.fspath(path) if path is not None else None
        """The file the error is about, as messages name it (``<stdin>`` for stdin)."""
        self.line = line
        """The 1-based line in ``path`` (None when the error is about the whole file)."""
        if where is None and self.path is not None:
            where = _location(self.path, line)
        self.where = where
        """Where, as the message says it: ``path, line N``, or a template's slide and shape."""
        self.hint = hint
        """What to do about it."""
        text = f"{where}: {message}" if where else message
        self.message = f"{text} ({hint})" if hint else text
        """The whole one-line message: where, what, and the hint in parentheses."""
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # keep the fields across pickling (cached template recipes, worker processes)
        return (type(self), (self.message,), self.__dict__)


class SourceError(DeckgenError):
    """The summary cannot be read or understood."""


class TemplateError(DeckgenError):
    """A template cannot be read, is unsafe, or one of its tags fails."""


class OutputError(DeckgenError):
    """The deck cannot be written where it was asked to go."""


class UsageError(DeckgenError):
    exit_code = 2


def where(path: str, line: int | None = None) -> str:
    """A place in a summary as messages say it: ``talk.md, line 12``."""
    return f"{path}, line {line}" if line else path


def quoted(text: str) -> str:
    """A title as messages show it: in typographic quotes, which stay readable around a
    title that has straight quotes of its own (``insight 3 “Why "agile" failed”``); in the
    first other pair the title does not hold when it holds typographic ones."""
    for left, right in ("“”", '""', "‘’", "«»"):
        if left not in text and right not in text:
            return f"{left}{text}{right}"
    return f"“{text}”"


_location = where  # DeckgenError's argument ``where`` hides the function's name
