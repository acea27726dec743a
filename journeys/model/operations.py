"""Edits as operations: small JSON-able dicts that change a journey, so that undo and redo cover every edit.

The editor's map and its tables send each edit as a list of operations. :func:`apply` makes
the edited journey of them, :func:`diff` the operations between two journeys, and :func:`step`
both: the edited journey and the operations that undo the edit (redo applies the edit again).

Operations
----------
``{"op": "add", "key": k | None, "name": str, "stage": s, "backstage": bool, "before": k | None}``
    a touchpoint with every other field at its default, passed by all the journey's personas;
    its key is ``key`` or one made from the name. ``key``, ``backstage`` and ``before`` may be left out.
``{"op": "move", "keys": [k, ...], "stage": s, "backstage": bool | None, "before": k | None}``
    touchpoints (in their journey order) to a stage, to the front or back stage (None keeps it);
    their transitions stay. ``backstage`` and ``before`` may be left out.
``{"op": "connect", "source": k, "target": k, "share": float | None, "label": str}``
    a new transition; ``share`` and ``label`` may be left out.
``{"op": "disconnect", "source": k, "target": k}``
``{"op": "set", "key": k, "field": f, "value": v}``  a touchpoint field of ``TOUCHPOINT_FIELDS``
``{"op": "set_transition", "source": k, "target": k, "field": f, "value": v}``  a ``TRANSITION_FIELDS`` one
``{"op": "delete", "keys": [k, ...]}``  touchpoints, with their transitions
``{"op": "journey", "field": f, "value": v}``  one of ``JOURNEY_FIELDS``, a list as a whole
``{"op": "order", "nodes": [k, ...], "edges": [[k, k], ...]}``  every touchpoint and transition, in order
    (networkx lists transitions by their source, in the order of the touchpoints: ``edges`` orders each
    touchpoint's transitions among themselves)

``before`` places touchpoints just before that touchpoint in the journey's order; None places
them after the last touchpoint of their stage (the map shows a stage's touchpoints in that order).

An operation comes from a browser, so :func:`apply` trusts none: one that is no operation,
names what the journey does not have, or carries a value of the wrong kind or out of range
raises :class:`OperationError`, and nothing of the edit is applied. It does not validate the
journey (:mod:`journeys.model.validation` does, on saving): a draft may be invalid for a while,
say while the shares of a branch do not add up yet.
"""

from __future__ import annotations

import copy
import pickle

import networkx as nx

from journeys.i18n import t
from journeys.model.fields import TOUCHPOINT_FIELDS, TRANSITION_FIELDS
from journeys.model.graph import touchpoint_attrs, transition_attrs, unique_key
from journeys.model.text import brief
from journeys.model.values import CHECKS, JOURNEY_CHECKS, OperationError, ids, is_key, refused, unique

__all__ = ["OPERATIONS", "JOURNEY_FIELDS", "MAX_OPERATIONS", "OperationError", "apply", "diff", "step", "describe"]

OPERATIONS: dict[str, tuple[tuple[str, ...], dict]] = {  # op → its required parts, its optional ones with defaults
    "add": (("name", "stage"), {"key": None, "backstage": False, "before": None}),
    "move": (("keys", "stage"), {"backstage": None, "before": None}),
    "connect": (("source", "target"), {"share": None, "label": ""}),
    "disconnect": (("source", "target"), {}),
    "set": (("key", "field", "value"), {}),
    "set_transition": (("source", "target", "field", "value"), {}),
    "delete": (("keys",), {}),
    "journey": (("field", "value"), {}),
    "order": (("nodes", "edges"), {}),
}
JOURNEY_FIELDS = tuple(JOURNEY_CHECKS)  # name, description, state, stages, personas: the id is the store's
MAX_OPERATIONS = 1_000  # in one edit from the browser; each may move touchpoints through the whole journey
_TOUCHPOINT = {f.name: f for f in TOUCHPOINT_FIELDS}
_TRANSITION = {f.name: f for f in TRANSITION_FIELDS}


# --- applying operations ---


