"""Ratings from many participants, and the figures that managers review across journeys.

Ratings are rows of their own (one per rater and touchpoint), saved without touching
the journey's version: scoring never conflicts with editing, nor one rater with another.

The portfolio heatmap is one SQL aggregation over ``touchpointmetric``: per touchpoint
it keeps the flow and the four trouble components (see docs/scoring.md), so weakness
with any weights is a linear expression the database can sum. The figures of a journey
are recomputed (:func:`refresh_metrics`) when it was saved or re-rated since.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, delete, exists, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from journeys.analysis.flow import FlowError, flow
from journeys.analysis.scoring import LENSES, Weights, components, consensus
from journeys.i18n import t
from journeys.model.text import MAX_LONG, bad_character, brief, escaped, first_bad
from store.models import Idea, Journey, Persona, Rating, Stage, Touchpoint, TouchpointMetric, TouchpointPersona, utcnow
from store.repository import JourneyNotFound, count_change, load_journey, retry_when_busy, write_transaction

log = logging.getLogger(__name__)

__all__ = [
    "RatingInvalid",
    "SUBJECTS",
    "GROUPINGS",
    "check_rating",
    "save_ratings",
    "list_ratings",
    "delete_rating",
    "refresh_metrics",
    "refresh_stale_metrics",
    "portfolio",
    "weakest_across",
    "filter_options",
    "portfolio_stamp",
]

GROUPINGS = ("journey", "stage", "channel", "owner")


class RatingInvalid(ValueError):
    """Raised when a score is not a whole number from 1 to 5, or a name or comment cannot be stored; nothing is saved.

    ``text(lang)`` says why in English or German; ``str()`` is the English text.
    """

    def __init__(self, code: str, **params):
        self.code, self.params = code, {k: brief(v) for k, v in params.items()}
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        params = self.params | ({"lens": t(f"lens.{self.params['lens']}", lang)} if "lens" in self.params else {})
        text = t(f"ratings.invalid.{self.code}", lang, **params)
        return f"{params['subject']}: {text}" if params.get("subject") else text


MAX_RATER = 200  # a short text (journeys.model.text)
MAX_DISCIPLINE = 32  # the column's length


@dataclass(frozen=True)
class _Score:
    desirable: int | None
    viable: int | None
    feasible: int | None
    comment: str


def _checked(touchpoint: str, scores: dict) -> _Score:
    if not isinstance(scores, dict):
        raise RatingInvalid("scores", subject=escaped(touchpoint))
    values = {}
    for lens in LENSES:
        value = scores.get(lens)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5):
            raise RatingInvalid("score", subject=escaped(touchpoint), lens=lens, value=value)
        values[lens] = value
    comment = scores.get("comment") or ""
    if not isinstance(comment, str) or len(comment) > MAX_LONG:
        raise RatingInvalid("comment", subject=escaped(touchpoint), max=MAX_LONG)
    if bad_character(comment, long=True):
        raise RatingInvalid("comment_characters", subject=escaped(touchpoint), char=first_bad(comment, long=True))
    return _Score(**values, comment=comment)


def check_rating(*, rater, discipline, scores) -> None:
    """Raise :class:`RatingInvalid` unless one rater's scores of one touchpoint or idea can be stored as they are."""
    _checked_name("rater", rater, MAX_RATER)
    _checked_name("discipline", discipline, MAX_DISCIPLINE)
    _checked("", scores)


def _checked_name(field: str, value, limit: int) -> str:
    """The rater's name or discipline, trimmed: a short text that the store holds."""
    value = value.strip() if isinstance(value, str) else ""
    if not value or len(value) > limit:
        raise RatingInvalid(field, max=limit)
    if bad_character(value):
        raise RatingInvalid(f"{field}_characters", char=first_bad(value))
    return value


SUBJECTS = ("touchpoint", "idea")
REFRESH_TRIES = 3  # reads of a journey that keeps being saved while its figures are recomputed


def _subject(subject: str):
    """The table rated as ``subject``, its key column, and the rating's column pointing at it."""
    if subject == "touchpoint":
        return Touchpoint, Touchpoint.key, Rating.touchpoint_id
    if subject == "idea":
        return Idea, Idea.id, Rating.idea_id
    raise ValueError(f"ratings are of a touchpoint or an idea, not {subject!r}")


