"""What every chart of the workbench shares: its template and colour scales, and how a figure is made.

Every figure sets its template explicitly: ``import streamlit`` changes plotly's default
to one whose colours only the Streamlit page fills in, so an image exported from inside
the app would come out dark.
"""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["TEMPLATE", "GOOD_BAD_SCALE", "WEAK_SCALE", "template_dict", "unchecked_figure"]

TEMPLATE = "plotly_white"
# −1 (weak, red) … 0 (neutral) … +1 (strong, green); the weak end is saturated on purpose.
GOOD_BAD_SCALE = [[0.0, "#b71c1c"], [0.25, "#ef5350"], [0.5, "#f5f5f5"], [0.75, "#81c784"], [1.0, "#2e7d32"]]
WEAK_SCALE = [[0.0, "#fff8f6"], [0.35, "#f4a582"], [0.7, "#d6604d"], [1.0, "#8b0000"]]


@cache
def template_dict(name: str) -> dict:
    """The plotly template ``name`` as a plain dict, looked up and built once per process (do not change it)."""
    return pio.templates[name].to_plotly_json()


def unchecked_figure(data: list[dict], layout: dict, *, template: str = TEMPLATE) -> go.Figure:
    """Return a figure made of plain trace and layout dicts, with the template named ``template``.

    Plotly checks every property while a figure is built; for a journey map with
    hundreds of annotations that check is most of the time it takes. The figures of
    this package are plain dicts, which the tests check once against plotly's
    schema (a checked copy is the same figure), so they skip it. The template is set
    explicitly (``import streamlit`` changes plotly's default) from a dict built once
    per process, not looked up by name for every figure.

    Examples
    --------
    >>> fig = unchecked_figure([{"type": "bar", "x": ["a"], "y": [1]}], {"height": 300})
    >>> fig.layout.height, fig.layout.template.layout.paper_bgcolor
    (300, 'white')
    """
    return go.Figure({"data": data, "layout": {"template": template_dict(template), **layout}}, _validate=False)
