"""Journeys from GraphML and from a touchpoint table (CSV): the workbench's own exports, and graphs from yEd or Gephi.

:func:`from_graphml` reads the GraphML the workbench writes (:func:`journeys.io.exports.to_graphml`)
back into the same journey, and any other directed graph as a journey to finish on the map: a node
is a touchpoint named by its ``name`` or ``label`` attribute (yEd's node labels, Gephi's labels),
in the stage its ``stage`` attribute names (one stage for all where no node has one); an edge is
a transition, with its ``share`` where it has one (a Gephi ``weight`` is no share and is left
out). Nodes nobody leads to are entries, nodes that lead nowhere exits.

:func:`from_csv` reads the touchpoint table the workbench writes (:func:`journeys.io.exports.to_csv`):
one touchpoint per row with its stage, channel, owner, flags, personas, expectation, experience
and emotions; the computed columns are left out, and so are transitions, which the table does
not hold.

Both refuse what they cannot read with :class:`journeys.io.interchange.JourneyFormatError`,
listing every problem, and check the journey they make like any import
(:func:`journeys.model.validation.check`).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ElementTree
from pathlib import PurePath

import networkx as nx

from journeys.i18n import t
from journeys.io import interchange
from journeys.io.exports import read_graphml
from journeys.io.interchange import MAX_BYTES, JourneyFormatError
from journeys.model.graph import CHANNELS, add_touchpoint, add_transition, new_journey, unique_key
from journeys.model.validation import Problem, check

__all__ = ["KINDS", "MAX_ROWS", "from_csv", "from_graphml", "read_file"]

MAX_ROWS = 5_000  # touchpoints in one file: a journey, not a database
KINDS = {".json": "json", ".graphml": "graphml", ".xml": "graphml", ".csv": "csv"}
"""The file name endings an import takes, and what each is read as."""
_FORMULA_GUARD = ("'=", "'+", "'-", "'@", "'\t", "'\r")  # what spreadsheet_safe put a ' in front of


def _text(data: str | bytes, kind: str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise JourneyFormatError(
            [Problem.at("too_large", "file", size=len(raw) / 2**20, limit=MAX_BYTES / 2**20)]
        )  # fmt: skip
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JourneyFormatError([Problem.at("not_utf8", "file", message=kind, byte=exc.start)]) from None


def _checked(G: nx.DiGraph) -> nx.DiGraph:
    check(G)  # JourneyInvalid lists every problem
    return G


def from_graphml(data: str | bytes, *, name: str = "", lang: str = "en") -> nx.DiGraph:
    """Return the journey in GraphML ``data``; ``name`` names a graph that has no name of its own.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from journeys.io.exports import to_graphml
    >>> from journeys.model.graph import journey_equal
    >>> journey_equal(from_graphml(to_graphml(broadband_demo())), broadband_demo())
    True
    >>> G = from_graphml('''<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
    ...   <key id="l" for="node" attr.name="label" attr.type="string"/>
    ...   <graph edgedefault="directed">
    ...     <node id="n0"><data key="l">Visit the shop</data></node>
    ...     <node id="n1"><data key="l">Buy</data></node>
    ...     <edge source="n0" target="n1"/>
    ...   </graph></graphml>''', name="Shop")
    >>> [G.nodes[k]["name"] for k in G], list(G.edges), G.nodes["visit-the-shop"]["entry"]
    (['Visit the shop', 'Buy'], [('visit-the-shop', 'buy')], True)
    """
    text = _text(data, "graphml")
    try:
        raw = nx.read_graphml(io.StringIO(text), node_type=str)
    except (ElementTree.ParseError, nx.NetworkXError, ValueError, KeyError, TypeError) as exc:
        raise JourneyFormatError([Problem.at("not_graphml", "file", detail=str(exc)[:200])]) from None
    if raw.number_of_nodes() > MAX_ROWS:
        raise JourneyFormatError([Problem.at("too_many", "file", n=raw.number_of_nodes(), max=MAX_ROWS)])
    if "stages" in raw.graph:  # the workbench's own: every attribute as it wrote it
        try:
            return _checked(read_graphml(text.encode("utf-8")))
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            if isinstance(exc, JourneyFormatError) or type(exc).__name__ == "JourneyInvalid":
                raise
            raise JourneyFormatError([Problem.at("not_graphml", "file", detail=str(exc)[:200])]) from None
    return _checked(_plain_graph(raw, name=name, lang=lang))


def _plain_graph(raw: nx.Graph, *, name: str, lang: str) -> nx.DiGraph:
    """A graph drawn elsewhere as a journey: touchpoints named and staged by their attributes, or in one stage."""
    stages: dict[str, str] = {}
    for _, attrs in raw.nodes(data=True):
        stage = str(attrs.get("stage") or "").strip()
        if stage and stage not in stages:
            stages[stage] = unique_key(stage, set(stages.values()), fallback="stage")
    if not stages:
        stages[t("foreign.stage", lang)] = "journey"
    title = str(raw.graph.get("name") or raw.graph.get("label") or name or t("foreign.untitled", lang)).strip()
    G = new_journey(title, stages=[{"id": sid, "name": text} for text, sid in stages.items()])
    keys: dict[str, str] = {}
    first = next(iter(stages.values()))
    for node, attrs in raw.nodes(data=True):
        label = " ".join(str(attrs.get("name") or attrs.get("label") or node).split())
        keys[node] = unique_key(label, set(keys.values()))
        stage = str(attrs.get("stage") or "").strip()
        fields = {"name": label, "stage": stages[stage] if stage else first}
        channel = str(attrs.get("channel") or "").strip().lower()
        if channel in CHANNELS:
            fields["channel"] = channel
        if attrs.get("owner"):
            fields["owner"] = " ".join(str(attrs["owner"]).split())
        add_touchpoint(G, keys[node], **fields)
    edges = raw.edges(data=True)
    for u, v, attrs in edges:
        if u != v and not G.has_edge(keys[u], keys[v]):
            share = attrs.get("share")
            add_transition(G, keys[u], keys[v], label=str(attrs.get("label") or ""), share=share)
            if not raw.is_directed() and not G.has_edge(keys[v], keys[u]):
                add_transition(G, keys[v], keys[u], label=str(attrs.get("label") or ""), share=share)
    if raw.is_directed():
        for key in G:
            G.nodes[key]["entry"] = G.in_degree(key) == 0
            G.nodes[key]["exit"] = G.out_degree(key) == 0
    return G


def _cell(value: str) -> str:
    """A cell as typed: the ``'`` the export put in front of what a spreadsheet would run taken off again."""
    value = value.strip()
    return value[1:] if value.startswith(_FORMULA_GUARD) else value


