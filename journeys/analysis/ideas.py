"""Ideas (opportunities): proposed changes to touchpoints that address their pain points.

An idea is a plain dict::

    {"title": str, "description": str, "owner": str, "status": one of STATUSES,
     "effort": 1..5 or None, "targets": {touchpoint key: [pain point texts it addresses]}}

An empty pain list means the idea addresses the touchpoint as a whole. Ideas are
scored on desirable / viable / feasible by several raters, exactly like touchpoints
(see :func:`journeys.analysis.scoring.consensus` with ``by="idea"``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from statistics import fmean

import networkx as nx
import pandas as pd

from journeys.analysis.scoring import LENSES, consensus
from journeys.i18n import t
from journeys.model.text import bad_character, brief, first_bad

__all__ = [
    "STATUSES",
    "EFFORT_RANGE",
    "MAX_TITLE",
    "QUADRANTS",
    "VALUE_SPLIT",
    "EFFORT_SPLIT",
    "IdeaProblem",
    "check_idea",
    "idea_value",
    "quadrant",
    "expected_relief",
    "ranked_ideas",
    "targets_from",
]

STATUSES = ("open", "in-progress", "done", "dropped")
EFFORT_RANGE = (1, 5)  # 1 = a few days of one person … 5 = a programme over quarters
MAX_TITLE = 200
MAX_TEXT = 10_000
# The value × effort matrix: value (the mean DVF consensus, 1..5) of at least VALUE_SPLIT is high,
# effort (1..5) of at most EFFORT_SPLIT is low; the middle of each scale counts as high value and low effort.
VALUE_SPLIT = 3.0
EFFORT_SPLIT = 3
QUADRANTS = ("quick-win", "big-bet", "maybe-later", "time-sink")


@dataclasses.dataclass(frozen=True)
class IdeaProblem:
    """One thing wrong with an idea; ``text(lang)`` tells it in English or German."""

    code: str
    params: dict = dataclasses.field(default_factory=dict, compare=False)

    def text(self, lang: str = "en") -> str:
        return t(f"ideas.problem.{self.code}", lang, **self.params)

    def __str__(self) -> str:
        return self.text("en")


def check_idea(idea: dict, G: nx.DiGraph) -> list[IdeaProblem]:
    """Return every problem of ``idea`` against the journey ``G`` (an empty list when it is fine).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> check_idea({"title": "Call-back slot", "status": "open", "effort": 2, "targets": {"hotline": []}}, G)
    []
    >>> [p.code for p in check_idea({"title": " ", "status": "maybe", "effort": 9, "targets": {"nowhere": []}}, G)]
    ['title_missing', 'status_unknown', 'effort_out_of_range', 'touchpoint_unknown']
    """
    problems = []
    title = idea.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(IdeaProblem("title_missing"))
    elif len(title) > MAX_TITLE:
        problems.append(IdeaProblem("title_too_long", {"max": MAX_TITLE}))
    elif bad_character(title):
        problems.append(IdeaProblem("text_characters", {"field": "title", "char": first_bad(title)}))
    for field, limit, long in (("description", MAX_TEXT, True), ("owner", MAX_TEXT, False)):
        value = idea.get(field, "")
        value = "" if value is None else value
        if not isinstance(value, str) or len(value) > limit:
            problems.append(IdeaProblem("text_invalid", {"field": field, "max": limit}))
        elif bad_character(value, long=long):
            problems.append(IdeaProblem("text_characters", {"field": field, "char": first_bad(value, long=long)}))
    if idea.get("status", "open") not in STATUSES:
        status = brief(idea.get("status"))
        problems.append(IdeaProblem("status_unknown", {"status": status, "allowed": ", ".join(STATUSES)}))
    effort = idea.get("effort")
    lo, hi = EFFORT_RANGE
    if effort is not None and (isinstance(effort, bool) or not isinstance(effort, int) or not lo <= effort <= hi):
        problems.append(IdeaProblem("effort_out_of_range", {"value": brief(effort), "lo": lo, "hi": hi}))
    targets = idea.get("targets") or {}
    if not isinstance(targets, dict):
        return [*problems, IdeaProblem("targets_invalid")]
    for key, pains in targets.items():
        if not isinstance(key, str) or not isinstance(pains, list | tuple | None) or not _texts(pains or []):
            problems.append(IdeaProblem("targets_invalid"))
        elif key not in G:
            problems.append(IdeaProblem("touchpoint_unknown", {"touchpoint": brief(key)}))
        else:
            known = {p.get("text") for p in G.nodes[key].get("pains", [])}
            problems += [
                IdeaProblem("pain_unknown", {"pain": brief(pain), "touchpoint": G.nodes[key].get("name", key)})
                for pain in pains or []
                if pain not in known
            ]
    return problems


def _texts(values) -> bool:
    return all(isinstance(v, str) for v in values)


def idea_value(lenses: Mapping[str, dict] | None) -> float | None:
    """Return the value of an idea: the mean of its DVF consensus (1..5), None while it has no score.

    ``lenses`` is one idea's entry of :func:`journeys.analysis.scoring.consensus` (``by="idea"``); a lens
    nobody scored is left out of the mean, as for touchpoints.

    Examples
    --------
    >>> idea_value({"desirable": {"median": 4}, "viable": {"median": 3}, "feasible": {"median": 5}})
    4.0
    >>> idea_value({"desirable": {"median": 5}, "viable": {"median": 2}})
    3.5
    >>> idea_value({}) is None
    True
    """
    scored = [v["median"] for lens in LENSES if (v := (lenses or {}).get(lens)) and v.get("median") is not None]
    return fmean(scored) if scored else None


def quadrant(value: float | None, effort: int | None) -> str | None:
    """Return the idea's quadrant of the value × effort matrix, None while value or effort is missing.

    High value is ``value >= VALUE_SPLIT`` (3), low effort is ``effort <= EFFORT_SPLIT`` (3):
    quick win (high value, low effort), big bet (high value, high effort), maybe later
    (low value, low effort), time sink (low value, high effort).

    Examples
    --------
    >>> quadrant(3.0, 3), quadrant(3.0, 4), quadrant(2.9, 3), quadrant(2.9, 4)
    ('quick-win', 'big-bet', 'maybe-later', 'time-sink')
    >>> quadrant(None, 2) is None
    True
    """
    if value is None or effort is None or (isinstance(value, float) and math.isnan(value)):
        return None
    high, low = value >= VALUE_SPLIT, effort <= EFFORT_SPLIT
    return {(True, True): "quick-win", (True, False): "big-bet", (False, True): "maybe-later"}.get(
        (high, low), "time-sink"
    )


def expected_relief(weaknesses: Iterable[float], value: float | None) -> float | None:
    """Return ``Σ weakness × (value − 1) / 4``: how much weakness the idea would take away, if it works.

    ``weaknesses`` are those of the touchpoints the idea addresses; ``(value − 1) / 4`` is its
    DVF consensus scaled to 0 (poor) … 1 (excellent). None while the idea has no score.

    Examples
    --------
    >>> round(expected_relief([0.3, 0.5], 4.0), 4)
    0.6
    >>> expected_relief([0.4], None) is None
    True
    """
    if value is None:
        return None
    return sum(weaknesses) * (value - 1) / 4


def targets_from(G: nx.DiGraph, touchpoints: Iterable[str], pains: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Return an idea's ``targets`` from the chosen touchpoints and (touchpoint, pain text) pairs.

    Pains of touchpoints that are not chosen are dropped; order follows the journey.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> targets_from(broadband_demo(), ["hotline", "cancel"], [("hotline", "25 minutes in the queue"), ("tariff-page", "x")])
    {'hotline': ['25 minutes in the queue'], 'cancel': []}
    """
    chosen = [k for k in touchpoints if k in G]
    picked = set(pains)
    return {
        k: [p["text"] for p in G.nodes[k].get("pains", []) if (k, p.get("text")) in picked]
        for k in dict.fromkeys(chosen)
    }


