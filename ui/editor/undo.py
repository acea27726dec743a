"""Undo and redo in the Editor, over the operations every change of the draft is made of.

Each change of the draft — on the map, in a table, in the detail panel — is recorded as a
step: the operations that made it and the operations that take it back
(:func:`journeys.model.operations.step`). Undo applies a step's inverse to the draft, redo
its operations again; a new change clears what could be redone. The steps are plain JSON
values in the journey's workspace (:class:`ui.editor.state.Workspace`), at most :data:`LIMIT`
of them. Nothing here reads or writes session state: the caller changes the steps and the draft
together, whole.
"""

from __future__ import annotations

from typing import Protocol

import networkx as nx

from journeys.i18n import LANGUAGES
from journeys.model import operations

LIMIT = 200


class Steps(Protocol):
    """Where the steps are kept: a journey's workspace."""

    undo: list[dict]
    redo: list[dict]


def step(before: nx.DiGraph, after: nx.DiGraph, ops: list[dict] | None = None) -> dict | None:
    """The change ``before`` → ``after`` (made of ``ops``, when known) as one step to undo; None for no change."""
    forward = ops if ops is not None else operations.diff(before, after)
    if not forward:
        return None
    return {"ops": forward, "inverse": operations.diff(after, before), "what": _words(forward, before)}


def push(steps: Steps, made: dict) -> None:
    """Remember the step ``made``: the last to undo, and nothing to redo any more."""
    steps.undo.append(made)
    del steps.undo[:-LIMIT]
    steps.redo.clear()


def _words(ops: list[dict], before: nx.DiGraph) -> dict[str, str]:
    """What the step changes, in every language of the app: the undo button says it in the user's."""
    words = {}
    for language in LANGUAGES:
        lines = operations.describe(ops, before, language)
        words[language] = "; ".join(lines[:3]) + (f" (+{len(lines) - 3})" if len(lines) > 3 else "")
    return words


def forget(steps: Steps) -> None:
    """Start over without steps: after a save, a discard or a new draft."""
    steps.undo.clear()
    steps.redo.clear()


def undo(steps: Steps, G: nx.DiGraph) -> nx.DiGraph | None:
    """The draft ``G`` with the last step taken back, or None when there is nothing to undo."""
    return _move(steps.undo, steps.redo, G, "inverse", steps)


def redo(steps: Steps, G: nx.DiGraph) -> nx.DiGraph | None:
    """The draft ``G`` with the last undone step made again, or None when there is nothing to redo."""
    return _move(steps.redo, steps.undo, G, "ops", steps)


def _move(source: list[dict], target: list[dict], G: nx.DiGraph, apply: str, steps: Steps) -> nx.DiGraph | None:
    if not source:
        return None
    try:
        graph = operations.apply(G, source[-1][apply], trusted=True)
    except operations.OperationError:  # the draft was replaced meanwhile: these steps no longer fit it
        forget(steps)
        return None
    target.append(source.pop())
    return graph


def next_step(steps: Steps, kind: str, language: str) -> str | None:
    """What undo (``kind="undo"``) or redo would change, in ``language``, or None when there is nothing."""
    found = getattr(steps, kind)
    return found[-1]["what"].get(language) if found else None