@retry_when_busy
def save_ratings(
    *,
    session: Session,
    journey_id: str,
    rater: str,
    discipline: str,
    scores: dict,
    subject: str = "touchpoint",
) -> int:
    """Save one rater's scores for several touchpoints (or ideas) at once; return how many were saved.

    ``scores`` maps touchpoint key (or idea id, with ``subject="idea"``) →
    ``{"desirable", "viable", "feasible", "comment"}``. Each replaces only this
    rater's earlier scores of that touchpoint or idea. All or nothing.
    """
    table, key_column, rating_column = _subject(subject)
    rater = _checked_name("rater", rater, MAX_RATER)
    discipline = _checked_name("discipline", discipline, MAX_DISCIPLINE)
    checked = {key: _checked(str(key), values) for key, values in scores.items()}
    for attempt in range(2):  # a second try covers the same rater saving twice at once
        try:
            with write_transaction(session):
                stale = {"metrics_version": 0} if subject == "touchpoint" else {}  # its figures depend on them
                count_change(session, journey_id, **stale)
                ids = dict(
                    session.execute(
                        select(key_column, table.id).where(
                            table.journey_id == journey_id, key_column.in_(list(checked))
                        )
                    ).all()
                )
                unknown = sorted(str(k) for k in set(checked) - set(ids))
                if unknown:
                    raise JourneyNotFound(f"journey {journey_id!r} has no {subject} {', '.join(unknown)}")
                existing = dict(
                    session.execute(
                        select(rating_column, Rating.id).where(
                            rating_column.in_(list(ids.values())), Rating.rater == rater
                        )
                    ).all()
                )
                now = utcnow()
                new_rows = []
                for key, score in checked.items():
                    values = {**score.__dict__, "discipline": discipline, "updated_at": now}
                    if ids[key] in existing:
                        session.execute(update(Rating).where(Rating.id == existing[ids[key]]).values(**values))
                    else:
                        new_rows.append({rating_column.key: ids[key], "rater": rater, **values})
                if new_rows:
                    session.execute(insert(Rating), new_rows)
            log.info("saved %d %s rating(s) of journey %s by %r", len(checked), subject, journey_id, rater)
            return len(checked)
        except IntegrityError:
            if attempt:
                raise
    return 0


def list_ratings(*, session: Session, journey_id: str, subject: str = "touchpoint") -> list[dict]:
    """Return every rating of the journey's touchpoints (or ideas) as plain dicts, by subject and rater.

    Each dict names what it rates under the key ``subject`` (``"touchpoint"``: its key;
    ``"idea"``: its id), as :func:`journeys.analysis.scoring.consensus` expects with ``by=subject``.
    """
    table, key_column, rating_column = _subject(subject)
    order = Touchpoint.position if subject == "touchpoint" else Idea.id
    rows = session.execute(
        select(key_column, Rating)
        .join(Rating, rating_column == table.id)
        .where(table.journey_id == journey_id)
        .order_by(order, Rating.rater)
    ).all()
    result = [
        {
            subject: key,
            "rater": r.rater,
            "discipline": r.discipline,
            **{lens: getattr(r, lens) for lens in LENSES},
            "comment": r.comment,
            "updated_at": r.updated_at,
        }
        for key, r in rows
    ]
    session.rollback()
    return result


@retry_when_busy
def delete_rating(*, session: Session, journey_id: str, key, rater: str, subject: str = "touchpoint") -> None:
    """Remove one rater's scores of the touchpoint ``key`` (or, with ``subject="idea"``, of the idea ``key``)."""
    table, key_column, rating_column = _subject(subject)
    with write_transaction(session):
        count_change(session, journey_id, **({"metrics_version": 0} if subject == "touchpoint" else {}))
        target = select(table.id).where(table.journey_id == journey_id, key_column == key)
        session.execute(delete(Rating).where(rating_column.in_(target.scalar_subquery()), Rating.rater == rater))


