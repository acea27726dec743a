"""The Journeys page as a user drives it: list, search, create, copy, rename, trash, import."""

import json

import pytest

import store
from journeys.demo import broadband_demo, broadband_to_be
from journeys.io import interchange
from store import analysis, ideas
from ui.text import md

BROADBAND = "Broadband: router set-up and the hotline"
EBIKE = "E-bike: from the first ad to the first service"
TO_BE = broadband_to_be(broadband_demo()).graph["name"]  # the demo's to-be of the broadband journey


def listed(db, **kwargs) -> list[store.JourneyInfo]:
    """The journeys in the database now (a fresh read, not the session's last snapshot)."""
    db.rollback()
    return store.list_journeys(session=db, **kwargs)


def by_name(db, name: str, **kwargs) -> store.JourneyInfo:
    return next(j for j in listed(db, **kwargs) if j.name == name)


def table(at):
    """The journey table as the user sees it (a DataFrame)."""
    return at.dataframe[0].value


def pick(at, name: str):
    """Select the row of journey ``name`` in the table, as a click on its row does."""
    frame = at.dataframe[0]
    row = list(frame.value["name"]).index(name)
    at.session_state[frame.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def labelled(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def show(at, view: str):
    at.segmented_control(key="library.view").set_value(view)
    return at.run()


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def warnings(at) -> str:
    return "\n".join(w.value for w in at.warning)


def test_demo_journeys_are_listed_with_personas_and_counts(app):
    """On first start the demo journeys (two as-is, one to-be) are listed with personas, state and counts."""
    app.run()
    assert not app.exception
    rows = table(app).set_index("name")
    assert set(rows.index) == {BROADBAND, EBIKE, TO_BE}
    assert list(rows.loc[BROADBAND, "personas"]) == ["Petra, busy parent", "Jonas, home-office worker"]
    assert (rows.loc[BROADBAND, "stages"], rows.loc[BROADBAND, "touchpoints"]) == (7, 13)
    assert (rows.loc[EBIKE, "stages"], rows.loc[EBIKE, "touchpoints"]) == (3, 11)
    assert set(rows[rows.index != TO_BE]["state"]) == {"as-is"} and rows.loc[TO_BE, "state"] == "to-be"
    assert set(rows["updated_by"]) == {"demo"}
    assert rows["updated"].notna().all()


def test_search_matches_journey_and_persona_names(app):
    """Searching finds a journey by its name or one of its personas, and says when nothing matches."""
    app.run()
    app.text_input(key="library.search").input("ROLF").run()
    assert list(table(app)["name"]) == [EBIKE]
    app.text_input(key="library.search").input("router").run()
    assert list(table(app)["name"]) == [BROADBAND]
    app.text_input(key="library.search").input("no such journey").run()
    assert not app.dataframe
    assert "No journey matches" in app.info[0].value


def test_state_filter_shows_only_that_state(app, db):
    """The state filter shows the to-be journeys only."""
    app.run()
    pick(app, BROADBAND)
    app.button(key="copy.go").click().run()
    app.segmented_control(key="library.state").set_value("to-be").run()
    assert set(table(app)["name"]) == {f"{BROADBAND} (to-be)", TO_BE}
    assert set(table(app)["state"]) == {"to-be"}


def test_create_from_template_saves_and_opens_it(app, db):
    """Creating from a template stores a full copy of it under the new name and opens it in the editor."""
    app.run()
    show(app, "create")
    app.text_input(key="new.name").input("Router 2.0")
    app.selectbox(key="new.start").select("broadband")
    app.segmented_control(key="new.state").set_value("to-be")
    app.button(key="new.create").click().run()
    created = by_name(db, "Router 2.0")
    assert (created.state, created.touchpoints, created.stages) == ("to-be", 13, 7)
    assert created.updated_by == "Test User"
    assert app.query_params["journey"] == created.id
    assert "Customer journeys" not in [title.value for title in app.title]  # left the Journeys page


def test_create_blank_names_the_stages_in_german(app, db):
    """A blank journey created in German gets the chosen stage set with German stage names."""
    app.session_state["lang"] = "de"
    app.run()
    assert app.title[0].value == "Customer Journeys"
    show(app, "create")
    app.text_input(key="new.name").input("Umzug")
    # AppTest formats options outside the app run, in English: choose through session state instead
    app.session_state["new.start"] = "blank"
    app.run()
    app.session_state["new.stages"] = "usage"
    app.button(key="new.create").click().run()
    graph, _ = store.load_journey(session=db, journey_id=by_name(db, "Umzug").id)
    assert [s["name"] for s in graph.graph["stages"]] == ["Vor der Nutzung", "Während der Nutzung", "Nach der Nutzung"]
    assert graph.number_of_nodes() == 0


def test_create_without_a_name_saves_nothing(app, db):
    """A new journey needs a name; without one nothing is stored."""
    app.run()
    show(app, "create")
    app.button(key="new.create").click().run()
    assert "name" in errors(app)
    assert len(listed(db)) == 3


def test_duplicate_as_to_be_links_back_to_the_original(app, db):
    """Duplicating an as-is journey makes a to-be copy named after it, shown as copied from the original."""
    app.run()
    pick(app, BROADBAND)
    assert labelled(app.text_input, "Name of the copy").value == f"{BROADBAND} (to-be)"
    app.button(key="copy.go").click().run()
    copy = by_name(db, f"{BROADBAND} (to-be)")
    original = by_name(db, BROADBAND)
    assert (copy.state, copy.source_id, copy.touchpoints) == ("to-be", original.id, 13)
    rows = table(app).set_index("name")
    assert rows.loc[f"{BROADBAND} (to-be)", "source"] == BROADBAND


def test_rename_changes_the_name_and_records_the_author(app, db):
    """Renaming stores the new name as a new version by the current user."""
    app.run()
    pick(app, EBIKE)
    labelled(app.text_input, "New name").input("E-bike purchase")
    app.button(key="rename.go").click().run()
    renamed = by_name(db, "E-bike purchase")
    assert (renamed.version, renamed.updated_by) == (2, "Test User")
    assert EBIKE not in [j.name for j in listed(db)]
    assert "E-bike purchase" in list(table(app)["name"])


def test_delete_asks_first_then_moves_to_trash_from_where_it_is_restored(app, db):
    """Delete asks for confirmation; confirmed, the journey goes to the trash, and Restore brings it back."""
    app.run()
    pick(app, EBIKE)
    app.button(key="delete").click().run()
    assert "trash" in warnings(app)
    assert len(listed(db)) == 3  # only asked so far
    app.button(key="delete.yes").click().run()
    assert {j.name for j in listed(db)} == {BROADBAND, TO_BE}
    assert [j.name for j in listed(db, trash=True)] == [EBIKE]
    assert set(table(app)["name"]) == {BROADBAND, TO_BE}

    show(app, "trash")
    pick(app, EBIKE)
    app.button(key="trash.restore").click().run()
    assert {j.name for j in listed(db)} == {BROADBAND, EBIKE, TO_BE}
    assert listed(db, trash=True) == []


def test_cancelled_delete_keeps_the_journey(app, db):
    """Cancel closes the confirmation and deletes nothing."""
    app.run()
    pick(app, EBIKE)
    app.button(key="delete").click().run()
    app.button(key="delete.cancel").click().run()
    assert not app.warning
    assert len(listed(db)) == 3


def test_delete_forever_from_the_trash_after_confirmation(app, db):
    """Delete forever asks again, then removes the journey from the trash for good."""
    app.run()
    pick(app, EBIKE)
    app.button(key="delete").click().run()
    app.button(key="delete.yes").click().run()
    show(app, "trash")
    pick(app, EBIKE)
    app.button(key="trash.purge").click().run()
    assert len(listed(db, trash=True)) == 1
    app.button(key="purge.yes").click().run()
    assert listed(db, trash=True) == []
    assert {j.name for j in listed(db)} == {BROADBAND, TO_BE}
    assert "The trash is empty." in app.info[0].value


def test_open_in_editor_puts_the_journey_in_the_url(app, db):
    """Open in editor switches to the editor with ?journey=<id>."""
    app.run()
    pick(app, BROADBAND)
    app.button(key="open").click().run()
    assert app.query_params["journey"] == by_name(db, BROADBAND).id


def broken_journey() -> bytes:
    doc = interchange.to_document(broadband_demo())
    doc["nodes"][0]["experience"] = 9
    doc["nodes"][2]["expectation"] = 0
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (broken_journey(), ["experience", "9 is greater than the maximum of 5", "0 is less than the minimum of 1"]),
        (b"{not json", ["not valid JSON"]),
    ],
    ids=["invalid-values", "not-json"],
)
def test_broken_import_lists_every_problem_and_saves_nothing(app, db, content, expected):
    """Importing a broken file shows an error naming the file and every problem; nothing is saved."""
    app.run()
    show(app, "import")
    app.file_uploader[0].upload("workshop.json", content, "application/json")
    app.button(key="import.go").click().run()
    message = errors(app)
    assert "workshop\\.json" in message and "Nothing was saved" in message
    for text in expected:
        assert text.replace(".", "\\.") in message
    assert len(listed(db)) == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (broken_journey(), ["Touchpoint #3 'shop-advice' expectation", "Passt nicht zum Format", "minimum of 1"]),
        (b"{not json", ["Zeile 1, Spalte 2", "Kein gültiges JSON"]),
    ],
    ids=["invalid-values", "not-json"],
)
def test_broken_import_lists_the_problems_in_german(app, db, content, expected):
    """With German chosen, a broken file's problems are explained in German; nothing is saved."""
    app.session_state["lang"] = "de"
    app.run()
    show(app, "import")
    app.file_uploader[0].upload("workshop.json", content, "application/json")
    app.button(key="import.go").click().run()
    message = errors(app).replace("\\", "")
    assert "Es wurde nichts gespeichert" in message
    for text in expected:
        assert text in message
    assert "not valid JSON" not in message and "is outside" not in message
    assert len(listed(db)) == 3


