"""What a presenter notices in the written file: numbers, footer, agenda, inline formatting
and links, notes the author wrote, document properties, language, reproducible bytes."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from pptx import Presentation

from deckgen.cli import cli

from .conftest import CONTENT, needs_soffice

DOC = """\
---
title: Open Models in Practice
author: Ada Lovelace
subject: Notes from a panel
keywords: [open source, AI]
lang: en-GB
footer: ACME Tech Talks
---
# Open Models in Practice

## 1. Licences matter
- Key Point: Read the **licence** before you *ship*, and check `LICENSE` files.
- Insight: See [the OSI list](https://opensource.org/licenses) or https://choosealicense.com now.
- Notes: Tell the story about the audit here.

## 2. Community
- Key Point: Contributors come when issues are answered.
- Insight: Answer within a day.
<!-- notes: Mention the Discord numbers. -->

## Conclusion
Open models win when they are easy to adopt.
"""


def build(tmp_path, *args: str, text: str = DOC):
    src = tmp_path / "talk.md"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "talk.pptx"
    result = CliRunner().invoke(cli, ["build", str(src), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return Presentation(str(out)), out


def slide_texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def runs(slide):
    for shape in slide.shapes:
        if shape.has_text_frame:
            for p in shape.text_frame.paragraphs:
                yield from p.runs


def test_slide_numbers_and_footer_by_default(tmp_path):
    prs, _ = build(tmp_path)
    total = len(prs.slides)
    texts = slide_texts(prs.slides[1])
    assert f"2 / {total}" in texts
    assert "ACME Tech Talks" in texts


def test_no_numbers_and_no_footer_remove_them(tmp_path):
    prs, _ = build(tmp_path, "--no-numbers", "--no-footer")
    for slide in prs.slides:
        joined = "\n".join(slide_texts(slide))
        assert "ACME Tech Talks" not in joined
        assert f"/ {len(prs.slides)}" not in joined


def test_inline_markdown_becomes_run_formatting_and_links(tmp_path):
    prs, _ = build(tmp_path)
    by_text = {r.text: r for r in runs(prs.slides[1])}
    assert by_text["licence"].font.bold
    assert by_text["ship"].font.italic
    assert by_text["LICENSE"].font.name == "Courier New"
    assert by_text["the OSI list"].hyperlink.address == "https://opensource.org/licenses"
    assert by_text["https://choosealicense.com"].hyperlink.address == "https://choosealicense.com"


def test_author_notes_reach_the_speaker_notes(tmp_path):
    prs, _ = build(tmp_path)
    assert "Tell the story about the audit here." in prs.slides[1].notes_slide.notes_text_frame.text
    assert "Mention the Discord numbers." in prs.slides[2].notes_slide.notes_text_frame.text
    # and they are not on the slide itself
    assert "audit" not in "\n".join(slide_texts(prs.slides[1]))


def test_every_slide_has_notes_and_a_title(tmp_path):
    prs, _ = build(tmp_path, "--agenda")
    for slide in prs.slides:
        assert slide.shapes.title is not None and slide.shapes.title.text_frame.text.strip()
        assert slide.notes_slide.notes_text_frame.text.strip()


def test_agenda_lists_the_insight_titles_after_the_title_slide(tmp_path):
    prs, _ = build(tmp_path, "--agenda")
    agenda = "\n".join(slide_texts(prs.slides[1]))
    assert "Licences matter" in agenda and "Community" in agenda
    assert len(prs.slides) == 5  # title, agenda, 2 insights, conclusion


def test_document_properties_and_language_come_from_front_matter(tmp_path):
    prs, _ = build(tmp_path)
    props = prs.core_properties
    assert props.title == "Open Models in Practice"
    assert props.author == "Ada Lovelace"
    assert props.subject == "Notes from a panel"
    assert props.keywords == "open source, AI"
    assert props.language == "en-GB"
    langs = {r._r.rPr.get("lang") for r in runs(prs.slides[1]) if r._r.rPr is not None}
    assert langs == {"en-GB"}


def _properties(out) -> dict[str, object]:
    cp = Presentation(str(out)).core_properties
    names = ("title", "subject", "author", "keywords", "comments", "last_modified_by")
    return {n: getattr(cp, n) for n in (*names, "category", "language", "last_printed")}


UNSAID = {
    "subject": "",
    "author": "",
    "keywords": "",
    "comments": "",
    "last_modified_by": "",
    "category": "",
    "last_printed": None,
}


@pytest.mark.parametrize("theme", ["default", "dark", "bold"])
def test_document_properties_say_only_what_the_summary_says(tmp_path, theme):
    """No theme description as the Subject, no "generated using python-pptx" as Comments,
    no "deckgen" as the Author: a summary that names none of them leaves them empty."""
    out = tmp_path / "deck.pptx"
    result = CliRunner().invoke(cli, ["build", str(CONTENT), "-o", str(out), "-t", theme])
    assert result.exit_code == 0, result.output
    props = _properties(out)
    assert props == {
        "title": "Valuable Insights from the Interview with Mark Zuckerberg on Llama 3.1",
        "language": "en-US",
        **UNSAID,
    }


def test_a_corporate_template_leaves_its_designer_out_of_the_deck(tmp_path):
    prs = Presentation()
    cp = prs.core_properties
    cp.author, cp.last_modified_by, cp.subject = "Jo Designer", "Jo Designer", "ACME master"
    cp.comments, cp.keywords, cp.category = "Internal template v7", "acme, brand", "Templates"
    cp.last_printed = cp.created
    prs.save(tmp_path / "acme.pptx")
    out = tmp_path / "deck.pptx"
    args = ["build", str(CONTENT), "-o", str(out), "-t", str(tmp_path / "acme.pptx")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Jo Designer" not in _properties(out).values()
    assert {k: v for k, v in _properties(out).items() if k in UNSAID} == UNSAID
    # what the summary says is set, with the same template
    build(tmp_path, "-t", str(tmp_path / "acme.pptx"), text=DOC.replace("lang: en-GB\n", ""))
    props = _properties(tmp_path / "talk.pptx")
    assert (props["author"], props["subject"]) == ("Ada Lovelace", "Notes from a panel")
    assert (props["keywords"], props["comments"], props["category"]) == ("open source, AI", "", "")


def test_the_subtitle_is_the_subject(tmp_path):
    text = "---\ntitle: Talk\nsubtitle: What we learned\n---\n" + DOC.split("---\n", 2)[2]
    build(tmp_path, text=text)
    props = _properties(tmp_path / "talk.pptx")
    assert (props["title"], props["subject"], props["author"]) == ("Talk", "What we learned", "")


def test_source_date_epoch_gives_byte_identical_decks(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a_dir.mkdir()
    b_dir.mkdir()
    prs, a = build(a_dir)
    _, b = build(b_dir)
    assert a.read_bytes() == b.read_bytes()
    assert prs.core_properties.created.year == 2023


def test_a_400_word_key_point_continues_with_a_warning_and_loses_nothing(tmp_path):
    words = [f"w{i}" for i in range(400)]
    text = "# Long\n\n## 1. Very long\n- Key Point: " + " ".join(words) + "\n- Insight: Short.\n"
    src = tmp_path / "long.md"
    src.write_text(text)
    out = tmp_path / "long.pptx"
    result = CliRunner().invoke(cli, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 0
    assert "Warning: insight 1" in result.output and "continued" in result.output
    prs = Presentation(str(out))
    insight_slides = [s for s in prs.slides if "Very long" in s.shapes.title.text_frame.text]
    assert len(insight_slides) >= 2
    assert "(continued)" in insight_slides[1].shapes.title.text_frame.text
    shown = " ".join("\n".join(slide_texts(s)) for s in insight_slides).split()
    assert [w for w in shown if w.startswith("w") and w[1:].isdigit()] == words


@pytest.mark.render
@needs_soffice
def test_preview_writes_a_contact_sheet(tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    from PIL import Image

    out = tmp_path / "sheet.png"
    result = CliRunner().invoke(cli, ["preview", str(CONTENT), "-o", str(out), "--cols", "4"])
    assert result.exit_code == 0, result.output
    with Image.open(out) as im:
        w, h = im.size
    assert w > h  # 4 columns x 3 rows of 16:9 slides


def test_preview_without_libreoffice_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    result = CliRunner().invoke(cli, ["preview", str(CONTENT), "-o", str(tmp_path / "s.png")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: soffice was not found")
    assert not (tmp_path / "s.png").exists()
