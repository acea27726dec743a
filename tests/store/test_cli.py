"""The command line: `python -m store.cli` on its own database, once in a subprocess as a user runs it."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import update
from sqlmodel import Session

import store
from journeys.charts import images
from journeys.demo import broadband_demo, ebike_demo
from journeys.io import exports, interchange
from journeys.model.graph import journey_equal
from store import cli
from store.models import Journey
from tests.marks import needs_browser

ROOT = Path(__file__).parent.parent.parent


def run(*args: str, db: str, **env: str) -> subprocess.CompletedProcess:
    """Run `python -m store.cli ARGS` against the database ``db``."""
    return subprocess.run(
        [sys.executable, "-m", "store.cli", *args],
        cwd=ROOT,
        env={**os.environ, "JOURNEYS_DB_URL": db, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def call(db, monkeypatch, capsys):
    """Run the command line in this process (quicker): returns the exit code, stdout and stderr."""

    def call(*args: str, **env: str) -> tuple[int, str, str]:
        monkeypatch.setenv("JOURNEYS_DB_URL", db)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        try:
            code = cli.main(list(args))
        except SystemExit as stop:  # argparse: --help and wrong command lines
            code = stop.code
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def db(tmp_path) -> str:
    """URL of an empty SQLite file for the command line."""
    return f"sqlite:///{tmp_path}/cli.db"


@pytest.fixture
def demo_files(tmp_path) -> list[Path]:
    """The two demo journeys as JSON files, as the app exports them."""
    files = []
    for make in (broadband_demo, ebike_demo):
        path = tmp_path / f"{make.__name__}.json"
        path.write_text(interchange.dumps(make()), encoding="utf-8")
        files.append(path)
    return files


def stored(db: str) -> dict[str, object]:
    """The journeys in the database by name."""
    engine = store.make_engine(db)
    with Session(engine) as session:
        graphs = {
            j.name: store.load_journey(session=session, journey_id=j.id)[0]
            for j in store.list_journeys(session=session)
        }
    engine.dispose()
    return graphs


def test_help_documents_commands_formats_and_exit_codes(call):
    """--help lists the commands; `export --help` the formats, figures and exit codes."""
    code, out, _ = call("--help")
    assert code == 0 and all(word in out for word in ("export", "import", "list"))
    code, out, _ = call("export", "--help")
    assert code == 0
    for word in ("--all", "--format", "--out", "png", "graphml", "mermaid", "portfolio", "exit codes"):
        assert word in out
    assert call("export", "--format", "pdf")[0] == cli.EXIT_USAGE


@needs_browser
def test_import_then_export_all_journeys_in_all_formats(db, demo_files, tmp_path):
    """JSON files go in; every journey comes out as images and data, and its JSON imports back unchanged."""
    imported = run("import", *map(str, demo_files), db=db)
    assert imported.returncode == cli.EXIT_OK, imported.stderr
    out = tmp_path / "exports"
    done = run("export", "--all", "--out", str(out), db=db)
    assert done.returncode == cli.EXIT_OK, done.stderr
    names = {p.name for p in out.iterdir()}
    for G in (broadband_demo(), ebike_demo()):
        stem = exports.file_stem(G)
        for ending in (
            ".json",
            ".csv",
            ".graphml",
            ".mmd",
            "-flowchart.mmd",
            *(f"-{k}.{f}" for k in images.FIGURES for f in ("png", "svg")),
        ):
            assert f"{stem}{ending}" in names
    stages = sorted(n for n in names if "-stage-" in n and n.endswith(".png"))
    assert len(stages) == len(broadband_demo().graph["stages"])  # the long journey gets a slide per stage
    assert not any(n.startswith("e-bike") and "-stage-" in n for n in names)
    assert {"portfolio.png", "portfolio.svg"} <= names
    for png in ("portfolio.png", stages[0], f"{exports.file_stem(broadband_demo())}-map.png"):
        assert Image.open(io.BytesIO((out / png).read_bytes())).size == (1920, 1080)
    again = tmp_path / "again.db"
    back = run("import", *(str(p) for p in sorted(out.glob("*.json"))), db=f"sqlite:///{again}")
    assert back.returncode == cli.EXIT_OK, back.stderr
    first, second = stored(db), stored(f"sqlite:///{again}")
    assert set(first) == set(second) == {broadband_demo().graph["name"], ebike_demo().graph["name"]}
    assert all(journey_equal(second[name], first[name]) for name in first)


def test_export_one_journey_by_name_in_chosen_formats(call, demo_files, tmp_path):
    """A journey named in part is exported in just the formats asked for."""
    assert call("import", *map(str, demo_files))[0] == cli.EXIT_OK
    out = tmp_path / "out"
    code, _, err = call("export", "e-bike", "--format", "csv", "mermaid", "--out", str(out))
    assert code == cli.EXIT_OK, err
    stem = exports.file_stem(ebike_demo())
    assert sorted(p.name for p in out.iterdir()) == [f"{stem}.csv", f"{stem}.mmd"]
    assert (out / f"{stem}.mmd").read_text(encoding="utf-8").startswith("journey\n")


def test_unknown_journey_fails_with_a_clear_message(call, demo_files, tmp_path):
    """A name that matches no journey exits with 1 and says which name and how to list them; nothing is written."""
    assert call("import", *map(str, demo_files))[0] == cli.EXIT_OK
    code, _, err = call("export", "Trip to the moon", "--out", str(tmp_path / "out"))
    assert code == cli.EXIT_FAILED
    assert "'Trip to the moon'" in err and "store.cli list" in err
    assert not (tmp_path / "out").exists()
    assert call("export")[0] == cli.EXIT_USAGE


def test_without_a_browser_images_are_skipped_and_the_rest_is_written(call, demo_files, tmp_path):
    """No Chromium: the message says how to install one, the exit code is 3 and the data files are there."""
    assert call("import", str(demo_files[0]))[0] == cli.EXIT_OK
    images.stop()  # a browser kept warm by an earlier test would still draw
    out = tmp_path / "out"
    code, _, err = call(
        "export", "--all", "--format", "png", "json", "--out", str(out), BROWSER_PATH=str(tmp_path / "none")
    )
    assert code == cli.EXIT_NO_BROWSER
    assert "apt-get install chromium" in err and "plotly_get_chrome" in err
    assert [p.name for p in out.iterdir()] == [f"{exports.file_stem(broadband_demo())}.json"]


def test_import_reports_broken_files_and_imports_the_rest(call, demo_files, tmp_path):
    """A file that is no journey and a missing file are named; the good file is imported and listed."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something else"}', encoding="utf-8")
    code, _, err = call("import", str(broken), str(tmp_path / "missing.json"), str(demo_files[1]))
    assert code == cli.EXIT_FAILED
    assert "broken.json" in err and "journey-workbench" in err and "missing.json" in err
    code, out, _ = call("list")
    assert code == cli.EXIT_OK and ebike_demo().graph["name"] in out
    assert broadband_demo().graph["name"] not in out


