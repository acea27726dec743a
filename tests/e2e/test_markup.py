"""Markdown, LaTeX, directives, icon and emoji codes and bare URLs in every name: shown as typed, on every page.

Streamlit renders Markdown in titles, captions, messages, widget labels, help texts,
page links and the options of segmented controls. A journey whose names are Markdown
images pointing at a local server, links, formulas, colour directives, icon and emoji
codes and bare URLs is opened on every page: no request may reach that server, no
element may be made of the names, and every name must read exactly as typed (no
markup, and no backslash of the escaping either).
"""

from __future__ import annotations

import re
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

import store
from journeys.demo import broadband_demo
from journeys.io import interchange, survey_file
from store import analysis
from store import ideas as store_ideas
from store import surveys as stored_surveys
from tests.e2e.conftest import settled, start_app, stop_app, wait_for_app
from tests.survey_data import make_responses, to_csv

pytestmark = pytest.mark.e2e

JOURNEY_ID = "markup000001"
IDEA_TITLE = "![seen](http://127.0.0.1:{port}/idea.png) $x^2$ :blue[idea]"
SURVEY_NAME = "![seen](http://127.0.0.1:{port}/survey.png) :material/home: survey"


class Tracker(BaseHTTPRequestHandler):
    """Counts every request: a name rendered as a Markdown image makes the browser fetch from here."""

    hits: ClassVar[list[str]] = []

    def do_GET(self):
        Tracker.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tracker():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Tracker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def payloads(port: int) -> list[str]:
    """Markup a name may hold, each of which Streamlit's Markdown would turn into something else."""
    return [
        f"![seen](http://127.0.0.1:{port}/image.png)",
        f"[click me](http://127.0.0.1:{port}/link)",
        f"http://127.0.0.1:{port}/bare",
        "www.example.org",
        "$x^2$",
        ":red[alarm]",
        ":material/home:",
        ":smile:",
        "**strong** _em_ ~strike~ `code`",
        "<b>bold</b>",
    ]


def markup_journey(port: int):
    """The broadband demo with a payload in every name: journey, stages, personas, touchpoints."""
    doc = interchange.to_document(broadband_demo())
    marks = payloads(port)
    cycle = (f"{marks[i % len(marks)]} #{i}" for i in range(10_000))
    doc["graph"].update(id=JOURNEY_ID, name=f"MD {marks[0]} {marks[4]} {marks[5]} {marks[6]} {marks[7]}")
    for stage in doc["graph"]["stages"]:
        stage["name"] = next(cycle)
    for persona in doc["graph"]["personas"]:
        persona["name"] = next(cycle)
    for node in doc["nodes"]:
        node["name"] = next(cycle)
        node["owner"] = next(cycle)
    return interchange.from_document(doc)


@pytest.fixture(scope="module")
def markup_app(tmp_path_factory, tracker):
    """An app of its own with the markup journey (scored, so that Review and Portfolio rank it) and its to-be."""
    data = tmp_path_factory.mktemp("e2e-markup")
    engine = store.make_engine(f"sqlite:///{data}/e2e.db")
    store.migrate(engine)
    G = markup_journey(tracker)
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=G, author="Anna")
        scores = {k: {"desirable": 1 + i % 5, "viable": 3, "feasible": 2, "comment": ""} for i, k in enumerate(G)}
        analysis.save_ratings(session=session, journey_id=jid, rater="Anna", discipline="design", scores=scores)
        marks = payloads(tracker)
        idea = {"title": IDEA_TITLE.format(port=tracker), "owner": marks[2], "description": marks[5], "status": "open",
                "effort": 2, "targets": {next(iter(G)): []}}  # fmt: skip
        idea_id = store_ideas.create_idea(session=session, journey_id=jid, idea=idea, author=marks[1])
        analysis.save_ratings(session=session, journey_id=jid, rater=marks[3], discipline="it", subject="idea",
                              scores={idea_id: {"desirable": 5, "viable": 4, "feasible": 4, "comment": ""}})  # fmt: skip
        keys = [k for k in G if not G.nodes[k]["backstage"]][:4]
        questions = {G.nodes[k]["name"]: (k, "csat", 3.0, 1.0) for k in keys}
        frame = make_responses(questions, n=30, drivers=dict.fromkeys(questions, 1.0), seed=3)
        answers = survey_file.responses(survey_file.read_csv(to_csv(frame)), G)
        summary = survey_file.summarize(answers, survey_file.suggest_mapping(answers, G), G,
                                        name=SURVEY_NAME.format(port=tracker), surveyed_on=date(2026, 3, 1))  # fmt: skip
        stored_surveys.save_survey(session=session, journey_id=jid, summary=summary, author=marks[2])
        to_be = store.duplicate_journey(session=session, journey_id=jid, author="Anna", state="to-be")
    engine.dispose()
    url, server = start_app(data)
    yield url, G, to_be
    stop_app(server)


ELEMENTS = {  # what Streamlit makes of the payloads, if it renders them ({port}: the tracker's)
    "img[src*=':{port}/']": "an image from a name",
    "a[href*=':{port}/'], a[href*='example.org']": "a link from a name",
    ".katex": "a formula from a name",
    "[data-testid='stIconMaterial']:text-is('home')": "an icon from a name",
    "b:text-is('bold'), strong:text-is('strong'), em:text-is('em'), del:text-is('strike')": "emphasis from a name",
}
WHERE = "e => [e.closest('[data-testid]')?.dataset.testid, e.parentElement.outerHTML.slice(0, 300)]"
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")  # a backslash of the escaping, visible


