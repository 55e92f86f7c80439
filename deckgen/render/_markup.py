"""Writing a deck's XML as strings: no lxml here.

Reading a template needs an XML tree (``_xml``, lxml); writing a deck from what was read
does not. Everything a deck adds (paragraphs, run and paragraph properties, app.xml and
core.xml values) is filled into text the template reading prepared: byte segments cut at
markers (:func:`segments`/:func:`assemble`), and serialized elements whose varying
attributes or text hold placeholders (:func:`fill`, :class:`AppXml`, :class:`CoreXml`). So a
deck built from a cached template (deckgen.cache) does not import lxml at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from deckgen import markers
from deckgen.model import TABLE_CELL_MARGINS

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


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


# --------------------------------------------------------------------------- fragments
# A deck repeats a few prototypes thousands of times. Building and serializing an lxml tree
# per slide costs more than everything else together, so each prototype is serialized once,
# cut into byte segments at its text shapes, and a slide is assembled by concatenation with
# paragraphs made from cached, serialized property fragments.

PI = "deckgen"
START, END, BODY, PARAS, ENDPARAS = "start", "end", "body", "paras", "endparas"
XFRM, ENDXFRM = "xfrm", "endxfrm"
"""Around a shape's ``a:xfrm`` (or where one goes, for a placeholder that inherits its
place from the layout): a slide that moves or resizes the shape writes its own there."""
_MARK = re.compile(
    rb"<\?" + PI.encode() + rb" (start|end|body|paras|endparas|xfrm|endxfrm) (\d+)\?>"
)

Token = tuple[str, int, bytes]  # (kind, shape id, static bytes) - kind "" for static


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
    replaced: Mapping[int, bytes] | None = None,
    boxes: Mapping[int, bytes] | None = None,
) -> bytes:
    """A part's bytes: shapes in ``removed`` left out, shapes in ``replaced`` swapped for
    what it gives (a picture or table drawn in an area shape's place, so it keeps the
    area's place in the z-order), paragraphs of shapes in ``paras`` replaced, and their
    bodyPr/lstStyle replaced by ``bodies`` where given; the ``a:xfrm`` of shapes in
    ``boxes`` replaced by (or, where the shape has none, given) the one it holds."""
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
            if replaced and sid in replaced:
                out.append(replaced[sid])
                skip = (END, sid)
            elif sid in removed:
                skip = (END, sid)
        elif kind == BODY:
            if sid in paras and sid in bodies:
                out.append(bodies[sid])
                skip = (PARAS, sid)
        elif kind == PARAS and sid in paras:
            out.append(paras[sid])
            skip = (ENDPARAS, sid)
        elif kind == XFRM and boxes and sid in boxes:
            out.append(boxes[sid])
            skip = (ENDXFRM, sid)
    return b"".join(out)


def xfrm_xml(head: str, tail: str, box: tuple[int, int, int, int]) -> bytes:
    """A shape's ``a:xfrm`` at ``box`` (EMU), from its opening tag (which keeps a rotation
    or flip the designer set) and closing tag, as the recipe holds them."""
    x, y, cx, cy = (max(0, int(v)) for v in box)
    a = head[1 : head.index(":")]
    return (f'{head}<{a}:off x="{x}" y="{y}"/><{a}:ext cx="{cx}" cy="{cy}"/>{tail}').encode()


def fragment(el: Any, nsmap: Mapping[str, str]) -> str:
    """lxml element ``el`` (a copy) serialized inside a root that declares ``nsmap``: no
    declarations of its own for those. Used when a template is read; imports lxml."""
    if el is None:
        return ""
    import copy

    from lxml import etree

    wrapper = etree.Element("deckgen-wrapper", nsmap=nsmap)  # type: ignore[arg-type]
    wrapper.append(copy.deepcopy(el))
    text = etree.tostring(wrapper, encoding="unicode")
    return text[text.index(">") + 1 : text.rindex("</deckgen-wrapper>")]


class Markup:
    """Writes paragraphs for one part, with the prefix its root declares for DrawingML."""

    def __init__(self, nsmap: Mapping[str | None, str]):
        self.nsmap = {k: v for k, v in nsmap.items() if k is not None}
        self.root = dict(self.nsmap)  # what the part's root declares
        self._prefixes: tuple[dict[str, str], str] | None = None
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

    def prefixes(self) -> tuple[dict[str, str], str]:
        """The prefixes a shape written into the part uses for the ``p``, ``a`` and ``r``
        namespaces, and the declarations its outer element needs: the root's own prefixes
        where it declares them (a slide always does), else these names declared on it."""
        if self._prefixes is not None:
            return self._prefixes
        names: dict[str, str] = {}
        decls = []
        for want in ("p", "a", "r"):
            have = next((k for k, v in self.root.items() if v == NS[want]), None)
            if have is None:
                have = want
                decls.append(f' xmlns:{want}="{NS[want]}"')
            names[want] = have
        self._prefixes = (names, "".join(decls))
        return self._prefixes

    def fragment(self, el: Any) -> str:
        """lxml element ``el`` serialized as it would appear inside the part (reading a
        template only)."""
        return fragment(el, self.nsmap)

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


# --------------------------------------------------------------------------- elements
# Pictures and tables drawn in the place of a prototype's area shape, written as text like
# everything else a deck adds. Formatting is explicit (no table style id), so PowerPoint and
# LibreOffice show the same table.

TABLE_URI = "http://schemas.openxmlformats.org/drawingml/2006/table"
CELL_RULE = 6350
"""The width of the lines between table rows, EMU (half a point)."""
CELL_FILLS = {"header": "accent1", "odd": "bg1", "even": "bg2"}
"""Cell fills by row: the header in the theme's accent, body rows banded with the
background's two tones (on a dark theme bg1/bg2 are the dark ones, so text in tx1 reads)."""
CELL_TEXT = {"header": "bg1", "body": "tx1"}
"""Cell text colours: the background's on the accent-filled header, the text colour else."""
CELL_LINE = "tx2"
"""The colour of the rules between rows (a muted text colour on every bundled theme)."""


