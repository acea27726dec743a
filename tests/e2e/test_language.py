"""A language switch keeps what the select boxes hold, shown in the new language (Streamlit keeps a select box's
value as its label, which the other language does not know)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_for_app
from tests.e2e.test_kept_draft import kept_app, name_yourself  # noqa: F401  the fixture: an app of this module's own

pytestmark = pytest.mark.e2e


def test_a_language_switch_keeps_the_chosen_discipline_in_the_new_words(page: Page, kept_app):  # noqa: F811
    """Sales chosen in English shows as Vertrieb in German and as Sales again in English; scores saved in between
    are saved as the sales discipline's."""
    url, journey_id = kept_app
    page.goto(f"{url}/scoring?journey={journey_id}")
    name_yourself(page, "Lena")
    box = page.get_by_role("combobox", name="Your discipline")
    box.click()
    page.get_by_role("option", name="Sales", exact=True).click()
    wait_for_app(page)
    expect(box).to_have_value("Sales")
    page.get_by_text("Deutsch", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("combobox", name="Ihre Disziplin")).to_have_value("Vertrieb")
    page.get_by_text("English", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("combobox", name="Your discipline")).to_have_value("Sales")
