"""Where a deck goes: its default name, and the one check that it can be written there.

The check runs before the summary is even read, so that a wrong ``-o`` is reported at
once and not after the whole build; the writer asks the same question again just before
it writes (the folder may have changed meanwhile), with the same answer in the same words.
"""

from __future__ import annotations

import os
from pathlib import Path

from deckgen.errors import OutputError


def _is_text(source: str | os.PathLike[str] | None) -> bool:
    """Is ``source`` the summary itself or stdin, not a file?"""
    return source is None or (isinstance(source, str) and ("\n" in source or source in ("-", "")))


def default_output(source: str | os.PathLike[str] | None) -> Path:
    """The source's name with ``.pptx``; ``deck.pptx`` for text or stdin."""
    if _is_text(source):
        return Path("deck.pptx")
    assert source is not None
    return Path(source).with_suffix(".pptx")


def writable_folder(out: str | os.PathLike[str]) -> Path:
    """The folder ``out`` goes in, when a file can be written there; else an OutputError
    saying why (also asked by the atomic writer just before it writes)."""
    target = Path(out)
    if target.is_dir():
        raise OutputError("the output path is a folder", path=target, hint="give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if existing is not None and not existing.is_dir():  # -o notes.md/deck.pptx
            raise OutputError(
                "the output folder is a file", path=existing, hint="choose another path"
            )
        raise OutputError("the output folder does not exist", path=folder, hint="create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"the output folder {folder} is not writable",
            path=target,
            hint="choose another folder, or check its permissions",
        )
    return folder


def check_output(
    out: str | os.PathLike[str],
    source: str | os.PathLike[str] | None = None,
    suffix: str = ".pptx",
) -> Path:
    """The folder the deck ``out`` goes in, when a deck can be written there; else an
    :class:`OutputError` saying why. With ``source`` (a summary's path), ``out`` must not
    be that file."""
    target = Path(out)
    if not _is_text(source):
        assert source is not None
        try:
            same = target.resolve() == Path(source).resolve()
        except OSError:
            same = False
        if same:
            raise OutputError(
                "the output path is the source itself; refusing to overwrite your summary",
                path=target,
                hint="choose another name with -o",
            )
    folder = writable_folder(target)
    if target.suffix.lower() != suffix:
        raise OutputError(
            f"the output must be a {suffix} file", path=target, hint=f"end the name with {suffix}"
        )
    return folder
