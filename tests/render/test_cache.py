"""write keeps what it learns about a template between decks (warm rebuilds): the output
must not depend on what was cached, and a changed template must be read again."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from deckgen.model import Theme
from deckgen.render import _zip, load_theme, write
from deckgen.render import writer as writer_mod

from .conftest import assert_valid, make_deck


def _cold(deck, out: Path) -> bytes:
    writer_mod._cache.clear()
    write(deck, out)
    return out.read_bytes()


def test_warm_output_equals_cold_output(proto_theme: Theme, tmp_path: Path):
    deck = make_deck(proto_theme, 3, language="de-DE")
    cold = _cold(deck, tmp_path / "a.pptx")
    write(make_deck(proto_theme, 2), tmp_path / "other.pptx")  # warms the cache differently
    write(deck, tmp_path / "b.pptx")
    assert (tmp_path / "b.pptx").read_bytes() == cold
    assert_valid(tmp_path / "b.pptx")


def test_languages_do_not_share_cached_formatting(proto_theme: Theme, tmp_path: Path):
    write(make_deck(proto_theme, 1, language="de-DE"), tmp_path / "de.pptx")
    write(make_deck(proto_theme, 1, language="fr-FR"), tmp_path / "fr.pptx")
    write(make_deck(proto_theme, 1), tmp_path / "none.pptx")
    with zipfile.ZipFile(tmp_path / "fr.pptx") as z:
        xml = z.read("ppt/slides/slide2.xml")
    assert b'lang="fr-FR"' in xml and b"de-DE" not in xml
    with zipfile.ZipFile(tmp_path / "none.pptx") as z:
        xml = z.read("ppt/slides/slide2.xml")
    assert b"fr-FR" not in xml and b"de-DE" not in xml


def test_deck_without_notes_then_with_notes(proto_theme: Theme, tmp_path: Path):
    deck = make_deck(proto_theme, 1)
    silent = dataclasses.replace(
        deck, slides=tuple(dataclasses.replace(s, notes="") for s in deck.slides)
    )
    write(silent, tmp_path / "silent.pptx")
    write(deck, tmp_path / "notes.pptx")
    prs = Presentation(tmp_path / "notes.pptx")
    assert prs.slides[1].notes_slide.notes_text_frame.text == "Say 1."
    assert not any(s.has_notes_slide for s in Presentation(tmp_path / "silent.pptx").slides)
    assert_valid(tmp_path / "notes.pptx")


def test_changed_template_is_read_again(proto_path: Path, tmp_path: Path):
    path = tmp_path / "t.pptx"
    shutil.copy(proto_path, path)
    theme = load_theme(path)
    write(make_deck(theme, 1), tmp_path / "a.pptx")
    # same size and times as before would be a cache hit: change all of them
    prs = Presentation(path)
    prs.slide_masters[0].name = "Renamed master for the cache test"
    prs.save(path)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    write(make_deck(load_theme(path), 1), tmp_path / "b.pptx")
    with zipfile.ZipFile(tmp_path / "b.pptx") as z:
        assert b"Renamed master for the cache test" in z.read("ppt/slideMasters/slideMaster1.xml")


def test_template_removed_after_caching(proto_path: Path, tmp_path: Path):
    from deckgen.errors import TemplateError

    path = tmp_path / "t.pptx"
    shutil.copy(proto_path, path)
    theme = load_theme(path)
    write(make_deck(theme, 1), tmp_path / "a.pptx")
    path.unlink()
    with pytest.raises(TemplateError, match="not found"):
        write(make_deck(theme, 1), tmp_path / "b.pptx")


def test_zip_members_and_zip64_fallback(monkeypatch):
    members = [
        _zip.entry("a.xml", b"<a/>" * 100),
        _zip.entry("media/i.png", b"\x89PNG not really"),
        _zip.entry("d/\u00e9.xml", b"<e/>"),
    ]
    assert members[1].method == zipfile.ZIP_STORED
    assert members[0].method == zipfile.ZIP_DEFLATED
    for limit in (_zip._LIMIT, 0):  # 0: every package takes the zipfile route
        monkeypatch.setattr(_zip, "_LIMIT", limit)
        buf = io.BytesIO()
        _zip.write_zip(buf, members)
        with zipfile.ZipFile(buf) as z:
            assert z.testzip() is None
            assert z.namelist() == ["a.xml", "media/i.png", "d/\u00e9.xml"]
            assert z.read("a.xml") == b"<a/>" * 100
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_threaded_compression_gives_the_same_bytes(proto_theme: Theme, tmp_path: Path):
    deck = make_deck(proto_theme, 5)
    write(deck, tmp_path / "a.pptx")
    old = writer_mod._THREADED
    try:
        writer_mod._THREADED = 1
        write(deck, tmp_path / "b.pptx")
    finally:
        writer_mod._THREADED = old
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()


def test_prototypes_that_moved_since_the_theme_was_read_are_an_error(
    proto_path: Path, tmp_path: Path
):
    """A theme read earlier (render.load_theme) and a template changed since: the writer
    reads the template again and refuses kinds whose prototype is not where it was, rather
    than fill another slide's shapes."""
    from deckgen.errors import TemplateError

    path = tmp_path / "t.pptx"
    shutil.copy(proto_path, path)
    theme = load_theme(path)
    prs = Presentation(path)
    first = prs.slides._sldIdLst[0]  # the "how to" slide: every prototype moves up one
    prs.part.drop_rel(first.rId)
    prs.slides._sldIdLst.remove(first)
    prs.save(path)
    writer_mod._cache.clear()
    with pytest.raises(TemplateError, match="template changed since it was loaded"):
        write(make_deck(theme, 1), tmp_path / "out.pptx")
    assert not (tmp_path / "out.pptx").exists()
    write(make_deck(load_theme(path), 1), tmp_path / "out.pptx")  # read again: fine
