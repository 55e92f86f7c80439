"""Issue 11 end to end: pictures, tables, code, lists and quotes land as native slide
elements, checked from the XML of decks built from tests/fixtures/elements/ (fast, no
LibreOffice; tests/render/test_elements_render.py renders the same decks).

Every fixture is built in the three bundled themes and in two corporate templates made from
python-pptx's default one (4:3, as it comes, and 16:9, stretched the way PowerPoint does),
and each test asserts what a user would notice on opening the deck:

- a picture that exists is a ``p:pic`` inside the slide, its box's aspect ratio the image's
  own (within 1 %), never cropped, not on top of text, its description the alt text; a
  picture used three times is stored once;
- a Markdown table is an ``a:tbl``, its header the first row of every slide it is on, its
  body rows all there once, in order, whole; bold and links in cells survive, and ``--:``
  aligns right;
- a code block is monospace, in order, whitespace kept, no bullets; seven lines stay in one
  box; ninety are split at line boundaries;
- nested lists are indented, ordered lists keep their numbers, task lists their boxes, a
  quote has its attribution on its slide;
- a missing or remote picture is a warning, and its alt text is on a slide.

Every deck written here is also validated against the Open XML schemas (tests/schema.py's
autouse fixture), so a schema error fails the test that wrote the deck.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from PIL import Image
from pptx import Presentation

import deckgen
from deckgen.cli import cli

from .render import corporate_templates as ct
from .rendercheck import check_deck
from .schema import require_validator, validate

ROOT = Path(__file__).resolve().parent.parent
ELEMENTS = ROOT / "tests" / "fixtures" / "elements"
FIXTURES = sorted(p.stem for p in ELEMENTS.glob("*.md"))
THEMES = ("default", "dark", "bold")
CORPORATE = ("corporate-16x9", "corporate-4x3")
TEMPLATES = THEMES + CORPORATE

# Issue 11's "Done when" list: each case, the fixture that holds it and a pattern its
# Markdown must match (so the map cannot go stale when a fixture is edited).
DONE_WHEN: dict[str, tuple[str, str]] = {
    "one picture with text": ("ci_pipeline", r"stages in order\.[^#]*!\[Diagram"),
    "a picture alone": ("photo_essay", r"## The old harbour\n\n!\[[^\]]+\]\([^)]+\)\n\n##"),
    "three pictures": ("photo_essay", r"(?:!\[[^\]]*\]\(images/[^)]+\)\n){3}"),
    "a tall picture": ("photo_essay", r"images/lighthouse-tall\.png"),
    "a very wide picture": ("photo_essay", r"images/skyline-wide\.png"),
    "a missing picture": ("missing_pictures", r"images/desk-setup\.png"),
    "a remote picture": ("missing_pictures", r"\]\(https://status\.example\.com/"),
    "a 3-row table": ("ci_pipeline", r"\|:-+\|:-+:\|-+:\|\n(?:\|.*\|\n){3}\n"),
    "a 40-row table": ("report_tables", r"\|---\|--:\|--:\|--:\|--:\|\n(?:\|.*\|\n){40}\n"),
    "a table with 9 columns": ("report_tables", r"\n(?:\|[^|\n]+){9}\|\n\|---"),
    "a table with links and bold in cells": ("report_tables", r"\| \*\*\w+\*\* \|.*\]\(https://"),
    "a 7-line code block": ("ci_pipeline", r"```yaml\n(?:.*\n){7}```"),
    "a 90-line code block": ("tutorial_code", r"```python\n(?:.*\n){90}```"),
    "a nested bullet list": ("vorlesung_de", r"\n- Atomarität\n  - ganz"),
    "an ordered list": ("vorlesung_de", r"\n1\. .*\n2\. .*\n3\. "),
    "a quote with attribution": ("book_notes_quote", r"\n> .*\n>\n> — Ilse Marrow"),
    "a task list": ("meeting_tasks", r"\n- \[x\] .*\n(?:.*\n)*- \[ \] "),
}

P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"p": P_NS, "a": A_NS, "r": R_NS}
MONO = re.compile(r"mono|courier|consolas|menlo|code", re.IGNORECASE)
ASPECT_TOLERANCE = 0.01
EMU_PER_PT = 12700


# --------------------------------------------------------------------------- templates


def corporate_template(path: Path, *, wide: bool) -> Path:
    """python-pptx's default template (4:3, the eleven standard layouts), or the same
    stretched to 16:9 the way PowerPoint does when a designer changes the slide size."""
    prs = Presentation()
    if wide:
        ct.widen(prs)
    prs.save(str(path))
    return path


def template_arg(name: str, folder: Path) -> str:
    """What ``deckgen.build(template=…)`` gets for one of TEMPLATES."""
    if name in THEMES:
        return name
    path = folder / f"{name}.pptx"
    if not path.exists():
        corporate_template(path, wide=name == "corporate-16x9")
    return str(path)


def assert_renders_in_its_boxes(source: Path, template: str, tmp_path: Path) -> None:
    """Build ``source`` with one of TEMPLATES and render it through LibreOffice: every word
    is drawn, inside its box (:func:`tests.rendercheck.check_deck`)."""
    out = tmp_path / f"{source.stem}-{template}.pptx"
    deckgen.build(source, out, template=template_arg(template, tmp_path))
    problems = check_deck(out, tmp_path / "render")
    assert not problems, f"{out.name}:\n" + "\n".join(problems[:40])


# --------------------------------------------------------------------------- the source


@dataclass(frozen=True)
class PictureRef:
    alt: str
    src: str
    title: str

    def file(self) -> Path | None:
        """The picture's file, when the fixture's folder has it (deckgen never downloads)."""
        if "://" in self.src:
            return None
        path = ELEMENTS / self.src
        return path if path.is_file() else None


_PICTURE = re.compile(r'!\[([^\]]*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)')


def picture_refs(name: str) -> list[PictureRef]:
    text = (ELEMENTS / f"{name}.md").read_text(encoding="utf-8")
    return [PictureRef(m[1], m[2], m[3] or "") for m in _PICTURE.finditer(text)]


@dataclass
class Cell:
    text: str
    bold: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)


@dataclass
class SourceTable:
    header: list[Cell]
    rows: list[list[Cell]]
    align: list[str]  # "left", "center", "right" or ""


def _inline(token: Any) -> Cell:
    """A cell's plain text, its bold words and its links, from markdown-it's inline token."""
    text: list[str] = []
    cell = Cell("")
    bold_depth = 0
    bold: list[str] = []
    href: str | None = None
    link: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            text.append(child.content)
            if bold_depth:
                bold.append(child.content)
            if href is not None:
                link.append(child.content)
        elif child.type == "softbreak":
            text.append(" ")
        elif child.type == "strong_open":
            bold_depth += 1
        elif child.type == "strong_close":
            bold_depth -= 1
            cell.bold.append("".join(bold))
            bold = []
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
        elif child.type == "link_close":
            cell.links.append(("".join(link), href or ""))
            href, link = None, []
    cell.text = norm("".join(text))
    return cell


def source_tables(name: str) -> list[SourceTable]:
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse((ELEMENTS / f"{name}.md").read_text(encoding="utf-8"))
    tables: list[SourceTable] = []
    row: list[Cell] = []
    align: list[str] = []
    in_head = False
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            tables.append(SourceTable([], [], []))
        elif tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row, align = [], []
        elif tok.type in ("th_open", "td_open"):
            style = str(tok.attrs.get("style", ""))
            align.append(style.removeprefix("text-align:"))
            row.append(_inline(tokens[i + 1]))
        elif tok.type == "tr_close":
            if in_head:
                tables[-1].header, tables[-1].align = row, align
            else:
                tables[-1].rows.append(row)
    return tables


def code_blocks(name: str) -> list[list[str]]:
    """Each fenced code block's lines, as written."""
    md = MarkdownIt("commonmark")
    tokens = md.parse((ELEMENTS / f"{name}.md").read_text(encoding="utf-8"))
    return [t.content.rstrip("\n").split("\n") for t in tokens if t.type in ("fence", "code_block")]


