"""The editor page under AppTest: a draft per journey, edited through its tables, saved on request."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from streamlit.testing.v1 import AppTest

import store
from journeys.model.graph import journey_equal
from journeys.model.tables import read_draft
from store.summaries import render
from tests.app.conftest import APP
from ui.text import md


def open_editor(at: AppTest, journey_id: str) -> AppTest:
    """Open ``journey_id`` in the editor as a deep link does."""
    at.run()
    at.switch_page("pages/editor.py")
    at.query_params["journey"] = journey_id
    return at.run()


def editor_key(at: AppTest, name: str) -> str:
    """The current key of the table editor ``name`` (new whenever the table is created anew from the draft)."""
    keys = [e.key for e in at.data_editor if e.key and e.key.startswith(f"editor.w.{name}.")]
    assert len(keys) == 1, keys
    return keys[0]


def edit(at: AppTest, name: str, *, edited=None, added=None, deleted=None) -> AppTest:
    """Edit table ``name`` the way the browser reports an edit, and rerun: the browser sends every edit made in
    the table since it was created, this one on top of those before."""
    key = editor_key(at, name)
    before = at.session_state.get(key) or {}
    rows = {int(row): dict(cells) for row, cells in (before.get("edited_rows") or {}).items()}
    for row, cells in (edited or {}).items():
        rows[row] = {**rows.get(row, {}), **cells}
    at.session_state[key] = {
        "edited_rows": rows,
        "added_rows": [*(before.get("added_rows") or []), *(added or [])],
        "deleted_rows": [*(before.get("deleted_rows") or []), *(deleted or [])],
    }
    return at.run()


def show(at: AppTest, section: str) -> AppTest:
    """Choose a section (Touchpoints, Transitions, ...) below the map."""
    at.segmented_control(key="editor.section").set_value(section)
    return at.run()


def new_touchpoint(**cells) -> dict:
    """An added touchpoint row as the browser sends it: the flag columns filled with their default."""
    return {"backstage": False, "moment_of_truth": False, "entry": False, "exit": False, **cells}


def draft(at: AppTest, journey_id: str):
    return read_draft(at.session_state[f"editor.{journey_id}"].text)


def map_spec(at: AppTest, index: int = 0) -> dict:
    """A plotly map on the page (a saved version's, under History)."""
    charts = at.get("plotly_chart")
    assert len(charts) > index, "no such map on the page"
    return json.loads(charts[index].proto.spec)


def map_model(at: AppTest) -> dict:
    """What the Editor's map editor draws (journeys.charts.canvas.map_model of the draft)."""
    found = [c for c in at.get("bidi_component") if str(c.key).startswith("editor.canvas.")]
    assert len(found) == 1, "one map editor on the page"
    return json.loads(found[0].proto.json)["model"]


def touchpoint_markers(at: AppTest, index: int = 0) -> list:
    """The touchpoint keys on the map editor (``index`` 0) or on the plotly map ``index - 1`` (History's)."""
    if index == 0:
        return [n["key"] for n in map_model(at)["touchpoints"]]
    return next(tr["customdata"] for tr in map_spec(at, index - 1)["data"] if tr.get("customdata"))


def picker(at: AppTest):
    """The detail panel's choice of touchpoint."""
    boxes = [b for b in at.selectbox if b.key and b.key.startswith("editor.w.pick.")]
    assert len(boxes) == 1
    return boxes[0]


def badges(at: AppTest) -> list[str]:
    """The badges on the page (st.badge is a Markdown directive)."""
    return [m.value for m in at.markdown if "-badge[" in m.value]


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "error", "warning", "info") for e in at.get(kind))


def test_demo_journey_shows_its_map_and_tables(app, db, demo):
    """The demo journey opens with one map marker per touchpoint and a row per touchpoint in the table."""
    at = open_editor(app, demo)
    graph, _ = store.load_journey(session=db, journey_id=demo)
    assert not at.exception
    assert sorted(touchpoint_markers(at)) == sorted(graph.nodes)
    table = at.data_editor(key=editor_key(at, "touchpoints")).value
    assert list(table["name"]) == [graph.nodes[n]["name"] for n in graph.nodes]
    assert at.title[0].value == md(graph.graph["name"])
    assert any("Saved · version 1" in b for b in badges(at))


