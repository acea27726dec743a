"""Three-way merge: two people's changes to one version come together; only real clashes are conflicts."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from journeys.model.graph import add_touchpoint, journey_attrs, touchpoint_attrs, transition_attrs
from journeys.model.merge import MINE, THEIRS, Conflict, merge, value_of
from journeys.model.validation import validate
from tests.strategies import make_journey, texts

N = 12


def content(G: nx.DiGraph) -> tuple:
    """Everything a journey holds, in no order."""
    nodes = {k: touchpoint_attrs(d) for k, d in G.nodes(data=True)}
    edges = {(u, v): transition_attrs(d) for u, v, d in G.edges(data=True)}
    return journey_attrs(G.graph), sorted(nodes.items()), sorted(edges.items())


def three():
    base = make_journey(N)
    return base, base.copy(), base.copy()


def test_changes_to_different_touchpoints_and_fields_all_land():
    base, mine, theirs = three()
    mine.nodes["tp-2"]["experience"] = 1
    mine.nodes["tp-5"]["owner"] = "Mine"
    theirs.nodes["tp-5"]["channel"] = "letter"
    theirs.nodes["tp-7"]["name"] = "Call the hotline"
    result = merge(base, mine, theirs)
    assert result.conflicts == []
    G = result.graph
    assert (G.nodes["tp-2"]["experience"], G.nodes["tp-5"]["owner"], G.nodes["tp-5"]["channel"]) == (
        1,
        "Mine",
        "letter",
    )
    assert G.nodes["tp-7"]["name"] == "Call the hotline"
    assert validate(G) == []


def test_the_same_change_on_both_sides_is_no_conflict():
    base, mine, theirs = three()
    for G in (mine, theirs):
        G.nodes["tp-3"]["owner"] = "Sales"
    result = merge(base, mine, theirs)
    assert result.conflicts == [] and result.graph.nodes["tp-3"]["owner"] == "Sales"


def test_additions_on_both_sides_land_with_their_transitions_in_place():
    base, mine, theirs = three()
    add_touchpoint(mine, "mine-new", name="Chat with a bot", stage="during")
    mine.add_edge("tp-4", "mine-new", label="", share=None)
    add_touchpoint(theirs, "theirs-new", name="Letter", stage="after")
    theirs.add_edge("theirs-new", "tp-9", label="", share=None)
    result = merge(base, mine, theirs)
    assert result.conflicts == []
    G = result.graph
    assert G.nodes["mine-new"]["name"] == "Chat with a bot" and G.nodes["theirs-new"]["name"] == "Letter"
    assert G.has_edge("tp-4", "mine-new") and G.has_edge("theirs-new", "tp-9")
    assert list(G.nodes)[:N] == list(base.nodes)  # the old touchpoints keep their order


def test_a_deletion_nobody_else_touched_lands_and_takes_its_transitions():
    base, mine, theirs = three()
    mine.remove_node("tp-6")
    theirs.nodes["tp-2"]["owner"] = "Theirs"
    result = merge(base, mine, theirs)
    assert result.conflicts == []
    assert "tp-6" not in result.graph and not any("tp-6" in e for e in result.graph.edges)
    assert result.graph.nodes["tp-2"]["owner"] == "Theirs"


def test_the_same_field_changed_differently_is_a_conflict_with_both_values():
    base, mine, theirs = three()
    mine.nodes["tp-4"]["experience"] = 1
    theirs.nodes["tp-4"]["experience"] = 5
    mine.nodes["tp-8"]["owner"] = "Mine"  # merged all the same
    result = merge(base, mine, theirs)
    assert [(c.what, c.key, c.field, c.mine, c.theirs) for c in result.conflicts] == [
        ("touchpoint", "tp-4", "experience", 1, 5)
    ]
    assert result.graph.nodes["tp-8"]["owner"] == "Mine"
    for choice, expected in ((MINE, 1), (THEIRS, 5)):
        chosen = merge(base, mine, theirs, choose={result.conflicts[0].id: choice})
        assert chosen.conflicts == [] and chosen.graph.nodes["tp-4"]["experience"] == expected


def test_an_edit_against_a_deletion_is_a_conflict_either_way_round():
    base, mine, theirs = three()
    mine.nodes["tp-6"]["owner"] = "Mine"
    theirs.remove_node("tp-6")
    [conflict] = merge(base, mine, theirs).conflicts
    assert (conflict.what, conflict.key, conflict.field, conflict.theirs) == ("touchpoint", "tp-6", "", None)
    assert conflict.mine["owner"] == "Mine"
    kept = merge(base, mine, theirs, choose={conflict.id: MINE}).graph
    assert kept.nodes["tp-6"]["owner"] == "Mine"
    assert "tp-6" not in merge(base, mine, theirs, choose={conflict.id: THEIRS}).graph
    [other] = merge(base, theirs, mine).conflicts  # the deletion mine, the edit theirs
    assert other.mine is None and other.theirs["owner"] == "Mine"


def test_a_new_transition_to_a_touchpoint_deleted_on_the_other_side_is_a_conflict():
    base, mine, theirs = three()
    mine.add_edge("tp-2", "tp-9", label="shortcut", share=None)
    theirs.remove_node("tp-9")
    [conflict] = merge(base, mine, theirs).conflicts
    assert (conflict.what, conflict.key, conflict.field) == ("touchpoint", "tp-9", "")


def test_a_transition_changed_on_one_side_and_removed_on_the_other_is_a_conflict():
    base, mine, theirs = three()
    mine.edges["tp-3", "tp-4"]["label"] = "then"
    theirs.remove_edge("tp-3", "tp-4")
    [conflict] = merge(base, mine, theirs).conflicts
    assert (conflict.what, conflict.key, conflict.field, conflict.theirs) == ("transition", ("tp-3", "tp-4"), "", None)


def test_stages_and_personas_merge_by_id():
    base, mine, theirs = three()
    mine.graph["stages"] = [*base.graph["stages"], {"id": "loyal", "name": "Loyalty"}]
    theirs.graph["personas"] = [*base.graph["personas"], {"id": "persona-9", "name": "Student"}]
    theirs.graph["stages"] = [{**s, "name": "Vorher"} if s["id"] == "before" else s for s in base.graph["stages"]]
    G = merge(base, mine, theirs).graph
    assert [s["id"] for s in G.graph["stages"]] == ["before", "during", "after", "loyal"]
    assert G.graph["stages"][0]["name"] == "Vorher"
    assert [p["id"] for p in G.graph["personas"]][-1] == "persona-9"


def test_the_journey_name_changed_on_both_sides_is_a_conflict():
    base, mine, theirs = three()
    mine.graph["name"], theirs.graph["name"] = "Mine", "Theirs"
    [conflict] = merge(base, mine, theirs).conflicts
    assert (conflict.id, conflict.mine, conflict.theirs) == ("journey::name", "Mine", "Theirs")


def reorder(G: nx.DiGraph, order: list[str]) -> nx.DiGraph:
    H = nx.DiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((k, G.nodes[k]) for k in order)
    H.add_edges_from(G.edges(data=True))
    return H


def test_a_move_on_one_side_keeps_the_others_additions():
    base, mine, theirs = three()
    order = list(base.nodes)
    order.insert(1, order.pop(5))  # tp-6 moved to the second place
    moved = reorder(mine, order)
    add_touchpoint(theirs, "theirs-new", name="New", stage="after")
    result = merge(base, moved, theirs)
    assert result.conflicts == []
    assert list(result.graph.nodes) == [*order, "theirs-new"]


def test_moves_on_both_sides_that_disagree_are_one_conflict():
    base, mine, theirs = three()
    keys = list(base.nodes)
    mine = reorder(mine, [keys[1], keys[0], *keys[2:]])
    theirs = reorder(theirs, [*keys[:-2], keys[-1], keys[-2]])
    [conflict] = merge(base, mine, theirs).conflicts
    assert conflict.id == "touchpoint::order"
    assert list(merge(base, mine, theirs, choose={conflict.id: MINE}).graph.nodes) == list(mine.nodes)


def test_value_of_names_what_each_version_holds_there():
    G = make_journey(4)
    assert value_of(G, Conflict("touchpoint", "tp-2", "owner", None, None)) == G.nodes["tp-2"]["owner"]
    assert value_of(G, Conflict("touchpoint", "gone", "owner", None, None)) is None
    assert value_of(G, Conflict("transition", ("tp-1", "tp-2"), "share", None, None)) == 0.7
    assert value_of(G, Conflict("journey", "", "name", None, None)) == G.graph["name"]


# Disjoint changes: whatever the order, merging is applying both.

FIELDS = {
    "owner": texts(max_size=12),
    "name": texts(max_size=12).filter(str.strip),
    "experience": st.integers(1, 5) | st.none(),
    "channel": st.sampled_from(["web", "app", "phone", "letter"]),
    "moment_of_truth": st.booleans(),
    "description": texts(max_size=20, long=True),
}


@st.composite
def side(draw, own: list[str], shared: str, shared_fields: list[str], tag: str):
    """Edits of one side: fields of its own touchpoints and of the shared one (its own fields), a touchpoint
    added after one of its own, a transition between its own relabelled or removed, one of its own removed."""
    edits = []
    for key in own:
        for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=2, unique=True)):
            edits.append(("set", key, name, draw(FIELDS[name])))
    for name in shared_fields:
        edits.append(("set", shared, name, draw(FIELDS[name])))
    if draw(st.booleans()):
        edits.append(("add", f"{tag}-new", draw(st.sampled_from(own)), None))
    if draw(st.booleans()):
        edits.append(("remove", draw(st.sampled_from(own)), None, None))
    if draw(st.booleans()):
        edits.append(("label", draw(st.sampled_from(own)), None, draw(texts(max_size=8))))
    return edits


def apply(G: nx.DiGraph, edits) -> nx.DiGraph:
    G = G.copy()
    for op, key, name, value in edits:
        if op == "add":  # touchpoint ``key`` after touchpoint ``name``
            add_touchpoint(G, key, name=key, stage="during")
            if name in G:
                G.add_edge(name, key, label="", share=None)
        elif key not in G:
            continue
        elif op == "set":
            G.nodes[key][name] = value
        elif op == "remove":
            G.remove_node(key)
        elif op == "label":
            for v in list(G.succ[key]):
                G.edges[key, v]["label"] = value
    return G


@st.composite
def disjoint(draw):
    keys = [f"tp-{i}" for i in range(1, N + 1)]
    order = draw(st.permutations(keys))
    mine_own, theirs_own, shared = order[:4], order[4:8], order[8]
    names = sorted(FIELDS)
    split = draw(st.permutations(names))
    cut = draw(st.integers(0, len(names)))
    mine = draw(side(mine_own, shared, split[:cut][:2], "mine"))
    theirs = draw(side(theirs_own, shared, split[cut:][:2], "theirs"))
    return mine, theirs


def transitions_between(G: nx.DiGraph, keys: set[str]) -> bool:
    return any(u in keys and v in keys for u, v in G.edges)


@settings(max_examples=120, deadline=None)
@given(disjoint())
def test_merging_disjoint_changes_equals_applying_both_in_either_order(changes):
    mine_edits, theirs_edits = changes
    base = make_journey(N)
    # a relabelled transition joins two touchpoints: keep each side's relabels to transitions out of its own
    # touchpoints into touchpoints nobody removes, so that the two sides never touch one transition
    removed = {key for op, key, _, _ in mine_edits + theirs_edits if op == "remove"}
    labelled = {key for op, key, _, _ in mine_edits + theirs_edits if op == "label"}
    for u in labelled:
        for v in base.succ[u]:
            if v in removed or v in labelled:
                return  # the two sides would touch one transition: not disjoint
    mine, theirs = apply(base, mine_edits), apply(base, theirs_edits)
    result = merge(base, mine, theirs)
    assert result.conflicts == []
    both_ways = content(apply(mine, theirs_edits)), content(apply(theirs, mine_edits))
    assert both_ways[0] == both_ways[1]
    assert content(result.graph) == both_ways[0]
    assert content(merge(base, theirs, mine).graph) == both_ways[0]