def test_import_brings_the_files_comment_threads(call, tmp_path):
    """A journey file with a thread on a touchpoint comes in with it, under the journey's new id."""
    doc = json.loads(interchange.dumps(broadband_demo()))
    doc["comments"] = [{"touchpoint": "hotline", "author": "Ada", "text": "Why 12 minutes on hold? @Bob",
                        "created_at": "2026-12-01T10:00:00+00:00"}]  # fmt: skip
    path = tmp_path / "with-comments.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = call("import", str(path))
    assert code == cli.EXIT_OK, err
    jid = out.split("(")[-1].split(")")[0]
    engine = store.make_engine(os.environ["JOURNEYS_DB_URL"])
    with Session(engine) as session:
        [thread] = store.list_comments(session=session, journey_id=jid, touchpoint="hotline")
    engine.dispose()
    assert (thread["author"], thread["text"]) == ("Ada", "Why 12 minutes on hold? @Bob")


def _versions_and_names(db: str) -> dict[str, tuple[str, int]]:
    """Each journey's name and version, by id."""
    engine = store.make_engine(db)
    with Session(engine) as session:
        found = {j.id: (j.name, j.version) for j in store.list_journeys(session=session)}
    engine.dispose()
    return found


def test_a_journey_already_there_comes_in_beside_it_or_replaces_it_as_asked(call, db, tmp_path):
    """--on-duplicate new (the default) imports a journey whose id is taken under a name with the day;
    --on-duplicate replace makes the file the journey's next version, with the file's ratings."""
    G = broadband_demo()
    G.graph["id"] = "broadband-1"
    rating = {"touchpoint": "hotline", "rater": "Ana", "discipline": "design", "desirable": 2, "viable": 3}
    path = tmp_path / "broadband.json"
    path.write_text(interchange.dumps(G, ratings=[rating]), encoding="utf-8")
    assert call("import", str(path))[0] == cli.EXIT_OK
    code, out, err = call("import", str(path))
    assert code == cli.EXIT_OK, err
    name = store.imported_name(G.graph["name"])  # today, in English
    assert f"as {name!r}" in out
    journeys = _versions_and_names(db)
    assert journeys["broadband-1"] == (G.graph["name"], 1) and sorted(journeys.values())[1] == (name, 1)

    G.nodes["hotline"]["name"] = "Call the service line"
    path.write_text(interchange.dumps(G, ratings=[rating | {"desirable": 5}]), encoding="utf-8")
    code, out, err = call("import", "--on-duplicate", "replace", str(path))
    assert code == cli.EXIT_OK, err
    assert "(broadband-1), replacing it as version 2" in out
    assert _versions_and_names(db)["broadband-1"] == (G.graph["name"], 2) and len(_versions_and_names(db)) == 2
    engine = store.make_engine(db)
    with Session(engine) as session:
        stored, _ = store.load_journey(session=session, journey_id="broadband-1")
        [scores] = store.analysis.list_ratings(session=session, journey_id="broadband-1")
    engine.dispose()
    assert stored.nodes["hotline"]["name"] == "Call the service line"
    assert (scores["rater"], scores["desirable"]) == ("Ana", 5)
    assert call("import", "--on-duplicate", "merge", str(path))[0] == cli.EXIT_USAGE


