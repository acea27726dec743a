"""Translation between a journey graph and its rows, in both directions.

``read_graph`` loads a journey with one query per table. ``changes_between`` finds what differs
between two versions of a journey and ``write_changes`` writes only that: a changed
touchpoint is one UPDATE of the columns that changed, its needs or pain points are
rewritten only when they changed. ``describe`` tells the difference as records (``store.summaries``), and
``patch`` / ``apply_patch`` keep it as a revision (see ``store.repository``).

The statements are built once, with bound parameters, and run on the session's
connection: building and compiling a statement on every call cost more than running
it (docs/performance.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain, compress, groupby
from operator import ne

import networkx as nx
from sqlalchemy import Connection, bindparam, delete, insert, literal_column, null, select, union_all, update
from sqlmodel import Session

from journeys.model.fields import TOUCHPOINT_FIELDS, TRANSITION_FIELDS
from journeys.model.graph import journey_attrs, touchpoint_attrs, transition_attrs
from store.models import Emotion, Journey, Need, PainPoint, Persona, Stage, Touchpoint, TouchpointPersona, Transition
from store.summaries import JOURNEY_FIELDS as TOLD_FIELDS
from store.summaries import SHOWN

__all__ = [
    "Changes",
    "apply_patch",
    "changes_between",
    "describe",
    "describe_diff",
    "patch",
    "read_graph",
    "read_journey",
    "write_changes",
    "write_diff",
]

TP_COLUMNS = tuple(f.name for f in TOUCHPOINT_FIELDS if f.scalar)  # a touchpoint's own columns, but its stage
CHILD_MODELS = {"personas": TouchpointPersona, "emotions": Emotion, "needs": Need, "pains": PainPoint}
PERSONA_COLUMNS = ("name", "segment", "goals", "quote", "value")
TRANSITION_COLUMNS = tuple(f.name for f in TRANSITION_FIELDS if f.scalar)
for _model, _columns in ((Touchpoint, TP_COLUMNS), (Transition, TRANSITION_COLUMNS)):
    if _missing := [c for c in _columns if c not in _model.model_fields]:  # say what to do, not AttributeError
        raise TypeError(
            f"{_model.__name__} has no column for the declared field(s) {', '.join(_missing)}: add it to "
            "store/models.py and write a migration (docs/contributing.md)"
        )
JOURNEY_FIELDS = ("name", "description", "state", "stages", "personas")
PATCH = 1  # the version of the patch format (see patch)

# --- reading ---

_JOURNEY_ID = bindparam("journey_id")


def _of_touchpoints(model, *columns):
    """``columns`` of the journey's rows of ``model``, a table of touchpoint details."""
    query = select(*columns).join(Touchpoint, model.touchpoint_id == Touchpoint.id)
    return query.where(Touchpoint.journey_id == _JOURNEY_ID)


def _part(number: int):
    return literal_column(str(number)).label("part")


