"""XML-level helpers: namespaces, schema-ordered insertion, safe text, paragraph building.

Pure lxml; nothing here knows about python-pptx parts or about deckgen's data model, so the
OOXML rules (child order, attribute ranges, illegal characters) live in one place.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping, Sequence

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


_SPECIAL = re.compile("[\x00-\x1f\x7f\u2028\ud800-\udfff\ufffe\uffff]")


def split_lines(text: str) -> list[str]:
    """Split on any line break (incl. PowerPoint's vertical tab), then clean each piece."""
    if _SPECIAL.search(text) is None:  # the common case
        return [text]
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


# --------------------------------------------------------------------------- fragments
# A deck repeats a few prototypes thousands of times. Building and serializing an lxml tree
# per slide costs more than everything else together, so each prototype is serialized once,
# cut into byte segments at its text shapes, and a slide is assembled by concatenation with
# paragraphs made from cached, serialized property fragments.

_PI = "deckgen"
START, END, BODY, PARAS, ENDPARAS = "start", "end", "body", "paras", "endparas"
_MARK = re.compile(rb"<\?" + _PI.encode() + rb" (start|end|body|paras|endparas) (\d+)\?>")

Token = tuple[str, int, bytes]  # (kind, shape id, static bytes) - kind "" for static


def _pi(kind: str, sid: int) -> etree._Element:
    return etree.ProcessingInstruction(_PI, f"{kind} {sid}")


def mark_shape(sp: etree._Element, sid: int, *, removable: bool = True) -> None:
    """Put markers around a text shape and inside its text body (see :func:`segments`)."""
    if removable:
        sp.addprevious(_pi(START, sid))
        sp.addnext(_pi(END, sid))
    tx = sp.find(P_TXBODY)
    if tx is None:
        return
    tx.insert(0, _pi(BODY, sid))
    first = tx.find(A_P)
    if first is not None:
        first.addprevious(_pi(PARAS, sid))
    else:
        tx.append(_pi(PARAS, sid))
    tx.append(_pi(ENDPARAS, sid))


def segments(blob: bytes) -> list[Token]:
    """Cut a serialized part at its markers into static and marker tokens."""
    out: list[Token] = []
    pos = 0
    for m in _MARK.finditer(blob):
        if m.start() > pos:
            out.append(("", 0, blob[pos : m.start()]))
        out.append((m.group(1).decode(), int(m.group(2)), b""))
        pos = m.end()
    if pos < len(blob):
        out.append(("", 0, blob[pos:]))
    return out


def assemble(
    tokens: Sequence[Token],
    removed: set[int] | frozenset[int],
    paras: Mapping[int, bytes],
    bodies: Mapping[int, bytes],
) -> bytes:
    """A part's bytes: shapes in ``removed`` left out, paragraphs of shapes in ``paras``
    replaced, and their bodyPr/lstStyle replaced by ``bodies`` where given."""
    out: list[bytes] = []
    skip: tuple[str, int] | None = None
    for kind, sid, data in tokens:
        if skip is not None:
            if (kind, sid) != skip:
                continue
            skip = None
        if not kind:
            out.append(data)
        elif kind == START:
            if sid in removed:
                skip = (END, sid)
        elif kind == BODY:
            if sid in paras and sid in bodies:
                out.append(bodies[sid])
                skip = (PARAS, sid)
        elif kind == PARAS and sid in paras:
            out.append(paras[sid])
            skip = (ENDPARAS, sid)
    return b"".join(out)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Markup:
    """Serializes fragments for one part so that they use the prefixes its root declares."""

    def __init__(self, nsmap: Mapping[str | None, str]):
        self.nsmap = {k: v for k, v in nsmap.items() if k is not None}
        prefix = next((k for k, v in self.nsmap.items() if v == NS["a"]), None)
        if prefix is None:  # undeclared at the root: declare it on each paragraph
            prefix, decl = "a", f' xmlns:a="{NS["a"]}"'
            self.nsmap["a"] = NS["a"]
        else:
            decl = ""
        a = prefix
        self.p_open, self.p_close = f"<{a}:p{decl}>", f"</{a}:p>"
        self.r_open, self.t_open = f"<{a}:r>", f"<{a}:t>"
        self.t_close_r = f"</{a}:t></{a}:r>"
        self.br_open, self.br_close = f"<{a}:br>", f"</{a}:br>"

    def fragment(self, el: etree._Element | None) -> str:
        """The serialization of ``el`` (a copy) as it would appear inside the part."""
        if el is None:
            return ""
        wrapper = etree.Element("deckgen-wrapper", nsmap=self.nsmap)  # type: ignore[arg-type]
        wrapper.append(copy.deepcopy(el))
        text = etree.tostring(wrapper, encoding="unicode")
        return text[text.index(">") + 1 : text.rindex("</deckgen-wrapper>")]

    def paragraph(self, ppr: str, runs: Sequence[tuple[str, str]], end: str) -> str:
        """``<a:p>``: paragraph properties, one run per piece of text, ``a:br`` for breaks."""
        out = [self.p_open, ppr]
        for text, rpr in runs:
            for i, piece in enumerate(split_lines(text)):
                if i:
                    out += (self.br_open, rpr, self.br_close)
                if piece:
                    out += (self.r_open, rpr, self.t_open, escape(piece), self.t_close_r)
        out += (end, self.p_close)
        return "".join(out)


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


def update_app_xml(
    blob: bytes, titles: Sequence[str], notes: int, old_slides: int, screen: str | None = None
) -> bytes:
    """docProps/app.xml after the template's slides were replaced by ``titles``.

    Counts are set; word/paragraph counts, which we do not compute, are dropped (optional);
    the last heading group (PowerPoint's "Slide Titles", whatever its language) is replaced
    by our titles when it listed the template's slides (or none). Anything unexpected is
    left unchanged: PowerPoint recomputes the file on save and does not rely on it.
    """
    try:
        root = etree.fromstring(blob, SAFE_PARSER)
    except etree.XMLSyntaxError:
        return blob
    ep = f"{{{EP_NS}}}"
    vt = f"{{{VT_NS}}}"
    for name, value in (("Slides", len(titles)), ("Notes", notes), ("HiddenSlides", 0)):
        el = root.find(ep + name)
        if el is not None:
            el.text = str(value)
    for name in ("Words", "Paragraphs"):
        for el in root.findall(ep + name):
            root.remove(el)
    fmt = root.find(ep + "PresentationFormat")
    if fmt is not None and screen:
        fmt.text = screen
    pairs = root.find(f"{ep}HeadingPairs/{vt}vector")
    parts = root.find(f"{ep}TitlesOfParts/{vt}vector")
    if pairs is None or parts is None or len(pairs) < 2:
        return etree.tostring(root, encoding="UTF-8", standalone=True)
    count = pairs[-1].find(vt + "i4")
    try:
        n = int(count.text or "") if count is not None else -1
    except ValueError:
        n = -1
    if count is not None and n in (0, old_slides) and 0 <= n <= len(parts):
        for el in list(parts)[len(parts) - n :] if n else []:
            parts.remove(el)
        for title in titles:
            etree.SubElement(parts, vt + "lpstr").text = clean_text(title)[:255]
        count.text = str(len(titles))
        parts.set("size", str(len(parts)))
    return etree.tostring(root, encoding="UTF-8", standalone=True)
