"""Comparing an as-is with its to-be: what changed, and what it does to the weakness."""

from __future__ import annotations

import copy
import math
import re

import networkx as nx
import pytest
from hypothesis import given, settings

from journeys.analysis.comparison import Change, compare
from journeys.analysis.flow import FlowError, flow
from journeys.analysis.scoring import consensus, weakness_table
from journeys.charts.comparison import (
    BETTER,
    WORSE,
    change_table,
    emotion_curves,
    stage_weakness,
    touchpoint_table,
    transition_table,
    weakness_change,
)
from journeys.demo import broadband_demo
from journeys.model.graph import add_touchpoint, add_transition, new_journey
from tests.journeys.test_scoring import HOTLINE_RATINGS
from tests.strategies import journeys as journey_graphs
from tests.stress import examples

STAGES = [{"id": "buy", "name": "Buy"}, {"id": "use", "name": "Use"}]
PERSONAS = [{"id": "ana", "name": "Ana"}, {"id": "ben", "name": "Ben"}]


def shop() -> nx.DiGraph:
    """Order (buy) → set up (use, a painful moment of truth) → use (use)."""
    G = new_journey("Shop", stages=STAGES, personas=PERSONAS)
    add_touchpoint(G, "order", name="Order", stage="buy", entry=True, expectation=4, experience=4)
    add_touchpoint(
        G,
        "setup",
        name="Set up",
        stage="use",
        moment_of_truth=True,
        expectation=4,
        experience=2,
        emotions={"ana": -2, "ben": -1},
        pains=[{"text": "Manual is wrong", "severity": 4}, {"text": "Wi-Fi drops", "severity": 5}],
    )
    add_touchpoint(G, "use", name="Use", stage="use", exit=True, emotions={"ana": 1, "ben": 1})
    add_transition(G, "order", "setup", share=1.0)
    add_transition(G, "setup", "use", share=0.8, label="works")
    return G


def test_removing_a_pain_point_lowers_the_weakness():
    """The to-be drops the worst pain point of the set-up: that touchpoint and the journey get less weak."""
    before, after = shop(), shop()
    after.nodes["setup"]["pains"] = after.nodes["setup"]["pains"][:1]
    result = compare(before, after)
    row = result.touchpoints.loc["setup"]
    assert row["status"] == "changed"
    assert [c.field for c in result.changed["setup"]] == ["pains"]
    assert row["weakness_after"] < row["weakness_before"]
    assert row["delta"] == pytest.approx(row["weakness_after"] - row["weakness_before"])
    assert result.delta < 0 and result.relative < 0
    assert result.stages.loc["use", "delta"] < 0 and result.stages.loc["buy", "delta"] == 0
    assert set(result.touchpoints["status"]) == {"changed", "unchanged"}


def test_an_added_touchpoint_has_no_before():
    """A touchpoint only in the to-be is added: no weakness, severity or flow before, its whole weakness is new."""
    before, after = shop(), shop()
    add_touchpoint(after, "chat", name="Chat with support", stage="use", pains=[{"text": "Bot loops", "severity": 3}])
    add_transition(after, "setup", "chat", share=0.2)
    result = compare(before, after)
    assert result.added == ("chat",) and result.removed == ()
    row = result.touchpoints.loc["chat"]
    assert row["status"] == "added"
    assert math.isnan(row["weakness_before"]) and math.isnan(row["severity_before"]) and math.isnan(row["flow_before"])
    assert row["weakness_after"] > 0 and row["delta"] == row["weakness_after"]
    assert result.transitions_added == (("setup", "chat"),)
    assert "chat" in result.unrated
    assert list(result.touchpoints.index) == ["order", "setup", "use", "chat"]  # in the to-be's journey order


def test_a_removed_touchpoint_stays_where_it_was():
    """A touchpoint only in the as-is is removed, listed after the one it followed, with no "after"."""
    before, after = shop(), shop()
    after.remove_node("setup")
    add_transition(after, "order", "use", share=1.0)
    result = compare(before, after)
    assert result.removed == ("setup",)
    assert list(result.touchpoints.index) == ["order", "setup", "use"]
    assert math.isnan(result.touchpoints.loc["setup", "weakness_after"])
    assert result.touchpoints.loc["setup", "delta"] == -result.touchpoints.loc["setup", "weakness_before"]
    assert set(result.transitions_removed) == {("order", "setup"), ("setup", "use")}
    assert result.transitions_added == (("order", "use"),)


