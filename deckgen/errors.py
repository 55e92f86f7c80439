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
