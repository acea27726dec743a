"""The values an edit may carry, checked by the kind of field they go to, and why an edit is refused.

Each check takes a value as it came from the browser and returns it as the journey keeps it
(``4.0`` as the score 4, a share as a float, a need with every key), or raises
:class:`OperationError`. A check asks only what makes a value meaningless: its type, its
range, the stage and personas it names. Whether the journey is valid is for
:mod:`journeys.model.validation` to say: a name may be empty for a while.

A new kind of field (:data:`journeys.model.fields.KINDS`) needs its check in ``CHECKS``.
"""

from __future__ import annotations

import copy
import reprlib
from numbers import Integral, Real

from journeys.i18n import t
from journeys.model.graph import (
    EMOTION_RANGE,
    EVIDENCE,
    NEED_DEFAULTS,
    NEED_KINDS,
    PAIN_DEFAULTS,
    PERSONA_DEFAULTS,
    SEVERITY_RANGE,
    STATES,
)
from journeys.model.text import brief, escaped, fits_float

__all__ = ["MAX_ITEMS", "EXPECTED", "CHECKS", "JOURNEY_CHECKS", "OperationError", "refused", "unique", "ids", "is_key"]

MAX_ITEMS = 10_000  # stages, personas, needs or pain points in one value: more is no workshop's, but a flood
EXPECTED: dict[str, dict] = {  # what a part of an operation may hold (operation.expected.*), and what its text names
    "key": {}, "key_or_null": {}, "keys": {}, "pairs": {}, "text": {}, "flag": {}, "flag_or_null": {},
    "score": {}, "number": {},  # named with the range of their field
    "ids": {}, "needs": {"kinds": ", ".join(NEED_KINDS)},
    "pains": {"lo": SEVERITY_RANGE[0], "hi": SEVERITY_RANGE[1], "evidence": ", ".join(EVIDENCE)},
    "emotions": {"lo": EMOTION_RANGE[0], "hi": EMOTION_RANGE[1]}, "state": {"allowed": ", ".join(STATES)},
    "stages": {}, "personas": {},
}  # fmt: skip
_REPR = reprlib.Repr()  # a value as a message quotes it: a few levels and items of it, cut short
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 60, 60


class OperationError(ValueError):
    """An operation that cannot be applied; ``code`` says why, ``text(lang)`` in English or German.

    ``index`` is the position of the operation in the edit (from 0), ``params`` what the message names.

    Examples
    --------
    >>> error = OperationError("unknown_touchpoint", key="ghost")
    >>> str(error), error.text("de")
    ('There is no touchpoint ‘ghost’', 'Es gibt keinen Touchpoint „ghost“')
    """

    def __init__(self, code: str, **params):
        self.code, self.index = code, None
        self.params = {k: _shown(v, quoted=k == "value") for k, v in params.items()}
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """Why the operation cannot be applied, in language ``lang``."""
        values = dict(self.params)
        if (expected := values.get("expected")) is not None:
            named = {k: _shown(v) for k, v in EXPECTED.get(expected, {}).items()}
            values["expected"] = t(f"operation.expected.{expected}", lang, **{**named, **self.params})
        return t(f"operation.error.{self.code}", lang, **values)


def _shown(value, *, quoted: bool = False) -> str:
    """A value as a message names it: short, control characters as escapes; ``quoted``: as Python writes it."""
    if isinstance(value, str) and not quoted:
        return escaped(brief(value, 80))
    if isinstance(value, Integral) and not isinstance(value, bool):
        return str(brief(int(value)))  # no 5,000-digit number
    return escaped(_REPR.repr(value))


def ids(graph: dict, kind: str) -> list[str]:
    """The ids of a journey's ``stages`` or ``personas`` in order, a draft's broken entries left out."""
    items = graph.get(kind)
    items = items if isinstance(items, list) else []
    return [item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]


# --- what a value of each kind may be: each check returns the value as the journey keeps it ---


def refused(op: str, part: str, expected: str, value, **params) -> OperationError:
    """The error of a ``value`` that is not what ``part`` of operation ``op`` takes: ``expected`` (of EXPECTED)."""
    return OperationError("bad_value", op=op, part=part, expected=expected, value=value, **params)


def _whole(value, bounds) -> int | None:
    """A whole number within ``bounds`` as an int (``4.0`` is 4), or None when it is none."""
    lo, hi = bounds
    if isinstance(value, bool) or not isinstance(value, Real) or not lo <= value <= hi:  # NaN is within nothing
        return None
    return int(value) if isinstance(value, Integral) or float(value).is_integer() else None


def _list(value, op: str, part: str, expected: str) -> list:
    if not isinstance(value, list | tuple):
        raise refused(op, part, expected, value)
    if len(value) > MAX_ITEMS:
        raise OperationError("too_many", op=op, part=part, count=len(value), max=MAX_ITEMS)
    return list(value)


def _items(value, op: str, part: str, expected: str, allowed: dict) -> list[dict]:
    """A list of objects that hold only the ``allowed`` keys, each filled up with them."""
    items = _list(value, op, part, expected)
    if not all(isinstance(item, dict) and all(key in allowed for key in item) for item in items):
        raise refused(op, part, expected, value)
    return [{**allowed, **copy.deepcopy(item)} for item in items]


