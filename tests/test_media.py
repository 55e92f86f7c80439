"""Pictures a summary names: found only where they may come from, checked for what they
are, sized from their header, and every problem a warning naming the summary's line."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from deckgen import api, media
from deckgen.cli import cli
from deckgen.errors import UsageError
from deckgen.model import BuildOptions, Document, Insight, Picture, RichText
from deckgen.watch import Watcher


def doc_with(folder: Path, *pictures: Picture, back: tuple[Picture, ...] = ()) -> Document:
    """A summary in ``folder`` whose one section shows ``pictures``."""
    section = Insight(1, RichText.plain_text("Results"), elements=pictures)
    back_matter = (Insight(2, RichText.plain_text("Sources"), elements=back),) if back else ()
    return Document(
        RichText.plain_text("Talk"),
        (section,),
        back_matter=back_matter,
        source=str(folder / "talk.md"),
    )


def resolved(folder: Path, *srcs: str, resource_paths: tuple[str, ...] = ()) -> Document:
    pics = tuple(Picture(src, alt=f"alt {i}", line=10 + i) for i, src in enumerate(srcs))
    return media.resolve(doc_with(folder, *pics), folder, resource_paths)


def first(doc: Document) -> Picture:
    picture = doc.insights[0].elements[0]
    assert isinstance(picture, Picture)
    return picture


def png(path: Path, size: tuple[int, int] = (64, 32)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "teal").save(path)
    return path


def png_header(path: Path, width: int, height: int) -> Path:
    """A PNG that is nothing but its signature and header (no pixel data at all)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk)
    return path


# ------------------------------------------------------------------ found and sized


def test_a_picture_beside_the_summary_gets_its_real_path_and_pixel_size(tmp_path):
    png(tmp_path / "chart.png", (640, 480))
    doc = resolved(tmp_path, "chart.png")
    assert first(doc).path == os.path.realpath(tmp_path / "chart.png")
    assert first(doc).pixels == (640, 480)
    assert doc.warnings == ()


def test_a_tall_png_keeps_its_aspect(tmp_path):
    png(tmp_path / "img" / "tall.png", (20, 400))
    assert first(resolved(tmp_path, "img/tall.png")).pixels == (20, 400)


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "BMP", "TIFF"])
def test_jpeg_gif_bmp_and_tiff_are_placed_with_their_size(tmp_path, fmt):
    Image.new("RGB", (300, 200), "navy").save(tmp_path / "photo.bin", format=fmt)
    doc = resolved(tmp_path, "photo.bin")
    assert first(doc).pixels == (300, 200), doc.warnings


def test_a_url_encoded_name_is_decoded(tmp_path):
    png(tmp_path / "my pic.png")
    assert first(resolved(tmp_path, "my%20pic.png")).pixels == (64, 32)


def test_a_name_that_really_holds_a_percent_sign_is_found_too(tmp_path):
    png(tmp_path / "100%25.png")
    assert first(resolved(tmp_path, "100%25.png")).path is not None


def test_a_windows_path_written_with_backslashes_is_found(tmp_path):
    png(tmp_path / "img" / "a.png")
    assert first(resolved(tmp_path, "img\\a.png")).pixels == (64, 32)
    assert "refused" in resolved(tmp_path / "img", "..\\..\\secret.png").warnings[0]


def test_pictures_in_the_back_matter_are_resolved(tmp_path):
    png(tmp_path / "logo.png")
    doc = media.resolve(doc_with(tmp_path, back=(Picture("logo.png", line=40),)), tmp_path)
    picture = doc.back_matter[0].elements[0]
    assert isinstance(picture, Picture) and picture.pixels == (64, 32)


