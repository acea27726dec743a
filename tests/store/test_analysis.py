"""Ratings from several participants, and the portfolio figures computed by SQL."""

import threading

import pytest
from sqlmodel import Session

import store
from journeys.analysis.scoring import Weights, consensus, rollup, weakness_table
from journeys.demo import broadband_demo, ebike_demo
from store import analysis


def rate(session, jid, rater, discipline, **scores):
    return analysis.save_ratings(session=session, journey_id=jid, rater=rater, discipline=discipline, scores=scores)


def test_raters_never_overwrite_each_other(session):
    """Two raters score the same touchpoint; both ratings are kept, and a re-score replaces only one's own."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    rate(session, jid, "Ana", "customer-service", hotline={"desirable": 1, "viable": 3, "feasible": 4})
    rate(session, jid, "Ben", "it", hotline={"desirable": 2, "viable": 3, "feasible": 4, "comment": "IVR is old"})
    rate(session, jid, "Ana", "customer-service", hotline={"desirable": 2, "viable": 3, "feasible": 4})
    ratings = analysis.list_ratings(session=session, journey_id=jid)
    assert [(r["rater"], r["desirable"], r["comment"]) for r in ratings] == [("Ana", 2, ""), ("Ben", 2, "IVR is old")]


def test_scoring_does_not_conflict_with_editing(session):
    """Saving ratings leaves the journey's version alone, so an editor's save still goes through."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    G, version = store.load_journey(session=session, journey_id=jid)
    rate(session, jid, "Ana", "sales", hotline={"desirable": 1})
    assert store.current_version(session=session, journey_id=jid) == version
    store.save_journey(session=session, graph=G, expected_version=version, author="b")
    assert analysis.list_ratings(session=session, journey_id=jid)[0]["desirable"] == 1


@pytest.mark.parametrize("bad", [0, 6, 2.5, "3", True])
def test_out_of_range_scores_are_refused_and_nothing_is_saved(session, bad):
    """A score outside 1..5 (or not a whole number) is refused with a message; the batch saves nothing."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    with pytest.raises(analysis.RatingInvalid, match="1 to 5"):
        rate(session, jid, "Ana", "it", hotline={"desirable": 3}, cancel={"viable": bad})
    assert analysis.list_ratings(session=session, journey_id=jid) == []


def test_ratings_for_unknown_touchpoints_are_refused(session):
    """Scoring a touchpoint the journey does not have is an error, not a silent skip."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    with pytest.raises(store.JourneyNotFound, match="ghost"):
        rate(session, jid, "Ana", "it", ghost={"desirable": 3})


