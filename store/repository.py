"""What the workbench does with stored journeys: list, create, load, save, trash, history.

Every function takes the session as a keyword and is one transaction: it commits
what it did or, on any error, rolls back so that nothing is half-written.
Saving uses optimistic concurrency: the caller names the version it edited. A save against
a version someone else has replaced merges the caller's changes onto the current version when
the caller gives the version it began with (``base``), field by field
(:mod:`journeys.model.merge`); where both changed the same thing differently, or without
``base``, it raises :class:`ConflictError` and writes nothing.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

import networkx as nx
from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from journeys.io import interchange
from journeys.model.graph import GRAPH_DEFAULTS, new_id, normalize
from journeys.model.merge import Conflict, merge, value_of
from journeys.model.validation import JourneyInvalid, check
from store.models import Journey, Persona, Rating, Revision, Stage, Touchpoint, utcnow
from store.rows import Changes, apply_patch, changes_between, describe, patch, read_journey, write_changes, write_diff
from store.summaries import records_of, render

__all__ = [
    "ConflictError",
    "JourneyInfo",
    "JourneyNotFound",
    "JourneyStamp",
    "RevisionInfo",
    "BUSY_RETRIES",
    "count_change",
    "create_journey",
    "current_version",
    "delete_journey",
    "duplicate_journey",
    "import_journey",
    "journey_is_live",
    "journey_stamp",
    "list_journeys",
    "list_revisions",
    "load_journey",
    "load_revision",
    "purge_journey",
    "rename_journey",
    "restore_journey",
    "restore_revision",
    "retry_when_busy",
    "save_journey",
    "write_transaction",
]

log = logging.getLogger(__name__)

# A write that finds the database only busy is tried this often in all, waiting
# BUSY_BACKOFF_S, twice that, four times that ... (with jitter) in between.
BUSY_RETRIES = 5
BUSY_BACKOFF_S = 0.05
# PostgreSQL's "try again" codes: serialization failure, deadlock detected, lock not available
_PG_BUSY = {"40001", "40P01", "55P03"}
# A revision keeps the whole journey at version 1, 51, 101 … and whenever a save changes most of
# its touchpoints; in between only what changed (store.rows.patch), so that saving one touchpoint
# does not write all of them again. Reading a version replays at most this many patches.
SNAPSHOT_EVERY = 50
# A save merged onto a version that is replaced again before it lands merges anew, this often at most
# (each time someone else's save landed: with n people saving at once, n - 1 rounds at most).
MERGE_ROUNDS = 100


class JourneyNotFound(LookupError):
    """Raised when no journey (or revision) has the id asked for."""


@dataclass(frozen=True)
class RevisionInfo:
    """One saved version: who saved it, when, and what changed.

    ``changes`` are the records of :mod:`store.summaries` (``render`` tells them in a
    language); ``summary`` is the text stored with the version instead, if any (versions
    saved before the records, or a text given to :func:`save_journey`).
    """

    version: int
    author: str
    created_at: datetime
    summary: str
    changes: list[dict]


class ConflictError(RuntimeError):
    """Raised when a save is based on a version that someone else has replaced, and cannot be merged.

    ``newer`` lists the revisions saved since ``expected_version`` (who, when, what).
    ``conflicts`` are what both changed differently (:class:`journeys.model.merge.Conflict`,
    each with both values and who made the other change); empty where the save gave no
    ``base`` to merge from. Nothing was written.
    """

    def __init__(
        self,
        journey_id: str,
        expected_version: int,
        current_version: int,
        newer: list[RevisionInfo],
        conflicts: list[Conflict] | None = None,
    ):
        self.journey_id = journey_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.newer = newer
        self.conflicts = conflicts or []
        who = "; ".join(f"{r.author or 'someone'} at {r.created_at:%H:%M}: {render(r.changes)}" for r in newer)
        who = who or "deleted"
        fields = "; ".join(
            f"{c.id} is {c.mine!r} in yours and {c.theirs!r} in {c.by or 'someone'}'s" for c in self.conflicts
        )
        super().__init__(
            f"Journey {journey_id} was changed since you opened version {expected_version} "
            f"(now version {current_version}): {who}" + (f". Both changed: {fields}" if fields else "")
        )


@dataclass(frozen=True)
class JourneyInfo:
    """One row of the journey list."""

    id: str
    name: str
    state: str
    version: int
    personas: list[str]
    stages: int
    touchpoints: int
    updated_at: datetime
    updated_by: str
    source_id: str | None
    deleted_at: datetime | None


class JourneyStamp(NamedTuple):
    """What everything shown of a journey depends on, read from the database alone (no clock): a cache key.

    ``version`` changes with every save; ``lifetime`` is the journey's own (a journey stored under
    the id of one deleted for good has another); ``changes`` counts every write to the journey,
    its ratings, ideas and surveys (:func:`count_change`). The graph at a version is named by the
    id, ``version`` and ``lifetime``; what also shows its ratings by the whole stamp.
    """

    version: int
    lifetime: str
    changes: int


def _busy(exc: DBAPIError) -> bool:
    """True when the database was only busy (locked, a deadlock, a serialization failure), not the write wrong."""
    if isinstance(exc.orig, sqlite3.OperationalError):
        return "locked" in str(exc.orig) or "busy" in str(exc.orig)
    return getattr(exc.orig, "sqlstate", None) in _PG_BUSY


def retry_when_busy(write: Callable) -> Callable:
    """Run a one-transaction write again, with backoff, when the database was only busy.

    Covers SQLite's "database is locked" (after its own busy timeout) and PostgreSQL's
    deadlock and serialization failures; each attempt is rolled back in full, so a
    retry cannot write twice. Every other error, :class:`ConflictError` above all,
    goes to the caller at once. The decorated function must take ``session`` as a
    keyword-only argument (checked here, once): a retry rolls that session back.
    """
    parameter = inspect.signature(write).parameters.get("session")
    if parameter is None or parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
        raise TypeError(f"{write.__qualname__} must take session= as a keyword-only argument to be retried")

    @functools.wraps(write)
    def retried(*args, **kwargs):
        attempt = 0
        while True:
            try:
                return write(*args, **kwargs)
            except DBAPIError as exc:
                attempt += 1
                if not _busy(exc):
                    raise
                if attempt == BUSY_RETRIES:
                    log.error("%s: the database stayed busy after %d tries", write.__name__, attempt)
                    raise
                log.info("%s: the database was busy, trying again (%d of %d)", write.__name__, attempt, BUSY_RETRIES)
                kwargs["session"].rollback()
                time.sleep(BUSY_BACKOFF_S * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))

    return retried


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """Run a block as one write transaction: committed at the end, rolled back on error.

    On SQLite the write lock is taken up front (``BEGIN IMMEDIATE``), so that
    concurrent writers queue on the busy timeout instead of failing on a lock upgrade.
    """
    if session.in_transaction():
        session.commit()
    try:
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _journey(session: Session, journey_id: str, *, deleted: bool = False) -> Journey:
    journey = session.get(Journey, journey_id)
    if journey is None or (journey.deleted_at is not None and not deleted):
        raise JourneyNotFound(f"no journey with id {journey_id!r}")
    return journey


def list_journeys(*, session: Session, search: str = "", trash: bool = False) -> list[JourneyInfo]:
    """Return the journeys (or those in the trash), most recently changed first.

    ``search`` matches the journey name or a persona name, case-insensitively.
    """
    query = select(Journey).where(Journey.deleted_at.is_not(None) if trash else Journey.deleted_at.is_(None))
    if search:
        pattern = f"%{search.lower()}%"
        with_persona = select(Persona.journey_id).where(func.lower(Persona.name).like(pattern))
        query = query.where(or_(func.lower(Journey.name).like(pattern), Journey.id.in_(with_persona)))
    journeys = session.execute(query.order_by(Journey.updated_at.desc())).scalars().all()
    ids = [j.id for j in journeys]

    def counts(model):
        rows = session.execute(
            select(model.journey_id, func.count()).where(model.journey_id.in_(ids)).group_by(model.journey_id)
        )
        return dict(rows.all())

    stages, touchpoints = counts(Stage), counts(Touchpoint)
    personas: dict[str, list[str]] = {}
    rows = session.execute(
        select(Persona.journey_id, Persona.name).where(Persona.journey_id.in_(ids)).order_by(Persona.position)
    )
    for jid, name in rows:
        personas.setdefault(jid, []).append(name)
    infos = [
        JourneyInfo(
            id=j.id,
            name=j.name,
            state=j.state,
            version=j.version,
            personas=personas.get(j.id, []),
            stages=stages.get(j.id, 0),
            touchpoints=touchpoints.get(j.id, 0),
            updated_at=j.updated_at,
            updated_by=j.updated_by,
            source_id=j.source_id,
            deleted_at=j.deleted_at,
        )
        for j in journeys
    ]
    session.rollback()  # end the read transaction: sessions stay short
    return infos


_INSERT_REVISION = insert(Revision)


def _add_revision(
    session: Session,
    journey_id: str,
    version: int,
    created_at: datetime,
    author: str,
    told: tuple[list[dict] | None, str],
    graph: nx.DiGraph,
    changes: Changes | None = None,
) -> None:
    """Store revision ``version``: what changed as ``told`` (records, or None and a text), and the whole
    ``graph`` or the ``changes`` from the version before."""
    whole = (
        changes is None
        or version % SNAPSHOT_EVERY == 1
        or 2 * (len(changes.touchpoints) + len(changes.removed)) > graph.number_of_nodes()
    )
    snapshot = (
        interchange.dumps(graph, indent=None) if whole else json.dumps(patch(changes, version - 1), ensure_ascii=False)
    )
    row = {"journey_id": journey_id, "version": version, "author": author, "created_at": created_at}
    records, summary = told
    session.connection().execute(_INSERT_REVISION, row | {"changes": records, "summary": summary, "snapshot": snapshot})


@retry_when_busy
def create_journey(*, session: Session, graph: nx.DiGraph, author: str, source_id: str | None = None) -> str:
    """Store ``graph`` as a new journey (version 1) and return its id.

    The graph's own id is kept when it is free; otherwise a new one is given.
    Raises :class:`journeys.model.validation.JourneyInvalid` for an invalid journey.
    """
    graph = normalize(check(graph))
    with write_transaction(session):
        jid = graph.graph.get("id") or new_id()
        if session.get(Journey, jid) is not None:
            jid = new_id()
        graph.graph["id"] = jid
        now = utcnow()
        journey = Journey(
            id=jid,
            name=graph.graph["name"],
            description=graph.graph["description"],
            state=graph.graph["state"],
            source_id=source_id,
            created_at=now,
            updated_at=now,
            updated_by=author,
        )
        session.add(journey)
        session.flush()
        write_diff(session, jid, nx.DiGraph(stages=[], personas=[]), graph)
        _add_revision(session, jid, 1, now, author, ([{"op": "created"}], ""), graph)
    log.info("created journey %s %r (version 1) by %r", jid, graph.graph["name"], author)
    return jid


def import_journey(*, session: Session, data: str | bytes, author: str) -> str:
    """Import a JSON document (see ``docs/json-format.md``) as a new journey; return its id.

    Raises :class:`journeys.io.interchange.JourneyFormatError` listing every problem;
    then nothing is written.
    """
    try:
        graph = interchange.loads(data)
        journey_id = create_journey(session=session, graph=graph, author=author)
    except (interchange.JourneyFormatError, JourneyInvalid) as exc:
        kinds = ", ".join(
            sorted({str(p.code) for p in exc.problems})
        )  # codes only: the file's text stays out of the log
        log.warning("import by %r refused: %d problem(s) (%s); nothing written", author, len(exc.problems), kinds)
        raise
    log.info("imported journey %s %r by %r", journey_id, graph.graph.get("name"), author)
    return journey_id


def load_journey(*, session: Session, journey_id: str, lifetime: str | None = None) -> tuple[nx.DiGraph, int]:
    """Return the journey as a graph and the version it is at.

    With ``lifetime`` (of its :class:`JourneyStamp`), a journey stored under the same id after
    that one was deleted for good is not it: :class:`JourneyNotFound`.
    """
    found = read_journey(session, journey_id, lifetime=lifetime)
    session.rollback()  # end the read transaction: sessions stay short
    if found is None:
        raise JourneyNotFound(f"no journey with id {journey_id!r}")
    return found


def journey_is_live(*, session: Session, journey_id: str) -> bool:
    """Return whether the journey exists and is not in the trash (one small query)."""
    found = session.execute(select(Journey.id).where(Journey.id == journey_id, Journey.deleted_at.is_(None))).first()
    session.rollback()
    return found is not None


_JOURNEY_STAMP = select(Journey.version, Journey.lifetime, Journey.change_count).where(
    Journey.id == bindparam("journey_id"), Journey.deleted_at.is_(None)
)  # built once: pages read it on every rerun


def journey_stamp(*, session: Session, journey_id: str) -> JourneyStamp | None:
    """Return what the journey's views depend on (one small query), or None if it is not live (trash, unknown)."""
    found = session.connection().execute(_JOURNEY_STAMP, {"journey_id": journey_id}).first()
    session.rollback()
    return None if found is None else JourneyStamp(*found)


