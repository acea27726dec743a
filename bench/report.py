"""The result table on the terminal and in ``docs/performance.md`` (between the bench markers)."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench.timing import Row

__all__ = [
    "BROWSER",
    "BROWSER_BYTES",
    "INTERACTIONS",
    "ROWS",
    "NEEDS_CORE",
    "NEEDS_PORTFOLIO",
    "SLOW",
    "machine",
    "print_table",
    "write_markdown",
]

# The rows' names, in the order of the table (``--only`` matches against these).
LOAD = "load a journey from the store, {n:,} touchpoints"
SAVE = "save one changed touchpoint, {n:,} touchpoints"
POLL = "poll an open journey (its version, who is here), 50 people on it"
ANALYSIS = "flow + weakness + diagnostics, {n:,} touchpoints"
EDITOR = "Editor page rerun (AppTest), {n:,} touchpoints"
REVIEW = "Review page rerun (AppTest), {n:,} touchpoints"
PORTFOLIO = "Portfolio page rerun (AppTest), 200 journeys × 50"
PNG = "PNG export warm (journey map, {n} touchpoints)"
JSON = "JSON export + import, {n:,} touchpoints"
BROWSER = "browser: {what}, {n:,} touchpoints"
BROWSER_BYTES = "browser: {what}, bytes sent, {n:,} touchpoints"
INTERACTIONS = (
    "select a touchpoint on the map",
    "edit a table cell",
    "add a touchpoint on the map",
    "switch the Review view",
    "Editor → Review in the sidebar",
    "save",
)
START = "browser: app start until the first page is served"
MEMORY = "server memory (RSS) with the portfolio page served"
ROWS = (
    *(
        row.format(what=what, n=n)
        for what in INTERACTIONS
        for n in (20, 200, 2_000)
        for row in (BROWSER, BROWSER_BYTES)
    ),
    START,
    *(LOAD.format(n=n) for n in (20, 200, 2_000)),
    *(SAVE.format(n=n) for n in (200, 2_000)),
    POLL,
    *(ANALYSIS.format(n=n) for n in (200, 2_000, 20_000)),
    *(EDITOR.format(n=n) for n in (200, 2_000)),
    *(REVIEW.format(n=n) for n in (200, 2_000)),
    PORTFOLIO,
    PNG.format(n=200),
    *(JSON.format(n=n) for n in (200, 2_000)),
    MEMORY,
)
NEEDS_CORE = tuple(  # rows that read the core database (one journey per size)
    what for what in ROWS if what.startswith(("load ", "save ", "poll ", "Editor ", "Review ", "browser: "))
)
NEEDS_PORTFOLIO = (PORTFOLIO, MEMORY)  # rows that read the portfolio database (200 journeys × 50)
SLOW = (  # rows a quick run leaves out: each starts a server or a browser anew, or works on the largest data
    START, MEMORY, PORTFOLIO, PNG.format(n=200), ANALYSIS.format(n=20_000), EDITOR.format(n=2_000),
    REVIEW.format(n=2_000),
)  # fmt: skip

DOC = Path(__file__).parent.parent / "docs" / "performance.md"
BEGIN, END = "<!-- bench:start (written by python -m bench) -->", "<!-- bench:end -->"
LIBRARIES = (
    "streamlit",
    "plotly",
    "kaleido",
    "pandas",
    "numpy",
    "scipy",
    "networkx",
    "sqlalchemy",
    "sqlmodel",
    "jsonschema",
)
SIZE = re.compile(r"^(.*), ([\d,]+) touchpoints$")


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    mem_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    try:
        chromium = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except OSError:
        chromium = "not found"
    return {
        "CPU": model,
        "cores": f"{os.cpu_count()} (as the OS sees them; other processes share them)",
        "RAM": f"{mem_kb / 1024**2:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "libraries": ", ".join(f"{name} {version(name)}" for name in LIBRARIES),
        "browser": chromium,
    }


def _fmt(value: float, unit: str) -> str:
    if unit in ("MB", "KB"):
        return f"{value:,.0f} {unit}" if value >= 10 else f"{value:,.1f} {unit}"
    return f"{value:,.1f} ms" if value < 1000 else f"{value / 1000:,.2f} s"


def _cells(row: Row) -> list[str]:
    target = f"≤ {row.target:g}×" if row.target is not None else "report"
    return [
        row.what,
        _fmt(row.ours, row.unit),
        _fmt(row.floor, row.unit),
        f"{row.ratio:.2f}×",
        target,
        row.verdict,
        str(row.reps),
    ]


HEAD = ["what", "ours (median)", "floor (median)", "ratio", "target", "result", "reps"]


def print_table(rows: list[Row]) -> None:
    table = [HEAD, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEAD))]
    print()
    for i, line in enumerate(table):
        print(
            "  ".join(
                cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(line, widths, strict=True))
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))


def growth(rows: list[Row]) -> list[list[str]]:
    """How ours and the floor grow from 200 to 2,000 touchpoints (10× the touchpoints; linear is 10×)."""
    by = {}
    for row in rows:
        if m := SIZE.match(row.what):
            by.setdefault(m[1], {})[int(m[2].replace(",", ""))] = row
    lines = []
    for family, sizes in by.items():
        if 200 in sizes and 2000 in sizes:
            small, big = sizes[200], sizes[2000]
            lines.append([family, f"{big.ours / small.ours:.1f}×", f"{big.floor / small.floor:.1f}×"])
    return lines


def _table(rows: list[Row]) -> list[str]:
    return [
        "| " + " | ".join(HEAD) + " |",
        "|" + "---|" * len(HEAD),
        *("| " + " | ".join(_cells(r)) + " |" for r in rows),
    ]


def write_markdown(rows: list[Row], about: dict[str, str], seconds: float) -> Path:
    felt = [r for r in rows if r.what.startswith("browser:")]
    table = [
        "**What a person waits for in the browser** (headless Chromium, the app served by `streamlit run`)",
        "",
        *_table(felt),
        "",
        "**On the server** (a report: the parts of the waits above, timed in-process and under AppTest)",
        "",
        *_table([r for r in rows if r not in felt]),
    ]
    grown = ["| what | ours 200 → 2,000 | floor 200 → 2,000 |", "|---|---|---|"]
    grown += ["| " + " | ".join(line) + " |" for line in growth(rows)]
    notes = [f"- **{r.what}**: {r.note}" for r in rows if r.note]
    body = "\n".join(
        [
            BEGIN,
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {seconds / 60:.1f} minutes.",
            "",
            "**Machine**",
            "",
            *(f"- {k}: {v}" for k, v in about.items()),
            "",
            *table,
            "",
            "**Growth from 200 to 2,000 touchpoints** (10× the touchpoints: linear growth is 10×)",
            "",
            *grown,
            "",
            *notes,
            END,
        ]
    )
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + body + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    DOC.write_text(text)
    return DOC
