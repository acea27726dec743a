"""Several app processes starting at once on one new database: one prepares it, the others wait and find it ready."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session

import store
from journeys.model.templates import TEMPLATES
from store import seed
from store.db import HEAD, exclusive, schema_revision
from tests.stress import size

PROCESSES = 4  # app processes started at the same moment
ROUNDS = size(2, 5)  # each on a database of its own, new (make stress: 5)
WAIT_S = 300  # for everything: four processes importing the app on a busy two-core machine


def _start(urls: list[str], barrier, results) -> None:
    """One app process: for each database, wait until every process is there, then prepare it as the app does."""
    for url in urls:
        barrier.wait(timeout=WAIT_S)
        engine = store.make_engine(url)
        try:
            store.prepare_database(engine)
            results.put((url, None))
        except Exception:  # reported to the test, which fails with it
            results.put((url, traceback.format_exc()))
        finally:
            engine.dispose()


@contextmanager
def _sqlite_database(tmp_path, number: int):
    yield f"sqlite:///{tmp_path}/round{number}.db"


@contextmanager
def new_database(server_url: str, tag: object = "") -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards; its URL."""
    name = f"journeys_{tag}_{uuid.uuid4().hex[:8]}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


def _journeys(session: Session) -> list[tuple[str, str]]:
    return sorted((j.name, j.state) for j in store.list_journeys(session=session))


def _demo_journeys() -> list[tuple[str, str]]:
    """The demo journeys (name and state), as a database seeded once (and only once) holds them."""
    url = "sqlite://"  # in memory: seeded by this process alone
    engine = store.make_engine(url)
    try:
        store.migrate(engine)
        with Session(engine) as session:
            store.seed_demo_journeys(session=session)
            return _journeys(session)
    finally:
        engine.dispose()


def _started_at_once(urls: list[str]) -> list[tuple[str, str | None]]:
    """Start PROCESSES processes (spawned, as separate app processes are) that prepare each database at once."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [context.Process(target=_start, args=(urls, barrier, results)) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=WAIT_S) for _ in range(PROCESSES * len(urls))]
    finally:
        for process in processes:
            process.join(timeout=WAIT_S)
            if process.is_alive():
                process.kill()
    assert [p.exitcode for p in processes] == [0] * PROCESSES
    return outcomes


def _check_prepared(urls: list[str], outcomes: list[tuple[str, str | None]]) -> None:
    failed = [error for _, error in outcomes if error]
    assert not failed, failed[0]
    assert Counter(url for url, _ in outcomes) == dict.fromkeys(urls, PROCESSES)
    expected = _demo_journeys()
    for url in urls:
        engine = store.make_engine(url)
        try:
            assert schema_revision(engine) == HEAD
            with Session(engine) as session:
                found = _journeys(session)
        finally:
            engine.dispose()
        assert found == expected  # every demo journey exactly once
    assert len(expected) == len(TEMPLATES) + 1  # the as-is journeys and the broadband to-be


def test_app_processes_starting_at_once_on_a_new_sqlite_file_seed_it_once(tmp_path):
    """Four processes start at the same moment on a new SQLite file, five times: none fails, the demo is there once."""
    with ExitStack() as stack:
        urls = [stack.enter_context(_sqlite_database(tmp_path, n)) for n in range(ROUNDS)]
        _check_prepared(urls, _started_at_once(urls))


@pytest.mark.postgres
def test_app_processes_starting_at_once_on_a_new_postgres_database_seed_it_once(pg_url):
    """Four processes start at the same moment on a new PostgreSQL database, five times: none fails, the demo is
    there once."""
    with ExitStack() as stack:
        urls = [stack.enter_context(new_database(pg_url, n)) for n in range(ROUNDS)]
        _check_prepared(urls, _started_at_once(urls))


def test_a_ready_database_is_recognised_without_the_lock_and_without_alembic(db_url):
    """A start on a database that is ready neither waits for a process holding the lock nor loads alembic."""
    engine = store.make_engine(db_url)
    store.prepare_database(engine)
    start = "import sys, store; store.prepare_database(store.make_engine(sys.argv[1])); print('alembic' in sys.modules)"
    root = Path(__file__).parents[2]
    try:
        with exclusive(engine):  # a start that took the lock would wait here (SQLite: 30 s; PostgreSQL: for good)
            started = subprocess.run(
                [sys.executable, "-c", start, db_url], cwd=root, capture_output=True, text=True, timeout=20
            )
    finally:
        engine.dispose()
    assert (started.returncode, started.stdout.split()) == (0, ["False"]), started.stderr


def test_a_start_that_fails_while_seeding_leaves_the_database_as_it_was(db_url, monkeypatch):
    """Migrating and seeding are one transaction: a failure half-way leaves no schema and no demo journey behind,
    and the next start prepares the database whole."""
    engine = store.make_engine(db_url)
    real = seed.save_ratings
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["journey_id"])
        if len(calls) == 3:  # after journeys and ratings were written
            raise RuntimeError("the process died")
        return real(**kwargs)

    monkeypatch.setattr(seed, "save_ratings", failing)
    try:
        with pytest.raises(RuntimeError, match="the process died"):
            store.prepare_database(engine)
        assert schema_revision(engine) is None
        monkeypatch.setattr(seed, "save_ratings", real)
        store.prepare_database(engine)
        assert schema_revision(engine) == HEAD
        with Session(engine) as session:
            assert _journeys(session) == _demo_journeys()
    finally:
        engine.dispose()
