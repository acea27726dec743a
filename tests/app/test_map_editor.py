"""The map editor under AppTest: edits sent from the map are applied once and in order, undo and redo cover them
and the tables alike. (The browser side is in tests/e2e/test_map_editing.py.)"""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

import store
from tests.app.test_editor import badges, draft, edit, open_editor, picker

CLIENT = "tab-1"


def model(at: AppTest) -> dict:
    """What the map editor draws (the data the page sends to it)."""
    found = [c for c in at.get("bidi_component") if str(c.key).startswith("editor.canvas.")]
    assert len(found) == 1, "one map editor on the page"
    return json.loads(found[0].proto.json)


def send(at: AppTest, jid: str, *entries: dict) -> AppTest:
    """The map's queue of edits, as the browser reports it, and a rerun."""
    at.session_state[f"editor.canvas.{jid}"] = {"queue": list(entries), "selection": None}
    return at.run()


def ops(seq: int, *operations: dict, client: str = CLIENT) -> dict:
    return {"client": client, "seq": seq, "ops": list(operations)}


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def names(at: AppTest, jid: str) -> set[str]:
    return {d["name"] for _, d in draft(at, jid).nodes(data=True)}


def test_the_map_shows_every_touchpoint_and_transition_of_the_draft(app, demo):
    at = open_editor(app, demo)
    drawn = model(at)["model"]
    G = draft(at, demo)
    assert [n["key"] for n in drawn["touchpoints"]] == list(G)
    assert [(e["source"], e["target"]) for e in drawn["transitions"]] == list(G.edges)
    assert drawn["stages"][0]["name"] == "Awareness"


def pick(at: AppTest, jid: str, key: str, number: int) -> AppTest:
    """A click on touchpoint ``key`` on the map (the map's ``number``-th choice), as the browser reports it."""
    at.session_state[f"editor.canvas.{jid}"] = {"queue": [], "selection": {"keys": [key], "pick": number}}
    return at.run()


def test_a_touchpoint_chosen_on_the_map_opens_and_the_map_gets_the_same_data_again(app, demo):
    """A click on the map opens the touchpoint in the detail panel; the map, which shows it chosen already, gets
    the very data it had (so Streamlit sends it a short reference, not the whole map, again). A touchpoint chosen
    in the detail panel is handed to the map."""
    at = open_editor(app, demo)
    first = model(at)
    one, other = list(draft(at, demo))[2:4]
    for number, key in enumerate((one, other, one), start=1):
        at = pick(at, demo, key, number)
        assert picker(at).value == key
        assert model(at) == first
    picker(at).set_value(other).run()
    assert model(at)["selected"] == other


def test_a_click_on_the_map_holds_when_a_later_run_brings_the_choice_the_browser_showed_before(app, demo):
    """A run can carry the widget values the browser held before the last run's reached it (a refresh of the live
    part, sent while the click's run was under way). The detail panel's old choice of touchpoint must not read as
    a new choice then: the touchpoint clicked stays open, and the map gets the same data again."""
    at = open_editor(app, demo)
    one, other = list(draft(at, demo))[2:4]
    at = pick(at, demo, one, 1)
    first = model(at)
    held_before = picker(at)  # the page as the browser still holds it
    at = pick(at, demo, other, 2)
    at = held_before.set_value(one).run()
    assert picker(at).value == other
    assert model(at) == first
    at = at.run()
    assert picker(at).value == other
    assert model(at) == first


def _choice_made_for(shown: str, value: str) -> None:
    """A run in which the choice of touchpoint drawn for ``shown`` reports ``value``, after a click on the map
    opened touchpoint "b"."""
    import streamlit as st

    from ui.editor import detail, state

    picker = state.showing("j", "pick", shown)
    state.workspace("j").selected = "b"
    st.session_state[picker] = value
    detail._pick("j", shown, picker)
    st.text(state.workspace("j").selected)


def test_a_choice_of_touchpoint_drawn_before_a_click_on_the_map_undoes_nothing():
    """A run cut short by the next one leaves the choice drawn for the touchpoint shown before in place; its value
    can still come back with a later run. Holding its own touchpoint, it is no choice: "b", opened on the map, stays
    open. A choice of another touchpoint in it is one."""
    shown = [AppTest.from_function(_choice_made_for, args=("a", value), default_timeout=30).run() for value in "ac"]
    assert [at.text[0].value for at in shown] == ["b", "c"]


def test_an_edit_from_the_map_lands_once_and_in_order(app, demo):
    at = open_editor(app, demo)
    add = {"op": "add", "name": "Chat with support", "stage": "support", "backstage": False, "before": None}
    first = ops(1, add)
    at = send(at, demo, first)
    assert "Chat with support" in names(at, demo)
    assert model(at)["acked"] == {CLIENT: 1}  # the map hears that its edit is applied
    key = next(k for k, d in draft(at, demo).nodes(data=True) if d["name"] == "Chat with support")
    rename = ops(2, {"op": "set", "key": key, "field": "name", "value": "Live chat"})
    connect = ops(3, {"op": "connect", "source": "hotline", "target": key, "share": None, "label": ""})
    at = send(at, demo, first, rename, connect)  # the queue still holds the first edit: it is not applied again
    G = draft(at, demo)
    assert sum(d["name"] in ("Chat with support", "Live chat") for _, d in G.nodes(data=True)) == 1
    assert G.nodes[key]["name"] == "Live chat" and G.has_edge("hotline", key)
    assert any("Unsaved changes" in b for b in badges(at))


