"""``deckgen serve``: the server, its routes, its guards and its pushes, without LibreOffice.

The server runs for real (uvicorn on 127.0.0.1, a free port, the watch thread on real file
events); only LibreOffice is replaced, by a renderer that writes a blank PDF with a page per
slide (pypdfium2), so these tests are fast and run where LibreOffice is missing. The page in
a real browser, with real LibreOffice, is tests/test_serve_browser.py.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (pip install '.[serve]')")
pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install '.[serve]')")
pytest.importorskip("watchfiles", reason="watchfiles is not installed (pip install '.[serve]')")
pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 is not installed")

from deckgen.errors import DeckgenError  # noqa: E402
from deckgen.model import BuildOptions  # noqa: E402
from deckgen.serve import bind, page, serve  # noqa: E402

from .conftest import CONTENT  # noqa: E402

_SLIDE = re.compile(r"^ppt/slides/slide\d+\.xml$")


class BlankOffice:
    """Stands in for LibreOffice: a PDF with one blank 16:9 page per slide of the deck."""

    kind = "fake"
    reason = ""

    def __init__(self) -> None:
        self.conversions = 0
        self.closed = False

    def convert(self, deck: Path, pdf: Path) -> None:
        with zipfile.ZipFile(deck) as zf:
            n = sum(1 for name in zf.namelist() if _SLIDE.match(name))
        doc = pdfium.PdfDocument.new()
        for _ in range(n):
            doc.new_page(960, 540)
        tmp = pdf.with_name(pdf.name + ".part")
        doc.save(str(tmp))
        doc.close()
        os.replace(tmp, pdf)
        self.conversions += 1

    def close(self) -> None:
        self.closed = True


@dataclass
class Served:
    url: str
    port: int
    source: Path
    office: BlankOffice
    lines: list[str] = field(default_factory=list)

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        return request(self.port, path, host=host if host is not None else f"127.0.0.1:{self.port}")

    def state(self) -> dict:
        status, _, body = self.get("/state.json")
        assert status == 200
        return json.loads(body)


def request(
    port: int, target: str, *, host: str | None, method: str = "GET", version: str = "HTTP/1.1"
) -> tuple[int, dict[str, str], bytes]:
    """One request written by hand (so that nothing normalizes the target on the way)."""
    head = f"{method} {target} {version}\r\n"
    if host is not None:
        head += f"Host: {host}\r\n"
    head += "Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head.encode("latin-1"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    top, _, body = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    source = tmp_path / "talk.md"
    source.write_bytes(CONTENT.read_bytes())
    office = BlankOffice()
    ready = threading.Event()
    stop = threading.Event()
    box: dict[str, object] = {}
    lines: list[str] = []

    def run() -> None:
        try:
            serve(
                str(source),
                BuildOptions(),
                port=0,
                dpi=30,
                echo=lines.append,
                ready=lambda url: (box.setdefault("url", url), ready.set()),
                office=office,
                stop=stop,
            )
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(60), "the server did not start"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    url = str(box["url"])
    port = urlsplit(url).port
    assert port
    try:
        yield Served(url, port, source, office, lines)
    finally:
        stop.set()
        thread.join(20)
    assert not thread.is_alive(), "the server did not stop"
    assert office.closed
    assert lines[-1] == "Stopped serving."


class Events:
    """Reads the server-sent events of /events."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        self.conn.request("GET", "/events", headers={"Host": f"127.0.0.1:{port}"})
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type", "").startswith("text/event-stream")

    def next(self) -> dict:
        event, data = "", []
        while True:
            line = self.resp.fp.readline().decode("utf-8")
            assert line, "the event stream ended"
            line = line.rstrip("\r\n")
            if not line:
                if data and event == "state":
                    return json.loads("\n".join(data))
                event, data = "", []
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())

    def until(self, test, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.next()
            if test(state):
                return state
        raise AssertionError("no such state arrived")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


def settled(state: dict) -> bool:
    return not state["building"]


# --------------------------------------------------------------------------- what it serves


def test_page_state_pictures_and_downloads(served: Served):
    status, headers, body = served.get("/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert body == page()

    state = served.state()
    assert state["title"].startswith("Valuable Insights")
    assert state["error"] is None and state["renderer"] == "fake"
    assert len(state["slides"]) == 12
    first = state["slides"][1]
    assert first["title"] == "1. Introduction to Llama 3.1" and "Key Point" in first["notes"]
    assert first["width"] > first["height"] > 0

    status, headers, png = served.get(first["image"])
    assert status == 200 and headers["content-type"] == "image/png"
    assert png.startswith(b"\x89PNG\r\n\x1a\n")

    status, headers, deck = served.get(state["build"]["pptx"])
    assert status == 200 and deck.startswith(b"PK")
    assert 'filename="talk.pptx"' in headers["content-disposition"]
    status, headers, pdf = served.get(state["build"]["pdf"])
    assert status == 200 and pdf.startswith(b"%PDF-")
    assert 'filename="talk.pdf"' in headers["content-disposition"]
    assert headers["content-type"] == "application/pdf"


def test_the_page_is_one_offline_file():
    html = page().decode("utf-8")
    # nothing from elsewhere: no URL with a scheme or a protocol-relative one, no file loaded
    assert not re.search(r"(?i)\b(?:https?|ftp|ws|wss):", html)
    assert not re.search(r"""(?i)(?:src|href)\s*=\s*["']//""", html)
    assert not re.search(r"(?i)<script[^>]*\bsrc=", html)
    assert not re.search(r"(?i)<link[^>]*rel=[\"']?stylesheet", html)
    assert "@import" not in html and "url(" not in html
    # pushed, not polled: an EventSource and no timer that asks again
    assert 'new EventSource("/events")' in html
    assert "setInterval" not in html and "fetch(" not in html
    # the keys the issue names, and the download links
    for needle in ('"ArrowRight"', '"ArrowLeft"', 'case "n"', "Download .pptx", "Download PDF"):
        assert needle in html
    assert "@media (max-width: 820px)" in html  # the phone layout


# --------------------------------------------------------------------------- what it refuses

TRAVERSALS = [
    "/../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/..%5c..%5c..%5cetc%5cpasswd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/slides/../../../../etc/passwd",
    "/slides/..%2f..%2f..%2f..%2fetc%2fpasswd/1.png",
    "/slides/%2e%2e/1.png",
    "/download/..%2f..%2ftalk.md",
    "/download/../talk.md",
    "/download/talk.md",
    "/download/deck.pptx/../../talk.md",
    "//etc/passwd",
    "/etc/passwd",
    "/C:/Windows/win.ini",
    "/static/serve.html",
    "/deckgen/static/serve.html",
    "/talk.md",
    "/talk.pptx",
    "/state.json/../talk.md",
    "/%00../../etc/passwd",
    "/.git/config",
    "http://127.0.0.1/etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_no_request_path_reaches_the_file_system(served: Served, target: str):
    secret = served.source.read_bytes()[:40]
    status, _, body = served.get(target)
    assert status in (400, 404), (target, status, body[:200])
    assert b"root:" not in body and secret not in body


def test_absolute_paths_reach_nothing(served: Served):
    secret = served.source.read_bytes()[:40]
    key = served.state()["build"]["key"]
    for target in (
        "/" + str(served.source).lstrip("/"),
        "/" + str(served.source),
        f"/slides/{key}/{served.source}",
        f"/slides/{key}/1.png/{served.source}",
        f"http://127.0.0.1:{served.port}{served.source}",
    ):
        status, _, body = served.get(target)
        assert status in (400, 404), (target, status)
        assert secret not in body


def test_pictures_only_of_builds_it_made(served: Served):
    key = served.state()["build"]["key"]
    assert served.get(f"/slides/{key}/1.png")[0] == 200
    for target in (
        f"/slides/{key}/0.png",
        f"/slides/{key}/13.png",
        f"/slides/{key}/-1.png",
        f"/slides/{key}/1.jpg",
        f"/slides/{key}x/1.png",
        "/slides/0-1/1.png",
    ):
        assert served.get(target)[0] == 404, target


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:{port}",
        "127.0.0.1.evil.example:{port}",
        "localhost.evil.example:{port}",
        "127.0.0.1:1",
        "localhost",
        "[::1]:{port}",
        "0.0.0.0:{port}",
        "",
    ],
)
def test_requests_for_another_host_are_refused(served: Served, host: str):
    status, _, body = served.get("/state.json", host=host.format(port=served.port))
    assert status in (400, 403), status
    assert b"slides" not in body


def test_a_request_without_host_is_refused(served: Served):
    status, _, _ = request(served.port, "/", host=None, version="HTTP/1.0")
    assert status in (400, 403)


def test_the_loopback_names_are_accepted(served: Served):
    for host in (
        f"127.0.0.1:{served.port}",
        f"localhost:{served.port}",
        f"LOCALHOST:{served.port}",
    ):
        assert served.get("/", host=host)[0] == 200


def test_only_reading_methods(served: Served):
    for method in ("POST", "PUT", "DELETE"):
        status, _, _ = request(served.port, "/", host=f"127.0.0.1:{served.port}", method=method)
        assert status == 405


def test_it_listens_on_the_loopback_address_only(served: Served):
    assert urlsplit(served.url).hostname == "127.0.0.1"
    try:
        found = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:  # the host name does not resolve: no other address to try
        found = []
    others = [str(a[4][0]) for a in found if not str(a[4][0]).startswith("127.")]
    for address in others[:2]:
        with pytest.raises(OSError), socket.create_connection((address, served.port), timeout=2):
            pass


# --------------------------------------------------------------------------- pushes


def test_a_save_is_pushed_and_an_error_keeps_the_last_good_slides(served: Served):
    events = Events(served.port)
    try:
        first = events.until(lambda s: s["build"] is not None and settled(s))
        key1 = first["build"]["key"]

        text = served.source.read_text(encoding="utf-8")
        served.source.write_text(text.replace("Introduction to Llama 3.1", "Hello Llamas", 1))
        second = events.until(lambda s: settled(s) and s["build"]["key"] != key1)
        assert second["slides"][1]["title"] == "1. Hello Llamas"
        assert second["error"] is None

        # bytes that are no text at line 5: the error, with its line, above the last good deck
        lines = served.source.read_bytes().split(b"\n")
        lines[4] = b"\x81\x8d\x8f\x90\x9d\x81\x8d\x8f\x90\x9d \x81\x8d"
        served.source.write_bytes(b"\n".join(lines))
        broken = events.until(lambda s: settled(s) and s["error"] is not None)
        assert broken["error"]["line"] == 5
        assert "talk.md, line 5" in broken["error"]["message"]
        assert "not UTF-8" in broken["error"]["message"]
        assert [x["n"] for x in broken["error"]["excerpt"] if x["here"]] == [5]
        assert broken["build"]["key"] == second["build"]["key"]  # the last good slides
        assert len(broken["slides"]) == 12
        assert served.get(broken["slides"][0]["image"])[0] == 200
        assert any(line.startswith("Error: ") and "line 5" in line for line in served.lines)

        served.source.write_text(text)
        fixed = events.until(lambda s: settled(s) and s["error"] is None)
        assert fixed["build"]["key"] not in (key1, second["build"]["key"])
        assert fixed["slides"][1]["title"] == "1. Introduction to Llama 3.1"
    finally:
        events.close()


def test_an_error_before_any_good_build_still_serves_the_page(tmp_path: Path):
    source = tmp_path / "talk.md"
    source.write_text("<!-- nothing yet -->\n", encoding="utf-8")
    office = BlankOffice()
    stop = threading.Event()
    box: dict[str, str] = {}
    ready = threading.Event()
    thread = threading.Thread(
        target=serve,
        args=(str(source), BuildOptions()),
        kwargs={
            "port": 0,
            "echo": lambda _line: None,
            "ready": lambda url: (box.setdefault("url", url), ready.set()),
            "office": office,
            "stop": stop,
        },
        daemon=True,
    )
    thread.start()
    try:
        assert ready.wait(60)
        port = urlsplit(box["url"]).port
        assert port
        status, _, body = request(port, "/state.json", host=f"127.0.0.1:{port}")
        state = json.loads(body)
        assert status == 200 and state["slides"] == [] and state["build"] is None
        assert "no words" in state["error"]["message"]
        assert request(port, "/download/deck.pptx", host=f"127.0.0.1:{port}")[0] == 404
    finally:
        stop.set()
        thread.join(20)
    assert not thread.is_alive()


def test_serve_refuses_stdin_a_missing_file_and_a_busy_port(tmp_path: Path):
    with pytest.raises(DeckgenError, match="stdin"):
        serve("-", BuildOptions(), office=BlankOffice())
    with pytest.raises(DeckgenError, match="not found"):
        serve(str(tmp_path / "nope.md"), BuildOptions(), office=BlankOffice())
    busy = bind(0)
    try:
        with pytest.raises(DeckgenError, match="cannot listen on 127.0.0.1:") as info:
            bind(busy.getsockname()[1])
        assert "--port" in str(info.value)
    finally:
        busy.close()
