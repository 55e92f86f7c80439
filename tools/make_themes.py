#!/usr/bin/env python3
"""Generate deckgen's bundled themes (``templates/NAME/``) with python-pptx.

The themes are binary ``.pptx`` files, so they are built by this script rather than edited
by hand: a design change is a reviewable diff here, and re-running the script reproduces
the committed files byte for byte (fixed zip timestamps and document dates).

    python tools/make_themes.py                 # all themes into templates/
    python tools/make_themes.py dark --out /tmp # one theme elsewhere

Each theme folder holds ``template.pptx`` (16:9 master and layouts with the theme's colour
and font scheme, plus one *prototype slide* per slide kind, marked by ``deckgen: KIND`` at
the start of its speaker notes), ``notes.j2`` (speaker notes) and ``theme.yaml``.

Design rules every theme follows, because the fitter and the render check rely on them:

- fonts are only those with a metric-compatible free twin (Calibri/Carlito,
  Cambria/Caladea, Arial/Liberation Sans, and Courier New/Liberation Mono for code), set
  in the theme *and* on every run, so PowerPoint, LibreOffice and deckgen's measurements
  agree;
- a picture or table goes where an *area shape* is (its whole text ``{{ slide.images }}``
  or ``{{ slide.table }}``; the shape itself is removed), and a shape without text named
  after a text box plus a space ("Code Edge", "Quote Mark") is a decoration of that box and
  goes with it when the box renders empty;
- every text box has ``wrap="square"``, explicit insets and ``noAutofit``: deckgen chooses
  the sizes, the application must not shrink text on its own;
- preferred sizes are never below 14 pt on a slide (24 pt for titles);
- the slide's title is the layout's title placeholder, moved and restyled on the prototype
  with an explicit ``a:xfrm``, so outline view and screen readers see it;
- colours are theme colours (``tx1``, ``tx2``, ``bg1``, ``bg2``, ``accent1`` …) wherever
  possible, so recolouring the theme in PowerPoint recolours the deck.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationT
from pptx.slide import Slide
from pptx.util import Emu

ROOT = Path(__file__).resolve().parent.parent
SLIDE_W = 12192000  # 13.333 in
SLIDE_H = 6858000  # 7.5 in
OLD_W = 9144000  # python-pptx's default template is 4:3, 10 in wide
FIXED_DATE = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NSMAP = {"a": A}

# Layouts kept in every theme (the rest of python-pptx's defaults are removed): what a
# user adding slides by hand needs, and what corporate-template mode looks up by name.
KEEP_LAYOUTS = (
    "Title Slide",
    "Title and Content",
    "Section Header",
    "Two Content",
    "Title Only",
    "Blank",
)

# Jinja fragments shared by the themes.
# The explanation: every labelled field but the statement as LABEL + text (so "Insight",
# "Why it matters" … each read as such), then the unlabelled points. The loop starts in a
# paragraph of its own so that each field's label and text take their own paragraph's
# formatting on every iteration (plan marks paragraphs where they start in the source).
EXPLAIN_FOR = "{% for f in insight.details %}"
EXPLAIN_LABEL = "{{ f.label|upper }}"
EXPLAIN_TEXT = "{{ f.text }}"
EXPLAIN_END = "{% endfor %}"
EXPLAIN_POINTS = "{% for t in insight.points %}{{ t }}{{ '\\n' }}{% endfor %}"
SLIDE_NO = "{% if slide.number %}{{ slide.number }} / {{ slide.total }}{% endif %}"
CONCLUSION_BODY = "{% for p in conclusion.body %}{{ p }}{{ '\\n' }}{% endfor %}"
CLOSING = "{% for c in conclusion.closing %}{{ c }}{{ '\\n' }}{% endfor %}"
# Section dividers: the short text under the divider heading, then the titles of the slides
# that follow in this part.
SECTION_ITEMS = "{% for t in section.paragraphs %}{{ t }}{{ '\\n' }}{% endfor %}"
SECTION_SUBS = "{% for s in section.subsections %}{{ s }}{{ '\\n' }}{% endfor %}"
# The section's text for the bullets slide and the element kinds (issue 11), in source order
# (labels bold, from plan): each item a paragraph that the writer gives a bullet glyph when it
# is a list item (plain paragraphs get none).
SLIDE_ITEMS = "{% for t in slide.items %}{{ t }}{{ '\\n' }}{% endfor %}"
# Area shapes: a shape whose whole text is one of these is replaced by the picture(s) (aspect
# kept, centred in the area) or by a native table in the area's box; the shape itself goes.
IMAGES = "{{ slide.images }}"
TABLE = "{{ slide.table }}"
CAPTION = "{{ slide.caption }}"
CODE = "{{ slide.code }}"
QUOTE_TEXT = "{{ slide.quote.text }}"
QUOTE_BY = "{% if slide.quote.attribution %}— {{ slide.quote.attribution }}{% endif %}"
# Two columns (pandoc's ":::: columns"): each column's heading, text and picture area
COLUMN_HEADING = "{{{{ slide.{side}.heading }}}}"
COLUMN_ITEMS = "{{% for t in slide.{side}.items %}}{{{{ t }}}}{{{{ '\\n' }}}}{{% endfor %}}"
COLUMN_IMAGES = "{{{{ slide.{side}.images }}}}"
CODE_FONT = "Courier New"  # LibreOffice maps it to metric-compatible Liberation Mono
AGENDA_ALL = "{% for i in deck.insights %}{{ i.number }}. {{ i.title }}{{ '\\n' }}{% endfor %}"
AGENDA_1 = (
    "{% for i in deck.insights[:(deck.insights|length + 1) // 2] %}"
    "{{ i.number }}. {{ i.title }}{{ '\\n' }}{% endfor %}"
)
AGENDA_2 = (
    "{% for i in deck.insights[(deck.insights|length + 1) // 2:] %}"
    "{{ i.number }}. {{ i.title }}{{ '\\n' }}{% endfor %}"
)


Box = tuple[float, float, float, float]
"""x, y, width, height in inches (or left, top, right, bottom insets)."""


def emu(inches: float) -> int:
    return int(round(inches * 914400))


# --------------------------------------------------------------------------- theme data


@dataclass(frozen=True)
class Palette:
    """The theme's colour scheme; ``dark`` swaps the colour map so bg1 is dk1."""

    dk1: str
    lt1: str
    dk2: str
    lt2: str
    accents: tuple[str, str, str, str, str, str]
    hlink: str
    fol_hlink: str
    dark: bool = False


@dataclass(frozen=True)
class P:
    """One prototype paragraph: Jinja text and its formatting."""

    text: str
    size: float
    color: str = "tx1"
    font: str | None = None  # None: the theme's body font
    bold: bool = False
    italic: bool = False
    align: str = "l"
    line: float = 1.0
    before: float = 0.0
    after: float = 0.0
    heading: bool = False  # use the theme's heading font


@dataclass(frozen=True)
class ThemeSpec:
    name: str
    label: str
    description: str
    palette: Palette
    heading_font: str
    body_font: str
    design: Callable[[Designer], None]
    notes_extra: str = ""


# --------------------------------------------------------------------------- xml helpers


def _color_el(color: str, alpha: float | None = None) -> etree._Element:
    """``tx1``/``accent1``… → a:schemeClr; ``#RRGGBB`` → a:srgbClr."""
    if color.startswith("#"):
        el = etree.Element(qn("a:srgbClr"), val=color[1:].upper())
    else:
        el = etree.Element(qn("a:schemeClr"), val=color)
    if alpha is not None:
        etree.SubElement(el, qn("a:alpha"), val=str(int(alpha * 100000)))
    return el


def _solid(color: str, alpha: float | None = None) -> etree._Element:
    fill = etree.Element(qn("a:solidFill"))
    fill.append(_color_el(color, alpha))
    return fill


def _set_fill(sp_pr: etree._Element, color: str | None, alpha: float | None = None) -> None:
    """Replace the fill of a p:spPr (None: no fill); keeps schema order (after geometry)."""
    for tag in ("a:noFill", "a:solidFill", "a:gradFill", "a:blipFill", "a:pattFill"):
        for el in sp_pr.findall(qn(tag)):
            sp_pr.remove(el)
    new = etree.Element(qn("a:noFill")) if color is None else _solid(color, alpha)
    geom = sp_pr.find(qn("a:prstGeom"))
    if geom is None:
        geom = sp_pr.find(qn("a:custGeom"))
    if geom is not None:
        geom.addnext(new)
    else:
        sp_pr.append(new)