def test_a_logo_used_300_times_is_read_once(tmp_path, monkeypatch):
    png(tmp_path / "logo.png")
    reads = []
    examine = media._examine
    monkeypatch.setattr(media, "_examine", lambda p: reads.append(p) or examine(p))
    pics = tuple(Picture("logo.png", line=n) for n in range(1, 301))
    doc = media.resolve(doc_with(tmp_path, *pics), tmp_path)
    assert len(reads) == 1
    assert all(isinstance(e, Picture) and e.pixels == (64, 32) for e in doc.insights[0].elements)


def test_a_missing_logo_used_many_times_is_one_warning(tmp_path):
    doc = resolved(tmp_path, "logo.png", "logo.png", "logo.png")
    assert doc.warnings == (
        f"{tmp_path / 'talk.md'}, line 10: picture 'logo.png' not placed (and 2 more times "
        "after it): file not found (looked in the summary's folder)",
    )


def test_a_changed_picture_is_read_again_by_the_next_build(tmp_path):
    png(tmp_path / "chart.png", (100, 50))
    assert first(resolved(tmp_path, "chart.png")).pixels == (100, 50)
    png(tmp_path / "chart.png", (50, 100))
    assert first(resolved(tmp_path, "chart.png")).pixels == (50, 100)


# ------------------------------------------------------------------ refused: outside


def test_dot_dot_out_of_the_summary_folder_is_refused(tmp_path):
    png(tmp_path / "secret.png")
    (tmp_path / "talk").mkdir()
    doc = resolved(tmp_path / "talk", "../secret.png")
    assert first(doc).path is None
    assert doc.warnings == (
        f"{tmp_path / 'talk' / 'talk.md'}, line 10: picture '../secret.png' not placed: "
        "refused: a path leading outside the summary's folder (deckgen reads pictures only "
        "from the summary's folder and below, and from folders given with --resource-path)",
    )


def test_dot_dot_that_stays_inside_is_fine(tmp_path):
    png(tmp_path / "img" / "a.png")
    assert first(resolved(tmp_path, "img/../img/a.png")).pixels == (64, 32)


@pytest.mark.parametrize("src", ["/etc/passwd", "file:///etc/passwd", "/etc/../etc/hostname"])
def test_an_absolute_path_outside_is_refused(tmp_path, src):
    doc = resolved(tmp_path, src)
    assert first(doc).path is None
    assert "refused: an absolute path outside the summary's folder" in doc.warnings[0]


def test_an_absolute_path_inside_the_folder_is_fine(tmp_path):
    png(tmp_path / "a.png")
    assert first(resolved(tmp_path, str(tmp_path / "a.png"))).pixels == (64, 32)


def test_a_symlink_to_a_file_outside_is_refused(tmp_path):
    outside = png(tmp_path / "private" / "id_rsa.png")
    (tmp_path / "talk").mkdir()
    (tmp_path / "talk" / "key.png").symlink_to(outside)
    doc = resolved(tmp_path / "talk", "key.png")
    assert first(doc).path is None
    assert "refused: a symlink to a file outside the summary's folder" in doc.warnings[0]


def test_a_symlinked_folder_leading_outside_is_refused(tmp_path):
    png(tmp_path / "home" / "photo.png")
    (tmp_path / "talk").mkdir()
    (tmp_path / "talk" / "pics").symlink_to(tmp_path / "home")
    doc = resolved(tmp_path / "talk", "pics/photo.png")
    assert first(doc).path is None and "refused" in doc.warnings[0]


def test_a_symlink_to_a_file_inside_is_followed(tmp_path):
    target = png(tmp_path / "img" / "v2.png", (30, 10))
    (tmp_path / "current.png").symlink_to(target)
    picture = first(resolved(tmp_path, "current.png"))
    assert picture.path == os.path.realpath(target)
    assert picture.pixels == (30, 10)


# ------------------------------------------------------------------ refused: not local


