"""Structural diagnostics of journey graphs."""

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeys.analysis.diagnostics import (
    bottlenecks,
    cut_vertices,
    dead_ends,
    diagnose,
    most_likely_path,
    unreachable,
    worst_path,
)
from journeys.analysis.flow import FlowError, entries, flow, transition_shares
from journeys.analysis.scoring import weakness_table
from journeys.demo import broadband_demo, ebike_demo
from tests.strategies import journeys
from tests.stress import examples


def test_demo_journeys_have_no_structural_faults():
    """The demo journeys have every touchpoint reachable and no dead ends."""
    for G in (broadband_demo(), ebike_demo()):
        assert unreachable(G) == [] and dead_ends(G) == []


def test_unreachable_and_dead_ends_are_found():
    """A forgotten touchpoint and a dead end that is not an exit are both reported."""
    G = broadband_demo()
    G.add_node("orphan", name="Orphan", stage="use")
    G.add_edge("daily-use", "forum", share=0.1)
    assert unreachable(G) == ["orphan"]
    assert dead_ends(G) == ["orphan", "forum"]


def test_every_customer_passes_the_router_set_up():
    """In the broadband demo the set-up is a bottleneck; the hotline is not (some never call)."""
    passed = bottlenecks(broadband_demo())
    assert "install-router" in passed and "hotline" not in passed
    assert "install-router" in cut_vertices(broadband_demo())


def test_most_likely_path_follows_the_largest_shares():
    """The most likely broadband path goes through the tariff page and ends in a recommendation."""
    path, probability = most_likely_path(broadband_demo())
    assert path == [
        "comparison-portal",
        "tariff-page",
        "online-order",
        "line-activation",
        "router-delivery",
        "install-router",
        "daily-use",
        "recommend",
    ]
    assert probability == pytest.approx(0.7 * 0.6 * 0.6 * 0.35)


def test_worst_path_runs_through_the_hotline_to_cancellation():
    """The path that hurts most in the broadband demo ends with the customer cancelling."""
    G = broadband_demo()
    path, total = worst_path(G, weakness_table(G)["weakness"].to_dict())
    assert path[-3:] == ["hotline", "line-check", "cancel"]
    assert total > 0


def test_worst_path_does_not_go_round_a_loop_twice():
    """Loops are cut where they go back, so the worst path is finite and simple."""
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")])
    path, total = worst_path(G, {"b": 1.0, "c": 1.0})
    assert path == ["a", "b", "c", "d"] and total == 2.0


def test_diagnose_collects_everything():
    """diagnose() returns all diagnostics in one object."""
    result = diagnose(ebike_demo())
    assert result.most_likely_path[0] in {"social-ad", "newspaper"}
    assert result.unreachable == [] and "test-ride" in result.bottlenecks


# --- the diagnostics against networkx's own algorithms, on any journey ---

START, END = ("start",), ("end",)


def with_terminals(G):
    """``G`` with a start before its entries and an end after its exits, as networkx would build it."""
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from(G.edges)
    H.add_edges_from((START, e) for e in entries(G))
    H.add_edges_from((n, END) for n in G if G.out_degree(n) == 0 or G.nodes[n].get("exit"))
    return H


def reference_bottlenecks(G):
    if not G:
        return []
    H = with_terminals(G)
    if END not in H or not nx.has_path(H, START, END):
        return []
    dominators, chain, node = nx.immediate_dominators(H, START), [], END
    while node != START:
        node = dominators[node]
        chain.append(node)
    return [n for n in G if n in chain]


def reference_most_likely_path(G):
    if not G:
        return [], 0.0
    shares, _ = transition_shares(G)
    H = with_terminals(G)
    for u, v in H.edges:
        p = 1.0 if u == START or v == END else shares.get((u, v), 0.0)
        H.edges[u, v]["cost"] = -math.log(p) if p > 0 else math.inf
    try:
        path = nx.dijkstra_path(H, START, END, weight="cost")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return [], 0.0
    return path[1:-1], math.exp(-nx.path_weight(H, path, "cost"))


def reference_worst_path(G, weakness):
    if not G:
        return [], 0.0
    H = with_terminals(G)
    D = H.copy()
    on_stack, back = {START}, []
    for u, v, kind in nx.dfs_labeled_edges(H, START):
        if kind == "forward" and u != v:
            on_stack.add(v)
        elif kind == "reverse" and u != v:
            on_stack.discard(v)
        elif kind == "nontree" and v in on_stack:
            back.append((u, v))
    D.remove_edges_from(back)
    D.remove_nodes_from(set(D) - nx.descendants(D, START) - {START})
    if END not in D:
        return [], 0.0
    best = {START: (0.0, None)}
    for node in nx.topological_sort(D):
        for succ in D.successors(node):
            candidate = best[node][0] + (weakness.get(succ, 0.0) if succ != END else 0.0)
            if succ not in best or candidate > best[succ][0]:
                best[succ] = (candidate, node)
    path, node = [], best[END][1]
    while node not in (None, START):
        path.append(node)
        node = best[node][1]
    return path[::-1], round(best[END][0], 12)