def _set_line(sp_pr: etree._Element, color: str | None, width_pt: float = 0.0) -> None:
    for el in sp_pr.findall(qn("a:ln")):
        sp_pr.remove(el)
    ln = etree.Element(qn("a:ln"))
    if color is None:
        etree.SubElement(ln, qn("a:noFill"))
    else:
        ln.set("w", str(int(width_pt * 12700)))
        ln.append(_solid(color))
    # a:ln comes after the fill
    fill = None
    for tag in ("a:noFill", "a:solidFill", "a:gradFill"):
        fill = sp_pr.find(qn(tag))
        if fill is not None:
            break
    if fill is not None:
        fill.addnext(ln)
    else:
        sp_pr.append(ln)


def _body_pr(
    tx_body: etree._Element,
    anchor: str,
    insets: Box,
    wrap: bool = True,
) -> None:
    """Explicit bodyPr: square wrap (or none, for a badge), given insets (inches l, t, r, b),
    no autofit."""
    old = tx_body.find(qn("a:bodyPr"))
    new = etree.Element(qn("a:bodyPr"))
    new.set("vert", "horz")
    new.set("wrap", "square" if wrap else "none")
    for key, val in zip(("lIns", "tIns", "rIns", "bIns"), insets, strict=True):
        new.set(key, str(emu(val)))
    new.set("rtlCol", "0")
    new.set("anchor", anchor)
    new.set("anchorCtr", "0")
    etree.SubElement(new, qn("a:noAutofit"))
    if old is not None:
        old.addprevious(new)
        tx_body.remove(old)
    else:
        tx_body.insert(0, new)


def _paragraphs(tx_body: etree._Element, paras: Sequence[P], spec: ThemeSpec) -> None:
    """Replace all paragraphs of a txBody with fully formatted ones."""
    for p in tx_body.findall(qn("a:p")):
        tx_body.remove(p)
    if tx_body.find(qn("a:lstStyle")) is None:
        tx_body.find(qn("a:bodyPr")).addnext(etree.Element(qn("a:lstStyle")))
    for para in paras:
        font = para.font or (spec.heading_font if para.heading else spec.body_font)
        p = etree.SubElement(tx_body, qn("a:p"))
        ppr = etree.SubElement(p, qn("a:pPr"), algn=para.align, marL="0", indent="0")
        ln = etree.SubElement(etree.SubElement(ppr, qn("a:lnSpc")), qn("a:spcPct"))
        ln.set("val", str(int(round(para.line * 100000))))
        for tag, pts in (("a:spcBef", para.before), ("a:spcAft", para.after)):
            etree.SubElement(
                etree.SubElement(ppr, qn(tag)), qn("a:spcPts"), val=str(int(pts * 100))
            )
        etree.SubElement(ppr, qn("a:buNone"))

        def rpr(tag: str, para: P = para, font: str = font) -> etree._Element:
            el = etree.Element(qn(tag), lang="en-US", sz=str(int(round(para.size * 100))))
            el.set("b", "1" if para.bold else "0")
            el.set("i", "1" if para.italic else "0")
            el.set("dirty", "0")
            el.append(_solid(para.color))
            etree.SubElement(el, qn("a:latin"), typeface=font)
            etree.SubElement(el, qn("a:cs"), typeface=font)
            return el

        if para.text:
            r = etree.SubElement(p, qn("a:r"))
            r.append(rpr("a:rPr"))
            etree.SubElement(r, qn("a:t")).text = para.text
        p.append(rpr("a:endParaRPr"))


# --------------------------------------------------------------------------- designer


class Designer:
    """Small drawing API over one presentation: the theme's design functions use it."""

    def __init__(self, prs: PresentationT, spec: ThemeSpec):
        self.prs = prs
        self.spec = spec
        self.slide: Slide | None = None

    # -- slides

    def prototype(self, kind: str, layout: str, hint: str) -> Slide:
        lay = next(lo for lo in self.prs.slide_layouts if lo.name == layout)
        slide = self.prs.slides.add_slide(lay)
        notes = slide.notes_slide.notes_text_frame
        notes.text = f"deckgen: {kind}\n{hint}"
        self.slide = slide
        return slide

    def background(self, color: str) -> None:
        """A solid slide background (overrides the master's)."""
        assert self.slide is not None
        csld = self.slide._element.find(qn("p:cSld"))
        for bg in csld.findall(qn("p:bg")):
            csld.remove(bg)
        bg = etree.Element(qn("p:bg"))
        bgpr = etree.SubElement(bg, qn("p:bgPr"))
        bgpr.append(_solid(color))
        etree.SubElement(bgpr, qn("a:effectLst"))
        csld.insert(0, bg)

    # -- shapes

    def _autoshape(
        self,
        kind: MSO_SHAPE,
        box: Box,
        name: str,
        fill: str | None,
        alpha: float | None = None,
        line: str | None = None,
        line_pt: float = 0.0,
    ) -> etree._Element:
        """An autoshape with its fill and line and no theme style (no stray shadow)."""
        assert self.slide is not None
        sh = self.slide.shapes.add_shape(kind, *(emu(v) for v in box))
        sh.name = name
        el = sh._element
        style = el.find(qn("p:style"))
        if style is not None:
            el.remove(style)
        sp_pr = el.find(qn("p:spPr"))
        _set_fill(sp_pr, fill, alpha)
        _set_line(sp_pr, line, line_pt)
        return el

    def shape(
        self,
        kind: MSO_SHAPE,
        box: Box,
        fill: str | None,
        name: str,
        *,
        alpha: float | None = None,
        line: str | None = None,
        line_pt: float = 0.0,
    ) -> None:
        """A decorative autoshape without text (no theme style, so no stray shadow)."""
        el = self._autoshape(kind, box, name, fill, alpha, line, line_pt)
        # no text: drop the empty txBody python-pptx adds, so it is not a text shape
        tx = el.find(qn("p:txBody"))
        if tx is not None:
            el.remove(tx)

    def rect(self, box: Box, fill: str, name: str, **kw: Any) -> None:
        self.shape(MSO_SHAPE.RECTANGLE, box, fill, name, **kw)

    def oval(self, x: float, y: float, d: float, fill: str | None, name: str, **kw: Any) -> None:
        self.shape(MSO_SHAPE.OVAL, (x, y, d, d), fill, name, **kw)

    def text(
        self,
        box: Box,
        paras: Sequence[P],
        name: str,
        *,
        anchor: str = "t",
        insets: Box = (0, 0, 0, 0),
        fill: str | None = None,
    ) -> None:
        """A text box holding Jinja paragraphs."""
        assert self.slide is not None
        tb = self.slide.shapes.add_textbox(*(emu(v) for v in box))
        tb.name = name
        el = tb._element
        _set_fill(el.find(qn("p:spPr")), fill)
        tx = el.find(qn("p:txBody"))
        _body_pr(tx, anchor, insets)
        _paragraphs(tx, paras, self.spec)

    def badge(
        self,
        kind: MSO_SHAPE,
        box: Box,
        paras: Sequence[P],
        fill: str,
        name: str,
        *,
        insets: Box = (0, 0, 0, 0),
    ) -> None:
        """A filled shape (disc, block) that holds its own text, e.g. a number.

        deckgen removes a shape whose text renders empty, so the disc goes with an empty
        number instead of being left blank, as a separate decorative shape would be.
        """
        el = self._autoshape(kind, box, name, fill)
        tx = el.find(qn("p:txBody"))
        # no wrap: a number never breaks inside its disc (fit shrinks it to the width instead)
        _body_pr(tx, "ctr", insets, wrap=False)
        _paragraphs(tx, paras, self.spec)

    def area(self, box: Box, tag: str, name: str, fill: str = "bg2") -> None:
        """An *area shape*: its whole text is ``tag`` (``{{ slide.images }}`` or
        ``{{ slide.table }}``), and deckgen draws the picture(s) or table in its box instead.

        The shape itself never reaches a deck, so its tint is only there to show the designer
        where the element goes; the tag sits centred in it, in the theme's muted colour.
        """
        el = self._autoshape(MSO_SHAPE.RECTANGLE, box, name, fill)
        tx = el.find(qn("p:txBody"))
        _body_pr(tx, "ctr", (0.1, 0.1, 0.1, 0.1))
        _paragraphs(tx, [self.b(tag, 20, "tx2", align="ctr")], self.spec)

    def quote_mark(
        self, x: float, y: float, size: float, fill: str, name: str = "Quote Mark"
    ) -> None:
        """A large opening quote mark drawn as two teardrops (tails up and to the right).

        Shapes, not a glyph: they have no text, so as "Quote Mark …" they are decorations of
        the "Quote" box and go with it when a slide has no quote.
        """
        gap = size * 0.22
        self.shape(MSO_SHAPE.TEAR, (x, y, size, size), fill, name)
        self.shape(MSO_SHAPE.TEAR, (x + size + gap, y, size, size), fill, f"{name} 2")

    def placeholder(
        self,
        ph_type: str,
        box: Box,
        paras: Sequence[P],
        name: str,
        *,
        anchor: str = "t",
        insets: Box = (0, 0, 0, 0),
    ) -> None:
        """Move and restyle the slide's placeholder of ``ph_type`` (title, ctrTitle, subTitle)."""
        assert self.slide is not None
        ph = next(
            s for s in self.slide.placeholders if (s._element.ph.get("type") or "body") == ph_type
        )
        ph.left, ph.top, ph.width, ph.height = (emu(v) for v in box)
        ph.name = name
        el = ph._element
        # z-order follows the design's call order: decoration drawn before the title
        # (a colour band, a sidebar) must stay behind it
        tree = el.getparent()
        tree.remove(el)
        tree.append(el)
        tx = el.find(qn("p:txBody"))
        _body_pr(tx, anchor, insets)
        _paragraphs(tx, paras, self.spec)

    def drop_unused_placeholders(self, keep: Sequence[str]) -> None:
        assert self.slide is not None
        for s in list(self.slide.placeholders):
            if (s._element.ph.get("type") or "body") not in keep:
                s._element.getparent().remove(s._element)

    # -- paragraph shorthands

    def explanation(self, label_color: str, size: float = 22, color: str = "tx2") -> list[P]:
        """Paragraphs of an explanation box: label (small caps-like) over text, per field."""
        label = self.b(EXPLAIN_LABEL, 14, label_color, bold=True, after=2)
        text = self.b(EXPLAIN_TEXT, size, color, line=1.05, after=10)
        return [
            replace(label, text=EXPLAIN_FOR),
            label,
            text,
            replace(label, text=EXPLAIN_END),
            replace(text, text=EXPLAIN_POINTS),
        ]

    def h(self, text: str, size: float, color: str = "tx1", **kw) -> P:
        """A heading-font paragraph."""
        kw.setdefault("bold", True)
        return P(text, size, color, heading=True, **kw)

    def b(self, text: str, size: float, color: str = "tx1", **kw) -> P:
        """A body-font paragraph."""
        return P(text, size, color, **kw)