@pytest.mark.parametrize(
    "src", ["https://example.com/d.png", "http://x.org/a.png", "ftp://h/a.png", "//cdn/a.png"]
)
def test_a_remote_picture_is_not_downloaded(tmp_path, src, monkeypatch):
    import socket

    def no_network(*_a, **_k):
        raise AssertionError("deckgen tried to connect")

    monkeypatch.setattr(socket, "create_connection", no_network)
    doc = resolved(tmp_path, src)
    assert first(doc).path is None
    assert doc.warnings == (
        f"{tmp_path / 'talk.md'}, line 10: picture {src!r} not placed: a remote picture is "
        "not downloaded (deckgen never downloads: save it beside the summary and link the "
        "file)",
    )


def test_a_data_uri_is_not_read(tmp_path):
    doc = resolved(tmp_path, "data:image/png;base64," + "A" * 500)
    assert first(doc).path is None
    assert "a data: URI is not read" in doc.warnings[0]
    assert len(doc.warnings[0]) < 400  # the URI is shortened in the message


def test_a_missing_picture_is_named_as_written_with_its_line(tmp_path):
    doc = resolved(tmp_path, "img/gone.png")
    assert first(doc).path is None
    assert first(doc).alt == "alt 0"  # kept for the slide
    assert doc.warnings == (
        f"{tmp_path / 'talk.md'}, line 10: picture 'img/gone.png' not placed: file not found "
        "(looked in the summary's folder)",
    )


def test_a_broken_symlink_is_missing(tmp_path):
    (tmp_path / "a.png").symlink_to(tmp_path / "gone.png")
    assert "file not found" in resolved(tmp_path, "a.png").warnings[0]


# ------------------------------------------------------------------ refused: what it is


def test_a_png_that_is_really_text_is_not_a_picture(tmp_path):
    (tmp_path / "chart.png").write_text("I am not a picture\n")
    doc = resolved(tmp_path, "chart.png")
    assert first(doc).path is None
    assert doc.warnings[0].endswith(
        "picture 'chart.png' not placed: the file is not a picture (deckgen places PNG, "
        "JPEG, GIF, BMP or TIFF, told by their content)"
    )


def test_an_svg_says_to_export_it_as_png(tmp_path):
    (tmp_path / "d.svg").write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        'height="10"><rect width="10" height="10"/></svg>\n'
    )
    doc = resolved(tmp_path, "d.svg")
    assert first(doc).path is None
    assert doc.warnings[0].endswith(
        "picture 'd.svg' not placed: it is an SVG, which PowerPoint shows only with a PNG "
        "copy that deckgen cannot draw: export it as PNG and link that"
    )


def test_a_webp_says_to_save_it_as_png(tmp_path):
    Image.new("RGB", (8, 8)).save(tmp_path / "a.webp", format="WEBP")
    assert (
        resolved(tmp_path, "a.webp")
        .warnings[0]
        .endswith("not placed: WebP is not a format PowerPoint places: save it as PNG or JPEG")
    )


def test_a_folder_named_like_a_picture_is_not_a_picture(tmp_path):
    (tmp_path / "a.png").mkdir()
    assert resolved(tmp_path, "a.png").warnings[0].endswith("it is a folder, not a picture")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_picture_does_not_hang_the_build(tmp_path):
    os.mkfifo(tmp_path / "a.png")
    assert resolved(tmp_path, "a.png").warnings[0].endswith("it is not a regular file")


def test_a_damaged_jpeg_is_a_warning_not_a_traceback(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(64))
    doc = resolved(tmp_path, "a.jpg")
    assert first(doc).path is None
    assert "it is a damaged JPEG file" in doc.warnings[0]


def test_a_png_without_its_header_is_damaged(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    assert "damaged PNG" in resolved(tmp_path, "a.png").warnings[0]


# ------------------------------------------------------------------ limits


def test_a_huge_pixel_count_is_refused_from_the_header_alone(tmp_path, monkeypatch):
    png_header(tmp_path / "bomb.png", 100_000, 100_000)  # 33 bytes claiming 10 gigapixels
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("decoded the picture"))
    doc = resolved(tmp_path, "bomb.png")
    assert first(doc).path is None
    assert doc.warnings[0].endswith(
        "picture 'bomb.png' not placed: it has too many pixels (100,000 × 100,000 pixels; "
        "the limit is 40 megapixels, as PowerPoint decodes pictures in full): scale it down"
    )


