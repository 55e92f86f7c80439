"""The Jinja2 environment templates run in, and what rendering one slide may cost.

Templates are untrusted input (a theme mailed around or downloaded). Jinja2's
``SandboxedEnvironment`` keeps them away from Python's internals; this module adds limits,
so that no template can hang a build or exhaust the machine's memory:

- **time**: :data:`TIME_LIMIT` seconds of rendering per slide (its text boxes and its
  speaker notes together), checked at every loop iteration and every call: a template
  without loops and calls is straight-line code whose time its size and the limits below
  bound;
- **work**: :data:`OPERATION_LIMIT` loop iterations and calls per slide, the same error on
  any machine (before the clock runs out on a fast one);
- **size**: :data:`OUTPUT_LIMIT` characters of text per slide, counted as values are
  printed and as loops repeat their text; an operation that would make a longer string or
  list (``'x' * 10**9``, ``'{:>999999999}'.format(1)``, ``center(10**9)``, a ``join`` or
  ``replace`` that multiplies) is refused before it runs, as are ranges over
  :data:`RANGE_LIMIT` numbers and integers over :data:`INT_BITS` bits (``10**10**10``).

Going over a limit raises :class:`LimitError`; plan turns it into a TemplateError naming the
template, the prototype slide and the shape. The checks are plain Python (no signals, no
threads, no resource limits), so they work on every platform and in any thread, and they
cost little: deckgen's own templates make no intercepted operation, and their loops and
printed values are only counted.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.filters import FILTERS
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

TIME_LIMIT = 2.0
"""Seconds of rendering per slide (text boxes and notes)."""
OUTPUT_LIMIT = 1_000_000
"""Characters of text per slide; also the longest string or list one operation may make."""
OPERATION_LIMIT = 1_000_000
"""Loop iterations and calls per slide."""
RANGE_LIMIT = 100_000
"""The most numbers ``range()`` gives (Jinja's own sandbox limit)."""
INT_BITS = 100_000
"""The largest integer a template may compute, in bits (some 30,000 digits)."""

LIMITS_HINT = "see 'Limits' in docs/templates.md"


class LimitError(Exception):
    """A template went over one of the limits; the message says which and by what."""


class _Budget:
    """What the slide being rendered has spent, and may."""

    __slots__ = ("deadline", "ops", "out", "limit", "allowance")

    def __init__(self, allowance: Callable[[], int] | None = None) -> None:
        self.deadline = time.monotonic() + TIME_LIMIT
        self.ops = 0
        self.out = 0
        self.limit = OUTPUT_LIMIT
        self.allowance = allowance


class _State(threading.local):
    budget: _Budget | None = None


_state = _State()


class limits:  # noqa: N801 - used as a context manager, like a function
    """``with limits():`` renders inside count against one fresh budget (one slide).

    ``allowance``: characters a slide may print beyond :data:`OUTPUT_LIMIT` because the
    summary has that much to show (a 1 MB key point is no runaway template); asked only
    when a slide reaches for more than the limit."""

    __slots__ = ("_previous", "_allowance")

    def __init__(self, allowance: Callable[[], int] | None = None) -> None:
        self._allowance = allowance

    def __enter__(self) -> None:
        self._previous = _state.budget
        _state.budget = _Budget(self._allowance)

    def __exit__(self, *exc: object) -> None:
        _state.budget = self._previous


def _limit() -> int:
    """The size limit of the slide being rendered: :data:`OUTPUT_LIMIT`, plus its
    allowance (asked for once, the first time something reaches past the limit)."""
    b = _state.budget
    if b is None:
        return OUTPUT_LIMIT
    if b.allowance is not None:
        extra, b.allowance = b.allowance(), None
        b.limit = OUTPUT_LIMIT + max(0, extra)
    return b.limit


def _too_large(size: int) -> bool:
    return size > OUTPUT_LIMIT and size > _limit()


def _over(b: _Budget) -> None:
    """Raise for the limit ``b`` is over (none: its allowance covered it)."""
    if b.ops > OPERATION_LIMIT:
        raise LimitError(
            f"the template made more than {OPERATION_LIMIT:,} loop iterations and calls "
            "for one slide (a loop inside a loop, or a macro calling itself?)"
        )
    if b.out > b.limit and _too_large(b.out):
        raise LimitError(f"the template's text for one slide is over {b.limit:,} characters")
    if time.monotonic() > b.deadline:
        raise LimitError(f"rendering one slide took longer than {TIME_LIMIT:g} s")


def _tick() -> None:
    """One operation (a call, a filter, an operator, a loop's start): counted, and the
    clock looked at, so that no run of expensive operations outlasts the time limit."""
    b = _state.budget
    if b is not None:
        b.ops += 1
        if b.ops > OPERATION_LIMIT or time.monotonic() > b.deadline:
            _over(b)


def _too_big(what: str, size: int) -> LimitError:
    return LimitError(f"{what} would make {size:,} items or characters (at most {_limit():,})")


# --------------------------------------------------------------------------- counting


_CONTAINERS = frozenset((list, tuple, dict, set, frozenset))


def finalize(value: Any, _state: _State = _state) -> str:
    """Every printed value (``{{ … }}``): None prints nothing; the text is counted."""
    if type(value) is str:
        text = value
    elif value is None:
        return ""
    else:
        if type(value) in _CONTAINERS:
            size = _size(value)
            if _too_large(size):
                raise _too_big("printing this value", size)
        text = str(value)
    b = _state.budget
    if b is not None:
        b.out += len(text)
        if b.out > b.limit:
            _over(b)
    return text


_SIZED = (list, tuple, range, str, dict)
_SHORT = 16
"""Loops over at most this many items of a list, tuple, range, string or dict are counted
at once; longer ones (and any other iterable) item by item, looking at the clock."""


def loop(iterable: Iterable[Any], static: int = 0) -> Iterable[Any]:
    """What a ``{% for %}`` loops over: each iteration counts, with ``static`` characters of
    template text the loop's body may print (deckgen's parser puts every loop through
    this)."""
    return _loop_filter(None, iterable, static)


def _counted(iterable: Iterable[Any], b: _Budget, static: int) -> Iterator[Any]:
    for item in iterable:
        b.ops += 1
        b.out += static
        if b.ops > OPERATION_LIMIT or b.out > b.limit or time.monotonic() > b.deadline:
            _over(b)
        yield item


def concat(*values: Any) -> str:
    """``a ~ b``, refused when the result would be over the limit."""
    _tick()
    parts = [v if type(v) is str else str(v) for v in values]
    size = sum(map(len, parts))
    if _too_large(size):
        raise _too_big("'~'", size)
    return "".join(parts)


def _size(value: Any) -> int:
    """Roughly how many characters ``str(value)`` has, counting no further than past the
    limit (a list of a million references to one long list is not walked whole)."""
    size = _walk(value, OUTPUT_LIMIT)
    if size > OUTPUT_LIMIT and _limit() > OUTPUT_LIMIT:
        size = _walk(value, _limit())
    return size


def _walk(value: Any, limit: int) -> int:
    total = 0
    stack = [value]
    while stack and total <= limit:
        x = stack.pop()
        if isinstance(x, str):
            total += len(x)
        elif isinstance(x, dict):
            total += 2 + len(x)
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, (list, tuple, set, frozenset)):
            total += 2 + len(x)
            if len(x) > limit:
                return total + len(x)
            stack.extend(x)
        else:
            total += 1
    return total


