"""Slide Markdown written for pandoc builds as its author cut it (issue 15, pandoc's part).

The fixtures in tests/fixtures/slides/ are talks as pandoc users write them: a title block
(``% Title``) or pandoc's metadata, ``#``/``##`` slides, ``---`` slide breaks, ``::: notes``,
``::: incremental`` and ``. . .`` pauses, pictures sized with ``{width=50%}``, a talk with no
heading at all, a one-slide status update, and a document for ``--slide-level``. Each one
builds into the slides expected here (``deckgen.read``, ``deckgen outline --json``), its
notes are speaker notes and never slide text, none of the syntax shows on a slide, and in
every bundled theme every word reaches the deck. A summary with a decorative rule or two is
not a slide show and builds as before.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.oxml.ns import qn

import deckgen
from deckgen.api import prepare
from deckgen.cli import cli
from deckgen.model import BuildOptions, Columns, Picture
from deckgen.parse import parse
from deckgen.parse.frontmatter import title_block

from .conftest import needs_soffice
from .test_elements_e2e import TEMPLATES, assert_renders_in_its_boxes, template_arg
from .test_properties import deck_strings, source_words, words

FIXTURES = Path(__file__).parent / "fixtures" / "slides"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))
THEMES = ("default", "dark", "bold")

# (kind, title) of each slide after the title slide; a slide without a heading is titled
# by its first line (when it is a short line of its own) or its first words
EXPECT: dict[str, dict[str, Any]] = {
    "title_block": {
        "title": "Shipping on Fridays",
        "author": "Dana Whitfield, Omar Haddad",
        "date": "14 June 2024",
        "slides": [
            ("insight", "Why we stopped fearing Friday"),
            ("insight", "What changed"),
            ("insight", "Questions?"),
        ],
    },
    "breaks": {
        "title": "Field notes from the coast survey",
        "subtitle": "What two summers of tide-pool counts told us",
        "author": "Ines Carvalho, Tom Becker",
        "date": "2024-09-12",
        "slides": [
            ("section", "The survey"),
            ("insight", "How we counted"),
            ("insight", "The same three people checked every tenth count."),
            ("insight", "What went wrong"),
            ("section", "The results"),
            ("insight", "Anemones are moving north"),
            ("insight", "Counts per pool in both summers"),
            ("insight", "Crabs did not change"),
            ("section", "Next summer"),
            ("insight", "What we will do differently"),
        ],
    },
    "notes": {
        "title": "Onboarding a new engineer in one week",
        "author": "Priya Raman",
        "slides": [("insight", "Day one"), ("insight", "Day three"), ("insight", "Day five")],
    },
    "image_width": {
        "title": "Two pictures, two widths",
        "author": "Lena Vogt",
        "slides": [
            ("insight", "The pipeline at a glance"),
            ("insight", "The old signal tower"),
            ("insight", "Side by side"),
        ],
    },
    "incremental": {
        "title": "Three habits of calm on-call engineers",
        "slides": [
            ("insight", "Write it down"),
            ("insight", "Sleep before you fix"),
            ("insight", "Hand over"),
        ],
    },
    "no_headings": {
        "title": "Tidy data in ten minutes",
        "slides": [
            ("insight", "Every column is a variable."),
            ("insight", "One table per kind of thing"),
            ("insight", "How a messy sheet becomes a tidy one"),
            ("insight", "Thanks! Questions welcome."),
        ],
    },
    "one_slide": {
        "title": "The one-slide status update",
        "author": "Kim Lee",
        "date": "2024-11-04",
        "slides": [("insight", "Where we are")],
    },
    "slide_level": {
        "title": "A year of the reading group",
        "slides": [("insight", "Spring"), ("insight", "Autumn")],
    },
    "book_club": {
        "title": "The Long Way Home: notes for the book club",
        "author": "Marta Okafor",
        "date": "March 2025",
        "slides": [
            ("section", "Before we start"),
            ("insight", "Why this book"),
            ("insight", "What the critics said"),
            ("section", "Talking points"),
            ("insight", "The map in chapter 3"),
            ("insight", "Compare her map with the one in the …"),
            ("insight", "The ending"),
        ],
        "back": ["Notes"],
    },
    "columns_compare": {
        "title": "Should we move the team chat to a self-hosted server?",
        "author": "Marta Szulc",
        "date": "2025-03-18",
        "slides": [
            ("insight", "Where we are"),
            ("insight", "The two options"),
            ("insight", "What we recommend"),
        ],
    },
    "columns_pictures": {
        "title": "A walk through the new build pipeline",
        "author": "Jonas Eriksen",
        "date": "9 May 2025",
        "slides": [
            ("insight", "What a commit goes through"),
            ("insight", "The tower we monitor"),
            ("insight", "Before and after"),
        ],
    },
    "columns_long": {
        "title": "Lessons from a year of running a community garden",
        "author": "Ana Ribeiro",
        "slides": [("insight", "What worked and what did not")],
    },
}

_NOTES_DIV = re.compile(r"(?ms)^:::+ *(?:notes|\{\.notes\}) *\n(.*?)^:::+ *$")
_FENCE = re.compile(r"(?m)^ {0,3}:{3,}.*$")
_ATTRS = re.compile(r"(?m)(?<=[)`]){[^}\n]*}| \{[#.a-z][^}\n]*\}$")
_PAUSE = re.compile(r"(?m)^\. \. \.$")
_TITLE_BLOCK = re.compile(r"(?m)\A(?:%.*\n(?:[ \t]+\S.*\n)*)+")


def _source(name: str) -> Path:
    return FIXTURES / f"{name}.md"


def _outline(name: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["outline", "--json", *args, str(_source(name))])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _notes_blocks(src: str) -> list[str]:
    """The text of each ``::: notes`` div, paragraph by paragraph, as the speaker reads it."""
    out = []
    for m in _NOTES_DIV.finditer(src):
        for para in re.split(r"\n\s*\n", m.group(1)):
            for line in para.splitlines():
                text = re.sub(r"^\s*(?:\d+\.|[-*])\s+", "", line).replace("**", "").strip()
                if text:
                    out.append(text)
    return out


def shown_words(src: str) -> Counter[str]:
    """The words of a slide document a reader sees: pandoc's syntax (the title block's
    ``%``, div fences, attributes, pauses) left out; the title block's text counts."""
    m = _TITLE_BLOCK.match(src)
    extra: Counter[str] = Counter()
    if m:
        extra = words(m.group(0).replace("%", " ").replace(";", " "))
        src = "\n" * m.group(0).count("\n") + src[m.end() :]
    src = _FENCE.sub("", src)
    src = _ATTRS.sub("", src)
    src = _PAUSE.sub("", src)
    return source_words(src) + extra