def test_a_one_pixel_wide_strip_is_sized_from_its_header_without_decoding(tmp_path):
    png_header(tmp_path / "strip.png", 1, 100_000)
    assert first(resolved(tmp_path, "strip.png")).pixels == (1, 100_000)


def test_a_jpeg_bomb_is_refused(tmp_path):
    Image.new("RGB", (16, 16)).save(tmp_path / "a.jpg", format="JPEG")
    data = bytearray((tmp_path / "a.jpg").read_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)  # height, width
    (tmp_path / "a.jpg").write_bytes(bytes(data))
    doc = resolved(tmp_path, "a.jpg")
    assert first(doc).path is None
    assert "it has too many pixels" in doc.warnings[0]


def test_a_jpeg_just_over_the_pixel_limit_names_its_size(tmp_path):
    Image.new("RGB", (16, 16)).save(tmp_path / "a.jpg", format="JPEG")
    data = bytearray((tmp_path / "a.jpg").read_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 6_000, 8_000)
    (tmp_path / "a.jpg").write_bytes(bytes(data))
    assert "(8,000 × 6,000 pixels;" in resolved(tmp_path, "a.jpg").warnings[0]


def test_a_file_over_the_byte_limit_is_refused(tmp_path, monkeypatch):
    png(tmp_path / "big.png")
    monkeypatch.setattr(media, "MAX_BYTES", 10)
    doc = resolved(tmp_path, "big.png")
    assert first(doc).path is None
    assert "the file is too large" in doc.warnings[0]


# ------------------------------------------------------------------ resource paths


def test_a_resource_path_is_searched_and_allowed(tmp_path):
    png(tmp_path / "assets" / "logo.png", (10, 10))
    (tmp_path / "talk").mkdir()
    assets = str(tmp_path / "assets")
    doc = resolved(tmp_path / "talk", "logo.png", "../assets/logo.png", resource_paths=(assets,))
    assert [p.pixels for p in doc.insights[0].elements] == [(10, 10), (10, 10)]  # type: ignore[union-attr]
    assert doc.warnings == ()


def test_without_the_resource_path_the_same_picture_is_refused(tmp_path):
    png(tmp_path / "assets" / "logo.png")
    (tmp_path / "talk").mkdir()
    assert "refused" in resolved(tmp_path / "talk", "../assets/logo.png").warnings[0]


def test_the_summary_folder_wins_over_a_resource_path(tmp_path):
    png(tmp_path / "talk" / "logo.png", (1, 2))
    png(tmp_path / "assets" / "logo.png", (3, 4))
    doc = resolved(tmp_path / "talk", "logo.png", resource_paths=(str(tmp_path / "assets"),))
    assert first(doc).pixels == (1, 2)


def test_front_matter_resource_path_inside_the_folder_is_searched(tmp_path):
    png(tmp_path / "images" / "logo.png")
    doc = doc_with(tmp_path, Picture("logo.png", line=5))
    doc = Document(doc.title, doc.insights, meta={"resource-path": "images"}, source=doc.source)
    assert first(media.resolve(doc, tmp_path)).pixels == (64, 32)


def test_front_matter_cannot_widen_where_pictures_come_from(tmp_path):
    png(tmp_path / "home" / "photo.png")
    (tmp_path / "talk").mkdir()
    doc = doc_with(tmp_path / "talk", Picture("photo.png", line=5))
    doc = Document(
        doc.title, doc.insights, meta={"resource-path": ["../home", "/"]}, source=doc.source
    )
    out = media.resolve(doc, tmp_path / "talk")
    assert first(out).path is None
    widen = "a summary cannot widen where pictures are read from"
    assert sum(widen in w for w in out.warnings) == 2