_READ_JOURNEY = select(
    Journey.name, Journey.description, Journey.state, Journey.version, Journey.deleted_at, Journey.lifetime
).where(Journey.id == _JOURNEY_ID)
# Few statements, each tagging its rows with the table they come from: a statement costs more
# than its rows for a small journey. Stages and personas together, in their order:
_READ_LISTS = union_all(
    select(_part(0), Stage.id, Stage.key, Stage.name, *[null()] * 4, Stage.position).where(
        Stage.journey_id == _JOURNEY_ID
    ),
    select(_part(1), Persona.id, Persona.key, *(getattr(Persona, c) for c in PERSONA_COLUMNS), Persona.position).where(
        Persona.journey_id == _JOURNEY_ID
    ),
).order_by("part", "position")
_READ_TOUCHPOINTS = (
    select(Touchpoint.id, Touchpoint.key, Touchpoint.stage_id, *(getattr(Touchpoint, c) for c in TP_COLUMNS))
    .where(Touchpoint.journey_id == _JOURNEY_ID)
    .order_by(Touchpoint.position)
)
# every detail of every touchpoint: persona links, emotions (in the personas' order), needs, pain points
_READ_DETAILS = union_all(
    _of_touchpoints(TouchpointPersona, _part(0), TouchpointPersona.touchpoint_id, TouchpointPersona.persona_id,
                    TouchpointPersona.position.label("place"), *[null()] * 4),
    _of_touchpoints(Emotion, _part(1), Emotion.touchpoint_id, Emotion.persona_id, Persona.position, Emotion.value,
                    *[null()] * 3).join(Persona, Persona.id == Emotion.persona_id),
    _of_touchpoints(Need, _part(2), Need.touchpoint_id, Need.persona_id, Need.position, null(),
                    Need.text, Need.motivation, Need.kind),
    _of_touchpoints(PainPoint, _part(3), PainPoint.touchpoint_id, PainPoint.persona_id, PainPoint.position,
                    PainPoint.severity, PainPoint.text, PainPoint.evidence, null()),
).order_by("part", "place")  # fmt: skip
_READ_TRANSITIONS = (
    select(Transition.source_id, Transition.target_id, *(getattr(Transition, c) for c in TRANSITION_COLUMNS))
    .where(Transition.journey_id == _JOURNEY_ID)
    .order_by(Transition.position)
)


def read_journey(
    session: Session, journey_id: str, *, deleted: bool = False, lifetime: str | None = None
) -> tuple[nx.DiGraph, int] | None:
    """Return the journey stored under ``journey_id`` as a graph, and its version; None if there is none.

    A journey in the trash counts only with ``deleted``; with ``lifetime``, only the journey of
    that lifetime counts (not one stored under the same id after it was deleted for good).
    """
    found = session.execute(_READ_JOURNEY, {"journey_id": journey_id}).first()
    if found is None or (found.deleted_at is not None and not deleted):
        return None
    if lifetime is not None and found.lifetime != lifetime:
        return None
    return _read(session, journey_id, found.name, found.description, found.state), found.version


def read_graph(session: Session, journey: Journey) -> nx.DiGraph:
    """Return the journey stored under ``journey`` as a graph."""
    return _read(session, journey.id, journey.name, journey.description, journey.state)


def _read(session: Session, jid: str, name: str, description: str, state: str) -> nx.DiGraph:
    def fetch(statement) -> list:
        return session.execute(statement, {"journey_id": jid}).all()

    # columns, not ORM objects: building an object per row costs ten times the query (docs/performance.md)
    lists = fetch(_READ_LISTS)
    stages = [row[1:4] for row in lists if row[0] == 0]
    personas = [row[1:8] for row in lists if row[0] == 1]
    G = nx.DiGraph()
    G.graph.update(  # as new_journey makes it, without copying what was just read
        id=jid,
        name=name,
        description=description,
        state=state,
        stages=[{"id": key, "name": stage} for _, key, stage in stages],
        personas=[dict(zip(("id", *PERSONA_COLUMNS), row[1:], strict=True)) for row in personas],
    )
    stage_key = {row[0]: row[1] for row in stages}
    persona_key = {row[0]: row[1] for row in personas}
    key_of, by_id, nodes = {}, {}, {}
    for tid, key, stage_id, *values in fetch(_READ_TOUCHPOINTS):
        key_of[tid] = key
        own = dict(zip(TP_COLUMNS, values, strict=True))
        # the attributes in the order of their declaration, as normalize gives them; the lists are filled in below
        by_id[tid] = nodes[key] = {
            f.name: own[f.name] if f.scalar else stage_key[stage_id] if f.kind == "stage" else type(f.default)()
            for f in TOUCHPOINT_FIELDS
        }
    for part, tid, pid, _, number, text, detail, kind in fetch(_READ_DETAILS):
        node = by_id[tid]
        if part == 0:
            node["personas"].append(persona_key[pid])
        elif part == 1:
            node["emotions"][persona_key[pid]] = number
        elif part == 2:
            node["needs"].append({"text": text, "motivation": detail, "kind": kind, "persona": persona_key.get(pid)})
        else:
            node["pains"].append(
                {"text": text, "severity": number, "evidence": detail, "persona": persona_key.get(pid)}
            )
    G.add_nodes_from(nodes.items())
    transitions = fetch(_READ_TRANSITIONS)
    G.add_edges_from(
        (key_of[u], key_of[v], dict(zip(TRANSITION_COLUMNS, rest, strict=True))) for u, v, *rest in transitions
    )
    return G


