"""Repetitions, medians and the rows of the result table."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Row", "compare", "everything", "median_ms"]


@dataclass
class Row:
    """One line of the table: our median next to the floor's median, in milliseconds (or MB)."""

    what: str
    ours: float
    floor: float
    target: float | None  # highest allowed ratio; None: reported only
    reps: int
    unit: str = "ms"
    note: str = ""
    samples: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.ours / self.floor if self.floor else float("inf")

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "report"
        return "pass" if self.ratio <= self.target else "FAIL"


def everything(what: str) -> bool:
    """The row filter when no ``--only`` is given: every row is run."""
    return True


QUICK = False  # a quick run (``--quick``): fewer and rougher numbers, faster


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(
    what: str,
    ours: Callable[[], object],
    floor: Callable[[], object],
    *,
    reps: int,
    target: float | None,
    warmup: int = 1,
    before: Callable[[], object] | None = None,
    note: str = "",
) -> Row:
    """Time ``ours`` and ``floor`` alternately ``reps`` times (after ``warmup`` untimed rounds).

    Alternating spreads the noise of other processes evenly over both sides.
    ``before`` runs untimed before each timed call (e.g. to make a fresh change to save).
    """
    for _ in range(warmup):
        for fn in (ours, floor):
            if before:
                before()
            fn()
    times: dict[str, list[float]] = {"ours": [], "floor": []}
    if QUICK:  # what lives now is left out of the collections below: each takes a millisecond instead of 100
        gc.collect()
        gc.freeze()
    for _ in range(reps):
        for name, fn in (("ours", ours), ("floor", floor)):
            if before:
                before()
            gc.collect()
            times[name].append(_timed(fn))
    row = Row(what, median_ms(times["ours"]), median_ms(times["floor"]), target, reps, note=note, samples=times)
    print(f"  {what}: {row.ours:.2f} ms vs {row.floor:.2f} ms = {row.ratio:.2f}×", flush=True)
    return row
