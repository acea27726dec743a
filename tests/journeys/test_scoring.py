"""Consensus, flow and weakness: the numbers managers act on."""

import math
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeys.analysis import scoring
from journeys.analysis.flow import Chain, FlowError, _system, _topological, flow, transition_shares
from journeys.analysis.scoring import Weights, components, consensus, rollup, weakest_touchpoints, weakness_table
from journeys.demo import broadband_demo, ebike_demo
from tests.strategies import journeys, make_journey
from tests.stress import examples

ROOT = Path(__file__).resolve().parents[2]

HOTLINE_RATINGS = [
    {
        "touchpoint": "hotline",
        "rater": "Ana",
        "discipline": "customer-service",
        "desirable": 1,
        "viable": 3,
        "feasible": 4,
    },
    {"touchpoint": "hotline", "rater": "Ben", "discipline": "it", "desirable": 2, "viable": 3, "feasible": 4},
    {"touchpoint": "hotline", "rater": "Cem", "discipline": "finance", "desirable": 2, "viable": 4, "feasible": 5},
]


def test_worked_example_in_the_docs():
    """The hotline numbers in docs/scoring.md are what the code computes."""
    row = weakness_table(broadband_demo(), consensus(HOTLINE_RATINGS)).loc["hotline"]
    assert (row.desirable, row.viable, row.feasible) == (2, 3, 4)
    assert (row.c_dvf, row.c_gap, row.c_pain, row.c_emotion) == (0.5, 0.75, 1.0, 1.0)
    assert row.severity == pytest.approx(1.18125)
    assert row.flow == pytest.approx(0.3234 / (1 - 0.07425))
    assert row.weakness == pytest.approx(0.4127, abs=1e-4)
    assert row.why == "pain"


def test_consensus_is_the_median_and_spread_shows_disagreement():
    """Three raters: the median wins, the spread is max − min, and each count is kept."""
    result = consensus(HOTLINE_RATINGS)["hotline"]
    assert result["viable"] == {"median": 3, "spread": 1, "n": 3}
    lone = consensus(
        [{"touchpoint": "t", "rater": "a", "desirable": 1}, {"touchpoint": "t", "rater": "b", "desirable": 5}]
    )
    assert lone["t"]["desirable"] == {"median": 3.0, "spread": 4, "n": 2}


def test_discipline_weighting_lets_the_experts_count_twice():
    """With weighting, IT's view of feasibility outweighs two non-experts."""
    ratings = [
        {"touchpoint": "t", "rater": "it", "discipline": "it", "feasible": 1},
        {"touchpoint": "t", "rater": "m", "discipline": "marketing", "feasible": 5},
        {"touchpoint": "t", "rater": "s", "discipline": "sales", "feasible": 5},
    ]
    assert consensus(ratings)["t"]["feasible"]["median"] == 5
    assert consensus(ratings, weighted=True)["t"]["feasible"]["median"] == 3.0


def test_flow_solves_loops_exactly():
    """A support loop: visits follow the geometric series, not a path count."""
    G = nx.DiGraph()
    G.add_node("start", entry=True)
    G.add_edge("start", "use", share=1.0)
    G.add_edge("use", "support", share=0.5)
    G.add_edge("support", "use", share=0.8)
    visits = flow(G).visits
    assert visits["use"] == pytest.approx(1 / (1 - 0.4))
    assert visits["support"] == pytest.approx(0.5 / (1 - 0.4))


def test_missing_shares_split_the_rest_evenly_and_are_reported():
    """Missing shares share what the given ones leave, and the app can say which were assumed."""
    G = nx.DiGraph()
    G.add_edge("a", "b", share=0.4)
    G.add_edge("a", "c")
    G.add_edge("a", "d")
    result = flow(G)
    assert result.visits["c"] == pytest.approx(0.3) and result.visits["d"] == pytest.approx(0.3)
    assert result.assumed == [("a", "c"), ("a", "d")]


def test_shares_below_one_drop_customers_out():
    """Shares that add up to less than 1 lose the rest of the customers there."""
    G = nx.DiGraph([("a", "b"), ("b", "c")])
    G.edges["a", "b"]["share"] = 0.5
    G.edges["b", "c"]["share"] = 0.5
    assert flow(G).visits == pytest.approx({"a": 1.0, "b": 0.5, "c": 0.25})


