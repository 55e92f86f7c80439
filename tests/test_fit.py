"""deckgen.fit on synthetic themes and decks; at the end, built decks rendered by LibreOffice."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen import metrics as M
from deckgen.fit import CONTINUED, TITLE_FLOOR, fit
from deckgen.model import (
    EMU_PER_PT,
    SLIDE_NUMBER,
    SLIDE_TOTAL,
    Deck,
    Frame,
    Para,
    ParaProto,
    Prototype,
    ShapeProto,
    SlideSpec,
    Span,
    Theme,
)

IN = 914400
TITLE, STATEMENT, BODY, NUMBER = 1, 2, 3, 4


def pt(v: float) -> int:
    return int(v * EMU_PER_PT)


def make_theme(
    *,
    title_size: float = 40,
    statement_size: float = 28,
    body_size: float = 20,
    statement_box: tuple[int, int, int, int] = (IN, 2 * IN, 11 * IN, 2 * IN),
    font: str = "Calibri",
) -> Theme:
    shapes = (
        ShapeProto(
            TITLE,
            "Title",
            (IN, IN // 2, 11 * IN, IN + IN // 4),
            paragraphs=(ParaProto("{{ insight.title }}", font, title_size, bold=True),),
            is_title=True,
            role="title",
        ),
        ShapeProto(
            STATEMENT,
            "Statement",
            statement_box,
            paragraphs=(ParaProto("{{ insight.key_point }}", font, statement_size),),
        ),
        ShapeProto(
            BODY,
            "Body",
            (IN, 4 * IN + IN // 2, 11 * IN, 2 * IN),
            paragraphs=(
                ParaProto("{{ label }}", font, body_size, bold=True, space_after=6),
                ParaProto("{{ text }}", font, body_size - 2, line_spacing=1.1),
            ),
        ),
        ShapeProto(
            NUMBER,
            "Number",
            (12 * IN, 7 * IN - IN // 2, IN, IN // 3),
            paragraphs=(ParaProto("{{ slide.number }}", font, 12),),
            role="chrome",
        ),
    )
    return Theme("test", "test.pptx", prototypes={"insight": Prototype("insight", shapes)})


def p(text: str, proto: int = 0, **kw: object) -> Para:
    return Para((Span(text, **kw),), proto=proto)  # type: ignore[arg-type]


def insight(
    title: str, statement: str | list[Para], body: list[Para] | None = None, number: int = 1
) -> SlideSpec:
    st_paras = [p(statement)] if isinstance(statement, str) else statement
    frames = [
        Frame(TITLE, (p(title),)),
        Frame(STATEMENT, tuple(st_paras)),
        Frame(NUMBER, (p(SLIDE_NUMBER),)),
    ]
    if body is not None:
        frames.insert(2, Frame(BODY, tuple(body)))
    return SlideSpec("insight", title, tuple(frames), number=str(number))


def deck(*slides: SlideSpec, theme: Theme | None = None) -> Deck:
    return Deck(tuple(slides), theme or make_theme(), "Deck")


def frame(slide: SlideSpec, shape_id: int) -> Frame:
    return next(f for f in slide.frames if f.shape_id == shape_id)


def words(frames: list[Frame]) -> list[str]:
    return [w for f in frames for para in f.paragraphs for w in para.text.split()]


def content_words(d: Deck, shape_id: int) -> str:
    """All text of one content shape over the deck, white space removed."""
    return "".join(
        "".join(frame(s, shape_id).text.split())
        for s in d.slides
        if any(f.shape_id == shape_id for f in s.frames)
    )


def shape(theme: Theme, shape_id: int) -> ShapeProto:
    return next(s for s in theme.prototypes["insight"].shapes if s.shape_id == shape_id)


def frame_fits(theme: Theme, slide: SlideSpec, shape_id: int) -> bool:
    sh = shape(theme, shape_id)
    fr = frame(slide, shape_id)
    box = dict(slide.boxes).get(shape_id, sh.box)  # where the slide draws it (grown)
    width = (box[2] - sh.insets[0] - sh.insets[2]) / EMU_PER_PT
    height = (box[3] - sh.insets[1] - sh.insets[3]) / EMU_PER_PT
    paras = []
    for para in fr.paragraphs:
        pp = sh.paragraphs[para.proto]
        assert para.size is not None
        runs = tuple(
            M.TextRun(s.text, pp.font, s.bold or pp.bold, s.italic or pp.italic, s.code)
            for s in para.runs
        )
        paras.append(
            M.MeasurePara(runs, para.size, pp.line_spacing, pp.space_before, pp.space_after)
        )
    return M.layout(paras, width).height <= height + 1e-6


LOREM = (
    "Open-source AI models are changing who can build with artificial intelligence, and "
    "Llama 3.1 shows that open weights can compete with the best closed systems while "
    "letting developers fine-tune, distill and deploy them on their own infrastructure. "
)


def n_words(n: int) -> str:
    base = LOREM.split()
    return " ".join(base[i % len(base)] for i in range(n))


# --------------------------------------------------------------------------- sizes


def test_short_text_keeps_preferred_sizes() -> None:
    d = fit(deck(insight("Short title", "A short statement.", [p("Label"), p("Text", 1)])))
    (s,) = d.slides
    assert frame(s, TITLE).paragraphs[0].size == 40.0
    assert frame(s, STATEMENT).paragraphs[0].size == 28.0
    assert [x.size for x in frame(s, BODY).paragraphs] == [20.0, 18.0]
    assert frame(s, NUMBER).paragraphs[0].size == 12.0  # below the minimum: stays preferred
    assert d.warnings == ()


def test_every_paragraph_gets_a_float_size() -> None:
    d = fit(deck(insight("T", n_words(120), [p("L"), p(n_words(80), 1)])))
    for s in d.slides:
        for f in s.frames:
            for para in f.paragraphs:
                assert isinstance(para.size, float)


def test_longer_text_shrinks_but_not_below_minimum() -> None:
    theme = make_theme()
    d = fit(deck(insight("T", n_words(60)), theme=theme))
    (s,) = d.slides
    size = frame(s, STATEMENT).paragraphs[0].size
    assert size is not None and 14.0 <= size < 28.0
    assert size * 2 == int(size * 2)  # half-point steps
    assert frame_fits(theme, s, STATEMENT)
    # the largest size that fits: half a point more would not
    bigger = replace(
        s,
        frames=tuple(
            replace(f, paragraphs=(replace(f.paragraphs[0], size=size + 0.5),))
            if f.shape_id == STATEMENT
            else f
            for f in s.frames
        ),
    )
    assert not frame_fits(theme, bigger, STATEMENT)


def test_paragraphs_of_a_frame_shrink_together() -> None:
    d = fit(deck(insight("T", "S", [p("A label"), p(n_words(110), 1)])))
    s = d.slides[0]
    label, text = frame(s, BODY).paragraphs
    assert label.size is not None and text.size is not None
    assert label.size < 20.0
    assert label.size >= text.size  # hierarchy kept
    assert text.size >= 14.0


def test_shape_min_size_overrides_the_theme() -> None:
    theme = make_theme()
    shapes = tuple(
        replace(s, min_size=20.0) if s.shape_id == STATEMENT else s
        for s in theme.prototypes["insight"].shapes
    )
    theme = replace(theme, prototypes={"insight": Prototype("insight", shapes)})
    d = fit(deck(insight("T", n_words(300)), theme=theme))
    assert all(para.size == 20.0 for s in d.slides for para in frame(s, STATEMENT).paragraphs)


def test_warnings_name_a_title_with_quotes_without_nesting_them() -> None:
    """Issue 13, item 6: ``insight 2 "Why "agile" failed"`` read badly."""
    from deckgen.api import prepare, read

    long = " ".join(["Teams kept the rituals and dropped the reasons behind them."] * 40)
    text = (
        "# Retro\n\n## 1. First\n\n- Key Point: Short.\n\n"
        f'## 2. Why "agile" failed\n\n- Key Point: {long}\n\n'
        "## 3. “Quoted” typographically\n\n"
        f"- Key Point: {long}\n"
    )
    warnings = [w for w in prepare(read(text=text)).warnings if "does not fit" in w]
    assert warnings[0].startswith(
        'insight 2 “Why "agile" failed” (line 7) does not fit on one slide'
    )
    assert warnings[1].startswith('insight 3 "“Quoted” typographically" (line 11) does not fit')
    # a slide made in Python, with no number: named by its kind
    s = insight("Plain", n_words(400), [p("Insight"), p("Short explanation.", 1)])
    d = fit(deck(replace(s, number=""), theme=make_theme()))
    assert d.warnings[0].startswith("insight slide “Plain” does not fit")


def test_frames_of_unknown_shapes_and_kinds_are_left_alone() -> None:
    s = insight("T", "S")
    s = replace(s, frames=(*s.frames, Frame(99, (p("stray"),))))
    other = SlideSpec("closing", "Bye", (Frame(1, (p("Thanks"),)),))
    d = fit(deck(s, other))
    assert frame(d.slides[0], 99) == Frame(99, (p("stray"),))
    assert d.slides[1] == other


# --------------------------------------------------------------------------- continuation


def test_400_word_key_point_continues_with_a_warning_and_nothing_lost() -> None:
    theme = make_theme()
    text = n_words(400)
    src = insight("Open models win", text, [p("Insight"), p("Short explanation.", 1)], 3)
    d = fit(deck(src, theme=theme))
    assert len(d.slides) > 1
    assert [s.continued for s in d.slides] == list(range(len(d.slides)))
    assert content_words(d, STATEMENT) == "".join(text.split())
    assert len(d.warnings) == 1
    follow = len(d.slides) - 1
    plural = "slide" if follow == 1 else "slides"
    assert d.warnings[0] == (
        "insight 3 “Open models win” does not fit on one slide at 14 pt; "
        f"continued on {follow} follow-up {plural}"
    )
    for k, s in enumerate(d.slides):
        assert all(para.size == 14.0 for para in frame(s, STATEMENT).paragraphs)
        assert frame_fits(theme, s, STATEMENT)
        assert frame(s, NUMBER) == frame(d.slides[0], NUMBER)  # chrome repeats
        if k:
            assert s.title == "Open models win" + CONTINUED
            assert frame(s, TITLE).text == "Open models win" + CONTINUED
            assert frame(s, BODY).paragraphs == ()  # complete on the first slide
        else:
            assert frame(s, TITLE).text == "Open models win"
            assert frame(s, BODY).text == "Insight\nShort explanation."


def test_split_between_paragraphs_keeps_formatting() -> None:
    paras = [p(f"Point {i}: " + n_words(40), bold=(i % 2 == 0)) for i in range(8)]
    d = fit(deck(insight("Many points", paras)))
    assert len(d.slides) > 1
    out = [para for s in d.slides for para in frame(s, STATEMENT).paragraphs]
    assert "".join(para.text for para in out).replace(" ", "") == "".join(
        para.text for para in paras
    ).replace(" ", "")
    for para in out:
        n = int(para.text.split()[1].rstrip(":")) if para.text.startswith("Point") else None
        if n is not None:
            assert para.runs[0].bold == (n % 2 == 0)


def test_links_survive_a_split() -> None:
    runs = (Span(n_words(200)), Span("the docs", link="https://example.com"), Span(n_words(200)))
    d = fit(deck(insight("Links", [Para(runs)])))
    spans = [r for s in d.slides for para in frame(s, STATEMENT).paragraphs for r in para.runs]
    assert any(r.link == "https://example.com" and "docs" in r.text for r in spans)
    assert "".join("".join(r.text.split()) for r in spans) == "".join(
        "".join(r.text.split()) for r in runs
    )


def test_every_content_frame_continues_independently() -> None:
    d = fit(deck(insight("Both", n_words(300), [p("Label"), p(n_words(500), 1)])))
    assert content_words(d, STATEMENT) == "".join(n_words(300).split())
    assert content_words(d, BODY) == "Label" + "".join(n_words(500).split())
    assert len(d.warnings) == 1


def test_a_60_character_word_and_urls_fit_without_loss() -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" + "x" * 15
    url = "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/MODEL_CARD.md"
    theme = make_theme(statement_box=(IN, 2 * IN, 3 * IN, 2 * IN))  # a narrow box
    text = f"{word} see {url} and {url}?ref=deckgen#section"
    d = fit(deck(insight("Long words", text), theme=theme))
    assert content_words(d, STATEMENT) == "".join(text.split())
    for s in d.slides:
        assert frame_fits(theme, s, STATEMENT)


def test_cjk_text_continues_between_characters() -> None:
    text = (
        "大型语言模型在数万亿个标记的文本上进行训练，其行为取决于数据质量、来源组合和仔细的过滤。"
        * 12
    )
    d = fit(deck(insight("中文", text)))
    assert len(d.slides) > 1
    assert content_words(d, STATEMENT) == text


def test_rtl_and_emoji_text_fit() -> None:
    text = "שלום עולם, זהו משפט בעברית 🚀 مرحبا بالعالم، هذه جملة 👍🏽 " * 3
    theme = make_theme()
    d = fit(deck(insight("RTL 🚀", text), theme=theme))
    assert content_words(d, STATEMENT) == "".join(text.split())
    assert all(frame_fits(theme, s, STATEMENT) for s in d.slides)


def test_title_of_300_characters_shrinks_below_the_minimum_and_stays_whole() -> None:
    """Issue 14, item 3: a title is never split across slides; it shrinks below the
    theme's minimum, with a warning naming the slide."""
    title = ("A remarkably long title that keeps going " * 8)[:300]
    theme = make_theme()
    d = fit(deck(insight(title, "Short."), theme=theme))
    assert len(d.slides) == 1
    (size,) = [para.size for para in frame(d.slides[0], TITLE).paragraphs]
    assert size is not None and TITLE_FLOOR <= size < 24.0
    assert frame(d.slides[0], TITLE).text == title
    assert frame_fits(theme, d.slides[0], TITLE)
    (warning,) = [w for w in d.warnings if "title" in w]
    assert warning.startswith("insight 1 “A remarkably") and f"shrunk to {size:g} pt" in warning


