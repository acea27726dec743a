"""Measured customer experience: imported surveys and their aggregates per touchpoint.

A survey is stored whole or not at all: its overall rating in ``survey``, one
``measurement`` per touchpoint it asked about. Earlier surveys stay, so every
touchpoint has a trend. The aggregation itself happens in :mod:`journeys.io.survey_file`.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from journeys.analysis.survey import SCALES, Aggregate, SurveySummary
from store.models import Journey, Measurement, Survey, Touchpoint, utcnow
from store.repository import JourneyNotFound, retry_when_busy, write_transaction

__all__ = ["SurveyRefused", "save_survey", "list_surveys", "list_measurements", "delete_survey", "MEASUREMENT_COLUMNS"]

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


class SurveyRefused(ValueError):
    """Raised when a survey summary cannot be stored as it is (nothing is stored)."""


def _check(name: str, aggregate: Aggregate) -> None:
    if aggregate.scale not in SCALES:
        raise SurveyRefused(f"{name}: unknown scale {aggregate.scale!r}")
    lo, hi = SCALES[aggregate.scale]
    numbers = {"mean": aggregate.mean, "top2": aggregate.top2}
    if any(not isinstance(v, int | float) or not math.isfinite(v) for v in numbers.values()):
        raise SurveyRefused(f"{name}: mean and top-2 share must be finite numbers")
    if not lo <= aggregate.mean <= hi or not 0 <= aggregate.top2 <= 1 or aggregate.n < 1:
        raise SurveyRefused(f"{name}: mean {aggregate.mean} outside {lo}..{hi}, or no answers")


@retry_when_busy
def save_survey(*, session: Session, journey_id: str, summary: SurveySummary, author: str) -> int:
    """Store one survey's aggregates as the touchpoints' measured experience; return the survey's id.

    All or nothing: a touchpoint the journey no longer has refuses the whole survey.
    """
    if not summary.name.strip():
        raise SurveyRefused("a survey needs a name")
    if not summary.touchpoints:
        raise SurveyRefused("the survey rates no touchpoint")
    for key, aggregate in summary.touchpoints.items():
        _check(key, aggregate)
    if summary.overall is not None:
        _check("overall", summary.overall)
    with write_transaction(session):
        journey = session.get(Journey, journey_id)
        if journey is None or journey.deleted_at is not None:
            raise JourneyNotFound(f"no journey with id {journey_id!r}")
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
        session.execute(delete(Survey).where(Survey.id == survey_id))
