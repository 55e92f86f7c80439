"""Which layout of a corporate template each slide kind uses, chosen by what the layouts
are rather than by what they are called.

A corporate template (no prototype slides) is filled through its layouts. Real templates
name their layouts in the designer's language ("Titelfolie", "Slajd tytułowy", "タイトル
スライド"), list a cover first, and carry layouts with a title and a small text box
(subtitle, source line) next to the ones meant for content. So each layout is read for its
placeholders — their types (``title``, ``ctrTitle``, ``subTitle``, ``body``, ``obj``,
``pic`` …), their geometry (resolved through the master), and the layout's own ``type``
(``title``, ``obj``, ``secHead`` …) — and a kind takes the layout whose structure fits it:

- ``title``: a title-slide layout (a centred title, or layout type ``title``); else one
  with a subtitle; else a cover-like layout (a title and a text box much smaller than the
  content layout's); else the content layout;
- content kinds (``agenda``, ``insight``, ``bullets``, ``conclusion``): the layout whose
  main text box (the largest ``body``/``obj`` placeholder) is largest — never a cover or a
  section header, never one whose only text box is a subtitle, never vertical text;
  within 10 % of the largest, fewer extra placeholders win;
- ``section``: a section-header layout (type ``secHead``), else one named like one, else
  the content layout;
- ``agenda``: a layout named like an agenda ("Agenda", "Tagesordnung", "目次" …) with a title
  and a text box at least half the content layout's, else the content layout;
- ``picture``: a layout with a title and a picture placeholder (``pic``, e.g. "Picture with
  Caption"), the largest winning, one with a text box for the caption first; else
  ``text_picture``'s layout; else the content layout;
- ``text_picture``: a layout with a title and two boxes side by side of about the same size
  ("Two Content"; "Comparison", whose headers stay empty), fewer extra placeholders first;
  else the content layout;
- ``table``, ``code``, ``quote``: the content layout;
- ``columns``: two text boxes side by side ("Two Content"), fewer extra placeholders
  first; ``comparison`` (columns with headings): two text boxes side by side with a header
  box over each ("Comparison"); none: the kind is not there (plan falls back).

The element kinds also say which placeholder is what (:func:`places`): the *area* (where
the writer draws a picture or a table: a ``pic`` placeholder, the right of two boxes side by
side, a ``tbl`` placeholder, else the main text box) and the text box (a picture's caption,
the text beside a picture, the text above a table when the layout has a second box big
enough for it; the main text box of code and quote slides).

Names (in any language) only break ties, then the order of the layouts. A user can pin a
kind to a layout by its name (front matter ``layouts:``, ``--layout KIND=NAME``).
Deterministic: the same file and pins give the same choice, which is how the writer finds
the layouts again (``reader.base_for``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from lxml import etree

from deckgen.errors import TemplateError
from deckgen.model import LAYOUT_KINDS
from deckgen.render import _xml as X

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import SlideLayout

KINDS = LAYOUT_KINDS
"""The kinds a corporate template supplies (``closing`` needs a prototype slide)."""
CONTENT_KINDS = ("agenda", "insight", "bullets", "conclusion")
ELEMENT_KINDS = ("picture", "text_picture", "table", "code", "quote", "columns", "comparison")
"""Kinds whose placeholders are assigned by :func:`places` (an area and a text box) or,
for two columns, by :func:`column_places`."""
COLUMN_KINDS = ("columns", "comparison")
"""Two columns side by side (pandoc's ``:::: columns``); ``comparison`` with a header over
each. A template without a layout for them has no such kind: plan shows the columns'
content as a section's text and pictures."""
AREA_KINDS = ("picture", "text_picture", "table")
"""Kinds with an area: a placeholder the writer replaces by a picture or a table."""
TEXT_TYPES = ("body", "obj")
"""Placeholder types that hold a body of text (``subTitle`` only on a title slide)."""
CHROME_TYPES = ("sldNum", "ftr", "dt")
NON_TEXT_TYPES = ("pic", "chart", "tbl", "dgm", "media", "clipArt", "sldImg")
SIDE_BY_SIDE = 0.5
"""Two boxes are side by side when they share at least this fraction of the shorter one's
height, do not overlap across, and the smaller has at least this fraction of the larger's
area."""
TEXT_BESIDE_TABLE = 0.1
"""A second text box takes a table's text when its area is at least this fraction of the
table's and it is at least :data:`MIN_TEXT_HEIGHT` high (a one-line "Source" box is not)."""
MIN_TEXT_HEIGHT = 914400 * 3 // 4
EMU_PER_IN = 914400
TIE = 0.9
"""Main text boxes at least this fraction of the largest count as equally large."""
COVER = 0.5
"""A layout whose main text box is under this fraction of the content layout's is a cover."""

# Layout names in the languages templates come in, normalized (:func:`normalized`): only to
# break ties between layouts that are alike, never to pick a layout the structure rules out.
NAMES: dict[str, tuple[str, ...]] = {
    "title": (
        "title slide", "titelfolie", "slajd tytułowy", "slide de título", "diapositivo de título",
        "diapositiva de título", "diapositive de titre", "diapositiva titolo", "titeldia",
        "タイトル スライド", "タイトルスライド", "标题幻灯片", "標題投影片", "제목 슬라이드",
        "title & subtitle", "title", "cover", "titel", "título", "tytuł", "deckblatt", "capa",
        "portada", "表紙",
    ),
    "content": (
        "title and content", "titel und inhalt", "tytuł i zawartość", "título e conteúdo",
        "título y objetos", "titre et contenu", "titolo e contenuto", "titel en object",
        "タイトルとコンテンツ", "标题和内容", "標題及物件", "제목 및 내용", "title & bullets",
        "title and text", "content", "inhalt", "zawartość", "conteúdo", "contenido", "contenu",
        "コンテンツ", "bullets", "text",
    ),
    "section": (
        "section header", "abschnittsüberschrift", "nagłówek sekcji", "cabeçalho da seção",
        "cabeçalho de secção", "encabezado de sección", "en-tête de section",
        "intestazione sezione", "sectiekop", "セクション見出し", "节标题", "區段標題",
        "구역 머리글", "section", "divider", "abschnitt", "kapitel", "sekcja", "rozdział",
        "seção", "secção", "sección", "capítulo", "セクション", "章",
    ),
    "picture": (
        "picture with caption", "bild mit überschrift", "obraz z podpisem",
        "imagem com legenda", "imagen con descripción", "image avec légende",
        "immagine con didascalia", "afbeelding met bijschrift", "タイトル付きの図",
        "图片与标题", "含標題的圖片", "캡션 있는 그림", "picture", "image", "photo", "bild",
        "obraz", "imagem", "imagen", "immagine", "afbeelding", "図", "图片",
    ),
    "two": (
        "two content", "zwei inhalte", "dwa elementy zawartości", "duas partes de conteúdo",
        "dos objetos", "deux contenus", "due contenuti", "twee objecten", "2 つのコンテンツ",
        "两栏内容", "兩個內容", "콘텐츠 2개", "comparison", "vergleich", "porównanie",
        "comparação", "comparación", "comparaison", "confronto", "vergelijking", "比較", "比较",
        "two columns", "2 columns", "two column", "text and picture", "split",
    ),
    "agenda": (
        "agenda", "tagesordnung", "inhaltsverzeichnis", "porządek", "spis treści", "sumário",
        "pauta", "índice", "ordre du jour", "sommaire", "indice", "アジェンダ", "目次", "议程",
        "目录", "overview", "table of contents",
    ),
}  # fmt: skip


def normalized(name: str) -> str:
    """A layout name as compared: NFKC, case-folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def name_score(name: str, group: str) -> int:
    """2 for a known name of ``group`` (``title``, ``content``, ``section``), 1 for a name
    holding one of its words, else 0."""
    n = normalized(name)
    names = NAMES[group]
    if n in names:
        return 2
    words = set(re.split(r"[\s\-_/&,.:;()]+", n))
    for known in names:
        if " " not in known and (known in words or (not known.isascii() and known in n)):
            return 1
    return 0


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Box:
    """One placeholder of a layout, placed (its own geometry, else its master's)."""

    type: str
    idx: int
    box: tuple[int, int, int, int]
    vertical: bool

    @property
    def area(self) -> int:
        return max(self.box[2], 0) * max(self.box[3], 0)

    def beside(self, other: Box) -> bool:
        """Side by side: mostly at the same height, not overlapping across, of about the
        same size (:data:`SIDE_BY_SIDE`)."""
        (x0, y0, w0, h0), (x1, y1, w1, h1) = self.box, other.box
        shared = min(y0 + h0, y1 + h1) - max(y0, y1)
        apart = x0 + w0 <= x1 + EMU_PER_IN // 20 or x1 + w1 <= x0 + EMU_PER_IN // 20
        small, large = sorted((self.area, other.area))
        return apart and shared >= SIDE_BY_SIDE * min(h0, h1) > 0 and small >= SIDE_BY_SIDE * large

    def describe(self) -> str:
        return f"{'content' if self.type == 'obj' else self.type} placeholder ({self.size()})"

    def size(self) -> str:
        return f"{self.box[2] / EMU_PER_IN:.1f} × {self.box[3] / EMU_PER_IN:.1f} in"


@dataclass(frozen=True)
class LayoutInfo:
    """What a layout is: its placeholders, placed, and its declared type."""

    layout: SlideLayout
    index: int
    """Position among all layouts of all masters (the order PowerPoint lists them)."""
    name: str
    type: str
    """``p:sldLayout/@type``: ``title``, ``obj``, ``secHead``, ``titleOnly`` …; ``cust``."""
    boxes: tuple[Box, ...]

    @property
    def title(self) -> Box | None:
        for b in self.boxes:
            if b.type in X.TITLE_TYPES and not b.vertical:
                return b
        return None

    @property
    def texts(self) -> list[Box]:
        """Horizontal ``body``/``obj`` placeholders, largest first."""
        found = [b for b in self.boxes if b.type in TEXT_TYPES and not b.vertical]
        return sorted(found, key=lambda b: (-b.area, b.idx))

    @property
    def main(self) -> Box | None:
        texts = self.texts
        return texts[0] if texts else None

    @property
    def subtitles(self) -> list[Box]:
        return [b for b in self.boxes if b.type == "subTitle" and not b.vertical]

    @property
    def centered(self) -> bool:
        """A title-slide layout: a centred title, or declared as one."""
        return self.type == "title" or any(b.type == "ctrTitle" for b in self.boxes)

    @property
    def vertical(self) -> bool:
        return any(b.vertical for b in self.boxes if b.type in (*X.TITLE_TYPES, *TEXT_TYPES))

    @property
    def extras(self) -> int:
        """Placeholders besides the title, the main text box and numbers/footer/date."""
        main = self.main
        return sum(
            1 for b in self.boxes if b is not main and b.type not in (*X.TITLE_TYPES, *CHROME_TYPES)
        )

    @property
    def pictures(self) -> int:
        """Placeholders for pictures, charts, tables, media: deckgen leaves them empty."""
        return sum(1 for b in self.boxes if b.type in NON_TEXT_TYPES)

    def main_area(self) -> int:
        main = self.main
        return main.area if main is not None else 0

    @property
    def pics(self) -> list[Box]:
        """Horizontal picture placeholders, largest first."""
        found = [b for b in self.boxes if b.type == "pic" and not b.vertical]
        return sorted(found, key=lambda b: (-b.area, b.idx))

    @property
    def usable(self) -> bool:
        """A layout for a section's slide: a title, no vertical text, not a cover or a
        section header."""
        return (
            self.title is not None
            and not self.vertical
            and not self.centered
            and self.type != "secHead"
        )

    def pair(self) -> tuple[Box, Box] | None:
        """Two boxes side by side (text or picture placeholders, at least one for text),
        left first: the pair with the largest smaller box (a comparison layout's content
        boxes, not its headers)."""
        boxes = [*self.texts, *self.pics]
        best: tuple[Box, Box] | None = None
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if not a.beside(b) or a.type == b.type == "pic":
                    continue
                left, right = sorted((a, b), key=lambda x: (x.box[0], x.idx))
                if best is None or min(a.area, b.area) > min(best[0].area, best[1].area):
                    best = (left, right)
        return best

    def others(self, *used: Box | None) -> int:
        """Placeholders besides the title, numbers/footer/date and ``used``."""
        return sum(
            1 for b in self.boxes if b not in used and b.type not in (*X.TITLE_TYPES, *CHROME_TYPES)
        )


def iter_layouts(prs: Presentation) -> Iterable[SlideLayout]:
    for master in prs.slide_masters:
        yield from master.slide_layouts


def _master_kind(t: str) -> str:
    if t in X.TITLE_TYPES:
        return "title"
    if t in CHROME_TYPES:
        return t
    return "body"


def _vertical(sps: list[etree._Element], ph: etree._Element) -> bool:
    if ph.get("orient") == "vert":
        return True
    for sp in sps:
        body = sp.find(f"{X.P_TXBODY}/{X.qn('a:bodyPr')}")
        if body is not None and body.get("vert") is not None:
            return body.get("vert") not in ("horz", "wordArtVertRtl") and body.get("vert") != ""
    return False


def describe(prs: Presentation) -> list[LayoutInfo]:
    """Every layout of every master, read for what it is."""
    width = prs.slide_width or 9144000
    height = prs.slide_height or 6858000
    out: list[LayoutInfo] = []
    masters: dict[int, dict[str, etree._Element]] = {}
    for index, layout in enumerate(iter_layouts(prs)):
        master = layout.slide_master
        by_type = masters.get(id(master))
        if by_type is None:
            by_type = {}
            for sp in X.iter_sp(master.shapes._spTree):
                ph = X.ph_of(sp)
                if ph is not None:
                    by_type.setdefault(X.ph_type(ph), sp)
            masters[id(master)] = by_type
        boxes = []
        for sp in X.iter_sp(layout.shapes._spTree):
            ph = X.ph_of(sp)
            if ph is None:
                continue
            t = X.ph_type(ph)
            chain = [sp]
            mas = by_type.get(_master_kind(t))
            if mas is None:
                mas = by_type.get(t)
            if mas is not None:
                chain.append(mas)
            box = next((b for b in map(X.xfrm_box, chain) if b is not None), (0, 0, width, height))
            boxes.append(Box(t, X.ph_idx(ph), box, _vertical(chain, ph)))
        out.append(
            LayoutInfo(
                layout=layout,
                index=index,
                name=layout.name or "",
                type=layout._element.get("type", "cust"),
                boxes=tuple(boxes),
            )
        )
    return out


# --------------------------------------------------------------------------- choosing


@dataclass(frozen=True)
class Choice:
    """The layout a kind uses, and why (``deckgen templates check`` prints both)."""

    kind: str
    info: LayoutInfo
    reason: str
    pinned: bool = False
    area: Box | None = None
    """The element kinds' area (:func:`places`): the placeholder a picture or table takes."""
    text: Box | None = None
    """The element kinds' text box (:func:`places`); None: the slide has none (plan puts
    the text elsewhere)."""
    boxes: tuple[tuple[str, Box], ...] = ()
    """The column kinds' boxes (:func:`column_places`): ``left``, ``right`` and a
    comparison layout's ``left_heading``, ``right_heading``."""

    @property
    def layout(self) -> SlideLayout:
        return self.info.layout

    @property
    def name(self) -> str:
        return self.info.name


def _rank(
    infos: list[LayoutInfo], key: Callable[[LayoutInfo], tuple[object, ...]], group: str
) -> tuple[LayoutInfo, str]:
    """The best of ``infos`` by structural ``key`` (smaller is better), names then order
    breaking ties; and a note saying so when a structurally equal layout lost."""
    keys = {i.index: key(i) for i in infos}
    ordered = sorted(infos, key=lambda i: (keys[i.index], -name_score(i.name, group), i.index))
    best = ordered[0]
    alike = [r for r in ordered[1:] if keys[r.index] == keys[best.index]]
    if not alike:
        return best, ""
    other = alike[0]
    if name_score(best.name, group) > name_score(other.name, group):
        return best, f"; as good as {other.name!r}, its name decides"
    return best, f"; as good as {other.name!r}, listed first"


def _content(infos: list[LayoutInfo]) -> tuple[LayoutInfo | None, str]:
    """The content layout, and why."""
    fit = [
        i
        for i in infos
        if i.title is not None
        and i.main is not None
        and not i.vertical
        and not i.centered
        and i.type != "secHead"
    ]
    if not fit:  # a template of covers and dividers: any title with a text box
        fit = [i for i in infos if i.title is not None and i.main is not None]
    if not fit:
        titled = [i for i in infos if i.title is not None and not i.vertical]
        if not titled:
            return None, ""
        best, note = _rank(titled, lambda i: (i.centered, i.type == "secHead"), "content")
        return best, f"no layout has a title and a text box: a layout with a title{note}"
    largest = max(i.main_area() for i in fit)

    def key(i: LayoutInfo) -> tuple[int, ...]:
        area = i.main_area()
        if area >= TIE * largest:
            return (0, i.extras)
        return (1, -area, i.extras)

    best, note = _rank(fit, key, "content")
    main = best.main
    assert main is not None
    extra = f", {best.extras} other placeholder{'s' * (best.extras != 1)} left empty"
    reason = (
        f"largest text box ({main.size()}) of {len(fit)} layout{'s' * (len(fit) != 1)} "
        f"with a title and a text box{extra if best.extras else ''}{note}"
    )
    return best, reason


def _title(infos: list[LayoutInfo], content: LayoutInfo | None) -> tuple[LayoutInfo, str]:
    titled = [i for i in infos if i.title is not None]
    content_area = content.main_area() if content is not None else 0

    def cover_like(i: LayoutInfo) -> bool:
        return (
            i is not content
            and i.type != "secHead"
            and bool(i.texts)
            and i.main_area() < COVER * content_area
        )

    def tier(i: LayoutInfo) -> int:
        if i.centered:
            return 0
        if i.subtitles and i.type != "secHead":
            return 1
        if cover_like(i):
            return 2
        return 3

    def key(i: LayoutInfo) -> tuple[int, ...]:
        # a place for the subtitle first; a picture placeholder would be left empty
        return (tier(i), not (i.subtitles or i.texts), i.pictures)

    best, note = _rank(titled, key, "title")
    why = {
        0: "title-slide layout (centred title)"
        if any(b.type == "ctrTitle" for b in best.boxes)
        else "title-slide layout (type 'title')",
        1: "a title with a subtitle",
        2: "cover-like: a title over a text box much smaller than the content layout's",
        3: "no title-slide layout: the content layout"
        if best is content
        else "no title-slide layout: a layout with a title",
    }[tier(best)]
    return best, why + note


def _agenda(infos: list[LayoutInfo], content: LayoutInfo) -> LayoutInfo | None:
    """A layout the designer made for the agenda (named like one, in any language), if it
    has a title and a text box not much smaller than the content layout's."""
    fit = [
        i
        for i in infos
        if i is not content
        and i.title is not None
        and i.main is not None
        and not i.vertical
        and i.main_area() >= COVER * content.main_area()
        and name_score(i.name, "agenda") > 0
    ]
    if not fit:
        return None
    return min(fit, key=lambda i: (-name_score(i.name, "agenda"), -i.main_area(), i.index))


def _section(infos: list[LayoutInfo], content: LayoutInfo | None) -> tuple[LayoutInfo, str]:
    heads = [i for i in infos if i.type == "secHead" and i.title is not None]
    if heads:
        best, note = _rank(heads, lambda i: (i.main is None and not i.subtitles,), "section")
        return best, f"section-header layout (type 'secHead'){note}"
    named = [
        i
        for i in infos
        if i.title is not None and not i.vertical and name_score(i.name, "section") > 0
    ]
    if named:
        best, note = _rank(named, lambda i: (-name_score(i.name, "section"),), "section")
        return best, f"named like a section header{note}"
    assert content is not None
    return content, "no section-header layout: the content layout"


def _picture(infos: list[LayoutInfo]) -> tuple[LayoutInfo, str] | None:
    """A layout for a picture: a title and a picture placeholder, one with a caption box
    first, then the largest picture (within 10 %), fewer extra placeholders."""
    fit = [i for i in infos if i.usable and i.pics]
    if not fit:
        return None
    largest = max(i.pics[0].area for i in fit)

    def key(i: LayoutInfo) -> tuple[object, ...]:
        pic = i.pics[0]
        caption = _caption(i, pic)
        size = (0, 0) if pic.area >= TIE * largest else (1, -pic.area)
        return (caption is None, size, i.others(pic, caption))

    best, note = _rank(fit, key, "picture")
    pic = best.pics[0]
    with_caption = " with a caption box" if _caption(best, pic) is not None else ""
    return best, f"picture placeholder ({pic.size()}){with_caption}{note}"


def _two(infos: list[LayoutInfo]) -> tuple[LayoutInfo, str] | None:
    """A layout for text beside a picture: a title and two boxes side by side, a picture
    placeholder among them first, then fewer extra placeholders (a comparison layout's
    headers), then the larger pair."""
    fit = [(i, pair) for i in infos if i.usable and (pair := i.pair()) is not None]
    if not fit:
        return None
    pairs = {i.index: pair for i, pair in fit}
    largest = max(a.area + b.area for a, b in pairs.values())

    def key(i: LayoutInfo) -> tuple[object, ...]:
        a, b = pairs[i.index]
        size = a.area + b.area
        return (
            "pic" not in (a.type, b.type),
            i.others(a, b),
            (0, 0) if size >= TIE * largest else (1, -size),
        )

    best, note = _rank([i for i, _ in fit], key, "two")
    a, b = pairs[best.index]
    extra = best.others(a, b)
    empty = f", {extra} other placeholder{'s' * (extra != 1)} left empty" if extra else ""
    return best, f"two boxes side by side ({a.size()}, {b.size()}){empty}{note}"


def _text_pair(info: LayoutInfo) -> tuple[Box, Box] | None:
    """Two text boxes side by side, left first: the pair with the largest smaller box."""
    texts = info.texts
    best: tuple[Box, Box] | None = None
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if not a.beside(b):
                continue
            if best is None or min(a.area, b.area) > min(best[0].area, best[1].area):
                best = tuple(sorted((a, b), key=lambda x: (x.box[0], x.idx)))  # type: ignore[assignment]
    return best


def _header(info: LayoutInfo, box: Box, used: tuple[Box, ...]) -> Box | None:
    """A text box right over ``box`` (a comparison layout's header): above it (within a
    quarter inch), over most of its width, lower than it."""
    x, y, w, h = box.box
    found = []
    for b in info.texts:
        if b in used:
            continue
        bx, by, bw, bh = b.box
        shared = min(x + w, bx + bw) - max(x, bx)
        above = by + bh <= y + EMU_PER_IN // 4 and y - (by + bh) <= EMU_PER_IN and bh < h
        if above and shared >= 0.5 * min(w, bw) > 0:
            found.append((y - (by + bh), b.idx, b))
    return min(found, key=lambda f: (f[0], f[1]))[2] if found else None


def column_places(kind: str, info: LayoutInfo) -> tuple[tuple[str, Box], ...]:
    """The boxes of a column kind on ``info``: ``left`` and ``right`` (two text boxes side
    by side) and, for ``comparison``, the ``left_heading`` and ``right_heading`` over them;
    empty when the layout has no such boxes."""
    pair = _text_pair(info)
    if pair is None:
        return ()
    left, right = pair
    out: list[tuple[str, Box]] = [("left", left), ("right", right)]
    if kind == "comparison":
        lh = _header(info, left, pair)
        rh = _header(info, right, (*pair, *((lh,) if lh else ())))
        if lh is None or rh is None:
            return ()
        out += [("left_heading", lh), ("right_heading", rh)]
    return tuple(out)


def _columns(infos: list[LayoutInfo], kind: str) -> tuple[LayoutInfo, str] | None:
    """A layout for two columns: two text boxes side by side (and, for ``comparison``, a
    header over each), fewer extra placeholders first, then the larger pair."""
    fit = [(i, got) for i in infos if i.usable and (got := column_places(kind, i))]
    if not fit:
        return None
    boxes = {i.index: got for i, got in fit}
    largest = max(got[0][1].area + got[1][1].area for got in boxes.values())

    def key(i: LayoutInfo) -> tuple[object, ...]:
        got = boxes[i.index]
        size = got[0][1].area + got[1][1].area
        return (i.others(*(b for _, b in got)), (0, 0) if size >= TIE * largest else (1, -size))

    best, note = _rank([i for i, _ in fit], key, "two")
    named = dict(boxes[best.index])
    extra = best.others(*named.values())
    empty = f", {extra} other placeholder{'s' * (extra != 1)} left empty" if extra else ""
    heads = " with a header over each" if kind == "comparison" else ""
    return best, (
        f"two text boxes side by side ({named['left'].size()}, {named['right'].size()}){heads}"
        f"{empty}{note}"
    )


def _caption(info: LayoutInfo, area: Box) -> Box | None:
    """The text box for a picture's caption: the largest text box that is not ``area``."""
    return next((b for b in info.texts if b != area), None)


def places(kind: str, info: LayoutInfo) -> tuple[Box | None, Box | None]:
    """For an element kind (:data:`ELEMENT_KINDS`) on ``info``: its area (where the writer
    draws the picture or table; None for code and quote) and its text box (None: none).

    ``picture``: the largest picture placeholder, its caption in the largest text box; on
    a layout without one, the right of two boxes side by side (the caption on the left),
    else the main text box (no caption box). ``text_picture``: two boxes side by side, the
    text left and the picture right (a picture placeholder is the area wherever it is);
    else a picture placeholder beside the largest text box; else the main text box is the
    area and there is no text box. ``table``: a ``tbl`` placeholder, else the main text
    box; its text in a second text box only if that is big enough for a few lines
    (:data:`TEXT_BESIDE_TABLE`). ``code`` and ``quote``: the main text box holds it all.
    """
    main = info.main
    if kind in ("code", "quote"):
        return None, main
    if kind == "table":
        tables = sorted(
            (b for b in info.boxes if b.type == "tbl" and not b.vertical),
            key=lambda b: (-b.area, b.idx),
        )
        area = tables[0] if tables else main
        if area is None:
            return None, None
        text = next(
            (
                b
                for b in info.texts
                if b != area
                and b.area >= TEXT_BESIDE_TABLE * area.area
                and b.box[3] >= MIN_TEXT_HEIGHT
            ),
            None,
        )
        return area, text
    pair = info.pair()
    pics = info.pics
    if kind == "picture" and pics:
        return pics[0], _caption(info, pics[0])
    if pair is not None:
        left, right = pair
        if left.type == "pic" and right.type != "pic":
            left, right = right, left
        return right, left
    if pics:
        return pics[0], _caption(info, pics[0])
    return main, None


_WHAT = {
    "picture": ("picture", "caption"),
    "text_picture": ("picture", "text"),
    "table": ("table", "text"),
    "code": ("", "code and text"),
    "quote": ("", "quote and text"),
}


def _with_places(choice: Choice) -> Choice:
    """An element kind's choice with its area and text box, the reason saying which."""
    if choice.kind in COLUMN_KINDS:
        boxes = column_places(choice.kind, choice.info)
        where = ", ".join(f"{role.replace('_', ' ')} in the {b.describe()}" for role, b in boxes)
        return replace(choice, boxes=boxes, reason=f"{choice.reason}; {where or 'no columns'}")
    if choice.kind not in ELEMENT_KINDS:
        return choice
    area, text = places(choice.kind, choice.info)
    area_what, text_what = _WHAT[choice.kind]
    side = {}
    if area is not None and text is not None and area.beside(text):
        side = {area: "right ", text: "left "} if text.box[0] < area.box[0] else {}
        side = side or {area: "left ", text: "right "}
    said = []
    if area_what:
        said.append(
            f"{area_what} in the {side.get(area, '')}{area.describe()}"
            if area
            else f"no room for a {area_what}"
        )
    said.append(
        f"{text_what} in the {side.get(text, '')}{text.describe()}"
        if text
        else f"no box for the {text_what}"
    )
    return replace(choice, area=area, text=text, reason=f"{choice.reason}; {', '.join(said)}")


def choose(
    prs: Presentation, pins: Mapping[str, str] | None = None, where: str | None = None
) -> dict[str, Choice]:
    """The layout of every kind (:data:`KINDS`), by structure, or as pinned by name.

    TemplateError (naming ``where``) when the template has no layouts at all, no layout
    with a title, or a pinned name that no layout has.
    """
    infos = describe(prs)
    if not infos:
        raise TemplateError(
            "template has no prototype slides and its slide master has no layouts",
            path=where,
            hint="add layouts to the master (View → Slide Master), or use a theme",
        )
    content, content_reason = _content(infos)
    if content is None:
        raise TemplateError(
            "template has no prototype slides and no layout with a title placeholder",
            path=where,
            hint="give a layout a title placeholder (View → Slide Master), or use a theme",
        )
    out: dict[str, Choice] = {}
    title, why = _title(infos, content)
    out["title"] = Choice("title", title, why)
    section, why = _section(infos, content)
    out["section"] = Choice("section", section, why)
    for kind in CONTENT_KINDS:
        out[kind] = Choice(kind, content, content_reason)
    agenda = _agenda(infos, content)
    if agenda is not None:
        out["agenda"] = Choice(
            "agenda", agenda, "a layout for an agenda: named like one, with a title and a text box"
        )
    two = _two(infos)
    if two is not None:
        out["text_picture"] = Choice("text_picture", *two)
    else:
        out["text_picture"] = Choice(
            "text_picture",
            content,
            "no layout with two boxes side by side: the content layout, the picture in its "
            "text box (the text on a slide of its own)",
        )
    picture = _picture(infos)
    if picture is not None:
        out["picture"] = Choice("picture", *picture)
    elif two is not None:
        out["picture"] = Choice(
            "picture", two[0], "no picture layout: the layout for text beside a picture"
        )
    else:
        out["picture"] = Choice(
            "picture", content, "no picture layout: the content layout, the picture in its text box"
        )
    for kind in ("table", "code", "quote"):
        out[kind] = Choice(kind, content, "the content layout")
    for kind in COLUMN_KINDS:
        cols = _columns(infos, kind)
        if cols is not None:
            out[kind] = Choice(kind, *cols)
    for kind, name in (pins or {}).items():
        out[kind] = _pinned(infos, kind, name, out, where)
    return {kind: _with_places(out[kind]) for kind in KINDS if kind in out}


def _pinned(
    infos: list[LayoutInfo],
    kind: str,
    name: str,
    defaults: Mapping[str, Choice],
    where: str | None,
) -> Choice:
    if kind not in KINDS:
        raise TemplateError(
            f"cannot pin {kind!r} slides to a layout",
            path=where,
            hint=f"kinds: {', '.join(KINDS)}",
        )
    wanted = normalized(name)
    named = [i for i in infos if normalized(i.name) == wanted]
    if not named:
        known = ", ".join(repr(i.name) for i in infos)
        raise TemplateError(
            f"no layout named {name!r} for {kind} slides",
            path=where,
            hint=f"the template's layouts: {known}",
        )
    default = defaults.get(kind)
    if default is not None and any(i is default.info for i in named):
        best = default.info  # the same name twice: the one the structure prefers
    else:
        best = named[0]
    return Choice(kind, best, "pinned by name", pinned=True)
