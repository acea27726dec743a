"""Access control under AppTest: open without configuration; with it, sign-in first and a role per user."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo, broadband_to_be
from store import analysis, backup
from tests.app.conftest import APP
from ui import access as access
from ui.text import md

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-cookie",
    "client_id": "journey-workbench",
    "client_secret": "not-a-secret-in-tests",
    "server_metadata_url": "https://id.example.org/.well-known/openid-configuration",
}
ACCESS = {
    "admins": ["ada@example.org"],
    "editors": ["Bob@Example.org", "@workshop.example.org"],
    "default_role": "viewer",
}
ADMIN = {"email": "ada@example.org", "name": "Ada Admin"}
EDITOR = {"email": "bob@example.org", "name": "Bob Editor"}
DOMAIN_EDITOR = {"email": "eve@workshop.example.org", "name": "Eve"}
VIEWER = {"email": "vic@elsewhere.org", "name": "Vic Viewer"}
BROADBAND = "Broadband: router set-up and the hotline"
TO_BE = broadband_to_be(broadband_demo()).graph["name"]
DENIED = "No permission"
EVERY_PAGE = {"Journeys", "Editor", "Scoring", "Ideas", "Surveys", "Review", "Compare", "Portfolio", "Export"}


@pytest.fixture
def menu(monkeypatch) -> dict[str, str]:
    """The navigation menu of the last run: page title → visible or hidden."""
    shown: dict[str, str] = {}
    navigation = st.navigation

    def spy(pages, **kwargs):
        shown.clear()
        for page in [p for section in pages.values() for p in section] if isinstance(pages, dict) else pages:
            shown[page.title] = "hidden" if kwargs.get("position") == "hidden" else page.visibility
        return navigation(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return shown


def listed(menu: dict[str, str]) -> set[str]:
    return {name for name, visibility in menu.items() if visibility == "visible"}


def signed_in(db_url, user: dict | None, access: dict = ACCESS) -> AppTest:
    """The app with sign-in configured, as ``user`` opens it (None: not signed in)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = access
    at.user = {"is_logged_in": True, **user} if user else {"is_logged_in": False}
    return at


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.error, at.warning, at.caption, at.markdown, at.title) for e in kind)


def backup_button(at: AppTest):
    """The admin's backup download in the sidebar, if shown."""
    return next((b for b in at.sidebar.get("download_button") if b.key == "access.backup"), None)


def buttons(at: AppTest) -> set[str]:
    return {b.label for b in at.main.button}