# --- comparing ---


@dataclass
class Changes:
    """What differs from one version of a journey (``old``) to the next (``new``), attributes normalized.

    Touchpoints and transitions are listed in the new journey's order, removed ones in the old one's.
    """

    journey: dict = field(default_factory=dict)  # the JOURNEY_FIELDS that changed, with their new values
    touchpoints: dict = field(default_factory=dict)  # added and changed touchpoints: key → attributes
    before: dict = field(default_factory=dict)  # changed touchpoints: key → attributes before
    removed: list = field(default_factory=list)  # keys of the removed touchpoints
    order: list | None = None  # every touchpoint in order, when that is not the old order less removed plus added
    transitions: dict = field(default_factory=dict)  # added and changed transitions: (source, target) → attributes
    transitions_before: dict = field(default_factory=dict)  # changed transitions: (source, target) → attributes before
    transitions_removed: list = field(default_factory=list)  # (source, target) of the removed transitions
    successors: dict = field(default_factory=dict)  # source → its targets, where not in the old order (less, plus)
    moved: bool = False  # a touchpoint or transition changed its place in the order
    # what differs as given, before normalizing: what a save validates
    retitled: bool = False  # the journey's own attributes, stages or personas
    differ: list = field(default_factory=list)  # touchpoints (added ones included)
    sources: list = field(default_factory=list)  # touchpoints whose transitions differ (or all, if the order does)

    @property
    def added(self) -> list[str]:
        return [key for key in self.touchpoints if key not in self.before]

    @property
    def transitions_added(self) -> list[tuple[str, str]]:
        return [edge for edge in self.transitions if edge not in self.transitions_before]


def _transition(data: dict) -> dict:
    """The stored attributes of a transition, normalized."""
    attrs = transition_attrs(data)
    return {c: attrs[c] for c in TRANSITION_COLUMNS}


