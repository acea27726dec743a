"""What a person waits for in the browser: the real app served by ``streamlit run``, driven in headless Chromium.

Each interaction is timed from the user's action (a click, a key) until the server has finished the script
run it set off (Streamlit's ``script_finished`` message on the WebSocket, read with Streamlit's own protobuf
classes), the result is on the page, and the browser has painted two frames after it. A run that ends early
for another run (``st.rerun``) does not count as the end; a run the browser asks for right after it (a
widget sending its value on mount) is waited for as well. The bytes are those the server sent over the
WebSocket for the interaction.

The floor is :file:`bench/floors/browser_floor.py`: a bare Streamlit app with the same widgets showing the
same data, doing the same interaction, served and driven the same way, in the same browser and run.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.report import BROWSER, BROWSER_BYTES, ROWS
from bench.timing import Row, everything

__all__ = ["browser_rows"]

ROOT = Path(__file__).parent.parent
APP = ROOT / "app.py"
FLOOR = Path(__file__).parent / "floors" / "browser_floor.py"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
PAINTED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
DRAWN = """() => !document.querySelector("[data-testid='stSkeleton']")
    && [...document.querySelectorAll("[data-testid='stPlotlyChart']")].every(chart => chart.querySelector('.main-svg'))"""
IDLE = "() => document.querySelector(\"[data-testid='stApp']\")?.dataset.testScriptState === 'notRunning'"
FREE_SPOT = """(map, n) => {
    const root = map.getRootNode();
    const svg = map.getBoundingClientRect();
    for (let k = 0, y = svg.top + 60; y < Math.min(svg.bottom, innerHeight) - 10; y += 23)
        for (let x = svg.left + 40; x < Math.min(svg.right, innerWidth) - 10; x += 29) {
            const free = [[0, 0], [-20, 0], [20, 0], [0, -20], [0, 20]].every(([dx, dy]) => {
                const hit = root.elementFromPoint(x + dx, y + dy);
                return hit && hit.matches('rect.column');
            });
            if (free && k++ === n) return [x, y];
        }
    return null;
}"""


class Wire:
    """What the server sends a page over the WebSocket: the bytes and the ends of the runs that the page's own
    actions set off, and apart from them those of the runs of a timer.

    A part of a page that refreshes on its own (``st.fragment(run_every=…)``, the app's live part) is announced
    by an ``auto_rerun`` message naming the fragment; the browser then asks for a run of it every few seconds,
    whatever the user does. Every run begins with a ``new_session`` message naming the fragments it runs
    (``metadata.run.fragment_ids``) and ends with ``script_finished``, and a session's runs follow each other
    on the wire: a run of timed fragments only, from its ``new_session`` to its ``script_finished``, is the
    timer's, not an interaction's (a run of an interaction's fragment and a timed one together is counted as
    the interaction's). The floor has no timer, so its counts are the same either way.

    Every run's end counts as an end, a timer run's too: where a timer run starts before the server has sent the
    messages of the run just before it, Streamlit rewrites that run's end to "finished early for a rerun", and
    the timer run's end is then the first one that says the page is done."""

    def __init__(self, page: Page):
        self.received = 0
        self.finished: list[int] = []
        self.timed: set[str] = set()  # the fragments that rerun on a timer
        self.by_timer = False  # whether the run now on the wire is a timer's
        self.polls: list[int] = []  # the bytes of each timer run
        page.on("websocket", lambda socket: socket.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        message = ForwardMsg()
        try:
            message.ParseFromString(data)
        except Exception:  # not a message of Streamlit's: counted, not read
            self.received += len(data)
            return
        kind = message.WhichOneof("type")
        if kind == "auto_rerun":
            self.timed.add(message.auto_rerun.fragment_id)
        elif kind == "new_session":
            run = set(message.metadata.run.fragment_ids)
            self.by_timer = bool(run) and run <= self.timed
            if self.by_timer:
                self.polls.append(0)
        if self.by_timer:
            self.polls[-1] += len(data)
            self.by_timer = kind != "script_finished"
        else:
            self.received += len(data)
        if kind == "script_finished":  # a timer run's end too: it may be the interaction's (see above)
            self.finished.append(message.script_finished)


@dataclass
class Served:
    """A script served by ``streamlit run`` and a page of Chromium on it."""

    page: Page
    wire: Wire
    url: str
    first_column: int | None = None  # the number the touchpoint table gives its first column, once seen

    def waited(self, action: Callable[[], object], shown: Callable[[], object]) -> tuple[float, int]:
        """Do ``action``; wait until its script runs are done, ``shown()`` returns (it waits until the result is
        on the page) and the page painted. Return (seconds, bytes received)."""
        runs, sent = len(self.wire.finished), self.wire.received
        start = time.perf_counter()
        action()
        self._settle(runs, start)
        shown()
        self.page.evaluate(PAINTED)
        while not self.page.evaluate(IDLE):  # the page asked for another run after this one
            self._settle(len(self.wire.finished) - 1, start)
            self.page.evaluate(PAINTED)
        return time.perf_counter() - start, self.wire.received - sent

    def _settle(self, runs: int, start: float) -> None:
        while not any(status in DONE for status in self.wire.finished[runs:]):
            if time.perf_counter() - start > 180:
                raise RuntimeError("the script did not finish within 180 s")
            self.page.wait_for_timeout(2)  # lets Playwright deliver the WebSocket's frames


@contextmanager
def served(browser, scripts: tuple[Path, ...], db_url: str) -> Iterator[tuple[Callable[[str], Served], ...]]:
    """Serve each of ``scripts`` on a free port, all starting at once; yield for each a function opening a path of
    it in a fresh page (of one browser context per script: what a page keeps in the browser's storage, such as the
    user's name, the next one finds). The page is loading when it is returned: :func:`ready` waits for it."""
    servers = []
    contexts = [browser.new_context(viewport={"width": 1600, "height": 1000}) for _ in scripts]
    try:
        servers = [_launch(script, db_url) for script in scripts]
        urls = [_wait_until_up(script, *launched) for script, launched in zip(scripts, servers, strict=True)]

        def opener(context, url: str) -> Callable[[str], Served]:
            def open_page(path: str) -> Served:
                page = context.new_page()
                wire = Wire(page)
                page.goto(f"{url}/{path}", wait_until="commit")
                return Served(page, wire, url)

            return open_page

        yield tuple(opener(context, url) for context, url in zip(contexts, urls, strict=True))
    finally:
        for context in contexts:
            context.close()
        for _, server in servers:  # all asked to stop, then waited for
            server.terminate()
        for _, server in servers:
            server.wait(timeout=20)


def ready(*pages: Served) -> None:
    """Wait until each of ``pages`` (loading at once) has been served and drawn, as a person sees it before they
    click: its first script run has finished (a page just loaded says it is idle before that run has begun), its
    script is idle, no element waits for its code any more (Streamlit loads a chart's, a table's on first use and
    shows a placeholder until then) and its charts are drawn."""
    start = time.perf_counter()
    for served_page in pages:
        served_page._settle(0, start)
        served_page.page.wait_for_function(IDLE, timeout=180_000)
    for served_page in pages:
        served_page.page.wait_for_function(DRAWN, timeout=180_000)
        served_page.page.evaluate(PAINTED)


def _launch(script: Path, db_url: str) -> tuple[str, subprocess.Popen]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT if script == APP else script.parent,  # the floor with Streamlit's defaults, not the app's settings
        env={**os.environ, "JOURNEYS_DB_URL": db_url, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return f"http://127.0.0.1:{port}", server


def _wait_until_up(script: Path, url: str, server: subprocess.Popen) -> str:
    deadline = time.perf_counter() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return url
        except OSError:
            if time.perf_counter() > deadline:
                server.kill()
                raise RuntimeError(f"{script.name} did not start within 120 s") from None
            time.sleep(0.05)


# The interactions. Each takes the served page, the journey's size, the repetition and whether the page is
# ours, does the interaction once (untimed set-up first, where it needs one) and returns (seconds, bytes).


def select_on_map(s: Served, n: int, i: int, ours: bool) -> tuple[float, int]:
    k = 2 + (i * 7) % (min(n, 20) - 1)  # near the start (in view on the map), never the one shown first
    marker = s.page.locator(f"g.touchpoint[data-key='tp-{k}'] .marker")
    box = _box(marker)
    picker = s.page.get_by_role("combobox", name="Touchpoint")  # the detail panel's choice of touchpoint
    return s.waited(
        lambda: s.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
        lambda: expect(picker).to_have_value(f"Touchpoint {k}", timeout=180_000),
    )


def _box(locator) -> dict:
    """The element's box on screen, scrolled into view; looked for again where the map was drawn anew meanwhile
    (after a run the page asked for by itself, such as the one a name given in the sidebar sets off)."""
    for _ in range(50):
        try:
            locator.scroll_into_view_if_needed(timeout=5_000)
            if box := locator.bounding_box():
                return box
        except PlaywrightError:  # the element was replaced by the map's next drawing
            pass
        locator.page.wait_for_timeout(50)
    raise RuntimeError(f"{locator} never stayed on the page long enough to be clicked")


def edit_cell(s: Served, n: int, i: int, ours: bool) -> tuple[float, int]:
    grid = s.page.get_by_test_id("stDataFrame").last  # the touchpoint table, below the detail panel
    grid.scroll_into_view_if_needed()
    editor = s.page.locator("#portal").locator("textarea.gdg-input, input").last
    chosen = grid.locator("td[aria-selected='true']")  # the grid's hidden cells say which one is selected
    for _ in range(5):  # the first row's owner cell; a click a table just drawn did not take is made again
        s.page.keyboard.press("Escape")
        grid.click(position={"x": 60, "y": 35 + 17})  # the first row's first column: ours its name, the floor's key
        try:
            if s.first_column is None:  # the first time: nothing is selected before the click
                expect(chosen).to_have_id(re.compile(r"glide-cell-\d+-0$"), timeout=2_000)
                s.first_column = int(re.fullmatch(r"glide-cell-(\d+)-0", chosen.get_attribute("id") or "")[1])
            else:  # the selection of the round before moves to where the click was
                expect(chosen).to_have_id(f"glide-cell-{s.first_column}-0", timeout=2_000)
            owner = s.first_column + (3 if ours else 4)  # ours: name, stage, channel, owner; the floor: key first
            for _ in range(owner - s.first_column):
                s.page.keyboard.press("ArrowRight")
            expect(chosen).to_have_id(f"glide-cell-{owner}-0", timeout=5_000)
            s.page.keyboard.press("Enter")
            expect(editor).to_be_editable(timeout=5_000)
            break
        except (AssertionError, TypeError):  # not taken, or the table drawn anew between the check and the read
            continue
    owner_text = f"Owner {i}"
    editor.fill(owner_text)
    return s.waited(
        lambda: editor.press("Tab"), lambda: grid.get_by_text(owner_text, exact=True).first.wait_for(state="attached")
    )


def add_on_map(s: Served, n: int, i: int, ours: bool) -> tuple[float, int]:
    canvas = s.page.locator(".journey-canvas svg")
    canvas.scroll_into_view_if_needed()
    spot = canvas.evaluate(FREE_SPOT, i)
    name = f"Bench step {i}"

    def add():
        s.page.mouse.click(*spot)
        s.page.keyboard.type(name)
        s.page.keyboard.press("Enter")

    return s.waited(add, lambda: canvas.locator(f"g.touchpoint[aria-label*='{name}']").wait_for())


def switch_view(s: Served, n: int, i: int, ours: bool) -> tuple[float, int]:
    view = ("Importance–performance" if ours else "matrix") if i % 2 == 0 else ("Heatmap" if ours else "heatmap")
    chart = s.page.locator(".js-plotly-plot").first
    return s.waited(s.page.get_by_role("radio", name=view, exact=True).click, lambda: chart.wait_for())


def to_review(s: Served, n: int, i: int, ours: bool) -> tuple[float, int]:
    nav = s.page.get_by_test_id("stSidebarNav")
    if urlsplit(s.page.url).path.endswith("/review"):  # the round before left the page there: back, untimed
        canvas = s.page.locator(".journey-canvas svg")
        s.waited(nav.get_by_role("link", name="Editor").click, lambda: canvas.wait_for())
    chart = s.page.locator(".js-plotly-plot").first
    return s.waited(nav.get_by_role("link", name="Review").click, lambda: chart.wait_for())


def save(s: Served, n: int, i: int, ours: bool) -> tuple[float, int]:
    edit_cell(s, n, 100 + i, ours)  # a change to save
    button = s.page.get_by_role("button", name=re.compile("^Save")).first
    said = s.page.get_by_text(f"Saved · version {i + 2}").first
    return s.waited(button.click, lambda: said.wait_for())


@dataclass
class Interaction:
    what: str  # the row's name, with {n}
    path: str  # the page, with {jid}
    run: Callable[[Served, int, int, bool], tuple[float, int]]
    ends: str | None = None  # the page it leaves open, where that is another than ``path``


INTERACTIONS = (  # those on one page next to each other: the page opened once serves them in turn
    Interaction("select a touchpoint on the map", "editor?journey={jid}", select_on_map),
    Interaction("edit a table cell", "editor?journey={jid}", edit_cell),
    Interaction("add a touchpoint on the map", "editor?journey={jid}", add_on_map),
    Interaction("save", "editor?journey={jid}", save),
    Interaction("Editor → Review in the sidebar", "editor?journey={jid}", to_review, ends="review?journey={jid}"),
    Interaction("switch the Review view", "review?journey={jid}", switch_view),
)  # fmt: skip


def browser_rows(dbs, sizes, reps: dict, *, want=everything, warm: int = 1) -> list[Row]:
    """Every interaction at every size, ours against the floor, alternately, in one browser. Interactions on the
    same page follow each other on it, as a user's do: the page is opened (both at once, untimed) when the next
    interaction is on another page or journey."""
    todo = [(x, n) for n in sizes for x in INTERACTIONS if want(BROWSER.format(what=x.what, n=n))]
    if not todo:
        return []
    rows, polls = [], {"ours": [], "floor": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        with served(browser, (APP, FLOOR), dbs.url("core")) as (ours, floor):
            opened, pages = None, {}
            for x, n in todo:
                path = x.path.format(jid=dbs.ids[n])
                if path != opened:
                    _close(pages, polls)
                    opened, pages = path, {"ours": ours(path), "floor": floor(path)}  # both load at once
                    ready(*pages.values())
                    if not rows:
                        _sign_in(pages["ours"])
                rows += _measure(x, n, reps[n], pages, warm)
                opened = (x.ends or x.path).format(jid=dbs.ids[n])
            _close(pages, polls)
        browser.close()
    for name, sizes_ in polls.items():  # what the interactions' bytes leave out: the live part's own refreshes
        print(f"  timer runs on the {name} pages, left out of the interactions' bytes: {len(sizes_)}"
              + (f", {statistics.median(sizes_) / 1024:.2f} KB each (median)" if sizes_ else ""), flush=True)  # fmt: skip
    return sorted(rows, key=lambda row: ROWS.index(row.what))  # in the report's order


def _close(pages: dict[str, Served], polls: dict[str, list[int]]) -> None:
    for name, served_page in pages.items():
        polls[name] += served_page.wire.polls
        served_page.page.close()


def _sign_in(served_page: Served) -> None:
    """The app asks for a name before a save; the bench gives it once, on the first page it opens (the browser's
    storage keeps it for the pages after)."""
    page = served_page.page
    page.get_by_label("Your name").fill("Bench")
    page.get_by_label("Your name").press("Enter")
    page.wait_for_function(IDLE)
    page.evaluate(PAINTED)
    page.wait_for_function(IDLE)  # and a run the page asked for after it


def _measure(x: Interaction, n: int, reps: int, pages: dict[str, Served], warm: int) -> list[Row]:
    samples = {"ours": [], "floor": []}
    for i in range(warm + reps):  # the first rounds warm caches on both sides (a quick run has none)
        for name, is_ours in (("ours", True), ("floor", False)):
            try:
                took = x.run(pages[name], n, i, is_ours)
            except Exception as error:
                picture = Path(tempfile.gettempdir()) / f"bench-{name}-{n}.png"
                pages[name].page.screenshot(path=picture, full_page=True)
                raise RuntimeError(f"{x.what}, {n} touchpoints, {name}: {error}; the page: {picture}") from error
            if i >= warm:
                samples[name].append(took)
    ours_s = statistics.median(t for t, _ in samples["ours"])
    floor_s = statistics.median(t for t, _ in samples["floor"])
    ours_b = statistics.median(b for _, b in samples["ours"])
    floor_b = statistics.median(b for _, b in samples["floor"])
    target = 1.5 if n <= 200 else 2
    print(
        f"  {x.what}, {n}: {ours_s:.2f} s vs {floor_s:.2f} s; {ours_b / 1024:.0f} vs {floor_b / 1024:.0f} KB",
        flush=True,
    )
    return [
        Row(BROWSER.format(what=x.what, n=n), ours_s * 1000, floor_s * 1000, target, reps),
        Row(BROWSER_BYTES.format(what=x.what, n=n), ours_b / 1024, floor_b / 1024, 1.5, reps, unit="KB"),
    ]
