"""Translation between a journey graph and its rows, in both directions.

``read_graph`` loads a journey with one query per table. ``write_diff`` compares
two graphs and writes only what differs: a changed touchpoint is one UPDATE, its
needs or pain points are rewritten only when they changed.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from journeys.graph import new_journey, normalize
from store.models import Emotion, Journey, Need, PainPoint, Persona, Stage, Touchpoint, TouchpointPersona, Transition

__all__ = ["describe_diff", "read_graph", "write_diff"]

TP_COLUMNS = (
    "name",
    "channel",
    "owner",
    "description",
    "backstage",
    "moment_of_truth",
    "entry",
    "exit",
    "expectation",
    "experience",
)
CHILD_MODELS = {"personas": TouchpointPersona, "emotions": Emotion, "needs": Need, "pains": PainPoint}
PERSONA_COLUMNS = ("name", "segment", "goals", "quote", "value")


def read_graph(session: Session, journey: Journey) -> nx.DiGraph:
    """Return the journey stored under ``journey`` as a graph."""
    # Columns, not ORM objects: building an object per row costs ten times the query (docs/performance.md).
    jid = journey.id
    stages = session.execute(
        select(Stage.id, Stage.key, Stage.name).where(Stage.journey_id == jid).order_by(Stage.position)
    ).all()
    personas = session.execute(
        select(Persona.id, Persona.key, *(getattr(Persona, c) for c in PERSONA_COLUMNS))
        .where(Persona.journey_id == jid)
        .order_by(Persona.position)
    ).all()
    G = new_journey(
        journey.name,
        journey_id=jid,
        state=journey.state,
        description=journey.description,
        stages=[{"id": s.key, "name": s.name} for s in stages],
        personas=[{"id": p.key, **{c: getattr(p, c) for c in PERSONA_COLUMNS}} for p in personas],
    )
    stage_key = {s.id: s.key for s in stages}
    persona_key = {p.id: p.key for p in personas}
    tps = session.execute(
        select(Touchpoint.id, Touchpoint.key, Touchpoint.stage_id, *(getattr(Touchpoint, c) for c in TP_COLUMNS))
        .where(Touchpoint.journey_id == jid)
        .order_by(Touchpoint.position)
    )
    tp_key = {}
    for tp in tps:
        tp_key[tp.id] = tp.key
        G.add_node(
            tp.key,
            stage=stage_key[tp.stage_id],
            **{c: getattr(tp, c) for c in TP_COLUMNS},
            personas=[],
            needs=[],
            pains=[],
            emotions={},
        )
    nodes = G.nodes

    def children(*columns, order):
        model = columns[0].class_
        query = (
            select(*columns).join(Touchpoint, model.touchpoint_id == Touchpoint.id).where(Touchpoint.journey_id == jid)
        )
        return session.execute(query.order_by(*order))

    links = children(TouchpointPersona.touchpoint_id, TouchpointPersona.persona_id,
                     order=(TouchpointPersona.touchpoint_id, TouchpointPersona.position))  # fmt: skip
    for touchpoint_id, persona_id in links:
        nodes[tp_key[touchpoint_id]]["personas"].append(persona_key[persona_id])
    emotions = defaultdict(dict)
    for touchpoint_id, persona_id, value in children(
        Emotion.touchpoint_id, Emotion.persona_id, Emotion.value, order=(Emotion.touchpoint_id,)
    ):
        emotions[touchpoint_id][persona_key[persona_id]] = value
    order = {p.key: i for i, p in enumerate(personas)}
    for tp_id, by_persona in emotions.items():
        nodes[tp_key[tp_id]]["emotions"] = dict(sorted(by_persona.items(), key=lambda kv: order[kv[0]]))
    needs = children(Need.touchpoint_id, Need.text, Need.motivation, Need.kind, Need.persona_id,
                     order=(Need.touchpoint_id, Need.position))  # fmt: skip
    for touchpoint_id, text, motivation, kind, persona_id in needs:
        nodes[tp_key[touchpoint_id]]["needs"].append(
            {"text": text, "motivation": motivation, "kind": kind, "persona": persona_key.get(persona_id)}
        )
    pains = children(PainPoint.touchpoint_id, PainPoint.text, PainPoint.severity, PainPoint.evidence,
                     PainPoint.persona_id, order=(PainPoint.touchpoint_id, PainPoint.position))  # fmt: skip
    for touchpoint_id, text, severity, evidence, persona_id in pains:
        nodes[tp_key[touchpoint_id]]["pains"].append(
            {"text": text, "severity": severity, "evidence": evidence, "persona": persona_key.get(persona_id)}
        )
    edges = session.execute(
        select(Transition.source_id, Transition.target_id, Transition.label, Transition.share)
        .where(Transition.journey_id == jid)
        .order_by(Transition.position)
    )
    G.add_edges_from((tp_key[u], tp_key[v], {"label": label, "share": share}) for u, v, label, share in edges)
    return G


def _ids(session: Session, model, journey_id: str) -> dict[str, int]:
    return dict(session.execute(select(model.key, model.id).where(model.journey_id == journey_id)).all())


def _sync_keyed(session, model, journey_id, old_items, new_items, columns) -> dict[str, int]:
    """Insert, update and delete stages or personas; return key → row id (deletions last)."""
    old = {item["id"]: (i, item) for i, item in enumerate(old_items)}
    ids = _ids(session, model, journey_id)
    added = []
    for position, item in enumerate(new_items):
        values = {c: item.get(c) for c in columns}
        if item["id"] not in old:
            added.append({"journey_id": journey_id, "key": item["id"], "position": position, **values})
        elif old[item["id"]] != (position, item):
            session.execute(update(model).where(model.id == ids[item["id"]]).values(position=position, **values))
    if added:
        session.execute(insert(model), added)
        ids = _ids(session, model, journey_id)
    return ids


def _children_rows(data: dict, tp_id: int, persona_id: dict[str, int]):
    links = [
        {"touchpoint_id": tp_id, "persona_id": persona_id[p], "position": i} for i, p in enumerate(data["personas"])
    ]
    emotions = [{"touchpoint_id": tp_id, "persona_id": persona_id[p], "value": v} for p, v in data["emotions"].items()]
    needs = [
        {**{k: n[k] for k in ("text", "motivation", "kind")}, "persona_id": persona_id.get(n["persona"])}
        | {"touchpoint_id": tp_id, "position": i}
        for i, n in enumerate(data["needs"])
    ]
    pains = [
        {**{k: p[k] for k in ("text", "severity", "evidence")}, "persona_id": persona_id.get(p["persona"])}
        | {"touchpoint_id": tp_id, "position": i}
        for i, p in enumerate(data["pains"])
    ]
    return {TouchpointPersona: links, Emotion: emotions, Need: needs, PainPoint: pains}


def write_diff(session: Session, journey_id: str, old: nx.DiGraph, new: nx.DiGraph) -> None:
    """Write the difference between graph ``old`` (what is stored) and ``new``."""
    old, new = normalize(old), normalize(new)
    stage_id = _sync_keyed(session, Stage, journey_id, old.graph["stages"], new.graph["stages"], ("name",))
    persona_id = _sync_keyed(
        session, Persona, journey_id, old.graph["personas"], new.graph["personas"], PERSONA_COLUMNS
    )
    tp_id = _ids(session, Touchpoint, journey_id)
    old_pos = {k: i for i, k in enumerate(old.nodes)}

    removed_edges = [(u, v) for u, v in old.edges if not new.has_edge(u, v)]
    for u, v in removed_edges:
        session.execute(delete(Transition).where(Transition.source_id == tp_id[u], Transition.target_id == tp_id[v]))
    removed_tps = [k for k in old.nodes if k not in new]
    if removed_tps:
        session.execute(delete(Touchpoint).where(Touchpoint.id.in_([tp_id[k] for k in removed_tps])))

    added, rewrite = [], defaultdict(list)  # rewrite: child model → touchpoint keys
    for position, (key, data) in enumerate(new.nodes(data=True)):
        columns = {c: data[c] for c in TP_COLUMNS} | {"stage_id": stage_id[data["stage"]], "position": position}
        if key not in old:
            added.append({"journey_id": journey_id, "key": key, **columns})
            continue
        before = old.nodes[key]
        if any(before[c] != data[c] for c in (*TP_COLUMNS, "stage")) or old_pos[key] != position:
            session.execute(update(Touchpoint).where(Touchpoint.id == tp_id[key]).values(**columns))
        for field, model in CHILD_MODELS.items():
            if before[field] != data[field]:
                rewrite[model].append(key)
    if added:
        session.execute(insert(Touchpoint), added)
        tp_id = _ids(session, Touchpoint, journey_id)
    for model, keys in rewrite.items():
        session.execute(delete(model).where(model.touchpoint_id.in_([tp_id[k] for k in keys])))
    children = defaultdict(list)
    for row in added:
        for model, rows in _children_rows(new.nodes[row["key"]], tp_id[row["key"]], persona_id).items():
            children[model].extend(rows)
    for model, keys in rewrite.items():
        for key in keys:
            children[model].extend(_children_rows(new.nodes[key], tp_id[key], persona_id)[model])
    for model, rows in children.items():
        if rows:
            session.execute(insert(model), rows)

    old_edge_pos = {e: i for i, e in enumerate(old.edges)}
    new_edges = []
    for position, (u, v, data) in enumerate(new.edges(data=True)):
        values = {"label": data["label"], "share": data["share"], "position": position}
        if not old.has_edge(u, v):
            new_edges.append({"journey_id": journey_id, "source_id": tp_id[u], "target_id": tp_id[v], **values})
        elif old.edges[u, v] != data or old_edge_pos[(u, v)] != position:
            session.execute(
                update(Transition)
                .where(Transition.source_id == tp_id[u], Transition.target_id == tp_id[v])
                .values(**values)
            )
    if new_edges:
        session.execute(insert(Transition), new_edges)

    for model, old_items, new_items in (
        (Stage, old.graph["stages"], new.graph["stages"]),
        (Persona, old.graph["personas"], new.graph["personas"]),
    ):
        gone = {i["id"] for i in old_items} - {i["id"] for i in new_items}
        if gone:
            session.execute(delete(model).where(model.journey_id == journey_id, model.key.in_(gone)))


def _name(G: nx.DiGraph, key) -> str:
    return str(G.nodes[key].get("name") or key)


def describe_diff(old: nx.DiGraph, new: nx.DiGraph) -> str:
    """Return a one-line human summary of what changed from ``old`` to ``new``.

    Examples
    --------
    >>> from journeys.templates import broadband_demo
    >>> old = broadband_demo()
    >>> new = old.copy()
    >>> new.nodes["hotline"]["experience"] = 2
    >>> new.remove_edge("hotline", "cancel")
    >>> describe_diff(old, new)
    'changed touchpoint Call the hotline; removed transition Call the hotline → Cancels the contract'
    """
    parts = []
    if old.graph.get("name") != new.graph.get("name"):
        parts.append(f"renamed to {new.graph.get('name')}")
    for field in ("stages", "personas", "state", "description"):
        if old.graph.get(field) != new.graph.get(field):
            parts.append(f"changed {field}")

    def names(G, keys):
        listed = [_name(G, k) for k in keys]
        return ", ".join(listed[:5]) + (f" and {len(listed) - 5} more" if len(listed) > 5 else "")

    for verb, G, keys in (
        ("added", new, [k for k in new if k not in old]),
        ("removed", old, [k for k in old if k not in new]),
        ("changed", new, [k for k in new if k in old and new.nodes[k] != old.nodes[k]]),
    ):
        if keys:
            parts.append(f"{verb} touchpoint{'s' if len(keys) > 1 else ''} {names(G, keys)}")
    for verb, edges in (
        ("added", [e for e in new.edges if not old.has_edge(*e)]),
        ("removed", [e for e in old.edges if not new.has_edge(*e)]),
        ("changed", [e for e in new.edges if old.has_edge(*e) and old.edges[e] != new.edges[e]]),
    ):
        if edges:
            G = old if verb == "removed" else new
            shown = ", ".join(f"{_name(G, u)} → {_name(G, v)}" for u, v in edges[:5]) + (" …" if len(edges) > 5 else "")
            parts.append(f"{verb} transition{'s' if len(edges) > 1 else ''} {shown}")
    return "; ".join(parts) or "no changes"