def _xfrm(tag: str, a: str, box: Sequence[int]) -> str:
    """An ``a:xfrm`` or ``p:xfrm`` (``tag`` with its prefix) placing ``box`` (x, y, cx, cy)."""
    x, y, cx, cy = (int(v) for v in box)
    return (
        f'<{tag}><{a}:off x="{x}" y="{y}"/><{a}:ext cx="{max(cx, 0)}" cy="{max(cy, 0)}"/></{tag}>'
    )


def picture_xml(
    m: Markup,
    sid: int,
    name: str,
    descr: str,
    title: str,
    rid: str,
    box: Sequence[int],
) -> str:
    """A ``p:pic`` showing the image of relationship ``rid`` at ``box`` (x, y, cx, cy),
    its alt text as ``descr`` (what screen readers say) and its aspect ratio locked."""
    names, decls = m.prefixes()
    p, a, r = names["p"], names["a"], names["r"]
    extra = f' title="{escape_attr(clean_text(title))}"' if title else ""
    return (
        f"<{p}:pic{decls}><{p}:nvPicPr>"
        f'<{p}:cNvPr id="{sid}" name="{escape_attr(clean_text(name))}" '
        f'descr="{escape_attr(clean_text(descr))}"{extra}/>'
        f'<{p}:cNvPicPr><{a}:picLocks noChangeAspect="1"/></{p}:cNvPicPr><{p}:nvPr/>'
        f"</{p}:nvPicPr><{p}:blipFill>"
        f'<{a}:blip {r}:embed="{rid}"/><{a}:stretch><{a}:fillRect/></{a}:stretch>'
        f"</{p}:blipFill><{p}:spPr>{_xfrm(a + ':xfrm', a, box)}"
        f'<{a}:prstGeom prst="rect"><{a}:avLst/></{a}:prstGeom></{p}:spPr></{p}:pic>'
    )


def background_xml(m: Markup, rid: str, crop: tuple[int, int]) -> bytes:
    """A slide's ``p:bg``: the picture of relationship ``rid`` filling the slide, ``crop``
    (left and right, top and bottom, in thousandths of a percent) cut off so it is not
    stretched."""
    names, decls = m.prefixes()
    p, a, r = names["p"], names["a"], names["r"]
    x, y = crop
    src = f'<{a}:srcRect l="{x}" t="{y}" r="{x}" b="{y}"/>' if x or y else f"<{a}:srcRect/>"
    return (
        f'<{p}:bg{decls}><{p}:bgPr><{a}:blipFill dpi="0" rotWithShape="1">'
        f'<{a}:blip {r}:embed="{rid}"/>{src}<{a}:stretch><{a}:fillRect/></{a}:stretch>'
        f"</{a}:blipFill><{a}:effectLst/></{p}:bgPr></{p}:bg>"
    ).encode()