def pick(at: AppTest, view: str, name: str) -> AppTest:
    """In ``view`` of the Journeys page, select the row of journey ``name``."""
    at.segmented_control(key="library.view").set_value(view).run()
    frame = at.dataframe[0]
    row = list(frame.value["name"]).index(name)
    at.session_state[frame.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def trashed(db) -> str:
    """Move the broadband demo to the trash; its id."""
    store.seed_demo_journeys(session=db)
    journey_id = next(j.id for j in store.list_journeys(session=db) if j.name == BROADBAND)
    store.delete_journey(session=db, journey_id=journey_id, author="test")
    db.rollback()
    return journey_id


def test_open_without_configuration_lists_every_page_and_says_so(app, menu):
    """Without [auth] nobody signs in, every page is listed, and the home page says the workbench is open."""
    app.run()
    assert not app.exception
    assert listed(menu) == EVERY_PAGE
    assert any("Open workbench" in c.value for c in app.caption)
    assert {"Sign in", "Sign out"}.isdisjoint(buttons(app) | {b.label for b in app.sidebar.button})
    assert [w.label for w in app.sidebar.text_input] == ["Your name"]
    assert not app.sidebar.text_input[0].disabled  # the author is typed, as before
    assert backup_button(app) is not None  # open: everyone may do everything
    app.segmented_control(key="library.view").set_value("trash").run()
    assert "Only an admin" not in texts(app)


def test_open_note_is_translated(app):
    """The open-workbench line speaks the user's language."""
    app.query_params["lang"] = "de"
    app.run()
    assert any("Offene Workbench" in c.value for c in app.caption)


def test_not_signed_in_sees_only_the_login_screen(db_url, menu):
    """With [auth] and nobody signed in: a Sign in button, no journey, no page menu, no name to type."""
    at = signed_in(db_url, None).run()
    assert not at.exception
    assert buttons(at) == {"Sign in"}
    assert "Only signed-in members" in texts(at)
    assert BROADBAND not in texts(at)
    assert not at.dataframe and not at.sidebar.text_input
    assert listed(menu) == set()
    at.query_params["journey"] = "anything"  # a deep link changes nothing
    at.run()
    assert buttons(at) == {"Sign in"} and not at.dataframe and not at.data_editor and not at.selectbox


def test_login_screen_is_translated(db_url):
    """The login screen speaks German on ?lang=de."""
    at = signed_in(db_url, None)
    at.query_params["lang"] = "de"
    at.run()
    assert buttons(at) == {"Anmelden"}
    assert "Offene Workbench" not in texts(at)


def test_signed_in_without_a_role_is_refused(db_url):
    """With default_role "none", someone signed in but not listed is told so and may sign out, nothing else."""
    at = signed_in(db_url, VIEWER, access={**ACCESS, "default_role": "none"}).run()
    assert "vic@elsewhere.org" in texts(at) and "has no access" in texts(at)
    assert buttons(at) == {"Sign out"}
    assert not at.dataframe


def test_viewer_reads_but_cannot_write(db_url, menu):
    """A viewer gets Journeys, Review, Portfolio and Export, and on Journeys no button that writes."""
    at = signed_in(db_url, VIEWER).run()
    assert not at.exception
    assert listed(menu) == {"Journeys", "Ideas", "Surveys", "Review", "Compare", "Portfolio", "Export"}
    assert "Open workbench" not in texts(at)
    assert "vic@elsewhere.org" in at.sidebar.caption[0].value and "viewer" in at.sidebar.caption[0].value
    assert at.sidebar.text_input[0].value == "Vic Viewer" and at.sidebar.text_input[0].disabled
    views = at.segmented_control(key="library.view").options
    assert len(views) == 3 and not any("New" in v or "Import" in v for v in views)
    assert any(v.startswith("Mentions of me") for v in views)  # comments are read by everyone
    at = pick(at, "list", BROADBAND)
    assert buttons(at) == {"Open in review"}
    assert not at.get("popover")  # no duplicate, no rename
    assert "Read-only" in texts(at)
    assert backup_button(at) is None
    at.button(key="open").click().run()  # a viewer opens a journey for review
    assert not at.exception
    assert [title.value for title in at.title] == ["Review"]
    assert md(BROADBAND) in at.caption[0].value
    assert not at.data_editor


def test_viewer_deep_link_to_the_editor_is_refused(db_url, db):
    """A viewer's deep link to the editor (or scoring) says no permission and shows no journey to edit."""
    store.seed_demo_journeys(session=db)
    journey_id = next(j.id for j in store.list_journeys(session=db) if j.name == BROADBAND)
    at = signed_in(db_url, VIEWER).run()
    for page in ("pages/editor.py", "pages/scoring.py"):
        at.switch_page(page)
        at.query_params["journey"] = journey_id
        at.run()
        assert not at.exception
        assert DENIED in at.error[0].value and "viewer" in at.error[0].value
        assert not at.data_editor and "Save" not in " ".join(buttons(at))


def test_viewer_sees_the_trash_but_cannot_restore(db_url, db):
    """The trash is visible to a viewer, without Restore or Delete for good."""
    trashed(db)
    at = signed_in(db_url, VIEWER).run()
    at = pick(at, "trash", BROADBAND)
    assert {"Restore", "Delete forever"}.isdisjoint(buttons(at))
    assert "Only an admin" in texts(at)


@pytest.mark.parametrize("user", [EDITOR, DOMAIN_EDITOR], ids=["listed", "by-domain"])
def test_editor_edits_and_scores_but_does_not_delete_or_restore(db_url, db, menu, user):
    """An editor gets Editor and Scoring and the write actions, but does not delete, restore or back up."""
    at = signed_in(db_url, user).run()
    assert listed(menu) == EVERY_PAGE
    assert "editor" in at.sidebar.caption[0].value
    assert len(at.segmented_control(key="library.view").options) == 5  # list, new, import, trash, mentions
    at = pick(at, "list", BROADBAND)
    assert "Open in editor" in buttons(at) and "Delete" not in buttons(at) and len(at.get("popover")) == 2
    assert backup_button(at) is None
    trashed(db)
    at = pick(at, "trash", BROADBAND)
    assert {"Restore", "Delete forever"}.isdisjoint(buttons(at))
    assert "Only an admin" in texts(at)


def test_editor_saves_and_scores_under_the_signed_in_name(db_url, db):
    """An editor's save and scores land under the name they signed in with, which they cannot change."""
    journey_id = demo(db)
    at = signed_in(db_url, EDITOR).run()
    assert at.sidebar.text_input[0].disabled
    at.switch_page("pages/editor.py")
    at.query_params["journey"] = journey_id
    at.run()
    assert not at.exception and not at.error
    key = next(e.key for e in at.data_editor if e.key and e.key.startswith("editor.w.touchpoints."))
    at.session_state[key] = {"edited_rows": {0: {"name": "Seen the advert"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    save = at.button(key="editor.save")
    assert save.label == "Save as Bob Editor" and not save.disabled
    save.click().run()
    assert not at.exception and not at.error
    db.rollback()
    graph, version = store.load_journey(session=db, journey_id=journey_id)
    assert version == 2 and "Seen the advert" in {graph.nodes[n]["name"] for n in graph}
    assert store.list_revisions(session=db, journey_id=journey_id)[0].author == "Bob Editor"
    at.switch_page("pages/scoring.py")
    at.session_state[f"scoring.stage.{journey_id}"] = "support"
    at.run()
    table = next(e.key for e in at.data_editor if e.key and e.key.startswith(f"scoring.table.{journey_id}.support."))
    at.session_state[table] = {
        "edited_rows": {0: {"desirable": 2}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label.startswith("Save my scores")).click().run()
    assert not at.exception and not at.error
    db.rollback()
    ratings = analysis.list_ratings(session=db, journey_id=journey_id)
    assert [(r["rater"], r["desirable"]) for r in ratings] == [("Bob Editor", 2)]


def test_admin_restores_purges_and_backs_up(db_url, db, menu):
    """An admin restores from the trash, may delete for good, and gets the backup button."""
    trashed(db)
    at = signed_in(db_url, ADMIN).run()
    assert listed(menu) == EVERY_PAGE
    assert "admin" in at.sidebar.caption[0].value
    backup = backup_button(at)
    assert backup.label == "Download a backup of every journey" and backup.proto.ignore_rerun
    at = pick(at, "trash", BROADBAND)
    assert {"Restore", "Delete forever"} <= buttons(at)
    at.button(key="trash.restore").click().run()
    assert not at.exception and not at.error
    db.rollback()
    assert BROADBAND in {j.name for j in store.list_journeys(session=db)}


def test_sign_out_returns_to_the_login_screen(db_url):
    """Sign out in the sidebar ends the session's sign-in: the next run is the login screen."""
    at = signed_in(db_url, EDITOR).run()
    at.sidebar.button(key="access.logout").click().run()
    at.run()
    assert buttons(at) == {"Sign in"} and not at.dataframe


def demo(db) -> str:
    """The broadband demo journey, without the demo's scores; its id."""
    journey_id = store.create_journey(session=db, graph=broadband_demo(), author="t")
    db.rollback()
    return journey_id


def _editor_save(journey_id: str) -> None:
    """A script that changes the draft and calls the editor's save directly, once, as its Save button would."""
    import streamlit as st

    from ui.editor import save, state

    if st.session_state.get("tried"):  # a save that lands reruns the script
        return
    st.session_state["tried"] = True
    state.start(journey_id)
    G = state.draft(journey_id)
    G.nodes["hotline"]["name"] = "Call the service line"
    save.save(journey_id, G, [])


def _score_save(journey_id: str) -> None:
    """A script that shows one rater's scoring table with its Save button."""
    from ui.ratings import score_editor

    names = {"hotline": "Call the hotline"}
    score_editor(journey_id=journey_id, names=names, ratings=[], rater="Vic Viewer", discipline="it",
                 by="touchpoint", key="scores")  # fmt: skip


def as_user(script, journey_id: str, user: dict) -> AppTest:
    """``script`` run with sign-in configured, as ``user``, with the author's name already known."""
    at = AppTest.from_function(script, args=(journey_id,), default_timeout=30)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = ACCESS
    at.user = {"is_logged_in": True, **user}
    at.session_state["author"] = user["name"]
    return at


def test_editor_save_checks_the_role_itself(db_url, db):
    """The editor's save refuses a viewer where it writes, whatever led there, and writes nothing."""
    journey_id = demo(db)
    at = as_user(_editor_save, journey_id, VIEWER).run()
    assert DENIED in at.error[0].value
    db.rollback()
    assert store.current_version(session=db, journey_id=journey_id) == 1
    as_user(_editor_save, journey_id, EDITOR).run()  # the same call from an editor lands
    db.rollback()
    assert store.current_version(session=db, journey_id=journey_id) == 2


def test_scoring_save_checks_the_role_itself(db_url, db):
    """The scores' Save refuses a viewer where it writes, whatever led there, and writes nothing."""
    journey_id = demo(db)
    at = as_user(_score_save, journey_id, VIEWER).run()
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {0: {"desirable": 2}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label.startswith("Save my scores")).click().run()
    assert DENIED in at.error[0].value
    db.rollback()
    assert analysis.list_ratings(session=db, journey_id=journey_id) == []


def _library_write(action: str, journey_id: str) -> None:
    """A script that calls the Journeys page's write() directly, as a button would."""
    import store
    from ui.library import write

    extra = {"author": "someone"} if action == "delete_journey" else {}
    write(getattr(store, action), done="done", journey_id=journey_id, **extra)


def where(db, journey_id: str) -> str:
    """Where the journey is now: list, trash or gone."""
    db.rollback()
    if journey_id in {j.id for j in store.list_journeys(session=db)}:
        return "list"
    return "trash" if journey_id in {j.id for j in store.list_journeys(session=db, trash=True)} else "gone"


@pytest.mark.parametrize(
    ("user", "action", "after"),
    [
        (VIEWER, "delete_journey", "list"),
        (EDITOR, "delete_journey", "list"),
        (ADMIN, "delete_journey", "trash"),
        (EDITOR, "restore_journey", "trash"),
        (EDITOR, "purge_journey", "trash"),
        (ADMIN, "restore_journey", "list"),
        (ADMIN, "purge_journey", "gone"),
    ],
)
def test_library_writes_check_the_role_themselves(db_url, db, user, action, after):
    """Every write of the Journeys page checks the role where it writes, whatever buttons were shown."""
    journey_id = demo(db)
    if action != "delete_journey":
        store.delete_journey(session=db, journey_id=journey_id, author="t")
    before = where(db, journey_id)
    at = AppTest.from_function(_library_write, args=(action, journey_id), default_timeout=30)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = ACCESS
    at.user = {"is_logged_in": True, **user}
    at.run()
    assert not at.exception
    assert where(db, journey_id) == after
    refused = after == before
    assert any(DENIED in e.value for e in at.error) is refused


def test_the_backup_download_holds_every_journey(db_url, db):
    """The archive behind the admin's download is a backup of every journey, the trash too, that restores."""
    trashed(db)
    data = access.archive()
    target = store.make_engine(f"sqlite:///{Path(db_url.removeprefix('sqlite:///')).parent}/restored.db")
    store.migrate(target)
    with Session(target) as session:
        summary = backup.restore(session=session, path=io.BytesIO(data))
        names = {j.name for j in store.list_journeys(session=session)}
        in_trash = {j.name for j in store.list_journeys(session=session, trash=True)}
    target.dispose()
    assert (summary.journeys, summary.trashed) == (3, 1)
    assert (names, in_trash) == ({"E-bike: from the first ad to the first service", TO_BE}, {BROADBAND})


def _restore_revision(journey_id: str) -> None:
    """A script that calls the History's restore directly, as its Restore button would."""
    from ui.editor import history, state

    state.start(journey_id)
    history.restore(journey_id, 1)


def test_restoring_a_revision_checks_the_role_itself(db_url, db):
    """History's restore refuses a viewer where it writes: no new version (a viewer used to restore one)."""
    journey_id = demo(db)
    G, _ = store.load_journey(session=db, journey_id=journey_id)
    G.graph["name"] = "Renamed"
    store.save_journey(session=db, graph=G, expected_version=1, author="t")
    db.rollback()
    at = as_user(_restore_revision, journey_id, VIEWER).run()
    assert DENIED in at.error[0].value
    db.rollback()
    assert store.current_version(session=db, journey_id=journey_id) == 2


@pytest.mark.parametrize(
    ("secrets", "says"),
    [
        ({"access": ACCESS}, "no [auth] section"),
        ({"auth": {**AUTH, "client_secret": ""}, "access": ACCESS}, "lacks client_secret"),
        ({"auth": {k: v for k, v in AUTH.items() if k != "cookie_secret"}}, "lacks cookie_secret"),
    ],
    ids=["access-without-auth", "no-client-secret", "no-cookie-secret"],
)
def test_sign_in_that_cannot_work_lets_nobody_in(db_url, db, secrets, says, menu):
    """Roles without a complete [auth]: every page, deep links too, shows what is wrong and nothing else (it used to
    leave the workbench open to everyone as admin)."""
    journey_id = demo(db)
    at = AppTest.from_file(str(APP), default_timeout=30)
    for section, values in secrets.items():
        at.secrets[section] = values
    at.user = {"is_logged_in": True, **ADMIN}  # not even a signed-in admin gets in
    for link in (None, journey_id):  # a deep link changes nothing
        if link:
            at.query_params["journey"] = link
        at.run()
        assert not at.exception
        assert "not set up correctly" in at.error[0].value and says in at.error[0].value
        assert not buttons(at) and not at.dataframe and not at.data_editor and not at.get("plotly_chart")
        assert BROADBAND not in texts(at) and listed(menu) == set()


@pytest.mark.parametrize("claim", [False, "false"])
def test_an_unverified_address_gets_no_role(db_url, db, claim):
    """email_verified false from the provider: treated as not let in, told why, may sign out; no journey shown."""
    journey_id = demo(db)
    at = signed_in(db_url, {**ADMIN, "email_verified": claim})
    at.switch_page("pages/review.py")
    at.query_params["journey"] = journey_id
    at.run()
    assert not at.exception
    assert "has not verified" in texts(at) and "ada@example.org" in texts(at)
    assert buttons(at) == {"Sign out"} and not at.dataframe and not at.get("plotly_chart")


def test_a_verified_address_and_one_without_the_claim_get_their_role(db_url):
    """email_verified true, or no such claim (as Microsoft Entra ID sends it): the role from [access] holds."""
    for user in ({**ADMIN, "email_verified": True}, ADMIN):
        at = signed_in(db_url, user).run()
        assert not at.exception and "admin" in at.sidebar.caption[0].value
