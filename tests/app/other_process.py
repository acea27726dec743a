"""Another app process on the same database: the app run once more, in an OS process of its own, doing one thing.

    python -m tests.app.other_process rename JOURNEY ROW NAME          # the Editor: rename a touchpoint, Save
    python -m tests.app.other_process score JOURNEY SCORE [MINUTES]    # Scoring: score the hotline, clock behind

The database is JOURNEYS_DB_URL's, the user the environment's JOURNEYS_TEST_USER. What the page showed is
printed as JSON (its errors, and the version saved); the exit code is 1 when the page raised an exception.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

from streamlit.testing.v1 import AppTest

from store import analysis
from tests.app.conftest import APP
from tests.app.test_editor import edit, open_editor
from tests.app.test_scoring import open_scoring, save_button, table_key


def rename(at: AppTest, journey_id: str, row: str, name: str) -> AppTest:
    """Rename the touchpoint in row ``row`` of the Editor's table and save the journey."""
    open_editor(at, journey_id)
    edit(at, "touchpoints", edited={int(row): {"name": name}})
    return at.button(key="editor.save").click().run()


def score(at: AppTest, journey_id: str, value: str, behind_minutes: str = "0") -> AppTest:
    """Score the hotline (the first row of the support stage) ``value`` on every lens, on a clock that is behind."""
    real = analysis.utcnow
    analysis.utcnow = lambda: real() - timedelta(minutes=int(behind_minutes))
    open_scoring(at, journey_id)
    at.session_state["discipline"] = "it"
    lenses = dict.fromkeys(("desirable", "viable", "feasible"), int(value))
    at.session_state[table_key(at, journey_id)] = {"edited_rows": {0: lenses}, "added_rows": [], "deleted_rows": []}
    at.run()
    return save_button(at).click().run()


def main(action: str, *args: str) -> int:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["author"] = os.environ["JOURNEYS_TEST_USER"]
    at = {"rename": rename, "score": score}[action](at, *args)
    print(json.dumps({"errors": [e.value for e in at.error], "exception": [e.value for e in at.exception]}))
    return 1 if at.exception else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
