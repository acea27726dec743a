"""Test data: hypothesis strategies for valid journeys and a small plain factory.

``journeys()`` draws any valid journey the model allows (unicode text, loops,
self-loops, missing scores); ``make_journey()`` builds the same small journey
every time, for tests that need a known shape.
"""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
from hypothesis import strategies as st

from journeys.model.graph import (
    CHANNELS,
    EMOTION_RANGE,
    EVIDENCE,
    NEED_KINDS,
    SCORE_RANGE,
    SEVERITY_RANGE,
    STATES,
    add_touchpoint,
    add_transition,
    new_journey,
)

__all__ = ["journeys", "keys", "make_journey", "names", "texts"]

# What a journey's text may hold (journeys.model.text): no lone surrogate (no UTF-8 for it), no NUL (PostgreSQL
# refuses it) and no other control character; long texts such as descriptions may hold tabs and line breaks.
CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"))
LONG_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n")
WORDS = (
    "Größe wählen",
    "Kündigung per Brief",
    "Übergabe im Laden 🚲",
    "Straßenbahn",
    "Hotline ☎️ anrufen",
    "Router einrichten 🛜",
    "Zufrieden 😀",
    "日本語のテキスト",
    "naïve café",
    "    leading spaces",
)
KEY_WORDS = ("hotline", "install-router", "tp-1", "über", "🚲", "a b", "Kündigung", "1")


def texts(*, max_size: int = 30, long: bool = False) -> st.SearchStrategy[str]:
    """Free text, possibly empty: words with umlauts and emoji, or any characters (``long``: tabs and line breaks too)."""
    return st.one_of(
        st.just(""), st.sampled_from(WORDS), st.text(LONG_CHARACTERS if long else CHARACTERS, max_size=max_size)
    )


def names() -> st.SearchStrategy[str]:
    """Required text: at least one character that is not white space."""
    return st.one_of(st.sampled_from(WORDS), st.text(CHARACTERS, min_size=1, max_size=30)).filter(str.strip)


def keys() -> st.SearchStrategy[str]:
    """Ids of stages, personas and touchpoints: short, never blank."""
    return st.one_of(st.sampled_from(KEY_WORDS), st.text(CHARACTERS, min_size=1, max_size=12)).filter(str.strip)


def _persona(pid: str) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {
            "id": st.just(pid),
            "name": names(),
            "segment": texts(),
            "goals": texts(long=True),
            "quote": texts(long=True),
            "value": st.none() | st.floats(allow_nan=False, allow_infinity=False),
        }
    )


def _persona_ref(persona_keys: list[str]) -> st.SearchStrategy[str | None]:
    return (st.none() | st.sampled_from(persona_keys)) if persona_keys else st.none()


def _touchpoint(stage_keys: list[str], persona_keys: list[str]) -> st.SearchStrategy[dict]:
    persona = st.sampled_from(persona_keys) if persona_keys else st.nothing()
    need = st.fixed_dictionaries(
        {
            "text": names(),
            "motivation": texts(long=True),
            "kind": st.sampled_from(NEED_KINDS),
            "persona": _persona_ref(persona_keys),
        }
    )
    pain = st.fixed_dictionaries(
        {
            "text": names(),
            "severity": st.integers(*SEVERITY_RANGE),
            "evidence": st.sampled_from(EVIDENCE),
            "persona": _persona_ref(persona_keys),
        }
    )
    score = st.none() | st.integers(*SCORE_RANGE)
    return st.fixed_dictionaries(
        {
            "name": names(),
            "stage": st.sampled_from(stage_keys),
            "channel": st.sampled_from(CHANNELS) | texts(),
            "owner": texts(),
            "description": texts(max_size=80, long=True),
            "backstage": st.booleans(),
            "moment_of_truth": st.booleans(),
            "entry": st.booleans(),
            "exit": st.booleans(),
            "personas": st.lists(persona, unique=True, max_size=len(persona_keys)),
            "needs": st.lists(need, max_size=3),
            "pains": st.lists(pain, max_size=3),
            "emotions": st.dictionaries(persona, st.integers(*EMOTION_RANGE), max_size=len(persona_keys)),
            "expectation": score,
            "experience": score,
        }
    )


