"""The editor keeps what is typed into its tables: a table keeps its editor while only it changes the draft."""

from __future__ import annotations

import copy
import json

import pytest

import store
from journeys.model import tables
from journeys.model.graph import journey_equal
from tests.app.test_editor import draft, edit, editor_key, open_editor, picker, show, texts
from tests.app.test_map_editor import button


def score(at, label: str):
    """The detail panel's score ``label`` (Expectation, Experience)."""
    [found] = [n for n in at.number_input if n.label == label]
    return found


def test_a_table_keeps_its_editor_while_only_it_edits_and_starts_anew_after_a_change_elsewhere(app, demo):
    """Edits in the touchpoint table keep its key, each building on the last; a change of what it shows made
    elsewhere (an experience score in the detail panel) creates it anew, showing that change."""
    at = open_editor(app, demo)
    key = editor_key(at, "touchpoints")
    edit(at, "touchpoints", edited={0: {"owner": "Growth team"}})
    edit(at, "touchpoints", edited={1: {"owner": "Web team"}})
    assert editor_key(at, "touchpoints") == key
    assert [draft(at, demo).nodes[k]["owner"] for k in ("comparison-portal", "tariff-page")] == [
        "Growth team",
        "Web team",
    ]
    score(at, "Experience").set_value(5).run()
    assert editor_key(at, "touchpoints") != key
    table = at.data_editor(key=editor_key(at, "touchpoints")).value
    assert (table.loc[0, "experience"], table.loc[0, "owner"]) == (5, "Growth team")
    assert draft(at, demo).nodes["comparison-portal"]["experience"] == 5


def test_an_undone_score_stays_undone_when_a_later_run_brings_the_score_the_browser_held_before(app, demo):
    """A run can carry the score as the browser held it before the undo's run reached it (a refresh of the live
    part, sent meanwhile). That old score is no input: the undo stays. A score typed afterwards lands."""
    at = open_editor(app, demo)
    first = draft(at, demo).nodes["comparison-portal"]["experience"]
    typed = 5 if first != 5 else 4
    at = score(at, "Experience").set_value(typed).run()
    held_before = score(at, "Experience")  # the page as the browser still holds it
    at = button(at, "editor.undo").click().run()
    assert draft(at, demo).nodes["comparison-portal"]["experience"] == first
    at = held_before.set_value(typed).run()
    assert draft(at, demo).nodes["comparison-portal"]["experience"] == first
    assert score(at, "Experience").value == first
    at = score(at, "Experience").set_value(typed).run()
    assert draft(at, demo).nodes["comparison-portal"]["experience"] == typed


