"""How hard the stress tests push: a smaller size in `make test` and CI, the full size under `make stress`.

The full sizes are the ones README's Reliability figures quote; the smaller ones keep the whole suite well
inside CI's time on a machine of two cores while still meeting every case (several processes, several rounds,
sessions at once, edits faster than the page runs).
"""

import os

FULL = os.environ.get("JOURNEYS_TEST_STRESS") == "full"


def size(quick: int, full: int) -> int:
    """``full`` under `make stress` (JOURNEYS_TEST_STRESS=full), ``quick`` otherwise."""
    return full if FULL else quick


def examples(full: int) -> int:
    """How many examples a property test draws: ``full`` under `make stress`, half as many otherwise (hypothesis
    draws new ones in every run, so that the runs together cover more than any one)."""
    return size(max(10, full // 2), full)
