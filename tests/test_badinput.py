"""The bad-input matrix (issue 5): whatever a user feeds deckgen, it answers with a deck or
one clear line, and never damages a file.

Each case runs through the command line (click's CliRunner, or a subprocess with a timeout
where the input is big) and checks the whole contract:

* refused: exit code 1 (2 for usage errors), exactly one ``Error: …`` line on stderr that
  says what and where, no traceback, nothing on stdout; no file at the output path, or the
  deck that was there byte for byte, and no temporary file left in its folder;
* accepted: exit code 0, ``Wrote …`` on stdout, ``Warning: …`` lines on stderr for what was
  merely odd (BOM, CRLF, control characters), a deck python-pptx reopens that holds every
  word and no ``_x0000_`` escapes (every deck is also schema-checked: tests/schema.py).

No case may hang: an alarm fails any test of this module that runs over two minutes, and
the big inputs run in a subprocess with a timeout.
"""

from __future__ import annotations

import builtins
import codecs
import io
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pptx
import pytest
from click.testing import CliRunner, Result
from pptx import Presentation

import deckgen
from deckgen import parse as parse_mod
from deckgen import source as source_mod
from deckgen.cli import cli
from deckgen.errors import DeckgenError, OutputError, SourceError
from deckgen.render import _package
from deckgen.render import writer as writer_mod

from .conftest import CONTENT
from .schema import junk_escapes
from .test_properties import deck_strings, missing_from_deck
from .ziptools import understate_size

DEFAULT_PPTX = Path(pptx.__file__).parent / "templates" / "default.pptx"
THEME_PPTX = Path(__file__).resolve().parent.parent / "templates" / "default" / "template.pptx"
SUMMARY = CONTENT.read_text(encoding="utf-8")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# An existing deck at the output path: a real presentation, compared byte for byte.
PRECIOUS = DEFAULT_PPTX.read_bytes()
TIMEOUT = 120


class Hang(BaseException):
    """Raised by the alarm; a BaseException so no ``except Exception`` can swallow it."""


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"the test ran over {TIMEOUT} s: deckgen hangs on this input")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- helpers


