"""Plan: decide which slides exist and fill their text from the theme's Jinja2 templates.

Jinja2 only produces strings, but the Markdown's bold/italic/code/links must survive into
runs. So rich values render as text wrapped in private-use marker characters (the source
reader strips those from user input), and the rendered string is decoded back into spans.
Prototype paragraphs are joined with markers too, so a ``{% if %}`` may span paragraphs and
each output line still knows which prototype paragraph's formatting it takes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache, partial
from typing import Any

import jinja2

from deckgen import markers, sandbox
from deckgen.errors import TemplateError, quoted
from deckgen.markers import SLIDE_NUMBER, SLIDE_TOTAL
from deckgen.model import (
    AREA_ROLES,
    EMU_PER_PT,
    BuildOptions,
    Code,
    Column,
    Columns,
    Conclusion,
    Deck,
    Document,
    Element,
    Field,
    Frame,
    Insight,
    ListItem,
    Para,
    ParaProto,
    Picture,
    Placed,
    PlacedPicture,
    PlacedTable,
    Prototype,
    Quote,
    RichText,
    ShapeProto,
    SlideSpec,
    Span,
    Table,
    Theme,
)

# --------------------------------------------------------------------------- rich text codec

_SPAN = markers.SPAN  # span start, followed by one flags character
_URL_END = markers.URL_END
_SPAN_END = markers.SPAN_END
_PARA = markers.PARA  # prototype paragraph marker: _PARA + index digits + _PARA_END
_PARA_END = markers.PARA_END
_SHAPE = markers.SHAPE  # shape marker in a slide's combined template: _SHAPE + index + _SHAPE_END
_SHAPE_END = markers.SHAPE_END
_FLAGS = markers.SPAN_FLAGS
_FLAG_CHARS = f"{chr(_FLAGS)}-{chr(_FLAGS + markers.SPAN_FLAG_COUNT - 1)}"
_STYLE = markers.RUN_STYLES  # chr(_STYLE + n): the text after it takes run style n
_STYLE_CHARS = f"{chr(_STYLE)}-{chr(_STYLE + markers.RUN_STYLE_COUNT - 1)}"
_MARKERS = re.compile(
    f"[{_SPAN}{_URL_END}{_SPAN_END}{_PARA}{_PARA_END}{_SHAPE}{_SHAPE_END}{_FLAG_CHARS}"
    f"{_STYLE_CHARS}]"
)
_STYLE_SPLIT = re.compile(f"([{_STYLE_CHARS}])")
# the first to the last marker plan puts in text: no match, no marker (a quick test; a
# template's icon-font glyph in between only sends its line through ``decode``)
_ANY_MARKER = re.compile(f"[{_SPAN}-{chr(_STYLE + markers.RUN_STYLE_COUNT - 1)}]")
_SPAN_START = re.compile(f"{_SPAN}[{_FLAG_CHARS}]")
_ITEM = re.compile(f"[{chr(markers.ITEMS)}-{chr(markers.ITEMS + markers.ITEM_COUNT - 1)}]")


def item_marker(level: int, look: int) -> str:
    """The marker that makes a rendered line a list paragraph (:data:`markers.ITEMS`):
    ``look`` 1 a bullet glyph, 2 no glyph, 0 as the template has it."""
    return chr(markers.ITEMS + min(max(level, 0), 7) * 4 + look)


def encode(rt: RichText) -> str:
    out = []
    for s in rt.spans:
        if not (s.bold or s.italic or s.code or s.link):
            out.append(s.text)
            continue
        bits = s.bold | s.italic << 1 | s.code << 2 | bool(s.link) << 3
        out.append(_SPAN + chr(_FLAGS + bits))
        if s.link:
            out.append(_MARKERS.sub("", s.link) + _URL_END)
        out.append(s.text + _SPAN_END)
    return "".join(out)


def decode(text: str) -> tuple[Span, ...]:
    """Spans from a rendered string; tolerant of markers a filter cut or duplicated.

    Most rendered lines carry no formatting at all, so they are answered without a scan; the
    rest is cut at span starts with regular expressions rather than char by char (plan of a
    1,000-insight deck decodes some 10,000 lines).
    """
    if not _ANY_MARKER.search(text):
        return (Span(text),) if text else ()
    spans: list[Span] = []
    i, n = 0, len(text)
    while i < n:
        m = _SPAN_START.search(text, i)
        stop = m.start() if m else n
        if stop > i:
            plain = _MARKERS.sub("", text[i:stop])
            if plain:
                spans.append(Span(plain))
        if m is None:
            break
        bits = ord(text[m.start() + 1]) - _FLAGS
        i = m.end()
        link = None
        if bits & 8:
            j = text.find(_URL_END, i)
            if j < 0:
                j = i
            link, i = text[i:j] or None, j + 1
        j = text.find(_SPAN_END, i)
        j = n if j < 0 else j
        body = _MARKERS.sub("", text[i:j])
        if body:
            spans.append(Span(body, bool(bits & 1), bool(bits & 2), bool(bits & 4), link))
        i = j + 1
    return tuple(spans)


_EMPTY = RichText()


class Rich:
    """A RichText as Jinja sees it: renders with markers, tests true when it has text."""

    __slots__ = ("_rt",)

    def __init__(self, rt: RichText | None):
        self._rt = rt if rt is not None else _EMPTY

    def __str__(self) -> str:
        return encode(self._rt)

    def __bool__(self) -> bool:
        return bool(self._rt)

    def __len__(self) -> int:
        return len(self._rt.text)

    def __eq__(self, other: object) -> bool:
        # plain text on both sides (as __hash__): str(self) is the encoded form
        return self._rt.text == (other.text if isinstance(other, Rich) else str(other))

    def __hash__(self) -> int:
        return hash(self._rt.text)

    @property
    def text(self) -> str:
        return self._rt.text

    @property
    def line(self) -> int | None:
        return self._rt.line


class PlainRich(Rich):
    """Renders as plain text, for speaker notes, which carry no formatting: a link's target
    follows its text in parentheses so the speaker (and the deck) still has it."""

    __slots__ = ()

    def __str__(self) -> str:
        out = []
        for s in self._rt.spans:
            out.append(s.text)
            if (
                s.link
                and not s.link.lower().startswith("data:")  # an embedded image, not a URL
                and s.link.rstrip("/") != s.text.strip().rstrip("/")
            ):
                out.append(f" ({s.link})")
        return "".join(out)


class ItemRich(Rich):
    """A paragraph of a slide's body (``slide.items``): a list item renders with the marker
    that gives it its level and bullet glyph (:func:`item_marker`); ``level`` and
    ``bullet`` are there for templates that lay items out themselves."""

    __slots__ = ("_mark",)

    def __init__(self, rt: RichText, mark: str = ""):
        super().__init__(rt)
        self._mark = mark

    def __str__(self) -> str:
        if not self._mark or not self._rt.spans:
            return encode(self._rt)
        # every line of it a list paragraph (a quote's paragraphs are lines of one value)
        return self._mark + encode(self._rt).replace("\n", "\n" + self._mark)

    @property
    def level(self) -> int:
        return self._rt.level if isinstance(self._rt, ListItem) else 0

    @property
    def bullet(self) -> bool:
        return isinstance(self._rt, ListItem) and self._rt.bullet


class SlideInfo:
    """``slide`` as a template sees it: its values are attributes, so that ``slide.items``
    is the slide's items (on a dict, Jinja would find the dict's ``items`` method first);
    ``slide['number']`` works too."""

    def __init__(self, values: Mapping[str, Any]):
        self.__dict__.update(values)

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__


class CodeValue:
    """A code block as a template sees it (``slide.code``): renders as its lines, each a
    code run in a paragraph of its own that never takes a bullet (blank lines kept)."""

    __slots__ = ("_code", "_plain")

    def __init__(self, code: Code, plain: bool = False):
        self._code = code
        self._plain = plain

    @property
    def text(self) -> str:
        return self._code.text

    @property
    def lang(self) -> str:
        return self._code.lang

    @property
    def lines(self) -> list[str]:
        return self._code.text.split("\n")

    def __str__(self) -> str:
        if self._plain:
            return self._code.text
        mark = item_marker(0, 2)
        return "\n".join(
            mark + (encode(RichText((Span(ln, code=True),))) if ln else "") for ln in self.lines
        )

    def __bool__(self) -> bool:
        return bool(self._code.text.strip())

    def __len__(self) -> int:
        return len(self._code.text)


# --------------------------------------------------------------------------- label meaning

_STATEMENT = {
    "key point", "key points", "key takeaway", "key takeaways", "takeaway", "main point",
    "main idea", "key idea", "key message", "key insight", "point", "the point", "claim",
    "statement", "kernaussage", "kernpunkt", "schlüsselpunkt", "hauptpunkt", "kernbotschaft",
    "punto clave", "idea clave", "idea principal", "point clé", "idée clé", "idée principale",
    "ponto-chave", "ponto chave", "要点", "关键点", "核心观点", "重点", "ポイント", "要点まとめ",
}  # fmt: skip


_LABEL_SEPARATORS = re.compile(r"[\s*_:：]+")


@lru_cache(maxsize=4096)
def _norm_label(label: str) -> str:
    """A label as compared (a deck repeats a few labels thousands of times: cached)."""
    return _LABEL_SEPARATORS.sub(" ", label).strip().casefold()


def statement_index(fields: Sequence[Field]) -> int | None:
    """Which field reads as the slide's statement: a Key-Point-like label, else the first."""
    for i, f in enumerate(fields):
        if _norm_label(f.label) in _STATEMENT:
            return i
    return 0 if fields else None


