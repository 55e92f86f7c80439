"""A minimal, deterministic zip writer that takes members already compressed.

A deck is mostly the template's own parts (masters, layouts, theme, media), the same on
every build. They are deflated once per template (:func:`entry`) and their compressed bytes
are reused, so a rebuild compresses only what changed. Every member gets the same fixed
timestamp and no attributes; identical members in the same order give identical bytes.

Packages beyond the classic zip limits (65,535 members or 4 GiB) go through
:mod:`zipfile`, which writes zip64 records.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

#: Deflate level for package members. On a 1,000-slide deck, level 1 compresses about 1.4x
#: faster than zlib's default 6, for a package some 10% larger.
LEVEL = 1
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
# formats that are compressed already: deflating them again costs time and gains nothing
_PACKED = frozenset(
    ("png", "jpg", "jpeg", "gif", "wdp", "jxr", "mp3", "mp4", "m4a", "m4v")
    + ("mov", "wmv", "wma", "avi", "xlsx", "xlsm", "docx", "pptx", "zip")
)
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the earliest zip date
_DOS_TIME = 0
_LIMIT = 0xFFFFFFFF


class Entry(NamedTuple):
    """One member: name, method, CRC-32 and size of the data, data as stored in the zip."""

    name: str
    method: int
    crc: int
    size: int
    data: bytes


def entry(name: str, blob: bytes, level: int = LEVEL) -> Entry:
    """A member for ``blob``: deflated, or stored when it is in a compressed format."""
    crc = zlib.crc32(blob)
    if name.rpartition(".")[2].lower() in _PACKED:
        return Entry(name, _STORED, crc, len(blob), blob)
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Entry(name, _DEFLATED, crc, len(blob), c.compress(blob) + c.flush())


class Deflater:
    """Deflates members in order, on a worker thread when asked to: zlib releases the GIL,
    so the caller goes on making the next members meanwhile (about 40% of a big deck's
    write time is compression)."""

    BATCH = 32

    def __init__(self, threaded: bool):
        self._pool: ThreadPoolExecutor | None = None
        if threaded:  # imported only for big decks (a small deck's start is faster without)
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, "deckgen-deflate")
        self._done: list[Future[list[Entry]] | list[Entry]] = []
        self._batch: list[Entry | tuple[str, bytes]] = []

    def add(self, name: str, blob: bytes) -> None:
        if self._pool is None:
            self._done.append([entry(name, blob)])
            return
        self._batch.append((name, blob))
        if len(self._batch) >= self.BATCH:
            self._submit()

    def add_entry(self, e: Entry) -> None:
        """A member compressed already."""
        if self._pool is None:
            self._done.append([e])
        else:
            self._batch.append(e)

    def _submit(self) -> None:
        assert self._pool is not None
        self._done.append(self._pool.submit(_deflate_all, self._batch))
        self._batch = []

    def entries(self) -> list[Entry]:
        """Every member added, in order (waits for the worker)."""
        if self._pool is not None:
            self._submit()
            self._pool.shutdown()
        out: list[Entry] = []
        for done in self._done:
            out += done if isinstance(done, list) else done.result()
        return out


def _deflate_all(batch: list[Entry | tuple[str, bytes]]) -> list[Entry]:
    return [e if isinstance(e, Entry) else entry(*e) for e in batch]


_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")


def write_zip(stream: IO[bytes], entries: Iterable[Entry]) -> None:
    """Write ``entries`` as a zip archive to ``stream`` (fixed dates, no attributes)."""
    members = list(entries)
    total = sum(len(e.data) + len(e.name) * 2 + 100 for e in members)
    if len(members) >= 0xFFFF or total >= _LIMIT or any(e.size >= _LIMIT for e in members):
        _write_zip64(stream, members)
        return
    write = stream.write
    central: list[bytes] = []
    offset = 0
    for e in members:
        try:
            name, flags = e.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = e.name.encode("utf-8"), 0x800
        version = 20
        head = _LOCAL.pack(
            b"PK\x03\x04", version, flags, e.method, _DOS_TIME, _DOS_DATE,
            e.crc, len(e.data), e.size, len(name), 0,
        )  # fmt: skip
        central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                version,
                version,
                flags,
                e.method,
                _DOS_TIME,
                _DOS_DATE,
                e.crc,
                len(e.data),
                e.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )  # fmt: skip
            + name
        )
        write(head)
        write(name)
        write(e.data)
        offset += len(head) + len(name) + len(e.data)
    directory = b"".join(central)
    write(directory)
    write(_END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0))


def _write_zip64(stream: IO[bytes], members: list[Entry]) -> None:
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for e in members:
            info = zipfile.ZipInfo(e.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = e.method
            info.create_system = 0
            info.external_attr = 0
            data = zlib.decompress(e.data, -15) if e.method == _DEFLATED else e.data
            zf.writestr(info, data, compresslevel=LEVEL)
