"""Structural diagnostics of journey graphs."""

import networkx as nx
import pytest

from journeys.diagnostics import (
    bottlenecks,
    cut_vertices,
    dead_ends,
    diagnose,
    most_likely_path,
    unreachable,
    worst_path,
)
from journeys.scoring import weakness_table
from journeys.templates import broadband_demo, ebike_demo


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
