"""Slide Markdown written for Marp builds as its author cut it (issue 15, Marp's part).

The fixtures in tests/fixtures/marp/ are talks as Marp users write them: a release review
with ``marp: true``, a lead title slide, presenter notes in comments, a half-slide picture
(``![bg right]``) and a closing slide on a photo (``![bg]``); German lecture notes cut by
``headingDivider`` with a ``header``; a photo review written for Marp CLI without
``marp: true``, its directives in comments (``<!-- paginate: true -->``, a footer set on
the last slide), pictures sized (``![width:500px]``) and filtered (``sepia``). Each builds
into the slides expected here; comments are presenter notes, on the slide they were
written on and never on a slide; directives and picture keywords are never shown; a
background covers its slide without being stretched; and every word reaches its slide in
every theme and a corporate template.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation

import deckgen
from deckgen.parse import parse
from deckgen.parse.marp import directive, picture_words, says_marp

from .conftest import needs_soffice
from .test_elements_e2e import TEMPLATES, assert_renders_in_its_boxes, template_arg
from .test_properties import deck_strings, source_words, words

FIXTURES = Path(__file__).parent / "fixtures" / "marp"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))
THEMES = ("default", "dark", "bold")
NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}

# (kind, title) of each slide after the title slide; the backgrounds by slide title
EXPECT: dict[str, dict[str, Any]] = {
    "runner_migration": {
        "title": "Moving our builds to the new runners",
        "subtitle": "What changed, what broke, what we would do again",
        "author": "Priya Raman · September 2025",
        "slides": [
            ("insight", "Why we moved"),
            ("insight", "The migration in three steps"),
            ("insight", "What broke"),
            ("insight", "What we would do again"),
            ("section", "Questions?"),
        ],
        "backgrounds": {"Questions?": "images/harbour.jpg"},
        "numbers": True,
        "footer": "Platform team · Q3 review",
    },
    "stadtklima": {
        "title": "Hitzeinseln in der Stadt",
        "subtitle": "Dr. Jonas Weber · Wintersemester",
        "slides": [
            ("insight", "Was ist eine urbane Hitzeinsel?"),
            ("insight", "Messungen in unserer Stadt"),
            ("insight", "Was hilft?"),
            ("insight", "Zum Mitnehmen"),
        ],
        "backgrounds": {},
        "numbers": True,
        "footer": "Vorlesung Stadtklima · Woche 4",
    },
    "market_day": {
        "title": "Saturday market, one year on",
        "subtitle": "A photo review for the town council",
        "slides": [
            ("section", "The stalls"),
            ("insight", "Who came"),
            ("insight", "What people asked for"),
            ("insight", "Next steps"),
        ],
        "backgrounds": {"The stalls": "images/market.jpg"},
        "numbers": True,
        "footer": "Market committee",
    },
}

_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_NUMBER = re.compile(r"^\s*\d+\s*/\s*\d+\s*$")


def _source(name: str) -> Path:
    return FIXTURES / f"{name}.md"


def _comments(src: str) -> tuple[list[tuple[int, str]], list[str]]:
    """A Marp source's presenter notes (its comments that are not directives, with where
    they start) and the directives' keys."""
    notes, keys = [], []
    for m in _COMMENT.finditer(src):
        said = directive(m.group(1))
        if said is None:
            notes.append((m.start(), " ".join(m.group(1).split())))
        else:
            keys += list(said)
    return notes, keys


def _slides(path: Path) -> list[tuple[list[str], str]]:
    """Each slide's shapes' texts (its title first) and its notes."""
    out = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s != title]
        if title is not None:
            texts.insert(0, title.text_frame.text)
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        out.append((texts, notes))
    return out


