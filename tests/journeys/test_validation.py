"""A journey's problems are found, each with a code and a place the user can act on."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings

from journeys.demo import broadband_demo
from journeys.i18n import LANGUAGES, MESSAGES
from journeys.io import interchange
from journeys.model import tables, validation
from journeys.model.graph import add_touchpoint, add_transition, unique_key
from journeys.model.validation import MAX_KEY, MAX_TEXT, JourneyInvalid, Problem, check, validate
from tests.strategies import journeys, make_journey
from tests.stress import examples


def problems_of(G: nx.DiGraph) -> set[tuple[str, str]]:
    """The (code, where) pairs validate reports for G."""
    return {(p.code, p.where) for p in validate(G)}


def only_problem(G: nx.DiGraph) -> Problem:
    """The single problem of G; fails when there is none or more than one."""
    problems = validate(G)
    assert len(problems) == 1, problems
    return problems[0]


def test_factory_journey_is_valid():
    """The shared test journey has no problems, so every fault below comes from the test."""
    assert validate(make_journey()) == []


@settings(max_examples=examples(100), deadline=None)
@given(journeys())
def test_generated_journeys_are_valid(G):
    """Every journey the hypothesis strategy draws validates, loops and unicode included."""
    assert validate(G) == []


def test_dangling_transition():
    """A transition to a touchpoint that does not exist names the missing touchpoint."""
    G = make_journey()
    add_transition(G, "tp-1", "ghost")
    problem = only_problem(G)
    assert (problem.code, problem.where) == ("dangling", "touchpoint 'ghost'")
    assert "not defined" in problem.what


@pytest.mark.parametrize("kind", ["stage", "persona"])
def test_duplicate_ids(kind):
    """A stage or persona id used twice is reported once, with how often it is used."""
    G = make_journey()
    items = G.graph[f"{kind}s"]
    items.append(dict(items[0], name="Copy"))
    problem = only_problem(G)
    assert (problem.code, problem.where) == ("duplicate_id", f"{kind} '{items[0]['id']}'")
    assert "2 times" in problem.what


@pytest.mark.parametrize("kind", ["stage", "persona"])
def test_stage_or_persona_without_id(kind):
    """A stage or persona without an id is reported instead of crashing validation."""
    G = make_journey()
    items = G.graph[f"{kind}s"]
    items.append({"name": "Nameless"})
    assert ("missing", f"{kind} #{len(items)}") in problems_of(G)


def test_unknown_stage():
    """A touchpoint in a stage the journey does not have names the stage."""
    G = make_journey()
    G.nodes["tp-2"]["stage"] = "nowhere"
    problem = only_problem(G)
    assert (problem.code, problem.where) == ("unknown_stage", "touchpoint 'tp-2'")
    assert "'nowhere'" in problem.what


def _touchpoint_personas(G):
    G.nodes["tp-2"]["personas"].append("ghost")
    return "touchpoint 'tp-2'"


def _need(G):
    G.nodes["tp-2"]["needs"][0]["persona"] = "ghost"
    return "touchpoint 'tp-2' need #1"


def _pain(G):
    G.nodes["tp-2"]["pains"][0]["persona"] = "ghost"
    return "touchpoint 'tp-2' pain #1"


def _emotion(G):
    G.nodes["tp-2"]["emotions"]["ghost"] = 1
    return "touchpoint 'tp-2'"


@pytest.mark.parametrize("break_it", [_touchpoint_personas, _need, _pain, _emotion])
def test_unknown_persona(break_it):
    """A reference to an undefined persona anywhere in a touchpoint names the persona and the place."""
    G = make_journey()
    where = break_it(G)
    problem = only_problem(G)
    assert (problem.code, problem.where) == ("unknown_persona", where)
    assert "'ghost'" in problem.what


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (lambda G: G.nodes["tp-2"].update(expectation=0), "touchpoint 'tp-2'", "expectation 0 is outside 1..5"),
        (lambda G: G.nodes["tp-2"].update(experience=6), "touchpoint 'tp-2'", "experience 6 is outside 1..5"),
        (lambda G: G.nodes["tp-2"]["emotions"].update({"persona-1": 3}), "touchpoint 'tp-2'", "-2..2"),
        (lambda G: G.nodes["tp-2"]["pains"][0].update(severity=9), "touchpoint 'tp-2' pain #1", "severity 9"),
        (lambda G: G.edges["tp-2", "tp-3"].update(share=1.5), "transition 'tp-2' → 'tp-3'", "share 1.5"),
        (lambda G: G.edges["tp-2", "tp-3"].update(share=-0.1), "transition 'tp-2' → 'tp-3'", "share -0.1"),
    ],
)
def test_score_out_of_range(change, where, words):
    """A score outside its scale is reported with the value, the scale and the place."""
    G = make_journey()
    change(G)
    assert any(p.code == "out_of_range" and p.where == where and words in p.what for p in validate(G)), validate(G)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda G: G.nodes["tp-2"].update(expectation="4"), "touchpoint 'tp-2'"),
        (lambda G: G.nodes["tp-2"].update(experience=True), "touchpoint 'tp-2'"),
        (lambda G: G.nodes["tp-2"].update(experience=3.5), "touchpoint 'tp-2'"),
        (lambda G: G.nodes["tp-2"]["emotions"].update({"persona-1": "happy"}), "touchpoint 'tp-2'"),
        (lambda G: G.nodes["tp-2"]["pains"][0].update(severity="high"), "touchpoint 'tp-2' pain #1"),
        (lambda G: G.nodes["tp-2"]["pains"][0].update(severity=None), "touchpoint 'tp-2' pain #1"),
        (lambda G: G.edges["tp-2", "tp-3"].update(share="half"), "transition 'tp-2' → 'tp-3'"),
        (lambda G: G.edges["tp-2", "tp-3"].update(share=float("nan")), "transition 'tp-2' → 'tp-3'"),
        (lambda G: G.graph["personas"][0].update(value="lots"), "persona 'persona-1'"),
        (lambda G: G.graph["personas"][0].update(value=float("inf")), "persona 'persona-1'"),
    ],
)
def test_non_numeric_score(change, where):
    """A score that is not a (whole, finite) number is reported as such, not as out of range."""
    G = make_journey()
    change(G)
    problem = only_problem(G)
    assert (problem.code, problem.where) == ("not_a_number", where)


def test_shares_above_one():
    """Shares leaving a touchpoint that add up to more than 1 are reported at that touchpoint with the total."""
    G = make_journey()
    G.edges["tp-1", "tp-3"]["share"] = 0.5
    problem = only_problem(G)
    assert (problem.code, problem.where) == ("shares_over_one", "touchpoint 'tp-1'")
    assert "1.2" in problem.what


def test_shares_adding_to_one_with_rounding_are_valid():
    """Shares such as 0.7 + 0.2 + 0.1, which floats add to just past 1, are accepted."""
    G = make_journey()
    G.edges["tp-1", "tp-2"]["share"] = 0.7
    G.edges["tp-1", "tp-3"]["share"] = 0.2
    add_transition(G, "tp-1", "tp-5", share=0.1)
    assert validate(G) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda G: G.nodes["tp-2"].update(name="   "), "touchpoint 'tp-2'"),
        (lambda G: G.graph.update(name=""), "journey"),
        (lambda G: G.graph["stages"][0].update(name=""), "stage 'before'"),
        (lambda G: G.graph["personas"][0].update(name=" "), "persona 'persona-1'"),
        (lambda G: G.nodes["tp-2"]["needs"][0].update(text=""), "touchpoint 'tp-2' need #1"),
    ],
)
def test_empty_name(change, where):
    """A blank name or text is reported as missing at its place."""
    G = make_journey()
    change(G)
    problem = only_problem(G)
    assert (problem.code, problem.where) == ("missing", where)
    assert "empty" in problem.what


@pytest.mark.parametrize(
    ("change", "where", "code"),
    [
        (lambda G: G.nodes["tp-2"].update(name="Hot\x00line"), "touchpoint 'tp-2'", "bad_text"),
        (lambda G: G.graph.update(description="a\x00b"), "journey", "bad_text"),
        (lambda G: G.graph["personas"][0].update(quote="\x00"), "persona 'persona-1'", "bad_text"),
        (lambda G: G.nodes["tp-2"]["needs"][0].update(motivation="\x00"), "touchpoint 'tp-2' need #1", "bad_text"),
        (lambda G: G.edges["tp-2", "tp-3"].update(label="\x00"), "transition 'tp-2' → 'tp-3'", "bad_text"),
        (lambda G: G.nodes["tp-2"].update(description="x" * (MAX_TEXT + 1)), "touchpoint 'tp-2'", "too_long"),
        (lambda G: G.graph["personas"][0].update(goals="x" * (MAX_TEXT + 1)), "persona 'persona-1'", "too_long"),
        (lambda G: G.nodes["tp-2"].update(owner=42), "touchpoint 'tp-2'", "not_text"),
    ],
)
def test_unstorable_text(change, where, code):
    """Text with a NUL character, too long or not text at all is reported, in every text field."""
    G = make_journey()
    change(G)
    problem = only_problem(G)
    assert (problem.code, problem.where) == (code, where)


# every text field of a journey: how to set it on the test journey, and whether it is a long text
TEXT_FIELDS = {
    "journey name": (lambda G, v: G.graph.update(name=v), False),
    "journey id": (lambda G, v: G.graph.update(id=v), False),
    "journey description": (lambda G, v: G.graph.update(description=v), True),
    "stage id": (lambda G, v: G.graph["stages"].append({"id": v, "name": "More"}), False),
    "stage name": (lambda G, v: G.graph["stages"][0].update(name=v), False),
    "persona id": (lambda G, v: G.graph["personas"].append({"id": v, "name": "Paula"}), False),
    "persona name": (lambda G, v: G.graph["personas"][0].update(name=v), False),
    "persona segment": (lambda G, v: G.graph["personas"][0].update(segment=v), False),
    "persona goals": (lambda G, v: G.graph["personas"][0].update(goals=v), True),
    "persona quote": (lambda G, v: G.graph["personas"][0].update(quote=v), True),
    "touchpoint id": (lambda G, v: add_touchpoint(G, v, name="New", stage="before"), False),
    "touchpoint name": (lambda G, v: G.nodes["tp-2"].update(name=v), False),
    "channel": (lambda G, v: G.nodes["tp-2"].update(channel=v), False),
    "owner": (lambda G, v: G.nodes["tp-2"].update(owner=v), False),
    "touchpoint description": (lambda G, v: G.nodes["tp-2"].update(description=v), True),
    "need": (lambda G, v: G.nodes["tp-2"]["needs"][0].update(text=v), True),
    "motivation": (lambda G, v: G.nodes["tp-2"]["needs"][0].update(motivation=v), True),
    "pain point": (lambda G, v: G.nodes["tp-2"]["pains"][0].update(text=v), True),
    "label": (lambda G, v: G.edges["tp-2", "tp-3"].update(label=v), False),
}


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(
    ("value", "message"),
    [("x\x1b[31m", "control"), ("\x07bell", "control"), ("x\x9b", "control"), ("x\x7f", "control"),
     ("x\ud800", "surrogate"), ("\udfffx", "surrogate"), ("x\x00", ""), ("one\rtwo", "control")],
    ids=["escape", "bell", "C1", "DEL", "high surrogate", "low surrogate", "NUL", "CR"],
)  # fmt: skip
def test_control_characters_and_lone_surrogates_are_refused_in_every_text(field, value, message):
    """Terminal escapes, other control characters, NUL and half surrogate pairs are refused in every text field."""
    G = make_journey(personas=1)
    TEXT_FIELDS[field][0](G, value)
    problems = [p for p in validate(G) if p.code == "bad_text"]
    assert [p.message for p in problems] == [message], validate(G)
    shown = problems[0].text("de")
    assert "\x1b" not in shown and "\ud800" not in shown and "\udfff" not in shown  # the message itself is safe
    assert "Steuerzeichen" in shown or "Zeichen" in shown


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_tabs_and_line_breaks_only_in_long_texts(field):
    """A description may hold tabs and line breaks; a name, an id, a channel or a label may not."""
    G = make_journey(personas=1)
    TEXT_FIELDS[field][0](G, "line one\n\tline two")
    long = TEXT_FIELDS[field][1]
    assert [(p.code, p.message) for p in validate(G)] == ([] if long else [("bad_text", "control")])


def test_a_journey_id_longer_than_the_store_holds_is_refused():
    """The journey's own id (kept by the store when free) fits the store's column of 64 characters."""
    G = make_journey()
    G.graph["id"] = "x" * 65
    assert [(p.code, p.where, p.field) for p in validate(G)] == [("too_long", "journey", "id")]


@pytest.mark.parametrize("value", [10**400, -(10**309), 10**5000], ids=["400 digits", "negative", "5001 digits"])
def test_a_persona_value_too_large_for_a_float_is_refused(value):
    """A persona value of 400 digits is a number, but none a float holds: refused, and the message stays short."""
    G = make_journey(personas=1)
    G.graph["personas"][0]["value"] = value
    [problem] = validate(G)
    assert (problem.code, problem.message, problem.field) == ("out_of_range", "float", "value")
    assert len(problem.text("en")) < 100 and "≈1e" in problem.text("de")


@pytest.mark.parametrize("kind", ["touchpoint", "stage", "persona"])
def test_overlong_id(kind):
    """An id longer than the JSON format allows is reported, so every valid journey can be exported."""
    G = make_journey(1, personas=1)
    long_id = "x" * (MAX_KEY + 1)
    if kind == "touchpoint":
        add_touchpoint(G, long_id, name="Long", stage="before")
    else:
        G.graph[f"{kind}s"].append({"id": long_id, "name": "Long"})
    assert ("too_long", f"{kind} '{long_id}'") in problems_of(G)


def test_id_made_from_a_long_name_is_valid():
    """A touchpoint whose id is made from a very long name still validates."""
    G = make_journey(1)
    name = "Kunde ruft an, weil der Router nicht funktioniert " * 20
    add_touchpoint(G, unique_key(name, set(G)), name=name, stage="during")
    assert validate(G) == []


def test_bad_state():
    """A journey state other than as-is / to-be is reported on the journey with the allowed values."""
    G = make_journey()
    G.graph["state"] = "done"
    problem = only_problem(G)
    assert (problem.code, problem.where) == ("unknown_state", "journey")
    assert "'done'" in problem.what
    assert "as-is, to-be" in problem.what


def test_flag_and_vocabulary():
    """A flag that is not true/false and an unknown need kind or evidence are reported."""
    G = make_journey()
    G.nodes["tp-2"]["backstage"] = "yes"
    G.nodes["tp-2"]["needs"][0]["kind"] = "spiritual"
    G.nodes["tp-2"]["pains"][0]["evidence"] = "gut feeling"
    assert problems_of(G) == {
        ("not_a_flag", "touchpoint 'tp-2'"),
        ("unknown_value", "touchpoint 'tp-2' need #1"),
        ("unknown_value", "touchpoint 'tp-2' pain #1"),
    }


def test_all_problems_at_once():
    """A journey with four different faults gets all four reported in one go."""
    G = make_journey()
    G.graph["state"] = "done"
    G.nodes["tp-1"]["stage"] = "nowhere"
    G.nodes["tp-3"]["expectation"] = 9
    add_transition(G, "tp-4", "ghost")
    problems = validate(G)
    assert len(problems) >= 4
    assert {("unknown_state", "journey"), ("unknown_stage", "touchpoint 'tp-1'")} <= problems_of(G)
    assert {("out_of_range", "touchpoint 'tp-3'"), ("dangling", "touchpoint 'ghost'")} <= problems_of(G)


def test_cycles_and_self_loops_are_valid():
    """Journeys loop (use → support → use) and may repeat a touchpoint: neither is a problem."""
    G = make_journey()
    add_transition(G, "tp-3", "tp-3", label="tries again", share=0.1)
    assert not nx.is_directed_acyclic_graph(G)
    assert nx.number_of_selfloops(G) == 1
    assert validate(G) == []


def test_check_returns_a_valid_journey():
    """check() hands a valid journey back unchanged."""
    G = make_journey()
    assert check(G) is G


def test_check_raises_with_every_problem():
    """check() raises JourneyInvalid that carries and prints every problem."""
    G = make_journey()
    G.graph["state"] = "done"
    G.nodes["tp-2"]["stage"] = "nowhere"
    with pytest.raises(JourneyInvalid) as info:
        check(G)
    assert info.value.problems == validate(G)
    assert "2 problem(s)" in str(info.value)
    for problem in info.value.problems:
        assert str(problem) in str(info.value)


# --- problems in the user's language ------------------------------------------


def key_of(problem: Problem) -> str:
    """The translation key of what is wrong: problem.<code>, or problem.<code>.<message>."""
    return f"problem.{problem.code}" + (f".{problem.message}" if problem.message else "")


def codes_in(module) -> set[str]:
    """The problem codes a module's source creates."""
    return set(re.findall(r'Problem(?:\.at)?\(\s*"(\w+)"', Path(module.__file__).read_text("utf-8")))