# --------------------------------------------------------------------------- context


def _rich_list(items: Iterable[RichText], cls: type[Rich]) -> list[Rich]:
    return [cls(t) for t in items]


def _field(f: Field, cls: type[Rich]) -> dict[str, Any]:
    return {"label": f.label, "text": cls(f.text), "line": f.line}


def has_statement(ins: Insight) -> bool:
    """Does the section say what its point is (``Key Point:`` and the like)? Then it fits
    the insight layout (statement + explanation); else it is one body of text."""
    return any(_norm_label(f.label) in _STATEMENT for f in ins.fields)


def _items(ins: Insight) -> tuple[RichText, ...]:
    """The body in source order (Insights made by API users may have no ``items``)."""
    if ins.items:
        return ins.items
    labelled = tuple(
        RichText((Span(f"{f.label}: ", bold=True), *f.text.spans), f.line) for f in ins.fields
    )
    return labelled + ins.points


def badge(ins: Insight) -> str:
    """What the number badge shows: the number as written, else the section's position."""
    if ins.badge is not None:
        return ins.badge
    return str(ins.number) if ins.kind == "insight" and ins.level == 1 else ""


def insight_context(ins: Insight, cls: type[Rich] = Rich) -> dict[str, Any]:
    fields = list(ins.fields)
    points = list(ins.points)
    si = statement_index(fields)
    if si is not None:
        statement: RichText | None = fields[si].text
        if _norm_label(fields[si].label) not in _STATEMENT:
            # the first field stands for the statement: its label is part of what it says
            label = Span(f"{fields[si].label}: ", bold=True)
            statement = RichText((label, *fields[si].text.spans), fields[si].text.line)
        details = fields[:si] + fields[si + 1 :]
    elif points:
        statement, points = points[0], points[1:]
        details = []
    else:
        statement, details = None, []
    return {
        "number": badge(ins),
        "title": cls(ins.title),
        "key_point": cls(statement),
        "insight": cls(details[0].text if details else None),
        "details": [_field(f, cls) for f in details],
        "points": _rich_list(points, cls),
        "body": [cls(f.text) for f in details] + _rich_list(points, cls),
        "fields": [_field(f, cls) for f in fields],
        "paragraphs": _rich_list(_items(ins), cls),
        "notes": _rich_list(ins.notes, cls),
        "subsections": list(ins.subsections),
        "kind": ins.kind,
        "level": ins.level,
        "line": ins.line,
    }


def conclusion_context(c: Conclusion | None, cls: type[Rich] = Rich) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "heading": c.heading,
        "body": _rich_list(c.body, cls),
        "closing": _rich_list(c.closing, cls),
        "notes": _rich_list(c.notes, cls),
        "line": c.line,
    }


FOOTER_LIMIT = 90


def _shortened(text: str, limit: int = FOOTER_LIMIT) -> str:
    """A footer repeats on every slide in a small box; a very long one is cut at a word with
    an ellipsis. The full text stays where the author put it (title slide, notes)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:-–—") + "…"


def deck_context(doc: Document, opts: BuildOptions, cls: type[Rich] = Rich) -> dict[str, Any]:
    meta = dict(doc.meta)
    footer = ""
    if opts.footer:
        footer = _shortened(str(meta.get("footer") or doc.title.text))
    return {
        "title": cls(doc.title),
        "subtitle": cls(doc.subtitle),
        "author": doc.author or "",
        "date": doc.date or "",
        "intro": _rich_list(doc.intro, cls),
        "insights": [
            insight_context(i, cls) for i in doc.insights if i.level == 1 and i.kind != "overview"
        ],
        "slides": [insight_context(i, cls) for i in (*doc.insights, *doc.back_matter)],
        "conclusion": conclusion_context(doc.conclusion, cls),
        "footer": footer,
        "meta": meta,
    }


# --------------------------------------------------------------------------- jinja


def environment() -> jinja2.Environment:
    """The sandbox every template runs in (:mod:`deckgen.sandbox`: limits on time, work and
    size per slide)."""
    return sandbox.environment()


class _Compiled:
    """Compiled templates of one theme, kept between builds (watch mode, API rebuilds).

    ``slides`` holds, per slide kind, all tagged shapes in one template: one Jinja render per
    slide instead of one per shape (Jinja's per-render context setup dominated planning big
    decks). A shape's own template is compiled only when needed, to say which shape failed.
    """

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.slides: dict[str, tuple[jinja2.Template, tuple[ShapeProto, ...]]] = {}
        self.notes: jinja2.Template | None = None
        self._shapes: dict[tuple[str, int], jinja2.Template] = {}

    def shape(self, proto: Prototype, shape: ShapeProto) -> jinja2.Template:
        key = (proto.kind, shape.shape_id)
        template = self._shapes.get(key)
        if template is None:
            try:
                template = environment().from_string(_joined_source(shape))
            except jinja2.TemplateSyntaxError as exc:
                raise _shape_error(exc, self.theme, proto, shape) from None
            self._shapes[key] = template
        return template


_compiled: dict[tuple[str, int], _Compiled] = {}


def _where(theme: Theme, proto: Prototype, shape: ShapeProto | None = None) -> str:
    slide = (
        f"prototype slide {proto.slide_index + 1} ({proto.kind})"
        if proto.slide_index is not None
        else f"layout {proto.layout_name!r} ({proto.kind})"
    )
    shape_part = f', shape "{shape.name}"' if shape else ""
    return f"template {theme.path}, {slide}{shape_part}"


def _line_of(exc: BaseException) -> int | None:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.lineno
    return sandbox.template_line(exc)


def _shape_error(
    exc: BaseException,
    theme: Theme,
    proto: Prototype,
    shape: ShapeProto | None = None,
    making: tuple[int, str] | None = None,
) -> TemplateError:
    """A failure in a prototype's text box: the template file, the prototype slide, the
    shape and the line of its text (a paragraph, or a line break in one)."""
    line = _line_of(exc) if shape is not None else None
    where = _where(theme, proto, shape) + (f", line {line}" if line else "")
    return _template_error(exc, where, theme.path, making=making)


def _notes_error(
    exc: BaseException, theme: Theme, making: tuple[int, str] | None = None
) -> TemplateError:
    """A failure in the speaker notes' template: notes.j2 and its line, not template.pptx."""
    line = _line_of(exc)
    if theme.notes_path:
        where = f"notes template {theme.notes_path}" + (f", line {line}" if line else "")
        return _template_error(exc, where, theme.notes_path, line, notes=True, making=making)
    where = f"template {theme.path}, notes template" + (f", line {line}" if line else "")
    return _template_error(exc, where, theme.path, notes=True, making=making)


