"""The JSON format keeps every detail of a journey and refuses anything it cannot import whole."""

from __future__ import annotations

import json

import jsonschema
import networkx as nx
import pytest
from hypothesis import given, settings

from journeys.demo import broadband_demo
from journeys.i18n import MESSAGES
from journeys.io import interchange, sections
from journeys.io.interchange import (
    FORMAT,
    MAX_DEPTH,
    VERSION,
    JourneyFormatError,
    dumps,
    from_document,
    loads,
    schema,
    to_document,
)
from journeys.model import tables
from journeys.model.graph import journey_equal, normalize
from tests.journeys.test_foreign import refused as foreign_refusals
from tests.journeys.test_validation import (
    BROKEN_JOURNEYS,
    PENDING_ROWS,
    assert_in_german,
    codes_in,
    key_of,
    problems_of_kind,
)
from tests.strategies import journeys, make_journey
from tests.stress import examples

PROPERTY = settings(max_examples=examples(100), deadline=None)


def document(G: nx.DiGraph | None = None) -> dict:
    """The exported document of G (the 5-touchpoint test journey by default), as another tool would read it."""
    return json.loads(dumps(make_journey() if G is None else G))


def rejected(source: str | bytes | dict | list) -> JourneyFormatError:
    """The error raised on importing source: text and bytes through loads, parsed JSON through from_document."""
    with pytest.raises(JourneyFormatError) as info:
        if isinstance(source, str | bytes):
            loads(source)
        else:
            from_document(source)
    return info.value


def only(error: JourneyFormatError, code: str, where: str, *words: str) -> None:
    """Assert error holds exactly one problem, with code and where, and that its message shows where and words."""
    assert [(p.code, p.where) for p in error.problems] == [(code, where)], error.problems
    message = str(error)
    assert where in message
    for word in words:
        assert word in message


def strict_json(text: str):
    """Parse text as standard JSON: NaN and Infinity are not JSON."""

    def refuse(name):
        raise ValueError(f"{name} is not standard JSON")

    return json.loads(text, parse_constant=refuse)


# --- nothing is lost ---------------------------------------------------------


@PROPERTY
@given(journeys())
def test_round_trip_is_lossless(G):
    """Importing an exported journey gives back the same journey, in the same order."""
    assert journey_equal(loads(dumps(G)), normalize(G))


@PROPERTY
@given(journeys())
def test_networkx_reads_the_export(G):
    """networkx reads an exported file into the same graph, attributes included."""
    H = nx.node_link_graph(json.loads(dumps(G)), edges="edges")
    N = normalize(G)
    assert H.is_directed()
    assert not H.is_multigraph()
    assert H.graph == N.graph
    assert list(H.nodes(data=True)) == list(N.nodes(data=True))
    assert list(H.edges(data=True)) == list(N.edges(data=True))


@PROPERTY
@given(journeys())
def test_export_matches_the_schema(G):
    """Every exported document is standard JSON and valid against the published JSON Schema."""
    doc = strict_json(dumps(G))
    assert [e.message for e in jsonschema.Draft202012Validator(schema()).iter_errors(doc)] == []


def test_schema_is_a_valid_json_schema():
    """The published schema is itself a valid JSON Schema (draft 2020-12)."""
    jsonschema.Draft202012Validator.check_schema(schema())


def test_demo_round_trip_as_bytes():
    """A demo journey survives export and import as UTF-8 bytes, the way a file upload arrives."""
    G = broadband_demo("de")
    assert journey_equal(loads(dumps(G).encode("utf-8")), normalize(G))


def test_export_header():
    """An export says what it is, which version, when and (if given) by whom it was written."""
    doc = to_document(make_journey(), exported_by="Workshop team")
    assert (doc["format"], doc["version"]) == (FORMAT, 1)  # a journey alone: any workbench that reads 1 reads it
    assert VERSION == 2
    rated = to_document(make_journey(), ratings=[{"touchpoint": "tp-1", "rater": "Ana", "desirable": 4}])
    assert rated["version"] == 2
    assert doc["exported_by"] == "Workshop team"
    assert doc["exported_at"][:2] == "20"


def test_export_keeps_non_ascii_readable():
    """Umlauts and emoji are written as they are, not as \\u escapes, so the file reads well."""
    G = make_journey()
    G.graph["name"] = "Kündigung 🚲"
    assert "Kündigung 🚲" in dumps(G)