def norm(s: str) -> str:
    return " ".join(s.replace("\u00a0", " ").split())


# --------------------------------------------------------------------------- the deck


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    def inside(self, width: int, height: int) -> bool:
        return (
            self.x >= 0 and self.y >= 0 and self.x + self.w <= width and self.y + self.h <= height
        )

    def overlaps(self, other: Box, slack: int = EMU_PER_PT) -> bool:
        """The boxes share more than ``slack`` (one point) both ways."""
        dx = min(self.x + self.w, other.x + other.w) - max(self.x, other.x)
        dy = min(self.y + self.h, other.y + other.h) - max(self.y, other.y)
        return dx > slack and dy > slack

    def __str__(self) -> str:
        pt = EMU_PER_PT
        return f"({self.x / pt:.0f}, {self.y / pt:.0f}) {self.w / pt:.0f}×{self.h / pt:.0f} pt"


def _xfrm_box(el: Any) -> Box | None:
    for path in ("./p:spPr/a:xfrm", "./p:xfrm"):
        xfrm = el.find(path, NS)
        if xfrm is not None:
            off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
            if off is not None and ext is not None:
                return Box(
                    int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy"))
                )
    return None


@dataclass
class Pic:
    slide: int
    descr: str
    box: Box | None
    partname: str
    digest: str
    cropped: bool


