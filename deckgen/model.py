"""The data that flows between pipeline stages.

Every stage takes frozen values and returns new ones, so a stage can be tested alone and a
build can be re-run from any point (watch mode re-plans without re-parsing templates).
Elements keep the 1-based source line they came from so errors and warnings can point at it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

# Slide numbers are only known after fit may have added follow-up slides, so plan renders
# them as these private-use characters (from the registry) and render substitutes the final
# values; fit measures each as two digits.
from deckgen.markers import SLIDE_NUMBER as SLIDE_NUMBER
from deckgen.markers import SLIDE_TOTAL as SLIDE_TOTAL

# --------------------------------------------------------------------------- document


@dataclass(frozen=True)
class Span:
    """A run of inline text with the formatting the Markdown gave it."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None
    style: int = 0
    """Which run of its prototype paragraph the text takes its formatting from: 0 for the
    run where the paragraph's first tag starts, else an index into ``ParaProto.looks``
    (text the designer typed around a tag keeps its own formatting)."""


@dataclass(frozen=True)
class RichText:
    """Inline Markdown turned into spans; ``str()`` gives the plain text."""

    spans: tuple[Span, ...] = ()
    line: int | None = None

    @classmethod
    def plain_text(cls, text: str, line: int | None = None) -> RichText:
        return cls((Span(text),) if text else (), line)

    @cached_property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text.strip())


SlideRole = Literal["insight", "section", "overview"]


@dataclass(frozen=True)
class ListItem(RichText):
    """A list item in a section's body (``Insight.items``): its nesting ``level`` (0 for a
    top-level item) and whether it is a bullet item, drawn with a bullet glyph. An ordered
    item keeps its number in its text (``3. …``) and a task item its box (☐/☑): neither
    gets a glyph."""

    level: int = 0
    bullet: bool = False
    appear: bool = False
    """An item of an incremental list (pandoc's ``::: incremental``): it appears on a click."""


@dataclass(frozen=True)
class Field:
    """A labelled bullet or paragraph such as ``Key Point: …`` (label kept as written)."""

    label: str
    text: RichText
    line: int | None = None


@dataclass(frozen=True)
class Picture:
    """A picture the summary embeds (``![alt](src "title")``, ``![[file.png]]``).

    The parser sets what was written; :func:`deckgen.media.resolve` sets ``path`` (the file,
    checked: inside the summary's folder or a resource path, a picture, not too large) and
    ``pixels``. A picture left with ``path`` None is not placed: its alt text stays on the
    slide as text, with a warning saying why."""

    src: str
    alt: str = ""
    title: str = ""
    line: int | None = None
    width: str = ""
    """A size the author asked for (pandoc's ``{width=50%}``), as written; empty: fit."""
    path: str | None = None
    pixels: tuple[int, int] | None = None
    """Width and height in pixels (aspect ratio; DPI is ignored)."""
    background: bool = False
    """Marp's ``![bg](x.jpg)``: the slide's background, covering the whole slide (cropped to
    its shape, never stretched), behind everything on it."""


@dataclass(frozen=True)
class Table:
    """A Markdown (GFM) table: its header cells, its body rows and each column's alignment
    (``l``, ``ctr``, ``r`` or empty for the theme's), cells with their inline formatting."""

    header: tuple[RichText, ...]
    rows: tuple[tuple[RichText, ...], ...] = ()
    align: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Code:
    """A fenced or indented code block: its text exactly as written (no trailing newline)
    and the language named on its fence."""

    text: str
    lang: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Quote:
    """A block quote: its paragraphs and, when its last line names who said it
    (``— Ada Lovelace``), that attribution (without the dash)."""

    text: tuple[RichText, ...]
    attribution: RichText | None = None
    line: int | None = None


