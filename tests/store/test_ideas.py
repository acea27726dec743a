"""Ideas in the store: validated, versioned one by one, rated like touchpoints, copied never by accident."""

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import store
from journeys.analysis.scoring import consensus
from journeys.demo import broadband_demo
from store import analysis, ideas
from store.models import Idea, IdeaTarget, Rating

CALLBACK = {
    "title": "Call-back instead of waiting",
    "description": "Offer a call-back slot when the queue is longer than 5 minutes.",
    "owner": "Customer service",
    "status": "open",
    "effort": 2,
    "targets": {"hotline": ["Waits 25 minutes in the queue"]},
}


@pytest.fixture
def journey(session):
    G = broadband_demo()
    pains = [p["text"] for p in G.nodes["hotline"]["pains"]]
    CALLBACK["targets"] = {"hotline": pains[:1]}
    return store.create_journey(session=session, graph=G, author="Ana")


def count(session, table) -> int:
    n = session.execute(select(func.count()).select_from(table)).scalar_one()
    session.rollback()
    return n


def test_an_idea_is_stored_with_its_touchpoints_and_pain_points(session, journey):
    idea_id = ideas.create_idea(session=session, journey_id=journey, idea=CALLBACK, author="Ana")
    [stored] = ideas.list_ideas(session=session, journey_id=journey)
    assert stored["id"] == idea_id
    assert (stored["title"], stored["status"], stored["effort"], stored["version"]) == (
        CALLBACK["title"],
        "open",
        2,
        1,
    )
    assert stored["targets"] == CALLBACK["targets"]
    assert (stored["created_by"], stored["updated_by"]) == ("Ana", "Ana")


def test_an_invalid_idea_is_refused_with_every_problem_and_nothing_is_stored(session, journey):
    bad = {"title": "", "status": "someday", "effort": 7, "targets": {"hotline": ["no such pain"], "moon": []}}
    with pytest.raises(ideas.IdeaInvalid) as refused:
        ideas.create_idea(session=session, journey_id=journey, idea=bad, author="Ana")
    codes = [p.code for p in refused.value.problems]
    assert codes == ["title_missing", "status_unknown", "effort_out_of_range", "pain_unknown", "touchpoint_unknown"]
    assert "Aufwand" in refused.value.problems[2].text("de")
    assert count(session, Idea) == 0 and count(session, IdeaTarget) == 0


def test_two_people_editing_the_same_idea_get_a_conflict_not_a_silent_overwrite(engine, journey):
    with Session(engine) as a, Session(engine) as b:
        idea_id = ideas.create_idea(session=a, journey_id=journey, idea=CALLBACK, author="Ana")
        ideas.update_idea(
            session=a, idea_id=idea_id, idea={**CALLBACK, "status": "in-progress"}, expected_version=1, author="Ana"
        )
        with pytest.raises(store.ConflictError) as conflict:
            ideas.update_idea(
                session=b, idea_id=idea_id, idea={**CALLBACK, "effort": 5}, expected_version=1, author="Ben"
            )
        assert conflict.value.updated_by == "Ana" and conflict.value.current_version == 2
        [stored] = ideas.list_ideas(session=b, journey_id=journey)
        assert (stored["status"], stored["effort"], stored["version"]) == ("in-progress", 2, 2)


def test_editing_a_deleted_idea_is_a_conflict(session, journey):
    idea_id = ideas.create_idea(session=session, journey_id=journey, idea=CALLBACK, author="Ana")
    ideas.delete_idea(session=session, idea_id=idea_id, author="Ben")
    with pytest.raises(ideas.IdeaConflict) as conflict:
        ideas.update_idea(session=session, idea_id=idea_id, idea=CALLBACK, expected_version=1, author="Ana")
    assert conflict.value.current_version is None


def test_ideas_are_rated_by_the_same_mechanism_as_touchpoints(session, journey):
    idea_id = ideas.create_idea(session=session, journey_id=journey, idea=CALLBACK, author="Ana")
    version = store.current_version(session=session, journey_id=journey)
    for rater, discipline, d, v, f in (
        ("Ana", "customer-service", 5, 3, 4),
        ("Ben", "it", 4, 3, 2),
        ("Cem", "finance", 5, 2, 3),
    ):
        analysis.save_ratings(
            session=session,
            journey_id=journey,
            rater=rater,
            discipline=discipline,
            scores={idea_id: {"desirable": d, "viable": v, "feasible": f}},
            subject="idea",
        )
    ratings = analysis.list_ratings(session=session, journey_id=journey, subject="idea")
    assert [r["rater"] for r in ratings] == ["Ana", "Ben", "Cem"]
    result = consensus(ratings, by="idea")[idea_id]
    assert {lens: result[lens]["median"] for lens in result} == {"desirable": 5, "viable": 3, "feasible": 3}
    # idea ratings are not touchpoint ratings, and do not make the journey's figures stale
    assert analysis.list_ratings(session=session, journey_id=journey) == []
    assert store.current_version(session=session, journey_id=journey) == version
    with pytest.raises(analysis.RatingInvalid):
        analysis.save_ratings(
            session=session,
            journey_id=journey,
            rater="Dan",
            discipline="it",
            scores={idea_id: {"viable": 6}},
            subject="idea",
        )
    with pytest.raises(store.JourneyNotFound):
        analysis.save_ratings(
            session=session,
            journey_id=journey,
            rater="Dan",
            discipline="it",
            scores={idea_id + 99: {"viable": 2}},
            subject="idea",
        )


