"""What caches are keyed by comes from the database alone: any process sees any other's writes, whatever its clock.

Each test has a reader and a writer with engines of their own, as two app processes on one
database have: the reader keeps what it read (as a page's cache would), the writer writes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

import store
from journeys.analysis.survey import Aggregate, SurveySummary
from journeys.demo import broadband_demo, ebike_demo
from journeys.io import interchange
from store import analysis, ideas, surveys
from store.models import Journey, Touchpoint, TouchpointMetric

SKEW = timedelta(minutes=10)


@pytest.fixture
def writer(engine):
    """A session of another process on the same database."""
    other = store.make_engine(engine.url.render_as_string(hide_password=False))
    with Session(other) as session:
        yield session
    other.dispose()


def rate(session, jid, rater, **scores):
    analysis.save_ratings(session=session, journey_id=jid, rater=rater, discipline="it", scores=scores)


def test_a_rating_changed_by_a_writer_whose_clock_is_behind_moves_the_stamps(session, writer, monkeypatch):
    """A rater changes their score on a host whose clock is ten minutes behind: the journey's stamp and the
    portfolio's stamp that another process reads both move on, and its figures follow."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    rate(writer, jid, "Ana", hotline={"desirable": 1, "viable": 1, "feasible": 1})
    rate(writer, jid, "Ben", hotline={"desirable": 2, "viable": 2, "feasible": 2})  # the newest rating, by time
    journey, portfolio = store.journey_stamp(session=session, journey_id=jid), analysis.portfolio_stamp(session=session)
    before = analysis.portfolio(session=session)["weakness"].sum()

    real = analysis.utcnow
    monkeypatch.setattr(analysis, "utcnow", lambda: real() - SKEW)
    rate(writer, jid, "Ana", hotline={"desirable": 5, "viable": 5, "feasible": 5})  # the same row, an older time
    monkeypatch.setattr(analysis, "utcnow", real)

    assert store.journey_stamp(session=session, journey_id=jid) != journey
    assert analysis.portfolio_stamp(session=session) != portfolio
    assert analysis.portfolio(session=session)["weakness"].sum() < before


def test_a_journey_deleted_for_good_and_imported_again_under_its_id_is_another_journey(session, writer):
    """Purged and imported again under the same id, a journey is at version 1 again, yet its stamp differs: what was
    read of the one before is never taken for it, and a save meant for the one before does not land on it."""
    old = broadband_demo()
    old.graph["id"] = "shared-id"
    store.import_journey(session=writer, data=interchange.dumps(old), author="a")
    first = store.journey_stamp(session=session, journey_id="shared-id")
    portfolio = analysis.portfolio_stamp(session=session)

    store.delete_journey(session=writer, journey_id="shared-id", author="b")
    store.purge_journey(session=writer, journey_id="shared-id")
    new = ebike_demo()
    new.graph["id"] = "shared-id"
    assert store.import_journey(session=writer, data=interchange.dumps(new), author="b") == "shared-id"

    second = store.journey_stamp(session=session, journey_id="shared-id")
    assert (second.version, first.version) == (1, 1) and second.lifetime != first.lifetime and second != first
    assert analysis.portfolio_stamp(session=session) != portfolio
    with pytest.raises(store.JourneyNotFound):
        store.load_journey(session=session, journey_id="shared-id", lifetime=first.lifetime)
    with pytest.raises(store.JourneyNotFound):
        store.load_revision(session=session, journey_id="shared-id", version=1, lifetime=first.lifetime)
    G, _ = store.load_journey(session=session, journey_id="shared-id", lifetime=second.lifetime)
    assert G.graph["name"] == new.graph["name"]
    assert (
        store.load_revision(session=session, journey_id="shared-id", version=1, lifetime=second.lifetime).graph["name"]
        == new.graph["name"]
    )

    old.graph["name"] = "Saved over the one before"
    with pytest.raises(store.JourneyNotFound):
        store.save_journey(session=writer, graph=old, expected_version=1, author="a", lifetime=first.lifetime)
    with pytest.raises(store.JourneyNotFound):
        store.restore_revision(
            session=writer, journey_id="shared-id", version=1, expected_version=1, author="a", lifetime=first.lifetime
        )
    assert store.journey_stamp(session=session, journey_id="shared-id") == second  # nothing was written
    assert store.load_journey(session=session, journey_id="shared-id")[0].graph["name"] == new.graph["name"]


def _survey(name: str) -> SurveySummary:
    hotline = Aggregate("csat", 2.5, 0.4, 30)
    return SurveySummary(name=name, surveyed_on=date(2026, 3, 1), responses=30, touchpoints={"hotline": hotline})


