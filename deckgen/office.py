"""LibreOffice, which turns decks into PDFs (and so into pictures): found, started, kept warm,
and never left running.

Two renderers with one method, ``convert(deck, pdf)``, which writes ``pdf`` atomically:

- :class:`ColdOffice` runs ``soffice --convert-to pdf`` once per deck (about a second: the
  start of LibreOffice is most of it), in a profile of its own. What one-off commands use.
- :class:`WarmOffice` keeps one LibreOffice running for its whole life, listening on a pipe,
  and asks it over UNO to open each deck and export it: a fraction of the cold time. What
  ``watch --pdf``, ``serve`` and batch PDF exports use. UNO needs a Python that can
  ``import uno`` (Debian's ``python3-uno``; LibreOffice's own Python elsewhere), rarely the
  one deckgen runs in, so the UNO side is a small script (``_office_worker.py``) run by such a
  Python; deckgen talks to it in JSON lines. Where none is found, :func:`open_office` falls
  back to a cold renderer (and says so in ``reason``).

No LibreOffice outlives deckgen. Each soffice runs in a process group of its own, killed as
a whole (``soffice`` is a script that starts ``oosplash``, which starts ``soffice.bin``):
on :meth:`close`, at interpreter exit, on Ctrl-C during a cold conversion, and on a timeout.
If deckgen itself is killed, the worker sees its stdin close (and, on Linux, gets SIGTERM
through PR_SET_PDEATHSIG) and kills its LibreOffice. A LibreOffice that crashed is started
again by the worker on the next request.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections import deque
from pathlib import Path
from typing import IO, Protocol

from deckgen.errors import DeckgenError

INSTALL_HINT = "install it: on Debian or Ubuntu, sudo apt-get install libreoffice-impress"
UNO_HINT = "on Debian or Ubuntu, sudo apt-get install python3-uno"
TIMEOUT = 300.0
"""Seconds one conversion may take before LibreOffice is taken to be stuck."""
START_TIMEOUT = 120.0

_MAC_SOFFICE = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


class OfficeError(DeckgenError):
    """LibreOffice is missing, or could not convert a deck."""


def find_soffice() -> str | None:
    """LibreOffice's ``soffice``: ``$DECKGEN_SOFFICE``, else on PATH, else macOS's app."""
    named = os.environ.get("DECKGEN_SOFFICE")
    if named:
        return named if os.path.isfile(named) and os.access(named, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return _MAC_SOFFICE if os.path.isfile(_MAC_SOFFICE) else None


def require_soffice(purpose: str = "PDF export") -> str:
    """``soffice``, or the one-line error saying how to install LibreOffice."""
    found = find_soffice()
    if found is None:
        raise OfficeError(
            f"soffice was not found on PATH: {purpose} needs LibreOffice", hint=INSTALL_HINT
        )
    return found


class Renderer(Protocol):
    kind: str
    """``warm`` or ``cold``."""
    reason: str
    """Why a cold renderer was chosen where a warm one was asked for ('' otherwise)."""

    def convert(self, deck: Path, pdf: Path) -> None: ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------- processes


def _killpg(pgid: int | None) -> None:
    if pgid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _temp_beside(target: Path, suffix: str) -> Path:
    """A new, unused name next to ``target`` (same folder, so a rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    os.unlink(name)
    return Path(name)


def _publish(tmp: Path, target: Path) -> None:
    """Rename a finished PDF into place; a file that is not a PDF is an error."""
    try:
        with open(tmp, "rb") as f:
            head = f.read(5)
    except OSError:
        head = b""
    if head != b"%PDF-":
        raise OfficeError("LibreOffice wrote no PDF", path=target)
    os.replace(tmp, target)


# --------------------------------------------------------------------------- cold


class ColdOffice:
    """``soffice --convert-to pdf``, a new LibreOffice per deck, in a profile kept for this
    object's life (a first start in a new profile costs more)."""

    kind = "cold"

    def __init__(
        self,
        soffice: str | None = None,
        *,
        profile: Path | None = None,
        timeout: float = TIMEOUT,
        reason: str = "",
    ) -> None:
        self.soffice = soffice or require_soffice()
        self.timeout = timeout
        self.reason = reason
        self._own_profile = profile is None
        self.profile = profile or Path(tempfile.mkdtemp(prefix="deckgen-office-"))

    def convert(self, deck: Path, pdf: Path) -> None:
        outdir = Path(tempfile.mkdtemp(prefix=f".{pdf.stem}.", dir=pdf.parent or "."))
        try:
            produced = convert_cold(
                self.soffice, Path(deck), outdir, profile=self.profile, timeout=self.timeout
            )
            _publish(produced, Path(pdf))
        finally:
            shutil.rmtree(outdir, ignore_errors=True)

    def close(self) -> None:
        if self._own_profile:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> ColdOffice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def convert_cold(
    soffice: str, deck: Path, outdir: Path, *, profile: Path, timeout: float = TIMEOUT
) -> Path:
    """``soffice --convert-to pdf --outdir OUTDIR DECK``; the PDF it wrote
    (``OUTDIR/<deck's stem>.pdf``). LibreOffice runs in a process group of its own, killed
    whole if this is interrupted (Ctrl-C), times out, or fails."""
    proc = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(deck),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _killpg(proc.pid)
        proc.communicate()
        raise OfficeError(f"LibreOffice took over {timeout:g} s", path=deck) from None
    except BaseException:  # Ctrl-C, or anything else: LibreOffice goes too
        _killpg(proc.pid)
        with contextlib.suppress(Exception):
            proc.communicate(timeout=5)
        raise
    _killpg(proc.pid)  # oosplash's children, should any have stayed behind
    pdf = outdir / (deck.stem + ".pdf")
    if not pdf.is_file():
        detail = [
            ln for ln in (err or out).strip().splitlines() if "javaldx" not in ln and ln.strip()
        ]
        raise OfficeError(
            "LibreOffice could not convert the deck" + (f": {detail[-1]}" if detail else ""),
            path=deck,
        )
    return pdf


# --------------------------------------------------------------------------- warm

_WORKER = Path(__file__).resolve().with_name("_office_worker.py")
_uno_python: dict[str, list[str] | None] = {}


def uno_python(soffice: str | None = None) -> list[str] | None:
    """A command that runs a Python able to ``import uno`` (with its flags), or None.

    Tried in order: ``$DECKGEN_UNO_PYTHON``, this Python, the Python LibreOffice ships
    (next to soffice), the system's ``/usr/bin/python3``. Found once per process.
    """
    key = soffice or ""
    if key in _uno_python:
        return _uno_python[key]
    candidates: list[str] = []
    if os.environ.get("DECKGEN_UNO_PYTHON"):
        candidates.append(os.environ["DECKGEN_UNO_PYTHON"])
    candidates.append(sys.executable)
    if soffice:
        program = Path(os.path.realpath(soffice)).parent
        candidates += [
            str(program / "python"),
            str(program / "python.exe"),
            str(program.parent / "Resources" / "python"),
        ]
    candidates += ["/usr/bin/python3", "/usr/local/bin/python3"]
    found: list[str] | None = None
    seen: set[str] = set()
    for py in candidates:
        if py in seen or not (os.path.isfile(py) and os.access(py, os.X_OK)):
            continue
        seen.add(py)
        for flags in (["-I"], []):  # isolated first: no PYTHONPATH or user site of ours
            try:
                ok = (
                    subprocess.run(
                        [py, *flags, "-c", "import uno"],
                        stdin=subprocess.DEVNULL,
                        capture_output=True,
                        timeout=30,
                        check=False,
                    ).returncode
                    == 0
                )
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if ok:
                found = [py, *flags]
                break
        if found:
            break
    _uno_python[key] = found
    return found


_live: weakref.WeakSet[WarmOffice] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for office in list(_live):
        office.close()


class WarmOffice:
    """One LibreOffice kept running (through the UNO worker) for this object's life."""

    kind = "warm"
    reason = ""

    def __init__(
        self,
        soffice: str | None = None,
        python: list[str] | None = None,
        *,
        timeout: float = TIMEOUT,
    ) -> None:
        self.soffice = soffice or require_soffice()
        found = python or uno_python(self.soffice)
        if found is None:
            raise OfficeError(
                "no Python that can import LibreOffice's uno module was found; the warm "
                "renderer needs one",
                hint=UNO_HINT,
            )
        self.python = found
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="deckgen-office-"))
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[str | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=20)
        self.soffice_pgid: int | None = None
        """The process group of the LibreOffice now running (for tests, and for cleanup)."""
        self.conversions = 0
        self.closed = False
        _live.add(self)

    # -- the worker

    def start(self) -> None:
        """Start the worker and its LibreOffice now (else on the first conversion)."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        self._stop_worker()
        if self.closed:
            raise OfficeError("the renderer was closed")
        pipe = f"deckgen-{os.getpid()}-{id(self):x}-{time.monotonic_ns() % 10**9}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        self._replies = queue.Queue()
        proc = subprocess.Popen(
            [*self.python, str(_WORKER), self.soffice, str(self.profile), pipe, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            env=env,
            start_new_session=True,  # Ctrl-C in the terminal is deckgen's to handle
        )
        self._proc = proc
        _reader(proc.stdout, self._replies.put, end=lambda: self._replies.put(None))
        _reader(proc.stderr, self._stderr.append)
        reply = self._reply(START_TIMEOUT, "start")
        if not reply.get("ok"):
            self._stop_worker()
            raise OfficeError(f"LibreOffice did not start: {reply.get('error', '?')}")

    def _reply(self, timeout: float, what: str) -> dict[str, object]:
        try:
            line = self._replies.get(timeout=timeout)
        except queue.Empty:
            self._stop_worker()
            raise OfficeError(f"LibreOffice did not {what} within {timeout:g} s") from None
        if line is None:  # the worker ended
            detail = " ".join(ln.strip() for ln in list(self._stderr)[-3:] if ln.strip())
            self._stop_worker()
            raise _WorkerGone(detail)
        reply: dict[str, object] = json.loads(line)
        if isinstance(reply.get("soffice"), int):
            self.soffice_pgid = reply["soffice"]  # type: ignore[assignment]
        return reply

    def _stop_worker(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(OSError):
                assert proc.stdin is not None
                proc.stdin.close()  # the worker quits LibreOffice and exits
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(8)
        _killpg(proc.pid)
        _killpg(self.soffice_pgid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            with contextlib.suppress(Exception):
                stream.close()  # type: ignore[union-attr]

    # -- the work

    def convert(self, deck: Path, pdf: Path) -> None:
        """Write ``pdf`` (atomically) from ``deck``."""
        deck, pdf = Path(deck).resolve(), Path(pdf)
        tmp = _temp_beside(pdf, ".pdf")
        try:
            with self._lock:
                for attempt in (1, 2):
                    self._ensure()
                    try:
                        reply = self._request(
                            {"op": "convert", "src": str(deck), "dst": str(tmp.resolve())}
                        )
                        break
                    except _WorkerGone as gone:
                        if attempt == 2:
                            raise OfficeError(
                                "LibreOffice's worker ended" + (f": {gone}" if str(gone) else ""),
                                path=deck,
                            ) from None
                if not reply.get("ok"):
                    raise OfficeError(
                        f"LibreOffice could not convert the deck: {reply.get('error', '?')}",
                        path=deck,
                    )
                self.conversions += 1
            _publish(tmp, pdf)
        finally:
            tmp.unlink(missing_ok=True)

    def _request(self, request: dict[str, object]) -> dict[str, object]:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self._stop_worker()
            raise _WorkerGone("") from None
        try:
            return self._reply(self.timeout, "convert the deck")
        except BaseException as exc:  # a timeout or Ctrl-C mid-conversion: start afresh
            if not isinstance(exc, _WorkerGone):
                self._stop_worker()
            raise

    def close(self) -> None:
        """Stop LibreOffice and the worker; remove the profile. Safe to call twice, from
        any thread, and at exit."""
        if self.closed:
            return
        self.closed = True
        got = self._lock.acquire(timeout=1)  # a conversion in progress is cut short
        try:
            self._stop_worker()
        finally:
            if got:
                self._lock.release()
        _killpg(self.soffice_pgid)
        shutil.rmtree(self.profile, ignore_errors=True)
        _live.discard(self)

    def __enter__(self) -> WarmOffice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _WorkerGone(Exception):
    """The worker process ended (it or its LibreOffice was killed, or it failed)."""


def _reader(stream: IO[str] | None, put: object, end: object = None) -> None:
    def run() -> None:
        assert stream is not None
        with contextlib.suppress(Exception):
            for line in stream:
                put(line.rstrip("\n"))  # type: ignore[operator]
        if end is not None:
            end()  # type: ignore[operator]

    threading.Thread(target=run, daemon=True, name="deckgen-office-reader").start()


def open_office(*, warm: bool = True) -> Renderer:
    """The fastest renderer there is: warm when asked for and a UNO Python exists (and
    ``DECKGEN_OFFICE`` is not ``cold``), else cold, with ``reason`` saying why."""
    soffice = require_soffice()
    if not warm:
        return ColdOffice(soffice)
    if os.environ.get("DECKGEN_OFFICE", "").lower() == "cold":
        return ColdOffice(soffice, reason="DECKGEN_OFFICE=cold")
    python = uno_python(soffice)
    if python is None:
        return ColdOffice(
            soffice,
            reason="no Python with LibreOffice's uno module was found, so every picture "
            f"starts LibreOffice anew ({UNO_HINT})",
        )
    return WarmOffice(soffice, python)
