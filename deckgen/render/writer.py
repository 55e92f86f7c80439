"""Writing a `Deck` into a copy of its template: clone prototypes, fill frames, save.

Cost is linear in the number of slides, and small per slide. Everything that is the same
for all clones of a prototype is worked out once: the slide XML with relationship ids
renumbered, serialized and cut at its text shapes (:func:`_xml.segments`); the relationship
recipe; the serialized paragraph and run properties of each prototype paragraph. A slide is
then assembled from bytes, with no XML tree of its own. New parts are named by counters
(:class:`PartNamer`), relationships to new parts are added without python-pptx's duplicate
scan, and the slide list is extended without recomputing the next slide id.

Autofit: sizes in a Deck are already fitted, so a filled shape's ``a:normAutofit`` loses any
stale ``fontScale``/``lnSpcReduction`` (PowerPoint would apply them to our text until someone
edits it), and its ``a:spAutoFit`` becomes ``a:normAutofit``: the text fits the box already,
and a later edit should shrink text rather than grow the box off the slide. ``a:noAutofit``
and shapes without a frame are left alone.

All slides of the template (prototypes and any others) are left out of the output; their
notes, comments, and any parts only they used go with them. Hyperlinks are written only for
``http``, ``https``, ``mailto``, ``ftp``, ``ftps`` and ``tel`` targets; other links
(``javascript:``, ``file:``, relative) keep their text without a link.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from lxml import etree

from deckgen.errors import DeckgenError, TemplateError
from deckgen.model import SLIDE_NUMBER, SLIDE_TOTAL, Deck, Frame, SlideSpec
from deckgen.render import _xml as X
from deckgen.render._package import (
    PartNamer,
    add_rel,
    atomic_write,
    check_output,
    first_line,
    open_presentation,
    package_rels,
    save_package,
)
from deckgen.render.inspect import find_layout, prototype_kind

if TYPE_CHECKING:
    from pptx.opc.package import Part, XmlPart
    from pptx.presentation import Presentation

MONO = "Courier New"  # LibreOffice maps it to Liberation Mono, metric-compatible
LINK_SCHEMES = ("http:", "https:", "mailto:", "ftp:", "ftps:", "tel:")
PROP_LIMIT = 255

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_SLIDE = _RT + "slide"
RT_NOTES_SLIDE = _RT + "notesSlide"
RT_NOTES_MASTER = _RT + "notesMaster"
RT_HYPERLINK = _RT + "hyperlink"
RT_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
CT_SLIDE = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
CT_NOTES = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
# relationship types whose targets belong to one slide and are copied, not shared
_CLONED = (
    "/chart",
    "/diagramData",
    "/diagramLayout",
    "/diagramQuickStyle",
    "/diagramColors",
    "/diagramDrawing",
    "/chartUserShapes",
)
_DROPPED = ("/notesSlide", "/comments", "/slide")
SECTION_EXT = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"
_PML = "application/vnd.openxmlformats-officedocument.presentationml."
_NSDECL = " ".join(f'xmlns:{k}="{X.NS[k]}"' for k in ("a", "r", "p"))
# parts PowerPoint expects next to presentation.xml (LibreOffice omits viewProps)
_REQUIRED_PARTS = (
    ("presProps", "/ppt/presProps.xml", f"<p:presentationPr {_NSDECL}/>"),
    (
        "viewProps",
        "/ppt/viewProps.xml",
        f'<p:viewPr {_NSDECL}><p:gridSpacing cx="76200" cy="76200"/></p:viewPr>',
    ),
)
_LINK_RID = "rIdDeckgenLink"  # placeholder in cached run properties


def write(deck: Deck, out: str | Path) -> None:
    """Write ``deck`` to ``out`` (atomically) using the template at ``deck.theme.path``."""
    check_output(out)
    prs = open_presentation(deck.theme.path)
    try:
        _Writer(prs, deck).run()
    except DeckgenError:
        raise
    except Exception as e:  # odd XML in an untrusted template: one line, not a traceback
        raise TemplateError(f"cannot use template: {first_line(e)}", where=deck.theme.path) from e
    atomic_write(out, lambda f: save_package(prs.part.package, f))


@dataclass
class _Shape:
    """One text shape of a prototype: its paragraphs' formatting as serialized fragments."""

    is_title: bool
    pprs: list[Any]
    rprs: list[Any]
    cache: dict[tuple[Any, ...], str] = field(default_factory=dict)