@retry_when_busy
def refresh_metrics(*, session: Session, journey_id: str) -> None:
    """Recompute the stored figures of one journey from its graph and ratings.

    Where customers are trapped in a closed loop (no finite flow), every touchpoint
    counts with a flow of 1 until the loop gets a way out. The journey and its ratings
    are read before the write transaction; when someone saves or rates it in between
    (its change count moved on), they are read again (and when that keeps happening, its
    figures stay stale for the next reader to recompute).
    """
    for _ in range(REFRESH_TRIES):
        changes = _change_count(session, journey_id)  # before reading: a write after it is noticed below
        graph, version = load_journey(session=session, journey_id=journey_id)
        scores = consensus(list_ratings(session=session, journey_id=journey_id))
        try:
            visits = flow(graph).visits
        except FlowError:
            visits = dict.fromkeys(graph, 1.0)
        with write_transaction(session):
            # one refresh of a journey at a time: on PostgreSQL two readers refreshing at once would
            # otherwise both delete the old figures and both insert new ones (duplicate key)
            current = session.execute(
                select(Journey.version, Journey.change_count).where(Journey.id == journey_id).with_for_update()
            ).first()
            if current is None or tuple(current) != (version, changes):  # saved, rated or deleted since it was read
                continue
            _write_metrics(session, journey_id, graph, scores, visits)
            session.execute(update(Journey).where(Journey.id == journey_id).values(metrics_version=version))
            return


def _change_count(session: Session, journey_id: str) -> int | None:
    count = session.execute(select(Journey.change_count).where(Journey.id == journey_id)).scalar_one_or_none()
    session.rollback()
    return count


def _write_metrics(session: Session, journey_id: str, graph, scores: dict, visits: dict) -> None:
    ids = dict(session.execute(select(Touchpoint.key, Touchpoint.id).where(Touchpoint.journey_id == journey_id)).all())
    session.execute(delete(TouchpointMetric).where(TouchpointMetric.journey_id == journey_id))
    rows = []
    for key, data in graph.nodes(data=True):
        lens = {name: scores.get(key, {}).get(name, {}).get("median") for name in LENSES}
        rows.append(
            {
                "touchpoint_id": ids[key],
                "journey_id": journey_id,
                "flow": visits.get(key, 0.0),
                **{f"c_{k}": v for k, v in components(data, lens).items()},
                **lens,
                "raters": max((s["n"] for s in scores.get(key, {}).values()), default=0),
            }
        )
    if rows:
        session.execute(insert(TouchpointMetric), rows)


def refresh_stale_metrics(*, session: Session) -> list[str]:
    """Recompute the figures of every journey saved or re-rated since; return their ids."""
    stale = (
        session.execute(
            select(Journey.id).where(Journey.deleted_at.is_(None), Journey.metrics_version != Journey.version)
        )
        .scalars()
        .all()
    )
    session.rollback()
    for journey_id in stale:
        refresh_metrics(session=session, journey_id=journey_id)
    return list(stale)


def _severity(weights: Weights):
    M, total = TouchpointMetric, weights.dvf + weights.gap + weights.pain + weights.emotion
    return (
        (weights.dvf * M.c_dvf + weights.gap * M.c_gap + weights.pain * M.c_pain + weights.emotion * M.c_emotion)
        / total
        * (1 + weights.moment_of_truth * case((Touchpoint.moment_of_truth, 1.0), else_=0.0))
    )


def _filtered(query, *, persona=None, channel=None, owner=None, state=None):
    """Join the metric rows to their touchpoint, stage and live journey, and apply the filters."""
    query = (
        query.select_from(TouchpointMetric)
        .join(Touchpoint, Touchpoint.id == TouchpointMetric.touchpoint_id)
        .join(Stage, Stage.id == Touchpoint.stage_id)
        .join(Journey, Journey.id == TouchpointMetric.journey_id)
        .where(Journey.deleted_at.is_(None))
    )
    if persona:
        query = query.where(
            exists(
                select(literal(1))
                .select_from(TouchpointPersona)
                .join(Persona, Persona.id == TouchpointPersona.persona_id)
                .where(TouchpointPersona.touchpoint_id == Touchpoint.id, Persona.name == persona)
            )
        )
    for column, value in ((Touchpoint.channel, channel), (Touchpoint.owner, owner), (Journey.state, state)):
        if value:
            query = query.where(column == value)
    return query


