"""HTML, JavaScript and Markdown in every text field: shown as typed on every page, never run or rendered.

The journey pages get a journey whose every text field is a payload, imported through the
browser. The design-loop pages (Ideas, Compare, Surveys) get, on an app of their own, such a
journey with scores, ideas and a survey whose texts are payloads, and its to-be; a second
survey with payloads for its name and column headers is uploaded through the browser.
"""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

import store
from journeys.demo import broadband_demo
from journeys.io import interchange, survey_file
from journeys.model.graph import touchpoints_in_order
from store import analysis
from store import ideas as store_ideas
from store import surveys as stored_surveys
from tests.e2e.conftest import click_until, settled, start_app, stop_app, wait_for_app
from tests.e2e.test_library import journey_cell, open_app, view_button
from tests.survey_data import make_responses, to_csv

pytestmark = pytest.mark.e2e

BOLD = "<b>bold</b>"
LINK = "[click](javascript:window.__xss=1)"
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    LINK,
    BOLD,
]
"""What an attacker (or a careless paste) puts into a text field."""

PERSONA_FIELDS = ("name", "segment", "goals", "quote")
NODE_FIELDS = ("name", "description", "owner", "channel")


def hostile_document(jid: str, name: str) -> dict:
    """The broadband demo with every text field a payload, cycling through :data:`PAYLOADS`."""
    doc = interchange.to_document(broadband_demo())
    counter = iter(range(10_000))

    def payload() -> str:
        i = next(counter)
        return f"{PAYLOADS[i % len(PAYLOADS)]} #{i}"

    doc["graph"].update(id=jid, name=name, description=payload())
    for stage in doc["graph"]["stages"]:
        stage["name"] = payload()
    for persona in doc["graph"]["personas"]:
        persona.update({field: payload() for field in PERSONA_FIELDS})
    for node in doc["nodes"]:
        node.update({field: payload() for field in NODE_FIELDS})
        for need in node["needs"]:
            need.update(text=payload(), motivation=payload())
        for pain in node["pains"]:
            pain["text"] = payload()
    for edge in doc["edges"]:
        edge["label"] = payload()
    return doc


def guard(page: Page) -> list[str]:
    """Mark the page so that a script from user text would show, and collect every dialog it opens."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script("window.__xss = undefined;")
    return dialogs


def problems(page: Page, dialogs: list, where: str, *, root: Locator | None = None) -> list[str]:
    """What went wrong on ``where``: a script that ran, a dialog, an element made from user text
    (HTML or Markdown, named with the text around it), or the bold payload not shown as typed."""
    settled(page)
    root = root or page.get_by_test_id("stMain")
    found = []
    if page.evaluate("window.__xss") is not None:
        found.append("a script ran")
    if dialogs:
        found.append(f"a dialog opened: {dialogs}")
    for selector, what in (
        ("img[src='x']", "an <img> from user HTML"),
        ("script:has-text('__xss')", "a <script> from user HTML"),
        ("a[href^='javascript' i]", "a javascript: link"),
        ("a:text-matches('^click$')", "a link from user Markdown"),
        ("b:text-matches('^bold')", "a <b> from user HTML"),
    ):
        around = root.locator(selector).evaluate_all(
            "els => els.map(e => (e.closest('p, h1, h2, h3, li') || e.parentElement).textContent.slice(0, 90))"
        )
        found += [f"{what} in «{text}»" for text in around]
    if BOLD not in (root.text_content() or ""):
        found.append(f"the literal {BOLD} is not shown")
    return [f"{where}: {p}" for p in found]


def report(found: list[str]) -> str:
    """The problems, each once (where it was seen first)."""
    first = {}
    for line in found:
        first.setdefault(line.split(": ", 1)[-1], line)
    return "\n".join(first.values())


def chart_problems(chart: Locator, where: str) -> list[str]:
    """User text on a plotly chart: shown as typed, not as plotly's HTML (bold) and not escaped twice."""
    expect(chart.locator(".main-svg").first).to_be_attached()
    text = chart.text_content() or ""
    found = []
    if n := chart.locator("tspan:text-matches('^bold')").count():
        found.append(f"{n} × user <b> drawn bold")
    if "&lt;" in text or "&amp;" in text:
        found.append("user text escaped twice (&lt; shown)")
    if BOLD not in text:
        found.append(f"the literal {BOLD} is not on the chart")
    return [f"{where}: {p}" for p in found]


