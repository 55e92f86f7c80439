"""Reading a template, once: what plan and fit need to know about it, as plain data
(:class:`~deckgen.model.Theme`), and what the writer writes decks from
(:class:`~deckgen.render.recipe.Base`), both from one opened presentation (:func:`read`).

Two kinds of template:

- *prototype templates*: slides whose speaker notes start with ``deckgen: KIND``; every
  text-bearing shape becomes a :class:`ShapeProto` with its Jinja source and the formatting
  PowerPoint would show (resolved through the whole inheritance chain);
- *corporate templates* (no prototypes): layouts are chosen by name, with fallbacks, and
  their placeholders get default Jinja templates. A slide is made from the layout and
  analysed exactly like a prototype; the writer's recipe is made from that same slide, so
  shape ids agree.

A prototype slide with no title placeholder is accepted with a warning in
``Theme.warnings`` (screen readers and the outline then find no title on its clones).

The template's own text never holds deckgen's private-use markers (:mod:`deckgen.markers`):
the reader removes them from the Jinja sources of shapes and notes (with a warning), and
the writer's app.xml and core.xml lose them (``_xml``), so nothing the designer typed can be
taken for a slide number, a formatted span or a slot.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from deckgen import markers
from deckgen.errors import DeckgenError, TemplateError
from deckgen.jinjanames import names_in
from deckgen.model import SLIDE_KINDS, ParaProto, Prototype, ShapeProto, Theme
from deckgen.render import _xml as X
from deckgen.render import layouts as _layouts
from deckgen.render._package import first_line, open_presentation
from deckgen.render._prepare import Preparer
from deckgen.render.recipe import Base, Template

if TYPE_CHECKING:
    from pptx.opc.package import XmlPart
    from pptx.presentation import Presentation
    from pptx.slide import Slide, SlideLayout

RT_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
MARKER = re.compile(r"^\s*deckgen\s*:\s*([A-Za-z_-]+)", re.IGNORECASE)
DEFAULT_SIZE = 18.0
DEFAULT_INSETS = (91440, 45720, 91440, 45720)
# PowerPoint's "single" line is about 1.2 em for the fonts it ships
SINGLE_LINE = 1.2


def read(
    path: str | Path,
    *,
    name: str | None = None,
    description: str = "",
    notes_template: str = "",
    min_body_size: float = 14,
    min_title_size: float = 24,
    layouts: Mapping[str, str] | None = None,
) -> Template:
    """Read a .pptx/.potx template once into its theme and the writer's base (TemplateError
    if the theme cannot be read; a base that cannot be made is None, and the writer reports
    why when a deck is written)."""
    prs = open_presentation(path)
    count = _slide_count(prs)
    theme, slides = _read_theme(
        prs,
        path,
        name=name,
        description=description,
        notes_template=notes_template,
        min_body_size=min_body_size,
        min_title_size=min_title_size,
        layouts=layouts,
    )
    try:
        # with notes: a deck almost always has them, and the base serves decks without
        # them too unless the template lacks a notes master (Base.serves)
        base: Base | None = Preparer(prs, theme, slides, count).run(True)
    except Exception:  # the writer reads the template again and says what is wrong
        base = None
    if base is not None and base.errors:
        base = None
    return Template(theme, base)


def load_theme(
    path: str | Path,
    *,
    name: str | None = None,
    description: str = "",
    notes_template: str = "",
    min_body_size: float = 14,
    min_title_size: float = 24,
    layouts: Mapping[str, str] | None = None,
) -> Theme:
    """Only the theme of a .pptx/.potx template (TemplateError if it cannot be read): for
    callers that do not write decks; :func:`read` gives the writer's base too."""
    prs = open_presentation(path)
    return _read_theme(
        prs,
        path,
        name=name,
        description=description,
        notes_template=notes_template,
        min_body_size=min_body_size,
        min_title_size=min_title_size,
        layouts=layouts,
    )[0]


def base_for(theme: Theme, notes: bool) -> Base:
    """The writer's base for a theme whose base is not at hand (read by :func:`load_theme`,
    or made by an API user; a deck without notes from a template without a notes master),
    reading the template again. A kind whose prototype is no longer where ``theme`` found
    it fails when a deck uses it."""
    where = theme.path
    prs = open_presentation(where)
    try:
        count = _slide_count(prs)
        # a corporate template's layouts again: each kind pinned to the layout it had
        pins = {k: p.layout_name for k, p in theme.prototypes.items() if p.layout_name}
        fresh, slides = _read_theme(prs, where, layouts=pins if theme.from_layouts else None)
        errors: dict[str, BaseException] = {}
        for kind, proto in theme.prototypes.items():
            now = fresh.prototypes.get(kind)
            if now is None or now.slide_index != proto.slide_index:
                what = (
                    f"slide {proto.slide_index + 1} is no longer the {kind} prototype"
                    if proto.slide_index is not None
                    else "layouts differ"
                )
            elif proto.layout_name is not None and now.layout_name != proto.layout_name:
                what = "layouts differ"
            else:
                continue
            errors[kind] = TemplateError(
                f"template changed since it was loaded ({what})", path=where
            )
            slides.pop(kind, None)
        return Preparer(prs, theme, slides, count, errors).run(notes)
    except DeckgenError:
        raise
    except Exception as e:  # odd XML in an untrusted template: one line, not a traceback
        raise TemplateError(f"cannot use template: {first_line(e)}", path=where) from e