def test_too_large_import_is_refused(app, db, monkeypatch):
    """A file over the size limit is refused with a clear message; nothing is saved."""
    monkeypatch.setattr(interchange, "MAX_BYTES", 2**20)
    big = interchange.dumps(broadband_demo()).encode() + b" " * 2**20  # valid JSON, but too long
    app.run()
    show(app, "import")
    app.file_uploader[0].upload("big.json", big, "application/json")
    app.button(key="import.go").click().run()
    assert "limit" in errors(app)
    assert len(listed(db)) == 3


def test_valid_import_is_saved_and_offered_to_open(app, db):
    """Importing an exported journey stores it and offers to open it."""
    exported = broadband_demo()
    exported.graph["name"] = "From the workshop"
    app.run()
    show(app, "import")
    app.file_uploader[0].upload("workshop.json", interchange.dumps(exported).encode(), "application/json")
    app.button(key="import.go").click().run()
    imported = by_name(db, "From the workshop")
    assert imported.touchpoints == 13
    assert "Imported" in app.success[0].value
    app.button(key="import.open").click().run()
    assert app.query_params["journey"] == imported.id


def test_a_yed_drawing_and_a_touchpoint_table_are_imported_as_journeys(app, db):
    """A GraphML drawing from yEd becomes a journey named after the file with its arrows; the touchpoint table
    exported as CSV becomes one with its touchpoints and stages; a broken one is refused, nothing saved."""
    from journeys.io.exports import to_csv
    from tests.journeys.test_foreign import YED

    app.run()
    show(app, "import")
    app.file_uploader[0].upload("Shop visit.graphml", YED.encode(), "application/xml")
    app.button(key="import.go").click().run()
    drawn = by_name(db, "Shop visit")
    assert drawn.touchpoints == 4
    G, _ = store.load_journey(session=db, journey_id=drawn.id)
    assert G.number_of_edges() == 4 and G.nodes["see-the-advert"]["entry"]

    app.file_uploader[0].upload("Hotline table.csv", to_csv(broadband_demo()).encode(), "text/csv")
    app.button(key="import.go").click().run()
    table = by_name(db, "Hotline table")
    assert table.touchpoints == 13
    H, _ = store.load_journey(session=db, journey_id=table.id)
    assert H.nodes["hotline"]["experience"] == 1 and H.number_of_edges() == 0

    before = len(listed(db))
    app.file_uploader[0].upload("broken.graphml", b"<graphml><graph>", "application/xml")
    app.button(key="import.go").click().run()
    assert "broken\\.graphml" in errors(app) and "not GraphML" in errors(app)
    assert len(listed(db)) == before


