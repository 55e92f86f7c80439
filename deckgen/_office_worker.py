"""The warm renderer's other half: runs under a Python that can ``import uno`` (Debian's
``python3-uno`` with the system Python, or the Python LibreOffice ships), keeps one
LibreOffice listening on a pipe, and converts decks to PDF on request.

deckgen's own Python usually cannot import ``uno`` (a virtual environment, pyenv): this file
is started as a script by :mod:`deckgen.office`, never imported by deckgen, and uses the
standard library and ``uno`` only. It speaks JSON lines: one request on stdin, one reply on
stdout.

    {"op": "convert", "src": "/abs/deck.pptx", "dst": "/abs/.deck.tmp.pdf"}
    -> {"ok": true, "seconds": 0.25, "soffice": 1234}

LibreOffice never outlives this process: it runs in a process group of its own, which is
killed when stdin closes (deckgen ended, however it ended), on SIGTERM, SIGINT and SIGHUP,
and when the parent dies (Linux: PR_SET_PDEATHSIG). A LibreOffice that died or stopped
answering is started again, and the request retried once.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

CONNECT_TIMEOUT = 90.0
_IMPORT_FILTER = "Impress MS PowerPoint 2007 XML"
_NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
_NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE


def _props(**values: object) -> tuple[PropertyValue, ...]:
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name = name
        p.Value = value
        out.append(p)
    return tuple(out)


class Office:
    """One LibreOffice, started on demand and again after it died."""

    def __init__(self, soffice: str, profile: str, pipe: str) -> None:
        self.soffice = soffice
        self.profile = profile
        self.pipe = pipe
        self.proc: subprocess.Popen[bytes] | None = None
        self.desktop = None
        self.starts = 0

    @property
    def pgid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self) -> None:
        self.kill()
        self.starts += 1
        self.proc = subprocess.Popen(
            [
                self.soffice,
                f"-env:UserInstallation={uno.systemPathToFileUrl(self.profile)}",
                "--headless",
                "--invisible",
                "--nocrashreport",
                "--nodefault",
                "--nologo",
                "--nofirststartwizard",
                "--norestore",
                "--nolockcheck",
                f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: killed as one (oosplash, soffice.bin)
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if self.proc.poll() is not None and self.proc.returncode not in (81, 79):
                    raise RuntimeError(
                        f"LibreOffice exited with code {self.proc.returncode} at start"
                    ) from None
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"LibreOffice did not answer within {CONNECT_TIMEOUT:g} s"
                    ) from None
                time.sleep(0.05)
        self.desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and self.desktop is not None

    def convert(self, src: str, dst: str) -> None:
        if not self.alive():
            self.start()
        try:
            self._convert(src, dst)
        except Exception as exc:
            if _is_input_error(exc) and self.alive():
                raise
            # LibreOffice died or its bridge broke: once more with a new one
            self.start()
            self._convert(src, dst)

    def _convert(self, src: str, dst: str) -> None:
        assert self.desktop is not None
        doc = self.desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(src),
            "_blank",
            0,
            _props(
                Hidden=True,
                ReadOnly=True,
                FilterName=_IMPORT_FILTER,
                MacroExecutionMode=_NEVER_EXECUTE,
                UpdateDocMode=_NO_UPDATE,
            ),
        )
        if doc is None:
            raise InputError(f"LibreOffice could not open {src}")
        try:
            doc.storeToURL(uno.systemPathToFileUrl(dst), _props(FilterName="impress_pdf_Export"))
        finally:
            with contextlib.suppress(Exception):
                doc.close(True)

    def kill(self) -> None:
        """End LibreOffice: ask it to quit, then kill its process group."""
        proc, self.proc, desktop, self.desktop = self.proc, None, self.desktop, None
        if proc is None:
            return
        if desktop is not None and proc.poll() is None:
            with contextlib.suppress(Exception):
                desktop.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(3)
        _killpg(proc.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)


class InputError(Exception):
    """The deck itself could not be read: no point in restarting LibreOffice."""


def _is_input_error(exc: Exception) -> bool:
    return isinstance(exc, InputError) or type(exc).__name__ == "IllegalArgumentException"


def _killpg(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent (deckgen) dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def main() -> int:
    soffice, profile, pipe, parent = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    office = Office(soffice, profile, pipe)
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but replies on the reply channel

    def stop(signum: int, _frame: object) -> None:
        office.kill()
        os._exit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        return 1

    def reply(**fields: object) -> None:
        out.write(json.dumps({**fields, "soffice": office.pgid, "starts": office.starts}) + "\n")
        out.flush()

    try:
        try:
            office.start()
        except Exception as exc:
            reply(ok=False, error=str(exc))
            return 1
        reply(ok=True, ready=True, pid=os.getpid())
        for line in sys.stdin:
            try:
                req = json.loads(line)
            except ValueError:
                reply(ok=False, error="not JSON")
                continue
            op = req.get("op")
            if op == "quit":
                break
            if op == "ping":
                reply(ok=office.alive())
                continue
            if op != "convert":
                reply(ok=False, error=f"unknown request {op!r}")
                continue
            started = time.perf_counter()
            try:
                office.convert(req["src"], req["dst"])
            except Exception as exc:
                reply(ok=False, error=f"{type(exc).__name__}: {exc}".strip())
            else:
                reply(ok=True, seconds=time.perf_counter() - started)
    finally:
        office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