def test_exits_keep_no_customers():
    """Customers leave at an exit even if a transition is drawn from it."""
    G = nx.DiGraph([("a", "b"), ("b", "a")])
    G.nodes["a"]["entry"] = True
    G.nodes["b"]["exit"] = True
    shares, _ = transition_shares(G)
    assert ("b", "a") not in shares
    assert flow(G).visits == pytest.approx({"a": 1.0, "b": 1.0})


def test_a_closed_loop_is_reported_not_solved():
    """A loop that never lets customers go names its touchpoints."""
    G = nx.DiGraph()
    G.add_node("start", entry=True)
    G.add_edge("start", "a", share=1.0)
    G.add_edge("a", "b", share=1.0)
    G.add_edge("b", "a", share=1.0)
    with pytest.raises(FlowError) as caught:
        flow(G)
    assert caught.value.trapped == ["a", "b"]


def test_a_way_out_nobody_takes_does_not_open_a_closed_loop():
    """A touchpoint that sends everyone back to itself is a closed loop, even when an exit with a share of 0
    leads from it back into it."""
    G = nx.DiGraph()
    G.add_node("start", entry=True)
    G.add_node("done", exit=True)
    G.add_edge("start", "hotline", share=1.0)
    G.add_edge("hotline", "hotline")  # takes the rest: everybody
    G.add_edge("hotline", "done", share=0.0)
    G.add_edge("done", "hotline")
    with pytest.raises(FlowError) as caught:
        flow(G)
    assert caught.value.trapped == ["hotline"]


def test_demo_journeys_rank_the_router_set_up_and_hotline_worst():
    """In the broadband demo the router set-up hurts most customers most, then the hotline."""
    assert [k for k, _ in weakest_touchpoints(broadband_demo(), top=2)] == ["install-router", "hotline"]
    assert weakest_touchpoints(ebike_demo(), top=1)[0][0] in {"financing", "credit-check", "service"}


def test_rollups_sum_weakness_per_stage_and_persona():
    """Stage and persona roll-ups add up the touchpoints' weakness."""
    table = weakness_table(broadband_demo())
    stages = rollup(table, "stage")
    assert stages["weakness"].sum() == pytest.approx(table["weakness"].sum())
    assert stages.index[0] == "onboarding"
    personas = rollup(table, "persona")
    assert set(personas.index) == {"petra", "jonas"}
    assert personas.loc["petra", "touchpoints"] == 13


def test_weights_must_make_sense():
    """Negative or all-zero weights are refused with a message."""
    with pytest.raises(ValueError, match="negative"):
        Weights(dvf=-1)
    with pytest.raises(ValueError, match="at least one"):
        Weights(dvf=0, gap=0, pain=0, emotion=0)


scores = st.integers(1, 5)
touchpoint_data = st.fixed_dictionaries(
    {
        "expectation": scores,
        "experience": scores,
        "pains": st.lists(st.fixed_dictionaries({"severity": scores}), max_size=4),
        "emotions": st.dictionaries(st.sampled_from(["p1", "p2", "p3"]), st.integers(-2, 2), max_size=3),
        "moment_of_truth": st.booleans(),
    }
)
dvf_scores = st.fixed_dictionaries({lens: scores for lens in ("desirable", "viable", "feasible")})


def severity_of(data, dvf, flow_value=1.0):
    G = nx.DiGraph()
    G.add_node("t", **data)
    scored = {"t": {lens: {"median": v} for lens, v in dvf.items()}}
    return weakness_table(G, scored, visits={"t": flow_value}).loc["t", "weakness"]


@settings(max_examples=examples(200), deadline=None)
@given(data=touchpoint_data, dvf=dvf_scores, lens=st.sampled_from(["desirable", "viable", "feasible"]))
def test_lowering_a_dvf_score_never_lowers_weakness(data, dvf, lens):
    """Property: a worse DVF consensus never makes a touchpoint look better."""
    lower = {**dvf, lens: max(1, dvf[lens] - 1)}
    assert severity_of(data, lower) >= severity_of(data, dvf)


