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

__all__ = ["machine", "print_table", "write_markdown"]

DOC = Path(__file__).parent.parent / "docs" / "performance.md"
START, END = "<!-- bench:start (written by python -m bench) -->", "<!-- bench:end -->"
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
    return f"{value:,.0f} MB" if unit == "MB" else (f"{value:,.1f} ms" if value < 1000 else f"{value / 1000:,.2f} s")


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


def write_markdown(rows: list[Row], about: dict[str, str], seconds: float) -> Path:
    table = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    table += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    grown = ["| what | ours 200 → 2,000 | floor 200 → 2,000 |", "|---|---|---|"]
    grown += ["| " + " | ".join(line) + " |" for line in growth(rows)]
    notes = [f"- **{r.what}**: {r.note}" for r in rows if r.note]
    body = "\n".join(
        [
            START,
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
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START in text and END in text:
        text = text[: text.index(START)] + body + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    DOC.write_text(text)
    return DOC
