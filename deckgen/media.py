"""Pictures a summary names, found and checked before a deck is planned.

A summary is untrusted input: it may come from a chat, a colleague or a generator, and the
deck it makes is shared. So a picture is read only from the summary's own folder and the
folders below it, or from a folder the person building named (``--resource-path``); a
``../`` path, an absolute path or a symlink whose real path leads anywhere else is refused,
so a summary cannot pull ``/etc/passwd`` or a key file into a deck. Nothing is downloaded.

A file is taken for what its first bytes say it is, not for its name; its size in pixels is
read from its header alone (never decoded), and a file too large in bytes or in pixels (a
decompression bomb) is refused. Every problem is a warning naming the summary's line: the
picture is then left with ``path`` None and plan keeps its alt text on the slide.
"""

from __future__ import annotations

import os
import re
import stat
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from deckgen.errors import UsageError, where
from deckgen.model import Columns, Document, Insight, Picture

__all__ = [
    "MAX_BYTES",
    "MAX_PIXELS",
    "Resolver",
    "check_folders",
    "folder_of",
    "pictures",
    "resolve",
]

MAX_BYTES = 50 * 1024 * 1024
"""A picture file larger than this is not placed (a deck is mailed and opened on laptops)."""
MAX_PIXELS = 40_000_000
"""A picture with more pixels than this is not placed: PowerPoint decodes every picture in
full to show it, so a small file claiming 100,000 × 100,000 pixels (a decompression bomb)
would stall or crash whoever opens the deck. 40 megapixels is a large camera's photo."""
ACCEPTED = ("PNG", "JPEG", "GIF", "BMP", "TIFF")
"""Formats python-pptx and PowerPoint place as they are."""
_HEAD = 4096
"""Bytes read to tell a file's format (and, for PNG, GIF and BMP, its size)."""
_REMOTE = frozenset({"http", "https", "ftp", "ftps", "sftp"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
"""A URL's scheme; two letters at least, so that ``C:\\pics\\a.png`` is a path."""
_WIDE = (
    "deckgen reads pictures only from the summary's folder and below, and from folders "
    "given with --resource-path"
)


def pictures(doc: Document) -> Iterator[Picture]:
    """Every picture of the document, in order (:meth:`Document.pictures`)."""
    return doc.pictures()


def folder_of(doc: Document) -> Path:
    """The folder a summary's relative paths start from: its own, or the current folder for
    a summary read from stdin or given as text."""
    if doc.source.startswith("<") and doc.source.endswith(">"):
        return Path.cwd()
    return Path(doc.source).parent


def check_folders(folders: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    """The ``--resource-path`` folders as given, or a UsageError naming the first that is
    not an existing folder (a typo should stop the build, not silently drop pictures)."""
    out: list[str] = []
    for folder in folders:
        name = os.fspath(folder)
        if not os.path.isdir(name):
            what = "is not a folder" if os.path.exists(name) else "no such folder"
            raise UsageError(f"--resource-path {name}: {what}")
        out.append(name)
    return tuple(out)


def resolve(
    doc: Document,
    base_dir: str | os.PathLike[str],
    resource_paths: Sequence[str | os.PathLike[str]] = (),
) -> Document:
    """``doc`` with each picture's ``path`` (the file's real, absolute path) and ``pixels``
    (width, height) set, or left None with a warning in ``doc.warnings`` saying why.

    ``base_dir`` is the summary's folder (:func:`folder_of`); pictures are read from there
    and below, and from ``resource_paths`` (which relative paths are also looked up in, in
    order, as pandoc's ``--resource-path`` does). Each distinct file is read once."""
    return Resolver(base_dir, resource_paths).resolve(doc)


@dataclass
class _Found:
    """What became of one ``src``: the file and its size, or why not."""

    path: str | None = None
    pixels: tuple[int, int] | None = None
    reason: str | None = None
    lines: list[int | None] = field(default_factory=list)


class Resolver:
    """One resolution: its allowed folders, its memo of files read, and the files it read or
    looked for (``files``: what watch mode follows, so that saving a picture, or adding a
    missing one, rebuilds the deck)."""

    def __init__(
        self,
        base_dir: str | os.PathLike[str],
        resource_paths: Sequence[str | os.PathLike[str]] = (),
    ) -> None:
        self.base = os.path.abspath(base_dir)
        self.search = [self.base] + [os.path.abspath(p) for p in resource_paths]
        self.labels = ["the summary's folder"] + [os.fspath(p) for p in resource_paths]
        """How messages name each folder of ``search``."""
        self.roots = [os.path.realpath(p) for p in self.search]
        self.files: set[str] = set()
        self._read: dict[str, tuple[tuple[int, int] | None, str | None]] = {}

    # ------------------------------------------------------------------ document

    def resolve(self, doc: Document) -> Document:
        warnings = self._front_matter(doc)
        if next(doc.pictures(), None) is None:
            return replace(doc, warnings=doc.warnings + tuple(warnings)) if warnings else doc
        found: dict[str, _Found] = {}
        for picture in doc.pictures():
            if picture.path is not None:
                continue  # resolved already (a Document made in Python, or resolved twice)
            got = found.get(picture.src)
            if got is None:
                got = found[picture.src] = self._find(picture.src)
            got.lines.append(picture.line)
        for src, got in found.items():
            if got.reason is None:
                continue
            first = got.lines[0]
            more = len(got.lines) - 1
            also = f" (and {more} more time{'s' if more != 1 else ''} after it)" if more else ""
            warnings.append(
                f"{where(doc.source, first)}: picture {_shown(src)} not placed{also}: {got.reason}"
            )

        def in_columns(cols: Columns) -> Columns:
            return replace(
                cols,
                columns=tuple(
                    replace(c, pictures=tuple(_set(p, found.get(p.src)) for p in c.pictures))
                    for c in cols.columns
                ),
            )

        def placed(insight: Insight) -> Insight:
            bg = insight.background
            if bg is not None:
                insight = replace(insight, background=_set(bg, found.get(bg.src)))
            if not any(isinstance(e, (Picture, Columns)) for e in insight.elements):
                return insight
            elements = tuple(
                _set(e, found.get(e.src))
                if isinstance(e, Picture)
                else in_columns(e)
                if isinstance(e, Columns)
                else e
                for e in insight.elements
            )
            return replace(insight, elements=elements)

        bg = doc.background
        return replace(
            doc,
            background=_set(bg, found.get(bg.src)) if bg is not None else None,
            insights=tuple(placed(i) for i in doc.insights),
            back_matter=tuple(placed(i) for i in doc.back_matter),
            warnings=doc.warnings + tuple(warnings),
        )

    def _front_matter(self, doc: Document) -> list[str]:
        """Folders the front matter's ``resource-path:`` names (relative to the summary) to
        look pictures up in. They must lie inside the summary's folder: the summary is the
        untrusted part, so it cannot widen where pictures are read from."""
        given = doc.meta.get("resource-path", doc.meta.get("resource_path"))
        if given is None:
            return []
        names = [given] if isinstance(given, str) else given
        warnings: list[str] = []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return [
                f"{doc.source}: front matter 'resource-path' must be a folder or a list of "
                "folders (resource-path: images); ignored"
            ]
        for name in names:
            folder = os.path.join(self.base, name)
            if not _inside(os.path.realpath(folder), self.roots[:1]):
                warnings.append(
                    f"{doc.source}: front matter 'resource-path' {name!r} ignored: it is "
                    "outside the summary's folder, and a summary cannot widen where pictures "
                    "are read from (pass --resource-path to deckgen instead)"
                )
            elif not os.path.isdir(folder):
                warnings.append(
                    f"{doc.source}: front matter 'resource-path' {name!r} ignored: no such "
                    "folder next to the summary"
                )
            else:
                self.search.append(os.path.abspath(folder))
                self.labels.append(name)
        return warnings

    # ------------------------------------------------------------------ one picture

    def _find(self, src: str) -> _Found:
        """Where ``src`` leads and what the file there is."""
        text = src.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1].strip()
        if not text:
            return _Found(reason="it names no file")
        scheme = _SCHEME.match(text)
        if text.startswith(("//", "\\\\")) or (scheme and scheme[1].lower() in _REMOTE):
            return _Found(
                reason="a remote picture is not downloaded (deckgen never downloads: save "
                "it beside the summary and link the file)"
            )
        if scheme and scheme[1].lower() == "data":
            return _Found(
                reason="a data: URI is not read (save the picture as a file beside the "
                "summary and link the file)"
            )
        if scheme and scheme[1].lower() == "file":
            names = [_file_url_path(text)]
        elif scheme:
            return _Found(reason=f"a {scheme[1]}: link is not a file deckgen can read")
        else:
            names = [unquote(text)]
            if names[0] != text:  # a file whose name really holds '%20'
                names.append(text)
            if os.sep == "/" and "\\" in names[0]:  # a summary written on Windows
                names.append(names[0].replace("\\", "/"))
        return self._locate(names)

    def _locate(self, names: list[str]) -> _Found:
        refused: str | None = None
        missing: list[str] = []
        for name in names:
            if os.path.isabs(name):
                candidates = [(os.path.normpath(name), "")]
            else:
                candidates = [
                    (os.path.normpath(os.path.join(f, name)), label)
                    for f, label in zip(self.search, self.labels, strict=True)
                ]
            for candidate, label in candidates:
                real = os.path.realpath(candidate)
                if not _inside(real, self.roots):
                    refused = refused or _why_outside(name, candidate, self.roots)
                    continue
                self.files.add(real)
                if not os.path.exists(candidate):
                    missing.append(label)
                    continue
                pixels, reason = self._read_file(real)
                return _Found(real, pixels, reason)
        if refused is not None:
            return _Found(reason=refused)
        looked = [m for m in dict.fromkeys(missing) if m]
        if not looked:
            return _Found(reason="file not found")
        return _Found(reason=f"file not found (looked in {', '.join(looked)})")

    def _read_file(self, path: str) -> tuple[tuple[int, int] | None, str | None]:
        hit = self._read.get(path)
        if hit is None:
            hit = self._read[path] = _examine(path)
        return hit


def _file_url_path(url: str) -> str:
    """The path of a ``file:`` URL (what ``urllib.request.url2pathname`` gives, without
    importing urllib.request and the HTTP client it brings: a build's start-up counts)."""
    path = unquote(urlsplit(url).path)
    if os.name == "nt":
        if re.match(r"^/[A-Za-z]:", path):
            path = path[1:]
        path = path.replace("/", "\\")
    return path


def _set(picture: Picture, got: _Found | None) -> Picture:
    if got is None or got.reason is not None:
        return picture
    return replace(picture, path=got.path, pixels=got.pixels)


def _inside(real: str, roots: Sequence[str]) -> bool:
    for root in roots:
        try:
            if os.path.commonpath([real, root]) == root:
                return True
        except ValueError:  # another drive (Windows)
            continue
    return False


def _why_outside(name: str, candidate: str, roots: Sequence[str]) -> str:
    """Why a path is refused, as the author wrote it: an absolute path, a link, or ``..``."""
    if os.path.isabs(name):
        what = "an absolute path outside the summary's folder"
    elif _inside(os.path.abspath(candidate), roots):
        what = "a symlink to a file outside the summary's folder"
    else:
        what = "a path leading outside the summary's folder"
    return f"refused: {what} ({_WIDE})"


def _shown(src: str) -> str:
    return repr(src if len(src) <= 80 else src[:77] + "…")


# ---------------------------------------------------------------------------- files


def _examine(path: str) -> tuple[tuple[int, int] | None, str | None]:
    """(pixels, None) for a picture deckgen can place, else (None, why not). Never raises."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if os.path.isdir(path):
        return None, "it is a folder, not a picture"
    try:
        fd = os.open(path, flags)  # non-blocking: a FIFO named like a picture cannot hang us
    except OSError as exc:
        return None, f"the file cannot be read ({exc.strerror or exc})"
    try:
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                return None, "it is not a regular file"
            if st.st_size > MAX_BYTES:
                return None, (
                    f"the file is too large ({st.st_size / 1e6:.1f} MB; the limit is "
                    f"{MAX_BYTES // (1024 * 1024)} MB): save it smaller"
                )
            head = f.read(_HEAD)
            kind = _sniff(head, path)
            if kind == "SVG":
                return None, (
                    "it is an SVG, which PowerPoint shows only with a PNG copy that deckgen "
                    "cannot draw: export it as PNG and link that"
                )
            if kind not in ACCEPTED:
                return None, _not_a_picture(kind)
            pixels = _header_size(kind, head)
            if pixels is None:
                f.seek(0)
                pixels = _pillow_size(kind, f)
            if isinstance(pixels, str):
                return None, pixels
    except OSError as exc:
        return None, f"the file cannot be read ({exc.strerror or exc})"
    width, height = pixels
    if width <= 0 or height <= 0:
        return None, f"it is a damaged {kind} file (it claims {width} × {height} pixels)"
    if width * height > MAX_PIXELS:
        return None, _too_many(f"{width:,} × {height:,} pixels")
    return (width, height), None


def _too_many(size: str) -> str:
    return (
        f"it has too many pixels ({size}; the limit is {MAX_PIXELS / 1e6:g} megapixels, "
        "as PowerPoint decodes pictures in full): scale it down"
    )


def _sniff(head: bytes, path: str) -> str | None:
    """The format the first bytes say; the name's extension is not trusted."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head.startswith(b"BM") and len(head) >= 26:
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif", b"heif"):
        return "HEIC/AVIF"
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(b"\x1f\x8b") and path.lower().endswith(".svgz"):
        return "SVG"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<") and b"<svg" in text:
        return "SVG"
    return None


def _not_a_picture(kind: str | None) -> str:
    accepted = ", ".join(ACCEPTED[:-1]) + " or " + ACCEPTED[-1]
    if kind is None:
        return f"the file is not a picture (deckgen places {accepted}, told by their content)"
    return f"{kind} is not a format PowerPoint places: save it as PNG or JPEG"


def _header_size(kind: str, head: bytes) -> tuple[int, int] | str | None:
    """Width and height from the first bytes of a PNG, GIF or BMP, or why they are damaged
    (None: ask Pillow, which reads JPEG and TIFF headers lazily too)."""
    if kind == "PNG" and len(head) >= 24 and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    if kind == "GIF" and len(head) >= 10:
        width, height = struct.unpack("<HH", head[6:10])
        return width, height
    if kind == "BMP":
        (header,) = struct.unpack("<I", head[14:18])
        if header == 12:  # OS/2 BITMAPCOREHEADER
            width, height = struct.unpack("<HH", head[18:22])
            return width, height
        width, height = struct.unpack("<ii", head[18:26])
        return width, abs(height)  # negative: stored top-down
    if kind == "PNG":
        return "it is a damaged PNG file (its header does not start with IHDR)"
    return None


def _pillow_size(kind: str, f: BinaryIO) -> tuple[int, int] | str:
    """A JPEG's or TIFF's size as Pillow reads it from the header (``Image.open`` does not
    decode), or why it cannot."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: our limit is lower
            with Image.open(f, formats=[kind]) as im:
                width, height = im.size
    except Image.DecompressionBombError:
        return _too_many("far more than the limit")
    except Exception as exc:  # noqa: BLE001 - a damaged file, whatever Pillow says about it
        detail = str(exc).split("\n")[0][:80]
        return f"it is a damaged {kind} file ({detail or type(exc).__name__})"
    return int(width), int(height)
