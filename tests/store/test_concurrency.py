"""A workshop at once: many writers on one journey, on SQLite and PostgreSQL.

Each writer is a thread with its own session on the same engine. Editors change
touchpoints, others change transitions (each load → edit → save on the version
they loaded, reloading after a conflict), raters save scores. Nothing may vanish:
every save either lands as the next revision or gets a :class:`ConflictError`,
the final journey is the accepted edits replayed in revision order, and every
rater's last scores are there.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import networkx as nx
import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

import store
from journeys.model.graph import journey_equal, normalize
from store import analysis, repository
from tests.strategies import make_journey

WRITERS = 12  # threads at once: a third edit touchpoints, a third transitions, a third score
WRITES_PER_WRITER = 10
MAX_ATTEMPTS = 20  # an editor reloads and tries again this often after a conflict, then gives up
TOUCHPOINTS = 24
READERS = 6  # managers opening the portfolio at the same moment


@dataclass
class Accepted:
    version: int
    author: str
    summary: str
    edit: Callable[[nx.DiGraph], None]
    graph: nx.DiGraph


@dataclass
class Outcome:
    """What one writer saw: saves that landed, conflicts, and writes given up after MAX_ATTEMPTS."""

    accepted: list[Accepted] = field(default_factory=list)
    conflicts: int = 0
    refused: list[str] = field(default_factory=list)
    ratings: dict[tuple[str, str], tuple] = field(default_factory=dict)


def touchpoint_edit(writer: int, write: int):
    key = f"tp-{(writer * 7 + write) % TOUCHPOINTS + 1}"
    marker = f"w{writer}-{write}"

    def edit(G):
        G.nodes[key]["name"] = marker
        G.nodes[key]["experience"] = write % 5 + 1

    return marker, edit


def transition_edit(writer: int, write: int):
    """Even writes add the writer's own transition, odd ones remove it again and relabel a path step."""
    own = (f"tp-{4 + writer % 6}", f"tp-{TOUCHPOINTS - 2 - writer % 6}")
    step = (f"tp-{10 + writer % 6}", f"tp-{11 + writer % 6}")
    marker = f"w{writer}-{write}"

    def edit(G):
        if write % 2 == 0:
            G.add_edge(*own, label=marker, share=None)
        else:
            if G.has_edge(*own):
                G.remove_edge(*own)
            G.edges[step]["label"] = marker

    return marker, edit


def edit_journey(engine, jid: str, writer: int, make_edit, barrier) -> Outcome:
    outcome = Outcome()
    barrier.wait()
    with Session(engine) as session:
        for write in range(WRITES_PER_WRITER):
            marker, edit = make_edit(writer, write)
            for _ in range(MAX_ATTEMPTS):
                G, version = store.load_journey(session=session, journey_id=jid)
                H = G.copy()
                edit(H)
                try:
                    new = store.save_journey(
                        session=session, graph=H, expected_version=version, author=f"writer-{writer}", summary=marker
                    )
                except store.ConflictError as conflict:
                    assert conflict.current_version > version
                    outcome.conflicts += 1
                    continue
                outcome.accepted.append(Accepted(new, f"writer-{writer}", marker, edit, normalize(H)))
                break
            else:
                outcome.refused.append(marker)
    return outcome


def rate(engine, jid: str, writer: int, barrier) -> Outcome:
    outcome = Outcome()
    rater = f"rater-{writer}"
    barrier.wait()
    with Session(engine) as session:
        for write in range(WRITES_PER_WRITER):
            scores = {}
            for k in range(3):
                key = f"tp-{(write * 3 + k) % TOUCHPOINTS + 1}"
                values = ((writer + write) % 5 + 1, (write + k) % 5 + 1, (writer + k) % 5 + 1, f"{rater} #{write}")
                scores[key] = dict(zip(("desirable", "viable", "feasible", "comment"), values, strict=True))
                outcome.ratings[(key, rater)] = values
            # raters never conflict: any exception here fails the test
            analysis.save_ratings(session=session, journey_id=jid, rater=rater, discipline="design", scores=scores)
    return outcome