def _slide_and_notes_text(path: Path) -> tuple[list[str], list[str]]:
    prs = Presentation(str(path))
    shown: list[str] = []
    notes: list[str] = []
    for slide in prs.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False):
                parts += [c.text for row in shape.table.rows for c in row.cells]
        shown.append("\n".join(parts))
        notes.append(slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "")
    return shown, notes


# --------------------------------------------------------------------------- structure


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECT) == CASES


@pytest.mark.parametrize("name", CASES)
def test_builds_into_the_expected_slides(name: str) -> None:
    doc = deckgen.read(_source(name))
    exp = EXPECT[name]
    assert doc.title.text == exp["title"]
    for key in ("subtitle", "author", "date"):
        if key in exp:
            value = getattr(doc, key)
            assert (value.text if hasattr(value, "text") else value) == exp[key], key
    assert [(i.kind, i.title.text) for i in doc.insights] == exp["slides"]
    assert doc.conclusion is None
    assert [b.title.text for b in doc.back_matter] == exp.get("back", [])


@pytest.mark.parametrize("name", CASES)
def test_outline_shows_the_slides(name: str) -> None:
    outline = _outline(name)
    titles = [s["title"] for s in outline["slides"] if s["kind"] != "title" and not s["continued"]]
    expected = [t for _, t in EXPECT[name]["slides"]] + EXPECT[name].get("back", [])
    assert [re.sub(r"^\d+\. ", "", t) for t in titles] == expected


