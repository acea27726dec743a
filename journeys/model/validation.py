"""Checks that a journey is consistent, reporting every problem at once.

Cycles are allowed: real journeys loop (use → support → use).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from numbers import Real

import networkx as nx

from journeys.i18n import t
from journeys.model.fields import TOUCHPOINT_FIELDS, TRANSITION_FIELDS, Field
from journeys.model.graph import EMOTION_RANGE, EVIDENCE, NEED_KINDS, SEVERITY_RANGE, STATES
from journeys.model.text import bad_character, brief, escaped, first_bad, fits_float

__all__ = ["Problem", "JourneyInvalid", "validate", "check"]

SHARE_TOLERANCE = 1e-6
MAX_TEXT = 10_000
MAX_KEY = 200  # ids of stages, personas and touchpoints; the JSON schema allows no longer
MAX_JOURNEY_ID = 64  # the store's column
# texts that may hold tabs and line breaks; every other text holds no control character (journeys.model.text)
LONG_TEXTS = frozenset({"description", "goals", "quote", "text", "motivation"})  # touchpoints': their Field


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a journey: ``where`` it is and ``what`` is wrong, in English.

    ``code`` is a stable identifier (for translations and tests), ``where`` a path
    such as ``touchpoint 'hotline'`` or ``transition 'a' → 'b'``.

    A problem made with :meth:`at` keeps its parts too, so that :meth:`text` can
    tell it in any language of :mod:`journeys.i18n`. The place is ``subject``
    (``journey``, ``stage``, ``persona``, ``touchpoint``, ``need``, ``pain``,
    ``transition``, ``row``, ``file``, ``document``, ``format``, ``version`` or
    ``line``), ``ref`` (the id of the stage, persona or touchpoint; of its
    touchpoint for a need or pain; source and target of a transition), ``item``
    (a 1-based number: of the need or pain, of the entry in a file, of the table
    row) and ``path`` (inside a file's entry, as in ``pains.0.severity``; never
    translated); its text is ``where.<subject>[.number][.id]``. What is wrong is
    ``problem.<code>``, or ``problem.<code>.<message>`` where a code has several
    sentences, filled in with ``params`` and ``field`` (the attribute at fault,
    named by ``where.field.<field>``).

    Examples
    --------
    >>> p = Problem.at("out_of_range", "touchpoint", ref="hotline", field="experience", value=9, lo=1, hi=5)
    >>> str(p)
    "touchpoint 'hotline': experience 9 is outside 1..5"
    >>> p.text("de")
    "Touchpoint 'hotline': Erlebnis 9 liegt außerhalb von 1..5"
    """

    code: str
    where: str
    what: str
    subject: str | None = None
    ref: str | tuple[str, str] | None = None
    item: int | None = None
    path: str | None = None
    field: str | None = None
    message: str = ""
    params: dict = dataclasses.field(default_factory=dict, compare=False)

    @classmethod
    def at(cls, code, subject=None, *, ref=None, item=None, path=None, field=None, message="", **params) -> Problem:
        """Return the problem ``code`` at a place, its English ``where`` and ``what`` taken from the translations."""
        parts = cls(code, "", "", subject, ref, item, path or None, field, message, params)
        return dataclasses.replace(parts, where=parts.where_in("en"), what=parts.what_in("en"))

    def where_in(self, lang: str) -> str:
        """Where the problem is, in language ``lang`` (``where`` for a problem made without its parts)."""
        if self.subject is None and self.path is None:
            return self.where
        place = ""
        if self.subject is not None:
            # the place's key says which parts it shows: where.touchpoint.number.id is "touchpoint #2 'hotline'"
            key = f"where.{self.subject}"
            key += ".number" if self.item is not None else ""
            key += ".id" if self.ref is not None else ""
            place = t(key, lang, **self._values(lang))
        return f"{place} {escaped(brief(self.path or '', 1000))}".strip()

    def what_in(self, lang: str) -> str:
        """What is wrong, in language ``lang`` (``what`` for a problem made without its parts)."""
        if self.subject is None and self.path is None:
            return self.what
        return t(f"problem.{self.code}" + (f".{self.message}" if self.message else ""), lang, **self._values(lang))

    def text(self, lang: str = "en") -> str:
        """The whole problem, where and what, in language ``lang``."""
        return f"{self.where_in(lang)}: {self.what_in(lang)}"

    def _values(self, lang: str) -> dict:
        source, target = self.ref if isinstance(self.ref, tuple) else (None, None)
        values = {"ref": self.ref, "item": self.item, "source": source, "target": target, **self.params}
        # shown as a message may show them: no 5,000-digit number, no 300,000 characters, no control characters
        values = {k: escaped(b) if isinstance(b := brief(v, 1000), str) else b for k, v in values.items()}
        if self.field is not None:
            values["field"] = t(f"where.field.{self.field}", lang, **self.params)
        return values

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
    """A finite number that fits a float: an integer of 400 digits is a number, but none the store can hold."""
    return isinstance(value, Real) and not isinstance(value, bool) and fits_float(value)


