"""The managers' pages in a real browser: a journey's review and the portfolio."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import settled, start_app, stop_app, wait_for_app

pytestmark = pytest.mark.e2e

BROADBAND = "Broadband: router set-up and the hotline"


def open_page(page: Page, app_url: str, title: str) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    wait_for_app(page)


def test_review_of_the_demo_journey_shows_the_heatmap(page: Page, app_url: str, screenshots: Path):
    """A manager opens Review, picks the broadband demo and sees the heatmap with the weak router set-up."""
    open_page(page, app_url, "Review")
    page.get_by_test_id("stSelectbox").filter(has_text="Journey").click()
    page.get_by_role("option", name=BROADBAND, exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart).to_be_visible()
    expect(chart.locator(".main-svg").first).to_be_attached()
    expect(chart).to_contain_text("Set up the router")
    expect(page.get_by_test_id("stMetric").filter(has_text="Weakest touchpoint")).to_contain_text("Set up the router")
    assert "journey=" in page.url
    settled(page)
    page.screenshot(path=str(screenshots / "review.png"), full_page=False)


def test_portfolio_ranks_touchpoints_across_journeys(page: Page, app_url: str, screenshots: Path):
    """The portfolio shows every journey in the heatmap and the weakest touchpoints below it."""
    open_page(page, app_url, "Portfolio")
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart).to_contain_text("E-bike")
    expect(chart).to_contain_text("Broadband")
    expect(page.get_by_text("The weakest touchpoints of all journeys")).to_be_visible()
    settled(page)
    page.screenshot(path=str(screenshots / "portfolio.png"), full_page=False)


def test_a_click_on_a_portfolio_cell_opens_that_journeys_review(page: Page, app_url: str):
    """The page says a click on a cell opens the journey's review: it does, for the journey of the row clicked."""
    open_page(page, app_url, "Portfolio")
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart).to_contain_text("E-bike")
    cells = chart.locator("g.trace.scatter path.point")  # the markers laid over the heatmap's cells
    expect(cells.first).to_be_attached()
    rows = chart.locator("g.ytick text")
    names = [rows.nth(i).text_content() for i in range(rows.count())]
    y_of = {name: rows.nth(i).bounding_box()["y"] for i, name in enumerate(names)}
    ebike = next(name for name in names if name.startswith("E-bike"))
    target = min(
        (cells.nth(i).bounding_box() for i in range(cells.count())),
        key=lambda box: abs(box["y"] + box["height"] / 2 - y_of[ebike]),
    )  # a cell in the E-bike row
    page.mouse.click(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_contain_text(f"Where {ebike} is weak")  # the row clicked
    assert "/review" in page.url and "journey=" in page.url


def test_a_deep_link_as_the_first_request_gets_the_whole_app(page: Page, tmp_path):
    """Right after a start, opening /review?lang=de directly shows the page inside the app's frame, in German."""
    url, server = start_app(tmp_path)
    try:
        page.goto(f"{url}/review?lang=de")
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Auswertung")).to_be_visible()
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name="Portfolio")).to_be_visible()
        expect(nav.get_by_role("link", name="deps")).to_have_count(0)
    finally:
        stop_app(server)


def test_weights_stay_when_their_panel_is_closed_and_after_another_page(page: Page, app_url: str):
    """A manager sets a weight, closes the weights, visits the Portfolio and comes back: the weight is kept."""
    open_page(page, app_url, "Review")
    page.get_by_test_id("stSelectbox").filter(has_text="Journey").click()
    page.get_by_role("option", name=BROADBAND, exact=True).click()
    wait_for_app(page)
    weights = page.get_by_test_id("stExpander").filter(has_text="Weights of the weakness index")
    expect(weights.get_by_role("slider")).to_have_count(0)  # closed: the sliders are not drawn
    weights.get_by_text("Weights of the weakness index").click()
    wait_for_app(page)
    dvf = weights.get_by_role("slider", name="Low DVF scores")
    expect(dvf).to_have_value("0.3")
    dvf.focus()
    page.keyboard.press("End")  # DVF scores count fully
    wait_for_app(page)
    expect(dvf).to_have_value("1")
    weights.get_by_text("Weights of the weakness index").click()
    wait_for_app(page)
    expect(weights.get_by_role("slider")).to_have_count(0)
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Portfolio").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    nav.get_by_role("link", name="Review").click()
    wait_for_app(page)
    weights = page.get_by_test_id("stExpander").filter(has_text="Weights of the weakness index")
    weights.get_by_text("Weights of the weakness index").click()
    wait_for_app(page)
    expect(weights.get_by_role("slider", name="Low DVF scores")).to_have_value("1")
