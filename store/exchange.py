"""A journey's file with everything its team added (``docs/json-format.md``): out of the store and into another.

:func:`journey_sections` gathers what the file holds beside the journey: the ratings of its touchpoints, its
ideas (with the touchpoints and pain points they address, their ratings and comment threads), its surveys
(with the measurements per touchpoint) and the comment threads on its touchpoints.

:func:`import_journey_whole` stores a file's journey with all of that in one transaction: all or nothing.
When a journey with the file's id is already stored (live or in the trash), ``on_duplicate`` decides:

- ``"new"`` (the default): the file becomes a journey of its own, with a new id and a name that tells it from
  the other: "… (imported 2026-12-07)", in the user's language ("… (importiert am 07.12.2026)");
- ``"replace"``: the file's journey becomes the stored one's next version (its earlier versions stay in its
  history, to look at or restore; one in the trash comes back); its ratings, ideas, surveys and comments become
  the file's.

Times the file holds are kept; where it gives none, the time of the import is taken.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import networkx as nx
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from journeys import i18n
from journeys.io import interchange
from journeys.io.sections import LENSES
from journeys.model.graph import new_id, normalize
from journeys.model.validation import JourneyInvalid, check
from store.comments import thread_documents, write_threads
from store.models import Comment, Idea, IdeaTarget, Journey, Measurement, Rating, Revision, Survey, Touchpoint, utcnow
from store.repository import retry_when_busy, write_transaction
from store.rows import changes_between, describe, read_journey, write_changes, write_diff

__all__ = [
    "ON_DUPLICATE",
    "existing_journey",
    "import_journey_whole",
    "imported_name",
    "journey_sections",
    "store_journey_whole",
]

log = logging.getLogger(__name__)

ON_DUPLICATE = ("new", "replace")
RATING_FIELDS = ("rater", "discipline", *LENSES, "comment")
IDEA_FIELDS = ("title", "description", "owner", "status", "effort")
MEASUREMENT_FIELDS = ("scale", "mean", "top2", "n", "nps", "importance", "importance_n")
OVERALL_FIELDS = ("scale", "mean", "top2", "n", "nps")


def _time(value: datetime | None) -> str | None:
    """A stored time as the file writes it: ISO 8601 in UTC (a time read back without its zone is in UTC)."""
    if value is None:
        return None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()


def _parse_time(value: str | None, default: datetime) -> datetime:
    if value is None:
        return default
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- out of the store ---------------------------------------------------------------------------------------


def _rating_document(rating: Rating, key: str | None = None) -> dict:
    return {
        **({"touchpoint": key} if key is not None else {}),
        **{field: getattr(rating, field) for field in RATING_FIELDS},
        "updated_at": _time(rating.updated_at),
    }


def _ideas(session: Session, journey_id: str, touchpoints) -> list[dict]:
    ideas = session.execute(select(Idea).where(Idea.journey_id == journey_id).order_by(Idea.id)).scalars().all()
    documents = {
        idea.id: {
            **{field: getattr(idea, field) for field in IDEA_FIELDS},
            "created_at": _time(idea.created_at),
            "created_by": idea.created_by,
            "updated_at": _time(idea.updated_at),
            "updated_by": idea.updated_by,
            "targets": [],
            "ratings": [],
            "comments": thread_documents(session, journey_id, idea=idea.id),
        }
        for idea in ideas
    }
    targets = session.execute(
        select(IdeaTarget.idea_id, Touchpoint.key, IdeaTarget.pains)
        .join(Touchpoint, Touchpoint.id == IdeaTarget.touchpoint_id)
        .where(Touchpoint.journey_id == journey_id)
        .order_by(IdeaTarget.idea_id, IdeaTarget.position)
    ).all()
    for idea_id, key, pains in targets:
        if touchpoints is None or key in touchpoints:
            documents[idea_id]["targets"].append({"touchpoint": key, "pains": list(pains)})
    ratings = session.execute(
        select(Rating).join(Idea, Idea.id == Rating.idea_id).where(Idea.journey_id == journey_id).order_by(Rating.rater)
    ).scalars()
    for rating in ratings:
        documents[rating.idea_id]["ratings"].append(_rating_document(rating))
    return list(documents.values())


def _surveys(session: Session, journey_id: str, touchpoints) -> list[dict]:
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
        overall = None
        if survey.overall_scale is not None:
            overall = {field: getattr(survey, f"overall_{field}") for field in OVERALL_FIELDS}
        documents.append(
            {
                "name": survey.name,
                "surveyed_on": survey.surveyed_on.isoformat(),
                "responses": survey.responses,
                "skipped_rows": list(survey.skipped_rows),
                "overall": overall,
                "imported_at": _time(survey.imported_at),
                "imported_by": survey.imported_by,
                "measurements": [
                    {"touchpoint": key, **{field: getattr(m, field) for field in MEASUREMENT_FIELDS}}
                    for key, m in measurements
                    if touchpoints is None or key in touchpoints
                ],
            }
        )
    return documents


def journey_sections(*, session: Session, journey_id: str, touchpoints=None) -> dict[str, list[dict]]:
    """What the journey's file holds beside the journey, read in one snapshot: ``{"comments", "ratings", "ideas",
    "surveys"}`` in the file's form (``docs/json-format.md``), for :func:`journeys.io.interchange.dumps`.

    ``touchpoints`` (keys; say those of the graph exported) leaves out what is about any other, so that the
    file imports again.
    """
    if session.in_transaction():
        session.rollback()
    if session.get_bind().dialect.name == "postgresql":  # one snapshot for all statements, not one each
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        ratings = session.execute(
            select(Touchpoint.key, Rating)
            .join(Rating, Rating.touchpoint_id == Touchpoint.id)
            .where(Touchpoint.journey_id == journey_id)
            .order_by(Touchpoint.position, Rating.rater)
        ).all()
        found = {
            "comments": thread_documents(session, journey_id, touchpoints=touchpoints),
            "ratings": [
                _rating_document(rating, key) for key, rating in ratings if touchpoints is None or key in touchpoints
            ],
            "ideas": _ideas(session, journey_id, touchpoints),
            "surveys": _surveys(session, journey_id, touchpoints),
        }
    finally:
        session.rollback()
    return found


def existing_journey(*, session: Session, journey_id: str) -> str | None:
    """The name of the journey stored under ``journey_id`` (in the trash too), None when there is none."""
    name = (
        session.execute(select(Journey.name).where(Journey.id == journey_id)).scalar_one_or_none()
        if journey_id
        else None
    )
    session.rollback()
    return name


def imported_name(name: str, *, today: date | None = None, lang: str = "en") -> str:
    """The name of a journey imported beside one with its id: ``name`` and the day, in language ``lang``.

    Examples
    --------
    >>> imported_name("Broadband", today=date(2026, 12, 7)), imported_name("Breitband", today=date(2026, 12, 7), lang="de")
    ('Broadband (imported 2026-12-07)', 'Breitband (importiert am 07.12.2026)')
    """
    day = i18n.date(today or date.today(), lang, i18n.t("library.imported_day", lang))
    return i18n.t("library.imported_name", lang, name=name, day=day)


# --- into the store -----------------------------------------------------------------------------------------


def _add_revision(session: Session, journey_id: str, version: int, graph: nx.DiGraph, author: str, now, records):
    session.execute(
        insert(Revision).values(
            journey_id=journey_id, version=version, author=author, created_at=now, summary="", changes=records,
            snapshot=interchange.dumps(graph, indent=None),
        )
    )  # fmt: skip


def _create(session: Session, journey_id: str, graph: nx.DiGraph, author: str, now: datetime) -> None:
    attrs = graph.graph
    session.execute(
        insert(Journey).values(
            id=journey_id, name=attrs["name"], description=attrs["description"], state=attrs["state"],
            created_at=now, updated_at=now, updated_by=author,
        )
    )  # fmt: skip
    write_diff(session, journey_id, nx.DiGraph(stages=[], personas=[]), graph)
    _add_revision(session, journey_id, 1, graph, author, now, [{"op": "imported"}])


def _replace(session: Session, journey_id: str, graph: nx.DiGraph, author: str, now: datetime) -> int:
    """Make ``graph`` the stored journey's next version, with what the team added cleared; return the version."""
    stored, version = read_journey(session, journey_id, deleted=True)
    changes = changes_between(stored, graph)
    attrs = graph.graph
    session.execute(
        update(Journey)
        .where(Journey.id == journey_id)
        .values(
            version=version + 1, change_count=Journey.change_count + 1, metrics_version=0, name=attrs["name"],
            description=attrs["description"], state=attrs["state"], updated_at=now, updated_by=author,
            deleted_at=None, deleted_by="",
        )
    )  # fmt: skip
    touchpoints = select(Touchpoint.id).where(Touchpoint.journey_id == journey_id)
    session.execute(delete(Rating).where(Rating.touchpoint_id.in_(touchpoints)))
    for model in (Idea, Survey, Comment):  # ON DELETE CASCADE takes their targets, ratings, measurements, replies
        session.execute(delete(model).where(model.journey_id == journey_id))
    write_changes(session, journey_id, stored, graph, changes)
    _add_revision(
        session, journey_id, version + 1, graph, author, now, [{"op": "imported"}, *describe(changes, stored, graph)]
    )
    return version + 1


