"""Both Mermaid exports drawn by the real Mermaid CLI (`mmdc`), where it is installed: `npm install
@mermaid-js/mermaid-cli` with PUPPETEER_SKIP_DOWNLOAD=1, and `mmdc` on the PATH or MERMAID_CLI set to it. It draws
with Debian's Chromium. Without it these tests skip; tests/journeys/test_exports.py reads both texts either way."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from journeys.demo import broadband_demo
from journeys.io import exports
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.journeys.test_exports import awkward_journey

MMDC = os.environ.get("MERMAID_CLI") or shutil.which("mmdc")
pytestmark = pytest.mark.skipif(
    not MMDC or not Path(CHROMIUM).exists(), reason="no Mermaid CLI (mmdc) or no Chromium to draw with"
)


def draw(text: str, tmp_path: Path) -> str:
    """The SVG `mmdc` draws of ``text``; a diagram it cannot read fails here with its message."""
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": CHROMIUM, "args": CHROMIUM_ARGS}), encoding="utf-8")
    source, target = tmp_path / "diagram.mmd", tmp_path / "diagram.svg"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [MMDC, "--puppeteerConfigFile", str(config), "--input", str(source), "--output", str(target)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return target.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["mermaid", "flowchart"])
def test_mermaid_draws_both_diagrams_of_the_broadband_journey(kind, tmp_path):
    """Every touchpoint's name is in the drawing; the flowchart's arrows carry the shares."""
    G = broadband_demo()
    svg = draw(exports.data_text(G, kind), tmp_path)
    for key in G:
        assert G.nodes[key]["name"] in svg
    if kind == "flowchart":
        assert "70 %" in svg and "30 %" in svg


@pytest.mark.parametrize("kind", ["mermaid", "flowchart"])
def test_mermaid_draws_names_that_look_like_syntax_as_text(kind, tmp_path):
    """A name with quotes, brackets, an arrow, HTML and back ticks is drawn as its text: no element made of it."""
    G = awkward_journey()
    G.nodes["a"]["name"] = 'Ask "now"] --> x[<img src=x onerror=alert(1)> `**b**`'
    svg = draw(exports.data_text(G, kind), tmp_path)
    assert "<img" not in svg and "<b>" not in svg and "<strong>" not in svg
    assert "onerror=alert(1)&gt;" in svg and "`**b**`" in svg