def run(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def error_line(result: Result, code: int = 1) -> str:
    """The one ``Error: …`` line of a refused command (and the rest of the contract)."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    if code == 1:
        assert lines == errors, result.stderr
    return errors[0]


def test_one_sentence_is_a_title_slide_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "src.md").write_text("Just one sentence, nothing to present.\n")
    out = tmp_path / "deck.pptx"
    result = run("build", str(tmp_path / "src.md"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "only a title slide" in result.stderr
    (slide,) = Presentation(str(out)).slides
    assert slide.shapes.title.text == "Just one sentence, nothing to present."


def built(result: Result, out: Path) -> list[str]:
    """The warnings of a command that wrote ``out`` (and the rest of the contract)."""
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {out} ("), result.stdout
    warnings = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert all(ln.startswith("Warning: ") for ln in warnings), result.stderr
    assert len(Presentation(str(out)).slides) >= 2
    assert junk_escapes(out) == []
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    return warnings


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(params=[False, True], ids=["no-deck", "existing-deck"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """The output path of a build that must fail: empty, or holding a deck; afterwards the
    folder must be exactly as it was (no partial deck, no temporary file)."""
    out = tmp_path / "out" / "deck.pptx"
    out.parent.mkdir()
    if request.param:
        out.write_bytes(PRECIOUS)
    before = listing(out.parent)
    yield out
    assert listing(out.parent) == before


# --------------------------------------------------------------------------- sources

LATIN = "Café talk\n1. Première idée:\n- Key Point: Größe – “quoted” naïve façade.\n"
REFUSED_SOURCES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "empty": (b"", ("src.md", "is empty")),
    "whitespace only": (b"  \n\t\n   \r\n", ("src.md", "is empty")),
    "png image": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, ("not a text file", "PNG")),
    "pptx as source": (PRECIOUS, ("not a text file", "zip")),
    "binary bytes": (bytes(range(256)) * 20, ("not a text file",)),
    "random bytes": (random.Random(5).randbytes(4096), ("src.md", "not a text file")),
    "shift-jis": (
        "要約\n1. 最初の考え:\n- 要点: 日本語の文章。\n".encode("shift_jis") * 8,
        ("utf-8",),
    ),
    "no words": (b"---\n\n***\n<!-- nothing here yet -->\n", ("src.md", "no words")),
    "10,001 insights": (
        ("Many\n" + "".join(f"{i}. T{i}\n" for i in range(1, 10_002))).encode(),
        ("line 10002", "10,001 insights", "at most 10,000"),
    ),
    "100,001 lines": (b"T\n1. A\n" + b"word\n" * 99_999, ("100,001 lines", "100,000")),
}


@pytest.mark.parametrize("case", list(REFUSED_SOURCES))
def test_a_source_that_is_not_a_summary_is_refused(
    case: str, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, needles = REFUSED_SOURCES[case]
    src = target.parent.parent / "src.md"
    src.write_bytes(data)
    monkeypatch.chdir(target.parent.parent)
    line = error_line(run("build", "src.md", "-o", str(target)))
    for needle in needles:
        assert needle.lower() in line.lower(), line


ODD_SOURCES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "windows-1252": (LATIN.encode("cp1252"), ("Windows-1252",)),
    "utf-8 with damaged bytes": (LATIN.encode() + b"- broken \xff byte\n", ("U+FFFD",)),
    "utf-16 with bom": (codecs.BOM_UTF16_LE + SUMMARY.encode("utf-16-le"), ("UTF-16",)),
    "utf-16-be with bom": (codecs.BOM_UTF16_BE + SUMMARY.encode("utf-16-be"), ("UTF-16",)),
    "utf-16 without bom": (SUMMARY.encode("utf-16-le"), ("UTF-16-LE",)),
    "utf-32 with bom": (SUMMARY.encode("utf-32"), ("UTF-32",)),
    "utf-8 with bom": (codecs.BOM_UTF8 + SUMMARY.encode(), ("byte-order mark",)),
    "crlf": (SUMMARY.replace("\n", "\r\n").encode(), ("CRLF",)),
    "lone cr": (SUMMARY.replace("\n", "\r").encode(), ("line ends",)),
    "nul and control characters": (
        SUMMARY.replace("Llama", "Lla\x00ma")
        .replace("Meta", "Me\x07ta\x1b")
        .replace("open", "op\x7fen\x9f")
        .encode(),
        ("src.md, line 1", "control characters", "U+0000"),
    ),
    "lone surrogates": (
        SUMMARY.replace("Llama", "Lla\ud800ma").encode("utf-8", "surrogatepass"),
        ("surrogate",),
    ),
    "front matter not yaml": (b"---\ntitle: [unclosed\n---\n1. A\n- b\n", ("YAML", "line 2")),
    "front matter a list": (b"---\n- a\n- b\n---\n1. A\n- b\n", ("front matter", "line 2")),
}


@pytest.mark.parametrize("case", list(ODD_SOURCES))
def test_an_odd_source_is_built_with_a_warning(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, needles = ODD_SOURCES[case]
    (tmp_path / "src.md").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "deck.pptx"
    warnings = built(run("build", "src.md", "-o", str(out)), out)
    text = " ".join(warnings)
    assert warnings and all("src.md" in w for w in warnings), warnings
    for needle in needles:
        assert needle.lower() in text.lower(), warnings
    decoded = source_mod.decode(data, "src.md")[0]
    assert not missing_from_deck(decoded, out)
    if "control" in case or "surrogate" in case:
        deck = "\n".join(deck_strings(out))
        assert "Llama 3.1" in deck and "Meta" in deck
        assert not any(c in deck for c in "\x00\x07\x1b\x7f\x9f\ud800")


ACCEPTED_SOURCES: dict[str, str] = {
    "unclosed code fence": "T\n1. A\n- Key Point: see below\n```python\nprint('open')\n2. B\n",
    "raw html": (
        '<p align="center"><img src="logo.png" alt="Logo"></p>\n# Talk\n'
        "<div class='tip'>Use <b>du</b> with sort.</div>\n1. Disk usage:\n"
        "- Key Point: <span style='color:red'>sort -h</span> reads sizes<br>like 2K\n"
        "<script>alert('hi')</script>\n2. Watch:\n- Insight: it reruns &amp; repeats\n"
    ),
    "lists nested 200 deep": "T\n1. A\n" + "".join("  " * d + f"- item{d}\n" for d in range(200)),
    "quotes nested 300 deep": "T\n1. A\n" + ">" * 300 + " deep words\n",
}


@pytest.mark.parametrize("case", list(ACCEPTED_SOURCES))
def test_unusual_markdown_is_built_with_every_word(case: str, tmp_path: Path) -> None:
    text = ACCEPTED_SOURCES[case]
    (tmp_path / "src.md").write_text(text, encoding="utf-8")
    out = tmp_path / "deck.pptx"
    built(run("build", str(tmp_path / "src.md"), "-o", str(out)), out)
    assert not missing_from_deck(text, out)
    deck = "\n".join(deck_strings(out))
    if case == "raw html":
        assert "<" not in deck.replace("&lt;", "")  # markup is not shown as text
        assert len(Presentation(str(out)).slides) >= 3  # both insights, under the HTML


def test_a_10000_character_title(tmp_path: Path) -> None:
    title = " ".join(f"Title{i:04d}" for i in range(1000))[:10_000]
    src = tmp_path / "src.md"
    src.write_text(f"{title}\n1. A:\n- Key Point: b\n", encoding="utf-8")
    out = tmp_path / "deck.pptx"
    result = run("build", str(src), "-o", str(out))
    warnings = built(result, out)
    # never split across slides (issues 10, 14): the title slide shows the title's first
    # words, at a readable size; the whole text opens the overview slide
    assert not any("title slide" in w for w in warnings), warnings
    prs = Presentation(str(out))
    shown = prs.slides[0].shapes.title.text_frame.text
    assert shown.endswith("…") and title.startswith(shown[:-1]) and len(shown) <= 321
    body = " ".join(
        sh.text_frame.text for s in list(prs.slides)[1:] for sh in s.shapes if sh.has_text_frame
    )
    assert set(title.split()) <= set(body.replace("…", " ").split())  # every word on a slide
    core = prs.core_properties
    assert core.title == shown[:255]  # document properties hold 255 characters
    with zipfile.ZipFile(out) as zf:
        app = zf.read("docProps/app.xml").decode()
    assert all(len(t) <= 255 for t in re.findall(r"<vt:lpstr>([^<]*)</vt:lpstr>", app))


def test_a_10000_character_title_fits_every_box(tmp_path: Path) -> None:
    title = "Long " * 2000
    result = deckgen.build(text=f"{title}\n1. A:\n- Key Point: b\n", output=tmp_path / "d.pptx")
    assert not [w for w in result.warnings if "does not fit its box" in w]


# --------------------------------------------------------------------------- big inputs


def deckgen_process(
    *args: str, cwd: Path, timeout: float, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """``deckgen ARGS`` in a fresh interpreter; a hang fails the test at ``timeout``."""
    return subprocess.run(
        [sys.executable, "-m", "deckgen", *args],
        cwd=cwd,
        input=stdin.decode("latin-1") if stdin is not None else None,
        capture_output=True,
        text=True,
        encoding="latin-1" if stdin is not None else None,
        timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
    assert proc.stdout == ""
    return lines[0]


def test_a_20_mb_file_is_refused_at_once(tmp_path: Path) -> None:
    block = "1. Title:\n- Key Point: " + "word " * 40 + "\n"
    (tmp_path / "big.md").write_text("Big\n" + block * (20 * 2**20 // len(block) + 1))
    (tmp_path / "big.pptx").write_bytes(PRECIOUS)
    started = time.monotonic()
    proc = deckgen_process("build", "big.md", cwd=tmp_path, timeout=60)
    line = one_error_line(proc)
    assert "big.md: is too large (20.0 MB; the limit is 5.0 MB)" in line
    assert time.monotonic() - started < 60
    assert (tmp_path / "big.pptx").read_bytes() == PRECIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.md", "big.pptx"]


def test_20_mb_on_stdin_is_refused(tmp_path: Path) -> None:
    data = b"1. Title:\n- Key Point: words\n" * (20 * 2**20 // 29)
    proc = deckgen_process("build", "-", "-o", "d.pptx", cwd=tmp_path, timeout=60, stdin=data)
    assert "<stdin>: is too large (more than 5.0 MB)" in one_error_line(proc)
    assert list(tmp_path.iterdir()) == []


def test_text_over_the_limits_is_refused_by_the_api(tmp_path: Path) -> None:
    out = tmp_path / "d.pptx"
    with pytest.raises(SourceError, match=r"<text>: is too long \(5,242,881 characters"):
        deckgen.build(text="T\n1. A\n- " + "x" * (parse_mod.MAX_CHARS - 8), output=out)
    assert not out.exists()


@pytest.mark.slow
def test_a_single_line_of_1_mb(tmp_path: Path) -> None:
    words = 2**20 // 5
    (tmp_path / "line.md").write_text("Title\n1. One:\n- Key Point: " + "word " * words + "\n")
    proc = deckgen_process("build", "line.md", cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "continued on" in proc.stderr and proc.stderr.startswith("Warning: ")
    deck = tmp_path / "line.pptx"
    on_slides = " ".join(
        s.text_frame.text
        for slide in Presentation(str(deck)).slides
        for s in slide.shapes
        if s.has_text_frame
    )
    assert on_slides.count("word") == words


@pytest.mark.slow
def test_5000_insights(tmp_path: Path) -> None:
    text = "Many\n" + "".join(f"{i}. Title {i}:\n- Key Point: point {i}.\n" for i in range(1, 5001))
    (tmp_path / "many.md").write_text(text + "Conclusion\nThat was all.\n")
    proc = deckgen_process("build", "many.md", cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Wrote many.pptx (5002 slides)" in proc.stdout
    prs = Presentation(str(tmp_path / "many.pptx"))
    assert len(prs.slides) == 5002
    assert "point 4999." in "\n".join(
        s.text_frame.text for s in prs.slides[4999].shapes if s.has_text_frame
    )


# --------------------------------------------------------------------------- source paths


def test_a_missing_source(target: Path) -> None:
    line = error_line(run("build", str(target.parent / "nope.md"), "-o", str(target)))
    assert "nope.md: file not found" in line


def test_a_directory_as_source(target: Path) -> None:
    folder = target.parent / "notes.md"
    folder.mkdir()
    line = error_line(run("build", str(folder), "-o", str(target)))
    assert f"{folder}: is a directory" in line
    folder.rmdir()


@pytest.mark.skipif(AS_ROOT, reason="root reads any file; covered by the next test")
def test_an_unreadable_source(target: Path) -> None:
    src = target.parent.parent / "secret.md"
    src.write_text(SUMMARY)
    src.chmod(0)
    try:
        line = error_line(run("build", str(src), "-o", str(target)))
    finally:
        src.chmod(0o644)
    assert "secret.md: cannot be read (permission denied)" in line


def test_an_unreadable_source_as_root_too(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = target.parent.parent / "secret.md"
    src.write_text(SUMMARY)

    def refuse(path: object, *args: object, **kwargs: object) -> object:
        if str(path) == str(src):
            raise PermissionError(13, "Permission denied", str(path))
        return builtins.open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(source_mod, "open", refuse, raising=False)
    line = error_line(run("build", str(src), "-o", str(target)))
    assert "secret.md: cannot be read (permission denied)" in line


def test_empty_stdin(target: Path) -> None:
    assert "<stdin>: is empty" in error_line(run("build", "-", "-o", str(target), input=b""))


# --------------------------------------------------------------------------- outputs


def test_an_output_folder_that_does_not_exist(tmp_path: Path) -> None:
    out = tmp_path / "nowhere" / "deck.pptx"
    line = error_line(run("build", str(CONTENT), "-o", str(out)))
    assert "nowhere" in line and "does not exist" in line
    assert list(tmp_path.iterdir()) == []


def test_an_output_path_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "c.md").write_text(SUMMARY)
    before = listing(tmp_path)
    line = error_line(run("build", str(tmp_path / "c.md"), "-o", str(tmp_path / "c.md" / "d.pptx")))
    assert "c.md" in line
    assert listing(tmp_path) == before


@pytest.mark.skipif(AS_ROOT, reason="root writes anywhere; covered by the next tests")
def test_a_read_only_output_folder(target: Path) -> None:
    target.parent.chmod(0o555)
    try:
        line = error_line(run("build", str(CONTENT), "-o", str(target)))
    finally:
        target.parent.chmod(0o755)
    assert str(target) in line and "writ" in line


def test_an_unwritable_output_folder_is_refused_before_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One output check, up front: the summary is not even read (root passes os.access
    anywhere, so the folder's answer is simulated)."""
    from deckgen import output

    monkeypatch.setattr(output.os, "access", lambda *_: False)
    with pytest.raises(OutputError) as exc:
        deckgen.build(tmp_path / "missing.md", tmp_path / "talk.pptx")
    assert exc.value.path == str(tmp_path / "talk.pptx")
    assert "not writable" in exc.value.message and list(tmp_path.iterdir()) == []


def test_a_folder_that_refuses_a_new_file(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_package.tempfile, "mkstemp", refuse)
    line = error_line(run("build", str(CONTENT), "-o", str(target)))
    assert str(target) in line and "Permission denied" in line


def test_a_deck_that_cannot_be_replaced(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rename fails (the deck is open in PowerPoint on Windows, a read-only mount …)."""

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_package.os, "replace", refuse)
    line = error_line(run("build", str(CONTENT), "-o", str(target)))
    assert str(target) in line and "Permission denied" in line


def test_the_output_is_the_source(tmp_path: Path) -> None:
    src = tmp_path / "talk.md"
    src.write_text(SUMMARY)
    line = error_line(run("build", str(src), "-o", str(src)))
    assert "source itself" in line
    assert src.read_text() == SUMMARY and listing(tmp_path) == {"talk.md": SUMMARY.encode()}


def test_a_source_named_like_its_deck_is_not_overwritten(tmp_path: Path) -> None:
    src = tmp_path / "talk.pptx"  # a summary saved with the wrong extension
    src.write_text(SUMMARY)
    line = error_line(run("build", str(src)))
    assert "source itself" in line and src.read_text() == SUMMARY


def test_an_output_that_is_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    line = error_line(run("build", str(CONTENT), "-o", str(tmp_path)), code=2)
    assert "is a directory" in line
    with pytest.raises(OutputError, match="folder"):
        deckgen.build(CONTENT, tmp_path)


def test_an_output_that_is_not_pptx(tmp_path: Path) -> None:
    assert ".pptx" in error_line(run("build", str(CONTENT), "-o", str(tmp_path / "d.txt")))
    assert list(tmp_path.iterdir()) == []


def test_unknown_option_is_a_usage_error() -> None:
    assert "No such option" in error_line(run("build", "--colour"), code=2)


# --------------------------------------------------------------------------- templates


def _copy_with(src: Path, dst: Path, patch: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, patch.get(info.filename, zin.read(info)))
    return dst


def _big_member(zf: zipfile.ZipFile, name: str, mb: int, sparse: bool = False) -> None:
    """``mb`` MiB of zeros (about 1000:1 deflated), or with a random byte in every 100
    (about 36:1, under the ratio limit)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    chunk = bytearray(2**20)
    if sparse:
        rng = random.Random(1)
        for i in range(0, len(chunk), 100):
            chunk[i] = rng.randrange(256)
    with zf.open(info, "w") as f:
        for _ in range(mb):
            f.write(chunk)


def _bomb(path: Path, parts: int, mb: int, sparse: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        with zipfile.ZipFile(DEFAULT_PPTX) as zin:
            for info in zin.infolist():
                zout.writestr(info.filename, zin.read(info))
        for i in range(parts):
            _big_member(zout, f"ppt/media/zeros{i}.bin", mb, sparse)
    return path


XXE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
)


def _with_doctype(
    path: Path, part: str, decl: bytes, entity: bytes, base: Path = DEFAULT_PPTX
) -> Path:
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part)
    body = xml.split(b"?>", 1)[1].lstrip()
    body = body.replace(b"<a:t>", b"<a:t>" + entity, 1) if b"<a:t>" in body else body
    return _copy_with(base, path, {part: decl + body})


@pytest.fixture(scope="module")
def bad_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("templates")
    (d / "not-a-zip.pptx").write_text("Just some text, saved as .pptx.")
    with zipfile.ZipFile(d / "not-a-presentation.pptx", "w") as zf:
        zf.writestr("readme.txt", "a zip, but no presentation")
    with zipfile.ZipFile(d / "empty-zip.pptx", "w"):
        pass
    (d / "folder-without-template").mkdir()
    return {
        "missing": d / "missing.pptx",
        "folder without template.pptx": d / "folder-without-template",
        "not a zip": d / "not-a-zip.pptx",
        "empty zip": d / "empty-zip.pptx",
        "zip that is not a presentation": d / "not-a-presentation.pptx",
        "zip bomb: one part of 300 MB": _bomb(d / "bomb.pptx", 1, 300),
        "zip bomb: 200 MB of zeros in 5 parts": _bomb(d / "ratio.pptx", 5, 40),
        "zip bomb: 225 MB in 5 parts of 36:1": _bomb(d / "total.pptx", 5, 45, sparse=True),
        "xxe in a prototype slide": _with_doctype(
            d / "xxe-slide.pptx", "ppt/slides/slide2.xml", XXE, b"&e;", THEME_PPTX
        ),
        "xxe in a slide layout": _with_doctype(
            d / "xxe.pptx", "ppt/slideLayouts/slideLayout1.xml", XXE, b"&e;"
        ),
        "xxe in the content types": _with_doctype(
            d / "xxe-ct.pptx", "[Content_Types].xml", XXE, b""
        ),
        "billion laughs in the master": _with_doctype(
            d / "laughs.pptx", "ppt/slideMasters/slideMaster1.xml", LAUGHS, b"&c;"
        ),
    }


TEMPLATE_ERRORS = {
    "missing": "template not found",
    "folder without template.pptx": "template not found",
    "not a zip": "not a zip",
    "empty zip": "not a presentation",
    "zip that is not a presentation": "not a presentation",
    "zip bomb: one part of 300 MB": "part ppt/media/zeros0.bin inflates to 300 MB",
    "zip bomb: 200 MB of zeros in 5 parts": "compresses 1",
    "zip bomb: 225 MB in 5 parts of 36:1": "package inflates to 225 MB",
    "xxe in a prototype slide": "part ppt/slides/slide2.xml declares a DOCTYPE",
    "xxe in a slide layout": "DOCTYPE",
    "xxe in the content types": "DOCTYPE",
    "billion laughs in the master": "DOCTYPE",
}


@pytest.mark.parametrize("case", list(TEMPLATE_ERRORS))
def test_a_bad_template_is_refused(case: str, bad_templates: dict[str, Path], target: Path) -> None:
    template = bad_templates[case]
    line = error_line(run("build", str(CONTENT), "-o", str(target), "-t", str(template)))
    assert str(template) in line and TEMPLATE_ERRORS[case].lower() in line.lower(), line
    assert "root:" not in line  # nothing of /etc/passwd


def test_a_zip_whose_directory_lies_about_sizes(tmp_path: Path, target: Path) -> None:
    """A part declared as 1 kB that inflates to 300 MB is not inflated past what it declares."""
    template = _bomb(tmp_path / "liar.pptx", 1, 300)
    understate_size(template, "ppt/media/zeros0.bin", 1024)
    started = time.monotonic()
    line = error_line(run("build", str(CONTENT), "-o", str(target), "-t", str(template)))
    assert str(template) in line and "damaged" in line
    assert time.monotonic() - started < 30


def test_a_corporate_template_still_builds(tmp_path: Path) -> None:
    out = tmp_path / "d.pptx"
    built(run("build", str(CONTENT), "-o", str(out), "-t", str(DEFAULT_PPTX)), out)


# --------------------------------------------------------------------------- --debug, Ctrl-C


def test_debug_shows_the_traceback_of_an_error(tmp_path: Path) -> None:
    result = run("--debug", "build", str(tmp_path / "nope.md"))
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "SourceError" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("Error: ")


def test_debug_shows_the_traceback_of_an_unexpected_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(writer_mod, "save_package", boom)
    out = tmp_path / "d.pptx"
    plain = run("build", str(CONTENT), "-o", str(out))
    assert "unexpected RuntimeError: a bug" in error_line(plain)
    debug = run("--debug", "build", str(CONTENT), "-o", str(out))
    assert debug.exit_code == 1 and isinstance(debug.exception, RuntimeError)
    assert list(tmp_path.iterdir()) == []


def _interrupt_while_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = writer_mod.save_package

    def interrupted(package: object, stream: io.BufferedWriter) -> None:
        real(package, stream)  # a whole deck is in the temporary file now
        raise KeyboardInterrupt

    monkeypatch.setattr(writer_mod, "save_package", interrupted)


def test_ctrl_c_while_rendering_leaves_the_old_deck(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupt_while_writing(monkeypatch)
    result = run("build", str(CONTENT), "-o", str(target))
    assert result.exit_code == 1 and "Aborted!" in result.stderr
    assert "Traceback" not in result.output


def test_ctrl_c_through_the_api(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _interrupt_while_writing(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        deckgen.build(CONTENT, target)


@pytest.mark.slow
def test_a_real_sigint_leaves_the_old_deck_or_the_new_one(tmp_path: Path) -> None:
    """SIGINT at a random moment of a long build: the deck is the old one or a whole new
    one, never a partial file, and no temporary file is left."""
    text = "Many\n" + "".join(f"{i}. Title {i}:\n- Key Point: point {i}.\n" for i in range(1, 3001))
    (tmp_path / "many.md").write_text(text)
    out = tmp_path / "many.pptx"
    out.write_bytes(PRECIOUS)
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", "build", "many.md"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            break  # the deck is being written: the moment that matters most
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.md", "many.pptx"]
    if out.read_bytes() != PRECIOUS:
        assert proc.returncode == 0, err  # it had finished: the new deck is whole
        assert len(Presentation(str(out)).slides) == 3001
    else:
        assert proc.returncode != 0 and "Traceback" not in err, err


# --------------------------------------------------------------------------- API errors


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"text": ""}, SourceError),
        ({"text": "\x00\x01\x02"}, SourceError),
        ({"text": "---\n\n***\n"}, SourceError),
        ({"text": "T\n1. A\n", "template": "no-such-theme"}, DeckgenError),
    ],
)
def test_the_api_raises_deckgen_errors(
    kwargs: dict[str, str], error: type[Exception], tmp_path: Path
) -> None:
    with pytest.raises(error) as exc:
        deckgen.build(output=tmp_path / "d.pptx", **kwargs)
    assert "\n" not in exc.value.message
    assert list(tmp_path.iterdir()) == []


def test_errors_are_plain_exceptions_with_their_parts_as_fields(tmp_path: Path) -> None:
    """A program using deckgen need not know click; the line is an int (issue 13, item 14)."""
    import click

    src = tmp_path / "sjis.md"
    src.write_bytes(
        b"# Notes\n\n1. First\n" + "要点：現実は最良の教師である。\n".encode("shift_jis") * 20
    )
    with pytest.raises(SourceError) as exc:
        deckgen.build(src, tmp_path / "d.pptx")
    err = exc.value
    assert not isinstance(err, click.ClickException) and err.exit_code == 1
    assert (err.path, err.line) == (str(src), 4)
    assert err.where == f"{src}, line 4" and err.hint and err.hint in str(err)
    assert str(err) == err.message and err.message.startswith(f"{src}, line 4: is not UTF-8")
    # the same fields after a trip through pickle (worker processes, cached recipes)
    import pickle

    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.path, back.line, back.message) == (
        SourceError,
        err.path,
        err.line,
        err.message,
    )
    # the command line still prints click's one line and exits with the error's code
    result = run("build", str(src), "-o", str(tmp_path / "d.pptx"))
    assert result.exit_code == 1 and error_line(result).startswith(f"Error: {src}, line 4:")
