"""Ideas (opportunities) of a journey: stored one by one, each with its own version.

An idea is validated against its journey by :func:`journeys.analysis.ideas.check_idea` and written
in one transaction with the touchpoints (and pain points) it addresses. Editing an idea
never touches the journey's version, so workshop editing and idea work do not conflict;
two people editing the same idea do (:class:`IdeaConflict`), and nobody's change is lost
silently. Ideas are rated by :func:`store.analysis.save_ratings` with ``subject="idea"``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from journeys.analysis.ideas import IdeaProblem, check_idea
from store.models import Idea, IdeaTarget, Journey, Touchpoint, utcnow
from store.repository import (
    ConflictError,
    JourneyNotFound,
    count_change,
    load_journey,
    retry_when_busy,
    write_transaction,
)

__all__ = ["IdeaConflict", "IdeaInvalid", "IdeaNotFound", "list_ideas", "create_idea", "update_idea", "delete_idea"]

log = logging.getLogger(__name__)

FIELDS = ("title", "description", "owner", "status", "effort")


class IdeaInvalid(ValueError):
    """Raised when an idea has problems (``problems``, a list of IdeaProblem); nothing is saved."""

    def __init__(self, problems: list[IdeaProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class IdeaNotFound(JourneyNotFound):
    """Raised when the idea (or its journey) no longer exists."""


class IdeaConflict(ConflictError):
    """Raised when an idea was changed (or deleted) by someone else since ``expected_version``.

    ``updated_by`` and ``updated_at`` tell who changed it and when. Nothing was written.
    """

    def __init__(self, idea_id: int, expected_version: int, current: Idea | None):
        self.idea_id = idea_id
        self.expected_version = expected_version
        self.current_version = current.version if current else None
        self.updated_by = current.updated_by if current else ""
        self.updated_at: datetime | None = current.updated_at if current else None
        self.newer = []
        RuntimeError.__init__(
            self,
            f"idea {idea_id} was changed by {self.updated_by or 'someone'} since version {expected_version}"
            if current
            else f"idea {idea_id} was deleted",
        )


def _clean(idea: dict) -> dict:
    """The idea's own fields, with surrounding blanks trimmed and missing texts empty."""
    values = {field: idea.get(field) for field in FIELDS}
    for field in ("title", "description", "owner"):
        value = values[field]
        values[field] = "" if value is None else value.strip() if isinstance(value, str) else value
    values["status"] = values["status"] or "open"
    return values


def _checked(session: Session, journey_id: str, idea: dict) -> dict[str, list[str]]:
    """Return the idea's targets after checking the whole idea against the stored journey."""
    graph, _ = load_journey(session=session, journey_id=journey_id)
    problems = check_idea({**idea, **_clean(idea)}, graph)
    if problems:
        raise IdeaInvalid(problems)
    return {key: list(dict.fromkeys(pains or [])) for key, pains in (idea.get("targets") or {}).items()}


def _write_targets(session: Session, journey_id: str, idea_id: int, targets: dict[str, list[str]]) -> None:
    ids = dict(
        session.execute(
            select(Touchpoint.key, Touchpoint.id).where(
                Touchpoint.journey_id == journey_id, Touchpoint.key.in_(list(targets))
            )
        ).all()
    )
    gone = [IdeaProblem("touchpoint_unknown", {"touchpoint": key}) for key in targets if key not in ids]
    if gone:  # deleted between the check and this transaction
        raise IdeaInvalid(gone)
    session.execute(delete(IdeaTarget).where(IdeaTarget.idea_id == idea_id))
    if targets:
        session.execute(
            insert(IdeaTarget),
            [
                {"idea_id": idea_id, "touchpoint_id": ids[key], "pains": pains, "position": i}
                for i, (key, pains) in enumerate(targets.items())
            ],
        )


