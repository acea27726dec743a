"""Journeys from GraphML (our own export, yEd, Gephi) and from the touchpoint table (CSV); hostile files refused."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeys.demo import broadband_demo, ebike_demo
from journeys.io import interchange
from journeys.io.exports import to_csv, to_graphml
from journeys.io.foreign import MAX_ROWS, from_csv, from_graphml, read_file
from journeys.io.interchange import JourneyFormatError
from journeys.model.graph import journey_equal, touchpoint_attrs
from journeys.model.validation import JourneyInvalid

YED = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml"
 xmlns:yed="http://www.yworks.com/xml/yed/3">
  <key for="node" id="d6" yfiles.type="nodegraphics"/>
  <key for="edge" id="d10" yfiles.type="edgegraphics"/>
  <graph edgedefault="directed" id="G">
    <node id="n0"><data key="d6"><y:ShapeNode><y:Geometry height="30.0" width="30.0" x="0" y="0"/>
      <y:NodeLabel>See the advert</y:NodeLabel></y:ShapeNode></data></node>
    <node id="n1"><data key="d6"><y:ShapeNode><y:NodeLabel>Visit the shop</y:NodeLabel></y:ShapeNode></data></node>
    <node id="n2"><data key="d6"><y:ShapeNode><y:NodeLabel>Order online</y:NodeLabel></y:ShapeNode></data></node>
    <node id="n3"><data key="d6"><y:ShapeNode><y:NodeLabel>Use it</y:NodeLabel></y:ShapeNode></data></node>
    <edge id="e0" source="n0" target="n1"/>
    <edge id="e1" source="n0" target="n2"/>
    <edge id="e2" source="n1" target="n3"/>
    <edge id="e3" source="n2" target="n3"/>
  </graph>
</graphml>"""

GEPHI = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="label"/>
  <key attr.name="stage" attr.type="string" for="node" id="stage"/>
  <key attr.name="weight" attr.type="double" for="edge" id="weight"/>
  <graph edgedefault="directed">
    <node id="1"><data key="label">Compare tariffs</data><data key="stage">Awareness</data></node>
    <node id="2"><data key="label">Call the hotline</data><data key="stage">Support</data></node>
    <node id="3"><data key="label">Cancel</data><data key="stage">Support</data></node>
    <edge source="1" target="2"><data key="weight">1.0</data></edge>
    <edge source="2" target="3"><data key="weight">1.0</data></edge>
    <edge source="2" target="1"><data key="weight">1.0</data></edge>
  </graph>