@dataclass
class _Recipe:
    """What every clone of one prototype shares."""

    kind: str
    tokens: list[X.Token]
    rels: list[tuple[str, Any, bool, bool]]  # reltype, target, external, clone
    shapes: dict[int, _Shape]
    bodies: dict[int, bytes]  # settled bodyPr + lstStyle per shape
    markup: X.Markup


class _Writer:
    def __init__(self, prs: Presentation, deck: Deck):
        self.prs, self.deck, self.theme = prs, deck, deck.theme
        self.prs_part = prs.part
        self.package = self.prs_part.package
        self.where = self.theme.path
        self.lang = deck.language or None
        self.recipes: dict[str, _Recipe] = {}
        self.notes_rpr: tuple[str, str] | None = None

    # ------------------------------------------------------------------ setup

    def _prototype_parts(self) -> dict[str, XmlPart]:
        sld_ids = list(self.prs_part._element.get_or_add_sldIdLst())
        parts: dict[str, XmlPart] = {}
        for kind in sorted({s.kind for s in self.deck.slides}):
            proto = self.theme.prototypes.get(kind)
            if proto is None:
                raise TemplateError(
                    f"template has no prototype for {kind!r} slides", where=self.where
                )
            if proto.slide_index is not None:
                if proto.slide_index >= len(sld_ids):
                    raise TemplateError(
                        "template changed since it was loaded (prototype slide missing)",
                        where=self.where,
                    )
                rid = sld_ids[proto.slide_index].get(f"{{{X.R_NS}}}id")
                part = self.prs_part.related_part(rid)
                if prototype_kind(part.slide) != kind:  # type: ignore[attr-defined]
                    raise TemplateError(
                        f"template changed since it was loaded (slide {proto.slide_index + 1} "
                        f"is no longer the {kind} prototype)",
                        where=self.where,
                    )
            else:
                layout, _ = find_layout(self.prs, kind)
                if proto.layout_name is not None and layout.name != proto.layout_name:
                    raise TemplateError(
                        "template changed since it was loaded (layouts differ)", where=self.where
                    )
                slide = self.prs.slides.add_slide(layout)
                # placeholders we do not fill would show "Click to add text" in PowerPoint
                used = {s.shape_id for s in proto.shapes}
                for sp in list(X.iter_sp(slide.shapes._spTree)):
                    if X.sp_id(sp) not in used:
                        sp.getparent().remove(sp)
                part = slide.part
            parts[kind] = part  # type: ignore[assignment]
        return parts

    def _recipe(self, kind: str, part: XmlPart) -> _Recipe:
        element = copy.deepcopy(part._element)
        # relationships: keep what the slide shows, renumbered in the order clones add them
        mapping: dict[str, str | None] = {}
        seen: dict[tuple[Any, ...], str] = {}
        rels: list[tuple[str, Any, bool, bool]] = []
        for rid, rel in part.rels.items():
            rt = rel.reltype
            if rt.endswith(_DROPPED):
                mapping[rid] = None
                continue
            clone = (not rel.is_external) and rt.endswith(_CLONED)
            if rel.is_external:
                key: tuple[Any, ...] = (rt, rel.target_ref, True)
                target: Any = rel.target_ref
            elif clone:
                key = ("clone", rid)
                target = rel.target_part
            else:
                key = (rt, id(rel.target_part), False)
                target = rel.target_part
            if key not in seen:
                seen[key] = f"rId{len(rels) + 1}"
                rels.append((rt, target, rel.is_external, clone))
            mapping[rid] = seen[key]
        for el, attr, rid in list(X.rel_ids(element)):
            if rid not in mapping:
                continue
            new = mapping[rid]
            if new is not None:
                el.set(attr, new)
            elif el.tag in (X.qn("a:hlinkClick"), X.qn("a:hlinkMouseOver")):
                el.getparent().remove(el)
            else:
                del el.attrib[attr]
        # text shapes: formatting per paragraph, settled bodyPr, markers
        markup = X.Markup(element.nsmap)
        shapes: dict[int, _Shape] = {}
        bodies: dict[int, bytes] = {}
        for sp in list(X.iter_sp(element)):
            sid = X.sp_id(sp)
            tx = sp.find(X.P_TXBODY)
            if sid is None or tx is None or sid in shapes:
                continue
            paras = tx.findall(X.A_P)
            shapes[sid] = _Shape(
                is_title=X.is_title_sp(sp),
                pprs=[p.find(X.A_PPR) for p in paras],
                rprs=[X.run_props(p) for p in paras],
            )
            head = [copy.deepcopy(c) for c in tx if c.tag != X.A_P]
            for c in head:
                if c.tag == X.qn("a:bodyPr"):
                    X.settle_autofit(c)
            bodies[sid] = "".join(markup.fragment(c) for c in head).encode()
            X.mark_shape(sp, sid)
        blob = etree.tostring(element, encoding="UTF-8", standalone=True)
        return _Recipe(kind, X.segments(blob), rels, shapes, bodies, markup)

    def _notes_recipe(self) -> tuple[list[X.Token], int | None, X.Markup]:
        from pptx.oxml.slide import CT_NotesSlide
        from pptx.slide import NotesSlide

        el = CT_NotesSlide.new()
        NotesSlide(el, None).clone_master_placeholders(  # type: ignore[arg-type]
            self.prs_part.notes_master
        )
        body_id = None
        for sp in X.iter_sp(el):
            ph = X.ph_of(sp)
            if ph is not None and X.ph_type(ph) == "body" and sp.find(X.P_TXBODY) is not None:
                body_id = X.sp_id(sp)
                if body_id is not None:
                    X.mark_shape(sp, body_id, removable=False)
                break
        blob = etree.tostring(el, encoding="UTF-8", standalone=True)
        return X.segments(blob), body_id, X.Markup(el.nsmap)

    # ------------------------------------------------------------------ run

    def run(self) -> None:
        from pptx.opc.package import Part
        from pptx.opc.packuri import PackURI

        sld_lst = self.prs_part._element.get_or_add_sldIdLst()
        template_slides = len(sld_lst)
        protos = self._prototype_parts()  # may add layout slides: before collecting old ids
        old = [(s, s.get(f"{{{X.R_NS}}}id")) for s in sld_lst]
        for kind, proto_part in protos.items():
            self.recipes[kind] = self._recipe(kind, proto_part)
        namer = PartNamer(self.package)
        next_id = max([255] + [int(s.get("id", "0")) for s, _ in old]) + 1
        notes: tuple[list[X.Token], int | None, X.Markup] | None = None
        notes_master: Part | None = None
        total = len(self.deck.slides)
        new_parts: list[tuple[Part, Part | None]] = []
        for number, spec in enumerate(self.deck.slides, start=1):
            recipe = self.recipes[spec.kind]
            part = Part(PackURI(namer.new("/ppt/slides/slide%d.xml")), CT_SLIDE, self.package)
            for rt, target, external, clone in recipe.rels:
                add_rel(part, rt, self._clone(target, namer) if clone else target, external)
            part.blob = self._slide_blob(part, recipe, spec, number, total)
            notes_part = None
            if spec.notes.strip():
                if notes is None:
                    notes = self._notes_recipe()
                    notes_master = self.prs_part.notes_master_part
                notes_part = Part(
                    PackURI(namer.new("/ppt/notesSlides/notesSlide%d.xml")),
                    CT_NOTES,
                    self.package,
                    self._notes_blob(notes, spec.notes, number, total),
                )
                add_rel(notes_part, RT_NOTES_MASTER, notes_master)  # type: ignore[arg-type]
                add_rel(notes_part, RT_SLIDE, part)
                add_rel(part, RT_NOTES_SLIDE, notes_part)
            rid = add_rel(self.prs_part, RT_SLIDE, part)
            sld = etree.SubElement(sld_lst, X.qn("p:sldId"))
            sld.set("id", str(next_id))
            sld.set(f"{{{X.R_NS}}}id", rid)
            next_id += 1
            new_parts.append((part, notes_part))
        # drop the template's own slides (prototypes included)
        for sld, rid in old:
            sld_lst.remove(sld)
            if rid in self.prs_part.rels:
                self.prs_part.rels.pop(rid)
        self._drop_slide_references()
        self._required_parts(namer)
        self._app_properties(template_slides, new_parts)
        for i, (slide_part, notes_part) in enumerate(new_parts, start=1):
            slide_part.partname = PackURI(f"/ppt/slides/slide{i}.xml")
            if notes_part is not None:
                notes_part.partname = PackURI(f"/ppt/notesSlides/notesSlide{i}.xml")
        self._properties()

    def _clone(self, part: Part, namer: PartNamer, depth: int = 0) -> Part:
        """A copy of ``part`` (and of the parts it owns, e.g. a chart's workbook)."""
        from pptx.opc.package import PartFactory
        from pptx.opc.packuri import PackURI

        new = PartFactory(
            PackURI(namer.like(str(part.partname))), part.content_type, self.package, part.blob
        )
        mapping: dict[str, str] = {}
        for rid, rel in part.rels.items():
            if rel.is_external:
                target: Any = rel.target_ref
            elif depth < 3 and not rel.reltype.endswith(("/image", "/slideLayout", "/media")):
                target = self._clone(rel.target_part, namer, depth + 1)
            else:
                target = rel.target_part
            mapping[rid] = add_rel(new, rel.reltype, target, rel.is_external)
        element = getattr(new, "_element", None)
        if element is not None and any(k != v for k, v in mapping.items()):
            for el, attr, rid in list(X.rel_ids(element)):
                if rid in mapping:
                    el.set(attr, mapping[rid])
        return new

    # ------------------------------------------------------------------ text

    def _slide_blob(
        self, part: Part, recipe: _Recipe, spec: SlideSpec, number: int, total: int
    ) -> bytes:
        removed: set[int] = set()
        paras: dict[int, bytes] = {}
        links: dict[str, str] = {}
        for frame in spec.frames:
            shape = recipe.shapes.get(frame.shape_id)
            if shape is None:
                raise TemplateError(
                    f"slide {number} ({spec.kind}): the prototype has no text shape with id "
                    f"{frame.shape_id}",
                    where=self.where,
                    hint="was the template changed after it was loaded?",
                )
            if not frame.text.strip() and not shape.is_title:
                removed.add(frame.shape_id)
                continue
            paras[frame.shape_id] = self._paragraphs(
                part, recipe.markup, shape, frame, number, total, links
            ).encode()
        return X.assemble(recipe.tokens, removed, paras, recipe.bodies)

    def _rpr(self, markup: X.Markup, shape: _Shape, key: tuple[Any, ...]) -> str:
        """Serialized ``a:rPr``/``a:endParaRPr`` for (proto, size, bold, italic, code, link,
        end), cached per shape."""
        hit = shape.cache.get(key)
        if hit is None:
            proto, size, bold, italic, code, link, end = key
            fmt = X.RunFormat(
                shape.rprs[proto] if shape.rprs else None,
                size=size,
                bold=bold,
                italic=italic,
                mono=MONO if code else None,
                link_rid=_LINK_RID if link else None,
                lang=self.lang,
            )
            hit = markup.fragment(X.build_rpr(fmt, X.A_END if end else X.A_RPR))
            shape.cache[key] = hit
        return hit

    def _ppr(self, markup: X.Markup, shape: _Shape, proto: int, level: int) -> str:
        key = ("pPr", proto, level)
        hit = shape.cache.get(key)
        if hit is None:
            ppr = shape.pprs[proto] if shape.pprs else None
            ppr = copy.deepcopy(ppr) if ppr is not None else etree.Element(X.A_PPR)
            if level:
                ppr.set("lvl", str(max(0, min(8, level))))
            # fit measures without hanging punctuation; LibreOffice would otherwise let
            # CJK 、。 hang up to 1 em past the box
            ppr.set("hangingPunct", "0")
            hit = markup.fragment(ppr)
            shape.cache[key] = hit
        return hit

    def _paragraphs(
        self,
        part: Part,
        markup: X.Markup,
        shape: _Shape,
        frame: Frame,
        number: int,
        total: int,
        links: dict[str, str],
    ) -> str:
        last = max(len(shape.pprs) - 1, 0)
        num, tot = str(number), str(total)
        if not frame.text.strip():  # an empty title keeps its place (and formatting)
            return markup.paragraph(
                self._ppr(markup, shape, 0, 0),
                [],
                self._rpr(markup, shape, (0, None, False, False, False, False, True)),
            )
        out = []
        for para in frame.paragraphs:
            proto = min(max(para.proto, 0), last)
            runs = []
            for span in para.runs:
                text = span.text
                if SLIDE_NUMBER in text or SLIDE_TOTAL in text:
                    text = text.replace(SLIDE_NUMBER, num).replace(SLIDE_TOTAL, tot)
                rid = self._link(part, span.link, links) if span.link else None
                key = (proto, para.size, span.bold, span.italic, span.code, bool(rid), False)
                rpr = self._rpr(markup, shape, key)
                if rid:
                    rpr = rpr.replace(_LINK_RID, rid)
                runs.append((text, rpr))
            end = self._rpr(markup, shape, (proto, para.size, False, False, False, False, True))
            out.append(markup.paragraph(self._ppr(markup, shape, proto, para.level), runs, end))
        return "".join(out)

    def _link(self, part: Part, url: str, links: dict[str, str]) -> str | None:
        rid = links.get(url)
        if rid is None:
            target = X.clean_text(url).strip()
            if not target.lower().startswith(LINK_SCHEMES):
                return None
            target = quote(target, safe=":/?#[]@!$&'()*+,;=%~-._")
            rid = links[url] = add_rel(part, RT_HYPERLINK, target, True)
        return rid

    def _notes_blob(
        self, notes: tuple[list[X.Token], int | None, X.Markup], text: str, number: int, total: int
    ) -> bytes:
        tokens, body_id, markup = notes
        if body_id is None:
            return X.assemble(tokens, set(), {}, {})
        text = text.replace(SLIDE_NUMBER, str(number)).replace(SLIDE_TOTAL, str(total))
        if self.notes_rpr is None:
            fmt = X.RunFormat(None, lang=self.lang)
            self.notes_rpr = (
                markup.fragment(X.build_rpr(fmt)),
                markup.fragment(X.build_rpr(fmt, X.A_END)),
            )
        rpr, end = self.notes_rpr
        paras = "".join(markup.paragraph("", [(line, rpr)], end) for line in text.split("\n"))
        return X.assemble(tokens, set(), {body_id: paras.encode()}, {})

    # ------------------------------------------------------------------ package

    def _drop_slide_references(self) -> None:
        """Remove lists that name the template's slides (custom shows, sections), and the
        thumbnail, which shows a prototype."""
        root = self.prs_part._element
        for el in root.findall(X.qn("p:custShowLst")):
            root.remove(el)
        for ext in root.findall(f"{X.qn('p:extLst')}/{X.qn('p:ext')}"):
            if ext.get("uri") == SECTION_EXT:
                ext.getparent().remove(ext)
        rels = package_rels(self.package)
        for rid in [rid for rid, rel in rels.items() if rel.reltype == RT_THUMBNAIL]:
            rels.pop(rid)

    def _required_parts(self, namer: PartNamer) -> None:
        from pptx.opc.package import Part
        from pptx.opc.packuri import PackURI

        have = {rel.reltype.rsplit("/", 1)[-1] for rel in self.prs_part.rels.values()}
        for kind, name, xml in _REQUIRED_PARTS:
            if kind not in have:
                blob = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml.encode()
                part = Part(PackURI(namer.fixed(name)), f"{_PML}{kind}+xml", self.package, blob)
                add_rel(self.prs_part, _RT + kind, part)

    def _app_properties(self, old_slides: int, new_parts: list[tuple[Any, Any]]) -> None:
        rels = package_rels(self.package)
        for rel in rels.values():
            if rel.reltype.endswith("/extended-properties") and not rel.is_external:
                part = rel.target_part
                notes = sum(1 for _, n in new_parts if n is not None)
                titles = [" ".join(s.title.split()) for s in self.deck.slides]
                width = self.prs.slide_width or 9144000
                height = self.prs.slide_height or 6858000
                screen = X.screen_format(width, height)
                part.blob = X.update_app_xml(part.blob, titles, notes, old_slides, screen)

    def _properties(self) -> None:
        props = dict(self.deck.properties)
        props.setdefault("title", self.deck.title)
        if self.deck.language:
            props.setdefault("language", self.deck.language)
        if "created" in props:
            props.setdefault("modified", props["created"])
        cp = self.prs.core_properties
        text_props = {
            "title": "title",
            "author": "author",
            "subject": "subject",
            "keywords": "keywords",
            "language": "language",
            "category": "category",
            "comments": "comments",
            "description": "comments",
            "last_modified_by": "last_modified_by",
            "content_status": "content_status",
            "identifier": "identifier",
            "version": "version",
        }
        for key, value in props.items():
            if value is None:
                continue
            if key in ("created", "modified", "last_printed"):
                when = _parse_time(str(value))
                if when is not None:
                    setattr(cp, key, when)
            elif key in text_props:
                text = " ".join(X.clean_text(str(value)).split())
                setattr(cp, text_props[key], text[:PROP_LIMIT])


def _parse_time(value: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        if re.fullmatch(r"\d+", value.strip()):
            return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).replace(tzinfo=None)
        return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when