def _slide_count(prs: Presentation) -> int:
    """The template's own slides (before a corporate template's layouts add theirs)."""
    return len(prs.part._element.get_or_add_sldIdLst())


def _read_theme(
    prs: Presentation,
    path: str | Path,
    *,
    name: str | None = None,
    description: str = "",
    notes_template: str = "",
    min_body_size: float = 14,
    min_title_size: float = 24,
    layouts: Mapping[str, str] | None = None,
) -> tuple[Theme, dict[str, XmlPart]]:
    """The theme, and the slide part each prototype was read from."""
    where = str(path)
    try:
        width = prs.slide_width or 9144000
        height = prs.slide_height or 6858000
        warnings: list[str] = []
        slides: dict[str, XmlPart] = {}
        protos = _prototypes_from_slides(prs, where, warnings, slides)
        from_layouts = not protos
        if from_layouts:
            protos = _prototypes_from_layouts(prs, where, warnings, slides, layouts)
        elif layouts:
            warnings.append(
                f"{where}: has prototype slides, so the layouts pinned "
                f"({', '.join(f'{k}: {v!r}' for k, v in layouts.items())}) are not used"
            )
    except TemplateError:
        raise
    except Exception as e:  # malformed XML in odd places: one line, never a traceback
        raise TemplateError(f"cannot understand template: {first_line(e)}", path=where) from None
    notes_template = _unmarked([notes_template], f"{where}: notes template", warnings)[0]
    p = Path(path)
    if name is None:
        name = p.parent.name if p.stem == "template" and p.parent.name else p.stem
    theme = Theme(
        name=name,
        path=str(path),
        description=description,
        slide_width=int(width),
        slide_height=int(height),
        prototypes=protos,
        notes_template=notes_template,
        min_body_size=float(min_body_size),
        min_title_size=float(min_title_size),
        from_layouts=from_layouts,
        warnings=tuple(warnings),
    )
    return theme, slides


def _unmarked(texts: list[str], what: str, warnings: list[str]) -> list[str]:
    """``texts`` without deckgen's private-use markers: a template's own characters must
    never be taken for a slide number, a formatted span or a slot (a warning names them)."""
    found = set().union(*map(markers.found_in, texts)) if texts else set()
    if not found:
        return texts
    codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(found))
    warnings.append(
        f"{what}: removed characters that deckgen uses internally ({codes}); "
        "type other characters, or use another icon font"
    )
    return [markers.strip(t) for t in texts]


# --------------------------------------------------------------------------- prototypes


def prototype_kind(slide: Slide) -> str | None:
    """The KIND of a slide whose notes start with ``deckgen: KIND`` (lower-cased), else None."""
    if not slide.has_notes_slide:
        return None
    frame = slide.notes_slide.notes_text_frame
    if frame is None:
        return None
    m = MARKER.match(frame.text)
    return m.group(1).lower() if m else None


def _prototypes_from_slides(
    prs: Presentation, where: str, warnings: list[str], slides: dict[str, XmlPart]
) -> dict[str, Prototype]:
    protos: dict[str, Prototype] = {}
    for index, slide in enumerate(prs.slides):
        kind = prototype_kind(slide)
        if kind is None:
            continue
        label = f"slide {index + 1}"
        if kind not in SLIDE_KINDS:
            warnings.append(
                f"{where}, {label}: unknown prototype kind {kind!r} ignored "
                f"(known: {', '.join(SLIDE_KINDS)})"
            )
            continue
        if kind in protos:
            warnings.append(
                f"{where}, {label}: second prototype for {kind!r} ignored "
                f"(the first is slide {(protos[kind].slide_index or 0) + 1})"
            )
            continue
        ctx = _SlideStyles(prs, slide)
        shapes = tuple(_shape_protos(ctx, slide.shapes._spTree, f"{where}, {label}", warnings))
        shapes += tuple(_cell_protos(ctx, slide.shapes._spTree, f"{where}, {label}", warnings))
        _warn_unfilled(slide, f"{where}, {label}", warnings)
        if not any(s.is_title for s in shapes):
            warnings.append(
                f"{where}, {label} ({kind} prototype): no title placeholder; put the title "
                "in the slide's title placeholder so screen readers and the outline find it"
            )
        protos[kind] = Prototype(kind=kind, shapes=shapes, slide_index=index)
        slides[kind] = slide.part
    return protos


# --------------------------------------------------------------------------- layouts

# kind → placeholder role → paragraph templates (the layouts: render/layouts.py)


def _numbered_title(obj: str) -> str:
    """``3. Title`` (a bare number gets a dot, ``II``/``1.2`` do not; an empty number shows
    only the title), as plain text: a title bold in the Markdown (``## 1. **Intro**``) must
    not give a regular number beside a bold title — the layout's title style decides."""
    n = f"{obj}.number"
    return (
        f"{{% if {n} %}}{{{{ {n} }}}}{{% if ({n}|string).isdigit() %}}.{{% endif %}} {{% endif %}}"
        f"{{{{ {obj}.title.text }}}}"
    )


