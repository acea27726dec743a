"""Checks that a journey is consistent, reporting every problem at once.

Cycles are allowed: real journeys loop (use → support → use).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from numbers import Real

import networkx as nx

from journeys.graph import (
    EMOTION_RANGE,
    EVIDENCE,
    NEED_KINDS,
    SCORE_RANGE,
    SEVERITY_RANGE,
    STATES,
)

__all__ = ["Problem", "JourneyInvalid", "validate", "check"]

SHARE_TOLERANCE = 1e-6
MAX_TEXT = 10_000
MAX_KEY = 200  # ids of stages, personas and touchpoints; the JSON schema allows no longer


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a journey: ``where`` it is and ``what`` is wrong.

    ``code`` is a stable identifier (for translations and tests), ``where`` a path
    such as ``touchpoint 'hotline'`` or ``transition 'a' → 'b'``.
    """

    code: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class JourneyInvalid(ValueError):
    """Raised by :func:`check` when a journey has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"The journey has {len(self.problems)} problem(s):\n{lines}")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_range(problems, where, field, value, bounds, *, optional=True, integer=True):
    if value is None and optional:
        return
    ok_type = _is_int(value) if integer else _is_number(value)
    lo, hi = bounds
    if not ok_type:
        kind = "a whole number" if integer else "a number"
        problems.append(Problem("not_a_number", where, f"{field} must be {kind} from {lo} to {hi}, not {value!r}"))
    elif not lo <= value <= hi:
        problems.append(Problem("out_of_range", where, f"{field} {value} is outside {lo}..{hi}"))


def _check_text(problems, where, field, value, *, required=False):
    if not isinstance(value, str):
        problems.append(Problem("not_text", where, f"{field} must be text, not {type(value).__name__}"))
    elif required and not value.strip():
        problems.append(Problem("missing", where, f"{field} is empty"))
    elif "\x00" in value:
        problems.append(Problem("bad_text", where, f"{field} contains a NUL character"))
    elif len(value) > MAX_TEXT:
        problems.append(Problem("too_long", where, f"{field} is longer than {MAX_TEXT} characters"))


def _check_key_length(problems, where, key):
    if isinstance(key, str) and len(key) > MAX_KEY:
        problems.append(Problem("too_long", where, f"id is longer than {MAX_KEY} characters"))


def _check_ids(problems, where, kind, items) -> list[str]:
    ids = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem("malformed", f"{where} {kind} #{i + 1}", "must be an object"))
            continue
        ident = item.get("id")
        if not isinstance(ident, str) or not ident.strip():
            problems.append(Problem("missing", f"{kind} #{i + 1}", "id is empty"))
            continue
        ids.append(ident)
        _check_key_length(problems, f"{kind} '{ident}'", ident)
        _check_text(problems, f"{kind} '{ident}'", "name", item.get("name", ""), required=True)
        for field in ("segment", "goals", "quote") if kind == "persona" else ():
            _check_text(problems, f"{kind} '{ident}'", field, item.get(field, ""))
    for ident, n in Counter(ids).items():
        if n > 1:
            problems.append(Problem("duplicate_id", f"{kind} '{ident}'", f"id is used {n} times"))
    return ids


def _check_graph(G, problems) -> tuple[set[str], set[str]]:
    _check_text(problems, "journey", "name", G.graph.get("name", ""), required=True)
    _check_text(problems, "journey", "description", G.graph.get("description", ""))
    if G.graph.get("state") not in STATES:
        problems.append(
            Problem("unknown_state", "journey", f"state {G.graph.get('state')!r} is not one of {', '.join(STATES)}")
        )
    stages = G.graph.get("stages", [])
    personas = G.graph.get("personas", [])
    if not isinstance(stages, list) or not isinstance(personas, list):
        problems.append(Problem("malformed", "journey", "stages and personas must be lists"))
        return set(), set()
    stage_keys = _check_ids(problems, "journey", "stage", stages)
    persona_keys = _check_ids(problems, "journey", "persona", personas)
    for p in personas:
        if isinstance(p, dict) and p.get("value") is not None and not _is_number(p.get("value")):
            problems.append(Problem("not_a_number", f"persona '{p.get('id')}'", "value must be a number or empty"))
    return set(stage_keys), set(persona_keys)


def _check_items(problems, where, field, items, personas, *, score_field, score_range, vocab_field, vocab):
    if not isinstance(items, list):
        problems.append(Problem("malformed", where, f"{field} must be a list"))
        return
    for i, item in enumerate(items, start=1):
        at = f"{where} {field[:-1]} #{i}"
        if not isinstance(item, dict):
            problems.append(Problem("malformed", at, "must be an object"))
            continue
        _check_text(problems, at, "text", item.get("text", ""), required=True)
        if field == "needs":
            _check_text(problems, at, "motivation", item.get("motivation", ""))
        if score_field:
            _check_range(problems, at, score_field, item.get(score_field), score_range, optional=False)
        if item.get(vocab_field) not in vocab:
            problems.append(
                Problem("unknown_value", at, f"{vocab_field} {item.get(vocab_field)!r} is not one of {', '.join(vocab)}")
            )
        persona = item.get("persona")
        if persona is not None and persona not in personas:
            problems.append(Problem("unknown_persona", at, f"persona {persona!r} is not defined in this journey"))


def _check_touchpoint(key, data, stages, personas, problems):
    where = f"touchpoint '{key}'"
    if not isinstance(key, str) or not key.strip():
        problems.append(Problem("missing", where, "id is empty"))
    _check_key_length(problems, where, key)
    _check_text(problems, where, "name", data.get("name", ""), required=True)
    for field in ("channel", "owner", "description"):
        _check_text(problems, where, field, data.get(field, ""))
    if data.get("stage") not in stages:
        problems.append(Problem("unknown_stage", where, f"stage {data.get('stage')!r} is not a stage of this journey"))
    for flag in ("backstage", "moment_of_truth", "entry", "exit"):
        if not isinstance(data.get(flag, False), bool):
            problems.append(Problem("not_a_flag", where, f"{flag} must be true or false"))
    for field in ("expectation", "experience"):
        _check_range(problems, where, field, data.get(field), SCORE_RANGE)
    tp_personas = data.get("personas", [])
    if not isinstance(tp_personas, list):
        problems.append(Problem("malformed", where, "personas must be a list"))
    else:
        for p in tp_personas:
            if p not in personas:
                problems.append(Problem("unknown_persona", where, f"persona {p!r} is not defined in this journey"))
    emotions = data.get("emotions", {})
    if not isinstance(emotions, dict):
        problems.append(Problem("malformed", where, "emotions must map persona ids to -2..+2"))
    else:
        for p, value in emotions.items():
            if p not in personas:
                problems.append(Problem("unknown_persona", where, f"emotion for unknown persona {p!r}"))
            _check_range(problems, where, f"emotion of {p!r}", value, EMOTION_RANGE, optional=False)
    _check_items(problems, where, "needs", data.get("needs", []), personas,
                 score_field=None, score_range=None, vocab_field="kind", vocab=NEED_KINDS)
    _check_items(problems, where, "pains", data.get("pains", []), personas,
                 score_field="severity", score_range=SEVERITY_RANGE, vocab_field="evidence", vocab=EVIDENCE)


def validate(G: nx.DiGraph) -> list[Problem]:
    """Return every problem of journey ``G``; an empty list means it is valid.

    Examples
    --------
    >>> from journeys.graph import new_journey, add_touchpoint, add_transition
    >>> G = new_journey("Demo", stages=[{"id": "use", "name": "Use"}])
    >>> _ = add_touchpoint(G, "a", name="App", stage="use", experience=7)
    >>> add_transition(G, "a", "ghost", share=0.5)
    >>> [p.code for p in validate(G)]
    ['out_of_range', 'dangling']
    """
    problems: list[Problem] = []
    stages, personas = _check_graph(G, problems)
    for key, data in G.nodes(data=True):
        if not data:  # networkx adds a bare node for an edge to an unknown key
            problems.append(Problem("dangling", f"touchpoint '{key}'", "a transition leads here but it is not defined"))
            continue
        _check_touchpoint(key, data, stages, personas, problems)
    outgoing: dict[str, float] = {}
    for u, v, data in G.edges(data=True):
        where = f"transition '{u}' → '{v}'"
        _check_text(problems, where, "label", data.get("label", ""))
        share = data.get("share")
        _check_range(problems, where, "share", share, (0, 1), integer=False)
        if _is_number(share):
            outgoing[u] = outgoing.get(u, 0.0) + share
    for u, total in outgoing.items():
        if total > 1 + SHARE_TOLERANCE:
            problems.append(
                Problem("shares_over_one", f"touchpoint '{u}'", f"shares of its transitions add up to {total:g} (> 1)")
            )
    return problems


def check(G: nx.DiGraph) -> nx.DiGraph:
    """Return ``G`` unchanged when valid; raise :class:`JourneyInvalid` otherwise."""
    problems = validate(G)
    if problems:
        raise JourneyInvalid(problems)
    return G