@dataclass
class TableFrame:
    slide: int
    box: Box | None
    rows: list[list[Any]]  # a:tc elements
    part: Any

    def texts(self) -> list[list[str]]:
        return [[cell_text(tc) for tc in row] for row in self.rows]


@dataclass
class TextBox:
    slide: int
    name: str
    box: Box
    paras: list[Any]  # a:p elements
    el: Any

    @property
    def text(self) -> str:
        return "\n".join(para_text(p) for p in self.paras)


def para_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(f"{{{A_NS}}}t"))


def cell_text(tc: Any) -> str:
    return norm(" ".join(para_text(p) for p in tc.iter(f"{{{A_NS}}}p")))


def _ppr(p: Any) -> Any:
    return p.find("a:pPr", NS)


def has_child(p: Any, tag: str) -> bool:
    ppr = _ppr(p)
    return ppr is not None and ppr.find(f"a:{tag}", NS) is not None


def run_font(run: Any, shape_el: Any) -> str:
    """The Latin typeface a run is drawn in: its own, else its shape's list style's."""
    latin = run.find("a:rPr/a:latin", NS)
    if latin is not None and latin.get("typeface"):
        return str(latin.get("typeface"))
    for lvl in shape_el.iterfind(".//a:lstStyle/a:lvl1pPr/a:defRPr/a:latin", NS):
        return str(lvl.get("typeface", ""))
    return ""


def is_code_para(p: Any, shape_el: Any) -> bool:
    runs = [r for r in p.iterfind("a:r", NS) if (r.findtext("a:t", "", NS) or "").strip()]
    return bool(runs) and all(MONO.search(run_font(r, shape_el)) for r in runs)


@dataclass
class Deck:
    path: Path
    warnings: tuple[str, ...]
    width: int
    height: int
    pics: list[Pic]
    tables: list[TableFrame]
    texts: list[TextBox]
    media: dict[str, str]  # partname -> sha256 of every image part
    slide_text: list[str]
    notes: list[str]

    def on_slide(self, n: int) -> list[TextBox]:
        return [t for t in self.texts if t.slide == n]


