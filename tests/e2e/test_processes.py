"""Several app processes on one new PostgreSQL database, started at once and met by browsers at once.

This is how the workbench runs when a team outgrows one process (README, "Deploy"): every
process migrates and seeds the database at its first page, whichever comes first, and
a proxy in front keeps each browser on one process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlmodel import Session

import store
from tests.e2e.conftest import _free_port, launch_app, stop_app, wait_until_up
from tests.e2e.test_cold_start import IDLE, failures, shows
from tests.store.test_startup import new_database
from tests.stress import size
from tests.test_deploy import CADDYFILE

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

PROCESSES, ROUNDS = 4, size(1, 5)  # four processes started at once on a new database (make stress: 5 times)
SESSIONS = size(12, 50)  # sessions opening two freshly started processes at once
BROWSERS = 16  # through the proxy, each its own cookies: all on one process by chance once in 30,000 runs
LIBRARY = "Customer journeys"  # the heading of the first page
START_S = 120  # for a process to answer, with others starting beside it on two cores


@pytest.fixture(scope="module")
def demo_names() -> list[str]:
    """The names of the demo journeys, as a database seeded once holds them."""
    engine = store.make_engine("sqlite://")
    store.migrate(engine)
    with Session(engine) as session:
        store.seed_demo_journeys(session=session)
        names = sorted(j.name for j in store.list_journeys(session=session))
    engine.dispose()
    return names


def stored_names(url: str) -> list[str]:
    engine = store.make_engine(url)
    try:
        with Session(engine) as session:
            return sorted(j.name for j in store.list_journeys(session=session))
    finally:
        engine.dispose()


@contextmanager
def processes(url: str, count: int, logs: Path) -> Iterator[list[str]]:
    """``count`` app processes on the database ``url``, all started before any is waited for; their URLs.

    After the block, what any of them printed is searched for a traceback."""
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        started = [launch_app(url, log=logs / f"process-{n}.log") for n in range(count)]
        for _, server in started:
            stack.callback(stop_app, server)
        for address, server in started:
            wait_until_up(address, server, timeout=START_S)
        yield [address for address, _ in started]
    printed = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in sorted(logs.glob("*.log"))}
    broken = {name: text[text.index("Traceback") :][:2000] for name, text in printed.items() if "Traceback" in text}
    assert not broken, broken


def open_at_once(contexts: list[BrowserContext], urls: list[str]) -> list[Page]:
    """Open ``urls[i]`` in ``contexts[i]`` at practically the same moment; wait until each page is idle."""
    pages = [context.new_page() for context in contexts]
    for page, url in zip(pages, urls, strict=True):
        page.goto(url, wait_until="commit")
    for page in pages:
        shows(page.locator(IDLE), timeout=120_000)  # a page that never settles shows its problem below
    return pages


def library_problems(pages: list[Page], demo_names: list[str]) -> list[str]:
    """What is wrong with each page that should show the library: an error, another heading, another number of
    journeys than the demo's (the table is drawn on a canvas: its count is what the page says in text)."""
    problems = []
    for number, page in enumerate(pages):
        problems += [f"session {number}: {found}" for found in failures(page)]
        heading = page.locator("h1").first.inner_text() if shows(page.locator("h1")) else ""
        if LIBRARY not in heading:
            problems.append(f"session {number}: heading {heading!r}, not {LIBRARY!r}")
        elif not shows(page.get_by_text(f"Journeys ({len(demo_names)})", exact=True), timeout=10_000):
            problems.append(f"session {number}: the library does not count {len(demo_names)} journeys")
    return problems


def test_four_processes_started_at_once_on_a_new_database_seed_it_once(browser: Browser, pg_url, demo_names, tmp_path):
    """4 app processes start at once on a new database, 5 times; their first pages are opened at the same moment:
    no error on any, every one shows the library, and the database holds the demo journeys once."""
    problems = []
    for number in range(ROUNDS):
        with new_database(pg_url) as url:
            with processes(url, PROCESSES, tmp_path / f"round-{number}") as urls:
                contexts = [browser.new_context() for _ in urls]
                pages = open_at_once(contexts, urls)
                problems += [f"round {number}, {found}" for found in library_problems(pages, demo_names)]
                for context in contexts:
                    context.close()
            assert stored_names(url) == demo_names, f"round {number}"
    assert not problems, "\n".join(problems)


@contextmanager
def caddy(upstreams: list[str], folder: Path) -> Iterator[str]:
    """Caddy with the repository's Caddyfile in front of ``upstreams``, on a free port; its URL.

    The Caddyfile is read by Caddy itself; only its admin endpoint is turned off, so that several may run."""
    binary = shutil.which("caddy")
    if binary is None:
        pytest.skip("caddy is not installed (apt-get install caddy)")
    port = _free_port()
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "JOURNEYS_SITE": f":{port}",
        "JOURNEYS_REPLICAS": " ".join(upstreams),
    }
    adapted = subprocess.run(
        [binary, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=environment, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    config = json.loads(adapted.stdout) | {"admin": {"disabled": True}}
    (folder / "caddy.json").write_text(json.dumps(config), encoding="utf-8")
    log = (folder / "caddy.log").open("wb")
    proxy = subprocess.Popen(
        [binary, "run", "--config", str(folder / "caddy.json")], env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proxy, timeout=30)  # Streamlit's health endpoint, through the proxy
        yield url
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


@pytest.mark.parametrize("route", ["direct", "proxy"])
def test_sessions_at_once_open_two_freshly_started_processes(browser: Browser, pg_url, demo_names, tmp_path, route):
    """Sessions open two app processes, just started on a new database, at the same moment: SESSIONS / 2 tabs of a
    browser on each, or 16 browsers through Caddy with the repository's Caddyfile. 0 errors, the library on every
    page, the demo stored once; through Caddy, each browser kept to one process and both in use."""
    with new_database(pg_url) as url, processes(url, 2, tmp_path / "logs") as urls, ExitStack() as stack:
        if route == "proxy":
            entry = stack.enter_context(caddy([u.removeprefix("http://") for u in urls], tmp_path / "caddy"))
            contexts = [browser.new_context() for _ in range(BROWSERS)]
            targets = [entry] * BROWSERS
        else:  # a context's tabs share its cache, as a browser's do: 50 contexts take minutes on two cores
            contexts = [browser.new_context() for _ in urls] * (SESSIONS // 2)
            targets = urls * (SESSIONS // 2)
        sockets: list[str] = []
        for context in set(contexts):
            context.on("page", lambda page: page.on("websocket", lambda socket: sockets.append(socket.url)))
        try:
            pages = open_at_once(contexts, targets)
            problems = library_problems(pages, demo_names)
            cookies = {c: [k["value"] for k in c.cookies() if k["name"] == "journeys_replica"] for c in set(contexts)}
        finally:
            for context in set(contexts):
                context.close()
        assert not problems, "\n".join(problems)
        assert stored_names(url) == demo_names
        streams = [s for s in sockets if s.endswith("/_stcore/stream")]  # the WebSocket of each session
        assert len(streams) >= len(targets) and {s.split("/")[2] for s in streams} == {t.split("/")[2] for t in targets}
        if route == "proxy":
            assert all(len(values) == 1 for values in cookies.values())
            assert len({values[0] for values in cookies.values()}) == 2
