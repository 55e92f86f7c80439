"""Property-based tests of the whole build (issue 5).

(a) For arbitrary text, ``deckgen.build(text=…)`` either writes a deck that python-pptx
    reopens and that holds every word of the input, or raises a DeckgenError — nothing else.
(b) For documents generated from a grammar of the summary shapes people write (numbered
    lines, headings, bold labels, front matter, nested lists, inline markup, any script),
    the build succeeds and every word is in the deck.

"Every word": the source's words, Markdown/HTML syntax left out (the word rules of
tests/test_parse.py: list numbers, notes markers, tags and fence info are syntax; front matter
keys are settings), counted, must be found among the words of the deck's slides, speaker
notes and link targets. Words are runs of letters and digits, casefolded.

CI runs a bounded number of examples; ``HYPOTHESIS_PROFILE=long`` (tests/conftest.py) runs
10,000 of each (see README, "Inputs deckgen accepts or refuses").
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

import deckgen
from deckgen.errors import DeckgenError
from deckgen.parse import CONCLUSION_NAMES
from deckgen.source import normalize

from .schema import validate


def examples(ci: int) -> int:
    """``ci`` examples, or what the loaded profile asks for (HYPOTHESIS_PROFILE=long)."""
    if os.environ.get("HYPOTHESIS_PROFILE"):
        return settings.default.max_examples
    return ci


PROPERTY = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --------------------------------------------------------------------------- words

_WORD = re.compile(r"[^\W_]+")
# Inline markup may sit inside a word ("0*0*" is 0 and an italic 0, shown "00"), and a
# literal "_" or "*" is shown as written: these characters are taken out of both texts.
_INLINE_MARKS = re.compile(r"[*_~`\[\]]")
# Inline HTML elements join the text around them; other tags separate it.
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|"
    r"span|strike|strong|sub|sup|time|u|var)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# "Notes:" labels and "<!-- notes:" route text to the speaker notes: syntax
_NOTES_MARK = re.compile(
    r"(?im)^([\s>*+-]*)[*_]*(?:speaker\s+)?notes[*_]*\s*[:：]"
    r"|<!--\s*(?:speaker\s+)?notes?\s*[:：]"
)
# Any other HTML comment is the author's private remark: on no slide, in no notes; Obsidian's
# "[[target|alias]]" shows its alias ("![[pic.png|300]]" has a size, not an alias). Read
# from left to right, as the parser does: what starts first wins.
_HIDDEN_OR_ALIAS = re.compile(
    r"<!--(?!\s*(?:speaker\s+)?notes?\s*[:：])[\s\S]*?-->"
    r"|(!?)\[\[([^\[\]\n]*?[^\[\]\s][^\[\]\n]*?)\]\]",
    re.IGNORECASE,
)
_NOTES_COMMENT = re.compile(r"<!--\s*(?:speaker\s+)?notes?\s*[:：]", re.IGNORECASE)
_TOUCHING = re.compile(r"[^\s<>$]+")
# Inline math shows as text: "$\rightarrow$" is "→", "$\alpha$x" is "αx". On a line with two
# "$", what is written around a "\command" or a "$" (up to the spaces) is not counted: the
# parser takes fewer dollar pairs as math than this rule, and a symbol joins its neighbours.
_MATH_LINE = re.compile(r"[^\n]*\$[^\n]*\$[^\n]*")
_MATH_WORDS = re.compile(r"\S*(?:\\[A-Za-z]|\$)\S*")
# "- [ ] item" / "- [x] item" show a box, not the mark
_TASK_MARK = re.compile(r"(?m)^([ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+)\[[ xX]\](?=[ \t]|$)")
# "n²" (from "$n^2$") is the words of "n^2": superscript digits count as digits of their own
_SUPERSCRIPTS = str.maketrans({c: f" {d} " for d, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")})
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# list numbers are syntax: Markdown renders "1. 1. 1." as 1, 2, 3 (and "1. 10) x" as an
# item holding a list that starts at 10)
_LIST_MARKERS = re.compile(r"(?m)^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))+")
_FENCE_INFO = re.compile(
    r"^((?:[^\S\n]|>|[-*+](?=[^\S\n])|\d{1,9}[.)](?=[^\S\n]))*)(```+|~~~+)[^\S\n]*\S*[^\S\n]*$",
    re.MULTILINE,
)
# A link's destination is not text a reader sees (and markdown-it percent-encodes it): on a
# slide it is the run's hyperlink, in the notes it follows the text in parentheses (see
# test_a_link_in_the_notes_keeps_its_target). Nor is a link reference definition.
_LINK_DEST = re.compile(
    r"(\[[^\[\]\n]*)\]\(\s*(?:<[^>\n]*>|[^)\s]*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REF_DEF = re.compile(r"(?m)^ {0,3}\[[^\]]+\]:\s*\S.*$")
# front matter keys whose values are text of the deck; the others are settings
TEXT_KEYS = ("title", "subtitle", "author", "date", "footer")


def words(text: str) -> Counter[str]:
    text = _INLINE_MARKS.sub("", text).translate(_SUPERSCRIPTS)
    return Counter(w.casefold() for w in _WORD.findall(text))


def _alias(m: re.Match[str]) -> str:
    target, bar, alias = m.group(2).partition("|")
    if m.group(1) and re.fullmatch(r"\s*\d+(?:x\d+)?\s*", alias):
        return target  # an embed's size
    return alias if bar and alias.strip() else target


def _hide_and_alias(src: str) -> str:
    """Comments out, wikilinks as their alias. What touches either is left out too: "a<!--
    x -->b" shows "ab" (as in a browser) and "a[[b]]" "ab", but in a code span they are
    shown as written."""
    pieces: list[str] = []  # text, construct, text, construct, …, text
    shown: list[str | None] = []  # per construct: the alias, None for a comment
    pos = 0
    for m in _HIDDEN_OR_ALIAS.finditer(src):
        pieces.append(src[pos : m.start()])
        shown.append(None if m.group(0).startswith("<") else _alias(m))
        pos = m.end()
    pieces.append(src[pos:])
    out = [pieces[0]]
    for k, alias in enumerate(shown):
        left, right = pieces[k], pieces[k + 1]
        touched = (
            (k > 0 and not left)  # right after another one
            or (k + 1 < len(shown) and not right)
            or bool(_TOUCHING.fullmatch(left[-1:]) or _TOUCHING.fullmatch(right[:1]))
        )
        if alias is None or touched:
            out[-1] = re.sub(r"[^\s<>$]*$", "", out[-1])
            right = re.sub(r"^[^\s<>$]*", "", right)
            alias = ""
        out.append(f" {alias} ")
        out.append(right)
    return "".join(out)


def text_as_shown(src: str) -> str:
    """The source with what the parser shows differently (the rules of
    tests/test_text_as_written.py): wikilinks as their alias, private comments out, TeX
    commands in math out, task-list marks out. Where the parser's reading and these regular
    expressions may differ, the words concerned are left out (counted as not required)."""
    src = _hide_and_alias(src)
    src = _NOTES_COMMENT.sub(" ", src)
    src = _MATH_LINE.sub(lambda m: _MATH_WORDS.sub(" ", m.group(0)), src)
    return _TASK_MARK.sub(r"\1", src)


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            body = "\n".join(lines[i + 1 :])
            try:
                data = yaml.safe_load("\n".join(lines[1:i]))
            except yaml.YAMLError:
                # the parser keeps the simple "key: value" lines of a block YAML refuses
                simple = (re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", x) for x in lines[1:i])
                return {m.group(1): m.group(2) for m in simple if m and m.group(2)}, body
            if isinstance(data, dict):
                return data, body
            if isinstance(data, list):
                return {}, body  # a list is ignored (with a warning)
            return {}, text
    return {}, text


_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def source_words(text: str) -> Counter[str]:
    """The words of a summary that must reach the deck (see the module docstring)."""
    text = normalize(text)[0]
    meta, body = _front_matter(text)
    if not meta.get("title"):
        # "Title: …" among the first lines is the deck's title; "Title" is its label
        lines = body.split("\n")
        firsts = [i for i, x in enumerate(lines) if x.strip()][:3]
        for i in firsts:
            m = re.match(r"(?i)^\s*[*_]*(?:title|titel|título|titulo|titre)\s*:(?=.*\w)", lines[i])
            if m:
                lines[i] = lines[i][m.end() :]
                break
        body = "\n".join(lines)
    src = text_as_shown(_LINK_DEST.sub(r"\1]", body))
    src = _REF_DEF.sub("", src)
    src = _LIST_MARKERS.sub(lambda m: re.sub(r"\d+[.)]", "", m.group(0)), src)
    src = _FENCE_INFO.sub(r"\1", src)
    src = _NOTES_MARK.sub(r"\1", src)
    src = _INLINE_TAG.sub("", src)
    src = _HTML_TAG.sub(" ", src)
    # a character reference only with its ";", as CommonMark reads it ("&#0A" stays as
    # written); html.unescape alone also takes HTML5's unterminated forms
    src = _CHAR_REF.sub(lambda m: html.unescape(m.group(0)), src)
    src = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", src)  # "\*" shows as "*"
    out = words(src)
    for key in TEXT_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, (dict, list)):
            out += words(str(value))
    return out


def _shapes(shapes: Any) -> Iterator[Any]:
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shapes(shape.shapes)
        else:
            yield shape


def deck_strings(path: str | os.PathLike[str]) -> list[str]:
    """The text of every slide (paragraph by paragraph), its link targets and its notes."""
    prs = Presentation(str(path))
    out: list[str] = []
    for slide in prs.slides:
        for shape in _shapes(slide.shapes):
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if getattr(shape, "has_table", False):
                frames.extend(cell.text_frame for row in shape.table.rows for cell in row.cells)
            for frame in frames:
                for para in frame.paragraphs:
                    out.append("".join(r.text for r in para.runs))
                    out.extend(r.hyperlink.address or "" for r in para.runs)
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text)
    return out


def missing_from_deck(text: str, deck: str | os.PathLike[str]) -> Counter[str]:
    """Words of ``text`` the deck does not hold (as many times as the text has them)."""
    return source_words(text) - words("\n".join(deck_strings(deck)))


def build_or_error(text: str, out: Path) -> bool:
    """Build; True if a deck was written, False for a DeckgenError (anything else raises)."""
    try:
        deckgen.build(text=text, output=out)
    except DeckgenError as exc:
        message = exc.message
        assert message and "\n" not in message and "Traceback" not in message
        assert not out.exists()
        return False
    return True


# --------------------------------------------------------------------------- (a)

# Markdown and summary syntax, odd characters and scripts, for text that is arbitrary but
# not only noise: most pure noise is (rightly) "no insights found".
FRAGMENTS = [
    "1. ", "2. ", "10) ", "- ", "* ", "+ ", "  - ", "    ", "\t", "# ", "## ", "### ",
    "> ", "**", "*", "_", "__", "`", "```", "~~~", "---", "===", "|", " | ", "[", "]", "(",
    ")", "](https://example.com/a_b?c=d)", "![", "<", ">", "<div>", "</div>", "<br>",
    "<!--", "-->", "<!-- notes: ", "&amp;", "&#", ";", "\\", ":", "：", "Key Point: ",
    "Insight: ", "Notes: ", "Conclusion", "Summary", "Fazit", "总结", "title: ", "\x00",
    "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\ue0f1", "\ufffe", "\r", "\r\n",
    "\u200b", "\u00a0", "é", "ß", "İ", "ﬁ", "e\u0301", "中文", "日本語", "한국어", "مرحبا",
    "שלום", "🚀", "👩‍💻", "1️⃣", "\U0001d54f", "word", "Word", "x" * 80,
]  # fmt: skip
NEWLINES = st.sampled_from(["\n", "\n", "\n", "\n\n", "\r\n", "\r"])

markdown_soup = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        NEWLINES,
        st.text(min_size=1, max_size=8),
    ),
    max_size=80,
).map("".join)

arbitrary_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    markdown_soup,
    st.tuples(st.sampled_from(["T\n1. A\n", "# T\n## 1. A\n", ""]), markdown_soup).map("".join),
)


@PROPERTY
@given(arbitrary_text)
def test_arbitrary_text_gives_a_complete_deck_or_a_deckgen_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deck.pptx"
        if not build_or_error(text, out):
            event("refused")
            assert os.listdir(tmp) == []  # no temporary file left either
            return
        event("built")
        assert os.listdir(tmp) == ["deck.pptx"]
        assert not missing_from_deck(text, out)


# --------------------------------------------------------------------------- (b)

LETTERS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèüößçñøåÆ"
    "中文字词语日本語かなカナ한국어عربيةשלוםПриветΔέλτα"
)
word = st.text(alphabet=LETTERS, min_size=1, max_size=9)
decoration = st.sampled_from(["🚀", "✅", "💡", "👩‍💻", "—", "–", "“", "”", "…", "(", ")"])


@st.composite
def phrase(draw: st.DrawFn, min_words: int = 1, max_words: int = 12) -> str:
    """Words with inline markup: **bold**, *italic*, `code`, links, punctuation, emoji."""
    out = []
    for w in draw(st.lists(word, min_size=min_words, max_size=max_words)):
        kind = draw(st.sampled_from(["plain"] * 6 + ["bold", "em", "code", "link", "deco"]))
        if kind == "bold":
            w = f"**{w}**"
        elif kind == "em":
            w = f"*{w}*"
        elif kind == "code":
            w = f"`{w}`"
        elif kind == "link":
            w = f"[{w}](https://example.com/{draw(word)})"
        elif kind == "deco":
            w = f"{w} {draw(decoration)}"
        out.append(w)
    text = " ".join(out)
    return text + draw(st.sampled_from(["", "", ".", "!", "?", ",", " 🚀"]))


LABELS = ["Key Point", "Insight", "Why it matters", "Takeaway", "Example", "Beispiel", "要点"]


@st.composite
def body_line(draw: st.DrawFn, indent: str) -> str:
    kind = draw(
        st.sampled_from(["label", "bold label", "bold label line", "bullet", "nested", "paragraph"])
    )
    text = draw(phrase())
    if kind == "label":
        return f"{indent}- {draw(st.sampled_from(LABELS))}: {text}"
    if kind == "bold label":
        return f"{indent}- **{draw(st.sampled_from(LABELS))}:** {text}"
    if kind == "bold label line":
        return f"{indent}**{draw(st.sampled_from(LABELS))}:** {text}"
    if kind == "bullet":
        return f"{indent}- {text}"
    if kind == "nested":
        depth = draw(st.integers(1, 4))
        lines = [f"{indent}- {text}"]
        for d in range(1, depth + 1):
            lines.append(f"{indent}{'  ' * d}- {draw(phrase())}")
        return "\n".join(lines)
    return f"{indent}{text}" if indent else f"\n{text}\n"


# an insight titled "Riassunto" or "Summary" is the conclusion (hypothesis found that one)
insight_title = (
    st.lists(word, min_size=1, max_size=7)
    .map(" ".join)
    .filter(lambda t: t.casefold() not in CONCLUSION_NAMES)
)

STYLES = [
    "numbered", "numbered bold", "heading numbered", "heading", "setext", "insight word", "list",
]  # fmt: skip
CONCLUSIONS = ["Conclusion", "## Conclusion", "Summary", "## Key takeaways", "Fazit", "总结"]


@st.composite
def summary(draw: st.DrawFn) -> str:
    """A document in one of the shapes the parser is made for (DESIGN.md)."""
    style = draw(st.sampled_from(STYLES))
    out: list[str] = []
    if draw(st.booleans()):
        meta = {"title": draw(phrase(1, 6)).replace("*", "").replace("`", "")}
        for key in ("subtitle", "author", "date"):
            if draw(st.booleans()):
                meta[key] = " ".join(draw(st.lists(word, min_size=1, max_size=4)))
        out += ["---", yaml.safe_dump(meta, allow_unicode=True).strip(), "---"]
    else:
        title = " ".join(draw(st.lists(word, min_size=1, max_size=8)))
        out.append(draw(st.sampled_from([title, f"# {title}", f"**{title}**"])))
    if draw(st.booleans()):
        out += ["", draw(phrase(3, 20)) + ".", ""]
    count = draw(st.integers(1, 6))
    for n in range(1, count + 1):
        title = draw(insight_title)
        indent = ""
        if style == "numbered":
            out.append(f"{n}. {title}:")
        elif style == "numbered bold":
            out.append(f"**{n}. {title}**")
        elif style == "heading numbered":
            out.append(f"## {n}. {title}")
        elif style == "heading":
            out.append(f"### {draw(decoration) + ' ' if draw(st.booleans()) else ''}{title}")
        elif style == "setext":
            out += ["", title, "-" * max(3, len(title))]
        elif style == "insight word":
            out.append(f"Insight {n}: {title}")
        else:  # a numbered list whose items hold nested bullets
            out.append(f"{n}. **{title}**")
            indent = "   "
        for _ in range(draw(st.integers(0, 4))):
            out.append(draw(body_line(indent)))
    if draw(st.booleans()):
        out += ["", draw(st.sampled_from(CONCLUSIONS)), draw(phrase(2, 20)) + "."]
        if draw(st.booleans()):
            out.append(draw(phrase(2, 8)) + "!")
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return newline.join(out) + newline


@PROPERTY
@given(summary())
def test_summary_shapes_build_and_keep_every_word(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deck.pptx"
        result = deckgen.build(text=text, output=out)
        assert result.slides >= 1
        assert not missing_from_deck(text, out)


# --------------------------------------------------------------------------- the oracle


def test_word_check_notices_a_lost_word(tmp_path: Path) -> None:
    text = "T\n1. A:\n- Key Point: alpha beta\n- gamma\n"
    out = tmp_path / "d.pptx"
    deckgen.build(text=text, output=out)
    assert not missing_from_deck(text, out)
    assert missing_from_deck(text + "- zeta omega\n", out) == Counter({"zeta": 1, "omega": 1})
    # counted: a second "gamma" line lost is noticed although "gamma" is in the deck
    assert missing_from_deck(text + "- gamma gamma gamma\n", out)


def test_syntax_is_not_counted_as_words() -> None:
    text = "---\ntitle: My talk\ntemplate: dark\n---\n1. A\n```python\nx\n```\n<b>bold</b>\n"
    assert source_words(text) == Counter({"my": 1, "talk": 1, "a": 1, "x": 1, "bold": 1})


def test_a_link_in_the_notes_keeps_its_target(tmp_path: Path) -> None:
    text = "T\n\nSee [the talk](https://example.com/talk).\n\n1. A:\n- Key Point: b\n"
    out = tmp_path / "d.pptx"
    deckgen.build(text=text, output=out)
    assert "https://example.com/talk" in "\n".join(deck_strings(out))


def test_a_generated_summary_is_schema_valid(tmp_path: Path) -> None:
    text = "T\n1. **A** `b` [c](https://e.com/d)\n- 中文 🚀 \u200f שלום\n"
    out = tmp_path / "d.pptx"
    deckgen.build(text=text, output=out)
    assert validate(out) == []
