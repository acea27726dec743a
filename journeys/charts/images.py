"""Slide-ready PNG and SVG images of a journey's figures, drawn by kaleido in headless Chromium.

One Chromium is started on the first image and kept warm for the life of the
process (about 0.25 s an image instead of 3 s). It runs on a private event loop
in a daemon thread rather than in ``kaleido.start_sync_server``: that server
waits forever when the browser is missing or cannot start, and hands results
to whichever caller asks first, so two users exporting at once could swap images.

Every slide sets its template explicitly: inside the Streamlit process the
default template is one whose colours only the Streamlit page fills in, and an
image exported from there would come out near black. A slide carries its title,
the journey's name, its state and the date. Figures are laid out about 1536 px
wide and scaled up to the requested size, so the text grows with the slide.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import os
import textwrap
import threading
from datetime import date as Date
from pathlib import Path

import kaleido
import networkx as nx
import pandas as pd
import plotly.graph_objects as go
from choreographer.browsers import BrowserClosedError, BrowserFailedError, ChromeNotFoundError, Chromium

from journeys.charts.captions import escape, stage_names
from journeys.charts.journey_map import journey_map
from journeys.charts.review import emotion_curve, importance_performance, portfolio_heatmap, weakness_heatmap
from journeys.charts.style import template_dict
from journeys.i18n import t
from journeys.io.exports import file_stem
from journeys.model.graph import touchpoints_in_order

__all__ = [
    "FIGURES",
    "TEMPLATE",
    "RenderError",
    "BrowserMissing",
    "install_hint",
    "browser_path",
    "to_image",
    "to_png",
    "to_svg",
    "stop",
    "slide",
    "journey_figure",
    "journey_slide",
    "is_long",
    "stage_slides",
    "portfolio_slide",
    "image_files",
]

FIGURES = ("map", "heatmap", "emotions", "matrix")
"""The figures of one journey; the portfolio heatmap spans all journeys."""
TEMPLATE = "plotly_white"
TEXT_COLOR = "#263238"
MUTED_COLOR = "#546e7a"
LAYOUT_WIDTH = 1500  # lay a figure out at least this wide, then zoom up to the requested size
ZOOMS = (4, 3, 2.5, 2, 1.5, 1.25, 1)  # exact in binary, so the image gets exactly the requested pixels
START_TIMEOUT = 60  # seconds for Chromium to start
RENDER_TIMEOUT = 90  # seconds for one image


class RenderError(RuntimeError):
    """Raised when an image cannot be drawn."""


class BrowserMissing(RenderError):
    """Raised when no Chrome or Chromium is found to draw images; the message says how to install one."""

    def __init__(self, detail: str = ""):
        super().__init__(f"{detail + ' ' if detail else ''}{install_hint()}")


def install_hint() -> str:
    """Return how to get a browser for images, in one paragraph."""
    return (
        "No Chrome or Chromium was found to draw PNG and SVG images. Install one: "
        "on Debian or Ubuntu `sudo apt-get install chromium`; where the internet is reachable, "
        "`plotly_get_chrome` downloads one for kaleido. To use a browser elsewhere, set BROWSER_PATH "
        "to its executable. JSON, CSV, GraphML and Mermaid exports work without a browser."
    )


def browser_path() -> str | None:
    """Return the Chrome or Chromium kaleido would start (``BROWSER_PATH`` first), or None."""
    path = Chromium.find_browser(skip_local=False)
    return path if path and Path(path).is_file() else None


class _Renderer:
    """One kaleido browser on a private event loop, started on first use and kept."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    def _start(self) -> None:
        if browser_path() is None:
            configured = os.environ.get("BROWSER_PATH")
            raise BrowserMissing(f"BROWSER_PATH={configured!r} is not a browser." if configured else "")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-chromium", daemon=True)
        thread.start()

        async def open_browser():
            browser = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False)  # no MathJax: no CDN request
            await browser.open()
            return browser

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT)
        except ChromeNotFoundError as exc:
            self._end(loop, thread)
            raise BrowserMissing() from exc
        except Exception as exc:
            self._end(loop, thread)
            raise RenderError(f"Chromium at {browser_path()} did not start ({exc}). {install_hint()}") from exc
        self._loop, self._thread = loop, thread

    @staticmethod
    def _end(loop, thread) -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        if not thread.is_alive():
            loop.close()

    def stop(self) -> None:
        with self._lock:
            if self._loop is None:
                return
            with contextlib.suppress(Exception):  # a browser that is gone already is what we want
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(10)
            self._end(self._loop, self._thread)
            self._loop = self._thread = self._kaleido = None

    def render(self, fig: go.Figure, opts: dict) -> bytes:
        for attempt in range(2):
            with self._lock:
                if self._loop is None:
                    self._start()
                loop, browser = self._loop, self._kaleido
            future = asyncio.run_coroutine_threadsafe(browser.calc_fig(fig, opts), loop)
            try:
                return future.result(RENDER_TIMEOUT + 5)
            except (BrowserClosedError, BrowserFailedError):
                self.stop()  # Chromium died under us: start a fresh one once
                if attempt:
                    raise
        raise AssertionError("unreachable")