def canvas_problems(canvas: Locator, where: str) -> list[str]:
    """User text on the map editor (a component of our own): text nodes only, shown as typed."""
    expect(canvas.locator("g.touchpoint").first).to_be_attached()
    found = []
    if n := canvas.locator("img, script, iframe, a, b, foreignObject").count():
        found.append(f"{n} element(s) made of user text")
    text = canvas.text_content() or ""
    if "&lt;" in text or "&amp;" in text:
        found.append("user text escaped twice (&lt; shown)")
    if BOLD not in text:
        found.append(f"the literal {BOLD} is not on the map")
    labels = " ".join(canvas.locator("g.touchpoint").evaluate_all("nodes => nodes.map(n => n.ariaLabel)"))
    if "<script>" not in labels:
        found.append("accessible names do not carry the typed text")
    return [f"{where}: {p}" for p in found]


def grid_cell(page: Page, text: str):
    """A table cell holding ``text`` (the grid draws on a canvas; this is its accessible copy)."""
    return page.get_by_test_id("stDataFrame").locator("[role=gridcell]", has_text=text)


def open_view(page: Page, group: str, option: str) -> None:
    page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option).click()
    wait_for_app(page)


def sign_in(page: Page, url: str, author: str = "Anna Workshop") -> None:
    """Open ``url`` and give the author name in the sidebar, as a workshop member does first."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_label("Your name").fill(author)
    page.get_by_label("Your name").press("Enter")
    wait_for_app(page)


def test_html_and_javascript_in_every_text_field_stay_text(page: Page, app_url: str, tmp_path):
    """Script tags, img onerror, javascript: links and bold tags in every text field stay text on every page."""
    jid = uuid.uuid4().hex[:12]
    name = f"XSS {jid} {BOLD} <script>window.__xss=1</script>"
    doc = hostile_document(jid, name)
    assert interchange.from_document(doc)  # the payloads are valid text: the import must take them
    dialogs = guard(page)
    found: list[str] = []

    # Journeys: import through the browser
    open_app(page, app_url)
    view_button(page, "Import").click()
    uploader = page.get_by_test_id("stFileUploader")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "hostile.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}
    )
    expect(uploader).to_contain_text("hostile.json")
    wait_for_app(page)
    import_button = page.get_by_test_id("stBaseButton-primary").filter(has_text="Import")
    click_until(page, import_button, page.get_by_test_id("stAlertContentSuccess"), name, timeout=30_000)
    found += problems(page, dialogs, "the import")
    view_button(page, "Journeys").click()
    wait_for_app(page)
    expect(journey_cell(page, name)).to_have_count(1)
    found += problems(page, dialogs, "the journey list")

    # Editor: title, detail panel and every table
    page.goto(f"{app_url}/editor?journey={jid}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    first = doc["nodes"][0]
    expect(grid_cell(page, first["name"]).first).to_be_attached()
    expect(grid_cell(page, first["owner"]).first).to_be_attached()
    for item in [*first["needs"], *first["pains"]]:  # the detail panel of the first touchpoint
        expect(grid_cell(page, item["text"]).first).to_be_attached()
    found += problems(page, dialogs, "the editor's touchpoints")
    found += canvas_problems(page.locator(".journey-canvas"), "the map editor")
    page.screenshot(path=str(tmp_path / "xss-editor.png"), full_page=True)  # to look at: pytest --basetemp
    checks = {
        "Transitions": doc["edges"][0]["label"],
        "Stages": doc["graph"]["stages"][0]["name"],
        "Personas": doc["graph"]["personas"][0]["quote"],
    }
    for section, text in checks.items():
        open_view(page, "Edit", section)
        expect(grid_cell(page, text).first).to_be_attached()
        found += problems(page, dialogs, f"the editor's {section.lower()}")

    # Review: heatmap, weakest touchpoints, diagnostics
    page.goto(f"{app_url}/review?journey={jid}")
    wait_for_app(page)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    found += problems(page, dialogs, "the review heatmap")
    open_view(page, "View", "Weakest touchpoints")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    found += problems(page, dialogs, "the weakest touchpoints")
    open_view(page, "View", "Diagnostics")
    expect(page.get_by_test_id("stText").filter(has_text=PAYLOADS[1]).first).to_be_visible()  # a path of names
    found += problems(page, dialogs, "the diagnostics")

    # Scoring, Portfolio and Export
    page.goto(f"{app_url}/scoring?journey={jid}")
    wait_for_app(page)
    found += problems(page, dialogs, "the scoring page")
    page.goto(f"{app_url}/portfolio")
    wait_for_app(page)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    found += problems(page, dialogs, "the portfolio")
    page.goto(f"{app_url}/export?journey={jid}")
    wait_for_app(page)
    found += problems(page, dialogs, "the export page")
    assert not found, report(found)


def test_the_payload_document_covers_every_text_field():
    """Every text field of the format carries a payload in the test document (a new field needs one too)."""
    doc = hostile_document("x" * 12, BOLD)
    texts = [doc["graph"]["description"], *(s["name"] for s in doc["graph"]["stages"])]
    texts += [p[f] for p in doc["graph"]["personas"] for f in PERSONA_FIELDS]
    texts += [n[f] for n in doc["nodes"] for f in NODE_FIELDS]
    texts += [x for n in doc["nodes"] for need in n["needs"] for x in (need["text"], need["motivation"])]
    texts += [pain["text"] for n in doc["nodes"] for pain in n["pains"]] + [e["label"] for e in doc["edges"]]
    assert all(any(p in text for p in PAYLOADS) for text in texts)
    assert {p for p in PAYLOADS if any(p in text for text in texts)} == set(PAYLOADS)


# The design loop: Ideas, Compare and Surveys ------------------------------------------------

LOOP_ID = "xssloop00001"
LOOP_NAME = f"Loop {BOLD} {LINK}"
TO_BE_NAME = f"To-be {BOLD} {PAYLOADS[0]}"
RATERS = ((f"{PAYLOADS[0]} Ana", "customer-service"), (f"{BOLD} Ben", "it"))
IDEA = {  # scored and estimated: ranked first, on the matrix
    "title": f"{BOLD} {LINK} {PAYLOADS[1]}",
    "description": f"{PAYLOADS[0]} {BOLD} {LINK}",
    "owner": f"{LINK} {BOLD}",
    "status": "open",
    "effort": 2,
}
UNPLACED = {  # neither scores nor effort: named below the matrix and among the ideas still to score
    "title": f"{LINK} {BOLD} {PAYLOADS[0]}",
    "description": BOLD,
    "owner": PAYLOADS[1],
    "status": "in-progress",
    "effort": None,
}
SPRING = f"{PAYLOADS[0]} {BOLD} spring"  # the survey in the database
SURVEY_NAME = f"{BOLD} {LINK} autumn"  # the survey uploaded through the browser
COMMENT = f"{BOLD} comment"  # a column of the file that holds no rating


def loop_journey():
    """The hostile journey of the design loop, as the test app stores it."""
    return interchange.from_document(hostile_document(LOOP_ID, LOOP_NAME))


def bold_touchpoint(G) -> str:
    """The touchpoint whose name is the bold payload: it changes in the to-be."""
    return next(k for k in G if BOLD in G.nodes[k]["name"])


def hostile_survey(G, *, seed: int, bad_row: bool = False) -> bytes:
    """Answers to a survey whose column headers are the touchpoints' names (payloads) and
    :data:`COMMENT`; with ``bad_row`` row 3 holds a payload where the bold touchpoint's rating belongs."""
    keys = [k for k in touchpoints_in_order(G) if not G.nodes[k]["backstage"]][:5]
    assert bold_touchpoint(G) in keys
    questions = {G.nodes[k]["name"]: (k, "csat", 3.0 + i / 3, 1.0) for i, k in enumerate(keys)}
    frame = make_responses(questions, n=40, drivers=dict.fromkeys(questions, 1.0), seed=seed)
    frame[COMMENT] = PAYLOADS[0]
    if bad_row:
        header = G.nodes[bold_touchpoint(G)]["name"]
        frame[header] = frame[header].astype(object)
        frame.loc[1, header] = PAYLOADS[1]
    return to_csv(frame)


