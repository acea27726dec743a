"""Packaging keeps the files the code reads (the demo workshop, the JSON Schema, a component's script, the migrations),
and requirements.txt, uv.lock and pyproject.toml in step."""

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


def test_package_data_covers_every_file_that_is_no_module_of_a_package():
    """Alembic's migrations (a folder, not a package), the editor's script and style, the demo: each file under
    journeys/, store/ and ui/ that is not a module of a package matches a package-data pattern of its package."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    files = [
        path
        for top in ("journeys", "store", "ui")
        for path in (ROOT / top).rglob("*")
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts
        and not (path.suffix == ".py" and (path.parent / "__init__.py").is_file())
    ]  # fmt: skip
    assert {"store/migrations/versions/0001_initial_schema.py", "ui/editor/canvas.js"} <= {
        path.relative_to(ROOT).as_posix() for path in files
    }

    def covered(path: Path) -> bool:
        package = next(folder for folder in path.parents if (folder / "__init__.py").is_file())
        patterns = setuptools["package-data"].get(".".join(package.relative_to(ROOT).parts), [])
        return any(fnmatch(path.relative_to(package).as_posix(), p) for p in patterns)

    uncovered = [path.relative_to(ROOT).as_posix() for path in files if not covered(path)]
    assert not uncovered, "files a built package would drop: " + ", ".join(uncovered)


def pins() -> dict[str, tuple[str, str]]:
    """requirements.txt as {normalised name: (version, environment marker)}."""
    found = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            requirement, _, marker = line.partition(";")
            name, _, version = requirement.strip().partition("==")
            assert version, f"requirements.txt pins every package (uv export from uv.lock): {line!r}"
            found[canonicalize_name(name)] = (version.strip(), marker.strip())
    return found


def test_requirements_pin_what_the_lock_holds():
    """requirements.txt (what `make run` installs) is uv.lock exported: the same packages at the same versions."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = {
        canonicalize_name(p["name"]): p["version"]
        for p in lock["package"]
        if p.get("source", {}).get("editable") != "."
    }
    assert {name: version for name, (version, _) in pins().items()} == locked, (
        "requirements.txt is not uv.lock: run `uv lock` and "
        "`uv export --frozen --no-hashes --no-emit-project --no-dev -o requirements.txt`"
    )


def test_requirements_satisfy_every_dependency_of_the_package():
    """Each dependency of pyproject.toml is pinned in requirements.txt, at a version its specifier allows; and what
    the lock was made from is pyproject.toml's list as it is now."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = pins()
    for text in project["dependencies"]:
        dependency = Requirement(text)
        name = canonicalize_name(dependency.name)
        assert name in pinned, f"{dependency.name} of pyproject.toml is not in requirements.txt"
        assert dependency.specifier.contains(pinned[name][0]), f"{name}=={pinned[name][0]} is not {dependency}"
        for extra in dependency.extras:  # psycopg[binary] brings psycopg-binary
            assert any(other.startswith(f"{name}-{extra}") for other in pinned), f"{dependency} without its extra"
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    (ours,) = [p for p in lock["package"] if p.get("source", {}).get("editable") == "."]
    wanted = {_key(Requirement(text)) for text in project["dependencies"]}
    assert {_key(_locked(entry)) for entry in ours["metadata"]["requires-dist"]} == wanted, (
        "uv.lock was made from other dependencies: run `uv lock` (and export requirements.txt again)"
    )


def _locked(entry: dict) -> Requirement:
    """One of uv.lock's ``requires-dist`` entries as the requirement it was made from."""
    extras = f"[{','.join(entry['extras'])}]" if entry.get("extras") else ""
    return Requirement(f"{entry['name']}{extras}{entry.get('specifier', '')}")


def _key(requirement: Requirement) -> tuple:
    return canonicalize_name(requirement.name), tuple(sorted(requirement.extras)), str(requirement.specifier)


def test_the_command_line_is_a_console_script():
    """`pip install .` makes the command `journeys`, which runs store.cli's main."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"journeys": "store.cli:main"}