def assert_in_german(problem: Problem) -> None:
    """The problem reads in German: its sentence and place translated, every value filled in, no key left over."""
    german = problem.text("de")
    assert problem.text("en") == str(problem)
    assert MESSAGES["de"].get(key_of(problem)), f"no German sentence {key_of(problem)}"
    assert problem.what_in("de") != problem.what_in("en"), german
    assert problem.where_in("de") != problem.where_in("en") or problem.subject is None, german
    assert not re.search(r"\{\w*[}!:]|\b(problem|where)\.\w", german), german


BROKEN_JOURNEYS = [
    pytest.param(lambda G: G.nodes["tp-2"].update(name=" "), "problem.missing", id="blank name"),
    pytest.param(lambda G: G.graph["stages"].append({"name": "x"}), "problem.missing", id="stage without id"),
    pytest.param(lambda G: G.graph["personas"].append("x"), "problem.malformed", id="persona not an object"),
    pytest.param(lambda G: G.graph.update(stages="x"), "problem.malformed.lists", id="stages not a list"),
    pytest.param(lambda G: G.nodes["tp-2"].update(needs="x"), "problem.malformed.list", id="needs not a list"),
    pytest.param(lambda G: G.nodes["tp-2"].update(pains=["x"]), "problem.malformed", id="pain not an object"),
    pytest.param(lambda G: G.nodes["tp-2"].update(personas="x"), "problem.malformed.list", id="personas not a list"),
    pytest.param(lambda G: G.nodes["tp-2"].update(emotions=[]), "problem.malformed.emotions", id="emotions"),
    pytest.param(lambda G: G.graph["stages"].append(dict(G.graph["stages"][0])), "problem.duplicate_id", id="dup"),
    pytest.param(lambda G: G.graph.update(state="done"), "problem.unknown_state", id="state"),
    pytest.param(lambda G: G.nodes["tp-2"].update(expectation="4"), "problem.not_a_number", id="score as text"),
    pytest.param(lambda G: G.edges["tp-2", "tp-3"].update(share="half"), "problem.not_a_number.real", id="share"),
    pytest.param(lambda G: G.graph["personas"][0].update(value="lots"), "problem.not_a_number.empty", id="value"),
    pytest.param(
        lambda G: G.nodes["tp-2"]["emotions"].update({"persona-1": "happy"}), "problem.not_a_number", id="emotion"
    ),
    pytest.param(lambda G: G.nodes["tp-2"].update(experience=9), "problem.out_of_range", id="experience"),
    pytest.param(
        lambda G: G.nodes["tp-2"]["emotions"].update({"persona-1": 3}), "problem.out_of_range", id="emotion range"
    ),
    pytest.param(lambda G: G.nodes["tp-2"]["pains"][0].update(severity=9), "problem.out_of_range", id="severity"),
    pytest.param(lambda G: G.edges["tp-2", "tp-3"].update(share=1.5), "problem.out_of_range", id="share range"),
    pytest.param(lambda G: G.nodes["tp-2"].update(owner=42), "problem.not_text", id="not text"),
    pytest.param(lambda G: G.edges["tp-2", "tp-3"].update(label="\x00"), "problem.bad_text", id="NUL"),
    pytest.param(lambda G: G.nodes["tp-2"].update(name="\x1b[31mRed"), "problem.bad_text.control", id="escape code"),
    pytest.param(lambda G: G.graph.update(description="\ud800"), "problem.bad_text.surrogate", id="surrogate"),
    pytest.param(lambda G: G.graph["personas"][0].update(value=10**400), "problem.out_of_range.float", id="huge"),
    pytest.param(
        lambda G: G.nodes["tp-2"]["needs"][0].update(motivation="x" * (MAX_TEXT + 1)), "problem.too_long", id="text"
    ),
    pytest.param(
        lambda G: add_touchpoint(G, "x" * (MAX_KEY + 1), name="Long", stage="before"), "problem.too_long", id="id"
    ),
    pytest.param(lambda G: G.nodes["tp-2"]["needs"][0].update(kind="spiritual"), "problem.unknown_value", id="kind"),
    pytest.param(lambda G: G.nodes["tp-2"]["personas"].append("ghost"), "problem.unknown_persona", id="persona"),
    pytest.param(
        lambda G: G.nodes["tp-2"]["personas"].append(G.nodes["tp-2"]["personas"][0]),
        "problem.duplicate_persona",
        id="persona twice",
    ),
    pytest.param(
        lambda G: G.nodes["tp-2"]["needs"][0].update(persona="ghost"), "problem.unknown_persona", id="need persona"
    ),
    pytest.param(
        lambda G: G.nodes["tp-2"]["emotions"].update({"ghost": 1}), "problem.unknown_persona.emotion", id="feeling"
    ),
    pytest.param(lambda G: G.nodes["tp-2"].update(stage="nowhere"), "problem.unknown_stage", id="stage"),
    pytest.param(lambda G: G.nodes["tp-2"].update(drop_out=True), "problem.drop_out_not_exit", id="drop-out"),
    pytest.param(lambda G: G.nodes["tp-2"].update(backstage="yes"), "problem.not_a_flag", id="flag"),
    pytest.param(lambda G: add_transition(G, "tp-1", "ghost"), "problem.dangling", id="dangling"),
    pytest.param(lambda G: G.edges["tp-1", "tp-3"].update(share=0.5), "problem.shares_over_one", id="shares"),
]

