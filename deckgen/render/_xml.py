"""XML trees (lxml): reading a template's parts and preparing what decks are written from.

Nothing here knows about python-pptx parts or about deckgen's data model, so the OOXML
rules (child order, attribute ranges, illegal characters) live in one place. What a deck
adds is written by ``_markup`` as strings, into the serialized pieces prepared here
(:class:`~deckgen.render._markup.Skeleton`, :func:`app_xml`), so writing a deck from a
cached template needs no lxml.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence

from lxml import etree

from deckgen import markers
from deckgen.render import _markup as M
from deckgen.render._markup import (  # noqa: F401 - the tree side of the same vocabulary
    A_BR,
    A_END,
    A_FLD,
    A_P,
    A_PPR,
    A_R,
    A_RPR,
    A_T,
    BODY,
    END,
    ENDPARAS,
    NS,
    P_GRPSP,
    P_SP,
    P_TXBODY,
    PARAS,
    PI,
    R_NS,
    SLOTS,
    START,
    TEXT,
    AppXml,
    CoreXml,
    Markup,
    Skeleton,
    fragment,
    qn,
    segments,
)

# --------------------------------------------------------------------------- safe parsing

#: For parts we parse ourselves (theme, content types): no entities, no network, no DTD.
SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)

# --------------------------------------------------------------------------- element order

# CT_TextCharacterProperties child sequence (ECMA-376 §21.1.2.3.9).
_RPR_CHILDREN = (
    "ln noFill solidFill gradFill blipFill pattFill grpFill effectLst effectDag highlight "
    "uLnTx uLn uFillTx uFill latin ea cs sym hlinkClick hlinkMouseOver rtl extLst"
)
RPR_ORDER = tuple(qn(f"a:{t}") for t in _RPR_CHILDREN.split())


def xfrm_box(sp: etree._Element) -> tuple[int, int, int, int] | None:
    """A shape's own position and size in EMU (``p:spPr/a:xfrm``); None when it inherits
    them or they are unreadable."""
    xfrm = sp.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
    if xfrm is None:
        return None
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    if off is None or ext is None:
        return None
    try:
        return (
            int(off.get("x", 0)),
            int(off.get("y", 0)),
            int(ext.get("cx", 0)),
            int(ext.get("cy", 0)),
        )
    except ValueError:
        return None


def set_child(parent: etree._Element, child: etree._Element, order: Sequence[str]) -> None:
    """Insert ``child`` in schema order, replacing an existing element of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = order.index(child.tag)
    later = set(order[rank + 1 :])
    for i, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(i, child)
            return
    parent.append(child)


def make(tag: str, attrib: dict[str, str] | None = None, text: str | None = None):
    el = etree.Element(qn(tag), attrib or {}, nsmap={k: NS[k] for k in ("a", "r")})
    if text is not None:
        el.text = text
    return el


# --------------------------------------------------------------------------- paragraphs


def paragraph_text(p: etree._Element) -> tuple[str, list[tuple[int, etree._Element]]]:
    """Joined text of a paragraph (``a:br`` → ``\\n``) and where each run/field starts."""
    parts: list[str] = []
    starts: list[tuple[int, etree._Element]] = []
    pos = 0
    for child in p:
        if child.tag in (A_R, A_FLD):
            t = child.findtext(A_T) or ""
            starts.append((pos, child))
        elif child.tag == A_BR:
            t = "\n"
        else:
            continue
        parts.append(t)
        pos += len(t)
    return "".join(parts), starts


_TAG_START = re.compile(r"\{[{%]")


def tag_run(p: etree._Element) -> etree._Element | None:
    """The run (or field) where the paragraph's first Jinja tag starts, else its first run."""
    text, starts = paragraph_text(p)
    if not starts:
        return None
    m = _TAG_START.search(text)
    if m is None:
        return starts[0][1]
    owner = starts[0][1]
    for pos, el in starts:
        if pos > m.start():
            break
        if pos <= m.start():
            owner = el
    return owner