def read_deck(path: Path, warnings: tuple[str, ...] = ()) -> Deck:
    prs = Presentation(str(path))
    pics: list[Pic] = []
    tables: list[TableFrame] = []
    texts: list[TextBox] = []
    media: dict[str, str] = {}
    slide_text: list[str] = []
    notes: list[str] = []
    for n, slide in enumerate(prs.slides, 1):
        el = slide._element
        for pic in el.iter(f"{{{P_NS}}}pic"):
            blip = pic.find("p:blipFill/a:blip", NS)
            rid = blip.get(f"{{{R_NS}}}embed") if blip is not None else None
            part = slide.part.related_part(rid) if rid else None
            src_rect = pic.find("p:blipFill/a:srcRect", NS)
            cropped = src_rect is not None and any(
                int(src_rect.get(k, "0")) != 0 for k in ("l", "t", "r", "b")
            )
            pics.append(
                Pic(
                    n,
                    pic.find("p:nvPicPr/p:cNvPr", NS).get("descr", ""),
                    _xfrm_box(pic),
                    str(part.partname) if part is not None else "",
                    hashlib.sha256(part.blob).hexdigest() if part is not None else "",
                    cropped,
                )
            )
        for frame in el.iter(f"{{{P_NS}}}graphicFrame"):
            tbl = frame.find(".//a:tbl", NS)
            if tbl is not None:
                rows = [list(tr.iterfind("a:tc", NS)) for tr in tbl.iterfind("a:tr", NS)]
                tables.append(TableFrame(n, _xfrm_box(frame), rows, slide.part))
        for shape in slide.shapes:
            if not getattr(shape, "has_text_frame", False):
                continue
            paras = list(shape._element.iterfind(".//p:txBody/a:p", NS))
            box = Box(shape.left or 0, shape.top or 0, shape.width or 0, shape.height or 0)
            texts.append(TextBox(n, shape.name, box, paras, shape._element))
        slide_text.append(norm(" ".join(para_text(p) for p in el.iter(f"{{{A_NS}}}p"))))
        if slide.has_notes_slide:
            notes.append(slide.notes_slide.notes_text_frame.text)
        for rel in slide.part.rels.values():
            if "image" in rel.reltype and not rel.is_external:
                media[str(rel.target_part.partname)] = hashlib.sha256(
                    rel.target_part.blob
                ).hexdigest()
    return Deck(
        path,
        warnings,
        int(prs.slide_width),
        int(prs.slide_height),
        pics,
        tables,
        texts,
        media,
        slide_text,
        notes,
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- building


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str, str], Deck]]:
    """Build a fixture in a template once per module; return what the deck holds."""
    folder = tmp_path_factory.mktemp("elements")
    made: dict[tuple[str, str], Deck] = {}

    def get(name: str, template: str) -> Deck:
        key = (name, template)
        if key not in made:
            out = folder / f"{name}-{template}.pptx"
            result = deckgen.build(
                ELEMENTS / f"{name}.md", out, template=template_arg(template, folder)
            )
            made[key] = read_deck(out, result.warnings)
        return made[key]

    yield get


def with_pictures() -> list[str]:
    return [n for n in FIXTURES if any(r.file() for r in picture_refs(n))]


def with_tables() -> list[str]:
    return [n for n in FIXTURES if source_tables(n)]


def with_code() -> list[str]:
    return [n for n in FIXTURES if code_blocks(n)]


# --------------------------------------------------------------------------- the fixture set


def test_the_fixture_set_covers_every_case_of_the_issue():
    """Each "Done when" case is in the fixture named for it (the pattern still matches)."""
    for case, (name, pattern) in DONE_WHEN.items():
        path = ELEMENTS / f"{name}.md"
        assert path.is_file(), f"{case}: {path} is missing"
        assert re.search(pattern, path.read_text(encoding="utf-8")), f"{case}: not in {name}.md"
    for ref in picture_refs("photo_essay"):
        assert ref.file() is not None, f"{ref.src} is missing from the fixture set"
    sizes = {p.name: Image.open(p).size for p in (ELEMENTS / "images").iterdir()}
    assert sizes["lighthouse-tall.png"][1] >= 3 * sizes["lighthouse-tall.png"][0]
    assert sizes["skyline-wide.png"][0] >= 8 * sizes["skyline-wide.png"][1]
    assert all(p.stat().st_size < 60_000 for p in (ELEMENTS / "images").iterdir())