def changes_between(old: nx.DiGraph, new: nx.DiGraph) -> Changes:
    """Return what differs from journey ``old`` to journey ``new`` (either may lack default attributes).

    Every touchpoint is compared, as a whole and in C (``map``), before the few that differ
    are normalized and compared again: a save of one touchpoint in a large journey
    costs little more than reading the two graphs once.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> old = broadband_demo()
    >>> new = old.copy()
    >>> new.nodes["hotline"]["experience"] = 2
    >>> new.remove_edge("hotline", "cancel")
    >>> changes = changes_between(old, new)
    >>> list(changes.touchpoints), changes.transitions_removed, changes.moved
    (['hotline'], [('hotline', 'cancel')], True)
    """
    changes = Changes()
    changes.retitled = any(old.graph.get(f) != new.graph.get(f) for f in JOURNEY_FIELDS)
    if changes.retitled:
        before, after = journey_attrs(old.graph), journey_attrs(new.graph)
        changes.journey = {f: after[f] for f in JOURNEY_FIELDS if before[f] != after[f]}

    old_nodes, new_nodes = old.nodes, new.nodes
    same_order = list(old_nodes) == list(new_nodes)
    if same_order:
        differ = list(compress(new_nodes, map(ne, old_nodes.values(), new_nodes.values())))
    else:
        differ = [key for key, data in new_nodes.items() if key not in old_nodes or old_nodes[key] != data]
        changes.removed = [key for key in old_nodes if key not in new_nodes]
    changes.differ = differ
    for key in differ:
        data = touchpoint_attrs(new_nodes[key])
        if key in old_nodes:
            before = touchpoint_attrs(old_nodes[key])
            if before == data:
                continue
            changes.before[key] = before
        changes.touchpoints[key] = data
    if not same_order and [k for k in old_nodes if k in new_nodes] + changes.added != list(new_nodes):
        changes.order = list(new_nodes)

    old_adj, new_adj = old.succ, new.succ
    if same_order:
        sources = list(compress(new_adj, map(ne, old_adj.values(), new_adj.values())))
        if list(chain.from_iterable(old_adj.values())) != list(chain.from_iterable(new_adj.values())):
            # transitions in another order (dicts compare equal in any order)
            differing = set(sources)
            sources = [u for u in new_adj if u in differing or list(old_adj[u]) != list(new_adj[u])]
    else:
        sources = list(new_adj)
    changes.sources = sources
    for u in sources:
        before_succ, after_succ = old_adj.get(u, {}), new_adj[u]
        for v, data in after_succ.items():
            if v not in before_succ:
                changes.transitions[(u, v)] = _transition(data)
            elif before_succ[v] != data:
                before, after = _transition(before_succ[v]), _transition(data)
                if before != after:
                    changes.transitions[(u, v)] = after
                    changes.transitions_before[(u, v)] = before
        kept = [v for v in before_succ if v in after_succ]
        if kept + [v for v in after_succ if v not in before_succ] != list(after_succ):
            changes.successors[u] = list(after_succ)
    if same_order:  # the sources are in the old order, and no touchpoint was removed
        leaving = sources
    else:
        looked_at = set(sources)
        leaving = [u for u in old_adj if u in looked_at or u not in new_adj]
    for u in leaving:
        before_succ, after_succ = old_adj[u], new_adj.get(u, {})
        changes.transitions_removed.extend((u, v) for v in before_succ if v not in after_succ)
    changes.moved = not same_order or bool(
        changes.transitions_removed or changes.successors or len(changes.transitions) > len(changes.transitions_before)
    )
    return changes


def _name(G: nx.DiGraph, key) -> str:
    return str(G.nodes[key].get("name") or key)


def describe(changes: Changes, old: nx.DiGraph, new: nx.DiGraph) -> list[dict]:
    """Return what ``changes`` (found by ``changes_between(old, new)``) did, as the records of
    :mod:`store.summaries`: JSON-ready, in no language; :func:`store.summaries.render` tells them."""
    records = []
    if "name" in changes.journey:
        records.append({"op": "renamed", "name": new.graph.get("name")})
    records += [{"op": "changed", "what": f} for f in TOLD_FIELDS if f in changes.journey]
    for op, G, keys in (
        ("added", new, changes.added),
        ("removed", old, changes.removed),
        ("changed", new, list(changes.before)),
    ):
        if keys:
            names = [_name(G, k) for k in keys[:SHOWN]]
            records.append({"op": op, "what": "touchpoint", "names": names, "more": len(keys) - len(names)})
    for op, edges in (
        ("added", changes.transitions_added),
        ("removed", changes.transitions_removed),
        ("changed", list(changes.transitions_before)),
    ):
        if edges:
            G = old if op == "removed" else new
            names = [[_name(G, u), _name(G, v)] for u, v in edges[:SHOWN]]
            records.append({"op": op, "what": "transition", "names": names, "more": len(edges) - len(names)})
    return records


