"""Engines, connection settings and schema migrations."""

import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text
from sqlmodel import Session, SQLModel

import store
from journeys.demo import broadband_demo
from journeys.model.graph import journey_equal
from store import db
from store.db import head_revision, make_engine, migrate, schema_revision


def test_default_database_is_the_projects_file_wherever_it_is_started(tmp_path, monkeypatch):
    """Without configuration the database is data/journeys.db beside app.py, not under the working directory."""
    monkeypatch.delenv("JOURNEYS_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    url = make_url(db.database_url())
    assert url.get_backend_name() == "sqlite"
    assert Path(url.database) == Path(__file__).resolve().parent.parent.parent / "data" / "journeys.db"
    assert Path(url.database).is_absolute()


def test_default_database_of_an_installed_package_is_the_users(tmp_path, monkeypatch):
    """Installed without app.py beside it, the default is the user's data folder; a new file is made there."""
    monkeypatch.delenv("JOURNEYS_DB_URL", raising=False)
    monkeypatch.setattr(db, "PROJECT", tmp_path / "site-packages")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.chdir(tmp_path)
    engine = make_engine()
    migrate(engine)
    engine.dispose()
    assert (tmp_path / "share" / "journey-workbench" / "journeys.db").is_file()
    assert not (tmp_path / "data").exists()


def test_database_url_comes_from_the_environment(monkeypatch):
    """JOURNEYS_DB_URL chooses the database."""
    monkeypatch.setenv("JOURNEYS_DB_URL", "postgresql+psycopg://u@db/journeys")
    assert db.database_url() == "postgresql+psycopg://u@db/journeys"


def test_every_sqlite_connection_has_foreign_keys_and_wal(tmp_path):
    """Foreign keys and WAL are set on each new connection, not just the first."""
    engine = make_engine(f"sqlite:///{tmp_path}/j.db")
    connections = [engine.connect() for _ in range(3)]
    try:
        for connection in connections:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    finally:
        for connection in connections:
            connection.close()
        engine.dispose()


def test_migrations_create_exactly_the_tables_of_the_models(engine):
    """The schema built by the migrations matches store/models.py (nothing left to autogenerate)."""
    assert schema_revision(engine) == head_revision()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_head_is_the_newest_migration():
    """The revision a start compares with (without alembic) is the newest migration file's."""
    assert head_revision() == db.HEAD


def test_a_start_on_a_current_database_leaves_alembic_unloaded(tmp_path):
    """Every start migrates; on a current database that is one query, and alembic is not even imported."""
    url = f"sqlite:///{tmp_path}/j.db"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    start = "import sys, store; store.migrate(store.make_engine(sys.argv[1])); print('alembic' in sys.modules)"
    root = Path(__file__).parents[2]
    again = subprocess.run([sys.executable, "-c", start, url], cwd=root, capture_output=True, text=True, check=True)
    fresh = subprocess.run(
        [sys.executable, "-c", start, f"sqlite:///{tmp_path}/new.db"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (again.stdout.split(), fresh.stdout.split()) == (["False"], ["True"])
    assert schema_revision(make_engine(f"sqlite:///{tmp_path}/new.db")) == head_revision()


def test_migrating_twice_changes_nothing(engine):
    """Migrations run at every start; on a current database they are a no-op."""
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
        before, _ = store.load_journey(session=session, journey_id=jid)
    migrate(engine)
    with Session(engine) as session:
        after, _ = store.load_journey(session=session, journey_id=jid)
    assert journey_equal(before, after)


def test_a_database_made_by_the_first_schema_upgrades_in_place(tmp_path):
    """Rows written by the first schema survive the upgrade to the newest and load as a journey."""
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    first = ScriptDirectory.from_config(db._config()).get_base()
    migrate(engine, first)
    engine.dispose()
    with sqlite3.connect(path) as raw:  # write as an old version of the app would have
        raw.execute(
            "INSERT INTO journey (id, name, description, state, version, created_at, updated_at, updated_by, deleted_by)"
            " VALUES ('old1', 'Legacy journey', '', 'as-is', 4, '2025-01-01 10:00:00', '2025-01-02 10:00:00', 'Eva', '')"
        )
        raw.execute("INSERT INTO stage (id, journey_id, key, name, position) VALUES (1, 'old1', 'use', 'Use', 0)")
        raw.execute(
            "INSERT INTO touchpoint (id, journey_id, key, stage_id, name, channel, owner, description, backstage,"
            " moment_of_truth, entry, exit, expectation, experience, position)"
            " VALUES (1, 'old1', 'app', 1, 'App login', 'app', 'IT', '', 0, 1, 1, 0, 4, 2, 0)"
        )
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    assert schema_revision(engine) == head_revision()
    with Session(engine) as session:
        G, version = store.load_journey(session=session, journey_id="old1")
        (info,) = store.list_journeys(session=session)
    engine.dispose()
    assert version == 4 and info.updated_by == "Eva"
    assert G.nodes["app"]["name"] == "App login"
    assert (G.nodes["app"]["moment_of_truth"], G.nodes["app"]["experience"]) == (True, 2)


def test_a_drafted_migration_follows_the_head_and_holds_what_the_models_add(tmp_path):
    """store.db.draft_migration (docs/contributing.md) writes the next number after the head; with the models as
    the migrations leave them it has no steps."""
    from store.db import draft_migration, head_revision

    path = draft_migration("nothing new", directory=tmp_path)
    text = path.read_text(encoding="utf-8")
    assert path.parent == tmp_path and path.name == f"{int(head_revision()) + 1:04d}_nothing_new.py"
    assert f"down_revision = '{head_revision()}'" in text
    assert "op." not in text  # nothing to do: the migrations already make what the models say