def test_renaming_a_touchpoint_updates_the_draft_and_shows_unsaved(app, db, demo):
    """Typing a new name into the table changes the draft (not the database) and says so."""
    at = open_editor(app, demo)
    edit(at, "touchpoints", edited={8: {"name": "Call the service line"}})
    assert not at.exception
    assert draft(at, demo).nodes["hotline"]["name"] == "Call the service line"
    assert any("Unsaved changes" in b for b in badges(at))
    assert "changed touchpoint Call the service line" in texts(at).replace("\\", "")
    stored, _ = store.load_journey(session=db, journey_id=demo)
    assert stored.nodes["hotline"]["name"] == "Call the hotline"
    # a second edit builds on the first instead of reverting it
    edit(at, "touchpoints", edited={8: {"owner": "Service desk"}})
    assert draft(at, demo).nodes["hotline"]["name"] == "Call the service line"
    assert draft(at, demo).nodes["hotline"]["owner"] == "Service desk"


def problems_shown(at: AppTest) -> list[str]:
    """The "what" column of the problem list next to the data."""
    tables = [d.value for d in at.dataframe if list(d.value.columns) == ["Where", "What is wrong"]]
    return list(tables[0]["What is wrong"]) if tables else []


def test_picking_a_journey_opens_it_and_puts_it_in_the_link(app, demo):
    """Without a journey in the link the editor offers the journeys, and choosing one opens it."""
    app.run()
    at = app.switch_page("pages/editor.py").run()
    assert len(at.data_editor) == 0
    at.selectbox(key="pick.editor.title").set_value(demo).run()
    assert at.query_params["journey"] == demo
    assert len(touchpoint_markers(at)) == 13


def test_added_touchpoint_and_transition_are_saved_with_the_author(app, db, demo):
    """A new row in each table, then Save: the database has both, under the author's name."""
    at = open_editor(app, demo)
    edit(at, "touchpoints", added=[new_touchpoint(name="Chat with support", stage="support", channel="web")])
    edit(show(at, "transitions"), "transitions", added=[{"from": "daily-use", "to": "chat-with-support", "share": 0.2}])
    assert touchpoint_markers(at)[-1] == "chat-with-support"
    assert problems_shown(at) == []
    at.button(key="editor.save").click().run()
    assert not at.exception
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 2
    assert graph.nodes["chat-with-support"]["channel"] == "web"
    assert graph.edges["daily-use", "chat-with-support"]["share"] == 0.2
    latest = store.list_revisions(session=db, journey_id=demo)[0]
    assert latest.author == "Test User" and "added touchpoint Chat with support" in render(latest.changes, "en")
    assert any("Saved · version 2" in b for b in badges(at))
    assert at.session_state[f"editor.{demo}"].base == 2


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        ("transitions", {"edited": {0: {"share": 0.9}}}, "shares of its transitions add up to 1.2 (> 1)"),
        ("transitions", {"edited": {0: {"to": "ghost"}}}, "'ghost' is not a touchpoint of this journey"),
        ("touchpoints", {"added": [new_touchpoint(stage="use")]}, "name is empty"),
    ],
)
def test_invalid_edit_shows_the_problem_and_blocks_saving(app, db, demo, table, change, message):
    """An invalid edit is listed with where and what, and Save writes nothing."""
    at = show(open_editor(app, demo), table)
    edit(at, table, **change)
    assert message in problems_shown(at)
    assert "1 problem to fix before saving" in texts(at)
    assert at.button(key="editor.save").disabled
    assert "fix the 1 problem listed first" in at.button(key="editor.save").help
    assert store.current_version(session=db, journey_id=demo) == 1


def test_detail_panel_edits_the_selected_touchpoint(app, demo):
    """Choosing a touchpoint shows its details; a new pain point and an emotion go into the draft."""
    at = open_editor(app, demo)
    assert picker(at).value == "comparison-portal"
    picker(at).set_value("hotline").run()
    assert editor_key(at, "pains.hotline")
    edit(at, "pains.hotline", added=[{"text": "Music on hold", "severity": 2, "evidence": "survey"}])
    edit(at, "emotions.hotline", edited={0: {"emotion": -1}})
    hotline = draft(at, demo).nodes["hotline"]
    assert hotline["pains"][-1] == {"text": "Music on hold", "severity": 2, "evidence": "survey", "persona": None}
    assert hotline["emotions"]["petra"] == -1


