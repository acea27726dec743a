"""The design loop in a real browser, as a CX team walks it: an idea for a weak touchpoint, scored and
ranked; the to-be compared with the as-is; a customer survey imported to measure the touchpoints."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

import store
from journeys import i18n
from journeys.demo import broadband_demo, broadband_to_be
from journeys.io import survey_file
from store import surveys as stored_surveys
from tests.e2e.conftest import click_until, settled, start_app, stop_app, wait_for_app
from tests.survey_data import broadband_survey

pytestmark = pytest.mark.e2e

BROADBAND = broadband_demo().graph["name"]
TO_BE = broadband_to_be(broadband_demo()).graph["name"]
ROW = 35  # the height of a table row (and of the header) in pixels
IDEA = "Waiting time by SMS"  # short enough for one line on the matrix
QUEUE = "25 minutes in the queue"  # a pain point of the hotline


@pytest.fixture(scope="module")
def loop_app(tmp_path_factory) -> tuple[str, str]:
    """An app of its own (the idea and the survey made here stay out of the other browser tests):
    its URL and its database's URL."""
    data = tmp_path_factory.mktemp("e2e-design-loop")
    url, server = start_app(data)
    yield url, f"sqlite:///{data}/e2e.db"
    stop_app(server)


def demo_ids(url: str, db_url: str, page: Page) -> dict[str, str]:
    """The ids of the broadband journey and its to-be, once the first visit has seeded the demo."""
    page.goto(url)
    wait_for_app(page)
    listed = page.get_by_test_id("stDataFrame").locator("[role=gridcell]", has_text=re.compile(f"^{re.escape(TO_BE)}$"))
    expect(listed).to_have_count(1, timeout=60_000)  # the demo is stored: the library lists it
    engine = store.make_engine(db_url)
    try:
        with Session(engine) as session:
            journeys = store.list_journeys(session=session)
    finally:
        engine.dispose()
    return {
        "as_is": next(j.id for j in journeys if j.name == BROADBAND and j.state == "as-is"),
        "to_be": next(j.id for j in journeys if j.name == TO_BE),
    }


def latest_survey_date(db_url: str, journey_id: str):
    """The date of the journey's newest survey (the demo comes with some), or None."""
    engine = store.make_engine(db_url)
    try:
        with Session(engine) as session:
            surveys = stored_surveys.list_surveys(session=session, journey_id=journey_id)
    finally:
        engine.dispose()
    return max((s["surveyed_on"] for s in surveys), default=None)


def sign_in(page: Page, author: str = "Anna Workshop") -> None:
    page.get_by_label("Your name").fill(author)
    page.get_by_label("Your name").press("Enter")
    wait_for_app(page)


def radio(page: Page, group: str, option: str) -> Locator:
    """One option of a switch (a segmented control) such as View or Effort."""
    return page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option, exact=True)


def table_row(page: Page, text: str, grid: Locator | None = None) -> Locator:
    """The table row holding a cell ``text`` (the grid draws on a canvas; this is its accessible copy)."""
    cell = page.locator("[role=gridcell]", has_text=re.compile(f"^{re.escape(text)}$"))
    return (grid or page.get_by_test_id("stDataFrame")).locator("[role=row]", has=cell)


def choose(page: Page, label: str, option: str, *, tries: int = 3) -> None:
    """Pick ``option`` in the multiselect ``label``; a rerun that redraws the list while it is open
    (the text typed before has just been sent) closes it: open it again."""
    for attempt in range(tries):
        page.get_by_role("combobox", name=label).click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except PlaywrightError:
            if attempt == tries - 1:
                raise
            wait_for_app(page)
    page.keyboard.press("Escape")
    wait_for_app(page)


