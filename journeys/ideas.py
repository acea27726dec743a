"""Ideas (opportunities): proposed changes to touchpoints that address their pain points.

An idea is a plain dict::

    {"title": str, "description": str, "owner": str, "status": one of STATUSES,
     "effort": 1..5 or None, "targets": {touchpoint key: [pain point texts it addresses]}}

An empty pain list means the idea addresses the touchpoint as a whole. Ideas are
scored on desirable / viable / feasible by several raters, exactly like touchpoints
(see :func:`journeys.scoring.consensus` with ``by="idea"``).
"""

from __future__ import annotations

import dataclasses

import networkx as nx

from journeys.i18n import t

__all__ = ["STATUSES", "EFFORT_RANGE", "MAX_TITLE", "IdeaProblem", "check_idea"]

STATUSES = ("open", "in-progress", "done", "dropped")
EFFORT_RANGE = (1, 5)  # 1 = a few days of one person … 5 = a programme over quarters
MAX_TITLE = 200
MAX_TEXT = 10_000


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
    >>> from journeys.templates import broadband_demo
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
    for field in ("description", "owner"):
        value = idea.get(field, "")
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            problems.append(IdeaProblem("text_invalid", {"field": field, "max": MAX_TEXT}))
    if idea.get("status", "open") not in STATUSES:
        problems.append(IdeaProblem("status_unknown", {"status": idea.get("status"), "allowed": ", ".join(STATUSES)}))
    effort = idea.get("effort")
    lo, hi = EFFORT_RANGE
    if effort is not None and (isinstance(effort, bool) or not isinstance(effort, int) or not lo <= effort <= hi):
        problems.append(IdeaProblem("effort_out_of_range", {"value": effort, "lo": lo, "hi": hi}))
    targets = idea.get("targets") or {}
    if not isinstance(targets, dict):
        return [*problems, IdeaProblem("targets_invalid")]
    for key, pains in targets.items():
        if key not in G:
            problems.append(IdeaProblem("touchpoint_unknown", {"touchpoint": key}))
            continue
        known = {p.get("text") for p in G.nodes[key].get("pains", [])}
        for pain in pains or []:
            if pain not in known:
                problems.append(IdeaProblem("pain_unknown", {"pain": pain, "touchpoint": G.nodes[key].get("name", key)}))
    return problems
