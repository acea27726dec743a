"""Packaging keeps the data files the code reads (the demo workshop, the JSON Schema, a component's script)."""

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_package_data_covers_every_data_file():
    """Each file beside the Python modules of journeys/ matches a package-data pattern of pyproject.toml."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = setuptools["package-data"]
    data = [
        path.relative_to(ROOT)
        for path in (ROOT / "journeys").rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert {path.as_posix() for path in data} >= {"journeys/demo/broadband.json", "journeys/demo/workshop.toml"}
    uncovered = [
        path.as_posix()
        for path in data
        if not any(fnmatch(path.name, p) for p in patterns.get(".".join(path.parent.parts), []))
    ]
    assert not uncovered, "data files a built package would drop: " + ", ".join(uncovered)
    assert any(fnmatch("journeys", p) for p in setuptools["packages"]["find"]["include"])


def test_package_data_covers_the_scripts_of_the_components():
    """The scripts of ui/components (read by the modules of ui, not a package of their own) go into a built package."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    scripts = [path.relative_to(ROOT / "ui").as_posix() for path in (ROOT / "ui" / "components").glob("*.js")]
    assert "browser_memory.js" in {Path(s).name for s in scripts}
    assert all(any(fnmatch(script, p) for p in setuptools["package-data"].get("ui", [])) for script in scripts)
