"""The lossless JSON format of a journey (see ``docs/json-format.md``).

A document is networkx node-link data with ``edges="edges"`` plus a ``format``
tag and a ``version``, so ``nx.node_link_graph(doc, edges="edges")`` reads it
directly. Import checks the whole document first and either returns a complete,
valid journey or raises :class:`JourneyFormatError` listing every problem.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import resources

import networkx as nx

from journeys.graph import GRAPH_DEFAULTS, TOUCHPOINT_DEFAULTS, TRANSITION_DEFAULTS, normalize
from journeys.validation import Problem, validate

__all__ = [
    "FORMAT",
    "VERSION",
    "MAX_BYTES",
    "JourneyFormatError",
    "schema",
    "to_document",
    "dumps",
    "from_document",
    "loads",
]

FORMAT = "journey-workbench"
VERSION = 1
MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32


class JourneyFormatError(ValueError):
    """Raised when a document is not a valid journey; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"- {p}" for p in self.problems[:50])
        more = f"\n- … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"This is not a journey the workbench can import:\n{lines}{more}")


@cache
def schema() -> dict:
    """Return the JSON Schema of the format (``journeys/journey.schema.json``)."""
    return json.loads(resources.files("journeys").joinpath("journey.schema.json").read_text("utf-8"))


def to_document(G: nx.DiGraph, *, exported_by: str = "") -> dict:
    """Return the JSON-ready document of journey ``G``, every attribute included.

    Examples
    --------
    >>> from journeys.templates import broadband_demo
    >>> doc = to_document(broadband_demo())
    >>> doc["format"], doc["version"], len(doc["nodes"]) == len(nx.node_link_graph(doc, edges="edges"))
    ('journey-workbench', 1, True)
    """
    H = normalize(G)
    data = nx.node_link_data(H, edges="edges")
    # only the documented attributes: anything else (say a store's bookkeeping) would make the file unimportable
    data["graph"] = {k: v for k, v in data["graph"].items() if k in GRAPH_DEFAULTS}
    data["nodes"] = [{"id": n.pop("id"), **n} for n in data["nodes"]]
    keep = {"source", "target", *TRANSITION_DEFAULTS}
    data["edges"] = [{k: v for k, v in e.items() if k in keep} for e in data["edges"]]
    head = {"format": FORMAT, "version": VERSION, "exported_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if exported_by:
        head["exported_by"] = exported_by
    return {**head, **data}


def dumps(G: nx.DiGraph, *, exported_by: str = "", indent: int | None = 2) -> str:
    """Return journey ``G`` as JSON text."""
    return json.dumps(to_document(G, exported_by=exported_by), ensure_ascii=False, indent=indent)


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


def _structure_problems(doc) -> list[Problem]:
    import jsonschema

    if not isinstance(doc, dict):
        return [Problem.at("not_a_journey", "document", type=type(doc).__name__)]
    if doc.get("format") != FORMAT:
        return [Problem.at("foreign_format", "format", expected=FORMAT, found=doc.get("format"))]
    if doc.get("version") != VERSION:
        return [Problem.at("unknown_version", "version", expected=VERSION, found=doc.get("version"))]
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


def from_document(doc) -> nx.DiGraph:
    """Return the journey in ``doc``; raise :class:`JourneyFormatError` if it is not valid.

    Examples
    --------
    >>> from_document({"format": "something-else"})
    Traceback (most recent call last):
    ...
    journeys.interchange.JourneyFormatError: This is not a journey the workbench can import:
    - format: expected 'journey-workbench', found 'something-else'
    """
    problems = _structure_problems(doc)
    if not problems:
        problems = _reference_problems(doc)
    if problems:
        raise JourneyFormatError(problems)
    nodes = [{k: v for k, v in n.items() if k in TOUCHPOINT_DEFAULTS or k == "id"} for n in doc["nodes"]]
    G = normalize(nx.node_link_graph({**doc, "nodes": nodes}, directed=True, multigraph=False, edges="edges"))
    problems = validate(G)
    if problems:
        raise JourneyFormatError(problems)
    return G


def loads(text: str | bytes) -> nx.DiGraph:
    """Return the journey in JSON ``text``; raise :class:`JourneyFormatError` if it is not one."""
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
    return from_document(doc)
