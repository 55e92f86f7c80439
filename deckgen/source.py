"""Reading a summary: bytes from a file or stdin → clean text, plus warnings.

Users feed deckgen whatever their note-taking app produced, so this stage is forgiving
about what is merely odd and strict about what cannot be a summary:

* UTF-8 is the norm. A UTF-8 byte-order mark is dropped (with a warning).
* UTF-16 and UTF-32 are decoded when they carry a BOM; UTF-16 without a BOM is recognized
  from its pattern of zero bytes (Windows tools write it, e.g. PowerShell's ``>``).
* UTF-8 with a few damaged bytes (more valid non-ASCII characters than broken sequences)
  stays UTF-8; each broken sequence becomes U+FFFD, with a warning.
* Other text that is not valid UTF-8 is read as Windows-1252 (a superset of Latin-1 for
  printable text: what Word and older Windows editors save as "ANSI") **only** when it looks like
  Western text: no byte Windows-1252 leaves undefined, no more than 30% non-ASCII bytes.
  A warning says so, because a wrong guess shows as odd accents, not as lost words. Anything
  else (Shift-JIS, GBK, random bytes) is refused: guessing among legacy Asian encodings goes
  wrong silently, and "save it as UTF-8" is an instruction every editor can follow.
* Binary files (images, PDFs, Office/zip files, many NUL bytes) are refused.
* Files over ``MAX_BYTES`` (5 MB) are refused before they are read (see there why).
* Line ends become ``\\n``. Control characters (C0 except tab and newline, DEL, C1), lone
  surrogates, U+FFFE/U+FFFF (none of which XML, and so a .pptx, can hold) and private-use
  characters U+E000–U+F8FF (the pipeline's own markers, see ``model.SLIDE_NUMBER``) are
  removed with a warning that says how many and where the first one was.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from typing import BinaryIO

from deckgen.errors import SourceError, where

__all__ = ["load", "decode", "normalize", "MAX_BYTES"]

# A summary is kilobytes; 5 MB is a book. Bigger input built for many minutes and needed
# gigabytes (20 MB of insights: 19 minutes, 2.2 GB, 93,000 slides), so it is refused
# before it is read. ``parse`` bounds characters, lines and insights of any text too.
MAX_BYTES = 5 * 1024 * 1024
_SAMPLE = 8192

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_PRIVATE = re.compile("[\ue000-\uf8ff]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85]")
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")

_MAGIC = (
    (b"PK\x03\x04", "a zip archive (Word, PowerPoint and Excel files are zip archives)"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _not_text(name: str, what: str = "binary data") -> SourceError:
    return SourceError(
        f"is not a text file (it looks like {what})",
        path=name,
        hint="give deckgen a Markdown or plain-text summary",
    )


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def normalize(text: str, name: str = "<string>") -> tuple[str, tuple[str, ...]]:
    """Make decoded text safe for the pipeline; idempotent, so ``parse`` calls it too.

    Returns the text and warnings about what was changed.
    """
    warnings: list[str] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        warnings.append(f"{name}: removed the byte-order mark (BOM) at the start")
    m = _NEWLINES.search(text)
    if m:
        crlf = text.count("\r\n")
        text = _NEWLINES.sub("\n", text)
        kind = "Windows (CRLF)" if crlf else "old Mac (CR) or Unicode"
        warnings.append(f"{name}: converted {kind} line ends to \\n")
    for pattern, what in (
        (_CONTROL, "control character"),
        (_PRIVATE, "private-use character"),
    ):
        first = pattern.search(text)
        if first is None:
            continue
        line = _line_of(text, first.start())
        text, count = pattern.subn("", text)
        plural = "s" if count != 1 else ""
        warnings.append(
            f"{where(name, line)}: removed {count} {what}{plural} "
            f"(U+{ord(first.group(0)):04X} first)"
        )
    return text, tuple(warnings)


def check_not_empty(text: str, name: str) -> None:
    if not text.strip():
        raise SourceError(
            "is empty", path=name, hint="write a summary with numbered sections first"
        )


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is zero, as in BOM-less UTF-16."""
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    z_even = even.count(0) / len(even)
    z_odd = odd.count(0) / len(odd)
    if z_odd > 0.4 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.4 and z_odd < 0.05:
        return "utf-16-be"
    return None


def _looks_western(data: bytes) -> bool:
    high = sum(1 for b in data if b >= 0x80)
    if high > 0.3 * len(data):
        return False
    return not (_CP1252_UNDEFINED & set(data))