def test_clicking_a_touchpoint_on_the_map_opens_its_details(app, demo):
    """A click on a marker selects that touchpoint for the detail panel (the map reports what it selected)."""
    at = open_editor(app, demo)
    at.session_state[f"editor.canvas.{demo}"] = {"queue": [], "selection": {"keys": ["hotline"], "pick": 1}}
    at.run()
    assert picker(at).value == "hotline"
    assert editor_key(at, "needs.hotline")
    at.run()  # the same report again is no new click: choosing in the panel is not overruled
    picker(at).set_value("install-router").run()
    assert picker(at).value == "install-router"


def test_saves_of_different_touchpoints_at_once_both_land(app, db, demo):
    """Two people edit different touchpoints of one version: the second save merges, nothing is retyped."""
    first = open_editor(app, demo)
    second = AppTest.from_file(str(APP), default_timeout=30)
    second.session_state["author"] = "Second User"
    open_editor(second, demo)
    edit(first, "touchpoints", edited={0: {"owner": "Growth team"}})
    first.button(key="editor.save").click().run()
    edit(second, "touchpoints", edited={8: {"name": "Service line"}})
    second.button(key="editor.save").click().run()
    assert not second.exception and not second.error
    assert any("version 3, together with what Test User saved" in s.value for s in [*second.success, *second.toast])
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 3
    assert (graph.nodes["comparison-portal"]["owner"], graph.nodes["hotline"]["name"]) == (
        "Growth team",
        "Service line",
    )
    assert draft(second, demo).nodes["comparison-portal"]["owner"] == "Growth team"  # the draft is the merged journey
    assert second.session_state[f"editor.{demo}"].base == 3


def test_the_same_field_saved_differently_is_settled_field_by_field(app, db, demo):
    """Both change the portal's owner, the second also renames the hotline: the second save writes nothing and asks
    about the owner alone, naming who saved the other value; choosing "mine" saves both of the second's edits."""
    first = open_editor(app, demo)
    second = AppTest.from_file(str(APP), default_timeout=30)
    second.session_state["author"] = "Second User"
    open_editor(second, demo)
    edit(first, "touchpoints", edited={0: {"owner": "Growth team"}, 2: {"owner": "Shop staff"}})
    first.button(key="editor.save").click().run()
    edit(second, "touchpoints", edited={0: {"owner": "Sales"}, 8: {"name": "Service line"}})
    second.button(key="editor.save").click().run()
    assert not second.exception
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 2 and graph.nodes["hotline"]["name"] == "Call the hotline"  # nothing written yet
    [choice] = [r for r in second.radio if r.key.startswith(f"editor.conflict.{demo}.")]
    assert choice.key == f"editor.conflict.{demo}.touchpoint:comparison-portal:owner"
    assert "Touchpoint Tariff comparison portal · owner" in choice.label
    assert choice.options == ["Mine: Sales", "Test User: Growth team"]
    assert "1 of your changes clash" in "\n".join(e.value for e in second.error)
    assert second.button(key="editor.conflict_apply").disabled  # not before a choice is made
    assert draft(second, demo).nodes["hotline"]["name"] == "Service line"  # nothing to retype

    choice.set_value("mine").run()
    second.button(key="editor.conflict_apply").click().run()
    assert not second.exception and not second.error
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 3
    assert graph.nodes["comparison-portal"]["owner"] == "Sales"  # mine, as chosen
    assert graph.nodes["shop-advice"]["owner"] == "Shop staff"  # theirs, merged
    assert graph.nodes["hotline"]["name"] == "Service line"  # mine, merged
    [latest, *_] = store.list_revisions(session=db, journey_id=demo)
    assert latest.author == "Second User"


