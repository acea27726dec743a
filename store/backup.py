"""Backup and restore: every journey, with its history and scores, in one archive file.

The archive is a ZIP file::

    manifest.json          format tag, version, when, what (one entry per journey)
    journeys/00000.json    one file per journey: its own fields, its current graph in the lossless
                           JSON format (docs/json-format.md), every revision (author,
                           time, summary, snapshot), every rating, every idea (with the
                           touchpoints and pain points it addresses, its ratings and its
                           comment threads), every survey (with its measurements per
                           touchpoint) and the comment threads on its touchpoints (those
                           on touchpoints deleted since too)

Journeys in the trash are included. A backup is read in one consistent snapshot
of the database; a restore writes everything in one transaction into an empty
database (or, with ``replace=True``, in place of everything there), or nothing.
Before it writes, :func:`store.archive.read_backup` checks every record of the
archive as an import would, within limits of size and nesting.
Derived figures (``touchpointmetric``) are not kept: they are recomputed on demand; nor are
a journey's lifetime and change count (``store.repository.JourneyStamp``): a restored journey
gets a lifetime of its own.
"""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

import networkx as nx
from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from journeys.io import interchange
from store.archive import (
    FORMAT,
    IDEA_FIELDS,
    IDEA_TIMES,
    JOURNEY_FIELDS,
    JOURNEY_TIMES,
    MEASUREMENT_FIELDS,
    RATING_FIELDS,
    REVISION_FIELDS,
    SURVEY_FIELDS,
    VERSION,
    BackupError,
    read_backup,
)
from store.comments import thread_documents, write_threads
from store.db import head_revision
from store.models import Idea, IdeaTarget, Journey, Measurement, Rating, Revision, Survey, Touchpoint, new_lifetime
from store.repository import retry_when_busy, write_transaction
from store.rows import read_graph, write_diff

__all__ = ["FORMAT", "VERSION", "BackupError", "BackupSummary", "DatabaseNotEmpty", "backup", "restore"]