RANKED_COLUMNS = [
    "title", "status", "owner", "touchpoints", "pains", *LENSES, "spread", "raters", "value", "effort",
    "relief", "quadrant",
]  # fmt: skip


def ranked_ideas(
    ideas: list[dict], ratings: list[dict], weakness: Mapping[str, float], *, weighted: bool = False
) -> pd.DataFrame:
    """Return one row per idea, ranked by expected relief (unscored ideas last), indexed by idea id.

    ``ratings`` are the ideas' ratings (each with an ``"idea"`` key), ``weakness`` maps touchpoint
    key → weakness (the ``weakness`` column of :func:`journeys.analysis.scoring.weakness_table`); a touchpoint
    that is gone counts 0. Columns: title, status, owner, touchpoints (keys), pains (texts), the
    three lens medians, the largest spread, the number of raters, value, effort, relief, quadrant.
    Ties are broken by value, then title.

    Examples
    --------
    >>> ideas = [{"id": 1, "title": "A", "effort": 2, "targets": {"t": []}},
    ...          {"id": 2, "title": "B", "effort": 4, "targets": {"t": [], "u": []}},
    ...          {"id": 3, "title": "C", "effort": 1, "targets": {"u": []}}]
    >>> ratings = [{"idea": 1, "rater": "x", "desirable": 5}, {"idea": 2, "rater": "x", "desirable": 4}]
    >>> table = ranked_ideas(ideas, ratings, {"t": 0.4, "u": 0.4})
    >>> table.index.tolist(), table["relief"].round(2).tolist(), table["quadrant"].tolist()
    ([2, 1, 3], [0.6, 0.4, <NA>], ['big-bet', 'quick-win', nan])
    """
    scores = consensus(ratings, weighted=weighted, by="idea")
    rows = []
    for idea in ideas:
        lenses = scores.get(idea["id"], {})
        value = idea_value(lenses)
        targets = idea.get("targets") or {}
        rows.append(
            {
                "id": idea["id"],
                "title": idea.get("title", ""),
                "status": idea.get("status", "open"),
                "owner": idea.get("owner", ""),
                "touchpoints": list(targets),
                "pains": [p for pains in targets.values() for p in pains or []],
                **{lens: lenses.get(lens, {}).get("median") for lens in LENSES},
                "spread": max((v["spread"] for v in lenses.values()), default=None),
                "raters": len({r["rater"] for r in ratings if r["idea"] == idea["id"]}),
                "value": value,
                "effort": idea.get("effort"),
                "relief": expected_relief((float(weakness.get(k, 0.0)) for k in targets), value),
                "quadrant": quadrant(value, idea.get("effort")),
            }
        )
    frame = pd.DataFrame(rows, columns=["id", *RANKED_COLUMNS])
    frame = frame.astype({c: "Float64" for c in [*LENSES, "spread", "value", "relief"]} | {"effort": "Int64"})
    frame = frame.sort_values(["relief", "value", "title"], ascending=[False, False, True], na_position="last")
    return frame.set_index("id")
