"""Rows measured in-process: store load and save, analysis, JSON and PNG export."""

from __future__ import annotations

import json
import sqlite3
import warnings

import kaleido
import networkx as nx
import plotly.io as pio
from sqlmodel import Session

import store
from bench.data import journey
from bench.report import ANALYSIS, JSON, LOAD, PNG, POLL, SAVE
from bench.timing import Row, compare, everything
from journeys.analysis.diagnostics import diagnose
from journeys.analysis.flow import flow
from journeys.analysis.scoring import weakness_table
from journeys.charts import images
from journeys.io import interchange
from journeys.io.exports import touchpoint_scores
from store import presence

__all__ = ["analysis_rows", "json_rows", "load_rows", "png_row", "png_rows", "poll_rows", "save_rows"]

# The rows read_graph reads, as plain SQL over the same tables.
_CHILD = "SELECT c.* FROM {table} c JOIN touchpoint t ON t.id = c.touchpoint_id WHERE t.journey_id = ? ORDER BY {order}"
LOAD_SQL = (
    "SELECT * FROM journey WHERE id = ?",
    "SELECT * FROM stage WHERE journey_id = ? ORDER BY position",
    "SELECT * FROM persona WHERE journey_id = ? ORDER BY position",
    "SELECT * FROM touchpoint WHERE journey_id = ? ORDER BY position",
    _CHILD.format(table="touchpointpersona", order="c.touchpoint_id, c.position"),
    _CHILD.format(table="emotion", order="c.touchpoint_id"),
    _CHILD.format(table="need", order="c.touchpoint_id, c.position"),
    _CHILD.format(table="pain_point", order="c.touchpoint_id, c.position"),
    "SELECT * FROM [transition] WHERE journey_id = ? ORDER BY position",
)


