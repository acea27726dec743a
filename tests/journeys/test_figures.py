"""The journey map figure: what a workshop team checks when they look at it."""

from __future__ import annotations

import random

import networkx as nx
import plotly.graph_objects as go
import pytest

from journeys.charts import arrows
from journeys.charts import journey_map as journey_map_module
from journeys.charts.arrows import LOOP_COLOR
from journeys.charts.journey_map import journey_map
from journeys.charts.labels import SIDES, crosses, label_box, label_sides
from journeys.charts.layout import loop_edges, map_layout
from journeys.demo import broadband_demo, ebike_demo
from journeys.model.graph import add_touchpoint, add_transition, new_journey, stage_ids
from journeys.model.templates import stages_for
from tests.journeys.test_layout import random_journey
from tests.strategies import make_journey


def tangled_journey(n: int = 60, *, seed: int = 3) -> nx.DiGraph:
    """A journey of ``n`` touchpoints wired at random: back edges everywhere, one self-loop, no entry."""
    rng = random.Random(seed)
    G = new_journey("Tangled", stages=stages_for("lifecycle"), personas=[{"id": "p", "name": "Pat"}])
    stages = stage_ids(G)
    for i in range(n):
        add_touchpoint(
            G,
            f"t{i}",
            name=f"Touchpoint number {i} with a long name",
            stage=stages[i * len(stages) // n],
            backstage=rng.random() < 0.2,
            moment_of_truth=rng.random() < 0.1,
            emotions={"p": rng.randint(-2, 2)},
        )
    for u, v in nx.gnp_random_graph(n, 3 / n, seed=seed, directed=True).edges:
        add_transition(G, f"t{u}", f"t{v}", share=round(rng.random() / 4, 2))
    add_transition(G, "t5", "t5")
    return G


def touchpoints(fig):
    (trace,) = [tr for tr in fig.data if tr.uid == "touchpoints"]
    return trace


def annotations(fig, name):
    return [a for a in fig.layout.annotations if a.name == name]


def texts(fig) -> str:
    """All words written on the map, with wrapped lines joined again."""
    return " ".join(a.text or "" for a in fig.layout.annotations).replace("<br>", " ")


@pytest.mark.parametrize(
    "G", [broadband_demo(), ebike_demo(), tangled_journey()], ids=["broadband", "ebike", "tangled"]
)
def test_one_marker_per_touchpoint_where_the_layout_puts_it(G):
    trace = touchpoints(journey_map(G))
    assert list(trace.customdata) == list(G)
    pos = map_layout(G)
    assert list(zip(trace.x, trace.y, strict=True)) == [pos[n] for n in G]
    assert [tr for tr in journey_map(G).data if tr.customdata is not None] == [trace]  # nothing else is clickable


@pytest.mark.parametrize(
    "G", [broadband_demo(), ebike_demo(), tangled_journey()], ids=["broadband", "ebike", "tangled"]
)
def test_every_transition_is_one_arrow(G):
    fig = journey_map(G)
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == G.number_of_edges()
    assert all(a.name == "transition" for a in arrows)


def test_shares_are_shown_as_percentages():
    G = broadband_demo()
    shares = [a.text for a in annotations(journey_map(G), "share")]
    assert len(shares) == G.number_of_edges()
    assert "40%" in shares and "70%" in shares
    assert "40\xa0%" in [a.text for a in annotations(journey_map(G, lang="de"), "share")]  # Babel: no break before %


def test_hovering_a_share_shows_the_transition_label():
    shares = annotations(journey_map(broadband_demo()), "share")
    assert "Wi-Fi keeps dropping" in [a.hovertext for a in shares]


def test_moments_of_truth_and_exits_are_marked():
    G = broadband_demo()
    fig = journey_map(G)
    symbols = dict(zip(touchpoints(fig).customdata, touchpoints(fig).marker.symbol, strict=True))
    labels = {a.text for a in annotations(fig, "label")}
    for n, data in G.nodes(data=True):
        assert ("star" in symbols[n]) == data["moment_of_truth"], n
        assert ("square" in symbols[n]) == data["exit"], n
    assert "<b>★ Call the<br>hotline</b>" in labels or any(s.startswith("<b>★ Call the") for s in labels)
    assert not any(s.startswith("<b>★") and "Daily use" in s for s in labels)


def test_loops_are_drawn_as_curves_in_their_own_colour():
    G = broadband_demo()
    fig = journey_map(G)
    curves = [s for s in fig.layout.shapes if s.type == "path" and s.line.color == LOOP_COLOR]
    assert len(curves) == len(loop_edges(G, map_layout(G))) == 1
    assert " Q " in curves[0].path  # a Bézier arc, not a straight line
    loop_arrows = [a for a in annotations(fig, "transition") if a.arrowcolor == LOOP_COLOR]
    assert len(loop_arrows) == 1


def test_german_map_speaks_german():
    for G in (broadband_demo("de"), broadband_demo()):  # default stage names are translated either way
        text = texts(journey_map(G, lang="de", persona="petra"))
        assert "Aufmerksamkeit" in text and "Treue &amp; Empfehlung" in text
        assert "Sichtbarkeitslinie" in text and "Hinterbühne" in text
        assert "Line of visibility" not in text and "Awareness" not in text
    legend = {tr.name for tr in journey_map(broadband_demo(), lang="de").data if tr.showlegend is not False}
    assert {"Moment der Wahrheit", "Hauptpfad", "Schleife zurück"} <= legend


def test_renamed_stages_keep_the_team_s_name():
    G = broadband_demo()
    G.graph["stages"][0]["name"] = "Sehen & suchen"
    assert "Sehen &amp; suchen" in texts(journey_map(G, lang="de"))


def test_emotion_curve_shows_every_touchpoint_the_persona_passes():
    """Petra's curve runs left to right through every touchpoint with an emotion of hers, the branches too: the
    hotline's and the cancellation's −2 show, the back stage (no emotion) does not."""
    G = broadband_demo()
    fig = journey_map(G, persona="petra")
    (curve,) = [tr for tr in fig.data if tr.uid == "emotion-curve"]
    passed = [n for n in G if G.nodes[n]["emotions"].get("petra") is not None]
    assert sorted(curve.customdata) == sorted(passed) and {"hotline", "cancel", "shop-advice"} <= set(curve.customdata)
    assert "line-activation" not in curve.customdata
    assert list(curve.y) == [G.nodes[n]["emotions"]["petra"] for n in curve.customdata]
    x = map_layout(G)
    assert list(curve.x) == [x[n][0] for n in curve.customdata] == sorted(curve.x)
    assert curve.yaxis == "y2"
    assert not [tr for tr in journey_map(G).data if tr.uid == "emotion-curve"]


def test_persona_colours_the_touchpoints_by_emotion():
    G = broadband_demo()
    colours = dict(zip(G, touchpoints(journey_map(G, persona="Petra, busy parent")).marker.color, strict=True))
    assert colours["hotline"] != colours["recommend"]  # −2 against +2
    assert colours["line-check"] == "#ffffff"  # no emotion there: an empty marker


def test_selected_touchpoint_is_highlighted():
    G = broadband_demo()
    widths = dict(zip(G, touchpoints(journey_map(G, selected="hotline")).marker.line.width, strict=True))
    assert widths["hotline"] > max(w for n, w in widths.items() if n != "hotline")


def test_hover_shows_the_touchpoint_details():
    hover = dict(zip(broadband_demo(), touchpoints(journey_map(broadband_demo())).hovertext, strict=True))
    text = hover["hotline"]
    for part in ("Call the hotline", "Support", "Phone", "Customer service", "Expectation 4", "Pain points: 2"):
        assert part in text
    assert "Agent says the line is fine" in text  # the most severe pain point


def test_template_is_set_explicitly_and_height_grows_with_lanes():
    fig = journey_map(broadband_demo())
    assert fig.layout.template.layout.paper_bgcolor == "white"
    assert journey_map(broadband_demo(), template="plotly_dark").layout.template.layout.paper_bgcolor != "white"
    assert journey_map(tangled_journey(120)).layout.height > fig.layout.height


def test_empty_and_bare_journeys_draw():
    fig = journey_map(new_journey("Empty", stages=stages_for("usage")))
    assert "No touchpoints yet" in texts(fig)
    assert len(touchpoints(journey_map(nx.DiGraph([("a", "b"), ("b", "a")]))).customdata) == 2


def test_exported_png_is_light(tmp_path):
    """The map exported with kaleido is a light slide, not a dark one (its template is explicit)."""
    from PIL import Image

    path = tmp_path / "map.png"
    journey_map(broadband_demo(), persona="petra").write_image(path, width=1200, height=700)
    grey = Image.open(path).convert("L").resize((1, 1), Image.Resampling.BOX)
    assert grey.getpixel((0, 0)) > 200  # a white slide, not a dark one


@pytest.mark.parametrize(
    ("G", "options"),
    [
        (broadband_demo(), {"persona": "petra", "selected": "hotline", "lang": "de"}),
        (ebike_demo(), {}),
        (tangled_journey(), {"persona": "p"}),
        (new_journey("Empty", stages=stages_for("usage")), {}),
    ],
    ids=["broadband", "ebike", "tangled", "empty"],
)
def test_the_map_is_a_figure_plotly_takes_as_it_is(G, options):
    """The map is built without plotly's checks; checked, it is the very same figure (no misspelt property)."""
    fig = journey_map(G, **options)
    assert go.Figure(fig.to_dict()).to_dict() == fig.to_dict()


def all_pairs_label_sides(pos, texts, segments, *, radius, font, unit, bounds=None):
    """label_sides as its docstring says, comparing every label with every marker, label and arrow."""

    def overlap(a, b):
        return max(0.0, min(a[1], b[1]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[2], b[2]))

    boxes = [
        (x - radius[n] / unit[0], x + radius[n] / unit[0], y - radius[n] / unit[1], y + radius[n] / unit[1])
        for n, (x, y) in pos.items()
    ]
    sides = {}
    for n in sorted(pos, key=lambda n: (pos[n][0], -pos[n][1])):
        best = None
        for side, price in SIDES.items():
            box = label_box(*pos[n], texts[n], side, radius=radius[n], font=font, unit=unit)
            area = (box[1] - box[0]) * (box[3] - box[2]) or 1.0
            cost = sum(crosses(box, *s) for s in segments) + 6 * sum(overlap(box, b) for b in boxes) / area + price
            inside = bounds is None or (
                bounds[0] <= box[0] <= box[1] <= bounds[1] and bounds[2] <= box[2] <= box[3] <= bounds[3]
            )
            cost += 0 if inside else 100
            if best is None or cost < best[0]:
                best = (cost, side, box)
        sides[n] = best[1]
        boxes.append(best[2])
    return {n: sides[n] for n in pos}


def test_labels_go_where_comparing_all_pairs_puts_them(monkeypatch):
    """The fast label placement (neighbours only, vectorized) picks the same side as checking every pair."""
    calls = []  # what the map asks label_sides, recorded while drawing
    monkeypatch.setattr(journey_map_module, "label_sides", lambda *a, **k: calls.append((a, k)) or label_sides(*a, **k))
    graphs = [broadband_demo(), tangled_journey(), make_journey(150), *(random_journey(n, seed=n) for n in (30, 120))]
    for G in graphs:
        journey_map(G)
    assert len(calls) == len(graphs)
    for args, kwargs in calls:
        assert label_sides(*args, **kwargs) == all_pairs_label_sides(*args, **kwargs)


def test_arrows_bow_around_the_same_touchpoints_as_checking_all_of_them(monkeypatch):
    """Only touchpoints near an arrow are checked for being in its way; the arrows come out as checking all."""

    def everyone(self, p, q, *, skip):
        return [spot for owner, spot in self.spots if owner not in skip]

    skewed = nx.DiGraph([("a", "b"), ("c", "d")])  # a touchpoint just under an arrow, in the grid cell below it
    cases = [(G, map_layout(G)) for G in (broadband_demo(), tangled_journey(), random_journey(120, seed=4))]
    cases.append((skewed, {"a": (0.0, 0.0), "b": (4.0, 0.0), "c": (2.0, -0.2), "d": (2.0, -3.0)}))
    for G, pos in cases:
        radius = dict.fromkeys(G, 10)
        fast = arrows.transition_arrows(G, pos, lang="en", radius=radius)
        with monkeypatch.context() as patched:
            patched.setattr(arrows._Spots, "near", everyone)
            assert arrows.transition_arrows(G, pos, lang="en", radius=radius) == fast


def test_a_drop_out_exit_is_drawn_crossed_and_named_in_the_legend():
    """The broadband's cancellation is where customers give up: a cross over its marker, and "Drop-out" in the
    legend; the recommendation, a successful end, has none."""
    fig = journey_map(broadband_demo())
    (crosses,) = [tr for tr in fig.data if tr.uid == "drop-outs"]
    (points,) = [tr for tr in fig.data if tr.uid == "touchpoints"]
    at = dict(zip(points.customdata, zip(points.x, points.y, strict=True), strict=True))
    assert list(zip(crosses.x, crosses.y, strict=True)) == [at["cancel"]]
    names = [tr.name for tr in fig.data if tr.showlegend is not False and tr.name]
    assert "Drop-out (customers give up)" in names and "Exit" in names