def count_change(session: Session, journey_id: str, **values) -> None:
    """Count a write to the journey, its ratings, ideas or surveys, in the caller's write transaction, and set
    ``values`` on the journey's row with it.

    Done first in the transaction: a save locks the journey's row first too, so that the
    two wait for each other rather than deadlock on PostgreSQL.
    """
    session.execute(
        update(Journey).where(Journey.id == journey_id).values(change_count=Journey.change_count + 1, **values)
    )


def current_version(*, session: Session, journey_id: str) -> int:
    """Return the journey's current version (to detect that someone else saved)."""
    version = session.execute(select(Journey.version).where(Journey.id == journey_id)).scalar_one_or_none()
    session.rollback()
    if version is None:
        raise JourneyNotFound(f"no journey with id {journey_id!r}")
    return version


_CLAIM = (
    update(Journey)
    .where(Journey.id == bindparam("j_id"), Journey.version == bindparam("expected"), Journey.deleted_at.is_(None))
    .values(version=Journey.version + 1, change_count=Journey.change_count + 1)
)
_CLAIM_IN_LIFETIME = _CLAIM.where(Journey.lifetime == bindparam("j_lifetime"))


def _bump(
    session: Session, journey_id: str, expected_version: int, author: str, graph: nx.DiGraph, lifetime: str | None
):
    """Claim the next version for ``graph`` (its name, description and state with it); return it and its time.

    Raises :class:`ConflictError` when the version is no longer ours to claim, and
    :class:`JourneyNotFound` when the journey is gone (or, with ``lifetime``, is another one).
    """
    now = utcnow()
    fields = {f: graph.graph.get(f, GRAPH_DEFAULTS[f]) for f in ("name", "description", "state")}
    values = {"j_id": journey_id, "expected": expected_version, "updated_at": now, "updated_by": author, **fields}
    if lifetime is None:
        claimed = session.connection().execute(_CLAIM, values)
    else:
        claimed = session.connection().execute(_CLAIM_IN_LIFETIME, values | {"j_lifetime": lifetime})
    if claimed.rowcount != 1:
        current = session.get(Journey, journey_id)
        if current is None or (lifetime is not None and current.lifetime != lifetime):
            raise JourneyNotFound(f"no journey with id {journey_id!r}")
        newer = _revisions(session, journey_id, after=expected_version)
        log.info(
            "%r saved journey %s over version %d, which %s replaced (now version %d)",
            author, journey_id, expected_version, ", ".join(repr(r.author) for r in newer) or "someone", current.version,
        )  # fmt: skip
        raise ConflictError(journey_id, expected_version, current.version, newer)
    return expected_version + 1, now


