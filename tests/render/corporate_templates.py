"""Corporate templates (no prototype slides) in the shapes real ones come in, made with
python-pptx at test time (issue 14): a cover layout listed before the content layout, a
content layout with a small extra "Source" box, a 4:3 template with a one-line title box,
layouts named in German, Polish, Portuguese and Japanese, slide-number/footer/date
placeholders, a designer in the core properties, a master with no layouts.

Each starts from python-pptx's default template (4:3, eleven layouts with slide-number,
footer and date placeholders); 16:9 ones have their master and layouts stretched to the
new width, as PowerPoint does when a designer changes the slide size.

Run as a script to write them all into a folder for a look in PowerPoint/LibreOffice:
``python tests/render/corporate_templates.py OUTDIR``.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

WIDE = (Emu(12192000), Emu(6858000))
PT = 12700
IN = 914400

# the eleven layouts of python-pptx's default template, in order, in four languages
NAMES = {
    "en": (
        "Title Slide", "Title and Content", "Section Header", "Two Content", "Comparison",
        "Title Only", "Blank", "Content with Caption", "Picture with Caption",
        "Title and Vertical Text", "Vertical Title and Text",
    ),
    "de": (
        "Titelfolie", "Titel und Inhalt", "Abschnittsüberschrift", "Zwei Inhalte", "Vergleich",
        "Nur Titel", "Leer", "Inhalt mit Überschrift", "Bild mit Überschrift",
        "Titel und vertikaler Text", "Vertikaler Titel und Text",
    ),
    "pl": (
        "Slajd tytułowy", "Tytuł i zawartość", "Nagłówek sekcji", "Dwa elementy zawartości",
        "Porównanie", "Tylko tytuł", "Pusty", "Zawartość z podpisem", "Obraz z podpisem",
        "Tytuł i tekst pionowy", "Tytuł pionowy i tekst",
    ),
    "pt": (
        "Slide de Título", "Título e Conteúdo", "Cabeçalho da Seção", "Duas Partes de Conteúdo",
        "Comparação", "Somente Título", "Em branco", "Conteúdo com Legenda",
        "Imagem com Legenda", "Título e Texto Vertical", "Título Vertical e Texto",
    ),
    "ja": (
        "タイトル スライド", "タイトルとコンテンツ", "セクション見出し", "2 つのコンテンツ", "比較",
        "タイトルのみ", "白紙", "タイトル付きのコンテンツ", "タイトル付きの図",
        "タイトルと縦書きテキスト", "縦書きタイトルと縦書きテキスト",
    ),
}  # fmt: skip


# --------------------------------------------------------------------------- helpers


def layouts(prs) -> list:
    return list(prs.slide_layouts)


def by_name(prs, name: str):
    for lay in prs.slide_layouts:
        if lay.name == name:
            return lay
    raise KeyError(name)


def rename(layout, name: str) -> None:
    layout._element.cSld.set("name", name)


def untype(layout) -> None:
    """Drop ``p:sldLayout/@type`` (custom layouts have none): only placeholders tell."""
    layout._element.attrib.pop("type", None)


def placeholder(layout, ph_type: str, idx: int | None = None):
    for sp in layout.shapes._spTree.iter(qn("p:sp")):
        ph = sp.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
        if ph is None or ph.get("type", "obj") != ph_type:
            continue
        if idx is None or ph.get("idx", "0") == str(idx):
            return sp
    raise KeyError(ph_type)


def set_type(sp, ph_type: str) -> None:
    ph = sp.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
    if ph_type == "obj":
        ph.attrib.pop("type", None)
    else:
        ph.set("type", ph_type)


def place(sp, x: int, y: int, w: int, h: int) -> None:
    """Give a placeholder its own geometry (``a:xfrm``)."""
    sp_pr = sp.find(qn("p:spPr"))
    for old in sp_pr.findall(qn("a:xfrm")):
        sp_pr.remove(old)
    xfrm = etree.SubElement(sp_pr, qn("a:xfrm"))
    sp_pr.insert(0, xfrm)
    etree.SubElement(xfrm, qn("a:off"), x=str(int(x)), y=str(int(y)))
    etree.SubElement(xfrm, qn("a:ext"), cx=str(int(w)), cy=str(int(h)))


def widen(prs) -> None:
    """16:9 with the master and every layout stretched to the new width."""
    scale = WIDE[0] / prs.slide_width
    prs.slide_width, prs.slide_height = WIDE
    for part in [prs.slide_master, *prs.slide_layouts]:
        for xfrm in part._element.iter(qn("a:xfrm")):
            off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
            if off is not None:
                off.set("x", str(round(int(off.get("x")) * scale)))
            if ext is not None:
                ext.set("cx", str(round(int(ext.get("cx")) * scale)))


def remove_layouts(prs, keep: Iterable[str] = ()) -> None:
    keep = set(keep)
    for lay in list(prs.slide_layouts):
        if lay.name not in keep:
            prs.slide_layouts.remove(lay)


def move_first(prs, name: str) -> None:
    """List layout ``name`` first (``p:sldLayoutIdLst`` order is the order users see)."""
    lst = prs.slide_master._element.find(qn("p:sldLayoutIdLst"))
    target = by_name(prs, name).part
    rid = next(r for r, rel in prs.slide_master.part.rels.items() if rel.target_part is target)
    for entry in lst:
        if entry.get(qn("r:id")) == rid:
            lst.remove(entry)
            lst.insert(0, entry)
            return
    raise KeyError(name)


def designed_by(prs, who: str = "Jo Designer") -> None:
    cp = prs.core_properties
    cp.author = cp.last_modified_by = who
    cp.title, cp.subject = "ACME corporate template", "ACME master"
    cp.comments, cp.keywords, cp.category = "Internal template v7", "acme, brand", "Templates"


# --------------------------------------------------------------------------- templates


def cover_first(path: Path) -> Path:
    """16:9, Portuguese names; the cover ("Título da Apresentação") is listed first and is
    built like a content layout: a plain title and a plain body (no centred title, no
    subtitle, no layout type); "Title & Subtitle" (a Keynote export's cover) comes next."""
    prs = Presentation()
    widen(prs)
    for lay, name in zip(layouts(prs), NAMES["pt"], strict=True):
        rename(lay, name)
    cover = by_name(prs, "Slide de Título")
    rename(cover, "Título da Apresentação")
    untype(cover)
    set_type(placeholder(cover, "ctrTitle"), "title")
    set_type(placeholder(cover, "subTitle"), "body")
    untype(by_name(prs, "Título e Conteúdo"))
    keynote = by_name(prs, "Comparação")  # a second cover, like a Keynote export's
    rename(keynote, "Title & Subtitle")
    untype(keynote)
    for sp in list(keynote.shapes._spTree.iter(qn("p:sp"))):
        ph = sp.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
        if ph is not None and ph.get("idx") in ("2", "3", "4"):
            sp.getparent().remove(sp)
    place(placeholder(keynote, "body", 1), 1.5 * IN, 4.2 * IN, 10.3 * IN, 0.7 * IN)
    move_first(prs, "Title & Subtitle")
    move_first(prs, "Título da Apresentação")
    prs.save(path)
    return path


SOURCE_BOX_PT = 29
CONTENT_BOX_PT = 343


def source_box(path: Path) -> Path:
    """16:9; the content layout carries a 29 pt "Source" body box, before a 343 pt content
    placeholder in the shape tree, and is the template's only title-and-content layout."""
    prs = Presentation()
    widen(prs)
    content = by_name(prs, "Title and Content")
    rename(content, "Title, Content and Source")
    main = placeholder(content, "obj", 1)
    place(main, 0.6 * IN, 1.45 * IN, 12.1 * IN, CONTENT_BOX_PT * PT)
    source = copy.deepcopy(placeholder(by_name(prs, "Section Header"), "body", 1))
    source.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}").set("name", "Source")
    source.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}").set("id", "42")
    source.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}").set("idx", "13")
    place(
        source, 0.6 * IN, 1.45 * IN + CONTENT_BOX_PT * PT + 0.05 * IN, 12.1 * IN, SOURCE_BOX_PT * PT
    )
    main.addprevious(source)  # first in the shape tree
    for lay in ("Two Content", "Comparison", "Content with Caption"):
        prs.slide_layouts.remove(by_name(prs, lay))
    prs.save(path)
    return path