LAYOUT_DEFAULTS: dict[str, dict[str, tuple[str, ...]]] = {
    "title": {
        "title": ("{{ deck.title }}",),
        "body": (
            "{{ deck.subtitle }}",
            "{{ deck.author }}{% if deck.author and deck.date %} · {% endif %}{{ deck.date }}",
        ),
    },
    "agenda": {
        # a tag, not static text: a layout's title placeholder is empty, and static text
        # of a prototype is copied from the slide as it is
        "title": ("{{ 'Agenda' }}",),
        "body": (
            "{% for i in deck.insights %}",
            "{{ i.number }}. {{ i.title }}",
            "{% endfor %}",
        ),
    },
    "section": {
        "title": (_numbered_title("section"),),
        "body": (
            "{% for t in section.paragraphs %}",
            "{{ t }}",
            "{% endfor %}",
            "{{ section.subsections|join(' · ') }}",
        ),
    },
    "insight": {
        "title": (_numbered_title("insight"),),
        # every field keeps its label: "Why it matters: …" (the statement's label is in
        # the notes, as in the bundled themes)
        "body": (
            "{{ insight.key_point }}",
            "{% for f in insight.details %}",
            "{{ f.label }}: {{ f.text }}",
            "{% endfor %}",
            "{% for t in insight.points %}",
            "{{ t }}",
            "{% endfor %}",
        ),
    },
    "bullets": {
        "title": (_numbered_title("insight"),),
        "body": ("{% for t in slide.items %}", "{{ t }}", "{% endfor %}"),
    },
    "conclusion": {
        "title": ("{{ conclusion.heading }}",),
        "body": (
            "{% for t in conclusion.body %}",
            "{{ t }}",
            "{% endfor %}",
            "{% for t in conclusion.closing %}",
            "{{ t }}",
            "{% endfor %}",
        ),
    },
}
_ITEMS_LOOP = ("{% for t in slide.items %}", "{{ t }}", "{% endfor %}")
# the element kinds (render/layouts.py: ``places``): "area" is the placeholder the writer
# replaces by the picture or table (plan does not render it), "body" the text box
LAYOUT_DEFAULTS.update(
    {
        "picture": {
            "title": (_numbered_title("insight"),),
            "area": ("{{ slide.images }}",),
            "body": ("{{ slide.caption }}",),
        },
        "text_picture": {
            "title": (_numbered_title("insight"),),
            "body": _ITEMS_LOOP,
            "area": ("{{ slide.images }}",),
        },
        "table": {
            "title": (_numbered_title("insight"),),
            "body": _ITEMS_LOOP,
            "area": ("{{ slide.table }}",),
        },
        # the text above the code, in one box: no word needs a slide of its own; code
        # lines never take the body's bullets (plan marks them so)
        "code": {
            "title": (_numbered_title("insight"),),
            "body": (*_ITEMS_LOOP, "{{ slide.code }}"),
        },
        "quote": {
            "title": (_numbered_title("insight"),),
            "body": (
                "{{ slide.quote.text }}",
                "{% if slide.quote.attribution %}— {{ slide.quote.attribution }}{% endif %}",
                *_ITEMS_LOOP,
            ),
        },
    }
)
# two columns (pandoc's ``:::: columns``): "left" and "right" are the two boxes side by side
# (:func:`layouts.column_places`), "left_heading"/"right_heading" a comparison layout's
# headers over them; without headers a column's heading is its box's first line
_COLUMN_TEXT = {
    side: (
        f"{{% if slide.{side}.heading %}}{{{{ slide.{side}.heading }}}}{{% endif %}}",
        f"{{% for t in slide.{side}.items %}}",
        "{{ t }}",
        "{% endfor %}",
    )
    for side in ("left", "right")
}
LAYOUT_DEFAULTS.update(
    {
        "columns": {
            "title": (_numbered_title("insight"),),
            "left": _COLUMN_TEXT["left"],
            "right": _COLUMN_TEXT["right"],
        },
        "comparison": {
            "title": (_numbered_title("insight"),),
            "left_heading": ("{{ slide.left.heading }}",),
            "left": _COLUMN_TEXT["left"][1:],
            "right_heading": ("{{ slide.right.heading }}",),
            "right": _COLUMN_TEXT["right"][1:],
        },
    }
)
# the template's slide-number, footer and date placeholders, on every slide but the title
CHROME_TEMPLATES: dict[str, tuple[str, ...]] = {
    "sldNum": ("{{ slide.number }}",),
    "ftr": ("{{ deck.footer }}",),
    "dt": ("{{ deck.date }}",),
}
CHROME_MIN_SIZE = 8.0
"""Numbers, footer and date shrink this far in their small boxes (a long footer)."""


def iter_layouts(prs: Presentation) -> Iterable[SlideLayout]:
    return _layouts.iter_layouts(prs)


def find_layout(prs: Presentation, kind: str, pins: Mapping[str, str] | None = None) -> SlideLayout:
    """The layout ``kind`` uses in corporate-template mode (:func:`layouts.choose`)."""
    return _layouts.choose(prs, pins)[kind].layout