def test_a_rating_belongs_to_exactly_one_touchpoint_or_idea(session, journey):
    for row in ({"rater": "x", "discipline": "it", "comment": "", "updated_at": None},):
        with pytest.raises(IntegrityError):
            session.execute(insert(Rating), [{**row, "touchpoint_id": None, "idea_id": None}])
            session.commit()
        session.rollback()


def test_deleting_an_idea_deletes_its_ratings_and_deleting_a_touchpoint_unlinks_it(session, journey):
    idea_id = ideas.create_idea(
        session=session,
        journey_id=journey,
        idea={**CALLBACK, "targets": {"hotline": [], "install-router": []}},
        author="Ana",
    )
    analysis.save_ratings(
        session=session,
        journey_id=journey,
        rater="Ana",
        discipline="it",
        scores={idea_id: {"desirable": 4}},
        subject="idea",
    )
    G, version = store.load_journey(session=session, journey_id=journey)
    G.remove_node("install-router")
    store.save_journey(session=session, graph=G, expected_version=version, author="Ben")
    assert list(ideas.list_ideas(session=session, journey_id=journey)[0]["targets"]) == ["hotline"]
    ideas.delete_idea(session=session, idea_id=idea_id, author="Ana")
    assert count(session, Rating) == 0 and count(session, IdeaTarget) == 0


def test_a_to_be_copy_carries_the_touchpoint_ratings_but_not_the_ideas(session, journey):
    analysis.save_ratings(
        session=session,
        journey_id=journey,
        rater="Ana",
        discipline="design",
        scores={"hotline": {"desirable": 1, "viable": 3, "feasible": 4, "comment": "queue"}},
    )
    ideas.create_idea(session=session, journey_id=journey, idea=CALLBACK, author="Ana")
    copy = store.duplicate_journey(session=session, journey_id=journey, author="Ben", state="to-be")
    copied = analysis.list_ratings(session=session, journey_id=copy)
    assert [(r["touchpoint"], r["rater"], r["desirable"], r["comment"]) for r in copied] == [
        ("hotline", "Ana", 1, "queue")
    ]
    assert ideas.list_ideas(session=session, journey_id=copy) == []
    # the copy's ratings are its own: re-scoring the to-be leaves the as-is alone
    analysis.save_ratings(
        session=session, journey_id=copy, rater="Ana", discipline="design", scores={"hotline": {"desirable": 4}}
    )
    assert analysis.list_ratings(session=session, journey_id=journey)[0]["desirable"] == 1


def test_purging_a_journey_removes_its_ideas(session, journey):
    ideas.create_idea(session=session, journey_id=journey, idea=CALLBACK, author="Ana")
    store.delete_journey(session=session, journey_id=journey, author="Ana")
    store.purge_journey(session=session, journey_id=journey)
    assert count(session, Idea) == 0 and count(session, IdeaTarget) == 0


def test_ratings_written_before_ideas_existed_survive_the_upgrade(tmp_path):
    """A database of the ratings schema (0002) upgrades in place: its ratings stay and ideas can be rated."""
    engine = store.make_engine(f"sqlite:///{tmp_path}/old.db")
    store.migrate(engine, "0002")
    with engine.begin() as raw:
        raw.exec_driver_sql(
            "INSERT INTO journey (id, name, description, state, version, created_at, updated_at, updated_by,"
            " deleted_by, metrics_version) VALUES ('old1', 'Legacy', '', 'as-is', 1, '2025-01-01 10:00:00',"
            " '2025-01-01 10:00:00', 'Eva', '', 0)"
        )
        raw.exec_driver_sql(
            "INSERT INTO stage (id, journey_id, key, name, position) VALUES (1, 'old1', 'use', 'Use', 0)"
        )
        raw.exec_driver_sql(
            "INSERT INTO touchpoint (id, journey_id, key, stage_id, name, channel, owner, description, backstage,"
            " moment_of_truth, entry, exit, position) VALUES (1, 'old1', 'app', 1, 'App', 'app', '', '', 0, 0, 1, 1, 0)"
        )
        raw.exec_driver_sql(
            "INSERT INTO rating (touchpoint_id, rater, discipline, desirable, viable, feasible, comment, updated_at)"
            " VALUES (1, 'Eva', 'it', 2, 3, 4, 'slow', '2025-01-01 10:00:00')"
        )
    store.migrate(engine)
    with Session(engine) as session:
        [old] = analysis.list_ratings(session=session, journey_id="old1")
        assert (old["touchpoint"], old["rater"], old["desirable"], old["comment"]) == ("app", "Eva", 2, "slow")
        idea_id = ideas.create_idea(
            session=session, journey_id="old1", idea={"title": "Faster app", "targets": {"app": []}}, author="Eva"
        )
        analysis.save_ratings(
            session=session,
            journey_id="old1",
            rater="Eva",
            discipline="it",
            scores={idea_id: {"feasible": 2}},
            subject="idea",
        )
        assert analysis.list_ratings(session=session, journey_id="old1", subject="idea")[0]["feasible"] == 2
    engine.dispose()


def test_a_copy_that_cannot_take_its_ratings_is_not_left_behind(session, journey, monkeypatch):
    """Duplicating is all or nothing: when copying the ratings fails, no half copy stays in the list."""
    from store import repository

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(repository, "_copy_ratings", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store.duplicate_journey(session=session, journey_id=journey, author="Ben", state="to-be")
    assert [j.id for j in store.list_journeys(session=session)] == [journey]
    assert store.list_journeys(session=session, trash=True) == []