def _slide_xml(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as z:
        names = sorted(
            (n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
            key=lambda n: int(re.findall(r"\d+", n)[-1]),
        )
        return [etree.fromstring(z.read(n)) for n in names]


# --------------------------------------------------------------------------- structure


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECT) == CASES


@pytest.mark.parametrize("name", CASES)
def test_builds_into_the_expected_slides(name: str) -> None:
    doc = deckgen.read(_source(name))
    exp = EXPECT[name]
    assert doc.title.text == exp["title"]
    assert doc.subtitle is not None and doc.subtitle.text == exp["subtitle"]
    if "author" in exp:
        assert doc.author == exp["author"]
    assert [(i.kind, i.title.text) for i in doc.insights] == exp["slides"]
    backgrounds = {i.title.text: i.background.src for i in doc.insights if i.background}
    assert backgrounds == exp["backgrounds"]
    assert doc.numbers is exp["numbers"]
    assert doc.meta.get("footer") == exp["footer"]


@pytest.mark.parametrize("name", CASES)
def test_comments_are_presenter_notes_on_their_slide_never_shown(name: str, tmp_path: Path) -> None:
    src = _source(name).read_text(encoding="utf-8")
    notes, keys = _comments(src)
    assert notes and keys
    out = deckgen.build(_source(name), tmp_path / "deck.pptx").output
    slides = _slides(out)
    # each note is in the notes of the slide it was written on: the one whose title comes
    # last before it in the source
    exp = EXPECT[name]
    titles = [(src.index(t), t) for t in (exp["title"], *[t for _, t in exp["slides"]])]
    for at, note in notes:
        title = max((p, t) for p, t in titles if p < at)[1]
        k = next(i for i, (texts, _) in enumerate(slides) if texts and texts[0] == title)
        assert note in " ".join(slides[k][1].split()), f"{note!r} not in slide {k + 1}'s notes"
        for texts, _ in slides:
            assert note.split(".")[0] not in " ".join(texts), f"{note!r} shown on a slide"
    shown = "\n".join(t for texts, _ in slides for t in texts)
    every_note = "\n".join(n for _, n in slides)
    for key in keys:
        assert f"{key.lstrip('_')}:" not in shown and f"{key}:" not in every_note, key
    assert "<!--" not in shown and "-->" not in shown


@pytest.mark.parametrize("name", CASES)
def test_background_covers_its_slide_unstretched(name: str, tmp_path: Path) -> None:
    out = deckgen.build(_source(name), tmp_path / "deck.pptx").output
    prs = Presentation(str(out))
    page = prs.slide_width / prs.slide_height
    expect = EXPECT[name]["backgrounds"]
    found = {}
    for slide, root in zip(prs.slides, _slide_xml(out), strict=True):
        blip = root.find("p:cSld/p:bg/p:bgPr/a:blipFill", NS)
        if blip is None:
            continue
        title = slide.shapes.title.text_frame.text if slide.shapes.title else ""
        rid = blip.find("a:blip", NS).get(f"{{{NS['r']}}}embed")
        part = slide.part.related_part(rid)
        img = Image.open(io.BytesIO(part.blob))
        rect = blip.find("a:srcRect", NS)
        crop = {k: int(rect.get(k, 0)) / 100_000 for k in "ltrb"}
        w = img.width * (1 - crop["l"] - crop["r"])
        h = img.height * (1 - crop["t"] - crop["b"])
        assert abs(w / h - page) / page < 0.01, (title, w / h, page)
        assert blip.find("a:stretch/a:fillRect", NS) is not None
        # behind every shape, a veil of the slide's own background colour keeps the theme's
        # text legible on the picture (the picture shows through it)
        veil = slide.shapes[0]
        assert veil.name == "Background Veil"
        assert (veil.left, veil.top, veil.width, veil.height) == (
            0,
            0,
            prs.slide_width,
            prs.slide_height,
        )
        alpha = veil._element.find(".//a:solidFill/*/a:alpha", NS)
        assert alpha is not None and 20_000 <= int(alpha.get("val")) <= 70_000
        # the background is not also a picture on the slide
        assert not [s for s in slide.shapes if s.shape_type == 13 and "harbour" in s.name]
        found[title] = part.blob
    assert sorted(found) == sorted(expect)
    for title, src in expect.items():
        assert found[title] == (FIXTURES / src).read_bytes(), title


def test_a_split_background_is_a_picture_beside_the_text(tmp_path: Path) -> None:
    out = deckgen.build(_source("runner_migration"), tmp_path / "deck.pptx").output
    prs = Presentation(str(out))
    slide = next(s for s in prs.slides if s.shapes.title and s.shapes.title.text == "What broke")
    pics = [s for s in slide.shapes if s.shape_type == 13]
    assert len(pics) == 1
    assert pics[0].left + pics[0].width / 2 > prs.slide_width / 2
    text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "lockfile hash" in text and "bg right" not in text
    root = _slide_xml(out)[list(prs.slides).index(slide)]
    assert (
        root.find("p:cSld/p:bg", NS) is None
        or root.find("p:cSld/p:bg/p:bgPr/a:blipFill", NS) is None
    )


@pytest.mark.parametrize("name", CASES)
def test_paginate_and_footer(name: str, tmp_path: Path) -> None:
    out = deckgen.build(_source(name), tmp_path / "deck.pptx").output
    slides = _slides(out)
    footer = EXPECT[name]["footer"]
    numbered = [any(_NUMBER.match(t) for t in texts) for texts, _ in slides[1:]]
    assert all(numbered), numbered
    kinds = [kind for kind, _ in EXPECT[name]["slides"]]
    assert len(kinds) == len(slides) - 1
    # (a section divider has no footer in the bundled themes)
    pairs = zip(slides[1:], kinds, strict=True)
    assert all(footer in texts for (texts, _), k in pairs if k == "insight")


def test_without_paginate_a_marp_deck_has_no_slide_numbers(tmp_path: Path) -> None:
    src = "---\nmarp: true\n---\n\n# Plan\n\n---\n\n## One\n\n- a\n- b\n\n---\n\n## Two\n\nText.\n"
    path = tmp_path / "t.md"
    path.write_text(src, encoding="utf-8")
    assert deckgen.read(path).numbers is False
    slides = _slides(deckgen.build(path, tmp_path / "t.pptx").output)
    assert len(slides) == 3
    assert not any(_NUMBER.match(t) for texts, _ in slides for t in texts)
    on = src.replace("marp: true", "marp: true\npaginate: true")
    path.write_text(on, encoding="utf-8")
    slides = _slides(deckgen.build(path, tmp_path / "t.pptx").output)
    assert sum(bool(_NUMBER.match(t)) for texts, _ in slides for t in texts) == 2


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", CASES)
def test_every_word_in_every_theme(name: str, theme: str, tmp_path: Path) -> None:
    src = _source(name).read_text(encoding="utf-8")
    body = _IMAGE.sub(" ", _COMMENT.sub(" ", _FRONT.sub("", src)))
    out = deckgen.build(_source(name), tmp_path / f"{name}.pptx", template=theme).output
    shown = "\n".join(t for texts, _ in _slides(out) for t in texts)
    lost = source_words(body) - words(shown)
    assert not lost, f"{sum(lost.values())} words lost from the slides: {dict(lost)}"
    everywhere = words("\n".join(deck_strings(out)))
    for key in ("sepia", "width", "bg", "lead", "_class"):
        assert key not in words(shown), key
    assert everywhere  # (notes hold the comments: checked above)


@pytest.mark.parametrize("name", CASES)
def test_every_word_in_a_corporate_template(name: str, tmp_path: Path) -> None:
    src = _source(name).read_text(encoding="utf-8")
    body = _IMAGE.sub(" ", _COMMENT.sub(" ", _FRONT.sub("", src)))
    template = template_arg("corporate-16x9", tmp_path)
    out = deckgen.build(_source(name), tmp_path / f"{name}.pptx", template=template).output
    lost = source_words(body) - words("\n".join(deck_strings(out)))
    assert not lost, f"{sum(lost.values())} words lost: {dict(lost)}"
    assert any(
        root.find("p:cSld/p:bg/p:bgPr/a:blipFill", NS) is not None for root in _slide_xml(out)
    ) == bool(EXPECT[name]["backgrounds"])


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", CASES)
def test_slides_render_with_every_word_in_its_box(tmp_path: Path, name: str, template: str):
    assert_renders_in_its_boxes(_source(name), template, tmp_path)


# --------------------------------------------------------------------------- syntax


@pytest.mark.parametrize(
    ("meta", "body", "marp"),
    [
        ({"marp": True}, "# A\n", True),
        ({"marp": "true"}, "# A\n", True),
        ({"paginate": True, "theme": "gaia"}, "# A\n", True),
        ({}, "<!-- _class: lead -->\n# A\n", True),
        ({}, "<!-- paginate: true -->\n# A\n", True),
        ({}, "# A\n\n<!-- TODO: check the numbers -->\n", False),
        ({}, "# A\n\n<!-- footer: x -->\n", False),
        ({"marp": False}, "# A\n", False),
        ({"theme": "default"}, "# A\n", False),
    ],
)
def test_what_makes_a_document_marps(meta: dict[str, Any], body: str, marp: bool) -> None:
    assert bool(says_marp(meta, body)) is marp


@pytest.mark.parametrize(
    ("comment", "said"),
    [
        (" _class: lead ", {"_class": "lead"}),
        (" paginate: true ", {"paginate": "true"}),
        ("\nheader: 'Week 4'\nfooter: \"Team\"\n", {"header": "Week 4", "footer": "Team"}),
        (" _backgroundColor: #123 ", {"_backgroundColor": "#123"}),
        (" Remember: slow down here ", None),
        (" TODO check ", None),
        (" class: lead\nSay hello first ", None),
    ],
)
def test_directives_and_notes(comment: str, said: dict[str, str] | None) -> None:
    assert directive(comment) == said


@pytest.mark.parametrize(
    ("alt", "expect"),
    [
        ("bg", ("", True, True, "")),
        ("bg cover", ("", True, True, "")),
        ("Harbour at dawn bg", ("Harbour at dawn", True, True, "")),
        ("bg right", ("", True, False, "")),
        ("bg left:40% sepia", ("", True, False, "")),
        ("bg contain", ("", True, False, "")),
        ("w:320px", ("", False, False, "320px")),
        ("width:500px Queue times", ("Queue times", False, False, "500px")),
        ("A chart", ("A chart", False, False, "")),
    ],
)
def test_picture_keywords(alt: str, expect: tuple[str, bool, bool, str]) -> None:
    assert picture_words(alt) == expect


def test_headings_inside_a_slide_do_not_split_it() -> None:
    doc = parse(
        "---\nmarp: true\n---\n\n## One\n\n### Part a\n\nText a.\n\n### Part b\n\nText b.\n"
    )
    assert [i.title.text for i in doc.insights] == ["One"]
    assert [t.text for t in doc.insights[0].items] == ["Part a", "Text a.", "Part b", "Text b."]


def test_heading_divider_starts_slides_at_its_headings() -> None:
    src = "---\nmarp: true\nheadingDivider: 2\n---\n\n# Deck\n\n## One\n\nA.\n\n## Two\n\nB.\n"
    doc = parse(src)
    assert doc.title.text == "Deck"
    assert [i.title.text for i in doc.insights] == ["One", "Two"]
    off = parse(src.replace("headingDivider: 2\n", ""))
    assert [i.title.text for i in off.insights] == ["Deck"]


def test_an_ordinary_summary_keeps_its_comments_private() -> None:
    doc = parse("# Notes\n\n## One\n\nText.\n\n<!-- draft: check with Sam -->\n\n## Two\n\nMore.\n")
    assert not any(n.text for i in doc.insights for n in i.notes if "Sam" in n.text)
    assert doc.numbers is None


def test_a_missing_background_keeps_the_slide_and_warns(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text("---\nmarp: true\n---\n\n# T\n\n---\n\n![bg](gone.jpg)\n\n## End\n\nBye.\n")
    result = deckgen.build(path, tmp_path / "t.pptx")
    assert any("gone.jpg" in w and "not placed" in w for w in result.warnings)
    roots = _slide_xml(result.output)
    assert len(roots) == 2 and all(r.find("p:cSld/p:bg/p:bgPr/a:blipFill", NS) is None
                                   for r in roots)  # fmt: skip


def test_a_first_slide_with_content_is_a_slide_and_titles_the_deck() -> None:
    src = (
        "---\nmarp: true\n---\n\n# Retro, sprint 14\n\n- Deploys went well\n- Flaky tests\n\n"
        "## Actions\n\nFix the flaky suite.\n\n---\n\n# Next\n\nPlan on Monday.\n"
    )
    doc = parse(src)
    assert doc.title.text == "Retro, sprint 14"
    assert [i.title.text for i in doc.insights] == ["Retro, sprint 14", "Next"]
    assert [t.text for t in doc.insights[0].items] == [
        "Deploys went well", "Flaky tests", "Actions", "Fix the flaky suite."
    ]  # fmt: skip
    assert not any("no title found" in w for w in doc.warnings)


def test_fragmented_lists_appear_on_clicks(tmp_path: Path) -> None:
    # Marp's fragmented lists: '*' bullets and '1)' numbers appear one by one
    doc = deckgen.read(_source("runner_migration"))
    again = next(i for i in doc.insights if i.title.text == "What we would do again")
    why = next(i for i in doc.insights if i.title.text == "Why we moved")
    assert [getattr(t, "appear", False) for t in again.items] == [True, True, True]
    assert not any(getattr(t, "appear", False) for t in why.items)
    out = deckgen.build(_source("runner_migration"), tmp_path / "deck.pptx").output
    roots = _slide_xml(out)
    clicks = [
        sum(1 for c in r.iter(f"{{{NS['p']}}}cTn") if c.get("nodeType") == "clickEffect")
        for r in roots
    ]
    assert clicks == [0, 0, 0, 0, 3, 0]
