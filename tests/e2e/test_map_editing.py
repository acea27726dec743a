"""Building a journey on the map alone, in a real browser: add, connect, branch, loop, back stage, undo, reload and
continue, save."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

import store
from journeys.model.graph import new_journey
from tests.e2e.conftest import box_of, centre, settled, start_app, stop_app, wait_for_app

pytestmark = pytest.mark.e2e

STAGES = [{"id": "aware", "name": "Awareness"}, {"id": "buy", "name": "Purchase"}, {"id": "help", "name": "Support"}]
PERSONAS = [{"id": "petra", "name": "Petra"}, {"id": "jonas", "name": "Jonas"}]


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    """An app whose database holds one journey with three stages, two personas and no touchpoint yet."""
    data = tmp_path_factory.mktemp("map-editing")
    engine = store.make_engine(f"sqlite:///{data}/e2e.db")
    store.migrate(engine)
    with Session(engine) as session:
        jid = store.create_journey(
            session=session, graph=new_journey("Mobile contract", stages=STAGES, personas=PERSONAS), author="Test"
        )
    engine.dispose()
    url, server = start_app(data)
    yield url, jid, f"sqlite:///{data}/e2e.db"
    stop_app(server)


class Actions:
    """The user's actions, counted: a click, a drag, typing a text, a key."""

    def __init__(self, page: Page):
        self.page, self.count = page, 0

    def click(self, x: float, y: float) -> None:
        self.count += 1
        self.page.mouse.click(x, y)

    def type(self, text: str) -> None:
        self.count += 1
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        self.count += 1
        mouse = self.page.mouse
        mouse.move(*start)
        mouse.down()
        mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=4)
        mouse.move(*end, steps=4)
        mouse.up()


def canvas(page: Page) -> Locator:
    return page.locator(".journey-canvas svg")


def touchpoint(page: Page, name: str) -> Locator:
    return page.locator(f"g.touchpoint[aria-label*={json.dumps(name)}]")


def spot(page: Page, stage: str, *, back: bool = False, across: float = 0.5) -> tuple[float, float]:
    """A free place in a stage's column: above the line of visibility (front stage) or below it."""
    column = box_of(page.locator(f"rect.column[data-stage='{stage}']"))
    line = box_of(page.locator("line.visibility"))["y"]
    top = box_of(page.locator("rect.column").first)["y"]
    y = line + 45 if back else top + (line - top) * 0.25
    return column["x"] + column["width"] * across, y


def add(actions: Actions, page: Page, stage: str, name: str, **where) -> Locator:
    actions.click(*spot(page, stage, **where))
    expect(page.locator("input.journey-canvas-input")).to_be_focused()
    actions.type(name)
    actions.press("Enter")
    found = touchpoint(page, name)
    expect(found).to_have_count(1)
    return found


def connect(actions: Actions, page: Page, source: str, target: str) -> None:
    handle = touchpoint(page, source).locator("circle.handle")
    actions.drag(centre(handle), centre(touchpoint(page, target).locator(".marker")))
    arrow = page.locator(f"g.transition[aria-label*='{source} → {target}']")
    expect(arrow).to_have_count(1)


def set_share(actions: Actions, page: Page, source: str, target: str, percent: str) -> None:
    label = page.locator(f"g.transition[aria-label*='{source} → {target}'] g.share")
    actions.click(*centre(label))
    expect(page.locator("input.journey-canvas-input")).to_be_focused()
    actions.type(percent)
    actions.press("Enter")
    expect(page.locator(f"g.transition[aria-label*='{source} → {target} · {percent}']")).to_have_count(1)


def saved(url: str, jid: str):
    engine = store.make_engine(url)
    with Session(engine) as session:
        graph, version = store.load_journey(session=session, journey_id=jid)
    engine.dispose()
    return graph, version


def open_editor(page: Page, url: str, jid: str, name: str = "Mobile contract") -> None:
    page.set_viewport_size({"width": 1600, "height": 1100})
    page.goto(f"{url}/editor?journey={jid}")
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=60_000)  # a cold start
    expect(canvas(page)).to_be_visible()
    page.get_by_label("Your name").fill("Workshop")
    page.get_by_label("Your name").press("Enter")
    wait_for_app(page)


