"""Edits as operations: each one changes what it says, a bad one changes nothing, and undo brings the journey back."""

from __future__ import annotations

import ast
import copy
import math
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeys.demo import broadband_demo
from journeys.i18n import LANGUAGES, MESSAGES
from journeys.model import operations, validation, values
from journeys.model.fields import KINDS, TOUCHPOINT_FIELDS, TRANSITION_FIELDS
from journeys.model.graph import (
    EMOTION_RANGE,
    EVIDENCE,
    NEED_KINDS,
    SEVERITY_RANGE,
    STATES,
    journey_equal,
    touchpoints_in_order,
)
from journeys.model.operations import (
    JOURNEY_FIELDS,
    MAX_OPERATIONS,
    OPERATIONS,
    OperationError,
    apply,
    describe,
    diff,
    step,
)
from journeys.model.validation import validate
from journeys.model.values import CHECKS, EXPECTED, MAX_ITEMS
from tests.strategies import journeys, keys, make_journey, names, texts
from tests.stress import examples


@pytest.fixture
def G() -> nx.DiGraph:
    return broadband_demo()


def stage_of(G: nx.DiGraph, stage: str) -> list[str]:
    """The touchpoints of ``stage`` in the order the map shows them."""
    return [key for key in touchpoints_in_order(G) if G.nodes[key]["stage"] == stage]


def refusal(G: nx.DiGraph, ops) -> OperationError:
    """The error ``ops`` raise on ``G``, after making sure ``G`` is left exactly as it was."""
    before = copy.deepcopy(G)
    with pytest.raises(OperationError) as caught:
        apply(G, ops)
    assert journey_equal(G, before)
    return caught.value


# --- each operation ---


def test_add_fills_in_the_defaults_and_every_persona(G):
    """A new touchpoint has every field at its default, all the journey's personas, and a key made from its name."""
    H = apply(G, [{"op": "add", "name": "Chat with a bot", "stage": "support", "backstage": True}])
    assert "chat-with-a-bot" not in G and G.number_of_nodes() == H.number_of_nodes() - 1
    data = H.nodes["chat-with-a-bot"]
    assert list(data) == [f.name for f in TOUCHPOINT_FIELDS]
    assert (data["name"], data["stage"], data["backstage"], data["personas"]) == (
        "Chat with a bot", "support", True, ["petra", "jonas"],
    )  # fmt: skip
    assert data["needs"] == [] and data["experience"] is None and data["drop_out"] is False
    assert stage_of(H, "support") == ["hotline", "line-check", "remote-fix", "chat-with-a-bot"]
    assert validate(H) == []


def test_add_takes_the_given_key_or_numbers_a_taken_name(G):
    """A key given is kept; a name whose key is taken gets the next free number."""
    H = apply(G, [{"op": "add", "key": "bot", "name": "Bot", "stage": "use"},
                  {"op": "add", "name": "Hotline", "stage": "support"}])  # fmt: skip
    assert {"bot", "hotline-2"} <= set(H) and H.nodes["hotline-2"]["name"] == "Hotline"


def test_add_before_a_touchpoint_places_it_there(G):
    """``before`` puts the new touchpoint just before that one on the map."""
    H = apply(G, [{"op": "add", "key": "bot", "name": "Bot", "stage": "support", "before": "line-check"}])
    assert stage_of(H, "support") == ["hotline", "bot", "line-check", "remote-fix"]
    assert list(H).index("bot") == list(H).index("line-check") - 1


def test_add_to_an_empty_stage_goes_between_its_neighbours(G):
    """The first touchpoint of a new stage comes after the touchpoints of the stages before it."""
    stages = [*G.graph["stages"][:5], {"id": "repair", "name": "Repair"}, *G.graph["stages"][5:]]
    H = apply(G, [{"op": "journey", "field": "stages", "value": stages},
                  {"op": "add", "key": "tech", "name": "Technician visits", "stage": "repair"}])  # fmt: skip
    assert list(H).index("tech") == list(H).index("daily-use") + 1
    assert touchpoints_in_order(H) == list(H)