def list_ideas(*, session: Session, journey_id: str) -> list[dict]:
    """Return the ideas of a journey as plain dicts, oldest first, each with its ``targets``.

    ``targets`` maps touchpoint key → the pain point texts the idea addresses.
    """
    ideas = session.execute(select(Idea).where(Idea.journey_id == journey_id).order_by(Idea.id)).scalars().all()
    targets = session.execute(
        select(IdeaTarget.idea_id, Touchpoint.key, IdeaTarget.pains)
        .join(Touchpoint, Touchpoint.id == IdeaTarget.touchpoint_id)
        .join(Idea, Idea.id == IdeaTarget.idea_id)
        .where(Idea.journey_id == journey_id)
        .order_by(IdeaTarget.idea_id, IdeaTarget.position)
    ).all()
    by_idea: dict[int, dict[str, list[str]]] = {}
    for idea_id, key, pains in targets:
        by_idea.setdefault(idea_id, {})[key] = list(pains)
    result = [
        {
            "id": idea.id,
            **{field: getattr(idea, field) for field in FIELDS},
            "version": idea.version,
            "created_at": idea.created_at,
            "created_by": idea.created_by,
            "updated_at": idea.updated_at,
            "updated_by": idea.updated_by,
            "targets": by_idea.get(idea.id, {}),
        }
        for idea in ideas
    ]
    session.rollback()
    return result


@retry_when_busy
def create_idea(*, session: Session, journey_id: str, idea: dict, author: str) -> int:
    """Add an idea to a journey; return its id. Raises :class:`IdeaInvalid` with every problem."""
    targets = _checked(session, journey_id, idea)
    with write_transaction(session):
        if session.get(Journey, journey_id) is None:
            raise IdeaNotFound(f"no journey with id {journey_id!r}")
        count_change(session, journey_id)
        now = utcnow()
        row = Idea(
            journey_id=journey_id,
            **_clean(idea),
            created_at=now,
            created_by=author,
            updated_at=now,
            updated_by=author,
        )
        session.add(row)
        session.flush()
        idea_id = row.id
        _write_targets(session, journey_id, idea_id, targets)
    log.info("created idea %d of journey %s by %r", idea_id, journey_id, author)
    return idea_id


@retry_when_busy
def update_idea(*, session: Session, idea_id: int, idea: dict, expected_version: int, author: str) -> int:
    """Replace an idea's fields and targets; return its new version.

    Raises :class:`IdeaConflict` when someone changed or deleted it since ``expected_version``.
    """
    journey_id = session.execute(select(Idea.journey_id).where(Idea.id == idea_id)).scalar_one_or_none()
    session.rollback()
    if journey_id is None:
        log.warning("conflict: %r saved idea %d, which was deleted meanwhile; nothing written", author, idea_id)
        raise IdeaConflict(idea_id, expected_version, None)
    targets = _checked(session, journey_id, idea)
    with write_transaction(session):
        count_change(session, journey_id)
        claimed = session.execute(
            update(Idea)
            .where(Idea.id == idea_id, Idea.version == expected_version)
            .values(**_clean(idea), version=Idea.version + 1, updated_at=utcnow(), updated_by=author)
        )
        if claimed.rowcount != 1:
            conflict = IdeaConflict(idea_id, expected_version, session.get(Idea, idea_id))
            log.warning(
                "conflict: %r saved idea %d over version %d, which %r replaced; nothing written",
                author, idea_id, expected_version, conflict.updated_by or "someone",
            )  # fmt: skip
            raise conflict
        _write_targets(session, journey_id, idea_id, targets)
    log.info("saved idea %d version %d by %r", idea_id, expected_version + 1, author)
    return expected_version + 1


@retry_when_busy
def delete_idea(*, session: Session, idea_id: int, author: str, expected_version: int | None = None) -> None:
    """Delete an idea with its targets and ratings.

    With ``expected_version``, refuse (:class:`IdeaConflict`) when someone changed it meanwhile.
    """
    with write_transaction(session):
        current = session.get(Idea, idea_id)
        if current is None:
            return  # already gone: what the user wanted
        if expected_version is not None and current.version != expected_version:
            log.warning(
                "conflict: %r deleted idea %d at version %d, which %r replaced; nothing deleted",
                author, idea_id, expected_version, current.updated_by or "someone",
            )  # fmt: skip
            raise IdeaConflict(idea_id, expected_version, current)
        count_change(session, current.journey_id)
        session.delete(current)
    log.info("deleted idea %d by %r", idea_id, author)
