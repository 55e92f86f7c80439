"""Open XML schema validation of the decks the tests write (issue 5: zero errors).

The validator is openxml-audit (PyPI, the ``test`` extra): pure Python, offline, with the
ECMA-376 schemas compiled in. It checks every part against its schema (element order,
required children, attribute types and ranges), relationships and content types, and
PresentationML rules; it reports what it finds as ``[kind] /part:/xpath: message``.

``validate`` never skips: a missing validator is an error, not a pass. Code that may run
where it is not installed calls ``require_validator`` to skip explicitly.

The two autouse fixtures at the end (imported by tests/conftest.py) validate every deck any
test writes, at the end of that test; decks written by Python processes the tests start are
recorded (tests/subprocess_decks/sitecustomize.py) and validated at the end of the session,
which fails if decks were written and none was validated.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "check_not_inert",
    "validate",
    "validate_recorded",
    "written_by_deckgen",
    "require_validator",
    "junk_escapes",
    "record_written_decks",
    "decks_are_schema_valid",
    "pytest_terminal_summary",
]

# "_x0000_" is how python-pptx and Office write a character XML cannot hold; in a deck
# built from text it means a control character reached a slide.
_JUNK = re.compile(rb"_x[0-9A-Fa-f]{4}_")


def require_validator() -> None:
    pytest.importorskip("openxml_audit", reason="openxml-audit is not installed (test extra)")


def validate(path: str | os.PathLike[str]) -> list[str]:
    """Every schema or package error in the deck at ``path`` (empty: valid)."""
    from openxml_audit import validate_pptx

    result = validate_pptx(Path(path))
    errors = [str(e) for e in result.errors]
    if not result.is_valid and not errors:
        errors = ["openxml-audit: invalid, without a message"]
    return errors


def junk_escapes(path: str | os.PathLike[str]) -> list[str]:
    """Parts of the deck whose XML holds ``_xHHHH_`` escapes, with the first one found."""
    found = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                m = _JUNK.search(zf.read(name))
                if m:
                    found.append(f"{name}: {m.group(0).decode()}")
    return found


# --------------------------------------------------------------------------- every deck

# Validation takes ~20 ms a slide: decks bigger than this are checked only with
# DECKGEN_SCHEMA=all (DECKGEN_SCHEMA=off turns the check off).
MAX_SLIDES = 200
_SLIDE = re.compile(r"ppt/slides/slide\d+\.xml")
SUBPROCESS_HOOK = Path(__file__).resolve().parent / "subprocess_decks"
"""Holds the sitecustomize that records decks written by Python subprocesses of the tests."""

_written: list[tuple[str, Path]] = []
_counts = {"validated": 0, "subprocess": 0, "bigger": 0}
_state = {"off": ""}  # why decks are not validated, if they are not


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line at the end of the run: how many decks the schema check saw (or why none)."""
    if _state["off"]:
        terminalreporter.write_line(f"openxml-audit: decks NOT validated: {_state['off']}")
    elif any(_counts.values()):
        terminalreporter.write_line(
            f"openxml-audit: {_counts['validated']} decks written by the tests validated "
            f"({_counts['subprocess']} of them by subprocesses); {_counts['bigger']} over "
            f"{MAX_SLIDES} slides not (DECKGEN_SCHEMA=all checks them)"
        )