def _syntax_hint(exc: jinja2.TemplateSyntaxError, notes: bool) -> str:
    place = "notes.j2" if notes else "the text box"
    text = exc.message or ""
    if isinstance(exc, jinja2.TemplateAssertionError) and "filter" in text:
        return "that is not a Jinja2 filter: see the list of built-in filters in Jinja2's docs"
    if isinstance(exc, jinja2.TemplateAssertionError) and "test" in text:
        return "that is not a Jinja2 test: see the list of built-in tests in Jinja2's docs"
    if "end of template" in text:
        return f"close each {{% if %}} / {{% for %}} with {{% endif %}} / {{% endfor %}} in {place}"
    if "unknown tag" in text:
        return f"a closing tag without its opening one, or a misspelled tag, in {place}" + (
            "; a statement may span paragraphs of one text box, not several boxes"
            if not notes
            else ""
        )
    return f"check the braces in {place}: {{{{ name }}}} for a value, {{% ... %}} for a statement"


def _template_error(
    exc: BaseException,
    where: str,
    path: str | None = None,
    line: int | None = None,
    *,
    notes: bool = False,
    making: tuple[int, str] | None = None,
) -> TemplateError:
    """The TemplateError for ``exc`` at ``where``; ``making``: the deck's slide being made
    (its number and title), said for a failure while rendering."""
    if isinstance(exc, sandbox.LimitError):
        msg = f"template over a limit: {exc}"
        hint = sandbox.LIMITS_HINT
    elif isinstance(exc, jinja2.exceptions.SecurityError):
        msg = f"unsafe template expression refused: {exc}"
        hint = "templates may only use the documented names (see docs/templates.md)"
    elif isinstance(exc, jinja2.UndefinedError):
        msg = f"unknown name in template: {exc}"
        hint = "check the spelling against docs/templates.md"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        msg = f"template syntax error: {exc.message}"
        hint = _syntax_hint(exc, notes)
    elif isinstance(exc, RecursionError):
        msg = "template failed: a macro calls itself without end"
        hint = sandbox.LIMITS_HINT
    elif isinstance(exc, MemoryError):
        msg = "template failed: it asked for more memory than there is"
        hint = sandbox.LIMITS_HINT
    else:
        msg = f"template failed: {type(exc).__name__}: {exc}"
        hint = None
    if making and not isinstance(exc, jinja2.TemplateSyntaxError):
        n, title = making
        msg += f"; while making slide {n} of the deck" + (f", {quoted(title)}" if title else "")
    return TemplateError(msg, path=path, line=line, where=where, hint=hint)


def _styled(p: ParaProto) -> str:
    """A prototype paragraph's Jinja source with a run-style marker wherever the text that
    will come out changes formatting (:attr:`ParaProto.styles`): at the start of each piece
    of typed text and at each change of run inside it, and before each ``{{ … }}``, which
    takes the style of the run its ``{{`` is in. Markers go where Jinja outputs text as
    typed, never inside a tag and never between a ``{%-``/``-%}`` and the white space it
    removes (Jinja's own lexer says where); a paragraph Jinja cannot lex is left as it is
    (its syntax error is reported)."""
    source = p.template
    if not p.styles:
        return source
    changes = p.styles

    def style_at(pos: int) -> int:
        style = 0
        for off, st in changes:
            if off > pos:
                break
            style = st
        return style

    inserts: list[tuple[int, int]] = []
    try:
        pos = prev_end = 0
        for _, token, value in environment().lexer.tokeniter(source, None):
            if not source.startswith(value, pos):
                skipped = len(source[pos:]) - len(source[pos:].lstrip())
                if not skipped or not source.startswith(value, pos + skipped):
                    return source
                pos += skipped  # white space Jinja strips ({%- or -%})
            start, pos = pos, pos + len(value)
            if token == "data":
                inserts.append((start, style_at(start)))
                inserts += [(off, st) for off, st in changes if start < off < pos]
            elif token == "variable_begin":
                inserts.append((prev_end, style_at(start)))
            prev_end = pos
    except jinja2.TemplateSyntaxError:
        return source
    out, at = [], 0
    for off, st in inserts:
        out.append(source[at:off])
        out.append(chr(_STYLE + min(st, markers.RUN_STYLE_COUNT - 1)))
        at = off
    out.append(source[at:])
    return "".join(out)


def _joined_source(shape: ShapeProto) -> str:
    return "\n".join(f"{_PARA}{i}{_PARA_END}{_styled(p)}" for i, p in enumerate(shape.paragraphs))


def _theme_key(theme: Theme) -> tuple[str, int]:
    return (theme.path, id(theme))


def _compile_all(sources: Sequence[str]) -> list[Any]:
    """Jinja's code objects for ``sources``, from deckgen's on-disk cache when an earlier
    process compiled the same sources (compiling is most of a small deck's planning time;
    Jinja's own bytecode cache only serves loaders). Raises TemplateSyntaxError."""
    import marshal
    import sys

    from deckgen import cache as disk_cache

    env = environment()
    # every setting of the environment (delimiters, whitespace control, finalize, filters …),
    # named stably; deckgen's and Jinja's own code are in every key (cache.code_digest)
    settings = disk_cache.settings_of(env)
    key = (jinja2.__version__, sys.version, settings, tuple(sources))
    stored = disk_cache.load("jinja", key)
    if isinstance(stored, tuple) and len(stored) == len(sources):
        try:
            return [marshal.loads(blob) for blob in stored]
        except (EOFError, ValueError, TypeError):
            pass  # a damaged entry is a miss
    codes = [env.compile(src) for src in sources]
    disk_cache.store("jinja", key, tuple(marshal.dumps(code) for code in codes))
    return codes


def _compiled_for(theme: Theme) -> _Compiled:
    key = _theme_key(theme)
    comp = _compiled.get(key)
    if comp is not None:
        return comp
    comp = _Compiled(theme)
    protos = list(theme.prototypes.values())
    tagged = [
        tuple(s for s in proto.shapes if s.has_tags and area_role(s) is None) for proto in protos
    ]
    sources = [
        "".join(f"{_SHAPE}{i}{_SHAPE_END}{_joined_source(s)}" for i, s in enumerate(shapes))
        for shapes in tagged
    ]
    sources.append(theme.notes_template or "")
    try:
        codes = _compile_all(sources)
    except jinja2.TemplateSyntaxError:
        problems = syntax_errors(theme, sources)  # says where: shape and line, or notes.j2
        raise problems[0] from None
    env = environment()
    templates = [
        env.template_class.from_code(env, code, env.make_globals(None), None) for code in codes
    ]
    for proto, shapes, template in zip(protos, tagged, templates, strict=False):
        comp.slides[proto.kind] = (template, shapes)
    comp.notes = templates[-1]
    if len(_compiled) > 16:
        _compiled.clear()
    _compiled[key] = comp
    return comp


