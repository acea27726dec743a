"""A journey without touchpoints, on every page that shows one: what is missing and how to get there, in place of
empty charts and tables."""

import pytest
from streamlit.testing.v1 import AppTest

import store
from journeys.model.templates import blank_journey
from tests.app.conftest import APP

SAYS = {  # page → the start of what it says
    "editor": "No touchpoints yet. Click an empty place in a stage on the map below",
    "scoring": "This journey has no touchpoints to score yet",
    "review": "This journey has no touchpoints yet.",
    "ideas": "No ideas for this journey yet.",
    "surveys": "No surveys for this journey yet.",
    "compare": "Empty one has no to-be yet.",
    "export": "This journey has no touchpoints yet, so there is nothing to draw.",
}


@pytest.fixture
def empty(db) -> str:
    return store.create_journey(session=db, graph=blank_journey("Empty one"), author="t")


@pytest.mark.parametrize("page", list(SAYS))
def test_every_page_says_what_is_missing_for_a_journey_without_touchpoints(db_url, empty, page):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["author"] = "Test User"
    at.query_params["journey"] = empty
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception
    assert any(i.value.startswith(SAYS[page]) for i in at.info), [i.value for i in at.info]
    assert not at.get("plotly_chart")  # no empty chart
