"""The writer draws a slide's elements (issue 11): pictures and tables in the place of their
area shape, list paragraphs with their bullet glyph and indent, and no decoration left
beside a text box that renders empty.

Decks are built by hand from the bundled themes (a prototype's text shape serves as the
area), written, and read back from their XML. Every deck written here is also validated
against the Open XML schemas (tests/schema.py's autouse fixture).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

import deckgen
from deckgen.errors import SourceError
from deckgen.model import (
    BULLET_HANG,
    EMU_PER_PT,
    LIST_INDENT,
    TABLE_CELL_MARGINS,
    Deck,
    Frame,
    Para,
    Picture,
    PlacedPicture,
    PlacedTable,
    RichText,
    SlideSpec,
    Span,
    Table,
    Theme,
)
from deckgen.render import write
from deckgen.themes import load

from .conftest import assert_valid
from .test_margins import MARGIN_EMU, wide_margin_template

ROOT = Path(__file__).resolve().parents[2]
NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
R_ID = f"{{{NS['r']}}}id"
R_EMBED = f"{{{NS['r']}}}embed"


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def theme() -> Theme:
    return load("default")


def shapes_of(theme: Theme, kind: str) -> dict[str, int]:
    return {s.name: s.shape_id for s in theme.prototypes[kind].shapes}


def text(value: str, **kw) -> tuple[Para, ...]:
    return (Para((Span(value),), **kw),)


def insight(
    theme: Theme,
    *,
    elements=(),
    explanation: tuple[Para, ...] | None = None,
    key_point: str | None = "",
) -> SlideSpec:
    """An insight slide whose "Key Point" box is the area of ``elements`` (or, with
    ``key_point`` text, a text box), its other boxes filled."""
    ids = shapes_of(theme, "insight")
    frames = [
        Frame(ids["Title"], text("A title")),
        Frame(ids["Insight Number"], text("3")),
        Frame(ids["Footer"], text("Footer")),
        Frame(ids["Slide Number"], text("1 / 3")),
        Frame(ids["Explanation"], explanation if explanation is not None else text("Because.")),
    ]
    if key_point:
        frames.append(Frame(ids["Key Point"], text(key_point)))
    return SlideSpec("insight", "A title", tuple(frames), elements=tuple(elements))


def write_deck(theme: Theme, slides, out: Path) -> Path:
    write(Deck(tuple(slides), theme, "Elements", properties={"created": "2024-01-01"}), out)
    return out


class Written:
    """A written deck's parts, parsed."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.blobs = {n: z.read(n) for n in z.namelist()}

    def slide(self, n: int):
        return etree.fromstring(self.blobs[f"ppt/slides/slide{n}.xml"])

    def rels(self, n: int) -> dict[str, tuple[str, str, str | None]]:
        root = etree.fromstring(self.blobs[f"ppt/slides/_rels/slide{n}.xml.rels"])
        return {
            r.get("Id"): (r.get("Type").rsplit("/", 1)[-1], r.get("Target"), r.get("TargetMode"))
            for r in root.iter(f"{REL_NS}Relationship")
        }

    def media(self) -> list[str]:
        return sorted(n for n in self.blobs if n.startswith("ppt/media/"))

    def defaults(self) -> dict[str, str]:
        root = etree.fromstring(self.blobs["[Content_Types].xml"])
        return {d.get("Extension"): d.get("ContentType") for d in root.iter(f"{CT_NS}Default")}


def tree_names(slide) -> list[str]:
    """The names of the top-level shapes of a slide, in z-order."""
    tree = slide.find("p:cSld/p:spTree", NS)
    out = []
    for el in tree:
        c = el.find("*/p:cNvPr", NS)
        if c is not None:
            out.append(c.get("name"))
    return out


