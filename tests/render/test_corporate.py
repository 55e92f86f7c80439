"""Corporate templates work the way their designers meant (issue 14, items 1–4 and 7):
layouts chosen by what they are, the main placeholder filled, titles never split, the
agenda titled, slide numbers/footer/date filled, no designer as author, clear messages.

The templates are made by ``corporate_templates.py`` in the shapes real ones come in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

import deckgen
from deckgen.cli import cli
from deckgen.errors import TemplateError
from deckgen.render import load_theme

from ..conftest import CONTENT, ROOT, needs_soffice
from ..rendercheck import check_deck
from . import corporate_templates as ct

BOOK = ROOT / "tests" / "fixtures" / "real" / "book_notes_parts.md"
INSIGHTS = 10  # content.md: a title slide, ten insights, a conclusion


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def kinds_layouts(path: Path, **pins: str) -> dict[str, str | None]:
    theme = load_theme(path, layouts=pins or None)
    return {k: p.layout_name for k, p in theme.prototypes.items()}


def texts(slide) -> dict[str, str]:
    return {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}


def placeholder(slide, kind: PP_PLACEHOLDER):
    found = [s for s in slide.placeholders if s.placeholder_format.type == kind]
    return found[0] if found else None


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corporate")
    for name, make in ct.ALL.items():
        make(folder / f"{name}.pptx")
    for lang in ("de", "pl", "pt", "ja"):
        ct.named(folder / f"named-{lang}.pptx", lang)
    return folder


# --------------------------------------------------------------------------- item 1


def test_a_cover_listed_first_does_not_carry_the_content(made: Path, tmp_path: Path):
    path = made / "cover-first.pptx"
    chosen = kinds_layouts(path)
    assert chosen["title"] in ("Title & Subtitle", "Título da Apresentação")
    for kind in ("agenda", "insight", "bullets", "conclusion"):
        assert chosen[kind] == "Título e Conteúdo", kind
    assert chosen["section"] == "Cabeçalho da Seção"
    result = deckgen.build(CONTENT, tmp_path / "deck.pptx", template=path)
    assert result.slides == INSIGHTS + 2  # not 44: each insight on one slide
    assert not [w for w in result.warnings if "continued" in w]


@pytest.mark.parametrize("lang", ["de", "pl", "pt", "ja"])
def test_layout_names_in_any_language(made: Path, lang: str):
    """No layout types at all, the two-content and vertical layouts listed first: the
    structure chooses; the section header is found by its name."""
    names = ct.NAMES[lang]
    chosen = kinds_layouts(made / f"named-{lang}.pptx")
    assert chosen["title"] == names[0]
    assert chosen["insight"] == chosen["bullets"] == chosen["agenda"] == names[1]
    assert chosen["section"] == names[2]
    assert not load_theme(made / f"named-{lang}.pptx").warnings


def test_names_only_break_ties(made: Path):
    chosen = kinds_layouts(made / "tie.pptx")
    assert chosen["insight"] == "Titel und Inhalt"  # listed second, as large as 'Layout 7'
    result = run("templates", "check", str(made / "tie.pptx"))
    assert "as good as 'Layout 7', its name decides" in result.output


def test_an_agenda_layout_takes_the_agenda(made: Path, tmp_path: Path):
    path = made / "agenda.pptx"
    chosen = kinds_layouts(path)
    assert (chosen["agenda"], chosen["insight"]) == ("Agenda", "Title and Content")
    out = tmp_path / "deck.pptx"
    deckgen.build(CONTENT, out, template=path, agenda=True)
    agenda = Presentation(str(out)).slides[1]
    assert agenda.slide_layout.name == "Agenda"
    assert agenda.shapes.title.text_frame.text == "Agenda"
    assert "10. Evolving Perceptions of AI" in "".join(texts(agenda).values())
    check = run("templates", "check", str(path)).output
    assert "agenda     → 'Agenda': a layout for an agenda" in check


def test_templates_check_prints_the_mapping_and_why(made: Path):
    result = run("templates", "check", str(made / "source-box.pptx"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "layouts (kind → layout: why):" in out
    assert "title      → 'Title Slide': title-slide layout (centred title)" in out
    assert "insight    → 'Title, Content and Source': largest text box (12.1 × 4.8 in)" in out
    assert "1 other placeholder left empty" in out
    assert "section    → 'Section Header': section-header layout (type 'secHead')" in out
    assert out.rstrip().endswith("OK")
    # a prototype theme has no layout mapping
    assert "layouts (kind" not in run("templates", "check", "default").output


def test_a_kind_pinned_in_the_front_matter_and_on_the_command_line(made: Path, tmp_path: Path):
    path = made / "chrome.pptx"
    src = tmp_path / "talk.md"
    src.write_text(
        '---\ntitle: Pinned\nlayouts: {insight: "Two Content", closing: "Blank", x: 1}\n---\n'
        "## 1. One\n- Key Point: first\n\n## 2. Two\n- Key Point: second\n",
        encoding="utf-8",
    )
    out = tmp_path / "talk.pptx"
    result = run("build", str(src), "-o", str(out), "-t", str(path))
    assert result.exit_code == 0, result.output
    assert [s.slide_layout.name for s in Presentation(str(out)).slides] == [
        "Title Slide",
        "Two Content",
        "Two Content",
    ]
    # unknown kinds in the front matter: a warning each, the build goes on
    assert "front matter 'layouts': 'closing' ignored" in result.output
    assert "'x' ignored" in result.output
    # the command line wins over the front matter
    result = run(
        "build", str(src), "-o", str(out), "-t", str(path), "--layout", "insight=Comparison"
    )
    assert result.exit_code == 0, result.output
    assert Presentation(str(out)).slides[1].slide_layout.name == "Comparison"
    # templates check shows a pin
    check = run("templates", "check", str(path), "--layout", "insight=Comparison")
    assert "insight    → 'Comparison': pinned by name" in check.output


def test_pinning_mistakes_say_what_and_where(made: Path, tmp_path: Path):
    path = made / "chrome.pptx"
    out = tmp_path / "d.pptx"
    result = run("build", str(CONTENT), "-o", str(out), "-t", str(path), "--layout", "insight=Nope")
    assert result.exit_code == 1
    assert f"Error: {path}: no layout named 'Nope' for insight slides" in result.output
    assert "'Two Content'" in result.output  # the layouts there are
    for bad in ("insight", "insigth=Two Content", "closing=Blank"):
        result = run("build", str(CONTENT), "-o", str(out), "-t", str(path), "--layout", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert "--layout" in result.output
    assert not out.exists()
    # on a prototype theme a pin is not used, and a warning says so
    result = deckgen.build(CONTENT, out, template="default", layouts={"insight": "X"})
    assert any("are not used" in w for w in result.warnings)


# --------------------------------------------------------------------------- item 2


def test_the_main_placeholder_gets_the_text_and_a_small_one_is_removed(made: Path, tmp_path):
    path = made / "source-box.pptx"
    theme = load_theme(path)
    body = next(s for s in theme.prototypes["insight"].shapes if s.role == "content")
    assert body.box[3] == ct.CONTENT_BOX_PT * ct.PT  # the 343 pt box, not the 29 pt one
    out = tmp_path / "deck.pptx"
    result = deckgen.build(CONTENT, out, template=path)
    assert result.slides == INSIGHTS + 2
    slides = list(Presentation(str(out)).slides)
    for slide in slides[1:-1]:
        assert "Source" not in texts(slide)  # left empty, and removed from the slide
        obj = placeholder(slide, PP_PLACEHOLDER.OBJECT)
        assert obj is not None and obj.height == ct.CONTENT_BOX_PT * ct.PT
        assert "Insight:" in obj.text_frame.text


# --------------------------------------------------------------------------- item 3


def test_titles_are_never_split_across_slides(made: Path, tmp_path: Path):
    path = made / "short-title-4x3.pptx"
    out = tmp_path / "deck.pptx"
    result = deckgen.build(CONTENT, out, template=path)
    prs = Presentation(str(out))
    assert (prs.slide_width, prs.slide_height) == (9144000, 6858000)
    assert result.slides == INSIGHTS + 2
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles[0] == "Valuable Insights from the Interview with Mark Zuckerberg on Llama 3.1"
    assert titles[2] == "2. Challenges with Closed Ecosystems"
    assert not any("continued" in t for t in titles)
    (warning,) = [w for w in result.warnings if "title is too long" in w]
    assert warning.startswith("title slide “Valuable Insights")
    assert "shrunk to" in warning
    # the title slide's title shrank below the template's minimum but stayed on one slide
    size = prs.slides[0].shapes.title.text_frame.paragraphs[0].runs[0].font.size.pt
    assert 10 <= size < 24


# --------------------------------------------------------------------------- item 4


def test_the_agenda_has_its_heading_on_every_corporate_template(made: Path, tmp_path: Path):
    for name in ("cover-first", "source-box", "short-title-4x3", "chrome", "named-ja"):
        out = tmp_path / f"{name}.pptx"
        deckgen.build(CONTENT, out, template=made / f"{name}.pptx", agenda=True)
        agenda = Presentation(str(out)).slides[1]
        assert agenda.shapes.title.text_frame.text == "Agenda", name
        assert "1. Introduction to Llama 3.1" in agenda.placeholders[1].text_frame.text


DOC = (
    "---\ntitle: Numbers\nfooter: ACME · internal\ndate: 1 May 2024\nauthor: Ada Lovelace\n---\n"
    "## 1. One\n- Key Point: first\n\n## 2. Two\n- Key Point: second\n\n"
    "## Conclusion\nDone.\n"
)


def test_slide_number_footer_and_date_placeholders_are_filled(made: Path, tmp_path: Path):
    out = tmp_path / "deck.pptx"
    deckgen.build(text=DOC, output=out, template=made / "chrome.pptx")
    slides = list(Presentation(str(out)).slides)
    assert len(slides) == 4
    first = slides[0]  # the title slide shows none of them
    assert placeholder(first, PP_PLACEHOLDER.SLIDE_NUMBER) is None
    assert placeholder(first, PP_PLACEHOLDER.FOOTER) is None
    for n, slide in enumerate(slides[1:], start=2):
        number = placeholder(slide, PP_PLACEHOLDER.SLIDE_NUMBER)
        assert number is not None and number.text_frame.text == str(n)
        assert placeholder(slide, PP_PLACEHOLDER.FOOTER).text_frame.text == "ACME · internal"
        assert placeholder(slide, PP_PLACEHOLDER.DATE).text_frame.text == "1 May 2024"
        # the layout's own box, with its formatting (12 pt in python-pptx's master)
        assert number.text_frame.paragraphs[0].runs[0].font.size is not None
    # --no-numbers and --no-footer
    bare = tmp_path / "bare.pptx"
    deckgen.build(text=DOC, output=bare, template=made / "chrome.pptx", numbers=False, footer=False)
    for slide in list(Presentation(str(bare)).slides)[1:]:
        assert placeholder(slide, PP_PLACEHOLDER.SLIDE_NUMBER) is None
        assert placeholder(slide, PP_PLACEHOLDER.FOOTER) is None
        assert placeholder(slide, PP_PLACEHOLDER.DATE).text_frame.text == "1 May 2024"


def test_no_date_no_date_box(made: Path, tmp_path: Path):
    out = tmp_path / "deck.pptx"
    deckgen.build(
        text=DOC.replace("date: 1 May 2024\n", ""), output=out, template=made / "chrome.pptx"
    )
    slide = Presentation(str(out)).slides[1]
    assert placeholder(slide, PP_PLACEHOLDER.DATE) is None  # not an empty "Click to add"


@pytest.mark.parametrize("name", ["chrome", "short-title-4x3"])
def test_the_designer_is_never_the_author(made: Path, tmp_path: Path, name: str):
    out = tmp_path / "deck.pptx"
    deckgen.build(CONTENT, out, template=made / f"{name}.pptx")
    cp = Presentation(str(out)).core_properties
    assert "Jo Designer" not in (cp.author, cp.last_modified_by)
    assert (cp.subject, cp.comments, cp.keywords, cp.category) == ("", "", "", "")
    deckgen.build(text=DOC, output=out, template=made / f"{name}.pptx")
    assert Presentation(str(out)).core_properties.author == "Ada Lovelace"


# --------------------------------------------------------------------------- item 7


def test_a_master_with_no_layouts_is_refused_naming_the_file(made: Path, tmp_path: Path):
    path = made / "no-layouts.pptx"
    with pytest.raises(TemplateError) as info:
        load_theme(path)
    assert info.value.path is not None and str(path) in str(info.value)
    result = run("build", str(CONTENT), "-o", str(tmp_path / "d.pptx"), "-t", str(path))
    assert result.exit_code == 1
    assert (
        f"Error: {path}: template has no prototype slides and its slide master has no layouts"
        in result.output
    )
    assert not (tmp_path / "d.pptx").exists()


def test_a_layout_warning_states_the_path_once(tmp_path: Path):
    prs = Presentation()
    ct.remove_layouts(prs, keep=("Title Only", "Blank"))
    path = tmp_path / "few.pptx"
    prs.save(path)
    result = run("build", str(CONTENT), "-o", str(tmp_path / "d.pptx"), "-t", str(path))
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "Title Only" in ln]
    assert len(lines) == 1 and lines[0].count(str(path)) == 1, lines


def test_a_continuation_caused_by_a_small_box_blames_the_box(tmp_path: Path):
    prs = Presentation()
    ct.widen(prs)
    ct.remove_layouts(prs, keep=("Title Slide", "Title and Content"))
    content = ct.by_name(prs, "Title and Content")
    ct.rename(content, "Title and Source")
    ct.place(ct.placeholder(content, "obj", 1), 0.6 * ct.IN, 6 * ct.IN, 12 * ct.IN, 29 * ct.PT)
    path = tmp_path / "tiny.pptx"
    prs.save(path)
    text = "# Tiny\n\n## 1. One\n- Key Point: " + "word " * 40 + "\n"
    result = deckgen.build(text=text, output=tmp_path / "d.pptx", template=path)
    (warning,) = [w for w in result.warnings if "continued" in w]
    assert warning.startswith("insight 1 “One” (line 3) does not fit on one slide")
    assert warning.endswith(
        "(the template's body box on layout 'Title and Source' is only 29 pt tall)"
    )


# --------------------------------------------------------------------------- rendered


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize(
    "name",
    ["cover-first", "source-box", "short-title-4x3", "chrome", "named-ja", "named-pl", "agenda"],
)
def test_corporate_decks_render_with_every_word_in_its_box(made: Path, tmp_path: Path, name: str):
    out = tmp_path / f"{name}.pptx"
    deckgen.build(CONTENT, out, template=made / f"{name}.pptx", agenda=True)
    problems = check_deck(out, tmp_path / "render")
    assert not problems, "\n".join(problems[:40])
    # section dividers, sub-slides, labelled fields, front matter footer and date
    book = tmp_path / f"{name}-book.pptx"
    result = deckgen.build(BOOK, book, template=made / f"{name}.pptx")
    kinds = {s.slide_layout.name for s in Presentation(str(book)).slides}
    assert kinds_layouts(made / f"{name}.pptx")["section"] in kinds
    assert result.slides < 30
    problems = check_deck(book, tmp_path / "render-book")
    assert not problems, "\n".join(problems[:40])


@pytest.mark.render
@needs_soffice
def test_numbers_footer_and_date_render_in_their_boxes(made: Path, tmp_path: Path):
    out = tmp_path / "chrome.pptx"
    deckgen.build(text=DOC, output=out, template=made / "chrome.pptx")
    problems = check_deck(out, tmp_path / "render")
    assert not problems, "\n".join(problems[:40])