def _flag(value: str) -> bool | str:
    found = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": False}
    return found.get(value.strip().lower(), value)


def _number(value: str):
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return value  # validation names it
    return int(number) if number.is_integer() else number


_FLAGS = ("backstage", "moment_of_truth", "entry", "exit", "drop_out")


def _persona_names(row: dict) -> list[str]:
    return [p.strip() for p in _cell(row.get("personas") or "").split(";") if p.strip()]


def from_csv(data: str | bytes, *, name: str = "", lang: str = "en") -> nx.DiGraph:
    """Return a journey of the touchpoints in the CSV table ``data`` (the workbench's touchpoint export).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from journeys.io.exports import to_csv
    >>> G = from_csv(to_csv(broadband_demo()), name="Broadband")
    >>> H = broadband_demo()
    >>> [G.nodes[k]["name"] for k in G] == [H.nodes[k]["name"] for k in H]
    True
    >>> G.nodes["hotline"]["experience"], G.nodes["hotline"]["stage"], G.number_of_edges()
    (1, 'support', 0)
    """
    text = _text(data, "csv")
    try:
        # a short row's missing cells are None and a long row's extra cells are listed under None: both left out
        rows = [
            {column: cell if isinstance(cell, str) else "" for column, cell in row.items() if isinstance(column, str)}
            for row in csv.DictReader(io.StringIO(text, newline=""))
        ]
    except csv.Error as exc:
        raise JourneyFormatError([Problem.at("not_csv", "file", detail=str(exc)[:200])]) from None
    if not rows:
        raise JourneyFormatError([Problem.at("not_csv", "file", detail=t("foreign.no_rows", lang))])
    columns = set(rows[0])
    missing = [c for c in ("touchpoint", "name", "stage") if c not in columns]
    if missing:
        raise JourneyFormatError([Problem.at("csv_column", "file", value=c) for c in missing])
    if len(rows) > MAX_ROWS:
        raise JourneyFormatError([Problem.at("too_many", "file", n=len(rows), max=MAX_ROWS)])
    stages: dict[str, str] = {}
    names: list[str] = []  # the personas, by name, in the order they first come
    for row in rows:
        sid = _cell(row.get("stage") or "")
        if sid and sid not in stages:
            stages[sid] = _cell(row.get("stage_name") or "") or sid
        for persona in _persona_names(row):
            if persona not in names:
                names.append(persona)
    ids: dict[str, str] = {}
    for persona in names:
        ids[persona] = unique_key(persona, set(ids.values()), fallback="persona")
    # the export writes one emotion column per persona, by id, in the journey's order, as it lists their names
    emotions = [c for c in rows[0] if c.startswith("emotion_")]
    column_of = dict(zip(names, emotions, strict=True)) if len(emotions) == len(names) else {}
    G = new_journey(
        name or t("foreign.untitled", lang),
        stages=[{"id": sid, "name": text} for sid, text in stages.items()],
        personas=[{"id": ids[persona], "name": persona} for persona in names],
    )
    for row in rows:
        key = _cell(row.get("touchpoint") or "") or unique_key(_cell(row.get("name") or ""), set(G))
        if key in G:
            raise JourneyFormatError([Problem.at("listed_twice.touchpoint", "file", value=key)])
        fields = {
            "name": _cell(row.get("name") or ""),
            "stage": _cell(row.get("stage") or ""),
            "channel": _cell(row.get("channel") or ""),
            "owner": _cell(row.get("owner") or ""),
            "description": _cell(row.get("description") or ""),
            "personas": [ids[persona] for persona in _persona_names(row)],
            "emotions": {
                ids[persona]: _number(row[column])
                for persona, column in column_of.items()
                if (row.get(column) or "").strip()
            },
        }
        fields.update({flag: _flag(row[flag]) for flag in _FLAGS if row.get(flag) is not None})
        fields.update({score: _number(row[score]) for score in ("expectation", "experience") if score in row})
        add_touchpoint(G, key, **fields)
    return _checked(G)


