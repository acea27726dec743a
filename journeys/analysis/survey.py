"""Measured experience: the aggregates of a survey's answers, and which touchpoints drive the overall rating.

The method is in docs/surveys.md; :mod:`journeys.io.survey_file` reads a file into these.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd

__all__ = ["SCALES", "TOP2", "OVERALL", "MIN_PAIRS", "Aggregate", "SurveySummary", "aggregate", "drivers", "rescaled"]

# scale -> (lowest, highest answer); CSAT 1–5, customer effort (CES) 1 = hard … 7 = easy, NPS 0–10
SCALES = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}
TOP2 = {"csat": 4, "ces": 6, "nps": 9}  # the lowest answer in the two best boxes
OVERALL = "overall"  # the target of the overall rating's column
MIN_PAIRS = 10  # fewer responses with both ratings give no driver importance


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


def aggregate(values, scale: str, *, importance: float | None = None, importance_n: int = 0) -> Aggregate:
    """Mean, top-2-box share, count and (0–10 scale) NPS of the answers ``values`` (NaN left out).

    Examples
    --------
    >>> a = aggregate([10, 9, 8, 7, 6, 0], "nps")
    >>> a.mean, round(a.top2, 3), a.n, round(a.nps, 1)
    (6.666666666666667, 0.333, 6, 0.0)
    >>> aggregate([5, 4, 2, float("nan")], "csat").top2
    0.6666666666666666
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if not len(x):
        raise ValueError("no answers to aggregate")
    nps = 100 * (np.mean(x >= 9) - np.mean(x <= 6)) if scale == "nps" else None
    return Aggregate(
        scale=scale, mean=float(x.mean()), top2=float(np.mean(x >= TOP2[scale])), n=len(x),
        nps=None if nps is None else float(nps), importance=importance, importance_n=importance_n,
    )  # fmt: skip


def drivers(ratings: pd.DataFrame, overall: pd.Series, *, min_pairs: int = MIN_PAIRS) -> dict:
    """Return ``{column: (importance, pairs)}``: the Spearman rank correlation of each column
    with ``overall`` over the responses that have both, or None below ``min_pairs`` such
    responses or when either side does not vary.

    Examples
    --------
    >>> overall = pd.Series([1, 2, 3, 4, 5] * 3, dtype=float)
    >>> frame = pd.DataFrame({"same": overall, "reverse": 6 - overall, "flat": [3.0] * 15})
    >>> drivers(frame, overall)
    {'same': (1.0, 15), 'reverse': (-1.0, 15), 'flat': (None, 15)}
    """
    from scipy.stats import spearmanr  # scipy.stats takes a second to import: only when a survey is read

    result = {}
    for column in ratings.columns:
        both = ratings[column].notna() & overall.notna()
        x, y, n = ratings.loc[both, column], overall[both], int(both.sum())
        if n < min_pairs or x.nunique() < 2 or y.nunique() < 2:
            result[column] = (None, n)
        else:
            result[column] = (round(float(spearmanr(x, y).statistic), 12), n)
    return result


def rescaled(mean: float, scale: str) -> float:
    """A mean on ``scale`` moved linearly onto 1–5, to compare it with the team's scores.

    >>> rescaled(7, "ces"), rescaled(5, "nps"), rescaled(4, "csat")
    (5.0, 3.0, 4.0)
    """
    lo, hi = SCALES[scale]
    return 1 + 4 * (mean - lo) / (hi - lo)