def hostile_design_loop(session: Session) -> dict:
    """Store the hostile journey with ratings, two ideas and a survey, and a changed to-be of it; return their ids."""
    jid = store.create_journey(session=session, graph=loop_journey(), author=PAYLOADS[1])
    G, _ = store.load_journey(session=session, journey_id=jid)
    for i, (rater, discipline) in enumerate(RATERS):
        scores = {k: {"desirable": 2 + i, "viable": 3, "feasible": 2, "comment": PAYLOADS[i]} for k in G}
        analysis.save_ratings(session=session, journey_id=jid, rater=rater, discipline=discipline, scores=scores)
    changed, hurt = bold_touchpoint(G), next(k for k in G if G.nodes[k]["pains"])
    targets = {changed: [], hurt: [G.nodes[hurt]["pains"][0]["text"]]}
    idea = store_ideas.create_idea(session=session, journey_id=jid, idea=IDEA | {"targets": targets}, author=BOLD)
    other = next(k for k in G if k not in targets)
    store_ideas.create_idea(session=session, journey_id=jid, idea=UNPLACED | {"targets": {other: []}}, author=BOLD)
    for rater, discipline in RATERS:
        analysis.save_ratings(
            session=session, journey_id=jid, rater=rater, discipline=discipline, subject="idea",
            scores={idea: {"desirable": 5, "viable": 4, "feasible": 4, "comment": BOLD}},
        )  # fmt: skip
    answers = survey_file.responses(survey_file.read_csv(hostile_survey(G, seed=1)), G)
    mapping = survey_file.suggest_mapping(answers, G)
    summary = survey_file.summarize(answers, mapping, G, name=SPRING, surveyed_on=date(2026, 3, 1))
    stored_surveys.save_survey(session=session, journey_id=jid, summary=summary, author=LINK)
    to_be = store.duplicate_journey(session=session, journey_id=jid, author=BOLD, name=TO_BE_NAME, state="to-be")
    H, version = store.load_journey(session=session, journey_id=to_be)
    node = H.nodes[changed]
    node["experience"] = 5 if node["experience"] != 5 else 4
    node["description"] = f"{BOLD} to-be {PAYLOADS[1]}"
    node["pains"] = [{"text": f"{LINK} {BOLD} to-be", "severity": 3, "evidence": "interview", "persona": None}]
    u, v = next(iter(H.edges))
    H.edges[u, v]["label"] = f"{BOLD} to-be {PAYLOADS[0]}"
    store.save_journey(session=session, graph=H, expected_version=version, author=BOLD)
    return {"as_is": jid, "to_be": to_be, "changed": changed}


