"""One hierarchy of errors, each able to say what went wrong, where, and what to do.

They subclass click.ClickException so the CLI prints ``Error: …`` and exits with the
right code without any handler of its own; API callers catch ``DeckgenError``.
"""

from __future__ import annotations

import click


class DeckgenError(click.ClickException):
    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        text = f"{where}: {message}" if where else message
        if hint:
            text = f"{text} ({hint})"
        super().__init__(text)
        self.where = where
        self.hint = hint


class SourceError(DeckgenError):
    """The summary cannot be read or understood."""


class TemplateError(DeckgenError):
    """A template cannot be read, is unsafe, or one of its tags fails."""


class OutputError(DeckgenError):
    """The deck cannot be written where it was asked to go."""


class UsageError(DeckgenError):
    exit_code = 2


def where(path: str, line: int | None = None) -> str:
    return f"{path}, line {line}" if line else path


def quoted(text: str) -> str:
    """A title as messages show it: in typographic quotes, which stay readable around a
    title that has straight quotes of its own (``insight 3 “Why "agile" failed”``); in the
    first other pair the title does not hold when it holds typographic ones."""
    for left, right in ("“”", '""', "‘’", "«»"):
        if left not in text and right not in text:
            return f"{left}{text}{right}"
    return f"“{text}”"
