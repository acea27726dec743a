"""A workshop saving at once: everyone's edits of different things land, on SQLite and PostgreSQL.

Each participant is a thread with a session of its own; all load the same version, make
their edit and save at the same moment. A save over a version replaced meanwhile merges
(``store.save_journey(..., base=...)``); only the same field changed to different values,
or an edit against a deletion, is a :class:`store.ConflictError`.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import pytest
from sqlmodel import Session

import store
from journeys.model.validation import JourneyInvalid
from tests.strategies import make_journey

FIELDS = ("owner", "channel", "experience")  # what participants sharing one touchpoint change, one field each
VALUES = {"owner": "Shared owner", "channel": "letter", "experience": 5}


def edit_of(participant: int, touchpoints: int):
    """Most participants rename a touchpoint of their own; every fourth changes a field of ``tp-1`` instead."""
    if participant % 4 == 3 and participant // 4 < len(FIELDS):
        name = FIELDS[participant // 4]
        return "tp-1", name, VALUES[name]
    return f"tp-{participant % (touchpoints - 1) + 2}", "name", f"Renamed by P{participant}"


def save_all_at_once(engine, jid: str, edits: list[tuple[str, str, object]]) -> list[int | Exception]:
    with Session(engine) as s:
        base, version = store.load_journey(session=s, journey_id=jid)
    start = threading.Barrier(len(edits))

    def participant(i: int):
        key, name, value = edits[i]
        G = base.copy()
        G.nodes[key][name] = value
        with Session(engine) as s:
            start.wait()
            try:
                return store.save_journey(session=s, graph=G, expected_version=version, author=f"P{i}", base=base)
            except Exception as exc:
                return exc

    with ThreadPoolExecutor(len(edits)) as pool:
        return list(pool.map(participant, range(len(edits))))


@pytest.mark.parametrize("people", [8, 20])
def test_everyone_editing_something_different_at_once_lands(engine, people):
    touchpoints = people + 2
    with Session(engine) as s:
        jid = store.create_journey(session=s, graph=make_journey(touchpoints), author="Ada")
    edits = [edit_of(i, touchpoints) for i in range(people)]
    assert len({(key, name) for key, name, _ in edits}) == people  # all different

    versions = save_all_at_once(engine, jid, edits)

    assert all(isinstance(v, int) for v in versions), [v for v in versions if not isinstance(v, int)]
    assert sorted(versions) == list(range(2, people + 2))  # one version each, none skipped
    with Session(engine) as s:
        G, version = store.load_journey(session=s, journey_id=jid)
        revisions = store.list_revisions(session=s, journey_id=jid)
    assert version == people + 1
    assert [r.version for r in revisions] == list(range(people + 1, 0, -1))  # contiguous
    for key, name, value in edits:
        assert G.nodes[key][name] == value, (key, name)
    assert {r.author for r in revisions[:-1]} == {f"P{i}" for i in range(people)}


def test_the_same_field_changed_differently_is_a_conflict_naming_it_and_who(engine):
    with Session(engine) as s:
        jid = store.create_journey(session=s, graph=make_journey(6), author="Ada")
        base, version = store.load_journey(session=s, journey_id=jid)
        bob = base.copy()
        bob.nodes["tp-3"]["owner"] = "Bob's team"
        bob.nodes["tp-4"]["experience"] = 2
        store.save_journey(session=s, graph=bob, expected_version=version, author="Bob", base=base)
        cleo = base.copy()
        cleo.nodes["tp-3"]["owner"] = "Cleo's team"
        cleo.nodes["tp-5"]["name"] = "Cleo's rename"
        with pytest.raises(store.ConflictError) as caught:
            store.save_journey(session=s, graph=cleo, expected_version=version, author="Cleo", base=base)
        G, now = store.load_journey(session=s, journey_id=jid)
    [conflict] = caught.value.conflicts
    assert (conflict.what, conflict.key, conflict.field) == ("touchpoint", "tp-3", "owner")
    assert (conflict.mine, conflict.theirs, conflict.by) == ("Cleo's team", "Bob's team", "Bob")
    assert "touchpoint:tp-3:owner" in str(caught.value) and "Bob" in str(caught.value)
    assert now == version + 1 and G.nodes["tp-5"]["name"] != "Cleo's rename"  # nothing of Cleo's written


def test_an_edit_of_a_touchpoint_someone_deleted_is_a_conflict(engine):
    with Session(engine) as s:
        jid = store.create_journey(session=s, graph=make_journey(6), author="Ada")
        base, version = store.load_journey(session=s, journey_id=jid)
        bob = base.copy()
        bob.remove_node("tp-4")
        bob.add_edge("tp-3", "tp-5", label="", share=0.8)
        store.save_journey(session=s, graph=bob, expected_version=version, author="Bob", base=base)
        cleo = base.copy()
        cleo.nodes["tp-4"]["owner"] = "Cleo"
        with pytest.raises(store.ConflictError) as caught:
            store.save_journey(session=s, graph=cleo, expected_version=version, author="Cleo", base=base)
    [conflict] = caught.value.conflicts
    assert (conflict.key, conflict.field, conflict.theirs, conflict.by) == ("tp-4", "", None, "Bob")


def test_a_merge_that_makes_the_journey_invalid_is_refused_and_writes_nothing(engine):
    """Each adds a transition from tp-2 with a share that fits alone; together they leave more than all customers."""
    with Session(engine) as s:
        jid = store.create_journey(session=s, graph=make_journey(6), author="Ada")
        base, version = store.load_journey(session=s, journey_id=jid)
        bob, cleo = base.copy(), base.copy()
        bob.add_edge("tp-2", "tp-5", label="", share=0.15)
        cleo.add_edge("tp-2", "tp-6", label="", share=0.15)
        store.save_journey(session=s, graph=bob, expected_version=version, author="Bob", base=base)
        with pytest.raises(JourneyInvalid) as caught:
            store.save_journey(session=s, graph=cleo, expected_version=version, author="Cleo", base=base)
        G, now = store.load_journey(session=s, journey_id=jid)
    assert [(p.code, p.ref) for p in caught.value.problems] == [("shares_over_one", "tp-2")]
    assert now == version + 1 and not G.has_edge("tp-2", "tp-6")


def test_a_merged_revision_tells_what_its_author_changed(engine):
    with Session(engine) as s:
        jid = store.create_journey(session=s, graph=make_journey(6), author="Ada")
        base, version = store.load_journey(session=s, journey_id=jid)
        bob, cleo = base.copy(), base.copy()
        bob.nodes["tp-2"]["owner"] = "Bob"
        cleo.nodes["tp-5"]["owner"] = "Cleo"
        store.save_journey(session=s, graph=bob, expected_version=version, author="Bob", base=base)
        store.save_journey(session=s, graph=cleo, expected_version=version, author="Cleo", base=base)
        [latest, *_] = store.list_revisions(session=s, journey_id=jid)
        earlier = store.load_revision(session=s, journey_id=jid, version=version + 1)
    assert latest.author == "Cleo"
    assert store.summaries.render(latest.changes) == "changed touchpoint Touchpoint 5"
    assert earlier.nodes["tp-5"]["owner"] != "Cleo"  # history kept: Bob's version holds only Bob's change


def test_without_a_base_a_stale_save_is_still_a_conflict(engine):
    """Restoring an old version, for one, must not be merged onto newer work."""
    with Session(engine) as s:
        jid = store.create_journey(session=s, graph=make_journey(4), author="Ada")
        G, version = store.load_journey(session=s, journey_id=jid)
        other = G.copy()
        other.nodes["tp-2"]["owner"] = "Bob"
        store.save_journey(session=s, graph=other, expected_version=version, author="Bob")
        mine: nx.DiGraph = G.copy()
        mine.nodes["tp-3"]["owner"] = "Cleo"
        with pytest.raises(store.ConflictError) as caught:
            store.save_journey(session=s, graph=mine, expected_version=version, author="Cleo")
    assert caught.value.conflicts == []
