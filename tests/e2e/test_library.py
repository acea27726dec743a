"""The Journeys page in a real browser: the list, starting a journey, a broken import."""

import json
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from journeys.demo import broadband_demo, broadband_to_be
from journeys.io import interchange
from tests.e2e.conftest import click_until, wait_for_app

pytestmark = pytest.mark.e2e

BROADBAND = "Broadband: router set-up and the hotline"
EBIKE = "E-bike: from the first ad to the first service"
TO_BE = broadband_to_be(broadband_demo()).graph["name"]


def open_app(page: Page, app_url: str, *, author: str = "Anna Workshop") -> None:
    """Open the app and give the author name in the sidebar, as a workshop member does first."""
    page.goto(app_url)
    wait_for_app(page)
    name = page.get_by_label("Your name")
    name.fill(author)
    name.press("Enter")
    wait_for_app(page)


def exactly(name: str) -> re.Pattern:
    return re.compile(f"^{re.escape(name)}$")


def journey_cell(page: Page, name: str):
    """The table cell holding a journey's name (the grid draws on a canvas; this is its accessible copy)."""
    return page.get_by_test_id("stDataFrame").locator("[role=gridcell]", has_text=exactly(name))


def view_button(page: Page, name: str):
    """One option of the switch between the page's views (Journeys, New journey, Import, Trash)."""
    return page.get_by_role("radiogroup", name="Show").get_by_role("radio", name=name)


def journey_count(page: Page) -> int:
    """The number of journeys, as shown on the Journeys switch, e.g. "Journeys (2)"."""
    label = view_button(page, "Journeys").inner_text()
    return int(re.search(r"\((\d+)\)", label).group(1))


def test_demo_journeys_are_listed(page: Page, app_url: str):
    """On first start the Journeys page lists the demo journeys with their personas, the to-be with its source."""
    open_app(page, app_url)
    expect(page.get_by_role("heading", name="Customer journeys")).to_be_visible()
    expect(journey_cell(page, EBIKE)).to_have_count(1)
    expect(journey_cell(page, TO_BE)).to_have_count(1)
    expect(journey_cell(page, BROADBAND)).to_have_count(2)  # the as-is, and the source of its to-be
    personas = page.get_by_test_id("stDataFrame").locator("[role=gridcell]", has_text="Petra").first
    expect(personas).to_contain_text("Jonas")


def test_create_from_template_opens_it_and_lists_it(page: Page, app_url: str):
    """A journey started from the e-bike template opens in the editor and is then in the list."""
    name = f"E-bike to-be {uuid.uuid4().hex[:6]}"
    open_app(page, app_url)
    view_button(page, "New journey").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_test_id("stSelectbox").filter(has_text="Start from").click()
    page.get_by_role("option", name="Demo: buying an e-bike").click()
    page.get_by_role("radiogroup", name="State").get_by_role("radio", name="to-be").click()
    wait_for_app(page)
    page.get_by_role("button", name="Create and open").click()
    expect(page).to_have_url(re.compile(r"/editor\?.*journey=\w+"), timeout=30_000)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Journeys").click()
    expect(journey_cell(page, name)).to_have_count(1, timeout=30_000)
    row = page.get_by_test_id("stDataFrame").locator("[role=row]", has=page.locator("td", has_text=exactly(name)))
    expect(row).to_contain_text("to-be")
    expect(row).to_contain_text("Anna Workshop")


def test_broken_json_import_shows_every_problem(page: Page, app_url: str):
    """Uploading a broken journey file shows each problem and adds no journey."""
    doc = interchange.to_document(broadband_demo())
    doc["nodes"][0]["experience"] = 9
    doc["nodes"][2]["expectation"] = 0
    open_app(page, app_url)
    before = journey_count(page)
    view_button(page, "Import").click()
    uploader = page.get_by_test_id("stFileUploader")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "workshop.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}
    )
    expect(uploader).to_contain_text("workshop.json")
    wait_for_app(page)  # the upload reruns the page; click Import only when that run is over
    error = page.get_by_test_id("stAlertContentError")
    import_button = page.get_by_test_id("stBaseButton-primary").filter(has_text="Import")
    click_until(page, import_button, error, "“workshop.json” cannot be imported. Nothing was saved.")
    expect(error).to_contain_text("9 is greater than the maximum of 5")
    expect(error).to_contain_text("0 is less than the minimum of 1")
    assert journey_count(page) == before