_CSLD = re.compile(rb"(<(?:\w+:)?cSld\b[^>]*>)(\s*<(?:\w+:)?bg\b.*?</(?:\w+:)?bg>)?", re.S)
_FILL = re.compile(rb"<(\w+:)?solidFill>.*?</(\w+:)?solidFill>", re.S)
_GROUP_PROPS = re.compile(rb"</(?:\w+:)?grpSpPr>|<(?:\w+:)?grpSpPr\s*/>")
VEIL = 45_000
"""How opaque the veil over a background picture is (thousandths of a percent)."""


_COLOR_EMPTY = re.compile(r"(<((?:\w+:)?(?:schemeClr|srgbClr|sysClr|prstClr))\b[^>]*?)\s*/>")
_COLOR_END = re.compile(r"</(?:\w+:)?(?:schemeClr|srgbClr|sysClr|prstClr)>")


def _with_alpha(fill: str, alpha: str) -> str:
    """A ``solidFill`` with ``alpha`` added to its colour, or empty if it has none."""
    out, n = _COLOR_EMPTY.subn(lambda c: f"{c.group(1)}>{alpha}</{c.group(2)}>", fill, count=1)
    if not n:
        out, n = _COLOR_END.subn(lambda c: alpha + c.group(0), fill, count=1)
    return out if n else ""


def with_background(blob: bytes, bg: bytes, m: Markup, sid: int, size: tuple[int, int]) -> bytes:
    """A slide part's bytes with ``bg`` as its background (the prototype's own, if it has
    one, replaced: the first child of ``p:cSld``), and over it, behind every shape, a veil
    of the slide's own background colour (the prototype's solid fill, else ``bg1``) at
    :data:`VEIL`, so that text coloured for that background stays legible on a photo."""
    found = _CSLD.search(blob)
    if found is None:
        return blob
    names, decls = m.prefixes()
    p, a = names["p"], names["a"]
    alpha = f'<{a}:alpha val="{VEIL}"/>'
    own = _FILL.search(found.group(2) or b"")
    fill = _with_alpha(own.group(0).decode(), alpha) if own is not None else ""
    if not fill:
        fill = f'<{a}:solidFill><{a}:schemeClr val="bg1">{alpha}</{a}:schemeClr></{a}:solidFill>'
    w, h = size
    veil = (
        f'<{p}:sp{decls}><{p}:nvSpPr><{p}:cNvPr id="{sid}" name="Background Veil"/>'
        f"<{p}:cNvSpPr/><{p}:nvPr/></{p}:nvSpPr><{p}:spPr>"
        f'<{a}:xfrm><{a}:off x="0" y="0"/><{a}:ext cx="{w}" cy="{h}"/></{a}:xfrm>'
        f'<{a}:prstGeom prst="rect"><{a}:avLst/></{a}:prstGeom>{fill}<{a}:ln><{a}:noFill/>'
        f"</{a}:ln></{p}:spPr></{p}:sp>"
    ).encode()
    out = blob[: found.end(1)] + bg + blob[found.end() :]
    group = _GROUP_PROPS.search(out, found.end(1) + len(bg))
    if group is None:
        return out
    return out[: group.end()] + veil + out[group.end() :]