def test_continuation_is_stable_when_fitted_again() -> None:
    d = fit(deck(insight("Again", n_words(400))))
    again = fit(d)
    assert len(again.slides) == len(d.slides)


def test_slide_number_frames_are_measured_as_two_digits() -> None:
    s = insight("T", "S")
    s = replace(
        s,
        frames=tuple(
            replace(f, paragraphs=(p(f"{SLIDE_NUMBER} / {SLIDE_TOTAL}"),))
            if f.shape_id == NUMBER
            else f
            for f in s.frames
        ),
    )
    d = fit(deck(s))
    assert frame(d.slides[0], NUMBER).paragraphs[0].size == 12.0


def test_many_slides_fit_quickly() -> None:
    slides = [
        insight(f"Insight {i}", n_words(30 + i % 50), [p("L"), p(n_words(40), 1)], i)
        for i in range(200)
    ]
    t = time.perf_counter()
    fit(deck(*slides))
    assert time.perf_counter() - t < 10


@settings(max_examples=40, deadline=None)
@given(
    statement=st.lists(st.integers(0, 250), min_size=1, max_size=5),
    body=st.lists(st.integers(0, 200), max_size=4),
    title=st.integers(1, 60),
)
def test_nothing_is_ever_lost(statement: list[int], body: list[int], title: int) -> None:
    theme = make_theme()
    st_paras = [p(n_words(n)) for n in statement]
    body_paras = [p(n_words(n), proto=min(i, 1)) for i, n in enumerate(body)]
    src = insight(n_words(title), st_paras, body_paras)
    d = fit(deck(src, theme=theme))
    assert content_words(d, STATEMENT) == "".join(f.text for f in st_paras).replace(" ", "")
    assert content_words(d, BODY) == "".join(f.text for f in body_paras).replace(" ", "")
    for s in d.slides:
        for sid in (STATEMENT, BODY):
            fr = next((f for f in s.frames if f.shape_id == sid), None)
            if fr is not None and fr.paragraphs:
                assert frame_fits(theme, s, sid)


