"""Parser tests: every shape of summary in tests/fixtures/parse/ against its expected outline.

Each ``NAME.md`` has a ``NAME.expected.json`` holding what a user would see in
``deckgen outline``: title, intro, each insight's number, title, fields, points and notes,
the conclusion and its closing lines. The expectations were written by reading the fixture;
``DECKGEN_UPDATE_FIXTURES=1 pytest tests/test_parse.py`` rewrites them from the parser's
output, so review any diff it makes before committing.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from deckgen.model import Document, RichText
from deckgen.parse import parse

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))

# Syntax words a fixture uses that are not content ("Insight 3:" is the number's marker).
SYNTAX_WORDS: dict[str, set[str]] = {
    "insight_word_numbers": {"Insight"},
    "heading_word_numbers": {"Lesson"},
}


# --------------------------------------------------------------------------- helpers


def outline(doc: Document) -> dict[str, Any]:
    def t(r: RichText | None) -> str | None:
        return None if r is None else r.text

    c = doc.conclusion
    return {
        "title": t(doc.title),
        "subtitle": t(doc.subtitle),
        "author": doc.author,
        "date": doc.date,
        "intro": [t(r) for r in doc.intro],
        "insights": [
            {
                "number": i.number,
                "title": t(i.title),
                "fields": [[f.label, t(f.text)] for f in i.fields],
                "points": [t(p) for p in i.points],
                "notes": [t(n) for n in i.notes],
            }
            for i in doc.insights
        ],
        "conclusion": None
        if c is None
        else {
            "heading": c.heading,
            "body": [t(r) for r in c.body],
            "closing": [t(r) for r in c.closing],
            "notes": [t(r) for r in c.notes],
        },
    }


def _texts(doc: Document) -> list[str]:
    """Every piece of text the Document holds, link targets and front matter included."""
    out: list[str] = []

    def rich(r: RichText | None) -> None:
        if r is not None:
            out.extend(s.text for s in r.spans)
            out.extend(s.link for s in r.spans if s.link)

    def meta(v: Any) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                out.append(str(k))
                meta(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                meta(x)
        elif v is not None:
            out.append(str(v))

    rich(doc.title)
    rich(doc.subtitle)
    out.extend(x for x in (doc.author, doc.date) if x)
    for r in doc.intro:
        rich(r)
    for i in doc.insights:
        out.append(str(i.number))
        rich(i.title)
        for f in i.fields:
            out.append(f.label)
            rich(f.text)
        for r in (*i.points, *i.notes):
            rich(r)
    if doc.conclusion:
        out.append(doc.conclusion.heading)
        for r in (*doc.conclusion.body, *doc.conclusion.closing, *doc.conclusion.notes):
            rich(r)
    meta(dict(doc.meta))
    return out


_WORD = re.compile(r"[^\W_]+")
# "Notes:" labels and "<!-- notes:" are syntax: they route text to the speaker notes.
_NOTES_MARK = re.compile(r"(?im)^([\s>*+-]*)\**(?:speaker\s+)?notes\**\s*[:：]|<!--\s*notes\s*:")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_FENCE_INFO = re.compile(r"^(\s*)(```+|~~~+)\s*\S*\s*$", re.MULTILINE)


def missing_words(source: str, doc: Document, syntax: set[str] = frozenset()) -> Counter[str]:
    """Words of the source (minus Markdown/HTML syntax) that the Document does not hold,
    counted: a line that is dropped shows up even if its words occur elsewhere too."""
    src = _FENCE_INFO.sub(r"\1", source)
    src = _NOTES_MARK.sub(r"\1", src)
    src = _HTML_TAG.sub(" ", src)
    src = html.unescape(src)
    want = Counter(w.casefold() for w in _WORD.findall(src) if w not in syntax)
    have = Counter(w.casefold() for w in _WORD.findall("\n".join(_texts(doc))))
    return want - have


# --------------------------------------------------------------------------- fixtures


def _read(name: str) -> str:
    with open(FIXTURES / f"{name}.md", encoding="utf-8", newline="") as fh:
        return fh.read()


@pytest.mark.parametrize("name", CASES)
def test_fixture_outline(name: str) -> None:
    src = _read(name)
    doc = parse(src, source=f"{name}.md")
    got = outline(doc)
    expected_path = FIXTURES / f"{name}.expected.json"
    if os.environ.get("DECKGEN_UPDATE_FIXTURES"):
        expected_path.write_text(
            json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected


@pytest.mark.parametrize("name", CASES)
def test_fixture_keeps_every_word(name: str) -> None:
    src = _read(name)
    doc = parse(src, source=f"{name}.md")
    assert not missing_words(src, doc, SYNTAX_WORDS.get(name, set()))


def test_word_check_notices_a_dropped_line() -> None:
    src = "1. A\n- Key Point: alpha beta\n- gamma\n"
    doc = parse(src)
    trimmed = Document(title=doc.title, insights=(doc.insights[0].__class__(1, doc.title),))
    assert missing_words(src, trimmed) == Counter(
        {"a": 1, "key": 1, "point": 1, "alpha": 1, "beta": 1, "gamma": 1}
    )


# --------------------------------------------------------------------------- content.md


def test_content_md_as_written(content_md: Path) -> None:
    src = content_md.read_text(encoding="utf-8")
    doc = parse(src, source="content.md")
    assert (
        doc.title.text == "Valuable Insights from the Interview with Mark Zuckerberg on Llama 3.1"
    )
    assert [i.number for i in doc.insights] == list(range(1, 11))
    first = doc.insights[0]
    assert first.title.text == "Introduction to Llama 3.1"
    assert [f.label for f in first.fields] == ["Key Point", "Insight"]
    assert first.fields[0].text.text.startswith("The Llama 3.1 model from Meta represents")
    assert first.fields[1].text.text.startswith("Such sophisticated models can drive")
    assert first.points == () and first.line == 2
    assert all([f.label for f in i.fields] == ["Key Point", "Insight"] for i in doc.insights)
    assert doc.insights[5].title.text == "Meta’s Fostering of Open Source"
    assert doc.insights[9].title.text == "Evolving Perceptions of AI"
    c = doc.conclusion
    assert c is not None and c.heading == "Conclusion"
    assert len(c.body) == 1 and c.body[0].text.startswith("Zuckerberg’s discussion")
    assert c.body[0].text.endswith("dictating the future of technology.")
    assert [r.text for r in c.closing] == [
        "For more insights, be sure to check out the full interview:",
        "Follow us to join the learning journey! Connect with me on social media:",
    ]
    assert doc.intro == () and doc.warnings == ()
    assert not missing_words(src, doc)


def test_content_md_with_crlf_and_bom_reads_the_same(content_md: Path) -> None:
    src = content_md.read_text(encoding="utf-8")
    plain = parse(src)
    odd = parse("\ufeff" + src.replace("\n", "\r\n"))
    assert outline(odd) == outline(plain)
    assert any("BOM" in w for w in odd.warnings)
    assert any("CRLF" in w for w in odd.warnings)