def short_title_4x3(path: Path) -> Path:
    """4:3 with one-line title boxes (0.75 in) at 40 pt, the cover's title too."""
    prs = Presentation()
    master = prs.slide_master
    place(placeholder(master, "title"), 0.5 * IN, 0.35 * IN, 9 * IN, 0.75 * IN)
    title_style = master._element.find(f"{qn('p:txStyles')}/{qn('p:titleStyle')}")
    title_style.find(f"{qn('a:lvl1pPr')}/{qn('a:defRPr')}").set("sz", "4000")
    place(placeholder(master, "body"), 0.5 * IN, 1.3 * IN, 9 * IN, 5.2 * IN)
    for lay in layouts(prs):
        for sp in lay.shapes._spTree.iter(qn("p:sp")):
            ph = sp.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
            if ph is not None and ph.get("type") in ("title", "ctrTitle"):
                if lay.name == "Title Slide":
                    place(sp, 0.75 * IN, 2.4 * IN, 8.5 * IN, 0.75 * IN)
                elif sp.find(f"{qn('p:spPr')}/{qn('a:xfrm')}") is not None:
                    place(sp, 0.5 * IN, 0.35 * IN, 9 * IN, 0.75 * IN)
    content = by_name(prs, "Title and Content")
    place(placeholder(content, "obj", 1), 0.5 * IN, 1.3 * IN, 9 * IN, 5.2 * IN)
    designed_by(prs)
    prs.save(path)
    return path


