"""Decks are valid Open XML (issue 5): zero schema errors from openxml-audit.

Every deck any test writes is validated when that test ends (tests/schema.py, through
tests/conftest.py); this module makes sure the decks that matter most are among them, whatever
the other tests happen to build: content.md in every bundled theme and with every option, a
stress document that continues slides, odd characters, and corporate templates (python-pptx's
default template, the same as a .potx, and pandoc's reference.pptx where pandoc is installed).
It fails, rather than skips, where openxml-audit is missing: it is in the ``test`` extra.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pptx
import pytest
from pptx import Presentation

import deckgen
from deckgen.themes import available

from .conftest import CONTENT
from .schema import (
    SUBPROCESS_HOOK,
    check_not_inert,
    junk_escapes,
    validate,
    validate_recorded,
    written_by_deckgen,
)
from .test_properties import missing_from_deck

DEFAULT_PPTX = Path(pptx.__file__).parent / "templates" / "default.pptx"
THEMES = [t.name for t in available() if t.origin == "bundled"]

STRESS = "\n".join(
    [
        "---",
        "title: A stress test of every shape – “quoted”, ünïcödé & <angle> brackets",
        "subtitle: Subtitle with emoji 🚀 and CJK 中文",
        "author: Ada Lovelace",
        "date: 2024-05-01",
        "footer: Footer text",
        "---",
        "Intro paragraph with a [link](https://example.com/intro?a=1&b=2) and `code`.",
        "",
        "## 1. " + "A very long title that must shrink " * 6,
        "- Key Point: " + "A long key point that cannot fit on one slide at any size. " * 60,
        "- Insight: **bold** *italic* ***both*** `code()` ~~strike~~ "
        "[a link](https://example.com/a_(b)) https://example.com/bare",
        "- Why it matters: " + "Supercalifragilisticexpialidocious" * 4,
        "  - nested one",
        "    - nested two",
        "      - nested three",
        "## 2. 中文的标题：长长的句子",
        "- 要点：" + "这是一个很长的中文句子，用来测试换行和续页。" * 40,
        "- Insight: مرحبا بالعالم — שלום עולם — Привет мир — Γειά σου κόσμε",
        "## 3. Emoji 👩‍💻 and symbols ✅ ➡️ 1️⃣",
        "- Key Point: Control characters \x00\x07\x1b and private use \ue000 are removed.",
        "- Notes: a note for the speaker",
        "<!-- notes: a comment for the speaker -->",
        "",
        "| a table | with cells |",
        "|---|---|",
        "| one | two |",
        "",
        "```python",
        "print('a code block')",
        "```",
        "",
        "## Conclusion",
        "That is all. " * 80,
        "Follow us for more!",
        "",
    ]
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("schema")


def assert_valid(path: Path) -> None:
    errors = validate(path)
    assert errors == [], f"{len(errors)} schema errors in {path.name}: {errors[:5]}"
    assert junk_escapes(path) == []


def test_the_validator_finds_errors(folder: Path) -> None:
    """The check is real: a deck with one misplaced element fails it."""
    good = folder / "good.pptx"
    deckgen.build(CONTENT, good)
    bad = folder / "bad.pptx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "ppt/slides/slide2.xml":
                data = data.replace(b"<a:bodyPr", b"<a:bogus/><a:bodyPr", 1)
            zout.writestr(info.filename, data)
    assert validate(good) == []
    assert any("bogus" in e for e in validate(bad))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(
    "options",
    [{}, {"agenda": True}, {"numbers": False, "footer": False}],
    ids=["plain", "agenda", "no-numbers-no-footer"],
)
def test_content_md_in_every_theme(theme: str, options: dict[str, bool], folder: Path) -> None:
    out = folder / f"content-{theme}-{'-'.join(options) or 'plain'}.pptx"
    deckgen.build(CONTENT, out, template=theme, **options)
    assert_valid(out)


@pytest.mark.parametrize("theme", THEMES)
def test_a_stress_document_in_every_theme(theme: str, folder: Path) -> None:
    out = folder / f"stress-{theme}.pptx"
    result = deckgen.build(text=STRESS, output=out, template=theme, agenda=True)
    assert any("follow-up slide" in w for w in result.warnings)  # long texts were continued
    assert_valid(out)
    assert not missing_from_deck(STRESS, out)


def _potx(folder: Path) -> Path:
    main = b"presentationml.presentation.main+xml"
    out = folder / "corporate.potx"
    with zipfile.ZipFile(DEFAULT_PPTX) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(main, b"presentationml.template.main+xml")
            zout.writestr(info.filename, data)
    return out


def _pandoc_reference(folder: Path) -> Path:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    out = folder / "reference.pptx"
    with out.open("wb") as fh:
        subprocess.run(
            ["pandoc", "--print-default-data-file", "reference.pptx"],
            stdout=fh,
            check=True,
            timeout=60,
        )
    return out


@pytest.mark.parametrize("corporate", ["python-pptx default", "as .potx", "pandoc reference"])
@pytest.mark.parametrize("text", ["content", "stress"])
def test_corporate_templates(corporate: str, text: str, folder: Path) -> None:
    if corporate == "python-pptx default":
        template = DEFAULT_PPTX
    elif corporate == "as .potx":
        template = _potx(folder)
    else:
        template = _pandoc_reference(folder)
    out = folder / f"corporate-{corporate.replace(' ', '-')}-{text}.pptx"
    if text == "content":
        deckgen.build(CONTENT, out, template=template, agenda=True)
    else:
        deckgen.build(text=STRESS, output=out, template=template)
    assert len(Presentation(str(out)).slides) >= 4
    assert_valid(out)
    # (front matter author, date and footer are lost with a corporate template: see below)
    body = STRESS.split("---\n", 2)[2] if text == "stress" else CONTENT.read_text()
    assert not missing_from_deck(body, out)


def test_a_corporate_template_keeps_author_date_and_footer(folder: Path) -> None:
    out = folder / "corporate-meta.pptx"
    text = "---\nauthor: Ada Lovelace\ndate: 2024-05-01\nfooter: Footer words\n---\nT\n1. A\n- b\n"
    deckgen.build(text=text, output=out, template=DEFAULT_PPTX)
    assert not missing_from_deck(text, out)


# --------------------------------------------------------------------------- the check itself


def _rezip(src: Path, dst: Path, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "ppt/presentation.xml":
                data = data.replace(old, new)
            zout.writestr(item, data)


def test_decks_written_by_subprocesses_are_validated_too(tmp_path: Path) -> None:
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    out = tmp_path / "deck.pptx"
    env = {
        **os.environ,
        "DECKGEN_TEST_DECKS": str(recorded),
        "PYTHONPATH": os.pathsep.join([str(SUBPROCESS_HOOK), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "deckgen", "build", str(CONTENT), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    copies = sorted(recorded.glob("*.pptx"))
    assert len(copies) == 1 and copies[0].read_bytes() == out.read_bytes()
    assert copies[0].with_suffix(".path").read_text(encoding="utf-8") == str(out)
    # a recorded deck with a schema error is reported under its own path
    bad = recorded / "1-00002.pptx"
    _rezip(out, bad, b"<p:sldIdLst>", b"<p:sldIdLst><p:bogus/>")
    bad.with_suffix(".path").write_text("/somewhere/bad.pptx", encoding="utf-8")
    problems, validated, bigger = validate_recorded(recorded)
    assert (validated, bigger) == (2, 0)
    assert len(problems) == 1 and problems[0].startswith("/somewhere/bad.pptx: ")
    assert list(recorded.iterdir()) == []


def test_a_check_that_sees_no_deck_fails_when_decks_were_written(tmp_path: Path) -> None:
    Presentation().save(str(tmp_path / "made-by-python-pptx.pptx"))
    (tmp_path / "not-a-zip.pptx").write_bytes(b"precious")
    check_not_inert(0, tmp_path)  # no deck of deckgen's: nothing to see
    (tmp_path / "sub").mkdir()
    deckgen.build(CONTENT, tmp_path / "sub" / "deck.pptx")
    assert written_by_deckgen(tmp_path / "sub" / "deck.pptx")
    check_not_inert(1, tmp_path)
    with pytest.raises(AssertionError, match="validated none"):
        check_not_inert(0, tmp_path)
