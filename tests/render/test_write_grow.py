"""The writer draws a prototype shape where the slide says (``SlideSpec.boxes``): its own
``a:xfrm`` rewritten, or one given to a placeholder that inherits its place from the
layout, and its decorations ("Code Edge" beside "Code") moved and stretched with it.

Every deck written here is also validated against the Open XML schemas (tests/schema.py's
autouse fixture).
"""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation

from deckgen.model import Deck, Frame, Para, SlideSpec, Span, Theme
from deckgen.render import load_theme, write
from deckgen.themes import load

from .conftest import assert_valid
from .test_write_elements import NS, Written

PT = 12700


def code_slide(theme: Theme, boxes=()) -> SlideSpec:
    ids = {s.name: s.shape_id for s in theme.prototypes["code"].shapes}
    code = tuple(Para((Span(f"line {i}", code=True),)) for i in range(3))
    frames = (Frame(ids["Title"], (Para((Span("Code"),)),)), Frame(ids["Code"], code))
    return SlideSpec("code", "Code", frames, boxes=tuple(boxes))


def named(slide, name: str):
    for sp in slide.iter(f"{{{NS['p']}}}sp"):
        c = sp.find("p:nvSpPr/p:cNvPr", NS)
        if c is not None and c.get("name") == name:
            return sp
    raise AssertionError(f"no shape {name!r}")


def box(sp) -> tuple[int, int, int, int]:
    xfrm = sp.find("p:spPr/a:xfrm", NS)
    off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
    return int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy"))


def test_a_moved_shape_and_its_decoration_are_drawn_where_the_slide_says(tmp_path: Path):
    theme = load("default")
    code = next(s for s in theme.prototypes["code"].shapes if s.name == "Code")
    x, y, w, h = code.box
    grown = (x, y - 60 * PT, w, h + 60 * PT)
    out = tmp_path / "moved.pptx"
    write(Deck((code_slide(theme), code_slide(theme, [(code.shape_id, grown)])), theme, "G"), out)
    assert_valid(out)
    deck = Written(out)
    before, after = deck.slide(1), deck.slide(2)
    assert box(named(before, "Code")) == code.box
    assert box(named(after, "Code")) == grown
    # the edge beside the panel keeps its place across and runs the panel's new height
    ex, ey, ew, eh = box(named(before, "Code Edge"))
    nx, ny, nw, nh = box(named(after, "Code Edge"))
    assert (nx, nw) == (ex, ew)
    assert ny - grown[1] == round((ey - y) * grown[3] / h)
    assert abs((ny + nh) - (grown[1] + (ey + eh - y) * grown[3] / h)) <= 1
    assert nh > eh
    # nothing else moved
    assert box(named(after, "Title")) == box(named(before, "Title"))


def test_a_placeholder_without_a_box_of_its_own_gets_one_in_schema_order(tmp_path: Path):
    path = tmp_path / "corporate.pptx"
    Presentation().save(path)
    theme = load_theme(path)
    body = next(s for s in theme.prototypes["code"].shapes if s.role == "code")
    title = next(s for s in theme.prototypes["code"].shapes if s.role == "title")
    x, y, w, h = body.box
    moved = (x, y + 20 * PT, w, h - 20 * PT)
    frames = (
        Frame(title.shape_id, (Para((Span("Code"),)),)),
        Frame(body.shape_id, (Para((Span("x = 1", code=True),)),)),
    )
    spec = SlideSpec("code", "Code", frames)
    out = tmp_path / "out.pptx"
    write(
        Deck(
            (spec, SlideSpec("code", "Code", frames, boxes=((body.shape_id, moved),))), theme, "G"
        ),
        out,
    )
    assert_valid(out)
    deck = Written(out)
    ids = {str(body.shape_id)}
    plain = [
        sp
        for sp in deck.slide(1).iter(f"{{{NS['p']}}}sp")
        if sp.find("p:nvSpPr/p:cNvPr", NS).get("id") in ids
    ]
    assert plain and plain[0].find("p:spPr/a:xfrm", NS) is None  # inherits, as before
    sp = next(
        sp
        for sp in deck.slide(2).iter(f"{{{NS['p']}}}sp")
        if sp.find("p:nvSpPr/p:cNvPr", NS).get("id") in ids
    )
    assert sp.find("p:spPr", NS)[0].tag == f"{{{NS['a']}}}xfrm"
    assert box(sp) == moved
