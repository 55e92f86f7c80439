"""Writing a `Deck` into a copy of its template: clone prototypes, fill frames, save.

Cost is linear in the number of slides: every new part gets its name from a counter
(:class:`PartNamer`), relationships to new parts are added without python-pptx's duplicate
scan, the slide list is extended without recomputing the next slide id, and everything that
is the same for all clones of a prototype (the element with relationship ids already
renumbered, the relationship recipe, the formatting of each prototype paragraph) is worked
out once per prototype.

Autofit: sizes in a Deck are already fitted, so ``a:normAutofit`` keeps its place but loses
any stale ``fontScale``/``lnSpcReduction`` the prototype carried (PowerPoint would apply them
to our text until someone edits it), and ``a:spAutoFit`` on a filled shape becomes
``a:normAutofit``: the text already fits the box, and a later edit should shrink text rather
than grow the box off the slide. ``a:noAutofit`` is left alone.

All slides of the template (prototypes and any others) are left out of the output; their
notes, comments and any parts only they used go with them.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from lxml import etree

from deckgen.errors import TemplateError
from deckgen.model import SLIDE_NUMBER, SLIDE_TOTAL, Deck, Frame, SlideSpec
from deckgen.render import _xml as X
from deckgen.render._package import (
    PartNamer,
    add_rel,
    atomic_write,
    check_output,
    open_presentation,
    package_rels,
    save_package,
)
from deckgen.render.inspect import find_layout, prototype_kind

if TYPE_CHECKING:
    from pptx.opc.package import Part, XmlPart
    from pptx.parts.slide import NotesMasterPart, NotesSlidePart
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


def write(deck: Deck, out: str | Path) -> None:
    """Write ``deck`` to ``out`` (atomically) using the template at ``deck.theme.path``."""
    check_output(out)
    prs = open_presentation(deck.theme.path)
    _Writer(prs, deck).run()
    atomic_write(out, lambda f: save_package(prs.part.package, f))


@dataclass
class _Recipe:
    """What every clone of one prototype shares."""

    kind: str
    element: Any
    rels: list[tuple[str, Any, bool, bool]]  # reltype, target, external, clone
    formats: dict[int, list[tuple[Any, Any]]]  # shape id → per paragraph (pPr, rPr)
    titles: set[int]


class _Writer:
    def __init__(self, prs: Presentation, deck: Deck):
        self.prs, self.deck, self.theme = prs, deck, deck.theme
        self.prs_part = prs.part
        self.package = self.prs_part.package
        self.where = self.theme.path
        self.lang = deck.language or None
        self.recipes: dict[str, _Recipe] = {}
        self.clone_cache: dict[int, Part] = {}

    # ------------------------------------------------------------------ setup

    def _prototype_parts(self) -> dict[str, XmlPart]:
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: F401 - warm import

        sld_ids = list(self.prs_part._element.get_or_add_sldIdLst())
        parts: dict[str, XmlPart] = {}
        needed = {s.kind for s in self.deck.slides}
        for kind in sorted(needed):
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
                part = self.prs.slides.add_slide(layout).part
            parts[kind] = part  # type: ignore[assignment]
        return parts

    def _recipe(self, kind: str, part: XmlPart) -> _Recipe:
        element = copy.deepcopy(part._element)
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
        formats: dict[int, list[tuple[Any, Any]]] = {}
        titles: set[int] = set()
        for sp in X.iter_sp(element):
            sid = X.sp_id(sp)
            tx = sp.find(X.P_TXBODY)
            if sid is None or tx is None:
                continue
            formats[sid] = [(p.find(X.A_PPR), X.run_props(p)) for p in tx.findall(X.A_P)]
            if X.is_title_sp(sp):
                titles.add(sid)
        return _Recipe(kind, element, rels, formats, titles)

    def _notes_element(self) -> Any:
        from pptx.oxml.slide import CT_NotesSlide
        from pptx.slide import NotesSlide

        master = self.prs_part.notes_master
        el = CT_NotesSlide.new()
        NotesSlide(el, None).clone_master_placeholders(master)  # type: ignore[arg-type]
        return el

    # ------------------------------------------------------------------ run

    def run(self) -> None:
        from pptx.opc.packuri import PackURI
        from pptx.parts.slide import NotesSlidePart, SlidePart

        sld_lst = self.prs_part._element.get_or_add_sldIdLst()
        protos = self._prototype_parts()  # may add layout slides: before collecting old ids
        old = [(s, s.get(f"{{{X.R_NS}}}id")) for s in sld_lst]
        for kind, part in protos.items():
            self.recipes[kind] = self._recipe(kind, part)
        namer = PartNamer(self.package)
        next_id = max([255] + [int(s.get("id", "0")) for s, _ in old]) + 1
        notes_el: Any = None
        notes_master: NotesMasterPart | None = None
        total = len(self.deck.slides)
        new_parts: list[tuple[Part, NotesSlidePart | None]] = []
        for number, spec in enumerate(self.deck.slides, start=1):
            recipe = self.recipes[spec.kind]
            el = copy.deepcopy(recipe.element)
            part = SlidePart(
                PackURI(namer.new("/ppt/slides/slide%d.xml")), CT_SLIDE, self.package, el
            )
            for rt, target, external, clone in recipe.rels:
                if clone:
                    target = self._clone(target, namer)
                add_rel(part, rt, target, external)
            self._fill(part, el, recipe, spec, number, total)
            notes_part = None
            if spec.notes.strip():
                if notes_el is None:
                    notes_el = self._notes_element()
                    notes_master = self.prs_part.notes_master_part
                nel = copy.deepcopy(notes_el)
                self._fill_notes(nel, spec.notes, number, total)
                notes_part = NotesSlidePart(
                    PackURI(namer.new("/ppt/notesSlides/notesSlide%d.xml")),
                    CT_NOTES,
                    self.package,
                    nel,
                )
                assert notes_master is not None
                add_rel(notes_part, RT_NOTES_MASTER, notes_master)
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

    def _fill(
        self, part: Part, el: Any, recipe: _Recipe, spec: SlideSpec, number: int, total: int
    ) -> None:
        if not spec.frames:
            return
        shapes = {X.sp_id(sp): sp for sp in X.iter_sp(el)}
        for frame in spec.frames:
            sp = shapes.get(frame.shape_id)
            if sp is None or sp.find(X.P_TXBODY) is None:
                raise TemplateError(
                    f"slide {number} ({spec.kind}): the prototype has no text shape with id "
                    f"{frame.shape_id}",
                    where=self.where,
                    hint="was the template changed after it was loaded?",
                )
            self._fill_shape(part, sp, recipe, frame, number, total)

    def _fill_shape(
        self, part: Part, sp: Any, recipe: _Recipe, frame: Frame, number: int, total: int
    ) -> None:
        formats = recipe.formats.get(frame.shape_id) or [(None, None)]
        is_title = frame.shape_id in recipe.titles
        txBody = sp.find(X.P_TXBODY)
        if not frame.text.strip():
            if not is_title:
                sp.getparent().remove(sp)
                return
            ppr, rpr = formats[0]
            X.replace_paragraphs(
                txBody, [X.build_paragraph(ppr, [], X.RunFormat(rpr, lang=self.lang))]
            )
            return
        paragraphs = []
        num, tot = str(number), str(total)
        for para in frame.paragraphs:
            ppr, rpr = formats[min(max(para.proto, 0), len(formats) - 1)]
            runs = []
            for span in para.runs:
                text = span.text.replace(SLIDE_NUMBER, num).replace(SLIDE_TOTAL, tot)
                rid = self._link(part, span.link) if span.link else None
                runs.append(
                    (
                        text,
                        X.RunFormat(
                            rpr,
                            size=para.size,
                            bold=span.bold,
                            italic=span.italic,
                            mono=MONO if span.code else None,
                            link_rid=rid,
                            lang=self.lang,
                        ),
                    )
                )
            end = X.RunFormat(rpr, size=para.size, lang=self.lang)
            paragraphs.append(X.build_paragraph(ppr, runs, end, para.level))
        X.replace_paragraphs(txBody, paragraphs)
        _settle_autofit(txBody)

    def _link(self, part: Part, url: str) -> str | None:
        url = X.clean_text(url).strip()
        if not url.lower().startswith(LINK_SCHEMES):
            return None
        url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
        return part.relate_to(url, RT_HYPERLINK, is_external=True)

    def _fill_notes(self, el: Any, notes: str, number: int, total: int) -> None:
        body = None
        for sp in X.iter_sp(el):
            ph = X.ph_of(sp)
            if ph is not None and X.ph_type(ph) == "body":
                body = sp
                break
        if body is None or body.find(X.P_TXBODY) is None:
            return
        text = notes.replace(SLIDE_NUMBER, str(number)).replace(SLIDE_TOTAL, str(total))
        fmt = X.RunFormat(None, lang=self.lang)
        X.replace_paragraphs(
            body.find(X.P_TXBODY),
            [X.build_paragraph(None, [(line, fmt)], fmt) for line in text.split("\n")],
        )

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


def _settle_autofit(txBody: Any) -> None:
    body_pr = txBody.find(X.qn("a:bodyPr"))
    if body_pr is None:
        return
    norm = body_pr.find(X.qn("a:normAutofit"))
    if norm is not None:
        norm.attrib.pop("fontScale", None)
        norm.attrib.pop("lnSpcReduction", None)
    sp_auto = body_pr.find(X.qn("a:spAutoFit"))
    if sp_auto is not None:
        new = etree.Element(X.qn("a:normAutofit"))
        sp_auto.addprevious(new)
        body_pr.remove(sp_auto)