def syntax_errors(theme: Theme, sources: Sequence[str] | None = None) -> list[TemplateError]:
    """The Jinja syntax errors in a theme's templates, each naming its place: the template
    file, the prototype slide, the shape and the line of its text, or notes.j2 and its line
    (``deckgen templates check`` lists them all; a build stops at the first). A slide's
    shapes compile as one template, as when a deck is made; one that fails is compiled shape
    by shape to say which."""
    env = environment()
    problems: list[TemplateError] = []
    protos = list(theme.prototypes.values())
    tagged = [
        tuple(s for s in proto.shapes if s.has_tags and area_role(s) is None) for proto in protos
    ]
    if sources is None:
        sources = [
            "".join(f"{_SHAPE}{i}{_SHAPE_END}{_joined_source(s)}" for i, s in enumerate(shapes))
            for shapes in tagged
        ]
    for proto, shapes, source in zip(protos, tagged, sources, strict=False):
        try:
            env.compile(source)
            continue
        except jinja2.TemplateSyntaxError as exc:
            slide_exc = exc
        found = False
        for shape in shapes:
            try:
                env.compile(_joined_source(shape))
            except jinja2.TemplateSyntaxError as exc:
                problems.append(_shape_error(exc, theme, proto, shape))
                found = True
        if not found:  # statements across shapes that do not match up
            problems.append(_shape_error(slide_exc, theme, proto))
    try:
        env.compile(theme.notes_template or "")
    except jinja2.TemplateSyntaxError as exc:
        problems.append(_notes_error(exc, theme))
    return problems


def template_problems(theme: Theme) -> list[TemplateError]:
    """What makes a theme's templates unusable: syntax errors (:func:`syntax_errors`) and
    names that reach for Python's internals (``__class__``, ``mro``, ``__globals__`` …),
    which the sandbox refuses when a slide is made."""
    problems = syntax_errors(theme)
    hint = "templates may only use the names in docs/templates.md; the sandbox refuses these"
    for proto in theme.prototypes.values():
        for shape in proto.shapes:
            if not shape.has_tags:
                continue
            found = sandbox.internals_in(shape.template)
            if found:
                problems.append(
                    TemplateError(
                        f"the template reaches for Python's internals: {', '.join(found)}",
                        path=theme.path,
                        where=_where(theme, proto, shape),
                        hint=hint,
                    )
                )
    found = sandbox.internals_in(theme.notes_template or "")
    if found:
        path = theme.notes_path or theme.path
        problems.append(
            TemplateError(
                f"the notes template reaches for Python's internals: {', '.join(found)}",
                path=path,
                where=f"notes template {path}",
                hint=hint,
            )
        )
    return problems


_PARA_SPLIT = re.compile(f"{_PARA}(\\d+){_PARA_END}")


def render_shape(
    template: jinja2.Template,
    shape: ShapeProto,
    context: Mapping[str, Any],
    error: Callable[[BaseException], TemplateError],
    allowance: Callable[[], int] | None = None,
) -> Frame:
    """One shape's text, within one slide's limits (:mod:`deckgen.sandbox`); ``error``
    makes the TemplateError for a failure."""
    try:
        with sandbox.limits(allowance):
            out = template.render(context)
    except Exception as exc:  # any failure inside a user's template is a template error
        raise error(exc) from None
    return _frame(out, shape)


def _frame(out: str, shape: ShapeProto) -> Frame:
    """The paragraphs of a shape's rendered text (prototype paragraph markers included)."""
    parts = _PARA_SPLIT.split(out)
    protos = shape.paragraphs
    paras: list[Para] = []
    has_text = False
    # parts = [before, idx, text, idx, text, ...]; text before the first marker belongs to 0
    segments = [(0, parts[0])] if parts[0] else []
    segments += [(int(parts[k]), parts[k + 1]) for k in range(1, len(parts), 2)]
    for n, (idx, text) in enumerate(segments):
        if n + 1 < len(segments) and text.endswith("\n"):
            text = text[:-1]  # the joiner between prototype paragraphs
        idx = min(idx, len(protos) - 1) if protos else 0
        tagged = bool(protos) and ("{" in protos[idx].template or "%" in protos[idx].template)
        styled = bool(protos) and bool(protos[idx].styles)
        style = 0  # a line break inside a run: the next line goes on in its style
        items = _ITEM.search(text) is not None
        for line in text.split("\n"):
            level, bullet, listed = 0, None, False
            appear = markers.STEP in line
            if appear:
                line = line.replace(markers.STEP, "")
            item = _ITEM.search(line) if items else None
            if item is not None:  # a list paragraph (or a code line): its level and glyph
                code = ord(item.group()) - markers.ITEMS
                level, look = divmod(code, 4)
                bullet = True if look == 1 else False if look == 2 else None
                listed = True
                line = _ITEM.sub("", line)
            if _ANY_MARKER.search(line) is None and not style:  # most lines: nothing to decode
                runs: tuple[Span, ...] = (Span(line),) if line.strip() else ()
            else:
                if styled:
                    runs, style = _styled_runs(line, style, protos[idx])
                else:
                    runs = decode(line)
                if not any(r.text.strip() for r in runs):
                    runs = ()
            if runs:
                has_text = True
            elif tagged and not listed:
                continue  # a tag that rendered nothing leaves no empty paragraph
            if listed:  # an empty code line stays: a blank line in the code
                paras.append(Para(runs, idx, level=level, bullet=bullet, appear=appear))
            else:
                paras.append(Para(runs, idx, appear=appear))
    return Frame(shape.shape_id, tuple(paras) if has_text else ())


def _styled_runs(line: str, style: int, proto: ParaProto) -> tuple[tuple[Span, ...], int]:
    """A rendered line of a paragraph whose typed text has runs of their own formatting:
    its spans, each with the style it came out in (bold/italic of a style kept on top, so
    fit measures them so), and the style at its end."""
    pieces = _STYLE_SPLIT.split(line)
    looks = proto.looks
    runs: list[Span] = []
    for k, piece in enumerate(pieces):
        if k % 2:
            style = ord(piece) - _STYLE
            continue
        if not piece:
            continue
        spans = decode(piece)
        if style:
            size_bold_italic = looks[style] if style < len(looks) else (0.0, False, False)
            _, bold, italic = size_bold_italic
            spans = tuple(
                replace(sp, style=style, bold=sp.bold or bold, italic=sp.italic or italic)
                for sp in spans
            )
        runs.extend(spans)
    return tuple(runs), style


_SHAPE_SPLIT = re.compile(f"{_SHAPE}(\\d+){_SHAPE_END}")


_NUMBER_TAG = re.compile(r"slide\.(number|total)\b")
_FOOTER_TAG = re.compile(r"deck\.footer\b")


@lru_cache(maxsize=1024)
def _shows(source: str) -> tuple[bool, bool]:
    return bool(_NUMBER_TAG.search(source)), bool(_FOOTER_TAG.search(source))


def _switched_off(shape: ShapeProto, opts: BuildOptions) -> bool:
    """--no-numbers / --no-footer remove the whole shape that shows them, not just the digits."""
    if opts.numbers and opts.footer:
        return False
    number, footer = _shows(shape.template)
    return (not opts.numbers and number) or (not opts.footer and footer)