@pytest.fixture(scope="module")
def loop_app(tmp_path_factory) -> tuple[str, dict]:
    """An app of its own whose database holds only the hostile design loop; its URL and the ids."""
    data = tmp_path_factory.mktemp("e2e-xss-loop")
    engine = store.make_engine(f"sqlite:///{data}/e2e.db")
    store.migrate(engine)
    try:
        with Session(engine) as session:
            ids = hostile_design_loop(session)
    finally:
        engine.dispose()
    url, server = start_app(data)
    yield url, ids
    stop_app(server)


def test_ideas_show_hostile_text_as_typed(page: Page, loop_app, tmp_path):
    """Ideas whose title, description and owner are payloads: as typed in the list, on the matrix, in the
    form, its delete question and its toast, among the ideas to score; the journey's name in the intro too."""
    url, ids = loop_app
    dialogs = guard(page)
    sign_in(page, f"{url}/ideas?journey={ids['as_is']}")
    expect(grid_cell(page, IDEA["title"]).first).to_be_attached(timeout=30_000)
    expect(grid_cell(page, UNPLACED["owner"]).first).to_be_attached()
    matrix = page.get_by_test_id("stPlotlyChart").first
    expect(matrix.locator(".textpoint").first).to_contain_text(BOLD)  # the idea's label on the matrix
    found = problems(page, dialogs, "the ideas list, intro and matrix") + chart_problems(matrix, "the idea matrix")
    page.screenshot(path=str(tmp_path / "xss-ideas.png"), full_page=True)

    page.get_by_test_id("stDataFrame").first.click(position={"x": 15, "y": 35 + 17})  # the first row's checkbox
    wait_for_app(page)
    expect(page.get_by_label("Title", exact=True)).to_have_value(IDEA["title"])
    expect(page.get_by_label("Description")).to_have_value(IDEA["description"])
    if page.locator("h3").filter(has_text=f"Idea: {IDEA['title']}").count() != 1:
        found.append("the idea's form: its heading is not the title as typed")
    found += problems(page, dialogs, "the idea's form")
    page.get_by_role("button", name="Delete", exact=True).click()
    wait_for_app(page)
    question = page.get_by_test_id("stAlertContentWarning").filter(has_text="with all its scores")
    expect(question).to_contain_text(f"Delete “{IDEA['title']}” with all its scores?")
    found += problems(page, dialogs, "the question before deleting an idea")
    page.get_by_role("button", name="Keep it").click()
    wait_for_app(page)
    page.get_by_role("button", name="Save idea").click()
    toast = page.get_by_test_id("stToast").filter(has_text="saved")
    expect(toast).to_be_visible(timeout=15_000)
    if f"Idea “{IDEA['title']}” saved." not in (toast.text_content() or ""):
        found.append(f"the toast after saving an idea: not the title as typed: {toast.text_content()!r}")
    found += problems(page, dialogs, "the toast after saving an idea", root=toast)

    open_view(page, "View", "Score the ideas")
    expect(grid_cell(page, UNPLACED["title"]).first).to_be_attached()
    expect(page.get_by_text("Still without scores:")).to_be_visible()
    found += problems(page, dialogs, "the ideas to score")

    page.goto(f"{url}/ideas?journey={ids['as_is']}&touchpoint={ids['changed']}")  # "an idea for this touchpoint"
    wait_for_app(page)
    expect(page.get_by_role("heading", name="New idea")).to_be_visible()
    chosen = page.get_by_test_id("stMultiSelect").filter(has_text="Touchpoints it addresses")
    expect(chosen).to_contain_text(f"{BOLD} #")
    found += problems(page, dialogs, "a new idea for a touchpoint")
    assert not found, report(found)


