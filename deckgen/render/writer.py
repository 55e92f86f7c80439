"""Writing a `Deck` into a copy of its template: clone prototypes, fill frames, save.

Cost is linear in the number of slides, and small per slide. Everything that does not
depend on the deck is worked out once per template file (kept while the file's size and
times stay the same, so watch mode and pipelines that build many decks in one process do
not reopen the template): the template's remaining parts, compressed; for each prototype,
the slide XML with relationship ids renumbered, serialized and cut at its text shapes
(:func:`_markup.segments`), its relationships, the serialized paragraph and run properties
of each prototype paragraph with slots for size, language, bold, italic and list level;
presentation.xml cut where the slide list goes; app.xml and core.xml with slots: a
:class:`~deckgen.render.recipe.Base`. The template reader makes it with the theme, from the
same slides (``reader.read``, python-pptx and lxml, the first time a template is used), and
``themes.load`` hands it over (:func:`keep`) with the theme, from memory or deckgen's
on-disk cache. A deck is then assembled from strings and bytes (``_markup``): no XML tree,
no lxml. Part names come from counters (:class:`PartNamer`).

Autofit: sizes in a Deck are already fitted, so a filled shape's ``a:normAutofit`` loses any
stale ``fontScale``/``lnSpcReduction`` (PowerPoint would apply them to our text until someone
edits it), and its ``a:spAutoFit`` becomes ``a:normAutofit``: the text fits the box already,
and a later edit should shrink text rather than grow the box off the slide. ``a:noAutofit``
and shapes without a frame are left alone.

Document properties (core.xml) are the deck's alone: those it sets, and none of the
template's own (author, subject, comments … describe the template's file, not the deck).

All slides of the template (prototypes and any others) are left out of the output; their
notes, comments, and any parts only they used go with them. Hyperlinks are written only for
``http``, ``https``, ``mailto``, ``ftp``, ``ftps`` and ``tel`` targets; other links
(``javascript:``, ``file:``, relative) keep their text without a link.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from deckgen import cache as disk_cache
from deckgen.errors import DeckgenError, TemplateError
from deckgen.markers import slide_numbers
from deckgen.model import Deck, Frame, SlideSpec, Theme
from deckgen.output import check_output
from deckgen.render import _markup as M
from deckgen.render._package import (
    PartNamer,
    atomic_write,
    content_types_xml,
    first_line,
    rel_xml,
    relative_ref,
    rels_name,
    rels_xml,
    save_package,
)
from deckgen.render._zip import Deflater, Entry, entry
from deckgen.render.recipe import LINK_RID, RT, SLIDES_DIR, Base, Clone, Notes, Recipe, Shape

LINK_SCHEMES = ("http:", "https:", "mailto:", "ftp:", "ftps:", "tel:")
PROP_LIMIT = 255

RT_SLIDE = RT + "slide"
RT_NOTES_SLIDE = RT + "notesSlide"
RT_NOTES_MASTER = RT + "notesMaster"
RT_HYPERLINK = RT + "hyperlink"
CT_SLIDE = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
CT_NOTES = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
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
        raise TemplateError(f"cannot use template: {first_line(e)}", path=deck.theme.path) from e
    atomic_write(out, lambda f: save_package(members, f))


# --------------------------------------------------------------------------- per template


_cache: OrderedDict[tuple[Any, ...], Base] = OrderedDict()


def _key(theme: Theme, notes: bool) -> tuple[Any, ...] | None:
    """What names a base in memory: the template file as it is now, the theme's prototypes
    and whether the deck has notes; None when the file is gone."""
    stamp = disk_cache.file_stamp(theme.path)
    if stamp is None:
        return None
    protos = tuple(
        (k, p.slide_index, p.layout_name, tuple(s.shape_id for s in p.shapes))
        for k, p in sorted(theme.prototypes.items())
    )
    return (os.path.abspath(theme.path), stamp, protos, notes)


def _remember(key: tuple[Any, ...], base: Base) -> None:
    _cache[key] = base
    _cache.move_to_end(key)
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)


def keep(theme: Theme, base: Base) -> None:
    """Write decks of ``theme`` from ``base``, read with it from the same template
    (``reader.read``): the template is not read again."""
    if base.where != theme.path:
        return
    for notes in (True, False):
        if base.serves(notes):
            key = _key(theme, notes)
            if key is not None:
                _remember(key, base)


def _base(theme: Theme, notes: bool) -> Base:
    """The template's deck-independent part: the one kept with the theme (:func:`keep`),
    else read again (a theme from ``render.load_theme``, or a deck without notes from a
    template that has no notes master), from the on-disk cache when the file is unchanged."""
    key = _key(theme, notes)
    if key is None:
        return _prepare(theme, notes)  # raises the right TemplateError
    hit = _cache.get(key)
    if hit is None:
        stored = disk_cache.load("writer", key)
        if isinstance(stored, Base) and stored.where == theme.path:
            hit = stored
        else:
            hit = _prepare(theme, notes)
            if not hit.errors:  # exceptions do not all survive pickling; rare anyway
                disk_cache.store("writer", key, hit)
    _remember(key, hit)
    return hit


def _prepare(theme: Theme, notes: bool) -> Base:
    from deckgen.render.reader import base_for  # lxml and python-pptx: only from here

    return base_for(theme, notes)


# --------------------------------------------------------------------------- per deck


class _Writer:
    def __init__(self, base: Base, deck: Deck):
        self.base, self.deck = base, deck
        self.where = base.where
        self.lang = deck.language or None
        self.notes_rpr: tuple[str, str] | None = None

    def _recipes(self) -> dict[str, Recipe]:
        for kind in sorted({s.kind for s in self.deck.slides}):
            if kind not in self.deck.theme.prototypes:
                raise TemplateError(
                    f"template has no prototype for {kind!r} slides", path=self.where
                )
            error = self.base.errors.get(kind)
            if isinstance(error, DeckgenError):
                raise error
            if error is not None:
                raise TemplateError(
                    f"cannot use template: {first_line(error)}", path=self.where
                ) from error
            if kind not in self.base.recipes:
                raise TemplateError(
                    f"template changed since it was loaded (no {kind} prototype)",
                    path=self.where,
                )
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
            name = namer.fixed(f"{SLIDES_DIR}/slide{number}.xml")
            clones: list[tuple[str, bytes]] = []
            if recipe.static_rels is not None:
                rels = list(recipe.static_rels)
            else:
                rels = []
                for rt, target, external in recipe.rels:
                    if isinstance(target, Clone):
                        ref = relative_ref(self._clone(target, namer, clones, types), SLIDES_DIR)
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
                ref = relative_ref(notes_name, SLIDES_DIR)
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
            made[base.app[0]] = base.app[1].fill(titles, notes_count)
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
        clone: Clone,
        namer: PartNamer,
        out: list[tuple[str, bytes]],
        types: list[tuple[str, str]],
    ) -> str:
        """Name a copy of ``clone`` (and of the parts it owns) and add it to ``out``."""
        name = namer.like(clone.name)
        folder = posixpath.dirname(name)
        rels = []
        for i, (rt, target, external) in enumerate(clone.rels, start=1):
            if isinstance(target, Clone):
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
        self, rels: list[str], recipe: Recipe, spec: SlideSpec, number: int, total: int
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
                    path=self.where,
                    hint="was the template changed after it was loaded?",
                )
            blank = _blank(frame)
            if blank and not shape.is_title:
                removed.add(frame.shape_id)
                continue
            paras[frame.shape_id] = self._paragraphs(
                rels, recipe.markup, shape, frame, blank, number, total, links
            ).encode()
        return M.assemble(recipe.tokens, removed, paras, recipe.bodies)

    def _rpr(self, shape: Shape, key: tuple[Any, ...]) -> str:
        """Serialized ``a:rPr``/``a:endParaRPr`` for (proto, size, bold, italic, code, link,
        end, style), cached per shape; a style other than 0 is a run the designer formatted
        apart (``Span.style``), its size kept relative to the paragraph's."""
        hit = shape.cache.get((self.lang, key))
        if hit is None:
            proto, size, bold, italic, code, link, end, style = key
            rprs = shape.rprs[proto]
            if style and proto < len(shape.styles) and style <= len(shape.styles[proto]):
                rprs, ratio = shape.styles[proto][style - 1]
                size = None if size is None else size * ratio
            hit = rprs[(code, link, end)].fill(
                lang=self.lang,
                sz=None if size is None else str(max(100, min(400000, round(size * 100)))),
                b="1" if bold else None,
                i="1" if italic else None,
            )
            shape.cache[(self.lang, key)] = hit
        return hit

    def _ppr(self, shape: Shape, proto: int, level: int) -> str:
        key = ("pPr", proto, level)
        hit = shape.cache.get(key)
        if hit is None:
            lvl = str(max(0, min(8, level))) if level else None
            hit = shape.cache[key] = shape.pprs[proto].fill(lvl=lvl)
        return hit

    def _paragraphs(
        self,
        rels: list[str],
        markup: M.Markup,
        shape: Shape,
        frame: Frame,
        blank: bool,
        number: int,
        total: int,
        links: dict[str, str],
    ) -> str:
        last = len(shape.pprs) - 1
        if blank:  # an empty title keeps its place (and formatting)
            return markup.paragraph(
                self._ppr(shape, 0, 0),
                [],
                self._rpr(shape, (0, None, False, False, False, False, True, 0)),
            )
        out = []
        for para in frame.paragraphs:
            proto = min(max(para.proto, 0), last)
            runs = []
            for span in para.runs:
                text = slide_numbers(span.text, number, total)
                rid = self._link(rels, span.link, links) if span.link else None
                key = (
                    proto, para.size, span.bold, span.italic, span.code, bool(rid), False,
                    span.style,
                )  # fmt: skip
                rpr = self._rpr(shape, key)
                if rid:
                    rpr = rpr.replace(LINK_RID, rid)
                runs.append((text, rpr))
            end = self._rpr(shape, (proto, para.size, False, False, False, False, True, 0))
            out.append(markup.paragraph(self._ppr(shape, proto, para.level), runs, end))
        return "".join(out)

    def _link(self, rels: list[str], url: str, links: dict[str, str]) -> str | None:
        rid = links.get(url)
        if rid is None:
            target = M.clean_text(url).strip()
            if not target.lower().startswith(LINK_SCHEMES):
                return None
            target = quote(target, safe=":/?#[]@!$&'()*+,;=%~-._")
            rid = links[url] = f"rId{len(rels) + 1}"
            rels.append(rel_xml(rid, RT_HYPERLINK, target, True))
        return rid

    def _notes_blob(self, notes: Notes, text: str, number: int, total: int) -> bytes:
        tokens, body_id, markup, (rpr, end) = notes
        if body_id is None:
            return M.assemble(tokens, set(), {}, {})
        text = slide_numbers(text, number, total)
        if self.notes_rpr is None:
            self.notes_rpr = (rpr.fill(lang=self.lang), end.fill(lang=self.lang))
        run, last = self.notes_rpr
        paras = "".join(markup.paragraph("", [(line, run)], last) for line in text.split("\n"))
        return M.assemble(tokens, set(), {body_id: paras.encode()}, {})

    # ------------------------------------------------------------------ package

    def _core_properties(self) -> bytes:
        _, _, core, made = self.base.core
        props = dict(self.deck.properties)
        props.setdefault("title", self.deck.title)
        if self.deck.language:
            props.setdefault("language", self.deck.language)
        if "created" in props:
            props.setdefault("modified", props["created"])
        values: dict[str, str] = {}
        timed: list[str] = []
        if made:  # python-pptx's defaults, made when the template was read: stamp it now
            values["modified"] = _w3cdtf(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
            timed.append("modified")
        for key, value in props.items():
            if value is None:
                continue
            if key in M.CORE_TIME:
                when = _parse_time(str(value))
                if when is not None:
                    values[key] = _w3cdtf(when)
                    timed.append(key)
            elif key in M.CORE_TEXT:
                text = " ".join(M.clean_text(str(value)).split())
                values[key] = text[:PROP_LIMIT]
        return core.fill(values, timed, M.CORE_FROM_TEMPLATE)


def _w3cdtf(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


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
