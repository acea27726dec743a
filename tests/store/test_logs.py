"""The log: saves, conflicts, imports, restores and migrations are logged, with ids and names, never a URL."""

import io
import json
import logging

import pytest
from sqlmodel import Session

import store
from journeys.io.interchange import JourneyFormatError, dumps
from store import backup, logs
from tests.strategies import make_journey


@pytest.fixture
def records(caplog):
    """The store's log records at INFO and above, as (logger, level, message)."""
    caplog.set_level(logging.INFO, logger="store")

    def records():
        return [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("store")]

    return records


def test_a_save_is_logged_with_journey_version_and_author(session, records):
    """Creating and saving a journey each leave one line: the id, the version and who."""
    jid = store.create_journey(session=session, graph=make_journey(3, name="Onboarding"), author="Ada")
    G, version = store.load_journey(session=session, journey_id=jid)
    G.graph["description"] = "changed"
    store.save_journey(session=session, graph=G, expected_version=version, author="Bob")
    assert ("store.repository", "INFO", f"created journey {jid} 'Onboarding' (version 1) by 'Ada'") in records()
    assert ("store.repository", "INFO", f"saved journey {jid} version 2 by 'Bob'") in records()


def test_a_conflict_is_logged_as_a_warning_naming_both_authors(session, records):
    """A save over a version someone else replaced is a warning: who tried, on which version, who came first."""
    jid = store.create_journey(session=session, graph=make_journey(3), author="Ada")
    G, version = store.load_journey(session=session, journey_id=jid)
    store.save_journey(session=session, graph=G.copy(), expected_version=version, author="Bob")
    with pytest.raises(store.ConflictError):
        store.save_journey(session=session, graph=G, expected_version=version, author="Cleo")
    warnings = [message for _, level, message in records() if level == "WARNING"]
    assert warnings == [
        f"conflict: 'Cleo' saved journey {jid} over version 1, which 'Bob' replaced (now version 2); nothing written"
    ]


def test_an_import_and_a_refused_import_are_logged_without_the_files_text(session, records):
    """An import names the new journey; a refused one names the kinds of problem, not what the file holds."""
    jid = store.import_journey(session=session, data=dumps(make_journey(2, name="Imported")), author="Ada")
    assert ("store.repository", "INFO", f"imported journey {jid} 'Imported' by 'Ada'") in records()
    hostile = json.dumps({"format": "journey-workbench", "secret text": "password=hunter2"})
    with pytest.raises(JourneyFormatError):
        store.import_journey(session=session, data=hostile, author="Ada")
    (refusal,) = [message for _, level, message in records() if level == "WARNING"]
    assert refusal.startswith("import by 'Ada' refused:") and "nothing written" in refusal
    assert "hunter2" not in refusal and "secret" not in refusal


def test_a_restore_and_its_refusal_are_logged(session, records):
    """A restore logs what it restored; a refused one the reason's code."""
    store.create_journey(session=session, graph=make_journey(2), author="Ada")
    archive = io.BytesIO()
    backup.backup(session=session, path=archive)
    with pytest.raises(backup.DatabaseNotEmpty):
        backup.restore(session=session, path=archive)
    backup.restore(session=session, path=archive, replace=True)
    assert ("store.backup", "WARNING", "restore refused (not_empty); nothing written") in records()
    assert (
        "store.backup",
        "INFO",
        "restored 1 journey(s) with 1 revision(s), replacing every journey there was",
    ) in records()


def test_a_migration_is_logged_from_and_to(tmp_path, records):
    """Migrating a new database logs where the schema came from and where it is now."""
    engine = store.make_engine(f"sqlite:///{tmp_path}/new.db")
    try:
        store.prepare_database(engine)
    finally:
        engine.dispose()
    messages = [message for name, _, message in records() if name in ("store.db", "store.startup")]
    assert messages == [
        f"migrating the database schema from an empty database to {store.db.HEAD}",
        f"the database schema is at {store.db.HEAD}",
        "stored 3 demo journeys in the empty database",
    ]


@pytest.fixture
def fresh_configuration(monkeypatch):
    """:func:`store.logs.configure` as in a new process, and the logging set up as before afterwards."""
    root, saved = logging.getLogger(), {name: logging.getLogger(name).level for name in logs.LOGGERS}
    handlers = list(root.handlers)
    # a handler an earlier test's app run left on the root would write a second line
    root.handlers[:] = [handler for handler in handlers if not isinstance(handler, logs._Stderr)]
    monkeypatch.setattr(logs, "_handler", None)
    monkeypatch.setattr(logs, "_settings", None)
    yield
    root.handlers[:] = handlers
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def test_json_lines_at_the_chosen_level_to_stderr(fresh_configuration, monkeypatch, capsys):
    """JOURNEYS_LOG_FORMAT=json writes one JSON object per line; JOURNEYS_LOG_LEVEL=WARNING leaves out INFO."""
    monkeypatch.setenv("JOURNEYS_LOG_LEVEL", "warning")
    monkeypatch.setenv("JOURNEYS_LOG_FORMAT", "json")
    logs.configure()
    logging.getLogger("store.repository").info("saved journey j1 version 2 by 'Ada'")
    logging.getLogger("store.repository").warning("conflict: 'Cleo'\nsaved journey j1")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "WARNING" and entry["logger"] == "store.repository"
    assert entry["message"] == "conflict: 'Cleo'\nsaved journey j1" and entry["time"].endswith("+00:00")


def test_plain_lines_at_info_by_default_and_nothing_for_the_command_line(fresh_configuration, monkeypatch, capsys):
    """The app logs INFO as plain text by default; the command line (no default level) logs only when asked."""
    monkeypatch.delenv("JOURNEYS_LOG_LEVEL", raising=False)
    monkeypatch.delenv("JOURNEYS_LOG_FORMAT", raising=False)
    logs.configure(default_level=None)
    logging.getLogger("store.repository").error("the database stayed busy")
    assert capsys.readouterr().err == ""
    logs.configure()
    logging.getLogger("store.repository").info("saved journey j1 version 2 by 'Ada'")
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(" INFO store.repository: saved journey j1 version 2 by 'Ada'")


def test_the_logs_of_a_session_name_no_url(tmp_path, records):
    """A password in the database URL never reaches the log of a start, a save or a conflict."""
    url = f"sqlite:///{tmp_path}/secret-hunter2.db"
    engine = store.make_engine(url)
    try:
        store.prepare_database(engine, demo=False)
        with Session(engine) as session:
            jid = store.create_journey(session=session, graph=make_journey(2), author="Ada")
            G, version = store.load_journey(session=session, journey_id=jid)
            store.save_journey(session=session, graph=G, expected_version=version, author="Ada")
    finally:
        engine.dispose()
    assert records() and not any("hunter2" in message for *_, message in records())
