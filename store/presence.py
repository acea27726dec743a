"""Who else has a journey open, and whether it changed: what a page polls while a journey is open.

A browser tab with a journey open renews its row now and then (:func:`beat`); a row not renewed
for :data:`GONE_AFTER_S` seconds counts as gone, and the next heartbeat on that journey deletes
it. Every time is the database's clock, never an app server's, so that servers whose clocks
disagree share one idea of who is here. :func:`look` is the poll: one query on the journey's
primary key and the presence rows under the same key prefix, returning the journey's version and
change count (what caches are keyed by) with whoever is here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from store.models import Journey, Presence
from store.repository import JourneyNotFound, retry_when_busy, write_transaction

__all__ = ["BEAT_EVERY_S", "GONE_AFTER_S", "POLL_EVERY_S", "Here", "Look", "beat", "leave", "look"]

POLL_EVERY_S = 3  # how often an open journey page asks (ui/live.py): a save by someone else is told within seconds
BEAT_EVERY_S = 15  # how often an open tab renews its row
GONE_AFTER_S = 45  # a row older than this counts as gone: three heartbeats missed
FORGOTTEN_AFTER_S = 600  # and one older than this is deleted by the next heartbeat on the journey
MAX_NAME, MAX_TAB, MAX_PAGE = 200, 64, 32


@dataclass(frozen=True)
class Here:
    """Someone with the journey open: their name, the page, and how many seconds ago they were last seen."""

    tab: str
    name: str
    page: str
    seconds_ago: float


@dataclass(frozen=True)
class Look:
    """What a poll found: the journey's version and change count, who is here, and the database's clock."""

    version: int
    changes: int
    updated_by: str
    here: list[Here]
    now: datetime


@retry_when_busy
def beat(*, session: Session, journey_id: str, tab: str, name: str, page: str) -> None:
    """Say that browser tab ``tab`` (``name``, on ``page``) has the journey open now; forget long gone tabs.

    Raises :class:`store.JourneyNotFound` when there is no such journey (deleted for good meanwhile).
    """
    if not tab or len(tab) > MAX_TAB:
        raise ValueError(f"a tab is named by 1 to {MAX_TAB} characters")
    dialect = importlib.import_module(f"sqlalchemy.dialects.{session.get_bind().dialect.name}")
    row = {"journey_id": journey_id, "tab": tab, "name": name[:MAX_NAME], "page": page[:MAX_PAGE]}
    upsert = dialect.insert(Presence).values(**row, seen_at=func.now())
    upsert = upsert.on_conflict_do_update(
        index_elements=["journey_id", "tab"],
        set_={"name": upsert.excluded.name, "page": upsert.excluded.page, "seen_at": func.now()},
    )
    try:
        with write_transaction(session):
            now = session.execute(upsert.returning(Presence.seen_at)).scalar_one()
            cutoff = now - timedelta(seconds=FORGOTTEN_AFTER_S)
            session.execute(delete(Presence).where(Presence.journey_id == journey_id, Presence.seen_at < cutoff))
    except IntegrityError as exc:  # the only constraint a well-formed row can break is the journey's key
        raise JourneyNotFound(f"no journey with id {journey_id!r}") from exc


@retry_when_busy
def leave(*, session: Session, journey_id: str, tab: str) -> None:
    """Say that browser tab ``tab`` has closed the journey (nothing happens when it had not opened it)."""
    with write_transaction(session):
        session.execute(delete(Presence).where(Presence.journey_id == journey_id, Presence.tab == tab))


# The poll, built once: the journey's row by its key and the presence rows under the same key prefix.
_LOOK = (
    select(
        Journey.version, Journey.change_count, Journey.updated_by, func.now(),
        Presence.tab, Presence.name, Presence.page, Presence.seen_at,
    )
    .select_from(Journey)
    .outerjoin(Presence, Presence.journey_id == Journey.id)
    .where(Journey.id == bindparam("j_id"), Journey.deleted_at.is_(None))
)  # fmt: skip


def look(*, session: Session, journey_id: str) -> Look:
    """The poll: the journey's version, change count and last author, and who has it open (seen within
    :data:`GONE_AFTER_S` seconds), in one query. Raises :class:`store.JourneyNotFound` when it is gone."""
    rows = session.connection().execute(_LOOK, {"j_id": journey_id}).all()
    session.rollback()  # end the read transaction: sessions stay short
    if not rows:
        raise JourneyNotFound(f"no journey with id {journey_id!r}")
    version, changes, updated_by, now, *_ = rows[0]
    now = _aware(now)
    here = []
    for *_, tab, name, page, seen_at in rows:
        if tab is None:
            continue
        ago = (now - _aware(seen_at)).total_seconds()
        if ago <= GONE_AFTER_S:
            here.append(Here(tab, name, page, max(ago, 0.0)))
    return Look(version, changes, updated_by or "", here, now)


def _aware(moment: datetime) -> datetime:
    """A time of the database's clock as UTC (SQLite gives it without a zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