def test_pandoc_slide_level_is_read_from_the_document() -> None:
    """``#`` followed by ``##`` slides: ``##`` is the slide level, ``#`` are dividers that
    list their slides; a rule inside a slide starts a slide without a heading."""
    doc = deckgen.read(_source("breaks"))
    survey = doc.insights[0]
    assert survey.kind == "section" and survey.level == 0
    assert survey.subsections == ("How we counted", "What went wrong")
    counted, checked = doc.insights[1], doc.insights[2]
    assert [p.text for p in counted.points] == [
        "42 pools along six kilometres of shore",
        "Every pool visited at low tide, twice a month",
        "Volunteers trained on one shared species list",
    ]
    assert [p.text for p in checked.points] == ["The same three people checked every tenth count."]
    picture = doc.insights[6]
    assert [type(e) for e in picture.elements] == [Picture] and not picture.points
    assert "'---' rule" in picture.rule and "pandoc slide show" in picture.rule


def test_title_block_and_metadata() -> None:
    doc = deckgen.read(_source("title_block"))
    assert doc.meta["author"] == ["Dana Whitfield", "Omar Haddad"]
    doc = deckgen.read(_source("breaks"))
    assert doc.meta["lang"] == "en-GB" and doc.meta["keywords"][0] == "ecology"
    deck = prepare(doc)
    assert deck.language == "en-GB"
    assert deck.properties["author"] == "Ines Carvalho, Tom Becker"
    assert deck.properties["keywords"] == "ecology, citizen science, tide pools"
    assert deck.properties["subject"] == "What two summers of tide-pool counts told us"


@pytest.mark.parametrize(
    ("text", "meta"),
    [
        ("% Title\n% A; B\n% 2024\n", {"title": "Title", "author": ["A", "B"], "date": "2024"}),
        ("% A long\n  title\n%\n% May\n", {"title": "A long title", "date": "May"}),
        ("% Title\n% One\n  Two\n\nText\n", {"title": "Title", "author": ["One", "Two"]}),
        ("% Only a title\n\n# Slide\n", {"title": "Only a title"}),
        ("%d is a format\n", {}),
        ("100% sure\n", {}),
    ],
)
def test_title_block_fields(text: str, meta: dict[str, Any]) -> None:
    found, body = title_block(text)
    assert found == meta
    assert body.count("\n") == text.count("\n")  # lines keep their numbers


def test_yaml_metadata_wins_over_the_title_block() -> None:
    doc = parse("% Block title\n% Ann\n\n# One\n\ntext\n")
    assert doc.title.text == "Block title" and doc.author == "Ann"
    assert doc.insights[0].line == 4


def test_author_entries_with_names() -> None:
    doc = parse(
        "---\ntitle: T\nauthor:\n  - name: Ann Lee\n    affiliation: X\n  - Bo\n---\n\n# A\n\nx\n"
    )
    assert doc.author == "Ann Lee, Bo"


# --------------------------------------------------------------------------- notes


@pytest.mark.parametrize("name", CASES)
def test_notes_are_speaker_notes_never_slide_text(name: str, tmp_path: Path) -> None:
    src = _source(name).read_text(encoding="utf-8")
    blocks = _notes_blocks(src)
    out = deckgen.build(_source(name), tmp_path / f"{name}.pptx").output
    shown, notes = _slide_and_notes_text(out)
    all_notes = "\n".join(notes)
    for text in blocks:
        assert text in all_notes, f"{text!r} is in no speaker notes"
        assert not any(text in s for s in shown), f"{text!r} is on a slide"