def save_journey(
    *,
    session: Session,
    graph: nx.DiGraph,
    expected_version: int,
    author: str,
    base: nx.DiGraph | None = None,
    summary: str | None = None,
    records: list[dict] | None = None,
    lifetime: str | None = None,
) -> int:
    """Save ``graph`` over version ``expected_version`` and return the new version.

    Only rows that differ are written, and the revision keeps only what changed.
    ``base`` may be the graph as loaded at ``expected_version``: it spares reading the
    stored rows to compare against, and only what differs from it is validated
    (``base`` itself is trusted to be the valid journey the store gave).
    With ``base``, a save over a version someone else has replaced meanwhile brings the
    changes from ``base`` to ``graph`` into the current version, field by field
    (:func:`journeys.model.merge.merge`), and saves that, validated like any save: the new
    version then holds both people's changes, and what ``graph`` does not (the caller loads
    it). Its revision is by ``author`` and tells what ``author`` changed.
    The revision tells what changed as records (:mod:`store.summaries`): ``records`` when
    given, else those of the difference; a ``summary`` text is kept in their place.
    With ``lifetime`` (of the :class:`JourneyStamp` the edit began with), a journey stored
    under the same id after that one was deleted for good is not written over.
    Raises :class:`ConflictError` (someone saved meanwhile: without ``base``, or where both
    changed the same field differently, listed in it), :class:`JourneyNotFound` or
    :class:`journeys.model.validation.JourneyInvalid`; in each case nothing is written.
    """
    began = expected_version
    for _ in range(MERGE_ROUNDS):
        try:
            return _save(
                session=session, graph=graph, expected_version=expected_version, author=author, base=base,
                summary=summary, records=records, lifetime=lifetime,
            )  # fmt: skip
        except ConflictError as exc:
            if base is None:
                _log_conflict(author, exc, "")
                raise
            theirs, current = load_journey(session=session, journey_id=exc.journey_id, lifetime=lifetime)
            merged = merge(base, graph, theirs)
            if merged.conflicts:
                conflicts = _blame(session, exc.journey_id, base, expected_version, current, merged.conflicts)
                newer = _revisions(session, exc.journey_id, after=began)
                session.rollback()
                exc = ConflictError(exc.journey_id, began, current, newer, conflicts)
                _log_conflict(author, exc, ", ".join(c.id for c in conflicts))
                raise exc from None
            log.info("merged %r's changes to journey %s version %d onto version %d", author, exc.journey_id,
                     expected_version, current)  # fmt: skip
            graph, base, expected_version = merged.graph, theirs, current
    raise ConflictError(graph.graph.get("id", ""), began, expected_version, [])  # always replaced again: give up