# --------------------------------------------------------------------------- pictures


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", with_pictures())
def test_pictures_are_native_inside_the_slide_with_their_aspect_ratio(
    build: Callable[[str, str], Deck], name: str, template: str
):
    deck = build(name, template)
    refs = [r for r in picture_refs(name) if r.file()]
    files = {sha(f): f for r in refs if (f := r.file())}
    mine = [p for p in deck.pics if p.digest in files]
    # every picture that exists is placed, once, described by its alt text
    assert Counter(p.descr for p in mine) == Counter(r.alt for r in refs), (
        f"{deck.path.name}: pictures placed {[p.descr for p in mine]}"
    )
    for pic in mine:
        where = f"{deck.path.name} slide {pic.slide} picture {pic.descr!r}"
        assert pic.box is not None, f"{where}: no a:xfrm (no size of its own)"
        assert pic.box.inside(deck.width, deck.height), f"{where}: {pic.box} is off the slide"
        px_w, px_h = Image.open(files[pic.digest]).size
        drawn = (pic.box.w / pic.box.h) / (px_w / px_h)
        assert abs(drawn - 1) <= ASPECT_TOLERANCE, (
            f"{where}: drawn {pic.box.w}×{pic.box.h} EMU for a {px_w}×{px_h} picture "
            f"(stretched by {drawn - 1:+.1%})"
        )
        assert not pic.cropped, f"{where}: cropped (a:srcRect)"
        for text in deck.on_slide(pic.slide):
            if text.text.strip():
                assert not pic.box.overlaps(text.box), (
                    f"{where} at {pic.box} covers text box {text.name!r} at {text.box}: "
                    f"{text.text[:60]!r}"
                )


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_picture_with_text_shares_the_slide_with_its_text(
    build: Callable[[str, str], Deck], template: str
):
    deck = build("ci_pipeline", template)
    (pic,) = [p for p in deck.pics if p.descr.startswith("Diagram of the four CI stages")]
    text = deck.slide_text[pic.slide - 1]
    assert "Every push runs the same four stages in order" in text, deck.path.name


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_ci_answer_takes_one_slide_a_section(build: Callable[[str, str], Deck], template: str):
    """The issue's first complaint: a ChatGPT-style answer with a picture, a 3-row table
    and a 7-line code block, each with a few lines of text, made 12 slides where 6 do.
    The text grows into the room the table or code leaves rather than spilling over."""
    deck = build("ci_pipeline", template)
    spilled = [w for w in deck.warnings if "continued" in w or "does not fit" in w]
    assert not spilled, f"{deck.path.name}: {spilled}"
    # the lead text and its 3-row table share a slide (not a text slide, then a table one)
    (frame,) = [f for f in deck.tables if cell_text(f.rows[0][0]) == "Stage"]
    lead = "Times are from a mid-sized repository"
    where = [i + 1 for i, t in enumerate(deck.slide_text) if lead in t]
    if template.startswith("corporate"):
        # python-pptx's content layout has one placeholder, which the table takes: its lead
        # text is the slide just before it (nothing lost, nothing continued)
        assert where == [frame.slide - 1], f"{deck.path.name}: table {frame.slide}, text {where}"
        assert len(deck.slide_text) <= 7, f"{deck.path.name}: {len(deck.slide_text)} slides"
        return
    assert where == [frame.slide], (
        f"{deck.path.name}: the table is on slide {frame.slide}, its lead text on slide(s) {where}"
    )
    assert len(deck.slide_text) <= 6, f"{deck.path.name}: {len(deck.slide_text)} slides"


@pytest.mark.parametrize("template", TEMPLATES)
def test_pictures_alone_fill_their_slide_and_three_share_one(
    build: Callable[[str, str], Deck], template: str
):
    deck = build("photo_essay", template)
    by_alt = {p.descr: p for p in deck.pics}
    for alt in (
        "The harbour at sunset, fishing boats in the foreground",
        "A red-and-white lighthouse against the evening sky",
        "Panorama of the town's skyline from the ridge",
    ):
        pic = by_alt[alt]
        assert pic.box is not None
        share = max(pic.box.w / deck.width, pic.box.h / deck.height)
        assert share >= 0.5, (
            f"{deck.path.name} slide {pic.slide}: {alt!r} alone on its slide is drawn at "
            f"{pic.box}, {share:.0%} of the slide"
        )
    three = [
        by_alt[a]
        for a in (
            "Morning market under a clear sky",
            "A narrow alley at dusk",
            "The harbour again, from the fish market",
        )
    ]
    assert len({p.slide for p in three}) == 1, [p.slide for p in three]
    for i, a in enumerate(three):
        for b in three[i + 1 :]:
            assert a.box and b.box and not a.box.overlaps(b.box), (a.descr, b.descr)


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_picture_used_three_times_is_stored_once(
    build: Callable[[str, str], Deck], template: str
):
    deck = build("photo_essay", template)
    used = {sha(f) for r in picture_refs("photo_essay") if (f := r.file())}
    parts: dict[str, set[str]] = {}
    for partname, digest in deck.media.items():
        parts.setdefault(digest, set()).add(partname)
    for digest in used:
        assert len(parts.get(digest, ())) == 1, (
            f"{deck.path.name}: a picture stored as {sorted(parts.get(digest, ()))}"
        )
    harbour = [p for p in deck.pics if p.digest == sha(ELEMENTS / "images" / "harbour.jpg")]
    assert len(harbour) == 3 and len({p.partname for p in harbour}) == 1