def test_compare_shows_hostile_text_as_typed(page: Page, loop_app, tmp_path):
    """The hostile journey and its to-be on Compare: names, stages and changed texts as typed in every view."""
    url, ids = loop_app
    dialogs = guard(page)
    page.goto(f"{url}/compare?journey={ids['to_be']}")
    wait_for_app(page)
    changed = page.get_by_test_id("stMetric").filter(has_text="Touchpoints changed")
    expect(changed).to_contain_text("1", timeout=30_000)
    expect(page.get_by_text(f"What {TO_BE_NAME} changes against {LOOP_NAME}")).to_be_visible()
    found = problems(page, dialogs, "Compare's heading")
    G = loop_journey()
    shown = {  # view → the title of its chart, a text of the changed touchpoint that it shows in a table
        "Touchpoints": ("Change in weakness per touchpoint", G.nodes[ids["changed"]]["name"]),
        "Stages": ("Weakness per stage", G.graph["stages"][0]["name"]),
        "Emotion curves": ("Emotion curves, as-is and to-be", None),
        "Changes": (None, f"{BOLD} to-be {PAYLOADS[1]}"),
    }
    for view, (title, text) in shown.items():
        open_view(page, "View", view)
        if text:
            expect(grid_cell(page, text).first).to_be_attached()
        if title:
            chart = page.get_by_test_id("stPlotlyChart").filter(has_text=title)
            expect(chart).to_be_visible()
            found += chart_problems(chart, f"Compare's {view.lower()} chart")
        found += problems(page, dialogs, f"Compare's {view.lower()}")
        page.screenshot(path=str(tmp_path / f"xss-compare-{view.split()[0].lower()}.png"), full_page=True)
    assert not found, report(found)