def _log_conflict(author: str, exc: ConflictError, fields: str) -> None:
    log.warning(
        "conflict: %r saved journey %s over version %d, which %s replaced (now version %d)%s; nothing written",
        author, exc.journey_id, exc.expected_version, ", ".join(repr(r.author) for r in exc.newer) or "someone",
        exc.current_version, f", both changing {fields}" if fields else "",
    )  # fmt: skip


def _blame(
    session: Session, journey_id: str, base: nx.DiGraph, version: int, current: int, conflicts: list[Conflict]
) -> list[Conflict]:
    """``conflicts`` with who made the other change: the author of the last version after ``version`` (whose
    journey is ``base``) up to ``current`` that changed the value there."""
    authors = {r.version: r.author for r in _revisions(session, journey_id, after=version)}
    by = dict.fromkeys(range(len(conflicts)), "")
    before = base
    for number in range(version + 1, current + 1):
        after = load_revision(session=session, journey_id=journey_id, version=number)
        for i, conflict in enumerate(conflicts):
            if value_of(after, conflict) != value_of(before, conflict):
                by[i] = authors.get(number, "")
        before = after
    return [replace(conflict, by=by[i]) for i, conflict in enumerate(conflicts)]


@retry_when_busy
def _save(
    *,
    session: Session,
    graph: nx.DiGraph,
    expected_version: int,
    author: str,
    base: nx.DiGraph | None,
    summary: str | None,
    records: list[dict] | None,
    lifetime: str | None,
) -> int:
    changes = None
    if base is None:
        check(graph)
    else:
        changes = changes_between(base, graph)
        if changes.retitled:
            check(graph)  # every touchpoint refers to the stages and personas
        else:
            check(graph, touchpoints=changes.differ, transitions_from=changes.sources)
    journey_id = graph.graph.get("id", GRAPH_DEFAULTS["id"])
    with write_transaction(session):
        stored = base
        if base is None:
            found = read_journey(session, journey_id)
            stored = found[0] if found else None  # without a journey, claiming the version raises
        version, now = _bump(session, journey_id, expected_version, author, graph, lifetime)
        changes = changes or changes_between(stored, graph)
        write_changes(session, journey_id, stored, graph, changes)
        told = (None, summary) if summary else (records or describe(changes, stored, graph), "")
        _add_revision(session, journey_id, version, now, author, told, graph, changes)
    log.info("saved journey %s version %d by %r", journey_id, version, author)
    return version


