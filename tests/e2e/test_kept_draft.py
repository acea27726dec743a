"""What outlives a reload in a real browser: the unsaved draft, the name typed in the sidebar, the journey open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

import store
from journeys.demo import broadband_demo
from tests.e2e.conftest import settled, start_app, stop_app, wait_for_app
from tests.e2e.test_editor import edit_cell, table

pytestmark = pytest.mark.e2e

BROADBAND = broadband_demo().graph["name"]
PORTAL = "Tariff comparison portal"  # the first touchpoint of the broadband demo


@pytest.fixture(scope="module")
def kept_app(tmp_path_factory) -> tuple[str, str]:
    """An app of its own (the drafts left here stay out of the other browser tests), and its broadband journey's id."""
    data = tmp_path_factory.mktemp("e2e-kept")
    engine = store.make_engine(
        f"sqlite:///{data}/e2e.db"
    )  # the database the app opens, seeded as its first start would
    try:
        store.migrate(engine)
        with Session(engine) as session:
            store.seed_demo_journeys(session=session)
            journey_id = next(j.id for j in store.list_journeys(session=session) if j.name == BROADBAND)
    finally:
        engine.dispose()
    url, server = start_app(data)
    yield url, journey_id
    stop_app(server)


def name_yourself(page: Page, name: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your name").press("Enter")
    wait_for_app(page)


def test_an_unsaved_edit_is_offered_after_a_reload(page: Page, kept_app):
    """Rename a touchpoint without saving, reload: the Editor offers the change, and continuing brings it back."""
    url, journey_id = kept_app
    page.goto(f"{url}/editor?journey={journey_id}")
    expect(page.get_by_role("heading", name=BROADBAND)).to_be_visible()
    name_yourself(page, "Erika Kept")
    expect(table(page, PORTAL)).to_be_visible()
    settled(page)
    edit_cell(page, table(page, PORTAL), 0, 120, "Portal that was not saved")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    expect(table(page, "Portal that was not saved")).to_be_visible()
    wait_for_app(page)  # the page has taken the edit (the grid shows a typed cell at once, before the server has it)

    page.reload()
    expect(page.get_by_role("heading", name=BROADBAND)).to_be_visible()
    resume = page.get_by_role(
        "button", name=re.compile(r"Continue your unsaved changes from .+ \(based on version 1\)")
    )
    expect(resume).to_be_visible()
    expect(page.get_by_text("Saved · version 1")).to_be_visible()  # nothing taken over before the user chooses
    expect(table(page, PORTAL)).to_be_visible()
    settled(page)
    resume.click()
    expect(resume).to_have_count(0)
    wait_for_app(page)
    expect(page.locator(".stMarkdownBadge").filter(has_text="Unsaved changes")).to_be_visible()
    expect(table(page, "Portal that was not saved")).to_be_visible()


def test_your_name_survives_a_reload_and_a_new_tab(page: Page, kept_app):
    """The name typed in the sidebar is there again after a reload, in a new tab, and with the cookies cleared."""
    url, journey_id = kept_app
    page.goto(f"{url}/editor?journey={journey_id}")
    expect(page.get_by_role("heading", name=BROADBAND)).to_be_visible()
    name_yourself(page, "Ümit Kept")
    expect(page.get_by_role("button", name="Save as Ümit Kept")).to_be_visible()  # the app has taken the name
    page.wait_for_function("() => document.cookie.includes('journey-workbench.author=')")  # and the browser keeps it
    page.reload()
    expect(page.get_by_label("Your name")).to_have_value("Ümit Kept")
    expect(page.get_by_role("button", name="Save as Ümit Kept")).to_be_visible()
    other = page.context.new_page()
    other.goto(f"{url}/scoring")
    expect(other.get_by_label("Your name")).to_have_value("Ümit Kept")
    other.close()
    page.context.clear_cookies()  # the page learns the name from the browser's storage then, a rerun later
    page.reload()
    expect(page.get_by_label("Your name")).to_have_value("Ümit Kept")


HEADINGS = {"Review": "Review", "Scoring": "Scoring", "Ideas": "Ideas", "Compare": "Compare as-is and to-be",
            "Export": "Export"}  # fmt: skip


def sidebar(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()


def journey_open(page: Page, journey_id: str, title: str) -> None:
    """The page ``title`` is about the journey: it names it, the URL holds it, and no picker asks for one."""
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=HEADINGS[title], exact=True)).to_be_visible()
    expect(main.get_by_text(BROADBAND).first).to_be_visible()
    expect(page.get_by_text("Choose a journey")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"journey={journey_id}"))


def editor_open(page: Page, journey_id: str) -> None:
    wait_for_app(page)
    expect(page.get_by_role("heading", name=BROADBAND)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/editor\?journey={journey_id}"))


def test_the_journey_opened_by_a_link_stays_open_on_every_page(page: Page, kept_app):
    """Editor → Review → Scoring → Ideas → Compare → Export → Editor through the sidebar keeps the linked journey."""
    url, journey_id = kept_app
    page.goto(f"{url}/editor?journey={journey_id}")
    editor_open(page, journey_id)
    for title in HEADINGS:
        sidebar(page, title)
        journey_open(page, journey_id, title)
    sidebar(page, "Editor")
    editor_open(page, journey_id)


def test_the_journey_chosen_in_a_picker_stays_open_on_every_page(page: Page, kept_app):
    """A journey chosen in the Review's picker is the one the Editor, Review and Scoring show next."""
    url, journey_id = kept_app
    page.goto(url)
    wait_for_app(page)
    sidebar(page, "Review")
    wait_for_app(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Journey").click()
    page.get_by_role("option", name=BROADBAND, exact=True).click()
    journey_open(page, journey_id, "Review")
    sidebar(page, "Editor")
    editor_open(page, journey_id)
    sidebar(page, "Review")
    journey_open(page, journey_id, "Review")
    sidebar(page, "Scoring")
    journey_open(page, journey_id, "Scoring")