def describe_diff(old: nx.DiGraph, new: nx.DiGraph) -> list[dict]:
    """Return what changed from ``old`` to ``new`` as records (see :func:`describe`).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from store.summaries import render
    >>> old = broadband_demo()
    >>> new = old.copy()
    >>> new.nodes["hotline"]["experience"] = 2
    >>> new.remove_edge("hotline", "cancel")
    >>> describe_diff(old, new)  # doctest: +NORMALIZE_WHITESPACE
    [{'op': 'changed', 'what': 'touchpoint', 'names': ['Call the hotline'], 'more': 0},
     {'op': 'removed', 'what': 'transition', 'names': [['Call the hotline', 'Cancels the contract']], 'more': 0}]
    >>> render(describe_diff(old, new), "en")
    'changed touchpoint Call the hotline; removed transition Call the hotline → Cancels the contract'
    """
    return describe(changes_between(old, new), old, new)


# --- revisions ---


def patch(changes: Changes, base: int) -> dict:
    """Return ``changes`` as a revision patch: JSON-ready, what turns version ``base`` into the next one.

    A patch holds only what changed, so that a save of one touchpoint does not store the
    whole journey again; ``apply_patch`` replays it on the document of version ``base``.
    """
    doc = {"patch": PATCH, "base": base}
    parts = {
        "journey": changes.journey,
        "touchpoints": [[key, data] for key, data in changes.touchpoints.items()],
        "removed": changes.removed,
        "order": changes.order,
        "transitions": [[u, v, data] for (u, v), data in changes.transitions.items()],
        "transitions_removed": [[u, v] for u, v in changes.transitions_removed],
        "successors": changes.successors,
    }
    return doc | {name: part for name, part in parts.items() if part}


def apply_patch(doc: dict, revision_patch: dict) -> dict:
    """Return the journey document (the JSON format) ``doc`` with ``revision_patch`` applied.

    Examples
    --------
    >>> from journeys.io.interchange import to_document
    >>> from journeys.demo import broadband_demo
    >>> old = broadband_demo()
    >>> new = old.copy()
    >>> new.nodes["hotline"]["experience"] = 2
    >>> new.remove_edge("hotline", "cancel")
    >>> after = apply_patch(to_document(old), patch(changes_between(old, new), 1))
    >>> {k: v for k, v in after.items() if k != "exported_at"} == {
    ...     k: v for k, v in to_document(new).items() if k != "exported_at"}
    True
    """
    if revision_patch.get("patch") != PATCH:
        raise ValueError(f"unknown revision patch format {revision_patch.get('patch')!r}")
    nodes = {node["id"]: node for node in doc["nodes"]}
    for key in revision_patch.get("removed", ()):
        del nodes[key]
    for key, data in revision_patch.get("touchpoints", ()):
        nodes[key] = {"id": key, **data}  # a changed one keeps its place, an added one comes last
    if "order" in revision_patch:
        nodes = {key: nodes[key] for key in revision_patch["order"]}
    successors = defaultdict(dict)
    for edge in doc["edges"]:
        successors[edge["source"]][edge["target"]] = edge
    for u, v in revision_patch.get("transitions_removed", ()):
        del successors[u][v]
    for u, v, data in revision_patch.get("transitions", ()):
        successors[u][v] = {**data, "source": u, "target": v}
    for u, targets in revision_patch.get("successors", {}).items():
        successors[u] = {v: successors[u][v] for v in targets}
    return {
        **doc,
        "graph": {**doc["graph"], **revision_patch.get("journey", {})},
        "nodes": list(nodes.values()),
        "edges": [edge for u in nodes for edge in successors.get(u, {}).values()],
    }


# --- writing ---