@dataclass(frozen=True)
class Column:
    """One column of a two-column layout (pandoc's ``::: column`` inside ``:::: columns``):
    its text in source order (paragraphs and :class:`ListItem` s, as ``Insight.items``), its
    pictures, and the heading it opens with (``### Pros``), which is its column heading (the
    ``Comparison`` layout's). A table, code block or quote in a column is text of it (its
    lines in ``items``); a column's speaker notes are its section's notes."""

    items: tuple[RichText, ...] = ()
    pictures: tuple[Picture, ...] = ()
    heading: RichText | None = None
    width: str = ""
    """The width the author asked for (``width="40%"``), as written; empty: an equal share."""
    line: int | None = None


@dataclass(frozen=True)
class Columns:
    """A layout of columns side by side (pandoc's ``:::: columns``), in source order."""

    columns: tuple[Column, ...]
    line: int | None = None


Element = Picture | Table | Code | Quote | Columns


@dataclass(frozen=True)
class Insight:
    """One repeated section of the summary.

    ``number`` is the number the author wrote (``3.`` / ``## 3)``) or, when none was
    written, the insight's position (1-based). ``fields`` are labelled items in source
    order; ``points`` are unlabelled bullets and paragraphs; ``notes`` are what the author
    meant for the speaker only (``Notes:`` label or ``<!-- notes: … -->``).
    """

    number: int
    title: RichText
    fields: tuple[Field, ...] = ()
    points: tuple[RichText, ...] = ()
    notes: tuple[RichText, ...] = ()
    line: int | None = None
    kind: SlideRole = "insight"
    """``insight``: a section of the document (or a part of a long one); ``section``: a
    divider above the sections that follow (a part, a chapter), or a long section's opening
    slide before its sub-slides; ``overview``: the text before the first section."""
    level: int = 1
    """Depth in the document's outline as the deck shows it: 0 for a divider above the
    sections, 1 for a section, 2 and more for the sub-slides of a long section."""
    badge: str | None = None
    """What the slide's number badge shows: the number as written (``3``, ``3.2``, ``IV``,
    ``三``), the position for unnumbered sections, empty for dividers and sub-slides that
    the author did not number. None (an Insight made in Python): ``number`` is shown."""
    items: tuple[RichText, ...] = ()
    """The body in source order, labels included (``Label: text``, the label bold), and
    sub-heads as bold lines: for layouts that show the section as one body of text."""
    subsections: tuple[str, ...] = ()
    """Titles of the slides that follow under a ``section`` slide."""
    rule: str = ""
    """Why the parser made this slide, as ``deckgen outline`` shows it."""
    elements: tuple[Element, ...] = ()
    """Pictures, tables, code blocks, quotes and column layouts (:class:`Columns`), in
    source order: shown natively, never as lines of ``items`` (which holds the section's
    text only, not its columns' text)."""
    layout: str = ""
    """The layout the author asked for (``<!-- layout: Two Content -->``): a slide kind or a
    layout's name; empty: chosen from what the section holds."""
    background: Picture | None = None
    """The slide's background picture (Marp's ``![bg](x.jpg)``), on its follow-ups too."""


