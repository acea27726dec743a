"""The Ideas page: from "this touchpoint hurts" to a scored, ranked idea; conflicts and roles."""

import pytest
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo
from store import analysis, ideas
from tests.app.conftest import APP, shown
from tests.app.test_access import VIEWER, signed_in
from tests.journeys.test_scoring import HOTLINE_RATINGS

QUEUE = "25 minutes in the queue"
CALLBACK = {
    "title": "Call-back slot instead of the queue",
    "owner": "Customer service",
    "status": "open",
    "effort": 2,
    "targets": {"hotline": [QUEUE]},
}


@pytest.fixture
def broadband(db) -> str:
    """The broadband demo with the hotline scored as in docs/scoring.md (weakness 0.4127)."""
    jid = store.create_journey(session=db, graph=broadband_demo(), author="t")
    for r in HOTLINE_RATINGS:
        analysis.save_ratings(
            session=db, journey_id=jid, rater=r["rater"], discipline=r["discipline"],
            scores={"hotline": {lens: r[lens] for lens in ("desirable", "viable", "feasible")}},
        )  # fmt: skip
    db.rollback()
    return jid


def open_ideas(at: AppTest, jid: str, **query) -> AppTest:
    at.query_params["journey"] = jid
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("pages/ideas.py")
    return at.run()


def widget(at: AppTest, kind: str, label: str):
    return next(w for w in at.get(kind) if w.label == label)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def rate(at: AppTest, jid: str, rater: str, discipline: str, scores: dict) -> AppTest:
    """``rater`` of ``discipline`` scores the first idea in the rating table and saves."""
    at.session_state["author"] = rater
    at.session_state["discipline"] = discipline
    at.run()
    table = next(e.key for e in at.data_editor if e.key and e.key.startswith(f"ideas.table.{jid}."))
    at.session_state[table] = {"edited_rows": {0: scores}, "added_rows": [], "deleted_rows": []}
    at.run()
    button(at, "Save my scores").click().run()
    assert not at.exception and not at.error
    return at


def select_row(at: AppTest, jid: str, row: int = 0) -> AppTest:
    key = next(d.key for d in at.dataframe if d.key and d.key.startswith(f"ideas.list.{jid}."))
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def test_an_idea_for_a_weak_touchpoint_is_created_scored_and_ranked(app, db, broadband):
    """The deep link opens a new idea for the hotline; two disciplines score it; it ranks as a quick win."""
    at = open_ideas(app, broadband, touchpoint="hotline")
    assert not at.exception
    assert "touchpoint" not in at.query_params  # the link opens the form once, not on every run
    touchpoints = widget(at, "multiselect", "Touchpoints it addresses")
    assert touchpoints.value == ["hotline"]
    assert "Call the hotline (weakness 0.41)" in touchpoints.options
    widget(at, "text_input", "Title").input(CALLBACK["title"])
    widget(at, "text_input", "Owner").input("Customer service")
    widget(at, "segmented_control", "Effort").set_value(2)
    pains = widget(at, "multiselect", "Pain points it addresses")
    pains.set_value([o for o in pains.options if QUEUE in o]).run()
    button(at, "Create idea").click().run()
    assert not at.exception and not at.error
    [idea] = ideas.list_ideas(session=db, journey_id=broadband)
    assert (idea["title"], idea["effort"], idea["targets"], idea["created_by"]) == (
        CALLBACK["title"], 2, {"hotline": [QUEUE]}, "Test User",
    )  # fmt: skip
    assert at.segmented_control(key="ideas.view").value == "rate"  # next step: score it
    rate(at, broadband, "Ana", "customer-service", {"desirable": 5, "viable": 3, "feasible": 4})
    rate(at, broadband, "Ben", "it", {"desirable": 4, "viable": 3, "feasible": 3})
    stored = analysis.list_ratings(session=db, journey_id=broadband, subject="idea")
    assert [(r["idea"], r["rater"], r["discipline"], r["desirable"]) for r in stored] == [
        (idea["id"], "Ana", "customer-service", 5),
        (idea["id"], "Ben", "it", 4),
    ]
    consensus = shown(at.dataframe[-1])
    assert (consensus["Desirable"].iloc[0], consensus["± Desirable"].iloc[0], consensus["Raters"].iloc[0]) == (
        "4.5",
        "1",
        "2",
    )
    at.segmented_control(key="ideas.view").set_value("matrix").run()
    ranked = shown(at.dataframe[0]).iloc[0]
    # value = mean(4.5, 3, 3.5) = 3.67; relief = 0.4127 × (3.67 − 1) / 4 = 0.275
    assert (ranked["Title"], ranked["Value"], ranked["Effort"], ranked["Quadrant"]) == (
        CALLBACK["title"], "3.7", "2", "Quick wins",
    )  # fmt: skip
    assert ranked["Expected relief"] == "0.28"
    matrix = at.get("plotly_chart")[0].proto.spec
    assert "Call-back slot" in matrix and "Quick wins" in matrix and "Time sinks" in matrix


