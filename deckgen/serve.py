"""``deckgen serve``: a page on 127.0.0.1 that shows the deck and follows every save.

Three parts, each small:

- :class:`Session` builds the deck, has the warm LibreOffice (:mod:`deckgen.office`) turn
  it into a PDF and the PDF into slide pictures, and keeps the result as a numbered
  :class:`Snapshot` in a private temporary folder. A build that fails keeps the last good
  snapshot and records the error (with its line and the source lines around it).
- A watch thread rebuilds on every change of the summary or its template
  (:func:`deckgen.watch.file_changes`).
- A Starlette app, run by uvicorn on 127.0.0.1 only: the page (one static file,
  ``deckgen/static/serve.html``), the state as JSON, a server-sent event stream that pushes
  the state after each rebuild, the slide pictures and the built files.

What a request can reach is a fixed set of routes; no part of a request's path is ever
joined to a file path: pictures and downloads are looked up by exact keys in the snapshot
the session made. Requests whose Host is not the loopback name and port the server bound to
are refused (a web page elsewhere cannot reach it through DNS rebinding).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from deckgen.errors import DeckgenError, UsageError
from deckgen.model import BuildOptions, PlacedPicture
from deckgen.office import Renderer
from deckgen.watch import Watcher

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
KEEP = 3
"""Snapshots kept on disk: the current one and two before it, for pages still loading."""
HEARTBEAT = 15.0

PAGE_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


@dataclass
class Snapshot:
    """One good build: its deck, PDF, slide pictures and outline."""

    key: str
    folder: Path
    deck: Path
    pdf: Path
    images: dict[int, Path]
    sizes: list[tuple[int, int]]
    outline: dict[str, Any]
    warnings: list[str]
    finished: float
    seconds: float


@dataclass
class Session:
    """The deck being served, rebuilt on demand (thread-safe; one build at a time)."""

    source: str
    options: BuildOptions
    office: Renderer
    dpi: int = 96
    on_change: Callable[[], None] | None = None
    good: Snapshot | None = field(default=None, init=False)
    error: dict[str, Any] | None = field(default=None, init=False)
    version: int = field(default=0, init=False)
    builds: int = field(default=0, init=False)
    building: bool = field(default=False, init=False)
    _run: str = field(default_factory=lambda: secrets.token_hex(4), init=False)
    _root: Path = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _build_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _old: list[Snapshot] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        if self.source == "-":
            raise UsageError("serve needs a file to watch, not stdin ('-')")
        self.watcher = Watcher(self.source, options=self.options)
        self._root = Path(tempfile.mkdtemp(prefix="deckgen-serve-"))

    @property
    def name(self) -> str:
        return Path(self.source).stem or "deck"

    # -- building

    def rebuild(self) -> bool:
        """Build, render and publish; on failure keep the last good snapshot and publish the
        error. Returns whether the build was good."""
        with self._build_lock:
            with self._lock:
                self.building = True
                self.version += 1
            self._changed()
            try:
                return self._rebuild()
            finally:
                with self._lock:
                    self.building = False
                    self.version += 1
                self._changed()

    def _rebuild(self) -> bool:
        from deckgen import fontcheck
        from deckgen.api import prepare, read
        from deckgen.outline import as_dict
        from deckgen.preview import slide_images
        from deckgen.render import write

        started = time.perf_counter()
        self.builds += 1
        key = f"{self._run}-{self.builds}"
        folder = self._root / f"build-{self.builds}"
        folder.mkdir()
        try:
            doc = read(self.source, slide_level=self.options.slide_level)
            deck_model = prepare(doc, self.options)
            deck = folder / f"{self.name}.pptx"
            write(deck_model, deck)
            self.watcher.template_file = Path(deck_model.theme.path)
            # a picture saved again shows too (the watcher follows the files placed)
            self.watcher.pictures = tuple(
                Path(e.picture.path)
                for s in deck_model.slides
                for e in s.elements
                if isinstance(e, PlacedPicture) and e.picture.path
            ) + tuple(
                Path(s.background.path)
                for s in deck_model.slides
                if s.background is not None and s.background.path
            )
            outline = as_dict(doc, deck_model)
            warnings = list(deck_model.warnings)
            warnings += fontcheck.font_warnings(deck) + fontcheck.glyph_warnings(deck)
            pdf = folder / f"{self.name}.pdf"
            self.office.convert(deck, pdf)
            pictures = slide_images(pdf, folder, dpi=self.dpi)
            sizes = [_png_size(p) for p in pictures]
        except Exception as exc:
            shutil.rmtree(folder, ignore_errors=True)
            with self._lock:
                self.error = self._describe(exc)
                self.version += 1
            return False
        snap = Snapshot(
            key,
            folder,
            deck,
            pdf,
            {i: p for i, p in enumerate(pictures, 1)},
            sizes,
            outline,
            warnings,
            time.time(),
            time.perf_counter() - started,
        )
        with self._lock:
            if self.good is not None:
                self._old.append(self.good)
            self.good, self.error = snap, None
            self.version += 1
            stale, self._old = self._old[: -(KEEP - 1)], self._old[-(KEEP - 1) :]
        for old in stale:
            shutil.rmtree(old.folder, ignore_errors=True)
        return True

    def _describe(self, exc: Exception) -> dict[str, Any]:
        if isinstance(exc, DeckgenError):
            message = exc.message
            line = exc.line
            path = exc.path
        else:
            message = f"unexpected {type(exc).__name__}: {exc} (please report it)"
            line, path = None, None
        excerpt: list[dict[str, Any]] = []
        if line and (path is None or _same_file(path, self.source)):
            excerpt = _excerpt(Path(self.source), line)
        return {
            "message": message,
            "line": line,
            "path": path,
            "excerpt": excerpt,
            "at": time.time(),
        }

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    # -- what the server hands out

    def state(self) -> dict[str, Any]:
        with self._lock:
            good, error, version = self.good, self.error, self.version
        state: dict[str, Any] = {
            "version": version,
            "source": os.path.basename(self.source),
            "building": self.building,
            "renderer": self.office.kind,
            "error": error,
            "slides": [],
            "title": self.name,
            "warnings": [],
            "build": None,
        }
        if good is not None:
            slides = good.outline["slides"]
            state.update(
                title=good.outline["document"]["title"] or self.name,
                build={
                    "key": good.key,
                    "finished": good.finished,
                    "seconds": round(good.seconds, 3),
                    "pptx": "/download/deck.pptx",
                    "pdf": "/download/deck.pdf",
                    "pptx_name": good.deck.name,
                    "pdf_name": good.pdf.name,
                },
                warnings=good.warnings,
                slides=[
                    {
                        "n": s["index"],
                        "kind": s["kind"],
                        "title": s["title"],
                        "level": s["level"],
                        "line": s["line"],
                        "continued": s["continued"],
                        "notes": s["notes"],
                        "image": f"/slides/{good.key}/{s['index']}.png"
                        if s["index"] in good.images
                        else None,
                        "width": good.sizes[s["index"] - 1][0] if s["index"] in good.images else 0,
                        "height": good.sizes[s["index"] - 1][1] if s["index"] in good.images else 0,
                    }
                    for s in slides
                ],
            )
        return state

    def image(self, key: str, n: int) -> Path | None:
        with self._lock:
            for snap in (self.good, *self._old):
                if snap is not None and snap.key == key:
                    return snap.images.get(n)
        return None

    def download(self, kind: str) -> Path | None:
        with self._lock:
            good = self.good
        if good is None:
            return None
        return {"pptx": good.deck, "pdf": good.pdf}.get(kind)

    def close(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.basename(a) == os.path.basename(b)


def _excerpt(path: Path, line: int, around: int = 2) -> list[dict[str, Any]]:
    """The source lines around ``line`` (1-based), for the page to show the error in place."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    lo, hi = max(1, line - around), min(len(lines), line + around)
    return [{"n": n, "text": lines[n - 1][:300], "here": n == line} for n in range(lo, hi + 1)]


