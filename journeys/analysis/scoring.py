"""Scores from several raters, their consensus, and the weakness of each touchpoint.

See ``docs/scoring.md`` for the formula, the reasoning and a worked example.

A rating is a dict ``{"touchpoint", "rater", "discipline", "desirable", "viable",
"feasible", "comment"}`` with the three lenses scored 1..5 (or None where the rater
left a lens out). Ratings are kept per rater: nobody overwrites anybody.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from itertools import chain, repeat
from statistics import fmean

import networkx as nx
import numpy as np
import pandas as pd

from journeys.analysis.flow import Chain, Flow, FlowError
from journeys.analysis.flow import flow as compute_flow

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
    "persona_rollup",
    "persona_view",
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
        if any(getattr(self, field.name) < 0 for field in fields(self)):
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
    flow: Flow | None = None,
) -> pd.DataFrame:
    """Return one row per touchpoint with its lenses, flow, severity, weakness and the reason.

    ``scores`` is the result of :func:`consensus`; ``visits`` defaults to the journey's flow.
    ``flow`` may hand in :func:`journeys.analysis.flow.flow` of this very ``G`` (its visits are then the
    default), so that the journey is not read again.
    ``severity = (w_dvf·dvf + w_gap·gap + w_pain·pain + w_emotion·emotion) / Σw × (1 + w_mot·MoT)``
    and ``weakness = severity × flow``. ``why`` names the component that adds the most.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> table = weakness_table(broadband_demo())
    >>> table.sort_values("weakness", ascending=False).index[0]
    'install-router'
    """
    weights = weights or Weights()
    scores = scores or {}
    if visits is None:
        flow = compute_flow(G) if flow is None else flow
        visits = flow.visits
    if not G:
        return pd.DataFrame()
    numbered = Chain.of(G, flow) if flow is not None else None
    if numbered is None:
        keys, datas = list(G), [data for _, data in G.nodes(data=True)]
    else:
        keys, datas = numbered.nodes, numbered.data
    # the flow in the touchpoints' order, as the solve left it: the same numbers as ``visits``
    counts = flow.numbered if flow is not None and visits is flow.visits else None
    columns = _columns(keys, datas, scores, weights, visits, counts)
    if columns is None:
        return pd.DataFrame(_rows(G, scores, weights, visits)).set_index("touchpoint")
    return pd.DataFrame(columns, index=pd.Index(keys, name="touchpoint"))


_KINDS = ("dvf", "gap", "pain", "emotion")
_NUMBERS = frozenset({int, float, type(None)})
_EXACT = 2**40  # whole numbers below this add up exactly as floats, as fmean and max need them


def _rows(G: nx.DiGraph, scores: dict, weights: Weights, visits: dict) -> list[dict]:
    """The table's rows one touchpoint at a time: for data :func:`_columns` does not take."""
    total = sum(getattr(weights, k) for k in _KINDS)
    rows = []
    for key, data in G.nodes(data=True):
        lens_scores = {lens: scores.get(key, {}).get(lens, {}).get("median") for lens in LENSES}
        parts = components(data, lens_scores)
        weighted = {k: getattr(weights, k) * parts[k] / total for k in _KINDS}
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
                **{f"c_{k}": parts[k] for k in _KINDS},
                "flow": visits.get(key, 0.0),
                "severity": severity,
                "weakness": severity * visits.get(key, 0.0),
                "why": max(_KINDS, key=lambda k: weighted[k]) if severity > 0 else "",
            }
        )
    return rows


def _get(datas: list[dict], name: str, default=None) -> list:
    return list(map(dict.get, datas, repeat(name), repeat(default)))