# --------------------------------------------------------------------------- operations

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_NESTED_FORMAT = re.compile(r"\{[^{}]*\{")
_DIGITS = re.compile(r"\d+")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _big_ints(args: Iterable[Any]) -> bool:
    return any(_is_int(a) and _too_large(abs(a)) for a in args)


def _check_percent(fmt: str, args: Any) -> None:
    """``fmt % args``: no width or precision over the limit (``'%0999999999d' % 1``)."""
    star = False
    for m in _PERCENT_SPEC.finditer(fmt):
        for part in m.groups():
            if part == "*":
                star = True
            elif part and len(part) > 6 and _too_large(int(part)):
                raise _too_big(f"the format {m.group(0)!r}", int(part))
    values = args if isinstance(args, tuple) else (args,)
    if star and _big_ints(values):
        raise _too_big("a '*' width in a format", max(abs(v) for v in values if _is_int(v)))


def _check_format(fmt: str, args: Iterable[Any]) -> None:
    """``fmt.format(…)``: no width or precision over the limit, also not a nested one."""
    for m in _FORMAT_SPEC.finditer(fmt):
        for digits in _DIGITS.findall(m.group(1)):
            if len(digits) > 6 and _too_large(int(digits)):
                raise _too_big(f"the format {m.group(0)!r}", int(digits))
    if _NESTED_FORMAT.search(fmt) and _big_ints(args):
        raise _too_big("a nested width in a format", OUTPUT_LIMIT + 1)