def test_the_exported_json_holds_the_ratings_and_imports_whole_elsewhere(call, db, tmp_path, monkeypatch):
    """The command line's JSON export carries the team's ratings, ideas and surveys; imported into another database
    they give the same CSV."""
    engine = store.make_engine(db)
    store.migrate(engine)
    with Session(engine) as session:
        store.seed_demo_journeys(session=session)
    engine.dispose()
    out = tmp_path / "out"
    code, _, err = call("export", "Broadband: router", "--format", "json", "csv", "--out", str(out))
    assert code == cli.EXIT_OK, err
    stem = exports.file_stem(broadband_demo())
    doc = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert doc["version"] == 2 and doc["ratings"] and len(doc["ideas"]) == 5 and len(doc["surveys"]) == 2
    other = f"sqlite:///{tmp_path}/other.db"
    monkeypatch.setenv("JOURNEYS_DB_URL", other)
    assert cli.main(["import", str(out / f"{stem}.json")]) == cli.EXIT_OK
    assert cli.main(["export", "--all", "--format", "csv", "--out", str(tmp_path / "again")]) == cli.EXIT_OK
    again = (tmp_path / "again" / f"{stem}.csv").read_text(encoding="utf-8")
    assert again == (out / f"{stem}.csv").read_text(encoding="utf-8")


