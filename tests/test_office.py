"""The warm renderer (issue 12, item 2) and the rule that no LibreOffice outlives deckgen:
after Ctrl-C (SIGINT to the terminal's process group, as a terminal sends it), SIGTERM, a
SIGKILL of deckgen itself, a crash of soffice, and a closed renderer.

Processes are found by their command line, which names the LibreOffice profile: each test
gives deckgen a TMPDIR of its own, where the profiles go, so only its own are seen.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from deckgen.office import WarmOffice, uno_python

from .conftest import CONTENT, ROOT, needs_soffice

pytestmark = [
    pytest.mark.render,
    needs_soffice,
    pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux's /proc"),
]


def processes(marker: str) -> list[tuple[int, str]]:
    """Live processes (zombies aside) whose command line holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            status = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmd and status != "Z":
            found.append((int(entry.name), cmd))
    return found


def offices(marker: str) -> list[tuple[int, str]]:
    """LibreOffice's own processes (soffice, oosplash, soffice.bin) among those."""
    return [
        p
        for p in processes(marker)
        if any(name in Path(p[1].split(" ", 1)[0]).name for name in ("soffice", "oosplash"))
    ]


def wait_for(test: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return True
        time.sleep(0.1)
    return test()


def needs_uno() -> None:
    if uno_python() is None:
        pytest.skip("no Python with LibreOffice's uno module (Debian: python3-uno)")


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    import deckgen

    return deckgen.build(CONTENT, tmp_path / "talk.pptx").output


def env_for(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TMPDIR"] = str(tmp)
    env["PYTHONUNBUFFERED"] = "1"
    return env


# --------------------------------------------------------------------------- in process


def test_warm_office_restarts_after_a_crash_and_closes_clean(deck: Path, tmp_path: Path):
    needs_uno()
    office = WarmOffice()
    marker = str(office.profile)
    try:
        office.convert(deck, tmp_path / "a.pdf")
        assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")
        first = office.soffice_pgid
        assert first and offices(marker)

        os.killpg(first, signal.SIGKILL)  # soffice crashes
        assert wait_for(lambda: not offices(marker), 10)
        office.convert(deck, tmp_path / "b.pdf")
        assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF-")
        assert office.soffice_pgid != first
        assert office.conversions == 2
    finally:
        office.close()
    assert wait_for(lambda: not processes(marker), 10), processes(marker)
    assert not Path(marker).exists()


def test_a_deck_libreoffice_cannot_read_is_an_error_not_a_restart(tmp_path: Path):
    needs_uno()
    bad = tmp_path / "bad.pptx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with WarmOffice() as office:
        office.start()
        pgid = office.soffice_pgid
        with pytest.raises(Exception, match="LibreOffice could not"):
            office.convert(bad, tmp_path / "bad.pdf")
        assert not (tmp_path / "bad.pdf").exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert office.soffice_pgid == pgid


# --------------------------------------------------------------------------- deckgen ends

KEEP_RUNNING = """
import sys, time
from pathlib import Path
from deckgen.office import WarmOffice
office = WarmOffice()
office.convert(Path(sys.argv[1]), Path(sys.argv[2]))
print("converted", office.soffice_pgid, flush=True)
time.sleep(600)
"""


def test_no_libreoffice_outlives_a_killed_deckgen(deck: Path, tmp_path: Path):
    needs_uno()
    proc = subprocess.Popen(
        [sys.executable, "-c", KEEP_RUNNING, str(deck), str(tmp_path / "k.pdf")],
        stdout=subprocess.PIPE,
        text=True,
        env=env_for(tmp_path),
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("converted"), line
        assert offices(str(tmp_path))
    finally:
        proc.kill()  # SIGKILL: no atexit, no finally, nothing of deckgen's runs
        proc.wait(10)
    assert wait_for(lambda: not processes(str(tmp_path)), 20), processes(str(tmp_path))


FAILS = """
import sys
from pathlib import Path
from deckgen.office import WarmOffice
office = WarmOffice()  # never closed by this program: an error ends it first
office.convert(Path(sys.argv[1]), Path(sys.argv[2]))
print("converted", office.soffice_pgid, flush=True)
raise RuntimeError("something went wrong after LibreOffice started")
"""


def test_no_libreoffice_outlives_deckgen_ending_in_an_error(deck: Path, tmp_path: Path):
    needs_uno()
    proc = subprocess.run(
        [sys.executable, "-c", FAILS, str(deck), str(tmp_path / "e.pdf")],
        capture_output=True,
        text=True,
        env=env_for(tmp_path),
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 1 and "converted" in proc.stdout
    assert "RuntimeError: something went wrong" in proc.stderr
    assert (tmp_path / "e.pdf").read_bytes().startswith(b"%PDF-")
    assert wait_for(lambda: not processes(str(tmp_path)), 15), processes(str(tmp_path))
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("deckgen-office-")]


def start(args: list[str], tmp: Path, *, wait_for_line: str) -> tuple[subprocess.Popen, list[str]]:
    """Start ``deckgen ARGS`` in a process group of its own (as a shell starts a job) and
    read its output until a line starts with ``wait_for_line``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env_for(tmp),
        cwd=tmp,
        start_new_session=True,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith(wait_for_line):
            return proc, lines
    proc.kill()
    raise AssertionError("deckgen did not get there:\n" + "\n".join(lines))


def stop(proc: subprocess.Popen, sig: int, lines: list[str]) -> int:
    """Send ``sig`` as a terminal does (to the whole foreground group) and wait."""
    os.killpg(proc.pid, sig)
    try:
        rest, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    lines += rest.splitlines()
    return proc.returncode


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_leaves_no_libreoffice_behind(tmp_path: Path, sig: int):
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install '.[serve]')")
    (tmp_path / "talk.md").write_bytes(CONTENT.read_bytes())
    proc, lines = start(["serve", "talk.md", "--port", "0"], tmp_path, wait_for_line="Serving ")
    try:
        assert offices(str(tmp_path)), "LibreOffice is not running: nothing tested"
    finally:
        code = stop(proc, sig, lines)
    assert code == 0, lines
    assert lines[-1] == "Stopped serving.", lines
    assert wait_for(lambda: not processes(str(tmp_path)), 15), processes(str(tmp_path))
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("deckgen-")]


@pytest.mark.slow
def test_watch_pdf_leaves_no_libreoffice_behind(tmp_path: Path):
    (tmp_path / "talk.md").write_bytes(CONTENT.read_bytes())
    proc, lines = start(["watch", "talk.md", "--pdf"], tmp_path, wait_for_line="Watching ")
    try:
        assert (tmp_path / "talk.pdf").read_bytes().startswith(b"%PDF-")
        assert any(line.startswith("Wrote talk.pdf") for line in lines)
        assert offices(str(tmp_path)), "LibreOffice is not running: nothing tested"
    finally:
        code = stop(proc, signal.SIGINT, lines)
    assert code == 0 and lines[-1] == "Stopped watching.", lines
    assert wait_for(lambda: not processes(str(tmp_path)), 15), processes(str(tmp_path))


@pytest.mark.slow
def test_ctrl_c_during_a_pdf_build_leaves_nothing(tmp_path: Path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", "build", str(CONTENT), "-o", "talk.pdf"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env_for(tmp_path),
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: bool(offices(str(tmp_path))), 60), "soffice never started"
    finally:
        lines: list[str] = []
        code = stop(proc, signal.SIGINT, lines)
    assert code == 1 and "Aborted!" in lines, lines
    assert wait_for(lambda: not processes(str(tmp_path)), 15), processes(str(tmp_path))
    assert not (tmp_path / "talk.pdf").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