def _max_of(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The largest of each touchpoint's ``values`` (``counts`` of them each; 0 where it has none)."""
    out = np.zeros(len(counts), dtype=values.dtype)
    has = counts > 0
    if len(values):
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[has]
        out[has] = np.maximum.reduceat(values, starts)
    return out


def _columns(
    keys: list, datas: list[dict], scores: dict, weights: Weights, visits: dict, counts: np.ndarray | None
) -> dict[str, list] | None:
    """The table's columns for all touchpoints at once (numpy), the same as :func:`_rows` gives.

    None when the data is not plain (scores other than whole numbers, say): then ``_rows`` decides.
    """
    n = len(keys)
    expectation, experience = _get(datas, "expectation"), _get(datas, "experience")
    expected, experienced = set(map(type, expectation)), set(map(type, experience))
    emotions, pains = _get(datas, "emotions", {}), _get(datas, "pains", [])
    if not (expected | experienced) <= _NUMBERS:
        return None
    if not (set(map(type, emotions)) <= {dict} and set(map(type, pains)) <= {list}):
        return None
    feelings = list(chain.from_iterable(map(dict.values, emotions)))
    every_pain = list(chain.from_iterable(pains))
    if not (set(map(type, feelings)) <= {int} and set(map(type, every_pain)) <= {dict}):
        return None
    severities = list(map(dict.get, every_pain, repeat("severity")))
    if not set(map(type, severities)) <= {int}:
        return None
    try:
        feelings, severities = np.array(feelings, dtype=np.int64), np.array(severities, dtype=np.int64)
    except OverflowError:
        return None
    if max(np.abs(feelings).max(initial=0), np.abs(severities).max(initial=0)) >= _EXACT:
        return None

    felt = np.fromiter(map(len, emotions), dtype=np.intp, count=n)
    hurt = np.fromiter(map(len, pains), dtype=np.intp, count=n)
    # whole numbers add up exactly, so this mean is fmean's
    mean = np.bincount(np.repeat(np.arange(n), felt), weights=feelings.astype(float), minlength=n)
    mean = np.divide(mean, felt, out=np.zeros(n), where=felt > 0)
    worst = _max_of(severities, hurt)
    lenses = {lens: [None] * n for lens in LENSES}
    dvf = np.zeros(n)
    position = dict(zip(keys, range(n), strict=True)) if scores else {}
    for key, by_lens in scores.items():
        if key in position:
            values = {lens: by_lens.get(lens, {}).get("median") for lens in LENSES}
            for lens, value in values.items():
                lenses[lens][position[key]] = value
            dvf[position[key]] = components({}, values)["dvf"]
    e = np.array(expectation, dtype=float)
    x = np.array(experience, dtype=float)
    drop = e - x
    parts = {
        "dvf": dvf,
        "gap": np.where(np.isnan(e) | np.isnan(x), 0.0, np.where(drop > 0, drop, 0.0) / 4),
        "pain": np.where(hurt > 0, worst / 5, 0.0),
        "emotion": np.where(felt > 0, np.where(-mean > 0.0, -mean, 0.0) / 2, 0.0),
    }
    total = sum(getattr(weights, k) for k in _KINDS)
    weighted = np.stack([getattr(weights, k) * parts[k] / total for k in _KINDS])
    if np.isnan(weighted).any():
        return None
    moment = np.fromiter(map(bool, _get(datas, "moment_of_truth")), dtype=bool, count=n)
    severity = (weighted[0] + weighted[1] + weighted[2] + weighted[3]) * (
        1 + weights.moment_of_truth * moment.astype(float)
    )
    flow = np.array([visits.get(key, 0.0) for key in keys], dtype=float) if counts is None else counts
    why = np.array(_KINDS)[np.argmax(weighted, axis=0)]
    gap = [b - a if a is not None and b is not None else None for a, b in zip(expectation, experience, strict=True)]
    # plain lists: pandas types each column as it types the rows of weakness_table's one-by-one way
    return {
        "name": list(map(dict.get, datas, repeat("name"), keys)),
        "stage": _get(datas, "stage", ""),
        "channel": _get(datas, "channel", ""),
        "owner": _get(datas, "owner", ""),
        "personas": list(map(list, _get(datas, "personas", []))),
        "moment_of_truth": moment.tolist(),
        **lenses,
        "expectation": expectation,
        "experience": experience,
        "gap": gap,
        "emotion": [v if n else None for v, n in zip(mean.tolist(), felt.tolist(), strict=True)],
        "pain": [v if n else None for v, n in zip(worst.tolist(), hurt.tolist(), strict=True)],
        **{f"c_{k}": parts[k].tolist() for k in _KINDS},
        "flow": flow.tolist(),
        "severity": severity.tolist(),
        "weakness": (severity * flow).tolist(),
        "why": np.where(severity > 0, why, "").tolist(),
    }


def weakest_touchpoints(G: nx.DiGraph, *, top: int = 10, **kwargs) -> list[tuple[str, float]]:
    """Return the ``top`` touchpoints with the highest weakness, worst first.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> [n for n, _ in weakest_touchpoints(broadband_demo(), top=2)]
    ['install-router', 'hotline']
    """
    table = weakness_table(G, **kwargs)
    if table.empty:
        return []
    worst = table.sort_values("weakness", ascending=False, kind="stable").head(top)
    return list(zip(worst.index, worst["weakness"], strict=True))


def persona_view(G: nx.DiGraph, persona: str) -> nx.DiGraph:
    """The journey as ``persona`` lives it: the touchpoints they pass (those that list them, or list no persona),
    each with that persona's emotion only. Weigh it with the whole journey's customer flow.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> view = persona_view(broadband_demo(), "jonas")
    >>> "shop-advice" in view, view.nodes["install-router"]["emotions"]
    (False, {'jonas': -1})
    """
    passed = [n for n, d in G.nodes(data=True) if persona in d.get("personas", []) or not d.get("personas")]
    view = G.subgraph(passed).copy()  # copies each attribute dict: the emotions below are this persona's only
    for _, data in view.nodes(data=True):
        emotion = data.get("emotions", {}).get(persona)
        data["emotions"] = {} if emotion is None else {persona: emotion}
    return view


def persona_rollup(
    G: nx.DiGraph,
    scores: dict[str, dict[str, dict]] | None = None,
    *,
    weights: Weights | None = None,
    visits: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Weakness, flow, severity and touchpoints per persona, worst first, indexed by the persona's id.

    Each persona is weighed over the touchpoints they pass (those that list them, or list
    no persona) with their own emotions: the emotion component of a touchpoint is that
    persona's emotion there, not the mean of all personas' (which would give personas who
    share touchpoints the same figures, however differently they feel).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> frame = persona_rollup(broadband_demo())
    >>> list(frame.index), bool(frame.loc["petra", "weakness"] != frame.loc["jonas", "weakness"])
    (['petra', 'jonas'], True)
    """
    if visits is None:
        try:
            visits = compute_flow(G).visits
        except FlowError:
            visits = dict.fromkeys(G, 1.0)
    rows = {}
    for persona in G.graph.get("personas", []):
        pid = persona["id"]
        own = persona_view(G, pid)
        table = weakness_table(own, scores, weights=weights, visits={n: visits.get(n, 0.0) for n in own})
        if table.empty:
            continue
        flow = table["flow"].sum()
        rows[pid] = {
            "weakness": table["weakness"].sum(),
            "flow": flow,
            "severity": float((table["severity"] * table["flow"]).sum() / flow) if flow > 0 else 0.0,
            "touchpoints": len(table),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["weakness", "flow", "severity", "touchpoints"])
    return frame.rename_axis("persona").sort_values("weakness", ascending=False, kind="stable")


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
