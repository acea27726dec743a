"""A crash in the middle of a large save leaves the old journey or the new one, never a mix.

A child process (forked, with its own engine) saves a massive edit of a
1,000-touchpoint journey and is killed with SIGKILL, in turn: just after the
commit, with every row written but not committed, at a random moment of the save,
and the instant the database commit begins.
Then a fresh engine checks the database and finds the journey exactly as before
the save or exactly as saved, with the matching revisions.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time

import networkx as nx
from sqlalchemy import event, func, make_url, select
from sqlmodel import Session

import store
from journeys.model.graph import add_touchpoint, add_transition, journey_equal, normalize
from store.models import Touchpoint
from tests.strategies import make_journey

CRASH_RUNS = {"sqlite": 8, "postgresql": 4}  # SQLite is the main target: its file is the database
# where the child is killed, in turn: just after the commit, with every row written but before the
# commit, at a random moment of the save, the instant the commit begins
KILL_POINTS = ("saved", "written", "saving", "committing")
CRASH_TOUCHPOINTS = 1_000
WAIT_S = 60  # for the child's messages; a healthy save takes a second or two


def massive_edit(G: nx.DiGraph, run: int) -> nx.DiGraph:
    """Change every 4th touchpoint and transition, rewrite every 8th touchpoint's needs, replace 100 touchpoints.

    About 1,000 rows change: more than a workshop changes in a day, in one save.
    """
    H = normalize(G)
    for i, (key, data) in enumerate(H.nodes(data=True)):
        if i % 4 == run % 4:
            data["name"] = f"{key} (run {run})"
            data["experience"] = (run + i) % 5 + 1
        if i % 8 == run % 8:
            data["needs"] = [{"text": f"Need of run {run}", "motivation": "", "kind": "functional", "persona": None}]
    for i, (_, _, data) in enumerate(H.edges(data=True)):
        if i % 4 == run % 4:
            data["label"] = f"run {run}"
    H.remove_nodes_from([key for key in list(H) if key.startswith("added-")])
    for k in range(100):
        key = add_touchpoint(H, f"added-{run}-{k}", name=f"Added in run {run}", stage="during", channel="app")
        add_transition(H, f"tp-{10 * k + 5}", key, label="side trip")
    return H


def _save(url: str, graph: nx.DiGraph, base: nx.DiGraph, version: int, run: int, pipe, hold_before_commit) -> None:
    """In the child: save ``graph``, telling the parent when it starts, has written all, commits and has committed."""
    engine = store.make_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def small_cache(dbapi_connection, _record):
            # a tiny page cache makes SQLite spill the unfinished transaction into the WAL file,
            # so that a kill leaves uncommitted pages on disk for recovery to ignore
            dbapi_connection.execute("PRAGMA cache_size=100")

    @event.listens_for(engine, "after_cursor_execute")
    def written(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO REVISION"):
            pipe.send("written")  # every row is written, nothing committed yet
            if hold_before_commit:
                time.sleep(WAIT_S)

    @event.listens_for(engine, "commit")
    def committing(_connection):
        pipe.send("committing")

    with Session(engine) as session:
        pipe.send("saving")
        store.save_journey(
            session=session, graph=graph, base=base, expected_version=version, author=f"run {run}", summary=f"run {run}"
        )
    pipe.send("saved")
    time.sleep(WAIT_S)  # wait for the kill


def _expect(pipe, message: str) -> None:
    assert pipe.poll(WAIT_S), f"the child never said {message!r}"
    while (got := pipe.recv()) != message:
        assert pipe.poll(WAIT_S), f"the child said {got!r}, never {message!r}"


def _crash(url: str, graph, base, version: int, run: int, *, when: str, delay: float) -> float:
    """Run a save in a child process and SIGKILL it ``delay`` seconds after ``when``; return the save's time."""
    parent, child = multiprocessing.Pipe()
    args = (url, graph, base, version, run, child, when == "written")
    process = multiprocessing.get_context("fork").Process(target=_save, args=args)
    process.start()
    child.close()  # so that a child that dies early ends the parent's wait at once
    try:
        _expect(parent, "saving")
        started = time.perf_counter()
        if when != "saving":
            _expect(parent, when)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        took = time.perf_counter() - started
    finally:
        if process.is_alive():
            os.kill(process.pid, signal.SIGKILL)
        process.join(WAIT_S)
        parent.close()
    assert process.exitcode == -signal.SIGKILL, "the child ended before the kill"
    return took


def _check(url: str, jid: str, old: nx.DiGraph, new: nx.DiGraph, version: int) -> str:
    """Check the database after a crash; return "old" or "new" for what it holds."""
    engine = store.make_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        with Session(engine) as session:
            stored, stored_version = store.load_journey(session=session, journey_id=jid)
            revisions = store.list_revisions(session=session, journey_id=jid)
            latest = store.load_revision(session=session, journey_id=jid, version=stored_version)
            rows = session.execute(select(func.count()).select_from(Touchpoint)).scalar_one()
    finally:
        engine.dispose()
    assert stored_version in (version, version + 1)
    expected = old if stored_version == version else new
    assert journey_equal(stored, expected), "the journey is a mix of the old and the new version"
    assert rows == expected.number_of_nodes()
    assert [r.version for r in revisions] == list(range(stored_version, 0, -1))
    assert journey_equal(latest, expected)  # the history holds it too
    return "old" if stored_version == version else "new"


def test_a_killed_save_leaves_the_old_or_the_new_journey(db_url):
    """SIGKILL in the middle of saving a 1,000-touchpoint journey: integrity holds, old or new, never a mix."""
    engine = store.make_engine(db_url)
    store.migrate(engine)
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=make_journey(CRASH_TOUCHPOINTS), author="setup")
        graph, version = store.load_journey(session=session, journey_id=jid)
    engine.dispose()  # the children open their own connections

    rng = random.Random(7)
    outcomes, save_time = [], None
    runs = CRASH_RUNS[make_url(db_url).get_backend_name()]
    for run in range(runs):
        new = massive_edit(graph, run)
        when = KILL_POINTS[run % len(KILL_POINTS)]
        if when == "saved":  # just after the commit; also times a whole save for the random kills
            took = _crash(db_url, new, graph, version, run, when=when, delay=0)
            save_time = save_time or took
        elif when == "written":  # every row written, the commit not yet begun
            _crash(db_url, new, graph, version, run, when=when, delay=0)
        elif when == "saving":  # at a random moment while the save runs
            _crash(db_url, new, graph, version, run, when=when, delay=rng.uniform(0.05, 0.9) * save_time)
        else:  # the instant the database commit begins
            _crash(db_url, new, graph, version, run, when=when, delay=rng.uniform(0, 0.002))
        outcome = _check(db_url, jid, graph, new, version)  # both normalized already
        outcomes.append((when, outcome))
        if outcome == "new":
            graph, version = new, version + 1
    print(f"{runs} crash runs on {CRASH_TOUCHPOINTS} touchpoints ({save_time:.2f} s a save): {outcomes}")
    assert all(outcome == "new" for when, outcome in outcomes if when == "saved")  # a commit survives the kill
    assert all(
        outcome == "old" for when, outcome in outcomes if when == "written"
    )  # an unfinished save leaves no trace