def test_actions_without_author_warn_and_write_nothing(app, db):
    """Without a name in the sidebar, create and duplicate only ask for the name."""
    app.session_state["author"] = ""
    app.run()
    show(app, "create")
    app.text_input(key="new.name").input("Nameless")
    app.button(key="new.create").click().run()
    assert "Enter your name" in warnings(app)
    show(app, "list")
    pick(app, BROADBAND)
    app.button(key="copy.go").click().run()
    assert "Enter your name" in warnings(app)
    app.button(key="delete").click().run()
    assert "Enter your name" in warnings(app)
    assert not any(b.key == "delete.yes" for b in app.button)
    assert len(listed(db)) == 3
    assert listed(db, trash=True) == []


def test_user_text_is_shown_as_text_not_markup(app, db):
    """A journey name full of markdown is shown literally, not formatted."""
    app.run()
    pick(app, EBIKE)
    labelled(app.text_input, "New name").input("**Big** [link](http://x) <b>x</b>")
    app.button(key="rename.go").click().run()
    pick(app, "**Big** [link](http://x) <b>x</b>")
    shown = [m.value for m in app.markdown if "Big" in m.value]
    assert shown == [f"**{md('**Big** [link](http://x) <b>x</b>')}**"]


def test_link_with_lang_de_opens_the_page_in_german(app):
    """A shared link with ?lang=de shows the Journeys page in German."""
    app.query_params["lang"] = "de"
    app.run()
    assert app.title[0].value == "Customer Journeys"
    assert app.caption[0].value.startswith("Halten Sie fest")
    assert set(table(app)["state"]) == {"Ist", "Soll"}


