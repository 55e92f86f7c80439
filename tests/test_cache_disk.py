"""The on-disk template cache (deckgen.cache): same decks, re-read on change, never fatal."""

from __future__ import annotations

import marshal
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pptx
import pytest

import deckgen
from deckgen import cache, plan, themes
from deckgen.render import reader, writer

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.md"
PPTX_DEFAULT = Path(pptx.__file__).parent / "templates" / "default.pptx"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(folder))
    monkeypatch.delenv("DECKGEN_NO_CACHE", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _forget()
    yield folder
    _forget()


def _forget() -> None:
    """Drop the in-memory caches, as a new process would start."""
    themes._cache.clear()
    writer._cache.clear()
    plan._compiled.clear()


@pytest.fixture
def theme_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "theme"
    shutil.copytree(themes.bundled_dir() / "default", folder)
    return folder


def _build(out: Path, template: str | Path | None = None) -> bytes:
    _forget()
    deckgen.build(CONTENT, out, template=str(template) if template else None)
    return out.read_bytes()


def test_cached_build_is_byte_identical(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DECKGEN_NO_CACHE", "1")
    plain = _build(tmp_path / "plain.pptx")
    assert not cache_dir.exists()
    monkeypatch.delenv("DECKGEN_NO_CACHE")
    first = _build(tmp_path / "first.pptx")  # reads the template, fills the cache
    kinds = sorted(p.name.split("-")[0] for p in cache_dir.glob("*.pickle"))
    assert kinds == ["jinja", "template"]  # the theme and the writer's recipe, read together
    cached = _build(tmp_path / "cached.pptx")  # from the cache
    assert first == plain
    assert cached == plain


@pytest.mark.parametrize("cached", [True, False])
def test_a_first_build_reads_its_template_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    """The theme (for plan and fit) and the writer's recipe come from one opened
    presentation, a prototype theme or a corporate template alike (issue 13, item 11)."""
    if not cached:
        monkeypatch.setenv("DECKGEN_NO_CACHE", "1")
    opened: list[tuple[object, ...]] = []
    monkeypatch.setattr(reader, "open_presentation", _spy(reader.open_presentation, opened))
    for template in (None, PPTX_DEFAULT):
        opened.clear()
        first = _build(tmp_path / "first.pptx", template)
        assert len(opened) == 1
        themes._cache.clear()  # a rebuild in a new process, or in this one
        opened.clear()
        again = _build(tmp_path / "again.pptx", template)
        assert len(opened) == (0 if cached else 1)
        assert again == first


def test_a_deck_without_notes_from_a_template_without_a_notes_master(
    tmp_path: Path, cache_dir: Path
) -> None:
    """The recipe read with the theme brings a notes master when the template has none; a
    deck without speaker notes must not gain it, so its recipe is read again (once)."""
    folder = tmp_path / "silent"
    folder.mkdir()
    shutil.copy(PPTX_DEFAULT, folder / "template.pptx")
    (folder / "notes.j2").write_text("", encoding="utf-8")
    silent = _build(tmp_path / "silent.pptx", folder)
    with zipfile.ZipFile(tmp_path / "silent.pptx") as z:
        assert not [n for n in z.namelist() if "notes" in n.lower()]
    assert sorted(p.name.split("-")[0] for p in cache_dir.glob("*.pickle")) == [
        "jinja",
        "template",
        "writer",
    ]
    assert _build(tmp_path / "again.pptx", folder) == silent


def test_cached_build_uses_no_pptx_nor_lxml(tmp_path: Path, cache_dir: Path) -> None:
    code = (
        "import sys, deckgen; deckgen.build(sys.argv[1], sys.argv[2]); "
        "print('pptx' in sys.modules, 'lxml' in sys.modules)"
    )
    env = dict(os.environ)
    runs = []
    for name in ("a.pptx", "b.pptx"):
        out = subprocess.run(
            [sys.executable, "-c", code, str(CONTENT), str(tmp_path / name)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        runs.append(out.stdout.strip())
    # the first reads the template; the second writes from what the first kept
    assert runs == ["True True", "False False"]
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()


def test_cached_build_compiles_no_jinja(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _build(tmp_path / "first.pptx")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled a template the cache holds")

    _forget()
    monkeypatch.setattr(plan.environment(), "compile", refuse)
    assert _build(tmp_path / "cached.pptx") == first


def test_changed_template_is_read_again(tmp_path: Path, theme_dir: Path) -> None:
    _build(tmp_path / "one.pptx", theme_dir)
    assert themes.load(str(theme_dir)).description
    yaml = theme_dir / "theme.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "\ndescription: changed\n", "utf-8")
    _forget()
    assert themes.load(str(theme_dir)).description == "changed"
    # the template itself: another theme's file in its place, same name
    shutil.copy(themes.bundled_dir() / "dark" / "template.pptx", theme_dir / "template.pptx")
    os.utime(theme_dir / "template.pptx")
    changed = _build(tmp_path / "two.pptx", theme_dir)
    _forget()
    os.environ["DECKGEN_NO_CACHE"] = "1"
    try:
        fresh = _build(tmp_path / "three.pptx", theme_dir)
    finally:
        del os.environ["DECKGEN_NO_CACHE"]
    assert changed == fresh
    assert changed != (tmp_path / "one.pptx").read_bytes()


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty", "foreign"])
def test_damaged_entry_is_ignored_and_replaced(
    tmp_path: Path, cache_dir: Path, damage: str
) -> None:
    good = _build(tmp_path / "good.pptx")
    entries = sorted(cache_dir.glob("*.pickle"))
    assert entries
    for entry in entries:
        blob = entry.read_bytes()
        if damage == "garbage":
            entry.write_bytes(b"not a pickle at all")
        elif damage == "truncate":
            entry.write_bytes(blob[: len(blob) // 2])
        elif damage == "empty":
            entry.write_bytes(b"")
        else:  # a valid pickle of something else
            import pickle

            entry.write_bytes(pickle.dumps(((0, "x", "theme", ()), ["odd"])))
    again = _build(tmp_path / "again.pptx")
    assert again == good
    for entry in entries:  # rewritten with a good value
        assert entry.read_bytes() not in (b"", b"not a pickle at all")
    assert _build(tmp_path / "third.pptx") == good


def test_wrong_type_in_entry_is_a_miss(tmp_path: Path, cache_dir: Path) -> None:
    good = _build(tmp_path / "good.pptx")
    import pickle

    for entry in cache_dir.glob("*.pickle"):
        key, _ = pickle.loads(entry.read_bytes())
        entry.write_bytes(pickle.dumps((key, {"not": "a theme"})))
    assert _build(tmp_path / "again.pptx") == good


def test_read_only_cache_dir_does_not_fail(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir.mkdir()
    cache_dir.chmod(0o500)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # root ignores the mode: refuse the writes as a read-only folder would
    monkeypatch.setattr(cache, "mkstemp", refuse)
    try:
        good = _build(tmp_path / "a.pptx")
        assert _build(tmp_path / "b.pptx") == good
        assert not list(cache_dir.iterdir())
    finally:
        cache_dir.chmod(0o700)


def test_cache_dir_that_is_a_file_does_not_fail(tmp_path: Path, cache_dir: Path) -> None:
    cache_dir.write_text("in the way")
    _build(tmp_path / "a.pptx")
    assert cache_dir.read_text() == "in the way"


def test_entries_are_bounded(tmp_path: Path, cache_dir: Path) -> None:
    for i in range(cache.MAX_ENTRIES + 5):
        cache.store("test", (i,), i)
    names = list(cache_dir.glob("*.pickle"))
    assert len(names) == cache.MAX_ENTRIES
    assert cache.load("test", (cache.MAX_ENTRIES + 4,)) == cache.MAX_ENTRIES + 4
    assert not list(cache_dir.glob(".tmp-*"))


def test_no_cache_env(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECKGEN_NO_CACHE", "1")
    _build(tmp_path / "a.pptx")
    assert not cache_dir.exists()
    assert cache.directory() is None


def test_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DECKGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == tmp_path / "xdg" / "deckgen"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == tmp_path / "home" / ".cache" / "deckgen"


def test_the_code_digest_is_part_of_the_key(
    monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    cache.store("test", ("k",), "v")
    assert cache.load("test", ("k",)) == "v"
    monkeypatch.setattr(cache, "_digest", "other code")
    assert cache.load("test", ("k",)) is None


def test_entries_written_by_other_code_are_never_read(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an older deckgen (or an edited checkout, or other library versions) stored is a
    miss for this code: never a crash, never a deck made from the other code's values."""
    monkeypatch.setattr(cache, "_digest", "old code")
    good = _build(tmp_path / "good.pptx")
    assert sorted(p.name.split("-")[0] for p in cache_dir.glob("*.pickle")) == [
        "jinja",
        "template",
    ]
    # the old code's compiled templates, as if it had compiled other tags: read, they would
    # make another deck (or fail)
    wrong = marshal.dumps(plan.environment().compile("WRONG"))
    for entry in cache_dir.glob("jinja-*.pickle"):
        full, codes = pickle.loads(entry.read_bytes())
        entry.write_bytes(pickle.dumps((full, tuple(wrong for _ in codes))))
    try:
        poisoned = _build(tmp_path / "poisoned.pptx")
    except Exception:  # noqa: S110 - the old code reading its own poisoned entry may fail
        poisoned = b""
    assert poisoned != good  # the poison works on the code that wrote it

    monkeypatch.setattr(cache, "_digest", "new code")
    reads = []
    monkeypatch.setattr(reader, "read", _spy(reader.read, reads))
    compiled = []
    env = plan.environment()
    monkeypatch.setattr(env, "compile", _spy(env.compile, compiled))
    assert _build(tmp_path / "new.pptx") == good
    assert reads and compiled  # the template was read and its tags compiled again
    assert len(list(cache_dir.glob("*.pickle"))) == 4  # the new code's beside the old


def _spy(real, calls: list):  # type: ignore[no-untyped-def]
    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(*args, **kwargs)

    return spy


def test_the_code_digest_follows_files_and_ignores_bytecode(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__pycache__").mkdir()
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"bytecode")
    before = cache.tree_stamp(pkg)
    assert [Path(p).name for p, _, _ in before] == ["a.py"]
    (pkg / "sub" / "b.py").write_text("y = 2\n")
    added = cache.tree_stamp(pkg)
    assert added != before
    os.utime(pkg / "a.py", ns=(1_000_000_000, 1_000_000_000))
    assert cache.tree_stamp(pkg) != added
    assert cache.library_stamp("no_such_library_here") == ("no_such_library_here", None)
    name, origin, stamp = cache.library_stamp("pptx")
    assert origin.endswith("__init__.py") and stamp is not None


def test_the_code_digest_is_stable_and_imports_no_library() -> None:
    # (what it costs a build's start is in benchmarks/bench.py's cold-build figure: a
    # timed assertion here failed on a loaded machine)
    code = (
        "import sys; from deckgen import cache; d = cache.code_digest(); "
        "print(d, 'pptx' in sys.modules, 'lxml' in sys.modules, 'jinja2' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0][:4] == runs[1][:4]  # the same digest in every process
    assert runs[0][1:4] == ["False", "False", "False"]


def test_compiled_templates_are_shared_between_processes(tmp_path: Path) -> None:
    """The Jinja key holds every environment setting, named the same in every process (no
    addresses): a second process compiles nothing."""
    code = (
        "import sys, deckgen; from deckgen import plan\n"
        "if sys.argv[3] == 'refuse':\n"
        "    def boom(*a, **k): raise SystemExit('compiled again')\n"
        "    plan.environment().compile = boom\n"
        "deckgen.build(sys.argv[1], sys.argv[2])\n"
    )
    for name, mode in (("a.pptx", "fill"), ("b.pptx", "refuse")):
        proc = subprocess.run(
            [sys.executable, "-c", code, str(CONTENT), str(tmp_path / name), mode],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()


def test_ctrl_c_as_mkstemp_returns_leaves_no_temporary_entry(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = cache.mkstemp

    def made_then_interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        fd, name = real(*args, **kwargs)
        os.close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(cache, "mkstemp", made_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.store("theme", ("k",), 1)
    assert list(cache_dir.iterdir()) == []