def run_props(p: etree._Element) -> etree._Element | None:
    """The ``a:rPr`` a rendered paragraph should take: tag run's, else ``a:endParaRPr``."""
    run = tag_run(p)
    if run is not None:
        rpr = run.find(A_RPR)
        if rpr is not None:
            return rpr
    return p.find(A_END)


# Attributes that do not change how a run looks (spell-check state, language: the writer
# sets the deck's), so runs differing only in them are one style.
_NOT_LOOKS = ("err", "dirty", "smtClean", "smtId", "lang", "altLang", "noProof", "bmk")


def _look(rpr: etree._Element | None) -> bytes:
    if rpr is None:
        return b""
    el = copy.deepcopy(rpr)
    for a in _NOT_LOOKS:
        el.attrib.pop(a, None)
    el.tag = A_RPR
    if not len(el) and not el.attrib:
        return b""
    return etree.tostring(el)


def run_styles(
    p: etree._Element,
) -> tuple[list[etree._Element | None], tuple[tuple[int, int], ...]]:
    """A paragraph's run formatting: the ``a:rPr`` of each style (style 0 is
    :func:`run_props`, the run where the first tag starts) and where in the paragraph's
    text (:func:`paragraph_text`) the style changes, as (offset, style); no change points
    when all runs look alike. Reader and writer both ask this, so their styles agree."""
    text, starts = paragraph_text(p)
    if len(starts) < 2:
        return [run_props(p)], ()
    tag = tag_run(p)
    base = tag.find(A_RPR) if tag is not None else None
    keys = [_look(base)]
    styles: list[etree._Element | None] = [run_props(p)]
    changes: list[tuple[int, int]] = []
    current = 0
    for pos, el in starts:
        rpr = el.find(A_RPR)
        key = _look(rpr)
        if key in keys:
            style = keys.index(key)
        else:
            style = len(keys)
            keys.append(key)
            styles.append(rpr)
        if style != current:
            changes.append((pos, style))
            current = style
    if not changes:
        return styles[:1], ()
    return styles, tuple(changes)


# --------------------------------------------------------------------------- table cells

A_TBL, A_TR, A_TC, A_TXBODY = qn("a:tbl"), qn("a:tr"), qn("a:tc"), qn("a:txBody")
P_GRAPHICFRAME = qn("p:graphicFrame")
CELL_IDS = 1 << 56
"""Table cells have no shape ids: deckgen numbers them from here (a shape id is a 32-bit
number), ``CELL_IDS + (table's id << 20) + (row << 10) + column``."""


def frame_id(el: etree._Element) -> int | None:
    """The id of a graphic frame (or any shape) from its ``cNvPr``."""
    for nv in el:
        c = nv.find(qn("p:cNvPr"))
        if c is not None:
            try:
                return int(c.get("id", ""))
            except ValueError:
                return None
    return None


def frame_name(el: etree._Element) -> str:
    for nv in el:
        c = nv.find(qn("p:cNvPr"))
        if c is not None:
            return c.get("name", "")
    return ""


def iter_cells(
    root: etree._Element,
) -> Iterator[tuple[int, int, int, etree._Element, etree._Element]]:
    """Every table cell under ``root``: (cell id, row, column, ``a:tc``, its
    ``p:graphicFrame``), rows and columns from 0 (up to 1,024 each)."""
    for gf in root.iter(P_GRAPHICFRAME):
        fid = frame_id(gf)
        tbl = next(gf.iter(A_TBL), None)
        if fid is None or tbl is None or fid < 0:
            continue
        for r, tr in enumerate(tbl.findall(A_TR)[:1024]):
            for c, tc in enumerate(tr.findall(A_TC)[:1024]):
                yield CELL_IDS + (fid << 20) + (r << 10) + c, r, c, tc, gf


def text_body(el: etree._Element) -> etree._Element | None:
    """A shape's ``p:txBody`` or a table cell's ``a:txBody``."""
    tx = el.find(P_TXBODY)
    return tx if tx is not None else el.find(A_TXBODY)


def iter_sp(spTree: etree._Element) -> Iterator[etree._Element]:
    """Every ``p:sp`` in a shape tree, including those inside groups, in document order."""
    return spTree.iter(P_SP)