def test_choosing_theirs_keeps_their_value_and_the_rest_of_mine(app, db, demo):
    """Choosing "theirs" for the one clash keeps their owner, and the second user's other edit is saved with it."""
    first = open_editor(app, demo)
    second = AppTest.from_file(str(APP), default_timeout=30)
    second.session_state["author"] = "Second User"
    open_editor(second, demo)
    edit(first, "touchpoints", edited={0: {"owner": "Growth team"}})
    first.button(key="editor.save").click().run()
    edit(second, "touchpoints", edited={0: {"owner": "Sales"}, 8: {"name": "Service line"}})
    second.button(key="editor.save").click().run()
    second.radio(key=f"editor.conflict.{demo}.touchpoint:comparison-portal:owner").set_value("theirs").run()
    second.button(key="editor.conflict_apply").click().run()
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 3
    assert (graph.nodes["comparison-portal"]["owner"], graph.nodes["hotline"]["name"]) == (
        "Growth team",
        "Service line",
    )


def test_an_edit_of_a_touchpoint_deleted_meanwhile_can_keep_it(app, db, demo):
    """One deletes "Recommends to others", the other changed its owner: keeping mine brings it back with the edit."""
    first = open_editor(app, demo)
    second = AppTest.from_file(str(APP), default_timeout=30)
    second.session_state["author"] = "Second User"
    open_editor(second, demo)
    edit(first, "touchpoints", deleted=[12])
    first.button(key="editor.save").click().run()
    edit(second, "touchpoints", edited={12: {"owner": "Community"}})
    second.button(key="editor.save").click().run()
    choice = second.radio(key=f"editor.conflict.{demo}.touchpoint:recommend:")
    assert choice.options == ["Mine: changed", "Test User: deleted"]
    assert choice.label == "Touchpoint Recommends to neighbours · deleted on one side, changed on the other"
    choice.set_value("mine").run()
    second.button(key="editor.conflict_apply").click().run()
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 3 and graph.nodes["recommend"]["owner"] == "Community"


def test_history_lists_revisions_and_restores_one(app, db, demo):
    """History shows every save; restoring version 1 brings its content back as a new version."""
    at = open_editor(app, demo)
    edit(at, "touchpoints", deleted=[12])
    at.button(key="editor.save").click().run()
    show(at, "history")
    revisions = next(d.value for d in at.dataframe if "What changed" in d.value.columns)
    assert list(revisions.iloc[:, 0]) == [2, 1]
    assert list(revisions.iloc[:, 1]) == ["Test User", "demo"]
    at.selectbox(key=f"editor.preview.{demo}").set_value(1).run()
    assert "recommend" not in touchpoint_markers(at, 0) and "recommend" in touchpoint_markers(at, 1)
    at.button(key="editor.restore").click().run()
    assert store.current_version(session=db, journey_id=demo) == 2  # not before the user agrees
    assert any("Make version 1 the current version" in w.value for w in at.warning)
    db.rollback()
    at.button(key="editor.restore.yes").click().run()
    assert not at.exception
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 3 and "recommend" in graph
    assert at.session_state[f"editor.{demo}"].base == 3
    assert "recommend" in draft(at, demo)


def test_discard_returns_to_the_saved_journey(app, demo):
    """Discard changes drops the draft's edits and the unsaved badge."""
    at = open_editor(app, demo)
    edit(at, "touchpoints", edited={0: {"name": "Portal"}})
    at.button(key="editor.discard").click().run()
    question = next(w.value for w in at.warning if "Discard your unsaved changes" in w.value)
    assert "changed touchpoint Portal" in question and draft(at, demo).nodes["comparison-portal"]["name"] == "Portal"
    at.button(key="editor.discard.cancel").click().run()  # kept
    assert draft(at, demo).nodes["comparison-portal"]["name"] == "Portal"
    at.button(key="editor.discard").click().run()
    at.button(key="editor.discard.yes").click().run()
    assert draft(at, demo).nodes["comparison-portal"]["name"] == "Tariff comparison portal"
    assert not any("Unsaved" in b for b in badges(at))


def test_user_text_is_shown_as_text(app, demo):
    """A touchpoint named like Markdown or HTML is shown literally, not rendered."""
    at = open_editor(app, demo)
    edit(at, "touchpoints", edited={0: {"name": "<b>**bold**</b> :red[x]"}})
    caption = next(c.value for c in at.caption if "changed touchpoint" in c.value)
    assert md("<b>**bold**</b> :red[x]") in caption


