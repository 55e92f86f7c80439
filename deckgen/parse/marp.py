"""Slide Markdown as Marp reads it (https://marp.app): ``---`` between slides, directives in
the front matter and in HTML comments, other comments as presenter notes, and keywords in
a picture's alt text (``![bg right](x.jpg)``).

Marp's directives are CSS-minded; deckgen reads those that mean something in a deck it
designs and ignores the rest (never showing them as text):

- ``paginate`` → slide numbers (Marp shows none unless asked; nor does deckgen then);
- ``footer`` (or ``header``, when there is no footer) → the deck's footer;
- ``_class: lead`` → a slide that is only a heading is a section divider, and a deck's
  first slide that is a title and a line or two is the title slide;
- ``headingDivider: N`` → a heading of level N or above starts a slide, as Marp does;
- ``title``, ``author``, ``description``, ``keywords``, ``lang`` → the deck's metadata;
- ``theme``, ``size``, ``style``, ``color``, ``backgroundColor``, ``backgroundImage`` … →
  ignored: the deckgen theme (or the corporate template) owns the look.

Picture keywords: ``bg`` alone (or ``bg cover``) is the slide's background picture;
``bg left``/``bg right``/``bg contain``/``bg fit``/``bg auto``/``bg 50%`` show the picture
whole, beside the slide's text; ``w:300px``/``width:``/``h:``/``height:`` size it; filters
(``sepia``, ``blur:4px`` …) are dropped. What is left of the alt text is the alt text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

GLOBAL = frozenset(
    ("theme", "style", "headingDivider", "size", "math", "title", "author", "description",
     "keywords", "url", "image", "marp", "lang", "transition")
)  # fmt: skip
LOCAL = frozenset(
    ("paginate", "header", "footer", "class", "backgroundColor", "backgroundImage",
     "backgroundPosition", "backgroundRepeat", "backgroundSize", "color", "transition")
)  # fmt: skip
_KEY = re.compile(r"^\s*(_?[A-Za-z][A-Za-z-]*)\s*:\s?(.*)$")
# A comment that only Marp writes, in a document without ``marp: true`` (Marp CLI builds
# any Markdown file): a spot directive (``_class``) or pagination.
_MARP_COMMENT = re.compile(
    r"<!--\s*(?:_(?:class|paginate|backgroundColor|backgroundImage|color|header|footer)"
    r"|paginate|headingDivider)\s*:"
)
_MARP_KEYS = ("paginate", "headingDivider", "_class", "_paginate")

_BG_OPTIONS = re.compile(r"^(?:contain|cover|fit|auto|vertical|\d+(?:\.\d+)?%)$", re.I)
_SIDE = re.compile(r"^(?:left|right)(?::\d+(?:\.\d+)?%)?$", re.I)
_SIZE = re.compile(r"^(?:w|width|h|height):(\S+)$", re.I)
_FILTER = re.compile(
    r"^(?:blur|brightness|contrast|drop-shadow|grayscale|hue-rotate|invert|opacity|saturate"
    r"|sepia)(?::\S*)?$",
    re.I,
)


def says_marp(meta: Mapping[str, Any], body: str) -> str:
    """Why the document is Marp's (for ``deckgen outline``), or empty: it is not."""
    flag = meta.get("marp")
    if flag is True or str(flag).strip().casefold() == "true":
        return "'marp: true' in the front matter"
    key = next((k for k in _MARP_KEYS if k in meta), None)
    if key is not None:
        return f"Marp's '{key}' in the front matter"
    m = _MARP_COMMENT.search(body) if "<!--" in body else None
    if m is not None:
        return f"Marp's directive '{m.group(0)[4:].strip()}'"
    return ""


def directive(inner: str) -> dict[str, str] | None:
    """The directives a comment holds (``<!-- _class: lead -->``, a YAML-like line each),
    or None when it is not one: a presenter note."""
    out: dict[str, str] = {}
    for raw in inner.strip().split("\n"):
        if not raw.strip():
            continue
        m = _KEY.match(raw)
        if m is None:
            return None
        key = m.group(1)
        if key.lstrip("_") not in LOCAL and key not in GLOBAL:
            return None
        out[key] = _unquote(m.group(2).strip())
    return out or None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def picture_words(alt: str) -> tuple[str, bool, bool, str]:
    """A picture's alt text read the way Marp reads it: (the alt text left, ``bg`` asked,
    the background covers the slide, the width asked)."""
    words = alt.split()
    if not any(w.casefold() == "bg" for w in words) and not any(
        _SIZE.match(w) or _FILTER.match(w) for w in words
    ):
        return alt, False, False, ""
    bg = False
    whole = False  # shown whole, beside the text: not a background
    width = ""
    kept: list[str] = []
    for w in words:
        if w.casefold() == "bg":
            bg = True
        elif bg and (_SIDE.match(w) or _BG_OPTIONS.match(w)):
            whole = whole or w.casefold() != "cover"
        elif _SIZE.match(w):
            m = _SIZE.match(w)
            assert m is not None
            if w.casefold().startswith("w"):
                width = m.group(1)
        elif _FILTER.match(w):
            pass
        else:
            kept.append(w)
    return " ".join(kept), bg, bg and not whole, width


def truth(value: Any) -> bool | None:
    """A directive's yes or no (``paginate: true``), or None when it says neither."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("true", "yes", "on"):
        return True
    if text in ("false", "no", "off"):
        return False
    return None


def heading_divider(value: Any) -> int:
    """``headingDivider: 2`` → 2 (a heading of level 2 or above starts a slide); 0: none.
    (Marp's list form ``[1, 3]`` is read as its deepest level.)"""
    if isinstance(value, list):
        levels = [heading_divider(v) for v in value]
        return max(levels, default=0)
    try:
        n = int(str(value).strip())
    except ValueError:
        return 0
    return n if 1 <= n <= 6 else 0