def _join_size(sep: str, items: list[Any]) -> int:
    size = len(sep) * max(len(items) - 1, 0)
    for x in items:
        if _too_large(size):
            break
        size += len(x) if isinstance(x, str) else _size(x)
    return size


def _replace_size(s: str, old: str, new: str, count: Any = -1) -> int:
    if len(new) <= len(old):
        return len(s)
    n = s.count(old) + (1 if not old else 0)
    if _is_int(count) and count >= 0:
        n = min(n, count)
    return len(s) + n * (len(new) - len(old))


def _arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], i: int, name: str, default: Any) -> Any:
    if len(args) > i:
        return args[i]
    return kwargs.get(name, default)


def _check_str_method(owner: str, name: str, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    if name in ("center", "ljust", "rjust", "zfill"):
        width = _arg(args, kw, 0, "width", 0)
        if _is_int(width) and _too_large(width):
            raise _too_big(f"{name}({width})", width)
    elif name == "expandtabs":
        size = _arg(args, kw, 0, "tabsize", 8)
        if _is_int(size) and size > 0 and _too_large(size * max(owner.count("\t"), 1)):
            raise _too_big(f"expandtabs({size})", size * owner.count("\t"))
    elif name in ("format", "format_map"):
        _check_format(owner, list(args) + list(kw.values()))
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            size = _join_size(owner, list(items))
            if _too_large(size):
                raise _too_big("join()", size)
    elif name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(old, str) and isinstance(new, str):
            size = _replace_size(owner, old, new, _arg(args, kw, 2, "count", -1))
            if _too_large(size):
                raise _too_big("replace()", size)


_SIZED_RESULTS = frozenset((str, list, tuple, dict, set))


def _check_result(result: Any, owner: Any) -> None:
    for x in (result, owner):
        if isinstance(x, (str, list, tuple, dict, set)) and _too_large(len(x)):
            raise _too_big("this call", len(x))


def _check_mul(a: Any, b: Any) -> None:
    if _is_int(a) and _is_int(b):
        if a.bit_length() + b.bit_length() > INT_BITS:
            raise LimitError(f"'*' would make a number over {INT_BITS:,} bits")
        return
    for seq, n in ((a, b), (b, a)):
        if _is_int(n) and n > 1 and isinstance(seq, (str, list, tuple)):
            size = len(seq) * n if isinstance(seq, str) else _size(seq) * n
            if _too_large(size):
                raise _too_big("'*'", size)


def _check_pow(a: Any, b: Any) -> None:
    if _is_int(a) and _is_int(b) and b > 0 and abs(a) > 1 and a.bit_length() * b > INT_BITS:
        raise LimitError(f"'**' would make a number over {INT_BITS:,} bits")


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, (str, list, tuple)) and isinstance(b, (str, list, tuple)):
        size = len(a) + len(b)
        if _too_large(size):
            raise _too_big("'+'", size)


_BINOP_CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "*": _check_mul,
    "**": _check_pow,
    "+": _check_add,
    "%": lambda a, b: _check_percent(a, b) if isinstance(a, str) else None,
}


def _range(*args: int) -> range:
    rng = range(*args)
    try:
        n = len(rng)
    except OverflowError:
        n = RANGE_LIMIT + 1
    if n > RANGE_LIMIT:
        raise LimitError(f"range() of {n:,} numbers (at most {RANGE_LIMIT:,})")
    return rng


# --------------------------------------------------------------------------- filters


