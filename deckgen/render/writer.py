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
import hashlib
import math
import os
import posixpath
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from deckgen import cache as disk_cache
from deckgen.errors import DeckgenError, SourceError, TemplateError
from deckgen.markers import slide_numbers
from deckgen.model import (
    AREA_ROLES,
    BULLET_HANG,
    EMU_PER_PT,
    LIST_INDENT,
    TABLE_CELL_MARGINS,
    Deck,
    Frame,
    PlacedPicture,
    PlacedTable,
    RichText,
    SlideSpec,
    Theme,
)
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
from deckgen.render.recipe import (
    LINK_RID,
    MONO,
    RT,
    SLIDES_DIR,
    Base,
    Clone,
    Notes,
    Recipe,
    Shape,
)

LINK_SCHEMES = ("http:", "https:", "mailto:", "ftp:", "ftps:", "tel:")
PROP_LIMIT = 255

RT_SLIDE = RT + "slide"
RT_NOTES_SLIDE = RT + "notesSlide"
RT_NOTES_MASTER = RT + "notesMaster"
RT_HYPERLINK = RT + "hyperlink"
RT_IMAGE = RT + "image"
TABLE_SIZE = 18.0
"""Points of a table's text when fit has not chosen a size."""
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
        self.media = _Media()
        self.areas: dict[str, frozenset[int]] = {}
        self.cell_rprs: dict[tuple[Any, ...], str] = {}

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
        self.media.start(namer, new, types)
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
        replaced = self._elements(rels, recipe, spec, number, links) if spec.elements else {}
        for frame in spec.frames:
            if frame.shape_id in replaced:
                continue
            shape = recipe.shapes.get(frame.shape_id)
            if shape is None:
                raise self._no_shape(spec, number, frame.shape_id)
            blank = _blank(frame)
            if blank and not shape.is_title:
                removed.add(frame.shape_id)
                continue
            paras[frame.shape_id] = self._paragraphs(
                rels, recipe.markup, shape, frame, blank, number, total, links
            ).encode()
        # an area shape with nothing placed in it is not drawn ({{ slide.images }} text)
        removed.update(self._areas(spec.kind) - replaced.keys() - paras.keys())
        if recipe.decorations and removed:
            for sid in list(removed):
                removed.update(recipe.decorations.get(sid, ()))
        boxes = _boxes(recipe, spec) if spec.boxes else None
        blob = M.assemble(recipe.tokens, removed, paras, recipe.bodies, replaced, boxes)
        steps = [
            (frame.shape_id, k)
            for frame in spec.frames
            if frame.shape_id in paras
            for k, para in enumerate(frame.paragraphs)
            if para.appear
        ]
        if steps:  # an incremental list's items appear on clicks
            blob = M.with_timing(blob, M.timing_xml(recipe.markup, steps))
        bg = spec.background
        if bg is not None and bg.path is not None:
            part = self.media.part(bg.path, bg.src)
            rid = f"rId{len(rels) + 1}"
            rels.append(rel_xml(rid, RT_IMAGE, relative_ref(part, SLIDES_DIR)))
            theme = self.deck.theme
            size = (theme.slide_width, theme.slide_height)
            crop = cover_crop(bg.pixels, size)
            bg_xml = M.background_xml(recipe.markup, rid, crop)
            blob = M.with_background(blob, bg_xml, recipe.markup, recipe.next_id + 4096, size)
        return blob

    def _no_shape(self, spec: SlideSpec, number: int, sid: int) -> TemplateError:
        return TemplateError(
            f"slide {number} ({spec.kind}): the prototype has no text shape with id {sid}",
            path=self.where,
            hint="was the template changed after it was loaded?",
        )

    def _areas(self, kind: str) -> frozenset[int]:
        """The ids of the kind's area shapes (``{{ slide.images }}``, ``{{ slide.table }}``)."""
        hit = self.areas.get(kind)
        if hit is None:
            proto = self.deck.theme.prototypes.get(kind)
            shapes = proto.shapes if proto is not None else ()
            hit = frozenset(s.shape_id for s in shapes if s.role in AREA_ROLES)
            self.areas[kind] = hit
        return hit

    # ------------------------------------------------------------------ elements

    def _elements(
        self, rels: list[str], recipe: Recipe, spec: SlideSpec, number: int, links: dict[str, str]
    ) -> dict[int, bytes]:
        """Area shape id → the pictures or table drawn in its place."""
        drawn: dict[int, list[str]] = {}
        images: dict[str, str] = {}  # media part → this slide's relationship id
        next_id = recipe.next_id
        for placed in spec.elements:
            sid = placed.shape_id
            if sid not in recipe.shapes and sid not in self._areas(spec.kind):
                raise self._no_shape(spec, number, sid)
            if sid in drawn:  # a second picture in one area: a new shape id
                own, next_id = next_id, next_id + 1
            else:
                own = sid
            if isinstance(placed, PlacedPicture):
                xml = self._picture(rels, recipe.markup, placed, own, images, spec)
            else:
                xml = self._table(rels, recipe.markup, placed, own, links)
            drawn.setdefault(sid, []).append(xml)
        return {sid: "".join(xml).encode() for sid, xml in drawn.items()}

    def _picture(
        self,
        rels: list[str],
        markup: M.Markup,
        placed: PlacedPicture,
        sid: int,
        images: dict[str, str],
        spec: SlideSpec,
    ) -> str:
        picture = placed.picture
        if picture.path is None:  # media.resolve left it out (and warned): plan shows its alt
            return ""
        part = self.media.part(picture.path, picture.src)
        rid = images.get(part)
        if rid is None:
            rid = images[part] = f"rId{len(rels) + 1}"
            rels.append(rel_xml(rid, RT_IMAGE, relative_ref(part, SLIDES_DIR)))
        box = placed.box or _fallback_box(placed, spec)
        name = posixpath.basename(picture.src.replace("\\", "/")) or "Picture"
        return M.picture_xml(markup, sid, f"Picture: {name}", picture.alt, picture.title, rid, box)

    def _table(
        self,
        rels: list[str],
        markup: M.Markup,
        placed: PlacedTable,
        sid: int,
        links: dict[str, str],
    ) -> str:
        table = placed.table
        size = placed.size or TABLE_SIZE
        font = placed.font or "Calibri"
        start, stop = placed.rows if placed.rows is not None else (0, len(table.rows))
        body = table.rows[start:stop]
        ncols = max([len(table.header)] + [len(r) for r in body]) or 1
        x, y, width, height = placed.area
        columns = list(placed.columns)
        if len(columns) != ncols:
            columns = [width // ncols] * ncols
            columns[-1] += width - sum(columns)
        heights = list(placed.heights)
        if len(heights) != len(body) + 1:
            _, top, _, bottom = TABLE_CELL_MARGINS
            line = round(size * 1.2 * EMU_PER_PT) + top + bottom
            heights = [line] * (len(body) + 1)
        align = [table.align[i] if i < len(table.align) else "" for i in range(ncols)]
        align = [a if a in ("l", "ctr", "r") else "" for a in align]

        def cells(row: Sequence[RichText], header: bool) -> list[M.CellText]:
            color = M.CELL_TEXT["header" if header else "body"]
            out = []
            for i in range(ncols):
                runs = []
                for span in row[i].spans if i < len(row) else ():
                    rid = self._link(rels, span.link, links) if span.link else None
                    face = MONO if span.code else font
                    rpr = self._cell_rpr(
                        markup, False, size, span.bold or header, span.italic, face, color, rid
                    )
                    runs.append((span.text, rpr))
                end = self._cell_rpr(markup, True, size, header, False, font, color, None)
                out.append(M.CellText(align[i], runs, end))
            return out

        rows = [(heights[0], M.CELL_FILLS["header"], cells(table.header, True))]
        for k, row in enumerate(body):
            fill = M.CELL_FILLS["even" if (start + k) % 2 else "odd"]
            rows.append((heights[k + 1], fill, cells(row, False)))
        descr = "Table: " + ", ".join(" ".join(c.text.split()) for c in table.header)
        return M.table_xml(markup, sid, f"Table {sid}", descr, (x, y), columns, rows)

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
            if para.bullet is None:
                ppr = self._ppr(shape, proto, para.level)
            else:
                ppr = self._list_ppr(shape, proto, para.level, para.bullet)
            out.append(markup.paragraph(ppr, runs, end))
        return "".join(out)

    def _cell_rpr(
        self,
        markup: M.Markup,
        end: bool,
        size: float,
        bold: bool,
        italic: bool,
        font: str,
        color: str,
        rid: str | None,
    ) -> str:
        """A table cell run's properties, cached per deck (a link's are made each time)."""
        key = (id(markup), end, size, bold, italic, font, color)
        hit = None if rid else self.cell_rprs.get(key)
        if hit is None:
            hit = M.cell_rpr(
                markup,
                end=end,
                lang=self.lang,
                size=size,
                bold=bold,
                italic=italic,
                font=font,
                color=color,
                rid=rid,
            )
            if not rid:
                self.cell_rprs[key] = hit
        return hit

    def _list_ppr(self, shape: Shape, proto: int, level: int, bullet: bool) -> str:
        """A list paragraph's properties: its text at the paragraph's margin plus
        ``LIST_INDENT`` a level (plus ``BULLET_HANG`` for a bullet, whose glyph hangs in
        it), exactly what fit measured; cached per (paragraph, level, bullet)."""
        key = ("list", proto, level, bullet)
        hit = shape.cache.get(key)
        if hit is None:
            if proto >= len(shape.lists):  # a recipe without list properties: as it was
                return self._ppr(shape, proto, level)
            margin, with_glyph, without = shape.lists[proto]
            level = max(0, min(8, level))
            hang = BULLET_HANG if bullet else 0.0
            mar_l = round((margin + LIST_INDENT * level + hang) * EMU_PER_PT)
            mar_l = max(0, min(51206400, mar_l))
            indent = -round(hang * EMU_PER_PT)
            head, rest = with_glyph if bullet else without
            lvl = f' lvl="{level}"' if level else ""
            hit = shape.cache[key] = f'{head} marL="{mar_l}" indent="{indent}"{lvl}{rest}'
        return hit

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


class _Media:
    """The deck's media parts, content-addressed: one part per distinct file content
    (named from a hash of its bytes), however many slides show it, each file read once."""

    def __init__(self) -> None:
        self.by_path: dict[str, str] = {}
        self.by_digest: dict[str, str] = {}

    def start(self, namer: PartNamer, out: Deflater, types: list[tuple[str, str]]) -> None:
        self.namer, self.out, self.types = namer, out, types

    def part(self, path: str, src: str) -> str:
        """The media part holding the file at ``path``, added to the deck the first time."""
        name = self.by_path.get(path)
        if name is not None:
            return name
        try:
            with open(path, "rb") as f:
                blob = f.read()
        except OSError as e:
            raise SourceError(
                f"cannot read picture {src!r}: {e.strerror or first_line(e)}", path=path
            ) from None
        kind = image_type(blob)
        if kind is None:
            raise SourceError(
                f"picture {src!r} is not a PNG, JPEG, GIF, BMP or TIFF image", path=path
            )
        ext, content_type = kind
        digest = hashlib.sha256(blob).hexdigest()
        name = self.by_digest.get(digest)
        if name is None:
            name = self.namer.fixed(f"/ppt/media/deckgen-{digest[:32]}.{ext}")
            self.by_digest[digest] = name
            self.out.add(name[1:], blob)
            self.types.append((name, content_type))
        self.by_path[path] = name
        return name


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", ("png", "image/png")),
    (b"\xff\xd8\xff", ("jpeg", "image/jpeg")),
    (b"GIF87a", ("gif", "image/gif")),
    (b"GIF89a", ("gif", "image/gif")),
    (b"BM", ("bmp", "image/bmp")),
    (b"II*\x00", ("tiff", "image/tiff")),
    (b"MM\x00*", ("tiff", "image/tiff")),
)