def test_a_moved_stage_is_a_change_and_moves_the_weakness():
    """The set-up moves to the buying stage: a change of stage, and its weakness leaves one stage for the other."""
    before, after = shop(), shop()
    after.nodes["setup"]["stage"] = "buy"
    result = compare(before, after)
    assert result.changed == {"setup": (Change("stage", "use", "buy"),)}
    weakness = result.touchpoints.loc["setup", "weakness_before"]
    assert result.stages.loc["use", "delta"] == pytest.approx(-weakness)
    assert result.stages.loc["buy", "delta"] == pytest.approx(weakness)
    assert result.delta == pytest.approx(0)


def test_stages_of_one_journey_only_are_listed_in_the_to_be_order():
    """A stage the to-be adds and one it drops both appear, the to-be's stages first."""
    before, after = shop(), shop()
    before.graph["stages"] = [*STAGES, {"id": "leave", "name": "Leave"}]
    after.graph["stages"] = [{"id": "find", "name": "Find"}, *STAGES]
    frame = compare(before, after).stages
    assert list(frame.index) == ["find", "buy", "use", "leave"]
    assert list(frame["in_before"]) == [False, True, True, True]
    assert list(frame["in_after"]) == [True, True, True, False]


def test_dvf_consensus_and_transitions_are_compared():
    """New scores of a touchpoint and a new share or label of a transition are changes with before and after."""
    before, after = shop(), shop()
    after.edges["setup", "use"].update(share=0.95, label="works now")
    old = {"setup": {"desirable": {"median": 1, "spread": 0, "n": 1}}}
    new = {"setup": {"desirable": {"median": 4, "spread": 0, "n": 1}}}
    result = compare(before, after, before_scores=old, after_scores=new)
    assert result.changed["setup"] == (Change("desirable", 1, 4),)
    assert result.transitions_changed == {
        ("setup", "use"): (Change("label", "works", "works now"), Change("share", 0.8, 0.95))
    }
    assert result.touchpoints.loc["setup", "delta"] < 0
    assert result.unrated == ()  # re-rated in the to-be


def test_changed_touchpoints_with_the_as_is_scores_are_unrated():
    """A changed touchpoint whose to-be scores are exactly the as-is ones (copied over) still needs rating."""
    before, after = shop(), shop()
    after.nodes["setup"]["experience"] = 4
    scores = {"setup": {"desirable": {"median": 2, "spread": 0, "n": 1}}}
    assert compare(before, after, before_scores=scores, after_scores=copy.deepcopy(scores)).unrated == ("setup",)
    assert compare(before, after).unrated == ("setup",)  # no scores at all
    rescored = {"setup": {"desirable": {"median": 3, "spread": 0, "n": 1}}}
    assert compare(before, after, before_scores=scores, after_scores=rescored).unrated == ()


def test_a_closed_loop_falls_back_to_a_flow_of_one_and_says_so():
    """Customers trapped in the to-be's loop: every touchpoint counts once, and a note names the loop."""
    before, after = shop(), shop()
    after.nodes["use"]["exit"] = False
    after.remove_edge("setup", "use")
    add_transition(after, "setup", "use", share=1.0)
    add_transition(after, "use", "setup", share=1.0)
    with pytest.raises(FlowError):
        flow(after)
    result = compare(before, after)
    assert [(n.kind, n.side, set(n.touchpoints)) for n in result.notes] == [("trapped", "after", {"setup", "use"})]
    assert list(result.touchpoints["flow_after"]) == [1.0, 1.0, 1.0]


def test_emotion_curves_of_both_journeys_follow_the_journey_order():
    """Per side and persona one point per front-stage touchpoint, in journey order; missing emotions are NaN."""
    before, after = shop(), shop()
    after.nodes["setup"]["emotions"] = {"ana": 1}
    emotions = compare(before, after).emotions
    ana = emotions[(emotions["side"] == "after") & (emotions["persona"] == "ana")]
    assert list(ana["touchpoint"]) == ["order", "setup", "use"]
    assert list(ana["emotion"].fillna(99)) == [99, 1, 1]
    ben = emotions[(emotions["side"] == "before") & (emotions["persona"] == "ben")]
    assert list(ben["emotion"].fillna(99)) == [99, -1, 1]