@settings(max_examples=examples(200), deadline=None)
@given(data=touchpoint_data, dvf=dvf_scores)
def test_lowering_experience_or_emotion_never_lowers_weakness(data, dvf):
    """Property: a worse experience or a worse feeling never lowers the weakness."""
    worse_experience = {**data, "experience": max(1, data["experience"] - 1)}
    assert severity_of(worse_experience, dvf) >= severity_of(data, dvf)
    if data["emotions"]:
        persona = sorted(data["emotions"])[0]
        worse_emotion = {**data, "emotions": {**data["emotions"], persona: max(-2, data["emotions"][persona] - 1)}}
        assert severity_of(worse_emotion, dvf) >= severity_of(data, dvf)


@settings(max_examples=examples(200), deadline=None)
@given(data=touchpoint_data, dvf=dvf_scores, index=st.integers(0, 3))
def test_raising_a_severity_never_lowers_weakness(data, dvf, index):
    """Property: a more severe (or an extra) pain point never lowers the weakness."""
    pains = list(data["pains"])
    if index < len(pains):
        pains[index] = {"severity": min(5, pains[index]["severity"] + 1)}
    else:
        pains.append({"severity": 1})
    assert severity_of({**data, "pains": pains}, dvf) >= severity_of(data, dvf)


@settings(max_examples=examples(200), deadline=None)
@given(data=touchpoint_data, dvf=dvf_scores, base=st.floats(0, 3), extra=st.floats(0, 3))
def test_raising_the_flow_never_lowers_weakness(data, dvf, base, extra):
    """Property: more customers passing the same touchpoint never lowers its weakness."""
    assert severity_of(data, dvf, base + extra) >= severity_of(data, dvf, base)


def test_components_ignore_missing_data():
    """Without scores, gap, pains or emotions a touchpoint shows no trouble, not an error."""
    assert components({}, {}) == {"dvf": 0.0, "gap": 0.0, "pain": 0.0, "emotion": 0.0}
    assert math.isclose(components({"expectation": 5, "experience": 1}, None)["gap"], 1.0)


@settings(max_examples=examples(150), deadline=None)
@given(
    G=journeys(max_touchpoints=15),
    data=st.data(),
    weights=st.sampled_from([Weights(), Weights(dvf=0, gap=1, pain=0, emotion=0, moment_of_truth=2)]),
)
def test_the_table_is_the_same_whether_computed_at_once_or_touchpoint_by_touchpoint(G, data, weights):
    """The weakness table computed for all touchpoints at once matches the row-by-row definition, to the last bit."""
    scored = {
        key: {lens: {"median": data.draw(scores)} for lens in ("desirable", "viable", "feasible")}
        for key in data.draw(st.lists(st.sampled_from(list(G)), unique=True)) if G
    } if G else {}  # fmt: skip
    visits = {key: data.draw(st.floats(0, 3)) for key in G}
    table = weakness_table(G, scored, weights=weights, visits=visits)
    if not G:
        assert table.empty
        return
    one_by_one = pd.DataFrame(scoring._rows(G, scored, weights, visits)).set_index("touchpoint")
    pd.testing.assert_frame_equal(table, one_by_one, check_exact=True)


@settings(max_examples=examples(150), deadline=None)
@given(G=journeys(max_touchpoints=15))
def test_flow_is_the_solution_of_the_markov_chain(G):
    """Flow satisfies its defining equation: visits = entering customers + what flows in over the shares."""
    try:
        result = flow(G)
    except FlowError:
        return
    shares, _ = transition_shares(G)
    for node in G:
        inflow = sum(result.visits[u] * shares.get((u, node), 0.0) for u in G.predecessors(node))
        entering = 1 / len(result.entries) if node in result.entries else 0.0
        assert result.visits[node] == pytest.approx(max(entering + inflow, 0.0), abs=1e-6)


@settings(max_examples=examples(150), deadline=None)
@given(G=journeys(max_touchpoints=15), data=st.data())
def test_a_journey_without_loops_is_solved_in_topological_order_as_superlu_solves_it(G, data):
    """Forward substitution (in any numbering of the touchpoints) finds SuperLU's visits, to rounding (1e-12, not bit for bit)."""
    from scipy.sparse import csc_array
    from scipy.sparse.linalg import spsolve

    order = data.draw(st.permutations(list(G)))  # drop every transition against this order
    position = {key: i for i, key in enumerate(order)}
    G.remove_edges_from([(u, v) for u, v in G.edges if position[u] > position[v]])
    try:
        result = flow(G)
    except FlowError:
        return
    if not G:
        return
    arrays = Chain(G)
    shares, _, leaving = arrays.shares()
    assert _topological(arrays, shares, ~leaving) is not None  # the triangular solve is the one taken
    s = np.zeros(arrays.n)
    s[arrays.entries()] = 1 / len(result.entries)
    system = csc_array(_system(arrays, shares, ~leaving), shape=(arrays.n, arrays.n))
    by_superlu = np.maximum(np.atleast_1d(spsolve(system, s)), 0.0)
    assert list(result.visits.values()) == pytest.approx(by_superlu.tolist(), rel=1e-12, abs=1e-15)


