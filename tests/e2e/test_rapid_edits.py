"""Typing fast into the tables: eight edits (twenty under `make stress`), one every 0.3 s without waiting for the
page, are all saved."""

from __future__ import annotations

import re

import networkx as nx
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

import store
from journeys.model.graph import add_touchpoint, add_transition, new_journey
from store import analysis
from tests.e2e.conftest import start_app, stop_app, wait_for_app
from tests.stress import size

pytestmark = pytest.mark.e2e

ROW = 35  # the height of a table row (and of the header) in pixels
EDITS = size(8, 20)  # per table (make stress: 20)
TRIES = 6  # to reach a cell and open it, on a machine busy with other browsers
PAUSE = 300  # milliseconds from one edit to the next: a quick typist, quicker than the page reruns


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app on a database of its own, and an engine on that database to make journeys and read back saves."""
    data = tmp_path_factory.mktemp("rapid-db")
    engine = store.make_engine(f"sqlite:///{data}/e2e.db")
    store.migrate(engine)
    url, server = start_app(data)
    yield url, engine
    stop_app(server)
    engine.dispose()


def make_journey(engine, *, touchpoints=2, stages=1, personas=1, needs=0, pains=0) -> str:
    """Store a journey of ``touchpoints`` in a chain over ``stages``, with ``personas``, and ``needs`` and
    ``pains`` at the first touchpoint; return its id."""
    G = new_journey(
        "Rapid edits",
        stages=[{"id": f"s{i}", "name": f"Stage {i}"} for i in range(stages)],
        personas=[{"id": f"p{i}", "name": f"Persona {i}"} for i in range(personas)],
    )
    for i in range(touchpoints):
        add_touchpoint(
            G, f"t{i}", name=f"Touchpoint {i}", stage=f"s{i * stages // touchpoints}", entry=i == 0,
            exit=i == touchpoints - 1, needs=[{"text": f"Need {n}"} for n in range(needs if i == 0 else 0)],
            pains=[{"text": f"Pain {n}", "severity": 3} for n in range(pains if i == 0 else 0)],
        )  # fmt: skip
    for i in range(touchpoints - 1):
        add_transition(G, f"t{i}", f"t{i + 1}")
    with Session(engine) as session:
        return store.create_journey(session=session, graph=G, author="test")


def saved(engine, journey_id: str) -> tuple[nx.DiGraph, int]:
    with Session(engine) as session:
        return store.load_journey(session=session, journey_id=journey_id)


def open_page(page: Page, url: str, path: str, journey_id: str) -> None:
    """Open ``path`` on the journey with a name in the sidebar, as a user who is about to save."""
    page.goto(f"{url}/{path}?journey={journey_id}")
    page.get_by_label("Your name").fill("Rapid Typist")
    page.get_by_label("Your name").press("Enter")
    wait_for_app(page)


def table(page: Page, containing: str) -> Locator:
    """The table (a canvas grid) whose cells include ``containing``; its hidden cell text is searchable."""
    return page.get_by_test_id("stDataFrame").filter(has_text=containing)


def type_cell(page: Page, grid: Locator, row: int, column: int, text: str) -> None:
    """Select data row ``row`` (0-based) in the first column, move ``column`` cells right, open the cell, type
    ``text`` and press Tab, as quickly as a user would: nothing here waits for the page to run. (Tab, not
    Enter, leaves the selection beside the cell: a click on the selected cell would open it.)

    A user looks where the selection is before they type. Where a click or an arrow key was not taken (a table
    drawn a moment before, a page busy with its run), the selection is not on the cell they meant and they go
    there again (up to :data:`TRIES` times); where the read-only view of the name cell opened instead of the
    cell's editor, they close it first. Once the cell's editor is open, what is typed must land: a table replaced while the user types
    takes the typing with it, the cell's editor closes under the user's hands and the edit is gone, which the
    test's last check finds.
    """
    editor = page.locator("#portal").locator("textarea.gdg-input, input").last
    chosen = grid.locator("td[aria-selected='true']")  # the grid's hidden cells say which one is selected
    first = None  # the number of the column the click selects (the first one shown)
    for attempt in range(TRIES):
        if attempt:
            page.keyboard.press("Escape")
        before = _cell(chosen)
        if first is None or before != (first, row):  # a click on the selected cell would open it
            grid.click(position={"x": 120, "y": ROW * (row + 1) + ROW // 2})
        try:
            expect(chosen).to_have_id(re.compile(rf"glide-cell-\d+-{row}$"), timeout=2_500)
            if first is None and before and before[1] == row:  # the click moves the selection within the row
                expect(chosen).not_to_have_id(f"glide-cell-{before[0]}-{row}", timeout=2_500)
            found = _cell(chosen)
            if found is None:  # the table was drawn anew between the check and the read: look again
                continue
            first = found[0] if first is None else first
            for _ in range(column):
                page.keyboard.press("ArrowRight")
            expect(chosen).to_have_id(f"glide-cell-{first + column}-{row}", timeout=2_500)
            page.keyboard.press("Enter")
            expect(editor).to_be_editable(timeout=2_500)
            break
        except AssertionError:
            continue
    else:  # not the app losing an edit: the test could not get to the cell, so say so instead of a missing value
        raise AssertionError(f"the cell of row {row}, column {column} did not open for typing in {TRIES} tries")
    try:
        editor.fill(text, timeout=5_000)
        editor.press("Tab", timeout=5_000)
    except (AssertionError, PlaywrightError):
        pass


def _cell(chosen: Locator) -> tuple[int, int] | None:
    """The (column, row) of the selected cell, None while none is."""
    try:
        found = re.fullmatch(r"glide-cell-(\d+)-(\d+)", chosen.get_attribute("id", timeout=500) or "")
    except PlaywrightError:
        return None
    return (int(found[1]), int(found[2])) if found else None


def rapid(page: Page, grid: Locator, column: int, values: list[str], *, first_row: int = 0) -> None:
    """Type ``values`` into ``column`` of consecutive rows, one every :data:`PAUSE` milliseconds."""
    for row, value in enumerate(values, start=first_row):
        type_cell(page, grid, row, column, value)
        page.wait_for_timeout(PAUSE)


def save(page: Page) -> None:
    """Once the page ran, save, and see it saved."""
    wait_for_app(page)
    page.get_by_role("button", name=re.compile("^Save as")).click()
    expect(page.get_by_text("Saved · version 2")).to_be_visible(timeout=60_000)


def section(page: Page, name: str) -> None:
    page.get_by_role("radio", name=name, exact=True).click()


def test_rapid_edits_of_touchpoint_owners_are_all_saved(page: Page, served):
    """Owners typed into one row after another of the touchpoint table are all in the saved journey."""
    url, engine = served
    journey_id = make_journey(engine, touchpoints=EDITS, stages=2)
    open_page(page, url, "editor", journey_id)
    grid = table(page, f"Touchpoint {EDITS - 1}")
    values = [f"Team {i}" for i in range(EDITS)]
    rapid(page, grid, 3, values)  # touchpoint, stage, channel, owner
    save(page)
    G, _ = saved(engine, journey_id)
    assert [G.nodes[f"t{i}"]["owner"] for i in range(EDITS)] == values


def test_rapid_edits_of_transition_labels_are_all_saved(page: Page, served):
    """The labels typed into the transition table are all in the saved journey."""
    url, engine = served
    journey_id = make_journey(engine, touchpoints=EDITS + 1, stages=2)
    open_page(page, url, "editor", journey_id)
    section(page, "Transitions")
    grid = table(page, f"t{EDITS - 1}")  # the table's cells hold the touchpoints' keys
    values = [f"goes on {i}" for i in range(EDITS)]
    rapid(page, grid, 2, values)  # from, to, label
    save(page)
    G, _ = saved(engine, journey_id)
    assert [G.edges[f"t{i}", f"t{i + 1}"]["label"] for i in range(EDITS)] == values


def test_rapid_edits_of_stage_names_are_all_saved(page: Page, served):
    """The stages renamed one after the other are all renamed in the saved journey."""
    url, engine = served
    journey_id = make_journey(engine, touchpoints=2, stages=EDITS)
    open_page(page, url, "editor", journey_id)
    section(page, "Stages")
    grid = table(page, f"Stage {EDITS - 1}")
    values = [f"Phase {i}" for i in range(EDITS)]
    rapid(page, grid, 0, values)
    save(page)
    G, _ = saved(engine, journey_id)
    assert [s["name"] for s in G.graph["stages"]] == values


def test_rapid_edits_of_persona_quotes_are_all_saved(page: Page, served):
    """The quotes typed into the persona table are all in the saved journey."""
    url, engine = served
    journey_id = make_journey(engine, touchpoints=2, personas=EDITS)
    open_page(page, url, "editor", journey_id)
    section(page, "Personas")
    grid = table(page, f"Persona {EDITS - 1}").filter(has_text="Quote")  # the detail panel's emotions list them too
    values = [f"I said {i}" for i in range(EDITS)]
    rapid(page, grid, 3, values)  # name, segment, goals, quote
    save(page)
    G, _ = saved(engine, journey_id)
    assert [p["quote"] for p in G.graph["personas"]] == values


def test_rapid_edits_of_a_touchpoints_needs_are_all_saved(page: Page, served):
    """The motivations typed into the detail panel's needs table are all in the saved journey."""
    url, engine = served
    journey_id = make_journey(engine, touchpoints=2, needs=EDITS)
    open_page(page, url, "editor", journey_id)
    grid = table(page, f"Need {EDITS - 1}")
    values = [f"Because {i}" for i in range(EDITS)]
    rapid(page, grid, 1, values)  # need, motivation
    save(page)
    G, _ = saved(engine, journey_id)
    assert [n["motivation"] for n in G.nodes["t0"]["needs"]] == values