def read_file(filename: str, data: str | bytes, *, lang: str = "en") -> tuple[nx.DiGraph, dict]:
    """Read an uploaded file by its name's ending (:data:`KINDS`): the journey and the sections it carries.

    A journey file (JSON) brings its ratings, ideas, surveys and comments
    (:func:`journeys.io.interchange.loads_whole`); GraphML and a touchpoint table bring the journey alone, named
    after the file where the file does not name it.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from journeys.io.exports import to_csv
    >>> G, sections = read_file("Hotline team.csv", to_csv(broadband_demo()))
    >>> G.graph["name"], sections
    ('Hotline team', {})
    """
    path = PurePath(filename)
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_BYTES:  # whatever it is
        raise JourneyFormatError([Problem.at("too_large", "file", size=size / 2**20, limit=MAX_BYTES / 2**20)])
    kind = KINDS.get(path.suffix.lower())
    if kind == "json":
        return interchange.loads_whole(data)
    if kind == "graphml":
        return from_graphml(data, name=path.stem, lang=lang), {}
    if kind == "csv":
        return from_csv(data, name=path.stem, lang=lang), {}
    allowed = ", ".join(KINDS)
    if not path.suffix:
        raise JourneyFormatError([Problem.at("file_kind", "file", message="none", allowed=allowed)])
    raise JourneyFormatError([Problem.at("file_kind", "file", value=path.suffix, allowed=allowed)])