def test_several_notes_on_a_slide_join_in_order() -> None:
    doc = deckgen.read(_source("notes"))
    day_one, day_three, day_five = doc.insights
    assert [n.text for n in day_one.notes] == [
        "Ask the room who got a working laptop on their first day.",
        "Mention the checklist in the wiki.",
    ]
    assert [n.text for n in day_three.notes] == [
        "It can be a typo fix. What matters is that the whole path works:",
        "1. branch",
        "2. review",
        "3. deploy",
    ]
    assert [n.text for n in day_five.notes] == ["Do not skip this one, even in a busy week."]
    # notes before the first slide are the title slide's
    assert [t.text for t in doc.intro] == ["Welcome everyone; this talk is for team leads."]
    for ins in doc.insights:
        assert not any("notes" in p.text or ":::" in p.text for p in ins.points)


def test_an_unclosed_notes_div_hides_nothing() -> None:
    doc = parse("% T\n\n# One\n\n::: notes\nThis stays on the slide.\n\n# Two\n\nmore\n")
    shown = [p.text for i in doc.insights for p in i.points]
    assert "This stays on the slide." in shown
    assert not any(n for i in doc.insights for n in i.notes)


def test_notes_divs_in_an_ordinary_summary_are_notes() -> None:
    doc = parse("# Talk\n\n## A\n\nPoint.\n\n::: notes\nSay it slowly.\n:::\n\n## B\n\nMore.\n")
    assert [n.text for n in doc.insights[0].notes] == ["Say it slowly."]
    assert [p.text for p in doc.insights[0].points] == ["Point."]


# --------------------------------------------------------------------------- syntax


def test_pictures_take_the_width_asked_for() -> None:
    doc = deckgen.read(_source("image_width"))
    widths = [(e.src, e.width) for i in doc.insights for e in i.elements]
    assert widths == [
        ("images/pipeline.png", "50%"),
        ("images/tower.png", "30%"),
        ("images/pipeline.png", "40%"),
        ("images/tower.png", "20%"),
    ]


@pytest.mark.parametrize(
    ("attrs", "width"),
    [
        ("{width=50%}", "50%"),
        ('{width="50%"}', "50%"),
        ("{ width=75% }", "75%"),
        ("{#fig-1 .wide width=3in height=2in}", "3in"),
        ("{width=2.5in}", "2.5in"),
        ("{width=300px src=other.png onload=x}", "300px"),
        ("{.class}", ""),
    ],
)
def test_picture_attributes(attrs: str, width: str) -> None:
    doc = parse(f"% T\n\n# Slide\n\n![A chart](chart.png){attrs}\n")
    (pic,) = doc.insights[0].elements
    assert isinstance(pic, Picture)
    assert (pic.src, pic.alt, pic.width) == ("chart.png", "A chart", width)
    assert not doc.insights[0].points  # the attributes are not text


def test_code_and_link_attributes_are_not_text() -> None:
    doc = parse(
        "% T\n\n# S\n\nRun `make`{.bash} and see [the docs](https://x.org){target=_blank}.\n"
    )
    assert [p.text for p in doc.insights[0].points] == ["Run make and see the docs."]


def test_bracketed_spans_show_their_text() -> None:
    doc = parse("% T\n\n# S\n\nIn [small caps]{.smallcaps}, **[bold]{.mark}** too.\n")
    assert [p.text for p in doc.insights[0].points] == ["In small caps, bold too."]
    assert doc.insights[0].points[0].spans[-2].bold


def test_columns_show_what_they_hold() -> None:
    doc = parse(
        '% T\n\n# Side by side\n\n:::: {.columns}\n::: {.column width="40%"}\nLeft\n:::\n'
        "::: column\nRight\n:::\n::::\n"
    )
    (cols,) = doc.insights[0].elements
    assert isinstance(cols, Columns)
    assert [[t.text for t in c.items] for c in cols.columns] == [["Left"], ["Right"]]
    assert [c.width for c in cols.columns] == ["40%", ""]
    assert not doc.insights[0].points  # the columns' text is theirs, not the section's