def test_map_editing_builds_a_branching_journey_with_a_loop_and_a_back_stage(page: Page, blank, screenshots):
    url, jid, db = blank
    open_editor(page, url, jid)
    actions = Actions(page)
    add(actions, page, "aware", "See an advert")
    assert actions.count == 3  # click, type, Enter

    before = actions.count
    add(actions, page, "buy", "Compare tariffs online", across=0.3)
    connect(actions, page, "See an advert", "Compare tariffs online")
    assert actions.count - before <= 4, "adding a touchpoint and connecting it takes at most 4 actions"

    add(actions, page, "buy", "Ask in the shop", across=0.7)
    connect(actions, page, "See an advert", "Ask in the shop")
    set_share(actions, page, "See an advert", "Compare tariffs online", "70")
    set_share(actions, page, "See an advert", "Ask in the shop", "30")
    add(actions, page, "help", "Call the hotline")
    connect(actions, page, "Compare tariffs online", "Call the hotline")
    connect(actions, page, "Ask in the shop", "Call the hotline")
    connect(actions, page, "Call the hotline", "Compare tariffs online")  # the loop back
    add(actions, page, "help", "Check the line", back=True)
    connect(actions, page, "Call the hotline", "Check the line")
    expect(page.locator("g.transition.loop")).to_have_count(1)

    # rename in place, then undo and redo it with the keyboard
    page.mouse.dblclick(*centre(touchpoint(page, "Check the line").locator(".marker")))
    field = page.locator("input.journey-canvas-input")
    expect(field).to_have_value("Check the line")
    field.fill("Measure the line remotely")
    field.press("Enter")
    expect(touchpoint(page, "Measure the line remotely")).to_have_count(1)
    touchpoint(page, "Measure the line remotely").focus()
    page.keyboard.press("Control+z")
    expect(touchpoint(page, "Check the line")).to_have_count(1)
    page.keyboard.press("Control+y")
    expect(touchpoint(page, "Measure the line remotely")).to_have_count(1)

    settled(page)
    page.mouse.move(0, 0)
    canvas(page).screenshot(path=str(screenshots / "map-editor.png"))

    # a reload (or a crashed browser) loses nothing: the draft is offered, continued, and saved
    page.reload()
    expect(page.get_by_role("heading", name="Mobile contract")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name=re.compile(r"Continue your unsaved changes from .+ \(based on version 1\)")).click()
    expect(touchpoint(page, "Measure the line remotely")).to_have_count(1)
    expect(page.locator("g.transition")).to_have_count(6)
    wait_for_app(page)
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Saved · version 2")).to_be_visible()

    G, version = saved(db, jid)
    names = {d["name"]: k for k, d in G.nodes(data=True)}
    assert version == 2
    assert set(names) == {"See an advert", "Compare tariffs online", "Ask in the shop", "Call the hotline",
                          "Measure the line remotely"}  # fmt: skip
    assert {G.nodes[k]["stage"] for k in names.values()} == {"aware", "buy", "help"}
    assert G.nodes[names["Measure the line remotely"]]["backstage"] is True
    assert G.nodes[names["Call the hotline"]]["backstage"] is False
    shares = {(G.nodes[u]["name"], G.nodes[v]["name"]): d["share"] for u, v, d in G.edges(data=True)}
    assert shares[("See an advert", "Compare tariffs online")] == pytest.approx(0.7)
    assert shares[("See an advert", "Ask in the shop")] == pytest.approx(0.3)
    assert ("Call the hotline", "Compare tariffs online") in shares
    assert G.number_of_edges() == 6


def test_map_editing_moves_and_deletes_several_touchpoints(page: Page, blank):
    url, jid, db = blank
    open_editor(page, url, jid)
    hotline = touchpoint(page, "Call the hotline")
    expect(hotline).to_have_count(1)
    # drag the hotline into the Purchase stage
    start = centre(hotline.locator(".marker"))
    page.mouse.move(*start)
    page.mouse.down()
    target = spot(page, "buy", across=0.95)
    page.mouse.move(target[0], start[1], steps=8)
    page.mouse.up()
    expect(page.locator("g.touchpoint[aria-label*='Call the hotline']")).to_have_count(1)
    expect(page.get_by_text("Unsaved")).to_be_visible()
    # shift-click two and delete them together
    page.mouse.click(*centre(touchpoint(page, "Ask in the shop").locator(".marker")))
    page.keyboard.down("Shift")
    page.mouse.click(*centre(touchpoint(page, "Measure the line remotely").locator(".marker")))
    page.keyboard.up("Shift")
    expect(page.locator("g.touchpoint.selected")).to_have_count(2)
    page.keyboard.press("Delete")
    expect(page.locator("g.touchpoint")).to_have_count(3)
    # Save right away, as a person does: the deletion, sent but perhaps not yet applied, is saved with it
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Saved · version 3")).to_be_visible(timeout=60_000)
    G, _ = saved(db, jid)
    names = {d["name"]: k for k, d in G.nodes(data=True)}
    assert set(names) == {"See an advert", "Compare tariffs online", "Call the hotline"}
    assert G.nodes[names["Call the hotline"]]["stage"] == "buy"
    assert all(names_ in names for names_ in ("See an advert",))
    assert G.number_of_edges() == 3  # advert → compare, compare → hotline, hotline → compare


