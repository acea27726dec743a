"""A journey for other tools: a CSV of touchpoints with all scores, GraphML and Mermaid text.

JSON, the lossless format, lives in :mod:`journeys.io.interchange`; this module adds
the formats that spreadsheets, graph tools (networkx, Gephi, yEd) and Markdown
documents read. Everything here is text in, text out: no files, no browser.

GraphML can only hold strings, numbers and booleans. Lists and dicts (stages,
personas, needs, pain points, emotions) are written as JSON strings, ``None`` is
left out, and :func:`read_graphml` turns them back into the same journey. Nodes
also get a ``label`` and transitions with a share a ``weight``, which Gephi shows
and :func:`read_graphml` drops again. The journey's id is kept as ``journey_id``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date

import networkx as nx
import pandas as pd

from journeys.analysis.flow import FlowError, flow
from journeys.analysis.scoring import LENSES, Weights, weakness_table
from journeys.charts.captions import stage_names
from journeys.charts.layout import loop_edges, map_layout
from journeys.i18n import t
from journeys.io.interchange import dumps
from journeys.model.fields import TOUCHPOINT_FIELDS
from journeys.model.graph import (
    GRAPH_DEFAULTS,
    TOUCHPOINT_DEFAULTS,
    TRANSITION_DEFAULTS,
    normalize,
    slugify,
    touchpoints_in_order,
)

__all__ = [
    "DATA_FORMATS",
    "figure_file",
    "CSV_COLUMNS",
    "customer_visits",
    "touchpoint_scores",
    "touchpoint_frame",
    "spreadsheet_safe",
    "to_csv",
    "to_graphml",
    "read_graphml",
    "mermaid_score",
    "mermaid_text",
    "to_mermaid",
    "to_flowchart",
    "file_stem",
    "data_text",
    "data_files",
    "zip_files",
]

DATA_FORMATS = {"json": ".json", "csv": ".csv", "graphml": ".graphml", "mermaid": ".mmd", "flowchart": "-flowchart.mmd"}
"""The data formats and their file extensions."""

# the touchpoint's own fields (journeys.model.fields) that are one column each; its lists have columns of their own
_FIELDS = [f for f in TOUCHPOINT_FIELDS if f.exported and f.kind not in ("needs", "pains", "emotions")]
CSV_COLUMNS = [
    "touchpoint",
    *(name for f in _FIELDS for name in ((f.name, "stage_name") if f.kind == "stage" else (f.name,))),
    "gap",
    "emotion",
    *(f"{lens}{part}" for lens in LENSES for part in ("", "_spread", "_raters")),
    "pain",
    "pain_points",
    "needs",
    "flow",
    "severity",
    "weakness",
    "why",
]
"""The columns of :func:`to_csv`, followed by one ``emotion_<persona id>`` column per persona."""

# attributes that hold lists or dicts: JSON strings in GraphML
_JSON_ATTRS = {
    "graph": {k for k, v in GRAPH_DEFAULTS.items() if isinstance(v, list | dict)},
    "node": {k for k, v in TOUCHPOINT_DEFAULTS.items() if isinstance(v, list | dict)},
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula
_MERMAID_KEYWORDS = re.compile(r"(journey|title|section|acctitle|accdescr)\b", re.IGNORECASE)


def customer_visits(G: nx.DiGraph) -> dict[str, float]:
    """Return the expected visits per customer, or 1 everywhere when a closed loop makes them unbounded.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> round(customer_visits(broadband_demo())["hotline"], 2)
    0.35
    """
    try:
        return flow(G).visits
    except FlowError:
        return dict.fromkeys(G, 1.0)


def touchpoint_scores(G: nx.DiGraph, scores: dict | None = None, *, weights: Weights | None = None) -> pd.DataFrame:
    """Return :func:`journeys.analysis.scoring.weakness_table` of ``G``; it never fails on a closed loop.

    ``scores`` is the consensus of the ratings (:func:`journeys.analysis.scoring.consensus`).
    """
    return weakness_table(G, scores or {}, weights=weights, visits=customer_visits(G))


def touchpoint_frame(
    G: nx.DiGraph, scores: dict | None = None, *, weights: Weights | None = None, lang: str = "en"
) -> pd.DataFrame:
    """Return one row per touchpoint in journey order with every attribute and score (see :data:`CSV_COLUMNS`).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> frame = touchpoint_frame(broadband_demo())
    >>> frame.loc[frame["touchpoint"] == "install-router", ["experience", "gap", "pain"]].values.tolist()
    [[2, -2, 5]]
    """
    scores = scores or {}
    table = touchpoint_scores(G, scores, weights=weights)
    stages = stage_names(G, lang)
    personas = {p["id"]: p.get("name") or p["id"] for p in G.graph.get("personas", [])}
    rows = []
    for key in touchpoints_in_order(G):
        data, row = G.nodes[key], table.loc[key]
        record = {"touchpoint": key, "stage_name": stages.get(data.get("stage"), "")}
        for f in _FIELDS:
            value = data.get(f.name, f.default)
            if f.kind == "flag":
                value = bool(value)
            elif f.kind == "personas":
                value = "; ".join(personas.get(p, p) for p in value or [])
            record[f.name] = value
        record.update(gap=row["gap"], emotion=row["emotion"])
        for lens in LENSES:
            found = scores.get(key, {}).get(lens, {})
            record.update({lens: found.get("median"), f"{lens}_spread": found.get("spread")})
            record[f"{lens}_raters"] = found.get("n", 0)
        record.update(
            pain=row["pain"],
            pain_points=len(data.get("pains", [])),
            needs=len(data.get("needs", [])),
            flow=round(float(row["flow"]), 4),
            severity=round(float(row["severity"]), 4),
            weakness=round(float(row["weakness"]), 4),
            why=row["why"],
        )
        record.update({f"emotion_{pid}": data.get("emotions", {}).get(pid) for pid in personas})
        rows.append(record)
    columns = CSV_COLUMNS + [f"emotion_{pid}" for pid in personas]
    frame = pd.DataFrame(rows, columns=columns)
    whole = [f.name for f in _FIELDS if f.kind == "score"]
    for column in (*whole, "gap", "pain", *(f"emotion_{pid}" for pid in personas)):
        values = pd.to_numeric(frame[column])
        if (values.dropna() % 1 == 0).all():  # a missing score must not turn 4 into 4.0
            frame[column] = values.astype("Int64")
    return frame


def spreadsheet_safe(value):
    """Return ``value`` with a ``'`` in front when a spreadsheet would run it as a formula (CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
    prefixed, as OWASP advises; numbers and any other text stay as they are.

    Examples
    --------
    >>> [spreadsheet_safe(v) for v in ["=SUM(A1:A9)", "-1", "@cmd", "Hotline", -1]]
    ["'=SUM(A1:A9)", "'-1", "'@cmd", 'Hotline', -1]
    """
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def to_csv(G: nx.DiGraph, scores: dict | None = None, *, weights: Weights | None = None, lang: str = "en") -> str:
    """Return the touchpoints of ``G`` with all their scores as CSV text (UTF-8, comma-separated, RFC 4180).

    Text cells a spreadsheet would take for a formula get a leading ``'`` (see :func:`spreadsheet_safe`).
    """
    frame = touchpoint_frame(G, scores, weights=weights, lang=lang)
    for column in frame.columns:
        if pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(spreadsheet_safe)
    # CRLF as RFC 4180 has it: the writer then quotes every cell holding a CR or LF, so a lone CR cannot split a row
    return frame.to_csv(index=False, lineterminator="\r\n")


def _plain(value, *, as_json: bool):
    return json.dumps(value, ensure_ascii=False) if as_json else value


def to_graphml(G: nx.DiGraph) -> str:
    """Return journey ``G`` as GraphML text that networkx, Gephi and yEd open.

    Examples
    --------
    >>> from journeys.model.graph import journey_equal
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> journey_equal(read_graphml(to_graphml(G)), G)
    True
    """
    H = normalize(G)
    out = nx.DiGraph()
    for k, v in H.graph.items():
        if k in GRAPH_DEFAULTS and v is not None:
            # networkx writes a graph attribute "id" as <graph id=...> and never reads it back
            out.graph["journey_id" if k == "id" else k] = _plain(v, as_json=k in _JSON_ATTRS["graph"])
    for n, data in H.nodes(data=True):
        attrs = {k: _plain(v, as_json=k in _JSON_ATTRS["node"]) for k, v in data.items() if v is not None}
        out.add_node(n, label=data.get("name") or str(n), **attrs)
    for u, v, data in H.edges(data=True):
        attrs = {k: value for k, value in data.items() if k in TRANSITION_DEFAULTS and value is not None}
        if attrs.get("share") is not None:
            attrs["weight"] = attrs["share"]
        out.add_edge(u, v, **attrs)
    buffer = io.BytesIO()
    nx.write_graphml(out, buffer, encoding="utf-8", infer_numeric_types=True)
    return buffer.getvalue().decode("utf-8")


def read_graphml(text: str | bytes) -> nx.DiGraph:
    """Return the journey in GraphML text written by :func:`to_graphml`."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    raw = nx.read_graphml(io.BytesIO(data), node_type=str)
    G = nx.DiGraph()
    for k, v in raw.graph.items():
        k = "id" if k == "journey_id" else k
        if k in GRAPH_DEFAULTS:
            G.graph[k] = json.loads(v) if k in _JSON_ATTRS["graph"] else v
    for n, attrs in raw.nodes(data=True):
        G.add_node(n, **{k: json.loads(v) if k in _JSON_ATTRS["node"] else v for k, v in attrs.items() if k != "label"})
    for u, v, attrs in raw.edges(data=True):
        G.add_edge(u, v, **{k: value for k, value in attrs.items() if k != "weight"})
    return normalize(G)