def _not_quite_utf8(data: bytes, name: str, exc: UnicodeDecodeError) -> tuple[str, str]:
    """Bytes that are not valid UTF-8: mostly UTF-8, Windows-1252, or refused."""
    line = data.count(b"\n", 0, exc.start) + 1
    try:
        # UTF-8 with encoded surrogates (from Python's "surrogatepass", Java, JavaScript):
        # normalize() then removes the surrogates with its own warning
        text = data.decode("utf-8", "surrogatepass")
        return text, f"{where(name, line)}: UTF-8 holds encoded surrogates (removed)"
    except UnicodeDecodeError:
        pass
    mostly = data.decode("utf-8", errors="replace")
    bad = mostly.count("\ufffd")
    good = sum(1 for ch in mostly if ch > "\x7f") - bad
    if good > bad:
        # a UTF-8 file with a few damaged bytes: keep the rest right, mark the damage
        return mostly, (
            f"{where(name, line)}: replaced {bad} invalid UTF-8 byte "
            f"sequence{'s' if bad != 1 else ''} with U+FFFD"
        )
    if _looks_western(data):
        return data.decode("cp1252", errors="replace"), (
            f"{where(name, line)}: not UTF-8; read as Windows-1252 (Western European). "
            "If accents look wrong, save the file as UTF-8"
        )
    raise SourceError(
        "is not UTF-8 text and its encoding cannot be told safely",
        path=name,
        line=line,
        hint="save it as UTF-8 in your editor and try again",
    )


def decode(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """Bytes → normalized text and warnings, or SourceError (see the module docstring)."""
    warnings: list[str] = []
    text: str | None = None
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise _not_text(name, f"broken {codec.upper()}") from None
            warnings.append(f"{name}: read as {codec.upper()} (BOM found); UTF-8 is preferred")
            break
    if text is None:
        sample = data[:_SAMPLE]
        for magic, what in _MAGIC:
            if sample.startswith(magic):
                raise _not_text(name, what)
        codec16 = _utf16_without_bom(sample)
        if codec16:
            try:
                text = data.decode(codec16)
            except UnicodeDecodeError:
                raise _not_text(name) from None
            warnings.append(f"{name}: read as {codec16.upper()} (no BOM); UTF-8 is preferred")
    if text is None:
        sample = data[:_SAMPLE]
        nuls = sample.count(0)
        controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\f\v\x1b")
        if nuls > max(8, len(sample) // 100) or controls > max(16, len(sample) // 10):
            raise _not_text(name)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text, warning = _not_quite_utf8(data, name, exc)
            warnings.append(warning)
    text, more = normalize(text, name)
    warnings.extend(more)
    check_not_empty(text, name)
    return text, tuple(warnings)


def load(
    source: str | os.PathLike[str],
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[str, str, tuple[str, ...]]:
    """Read a summary from a path, or from stdin for ``"-"``; returns (text, name, warnings).

    Every failure is a one-line SourceError that names the file and says what to do.
    """
    if isinstance(source, str) and source == "-":
        name = "<stdin>"
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            hint = "split the summary; deckgen reads at most that much"
            data = _read_at_most(stream, name, max_bytes, hint)
        except OSError as exc:
            raise SourceError(f"cannot be read: {exc.strerror or exc}", path=name) from None
        text, warnings = decode(data, name)
        return text, name, warnings

    name = os.fspath(source)
    if not os.path.exists(name):
        raise SourceError(
            "file not found",
            path=name,
            hint="check the path, or give '-' to read the summary from stdin",
        )
    if os.path.isdir(name):
        raise SourceError(
            "is a directory, not a file", path=name, hint="give the path of a .md file"
        )
    try:
        with open(name, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise SourceError(
                    f"is too large ({_mb(size)}; the limit is {_mb(max_bytes)})",
                    path=name,
                    hint="split the summary into smaller files",
                )
            # a FIFO or a file still growing has no size to check first
            data = _read_at_most(fh, name, max_bytes, "split the summary into smaller files")
    except PermissionError:
        raise SourceError(
            "cannot be read (permission denied)",
            path=name,
            hint="check the file's permissions",
        ) from None
    except IsADirectoryError:
        raise SourceError(
            "is a directory, not a file", path=name, hint="give the path of a .md file"
        ) from None
    except OSError as exc:
        raise SourceError(f"cannot be read: {exc.strerror or exc}", path=name) from None
    text, warnings = decode(data, name)
    return text, name, warnings


def _read_at_most(stream: BinaryIO, name: str, max_bytes: int, hint: str) -> bytes:
    """The stream's bytes, or a SourceError when there are more than ``max_bytes``."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SourceError(f"is too large (more than {_mb(max_bytes)})", path=name, hint=hint)
    return data