def test_blank_journey_can_be_filled_from_nothing(app, db):
    """A journey without touchpoints opens with empty tables; a first row makes the first touchpoint."""
    from journeys.model.templates import blank_journey

    journey_id = store.create_journey(session=db, graph=blank_journey("Moving house"), author="demo")
    at = open_editor(app, journey_id)
    assert not at.exception
    assert len(at.data_editor(key=editor_key(at, "touchpoints")).value) == 0
    edit(at, "touchpoints", added=[new_touchpoint(name="Find a new tariff")])
    assert draft(at, journey_id).nodes["find-a-new-tariff"]["stage"] == "awareness"
    assert picker(at).value == "find-a-new-tariff"


def test_deleting_the_persona_shown_on_the_map(app, demo):
    """Removing the persona whose emotions colour the map falls back to the experience colours."""
    at = open_editor(app, demo)
    at.segmented_control(key=f"editor.persona.{demo}").set_value("jonas").run()
    assert map_model(at)["emotion"]["title"] == "Emotion curve: Jonas, home-office worker"
    edit(show(at, "personas"), "personas", deleted=[1])
    assert not at.exception
    assert [p["id"] for p in draft(at, demo).graph["personas"]] == ["petra"]
    assert map_model(at)["emotion"] is None


def test_missing_journey_offers_the_list(app, demo):
    """A link to a journey that does not exist says so and offers the journeys instead."""
    at = open_editor(app, "no-such-journey")
    assert not at.exception
    assert "does not exist" in at.warning[0].value
    assert at.selectbox(key="pick.editor.title").options


def test_stage_with_touchpoints_is_not_deleted(app, demo):
    """Deleting a stage that still holds touchpoints is refused with a message; the stage stays."""
    at = show(open_editor(app, demo), "stages")
    edit(at, "stages", deleted=[5])
    assert [s["id"] for s in draft(at, demo).graph["stages"]][5] == "support"
    assert "Support still hold touchpoints" in at.toast[0].value


def test_german_editor(app, demo):
    """With German chosen, the editor speaks German."""
    app.session_state["lang"] = "de"
    at = open_editor(app, demo)
    assert at.button(key="editor.save").label == "Speichern als Test User"
    assert any("Gespeichert · Version 1" in b for b in badges(at))


def test_german_editor_lists_problems_in_german(app, db, demo):
    """With German chosen, a problem of the draft is listed in German, the touchpoint by its name."""
    app.session_state["lang"] = "de"
    at = edit(open_editor(app, demo), "touchpoints", edited={8: {"name": ""}})
    [listed] = [d.value for d in at.dataframe if list(d.value.columns) == ["Wo", "Was nicht stimmt"]]
    assert list(listed["Wo"]) == ["Touchpoint 'hotline'"]  # a touchpoint without a name is named by its key
    assert list(listed["Was nicht stimmt"]) == ["Das Feld Name ist leer"]
    assert at.button(key="editor.save").disabled
    assert store.current_version(session=db, journey_id=demo) == 1


def test_saving_needs_the_author_name(app, db, demo):
    """Without a name in the sidebar, Save stays disabled and the editor asks for the name."""
    app.session_state["author"] = ""
    at = open_editor(app, demo)
    edit(at, "touchpoints", edited={0: {"owner": "Growth team"}})
    assert at.button(key="editor.save").disabled
    assert "Enter your name in the sidebar first" in at.warning[0].value
    assert store.current_version(session=db, journey_id=demo) == 1