def _rating_rows(ratings: list[dict], subject, now: datetime) -> list[dict]:
    return [
        {**subject(r), **{field: r[field] for field in RATING_FIELDS}, "updated_at": _parse_time(r["updated_at"], now)}
        for r in ratings
    ]


def _write_sections(session: Session, journey_id: str, sections: dict, author: str, now: datetime) -> None:
    ids = dict(session.execute(select(Touchpoint.key, Touchpoint.id).where(Touchpoint.journey_id == journey_id)).all())
    if ratings := sections.get("ratings"):
        session.execute(insert(Rating), _rating_rows(ratings, lambda r: {"touchpoint_id": ids[r["touchpoint"]]}, now))
    for idea in sections.get("ideas", []):
        idea_id = session.execute(
            insert(Idea)
            .values(
                journey_id=journey_id, **{field: idea[field] for field in IDEA_FIELDS}, version=1,
                created_at=_parse_time(idea["created_at"], now), created_by=idea["created_by"] or author,
                updated_at=_parse_time(idea["updated_at"], now), updated_by=idea["updated_by"] or author,
            )
            .returning(Idea.id)
        ).scalar_one()  # fmt: skip
        if idea["targets"]:
            session.execute(
                insert(IdeaTarget),
                [
                    {"idea_id": idea_id, "touchpoint_id": ids[t["touchpoint"]], "pains": t["pains"], "position": i}
                    for i, t in enumerate(idea["targets"])
                ],
            )
        if idea["ratings"]:
            session.execute(insert(Rating), _rating_rows(idea["ratings"], lambda r, i=idea_id: {"idea_id": i}, now))
        write_threads(session, journey_id, idea["comments"], idea=idea_id)
    for survey in sections.get("surveys", []):
        overall = survey["overall"] or {}
        survey_id = session.execute(
            insert(Survey)
            .values(
                journey_id=journey_id, name=survey["name"], surveyed_on=date.fromisoformat(survey["surveyed_on"]),
                responses=survey["responses"], skipped_rows=survey["skipped_rows"],
                **{f"overall_{field}": overall.get(field) for field in OVERALL_FIELDS},
                imported_at=_parse_time(survey["imported_at"], now), imported_by=survey["imported_by"] or author,
            )
            .returning(Survey.id)
        ).scalar_one()  # fmt: skip
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
    write_threads(session, journey_id, sections.get("comments", []))


