"""What a deck says beyond its slides: a divider's notes, the document's description."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import deckgen
from deckgen import plan, themes
from deckgen.model import Document, Insight, RichText


@pytest.mark.parametrize("theme", ["default", "dark", "bold"])
def test_a_section_dividers_notes_are_in_its_speaker_notes(theme: str) -> None:
    divider = Insight(
        1,
        RichText.plain_text("Part one"),
        notes=(RichText.plain_text("Pause here and ask who has tried it."),),
        kind="section",
        level=0,
    )
    doc = Document(RichText.plain_text("Talk"), (divider,))
    deck = plan.plan(doc, themes.load(theme))
    (slide,) = [s for s in deck.slides if s.kind == "section"]
    assert "Pause here and ask who has tried it." in slide.notes


def test_the_front_matters_description_or_abstract_is_the_decks_description(
    tmp_path: Path,
) -> None:
    for key in ("description", "abstract"):
        out = tmp_path / f"{key}.pptx"
        text = f"---\ntitle: Talk\n{key}: What the talk is about, in one line.\n---\n# A\n\ntext\n"
        deckgen.build(text=text, output=out)
        core = zipfile.ZipFile(out).read("docProps/core.xml").decode()
        assert "What the talk is about, in one line." in core