@pytest.mark.parametrize("font", ["Calibri", "Cambria", "Arial", "Georgia"])
def test_fonts(font: str) -> None:
    theme = make_theme(font=font)
    d = fit(deck(insight("T", n_words(100)), theme=theme))
    assert all(frame_fits(theme, s, STATEMENT) for s in d.slides)


# --------------------------------------------------------------------------- LibreOffice
# Proof that fitted decks render inside their boxes: content.md and a stress set, with
# every bundled theme, rendered by LibreOffice with autofit off (tests/rendercheck.py).

THEMES = ["default", "dark", "bold"]

_URL = (
    "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/MODEL_CARD.md"
    "?utm_source=deckgen&utm_medium=stress#model-details"
)
_WORD60 = "Pneumonoultramicroscopicsilicovolcanoconiosis" + "Extraordinaryxx"
_TITLE300 = (
    "A remarkably long insight title that keeps going and going to test wrapping, "
    "shrinking and continuation "
) * 3


def _summary(title: str, insights: list[tuple[str, str, str]]) -> str:
    lines = [title]
    for i, (head, key, why) in enumerate(insights, 1):
        lines += [f"{i}. {head}:", f"- Key Point: {key}"]
        if why:
            lines.append(f"- Insight: {why}")
    lines += ["", "Conclusion", n_words(60), "", "Thank you!"]
    return "\n".join(lines) + "\n"


