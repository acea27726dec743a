"""The database out of reach: every page says so in the user's language, shows no error and no address, and comes
back by itself once the database answers again."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, app_database

MESSAGE = {
    "en": "The database is not reachable; retrying",
    "de": "Die Datenbank ist nicht erreichbar; neuer Versuch läuft",
}
ROOT = Path(__file__).parent.parent.parent


def every_text(at: AppTest) -> str:
    """Everything the page sends to the browser, as text: each element's whole message."""

    def walk(node):
        yield str(getattr(node, "proto", ""))
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(walk(at._tree))


def says_database_down(at: AppTest, lang: str = "en") -> bool:
    return any(w.value == MESSAGE[lang] for w in at.warning)


@pytest.fixture
def blocked(tmp_path, monkeypatch):
    """The app on a SQLite file whose folder cannot be made (a file stands in its place): it cannot connect."""
    blocker = tmp_path / "s3cret-folder"
    blocker.write_text("")
    with app_database(f"sqlite:///{blocker}/app.db", monkeypatch):
        yield blocker


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_database_out_of_reach_is_said_without_error_or_address_and_the_page_comes_back(blocked, lang):
    """The journey list on a database that cannot be opened: the message in the user's language and nothing else
    of it; once the database can be opened, the next run shows the journeys."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    assert says_database_down(at, lang) and not at.exception
    shown = every_text(at)
    assert "s3cret" not in shown and "sqlite" not in shown and "Traceback" not in shown
    blocked.unlink()  # the folder can be made now
    at.run()
    assert not at.exception and not says_database_down(at, lang)
    assert at.dataframe and len(at.dataframe[0].value) == 3  # the demo journeys, stored on this first start


def test_a_postgresql_server_that_refuses_names_neither_host_nor_password(monkeypatch):
    """A PostgreSQL URL with a password on a port where nothing listens: the message only, on every page tried."""
    with app_database("postgresql+psycopg://owner_kim:s3cret-pw@127.0.0.1:1/journeys", monkeypatch):
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.run()
        assert says_database_down(at) and not at.exception
        for page in ("pages/editor.py", "pages/review.py", "pages/portfolio.py"):
            at.switch_page(page).run()
            assert says_database_down(at) and not at.exception, page
            shown = every_text(at)
            for secret in ("s3cret", "127.0.0.1", "owner_kim", "postgresql", "psycopg"):  # no hex word: ids are hex
                assert secret not in shown, (page, secret)


def test_an_error_of_a_reachable_database_is_not_taken_for_an_outage(blocked, monkeypatch):
    """A statement that fails while the database answers is an error (redacted for the user), not "retrying"."""
    from sqlalchemy.exc import OperationalError

    import store

    blocked.unlink()

    def broken(**_):
        raise OperationalError("SELECT …", {}, Exception("no such column: journey.colour"))

    monkeypatch.setattr(store, "list_journeys", broken)
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert at.exception and not says_database_down(at)


def _pg(dir_: Path, *args: str) -> None:
    """pg_ctl on the server in ``dir_``, as its owner."""
    pg_ctl = Path(subprocess.run(["bash", "-c", "source .ci/postgres; pg_bin_dir"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.strip()) / "pg_ctl"  # fmt: skip
    owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*owner, str(pg_ctl), "-D", str(dir_ / "data"), "-w", "-s", *args], check=True, timeout=60)


@pytest.mark.postgres
def test_a_postgresql_server_stopped_under_the_running_app_and_started_again(pg_url, monkeypatch):
    """A server of its own: the app runs on it, the server stops (the message, no error), starts again (the page)."""
    if shutil.which("runuser") is None and os.geteuid() == 0:
        pytest.skip("runuser is needed to run PostgreSQL as root")
    started = subprocess.run(
        ["bash", ".ci/postgres", "start"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("JOURNEYS_TEST_PG")},
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    env = dict(line.split("=", 1) for line in started.stdout.removeprefix("export ").strip().split(" "))
    url, dir_ = env["JOURNEYS_TEST_PG_URL"], Path(env["JOURNEYS_TEST_PG_DIR"])
    port = url.rsplit(":", 1)[1].split("/")[0]
    try:
        with app_database(url, monkeypatch):
            at = AppTest.from_file(str(APP), default_timeout=30).run()
            assert not at.exception and len(at.dataframe[0].value) == 3
            _pg(dir_, "-m", "fast", "stop")
            at.run()
            assert says_database_down(at) and not at.exception
            assert port not in every_text(at)
            at.switch_page("pages/review.py").run()
            assert says_database_down(at) and not at.exception
            _pg(dir_, "-l", str(dir_ / "data" / "server.log"), "-o", f"-h 127.0.0.1 -p {port} -k {dir_}", "start")
            at.switch_page("pages/library.py").run()
            assert not at.exception and not says_database_down(at)
            assert len(at.dataframe[0].value) == 3
    finally:
        subprocess.run(
            ["bash", ".ci/postgres", "stop"], cwd=ROOT, env={**os.environ, "JOURNEYS_TEST_PG_DIR": str(dir_)}
        )