def _render_slide(
    theme: Theme,
    comp: _Compiled,
    opts: BuildOptions,
    kind: str,
    context: dict[str, Any],
    notes_context: dict[str, Any],
    title: str,
    line: int | None,
    making: tuple[int, str] | None = None,
    allowance: Callable[[], int] | None = None,
) -> SlideSpec:
    """One slide's text boxes and notes, rendered within one slide's limits (time, work and
    size: :mod:`deckgen.sandbox`; ``allowance``: the summary's share of the size limit);
    ``making``: the deck's slide (number, title), for errors."""
    proto = theme.prototypes[kind]
    combined, tagged = comp.slides[kind]
    with sandbox.limits(allowance):
        try:
            parts = _SHAPE_SPLIT.split(combined.render(context))
        except Exception as exc:
            failed: BaseException | None = exc
        else:
            failed = None
        if failed is None:
            notes = ""
            if comp.notes is not None:
                try:
                    notes = comp.notes.render(notes_context)
                except Exception as exc:
                    raise _notes_error(exc, theme, making) from None
    if failed is not None:
        # render shape by shape (each within the limits) to say which shape failed
        for shape in tagged:
            render_shape(
                comp.shape(proto, shape),
                shape,
                context,
                partial(_shape_error, theme=theme, proto=proto, shape=shape, making=making),
                allowance,
            )
        # the slide's template failed where no shape alone does (statements across shapes)
        raise _shape_error(failed, theme, proto, making=making)
    outputs = dict(zip(map(int, parts[1::2]), parts[2::2], strict=True))
    frames = []
    for i, shape in enumerate(tagged):
        if _switched_off(shape, opts) and not shape.is_title:
            frames.append(Frame(shape_id=shape.shape_id, paragraphs=()))
        else:
            frames.append(_frame(outputs.get(i, ""), shape))
    if notes:
        notes = re.sub(r"\n{3,}", "\n\n", notes).strip()
    return SlideSpec(kind=kind, title=title, frames=tuple(frames), notes=notes, line=line)


class _Allowance:
    """What a slide of ``doc`` may print beyond the sandbox's size limit: four times the
    summary's text (a slide and its notes may each show all of it, with formatting
    markers), counted once, when a slide first reaches past the limit."""

    __slots__ = ("doc", "size")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.size: int | None = None

    def __call__(self) -> int:
        if self.size is None:
            self.size = 4 * _text_size(self.doc)
        return self.size


def _text_size(doc: Document) -> int:
    """The characters of text in ``doc`` (its front matter's too)."""
    texts: list[RichText | None] = [doc.title, doc.subtitle, *doc.intro]
    for ins in (*doc.insights, *doc.back_matter):
        texts += [ins.title, *ins.points, *ins.notes, *ins.items]
        texts += [f.text for f in ins.fields]
        for el in ins.elements:
            if isinstance(el, Columns):
                texts += element_text(el)
    if doc.conclusion is not None:
        c = doc.conclusion
        texts += [*c.body, *c.closing, *c.notes]
    size = sum(len(t.text) + sum(len(s.link or "") for s in t.spans) for t in texts if t)
    return size + len(str(doc.meta)) + len(doc.author or "") + len(doc.date or "")


# --------------------------------------------------------------------------- plan


def plan(doc: Document, theme: Theme, options: BuildOptions | None = None) -> Deck:
    """The deck's slides, their text rendered, sizes not yet fitted (``options.template``
    is not plan's business: the caller loaded ``theme`` from it)."""
    opts = options or BuildOptions()
    if doc.numbers is False and opts.numbers:
        opts = replace(opts, numbers=False)  # Marp's deck without ``paginate: true``
    comp = _compiled_for(theme)
    allowance = _Allowance(doc)
    warnings = list(doc.warnings) + list(theme.warnings)
    deck_ctx = deck_context(doc, opts)
    notes_deck = deck_context(doc, opts, PlainRich)
    meta = deck_ctx["meta"]

    kinds: list[tuple[str, int | None]] = []
    if "title" in theme.prototypes:
        kinds.append(("title", None))
    else:
        warnings.append(f"template {theme.path} has no title slide; the deck starts with insights")
    if opts.agenda:
        if "agenda" in theme.prototypes:
            kinds.append(("agenda", None))
        else:
            warnings.append(f"template {theme.path} has no agenda slide; --agenda ignored")
    if "insight" not in theme.prototypes:
        raise TemplateError(
            "the template has no insight slide",
            path=theme.path,
            where=f"template {theme.path}",
            hint="add a prototype slide whose notes start with 'deckgen: insight'",
        )
    units = (*doc.insights, *doc.back_matter)
    parts: dict[int, Part] = {}  # position in ``kinds`` → what a section's slide shows

    def add_unit(i: int, ins: Insight) -> None:
        made = slide_parts(ins, theme, warnings)
        for k, part in enumerate(made):
            parts[len(kinds)] = replace(part, index=k)
            kinds.append((part.kind, i))
        shown = [t for part in made for t in part.items]
        if len(shown) != len(_items(ins)):
            # elements the theme has no slide for are text: in ``paragraphs`` too, in place
            # (a theme's body may show ``insight.paragraphs`` rather than ``slide.items``)
            deck_ctx["slides"][i]["paragraphs"] = _rich_list(shown, Rich)
            notes_deck["slides"][i]["paragraphs"] = _rich_list(shown, PlainRich)

    for i, ins in enumerate(doc.insights):
        add_unit(i, ins)
    if doc.conclusion is not None:
        if "conclusion" in theme.prototypes:
            kinds.append(("conclusion", None))
        else:
            warnings.append(
                f"template {theme.path} has no conclusion slide; the conclusion is in the "
                "last slide's notes"
            )
        closing_proto = theme.prototypes.get("closing")
        conclusion_proto = theme.prototypes.get("conclusion")
        if (
            closing_proto is not None
            and doc.conclusion.closing
            and (conclusion_proto is None or "closing" not in _proto_source(conclusion_proto))
        ):
            kinds.append(("closing", None))
    start = len(doc.insights)
    for i, ins in enumerate(doc.back_matter):
        add_unit(start + i, ins)

    total = len(kinds)
    slides: list[SlideSpec] = []
    for n, (kind, idx) in enumerate(kinds, start=1):
        part = parts.get(n - 1)
        slide = {
            "number": SLIDE_NUMBER if opts.numbers else "",
            "total": SLIDE_TOTAL if opts.numbers else "",
            "index": n,
            "kind": kind,
            "continued": False,
        }
        note_slide = dict(slide)
        slide.update(part_context(part, theme.from_layouts))
        note_slide.update(part_context(part, theme.from_layouts, notes=True))
        ctx: dict[str, Any] = {
            "deck": deck_ctx,
            "meta": meta,
            "slide": SlideInfo(slide),
            "conclusion": deck_ctx["conclusion"],
        }
        nctx: dict[str, Any] = {
            "deck": notes_deck,
            "meta": meta,
            "slide": SlideInfo({**note_slide, "number": n, "total": total}),
            "conclusion": notes_deck["conclusion"],
        }
        line: int | None = None
        if idx is not None:
            ins = units[idx]
            ctx["insight"] = ctx["section"] = deck_ctx["slides"][idx]
            nctx["insight"] = nctx["section"] = notes_deck["slides"][idx]
            number = badge(ins)
            title = f"{number}. {ins.title.text}" if number else ins.title.text
            line = ins.line
        elif kind == "title":
            title = doc.title.text
            line = doc.title.line
        elif kind == "agenda":
            title = "Agenda"
        else:
            assert doc.conclusion is not None
            title = doc.conclusion.heading if kind == "conclusion" else "Closing"
            line = doc.conclusion.line
        spec = _render_slide(theme, comp, opts, kind, ctx, nctx, title, line, (n, title), allowance)
        if idx is not None:
            unit = units[idx]
            spec = replace(spec, rule=unit.rule, level=unit.level, number=badge(unit))
            if part is not None:
                spec = _place(spec, theme.prototypes[kind], part)
            if unit.background is not None:
                spec = replace(spec, background=unit.background)
        elif kind == "title" and doc.background is not None:
            spec = replace(spec, background=doc.background)
        elif kind in ("conclusion", "closing"):
            spec = replace(spec, rule="conclusion (named like one, among the last sections)")
        slides.append(spec)

    if doc.conclusion is not None and "conclusion" not in theme.prototypes and slides:
        extra = "\n".join(t.text for t in doc.conclusion.body + doc.conclusion.closing)
        last = slides[-1]
        slides[-1] = replace(
            last, notes=(last.notes + "\n\n" + doc.conclusion.heading + "\n" + extra).strip()
        )

    return Deck(
        slides=tuple(slides),
        theme=theme,
        title=doc.title.text,
        properties=_properties(doc, opts),
        language=_language(doc),
        warnings=tuple(warnings),
    )