def timing_xml(m: Markup, steps: Sequence[tuple[int, int]]) -> bytes:
    """A slide's ``p:timing``: each (shape id, paragraph index) of ``steps`` appears on a
    click, in that order (PowerPoint's "Appear" entrance, by paragraph)."""
    names, decls = m.prefixes()
    p = names["p"]
    ids = iter(range(3, 10_000))
    clicks = []
    for sid, k in steps:
        a, b, c, d = next(ids), next(ids), next(ids), next(ids)
        clicks.append(
            f'<{p}:par><{p}:cTn id="{a}" fill="hold"><{p}:stCondLst><{p}:cond delay="indefinite"/>'
            f'</{p}:stCondLst><{p}:childTnLst><{p}:par><{p}:cTn id="{b}" fill="hold">'
            f'<{p}:stCondLst><{p}:cond delay="0"/></{p}:stCondLst><{p}:childTnLst><{p}:par>'
            f'<{p}:cTn id="{c}" presetID="1" presetClass="entr" presetSubtype="0" fill="hold" '
            f'grpId="0" nodeType="clickEffect"><{p}:stCondLst><{p}:cond delay="0"/>'
            f"</{p}:stCondLst><{p}:childTnLst><{p}:set><{p}:cBhvr>"
            f'<{p}:cTn id="{d}" dur="1" fill="hold"><{p}:stCondLst><{p}:cond delay="0"/>'
            f'</{p}:stCondLst></{p}:cTn><{p}:tgtEl><{p}:spTgt spid="{sid}"><{p}:txEl>'
            f'<{p}:pRg st="{k}" end="{k}"/></{p}:txEl></{p}:spTgt></{p}:tgtEl>'
            f"<{p}:attrNameLst><{p}:attrName>style.visibility</{p}:attrName></{p}:attrNameLst>"
            f'</{p}:cBhvr><{p}:to><{p}:strVal val="visible"/></{p}:to></{p}:set>'
            f"</{p}:childTnLst></{p}:cTn></{p}:par></{p}:childTnLst></{p}:cTn></{p}:par>"
            f"</{p}:childTnLst></{p}:cTn></{p}:par>"
        )
    shapes = dict.fromkeys(sid for sid, _ in steps)
    builds = "".join(f'<{p}:bldP spid="{sid}" grpId="0" build="p"/>' for sid in shapes)
    slide = f"<{p}:tgtEl><{p}:sldTgt/></{p}:tgtEl>"
    return (
        f'<{p}:timing{decls}><{p}:tnLst><{p}:par><{p}:cTn id="1" dur="indefinite" '
        f'restart="never" nodeType="tmRoot"><{p}:childTnLst><{p}:seq concurrent="1" '
        f'nextAc="seek"><{p}:cTn id="2" dur="indefinite" nodeType="mainSeq"><{p}:childTnLst>'
        + "".join(clicks)
        + f'</{p}:childTnLst></{p}:cTn><{p}:prevCondLst><{p}:cond evt="onPrev" delay="0">'
        f'{slide}</{p}:cond></{p}:prevCondLst><{p}:nextCondLst><{p}:cond evt="onNext" '
        f'delay="0">{slide}</{p}:cond></{p}:nextCondLst></{p}:seq></{p}:childTnLst>'
        f"</{p}:cTn></{p}:par></{p}:tnLst><{p}:bldLst>{builds}</{p}:bldLst></{p}:timing>"
    ).encode()


_TIMING = re.compile(rb"<(?:\w+:)?timing\b.*?</(?:\w+:)?timing>", re.S)
_CSLD_END = re.compile(rb"</(?:\w+:)?cSld>")
_AFTER_TIMING = re.compile(rb"<(?:\w+:)?extLst\b|</(?:\w+:)?sld>")


def with_timing(blob: bytes, timing: bytes) -> bytes:
    """A slide part's bytes with ``timing`` as its ``p:timing`` (the prototype's own, if
    any, replaced), in its place: after the slide's shapes, colour map and transition,
    before its extension list."""
    blob = _TIMING.sub(b"", blob)
    end = _CSLD_END.search(blob)
    spot = _AFTER_TIMING.search(blob, end.end()) if end is not None else None
    if spot is None:
        return blob
    return blob[: spot.start()] + timing + blob[spot.start() :]


def cell_rpr(
    m: Markup,
    *,
    end: bool,
    lang: str | None,
    size: float,
    bold: bool,
    italic: bool,
    font: str,
    color: str,
    rid: str | None = None,
) -> str:
    """A table cell run's (or, with ``end``, its paragraph end's) properties: size,
    bold/italic, a scheme colour, the typeface (Latin and complex script), a link."""
    names = m.prefixes()[0]
    a, r = names["a"], names["r"]
    tag = "endParaRPr" if end else "rPr"
    attrs = f' lang="{escape_attr(lang)}"' if lang else ""
    attrs += f' sz="{max(100, min(400000, round(size * 100)))}"'
    attrs += ' b="1"' if bold else ""
    attrs += ' i="1"' if italic else ""
    face = escape_attr(font)
    link = f'<{a}:hlinkClick {r}:id="{rid}"/>' if rid else ""
    return (
        f'<{a}:{tag}{attrs} dirty="0"><{a}:solidFill><{a}:schemeClr val="{color}"/>'
        f'</{a}:solidFill><{a}:latin typeface="{face}"/><{a}:cs typeface="{face}"/>'
        f"{link}</{a}:{tag}>"
    )


