"""Measured customer experience: imported surveys and their aggregates per touchpoint.

A survey is stored whole or not at all: its overall rating in ``survey``, one
``measurement`` per touchpoint it asked about. Earlier surveys stay, so every
touchpoint has a trend. The aggregation itself happens in :mod:`journeys.io.survey_file`.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from journeys.analysis.survey import SCALES, Aggregate, SurveySummary
from journeys.io.survey_file import MAX_NAME, SurveyInvalid
from journeys.model.text import bad_character, brief, escaped, first_bad, fits_float
from store.models import Journey, Measurement, Survey, Touchpoint, utcnow
from store.repository import JourneyNotFound, count_change, retry_when_busy, write_transaction

log = logging.getLogger(__name__)

__all__ = [
    "SurveyRefused",
    "check_summary",
    "save_survey",
    "list_surveys",
    "list_measurements",
    "delete_survey",
    "MEASUREMENT_COLUMNS",
]

MEASUREMENT_COLUMNS = [
    "survey_id",
    "survey",
    "surveyed_on",
    "touchpoint",
    "scale",
    "mean",
    "top2",
    "n",
    "nps",
    "importance",
    "importance_n",
]


MAX_INT = 2**31 - 1  # an INTEGER column


class SurveyRefused(SurveyInvalid):
    """Raised when a survey summary cannot be stored as it is (nothing is stored); ``text(lang)`` says why."""


def _number(what: str, field: str, value, lo, hi, *, integer: bool = False, optional: bool = False) -> None:
    if value is None and optional:
        return
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not fits_float(value) or not lo <= value <= hi:
        raise SurveyRefused("aggregate", what=escaped(what), field=field, value=brief(value), lo=lo, hi=hi)


def _check(what: str, aggregate: Aggregate, responses: int) -> None:
    if not isinstance(aggregate, Aggregate):
        raise SurveyRefused("aggregate", what=escaped(what), field="", value=brief(aggregate), lo="", hi="")
    if not isinstance(aggregate.scale, str) or aggregate.scale not in SCALES:
        raise SurveyRefused("aggregate_scale", what=escaped(what), scale=brief(aggregate.scale))
    lo, hi = SCALES[aggregate.scale]
    _number(what, "mean", aggregate.mean, lo, hi)
    _number(what, "top2", aggregate.top2, 0, 1)
    _number(what, "n", aggregate.n, 1, responses, integer=True)  # answers to this question, of all responses
    _number(what, "nps", aggregate.nps, -100, 100, optional=True)
    _number(what, "importance", aggregate.importance, -1, 1, optional=True)
    _number(what, "importance_n", aggregate.importance_n, 0, responses, integer=True)


def check_summary(summary: SurveySummary, *, require_touchpoints: bool = True) -> None:
    """Raise :class:`SurveyRefused` unless ``summary`` is a survey the store holds as it is.

    Its name is a short text of at most 200 characters, its date a date, every count a whole
    number within what the database holds and every aggregate within its scale. It rates a
    touchpoint at least (unless not ``require_touchpoints``: a stored survey whose touchpoints
    were all deleted since keeps no measurement).
    """
    name = summary.name.strip() if isinstance(summary.name, str) else ""
    if not name or len(name) > MAX_NAME:
        raise SurveyRefused("name", max=MAX_NAME)
    if bad_character(name):
        raise SurveyRefused("name_characters", char=first_bad(name))
    if not isinstance(summary.surveyed_on, date):
        raise SurveyRefused("date", value=brief(summary.surveyed_on))
    _number(name, "responses", summary.responses, 1, MAX_INT, integer=True)
    rows = summary.skipped_rows
    if not isinstance(rows, list | tuple) or not all(type(r) is int and 1 <= r <= MAX_INT for r in rows):
        raise SurveyRefused("skipped_rows")
    if not isinstance(summary.touchpoints, dict) or (require_touchpoints and not summary.touchpoints):
        raise SurveyRefused("no_answers")
    if not all(isinstance(key, str) for key in summary.touchpoints):
        raise SurveyRefused("touchpoints")
    for key, aggregate in summary.touchpoints.items():
        _check(key, aggregate, summary.responses)
    if summary.overall is not None:
        _check("overall", summary.overall, summary.responses)


@retry_when_busy
def save_survey(*, session: Session, journey_id: str, summary: SurveySummary, author: str) -> int:
    """Store one survey's aggregates as the touchpoints' measured experience; return the survey's id.

    All or nothing: a touchpoint the journey no longer has refuses the whole survey, and so does
    anything :func:`check_summary` refuses.
    """
    check_summary(summary)
    with write_transaction(session):
        journey = session.get(Journey, journey_id)
        if journey is None or journey.deleted_at is not None:
            raise JourneyNotFound(f"no journey with id {journey_id!r}")
        count_change(session, journey_id)
        ids = dict(
            session.execute(
                select(Touchpoint.key, Touchpoint.id).where(
                    Touchpoint.journey_id == journey_id, Touchpoint.key.in_(list(summary.touchpoints))
                )
            ).all()
        )
        unknown = sorted(set(summary.touchpoints) - set(ids))
        if unknown:
            raise JourneyNotFound(f"journey {journey_id!r} has no touchpoint {', '.join(unknown)}")
        overall = summary.overall
        survey = Survey(
            journey_id=journey_id,
            name=summary.name.strip(),
            surveyed_on=summary.surveyed_on,
            responses=summary.responses,
            skipped_rows=list(summary.skipped_rows),
            overall_scale=overall.scale if overall else None,
            overall_mean=overall.mean if overall else None,
            overall_top2=overall.top2 if overall else None,
            overall_n=overall.n if overall else None,
            overall_nps=overall.nps if overall else None,
            imported_at=utcnow(),
            imported_by=author,
        )
        session.add(survey)
        session.flush()
        survey_id = survey.id
        fields = ("scale", "mean", "top2", "n", "nps", "importance", "importance_n")
        session.execute(
            insert(Measurement),
            [
                {
                    "survey_id": survey_id,
                    "touchpoint_id": ids[key],
                    **{f: getattr(aggregate, f) for f in fields},
                }
                for key, aggregate in summary.touchpoints.items()
            ],
        )
    log.info(
        "imported survey %d %r into journey %s: %d responses, %d touchpoints, by %r",
        survey_id, summary.name.strip(), journey_id, summary.responses, len(summary.touchpoints), author,
    )  # fmt: skip
    return survey_id


def list_surveys(*, session: Session, journey_id: str) -> list[dict]:
    """Return the surveys of a journey, the latest survey date first.

    Each: ``id, name, surveyed_on, responses, skipped_rows, skipped, overall`` (the
    overall :class:`~journeys.analysis.survey.Aggregate` as a dict, or None), ``touchpoints``
    (how many were measured), ``imported_at, imported_by``.
    """
    rows = (
        session.execute(
            select(Survey).where(Survey.journey_id == journey_id).order_by(Survey.surveyed_on.desc(), Survey.id.desc())
        )
        .scalars()
        .all()
    )
    counts = dict(
        session.execute(
            select(Measurement.survey_id, func.count())
            .join(Survey, Survey.id == Measurement.survey_id)
            .where(Survey.journey_id == journey_id)
            .group_by(Measurement.survey_id)
        ).all()
    )
    result = []
    for s in rows:
        overall = None
        if s.overall_scale is not None:
            overall = dataclasses.asdict(
                Aggregate(
                    scale=s.overall_scale, mean=s.overall_mean, top2=s.overall_top2, n=s.overall_n, nps=s.overall_nps
                )
            )
        result.append(
            {
                "id": s.id,
                "name": s.name,
                "surveyed_on": s.surveyed_on,
                "responses": s.responses,
                "skipped_rows": list(s.skipped_rows),
                "skipped": len(s.skipped_rows),
                "overall": overall,
                "touchpoints": counts.get(s.id, 0),
                "imported_at": s.imported_at,
                "imported_by": s.imported_by,
            }
        )
    session.rollback()
    return result


def list_measurements(*, session: Session, journey_id: str) -> pd.DataFrame:
    """Return every measurement of the journey: one row per survey × touchpoint, oldest survey first."""
    rows = session.execute(
        select(
            Survey.id,
            Survey.name,
            Survey.surveyed_on,
            Touchpoint.key,
            Measurement.scale,
            Measurement.mean,
            Measurement.top2,
            Measurement.n,
            Measurement.nps,
            Measurement.importance,
            Measurement.importance_n,
        )
        .join(Measurement, Measurement.survey_id == Survey.id)
        .join(Touchpoint, Touchpoint.id == Measurement.touchpoint_id)
        .where(Survey.journey_id == journey_id)
        .order_by(Survey.surveyed_on, Survey.id, Touchpoint.position)
    ).all()
    session.rollback()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=MEASUREMENT_COLUMNS)
    return frame.astype({"nps": "float64", "importance": "float64", "mean": "float64", "top2": "float64"})


@retry_when_busy
def delete_survey(*, session: Session, survey_id: int) -> None:
    """Remove one survey with its measurements (the others, and so the trend, stay)."""
    with write_transaction(session):
        journey_id = session.execute(select(Survey.journey_id).where(Survey.id == survey_id)).scalar_one_or_none()
        if journey_id is not None:
            count_change(session, journey_id)
        session.execute(delete(Survey).where(Survey.id == survey_id))
