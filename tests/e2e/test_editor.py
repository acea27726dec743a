"""The editor in a real browser: a workshop adds a touchpoint and a transition and saves them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import centre, settled

pytestmark = pytest.mark.e2e

ROW = 35  # the height of a table row (and of the header) in pixels


def table(page: Page, containing: str) -> Locator:
    """The table (a canvas grid) whose cells include ``containing``; its hidden cell text is searchable."""
    return page.get_by_test_id("stDataFrame").filter(has_text=containing)


def edit_cell(page: Page, grid: Locator, row: int, x: int, text: str) -> None:
    """Open the cell of data row ``row`` (0-based) at ``x`` pixels, type ``text`` and press Enter."""
    grid.dblclick(position={"x": x, "y": ROW * (row + 1) + ROW // 2})
    editor = page.locator("#portal").locator("textarea.gdg-input, input[role=combobox]").last
    expect(editor).to_be_visible()
    editor.fill(text)
    if editor.get_attribute("role") == "combobox":  # a choice: pick the option that matches what was typed
        expect(page.locator("#portal").get_by_text(text, exact=True).last).to_be_visible()
    editor.press("Enter")


def add_row(grid: Locator) -> None:
    grid.scroll_into_view_if_needed()
    grid.hover()
    grid.get_by_role("button", name="Add row").click()


def section(page: Page, name: str) -> None:
    """Choose a section (Touchpoints, Transitions, ...) below the map."""
    page.get_by_role("radio", name=name, exact=True).click()


def test_workshop_adds_a_touchpoint_and_a_transition_and_saves(page: Page, app_url: str):
    """Name yourself, start a journey from a template, add a touchpoint and connect it, save, reload: it is still there."""
    page.goto(app_url)
    page.get_by_label("Your name").fill("Erika Workshop")
    page.get_by_label("Your name").press("Enter")
    page.get_by_role("radio", name=re.compile("New journey")).click()
    page.get_by_label("Name", exact=True).fill("E-bike workshop")
    page.get_by_label("Start from").click()
    page.get_by_role("option", name="Demo: buying an e-bike").click()
    page.get_by_role("button", name="Create and open").click()

    expect(page.get_by_role("heading", name="E-bike workshop")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Saved · version 1")).to_be_visible()
    touchpoints = table(page, "Social media ad")
    rows = 11
    add_row(touchpoints)
    edit_cell(page, touchpoints, rows, 120, "Chat with support")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    expect(table(page, "Chat with support")).to_be_visible()

    section(page, "Transitions")
    transitions = table(page, "books a test ride")
    add_row(transitions)
    edit_cell(page, transitions, 13, 120, "Daily rides")
    edit_cell(page, transitions, 13, 330, "Chat with support")
    expect(page.get_by_text("added transition Daily rides → Chat with support")).to_be_visible()
    expect(page.get_by_text(re.compile(r"problems? to fix before saving"))).to_have_count(0)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved · version 2")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="E-bike workshop")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Saved · version 2")).to_be_visible()
    expect(table(page, "Chat with support")).to_be_visible()
    section(page, "Transitions")
    expect(table(page, "books a test ride").filter(has_text="chat-with-support")).to_be_visible()  # cells hold keys
    section(page, "History")
    expect(table(page, "Erika Workshop").filter(has_text="added touchpoint Chat with support")).to_be_visible()


def test_clicking_the_map_opens_a_touchpoint_and_screenshots(page: Page, app_url: str, screenshots: Path):
    """A click on the hotline's marker opens it in the detail panel; screenshots of the editor are taken."""
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(app_url)  # the Journeys page first, as a user arrives
    expect(table(page, "Broadband: router set-up and the hotline")).to_be_visible(timeout=30_000)  # a cold start
    page.goto(f"{app_url}/editor")
    page.get_by_label("Journey", exact=True).click()
    page.get_by_role("option", name="Broadband: router set-up and the hotline").click()
    expect(page.get_by_role("heading", name="Broadband: router set-up and the hotline")).to_be_visible()
    marker = page.locator("g.touchpoint[aria-label*='Call the hotline'] .marker")
    page.mouse.click(*centre(marker))
    picker = page.get_by_role("combobox", name="Touchpoint")
    expect(picker).to_have_value("Call the hotline")
    expect(table(page, "Agent says the line is fine and ends the call")).to_be_visible()
    page.mouse.move(0, 0)  # no hover label or chart toolbar in the picture
    settled(page)
    page.screenshot(path=str(screenshots / "editor.png"))
    picker.scroll_into_view_if_needed()
    page.mouse.wheel(0, -150)  # keep the bottom of the map in view above the details
    settled(page)
    page.screenshot(path=str(screenshots / "editor-details.png"))


