"""``deckgen outline``: what the parser understood and the slides it leads to.

The JSON form is a stable interface for scripts (``"schema": 1``); fields are only ever
added, never renamed or removed, within a schema version.
"""

from __future__ import annotations

from typing import Any

from deckgen.markers import slide_numbers
from deckgen.model import (
    Conclusion,
    Deck,
    Document,
    Insight,
    Placed,
    PlacedPicture,
    RichText,
    SlideSpec,
)

SCHEMA = 1


def _t(rt: RichText | None) -> str | None:
    return rt.text if rt is not None else None


def _insight(ins: Insight) -> dict[str, Any]:
    return {
        "number": ins.number,
        "title": ins.title.text,
        "line": ins.line,
        "kind": ins.kind,
        "level": ins.level,
        "badge": ins.badge,
        "rule": ins.rule,
        "fields": [{"label": f.label, "text": f.text.text, "line": f.line} for f in ins.fields],
        "points": [p.text for p in ins.points],
        "notes": [n.text for n in ins.notes],
    }


def _conclusion(c: Conclusion | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "heading": c.heading,
        "line": c.line,
        "body": [p.text for p in c.body],
        "closing": [p.text for p in c.closing],
        "notes": [n.text for n in c.notes],
    }


def _element(e: Placed) -> dict[str, Any]:
    """A picture or table on a slide, for scripts: what it shows and where it came from."""
    if isinstance(e, PlacedPicture):
        p = e.picture
        return {"type": "picture", "src": p.src, "alt": p.alt, "title": p.title,
                "path": p.path, "line": p.line, "box": list(e.box) if e.box else None}  # fmt: skip
    t = e.table
    start, stop = e.rows if e.rows is not None else (0, len(t.rows))
    return {
        "type": "table",
        "line": t.line,
        "header": [c.text for c in t.header],
        "rows": [[c.text for c in row] for row in t.rows[start:stop]],
    }


def _element_line(e: Placed) -> str:
    if isinstance(e, PlacedPicture):
        shown = e.picture.alt or e.picture.title
        return f"[picture {e.picture.src}]" + (f" {shown}" if shown else "")
    start, stop = e.rows if e.rows is not None else (0, len(e.table.rows))
    cols = len(e.table.header)
    return f"[table, {cols} columns, rows {start + 1}–{stop} of {len(e.table.rows)}] " + " | ".join(
        c.text for c in e.table.header
    )


def _slide_elements(s: SlideSpec) -> list[dict[str, Any]]:
    out = [_element(e) for e in s.elements]
    if s.background is not None:
        p = s.background
        out.append({"type": "background", "src": p.src, "alt": p.alt, "path": p.path,
                    "line": p.line})  # fmt: skip
    return out


def as_dict(doc: Document, deck: Deck) -> dict[str, Any]:
    total = len(deck.slides)
    return {
        "schema": SCHEMA,
        "source": doc.source,
        "template": deck.theme.name,
        "document": {
            "title": doc.title.text,
            "subtitle": _t(doc.subtitle),
            "author": doc.author,
            "date": doc.date,
            "intro": [p.text for p in doc.intro],
            "insights": [_insight(i) for i in doc.insights],
            "conclusion": _conclusion(doc.conclusion),
            "back_matter": [_insight(i) for i in doc.back_matter],
            "meta": dict(doc.meta),
        },
        "slides": [
            {
                "index": n,
                "kind": s.kind,
                "title": s.title,
                "continued": s.continued,
                "line": s.line,
                "level": s.level,
                "rule": s.rule,
                "text": [slide_numbers(f.text, n, total) for f in s.frames if f.text.strip()],
                "notes": slide_numbers(s.notes, n, total),
                "elements": _slide_elements(s),
            }
            for n, s in enumerate(deck.slides, start=1)
        ],
        "warnings": list(deck.warnings),
    }


def _chrome(deck: Deck, kind: str) -> set[int]:
    """Shape ids of a kind's chrome (footer, slide number, decoration): not its text."""
    proto = deck.theme.prototypes.get(kind)
    return {sh.shape_id for sh in proto.shapes if sh.role == "chrome"} if proto else set()


def as_text(doc: Document, deck: Deck) -> str:
    """The slides as a tree: each with its kind, title, source line and the rule that made
    it, then its text (footer and slide number left out)."""
    total = len(deck.slides)
    lines = [f"{doc.source}: {total} slides, theme {deck.theme.name!r}", ""]
    chrome = {kind: _chrome(deck, kind) for kind in deck.theme.prototypes}
    for n, s in enumerate(deck.slides, start=1):
        indent = "  " * max(0, s.level - 1) if s.kind not in ("title", "conclusion") else ""
        where = f"  [line {s.line}]" if s.line else ""
        why = f"  ← {s.rule}" if s.rule and not s.continued else ""
        follow = "  ← follow-up slide" if s.continued else ""
        lines.append(f"{n:>3}  {s.kind:<10} {indent}{s.title}{where}{why}{follow}")
        skip = chrome.get(s.kind, set())
        for f in s.frames:
            if f.shape_id in skip:
                continue
            for p in f.paragraphs:
                text = slide_numbers(p.text, n, total).strip()
                if text and text not in (s.title, s.title.partition(". ")[2]):
                    lines.append(f"{'':16}{indent}{text}")
        lines += [f"{'':16}{indent}{_element_line(e)}" for e in s.elements]
        if s.background is not None:
            lines.append(f"{'':16}{indent}[background {s.background.src}]")
    if deck.warnings:
        lines.append("")
        lines += [f"Warning: {w}" for w in deck.warnings]
    return "\n".join(lines)