class _Draft:
    """The journey while an edit is applied: a copy of the graph, and the order of its touchpoints and
    transitions kept apart, so that placing a touchpoint does not rebuild the graph each time.

    The copy is deep, made through pickle: at 2,000 touchpoints ``copy.deepcopy`` took three times as long."""

    def __init__(self, G: nx.DiGraph, *, trusted: bool):
        self.G, self.trusted = pickle.loads(pickle.dumps(G, pickle.HIGHEST_PROTOCOL)), trusted
        self.nodes, self.edges = list(G), dict.fromkeys(G.edges)

    def journey(self) -> nx.DiGraph:
        H = nx.DiGraph()
        H.graph.update(self.G.graph)
        H.add_nodes_from((key, self.G.nodes[key]) for key in self.nodes)
        H.add_edges_from((u, v, self.G.edges[u, v]) for u, v in self.edges)
        return H

    def value(self, check, value, op: str, part: str, bounds=None):
        """``value`` as the journey keeps it; an edit made by :func:`diff` keeps a draft's value as it was."""
        return copy.deepcopy(value) if self.trusted else check(value, self.G, op, part, bounds)

    def key(self, value, op: str, part: str) -> str:
        """The key of one of the journey's touchpoints."""
        if not isinstance(value, str):
            raise refused(op, part, "key", value)
        if value not in self.G:
            raise OperationError("unknown_touchpoint", key=value)
        return value

    def keys(self, value, op: str, part: str) -> list[str]:
        if not isinstance(value, list | tuple):
            raise refused(op, part, "keys", value)
        keys = [self.key(key, op, part) for key in value]  # each exists: no flood of keys gets past here
        unique(keys, op, part)
        return keys

    def transition(self, parts: dict, op: str) -> tuple[str, str]:
        source, target = self.key(parts["source"], op, "source"), self.key(parts["target"], op, "target")
        if not self.G.has_edge(source, target):
            raise OperationError("no_transition", source=source, target=target)
        return source, target

    def before(self, value, op: str, moving) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise refused(op, "before", "key_or_null", value)
        if value in moving:
            raise OperationError("before_moved", key=value)
        return self.key(value, op, "before")

    def place(self, keys: list[str], stage, before: str | None) -> None:
        """Put ``keys`` just before ``before``, or (None) after the last other touchpoint of ``stage``."""
        moving = set(keys)
        rest = [key for key in self.nodes if key not in moving]
        if before is not None:
            at = rest.index(before)
        else:
            data = self.G.nodes
            at = next((i + 1 for i in range(len(rest) - 1, -1, -1) if data[rest[i]].get("stage") == stage), None)
            if at is None:  # the stage's first touchpoint: after those of the stages before it
                rank = {s: i for i, s in enumerate(ids(self.G.graph, "stages"))}
                last = len(rank)  # touchpoints of an unknown stage come last, as on the map

                def rank_of(s) -> int:
                    return rank.get(s, last) if isinstance(s, str) else last

                mine = rank_of(stage)
                at = next(
                    (i + 1 for i in range(len(rest) - 1, -1, -1) if rank_of(data[rest[i]].get("stage")) < mine), 0
                )
        self.nodes = [*rest[:at], *keys, *rest[at:]]


def _add(D: _Draft, op: str, parts: dict) -> None:
    name = D.value(CHECKS["text"], parts["name"], op, "name")
    stage = D.value(CHECKS["stage"], parts["stage"], op, "stage")
    backstage = D.value(CHECKS["flag"], parts["backstage"], op, "backstage")
    before, key = D.before(parts["before"], op, ()), parts["key"]
    if key is None:
        key = unique_key(name if isinstance(name, str) else "", D.G)
    elif not (is_key(key) or (D.trusted and isinstance(key, str))):
        raise refused(op, "key", "key_or_null", key)
    elif key in D.G:
        raise OperationError("key_taken", key=key)
    personas = ids(D.G.graph, "personas")  # as a new row of the editor's table: passed by every persona
    D.G.add_node(key, **touchpoint_attrs({"name": name, "stage": stage, "backstage": backstage, "personas": personas}))
    D.place([key], stage, before)


def _move(D: _Draft, op: str, parts: dict) -> None:
    keys = D.keys(parts["keys"], op, "keys")
    stage = D.value(CHECKS["stage"], parts["stage"], op, "stage")
    backstage = parts["backstage"]
    if not (backstage is None or isinstance(backstage, bool) or D.trusted):
        raise refused(op, "backstage", "flag_or_null", backstage)
    before, moving = D.before(parts["before"], op, set(keys)), set(keys)
    keys = [key for key in D.nodes if key in moving]  # they keep their order among themselves
    for key in keys:
        D.G.nodes[key]["stage"] = copy.deepcopy(stage)
        if backstage is not None:
            D.G.nodes[key]["backstage"] = backstage
    D.place(keys, stage, before)