_J = bindparam("j_id")
_KEYS = bindparam("keys", expanding=True)
_UPDATE_TOUCHPOINT = update(Touchpoint).where(Touchpoint.journey_id == _J, Touchpoint.key == bindparam("tp_key"))
_DELETE_TOUCHPOINTS = delete(Touchpoint).where(Touchpoint.journey_id == _J, Touchpoint.key.in_(_KEYS))
_EDGE = (Transition.source_id == bindparam("s_id"), Transition.target_id == bindparam("t_id"))
_UPDATE_TRANSITION = update(Transition).where(*_EDGE)
_DELETE_TRANSITION = delete(Transition).where(*_EDGE)
_DELETE_CHILDREN = {
    model: delete(model).where(model.touchpoint_id.in_(bindparam("ids", expanding=True)))
    for model in CHILD_MODELS.values()
}
_INSERT = {model: insert(model) for model in (Touchpoint, Transition, *CHILD_MODELS.values())}
_SOME_IDS = select(Touchpoint.key, Touchpoint.id).where(Touchpoint.journey_id == _J, Touchpoint.key.in_(_KEYS))
_ALL_IDS = {model: select(model.key, model.id).where(model.journey_id == _J) for model in (Touchpoint, Stage, Persona)}
_FEW = 100  # up to this many touchpoints, their ids are read by key; else all of the journey's


def _ids(connection: Connection, model, journey_id: str, keys=None) -> dict[str, int]:
    """Row id by key of the journey's stages, personas or touchpoints (of ``keys`` only, when they are few)."""
    if keys is not None and len(keys) <= _FEW:
        return dict(connection.execute(_SOME_IDS, {"j_id": journey_id, "keys": list(keys)}).all()) if keys else {}
    return dict(connection.execute(_ALL_IDS[model], {"j_id": journey_id}).all())


def _run(connection: Connection, statement, rows: list[dict]) -> None:
    """Execute ``statement`` for every row, in one executemany per set of columns."""
    columns = lambda row: tuple(row)  # noqa: E731
    for _, group in groupby(sorted(rows, key=columns), key=columns):
        connection.execute(statement, list(group))


def _sync_keyed(session, model, journey_id, old_items, new_items, columns) -> dict[str, int]:
    """Insert and update stages or personas; return key → row id (deletions come last)."""
    old = {item["id"]: (i, item) for i, item in enumerate(old_items)}
    connection = session.connection()
    ids = _ids(connection, model, journey_id)
    added = []
    for position, item in enumerate(new_items):
        values = {c: item.get(c) for c in columns}
        if item["id"] not in old:
            added.append({"journey_id": journey_id, "key": item["id"], "position": position, **values})
        elif old[item["id"]] != (position, item):
            session.execute(update(model).where(model.id == ids[item["id"]]).values(position=position, **values))
    if added:
        session.execute(insert(model), added)
        ids = _ids(connection, model, journey_id)
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