def _check_range(problems, at, field, value, bounds, *, optional=True, integer=True, **params):
    if value is None and optional:
        return
    ok_type = _is_int(value) if integer else _is_number(value)
    lo, hi = bounds
    if not ok_type:
        message = "" if integer else "real"
        problems.append(
            Problem.at("not_a_number", **at, field=field, message=message, value=value, lo=lo, hi=hi, **params)
        )
    elif not lo <= value <= hi:
        problems.append(Problem.at("out_of_range", **at, field=field, value=value, lo=lo, hi=hi, **params))


def _check_text(problems, at, field, value, *, required=False, limit=MAX_TEXT, long=None):
    long = field in LONG_TEXTS if long is None else long
    if not isinstance(value, str):
        problems.append(Problem.at("not_text", **at, field=field, type=type(value).__name__))
    elif required and not value.strip():
        problems.append(Problem.at("missing", **at, field=field))
    elif len(value) > limit:
        problems.append(Problem.at("too_long", **at, field=field, max=limit))
    elif bad := bad_character(value, long=long):
        char = first_bad(value, long=long)
        problems.append(Problem.at("bad_text", **at, field=field, message="" if bad == "nul" else bad, char=char))


def _check_field(problems, at, field: Field, value) -> None:
    """A value of one of the attributes declared in :mod:`journeys.model.fields` (a scalar one)."""
    if field.kind in ("text", "long_text"):
        _check_text(problems, at, field.name, value, required=field.required, long=field.kind == "long_text")
    elif field.kind == "flag" and not isinstance(value, bool):
        problems.append(Problem.at("not_a_flag", **at, field=field.name))
    elif field.kind in ("score", "number"):
        _check_range(problems, at, field.name, value, field.range, integer=field.kind == "score")


def _check_key_length(problems, at, key):
    """An id: at most MAX_KEY characters, none of them a control character."""
    if isinstance(key, str):
        _check_text(problems, at, "id", key, limit=MAX_KEY)


def _check_ids(problems, kind, items) -> list[str]:
    ids = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem.at("malformed", kind, item=i))
            continue
        ident = item.get("id")
        if not isinstance(ident, str) or not ident.strip():
            problems.append(Problem.at("missing", kind, item=i, field="id"))
            continue
        ids.append(ident)
        at = {"subject": kind, "ref": ident}
        _check_key_length(problems, at, ident)
        _check_text(problems, at, "name", item.get("name", ""), required=True)
        for field in ("segment", "goals", "quote") if kind == "persona" else ():
            _check_text(problems, at, field, item.get(field, ""))
    for ident, n in Counter(ids).items():
        if n > 1:
            problems.append(Problem.at("duplicate_id", kind, ref=ident, n=n))
    return ids


def _check_graph(G, problems) -> tuple[set[str], set[str]]:
    journey = {"subject": "journey"}
    if G.graph.get("id"):  # kept by the store when it is free
        _check_text(problems, journey, "id", G.graph["id"], limit=MAX_JOURNEY_ID)
    _check_text(problems, journey, "name", G.graph.get("name", ""), required=True)
    _check_text(problems, journey, "description", G.graph.get("description", ""))
    if G.graph.get("state") not in STATES:
        problems.append(Problem.at("unknown_state", "journey", value=G.graph.get("state"), allowed=", ".join(STATES)))
    stages = G.graph.get("stages", [])
    personas = G.graph.get("personas", [])
    if not isinstance(stages, list) or not isinstance(personas, list):
        problems.append(Problem.at("malformed", "journey", message="lists"))
        return set(), set()
    stage_keys = _check_ids(problems, "stage", stages)
    persona_keys = _check_ids(problems, "persona", personas)
    for p in personas:
        value = p.get("value") if isinstance(p, dict) else None
        if value is None:
            continue
        at = {"subject": "persona", "ref": str(p.get("id")), "field": "value"}
        if _is_int(value) and not fits_float(value):  # a float past the limit is infinite: not a number
            problems.append(Problem.at("out_of_range", **at, message="float", value=value))
        elif not _is_number(value):
            problems.append(Problem.at("not_a_number", **at, message="empty"))
    return set(stage_keys), set(persona_keys)


def _check_items(problems, key, field, items, personas, *, score_field, score_range, vocab_field, vocab):
    if not isinstance(items, list):
        problems.append(Problem.at("malformed", "touchpoint", ref=str(key), field=field, message="list"))
        return
    for i, item in enumerate(items, start=1):
        at = {"subject": field[:-1], "ref": str(key), "item": i}
        if not isinstance(item, dict):
            problems.append(Problem.at("malformed", **at))
            continue
        _check_text(problems, at, "text", item.get("text", ""), required=True)
        if field == "needs":
            _check_text(problems, at, "motivation", item.get("motivation", ""))
        if score_field:
            _check_range(problems, at, score_field, item.get(score_field), score_range, optional=False)
        if item.get(vocab_field) not in vocab:
            problems.append(
                Problem.at(
                    "unknown_value", **at, field=vocab_field, value=item.get(vocab_field), allowed=", ".join(vocab)
                )
            )
        persona = item.get("persona")
        if persona is not None and persona not in personas:
            problems.append(Problem.at("unknown_persona", **at, value=persona))


