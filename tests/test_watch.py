"""Watch mode: rebuild on change, keep the last good deck on an error, stop cleanly.

The loop is driven by plain lists/generators of change batches; two tests use real file
watching (watchfiles) and a real Ctrl-C, bounded by timeouts and tolerant of a slow machine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from deckgen.api import BuildOptions
from deckgen.cli import cli
from deckgen.watch import Watcher, file_changes

from .conftest import CONTENT, ROOT

BROKEN = "<!-- TODO: write the summary -->\n"


def deck_text(path: Path) -> str:
    prs = Presentation(str(path))
    return "\n".join(
        s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    src = tmp_path / "talk.md"
    src.write_bytes(CONTENT.read_bytes())
    return src


def watcher_for(src: Path, lines: list[str], template: str | None = None) -> Watcher:
    return Watcher(str(src), echo=lines.append, options=BuildOptions(template=template))


def test_builds_once_then_once_per_batch(source):
    lines: list[str] = []
    w = watcher_for(source, lines)
    w.run([{source}, {source}])
    assert w.builds == 3 and w.failures == 0
    assert lines[0].startswith(f"Built {source.with_suffix('.pptx')} (12 slides) in ")
    assert all(line.startswith("Rebuilt ") and line.endswith(" s") for line in lines[1:])


def test_an_error_keeps_the_last_good_deck_and_the_next_save_recovers(source):
    out = source.with_suffix(".pptx")
    lines: list[str] = []
    w = watcher_for(source, lines)
    good_text = CONTENT.read_text(encoding="utf-8")

    def edits():
        good = out.read_bytes()
        source.write_text(BROKEN, encoding="utf-8")
        yield {source}
        assert out.read_bytes() == good  # the failed rebuild left the deck alone
        assert any(line.startswith("Error: ") and "no words" in line for line in lines)
        assert any("kept the last good" in line for line in lines)
        source.write_text(good_text.replace("Llama 3.1", "Llama 9", 1), encoding="utf-8")
        yield {source}

    w.run(edits())
    assert (w.builds, w.failures) == (3, 1)
    assert lines[-1].startswith("Rebuilt ")
    assert "Llama 9" in deck_text(out)


def test_a_first_build_with_an_error_keeps_watching(source):
    source.write_text(BROKEN, encoding="utf-8")
    lines: list[str] = []
    w = watcher_for(source, lines)

    def edits():
        source.write_bytes(CONTENT.read_bytes())
        yield {source}

    w.run(edits())
    assert lines[0].startswith("Error: ")
    assert lines[-1].startswith("Rebuilt ")
    assert source.with_suffix(".pptx").is_file()


def test_watches_the_source_and_the_theme_files(source):
    w = watcher_for(source, [], template="dark")
    names = {p.name for p in w.watched()}
    assert names == {"talk.md", "template.pptx", "notes.j2", "theme.yaml"}
    assert source.resolve() in {p.resolve() for p in w.watched()}


def test_the_front_matter_template_moves_the_watch(source):
    body = CONTENT.read_text(encoding="utf-8")
    source.write_text("---\ntemplate: dark\n---\n" + body, encoding="utf-8")
    lines: list[str] = []
    w = watcher_for(source, lines)

    def edits():
        assert "dark" in {p.parent.name for p in w.watched()}
        source.write_text("---\ntemplate: bold\n---\n" + body, encoding="utf-8")
        yield {source}

    w.run(edits())
    assert w.failures == 0, lines
    parents = {p.parent.name for p in w.watched()}
    assert "bold" in parents and "dark" not in parents


def test_watches_a_pptx_template_itself(source, tmp_path):
    corp = tmp_path / "corp.pptx"
    corp.write_bytes((ROOT / "templates" / "default" / "template.pptx").read_bytes())
    lines: list[str] = []
    w = watcher_for(source, lines, template=str(corp))
    assert {p.name for p in w.watched()} == {"talk.md", "corp.pptx"}
    w.run([{corp}])
    assert w.failures == 0 and lines[-1].startswith("Rebuilt ")


def test_stdin_cannot_be_watched():
    result = CliRunner().invoke(cli, ["watch", "-"])
    assert result.exit_code == 2


def test_missing_watchfiles_is_a_clear_error(source, monkeypatch):
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import fails
    result = CliRunner().invoke(cli, ["watch", str(source)])
    assert result.exit_code == 1
    assert "pip install 'deckgen[watch]'" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- real watching


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _settle(w: Watcher, lines: list[str], quiet: float = 2.5, timeout: float = 60) -> None:
    """Wait until no build has started or ended for ``quiet`` seconds (watchfiles groups a
    burst of changes for up to 1.6 s; every build ends by printing a line)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = (w.builds, len(lines))
        time.sleep(quiet)
        if (w.builds, len(lines)) == before:
            return


