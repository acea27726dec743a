"""Where touchpoint labels go on the journey map: under or over their marker.

A label goes under its touchpoint unless that side is worse: arrows run through
it, or it would cover a label placed before it or another touchpoint. Label
boxes are estimated from the text's longest line and its number of lines, in
the map's units (one sub-column wide, one lane high), from the pixel size of a
unit on screen. Pure geometry, no plotting.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

__all__ = ["BELOW", "ABOVE", "RIGHT", "LEFT", "SIDES", "label_box", "crosses", "label_sides"]

BELOW, ABOVE, RIGHT, LEFT = "bottom center", "top center", "middle right", "middle left"
SIDES = {BELOW: 0.0, ABOVE: 0.05, RIGHT: 0.6, LEFT: 0.65}
"""Every place a label can go, with the small price of not being where readers expect it."""

Box = tuple[float, float, float, float]  # x0, x1, y0, y1
_MARKUP = re.compile(r"<[^>]*>")
LONG = 2.0
"""Arrow pieces wider than this (in sub-columns) are few (loops, detours) and checked against every label."""


def label_box(
    x: float, y: float, text: str, side: str, *, radius: float, font: float, unit: tuple[float, float]
) -> Box:
    """Return the box a label covers, in map units.

    ``text`` may hold ``<br>`` line breaks; ``radius`` and ``font`` are pixels and
    ``unit`` is the pixel size of one map unit as ``(width, height)``.

    Examples
    --------
    >>> label_box(0, 0, "Call<br>hotline", BELOW, radius=10, font=10, unit=(100, 100))
    (-0.21, 0.21, -0.37, -0.12)
    """
    return _box(x, y, *_extent(text), side, radius, font, unit)


def _box(x, y, chars: int, lines: int, side: str, radius: float, font: float, unit: tuple[float, float]) -> Box:
    width = chars * font * 0.6 / unit[0]
    height = lines * font * 1.25 / unit[1]
    gap = (radius + 2) / unit[1], (radius + 3) / unit[0]
    if side in (BELOW, ABOVE):
        x0, y0 = x - width / 2, y - gap[0] - height if side == BELOW else y + gap[0]
    else:
        x0, y0 = x + gap[1] if side == RIGHT else x - gap[1] - width, y - height / 2
    return round(x0, 6), round(x0 + width, 6), round(y0, 6), round(y0 + height, 6)


def crosses(box: Box, p: tuple[float, float], q: tuple[float, float]) -> bool:
    """Return True when the segment p → q runs through ``box`` (Liang–Barsky clipping).

    Examples
    --------
    >>> crosses((0, 1, 0, 1), (-1, 0.5), (2, 0.5)), crosses((0, 1, 0, 1), (-1, 2), (2, 2))
    (True, False)
    """
    (px, py), (qx, qy) = p, q
    if max(px, qx) <= box[0] or min(px, qx) >= box[1] or max(py, qy) <= box[2] or min(py, qy) >= box[3]:
        return False
    low, high = 0.0, 1.0
    for d, start, lo, hi in ((qx - px, px, box[0], box[1]), (qy - py, py, box[2], box[3])):
        if d == 0:
            if not lo < start < hi:
                return False
            continue
        a, b = sorted(((lo - start) / d, (hi - start) / d))
        low, high = max(low, a), min(high, b)
    return low < high


def _extent(text: str) -> tuple[int, int]:
    """Characters of the longest line and number of lines of a label (markup removed)."""
    lines = [_MARKUP.sub("", line) for line in text.split("<br>")]
    return max(len(line) for line in lines), len(lines)


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Area each of ``boxes`` (k × 4) shares with all of ``others`` (m × 4) together, as k sums."""
    b, o = boxes[:, None, :], others[None, :, :]
    wide = np.maximum(0.0, np.minimum(b[..., 1], o[..., 1]) - np.maximum(b[..., 0], o[..., 0]))
    high = np.maximum(0.0, np.minimum(b[..., 3], o[..., 3]) - np.maximum(b[..., 2], o[..., 2]))
    return (wide * high).sum(axis=1)


def _pair_overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Area shared by the boxes ``a[i]`` and ``b[i]`` (both m × 4)."""
    wide = np.maximum(0.0, np.minimum(a[:, 1], b[:, 1]) - np.maximum(a[:, 0], b[:, 0]))
    return wide * np.maximum(0.0, np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 2], b[:, 2]))


def _pair_crosses(box: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """:func:`crosses` for the pairs ``box[i]``, segment ``p[i]`` → ``q[i]`` (m × 4, m × 2, m × 2)."""
    x0, x1, y0, y1 = box.T
    (px, py), (qx, qy) = p.T, q.T
    hit = ~(
        (np.maximum(px, qx) <= x0)
        | (np.minimum(px, qx) >= x1)
        | (np.maximum(py, qy) <= y0)
        | (np.minimum(py, qy) >= y1)
    )
    low, high = np.zeros(len(box)), np.ones(len(box))
    with np.errstate(divide="ignore", invalid="ignore"):
        for d, start, lo, hi in ((qx - px, px, x0, x1), (qy - py, py, y0, y1)):
            flat = d == 0
            hit &= ~flat | ((lo < start) & (start < hi))  # parallel to this side: inside its slab or not at all
            a, b = (lo - start) / d, (hi - start) / d
            low = np.where(flat, low, np.maximum(low, np.minimum(a, b)))
            high = np.where(flat, high, np.minimum(high, np.maximum(a, b)))
    return hit & (low < high)


def _windows(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i, j) with ``lo[i] <= keys[j] <= hi[i]``; ``keys`` is sorted."""
    first, last = np.searchsorted(keys, lo, side="left"), np.searchsorted(keys, hi, side="right")
    counts = np.maximum(last - first, 0)
    i = np.repeat(np.arange(len(lo)), counts)
    j = first[i] + np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts)
    return i, j