@dataclass(frozen=True)
class Conclusion:
    """The section named like a conclusion; ``closing`` holds the call-to-action lines."""

    heading: str = "Conclusion"
    body: tuple[RichText, ...] = ()
    closing: tuple[RichText, ...] = ()
    notes: tuple[RichText, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Document:
    """What the parser understood of a summary."""

    title: RichText
    insights: tuple[Insight, ...]
    subtitle: RichText | None = None
    author: str | None = None
    date: str | None = None
    intro: tuple[RichText, ...] = ()
    conclusion: Conclusion | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    """Front matter as written (after YAML parsing), for templates and document properties."""
    back_matter: tuple[Insight, ...] = ()
    """Sections after the conclusion (references, links): slides after the conclusion's."""
    source: str = "<string>"
    """Where the text came from, for messages: a path or ``<stdin>``."""
    warnings: tuple[str, ...] = ()
    """Things that were odd but not fatal (BOM removed, control characters dropped …)."""
    background: Picture | None = None
    """The title slide's background picture (Marp's ``![bg]`` on a deck's first slide)."""
    numbers: bool | None = None
    """Slide numbers as the document asks (Marp's ``paginate``); None: the options decide."""

    def pictures(self) -> Iterator[Picture]:
        """Every picture of the document, in order: the title slide's background, then each
        section's (its background, its pictures, its columns'), the back matter's too."""
        if self.background is not None:
            yield self.background
        for insight in (*self.insights, *self.back_matter):
            if insight.background is not None:
                yield insight.background
            for element in insight.elements:
                if isinstance(element, Picture):
                    yield element
                elif isinstance(element, Columns):
                    for column in element.columns:
                        yield from column.pictures


# --------------------------------------------------------------------------- theme
# What the template loader (deckgen.render.reader, the only reader of .pptx files) learns
# about a template, as plain data, so that plan and fit never touch python-pptx.

EMU_PER_PT = 12700

SLIDE_KINDS = (
    "title", "agenda", "section", "insight", "bullets", "picture", "text_picture", "table",
    "code", "quote", "conclusion", "closing", "columns", "comparison",
)  # fmt: skip
LAYOUT_KINDS = (
    "title", "agenda", "section", "insight", "bullets", "conclusion", "picture", "text_picture",
    "table", "code", "quote", "columns", "comparison",
)  # fmt: skip
"""The kinds a corporate template fills from its layouts (``closing`` needs a prototype)."""


@dataclass(frozen=True)
class ParaProto:
    """One paragraph of a prototype text frame: its Jinja source and its formatting."""

    template: str
    """The paragraph's text with all runs joined, so a tag split over runs is whole again."""
    font: str
    """Resolved Latin typeface name (theme fonts ``+mj-lt``/``+mn-lt`` already resolved)."""
    size: float
    """Preferred size in points, as the designer set it."""
    bold: bool = False
    italic: bool = False
    line_spacing: float = 1.0
    """Multiple of single spacing (``a:lnSpc/a:spcPct``); exact-point spacing is converted."""
    space_before: float = 0.0
    """Points."""
    space_after: float = 0.0
    """Points."""
    styles: tuple[tuple[int, int], ...] = ()
    """Where the formatting of the typed text changes: (offset into ``template``, style),
    a style being an index into ``looks``. Empty when every run looks alike."""
    looks: tuple[tuple[float, bool, bool], ...] = ()
    """Per style: (size in points, bold, italic) as the designer set them; style 0 is the
    run where the first tag starts (``size``, ``bold``, ``italic`` above)."""
    margin: float = 0.0
    """Points of the box's width the paragraph's lines cannot use: its left margin
    (``a:pPr/@marL``, e.g. a body placeholder's bullet indent), or its first line's start
    when a positive first-line indent pushes that further in."""


AREA_ROLES = ("picture", "table")
"""Roles of *area* shapes: where a slide's pictures or table go. Plan does not fill them
with text; fit places the element in their box; the writer draws it there, in their
stead."""


@dataclass(frozen=True)
class ShapeProto:
    """A text-bearing shape of a prototype slide (or a layout placeholder)."""

    shape_id: int
    name: str
    box: tuple[int, int, int, int]
    """x, y, width, height in EMU, on the slide."""
    insets: tuple[int, int, int, int] = (91440, 45720, 91440, 45720)
    """left, top, right, bottom in EMU (bodyPr lIns/tIns/rIns/bIns; OOXML defaults)."""
    paragraphs: tuple[ParaProto, ...] = ()
    is_title: bool = False
    """The slide's title placeholder (outline view, screen readers)."""
    placeholder_idx: int | None = None
    wrap: bool = True
    min_size: float | None = None
    """Smallest size fit may use; None means the theme's minimum for body or title."""
    role: str = "content"
    """``title`` (the title placeholder), ``chrome`` (numbers, footer, decoration: repeated
    on continuation slides), ``content`` (text that may continue on a follow-up slide),
    ``code`` (a code block's lines), or one of :data:`AREA_ROLES`. The loader decides
    (``reader.role_for``): the title placeholder is ``title``; a shape whose whole text is
    ``{{ slide.images }}`` / ``{{ slide.table }}`` is an area; a shape whose template uses
    only ``slide.*``, ``deck.footer``, ``deck.title`` or ``*.number`` is ``chrome``."""

    @property
    def template(self) -> str:
        return "\n".join(p.template for p in self.paragraphs)

    @property
    def has_tags(self) -> bool:
        t = self.template
        return "{{" in t or "{%" in t


@dataclass(frozen=True)
class Prototype:
    """The design of one slide kind: a prototype slide or a layout of a corporate template."""

    kind: str
    shapes: tuple[ShapeProto, ...]
    slide_index: int | None = None
    """0-based index of the prototype slide in template.pptx; None when built from a layout."""
    layout_name: str | None = None


@dataclass(frozen=True)
class Theme:
    """A template as plan and fit see it: its prototypes and their text shapes."""

    name: str
    path: str
    """The template.pptx/.potx/.pptx file."""
    description: str = ""
    slide_width: int = 12192000
    slide_height: int = 6858000
    prototypes: Mapping[str, Prototype] = field(default_factory=dict)
    notes_template: str = ""
    """Jinja2 source for speaker notes (``notes.j2`` in the theme folder)."""
    min_body_size: float = 14.0
    min_title_size: float = 24.0
    from_layouts: bool = False
    """True for a corporate template without prototypes (placeholders are filled)."""
    warnings: tuple[str, ...] = ()
    notes_path: str | None = None
    """The file ``notes_template`` was read from (``notes.j2``), for error messages; None
    for deckgen's own notes template."""


# --------------------------------------------------------------------------- deck


LIST_INDENT = 27.0
"""Points a list paragraph is indented per nesting level (``Para.level``), from the
paragraph's own left margin: fit measures it so and the writer writes it so."""
BULLET_HANG = 18.0
"""Points between a bullet glyph and its text (``Para.bullet`` True): the text's margin
grows by this much and the glyph hangs in it (``indent`` = −this)."""
TABLE_CELL_MARGINS = (73152, 45720, 73152, 45720)
"""Left, top, right and bottom margins of every table cell in EMU (0.08 in, 0.05 in): fit
measures a cell's text inside them and the writer writes them (``a:tcPr`` ``marL``,
``marT``, ``marR``, ``marB``), so both agree whatever the table style's defaults are."""


@dataclass(frozen=True)
class Para:
    """A rendered paragraph: its runs, the prototype paragraph it takes formatting from,
    and the size fit chose (None until fit runs)."""

    runs: tuple[Span, ...]
    proto: int = 0
    """Index into the ShapeProto's paragraphs."""
    size: float | None = None
    level: int = 0
    bullet: bool | None = None
    """True: a bullet glyph (a list item); False: none, whatever the template's list style
    says (code lines, paragraphs in a corporate body); None: as the template has it."""
    appear: bool = False
    """It appears on a click (an item of an incremental list), in the slide's order."""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Frame:
    """The rendered text of one prototype shape on one slide."""

    shape_id: int
    paragraphs: tuple[Para, ...]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class PlacedPicture:
    """A picture on a slide, in the area of the prototype shape ``shape_id`` (a shape whose
    text is ``{{ slide.images }}``, or a layout's picture placeholder). Plan sets the area;
    fit sets ``box``: inside the area (one cell of a grid when there are several), the
    picture's aspect ratio kept, centred."""

    shape_id: int
    picture: Picture
    area: tuple[int, int, int, int]
    """x, y, width, height in EMU: the room the picture may take."""
    box: tuple[int, int, int, int] | None = None
    """x, y, width, height in EMU, as drawn; None until fit places it."""


@dataclass(frozen=True)
class PlacedTable:
    """A table on a slide, drawn in the area of the prototype shape ``shape_id`` (text
    ``{{ slide.table }}``, or a layout's content placeholder). Plan sets the table and its
    area; fit chooses ``size``, ``columns`` and ``heights`` and which body ``rows`` this
    slide shows (the rest continue on follow-up slides, the header repeated)."""

    shape_id: int
    table: Table
    area: tuple[int, int, int, int]
    font: str = "Calibri"
    """The typeface of its cells (the area shape's first paragraph's)."""
    size: float | None = None
    """Points, for every cell; None until fit."""
    rows: tuple[int, int] | None = None
    """The body rows shown, as a range [start, stop); None: all."""
    columns: tuple[int, ...] = ()
    """Column widths in EMU (summing to at most the area's width)."""
    heights: tuple[int, ...] = ()
    """Row heights in EMU, the header's first."""


Placed = PlacedPicture | PlacedTable


@dataclass(frozen=True)
class SlideSpec:
    """One slide to write: its prototype kind, filled frames and speaker notes."""

    kind: str
    title: str
    """Plain title, for the outline, warnings and accessibility."""
    frames: tuple[Frame, ...]
    notes: str = ""
    line: int | None = None
    continued: int = 0
    """0 for the first slide of an item, 1, 2 … for its follow-up slides."""
    rule: str = ""
    """Why the slide exists (the parser's rule), for ``deckgen outline``."""
    level: int = 1
    """Depth in the deck's outline (0 dividers, 1 sections, 2+ sub-slides)."""
    number: str = ""
    """The number the slide's badge shows (``3``, ``3.2``, ``IV``), empty when it shows
    none: warnings name an insight by it."""
    elements: tuple[Placed, ...] = ()
    """Pictures and tables placed in the prototype's area shapes (which are removed)."""
    boxes: tuple[tuple[int, tuple[int, int, int, int]], ...] = ()
    """Prototype shapes drawn elsewhere on this slide than the prototype has them: (shape
    id, (x, y, width, height) in EMU), set by fit where a box grows into room another
    left free (an empty text box above it, or text that needs more lines); the shape's
    decorations move and stretch vertically with it. Empty: every shape where it was."""
    background: Picture | None = None
    """A picture covering the slide's background (``p:bg``), behind every shape."""


@dataclass(frozen=True)
class Deck:
    """Every slide, fitted, with the theme they are written into."""

    slides: tuple[SlideSpec, ...]
    theme: Theme
    title: str
    properties: Mapping[str, str] = field(default_factory=dict)
    """Document properties: title, author, subject, keywords, language, created (ISO)."""
    language: str = "en-US"
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class BuildOptions:
    """What a build's switches choose, besides what to build and where to: the one value
    that the command line, batch builds, watch mode and ``deckgen.build`` pass along, and
    that plan reads."""

    template: str | None = None
    """A theme name, theme folder, or .pptx/.potx; None: the front matter's, else default."""
    numbers: bool = True
    """Slide numbers shown (``--no-numbers`` turns them off)."""
    footer: bool = True
    """The footer shown (``--no-footer``)."""
    agenda: bool = False
    """An agenda slide listing the insights (``--agenda``)."""
    layouts: tuple[tuple[str, str], ...] = ()
    """A corporate template's slide kinds pinned to layouts by name (``--layout
    insight="Two Content"``), over the front matter's ``layouts:``; the rest are chosen by
    what the layouts are."""
    resource_paths: tuple[str, ...] = ()
    """Folders pictures may also be read from (``--resource-path``), besides the summary's
    own folder and those below it."""
    source_date_epoch: int | None = None
    """Seconds since the epoch for the document's dates, for reproducible files; None: the
    environment's SOURCE_DATE_EPOCH (``deckgen.api.prepare`` reads it), else now."""
    slide_level: int | None = None
    """Read the summary as a pandoc slide show whose headings of this level (0–6) are its
    slides (``--slide-level``), shallower ones section dividers; None: the front matter's
    ``slide-level``, else the level is read from the document."""
