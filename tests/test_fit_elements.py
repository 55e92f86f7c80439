"""deckgen.fit places pictures, sizes and splits tables, keeps code blocks whole, and
measures list paragraphs with their indent (issue 11), on synthetic themes and slides."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen import metrics as M
from deckgen.fit import (
    CODE_MIN_SIZE,
    CONTINUED,
    MAX_UPSCALE,
    PIXEL_EMU,
    TABLE_MIN_SIZE,
    TABLE_SIZE,
    fit,
)
from deckgen.model import (
    BULLET_HANG,
    EMU_PER_PT,
    LIST_INDENT,
    TABLE_CELL_MARGINS,
    Deck,
    Frame,
    Para,
    ParaProto,
    Picture,
    PlacedPicture,
    PlacedTable,
    Prototype,
    RichText,
    ShapeProto,
    SlideSpec,
    Span,
    Table,
    Theme,
)

IN = 914400
TITLE, TEXT, AREA, CODE, NUMBER = 1, 2, 3, 4, 5
AREA_BOX = (IN, 2 * IN, 11 * IN, 5 * IN)
CODE_BOX = (IN, 2 * IN, 11 * IN, 5 * IN)


def theme(*, text_box: tuple[int, int, int, int] = (IN, IN + IN // 2, 11 * IN, IN // 2)) -> Theme:
    """One prototype for every element kind: a title, a small text box, an area shape, a
    code panel and a slide number."""
    shapes = (
        ShapeProto(
            TITLE,
            "Title",
            (IN, IN // 4, 11 * IN, IN),
            paragraphs=(ParaProto("{{ insight.title }}", "Calibri", 36, bold=True),),
            is_title=True,
            role="title",
        ),
        ShapeProto(
            TEXT,
            "Text",
            text_box,
            paragraphs=(ParaProto("{{ t }}", "Calibri", 18),),
        ),
        ShapeProto(
            AREA, "Area", AREA_BOX, paragraphs=(ParaProto("{{ slide.table }}", "Calibri", 20),)
        ),
        ShapeProto(
            CODE,
            "Code",
            CODE_BOX,
            paragraphs=(ParaProto("{{ slide.code }}", "Courier New", 20),),
            role="code",
        ),
        ShapeProto(
            NUMBER,
            "Number",
            (12 * IN, 7 * IN, IN // 2, IN // 3),
            paragraphs=(ParaProto("{{ slide.number }}", "Calibri", 12),),
            role="chrome",
        ),
    )
    protos = {k: Prototype(k, shapes) for k in ("picture", "table", "code", "bullets")}
    return Theme("t", "t.pptx", prototypes=protos)


def para(text: str, **kw: object) -> Para:
    return Para((Span(text),), **kw)  # type: ignore[arg-type]


def slide(kind: str, *frames: Frame, elements: tuple = (), line: int = 7) -> SlideSpec:
    return SlideSpec(
        kind,
        "A slide",
        (Frame(TITLE, (para("A slide"),)), *frames),
        number="3",
        line=line,
        elements=elements,
    )


def run(*slides: SlideSpec, th: Theme | None = None) -> Deck:
    return fit(Deck(tuple(slides), th or theme(), "Deck"))


def inside(box: tuple[int, int, int, int], area: tuple[int, int, int, int]) -> bool:
    x, y, w, h = box
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah and w > 0 and h > 0


def picture(w: int, h: int, **kw: object) -> Picture:
    return Picture("p.png", alt="a picture", path="p.png", pixels=(w, h), **kw)  # type: ignore[arg-type]


def placed_pictures(*pics: Picture) -> tuple[PlacedPicture, ...]:
    return tuple(PlacedPicture(AREA, p, AREA_BOX) for p in pics)


# --------------------------------------------------------------------------- pictures


def test_a_tall_and_a_very_wide_picture_keep_their_aspect_inside_the_area() -> None:
    for w, h in ((600, 2400), (4000, 300)):
        d = run(slide("picture", elements=placed_pictures(picture(w, h))))
        (s,) = d.slides
        (pic,) = s.elements
        assert isinstance(pic, PlacedPicture) and pic.box is not None
        assert inside(pic.box, AREA_BOX)
        bw, bh = pic.box[2:]
        assert abs((bw / bh) / (w / h) - 1) < 0.01
        # as large as the area allows: it touches two opposite sides, centred between the others
        assert bh == AREA_BOX[3] or bw == AREA_BOX[2]
        x, y = pic.box[:2]
        assert abs((x - AREA_BOX[0]) - (AREA_BOX[0] + AREA_BOX[2] - x - bw)) <= 2
        assert abs((y - AREA_BOX[1]) - (AREA_BOX[1] + AREA_BOX[3] - y - bh)) <= 2


def test_three_pictures_form_a_grid_without_overlaps() -> None:
    pics = placed_pictures(picture(800, 600), picture(800, 600), picture(600, 800))
    (s,) = run(slide("picture", elements=pics)).slides
    boxes = [e.box for e in s.elements if isinstance(e, PlacedPicture)]
    assert len(boxes) == 3
    for b, p in zip(boxes, pics, strict=True):
        assert b is not None and inside(b, AREA_BOX)
        pw, ph = p.picture.pixels or (1, 1)
        assert abs((b[2] / b[3]) / (pw / ph) - 1) < 0.01
    for a, b in combinations(boxes, 2):
        assert a is not None and b is not None
        apart_x = a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0]
        apart_y = a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
        assert apart_x or apart_y
    # each is far larger than a ninth of the area (a grid, not a strip of thumbnails)
    assert min(b[2] * b[3] for b in boxes if b) > AREA_BOX[2] * AREA_BOX[3] / 9


def test_two_wide_pictures_are_stacked_and_two_tall_ones_side_by_side() -> None:
    wide = run(slide("picture", elements=placed_pictures(picture(1600, 400), picture(1600, 400))))
    a, b = (e.box for e in wide.slides[0].elements if isinstance(e, PlacedPicture))
    assert a is not None and b is not None and a[1] + a[3] <= b[1]  # one above the other
    tall = run(slide("picture", elements=placed_pictures(picture(400, 900), picture(400, 900))))
    a, b = (e.box for e in tall.slides[0].elements if isinstance(e, PlacedPicture))
    assert a is not None and b is not None and a[0] + a[2] <= b[0]  # side by side


def test_a_small_icon_is_not_blown_up_to_the_area() -> None:
    (s,) = run(slide("picture", elements=placed_pictures(picture(32, 32)))).slides
    (pic,) = s.elements
    assert isinstance(pic, PlacedPicture) and pic.box is not None
    assert pic.box[2] <= 32 * PIXEL_EMU * MAX_UPSCALE
    assert inside(pic.box, AREA_BOX)


def test_a_width_the_author_asked_for_is_a_fraction_of_the_slide_within_the_area() -> None:
    th = theme()
    (s,) = run(slide("picture", elements=placed_pictures(picture(800, 200, width="50%")))).slides
    (pic,) = s.elements
    assert isinstance(pic, PlacedPicture) and pic.box is not None
    assert abs(pic.box[2] - th.slide_width / 2) <= 2  # half the slide, as pandoc has it
    assert inside(pic.box, AREA_BOX)
    (s,) = run(slide("picture", elements=placed_pictures(picture(800, 200, width="95%")))).slides
    (pic,) = s.elements
    assert isinstance(pic, PlacedPicture) and pic.box is not None
    assert pic.box[2] == AREA_BOX[2]  # never past its area


def test_a_picture_without_pixels_takes_its_area() -> None:
    pic = Picture("p.svg", alt="a drawing", path="p.svg")
    (s,) = run(slide("picture", elements=(PlacedPicture(AREA, pic, AREA_BOX),))).slides
    (placed,) = s.elements
    assert isinstance(placed, PlacedPicture) and placed.box == AREA_BOX


def test_pictures_are_not_repeated_on_follow_up_slides() -> None:
    long_text = tuple(para(f"Point {i}: " + "words that take room " * 6) for i in range(12))
    d = run(slide("picture", Frame(TEXT, long_text), elements=placed_pictures(picture(800, 600))))
    assert len(d.slides) > 1
    assert any(isinstance(e, PlacedPicture) for e in d.slides[0].elements)
    assert all(s.elements == () for s in d.slides[1:])


# --------------------------------------------------------------------------- tables


def cell(text: str, **kw: object) -> RichText:
    return RichText((Span(text, **kw),))  # type: ignore[arg-type]


def table(header: list[str], rows: list[list[str]], line: int = 12) -> Table:
    return Table(
        tuple(cell(h) for h in header), tuple(tuple(cell(c) for c in r) for r in rows), line=line
    )


def placed_tables(s: SlideSpec) -> list[PlacedTable]:
    return [e for e in s.elements if isinstance(e, PlacedTable)]


def check_table_geometry(t: PlacedTable) -> None:
    assert t.size is not None
    assert sum(t.columns) <= t.area[2]
    assert sum(t.heights) <= t.area[3]
    assert t.rows is not None
    assert len(t.heights) == 1 + t.rows[1] - t.rows[0]
    assert len(t.columns) == max(len(t.table.header), *(len(r) for r in t.table.rows))


def cell_lines(t: PlacedTable, text: str, col: int, bold: bool = False) -> int:
    """Lines the cell's text takes at the table's size in its column."""
    assert t.size is not None
    inner = (t.columns[col] - TABLE_CELL_MARGINS[0] - TABLE_CELL_MARGINS[2]) / EMU_PER_PT
    mp = M.MeasurePara((M.TextRun(text, t.font, bold=bold),), t.size)
    return len(M.layout_paragraph(mp, inner).lines)


def test_a_three_row_table_fits_on_one_slide_with_its_header() -> None:
    tab = table(["Tool", "Purpose", "Status"], [["ruff", "lint", "on"], ["mypy", "types", "on"],
                                                ["pytest", "tests", "on"]])  # fmt: skip
    d = run(slide("table", elements=(PlacedTable(AREA, tab, AREA_BOX),)))
    assert len(d.slides) == 1 and d.warnings == ()
    (t,) = placed_tables(d.slides[0])
    check_table_geometry(t)
    assert t.rows == (0, 3)
    assert t.size == TABLE_SIZE  # short words: no need to shrink
    # the table spans its area, and no cell wraps
    assert sum(t.columns) >= t.area[2] - len(t.columns)
    for c, h in enumerate(tab.header):
        assert cell_lines(t, h.text, c, bold=True) == 1


def test_a_forty_row_table_continues_by_whole_rows_with_the_header_repeated() -> None:
    rows = [[f"Item {i}", f"Value {i * 7}", "a note that says a little more"] for i in range(40)]
    tab = table(["Item", "Value", "Note"], rows)
    d = run(slide("table", Frame(TEXT, (para("Above the table."),)),
                  elements=(PlacedTable(AREA, tab, AREA_BOX),)))  # fmt: skip
    assert len(d.slides) > 1
    shown: list[int] = []
    sizes = set()
    for k, s in enumerate(d.slides):
        (t,) = placed_tables(s)
        check_table_geometry(t)
        assert t.table.header == tab.header  # every slide draws the header row
        assert t.rows is not None
        shown += range(*t.rows)
        sizes.add(t.size)
        assert s.continued == k
    assert shown == list(range(40))  # none lost, none twice, in order
    assert sizes == {TABLE_MIN_SIZE}  # shrunk to the minimum before splitting
    counts = [t.rows[1] - t.rows[0] for s in d.slides for t in placed_tables(s) if t.rows]
    assert max(counts) - min(counts) <= 1  # evenly split, no one-row tail
    assert d.slides[1].title.endswith(CONTINUED)
    assert any("continued by whole rows" in w and "line 12" in w for w in d.warnings)
    # the text above the table fitted: the follow-ups show only the table
    texts = [next(f for f in s.frames if f.shape_id == TEXT).text for s in d.slides]
    assert texts[0] == "Above the table." and not any(texts[1:])


def test_a_nine_column_table_shrinks_and_its_columns_fit_the_area() -> None:
    header = [f"Headcount{i}" for i in range(9)]
    rows = [[f"{1000 * i + j:,} units" for j in range(9)] for i in range(4)]
    tab = table(header, rows)
    d = run(slide("table", elements=(PlacedTable(AREA, tab, AREA_BOX),)))
    (t,) = placed_tables(d.slides[0])
    check_table_geometry(t)
    assert t.size is not None and TABLE_MIN_SIZE <= t.size < TABLE_SIZE
    assert len(t.columns) == 9
    for c, h in enumerate(header):  # shrunk so that no header word breaks
        assert cell_lines(t, h, c, bold=True) == 1
    assert d.warnings == ()


def test_a_table_too_wide_even_at_the_minimum_warns_naming_slide_and_line() -> None:
    header = [f"Supercalifragilistic{i}" for i in range(9)]
    tab = table(header, [["x"] * 9], line=42)
    d = run(slide("table", elements=(PlacedTable(AREA, tab, AREA_BOX),), line=40))
    (t,) = placed_tables(d.slides[0])
    check_table_geometry(t)
    assert t.size == TABLE_MIN_SIZE
    (w,) = d.warnings
    assert "too wide" in w and "table at line 42" in w and "insight 3 “A slide” (line 40)" in w


def test_bold_and_code_in_cells_are_measured_as_such() -> None:
    def first_column(**kw: object) -> int:
        long = " ".join(["illicit"] * 12)  # one long line: the column takes its share of it
        tab = Table((cell("Name"), cell("Note")), ((cell(long, **kw), cell("a short note")),))
        d = run(slide("table", elements=(PlacedTable(AREA, tab, AREA_BOX),)))
        return placed_tables(d.slides[0])[0].columns[0]

    # bold Calibri and monospaced code are wider than regular Calibri: their column is wider
    assert first_column(bold=True) > first_column()
    assert first_column(code=True) > first_column(bold=True)


def test_a_table_that_fits_stays_on_the_first_slide_when_the_text_continues() -> None:
    long_text = tuple(para(f"Point {i}: " + "words that take room " * 4) for i in range(12))
    tab = table(["A", "B"], [["1", "2"]])
    d = run(slide("table", Frame(TEXT, long_text), elements=(PlacedTable(AREA, tab, AREA_BOX),)))
    assert len(d.slides) > 1
    assert len(placed_tables(d.slides[0])) == 1
    assert all(s.elements == () for s in d.slides[1:])


# --------------------------------------------------------------------------- code


def code_lines(n: int, width: int = 40) -> tuple[Para, ...]:
    lines = [f"    step_{i:02d} = run('{'x' * max(width - 24, 1)}')" for i in range(n)]
    return tuple(Para((Span(ln, code=True),), bullet=False) for ln in lines)


def code_fits_unwrapped(paras: tuple[Para, ...], size: float) -> bool:
    sh = theme().prototypes["code"].shapes[3]
    width = (sh.box[2] - sh.insets[0] - sh.insets[2]) / EMU_PER_PT
    height = (sh.box[3] - sh.insets[1] - sh.insets[3]) / EMU_PER_PT
    mps = [M.MeasurePara((M.TextRun(p.text, "Courier New", code=True),), size) for p in paras]
    lay = M.layout(mps, width)
    return lay.height <= height + 1e-6 and all(len(p.lines) == 1 for p in lay.paragraphs)


def test_a_seven_line_code_block_stays_whole_on_one_slide_unwrapped() -> None:
    lines = code_lines(7, width=70)
    d = run(slide("code", Frame(CODE, lines)))
    (s,) = d.slides
    code = next(f for f in s.frames if f.shape_id == CODE)
    assert [p.text for p in code.paragraphs] == [p.text for p in lines]
    (size,) = {p.size for p in code.paragraphs}
    assert size is not None and size >= CODE_MIN_SIZE
    assert code_fits_unwrapped(code.paragraphs, size)
    assert not code_fits_unwrapped(code.paragraphs, size + 0.5)  # the largest such size
    assert d.warnings == ()


def test_a_long_line_shrinks_the_block_rather_than_wrap() -> None:
    lines = (*code_lines(3), *code_lines(1, width=95))  # 95 characters at 20 pt would wrap
    (s,) = run(slide("code", Frame(CODE, lines))).slides
    code = next(f for f in s.frames if f.shape_id == CODE)
    (size,) = {p.size for p in code.paragraphs}
    assert size is not None and size < 20
    assert code_fits_unwrapped(code.paragraphs, size)


def test_a_ninety_line_code_block_splits_at_line_boundaries() -> None:
    lines = code_lines(90)
    d = run(slide("code", Frame(CODE, lines)))
    assert len(d.slides) > 1
    kept: list[str] = []
    counts = []
    for k, s in enumerate(d.slides):
        code = next(f for f in s.frames if f.shape_id == CODE)
        assert {p.size for p in code.paragraphs} == {CODE_MIN_SIZE}  # every slide alike
        assert code_fits_unwrapped(code.paragraphs, CODE_MIN_SIZE)
        assert all(p.bullet is False for p in code.paragraphs)
        kept += [p.text for p in code.paragraphs]
        counts.append(len(code.paragraphs))
        assert s.continued == k
    assert kept == [p.text for p in lines]  # whole lines, all of them, in order
    assert max(counts) - min(counts) <= 1


# --------------------------------------------------------------------------- lists


ONE_LINE = 36 * EMU_PER_PT + 2 * 45720
"""A text box with room for one line at 18 pt, not for two: a line that wraps must shrink."""


def fitted_size(text: str, width: int, level: int, bullet: bool | None) -> float | None:
    th = theme(text_box=(IN, 2 * IN, width, ONE_LINE))
    d = run(slide("bullets", Frame(TEXT, (para(text, level=level, bullet=bullet),))), th=th)
    (p,) = next(f for f in d.slides[0].frames if f.shape_id == TEXT).paragraphs
    return p.size


def test_a_nested_bullet_is_measured_with_its_indent() -> None:
    text = "Nine words on a line in a box"
    width = 3 * IN + IN // 2
    inner = (width - 2 * 91440) / EMU_PER_PT
    need = M.text_width(text, "Calibri", 18) / (1 - M.WIDTH_MARGIN)
    assert need < inner < need + 3 * LIST_INDENT + BULLET_HANG  # the premise
    assert fitted_size(text, width, 0, None) == 18.0  # one line at the preferred size
    # the same line, three levels in and with its bullet, would wrap: it shrinks
    smaller = fitted_size(text, width, 3, True)
    assert smaller is not None and smaller < 18.0
    mp = M.MeasurePara((M.TextRun(text, "Calibri"),), smaller, indent=3 * LIST_INDENT + BULLET_HANG)
    assert M.layout_paragraph(mp, inner).height <= 36  # on two lines, in the box


def test_a_bullet_takes_the_hang_from_the_line() -> None:
    text = "Eight words that fill this narrow box"
    need = M.text_width(text, "Calibri", 18) / (1 - M.WIDTH_MARGIN)
    width = int((need + BULLET_HANG / 2) * EMU_PER_PT) + 2 * 91440
    assert fitted_size(text, width, 0, False) == 18.0  # no glyph: one line
    assert fitted_size(text, width, 0, None) == 18.0  # the template's: one line
    hung = fitted_size(text, width, 0, True)  # the glyph's hang takes room: it shrinks
    assert hung is not None and hung < 18.0


def test_text_only_slides_are_unchanged_by_elements() -> None:
    s = slide("bullets", Frame(TEXT, (para("Short."),)))
    (out,) = run(s).slides
    assert out.elements == () and out == replace(s, frames=out.frames)


def test_prose_above_the_code_may_wrap_without_shrinking_the_code() -> None:
    # a corporate template's body holds the sentence above the code and the code itself
    intro = para("A sentence that introduces the code below it " * 4)
    lines = code_lines(5)
    (s,) = run(slide("code", Frame(CODE, (intro, *lines)))).slides
    code = next(f for f in s.frames if f.shape_id == CODE)
    assert {p.size for p in code.paragraphs} == {20.0}  # the preferred size: nothing shrank
    assert code_fits_unwrapped(code.paragraphs[1:], 20.0)


def test_row_heights_are_those_of_the_laid_out_cells() -> None:
    rows = [["short", "a cell with enough words to wrap onto a second line " * 3], ["x", "y"]]
    tab = table(["Head", "Notes"], rows)
    (t,) = placed_tables(
        run(slide("table", elements=(PlacedTable(AREA, tab, AREA_BOX),))).slides[0]
    )
    assert t.size is not None
    _, top, _, bottom = TABLE_CELL_MARGINS
    cells = [(h.text, True) for h in tab.header], *[[(c.text, False) for c in r] for r in tab.rows]
    for row, height in zip(cells, t.heights, strict=True):
        tallest = 0.0
        for c, (text, bold) in enumerate(row):
            inner = (t.columns[c] - TABLE_CELL_MARGINS[0] - TABLE_CELL_MARGINS[2]) / EMU_PER_PT
            mp = M.MeasurePara((M.TextRun(text, t.font, bold=bold),), t.size)
            tallest = max(tallest, M.layout_paragraph(mp, inner).height)
        assert height >= (tallest + (top + bottom) / EMU_PER_PT) * EMU_PER_PT - 1
        assert height <= (tallest + (top + bottom) / EMU_PER_PT) * EMU_PER_PT + 2
    assert t.heights[1] > 1.5 * t.heights[2]  # the wrapped row is taller


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=70))
def test_any_long_table_keeps_every_row_once_in_order_and_in_its_area(lengths: list[int]) -> None:
    rows = [[f"Row {i}", " ".join(["word"] * n)] for i, n in enumerate(lengths)]
    tab = table(["Name", "Words"], rows)
    d = run(slide("table", elements=(PlacedTable(AREA, tab, AREA_BOX),)))
    shown: list[int] = []
    for s in d.slides:
        (t,) = placed_tables(s)
        check_table_geometry(t)
        assert t.rows is not None
        shown += range(*t.rows)
    assert shown == list(range(len(lengths)))