def rename_journey(*, session: Session, journey_id: str, name: str, author: str) -> int:
    """Rename a journey (a new revision); return the new version."""
    if not name.strip():
        raise ValueError("a journey needs a name")
    graph, version = load_journey(session=session, journey_id=journey_id)
    graph.graph["name"] = name.strip()
    return save_journey(session=session, graph=graph, expected_version=version, author=author)


def duplicate_journey(
    *, session: Session, journey_id: str, author: str, name: str | None = None, state: str | None = None
) -> str:
    """Copy a journey (e.g. an as-is into a to-be) with a link back; return the copy's id.

    The copy keeps the touchpoints' keys and carries the touchpoints' ratings, so that
    a to-be starts from the as-is scores and a comparison shows only what was changed.
    Ideas and surveys stay with the original. All or nothing.
    """
    graph, _ = load_journey(session=session, journey_id=journey_id)
    graph.graph["id"] = ""
    graph.graph["name"] = name or f"{graph.graph['name']} (copy)"
    if state:
        graph.graph["state"] = state
    copy_id = create_journey(session=session, graph=graph, author=author, source_id=journey_id)
    try:
        _copy_ratings(session=session, source_id=journey_id, target_id=copy_id)
    except BaseException:
        with write_transaction(session):  # no copy without its ratings
            session.execute(delete(Journey).where(Journey.id == copy_id))
        raise
    return copy_id