def test_a_workshop_builds_a_whole_journey_and_finds_it_after_a_restart(app, db):
    """From a blank journey: two personas, ten touchpoints with a branch and a loop, needs and pain points; saved, intact after a restart."""
    import streamlit as st

    from journeys.model.templates import blank_journey

    journey_id = store.create_journey(session=db, graph=blank_journey("Moving house"), author="demo")
    at = open_editor(app, journey_id)
    edit(show(at, "personas"), "personas", added=[{"name": "Mia, student"}, {"name": "Karl, family"}])
    names = [
        "Ad",
        "Tariff check",
        "Order",
        "Install",
        "First use",
        "Hotline",
        "Technician",
        "Daily use",
        "Cancel",
        "Refer",
    ]
    stages = [
        "awareness",
        "consideration",
        "purchase",
        "onboarding",
        "use",
        "support",
        "support",
        "use",
        "loyalty",
        "loyalty",
    ]
    rows = [new_touchpoint(name=n, stage=s) for n, s in zip(names, stages, strict=True)]
    edit(show(at, "touchpoints"), "touchpoints", added=rows)
    keys = list(draft(at, journey_id).nodes)
    assert len(keys) == 10
    k = dict(zip(names, keys, strict=True))
    links = [("Ad", "Tariff check", 1.0), ("Tariff check", "Order", 0.7), ("Order", "Install", 1.0),
             ("Install", "First use", 0.6), ("Install", "Hotline", 0.4), ("First use", "Daily use", 1.0),
             ("Daily use", "Hotline", 0.2), ("Hotline", "Technician", 0.5), ("Technician", "Daily use", 0.9),
             ("Hotline", "Cancel", 0.3), ("Daily use", "Refer", 0.3)]  # fmt: skip
    added = [{"from": k[a], "to": k[b], "share": s} for a, b, s in links]
    edit(show(at, "transitions"), "transitions", added=added)
    picker(at).set_value(k["Hotline"]).run()
    persona = next(iter(p["id"] for p in draft(at, journey_id).graph["personas"]))
    edit(at, f"needs.{k['Hotline']}", added=[{"text": "Working internet tonight", "motivation": "Exam tomorrow",
                                      "kind": "emotional", "persona": persona}])  # fmt: skip
    edit(at, f"pains.{k['Hotline']}", added=[{"text": "30 minutes on hold", "severity": 4, "evidence": "interview"}])
    assert problems_shown(at) == []
    at.button(key="editor.save").click().run()
    assert not at.exception
    saved = draft(at, journey_id)

    st.cache_resource.clear()  # a restart: no engine, no cached journey, a new browser session
    st.cache_data.clear()
    again = open_editor(AppTest.from_file(str(APP), default_timeout=30), journey_id)
    reopened = draft(again, journey_id)
    stored, version = store.load_journey(session=db, journey_id=journey_id)
    assert version == 2
    for G in (reopened, stored):
        assert [p["name"] for p in G.graph["personas"]] == ["Mia, student", "Karl, family"]
        assert [G.nodes[n]["name"] for n in G] == names
        assert G.out_degree(k["Install"]) == 2  # a branch
        assert not nx.is_directed_acyclic_graph(G)  # a loop: daily use → hotline → technician → daily use
        assert G.nodes[k["Hotline"]]["needs"][0]["motivation"] == "Exam tomorrow"
        assert G.nodes[k["Hotline"]]["pains"][0]["severity"] == 4
    assert journey_equal(reopened, stored) and journey_equal(saved, stored)


def test_the_map_follows_every_change_of_the_draft(app, demo):
    """The map is drawn once per draft: a rename shows on it at once, and discarding brings the old name back."""
    at = open_editor(app, demo)
    names = lambda: {n["name"] for n in map_model(at)["touchpoints"]}  # noqa: E731
    assert "Call the hotline" in names()
    edit(at, "touchpoints", edited={8: {"name": "Call the service line"}})
    assert "Call the service line" in names() and "Call the hotline" not in names()
    at.button(key="editor.discard").click().run()
    at.button(key="editor.discard.yes").click().run()
    assert "Call the hotline" in names() and "Call the service line" not in names()


def test_labels_say_what_the_controls_do(app, demo):
    """The persona switch above the map says it colours the map; an empty need or motivation cell shows no
    "all personas" (that is the persona column's help, where it belongs)."""
    at = open_editor(app, demo)
    assert [s.label for s in at.get("button_group") if s.key == f"editor.persona.{demo}"] == [
        "Colour the map by persona"
    ]
    picker(at).set_value("hotline").run()
    for name in ("needs.hotline", "pains.hotline"):
        table = at.data_editor(key=editor_key(at, name))
        assert table.proto.editing_mode and "all personas" not in (table.proto.placeholder or ""), name
        persona = json.loads(table.proto.columns)["persona"]
        assert persona["help"] == "Empty: holds for all personas."