STRESS = {
    "long-key-point": _summary(
        "Stress: long key points",
        [("Open models", n_words(400), n_words(120)), ("Second", n_words(250), n_words(200))],
    ),
    "long-words": _summary(
        "Stress: long words and URLs",
        [
            (
                "Long words",
                f"The word {_WORD60} must break, and so must {_URL} and {_URL}.",
                f"See {_URL} for the model card, and {_WORD60}.",
            )
        ],
    ),
    "many": _summary(
        "Stress: forty insights",
        [
            (f"Insight {i} on {n_words(3)}", n_words(15 + i % 40), n_words(10 + i % 30))
            for i in range(40)
        ],
    ),
    "one-word": _summary("Brevity", [("Yes", "Yes.", "")]),
    "cjk": _summary(
        "压力测试：中文与日本語",
        [
            (
                "开放模型",
                "大型语言模型在数万亿个标记的文本上进行训练，其行为取决于数据质量、来源组合和仔细的过滤。"
                * 3,
                "開放重みにより研究者はモデルを検査し、微調整し、自分のハードウェアに展開できます。"
                * 2,
            )
        ],
    ),
    "rtl": _summary(
        "עברית والعربية",
        [
            (
                "שלום עולם",
                "שלום עולם, זהו משפט בעברית כדי לבדוק את המדידה של טקסט מימין לשמאל בשקופית. " * 3,
                "مرحبا بالعالم، هذه جملة باللغة العربية لاختبار قياس النص من اليمين إلى اليسار. "
                * 3,
            )
        ],
    ),
    "emoji": _summary(
        "Emoji 🚀 everywhere 🎉",
        [
            (
                "Launch 🚀",
                "Launch 🚀 celebrate 🎉 agree 👍🏽 family 👨‍👩‍👧 love ❤️ done ✅ fire 🔥 " * 5,
                "Emoji 😀 should measure sanely 😀😀😀.",
            )
        ],
    ),
    "long-title": _summary(
        "Stress: a 300-character title",
        [
            (
                _TITLE300[:300],
                "A title of 300 characters wraps, shrinks and continues.",
                "Nothing lost.",
            )
        ],
    ),
}