def test_export_leaves_out_attributes_outside_the_model():
    """Extra bookkeeping on a graph or transition is not exported, so the file stays importable."""
    G = make_journey()
    G.graph["version"] = 7
    G.edges["tp-1", "tp-2"]["weight"] = 3
    H = loads(dumps(G))
    assert "version" not in H.graph
    assert "weight" not in H.edges["tp-1", "tp-2"]


def test_minimal_document_gets_defaults():
    """Another tool may write only the required fields; the rest is filled with defaults."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "directed": True,
        "multigraph": False,
        "graph": {"name": "From elsewhere", "state": "to-be", "stages": [{"id": "s", "name": "S"}], "personas": []},
        "nodes": [{"id": "a", "name": "A", "stage": "s"}, {"id": "b", "name": "B", "stage": "s"}],
        "edges": [{"source": "a", "target": "b", "share": 1}],
    }
    G = from_document(doc)
    assert G.nodes["a"]["expectation"] is None
    assert G.nodes["a"]["needs"] == []
    assert G.nodes["a"]["backstage"] is False
    assert G.edges["a", "b"] == {"label": "", "share": 1.0}
    assert G.graph["description"] == ""


def test_utf8_with_byte_order_mark_is_accepted():
    """A file saved by an editor that writes a UTF-8 byte order mark imports fine."""
    G = make_journey()
    assert journey_equal(loads(b"\xef\xbb\xbf" + dumps(G).encode("utf-8")), normalize(G))


# --- what is refused, and how it is explained ---------------------------------


def test_not_json():
    """Text that is not JSON is refused with the line and column of the first error."""
    only(rejected('{"format": "journey-workbench",\n  "version": }'), "not_json", "line 2, column 14", "not valid JSON")


def test_not_utf8():
    """A file in another encoding is refused with the byte where decoding failed."""
    text = dumps(make_journey()).replace("Test journey", "Größe")
    error = rejected(text.encode("cp1252"))
    offset = text.encode("cp1252").index("ö".encode("cp1252"))
    only(error, "not_utf8", "file", "UTF-8", f"byte {offset}")


def test_json_list():
    """A JSON list is refused: a journey is an object."""
    only(rejected("[1, 2]"), "not_a_journey", "document", "expected a JSON object, found list")


def test_foreign_format():
    """A JSON object from another tool is refused, naming the format it has."""
    doc = document()
    doc["format"] = "other-tool"
    only(rejected(doc), "foreign_format", "format", "'journey-workbench'", "'other-tool'")


def test_plain_networkx_data_is_foreign():
    """Bare networkx node-link data without the format tag is not taken for a journey."""
    only(rejected(nx.node_link_data(make_journey(), edges="edges")), "foreign_format", "format", "found None")


def test_unknown_version():
    """A file from a newer version is refused, saying which version this workbench reads."""
    doc = document()
    doc["version"] = 3
    only(rejected(doc), "unknown_version", "version", "version 1 or 2", "has 3")


def test_missing_nodes():
    """A document without its touchpoints is refused, naming the missing key."""
    doc = document()
    del doc["nodes"]
    only(rejected(doc), "schema", "document", "'nodes' is a required property")


def test_wrong_type():
    """A severity written as a word is refused, pointing at the touchpoint and the field."""
    doc = document()
    doc["nodes"][1]["pains"][0]["severity"] = "high"
    only(rejected(doc), "schema", "touchpoint #2 'tp-2' pains.0.severity", "'high' is not of type 'integer'")


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (lambda d: d["nodes"][2].update(expectation=6), "touchpoint #3 'tp-3' expectation", "maximum of 5"),
        (
            lambda d: d["nodes"][2]["emotions"].update({"persona-1": -3}),
            "touchpoint #3 'tp-3' emotions.persona-1",
            "-2",
        ),
        (lambda d: d["edges"][0].update(share=1.5), "transition #1 'tp-1' → 'tp-2' share", "maximum of 1"),
    ],
)
def test_out_of_range(change, where, words):
    """A score outside its scale is refused, naming the place and the limit."""
    doc = document()
    change(doc)
    only(rejected(doc), "schema", where, words)


def test_dangling_transition():
    """A transition to a touchpoint that is not in the file is refused, naming the missing end."""
    doc = document()
    doc["edges"].append({"source": "tp-1", "target": "ghost"})
    n = len(doc["edges"])
    only(rejected(doc), "dangling", f"transition #{n} 'tp-1' → 'ghost'", "target 'ghost' is not a touchpoint")


def test_duplicate_touchpoint_id():
    """Two touchpoints with the same id are refused instead of one silently replacing the other."""
    doc = document()
    doc["nodes"].append(dict(doc["nodes"][0], name="Copy"))
    only(rejected(doc), "duplicate_id", "touchpoint 'tp-1'", "more than once")


def test_duplicate_transition():
    """The same transition listed twice is refused instead of one silently replacing the other."""
    doc = document()
    doc["edges"].append(dict(doc["edges"][0], label="again"))
    n = len(doc["edges"])
    only(rejected(doc), "duplicate_transition", f"transition #{n} 'tp-1' → 'tp-2'", "listed twice")


def test_a_persona_listed_twice_at_a_touchpoint():
    """A touchpoint naming the same persona twice is refused at its place, not stored half (it was a database error)."""
    doc = document()
    doc["nodes"][1]["personas"] = ["persona-1", "persona-1", "persona-2"]
    (problem,) = rejected(doc).problems
    assert (problem.code, problem.where) == ("schema", "touchpoint #2 'tp-2' personas")
    assert "non-unique" in problem.what


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(colour="red"), "document"),
        (lambda d: d["graph"].update(colour="red"), "graph"),
        (lambda d: d["graph"]["personas"][0].update(colour="red"), "graph.personas.0"),
        (lambda d: d["nodes"][0].update(colour="red"), "touchpoint #1 'tp-1'"),
        (lambda d: d["nodes"][0]["needs"][0].update(colour="red"), "touchpoint #1 'tp-1' needs.0"),
        (lambda d: d["edges"][0].update(colour="red"), "transition #1 'tp-1' → 'tp-2'"),
    ],
)
def test_unknown_field(change, where):
    """A field the format does not know is refused rather than silently dropped."""
    doc = document()
    change(doc)
    only(rejected(doc), "schema", where, "'colour' was unexpected")


def test_too_deep():
    """A document nested deeper than the limit is refused before it is checked in detail."""
    doc = document()
    nested: list = []
    for _ in range(MAX_DEPTH + 5):
        nested = [nested]
    doc["nodes"][0]["description"] = nested
    only(rejected(doc), "too_deep", "document", f"deeper than {MAX_DEPTH} levels")


def test_too_deep_for_the_parser():
    """Brackets nested far too deep for the JSON parser are refused, not a crash."""
    only(rejected("[" * 200_000 + "]" * 200_000), "too_deep", "document", "deeper than")


@pytest.mark.parametrize("as_bytes", [False, True])
def test_too_large(monkeypatch, as_bytes):
    """A file over the size limit is refused before it is parsed."""
    monkeypatch.setattr(interchange, "MAX_BYTES", 1_000)
    text = dumps(make_journey())
    assert len(text) > 1_000
    only(rejected(text.encode("utf-8") if as_bytes else text), "too_large", "file", "MB limit")


def test_size_limit_counts_bytes_not_characters(monkeypatch):
    """Text within the limit in characters but over it in UTF-8 bytes is refused too."""
    G = make_journey(1)
    G.graph["description"] = "🚲" * 500
    text = dumps(G)
    monkeypatch.setattr(interchange, "MAX_BYTES", len(text) + 100)
    assert len(text.encode("utf-8")) > interchange.MAX_BYTES
    only(rejected(text), "too_large", "file", "MB limit")


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["nodes"][0].update(name="Hot\x00line"), "touchpoint 'tp-1'"),
        (lambda d: d["graph"].update(description="\x00"), "journey"),
        (lambda d: d["graph"]["personas"][0].update(quote="\x00"), "persona 'persona-1'"),
        (lambda d: d["nodes"][0]["needs"][0].update(motivation="\x00"), "touchpoint 'tp-1' need #1"),
    ],
)
def test_nul_character(change, where):
    """A NUL character, which databases cannot store, is refused wherever the text is."""
    doc = document()
    change(doc)
    text = json.dumps(doc)
    assert "\\u0000" in text
    only(rejected(text), "bad_text", where, "NUL character")


def test_several_problems_listed_together():
    """A document with several faults lists every one of them, not just the first."""
    doc = document()
    doc["nodes"][1]["pains"][0]["severity"] = "high"
    doc["nodes"][2]["expectation"] = 6
    doc["edges"][0]["colour"] = "red"
    error = rejected(doc)
    wheres = {p.where for p in error.problems}
    assert {
        "touchpoint #2 'tp-2' pains.0.severity",
        "touchpoint #3 'tp-3' expectation",
        "transition #1 'tp-1' → 'tp-2'",
    } <= wheres
    for where in wheres:
        assert where in str(error)


def test_inconsistent_journey_lists_every_problem():
    """A well-formed file whose content contradicts itself lists every inconsistency."""
    doc = document()
    doc["nodes"][0]["stage"] = "nowhere"
    doc["nodes"][1]["emotions"]["ghost"] = 1
    doc["edges"][0]["share"] = 0.9
    error = rejected(doc)
    assert {(p.code, p.where) for p in error.problems} == {
        ("unknown_stage", "touchpoint 'tp-1'"),
        ("unknown_persona", "touchpoint 'tp-2'"),
        ("shares_over_one", "touchpoint 'tp-1'"),
    }


# --- refusals in the user's language ------------------------------------------


def changed(change) -> dict:
    """The test journey's document after ``change``."""
    doc = document()
    change(doc)
    return doc