def demo_file(db, journey_id: str) -> bytes:
    """The stored journey's JSON file as the Export page writes it: with its scores, ideas and surveys."""
    db.rollback()
    G, _ = store.load_journey(session=db, journey_id=journey_id)
    sections = store.journey_sections(session=db, journey_id=journey_id, touchpoints=set(G))
    return interchange.dumps(G, **sections).encode()


def upload_and_import(at, content: bytes):
    show(at, "import")
    at.file_uploader[0].upload("broadband.json", content, "application/json")
    return at.button(key="import.go").click().run()


def test_a_journey_already_here_is_asked_about_then_imported_beside_it(app, db, demo):
    """A file whose journey is here asks first and writes nothing; "new" imports it whole beside the original,
    named with today's date; the original stays as it was."""
    upload_and_import(app.run(), demo_file(db, demo))
    assert not app.exception
    assert f"already here: “{BROADBAND}”" in warnings(app).replace("\\", "")
    choice = app.radio(key="import.duplicate")
    assert choice.options == [
        f"Import as a new journey, named “{md(store.imported_name(BROADBAND))}”",
        f"Replace “{md(BROADBAND)}”: the file's journey becomes its next version, its history stays",
    ]
    assert len(listed(db)) == 3  # nothing written before the choice
    choice.set_value("new")
    app.button(key="import.confirm").click().run()
    copy = by_name(db, store.imported_name(BROADBAND))
    assert copy.id != demo and copy.version == 1 and copy.touchpoints == 13
    assert by_name(db, BROADBAND).version == 1
    db.rollback()
    copied = analysis.list_ratings(session=db, journey_id=copy.id)
    assert copied and len(copied) == len(analysis.list_ratings(session=db, journey_id=demo))
    assert len(ideas.list_ideas(session=db, journey_id=copy.id)) == 5
    assert "Imported" in app.success[0].value and not any(r.key == "import.duplicate" for r in app.radio)


def test_the_duplicate_choice_in_german_replaces_as_a_new_version(app, db, demo):
    """In German the question and the choices are German; "ersetzen" makes the file the journey's version 2, its
    first version kept in the history."""
    app.session_state["lang"] = "de"
    upload_and_import(app.run(), demo_file(db, demo))
    assert f"gibt es hier schon: „{BROADBAND}“" in warnings(app).replace("\\", "")
    choice = app.radio(key="import.duplicate")
    assert choice.label == "Wenn es die Journey schon gibt"
    new_name = store.imported_name(BROADBAND, lang="de")
    assert "(importiert am " in new_name and f"„{md(new_name)}“" in choice.options[0]
    choice.set_value("replace")
    app.button(key="import.confirm").click().run()
    assert not app.exception
    assert [j.version for j in listed(db) if j.id == demo] == [2] and len(listed(db)) == 3
    assert [r.version for r in store.list_revisions(session=db, journey_id=demo)] == [2, 1]
    assert "ersetzt" in app.success[0].value and "Version 2" in app.success[0].value


def test_the_duplicate_choice_can_be_cancelled(app, db, demo):
    """Cancel drops the question; nothing is written and the Import button is back."""
    before = {j.id: j.version for j in listed(db)}
    upload_and_import(app.run(), demo_file(db, demo))
    app.button(key="import.cancel").click().run()
    assert not any(r.key == "import.duplicate" for r in app.radio)
    assert any(b.key == "import.go" for b in app.button)
    assert {j.id: j.version for j in listed(db)} == before
