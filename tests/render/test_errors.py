"""Untrusted templates and unwritable outputs: one-line deckgen errors, files never damaged."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from deckgen.errors import OutputError, TemplateError
from deckgen.model import Theme
from deckgen.render import _package, load_theme, write
from deckgen.render import writer as writer_mod

from ..ziptools import understate_size
from .conftest import make_deck


def _one_line(e: pytest.ExceptionInfo) -> str:
    msg = e.value.message
    assert "\n" not in msg and "Traceback" not in msg
    return msg


def _rezip(src: Path, dst: Path, patch: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, patch.get(info.filename, zin.read(info)))
        for name, blob in patch.items():
            if name not in zin.namelist():
                zout.writestr(name, blob)
    return dst


def test_missing_file(tmp_path: Path):
    with pytest.raises(TemplateError) as e:
        load_theme(tmp_path / "nope.pptx")
    assert "not found" in _one_line(e)


def test_folder(tmp_path: Path):
    with pytest.raises(TemplateError) as e:
        load_theme(tmp_path)
    assert "folder" in _one_line(e)


def test_not_a_zip(tmp_path: Path):
    p = tmp_path / "t.pptx"
    p.write_text("hello, I am text")
    with pytest.raises(TemplateError) as e:
        load_theme(p)
    assert "not a zip" in _one_line(e)


def test_zip_that_is_not_a_presentation(tmp_path: Path):
    p = tmp_path / "t.pptx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(TemplateError) as e:
        load_theme(p)
    assert "not a presentation" in _one_line(e)


def test_word_document_is_not_a_presentation(tmp_path: Path, proto_path: Path):
    ct = zipfile.ZipFile(proto_path).read("[Content_Types].xml")
    ct = ct.replace(b"presentationml.presentation.main+xml", b"wordprocessingml.document.main+xml")
    p = _rezip(proto_path, tmp_path / "t.pptx", {"[Content_Types].xml": ct})
    with pytest.raises(TemplateError) as e:
        load_theme(p)
    assert "not a presentation" in _one_line(e)


def test_broken_part_xml(tmp_path: Path, proto_path: Path):
    p = _rezip(proto_path, tmp_path / "t.pptx", {"ppt/presentation.xml": b"<p:presentation"})
    with pytest.raises(TemplateError) as e:
        load_theme(p)
    assert "cannot read presentation" in _one_line(e)


def test_zip_bomb_ratio(tmp_path: Path, proto_path: Path):
    p = _rezip(proto_path, tmp_path / "t.pptx", {"ppt/media/bomb.xml": b"\0" * (8 * 2**20)})
    with pytest.raises(TemplateError) as e:
        load_theme(p)
    assert "zip bomb" in _one_line(e)


def test_zip_bomb_part_and_total_limits(tmp_path: Path, proto_path: Path, monkeypatch):
    monkeypatch.setattr(_package, "MAX_PART", 1000)
    with pytest.raises(TemplateError, match="inflates to") as e:
        load_theme(proto_path)
    _one_line(e)
    monkeypatch.setattr(_package, "MAX_PART", 50 * 2**20)
    monkeypatch.setattr(_package, "MAX_TOTAL", 10_000)
    with pytest.raises(TemplateError, match="package inflates to"):
        load_theme(proto_path)


def test_lying_zip_directory_is_caught(tmp_path: Path, proto_path: Path):
    """A member whose real data is larger than its declared size fails, not inflates."""
    p = tmp_path / "t.pptx"
    _rezip(proto_path, p, {"ppt/x.xml": b"A" * 100_000})
    understate_size(p, "ppt/x.xml", 10)  # the central directory says 10 bytes
    with pytest.raises(TemplateError) as e:
        load_theme(p)
    _one_line(e)


@pytest.mark.parametrize(
    "decl",
    [
        b'<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    ],
)
def test_xml_entities_refused(tmp_path: Path, proto_path: Path, decl: bytes):
    src = zipfile.ZipFile(proto_path).read("ppt/presentation.xml")
    head, _, rest = src.partition(b"?>")
    p = _rezip(
        proto_path, tmp_path / "t.pptx", {"ppt/presentation.xml": head + b"?>" + decl + rest}
    )
    with pytest.raises(TemplateError) as e:
        load_theme(p)
    assert "DOCTYPE" in _one_line(e)


def test_utf16_doctype_refused(tmp_path: Path, proto_path: Path):
    decl = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY y "z">]><x/>'
    p = _rezip(
        proto_path,
        tmp_path / "t.pptx",
        {"ppt/theme/theme1.xml": decl.encode("utf-16")},
    )
    with pytest.raises(TemplateError, match="DOCTYPE"):
        load_theme(p)


def test_macro_enabled_refused(tmp_path: Path, proto_path: Path):
    ct = zipfile.ZipFile(proto_path).read("[Content_Types].xml")
    ct = ct.replace(
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    )
    p = _rezip(proto_path, tmp_path / "t.pptm", {"[Content_Types].xml": ct})
    with pytest.raises(TemplateError, match="macro"):
        load_theme(p)


def test_write_checks_the_template_too(tmp_path: Path, proto_theme: Theme):
    p = tmp_path / "t.pptx"
    p.write_text("not a zip")
    deck = make_deck(proto_theme, 1)
    deck = type(deck)(
        deck.slides, type(proto_theme)(**{**proto_theme.__dict__, "path": str(p)}), "t"
    )
    with pytest.raises(TemplateError):
        write(deck, tmp_path / "out.pptx")
    assert not (tmp_path / "out.pptx").exists()


# --------------------------------------------------------------------------- output


def test_output_folder_missing(tmp_path: Path, proto_theme: Theme):
    with pytest.raises(OutputError) as e:
        write(make_deck(proto_theme, 1), tmp_path / "nope" / "d.pptx")
    assert "does not exist" in _one_line(e)


def test_output_is_a_folder(tmp_path: Path, proto_theme: Theme):
    with pytest.raises(OutputError, match="folder"):
        write(make_deck(proto_theme, 1), tmp_path)


def test_output_parent_is_a_file(tmp_path: Path, proto_theme: Theme):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="the output folder is a file"):
        write(make_deck(proto_theme, 1), tmp_path / "f" / "d.pptx")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_output_folder_not_writable(tmp_path: Path, proto_theme: Theme):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="not writable"):
            write(make_deck(proto_theme, 1), ro / "d.pptx")
    finally:
        ro.chmod(0o755)


def test_mkstemp_failure_is_an_output_error(tmp_path: Path, proto_theme: Theme, monkeypatch):
    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_package.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="Permission denied"):
        write(make_deck(proto_theme, 1), tmp_path / "d.pptx")


def test_ctrl_c_as_mkstemp_returns_leaves_no_temporary_file(
    tmp_path: Path, proto_theme: Theme, monkeypatch
):
    """The interrupt arrives after mkstemp made the file but before its name reached the
    caller (the window a Ctrl-C under load once hit): neither the file nor the old deck
    is left changed."""
    out = tmp_path / "deck.pptx"
    out.write_bytes(b"precious")
    real = _package.tempfile.mkstemp

    def made_then_interrupted(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        os.close(fd)
        assert Path(name).exists()
        raise KeyboardInterrupt

    monkeypatch.setattr(_package.tempfile, "mkstemp", made_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        write(make_deck(proto_theme, 1), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pptx"]
    assert out.read_bytes() == b"precious"


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError, OSError])
def test_interrupted_write_leaves_existing_file(
    tmp_path: Path, proto_theme: Theme, monkeypatch, exc
):
    out = tmp_path / "d.pptx"
    out.write_bytes(b"precious")
    real = _package.save_package

    def boom(package, stream):
        real(package, stream)  # a partial file exists now
        raise exc(5, "disk full") if exc is OSError else exc()

    monkeypatch.setattr(writer_mod, "save_package", boom)
    expected = OutputError if exc is OSError else exc
    with pytest.raises(expected):
        write(make_deck(proto_theme, 1), out)
    assert out.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.pptx"]


def test_overwrite_keeps_mode(tmp_path: Path, proto_theme: Theme):
    out = tmp_path / "d.pptx"
    out.write_bytes(b"old")
    out.chmod(0o640)
    write(make_deck(proto_theme, 1), out)
    assert out.stat().st_mode & 0o777 == 0o640
    assert zipfile.is_zipfile(out)


def test_odd_slide_ids_in_a_template_do_not_matter(
    tmp_path: Path, proto_path: Path, proto_theme: Theme
):
    """The template's own slides are all dropped, so their ids (even broken ones) play no
    part: the deck's slides are numbered from 256."""
    src = zipfile.ZipFile(proto_path).read("ppt/presentation.xml")
    p = _rezip(
        proto_path,
        tmp_path / "t.pptx",
        {"ppt/presentation.xml": src.replace(b'<p:sldId id="256"', b'<p:sldId id="x"')},
    )
    theme = type(proto_theme)(**{**proto_theme.__dict__, "path": str(p)})
    write(make_deck(theme, 1), tmp_path / "out.pptx")
    prs = zipfile.ZipFile(tmp_path / "out.pptx").read("ppt/presentation.xml")
    assert b'<p:sldId id="256"' in prs and b'id="x"' not in prs


def test_template_errors_carry_the_template_path(tmp_path: Path) -> None:
    """API users get the template file as a field, not only inside the message."""
    import deckgen
    from deckgen.errors import TemplateError

    broken = tmp_path / "broken.pptx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    for template in (broken, tmp_path / "missing.pptx"):
        with pytest.raises(TemplateError) as exc:
            deckgen.build(text="T\n1. A\n- b\n", output=tmp_path / "d.pptx", template=template)
        assert exc.value.path == str(template), exc.value.message
        assert exc.value.message.startswith(str(template))