def mermaid_text(value, *, special: str = "#:;") -> str:
    r"""Return ``value`` as text a Mermaid diagram keeps literally: one line, special characters as entity codes.

    Mermaid reads ``#``, ``:``, ``;`` and newlines as syntax and ``%%`` as the start
    of a comment; an actor also needs ``,`` escaped (``special="#:;,"``). A keyword
    at the start (``section``, ``title`` ...) is escaped too.

    Examples
    --------
    >>> mermaid_text("Hotline: call #2; wait 50%%,\nthen hang up")
    'Hotline#58; call #35;2#59; wait 50#37;%, then hang up'
    >>> mermaid_text("Section 4 of the contract")
    '#83;ection 4 of the contract'
    """
    text = " ".join(str(value if value is not None else "").split())
    text = "".join(f"#{ord(c)};" if c in special else c for c in text).replace("%%", "#37;%")
    if _MERMAID_KEYWORDS.match(text):
        text = f"#{ord(text[0])};{text[1:]}"
    return text


def mermaid_score(data: dict, dvf: dict | None = None) -> int:
    """Return a touchpoint's Mermaid score 1–5: its experience, else its rounded DVF consensus, else 3.

    Examples
    --------
    >>> mermaid_score({"experience": 2}), mermaid_score({}, {"desirable": {"median": 4}, "viable": {"median": 4.5}})
    (2, 4)
    >>> mermaid_score({}, {"feasible": {"median": 4.5}}), mermaid_score({})
    (5, 3)
    """
    experience = data.get("experience")
    if isinstance(experience, int | float) and not isinstance(experience, bool):
        value = float(experience)
    else:
        medians = [v["median"] for v in (dvf or {}).values() if v and v.get("median") is not None]
        value = sum(medians) / len(medians) if medians else 3.0
    return min(5, max(1, int(value + 0.5)))  # half up: 4.5 is a 5, not Python's banker's 4


