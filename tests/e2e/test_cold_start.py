"""A freshly started server: deep links as the very first requests, many at once, with and without sign-in.

Browsers reconnect by themselves after a restart, so after every deploy the first requests
are deep links into the pages, many at the same moment. Until some session has called
``st.navigation``, Streamlit runs a requested file of ``pages/`` on its own; every page
must then still come up in its frame, and with sign-in configured show nothing but the
login screen.
"""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import Session

import store
from tests.app.test_access import AUTH
from tests.e2e.conftest import start_app, stop_app
from tests.stress import size

pytestmark = pytest.mark.e2e

COLD_STARTS = size(1, 8)  # without sign-in, 10 sessions each (tests/e2e/test_processes.py starts processes more)
SIGNED_STARTS = size(1, 3)  # with sign-in, 12 sessions each
TITLES = {  # page → what its heading says once a journey is open
    "editor": "Broadband: router set-up and the hotline",
    "scoring": "Scoring",
    "ideas": "Ideas",
    "surveys": "Surveys",
    "review": "Review",
    "compare": "Compare",
    "export": "Export",
}
PROBLEM = "[data-testid='stException'], [data-testid='stNotification'] :text('Error')"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Path, str, str]:
    """A database file with the demo journeys (copied for every start), and the ids of the broadband as-is and to-be."""
    folder = tmp_path_factory.mktemp("seeded")
    engine = store.make_engine(f"sqlite:///{folder}/e2e.db")
    store.migrate(engine)
    with Session(engine) as session:
        store.seed_demo_journeys(session=session)
        journeys = {j.name: j.id for j in store.list_journeys(session=session)}
    engine.dispose()
    as_is = journeys["Broadband: router set-up and the hotline"]
    to_be = next(jid for name, jid in journeys.items() if name.startswith("To-be"))
    return folder / "e2e.db", as_is, to_be


def fresh_server(seeded_db: Path, folder: Path, *options: str):
    folder.mkdir()
    shutil.copy(seeded_db, folder / "e2e.db")
    return start_app(folder, *options)


def open_all(browser: Browser, urls: list[str]) -> list[Page]:
    """Open every URL in its own tab (its own Streamlit session) at practically the same moment."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pages = [context.new_page() for _ in urls]
    for page, url in zip(pages, urls, strict=True):
        page.goto(url, wait_until="commit")
    for page in pages:
        shows(page.locator(IDLE), timeout=60_000)  # a page that never settles shows its problem below
    return pages


def shows(locator, timeout: int = 30_000) -> bool:
    """Whether ``locator`` becomes visible within ``timeout`` milliseconds."""
    try:
        locator.first.wait_for(timeout=timeout)
    except PlaywrightTimeout:
        return False
    return True


def failures(page: Page) -> list[str]:
    """What went wrong on a page: an exception box or a Python error name in the text."""
    text = page.locator("body").inner_text()
    found = (
        [f"exception box: {page.locator(PROBLEM).first.inner_text()[:200]}"] if page.locator(PROBLEM).count() else []
    )
    found += [f"{word} in the page" for word in ("Traceback", "ImportError", "KeyError") if word in text]
    return found


def test_deep_links_as_first_requests_after_a_cold_start(browser: Browser, seeded, tmp_path):
    """3 fresh starts, each opened by 10 sessions at once through deep links: every page in its frame, no error."""
    seeded_db, as_is, to_be = seeded
    links = [f"editor?journey={as_is}", f"review?journey={as_is}", f"scoring?journey={as_is}",
             f"ideas?journey={as_is}", f"surveys?journey={as_is}", f"compare?journey={to_be}",
             f"export?journey={as_is}", "portfolio", "editor?journey=no-such-journey&lang=de", ""]  # fmt: skip
    problems = []
    for start in range(COLD_STARTS):
        url, server = fresh_server(seeded_db, tmp_path / f"start-{start}")
        try:
            pages = open_all(browser, [f"{url}/{link}" for link in links])
            for link, page in zip(links, pages, strict=True):
                problems += [f"start {start}, /{link}: {found}" for found in failures(page)]
                heading = page.locator("h1").first.inner_text() if shows(page.locator("h1")) else ""
                name = link.split("?")[0]
                expected = TITLES.get(name) or {"portfolio": "Portfolio", "": "Customer journeys"}.get(name)
                if name == "editor" and "no-such" in link:
                    expected = "Editor"  # the picker, in German: the journey is not there
                if expected not in heading:
                    problems.append(f"start {start}, /{link}: heading {heading!r}, not {expected!r}")
                sidebar = page.get_by_test_id("stSidebarNav")
                if sidebar.count() and "app" in sidebar.inner_text().lower().split():
                    problems.append(f"start {start}, /{link}: Streamlit's own page list, not the frame's")
            pages[0].context.close()
        finally:
            stop_app(server)
    assert not problems, "\n".join(problems)


def test_sign_in_holds_from_the_first_request(browser: Browser, seeded, tmp_path):
    """With sign-in configured and nobody signed in, 12 deep links at once after each of 2 restarts: login only."""
    seeded_db, as_is, to_be = seeded
    secrets = tmp_path / "secrets.toml"
    lines = ["[auth]", *(f'{key} = "{value}"' for key, value in AUTH.items()),
             "[access]", 'admins = ["ada@example.org"]', 'default_role = "none"']  # fmt: skip
    secrets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    links = [f"{name}?journey={as_is}" for name in TITLES] + ["portfolio", "", f"compare?journey={to_be}",
                                                               f"review?journey={as_is}&lang=de"]  # fmt: skip
    problems = []
    for start in range(SIGNED_STARTS):
        url, server = fresh_server(seeded_db, tmp_path / f"start-{start}", f"--secrets.files={secrets}")
        try:
            pages = open_all(browser, [f"{url}/{link}" for link in links])
            for link, page in zip(links, pages, strict=True):
                problems += [f"start {start}, /{link}: {found}" for found in failures(page)]
                if not shows(page.get_by_role("button", name="Anmelden" if "lang=de" in link else "Sign in")):
                    problems.append(
                        f"start {start}, /{link}: no login button ({page.locator('body').inner_text()[:200]!r})"
                    )
                text = page.locator("body").inner_text()
                shown = [word for word in ("Broadband", "E-bike", "hotline", "Petra", "Weakness") if word in text]
                if shown or page.get_by_test_id("stDataFrame").count() or page.get_by_test_id("stPlotlyChart").count():
                    problems.append(f"start {start}, /{link}: journey data on the login screen ({shown})")
            pages[0].context.close()
        finally:
            stop_app(server)
    assert not problems, "\n".join(problems)
