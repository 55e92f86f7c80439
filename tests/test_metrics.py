"""deckgen.metrics: shipped metrics, line breaking, and agreement with LibreOffice."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen import metrics as M
from deckgen.model import SLIDE_NUMBER, SLIDE_TOTAL

FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]


def _font_file(name: str) -> Path | None:
    for d in FONT_DIRS:
        if d.is_dir():
            for p in d.rglob(name):
                return p
    return None


def para(text: str, size: float = 20, font: str = "Calibri", **kw: object) -> M.MeasurePara:
    return M.MeasurePara((M.TextRun(text, font, **kw),), size)  # type: ignore[arg-type]


def line_texts(pl: M.ParaLayout) -> list[str]:
    return [pl.text[ln.start : ln.end] for ln in pl.lines]


# --------------------------------------------------------------------------- data


def test_data_is_small_and_loaded_lazily() -> None:
    data = Path(M.__file__).parent / "fonts" / "metrics.json.gz"
    assert data.stat().st_size < 300_000
    code = (
        "import sys\n"
        "sys.argv = ['deckgen', '--help']\n"
        "from deckgen.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        "m = sys.modules.get('deckgen.metrics')\n"
        "assert m is None or m._data.cache_info().currsize == 0\n"
        "import deckgen.fit, deckgen.metrics as mm\n"
        "assert mm._data.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Calibri", "Carlito"),
        ("Carlito", "Carlito"),
        ("Cambria", "Caladea"),
        ("Arial", "Liberation Sans"),
        ("Helvetica", "Liberation Sans"),
        ("Times New Roman", "Liberation Serif"),
        ("Courier New", "Liberation Mono"),
        ("Liberation Sans", "Liberation Sans"),
        ("  calibri  ", "Carlito"),
        ("Calibri Light", M.UNKNOWN_FAMILY),  # LibreOffice shows it in DejaVu Sans
        ("Segoe UI", M.UNKNOWN_FAMILY),
        ("Consolas", "Liberation Mono"),
    ],
)
def test_font_names_map_to_twins(name: str, family: str) -> None:
    assert M.resolve_font(name)[0] == family


@pytest.mark.parametrize(
    ("font", "file"),
    [
        ("Calibri", "Carlito-Regular.ttf"),
        ("Cambria", "Caladea-Regular.ttf"),
        ("Arial", "LiberationSans-Regular.ttf"),
        ("Times New Roman", "LiberationSerif-Regular.ttf"),
        ("Courier New", "LiberationMono-Regular.ttf"),
    ],
)
@pytest.mark.parametrize(
    "text",
    [
        "Hamburgefonstiv",
        "The quick brown fox jumps over the lazy dog.",
        "Größe — naïve “façade” 42%",
    ],
)
def test_widths_match_the_font_files(font: str, file: str, text: str) -> None:
    fonttools = pytest.importorskip("fontTools.ttLib")
    path = _font_file(file)
    if path is None:
        pytest.skip(f"{file} not installed")
    tt = fonttools.TTFont(path)
    cmap, hmtx, upm = tt.getBestCmap(), tt["hmtx"], tt["head"].unitsPerEm
    expected = sum(hmtx[cmap[ord(c)]][0] for c in text) * 30 / upm
    assert M.text_width(text, font, 30) == pytest.approx(expected, rel=0.01)


@pytest.mark.parametrize("ch", ["ა", "Ա", "∰", "Ꙩ"])
def test_a_character_the_twin_lacks_takes_the_fallback_fonts_width(ch: str) -> None:
    """Carlito has no Georgian, Armenian …; LibreOffice draws them in DejaVu Sans (or
    Liberation Sans), and the shipped data holds the widest of those, bold or not."""
    fonttools = pytest.importorskip("fontTools.ttLib")
    widths = []
    files = ("DejaVuSans", "DejaVuSans-Bold", "LiberationSans-Regular", "LiberationSans-Bold")
    for file in (f"{name}.ttf" for name in files):
        path = _font_file(file)
        if path is None:
            pytest.skip(f"{file} not installed")
        tt = fonttools.TTFont(path)
        glyph = tt.getBestCmap().get(ord(ch))
        if glyph is not None:
            widths.append(tt["hmtx"][glyph][0] / tt["head"].unitsPerEm)
    assert widths, "the test character should be in a fallback font"
    assert M.text_width(ch, "Calibri", 100) == pytest.approx(max(widths) * 100, abs=0.11)
    assert M.text_width(ch, "Calibri", 100) != pytest.approx(M.text_width("\uf8ff", "Calibri", 100))


def test_bold_is_measured_with_bold_metrics() -> None:
    assert M.text_width("Bold words", "Arial", 20, bold=True) > M.text_width(
        "Bold words", "Arial", 20
    )


def test_line_height_is_at_least_1_2_em() -> None:
    for font in ["Calibri", "Cambria", "Arial", "Times New Roman", "Courier New", "Whatever"]:
        assert M.line_height(font, 20) >= 24.0


def test_unknown_font_is_measured_wide() -> None:
    s = "An unknown typeface is measured on the safe side"
    assert M.text_width(s, "Some Font", 20) >= M.text_width(s, "Arial", 20)
    assert M.text_width(s, "Some Font", 20) >= M.text_width(s, "Calibri", 20)


def test_slide_number_measures_as_two_digits() -> None:
    assert M.text_width(SLIDE_NUMBER, "Calibri", 12) == pytest.approx(
        M.text_width("00", "Calibri", 12)
    )
    assert M.text_width(f"{SLIDE_NUMBER} / {SLIDE_TOTAL}", "Arial", 12) == pytest.approx(
        M.text_width("00 / 00", "Arial", 12)
    )


def test_emoji_cjk_and_rtl_measure_sanely() -> None:
    size = 20.0
    emoji = M.text_width("🚀", "Calibri", size)
    assert 1.0 * size <= emoji <= 1.3 * size
    assert M.text_width("👍🏽", "Calibri", size) >= emoji  # a modifier never makes it narrower
    assert M.text_width("数据质量", "Calibri", size) == pytest.approx(4 * size)
    for text in ["שלום עולם", "مرحبا بالعالم", "Привет мир"]:
        w = M.text_width(text, "Calibri", size)
        assert 0.3 * size * len(text) < w < 0.8 * size * len(text)
    assert M.text_width("e\u0301", "Calibri", size) == M.text_width("e", "Calibri", size)
    assert M.text_width("\u200d\ufe0f", "Calibri", size) == 0


# --------------------------------------------------------------------------- breaking


def test_short_text_is_one_line() -> None:
    pl = M.layout_paragraph(para("Hello world"), 300)
    assert line_texts(pl) == ["Hello world"]
    assert pl.height == pytest.approx(20 * M.face("Calibri").line_factor)


def test_lines_break_at_spaces_and_fit() -> None:
    text = "The quick brown fox jumps over the lazy dog. " * 6
    pl = M.layout_paragraph(para(text.strip()), 200)
    assert len(pl.lines) > 3
    assert all(ln.width <= 200 * (1 - M.WIDTH_MARGIN) for ln in pl.lines)
    assert " ".join(line_texts(pl)) == text.strip()
    assert all(not t.startswith(" ") and not t.endswith(" ") for t in line_texts(pl))


def test_a_60_character_word_breaks() -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" + "x" * 15
    assert len(word) == 60
    pl = M.layout_paragraph(para(f"Before {word} after", 24), 200)
    texts = line_texts(pl)
    assert texts[0] == "Before"  # the long word starts on a line of its own
    assert "".join(texts[1:-1]) + texts[-1].replace(" after", "") == word or (
        "".join(texts).replace(" ", "") == f"Before{word}after"
    )
    assert all(ln.width <= 200 for ln in pl.lines)


def test_long_urls_break() -> None:
    url = "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/MODEL_CARD.md"
    pl = M.layout_paragraph(para(f"See {url} for details", 20), 180)
    assert len(pl.lines) >= 4
    assert all(ln.width <= 180 for ln in pl.lines)
    assert "".join(line_texts(pl)).replace(" ", "") == f"See{url}fordetails"


def test_hyphenated_words_may_break_after_the_hyphen() -> None:
    pl = M.layout_paragraph(para("state-of-the-art human-in-the-loop", 20), 120, margin=0)
    assert all(ln.width <= 120 for ln in pl.lines)
    assert "".join(line_texts(pl)).replace(" ", "") == "state-of-the-arthuman-in-the-loop"


def test_cjk_breaks_between_characters_but_not_before_closing_punctuation() -> None:
    text = (
        "大型语言模型在数万亿个标记的文本上进行训练，其行为取决于数据质量、来源组合和仔细的过滤。"
    )
    pl = M.layout_paragraph(para(text, 20), 150)
    texts = line_texts(pl)
    assert len(texts) > 3
    assert "".join(texts) == text
    assert not any(t[0] in "，。、" for t in texts)
    assert all(ln.width <= 150 for ln in pl.lines)
    assert pl.lines[0].height >= 20 * 1.4  # CJK fallback fonts have tall lines


def test_forced_line_breaks() -> None:
    pl = M.layout_paragraph(para("one\ntwo\n\nthree", 20), 500)
    assert line_texts(pl) == ["one", "two", "", "three"]


def test_empty_paragraph_has_one_line() -> None:
    pl = M.layout_paragraph(para("", 20), 100)
    assert len(pl.lines) == 1 and pl.height > 0


def test_spacing_adds_up() -> None:
    p = M.MeasurePara((M.TextRun("x", "Arial"),), 20, 1.5, 6, 12)
    pl = M.layout_paragraph(p, 100)
    assert pl.height == pytest.approx(6 + 20 * 1.2 * 1.5 + 12)


def test_indent_narrows_the_line() -> None:
    text = "word " * 40
    plain = M.layout_paragraph(para(text), 300)
    indented = M.layout_paragraph(M.MeasurePara((M.TextRun(text, "Calibri"),), 20, indent=100), 300)
    assert len(indented.lines) > len(plain.lines)


_texts = st.lists(
    st.sampled_from(list("abcdefghij ABC-/.,\u00a0数据😀é\u0301") + ["  ", "xyzxyzxyz"]),
    max_size=120,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_texts, width=st.floats(20, 600), size=st.sampled_from([10.0, 14.0, 24.0, 40.0]))
def test_breaking_keeps_every_character_and_fits(text: str, width: float, size: float) -> None:
    pl = M.layout_paragraph(para(text, size), width)
    # lines are in order, and only white space lies between them
    pos = 0
    for ln in pl.lines:
        assert text[pos : ln.start].strip(" \u00a0") == ""
        assert ln.start <= ln.end
        pos = ln.end
    assert text[pos:].strip(" \u00a0") == ""
    avail = width * (1 - M.WIDTH_MARGIN)
    for ln in pl.lines:
        assert ln.width <= avail + 1e-6 or ln.end - ln.start == 1


@settings(max_examples=80, deadline=None)
@given(text=_texts, width=st.floats(60, 600))
def test_smaller_text_never_needs_more_lines(text: str, width: float) -> None:
    big = M.layout_paragraph(para(text, 30), width)
    small = M.layout_paragraph(para(text, 20), width)
    assert small.height <= big.height + 1e-6


def _reference_units(text: str, hyphens: bool, link: list[bool]) -> list[Any]:
    """Units straight from the per-character rules of :func:`deckgen.metrics._breaks`."""
    marks = M._breaks(text, hyphens, link)
    cuts = [0, *(i for i in range(1, len(text)) if marks[i]), len(text)]
    return M._units(text, cuts, {i for i, m in enumerate(marks) if m == 2}) if text else []


_plain_texts = st.lists(
    st.sampled_from(list("abcXYZ019 -‐–—/.,’“é́_") + ["  ", "e-mail", "a--b"]),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.tuples(st.one_of(_plain_texts, _texts), st.booleans()), min_size=1, max_size=4
    )
)
def test_break_opportunities_match_the_per_character_rules(parts: list[tuple[str, bool]]) -> None:
    # plain text takes a regex shortcut; both ways must find the same breaks
    runs = tuple(M.TextRun(t, "Calibri", link=lk) for t, lk in parts)
    cs = M._char_metrics(runs)
    link = [lk for t, lk in parts for _ in t]
    assert cs.variants[0] == _reference_units(cs.text, True, link)
    assert cs.variants[-1] == _reference_units(cs.text, False, link)


def test_cached_and_uncached_layouts_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Open-source models, e.g. Llama 3.1, change who builds AI. 数据质量 🚀 " * 20
    p = M.MeasurePara(
        (M.TextRun(text[:900], "Calibri"), M.TextRun(text[900:], "Cambria", bold=True, link=True)),
        24,
    )
    assert len(text) < M.CACHED_CHARS
    cached = M.layout_paragraph(p, 400)
    assert M.layout_paragraph(p, 400) is cached
    monkeypatch.setattr(M, "CACHED_CHARS", 10)
    assert M.layout_paragraph(p, 400) == cached


# --------------------------------------------------------------------------- LibreOffice


_SENTENCE = (
    "Open-source AI models like Llama 3.1 are changing who can build with artificial "
    "intelligence, enabling startups, researchers and companies to fine-tune state-of-the-art "
    "systems; Zuckerberg’s letter compares this to Linux. Key Point: e.g. safety, 50% faster, "
    "human-in-the-loop review and/or input/output checks — naïve façade Привет Ελληνικά"
)
_WORDS = _SENTENCE.split() + [
    "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/MODEL_CARD.md",
    "Supercalifragilisticexpialidociousnessandmoreletters",
    "数据质量",
    "大型语言模型",
    "🚀",
    "→",
    "✓",
]
_FONTS = ["Calibri", "Cambria", "Arial", "Times New Roman", "Courier New", "Segoe UI"]


@pytest.mark.render
def test_predictions_are_conservative_against_libreoffice(tmp_path: Path) -> None:
    """LibreOffice never needs more lines, nor more width, than we predict.

    Random paragraphs in text boxes of random widths (autofit off, no insets) are rendered to
    PDF; their lines are read back with pdfplumber and compared with the layout.
    """
    import shutil

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pdfplumber = pytest.importorskip("pdfplumber")
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Emu, Pt

    rng = random.Random(7)
    cases: list[dict[str, Any]] = []
    for _ in range(40):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 45))]
        cases.append(
            {
                "text": " ".join(words),
                "font": rng.choice(_FONTS),
                "size": rng.choice([14, 18, 20, 24, 28, 32, 40]),
                "width": rng.uniform(150, 800),
                "bold": rng.random() < 0.3,
                "ls": rng.choice([1.0, 1.0, 0.9, 1.2]),
            }
        )
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    x0 = 20.0
    for c in cases:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        tb = slide.shapes.add_textbox(Pt(x0), Pt(30), Pt(c["width"]), Pt(1400))
        tf = tb.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
        p = tf.paragraphs[0]
        p.line_spacing = c["ls"]
        r = p.add_run()
        r.text = c["text"]
        r.font.size, r.font.name, r.font.bold = Pt(c["size"]), c["font"], c["bold"]
    src = tmp_path / "m.pptx"
    prs.save(str(src))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    problems = []
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        for c, page in zip(cases, pdf.pages, strict=True):
            chars = sorted(
                (ch for ch in page.chars if ch["text"].strip()), key=lambda ch: ch["top"]
            )
            lines: list[list[dict]] = []
            for ch in chars:
                if lines and abs(ch["top"] - lines[-1][-1]["top"]) < c["size"] * 0.5:
                    lines[-1].append(ch)
                else:
                    lines.append([ch])
            mp = M.MeasurePara(
                (M.TextRun(c["text"], c["font"], bold=c["bold"]),), c["size"], c["ls"]
            )
            pl = M.layout_paragraph(mp, c["width"])
            lo_height = len(lines) * c["size"] * 1.2 * c["ls"]
            if len(pl.lines) < len(lines) or pl.height < lo_height - 0.01:
                problems.append(f"{c}: LibreOffice {len(lines)} lines, predicted {len(pl.lines)}")
            right = max(ch["x1"] for ch in chars) - x0
            # LibreOffice itself lets a few over-long bold words poke out by a hair
            if right > c["width"] + 0.1 * c["size"]:
                problems.append(f"{c}: LibreOffice line {right:.1f} pt wide")
    assert not problems, "\n".join(problems)