def _check_touchpoint(key, data, stages, personas, problems):
    at = {"subject": "touchpoint", "ref": str(key)}
    if not isinstance(key, str) or not key.strip():
        problems.append(Problem.at("missing", **at, field="id"))
    _check_key_length(problems, at, key)
    for field in TOUCHPOINT_FIELDS:
        if field.scalar:
            _check_field(problems, at, field, data.get(field.name, field.default))
    if data.get("stage") not in stages:
        problems.append(Problem.at("unknown_stage", **at, value=data.get("stage")))
    if data.get("drop_out") is True and data.get("exit") is not True:
        problems.append(Problem.at("drop_out_not_exit", **at, field="drop_out"))
    tp_personas = data.get("personas", [])
    if not isinstance(tp_personas, list):
        problems.append(Problem.at("malformed", **at, field="personas", message="list"))
    else:
        for p in tp_personas:
            if p not in personas:
                problems.append(Problem.at("unknown_persona", **at, value=p))
        for p in {p for p in tp_personas if isinstance(p, str) and tp_personas.count(p) > 1}:
            problems.append(Problem.at("duplicate_persona", **at, value=p))
    emotions = data.get("emotions", {})
    if not isinstance(emotions, dict):
        problems.append(Problem.at("malformed", **at, message="emotions"))
    else:
        for p, value in emotions.items():
            if p not in personas:
                problems.append(Problem.at("unknown_persona", **at, message="emotion", value=p))
            _check_range(problems, at, "emotion", value, EMOTION_RANGE, optional=False, persona=p)
    _check_items(problems, key, "needs", data.get("needs", []), personas,
                 score_field=None, score_range=None, vocab_field="kind", vocab=NEED_KINDS)  # fmt: skip
    _check_items(problems, key, "pains", data.get("pains", []), personas,
                 score_field="severity", score_range=SEVERITY_RANGE, vocab_field="evidence", vocab=EVIDENCE)  # fmt: skip


def validate(G: nx.DiGraph) -> list[Problem]:
    """Return every problem of journey ``G``; an empty list means it is valid.

    Examples
    --------
    >>> from journeys.model.graph import new_journey, add_touchpoint, add_transition
    >>> G = new_journey("Demo", stages=[{"id": "use", "name": "Use"}])
    >>> _ = add_touchpoint(G, "a", name="App", stage="use", experience=7)
    >>> add_transition(G, "a", "ghost", share=0.5)
    >>> [p.code for p in validate(G)]
    ['out_of_range', 'dangling']
    """
    return _problems(G, G.nodes, G)


def _problems(G: nx.DiGraph, touchpoints, sources, *, whole: bool = True) -> list[Problem]:
    """The problems of ``touchpoints``, of the transitions leaving ``sources``, and (``whole``) of the journey itself."""
    problems: list[Problem] = []
    if whole:
        stages, personas = _check_graph(G, problems)
    else:  # known to be valid
        stages = {s["id"] for s in G.graph.get("stages", [])}
        personas = {p["id"] for p in G.graph.get("personas", [])}
    nodes = G.nodes
    for key in touchpoints:
        data = nodes[key]
        if not data:  # networkx adds a bare node for an edge to an unknown key
            problems.append(Problem.at("dangling", "touchpoint", ref=str(key)))
            continue
        _check_touchpoint(key, data, stages, personas, problems)
    outgoing: dict[str, float] = {}
    succ = G.succ
    for u in sources:
        for v, data in succ[u].items():
            at = {"subject": "transition", "ref": (str(u), str(v))}
            for field in TRANSITION_FIELDS:
                _check_field(problems, at, field, data.get(field.name, field.default))
            share = data.get("share")
            if _is_number(share):
                outgoing[u] = outgoing.get(u, 0.0) + share
    for u, total in outgoing.items():
        if total > 1 + SHARE_TOLERANCE:
            problems.append(Problem.at("shares_over_one", "touchpoint", ref=str(u), total=total))
    return problems


def check(G: nx.DiGraph, *, touchpoints=None, transitions_from=None) -> nx.DiGraph:
    """Return ``G`` unchanged when valid; raise :class:`JourneyInvalid` otherwise.

    ``touchpoints`` and ``transitions_from`` tell that ``G`` is a valid journey changed in
    those touchpoints and in the transitions leaving ``transitions_from`` only, not in its own
    attributes, stages or personas (say, a save that knows what it changes): then only these
    are checked, not every touchpoint again. A problem found makes it check all of ``G``, so
    that :class:`JourneyInvalid` lists every problem, as without them.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> G.nodes["hotline"]["experience"] = 9
    >>> check(G, touchpoints=["hotline"], transitions_from=[])
    Traceback (most recent call last):
    ...
    journeys.model.validation.JourneyInvalid: The journey has 1 problem(s):
    - touchpoint 'hotline': experience 9 is outside 1..5
    """
    if touchpoints is not None and not _problems(G, touchpoints, transitions_from or (), whole=False):
        return G
    problems = validate(G)
    if problems:
        raise JourneyInvalid(problems)
    return G