def test_a_touchpoint_chosen_in_the_panel_is_the_one_chosen_on_the_map(page: Page, app_url: str):
    """The detail panel's choice of touchpoint moves the map's selection too, also back to one chosen before."""
    page.goto(f"{app_url}/editor")
    page.get_by_label("Journey", exact=True).click()
    page.get_by_role("option", name="Broadband: router set-up and the hotline").click()
    expect(page.get_by_role("heading", name="Broadband: router set-up and the hotline")).to_be_visible()
    chosen = page.locator(".journey-canvas g.touchpoint.selected")
    picker = page.get_by_role("combobox", name="Touchpoint")
    for name in ("Router delivered", "Call the hotline", "Router delivered"):
        settled(page)
        page.mouse.click(*centre(page.locator("g.touchpoint[aria-label*='Daily use at home'] .marker")))
        expect(picker).to_have_value("Daily use at home")
        expect(chosen).to_have_attribute("aria-label", re.compile("Daily use at home"))
        settled(page)
        # in view, not at the window's lower edge (where others on the journey push it): a list opened there
        # closes again as the page scrolls to show it
        picker.evaluate("el => el.scrollIntoView({block: 'center'})")
        picker.click()
        page.get_by_role("option", name=name, exact=True).click()
        expect(picker).to_have_value(name)
        expect(chosen).to_have_count(1)
        expect(chosen).to_have_attribute("aria-label", re.compile(name))


OVERLAPS = """(map, names) => {
    // the texts ``names`` selects on a map (as [text, box]), and which of them lie over each other
    const boxes = [...map.querySelectorAll(names)].map(t => [t.textContent, t.getBoundingClientRect()])
        .filter(([text, box]) => text.trim() && box.width > 0 && !/^\\d+\\s?%$/.test(text.trim()));
    const over = [];
    for (const [i, [a, p]] of boxes.entries())
        for (const [b, q] of boxes.slice(i + 1))
            if (p.left < q.right - 2 && q.left < p.right - 2 && p.top < q.bottom - 2 && q.top < p.bottom - 2)
                over.push(a + ' / ' + b);
    return [boxes.length, over];
}"""


def test_on_a_narrow_screen_the_maps_scroll_instead_of_laying_names_over_each_other(page: Page, app_url: str):
    """At 1024 px with the sidebar open, the German stage names and the touchpoints' names each stay readable, on
    the map editor and on a saved version's map (History): the maps keep the width they need and scroll sideways."""
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"{app_url}/editor?lang=de")
    page.get_by_label("Journey", exact=True).click()
    page.get_by_role("option", name="Broadband: router set-up and the hotline").click()
    canvas = page.locator(".journey-canvas svg")
    expect(canvas.locator("text.stage-name").filter(has_text="Aufmerksamkeit")).to_have_count(1)
    settled(page)
    count, overlapping = canvas.evaluate(OVERLAPS, "text.name, text.stage-name")
    assert count >= 20  # stage names and touchpoints' names
    assert overlapping == []
    assert canvas.evaluate("svg => svg.getBoundingClientRect().width") > 1000

    page.get_by_role("radiogroup").get_by_role("radio", name="Verlauf").click()
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator("g.annotation").filter(has_text="Aufmerksamkeit")).to_have_count(1)
    settled(page)
    count, overlapping = chart.evaluate(OVERLAPS, "g.annotation")
    assert count > 20
    assert overlapping == []
    assert chart.evaluate("chart => chart.getBoundingClientRect().width") > 1000
