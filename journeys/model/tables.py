"""A journey as editable tables, and the edited tables back into a journey.

Each ``*_frame`` function turns part of a journey into a ``pandas.DataFrame`` for a
table editor; the matching ``apply_*`` function takes the journey and the edited
frame and returns a new journey (the input is never changed). Missing cells
(``None``, ``NaN``, ``pd.NA``) come back as the model's empty value: ``""`` for
text, ``None`` for numbers, ``False`` for flags, ``[]`` for lists. Whole numbers
come back as ``int``, so a score of ``4.0`` is stored as ``4``.

New rows get stable keys made from their name (:func:`journeys.model.graph.unique_key`);
an existing row keeps its key when it is renamed.

A draft (a working copy that may still be invalid) is kept as JSON text:
:func:`write_draft` and :func:`read_draft`. Unlike :func:`journeys.io.interchange.loads`
the reader accepts an invalid journey, so that a team can work through its problems.
"""

from __future__ import annotations

import copy
import json
import math
import re
from numbers import Real

import networkx as nx
import numpy as np
import pandas as pd

from journeys.io import interchange
from journeys.model.fields import TOUCHPOINT_FIELDS, TRANSITION_FIELDS, Field
from journeys.model.graph import (
    NEED_DEFAULTS,
    PAIN_DEFAULTS,
    TOUCHPOINT_DEFAULTS,
    add_touchpoint,
    normalize,
    unique_key,
)
from journeys.model.validation import Problem

__all__ = [
    "TOUCHPOINT_COLUMNS",
    "TRANSITION_COLUMNS",
    "STAGE_COLUMNS",
    "PERSONA_COLUMNS",
    "NEED_COLUMNS",
    "PAIN_COLUMNS",
    "EMOTION_COLUMNS",
    "StageInUse",
    "read_draft",
    "write_draft",
    "frames_differ",
    "touchpoints_frame",
    "apply_touchpoints",
    "transitions_frame",
    "apply_transitions",
    "incomplete_problems",
    "stages_frame",
    "apply_stages",
    "personas_frame",
    "apply_personas",
    "needs_frame",
    "apply_needs",
    "pains_frame",
    "apply_pains",
    "emotions_frame",
    "apply_emotions",
    "update_touchpoint",
    "with_names",
    "refused_cells",
]

TEXT, FLAG, INT, FLOAT, LIST = "text", "flag", "int", "float", "list"
COLUMN_OF_KIND = {  # the kind of a field (journeys.model.fields) → the kind of its table column
    "text": TEXT, "long_text": TEXT, "flag": FLAG, "score": INT, "number": FLOAT, "stage": TEXT, "personas": LIST,
}  # fmt: skip


def _columns(fields: tuple[Field, ...]) -> dict[str, str]:
    """The table columns of the fields shown in the editor, long texts last (they are wide)."""
    shown = sorted((f for f in fields if f.editor), key=lambda f: f.kind == "long_text")
    return {f.name: COLUMN_OF_KIND[f.kind] for f in shown}


TOUCHPOINT_COLUMNS = {"key": TEXT, **_columns(TOUCHPOINT_FIELDS)}
TRANSITION_COLUMNS = {"from": TEXT, "to": TEXT, **_columns(TRANSITION_FIELDS)}
STAGE_COLUMNS = {"id": TEXT, "name": TEXT, "position": FLOAT}
PERSONA_COLUMNS = {"id": TEXT, "name": TEXT, "segment": TEXT, "goals": TEXT, "quote": TEXT, "value": FLOAT}
NEED_COLUMNS = {"text": TEXT, "motivation": TEXT, "kind": TEXT, "persona": TEXT}
PAIN_COLUMNS = {"text": TEXT, "severity": INT, "evidence": TEXT, "persona": TEXT}
EMOTION_COLUMNS = {"persona": TEXT, "name": TEXT, "emotion": INT}
OPTIONAL = {"stage", "channel", "persona", "from", "to"}  # shown as an empty cell, not as ""
DTYPES = {TEXT: object, FLAG: bool, INT: "Int64", FLOAT: "Float64", LIST: object}


