"""For test sessions only: tests/schema.py puts this folder first on PYTHONPATH, so every
Python process a test starts (``python -m deckgen build …``) runs this at start-up.

When ``DECKGEN_TEST_DECKS`` names a folder, a copy of every deck deckgen's writer writes in
that process goes there (``<pid>-<n>.pptx``, with the deck's own path in ``<pid>-<n>.path``),
for the session to validate at its end, as it validates the decks written in its own
process. Nothing is imported until something imports ``deckgen.render.writer`` (tests check
which modules a build imports), and the interpreter's own sitecustomize, if any, still runs.
"""

from __future__ import annotations

import os
import sys

_WRITER = "deckgen.render.writer"


def _record(writer: object, folder: str) -> None:
    real = writer.atomic_write  # type: ignore[attr-defined]
    count = 0

    def atomic_write(out: object, write: object) -> None:
        nonlocal count
        real(out, write)
        path = os.fspath(out)  # type: ignore[arg-type]
        if not path.lower().endswith(".pptx"):
            return
        count += 1
        base = os.path.join(folder, f"{os.getpid()}-{count:05d}")
        try:
            import shutil

            shutil.copyfile(path, base + ".pptx.part")
            with open(base + ".path", "w", encoding="utf-8") as f:
                f.write(os.path.abspath(path))
            os.replace(base + ".pptx.part", base + ".pptx")
        except OSError:
            pass

    writer.atomic_write = atomic_write  # type: ignore[attr-defined]


class _Finder:
    """Finds deckgen's writer as the other finders would, and records once it is loaded."""

    @classmethod
    def find_spec(cls, name: str, path: object = None, target: object = None) -> object:
        if name != _WRITER:
            return None
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        real_exec = loader.exec_module
        folder = os.environ["DECKGEN_TEST_DECKS"]

        def exec_module(module: object) -> None:
            real_exec(module)
            _record(module, folder)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _chain() -> None:
    """Run the sitecustomize this one hides (Debian's, for one), if there is one."""
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        from importlib.util import module_from_spec

        spec.loader.exec_module(module_from_spec(spec))


if os.environ.get("DECKGEN_TEST_DECKS"):
    sys.meta_path.insert(0, _Finder)  # type: ignore[arg-type]
_chain()