def test_incremental_divs_and_pauses_build_their_slides() -> None:
    doc = deckgen.read(_source("incremental"))
    write, sleep, hand = doc.insights
    assert [p.text for p in write.points] == [
        "What you saw",
        "What you tried",
        "What you will try next",
    ]
    assert [p.text for p in sleep.points] == [
        "It can wait until morning more often than you think.",
        "Most pages at three in the morning are not emergencies.",
    ]
    assert [p.text for p in hand.points] == ["Open incidents", "Flaky alerts", "And say thank you."]
    # list items of an incremental div (or under 'incremental: true') appear on clicks; a
    # nonincremental div's do not, nor does text after a pause
    assert [getattr(t, "appear", False) for t in write.items] == [True, True, True]
    assert [getattr(t, "appear", False) for t in sleep.items] == [False, False]
    assert [getattr(t, "appear", False) for t in hand.items] == [False, False, False]


@pytest.mark.parametrize(
    ("src", "appear"),
    [
        ("::: incremental\n- a\n- b\n:::\n\n- c\n", [True, True, False]),
        ("::: {.incremental .nonincremental}\n- a\n:::\n", [True]),
        ("::: incremental\n::: nonincremental\n- a\n:::\n\n- b\n:::\n", [False, True]),
        ("::: incremental\nSome text.\n\n- a\n:::\n", [False, True]),
    ],
)
def test_which_items_appear_on_a_click(src: str, appear: list[bool]) -> None:
    doc = parse(f"% T\n\n# S\n\n{src}")
    assert [getattr(t, "appear", False) for t in doc.insights[0].items] == appear


def test_incremental_items_appear_one_click_each_in_the_deck(tmp_path: Path) -> None:
    out = deckgen.build(_source("incremental"), tmp_path / "deck.pptx").output
    slide = Presentation(str(out)).slides[1]  # "Write it down"
    body = next(s for s in slide.shapes if s.has_text_frame and "What you saw" in s.text_frame.text)
    texts = [p.text for p in body.text_frame.paragraphs]
    timing = slide.element.find(qn("p:timing"))
    assert timing is not None
    targets = [
        (int(t.get("spid")), int(t.find(f"{qn('p:txEl')}/{qn('p:pRg')}").get("st")))
        for t in timing.iter(qn("p:spTgt"))
    ]
    shown = [texts[k] for sid, k in targets if sid == body.shape_id]
    assert shown == ["What you saw", "What you tried", "What you will try next"]
    assert len(targets) == 3
    clicks = [c for c in timing.iter(qn("p:cTn")) if c.get("nodeType") == "clickEffect"]
    assert len(clicks) == 3
    (build,) = timing.iter(qn("p:bldP"))
    assert (build.get("spid"), build.get("build")) == (str(body.shape_id), "p")
    # slides without an incremental list have no animation
    assert Presentation(str(out)).slides[2].element.find(qn("p:timing")) is None


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", CASES)
def test_every_word_in_every_theme_and_no_syntax_shown(
    name: str, theme: str, tmp_path: Path
) -> None:
    src = _source(name).read_text(encoding="utf-8")
    result = deckgen.build(_source(name), tmp_path / f"{name}.pptx", template=theme)
    lost = shown_words(src) - words("\n".join(deck_strings(result.output)))
    assert not lost, f"{sum(lost.values())} words lost: {dict(lost)}"
    shown, _ = _slide_and_notes_text(result.output)
    for text in shown:
        for syntax in (":::", "{width", ". . .", "{.notes}", "% "):
            assert syntax not in text, f"{syntax!r} shown on a slide: {text!r}"
    placed = [
        shape
        for slide in Presentation(str(result.output)).slides
        for shape in slide.shapes
        if shape.shape_type == 13  # a picture
    ]
    assert len(placed) == len(re.findall(r"!\[[^\]]*\]\(images/", src))