def _slides(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(1 for n in zf.namelist() if _SLIDE.fullmatch(n))
    except (OSError, zipfile.BadZipFile):
        return 0


def written_by_deckgen(path: Path) -> bool:
    """A deck deckgen's writer made: a presentation whose members all carry the fixed
    1980-01-01 time deckgen writes (python-pptx and zipfile stamp the current time)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
    names = {i.filename for i in infos}
    return "ppt/presentation.xml" in names and all(
        i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos
    )


def check_not_inert(validated: int, folder: Path) -> None:
    """Fail when no deck was validated although decks were written under ``folder``: the
    check would otherwise pass silently after a change to how decks are written."""
    if validated:
        return
    written = [p for p in folder.rglob("*.pptx") if written_by_deckgen(p)]
    assert not written, (
        f"the tests wrote {len(written)} deck(s) (e.g. {written[0]}) and the schema check "
        "validated none: tests/schema.py no longer sees decks being written (does "
        "render.writer still write through its module's atomic_write?)"
    )


def validate_recorded(folder: Path, mode: str = "on") -> tuple[list[str], int, int]:
    """Validate the decks subprocesses recorded in ``folder`` (subprocess_decks/
    sitecustomize.py), then remove them: (one problem per invalid deck, naming the deck's own
    path; how many were validated; how many were too big to be)."""
    problems = []
    validated = bigger = 0
    for copy in sorted(folder.glob("*.pptx")):
        sidecar = copy.with_suffix(".path")
        out = sidecar.read_text(encoding="utf-8") if sidecar.exists() else copy.name
        if mode != "all" and _slides(copy) > MAX_SLIDES:
            bigger += 1
        else:
            errors = validate(copy)
            validated += 1
            if errors:
                problems.append(f"{out}: {len(errors)} schema errors, first: {errors[:3]}")
        copy.unlink()
        sidecar.unlink(missing_ok=True)
    return problems, validated, bigger


@pytest.fixture(scope="session", autouse=True)
def record_written_decks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep a copy of every deck the render stage writes during the session.

    ``atomic_write`` is looked up in the writer module when a deck is written, so this sees
    every deck, whichever API wrote it. The copy is taken at once (a test may change or
    remove its deck later) and validated when the test ends (``decks_are_schema_valid``),
    so no test is slowed while it runs (watch mode waits for rebuilds). Python processes the
    tests start record theirs through ``SUBPROCESS_HOOK`` (on PYTHONPATH); those are
    validated when the session ends. The session fails if it validated no deck although
    decks were written (``check_not_inert``).
    """
    mode = os.environ.get("DECKGEN_SCHEMA", "on")
    if mode == "off":
        _state["off"] = "DECKGEN_SCHEMA=off"
        yield
        return
    if importlib.util.find_spec("openxml_audit") is None:
        _state["off"] = "openxml-audit is not installed (pip install -e '.[test]')"
        yield
        return
    from deckgen.render import writer

    real = getattr(writer, "atomic_write", None)
    assert real is not None, "tests/schema.py: render.writer.atomic_write is gone"
    store = tmp_path_factory.mktemp("written-decks")
    recorded = tmp_path_factory.mktemp("subprocess-decks")
    count = 0

    def atomic_write(out: Any, write: Any) -> None:
        nonlocal count
        real(out, write)
        path = Path(out)
        if path.suffix.lower() != ".pptx":
            return
        if mode != "all" and _slides(path) > MAX_SLIDES:
            _counts["bigger"] += 1
            return
        count += 1
        copy = store / f"{count:05d}-{path.name}"
        shutil.copyfile(path, copy)
        _written.append((str(out), copy))

    pythonpath = os.environ.get("PYTHONPATH")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(writer, "atomic_write", atomic_write)
        mp.setenv("DECKGEN_TEST_DECKS", str(recorded))
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(SUBPROCESS_HOOK), pythonpath])))
        yield
    problems, validated, bigger = validate_recorded(recorded, mode)
    _counts["validated"] += validated
    _counts["subprocess"] += validated
    _counts["bigger"] += bigger
    assert not problems, "deck(s) written by subprocesses not valid Open XML:\n" + "\n".join(
        problems
    )
    check_not_inert(_counts["validated"] + _counts["bigger"], tmp_path_factory.getbasetemp())


@pytest.fixture(autouse=True)
def decks_are_schema_valid() -> Iterator[None]:
    """Fail (at teardown) a test that wrote a deck with any schema error."""
    start = len(_written)
    yield
    mine = _written[start:]
    del _written[start:]
    problems = []
    for out, copy in mine:
        errors = validate(copy)
        _counts["validated"] += 1
        if errors:
            problems.append(f"{out}: {len(errors)} schema errors, first: {errors[:3]}")
        copy.unlink()
    assert not problems, "deck(s) not valid Open XML:\n" + "\n".join(problems)
