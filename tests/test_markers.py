"""deckgen.markers: one registry of the private-use characters the pipeline puts in its own
strings; the modules that use them agree with it and no two share a code point."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from deckgen import markers, model, plan
from deckgen.model import BuildOptions, Document, Insight, RichText, Span
from deckgen.render import _markup

PACKAGE = Path(markers.__file__).parent


def test_no_two_markers_share_a_code_point_across_the_modules_that_use_them():
    used = {
        "model.SLIDE_NUMBER": model.SLIDE_NUMBER,
        "model.SLIDE_TOTAL": model.SLIDE_TOTAL,
        **{f"_markup.SLOTS[{k}]": v for k, v in _markup.SLOTS.items()},
        "_markup.TEXT": _markup.TEXT,
        "AppXml.COUNT": _markup.AppXml.COUNT,
        "AppXml.NOTES": _markup.AppXml.NOTES,
        "AppXml.TITLES": _markup.AppXml.TITLES,
        "AppXml.TITLE_COUNT": _markup.AppXml.TITLE_COUNT,
        "AppXml.SIZE": _markup.AppXml.SIZE,
        **{
            f"plan.{n}": getattr(plan, n)
            for n in ("_SPAN", "_URL_END", "_SPAN_END", "_PARA", "_PARA_END", "_SHAPE")
        },
        "plan._SHAPE_END": plan._SHAPE_END,
    }
    markers.check(used)  # raises naming the two that collide
    assert set(used.values()) <= markers.ALL


def test_the_modules_use_the_registry_values():
    assert (model.SLIDE_NUMBER, model.SLIDE_TOTAL) == (markers.SLIDE_NUMBER, markers.SLIDE_TOTAL)
    assert _markup.SLOTS == markers.SLOTS and _markup.TEXT == markers.TEXT_SLOT
    codec = (plan._SPAN, plan._URL_END, plan._SPAN_END, plan._PARA, plan._PARA_END)
    ours = (markers.SPAN, markers.URL_END, markers.SPAN_END, markers.PARA, markers.PARA_END)
    assert codec == ours
    assert (plan._SHAPE, plan._SHAPE_END) == (markers.SHAPE, markers.SHAPE_END)
    assert plan._FLAGS == markers.SPAN_FLAGS


def test_an_overlap_fails_at_import_naming_both():
    with pytest.raises(RuntimeError, match="SLIDE_NUMBER and SLOTS"):
        markers.check({"SLOTS['sz']": "\ue0f1", "SLIDE_NUMBER": "\ue0f1"})
    with pytest.raises(RuntimeError, match="not one private-use character"):
        markers.check({"X": "x"})


def _private_use_literals(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(c for c in node.value if "\ue000" <= c <= "\uf8ff")
    return found


def test_no_module_picks_a_marker_outside_the_registry():
    """A new marker goes in deckgen/markers.py, where the overlap check sees it."""
    strays = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "markers.py":
            continue
        chars = _private_use_literals(path) - markers.ALL
        if path.name == "source.py":
            chars.discard("\uf8ff")  # the end of the range the reader strips
        if chars:
            strays[str(path.relative_to(PACKAGE))] = sorted(f"U+{ord(c):04X}" for c in chars)
    assert strays == {}


def test_plan_and_model_take_their_markers_from_the_registry():
    """They import them: no code point is written down twice (issue 13, items 12 and 14)."""
    assert _private_use_literals(PACKAGE / "plan.py") == set()
    assert _private_use_literals(PACKAGE / "model.py") == set()
    assert not hasattr(plan, "_CODE_FORMAT")  # unused since the cache keys on code digests


def test_formatted_text_equals_itself_in_templates():
    bold = RichText((Span("Open "), Span("models", bold=True)))
    title = plan.Rich(bold)
    assert title == title
    assert title == plan.Rich(bold) and title == "Open models"
    assert title != plan.Rich(RichText.plain_text("Closed models"))
    assert len({title, plan.Rich(bold)}) == 1
    # as a template author writes it: an insight compared with itself, and a title in a list
    doc = Document(title=bold, insights=(Insight(1, bold, points=(bold, bold)),))
    ctx = plan.deck_context(doc, BuildOptions())
    env = plan.environment()
    out = env.from_string(
        "{{ deck.title == deck.insights[0].title }} {{ deck.title in deck.insights[0].points }}"
    ).render(deck=ctx)
    assert out == "True True"