PENDING_ROWS = [
    pytest.param({"from": "tp-1", "to": None}, "problem.incomplete", id="incomplete"),
    pytest.param({"from": "tp-1", "to": "gone"}, "problem.dangling.row", id="unknown end"),
    pytest.param({"from": "tp-1", "to": "tp-2"}, "problem.duplicate_transition.exists", id="exists"),
]


def problems_of_kind(change, key: str) -> list[Problem]:
    """The problems with translation key ``key`` of the test journey after ``change``; fails when there are none."""
    G = make_journey()
    change(G)
    found = [p for p in validate(G) if key_of(p) == key]
    assert found, validate(G)
    return found


@pytest.mark.parametrize(("change", "key"), BROKEN_JOURNEYS)
def test_every_problem_reads_in_german(change, key):
    """Each kind of problem validate() finds is told in German, place and values included."""
    for problem in problems_of_kind(change, key):
        assert_in_german(problem)


@pytest.mark.parametrize(("row", "key"), PENDING_ROWS)
def test_unfinished_transition_rows_read_in_german(row, key):
    """Why a new transition row of the editor is not a transition yet is told in German too."""
    [problem] = tables.incomplete_problems(make_journey(), [row])
    assert key_of(problem) == key
    assert_in_german(problem)


def test_german_problem_names_the_field_and_the_place():
    """A score out of range names the field, the value and the touchpoint in German, as the user reads it."""
    [problem] = problems_of_kind(lambda G: G.nodes["tp-2"].update(experience=9), "problem.out_of_range")
    assert problem.text("de") == "Touchpoint 'tp-2': Erlebnis 9 liegt außerhalb von 1..5"
    assert problem.text("en") == "touchpoint 'tp-2': experience 9 is outside 1..5"