def write_changes(session: Session, journey_id: str, old: nx.DiGraph, new: nx.DiGraph, changes: Changes) -> None:
    """Write ``changes``, found by ``changes_between(old, new)``, to the rows of journey ``journey_id`` (which hold ``old``)."""
    connection = session.connection()
    nodes, added = changes.touchpoints, changes.added
    stage_id = persona_id = None
    if "stages" in changes.journey or "personas" in changes.journey:
        before, after = journey_attrs(old.graph), journey_attrs(new.graph)
        stage_id = _sync_keyed(session, Stage, journey_id, before["stages"], after["stages"], ("name",))
        persona_id = _sync_keyed(session, Persona, journey_id, before["personas"], after["personas"], PERSONA_COLUMNS)
    rewrite = defaultdict(list)  # child model → keys of the touchpoints whose rows of it are written anew
    for key, before_data in changes.before.items():
        for name, model in CHILD_MODELS.items():
            if before_data[name] != nodes[key][name]:
                rewrite[model].append(key)
    ends = chain.from_iterable((*changes.transitions, *changes.transitions_removed))
    wanted = {*chain.from_iterable(rewrite.values()), *ends}
    tp_id = (
        _ids(connection, Touchpoint, journey_id, None if changes.moved else wanted) if wanted or changes.moved else {}
    )

    if changes.transitions_removed:
        rows = [{"s_id": tp_id[u], "t_id": tp_id[v]} for u, v in changes.transitions_removed]
        connection.execute(_DELETE_TRANSITION, rows)
    if changes.removed:
        connection.execute(_DELETE_TOUCHPOINTS, {"j_id": journey_id, "keys": changes.removed})

    position = {}
    if changes.moved:  # positions are numbered 0, 1, 2 … in order: renumber those that changed
        position = {key: i for i, key in enumerate(new)}
        was = {key: i for i, key in enumerate(old)}
        moved = {key: {"position": i} for key, i in position.items() if key in was and was[key] != i}
    else:
        moved = {}
    updates = moved
    for key, before_data in changes.before.items():
        data = nodes[key]
        values = {c: data[c] for c in TP_COLUMNS if data[c] != before_data[c]}
        if data["stage"] != before_data["stage"]:
            stage_id = stage_id or _ids(connection, Stage, journey_id)
            values["stage_id"] = stage_id[data["stage"]]
        if values:
            updates[key] = updates.get(key, {}) | values
    if updates:
        rows = [{"j_id": journey_id, "tp_key": key, **values} for key, values in updates.items()]
        _run(connection, _UPDATE_TOUCHPOINT, rows)
    if added:
        stage_id = stage_id or _ids(connection, Stage, journey_id)
        rows = [
            {"journey_id": journey_id, "key": key, **{c: nodes[key][c] for c in TP_COLUMNS}}
            | {"stage_id": stage_id[nodes[key]["stage"]], "position": position[key]}
            for key in added
        ]
        connection.execute(_INSERT[Touchpoint], rows)
        tp_id |= _ids(connection, Touchpoint, journey_id, added)

    for model, keys in rewrite.items():
        connection.execute(_DELETE_CHILDREN[model], {"ids": [tp_id[k] for k in keys]})
    if added or rewrite:
        persona_id = persona_id or _ids(connection, Persona, journey_id)
        children = defaultdict(list)
        for key in added:
            for model, rows in _children_rows(nodes[key], tp_id[key], persona_id).items():
                children[model].extend(rows)
        for model, keys in rewrite.items():
            for key in keys:
                children[model].extend(_children_rows(nodes[key], tp_id[key], persona_id)[model])
        for model, rows in children.items():
            if rows:
                connection.execute(_INSERT[model], rows)

    edge_position = {edge: i for i, edge in enumerate(new.edges)} if changes.moved else {}
    updates, inserts = {}, []
    if changes.moved:
        was = {edge: i for i, edge in enumerate(old.edges)}
        updates = {e: {"position": i} for e, i in edge_position.items() if e in was and was[e] != i}
    for (u, v), data in changes.transitions.items():
        if (u, v) in changes.transitions_before:
            before_data = changes.transitions_before[(u, v)]
            values = {c: data[c] for c in TRANSITION_COLUMNS if data[c] != before_data[c]}
            updates[(u, v)] = updates.get((u, v), {}) | values
        else:
            inserts.append(
                {"journey_id": journey_id, "source_id": tp_id[u], "target_id": tp_id[v], **data}
                | {"position": edge_position[(u, v)]}
            )
    if updates:
        _run(
            connection,
            _UPDATE_TRANSITION,
            [{"s_id": tp_id[u], "t_id": tp_id[v], **values} for (u, v), values in updates.items()],
        )
    if inserts:
        connection.execute(_INSERT[Transition], inserts)

    if "stages" in changes.journey or "personas" in changes.journey:
        for model, name in ((Stage, "stages"), (Persona, "personas")):
            gone = {i["id"] for i in before[name]} - {i["id"] for i in after[name]}
            if gone:
                session.execute(delete(model).where(model.journey_id == journey_id, model.key.in_(gone)))


def write_diff(session: Session, journey_id: str, old: nx.DiGraph, new: nx.DiGraph) -> None:
    """Write the difference between graph ``old`` (what is stored) and ``new``."""
    write_changes(session, journey_id, old, new, changes_between(old, new))