def test_many_writers_at_once_lose_nothing(engine):
    """Twelve people edit, re-link and score one journey at once: each save lands or is refused, none vanishes."""
    base = make_journey(TOUCHPOINTS)
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=base, author="setup")
        base, _ = store.load_journey(session=session, journey_id=jid)

    barrier = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = []
        for writer in range(WRITERS):
            if writer % 3 == 0:
                futures.append(pool.submit(edit_journey, engine, jid, writer, touchpoint_edit, barrier))
            elif writer % 3 == 1:
                futures.append(pool.submit(edit_journey, engine, jid, writer, transition_edit, barrier))
            else:
                futures.append(pool.submit(rate, engine, jid, writer, barrier))
        outcomes = [f.result() for f in futures]  # re-raises whatever reached a writer, e.g. "database is locked"

    editors = [o for w, o in enumerate(outcomes) if w % 3 != 2]
    for outcome in editors:
        assert len(outcome.accepted) + len(outcome.refused) == WRITES_PER_WRITER
    accepted = sorted((a for o in editors for a in o.accepted), key=lambda a: a.version)
    assert accepted, "no save landed at all"

    with Session(engine) as session:
        final, version = store.load_journey(session=session, journey_id=jid)
        revisions = store.list_revisions(session=session, journey_id=jid)
        # every version as the history shows it (a whole journey, or what changed from the version before)
        snapshots = {
            r.version: store.load_revision(session=session, journey_id=jid, version=r.version) for r in revisions
        }
        ratings = analysis.list_ratings(session=session, journey_id=jid)

    # every accepted save claimed its own version, one after the other, and is a revision as saved
    assert [a.version for a in accepted] == list(range(2, version + 1))
    assert [(r.version, r.author, r.summary) for r in reversed(revisions)][1:] == [
        (a.version, a.author, a.summary) for a in accepted
    ]
    for a in accepted:
        assert journey_equal(snapshots[a.version], a.graph)
    # the final journey is the accepted edits replayed in revision order
    replayed = base.copy()
    for a in accepted:
        a.edit(replayed)
    assert journey_equal(final, normalize(replayed))
    assert journey_equal(final, accepted[-1].graph)
    # every rater's last scores are there, untouched by the editors and by each other
    expected = {key: values for o in outcomes for key, values in o.ratings.items()}
    stored = {
        (r["touchpoint"], r["rater"]): (r["desirable"], r["viable"], r["feasible"], r["comment"]) for r in ratings
    }
    assert stored == expected  # and no rater got an error: rate() would have raised it above

    saves = sum(len(o.accepted) for o in editors)
    refused = sum(len(o.refused) for o in editors)
    conflicts = sum(o.conflicts for o in editors)
    print(
        f"{WRITERS} writers: {saves} saves landed, {conflicts} conflicts retried, {refused} given up; {len(stored)} ratings"
    )


def test_managers_opening_the_portfolio_at_once_all_get_it(engine):
    """Several readers recomputing a journey's stale figures at the same moment all succeed, with one set of rows."""
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=make_journey(TOUCHPOINTS), author="a")
    barrier = threading.Barrier(READERS)

    def open_portfolio(_):
        barrier.wait()
        with Session(engine) as session:
            analysis.refresh_metrics(session=session, journey_id=jid)
            return analysis.portfolio(session=session)["touchpoints"].sum()

    with ThreadPoolExecutor(max_workers=READERS) as pool:
        assert list(pool.map(open_portfolio, range(READERS))) == [TOUCHPOINTS] * READERS


def test_a_busy_database_is_retried_not_shown(tmp_path, monkeypatch):
    """A writer that finds SQLite locked past its busy timeout tries again with backoff and lands."""
    monkeypatch.setattr(store.db, "SQLITE_BUSY_TIMEOUT_MS", 20)
    engine = store.make_engine(f"sqlite:///{tmp_path}/j.db")
    store.migrate(engine)
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=make_journey(5), author="a")
        G, version = store.load_journey(session=session, journey_id=jid)
    blocker = sqlite3.connect(tmp_path / "j.db", isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # someone else holds the write lock ...
    threading.Timer(0.15, blocker.rollback).start()  # ... for longer than the busy timeout
    G.nodes["tp-1"]["name"] = "Landed"
    with Session(engine) as session:
        assert store.save_journey(session=session, graph=G, expected_version=version, author="b") == version + 1
        assert store.load_journey(session=session, journey_id=jid)[0].nodes["tp-1"]["name"] == "Landed"
    blocker.close()
    engine.dispose()


@pytest.mark.parametrize("busy", [True, False])
def test_only_a_busy_database_is_retried(monkeypatch, busy):
    """Locks, deadlocks and serialization failures are tried again; a conflict or any other error is not."""
    import psycopg

    monkeypatch.setattr(repository, "BUSY_BACKOFF_S", 0)
    calls = []
    error = psycopg.errors.DeadlockDetected("deadlock detected") if busy else psycopg.errors.UniqueViolation("dup")

    @repository.retry_when_busy
    def write(*, session):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("UPDATE journey", {}, error)
        return "done"

    class FakeSession:
        def rollback(self):
            pass

    if busy:
        assert write(session=FakeSession()) == "done"
        assert len(calls) == 3
    else:
        with pytest.raises(OperationalError):
            write(session=FakeSession())
        assert len(calls) == 1

    conflicts = []

    @repository.retry_when_busy
    def conflicting(*, session):
        conflicts.append(1)
        raise store.ConflictError("j", 1, 2, [])

    with pytest.raises(store.ConflictError):
        conflicting(session=FakeSession())
    assert len(conflicts) == 1