def layout_slide(prs: Presentation, choice: _layouts.Choice) -> Slide:
    """A slide made from the chosen layout. python-pptx leaves the layout's slide-number,
    footer and date placeholders off a new slide; every kind but the title slide gets them
    here, with the layout's paragraph (its field's run formatting) to take style from."""
    slide = prs.slides.add_slide(choice.layout)
    if choice.kind == "title":
        return slide
    tree = slide.shapes._spTree
    if choice.area is not None:
        # a picture or table placeholder has no text body on a new slide: it gets one, so
        # the area is a text shape like a prototype's (the writer replaces it)
        for sp in X.iter_sp(tree):
            ph = X.ph_of(sp)
            if ph is not None and X.ph_idx(ph) == choice.area.idx and sp.find(X.P_TXBODY) is None:
                tx = etree.SubElement(sp, X.P_TXBODY)
                etree.SubElement(tx, X.qn("a:bodyPr"))
                etree.SubElement(tx, X.qn("a:lstStyle"))
                etree.SubElement(tx, X.A_P)
    for placeholder in choice.layout.placeholders:  # type: ignore[misc]
        sp = placeholder._element
        ph = X.ph_of(sp)
        if ph is None or X.ph_type(ph) not in CHROME_TEMPLATES:
            continue
        slide.shapes.clone_placeholder(placeholder)
        new = tree[-1]
        body = sp.find(X.P_TXBODY)
        if new.find(X.P_TXBODY) is None:
            tx = etree.SubElement(new, X.P_TXBODY)
            etree.SubElement(tx, X.qn("a:bodyPr"))
            etree.SubElement(tx, X.qn("a:lstStyle"))
            first = body.find(X.A_P) if body is not None else None
            tx.append(copy.deepcopy(first) if first is not None else X.make("a:p"))
    return slide


def _prototypes_from_layouts(
    prs: Presentation,
    where: str,
    warnings: list[str],
    slides: dict[str, XmlPart],
    pins: Mapping[str, str] | None = None,
) -> dict[str, Prototype]:
    choices = _layouts.choose(prs, pins, where)
    protos: dict[str, Prototype] = {}
    textless: dict[tuple[str, bool], list[str]] = {}  # (layout, has a title) → kinds
    for kind, templates in LAYOUT_DEFAULTS.items():
        choice = choices.get(kind)
        if choice is None:
            continue  # no layout for it (two columns side by side): plan shows it otherwise
        if kind in _layouts.COLUMN_KINDS and not choice.boxes:
            warnings.append(
                f"{where}: layout {choice.name!r} has no two text boxes side by side for "
                f"{kind} slides; their columns are shown one after the other"
            )
            continue
        slide = layout_slide(prs, choice)
        ctx = _SlideStyles(prs, slide)
        if kind in _layouts.ELEMENT_KINDS:
            assigned = _assign_places(slide, templates, choice)
        else:
            assigned = _assign_layout_templates(ctx, slide, templates, kind)
        roles = {r for r, _ in assigned.values()}
        if "body" not in roles and "area" not in roles:
            textless.setdefault((choice.name, "title" in roles), []).append(kind)
        shapes = tuple(
            s
            if assigned[s.shape_id][0] != "chrome"
            else replace(s, role="chrome", min_size=min(CHROME_MIN_SIZE, s.paragraphs[0].size))
            for s in _shape_protos(ctx, slide.shapes._spTree, where, warnings, overrides=assigned)
            if s.shape_id in assigned
        )
        protos[kind] = Prototype(kind=kind, shapes=shapes, layout_name=choice.name)
        slides[kind] = slide.part
        if kind in _layouts.ELEMENT_KINDS:
            _detach(prs, slide)
    if textless:  # one warning, the path once
        said = "; ".join(
            f"layout {name!r} has no text box, so {', '.join(kinds)} slides show only their title"
            if titled
            else f"layout {name!r} has no title and no text box, so {', '.join(kinds)} slides "
            "show no text"
            for (name, titled), kinds in textless.items()
        )
        said += " (pin a layout with one: --layout KIND=NAME)"
        warnings.append(f"{where}: {said}")
    return protos


def _detach(prs: Presentation, slide: Slide) -> None:
    """Take a slide made from a layout out of the presentation's slide list (its part
    lives on as the prototype the writer's recipe is made from): the ids and relationship
    ids of a deck's slides then depend only on the kinds corporate templates always had, so
    decks that use none of the element kinds are as they were before those kinds existed."""
    prs_part = prs.part
    rid = next(r for r, rel in prs_part.rels.items() if rel.target_part is slide.part)
    for sld in prs_part._element.get_or_add_sldIdLst():
        if sld.get(f"{{{X.R_NS}}}id") == rid:
            sld.getparent().remove(sld)
            break
    prs_part.rels.pop(rid)


def _placed(ctx: _SlideStyles, sp: etree._Element) -> int:
    """The area of a slide placeholder, its geometry inherited from layout and master."""
    for s in ctx.chain(sp):
        box = X.xfrm_box(s)
        if box is not None:
            return max(box[2], 0) * max(box[3], 0)
    return 0


def _assign_layout_templates(
    ctx: _SlideStyles, slide: Slide, templates: Mapping[str, tuple[str, ...]], kind: str
) -> dict[int, tuple[str, tuple[str, ...]]]:
    """shape id → (role, paragraph templates): the title; the body into the main text box
    (the largest ``body``/``obj`` placeholder; on the title slide a subtitle first), never
    into a small extra box (a source line, a subheadline), which stays empty and is removed;
    the slide-number, footer and date placeholders (``chrome``)."""
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    texts: list[tuple[int, int, int]] = []  # (preference, -area, shape id)
    for sp in X.iter_sp(slide.shapes._spTree):
        ph, sid = X.ph_of(sp), X.sp_id(sp)
        if ph is None or sid is None or sp.find(X.P_TXBODY) is None:
            continue
        t = X.ph_type(ph)
        if t in X.TITLE_TYPES:
            if "title" in templates and not any(r == "title" for r, _ in out.values()):
                out[sid] = ("title", templates["title"])
        elif t in CHROME_TEMPLATES:
            out[sid] = ("chrome", CHROME_TEMPLATES[t])
        elif t in ("body", "obj", "subTitle") and ph.get("orient") != "vert":
            subtitle = t == "subTitle"
            preference = (not subtitle) if kind == "title" else subtitle
            texts.append((int(preference), -_placed(ctx, sp), sid))
    if texts and "body" in templates:
        out[min(texts)[2]] = ("body", templates["body"])
    return out


