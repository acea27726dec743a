"""The Surveys page in a real browser: a CSV upload with a bad row, refused, then skipped and imported."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import click_until, start_app, stop_app, wait_for_app

pytestmark = pytest.mark.e2e

BROADBAND = "Broadband: router set-up and the hotline"
# German Excel: semicolons, a decimal comma, cp1252; row 3 has a hotline rating that is no number
SURVEY = "Weiterempfehlung (0-10);Call the hotline;Set up the router;Bemerkung\r\n9;5;4,5;schnell\r\n3;x;2;Warteschleife\r\n7;3;4;\r\n".encode(
    "cp1252"
)


@pytest.fixture(scope="module")
def survey_app(tmp_path_factory):
    """An app of its own, so that the survey imported here stays out of the other browser tests."""
    url, server = start_app(tmp_path_factory.mktemp("e2e-surveys"))
    yield url
    stop_app(server)


def test_upload_refuses_bad_rows_until_skipped_then_imports(page: Page, survey_app: str):
    """A real file upload: the bad row is named, Import is refused, and with Skip ticked the survey is stored."""
    page.goto(survey_app)
    wait_for_app(page)
    page.get_by_label("Your name").fill("Anna Workshop")
    page.get_by_label("Your name").press("Enter")
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Surveys").click()
    wait_for_app(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Journey").click()
    page.get_by_role("option", name=BROADBAND, exact=True).click()
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Show").get_by_role("radio", name="Import a survey").click()
    wait_for_app(page)

    uploader = page.get_by_test_id("stFileUploader")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "hotline-week-12.csv", "mimeType": "text/csv", "buffer": SURVEY}
    )
    expect(uploader).to_contain_text("hotline-week-12.csv")
    wait_for_app(page)
    errors = page.get_by_test_id("stAlertContentError")
    expect(errors).to_contain_text("Row 3, column “Call the hotline”: “x” is not a number")
    import_button = page.get_by_test_id("stBaseButton-primary").filter(has_text="Import")
    refused = errors.filter(has_text="Nothing was imported")
    click_until(page, import_button, refused, "Rows with bad values: 1 (rows 3)")

    page.get_by_text("Skip the bad rows (1) and import the rest").click()
    wait_for_app(page)
    success = page.get_by_test_id("stAlertContentSuccess")
    click_until(page, import_button, success, "Imported “hotline-week-12”: 2 responses; rows skipped: 1.")
    table = page.get_by_test_id("stDataFrame").first
    expect(table.locator("[role=gridcell]", has_text=re.compile("^hotline-week-12$"))).to_have_count(1)
