"""What changed in a version is kept as records and told in the reader's language, old versions included."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import inspect, text, update
from sqlmodel import Session

import store
from journeys.model.templates import broadband_demo
from store import backup, db
from store.models import Revision
from store.summaries import from_text, render

CHANGED = [
    {"op": "changed", "what": "touchpoint", "names": ["Call the hotline"], "more": 0},
    {"op": "removed", "what": "transition", "names": [["Call the hotline", "Cancels the contract"]], "more": 0},
]
OLD_SENTENCES = {  # as versions before the records wrote them
    1: "created",
    2: "changed touchpoint Call the hotline; removed transition Call the hotline → Cancels the contract",
    3: "restored version 1",
}
GERMAN = {
    1: "angelegt",
    2: "Touchpoint Call the hotline geändert; Übergang Call the hotline → Cancels the contract entfernt",
    3: "Version 1 wiederhergestellt",
}


def three_versions(session: Session) -> str:
    """A journey created, changed (a touchpoint and a transition) and restored to its first version."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="Anna")
    G, version = store.load_journey(session=session, journey_id=jid)
    G.nodes["hotline"]["experience"] = 2
    G.remove_edge("hotline", "cancel")
    version = store.save_journey(session=session, graph=G, expected_version=version, author="Ben")
    store.restore_revision(session=session, journey_id=jid, version=1, expected_version=version, author="Cleo")
    return jid


def told(session: Session, jid: str, lang: str) -> dict[int, str]:
    return {r.version: render(r.changes, lang) for r in store.list_revisions(session=session, journey_id=jid)}


def test_a_save_keeps_records_in_no_language(session):
    """The revision holds what changed as data; English and German are told from the same records."""
    jid = three_versions(session)
    revisions = {r.version: r for r in store.list_revisions(session=session, journey_id=jid)}
    assert revisions[1].changes == [{"op": "created"}]
    assert revisions[2].changes == CHANGED
    assert revisions[3].changes == [{"op": "restored", "version": 1}]
    assert {r.summary for r in revisions.values()} == {""}  # no English sentence stored
    assert told(session, jid, "en") == OLD_SENTENCES
    assert told(session, jid, "de") == GERMAN


def test_renames_and_journey_fields_are_told(session):
    """A rename names the new name; stages, personas, state and description are named as what changed."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="Anna")
    store.rename_journey(session=session, journey_id=jid, name="Umzug mit Internet", author="Ben")
    G, version = store.load_journey(session=session, journey_id=jid)
    G.graph["state"] = "to-be"
    G.graph["stages"][0]["name"] = "Entdecken"
    store.save_journey(session=session, graph=G, expected_version=version, author="Ben")
    latest, renamed = store.list_revisions(session=session, journey_id=jid)[:2]
    assert render(renamed.changes, "de") == "umbenannt in Umzug mit Internet"
    assert render(latest.changes, "en") == "changed stages; changed state"
    assert render(latest.changes, "de") == "Phasen geändert; Zustand geändert"


def test_many_changes_are_counted_in_the_readers_language(session):
    """Beyond five touchpoints a summary counts the rest, with the plural of the reader's language."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="Anna")
    G, version = store.load_journey(session=session, journey_id=jid)
    for key in list(G)[:7]:
        G.nodes[key]["description"] = "neu"
    store.save_journey(session=session, graph=G, expected_version=version, author="Ben")
    [record] = store.list_revisions(session=session, journey_id=jid)[0].changes
    assert (len(record["names"]), record["more"]) == (5, 2)
    assert render([record], "de").startswith("Touchpoints ") and render([record], "de").endswith(
        " und 2 weitere geändert"
    )
    assert render([{**record, "names": record["names"][:1], "more": 0}], "en").startswith("changed touchpoint ")


def test_a_conflict_tells_what_the_other_saved(session):
    """The records of the versions saved meanwhile reach the one whose save was refused."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="Anna")
    mine, version = store.load_journey(session=session, journey_id=jid)
    theirs = mine.copy()
    theirs.nodes["hotline"]["experience"] = 2
    store.save_journey(session=session, graph=theirs, expected_version=version, author="Ben")
    mine.nodes["cancel"]["name"] = "Kündigt"
    with pytest.raises(store.ConflictError) as caught:
        store.save_journey(session=session, graph=mine, expected_version=version, author="Cleo")
    assert render(caught.value.newer[0].changes, "de") == "Touchpoint Call the hotline geändert"
    assert "changed touchpoint Call the hotline" in str(caught.value)


def test_a_text_given_with_a_save_is_kept_and_shown_as_it_is(session):
    """A summary text given to save_journey replaces the records and shows in every language as written."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="Anna")
    G, version = store.load_journey(session=session, journey_id=jid)
    G.nodes["hotline"]["experience"] = 2
    store.save_journey(session=session, graph=G, expected_version=version, author="Ben", summary="Workshop 2")
    latest = store.list_revisions(session=session, journey_id=jid)[0]
    assert latest.summary == "Workshop 2" and render(latest.changes, "de") == "Workshop 2"