@pytest.mark.parametrize("name", CASES)
def test_every_word_in_a_corporate_template(name: str, tmp_path: Path) -> None:
    src = _source(name).read_text(encoding="utf-8")
    template = template_arg("corporate-16x9", tmp_path)
    result = deckgen.build(_source(name), tmp_path / f"{name}.pptx", template=template)
    lost = shown_words(src) - words("\n".join(deck_strings(result.output)))
    assert not lost, f"{sum(lost.values())} words lost: {dict(lost)}"


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", CASES)
def test_slides_render_with_every_word_in_its_box(tmp_path: Path, name: str, template: str):
    assert_renders_in_its_boxes(_source(name), template, tmp_path)


# --------------------------------------------------------------------------- slide level


def _titles(outline: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (s["kind"], re.sub(r"^\d+\. ", "", s["title"]))
        for s in outline["slides"]
        if s["kind"] != "title"
    ]


def test_slide_level_option() -> None:
    # no pandoc syntax: read as a summary (its "#" parts hold their "##" topics)
    assert _titles(_outline("slide_level")) == [("bullets", "Spring"), ("bullets", "Autumn")]
    assert _titles(_outline("slide_level", "--slide-level", "2")) == [
        ("section", "Spring"),
        ("bullets", "Novels"),
        ("bullets", "Essays"),
        ("section", "Autumn"),
        ("bullets", "Poetry"),
    ]
    three = _titles(_outline("slide_level", "--slide-level", "3"))
    assert [t for k, t in three if k == "section"] == [
        "Spring",
        "Novels",
        "Essays",
        "Autumn",
        "Poetry",
    ]
    assert ("bullets", "The one we abandoned") in three
    one = deckgen.read(_source("slide_level"), slide_level=1)
    assert [i.title.text for i in one.insights] == ["Spring", "Autumn"]
    assert "Nobody could get past chapter two." in [p.text for p in one.insights[0].items]


def test_a_slide_level_without_its_headings_is_warned_about() -> None:
    doc = parse("% T\n\n# A\n\none\n\n# B\n\ntwo\n", source="t.md", slide_level=2)
    assert [(i.kind, i.title.text) for i in doc.insights] == [
        ("section", "A"),
        ("insight", "one"),
        ("section", "B"),
        ("insight", "two"),
    ]
    assert any("slide level 2, but no heading has ##" in w for w in doc.warnings)


def test_slide_level_zero_cuts_at_rules_only() -> None:
    doc = parse("% T\n\n# A\n\none\n\n---\n\n# B\n\ntwo\n\n---\n\nthree\n", slide_level=0)
    assert [i.title.text for i in doc.insights] == ["A", "B", "three"]
    assert [p.text for p in doc.insights[0].points] == ["one"]


def test_slide_level_from_front_matter() -> None:
    text = _source("slide_level").read_text(encoding="utf-8")
    doc = parse(text.replace("---\n\n", "slide-level: 2\n---\n\n", 1))
    assert [(i.kind, i.title.text) for i in doc.insights] == [
        ("section", "Spring"),
        ("insight", "Novels"),
        ("insight", "Essays"),
        ("section", "Autumn"),
        ("insight", "Poetry"),
    ]
    # the option wins over the front matter
    doc = parse(text.replace("---\n\n", "slide-level: 2\n---\n\n", 1), slide_level=1)
    assert [i.title.text for i in doc.insights] == ["Spring", "Autumn"]
    bad = parse(text.replace("---\n\n", "slide-level: deep\n---\n\n", 1), source="t.md")
    assert any("'slide-level' must be 0 to 6" in w for w in bad.warnings)


def test_slide_level_through_the_api_and_the_cli(tmp_path: Path) -> None:
    result = deckgen.build(_source("slide_level"), tmp_path / "a.pptx", slide_level=2)
    assert result.slides == 6  # title, 2 dividers, 3 slides
    assert BuildOptions(slide_level=3).slide_level == 3
    run = CliRunner().invoke(
        cli,
        [
            "build",
            str(_source("slide_level")),
            "-o",
            str(tmp_path / "b.pptx"),
            "--slide-level",
            "2",
        ],
    )
    assert run.exit_code == 0, run.output
    assert len(Presentation(str(tmp_path / "b.pptx")).slides) == 6
    bad = CliRunner().invoke(cli, ["outline", str(_source("slide_level")), "--slide-level", "7"])
    assert bad.exit_code == 2
    with pytest.raises(ValueError):
        parse("# A\n\nb\n", slide_level=9)


