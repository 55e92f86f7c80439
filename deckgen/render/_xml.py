"""XML-level helpers: namespaces, schema-ordered insertion, safe text, paragraph building.

Pure lxml; nothing here knows about python-pptx parts or about deckgen's data model, so the
OOXML rules (child order, attribute ranges, illegal characters) live in one place.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Sequence

from lxml import etree

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p14": "http://schemas.microsoft.com/office/powerpoint/2010/main",
}
R_NS = NS["r"]


def qn(tag: str) -> str:
    """``'a:p'`` → Clark notation ``'{ns}p'``."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


A_P, A_R, A_T, A_BR, A_FLD = qn("a:p"), qn("a:r"), qn("a:t"), qn("a:br"), qn("a:fld")
A_PPR, A_RPR, A_END = qn("a:pPr"), qn("a:rPr"), qn("a:endParaRPr")
P_SP, P_GRPSP, P_TXBODY = qn("p:sp"), qn("p:grpSp"), qn("p:txBody")

# --------------------------------------------------------------------------- safe parsing

#: For parts we parse ourselves (theme, content types): no entities, no network, no DTD.
SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)

_DTD_MARKERS = tuple(
    marker.encode(enc)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("ascii", "utf-16-le", "utf-16-be")
)


def declares_dtd(blob: bytes) -> bool:
    """True if an XML blob carries a DOCTYPE or ENTITY declaration (in UTF-8 or UTF-16)."""
    return any(marker in blob for marker in _DTD_MARKERS)


# --------------------------------------------------------------------------- text

# XML 1.0 forbids C0 controls except TAB/LF/CR, lone surrogates and U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("\r\n|[\r\n\x0b\u2028]")


def clean_text(text: str) -> str:
    """Remove characters XML cannot carry (python-pptx would write ``_x0000_`` for them)."""
    return _ILLEGAL.sub("", text)


def split_lines(text: str) -> list[str]:
    """Split on any line break (incl. PowerPoint's vertical tab), then clean each piece."""
    return [clean_text(s) for s in _BREAKS.split(text)]


# --------------------------------------------------------------------------- element order

# CT_TextCharacterProperties child sequence (ECMA-376 §21.1.2.3.9).
_RPR_CHILDREN = (
    "ln noFill solidFill gradFill blipFill pattFill grpFill effectLst effectDag highlight "
    "uLnTx uLn uFillTx uFill latin ea cs sym hlinkClick hlinkMouseOver rtl extLst"
)
RPR_ORDER = tuple(qn(f"a:{t}") for t in _RPR_CHILDREN.split())


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


class RunFormat:
    """What a new run needs: a base ``a:rPr`` and overrides (all optional)."""

    __slots__ = ("base", "size", "bold", "italic", "mono", "link_rid", "lang")

    def __init__(
        self,
        base: etree._Element | None,
        *,
        size: float | None = None,
        bold: bool = False,
        italic: bool = False,
        mono: str | None = None,
        link_rid: str | None = None,
        lang: str | None = None,
    ):
        self.base, self.size, self.bold, self.italic = base, size, bold, italic
        self.mono, self.link_rid, self.lang = mono, link_rid, lang


_DROP_RPR_ATTRS = ("err", "dirty", "smtClean", "smtId")


def build_rpr(fmt: RunFormat, tag: str = A_RPR) -> etree._Element:
    if fmt.base is not None:
        rpr = copy.deepcopy(fmt.base)
        rpr.tag = tag
    else:
        rpr = etree.Element(tag, nsmap={"a": NS["a"]})
    for a in _DROP_RPR_ATTRS:
        rpr.attrib.pop(a, None)
    if fmt.lang:
        rpr.set("lang", fmt.lang)
    if fmt.size is not None:
        rpr.set("sz", str(max(100, min(400000, round(fmt.size * 100)))))
    if fmt.bold:
        rpr.set("b", "1")
    if fmt.italic:
        rpr.set("i", "1")
    if tag == A_END:
        for t in ("hlinkClick", "hlinkMouseOver"):
            for el in rpr.findall(qn(f"a:{t}")):
                rpr.remove(el)
        return rpr
    if fmt.mono:
        set_child(rpr, make("a:latin", {"typeface": fmt.mono}), RPR_ORDER)
        set_child(rpr, make("a:cs", {"typeface": fmt.mono}), RPR_ORDER)
    if fmt.link_rid:
        set_child(rpr, make("a:hlinkClick", {f"{{{R_NS}}}id": fmt.link_rid}), RPR_ORDER)
    return rpr


def build_paragraph(
    ppr: etree._Element | None,
    runs: Iterable[tuple[str, RunFormat]],
    end: RunFormat,
    level: int = 0,
) -> etree._Element:
    """A new ``a:p``: copied paragraph properties, one ``a:r`` per run, line breaks as ``a:br``."""
    p = etree.Element(A_P, nsmap={"a": NS["a"]})
    if ppr is not None or level:
        new_ppr = copy.deepcopy(ppr) if ppr is not None else etree.Element(A_PPR)
        if level:
            new_ppr.set("lvl", str(max(0, min(8, level))))
        p.append(new_ppr)
    for text, fmt in runs:
        for i, piece in enumerate(split_lines(text)):
            if i:
                br = etree.SubElement(p, A_BR)
                br.append(build_rpr(fmt))
            if not piece:
                continue
            r = etree.SubElement(p, A_R)
            r.append(build_rpr(fmt))
            etree.SubElement(r, A_T).text = piece
    p.append(build_rpr(end, A_END))
    return p


def replace_paragraphs(txBody: etree._Element, paragraphs: Iterable[etree._Element]) -> None:
    for old in txBody.findall(A_P):
        txBody.remove(old)
    for p in paragraphs:
        txBody.append(p)
    if txBody.find(A_P) is None:  # a txBody needs at least one paragraph
        txBody.append(etree.Element(A_P))


def rel_ids(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """Every attribute in the relationships namespace: (element, attribute name, rId)."""
    prefix = f"{{{R_NS}}}"
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for k, v in el.attrib.items():
            if k.startswith(prefix):
                yield el, k, v