def test_rapid_edits_of_a_touchpoints_pain_points_are_all_saved(page: Page, served):
    """The severities typed into the detail panel's pain point table are all in the saved journey."""
    url, engine = served
    journey_id = make_journey(engine, touchpoints=2, pains=EDITS)
    open_page(page, url, "editor", journey_id)
    grid = table(page, f"Pain {EDITS - 1}")
    values = [1 + i % 5 for i in range(EDITS)]
    rapid(page, grid, 1, [str(v) for v in values])  # pain point, severity
    save(page)
    G, _ = saved(engine, journey_id)
    assert [p["severity"] for p in G.nodes["t0"]["pains"]] == values


def test_rapid_edits_of_emotions_at_a_touchpoint_are_all_saved(page: Page, served):
    """The personas' emotions typed into the detail panel's emotion table are all in the saved journey."""
    url, engine = served
    journey_id = make_journey(engine, touchpoints=2, personas=EDITS)
    open_page(page, url, "editor", journey_id)
    grid = table(page, f"Persona {EDITS - 1}").filter(has_text="Emotion")  # not the touchpoint table's persona column
    values = [i % 5 - 2 for i in range(EDITS)]
    rapid(page, grid, 1, [str(v) for v in values])  # persona, emotion
    save(page)
    G, _ = saved(engine, journey_id)
    assert [G.nodes["t0"]["emotions"].get(f"p{i}") for i in range(EDITS)] == values


