"""App start and server memory: ``streamlit run`` subprocesses on free ports, a page loaded in Chromium.

Start is measured from launching the process until Chromium has loaded the first page
and Streamlit reports the script finished (``data-test-script-state='notRunning'``);
the time until ``/_stcore/health`` answers is noted as well. Its floor is
``floors/library_floor.py``, a bare app showing the first page's widgets with the same
journeys; a one-line app's start is noted beside it. Memory is the server process's
resident set (VmRSS) after that page was served.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.report import MEMORY, START
from bench.timing import Row, everything

__all__ = ["server_rows"]

ROOT = Path(__file__).parent.parent
ONE_LINE = Path(__file__).parent / "floors" / "oneline.py"
LIBRARY = Path(__file__).parent / "floors" / "library_floor.py"
CHROMIUM = "/usr/bin/chromium"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
LIBRARY_SHOWN = f"{READY} [data-testid='stDataFrame']"  # the first page's journey table is there


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _serve(browser, script: Path, db_url: str, path: str = "", ready: str = READY) -> tuple[float, float, float]:
    """Start ``script``, load ``path`` in a fresh page; return (health s, served s, RSS MB) and stop it."""
    port = _free_port()
    env = {**os.environ, "JOURNEYS_DB_URL": db_url}
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if time.perf_counter() - start > 120:
                raise RuntimeError(f"{script.name} did not start within 120 s")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        healthy = time.perf_counter() - start
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{url}/{path}")
        page.wait_for_selector(ready, timeout=120_000)
        served = time.perf_counter() - start
        rss = _rss_mb(server.pid)
        page.close()
        return healthy, served, rss
    finally:
        server.terminate()
        server.wait(timeout=20)


def server_rows(dbs, folder: Path, reps: int, *, want=everything) -> list[Row]:
    """App start until the first page is served vs a bare app showing that page (and a one-line app, noted); RSS
    with the portfolio loaded."""
    import shutil

    starts, memory = want(START), want(MEMORY)
    if not (starts or memory):
        return []
    ours, floor, one_line_start = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        # the app's first page (the journey library) on a copy of the core database, fresh per start
        for i in range(reps + 1 if starts else 0):
            db = folder / f"start-{i}.db"
            shutil.copy(dbs.core, db)
            a = _serve(browser, ROOT / "app.py", f"sqlite:///{db}", ready=LIBRARY_SHOWN)
            b = _serve(browser, LIBRARY, f"sqlite:///{db}", ready=LIBRARY_SHOWN)
            c = _serve(browser, ONE_LINE, f"sqlite:///{db}")
            if i:  # the first round warms the disk cache
                ours.append(a)
                floor.append(b)
                one_line_start.append(c)
            print(
                f"  start {i}: app {a[1]:.2f} s (health {a[0]:.2f} s), bare library {b[1]:.2f} s, "
                f"one-line {c[1]:.2f} s",
                flush=True,
            )
        if memory:
            portfolio = _serve(browser, ROOT / "app.py", dbs.url("portfolio"), "portfolio")
            one_line = _serve(browser, ONE_LINE, dbs.url("portfolio"))
        browser.close()

    def med(samples, i):
        return statistics.median(s[i] for s in samples)

    rows = []
    if starts:
        rows.append(
            Row(
                START,
                med(ours, 1) * 1000,
                med(floor, 1) * 1000,
                2,
                reps,
                note=f"health endpoint answers after {med(ours, 0):.2f} s (ours) vs {med(floor, 0):.2f} s (the bare "
                f"library); a one-line app's first page is served after {med(one_line_start, 1):.2f} s "
                f"({med(ours, 1) / med(one_line_start, 1):.2f}× for ours)",
            )
        )
    if memory:
        rows.append(
            Row(
                MEMORY,
                portfolio[2],
                one_line[2],
                None,
                1,
                unit="MB",
                note="RSS of the streamlit process after the page was served once",
            )
        )
        print(f"  memory: {portfolio[2]:.0f} MB vs {one_line[2]:.0f} MB", flush=True)
    return rows