def test_worked_example_in_the_docs():
    """The numbers of "Comparing as-is and to-be" in docs/scoring.md."""
    before, after = broadband_demo(), broadband_demo()
    router = after.nodes["install-router"]
    router["pains"], router["experience"] = router["pains"][:1], 4
    result = compare(before, after)
    row = result.touchpoints.loc["install-router"]
    assert (row["severity_before"], row["severity_after"]) == pytest.approx((0.7875, 0.525))
    assert (row["weakness_before"], row["weakness_after"]) == pytest.approx((0.5198, 0.3465), abs=1e-4)
    assert row["delta"] == pytest.approx(-0.1733, abs=1e-4)
    assert (result.total_before, result.total_after) == pytest.approx((1.110, 0.937), abs=5e-4)
    assert result.relative == pytest.approx(-0.156, abs=5e-4)


def demo_pair():
    before, after = broadband_demo(), broadband_demo()
    router = after.nodes["install-router"]
    router["pains"], router["experience"] = router["pains"][:1], 4
    after.remove_node("cancel")
    add_touchpoint(after, "<b>chat</b>", name="<b>Live chat</b>", stage="support", channel="web")
    add_transition(after, "hotline", "<b>chat</b>", share=0.1)
    scores = consensus(HOTLINE_RATINGS)
    return compare(before, after, before_scores=scores, after_scores=scores)


def test_change_chart_colours_improvements_green_and_marks_new_and_removed():
    """The set-up gets greener, the removed cancellation too; the new chat is hatched and its name escaped."""
    result = demo_pair()
    fig = weakness_change(result)
    bars = fig.data[0]
    labels = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    colour = {labels[y]: c for y, c in zip(bars.y, bars.marker.color, strict=True)}
    assert colour["Onboarding · Set up the router"] == BETTER
    assert colour["Loyalty &amp; advocacy · Cancels the contract (removed)"] == BETTER
    chat = "Support · &lt;b&gt;Live chat&lt;/b&gt; (new)"
    assert colour[chat] in (WORSE, "#90a4ae")
    shapes = dict(zip(bars.customdata, bars.marker.pattern.shape, strict=True))
    assert shapes["<b>chat</b>"] == "/" and shapes["cancel"] == "x" and shapes["install-router"] == ""
    assert "Daily use at home" not in " ".join(labels.values())  # unchanged touchpoints are left out
    assert fig.layout.template.layout.paper_bgcolor in ("white", "#ffffff", "rgb(255,255,255)")


def test_change_chart_writes_weakness_with_two_decimals_as_every_table_does():
    """ "0,67 → 0,10" in German, as the Review and the tables write weakness, not three decimals."""
    fig = weakness_change(demo_pair(), lang="de")
    texts = list(fig.data[0].text)
    assert texts and all(re.fullmatch(r"(–|\d+,\d\d) → (–|\d+,\d\d)", text) for text in texts), texts
    assert ".2f" in fig.data[0].hovertemplate


def test_stage_chart_and_tables_speak_german():
    """Stage names, legend, columns and field names come in German with lang=de."""
    result = demo_pair()
    fig = stage_weakness(result, lang="de")
    assert fig.layout.title.text == "Schwäche je Phase, Ist und Soll"
    assert [bar.name.split(":")[0] for bar in fig.data] == ["Ist", "Soll"]
    assert "Aufmerksamkeit" in fig.layout.xaxis.ticktext
    table = touchpoint_table(result, lang="de")
    assert {"Schwäche Ist", "Schwäche Soll", "Änderung"} <= set(table.columns)
    assert set(table["Status"]) == {"neu", "entfernt", "geändert", "unverändert"}
    changes = change_table(result, lang="de")
    router = changes[changes["Touchpoint"] == "Set up the router"]
    assert list(router["Was"]) == ["Erlebnis", "Schmerzpunkte"]
    assert list(router["Ist"]) == ["2", "Default setting makes the Wi-Fi drop every few minutes (5/5)"]
    assert list(router["Soll"]) == ["4", "–"]
    transitions = transition_table(result, lang="de")
    assert "Call the hotline → <b>Live chat</b>" in set(transitions["Übergang"])


