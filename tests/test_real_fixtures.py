"""Real-world summaries (issue 10): every fixture in tests/fixtures/real/ builds, its sections
become slide titles, and every word reaches the deck.

Each ``NAME.md`` was written the way people write summaries (book and paper notes, talk and
podcast notes, meeting and panel notes, chat-assistant answers, exports from note apps, in
several languages); ``NAME.expect.json`` holds, by human judgement, the deck title and the
section titles a speaker would put on slides, in order, without their numbers.

Three checks per fixture, fast (no LibreOffice):

- ``test_builds``: ``deckgen.read`` and ``deckgen.build`` succeed (issue 10: "0 refused");
- ``test_sections_are_slide_titles``: each expected section is the title of some slide, in
  order (``deckgen outline --json``), compared case-insensitively with number prefixes,
  emoji and punctuation ignored, one containing the other;
- ``test_keeps_every_word``: every word of the source is in some slide's title, text or
  notes, as often as the source has it.

``tools/structure_report.py`` measures the same fixtures through LibreOffice (follow-up
slides, words left only in notes, overflow, schema errors).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import deckgen
from deckgen.cli import cli

from .test_properties import TEXT_KEYS, source_words, words

FIXTURES = Path(__file__).parent / "fixtures" / "real"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))


def _source(name: str) -> Path:
    return FIXTURES / f"{name}.md"


def _expect(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.expect.json").read_text("utf-8"))
    return data


def _outline(name: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["outline", "--json", str(_source(name))])
    assert result.exit_code == 0, f"deckgen outline failed: {result.output.strip()}"
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --------------------------------------------------------------------------- titles

# Number prefixes a heading may carry: "3.2", "IV.", "一、", "Part 2:", "Chapter 3 —",
# "Step 4 —", "Mistake 1:", "Metoda 5:" (in the badge on a slide, or doubled in its title).
_NUMBER_WORDS = (
    r"part|chapter|step|mistake|metoda|lesson|insight|section|rule|tip|cap|"
    r"kapitel|teil|schritt|capítulo|parte|paso|chapitre|partie|étape|rozdział|część|krok"
)
_PREFIX = re.compile(
    rf"^\s*(?:"
    rf"(?:{_NUMBER_WORDS})\s*(?:\d+|[ivxlcdm]+)\b\s*[:.)\-–—]?"  # Part 2:, Chapter IV —
    r"|\d+(?:\.\d+)*\s*[.):\-–—]?(?=\s)"  # 3, 3.2, 1., 1)
    r"|[ivxlcdm]+[.)](?=\s)"  # IV.
    r"|[一二三四五六七八九十百]+\s*[、.．]"  # 一、
    r"|\d+\s*/\s*\d+"  # 2/9
    r")\s*",
    re.IGNORECASE,
)


def norm_title(text: str) -> str:
    """Casefolded words of a title, its number prefixes, emoji and punctuation left out."""
    text = unicodedata.normalize("NFKC", text).casefold().strip().lstrip("#").strip()
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text or not stripped.strip():
            break
        text = stripped
    return " ".join(re.findall(r"[^\W_]+", text))


def same_title(expected: str, title: str) -> bool:
    a, b = norm_title(expected), norm_title(title)
    return bool(a and b) and (f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def test_norm_title() -> None:
    assert norm_title("## 3.2 Routing") == norm_title("3.2 Routing") == "routing"
    assert norm_title("IV. Sindicatos y conflicto") == "sindicatos y conflicto"
    assert norm_title("五、总结") == "总结"
    assert norm_title("Part I: Why things decay") == "why things decay"
    assert norm_title("Metoda 5: Uczenie innych") == "uczenie innych"
    assert norm_title("Step 3 — Fix cgroups 🛠️") == "fix cgroups"
    assert norm_title("TL;DR") == "tl dr"
    assert same_title("Storage", "Part 1: Storage")
    assert same_title("Overview", "0. Overview (continued)")
    assert not same_title("Hiring", "Hi")


# --------------------------------------------------------------------------- words

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_COMMENT = re.compile(r"<!--(?!\s*notes\s*:).*?-->", re.S | re.I)
_WIKILINK = re.compile(r"!?\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_MATH = re.compile(r"\$([^$\n]+)\$")
_CHECKBOX = re.compile(r"(?m)^(\s*(?:[-*+]|\d+[.)])\s+)\[[ xX]\]\s")
_HEADING = re.compile(r"(?m)^(#{1,6}[ \t]+|\*\*|__)(.*)$")
# machine-style export headings: "# cap1" anchors and "## num: 01" fields are not text
_ANCHOR = re.compile(r"(?im)^#{1,6}[ \t]+(?:cap\d+|num:[ \t]*\d+)[ \t]*$")
_FIELD_KEY = re.compile(r"(?im)^(#{1,6}[ \t]+)(?:title|titulo|título):[ \t]*")
# a chat answer's "**Title: …**" line: the label says what the line is
_TITLE_LABEL = re.compile(r"(?im)^(\*\*|__)title:[ \t]*")


def _strip_number(m: re.Match[str]) -> str:
    head, rest = m.group(1), m.group(2)
    return head + _PREFIX.sub("", rest, count=1)


def expected_words(src: str) -> Counter[str]:
    """The words of a fixture a reader sees, as tests/test_properties.py counts them, with
    what Markdown shows differently or not at all left out: front matter keys (its text
    values count), HTML comments (unless ``notes:``), wikilink targets behind an alias,
    TeX commands in inline math, checkbox marks, heading number prefixes, export anchors
    and field keys, a chat answer's "Title:" label."""
    extra: Counter[str] = Counter()
    m = _FRONT.match(src)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip() in TEXT_KEYS:
                extra += words(value.strip().strip("\"'"))
        src = src[m.end() :]
    src = _COMMENT.sub(" ", src)
    src = _WIKILINK.sub(lambda w: w.group(2) if w.group(2) is not None else w.group(1), src)
    src = _MATH.sub(lambda x: re.sub(r"\\[A-Za-z]+", " ", x.group(1)), src)
    src = _CHECKBOX.sub(r"\1", src)
    src = _ANCHOR.sub("", src)
    src = _FIELD_KEY.sub(r"\1", src)
    src = _TITLE_LABEL.sub(r"\1", src)
    src = _HEADING.sub(_strip_number, src)
    return source_words(src) + extra


