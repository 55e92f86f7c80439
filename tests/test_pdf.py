"""PDF export (issue 12, item 1): from ``build -o x.pdf``, ``--pdf`` and batches; the PDF has
a page per slide, its text can be extracted and its fonts are embedded; without LibreOffice
the command says how to install it and writes nothing; a failed conversion leaves an
existing PDF alone. Also the font and glyph warnings (deckgen.fontcheck)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

import deckgen
from deckgen import fontcheck
from deckgen.cli import cli

from .conftest import CONTENT, needs_soffice

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real"


def slide_count(deck: Path) -> int:
    return len(Presentation(str(deck)).slides)


def pdf_facts(pdf: Path) -> tuple[int, str, list[tuple[str, bool]]]:
    """(pages, all text, [(font name, embedded?)])."""
    import pdfplumber
    from pdfminer.pdftypes import resolve1

    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
        fonts: dict[str, bool] = {}
        for page in doc.pages:
            resources = resolve1(page.page_obj.resources) or {}
            for font in (resolve1(resources.get("Font")) or {}).values():
                font = resolve1(font)
                name = str(resolve1(font.get("BaseFont")))
                descriptor = resolve1(font.get("FontDescriptor"))
                if descriptor is None and font.get("DescendantFonts"):
                    child = resolve1(resolve1(font["DescendantFonts"])[0])
                    descriptor = resolve1(child.get("FontDescriptor"))
                embedded = descriptor is not None and any(
                    k in descriptor for k in ("FontFile", "FontFile2", "FontFile3")
                )
                fonts[name] = embedded
    return pages, text, sorted(fonts.items())


def assert_good_pdf(pdf: Path, slides: int, *words: str) -> None:
    assert pdf.read_bytes().startswith(b"%PDF-")
    pages, text, fonts = pdf_facts(pdf)
    assert pages == slides
    flat = " ".join(text.split())
    for word in words:
        assert word in flat
    assert fonts, "no fonts in the PDF"
    assert all(embedded for _, embedded in fonts), fonts


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --------------------------------------------------------------------------- with LibreOffice


@pytest.mark.render
@needs_soffice
def test_build_to_pdf(tmp_path: Path):
    out = tmp_path / "talk.pdf"
    result = CliRunner().invoke(cli, ["build", str(CONTENT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out} (12 slides)" in result.output
    assert_good_pdf(out, 12, "Introduction to Llama 3.1", "Challenges with Closed Ecosystems")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.pdf"]  # the PDF only


@pytest.mark.render
@needs_soffice
def test_build_with_pdf_beside_the_deck_and_through_the_api(tmp_path: Path):
    src = tmp_path / "talk.md"
    src.write_bytes(CONTENT.read_bytes())
    result = CliRunner().invoke(cli, ["build", str(src), "--pdf", "--agenda"])
    assert result.exit_code == 0, result.output
    deck, pdf = tmp_path / "talk.pptx", tmp_path / "talk.pdf"
    assert f"Wrote {pdf}" in result.output
    assert slide_count(deck) == 13
    assert_good_pdf(pdf, 13, "Agenda")

    api = deckgen.build(src, tmp_path / "api.pdf", numbers=False)
    assert api.output == tmp_path / "api.pdf" and api.slides == 12
    assert_good_pdf(api.output, 12, "Conclusion")
    assert not leftovers(tmp_path)


@pytest.mark.render
@needs_soffice
def test_a_batch_with_pdfs(tmp_path: Path):
    sources = [FIXTURES / "lecture_notes_ja.md", FIXTURES / "infra_sync_meeting.md", CONTENT]
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", *map(str, sources), "-d", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert "3 built, 0 failed" in result.output
    for src in sources:
        deck, pdf = out / f"{src.stem}.pptx", out / f"{src.stem}.pdf"
        assert_good_pdf(pdf, slide_count(deck))
    pages, text, _ = pdf_facts(out / "lecture_notes_ja.pdf")
    assert any("\u3040" <= ch <= "\u9fff" for ch in text)  # Japanese text, extractable
    assert not leftovers(out)


# --------------------------------------------------------------------------- without it


@pytest.mark.parametrize(
    "args",
    [
        ["build", "{src}", "-o", "{tmp}/talk.pdf"],
        ["build", "{src}", "-o", "{tmp}/talk.pptx", "--pdf"],
        ["build", "{src}", "{src2}", "-d", "{tmp}/out", "--pdf"],
    ],
)
def test_without_libreoffice_one_error_line_and_nothing_written(tmp_path, monkeypatch, args):
    src2 = tmp_path / "other.md"
    src2.write_bytes(CONTENT.read_bytes())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice anywhere
    monkeypatch.delenv("DECKGEN_SOFFICE", raising=False)
    before = sorted(os.listdir(tmp_path))
    argv = [a.format(src=CONTENT, src2=src2, tmp=tmp_path) for a in args]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: soffice was not found on PATH: PDF export needs LibreOffice")
    assert "apt-get install libreoffice-impress" in lines[0]
    assert sorted(os.listdir(tmp_path)) == before


def fake_soffice(folder: Path, script: str) -> Path:
    path = folder / "soffice"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.parametrize(
    "script",
    [
        "echo 'Error: source file could not be loaded' >&2\nexit 1\n",
        # writes the start of a PDF where LibreOffice would, then stops
        'while [ $# -gt 0 ]; do [ "$1" = --outdir ] && dir="$2"; shift; done\n'
        'printf "%%PD" > "$dir/talk.pdf"\nexit 0\n',
    ],
)
def test_a_failed_conversion_leaves_the_old_pdf_alone(tmp_path, monkeypatch, script):
    monkeypatch.setenv("DECKGEN_SOFFICE", str(fake_soffice(tmp_path, script)))
    out = tmp_path / "out"
    out.mkdir()
    old = out / "talk.pdf"
    old.write_bytes(b"%PDF-1.4 the old one")
    result = CliRunner().invoke(cli, ["build", str(CONTENT), "-o", str(old)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "LibreOffice" in result.output
    assert old.read_bytes() == b"%PDF-1.4 the old one"
    assert sorted(os.listdir(out)) == ["talk.pdf"]


# --------------------------------------------------------------------------- fonts


def fonts(families: set[str], ranges: list[tuple[int, int]]) -> fontcheck.Fonts:
    return fontcheck.Fonts(
        frozenset(f.lower() for f in families),
        tuple(a for a, _ in ranges),
        tuple(b for _, b in ranges),
    )


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return deckgen.build(
        text="# Fonts 🦙\n\n## One\n\n- Key Point: llamas 🦙 and 漢字\n",
        output=tmp_path / "fonts.pptx",
    ).output


def test_a_theme_font_missing_with_its_twin_is_a_warning(deck: Path):
    assert "Calibri" in fontcheck.typefaces(deck)
    ascii_only = [(0x20, 0x7E)]
    none = fonts({"DejaVu Sans"}, ascii_only)
    (warning,) = [w for w in fontcheck.font_warnings(deck, none) if "Calibri" in w]
    assert "nor its metric-compatible twin Carlito" in warning
    assert "apt-get install fonts-crosextra-carlito" in warning
    # either one present: nothing to say about it
    assert not [
        w for w in fontcheck.font_warnings(deck, fonts({"Carlito"}, ascii_only)) if "Calibri" in w
    ]
    assert not [
        w for w in fontcheck.font_warnings(deck, fonts({"Calibri"}, ascii_only)) if "Calibri" in w
    ]


def test_characters_no_font_has_are_a_warning(deck: Path):
    latin = fonts({"Carlito"}, [(0x20, 0x7E), (0xA0, 0x24F)])
    (warning,) = fontcheck.glyph_warnings(deck, latin)
    assert "🦙 (U+1F999, slide 1)" in warning
    assert "漢 (U+6F22, slide 2)" in warning
    assert "empty boxes" in warning
    assert "fonts-noto-color-emoji" in warning and "fonts-noto-cjk" in warning
    everything = fonts({"Carlito"}, [(0x20, 0x10FFFF)])
    assert fontcheck.glyph_warnings(deck, everything) == []


@pytest.mark.render
@needs_soffice
def test_preview_options_and_its_glyph_warning(tmp_path, monkeypatch):
    latin = fonts({"Carlito", "Caladea", "DejaVu Sans"}, [(0x20, 0x7E), (0xA0, 0x24F)])
    monkeypatch.setattr(fontcheck, "installed", lambda: latin)
    src = tmp_path / "emoji.md"
    src.write_text("# Party 🎉\n\n## One\n\nText 🎉\n\n## Two\n\nMore\n", encoding="utf-8")
    out = tmp_path / "sheet.png"
    result = CliRunner().invoke(
        cli, ["preview", str(src), "-o", str(out), "--agenda", "--no-numbers", "--no-footer"]
    )
    assert result.exit_code == 0, result.output
    assert "Warning: no installed font has 🎉 (U+1F389, slide 1)" in result.output
    from PIL import Image

    with Image.open(out) as im:
        width, _ = im.size
    # four slides (title, agenda, two sections) in a row at the default 96 dpi: 1280 each
    assert width > 4 * 1200
