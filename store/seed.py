"""The demo journeys (with their workshop scores) that an empty database starts with."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from journeys.scoring import LENSES
from journeys.templates import DEMO_RATINGS, TEMPLATES
from store.analysis import save_ratings
from store.models import Journey
from store.repository import create_journey

__all__ = ["seed_demo_journeys"]


def seed_demo_journeys(*, session: Session, author: str = "demo") -> list[str]:
    """Store the demo journeys and their scores when the database holds no journey at all.

    Returns the new journeys' ids (none when there was anything, even in the trash).
    """
    if session.execute(select(func.count()).select_from(Journey)).scalar_one():
        session.rollback()
        return []
    session.rollback()
    ids = []
    for name, make in TEMPLATES.items():
        journey_id = create_journey(session=session, graph=make(), author=author)
        for rater, discipline, scores in DEMO_RATINGS.get(name, []):
            save_ratings(
                session=session,
                journey_id=journey_id,
                rater=rater,
                discipline=discipline,
                scores={key: dict(zip(LENSES, values, strict=True)) for key, values in scores.items()},
            )
        ids.append(journey_id)
    return ids
