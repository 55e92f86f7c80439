"""``deckgen templates check``: what a template supplies and which names it uses."""

from __future__ import annotations

from collections.abc import Mapping

from deckgen.jinjanames import names
from deckgen.model import SLIDE_KINDS, Theme

# Names the planner puts in the Jinja context, by top-level object (docs/templates.md).
KNOWN: dict[str, set[str]] = {
    "deck": {"title", "subtitle", "author", "date", "intro", "insights", "slides",
             "conclusion", "footer", "meta"},
    "section": {"number", "title", "paragraphs", "subsections", "line"},
    "insight": {"number", "title", "key_point", "insight", "details", "points", "body",
                "fields", "notes", "paragraphs", "subsections", "kind", "level", "line"},
    "conclusion": {"heading", "body", "closing", "notes", "line"},
    "slide": {"number", "total", "index", "kind", "continued", "part", "items", "images",
              "caption", "table", "code", "quote", "left", "right", "columns"},
    "meta": set(),  # anything from the front matter
}  # fmt: skip
ITEM_ATTRS = {"label", "text", "line", "number", "title"} | KNOWN["insight"]
# a list item of slide.items, a picture of slide.images, a code block's lines
ITEM_ATTRS |= {"level", "bullet", "alt", "src", "caption", "lang", "lines"}
# a column of slide.columns
ITEM_ATTRS |= {"heading", "items", "images", "width"}
# what deckgen makes instead when a template has no prototype (or layout) for a kind
INSTEAD = {
    "section": "insight slides are used",
    "bullets": "insight slides are used",
    "picture": "pictures go beside the text, else their alt text is shown",
    "text_picture": "pictures go on picture slides, else their alt text is shown",
    "table": "tables are shown as lines of text",
    "code": "code is shown as lines of text",
    "quote": "quotes are shown as lines of text",
    "columns": "columns are shown one after the other: their text as lines, their pictures "
    "with the section's",
    "comparison": "columns with headings use the columns slide",
}


def unknown_names(used: set[str], loop_vars: set[str]) -> set[str]:
    """The names in ``used`` the planner does not provide (``loop_vars``' attributes are
    checked against what a list item has)."""
    bad = set()
    for dotted in used:
        head, *rest = dotted.split(".")
        if head in loop_vars:
            if rest and rest[0] not in ITEM_ATTRS:
                bad.add(dotted)
        elif head not in KNOWN or (rest and KNOWN[head] and rest[0] not in KNOWN[head]):
            bad.add(dotted)
    return bad


def report(theme: Theme) -> tuple[str, bool]:
    mode = "corporate template (layouts filled)" if theme.from_layouts else "prototype slides"
    lines = [f"{theme.path}: {mode}"]
    ok = True
    for kind in SLIDE_KINDS:
        proto = theme.prototypes.get(kind)
        if proto is None:
            note = " (required)" if kind == "insight" else ""
            if kind in INSTEAD:
                note = f" ({INSTEAD[kind]})"
            lines.append(f"  {kind:<10} missing{note}")
            ok = ok and kind != "insight"
            continue
        where = (
            f"slide {proto.slide_index + 1}"
            if proto.slide_index is not None
            else f"layout {proto.layout_name!r}"
        )
        found = names("\n".join(s.template for s in proto.shapes))
        bad = unknown_names(found.read | found.local, found.loops)
        used = found.read
        titled = any(s.is_title for s in proto.shapes)
        lines.append(f"  {kind:<10} {where}; uses {', '.join(sorted(used)) or 'no names'}")
        if not titled:
            lines.append(f"  {'':<10} no title placeholder: screen readers will find no title")
        if bad:
            ok = False
            lines.append(f"  {'':<10} unknown: {', '.join(sorted(bad))}")
    from deckgen.plan import template_problems  # Jinja only when a template is checked

    for problem in template_problems(theme):  # syntax errors, reaches for internals
        ok = False
        lines.append(f"  error: {problem.message}")
    for w in theme.warnings:
        lines.append(f"  warning: {w}")
    lines.append("OK" if ok else "Problems found (see docs/templates.md for the names)")
    return "\n".join(lines), ok


def layout_lines(path: str, layouts: Mapping[str, str] | None = None) -> list[str]:
    """For a corporate template: the layout each slide kind uses, and why
    (:mod:`deckgen.render.layouts`; pinned kinds say so)."""
    from deckgen.render._package import open_presentation
    from deckgen.render.layouts import choose

    chosen = choose(open_presentation(path), layouts, path)
    lines = ["  layouts (kind → layout: why):"]
    for kind, choice in chosen.items():
        lines.append(f"  {kind:<10} → {choice.name!r}: {choice.reason}")
    return lines


def check(path: str, layouts: Mapping[str, str] | None = None) -> tuple[str, bool]:
    from deckgen import themes

    theme = themes.load(path, layouts=layouts)
    text, ok = report(theme)
    if theme.from_layouts:  # the mapping, before the verdict
        head, _, verdict = text.rpartition("\n")
        text = "\n".join([head, *layout_lines(theme.path, layouts), verdict])
    return text, ok
