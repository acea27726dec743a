"""A database made ready for the app: the newest schema, and the demo journeys in a database without journeys.

Several app processes may start at once on one database (behind a load balancer, or all
restarted together). One of them migrates and seeds, in one transaction that one process
at a time holds (:func:`store.db.exclusive`); the others wait for it and then find the
database ready. A database that is ready is recognised without the lock and without alembic.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from store.db import HEAD, exclusive, failure, schema_revision, upgrade
from store.models import Journey
from store.seed import seed_demo_journeys

__all__ = ["prepare_database", "readiness"]

log = logging.getLogger(__name__)

_ANY_JOURNEY = select(select(Journey.id).exists())  # the trash counts: a team that deleted the demo keeps it deleted


def prepare_database(engine: Engine, *, demo: bool = True) -> None:
    """Migrate the database to the newest schema and, with ``demo``, store the demo journeys when it holds none.

    Any number of processes may do it at once on the same database: all of it is one
    transaction, which one process at a time holds, so each finds the database either
    as it was or ready, never half-migrated or half-seeded, and the demo is stored once.
    """
    if _ready(engine, demo):
        return
    with exclusive(engine) as connection:
        upgrade(connection)
        if demo:
            # the seed's writes commit savepoints of this transaction: what they write is seen only once it all is
            with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
                if seeded := seed_demo_journeys(session=session):
                    log.info("stored %d demo journeys in the empty database", len(seeded))


def readiness(engine: Engine) -> str | None:
    """None when the app can serve from the database (it answers, and its schema is the newest); else why not.

    The reason is one line without the database's URL, host or password (:func:`store.db.failure`).
    Nothing is written: a SQLite file that is not there is not made.
    """
    url = engine.url
    file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if file and not Path(url.database).is_file():
        return "the database does not exist yet (journeys migrate makes it)"
    try:
        revision = schema_revision(engine)
    except SQLAlchemyError as exc:
        return f"the database is not reachable: {failure(exc)}"
    if revision is None:
        return "the database has no schema yet (journeys migrate makes it)"
    if revision < HEAD:
        return f"the database schema is at {revision}, this workbench needs {HEAD} (journeys migrate upgrades it)"
    if revision != HEAD:
        return f"the database schema is at {revision}, newer than this workbench knows ({HEAD})"
    return None


def _ready(engine: Engine, demo: bool) -> bool:
    """Whether the schema is the newest and (with ``demo``) there is a journey: two small reads."""
    with engine.connect() as connection:
        if schema_revision(connection) != HEAD:
            return False
        return not demo or connection.execute(_ANY_JOURNEY).scalar()