def deck_words(outline: dict[str, Any]) -> Counter[str]:
    out: list[str] = []
    for slide in outline["slides"]:
        out.append(slide.get("title") or "")
        out.extend(slide.get("text") or [])
        out.append(slide.get("notes") or "")
        for e in slide.get("elements") or []:  # pictures' alt text, tables' cells
            out += [e.get("alt") or "", e.get("title") or ""]
            out += e.get("header") or []
            out += [cell for row in e.get("rows") or [] for cell in row]
    return words("\n".join(out))


def test_expected_words_leave_out_syntax() -> None:
    src = (
        "---\ntags: [a, #b]\ntitle: My talk\n---\n# 3.2 Routing\n<!-- todo -->\n"
        "See [[Page|alias]] and [[Other]]; 62% $\\rightarrow$ 71%\n- [x] done\n"
    )
    assert expected_words(src) == Counter(
        {
            "my": 1,
            "talk": 1,
            "routing": 1,
            "see": 1,
            "alias": 1,
            "and": 1,
            "other": 1,
            "62": 1,
            "71": 1,
            "done": 1,
        }
    )


# --------------------------------------------------------------------------- fixtures


def test_every_fixture_has_an_expectation() -> None:
    assert len(CASES) >= 20
    for name in CASES:
        exp = _expect(name)
        assert exp["title"] and exp["sections"], name


@pytest.mark.parametrize("name", CASES)
def test_builds(name: str, tmp_path: Path) -> None:
    doc = deckgen.read(_source(name))
    assert doc.insights or doc.conclusion is not None
    result = deckgen.build(_source(name), tmp_path / f"{name}.pptx")
    assert result.output.exists() and result.slides >= 2


@pytest.mark.parametrize("name", CASES)
def test_sections_are_slide_titles(name: str) -> None:
    outline = _outline(name)
    titles = [s["title"] for s in outline["slides"] if s["kind"] != "title"]
    missing, pos = [], 0
    for section in _expect(name)["sections"]:
        for j in range(pos, len(titles)):
            if same_title(section, titles[j]):
                pos = j + 1
                break
        else:
            missing.append(section)
    assert not missing, (
        f"sections not found as slide titles (in order): {missing}; slide titles: {titles}"
    )


@pytest.mark.parametrize("name", CASES)
def test_keeps_every_word(name: str) -> None:
    src = _source(name).read_text(encoding="utf-8")
    lost = expected_words(src) - deck_words(_outline(name))
    assert not lost, (
        f"{sum(lost.values())} words not on any slide or in notes: {dict(lost.most_common(20))}"
    )