def nested(depth: int) -> list:
    """Empty lists nested ``depth`` levels deep."""
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


BROKEN_FILES = [
    pytest.param(lambda: "x" * 600_000, "problem.too_large", id="too large"),
    pytest.param(lambda: "Größe".encode("cp1252"), "problem.not_utf8", id="not UTF-8"),
    pytest.param(lambda: "{not json", "problem.not_json", id="not JSON"),
    pytest.param(lambda: "[" * 200_000 + "]" * 200_000, "problem.too_deep", id="too deep to parse"),
    pytest.param(lambda: [1, 2], "problem.not_a_journey", id="list"),
    pytest.param(lambda: changed(lambda d: d.update(format="other")), "problem.foreign_format", id="format"),
    pytest.param(lambda: changed(lambda d: d.update(version=3)), "problem.unknown_version", id="version"),
    pytest.param(
        lambda: changed(lambda d: d["graph"].update(description=nested(MAX_DEPTH))), "problem.too_deep", id="deep"
    ),
    pytest.param(lambda: changed(lambda d: d.pop("nodes")), "problem.schema", id="schema document"),
    pytest.param(lambda: changed(lambda d: d["graph"].update(colour=1)), "problem.schema", id="schema path"),
    pytest.param(lambda: changed(lambda d: d["nodes"][1].update(experience=9)), "problem.schema", id="schema node"),
    pytest.param(lambda: changed(lambda d: d["nodes"][1].update(id=5)), "problem.schema", id="schema node no id"),
    pytest.param(lambda: changed(lambda d: d["edges"][0].update(share=2)), "problem.schema", id="schema edge"),
    pytest.param(lambda: changed(lambda d: d["edges"].__setitem__(0, 7)), "problem.schema", id="schema no edge"),
    pytest.param(
        lambda: changed(lambda d: d["nodes"].append(dict(d["nodes"][0]))), "problem.duplicate_id.repeated", id="dup"
    ),
    pytest.param(
        lambda: changed(lambda d: d["edges"].append({"source": "tp-1", "target": "ghost"})),
        "problem.dangling.end",
        id="dangling",
    ),
    pytest.param(
        lambda: changed(lambda d: d["edges"].append(dict(d["edges"][0]))), "problem.duplicate_transition", id="twice"
    ),
    pytest.param(lambda: changed(lambda d: d["nodes"][1].update(stage="nowhere")), "problem.unknown_stage", id="stage"),
    pytest.param(lambda: commented(touchpoint="ghost"), "problem.comment_about", id="comment on no touchpoint"),
    pytest.param(lambda: commented(created_at="yesterday"), "problem.comment_time", id="comment time"),
    pytest.param(lambda: commented(text="a\x1bb"), "problem.bad_text.control", id="comment control character"),
    pytest.param(lambda: commented(touchpoint=5), "problem.schema", id="comment schema"),
    pytest.param(lambda: rated(touchpoint="ghost"), "problem.rating_about", id="rating of no touchpoint"),
    pytest.param(lambda: rated(desirable=9), "problem.schema", id="rating schema"),
    pytest.param(lambda: rated(touchpoint=None), "problem.schema", id="rating schema without touchpoint"),
    pytest.param(lambda: rated(updated_at="yesterday"), "problem.comment_time", id="rating time"),
    pytest.param(lambda: rated(twice=True), "problem.listed_twice.rater", id="rater twice"),
    pytest.param(
        lambda: with_idea(targets=[{"touchpoint": "ghost"}]), "problem.idea_about", id="idea on no touchpoint"
    ),
    pytest.param(
        lambda: with_idea(targets=[{"touchpoint": "tp-1"}] * 2), "problem.listed_twice.touchpoint", id="target twice"
    ),
    pytest.param(lambda: with_idea(title=None), "problem.schema", id="idea schema"),
    pytest.param(lambda: with_idea(owner="a\x1bb"), "problem.bad_text.control", id="idea control character"),
    pytest.param(
        lambda: with_survey(measure={"touchpoint": "ghost"}), "problem.survey_about", id="survey of no touchpoint"
    ),
    pytest.param(lambda: with_survey(measure={"mean": 6.5}), "problem.out_of_range", id="mean outside the scale"),
    pytest.param(lambda: with_survey(measure={"n": 40}), "problem.survey_count", id="more answers than responses"),
    pytest.param(lambda: with_survey(surveyed_on="spring"), "problem.not_a_date", id="survey date"),
    pytest.param(lambda: with_survey(name=None), "problem.schema", id="survey schema"),
]


