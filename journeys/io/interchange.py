"""The lossless JSON format of a journey (see ``docs/json-format.md``).

A document is networkx node-link data with ``edges="edges"`` plus a ``format``
tag and a ``version``, so ``nx.node_link_graph(doc, edges="edges")`` reads it
directly. Import checks the whole document first and either returns a complete,
valid journey or raises :class:`JourneyFormatError` listing every problem.

A document may carry the comment threads on its touchpoints (``comments``, optional): each a
top comment with its author, text, time, the names it mentions, whether it is resolved and its
replies. They are plain dicts here (:func:`comments_of`); the store keeps them as rows of their own.
Since version 2 it may also carry the team's ratings, its ideas and its surveys (:mod:`journeys.io.sections`);
:func:`loads_whole` returns the journey with all of them. A file is written as version 2 only when it holds one of
these, so that a journey without them still opens in a workbench that reads version 1.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from itertools import chain, repeat

import networkx as nx

from journeys.io import sections
from journeys.model.fields import TOUCHPOINT_FIELDS
from journeys.model.graph import (
    GRAPH_DEFAULTS,
    TOUCHPOINT_DEFAULTS,
    TRANSITION_DEFAULTS,
    journey_attrs,
    touchpoint_attrs,
    transition_attrs,
)
from journeys.model.text import MAX_SHORT, bad_character, first_bad
from journeys.model.validation import Problem, validate

__all__ = [
    "FORMAT",
    "VERSION",
    "VERSIONS",
    "MAX_BYTES",
    "MAX_COMMENT",
    "JourneyFormatError",
    "schema",
    "to_document",
    "dumps",
    "from_document",
    "loads",
    "loads_with_comments",
    "loads_whole",
    "comments_of",
    "comment_problems",
    "check_comments",
]

FORMAT = "journey-workbench"
VERSION = 2  # the newest version, written when a file holds ratings, ideas or surveys; 1 otherwise
VERSIONS = (1, 2)  # the versions this workbench reads
MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32
MAX_COMMENT = 4_000  # characters of a comment's text: a note in a thread, not a document
MAX_TIME = 64  # characters of a time (ISO 8601) in a comment
# a comment thread's fields and a reply's, in the order a file holds them
THREAD_FIELDS = ("touchpoint", "author", "text", "created_at", "mentions", "resolved_by", "resolved_at", "replies")
REPLY_FIELDS = ("author", "text", "created_at", "mentions")


class JourneyFormatError(ValueError):
    """Raised when a document is not a valid journey; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"- {p}" for p in self.problems[:50])
        more = f"\n- … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"This is not a journey the workbench can import:\n{lines}{more}")


@cache
def schema() -> dict:
    """Return the JSON Schema of the format (``journeys/io/journey.schema.json``)."""
    return json.loads(resources.files("journeys.io").joinpath("journey.schema.json").read_text("utf-8"))