def test_map_editing_shows_typed_names_as_text(page: Page, blank):
    url, jid, _ = blank
    open_editor(page, url, jid)
    page.evaluate("window.__pwned = 0")
    actions = Actions(page)
    hostile = '<img src=x onerror="window.__pwned=1">**bold**'
    add(actions, page, "aware", hostile)
    settled(page)
    assert page.evaluate("window.__pwned") == 0
    assert page.locator(".journey-canvas img").count() == 0
    label = touchpoint(page, hostile).locator("text.name")
    assert "<img" in label.text_content()


FREE_SPOT = """(map, n) => {
    // the n-th free place of a stage column (no touchpoint, label or arrow there), in the page's coordinates
    const root = map.getRootNode();  // the map's shadow root: elementFromPoint sees into it
    const document = root.elementFromPoint ? root : window.document;
    const svg = map.getBoundingClientRect();
    const free = [];
    for (let y = svg.top + 80; y < svg.bottom - 20; y += 37)
        for (let x = svg.left + 50; x < svg.right - 20; x += 41) {
            const hit = document.elementFromPoint(x, y);
            const near = [[-22, 0], [22, 0], [0, -22], [0, 22]].every(([dx, dy]) => {
                const other = document.elementFromPoint(x + dx, y + dy);
                return other && other.matches('rect.column');
            });
            if (hit && hit.matches('rect.column') && near) free.push([x, y]);
        }
    return free[(n * 7) % free.length];
}"""


def free_spot(page: Page, n: int) -> tuple[float, float]:
    """The n-th free place on the map, asked again while the map is being drawn (it has none then)."""
    for _ in range(200):
        if (found := canvas(page).first.evaluate(FREE_SPOT, n)) is not None:
            return found
        page.wait_for_timeout(50)
    raise AssertionError("the map shows no free place")


def test_the_map_stays_the_same_element_while_a_blank_journey_fills(page: Page, blank):
    """The map is not mounted anew when what stands above it changes (the hint for a blank journey goes, the
    unsaved line comes): a map mounted anew starts without the edits still on their way, which are then lost."""
    url, _, db = blank
    engine = store.make_engine(db)
    with Session(engine) as session:
        jid = store.create_journey(
            session=session, graph=new_journey("Prepaid top-up", stages=STAGES, personas=PERSONAS), author="Test"
        )
    engine.dispose()
    open_editor(page, url, jid, "Prepaid top-up")
    expect(page.get_by_text("No touchpoints yet.", exact=False)).to_be_visible()
    settled(page)
    canvas(page).evaluate("svg => { svg.dataset.first = 'yes' }")
    names = ["See an advert", "Compare tariffs", "Top up in the app", "Get the receipt"]
    for i, name in enumerate(names):  # at a typing pace, without waiting for the app
        page.mouse.click(*free_spot(page, i))
        expect(page.locator("input.journey-canvas-input")).to_be_focused()
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
    for name in names:
        expect(touchpoint(page, name)).to_have_count(1)
    settled(page)
    expect(canvas(page)).to_have_count(1)
    expect(canvas(page)).to_have_attribute("data-first", "yes")  # the map drawn first, never mounted anew


def test_rapid_edits_on_the_map_all_land(page: Page, blank):
    """Twenty touchpoints added 0.3 s apart, without waiting for the app in between: all twenty are saved."""
    url, jid, db = blank
    open_editor(page, url, jid)
    before = page.locator("g.touchpoint").count()
    names = [f"Quick step {i:02d}" for i in range(20)]
    for i, name in enumerate(names):
        page.mouse.click(*free_spot(page, i))
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
    expect(page.locator("g.touchpoint")).to_have_count(before + 20, timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Saved · version")).to_be_visible()
    G, _ = saved(db, jid)
    assert set(names) <= {d["name"] for _, d in G.nodes(data=True)}
