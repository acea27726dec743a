"""The Editor's unsaved draft outlives the session: kept per person, offered again in a new session (a reload, a tab)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

import store
from store.drafts import keep_draft, kept_draft
from tests.app.conftest import APP
from tests.app.test_access import ACCESS, AUTH, EDITOR
from tests.app.test_editor import badges, draft, edit, open_editor
from ui.browser import BROWSER

BROWSER_ID = "0123456789abcdef0123456789abcdef"
PORTAL = "comparison-portal"  # the first touchpoint of the broadband demo
CONTINUE = re.compile(r"Continue your unsaved changes from .+ \(based on version (\d+)\)")


def tab(browser: str = BROWSER_ID) -> AppTest:
    """A new session of the same browser (a reload, another tab): nothing in session state but the name and the id
    that the browser keeps (AppTest runs no custom component, so they are put where the component puts them)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["author"] = "Test User"
    at.session_state[BROWSER] = browser
    return at


def kept(db, journey_id: str, person: str = BROWSER_ID):
    found = kept_draft(session=db, journey_id=journey_id, person=person)
    db.rollback()
    return found


def continue_button(at: AppTest):
    return at.button(key="editor.kept.continue")


def offered(at: AppTest) -> bool:
    return any(b.key == "editor.kept.continue" for b in at.button)


def leave_an_edit(db, demo) -> AppTest:
    """A first session renames the first touchpoint and leaves without saving."""
    first = open_editor(tab(), demo)
    edit(first, "touchpoints", edited={0: {"name": "Portal (kept)"}})
    found = kept(db, demo)
    assert found is not None and '"Portal (kept)"' in found.text and found.base_version == 1
    return first


def test_an_edit_is_kept_at_once_and_dropped_on_save(db, demo):
    """Each edit is written for this browser; a save drops it; a draft back at the saved journey keeps nothing."""
    at = open_editor(tab(), demo)
    assert kept(db, demo) is None  # opening writes nothing
    edit(at, "touchpoints", edited={0: {"name": "Portal"}})
    assert '"Portal"' in kept(db, demo).text
    edit(at, "touchpoints", edited={0: {"name": "Portal 2"}})
    assert '"Portal 2"' in kept(db, demo).text
    at.button(key="editor.save").click().run()
    assert store.current_version(session=db, journey_id=demo) == 2
    assert kept(db, demo) is None
    edit(at, "touchpoints", edited={0: {"name": "Portal 3"}})
    edit(at, "touchpoints", edited={0: {"name": "Portal 2"}})  # back to what is saved
    assert kept(db, demo) is None


def test_a_kept_draft_is_offered_in_a_new_session_and_continued(db, demo):
    """After a reload the Editor offers the unsaved changes; continuing brings them back, and Save saves them."""
    leave_an_edit(db, demo)
    at = open_editor(tab(), demo)
    assert not at.exception
    assert draft(at, demo).nodes[PORTAL]["name"] == "Tariff comparison portal"  # not taken without asking
    assert any("are still here" in i.value for i in at.info)
    assert CONTINUE.fullmatch(continue_button(at).label).group(1) == "1"
    continue_button(at).click().run()
    assert not offered(at)
    assert draft(at, demo).nodes[PORTAL]["name"] == "Portal (kept)"
    assert any("Unsaved" in b for b in badges(at))
    at.button(key="editor.save").click().run()
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert (version, graph.nodes[PORTAL]["name"]) == (2, "Portal (kept)")
    assert kept(db, demo) is None


def test_discarding_a_kept_draft_asks_first(db, demo):
    """Discarding the kept changes asks with the one confirmation; cancel keeps them, agreeing drops them."""
    leave_an_edit(db, demo)
    at = open_editor(tab(), demo)
    at.button(key="editor.kept.discard").click().run()
    assert any("Discard your unsaved changes from" in w.value for w in at.warning)
    assert kept(db, demo) is not None  # not before the user agrees
    at.button(key="editor.kept.discard.cancel").click().run()
    assert offered(at) and kept(db, demo) is not None
    at.button(key="editor.kept.discard").click().run()
    at.button(key="editor.kept.discard.yes").click().run()
    assert not offered(at) and kept(db, demo) is None
    assert draft(at, demo).nodes[PORTAL]["name"] == "Tariff comparison portal"
    assert not offered(open_editor(tab(), demo))  # nor in the next session