def test_every_code_of_validate_has_a_broken_journey():
    """Each problem code in journeys/model/validation.py is among the broken journeys above, so each is checked in German."""
    assert codes_in(validation) <= {param.values[1].split(".")[1] for param in BROKEN_JOURNEYS}


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_problem_code_has_a_text(lang):
    """Each problem code the sources create has its sentence in every language."""
    codes = codes_in(validation) | codes_in(interchange) | codes_in(tables)
    assert {"out_of_range", "schema", "incomplete"} <= codes  # the search finds them
    assert {code for code in codes if f"problem.{code}" not in MESSAGES[lang]} == set()


def test_problem_without_a_german_text_is_caught(monkeypatch):
    """A sentence missing in German shows in English, and the check above notices."""
    [problem] = problems_of_kind(lambda G: G.nodes["tp-2"].update(experience=9), "problem.out_of_range")
    monkeypatch.delitem(MESSAGES["de"], "problem.out_of_range")
    with pytest.raises(AssertionError):
        assert_in_german(problem)


def test_problem_made_without_its_parts_reads_as_written():
    """A problem made from plain where and what (as older code does) shows them as they are, in any language."""
    problem = Problem("custom", "somewhere", "something is wrong")
    assert problem.text("de") == "somewhere: something is wrong" == str(problem)


def test_a_persona_listed_twice_at_a_touchpoint_is_a_problem_not_a_database_error():
    """The same persona twice in a touchpoint's list is refused by validation, in both languages."""
    G = broadband_demo()
    G.nodes["remote-fix"]["personas"] = ["petra", "petra", "jonas"]
    [problem] = validate(G)
    assert str(problem) == "touchpoint 'remote-fix': persona 'petra' is listed more than once"
    assert "mehr als einmal" in problem.text("de")


def test_only_an_exit_can_be_a_drop_out():
    """Drop-out marks an exit where customers give up; on a touchpoint customers go on from it is refused."""
    G = broadband_demo()
    first = "tariff-page"
    G.nodes[first]["drop_out"] = True
    assert "drop_out_not_exit" in [p.code for p in validate(G)]
    G.nodes[first]["exit"] = True
    assert "drop_out_not_exit" not in [p.code for p in validate(G)]