def sp_id(sp: etree._Element) -> int | None:
    c = sp.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}")
    if c is None:
        return None
    try:
        return int(c.get("id", ""))
    except ValueError:
        return None


def ph_of(sp: etree._Element) -> etree._Element | None:
    """The shape's ``p:ph`` element (any of sp/pic/graphicFrame non-visual props)."""
    for nv in sp:
        if nv.tag.endswith("}nvSpPr") or nv.tag.endswith("}nvPicPr"):
            return nv.find(f"{qn('p:nvPr')}/{qn('p:ph')}")
    return None


def ph_type(ph: etree._Element) -> str:
    return ph.get("type", "obj")


def ph_idx(ph: etree._Element) -> int:
    try:
        return int(ph.get("idx", "0"))
    except ValueError:
        return 0


TITLE_TYPES = ("title", "ctrTitle")


def is_title_sp(sp: etree._Element) -> bool:
    ph = ph_of(sp)
    return ph is not None and ph_type(ph) in TITLE_TYPES


_DROP_RPR_ATTRS = ("err", "dirty", "smtClean", "smtId")


def rpr_skeleton(
    markup: Markup,
    base: etree._Element | None,
    *,
    end: bool = False,
    mono: str | None = None,
    link_rid: str | None = None,
) -> Skeleton:
    """A run's (or, with ``end``, a paragraph end's) properties from the template's
    ``base`` rPr, with slots for language, size, bold and italic (see ``Skeleton``); code
    runs get ``mono`` as their typeface and links an ``a:hlinkClick`` to ``link_rid``."""
    tag = A_END if end else A_RPR
    if base is not None:
        rpr = copy.deepcopy(base)
        rpr.tag = tag
    else:
        rpr = etree.Element(tag, nsmap={"a": NS["a"]})
    for a in _DROP_RPR_ATTRS:
        rpr.attrib.pop(a, None)
    kept = {name: rpr.get(name) for name in ("lang", "sz", "b", "i")}
    for name in ("lang", "sz", "b", "i"):
        rpr.set(name, SLOTS[name])
    if end:
        for t in ("hlinkClick", "hlinkMouseOver"):
            for el in rpr.findall(qn(f"a:{t}")):
                rpr.remove(el)
    else:
        if mono:
            set_child(rpr, make("a:latin", {"typeface": mono}), RPR_ORDER)
            set_child(rpr, make("a:cs", {"typeface": mono}), RPR_ORDER)
        if link_rid:
            set_child(rpr, make("a:hlinkClick", {f"{{{R_NS}}}id": link_rid}), RPR_ORDER)
    return Skeleton(markup.fragment(rpr), kept)


def ppr_skeleton(markup: Markup, base: etree._Element | None) -> Skeleton:
    """A paragraph's properties from the template's ``base`` pPr, with a slot for the list
    level; without hanging punctuation (fit measures without it, and LibreOffice would
    otherwise let CJK 、。 hang up to 1 em past the box)."""
    ppr = copy.deepcopy(base) if base is not None else etree.Element(A_PPR)
    kept = {"lvl": ppr.get("lvl")}
    ppr.set("lvl", SLOTS["lvl"])
    ppr.set("hangingPunct", "0")
    return Skeleton(markup.fragment(ppr), kept)


# CT_TextParagraphProperties children before the bullet ones, the bullet ones (colour, size,
# font, kind) and those after (ECMA-376 §21.1.2.2.7): a list paragraph's bullet goes between.
_BULLET_TAGS = "buClrTx buClr buSzTx buSzPct buSzPts buFontTx buFont buNone buAutoNum buChar buBlip"
_BULLETS = tuple(qn(f"a:{t}") for t in _BULLET_TAGS.split())
_AFTER_BULLETS = tuple(qn(f"a:{t}") for t in ("tabLst", "defRPr", "extLst"))
BULLET_CHAR = "\u2022"
BULLET_FONT = "Arial"
BULLET_COLOR = "accent1"