</graphml>"""


@pytest.mark.parametrize("make", [broadband_demo, ebike_demo], ids=["broadband", "ebike"])
def test_our_graphml_comes_back_as_the_same_journey(make):
    assert journey_equal(from_graphml(to_graphml(make())), make())


def test_a_yed_drawing_becomes_a_journey_with_its_labels_and_arrows():
    G = from_graphml(YED, name="Shop journey")
    assert G.graph["name"] == "Shop journey"
    assert [G.nodes[k]["name"] for k in G] == ["See the advert", "Visit the shop", "Order online", "Use it"]
    assert sorted((G.nodes[u]["name"], G.nodes[v]["name"]) for u, v in G.edges) == [
        ("Order online", "Use it"), ("See the advert", "Order online"), ("See the advert", "Visit the shop"),
        ("Visit the shop", "Use it"),
    ]  # fmt: skip
    assert [k for k in G if G.nodes[k]["entry"]] == ["see-the-advert"] and [k for k in G if G.nodes[k]["exit"]] == [
        "use-it"
    ]
    assert len(G.graph["stages"]) == 1 and {G.nodes[k]["stage"] for k in G} == {G.graph["stages"][0]["id"]}


def test_a_gephi_graph_keeps_its_stages_and_leaves_weights_out():
    G = from_graphml(GEPHI, name="Hotline", lang="de")
    assert [s["name"] for s in G.graph["stages"]] == ["Awareness", "Support"]
    assert {G.nodes[k]["name"]: G.nodes[k]["stage"] for k in G} == {
        "Compare tariffs": "awareness", "Call the hotline": "support", "Cancel": "support"
    }  # fmt: skip
    assert all(d["share"] is None for _, _, d in G.edges(data=True))  # a weight of 1 on two arrows is no share
    assert G.has_edge("call-the-hotline", "compare-tariffs")  # the loop back stays


def test_an_undirected_graph_gets_arrows_both_ways():
    text = GEPHI.replace('edgedefault="directed"', 'edgedefault="undirected"')
    G = from_graphml(text)
    assert G.has_edge("compare-tariffs", "call-the-hotline") and G.has_edge("call-the-hotline", "compare-tariffs")


@pytest.mark.parametrize("make", [broadband_demo, ebike_demo], ids=["broadband", "ebike"])
def test_the_touchpoint_table_comes_back_as_its_touchpoints(make):
    """Everything the table holds of a touchpoint returns; transitions, needs and pain points it does not hold."""
    H = make()
    G = from_csv(to_csv(H), name=H.graph["name"])
    assert list(G) == [k for k in H if k in G] and set(G) == set(H)
    assert [s["id"] for s in G.graph["stages"]] == [s["id"] for s in H.graph["stages"] if any(
        H.nodes[k]["stage"] == s["id"] for k in H
    )]  # fmt: skip
    persona_name = {p["id"]: p["name"] for p in H.graph["personas"]}
    persona_name_here = {p["id"]: p["name"] for p in G.graph["personas"]}
    for key in H:
        was, now = touchpoint_attrs(H.nodes[key]), touchpoint_attrs(G.nodes[key])
        for field in ("name", "stage", "channel", "owner", "description", "backstage", "moment_of_truth", "entry",
                      "exit", "drop_out", "expectation", "experience"):  # fmt: skip
            assert now[field] == was[field], (key, field)
        assert [persona_name_here[p] for p in now["personas"]] == [persona_name[p] for p in was["personas"]]
        assert {persona_name_here[p]: v for p, v in now["emotions"].items()} == {
            persona_name[p]: v for p, v in was["emotions"].items()
        }
    assert G.number_of_edges() == 0


def test_a_cell_a_spreadsheet_would_run_comes_back_as_typed():
    H = broadband_demo()
    H.nodes["hotline"]["owner"] = "=HYPERLINK(1)"
    H.nodes["hotline"]["name"] = "-1 star hotline"
    G = from_csv(to_csv(H))
    assert (G.nodes["hotline"]["owner"], G.nodes["hotline"]["name"]) == ("=HYPERLINK(1)", "-1 star hotline")


GRAPHML_REFUSALS = [
    (b"\xff\xfe<graphml/>", "not_utf8"),
    ("<graphml><graph><node id='a'>", "not_graphml"),
    ("just some text", "not_graphml"),
    (
        "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><graphml>&e;</graphml>",
        "not_graphml",
    ),
]
CSV_REFUSALS = [
    ("", "not_csv"),
    ("name,stage\nHotline,support\n", "csv_column"),
    ("touchpoint,name,stage\n", "not_csv"),
    (b"touchpoint,name,stage\n\xff,x,y\n", "not_utf8"),
]


@pytest.mark.parametrize(("data", "code"), GRAPHML_REFUSALS)
def test_a_file_that_is_no_graphml_is_refused_with_the_reason(data, code):
    with pytest.raises(JourneyFormatError) as caught:
        from_graphml(data)
    assert [p.code for p in caught.value.problems] == [code]
    assert "root:" not in str(caught.value)  # no file of the server read into the message


def refused() -> list:
    """Every problem the refusals above list (for tests/test_translations.py: each is told in both languages)."""
    found = []
    cases = [(from_graphml, data) for data, _ in GRAPHML_REFUSALS] + [(from_csv, data) for data, _ in CSV_REFUSALS]
    cases.append((from_csv, "touchpoint,name,stage\r\n" + "".join(f"t{i},T{i},s\r\n" for i in range(MAX_ROWS + 1))))
    cases.append((lambda data: read_file("journey.docx", data), b"PK"))
    cases.append((lambda data: read_file("journey", data), b"{}"))
    for read, data in cases:
        try:
            read(data)
        except JourneyFormatError as exc:
            found += exc.problems
    return found


def test_a_file_is_read_by_its_ending():
    H = broadband_demo()
    G, sections = read_file("Broadband export.GRAPHML", to_graphml(H))
    assert journey_equal(G, H) and sections == {}
    G, _ = read_file("team table.csv", to_csv(H))
    assert G.graph["name"] == "team table" and set(G) == set(H)
    G, sections = read_file("journey.json", interchange.dumps(H))
    assert journey_equal(G, H)
    with pytest.raises(JourneyFormatError) as caught:
        read_file("journey.docx", b"PK")
    assert [p.code for p in caught.value.problems] == ["file_kind"]
    assert "'.docx'" in caught.value.problems[0].text("en") and ".graphml" in caught.value.problems[0].text("de")


def test_entities_that_grow_a_billion_times_are_refused():
    bomb = (
        "<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'>"
        + "".join(f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>" for i in range(9))
        + "]><graphml><graph><node id='&j;'/></graph></graphml>"
    )
    with pytest.raises(JourneyFormatError):
        from_graphml(bomb)


@pytest.mark.parametrize(("text", "code"), CSV_REFUSALS)
def test_a_table_that_is_no_touchpoint_table_is_refused(text, code):
    with pytest.raises(JourneyFormatError) as caught:
        from_csv(text)
    assert caught.value.problems[0].code == code
    assert caught.value.problems[0].text("de")  # and told in German


def test_a_table_with_a_bad_score_lists_the_problem():
    H = broadband_demo()
    H.nodes["hotline"]["experience"] = 9  # as someone typed it into the exported table
    with pytest.raises(JourneyInvalid) as caught:
        from_csv(to_csv(H))
    assert [(p.code, p.ref, p.field) for p in caught.value.problems] == [("out_of_range", "hotline", "experience")]


def test_too_many_rows_are_refused():
    rows = "".join(f"tp-{i},Touchpoint {i},s\r\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(JourneyFormatError) as caught:
        from_csv("touchpoint,name,stage\r\n" + rows)
    assert caught.value.problems[0].code == "too_many"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_hostile_graphml_and_tables_never_crash(data):
    """Mutated exports, random bytes and text: a journey or a listed refusal, never another exception."""
    kind = data.draw(st.sampled_from(["graphml", "csv"]))
    source = (to_graphml if kind == "graphml" else to_csv)(broadband_demo())
    mutation = data.draw(st.sampled_from(["cut", "replace", "bytes", "text"]))
    if mutation == "cut":
        at = data.draw(st.integers(0, len(source)))
        payload: str | bytes = source[:at]
    elif mutation == "replace":
        at = data.draw(st.integers(0, len(source) - 1))
        payload = source[:at] + data.draw(st.text(max_size=20)) + source[at + data.draw(st.integers(0, 40)) :]
    elif mutation == "bytes":
        payload = data.draw(st.binary(max_size=400))
    else:
        payload = data.draw(st.text(max_size=400))
    read = from_graphml if kind == "graphml" else from_csv
    try:
        G = read(payload)
    except (JourneyFormatError, JourneyInvalid) as exc:
        assert exc.problems and all(p.text("en") and p.text("de") for p in exc.problems)
    else:
        assert isinstance(G, nx.DiGraph)