def test_ideas_are_ranked_by_relief_and_filtered_by_status(app, db, broadband):
    """The idea that relieves more weakness comes first; an unscored one last; dropped ones can be hidden."""
    router = {**CALLBACK, "title": "Wi-Fi band preset", "effort": 4, "targets": {"install-router": [], "hotline": []}}
    first = ideas.create_idea(session=db, journey_id=broadband, idea=CALLBACK, author="t")
    second = ideas.create_idea(session=db, journey_id=broadband, idea=router, author="t")
    ideas.create_idea(session=db, journey_id=broadband, idea={**CALLBACK, "title": "Unscored"}, author="t")
    dropped = {**CALLBACK, "title": "Dropped one", "status": "dropped"}
    ideas.create_idea(session=db, journey_id=broadband, idea=dropped, author="t")
    for idea_id in (first, second):
        analysis.save_ratings(
            session=db, journey_id=broadband, rater="Ana", discipline="design", subject="idea",
            scores={idea_id: {"desirable": 4, "viable": 4, "feasible": 4}},
        )  # fmt: skip
    at = open_ideas(app, broadband)
    ranked = shown(at.dataframe[0])
    assert list(ranked["Title"]) == ["Wi-Fi band preset", CALLBACK["title"], "Dropped one", "Unscored"]
    assert list(ranked["Quadrant"]) == ["Big bets", "Quick wins", "", ""]
    assert list(ranked["Expected relief"][:2]) == ["0.70", "0.31"]  # (0.5198 + 0.4127) × 0.75 and 0.4127 × 0.75
    at.pills(key=f"ideas.filter.{broadband}").set_value(["open", "in-progress", "done"]).run()
    assert "Dropped one" not in list(at.dataframe[0].value["Title"])
    assert "Not on the matrix yet (1" in at.caption[-1].value and "Unscored" in at.caption[-1].value


def test_an_edit_conflict_says_who_changed_the_idea_and_keeps_the_input(app, db, broadband):
    """Two people edit the same idea: the second save is refused naming the first; their input stays."""
    ideas.create_idea(session=db, journey_id=broadband, idea=CALLBACK, author="t")
    other = AppTest.from_file(str(APP), default_timeout=30)
    other.session_state["author"] = "Olga"
    mine = select_row(open_ideas(app, broadband), broadband)
    theirs = select_row(open_ideas(other, broadband), broadband)
    widget(theirs, "text_input", "Title").input("Call-back within the hour")
    button(theirs, "Save idea").click().run()
    assert not theirs.exception and not theirs.error
    widget(mine, "text_input", "Title").input("Call-back slot, booked online")
    button(mine, "Save idea").click().run()
    assert not mine.exception
    assert any("Olga changed this idea" in e.value and "version 2" in e.value for e in mine.error)
    assert widget(mine, "text_input", "Title").value == "Call-back slot, booked online"
    [stored] = ideas.list_ideas(session=db, journey_id=broadband)
    assert (stored["title"], stored["version"]) == ("Call-back within the hour", 2)
    button(mine, "Save my version over theirs").click().run()
    assert not mine.exception and not mine.error
    db.rollback()
    [stored] = ideas.list_ideas(session=db, journey_id=broadband)
    assert (stored["title"], stored["version"], stored["updated_by"]) == (
        "Call-back slot, booked online",
        3,
        "Test User",
    )


