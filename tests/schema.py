"""Open XML schema validation of the decks the tests write (issue 5: zero errors).

The validator is openxml-audit (PyPI, the ``test`` extra): pure Python, offline, with the
ECMA-376 schemas compiled in. It checks every part against its schema (element order,
required children, attribute types and ranges), relationships and content types, and
PresentationML rules; it reports what it finds as ``[kind] /part:/xpath: message``.

``validate`` never skips: a missing validator is an error, not a pass. Code that may run
where it is not installed calls ``require_validator`` to skip explicitly.

The two autouse fixtures at the end (imported by tests/conftest.py) validate every deck any
test writes, at the end of that test.
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
    "validate",
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

_written: list[tuple[str, Path]] = []
_counts = {"validated": 0, "bigger": 0}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line at the end of the run: how many decks the schema check saw."""
    if _counts["validated"] or _counts["bigger"]:
        terminalreporter.write_line(
            f"openxml-audit: {_counts['validated']} decks written by the tests validated; "
            f"{_counts['bigger']} over {MAX_SLIDES} slides not (DECKGEN_SCHEMA=all checks them)"
        )


def _slides(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(1 for n in zf.namelist() if _SLIDE.fullmatch(n))
    except (OSError, zipfile.BadZipFile):
        return 0


@pytest.fixture(scope="session", autouse=True)
def record_written_decks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep a copy of every deck the render stage writes during the session.

    ``atomic_write`` is looked up in the writer module when a deck is written, so this sees
    every deck, whichever API wrote it. The copy is taken at once (a test may change or
    remove its deck later) and validated when the test ends (``decks_are_schema_valid``),
    so no test is slowed while it runs (watch mode waits for rebuilds).
    """
    mode = os.environ.get("DECKGEN_SCHEMA", "on")
    if mode == "off" or importlib.util.find_spec("openxml_audit") is None:
        yield
        return
    from deckgen.render import writer

    real = getattr(writer, "atomic_write", None)
    if real is None:  # the writer changed: say so rather than pass silently
        import warnings

        warnings.warn(
            "tests/schema.py: render.writer.atomic_write is gone; decks not validated",
            stacklevel=1,
        )
        yield
        return
    store = tmp_path_factory.mktemp("written-decks")
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

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(writer, "atomic_write", atomic_write)
        yield


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
