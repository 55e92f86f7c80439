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
use them. Only the ``deckgen`` command calls it (:mod:`deckgen.command`), first thing: its
process is deckgen's alone; a program that imports deckgen keeps its ``re`` and
``dataclasses`` as they are. Once installed, ``dataclasses`` gets an ``exec`` of its own
that runs the code compiled earlier from the same text instead of compiling it again, and
``re`` a compile of its own that makes a pattern seen before from its kept parts (its
flags, matcher code and groups) with ``_sre.compile``, the step that ends ``re``'s own
compiling, instead of parsing it again.
What was not seen is compiled exactly as before: a dataclass's text with ``compile(text,
"<string>", "exec")``, no ``__future__`` flags inherited, as ``exec`` does; a pattern by
the steps of ``re``'s compile (the same in Python 3.11 to 3.13, which alone are served),
warnings included; both are stored when the process exits, a pattern only if parsing it
warns of nothing (its warning must not go silent in later processes). So the classes and
patterns are the same with or without the cache; only the compiling is skipped. With the
cache off (``DECKGEN_NO_CACHE=1``) nothing is changed; before Python 3.11 (another ``re``)
and after 3.13, patterns are left to ``re``.

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

try:  # Python 3.11 and later: re's parser and compiler in its own package
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    _compiler = _parser = None

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
_new_patterns: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}
"""What was compiled in this process: (pattern, flags) → its parts."""
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
    """``re._compiler.compile`` for a pattern's text: a pattern seen before made from its
    kept parts; another one compiled as ``re`` does it, its parts kept."""
    if (type(p) is str or type(p) is bytes) and not flags & 128:  # re.DEBUG prints
        parts = _patterns.get((p, flags))
        if parts is None:
            # re's compile up to its last step, the same in Python 3.11 to 3.13 (and called
            # from as deep a frame: a warning names the same line of the caller)
            parsed = _parser.parse(p, flags)
            code = _compiler._code(parsed, flags)
            groupindex = parsed.state.groupdict
            indexgroup = [None] * parsed.state.groups
            for name, i in groupindex.items():
                indexgroup[i] = name
            parts = (
                flags | parsed.state.flags,
                code,
                parsed.state.groups - 1,
                groupindex,
                tuple(indexgroup),
            )
            if len(_new_patterns) < MAX_ITEMS and (p, flags) not in _not_kept:
                _new_patterns[(p, flags)] = parts
        return _sre.compile(p, *parts)
    return _re_compile(p, flags)


_MAY_WARN = ("[[", "--", "&&", "~~", "||", "(?(")
"""What a pattern holds if parsing it may warn (Python 3.11 to 3.13: a possible nested set
or set operation, a bad group name in a conditional group; in a bytes pattern also a
group's name)."""


def _warns(p: str | bytes, flags: int) -> bool:
    """Whether parsing the pattern gives a warning (or fails), for those that may."""
    import warnings

    marks: tuple[str | bytes, ...] = _MAY_WARN
    if type(p) is bytes:
        marks = tuple(m.encode() for m in (*_MAY_WARN, "(?P<"))
    if not any(m in p for m in marks):  # type: ignore[operator]
        return False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _parser.parse(p, flags)
        except Exception:  # pragma: no cover - it compiled once
            return True
    return bool(caught)


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
    own = getattr(_compiler, "compile", None)
    if (
        (3, 11) <= sys.version_info[:2] <= (3, 13)  # the re whose compile is known
        and own is not None
        and getattr(own, "__module__", None) == "re._compiler"
    ):
        _re_compile = own
        _compiler.compile = _compile_pattern
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
    for key, parts in list(_new_patterns.items()):
        if _warns(*key):  # its warning must be given in every process: not kept
            _not_kept.add(key)
            continue
        flags, code, groups, groupindex, indexgroup = parts
        patterns[key] = (int(flags), [int(c) for c in code], groups, dict(groupindex), indexgroup)
    codes = _codes if len(_codes) <= MAX_ITEMS else _new
    not_kept = sorted(_not_kept, key=repr)[:MAX_ITEMS]
    try:
        blob = marshal.dumps((codes, patterns, not_kept))
    except Exception:  # pragma: no cover - code objects, ints and strings always marshal
        return
    cache.store(KIND, _key(), blob)
    _new.clear()
    _new_patterns.clear()