def _persona_ref(persona, known: set, op: str, part: str, expected: str, value) -> None:
    """``persona`` is None (all personas) or the id of one of the journey's personas."""
    if persona is not None and not isinstance(persona, str):
        raise refused(op, part, expected, value)
    if persona is not None and persona not in known:
        raise OperationError("unknown_persona", key=persona)


def unique(keys: list, op: str, part: str) -> None:
    """Refuse a list that names a key twice."""
    seen = set()
    for key in keys:
        if key in seen:
            raise OperationError("duplicate", op=op, part=part, key=key)
        seen.add(key)


def _text(value, G, op, part, bounds):
    if not isinstance(value, str):
        raise refused(op, part, "text", value)
    return value


def _flag(value, G, op, part, bounds):
    if not isinstance(value, bool):
        raise refused(op, part, "flag", value)
    return value


def _score(value, G, op, part, bounds):
    whole = _whole(value, bounds)
    if whole is None and value is not None:
        raise refused(op, part, "score", value, lo=bounds[0], hi=bounds[1])
    return whole


def _number(value, G, op, part, bounds):
    lo, hi = bounds
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not lo <= value <= hi:  # NaN and ±inf too
        raise refused(op, part, "number", value, lo=lo, hi=hi)
    return float(value)


def _stage(value, G, op, part, bounds):
    if not isinstance(value, str):
        raise refused(op, part, "text", value)
    if value not in ids(G.graph, "stages"):
        raise OperationError("unknown_stage", key=value)
    return value


def _personas(value, G, op, part, bounds):
    chosen, known = _list(value, op, part, "ids"), set(ids(G.graph, "personas"))
    for persona in chosen:
        if persona is None:
            raise refused(op, part, "ids", value)
        _persona_ref(persona, known, op, part, "ids", value)
    unique(chosen, op, part)
    return chosen


def _needs(value, G, op, part, bounds):
    needs, known = _items(value, op, part, "needs", NEED_DEFAULTS), set(ids(G.graph, "personas"))
    for need in needs:
        if not (isinstance(need["text"], str) and isinstance(need["motivation"], str) and need["kind"] in NEED_KINDS):
            raise refused(op, part, "needs", value)
        _persona_ref(need["persona"], known, op, part, "needs", value)
    return needs


def _pains(value, G, op, part, bounds):
    pains, known = _items(value, op, part, "pains", PAIN_DEFAULTS), set(ids(G.graph, "personas"))
    for pain in pains:
        severity = _whole(pain["severity"], SEVERITY_RANGE)
        if not (isinstance(pain["text"], str) and severity is not None and pain["evidence"] in EVIDENCE):
            raise refused(op, part, "pains", value)
        _persona_ref(pain["persona"], known, op, part, "pains", value)
        pain["severity"] = severity
    return pains


def _emotions(value, G, op, part, bounds):
    if not isinstance(value, dict) or len(value) > MAX_ITEMS:
        raise refused(op, part, "emotions", value)
    known, emotions = set(ids(G.graph, "personas")), {}
    for persona, emotion in value.items():
        if persona is None or _whole(emotion, EMOTION_RANGE) is None:
            raise refused(op, part, "emotions", value)
        _persona_ref(persona, known, op, part, "emotions", value)
        emotions[persona] = _whole(emotion, EMOTION_RANGE)
    return emotions


def _state(value, G, op, part, bounds):
    if value not in STATES:
        raise refused(op, part, "state", value)
    return value


def _stages(value, G, op, part, bounds):
    stages = _items(value, op, part, "stages", {"id": "", "name": ""})
    if not all(is_key(stage["id"]) and isinstance(stage["name"], str) for stage in stages):
        raise refused(op, part, "stages", value)
    unique([stage["id"] for stage in stages], op, part)
    return stages


def _journey_personas(value, G, op, part, bounds):
    personas = _items(value, op, part, "personas", PERSONA_DEFAULTS)
    texts = [k for k in PERSONA_DEFAULTS if k not in ("id", "value")]
    for persona in personas:
        number = persona["value"]
        if not (is_key(persona["id"]) and all(isinstance(persona[k], str) for k in texts)) or not (
            number is None or (isinstance(number, Real) and not isinstance(number, bool) and fits_float(number))
        ):
            raise refused(op, part, "personas", value)
        persona["value"] = None if number is None else float(number)  # as the journey keeps it
    unique([persona["id"] for persona in personas], op, part)
    return personas


def is_key(value) -> bool:
    """Whether ``value`` can be the key of a touchpoint, stage or persona: text, not blank."""
    return isinstance(value, str) and bool(value.strip())


# check(value, G, op, part, bounds): ``value`` for ``part`` of operation ``op`` on journey ``G``, as G keeps it;
# ``bounds`` is the range of a score or number (journeys.model.fields)
CHECKS = {  # the kind of a field (journeys.model.fields) → its check
    "text": _text, "long_text": _text, "flag": _flag, "score": _score, "number": _number, "stage": _stage,
    "personas": _personas, "needs": _needs, "pains": _pains, "emotions": _emotions,
}  # fmt: skip
JOURNEY_CHECKS = {
    "name": _text,
    "description": _text,
    "state": _state,
    "stages": _stages,
    "personas": _journey_personas,
}