def test_move_to_another_stage_keeps_the_transitions(G):
    """Moved touchpoints take the stage (and back stage) asked for, keep their order, and keep every transition."""
    H = apply(G, [{"op": "move", "keys": ["remote-fix", "hotline"], "stage": "use", "backstage": True}])
    assert stage_of(H, "use") == ["daily-use", "hotline", "remote-fix"]
    assert [H.nodes[k]["backstage"] for k in ("hotline", "remote-fix")] == [True, True]
    assert dict(((u, v), d) for u, v, d in H.edges(data=True)) == dict(((u, v), d) for u, v, d in G.edges(data=True))
    assert G.nodes["hotline"]["stage"] == "support"


def test_move_before_a_touchpoint_and_keep_the_back_stage(G):
    """``before`` places them; ``backstage`` None leaves each one's lane as it was."""
    H = apply(G, [{"op": "move", "keys": ["remote-fix", "line-check"], "stage": "support", "before": "hotline"}])
    assert stage_of(H, "support") == ["line-check", "remote-fix", "hotline"]
    assert (H.nodes["line-check"]["backstage"], H.nodes["remote-fix"]["backstage"]) == (True, False)


def test_connect_and_disconnect(G):
    """A transition is added with its defaults (a share as a float) and removed again."""
    H = apply(G, [{"op": "connect", "source": "cancel", "target": "hotline", "share": 1, "label": "calls again"},
                  {"op": "connect", "source": "recommend", "target": "recommend"}])  # fmt: skip
    assert H.edges["cancel", "hotline"] == {"label": "calls again", "share": 1.0}
    assert H.edges["recommend", "recommend"] == {"label": "", "share": None}
    assert list(H.edges)[-2:] == [("cancel", "hotline"), ("recommend", "recommend")]
    back = apply(H, [{"op": "disconnect", "source": "cancel", "target": "hotline"},
                     {"op": "disconnect", "source": "recommend", "target": "recommend"}])  # fmt: skip
    assert journey_equal(back, G)


VALUES = {  # a valid value of each kind of field, different from the hotline's
    "text": "Changed",
    "long_text": "Two\nlines",
    "flag": None,  # the opposite of the current value
    "score": 5,
    "number": 0.25,
    "stage": "use",
    "personas": ["jonas"],
    "needs": [{"text": "A human", "motivation": "Trust", "kind": "emotional", "persona": "petra"}],
    "pains": [{"text": "Music on hold", "severity": 2, "evidence": "observation", "persona": None}],
    "emotions": {"jonas": 1},
}


@pytest.mark.parametrize("field", TOUCHPOINT_FIELDS, ids=lambda f: f.name)
def test_set_changes_one_touchpoint_field(G, field):
    """Every touchpoint field can be set; nothing else changes."""
    value = VALUES[field.kind] if field.kind != "flag" else not G.nodes["hotline"][field.name]
    ops = [{"op": "set", "key": "hotline", "field": field.name, "value": value}]
    H = apply(G, ops)
    assert H.nodes["hotline"][field.name] == value
    assert diff(G, H) == ops


@pytest.mark.parametrize(("field", "value"), [("label", "most calls"), ("share", 0.5), ("share", None)])
def test_set_transition_changes_one_field(G, field, value):
    """A transition's label and share can be set; nothing else changes."""
    ops = [{"op": "set_transition", "source": "hotline", "target": "cancel", "field": field, "value": value}]
    H = apply(G, ops)
    assert H.edges["hotline", "cancel"][field] == value
    assert diff(G, H) == ops


def test_whole_numbers_and_shares_are_kept_as_the_journey_keeps_them(G):
    """A score of 4.0 is the score 4; a share of 1 is 1.0; a persona's value of 3 is 3.0."""
    personas = [{**p, "value": 3} for p in G.graph["personas"]]
    H = apply(G, [{"op": "set", "key": "hotline", "field": "experience", "value": 4.0},
                  {"op": "set_transition", "source": "hotline", "target": "cancel", "field": "share", "value": 1},
                  {"op": "journey", "field": "personas", "value": personas}])  # fmt: skip
    assert type(H.nodes["hotline"]["experience"]) is int and H.nodes["hotline"]["experience"] == 4
    assert type(H.edges["hotline", "cancel"]["share"]) is float
    assert H.graph["personas"][0]["value"] == 3.0 and type(H.graph["personas"][0]["value"]) is float


