"""Compare two journeys, typically an as-is and the to-be designed from it.

Touchpoints match by key and transitions by their pair of keys: a to-be made with
"duplicate as to-be" keeps the keys of its as-is, so every touchpoint is either
*added*, *removed*, *changed* (some field differs, see :data:`TOUCHPOINT_FIELDS`, or
its DVF consensus) or *unchanged*. Weakness, severity and flow come from
:func:`journeys.analysis.scoring.weakness_table` on each side; a touchpoint that exists on
one side only counts 0 on the other, so the journey's change in weakness is the
sum of the touchpoints' changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from journeys.analysis.flow import FlowError
from journeys.analysis.flow import flow as compute_flow
from journeys.analysis.scoring import LENSES, Weights, weakness_table
from journeys.model.fields import TOUCHPOINT_FIELDS as FIELDS
from journeys.model.fields import TRANSITION_FIELDS as EDGE_FIELDS
from journeys.model.graph import stage_ids, touchpoints_in_order

__all__ = [
    "TOUCHPOINT_FIELDS",
    "TRANSITION_FIELDS",
    "STATUSES",
    "Change",
    "Note",
    "Comparison",
    "compare",
]

# what makes a touchpoint "changed" (journeys.model.fields), listed its own values first, then its lists; then the
# DVF consensus (LENSES)
TOUCHPOINT_FIELDS = tuple(
    f.name for f in sorted(FIELDS, key=lambda f: f.kind in ("personas", "needs", "pains", "emotions")) if f.compared
)
TRANSITION_FIELDS = tuple(f.name for f in EDGE_FIELDS if f.compared)
STATUSES = ("added", "removed", "changed", "unchanged")
_SIDES = ("before", "after")


@dataclass(frozen=True)
class Change:
    """One field that differs: its value before (in the as-is) and after (in the to-be)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Note:
    """A caveat of a comparison: ``kind`` ``"trapped"`` means that customers of the ``side``
    journey can never leave a closed loop through ``touchpoints``, so every touchpoint of that
    journey counted with a flow of 1 (as the stored figures do, see ``store.analysis``)."""

    kind: str
    side: str
    touchpoints: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Comparison:
    """What changed from ``before`` to ``after`` and what it does to the weakness.

    ``touchpoints`` is indexed by key (in the to-be's journey order, a removed touchpoint
    after the one it followed) with ``name``, ``stage`` (stage id), ``status``,
    ``weakness_before``, ``weakness_after``, ``delta``, ``severity_before``,
    ``severity_after``, ``flow_before`` and ``flow_after`` (NaN on the side where the
    touchpoint does not exist; ``delta`` counts that side as 0). ``stages`` is indexed by
    stage id in the to-be's order (then stages only in the as-is) with ``name``,
    ``weakness_before``, ``weakness_after``, ``delta``, ``in_before`` and ``in_after``.
    ``emotions`` has one row per side, persona and front-stage touchpoint in journey order:
    ``side``, ``persona``, ``persona_name``, ``position``, ``touchpoint``, ``name`` and
    ``emotion`` (−2..+2, NaN where the team gave none).
    ``unrated`` lists added or changed touchpoints whose DVF consensus in the to-be is
    missing or still exactly the as-is one.
    """

    before: nx.DiGraph
    after: nx.DiGraph
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: dict[str, tuple[Change, ...]]
    transitions_added: tuple[tuple[str, str], ...]
    transitions_removed: tuple[tuple[str, str], ...]
    transitions_changed: dict[tuple[str, str], tuple[Change, ...]]
    touchpoints: pd.DataFrame
    stages: pd.DataFrame
    emotions: pd.DataFrame
    unrated: tuple[str, ...]
    notes: tuple[Note, ...]

    @property
    def total_before(self) -> float:
        """The as-is journey's weakness: the sum over its touchpoints."""
        return float(self.touchpoints["weakness_before"].sum())

    @property
    def total_after(self) -> float:
        """The to-be journey's weakness: the sum over its touchpoints."""
        return float(self.touchpoints["weakness_after"].sum())

    @property
    def delta(self) -> float:
        """After minus before: negative where the to-be is better."""
        return self.total_after - self.total_before

    @property
    def relative(self) -> float | None:
        """The change relative to the as-is (−0.25 is 25 % less weakness); None when the as-is has none."""
        return self.delta / self.total_before if self.total_before > 0 else None


