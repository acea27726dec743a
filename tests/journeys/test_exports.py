"""Exports for other tools: JSON and GraphML read back without loss, CSV for spreadsheets, Mermaid for Markdown."""

import io
import json
import re
import zipfile

import networkx as nx
import pandas as pd
import pytest

from journeys.analysis.scoring import consensus
from journeys.demo import broadband_demo, ebike_demo
from journeys.io import exports, interchange
from journeys.model.graph import add_touchpoint, add_transition, journey_equal, new_journey
from tests.journeys.test_scoring import HOTLINE_RATINGS

DEMOS = [broadband_demo, ebike_demo]


def awkward_journey() -> nx.DiGraph:
    """A journey full of what trips up file formats: separators, unicode, missing scores, a closed loop."""
    G = new_journey(
        "Hotline: round #2; the sequel",
        stages=[{"id": "s1", "name": "Section one: calls"}, {"id": "s2", "name": "Später"}],
        personas=[{"id": "p", "name": "Petra, busy parent", "value": 1200}],
        state="to-be",
        journey_id="awk",
    )
    add_touchpoint(G, "a", name="Title search in the FAQ", stage="s1", experience=2, personas=["p"], entry=True,
                   description="Searches the FAQ\n\tby title; gives up")  # fmt: skip
    add_touchpoint(
        G,
        "b",
        name="Call #1: wait; 50%% hold",
        stage="s2",
        personas=["p"],
        emotions={"p": -2},
        pains=[{"text": "Waits: 20 min", "severity": 5, "persona": "p"}],
        needs=[{"text": "Quick help", "motivation": "kids", "kind": "emotional"}],
        moment_of_truth=True,
    )
    add_touchpoint(G, "c", name="Rückruf", stage="s2", exit=True)
    add_transition(G, "a", "b", label="calls", share=0.5)
    add_transition(G, "b", "a")
    add_transition(G, "a", "c", share=None)
    return G


@pytest.mark.parametrize("make", [*DEMOS, awkward_journey])
def test_json_reads_back_into_an_equal_graph(make):
    """The JSON download imports back into exactly the same journey."""
    G = make()
    assert journey_equal(interchange.loads(exports.data_text(G, "json")), G)


@pytest.mark.parametrize("make", [*DEMOS, awkward_journey])
def test_graphml_reads_back_into_an_equal_graph(make):
    """GraphML keeps every attribute: lists and dicts travel as JSON strings and come back as they were."""
    G = make()
    assert journey_equal(exports.read_graphml(exports.to_graphml(G)), G)


def test_graphml_opens_in_networkx_with_labels_and_numbers():
    """A graph tool sees names as labels, scores as numbers and shares as edge weights."""
    G = broadband_demo()
    H = nx.read_graphml(io.BytesIO(exports.to_graphml(G).encode("utf-8")))
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    assert H.nodes["hotline"]["label"] == "Call the hotline"
    assert H.nodes["install-router"]["experience"] == 2
    assert H.nodes["hotline"]["moment_of_truth"] is True
    share = G.edges["install-router", "hotline"]["share"]
    assert H.edges["install-router", "hotline"]["weight"] == pytest.approx(share)
    assert [s["id"] for s in json.loads(H.graph["stages"])] == [s["id"] for s in G.graph["stages"]]


def test_csv_has_one_row_per_touchpoint_with_all_scores():
    """The CSV opens in pandas with the documented columns, one row per touchpoint in journey order."""
    G = broadband_demo()
    scores = consensus(HOTLINE_RATINGS)
    frame = pd.read_csv(io.StringIO(exports.to_csv(G, scores)))
    assert list(frame.columns) == [*exports.CSV_COLUMNS, "emotion_petra", "emotion_jonas"]
    assert len(frame) == G.number_of_nodes()
    assert list(frame["touchpoint"]) == list(exports.touchpoint_frame(G)["touchpoint"])
    hotline = frame.set_index("touchpoint").loc["hotline"]
    assert hotline["desirable"] == scores["hotline"]["desirable"]["median"]
    assert hotline["desirable_raters"] == len(HOTLINE_RATINGS)
    assert hotline["stage_name"] == "Support" and bool(hotline["moment_of_truth"])
    assert hotline["weakness"] > 0 and hotline["why"] in ("dvf", "gap", "pain", "emotion")
    router = frame.set_index("touchpoint").loc["install-router"]
    assert (router["expectation"], router["experience"], router["gap"], router["pain"]) == (4, 2, -2, 5)


def test_csv_of_a_journey_with_a_closed_loop():
    """A loop customers cannot leave does not stop the export: each touchpoint then counts once."""
    G = awkward_journey()
    G.nodes["c"]["exit"] = False
    G.add_edge("c", "a", label="", share=1.0)
    G.edges["a", "b"]["share"], G.edges["a", "c"]["share"], G.edges["b", "a"]["share"] = 0.5, 0.5, 1.0
    frame = pd.read_csv(io.StringIO(exports.to_csv(G)))
    assert list(frame["flow"]) == [1.0, 1.0, 1.0]


