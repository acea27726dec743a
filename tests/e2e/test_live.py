"""Two people in one journey, in two real browsers: each sees the other, a save is told within 5 s and brought in
without retyping, and a clash over one field is settled by choosing "mine"."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

import store
from journeys.demo import broadband_demo
from tests.e2e.conftest import settled, start_app, stop_app, wait_for_app
from tests.e2e.test_editor import edit_cell, table

pytestmark = pytest.mark.e2e

BROADBAND = broadband_demo().graph["name"]
PORTAL = "Tariff comparison portal"  # row 0 of the touchpoint table
HOTLINE = "Call the hotline"  # row 8


@pytest.fixture
def live_app(tmp_path) -> tuple[str, str, str]:
    """An app of its own for each test (both start from version 1), its URL, database URL and broadband journey."""
    db_url = f"sqlite:///{tmp_path}/e2e.db"
    engine = store.make_engine(db_url)
    try:
        store.migrate(engine)
        with Session(engine) as session:
            store.seed_demo_journeys(session=session)
            journey_id = next(j.id for j in store.list_journeys(session=session) if j.name == BROADBAND)
    finally:
        engine.dispose()
    url, server = start_app(tmp_path)
    yield url, db_url, journey_id
    stop_app(server)


def open_as(page: Page, url: str, journey_id: str, name: str) -> None:
    page.goto(f"{url}/editor?journey={journey_id}")
    expect(page.get_by_role("heading", name=BROADBAND)).to_be_visible()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your name").press("Enter")
    expect(page.get_by_role("button", name=f"Save as {name}")).to_be_visible()
    expect(table(page, PORTAL)).to_be_visible()
    settled(page)


def save(page: Page, version: int) -> None:
    wait_for_app(page)
    page.get_by_role("button", name=re.compile("^Save as")).click()
    expect(page.get_by_text(f"Saved · version {version}")).to_be_visible(timeout=60_000)


def stored(db_url: str, journey_id: str):
    engine = store.make_engine(db_url)
    try:
        with Session(engine) as session:
            return store.load_journey(session=session, journey_id=journey_id)
    finally:
        engine.dispose()


@pytest.fixture
def second(browser: Browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def test_a_save_is_told_within_5_s_and_brought_in_without_retyping(page: Page, second: Page, live_app, screenshots):
    url, db_url, journey_id = live_app
    open_as(page, url, journey_id, "Anna Erste")
    open_as(second, url, journey_id, "Bernd Zweiter")
    expect(page.get_by_text("Bernd Zweiter · Editor")).to_be_visible(timeout=10_000)  # each sees the other
    expect(second.get_by_text("Anna Erste · Editor")).to_be_visible(timeout=10_000)

    edit_cell(second, table(second, HOTLINE), 8, 120, "Hotline with call-back")  # Bernd's own unsaved edit
    expect(second.get_by_text("Unsaved changes")).to_be_visible()
    wait_for_app(second)
    review = page.context.new_page()  # a manager's tab on the Review of the same journey
    review.goto(f"{url}/review?journey={journey_id}")
    chart = review.get_by_test_id("stPlotlyChart").first
    expect(chart).to_contain_text(PORTAL)
    settled(review)
    edit_cell(page, table(page, PORTAL), 0, 120, "Price portal")
    save(page, 2)
    saved_at = time.monotonic()

    notice = second.get_by_text(re.compile("Anna Erste saved version 2: changed touchpoint Price portal"))
    expect(notice).to_be_visible(timeout=5_000)  # without any click: the page asks on its own
    told_after = time.monotonic() - saved_at
    assert told_after < 5, told_after
    notice.scroll_into_view_if_needed()
    second.screenshot(path=str(screenshots / "live-notice.png"), full_page=False)
    expect(chart).to_contain_text("Price portal", timeout=10_000)  # Review redraws on its own
    expect(chart).not_to_contain_text(PORTAL)
    second.get_by_role("button", name="Bring their changes into my draft").click()
    expect(table(second, "Price portal")).to_be_visible()  # theirs in the draft
    expect(table(second, "Hotline with call-back")).to_be_visible()  # mine still there: nothing retyped
    save(second, 3)

    graph, version = stored(db_url, journey_id)
    assert version == 3
    assert (graph.nodes["comparison-portal"]["name"], graph.nodes["hotline"]["name"]) == (
        "Price portal", "Hotline with call-back"
    )  # fmt: skip


def test_a_clash_over_one_field_is_settled_by_choosing_mine(page: Page, second: Page, live_app, screenshots):
    url, db_url, journey_id = live_app
    open_as(page, url, journey_id, "Anna Erste")
    open_as(second, url, journey_id, "Bernd Zweiter")
    edit_cell(page, table(page, PORTAL), 0, 120, "Anna's portal")
    edit_cell(second, table(second, PORTAL), 0, 120, "Bernd's portal")
    edit_cell(second, table(second, HOTLINE), 8, 120, "Bernd's hotline")
    wait_for_app(second)
    save(page, 2)
    wait_for_app(second)
    second.get_by_role("button", name=re.compile("^Save as")).click()
    expect(second.get_by_text(re.compile("1 of your changes clash"))).to_be_visible(timeout=60_000)
    second.get_by_text("Mine: Bernd's portal").click()
    expect(second.get_by_role("button", name="Save with these choices")).to_be_enabled()
    second.screenshot(path=str(screenshots / "live-conflict.png"), full_page=False)
    second.get_by_role("button", name="Save with these choices").click()
    expect(second.get_by_text("Saved · version 3")).to_be_visible(timeout=60_000)

    graph, version = stored(db_url, journey_id)
    assert version == 3
    assert (graph.nodes["comparison-portal"]["name"], graph.nodes["hotline"]["name"]) == (
        "Bernd's portal", "Bernd's hotline"
    )  # fmt: skip


def test_the_portfolio_redraws_when_a_journey_changes(page: Page, live_app):
    """A manager's Portfolio shows a journey renamed elsewhere (here: by the store, as another process would)
    without a click."""
    url, db_url, journey_id = live_app
    page.goto(f"{url}/portfolio")
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart).to_contain_text("Broadband")
    settled(page)
    engine = store.make_engine(db_url)
    try:
        with Session(engine) as session:
            store.rename_journey(session=session, journey_id=journey_id, name="Fibre: the hotline", author="Olga")
    finally:
        engine.dispose()
    expect(chart).to_contain_text("Fibre: the hotline", timeout=15_000)  # the page asks every 6 s
    expect(chart).not_to_contain_text("Broadband")