def rated(twice: bool = False, **fields) -> dict:
    """The test journey's document with one rating (two by the same rater with ``twice``), its fields as given."""
    rating = {"touchpoint": "tp-2", "rater": "Ana", "discipline": "design", "desirable": 4, **fields}
    rating = {k: v for k, v in rating.items() if v is not None}
    return changed(lambda d: d.update(version=2, ratings=[rating, dict(rating)] if twice else [rating]))


def with_idea(**fields) -> dict:
    """The test journey's document with one idea, its fields as given."""
    idea = {"title": "Call back", "status": "open", "effort": 2, "targets": [{"touchpoint": "tp-2"}], **fields}
    idea = {k: v for k, v in idea.items() if v is not None}
    return changed(lambda d: d.update(version=2, ideas=[idea]))


def with_survey(measure: dict | None = None, **fields) -> dict:
    """The test journey's document with one survey of 30 responses measuring tp-2 on CSAT, its fields as given."""
    measurement = {"touchpoint": "tp-2", "scale": "csat", "mean": 3.5, "top2": 0.5, "n": 30, **(measure or {})}
    survey = {"name": "Spring", "surveyed_on": "2026-03-01", "responses": 30, "measurements": [measurement], **fields}
    survey = {k: v for k, v in survey.items() if v is not None}
    return changed(lambda d: d.update(version=2, surveys=[survey]))