class DatabaseNotEmpty(BackupError):
    """Raised when restoring into a database that holds journeys, without ``replace=True``."""


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds, or what a restore wrote."""

    journeys: int
    revisions: int
    ratings: int
    trashed: int
    ideas: int = 0
    surveys: int = 0
    comments: int = 0  # threads, on touchpoints and ideas


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _journey_document(session: Session, journey: Journey) -> dict:
    revisions = session.execute(
        select(Revision).where(Revision.journey_id == journey.id).order_by(Revision.version)
    ).scalars()
    ratings = session.execute(
        select(Touchpoint.key, Rating)
        .join(Rating, Rating.touchpoint_id == Touchpoint.id)
        .where(Touchpoint.journey_id == journey.id)
        .order_by(Touchpoint.position, Rating.rater)
    ).all()
    return {
        "journey": {
            **{f: getattr(journey, f) for f in JOURNEY_FIELDS},
            **{f: _time(getattr(journey, f)) for f in JOURNEY_TIMES},
        },
        "graph": interchange.to_document(read_graph(session, journey)),
        "revisions": [
            {
                "version": r.version,
                "author": r.author,
                "created_at": _time(r.created_at),
                "summary": r.summary,
                "changes": r.changes,
                "snapshot": r.snapshot,
            }
            for r in revisions
        ],
        "ratings": [
            {"touchpoint": key, **{f: getattr(r, f) for f in RATING_FIELDS}, "updated_at": _time(r.updated_at)}
            for key, r in ratings
        ],
        "ideas": _ideas(session, journey.id),
        "surveys": _surveys(session, journey.id),
        "comments": thread_documents(session, journey.id),
    }


def _ideas(session: Session, journey_id: str) -> list[dict]:
    ideas = session.execute(select(Idea).where(Idea.journey_id == journey_id).order_by(Idea.id)).scalars().all()
    targets = session.execute(
        select(IdeaTarget.idea_id, Touchpoint.key, IdeaTarget.pains)
        .join(Touchpoint, Touchpoint.id == IdeaTarget.touchpoint_id)
        .where(Touchpoint.journey_id == journey_id)
        .order_by(IdeaTarget.idea_id, IdeaTarget.position)
    ).all()
    ratings = session.execute(
        select(Rating).join(Idea, Idea.id == Rating.idea_id).where(Idea.journey_id == journey_id).order_by(Rating.rater)
    ).scalars()
    documents = {
        idea.id: {
            **{f: getattr(idea, f) for f in IDEA_FIELDS},
            **{f: _time(getattr(idea, f)) for f in IDEA_TIMES},
            "targets": [],
            "ratings": [],
            "comments": thread_documents(session, journey_id, idea=idea.id),
        }
        for idea in ideas
    }
    for idea_id, key, pains in targets:
        documents[idea_id]["targets"].append({"touchpoint": key, "pains": list(pains)})
    for r in ratings:
        documents[r.idea_id]["ratings"].append(
            {**{f: getattr(r, f) for f in RATING_FIELDS}, "updated_at": _time(r.updated_at)}
        )
    return list(documents.values())


def _surveys(session: Session, journey_id: str) -> list[dict]:
    surveys = session.execute(
        select(Survey).where(Survey.journey_id == journey_id).order_by(Survey.surveyed_on, Survey.id)
    ).scalars()
    documents = []
    for survey in surveys:
        measurements = session.execute(
            select(Touchpoint.key, Measurement)
            .join(Measurement, Measurement.touchpoint_id == Touchpoint.id)
            .where(Measurement.survey_id == survey.id)
            .order_by(Touchpoint.position)
        ).all()
        documents.append(
            {
                **{f: getattr(survey, f) for f in SURVEY_FIELDS},
                "surveyed_on": survey.surveyed_on.isoformat(),
                "imported_at": _time(survey.imported_at),
                "measurements": [
                    {"touchpoint": key, **{f: getattr(m, f) for f in MEASUREMENT_FIELDS}} for key, m in measurements
                ],
            }
        )
    return documents


def backup(*, session: Session, path: str | Path | BinaryIO) -> BackupSummary:
    """Write every journey (the trash too) with its revisions and ratings to one ZIP archive.

    ``path`` is a file name or a binary file object such as :class:`io.BytesIO`
    (e.g. for a download button). Everything is read in one consistent snapshot.
    """
    if session.in_transaction():
        session.rollback()
    if session.get_bind().dialect.name == "postgresql":  # one snapshot for all statements, not one each
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        journeys = session.execute(select(Journey).order_by(Journey.created_at, Journey.id)).scalars().all()
        documents = {j.id: _journey_document(session, j) for j in journeys}
    finally:
        session.rollback()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": _time(datetime.now(UTC)),
        "schema_revision": head_revision(),
        "journeys": [
            {"id": jid, "name": doc["journey"]["name"], "file": f"journeys/{i:05d}.json"}
            for i, (jid, doc) in enumerate(documents.items())
        ],
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for entry in manifest["journeys"]:
            archive.writestr(entry["file"], json.dumps(documents[entry["id"]], ensure_ascii=False))
    done = _summary(documents.values())
    log.info("backed up %d journey(s) with %d revision(s)", done.journeys, done.revisions)
    return done


def _summary(documents) -> BackupSummary:
    documents = list(documents)
    return BackupSummary(
        journeys=len(documents),
        revisions=sum(len(d["revisions"]) for d in documents),
        ratings=sum(len(d["ratings"]) for d in documents),
        trashed=sum(d["journey"]["deleted_at"] is not None for d in documents),
        ideas=sum(len(d.get("ideas", [])) for d in documents),
        surveys=sum(len(d.get("surveys", [])) for d in documents),
        comments=sum(
            len(d.get("comments", [])) + sum(len(i.get("comments", [])) for i in d.get("ideas", [])) for d in documents
        ),
    )


@retry_when_busy
def restore(*, session: Session, path: str | Path | BinaryIO, replace: bool = False) -> BackupSummary:
    """Restore a backup: every journey as it was, with the same ids, versions, history and ratings.

    The database must hold no journey (not even in the trash); with ``replace=True``
    every journey there is deleted first. All of it is one transaction: on any
    error nothing is written. Raises :class:`DatabaseNotEmpty` or :class:`BackupError`.
    """
    if hasattr(path, "seek"):
        path.seek(0)  # a retry reads the file again
    try:
        done = _restore(session, path, replace)
    except BackupError as exc:
        log.warning("restore refused (%s); nothing written", exc.code)
        raise
    log.info(
        "restored %d journey(s) with %d revision(s)%s",
        done.journeys, done.revisions, ", replacing every journey there was" if replace else "",
    )  # fmt: skip
    return done


def _restore(session: Session, path: str | Path | BinaryIO, replace: bool) -> BackupSummary:
    journeys = read_backup(path)  # every record checked, within limits of size and depth, before anything is written
    with write_transaction(session):
        present = session.execute(select(func.count()).select_from(Journey)).scalar_one()
        if present and not replace:
            raise DatabaseNotEmpty("not_empty", count=present)
        if present:
            session.execute(delete(Journey))  # ON DELETE CASCADE takes every row that belongs to them
        for doc, graph in journeys:
            fields = doc["journey"]
            jid = fields["id"]
            session.execute(
                insert(Journey).values(
                    **{f: fields[f] for f in JOURNEY_FIELDS},
                    **{f: _parse_time(fields[f]) for f in JOURNEY_TIMES},
                    metrics_version=0,
                    # stored anew, whatever it held before: a lifetime of its own (never in the archive), so that
                    # nothing cached of the journey that had its id is taken for it, in any process
                    lifetime=new_lifetime(),
                )
            )
            write_diff(session, jid, nx.DiGraph(stages=[], personas=[]), graph)
            if doc["revisions"]:
                session.execute(
                    insert(Revision),
                    [
                        {
                            **{f: r[f] for f in REVISION_FIELDS},
                            "changes": r.get("changes"),
                            "journey_id": jid,
                            "created_at": _parse_time(r["created_at"]),
                        }
                        for r in doc["revisions"]
                    ],
                )
            ids = dict(session.execute(select(Touchpoint.key, Touchpoint.id).where(Touchpoint.journey_id == jid)).all())
            if doc["ratings"]:
                session.execute(
                    insert(Rating),
                    [
                        {
                            "touchpoint_id": ids[r["touchpoint"]],
                            **{f: r[f] for f in RATING_FIELDS},
                            "updated_at": _parse_time(r["updated_at"]),
                        }
                        for r in doc["ratings"]
                    ],
                )
            _restore_ideas(session, jid, ids, doc["ideas"])
            _restore_surveys(session, jid, ids, doc["surveys"])
            write_threads(session, jid, doc["comments"])
    return _summary(doc for doc, _ in journeys)


def _restore_ideas(session: Session, journey_id: str, ids: dict[str, int], ideas: list[dict]) -> None:
    for idea in ideas:  # new ids: an explicit id would leave PostgreSQL's sequence behind
        idea_id = session.execute(
            insert(Idea)
            .values(
                journey_id=journey_id,
                **{f: idea[f] for f in IDEA_FIELDS},
                **{f: _parse_time(idea[f]) for f in IDEA_TIMES},
            )
            .returning(Idea.id)
        ).scalar_one()
        if idea["targets"]:
            session.execute(
                insert(IdeaTarget),
                [
                    {"idea_id": idea_id, "touchpoint_id": ids[t["touchpoint"]], "pains": t["pains"], "position": i}
                    for i, t in enumerate(idea["targets"])
                ],
            )
        if idea["ratings"]:
            session.execute(
                insert(Rating),
                [
                    {"idea_id": idea_id, **{f: r[f] for f in RATING_FIELDS}, "updated_at": _parse_time(r["updated_at"])}
                    for r in idea["ratings"]
                ],
            )
        write_threads(session, journey_id, idea.get("comments") or [], idea=idea_id)


def _restore_surveys(session: Session, journey_id: str, ids: dict[str, int], surveys: list[dict]) -> None:
    for survey in surveys:
        survey_id = session.execute(
            insert(Survey)
            .values(
                journey_id=journey_id,
                **{f: survey[f] for f in SURVEY_FIELDS},
                surveyed_on=date.fromisoformat(survey["surveyed_on"]),
                imported_at=_parse_time(survey["imported_at"]),
            )
            .returning(Survey.id)
        ).scalar_one()
        if survey["measurements"]:
            session.execute(
                insert(Measurement),
                [
                    {
                        "survey_id": survey_id,
                        "touchpoint_id": ids[m["touchpoint"]],
                        **{f: m[f] for f in MEASUREMENT_FIELDS},
                    }
                    for m in survey["measurements"]
                ],
            )