@contextlib.contextmanager
def _watching(w: Watcher) -> Iterator[None]:
    """Build once, then run the real watcher on a thread until the block ends."""
    stop = threading.Event()
    changes = file_changes(w, stop)
    w.build()
    thread = threading.Thread(target=w.run, args=(changes,), kwargs={"first": False})
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def _save_until_rebuilt(save: Callable[[int], object], lines: list[str]) -> None:
    """The watcher starts asynchronously: save (the n-th time) until a rebuild is seen."""
    for n in range(40):
        save(n)
        if _wait(lambda: any(line.startswith("Rebuilt") for line in lines), 1.0):
            break
    assert any(line.startswith("Rebuilt") for line in lines), lines


def test_a_saved_file_is_rebuilt_by_the_real_watcher(source):
    pytest.importorskip("watchfiles")
    out = source.with_suffix(".pptx")
    lines: list[str] = []
    w = watcher_for(source, lines)
    with _watching(w):
        text = CONTENT.read_text(encoding="utf-8")
        _save_until_rebuilt(
            lambda n: source.write_text(
                text.replace("Llama 3.1", f"Llama {n + 10}", 1), encoding="utf-8"
            ),
            lines,
        )
        _settle(w, lines)  # the saves above may still be coming in
        # a broken save: reported, deck kept; then a good save is rebuilt
        good = out.read_bytes()
        failures = w.failures
        source.write_text(BROKEN, encoding="utf-8")
        assert _wait(lambda: w.failures > failures, 20), lines
        assert out.read_bytes() == good
        before = w.builds
        source.write_text(text.replace("Llama 3.1", "Llama 99", 1), encoding="utf-8")
        assert _wait(lambda: w.builds > before and lines[-1].startswith("Rebuilt"), 20), lines
        assert "Llama 99" in deck_text(out)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_stops_cleanly(source):
    pytest.importorskip("watchfiles")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", "watch", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("Watching"):
                break
        assert seen and seen[-1].startswith("Watching"), seen
        time.sleep(0.5)  # let the watcher start; an earlier Ctrl-C must stop cleanly too
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "Stopped watching." in out


def test_a_saved_template_is_rebuilt_by_the_real_watcher(source, tmp_path):
    pytest.importorskip("watchfiles")
    theme = tmp_path / "mytheme"
    shutil.copytree(ROOT / "templates" / "default", theme)
    lines: list[str] = []
    w = watcher_for(source, lines, template=str(theme))
    with _watching(w):
        settings = (theme / "theme.yaml").read_text(encoding="utf-8")
        _save_until_rebuilt(
            lambda n: (theme / "theme.yaml").write_text(
                settings + f"\n# edit {n}\n", encoding="utf-8"
            ),
            lines,
        )
        assert w.failures == 0, lines


def test_a_saved_or_added_picture_is_rebuilt_by_the_real_watcher(source, monkeypatch):
    """A picture the summary shows (in a folder below it) is watched like the summary; so is
    one it names that does not exist yet, so exporting the missing diagram rebuilds."""
    pytest.importorskip("watchfiles")
    from PIL import Image

    from deckgen import api
    from deckgen.model import Document, Insight, Picture, RichText

    folder = source.parent
    (folder / "img").mkdir()
    Image.new("RGB", (40, 20)).save(folder / "img" / "chart.png")
    section = Insight(
        1,
        RichText.plain_text("Results"),
        elements=(Picture("img/chart.png", line=3), Picture("img/later.png", line=4)),
    )
    doc = Document(RichText.plain_text("Talk"), (section,), source=str(source))
    monkeypatch.setattr(api, "read", lambda *a, **k: doc)  # the parser's pictures: not ours
    lines: list[str] = []
    w = watcher_for(source, lines)
    with _watching(w):
        assert any("'img/later.png' not placed" in line for line in lines), lines
        _save_until_rebuilt(
            lambda n: Image.new("RGB", (40 + n, 20)).save(folder / "img" / "chart.png"), lines
        )
        _settle(w, lines)
        before = w.builds
        Image.new("RGB", (10, 10)).save(folder / "img" / "later.png")
        assert _wait(lambda: w.builds > before, 20), lines
        _settle(w, lines)
        ends = [i for i, line in enumerate(lines) if line.startswith(("Built", "Rebuilt"))]
        last = lines[ends[-2] + 1 : ends[-1]]  # what the last build printed before its line
        assert lines[-1].startswith("Rebuilt") and last == [], lines
