"""What changed in a version of a journey, kept as records and told in the reader's language.

A revision keeps what changed as a list of records, JSON-ready and in no language
(:func:`store.rows.describe` makes them)::

    {"op": "created"}
    {"op": "imported"}                            # from a journey file (store.exchange)
    {"op": "restored", "version": 3}
    {"op": "renamed", "name": "Moving house"}
    {"op": "changed", "what": "stages"}            # or personas, state, description
    {"op": "changed", "what": "touchpoint", "names": ["Call the hotline"], "more": 0}
    {"op": "removed", "what": "transition", "names": [["Call the hotline", "Cancels"]], "more": 0}

``op`` of a touchpoint or transition is ``added``, ``removed`` or ``changed``; ``names``
are the first few, ``more`` how many others there are. :func:`render` tells the records
in a language, in one line. Versions saved before the records existed keep an English
sentence; :func:`from_text` reads it back into records, and keeps a sentence it cannot
read as it is (``{"op": "text", "text": ...}``).
"""

from __future__ import annotations

import re

from journeys.i18n import t

__all__ = ["JOURNEY_FIELDS", "ITEMS", "SHOWN", "from_text", "records_of", "render"]

JOURNEY_FIELDS = ("stages", "personas", "state", "description")
ITEMS = ("touchpoint", "transition")
OPS = ("added", "removed", "changed")
SHOWN = 5  # a record names this many touchpoints or transitions and counts the others
ARROW = " → "


def _names(record: dict) -> tuple[str, int]:
    """The names of a record, written out, and how many there are in all."""
    shown = [ARROW.join(map(str, name)) if isinstance(name, list | tuple) else str(name) for name in record["names"]]
    more = record.get("more", 0)
    return ", ".join(shown), len(shown) + (1 if more is None else int(more))


def _part(record, lang: str) -> str:
    if not isinstance(record, dict):
        return ""
    op, what = record.get("op"), record.get("what")
    if op == "text":
        return str(record.get("text", ""))
    if op == "created":
        return t("changes.created", lang)
    if op == "imported":
        return t("changes.imported", lang)
    if op == "restored":
        return t("changes.restored", lang, version=record.get("version"))
    if op == "renamed":
        return t("changes.renamed", lang, name=str(record.get("name", "")))
    if op == "changed" and what in JOURNEY_FIELDS:
        return t(f"changes.journey.{what}", lang)
    if op in OPS and what in ITEMS and isinstance(record.get("names"), list):
        names, count = _names(record)
        more = record.get("more", 0)
        if more is None:
            names = t("changes.cut", lang, names=names)
        elif more:
            names = t("changes.more", lang, names=names, count=more)
        return t(f"changes.{what}.{op}", lang, names=names, count=count)
    return ""  # a record this version does not know (a newer one wrote it): left out


def render(records, lang: str = "en") -> str:
    """Return the records of a revision as one line in ``lang``.

    Examples
    --------
    >>> records = [{"op": "changed", "what": "touchpoint", "names": ["Call the hotline"], "more": 0},
    ...            {"op": "removed", "what": "transition", "names": [["Call the hotline", "Cancels"]], "more": 0}]
    >>> render(records, "en")
    'changed touchpoint Call the hotline; removed transition Call the hotline → Cancels'
    >>> render(records, "de")
    'Touchpoint Call the hotline geändert; Übergang Call the hotline → Cancels entfernt'
    >>> render([{"op": "added", "what": "touchpoint", "names": list("abcde"), "more": 2}], "de")
    'Touchpoints a, b, c, d, e und 2 weitere hinzugefügt'
    >>> render([], "de")
    'keine Änderungen'
    """
    if not isinstance(records, list):
        return ""
    return "; ".join(part for part in (_part(r, lang) for r in records) if part) or t("changes.none", lang)


# --- the English sentences of versions saved before the records ---

_FIELD = re.compile(rf"changed ({'|'.join(JOURNEY_FIELDS)})")
_ITEMS = re.compile(rf"({'|'.join(OPS)}) ({'|'.join(ITEMS)})(s?) (.+)", re.DOTALL)
_MORE = re.compile(r"(.+) and (\d+) more", re.DOTALL)


def _legacy(part: str) -> dict | None:
    """The record of one clause of an English summary, or None for a clause no version wrote."""
    if part == "created":
        return {"op": "created"}
    if found := re.fullmatch(r"restored version (\d+)", part):
        return {"op": "restored", "version": int(found[1])}
    if found := re.fullmatch(r"renamed to (.*)", part, re.DOTALL):
        return {"op": "renamed", "name": found[1]}
    if found := _FIELD.fullmatch(part):
        return {"op": "changed", "what": found[1]}
    if not (found := _ITEMS.fullmatch(part)):
        return None
    op, what, several, rest = found.groups()
    more = 0
    if what == "touchpoint" and several and (counted := _MORE.fullmatch(rest)):
        rest, more = counted[1], int(counted[2])
    elif what == "transition" and rest.endswith(" …"):
        rest, more = rest[:-2], None  # how many more was not written down
    names = rest.split(", ") if several else [rest]
    if what == "transition":
        names = [name.split(ARROW) if name.count(ARROW) == 1 else name for name in names]
    return {"op": op, "what": what, "names": names, "more": more}


def from_text(text: str) -> list[dict]:
    """Return the records of a summary that an earlier version stored as an English sentence.

    A sentence that no version wrote (or that a name with "; " in it makes ambiguous)
    is kept whole, as one record of ``op`` ``text``.

    Examples
    --------
    >>> from_text("changed touchpoint Call the hotline; removed transitions A → B, C → D …")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'op': 'changed', 'what': 'touchpoint', 'names': ['Call the hotline'], 'more': 0},
     {'op': 'removed', 'what': 'transition', 'names': [['A', 'B'], ['C', 'D']], 'more': None}]
    >>> from_text("run 3")
    [{'op': 'text', 'text': 'run 3'}]
    """
    if text in ("", "no changes"):
        return []
    records = [_legacy(part) for part in text.split("; ")]
    return [{"op": "text", "text": text}] if None in records else records


def records_of(changes: list | None, summary: str) -> list[dict]:
    """Return the records of a stored revision: its ``changes``, else those read from its ``summary`` text."""
    return changes if changes is not None else from_text(summary or "")