def image_type(blob: bytes) -> tuple[str, str] | None:
    """(extension, content type) of an image from its first bytes, whatever its file is
    called; None for what is no picture a deck can hold."""
    for magic, kind in _MAGIC:
        if blob.startswith(magic):
            return kind
    return None  # SVG too: PowerPoint needs a PNG copy of it (media.resolve refuses it)


def cover_crop(pixels: tuple[int, int] | None, slide: tuple[int, int]) -> tuple[int, int]:
    """How much of a background picture to crop off each side, left and right or top and
    bottom (thousandths of a percent, as ``a:srcRect`` has it), so that it covers the slide
    without being stretched: (horizontal, vertical), one of them 0."""
    if not pixels or not pixels[0] or not pixels[1] or not slide[1]:
        return 0, 0
    picture, page = pixels[0] / pixels[1], slide[0] / slide[1]
    if picture > page:  # wider than the slide: its sides go
        return round((1 - page / picture) / 2 * 100_000), 0
    return 0, round((1 - picture / page) / 2 * 100_000)


def _fallback_box(placed: PlacedPicture, spec: SlideSpec) -> tuple[int, int, int, int]:
    """Where a picture fit did not place goes: its share of the area (a grid when the
    area holds several), the aspect ratio kept, centred."""
    x, y, w, h = placed.area
    group = [e for e in spec.elements if e.shape_id == placed.shape_id]
    count = len(group)
    index = next((i for i, e in enumerate(group) if e is placed), 0)
    cols = max(1, math.ceil(math.sqrt(count)))
    rows = max(1, math.ceil(count / cols))
    cw, ch = w // cols, h // rows
    cx, cy = x + (index % cols) * cw, y + (index // cols) * ch
    pixels = placed.picture.pixels
    if not pixels or pixels[0] <= 0 or pixels[1] <= 0:
        return (cx, cy, cw, ch)
    scale = min(cw / pixels[0], ch / pixels[1])
    pw, ph = round(pixels[0] * scale), round(pixels[1] * scale)
    return (cx + (cw - pw) // 2, cy + (ch - ph) // 2, pw, ph)


def _boxes(recipe: Recipe, spec: SlideSpec) -> dict[int, bytes]:
    """Shape id → the ``a:xfrm`` a slide writes for the shapes fit moved or resized
    (``SlideSpec.boxes``), and for their decorations: each keeps its place across, and
    its top and bottom move with the shape's, in proportion (a bar beside a code panel
    stays as tall as the panel; a panel behind a text box stays behind it)."""
    out: dict[int, bytes] = {}
    for sid, box in spec.boxes:
        known = recipe.xfrms.get(sid)
        if known is None:
            continue
        head, tail, old = known
        out[sid] = M.xfrm_xml(head, tail, box)
        if old is None or old[3] <= 0:
            continue
        _, oy, _, oh = old
        _, ny, _, nh = box
        for dec in recipe.decorations.get(sid, ()):
            got = recipe.xfrms.get(dec)
            if got is None or got[2] is None or dec in out:
                continue
            dx, dy, dw, dh = got[2]
            top = ny + (dy - oy) * nh / oh
            bottom = ny + (dy + dh - oy) * nh / oh
            out[dec] = M.xfrm_xml(got[0], got[1], (dx, round(top), dw, round(bottom - top)))
    return out


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
