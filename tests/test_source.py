"""Reading summaries: every decoding case a user can run into, and every unreadable source."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from deckgen.errors import SourceError
from deckgen.parse import parse
from deckgen.source import decode, load, normalize

SUMMARY = "Title\n1. First:\n- Key Point: Café con leche – “quoted”.\n"


# --------------------------------------------------------------------------- decode


def test_plain_utf8_has_no_warnings() -> None:
    assert decode(SUMMARY.encode("utf-8"), "a.md") == (SUMMARY, ())


def test_utf8_bom_is_removed_with_a_warning() -> None:
    text, warnings = decode(b"\xef\xbb\xbf" + SUMMARY.encode(), "a.md")
    assert text == SUMMARY
    assert len(warnings) == 1 and "a.md" in warnings[0] and "BOM" in warnings[0]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(codec: str) -> None:
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(codec, b"")
    text, warnings = decode(bom + SUMMARY.encode(codec), "a.md")
    assert text == SUMMARY
    assert any("UTF-" in w for w in warnings)


def test_utf16_without_bom_is_recognized() -> None:
    text, warnings = decode(SUMMARY.encode("utf-16-le"), "a.md")
    assert text == SUMMARY
    assert any("UTF-16-LE" in w for w in warnings)


def test_crlf_becomes_lf_with_a_warning() -> None:
    text, warnings = decode(SUMMARY.replace("\n", "\r\n").encode(), "a.md")
    assert text == SUMMARY
    assert any("CRLF" in w for w in warnings)


def test_lone_cr_becomes_lf_with_a_warning() -> None:
    text, warnings = decode(SUMMARY.replace("\n", "\r").encode(), "a.md")
    assert text == SUMMARY
    assert any("line ends" in w for w in warnings)


def test_nul_and_control_characters_are_removed_and_counted() -> None:
    raw = "Title\n1. First\x00:\n- Key\x07 Point: a\x1b b\x7fc\x9f\n"
    text, warnings = decode(raw.encode("utf-8"), "a.md")
    assert text == "Title\n1. First:\n- Key Point: a bc\n"
    (warning,) = warnings
    assert warning == "a.md, line 2: removed 5 control characters (U+0000 first)"
    doc = parse(text)
    assert doc.insights[0].title.text == "First"
    assert doc.insights[0].fields[0].label == "Key Point"


def test_unicode_line_separators_become_newlines() -> None:
    text, warnings = decode("Title\u20281. A\x85- b\n".encode(), "a.md")
    assert text == "Title\n1. A\n- b\n" and warnings


def test_tabs_and_newlines_are_kept() -> None:
    text, warnings = decode(b"Title\n1. A\n\t- b\n", "a.md")
    assert text == "Title\n1. A\n\t- b\n" and warnings == ()


def test_private_use_markers_are_removed() -> None:
    text, warnings = decode("Title\n1. A \ue0f1\ue0f2 B\n".encode(), "a.md")
    assert text == "Title\n1. A  B\n"
    assert any("2 private-use characters" in w and "line 2" in w for w in warnings)


def test_characters_xml_cannot_hold_are_removed_from_str_input() -> None:
    text, warnings = normalize("a\ud800b\ufffec\uffffd")
    assert text == "abcd"
    assert warnings


def test_normalize_is_idempotent() -> None:
    once, _ = normalize("\ufeffa\r\nb\x00c")
    twice, warnings = normalize(once)
    assert twice == once and warnings == ()


def test_cp1252_text_is_read_with_a_warning() -> None:
    raw = "Résumé\n1. Première idée:\n- Key Point: “smart quotes” – €5\n".encode("cp1252")
    text, warnings = decode(raw, "win.md")
    assert text == "Résumé\n1. Première idée:\n- Key Point: “smart quotes” – €5\n"
    assert any("Windows-1252" in w and "win.md" in w for w in warnings)


def test_utf8_with_a_damaged_byte_stays_utf8() -> None:
    raw = "Title\n1. Zuckerberg’s “open” idea\n".encode() + b"- broken \xff byte\n"
    text, warnings = decode(raw, "a.md")
    assert text == "Title\n1. Zuckerberg’s “open” idea\n- broken \ufffd byte\n"
    assert warnings == ("a.md, line 3: replaced 1 invalid UTF-8 byte sequence with U+FFFD",)


def test_text_with_lone_surrogates_from_python() -> None:
    raw = "Title\n1. Café \ud83d here\n".encode("utf-8", "surrogatepass")
    text, warnings = decode(raw, "a.md")
    assert text == "Title\n1. Café  here\n"
    assert any("U+D83D" in w for w in warnings)


def test_latin1_text_is_read() -> None:
    text, _ = decode("Größe\n1. Maß halten\n".encode("latin-1"), "a.md")
    assert text == "Größe\n1. Maß halten\n"


def test_unknown_legacy_encoding_is_refused() -> None:
    raw = "要点：現実は最良の教師である。\n".encode("shift_jis") * 20
    with pytest.raises(SourceError) as exc:
        decode(raw, "sjis.md")
    assert "sjis.md" in exc.value.message and "UTF-8" in exc.value.message


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)), "PDF"),
        (b"PK\x03\x04" + bytes(200), "zip"),
        (bytes(range(256)) * 8, "binary"),
        (b"\x00" * 2000, "binary"),
        (os.urandom(4096), None),
    ],
)
def test_binary_data_is_refused(data: bytes, what: str | None) -> None:
    with pytest.raises(SourceError) as exc:
        decode(data, "blob.bin")
    msg = exc.value.message
    assert msg.startswith("blob.bin")
    assert "not a text file" in msg or "not UTF-8" in msg
    if what:
        assert what in msg
    assert "\n" not in msg


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"\xef\xbb\xbf\r\n", b"\x00\x00 \n"])
def test_empty_or_whitespace_only_is_refused(data: bytes) -> None:
    with pytest.raises(SourceError) as exc:
        decode(data, "empty.md")
    assert exc.value.message.startswith("empty.md: is empty")


def test_parse_says_empty_too() -> None:
    with pytest.raises(SourceError, match="is empty"):
        parse(" \n\n", source="x.md")


# --------------------------------------------------------------------------- load


def test_load_a_file(tmp_path: Path) -> None:
    p = tmp_path / "notes.md"
    p.write_bytes(b"\xef\xbb\xbf" + SUMMARY.encode())
    text, name, warnings = load(p)
    assert (text, name) == (SUMMARY, str(p))
    assert len(warnings) == 1


def test_load_stdin() -> None:
    text, name, warnings = load("-", stdin=io.BytesIO(SUMMARY.encode("utf-16")))
    assert (text, name) == (SUMMARY, "<stdin>") and warnings


def test_load_stdin_default_is_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(SUMMARY.encode()))
    monkeypatch.setattr(sys, "stdin", fake)
    assert load("-")[0] == SUMMARY


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    with pytest.raises(SourceError) as exc:
        load(missing)
    assert exc.value.message.startswith(f"{missing}: file not found")
    assert exc.value.exit_code == 1


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is a directory"):
        load(tmp_path)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything"
)
def test_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "secret.md"
    p.write_text(SUMMARY)
    p.chmod(0)
    try:
        with pytest.raises(SourceError, match="permission denied"):
            load(p)
    finally:
        p.chmod(0o600)


def test_unreadable_file_reports_permission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "secret.md"
    p.write_text(SUMMARY)

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(SourceError) as exc:
        load(p)
    assert (
        exc.value.message
        == f"{p}: cannot be read (permission denied) (check the file's permissions)"
    )


def test_too_large_file(tmp_path: Path) -> None:
    p = tmp_path / "big.md"
    p.write_bytes(b"x" * 2048)
    with pytest.raises(SourceError, match="too large"):
        load(p, max_bytes=1024)


def test_too_large_stdin() -> None:
    with pytest.raises(SourceError, match="<stdin>: is too large"):
        load("-", stdin=io.BytesIO(b"x" * 2048), max_bytes=1024)


def test_20_mb_file_is_refused_by_its_size(tmp_path: Path) -> None:
    # building 20 MB of insights took 19 minutes and 2.2 GB (issue 5): refused unread
    block = "1. Title:\n- Key Point: " + "word " * 40 + "\n"
    p = tmp_path / "big.md"
    p.write_text("Big\n" + block * (20 * 1024 * 1024 // len(block)))
    with pytest.raises(
        SourceError, match=r"big\.md: is too large \(20\.0 MB; the limit is 5\.0 MB\)"
    ):
        load(p)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "deck.pptx"
    p.write_bytes(b"PK\x03\x04" + os.urandom(1000))
    with pytest.raises(SourceError, match=r"deck\.pptx: is not a text file"):
        load(p)
