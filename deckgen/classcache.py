"""Dataclasses defined without compiling their methods again in every process.

When a class is defined, ``dataclasses`` writes its ``__init__``, ``__repr__``, ``__eq__``,
``__hash__`` (and, for a frozen class, ``__setattr__`` and ``__delattr__``) as Python source
and compiles each with ``exec``: about a millisecond per frozen class on the development
machine, and a build defines some forty (its data, the parser's, markdown-it's tokens): a
tenth of a cold ``deckgen build``. :func:`install` keeps that compiled code in the on-disk
cache (:mod:`deckgen.cache`), as Python keeps a module's bytecode: ``dataclasses`` gets an
``exec`` of its own that runs the code compiled earlier from the same text instead of
compiling that text again. Text it has not seen is compiled exactly as ``exec`` compiles it
(``compile(text, "<string>", "exec")``, no ``__future__`` flags inherited), and what was
compiled is stored when the process exits. So the classes are the same with or without it:
the same code objects, only not compiled again. With the cache off (``DECKGEN_NO_CACHE=1``)
nothing is changed.

The entry is keyed like every cache entry by :func:`deckgen.cache.code_digest` (the Python
among it), and by the optimization level (``-O``), which changes what ``compile`` makes.
"""

from __future__ import annotations

import builtins
import marshal
import sys
from types import CodeType
from typing import Any

KIND = "classes"
"""The cache entry's kind (its file name's prefix)."""
MAX_CODES = 4096
"""More texts than this (a long-running process defining classes of its own) are not all
kept: only those compiled in this process are stored then."""

_codes: dict[str, CodeType] = {}
_new: dict[str, CodeType] = {}
_installed = False


def _key() -> tuple[Any, ...]:
    return (sys.flags.optimize,)


def _exec(source: Any, /, *args: Any, **kwargs: Any) -> Any:
    """``exec`` for ``dataclasses``: text compiled earlier runs from its code."""
    if type(source) is str:
        code = _codes.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _codes[source] = _new[source] = code
        source = code
    return builtins.exec(source, *args, **kwargs)


def install() -> None:
    """Have ``dataclasses`` take the code it generates from the cache, from now on in this
    process (once; nothing when the cache is off or ``dataclasses.exec`` is taken)."""
    global _installed
    if _installed:
        return
    _installed = True
    import dataclasses

    from deckgen import cache

    if cache.directory() is None or "exec" in vars(dataclasses):
        return
    stored = cache.load(KIND, _key())
    if isinstance(stored, bytes):
        try:
            codes = marshal.loads(stored)
        except Exception:  # damaged: a miss, as for every entry
            codes = None
        if isinstance(codes, dict) and all(
            type(k) is str and type(v) is CodeType for k, v in codes.items()
        ):
            _codes.update(codes)
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    import atexit

    atexit.register(save)


def save() -> None:
    """Store what this process compiled (with what it loaded), if anything (never raises;
    run when the process exits)."""
    if not _new:
        return
    from deckgen import cache

    codes = _codes if len(_codes) <= MAX_CODES else _new
    try:
        blob = marshal.dumps(codes)
    except Exception:  # pragma: no cover - code objects always marshal
        return
    cache.store(KIND, _key(), blob)
    _new.clear()
