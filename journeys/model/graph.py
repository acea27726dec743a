"""The journey model: a customer journey is a plain ``nx.DiGraph`` of touchpoints.

Graph attributes
----------------
``id``           stable journey id (a short string; ``""`` until stored)
``name``         the journey's title
``description``  free text
``state``        ``"as-is"`` (today) or ``"to-be"`` (designed future)
``stages``       ordered list of ``{"id", "name"}``; touchpoints refer to the id
``personas``     ordered list of ``{"id", "name", "segment", "goals", "quote", "value"}``
                 (``value``: value to the company, e.g. customer lifetime value, or None)

Node attributes (a node is a touchpoint; its key is its stable id), declared in
:mod:`journeys.model.fields`
-----------------------------------------------------------------------------------
``name``, ``stage`` (a stage id), ``channel``, ``owner`` (department), ``description``
``backstage``        True for an internal touchpoint that supports a front-stage one
``moment_of_truth``  True where the relationship is decided
``entry`` / ``exit`` True where customers start / leave the journey
``personas``         ids of the personas who pass this touchpoint
``needs``            list of ``{"text", "motivation", "kind", "persona"}``
``pains``            list of ``{"text", "severity", "evidence", "persona"}``
``emotions``         ``{persona id: -2..+2}``
``expectation``, ``experience``  1..5 or None

Edge attributes (an edge is a transition), declared there too
-------------------------------------------------------------
``label`` free text, ``share`` the share of customers taking it (0..1) or None.

``persona`` in a need or pain point is a persona id, or None when it holds for all.
"""

from __future__ import annotations

import copy
import re
import unicodedata
import uuid
from typing import Any

import networkx as nx

from journeys.model.fields import SCORE_RANGE, TOUCHPOINT_FIELDS, TRANSITION_FIELDS

__all__ = [
    "STATES",
    "CHANNELS",
    "NEED_KINDS",
    "EVIDENCE",
    "EMOTION_RANGE",
    "SCORE_RANGE",
    "SEVERITY_RANGE",
    "TOUCHPOINT_DEFAULTS",
    "PERSONA_DEFAULTS",
    "TRANSITION_DEFAULTS",
    "new_journey",
    "new_id",
    "slugify",
    "unique_key",
    "add_touchpoint",
    "add_transition",
    "normalize",
    "touchpoint_attrs",
    "transition_attrs",
    "journey_attrs",
    "stage_ids",
    "persona_ids",
    "touchpoints_in_order",
    "journey_equal",
    "summary",
]

STATES = ("as-is", "to-be")
CHANNELS = ("web", "app", "shop", "phone", "email", "letter", "social", "partner", "product", "self-service")
NEED_KINDS = ("functional", "emotional", "economic")
EVIDENCE = ("interview", "observation", "survey", "assumption")
EMOTION_RANGE = (-2, 2)
SEVERITY_RANGE = (1, 5)

TOUCHPOINT_DEFAULTS: dict[str, Any] = {field.name: field.default for field in TOUCHPOINT_FIELDS}
PERSONA_DEFAULTS: dict[str, Any] = {
    "id": "",
    "name": "",
    "segment": "",
    "goals": "",
    "quote": "",
    "value": None,
}
NEED_DEFAULTS: dict[str, Any] = {"text": "", "motivation": "", "kind": "functional", "persona": None}
PAIN_DEFAULTS: dict[str, Any] = {"text": "", "severity": 3, "evidence": "assumption", "persona": None}
TRANSITION_DEFAULTS: dict[str, Any] = {field.name: field.default for field in TRANSITION_FIELDS}
GRAPH_DEFAULTS: dict[str, Any] = {
    "id": "",
    "name": "",
    "description": "",
    "state": "as-is",
    "stages": [],
    "personas": [],
}


def new_id() -> str:
    """Return a fresh, short, URL-safe journey id."""
    return uuid.uuid4().hex[:12]