def test_a_loop_is_left_to_superlu():
    """A loop customers go round has no topological order: it is solved as a whole."""
    G = nx.DiGraph()
    G.add_edge("start", "use", share=1.0)
    G.add_edge("use", "support", share=0.5)
    G.add_edge("support", "use", share=0.8)
    arrays = Chain(G)
    shares, _, leaving = arrays.shares()
    assert _topological(arrays, shares, ~leaving) is None
    G.remove_edge("support", "use")
    G.add_edge("use", "use", share=0.25)  # a touchpoint's way back to itself is no loop to solve
    arrays = Chain(G)
    shares, _, leaving = arrays.shares()
    assert _topological(arrays, shares, ~leaving) is True
    assert flow(G).visits["use"] == pytest.approx(1 / 0.75, rel=1e-15)


@pytest.mark.parametrize("G", [make_journey(50), broadband_demo(), ebike_demo()], ids=["made", "broadband", "ebike"])
def test_the_table_takes_the_flow_as_it_was_solved(G):
    """Handed the flow itself, the table is the one built from its visits; a flow of another graph is refused."""
    scores = consensus([{"touchpoint": key, "rater": "a", "desirable": 2, "feasible": 4} for key in list(G)[::3]])
    result = flow(G)
    expected = weakness_table(G, scores, visits=dict(result.visits))
    pd.testing.assert_frame_equal(
        weakness_table(G, scores, visits=result.visits, flow=result), expected, check_exact=True
    )
    pd.testing.assert_frame_equal(weakness_table(G, scores, flow=result), expected, check_exact=True)
    with pytest.raises(ValueError, match="this very graph"):
        weakness_table(G.copy(), scores, flow=result)


def test_importing_the_domain_leaves_scipy_out_of_the_app_start():
    """Importing flow, scoring and diagnostics does not import scipy (it costs ~0.6 s of every start)."""
    code = (
        "import sys, journeys.analysis.flow, journeys.analysis.scoring, journeys.analysis.diagnostics; "
        "print(sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "G", [make_journey(300), broadband_demo(), ebike_demo("de")], ids=["made", "broadband", "ebike"]
)
def test_the_table_of_a_whole_journey_is_the_row_by_row_table(G):
    """Every column of a real-sized table (text, whole numbers, optional values) has the type and values of the row-by-row definition."""
    scores = consensus([{"touchpoint": key, "rater": "a", "desirable": 2, "feasible": 4} for key in list(G)[::3]])
    visits = flow(G).visits
    table = weakness_table(G, scores, visits=visits)
    one_by_one = pd.DataFrame(scoring._rows(G, scores, Weights(), visits)).set_index("touchpoint")
    pd.testing.assert_frame_equal(table, one_by_one, check_exact=True)
    assert str(table.index.dtype) == "str" and str(table["name"].dtype) == "str"


@settings(max_examples=examples(150), deadline=None)
@given(G=journeys(max_touchpoints=15))
def test_the_linear_system_is_the_one_scipy_builds(G):
    """The flow's system I − Qᵀ, built at once, is bit for bit the matrix scipy makes of identity(n) − Q.T."""
    from scipy.sparse import csr_array, identity

    if not G:
        return
    arrays = Chain(G)
    shares, _, leaving = arrays.shares()
    n, passing = arrays.n, ~leaving
    Q = csr_array((shares[passing], (arrays.src[passing], arrays.dst[passing])), shape=(n, n))
    expected = (identity(n, format="csc") - Q.T).tocsc()
    data, indices, indptr = _system(arrays, shares, passing)
    assert indptr.tolist() == expected.indptr.tolist() and indices.tolist() == expected.indices.tolist()
    assert data.tobytes() == expected.data.tobytes()
