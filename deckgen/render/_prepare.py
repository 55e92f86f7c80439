"""Reading a template into what decks are written from (:class:`~deckgen.render.recipe.Base`),
with python-pptx and lxml, from the presentation the theme was read from and the slides it
was read from (``reader.read``): the two agree on shape ids because they are the same
slides. Runs the first time a template is used; later processes load the result from
deckgen's on-disk cache, so writing a deck imports neither library.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from lxml import etree

from deckgen.model import ShapeProto, Theme
from deckgen.render import _markup as M
from deckgen.render import _xml as X
from deckgen.render._package import (
    PartNamer,
    add_rel,
    package_rels,
    rel_lines,
    rel_xml,
    relative_ref,
    rels_name,
    rels_xml,
)
from deckgen.render._zip import Entry, entry
from deckgen.render.recipe import LINK_RID, MONO, RT, SLIDES_DIR, Base, Clone, Notes, Recipe, Shape

if TYPE_CHECKING:
    from pptx.opc.package import Part, XmlPart
    from pptx.parts.coreprops import CorePropertiesPart
    from pptx.presentation import Presentation

RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
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
_SLIDE_LIST = b"<?deckgen slides?>"  # where presentation.xml's slide list goes
_ID, _RID = "4242424242", "rIdDeckgenSlide"  # placeholders in the serialized p:sldId


class Preparer:
    """Reads a template with python-pptx into a :class:`Base`.

    ``prs`` is the presentation the theme was read from, ``parts`` the slide of each kind
    the theme's prototype was read from (for a corporate template, the slide made from the
    layout), ``template_slides`` the number of slides the file itself has, and ``errors``
    the kinds that cannot be written (raised when a deck uses them).
    """

    def __init__(
        self,
        prs: Presentation,
        theme: Theme,
        parts: dict[str, XmlPart],
        template_slides: int,
        errors: dict[str, BaseException] | None = None,
    ):
        self.prs, self.theme = prs, theme
        self.prs_part = prs.part
        self.package = self.prs_part.package
        self.where = theme.path
        self.parts = parts
        self.template_slides = template_slides
        self.errors = dict(errors or {})
        self.shared: list[Part] = []  # parts new slides use that the template may not keep

    def _prototype_part(self, kind: str) -> XmlPart:
        part = self.parts[kind]
        proto = self.theme.prototypes[kind]
        if proto.slide_index is None:
            # placeholders we do not fill would show "Click to add text" in PowerPoint
            used = {s.shape_id for s in proto.shapes}
            for sp in list(X.iter_sp(part.slide.shapes._spTree)):  # type: ignore[attr-defined]
                if X.sp_id(sp) not in used:
                    sp.getparent().remove(sp)
        return part

    def run(self, with_notes: bool) -> Base:
        prs_part = self.prs_part
        sld_lst = prs_part._element.get_or_add_sldIdLst()
        template_slides = self.template_slides
        parts: dict[str, XmlPart] = {}
        errors = self.errors
        for kind in sorted(self.theme.prototypes):
            if kind in errors:
                continue
            try:  # a prototype that is broken only matters to decks that use it
                parts[kind] = self._prototype_part(kind)
            except Exception as e:
                errors[kind] = e
        old = [(s, s.get(f"{{{X.R_NS}}}id")) for s in sld_lst]  # layout slides included
        recipes = {kind: self._recipe(kind, part) for kind, part in parts.items()}
        # every slide of the template is dropped, so a deck's slides are numbered from the
        # first id there is (256): adding a prototype to a theme shifts no deck's ids
        next_id = 256
        notes = notes_master = None
        master_made = False
        if with_notes:
            master_made = not any(r.reltype == RT + "notesMaster" for r in prs_part.rels.values())
            notes = self._notes_recipe()
            master_part = prs_part.notes_master_part  # made if the template has none
            notes_master = str(master_part.partname)
        # drop the template's own slides (prototypes included)
        for sld, rid in old:
            sld_lst.remove(sld)
            if rid in prs_part.rels:
                prs_part.rels.pop(rid)
        self._drop_slide_references()
        self._required_parts()
        rels = package_rels(self.package)
        had_core = any(r.reltype == RT_CORE for r in rels.values())
        core_part: CorePropertiesPart = self.prs.core_properties  # made if missing
        app_part = next(
            (
                r.target_part
                for r in rels.values()
                if r.reltype.endswith("/extended-properties") and not r.is_external
            ),
            None,
        )
        # presentation.xml, cut where the slides go
        sld_lst.append(etree.ProcessingInstruction("deckgen", "slides"))
        head, tail = prs_part.blob.split(_SLIDE_LIST)
        sld = etree.Element(X.qn("p:sldId"), {"id": _ID, f"{{{X.R_NS}}}id": _RID})
        markup = X.Markup(prs_part._element.nsmap).fragment(sld)
        a, rest = markup.split(_ID)
        b, c = rest.split(_RID)
        prs_rels = rel_lines(prs_part.rels)
        next_rid = 1 + max(
            [0] + [int(r[3:]) for r in prs_part.rels if r.startswith("rId") and r[3:].isdigit()]
        )
        # every part the deck keeps: what the template still reaches, and what slides use
        kept = list(self.package.iter_parts())
        seen = set(kept)
        stack = list(self.shared)
        while stack:
            part = stack.pop()
            if part in seen:
                continue
            seen.add(part)
            kept.append(part)
            stack.extend(r.target_part for r in part.rels.values() if not r.is_external)
        prs_name = str(prs_part.partname)
        made = {prs_name, str(core_part.partname)}
        if app_part is not None:
            made.add(str(app_part.partname))
        members: list[Entry | str] = [entry("_rels/.rels", rels_xml(rel_lines(rels)))]
        for part in kept:
            name = str(part.partname)
            if name in made:
                members.append(name)
            else:
                members.append(entry(name[1:], part.blob))
            if len(part.rels) and part is not prs_part:
                members.append(entry(rels_name(name), rels_xml(rel_lines(part.rels))))
        width = self.prs.slide_width or 9144000
        height = self.prs.slide_height or 6858000
        app = None
        if app_part is not None:
            screen = X.screen_format(width, height)
            app = (str(app_part.partname), X.app_xml(app_part.blob, template_slides, screen))
        return Base(
            where=self.where,
            recipes=recipes,
            errors=errors,
            members=members,
            content_types=[(str(p.partname), p.content_type) for p in kept],
            namer=PartNamer(str(p.partname) for p in kept),
            prs_name=prs_name,
            prs_tokens=(head, tail),
            sld_id=(a, b, c),
            prs_rels=prs_rels,
            next_rid=next_rid,
            next_id=next_id,
            notes=notes,
            notes_master=notes_master,
            app=app,
            core=(
                str(core_part.partname),
                core_part.content_type,
                X.core_xml(core_part.blob),
                not had_core,
            ),
            known_types=_known_types(),
            notes_master_made=master_made,
        )

    def _recipe(self, kind: str, part: XmlPart) -> Recipe:
        element = copy.deepcopy(part._element)
        # relationships: keep what the slide shows, renumbered in the order clones add them
        mapping: dict[str, str | None] = {}
        seen: dict[tuple[Any, ...], str] = {}
        rels: list[tuple[str, str | Clone, bool]] = []
        for rid, rel in part.rels.items():
            rt = rel.reltype
            if rt.endswith(_DROPPED):
                mapping[rid] = None
                continue
            clone = (not rel.is_external) and rt.endswith(_CLONED)
            if rel.is_external:
                key: tuple[Any, ...] = (rt, rel.target_ref, True)
                target: str | Clone = rel.target_ref
            elif clone:
                key = ("clone", rid)
                target = self._clone(rel.target_part)
            else:
                key = (rt, id(rel.target_part), False)
                self.shared.append(rel.target_part)
                target = relative_ref(str(rel.target_part.partname), SLIDES_DIR)
            if key not in seen:
                seen[key] = f"rId{len(rels) + 1}"
                rels.append((rt, target, rel.is_external))
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
        shapes: dict[int, Shape] = {}
        bodies: dict[int, bytes] = {}
        proto = self.theme.prototypes.get(kind)
        read = {s.shape_id: s for s in proto.shapes} if proto is not None else {}
        for sp in list(X.iter_sp(element)):
            sid = X.sp_id(sp)
            tx = sp.find(X.P_TXBODY)
            if sid is None or tx is None or sid in shapes:
                continue
            shapes[sid], bodies[sid] = _text_shape(markup, tx, X.is_title_sp(sp), read.get(sid))
            X.mark_shape(sp, sid)
        for cid, _, _, tc, _ in list(X.iter_cells(element)):
            tx = X.text_body(tc)
            if cid not in read or tx is None or cid in shapes:
                continue  # a cell without tags is copied as it is
            # a cell is never removed: one whose tags render nothing is left empty
            shapes[cid], bodies[cid] = _text_shape(markup, tx, True, read[cid])
            X.mark_shape(tc, cid, removable=False)
        marked = set(shapes)
        for sp in list(X.iter_sp(element)):  # an area without a text body (a picture
            sid = X.sp_id(sp)  # placeholder): marked too, to be replaced
            if sid in read and sid not in marked:
                X.mark_shape(sp, sid)
                marked.add(sid)
        decorations = _decorations(element, read, marked)
        xfrms = _mark_xfrms(element, markup, marked, read)
        blob = etree.tostring(element, encoding="UTF-8", standalone=True)
        static = None
        if not any(isinstance(t, Clone) for _, t, _ in rels):
            static = [
                rel_xml(f"rId{i}", rt, t, ext)  # type: ignore[arg-type]
                for i, (rt, t, ext) in enumerate(rels, start=1)
            ]
        ids = [X.frame_id(el) for el in element.iter(*_DRAWN)]
        next_id = max([0] + [i for i in ids if i is not None]) + 1
        return Recipe(
            kind,
            X.segments(blob),
            rels,
            static,
            shapes,
            bodies,
            markup,
            decorations,
            next_id,
            xfrms,
        )

    def _clone(self, part: Part, depth: int = 0) -> Clone:
        """How to copy ``part`` (and the parts it owns, e.g. a chart's workbook)."""
        mapping: dict[str, str] = {}
        rels: list[tuple[str, str | Clone, bool]] = []
        for rid, rel in part.rels.items():
            if rel.is_external:
                target: str | Clone = rel.target_ref
            elif depth < 3 and not rel.reltype.endswith(("/image", "/slideLayout", "/media")):
                target = self._clone(rel.target_part, depth + 1)
            else:
                self.shared.append(rel.target_part)
                target = str(rel.target_part.partname)
            rels.append((rel.reltype, target, rel.is_external))
            mapping[rid] = f"rId{len(rels)}"
        blob = part.blob
        element = getattr(part, "_element", None)
        if element is not None and any(k != v for k, v in mapping.items()):
            element = copy.deepcopy(element)
            for el, attr, rid in list(X.rel_ids(element)):
                if rid in mapping:
                    el.set(attr, mapping[rid])
            blob = etree.tostring(element, encoding="UTF-8", standalone=True)
        return Clone(str(part.partname), part.content_type, blob, rels)

    def _notes_recipe(self) -> Notes:
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
        markup = X.Markup(el.nsmap)
        props = (X.rpr_skeleton(markup, None), X.rpr_skeleton(markup, None, end=True))
        return X.segments(blob), body_id, markup, props

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

    def _required_parts(self) -> None:
        from pptx.opc.package import Part
        from pptx.opc.packuri import PackURI

        have = {rel.reltype.rsplit("/", 1)[-1] for rel in self.prs_part.rels.values()}
        namer = PartNamer(str(p.partname) for p in self.package.iter_parts())
        for kind, name, xml in _REQUIRED_PARTS:
            if kind not in have:
                blob = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml.encode()
                part = Part(PackURI(namer.fixed(name)), f"{_PML}{kind}+xml", self.package, blob)
                add_rel(self.prs_part, RT + kind, part)


_DRAWN = tuple(X.qn(f"p:{t}") for t in ("sp", "pic", "cxnSp", "grpSp", "graphicFrame"))


def _decorations(
    element: Any, read: dict[int, ShapeProto], marked: set[int]
) -> dict[int, tuple[int, ...]]:
    """Text shape id → the shapes that decorate it: those without text whose name is the
    text shape's name, a space and more (``Explanation Edge``, ``Code Panel``; the longest
    such name wins). Each is marked (so it can be removed) if it is not already."""
    texts = {
        s.name: s.shape_id
        for s in read.values()
        if s.name and not s.is_title and s.shape_id < X.CELL_IDS
    }
    if not texts:
        return {}
    out: dict[int, list[int]] = {}
    for el in list(element.iter(*_DRAWN)):
        sid, name = X.frame_id(el), X.frame_name(el)
        if sid is None or sid in read or " " not in name or _has_text(el):
            continue
        owners = [n for n in texts if name.startswith(n + " ")]
        if not owners:
            continue
        owner = texts[max(owners, key=len)]
        if sid not in marked:
            X.mark_shape(el, sid)
            marked.add(sid)
        out.setdefault(owner, []).append(sid)
    return {k: tuple(v) for k, v in out.items()}


_XFRM_OWNERS = tuple(X.qn(f"p:{t}") for t in ("sp", "pic", "cxnSp"))


def _mark_xfrms(
    element: Any, markup: X.Markup, marked: set[int], read: dict[int, ShapeProto]
) -> dict[int, tuple[str, str, tuple[int, int, int, int] | None]]:
    """Marks around the ``a:xfrm`` of each marked shape (a slide may move or resize it:
    ``SlideSpec.boxes``), or where one goes first in its ``p:spPr`` when it inherits its
    place from the layout; shape id → the element's opening and closing tags and the box
    it has (the reader's for an inherited one, None when unknown)."""
    out: dict[int, tuple[str, str, tuple[int, int, int, int] | None]] = {}
    a = next((k for k, v in markup.nsmap.items() if v == X.NS["a"]), "a")
    for el in list(element.iter(*_XFRM_OWNERS)):
        sid = X.frame_id(el)
        if sid is None or sid not in marked or sid in out:
            continue
        sp_pr = el.find(X.qn("p:spPr"))
        if sp_pr is None:
            continue
        xfrm = sp_pr.find(X.qn("a:xfrm"))
        if xfrm is not None:
            bare = copy.deepcopy(xfrm)
            for child in list(bare):
                bare.remove(child)
            bare.text = None
            text = markup.fragment(bare)
            head = text[:-2] + ">" if text.endswith("/>") else text[: text.index(">") + 1]
            box = X.xfrm_box(el)
            xfrm.addprevious(etree.ProcessingInstruction(M.PI, f"{M.XFRM} {sid}"))
            xfrm.addnext(etree.ProcessingInstruction(M.PI, f"{M.ENDXFRM} {sid}"))
        else:
            head = f"<{a}:xfrm>"
            shape = read.get(sid)
            box = shape.box if shape is not None else None
            sp_pr.insert(0, etree.ProcessingInstruction(M.PI, f"{M.ENDXFRM} {sid}"))
            sp_pr.insert(0, etree.ProcessingInstruction(M.PI, f"{M.XFRM} {sid}"))
        out[sid] = (head, f"</{a}:xfrm>", box)
    return out


def _has_text(el: Any) -> bool:
    """Whether a shape (or any shape in a group) shows text."""
    return any((t.text or "").strip() for t in el.iter(X.A_T))


def _text_shape(
    markup: X.Markup, tx: Any, keep: bool, read: ShapeProto | None
) -> tuple[Shape, bytes]:
    """A text body's recipe (per paragraph: its properties, its runs' properties, those of
    the further styles of its typed text) and its settled bodyPr + lstStyle, serialized.
    ``read``: the shape as the reader saw it (each style's size)."""
    paras = tx.findall(X.A_P) or [None]
    styles: list[list[tuple[dict[tuple[bool, bool, bool], X.Skeleton], float]]] = []
    for i, p in enumerate(paras):
        looks = read.paragraphs[i].looks if read is not None and i < len(read.paragraphs) else ()
        extra = X.run_styles(p)[0][1:] if p is not None and looks else []
        # a style larger than the tag's run is written at the fitted size: fit measures
        # the whole paragraph at it, so the text still fits
        styles.append(
            [
                (_run_skeletons(markup, el), min(1.0, looks[k][0] / (looks[0][0] or 1)))
                for k, el in enumerate(extra, start=1)
                if k < len(looks)
            ]
        )
    lists = []
    for i, p in enumerate(paras):
        ppr = p.find(X.A_PPR) if p is not None else None
        margin = read.paragraphs[i].margin if read is not None and i < len(read.paragraphs) else 0
        lists.append((margin, X.list_ppr(markup, ppr, True), X.list_ppr(markup, ppr, False)))
    shape = Shape(
        is_title=keep,
        pprs=[X.ppr_skeleton(markup, p.find(X.A_PPR) if p is not None else None) for p in paras],
        rprs=[_run_skeletons(markup, X.run_props(p) if p is not None else None) for p in paras],
        styles=styles if any(styles) else None,
        lists=lists,
    )
    head = [copy.deepcopy(c) for c in tx if c.tag != X.A_P]
    for c in head:
        if c.tag == X.qn("a:bodyPr"):
            X.settle_autofit(c)
    return shape, "".join(markup.fragment(c) for c in head).encode()


def _run_skeletons(markup: X.Markup, base: Any) -> dict[tuple[bool, bool, bool], X.Skeleton]:
    """Run properties from ``base`` by (code, link, paragraph end)."""
    out = {(False, False, True): X.rpr_skeleton(markup, base, end=True)}
    for code in (False, True):
        for link in (False, True):
            out[(code, link, False)] = X.rpr_skeleton(
                markup, base, mono=MONO if code else None, link_rid=LINK_RID if link else None
            )
    return out


def _known_types() -> frozenset[tuple[str, str]]:
    from pptx.opc.spec import default_content_types

    return frozenset(default_content_types)