def _stage_groups(G: nx.DiGraph, lang: str) -> list[tuple[str, list[str]]]:
    """The stages in order, each with its name and its touchpoints in order; touchpoints of a stage that is gone
    last, under "no stage" (only when there are any)."""
    names = stage_names(G, lang)
    by_stage: dict[str | None, list[str]] = {sid: [] for sid in names}
    for key in touchpoints_in_order(G):
        stage = G.nodes[key].get("stage")
        by_stage.setdefault(stage if stage in names else None, []).append(key)
    return [(names[sid] if sid is not None else t("export.no_stage", lang), keys) for sid, keys in by_stage.items()]


def to_mermaid(G: nx.DiGraph, scores: dict | None = None, *, lang: str = "en") -> str:
    """Return a Mermaid ``journey`` diagram: stages as sections, touchpoints as tasks, personas as actors.

    Examples
    --------
    >>> from journeys.model.graph import add_touchpoint, new_journey
    >>> G = new_journey("Hotline: round 2", stages=[{"id": "support", "name": "Support"}],
    ...                 personas=[{"id": "p", "name": "Petra, busy parent"}])
    >>> _ = add_touchpoint(G, "call", name="Call #1", stage="support", experience=2, personas=["p"])
    >>> print(to_mermaid(G))
    journey
        title Hotline#58; round 2 (as-is)
        section Support
            Call #35;1: 2: Petra#44; busy parent
    <BLANKLINE>
    """
    scores = scores or {}
    personas = {p["id"]: p.get("name") or p["id"] for p in G.graph.get("personas", [])}
    state = t(f"state.{G.graph.get('state', 'as-is')}", lang)
    lines = ["journey", f"    title {mermaid_text(G.graph.get('name') or '')} ({mermaid_text(state)})"]
    for name, keys in _stage_groups(G, lang):
        lines.append(f"    section {mermaid_text(name) or '-'}")
        for key in keys:
            data = G.nodes[key]
            actors = ", ".join(mermaid_text(personas.get(p, p), special="#:;,") for p in data.get("personas", []))
            task = f"        {mermaid_text(data.get('name') or key)}: {mermaid_score(data, scores.get(key))}"
            lines.append(f"{task}: {actors}" if actors else task)
    return "\n".join(lines) + "\n"


