"""Stage sets and demo journeys give a workshop a realistic start."""

from __future__ import annotations

import networkx as nx
import pytest

from journeys.demo import broadband_demo
from journeys.model.graph import stage_ids
from journeys.model.templates import STAGE_SETS, TEMPLATES, from_template, stages_for
from journeys.model.validation import validate


@pytest.mark.parametrize(
    ("stage_set", "order"),
    [
        ("lifecycle", ["awareness", "consideration", "purchase", "onboarding", "use", "support", "loyalty"]),
        ("experiences", ["communication", "purchase-experience", "use-experience"]),
        ("usage", ["before", "during", "after"]),
    ],
)
def test_stage_sets_in_journey_order(stage_set, order):
    """Each of the three stage sets lists its stages in the order a customer lives them."""
    assert [s["id"] for s in stages_for(stage_set)] == order
    assert all(s["name"].strip() for s in stages_for(stage_set))


def test_exactly_three_stage_sets():
    """The user chooses between the three stage sets the domain describes."""
    assert set(STAGE_SETS) == {"lifecycle", "experiences", "usage"}


def test_unknown_stage_set():
    """Asking for a stage set that does not exist names the ones that do."""
    with pytest.raises(KeyError, match="lifecycle"):
        stages_for("seasons")


@pytest.fixture(params=sorted(TEMPLATES))
def demo(request) -> nx.DiGraph:
    """Each demo journey in turn."""
    return from_template(request.param)


def test_demo_is_valid(demo):
    """A demo journey has no problems."""
    assert validate(demo) == []


def test_demo_has_personas(demo):
    """A demo compares at least two personas, and every touchpoint has someone passing it."""
    assert len(demo.graph["personas"]) >= 2
    assert all(data["personas"] for _, data in demo.nodes(data=True))


def test_demo_branches_and_loops(demo):
    """A demo shows real journeys: a branch, a loop back, entries and exits."""
    assert max(d for _, d in demo.out_degree()) >= 2
    assert not nx.is_directed_acyclic_graph(demo)
    assert any(data["entry"] for _, data in demo.nodes(data=True))
    assert any(data["exit"] for _, data in demo.nodes(data=True))


def test_demo_has_backstage_and_moment_of_truth(demo):
    """A demo has a back-stage touchpoint and a moment of truth to talk about."""
    assert any(data["backstage"] for _, data in demo.nodes(data=True))
    assert any(data["moment_of_truth"] for _, data in demo.nodes(data=True))


def test_demo_exits_reachable_from_every_entry(demo):
    """From every entry a customer can reach some exit, so no part of a demo is a dead end."""
    entries = [n for n, data in demo.nodes(data=True) if data["entry"]]
    exits = {n for n, data in demo.nodes(data=True) if data["exit"]}
    for entry in entries:
        assert exits & nx.descendants(demo, entry), entry


def test_broadband_demo_tells_the_router_story():
    """Router set-up goes wrong, the hotline runs a line check, and the customer is fixed remotely or cancels."""
    G = broadband_demo()
    for u, v in [
        ("install-router", "hotline"),
        ("hotline", "line-check"),
        ("line-check", "remote-fix"),
        ("remote-fix", "daily-use"),
    ]:
        assert G.has_edge(u, v), (u, v)
    assert nx.has_path(G, "hotline", "cancel")
    assert G.nodes["cancel"]["exit"]
    assert G.nodes["line-check"]["backstage"]
    hotline = G.nodes["hotline"]
    assert hotline["moment_of_truth"]
    assert hotline["experience"] < hotline["expectation"]
    assert ["daily-use", "hotline", "line-check", "remote-fix"] in [sorted(c) for c in nx.simple_cycles(G)]


def test_demo_in_german():
    """With lang="de" the stages carry German names and the same ids as in English."""
    english, german = broadband_demo("en"), broadband_demo("de")
    assert stage_ids(german) == stage_ids(english)
    assert [s["name"] for s in german.graph["stages"]][:3] == ["Aufmerksamkeit", "Abwägung", "Kauf"]
    assert [s["name"] for s in stages_for("usage", "de")] == [
        "Vor der Nutzung",
        "Während der Nutzung",
        "Nach der Nutzung",
    ]


def test_blank_template():
    """The blank template is an empty, valid journey with the chosen stage set and name."""
    G = from_template("blank", name="Mein Weg", stage_set="usage")
    assert G.number_of_nodes() == 0
    assert G.graph["name"] == "Mein Weg"
    assert stage_ids(G) == ["before", "during", "after"]
    assert validate(G) == []


def test_blank_template_default_name():
    """Without a name the blank journey is called "Blank journey", in German "Leere Journey"."""
    assert from_template("blank").graph["name"] == "Blank journey"
    assert from_template("blank", lang="de").graph["name"] == "Leere Journey"


def test_demo_renamed():
    """A demo started under a new name keeps its content."""
    G = from_template("broadband", name="Our broadband journey")
    assert G.graph["name"] == "Our broadband journey"
    assert G.number_of_nodes() == broadband_demo().number_of_nodes()


def test_unknown_template():
    """An unknown template raises KeyError naming the templates there are."""
    with pytest.raises(KeyError, match="broadband"):
        from_template("space-travel")