def list_ppr(markup: Markup, base: etree._Element | None, bullet: bool) -> tuple[str, str]:
    """A list paragraph's properties from the template's ``base`` pPr, cut where the writer
    puts ``marL``, ``indent`` and ``lvl`` (its own: the template's go): (start of the tag,
    the rest). The template's bullet settings are replaced by a "•" in the accent colour
    (``bullet``) or by ``a:buNone``, at their place in the schema's child order."""
    ppr = copy.deepcopy(base) if base is not None else etree.Element(A_PPR)
    for name in ("marL", "indent", "lvl"):
        ppr.attrib.pop(name, None)
    ppr.set("hangingPunct", "0")
    for el in [c for c in ppr if c.tag in _BULLETS]:
        ppr.remove(el)
    if bullet:
        clr = etree.Element(qn("a:buClr"))
        etree.SubElement(clr, qn("a:schemeClr"), val=BULLET_COLOR)
        added = [
            clr,
            etree.Element(qn("a:buFont"), typeface=BULLET_FONT),
            etree.Element(qn("a:buChar"), char=BULLET_CHAR),
        ]
    else:
        added = [etree.Element(qn("a:buNone"))]
    at = next((i for i, c in enumerate(ppr) if c.tag in _AFTER_BULLETS), len(ppr))
    for k, el in enumerate(added):
        ppr.insert(at + k, el)
    text = markup.fragment(ppr)
    cut = text.index(" ")  # after the tag's name: it always has hangingPunct
    return text[:cut], text[cut:]


def settle_autofit(body_pr: etree._Element) -> None:
    """Stored sizes are fitted already: drop a stale ``fontScale``/``lnSpcReduction`` and turn
    ``spAutoFit`` (grow the box) into ``normAutofit`` (shrink text on later edits)."""
    norm = body_pr.find(qn("a:normAutofit"))
    if norm is not None:
        norm.attrib.pop("fontScale", None)
        norm.attrib.pop("lnSpcReduction", None)
    sp_auto = body_pr.find(qn("a:spAutoFit"))
    if sp_auto is not None:
        sp_auto.addprevious(etree.Element(qn("a:normAutofit")))
        body_pr.remove(sp_auto)


