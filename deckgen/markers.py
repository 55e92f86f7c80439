"""The private-use characters deckgen puts inside its own strings, in one registry.

Several stages carry information through text that a user never types: plan wraps
formatted runs and prototype paragraphs in markers so that they survive Jinja, the slide
number and total travel as placeholders until the writer knows them, and the writer's
cached XML fragments hold slots it fills per deck. The source reader removes every
private-use character (U+E000–U+F8FF) from summaries, so none of these can come from the
author; they must not collide with each other either (a slide-number placeholder that is
also a size slot would be replaced in the wrong place). Each is defined here, and
importing this module fails if two of them share a code point.

The modules that use them import them from here (plan, model, the writer's slots);
tests/test_markers.py checks that no other module spells one out, and a template's own
text is cleaned of them when it is read (deckgen.render.reader).
"""

from __future__ import annotations

import re

# plan: rich text through Jinja (plan.encode/decode) ------------------------------------
SPAN = "\ue000"
"""Starts a formatted span; the next character is ``chr(SPAN_FLAGS + bits)``."""
URL_END = "\ue001"
"""Ends a span's link target (the span's text follows)."""
SPAN_END = "\ue002"
SPAN_FLAGS = 0xE100
"""The first of the 16 flag characters (bold 1, italic 2, code 4, link 8)."""
SPAN_FLAG_COUNT = 16

# plan: a slide's tagged shapes and their paragraphs, joined in one Jinja template -------
PARA = "\ue003"
"""``PARA + index digits + PARA_END`` opens a prototype paragraph's text."""
PARA_END = "\ue004"
SHAPE = "\ue005"
"""``SHAPE + index digits + SHAPE_END`` opens a shape's text."""
SHAPE_END = "\ue006"
STEP = "\ue007"
"""In a rendered line, makes its paragraph appear on a click (an item of pandoc's
``::: incremental`` list; plan reads it into ``Para.appear``)."""
RUN_STYLES = 0xE200
"""The first of the characters that say which run of a prototype paragraph the text after
them was typed in (``chr(RUN_STYLES + style)``, :attr:`deckgen.model.ParaProto.styles`): a
label before a tag keeps its own formatting."""
RUN_STYLE_COUNT = 64
ITEMS = 0xE300
"""At the start of a rendered line, ``chr(ITEMS + level * 4 + look)`` makes it a list
paragraph: ``level`` 0–7 its nesting, ``look`` 1 a bullet glyph, 2 no glyph whatever the
template's list style (code lines), 0 as the template has it (plan reads it into
``Para.level``/``Para.bullet``)."""
ITEM_COUNT = 32

# model: slide number and total, replaced when the deck is written ----------------------
SLIDE_NUMBER = "\ue0f1"
SLIDE_TOTAL = "\ue0f2"

# render: slots in the template's serialized XML, filled per deck (render._markup) -------
SLOTS = {"lang": "\ue0d0", "sz": "\ue0d1", "b": "\ue0d2", "i": "\ue0d3", "lvl": "\ue0d4"}
"""Attribute slots of run and paragraph properties, by attribute name."""
TEXT_SLOT = "\ue0d5"
"""The text of an app.xml or core.xml element the deck sets."""
APP_COUNT = "\ue0e0"
APP_NOTES = "\ue0e1"
APP_TITLES = "\ue0e2"
APP_TITLE_COUNT = "\ue0e3"
APP_SIZE = "\ue0e4"


def registry() -> dict[str, str]:
    """Every marker character by name (the span flags one entry each)."""
    named = {
        "SPAN": SPAN,
        "URL_END": URL_END,
        "SPAN_END": SPAN_END,
        "PARA": PARA,
        "PARA_END": PARA_END,
        "SHAPE": SHAPE,
        "SHAPE_END": SHAPE_END,
        "STEP": STEP,
        "SLIDE_NUMBER": SLIDE_NUMBER,
        "SLIDE_TOTAL": SLIDE_TOTAL,
        "TEXT_SLOT": TEXT_SLOT,
        "APP_COUNT": APP_COUNT,
        "APP_NOTES": APP_NOTES,
        "APP_TITLES": APP_TITLES,
        "APP_TITLE_COUNT": APP_TITLE_COUNT,
        "APP_SIZE": APP_SIZE,
    }
    named.update({f"SLOTS[{k!r}]": v for k, v in SLOTS.items()})
    named.update({f"SPAN_FLAGS+{i}": chr(SPAN_FLAGS + i) for i in range(SPAN_FLAG_COUNT)})
    named.update({f"RUN_STYLES+{i}": chr(RUN_STYLES + i) for i in range(RUN_STYLE_COUNT)})
    named.update({f"ITEMS+{i}": chr(ITEMS + i) for i in range(ITEM_COUNT)})
    return named


def check(markers: dict[str, str]) -> None:
    """Raise if two markers share a character, or one is not a private-use character."""
    seen: dict[str, str] = {}
    for name, char in markers.items():
        if len(char) != 1 or not "\ue000" <= char <= "\uf8ff":
            raise RuntimeError(f"deckgen.markers: {name} is not one private-use character")
        if char in seen:
            raise RuntimeError(
                f"deckgen.markers: {name} and {seen[char]} are both U+{ord(char):04X}"
            )
        seen[char] = name


check(registry())
ALL = frozenset(registry().values())
"""Every marker character."""

_ANY = re.compile("[" + "".join(sorted(ALL)) + "]")
_NONE = {ord(c): None for c in ALL}


def found_in(text: str) -> set[str]:
    """The markers in ``text`` (a template's own text must hold none: :func:`strip`)."""
    return set(_ANY.findall(text))


def strip(text: str) -> str:
    """``text`` without any marker: what a template's designer typed (an icon font's glyph
    that happens to share a code point, say) must never be taken for one."""
    return text.translate(_NONE) if _ANY.search(text) else text


def slide_numbers(text: str, number: int | str, total: int | str) -> str:
    """``text`` with the slide number and total in place of their markers: the one place
    they are replaced (the writer, for slides and their notes; ``deckgen outline``)."""
    if SLIDE_NUMBER in text:
        text = text.replace(SLIDE_NUMBER, str(number))
    if SLIDE_TOTAL in text:
        text = text.replace(SLIDE_TOTAL, str(total))
    return text