def _guarded(name: str, estimate: Callable[..., int]) -> Callable[..., Any]:
    """Jinja's filter ``name``, refusing (before it runs) what ``estimate`` says would be
    over the limit; ``estimate`` gets the filter's arguments without Jinja's own first one."""
    original = FILTERS[name]
    pass_arg = getattr(original, "jinja_pass_arg", None)

    def guarded(*args: Any, **kwargs: Any) -> Any:
        values = args[1:] if pass_arg is not None else args
        size = estimate(*values, **kwargs)
        if _too_large(size):
            raise _too_big(f"the filter {name}", size)
        return original(*args, **kwargs)

    if pass_arg is not None:
        guarded.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    guarded.__name__ = f"do_{name}"
    return guarded


_CHEAP_FILTERS = frozenset(
    ("abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float"),
) | frozenset(("forceescape", "int", "last", "length", "lower", "safe", "string", "trim", "upper"))
"""Filters that take time in proportion to one value's length at most: they do not tick
(the sizes are limited, and loops look at the clock)."""


def _ticking(original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that counts as one operation (:func:`_tick`): a sort of a long list in a
    loop cannot outlast the time limit."""
    pass_arg = getattr(original, "jinja_pass_arg", None)

    def ticking(*args: Any, **kwargs: Any) -> Any:
        _tick()
        return original(*args, **kwargs)

    if pass_arg is not None:
        ticking.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    ticking.__name__ = getattr(original, "__name__", "filter")
    return ticking


def _width(width: Any) -> int:
    return width if _is_int(width) else len(str(width))


def _format_estimate(value: Any, *args: Any, **kwargs: Any) -> int:
    _check_percent(str(value), tuple(args) or tuple(kwargs.values()))
    return 0


def _join_filter(name: str) -> Callable[..., Any]:
    original = FILTERS[name]

    @jinja2.pass_eval_context
    def do_join(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
        items = list(value)
        if attribute is None:
            size = _join_size(str(d), items)
            if _too_large(size):
                raise _too_big("the filter join", size)
        result = original(eval_ctx, items, d, attribute)
        if _too_large(len(result)):
            raise _too_big("the filter join", len(result))
        return result  # type: ignore[no-any-return]

    return do_join


def _sum_filter() -> Callable[..., Any]:
    original = FILTERS["sum"]

    @jinja2.pass_environment
    def do_sum(environment: Any, iterable: Iterable[Any], attribute: Any = None, start: Any = 0):
        if not isinstance(start, (int, float)):
            raise LimitError("sum() only adds numbers in a template")
        return original(environment, iterable, attribute, start)

    return do_sum


def _filters() -> dict[str, Callable[..., Any]]:
    out = {
        "center": _guarded("center", lambda v, width=80: _width(width)),
        "indent": _guarded(
            "indent",
            lambda s, width=4, *a, **k: len(str(s)) + (str(s).count("\n") + 1) * _width(width),
        ),
        "format": _guarded("format", _format_estimate),
        "replace": _guarded(
            "replace",
            lambda s, old, new, count=None: _replace_size(
                str(s), str(old), str(new), -1 if count is None else count
            ),
        ),
        "wordwrap": _guarded(
            "wordwrap",
            lambda s, width=79, blw=True, wrapstring=None, *a, **k: (
                len(str(s)) * (1 + len(str(wrapstring or "\n")) // max(_width(width), 1))
            ),
        ),
        "batch": _guarded("batch", lambda v, linecount, *a, **k: _width(linecount)),
        "slice": _guarded("slice", lambda v, slices, *a, **k: _width(slices)),
        "tojson": _guarded("tojson", lambda v, indent=None: _width(indent or 0) * 100),
        "join": _join_filter("join"),
        "sum": _sum_filter(),
    }
    return out


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    from jinja2.utils import generate_lorem_ipsum

    if _is_int(n) and _is_int(max) and _too_large(n * max * 12):
        raise _too_big("lipsum()", n * max * 12)
    return generate_lorem_ipsum(n, html, min, max)


# --------------------------------------------------------------------------- environment


@jinja2.pass_context  # (a context: never folded at compile time, where nothing counts)
def _loop_filter(context: Any, iterable: Any, static: int = 0) -> Iterable[Any]:
    """:func:`loop` as the filter the parser puts on every loop."""
    b = _state.budget
    if b is None:
        return iterable  # type: ignore[no-any-return]
    if type(iterable) in _SIZED and len(iterable) <= _SHORT:
        # a short list, tuple, range … is counted at once and looped over as it is (the
        # clock is looked at whenever the count passes a multiple of 128)
        n = len(iterable)
        ops = b.ops
        b.ops = ops + n + 1
        b.out += n * static
        if b.ops > OPERATION_LIMIT or b.out > b.limit or (ops >> 7) != (b.ops >> 7):
            _over(b)
        return iterable  # type: ignore[no-any-return]
    return _counted(iterable, b, static)


@jinja2.pass_context
def _concat_filter(context: Any, values: tuple[Any, ...]) -> str:
    return concat(*values)


LOOP_FILTER = "_deckgen_loop"
CONCAT_FILTER = "_deckgen_concat"


class _Counting(NodeTransformer):
    """Puts every ``{% for %}`` through :func:`loop` and every ``~`` through
    :func:`concat`, at parse time: as filters, which the compiled code calls directly."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - Jinja's visitor names
        static = sum(len(d.data) for d in node.find_all(nodes.TemplateData))
        static += sum(len(c.value) for c in node.find_all(nodes.Const) if isinstance(c.value, str))
        self.generic_visit(node)  # in place: the loop's own nodes
        node.iter = nodes.Filter(
            node.iter, LOOP_FILTER, [nodes.Const(static)], [], None, None
        ).set_lineno(node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(node)
        values = nodes.Tuple(list(node.nodes), "load")
        return nodes.Filter(values, CONCAT_FILTER, [], [], None, None).set_lineno(node.lineno)


class Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox with deckgen's limits (see the module's docstring)."""

    intercepted_binops = frozenset(_BINOP_CHECKS)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum
        self.filters.update(_filters())
        self.filters.update(
            {k: _ticking(f) for k, f in self.filters.items() if k not in _CHEAP_FILTERS}
        )
        self.filters[LOOP_FILTER] = _loop_filter
        self.filters[CONCAT_FILTER] = _concat_filter

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        tree = _Counting().visit(tree)
        tree.set_environment(self)
        return tree  # type: ignore[no-any-return]

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        _BINOP_CHECKS[operator](left, right)
        return self.binop_table[operator](left, right)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        _tick()
        target = getattr(obj, "__wrapped__", obj)  # the sandbox's wrapper of str.format
        owner = getattr(target, "__self__", None)
        if owner is None:  # a macro, a function: what it returns is checked
            result = super().call(context, obj, *args, **kwargs)
            if type(result) in _SIZED_RESULTS and _too_large(len(result)):
                raise _too_big("this call", len(result))
            return result
        if isinstance(owner, str):
            _check_str_method(owner, getattr(target, "__name__", ""), args, kwargs)
        elif (
            isinstance(owner, (list, dict, set))
            and getattr(target, "__name__", "") in ("extend", "update")
            and args
            and hasattr(args[0], "__len__")
            and _too_large(len(owner) + len(args[0]))
        ):
            raise _too_big(f"{target.__name__}()", len(owner) + len(args[0]))
        result = super().call(context, obj, *args, **kwargs)
        _check_result(result, owner)
        return result


@lru_cache(maxsize=1)
def environment() -> Sandbox:
    """The one environment every template of deckgen runs in."""
    return Sandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=finalize,
        keep_trailing_newline=True,
    )


# --------------------------------------------------------------------------- errors


def template_line(exc: BaseException) -> int | None:
    """The line of the template source where ``exc`` was raised while rendering (Jinja puts
    the template's lines in the traceback), else None."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_INTERNAL_WORDS = (
    "mro subclasses globals builtins func_globals func_code f_globals f_locals f_back "
    "f_builtins gi_frame gi_code cr_frame cr_code ag_frame ag_code tb_frame co_code "
    "im_func im_self self environment"
)
_INTERNAL = re.compile(
    r"(?<![\w])(?:__\w+|_TemplateReference\w*|"
    + "|".join(map(re.escape, _INTERNAL_WORDS.split()))
    + r")(?!\w)"
)
_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)


def internals_in(source: str) -> list[str]:
    """Names in ``source``'s tags that reach for Python's internals (``__class__``,
    ``mro``, ``__globals__``, ``self`` …): a template has no business with them, and the
    sandbox refuses them when the slide is made (this finds them before)."""
    found: list[str] = []
    for m in _TAG.finditer(source):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        for word in _INTERNAL.findall(body):
            if word not in found:
                found.append(word)
    return found
