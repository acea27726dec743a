"""Engines and schema migrations, the same for SQLite and PostgreSQL.

The database URL comes from ``JOURNEYS_DB_URL``; without it the workbench keeps its data in
a SQLite file, created on first use, in the ``data`` folder of the project (the folder that
holds ``app.py``), wherever the app or the command line is started from.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, column, create_engine, event, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "HEAD",
    "database_url",
    "default_url",
    "failure",
    "answers",
    "exclusive",
    "head_revision",
    "make_engine",
    "migrate",
    "schema_revision",
    "upgrade",
]

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parent.parent  # the folder that holds app.py, store/ and journeys/
MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision in migrations/versions, known without alembic (tests/store/test_db.py holds it to
# alembic's head). With it a start on a current database skips alembic, which costs half a second to import.
HEAD = "0009"
# How long a connection to PostgreSQL is tried before the database counts as not reachable (seconds), unless the URL
# says (?connect_timeout=): a server whose host is gone would otherwise hold a page, or a health check, for minutes.
PG_CONNECT_TIMEOUT_S = 10
# Writers queue on SQLite's lock for this long before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The number of the PostgreSQL advisory lock that makes one process at a time change the schema ("JOURNEYS" in
# ASCII); an advisory lock belongs to one database, so databases on the same server do not wait for each other.
EXCLUSIVE_LOCK = 0x4A4F55524E455953
_ALEMBIC_VERSION = table("alembic_version", column("version_num"))  # alembic's own table, one row


def database_url() -> str:
    """Return ``JOURNEYS_DB_URL`` or the default SQLite file (:func:`default_url`)."""
    return os.environ.get("JOURNEYS_DB_URL") or default_url()


def default_url() -> str:
    """The SQLite file ``data/journeys.db`` of the project, as an absolute path.

    Installed as a package (no ``app.py`` beside ``store/``), the file is the user's:
    ``$XDG_DATA_HOME/journey-workbench/journeys.db``, by default under ``~/.local/share``.
    """
    if (PROJECT / "app.py").is_file():
        folder = PROJECT / "data"
    else:
        folder = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "journey-workbench"
    return f"sqlite:///{folder / 'journeys.db'}"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Return an engine for ``url`` (default: :func:`database_url`).

    For SQLite the parent folder is created, and every new connection gets
    foreign keys, WAL and a busy timeout. Transactions are begun explicitly so
    that writers can take the write lock up front (``BEGIN IMMEDIATE``, see
    :func:`store.repository.write_transaction`) instead of failing on a lock upgrade.
    """
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            kwargs["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S, **kwargs.get("connect_args", {})}
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        with suppress(OSError):  # a folder that cannot be made: connecting fails, and says so, as for any database
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event below issues BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")  # first: switching to WAL waits for a lock too
        cursor.execute("PRAGMA foreign_keys=ON")
        _wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):  # SQLAlchemy's recipe for pysqlite: BEGIN [IMMEDIATE] emitted by SQLAlchemy itself
        connection.exec_driver_sql(f"BEGIN {connection.get_execution_options().get('sqlite_begin', '')}".strip())

    return engine


def answers(url: str | None = None) -> bool:
    """Whether the database at ``url`` (default: :func:`database_url`) can be connected to and answers a query now.

    A connection of its own, closed at once: it tells an unreachable database from an error of one statement.
    """
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    return True


def failure(exc: BaseException) -> str:
    """What went wrong with the database, in one line for a terminal or a log: the driver's own reason,
    without the URL, host, user, database name or password that its message may quote.

    Examples
    --------
    >>> from sqlalchemy.exc import OperationalError
    >>> failure(OperationalError("connect", {}, Exception(
    ...     'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  password '
    ...     'authentication failed for user "ada"\\nmore')))
    'FATAL: password authentication failed for user …'
    >>> failure(OperationalError("connect", {}, Exception("unable to open database file")))
    'unable to open database file'
    >>> failure(ValueError("Could not parse URL from string 'postgresql://ada:s3cret@db/journeys'"))
    'Could not parse URL from string …'
    """
    text = str(getattr(exc, "orig", None) or exc).strip()
    text = text.splitlines()[0] if text else type(exc).__name__
    text = text.rsplit(" failed: ", 1)[-1]  # psycopg: "connection to server at "host", port 5432 failed: <reason>"
    text = _URL.sub("…", _QUOTED.sub("…", text))
    return " ".join(text.split())


