"""Where touchpoint labels go on the journey map: under or over their marker.

A label goes under its touchpoint unless that side is worse: arrows run through
it, or it would cover a label placed before it or another touchpoint. Label
boxes are estimated from the text's longest line and its number of lines, in
the map's units (one sub-column wide, one lane high), from the pixel size of a
unit on screen. Pure geometry, no plotting.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from math import floor

__all__ = ["BELOW", "ABOVE", "RIGHT", "LEFT", "SIDES", "label_box", "crosses", "label_sides"]

BELOW, ABOVE, RIGHT, LEFT = "bottom center", "top center", "middle right", "middle left"
SIDES = {BELOW: 0.0, ABOVE: 0.05, RIGHT: 0.6, LEFT: 0.65}
"""Every place a label can go, with the small price of not being where readers expect it."""

Box = tuple[float, float, float, float]  # x0, x1, y0, y1


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
    lines = [re.sub(r"<[^>]*>", "", line) for line in text.split("<br>")]
    width = max(len(line) for line in lines) * font * 0.6 / unit[0]
    height = len(lines) * font * 1.25 / unit[1]
    gap = (radius + 2) / unit[1], (radius + 3) / unit[0]
    if side in (BELOW, ABOVE):
        x0, y0 = x - width / 2, y - gap[0] - height if side == BELOW else y + gap[0]
    else:
        x0, y0 = x + gap[1] if side == RIGHT else x - gap[1] - width, y - height / 2
    return round(x0, 6), round(x0 + width, 6), round(y0, 6), round(y0 + height, 6)


def _overlap(a: Box, b: Box) -> float:
    """Area shared by two boxes."""
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[2], b[2]))


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


class _Grid:
    """Items filed under the cells of a coarse grid their boxes touch, to find the ones near a box fast."""

    CELL = 2.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)

    def _keys(self, box: Box):
        for i in range(floor(box[0] / self.CELL), floor(box[1] / self.CELL) + 1):
            for j in range(floor(box[2] / self.CELL), floor(box[3] / self.CELL) + 1):
                yield i, j

    def add(self, item: int, box: Box) -> None:
        for key in self._keys(box):
            self.cells[key].append(item)

    def near(self, box: Box) -> set[int]:
        return {item for key in self._keys(box) for item in self.cells.get(key, ())}


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

    Examples
    --------
    >>> pos = {"a": (0, 0), "b": (0, -1)}
    >>> arrows = [((0, 0), (0, -1))]  # a → b straight down
    >>> label_sides(pos, {"a": "A", "b": "B"}, arrows, radius={"a": 10, "b": 10}, font=12, unit=(100, 95))
    {'a': 'top center', 'b': 'bottom center'}
    """
    boxes: list[Box] = [
        (x - radius[n] / unit[0], x + radius[n] / unit[0], y - radius[n] / unit[1], y + radius[n] / unit[1])
        for n, (x, y) in pos.items()
    ]  # markers first, then the labels as they are placed
    box_cells, segment_cells = _Grid(), _Grid()
    for i, box in enumerate(boxes):
        box_cells.add(i, box)
    for i, (p, q) in enumerate(segments):
        segment_cells.add(i, (min(p[0], q[0]), max(p[0], q[0]), min(p[1], q[1]), max(p[1], q[1])))
    sides: dict[Hashable, str] = {}
    for n in sorted(pos, key=lambda n: (pos[n][0], -pos[n][1])):
        x, y = pos[n]
        best = None
        for side, price in SIDES.items():
            box = label_box(x, y, texts[n], side, radius=radius[n], font=font, unit=unit)
            area = (box[1] - box[0]) * (box[3] - box[2]) or 1.0
            covered = sum(_overlap(box, boxes[i]) for i in box_cells.near(box)) / area
            cost = sum(crosses(box, *segments[i]) for i in segment_cells.near(box)) + 6 * covered + price
            if bounds and not (
                bounds[0] <= box[0] <= box[1] <= bounds[1] and bounds[2] <= box[2] <= box[3] <= bounds[3]
            ):
                cost += 100
            if best is None or cost < best[0]:
                best = (cost, side, box)
        sides[n] = best[1]
        box_cells.add(len(boxes), best[2])
        boxes.append(best[2])
    return {n: sides[n] for n in pos}