def test_import_reads_graphml_and_the_touchpoint_table_by_their_ending(call, tmp_path):
    """A yEd drawing and the exported touchpoint table come in as journeys named after their files; another ending
    is refused on one line."""
    from tests.journeys.test_foreign import YED

    (tmp_path / "Shop visit.graphml").write_text(YED, encoding="utf-8")
    (tmp_path / "Hotline table.csv").write_text(exports.to_csv(broadband_demo()), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    code, out, err = call(
        "import", str(tmp_path / "Shop visit.graphml"), str(tmp_path / "Hotline table.csv"), str(tmp_path / "notes.txt")
    )
    assert code == cli.EXIT_FAILED
    assert "imported" in out and "'Shop visit'" in out and "'Hotline table'" in out
    assert "notes.txt" in err and "'.txt'" in err and "Traceback" not in err
    code, out, _ = call("list")
    assert "  4 touchpoints  Shop visit" in out and " 13 touchpoints  Hotline table" in out


# hostile input ------------------------------------------------------------------------------------------------


def one_line_error(err: str, prefix: str = "error: ") -> str:
    """The one line the command line writes for a refused input (never a traceback), checked and returned."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), err
    assert not any(c in lines[0] for c in "\x00\x1b\x07\x9b\r")
    return lines[0]


def _with_persona_value(value) -> dict:
    doc = json.loads(interchange.dumps(broadband_demo()))
    doc["graph"]["personas"][0]["value"] = value
    return doc


HOSTILE_JSON = {
    "binary.json": bytes(range(256)) * 4,
    "utf-16-odd.json": '{"format": "journey-workbench"}'.encode("utf-16") + b"x",
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "digits.json": b'{"format": "journey-workbench", "version": ' + b"9" * 5_000 + b"}",
    "surrogate.json": interchange.dumps(broadband_demo()).replace('"name": "', '"name": "\\ud800', 1).encode(),
    "escape-code.json": interchange.dumps(broadband_demo()).replace('"name": "', '"name": "\\u001b[31m', 1).encode(),
    "nul-id.json": interchange.dumps(broadband_demo()).replace('"id": "', '"id": "\\u0000', 1).encode(),
    "huge-value.json": json.dumps(_with_persona_value(10**400)).encode(),
    "evil-\x1b[2J-name.json": b"{}",
}


def test_hostile_files_are_refused_with_one_line_each_and_nothing_is_imported(call, tmp_path):
    """Binary, UTF-16 cut short, 100,000-deep, 5,000 digits, a lone surrogate, an escape code, NUL, 10**400: one line
    each on stderr (the file name escaped), exit code 1, no journey imported."""
    paths = []
    for name, data in HOSTILE_JSON.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    for path in [*paths, folder, tmp_path / "missing.json"]:
        code, out, err = call("import", str(path))
        assert code == cli.EXIT_FAILED, (path, out)
        line = one_line_error(err)
        assert path.name.replace("\x1b", "\\x1b") in line
    assert call("list")[1].startswith("no journeys yet")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_file_is_not_read_whole(call):
    """/dev/zero as a JSON file: refused as too large after 20 MiB, not read forever."""
    code, _, err = call("import", "/dev/zero")
    assert code == cli.EXIT_FAILED and "20" in one_line_error(err)


def test_hostile_archives_and_places_are_refused_with_one_line(call, demo_files, tmp_path):
    """restore of no zip, a folder, a missing file, a deep manifest; backup into a folder; export into a file."""
    assert call("import", *map(str, demo_files))[0] == cli.EXIT_OK
    deep = tmp_path / "deep.zip"
    with zipfile.ZipFile(deep, "w") as archive:
        archive.writestr("manifest.json", b"[" * 100_000 + b"]" * 100_000)
    noise = tmp_path / "noise.zip"
    noise.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    for target in (deep, noise, tmp_path, tmp_path / "missing.zip"):
        code, _, err = call("restore", "--replace", str(target))
        assert code == cli.EXIT_FAILED
        one_line_error(err)
    code, _, err = call("backup", str(tmp_path))  # a folder, not a file
    assert code == cli.EXIT_FAILED and "cannot be written" in one_line_error(err)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = call("export", "--all", "--format", "csv", "--out", str(blocker))
    assert code == cli.EXIT_FAILED and "cannot be written" in one_line_error(err)
    code, _, err = call("list", JOURNEYS_DB_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert code == cli.EXIT_FAILED and "database" in one_line_error(err)
    assert len(stored(f"sqlite:///{tmp_path}/cli.db")) == 2  # nothing lost or added


def test_escape_codes_in_a_stored_name_are_printed_escaped(call, db, demo_files, tmp_path):
    """A name that holds terminal escape codes (stored before they were refused) is listed and exported escaped."""
    assert call("import", str(demo_files[0]))[0] == cli.EXIT_OK
    engine = store.make_engine(db)
    with Session(engine) as session:
        session.execute(update(Journey).values(name="\x1b[31mRed\x1b[0m \x1b]0;owned\x07 ü"))
        session.commit()
    engine.dispose()
    code, out, _ = call("list")
    assert code == cli.EXIT_OK
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mRed\\x1b[0m \\x1b]0;owned\\x07 ü" in out
    code, out, _ = call("export", "Red", "--format", "json", "--out", str(tmp_path / "out"))
    assert code == cli.EXIT_OK and "\\x1b[31mRed" in out and "\x1b" not in out


def test_hostile_files_end_in_one_line_in_a_real_process(db, tmp_path):
    """Run as a user runs it: a deep and a binary file give exit 1 and one line each, no traceback."""
    files = []
    for name in ("deep.json", "binary.json"):
        (tmp_path / name).write_bytes(HOSTILE_JSON[name])
        files.append(str(tmp_path / name))
    done = run("import", *files, db=db)
    assert done.returncode == cli.EXIT_FAILED
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 2


def readme_commands(section: str) -> list[list[str]]:
    """The command lines of the README's code block under ``section`` that call the command line, as arguments."""
    import re
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(section)
    block = text[text.index("```bash", start) + len("```bash") : text.index("```", text.index("```bash", start) + 7)]
    lines = [re.sub(r"\s+#.*$", "", line) for line in block.strip().splitlines()]
    return [shlex.split(line)[3:] for line in lines if "-m store.cli" in line]


@needs_browser
def test_the_readmes_examples_work_as_written_on_the_demo(call, db, tmp_path, monkeypatch):
    """Every command line the README shows for exporting and importing runs on a fresh demo database: exit 0."""
    import glob

    engine = store.make_engine(db)
    store.migrate(engine)
    with Session(engine) as session:
        store.seed_demo_journeys(session=session)
    engine.dispose()
    monkeypatch.chdir(tmp_path)
    commands = readme_commands("**On the command line**")
    assert len(commands) == 9
    for args in commands:
        args = [found for arg in args for found in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
        code, _, err = call(*args)
        assert code == 0, (args, err)
    assert len(list((tmp_path / "exports").glob("*.json"))) == 3  # the demo's three journeys


def test_check_says_ready_only_for_a_migrated_database_and_writes_nothing(call, db, tmp_path):
    """check: no file yet, then no schema, then an older schema are each one reason and exit 1; migrated: "ready"."""
    code, out, err = call("check")
    assert code == cli.EXIT_FAILED and out == "" and "does not exist" in one_line_error(err, prefix="not ready: ")
    assert not (tmp_path / "cli.db").exists()  # a health check makes no database
    engine = store.make_engine(db)
    store.migrate(engine, "0006")
    engine.dispose()
    code, _, err = call("check")
    assert code == cli.EXIT_FAILED and "at 0006" in one_line_error(err, prefix="not ready: ")
    assert call("migrate", "--no-demo")[0] == cli.EXIT_OK
    assert call("check") == (cli.EXIT_OK, "ready\n", "")


def test_migrate_stores_the_demo_in_an_empty_database_once(call):
    """migrate makes the schema and the demo journeys; a second run changes nothing; --no-demo leaves it empty."""
    code, out, _ = call("migrate", "--no-demo")
    assert (
        code == cli.EXIT_OK
        and out == f"migrated the database from an empty one to {store.db.HEAD}; it holds 0 journey(s)\n"
    )
    code, out, _ = call("migrate")
    assert code == cli.EXIT_OK and out.endswith(", stored 3 demo journeys; it holds 3 journey(s)\n")
    code, out, _ = call("migrate")
    assert out == f"the database schema was already at {store.db.HEAD}; it holds 3 journey(s)\n"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://ada:s3cret-pw@127.0.0.1:1/journeys",  # nothing listens on port 1
        "postgresql+psycopg://ada:s3cret-pw@127.0.0.1:1/journeys with a space",
        "sqlite:////dev/null/s3cret-pw/journeys.db",  # a folder that cannot be made
    ],
)
def test_check_of_an_unreachable_database_names_neither_password_nor_host(url):
    """Run as a health check runs it: exit 1, one line, no traceback, no password, host or URL in it."""
    done = run("check", db=url)
    assert done.returncode == cli.EXIT_FAILED and done.stdout == ""
    line = one_line_error(done.stderr, prefix="not ready: ")
    for secret in ("s3cret", "127.0.0.1", "ada", "://", "Traceback"):
        assert secret not in done.stderr, line
    done = run("list", db=url)
    assert done.returncode == cli.EXIT_FAILED and "s3cret" not in done.stderr and "127.0.0.1" not in done.stderr


@pytest.mark.postgres
def test_check_and_migrate_on_postgresql(call, pg_database_url):
    """On PostgreSQL too: an empty database is not ready; after migrate it is."""
    code, _, err = call("check", JOURNEYS_DB_URL=pg_database_url)
    assert code == cli.EXIT_FAILED and "no schema" in one_line_error(err, prefix="not ready: ")
    assert call("migrate", JOURNEYS_DB_URL=pg_database_url)[0] == cli.EXIT_OK
    assert call("check", JOURNEYS_DB_URL=pg_database_url) == (cli.EXIT_OK, "ready\n", "")