_LABEL = '"#<>&`'  # characters a quoted Mermaid flowchart label reads as syntax or markup


def _label(value) -> str:
    return mermaid_text(value, special=_LABEL)


def to_flowchart(G: nx.DiGraph, *, lang: str = "en") -> str:
    """Return a Mermaid ``flowchart``: stages as subgraphs, touchpoints as boxes, transitions as arrows with their
    shares, transitions leading back (loops) dashed; entries are rounded, drop-outs slanted, moments of truth
    starred and framed thickly, back-stage touchpoints dotted. Unlike the journey diagram it keeps the branches.

    Examples
    --------
    >>> from journeys.model.graph import add_touchpoint, add_transition, new_journey
    >>> G = new_journey('Say "hi" <b>', stages=[{"id": "a", "name": "Ask"}, {"id": "b", "name": "Buy"}])
    >>> _ = add_touchpoint(G, "ad", name="See the ad", stage="a", entry=True)
    >>> _ = add_touchpoint(G, "shop", name="Shop #1", stage="b", exit=True, moment_of_truth=True)
    >>> add_transition(G, "ad", "shop", share=0.25)
    >>> add_transition(G, "shop", "ad")
    >>> print(to_flowchart(G))
    ---
    title: "Say \\"hi\\" <b> (as-is)"
    ---
    flowchart LR
        subgraph s0["Ask"]
            t0(["See the ad"])
        end
        subgraph s1["Buy"]
            t1[/"★ Shop #35;1"/]
        end
        t0 -->|"25 %"| t1
        t1 -.-> t0
        classDef truth stroke-width:4px
        classDef backstage stroke-dasharray:4 3
        class t1 truth
    <BLANKLINE>
    """
    order = touchpoints_in_order(G)
    ids = {key: f"t{i}" for i, key in enumerate(order)}
    state = t(f"state.{G.graph.get('state', 'as-is')}", lang)
    title = " ".join(f"{G.graph.get('name') or ''} ({state})".split())  # one line of YAML, quoted as JSON quotes
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "---", "flowchart LR"]
    for number, (name, keys) in enumerate(_stage_groups(G, lang)):
        if not keys:
            continue
        lines.append(f'    subgraph s{number}["{_label(name) or "-"}"]')
        for key in keys:
            data = G.nodes[key]
            text = _label(("★ " if data.get("moment_of_truth") else "") + str(data.get("name") or key))
            shape = '(["{}"])' if data.get("entry") else '[/"{}"/]' if data.get("exit") else '["{}"]'
            lines.append(f"        {ids[key]}{shape.format(text)}")
        lines.append("    end")
    loops = set(loop_edges(G, map_layout(G))) if G else set()
    for u, v, data in G.edges(data=True):
        arrow = "-.->" if (u, v) in loops else "-->"
        share = data.get("share")
        label = f'|"{round(share * 100)} %"|' if isinstance(share, int | float) and not isinstance(share, bool) else ""
        lines.append(f"    {ids[u]} {arrow}{label} {ids[v]}")
    truths = [ids[k] for k in order if G.nodes[k].get("moment_of_truth")]
    back = [ids[k] for k in order if G.nodes[k].get("backstage") is True]
    lines += ["    classDef truth stroke-width:4px", "    classDef backstage stroke-dasharray:4 3"]
    lines += [
        f"    class {','.join(group)} {name}" for name, group in (("truth", truths), ("backstage", back)) if group
    ]
    return "\n".join(lines) + "\n"