def box_of(el) -> tuple[int, int, int, int]:
    xfrm = el.find("p:spPr/a:xfrm", NS)
    if xfrm is None:
        xfrm = el.find("p:xfrm", NS)
    off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
    return (int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy")))


def picture_file(path: Path, size=(80, 40), color=(200, 30, 30), fmt="PNG") -> Path:
    Image.new("RGB", size, color).save(path, fmt)
    return path


def placed_picture(theme: Theme, path: Path | None, alt: str, box=None, pixels=(80, 40)):
    area = (1_000_000, 1_500_000, 6_000_000, 3_000_000)
    pic = Picture(
        src=path.name if path else "gone.png",
        alt=alt,
        title="A title of its own",
        path=str(path) if path else None,
        pixels=pixels,
    )
    return PlacedPicture(shapes_of(theme, "insight")["Key Point"], pic, area, box)


# --------------------------------------------------------------------------- pictures


def test_a_picture_takes_its_area_shapes_place_with_its_box_and_alt_text(
    theme: Theme, tmp_path: Path
):
    png = picture_file(tmp_path / "diagram.png")
    box = (1_500_000, 1_600_000, 4_000_000, 2_000_000)
    slide = insight(theme, elements=[placed_picture(theme, png, "Diagram of the stages", box)])
    deck = Written(write_deck(theme, [slide], tmp_path / "deck.pptx"))
    root = deck.slide(1)
    (pic,) = root.iter(f"{{{NS['p']}}}pic")
    assert box_of(pic) == box
    c_nv_pr = pic.find("p:nvPicPr/p:cNvPr", NS)
    assert c_nv_pr.get("descr") == "Diagram of the stages"
    assert c_nv_pr.get("title") == "A title of its own"
    assert pic.find("p:nvPicPr/p:cNvPicPr/a:picLocks", NS).get("noChangeAspect") == "1"
    # the area shape is gone, the picture is where it was in the z-order
    proto = [n for n in tree_names(root) if n != c_nv_pr.get("name")]
    names = tree_names(root)
    assert "Key Point" not in names
    at = names.index(c_nv_pr.get("name"))
    assert names[at - 1] == "Title Rule" and names[at + 1] == "Explanation Edge", names
    assert "Explanation" in proto
    # the blip is this slide's image relationship to a media part holding the file
    rid = pic.find("p:blipFill/a:blip", NS).get(R_EMBED)
    kind, target, _ = deck.rels(1)[rid]
    assert kind == "image"
    part = "ppt/" + target.removeprefix("../")
    assert deck.blobs[part] == png.read_bytes()
    assert part == f"ppt/media/deckgen-{hashlib.sha256(png.read_bytes()).hexdigest()[:32]}.png"
    assert deck.defaults()["png"] == "image/png"
    assert_valid(deck.path)


def test_a_file_used_on_three_slides_is_stored_once(theme: Theme, tmp_path: Path):
    png = picture_file(tmp_path / "logo.png")
    twin = tmp_path / "same-bytes-other-name.png"
    twin.write_bytes(png.read_bytes())
    slides = [insight(theme, elements=[placed_picture(theme, png, f"Logo {i}")]) for i in range(3)]
    slides.append(insight(theme, elements=[placed_picture(theme, twin, "Logo again")]))
    deck = Written(write_deck(theme, slides, tmp_path / "deck.pptx"))
    (media,) = deck.media()
    for n in range(1, 5):
        images = [t for kind, t, _ in deck.rels(n).values() if kind == "image"]
        assert images == ["../media/" + media.rsplit("/", 1)[1]], (n, images)


def test_two_files_are_two_parts_each_with_its_content_type(theme: Theme, tmp_path: Path):
    red = picture_file(tmp_path / "red.png", color=(200, 0, 0))
    blue = picture_file(tmp_path / "blue.jpg", color=(0, 0, 200), fmt="JPEG")
    both = [placed_picture(theme, red, "Red"), placed_picture(theme, blue, "Blue")]
    deck = Written(write_deck(theme, [insight(theme, elements=both)], tmp_path / "deck.pptx"))
    media = deck.media()
    assert [m.rsplit(".", 1)[1] for m in media] == ["jpeg", "png"]
    assert {deck.blobs[m] for m in media} == {red.read_bytes(), blue.read_bytes()}
    assert deck.defaults()["jpeg"] == "image/jpeg"
    pics = list(deck.slide(1).iter(f"{{{NS['p']}}}pic"))
    ids = [p.find("p:nvPicPr/p:cNvPr", NS).get("id") for p in pics]
    all_ids = [c.get("id") for c in deck.slide(1).iter(f"{{{NS['p']}}}cNvPr")]
    assert len(pics) == 2 and len(set(all_ids)) == len(all_ids), all_ids
    assert ids[0] == str(shapes_of(theme, "insight")["Key Point"])


def test_without_a_box_a_picture_is_fitted_into_its_area_keeping_its_aspect(
    theme: Theme, tmp_path: Path
):
    png = picture_file(tmp_path / "wide.png", size=(300, 100))
    placed = placed_picture(theme, png, "Wide", pixels=(300, 100))
    deck = Written(write_deck(theme, [insight(theme, elements=[placed])], tmp_path / "d.pptx"))
    (pic,) = deck.slide(1).iter(f"{{{NS['p']}}}pic")
    x, y, w, h = box_of(pic)
    ax, ay, aw, ah = placed.area
    assert ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah
    assert abs(w / h - 3) < 0.01
    assert w == aw  # as large as the area allows, centred across its height
    assert abs((y - ay) - (ay + ah - y - h)) <= 1


def test_a_picture_that_cannot_be_read_is_a_one_line_error_and_nothing_is_written(
    theme: Theme, tmp_path: Path
):
    out = tmp_path / "deck.pptx"
    out.write_bytes(b"the deck from before")
    gone = tmp_path / "deleted-since.png"
    slide = insight(theme, elements=[placed_picture(theme, gone, "Gone")])
    with pytest.raises(SourceError) as caught:
        write_deck(theme, [slide], out)
    assert "deleted-since.png" in str(caught.value) and "\n" not in str(caught.value)
    assert out.read_bytes() == b"the deck from before"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_picture_left_unresolved_is_not_drawn_and_its_area_goes(theme: Theme, tmp_path: Path):
    slide = insight(theme, elements=[placed_picture(theme, None, "Remote")])
    deck = Written(write_deck(theme, [slide], tmp_path / "deck.pptx"))
    assert not list(deck.slide(1).iter(f"{{{NS['p']}}}pic"))
    assert "Key Point" not in tree_names(deck.slide(1))
    assert b"{{" not in deck.blobs["ppt/slides/slide1.xml"]


# --------------------------------------------------------------------------- tables


def rich(*spans: Span) -> RichText:
    return RichText(spans)


def plain(value: str) -> RichText:
    return RichText.plain_text(value)


TABLE = Table(
    header=(plain("Tool"), plain("Stars"), plain("Docs")),
    rows=(
        (plain("ruff"), plain("30k"), rich(Span("site", link="https://docs.astral.sh/ruff/"))),
        (rich(Span("mypy", bold=True)), plain("19k"), rich(Span("x", link="javascript:alert(1)"))),
        (rich(Span("black", code=True)), plain("38k"), plain("none")),
        (plain("pylint"), plain("5k"), plain("")),
    ),
    align=("l", "r", "ctr"),
)


AREA = (900_000, 1_800_000, 8_000_000, 3_000_000)


def table_rows(root) -> list[list]:
    (tbl,) = root.iter(f"{{{NS['a']}}}tbl")
    return [list(tr.iterfind("a:tc", NS)) for tr in tbl.iterfind("a:tr", NS)]


def cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{{{NS['a']}}}t"))


def fill_of(tc) -> str:
    return tc.find("a:tcPr/a:solidFill/a:schemeClr", NS).get("val")


def test_a_table_is_drawn_in_its_area_with_header_banding_alignment_and_links(
    theme: Theme, tmp_path: Path
):
    area = (900_000, 1_800_000, 8_000_000, 3_000_000)
    placed = PlacedTable(
        shapes_of(theme, "insight")["Key Point"],
        TABLE,
        area,
        font="Georgia",
        size=14,
        rows=(1, 3),
        columns=(3_000_000, 2_000_000, 2_500_000),
        heights=(400_000, 380_000, 380_000),
    )
    deck = Written(write_deck(theme, [insight(theme, elements=[placed])], tmp_path / "d.pptx"))
    root = deck.slide(1)
    (frame,) = root.iter(f"{{{NS['p']}}}graphicFrame")
    assert box_of(frame) == (900_000, 1_800_000, 7_500_000, 1_160_000)
    names = tree_names(root)
    assert (
        "Key Point" not in names
        and names.index(frame[0][0].get("name")) == names.index("Title Rule") + 1
    )
    rows = table_rows(root)
    assert [[cell_text(tc) for tc in row] for row in rows] == [
        ["Tool", "Stars", "Docs"],
        ["mypy", "19k", "x"],
        ["black", "38k", "none"],
    ]
    grid = [int(g.get("w")) for g in root.iter(f"{{{NS['a']}}}gridCol")]
    assert grid == [3_000_000, 2_000_000, 2_500_000]
    heights = [int(tr.get("h")) for tr in root.iter(f"{{{NS['a']}}}tr")]
    assert heights == [400_000, 380_000, 380_000]
    # header: bold, on the accent, in the background colour
    for tc in rows[0]:
        assert fill_of(tc) == "accent1"
        rpr = tc.find(".//a:r/a:rPr", NS)
        assert rpr.get("b") == "1" and rpr.get("sz") == "1400"
        assert rpr.find("a:solidFill/a:schemeClr", NS).get("val") == "bg1"
        assert rpr.find("a:latin", NS).get("typeface") == "Georgia"
    # every cell's margins are those fit measured the text inside
    for row in rows:
        for tc in row:
            tcpr = tc.find("a:tcPr", NS)
            got = tuple(int(tcpr.get(k)) for k in ("marL", "marT", "marR", "marB"))
            assert got == TABLE_CELL_MARGINS
    # body rows banded by their row in the table (rows 1 and 2 of the source)
    assert {fill_of(tc) for tc in rows[1]} == {"bg2"}
    assert {fill_of(tc) for tc in rows[2]} == {"bg1"}
    # alignment per column, on every row
    for row in rows:
        assert [tc.find("a:txBody/a:p/a:pPr", NS).get("algn") for tc in row] == ["l", "r", "ctr"]
    # bold, code and links in cells; a javascript: link keeps its text, unlinked
    assert rows[1][0].find(".//a:rPr", NS).get("b") == "1"
    assert rows[2][0].find(".//a:rPr/a:latin", NS).get("typeface") == "Courier New"
    assert rows[1][2].find(".//a:hlinkClick", NS) is None
    assert b"javascript" not in deck.blobs["ppt/slides/_rels/slide1.xml.rels"]


def test_a_link_in_a_cell_is_a_hyperlink(theme: Theme, tmp_path: Path):
    placed = PlacedTable(
        shapes_of(theme, "insight")["Key Point"], TABLE, (900_000, 1_800_000, 8_000_000, 3_000_000)
    )
    deck = Written(write_deck(theme, [insight(theme, elements=[placed])], tmp_path / "d.pptx"))
    rows = table_rows(deck.slide(1))
    link = rows[1][2].find(".//a:rPr/a:hlinkClick", NS)
    assert deck.rels(1)[link.get(R_ID)] == (
        "hyperlink",
        "https://docs.astral.sh/ruff/",
        "External",
    )


def test_a_table_fit_did_not_size_gets_equal_columns_at_18_points(theme: Theme, tmp_path: Path):
    area = (900_000, 1_800_000, 8_000_001, 3_000_000)
    placed = PlacedTable(shapes_of(theme, "insight")["Key Point"], TABLE, area)
    deck = Written(write_deck(theme, [insight(theme, elements=[placed])], tmp_path / "d.pptx"))
    root = deck.slide(1)
    grid = [int(g.get("w")) for g in root.iter(f"{{{NS['a']}}}gridCol")]
    assert sum(grid) == 8_000_001 and max(grid) - min(grid) <= 2
    rows = table_rows(root)
    assert len(rows) == 1 + len(TABLE.rows)
    sizes = {r.get("sz") for r in root.iter(f"{{{NS['a']}}}rPr")} - {None}
    assert sizes >= {"1800"}


def test_a_table_reads_on_the_dark_theme(tmp_path: Path):
    """Cell colours are the theme's scheme colours: bg1 is dark on the dark theme, so body
    text in tx1 is light, the header's accent fill carries dark text."""
    dark = load("dark")
    placed = PlacedTable(shapes_of(dark, "insight")["Key Point"], TABLE, AREA)
    deck = Written(write_deck(dark, [insight(dark, elements=[placed])], tmp_path / "d.pptx"))
    master = etree.fromstring(deck.blobs["ppt/slideMasters/slideMaster1.xml"])
    clr_map = master.find("p:clrMap", NS)
    theme_xml = etree.fromstring(deck.blobs["ppt/theme/theme1.xml"])
    scheme = theme_xml.find(".//a:clrScheme", NS)

    def rgb(val: str) -> tuple[int, int, int]:
        hexa = scheme.find(f"a:{clr_map.get(val, val)}/a:srgbClr", NS).get("val")
        return tuple(int(hexa[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]

    def luma(c: tuple[int, int, int]) -> float:
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    rows = table_rows(deck.slide(1))
    for row in rows:
        for tc in row:
            rpr = tc.find(".//a:r/a:rPr", NS)
            if rpr is None:
                continue
            color = rpr.find("a:solidFill/a:schemeClr", NS).get("val")
            assert abs(luma(rgb(color)) - luma(rgb(fill_of(tc)))) > 100, (color, fill_of(tc))


# --------------------------------------------------------------------------- lists


def ppr_of(p):
    return p.find("a:pPr", NS)


def explanation_paras(root) -> list:
    for sp in root.iter(f"{{{NS['p']}}}sp"):
        if sp.find("p:nvSpPr/p:cNvPr", NS).get("name") == "Explanation":
            return list(sp.iterfind("p:txBody/a:p", NS))
    raise AssertionError("no Explanation box")


def test_list_paragraphs_get_their_glyph_and_indent(theme: Theme, tmp_path: Path):
    paras = (
        Para((Span("top item"),), proto=2, bullet=True),
        Para((Span("nested item"),), proto=2, level=1, bullet=True),
        Para((Span("def code():"),), proto=2, bullet=False),
        Para((Span("as the template has it"),), proto=2),
    )
    out = tmp_path / "d.pptx"
    deck = Written(write_deck(theme, [insight(theme, explanation=paras, key_point="K")], out))
    top, nested, code, plain_para = explanation_paras(deck.slide(1))
    pt = EMU_PER_PT
    for p, level in ((top, 0), (nested, 1)):
        ppr = ppr_of(p)
        assert int(ppr.get("marL")) == round((LIST_INDENT * level + BULLET_HANG) * pt)
        assert int(ppr.get("indent")) == -round(BULLET_HANG * pt)
        assert int(ppr.get("lvl", "0")) == level
        assert ppr.find("a:buChar", NS).get("char") == "•"
        assert ppr.find("a:buClr/a:schemeClr", NS).get("val") == "accent1"
        assert ppr.find("a:buFont", NS).get("typeface") == "Arial"
    ppr = ppr_of(code)
    assert ppr.find("a:buNone", NS) is not None and ppr.find("a:buChar", NS) is None
    assert ppr.get("marL") == "0" and ppr.get("indent") == "0"
    # None: exactly what the paragraph is without list paragraphs beside it
    alone = insight(theme, explanation=paras[3:], key_point="K")
    (before,) = explanation_paras(Written(write_deck(theme, [alone], tmp_path / "b.pptx")).slide(1))
    assert etree.tostring(plain_para) == etree.tostring(before)


def test_the_bullet_indent_starts_at_the_paragraphs_own_margin(tmp_path: Path):
    """A corporate body whose text starts two inches in: the list is indented from there."""
    corporate = load(str(wide_margin_template(tmp_path)))
    body = next(s for s in corporate.prototypes["bullets"].shapes if s.role == "content")
    title = next(s for s in corporate.prototypes["bullets"].shapes if s.is_title)
    margin = body.paragraphs[0].margin
    assert margin >= MARGIN_EMU / EMU_PER_PT
    paras = tuple(
        Para((Span(f"item {n}"),), proto=0, level=n, bullet=True, size=18) for n in range(3)
    )
    slide = SlideSpec(
        "bullets", "T", (Frame(title.shape_id, text("T")), Frame(body.shape_id, paras))
    )
    deck = Written(write_deck(corporate, [slide], tmp_path / "d.pptx"))
    got = [
        int(p.find("a:pPr", NS).get("marL"))
        for p in deck.slide(1).iter(f"{{{NS['a']}}}p")
        if "item" in "".join(t.text or "" for t in p.iter(f"{{{NS['a']}}}t"))
    ]
    want = [round((margin + LIST_INDENT * n + BULLET_HANG) * EMU_PER_PT) for n in range(3)]
    assert got == want


# --------------------------------------------------------------------------- decorations


def test_a_decoration_goes_with_its_empty_text_box(theme: Theme, tmp_path: Path):
    empty = insight(theme, explanation=text(" "), key_point="Point")
    full = insight(theme, explanation=text("Because."), key_point="Point")
    deck = Written(write_deck(theme, [empty, full], tmp_path / "d.pptx"))
    assert "Explanation" not in tree_names(deck.slide(1))
    assert "Explanation Edge" not in tree_names(deck.slide(1))
    assert {"Explanation", "Explanation Edge"} <= set(tree_names(deck.slide(2)))
    assert "Title Rule" in tree_names(deck.slide(1))  # the title is never removed


def test_a_closing_edge_goes_with_an_empty_closing(tmp_path: Path):
    dark = load("dark")
    ids = shapes_of(dark, "conclusion")
    slides = [
        SlideSpec(
            "conclusion",
            "Conclusion",
            (
                Frame(ids["Title"], text("Conclusion")),
                Frame(ids["Conclusion"], text("All in all.")),
                Frame(ids["Closing"], text(closing)),
                Frame(ids["Slide Number"], text("1")),
            ),
        )
        for closing in ("", "Go and try it.")
    ]
    deck = Written(write_deck(dark, slides, tmp_path / "d.pptx"))
    assert "Closing Edge" not in tree_names(deck.slide(1))
    assert "Closing Edge" in tree_names(deck.slide(2))


def test_the_content_deck_keeps_every_decoration(tmp_path: Path, monkeypatch):
    """content.md's insights all have explanations: every insight slide keeps the shapes of
    its prototype, decorations included (the deck stays as it was)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    out = tmp_path / "content.pptx"
    deckgen.build(ROOT / "content.md", out, template="default")
    deck = Written(out)
    slides = sorted(n for n in deck.blobs if n.startswith("ppt/slides/slide"))
    with_edge = 0
    for name in slides:
        names = tree_names(etree.fromstring(deck.blobs[name]))
        if "Explanation" in names or "Explanation Edge" in names:
            assert "Explanation" in names and "Explanation Edge" in names, (name, names)
            with_edge += 1
        assert not etree.fromstring(deck.blobs[name]).findall(".//a:buChar", NS)
    assert with_edge >= 5


def test_a_deck_with_elements_is_written_the_same_every_time(theme: Theme, tmp_path: Path):
    """Writing a deck is a pure function of the deck: the same deck gives the same bytes,
    pictures and tables included."""
    png = picture_file(tmp_path / "p.png")
    placed = placed_picture(theme, png, "P")
    table = PlacedTable(
        shapes_of(theme, "insight")["Key Point"],
        TABLE,
        (1_000_000, 1_000_000, 5_000_000, 2_000_000),
    )
    slides = [insight(theme, elements=[placed]), insight(theme, elements=[table])]
    a = write_deck(theme, slides, tmp_path / "a.pptx").read_bytes()
    b = write_deck(theme, slides, tmp_path / "b.pptx").read_bytes()
    assert a == b
    assert zipfile.ZipFile(io.BytesIO(a)).testzip() is None