@st.composite
def journeys(draw: st.DrawFn, *, max_touchpoints: int = 25) -> nx.DiGraph:
    """Draw a valid journey: 1–6 stages, 0–4 personas, up to ``max_touchpoints`` touchpoints.

    Transitions join existing touchpoints only, may loop back or onto themselves,
    and the shares leaving a touchpoint never add up to more than 1.
    """
    stage_keys = draw(st.lists(keys(), min_size=1, max_size=6, unique=True))
    persona_keys = draw(st.lists(keys(), max_size=4, unique=True))
    G = new_journey(
        draw(names()),
        stages=[{"id": s, "name": draw(names())} for s in stage_keys],
        personas=[draw(_persona(p)) for p in persona_keys],
        state=draw(st.sampled_from(STATES)),
        description=draw(texts(max_size=200, long=True)),
        journey_id=draw(st.just("") | st.text("0123456789abcdef", min_size=12, max_size=12)),
    )
    tp_keys = draw(st.lists(keys(), max_size=max_touchpoints, unique=True))
    for key in tp_keys:
        add_touchpoint(G, key, **draw(_touchpoint(stage_keys, persona_keys)))
    if not tp_keys:
        return G
    node = st.sampled_from(tp_keys)
    pairs = draw(st.lists(st.tuples(node, node), max_size=2 * len(tp_keys), unique=True))
    left = dict.fromkeys(tp_keys, 1.0)
    for source, target in pairs:
        share = None
        if draw(st.booleans()):
            # a fraction of what is left keeps every node's total at or below 1
            share = draw(st.floats(0, 1)) * left[source]
            left[source] -= share
        add_transition(G, source, target, label=draw(texts()), share=share)
    return G


def make_journey(n: int = 5, *, personas: int = 2, name: str = "Test journey") -> nx.DiGraph:
    """Return a valid journey of ``n`` touchpoints ``tp-1`` … ``tp-n`` in a line, with a branch and a loop.

    ``tp-1`` is the entry and branches to ``tp-2`` (0.7) and ``tp-3`` (0.3); each
    touchpoint leads on to the next (0.8); the exit ``tp-n`` loops back to ``tp-2``
    (0.2). Personas are ``persona-1`` … ``persona-{personas}``; stages are
    ``before``, ``during`` and ``after``.
    """
    if n < 1:
        raise ValueError("a journey needs at least one touchpoint")
    stages = [
        {"id": "before", "name": "Before use"},
        {"id": "during", "name": "During use"},
        {"id": "after", "name": "After use"},
    ]
    people = [
        {
            "id": f"persona-{i}",
            "name": f"Persona {i}",
            "segment": "Private customers",
            "goals": "Get online quickly",
            "quote": "It should just work.",
            "value": 1000.0 * i,
        }
        for i in range(1, personas + 1)
    ]
    pids = [p["id"] for p in people]
    G = new_journey(name, stages=stages, personas=people, description="Built by tests.strategies.make_journey")
    tps = [f"tp-{i}" for i in range(1, n + 1)]
    for i, key in enumerate(tps):
        pains = [{"text": f"Pain at {key}", "severity": i % 5 + 1, "persona": pids[0] if pids else None}]
        add_touchpoint(
            G,
            key,
            name=f"Touchpoint {i + 1}",
            stage=stages[min(3 * i // n, 2)]["id"],
            channel=CHANNELS[i % len(CHANNELS)],
            owner="Customer service" if i % 2 else "Marketing",
            personas=pids,
            entry=i == 0,
            exit=i == n - 1,
            moment_of_truth=i == 1,
            backstage=0 < i < n - 1 and i % 3 == 2,
            emotions={p: (i + j) % 5 - 2 for j, p in enumerate(pids)},
            expectation=4,
            experience=i % 5 + 1,
            needs=[{"text": f"Need at {key}", "motivation": "Wants it done", "kind": NEED_KINDS[i % 3]}],
            pains=pains if i % 2 else [],
        )
    for i, (source, target) in enumerate(pairwise(tps)):
        add_transition(G, source, target, share=0.7 if i == 0 and n >= 3 else 0.8)
    if n >= 3:
        add_transition(G, "tp-1", "tp-3", label="skips ahead", share=0.3)
    if n >= 2:
        add_transition(G, tps[-1], "tp-2", label="comes back", share=0.2)
    return G
