"""Code that Python compiles from text in every process, kept compiled in the on-disk cache.

Python's bytecode cache spares a process compiling deckgen's modules, but not two things
they (and markdown-it and Jinja2) do when imported, which made a fifth of a cold
``deckgen build`` of content.md:

- **dataclasses' methods**: when a class is defined, ``dataclasses`` writes its
  ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` (and, for a frozen class,
  ``__setattr__`` and ``__delattr__``) as Python source and compiles each with ``exec``:
  about a millisecond per frozen class, and a build defines some forty;
- **regular expressions**: ``re.compile`` parses a pattern and compiles it to the code of
  its matcher, in Python: about 15 ms for the 170 patterns a build's modules compile.

:func:`install` keeps both as compiled (as Python keeps a module's bytecode) and has Python
use them: ``dataclasses`` gets an ``exec`` of its own that runs the code compiled earlier
from the same text instead of compiling it again, and ``re`` makes a pattern seen before
from its kept code (``_sre.compile``, the step that ends ``re``'s own compiling) instead of
parsing it again. What was not seen is compiled exactly as before (a dataclass's text with
``compile(text, "<string>", "exec")``, no ``__future__`` flags inherited, as ``exec`` does;
a pattern by ``re`` itself) and stored when the process exits: a pattern only once a
pattern made from what is stored compares equal to the one ``re`` made (same flags, code
and groups) and parsing it warns of nothing (a warning must not go silent in later
processes). So the classes and patterns are the same with or without the cache; only the
compiling is skipped. With the cache off (``DECKGEN_NO_CACHE=1``), or on a Python whose
``re`` differs (before 3.11), nothing is changed.

The entry is keyed like every cache entry by :func:`deckgen.cache.code_digest` (the Python
among it), and by the optimization level (``-O``), which changes what ``compile`` makes.
"""

from __future__ import annotations

import _sre
import builtins
import marshal
import sys
from types import CodeType
from typing import Any

KIND = "code"
"""The cache entry's kind (its file name's prefix)."""
MAX_ITEMS = 1024
"""More texts or patterns than this (a long-running process compiling its own) are not all
kept: a build has about 200 of each."""

_codes: dict[str, CodeType] = {}
"""A dataclass method's source text → its compiled code."""
_new: dict[str, CodeType] = {}
_patterns: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}
"""(pattern, flags) → the rest of ``_sre.compile``'s arguments for it."""
_new_patterns: dict[tuple[str | bytes, int], Any] = {}
"""What ``re`` compiled in this process: (pattern, flags) → the pattern object."""
_not_kept: set[tuple[str | bytes, int]] = set()
"""Patterns found not to be kept (they warn when parsed): not looked at again."""
_loaded = 0
"""How many texts and patterns the stored entry held (0: none was read)."""
_installed = False
_re_compile: Any = None
"""``re``'s own compile, under the one :func:`_compile_pattern` puts in its place."""


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


def _compile_pattern(p: Any, flags: int = 0) -> Any:
    """``re``'s compile: a pattern seen before made from its kept code."""
    if (type(p) is str or type(p) is bytes) and not flags & 128:  # re.DEBUG prints
        parts = _patterns.get((p, flags))
        if parts is not None:
            return _sre.compile(p, *parts)
        made = _re_compile(p, flags)
        if len(_new_patterns) < MAX_ITEMS and (p, flags) not in _not_kept:
            _new_patterns[(p, flags)] = made
        return made
    return _re_compile(p, flags)


def _pattern_parts(p: str | bytes, flags: int, made: Any) -> tuple[Any, ...] | None:
    """``_sre.compile``'s arguments after the pattern, as ``re`` computes them, if they make
    a pattern equal to ``made`` and parsing the pattern warns of nothing; else None."""
    import warnings
    from re import _compiler, _parser  # type: ignore[attr-defined]

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parsed = _parser.parse(p, flags)
            code = [int(c) for c in _compiler._code(parsed, flags)]  # type: ignore[attr-defined]
        if caught:
            return None
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        parts = (
            int(flags | parsed.state.flags),
            code,
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        again = _sre.compile(p, *parts)
    except Exception:  # another Python's re: nothing kept
        return None
    if (
        again != made
        or again.flags != made.flags
        or again.groups != made.groups
        or dict(again.groupindex) != dict(made.groupindex)
    ):
        return None
    return parts


def install() -> None:
    """Have ``dataclasses`` and ``re`` take what they compile from the cache, from now on
    in this process (once; nothing when the cache is off)."""
    global _installed, _re_compile, _loaded
    if _installed:
        return
    _installed = True
    import dataclasses

    from deckgen import cache

    if cache.directory() is None:
        return
    stored = cache.load(KIND, _key())
    if isinstance(stored, bytes):
        try:
            classes, patterns, not_kept = marshal.loads(stored)
        except Exception:  # damaged: a miss, as for every entry
            classes = patterns = not_kept = None
        if isinstance(classes, dict) and all(
            type(k) is str and type(v) is CodeType for k, v in classes.items()
        ):
            _codes.update(classes)
        if isinstance(patterns, dict) and all(
            type(k) is tuple and type(v) is tuple and len(v) == 5 for k, v in patterns.items()
        ):
            _patterns.update(patterns)
        if isinstance(not_kept, list) and all(type(k) is tuple for k in not_kept):
            _not_kept.update(not_kept)
        _loaded = len(_codes) + len(_patterns)
    if "exec" not in vars(dataclasses):
        dataclasses.exec = _exec  # type: ignore[attr-defined]
    try:
        from re import _compiler  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10: its re is another
        _compiler = None
    own = getattr(_compiler, "compile", None)
    if own is not None and getattr(own, "__module__", None) == "re._compiler":
        _re_compile = own
        _compiler.compile = _compile_pattern  # type: ignore[union-attr]
    import atexit

    atexit.register(save)


def save() -> None:
    """Store what this process compiled (with what it loaded), if anything (never raises;
    run when the process exits).

    A process that read the entry stores again only when it compiled a good part more
    (another command's modules, an upgraded library): a pattern or two new in every process
    are patterns whose text differs between processes (markdown-it makes one from a set,
    whose order follows the string hashes Python draws per process), which storing would
    only pile up, rewriting the entry at every exit."""
    fresh = len(_new) + len(_new_patterns)
    if not fresh or (_loaded and fresh < max(16, _loaded // 16)):
        return
    from deckgen import cache

    patterns = dict(_patterns) if len(_patterns) + len(_new_patterns) <= MAX_ITEMS else {}
    for key, made in list(_new_patterns.items()):
        parts = _pattern_parts(*key, made)
        if parts is not None:
            patterns[key] = parts
        else:
            _not_kept.add(key)
    codes = _codes if len(_codes) <= MAX_ITEMS else _new
    not_kept = sorted(_not_kept, key=repr)[:MAX_ITEMS]
    try:
        blob = marshal.dumps((codes, patterns, not_kept))
    except Exception:  # pragma: no cover - code objects, ints and strings always marshal
        return
    cache.store(KIND, _key(), blob)
    _new.clear()
    _new_patterns.clear()