@pytest.mark.parametrize("template", TEMPLATES)
def test_missing_and_remote_pictures_warn_and_keep_their_alt_text(
    build: Callable[[str, str], Deck], template: str
):
    deck = build("missing_pictures", template)
    assert not deck.pics or all(p.descr not in _ALTS_MISSING for p in deck.pics)
    for alt, named in _ALTS_MISSING.items():
        assert any(named in w for w in deck.warnings), (
            f"{deck.path.name}: no warning naming {named!r}: {deck.warnings}"
        )
        assert any(norm(alt) in text for text in deck.slide_text), (
            f"{deck.path.name}: the alt text {alt!r} is on no slide"
        )


_ALTS_MISSING = {
    "Photo of a desk with two monitors and a headset": "desk-setup.png",
    "Escalation chart from the status page": "https://status.example.com/charts/escalation.png",
}


def test_the_command_line_builds_with_a_missing_picture_and_says_so(tmp_path: Path):
    out = tmp_path / "deck.pptx"
    result = CliRunner().invoke(
        cli, ["build", str(ELEMENTS / "missing_pictures.md"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "desk-setup.png" in result.output
    assert "status.example.com" in result.output
    assert "Traceback" not in result.output
    assert out.exists()


# --------------------------------------------------------------------------- tables


def _frames_of(deck: Deck, table: SourceTable) -> list[TableFrame]:
    header = [c.text for c in table.header]
    return [f for f in deck.tables if f.rows and [cell_text(tc) for tc in f.rows[0]] == header]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", with_tables())
def test_tables_are_native_with_their_header_on_every_slide(
    build: Callable[[str, str], Deck], name: str, template: str
):
    deck = build(name, template)
    for table in source_tables(name):
        frames = _frames_of(deck, table)
        where = f"{deck.path.name}: table {[c.text for c in table.header]}"
        assert frames, f"{where} is not an a:tbl with its header as its first row"
        body = [row for f in frames for row in f.texts()[1:]]
        want = [[c.text for c in row] for row in table.rows]
        assert body == want, f"{where}: body rows on the slides differ from the source"
        for f in frames:
            assert f.box is not None and f.box.inside(deck.width, deck.height), (
                f"{where} on slide {f.slide}: {f.box} is off the slide"
            )
            for text in deck.on_slide(f.slide):
                if text.text.strip():
                    assert not f.box.overlaps(text.box), (
                        f"{where} on slide {f.slide} covers text box {text.name!r}"
                    )
        # no table left as `a | b | c` text lines
        for text in deck.texts:
            for p in text.paras:
                if not is_code_para(p, text.el):
                    assert " | " not in para_text(p), (text.slide, para_text(p))


@pytest.mark.parametrize("template", TEMPLATES)
def test_bold_links_and_alignment_in_cells_survive(
    build: Callable[[str, str], Deck], template: str
):
    deck = build("report_tables", template)
    for table in source_tables("report_tables"):
        frames = _frames_of(deck, table)
        assert frames
        cells: dict[str, list[Any]] = {}
        for f in frames:
            for row in f.rows[1:]:
                for tc in row:
                    cells.setdefault(cell_text(tc), []).append((tc, f))
        for row in table.rows:
            for col, cell in enumerate(row):
                assert cell.text in cells, f"cell {cell.text!r} is in no table"
                tc, frame = cells[cell.text][0]
                runs = list(tc.iter(f"{{{A_NS}}}r"))
                for bold in cell.bold:
                    assert any(
                        r.find("a:rPr", NS) is not None
                        and r.find("a:rPr", NS).get("b") in ("1", "true")
                        and bold in (r.findtext("a:t", "", NS) or "")
                        for r in runs
                    ), f"{deck.path.name}: {bold!r} is not bold in its cell"
                for text, href in cell.links:
                    linked = [
                        r
                        for r in runs
                        if r.find("a:rPr/a:hlinkClick", NS) is not None
                        and text in (r.findtext("a:t", "", NS) or "")
                    ]
                    assert linked, f"{deck.path.name}: {text!r} is not a link in its cell"
                    rid = linked[0].find("a:rPr/a:hlinkClick", NS).get(f"{{{R_NS}}}id")
                    assert frame.part.rels[rid].target_ref == href
                if table.align[col] in ("right", "center"):
                    want = {"right": "r", "center": "ctr"}[table.align[col]]
                    paras = list(tc.iter(f"{{{A_NS}}}p"))
                    algns = {p.find("a:pPr", NS).get("algn") if _ppr(p) is not None else None
                             for p in paras}  # fmt: skip
                    assert algns == {want}, f"{cell.text!r}: aligned {algns}, not {want}"


# --------------------------------------------------------------------------- code


def _code_paras(deck: Deck) -> list[tuple[TextBox, Any]]:
    return [(t, p) for t in deck.texts for p in t.paras if is_code_para(p, t.el)]


def _line(p: Any) -> str:
    return para_text(p).replace("\u00a0", " ").rstrip()


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", with_code())
def test_code_is_monospace_in_order_without_bullets(
    build: Callable[[str, str], Deck], name: str, template: str
):
    deck = build(name, template)
    paras = _code_paras(deck)
    lines = [_line(p) for _, p in paras]
    for block in code_blocks(name):
        want = [ln.rstrip() for ln in block if ln.strip()]
        got = [ln for ln in lines if ln.strip()]
        where = f"{deck.path.name}: the {len(block)}-line block starting {want[0]!r}"
        starts = [i for i in range(len(got)) if got[i : i + len(want)] == want]
        assert starts, (
            f"{where} is not on the slides line by line, in order, indentation kept, in a "
            f"monospace font (monospace lines found: {got[:8]})"
        )
        holders = {(t.slide, t.name): t for t, p in paras if _line(p) in want and _line(p).strip()}
        for t in holders.values():
            assert t.box.inside(deck.width, deck.height), f"{where}: {t.box} off the slide"
        if len(block) <= 7:
            assert len(holders) == 1, f"{where} is split over {sorted(holders)}"
        slides = sorted({s for s, _ in holders})
        assert slides == list(range(slides[0], slides[-1] + 1)), f"{where}: on slides {slides}"
        for t, p in paras:
            if _line(p) in want:
                assert has_child(p, "buNone"), (
                    f"{where}: slide {t.slide} line {_line(p)!r} has no <a:buNone/> (bullet)"
                )


# --------------------------------------------------------------------------- lists, quotes


def _para(deck: Deck, start: str) -> tuple[TextBox, Any]:
    for t in deck.texts:
        for p in t.paras:
            if norm(para_text(p)).startswith(start):
                return t, p
    raise AssertionError(f"{deck.path.name}: no paragraph starts with {start!r}")


def _mar_l(p: Any) -> int:
    ppr = _ppr(p)
    return int(ppr.get("marL", "0")) if ppr is not None else 0


def _has_mar_l(p: Any) -> bool:
    ppr = _ppr(p)
    return ppr is not None and ppr.get("marL") is not None


def _lvl(p: Any) -> int:
    ppr = _ppr(p)
    return int(ppr.get("lvl", "0")) if ppr is not None else 0


@pytest.mark.parametrize("template", TEMPLATES)
def test_nested_items_are_indented_under_their_parent(
    build: Callable[[str, str], Deck], template: str
):
    for name, parent, child in (
        ("vorlesung_de", "Atomarität", "ganz oder gar nicht"),
        ("vorlesung_de", "Isolation", "Stufen: Read Committed"),
        ("book_notes_quote", "Write down the question", "one sentence, no jargon"),
    ):
        deck = build(name, template)
        tp, pp = _para(deck, parent)
        tc, pc = _para(deck, child)
        where = f"{deck.path.name}: {child!r} under {parent!r}"
        assert (tp.slide, tp.name) == (tc.slide, tc.name), f"{where}: not in the same box"
        assert _lvl(pc) == _lvl(pp) + 1, f"{where}: lvl {_lvl(pc)} under {_lvl(pp)}"
        if _has_mar_l(pp) or _has_mar_l(pc):  # the writer indents and draws the bullets
            assert _mar_l(pc) > _mar_l(pp), f"{where}: marL {_mar_l(pc)} ≤ {_mar_l(pp)}"
            assert has_child(pp, "buChar") and has_child(pc, "buChar"), f"{where}: no bullets"
        else:  # the template's list style does, level by level (a corporate body)
            assert not has_child(pp, "buNone") and not has_child(pc, "buNone"), where


@pytest.mark.parametrize("template", TEMPLATES)
def test_ordered_lists_keep_their_numbers_and_task_lists_their_boxes(
    build: Callable[[str, str], Deck], template: str
):
    deck = build("vorlesung_de", template)
    starts = ("1. Der Koordinator", "2. Jeder", "3. Nur wenn", "4. Sonst", "5. Die Teil")
    items = [_para(deck, start) for start in starts]
    assert len({(t.slide, t.name) for t, _ in items}) == 1, "the ordered list is split"
    # the number is in the text: no second number, no bullet (<a:buNone/>: a corporate
    # body placeholder inherits a bullet from its master unless the paragraph says none)
    for _, p in items:
        assert has_child(p, "buNone"), f"{deck.path.name}: {para_text(p)!r} has a bullet"
    deck = build("meeting_tasks", template)
    for start in ("☑ Move the blog", "☑ Compress hero", "☐ Get the cookie", "☐ Book the"):
        _, p = _para(deck, start)
        assert has_child(p, "buNone"), f"{deck.path.name}: {start!r} has a bullet and a box"


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_quote_has_its_attribution_on_its_slide(build: Callable[[str, str], Deck], template: str):
    deck = build("book_notes_quote", template)
    quote = "A joint that was hurried will tell you so every winter"
    slides = [i for i, text in enumerate(deck.slide_text) if quote in text]
    assert len(slides) == 1, f"{deck.path.name}: the quote is on slides {slides}"
    assert "Ilse Marrow, The Patient Workshop" in deck.slide_text[slides[0]]
    for start in (quote, "— Ilse Marrow", "Ilse Marrow"):
        try:
            _, p = _para(deck, start)
        except AssertionError:
            continue
        # a quote is not a list: no bullet glyph (a corporate body inherits one unless told)
        assert has_child(p, "buNone"), f"{deck.path.name}: {start!r} has a bullet"


# --------------------------------------------------------------------------- valid


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", FIXTURES)
def test_decks_are_schema_valid(build: Callable[[str, str], Deck], name: str, template: str):
    """Said here as well as by tests/schema.py's autouse check, which validates a deck in
    whichever test first built it: pictures and tables are new XML, and this names them."""
    require_validator()
    deck = build(name, template)
    errors = validate(deck.path)
    assert not errors, f"{deck.path.name}: {len(errors)} schema errors: {errors[:5]}"


# --------------------------------------------------------------------------- every word

_WORD = re.compile(r"\w[\w'’-]*\w|\w")


def source_words(name: str) -> set[str]:
    """The words a reader sees in the fixture: text, inline code, code blocks, alt texts
    (link targets and Markdown syntax are not words of the summary)."""
    text = (ELEMENTS / f"{name}.md").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s*[-*+] )\[[ xX]\] ", r"\1", text)  # a task's box is ☐/☑
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    parts: list[str] = []
    for tok in tokens:
        if tok.type in ("fence", "code_block"):
            parts.append(tok.content)
        for child in tok.children or []:
            if child.type in ("text", "code_inline", "image"):  # an image's content: its alt
                parts.append(child.content)
    return {w.casefold() for w in _WORD.findall(" ".join(parts))}


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", FIXTURES)
def test_no_word_of_the_summary_is_lost(
    build: Callable[[str, str], Deck], name: str, template: str
):
    """Nothing the author wrote is lost (DESIGN.md): every word is on a slide, in the
    notes, or a placed picture's description."""
    deck = build(name, template)
    have = " ".join([*deck.slide_text, *deck.notes, *(p.descr for p in deck.pics)])
    lost = source_words(name) - {w.casefold() for w in _WORD.findall(have)}
    assert not lost, f"{deck.path.name}: {len(lost)} words on no slide and in no notes: " + (
        ", ".join(sorted(lost)[:30])
    )


@pytest.mark.parametrize("template", ("default", "corporate-4x3"))
@pytest.mark.parametrize("name", FIXTURES)
def test_the_text_of_every_element_is_on_a_slide(
    build: Callable[[str, str], Deck], name: str, template: str
):
    """Table cells, code lines and alt texts of missing pictures all reach a slide (not
    only the notes): the deck as a whole holds them."""
    deck = build(name, template)
    everything = " ".join(deck.slide_text)
    for table in source_tables(name):
        for row in [table.header, *table.rows]:
            for cell in row:
                assert cell.text in everything, f"{deck.path.name}: cell {cell.text!r}"
    for block in code_blocks(name):
        for ln in block:
            assert norm(ln) in everything, f"{deck.path.name}: code line {ln!r}"
    for ref in picture_refs(name):
        if ref.file() is None:
            assert norm(ref.alt) in everything, f"{deck.path.name}: alt {ref.alt!r}"