def named(path: Path, lang: str) -> Path:
    """16:9; layouts named in ``lang``, no layout types at all (custom layouts), and the
    two-content and vertical-text layouts listed first."""
    prs = Presentation()
    widen(prs)
    for lay, name in zip(layouts(prs), NAMES[lang], strict=True):
        rename(lay, name)
        untype(lay)
    move_first(prs, NAMES[lang][9])  # title and vertical text
    move_first(prs, NAMES[lang][3])  # two content
    prs.save(path)
    return path


def chrome(path: Path) -> Path:
    """16:9 python-pptx default: every layout has slide-number, footer and date boxes."""
    prs = Presentation()
    widen(prs)
    designed_by(prs)
    prs.save(path)
    return path


def no_layouts(path: Path) -> Path:
    prs = Presentation()
    remove_layouts(prs)
    prs.save(path)
    return path


def tie(path: Path) -> Path:
    """Two structurally equal content layouts: "Layout 7" listed first, "Titel und Inhalt"
    second; the name breaks the tie."""
    prs = Presentation()
    widen(prs)
    rename(by_name(prs, "Title and Content"), "Titel und Inhalt")
    rename(by_name(prs, "Title and Vertical Text"), "Layout 7")
    lay = by_name(prs, "Layout 7")
    untype(lay)
    body = placeholder(lay, "body", 1)
    body.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}").attrib.pop("orient", None)
    body_pr = body.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
    body_pr.attrib.pop("vert", None)
    set_type(body, "obj")
    move_first(prs, "Layout 7")
    prs.save(path)
    return path


def agenda_layout(path: Path) -> Path:
    """16:9; the content-with-caption layout is named "Agenda" (as Keynote's themes have)."""
    prs = Presentation()
    widen(prs)
    rename(by_name(prs, "Content with Caption"), "Agenda")
    prs.save(path)
    return path


ALL = {
    "cover-first": cover_first,
    "source-box": source_box,
    "short-title-4x3": short_title_4x3,
    "chrome": chrome,
    "tie": tie,
    "agenda": agenda_layout,
    "no-layouts": no_layouts,
}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    for name, make in ALL.items():
        make(out / f"{name}.pptx")
    for lang in ("de", "pl", "pt", "ja"):
        named(out / f"named-{lang}.pptx", lang)
    print(f"written to {out}")
