"""The Export page: a download per figure and format, the Mermaid text to copy, and a clear word without a browser."""

import re

import pytest

import store
from journeys.charts import images
from tests.marks import needs_browser

IMAGE_KEYS = [f"export.{fmt}.{kind}" for kind in (*images.FIGURES, "portfolio") for fmt in ("png", "svg")]
DECK_KEYS = ["export.deck.pptx", "export.deck.pdf", "export.deck.poster"]
DATA_KEYS = ["export.json", "export.csv", "export.graphml", "export.mermaid", "export.flowchart"]


@pytest.fixture
def broadband(db) -> str:
    store.seed_demo_journeys(session=db)
    return next(j.id for j in store.list_journeys(session=db) if j.name.startswith("Broadband"))


def open_export(app, jid: str | None = None, **state):
    if jid:
        app.query_params["journey"] = jid
    for key, value in state.items():
        app.session_state[key] = value
    app.switch_page("pages/export.py")
    return app.run()


def buttons(app) -> dict[str, object]:
    return {button.key: button for button in app.main.get("download_button")}


@needs_browser
def test_every_figure_and_format_has_a_download(app, broadband):
    """PNG and SVG for map, heatmap, emotion curve, matrix and portfolio, the stage slides, the data and the pack."""
    open_export(app, broadband)
    assert not app.exception
    assert app.title[0].value == "Export"
    found = buttons(app)
    assert list(found) == [*IMAGE_KEYS, "export.stages", *DECK_KEYS, *DATA_KEYS, "export.pack"]
    assert [found[k].label for k in DATA_KEYS] == ["JSON", "CSV", "GraphML", "Mermaid", "Mermaid flowchart"]
    assert found["export.pack"].label == "Whole journey pack (ZIP)"
    assert not any(button.proto.disabled for button in found.values())
    assert found["export.png.map"].proto.ignore_rerun  # a download does not rerun the page
    assert not app.warning


@needs_browser
def test_the_presentation_and_the_poster_are_offered(app, broadband):
    """Below the images: the deck as PowerPoint and as PDF, and the A3 poster, each drawn on its click."""
    open_export(app, broadband)
    assert not app.exception
    found = buttons(app)
    assert [found[k].label for k in DECK_KEYS] == ["Presentation (PPTX)", "Presentation (PDF)", "A3 poster (PDF)"]
    assert all(found[k].proto.ignore_rerun and not found[k].proto.disabled for k in DECK_KEYS)
    assert all(found[k].proto.HasField("deferred_file_id") for k in DECK_KEYS)  # made when clicked, not on each run
    assert "speaker notes" in found["export.deck.pptx"].proto.help
    assert "A3" in found["export.deck.poster"].proto.help


def test_mermaid_text_is_shown_to_copy(app, broadband):
    """The Mermaid diagram is on the page, one section per stage of the journey."""
    open_export(app, broadband)
    text = app.code[0].value
    assert text.startswith("journey\n")
    assert len(re.findall(r"^\s+section ", text, re.MULTILINE)) == 7
    assert "Call the hotline: 1: " in text


def test_without_a_browser_the_page_says_how_to_install_one(app, broadband, tmp_path, monkeypatch):
    """No Chromium: a warning names the install commands, image buttons are off, data and the pack still work."""
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    open_export(app, broadband)
    assert not app.exception
    assert "apt-get install chromium" in app.warning[0].value and "plotly_get_chrome" in app.warning[0].value
    found = buttons(app)
    assert all(found[k].proto.disabled for k in [*IMAGE_KEYS, "export.stages", *DECK_KEYS])
    assert not any(found[k].proto.disabled for k in [*DATA_KEYS, "export.pack"])
    assert found["export.pack"].label == "Journey pack without images (ZIP)"


def test_the_page_speaks_german(app, broadband):
    """In German, the sections, the pack and the image options are German."""
    open_export(app, broadband, lang="de")
    assert [h.value for h in app.subheader] == [
        "Bilder für Folien",
        "Präsentation und Poster",
        "Daten für andere Werkzeuge",
    ]
    assert [buttons(app)[k].label for k in DECK_KEYS] == [
        "Präsentation (PPTX)",
        "Präsentation (PDF)",
        "A3-Poster (PDF)",
    ]
    assert buttons(app)["export.pack"].label.startswith(("Komplettpaket", "Paket der Journey"))
    assert app.selectbox(key="export.scale").label == "Vergrößerung"


def test_a_journey_is_picked_first(app, broadband):
    """Opened without a journey, the page asks for one and then offers its downloads."""
    open_export(app)
    assert app.title[0].value == "Export" and not app.main.get("download_button")
    app.selectbox[0].select(broadband).run()
    assert app.caption[0].value.startswith("Slide-ready images and the data of Broadband")
    assert set(DATA_KEYS) <= set(buttons(app))