def file_stem(G: nx.DiGraph) -> str:
    """Return the start of every file name exported from ``G``: its name as a slug.

    Examples
    --------
    >>> from journeys.demo import ebike_demo
    >>> file_stem(ebike_demo())
    'e-bike-from-the-first-ad-to-the-first-service'
    """
    return slugify(G.graph.get("name") or "")[:80].rstrip("-") or slugify(G.graph.get("id") or "") or "journey"


def figure_file(stem: str, kind: str, ext: str, *, day: date | None = None) -> str:
    """Return the file name of figure ``kind`` of the journey whose :func:`file_stem` is ``stem``; the portfolio,
    which spans all journeys, is named after itself and ``day`` instead.

    Examples
    --------
    >>> figure_file("broadband", "map", "png"), figure_file("broadband", "portfolio", "svg", day=date(2026, 12, 6))
    ('broadband-map.png', 'portfolio-2026-12-06.svg')
    """
    if kind == "portfolio":
        return f"portfolio-{day or date.today():%Y-%m-%d}.{ext}"
    return f"{stem}-{kind}.{ext}"


def data_text(
    G: nx.DiGraph,
    fmt: str,
    scores: dict | None = None,
    *,
    lang: str = "en",
    exported_by: str = "",
    comments: list[dict] | None = None,
    sections: dict | None = None,
) -> str:
    """Return journey ``G`` as text in ``fmt``, one of :data:`DATA_FORMATS`; the JSON with the comment threads
    ``comments`` on its touchpoints, or with everything ``sections`` holds (``comments``, ``ratings``, ``ideas``,
    ``surveys``: the whole journey, see :func:`store.exchange.journey_sections`), when given."""
    if fmt == "json":
        return dumps(G, exported_by=exported_by, **({"comments": comments} | (sections or {})))
    if fmt == "csv":
        return to_csv(G, scores, lang=lang)
    if fmt == "graphml":
        return to_graphml(G)
    if fmt == "mermaid":
        return to_mermaid(G, scores, lang=lang)
    if fmt == "flowchart":
        return to_flowchart(G, lang=lang)
    raise ValueError(f"no data format {fmt!r}; choose one of {', '.join(DATA_FORMATS)}")


def data_files(
    G: nx.DiGraph,
    scores: dict | None = None,
    *,
    formats=tuple(DATA_FORMATS),
    lang: str = "en",
    exported_by: str = "",
    stem: str | None = None,
    comments: list[dict] | None = None,
    sections: dict | None = None,
) -> dict[str, bytes]:
    """Return ``{file name: content}`` of journey ``G`` in each of ``formats`` (keys of :data:`DATA_FORMATS`); the
    JSON with the comment threads ``comments``, or with everything ``sections`` holds (see :func:`data_text`)."""
    stem = stem or file_stem(G)
    return {
        f"{stem}{DATA_FORMATS[f]}": data_text(
            G, f, scores, lang=lang, exported_by=exported_by, comments=comments, sections=sections
        ).encode("utf-8")
        for f in formats
    }


def zip_files(files: dict[str, bytes], *, folder: str = "") -> bytes:
    """Return a ZIP archive of ``{file name: content}``, inside ``folder`` when given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"{folder}/{name}" if folder else name, content)
    return buffer.getvalue()