def _assign_places(
    slide: Slide, templates: Mapping[str, tuple[str, ...]], choice: _layouts.Choice
) -> dict[int, tuple[str, tuple[str, ...]]]:
    """shape id → (role, paragraph templates) for an element kind: the title, the area and
    the text box the layout's structure gave it (:func:`layouts.places`, by placeholder
    idx), the slide-number, footer and date placeholders; other placeholders stay empty
    (and are removed)."""
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    area = choice.area.idx if choice.area is not None else None
    text = choice.text.idx if choice.text is not None else None
    named = {box.idx: role for role, box in choice.boxes}
    for sp in X.iter_sp(slide.shapes._spTree):
        ph, sid = X.ph_of(sp), X.sp_id(sp)
        if ph is None or sid is None or sp.find(X.P_TXBODY) is None:
            continue
        t, idx = X.ph_type(ph), X.ph_idx(ph)
        if t in X.TITLE_TYPES:
            if not any(r == "title" for r, _ in out.values()):
                out[sid] = ("title", templates["title"])
        elif t in CHROME_TEMPLATES:
            out[sid] = ("chrome", CHROME_TEMPLATES[t])
        elif named.get(idx) in templates:
            out[sid] = ("body", templates[named[idx]])
        elif idx == area and "area" in templates:
            out[sid] = ("area", templates["area"])
        elif idx == text and "body" in templates:
            out[sid] = ("body", templates["body"])
    return out


# --------------------------------------------------------------------------- styles


def _fl(v: str | None) -> float | None:
    try:
        return float(v) if v is not None else None
    except ValueError:
        return None


def _lvl(lst: etree._Element | None, level: int) -> etree._Element | None:
    if lst is None:
        return None
    return lst.find(X.qn(f"a:lvl{level + 1}pPr"))


def _base_ph_type(t: str) -> str:
    if t in X.TITLE_TYPES:
        return "title"
    if t in ("dt", "ftr", "sldNum"):
        return t
    return "body"


def _ph_index(spTree: etree._Element) -> tuple[dict[int, Any], dict[str, Any]]:
    by_idx: dict[int, etree._Element] = {}
    by_type: dict[str, etree._Element] = {}
    for sp in X.iter_sp(spTree):
        ph = X.ph_of(sp)
        if ph is None:
            continue
        by_idx.setdefault(X.ph_idx(ph), sp)
        by_type.setdefault(X.ph_type(ph), sp)
    return by_idx, by_type


@dataclass
class _SlideStyles:
    """The inheritance context of one slide: layout, master, theme fonts, default styles."""

    prs: Presentation
    slide: Any
    layout_idx: dict[int, Any] = field(init=False)
    layout_type: dict[str, Any] = field(init=False)
    master_type: dict[str, Any] = field(init=False)
    tx_styles: Any = field(init=False)
    default_style: Any = field(init=False)
    major: str = field(init=False)
    minor: str = field(init=False)

    def __post_init__(self) -> None:
        layout = self.slide.slide_layout
        master = layout.slide_master
        self.layout_idx, self.layout_type = _ph_index(layout.shapes._spTree)
        _, self.master_type = _ph_index(master.shapes._spTree)
        self.tx_styles = master._element.find(X.qn("p:txStyles"))
        self.default_style = self.prs.part._element.find(X.qn("p:defaultTextStyle"))
        self.major, self.minor = _theme_fonts(master.part)

    def chain(self, sp: etree._Element) -> list[etree._Element]:
        """The shape itself, then its layout and master placeholders (most specific first)."""
        out = [sp]
        ph = X.ph_of(sp)
        if ph is None:
            return out
        t = X.ph_type(ph)
        lay = self.layout_idx.get(X.ph_idx(ph)) if ph.get("idx") is not None else None
        if lay is None:
            lay = self.layout_type.get(t)
        if lay is not None:
            out.append(lay)
            lph = X.ph_of(lay)
            t = X.ph_type(lph) if lph is not None else t
        mas = self.master_type.get(_base_ph_type(t))
        if mas is None:
            mas = self.master_type.get(t)
        if mas is not None:
            out.append(mas)
        return out

    def list_styles(self, sp: etree._Element, level: int) -> list[etree._Element]:
        """Paragraph-property elements that apply at ``level``, most specific first."""
        out: list[etree._Element] = []
        for s in self.chain(sp):
            lvl = _lvl(s.find(f"{X.P_TXBODY}/{X.qn('a:lstStyle')}"), level)
            if lvl is not None:
                out.append(lvl)
        ph = X.ph_of(sp)
        if self.tx_styles is not None:
            if ph is None:
                styles = ["p:otherStyle"]
            elif _base_ph_type(X.ph_type(ph)) == "title":
                styles = ["p:titleStyle"]
            elif X.ph_type(ph) in ("dt", "ftr", "sldNum"):
                styles = ["p:otherStyle"]
            else:
                styles = ["p:bodyStyle"]
            if ph is None:
                out.extend(self._defaults(level))
            for name in styles:
                lvl = _lvl(self.tx_styles.find(X.qn(name)), level)
                if lvl is not None:
                    out.append(lvl)
        out.extend(self._defaults(level))
        return out

    def _defaults(self, level: int) -> list[etree._Element]:
        out = []
        if self.default_style is not None:
            lvl = _lvl(self.default_style, level)
            if lvl is not None:
                out.append(lvl)
            d = self.default_style.find(X.qn("a:defPPr"))
            if d is not None:
                out.append(d)
        return out

    def font(self, typeface: str | None, title: bool) -> str:
        if not typeface:
            typeface = "+mj-lt" if title else "+mn-lt"
        if typeface.startswith("+mj"):
            return self.major
        if typeface.startswith("+mn") or typeface.startswith("+"):
            return self.minor
        return typeface