_URL = re.compile(r"\b[\w.+-]+://\S*")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


def _wal(cursor) -> None:
    """Switch the file to WAL. On a new file that several processes open at once, SQLite answers "locked" at once
    instead of waiting (busy_timeout does not cover it): asked again, for as long as other writers are waited for."""
    for _ in range(SQLITE_BUSY_TIMEOUT_MS // 50):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA journal_mode=WAL")


def _config() -> Config:
    from alembic.config import Config  # alembic only when a migration is looked at (see HEAD)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@contextmanager
def exclusive(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that one process at a time holds: committed at the end, rolled back on error.

    For what a start does once per database (migrating, seeding): any number of processes may start at
    once, and each gets the transaction after the one before has ended, so it sees what that one did.
    PostgreSQL: a transaction-level advisory lock (:data:`EXCLUSIVE_LOCK`), released when the transaction
    ends however it ends. SQLite: the database's write lock, taken up front (``BEGIN IMMEDIATE``) and waited
    for as every writer waits (:data:`SQLITE_BUSY_TIMEOUT_MS`).
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EXCLUSIVE_LOCK})
            yield connection


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` in one transaction (a no-op when current).

    A database already at :data:`HEAD` is recognised with one query, without alembic and
    without a lock. Otherwise the upgrade runs in :func:`exclusive`: of several processes
    migrating at once one upgrades, and the others find the schema upgraded.
    """
    if revision in ("head", HEAD) and schema_revision(engine) == HEAD:
        return
    with exclusive(engine) as connection:
        upgrade(connection, revision)


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` on ``connection``, in its transaction (a no-op when current).

    The caller holds the transaction alone (:func:`exclusive`) and ends it.
    """
    current = schema_revision(connection)
    if revision in ("head", HEAD) and current == HEAD:
        return
    from alembic import command

    target = HEAD if revision == "head" else revision
    log.info("migrating the database schema from %s to %s", current or "an empty database", target)
    config = _config()
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, revision)
    except Exception:
        log.exception("migrating the database schema from %s to %s failed; nothing changed", current, target)
        raise
    log.info("the database schema is at %s", target)


def schema_revision(bind: Engine | Connection) -> str | None:
    """Return the schema revision the database is at, or None for an empty database.

    Read from alembic's own table, as alembic reads it (one linear history: one row).
    """
    with nullcontext(bind) if isinstance(bind, Connection) else bind.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(select(_ALEMBIC_VERSION.c.version_num)).scalar()


def head_revision() -> str:
    """Return the newest schema revision in ``migrations/versions`` (alembic's view of :data:`HEAD`)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def draft_migration(message: str, *, directory: str | Path | None = None) -> Path:
    """Write a new migration with the steps from the current head to ``store/models.py``, and return its file.

    For developers (docs/contributing.md): a throwaway SQLite database is migrated to the
    head, and Alembic compares it with the models. The file is numbered after the head
    (``0005_…`` after ``0004``) and goes into ``migrations/versions`` or ``directory``.
    Read it before you keep it, and set :data:`HEAD` to its number.
    """
    import tempfile

    from alembic import command

    head = head_revision()
    number = f"{int(head) + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/head.db")
        migrate(engine)
        config = _config()
        if directory is not None:  # elsewhere than the migrations, say in a test: Alembic must know the folder
            config.set_main_option("version_locations", f"{MIGRATIONS / 'versions'} {directory}")
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            script = command.revision(
                config, message=message, autogenerate=True, rev_id=number,
                version_path=None if directory is None else str(directory),
            )  # fmt: skip
        engine.dispose()
    return Path(script.path)
