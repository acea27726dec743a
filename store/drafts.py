"""The Editor's unsaved working copy of a journey, kept per person until it is saved or discarded.

A reload, a new tab or a crash of the browser loses what the Editor holds in its session;
what is kept here lets the person go on with it. ``person`` is whoever the workbench
knows the user as: the signed-in user's e-mail address, or the id of their browser.
Every function is one short transaction; a kept draft goes with its journey when that
is deleted for good (``ON DELETE CASCADE``), and backups leave kept drafts out.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from store.models import KeptDraft
from store.repository import JourneyNotFound, retry_when_busy, write_transaction

__all__ = ["KeptDraftInfo", "drop_kept_draft", "keep_draft", "kept_draft"]

MAX_PERSON = 320  # the column's width: an e-mail address has at most 254 characters, a browser's id 32


@dataclass(frozen=True)
class KeptDraftInfo:
    """A kept draft: its text (as the Editor holds a draft), the version it is based on, and when it was written."""

    text: str
    base_version: int
    updated_at: datetime


def _person(person: str) -> str:
    if not person or len(person) > MAX_PERSON:
        raise ValueError(f"a person is named by 1 to {MAX_PERSON} characters, not {len(person)}")
    return person


@retry_when_busy
def keep_draft(*, session: Session, journey_id: str, person: str, text: str, base_version: int) -> None:
    """Keep ``text``, based on ``base_version``, as ``person``'s draft of the journey (replacing the one kept before).

    Raises :class:`store.JourneyNotFound` when there is no such journey (deleted for good meanwhile).
    """
    # the insert with ON CONFLICT of the engine's dialect (SQLite's or PostgreSQL's), loaded with the engine already
    dialect = importlib.import_module(f"sqlalchemy.dialects.{session.get_bind().dialect.name}")
    row = {"journey_id": journey_id, "person": _person(person), "text": text, "base_version": base_version}
    upsert = dialect.insert(KeptDraft).values(**row, updated_at=func.now())
    upsert = upsert.on_conflict_do_update(
        index_elements=["journey_id", "person"],
        set_={"text": upsert.excluded.text, "base_version": upsert.excluded.base_version, "updated_at": func.now()},
    )
    try:
        with write_transaction(session):
            session.execute(upsert)
    except IntegrityError as exc:  # the only constraint a well-formed row can break is the journey's key
        raise JourneyNotFound(f"no journey with id {journey_id!r}") from exc


def kept_draft(*, session: Session, journey_id: str, person: str) -> KeptDraftInfo | None:
    """Return ``person``'s kept draft of the journey, or None."""
    row = session.execute(
        select(KeptDraft.text, KeptDraft.base_version, KeptDraft.updated_at).where(
            KeptDraft.journey_id == journey_id, KeptDraft.person == person
        )
    ).first()
    session.rollback()  # end the read transaction: sessions stay short
    return None if row is None else KeptDraftInfo(*row)


@retry_when_busy
def drop_kept_draft(*, session: Session, journey_id: str, person: str) -> None:
    """Forget ``person``'s kept draft of the journey (saved or discarded); nothing happens when there is none."""
    with write_transaction(session):
        session.execute(delete(KeptDraft).where(KeptDraft.journey_id == journey_id, KeptDraft.person == person))
