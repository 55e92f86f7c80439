"""A whole stress document with an agenda, in every bundled theme, through LibreOffice.

tests/test_fit.py renders content.md and one small stress deck per case; this one puts
them together with the agenda slide and many labelled fields, as one long real deck.
"""

from __future__ import annotations

import pytest

import deckgen
from deckgen.themes import available

from .conftest import ROOT, needs_soffice
from .rendercheck import check_deck, small_text

STRESS = ROOT / "tests" / "fixtures" / "stress" / "stress.md"
THEMES = sorted(t.name for t in available() if t.origin == "bundled")

pytestmark = [pytest.mark.render, needs_soffice]


def test_three_bundled_themes_exist():
    assert {"default", "dark", "bold"} <= set(THEMES)


@pytest.mark.parametrize("theme", THEMES)
def test_stress_document_with_agenda_fits_in_every_theme(theme, tmp_path):
    out = tmp_path / f"stress-{theme}.pptx"
    result = deckgen.build(STRESS, out, template=theme, agenda=True)
    # 40 insights + title + agenda + conclusion, plus follow-up slides for the long ones
    assert result.slides > 43
    assert any("continued" in w for w in result.warnings)
    assert not small_text(out)
    problems = check_deck(out, tmp_path / "render")
    assert not problems, "\n".join(problems[:40])