def _connect(D: _Draft, op: str, parts: dict) -> None:
    source, target = D.key(parts["source"], op, "source"), D.key(parts["target"], op, "target")
    if D.G.has_edge(source, target):
        raise OperationError("transition_exists", source=source, target=target)
    share = D.value(CHECKS["number"], parts["share"], op, "share", _TRANSITION["share"].range)
    label = D.value(CHECKS["text"], parts["label"], op, "label")
    D.G.add_edge(source, target, **transition_attrs({"label": label, "share": share}))
    D.edges[source, target] = None


def _disconnect(D: _Draft, op: str, parts: dict) -> None:
    source, target = D.transition(parts, op)
    D.G.remove_edge(source, target)
    del D.edges[source, target]


def _field(fields: dict, name, op: str):
    if not isinstance(name, str) or name not in fields:
        raise OperationError("unknown_field", op=op, field=name)
    return fields[name]


def _set(D: _Draft, op: str, parts: dict) -> None:
    key = D.key(parts["key"], op, "key")
    field = _field(_TOUCHPOINT, parts["field"], op)
    D.G.nodes[key][field.name] = D.value(CHECKS[field.kind], parts["value"], op, field.name, field.range)


def _set_transition(D: _Draft, op: str, parts: dict) -> None:
    source, target = D.transition(parts, op)
    field = _field(_TRANSITION, parts["field"], op)
    D.G.edges[source, target][field.name] = D.value(CHECKS[field.kind], parts["value"], op, field.name, field.range)


def _delete(D: _Draft, op: str, parts: dict) -> None:
    gone = set(D.keys(parts["keys"], op, "keys"))
    for key in gone:
        for edge in [*D.G.in_edges(key), *D.G.out_edges(key)]:
            D.edges.pop(edge, None)  # a loop onto itself is both
    D.G.remove_nodes_from(gone)
    D.nodes = [key for key in D.nodes if key not in gone]


def _journey(D: _Draft, op: str, parts: dict) -> None:
    name = _field({field: field for field in JOURNEY_FIELDS}, parts["field"], op)
    D.G.graph[name] = D.value(JOURNEY_CHECKS[name], parts["value"], op, name)


def _order(D: _Draft, op: str, parts: dict) -> None:
    nodes, edges = parts["nodes"], parts["edges"]
    if not isinstance(nodes, list | tuple) or not all(isinstance(key, str) for key in nodes):
        raise refused(op, "nodes", "keys", nodes)
    if not isinstance(edges, list | tuple) or not all(
        isinstance(e, list | tuple) and len(e) == 2 and all(isinstance(key, str) for key in e) for e in edges
    ):
        raise refused(op, "edges", "pairs", edges)
    if len(nodes) != len(D.nodes) or set(nodes) != set(D.nodes):
        raise OperationError("order", part="nodes")
    pairs = [tuple(e) for e in edges]
    if len(pairs) != len(D.edges) or set(pairs) != set(D.edges):
        raise OperationError("order", part="edges")
    D.nodes, D.edges = list(nodes), dict.fromkeys(pairs)


_APPLY = {
    "add": _add, "move": _move, "connect": _connect, "disconnect": _disconnect, "set": _set,
    "set_transition": _set_transition, "delete": _delete, "journey": _journey, "order": _order,
}  # fmt: skip


def _parts(op) -> tuple[str, dict]:
    """The name of operation ``op`` and its parts, the optional ones filled in."""
    if not isinstance(op, dict):
        raise OperationError("not_an_object", type=type(op).__name__)
    if "op" not in op:
        raise OperationError("no_op")
    name = op["op"]
    if not isinstance(name, str) or name not in OPERATIONS:
        raise OperationError("unknown_op", op=name)
    required, optional = OPERATIONS[name]
    for part in op:
        if part != "op" and part not in required and part not in optional:
            raise OperationError("unexpected", op=name, part=part)
    for part in required:
        if part not in op:
            raise OperationError("missing", op=name, part=part)
    return name, {**optional, **op}


