"""What a journey's presentation deck and poster show, read from the database in one place.

The Export page and the command line hand :func:`deck_inputs` a session and a journey id and get
back everything :func:`journeys.io.deck.deck_slides` needs: the journey, its weakness table, its
ranked ideas, the comparison with its to-be (or, for a to-be, with the journey it was made from),
and the team, the people who saved or rated it.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd
from sqlmodel import Session

from journeys.analysis.comparison import Comparison, compare
from journeys.analysis.ideas import ranked_ideas
from journeys.analysis.scoring import consensus
from journeys.io.exports import touchpoint_scores
from store.analysis import list_ratings
from store.ideas import list_ideas
from store.repository import list_journeys, list_revisions, load_journey

__all__ = ["DeckInputs", "deck_inputs", "pair"]


@dataclass(frozen=True)
class DeckInputs:
    """A journey's ``graph``, weakness ``table``, ranked ``ideas``, the as-is → to-be ``comparison`` (or None)
    and the ``team``; :meth:`slides_kwargs` are the keywords of :func:`journeys.io.deck.deck_slides`."""

    graph: nx.DiGraph
    table: pd.DataFrame
    ideas: pd.DataFrame
    comparison: Comparison | None
    team: tuple[str, ...]

    def slides_kwargs(self) -> dict:
        return {"ideas": self.ideas, "comparison": self.comparison, "team": list(self.team)}


def pair(*, session: Session, journey_id: str) -> tuple[str | None, str | None]:
    """Return the (as-is, to-be) ids that Compare sets side by side first for ``journey_id``, or Nones.

    An as-is is set against its newest to-be (a journey whose source it is); a to-be against its source.
    """
    journeys = {j.id: j for j in list_journeys(session=session)}
    this = journeys.get(journey_id)
    if this is None:
        return None, None
    if this.state == "as-is":
        to_be = [k for k, j in journeys.items() if j.source_id == journey_id and k != journey_id]
        return (journey_id, to_be[-1]) if to_be else (None, None)
    return (this.source_id, journey_id) if this.source_id in journeys else (None, None)


def deck_inputs(*, session: Session, journey_id: str) -> DeckInputs:
    """Read journey ``journey_id`` with its ratings, ideas, revisions and its to-be (see :func:`pair`)."""
    G, _ = load_journey(session=session, journey_id=journey_id)
    ratings = list_ratings(session=session, journey_id=journey_id)
    scores = consensus(ratings)
    table = touchpoint_scores(G, scores)
    weakness = table["weakness"].to_dict() if not table.empty else {}
    idea_ratings = list_ratings(session=session, journey_id=journey_id, subject="idea")
    ideas = ranked_ideas(list_ideas(session=session, journey_id=journey_id), idea_ratings, weakness)
    authors = [r.author for r in reversed(list_revisions(session=session, journey_id=journey_id))]
    team = tuple(dict.fromkeys(n for n in [*authors, *(r["rater"] for r in ratings)] if n and n.strip()))
    before, after = pair(session=session, journey_id=journey_id)
    comparison = None
    if before and after:
        graphs = {k: G if k == journey_id else load_journey(session=session, journey_id=k)[0] for k in (before, after)}
        other = after if before == journey_id else before
        other_scores = consensus(list_ratings(session=session, journey_id=other))
        by_id = {journey_id: scores, other: other_scores}
        comparison = compare(graphs[before], graphs[after], before_scores=by_id[before], after_scores=by_id[after])
    return DeckInputs(G, table, ideas, comparison, team)