ENTITY = re.compile(r"#(\w+);")


def parse_mermaid(text: str) -> tuple[str, list[tuple[str, list[tuple[str, int, list[str]]]]]]:
    """Read a journey diagram the way Mermaid does: entity codes first, then its lexer's rules, in its order."""
    lines = text.splitlines()
    assert lines[0] == "journey"
    title, sections = "", []

    def decode(part: str) -> str:
        return re.sub("\0(\\d+)\1", lambda m: chr(int(m[1])), part).strip()

    for raw in lines[1:]:
        line = ENTITY.sub(lambda m: f"\0{m[1]}\1", raw.strip())  # Mermaid's encodeEntities: no # : ; left
        if found := re.fullmatch(r"title\s([^#\n;]+)", line, re.IGNORECASE):
            title = decode(found[1])
        elif found := re.fullmatch(r"section\s([^#:\n;]+)", line, re.IGNORECASE):
            sections.append((decode(found[1]), []))
        else:
            found = re.fullmatch(r"([^#:\n;]+)(:[^#\n;]+)", line)
            assert found, f"Mermaid cannot read {raw!r}"
            score, *actors = found[2][1:].split(":")
            people = [decode(a) for a in actors[0].split(",")] if actors else []
            sections[-1][1].append((decode(found[1]), int(score), people))
    return title, sections


def test_mermaid_has_one_section_per_stage_and_one_task_per_touchpoint():
    """Sections follow the stages in order; every touchpoint is a task with a score 1–5 and its personas."""
    G = broadband_demo()
    title, sections = parse_mermaid(exports.to_mermaid(G))
    assert title == "Broadband: router set-up and the hotline (as-is)"
    assert [name for name, _ in sections] == [s["name"] for s in G.graph["stages"]]
    tasks = [task for _, tasks in sections for task in tasks]
    assert [name for name, _, _ in tasks] == [G.nodes[k]["name"] for k in exports.touchpoint_frame(G)["touchpoint"]]
    assert ("Set up the router", 2, ["Petra, busy parent", "Jonas, home-office worker"]) in tasks
    assert all(1 <= score <= 5 for _, score, _ in tasks)


def test_mermaid_score_is_experience_else_consensus_else_three():
    """A task's score is the experience, else the rounded DVF consensus, else a neutral 3."""
    G = new_journey("j", stages=[{"id": "s", "name": "S"}])
    add_touchpoint(G, "lived", name="Lived", stage="s", experience=1)
    add_touchpoint(G, "rated", name="Rated", stage="s")
    add_touchpoint(G, "unknown", name="Unknown", stage="s")
    scores = {"rated": {"desirable": {"median": 4}, "viable": {"median": 5}}, "lived": {"desirable": {"median": 5}}}
    _, sections = parse_mermaid(exports.to_mermaid(G, scores))
    assert sections == [("S", [("Lived", 1, []), ("Rated", 5, []), ("Unknown", 3, [])])]


def test_mermaid_keeps_names_that_look_like_syntax():
    """Colons, hashes, semicolons, commas, newlines and keywords in names come out of Mermaid as they went in."""
    G = awkward_journey()
    G.nodes["c"]["stage"] = "gone"  # left behind when its stage was deleted
    G.nodes["a"]["name"] = "Title search\nin the FAQ"  # validation refuses it now; a name stored before may hold it
    title, sections = parse_mermaid(exports.to_mermaid(G))
    assert title == "Hotline: round #2; the sequel (to-be)"
    assert [name for name, _ in sections] == ["Section one: calls", "Später", "Without a stage"]
    assert sections[0][1] == [("Title search in the FAQ", 2, ["Petra, busy parent"])]
    assert sections[1][1] == [("Call #1: wait; 50%% hold", 3, ["Petra, busy parent"])]
    assert sections[2][1] == [("Rückruf", 3, [])]