# --------------------------------------------------------------------------- any document


@pytest.mark.parametrize(
    "text",
    [
        "Just one sentence.\n",
        "# One heading\n",
        "# One slide\n\nWith some text on it.\n",
        "First slide.\n\n---\n\nSecond slide.\n",
        "---\ntitle: A title\n---\n\nOne paragraph.\n",
        "% A title block\n",
        "% A title\n\n::: notes\nOnly notes.\n:::\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "::: incremental\n- one\n- two\n:::\n",
        "Text\n\n. . .\n\nmore text\n",
    ],
)
def test_a_document_with_words_is_never_refused(text: str) -> None:
    doc = parse(text, source="t.md")
    assert doc.title.text.strip()
    shown = [doc.title.text] + [p.text for i in doc.insights for p in i.items]
    shown += [i.title.text for i in doc.insights]
    assert ":::" not in " ".join(shown) and ". . ." not in " ".join(shown)


def test_a_heading_less_talk_is_cut_at_its_rules() -> None:
    doc = parse(
        "Intro line\n\n---\n\nFirst point here.\n\n---\n\n"
        "Second point, longer than a title line would be, because it goes on and on.\n"
    )
    assert [i.title.text for i in doc.insights] == [
        "First point here.",
        "Second point, longer than a title line would …",
    ]
    assert [p.text for p in doc.insights[1].points] == [
        "Second point, longer than a title line would be, because it goes on and on."
    ]


# --------------------------------------------------------------------------- summaries


def test_a_summary_with_decorative_rules_is_not_a_slide_show() -> None:
    """tests/fixtures/real/youtube_timestamps_summary.md: a rule under its intro and one
    above its sign-off; its bold chapter lines stay its sections."""
    real = Path(__file__).parent / "fixtures" / "real" / "youtube_timestamps_summary.md"
    doc = deckgen.read(real)
    assert not any("pandoc" in i.rule for i in doc.insights)
    summary = parse(
        "# Notes on the talk\n\nAn intro paragraph.\n\n---\n\n## First\n\nA point.\n\n"
        "**A bold topic**\n\nIts text.\n\n## Second\n\nAnother point.\n"
    )
    assert not any("pandoc" in i.rule for i in summary.insights)
    assert [i.title.text for i in summary.insights][:2] == ["First", "Second"]


def test_three_rules_between_content_make_a_slide_show() -> None:
    doc = parse("# Talk\n\n## One\n\nA.\n\n---\n\nB.\n\n## Two\n\nC.\n\n---\n\nD.\n\n---\n\nE.\n")
    assert [i.title.text for i in doc.insights] == ["One", "B.", "Two", "D.", "E."]
    assert all("'---' slide breaks" in i.rule for i in doc.insights)


# --------------------------------------------------------------------------- pandoc's extras


def test_a_lone_heading_at_the_slide_level_is_a_slide_and_the_decks_title() -> None:
    doc = parse("# Budget for Q3\n\n::: notes\nStart with the total.\n:::\n\nWe spend less.\n")
    assert doc.title.text == "Budget for Q3"
    assert [i.title.text for i in doc.insights] == ["Budget for Q3"]
    assert [n.text for n in doc.insights[0].notes] == ["Start with the total."]
    # a title above the slides stays the deck's title only
    doc = parse("# Talk\n\n## One\n\nA.\n\n::: notes\nN.\n:::\n\n## Two\n\nB.\n")
    assert doc.title.text == "Talk"
    assert [i.title.text for i in doc.insights] == ["One", "Two"]


def test_a_summarys_only_heading_titles_its_first_slide_too() -> None:
    doc = parse("## Standup, Tuesday\n\n- Ana: fixed the login bug\n- Ben: on leave\n")
    assert doc.title.text == "Standup, Tuesday"
    assert [i.title.text for i in doc.insights] == ["Standup, Tuesday"]