def to_document(
    G: nx.DiGraph,
    *,
    exported_by: str = "",
    copy_values: bool = True,
    comments: list[dict] | None = None,
    ratings: list[dict] | None = None,
    ideas: list[dict] | None = None,
    surveys: list[dict] | None = None,
) -> dict:
    """Return the JSON-ready document of journey ``G``, every attribute included.

    ``comments``: the comment threads on its touchpoints, in the document's form (``docs/json-format.md``);
    without any the document has no ``comments`` section; likewise ``ratings``, ``ideas`` and ``surveys``
    (:mod:`journeys.io.sections`), with any of which the document is of version 2, else of version 1. ``copy_values=False`` shares the touchpoints' values with ``G``: for a document written out at once and
    then dropped (at 2,000 touchpoints the copy is most of the time this takes).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> doc = to_document(broadband_demo())
    >>> doc["format"], doc["version"], len(doc["nodes"]) == len(nx.node_link_graph(doc, edges="edges"))
    ('journey-workbench', 1, True)
    """
    # the normalized attributes straight into the document, not a normalized copy of the graph first; only
    # the documented attributes: anything else (say a store's bookkeeping) would make the file unimportable
    graph = journey_attrs({k: v for k, v in G.graph.items() if k in GRAPH_DEFAULTS})
    data = {
        "directed": True,
        "multigraph": False,
        "graph": graph,
        "nodes": [{"id": key, **touchpoint_attrs(attrs, copy_values=copy_values)} for key, attrs in G.nodes(data=True)],
        "edges": [
            {**{k: w for k, w in transition_attrs(attrs).items() if k in TRANSITION_DEFAULTS}, "source": u, "target": v}
            for u, v, attrs in G.edges(data=True)
        ],
    }
    extra = {name: part for name, part in zip(sections.SECTIONS, (ratings, ideas, surveys), strict=True) if part}
    version = VERSION if extra else 1
    head = {"format": FORMAT, "version": version, "exported_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if exported_by:
        head["exported_by"] = exported_by
    if comments:
        data["comments"] = comments
    return {**head, **data, **extra}


def dumps(
    G: nx.DiGraph,
    *,
    exported_by: str = "",
    indent: int | None = 2,
    comments: list[dict] | None = None,
    ratings: list[dict] | None = None,
    ideas: list[dict] | None = None,
    surveys: list[dict] | None = None,
) -> str:
    """Return journey ``G`` as JSON text, with the comment threads ``comments``, ``ratings``, ``ideas`` and
    ``surveys`` when given (:func:`to_document`)."""
    document = to_document(
        G, exported_by=exported_by, copy_values=False, comments=comments, ratings=ratings, ideas=ideas, surveys=surveys
    )
    return json.dumps(document, ensure_ascii=False, indent=indent)


def _depth(value, limit: int) -> int:
    """Return the nesting depth of ``value``, stopping early once it passes ``limit``."""
    stack, deepest = [(value, 1)], 0
    while stack:
        item, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
    return deepest


def _place(doc: dict, path) -> dict:
    """Return where ``path`` points in ``doc`` as :meth:`Problem.at` takes it: an entry's number and id, the rest."""
    parts = list(path)
    if len(parts) >= 2 and parts[0] in sections.SECTIONS and isinstance(parts[1], int):
        return sections.place(doc, parts)
    if len(parts) >= 2 and parts[0] == "comments" and isinstance(parts[1], int):
        items = doc.get("comments")
        item = items[parts[1]] if isinstance(items, list) and parts[1] < len(items) else None
        key = item.get("touchpoint") if isinstance(item, dict) else None
        place = {"subject": "comment", "item": parts[1] + 1, "path": ".".join(str(p) for p in parts[2:])}
        return place | ({"ref": key} if isinstance(key, str) else {})
    if len(parts) >= 2 and parts[0] in ("nodes", "edges") and isinstance(parts[1], int):
        items = doc.get(parts[0])
        item = items[parts[1]] if isinstance(items, list) and parts[1] < len(items) else None
        place = {"item": parts[1] + 1, "path": ".".join(str(p) for p in parts[2:])}
        if parts[0] == "nodes":
            place["subject"] = "touchpoint"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                place["ref"] = item["id"]
        else:
            place["subject"] = "transition"
            if isinstance(item, dict):
                place["ref"] = (str(item.get("source")), str(item.get("target")))
        return place
    return {"path": ".".join(str(p) for p in parts)} if parts else {"subject": "document"}


# The schema again as plain Python, for the common case of a well-formed file: jsonschema spends
# milliseconds per touchpoint. It may refuse more than the schema (then jsonschema decides and explains),
# never less: tests/journeys/test_fuzz_import.py holds the two side by side. It checks field by field
# over all entries at once (``map`` and sets), not entry by entry: that is what makes it fast.
_NON_SPACE = re.compile(r"\S")  # the schema's pattern, searched the way jsonschema searches it
_TEXT_MAX, _KEY_MAX, _ID_MAX = 10_000, 200, 64
_SCORES, _EMOTIONS, _SEVERITIES = frozenset(range(1, 6)), frozenset(range(-2, 3)), frozenset(range(1, 6))
_STR, _NONE = frozenset({str}), type(None)


def _column(items: list[dict], field: str, default=None) -> list:
    return list(map(dict.get, items, repeat(field), repeat(default)))


def _types(values, *types) -> bool:
    return set(map(type, values)) <= set(types)


def _texts(values: list, *, required: bool = False, key: bool = False) -> bool:
    """Strings of at most 10,000 characters (a key: 1 to 200); required: not only white space."""
    if not set(map(type, values)) <= _STR:
        return False
    lengths = list(map(len, values))
    if (lengths and max(lengths) > (_KEY_MAX if key else _TEXT_MAX)) or (key and 0 in lengths):
        return False
    return not required or all(map(_NON_SPACE.search, values))


def _optional_keys(values: list) -> bool:
    """Each a key or None."""
    return _types(values, str, _NONE) and "" not in values and _texts(list(filter(None, values)), key=True)


def _entries(items, keys: frozenset, required: frozenset) -> bool:
    """A list of objects with only ``keys`` and all of ``required``."""
    return (
        type(items) is list
        and _types(items, dict)
        and all(map(keys.issuperset, items))
        and all(map(required.issubset, items))
    )


def _lists(items: list[dict], field: str, kind=list) -> list:
    """The ``field`` (a list, or a dict's values) of every item in one list; None when one is of another type."""
    column = _column(items, field, kind())
    if not _types(column, kind):
        return None
    return list(chain.from_iterable(column if kind is list else map(dict.values, column)))


def _graph_ok(g) -> bool:
    keys = frozenset(("id", "name", "description", "state", "stages", "personas"))
    if not (type(g) is dict and g.keys() <= keys and {"name", "state", "stages", "personas"} <= g.keys()):
        return False
    if "id" in g and not (type(g["id"]) is str and len(g["id"]) <= _ID_MAX):
        return False
    if not (_texts([g["name"]], required=True) and _texts([g.get("description", "")])):
        return False
    if not (type(g["state"]) is str and g["state"] in ("as-is", "to-be")):
        return False
    stages, personas = g["stages"], g["personas"]
    stage_keys = frozenset(("id", "name"))
    persona_keys = frozenset(("id", "name", "segment", "goals", "quote", "value"))
    return (
        _entries(stages, stage_keys, stage_keys)
        and _texts(_column(stages, "id"), key=True)
        and _texts(_column(stages, "name"), required=True)
        and _entries(personas, persona_keys, stage_keys)
        and _texts(_column(personas, "id"), key=True)
        and _texts(_column(personas, "name"), required=True)
        and all(_texts(_column(personas, f, "")) for f in ("segment", "goals", "quote"))
        and _types(_column(personas, "value"), int, float, _NONE)
    )


def _nodes_ok(nodes) -> bool:
    keys = frozenset(("id", *TOUCHPOINT_DEFAULTS))
    if not _entries(nodes, keys, frozenset(("id", "name", "stage"))):
        return False
    if not (_texts(_column(nodes, "id"), key=True) and _texts(_column(nodes, "stage"), key=True)):
        return False
    if not (_texts(_column(nodes, "name"), required=True)):
        return False
    if not all(_texts(_column(nodes, f, "")) for f in ("channel", "owner", "description")):
        return False
    if not all(_types(_column(nodes, f.name, False), bool) for f in TOUCHPOINT_FIELDS if f.kind == "flag"):
        return False
    for field in ("expectation", "experience"):
        scores = _column(nodes, field)
        if not (_types(scores, int, _NONE) and set(scores) - {None} <= _SCORES):
            return False
    personas, emotions = _lists(nodes, "personas"), _lists(nodes, "emotions", dict)
    if personas is None or not _texts(personas, key=True):
        return False
    listed = _column(nodes, "personas", [])
    if list(map(len, map(set, listed))) != list(map(len, listed)):  # a persona twice at one touchpoint
        return False
    if emotions is None or not (_types(emotions, int) and set(emotions) <= _EMOTIONS):
        return False
    needs, pains = _lists(nodes, "needs"), _lists(nodes, "pains")
    return (
        needs is not None
        and _entries(needs, frozenset(("text", "motivation", "kind", "persona")), frozenset(("text",)))
        and _texts(_column(needs, "text"), required=True)
        and _texts(_column(needs, "motivation", ""))
        and _types(kinds := _column(needs, "kind", "functional"), str)
        and set(kinds) <= {"functional", "emotional", "economic"}
        and _optional_keys(_column(needs, "persona"))
        and pains is not None
        and _entries(pains, frozenset(("text", "severity", "evidence", "persona")), frozenset(("text", "severity")))
        and _texts(_column(pains, "text"), required=True)
        and _types(severities := _column(pains, "severity"), int)
        and set(severities) <= _SEVERITIES
        and _types(evidence := _column(pains, "evidence", "survey"), str)
        and set(evidence) <= {"interview", "observation", "survey", "assumption"}
        and _optional_keys(_column(pains, "persona"))
    )


def _edges_ok(edges) -> bool:
    shares = _column(edges, "share") if type(edges) is list and _types(edges, dict) else None
    return (
        _entries(edges, frozenset(("source", "target", *TRANSITION_DEFAULTS)), frozenset(("source", "target")))
        and _texts(_column(edges, "source"), key=True)
        and _texts(_column(edges, "target"), key=True)
        and _texts(_column(edges, "label", ""))
        and _types(shares, int, float, _NONE)
        and all(0 <= s <= 1 for s in shares if s is not None)
    )


def _strings(values: list, most: int, *, required: bool = False) -> bool:
    """Strings of at most ``most`` characters; required: not empty and not only white space."""
    if not set(map(type, values)) <= _STR:
        return False
    if values and max(map(len, values)) > most:
        return False
    return not required or all(map(_NON_SPACE.search, values))


def _comments_ok(threads, *, about: bool = True) -> bool:
    """The ``comments`` section as the schema has it (``$defs/thread`` and ``$defs/reply``); ``about=False``:
    threads on something other than a touchpoint (an idea's, in a backup), which name no touchpoint."""
    required = frozenset(("touchpoint", "author", "text", "created_at") if about else ("author", "text", "created_at"))
    if not _entries(threads, frozenset(THREAD_FIELDS if about else THREAD_FIELDS[1:]), required):
        return False
    replies = _lists(threads, "replies")
    if replies is None or not _entries(replies, frozenset(REPLY_FIELDS), frozenset(("author", "text", "created_at"))):
        return False
    every = [*threads, *replies]
    mentions = _lists(every, "mentions")
    listed = _column(every, "mentions", [])
    resolved_at = _column(threads, "resolved_at")
    return (
        _texts(_column(threads, "touchpoint"), key=True)
        and _strings(_column(every, "author"), MAX_SHORT, required=True)
        and _strings(_column(every, "text"), MAX_COMMENT, required=True)
        and _strings(_column(every, "created_at"), MAX_TIME)
        and _strings(_column(threads, "resolved_by", ""), MAX_SHORT)
        and _types(resolved_at, str, _NONE)
        and _strings(list(filter(None, resolved_at)), MAX_TIME)
        and "" not in resolved_at
        and mentions is not None
        and _texts(mentions, key=True)
        and list(map(len, map(set, listed))) == list(map(len, listed))  # a name twice in one comment
    )


def _well_formed(doc) -> bool:
    """True when ``doc`` certainly matches the schema (False: ask jsonschema)."""
    top = (
        "format", "version", "directed", "multigraph", "exported_at", "exported_by", "graph", "nodes", "edges",
        "comments", *sections.SECTIONS,
    )  # fmt: skip
    return (
        type(doc) is dict
        and doc.keys() <= set(top)
        and {"format", "version", "directed", "multigraph", "graph", "nodes", "edges"} <= doc.keys()
        and doc["format"] == FORMAT
        and type(doc["version"]) is int
        and doc["version"] in VERSIONS
        and doc["directed"] is True
        and doc["multigraph"] is False
        and _texts([doc.get("exported_at", ""), doc.get("exported_by", "")])
        and _graph_ok(doc["graph"])
        and _nodes_ok(doc["nodes"])
        and _edges_ok(doc["edges"])
        and _comments_ok(doc.get("comments", []))
        and sections.well_formed(doc)
    )


def _structure_problems(doc) -> list[Problem]:
    if _well_formed(doc):
        return []
    import jsonschema

    if not isinstance(doc, dict):
        return [Problem.at("not_a_journey", "document", type=type(doc).__name__)]
    if doc.get("format") != FORMAT:
        return [Problem.at("foreign_format", "format", expected=FORMAT, found=doc.get("format"))]
    if isinstance(doc.get("version"), bool) or doc.get("version") not in VERSIONS:
        expected = " or ".join(map(str, VERSIONS))
        return [Problem.at("unknown_version", "version", expected=expected, found=doc.get("version"))]
    if _depth(doc, MAX_DEPTH) > MAX_DEPTH:
        return [Problem.at("too_deep", "document", max=MAX_DEPTH)]
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        message = error.message if len(error.message) < 200 else error.message[:197] + "..."
        problems.append(Problem.at("schema", **_place(doc, error.absolute_path), detail=message))
    return problems


def _reference_problems(doc: dict) -> list[Problem]:
    problems, seen = [], set()
    for node in doc["nodes"]:
        if node["id"] in seen:
            problems.append(Problem.at("duplicate_id", "touchpoint", ref=node["id"], message="repeated"))
        seen.add(node["id"])
    pairs = set()
    for i, edge in enumerate(doc["edges"], start=1):
        at = {"subject": "transition", "item": i, "ref": (edge["source"], edge["target"])}
        for end in ("source", "target"):
            if edge[end] not in seen:
                problems.append(Problem.at("dangling", **at, field=end, message="end", value=edge[end]))
        if (edge["source"], edge["target"]) in pairs:
            problems.append(Problem.at("duplicate_transition", **at))
        pairs.add((edge["source"], edge["target"]))
    return problems


def _time_problem(at: dict, field: str, value) -> Problem | None:
    """A comment's time that is no ISO 8601 date and time, or None."""
    if value is None and field == "resolved_at":
        return None
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return Problem.at("comment_time", **at, field=field, value=value)
    return None


def comment_problems(threads: list[dict], touchpoints=None) -> list[Problem]:
    """What is wrong with comment threads that have the schema's form: a touchpoint that ``touchpoints`` (keys;
    None: any) does not hold, a time that is not one, a text with control characters.

    Examples
    --------
    >>> thread = {"touchpoint": "ghost", "author": "Ada", "text": "Why?", "created_at": "2026-03-01T09:30:00+00:00"}
    >>> [str(p) for p in comment_problems([thread], {"hotline"})]
    ["comment #1 on 'ghost': the journey has no touchpoint 'ghost' to comment on"]
    """
    problems = []
    for i, thread in enumerate(threads, start=1):
        key = thread.get("touchpoint")
        at = {"subject": "comment", "item": i, **({"ref": key} if isinstance(key, str) else {})}
        if touchpoints is not None and key not in touchpoints:
            problems.append(Problem.at("comment_about", **at, value=key))
        for j, entry in enumerate([thread, *thread.get("replies", [])]):
            place = at | ({"path": f"replies.{j - 1}"} if j else {})
            fields = ("created_at", "resolved_at") if j == 0 else ("created_at",)
            problems += filter(None, (_time_problem(place, f, entry.get(f)) for f in fields))
            names = [
                ("author", entry["author"]),
                ("text", entry["text"]),
                ("resolved_by", entry.get("resolved_by", "")),
            ]
            names += [("mentions", name) for name in entry.get("mentions", [])]
            for field, value in names:
                if bad := bad_character(value, long=field == "text"):
                    char = first_bad(value, long=field == "text")
                    problems.append(
                        Problem.at("bad_text", **place, field=field, message="" if bad == "nul" else bad, char=char)
                    )
    return problems


def check_comments(threads, touchpoints=None, *, about: bool = True) -> list[Problem]:
    """Every problem of comment threads taken out of a document (say a backup's): their form as the schema has
    it, then :func:`comment_problems`. ``about=False``: threads that name no touchpoint (an idea's)."""
    if not _comments_ok(threads, about=about):
        import jsonschema

        items = {"$ref": "#/$defs/thread"}
        items = (
            {"allOf": [items, {"required": ["touchpoint"]}]}
            if about
            else {**items, "not": {"required": ["touchpoint"]}}
        )
        validator = jsonschema.Draft202012Validator({"$defs": schema()["$defs"], "type": "array", "items": items})
        errors = sorted(validator.iter_errors(threads), key=lambda e: [str(p) for p in e.absolute_path])
        if errors:
            return [
                Problem.at(
                    "schema", **_place({"comments": threads}, ["comments", *e.absolute_path]), detail=e.message[:200]
                )
                for e in errors
            ]
    return comment_problems(threads, touchpoints)


def comments_of(doc: dict) -> list[dict]:
    """The comment threads of a document :func:`from_document` took, every field filled in: ``mentions`` ([]),
    ``resolved_by`` ("") and ``resolved_at`` (None) of a thread, ``replies`` ([]), each reply's ``mentions``."""
    threads = []
    for thread in doc.get("comments") or []:
        replies = [
            {field: list(r.get(field, [])) if field == "mentions" else r[field] for field in REPLY_FIELDS}
            for r in thread.get("replies", [])
        ]
        resolved_at = thread.get("resolved_at")
        threads.append(
            {
                **({"touchpoint": thread["touchpoint"]} if "touchpoint" in thread else {}),
                "author": thread["author"],
                "text": thread["text"],
                "created_at": thread["created_at"],
                "mentions": list(thread.get("mentions", [])),
                "resolved_by": thread.get("resolved_by", "") if resolved_at else "",
                "resolved_at": resolved_at,
                "replies": replies,
            }
        )
    return threads


def _graph(doc: dict) -> nx.DiGraph:
    """The journey of a document that matches the schema, every attribute filled in (nothing shared with ``doc``).

    What ``normalize(nx.node_link_graph(doc, edges="edges"))`` returns, without the copy in between.
    """
    G = nx.DiGraph()
    G.graph.update(journey_attrs(doc["graph"]))
    G.add_nodes_from((n["id"], touchpoint_attrs(n)) for n in doc["nodes"])
    G.add_edges_from(
        (e["source"], e["target"], transition_attrs({"label": e.get("label", ""), "share": e.get("share")}))
        for e in doc["edges"]
    )
    return G


def from_document(doc) -> nx.DiGraph:
    """Return the journey in ``doc``; raise :class:`JourneyFormatError` if it is not valid.

    Examples
    --------
    >>> from_document({"format": "something-else"})
    Traceback (most recent call last):
    ...
    journeys.io.interchange.JourneyFormatError: This is not a journey the workbench can import:
    - format: expected 'journey-workbench', found 'something-else'
    """
    problems = _structure_problems(doc)
    if not problems:
        problems = _reference_problems(doc)
        keys = {node["id"] for node in doc["nodes"]}
        problems += comment_problems(doc.get("comments") or [], keys)
        problems += sections.section_problems(doc, keys)
    if problems:
        raise JourneyFormatError(problems)
    G = _graph(doc)
    problems = validate(G)
    if problems:
        raise JourneyFormatError(problems)
    return G


def loads(text: str | bytes) -> nx.DiGraph:
    """Return the journey in JSON ``text``; raise :class:`JourneyFormatError` if it is not one."""
    return from_document(_parsed(text))


def loads_with_comments(text: str | bytes) -> tuple[nx.DiGraph, list[dict]]:
    """Return the journey in JSON ``text`` and its comment threads (:func:`comments_of`); raise
    :class:`JourneyFormatError` if it is not a journey or a comment is broken."""
    doc = _parsed(text)
    return from_document(doc), comments_of(doc)


def loads_whole(text: str | bytes) -> tuple[nx.DiGraph, dict[str, list[dict]]]:
    """Return the journey in JSON ``text`` and what the file holds beside it: ``{"comments", "ratings", "ideas",
    "surveys"}`` (:func:`comments_of`, :func:`journeys.io.sections.sections_of`; empty lists where it holds none).
    Raise :class:`JourneyFormatError` listing every problem of the journey and of each section."""
    doc = _parsed(text)
    return from_document(doc), {"comments": comments_of(doc), **sections.sections_of(doc)}


def _parsed(text: str | bytes):
    """The JSON value of ``text``, read within the limits of size, encoding and nesting."""
    # a character takes up to 4 bytes in UTF-8, so count bytes only when the characters alone do not decide
    size = len(text) if isinstance(text, bytes) or len(text) > MAX_BYTES else len(text.encode("utf-8", "replace"))
    if size > MAX_BYTES:
        raise JourneyFormatError([Problem.at("too_large", "file", size=size / 2**20, limit=MAX_BYTES / 2**20)])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JourneyFormatError([Problem.at("not_utf8", "file", byte=exc.start)]) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JourneyFormatError(
            [Problem.at("not_json", "line", line=exc.lineno, column=exc.colno, detail=exc.msg)]
        ) from None
    except RecursionError:
        raise JourneyFormatError([Problem.at("too_deep", "document", max=MAX_DEPTH)]) from None
    except ValueError:  # Python refuses to read an integer of more than 4300 digits (a guard against slow parsing)
        detail = f"a number has more than {sys.get_int_max_str_digits()} digits"
        raise JourneyFormatError([Problem.at("not_json", "document", detail=detail)]) from None
    return doc