_renderer = _Renderer()
atexit.register(_renderer.stop)


def stop() -> None:
    """Close the warm browser (it starts again on the next image)."""
    _renderer.stop()


def _opts(fmt: str, width: int, height: int, scale: float) -> dict:
    whole = [z for z in ZOOMS if width % z == 0 and height % z == 0]
    zoom = next((z for z in whole if width / z >= LAYOUT_WIDTH), 1)
    return {"format": fmt, "width": width / zoom, "height": height / zoom, "scale": scale * zoom}


def _copy(fig: go.Figure, template) -> go.Figure:
    """A copy of ``fig`` with ``template`` (a name, or a template itself), not checked property by property again.

    ``fig`` is a figure already (checked when it was built); checking a copy of a map
    with hundreds of annotations again would cost more than drawing it.
    """
    out = go.Figure(fig, _validate=False)
    out.layout.template = template_dict(template) if isinstance(template, str) else template
    return out


def to_image(
    fig: go.Figure, fmt: str = "png", *, width: int = 1920, height: int = 1080, scale: float = 1, template=TEMPLATE
) -> bytes:
    """Return ``fig`` as a PNG of ``width × scale`` by ``height × scale`` pixels, or an SVG (``fmt="svg"``).

    Raises :class:`BrowserMissing` when no Chrome or Chromium is installed.
    """
    return _renderer.render(_copy(fig, template), _opts(fmt, width, height, scale if fmt == "png" else 1))


def to_png(fig: go.Figure, *, width: int = 1920, height: int = 1080, scale: float = 1, template=TEMPLATE) -> bytes:
    """Return ``fig`` as a PNG of ``width × scale`` by ``height × scale`` pixels."""
    return to_image(fig, "png", width=width, height=height, scale=scale, template=template)


def to_svg(fig: go.Figure, *, width: int = 1920, height: int = 1080, template=TEMPLATE) -> bytes:
    """Return ``fig`` as an SVG drawing of ``width`` by ``height``."""
    return to_image(fig, "svg", width=width, height=height, template=template)


def slide(fig: go.Figure, *, title: str, subtitle: str = "", template: str = TEMPLATE) -> go.Figure:
    """Return a copy of ``fig`` made for a slide: ``title`` and ``subtitle`` (plain text) on top, an explicit template."""
    out = _copy(fig, template)
    margin = out.layout.margin
    out.update_layout(
        title={
            "text": f"<b>{escape(title)}</b>",
            "subtitle": {"text": escape(subtitle).replace("\n", "<br>"), "font": {"size": 17, "color": MUTED_COLOR}},
            "x": 0.012,
            "xanchor": "left",
            "xref": "container",
            "y": 0.985,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": 26, "color": TEXT_COLOR},
        },
        margin={"t": max(margin.t or 0, 105) + 25, "l": max(margin.l or 0, 40), "r": max(margin.r or 0, 40)},
        font={"size": 14},
    )
    return out


def _subtitle(G: nx.DiGraph, lang: str, day: Date | None) -> str:
    state = t(f"state.{G.graph.get('state', 'as-is')}", lang)
    return t("export.subtitle", lang, journey=G.graph.get("name", ""), state=state, date=day or Date.today())


def journey_figure(kind: str, G: nx.DiGraph, table: pd.DataFrame, *, lang: str = "en", persona: str | None = None):
    """Return figure ``kind`` (one of :data:`FIGURES`) of journey ``G`` as the app shows it.

    ``table`` is its weakness table (:func:`journeys.io.exports.touchpoint_scores`).
    """
    if kind == "map":
        return journey_map(G, persona=persona, lang=lang, template=TEMPLATE)
    if kind == "heatmap":
        return weakness_heatmap(G, table, lang=lang)
    if kind == "emotions":
        return emotion_curve(G, lang=lang)
    if kind == "matrix":
        return importance_performance(G, table, lang=lang)
    raise ValueError(f"no figure {kind!r}; choose one of {', '.join(FIGURES)}")