def test_a_missing_resource_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="--resource-path .*nope: no such folder"):
        media.check_folders([tmp_path / "nope"])


# ------------------------------------------------------------------ wired into the build


def test_the_build_resolves_pictures_before_planning(tmp_path, monkeypatch):
    """api.prepare looks pictures up relative to the summary, with the resource paths."""
    png(tmp_path / "assets" / "logo.png")
    (tmp_path / "talk").mkdir()
    doc = doc_with(tmp_path / "talk", Picture("logo.png", "Logo", line=3), Picture("x.png", line=4))
    seen: list[Document] = []
    from deckgen import plan

    real_plan = plan.plan
    monkeypatch.setattr(plan, "plan", lambda d, *a: seen.append(d) or real_plan(d, *a))
    deck = api.prepare(doc, BuildOptions(resource_paths=(str(tmp_path / "assets"),)))
    planned = first(seen[0])
    assert planned.path == os.path.realpath(tmp_path / "assets" / "logo.png")
    assert any("picture 'x.png' not placed: file not found" in w for w in deck.warnings)


def test_the_build_reports_the_pictures_it_read_and_watch_follows_them(tmp_path, monkeypatch):
    png(tmp_path / "chart.png")
    doc = doc_with(tmp_path, Picture("chart.png", line=3), Picture("later.png", line=4))
    monkeypatch.setattr(api, "read", lambda *a, **k: doc)
    result = api.build_with(BuildOptions(), tmp_path / "talk.md", tmp_path / "talk.pptx")
    expected = {Path(os.path.realpath(tmp_path / n)) for n in ("chart.png", "later.png")}
    assert set(result.pictures) == expected

    (tmp_path / "talk.md").write_text("# Talk\n")
    watcher = Watcher(str(tmp_path / "talk.md"), str(tmp_path / "talk.pptx"), echo=lambda _: None)
    assert watcher.build()
    assert expected <= watcher.watched()  # saving the chart, or adding later.png, rebuilds


def test_a_missing_resource_path_stops_the_api_build(tmp_path):
    doc = doc_with(tmp_path)
    with pytest.raises(UsageError):
        api.prepare(doc, BuildOptions(resource_paths=(str(tmp_path / "nope"),)))


@pytest.mark.parametrize("command", ["build", "watch", "serve", "outline", "preview"])
def test_resource_path_is_in_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--resource-path DIR" in text
    assert "Also read pictures from DIR (the summary's own folder and below always" in text


@pytest.mark.parametrize("command", ["build", "outline"])
def test_a_bad_resource_folder_exits_2_with_one_line(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "talk.md").write_text("# Talk\n\n## One\n\nText.\n")
    result = CliRunner().invoke(cli, [command, "talk.md", "--resource-path", "nope"])
    assert result.exit_code == 2
    assert result.output == "Error: --resource-path nope: no such folder\n"
    assert not (tmp_path / "talk.pptx").exists()


def test_the_cli_builds_with_a_resource_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assets").mkdir()
    (tmp_path / "talk.md").write_text("# Talk\n\n## One\n\nText.\n")
    result = CliRunner().invoke(cli, ["build", "talk.md", "--resource-path", "assets"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "talk.pptx").is_file()


def test_the_template_cache_does_not_keep_a_changed_picture(tmp_path, monkeypatch):
    """deckgen's on-disk cache keeps templates only: the next build sees the picture as it
    is now (its new size), with the cache on."""
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(tmp_path / "cache"))
    png(tmp_path / "chart.png", (100, 50))
    doc = doc_with(tmp_path, Picture("chart.png", line=3))
    seen: list[Document] = []
    from deckgen import plan

    real_plan = plan.plan
    monkeypatch.setattr(plan, "plan", lambda d, *a: seen.append(d) or real_plan(d, *a))
    api.prepare(doc)
    png(tmp_path / "chart.png", (50, 100))
    api.prepare(doc)
    assert [first(d).pixels for d in seen] == [(100, 50), (50, 100)]
