"""A paragraph's left margin (``marL``: a body placeholder's bullet indent) narrows the
lines it can fill: fit measures with it, so the text stays in its box."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pptx
import pytest

import deckgen
from deckgen.themes import load

from ..conftest import needs_soffice
from ..rendercheck import check_deck

DEFAULT = Path(pptx.__file__).parent / "templates" / "default.pptx"
MARGIN_EMU = 2 * 914400  # two inches


def wide_margin_template(folder: Path) -> Path:
    """python-pptx's default template with a two-inch left margin on body text."""
    out = folder / "wide-margin.pptx"
    with zipfile.ZipFile(DEFAULT) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "ppt/slideMasters/slideMaster1.xml":
                text = data.decode()
                body = text.index("<p:bodyStyle>")
                lvl = text.index("<a:lvl1pPr", body)
                end = text.index(">", lvl)
                head = text[lvl:end]
                if 'marL="' in head:
                    start = head.index('marL="')
                    stop = head.index('"', start + 6)
                    head = head[:start] + f'marL="{MARGIN_EMU}"' + head[stop + 1 :]
                else:
                    head += f' marL="{MARGIN_EMU}"'
                data = (text[:lvl] + head + text[end:]).encode()
            zout.writestr(info, data)
    return out


def test_the_reader_records_the_body_margin(tmp_path: Path) -> None:
    theme = load(str(wide_margin_template(tmp_path)))
    body = next(
        s
        for kind in ("bullets", "insight")
        if kind in theme.prototypes
        for s in theme.prototypes[kind].shapes
        if s.role == "content"
    )
    assert body.paragraphs and body.paragraphs[0].margin >= 144  # points: two inches


@pytest.mark.render
@needs_soffice
def test_text_fits_a_box_whose_paragraphs_have_a_wide_margin(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(170))
    src = f"# Margins\n\n## One long paragraph\n\n{words}\n\n## Short\n\nok\n"
    out = tmp_path / "deck.pptx"
    deckgen.build(text=src, output=out, template=wide_margin_template(tmp_path))
    problems = check_deck(out, tmp_path / "render")
    assert not problems, "\n".join(problems[:20])