def parse_flowchart(text: str) -> dict:
    """Read a Mermaid flowchart as :func:`exports.to_flowchart` writes it, line by line; every line must be one of
    its forms, so a name that breaks out of its quotes fails here. Labels come back with their entity codes read."""
    lines = text.splitlines()
    assert lines[:1] == ["---"] and lines[2:4] == ["---", "flowchart LR"], lines[:4]
    assert lines[1].startswith("title: ")
    found = {"title": json.loads(lines[1].removeprefix("title: ")), "stages": [], "nodes": {}, "edges": {}}
    classes: dict[str, set[str]] = {}

    def read(label: str) -> str:
        assert '"' not in label and "<" not in label and "`" not in label, label
        return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), label)

    for line in lines[4:]:
        if group := re.fullmatch(r'    subgraph s\d+\["([^"]*)"\]', line):
            found["stages"].append((read(group[1]), []))
        elif node := re.fullmatch(r'        (t\d+)(\(\[|\[/|\[)"([^"]*)"(\]\)|/\]|\])', node_line := line):
            shape = {"([": "entry", "[/": "exit", "[": "box"}[node[2]]
            assert node[4] == {"entry": "])", "exit": "/]", "box": "]"}[shape], node_line
            found["nodes"][node[1]] = (read(node[3]), shape)
            found["stages"][-1][1].append(node[1])
        elif edge := re.fullmatch(r'    (t\d+) (-->|-\.->)(?:\|"(\d+) %"\|)? (t\d+)', line):
            found["edges"][edge[1], edge[4]] = (edge[2] == "-.->", int(edge[3]) if edge[3] else None)
        elif marked := re.fullmatch(r"    class ([t\d,]+) (truth|backstage)", line):
            classes[marked[2]] = set(marked[1].split(","))
        else:
            assert line in (
                "    end",
                "    classDef truth stroke-width:4px",
                "    classDef backstage stroke-dasharray:4 3",
            ), line
    found["classes"] = classes
    return found


def test_flowchart_keeps_the_branches_shares_and_loop_of_the_broadband_journey():
    """Stages as groups in order, every touchpoint once, every transition with its share, the loop back dashed,
    entries rounded and drop-outs slanted, moments of truth starred and marked, back stage dotted."""
    G = broadband_demo()
    chart = parse_flowchart(exports.to_flowchart(G))
    assert chart["title"] == "Broadband: router set-up and the hotline (as-is)"
    assert [name for name, _ in chart["stages"]] == [s["name"] for s in G.graph["stages"]]
    key = {node: k for node, k in zip(chart["nodes"], exports.touchpoint_frame(G)["touchpoint"], strict=True)}
    for node, (label, shape) in chart["nodes"].items():
        data = G.nodes[key[node]]
        assert label == ("★ " if data.get("moment_of_truth") else "") + data["name"]
        assert shape == ("entry" if data.get("entry") else "exit" if data.get("exit") else "box")
    assert {(key[u], key[v]) for u, v in chart["edges"]} == set(G.edges)
    for (u, v), (dashed, share) in chart["edges"].items():
        expected = G.edges[key[u], key[v]].get("share")
        assert share == (None if expected is None else round(expected * 100))
        assert dashed == ((key[u], key[v]) == ("remote-fix", "daily-use"))  # the one transition leading back
    assert {key[n] for n in chart["classes"].get("truth", ())} == {k for k in G if G.nodes[k].get("moment_of_truth")}
    assert {key[n] for n in chart["classes"].get("backstage", ())} == {k for k in G if G.nodes[k].get("backstage")}
    assert any(share is not None and share < 100 for _, share in chart["edges"].values())  # a branch, with shares


def test_flowchart_keeps_names_that_look_like_syntax():
    """Quotes, brackets, arrows, HTML, back ticks, hashes, comments and keywords in names stay text in their box."""
    G = awkward_journey()
    G.nodes["c"]["stage"] = "gone"  # left behind when its stage was deleted
    hostile = 'end"] --> x[<img src=x onerror=alert(1)> `**b**` #1; %% subgraph'
    G.nodes["a"]["name"] = hostile
    G.graph["name"] = 'A "quoted" name\\ with a back slash'
    chart = parse_flowchart(exports.to_flowchart(G))
    assert chart["title"] == 'A "quoted" name\\ with a back slash (to-be)'
    assert [name for name, _ in chart["stages"]] == ["Section one: calls", "Später", "Without a stage"]
    assert [label for label, _ in chart["nodes"].values()] == [hostile, "★ Call #1: wait; 50%% hold", "Rückruf"]


def test_data_files_zip_into_one_folder():
    """The pack holds each data format under the journey's name, inside one folder."""
    G = ebike_demo()
    files = exports.data_files(G)
    stem = exports.file_stem(G)
    assert sorted(files) == sorted(f"{stem}{ext}" for ext in (".json", ".csv", ".graphml", ".mmd", "-flowchart.mmd"))
    with zipfile.ZipFile(io.BytesIO(exports.zip_files(files, folder=stem))) as archive:
        assert sorted(archive.namelist()) == sorted(f"{stem}/{name}" for name in files)
        assert journey_equal(interchange.loads(archive.read(f"{stem}/{stem}.json")), G)


def test_figure_files_are_named_after_what_they_show():
    """A journey's figures carry its name; the portfolio, which spans all journeys, its own name and the date."""
    from datetime import date

    stem = exports.file_stem(ebike_demo())
    assert exports.figure_file(stem, "heatmap", "png") == f"{stem}-heatmap.png"
    assert exports.figure_file(stem, "portfolio", "png") == f"portfolio-{date.today():%Y-%m-%d}.png"
    assert stem not in exports.figure_file(stem, "portfolio", "svg")