def test_continuing_after_others_saved_keeps_the_base_and_the_save_merges_their_changes(db, demo):
    """A draft based on version 1 of a journey now at version 2: offered as such; its save brings both together."""
    leave_an_edit(db, demo)
    graph, version = store.load_journey(session=db, journey_id=demo)
    graph.nodes["hotline"]["name"] = "Hotline (someone else)"
    store.save_journey(session=db, graph=graph, expected_version=version, author="Someone Else")
    at = open_editor(tab(), demo)
    assert any("saved as version 2 since" in i.value for i in at.info)
    continue_button(at).click().run()
    assert at.session_state[f"editor.{demo}"].base == 1
    at.button(key="editor.save").click().run()
    assert not at.error
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 3
    assert (graph.nodes[PORTAL]["name"], graph.nodes["hotline"]["name"]) == ("Portal (kept)", "Hotline (someone else)")


def test_continuing_a_draft_that_clashes_with_a_newer_save_meets_the_conflict(db, demo):
    """The kept draft renamed the portal; someone renamed it otherwise since: the save asks which name stays."""
    leave_an_edit(db, demo)
    graph, version = store.load_journey(session=db, journey_id=demo)
    graph.nodes[PORTAL]["name"] = "Portal (someone else)"
    store.save_journey(session=db, graph=graph, expected_version=version, author="Someone Else")
    at = open_editor(tab(), demo)
    continue_button(at).click().run()
    at.button(key="editor.save").click().run()
    assert any("clash" in e.value for e in at.error)
    options = at.radio(key=f"editor.conflict.{demo}.touchpoint:{PORTAL}:name").options
    assert [o.replace("\\", "") for o in options] == ["Mine: Portal (kept)", "Someone Else: Portal (someone else)"]
    assert store.current_version(session=db, journey_id=demo) == 2  # nothing of the draft written over it


def test_an_edit_without_continuing_replaces_the_kept_draft(db, demo):
    """Editing instead of answering the offer withdraws it: the newer changes are the ones kept."""
    leave_an_edit(db, demo)
    at = open_editor(tab(), demo)
    assert offered(at)
    edit(at, "touchpoints", edited={1: {"name": "Newer edit"}})
    assert not offered(at)
    assert '"Newer edit"' in kept(db, demo).text and '"Portal (kept)"' not in kept(db, demo).text


def test_another_browser_is_not_offered_the_draft(db, demo):
    """A draft is kept per person: another browser opens the saved journey and is offered nothing."""
    leave_an_edit(db, demo)
    at = open_editor(tab("fedcba9876543210fedcba9876543210"), demo)
    assert not offered(at)
    assert kept(db, demo) is not None


def test_a_kept_draft_equal_to_the_saved_journey_is_dropped_without_an_offer(db, demo):
    """A kept draft with nothing unsaved in it (saved by then) is not offered, and forgotten."""
    graph, _ = store.load_journey(session=db, journey_id=demo)
    from journeys.model.tables import write_draft

    keep_draft(session=db, journey_id=demo, person=BROWSER_ID, text=write_draft(graph), base_version=1)
    at = open_editor(tab(), demo)
    assert not offered(at)
    assert kept(db, demo) is None


def test_with_sign_in_the_draft_belongs_to_the_signed_in_user(db, demo):
    """With sign-in the person is the user's e-mail address, whichever browser they use."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["auth"], at.secrets["access"] = AUTH, ACCESS
    at.user = {"is_logged_in": True, **EDITOR}
    at = open_editor(at, demo)
    edit(at, "touchpoints", edited={0: {"name": "Bob's portal"}})
    assert '"Bob\'s portal"' in kept(db, demo, EDITOR["email"]).text
    assert kept(db, demo) is None


def test_the_offer_speaks_the_users_language(db, demo):
    """In German the offer, its time and its buttons are German."""
    leave_an_edit(db, demo)
    at = tab()
    at.query_params["lang"] = "de"
    at = open_editor(at, demo)
    label = continue_button(at).label
    assert re.fullmatch(
        r"Ihre ungespeicherten Änderungen von \d{1,2}:\d{2} fortsetzen \(ausgehend von Version 1\)", label
    )
    assert any("sind noch da" in i.value for i in at.info)
    assert at.button(key="editor.kept.discard").label == "Verwerfen"
