"""Writing a `Deck` into a copy of its template: clone prototypes, fill frames, save.

Cost is linear in the number of slides, and small per slide. Everything that does not
depend on the deck is worked out once per template file (kept while the file's size and
times stay the same, so watch mode and pipelines that build many decks in one process do
not reopen the template): the template's remaining parts, compressed; for each prototype,
the slide XML with relationship ids renumbered, serialized and cut at its text shapes
(:func:`_xml.segments`), its relationships, the serialized paragraph and run properties of
each prototype paragraph; presentation.xml cut where the slide list goes. A deck is then
assembled from bytes: python-pptx is used only to read the template the first time, and a
slide has no XML tree of its own. Part names come from counters (:class:`PartNamer`).

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
import os
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from lxml import etree

from deckgen import cache as disk_cache
from deckgen.errors import DeckgenError, TemplateError
from deckgen.model import SLIDE_NUMBER, SLIDE_TOTAL, Deck, Frame, SlideSpec, Theme
from deckgen.render import _xml as X
from deckgen.render._package import (
    PartNamer,
    add_rel,
    atomic_write,
    check_output,
    content_types_xml,
    first_line,
    open_presentation,
    package_rels,
    rel_lines,
    rel_xml,
    relative_ref,
    rels_name,
    rels_xml,
    save_package,
)
from deckgen.render._zip import Deflater, Entry, entry

if TYPE_CHECKING:
    from pptx.opc.package import Part, XmlPart
    from pptx.parts.coreprops import CorePropertiesPart
    from pptx.presentation import Presentation

MONO = "Courier New"  # LibreOffice maps it to Liberation Mono, metric-compatible
LINK_SCHEMES = ("http:", "https:", "mailto:", "ftp:", "ftps:", "tel:")
PROP_LIMIT = 255

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_SLIDE = _RT + "slide"
RT_NOTES_SLIDE = _RT + "notesSlide"
RT_NOTES_MASTER = _RT + "notesMaster"
RT_HYPERLINK = _RT + "hyperlink"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
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
_SLIDES_DIR = "/ppt/slides"
_SLIDE_LIST = b"<?deckgen slides?>"  # where presentation.xml's slide list goes
_ID, _RID = "4242424242", "rIdDeckgenSlide"  # placeholders in the serialized p:sldId
_CACHE_SIZE = 4
_THREADED = 64  # slides from which compression runs on a second thread


def write(deck: Deck, out: str | Path) -> None:
    """Write ``deck`` to ``out`` (atomically) using the template at ``deck.theme.path``."""
    check_output(out)
    base = _base(deck.theme, any(s.notes.strip() for s in deck.slides))
    try:
        members = _Writer(base, deck).run()
    except DeckgenError:
        raise
    except Exception as e:  # odd XML in an untrusted template: one line, not a traceback
        raise TemplateError(f"cannot use template: {first_line(e)}", where=deck.theme.path) from e
    atomic_write(out, lambda f: save_package(members, f))


# --------------------------------------------------------------------------- per template


@dataclass
class _Shape:
    """One text shape of a prototype: its paragraphs' formatting as serialized fragments."""

    is_title: bool
    pprs: list[Any]
    rprs: list[Any]
    cache: dict[tuple[Any, ...], str] = field(default_factory=dict)

    # pickled for the on-disk cache (deckgen.cache): lxml elements as standalone XML (a deep
    # copy declares just the namespaces it uses, as the deep copies made per deck do)
    def __getstate__(self) -> dict[str, Any]:
        return {
            "is_title": self.is_title,
            "pprs": [_element_bytes(e) for e in self.pprs],
            "rprs": [_element_bytes(e) for e in self.rprs],
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.is_title = state["is_title"]
        self.pprs = [_element(b) for b in state["pprs"]]
        self.rprs = [_element(b) for b in state["rprs"]]
        self.cache = {}


def _element_bytes(el: Any) -> bytes | None:
    return None if el is None else etree.tostring(copy.deepcopy(el))


def _element(blob: bytes | None) -> Any:
    return None if blob is None else etree.fromstring(blob, X.SAFE_PARSER)


@dataclass
class _Clone:
    """A part each slide gets its own copy of (e.g. a chart), and the parts it owns."""

    name: str  # the template's part name; copies are named like it
    content_type: str
    blob: bytes  # relationship ids renumbered for ``rels``
    rels: list[tuple[str, str | _Clone, bool]]  # reltype, part name/URL/clone, external


@dataclass
class _Recipe:
    """What every clone of one prototype shares."""

    kind: str
    tokens: list[X.Token]
    rels: list[tuple[str, str | _Clone, bool]]  # reltype, ref from a slide/clone, external
    static_rels: list[str] | None  # the rels as XML when none is a clone
    shapes: dict[int, _Shape]
    bodies: dict[int, bytes]  # settled bodyPr + lstStyle per shape
    markup: X.Markup


@dataclass
class _Base:
    """Everything about one template file that does not depend on the deck."""

    where: str
    recipes: dict[str, _Recipe]
    errors: dict[str, BaseException]  # prototypes that cannot be used, raised when asked for
    members: list[Entry | str]  # compressed parts in order; names of the three made per deck
    content_types: list[tuple[str, str]]
    namer: PartNamer
    prs_name: str
    prs_tokens: tuple[bytes, bytes]  # presentation.xml before and after the slide list
    sld_id: tuple[str, str, str]  # p:sldId markup around its id and r:id
    prs_rels: list[str]
    next_rid: int
    next_id: int
    notes: tuple[list[X.Token], int | None, X.Markup] | None
    notes_master: str | None
    app: tuple[str, bytes] | None  # app.xml's name and blob
    core: tuple[str, str, bytes, bool]  # core.xml's name, content type, blob, made by us
    known_types: frozenset[tuple[str, str]]  # (extension, type) pairs with a Default
    template_slides: int
    screen: str


_cache: OrderedDict[tuple[Any, ...], _Base] = OrderedDict()


def _base(theme: Theme, notes: bool) -> _Base:
    """The template's deck-independent part, from the cache when the file is unchanged."""
    try:
        st = os.stat(theme.path)
    except OSError:
        return _prepare(theme, notes)  # raises the right TemplateError
    protos = tuple(
        (k, p.slide_index, p.layout_name, tuple(s.shape_id for s in p.shapes))
        for k, p in sorted(theme.prototypes.items())
    )
    stamp = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    key = (os.path.abspath(theme.path), stamp, protos, notes)
    hit = _cache.get(key)
    if hit is None:
        # another process read this template before: its recipe, without python-pptx
        stored = disk_cache.load("writer", key)
        if isinstance(stored, _Base) and stored.where == theme.path:
            hit = stored
        else:
            hit = _prepare(theme, notes)
            if not hit.errors:  # exceptions do not all survive pickling; rare anyway
                disk_cache.store("writer", key, hit)
        _cache[key] = hit
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return hit


def _prepare(theme: Theme, notes: bool) -> _Base:
    prs = open_presentation(theme.path)
    try:
        return _Preparer(prs, theme).run(notes)
    except DeckgenError:
        raise
    except Exception as e:  # odd XML in an untrusted template: one line, not a traceback
        raise TemplateError(f"cannot use template: {first_line(e)}", where=theme.path) from e


class _Preparer:
    """Reads a template with python-pptx into a :class:`_Base`."""

    def __init__(self, prs: Presentation, theme: Theme):
        self.prs, self.theme = prs, theme
        self.prs_part = prs.part
        self.package = self.prs_part.package
        self.where = theme.path
        self.shared: list[Part] = []  # parts new slides use that the template may not keep

    def _prototype_part(self, kind: str, sld_ids: list[Any]) -> XmlPart:
        from deckgen.render import inspect  # not needed when the recipe comes from the cache

        proto = self.theme.prototypes[kind]
        if proto.slide_index is not None:
            if proto.slide_index >= len(sld_ids):
                raise TemplateError(
                    "template changed since it was loaded (prototype slide missing)",
                    where=self.where,
                )
            rid = sld_ids[proto.slide_index].get(f"{{{X.R_NS}}}id")
            part = self.prs_part.related_part(rid)
            if inspect.prototype_kind(part.slide) != kind:  # type: ignore[attr-defined]
                raise TemplateError(
                    f"template changed since it was loaded (slide {proto.slide_index + 1} "
                    f"is no longer the {kind} prototype)",
                    where=self.where,
                )
            return part  # type: ignore[return-value]
        layout, _ = inspect.find_layout(self.prs, kind)
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
        return slide.part  # type: ignore[return-value]

    def run(self, with_notes: bool) -> _Base:

        prs_part = self.prs_part
        sld_lst = prs_part._element.get_or_add_sldIdLst()
        template_slides = len(sld_lst)
        sld_ids = list(sld_lst)
        parts: dict[str, XmlPart] = {}
        errors: dict[str, BaseException] = {}
        for kind in sorted(self.theme.prototypes):
            try:  # a prototype that is broken only matters to decks that use it
                parts[kind] = self._prototype_part(kind, sld_ids)
            except Exception as e:
                errors[kind] = e
        old = [(s, s.get(f"{{{X.R_NS}}}id")) for s in sld_lst]  # layout slides included
        recipes = {kind: self._recipe(kind, part) for kind, part in parts.items()}
        next_id = max([255] + [int(s.get("id", "0")) for s, _ in old]) + 1
        notes = notes_master = None
        if with_notes:
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
        return _Base(
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
            app=(str(app_part.partname), app_part.blob) if app_part is not None else None,
            core=(str(core_part.partname), core_part.content_type, core_part.blob, not had_core),
            known_types=_known_types(),
            template_slides=template_slides,
            screen=X.screen_format(width, height),
        )

    def _recipe(self, kind: str, part: XmlPart) -> _Recipe:
        element = copy.deepcopy(part._element)
        # relationships: keep what the slide shows, renumbered in the order clones add them
        mapping: dict[str, str | None] = {}
        seen: dict[tuple[Any, ...], str] = {}
        rels: list[tuple[str, str | _Clone, bool]] = []
        for rid, rel in part.rels.items():
            rt = rel.reltype
            if rt.endswith(_DROPPED):
                mapping[rid] = None
                continue
            clone = (not rel.is_external) and rt.endswith(_CLONED)
            if rel.is_external:
                key: tuple[Any, ...] = (rt, rel.target_ref, True)
                target: str | _Clone = rel.target_ref
            elif clone:
                key = ("clone", rid)
                target = self._clone(rel.target_part)
            else:
                key = (rt, id(rel.target_part), False)
                self.shared.append(rel.target_part)
                target = relative_ref(str(rel.target_part.partname), _SLIDES_DIR)
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
        static = None
        if not any(isinstance(t, _Clone) for _, t, _ in rels):
            static = [
                rel_xml(f"rId{i}", rt, t, ext)  # type: ignore[arg-type]
                for i, (rt, t, ext) in enumerate(rels, start=1)
            ]
        return _Recipe(kind, X.segments(blob), rels, static, shapes, bodies, markup)

    def _clone(self, part: Part, depth: int = 0) -> _Clone:
        """How to copy ``part`` (and the parts it owns, e.g. a chart's workbook)."""
        mapping: dict[str, str] = {}
        rels: list[tuple[str, str | _Clone, bool]] = []
        for rid, rel in part.rels.items():
            if rel.is_external:
                target: str | _Clone = rel.target_ref
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
        return _Clone(str(part.partname), part.content_type, blob, rels)

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
                add_rel(self.prs_part, _RT + kind, part)


# --------------------------------------------------------------------------- per deck


class _Writer:
    def __init__(self, base: _Base, deck: Deck):
        self.base, self.deck = base, deck
        self.where = base.where
        self.lang = deck.language or None
        self.notes_rpr: tuple[str, str] | None = None

    def _recipes(self) -> dict[str, _Recipe]:
        for kind in sorted({s.kind for s in self.deck.slides}):
            if kind not in self.deck.theme.prototypes:
                raise TemplateError(
                    f"template has no prototype for {kind!r} slides", where=self.where
                )
            error = self.base.errors.get(kind)
            if isinstance(error, DeckgenError):
                raise error
            if error is not None:
                raise TemplateError(
                    f"cannot use template: {first_line(error)}", where=self.where
                ) from error
        return self.base.recipes

    def run(self) -> list[Entry]:
        base = self.base
        recipes = self._recipes()
        namer = base.namer.copy()
        total = len(self.deck.slides)
        new = Deflater(threaded=total >= _THREADED)
        types: list[tuple[str, str]] = []
        slide_list: list[str] = []
        prs_rels = list(base.prs_rels)
        next_rid, next_id = base.next_rid, base.next_id
        a, b, c = base.sld_id
        prs_dir = posixpath.dirname(base.prs_name)
        notes_count = 0
        for number, spec in enumerate(self.deck.slides, start=1):
            recipe = recipes[spec.kind]
            name = namer.fixed(f"{_SLIDES_DIR}/slide{number}.xml")
            clones: list[tuple[str, bytes]] = []
            if recipe.static_rels is not None:
                rels = list(recipe.static_rels)
            else:
                rels = []
                for rt, target, external in recipe.rels:
                    if isinstance(target, _Clone):
                        ref = relative_ref(self._clone(target, namer, clones, types), _SLIDES_DIR)
                    else:
                        ref = target
                    rels.append(rel_xml(f"rId{len(rels) + 1}", rt, ref, external))
            blob = self._slide_blob(rels, recipe, spec, number, total)
            notes_members: list[tuple[str, bytes]] = []
            if spec.notes.strip() and base.notes is not None and base.notes_master:
                notes_count += 1
                notes_name = namer.fixed(f"/ppt/notesSlides/notesSlide{number}.xml")
                notes_dir = posixpath.dirname(notes_name)
                notes_rels = [
                    rel_xml("rId1", RT_NOTES_MASTER, relative_ref(base.notes_master, notes_dir)),
                    rel_xml("rId2", RT_SLIDE, relative_ref(name, notes_dir)),
                ]
                notes_blob = self._notes_blob(base.notes, spec.notes, number, total)
                notes_members = [
                    (notes_name[1:], notes_blob),
                    (rels_name(notes_name), rels_xml(notes_rels)),
                ]
                types.append((notes_name, CT_NOTES))
                ref = relative_ref(notes_name, _SLIDES_DIR)
                rels.append(rel_xml(f"rId{len(rels) + 1}", RT_NOTES_SLIDE, ref))
            new.add(name[1:], blob)
            new.add(rels_name(name), rels_xml(rels))
            for member in clones + notes_members:
                new.add(*member)
            types.append((name, CT_SLIDE))
            rid = f"rId{next_rid}"
            prs_rels.append(rel_xml(rid, RT_SLIDE, relative_ref(name, prs_dir)))
            slide_list.append(f"{a}{next_id}{b}{rid}{c}")
            next_rid += 1
            next_id += 1
        made = {
            base.prs_name: base.prs_tokens[0] + "".join(slide_list).encode() + base.prs_tokens[1],
            base.core[0]: self._core_properties(),
        }
        if base.app is not None:
            titles = [" ".join(s.title.split()) for s in self.deck.slides]
            made[base.app[0]] = X.update_app_xml(
                base.app[1], titles, notes_count, base.template_slides, base.screen
            )
        ct_xml = content_types_xml(base.content_types + types, base.known_types)
        members = [entry("[Content_Types].xml", ct_xml)]
        for m in base.members:
            if isinstance(m, str):
                members.append(entry(m[1:], made[m]))
                if m == base.prs_name:
                    members.append(entry(rels_name(m), rels_xml(prs_rels)))
            else:
                members.append(m)
        return members + new.entries()

    def _clone(
        self,
        clone: _Clone,
        namer: PartNamer,
        out: list[tuple[str, bytes]],
        types: list[tuple[str, str]],
    ) -> str:
        """Name a copy of ``clone`` (and of the parts it owns) and add it to ``out``."""
        name = namer.like(clone.name)
        folder = posixpath.dirname(name)
        rels = []
        for i, (rt, target, external) in enumerate(clone.rels, start=1):
            if isinstance(target, _Clone):
                ref = relative_ref(self._clone(target, namer, out, types), folder)
            elif external:
                ref = target
            else:
                ref = relative_ref(target, folder)
            rels.append(rel_xml(f"rId{i}", rt, ref, external))
        out.append((name[1:], clone.blob))
        if rels:
            out.append((rels_name(name), rels_xml(rels)))
        types.append((name, clone.content_type))
        return name

    # ------------------------------------------------------------------ text

    def _slide_blob(
        self, rels: list[str], recipe: _Recipe, spec: SlideSpec, number: int, total: int
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
            blank = _blank(frame)
            if blank and not shape.is_title:
                removed.add(frame.shape_id)
                continue
            paras[frame.shape_id] = self._paragraphs(
                rels, recipe.markup, shape, frame, blank, number, total, links
            ).encode()
        return X.assemble(recipe.tokens, removed, paras, recipe.bodies)

    def _rpr(self, markup: X.Markup, shape: _Shape, key: tuple[Any, ...]) -> str:
        """Serialized ``a:rPr``/``a:endParaRPr`` for (proto, size, bold, italic, code, link,
        end), cached per shape."""
        hit = shape.cache.get((self.lang, key))
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
            shape.cache[(self.lang, key)] = hit
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
        rels: list[str],
        markup: X.Markup,
        shape: _Shape,
        frame: Frame,
        blank: bool,
        number: int,
        total: int,
        links: dict[str, str],
    ) -> str:
        last = max(len(shape.pprs) - 1, 0)
        num, tot = str(number), str(total)
        if blank:  # an empty title keeps its place (and formatting)
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
                rid = self._link(rels, span.link, links) if span.link else None
                key = (proto, para.size, span.bold, span.italic, span.code, bool(rid), False)
                rpr = self._rpr(markup, shape, key)
                if rid:
                    rpr = rpr.replace(_LINK_RID, rid)
                runs.append((text, rpr))
            end = self._rpr(markup, shape, (proto, para.size, False, False, False, False, True))
            out.append(markup.paragraph(self._ppr(markup, shape, proto, para.level), runs, end))
        return "".join(out)

    def _link(self, rels: list[str], url: str, links: dict[str, str]) -> str | None:
        rid = links.get(url)
        if rid is None:
            target = X.clean_text(url).strip()
            if not target.lower().startswith(LINK_SCHEMES):
                return None
            target = quote(target, safe=":/?#[]@!$&'()*+,;=%~-._")
            rid = links[url] = f"rId{len(rels) + 1}"
            rels.append(rel_xml(rid, RT_HYPERLINK, target, True))
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

    def _core_properties(self) -> bytes:
        _, _, blob, made = self.base.core
        props = dict(self.deck.properties)
        props.setdefault("title", self.deck.title)
        if self.deck.language:
            props.setdefault("language", self.deck.language)
        if "created" in props:
            props.setdefault("modified", props["created"])
        core = _CoreProperties(blob)
        if made:  # python-pptx's defaults, made when the template was read: stamp it now
            core.set_time("modified", dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
        for key, value in props.items():
            if value is None:
                continue
            if key in ("created", "modified", "last_printed"):
                when = _parse_time(str(value))
                if when is not None:
                    core.set_time(key, when)
            elif key in _CORE_TEXT:
                text = " ".join(X.clean_text(str(value)).split())
                core.set_text(key, text[:PROP_LIMIT])
        return core.blob()


_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
# deck property -> core.xml element, as python-pptx's CorePropertiesPart maps them
_CORE_TEXT = {
    "title": ("dc", "title"),
    "author": ("dc", "creator"),
    "subject": ("dc", "subject"),
    "keywords": ("cp", "keywords"),
    "language": ("dc", "language"),
    "category": ("cp", "category"),
    "comments": ("dc", "description"),
    "description": ("dc", "description"),
    "last_modified_by": ("cp", "lastModifiedBy"),
    "content_status": ("cp", "contentStatus"),
    "identifier": ("dc", "identifier"),
    "version": ("cp", "version"),
}
_CORE_TIME = {
    "created": ("dcterms", "created"),
    "modified": ("dcterms", "modified"),
    "last_printed": ("cp", "lastPrinted"),
}
_CORE_NS = {"cp": _CP, "dc": _DC, "dcterms": _DCTERMS}
_CORE_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


class _CoreProperties:
    """core.xml edited as python-pptx's ``CT_CoreProperties`` does (same bytes), in lxml
    alone, so that writing a deck from a cached template does not import python-pptx."""

    def __init__(self, blob: bytes):
        self.root = etree.fromstring(blob, _CORE_PARSER)

    def _get_or_add(self, prefix: str, tag: str) -> Any:
        clark = f"{{{_CORE_NS[prefix]}}}{tag}"
        el = self.root.find(clark)
        if el is None:
            el = etree.Element(clark, nsmap={prefix: _CORE_NS[prefix]})  # type: ignore[dict-item]
            self.root.append(el)
        return el

    def set_text(self, key: str, value: str) -> None:
        self._get_or_add(*_CORE_TEXT[key]).text = value

    def set_time(self, key: str, value: dt.datetime) -> None:
        el = self._get_or_add(*_CORE_TIME[key])
        el.text = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        if key in ("created", "modified"):
            # declare xsi on the root, not on each element (python-pptx's way)
            self.root.set(f"{{{_XSI}}}foo", "bar")
            el.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
            del self.root.attrib[f"{{{_XSI}}}foo"]

    def blob(self) -> bytes:
        return etree.tostring(self.root, encoding="UTF-8", standalone=True)


def _known_types() -> frozenset[tuple[str, str]]:
    from pptx.opc.spec import default_content_types

    return frozenset(default_content_types)


def _blank(frame: Frame) -> bool:
    """``not frame.text.strip()``, without joining the text."""
    return not any(not s.text.isspace() and s.text for p in frame.paragraphs for s in p.runs)


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