def test_emotion_curves_side_by_side_on_one_scale_in_one_colour_per_persona():
    """Two subplots from −2 to +2, Petra and Jonas in the same colours on both, each listed once in the legend."""
    fig = emotion_curves(demo_pair())
    assert fig.layout.yaxis.range == fig.layout.yaxis2.range == (-2.3, 2.3)
    by_axis = {axis: {tr.name: tr.line.color for tr in fig.data if tr.xaxis == axis} for axis in ("x", "x2")}
    assert by_axis["x"] == by_axis["x2"] and len(set(by_axis["x"].values())) == 2
    assert sum(tr.showlegend is not False for tr in fig.data) == 2
    assert "Cancels the contract" in fig.layout.xaxis.ticktext[-2].replace("<br>", " ")
    assert "&lt;b&gt;Live" in " ".join(fig.layout.xaxis2.ticktext)


def test_nothing_changed_says_so_in_the_chart():
    """Comparing a journey with itself draws no bars and says that nothing changed."""
    fig = weakness_change(compare(broadband_demo(), broadband_demo()), lang="de")
    assert len(fig.data[0].x) == 0
    assert fig.layout.annotations[0].text == "Kein Touchpoint hat sich geändert"


def weakness_sum(G) -> float:
    """The journey's weakness computed on its own, with the store's fallback for a closed loop."""
    try:
        visits = flow(G).visits
    except FlowError:
        visits = dict.fromkeys(G, 1.0)
    table = weakness_table(G, visits=visits)
    return float(table["weakness"].sum()) if not table.empty else 0.0


@settings(max_examples=examples(60), deadline=None)
@given(G=journey_graphs(max_touchpoints=12))
def test_a_journey_compared_with_itself_has_no_change(G):
    """Property: compare(G, copy of G) finds nothing added, removed or changed, and every delta is 0."""
    result = compare(G, copy.deepcopy(G))
    assert (result.added, result.removed, result.changed) == ((), (), {})
    assert (result.transitions_added, result.transitions_removed, result.transitions_changed) == ((), (), {})
    assert set(result.touchpoints["status"]) <= {"unchanged"}
    assert (result.touchpoints["delta"] == 0).all() and (result.stages["delta"] == 0).all()
    assert result.delta == 0 and result.unrated == ()


@settings(max_examples=examples(60), deadline=None)
@given(G=journey_graphs(max_touchpoints=12), H=journey_graphs(max_touchpoints=12))
def test_swapping_the_journeys_swaps_added_and_removed(G, H):
    """Property: compare(H, G) adds what compare(G, H) removes, and every delta changes sign."""
    forth, back = compare(G, H), compare(H, G)
    assert set(forth.added) == set(back.removed) and set(forth.removed) == set(back.added)
    assert set(forth.transitions_added) == set(back.transitions_removed)
    assert forth.changed.keys() == back.changed.keys()
    for key, changes in forth.changed.items():
        assert [(c.field, c.after, c.before) for c in changes] == [
            (c.field, c.before, c.after) for c in back.changed[key]
        ]
    deltas = back.touchpoints["delta"].reindex(forth.touchpoints.index)
    assert (forth.touchpoints["delta"] == -deltas).all()
    assert forth.delta == pytest.approx(-back.delta, abs=1e-9)


@settings(max_examples=examples(60), deadline=None)
@given(G=journey_graphs(max_touchpoints=12), H=journey_graphs(max_touchpoints=12))
def test_totals_are_the_sums_of_the_touchpoints(G, H):
    """Property: the journeys' weakness, the sum of the touchpoints' changes and the stage sums all agree."""
    result = compare(G, H)
    assert result.total_before == pytest.approx(weakness_sum(G), abs=1e-9)
    assert result.total_after == pytest.approx(weakness_sum(H), abs=1e-9)
    assert result.delta == pytest.approx(result.touchpoints["delta"].sum(), abs=1e-9)
    assert result.stages["weakness_before"].sum() == pytest.approx(result.total_before, abs=1e-9)
    assert result.stages["weakness_after"].sum() == pytest.approx(result.total_after, abs=1e-9)
    assert len(result.touchpoints) == len(set(G) | set(H))
