"""HTML and JavaScript in every text field of a journey: shown as text on every page, never run."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from journeys import interchange
from journeys.templates import broadband_demo
from tests.e2e.conftest import click_until, wait_for_app
from tests.e2e.test_library import journey_cell, open_app, view_button

pytestmark = pytest.mark.e2e

BOLD = "<b>bold</b>"
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "[click](javascript:window.__xss=1)",
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


def assert_inert(page: Page, dialogs: list, where: str) -> None:
    """Nothing ran, no element came out of user text, and the bold payload is there as text."""
    page.wait_for_timeout(300)  # an onerror fires once the broken image has failed to load
    assert page.evaluate("window.__xss") is None, f"script ran on {where}"
    assert dialogs == [], f"dialog on {where}: {dialogs}"
    main = page.get_by_test_id("stMain")
    assert main.locator("img[src='x']").count() == 0, where
    assert main.locator("script", has_text="__xss").count() == 0, where
    assert main.locator("a[href^='javascript' i]").count() == 0, where
    assert main.locator("b", has_text=re.compile(r"^bold")).count() == 0, where
    assert BOLD in main.text_content(), f"the literal {BOLD} is not on {where}"


def grid_cell(page: Page, text: str):
    """A table cell holding ``text`` (the grid draws on a canvas; this is its accessible copy)."""
    return page.get_by_test_id("stDataFrame").locator("[role=gridcell]", has_text=text)


def open_view(page: Page, group: str, option: str) -> None:
    page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option).click()
    wait_for_app(page)


def test_html_and_javascript_in_every_text_field_stay_text(page: Page, app_url: str, tmp_path):
    """Script tags, img onerror, javascript: links and bold tags in every text field stay text on every page."""
    jid = uuid.uuid4().hex[:12]
    name = f"XSS {jid} {BOLD} <script>window.__xss=1</script>"
    doc = hostile_document(jid, name)
    assert interchange.from_document(doc)  # the payloads are valid text: the import must take them
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script("window.__xss = undefined;")

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
    assert_inert(page, dialogs, "the import")
    view_button(page, "Journeys").click()
    wait_for_app(page)
    expect(journey_cell(page, name)).to_have_count(1)
    assert_inert(page, dialogs, "the journey list")

    # Editor: title, detail panel and every table
    page.goto(f"{app_url}/editor?journey={jid}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    first = doc["nodes"][0]
    expect(grid_cell(page, first["name"]).first).to_be_attached()
    expect(grid_cell(page, first["owner"]).first).to_be_attached()
    for item in [*first["needs"], *first["pains"]]:  # the detail panel of the first touchpoint
        expect(grid_cell(page, item["text"]).first).to_be_attached()
    assert_inert(page, dialogs, "the editor's touchpoints")
    page.screenshot(path=str(tmp_path / "xss-editor.png"), full_page=True)  # to look at: pytest --basetemp
    checks = {
        "Transitions": doc["edges"][0]["label"],
        "Stages": doc["graph"]["stages"][0]["name"],
        "Personas": doc["graph"]["personas"][0]["quote"],
    }
    for section, text in checks.items():
        open_view(page, "Edit", section)
        expect(grid_cell(page, text).first).to_be_attached()
        assert_inert(page, dialogs, f"the editor's {section.lower()}")

    # Review: heatmap, weakest touchpoints, diagnostics
    page.goto(f"{app_url}/review?journey={jid}")
    wait_for_app(page)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    assert_inert(page, dialogs, "the review heatmap")
    open_view(page, "View", "Weakest touchpoints")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    assert_inert(page, dialogs, "the weakest touchpoints")
    open_view(page, "View", "Diagnostics")
    expect(page.get_by_test_id("stText").filter(has_text=PAYLOADS[1]).first).to_be_visible()  # a path of names
    assert_inert(page, dialogs, "the diagnostics")

    # Scoring, Portfolio and Export
    page.goto(f"{app_url}/scoring?journey={jid}")
    wait_for_app(page)
    assert_inert(page, dialogs, "the scoring page")
    page.goto(f"{app_url}/portfolio")
    wait_for_app(page)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    assert_inert(page, dialogs, "the portfolio")
    page.goto(f"{app_url}/export?journey={jid}")
    wait_for_app(page)
    assert_inert(page, dialogs, "the export page")


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