def _check_build(tmp_path: Path, source: str | None, text: str | None, theme: str) -> None:
    import deckgen

    from . import rendercheck as rc

    out = tmp_path / f"{theme}.pptx"
    deckgen.build(source, out, text=text, template=theme)
    problems = rc.check_deck(out, tmp_path / "work")
    problems += rc.small_text(out)
    assert not problems, "\n".join(problems)


@pytest.mark.render
@pytest.mark.parametrize("theme", THEMES)
def test_content_md_renders_inside_its_boxes(tmp_path: Path, theme: str) -> None:
    from . import rendercheck as rc

    if rc.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    _check_build(tmp_path, str(Path(__file__).resolve().parent.parent / "content.md"), None, theme)


@pytest.mark.render
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", sorted(STRESS))
def test_stress_set_renders_inside_its_boxes(tmp_path: Path, theme: str, name: str) -> None:
    from . import rendercheck as rc

    if rc.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    _check_build(tmp_path, None, STRESS[name], theme)


def test_a_continuation_warning_names_the_summarys_line(tmp_path: Path) -> None:
    import deckgen

    long = " ".join(["word"] * 500)
    result = deckgen.build(
        text=f"# T\n\n## Short\nok\n\n## Long one\n\n{long}\n", output=tmp_path / "d.pptx"
    )
    assert any(w.startswith("insight 2 “Long one” (line 6) does not fit") for w in result.warnings)