@retry_when_busy
def _copy_ratings(*, session: Session, source_id: str, target_id: str) -> None:
    old = aliased(Touchpoint)
    new = aliased(Touchpoint)
    columns = ("rater", "discipline", "desirable", "viable", "feasible", "comment", "updated_at")
    rows = (
        select(new.id, *(getattr(Rating, c) for c in columns))
        .join(old, old.id == Rating.touchpoint_id)
        .join(new, (new.key == old.key) & (new.journey_id == target_id))
        .where(old.journey_id == source_id)
    )
    with write_transaction(session):
        count_change(session, target_id)
        session.execute(insert(Rating).from_select(["touchpoint_id", *columns], rows))


def _set_deleted(session: Session, journey_id: str, author: str, deleted: bool) -> None:
    with write_transaction(session):
        journey = _journey(session, journey_id, deleted=True)
        journey.deleted_at = utcnow() if deleted else None
        journey.deleted_by = author if deleted else ""
        journey.change_count = Journey.change_count + 1
        session.add(journey)
    log.info("journey %s %s by %r", journey_id, "moved to the trash" if deleted else "restored from the trash", author)


@retry_when_busy
def delete_journey(*, session: Session, journey_id: str, author: str) -> None:
    """Move a journey to the trash, from where it can be restored."""
    _set_deleted(session, journey_id, author, True)