def _raw(path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the app's settings (WAL is already on in the file)."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    return con


def load_rows(dbs, sizes, reps, *, want=everything) -> list[Row]:
    sizes = [n for n in sizes if want(LOAD.format(n=n))]
    if not sizes:
        return []
    engine, con = store.make_engine(dbs.url()), _raw(dbs.core)
    rows = []
    for n in sizes:
        jid = dbs.ids[n]

        def ours(jid=jid):
            with Session(engine) as session:
                store.load_journey(session=session, journey_id=jid)

        def floor(jid=jid):
            for sql in LOAD_SQL:
                con.execute(sql, (jid,)).fetchall()

        rows.append(compare(LOAD.format(n=n), ours, floor, reps=reps[n], target=3))
    engine.dispose()
    con.close()
    return rows


def save_rows(dbs, sizes, reps, *, want=everything) -> list[Row]:
    """Save one changed touchpoint (experience score) with ``base=`` the loaded graph."""
    sizes = [n for n in sizes if want(SAVE.format(n=n))]
    if not sizes:
        return []
    engine, con = store.make_engine(dbs.url()), _raw(dbs.core)
    rows = []
    for n in sizes:
        jid = dbs.ids[n]
        with Session(engine) as session:
            base, version = store.load_journey(session=session, journey_id=jid)
        tp_id = con.execute("SELECT id FROM touchpoint WHERE journey_id = ? AND key = ?", (jid, "tp-2")).fetchone()[0]
        state = {"base": base, "version": version, "changed": None, "value": 1}

        def before(state=state, n=n):
            state["value"] = state["value"] % 5 + 1
            changed = state["base"].copy()
            changed.nodes[f"tp-{n // 2}"]["experience"] = state["value"]
            state["changed"] = changed

        def ours(state=state):
            with Session(engine) as session:
                state["version"] = store.save_journey(
                    session=session,
                    graph=state["changed"],
                    expected_version=state["version"],
                    author="bench",
                    base=state["base"],
                )
            state["base"] = state["changed"]

        def floor(state=state, tp_id=tp_id):
            con.execute("UPDATE touchpoint SET experience = ? WHERE id = ?", (state["value"], tp_id))
            con.commit()

        what = SAVE.format(n=n)
        rows.append(compare(what, ours, floor, reps=reps[n], target=3, before=before))
    engine.dispose()
    con.close()
    return rows


# The poll of store.presence.look, as plain SQL: the journey's row by its key, and the presence rows under it.
POLL_SQL = (
    "SELECT j.version, j.change_count, j.updated_by, CURRENT_TIMESTAMP, p.tab, p.name, p.page, p.seen_at "
    "FROM journey j LEFT OUTER JOIN presence p ON p.journey_id = j.id WHERE j.id = ? AND j.deleted_at IS NULL"
)
PEOPLE = 50


def poll_rows(dbs, reps, *, want=everything) -> list[Row]:
    """What every open journey page asks every few seconds (ui/live.py), with 50 people on the journey."""
    if not want(POLL):
        return []
    engine, con = store.make_engine(dbs.url()), _raw(dbs.core)
    jid = dbs.ids[200]
    con.execute("DELETE FROM presence WHERE journey_id = ?", (jid,))  # the browser rows' own tabs on it
    con.commit()
    with Session(engine) as session:
        for i in range(PEOPLE):
            presence.beat(session=session, journey_id=jid, tab=f"tab-{i}", name=f"Person {i}", page="edit")

    def ours():
        with Session(engine) as session:
            seen = presence.look(session=session, journey_id=jid)
        assert len(seen.here) == PEOPLE

    def floor():
        assert len(con.execute(POLL_SQL, (jid,)).fetchall()) == PEOPLE

    row = compare(POLL, ours, floor, reps=reps, target=3, note=f"{PEOPLE} presence rows under the journey")
    engine.dispose()
    con.close()
    return [row]


def _analyse(G: nx.DiGraph) -> None:
    result = flow(G)  # read the journey once: the table and the diagnostics take it from the flow
    table = weakness_table(G, {}, visits=result.visits, flow=result)
    diagnose(G, table["weakness"], flow=result)


def analysis_rows(sizes, reps, *, want=everything) -> list[Row]:
    rows = []
    for n in sizes:
        what = ANALYSIS.format(n=n)
        if not want(what):
            continue
        G = journey(n)
        rows.append(compare(what, lambda G=G: _analyse(G), lambda G=G: nx.pagerank(G), reps=reps[n], target=3))
    return rows


def json_rows(sizes, reps, *, want=everything) -> list[Row]:
    """Export as the app does (``interchange.dumps``) and import it again (``interchange.loads``, validated)."""
    rows = []
    for n in sizes:
        if not want(JSON.format(n=n)):
            continue
        G = journey(n)

        def ours(G=G):
            interchange.loads(interchange.dumps(G))

        def floor(G=G):
            json.loads(json.dumps(nx.node_link_data(G, edges="edges"), ensure_ascii=False, indent=2))

        rows.append(compare(JSON.format(n=n), ours, floor, reps=reps[n], target=2))
    return rows


def png_row(reps: int, n: int = 200) -> Row:
    """The journey map as a 1920 × 1080 slide: ours through the warm renderer, the floor through plotly + kaleido."""
    G = journey(n)
    fig = images.journey_slide("map", G, touchpoint_scores(G), day=None)
    opts = images._opts("png", 1920, 1080, 1)
    plain = images._copy(fig, images.TEMPLATE)
    warnings.filterwarnings("ignore", message="The kopts argument is ignored")  # plotly's notice for the sync server
    kaleido.start_sync_server(n=1, timeout=images.RENDER_TIMEOUT, mathjax=False, silence_warnings=True)
    try:

        def floor():
            pio.to_image(plain, format="png", width=opts["width"], height=opts["height"], scale=opts["scale"])

        row = compare(
            PNG.format(n=n),
            lambda: images.to_png(fig),
            floor,
            reps=reps,
            target=1.2,
            warmup=2,
        )
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return row


def png_rows(reps: int, n: int = 200, *, want=everything) -> list[Row]:
    """The PNG row, if ``want`` asks for it."""
    return [png_row(reps, n)] if want(PNG.format(n=n)) else []
