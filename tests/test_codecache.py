"""deckgen.codecache: dataclasses' generated methods and regular expressions from the on-disk
cache, the same code."""

from __future__ import annotations

import _sre
import dataclasses
import inspect
import marshal
import os
import pickle
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from deckgen import cache, codecache

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.md"


def _classes() -> list[type]:
    """A frozen class, a plain one, one with a default factory, a subclass, one with slots."""

    @dataclass(frozen=True)
    class Frozen:
        text: str
        size: float = 1.0
        tags: tuple[str, ...] = ()

    @dataclass
    class Plain:
        items: list[int] = field(default_factory=list)
        name: str | None = None

    @dataclass(frozen=True)
    class Sub(Frozen):
        level: int = 0

    @dataclass(order=True, slots=True)
    class Ordered:
        a: int
        b: Any = None

    return [Frozen, Plain, Sub, Ordered]


def _methods(cls: type) -> dict[str, Any]:
    out = {}
    for name in (
        "__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__lt__",
    ):  # fmt: skip
        fn = cls.__dict__.get(name)
        fn = getattr(fn, "__wrapped__", fn)  # __repr__ is wrapped by reprlib
        if fn is not None and hasattr(fn, "__code__"):
            out[name] = fn
    return out


def test_the_classes_are_the_same_with_the_cache_and_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same code objects (annotations included: no ``__future__`` flag of deckgen's may
    leak into the compiled text), compiled or taken from the cache."""
    monkeypatch.setattr(codecache, "_codes", {})
    monkeypatch.setattr(codecache, "_new", {})
    monkeypatch.setattr(dataclasses, "exec", codecache._exec, raising=False)
    compiled = _classes()  # compiled by the cache's exec, and kept
    assert codecache._new
    cached = _classes()  # from what it kept
    monkeypatch.delattr(dataclasses, "exec")
    plain = _classes()  # by Python's own exec
    for a, b, c in zip(compiled, cached, plain, strict=True):
        ma, mb, mc = _methods(a), _methods(b), _methods(c)
        assert ma.keys() == mb.keys() == mc.keys()
        assert "__init__" in ma
        for name in ma:
            assert ma[name].__code__ == mb[name].__code__ == mc[name].__code__, name
            assert ma[name].__code__.co_filename == mc[name].__code__.co_filename
            assert ma[name].__annotations__ == mc[name].__annotations__, name
        assert str(inspect.signature(a)) == str(inspect.signature(c))
        assert repr(a.__dataclass_fields__) == repr(c.__dataclass_fields__)


def _run(code: str, cache_dir: Path | None, *args: str) -> str:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1"}
    env.pop("DECKGEN_NO_CACHE", None)
    if cache_dir is None:
        env["DECKGEN_NO_CACHE"] = "1"
    else:
        env["DECKGEN_CACHE_DIR"] = str(cache_dir)
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


BUILD = (
    "import sys, dataclasses, re; from deckgen import codecache; codecache.install()\n"
    "import deckgen; deckgen.build(sys.argv[1], sys.argv[2])\n"
    "print(getattr(dataclasses, 'exec', None) is codecache._exec, len(codecache._new),\n"
    "      re._compiler.compile is codecache._compile_pattern, len(codecache._new_patterns))\n"
)


def _stored(folder: Path) -> tuple[dict, dict, list]:
    (entry,) = folder.glob(f"{codecache.KIND}-*.pickle")
    _, blob = pickle.loads(entry.read_bytes())
    return marshal.loads(blob)


def test_a_second_process_compiles_no_dataclass_and_no_pattern(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = _run(BUILD, folder, str(CONTENT), str(tmp_path / "a.pptx")).split()
    # deckgen's classes, markdown-it's …; deckgen's patterns, markdown-it's, Jinja's …
    assert first[0] == first[2] == "True" and int(first[1]) > 20 and int(first[3]) > 100
    classes, patterns, not_kept = _stored(folder)  # stored at exit
    assert len(classes) == int(first[1]) and len(patterns) == int(first[3])
    assert not_kept == []
    (entry,) = folder.glob(f"{codecache.KIND}-*.pickle")
    stored = entry.read_bytes()
    for name in ("b.pptx", "c.pptx"):
        again = _run(BUILD, folder, str(CONTENT), str(tmp_path / name)).split()
        # (markdown-it makes a pattern from a set: its text differs between processes)
        assert again[:3] == ["True", "0", "True"] and int(again[3]) <= 2
        assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / name).read_bytes()
    assert entry.read_bytes() == stored  # not stored again for those


def test_patterns_from_the_cache_are_those_re_makes(tmp_path: Path) -> None:
    """Every kept pattern, made from the cache, equals what ``re`` makes of it: the same
    flags, matcher code and groups."""
    folder = tmp_path / "cache"
    _run(BUILD, folder, str(CONTENT), str(tmp_path / "a.pptx"))
    _, patterns, _ = _stored(folder)
    own = codecache._re_compile or re._compiler.compile
    assert getattr(own, "__module__", None) == "re._compiler"  # re's own
    assert len(patterns) > 100
    for (p, flags), parts in patterns.items():
        made, real = _sre.compile(p, *parts), own(p, flags)
        assert made == real, p
        assert (made.flags, made.groups, made.groupindex) == (
            real.flags,
            real.groups,
            real.groupindex,
        ), p


def test_a_pattern_that_warns_is_not_kept(tmp_path: Path) -> None:
    """Its warning must be given in every process, so it is compiled by ``re`` each time."""
    folder = tmp_path / "cache"
    code = (
        "import warnings, re; from deckgen import codecache; codecache.install()\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    re.compile('[[a]x' + __import__('sys').argv[1])\n"
        "print(len(w), w[0].category.__name__, w[0].filename, w[0].lineno)\n"
    )
    said = "1 FutureWarning <string> 4"  # possible nested set, at the caller's line
    assert _run(code, folder, "1") == said
    _, patterns, not_kept = _stored(folder)
    assert ("[[a]x1", 0) in not_kept and ("[[a]x1", 0) not in patterns
    assert _run(code, folder, "1") == said  # warned again, from the same line
    assert len(list(folder.glob("*.pickle"))) == 1


def test_with_the_cache_off_dataclasses_and_re_are_left_alone(tmp_path: Path) -> None:
    assert _run(BUILD, None, str(CONTENT), str(tmp_path / "a.pptx")) == "False 0 False 0"


LIBRARY = (
    "import sys, dataclasses, re, deckgen\n"
    "deckgen.build(sys.argv[1], sys.argv[2])\n"
    "from deckgen import cli, codecache\n"
    "print(getattr(dataclasses, 'exec', None) is codecache._exec,\n"
    "      re._compiler.compile is codecache._compile_pattern)\n"
)


def test_a_program_that_imports_deckgen_keeps_its_re_and_dataclasses(tmp_path: Path) -> None:
    # only the deckgen command, whose process is deckgen's alone, takes them from the cache
    folder = tmp_path / "cache"
    assert _run(LIBRARY, folder, str(CONTENT), str(tmp_path / "a.pptx")) == "False False"
    assert not list(folder.glob(f"{codecache.KIND}-*.pickle"))


def test_the_command_takes_them_from_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    # (the same build time in both decks' properties)
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(folder), "SOURCE_DATE_EPOCH": "1"}
    env.pop("DECKGEN_NO_CACHE", None)
    for name in ("a.pptx", "b.pptx"):
        proc = subprocess.run(
            [sys.executable, "-m", "deckgen", "build", str(CONTENT), "-o", str(tmp_path / name),
             "-q"],
            capture_output=True, text=True, env=env, cwd=ROOT,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    (entry,) = folder.glob(f"{codecache.KIND}-*.pickle")
    classes, patterns, _ = _stored(folder)
    assert len(classes) > 20 and len(patterns) > 100
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()


@pytest.mark.parametrize("damage", ["garbage", "wrong type", "not code", "not patterns"])
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "cache"
    _run(BUILD, folder, str(CONTENT), str(tmp_path / "a.pptx"))
    (entry,) = folder.glob(f"{codecache.KIND}-*.pickle")
    full, _ = pickle.loads(entry.read_bytes())
    value: object = {
        "garbage": b"\x00not marshal",
        "wrong type": ["a", "list"],
        "not code": marshal.dumps(({"def f(): pass": "not code"}, {}, [])),
        "not patterns": marshal.dumps(({}, {("x", 0): "not parts"}, [])),
    }[damage]
    entry.write_bytes(pickle.dumps((full, value)))
    again = _run(BUILD, folder, str(CONTENT), str(tmp_path / "b.pptx")).split()
    assert int(again[1]) > 20 and int(again[3]) > 100  # compiled again, and stored again
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()
    again = _run(BUILD, folder, str(CONTENT), str(tmp_path / "c.pptx")).split()
    assert again[:3] == ["True", "0", "True"] and int(again[3]) <= 2


def test_the_key_holds_the_optimization_level(tmp_path: Path) -> None:
    """``-O`` changes what ``compile`` makes: its code is kept apart."""
    folder = tmp_path / "cache"
    _run(BUILD, folder, str(CONTENT), str(tmp_path / "a.pptx"))
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(folder)}
    env.pop("DECKGEN_NO_CACHE", None)
    proc = subprocess.run(
        [sys.executable, "-O", "-c", BUILD, str(CONTENT), str(tmp_path / "b.pptx")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.split()[1]) > 20  # its own classes' code
    assert len(list(folder.glob(f"{codecache.KIND}-*.pickle"))) == 2


def test_save_stores_only_when_something_was_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(codecache, "_new", {})
    monkeypatch.setattr(codecache, "_new_patterns", {})
    codecache.save()
    assert not list(tmp_path.iterdir())
    code = compile("x = 1", "<string>", "exec")
    monkeypatch.setattr(codecache, "_codes", {"x = 1": code})
    monkeypatch.setattr(codecache, "_new", {"x = 1": code})
    monkeypatch.setattr(codecache, "_patterns", {})
    monkeypatch.setattr(codecache, "_new_patterns", {})
    monkeypatch.setattr(codecache, "_not_kept", set())
    assert codecache._compile_pattern("a+", 0) == re.compile("a+")  # made, and kept
    codecache.save()
    classes, patterns, not_kept = marshal.loads(cache.load(codecache.KIND, codecache._key()))
    assert list(classes) == ["x = 1"] and list(patterns) == [("a+", 0)] and not_kept == []
    assert not codecache._new and not codecache._new_patterns