def markup_problems(page: Page, where: str, expected: list[str], port: int) -> list[str]:
    """What a user would see wrong on ``where``: rendered markup, a request to the tracker (checked by the
    caller), visible escaping, and ``expected`` names that do not read as typed."""
    settled(page)
    found = []
    for root in (page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")):
        for selector, what in ELEMENTS.items():
            made = root.locator(selector.replace("{port}", str(port)))
            if n := made.count():
                where_made = made.first.evaluate(WHERE)
                found.append(f"{n} × {what}: {where_made}")
    main = page.get_by_test_id("stMain")
    code = " ".join(main.get_by_test_id("stCode").all_inner_texts())
    for _ in range(40):  # the journey map draws itself a moment after the run, later on a busy machine
        text = (main.inner_text() + "\n" + page.get_by_test_id("stSidebar").inner_text()).replace("\u2060", "")
        if all(name in text for name in expected):
            break
        page.wait_for_timeout(500)
    if "😄" in text:
        found.append("an emoji from a name")
    if bad := [m for m in ESCAPED.findall(text) if m not in code]:
        found.append(f"visible escaping {sorted(set(bad))}")
    found += [f"not as typed: {name!r}" for name in expected if name not in text]
    return [f"{where}: {p}" for p in found]


def visit(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def view(page: Page, group: str, option: str) -> None:
    page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option).click()
    wait_for_app(page)


def test_markup_in_every_name_is_shown_as_typed(page: Page, markup_app, tracker, tmp_path):
    """Images to a local server, links, bare URLs, LaTeX, colour, icon and emoji codes in every name, on all pages:
    no request reaches the server, nothing is rendered, every name reads as typed."""
    url, G, to_be = markup_app
    name, jid = G.graph["name"], JOURNEY_ID
    stages = [s["name"] for s in G.graph["stages"]]
    personas = [p["name"] for p in G.graph["personas"]]
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if f":{tracker}/" in r.url else None)
    found: list[str] = []

    visit(page, url)
    page.get_by_label("Your name").fill("Anna")
    page.get_by_label("Your name").press("Enter")
    wait_for_app(page)
    page.get_by_test_id("stDataFrame").first.click(position={"x": 15, "y": 35 + 17})  # a journey's row
    wait_for_app(page)
    found += markup_problems(page, "Journeys", [], tracker)

    visit(page, f"{url}/editor?journey={jid}")
    expect(page.locator("h1").first).to_be_visible()
    found += markup_problems(page, "Editor", [name, *personas], tracker)
    page.screenshot(path=str(tmp_path / "markup-editor.png"), full_page=True)
    for section in ("Transitions", "Stages", "Personas", "History"):
        view(page, "Edit", section)
        found += markup_problems(page, f"Editor, {section}", [name], tracker)

    visit(page, f"{url}/scoring?journey={jid}")
    found += markup_problems(page, "Scoring", [name, *stages], tracker)

    visit(page, f"{url}/review?journey={jid}")
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    worst = page.get_by_test_id("stMetric").nth(1).inner_text().replace("\u2060", "")
    found += markup_problems(page, "Review", [name], tracker)
    if not any(G.nodes[k]["name"] in worst for k in G):
        found.append(f"Review: the weakest touchpoint is not a name as typed: {worst!r}")
    for option in ("Weakest touchpoints", "Importance–performance", "Emotion curve", "Diagnostics", "Roll-ups"):
        view(page, "View", option)
        found += markup_problems(page, f"Review, {option}", [name], tracker)
    view(page, "View", "Weakest touchpoints")
    expect(page.get_by_test_id("stPageLink").first).to_be_visible()
    links = [link.replace("\u2060", "") for link in page.get_by_test_id("stPageLink").all_inner_texts()]
    if not links or not all(any(G.nodes[k]["name"] in link for k in G) for link in links):
        found.append(f"Review: the links to new ideas are not the names as typed: {links}")
    page.screenshot(path=str(tmp_path / "markup-review.png"), full_page=True)

    for path in ("ideas", "surveys", "export"):
        visit(page, f"{url}/{path}?journey={jid}")
        found += markup_problems(page, path.capitalize(), [name], tracker)
    visit(page, f"{url}/ideas?journey={jid}")
    page.get_by_test_id("stDataFrame").first.click(position={"x": 15, "y": 35 + 17})  # the idea's row: its form
    wait_for_app(page)
    expect(page.get_by_label("Title", exact=True)).to_be_visible()
    found += markup_problems(page, "Ideas, the idea's form", [name], tracker)
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_test_id("stAlertContentWarning")).to_be_visible()  # the question, once the rerun is done
    wait_for_app(page)
    found += markup_problems(page, "Ideas, the question before deleting", [IDEA_TITLE.format(port=tracker)], tracker)
    view(page, "View", "Score the ideas")
    found += markup_problems(page, "Ideas, scoring", [name], tracker)
    visit(page, f"{url}/surveys?journey={jid}")
    for option in ("Trend", "Drivers", "Latest measurement"):
        view(page, "View", option)
        found += markup_problems(page, f"Surveys, {option}", [name], tracker)
    page.get_by_text("Delete a survey").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_test_id("stAlertContentWarning")).to_be_visible()
    wait_for_app(page)
    found += markup_problems(page, "Surveys, the question before deleting", [SURVEY_NAME.format(port=tracker)], tracker)
    visit(page, f"{url}/compare?journey={to_be}")
    found += markup_problems(page, "Compare", [name], tracker)
    visit(page, f"{url}/portfolio")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    found += markup_problems(page, "Portfolio", [], tracker)

    if fetched or Tracker.hits:
        found.append(f"requests to the tracker: {sorted(set(fetched))} / {Tracker.hits}")
    assert not found, "\n".join(found)
