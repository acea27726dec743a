"""Three-way merge of journeys: two people's changes to one version, field by field.

``base`` is the version both began with, ``mine`` one person's journey, ``theirs`` what was
saved meanwhile. :func:`merge` takes every change made on one side only, and the same change
made on both; what the two sides changed differently is a :class:`Conflict`:

- the same field of the same item (a touchpoint, a transition, a stage, a persona or the
  journey itself) changed to two different values;
- an item removed on one side and changed on the other (for a touchpoint, a changed or new
  transition to or from it counts as a change);
- the order of the touchpoints (or of stages, personas or a touchpoint's transitions)
  changed on both sides in different ways.

Items are matched by their keys (touchpoints, transitions by their two touchpoints, stages and
personas by their ``id``). A field is compared as a whole: two people editing a touchpoint's
pain points at once conflict on ``pains``, whatever the points. A conflict is settled by
choosing ``"mine"`` or ``"theirs"`` for its :attr:`Conflict.id` (``choose``).

The merged journey is not validated here: the shares leaving a touchpoint, for one, may add up
to more than one when each side added a transition. Whoever saves it validates it
(:func:`journeys.model.validation.check`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from journeys.model.graph import (
    GRAPH_DEFAULTS,
    PERSONA_DEFAULTS,
    TOUCHPOINT_DEFAULTS,
    TRANSITION_DEFAULTS,
    journey_attrs,
    touchpoint_attrs,
    transition_attrs,
)

__all__ = ["MINE", "THEIRS", "WHAT", "Conflict", "Merged", "merge", "value_of"]

MINE, THEIRS = "mine", "theirs"
WHAT = ("journey", "stage", "persona", "touchpoint", "transition")
JOURNEY_SCALARS = ("name", "description", "state")
STAGE_DEFAULTS = {"id": "", "name": ""}
ORDER = "order"  # the field of a conflict about the order of items
WHOLE = ""  # the field of a conflict about an item removed on one side, changed on the other


@dataclass(frozen=True)
class Conflict:
    """One thing both sides changed differently.

    ``what`` is one of :data:`WHAT`; ``key`` the item (a touchpoint key, a ``(source, target)``
    pair, a stage or persona id, ``""`` for the journey); ``field`` the attribute, ``"order"``
    for the order of the items in it, or ``""`` for the item as a whole, removed on one side
    (its value there is None) and changed on the other. ``mine`` and ``theirs`` are the two
    values; ``by`` who made the other change, where the caller knows it.
    """

    what: str
    key: Any
    field: str
    mine: Any
    theirs: Any
    by: str = ""

    @property
    def id(self) -> str:
        """A stable text naming the conflict, for :func:`merge`'s ``choose``."""
        key = "→".join(self.key) if isinstance(self.key, tuple) else str(self.key)
        return f"{self.what}:{key}:{self.field}"


@dataclass
class Merged:
    """What :func:`merge` returns: the merged journey and the conflicts left (unchosen)."""

    graph: nx.DiGraph
    conflicts: list[Conflict] = field(default_factory=list)


class _Merger:
    def __init__(self, choose: Mapping[str, str]):
        self.choose = choose
        self.conflicts: list[Conflict] = []

    def pick(self, conflict: Conflict) -> Any:
        """The chosen value of ``conflict``; theirs (for now) when none was chosen, the conflict noted."""
        choice = self.choose.get(conflict.id)
        if choice == MINE:
            return conflict.mine
        if choice != THEIRS:
            self.conflicts.append(conflict)
        return conflict.theirs

    def value(self, what: str, key: Any, name: str, b: Any, m: Any, t: Any) -> Any:
        if m in (t, b):
            return t
        if t == b:
            return m
        return self.pick(Conflict(what, key, name, m, t))

    def item(self, what: str, key: Any, b: dict | None, m: dict | None, t: dict | None, defaults: dict) -> dict | None:
        """One item merged field by field (None: it is gone); ``b``, ``m``, ``t`` normalized or None."""
        if m in (t, b):
            return t
        if t == b:
            return m
        if m is None or t is None:  # removed on one side, changed on the other
            return self.pick(Conflict(what, key, WHOLE, m, t))
        b = b if b is not None else defaults  # added on both sides under one key
        return {name: self.value(what, key, name, b.get(name), m.get(name), t.get(name)) for name in defaults}

    def order(self, what: str, key: Any, b: list, m: list, t: list, kept: Iterable[Hashable]) -> list:
        """The merged order of the items ``kept``: the order of the side that moved some, the items new on the
        other side placed after the item they follow there."""
        kept = set(kept)
        everywhere = [k for k in b if k in kept and k in set(m) and k in set(t)]
        common = set(everywhere)
        m_order, t_order = [k for k in m if k in common], [k for k in t if k in common]
        moved_mine = m_order not in (everywhere, t_order)  # and not as theirs were
        lead, other = t, m
        if moved_mine and (t_order == everywhere or self.pick(Conflict(what, key, ORDER, m_order, t_order)) == m_order):
            lead, other = m, t
        out = [k for k in lead if k in kept]
        placed = set(out)
        for i, k in enumerate(other):
            if k in kept and k not in placed:
                before = next((p for p in reversed(other[:i]) if p in placed), None)
                out.insert(0 if before is None else out.index(before) + 1, k)
                placed.add(k)
        return out