STATEMENT_REST_CHARS = 420
"""Beyond this much text besides the statement, a section reads as one body of text: the
statement layout's explanation panel would shrink it or continue it on another slide."""


STATEMENT_CHARS = 320
"""A statement longer than this is a paragraph, not a statement: the body layout fits it."""
STATEMENT_REST_ITEMS = 3


def _briefly_explained(ins: Insight) -> bool:
    """A short statement and a short explanation (at most three items): what the statement
    layout holds without shrinking its panel or continuing it on another slide."""
    said = [f.text.text for f in ins.fields if _norm_label(f.label) in _STATEMENT]
    rest = [f.text.text for f in ins.fields if _norm_label(f.label) not in _STATEMENT]
    rest += [p.text for p in ins.points]
    return (
        sum(map(len, said[:1])) <= STATEMENT_CHARS
        and len(said) + len(rest) - 1 <= STATEMENT_REST_ITEMS
        and sum(map(len, rest)) <= STATEMENT_REST_CHARS
    )


def slide_kind(ins: Insight, theme: Theme) -> str:
    """The prototype a section takes: a divider is a ``section`` slide; a section that
    states its point (``Key Point:``) an ``insight`` slide; any other a ``bullets`` slide
    (one body of text in source order). A theme without the kind falls back to
    ``insight``."""
    if ins.kind == "section":
        kind = "section"
    elif (has_statement(ins) and _briefly_explained(ins)) or not (
        ins.fields or ins.points or ins.items
    ):
        kind = "insight"
    else:
        kind = "bullets"
    return kind if kind in theme.prototypes else "insight"


# --------------------------------------------------------------------------- elements


@dataclass(frozen=True)
class Part:
    """What one slide of a section shows: its kind, its text (``slide.items``) and at most
    one element group (pictures together, a table, a code block or a quote)."""

    kind: str
    items: tuple[RichText, ...] = ()
    pictures: tuple[Picture, ...] = ()
    table: Table | None = None
    code: Code | None = None
    quote: Quote | None = None
    columns: Columns | None = None
    """The column layout of a ``columns`` or ``comparison`` slide."""
    index: int = 0
    """0 for a section's first slide, 1, 2 … for the slides of its further elements
    (``slide.part``: speaker notes say the section's notes once)."""


BESIDE_TABLE_CHARS = 300
"""Text up to this long (and at most three paragraphs) stays on a table, code or quote
slide, above the element; more gets a slide of its own before it."""
BESIDE_PICTURE_CHARS = 700
"""Text up to this long (and at most eight paragraphs) stays beside a picture."""


def area_role(shape: ShapeProto) -> str | None:
    """``picture`` or ``table`` for a prototype shape that marks where the element goes
    (the reader's role for it: its whole text ``{{ slide.images }}`` / ``{{ slide.table }}``),
    else None."""
    return shape.role if shape.role in AREA_ROLES else None


def _has_area(theme: Theme, kind: str, role: str) -> bool:
    proto = theme.prototypes.get(kind)
    return proto is not None and any(area_role(s) == role for s in proto.shapes)