def test_an_edit_that_does_not_fit_is_refused_with_the_reason_and_the_next_one_lands(app, demo):
    at = open_editor(app, demo)
    ghost = ops(1, {"op": "delete", "keys": ["ghost"]})
    fine = ops(2, {"op": "set", "key": "hotline", "field": "owner", "value": "Customer care"})
    at = send(at, demo, ghost, fine)
    assert draft(at, demo).nodes["hotline"]["owner"] == "Customer care"
    shown = " ".join(str(e.value) for e in [*at.error, *at.toast, *at.warning])
    assert "ghost" in shown, shown
    assert len(draft(at, demo)) == 13


def test_undo_and_redo_cover_the_map_and_the_tables(app, demo):
    at = open_editor(app, demo)
    assert button(at, "editor.undo").disabled
    at = send(at, demo, ops(1, {"op": "move", "keys": ["hotline"], "stage": "use", "backstage": None, "before": None}))
    assert draft(at, demo).nodes["hotline"]["stage"] == "use"
    at = edit(at, "touchpoints", edited={0: {"owner": "Marketing team"}})
    first = next(iter(draft(at, demo)))
    assert draft(at, demo).nodes[first]["owner"] == "Marketing team"
    assert "Owner" in button(at, "editor.undo").help  # says what it would undo

    at = button(at, "editor.undo").click().run()  # the table edit first
    assert draft(at, demo).nodes[first]["owner"] != "Marketing team"
    assert draft(at, demo).nodes["hotline"]["stage"] == "use"
    at = button(at, "editor.undo").click().run()  # then the move on the map
    assert draft(at, demo).nodes["hotline"]["stage"] == "support"
    assert button(at, "editor.undo").disabled and not button(at, "editor.redo").disabled
    at = button(at, "editor.redo").click().run()
    assert draft(at, demo).nodes["hotline"]["stage"] == "use"


def test_undo_from_the_map_keyboard_and_a_save_starts_afresh(app, demo):
    at = open_editor(app, demo)
    rename = ops(1, {"op": "set", "key": "hotline", "field": "name", "value": "Phone support"})
    at = send(at, demo, rename)
    assert draft(at, demo).nodes["hotline"]["name"] == "Phone support"
    at = send(at, demo, rename, {"client": CLIENT, "seq": 2, "command": "undo"})
    assert draft(at, demo).nodes["hotline"]["name"] == "Call the hotline"
    at = send(
        at,
        demo,
        rename,
        {"client": CLIENT, "seq": 2, "command": "undo"},
        {"client": CLIENT, "seq": 3, "command": "redo"},
    )
    assert draft(at, demo).nodes["hotline"]["name"] == "Phone support"
    at = button(at, "editor.save").click().run()
    assert not at.exception
    assert button(at, "editor.undo").disabled  # a saved version is where undo starts from


def test_every_kind_of_edit_leaves_the_drafts_before_it_as_they_were(app, demo):
    """The draft is read once for every reader (one graph per draft for all sessions): no edit may change it in
    place. After edits on the map, in the tables and the detail panel, an undo and a redo, each draft the page
    showed on the way still reads as its text says."""
    from journeys.model.tables import write_draft
    from ui.editor import state

    at = open_editor(app, demo)
    shown = [at.session_state[f"editor.{demo}"].text]

    def seen(run: AppTest) -> AppTest:
        assert not run.exception
        shown.append(run.session_state[f"editor.{demo}"].text)
        return run

    add = {"op": "add", "name": "Chat with support", "stage": "support", "backstage": False, "before": "hotline"}
    move = {"op": "move", "keys": ["hotline"], "stage": "use", "backstage": True, "before": None}
    at = seen(send(at, demo, ops(1, add), ops(2, move)))
    at = seen(send(at, demo, ops(1, add), ops(2, move), ops(3, {"op": "delete", "keys": ["line-check"]})))
    at = seen(edit(at, "touchpoints", edited={0: {"owner": "Marketing team", "personas": ["petra"]}}))
    at = seen(picker(at).set_value("remote-fix").run())
    at = seen(edit(at, "pains.remote-fix", added=[{"text": "Nobody calls back", "severity": 4}]))
    at = seen(edit(at, "needs.remote-fix", edited={0: {"text": "Know when it works again"}}))
    at = seen(button(at, "editor.undo").click().run())
    at = seen(button(at, "editor.redo").click().run())
    assert len(set(shown)) == 6, "every edit made a new draft (undo and redo went back to two of them)"
    for text in shown:
        assert write_draft(state._shown(text)) == text


def test_the_map_gets_the_open_comment_threads_per_touchpoint_for_its_badges(app, db, demo):
    """The map is sent the number of open comment threads of each touchpoint it draws (the badge on the marker), the
    same data again while nothing changes, and none for a thread resolved."""
    at = open_editor(app, demo)
    assert model(at)["comments"] == {}
    first = store.add_comment(session=db, journey_id=demo, author="Ana", text="Q", touchpoint="hotline")
    store.add_comment(session=db, journey_id=demo, author="Ana", text="Q2", touchpoint="hotline")
    at.run()
    drawn = model(at)
    assert drawn["comments"] == {"hotline": 2}
    assert model(at.run()) == drawn
    store.resolve_comment(session=db, comment_id=first, author="Ana")
    assert model(at.run())["comments"] == {"hotline": 1}