def _same(field: str, a, b) -> bool:
    if field == "personas":  # who passes matters, not the order they were ticked in
        return sorted(map(str, a or [])) == sorted(map(str, b or []))
    return a == b


def _changes(a: dict, b: dict, fields) -> tuple[Change, ...]:
    return tuple(Change(f, a.get(f), b.get(f)) for f in fields if not _same(f, a.get(f), b.get(f)))


def _lenses(scores: dict, key: str) -> dict:
    return {lens: scores.get(key, {}).get(lens, {}).get("median") for lens in LENSES}


def _weakness(G: nx.DiGraph, scores, weights, side: str, notes: list[Note]) -> pd.DataFrame:
    try:
        visits = compute_flow(G).visits
    except FlowError as exc:
        visits = dict.fromkeys(G, 1.0)
        notes.append(Note("trapped", side, tuple(exc.trapped)))
    table = weakness_table(G, scores, weights=weights, visits=visits)
    return table if not table.empty else pd.DataFrame(columns=["stage", "flow", "severity", "weakness"])


def _stage_order(before: nx.DiGraph, after: nx.DiGraph) -> list[str]:
    ids = stage_ids(after)
    return ids + [s for s in stage_ids(before) if s not in ids]


def _order(before: nx.DiGraph, after: nx.DiGraph) -> list[str]:
    """The to-be's journey order; a removed touchpoint goes right after the one it followed."""
    position = {k: (i, 0) for i, k in enumerate(touchpoints_in_order(after))}
    last = -1
    for j, key in enumerate(touchpoints_in_order(before)):
        if key in position:
            last = position[key][0]
        else:
            position[key] = (last, 1 + j)
    rank = {s: i for i, s in enumerate(_stage_order(before, after))}

    def stage(key):
        return (after.nodes[key] if key in after else before.nodes[key]).get("stage")

    return sorted(position, key=lambda k: (rank.get(stage(k), len(rank)), position[k]))


def _emotions(G: nx.DiGraph, side: str) -> list[dict]:
    # the curve of journeys.charts.review.emotion_curve: front-stage touchpoints in journey order
    order = [k for k in touchpoints_in_order(G) if not G.nodes[k].get("backstage")]
    return [
        {
            "side": side,
            "persona": persona["id"],
            "persona_name": persona.get("name") or persona["id"],
            "position": i,
            "touchpoint": key,
            "name": G.nodes[key].get("name") or key,
            "emotion": float(value)
            if (value := G.nodes[key].get("emotions", {}).get(persona["id"])) is not None
            else None,
        }
        for persona in G.graph.get("personas", [])
        for i, key in enumerate(order)
    ]