# --------------------------------------------------------------------------- package set-up


def _theme_part(prs: PresentationT):
    return prs.slide_master.part.part_related_by(RT.THEME)


def _apply_theme_xml(prs: PresentationT, spec: ThemeSpec) -> None:
    part = _theme_part(prs)
    root = etree.fromstring(part.blob)
    title = f"deckgen {spec.label}"
    root.set("name", title)
    pal = spec.palette
    cs = root.find(".//a:clrScheme", NSMAP)
    cs.set("name", title)
    values = {
        "dk1": pal.dk1,
        "lt1": pal.lt1,
        "dk2": pal.dk2,
        "lt2": pal.lt2,
        **{f"accent{i + 1}": c for i, c in enumerate(pal.accents)},
        "hlink": pal.hlink,
        "folHlink": pal.fol_hlink,
    }
    for key, val in values.items():
        slot = cs.find(f"a:{key}", NSMAP)
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, qn("a:srgbClr"), val=val.lstrip("#").upper())
    fs = root.find(".//a:fontScheme", NSMAP)
    fs.set("name", title)
    fs.find("a:majorFont/a:latin", NSMAP).set("typeface", spec.heading_font)
    fs.find("a:minorFont/a:latin", NSMAP).set("typeface", spec.body_font)
    fmt = root.find(".//a:fmtScheme", NSMAP)
    if fmt is not None:
        fmt.set("name", title)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _scale_to_16x9(el: etree._Element) -> None:
    """Stretch a 4:3 master/layout horizontally to 16:9 (the height is the same 7.5 in)."""
    f = SLIDE_W / OLD_W
    for off in el.iter(qn("a:off")):
        off.set("x", str(int(round(int(off.get("x")) * f))))
    for ext in el.iter(qn("a:ext")):
        if ext.get("cx") is not None:
            ext.set("cx", str(int(round(int(ext.get("cx")) * f))))


def _prune_layouts(prs: PresentationT) -> None:
    master = prs.slide_master
    id_lst = master._element.find(qn("p:sldLayoutIdLst"))
    for lid in list(id_lst):
        rid = lid.get(qn("r:id"))
        layout = master.part.related_part(rid)
        name = layout.slide_layout.name
        if name not in KEEP_LAYOUTS:
            id_lst.remove(lid)
            master.part.drop_rel(rid)