def test_rapid_edits_of_scores_in_two_stages_are_all_saved(page: Page, served):
    """Scores typed into two stages' tables, switching stage in between, are all saved with one click."""
    url, engine = served
    rows = EDITS // 4  # per stage, two scores a row
    journey_id = make_journey(engine, touchpoints=2 * rows, stages=2)
    open_page(page, url, "scoring", journey_id)
    typed = {}
    for stage, first in (("Stage 0", 0), ("Stage 1", rows)):
        page.get_by_role("radio", name=stage, exact=True).click()
        wait_for_app(page)  # the stage's table is there: a user starts typing once they see it
        grid = table(page, f"Touchpoint {first + rows - 1}").filter(has_text="Comment")  # not the consensus below
        for row in range(rows):
            for column, lens in ((1, "desirable"), (2, "viable")):  # touchpoint, desirable, viable
                score = 1 + (row + column) % 5
                type_cell(page, grid, row, column, str(score))
                typed[f"t{first + row}", lens] = score
                page.wait_for_timeout(PAUSE)
    assert len(typed) == EDITS
    wait_for_app(page)
    expect(page.get_by_role("button", name=re.compile("Save my scores"))).to_contain_text(f"({2 * rows} changed)")
    page.get_by_role("button", name=re.compile("Save my scores")).click()
    expect(page.get_by_text(f"Scored by you: {2 * rows} of {2 * rows}")).to_be_visible(timeout=60_000)
    with Session(engine) as session:
        ratings = analysis.list_ratings(session=session, journey_id=journey_id)
    assert {(r["touchpoint"], lens): r[lens] for r in ratings for lens in ("desirable", "viable")} == typed
