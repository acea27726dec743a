"""The value × effort matrix of a journey's ideas: where the quick wins and the big bets are.

Plotly only; the figure sets its template explicitly (see :mod:`journeys.charts.review`).
"""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import plotly.graph_objects as go

from journeys.analysis.ideas import EFFORT_RANGE, EFFORT_SPLIT, STATUSES, VALUE_SPLIT
from journeys.charts.captions import escape, wrap
from journeys.i18n import number, plotly_separators, t

__all__ = ["STATUS_COLOURS", "QUADRANT_COLOURS", "label_positions", "matrix_points", "value_effort_matrix"]

TEMPLATE = "plotly_white"
STATUS_COLOURS = {"open": "#1e88e5", "in-progress": "#fb8c00", "done": "#43a047", "dropped": "#9e9e9e"}
STATUS_SYMBOLS = {"open": "circle", "in-progress": "diamond", "done": "square", "dropped": "x"}
# quadrant → (fill, colour of its label)
QUADRANT_COLOURS = {
    "quick-win": ("#e8f5e9", "#2e7d32"),
    "big-bet": ("#e3f2fd", "#1565c0"),
    "maybe-later": ("#fafafa", "#616161"),
    "time-sink": ("#ffebee", "#b71c1c"),
}
X_RANGE = (EFFORT_RANGE[0] - 0.5, EFFORT_RANGE[1] + 0.5)
Y_RANGE = (0.7, 5.45)
X_SPLIT = EFFORT_SPLIT + 0.5  # effort is whole: 1..3 is low, 4..5 high
MAX_MARKER = 56  # pixels across the marker of the idea with the most relief
HEIGHT = 560
# The plot area a label is placed for (pixels): the page's chart at its usual width; wider is only easier.
PLOT_WIDTH, PLOT_HEIGHT = 900, HEIGHT - 80 - 50
LABEL_WIDTH, LABEL_LINES = 24, 3  # characters a line, lines
CHAR_PX, LINE_PX, GAP_PX = 6.6, 15.0, 3.0  # 12 px text
# where a label may go, in order of preference: plotly's textposition and its offset from the marker
SIDES = ("top center", "bottom center", "middle right", "middle left")


def matrix_points(table: pd.DataFrame) -> pd.DataFrame:
    """The ideas that have a place on the matrix (value and effort known), with an x nudged apart.

    Ideas on the same spot are spread sideways by up to ±0.3 so that each stays visible.

    Examples
    --------
    >>> table = pd.DataFrame({"value": [4.0, 4.0, None], "effort": [2, 2, 3]}, index=[7, 8, 9])
    >>> matrix_points(table)["x"].round(2).tolist()
    [1.85, 2.15]
    """
    placed = table[table["value"].notna() & table["effort"].notna()].copy()
    spots = list(zip(placed["effort"].astype(float), placed["value"].astype(float).round(2), strict=True))
    total, seen = Counter(spots), Counter()
    xs = []
    for spot in spots:
        n, i = total[spot], seen[spot]
        seen[spot] += 1
        width = min(0.3, 0.15 * (n - 1))
        xs.append(spot[0] + (0.0 if n == 1 else -width + 2 * width * i / (n - 1)))
    placed["x"] = xs
    return placed


def _box(side: str, x: float, y: float, radius: float, width: float, height: float) -> tuple:
    """The pixel box (left, bottom, right, top) a label of ``width`` × ``height`` takes on ``side``."""
    if side == "top center":
        return x - width / 2, y + radius + GAP_PX, x + width / 2, y + radius + GAP_PX + height
    if side == "bottom center":
        return x - width / 2, y - radius - GAP_PX - height, x + width / 2, y - radius - GAP_PX
    if side == "middle right":
        return x + radius + GAP_PX, y - height / 2, x + radius + GAP_PX + width, y + height / 2
    return x - radius - GAP_PX - width, y - height / 2, x - radius - GAP_PX, y + height / 2


