"""The demo journeys (with their workshop scores) that an empty database starts with."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from journeys.analysis.scoring import LENSES
from journeys.demo import DEMO_IDEA_RATERS, DEMO_IDEAS, DEMO_RATINGS, DEMO_SURVEYS, broadband_to_be, survey_csv
from journeys.model.templates import TEMPLATES
from store.analysis import save_ratings
from store.ideas import create_idea
from store.models import Journey
from store.repository import create_journey, duplicate_journey, load_journey, save_journey
from store.surveys import save_survey

__all__ = ["seed_demo_journeys"]


def seed_demo_journeys(*, session: Session, author: str = "demo") -> list[str]:
    """Store the demo journeys, their scores and ideas, when the database holds no journey at all.

    The broadband journey also gets its to-be (the chosen ideas in place), for Compare.
    Returns the new journeys' ids, the as-is ones first in template order, the to-be
    last (none when there was anything, even in the trash).
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
        _seed_ideas(session, journey_id, DEMO_IDEAS.get(name, []), author)
        ids.append(journey_id)
    for name, journey_id in zip(TEMPLATES, ids, strict=True):
        _seed_surveys(session, journey_id, DEMO_SURVEYS.get(name, []), author)
    return [*ids, _seed_to_be(session, ids[0], author)]


def _seed_ideas(session: Session, journey_id: str, ideas: list[tuple], author: str) -> None:
    graph, _ = load_journey(session=session, journey_id=journey_id)
    for title, description, owner, status, effort, targets, scores in ideas:
        pains = {key: [graph.nodes[key]["pains"][i]["text"] for i in indexes] for key, indexes in targets.items()}
        idea = {"title": title, "description": description, "owner": owner, "status": status, "effort": effort}
        idea_id = create_idea(session=session, journey_id=journey_id, idea=idea | {"targets": pains}, author=author)
        for (rater, discipline), values in zip(DEMO_IDEA_RATERS, scores, strict=True):
            save_ratings(
                session=session,
                journey_id=journey_id,
                rater=rater,
                discipline=discipline,
                scores={idea_id: dict(zip(LENSES, values, strict=True))},
                subject="idea",
            )


def _seed_to_be(session: Session, journey_id: str, author: str) -> str:
    """The broadband to-be: a copy with the chosen ideas in place, the changed touchpoints re-scored."""
    graph, version = load_journey(session=session, journey_id=journey_id)
    name = graph.graph["name"]
    copy_id = duplicate_journey(session=session, journey_id=journey_id, author=author, name=name, state="to-be")
    graph, version = load_journey(session=session, journey_id=copy_id)
    save_journey(session=session, graph=broadband_to_be(graph), expected_version=version, author=author)
    for rater, discipline, scores in DEMO_RATINGS["broadband"]:
        changed = {
            key: dict(zip(LENSES, (max(4, scores[key][0]), *scores[key][1:]), strict=True))
            for key in ("install-router", "hotline")
            if key in scores
        }
        if changed:
            save_ratings(session=session, journey_id=copy_id, rater=rater, discipline=discipline, scores=changed)
    return copy_id


def _seed_surveys(session: Session, journey_id: str, surveys: list[tuple], author: str) -> None:
    """The journey's customer surveys, read and aggregated as an uploaded file would be."""
    if not surveys:
        return
    # only an empty database needs it; the survey reader costs every start a quarter second
    from journeys.io import survey_file

    graph, _ = load_journey(session=session, journey_id=journey_id)
    for name, surveyed_on, file in surveys:
        answers = survey_file.responses(survey_file.read_csv(survey_csv(file)), graph)
        mapping = survey_file.suggest_mapping(answers, graph)
        summary = survey_file.summarize(answers, mapping, graph, name=name, surveyed_on=surveyed_on)
        save_survey(session=session, journey_id=journey_id, summary=summary, author=author)