def test_surveys_show_hostile_text_as_typed(page: Page, loop_app, tmp_path):
    """A survey named with payloads and a file whose column headers are payloads, uploaded through the browser:
    as typed in the check, the results, every result view and the question before deleting."""
    url, ids = loop_app
    dialogs = guard(page)
    sign_in(page, f"{url}/surveys?journey={ids['as_is']}")
    expect(grid_cell(page, SPRING).first).to_be_attached(timeout=30_000)
    matrix = page.get_by_test_id("stPlotlyChart").filter(has_text="Assumptions meet evidence")
    trend = page.get_by_test_id("stPlotlyChart").filter(has_text="Measured experience over time")
    expect(matrix).to_be_visible()
    found = problems(page, dialogs, "the survey results") + chart_problems(matrix, "the evidence matrix")
    G = loop_journey()
    bold = G.nodes[bold_touchpoint(G)]["name"]
    for view in ("Trend", "Drivers", "Latest measurement"):
        open_view(page, "View", view)
        if view == "Trend":
            expect(trend).to_contain_text(bold)
            found += chart_problems(trend, "the survey trend")
        else:
            expect(grid_cell(page, bold).first).to_be_attached()
        found += problems(page, dialogs, f"the survey {view.lower()}")

    page.get_by_text("Delete a survey").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    question = page.get_by_test_id("stAlertContentWarning")
    expect(question).to_be_visible()  # the question, once the rerun is done
    wait_for_app(page)
    expect(question).to_contain_text(f"Delete the survey “{SPRING} · Mar 1, 2026”")
    found += problems(page, dialogs, "the question before deleting a survey")
    page.get_by_role("button", name="Cancel").click()
    wait_for_app(page)

    open_view(page, "Show", "Import a survey")
    uploader = page.get_by_test_id("stFileUploader")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "hostile.csv", "mimeType": "text/csv", "buffer": hostile_survey(G, seed=2, bad_row=True)}
    )
    expect(uploader).to_contain_text("hostile.csv")
    wait_for_app(page)
    errors = page.get_by_test_id("stAlertContentError")
    expect(errors).to_contain_text(f"Row 3, column “{bold}”: “{PAYLOADS[1]}” is not a number")
    expect(grid_cell(page, COMMENT).first).to_be_attached()  # the header, in the preview and the mapping
    found += problems(page, dialogs, "the check of an uploaded survey")
    page.screenshot(path=str(tmp_path / "xss-survey-import.png"), full_page=True)
    page.get_by_text("Skip the bad rows (1) and import the rest").click()
    wait_for_app(page)
    name = page.get_by_label("Name of the survey")
    name.fill(SURVEY_NAME)
    name.press("Enter")
    wait_for_app(page)
    success = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Imported")
    import_button = page.get_by_test_id("stBaseButton-primary").filter(has_text="Import")
    click_until(page, import_button, success, f"Imported “{SURVEY_NAME}”: 39 responses; rows skipped: 1.")
    expect(grid_cell(page, SURVEY_NAME).first).to_be_attached()
    found += problems(page, dialogs, "the results after an import")
    open_view(page, "View", "Trend")
    expect(trend).to_contain_text(bold)
    found += chart_problems(trend, "the survey trend of two surveys")
    assert not found, report(found)
