"""The demo workshop an empty workbench starts with, kept as data files in this folder.

``broadband.json`` and ``ebike.json`` are journeys in the workbench's own JSON format
(``docs/json-format.md``), read through the validating importer; ``workshop.toml`` holds the
team's scores, its ideas and the customers' surveys, which are CSV files as a team uploads them.

Examples
--------
>>> from journeys.model.validation import validate
>>> G = broadband_demo()
>>> validate(G), G.number_of_nodes() > 10
([], True)
>>> DEMO_RATINGS["broadband"][0][2]["hotline"], DEMO_SURVEYS["broadband"][0][:2]
((1, 3, 4), ('Customer survey spring 2026', datetime.date(2026, 3, 31)))
"""

from __future__ import annotations

import tomllib
from importlib import resources

import networkx as nx

from journeys.i18n import t
from journeys.io import interchange

__all__ = [
    "DEMO_RATINGS",
    "DEMO_IDEAS",
    "DEMO_IDEA_RATERS",
    "DEMO_SURVEYS",
    "load",
    "broadband_demo",
    "ebike_demo",
    "broadband_to_be",
    "survey_csv",
]

_FILES = resources.files("journeys.demo")


def load(name: str, lang: str = "en") -> nx.DiGraph:
    """Return the demo journey in ``<name>.json``, the stages the workbench knows named in ``lang``."""
    G = interchange.loads(_FILES.joinpath(f"{name}.json").read_bytes())
    for stage in G.graph["stages"]:
        key = f"stage.{stage['id']}"
        if t(key) != key:  # the workbench has a name for it (an unknown key comes back as is)
            stage["name"] = t(key, lang)
    return G


def broadband_demo(lang: str = "en") -> nx.DiGraph:
    """A broadband customer whose home router is misconfigured.

    She calls the hotline although the line works; the line check finds nothing,
    and she either gets the router fixed remotely or cancels.
    """
    return load("broadband", lang)


def ebike_demo(lang: str = "en") -> nx.DiGraph:
    """Buying an e-bike at a specialist shop: test ride, financing, service loop."""
    return load("ebike", lang)


def survey_csv(file: str) -> bytes:
    """Return the bytes of a demo survey file named in :data:`DEMO_SURVEYS`."""
    return _FILES.joinpath(file).read_bytes()


_WORKSHOP = tomllib.loads(_FILES.joinpath("workshop.toml").read_text("utf-8"))
_PER_JOURNEY = {name: part for name, part in _WORKSHOP.items() if isinstance(part, dict)}

#: Ideas are scored by these raters: (name, discipline), in the order of each idea's scores.
DEMO_IDEA_RATERS: tuple[tuple[str, str], ...] = tuple(map(tuple, _WORKSHOP["idea_raters"]))

#: Per template: (rater, discipline, {touchpoint: (desirable, viable, feasible)}) for each rater.
DEMO_RATINGS: dict[str, list[tuple[str, str, dict[str, tuple[int, int, int]]]]] = {
    name: [
        (rater, discipline, {key: tuple(scores[i]) for key, scores in part["scores"].items()})
        for i, (rater, discipline) in enumerate(part["raters"])
    ]
    for name, part in _PER_JOURNEY.items()
}

#: Per template: (title, description, owner, status, effort, {touchpoint: [pain point indexes]},
#: [(desirable, viable, feasible) of each of :data:`DEMO_IDEA_RATERS`]) for each idea.
DEMO_IDEAS: dict[str, list[tuple]] = {
    name: [
        (
            i["title"],
            i["description"],
            i["owner"],
            i["status"],
            i["effort"],
            i["targets"],
            list(map(tuple, i["scores"])),
        )
        for i in part["ideas"]
    ]
    for name, part in _PER_JOURNEY.items()
    if "ideas" in part
}

#: Per template: (name, date surveyed, file for :func:`survey_csv`) for each survey.
DEMO_SURVEYS: dict[str, list[tuple]] = {
    name: [(s["name"], s["date"], s["file"]) for s in part["surveys"]]
    for name, part in _PER_JOURNEY.items()
    if "surveys" in part
}


def broadband_to_be(G: nx.DiGraph) -> nx.DiGraph:
    """Return the designed future of the broadband journey: a copy of ``G`` with the chosen ideas in place.

    The Wi-Fi band preset and the quick-start step take the router's two pain points away,
    the call-back slot ends the queue, and agents check the router settings remotely.

    Examples
    --------
    >>> to_be = broadband_to_be(broadband_demo())
    >>> to_be.graph["state"], to_be.nodes["hotline"]["experience"], len(to_be.nodes["install-router"]["pains"])
    ('to-be', 3, 0)
    """
    H = G.copy()
    H.graph.update(name="To-be: call-back slot and Wi-Fi preset (broadband)", state="to-be")
    router = dict(H.nodes["install-router"])
    H.nodes["install-router"].update(
        experience=4, pains=[], emotions={persona: 1 for persona in router.get("emotions", {})}
    )
    hotline = dict(H.nodes["hotline"])
    H.nodes["hotline"].update(
        name="Call the hotline (call-back slot)",
        experience=3,
        pains=[
            {**hotline["pains"][0], "text": "Waits for the call-back slot", "severity": 2, "evidence": "assumption"}
        ],
        emotions={persona: 0 for persona in hotline.get("emotions", {})},
    )
    H.nodes["line-check"].update(name="Remote check of line and router", experience=4, pains=[])
    if H.has_edge("install-router", "hotline") and H.has_edge("install-router", "daily-use"):
        H.edges["install-router", "daily-use"]["share"] = 0.85
        H.edges["install-router", "hotline"]["share"] = 0.15
    if H.has_edge("hotline", "cancel") and H.has_edge("hotline", "line-check"):
        H.edges["hotline", "line-check"]["share"] = 0.97
        H.edges["hotline", "cancel"]["share"] = 0.03
    return H