def test_an_idea_is_deleted_only_after_confirmation(app, db, broadband):
    """Delete asks first; Keep it leaves the idea; Yes, delete it removes it."""
    ideas.create_idea(session=db, journey_id=broadband, idea=CALLBACK, author="t")
    at = select_row(open_ideas(app, broadband), broadband)
    button(at, "Delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    assert len(ideas.list_ideas(session=db, journey_id=broadband)) == 1
    button(at, "Yes, delete it").click().run()
    assert not at.exception
    assert ideas.list_ideas(session=db, journey_id=broadband) == []


def test_a_viewer_reads_the_ideas_but_cannot_write(db_url, db, broadband):
    """A viewer's deep link is refused, and the idea opens read-only, without Save, Delete or a score table."""
    ideas.create_idea(session=db, journey_id=broadband, idea=CALLBACK, author="t")
    at = open_ideas(signed_in(db_url, VIEWER), broadband, touchpoint="hotline")
    assert not at.exception
    assert any("No permission" in e.value for e in at.error)
    assert not [b for b in at.button if b.label in ("New idea", "Create idea")]
    assert list(at.dataframe[0].value["Title"]) == [CALLBACK["title"]]
    at = select_row(at, broadband)
    assert widget(at, "text_input", "Title").disabled
    assert not [b for b in at.button if b.label in ("Save idea", "Delete")]
    at.segmented_control(key="ideas.view").set_value("rate").run()
    assert not at.data_editor
    assert not at.exception


def test_the_page_speaks_german(app, db, broadband):
    """On ?lang=de the list, the quadrants and the matrix are German."""
    idea_id = ideas.create_idea(session=db, journey_id=broadband, idea=CALLBACK, author="t")
    analysis.save_ratings(
        session=db, journey_id=broadband, rater="Ana", discipline="design", subject="idea",
        scores={idea_id: {"desirable": 4, "viable": 4, "feasible": 4}},
    )  # fmt: skip
    at = open_ideas(app, broadband, lang="de")
    assert at.title[0].value == "Ideen"
    ranked = at.dataframe[0].value
    assert {"Titel", "Wert", "Aufwand", "Erwartete Entlastung", "Quadrant"} <= set(ranked.columns)
    assert ranked["Quadrant"].iloc[0] == "Quick Wins" and ranked["Status"].iloc[0] == "Offen"
    matrix = at.get("plotly_chart")[0].proto.spec
    assert "Zeitfresser" in matrix and "Wert (DVF-Konsens" in matrix
    at = select_row(at, broadband)
    assert widget(at, "multiselect", "Betroffene Touchpoints").value == ["hotline"]


def test_an_idea_without_a_title_is_refused_and_nothing_is_stored(app, db, broadband):
    """Create without a title names the problem next to the form, keeps the input and stores nothing."""
    at = open_ideas(app, broadband)
    button(at, "New idea").click().run()
    widget(at, "text_input", "Owner").input("Customer service")
    widget(at, "multiselect", "Touchpoints it addresses").set_value(["cancel"]).run()
    button(at, "Create idea").click().run()
    assert not at.exception
    assert any("an idea needs a title" in e.value for e in at.error)
    assert widget(at, "text_input", "Owner").value == "Customer service"
    assert ideas.list_ideas(session=db, journey_id=broadband) == []


def test_an_open_idea_keeps_what_was_typed_while_the_user_looks_at_another_page(app, broadband):
    """Half an idea typed, a look at the Review, back to Ideas: the form is still open with what was typed."""
    at = open_ideas(app, broadband, touchpoint="hotline")
    widget(at, "text_input", "Title").input("Call-back slot").run()
    widget(at, "text_area", "Description").input("Callers get a text when an agent is free.").run()
    widget(at, "segmented_control", "Effort").set_value(2).run()
    at.switch_page("pages/review.py").run()
    at.switch_page("pages/ideas.py").run()
    assert widget(at, "text_input", "Title").value == "Call-back slot"
    assert widget(at, "text_area", "Description").value == "Callers get a text when an agent is free."
    assert widget(at, "segmented_control", "Effort").value == 2
    assert widget(at, "multiselect", "Touchpoints it addresses").value == ["hotline"]
