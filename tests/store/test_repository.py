"""The store on SQLite and PostgreSQL: every operation a user relies on."""

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, text
from sqlmodel import Session, SQLModel

import store
from journeys.demo import broadband_demo, broadband_to_be, ebike_demo
from journeys.io.interchange import JourneyFormatError, dumps
from journeys.model.graph import add_touchpoint, add_transition, journey_equal, normalize
from journeys.model.validation import JourneyInvalid, validate
from store import analysis, repository
from store.models import Revision
from store.summaries import render
from tests.strategies import journeys, make_journey


def row_counts(session) -> dict[str, int]:
    counts = {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
    }
    session.rollback()
    return counts


def test_first_run_seeds_the_demo_journeys_once(session):
    """An empty database gets the demo journeys (two as-is, one to-be of the first), and only once."""
    ids = store.seed_demo_journeys(session=session)
    assert len(ids) == 3
    assert store.seed_demo_journeys(session=session) == []
    names = {j.name: j for j in store.list_journeys(session=session)}
    to_be = broadband_to_be(broadband_demo()).graph["name"]
    assert names.keys() == {broadband_demo().graph["name"], ebike_demo().graph["name"], to_be}
    assert (names[to_be].state, names[to_be].source_id) == ("to-be", ids[0])


def test_journey_list_shows_personas_and_counts(session):
    """The list carries what the library page shows: personas, stage and touchpoint counts, author."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="Anna")
    (info,) = store.list_journeys(session=session)
    assert info.id == jid
    assert info.personas == ["Petra, busy parent", "Jonas, home-office worker"]
    assert (info.stages, info.touchpoints, info.version, info.updated_by) == (7, 13, 1, "Anna")


def test_search_matches_journey_and_persona_names(session):
    """Searching finds journeys by their name or a persona's name, ignoring case."""
    store.create_journey(session=session, graph=broadband_demo(), author="a")
    store.create_journey(session=session, graph=ebike_demo(), author="a")
    assert [j.name for j in store.list_journeys(session=session, search="E-BIKE")] == [ebike_demo().graph["name"]]
    assert [j.name for j in store.list_journeys(session=session, search="petra")] == [broadband_demo().graph["name"]]