def test_typing_into_two_tables_at_once_keeps_both(app, demo):
    """A need and a touchpoint's owner typed before the page ran again both reach the draft; the touchpoint
    table, which shows no needs, keeps its editor, and the need goes on growing next to its edits."""
    at = open_editor(app, demo)
    edit(at, "touchpoints", edited={0: {"owner": "Growth team"}})
    key = editor_key(at, "touchpoints")
    at.session_state[editor_key(at, "needs.comparison-portal")] = {
        "edited_rows": {0: {"motivation": "No surprises"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    edit(at, "touchpoints", edited={2: {"owner": "Shop team"}})
    edit(at, "touchpoints", edited={1: {"owner": "Web team"}})
    G = draft(at, demo)
    assert [G.nodes[k]["owner"] for k in ("comparison-portal", "tariff-page", "shop-advice")] == [
        "Growth team",
        "Web team",
        "Shop team",
    ]
    assert G.nodes["comparison-portal"]["needs"][0]["motivation"] == "No surprises"
    assert editor_key(at, "touchpoints") == key
    assert "changed touchpoints Tariff comparison portal" in texts(at)  # the unsaved changes, listed


def test_an_edit_lost_to_a_change_elsewhere_is_said(app, demo):
    """Where a change elsewhere alters what a table shows while it holds an edit not taken yet, the table starts
    anew from the draft and asks for that edit again: nothing is lost without a word."""
    at = open_editor(app, demo)
    key = editor_key(at, "touchpoints")
    at.session_state[key] = {"edited_rows": {0: {"owner": "Growth team"}}, "added_rows": [], "deleted_rows": []}
    score(at, "Experience").set_value(5).run()
    assert editor_key(at, "touchpoints") != key
    assert draft(at, demo).nodes["comparison-portal"]["experience"] == 5
    assert any("your last edit here was not taken" in w.value for w in at.warning)


def test_save_clicked_right_after_an_edit_saves_the_edit(app, db, demo):
    """An edit and the click on Save in the same run (a user who types and saves at once): the edit is saved."""
    at = edit(open_editor(app, demo), "touchpoints", edited={0: {"owner": "Growth team"}})
    at.session_state[editor_key(at, "touchpoints")] = {
        "edited_rows": {0: {"owner": "Growth team"}, 8: {"owner": "Service desk"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="editor.save").click().run()
    assert not at.exception
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 2 and graph.nodes["hotline"]["owner"] == "Service desk"
    assert not any("Unsaved" in m.value for m in at.markdown)


def test_two_scores_typed_at_once_both_land_and_show_in_the_table(app, demo):
    """Expectation and experience typed before the page ran again both reach the draft, and the touchpoint
    table shows them in the same run; after Discard the detail panel shows the saved scores again."""
    at = open_editor(app, demo)
    picker(at).set_value("hotline").run()
    score(at, "Expectation").set_value(1)
    score(at, "Experience").set_value(2)
    at.run()
    hotline = draft(at, demo).nodes["hotline"]
    assert (hotline["expectation"], hotline["experience"]) == (1, 2)
    table = at.data_editor(key=editor_key(at, "touchpoints")).value
    assert (table.loc[8, "expectation"], table.loc[8, "experience"]) == (1, 2)
    at.button(key="editor.discard").click().run()
    at.button(key="editor.discard.yes").click().run()
    hotline = draft(at, demo).nodes["hotline"]
    shown = (score(at, "Expectation").value, score(at, "Experience").value)
    assert shown == (hotline["expectation"], hotline["experience"]) != (1, 2)


def test_an_edit_typed_right_before_another_section_is_chosen_lands(app, demo):
    """An owner typed and at once another section chosen came with the run that no longer shows the touchpoint
    table: it reaches the draft all the same."""
    at = open_editor(app, demo)
    at.session_state[editor_key(at, "touchpoints")] = {
        "edited_rows": {0: {"owner": "Growth team"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.segmented_control(key="editor.section").set_value("transitions").run()
    assert draft(at, demo).nodes["comparison-portal"]["owner"] == "Growth team"
    assert editor_key(at, "transitions") and not [e for e in at.data_editor if "touchpoints" in (e.key or "")]


def test_an_edit_typed_right_before_another_touchpoint_is_chosen_lands(app, demo):
    """A motivation typed and at once another touchpoint chosen came with the run that shows the other one's
    details: it reaches the draft all the same."""
    at = open_editor(app, demo)
    at.session_state[editor_key(at, "needs.comparison-portal")] = {
        "edited_rows": {0: {"motivation": "No surprises"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    picker(at).set_value("hotline").run()
    assert draft(at, demo).nodes["comparison-portal"]["needs"][0]["motivation"] == "No surprises"
    assert editor_key(at, "needs.hotline") and picker(at).value == "hotline"


def test_a_table_shows_its_edits_after_a_change_of_language(app, demo):
    """German chosen after an edit: the touchpoint table, in German now, shows the edit, and the draft keeps it."""
    at = edit(open_editor(app, demo), "touchpoints", edited={0: {"owner": "Growth team"}})
    key = editor_key(at, "touchpoints")
    at.session_state["lang"] = "de"
    at.run()
    table = at.data_editor(key=editor_key(at, "touchpoints"))
    assert table.value.loc[0, "owner"] == "Growth team"
    assert json.loads(table.proto.columns)["owner"]["label"] == "Verantwortlich"
    assert table.key != key  # a table in other words is another editor for Streamlit: made anew from the draft
    assert draft(at, demo).nodes["comparison-portal"]["owner"] == "Growth team"


FIRST = "comparison-portal"  # the touchpoint the detail panel shows first
SENT = {  # per table: what the browser reports of a quick burst of typing in it, and how its part is rebuilt
    "touchpoints": (
        {"edited_rows": {0: {"owner": "Growth team", "channel": "app", "personas": ["petra"], "moment_of_truth": True,
                             "experience": 2, "description": "Compares on price"}},
         "added_rows": [{"name": "Live chat", "stage": "support", "backstage": False, "moment_of_truth": False,
                         "entry": False, "exit": False, "drop_out": False}],
         "deleted_rows": [12]},
        lambda G: tables.touchpoints_frame(G), tables.apply_touchpoints,
    ),
    "transitions": (
        {"edited_rows": {0: {"label": "compares", "share": 0.6}, 1: {"share": 0.4}},
         "added_rows": [{"from": "hotline", "to": "cancel", "share": 0.1}], "deleted_rows": [15]},
        lambda G: tables.transitions_frame(G), tables.apply_transitions,
    ),
    "stages": (
        {"edited_rows": {0: {"name": "Finding out"}, 6: {"position": 0.5}},
         "added_rows": [{"name": "Aftercare", "position": 9}], "deleted_rows": []},
        lambda G: tables.stages_frame(G), tables.apply_stages,
    ),
    "personas": (
        {"edited_rows": {0: {"quote": "Just make it work", "value": 1250.5}},
         "added_rows": [{"name": "Newcomer", "segment": "students"}], "deleted_rows": [1]},
        lambda G: tables.personas_frame(G), tables.apply_personas,
    ),
    f"needs.{FIRST}": (
        {"edited_rows": {0: {"motivation": "Because money is short"}},
         "added_rows": [{"text": "Know the speed", "kind": "functional", "persona": "jonas"}], "deleted_rows": []},
        lambda G: tables.needs_frame(G, FIRST), lambda G, f: tables.apply_needs(G, FIRST, f),
    ),
    f"pains.{FIRST}": (
        {"edited_rows": {}, "added_rows": [{"text": "Too many tariffs", "severity": 4, "evidence": "interview"}],
         "deleted_rows": []},
        lambda G: tables.pains_frame(G, FIRST), lambda G, f: tables.apply_pains(G, FIRST, f),
    ),
    f"emotions.{FIRST}": (
        {"edited_rows": {0: {"emotion": -2}, 1: {"emotion": 1}}, "added_rows": [], "deleted_rows": []},
        lambda G: tables.emotions_frame(G, FIRST), lambda G, f: tables.apply_emotions(G, FIRST, f),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(SENT))
def test_an_edit_taken_as_it_arrives_makes_the_same_journey_as_the_table_drawn(app, demo, name):
    """In the browser a table's edits go into the draft as they arrive, before the page runs, from what the browser
    reports (:func:`journeys.model.tables.edited_frame`); under AppTest, from the frame the table returns when
    drawn. Both make the same journey, for every kind of cell, added and deleted rows, in every table."""
    sent, frame, apply = SENT[name]
    at = open_editor(app, demo)
    if name in ("stages", "personas", "transitions"):
        at = show(at, name)
    before = draft(at, demo)
    at.session_state[editor_key(at, name)] = copy.deepcopy(sent)
    at.run()
    assert not at.exception
    drawn = draft(at, demo)
    taken = apply(before, tables.edited_frame(frame(before), copy.deepcopy(sent)))
    taken = taken[0] if isinstance(taken, tuple) else taken
    assert not journey_equal(drawn, before), "the edit changed nothing: the case shows nothing"
    assert journey_equal(drawn, taken)