def _by_id(items: list[dict], defaults: dict) -> dict[str, dict]:
    return {item["id"]: {**defaults, **item} for item in items}


def _touched(G: nx.DiGraph, base: nx.DiGraph, key: str) -> bool:
    """Whether ``G`` changed touchpoint ``key`` from ``base``: its fields, or a transition to or from it."""
    if touchpoint_attrs(G.nodes[key]) != touchpoint_attrs(base.nodes[key]):
        return True
    edges = list(G.in_edges(key, data=True)) + list(G.out_edges(key, data=True))
    return any(
        not base.has_edge(u, v) or transition_attrs(base.edges[u, v]) != transition_attrs(d) for u, v, d in edges
    )


def _nodes(G: nx.DiGraph) -> dict[str, dict]:
    return dict(G.nodes(data=True))


def merge(base: nx.DiGraph, mine: nx.DiGraph, theirs: nx.DiGraph, *, choose: Mapping[str, str] | None = None) -> Merged:
    """Return ``theirs`` with the changes from ``base`` to ``mine`` brought in, and what conflicts.

    ``choose`` settles conflicts: :attr:`Conflict.id` → ``"mine"`` or ``"theirs"``. A conflict
    not chosen is listed in the result, whose journey holds ``theirs``'s value there for now.
    The journey's id is ``theirs``'s.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> base = broadband_demo()
    >>> mine, theirs = base.copy(), base.copy()
    >>> mine.nodes["hotline"]["experience"] = 2
    >>> theirs.nodes["hotline"]["owner"] = "Service"
    >>> theirs.nodes["online-order"]["experience"] = 5
    >>> result = merge(base, mine, theirs)
    >>> result.conflicts, result.graph.nodes["hotline"]["experience"], result.graph.nodes["hotline"]["owner"]
    ([], 2, 'Service')
    >>> theirs.nodes["hotline"]["experience"] = 4
    >>> [(c.id, c.mine, c.theirs) for c in merge(base, mine, theirs).conflicts]
    [('touchpoint:hotline:experience', 2, 4)]
    >>> merge(base, mine, theirs, choose={"touchpoint:hotline:experience": "mine"}).graph.nodes["hotline"]["experience"]
    2
    """
    merger = _Merger(choose or {})
    graph = _journey(merger, base.graph, mine.graph, theirs.graph)

    b_nodes, m_nodes, t_nodes = _nodes(base), _nodes(mine), _nodes(theirs)
    merged_nodes: dict[str, dict] = {}
    for key in dict.fromkeys([*t_nodes, *m_nodes, *b_nodes]):
        b, m, t = b_nodes.get(key), m_nodes.get(key), t_nodes.get(key)
        if m is not None and t is not None and m == t:
            merged_nodes[key] = touchpoint_attrs(t)
            continue
        if b is not None and (m is None) != (t is None):  # removed on one side
            kept_by, keeping = (theirs, t) if m is None else (mine, m)
            if not _touched(kept_by, base, key):
                continue  # the other side left it alone: removed
            attrs = touchpoint_attrs(keeping)
            chosen = merger.pick(
                Conflict("touchpoint", key, WHOLE, None if m is None else attrs, None if t is None else attrs)
            )
            if chosen is not None:
                merged_nodes[key] = chosen
            continue
        norm = [None if x is None else touchpoint_attrs(x) for x in (b, m, t)]
        attrs = merger.item("touchpoint", key, *norm, TOUCHPOINT_DEFAULTS)
        if attrs is not None:
            merged_nodes[key] = attrs
    order = merger.order("touchpoint", "", list(b_nodes), list(m_nodes), list(t_nodes), merged_nodes)

    H = nx.DiGraph()
    H.graph.update(graph)
    H.add_nodes_from((key, merged_nodes[key]) for key in order)
    _transitions(merger, H, base, mine, theirs)
    return Merged(H, merger.conflicts)