def _style_master(prs: PresentationT, spec: ThemeSpec) -> None:
    master = prs.slide_master
    mel = master._element
    if spec.palette.dark:
        cm = mel.find(qn("p:clrMap"))
        cm.set("bg1", "dk1")
        cm.set("tx1", "lt1")
        cm.set("bg2", "dk2")
        cm.set("tx2", "lt2")
    # master title style: left aligned, bold, heading font — for slides added by hand
    lvl1 = mel.find(f"{qn('p:txStyles')}/{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
    lvl1.set("algn", "l")
    d = lvl1.find(qn("a:defRPr"))
    d.set("sz", "3600")
    d.set("b", "1")
    _scale_to_16x9(mel.find(qn("p:cSld")))
    for layout in master.slide_layouts:
        _scale_to_16x9(layout._element.find(qn("p:cSld")))


def _normalize_zip(data: bytes) -> bytes:
    """Same bytes for the same design: fixed timestamps, stable order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def _drop_printer_settings(prs: PresentationT) -> None:
    """python-pptx's default carries a binary printer-settings part nobody needs."""
    for rid, rel in list(prs.part.rels.items()):
        if rel.reltype.endswith("/printerSettings"):
            prs.part.drop_rel(rid)


def build_pptx(spec: ThemeSpec) -> bytes:
    prs = Presentation()
    _drop_printer_settings(prs)
    prs.slide_width = Emu(SLIDE_W)
    prs.slide_height = Emu(SLIDE_H)
    _prune_layouts(prs)
    _apply_theme_xml(prs, spec)
    _style_master(prs, spec)
    cp = prs.core_properties
    cp.title = f"deckgen {spec.label} theme"
    cp.subject = spec.description
    cp.author = "deckgen"
    cp.last_modified_by = "deckgen"
    cp.keywords = "deckgen theme"
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    spec.design(Designer(prs, spec))
    buf = io.BytesIO()
    prs.save(buf)
    return _normalize_zip(buf.getvalue())


# --------------------------------------------------------------------------- notes


NOTES = """\
{#- Speaker notes for every slide kind. Every word of the summary that is not on the slide
    (labels such as "Key Point", the author's notes, the intro) is here, so nothing is lost. -#}
{%- macro sentence(t) -%}
{{ t }}{% if (t|string)[-1:] not in '.!?:;…。！？' %}.{% endif %}
{%- endmacro -%}
{%- if slide.kind == 'title' -%}
{{ sentence(deck.title) }}
{% if deck.subtitle %}{{ sentence(deck.subtitle) }}
{% endif %}
{%- if deck.author %}{{ deck.author }}
{% endif %}
{%- if deck.date %}{{ deck.date }}
{% endif %}
{%- if deck.meta.get('footer') %}{{ deck.meta.footer }}
{% endif %}
{%- for p in deck.intro %}
{{ p }}
{% endfor %}
{%- if deck.insights|length > 1 %}
{{ deck.insights|length }} insights follow
{%- if conclusion %}, then {{ conclusion.heading }}{% endif %}.
{% endif %}
{%- elif slide.kind == 'agenda' -%}
What we will cover:
{% for i in deck.insights %}{{ i.number }}. {{ sentence(i.title) }}
{% endfor %}
{%- elif slide.kind == 'section' -%}
{% if slide.continued %}(Continued.) {% endif -%}
{% if section.number %}{{ section.number }}: {% endif %}{{ sentence(section.title) }}
{% for p in section.paragraphs %}
{{ p }}
{% endfor %}
{%- if section.subsections %}
{% for s in section.subsections %}{{ s }}{% if not loop.last %}; {% endif %}{% endfor %}.
{% endif %}
{%- for n in section.notes %}
{{ n }}
{% endfor %}
{%- elif slide.kind == 'bullets' -%}
{% if slide.continued %}(Continued.) {% endif -%}
{% if insight.number %}{{ insight.number }}: {% endif %}{{ sentence(insight.title) }}
{% for p in insight.paragraphs %}
{{ p }}
{% endfor %}
{%- for n in insight.notes %}
{{ n }}
{% endfor %}
{%- elif slide.kind in ('picture', 'text_picture', 'table', 'code', 'quote', 'columns',
                    'comparison') -%}
{#- a section's pictures, table, code and quote may take several slides (slide.part 0, 1, …):
    its text and notes once, on the first; each picture's description where it is shown -#}
{% if slide.continued %}(Continued.) {% endif -%}
{% if insight.number %}{{ insight.number }}: {% endif %}{{ sentence(insight.title) }}
{% if slide.part == 0 %}
{%- for p in insight.paragraphs %}
{{ p }}
{% endfor %}
{%- for n in insight.notes %}
{{ n }}
{% endfor %}
{%- endif %}
{%- for i in slide.images %}{% if i.alt %}
Picture: {{ sentence(i.alt) }}
{% endif %}{% endfor %}
{%- for c in slide.columns|default([]) %}{% for i in c.images %}{% if i.alt %}
Picture: {{ sentence(i.alt) }}
{% endif %}{% endfor %}{% endfor %}
{%- elif slide.kind == 'insight' -%}
{% if slide.continued %}(Continued.) {% endif -%}
Insight{% if insight.number %} {{ insight.number }}{% endif %}: {{ sentence(insight.title) }}
{% if not insight.fields and insight.key_point %}
{{ insight.key_point }}
{% endif %}
{%- for f in insight.fields %}
{{ f.label }}: {{ f.text }}
{% endfor %}
{%- for p in insight.points %}
{{ p }}
{% endfor %}
{%- for n in insight.notes %}
{{ n }}
{% endfor %}
{%- elif slide.kind in ('conclusion', 'closing') and conclusion -%}
{{ sentence(conclusion.heading) }}
{% if slide.kind == 'conclusion' %}
{%- for p in conclusion.body %}
{{ p }}
{% endfor %}
{%- endif %}
{%- for c in conclusion.closing %}
{{ c }}
{% endfor %}
{%- for n in conclusion.notes %}
{{ n }}
{% endfor %}
{%- endif %}
"""


def theme_yaml(spec: ThemeSpec) -> str:
    return (
        f"# Generated by tools/make_themes.py — edit the script, not this file.\n"
        f"description: {json.dumps(spec.description, ensure_ascii=False)}\n"
        f"min_body_size: 14\n"
        f"min_title_size: 24\n"
    )


# --------------------------------------------------------------------------- the themes
# Geometry is in inches on the 13.333 × 7.5 in slide. Margins 0.75 in left/right; a
# 12-column grid of 0.77 in columns with 0.25 in gutters (content x = 0.75 … 12.583).

M = 0.75
CW = 13.333 - 2 * M  # content width

HINTS = {
    "title": "Prototype of the title slide. Names: deck.title, deck.subtitle, deck.author, "
    "deck.date, deck.intro. deckgen clones this slide and removes it from the output.",
    "agenda": "Prototype of the agenda slide (deckgen build --agenda). Names: deck.insights "
    "(each has number and title).",
    "insight": "Prototype of every insight slide. Names: insight.number, insight.title, "
    "insight.key_point, insight.body, insight.details, insight.points, slide.number, "
    "slide.total, deck.footer.",
    "section": "Prototype of a section-divider slide (a part above its chapters). Names: "
    "section.number (may be empty: a shape showing only it is then removed), section.title, "
    "section.paragraphs (text right under the divider heading), section.subsections (titles of "
    "the slides in this part), slide.number, slide.total, deck.footer.",
    "bullets": "Prototype of a content slide for a section without a key point, or a list of "
    "equal items: its title and all its text in one body that grows into the free space. Names: "
    "insight.number (may be empty: a shape showing only it is then removed), insight.title, "
    "slide.items (paragraphs and list items in source order, labels bold; deckgen gives list "
    "items their bullet or number and indents nested levels, plain paragraphs get none), "
    "insight.paragraphs (the same as plain text), slide.number, slide.total, deck.footer.",
    "conclusion": "Prototype of the conclusion slide. Names: conclusion.heading, "
    "conclusion.body, conclusion.closing, slide.number, slide.total, deck.footer.",
    "picture": "Prototype of a picture slide: a picture alone (several make a grid) and its "
    "caption. The shape whose whole text is {{ slide.images }} is the picture area: deckgen "
    "removes it and places the picture(s) in its box, scaled with the aspect ratio kept and "
    "centred, so make it as large as the design allows. Names: insight.number (may be empty), "
    "insight.title, slide.images (each has alt, title, src, caption), slide.caption (the "
    "pictures' titles or alt texts; the Caption box goes when it is empty), slide.number, "
    "slide.total, deck.footer.",
    "text_picture": "Prototype of a slide with text and picture(s): the section's text in the "
    "Body on the left, the picture area ({{ slide.images }}, removed and replaced by the "
    "picture(s), aspect ratio kept, centred) on the right. Names: insight.number, insight.title, "
    "slide.items (the section's paragraphs and list items; list items get their bullet from "
    "deckgen), slide.images, slide.caption, slide.number, slide.total, deck.footer.",
    "table": "Prototype of a table slide. The shape whose whole text is {{ slide.table }} is "
    "the table area: deckgen removes it and draws a native table in its box (header row, "
    "banding, widths from content; a long table continues on follow-up slides with its header "
    "repeated). The small Text box above holds a sentence or two of the section's text and "
    "goes when it is empty. Names: insight.number, insight.title, slide.items, slide.table, "
    "slide.number, slide.total, deck.footer.",
    "code": "Prototype of a code slide. The Code box ({{ slide.code }}: the code's lines, "
    "whitespace kept, no bullets) is in a monospace font on a tinted panel; deckgen keeps a "
    "block whole when it fits at the theme's minimum size, else splits it at line boundaries. "
    "A shape without text named 'Code …' (the panel's edge) goes with an empty Code box. The "
    "small Text box above holds the section's text. Names: insight.number, insight.title, "
    "slide.items, slide.code (text, lang, lines), slide.number, slide.total, deck.footer.",
    "columns": "Prototype of a two-column slide (pandoc's :::: columns with two ::: column): "
    "a short lead-in (slide.items) over two columns. Each column has a text box (its heading "
    "slide.left.heading, then its text slide.left.items; slide.right.* for the right one) over "
    "its picture area ({{ slide.left.images }}: removed and replaced by the column's "
    "picture(s), aspect ratio kept, centred). The text box grows down into an unused area; the "
    "area takes the whole column when the column has no text. Names: insight.number, "
    "insight.title, slide.items, slide.left, slide.right (each has heading, items, images, "
    "caption, width), slide.number, slide.total, deck.footer.",
    "quote": "Prototype of a quote slide: a block quote large and in italics, its attribution "
    "under it (with a dash only when there is one), the section's other text small below. The "
    "shapes named 'Quote Mark …' have no text and go with an empty Quote box. Names: "
    "insight.number, insight.title, slide.quote.text, slide.quote.attribution, slide.items, "
    "slide.number, slide.total, deck.footer.",
}


# The bottom strip (y 6.66 … 7.22) holds footer and slide number, bottom-aligned so a
# single line sits on the same baseline everywhere and a long footer grows upwards into a
# second line instead of out of the slide.
FOOT_Y = 6.66
FOOT_H = 0.56


def _footer(d: Designer, x: float, w: float, color: str = "tx2") -> None:
    para = d.b("{{ deck.footer }}", 14, color)
    d.text((x, FOOT_Y, w, FOOT_H), [para], "Footer", anchor="b")


def _number(
    d: Designer,
    x: float,
    w: float,
    color: str = "tx2",
    align: str = "r",
    bold: bool = False,
) -> None:
    para = d.b(SLIDE_NO, 14, color, align=align, bold=bold)
    d.text((x, FOOT_Y, w, FOOT_H), [para], "Slide Number", anchor="b")


def _title_info(d: Designer, box: Box, sub: str, author: str, date: str, size: float = 16) -> None:
    """Subtitle, author and date under the title, in the subtitle placeholder.

    One box, one paragraph each: a paragraph whose name is empty disappears and the next
    moves up, and fit shrinks the three together, so they never overlap.
    """
    paras = [
        d.b("{{ deck.subtitle }}", 24, sub, line=1.0, after=6),
        d.b("{{ deck.author }}", 18, author, line=1.0, after=4),
        d.b("{{ deck.date }}", size, date, bold=True, line=1.0),
    ]
    d.placeholder("subTitle", box, paras, "Subtitle")


# ---- default: light, calm, professional (Calibri) -------------------------------------
# White slides, a mist-blue side panel and a teal disc. Insight: the number in a teal disc
# beside the title, the key point large in ink, the explanation in a mist panel with a teal
# edge and a small teal label.


def _default_logo(d: Designer, y: float = 0.62) -> None:
    d.oval(M, y, 0.34, "accent1", "Logo Mark")
    d.oval(M + 0.22, y, 0.34, "accent2", "Logo Mark 2", alpha=0.85)


DEFAULT_HAIRLINE = "#D5DEE8"


def design_default(d: Designer) -> None:
    hairline = DEFAULT_HAIRLINE
    right = 13.333 - M

    d.prototype("title", "Title Slide", HINTS["title"])
    d.rect((8.9, 0, 13.333 - 8.9, 7.5), "bg2", "Side Panel")
    d.oval(9.55, 1.05, 3.3, "accent1", "Disc Large")
    d.oval(11.35, 3.75, 1.5, "accent2", "Disc Small", alpha=0.9)
    d.oval(9.95, 4.85, 0.55, "accent3", "Disc Dot")
    _default_logo(d)
    title = d.h("{{ deck.title }}", 48)
    d.placeholder("ctrTitle", (M, 1.3, 7.7, 3.5), [title], "Title", anchor="b")
    d.rect((M, 5.0, 1.2, 0.08), "accent1", "Title Rule")
    _title_info(d, (M, 5.3, 7.7, 1.7), "tx2", "tx1", "accent1")
    d.drop_unused_placeholders(("ctrTitle", "subTitle"))

    d.prototype("agenda", "Title Only", HINTS["agenda"])
    _default_logo(d)
    d.placeholder("title", (M, 1.1, CW, 0.9), [d.h("Agenda", 40)], "Title", anchor="b")
    d.rect((M, 2.15, 1.2, 0.08), "accent1", "Title Rule")
    col = (CW - 0.5) / 2
    d.text((M, 2.6, col, 3.9), [d.b(AGENDA_1, 24, after=14, line=1.05)], "Agenda Left")
    d.text((M + col + 0.5, 2.6, col, 3.9), [d.b(AGENDA_2, 24, after=14, line=1.05)], "Agenda Right")
    _footer(d, M, 8.5)
    _number(d, right - 2.0, 2.0)
    d.drop_unused_placeholders(("title",))

    # Section divider: the number in a large teal disc over the title, the part's own text
    # under it; the titles of the slides that follow on the mist side panel.
    d.prototype("section", "Title Only", HINTS["section"])
    d.rect((8.9, 0, 13.333 - 8.9, 7.5), "bg2", "Side Panel")
    _default_logo(d)
    number = d.h("{{ section.number }}", 44, "bg1", align="ctr")
    d.badge(MSO_SHAPE.OVAL, (M, 1.3, 1.3, 1.3), [number], "accent1", "Section Number")
    # as on the title slide: the title stands on a teal rule, the part's text under it
    title = d.h("{{ section.title }}", 44, line=1.0)
    d.placeholder("title", (M, 2.85, 7.6, 1.95), [title], "Title", anchor="b")
    d.rect((M, 5.0, 1.2, 0.08), "accent1", "Title Rule")
    items = d.b(SECTION_ITEMS, 20, "tx2", line=1.05, after=6)
    d.text((M, 5.3, 7.6, 1.25), [items], "Section Text")
    subs = d.b(SECTION_SUBS, 18, line=1.05, after=10)
    d.text((9.45, 0.9, 13.333 - 9.45 - 0.5, 5.6), [subs], "Section Contents", anchor="ctr")
    _number(d, right - 2.0, 2.0)
    d.drop_unused_placeholders(("title",))

    d.prototype("insight", "Title Only", HINTS["insight"])
    # the disc holds the number, so a sub-slide without a number shows no empty disc
    number = d.h("{{ insight.number }}", 40, "bg1", align="ctr")
    d.badge(MSO_SHAPE.OVAL, (M, 0.55, 1.2, 1.2), [number], "accent1", "Insight Number")
    title = d.h("{{ insight.title }}", 34)
    d.placeholder("title", (2.25, 0.5, right - 2.25, 1.3), [title], "Title", anchor="ctr")
    d.rect((M, 2.05, CW, 0.03), hairline, "Title Rule")
    key = d.b("{{ insight.key_point }}", 32, line=1.05)
    d.text((M, 2.3, CW, 2.1), [key], "Key Point", anchor="ctr")
    d.rect((M, 4.6, 0.1, 1.95), "accent1", "Explanation Edge")
    d.text(
        (M + 0.1, 4.6, CW - 0.1, 1.95),
        d.explanation("accent1"),
        "Explanation",
        anchor="ctr",
        insets=(0.35, 0.15, 0.35, 0.15),
        fill="bg2",
    )
    d.oval(M, 6.98, 0.2, "accent1", "Footer Mark")
    _footer(d, M + 0.35, 8.5)
    _number(d, right - 2.0, 2.0)
    d.drop_unused_placeholders(("title",))

    # A section without a key point: a small teal disc above the title (gone with an empty
    # number, so the title always starts at the margin) and one large body in source order.
    d.prototype("bullets", "Title Only", HINTS["bullets"])
    _default_header(d)
    items = d.b(SLIDE_ITEMS, 20, line=1.05, after=8)
    d.text((M, 2.4, CW, 4.18), [items], "Body")
    _default_footer(d)

    d.prototype("conclusion", "Title Only", HINTS["conclusion"])
    _default_logo(d)
    heading = d.h("{{ conclusion.heading }}", 40)
    d.placeholder("title", (M, 1.1, CW, 0.9), [heading], "Title", anchor="b")
    d.rect((M, 2.15, 1.2, 0.08), "accent1", "Title Rule")
    body = d.b(CONCLUSION_BODY, 26, line=1.08, after=10)
    d.text((M, 2.45, CW, 3.0), [body], "Conclusion")
    closing = d.b(CLOSING, 18, "tx2", line=1.05, after=4)
    d.text(
        (0, 5.6, 13.333, 1.9),
        [closing],
        "Closing",
        anchor="ctr",
        insets=(M, 0.2, M, 0.5),
        fill="bg2",
    )
    _number(d, right - 2.0, 2.0)
    d.drop_unused_placeholders(("title",))

    # The element kinds share the bullets slide's head (disc, title, hairline) and foot; the
    # content area under the hairline is y 2.4 … 6.58.
    top, bottom = 2.4, 6.58

    # Picture: the area takes the whole content width; the caption centred under it, as the
    # picture is centred in the area.
    d.prototype("picture", "Title Only", HINTS["picture"])
    _default_header(d)
    # the area starts close under the hairline and leaves a line of caption: half the slide
    d.area((M, 2.32, CW, 3.78), IMAGES, "Picture Area")
    caption = d.b(CAPTION, 16, "tx2", italic=True, align="ctr", line=1.0)
    d.text((M, 6.1, CW, bottom - 6.1), [caption], "Caption")
    _default_footer(d)

    # Text and picture: the body at the left, a little under half the width; the picture at
    # the right, as tall as the body. The body is centred in its height, as the picture is in
    # the area, so a few lines sit beside the picture rather than above it.
    d.prototype("text_picture", "Title Only", HINTS["text_picture"])
    _default_header(d)
    _text_beside_picture(d, top, bottom)
    _default_footer(d)

    # Table: a short lead-in over the table, which takes the rest of the content area.
    d.prototype("table", "Title Only", HINTS["table"])
    _default_header(d)
    _lead_text(d, top)
    d.area((M, top + 0.75, CW, bottom - top - 0.75), TABLE, "Table Area")
    _default_footer(d)

    # Code: the insight slide's explanation panel (mist with a teal edge) holds the code.
    d.prototype("code", "Title Only", HINTS["code"])
    _default_header(d)
    _lead_text(d, top)
    _code_panel(d, (M, top + 0.75, CW, bottom - top - 0.75), "bg2", "tx1", "accent1", 0.1)
    _default_footer(d)

    # Quote: a teal quote mark hanging at the margin, the quote large in italics beside it,
    # the attribution in teal, other text small and muted under it.
    d.prototype("quote", "Title Only", HINTS["quote"])
    _default_header(d)
    d.quote_mark(M, top + 0.2, 0.5, "accent1")
    qx = M + 1.45
    quote = d.b(QUOTE_TEXT, 30, italic=True, line=1.1, after=6)
    d.text((qx, top, right - qx, 2.55), [quote], "Quote", anchor="ctr")
    by = d.b(QUOTE_BY, 20, "accent1", bold=True, line=1.0)
    d.text((qx, top + 2.7, right - qx, 0.5), [by], "Attribution")
    rest = d.b(SLIDE_ITEMS, 18, "tx2", line=1.05, after=4)
    d.text((qx, top + 3.3, right - qx, bottom - top - 3.3), [rest], "Text")
    _default_footer(d)

    # Columns: a short lead-in, then two columns with a hairline between them.
    d.prototype("columns", "Title Only", HINTS["columns"])
    _default_header(d)
    _two_columns(d, top, bottom, "accent1", DEFAULT_HAIRLINE)
    _default_footer(d)


def _default_header(d: Designer) -> None:
    """The content slides' head: a small teal disc with the number (gone with an empty number,
    so the title always starts at the margin), the title, a hairline under it."""
    number = d.h("{{ insight.number }}", 20, "bg1", align="ctr")
    d.badge(MSO_SHAPE.OVAL, (M, 0.42, 0.56, 0.56), [number], "accent1", "Insight Number")
    title = d.h("{{ insight.title }}", 32, line=1.0)
    d.placeholder("title", (M, 1.08, CW, 0.98), [title], "Title")
    d.rect((M, 2.16, CW, 0.03), DEFAULT_HAIRLINE, "Title Rule")


def _default_footer(d: Designer) -> None:
    d.oval(M, 6.98, 0.2, "accent1", "Footer Mark")
    _footer(d, M + 0.35, 8.5)
    _number(d, 13.333 - M - 2.0, 2.0)
    d.drop_unused_placeholders(("title",))


def _text_beside_picture(d: Designer, top: float, bottom: float) -> None:
    """The text and picture slide's content, alike in every theme: the body at the left, a
    little under half the width, centred in its height as the picture is in its area; the
    picture area at the right, as tall as the body."""
    col = 5.6
    items = d.b(SLIDE_ITEMS, 20, line=1.05, after=8)
    d.text((M, top, col, bottom - top), [items], "Body", anchor="ctr")
    d.area((M + col + 0.3, top, CW - col - 0.3, bottom - top), IMAGES, "Picture Area")


def _two_columns(d: Designer, top: float, bottom: float, heading: str, rule: str) -> None:
    """The columns slide's content, alike in every theme: the lead-in over two columns with
    a thin rule between them; in each column a text box (its heading, then its text) over
    its picture area. The text box is low and grows down into the area when the column has
    no picture (or its text needs more room); the area takes the whole column when the
    column has no text. The columns start a little inside the lead-in's box so that the
    two are not stacked (an empty lead-in leaves its room empty over both columns alike)."""
    _lead_text(d, top)
    y = top + 0.6
    gutter = 0.5
    cw = (CW - gutter) / 2
    th = 0.9
    d.rect((M + cw + gutter / 2 - 0.01, y + 0.1, 0.02, bottom - y - 0.1), rule, "Column Rule")
    for k, side in enumerate(("left", "right")):
        x = M + k * (cw + gutter)
        paras = [
            d.h(COLUMN_HEADING.format(side=side), 24, heading, line=1.0, after=6),
            d.b(COLUMN_ITEMS.format(side=side), 20, line=1.05, after=8),
        ]
        d.text((x, y, cw, th), paras, side.title(), insets=(0, 0.06, 0, 0.04))
        d.area((x, y + th, cw, bottom - y - th), COLUMN_IMAGES.format(side=side),
               f"{side.title()} Picture")  # fmt: skip


def _lead_text(d: Designer, top: float) -> None:
    """The short lead-in over a table or a code panel (which start 0.75 in lower)."""
    lead = d.b(SLIDE_ITEMS, 18, "tx2", line=1.05, after=4)
    d.text((M, top - 0.05, CW, 0.7), [lead], "Text")


def _code_panel(
    d: Designer, box: Box, fill: str, color: str, edge: str | None, edge_w: float
) -> None:
    """The Code box: monospace on a tinted panel (its own fill), generous insets, a coloured
    edge at its left named "Code Edge" so it goes with an empty Code box."""
    x, y, w, h = box
    code = d.b(CODE, 16, color, font=CODE_FONT, line=1.0)
    d.text((x + edge_w, y, w - edge_w, h), [code], "Code", insets=(0.3, 0.22, 0.3, 0.22), fill=fill)
    if edge is not None:
        d.rect((x, y, edge_w, h), edge, "Code Edge")


DEFAULT = ThemeSpec(
    name="default",
    label="Default",
    description="Light and calm: Calibri on white, mist panels, the number in a teal disc.",
    palette=Palette(
        dk1="1F2A37",
        lt1="FFFFFF",
        dk2="56677A",
        lt2="EEF3F8",
        accents=("0F7C90", "F2A541", "3D5A80", "98C1D9", "E07A5F", "6C8EAD"),
        hlink="0F7C90",
        fol_hlink="5E548E",
    ),
    heading_font="Calibri",
    body_font="Calibri",
    design=design_default,
)


# ---- dark: dark background, bright accent (Arial) -------------------------------------
# Near-black navy with amber and aqua. Insight: a slate sidebar with a giant amber number
# and the title; the key point in white on the right, an amber divider, the explanation in
# muted blue-grey under an aqua label.


def _dark_logo(d: Designer) -> None:
    d.shape(MSO_SHAPE.DIAMOND, (M, 0.6, 0.4, 0.4), "accent1", "Logo Mark")


def design_dark(d: Designer) -> None:
    side = 4.3  # sidebar width
    rx = side + 0.6  # right column
    rw = 13.333 - M - rx

    d.prototype("title", "Title Slide", HINTS["title"])
    d.oval(9.45, -1.6, 6.1, None, "Ring Large", line="accent1", line_pt=2.5)
    d.oval(11.0, 2.75, 3.4, None, "Ring Small", line="accent2", line_pt=2.5)
    d.oval(10.35, 5.3, 0.5, "accent1", "Dot")
    _dark_logo(d)
    title = d.h("{{ deck.title }}", 48)
    d.placeholder("ctrTitle", (M, 1.3, 8.4, 3.5), [title], "Title", anchor="b")
    d.rect((M, 5.0, 1.5, 0.1), "accent1", "Title Rule")
    _title_info(d, (M, 5.33, 8.4, 1.67), "tx2", "tx1", "accent1")
    d.drop_unused_placeholders(("ctrTitle", "subTitle"))

    d.prototype("agenda", "Title Only", HINTS["agenda"])
    d.rect((0, 0, side, 7.5), "bg2", "Sidebar")
    _dark_logo(d)
    d.rect((M, 2.3, 0.9, 0.08), "accent1", "Title Rule")
    agenda = d.h("Agenda", 40)
    d.placeholder("title", (M, 2.6, side - M - 0.4, 1.2), [agenda], "Title")
    d.text((rx, 0.75, rw, 5.8), [d.b(AGENDA_ALL, 22, after=12)], "Agenda", anchor="ctr")
    _footer(d, rx, rw)
    _number(d, M, side - M - 0.4, color="accent1", align="l", bold=True)
    d.drop_unused_placeholders(("title",))

    # Section divider: a giant amber number over the title, the part's own text under it;
    # the titles of the slides that follow on a slate panel at the right.
    d.prototype("section", "Title Only", HINTS["section"])
    d.rect((8.9, 0, 13.333 - 8.9, 7.5), "bg2", "Side Panel")
    _dark_logo(d)
    number = d.h("{{ section.number }}", 110, "accent1", line=1.0)
    d.text((M - 0.05, 1.05, 7.6, 1.85), [number], "Section Number", anchor="b")
    d.rect((M, 3.1, 1.5, 0.1), "accent1", "Number Rule")
    title = d.h("{{ section.title }}", 44, line=1.0)
    d.placeholder("title", (M, 3.45, 7.6, 1.95), [title], "Title")
    items = d.b(SECTION_ITEMS, 20, "tx2", line=1.05, after=6)
    d.text((M, 5.5, 7.6, 1.1), [items], "Section Text")
    subs = d.b(SECTION_SUBS, 18, "tx2", line=1.05, after=10)
    d.text((9.45, 0.9, 13.333 - 9.45 - 0.5, 5.6), [subs], "Section Contents", anchor="ctr")
    _number(d, 13.333 - M - 2.0, 2.0, color="accent1", bold=True)
    d.drop_unused_placeholders(("title",))

    d.prototype("insight", "Title Only", HINTS["insight"])
    d.rect((0, 0, side, 7.5), "bg2", "Sidebar")
    number = d.h("{{ insight.number }}", 110, "accent1", line=1.0)
    d.text((M - 0.05, 0.45, side - M, 1.9), [number], "Insight Number", anchor="b")
    d.rect((M, 2.6, 0.9, 0.08), "accent1", "Number Rule")
    title = d.h("{{ insight.title }}", 28, line=1.0)
    d.placeholder("title", (M, 2.95, side - M - 0.4, 3.3), [title], "Title")
    key = d.b("{{ insight.key_point }}", 30, line=1.05)
    # not bottom-anchored: LibreOffice mis-places bottom-anchored text holding broken links
    d.text((rx, 0.75, rw, 2.95), [key], "Key Point", anchor="ctr")
    # "Explanation …": a divider with no explanation under it goes with the empty box
    d.rect((rx, 3.95, rw, 0.03), "accent1", "Explanation Divider")
    d.text((rx, 4.2, rw, 2.4), d.explanation("accent2"), "Explanation")
    _footer(d, rx, rw)
    _number(d, M, side - M - 0.4, color="accent1", align="l", bold=True)
    d.drop_unused_placeholders(("title",))

    # A section without a key point: the insight slide's sidebar (number, title) and one
    # large body on the right, in source order.
    d.prototype("bullets", "Title Only", HINTS["bullets"])
    _dark_sidebar(d, side)
    items = d.b(SLIDE_ITEMS, 20, line=1.05, after=8)
    d.text((rx, 0.75, rw, 5.8), [items], "Body")
    _footer(d, rx, rw)
    _number(d, M, side - M - 0.4, color="accent1", align="l", bold=True)
    d.drop_unused_placeholders(("title",))

    d.prototype("conclusion", "Title Only", HINTS["conclusion"])
    d.rect((0, 0, 13.333, 0.12), "accent1", "Top Bar")
    _dark_logo(d)
    heading = d.h("{{ conclusion.heading }}", 40)
    d.placeholder("title", (M, 1.15, CW, 0.9), [heading], "Title", anchor="b")
    body = d.b(CONCLUSION_BODY, 26, line=1.08, after=10)
    d.text((M, 2.35, CW, 2.95), [body], "Conclusion")
    closing = d.b(CLOSING, 18, "tx2", line=1.05, after=4)
    d.text(
        (M + 0.08, 5.5, CW - 0.08, 1.25),
        [closing],
        "Closing",
        anchor="ctr",
        insets=(0.3, 0.12, 0.3, 0.12),
        fill="bg2",
    )
    d.rect((M, 5.5, 0.08, 1.25), "accent1", "Closing Edge")
    _number(d, 13.333 - M - 2.0, 2.0)
    d.drop_unused_placeholders(("title",))

    # Pictures, tables and code need the width: a slate band across the top holds the title
    # and, at its right, the giant amber number; an amber line under the band. The content
    # area is y 2.05 … 6.55.
    top, bottom = 2.05, 6.55

    d.prototype("picture", "Title Only", HINTS["picture"])
    _dark_band(d)
    d.area((M, top, CW, 3.85), IMAGES, "Picture Area")
    caption = d.b(CAPTION, 16, "tx2", italic=True, align="ctr", line=1.0)
    d.text((M, top + 3.93, CW, bottom - top - 3.93), [caption], "Caption")
    _dark_band_footer(d)

    d.prototype("text_picture", "Title Only", HINTS["text_picture"])
    _dark_band(d)
    _text_beside_picture(d, top, bottom)
    _dark_band_footer(d)

    d.prototype("table", "Title Only", HINTS["table"])
    _dark_band(d)
    _lead_text(d, top)
    d.area((M, top + 0.75, CW, bottom - top - 0.75), TABLE, "Table Area")
    _dark_band_footer(d)

    # Code: on a slate panel with an amber edge, like the conclusion's closing box.
    d.prototype("code", "Title Only", HINTS["code"])
    _dark_band(d)
    _lead_text(d, top)
    _code_panel(d, (M, top + 0.75, CW, bottom - top - 0.75), "bg2", "tx1", "accent1", 0.08)
    _dark_band_footer(d)

    # Quote: the bullets slide's sidebar; on the right an amber quote mark, the quote large in
    # italics, the attribution in aqua, other text muted under it.
    d.prototype("quote", "Title Only", HINTS["quote"])
    _dark_sidebar(d, side)
    d.quote_mark(rx, 1.2, 0.55, "accent1")
    quote = d.b(QUOTE_TEXT, 30, italic=True, line=1.1, after=6)
    d.text((rx, 1.95, rw, 2.65), [quote], "Quote", anchor="ctr")
    by = d.b(QUOTE_BY, 20, "accent2", bold=True, line=1.0)
    d.text((rx, 4.7, rw, 0.5), [by], "Attribution")
    rest = d.b(SLIDE_ITEMS, 18, "tx2", line=1.05, after=4)
    d.text((rx, 5.3, rw, 1.25), [rest], "Text")
    _footer(d, rx, rw)
    _number(d, M, side - M - 0.4, color="accent1", align="l", bold=True)
    d.drop_unused_placeholders(("title",))

    d.prototype("columns", "Title Only", HINTS["columns"])
    _dark_band(d)
    _two_columns(d, top, bottom, "accent2", "bg2")
    _dark_band_footer(d)


def _dark_sidebar(d: Designer, side: float) -> None:
    """The bullets slide's sidebar: the giant amber number over an amber rule and the title."""
    d.rect((0, 0, side, 7.5), "bg2", "Sidebar")
    number = d.h("{{ insight.number }}", 110, "accent1", line=1.0)
    d.text((M - 0.05, 0.45, side - M, 1.9), [number], "Insight Number", anchor="b")
    d.rect((M, 2.6, 0.9, 0.08), "accent1", "Number Rule")
    title = d.h("{{ insight.title }}", 28, line=1.0)
    d.placeholder("title", (M, 2.95, side - M - 0.4, 3.3), [title], "Title")


def _dark_band(d: Designer) -> None:
    """A slate band with the title at the margin and the number large and amber at the right
    (an empty number leaves the band to the title), an amber line under it."""
    band = 1.65
    d.rect((0, 0, 13.333, band), "bg2", "Header Band")
    d.rect((0, band, 13.333, 0.05), "accent1", "Band Rule")
    number = d.h("{{ insight.number }}", 66, "accent1", align="r", line=1.0)
    d.text((13.333 - M - 2.2, 0.15, 2.2, band - 0.3), [number], "Insight Number", anchor="ctr")
    title = d.h("{{ insight.title }}", 30, line=1.0)
    d.placeholder("title", (M, 0.2, CW - 2.5, band - 0.4), [title], "Title", anchor="ctr")


def _dark_band_footer(d: Designer) -> None:
    _footer(d, M, 8.5)
    _number(d, 13.333 - M - 2.0, 2.0, color="accent1", bold=True)
    d.drop_unused_placeholders(("title",))


DARK = ThemeSpec(
    name="dark",
    label="Dark",
    description="Dark navy with a bright amber accent: Arial, a sidebar with a giant number.",
    palette=Palette(
        dk1="0E1525",
        lt1="F4F6FA",
        dk2="1B2538",
        lt2="A7B4C8",
        accents=("FFC233", "3DD6D0", "FF6B6B", "7C8CF8", "5BD68A", "F78FB3"),
        hlink="3DD6D0",
        fol_hlink="B69CFF",
        dark=True,
    ),
    heading_font="Arial",
    body_font="Arial",
    design=design_dark,
)


# ---- bold: big type, strong colour blocks (Cambria headings, Calibri body) ------------
# Warm paper, vermilion and indigo blocks, Cambria display type. Insight: a full-width
# vermilion band with a big paper-white number and the title; the key point bold in ink,
# the explanation under a short vermilion rule.


def design_bold(d: Designer) -> None:
    band = 2.35  # height of the insight slide's colour band
    right = 13.333 - M
    muted_on_indigo = "#B9BEDD"

    d.prototype("title", "Title Slide", HINTS["title"])
    d.background("accent1")
    d.rect((13.333 - 2.4, 0, 2.4, 2.4), "accent2", "Corner Block")
    d.rect((13.333 - 2.4, 2.4, 1.2, 1.2), "bg1", "Corner Step")
    d.rect((M, 0.75, 0.45, 0.45), "bg1", "Logo Mark")
    title = d.h("{{ deck.title }}", 58, "bg1")
    d.placeholder("ctrTitle", (M, 1.0, 10.0, 3.85), [title], "Title", anchor="b")
    d.rect((M, 5.05, 2.0, 0.14), "bg1", "Title Rule")
    _title_info(d, (M, 5.42, 10.0, 1.6), "bg1", "bg1", "bg1", size=18)
    d.drop_unused_placeholders(("ctrTitle", "subTitle"))

    d.prototype("agenda", "Title Only", HINTS["agenda"])
    d.rect((0, 0, 4.2, 7.5), "accent1", "Colour Block")
    d.rect((M, 0.75, 0.45, 0.45), "bg1", "Logo Mark")
    agenda = d.h("Agenda", 48, "bg1")
    d.placeholder("title", (M, 4.6, 3.2, 1.6), [agenda], "Title", anchor="b")
    items = d.b(AGENDA_ALL, 22, bold=True, after=12)
    d.text((4.95, 0.75, right - 4.95, 5.8), [items], "Agenda", anchor="ctr")
    _number(d, right - 2.0, 2.0, color="accent1", bold=True)
    d.drop_unused_placeholders(("title",))

    # Section divider: vermilion like the title slide, a big paper-white number over the
    # title; the titles of the slides that follow on an indigo block at the right.
    d.prototype("section", "Title Only", HINTS["section"])
    d.background("accent1")
    block = 9.1
    d.rect((block, 0, 13.333 - block, 7.5), "accent2", "Colour Block")
    d.rect((M, 0.75, 0.45, 0.45), "bg1", "Logo Mark")
    number = d.h("{{ section.number }}", 120, "bg1", line=1.0)
    d.text((M - 0.05, 1.3, block - M - 0.5, 1.95), [number], "Section Number", anchor="b")
    d.rect((M, 3.45, 2.0, 0.14), "bg1", "Number Rule")
    title = d.h("{{ section.title }}", 44, "bg1", line=1.0)
    d.placeholder("title", (M, 3.8, block - M - 0.5, 1.8), [title], "Title")
    items = d.b(SECTION_ITEMS, 20, "bg1", line=1.05, after=6)
    d.text((M, 5.75, block - M - 0.5, 1.0), [items], "Section Text")
    subs = d.b(SECTION_SUBS, 18, "bg1", line=1.05, after=10)
    d.text((block + 0.5, 0.9, 13.333 - block - 1.0, 5.6), [subs], "Section Contents", anchor="ctr")
    _number(d, right - 2.0, 2.0, color=muted_on_indigo)
    d.drop_unused_placeholders(("title",))

    d.prototype("insight", "Title Only", HINTS["insight"])
    d.rect((0, 0, 13.333, band), "accent1", "Colour Band")
    d.rect((13.333 - 0.9, 0, 0.9, band), "accent2", "Band Corner")
    number = d.h("{{ insight.number }}", 110, "bg1", align="ctr")
    d.text((M - 0.2, 0.15, 2.2, band - 0.3), [number], "Insight Number", anchor="ctr")
    # "Insight Number …": no divider beside an empty number
    d.rect((2.95, 0.55, 0.05, band - 1.1), "bg1", "Insight Number Divider")
    title = d.h("{{ insight.title }}", 36, "bg1")
    title_x = 3.35
    title_w = 13.333 - 0.9 - 0.45 - title_x
    d.placeholder("title", (title_x, 0.3, title_w, band - 0.6), [title], "Title", anchor="ctr")
    key = d.b("{{ insight.key_point }}", 30, bold=True, line=1.05)
    d.text((M, band + 0.45, CW, 1.9), [key], "Key Point")
    d.rect((M, 4.85, 0.6, 0.1), "accent1", "Explanation Rule")
    d.text((M, 5.08, CW, 1.55), d.explanation("accent1"), "Explanation")
    _footer(d, M, 8.5)
    _number(d, right - 2.0, 2.0, color="accent1", bold=True)
    d.drop_unused_placeholders(("title",))

    # A section without a key point: a lower vermilion band with the title at the margin and
    # the number in the indigo corner block (gone with an empty number), one large body.
    d.prototype("bullets", "Title Only", HINTS["bullets"])
    low = _bold_header(d)
    items = d.b(SLIDE_ITEMS, 20, line=1.05, after=8)
    d.text((M, low + 0.4, CW, 6.58 - low - 0.4), [items], "Body")
    _bold_footer(d)

    d.prototype("conclusion", "Title Only", HINTS["conclusion"])
    d.background("accent2")
    d.rect((0, 0, 0.35, 7.5), "accent1", "Edge Block")
    d.rect((M, 0.75, 0.45, 0.45), "accent1", "Logo Mark")
    heading = d.h("{{ conclusion.heading }}", 48, "bg1")
    d.placeholder("title", (M, 1.3, CW, 1.0), [heading], "Title", anchor="b")
    body = d.b(CONCLUSION_BODY, 26, "bg1", line=1.08, after=10)
    d.text((M, 2.55, CW, 2.9), [body], "Conclusion")
    d.rect((M, 5.55, 0.6, 0.1), "accent1", "Closing Rule")
    closing = d.b(CLOSING, 18, muted_on_indigo, line=1.05, after=4)
    d.text((M, 5.8, CW - 2.3, 1.2), [closing], "Closing")
    _number(d, right - 2.0, 2.0, color=muted_on_indigo)
    d.drop_unused_placeholders(("title",))

    # The element kinds share the bullets slide's vermilion band; content y 2.0 … 6.58.
    top, bottom = 2.0, 6.58

    d.prototype("picture", "Title Only", HINTS["picture"])
    _bold_header(d)
    d.area((M, top, CW, 3.95), IMAGES, "Picture Area")
    caption = d.b(CAPTION, 16, "tx2", italic=True, align="ctr", line=1.0)
    d.text((M, top + 4.03, CW, bottom - top - 4.03), [caption], "Caption")
    _bold_footer(d)

    d.prototype("text_picture", "Title Only", HINTS["text_picture"])
    _bold_header(d)
    _text_beside_picture(d, top, bottom)
    _bold_footer(d)

    d.prototype("table", "Title Only", HINTS["table"])
    _bold_header(d)
    _lead_text(d, top)
    d.area((M, top + 0.75, CW, bottom - top - 0.75), TABLE, "Table Area")
    _bold_footer(d)

    # Code: an indigo block with paper-white code and a vermilion edge, like the title and
    # conclusion slides' colour blocks.
    d.prototype("code", "Title Only", HINTS["code"])
    _bold_header(d)
    _lead_text(d, top)
    _code_panel(d, (M, top + 0.75, CW, bottom - top - 0.75), "accent2", "bg1", "accent1", 0.14)
    _bold_footer(d)

    # Quote: a big vermilion quote mark, the quote in Cambria italics, the attribution in
    # vermilion under a short rule's colour, other text small and muted.
    d.prototype("quote", "Title Only", HINTS["quote"])
    _bold_header(d)
    d.quote_mark(M, top + 0.3, 0.62, "accent1")
    qx = M + 1.7
    quote = d.h(QUOTE_TEXT, 32, italic=True, bold=False, line=1.1, after=6)
    d.text((qx, top + 0.1, right - qx, 2.6), [quote], "Quote", anchor="ctr")
    by = d.b(QUOTE_BY, 20, "accent1", bold=True, line=1.0)
    d.text((qx, top + 2.85, right - qx, 0.5), [by], "Attribution")
    rest = d.b(SLIDE_ITEMS, 18, "tx2", line=1.05, after=4)
    d.text((qx, top + 3.45, right - qx, bottom - top - 3.45), [rest], "Text")
    _bold_footer(d)

    d.prototype("columns", "Title Only", HINTS["columns"])
    _bold_header(d)
    _two_columns(d, top, bottom, "accent1", "accent2")
    _bold_footer(d)


def _bold_header(d: Designer) -> float:
    """A vermilion band with the title at the margin and the number in an indigo corner block
    (gone with an empty number); returns the band's height."""
    low = 1.6  # band height
    corner = 1.6  # number block width
    d.rect((0, 0, 13.333, low), "accent1", "Colour Band")
    number = d.h("{{ insight.number }}", 54, "bg1", align="ctr")
    d.badge(
        MSO_SHAPE.RECTANGLE,
        (13.333 - corner, 0, corner, low),
        [number],
        "accent2",
        "Insight Number",
    )
    title = d.h("{{ insight.title }}", 34, "bg1", line=1.0)
    title_w = 13.333 - corner - 0.4 - M
    d.placeholder("title", (M, 0.2, title_w, low - 0.4), [title], "Title", anchor="ctr")
    return low


def _bold_footer(d: Designer) -> None:
    _footer(d, M, 8.5)
    _number(d, 13.333 - M - 2.0, 2.0, color="accent1", bold=True)
    d.drop_unused_placeholders(("title",))


BOLD = ThemeSpec(
    name="bold",
    label="Bold",
    description="Bold minimal: big Cambria type on vermilion and indigo colour blocks.",
    palette=Palette(
        dk1="141414",
        lt1="FBF8F3",
        dk2="57524B",
        lt2="F1EAE0",
        accents=("E0452B", "1F2A6B", "F4B400", "2E8B57", "7A5BD0", "3A86FF"),
        hlink="1F2A6B",
        fol_hlink="7A5BD0",
    ),
    heading_font="Cambria",
    body_font="Calibri",
    design=design_bold,
)

THEMES = {t.name: t for t in (DEFAULT, DARK, BOLD)}


# --------------------------------------------------------------------------- main


def write_theme(spec: ThemeSpec, out: Path) -> Path:
    folder = out / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.pptx").write_bytes(build_pptx(spec))
    (folder / "notes.j2").write_text(NOTES, encoding="utf-8")
    (folder / "theme.yaml").write_text(theme_yaml(spec), encoding="utf-8")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"themes to build (default: all of {list(THEMES)})")
    ap.add_argument("--out", type=Path, default=ROOT / "templates", help="templates folder")
    args = ap.parse_args(argv)
    names = args.names or list(THEMES)
    unknown = [n for n in names if n not in THEMES]
    if unknown:
        ap.error(f"unknown theme(s): {', '.join(unknown)}")
    for name in names:
        print(write_theme(THEMES[name], args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
