"""The journey map's layout: stages left to right, back stage below, nothing on top of each other."""

from __future__ import annotations

import random
from itertools import pairwise

import networkx as nx
import pytest

from journeys.charts.layout import line_of_visibility, loop_edges, main_path, map_layout, stage_spans
from journeys.demo import broadband_demo, ebike_demo
from journeys.model.graph import CHANNELS, add_touchpoint, add_transition, new_journey, stage_ids
from journeys.model.templates import stages_for
from journeys.model.validation import validate

WORDS = ("check", "order", "router", "bill", "call", "app", "shop", "visit", "invoice", "delivery", "contract")


def random_journey(n: int, *, seed: int = 0) -> nx.DiGraph:
    """A valid journey of ``n`` touchpoints over the lifecycle stages, with branches, loops and back stage."""
    rng = random.Random(seed)
    G = new_journey(f"Random journey of {n}", stages=stages_for("lifecycle"), personas=[{"id": "p1", "name": "Pat"}])
    stages = stage_ids(G)
    for i in range(n):
        name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))).capitalize() + f" {i}"
        add_touchpoint(
            G,
            f"tp-{i:03d}",
            name=name,
            stage=stages[i * len(stages) // n],
            channel=rng.choice(CHANNELS),
            backstage=i > 0 and rng.random() < 0.15,
            moment_of_truth=rng.random() < 0.1,
            entry=i == 0,
            emotions={"p1": rng.randint(-2, 2)},
            experience=rng.randint(1, 5),
        )
    keys = list(G)
    edges = {(keys[rng.randint(max(0, i - 4), i - 1)], keys[i]) for i in range(1, n)}  # every touchpoint reachable
    for _ in range(n // 4):  # branches that skip ahead
        a = rng.randrange(n - 1)
        edges.add((keys[a], keys[min(n - 1, a + rng.randint(2, 6))]))
    for _ in range(n // 10):  # loops back
        b = rng.randrange(1, n)
        edges.add((keys[b], keys[max(0, b - rng.randint(1, 8))]))
    for u, v in sorted(edges):
        add_transition(G, u, v)
    for u in keys:
        out = list(G.successors(u))
        weights = [rng.random() + 0.1 for _ in out]
        for v, w in zip(out, weights, strict=True):
            G.edges[u, v]["share"] = round(0.95 * w / sum(weights), 2)
        G.nodes[u]["exit"] = not out
    assert validate(G) == []
    return G


def stage_index(G: nx.DiGraph) -> dict:
    rank = {s: i for i, s in enumerate(stage_ids(G))}
    return {n: rank[G.nodes[n]["stage"]] for n in G}


@pytest.mark.parametrize(
    "G", [broadband_demo(), ebike_demo(), random_journey(60, seed=1), random_journey(200, seed=2)], ids=str
)
def test_stages_run_left_to_right_with_back_stage_below(G):
    pos, stage = map_layout(G), stage_index(G)
    for a in G:
        for b in G:
            if stage[a] < stage[b]:
                assert pos[a][0] < pos[b][0], (a, b)
    back = [pos[n][1] for n in G if G.nodes[n]["backstage"]]
    front = [pos[n][1] for n in G if not G.nodes[n]["backstage"]]
    assert back and max(back) < min(front)
    assert max(back) < line_of_visibility(G, pos) < min(front)


@pytest.mark.parametrize("n, seed", [(60, 1), (60, 3), (200, 2), (200, 4)])
def test_no_two_touchpoints_share_a_place(n, seed):
    pos = map_layout(random_journey(n, seed=seed))
    assert len(pos) == n
    assert len(set(pos.values())) == n


def test_same_journey_same_picture():
    assert map_layout(random_journey(80, seed=5)) == map_layout(random_journey(80, seed=5))


def test_main_path_of_the_broadband_demo():
    path = main_path(broadband_demo())
    assert path[0] == "comparison-portal"
    assert "install-router" in path
    assert path[-1] == "recommend"  # an exit ends the path


def test_main_path_runs_on_one_lane_and_branches_beside_it():
    G = broadband_demo()
    pos = map_layout(G)
    front_main = [n for n in main_path(G) if not G.nodes[n]["backstage"]]
    assert {pos[n][1] for n in front_main} == {0.0}
    assert pos["shop-advice"][1] != 0.0 and pos["hotline"][1] != 0.0


def test_sequential_touchpoints_of_a_stage_get_their_own_sub_columns():
    pos = map_layout(broadband_demo())
    assert pos["line-activation"][0] < pos["router-delivery"][0] < pos["install-router"][0]
    assert pos["hotline"][0] < pos["line-check"][0] < pos["remote-fix"][0]
    assert pos["tariff-page"][0] == pos["shop-advice"][0]  # parallel options share a column


def test_loops_of_the_broadband_demo_lead_back():
    G = broadband_demo()
    loops = loop_edges(G, map_layout(G))
    assert ("remote-fix", "daily-use") in loops or ("daily-use", "hotline") in loops
    assert ("install-router", "daily-use") not in loops


def test_every_cycle_has_a_loop_edge():
    G = random_journey(60, seed=1)
    loops = set(loop_edges(G, map_layout(G)))
    H = G.copy()
    H.remove_edges_from(loops)
    assert loops and nx.is_directed_acyclic_graph(H)


def test_stage_spans_hold_their_touchpoints_in_order():
    G = random_journey(60, seed=1)
    pos = map_layout(G)
    spans = stage_spans(G, pos)
    assert list(spans) == stage_ids(G)
    for n, (x, _) in pos.items():
        x0, x1 = spans[G.nodes[n]["stage"]]
        assert x0 < x < x1
    edges = list(spans.values())
    assert all(a[1] < b[0] for a, b in pairwise(edges))


def test_an_empty_stage_still_gets_a_column():
    G = new_journey("j", stages=stages_for("usage"))
    add_touchpoint(G, "a", name="A", stage="after")
    spans = stage_spans(G, map_layout(G))
    assert list(spans) == ["before", "during", "after"]
    assert spans["before"][1] < spans["during"][0] < spans["during"][1] < spans["after"][0]


def test_journeys_without_entries_or_stages_are_laid_out():
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])  # a pure cycle, no attributes at all
    pos = map_layout(G)
    assert len(set(pos.values())) == 3
    assert main_path(G) == ["a", "b", "c"]
    assert len(loop_edges(G, pos)) == 1
    assert map_layout(nx.DiGraph()) == {} and main_path(nx.DiGraph()) == []