def compare(
    before: nx.DiGraph,
    after: nx.DiGraph,
    *,
    before_scores: dict | None = None,
    after_scores: dict | None = None,
    weights: Weights | None = None,
) -> Comparison:
    """Return what changed from ``before`` (the as-is) to ``after`` (the to-be).

    ``before_scores`` and ``after_scores`` are each journey's :func:`journeys.analysis.scoring.consensus`;
    ``weights`` weigh the weakness of both (see docs/scoring.md).

    Examples
    --------
    The to-be fixes the router's default setting: one pain point less, a better experience.

    >>> from journeys.demo import broadband_demo
    >>> before, after = broadband_demo(), broadband_demo()
    >>> router = after.nodes["install-router"]
    >>> router["pains"], router["experience"] = router["pains"][:1], 4
    >>> result = compare(before, after)
    >>> [(c.field, c.before, c.after) for c in result.changed["install-router"]][0]
    ('experience', 2, 4)
    >>> result.touchpoints.loc["install-router", ["status", "weakness_before", "weakness_after", "delta"]]
    status             changed
    weakness_before    0.51975
    weakness_after      0.3465
    delta             -0.17325
    Name: install-router, dtype: object
    >>> round(result.total_before, 3), round(result.total_after, 3), f"{result.relative:+.1%}"
    (1.11, 0.937, '-15.6%')
    >>> result.added, result.removed, result.notes
    ((), (), ())
    """
    before_scores, after_scores = before_scores or {}, after_scores or {}
    notes: list[Note] = []
    tables = {
        "before": _weakness(before, before_scores, weights, "before", notes),
        "after": _weakness(after, after_scores, weights, "after", notes),
    }
    order = _order(before, after)
    added = tuple(k for k in order if k not in before)
    removed = tuple(k for k in order if k not in after)
    changed = {}
    for key in order:
        if key in before and key in after:
            a = {**before.nodes[key], **_lenses(before_scores, key)}
            b = {**after.nodes[key], **_lenses(after_scores, key)}
            if found := _changes(a, b, TOUCHPOINT_FIELDS + LENSES):
                changed[key] = found
    rows = []
    for key in order:
        shown = after.nodes[key] if key in after else before.nodes[key]
        row = {
            "key": key,
            "name": shown.get("name") or key,
            "stage": shown.get("stage", ""),
            "status": "added"
            if key in added
            else "removed"
            if key in removed
            else "changed"
            if key in changed
            else "unchanged",
        }
        for side, G in zip(_SIDES, (before, after), strict=True):
            for column in ("weakness", "severity", "flow"):
                row[f"{column}_{side}"] = float(tables[side].at[key, column]) if key in G else float("nan")
        rows.append(row)
    columns = ["key", "name", "stage", "status"] + [
        f"{c}_{s}" for c in ("weakness", "severity", "flow") for s in _SIDES
    ]
    touchpoints = pd.DataFrame(rows, columns=columns).set_index("key")
    touchpoints.insert(
        5, "delta", touchpoints["weakness_after"].fillna(0.0) - touchpoints["weakness_before"].fillna(0.0)
    )
    unrated = tuple(
        k
        for k in order
        if (k in added or k in changed) and (not after_scores.get(k) or after_scores.get(k) == before_scores.get(k))
    )
    return Comparison(
        before=before,
        after=after,
        added=added,
        removed=removed,
        changed=changed,
        transitions_added=tuple(e for e in after.edges if not before.has_edge(*e)),
        transitions_removed=tuple(e for e in before.edges if not after.has_edge(*e)),
        transitions_changed={
            e: found
            for e in after.edges
            if before.has_edge(*e) and (found := _changes(before.edges[e], after.edges[e], TRANSITION_FIELDS))
        },
        touchpoints=touchpoints,
        stages=_stages(before, after, tables),
        emotions=pd.DataFrame(
            _emotions(before, "before") + _emotions(after, "after"),
            columns=["side", "persona", "persona_name", "position", "touchpoint", "name", "emotion"],
        ),
        unrated=unrated,
        notes=tuple(notes),
    )


def _stages(before: nx.DiGraph, after: nx.DiGraph, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Weakness per stage on each side: a touchpoint counts in the stage it has on that side."""
    sums = {side: table.groupby("stage", sort=False)["weakness"].sum() for side, table in tables.items()}
    ids = _stage_order(before, after)
    for side in _SIDES:  # touchpoints of a stage the journey does not list
        ids += [s for s in sums[side].index if s not in ids]
    names = {s["id"]: s.get("name") or s["id"] for G in (before, after) for s in G.graph.get("stages", [])}
    frame = pd.DataFrame(
        {
            "name": [names.get(s, s) for s in ids],
            "weakness_before": [float(sums["before"].get(s, 0.0)) for s in ids],
            "weakness_after": [float(sums["after"].get(s, 0.0)) for s in ids],
            "in_before": [s in stage_ids(before) for s in ids],
            "in_after": [s in stage_ids(after) for s in ids],
        },
        index=pd.Index(ids, name="stage", dtype=object),
    )
    frame.insert(3, "delta", frame["weakness_after"] - frame["weakness_before"])
    return frame