def _theme_fonts(master_part: Any) -> tuple[str, str]:
    major = minor = ""
    try:
        theme_part = master_part.part_related_by(RT_THEME)
        root = etree.fromstring(theme_part.blob, X.SAFE_PARSER)
        scheme = root.find(f".//{X.qn('a:fontScheme')}")
        if scheme is not None:
            major = scheme.find(f"{X.qn('a:majorFont')}/{X.qn('a:latin')}").get("typeface", "")
            minor = scheme.find(f"{X.qn('a:minorFont')}/{X.qn('a:latin')}").get("typeface", "")
    except (KeyError, AttributeError, etree.XMLSyntaxError):
        pass
    return major or minor or "Calibri", minor or major or "Calibri"


# --------------------------------------------------------------------------- shapes


def _group_to_slide(
    sp: etree._Element, box: tuple[int, int, int, int]
) -> tuple[int, int, int, int]:
    x, y, w, h = box
    for grp in sp.iterancestors(X.P_GRPSP):
        xfrm = grp.find(f"{X.qn('p:grpSpPr')}/{X.qn('a:xfrm')}")
        if xfrm is None:
            continue
        off, ext = xfrm.find(X.qn("a:off")), xfrm.find(X.qn("a:ext"))
        choff, chext = xfrm.find(X.qn("a:chOff")), xfrm.find(X.qn("a:chExt"))
        if off is None or ext is None or choff is None or chext is None:
            continue
        sx = int(ext.get("cx", 0)) / (int(chext.get("cx", 0)) or 1)
        sy = int(ext.get("cy", 0)) / (int(chext.get("cy", 0)) or 1)
        x = int(off.get("x", 0)) + round((x - int(choff.get("x", 0))) * sx)
        y = int(off.get("y", 0)) + round((y - int(choff.get("y", 0))) * sy)
        w, h = round(w * sx), round(h * sy)
    return x, y, w, h


def _body_props(chain: list[etree._Element]) -> tuple[tuple[int, int, int, int], bool]:
    bodies = [
        b for b in (s.find(f"{X.P_TXBODY}/{X.qn('a:bodyPr')}") for s in chain) if b is not None
    ]

    def attr(name: str) -> str | None:
        for b in bodies:
            if b.get(name) is not None:
                return b.get(name)
        return None

    insets = tuple(
        int(v) if (v := attr(n)) is not None and v.lstrip("-").isdigit() else d
        for n, d in zip(("lIns", "tIns", "rIns", "bIns"), DEFAULT_INSETS, strict=True)
    )
    wrap = attr("wrap") != "none"
    return insets, wrap  # type: ignore[return-value]


_CHROME_ROOTS = ("slide",)
_CHROME_NAMES = {"deck.footer", "deck.title"}
_SLIDE_CONTENT = (
    "items", "images", "caption", "table", "code", "quote", "left", "right", "columns",
)  # fmt: skip
"""What ``slide`` holds of the section (plan's part of it): content, not chrome."""
AREA_TEMPLATES = {
    "slide.images": "picture",
    "slide.table": "table",
    "slide.left.images": "picture",
    "slide.right.images": "picture",
}
"""An area shape's whole text (the tag's name) and its role (``slide.left.images``: the
pictures of a ``columns`` slide's left column)."""
_AREA = re.compile(
    r"\{\{-?\s*(slide\s*\.\s*(?:images|table|(?:left|right)\s*\.\s*images))\s*-?\}\}"
)


def role_for(template: str, is_title: bool) -> str:
    """``title``; ``picture`` or ``table`` for an area shape (its whole text is
    ``{{ slide.images }}`` or ``{{ slide.table }}``: plan does not render it, the writer
    draws the element in its box); ``code`` for a shape whose text uses ``slide.code``;
    ``chrome`` for one that reads only the slide's number and such, the footer or the deck's
    title; else ``content``."""
    if is_title:
        return "title"
    area = _AREA.fullmatch(template.strip())
    if area is not None:
        return AREA_TEMPLATES[re.sub(r"\s+", "", area.group(1))]
    used = names_in(template)
    if any(n == "slide.code" or n.startswith("slide.code.") for n in used):
        return "code"
    if all(map(_chrome_name, used)):
        return "chrome"
    return "content"


def _chrome_name(name: str) -> bool:
    """A name only chrome reads: the slide's number, total, kind …, the footer, the deck's
    title, a number."""
    root, _, rest = name.partition(".")
    if root in _CHROME_ROOTS:
        return rest.split(".")[0] not in _SLIDE_CONTENT
    return name in _CHROME_NAMES or name.endswith(".number")