class StageInUse(ValueError):
    """Raised when an edit deletes stages that still hold touchpoints; ``stages`` names them."""

    def __init__(self, stages: list[str]):
        self.stages = stages
        super().__init__(f"stage(s) still holding touchpoints: {', '.join(stages)}")


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _value(value, kind: str):
    """Return a cell as the plain Python value the model stores."""
    if kind == LIST:
        return [str(v) for v in value if not _missing(v)] if isinstance(value, list | tuple | np.ndarray) else []
    if _missing(value):
        return {TEXT: "", FLAG: False, INT: None, FLOAT: None}[kind]
    if kind == TEXT:
        return str(value)
    if kind == FLAG:
        return bool(value)
    number = float(value) if isinstance(value, Real) else value  # numpy and pandas scalars alike
    if kind == INT and isinstance(number, float) and number.is_integer():
        return int(number)
    return number  # a fraction in a whole-number column stays visible to validation


def _column(values: list, kind: str) -> pd.Series:
    try:
        return pd.Series(values, dtype=DTYPES[kind])
    except (TypeError, ValueError):  # say a score of 2.5 in a draft: shown as it is, for validation to point at
        return pd.Series(values, dtype=object)


def _frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    rows = copy.deepcopy(rows)  # a list in a cell must not be the journey's own list
    data = {c: _column([r[c] or None if c in OPTIONAL else r[c] for r in rows], kind) for c, kind in columns.items()}
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _records(frame: pd.DataFrame, columns: dict[str, str]) -> list[dict]:
    """Return the rows of ``frame`` as plain dicts; a column the frame lacks counts as empty."""
    return [
        {c: _value(row.get(c), kind) for c, kind in columns.items()} for row in frame.astype(object).to_dict("records")
    ]


def edited_frame(frame: pd.DataFrame, edits: dict) -> pd.DataFrame:
    """``frame`` with the edits a table editor reports, as plain values (object columns, a fresh index).

    ``edits`` is the state Streamlit documents for ``st.data_editor``: ``edited_rows`` maps a row's position to
    the cells typed into it, ``deleted_rows`` lists positions, ``added_rows`` lists new rows as their cells
    (a cell not given is empty). As Streamlit does: cells first, then deletions, then additions. What the
    ``apply_*`` functions read of it is the same as of the frame the editor returns.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["a", "b", "c"], "score": pd.array([1, None, 3], dtype="Int64")})
    >>> edits = {"edited_rows": {1: {"score": 4}}, "deleted_rows": [0], "added_rows": [{"name": "d"}]}
    >>> edited_frame(frame, edits).to_dict("records")
    [{'name': 'b', 'score': 4}, {'name': 'c', 'score': 3}, {'name': 'd', 'score': None}]
    """
    rows = frame.astype(object).to_dict("records")
    for position, cells in (edits.get("edited_rows") or {}).items():
        if 0 <= int(position) < len(rows):
            rows[int(position)].update((c, v) for c, v in cells.items() if c in frame.columns)
    deleted = {int(position) for position in edits.get("deleted_rows") or []}
    rows = [row for position, row in enumerate(rows) if position not in deleted]
    rows += [{c: added.get(c) for c in frame.columns} for added in edits.get("added_rows") or []]
    return pd.DataFrame(rows, columns=frame.columns, index=pd.RangeIndex(len(rows)), dtype=object)