def test_delete_removes_touchpoints_and_their_transitions(G):
    """Deleted touchpoints take every transition in or out with them."""
    H = apply(G, [{"op": "delete", "keys": ["hotline", "cancel"]}])
    assert "hotline" not in H and "cancel" not in H
    assert not any("hotline" in edge or "cancel" in edge for edge in H.edges)
    assert H.number_of_edges() == G.number_of_edges() - 5


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Router trouble"),
        ("description", "Two\nlines"),
        ("state", "to-be"),
        ("stages", [{"id": "before", "name": "Before"}, {"id": "after", "name": "After"}]),
        ("personas", [{"id": "ada", "name": "Ada", "segment": "", "goals": "", "quote": "", "value": None}]),
    ],
)
def test_journey_sets_one_attribute(G, field, value):
    """The journey's name, description, state, stages and personas are operations too (whole lists)."""
    ops = [{"op": "journey", "field": field, "value": value}]
    H = apply(G, ops)
    assert H.graph[field] == value and diff(G, H) == ops


def test_journey_fills_in_a_persona_and_copies_what_it_keeps(G):
    """A persona given with its id and name only gets the other attributes; the op's lists are not the journey's."""
    value = [{"id": "ada", "name": "Ada"}]
    H = apply(G, [{"op": "journey", "field": "personas", "value": value}])
    assert H.graph["personas"] == [{"id": "ada", "name": "Ada", "segment": "", "goals": "", "quote": "", "value": None}]
    value[0]["name"] = "Changed later"
    assert H.graph["personas"][0]["name"] == "Ada"


def test_order_restores_nodes_and_edges_exactly(G):
    """``order`` puts touchpoints and transitions in the order given."""
    nodes, edges = list(G)[::-1], [[u, v] for u, v in list(G.edges)[::-1]]
    H = apply(G, [{"op": "order", "nodes": nodes, "edges": edges}])
    assert list(H) == nodes and [list(e) for e in H.edges] == edges
    assert list(H.nodes(data=True)) == list(G.nodes(data=True))[::-1]


def test_apply_leaves_the_journey_alone(G):
    """The input journey and the operations' values are never shared with the result."""
    before = copy.deepcopy(G)
    needs = [{"text": "A human", "motivation": "", "kind": "emotional", "persona": None}]
    H = apply(G, [{"op": "set", "key": "hotline", "field": "needs", "value": needs}])
    needs[0]["text"] = "changed later"
    H.nodes["line-check"]["pains"].append({"text": "x"})
    H.graph["stages"][0]["name"] = "changed later"
    assert journey_equal(G, before)
    assert H.nodes["hotline"]["needs"][0]["text"] == "A human"


def test_apply_does_not_validate(G, monkeypatch):
    """A draft may be invalid for a while: shares over 1 and an empty name are applied, validation is not asked."""

    def refuse(*args, **kwargs):
        raise AssertionError("apply must not validate")

    monkeypatch.setattr(validation, "validate", refuse)
    monkeypatch.setattr(validation, "check", refuse)
    H = apply(G, [{"op": "set_transition", "source": "hotline", "target": "cancel", "field": "share", "value": 0.9},
                  {"op": "set", "key": "hotline", "field": "name", "value": ""}])  # fmt: skip
    monkeypatch.undo()
    assert {p.code for p in validate(H)} == {"shares_over_one", "missing"}
    for module in (operations, values):  # nor does it import validation to call it by another name
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not [name for name in imported if "journeys.model.validation" in name], module.__name__


def test_every_kind_of_field_has_a_check():
    """A new kind of field (journeys.model.fields) must be taught to the operations too."""
    assert set(CHECKS) == set(KINDS)


# --- refused operations ---