class CellText(NamedTuple):
    """One table cell: its paragraph's alignment (``l``, ``ctr``, ``r`` or empty), its
    runs as (text, serialized rPr) and its end's properties."""

    align: str
    runs: Sequence[tuple[str, str]]
    end: str


def table_xml(
    m: Markup,
    sid: int,
    name: str,
    descr: str,
    origin: tuple[int, int],
    columns: Sequence[int],
    rows: Sequence[tuple[int, str, Sequence[CellText]]],
) -> str:
    """A ``p:graphicFrame`` holding an ``a:tbl`` at ``origin`` (x, y): ``columns`` are the
    widths, ``rows`` (height, fill colour, cells) with the header first. Every cell carries
    its own margins, fill and rules (no table style)."""
    names, decls = m.prefixes()
    p, a = names["p"], names["a"]
    ml, mt, mr, mb = TABLE_CELL_MARGINS  # what fit measured the cells' text inside

    def rule(side: str) -> str:
        return (
            f'<{a}:{side} w="{CELL_RULE}" cap="flat" cmpd="sng" algn="ctr"><{a}:solidFill>'
            f'<{a}:schemeClr val="{CELL_LINE}"/></{a}:solidFill>'
            f'<{a}:prstDash val="solid"/></{a}:{side}>'
        )

    sides = (
        f'<{a}:lnL w="{CELL_RULE}"><{a}:noFill/></{a}:lnL>'
        f'<{a}:lnR w="{CELL_RULE}"><{a}:noFill/></{a}:lnR>' + rule("lnT") + rule("lnB")
    )
    out = [
        f"<{p}:graphicFrame{decls}><{p}:nvGraphicFramePr>"
        f'<{p}:cNvPr id="{sid}" name="{escape_attr(clean_text(name))}" '
        f'descr="{escape_attr(clean_text(descr))}"/>'
        f'<{p}:cNvGraphicFramePr><{a}:graphicFrameLocks noGrp="1"/></{p}:cNvGraphicFramePr>'
        f"<{p}:nvPr/></{p}:nvGraphicFramePr>",
        _xfrm(f"{p}:xfrm", a, (*origin, sum(columns), sum(h for h, _, _ in rows))),
        f'<{a}:graphic><{a}:graphicData uri="{TABLE_URI}"><{a}:tbl>'
        f'<{a}:tblPr firstRow="1" bandRow="1"/><{a}:tblGrid>',
        "".join(f'<{a}:gridCol w="{max(0, int(w))}"/>' for w in columns),
        f"</{a}:tblGrid>",
    ]
    for height, fill, cells in rows:
        out.append(f'<{a}:tr h="{max(0, int(height))}">')
        tcpr = (
            f'<{a}:tcPr marL="{ml}" marR="{mr}" marT="{mt}" marB="{mb}" anchor="ctr">{sides}'
            f'<{a}:solidFill><{a}:schemeClr val="{fill}"/></{a}:solidFill></{a}:tcPr>'
        )
        for cell in cells:
            ppr = f'<{a}:pPr algn="{cell.align}"/>' if cell.align else ""
            body = m.paragraph(ppr, cell.runs, cell.end)
            out.append(
                f"<{a}:tc><{a}:txBody><{a}:bodyPr/><{a}:lstStyle/>{body}</{a}:txBody>"
                f"{tcpr}</{a}:tc>"
            )
        out.append(f"</{a}:tr>")
    out.append(f"</{a}:tbl></{a}:graphicData></{a}:graphic></{p}:graphicFrame>")
    return "".join(out)


# --------------------------------------------------------------------------- placeholders

# Attribute values a serialized element carries in place of what each deck sets. Private-use
# characters (deckgen.markers): the template's own text never holds them next to ``name="``
# (and the reader removes private-use characters from summaries).
SLOTS = markers.SLOTS
TEXT = markers.TEXT_SLOT
"""The text slot of a serialized element (app.xml and core.xml values)."""