def loopy_journeys():
    """Journeys drawn as a user might wire them (loops, dead ends, islands, ties) and random graphs of shares."""
    shares = st.sampled_from([None, None, 0.5, 0.5, 0.25, 0.3, 0.7, 1.0])
    edges = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), shares), max_size=25)
    flags = st.dictionaries(st.integers(0, 9), st.fixed_dictionaries({"entry": st.booleans(), "exit": st.booleans()}))

    def build(drawn):
        edge_list, node_flags, n = drawn
        G = nx.DiGraph()
        G.add_nodes_from((f"t{i}", node_flags.get(i, {})) for i in range(n))
        for u, v, share in edge_list:
            if u < n and v < n:
                G.add_edge(f"t{u}", f"t{v}", share=share)
        return G

    return st.one_of(journeys(max_touchpoints=15), st.tuples(edges, flags, st.integers(1, 10)).map(build))


@settings(max_examples=examples(300), deadline=None)
@given(G=loopy_journeys(), data=st.data())
def test_the_diagnostics_find_what_networkx_finds(G, data):
    """Bottlenecks, cut vertices, both paths and the unreachable: the same as networkx's algorithms, ties included."""
    weakness = {n: data.draw(st.sampled_from([0.0, 0.1, 0.25, 0.5])) for n in G}
    reached = set().union(*({e} | nx.descendants(G, e) for e in entries(G))) if G else set()
    assert unreachable(G) == [n for n in G if n not in reached]
    assert bottlenecks(G) == reference_bottlenecks(G)
    undirected = G.to_undirected(as_view=True)
    assert cut_vertices(G) == [n for n in G if n in set(nx.articulation_points(undirected))]
    assert most_likely_path(G) == reference_most_likely_path(G)
    assert worst_path(G, weakness) == reference_worst_path(G, weakness)


@settings(max_examples=examples(100), deadline=None)
@given(G=loopy_journeys())
def test_the_weakness_column_gives_the_diagnostics_its_dict_gives(G):
    """Handing diagnose the table's weakness column finds the same worst path as handing it the column's dict."""
    visits = {n: 1.0 for n in G}
    weakness = weakness_table(G, visits=visits)["weakness"] if G else None
    expected = diagnose(G, weakness.to_dict() if G else None)
    assert diagnose(G, weakness) == expected
    if G:
        partial = weakness.iloc[::2]  # touchpoints missing from the column count as 0
        assert diagnose(G, partial) == diagnose(G, partial.to_dict())


@settings(max_examples=examples(100), deadline=None)
@given(G=loopy_journeys(), data=st.data())
def test_diagnose_handed_the_flow_finds_what_it_finds_alone(G, data):
    """Reusing the flow's numbering of the journey changes no diagnostic; a flow of another graph is refused."""
    try:
        result = flow(G)
    except FlowError:
        return
    weakness = {n: data.draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.3 * len(n)])) for n in G}
    assert diagnose(G, weakness, flow=result) == diagnose(G, weakness)
    if G:
        with pytest.raises(ValueError, match="this very graph"):
            diagnose(G.copy(), weakness, flow=result)


FIRST_ANALYSES = """
import sys, threading
from journeys.analysis import diagnostics
from journeys.demo import broadband_demo

assert "scipy.sparse" not in sys.modules, "SciPy is loaded on first use"
G = broadband_demo()
weakness = dict.fromkeys(G, 1.0)
calls = [
    lambda: diagnostics.cut_vertices(G), lambda: diagnostics.unreachable(G), lambda: diagnostics.most_likely_path(G),
    lambda: diagnostics.worst_path(G, weakness), lambda: diagnostics.bottlenecks(G), lambda: diagnostics.dead_ends(G),
]
start, failed = threading.Barrier(12), []

def first_analysis(call):
    start.wait()
    try:
        call()
    except Exception as error:
        failed.append(repr(error))

threads = [threading.Thread(target=first_analysis, args=(calls[i % len(calls)],)) for i in range(12)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(failed or "ok")
"""


@pytest.mark.parametrize("round_", range(4))
def test_sessions_that_run_their_first_analyses_at_once_find_scipy_whole(round_):
    """SciPy is imported on first use: twelve threads of a fresh interpreter running six analyses at the same moment
    (sessions opening Review right after a start) all get their results, none a half-imported module. (Two threads
    importing two of SciPy's modules at once fail that way nearly every time.)"""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parents[2]
    done = subprocess.run([sys.executable, "-c", FIRST_ANALYSES], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