def test_demo_journey_survives_save_and_load(session):
    """What is stored is exactly what comes back."""
    G = broadband_demo()
    jid = store.create_journey(session=session, graph=G, author="a")
    loaded, version = store.load_journey(session=session, journey_id=jid)
    assert version == 1
    assert loaded.graph["id"] == jid
    assert journey_equal(loaded, normalize(G), ignore_id=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(G=journeys())
def test_any_valid_journey_survives_save_and_load(session, G):
    """Property: create → load → save unchanged → load gives back the same journey."""
    G.graph["id"] = ""
    jid = store.create_journey(session=session, graph=G, author="prop")
    loaded, version = store.load_journey(session=session, journey_id=jid)
    assert journey_equal(loaded, normalize(G), ignore_id=True)
    store.save_journey(session=session, graph=loaded, expected_version=version, author="prop")
    again, _ = store.load_journey(session=session, journey_id=jid)
    assert journey_equal(again, loaded)


def edit_structure(G):
    """Make every kind of structural change a workshop makes at once."""
    H = G.copy()
    H.graph = json.loads(json.dumps(G.graph))
    H.remove_node("shop-advice")  # with its transitions
    H.graph["stages"].reverse()
    H.graph["stages"][0]["name"] = "Treue"
    H.graph["personas"].pop()  # Jonas leaves: remove every reference to him
    for _, data in H.nodes(data=True):
        data["personas"] = [p for p in data["personas"] if p != "jonas"]
        data["emotions"] = {p: v for p, v in data["emotions"].items() if p != "jonas"}
        data["needs"] = [n for n in data["needs"] if n["persona"] != "jonas"]
        data["pains"] = [p for p in data["pains"] if p["persona"] != "jonas"]
    H.graph["personas"].append(
        {"id": "ines", "name": "Ines", "segment": "SME", "goals": "", "quote": "", "value": None}
    )
    add_touchpoint(
        H, "chatbot", name="Chatbot", stage="support", channel="app", personas=["ines"], emotions={"ines": -1}
    )
    add_transition(H, "install-router", "chatbot", label="tries the app")
    H.nodes["hotline"]["stage"] = "use"
    H.edges["hotline", "line-check"]["share"] = 0.85
    return H


def test_structural_edits_are_saved_exactly(session):
    """Removing, adding, moving and renaming things all land as edited."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    G, version = store.load_journey(session=session, journey_id=jid)
    H = edit_structure(G)
    assert store.save_journey(session=session, graph=H, expected_version=version, author="b") == version + 1
    loaded, _ = store.load_journey(session=session, journey_id=jid)
    assert journey_equal(loaded, normalize(H))


def count_writes(engine):
    writes = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement.split()[0:3])

    return writes


@pytest.mark.parametrize("with_base", [False, True])
def test_saving_one_changed_touchpoint_writes_only_that_touchpoint(engine, with_base):
    """A save is a diff: one changed touchpoint in a large journey is a handful of statements."""
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=make_journey(200), author="a")
        G, version = store.load_journey(session=session, journey_id=jid)
        H = G.copy()
        key = list(H.nodes)[100]
        H.nodes[key]["experience"] = 2 if H.nodes[key]["experience"] == 1 else 1
        writes = count_writes(engine)
        store.save_journey(
            session=session, graph=H, expected_version=version, author="b", base=G if with_base else None
        )
    tables = sorted(w[1] if w[0].upper() == "UPDATE" else w[2] for w in writes)
    assert tables == ["journey", "revision", "touchpoint"]


def test_changed_needs_rewrite_only_that_touchpoints_needs(engine):
    """Editing one touchpoint's pain points touches no other touchpoint's rows."""
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
        G, version = store.load_journey(session=session, journey_id=jid)
        H = G.copy()
        H.nodes["hotline"]["pains"] = [{"text": "No call-back", "severity": 4, "evidence": "survey", "persona": None}]
        writes = count_writes(engine)
        store.save_journey(session=session, graph=H, expected_version=version, author="b")
        loaded, _ = store.load_journey(session=session, journey_id=jid)
    assert loaded.nodes["hotline"]["pains"][0]["text"] == "No call-back"
    assert loaded.nodes["cancel"]["pains"] == G.nodes["cancel"]["pains"]
    assert [w[2] if w[0] != "UPDATE" else w[1] for w in writes] == ["journey", "pain_point", "pain_point", "revision"]


def test_second_save_of_the_same_version_is_a_conflict(engine):
    """Two people open version N; the first saves; the second is told who changed what, and nothing of theirs lands."""
    with Session(engine) as first, Session(engine) as second:
        jid = store.create_journey(session=first, graph=broadband_demo(), author="setup")
        mine, version = store.load_journey(session=first, journey_id=jid)
        theirs, _ = store.load_journey(session=second, journey_id=jid)
        mine.nodes["hotline"]["experience"] = 3
        store.save_journey(session=first, graph=mine, expected_version=version, author="Anna")
        theirs.nodes["hotline"]["experience"] = 5
        theirs.nodes["cancel"]["name"] = "Kündigt"
        before = row_counts(second)
        with pytest.raises(store.ConflictError) as caught:
            store.save_journey(session=second, graph=theirs, expected_version=version, author="Ben")
        assert row_counts(second) == before
        conflict = caught.value
        assert (conflict.expected_version, conflict.current_version) == (1, 2)
        assert conflict.newer[0].author == "Anna"
        assert conflict.newer[0].changes == [
            {"op": "changed", "what": "touchpoint", "names": ["Call the hotline"], "more": 0}
        ]
        assert render(conflict.newer[0].changes, "de") == "Touchpoint Call the hotline geändert"
        assert "Anna" in str(conflict)
        stored, _ = store.load_journey(session=first, journey_id=jid)
    assert journey_equal(stored, mine)


def test_invalid_journey_is_refused_and_nothing_changes(session):
    """A save with validation problems raises with all of them and writes nothing."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    G, version = store.load_journey(session=session, journey_id=jid)
    G.nodes["hotline"]["experience"] = 9
    G.nodes["cancel"]["stage"] = "nowhere"
    before = row_counts(session)
    with pytest.raises(JourneyInvalid) as caught:
        store.save_journey(session=session, graph=G, expected_version=version, author="b")
    assert {p.code for p in caught.value.problems} >= {"out_of_range", "unknown_stage"}
    assert row_counts(session) == before
    assert store.current_version(session=session, journey_id=jid) == version


def test_a_failure_in_the_middle_of_a_save_leaves_the_old_version(session, monkeypatch):
    """The save is one transaction: an error after the rows are written rolls all of it back."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    G, version = store.load_journey(session=session, journey_id=jid)
    H = edit_structure(G)

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(repository, "_add_revision", explode)
    with pytest.raises(OSError):
        store.save_journey(session=session, graph=H, expected_version=version, author="b")
    stored, stored_version = store.load_journey(session=session, journey_id=jid)
    assert stored_version == version
    assert journey_equal(stored, G)


def test_broken_json_import_leaves_the_database_unchanged(session):
    """A malformed or foreign file is refused with its problems, and nothing is stored."""
    store.seed_demo_journeys(session=session)
    before = row_counts(session)
    doc = json.loads(dumps(broadband_demo()))
    doc["edges"].append({"source": "hotline", "target": "nowhere", "label": "", "share": 0.1})
    for data in (b"\xff\xfe not json", '{"format": "other"}', json.dumps(doc)):
        with pytest.raises(JourneyFormatError):
            store.import_journey(session=session, data=data, author="x")
    assert row_counts(session) == before


def test_import_of_an_exported_journey_gives_a_copy(session):
    """Exported JSON imports back as an equal journey, with a new id when the old one is taken."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    G, _ = store.load_journey(session=session, journey_id=jid)
    new = store.import_journey(session=session, data=dumps(G), author="b")
    assert new != jid
    copy, _ = store.load_journey(session=session, journey_id=new)
    assert journey_equal(copy, G, ignore_id=True)


def test_rename_duplicate_and_trash(session):
    """Rename, copy as to-be with a link back, delete to the trash, restore, purge."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    assert store.rename_journey(session=session, journey_id=jid, name="Router 2027", author="b") == 2
    copy = store.duplicate_journey(session=session, journey_id=jid, author="c", name="Router to-be", state="to-be")
    info = {j.id: j for j in store.list_journeys(session=session)}
    assert info[jid].name == "Router 2027"
    assert (info[copy].state, info[copy].source_id, info[copy].version) == ("to-be", jid, 1)

    store.delete_journey(session=session, journey_id=copy, author="c")
    assert [j.id for j in store.list_journeys(session=session)] == [jid]
    assert [j.id for j in store.list_journeys(session=session, trash=True)] == [copy]
    with pytest.raises(store.JourneyNotFound):
        store.load_journey(session=session, journey_id=copy)
    with pytest.raises(ValueError):
        store.purge_journey(session=session, journey_id=jid)  # not in the trash

    store.restore_journey(session=session, journey_id=copy)
    assert {j.id for j in store.list_journeys(session=session)} == {jid, copy}
    store.delete_journey(session=session, journey_id=copy, author="c")
    store.purge_journey(session=session, journey_id=copy)
    assert store.list_journeys(session=session, trash=True) == []
    assert row_counts(session)["touchpoint"] == broadband_demo().number_of_nodes()


def test_history_lists_previews_and_restores_revisions(session):
    """Each save is a revision with author and summary; an old one can be previewed and restored."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="Anna")
    original, v1 = store.load_journey(session=session, journey_id=jid)
    changed = original.copy()
    changed.remove_node("cancel")
    v2 = store.save_journey(session=session, graph=changed, expected_version=v1, author="Ben")
    revisions = store.list_revisions(session=session, journey_id=jid)
    assert [(r.version, r.author) for r in revisions] == [(2, "Ben"), (1, "Anna")]
    assert "removed touchpoint Cancels the contract" in render(revisions[0].changes, "en")
    assert "Touchpoint Cancels the contract entfernt" in render(revisions[0].changes, "de")
    assert render(revisions[1].changes, "de") == "angelegt"
    assert journey_equal(store.load_revision(session=session, journey_id=jid, version=1), original)

    v3 = store.restore_revision(session=session, journey_id=jid, version=1, expected_version=v2, author="Cleo")
    restored, version = store.load_journey(session=session, journey_id=jid)
    assert version == v3 == 3
    assert journey_equal(restored, original)
    assert store.list_revisions(session=session, journey_id=jid)[0].changes == [{"op": "restored", "version": 1}]
    with pytest.raises(store.JourneyNotFound):
        store.load_revision(session=session, journey_id=jid, version=99)


def random_edit(G, rng: random.Random):
    """One edit a workshop makes, picked at random; a valid journey stays valid."""
    H = G.copy()
    H.graph = json.loads(json.dumps(G.graph))
    keys = list(H)
    kind = rng.choice(["score", "texts", "add", "remove", "link", "unlink", "order", "successors", "stage", "persona"])
    if kind == "score" and keys:
        H.nodes[rng.choice(keys)]["experience"] = rng.choice([None, 1, 2, 3, 4, 5])
    elif kind == "texts" and keys:
        key = rng.choice(keys)
        H.nodes[key]["name"] = f"Renamed {rng.randrange(1000)}"
        H.nodes[key]["needs"] = [{"text": "A need", "motivation": "", "kind": "economic", "persona": None}]
    elif kind == "add":
        key = f"new-{rng.randrange(10**6)}"
        add_touchpoint(H, key, name="Added", stage=rng.choice(H.graph["stages"])["id"])
        if keys:
            add_transition(H, rng.choice(keys), key, label="to the new one")
    elif kind == "remove" and keys:
        H.remove_node(rng.choice(keys))
    elif kind == "link" and keys:
        u, v = rng.choice(keys), rng.choice(keys)
        if not H.has_edge(u, v):
            add_transition(H, u, v, label="linked")
    elif kind == "unlink" and H.number_of_edges():
        H.remove_edge(*rng.choice(list(H.edges)))
    elif kind == "order":  # the same journey, its touchpoints in another order
        order = keys[:]
        rng.shuffle(order)
        H = G.__class__()
        H.graph = json.loads(json.dumps(G.graph))
        H.add_nodes_from((k, G.nodes[k]) for k in order)
        H.add_edges_from(G.edges(data=True))
    elif kind == "successors" and keys:  # one touchpoint's transitions in reverse order
        u = rng.choice(keys)
        out = list(H.out_edges(u, data=True))
        H.remove_edges_from(list(H.out_edges(u)))
        H.add_edges_from(reversed(out))
    elif kind == "stage":
        H.graph["stages"][rng.randrange(len(H.graph["stages"]))]["name"] = f"Stage {rng.randrange(1000)}"
    elif kind == "persona" and H.graph["personas"]:
        H.graph["personas"][0]["name"] = f"Persona {rng.randrange(1000)}"
    return H


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(G=journeys(max_touchpoints=12), seed=st.integers(0, 2**32), base=st.booleans())
def test_every_version_of_a_long_history_reads_back_exactly(session, monkeypatch, G, seed, base):
    """Property: after many saves of random edits, every version reads back as it was saved.

    The history keeps what changed between whole copies of the journey; with a whole copy only
    every third version here, reading a version replays those changes across copies.
    """
    monkeypatch.setattr(repository, "SNAPSHOT_EVERY", 3)
    rng = random.Random(seed)
    G.graph["id"] = ""
    jid = store.create_journey(session=session, graph=G, author="a")
    current, version = store.load_journey(session=session, journey_id=jid)
    saved = {version: current}
    for _ in range(8):
        edited = random_edit(current, rng)
        version = store.save_journey(
            session=session, graph=edited, expected_version=version, author="b", base=current if base else None
        )
        current = normalize(edited)
        saved[version] = current
    stored, _ = store.load_journey(session=session, journey_id=jid)
    assert journey_equal(stored, current)
    for v, expected in saved.items():
        assert journey_equal(store.load_revision(session=session, journey_id=jid, version=v), expected), v


def test_saving_one_touchpoint_keeps_only_that_touchpoint_in_the_history(session):
    """A save is a diff in the history too: the new revision holds the changed touchpoint, not all 200."""
    jid = store.create_journey(session=session, graph=make_journey(200), author="a")
    G, version = store.load_journey(session=session, journey_id=jid)
    H = G.copy()
    H.nodes["tp-100"]["experience"] = 1 if H.nodes["tp-100"]["experience"] != 1 else 2
    new = store.save_journey(session=session, graph=H, expected_version=version, author="b", base=G)
    stored = dict(session.execute(select(Revision.version, Revision.snapshot).where(Revision.journey_id == jid)).all())
    session.rollback()
    assert len(stored[new]) < len(stored[version]) / 50
    assert "tp-100" in stored[new] and "tp-99" not in stored[new]
    assert journey_equal(store.load_revision(session=session, journey_id=jid, version=new), H)


@pytest.mark.parametrize("with_base", [False, True])
def test_an_invalid_edit_is_refused_with_every_problem_of_the_journey(session, with_base):
    """Saving over a loaded base checks only what changed, yet a refusal lists the same problems as a full check."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    G, version = store.load_journey(session=session, journey_id=jid)
    H = G.copy()
    H.nodes["hotline"]["experience"] = 9
    H.add_edge("cancel", "nowhere", label="", share=0.5)
    with pytest.raises(JourneyInvalid) as caught:
        store.save_journey(
            session=session, graph=H, expected_version=version, author="b", base=G if with_base else None
        )
    assert caught.value.problems == validate(H)
    assert {p.code for p in caught.value.problems} == {"out_of_range", "dangling"}
    assert store.current_version(session=session, journey_id=jid) == version


def test_deleting_a_journey_removes_its_rows_through_the_schema(engine):
    """ON DELETE CASCADE in the database itself removes every row that belongs to a journey."""
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
        session.execute(text("DELETE FROM journey WHERE id = :id"), {"id": jid})
        session.commit()
        assert set(row_counts(session).values()) == {0}


def test_the_demo_journeys_come_with_workshop_scores(session):
    """A new database's demo journeys are scored by several raters, so Review has something to show."""
    ids = store.seed_demo_journeys(session=session)
    ratings = analysis.list_ratings(session=session, journey_id=ids[0])
    assert {r["rater"] for r in ratings} == {"Ana", "Ben", "Cem"}
    assert {r["touchpoint"] for r in ratings} == set(broadband_demo().nodes)
    hotline = [r for r in ratings if r["touchpoint"] == "hotline"]
    assert sorted((r["desirable"], r["viable"], r["feasible"]) for r in hotline) == [(1, 3, 4), (2, 3, 4), (2, 4, 5)]


def test_a_journey_is_live_until_it_goes_to_the_trash(session):
    """Deep links check liveness with one query: an existing journey is live, trashed or unknown ones are not."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    assert store.journey_is_live(session=session, journey_id=jid)
    store.delete_journey(session=session, journey_id=jid, author="a")
    assert not store.journey_is_live(session=session, journey_id=jid)
    assert not store.journey_is_live(session=session, journey_id="no-such-id")


def test_a_busy_database_while_a_copy_takes_its_ratings_is_tried_again(tmp_path):
    """The database is busy once while "duplicate as to-be" copies the ratings: the copy is tried again and lands
    with every rating (it used to end in KeyError('session'))."""
    import sqlite3

    from sqlalchemy import event

    from store import analysis

    engine = store.make_engine(f"sqlite:///{tmp_path}/busy.db")
    store.migrate(engine)
    locked = []

    @event.listens_for(engine, "before_cursor_execute")
    def busy_once(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO rating") and "SELECT" in statement and not locked:
            locked.append(statement)
            raise sqlite3.OperationalError("database is locked")

    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
        analysis.save_ratings(session=session, journey_id=jid, rater="Ana", discipline="it",
                              scores={"hotline": {"desirable": 1, "viable": 3, "feasible": 4}})  # fmt: skip
        copy = store.duplicate_journey(session=session, journey_id=jid, author="a", state="to-be")
        ratings = analysis.list_ratings(session=session, journey_id=copy)
    engine.dispose()
    assert locked, "the test did not make the database busy"
    assert [(r["touchpoint"], r["desirable"]) for r in ratings] == [("hotline", 1)]


def test_only_keyword_sessions_can_be_retried():
    """A write that could get its session positionally cannot be decorated: a retry would not find it."""
    from store.repository import retry_when_busy

    with pytest.raises(TypeError, match="keyword-only"):

        @retry_when_busy
        def write(session, x):
            pass
