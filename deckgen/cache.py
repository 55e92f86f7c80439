"""A small on-disk cache of what deckgen learns from a template file.

Reading a template needs python-pptx (about 150 ms to import) and a walk over the package;
what it gives (the :class:`~deckgen.model.Theme` and the writer's deck-independent recipe,
read together: ``deckgen.render.recipe.Template``) depends only on the template's files.
It is kept here, one pickle per entry, under
``$DECKGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/deckgen``, else ``~/.cache/deckgen``, so that
a later process building from an unchanged template neither imports python-pptx nor reads
the template again, the way Python's bytecode cache spares it recompiling. The template's
Jinja tags, compiled to Python code (``marshal``), are kept too, keyed by their own text
and the Jinja and Python versions (:func:`deckgen.plan._compile_all`); and the methods
``dataclasses`` generates and the regular expressions, compiled (:mod:`deckgen.codecache`).

Keys name the template by resolved path, inode, size and modification/change times (and the
same for ``notes.j2``/``theme.yaml``). Every key also holds :func:`code_digest`: what made the
entry — deckgen's own files, the libraries that read templates and compile Jinja (python-pptx,
lxml, Jinja2) and the Python — so an entry written by other code (another deckgen, an edited
checkout, an upgraded library) is never read: nobody has to remember to bump a format number
when what is stored changes shape. Everything is best effort: a missing, unreadable,
truncated or foreign entry is a miss; a cache folder that cannot be written only means the
next build reads the template again. Writes are atomic (temporary file, then
:func:`os.replace`); at most :data:`MAX_ENTRIES` entries are kept (the least recently used
go). ``DECKGEN_NO_CACHE=1`` turns the cache off.

The entries are pickles in the user's own cache folder: loading one runs no code an attacker
could plant without already being able to write to the user's files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from pathlib import Path
from tempfile import mkstemp
from types import FunctionType
from typing import Any

LIBRARIES = ("pptx", "lxml", "jinja2")
"""The libraries whose code shapes what is stored (reading templates, compiling Jinja)."""
MAX_ENTRIES = 48
"""About twenty templates: each has a template entry (its theme and the writer's recipe)
and a Jinja entry (a few more where the writer had to read a template again)."""
_SUFFIX = ".pickle"


def directory() -> Path | None:
    """The cache folder, or None when caching is off."""
    if os.environ.get("DECKGEN_NO_CACHE", "").strip() not in ("", "0"):
        return None
    env = os.environ.get("DECKGEN_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "deckgen"


def file_stamp(path: str | os.PathLike[str]) -> tuple[int, int, int, int] | None:
    """What says a file is unchanged: inode, size, mtime and ctime (ns); None if missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def tree_stamp(folder: str | os.PathLike[str]) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every file under ``folder``: a package's code, checked without
    reading it (about 50 stats). Bytecode caches and bundled templates (keyed by their own
    stamps) are left out."""
    out: list[tuple[str, int, int]] = []
    pending = [os.fspath(folder)]
    while pending:
        here = pending.pop()
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for e in entries:
            try:
                if e.is_dir():
                    if e.name not in ("__pycache__", "templates"):
                        pending.append(e.path)
                elif e.is_file():
                    st = e.stat()
                    out.append((e.path, st.st_size, st.st_mtime_ns))
            except OSError:
                continue
    out.sort()
    return out


def library_stamp(name: str) -> tuple[Any, ...]:
    """Where library ``name`` is installed and its ``__init__``'s size and time (an upgrade
    rewrites it), found without importing it (python-pptx alone takes 150 ms to import)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return (name, None)
    return (name, spec.origin, file_stamp(spec.origin))


_digest: str | None = None


def code_digest() -> str:
    """A digest of the code that makes cache entries: deckgen's files, :data:`LIBRARIES`,
    the Python. Computed once per process, from file sizes and times (well under a
    millisecond), never from their contents."""
    global _digest
    if _digest is None:
        # (deckgen's version is in its __init__.py, whose size and time the tree stamp
        # holds: importing it here would make the package and its cache depend on each
        # other)
        parts = (
            sys.version,
            sys.implementation.cache_tag,
            tree_stamp(Path(__file__).resolve().parent),
            [library_stamp(name) for name in LIBRARIES],
        )
        _digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return _digest


def stable(value: Any) -> Any:
    """``value`` as a key part that is the same in every process: functions and classes by
    name (their repr holds an address), mappings and sets sorted, other objects by type."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(stable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted(((stable(k), stable(v)) for k, v in value.items()), key=repr))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((stable(v) for v in value), key=repr))
    name = getattr(value, "__qualname__", None)
    if isinstance(name, str) and callable(value):
        return f"{getattr(value, '__module__', None)}.{name}"
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def settings_of(obj: Any) -> Any:
    """Every setting of ``obj``, :func:`stable`: its data attributes and those of its classes
    (a Jinja environment's delimiters, finalize, filters, code generator class …), but not
    methods, nor a method replaced on the instance (a test's spy)."""
    settings: dict[str, Any] = {}
    cls = type(obj)
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if name.startswith("__") or isinstance(
                value, (staticmethod, classmethod, property, FunctionType)
            ):
                continue
            settings[name] = value
    for name, value in vars(obj).items():
        if not isinstance(getattr(cls, name, None), FunctionType):
            settings[name] = value
    return (stable(cls), stable(settings))


def _name(kind: str, key: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    full = (code_digest(), kind, key)
    digest = hashlib.sha256(repr(full).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{kind}-{digest}{_SUFFIX}", full


def load(kind: str, key: tuple[Any, ...]) -> Any | None:
    """The value stored for ``key``, or None on any kind of miss."""
    folder = directory()
    if folder is None:
        return None
    name, full = _name(kind, key)
    path = folder / name
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)  # noqa: S301 - our own file in the user's cache folder
    except Exception:  # missing, unreadable, truncated, unpicklable: all misses
        return None
    if not (isinstance(data, tuple) and len(data) == 2 and data[0] == full):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when the folder is trimmed
    return data[1]


def store(kind: str, key: tuple[Any, ...], value: Any) -> None:
    """Keep ``value`` for ``key`` if the cache folder allows (never raises)."""
    folder = directory()
    if folder is None:
        return
    name, full = _name(kind, key)
    # the name's prefix is drawn before the file exists, so that a Ctrl-C arriving as
    # mkstemp returns (before its name reaches us) still finds the file to remove
    prefix = f".tmp-{os.urandom(4).hex()}-"
    tmp = None
    done = False
    try:
        blob = pickle.dumps((full, value), protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = mkstemp(prefix=prefix, suffix=_SUFFIX, dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, folder / name)
        done = True
        _trim(folder)
    except Exception:  # read-only folder, full disk, a value that cannot be pickled …
        return
    finally:
        if not done:
            with contextlib.suppress(OSError):
                for left in [tmp] if tmp else folder.glob(f"{prefix}*{_SUFFIX}"):
                    os.unlink(left)


def _trim(folder: Path) -> None:
    entries = []
    for p in folder.glob(f"*{_SUFFIX}"):
        if p.name.startswith(".tmp-"):
            continue
        with contextlib.suppress(OSError):
            entries.append((p.stat().st_mtime_ns, p))
    entries.sort()
    for _, p in entries[: max(0, len(entries) - MAX_ENTRIES)]:
        with contextlib.suppress(OSError):
            p.unlink()