def slugify(text: str) -> str:
    """Return a lower-case ASCII id made from ``text``.

    Examples
    --------
    >>> slugify("Router einrichten (Hotline)")
    'router-einrichten-hotline'
    >>> slugify("Über uns!")
    'uber-uns'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def unique_key(text: str, taken, *, fallback: str = "tp") -> str:
    """Return a slug of ``text`` that is not in ``taken``, numbered where needed.

    Examples
    --------
    >>> unique_key("Hotline", {"hotline"})
    'hotline-2'
    """
    base = slugify(text)[:64].rstrip("-") or fallback  # a long name must not make an id past the 200 limit
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def new_journey(
    name: str,
    *,
    stages: list[dict] | None = None,
    personas: list[dict] | None = None,
    state: str = "as-is",
    description: str = "",
    journey_id: str = "",
) -> nx.DiGraph:
    """Return an empty journey with the given stages and personas.

    Examples
    --------
    >>> G = new_journey("Onboarding", stages=[{"id": "buy", "name": "Buy"}])
    >>> G.graph["state"], [s["id"] for s in G.graph["stages"]]
    ('as-is', ['buy'])
    """
    G = nx.DiGraph()
    G.graph.update(
        id=journey_id,
        name=name,
        description=description,
        state=state,
        stages=copy.deepcopy(stages or []),
        personas=[{**PERSONA_DEFAULTS, **p} for p in copy.deepcopy(personas or [])],
    )
    return G


def touchpoint_attrs(data: dict, *, copy_values: bool = True) -> dict:
    """Return touchpoint attributes ``data`` as :func:`normalize` keeps them: defaults filled in, a deep copy
    (``copy_values=False``: sharing the values of ``data``, for data nobody else holds, such as JSON just read).

    Unknown attributes are left out; the attributes come in the order of ``TOUCHPOINT_DEFAULTS``.

    Examples
    --------
    >>> touchpoint_attrs({"name": "Hotline", "pains": [{"text": "Waiting"}], "bogus": 1})["pains"]
    [{'text': 'Waiting', 'severity': 3, 'evidence': 'assumption', 'persona': None}]
    """
    out = {key: data.get(key, default) for key, default in TOUCHPOINT_DEFAULTS.items()}
    if copy_values:
        out = copy.deepcopy(out)
    else:  # the defaults are shared by every touchpoint: those that can change are copied
        out.update({key: copy.copy(value) for key, value in out.items() if value is TOUCHPOINT_DEFAULTS[key]})
    out["needs"] = [{**NEED_DEFAULTS, **need} for need in out["needs"]]
    out["pains"] = [{**PAIN_DEFAULTS, **pain} for pain in out["pains"]]
    return out


def transition_attrs(data: dict) -> dict:
    """Return transition attributes as :func:`normalize` keeps them: defaults filled in, the share a float, a copy.

    Examples
    --------
    >>> transition_attrs({"share": 1})
    {'label': '', 'share': 1.0}
    """
    attrs = copy.deepcopy({**TRANSITION_DEFAULTS, **data})
    attrs["share"] = _as_float(attrs["share"])
    return attrs


def add_touchpoint(G: nx.DiGraph, key: str, **attrs) -> str:
    """Add touchpoint ``key`` with every attribute filled in; return the key."""
    unknown = set(attrs) - set(TOUCHPOINT_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown touchpoint attribute(s): {', '.join(sorted(unknown))}")
    G.add_node(key, **touchpoint_attrs(attrs))
    return key


def add_transition(G: nx.DiGraph, source: str, target: str, *, label: str = "", share=None) -> None:
    """Add the transition ``source`` → ``target``."""
    G.add_edge(source, target, label=label, share=share)


def normalize(G: nx.DiGraph, *, copy_values: bool = True) -> nx.DiGraph:
    """Return a copy of ``G`` with every missing attribute set to its default.

    Order of nodes, edges, stages and personas is kept. ``copy_values=False`` shares the touchpoints' values with
    ``G``, for a ``G`` nobody else holds (just read from JSON, or a cache's own copy): at 2,000 touchpoints the
    copy is most of the time this takes.
    """
    H = nx.DiGraph()
    H.graph.update(journey_attrs(G.graph))
    H.add_nodes_from((key, touchpoint_attrs(data, copy_values=copy_values)) for key, data in G.nodes(data=True))
    H.add_edges_from((u, v, transition_attrs(data)) for u, v, data in G.edges(data=True))
    return H


def journey_attrs(attrs: dict) -> dict:
    """Return journey (graph) attributes as :func:`normalize` keeps them: defaults filled in, a deep copy.

    Examples
    --------
    >>> journey_attrs({"name": "Onboarding", "personas": [{"id": "p", "value": 5}]})["personas"]
    [{'id': 'p', 'name': '', 'segment': '', 'goals': '', 'quote': '', 'value': 5.0}]
    """
    out = copy.deepcopy({**GRAPH_DEFAULTS, **attrs})
    out["personas"] = [{**PERSONA_DEFAULTS, **p} for p in out["personas"]]
    for p in out["personas"]:
        p["value"] = _as_float(p["value"])
    return out


def _as_float(value):
    """Numbers are stored as floats, so ``1`` and ``1.0`` mean the same journey.

    An integer too large for a float stays as it is, for validation to refuse.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            return value
    return value


def stage_ids(G: nx.DiGraph) -> list[str]:
    """Return the stage ids in journey order."""
    return [s["id"] for s in G.graph.get("stages", [])]


def persona_ids(G: nx.DiGraph) -> list[str]:
    """Return the persona ids in the order they were defined."""
    return [p["id"] for p in G.graph.get("personas", [])]


def touchpoints_in_order(G: nx.DiGraph) -> list[str]:
    """Return touchpoints ordered by stage, then by the order they were added.

    Touchpoints of an unknown stage come last.

    Examples
    --------
    >>> G = new_journey("j", stages=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}])
    >>> for key, stage in [("late", "b"), ("early", "a"), ("lost", "x")]:
    ...     _ = add_touchpoint(G, key, stage=stage)
    >>> touchpoints_in_order(G)
    ['early', 'late', 'lost']
    """
    rank = {s: i for i, s in enumerate(stage_ids(G))}
    keys = list(G.nodes)
    order = {k: i for i, k in enumerate(keys)}
    return sorted(keys, key=lambda k: (rank.get(G.nodes[k].get("stage"), len(rank)), order[k]))


def journey_equal(G: nx.DiGraph, H: nx.DiGraph, *, ignore_id: bool = False) -> bool:
    """Return True when two journeys hold the same content in the same order."""
    g, h = dict(G.graph), dict(H.graph)
    if ignore_id:
        g.pop("id", None)
        h.pop("id", None)
    return (
        g == h
        and list(G.nodes(data=True)) == list(H.nodes(data=True))
        and list(G.edges(data=True)) == list(H.edges(data=True))
    )


def summary(G: nx.DiGraph) -> dict[str, Any]:
    """Return the figures shown in a journey list: counts and persona names."""
    return {
        "touchpoints": G.number_of_nodes(),
        "transitions": G.number_of_edges(),
        "stages": len(G.graph.get("stages", [])),
        "personas": [p["name"] for p in G.graph.get("personas", [])],
    }