def downgrade(engine, revision: str) -> None:
    from alembic import command

    config = db._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_a_database_of_the_version_before_keeps_its_history_and_reads_it_in_german(engine):
    """Versions saved before the records (English sentences, schema 0003) survive the migration and read in German."""
    with Session(engine) as session:
        jid = three_versions(session)
    downgrade(engine, "0003")
    with engine.begin() as connection:
        assert "changes" not in {c["name"] for c in inspect(connection).get_columns("revision")}
        for version, sentence in OLD_SENTENCES.items():
            connection.execute(
                text("UPDATE revision SET summary = :s WHERE journey_id = :j AND version = :v"),
                {"s": sentence, "j": jid, "v": version},
            )
    store.migrate(engine)
    assert db.schema_revision(engine) == db.HEAD
    with Session(engine) as session:
        assert told(session, jid, "de") == GERMAN
        assert told(session, jid, "en") == OLD_SENTENCES
        assert store.load_revision(session=session, journey_id=jid, version=2).nodes["hotline"]["experience"] == 2


def test_an_old_sentence_that_cannot_be_read_is_shown_as_it_is(session):
    """A summary no version wrote (or one a name makes ambiguous) stays whole instead of being half translated."""
    jid = three_versions(session)
    for version, sentence in ((2, "changed touchpoint A; B; whatever"), (3, "imported from the old wall")):
        session.execute(
            update(Revision)
            .where(Revision.journey_id == jid, Revision.version == version)
            .values(summary=sentence, changes=None)
        )
    session.commit()
    assert told(session, jid, "de") == {
        1: "angelegt",
        2: "changed touchpoint A; B; whatever",
        3: "imported from the old wall",
    }


@pytest.mark.parametrize(
    ("sentence", "german"),
    [
        ("no changes", "keine Änderungen"),
        (
            "renamed to Umzug; changed stages; changed personas",
            "umbenannt in Umzug; Phasen geändert; Personas geändert",
        ),
        ("changed state; changed description", "Zustand geändert; Beschreibung geändert"),
        ("added touchpoints A, B, C, D, E and 3 more", "Touchpoints A, B, C, D, E und 3 weitere hinzugefügt"),
        ("removed touchpoint Call, text and wait", "Touchpoint Call, text and wait entfernt"),
        ("changed transitions A → B, C → D …", "Übergänge A → B, C → D … geändert"),
        ("added transition A → B", "Übergang A → B hinzugefügt"),
    ],
)
def test_every_kind_of_old_sentence_reads_in_german(sentence, german):
    """Each clause earlier versions wrote becomes records; a name with a comma in a singular stays one name."""
    assert render(from_text(sentence), "de") == german
    assert render(from_text(sentence), "en") == sentence


def test_render_leaves_out_what_it_does_not_know():
    """A record of a later version (or a damaged one) is left out, never shown as data."""
    records = [{"op": "merged", "what": "journey"}, "x", {"op": "added", "what": "touchpoint", "names": "A"}]
    assert render([*records, {"op": "created"}], "de") == "angelegt"
    assert render(None, "de") == ""


def test_a_backup_keeps_the_records_and_an_old_backup_reads_in_german(session, engine, tmp_path):
    """Backups carry the records; a backup written before them restores its English sentences, shown in German."""
    jid = three_versions(session)
    data = io.BytesIO()
    backup.backup(session=session, path=data)
    with zipfile.ZipFile(data) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    [name] = [n for n in files if n.startswith("journeys/")]
    doc = json.loads(files[name])
    assert [r["changes"] for r in doc["revisions"]] == [
        [{"op": "created"}],
        CHANGED,
        [{"op": "restored", "version": 1}],
    ]
    for r in doc["revisions"]:  # as the backups of the version before wrote them
        del r["changes"]
        r["summary"] = OLD_SENTENCES[r["version"]]
    files[name] = json.dumps(doc).encode()
    old = io.BytesIO()
    with zipfile.ZipFile(old, "w") as archive:
        for n, content in files.items():
            archive.writestr(n, content)
    backup.restore(session=session, path=old, replace=True)
    assert told(session, jid, "de") == GERMAN