def _shape_protos(
    ctx: _SlideStyles,
    spTree: etree._Element,
    where: str,
    warnings: list[str],
    overrides: Mapping[int, tuple[str, tuple[str, ...]]] | None = None,
) -> Iterable[ShapeProto]:
    slide_w = ctx.prs.slide_width or 9144000
    slide_h = ctx.prs.slide_height or 6858000
    for sp in X.iter_sp(spTree):
        txBody = sp.find(X.P_TXBODY)
        sid = X.sp_id(sp)
        if txBody is None or sid is None:
            continue
        ph = X.ph_of(sp)
        paras = txBody.findall(X.A_P)
        texts = [X.paragraph_text(p)[0] for p in paras]
        if overrides is None and ph is None and not any(t.strip() for t in texts):
            continue
        c_nv = sp.find(f"{X.qn('p:nvSpPr')}/{X.qn('p:cNvPr')}")
        name = c_nv.get("name", "") if c_nv is not None else ""
        joined = "\n".join(texts)
        if overrides is None and ("{{" in joined or "{%" in joined):
            # its text goes through Jinja and the writer (text without tags is copied as
            # it is, an icon font's glyphs included)
            texts = _unmarked(texts, f"{where}, shape {name!r}", warnings)
        chain = ctx.chain(sp)
        box = None
        for s in chain:
            box = X.xfrm_box(s)
            if box is not None:
                break
        if box is None:
            box = (0, 0, slide_w, slide_h)
        box = _group_to_slide(sp, box)
        insets, wrap = _body_props(chain)
        is_title = ph is not None and X.ph_type(ph) in X.TITLE_TYPES
        if overrides is not None and sid in overrides:
            tmpl = overrides[sid][1]
            p0 = paras[0] if paras else None
            para_protos = tuple(_para_proto(ctx, sp, p0, t, is_title) for t in tmpl)
        else:
            para_protos = tuple(
                _para_proto(ctx, sp, p, t, is_title, styled=True)
                for p, t in zip(paras, texts, strict=True)
            )
        template = "\n".join(p.template for p in para_protos)
        yield ShapeProto(
            shape_id=sid,
            name=name,
            box=box,
            insets=insets,
            paragraphs=para_protos,
            is_title=is_title,
            placeholder_idx=X.ph_idx(ph) if ph is not None else None,
            wrap=wrap,
            role=role_for(template, is_title),
        )


def _para_proto(
    ctx: _SlideStyles,
    sp: etree._Element,
    p: etree._Element | None,
    template: str,
    title: bool,
    *,
    styled: bool = False,
) -> ParaProto:
    """The paragraph's formatting as PowerPoint shows it; with ``styled``, also that of
    each differently formatted run (``ParaProto.styles``), for text typed around tags."""
    ppr = p.find(X.A_PPR) if p is not None else None
    level = int(ppr.get("lvl", "0")) if ppr is not None and ppr.get("lvl", "0").isdigit() else 0
    pprs = ([ppr] if ppr is not None else []) + ctx.list_styles(sp, level)
    rprs: list[etree._Element] = []
    if p is not None:
        rpr = X.run_props(p)
        if rpr is not None:
            rprs.append(rpr)
    rprs += [d for d in (e.find(X.qn("a:defRPr")) for e in pprs) if d is not None]

    def rattr(name: str) -> str | None:
        for r in rprs:
            v = r.get(name)
            if v is not None:
                return v
        return None

    typeface = None
    for r in rprs:
        latin = r.find(X.qn("a:latin"))
        if latin is not None and latin.get("typeface"):
            typeface = latin.get("typeface")
            break
    size = (_fl(rattr("sz")) or DEFAULT_SIZE * 100) / 100

    def spacing(tag: str) -> etree._Element | None:
        for e in pprs:
            s = e.find(X.qn(f"a:{tag}"))
            if s is not None:
                return s
        return None

    line = 1.0
    ln = spacing("lnSpc")
    if ln is not None:
        pct, pts = ln.find(X.qn("a:spcPct")), ln.find(X.qn("a:spcPts"))
        if pct is not None and _fl(pct.get("val")):
            line = (_fl(pct.get("val")) or 100000) / 100000
        elif pts is not None and _fl(pts.get("val")):
            line = (_fl(pts.get("val")) or 0) / 100 / (SINGLE_LINE * size)

    def space(tag: str) -> float:
        s = spacing(tag)
        if s is None:
            return 0.0
        pct, pts = s.find(X.qn("a:spcPct")), s.find(X.qn("a:spcPts"))
        if pts is not None:
            return (_fl(pts.get("val")) or 0) / 100
        if pct is not None:
            return (_fl(pct.get("val")) or 0) / 100000 * size * SINGLE_LINE
        return 0.0

    def pattr(name: str) -> float:
        for e in pprs:
            v = _fl(e.get(name))
            if v is not None:
                return v / 12700  # EMU → points
        return 0.0

    mar_l = pattr("marL")
    margin = max(mar_l, mar_l + pattr("indent"), 0.0)
    bold, italic = rattr("b") in ("1", "true"), rattr("i") in ("1", "true")
    styles: tuple[tuple[int, int], ...] = ()
    looks: tuple[tuple[float, bool, bool], ...] = ()
    if styled and p is not None:
        styles, looks = _run_looks(p, template, pprs, (size, bold, italic))
    return ParaProto(
        template=template,
        font=ctx.font(typeface, title),
        size=size,
        bold=bold,
        italic=italic,
        line_spacing=round(line, 4),
        space_before=round(space("spcBef"), 2),
        space_after=round(space("spcAft"), 2),
        styles=styles,
        looks=looks,
        margin=round(margin, 2),
    )


