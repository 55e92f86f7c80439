"""deckgen.classcache: dataclasses' generated methods from the on-disk cache, the same code."""

from __future__ import annotations

import dataclasses
import inspect
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from deckgen import cache, classcache

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
    monkeypatch.setattr(classcache, "_codes", {})
    monkeypatch.setattr(classcache, "_new", {})
    monkeypatch.setattr(dataclasses, "exec", classcache._exec, raising=False)
    compiled = _classes()  # compiled by the cache's exec, and kept
    assert classcache._new
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
    "import sys, dataclasses, deckgen; from deckgen import classcache\n"
    "deckgen.build(sys.argv[1], sys.argv[2])\n"
    "print(getattr(dataclasses, 'exec', None) is classcache._exec, len(classcache._new))\n"
)


def test_a_second_process_compiles_no_dataclass(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = _run(BUILD, folder, str(CONTENT), str(tmp_path / "a.pptx"))
    installed, compiled = first.split()
    assert installed == "True" and int(compiled) > 20  # deckgen's classes, markdown-it's …
    assert len(list(folder.glob(f"{classcache.KIND}-*.pickle"))) == 1  # stored at exit
    assert _run(BUILD, folder, str(CONTENT), str(tmp_path / "b.pptx")) == "True 0"
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()


def test_with_the_cache_off_dataclasses_is_left_alone(tmp_path: Path) -> None:
    assert _run(BUILD, None, str(CONTENT), str(tmp_path / "a.pptx")) == "False 0"


@pytest.mark.parametrize("damage", ["garbage", "wrong type", "not code"])
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "cache"
    _run(BUILD, folder, str(CONTENT), str(tmp_path / "a.pptx"))
    (entry,) = folder.glob(f"{classcache.KIND}-*.pickle")
    import marshal
    import pickle

    full, _ = pickle.loads(entry.read_bytes())
    value: object = {
        "garbage": b"\x00not marshal",
        "wrong type": ["a", "list"],
        "not code": marshal.dumps({"def f(): pass": "not code"}),
    }[damage]
    entry.write_bytes(pickle.dumps((full, value)))
    installed, compiled = _run(BUILD, folder, str(CONTENT), str(tmp_path / "b.pptx")).split()
    assert installed == "True" and int(compiled) > 20  # compiled again, and stored again
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()
    assert _run(BUILD, folder, str(CONTENT), str(tmp_path / "c.pptx")) == "True 0"


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
    assert int(proc.stdout.split()[1]) > 20
    assert len(list(folder.glob(f"{classcache.KIND}-*.pickle"))) == 2


def test_save_stores_only_when_something_was_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(classcache, "_new", {})
    classcache.save()
    assert not list(tmp_path.iterdir())
    code = compile("x = 1", "<string>", "exec")
    monkeypatch.setattr(classcache, "_codes", {"x = 1": code})
    monkeypatch.setattr(classcache, "_new", {"x = 1": code})
    classcache.save()
    assert cache.load(classcache.KIND, classcache._key()) is not None
    assert not classcache._new
