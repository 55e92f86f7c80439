"""Damaging zip files on purpose, for the tests of hostile templates."""

from __future__ import annotations

from pathlib import Path


def understate_size(path: Path, member: str, size: int) -> None:
    """Rewrite ``member``'s uncompressed size in the zip's central directory as ``size``:
    a zip bomb that lies about how big its part is."""
    data = bytearray(path.read_bytes())
    idx = data.find(b"PK\x01\x02")
    while idx >= 0:
        n = int.from_bytes(data[idx + 28 : idx + 30], "little")
        if data[idx + 46 : idx + 46 + n] == member.encode():
            data[idx + 24 : idx + 28] = size.to_bytes(4, "little")
            break
        idx = data.find(b"PK\x01\x02", idx + 1)
    assert idx >= 0, f"{member} is not in {path}"
    path.write_bytes(bytes(data))