def _png_size(path: Path) -> tuple[int, int]:
    with open(path, "rb") as f:
        head = f.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


# --------------------------------------------------------------------------- the app


class _Hub:
    """Wakes the event streams (in the server's loop) when the session changes (in the
    watch thread)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.event: asyncio.Event | None = None
        self.closing = False

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()

    def notify(self) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        old, self.event = self.event, asyncio.Event()
        if old is not None:
            old.set()


class HostCheck:
    """Pure ASGI middleware: only requests whose Host header names this server."""

    def __init__(self, app: Any, allowed: set[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            host = ""
            for name, value in scope.get("headers", ()):
                if name == b"host":
                    host = value.decode("latin-1").strip().lower()
                    break
            if host not in self.allowed:
                from starlette.responses import PlainTextResponse

                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                response = PlainTextResponse(
                    "This server answers only to its loopback address.\n", status_code=403
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def page() -> bytes:
    return resources.files("deckgen").joinpath("static/serve.html").read_bytes()


def make_app(session: Session, port: int, hub: _Hub | None = None) -> Any:
    """The ASGI app for ``session``, answering to ``127.0.0.1:port`` and ``localhost:port``."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    hub = hub or _Hub()
    html = page()
    base_headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

    def not_found() -> Response:
        return Response(
            "Not found\n", status_code=404, media_type="text/plain", headers=base_headers
        )

    async def index(_request: Request) -> Response:
        return Response(
            html,
            media_type="text/html; charset=utf-8",
            headers={
                **base_headers,
                "Content-Security-Policy": PAGE_CSP,
                "Cache-Control": "no-store",
            },
        )

    async def state(_request: Request) -> Response:
        return JSONResponse(session.state(), headers={**base_headers, "Cache-Control": "no-store"})

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            sent = -1
            quiet = 0.0
            while not hub.closing:
                if session.version != sent or sent < 0:
                    current = session.state()
                    sent = current["version"]
                    yield f"event: state\ndata: {json.dumps(current, ensure_ascii=False)}\n\n"
                    quiet = 0.0
                event = hub.event
                if event is None:
                    await asyncio.sleep(0.2)
                    continue
                try:
                    await asyncio.wait_for(event.wait(), timeout=1.0)
                except asyncio.TimeoutError:
                    quiet += 1.0
                    if quiet >= HEARTBEAT:
                        quiet = 0.0
                        yield ": still here\n\n"
                if await request.is_disconnected():
                    return

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={**base_headers, "Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def slide(request: Request) -> Response:
        path = session.image(request.path_params["build"], request.path_params["n"])
        if path is None or not path.is_file():
            return not_found()
        return FileResponse(
            path,
            media_type="image/png",
            headers={**base_headers, "Cache-Control": "private, max-age=86400, immutable"},
        )

    def download(kind: str, media: str) -> Callable[[Request], Any]:
        async def send(_request: Request) -> Response:
            path = session.download(kind)
            if path is None or not path.is_file():
                return not_found()
            return FileResponse(
                path,
                media_type=media,
                filename=path.name,
                headers={**base_headers, "Cache-Control": "no-store"},
            )

        return send

    async def fallback(_request: Request) -> Response:
        return not_found()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        hub.bind(asyncio.get_running_loop())
        yield
        hub.closing = True
        hub.notify()

    pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/state.json", state, methods=["GET", "HEAD"]),
        Route("/events", events, methods=["GET"]),
        Route("/slides/{build:str}/{n:int}.png", slide, methods=["GET", "HEAD"]),
        Route("/download/deck.pptx", download("pptx", pptx), methods=["GET", "HEAD"]),
        Route("/download/deck.pdf", download("pdf", "application/pdf"), methods=["GET", "HEAD"]),
    ]
    allowed = {f"{HOST}:{port}", f"localhost:{port}"}
    app = Starlette(
        routes=routes,
        middleware=[Middleware(HostCheck, allowed=allowed)],
        lifespan=lifespan,
    )
    app.add_exception_handler(404, lambda _r, _e: not_found())
    app.add_exception_handler(
        405,
        lambda _r, _e: Response(
            "Method not allowed\n", status_code=405, media_type="text/plain", headers=base_headers
        ),
    )
    app.state.hub = hub
    return app


