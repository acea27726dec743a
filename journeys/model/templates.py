"""What a new journey starts from: blank with one of the stage sets, or one of the demo journeys.

Examples
--------
>>> G = from_template("broadband", name="Our broadband journey", lang="de")
>>> G.graph["name"], G.graph["stages"][0]["name"]
('Our broadband journey', 'Aufmerksamkeit')
"""

from __future__ import annotations

import networkx as nx

from journeys.demo import broadband_demo, ebike_demo
from journeys.i18n import t
from journeys.model.graph import new_journey

__all__ = [
    "STAGE_SETS",
    "TEMPLATES",
    "stages_for",
    "blank_journey",
    "from_template",
]

STAGE_SETS: dict[str, tuple[str, ...]] = {
    "lifecycle": ("awareness", "consideration", "purchase", "onboarding", "use", "support", "loyalty"),
    "experiences": ("communication", "purchase-experience", "use-experience"),
    "usage": ("before", "during", "after"),
}

#: The demo journeys to start from, each a function of the language (:mod:`journeys.demo`).
TEMPLATES = {
    "broadband": broadband_demo,
    "ebike": ebike_demo,
}


def stages_for(stage_set: str, lang: str = "en") -> list[dict]:
    """Return the stages of ``stage_set`` named in ``lang``.

    Examples
    --------
    >>> [s["name"] for s in stages_for("usage", "de")]
    ['Vor der Nutzung', 'Während der Nutzung', 'Nach der Nutzung']
    """
    if stage_set not in STAGE_SETS:
        raise KeyError(f"unknown stage set {stage_set!r}; choose one of {', '.join(STAGE_SETS)}")
    return [{"id": s, "name": t(f"stage.{s}", lang)} for s in STAGE_SETS[stage_set]]


def blank_journey(name: str, stage_set: str = "lifecycle", lang: str = "en", state: str = "as-is") -> nx.DiGraph:
    """Return an empty journey with the stages of ``stage_set``."""
    return new_journey(name, stages=stages_for(stage_set, lang), state=state)


def from_template(template: str, *, name: str | None = None, lang: str = "en", stage_set: str = "lifecycle"):
    """Return a new journey: ``"blank"`` with ``stage_set``, or one of :data:`TEMPLATES`."""
    if template == "blank":
        return blank_journey(name or t("template.blank", lang), stage_set, lang)
    if template not in TEMPLATES:
        raise KeyError(f"unknown template {template!r}; choose blank or one of {', '.join(TEMPLATES)}")
    G = TEMPLATES[template](lang)
    if name:
        G.graph["name"] = name
    return G