def commented(**thread) -> dict:
    """The test journey's document with one comment thread (a reply in it), its fields as given."""
    reply = {"author": "Ben", "text": "A reply", "created_at": "2026-03-01T10:00:00+00:00"}
    top = {"touchpoint": "tp-2", "author": "Ana", "text": "Why?", "created_at": "2026-03-01T09:30:00+00:00"}
    return changed(lambda d: d.update(comments=[{**top, "replies": [reply], **thread}]))


def refusals(source, key: str) -> list:
    """The problems with translation key ``key`` of importing ``source``; fails when there are none."""
    found = [p for p in rejected(source).problems if key_of(p) == key]
    assert found, rejected(source).problems
    return found


@pytest.mark.parametrize(("make", "key"), BROKEN_FILES)
def test_every_refusal_reads_in_german(monkeypatch, make, key):
    """Each reason loads() refuses a file for is told in German; jsonschema's own detail may stay English."""
    monkeypatch.setattr(interchange, "MAX_BYTES", 500_000)  # over it only the file made too large
    for problem in refusals(make(), key):
        assert_in_german(problem)


def test_german_refusal_of_a_schema_error():
    """A value the schema refuses is explained in German around jsonschema's English detail, at its place."""
    [problem] = refusals(changed(lambda d: d["nodes"][1].update(experience=9)), "problem.schema")
    assert (
        problem.text("de")
        == "Touchpoint #2 'tp-2' experience: Passt nicht zum Format: 9 is greater than the maximum of 5"
    )


def test_every_code_of_loads_has_a_broken_file():
    """Each problem code in journeys/io/interchange.py is among the broken files above, so each is checked in German."""
    assert codes_in(interchange) | codes_in(sections) <= {param.values[1].split(".")[1] for param in BROKEN_FILES}


def test_every_problem_text_is_used(monkeypatch):
    """Each problem.* sentence is what some broken journey, file or table row gets: none is a leftover or a typo."""
    monkeypatch.setattr(interchange, "MAX_BYTES", 500_000)  # over it only the file made too large
    used = {key_of(p) for param in BROKEN_FILES for p in refusals(param.values[0](), param.values[1])}
    used |= {key_of(p) for param in BROKEN_JOURNEYS for p in problems_of_kind(*param.values)}
    used |= {key_of(p) for param in PENDING_ROWS for p in tables.incomplete_problems(make_journey(), [param.values[0]])}
    used |= {key_of(p) for p in foreign_refusals()}  # GraphML and touchpoint tables (tests/journeys/test_foreign.py)
    assert used == {key for key in MESSAGES["en"] if key.startswith("problem.")}