def enter_scores(page: Page, grid: Locator, row: int, scores: list[int]) -> None:
    """Type ``scores`` into the cells right of the name in data row ``row`` (0-based), one cell after the other."""
    for column, score in enumerate(scores, start=1):
        grid.click(position={"x": 40, "y": ROW * (row + 1) + ROW // 2})  # the name: not editable, only selected
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        editor = page.locator("#portal").locator("input, textarea").last
        expect(editor).to_be_visible()
        editor.fill(str(score))
        editor.press("Enter")
        wait_for_app(page)


def test_an_idea_for_a_weak_touchpoint_the_to_be_and_a_survey(page: Page, loop_app, tmp_path):
    """A workshop turns the hotline's queue into a scored idea, checks what the to-be changes, and imports a survey."""
    url, db_url = loop_app
    ids = demo_ids(url, db_url, page)

    # Ideas: the Review's "idea for this touchpoint" link opens a new idea for the hotline
    page.goto(f"{url}/ideas?journey={ids['as_is']}&touchpoint=hotline")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="New idea")).to_be_visible(timeout=30_000)
    touchpoints = page.get_by_test_id("stMultiSelect").filter(has_text="Touchpoints it addresses")
    expect(touchpoints).to_contain_text(re.compile(r"Call the hotline \(weakness \d\.\d\d\)"))
    sign_in(page)
    page.get_by_label("Title", exact=True).fill(IDEA)
    page.get_by_label("Owner").fill("Customer service")
    page.get_by_label("Description").fill("Callers learn the expected wait and get a text when an agent is free.")
    radio(page, "Effort", "2").click()
    expect(radio(page, "Effort", "2")).to_be_checked()
    wait_for_app(page)
    pains = page.get_by_test_id("stMultiSelect").filter(has_text="Pain points it addresses")
    choose(page, "Pain points it addresses", f"Call the hotline: {QUEUE}")
    expect(pains).to_contain_text(f"Call the hotline: {QUEUE}")
    expect(touchpoints).to_contain_text("Call the hotline")  # still chosen
    page.screenshot(path=str(tmp_path / "1-new-idea.png"), full_page=True)
    page.get_by_role("button", name="Create idea").click()
    created = page.get_by_test_id("stToast").filter(has_text=f"Idea “{IDEA}” created. Now score it.")
    expect(created).to_be_visible(timeout=15_000)

    # Score it as the current rater: the page has switched to scoring
    expect(radio(page, "View", "Score the ideas")).to_be_checked()
    mine = page.get_by_test_id("stDataFrame").filter(has_text="Comment")
    expect(mine.locator("[role=gridcell]", has_text=IDEA)).to_have_count(1)
    names = [row.strip() for row in mine.locator("[role=row]").all_text_contents()][1:]  # without the header
    row = next(i for i, text in enumerate(names) if text.startswith(IDEA))
    enter_scores(page, mine, row, [5, 4, 4])
    save = page.get_by_role("button", name="Save my scores (1 changed)")
    expect(save).to_be_enabled()
    page.screenshot(path=str(tmp_path / "2-score.png"), full_page=True)
    save.click()
    expect(page.get_by_test_id("stToast").filter(has_text="Saved your scores of 1 idea.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Scored by you: 1 of \d+"))).to_be_visible()
    consensus = page.get_by_test_id("stDataFrame").filter(has_text="Disagreement")
    cells = table_row(page, IDEA, consensus).locator("[role=gridcell]")
    expect(cells).to_have_text([IDEA, "5", "0", "4", "0", "4", "0", "1", ""])  # medians, spreads, one rater

    # Ranked with its quadrant, and on the value × effort matrix
    radio(page, "View", "Value × effort").click()
    wait_for_app(page)
    ranked = table_row(page, IDEA).first
    for shown in ("Open", "Customer service", "Call the hotline", "4.3", "Quick wins"):
        expect(ranked).to_contain_text(shown)
    matrix = page.get_by_test_id("stPlotlyChart").filter(has_text="Value and effort of the ideas")
    expect(matrix).to_be_visible()
    expect(matrix.locator(".textpoint", has_text=IDEA)).to_have_count(1)
    expect(matrix).to_contain_text("Quick wins")
    settled(page)
    page.screenshot(path=str(tmp_path / "3-ranked.png"), full_page=True)

    # Compare: the to-be against the as-is it was copied from
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Compare").click()
    wait_for_app(page)
    # the journey of the Ideas page is still open: Compare shows it as the to-be; choose the real to-be
    page.get_by_role("combobox", name="To-be").click()
    page.get_by_role("option", name=f"{TO_BE} (to-be)", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("combobox", name="As-is (compare with)")).to_have_value(f"{BROADBAND} (as-is)")
    total = page.get_by_test_id("stMetric").filter(has_text="Journey weakness (as-is → to-be)")
    expect(total).to_contain_text("→", timeout=30_000)
    before, after = (float(x) for x in re.search(r"([\d.]+) → ([\d.]+)", total.inner_text()).groups())
    assert after < before
    expect(total).to_contain_text(re.compile(r"-\d\.\d\d \(-\d+%\)"))  # a fall, in points and per cent
    expect(page.get_by_test_id("stMetric").filter(has_text="Touchpoints changed")).to_contain_text("3")
    page.screenshot(path=str(tmp_path / "4-compare.png"), full_page=True)
    radio(page, "View", "Changes").click()
    wait_for_app(page)
    changed = page.get_by_test_id("stDataFrame").first
    for name in ("Set up the router", "Call the hotline (call-back slot)", "Remote check of line and router"):
        expect(changed.locator("[role=gridcell]", has_text=re.compile(f"^{re.escape(name)}$")).first).to_be_attached()
    expect(table_row(page, "Waits for the call-back slot (2/5)")).to_contain_text(QUEUE)  # the hotline's pain points
    radio(page, "View", "Emotion curves").click()
    wait_for_app(page)
    emotions = page.get_by_test_id("stPlotlyChart").filter(has_text="Emotion curves, as-is and to-be")
    expect(emotions).to_contain_text(f"As-is: {BROADBAND}")
    expect(emotions).to_contain_text("To-be: To-be: call-back slot")
    expect(emotions.locator(".scatterlayer .trace")).to_have_count(4)  # two personas in each journey
    settled(page)
    page.screenshot(path=str(tmp_path / "5-emotions.png"), full_page=True)

    # Surveys: a pulse survey of the as-is, newer than the ones there, uploaded as a file
    newest = latest_survey_date(db_url, ids["as_is"])
    data = broadband_survey(n=40, seed=7, **({"start": newest + timedelta(days=7)} if newest else {}))
    page.goto(f"{url}/surveys?journey={ids['as_is']}")
    wait_for_app(page)
    sign_in(page)
    radio(page, "Show", "Import a survey").click()
    wait_for_app(page)
    uploader = page.get_by_test_id("stFileUploader")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "hotline-pulse.csv", "mimeType": "text/csv", "buffer": data}
    )
    expect(uploader).to_contain_text("hotline-pulse.csv")
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("No bad rows. Responses to import: 40.")
    page.screenshot(path=str(tmp_path / "6-survey-check.png"), full_page=True)
    import_button = page.get_by_test_id("stBaseButton-primary").filter(has_text="Import")
    success = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Imported")
    click_until(page, import_button, success, "Imported “hotline-pulse”: 40 responses; rows skipped: 0.")
    expect(table_row(page, "hotline-pulse")).to_contain_text("40")
    radio(page, "View", "Latest measurement").click()
    wait_for_app(page)
    measured = page.get_by_test_id("stDataFrame").filter(has_text="Measured (1–5)")
    hotline = table_row(page, "Call the hotline", measured)
    expect(hotline).to_contain_text(re.compile(r"\d\.\d\d \(CSAT"))  # its mean on the survey's scale
    expect(hotline).to_contain_text(i18n.date(survey_file.latest_date(survey_file.read_csv(data)), "en"))  # this survey
    page.screenshot(path=str(tmp_path / "7-survey-result.png"), full_page=True)
