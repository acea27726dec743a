"""Scores from several raters, their consensus, and the weakness of each touchpoint.

See ``docs/scoring.md`` for the formula, the reasoning and a worked example.

A rating is a dict ``{"touchpoint", "rater", "discipline", "desirable", "viable",
"feasible", "comment"}`` with the three lenses scored 1..5 (or None where the rater
left a lens out). Ratings are kept per rater: nobody overwrites anybody.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from statistics import fmean

import networkx as nx
import pandas as pd

from journeys.flow import flow as compute_flow

__all__ = [
    "LENSES",
    "DISCIPLINES",
    "LENS_OWNERS",
    "Weights",
    "weighted_median",
    "consensus",
    "components",
    "weakness_table",
    "weakest_touchpoints",
    "rollup",
]

LENSES = ("desirable", "viable", "feasible")
DISCIPLINES = (
    "customer-service",
    "sales",
    "marketing",
    "design",
    "product",
    "it",
    "operations",
    "finance",
    "management",
    "other",
)
# Each lens has the disciplines that are its experts (DOMAIN.md: people ↔ customer-facing
# roles, business ↔ finance/management, technology ↔ IT/operations).
LENS_OWNERS = {
    "desirable": frozenset({"customer-service", "sales", "marketing", "design", "product"}),
    "viable": frozenset({"finance", "management"}),
    "feasible": frozenset({"it", "operations"}),
}
OWNER_WEIGHT = 2.0  # with weighting on, an owning discipline's score counts twice


@dataclass(frozen=True)
class Weights:
    """How much each kind of trouble counts in a touchpoint's severity (see docs/scoring.md)."""

    dvf: float = 0.30
    gap: float = 0.25
    pain: float = 0.25
    emotion: float = 0.20
    moment_of_truth: float = 0.5  # a moment of truth counts 1.5 times

    def __post_init__(self):
        values = asdict(self)
        if any(v < 0 for v in values.values()):
            raise ValueError("weights cannot be negative")
        if self.dvf + self.gap + self.pain + self.emotion <= 0:
            raise ValueError("at least one of dvf, gap, pain and emotion needs a weight above 0")


def weighted_median(values: list[float], weights: list[float]) -> float:
    """Return the weighted median: the value where half of the total weight lies on each side.

    Examples
    --------
    >>> weighted_median([1, 2, 5], [1, 1, 1])
    2
    >>> weighted_median([1, 2, 5], [1, 1, 3])
    5
    >>> weighted_median([2, 4], [1, 1])
    3.0
    """
    pairs = sorted(zip(values, weights, strict=True))
    total = sum(w for _, w in pairs)
    running = 0.0
    for i, (value, weight) in enumerate(pairs):
        running += weight
        if running > total / 2:
            return value
        if running == total / 2:
            return (value + pairs[i + 1][0]) / 2
    raise ValueError("weighted_median needs at least one value with a positive weight")


def consensus(ratings: list[dict], *, weighted: bool = False, by: str = "touchpoint") -> dict[str, dict[str, dict]]:
    """Return per touchpoint and lens the consensus (median), the spread (max − min) and the count.

    With ``weighted``, a rater whose discipline owns the lens counts ``OWNER_WEIGHT`` times.
    ``by`` names what the ratings score: ``"touchpoint"``, or ``"idea"`` for the ratings of ideas
    (the same mechanism scores both).

    Examples
    --------
    >>> ratings = [
    ...     {"touchpoint": "hotline", "rater": "Ana", "discipline": "customer-service", "desirable": 1},
    ...     {"touchpoint": "hotline", "rater": "Ben", "discipline": "it", "desirable": 4},
    ...     {"touchpoint": "hotline", "rater": "Cem", "discipline": "finance", "desirable": 2},
    ... ]
    >>> consensus(ratings)["hotline"]["desirable"]
    {'median': 2, 'spread': 3, 'n': 3}
    >>> consensus(ratings, weighted=True)["hotline"]["desirable"]["median"]
    1.5
    """
    by_tp: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for r in ratings:
        for lens in LENSES:
            value = r.get(lens)
            if value is None:
                continue
            weight = OWNER_WEIGHT if weighted and r.get("discipline") in LENS_OWNERS[lens] else 1.0
            by_tp[r[by]][lens].append((value, weight))
    result = {}
    for tp, lenses in by_tp.items():
        result[tp] = {}
        for lens, pairs in lenses.items():
            values = [v for v, _ in pairs]
            result[tp][lens] = {
                "median": weighted_median(values, [w for _, w in pairs]),
                "spread": max(values) - min(values),
                "n": len(values),
            }
    return result