def _journey(merger: _Merger, b: dict, m: dict, t: dict) -> dict:
    b, m, t = journey_attrs(b), journey_attrs(m), journey_attrs(t)
    out = {"id": t["id"]}
    for name in JOURNEY_SCALARS:
        out[name] = merger.value("journey", "", name, b[name], m[name], t[name])
    for what, name, defaults in (("stage", "stages", STAGE_DEFAULTS), ("persona", "personas", PERSONA_DEFAULTS)):
        bs, ms, ts = (_by_id(x[name], defaults) for x in (b, m, t))
        items = {}
        for key in dict.fromkeys([*ts, *ms, *bs]):
            item = merger.item(what, key, bs.get(key), ms.get(key), ts.get(key), defaults)
            if item is not None:
                items[key] = item
        order = merger.order(what, "", list(bs), list(ms), list(ts), items)
        out[name] = [items[key] for key in order]
    for name, value in t.items():  # attributes this version does not know: theirs
        out.setdefault(name, value)
    return {name: out[name] for name in [*GRAPH_DEFAULTS, *(k for k in out if k not in GRAPH_DEFAULTS)]}


def _transitions(merger: _Merger, H: nx.DiGraph, base: nx.DiGraph, mine: nx.DiGraph, theirs: nx.DiGraph) -> None:
    def edges(G: nx.DiGraph) -> dict[tuple[str, str], dict]:
        return {(u, v): d for u, v, d in G.edges(data=True)}

    b_edges, m_edges, t_edges = edges(base), edges(mine), edges(theirs)
    merged: dict[tuple[str, str], dict] = {}
    for key in dict.fromkeys([*t_edges, *m_edges, *b_edges]):
        if key[0] not in H or key[1] not in H:
            continue  # a touchpoint it joins is gone (a change to it was a conflict of that touchpoint)
        norm = [
            None if x is None else transition_attrs(x) for x in (b_edges.get(key), m_edges.get(key), t_edges.get(key))
        ]
        attrs = merger.item("transition", key, *norm, TRANSITION_DEFAULTS)
        if attrs is not None:
            merged[key] = attrs
    sources: dict[str, list[str]] = {}
    for u, v in merged:
        sources.setdefault(u, []).append(v)

    def succ(G: nx.DiGraph, u: str) -> list[str]:
        return list(G.succ[u]) if u in G else []

    for u in H:
        if u in sources:
            order = merger.order("transition", u, succ(base, u), succ(mine, u), succ(theirs, u), sources[u])
            H.add_edges_from((u, v, merged[(u, v)]) for v in order)


def value_of(G: nx.DiGraph, conflict: Conflict) -> Any:
    """The value ``G`` holds where ``conflict`` is (None where the item is missing), to tell who changed it.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> value_of(G, Conflict("touchpoint", "hotline", "experience", 1, 4)) == G.nodes["hotline"]["experience"]
    True
    """
    what, key, name = conflict.what, conflict.key, conflict.field
    if what == "journey":
        attrs = journey_attrs(G.graph)
        if name == ORDER:
            return None
        return attrs.get(name)
    if what in ("stage", "persona"):
        items = journey_attrs(G.graph)[f"{what}s"]
        if name == ORDER:
            return [item["id"] for item in items]
        found = next((item for item in items if item["id"] == key), None)
        return found if found is None or name == WHOLE else found.get(name)
    if what == "touchpoint":
        if name == ORDER:
            return list(G.nodes)
        if key not in G:
            return None
        attrs = touchpoint_attrs(G.nodes[key])
        return attrs if name == WHOLE else attrs.get(name)
    if name == ORDER:
        return list(G.succ[key]) if key in G else []
    if not G.has_edge(*key):
        return None
    attrs = transition_attrs(G.edges[key])
    return attrs if name == WHOLE else attrs.get(name)