def rel_ids(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """Every attribute in the relationships namespace: (element, attribute name, rId)."""
    prefix = f"{{{R_NS}}}"
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for k, v in el.attrib.items():
            if k.startswith(prefix):
                yield el, k, v


# --------------------------------------------------------------------------- markers
# Processing instructions around and inside text shapes, where _markup.segments cuts.


def _pi(kind: str, sid: int) -> etree._Element:
    return etree.ProcessingInstruction(PI, f"{kind} {sid}")


def mark_shape(sp: etree._Element, sid: int, *, removable: bool = True) -> None:
    """Put markers around a text shape and inside its text body (see :func:`segments`)."""
    if removable:
        sp.addprevious(_pi(START, sid))
        sp.addnext(_pi(END, sid))
    tx = text_body(sp)  # a table cell's too (never removable)
    if tx is None:
        return
    tx.insert(0, _pi(BODY, sid))
    first = tx.find(A_P)
    if first is not None:
        first.addprevious(_pi(PARAS, sid))
    else:
        tx.append(_pi(PARAS, sid))
    tx.append(_pi(ENDPARAS, sid))


def unmark(root: etree._Element) -> None:
    """Remove deckgen's private-use markers from the text and attribute values of a
    template's part: the slots the writer fills by replacing them must not find the
    template's own characters."""
    for el in root.iter():
        for name in ("text", "tail"):
            value = getattr(el, name)
            if value and markers.found_in(value):
                setattr(el, name, markers.strip(value))
        if isinstance(el.tag, str):
            for k, v in el.attrib.items():
                if markers.found_in(v):
                    el.set(k, markers.strip(v))


# --------------------------------------------------------------------------- app.xml

EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def screen_format(width: int, height: int) -> str:
    """PowerPoint's name for a slide size, as shown in File > Properties."""
    ratio = width / height if height else 0
    for name, r in (("16:9", 16 / 9), ("16:10", 16 / 10), ("4:3", 4 / 3)):
        if abs(ratio - r) < 0.01:
            return f"On-screen Show ({name})"
    return "Custom"


def app_xml(blob: bytes, old_slides: int, screen: str | None = None) -> AppXml:
    """docProps/app.xml once the template's slides are gone, with slots for the deck's.

    Counts are slots; word/paragraph counts, which we do not compute, are dropped
    (optional); the last heading group (PowerPoint's "Slide Titles", whatever its
    language) gets a slot for our titles when it listed the template's slides (or none).
    Anything unexpected is left unchanged: PowerPoint recomputes the file on save and does
    not rely on it.
    """
    try:
        root = etree.fromstring(blob, SAFE_PARSER)
    except etree.XMLSyntaxError:
        for c in markers.ALL:  # (its slots are filled by replacing them)
            blob = blob.replace(c.encode(), b"")
        return AppXml(blob, 0)
    unmark(root)
    ep = f"{{{EP_NS}}}"
    vt = f"{{{VT_NS}}}"
    for name, value in (("Slides", AppXml.COUNT), ("Notes", AppXml.NOTES), ("HiddenSlides", "0")):
        el = root.find(ep + name)
        if el is not None:
            el.text = value
    for name in ("Words", "Paragraphs"):
        for el in root.findall(ep + name):
            root.remove(el)
    fmt = root.find(ep + "PresentationFormat")
    if fmt is not None and screen:
        fmt.text = screen
    pairs = root.find(f"{ep}HeadingPairs/{vt}vector")
    parts = root.find(f"{ep}TitlesOfParts/{vt}vector")
    size = 0
    if pairs is not None and parts is not None and len(pairs) >= 2:
        count = pairs[-1].find(vt + "i4")
        try:
            n = int(count.text or "") if count is not None else -1
        except ValueError:
            n = -1
        if count is not None and n in (0, old_slides) and 0 <= n <= len(parts):
            for el in list(parts)[len(parts) - n :] if n else []:
                parts.remove(el)
            size = len(parts)
            etree.SubElement(parts, vt + "lpstr").text = AppXml.TITLES
            count.text = AppXml.TITLE_COUNT
            parts.set("size", AppXml.SIZE)
    return AppXml(etree.tostring(root, encoding="UTF-8", standalone=True), size)


# --------------------------------------------------------------------------- core.xml

CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_CORE_NS = {"cp": CP_NS, "dc": DC_NS, "dcterms": DCTERMS_NS}
_CORE_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def core_xml(blob: bytes) -> CoreXml:
    """docProps/core.xml prepared for :meth:`CoreXml.fill`, which edits it as python-pptx's
    ``CT_CoreProperties`` would: a property's element is changed where the template has it,
    else added at the end; dates of creation/modification get ``xsi:type``, with xsi
    declared on the root."""
    root = etree.fromstring(blob, _CORE_PARSER)
    unmark(root)
    children = [(c.tag if isinstance(c.tag, str) else "", fragment(c, root.nsmap)) for c in root]
    bare = copy.deepcopy(root)
    for c in list(bare):
        bare.remove(c)
    bare.append(etree.ProcessingInstruction(PI, "core"))
    heads = []
    for xsi in (False, True):
        if xsi:
            bare.set(f"{{{XSI_NS}}}foo", "bar")  # declares xsi on the root, then goes
            del bare.attrib[f"{{{XSI_NS}}}foo"]
        head, tail = etree.tostring(bare, encoding="UTF-8", standalone=True).split(
            f"<?{PI} core?>".encode()
        )
        heads.append(head)
    made: dict[str, tuple[str, str]] = {}
    for key, (prefix, local) in {**M.CORE_TEXT, **M.CORE_TIME}.items():
        clark = f"{{{_CORE_NS[prefix]}}}{local}"
        have = root.find(clark)
        if have is not None:
            el = copy.deepcopy(have)
        else:
            el = etree.Element(clark, nsmap={prefix: _CORE_NS[prefix]})  # type: ignore[dict-item]
        el.text = TEXT
        nsmap = root.nsmap
        if key in ("created", "modified"):
            el.set(f"{{{XSI_NS}}}type", "dcterms:W3CDTF")
            nsmap = bare.nsmap  # xsi declared on the root
        made[key] = (clark, fragment(el, nsmap))
    return CoreXml((heads[0], heads[1]), tail, children, made)