def apply(G: nx.DiGraph, ops, *, trusted: bool = False) -> nx.DiGraph:
    """Return a new journey: ``G`` with the operations ``ops`` applied in turn; ``G`` is left as it was.

    All or nothing: the first operation that cannot be applied raises :class:`OperationError`,
    as do more than ``MAX_OPERATIONS`` operations. ``trusted`` is for operations made by
    :func:`diff` and :func:`step` (undo) or by the workbench itself: they bring back a draft's
    values as they were, invalid ones too, so their values and their number are not checked
    (what they name must still be there).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> H = apply(G, [{"op": "add", "name": "Chat with a bot", "stage": "support", "before": "hotline"},
    ...               {"op": "connect", "source": "daily-use", "target": "chat-with-a-bot", "share": 0.1}])
    >>> [k for k in H if H.nodes[k]["stage"] == "support"], "chat-with-a-bot" in G
    (['chat-with-a-bot', 'hotline', 'line-check', 'remote-fix'], False)
    >>> H.nodes["chat-with-a-bot"]["personas"], H.edges["daily-use", "chat-with-a-bot"]
    (['petra', 'jonas'], {'label': '', 'share': 0.1})
    """
    if not isinstance(ops, list | tuple):
        raise OperationError("not_a_list", type=type(ops).__name__)
    if len(ops) > MAX_OPERATIONS and not trusted:
        raise OperationError("too_many_operations", count=len(ops), max=MAX_OPERATIONS)
    draft = _Draft(G, trusted=trusted)
    for index, op in enumerate(ops):
        try:
            name, parts = _parts(op)
            _APPLY[name](draft, name, parts)
        except OperationError as error:
            error.index = index
            raise
    return draft.journey()


# --- the operations between two journeys ---


def _changes(key: str, before: dict, after: dict) -> list[dict]:
    """A ``set`` for each touchpoint field that differs."""
    return [
        {"op": "set", "key": key, "field": f.name, "value": copy.deepcopy(after.get(f.name, f.default))}
        for f in TOUCHPOINT_FIELDS
        if before.get(f.name, f.default) != after.get(f.name, f.default)
    ]


def diff(G: nx.DiGraph, H: nx.DiGraph) -> list[dict]:
    """Return the operations that turn journey ``G`` into ``H``, field by field: only what differs.

    For normalized journeys (:func:`journeys.model.graph.normalize`) of the same id,
    ``journey_equal(apply(G, diff(G, H)), H)``. An ``order`` comes last, and only where
    the order of touchpoints or transitions would differ without it.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> H = apply(G, [{"op": "set", "key": "hotline", "field": "experience", "value": 4}])
    >>> diff(G, H)
    [{'op': 'set', 'key': 'hotline', 'field': 'experience', 'value': 4}]
    """
    ops = [
        {"op": "journey", "field": field, "value": copy.deepcopy(H.graph.get(field))}
        for field in JOURNEY_FIELDS
        if G.graph.get(field) != H.graph.get(field)
    ]
    if gone := [key for key in G if key not in H]:
        ops.append({"op": "delete", "keys": gone})
    ops += [
        {"op": "disconnect", "source": u, "target": v}
        for u, v in G.edges
        if u in H and v in H and (u, v) not in H.edges
    ]
    following, kept = {}, None  # for each touchpoint of H, the next one that G has too
    for key in reversed(list(H)):
        following[key], kept = kept, key if key in G else kept
    personas = ids(H.graph, "personas")
    for key, data in H.nodes(data=True):
        if key in G:
            ops += _changes(key, G.nodes[key], data)
            continue
        first = {f: data.get(f, _TOUCHPOINT[f].default) for f in ("name", "stage", "backstage")}
        ops.append({"op": "add", "key": key, **copy.deepcopy(first), "before": following[key]})
        ops += _changes(key, touchpoint_attrs({**first, "personas": personas}), data)
    for u, v, data in H.edges(data=True):
        values = {f.name: data.get(f.name, f.default) for f in TRANSITION_FIELDS}
        if not G.has_edge(u, v):
            ops.append({"op": "connect", "source": u, "target": v, **copy.deepcopy(values)})
            continue
        ops += [
            {"op": "set_transition", "source": u, "target": v, "field": f.name, "value": copy.deepcopy(value)}
            for f, value in zip(TRANSITION_FIELDS, values.values(), strict=True)
            if G.edges[u, v].get(f.name, f.default) != value
        ]
    same = G.nodes.keys() == H.nodes.keys() and G.edges.keys() == H.edges.keys()
    done = G if same else apply(G, ops, trusted=True)  # the same ones: the operations change values, not the order
    if list(done) != list(H) or list(done.edges) != list(H.edges):
        ops.append({"op": "order", "nodes": list(H), "edges": [[u, v] for u, v in H.edges]})
    return ops


