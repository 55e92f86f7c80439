"""Issue 11 rendered: every fixture of tests/fixtures/elements/ (pictures, tables, code,
lists, quotes, missing pictures) in the three bundled themes and in two corporate
templates (python-pptx's default, 4:3 and 16:9) renders through LibreOffice with every word
inside its own box (a table's words inside the table) and no word of the slides missing
from the PDF. tests/test_elements_e2e.py checks the same decks from their XML.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import deckgen

from ..conftest import needs_soffice
from ..rendercheck import check_deck
from ..test_elements_e2e import ELEMENTS, FIXTURES, TEMPLATES, template_arg


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", FIXTURES)
def test_element_decks_render_with_every_word_in_its_box(tmp_path: Path, name: str, template: str):
    out = tmp_path / f"{name}-{template}.pptx"
    deckgen.build(ELEMENTS / f"{name}.md", out, template=template_arg(template, tmp_path))
    problems = check_deck(out, tmp_path / "render")
    assert not problems, f"{out.name}:\n" + "\n".join(problems[:40])