def test_many_raters_at_once_all_land(engine):
    """Eight participants save at the same moment; all eight ratings are stored."""
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    barrier, errors = threading.Barrier(8), []

    def participant(i):
        with Session(engine) as session:
            barrier.wait()
            try:
                rate(session, jid, f"rater-{i}", "other", hotline={"desirable": 1 + i % 5})
            except Exception as exc:  # the test reports any failure below
                errors.append(exc)

    threads = [threading.Thread(target=participant, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as session:
        assert len(analysis.list_ratings(session=session, journey_id=jid)) == 8


def test_portfolio_sql_matches_the_python_formula(session):
    """The portfolio's SQL sums equal the documented weakness computed in Python, per journey and stage."""
    ids = {}
    for make in (broadband_demo, ebike_demo):
        G = make()
        ids[G.graph["name"]] = store.create_journey(session=session, graph=G, author="a")
    bb = ids[broadband_demo().graph["name"]]
    rate(session, bb, "Ana", "customer-service", hotline={"desirable": 1, "viable": 3, "feasible": 4})
    rate(session, bb, "Ben", "it", hotline={"desirable": 2, "viable": 3, "feasible": 4})
    weights = Weights(dvf=0.4, gap=0.2, pain=0.2, emotion=0.2, moment_of_truth=1.0)
    cells = analysis.portfolio(session=session, weights=weights)
    for name, jid in ids.items():
        G, _ = store.load_journey(session=session, journey_id=jid)
        scores = consensus(analysis.list_ratings(session=session, journey_id=jid))
        expected = rollup(weakness_table(G, scores, weights=weights), "stage")["weakness"]
        names = {s["id"]: s["name"] for s in G.graph["stages"]}
        got = cells[cells["journey"] == name].set_index("stage")["weakness"]
        assert got.to_dict() == pytest.approx({names[k]: v for k, v in expected.items()})


def test_portfolio_filters_by_persona_channel_and_state(session):
    """Filters narrow the heatmap to a persona, a channel or the to-be journeys."""
    bb = store.create_journey(session=session, graph=broadband_demo(), author="a")
    store.create_journey(session=session, graph=ebike_demo(), author="a")
    only_rolf = analysis.portfolio(session=session, persona="Rolf, active retiree")
    assert set(only_rolf["journey"]) == {ebike_demo().graph["name"]}
    phone = analysis.portfolio(session=session, rows="channel", columns="stage", channel="phone")
    assert set(phone["channel"]) == {"phone"} and phone["touchpoints"].sum() == 2
    assert analysis.portfolio(session=session, state="to-be").empty
    store.duplicate_journey(session=session, journey_id=bb, author="a", state="to-be", name="Router to-be")
    assert set(analysis.portfolio(session=session, state="to-be")["journey"]) == {"Router to-be"}


def test_portfolio_follows_saves_and_trash(session):
    """After a save the figures are recomputed; a journey in the trash drops out."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    before = analysis.portfolio(session=session)["weakness"].sum()
    G, version = store.load_journey(session=session, journey_id=jid)
    G.nodes["install-router"]["pains"] = []
    G.nodes["install-router"]["experience"] = 4
    store.save_journey(session=session, graph=G, expected_version=version, author="b")
    after = analysis.portfolio(session=session)["weakness"].sum()
    assert after < before
    store.delete_journey(session=session, journey_id=jid, author="b")
    assert analysis.portfolio(session=session).empty


def test_weakest_across_all_journeys_ranks_and_explains(session):
    """Across journeys the worst touchpoints come first, each with the reason that pulls it down."""
    store.create_journey(session=session, graph=broadband_demo(), author="a")
    store.create_journey(session=session, graph=ebike_demo(), author="a")
    worst = analysis.weakest_across(session=session, top=3)
    assert list(worst["touchpoint"][:2]) == ["install-router", "hotline"]
    assert list(worst["why"][:2]) == ["pain", "pain"]
    assert worst["weakness"].is_monotonic_decreasing
    only_bike = analysis.weakest_across(session=session, top=3, persona="Rolf, active retiree")
    assert set(only_bike["journey"]) == {ebike_demo().graph["name"]}


def test_journey_stamp_moves_with_every_save_and_rating_of_that_journey(session):
    """The stamp the Review page caches by changes on a save and on a new, changed or deleted rating, and only then."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    other = store.create_journey(session=session, graph=ebike_demo(), author="a")
    stamp = lambda: store.journey_stamp(session=session, journey_id=jid)  # noqa: E731
    seen = [stamp()]
    assert seen[0].version == store.current_version(session=session, journey_id=jid)
    rate(session, jid, "Ana", "it", hotline={"desirable": 1})
    seen.append(stamp())
    rate(session, jid, "Ben", "sales", hotline={"desirable": 5}, cancel={"viable": 2})
    seen.append(stamp())
    rate(session, jid, "Ana", "it", hotline={"desirable": 2})  # same rater, same touchpoint: one row, changed
    seen.append(stamp())
    analysis.delete_rating(session=session, journey_id=jid, key="hotline", rater="Ben")
    seen.append(stamp())
    G, version = store.load_journey(session=session, journey_id=jid)
    G.nodes["hotline"]["name"] = "Call us"
    store.save_journey(session=session, graph=G, expected_version=version, author="b")
    seen.append(stamp())
    assert len(set(seen)) == len(seen)
    assert seen[-1].version == version + 1
    rate(session, other, "Ana", "it", **{next(iter(ebike_demo())): {"desirable": 3}})
    assert stamp() == seen[-1]  # another journey's ratings leave this one's figures alone


def test_journey_stamp_is_none_for_a_journey_in_the_trash_or_unknown(session):
    """Only a live journey has a stamp: the Review page asks for another journey otherwise."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    store.delete_journey(session=session, journey_id=jid, author="a")
    assert store.journey_stamp(session=session, journey_id=jid) is None
    assert store.journey_stamp(session=session, journey_id="no-such-journey") is None


def test_portfolio_stamp_moves_with_journeys_and_ratings(session):
    """The portfolio's stamp changes on a save, a new journey, the trash and every rating."""
    stamp = lambda: analysis.portfolio_stamp(session=session)  # noqa: E731
    seen = [stamp()]
    jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    seen.append(stamp())
    rate(session, jid, "Ana", "it", hotline={"desirable": 1})
    seen.append(stamp())
    rate(session, jid, "Ana", "it", hotline={"desirable": 4})
    seen.append(stamp())
    G, version = store.load_journey(session=session, journey_id=jid)
    G.graph["name"] = "Broadband, renamed"
    store.save_journey(session=session, graph=G, expected_version=version, author="b")
    seen.append(stamp())
    store.delete_journey(session=session, journey_id=jid, author="b")
    assert stamp() == seen[0]  # nothing live: the portfolio is as empty as at the start
    store.restore_journey(session=session, journey_id=jid)
    seen.append(stamp())
    assert len(set(seen)) == len(seen)
    assert stamp() == seen[-1]


def test_figures_follow_a_save_that_lands_while_they_are_computed(engine, monkeypatch):
    """A touchpoint removed by someone else between reading a journey and writing its figures: the refresh reads the
    journey again and stores the figures of the new version (it used to fail with a KeyError on the Portfolio)."""
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=broadband_demo(), author="a")
    read = analysis.list_ratings
    saves = []

    def read_then_someone_saves(**kwargs):
        ratings = read(**kwargs)
        if not saves:  # once: the second reading finds the journey as it now is
            with Session(engine) as other:
                G, version = store.load_journey(session=other, journey_id=jid)
                G.remove_node("hotline")
                saves.append(store.save_journey(session=other, graph=G, expected_version=version, author="b"))
        return ratings

    monkeypatch.setattr(analysis, "list_ratings", read_then_someone_saves)
    with Session(engine) as session:
        analysis.refresh_metrics(session=session, journey_id=jid)
        cells = analysis.portfolio(session=session, rows="journey", columns="stage")
        weakest = analysis.weakest_across(session=session, top=50)
    assert saves == [2]
    assert not cells.empty and "Call the hotline" not in set(weakest["name"])
    assert len(weakest) == broadband_demo().number_of_nodes() - 1