@retry_when_busy
def store_journey_whole(
    *,
    session: Session,
    graph: nx.DiGraph,
    sections: dict,
    author: str,
    on_duplicate: str = "new",
    today: date | None = None,
    lang: str = "en",
) -> str:
    """Store ``graph`` with ``sections`` (as :func:`journeys.io.interchange.loads_whole` gives them, checked against
    it) in one transaction; return the journey's id. A journey with its id already there is replaced by it (a new
    version) or kept beside it under a name of its own, as ``on_duplicate`` says (see the module). All or nothing;
    raises :class:`journeys.model.validation.JourneyInvalid` for an invalid journey.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise ValueError(f"on_duplicate is one of {', '.join(ON_DUPLICATE)}, not {on_duplicate!r}")
    graph = normalize(check(graph))
    with write_transaction(session):
        journey_id, now = graph.graph.get("id") or "", utcnow()
        found = None
        if journey_id:  # the row locked, so that no save lands between reading it and replacing it
            found = session.execute(select(Journey.id).where(Journey.id == journey_id).with_for_update()).first()
        if found is not None and on_duplicate == "replace":
            version = _replace(session, journey_id, graph, author, now)
        else:
            if found is not None:
                graph.graph["name"] = imported_name(graph.graph["name"], today=today, lang=lang)
            journey_id = graph.graph["id"] = journey_id if journey_id and found is None else new_id()
            _create(session, journey_id, graph, author, now)
            version = 1
        _write_sections(session, journey_id, sections, author, now)
    log.info(
        "imported journey %s %r (version %d%s) with %d rating(s), %d idea(s), %d survey(s), %d comment thread(s) by %r",
        journey_id, graph.graph["name"], version, ", replacing it" if version > 1 else "",
        *(len(sections.get(part, [])) for part in ("ratings", "ideas", "surveys", "comments")), author,
    )  # fmt: skip
    return journey_id


def import_journey_whole(
    *,
    session: Session,
    data: str | bytes,
    author: str,
    on_duplicate: str = "new",
    today: date | None = None,
    lang: str = "en",
) -> str:
    """Import a JSON document (``docs/json-format.md``, version 1 or 2) with everything it holds: the journey, its
    ratings, ideas, surveys and comment threads; return the journey's id. ``on_duplicate`` (``"new"`` or
    ``"replace"``) says what to do when a journey with the file's id is already stored (see the module).

    Raises :class:`journeys.io.interchange.JourneyFormatError` (or ``JourneyInvalid``) listing every problem, of
    every section (a rating or an idea about a touchpoint the journey lacks among them); then nothing is written.
    """
    try:
        graph, sections = interchange.loads_whole(data)
        journey_id = store_journey_whole(
            session=session, graph=graph, sections=sections, author=author, on_duplicate=on_duplicate, today=today,
            lang=lang,
        )  # fmt: skip
    except (interchange.JourneyFormatError, JourneyInvalid) as exc:
        kinds = ", ".join(sorted({str(p.code) for p in exc.problems}))  # codes only: the file's text stays out
        log.warning("import by %r refused: %d problem(s) (%s); nothing written", author, len(exc.problems), kinds)
        raise
    return journey_id
