"""Shared fixtures: a database per test (SQLite and PostgreSQL) and Debian's Chromium for browser tests."""

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The longest files first, then the tests without a browser, then the other browser tests. With several workers
# (pytest-xdist, as `make test` runs them) a file stays on one worker: the longest ones started last would leave
# the other workers idle at the end, and browser tests side by side on every core slow each other down.
LONGEST_FIRST = (
    "tests/e2e/test_processes.py",
    "tests/e2e/test_cold_start.py",
    "tests/e2e/test_rapid_edits.py",
    "tests/app/test_interrupted_runs.py",
)


def pytest_collection_modifyitems(config, items):
    """Reorder whole files as above; within a file the order stays as written."""

    def rank(item) -> tuple[int, int]:
        path = item.nodeid.split("::")[0]
        if path in LONGEST_FIRST:
            return 0, LONGEST_FIRST.index(path)
        return (2 if item.get_closest_marker("e2e") else 1), 0

    items.sort(key=rank)  # a stable sort: files and tests keep their order within a rank


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the PostgreSQL server for tests; `make test` starts a throwaway one."""
    url = os.environ.get("JOURNEYS_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("JOURNEYS_TEST_PG_URL is not set: CI must test PostgreSQL too (run .ci/test)")
        pytest.skip("set JOURNEYS_TEST_PG_URL or run make test")
    return url


@pytest.fixture
def pg_database_url(pg_url):
    """URL of a fresh, empty database on the test server, dropped after the test."""
    name = f"journeys_{uuid.uuid4().hex[:12]}"
    _on_server(f'CREATE DATABASE "{name}"')
    yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    _on_server(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    """Make the empty database at a URL (an SQLite file not yet there, or an empty PostgreSQL database) a migrated
    one, with the demo journeys stored when ``demo`` is true, exactly as ``store.migrate`` and
    ``store.seed_demo_journeys`` leave it: by copying a database prepared so once per test process. A copy takes
    milliseconds; migrating takes a tenth of a second on SQLite and more on PostgreSQL, storing the demo half a
    second, in each of hundreds of tests. (tests/store/test_db.py and test_startup.py migrate and seed for real.)"""
    import store

    folder = tmp_path_factory.mktemp("prepared")
    made: dict[tuple[str, bool], str] = {}  # (backend, demo) → the SQLite file or the PostgreSQL database

    def make(url: str, demo: bool) -> None:
        engine = store.make_engine(url)
        try:
            store.migrate(engine)
            if demo:
                with Session(engine) as session:
                    store.seed_demo_journeys(session=session)
            if engine.url.get_backend_name() == "sqlite":
                with engine.connect() as connection:  # all of it in the file itself, none left in its WAL
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()

    def fill(url: str, *, demo: bool = False) -> None:
        target = make_url(url)
        backend = target.get_backend_name()
        if (backend, demo) not in made:
            if backend == "sqlite":
                made[backend, demo] = str(folder / f"{'demo' if demo else 'migrated'}.db")
                make(f"sqlite:///{made[backend, demo]}", demo)
            else:
                made[backend, demo] = f"journeys_prepared_{uuid.uuid4().hex[:12]}"
                _on_server(f'CREATE DATABASE "{made[backend, demo]}"')
                make(target.set(database=made[backend, demo]).render_as_string(hide_password=False), demo)
        if backend == "sqlite":
            shutil.copyfile(made[backend, demo], target.database)
        else:
            _on_server(f'DROP DATABASE "{target.database}" WITH (FORCE)',
                       f'CREATE DATABASE "{target.database}" TEMPLATE "{made[backend, demo]}"')  # fmt: skip

    yield fill
    for (backend, _), name in made.items():
        if backend != "sqlite":
            _on_server(f'DROP DATABASE "{name}" WITH (FORCE)')


def _on_server(*statements: str) -> None:
    """Run ``statements`` on the test server (``pg_url``): a database is made and dropped from another one."""
    server = create_engine(os.environ["JOURNEYS_TEST_PG_URL"], isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        server.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """URL of an empty database, once for each backend the store supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/journeys.db"
    return request.getfixturevalue("pg_database_url")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium: `playwright install` cannot download browsers here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