def portfolio(
    *,
    session: Session,
    rows: str = "journey",
    columns: str = "stage",
    weights: Weights | None = None,
    **filters,
) -> pd.DataFrame:
    """Return weakness summed per (rows, columns) group over all journeys, in one SQL query.

    ``rows`` and ``columns`` are each one of :data:`GROUPINGS`. Filters (keywords):
    ``persona`` (a persona name), ``channel``, ``owner``, ``state``. The frame has the
    group labels, ``weakness``, ``flow``, ``touchpoints``, ``stage_order`` and, for the
    journey grouping, ``journey_id``.
    """
    for grouping in (rows, columns):
        if grouping not in GROUPINGS:
            raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {grouping!r}")
    refresh_stale_metrics(session=session)
    M = TouchpointMetric
    label = {
        "journey": Journey.name.label("journey"),
        "stage": Stage.name.label("stage"),
        "channel": Touchpoint.channel.label("channel"),
        "owner": Touchpoint.owner.label("owner"),
    }
    group = [label[rows], label[columns]]
    extra = [Journey.id.label("journey_id")] if "journey" in (rows, columns) else []
    query = select(
        *group,
        *extra,
        func.sum(_severity(weights or Weights()) * M.flow).label("weakness"),
        func.sum(M.flow).label("flow"),
        func.count().label("touchpoints"),
        func.min(Stage.position).label("stage_order"),
    )
    query = _filtered(query, **filters).group_by(*group, *extra)
    frame = pd.DataFrame(session.execute(query).mappings().all())
    session.rollback()
    if frame.empty:
        return pd.DataFrame(columns=[rows, columns, "weakness", "flow", "touchpoints", "stage_order"])
    return frame.sort_values(["stage_order", "weakness"], ascending=[True, False], kind="stable").reset_index(drop=True)


def weakest_across(*, session: Session, top: int = 10, weights: Weights | None = None, **filters) -> pd.DataFrame:
    """Return the ``top`` weakest touchpoints of all journeys, worst first, with why (SQL, then ranked).

    ``why`` is the trouble component that adds the most (see docs/scoring.md).
    """
    refresh_stale_metrics(session=session)
    w = weights or Weights()
    M = TouchpointMetric
    weakness = (_severity(w) * M.flow).label("weakness")
    query = select(
        Journey.id.label("journey_id"),
        Journey.name.label("journey"),
        Touchpoint.key.label("touchpoint"),
        Touchpoint.name.label("name"),
        Stage.name.label("stage"),
        Touchpoint.channel,
        Touchpoint.owner,
        Touchpoint.moment_of_truth,
        M.flow,
        M.c_dvf,
        M.c_gap,
        M.c_pain,
        M.c_emotion,
        weakness,
    )
    query = _filtered(query, **filters).order_by(weakness.desc()).limit(top)
    frame = pd.DataFrame(session.execute(query).mappings().all())
    session.rollback()
    if frame.empty:
        return frame
    parts = frame[["c_dvf", "c_gap", "c_pain", "c_emotion"]] * [w.dvf, w.gap, w.pain, w.emotion]
    frame["why"] = parts.idxmax(axis=1).str.removeprefix("c_").where(frame["weakness"] > 0, "")
    return frame


def filter_options(*, session: Session) -> dict[str, list[str]]:
    """Return the persona names, channels and owners that occur, for the portfolio's filters."""
    live = select(Journey.id).where(Journey.deleted_at.is_(None))
    options = {
        "persona": session.execute(select(Persona.name).where(Persona.journey_id.in_(live)).distinct()).scalars().all(),
        "channel": session.execute(select(Touchpoint.channel).where(Touchpoint.journey_id.in_(live)).distinct())
        .scalars()
        .all(),
        "owner": session.execute(select(Touchpoint.owner).where(Touchpoint.journey_id.in_(live)).distinct())
        .scalars()
        .all(),
    }
    session.rollback()
    return {k: sorted(v for v in values if v) for k, values in options.items()}


_PORTFOLIO_STAMP = (
    select(Journey.id, Journey.lifetime, Journey.change_count).where(Journey.deleted_at.is_(None)).order_by(Journey.id)
)  # built once: it runs on every rerun of the Portfolio page


def portfolio_stamp(*, session: Session) -> str:
    """What the portfolio figures depend on, read from the database alone: changes whenever a journey or a rating does.

    Each live journey with its lifetime and change count (:class:`store.repository.JourneyStamp`):
    a save, rename, import, trash or restore of a journey and every new, changed or deleted
    rating changes it, whichever process wrote it and whatever its clock says, so caches keyed
    by it are never stale. One small row per journey, summed up in one short string.
    """
    rows = session.connection().execute(_PORTFOLIO_STAMP).all()
    session.rollback()
    digest = hashlib.blake2b(repr([tuple(row) for row in rows]).encode(), digest_size=16).hexdigest()
    return f"{len(rows)}|{digest}"  # one short string: the cheapest cache key to hash on every rerun
