"""Browser tests: the app served by `streamlit run` on a free port with its own database."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).parent.parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_app(db_url: str, *options: str, log: Path | None = None) -> tuple[str, subprocess.Popen]:
    """Start `streamlit run app.py` on a free port with its database at ``db_url``, without waiting for it; return
    URL and process. What the server prints goes to ``log`` when given."""
    port = _free_port()
    env = {**os.environ, "JOURNEYS_DB_URL": db_url}
    output = log.open("wb") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none", *options],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    if log:
        output.close()  # the server has its own copy
    return f"http://127.0.0.1:{port}", server


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until the server answers its health check; fail the test (and stop it) when it does not in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    server.kill()
    pytest.fail(f"the app did not start within {timeout:.0f} s (exit code {server.poll()})")


def start_app(data: Path, *options: str) -> tuple[str, subprocess.Popen]:
    """Start `streamlit run app.py` on a free port with its database in ``data``; return URL and process.

    ``options`` go to Streamlit as they are, e.g. ``--secrets.files=/path/secrets.toml``.
    """
    url, server = launch_app(f"sqlite:///{data}/e2e.db", *options)
    wait_until_up(url, server)
    return url, server


def stop_app(server: subprocess.Popen) -> None:
    """Stop the server; one that has not stopped 30 s after being asked (a busy machine) is killed."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests put their screenshots: a folder of the test run, so that running the tests changes
    no tracked file; the README's pictures only when asked (``make screenshots`` sets JOURNEYS_SCREENSHOTS)."""
    wanted = os.environ.get("JOURNEYS_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("pictures")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of a running app on a fresh SQLite database (seeded with the demo journeys)."""
    url, server = start_app(tmp_path_factory.mktemp("e2e-db"))
    yield url
    stop_app(server)


def wait_for_app(page) -> None:
    """Wait until Streamlit is connected and has finished running the script."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)


def settled(page) -> None:
    """Wait until the script is idle, every image on the page has loaded or failed, and what that set off has run:
    after this a script from user text (an ``onerror``) has run, a request for an image has been made, a chart
    is drawn. No fixed sleep: on a busy machine it would be too short, on an idle one too long."""
    wait_for_app(page)
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")


def box_of(locator) -> dict:
    """The element's box on screen, read again until it has one: the journey map draws itself anew after every
    script run, so an element found a moment before a redraw is gone when its box is asked for."""
    for _ in range(100):
        locator.wait_for(state="attached")  # not "visible": a horizontal line has no height
        box = locator.bounding_box()
        if box is not None:
            return box
        locator.page.wait_for_timeout(50)
    raise AssertionError(f"{locator} never stayed on the page long enough to be measured")


def centre(locator) -> tuple[float, float]:
    """The middle of an element on screen, to click or drag at."""
    box = box_of(locator)
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def click_until(page, button, result, text: str, *, tries: int = 2, timeout: int = 15_000) -> None:
    """Click ``button`` until ``result`` shows ``text``: on a busy machine a click that lands
    during the rerun an upload started can come too early and be lost."""
    from playwright.sync_api import expect

    for attempt in range(tries):
        button.click()
        try:
            expect(result).to_contain_text(text, timeout=timeout)
            return
        except AssertionError:
            if attempt == tries - 1:
                raise
            wait_for_app(page)


@pytest.fixture
def browser_context_args(browser_context_args):
    """A laptop-sized window: tables only render the columns that fit on screen."""
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1000}}


# On a busy machine a rerun can take longer than Playwright's 5 s: wait for what is expected, longer
expect.set_options(timeout=20_000)


@pytest.fixture
def page(page, request):
    """Playwright's page, with a screenshot saved to test-results/ when the test fails."""
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        out = ROOT / "test-results"
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / f"{request.node.name}.png"), full_page=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