def step(G: nx.DiGraph, ops, *, trusted: bool = False) -> tuple[nx.DiGraph, list[dict]]:
    """Return ``G`` with ``ops`` applied, and the operations that undo them.

    Undo is ``apply(after, undo, trusted=True)``; redo applies ``ops`` again.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from journeys.model.graph import journey_equal
    >>> G = broadband_demo()
    >>> after, undo = step(G, [{"op": "delete", "keys": ["hotline"]}])
    >>> "hotline" in after, journey_equal(apply(after, undo, trusted=True), G)
    (False, True)
    """
    after = apply(G, ops, trusted=trusted)
    return after, diff(after, G)


# --- what an edit did, in words ---


def describe(ops: list[dict], G: nx.DiGraph, lang: str = "en") -> list[str]:
    """Return one line per operation of ``ops`` (applied to ``G``), in language ``lang``, for undo and history.

    Touchpoints are named by their name, cut to 80 characters but not escaped: the page shows it as text.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> describe([{"op": "set", "key": "hotline", "field": "name", "value": "Call us"},
    ...           {"op": "delete", "keys": ["hotline", "cancel"]}], G)
    ['Renamed ‘Call the hotline’ to ‘Call us’', 'Deleted 2 touchpoints']
    >>> describe([{"op": "connect", "source": "hotline", "target": "cancel"}], G, "de")
    ['„Call the hotline“ → „Cancels the contract“ verbunden']
    """
    names = {key: data.get("name") for key, data in G.nodes(data=True)}
    stages = _stage_names(G.graph.get("stages"))

    def name(key) -> str:
        text = names.get(key)
        return str(brief(text if isinstance(text, str) and text.strip() else key, 80))

    def stage(key) -> str:
        text = stages.get(key) if isinstance(key, str) else None
        return str(brief(text if isinstance(text, str) and text.strip() else key, 80))

    lines = []
    for op in ops:
        kind = op["op"]
        if kind == "add":
            if op.get("key") is not None:
                names[op["key"]] = op["name"]
            lines.append(t("operation.added", lang, name=str(brief(op["name"], 80))))
        elif kind in ("move", "delete") and len(op["keys"]) == 1:
            key = op["keys"][0]
            one = "operation.moved" if kind == "move" else "operation.deleted"
            lines.append(t(one, lang, name=name(key), stage=stage(op.get("stage"))))
        elif kind == "move":
            lines.append(t("operation.moved_many", lang, count=len(op["keys"]), stage=stage(op["stage"])))
        elif kind == "delete":
            lines.append(t("operation.deleted_many", lang, count=len(op["keys"])))
        elif kind in ("connect", "disconnect"):
            done = "operation.connected" if kind == "connect" else "operation.disconnected"
            lines.append(t(done, lang, source=name(op["source"]), target=name(op["target"])))
        elif kind == "set" and op["field"] == "name":
            lines.append(t("operation.renamed", lang, old=name(op["key"]), name=str(brief(op["value"], 80))))
            names[op["key"]] = op["value"]
        elif kind == "set":
            field = t(f"compare.field.{op['field']}", lang)
            lines.append(t("operation.changed", lang, name=name(op["key"]), field=field))
        elif kind == "set_transition":
            field = t(f"compare.field.{op['field']}", lang)
            lines.append(t("operation.changed_transition", lang, source=name(op["source"]),
                           target=name(op["target"]), field=field))  # fmt: skip
        elif kind == "journey":
            if op["field"] == "stages":
                stages = _stage_names(op["value"])
            title = str(brief(op["value"], 80)) if op["field"] == "name" else ""
            lines.append(t(f"operation.journey.{op['field']}", lang, name=title))
        else:
            lines.append(t("operation.reordered", lang))
    return lines


def _stage_names(stages) -> dict[str, str]:
    items = stages if isinstance(stages, list) else []
    return {s["id"]: s.get("name") for s in items if isinstance(s, dict) and isinstance(s.get("id"), str)}
