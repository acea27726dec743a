"""Page reruns under AppTest: the real app on a bench database next to a bare script showing the same."""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

import streamlit as st
from sqlmodel import Session
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

import store
from bench.report import EDITOR, PORTFOLIO, REVIEW
from bench.timing import Row, compare, everything
from journeys.analysis.flow import flow
from journeys.analysis.scoring import Weights, consensus, weakness_table
from journeys.charts.journey_map import journey_map
from journeys.charts.review import portfolio_heatmap, weakness_heatmap
from journeys.model import tables
from store import analysis

__all__ = ["page_rows"]

ROOT = Path(__file__).parent.parent
FLOORS = Path(__file__).parent / "floors"
# AppTest runs scripts without a server, and Streamlit warns about that on every element.
for _name in ("scriptrunner_utils.script_run_context", "caching.cache_data_api", "state.session_state_proxy"):
    logging.getLogger(f"streamlit.runtime.{_name}").disabled = True


def _compile_once() -> None:
    """Keep each script's bytecode between runs, as a server does; AppTest alone compiles anew every run.

    A server compiles a script (and rewrites its AST for Streamlit's "magic") once and
    reruns the bytecode; AppTest makes a new ``ScriptCache`` for every run. That costs
    ours (``app.py`` and a page of 100–150 lines) several milliseconds a run that a user
    never waits for, and the floor's ten-line script almost nothing. One cache for the
    whole bench, for ours and the floor alike, measures a rerun as a server runs it.
    """
    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def _use_database(url: str) -> None:
    os.environ["JOURNEYS_DB_URL"] = url
    st.cache_resource.clear()  # the app's engine is cached per process
    st.cache_data.clear()


def _app(page: str, jid: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["author"] = "bench"
    if jid:
        at.query_params["journey"] = jid
    at.switch_page(page)
    return at


def _floor(script: str, shown, folder: Path) -> AppTest:
    path = folder / f"{script}.pickle"
    path.write_bytes(pickle.dumps(shown))
    os.environ["BENCH_SHOWN"] = str(path)
    return AppTest.from_file(str(FLOORS / f"{script}.py"), default_timeout=300)


def _run(at: AppTest, expect: str):
    def run():
        at.run()
        if at.exception:
            raise RuntimeError(f"{expect}: {at.exception[0].message}")

    run()
    if not (at.data_editor if expect == "data_editor" else at.get(expect)):
        raise RuntimeError(f"the page shows no {expect}")
    return run


def _graph(url: str, jid: str):
    engine = store.make_engine(url)
    with Session(engine) as session:
        G, _ = store.load_journey(session=session, journey_id=jid)
    engine.dispose()
    return G


def editor_row(dbs, n: int, reps: int, folder: Path) -> Row:
    _use_database(dbs.url())
    G = _graph(dbs.url(), dbs.ids[n])
    figure = journey_map(G, persona=None, lang="en", selected=None)
    figure.update_layout(title_text="", margin_t=10)
    ours = _run(_app("pages/editor.py", dbs.ids[n]), "data_editor")
    floor = _run(_floor("editor_floor", (tables.touchpoints_frame(G), figure), folder), "data_editor")
    return compare(EDITOR.format(n=n), ours, floor, reps=reps, target=1.5)


def review_row(dbs, n: int, reps: int, folder: Path) -> Row:
    _use_database(dbs.url())
    G = _graph(dbs.url(), dbs.ids[n])
    table = weakness_table(G, consensus([]), weights=Weights(), visits=flow(G).visits)
    ours = _run(_app("pages/review.py", dbs.ids[n]), "plotly_chart")
    floor = _run(_floor("heatmap_floor", weakness_heatmap(G, table, lang="en"), folder), "plotly_chart")
    return compare(REVIEW.format(n=n), ours, floor, reps=reps, target=1.5)


def portfolio_row(dbs, reps: int, folder: Path) -> Row:
    _use_database(dbs.url("portfolio"))
    ours = _run(_app("pages/portfolio.py", None), "plotly_chart")  # the first run computes the metrics
    engine = store.make_engine(dbs.url("portfolio"))
    with Session(engine) as session:
        cells = analysis.portfolio(session=session, rows="journey", columns="stage", weights=Weights())
    engine.dispose()
    floor = _run(
        _floor("heatmap_floor", portfolio_heatmap(cells, rows="journey", columns="stage"), folder), "plotly_chart"
    )
    return compare(PORTFOLIO, ours, floor, reps=reps, target=1.5)


def page_rows(dbs, folder: Path, reps: dict, growth: bool, *, want=everything, recompile: bool = False) -> list[Row]:
    if not recompile:
        _compile_once()
    sizes = {200: reps["page"], **({2_000: reps["page_2000"]} if growth else {})}
    rows = [editor_row(dbs, n, r, folder) for n, r in sizes.items() if want(EDITOR.format(n=n))]
    rows += [review_row(dbs, n, r, folder) for n, r in sizes.items() if want(REVIEW.format(n=n))]
    if want(PORTFOLIO):
        rows.append(portfolio_row(dbs, reps["page"], folder))
    return rows