def journey_slide(
    kind: str,
    G: nx.DiGraph,
    table: pd.DataFrame,
    *,
    lang: str = "en",
    persona: str | None = None,
    day: Date | None = None,
) -> go.Figure:
    """Return figure ``kind`` of ``G`` as a slide: what it shows, the journey's name, state and date on top."""
    fig = journey_figure(kind, G, table, lang=lang, persona=persona)
    return slide(fig, title=t(f"export.figure.{kind}", lang), subtitle=_subtitle(G, lang, day))


def is_long(G: nx.DiGraph) -> bool:
    """Return True for a journey too long for one readable slide (more than 4 stages or 12 touchpoints)."""
    stages = {G.nodes[n].get("stage") for n in G}
    return len(stages) > 4 or G.number_of_nodes() > 12


def _neighbours(G: nx.DiGraph, keys: set, names: dict, lang: str) -> str:
    """Where customers come from and go on to, outside the touchpoints ``keys`` of one stage."""

    def listed(nodes) -> str:
        shown = [f"{G.nodes[n].get('name') or n} ({names.get(G.nodes[n].get('stage'), '?')})" for n in nodes]
        return ", ".join(dict.fromkeys(shown))

    before = [u for u, v in G.edges if v in keys and u not in keys]
    after = [v for u, v in G.edges if u in keys and v not in keys]
    parts = [t("export.comes_from", lang, names=listed(before))] if before else []
    parts += [t("export.goes_to", lang, names=listed(after))] if after else []
    text = " · ".join(parts)
    return textwrap.shorten(text[:1].upper() + text[1:], 200, placeholder=" …")


def stage_slides(
    G: nx.DiGraph, *, lang: str = "en", persona: str | None = None, day: Date | None = None
) -> list[tuple[str, go.Figure]]:
    """Return ``(stage id, slide)`` for every stage with touchpoints: the map of that stage alone.

    The subtitle says where customers come from and where they go on to.
    """
    names = stage_names(G, lang)
    order = touchpoints_in_order(G)
    used = [sid for sid in names if any(G.nodes[n].get("stage") == sid for n in order)]
    slides = []
    for i, sid in enumerate(used, start=1):
        keys = [n for n in order if G.nodes[n].get("stage") == sid]
        # in journey order: a subgraph view would list them in the order of a set, different in every process
        H = nx.DiGraph()
        H.add_nodes_from((n, G.nodes[n]) for n in keys)
        H.add_edges_from((u, v, d) for u, v, d in G.edges(keys, data=True) if v in H)
        H.graph = copy.deepcopy(G.graph)
        H.graph["stages"] = [s for s in G.graph["stages"] if s.get("id") == sid]
        fig = journey_map(H, persona=persona, lang=lang, template=TEMPLATE)
        title = t("export.stage_title", lang, n=i, total=len(used), stage=names[sid])
        context = _neighbours(G, set(keys), names, lang)
        subtitle = _subtitle(G, lang, day) + (f"\n{context}" if context else "")
        slides.append((sid, slide(fig, title=title, subtitle=subtitle)))
    return slides


def portfolio_slide(
    cells: pd.DataFrame, *, rows: str = "journey", columns: str = "stage", lang: str = "en", day: Date | None = None
) -> go.Figure:
    """Return the portfolio heatmap (weakness across all journeys) as a slide."""
    fig = portfolio_heatmap(cells, rows=rows, columns=columns, lang=lang)
    journeys = cells["journey"].nunique() if "journey" in cells else 0
    subtitle = t("export.portfolio_subtitle", lang, count=journeys, date=day or Date.today())
    return slide(fig, title=fig.layout.title.text or t("export.figure.portfolio", lang), subtitle=subtitle)


def image_files(
    G: nx.DiGraph,
    table: pd.DataFrame,
    *,
    figures=FIGURES,
    stages: bool | None = None,
    formats=("png",),
    lang: str = "en",
    persona: str | None = None,
    width: int = 1920,
    height: int = 1080,
    scale: float = 1,
    day: Date | None = None,
    stem: str | None = None,
) -> dict[str, bytes]:
    """Return ``{file name: image}`` for each of ``figures`` in each of ``formats`` (``png``, ``svg``).

    ``stages`` adds one map per stage; by default only for a long journey (:func:`is_long`).
    Raises :class:`BrowserMissing` when no browser is installed.
    """
    stem = stem or file_stem(G)
    slides = [(kind, journey_slide(kind, G, table, lang=lang, persona=persona, day=day)) for kind in figures]
    if stages if stages is not None else is_long(G):
        slides += [
            (f"stage-{i:02d}-{sid}", fig)
            for i, (sid, fig) in enumerate(stage_slides(G, lang=lang, persona=persona, day=day), 1)
        ]
    size = {"width": width, "height": height, "scale": scale}
    return {f"{stem}-{name}.{fmt}": to_image(fig, fmt, **size) for name, fig in slides for fmt in formats}