def components(data: dict, dvf: dict[str, float] | None = None) -> dict[str, float]:
    """Return the four kinds of trouble at a touchpoint, each from 0 (none) to 1 (worst).

    ``dvf`` maps lens → consensus score. Missing data counts as no trouble.

    Examples
    --------
    >>> components({"expectation": 4, "experience": 1, "pains": [{"severity": 5}], "emotions": {"p": -2}},
    ...            {"desirable": 1, "viable": 3, "feasible": 5})
    {'dvf': 0.5, 'gap': 0.75, 'pain': 1.0, 'emotion': 1.0}
    """
    scored = [v for v in (dvf or {}).values() if v is not None]
    expectation, experience = data.get("expectation"), data.get("experience")
    severities = [p["severity"] for p in data.get("pains", []) if p.get("severity") is not None]
    emotions = list(data.get("emotions", {}).values())
    return {
        "dvf": (5 - fmean(scored)) / 4 if scored else 0.0,
        "gap": max(0, expectation - experience) / 4 if expectation is not None and experience is not None else 0.0,
        "pain": max(severities) / 5 if severities else 0.0,
        "emotion": max(0.0, -fmean(emotions)) / 2 if emotions else 0.0,
    }


def weakness_table(
    G: nx.DiGraph,
    scores: dict[str, dict[str, dict]] | None = None,
    *,
    weights: Weights | None = None,
    visits: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Return one row per touchpoint with its lenses, flow, severity, weakness and the reason.

    ``scores`` is the result of :func:`consensus`; ``visits`` defaults to the journey's flow.
    ``severity = (w_dvf·dvf + w_gap·gap + w_pain·pain + w_emotion·emotion) / Σw × (1 + w_mot·MoT)``
    and ``weakness = severity × flow``. ``why`` names the component that adds the most.

    Examples
    --------
    >>> from journeys.templates import broadband_demo
    >>> table = weakness_table(broadband_demo())
    >>> table.sort_values("weakness", ascending=False).index[0]
    'install-router'
    """
    weights = weights or Weights()
    scores = scores or {}
    visits = compute_flow(G).visits if visits is None else visits
    kinds = ("dvf", "gap", "pain", "emotion")
    total = sum(getattr(weights, k) for k in kinds)
    rows = []
    for key, data in G.nodes(data=True):
        lens_scores = {lens: scores.get(key, {}).get(lens, {}).get("median") for lens in LENSES}
        parts = components(data, lens_scores)
        weighted = {k: getattr(weights, k) * parts[k] / total for k in kinds}
        boost = 1 + weights.moment_of_truth * bool(data.get("moment_of_truth"))
        severity = sum(weighted.values()) * boost
        expectation, experience = data.get("expectation"), data.get("experience")
        emotions = list(data.get("emotions", {}).values())
        rows.append(
            {
                "touchpoint": key,
                "name": data.get("name", key),
                "stage": data.get("stage", ""),
                "channel": data.get("channel", ""),
                "owner": data.get("owner", ""),
                "personas": list(data.get("personas", [])),
                "moment_of_truth": bool(data.get("moment_of_truth")),
                **lens_scores,
                "expectation": expectation,
                "experience": experience,
                "gap": experience - expectation if expectation is not None and experience is not None else None,
                "emotion": fmean(emotions) if emotions else None,
                "pain": max((p["severity"] for p in data.get("pains", [])), default=None),
                **{f"c_{k}": parts[k] for k in kinds},
                "flow": visits.get(key, 0.0),
                "severity": severity,
                "weakness": severity * visits.get(key, 0.0),
                "why": max(kinds, key=lambda k: weighted[k]) if severity > 0 else "",
            }
        )
    return pd.DataFrame(rows).set_index("touchpoint") if rows else pd.DataFrame()


def weakest_touchpoints(G: nx.DiGraph, *, top: int = 10, **kwargs) -> list[tuple[str, float]]:
    """Return the ``top`` touchpoints with the highest weakness, worst first.

    Examples
    --------
    >>> from journeys.templates import broadband_demo
    >>> [n for n, _ in weakest_touchpoints(broadband_demo(), top=2)]
    ['install-router', 'hotline']
    """
    table = weakness_table(G, **kwargs)
    if table.empty:
        return []
    worst = table.sort_values("weakness", ascending=False, kind="stable").head(top)
    return list(zip(worst.index, worst["weakness"], strict=True))


def rollup(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum weakness and flow per stage, channel, owner or persona, worst group first.

    ``severity`` is the flow-weighted mean severity of the group. A touchpoint of
    several personas counts for each of them.
    """
    if table.empty:
        return pd.DataFrame(columns=["weakness", "flow", "severity", "touchpoints"])
    frame = table.explode("personas").rename(columns={"personas": "persona"}) if by == "persona" else table
    frame = frame.assign(weighted=frame["severity"] * frame["flow"])
    grouped = frame.groupby(by, sort=False).agg(
        weakness=("weakness", "sum"), flow=("flow", "sum"), weighted=("weighted", "sum"), touchpoints=("name", "count")
    )
    grouped["severity"] = (grouped["weighted"] / grouped["flow"]).where(grouped["flow"] > 0, 0.0)
    return grouped.drop(columns="weighted").sort_values("weakness", ascending=False, kind="stable")