def _static_costs(candidates: np.ndarray, markers: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per candidate box (k × 4): arrow pieces through it, and its overlap with every marker (k × 2)."""
    k = len(candidates)
    lo, hi = candidates[:, 0], candidates[:, 1]
    centre = (markers[:, 0] + markers[:, 1]) / 2
    by_x = np.argsort(centre, kind="stable")
    reach = float(np.max(markers[:, 1] - centre)) + 1e-9 if len(markers) else 0.0
    i, j = _windows(centre[by_x], lo - reach, hi + reach)
    covered = np.bincount(i, weights=_pair_overlap(candidates[i], markers[by_x][j]), minlength=k)
    crossed = np.zeros(k)
    if len(ends):
        left = np.minimum(ends[:, 0, 0], ends[:, 1, 0])
        long = np.abs(ends[:, 0, 0] - ends[:, 1, 0]) > LONG
        short = np.flatnonzero(~long)[np.argsort(left[~long], kind="stable")]
        i, j = _windows(left[short], lo - LONG - 1e-9, hi + 1e-9)
        j = short[j]
        crossed += np.bincount(i, weights=_pair_crosses(candidates[i], ends[j, 0], ends[j, 1]), minlength=k)
        for j in np.flatnonzero(long):
            crossed += _pair_crosses(
                candidates, np.broadcast_to(ends[j, 0], (k, 2)), np.broadcast_to(ends[j, 1], (k, 2))
            )
    return np.stack([crossed, covered], axis=1)


def label_sides(
    pos: Mapping[Hashable, tuple[float, float]],
    texts: Mapping[Hashable, str],
    segments: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    *,
    radius: Mapping[Hashable, float],
    font: float,
    unit: tuple[float, float],
    bounds: Box | None = None,
) -> dict[Hashable, str]:
    """Return where every touchpoint's label goes: one of :data:`SIDES`, as a plotly text position.

    ``segments`` are the arrows drawn, as straight pieces. Touchpoints are handled
    left to right, top to bottom; each takes the side with the fewest arrows
    through it and the least overlap with labels already placed and with
    markers, preferring below, then above, then right, then left. A label
    never leaves ``bounds`` (x0, x1, y0, y1) when another side stays inside.

    Each side is compared only with the markers, labels and arrows within reach
    of it along x (sorted arrays, vectorized), so a map of n touchpoints takes time
    linear in n as long as a label spans a bounded number of sub-columns.

    Examples
    --------
    >>> pos = {"a": (0, 0), "b": (0, -1)}
    >>> arrows = [((0, 0), (0, -1))]  # a → b straight down
    >>> label_sides(pos, {"a": "A", "b": "B"}, arrows, radius={"a": 10, "b": 10}, font=12, unit=(100, 95))
    {'a': 'top center', 'b': 'bottom center'}
    """
    if not pos:
        return {}
    order = sorted(pos, key=lambda n: (pos[n][0], -pos[n][1]))
    names, prices = list(SIDES), np.array(list(SIDES.values()))
    extents = {n: _extent(texts[n]) for n in order}
    candidates = np.array(
        [[_box(*pos[n], *extents[n], side, radius[n], font, unit) for side in SIDES] for n in order]
    )  # touchpoint (in placing order) × side × (x0, x1, y0, y1)
    areas = (candidates[..., 1] - candidates[..., 0]) * (candidates[..., 3] - candidates[..., 2])
    areas[areas == 0] = 1.0
    outside = np.zeros(areas.shape, dtype=bool)
    if bounds:
        c = candidates
        outside = ~((bounds[0] <= c[..., 0]) & (c[..., 0] <= c[..., 1]) & (c[..., 1] <= bounds[1]))
        outside |= ~((bounds[2] <= c[..., 2]) & (c[..., 2] <= c[..., 3]) & (c[..., 3] <= bounds[3]))
    markers = np.array(
        [(x - radius[n] / unit[0], x + radius[n] / unit[0], y - radius[n] / unit[1], y + radius[n] / unit[1])
         for n, (x, y) in pos.items()]
    )  # fmt: skip
    ends = np.array(segments, dtype=float).reshape(-1, 2, 2)
    static = _static_costs(candidates.reshape(-1, 4), markers, ends).reshape(len(order), len(SIDES), 2)
    crossed, covered = static[..., 0], static[..., 1]  # arrows through each side, its overlap with markers
    xs = np.array([pos[n][0] for n in order], dtype=float)
    reach = float(np.max(np.maximum(candidates[..., 1].max(axis=1) - xs, xs - candidates[..., 0].min(axis=1))))
    lows = candidates[..., 0].min(axis=1) - reach - 1e-9
    firsts = np.searchsorted(xs, lows, side="left")  # the first label placed before that might reach this one
    placed = np.empty((len(order), 4))
    sides: dict[Hashable, str] = {}
    for i, n in enumerate(order):
        boxes, first = candidates[i], firsts[i]
        near = covered[i] + _overlaps(boxes, placed[first:i]) if first < i else covered[i]  # + labels placed
        cost = crossed[i] + 6 * (near / areas[i]) + prices + 100 * outside[i]
        best = int(np.argmin(cost))
        sides[n] = names[best]
        placed[i] = boxes[best]
    return {n: sides[n] for n in pos}
