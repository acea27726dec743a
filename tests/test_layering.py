"""Imports point one way: pages → ui → store → journeys, and nothing imports app.py or a page."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["journeys", "store", "ui", "pages"]
FORBIDDEN = {
    "journeys": {"streamlit", "sqlmodel", "sqlalchemy", "alembic", "store", "ui", "pages"},
    "store": {"streamlit", "ui", "pages"},
    "ui": {"pages"},
    "pages": {"pages"},  # a page imports no other page: what pages share lives in ui/
}


def wrong_way_imports(source: str, path: str) -> list[str]:
    """Return "path:line imports name" for each import that the layer of `path` may not use."""
    package = list(Path(path).parent.parts)
    forbidden = FORBIDDEN.get(Path(path).parts[0], set()) | {"app"}
    problems = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names = [".".join([*base, node.module or ""]).strip(".")]
        else:
            continue
        problems += [f"{path}:{node.lineno} imports {name}" for name in names if name.split(".")[0] in forbidden]
    return problems


def source_files() -> list[Path]:
    """Every Python file of the app: app.py and the three layers."""
    return [ROOT / "app.py", *(path for layer in LAYERS for path in sorted((ROOT / layer).rglob("*.py")))]


def test_arrows_point_one_way():
    """No file of the app imports against the direction of the layers."""
    files = [path for path in source_files() if path.exists()]
    assert any(path.parent.name == "journeys" for path in files), "found no files to check"
    problems = [
        problem
        for path in files
        for problem in wrong_way_imports(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert not problems, "imports that point the wrong way:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "journeys/model/graph.py",
            "import networkx as nx\nfrom sqlmodel import Session",
            ["journeys/model/graph.py:2 imports sqlmodel"],
        ),
        ("journeys/model/graph.py", "from ...store import models", ["journeys/model/graph.py:1 imports store"]),
        ("journeys/model/graph.py", "from . import validation", []),
        ("store/models.py", "import streamlit.components.v1", ["store/models.py:1 imports streamlit.components.v1"]),
        ("store/models.py", "from journeys import graph", []),
        ("pages/editor.py", "from app import engine", ["pages/editor.py:1 imports app"]),
        ("pages/editor.py", "import streamlit as st\nfrom store import models", []),
        ("store/models.py", "from ui.deps import t", ["store/models.py:1 imports ui.deps"]),
        ("ui/deps.py", "from pages import editor", ["ui/deps.py:1 imports pages"]),
        ("pages/review.py", "from ui.journey import load", []),
    ],
)
def test_checker_catches_wrong_way_imports(path, source, expected):
    """The checker reports forbidden imports with file and line, and lets allowed ones pass."""
    assert wrong_way_imports(source, path) == expected


def frame_checks(source: str) -> list[str]:
    """The actions of the ``frame.page(action)`` calls in a page script."""
    return [
        node.args[0].value if node.args else "review"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "frame.page"
    ]


def test_pages_holds_only_page_scripts():
    """Every file in pages/ is a page of the navigation, and checks the role the navigation lists it for."""
    from ui.frame import PAGES

    listed = {entry.script: entry.action for entries in PAGES.values() for entry in entries}
    files = {path.relative_to(ROOT).as_posix() for path in (ROOT / "pages").glob("*.py")}
    assert files == set(listed), "not a page of the navigation (move it to ui/): " + ", ".join(files - set(listed))
    for script in sorted(files):
        checks = frame_checks((ROOT / script).read_text(encoding="utf-8"))
        assert checks == [listed[script]], f"{script} calls frame.page with {checks}, not [{listed[script]!r}]"


def first_import(source: str) -> str | None:
    """The module the first import of a script names, after ``from __future__``."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Import):
            return node.names[0].name
        if isinstance(node, ast.ImportFrom):
            return node.module
    return None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"""Doc."""\nfrom __future__ import annotations\n\nimport ui\nimport streamlit\n', "ui"),
        ('"""Doc."""\nimport streamlit as st\nimport ui\n', "streamlit"),
        ('"""Doc."""\nfrom ui import frame\n', "ui"),
    ],
)
def test_first_import_reads_the_script(source, expected):
    assert first_import(source) == expected


def test_every_script_imports_ui_first():
    """app.py and every page import ``ui`` before anything else, so that sessions opening a fresh app at once
    wait for one complete import instead of seeing half-imported modules (ui/__init__.py)."""
    scripts = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    late = [p.name for p in scripts if first_import(p.read_text(encoding="utf-8")) != "ui"]
    assert not late, "import ui first in: " + ", ".join(late)


def test_tests_write_no_tracked_file():
    """No test names a folder of the repository to write screenshots into; they go to the screenshots fixture
    (tests/e2e/conftest.py), a folder of the test run unless `make screenshots` asks for the docs."""
    named = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "tests" / "e2e").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in ("docs", "screenshots", "docs/screenshots")
    ]
    assert named == []