# --------------------------------------------------------------------------- running it


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:port (0: any free port), or a clear error."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise DeckgenError(
            f"cannot listen on {HOST}:{port}: {exc.strerror or exc}",
            hint="pass another --port, or --port 0 for any free one",
        ) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(
    source: str,
    options: BuildOptions,
    *,
    port: int = DEFAULT_PORT,
    dpi: int = 96,
    echo: Callable[[str], Any] = print,
    err: Callable[[str], Any] | None = None,
    ready: Callable[[str], Any] | None = None,
    office: Renderer | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve ``source`` until Ctrl-C (or SIGTERM, or ``stop`` is set); LibreOffice and the
    temporary files go with it. ``ready`` is called with the page's URL once it is served;
    ``office`` replaces the warm LibreOffice (tests)."""
    import uvicorn

    from deckgen.office import open_office, require_soffice
    from deckgen.preview import can_rasterize
    from deckgen.watch import file_changes

    err = err or echo
    if source == "-":
        raise UsageError("serve needs a file to watch, not stdin ('-')")
    if not os.path.isfile(source):
        raise DeckgenError("not found", path=source, hint="serve needs a summary file")
    if office is None:
        require_soffice("serve")
    if not can_rasterize():
        raise DeckgenError(
            "no PDF rasterizer found: serve needs one",
            hint="pip install 'deckgen[serve]', or apt-get install poppler-utils",
        )
    sock = bind(port)
    port = sock.getsockname()[1]
    hub = _Hub()
    stop = stop or threading.Event()
    office = office or open_office()
    session = Session(source, options, office, dpi=dpi, on_change=hub.notify)
    try:
        if office.reason:
            err(f"Note: {office.reason}")
        changes = file_changes(session.watcher, stop)
        _report(session, echo, err, first=True)
        watch_thread = threading.Thread(
            target=_watch_loop,
            args=(session, changes, echo, err),
            name="deckgen-serve-watch",
            daemon=True,
        )
        watch_thread.start()
        url = f"http://{HOST}:{port}/"
        config = uvicorn.Config(
            make_app(session, port, hub),
            log_level="warning",
            access_log=False,
            http="h11",
            ws="none",
            loop="asyncio",
            lifespan="on",
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)

        def stop_server() -> None:
            stop.wait()
            server.should_exit = True

        threading.Thread(target=stop_server, name="deckgen-serve-stop", daemon=True).start()
        echo(f"Serving {source} at {url} (Ctrl-C to stop)")
        if ready is not None:
            ready(url)
        server.run(sockets=[sock])
    finally:
        stop.set()
        hub.closing = True
        office.close()
        session.close()
        sock.close()
    echo("Stopped serving.")


def _report(
    session: Session, echo: Callable[[str], Any], err: Callable[[str], Any], first: bool = False
) -> None:
    ok = session.rebuild()
    verb = "Built" if first else "Rebuilt"
    if ok and session.good is not None:
        n = len(session.good.images)
        echo(f"{verb} {session.source} ({n} slides, pictures too) in {session.good.seconds:.2f} s")
    elif session.error is not None:
        err(f"Error: {session.error['message']}")
        if session.good is not None:
            err("(the page keeps the last good slides; watching for changes)")


def _watch_loop(
    session: Session, changes: Any, echo: Callable[[str], Any], err: Callable[[str], Any]
) -> None:
    try:
        for _batch in changes:
            _report(session, echo, err)
    except Exception as exc:  # the watch itself failed: say so; the page stays up
        err(f"Error: watching stopped: {exc}")