def test_heading_attributes_are_not_shown_and_set_the_background(tmp_path: Path) -> None:
    src = (
        "% Trip report\n\n# Day one {#day-1 .wide}\n\nWe landed late.\n\n"
        '# Day two {#day-2 background-image="images/tower.png"}\n\nThe tower tour.\n'
    )
    doc = parse(src)
    assert [i.title.text for i in doc.insights] == ["Day one", "Day two"]
    assert doc.insights[0].background is None
    bg = doc.insights[1].background
    assert bg is not None and bg.src == "images/tower.png" and bg.background
    path = FIXTURES / "trip.md"
    out = tmp_path / "trip.pptx"
    try:
        path.write_text(src, encoding="utf-8")
        deckgen.build(path, out)
    finally:
        path.unlink()
    shown, _ = _slide_and_notes_text(out)
    assert not any("{#" in text or "background-image" in text for text in shown)
    xml = [Presentation(str(out)).slides[k].element for k in (1, 2)]
    assert [bool(x.xpath("./p:cSld/p:bg")) for x in xml] == [False, True]


def test_notes_before_a_slides_first_line_are_its_notes() -> None:
    src = "% T\n\nOne.\n\n---\n\n::: notes\nSay this first.\n:::\n\nTwo is here.\n\n---\n\nThree.\n"
    doc = parse(src)
    two = next(i for i in doc.insights if i.title.text == "Two is here.")
    assert [n.text for n in two.notes] == ["Say this first."]


def test_footnotes_make_a_notes_slide() -> None:
    doc = parse(
        "% Sources\n\n# Claim\n\nTea came to Europe in 1610.[^a] Coffee later.^[About 1615.]\n\n"
        "[^a]: Through Dutch traders.\n"
    )
    (claim,) = doc.insights
    assert claim.items[0].text == "Tea came to Europe in 1610.[1] Coffee later.[2]"
    (notes,) = doc.back_matter
    assert notes.title.text == "Notes"
    assert [t.text for t in notes.items] == ["[1] Through Dutch traders.", "[2] About 1615."]
    assert not any("[^" in t.text for t in claim.items)


def test_raw_blocks_and_inlines_for_other_formats_are_left_out() -> None:
    doc = parse(
        "% T\n\n# Slide\n\nBefore `<b>x</b>`{=html} after.\n\n"
        "```{=openxml}\n<p:sp></p:sp>\n```\n\nEnd.\n"
    )
    assert [t.text for t in doc.insights[0].items] == ["Before after.", "End."]
    assert not doc.insights[0].elements
    assert any("raw '{=openxml}' block is left out" in w and "line 7" in w for w in doc.warnings)


def test_a_table_caption_shows_without_its_colon() -> None:
    doc = parse("% T\n\n# Costs\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Costs per month\n")
    assert [t.text for t in doc.insights[0].items] == ["Costs per month"]


def test_a_div_inside_a_quote_shows_no_fence() -> None:
    doc = parse("% T\n\n# S\n\n> ::: incremental\n> - one\n> - two\n> :::\n")
    texts = [t.text for i in doc.insights for t in i.items]
    assert texts == ["one", "two"]


def test_a_slide_shows_slides_get_no_number_the_author_did_not_write() -> None:
    doc = parse("% T\n\n# Why\n\nA.\n\n# How\n\nB.\n")
    assert [i.badge for i in doc.insights] == ["", ""]
    marp = parse(
        "---\nmarp: true\n---\n\n# T\n\n---\n\n## 1. First\n\nA.\n\n---\n\n## 2. Next\n\nB.\n"
    )
    assert [i.badge for i in marp.insights] == ["1", "2"]
    # an ordinary summary's sections are counted, as before
    assert [i.badge for i in parse("# T\n\n## Why\n\nA.\n\n## How\n\nB.\n").insights] == ["1", "2"]
