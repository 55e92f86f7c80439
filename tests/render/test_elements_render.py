"""Issue 11 rendered: every fixture of tests/fixtures/elements/ (pictures, tables, code,
lists, quotes, missing pictures) in the three bundled themes and in two corporate
templates (python-pptx's default, 4:3 and 16:9) renders through LibreOffice with every word
inside its own box (a table's words inside the table) and no word of the slides missing
from the PDF. tests/test_elements_e2e.py checks the same decks from their XML.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import needs_soffice
from ..test_elements_e2e import ELEMENTS, FIXTURES, TEMPLATES, assert_renders_in_its_boxes


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", FIXTURES)
def test_element_decks_render_with_every_word_in_its_box(tmp_path: Path, name: str, template: str):
    assert_renders_in_its_boxes(ELEMENTS / f"{name}.md", template, tmp_path)
