"""``deckgen serve`` in a real browser (issue 12, item 3): Debian's headless Chromium, driven
by Selenium through chromedriver, against a real ``deckgen serve`` with real LibreOffice.

The page shows the slides, notes, outline and downloads; ← → and N work; a save of the
summary shows on the page without a reload, within a second of the rebuild; an error shows
with its line above the last good slides; the phone layout does not scroll sideways; Ctrl-C
leaves no LibreOffice. Screenshots are saved in the test's folder (and, when
DECKGEN_SCREENSHOTS names a folder, copied there: that is how docs/serve.png was made).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import CONTENT, needs_soffice
from .test_office import offices, processes, wait_for

pytestmark = [pytest.mark.render, pytest.mark.slow, needs_soffice]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1440,900",
]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("Chromium or chromedriver is not installed (Debian: chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install '.[serve]')")
    source = tmp_path / "talk.md"
    source.write_bytes(CONTENT.read_bytes())
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", "serve", "talk.md", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    assert proc.stdout is not None
    url = None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("Serving talk.md at "):
            url = line.split(" at ", 1)[1].split(" ", 1)[0]
            break
    if url is None:
        proc.kill()
        raise AssertionError("deckgen serve did not start:\n" + "".join(seen))
    try:
        yield url, source, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C, as a terminal sends it
            try:
                proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
        ours = f"{tmp_path}{os.sep}deckgen-"  # LibreOffice's profile and its worker
        assert wait_for(lambda: not processes(ours), 15), processes(ours)


def until(driver: Any, script: str, test: Callable[[Any], bool], timeout: float = 30) -> Any:
    """Run ``script`` in the page until ``test`` holds for its value; return the value."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if test(value):
            return value
        time.sleep(0.05)
    raise AssertionError(f"{script!r} stayed {value!r}")


def text(driver: Any, element_id: str) -> str:
    return str(driver.execute_script(f"return document.getElementById('{element_id}').textContent"))


def shot(driver: Any, folder: Path, name: str) -> Path:
    path = folder / name
    driver.save_screenshot(str(path))
    assert path.read_bytes().startswith(b"\x89PNG")
    copy_to = os.environ.get("DECKGEN_SCREENSHOTS")
    if copy_to:
        Path(copy_to).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(copy_to) / name)
    return path


SHOWN = "return document.body.dataset.shown || ''"
STATE = "return window.deckgen.state"


def test_the_page_follows_every_save(browser: Any, server: Any, tmp_path: Path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    url, source, proc = server
    assert offices(f"{tmp_path}{os.sep}deckgen-"), "LibreOffice is not running"
    browser.get(url)
    state = until(browser, STATE, lambda s: bool(s and s["build"]))
    key1 = state["build"]["key"]
    until(browser, SHOWN, lambda v: v == f"{key1}/1")
    assert text(browser, "counter") == "1 / 12"
    assert text(browser, "title").startswith("Valuable Insights")
    assert browser.execute_script("return document.querySelectorAll('#outline li').length") == 12
    assert browser.execute_script("return document.querySelectorAll('#strip img').length") == 12
    assert "10 insights follow" in text(browser, "notes-text")
    natural = browser.execute_script("return document.getElementById('current').naturalWidth")
    assert natural >= 1200  # readable: the slide picture is 1280 pixels wide
    for link in ("dl-pptx", "dl-pdf"):
        assert (
            browser.execute_script(
                f"return document.getElementById('{link}').getAttribute('aria-disabled')"
            )
            == "false"
        )
    assert browser.execute_script("return document.getElementById('dl-pdf').download") == "talk.pdf"
    assert browser.execute_script("return document.getElementById('error').hidden") is True

    # keys: → to the next slide, N hides the notes and shows them again
    keys = ActionChains(browser)
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    until(browser, SHOWN, lambda v: v == f"{key1}/2")
    assert text(browser, "counter") == "2 / 12"
    assert text(browser, "slide-title") == "1. Introduction to Llama 3.1"
    ActionChains(browser).send_keys("n").perform()
    assert browser.execute_script("return document.body.classList.contains('no-notes')")
    ActionChains(browser).send_keys("n").perform()
    assert not browser.execute_script("return document.body.classList.contains('no-notes')")
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).send_keys(Keys.ARROW_LEFT).perform()
    until(browser, "return document.getElementById('counter').textContent", lambda v: v == "2 / 12")

    # a save: the page updates itself, no reload, within a second of the rebuild
    updates = browser.execute_script("return window.deckgen.updates")
    browser.execute_script("window.notReloaded = true")
    saved = time.time()
    source.write_text(
        source.read_text(encoding="utf-8").replace("Introduction to Llama 3.1", "Hello Llamas", 1),
        encoding="utf-8",
    )
    state = until(
        browser,
        STATE,
        lambda s: s["build"]["key"] != key1 and not s["building"],
        timeout=30,
    )
    key2 = state["build"]["key"]
    received = browser.execute_script("return window.deckgen.received")
    lag = received - state["build"]["finished"]
    rebuilt = state["build"]["finished"] - saved
    print(f"save → rebuilt {rebuilt:.2f} s later → on the page {lag:.3f} s after that")
    assert lag < 1.0
    until(browser, SHOWN, lambda v: v == f"{key2}/2")
    assert text(browser, "slide-title") == "1. Hello Llamas"
    assert browser.execute_script("return window.notReloaded === true")
    # pushed: a few events per rebuild (building, built), not a stream of polls
    assert browser.execute_script("return window.deckgen.updates") - updates <= 4
    laptop = shot(browser, tmp_path, "serve.png")
    print(f"screenshot: {laptop}")

    # an error in the summary: shown with its line, the last good slides stay
    lines = source.read_bytes().split(b"\n")
    lines[4] = b"\x81\x8d\x8f\x90\x9d\x81\x8d\x8f\x90\x9d \x81\x8d"
    source.write_bytes(b"\n".join(lines))
    until(browser, "return document.getElementById('error').hidden", lambda v: v is False)
    message = text(browser, "error-msg")
    assert "talk.md, line 5" in message and "not UTF-8" in message
    assert "5" in text(browser, "error-src")
    assert browser.execute_script(SHOWN) == f"{key2}/2"  # the last good slide, still there
    assert "line 5" in text(browser, "status")
    shot(browser, tmp_path, "serve-error.png")

    # the phone layout: one column, nothing wider than the screen
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    time.sleep(0.5)
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    shot(browser, tmp_path, "serve-phone.png")
    assert proc.poll() is None