def _shows_items(theme: Theme, kind: str, items: Sequence[RichText] = ()) -> bool:
    """Whether ``kind``'s prototype has a place for the section's text (``slide.items``;
    a corporate layout with one box holds the table and nothing else) that ``items`` fill
    at most nearly (a rough count of lines at a size fit may shrink the box's to, so that a
    paragraph too many gets its own slide rather than continuing the element's). The box
    counts as tall as fit may grow it: down into the box stacked under it (a table area,
    the code panel) as far as that one keeps its share (``fit.KEEP``) of its height."""
    from deckgen import fit  # fit's own rule for which boxes are stacked

    proto = theme.prototypes.get(kind)
    if proto is None:
        return False
    for shape in proto.shapes:
        if "slide.items" not in shape.template:
            continue
        if not items:
            return True
        size = shape.paragraphs[0].size if shape.paragraphs else 18.0
        size = min(size, theme.min_body_size)  # fit may shrink it this far
        _, _, cx, cy = shape.box
        li, ti, ri, bi = shape.insets
        below = next((st.lower for st in fit.stacks(proto.shapes) if st.upper is shape), None)
        if below is not None:  # fit grows the box down into the one under it first
            cy += int(below.box[3] * (1 - fit.KEEP))
        width = max(cx - li - ri, 1) / EMU_PER_PT
        height = max(cy - ti - bi, 0) / EMU_PER_PT
        per_line = max(int(width / (0.5 * size)), 1)  # an average character is ~0.5 em
        lines = sum(-(-max(len(t.text), 1) // per_line) for t in items)
        return lines * size * 1.25 <= height * 0.8
    return False


def _has_code(theme: Theme) -> bool:
    proto = theme.prototypes.get("code")
    return proto is not None and any("slide.code" in s.template for s in proto.shapes)


def _has_quote(theme: Theme) -> bool:
    proto = theme.prototypes.get("quote")
    return proto is not None and any("slide.quote" in s.template for s in proto.shapes)


def element_text(el: Element) -> list[RichText]:
    """An element as lines of text, for a theme that has no slide for it (and for a picture
    that could not be placed): every word is kept."""
    if isinstance(el, Picture):
        shown = el.alt or el.title or el.src
        return [RichText((Span(shown, italic=True),), el.line)] if shown.strip() else []
    if isinstance(el, Table):
        rows = [el.header, *el.rows]
        out = []
        for k, row in enumerate(rows):
            spans: list[Span] = []
            for c, cell in enumerate(row):
                if c:
                    spans.append(Span(" | "))
                spans.extend(
                    Span(x.text, x.bold or k == 0, x.italic, x.code, x.link) for x in cell.spans
                )
            if any(x.text.strip() for x in spans):
                out.append(RichText(tuple(spans), el.line))
        return out
    if isinstance(el, Code):
        return [
            RichText((Span(ln, code=True),), el.line) for ln in el.text.split("\n") if ln.strip()
        ]
    if isinstance(el, Columns):
        out = []
        for col in el.columns:
            if col.heading:
                out.append(_bold(col.heading))
            out += column_items(col, col.pictures)
        return out
    lines = list(el.text)
    if el.attribution:
        lines.append(RichText((Span("— "), *el.attribution.spans), el.attribution.line))
    return lines


def _bold(rt: RichText) -> RichText:
    return RichText(tuple(replace(x, bold=True) for x in rt.spans), rt.line)


def column_items(col: Column, as_text: Sequence[Picture] = ()) -> tuple[RichText, ...]:
    """A column's text, with the alt text of its pictures ``as_text`` (not drawn) where
    the author put them."""
    items = list(col.items)
    for pic in as_text:
        shown = element_text(pic)
        at = next((k for k, t in enumerate(items) if (t.line or 0) > (pic.line or 0)), len(items))
        items[at:at] = shown
    return tuple(items)


COLUMN_SIDES = ("left", "right")
"""``slide.left`` and ``slide.right``: the two columns of a ``columns`` slide."""


def _column_area(theme: Theme, kind: str, side: str) -> bool:
    """Whether ``kind``'s prototype has a picture area for one column
    (``{{ slide.left.images }}``)."""
    proto = theme.prototypes.get(kind)
    return proto is not None and _column_area_in(proto, side)


def _column_area_in(proto: Prototype, side: str) -> bool:
    return any(
        area_role(s) == "picture" and f"slide.{side}." in _squeezed(s.template)
        for s in proto.shapes
    )


def _column_box(proto: Prototype, side: str) -> ShapeProto | None:
    """The text shape that shows one column's text (its template uses ``slide.left.items``)."""
    return next(
        (
            s
            for s in proto.shapes
            if area_role(s) is None
            and not s.is_title
            and f"slide.{side}.items" in _squeezed(s.template)
        ),
        None,
    )


def _squeezed(template: str) -> str:
    return re.sub(r"\s*\.\s*", ".", template)


def _columns_kind(cols: Columns, theme: Theme) -> str | None:
    """The slide kind that shows ``cols``: ``comparison`` when a column has a heading and
    the theme has that kind (a corporate template's Comparison layout), else ``columns``;
    None when the theme has neither or there are not two columns (their content is then
    shown as the section's text and pictures, as before)."""
    if len(cols.columns) != 2:
        return None
    if any(c.heading for c in cols.columns) and "comparison" in theme.prototypes:
        return "comparison"
    return "columns" if "columns" in theme.prototypes else None


def _columns_part(cols: Columns, kind: str, theme: Theme) -> tuple[Part, tuple[Picture, ...]]:
    """The columns' part, and the pictures its prototype has no place for (a column's
    pictures go in its area; without one, in the column's box when the column has no
    text; else on a slide of their own after it)."""
    proto = theme.prototypes[kind]
    moved: list[Picture] = []
    out: list[Column] = []
    for side, col in zip(COLUMN_SIDES, cols.columns, strict=True):
        pics = [p for p in col.pictures if p.path is not None]
        if pics and not _column_area(theme, kind, side):
            box = _column_box(proto, side)
            # the column's box shows no text: its heading is in a header of its own, or none
            empty = box is not None and not col.items
            if (
                col.heading
                and box is not None
                and f"slide.{side}.heading" in _squeezed(box.template)
            ):
                empty = False
            if not empty:
                moved += pics
                col = replace(col, pictures=tuple(p for p in col.pictures if p.path is None))
        out.append(col)
    return Part(kind, columns=replace(cols, columns=tuple(out))), tuple(moved)


def _in_place(items: Sequence[RichText], shown: Sequence[Element]) -> tuple[RichText, ...]:
    """``items`` with the text of the elements ``shown`` as text, each where the author put
    it (by source line)."""
    if not shown:
        return tuple(items)
    extra = [(el.line or 0, t) for el in shown for t in element_text(el)]
    if not extra:
        return tuple(items)
    merged: list[RichText] = []
    k = 0
    for t in items:
        while k < len(extra) and t.line is not None and extra[k][0] < t.line:
            merged.append(extra[k][1])
            k += 1
        merged.append(t)
    merged += [t for _, t in extra[k:]]
    return tuple(merged)


def _text_chars(items: Sequence[RichText]) -> int:
    return sum(len(t.text) for t in items)


def _directed(ins: Insight, theme: Theme, warnings: list[str]) -> str | None:
    """The kind the author named with ``<!-- layout: NAME -->``: a slide kind, or the name
    of the layout or prototype a kind uses; None (with a warning) when the theme has none."""
    want = ins.layout.strip()
    if not want:
        return None
    norm = re.sub(r"[\s_+-]+", "", want).casefold()
    for kind in theme.prototypes:
        if re.sub(r"[\s_+-]+", "", kind).casefold() == norm:
            return kind
    for kind, proto in theme.prototypes.items():
        if proto.layout_name and re.sub(r"[\s_+-]+", "", proto.layout_name).casefold() == norm:
            return kind
    where = f"line {ins.line}: " if ins.line else ""
    names = sorted(k for k in theme.prototypes if k not in ("title", "agenda", "closing"))
    warnings.append(
        f"{where}no layout named {want!r} in template {theme.path}; the layout is chosen from "
        f"the content (kinds: {', '.join(names)})"
    )
    return None


def slide_parts(ins: Insight, theme: Theme, warnings: list[str] | None = None) -> list[Part]:
    """The slides a section takes. Without elements: one, of :func:`slide_kind`. With
    them: a short text goes on the element's slide (a table, code or quote slide, text
    beside a picture); a longer one gets its own slide first; each further element group
    (all the section's pictures together, a table, a code block, a quote) a slide of its
    own. An element the theme has no slide for is shown as text, in place."""
    warns = warnings if warnings is not None else []
    as_text: list[Element] = []
    groups: list[Part] = []
    pictures: list[Picture] = []
    picture_area = _has_area(theme, "picture", "picture") or _has_area(
        theme, "text_picture", "picture"
    )
    for el in ins.elements:
        if isinstance(el, Picture):
            if el.path is not None and picture_area:
                if not pictures:
                    groups.append(Part("picture"))  # filled below, in the first one's place
                pictures.append(el)
            else:
                as_text.append(el)
        elif isinstance(el, Table) and _has_area(theme, "table", "table"):
            groups.append(Part("table", table=el))
        elif isinstance(el, Code) and _has_code(theme):
            groups.append(Part("code", code=el))
        elif isinstance(el, Quote) and _has_quote(theme):
            groups.append(Part("quote", quote=el))
        elif isinstance(el, Columns) and (kind := _columns_kind(el, theme)) is not None:
            part, moved = _columns_part(el, kind, theme)
            groups.append(part)
            if moved and picture_area:
                if not pictures:
                    groups.append(Part("picture"))
                pictures.extend(moved)
            elif moved:
                as_text.extend(moved)
        elif isinstance(el, Columns):
            # no slide for columns: their text in the section's body, their pictures with
            # the section's, as any text and pictures
            drawn = [
                p for c in el.columns for p in c.pictures if p.path is not None and picture_area
            ]
            if drawn and not pictures:
                groups.append(Part("picture"))
            pictures.extend(drawn)
            as_text.append(
                replace(
                    el,
                    columns=tuple(
                        replace(c, pictures=tuple(p for p in c.pictures if p not in drawn))
                        for c in el.columns
                    ),
                )
            )
        else:
            as_text.append(el)
    items = list(_in_place(_items(ins), as_text))
    groups = [
        replace(g, pictures=tuple(pictures)) if g.kind == "picture" and not g.pictures else g
        for g in groups
    ]
    directed = _directed(ins, theme, warns)
    if not groups:
        kind = directed or slide_kind(ins, theme)
        if as_text and kind == "insight" and "bullets" in theme.prototypes:
            kind = "bullets"  # element text was added: one body of text shows it all
        return [Part(kind, tuple(items))]
    out: list[Part] = []
    first = groups[0]
    text = tuple(items)
    if ins.kind == "section":
        out.append(Part("section", text))
    elif not text:
        pass
    elif (
        first.pictures
        and len(text) <= 8
        and _text_chars(text) <= BESIDE_PICTURE_CHARS
        and _has_area(theme, "text_picture", "picture")
        and _shows_items(theme, "text_picture", text)
    ):
        first = replace(first, kind="text_picture", items=text)
    elif (
        not first.pictures
        and len(text) <= 3
        and _text_chars(text) <= BESIDE_TABLE_CHARS
        and _shows_items(theme, first.kind, text)
    ):
        first = replace(first, items=text)
    else:
        kind = slide_kind(ins, theme)
        out.append(Part(kind if kind != "insight" or has_statement(ins) else "bullets", text))
    if first.pictures and first.kind == "picture" and not _has_area(theme, "picture", "picture"):
        first = replace(first, kind="text_picture")
    out.append(first)
    for g in groups[1:]:
        if g.pictures and not _has_area(theme, "picture", "picture"):
            g = replace(g, kind="text_picture")
        out.append(g)
    if directed is not None:
        out[0] = replace(out[0], kind=directed)
    return [p if p.kind in theme.prototypes else replace(p, kind="insight") for p in out]


def part_context(part: Part | None, from_layouts: bool, notes: bool = False) -> dict[str, Any]:
    """What a slide's template sees of its part (``slide.items``, ``slide.images``,
    ``slide.caption``, ``slide.table``, ``slide.code``, ``slide.quote``); empty values for
    slides that are not a section's."""
    if part is None:  # fresh lists: a template that appends to one changes no other slide
        return {
            **(_NO_PART_NOTES if notes else _NO_PART),
            "items": [],
            "images": [],
            **_columns_context(None, from_layouts, notes),
        }
    cls: type[Rich] = PlainRich if notes else Rich
    items = _item_values(part.items, from_layouts, notes)
    images, captions = _image_values(part.pictures, cls)
    table = None
    if part.table is not None:
        tab = part.table
        table = {
            "header": [cls(c) for c in tab.header],
            "rows": [[cls(c) for c in row] for row in tab.rows],
            "align": list(tab.align),
        }
    quote: dict[str, Rich] | None = None
    if part.quote is not None:
        q = part.quote
        spans: list[Span] = []
        for k, para in enumerate(q.text):
            if k:
                spans.append(Span("\n"))
            spans.extend(para.spans)
        text, said = RichText(tuple(spans), q.line), q.attribution or RichText()
        if notes:
            quote = {"text": PlainRich(text), "attribution": PlainRich(said)}
        else:  # quote lines never take a body's bullets (a corporate layout's)
            quote = {"text": ItemRich(text, _NO_GLYPH), "attribution": ItemRich(said, _NO_GLYPH)}
    return {
        "part": part.index,
        "items": items,
        "images": images,
        "caption": cls(RichText.plain_text(" · ".join(captions))),
        "table": table,
        "code": CodeValue(part.code, plain=notes) if part.code is not None else None,
        "quote": quote,
        **_columns_context(part.columns, from_layouts, notes),
    }


def _item_values(items: Sequence[RichText], from_layouts: bool, notes: bool) -> list[Rich]:
    """``slide.items`` as a template sees them: each with the marker of its list level and
    bullet (:func:`item_marker`); plain text in notes."""
    out: list[Rich] = []
    for t in items:
        if notes:
            out.append(PlainRich(t))
            continue
        mark = ""
        if isinstance(t, ListItem):
            if from_layouts:  # the layout's own bullets and levels; no glyph on "1." or ☐
                mark = item_marker(t.level, 0 if t.bullet else 2) if t.level or not t.bullet else ""
            else:
                mark = item_marker(t.level, 1 if t.bullet else 2)
            if t.appear:
                mark += markers.STEP
        elif from_layouts:  # a paragraph of prose is no list item: no layout bullet on it
            mark = _NO_GLYPH
        out.append(ItemRich(t, mark))
    return out


def _image_values(
    pictures: Sequence[Picture], cls: type[Rich]
) -> tuple[list[dict[str, Any]], list[str]]:
    """``slide.images`` (each with ``alt``, ``title``, ``src``, ``caption``) and the
    captions they have."""
    images: list[dict[str, Any]] = []
    captions: list[str] = []
    for p in pictures:
        caption = p.title or p.alt
        if caption.strip():
            captions.append(caption)
        images.append(
            {
                "alt": p.alt,
                "title": p.title,
                "src": p.src,
                "caption": cls(RichText.plain_text(caption)),
            }
        )
    return images, captions


def _columns_context(cols: Columns | None, from_layouts: bool, notes: bool) -> dict[str, Any]:
    """``slide.left``, ``slide.right`` (the two columns of a ``columns`` or ``comparison``
    slide; empty on other slides) and ``slide.columns`` (both, in order): each with
    ``heading`` (the heading the column opens with, may be empty), ``items`` (its text, as
    ``slide.items``), ``images`` (its pictures, as ``slide.images``; a shape whose whole
    text is ``{{ slide.left.images }}`` is their area), ``caption`` and ``width`` (as the
    author wrote it, e.g. ``40%``; may be empty)."""
    cls: type[Rich] = PlainRich if notes else Rich
    sides = list(cols.columns) if cols is not None else []
    out: list[SlideInfo] = []
    for k in range(len(COLUMN_SIDES)):
        col = sides[k] if k < len(sides) else Column()
        drawn = tuple(p for p in col.pictures if p.path is not None)
        unplaced = tuple(p for p in col.pictures if p.path is None)
        images, captions = _image_values(drawn, cls)
        heading: Rich = cls(col.heading)
        if from_layouts and not notes and col.heading:
            # in a layout's body, a column's heading is a bold line without a bullet
            heading = ItemRich(_bold(col.heading), _NO_GLYPH)
        out.append(
            SlideInfo(
                {
                    "heading": heading,
                    "items": _item_values(column_items(col, unplaced), from_layouts, notes),
                    "images": images,
                    "caption": cls(RichText.plain_text(" · ".join(captions))),
                    "width": col.width,
                }
            )
        )
    return {"left": out[0], "right": out[1], "columns": out[: len(sides)]}


_NO_GLYPH = item_marker(0, 2)
_NO_PART: dict[str, Any] = {
    "part": 0,
    "items": [], "images": [], "caption": Rich(None), "table": None, "code": None, "quote": None
}  # fmt: skip
_NO_PART_NOTES: dict[str, Any] = {**_NO_PART, "caption": PlainRich(None)}


def _place(spec: SlideSpec, proto: Prototype, part: Part) -> SlideSpec:
    """The slide with its elements placed in the prototype's area shapes, and every area
    shape given an empty frame (the writer removes it; an element is drawn in its place)."""
    placed: list[Placed] = []
    frames = list(spec.frames)
    pictures_done = table_done = False
    sides = dict(zip(COLUMN_SIDES, part.columns.columns, strict=False)) if part.columns else {}
    for side, col in sides.items():
        drawn = [p for p in col.pictures if p.path is not None]
        box = _column_box(proto, side)
        if drawn and box is not None and not _column_area_in(proto, side):
            # no area for the column's pictures: its box, which shows no text
            placed += [PlacedPicture(box.shape_id, p, box.box) for p in drawn]
    for shape in proto.shapes:
        role = area_role(shape)
        if role is None:
            continue
        frames.append(Frame(shape.shape_id, ()))
        column = next((x for x in sides if f"slide.{x}." in _squeezed(shape.template)), None)
        if role == "picture" and column is not None:
            placed += [
                PlacedPicture(shape.shape_id, p, shape.box)
                for p in sides[column].pictures
                if p.path is not None
            ]
        elif role == "picture" and part.pictures and not pictures_done:
            placed += [PlacedPicture(shape.shape_id, p, shape.box) for p in part.pictures]
            pictures_done = True
        elif role == "table" and part.table is not None and not table_done:
            font = shape.paragraphs[0].font if shape.paragraphs else "Calibri"
            placed.append(PlacedTable(shape.shape_id, part.table, shape.box, font=font))
            table_done = True
    if not placed and len(frames) == len(spec.frames):
        return spec
    return replace(spec, frames=tuple(frames), elements=tuple(placed))


def _proto_source(proto: Prototype) -> str:
    return "\n".join(s.template for s in proto.shapes)


def _language(doc: Document) -> str:
    lang = doc.meta.get("lang") or doc.meta.get("language")
    if isinstance(lang, str) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang.strip()):
        return lang.strip()
    return "en-US"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _properties(doc: Document, opts: BuildOptions) -> dict[str, str]:
    meta = doc.meta
    when = opts.source_date_epoch if opts.source_date_epoch is not None else int(time.time())
    stamp = datetime.fromtimestamp(when, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    props = {
        "title": doc.title.text,
        "author": doc.author or _text(meta.get("author")),
        "subject": _text(meta.get("subject")) or (doc.subtitle.text if doc.subtitle else ""),
        "keywords": _text(meta.get("keywords") or meta.get("tags")),
        "description": _text(meta.get("description") or meta.get("abstract")),
        "language": _language(doc),
        "created": stamp,
        "modified": stamp,
    }
    return {k: v[:255] for k, v in props.items() if v}