class Skeleton:
    """A serialized element whose :data:`SLOTS` attributes are set per use.

    A slot is filled with the value given, else with the template's own value (``kept``),
    else left out: the same bytes lxml writes when those attributes are set on a copy of
    the template's element, at their place, with the attributes it had kept in place.
    """

    def __init__(self, text: str, kept: Mapping[str, str | None]):
        self.text = text
        self.kept = dict(kept)

    def fill(self, **values: str | None) -> str:
        out = self.text
        for name, slot in SLOTS.items():
            token = f' {name}="{slot}"'
            if token not in out:
                continue
            value = values.get(name)
            if value is None:
                value = self.kept.get(name)
            out = out.replace(token, "" if value is None else f' {name}="{escape_attr(value)}"')
        return out


def _split_at(blob: bytes, slot: str) -> tuple[bytes, bytes, bytes] | None:
    """(before the element holding ``slot`` as its text, its start tag … end tag split at
    the slot, after), or None when the slot is not there."""
    mark = slot.encode()
    at = blob.find(mark)
    if at < 0:
        return None
    start = blob.rindex(b"<", 0, at)
    end = blob.index(b">", at) + 1
    return blob[:start], blob[start:end], blob[end:]


class AppXml:
    """docProps/app.xml with slots for what depends on the deck: slide and notes counts, and
    the slide titles (one ``lpstr`` slot standing for all of them)."""

    COUNT, NOTES, TITLES = markers.APP_COUNT, markers.APP_NOTES, markers.APP_TITLES
    TITLE_COUNT, SIZE = markers.APP_TITLE_COUNT, markers.APP_SIZE

    def __init__(self, blob: bytes, size: int):
        self.blob = blob
        self.size = size  # entries of TitlesOfParts besides the slide titles

    def fill(self, titles: Sequence[str], notes: int) -> bytes:
        blob = self.blob
        for slot, value in (
            (self.COUNT, len(titles)),
            (self.NOTES, notes),
            (self.TITLE_COUNT, len(titles)),
            (self.SIZE, self.size + len(titles)),
        ):
            blob = blob.replace(slot.encode(), str(value).encode())
        cut = _split_at(blob, self.TITLES)
        if cut is None:
            return blob
        before, element, after = cut
        open_tag, close_tag = element.split(self.TITLES.encode())
        made = b"".join(open_tag + escape(clean_text(t)[:255]).encode() + close_tag for t in titles)
        return before + made + after


# deck property -> core.xml element, as python-pptx's CorePropertiesPart maps them
CORE_TEXT = {
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
CORE_TIME = {
    "created": ("dcterms", "created"),
    "modified": ("dcterms", "modified"),
    "last_printed": ("cp", "lastPrinted"),
}
CORE_FROM_TEMPLATE = (*CORE_TEXT, "last_printed")
"""Properties that describe the template's own file (its designer, its description, when it
was printed, python-pptx's "generated using python-pptx"): a deck keeps none of them and
has only what its summary says."""


class CoreXml:
    """docProps/core.xml as the root's start tag, its children serialized, and, for each
    property a deck may set, the element to change or add with a :data:`TEXT` slot."""

    def __init__(
        self,
        heads: tuple[bytes, bytes],
        tail: bytes,
        children: list[tuple[str, str]],
        made: dict[str, tuple[str, str]],
    ):
        self.heads = heads  # without, with xsi declared on the root
        self.tail = tail
        self.children = children  # (Clark tag, serialized) in order
        self.made = made  # property -> (Clark tag, element with TEXT, for an added one)

    def fill(
        self, values: Mapping[str, str], timed: Sequence[str], cleared: Sequence[str] = ()
    ) -> bytes:
        """``values``: property -> text, in the order set; ``timed``: those set as times
        (``created``/``modified`` declare xsi on the root, as python-pptx does); ``cleared``:
        properties whose element the template has and the deck must not keep."""
        drop = {self.made[key][0] for key in cleared if key not in values}
        children = [c for c in self.children if c[0] not in drop]
        for key, text in values.items():
            tag, skeleton = self.made[key]
            element = skeleton.replace(TEXT, escape(text))
            for i, (have, _) in enumerate(children):
                if have == tag:
                    children[i] = (tag, element)
                    break
            else:
                children.append((tag, element))
        xsi = any(k in ("created", "modified") for k in timed)
        body = "".join(s for _, s in children).encode()
        return self.heads[xsi] + body + self.tail