@retry_when_busy
def restore_journey(*, session: Session, journey_id: str) -> None:
    """Bring a journey back from the trash."""
    _set_deleted(session, journey_id, "", False)


@retry_when_busy
def purge_journey(*, session: Session, journey_id: str) -> None:
    """Delete a journey in the trash for good, with all its rows and history."""
    with write_transaction(session):
        journey = _journey(session, journey_id, deleted=True)
        if journey.deleted_at is None:
            raise ValueError("only a journey in the trash can be deleted for good")
        session.delete(journey)
    log.info("journey %s deleted for good", journey_id)


def _revisions(session: Session, journey_id: str, *, after: int = 0) -> list[RevisionInfo]:
    rows = session.execute(
        select(Revision.version, Revision.author, Revision.created_at, Revision.summary, Revision.changes)
        .where(Revision.journey_id == journey_id, Revision.version > after)
        .order_by(Revision.version.desc())
    )
    return [
        RevisionInfo(version, author, created_at, summary or "", records_of(changes, summary))
        for version, author, created_at, summary, changes in rows
    ]


def list_revisions(*, session: Session, journey_id: str) -> list[RevisionInfo]:
    """Return the journey's saved versions, newest first."""
    _journey(session, journey_id, deleted=True)
    revisions = _revisions(session, journey_id)
    session.rollback()
    return revisions


def _snapshots(session: Session, journey_id: str, version: int, lifetime: str | None) -> list[str]:
    """The stored revisions from ``version`` back to the one that holds the whole journey, newest first."""
    found, newest = [], version
    while newest > 0:
        query = (
            select(Revision.version, Revision.snapshot)
            .where(Revision.journey_id == journey_id, Revision.version <= newest)
            .where(Revision.version > newest - SNAPSHOT_EVERY)
            .order_by(Revision.version.desc())
        )
        if lifetime is not None:  # in the same statement: a journey stored anew under the id meanwhile finds nothing
            query = query.join(Journey, Journey.id == Revision.journey_id).where(Journey.lifetime == lifetime)
        rows = session.execute(query).all()
        for number, snapshot in rows:
            if number != newest:  # a version missing from the history
                raise JourneyNotFound(f"journey {journey_id!r} has no version {newest}")
            found.append(snapshot)
            if not snapshot.startswith('{"patch"'):
                return found
            newest -= 1
        if not rows:
            break
    raise JourneyNotFound(f"journey {journey_id!r} has no version {newest}")


def load_revision(*, session: Session, journey_id: str, version: int, lifetime: str | None = None) -> nx.DiGraph:
    """Return the journey as it was saved at ``version`` (with ``lifetime``: only in that lifetime, see
    :func:`load_journey`)."""
    try:
        snapshots = _snapshots(session, journey_id, version, lifetime)
    finally:
        session.rollback()
    doc = json.loads(snapshots[-1])
    for text in reversed(snapshots[:-1]):
        doc = apply_patch(doc, json.loads(text))
    return interchange.from_document(doc)


def restore_revision(
    *, session: Session, journey_id: str, version: int, expected_version: int, author: str, lifetime: str | None = None
) -> int:
    """Make an earlier version the current one (as a new revision); return the new version.

    With ``lifetime``, only a version of that lifetime of the journey (see :func:`save_journey`).
    """
    graph = load_revision(session=session, journey_id=journey_id, version=version, lifetime=lifetime)
    graph.graph["id"] = journey_id
    return save_journey(
        session=session,
        graph=graph,
        expected_version=expected_version,
        author=author,
        records=[{"op": "restored", "version": version}],
        lifetime=lifetime,
    )
