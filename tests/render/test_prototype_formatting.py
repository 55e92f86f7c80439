"""Prototype templates keep their designer's formatting (issue 14, item 5): text typed
around a tag keeps its own run formatting, also when PowerPoint split the tag over runs;
static bold/red words in a tagged box stay so; tags in table cells and grouped shapes are
filled."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from pptx import Presentation
from pptx.util import Emu

import deckgen
from deckgen import plan
from deckgen.model import ParaProto, ShapeProto
from deckgen.render import _xml as X
from deckgen.render import load_theme

from ..conftest import CONTENT, needs_soffice
from ..rendercheck import check_deck
from .conftest import assert_valid
from .formatting_templates import BLUE, GREEN, GREY, RED, formatted_template, runs
from .make_templates import WIDE, layout, mark

TALK = """\
# My Talk

## 1. Open models win
- Key Point: Open **weights** beat closed ones
- Insight: Because people can *inspect* them

## 2. Small teams
- Key Point: Fewer people, faster
- Insight: Less to agree on

## Conclusion
That is all.
"""


def _rgb(run):
    color = run.font.color
    return color.rgb if color is not None and color.type is not None else None


def _look(run):
    size = run.font.size.pt if run.font.size is not None else None
    return (run.text, bool(run.font.bold), bool(run.font.italic), _rgb(run), size)


@pytest.fixture(scope="module")
def theme_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formatted")
    formatted_template(folder / "template.pptx")
    return folder


@pytest.fixture
def built(theme_dir: Path, tmp_path: Path) -> Path:
    """A deck built from the template (per test: every deck a test writes is validated
    against the schemas when that test ends)."""
    src = tmp_path / "talk.md"
    src.write_text(TALK, encoding="utf-8")
    result = deckgen.build(src, tmp_path / "out.pptx", template=theme_dir)
    assert result.warnings == ()
    return result.output


@pytest.fixture
def insight(built: Path):
    return Presentation(str(built)).slides[1]


def _shape(slide, name):
    for shape in slide.shapes:
        if shape.name == name:
            return shape
    raise LookupError(name)


def test_a_label_before_a_split_tag_keeps_its_own_formatting(insight):
    body = _shape(insight, "Content Placeholder 2").text_frame
    first = [_look(r) for r in body.paragraphs[0].runs]
    # "Point: " stays bold green; the key point takes the run where its tag starts
    # (italic blue), the Markdown's bold on top of it
    assert first[0] == ("Point: ", True, False, GREEN, 20.0)
    assert first[1:] == [
        ("Open ", False, True, BLUE, 20.0),
        ("weights", True, True, BLUE, 20.0),
        (" beat closed ones", False, True, BLUE, 20.0),
    ]


def test_static_bold_red_words_in_a_tagged_box_are_not_flattened(insight):
    body = _shape(insight, "Content Placeholder 2").text_frame
    assert [_look(r) for r in body.paragraphs[1].runs] == [
        ("Remember: ", False, False, None, 18.0),
        ("this", True, False, RED, 18.0),
        (" matters.", False, False, None, 18.0),
    ]


def test_text_after_a_tag_keeps_its_run_and_its_size_relative_to_the_tag(insight):
    third = [
        _look(r) for r in _shape(insight, "Content Placeholder 2").text_frame.paragraphs[2].runs
    ]
    assert third[-1] == (" (more in the notes)", False, False, GREY, 14.0)
    assert "".join(t for t, *_ in third) == "Because people can inspect them (more in the notes)"
    assert ("inspect", False, True, None, 18.0) in third  # the Markdown's italic


def test_tags_in_table_cells_are_filled_and_plain_cells_kept(insight):
    table = _shape(insight, "Facts").table
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["1", "Open models win"],
        ["Label", "2"],
    ]


def test_tags_in_a_grouped_text_box_are_filled(insight):
    group = _shape(insight, "Badge group")
    texts = [s.text_frame.text for s in group.shapes if s.has_text_frame]
    assert "Group: Open models win" in texts


def test_no_tag_is_left_anywhere_and_the_deck_is_valid(built: Path):
    prs = Presentation(str(built))
    for slide in prs.slides:
        for shape in slide.shapes:
            texts = []
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
            if shape.shape_type == 6:  # group
                texts += [s.text_frame.text for s in shape.shapes if s.has_text_frame]
            for text in texts:
                assert "{{" not in text and "{%" not in text, (shape.name, text)
    assert_valid(built)


def test_the_second_insight_slide_is_filled_the_same_way(built: Path):
    slide = Presentation(str(built)).slides[2]
    body = _shape(slide, "Content Placeholder 2").text_frame
    assert _look(body.paragraphs[0].runs[0]) == ("Point: ", True, False, GREEN, 20.0)
    assert body.paragraphs[0].runs[1].text == "Fewer people, faster"
    assert [[c.text for c in r.cells] for r in _shape(slide, "Facts").table.rows][0] == [
        "2",
        "Small teams",
    ]


@pytest.mark.render
@needs_soffice
def test_a_deck_from_the_formatted_template_renders_with_every_word_in_its_box(
    theme_dir: Path, tmp_path: Path
):
    out = tmp_path / "content.pptx"
    result = deckgen.build(CONTENT, out, template=theme_dir)
    assert result.warnings == ()
    problems = check_deck(out, tmp_path / "render")
    assert not problems, "\n".join(problems[:40])


# --------------------------------------------------------------------------- the reader


def test_reader_records_where_the_typed_text_changes_formatting(tmp_path: Path):
    theme = load_theme(formatted_template(tmp_path / "template.pptx"))
    body = next(s for s in theme.prototypes["insight"].shapes if s.name == "Content Placeholder 2")
    first, second, third = body.paragraphs
    assert first.template == "Point: {{ insight.key_point }}"
    # the tag's run is style 0; its second half (plain, inside the tag) leaves no mark
    assert first.styles == ((0, 1), (7, 0), (18, 2))
    assert first.looks[0][1:] == (False, True) and first.looks[1][1:] == (True, False)
    assert second.styles == ((10, 1), (14, 0))  # "this" bold red; "Remember: " is style 0
    assert third.styles == ((21, 1),) and third.looks[1][0] == 14.0
    cells = [s for s in theme.prototypes["insight"].shapes if s.shape_id >= X.CELL_IDS]
    assert sorted(s.name for s in cells) == [
        "Facts, row 1 column 1",
        "Facts, row 1 column 2",
        "Facts, row 2 column 2",
    ]
    assert all(s.role == "chrome" and s.box[2] > 0 and s.box[3] > 0 for s in cells)


def test_runs_that_differ_only_in_spelling_state_or_language_are_one_style(tmp_path: Path):
    from pptx import Presentation as New

    prs = New()
    prs.slide_width, prs.slide_height = WIDE
    s = prs.slides.add_slide(layout(prs, "Title and Content"))
    s.shapes.title.text_frame.text = "{{ insight.title }}"
    p = s.placeholders[1].text_frame.paragraphs[0]
    runs(p, ("Key: ", {"bold": True}), ("{{ insight.", {"bold": True}), ("key_point }}", {}))
    p.runs[0]._r.get_or_add_rPr().set("lang", "de-DE")
    p.runs[1]._r.get_or_add_rPr().set("err", "1")
    mark(s, "insight")
    path = tmp_path / "t.pptx"
    prs.save(path)
    body = next(x for x in load_theme(path).prototypes["insight"].shapes if not x.is_title)
    # only the third run (not bold, inside the tag) differs
    assert body.paragraphs[0].styles == ((16, 1),)


def test_a_smartart_or_chart_with_tags_is_named_in_a_warning(tmp_path: Path):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE

    prs = Presentation()
    s = prs.slides.add_slide(layout(prs, "Title Only"))
    s.shapes.title.text_frame.text = "{{ insight.title }}"
    data = CategoryChartData()
    data.categories = ["{{ insight.number }}", "b"]
    data.add_series("S", (1, 2))
    s.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Emu(0), Emu(0), Emu(10**6), Emu(10**6), data)
    mark(s, "insight")
    path = tmp_path / "t.pptx"
    prs.save(path)
    warnings = load_theme(path).warnings
    assert any("tags in a chart" in w and "slide 1" in w for w in warnings), warnings


# --------------------------------------------------------------------------- plan


def _proto(
    template: str, styles, looks=((18.0, False, False), (18.0, True, False), (14.0, False, True))
):
    return ParaProto(template=template, font="Calibri", size=18.0, styles=styles, looks=looks)


def _render(p: ParaProto, **ctx):
    shape = ShapeProto(1, "Box", (0, 0, 10**6, 10**6), paragraphs=(p,))
    out = plan.environment().from_string(plan._joined_source(shape)).render(ctx)
    plain = plan.environment().from_string(p.template).render(ctx)
    frame = plan._frame(out, shape)
    lines = [ln for ln in plain.split("\n") if ln.strip()]
    assert [para.text for para in frame.paragraphs] == lines  # the text is as without styles
    return [[(r.text, r.style) for r in para.runs] for para in frame.paragraphs]


@pytest.mark.parametrize(
    ("template", "styles", "ctx", "expected"),
    [
        ("Point: {{ x }}", ((0, 1), (7, 0)), {"x": "X"}, [[("Point: ", 1), ("X", 0)]]),
        (
            "Point: {{ x }} end",
            ((0, 1), (7, 0), (14, 2)),
            {"x": "X"},
            [[("Point: ", 1), ("X", 0), (" end", 2)]],
        ),
        # white space control: markers never stand between {%-/-%} and the space they strip
        ("A {{- x -}} B", ((0, 1), (2, 0), (12, 2)), {"x": "X"}, [[("A", 1), ("X", 0), ("B", 2)]]),
        (
            "Point:   {%- if x %} {{ x }}{% endif -%}  !",
            ((0, 1), (8, 0), (40, 2)),
            {"x": "X"},
            [[("Point:", 1), (" ", 0), ("X", 0), ("!", 2)]],
        ),
        # a loop repeats its styled label; a branch not taken does not leave its style on
        (
            "{% for i in xs %}Item {{ i }}\n{% endfor %}",
            ((0, 0), (17, 1), (22, 0)),
            {"xs": [1, 2]},
            [[("Item ", 1), ("1", 0)], [("Item ", 1), ("2", 0)]],
        ),
        (
            "{% if c %}B{% else %}P{% endif %} after",
            ((0, 0), (10, 1), (21, 0)),
            {"c": True},
            [[("B", 1), (" after", 0)]],
        ),
        # a line break inside a run: the next line goes on in that run's style
        (
            "Line one\nLine two {{ x }}",
            ((0, 1), (18, 0)),
            {"x": "X"},
            [[("Line one", 1)], [("Line two ", 1), ("X", 0)]],
        ),
        (
            "{% raw %}{{ b }}{% endraw %}c",
            ((0, 0), (9, 1), (27, 2)),
            {},
            [[("{{ b }}", 1), ("c", 2)]],
        ),
    ],
)
def test_styled_sources_render_the_same_text_with_each_piece_in_its_style(
    template, styles, ctx, expected
):
    assert _render(_proto(template, styles), **ctx) == expected


def test_a_style_s_bold_and_italic_reach_fit_through_the_spans():
    p = _proto("Point: {{ x }} end", ((0, 1), (7, 0), (14, 2)))
    shape = ShapeProto(1, "Box", (0, 0, 10**6, 10**6), paragraphs=(p,))
    out = plan.environment().from_string(plan._joined_source(shape)).render(x="X")
    spans = plan._frame(out, shape).paragraphs[0].runs
    assert [(s.bold, s.italic) for s in spans] == [(True, False), (False, False), (False, True)]


def test_a_broken_paragraph_keeps_its_syntax_error_and_its_line():
    p = _proto("Point: {{ x ", ((0, 1), (7, 0)))
    with pytest.raises(jinja2.TemplateSyntaxError) as err:
        plan.environment().from_string("fine\n" + plan._styled(p))
    assert err.value.lineno == 2