HOTLINE = {"op": "set", "key": "hotline", "field": "experience"}
BAD = [  # operations, their code, and the message in English and German
    ("hotline", "not_a_list", "An edit must be a list of operations, not str",
     "Eine Änderung muss eine Liste von Operationen sein, nicht str"),
    ([["add"]], "not_an_object", "An operation must be an object, not list",
     "Eine Operation muss ein Objekt sein, nicht list"),
    ([{"name": "x"}], "no_op", "An operation must say in ‘op’ what it does",
     "Eine Operation muss in „op“ sagen, was sie tut"),
    ([{"op": "rename"}], "unknown_op", "‘rename’ is not an operation", "„rename“ ist keine Operation"),
    ([{"op": ["add"]}], "unknown_op", "‘['add']’ is not an operation", "„['add']“ ist keine Operation"),
    ([{"op": "add", "stage": "use"}], "missing", "The operation ‘add’ needs ‘name’",
     "Der Operation „add“ fehlt „name“"),
    ([{"op": "delete", "keys": [], "colour": "red"}], "unexpected", "The operation ‘delete’ has no ‘colour’",
     "Die Operation „delete“ hat kein „colour“"),
    ([{**HOTLINE, "value": 9}], "bad_value",
     "‘set’: ‘experience’ must be a whole number from 1 to 5, or null, not 9",
     "„set“: „experience“ muss eine ganze Zahl von 1 bis 5 oder null sein, nicht 9"),
    ([{**HOTLINE, "value": "4"}], "bad_value",
     "‘set’: ‘experience’ must be a whole number from 1 to 5, or null, not '4'",
     "„set“: „experience“ muss eine ganze Zahl von 1 bis 5 oder null sein, nicht '4'"),
    ([{"op": "set", "key": "hotline", "field": "exit", "value": "yes"}], "bad_value",
     "‘set’: ‘exit’ must be true or false, not 'yes'", "„set“: „exit“ muss true oder false sein, nicht 'yes'"),
    ([{"op": "set", "key": "hotline", "field": "owner", "value": None}], "bad_value",
     "‘set’: ‘owner’ must be text, not None", "„set“: „owner“ muss Text sein, nicht None"),
    ([{"op": "connect", "source": "hotline", "target": "daily-use", "share": 1.5}], "bad_value",
     "‘connect’: ‘share’ must be a number from 0 to 1, or null, not 1.5",
     "„connect“: „share“ muss eine Zahl von 0 bis 1 oder null sein, nicht 1.5"),
    ([{"op": "move", "keys": "hotline", "stage": "use"}], "bad_value",
     "‘move’: ‘keys’ must be a list of touchpoint keys, not 'hotline'",
     "„move“: „keys“ muss eine Liste von Touchpoint-Schlüsseln sein, nicht 'hotline'"),
    ([{"op": "journey", "field": "state", "value": "done"}], "bad_value",
     "‘journey’: ‘state’ must be one of as-is, to-be, not 'done'",
     "„journey“: „state“ muss eines von as-is, to-be sein, nicht 'done'"),
    ([{"op": "delete", "keys": ["hotline", "cancel", "hotline"]}], "duplicate",
     "‘delete’: ‘keys’ names ‘hotline’ more than once", "„delete“: „keys“ nennt „hotline“ mehr als einmal"),
    ([{"op": "journey", "field": "stages", "value": [{"id": "a", "name": "A"}] * (MAX_ITEMS + 1)}], "too_many",
     "‘journey’: ‘stages’ holds 10001 items, more than 10000",
     "„journey“: „stages“ hat 10001 Einträge, mehr als 10000"),
    ([{"op": "delete", "keys": []}] * (MAX_OPERATIONS + 1), "too_many_operations",
     "An edit holds 1001 operations, more than 1000", "Eine Änderung enthält 1001 Operationen, mehr als 1000"),
    ([{"op": "delete", "keys": ["ghost"]}], "unknown_touchpoint", "There is no touchpoint ‘ghost’",
     "Es gibt keinen Touchpoint „ghost“"),
    ([{"op": "add", "name": "Bot", "stage": "repair"}], "unknown_stage", "There is no stage ‘repair’",
     "Es gibt keine Phase „repair“"),
    ([{"op": "set", "key": "hotline", "field": "emotions", "value": {"ada": 1}}], "unknown_persona",
     "There is no persona ‘ada’", "Es gibt keine Persona „ada“"),
    ([{"op": "set", "key": "hotline", "field": "colour", "value": "red"}], "unknown_field",
     "‘colour’ is not a field that ‘set’ changes", "„colour“ ist kein Feld, das „set“ ändert"),
    ([{"op": "journey", "field": "id", "value": "abc"}], "unknown_field",
     "‘id’ is not a field that ‘journey’ changes", "„id“ ist kein Feld, das „journey“ ändert"),
    ([{"op": "connect", "source": "hotline", "target": "cancel"}], "transition_exists",
     "‘hotline’ → ‘cancel’ is already a transition", "„hotline“ → „cancel“ ist schon ein Übergang"),
    ([{"op": "disconnect", "source": "cancel", "target": "hotline"}], "no_transition",
     "There is no transition ‘cancel’ → ‘hotline’", "Es gibt keinen Übergang „cancel“ → „hotline“"),
    ([{"op": "add", "key": "hotline", "name": "Hotline", "stage": "support"}], "key_taken",
     "The key ‘hotline’ is already taken", "Der Schlüssel „hotline“ ist schon vergeben"),
    ([{"op": "move", "keys": ["hotline", "cancel"], "stage": "support", "before": "cancel"}], "before_moved",
     "‘cancel’ moves too, so the touchpoints cannot go before it",
     "„cancel“ wird selbst verschoben, die Touchpoints können nicht davor"),
    ([{"op": "order", "nodes": ["hotline"], "edges": []}], "order",
     "‘order’: ‘nodes’ must list each touchpoint (nodes) or transition (edges) of the journey exactly once",
     "„order“: „nodes“ muss jeden Touchpoint (nodes) bzw. jeden Übergang (edges) der Journey genau einmal nennen"),
]  # fmt: skip


