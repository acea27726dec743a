"""Stage sets and demo journeys to start from.

Examples
--------
>>> from journeys.model.validation import validate
>>> G = broadband_demo()
>>> validate(G), G.number_of_nodes() > 10
([], True)
"""

from __future__ import annotations

import networkx as nx

from journeys.i18n import t
from journeys.model.graph import add_touchpoint, add_transition, new_journey

__all__ = [
    "STAGE_SETS",
    "TEMPLATES",
    "DEMO_RATINGS",
    "DEMO_IDEAS",
    "broadband_to_be",
    "stages_for",
    "blank_journey",
    "broadband_demo",
    "ebike_demo",
    "from_template",
]

STAGE_SETS: dict[str, tuple[str, ...]] = {
    "lifecycle": ("awareness", "consideration", "purchase", "onboarding", "use", "support", "loyalty"),
    "experiences": ("communication", "purchase-experience", "use-experience"),
    "usage": ("before", "during", "after"),
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


def _persona(pid, name, segment, goals, quote, value):
    return {"id": pid, "name": name, "segment": segment, "goals": goals, "quote": quote, "value": value}


def _need(text, motivation, kind="functional", persona=None):
    return {"text": text, "motivation": motivation, "kind": kind, "persona": persona}


def _pain(text, severity, evidence="interview", persona=None):
    return {"text": text, "severity": severity, "evidence": evidence, "persona": persona}


def broadband_demo(lang: str = "en") -> nx.DiGraph:
    """A broadband customer whose home router is misconfigured.

    She calls the hotline although the line works; the line check finds nothing,
    and she either gets the router fixed remotely or cancels.
    """
    G = new_journey(
        "Broadband: router set-up and the hotline",
        description=(
            "New broadband customers set up their own router. A wrong setting makes the Wi-Fi drop; "
            "they call the hotline although the line itself works."
        ),
        stages=stages_for("lifecycle", lang),
        personas=[
            _persona(
                "petra",
                "Petra, busy parent",
                "Private, non-technical",
                "Internet that just works for the family",
                "I don't want to understand routers, I want Wi-Fi.",
                1800.0,
            ),
            _persona(
                "jonas",
                "Jonas, home-office worker",
                "Private, tech-savvy",
                "Stable line for video calls",
                "Tell me what is wrong, not to restart the router.",
                2400.0,
            ),
        ],
    )
    both = ["petra", "jonas"]
    tp = add_touchpoint
    tp(
        G,
        "comparison-portal",
        name="Tariff comparison portal",
        stage="awareness",
        channel="web",
        owner="Marketing",
        personas=both,
        entry=True,
        emotions={"petra": 0, "jonas": 1},
        expectation=3,
        experience=3,
        needs=[_need("Find a fast, affordable tariff", "Save money without losing speed", "economic")],
    )
    tp(
        G,
        "tariff-page",
        name="Tariff page on website",
        stage="consideration",
        channel="web",
        owner="Marketing",
        personas=both,
        emotions={"petra": 0, "jonas": 1},
        expectation=4,
        experience=3,
        pains=[_pain("Upload speed hidden in the footnotes", 2, "observation", "jonas")],
    )
    tp(
        G,
        "shop-advice",
        name="Advice in the shop",
        stage="consideration",
        channel="shop",
        owner="Sales",
        personas=["petra"],
        emotions={"petra": 1},
        expectation=4,
        experience=4,
        needs=[_need("Someone explains the options", "Fear of choosing the wrong thing", "emotional", "petra")],
    )
    tp(
        G,
        "online-order",
        name="Order online",
        stage="purchase",
        channel="web",
        owner="Sales",
        personas=both,
        moment_of_truth=True,
        emotions={"petra": 1, "jonas": 1},
        expectation=4,
        experience=4,
    )
    tp(
        G,
        "router-delivery",
        name="Router delivered",
        stage="onboarding",
        channel="letter",
        owner="Logistics",
        personas=both,
        emotions={"petra": 1, "jonas": 1},
        expectation=4,
        experience=4,
    )
    tp(
        G,
        "line-activation",
        name="Line switched on",
        stage="onboarding",
        channel="product",
        owner="Network operations",
        backstage=True,
        personas=both,
        expectation=4,
        experience=5,
    )
    tp(
        G,
        "install-router",
        name="Set up the router",
        stage="onboarding",
        channel="product",
        owner="Product",
        personas=both,
        moment_of_truth=True,
        emotions={"petra": -2, "jonas": -1},
        expectation=4,
        experience=2,
        needs=[_need("Plug in and be online", "Family needs the internet tonight", "functional", "petra")],
        pains=[
            _pain("Quick-start guide skips the Wi-Fi band setting", 4, "observation"),
            _pain("Default setting makes the Wi-Fi drop every few minutes", 5, "survey"),
        ],
    )
    tp(
        G,
        "daily-use",
        name="Daily use at home",
        stage="use",
        channel="product",
        owner="Product",
        personas=both,
        emotions={"petra": 1, "jonas": 1},
        expectation=4,
        experience=4,
    )
    tp(
        G,
        "hotline",
        name="Call the hotline",
        stage="support",
        channel="phone",
        owner="Customer service",
        personas=both,
        moment_of_truth=True,
        emotions={"petra": -2, "jonas": -2},
        expectation=4,
        experience=1,
        needs=[_need("Get it working today", "Working from home tomorrow", "economic", "jonas")],
        pains=[
            _pain("25 minutes in the queue", 4, "survey"),
            _pain("Agent says the line is fine and ends the call", 5, "interview"),
        ],
    )
    tp(
        G,
        "line-check",
        name="Remote line measurement",
        stage="support",
        channel="product",
        owner="Network operations",
        backstage=True,
        personas=both,
        expectation=3,
        experience=3,
        pains=[_pain("Checks the line only, not the router settings", 4, "observation")],
    )
    tp(
        G,
        "remote-fix",
        name="Router fixed remotely",
        stage="support",
        channel="phone",
        owner="IT",
        personas=both,
        emotions={"petra": 1, "jonas": 0},
        expectation=3,
        experience=4,
        needs=[_need("Understand what was wrong", "Avoid the next outage", "functional", "jonas")],
    )
    tp(
        G,
        "cancel",
        name="Cancels the contract",
        stage="loyalty",
        channel="letter",
        owner="Customer service",
        personas=both,
        exit=True,
        moment_of_truth=True,
        emotions={"petra": -2, "jonas": -2},
        expectation=2,
        experience=1,
        pains=[_pain("Has to send a letter to cancel", 3, "interview")],
    )
    tp(
        G,
        "recommend",
        name="Recommends to neighbours",
        stage="loyalty",
        channel="social",
        owner="Marketing",
        personas=both,
        exit=True,
        emotions={"petra": 2, "jonas": 1},
        expectation=3,
        experience=4,
    )
    for u, v, share, label in [
        ("comparison-portal", "tariff-page", 0.7, "clicks through"),
        ("comparison-portal", "shop-advice", 0.3, "prefers advice"),
        ("tariff-page", "online-order", 0.6, ""),
        ("shop-advice", "online-order", 0.8, ""),
        ("online-order", "line-activation", 1.0, ""),
        ("line-activation", "router-delivery", 1.0, ""),
        ("router-delivery", "install-router", 1.0, ""),
        ("install-router", "daily-use", 0.6, "works first time"),
        ("install-router", "hotline", 0.4, "Wi-Fi keeps dropping"),
        ("daily-use", "hotline", 0.15, "outage"),
        ("daily-use", "recommend", 0.35, ""),
        ("hotline", "line-check", 0.9, "agent runs line test"),
        ("hotline", "cancel", 0.1, "gives up in the queue"),
        ("line-check", "remote-fix", 0.55, "second-level finds the router setting"),
        ("line-check", "cancel", 0.3, "'your line is fine'"),
        ("remote-fix", "daily-use", 1.0, "back online"),
    ]:
        add_transition(G, u, v, share=share, label=label)
    return G


def ebike_demo(lang: str = "en") -> nx.DiGraph:
    """Buying an e-bike at a specialist shop: test ride, financing, service loop."""
    G = new_journey(
        "E-bike: from the first ad to the first service",
        description="Commuters buy an e-bike from a regional specialist chain; some are lost at financing.",
        stages=stages_for("experiences", lang),
        personas=[
            _persona(
                "claudia",
                "Claudia, commuter",
                "Urban professional",
                "Get to work without the car",
                "It has to be ready on Monday morning.",
                3200.0,
            ),
            _persona(
                "rolf",
                "Rolf, active retiree",
                "Silver agers",
                "Longer tours with his wife",
                "I want to try it before I pay that much.",
                2600.0,
            ),
        ],
    )
    both = ["claudia", "rolf"]
    tp = add_touchpoint
    tp(
        G,
        "social-ad",
        name="Social media ad",
        stage="communication",
        channel="social",
        owner="Marketing",
        personas=["claudia"],
        entry=True,
        emotions={"claudia": 1},
        expectation=3,
        experience=3,
    )
    tp(
        G,
        "newspaper",
        name="Regional newspaper feature",
        stage="communication",
        channel="letter",
        owner="Marketing",
        personas=["rolf"],
        entry=True,
        emotions={"rolf": 1},
        expectation=3,
        experience=4,
    )
    tp(
        G,
        "configurator",
        name="Online bike configurator",
        stage="communication",
        channel="web",
        owner="E-commerce",
        personas=both,
        emotions={"claudia": 1, "rolf": -1},
        expectation=4,
        experience=3,
        pains=[_pain("Frame sizes unclear", 3, "survey", "rolf")],
    )
    tp(
        G,
        "test-ride",
        name="Test ride in the shop",
        stage="purchase-experience",
        channel="shop",
        owner="Sales",
        personas=both,
        moment_of_truth=True,
        emotions={"claudia": 2, "rolf": 2},
        expectation=4,
        experience=5,
        needs=[_need("Feel the motor support", "Trust before a big purchase", "emotional")],
    )
    tp(
        G,
        "financing",
        name="Apply for financing",
        stage="purchase-experience",
        channel="shop",
        owner="Finance",
        personas=both,
        moment_of_truth=True,
        emotions={"claudia": -1, "rolf": -1},
        expectation=4,
        experience=2,
        needs=[_need("Pay in instalments", "Spread the cost", "economic")],
        pains=[
            _pain("Credit check takes three days", 4, "interview"),
            _pain("Paper forms in the shop", 2, "observation", "claudia"),
        ],
    )
    tp(
        G,
        "credit-check",
        name="Credit check by the bank",
        stage="purchase-experience",
        channel="partner",
        owner="Finance",
        backstage=True,
        personas=both,
        expectation=3,
        experience=2,
    )
    tp(
        G,
        "handover",
        name="Bike handover",
        stage="purchase-experience",
        channel="shop",
        owner="Workshop",
        personas=both,
        emotions={"claudia": 2, "rolf": 1},
        expectation=4,
        experience=4,
    )
    tp(
        G,
        "lost-sale",
        name="Buys elsewhere",
        stage="purchase-experience",
        channel="shop",
        owner="Sales",
        personas=both,
        exit=True,
        emotions={"claudia": -1, "rolf": -1},
    )
    tp(
        G,
        "commuting",
        name="Daily rides",
        stage="use-experience",
        channel="product",
        owner="Product",
        personas=both,
        emotions={"claudia": 2, "rolf": 2},
        expectation=4,
        experience=5,
    )
    tp(
        G,
        "service",
        name="Service appointment",
        stage="use-experience",
        channel="shop",
        owner="Workshop",
        personas=both,
        moment_of_truth=True,
        emotions={"claudia": -1, "rolf": 0},
        expectation=4,
        experience=3,
        pains=[_pain("Two weeks without the bike", 4, "survey", "claudia")],
    )
    tp(
        G,
        "review",
        name="Writes a review",
        stage="use-experience",
        channel="web",
        owner="Marketing",
        personas=both,
        exit=True,
        emotions={"claudia": 1, "rolf": 2},
        expectation=3,
        experience=4,
    )
    for u, v, share, label in [
        ("social-ad", "configurator", 0.8, ""),
        ("newspaper", "configurator", 0.5, ""),
        ("newspaper", "test-ride", 0.5, "comes straight to the shop"),
        ("configurator", "test-ride", 0.7, "books a test ride"),
        ("test-ride", "financing", 0.6, ""),
        ("test-ride", "handover", 0.3, "pays at once"),
        ("financing", "credit-check", 1.0, ""),
        ("credit-check", "handover", 0.75, "approved"),
        ("credit-check", "lost-sale", 0.25, "too slow / rejected"),
        ("handover", "commuting", 1.0, ""),
        ("commuting", "service", 0.5, "yearly service"),
        ("commuting", "review", 0.2, ""),
        ("service", "commuting", 0.95, "back on the road"),
    ]:
        add_transition(G, u, v, share=share, label=label)
    return G


TEMPLATES = {
    "broadband": broadband_demo,
    "ebike": ebike_demo,
}

# Workshop scores that come with the demo journeys: per template, raters with their
# discipline and (desirable, viable, feasible) per touchpoint. The hotline's scores are
# the worked example of docs/scoring.md.
DEMO_RATINGS: dict[str, list[tuple[str, str, dict[str, tuple[int, int, int]]]]] = {
    "broadband": [
        (
            "Ana",
            "customer-service",
            {
                "comparison-portal": (3, 4, 4),
                "tariff-page": (3, 4, 4),
                "shop-advice": (4, 2, 4),
                "online-order": (4, 4, 4),
                "router-delivery": (4, 4, 4),
                "line-activation": (3, 4, 4),
                "install-router": (1, 3, 3),
                "daily-use": (4, 4, 4),
                "hotline": (1, 3, 4),
                "line-check": (2, 3, 4),
                "remote-fix": (4, 3, 3),
                "cancel": (1, 1, 4),
                "recommend": (5, 5, 3),
            },
        ),
        (
            "Ben",
            "it",
            {
                "comparison-portal": (3, 4, 5),
                "tariff-page": (3, 3, 4),
                "shop-advice": (4, 2, 4),
                "online-order": (4, 5, 4),
                "router-delivery": (4, 4, 5),
                "line-activation": (3, 4, 5),
                "install-router": (2, 3, 4),
                "daily-use": (4, 4, 4),
                "hotline": (2, 3, 4),
                "line-check": (2, 3, 5),
                "remote-fix": (4, 3, 4),
                "cancel": (1, 2, 4),
                "recommend": (5, 5, 3),
            },
        ),
        (
            "Cem",
            "finance",
            {
                "comparison-portal": (3, 4, 4),
                "tariff-page": (2, 4, 4),
                "shop-advice": (4, 2, 3),
                "online-order": (4, 4, 4),
                "router-delivery": (4, 3, 4),
                "line-activation": (3, 4, 4),
                "install-router": (2, 4, 4),
                "daily-use": (4, 5, 4),
                "hotline": (2, 4, 5),
                "line-check": (2, 4, 4),
                "remote-fix": (4, 2, 3),
                "cancel": (1, 1, 4),
                "recommend": (5, 5, 4),
            },
        ),
    ],
    "ebike": [
        (
            "Dora",
            "sales",
            {
                "social-ad": (3, 3, 4),
                "newspaper": (3, 2, 4),
                "configurator": (2, 3, 3),
                "test-ride": (5, 4, 3),
                "financing": (2, 3, 3),
                "credit-check": (1, 3, 2),
                "handover": (4, 4, 4),
                "lost-sale": (1, 1, 3),
                "commuting": (5, 4, 4),
                "service": (2, 3, 2),
                "review": (4, 4, 4),
            },
        ),
        (
            "Emil",
            "operations",
            {
                "social-ad": (3, 3, 5),
                "newspaper": (3, 3, 4),
                "configurator": (3, 3, 2),
                "test-ride": (5, 3, 2),
                "financing": (2, 3, 4),
                "credit-check": (2, 3, 2),
                "handover": (4, 4, 3),
                "lost-sale": (1, 1, 3),
                "commuting": (5, 4, 4),
                "service": (2, 2, 2),
                "review": (4, 4, 5),
            },
        ),
    ],
}


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


# Ideas of the broadband workshop: (title, description, owner, status, effort,
# {touchpoint: [indexes of the pain points it addresses]}, DVF scores of Ana, Ben and Cem)
DEMO_IDEA_RATERS = (("Ana", "customer-service"), ("Ben", "it"), ("Cem", "finance"))
DEMO_IDEAS: dict[str, list[tuple]] = {
    "broadband": [
        (
            "Call-back slot instead of the queue",
            "Offer a call-back within 30 minutes when the queue is longer than 5 minutes.",
            "Customer service",
            "open",
            2,
            {"hotline": [0]},
            [(5, 3, 4), (4, 3, 3), (4, 2, 4)],
        ),
        (
            "Wi-Fi band preset in the router firmware",
            "Ship routers with the band setting that works in 95 % of homes.",
            "Router team (Product)",
            "in-progress",
            4,
            {"install-router": [1], "hotline": []},
            [(5, 4, 3), (5, 4, 3), (4, 4, 2)],
        ),
        (
            "Agents check the router settings remotely",
            "Second level reads the router settings during the first call, not only the line.",
            "Network operations",
            "open",
            3,
            {"hotline": [1], "line-check": [0]},
            [(5, 4, 3), (4, 4, 4), (4, 3, 4)],
        ),
        (
            "Quick-start guide with the Wi-Fi band step",
            "One extra step and a QR code to a 60-second video.",
            "Product",
            "done",
            1,
            {"install-router": [0]},
            [(4, 4, 5), (3, 4, 5), (4, 5, 5)],
        ),
        (
            "AI voice bot in front of the hotline",
            "Replace the phone menu with a voice bot that answers router questions.",
            "IT",
            "open",
            5,
            {"hotline": []},
            [(2, 3, 2), (2, 2, 1), (3, 2, 2)],
        ),
    ],
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
