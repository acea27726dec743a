"""Slide-ready images: real PNGs of the requested size, bright inside Streamlit too, and a clear message without a browser."""

import io
import threading
import time
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from PIL import Image, ImageStat

from journeys.charts import images
from journeys.demo import broadband_demo, ebike_demo
from journeys.io import exports
from journeys.model.graph import touchpoints_in_order
from tests.marks import needs_browser
from tests.stress import size as stress_size

DAY = date(2025, 3, 14)
EACH = stress_size(20, 50)  # images each of two users exports at the same time (make stress: 50)


def pixels(png: bytes) -> tuple[tuple[int, int], float, float]:
    """Return the size, the mean brightness (0–255) and the share of pixels that are not (near) white."""
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    grey = image.convert("L")
    histogram = grey.histogram()
    return image.size, ImageStat.Stat(grey).mean[0], 1 - sum(histogram[245:]) / sum(histogram)


def slide_of(kind: str):
    G = broadband_demo()
    if kind == "portfolio":
        import pandas as pd

        cells = pd.DataFrame(
            {"journey": ["Broadband", "Broadband", "E-bike"], "stage": ["Support", "Use", "Use"]}
            | {"weakness": [0.4, 0.1, 0.3], "stage_order": [5, 4, 2], "journey_id": ["b", "b", "e"]}
        )
        return images.portfolio_slide(cells, day=DAY)
    return images.journey_slide(kind, G, exports.touchpoint_scores(G), day=DAY)


@needs_browser
@pytest.mark.parametrize("kind", [*images.FIGURES, "portfolio"])
def test_each_figure_is_a_bright_slide_of_the_requested_size(kind):
    """Map, heatmap, emotion curve, matrix and portfolio come out as 1920×1080 PNGs that are neither dark nor blank."""
    size, brightness, inked = pixels(images.to_png(slide_of(kind)))
    assert size == (1920, 1080)
    assert brightness > 150
    assert inked > 0.03


@needs_browser
def test_scale_multiplies_the_pixels_for_print():
    """Scale 2 gives a 3840×2160 image; an odd size comes out exactly as asked."""
    assert pixels(images.to_png(slide_of("emotions"), scale=2))[0] == (3840, 2160)
    assert pixels(images.to_png(slide_of("emotions"), width=1000, height=701))[0] == (1000, 701)


@needs_browser
def test_png_drawn_after_importing_streamlit_is_not_dark():
    """Inside the app's process plotly's default template is Streamlit's; the export still sets its own."""
    import streamlit  # noqa: F401  (switches plotly's default template, as in the app)

    assert pio.templates.default == "streamlit"
    fig = go.Figure(go.Heatmap(z=[[1, 2, 3], [3, 1, 2], [2, 3, 1]]))  # no template of its own
    assert pixels(images.to_png(fig))[1] > 150
    assert pixels(images.to_png(fig, template="streamlit"))[1] < 120  # what the app would export without the fix


@needs_browser
def test_svg_carries_title_journey_state_and_date():
    """The SVG is a drawing of the requested size with the slide's title, the journey, its state and the date."""
    svg = images.to_svg(slide_of("map")).decode("utf-8")
    assert svg.startswith("<svg") and 'width="1920"' in svg and 'height="1080"' in svg
    for text in ("Journey map", "Broadband: router set-up and the hotline", "as-is", "Mar 14, 2025"):
        assert text in svg


@needs_browser
def test_the_browser_is_started_once_and_kept():
    """After the first image, the next ones take well under a second each."""
    images.to_png(slide_of("emotions"), width=640, height=360)
    start = time.perf_counter()
    for _ in range(3):
        images.to_png(slide_of("emotions"), width=640, height=360)
    assert (time.perf_counter() - start) / 3 < 1.5


def test_slide_titles_in_german():
    """A German slide names the figure, the journey, its state and the date in German."""
    G = broadband_demo("de")
    fig = images.journey_slide("heatmap", G, exports.touchpoint_scores(G), lang="de", day=DAY)
    assert fig.layout.title.text == "<b>Wo die Journey schwach ist</b>"
    assert fig.layout.title.subtitle.text == f"{G.graph['name']} · Ist · 14.03.2025"
    assert fig.layout.template.layout.paper_bgcolor == "white"


def test_long_journeys_get_one_slide_per_stage():
    """The broadband demo (7 stages) is long: one slide per stage, each with only that stage's touchpoints."""
    G = broadband_demo()
    assert images.is_long(G) and not images.is_long(ebike_demo())
    slides = images.stage_slides(G, day=DAY)
    assert [sid for sid, _ in slides] == [s["id"] for s in G.graph["stages"]]
    order = touchpoints_in_order(G)
    for sid, fig in slides:
        shown = next(trace.customdata for trace in fig.data if trace.uid == "touchpoints")
        assert list(shown) == [n for n in order if G.nodes[n]["stage"] == sid]  # in journey order, every time
    support = dict(slides)["support"].layout.title
    assert support.text == "<b>Stage 6 of 7: Support</b>"
    assert "Arriving from Set up the router (Onboarding)" in support.subtitle.text


def test_browser_missing_says_how_to_install_one(tmp_path, monkeypatch):
    """Without Chrome or Chromium the error names the install commands, and the data exports still work."""
    images.stop()  # a warm browser would keep drawing
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    assert images.browser_path() is None
    with pytest.raises(images.BrowserMissing) as raised:
        images.to_png(slide_of("emotions"))
    message = str(raised.value)
    assert "apt-get install chromium" in message and "plotly_get_chrome" in message and "no-chromium" in message
    assert exports.data_files(broadband_demo())  # JSON, CSV, GraphML and Mermaid need no browser


@needs_browser
def test_a_browser_that_cannot_start_is_an_error_not_a_hang(monkeypatch):
    """A broken browser executable ends in a clear error instead of waiting forever."""
    images.stop()
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    start = time.perf_counter()
    with pytest.raises(images.RenderError, match="did not start"):
        images.to_png(slide_of("emotions"))
    assert time.perf_counter() - start < images.START_TIMEOUT + 10


@needs_browser
def test_two_users_exporting_at_once_each_get_their_own_images():
    """Two threads draw different images at the same time (20 each; 50 under `make stress`): every image is the one
    asked for (its own size and colour), never the other thread's; one warm browser serves both."""
    colours = {"red": (200, 30, 30), "blue": (30, 30, 200)}
    results: dict[str, list] = {name: [] for name in colours}

    def export(name: str, offset: int) -> None:
        for i in range(EACH):
            width, height = 320 + 2 * i + offset, 200 + i
            figure = go.Figure(go.Bar(x=["a"], y=[i]), layout={"paper_bgcolor": f"rgb{colours[name]}"})
            png = images.to_png(figure, width=width, height=height)
            results[name].append(((width, height), png))

    threads = [threading.Thread(target=export, args=(name, n)) for n, name in enumerate(colours)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    for name, colour in colours.items():
        assert len(results[name]) == EACH, f"{name}: {len(results[name])} of {EACH} images"
        for size, png in results[name]:
            image = Image.open(io.BytesIO(png)).convert("RGB")
            assert image.size == size, f"{name}: an image of {image.size}, asked for {size}"
            assert all(abs(a - b) < 8 for a, b in zip(image.getpixel((2, 2)), colour, strict=True)), name