@pytest.mark.parametrize(("ops", "code", "english", "german"), BAD, ids=[f"{i}-{b[1]}" for i, b in enumerate(BAD)])
def test_a_bad_operation_is_refused_with_its_reason(G, ops, code, english, german):
    """Each refusal names what is wrong, in English and German, and the journey stays as it was."""
    error = refusal(G, ops)
    assert (error.code, str(error), error.text("en"), error.text("de")) == (code, english, english, german)


def test_every_refusal_is_in_the_tests_and_in_every_language():
    """Each code of a refusal is tried above, and it and each expected kind of value has a text in each language."""
    codes = {b[1] for b in BAD}
    assert {
        key.removeprefix("operation.error.") for key in MESSAGES["en"] if key.startswith("operation.error.")
    } == codes
    for lang in LANGUAGES:
        assert all(f"operation.error.{code}" in MESSAGES[lang] for code in codes)
        assert all(f"operation.expected.{kind}" in MESSAGES[lang] for kind in EXPECTED)


def test_the_first_bad_operation_stops_the_edit(G):
    """All or nothing: the good operations before a bad one are not applied either; the error says which one."""
    error = refusal(G, [{"op": "delete", "keys": ["hotline"]}, {"op": "set", **HOTLINE, "value": 3}])
    assert (error.code, error.index) == ("unknown_touchpoint", 1)


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "connect", "source": "hotline", "target": "daily-use", "share": math.nan}],
        [{"op": "connect", "source": "hotline", "target": "daily-use", "share": math.inf}],
        [{"op": "set_transition", "source": "hotline", "target": "cancel", "field": "share", "value": -math.inf}],
        [{"op": "set_transition", "source": "hotline", "target": "cancel", "field": "share", "value": True}],
        [{"op": "set", **HOTLINE, "value": 10**400}],
        [{"op": "set", **HOTLINE, "value": 2.5}],
        [{"op": "set", **HOTLINE, "value": math.nan}],
        [{"op": "set", "key": "hotline", "field": "emotions", "value": {"petra": math.nan}}],
        [{"op": "journey", "field": "personas", "value": [{"id": "ada", "name": "Ada", "value": math.inf}]}],
        [{"op": "journey", "field": "personas", "value": [{"id": "ada", "name": "Ada", "value": 10**400}]}],
        [{"op": "journey", "field": "personas", "value": [{"id": "ada", "name": "Ada", "admin": True}]}],
        [{"op": "journey", "field": "stages", "value": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}],
        [{"op": "journey", "field": "stages", "value": [{"id": " ", "name": "Blank"}]}],
        [{"op": "set", "key": "hotline", "field": "personas", "value": ["petra"] * 10**6}],
        [{"op": "set", "key": "hotline", "field": "personas", "value": [["petra"]]}],
        [{"op": "set", "key": "hotline", "field": "pains", "value": [{"text": "x", "severity": 2.5}]}],
        [{"op": "set", "key": "hotline", "field": "needs", "value": [{"text": "x", "persona": ["petra"]}]}],
        [{"op": "set", "key": "hotline", "field": "needs", "value": [[[[[[[["deep"]]]]]]]]}],
        [{"op": "set", "key": "hotline", "field": "stage", "value": {"id": "use"}}],
        [{"op": "delete", "keys": ["hotline"] * 10**6}],
        [{"op": "delete", "keys": [f"ghost-{i}" for i in range(10**5)]}],
        [{"op": "delete", "keys": [["hotline"]]}],
        [{"op": "add", "key": "", "name": "Blank", "stage": "use"}],
        [{"op": "add", "name": "Bot", "stage": ["use"]}],
        [{"op": "add", "name": "Bot", "stage": "use", "before": {"key": "hotline"}}],
        [{"op": "move", "keys": ["hotline"], "stage": "use", "backstage": "yes"}],
        [{"op": "order", "nodes": ["hotline"] * 10**6, "edges": []}],
        [{"op": "order", "nodes": [["hotline"]], "edges": []}],
        [{"op": "order", "nodes": None, "edges": []}],
        [{"op": {"nested": "op"}}],
        [{1: "numbers as keys"}],
        [None],
        {"op": "add"},
        None,
        "[]",
    ],
)
def test_hostile_input_is_refused_and_changes_nothing(G, ops):
    """NaN and infinite numbers, huge numbers and lists, deep nesting, wrong types: an OperationError, nothing else."""
    error = refusal(G, ops)
    for lang in LANGUAGES:
        assert "operation." not in error.text(lang) and len(error.text(lang)) < 1000


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts(max_size=10)
    | st.sampled_from(["hotline", "cancel", "use", "petra", "name", "share", "experience", "stages", "personas"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
PARTS = sorted({part for required, optional in OPERATIONS.values() for part in (*required, *optional)})


@st.composite
def hostile_operations(draw) -> dict:
    """An operation that is nearly right: a known op with any of the parts any op has, each holding any JSON."""
    op = {"op": draw(st.sampled_from(list(OPERATIONS)))}
    for part in draw(st.lists(st.sampled_from(PARTS), unique=True, max_size=6)):
        op[part] = draw(JSON)
    return op


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(hostile_operations() | JSON, max_size=3))
def test_any_json_is_applied_or_refused(ops):
    """Whatever arrives, apply returns a journey or raises OperationError with a message, and G stays as it was."""
    G = broadband_demo()
    before = copy.deepcopy(G)
    try:
        apply(G, ops)
    except OperationError as error:
        assert all(error.text(lang) and "operation." not in error.text(lang) for lang in LANGUAGES)
    assert journey_equal(G, before)


# --- diff, step and undo ---


def test_diff_of_equal_journeys_is_empty(G):
    """Nothing differs: no operations, not even an order."""
    assert diff(G, broadband_demo()) == []


def test_diff_gives_an_order_only_when_the_order_differs(G):
    """Moving a touchpoint within its stage changes the order only; the diff is one ``order``."""
    H = apply(G, [{"op": "move", "keys": ["remote-fix"], "stage": "support", "before": "hotline"}])
    ops = diff(G, H)
    assert [op["op"] for op in ops] == ["order"] and ops[0]["nodes"] == list(H)


def test_undo_of_a_delete_brings_back_touchpoints_transitions_and_order(G):
    """Undo of a delete adds the touchpoints with every field, their transitions, and the order they had."""
    after, undo = step(G, [{"op": "delete", "keys": ["hotline", "comparison-portal"]}])
    assert [op["op"] for op in undo if op["op"] not in ("set", "connect")] == ["add", "add", "order"]
    assert journey_equal(apply(after, undo), G)


def test_undo_of_a_big_edit_is_not_limited():
    """Undo of deleting 200 touchpoints holds more operations than the browser may send; trusted, it applies."""
    G = make_journey(200)
    after, undo = step(G, [{"op": "delete", "keys": list(G)}])
    assert len(undo) > MAX_OPERATIONS and refusal(after, undo).code == "too_many_operations"
    assert journey_equal(apply(after, undo, trusted=True), G)


def test_undo_brings_back_an_invalid_draft_as_it_was(G):
    """A draft's invalid value (a score of 2.5) comes back on undo, when the undo is applied as trusted."""
    G.nodes["hotline"]["expectation"] = 2.5
    after, undo = step(G, [{"op": "set", "key": "hotline", "field": "expectation", "value": 3}])
    assert journey_equal(apply(after, undo, trusted=True), G)
    assert refusal(after, undo).code == "bad_value"


@st.composite
def field_values(draw, kind: str, G: nx.DiGraph, bounds=None):
    """A valid value of a field of ``kind`` on journey ``G``."""
    personas = [p["id"] for p in G.graph["personas"]]
    persona = st.sampled_from(personas) if personas else st.nothing()
    strategies = {
        "text": lambda: texts(),
        "long_text": lambda: texts(long=True),
        "flag": st.booleans,
        "score": lambda: st.none() | st.integers(*bounds),
        "number": lambda: st.none() | st.floats(*bounds),
        "stage": lambda: st.sampled_from([s["id"] for s in G.graph["stages"]]),
        "personas": lambda: st.lists(persona, unique=True),
        "needs": lambda: st.lists(st.fixed_dictionaries(
            {"text": names(), "motivation": texts(), "kind": st.sampled_from(NEED_KINDS), "persona": st.none() | persona}
        ), max_size=2),
        "pains": lambda: st.lists(st.fixed_dictionaries(
            {"text": names(), "severity": st.integers(*SEVERITY_RANGE), "evidence": st.sampled_from(EVIDENCE),
             "persona": st.none() | persona}
        ), max_size=2),
        "emotions": lambda: st.dictionaries(persona, st.integers(*EMOTION_RANGE)),
    }  # fmt: skip
    return draw(strategies[kind]())


@st.composite
def journey_values(draw, field: str, G: nx.DiGraph):
    """A valid value of journey attribute ``field``: stages and personas kept, dropped, reordered or new."""
    if field in ("name", "description"):
        return draw(texts())
    if field == "state":
        return draw(st.sampled_from(STATES))
    items = copy.deepcopy(G.graph[field])
    fresh = st.fixed_dictionaries({"id": keys().filter(lambda k: k not in {i["id"] for i in items}), "name": names()})
    items += draw(st.lists(fresh, max_size=2, unique_by=lambda i: i["id"]))
    if not items:  # no personas left, none new
        return []
    return draw(st.lists(st.sampled_from(items), unique_by=lambda i: i["id"], min_size=1 if field == "stages" else 0))


@st.composite
def edits(draw, G: nx.DiGraph, *, max_size: int = 6) -> list[dict]:
    """A list of valid operations on ``G``, each drawn against the journey the ones before it made."""
    ops = []
    for _ in range(draw(st.integers(1, max_size))):
        H = apply(G, ops)
        nodes, edges, stages = list(H), list(H.edges), [s["id"] for s in H.graph["stages"]]
        free = [(u, v) for u in nodes for v in nodes if not H.has_edge(u, v)]
        kinds = ["add", "journey"] + ["move", "set", "delete", "order"] * bool(nodes)
        kinds += ["connect"] * bool(free) + ["disconnect", "set_transition"] * bool(edges)
        kind = draw(st.sampled_from(kinds))
        node = st.sampled_from(nodes) if nodes else st.nothing()
        if kind == "add":
            op = {"op": "add", "key": draw(st.none() | keys().filter(lambda k, taken=set(H): k not in taken)), "name": draw(names()),
                  "stage": draw(st.sampled_from(stages)), "backstage": draw(st.booleans()),
                  "before": draw(st.none() | node)}  # fmt: skip
        elif kind in ("move", "delete"):
            chosen = draw(st.lists(node, min_size=1, max_size=3, unique=True))
            op = {"op": kind, "keys": chosen}
            if kind == "move":
                rest = [k for k in nodes if k not in chosen]
                op |= {"stage": draw(st.sampled_from(stages)), "backstage": draw(st.none() | st.booleans()),
                       "before": draw(st.none() | st.sampled_from(rest)) if rest else None}  # fmt: skip
        elif kind == "set":
            field = draw(st.sampled_from(TOUCHPOINT_FIELDS))
            value = draw(field_values(field.kind, H, field.range))
            op = {"op": "set", "key": draw(node), "field": field.name, "value": value}
        elif kind == "connect":
            source, target = draw(st.sampled_from(free))
            op = {"op": "connect", "source": source, "target": target, "share": draw(st.none() | st.floats(0, 1)),
                  "label": draw(texts())}  # fmt: skip
        elif kind in ("disconnect", "set_transition"):
            source, target = draw(st.sampled_from(edges))
            op = {"op": kind, "source": source, "target": target}
            if kind == "set_transition":
                field = draw(st.sampled_from(TRANSITION_FIELDS))
                op |= {"field": field.name, "value": draw(field_values(field.kind, H, field.range))}
        elif kind == "journey":
            field = draw(st.sampled_from(JOURNEY_FIELDS))
            op = {"op": "journey", "field": field, "value": draw(journey_values(field, H))}
        else:
            op = {"op": "order", "nodes": draw(st.permutations(nodes)), "edges": draw(st.permutations(edges))}
        ops.append(op)
    return ops


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_diff_reproduces_an_edited_journey_and_undo_brings_it_back(data):
    """For random edits of the demo: the diff applied gives the edited journey; undo gives the demo again."""
    G = broadband_demo()
    ops = data.draw(edits(G))
    after, undo = step(G, ops)
    assert journey_equal(after, apply(G, ops))
    assert journey_equal(apply(G, diff(G, after), trusted=True), after)  # the edit may leave a dangling persona
    assert journey_equal(apply(after, undo), G)  # what undo brings back was valid: no need to trust it
    assert diff(after, after) == []
    for lang in LANGUAGES:
        assert len(describe(ops, G, lang)) == len(ops)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(G=journeys(max_touchpoints=8), H=journeys(max_touchpoints=8))
def test_diff_turns_any_journey_into_any_other(G, H):
    """Between two unrelated valid journeys too: the diff, checked like a browser's edit, gives the other one."""
    assert journey_equal(apply(G, diff(G, H)), H, ignore_id=True)


# --- in words ---


def test_describe_says_what_each_operation_did(G):
    """One line per operation, named as people know the touchpoints, in English and German."""
    ops = [
        {"op": "add", "key": "bot", "name": "Chat with a bot", "stage": "support"},
        {"op": "move", "keys": ["bot"], "stage": "use"},
        {"op": "move", "keys": ["hotline", "cancel"], "stage": "use"},
        {"op": "connect", "source": "bot", "target": "hotline"},
        {"op": "disconnect", "source": "hotline", "target": "cancel"},
        {"op": "set", "key": "bot", "field": "name", "value": "Chatbot"},
        {"op": "set", "key": "bot", "field": "experience", "value": 2},
        {"op": "set_transition", "source": "bot", "target": "hotline", "field": "share", "value": 0.5},
        {"op": "delete", "keys": ["bot"]},
        {"op": "delete", "keys": ["hotline", "cancel"]},
        {"op": "journey", "field": "name", "value": "Broadband"},
        {"op": "journey", "field": "stages", "value": G.graph["stages"]},
        {"op": "order", "nodes": [], "edges": []},
    ]
    assert describe(ops, G) == [
        "Added ‘Chat with a bot’",
        "Moved ‘Chat with a bot’ to Use",
        "Moved 2 touchpoints to Use",
        "Connected ‘Chat with a bot’ → ‘Call the hotline’",
        "Disconnected ‘Call the hotline’ → ‘Cancels the contract’",
        "Renamed ‘Chat with a bot’ to ‘Chatbot’",
        "Changed ‘Chatbot’: Experience",
        "Changed ‘Chatbot’ → ‘Call the hotline’: Share",
        "Deleted ‘Chatbot’",
        "Deleted 2 touchpoints",
        "Renamed the journey to ‘Broadband’",
        "Changed the stages",
        "Changed the order of touchpoints and transitions",
    ]
    assert describe(ops, broadband_demo("de"), "de") == [
        "„Chat with a bot“ hinzugefügt",
        "„Chat with a bot“ nach Nutzung verschoben",
        "2 Touchpoints nach Nutzung verschoben",
        "„Chat with a bot“ → „Call the hotline“ verbunden",
        "Verbindung „Call the hotline“ → „Cancels the contract“ gelöst",
        "„Chat with a bot“ in „Chatbot“ umbenannt",
        "„Chatbot“ geändert: Erlebnis",
        "„Chatbot“ → „Call the hotline“ geändert: Anteil",
        "„Chatbot“ gelöscht",
        "2 Touchpoints gelöscht",
        "Journey in „Broadband“ umbenannt",
        "Phasen geändert",
        "Reihenfolge der Touchpoints und Übergänge geändert",
    ]


def test_describe_keeps_user_text_as_it_is(G):
    """A name is not escaped (the page shows it as text), only cut short."""
    name = "<b>Bold</b> & *stars* " + "x" * 100
    line = describe([{"op": "add", "name": name, "stage": "use"}], G)[0]
    assert line.startswith("Added ‘<b>Bold</b> & *stars* x") and line.endswith("…’") and len(line) < 100