def _run_looks(
    p: etree._Element,
    template: str,
    pprs: list[etree._Element],
    own: tuple[float, bool, bool],
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[float, bool, bool], ...]]:
    """Where the runs of ``p`` change formatting (offsets into ``template``, the paragraph's
    text less any marker characters the reader removed), and each style's size, bold and
    italic (inherited where the run does not set them)."""
    elements, changes = X.run_styles(p)
    if not changes:
        return (), ()
    raw = X.paragraph_text(p)[0]
    if raw != template:  # markers removed: an offset moves back by those before it
        changes = tuple((len(markers.strip(raw[:off])), st) for off, st in changes)
    defaults = [d for d in (e.find(X.qn("a:defRPr")) for e in pprs) if d is not None]
    looks = [own]
    for el in elements[1:]:
        chain = ([el] if el is not None else []) + defaults

        def attr(name: str, chain: list[etree._Element] = chain) -> str | None:
            return next((r.get(name) for r in chain if r.get(name) is not None), None)

        size = (_fl(attr("sz")) or DEFAULT_SIZE * 100) / 100
        looks.append((size, attr("b") in ("1", "true"), attr("i") in ("1", "true")))
    return changes, tuple(looks)


# --------------------------------------------------------------------------- table cells


def _cell_protos(
    ctx: _SlideStyles, spTree: etree._Element, where: str, warnings: list[str]
) -> Iterable[ShapeProto]:
    """Table cells whose text holds tags, each as a shape of its own (``X.CELL_IDS``): its
    box the cell's (merged cells included), its paragraphs styled as in a text box. A cell
    never continues on a follow-up slide (it is repeated, as a footer is) and is never
    removed (a cell whose tags render nothing is left empty)."""
    tables: dict[int, tuple[list[int], list[int]]] = {}
    for cid, row, col, tc, gf in X.iter_cells(spTree):
        tx = X.text_body(tc)
        if tx is None or tc.get("hMerge") in ("1", "true") or tc.get("vMerge") in ("1", "true"):
            continue
        paras = tx.findall(X.A_P)
        texts = [X.paragraph_text(p)[0] for p in paras]
        joined = "\n".join(texts)
        if "{{" not in joined and "{%" not in joined:
            continue
        table = X.frame_name(gf) or "table"
        name = f"{table}, row {row + 1} column {col + 1}"
        texts = _unmarked(texts, f"{where}, shape {name!r}", warnings)
        fid = X.frame_id(gf) or 0
        if fid not in tables:
            tbl = next(gf.iter(X.A_TBL))
            grid = tbl.find(X.qn("a:tblGrid"))
            cols = [int(g.get("w", "0") or 0) for g in (grid if grid is not None else [])]
            rows = [int(tr.get("h", "0") or 0) for tr in tbl.findall(X.A_TR)]
            tables[fid] = (cols, rows)
        cols, rows = tables[fid]
        span_c = max(1, int(tc.get("gridSpan", "1") or 1))
        span_r = max(1, int(tc.get("rowSpan", "1") or 1))
        xfrm = gf.find(X.qn("p:xfrm"))
        off = xfrm.find(X.qn("a:off")) if xfrm is not None else None
        x0 = int(off.get("x", 0)) if off is not None else 0
        y0 = int(off.get("y", 0)) if off is not None else 0
        box = (
            x0 + sum(cols[:col]),
            y0 + sum(rows[:row]),
            sum(cols[col : col + span_c]),
            sum(rows[row : row + span_r]),
        )
        box = _group_to_slide(gf, box)
        pr = tc.find(X.qn("a:tcPr"))
        insets = tuple(
            int(v) if (v := pr.get(n) if pr is not None else None) and v.isdigit() else d
            for n, d in zip(("marL", "marT", "marR", "marB"), DEFAULT_INSETS, strict=True)
        )
        para_protos = tuple(
            _para_proto(ctx, tc, p, t, False, styled=True)
            for p, t in zip(paras, texts, strict=True)
        )
        yield ShapeProto(
            shape_id=cid,
            name=name,
            box=box,
            insets=insets,  # type: ignore[arg-type]
            paragraphs=para_protos,
            role="chrome",
        )


def _warn_unfilled(slide: Slide, where: str, warnings: list[str]) -> None:
    """Tags deckgen cannot fill: in SmartArt and charts (their text lives in parts of its
    own). Said once per prototype, naming the part."""
    for rel in slide.part.rels.values():
        if rel.is_external or not rel.reltype.endswith(("/diagramData", "/chart")):
            continue
        try:
            blob = rel.target_part.blob
        except Exception:  # pragma: no cover - an odd part: nothing to say about its text
            continue
        if b"{{" in blob or b"{%" in blob:
            what = "SmartArt" if rel.reltype.endswith("/diagramData") else "a chart"
            warnings.append(
                f"{where}: tags in {what} ({rel.target_part.partname}) are not filled; "
                "put them in a text box or a table cell"
            )


# --------------------------------------------------------------------------- names


def template_names(theme_or_path: Theme | str | Path) -> dict[str, set[str]]:
    """Per slide kind, the dotted names its templates read from the context."""
    theme = theme_or_path if isinstance(theme_or_path, Theme) else load_theme(theme_or_path)
    return {
        kind: set().union(*(names_in(s.template) for s in proto.shapes)) if proto.shapes else set()
        for kind, proto in theme.prototypes.items()
    }
