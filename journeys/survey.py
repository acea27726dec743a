"""Survey results: customers' ratings per touchpoint, aggregated into the touchpoint's measured experience.

The data types below are what :mod:`store.surveys` stores.
"""

from __future__ import annotations

import dataclasses
from datetime import date

__all__ = ["SCALES", "Aggregate", "SurveySummary"]

# scale -> (lowest, highest answer); CSAT 1–5, customer effort (CES) 1 = hard … 7 = easy, NPS 0–10
SCALES = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}


@dataclasses.dataclass(frozen=True)
class Aggregate:
    """The answers to one question (a touchpoint's rating, or the overall rating)."""

    scale: str
    mean: float
    top2: float  # share of answers in the two best boxes (CSAT 4–5, CES 6–7, NPS 9–10), 0..1
    n: int  # answers counted
    nps: float | None = None  # % promoters − % detractors, for the 0–10 scale only
    importance: float | None = None  # driver strength: how this rating moves the overall one
    importance_n: int = 0  # responses with both this rating and the overall one


@dataclasses.dataclass(frozen=True)
class SurveySummary:
    """One imported survey: its name, date and the aggregates per touchpoint."""

    name: str
    surveyed_on: date
    responses: int
    touchpoints: dict[str, Aggregate]
    overall: Aggregate | None = None
    skipped_rows: tuple[int, ...] = ()
