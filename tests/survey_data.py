"""Survey files for the tests: responses drawn at random around a known truth.

``make_responses`` draws ratings per question and an overall rating that is determined by
the weighted questions (the drivers) plus noise; ``to_csv`` / ``to_long_csv`` write them as a
spreadsheet would (comma or semicolon, decimal comma, BOM, cp1252). Same seed, same file.
``broadband_survey(seed=11, hotline=2.1)`` and ``(seed=12, hotline=3.7)`` drew the demo's two
survey files (``journeys/demo/*.csv``).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from journeys.analysis.survey import SCALES

__all__ = [
    "Question",
    "make_responses",
    "to_csv",
    "to_long_csv",
    "BROADBAND",
    "broadband_survey",
]

# header -> (touchpoint key, scale, mean answer, share of customers who answer it)
Question = tuple[str, str, float, float]

BROADBAND = {
    "Order online": ("online-order", "csat", 4.1, 0.9),
    "Router delivered": ("router-delivery", "csat", 4.3, 0.95),
    "Set up the router: how easy? (1-7)": ("install-router", "ces", 4.6, 0.95),
    "Daily use at home": ("daily-use", "csat", 3.9, 1.0),
    "Call the hotline": ("hotline", "csat", 2.1, 0.45),
    "Router fixed remotely": ("remote-fix", "csat", 3.6, 0.25),
}


def make_responses(
    questions: dict[str, Question],
    *,
    n: int = 300,
    drivers: dict[str, float],
    overall: str = "Likelihood to recommend (0-10)",
    overall_scale: str = "nps",
    noise: float = 0.08,
    offset: float = 0.0,
    halo: float = 0.0,
    seed: int = 0,
    start: date = date(2025, 3, 3),
) -> pd.DataFrame:
    """``n`` responses: an id, a date, the questions' ratings and the overall rating.

    The overall rating is ``Σ weight × (rating on 0..1)`` over the ``drivers`` (headers, with
    their weights; a missing answer counts as the middle), plus ``offset`` and normal noise of
    ``noise`` (on 0..1), put onto ``overall_scale``. The other questions have nothing to do with
    it, except through ``halo``: a customer's general mood, shifting all their ratings alike
    (in standard deviations), as in real surveys.
    """
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "response_id": [f"R{seed:02d}-{i:04d}" for i in range(1, n + 1)],
            "date": [start + timedelta(days=int(d)) for d in rng.integers(0, 21, n)],
        }
    )
    unit, mood = {}, rng.normal(0, halo, n)
    for header, (_, scale, mean, answered) in questions.items():
        lo, hi = SCALES[scale]
        ratings = np.clip(np.round(mean + (hi - lo) / 4 * (mood + rng.normal(0, 1, n))), lo, hi)
        ratings[rng.random(n) > answered] = np.nan
        frame[header] = ratings
        unit[header] = np.nan_to_num((ratings - lo) / (hi - lo), nan=0.5)
    total = sum(weight * unit[h] for h, weight in drivers.items()) / sum(drivers.values())
    lo, hi = SCALES[overall_scale]
    frame.insert(2, overall, np.clip(np.round(lo + (hi - lo) * (offset + total + rng.normal(0, noise, n))), lo, hi))
    return frame


def _text(value, decimal: str) -> str:
    if isinstance(value, float):
        return "" if np.isnan(value) else f"{value:g}".replace(".", decimal)
    return str(value)


def to_csv(frame: pd.DataFrame, *, delimiter: str = ",", decimal: str = ".", encoding: str = "utf-8") -> bytes:
    """The frame as a CSV file (answers as whole numbers where they are; empty where missing)."""
    text = frame.map(lambda v: _text(v, decimal))
    return text.to_csv(index=False, sep=delimiter, lineterminator="\r\n").encode(encoding)


def to_long_csv(frame: pd.DataFrame, questions: dict[str, Question], *, overall: str) -> bytes:
    """The frame as one row per answer: response, touchpoint (its name as in the header), rating, overall."""
    rows = [
        {
            "response": r["response_id"],
            "touchpoint": header,
            "rating": _text(r[header], "."),
            "overall": _text(r[overall], "."),
        }
        for _, r in frame.iterrows()
        for header in questions
        if not np.isnan(r[header])
    ]
    return pd.DataFrame(rows).to_csv(index=False, lineterminator="\n").encode()


def broadband_survey(*, n: int = 300, seed: int = 1, hotline: float = 2.1, start: date = date(2025, 3, 3)) -> bytes:
    """A realistic survey of the broadband demo's customers as German Excel writes it (``;``,
    cp1252): NPS driven by the hotline, the router set-up and daily use; ``hotline`` is its mean."""
    questions = {**BROADBAND, "Call the hotline": ("hotline", "csat", hotline, 0.45)}
    weights = {"Call the hotline": 0.45, "Set up the router: how easy? (1-7)": 0.3, "Daily use at home": 0.25}
    frame = make_responses(questions, n=n, drivers=weights, noise=0.1, offset=0.2, halo=0.4, seed=seed, start=start)
    return to_csv(frame, delimiter=";", decimal=",", encoding="cp1252")
