"""What a deck is written from: everything about one template file that does not depend on
the deck (:class:`Base`), made once by the template reader (``reader``, with python-pptx
and lxml) and used by the writer (``writer``, with neither).

A type of its own module, so that the side that makes a recipe and the side that uses it
import it from here and not from each other; and what the on-disk cache stores
(:class:`Template`: the theme and its base, read together) unpickles without the reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from deckgen.render import _markup as M

if TYPE_CHECKING:
    from deckgen.model import Theme
    from deckgen.render._package import PartNamer
    from deckgen.render._zip import Entry

MONO = "Courier New"  # LibreOffice maps it to Liberation Mono, metric-compatible
"""The typeface of code runs."""
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
"""The prefix of the relationship types a deck's parts use."""
SLIDES_DIR = "/ppt/slides"
"""Where slides go: a recipe's relationship targets are relative to it."""
LINK_RID = "rIdDeckgenLink"
"""Stands for a hyperlink's relationship id in a recipe's serialized run properties."""


RunSkeletons = dict[tuple[bool, bool, bool], M.Skeleton]
"""Run properties by (code, link, paragraph end)."""
ListPPr = tuple[float, tuple[str, str], tuple[str, str]]
"""A paragraph's margin (points) and its list properties with and without a bullet glyph,
each as (start of the ``a:pPr`` tag, the rest)."""


class Shape:
    """One text shape (or table cell) of a prototype: per prototype paragraph (at least
    one), its paragraph properties and its run properties by (code, link, paragraph end),
    serialized with slots for what a deck sets (``_markup.Skeleton``); and per paragraph,
    the run properties of each further style of its typed text (``ParaProto.styles``) with
    its size relative to style 0's. ``is_title``: kept (empty) when its text renders
    empty, as a title placeholder or a table cell is. ``lists``: per paragraph, what a
    list paragraph (``Para.bullet`` not None) is written from: the paragraph's margin in
    points (``ParaProto.margin``) and its properties with a bullet and without one, each
    cut where ``marL``/``indent``/``lvl`` go (``_xml.list_ppr``)."""

    __slots__ = ("is_title", "pprs", "rprs", "styles", "lists", "cache")

    def __init__(
        self,
        is_title: bool,
        pprs: list[M.Skeleton],
        rprs: list[RunSkeletons],
        styles: list[list[tuple[RunSkeletons, float]]] | None = None,
        lists: list[ListPPr] | None = None,
    ):
        self.is_title = is_title
        self.pprs = pprs
        self.rprs = rprs
        self.styles = styles or []
        self.lists = lists or []
        self.cache: dict[tuple[Any, ...], str] = {}  # filled fragments, per process

    def __getstate__(self) -> tuple[Any, ...]:
        return self.is_title, self.pprs, self.rprs, self.styles, self.lists

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.is_title, self.pprs, self.rprs, self.styles, self.lists = state
        self.cache = {}


class Clone(NamedTuple):
    """A part each slide gets its own copy of (e.g. a chart), and the parts it owns."""

    name: str  # the template's part name; copies are named like it
    content_type: str
    blob: bytes  # relationship ids renumbered for ``rels``
    rels: list[tuple[str, str | Clone, bool]]  # reltype, part name/URL/clone, external


class Recipe(NamedTuple):
    """What every clone of one prototype shares."""

    kind: str
    tokens: list[M.Token]
    rels: list[tuple[str, str | Clone, bool]]  # reltype, ref from a slide/clone, external
    static_rels: list[str] | None  # the rels as XML when none is a clone
    shapes: dict[int, Shape]
    bodies: dict[int, bytes]  # settled bodyPr + lstStyle per shape
    markup: M.Markup
    decorations: dict[int, tuple[int, ...]] = {}  # noqa: RUF012 - never changed
    """Text shape id → the ids of the shapes without text named after it (``Explanation
    Edge`` for ``Explanation``): removed with it when its text renders empty."""
    next_id: int = 1 << 20
    """A shape id above every id on the prototype slide: pictures beyond the first in one
    area are numbered from here."""
    xfrms: dict[int, tuple[str, str, tuple[int, int, int, int] | None]] = {}  # noqa: RUF012
    """Shape id → the opening and closing tags of its ``a:xfrm`` and its box in EMU (None
    when unknown), for the shapes whose ``a:xfrm`` is marked (text, area and decoration
    shapes): a slide that moves one (``SlideSpec.boxes``) writes its own there."""


Notes = tuple[list[M.Token], int | None, M.Markup, tuple[M.Skeleton, M.Skeleton]]
"""A notes slide's tokens, its body shape's id, markup, and its run and end properties."""


class Base(NamedTuple):
    """Everything about one template file that does not depend on the deck."""

    where: str
    recipes: dict[str, Recipe]
    errors: dict[str, BaseException]  # prototypes that cannot be used, raised when asked for
    members: list[Entry | str]  # compressed parts in order; names of the three made per deck
    content_types: list[tuple[str, str]]
    namer: PartNamer
    prs_name: str
    prs_tokens: tuple[bytes, bytes]  # presentation.xml before and after the slide list
    sld_id: tuple[str, str, str]  # p:sldId markup around its id and r:id
    prs_rels: list[str]
    next_rid: int
    next_id: int
    notes: Notes | None  # None: made for decks without speaker notes
    notes_master: str | None
    app: tuple[str, M.AppXml] | None  # app.xml's name and contents
    core: tuple[str, str, M.CoreXml, bool]  # core.xml's name, content type, contents, made by us
    known_types: frozenset[tuple[str, str]]  # (extension, type) pairs with a Default
    notes_master_made: bool = False
    """The template has no notes master and this base brings one (for ``notes``): a deck
    without speaker notes must then not use it (its package would gain the master)."""

    def serves(self, notes: bool) -> bool:
        """Whether a deck with (``notes``) or without speaker notes can be written from it."""
        return self.notes is not None if notes else not self.notes_master_made


class Template(NamedTuple):
    """A template read once: what plan and fit need (the theme) and what the writer needs
    (its base, None when it could not be made: the writer then reads the template again and
    reports why), agreeing on shape ids because they come from the same slides."""

    theme: Theme
    base: Base | None
