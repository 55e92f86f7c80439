"""The names a Jinja source reads (``insight.title``, ``f.label``): one extractor for the
template reader (a shape that reads only the footer or the slide number is chrome) and
``deckgen templates check`` (names the planner does not provide).

A regex, not jinja2's AST: ``meta.find_undeclared_variables`` only gives the roots, and a
template with a syntax error still gets its names reported.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# not after a dot: ``(x|string).isdigit()`` reads x, not a name "isdigit"
_NAME = re.compile(r"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*")
_TAGS = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_FILTERS = re.compile(r"\|\s*[A-Za-z_][A-Za-z0-9_]*|\bis\s+(?:not\s+)?[A-Za-z_][A-Za-z0-9_]*")
_FOR = re.compile(r"\s*for\s+(.+?)\s+in\s")
_SET = re.compile(r"\s*set\s+([A-Za-z_]\w*)")
_JINJA_WORDS = (
    "for in if elif else endif endfor not and or is set endset with endwith true false none "
    "True False None loop recursive macro endmacro call endcall filter endfilter raw endraw "
    "block endblock include import from as extends range"
)
_KEYWORDS = frozenset(_JINJA_WORDS.split())


class Names(NamedTuple):
    """What a Jinja source reads."""

    read: set[str]
    """Dotted names from the context (``insight.title``); loop and ``set`` variables left
    out."""
    local: set[str]
    """Dotted names rooted at a loop variable (``f.label``, and ``f`` itself)."""
    loops: set[str]
    """The loop variables (``f``)."""


def names(source: str) -> Names:
    """The dotted names ``source``'s tags read, by where they come from (:class:`Names`)."""
    found: set[str] = set()
    loops: set[str] = set()
    assigned: set[str] = set()
    for m in _TAGS.finditer(source):
        expr = m.group(1) if m.group(1) is not None else m.group(2)
        expr = _FILTERS.sub(" ", _STRINGS.sub(" ", expr))
        stmt = m.group(2)
        if stmt is not None:
            fm = _FOR.match(stmt)
            if fm:
                loops.update(v.strip() for v in fm.group(1).split(","))
            sm = _SET.match(stmt)
            if sm:
                assigned.add(sm.group(1))
        for nm in _NAME.finditer(expr):
            dotted = re.sub(r"\s+", "", nm.group(0))
            if dotted.split(".")[0] in _KEYWORDS:
                continue
            rest = expr[nm.end() :].lstrip()
            if rest.startswith("=") and not rest.startswith("=="):
                continue  # keyword argument name
            found.add(dotted)
    roots = {n: n.split(".")[0] for n in found}
    return Names(
        read={n for n, r in roots.items() if r not in loops and r not in assigned},
        local={n for n, r in roots.items() if r in loops and r not in assigned},
        loops=loops - assigned,
    )


def names_in(source: str) -> set[str]:
    """Dotted names ``source`` reads from the context (``insight.title``), minus loop and
    ``set`` variables."""
    return names(source).read