def _clash(a: tuple, b: tuple) -> float:
    """How many square pixels two boxes share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def label_positions(points: pd.DataFrame, sizes: list[float], labels: list[str]) -> list[str]:
    """A side of its marker for every idea's label, so that labels cover neither each other nor markers.

    Labels are placed one by one, the most valuable idea first, each on the first side of
    :data:`SIDES` that collides with nothing placed so far and stays inside the plot (or,
    when every side collides, on the side that collides least). Sizes are the markers'
    pixels across; labels are the wrapped texts (``<br>`` between lines).

    Examples
    --------
    >>> close = pd.DataFrame({"x": [2.0, 2.0, 4.0], "value": [4.0, 3.8, 4.0]})
    >>> label_positions(close, [20, 20, 20], ["Call-back slot", "Chat bot", "Router preset"])
    ['top center', 'bottom center', 'top center']
    """
    (x0, x1), (y0, y1) = X_RANGE, Y_RANGE
    xs = [(x - x0) / (x1 - x0) * PLOT_WIDTH for x in points["x"]]
    ys = [(float(y) - y0) / (y1 - y0) * PLOT_HEIGHT for y in points["value"]]
    markers = [(x - s / 2, y - s / 2, x + s / 2, y + s / 2) for x, y, s in zip(xs, ys, sizes, strict=True)]
    placed: list[tuple] = []
    sides = [SIDES[0]] * len(xs)
    for i in sorted(range(len(xs)), key=lambda i: (-ys[i], xs[i])):
        lines = labels[i].split("<br>")
        width, height = max(map(len, lines)) * CHAR_PX, len(lines) * LINE_PX

        def cost(side: str, i=i, width=width, height=height) -> float:
            box = _box(side, xs[i], ys[i], sizes[i] / 2, width, height)
            inside = box[0] >= 0 and box[2] <= PLOT_WIDTH and box[1] >= 0 and box[3] <= PLOT_HEIGHT
            others = [m for j, m in enumerate(markers) if j != i]
            return sum(_clash(box, other) for other in [*placed, *others]) + (0 if inside else 1e6)

        sides[i] = min(SIDES, key=cost)  # min keeps the first of equal costs: the preferred side
        placed.append(_box(sides[i], xs[i], ys[i], sizes[i] / 2, width, height))
    return sides


def _size(relief, top: float) -> float:
    if relief is None or pd.isna(relief) or top <= 0:
        return 10.0
    return max(10.0, MAX_MARKER * math.sqrt(float(relief) / top))  # area ∝ relief


def value_effort_matrix(
    table: pd.DataFrame, *, journey: str = "", lang: str = "en", title: str | None = None
) -> go.Figure:
    """Value (DVF consensus, 1–5) against effort (1–5) with the four quadrants shaded and named.

    ``table`` is :func:`journeys.analysis.ideas.ranked_ideas`. A marker's area grows with the idea's
    expected relief; its colour and symbol show the status. Ideas without value or effort
    are left out (the page says how many).
    """
    points = matrix_points(table)
    top = float(points["relief"].max()) if not points.empty and points["relief"].notna().any() else 0.0
    points["size"] = [_size(r, top) for r in points["relief"]]
    points["label"] = [wrap(str(title_), LABEL_WIDTH, LABEL_LINES) for title_ in points["title"]]
    points["side"] = label_positions(points, list(points["size"]), list(points["label"]))
    fig = go.Figure()
    (x0, x1), (y0, y1) = X_RANGE, Y_RANGE
    for name, (ex0, ex1, vy0, vy1) in {
        "quick-win": (x0, X_SPLIT, VALUE_SPLIT, y1),
        "big-bet": (X_SPLIT, x1, VALUE_SPLIT, y1),
        "maybe-later": (x0, X_SPLIT, y0, VALUE_SPLIT),
        "time-sink": (X_SPLIT, x1, y0, VALUE_SPLIT),
    }.items():
        fill, colour = QUADRANT_COLOURS[name]
        fig.add_shape(type="rect", x0=ex0, x1=ex1, y0=vy0, y1=vy1, fillcolor=fill, line_width=0, layer="below")
        left, upper = ex0 == x0, vy1 == y1
        fig.add_annotation(
            x=ex0 + 0.06 if left else ex1 - 0.06,
            y=vy1 - 0.04 if upper else vy0 + 0.04,
            text=f"<b>{escape(t(f'ideas.quadrant.{name}', lang))}</b>",
            showarrow=False,
            font={"color": colour, "size": 15},
            xanchor="left" if left else "right",
            yanchor="top" if upper else "bottom",
        )
    fig.add_vline(x=X_SPLIT, line_dash="dot", line_color="#90a4ae")
    fig.add_hline(y=VALUE_SPLIT, line_dash="dot", line_color="#90a4ae")
    for status in STATUSES:
        rows = points[points["status"] == status]
        if rows.empty:
            continue
        relief = [number(r, lang, 2) if pd.notna(r) else "–" for r in rows["relief"]]
        fig.add_trace(
            go.Scatter(
                x=rows["x"],
                y=rows["value"].astype(float),
                mode="markers+text",
                name=escape(t(f"ideas.status.{status}", lang)),
                text=list(rows["label"]),
                textposition=list(rows["side"]),
                textfont={"size": 12, "color": "#263238"},
                customdata=list(zip(list(rows.index), relief, rows["effort"].astype(int), strict=True)),
                marker={
                    "size": list(rows["size"]),
                    "color": STATUS_COLOURS[status],
                    "symbol": STATUS_SYMBOLS[status],
                    "opacity": 0.8,
                    "line": {"width": 1, "color": "#37474f"},
                },
                hovertemplate="%{text}<br>"
                + escape(t("ideas.value", lang))
                + ": %{y:.2f}<br>"
                + escape(t("ideas.effort", lang))
                + ": %{customdata[2]}<br>"
                + escape(t("ideas.relief", lang))
                + ": %{customdata[1]}<extra></extra>",
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title or t("ideas.chart.title", lang, journey=escape(journey)),
        xaxis={
            "title": escape(t("ideas.chart.effort_axis", lang)),
            "range": list(X_RANGE),
            "tickvals": list(range(EFFORT_RANGE[0], EFFORT_RANGE[1] + 1)),
            "zeroline": False,
            "showgrid": False,
        },
        yaxis={
            "title": escape(t("ideas.chart.value_axis", lang)),
            "range": list(Y_RANGE),
            "tickvals": [1, 2, 3, 4, 5],
            "zeroline": False,
            "showgrid": False,
        },
        legend={
            "title": {"text": escape(t("ideas.status", lang))},
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 1.02,
            "yanchor": "bottom",
        },
        height=HEIGHT,
        margin={"t": 80, "b": 50},
        separators=plotly_separators(lang),
    )
    return fig