def test_every_write_to_a_journey_or_what_belongs_to_it_moves_its_stamp(session, writer):
    """Saves, ratings of touchpoints and ideas, ideas, surveys, the trash: each moves the journey's stamp on; another
    journey's writes leave it alone."""
    jid = store.create_journey(session=writer, graph=broadband_demo(), author="a")
    other = store.create_journey(session=writer, graph=ebike_demo(), author="a")
    stamp = lambda: store.journey_stamp(session=session, journey_id=jid)  # noqa: E731
    seen = [stamp()]

    def after(write) -> None:
        write()
        seen.append(stamp())

    idea = {"title": "Call-back", "targets": {"hotline": []}}
    idea_id = ideas.create_idea(session=writer, journey_id=jid, idea=idea, author="a")
    seen.append(stamp())
    after(lambda: ideas.update_idea(session=writer, idea_id=idea_id, idea=idea | {"title": "Call back"},
                                    expected_version=1, author="a"))  # fmt: skip
    after(lambda: analysis.save_ratings(session=writer, journey_id=jid, rater="Ana", discipline="it",
                                        scores={idea_id: {"desirable": 4}}, subject="idea"))  # fmt: skip
    after(lambda: analysis.delete_rating(session=writer, journey_id=jid, key=idea_id, rater="Ana", subject="idea"))
    after(lambda: ideas.delete_idea(session=writer, idea_id=idea_id, author="a"))
    rate(writer, jid, "Ana", hotline={"desirable": 2})
    seen.append(stamp())
    after(lambda: analysis.delete_rating(session=writer, journey_id=jid, key="hotline", rater="Ana"))
    survey_id = surveys.save_survey(session=writer, journey_id=jid, summary=_survey("Spring"), author="a")
    seen.append(stamp())
    after(lambda: surveys.delete_survey(session=writer, survey_id=survey_id))
    after(lambda: store.rename_journey(session=writer, journey_id=jid, name="Broadband, renamed", author="a"))
    store.delete_journey(session=writer, journey_id=jid, author="a")
    assert stamp() is None
    after(lambda: store.restore_journey(session=writer, journey_id=jid))
    assert len(set(seen)) == len(seen) and all(seen)
    assert [s.lifetime for s in seen] == [seen[0].lifetime] * len(seen)

    rate(writer, other, "Ana", **{next(iter(ebike_demo())): {"desirable": 3}})
    ideas.create_idea(session=writer, journey_id=other, idea={"title": "Elsewhere"}, author="a")
    assert stamp() == seen[-1]


def test_figures_follow_a_rating_that_lands_while_they_are_computed(engine, monkeypatch):
    """A rating saved by someone else between reading a journey's ratings and writing its figures: the refresh reads
    again, and the portfolio's figures hold the new rating (not the one before, marked as current)."""
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
        rate(session, jid, "Ana", hotline={"desirable": 1})
    read = analysis.list_ratings
    rated = []

    def read_then_someone_rates(**kwargs):
        ratings = read(**kwargs)
        if not rated:  # once: the second reading finds the new score
            with Session(engine) as other:
                rate(other, jid, "Ana", hotline={"desirable": 5})
            rated.append(True)
        return ratings

    monkeypatch.setattr(analysis, "list_ratings", read_then_someone_rates)
    with Session(engine) as session:
        analysis.refresh_metrics(session=session, journey_id=jid)
        monkeypatch.setattr(analysis, "list_ratings", read)
        analysis.portfolio(session=session)  # recomputes what is stale, and only that
        stored = session.execute(
            select(TouchpointMetric.desirable)
            .join(Touchpoint, Touchpoint.id == TouchpointMetric.touchpoint_id)
            .where(Touchpoint.journey_id == jid, Touchpoint.key == "hotline")
        ).scalar_one()
        current = session.execute(select(Journey.metrics_version, Journey.version).where(Journey.id == jid)).one()
    assert rated and stored == 5
    assert current[0] == current[1]


def test_journeys_stored_before_stamps_existed_upgrade_in_place(tmp_path):
    """A database of the schema before (0006) gets the new columns in place: its journeys and their ratings stay,
    with the lifetime "" and no changes counted, and the next write counts."""
    engine = store.make_engine(f"sqlite:///{tmp_path}/old.db")
    store.migrate(engine, "0006")
    with engine.begin() as raw:
        raw.exec_driver_sql(
            "INSERT INTO journey (id, name, description, state, version, created_at, updated_at, updated_by,"
            " deleted_by, metrics_version) VALUES ('old1', 'Legacy', '', 'as-is', 3, '2025-01-01 10:00:00',"
            " '2025-01-01 10:00:00', 'Eva', '', 0)"
        )
        raw.exec_driver_sql(
            "INSERT INTO stage (id, journey_id, key, name, position) VALUES (1, 'old1', 'use', 'Use', 0)"
        )
        raw.exec_driver_sql(
            "INSERT INTO touchpoint (id, journey_id, key, stage_id, name, channel, owner, description, backstage,"
            " moment_of_truth, entry, exit, drop_out, position)"
            " VALUES (1, 'old1', 'app', 1, 'App', 'app', '', '', 0, 0, 1, 1, 0, 0)"
        )
        raw.exec_driver_sql(
            "INSERT INTO rating (touchpoint_id, rater, discipline, desirable, comment, updated_at)"
            " VALUES (1, 'Eva', 'it', 2, '', '2025-01-01 10:00:00')"
        )
    store.migrate(engine)
    with Session(engine) as session:
        assert store.journey_stamp(session=session, journey_id="old1") == (3, "", 0)
        assert [r["desirable"] for r in analysis.list_ratings(session=session, journey_id="old1")] == [2]
        rate(session, "old1", "Eva", app={"desirable": 4})
        assert store.journey_stamp(session=session, journey_id="old1") == (3, "", 1)
    engine.dispose()