def frames_differ(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Return True when two frames hold different rows (missing values count as equal).

    Examples
    --------
    >>> frames_differ(pd.DataFrame({"x": [1.0, None]}), pd.DataFrame({"x": [1, float("nan")]}))
    False
    """
    if list(a.index) != list(b.index) or list(a.columns) != list(b.columns):
        return True
    return _plain_rows(a) != _plain_rows(b)


def _plain(value):
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if _missing(value):
        return None
    if isinstance(value, Real) and not isinstance(value, bool | np.bool_):
        return float(value)
    return value


def _plain_rows(frame: pd.DataFrame) -> list[list]:
    return [[_plain(v) for v in row] for row in frame.astype(object).itertuples(index=False)]


def read_draft(text: str, *, written: bool = False) -> nx.DiGraph:
    """Return the journey in a draft's JSON text, valid or not.

    ``written``: the text is one :func:`write_draft` wrote (not one kept from an earlier version of the workbench):
    every attribute is there as :func:`journeys.model.graph.normalize` keeps it, and is read as it is.
    """
    doc = json.loads(text)
    nodes = [{k: v for k, v in n.items() if k in TOUCHPOINT_DEFAULTS or k == "id"} for n in doc["nodes"]]
    graph = nx.node_link_graph({**doc, "nodes": nodes}, directed=True, multigraph=False, edges="edges")
    return graph if written else normalize(graph, copy_values=False)  # what it holds was read from the text just now


def write_draft(G: nx.DiGraph) -> str:
    """Return journey ``G`` as draft JSON text: the exchange format without the moment it was written, so that
    the same journey is always the same text (what tells whether a draft changed).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> text = write_draft(broadband_demo())
    >>> text == write_draft(broadband_demo()), "exported_at" in text
    (True, False)
    """
    doc = interchange.to_document(G, copy_values=False)  # written out at once
    del doc["exported_at"]
    return json.dumps(doc, ensure_ascii=False)


def _rebuild(G: nx.DiGraph, nodes: list[tuple[str, dict]], graph: dict | None = None) -> nx.DiGraph:
    """Return a journey with ``nodes`` (in order) and every transition of ``G`` between them."""
    H = nx.DiGraph()
    H.graph.update(copy.deepcopy(graph if graph is not None else G.graph))
    for key, data in nodes:
        add_touchpoint(H, key, **data)
    H.add_edges_from((u, v, copy.deepcopy(d)) for u, v, d in G.edges(data=True) if u in H and v in H)
    return H


def update_touchpoint(G: nx.DiGraph, key: str, **attrs) -> nx.DiGraph:
    """Return a copy of ``G`` with the given attributes of touchpoint ``key`` replaced."""
    return _rebuild(G, [(k, {**d, **attrs} if k == key else d) for k, d in G.nodes(data=True)])


def touchpoints_frame(G: nx.DiGraph) -> pd.DataFrame:
    """Return one row per touchpoint, in the journey's order; ``key`` identifies the row.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> df = touchpoints_frame(broadband_demo())
    >>> df.loc[0, ["key", "name", "stage"]].tolist(), int(df.loc[0, "experience"])
    (['comparison-portal', 'Tariff comparison portal', 'awareness'], 3)
    """
    return _frame([{**d, "key": k} for k, d in G.nodes(data=True)], TOUCHPOINT_COLUMNS)


def apply_touchpoints(G: nx.DiGraph, frame: pd.DataFrame) -> nx.DiGraph:
    """Return ``G`` with the touchpoint table applied.

    A row whose ``key`` is a touchpoint updates it; a row without one adds a
    touchpoint (its stage, when empty, is that of the row above); a touchpoint
    without a row is deleted together with its transitions. A row whose ``key``
    is no touchpoint (the table was edited while the journey changed elsewhere)
    adds one under that key where it is free.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> df = touchpoints_frame(G).iloc[1:]
    >>> df = pd.concat([df, pd.DataFrame([{"name": "Hotline"}])], ignore_index=True)
    >>> H = apply_touchpoints(G, df)
    >>> "comparison-portal" in H, list(H)[-1], H.nodes["hotline-2"]["stage"]
    (False, 'hotline-2', 'loyalty')
    """
    rows = _records(frame, TOUCHPOINT_COLUMNS)
    by_key = {r["key"]: r for r in rows if r["key"] in G}
    nodes = [(k, {**d, **_touchpoint(by_key[k])}) for k, d in G.nodes(data=True) if k in by_key]
    taken, stage = set(G), (G.graph.get("stages") or [{"id": ""}])[0]["id"]
    for row in rows:
        if row["key"] not in by_key:
            key = row["key"] if row["key"] and row["key"] not in taken else unique_key(row["name"], taken)
            taken.add(key)
            nodes.append((key, {**_touchpoint(row), "stage": row["stage"] or stage}))
        stage = row["stage"] or stage
    return _rebuild(G, nodes)


def _touchpoint(row: dict) -> dict:
    return {k: v for k, v in row.items() if k in TOUCHPOINT_DEFAULTS}


def transitions_frame(G: nx.DiGraph, pending: list[dict] = ()) -> pd.DataFrame:
    """Return one row per transition, followed by the ``pending`` rows not yet complete."""
    rows = [{"from": u, "to": v, **d} for u, v, d in G.edges(data=True)]
    return _frame(rows + [{**dict.fromkeys(TRANSITION_COLUMNS), **p} for p in pending], TRANSITION_COLUMNS)


def apply_transitions(G: nx.DiGraph, frame: pd.DataFrame) -> tuple[nx.DiGraph, list[dict]]:
    """Return ``G`` with the transitions of the table, and the rows that cannot be one yet.

    A row cannot be a transition while it lacks an end, names a touchpoint that is
    not in ``G``, or repeats an earlier row's pair; it is returned as it is, for the
    table to show it again.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> df = transitions_frame(G)
    >>> df.loc[len(df)] = {"from": "hotline", "label": "calls again"}
    >>> H, pending = apply_transitions(G, df)
    >>> H.number_of_edges() == G.number_of_edges(), pending[0]["label"]
    (True, 'calls again')
    """
    H = _rebuild(nx.DiGraph(), list(G.nodes(data=True)), G.graph)
    pending = []
    for row in _records(frame, TRANSITION_COLUMNS):
        u, v = row["from"], row["to"]
        if u in G and v in G and not H.has_edge(u, v):
            H.add_edge(u, v, label=row["label"], share=row["share"])
        else:
            pending.append({**row, "from": u or None, "to": v or None})
    return H, pending


def incomplete_problems(G: nx.DiGraph, pending: list[dict]) -> list[Problem]:
    """Return why each pending transition row is not a transition yet.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> [p.what for p in incomplete_problems(broadband_demo(), [{"from": "hotline", "to": "gone"}])]
    ["'gone' is not a touchpoint of this journey"]
    """
    problems = []
    for i, row in enumerate(pending, start=G.number_of_edges() + 1):
        ends = [row.get("from"), row.get("to")]
        if not all(ends):
            problems.append(Problem.at("incomplete", "row", item=i))
        elif unknown := [e for e in ends if e not in G]:
            problems.extend(Problem.at("dangling", "row", item=i, message="row", value=e) for e in unknown)
        else:
            problems.append(
                Problem.at("duplicate_transition", "row", item=i, message="exists", source=ends[0], target=ends[1])
            )
    return problems


def stages_frame(G: nx.DiGraph) -> pd.DataFrame:
    """Return one row per stage in journey order, numbered by ``position`` from 1."""
    return _frame([{**s, "position": i} for i, s in enumerate(G.graph["stages"], 1)], STAGE_COLUMNS)


def _reordered(rows: list[dict]) -> list[dict]:
    """Sort rows by position; a row moved onto a taken position goes before the one there."""
    ranked = sorted(
        enumerate(rows),
        key=lambda ir: (
            math.inf if ir[1]["position"] is None else ir[1]["position"],
            ir[1]["position"] == ir[0] + 1,
            ir[0],
        ),
    )
    return [row for _, row in ranked]


def apply_stages(G: nx.DiGraph, frame: pd.DataFrame) -> nx.DiGraph:
    """Return ``G`` with the stages of the table, ordered by their position.

    A row keeps its id, a new row gets one from its name. Raises :class:`StageInUse`
    instead of deleting a stage that holds touchpoints.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> df = stages_frame(broadband_demo())
    >>> df.loc[6, "position"] = 1
    >>> [s["id"] for s in apply_stages(broadband_demo(), df).graph["stages"]][:2]
    ['loyalty', 'awareness']
    """
    rows, known = _reordered(_records(frame, STAGE_COLUMNS)), {s["id"] for s in G.graph["stages"]}
    taken = set(known)
    stages = [{"id": _row_id(r, known, taken, "stage"), "name": r["name"]} for r in rows]
    gone = known - {s["id"] for s in stages}
    if in_use := sorted({d["stage"] for _, d in G.nodes(data=True)} & gone):
        raise StageInUse(in_use)
    return _rebuild(G, list(G.nodes(data=True)), {**G.graph, "stages": stages})


def _row_id(row: dict, known: set, taken: set, fallback: str) -> str:
    """The id of a stage's or persona's row: its own where it has one that is ``known`` or still free, else a new
    one from its name; ``taken`` grows by each id handed out."""
    if row["id"] in known:
        return row["id"]
    key = row["id"] if row["id"] and row["id"] not in taken else unique_key(row["name"], taken, fallback=fallback)
    taken.add(key)
    return key


def personas_frame(G: nx.DiGraph) -> pd.DataFrame:
    """Return one row per persona in the order they were defined."""
    return _frame(G.graph["personas"], PERSONA_COLUMNS)


def apply_personas(G: nx.DiGraph, frame: pd.DataFrame) -> nx.DiGraph:
    """Return ``G`` with the personas of the table; a row keeps its id, a new row gets one from its name.

    Deleting a persona removes it everywhere: from the touchpoints it passed, its
    emotions, and the needs and pain points that were its own.
    """
    rows, known = _records(frame, PERSONA_COLUMNS), {p["id"] for p in G.graph["personas"]}
    taken = set(known)
    personas = [{**r, "id": _row_id(r, known, taken, "persona")} for r in rows]
    kept = {p["id"] for p in personas}
    nodes = []
    for key, d in G.nodes(data=True):
        nodes.append((key, {
            **d, "personas": [p for p in d["personas"] if p in kept],
            "emotions": {p: v for p, v in d["emotions"].items() if p in kept},
            "needs": [n for n in d["needs"] if n["persona"] is None or n["persona"] in kept],
            "pains": [p for p in d["pains"] if p["persona"] is None or p["persona"] in kept],
        }))  # fmt: skip
    return _rebuild(G, nodes, {**G.graph, "personas": personas})


def needs_frame(G: nx.DiGraph, key: str) -> pd.DataFrame:
    """Return the needs of touchpoint ``key``, one row each."""
    return _frame(G.nodes[key]["needs"], NEED_COLUMNS)


def apply_needs(G: nx.DiGraph, key: str, frame: pd.DataFrame) -> nx.DiGraph:
    """Return ``G`` with the needs of touchpoint ``key`` replaced by the table's rows."""
    needs = [
        {**r, "kind": r["kind"] or NEED_DEFAULTS["kind"], "persona": r["persona"] or None}
        for r in _records(frame, NEED_COLUMNS)
    ]
    return update_touchpoint(G, key, needs=needs)


def pains_frame(G: nx.DiGraph, key: str) -> pd.DataFrame:
    """Return the pain points of touchpoint ``key``, one row each."""
    return _frame(G.nodes[key]["pains"], PAIN_COLUMNS)


def apply_pains(G: nx.DiGraph, key: str, frame: pd.DataFrame) -> nx.DiGraph:
    """Return ``G`` with the pain points of touchpoint ``key`` replaced by the table's rows.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> df = pains_frame(broadband_demo(), "hotline")
    >>> df.loc[len(df)] = {"text": "Music on hold", "severity": 2.0}
    >>> apply_pains(broadband_demo(), "hotline", df).nodes["hotline"]["pains"][-1]
    {'text': 'Music on hold', 'severity': 2, 'evidence': 'assumption', 'persona': None}
    """
    pains = [
        {**r, "severity": PAIN_DEFAULTS["severity"] if r["severity"] is None else r["severity"],
         "evidence": r["evidence"] or PAIN_DEFAULTS["evidence"], "persona": r["persona"] or None}
        for r in _records(frame, PAIN_COLUMNS)
    ]  # fmt: skip
    return update_touchpoint(G, key, pains=pains)


def emotions_frame(G: nx.DiGraph, key: str) -> pd.DataFrame:
    """Return one row per persona of the journey with its emotion at touchpoint ``key`` (or empty)."""
    emotions = G.nodes[key]["emotions"]
    rows = [{"persona": p["id"], "name": p["name"], "emotion": emotions.get(p["id"])} for p in G.graph["personas"]]
    return _frame(rows, EMOTION_COLUMNS)


def apply_emotions(G: nx.DiGraph, key: str, frame: pd.DataFrame) -> nx.DiGraph:
    """Return ``G`` with the emotions at touchpoint ``key`` from the table; an empty cell means none."""
    emotions = {r["persona"]: r["emotion"] for r in _records(frame, EMOTION_COLUMNS) if r["emotion"] is not None}
    return update_touchpoint(G, key, emotions=emotions)


def with_names(G: nx.DiGraph, text: str) -> str:
    """Return ``text`` with each quoted touchpoint key replaced by the touchpoint's name.

    Problems name touchpoints by key; people know them by name.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> with_names(broadband_demo(), "touchpoint 'hotline'")
    "touchpoint 'Call the hotline'"
    """
    return re.sub(r"'([^']+)'", lambda m: f"'{G.nodes[m[1]].get('name') or m[1]}'" if m[1] in G else m[0], text)


def _refused(value, lo, hi, whole: bool) -> bool:
    if value is None:
        return False  # an emptied cell
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        return True
    return (whole and not float(value).is_integer()) or not lo <= value <= hi


def refused_cells(edits: dict | None, column_config: dict, *, rows: int) -> list[dict]:
    """Return the cells of a table edit that are no number within their column's bounds.

    ``edits`` is a table editor's state as the browser sends it (``edited_rows``,
    ``added_rows``); ``rows`` the number of rows the table had before the edit.
    A number column counts when its config has both a ``min_value`` and a
    ``max_value``; its ``step`` of 1 asks for whole numbers. The editor in the
    browser keeps such values out, but its state can be sent by other means, and
    Streamlit would quietly turn text into an empty cell and 2.5 into 2. Each
    refused cell is ``{"row", "column", "value", "lo", "hi", "whole"}``, ``row``
    counting from 1.

    Examples
    --------
    >>> config = {"experience": {"label": "Experience", "type_config": {"type": "number", "min_value": 1,
    ...           "max_value": 5, "step": 1}}}
    >>> [c["value"] for c in refused_cells({"edited_rows": {0: {"experience": "abc"}, 1: {"experience": 4}},
    ...                                     "added_rows": [{"experience": 9}]}, config, rows=2)]
    ['abc', 9]
    """
    bounds = {}
    for column, config in column_config.items():
        kind = (config or {}).get("type_config", {}) if isinstance(config, dict) else {}
        if kind.get("type") == "number" and kind.get("min_value") is not None and kind.get("max_value") is not None:
            bounds[column] = (kind["min_value"], kind["max_value"], kind.get("step") == 1)
    edits = edits or {}
    cells = [(int(r), change) for r, change in (edits.get("edited_rows") or {}).items()]
    cells += [(rows + i, change) for i, change in enumerate(edits.get("added_rows") or [])]
    refused = []
    for row, change in sorted(cells, key=lambda rc: rc[0]):
        for column, value in change.items():
            if column in bounds and _refused(value, *bounds[column]):
                lo, hi, whole = bounds[column]
                refused.append({"row": row + 1, "column": column, "value": value, "lo": lo, "hi": hi, "whole": whole})
    return refused
