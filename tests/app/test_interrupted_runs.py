"""A run stopped anywhere loses no edit and applies none twice.

When the browser sends something new while the page runs (the user typed on), Streamlit stops the run at its
next read or write of session state or the next element it draws, and runs the page again with the newer
input. A change of the draft spread over several such points was torn by such a stop: twenty motivations
typed into a touchpoint's needs at a quick typist's pace, on a busy machine, and one of them saved.

Here each kind of edit is made once per point of its run where Streamlit may stop it, stopped there by a rerun
request as the browser makes one, and after the run that follows the edit must be in the draft (or in the
unsaved scores) exactly once. The points just before the one where the edit lands are all tried (where an edit is
read, checked and applied), every fifth before those, and every fortieth after (under `make stress`: every point
before the landing and every tenth after).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from tests.app.test_editor import draft, edit, editor_key, open_editor
from tests.app.test_map_editor import CLIENT, button, ops, send
from tests.app.test_scoring import demo_id, open_scoring, table_key
from tests.stress import size

AFTER = size(40, 10)  # past the landing, every 40th point (make stress: every 10th)
"""Past the point where the edit lands, every AFTER-th point is tried."""
CLOSE = size(60, 10**6)  # the points right before the landing, all tried (make stress: every point before it)
"""How many points before the landing are all tried; before those, every BEFORE-th."""
BEFORE = 5


class Stops:
    """The points of a run where Streamlit looks for newer input from the browser, counted; at point ``at`` the
    browser has sent a rerun (with the input of this run), so Streamlit stops the run there and runs it again."""

    def __init__(self) -> None:
        self.at: int | None = None
        self.count = 0
        self.landed: Callable[[], bool] | None = None
        self.landed_at: int | None = None

    def arm(self, at: int | None = None, *, landed: Callable[[], bool] | None = None) -> None:
        self.at, self.count, self.landed, self.landed_at = at, 0, landed, None

    def points(self, total: int) -> list[int]:
        """The points to stop at, after a run without a stop that counted ``total`` and saw the edit land."""
        assert self.landed_at is not None, "the edit never landed"
        close = max(1, self.landed_at - CLOSE)
        landed = self.landed_at
        return [*range(1, close, BEFORE), *range(close, landed + 2), *range(landed + 2, total + 1, AFTER)]


@pytest.fixture
def stops(monkeypatch) -> Stops:
    found = Stops()
    look = ScriptRunner._maybe_handle_execution_control_request

    def looking(runner: ScriptRunner) -> None:
        before_input = sys._getframe(1).f_code.co_name == "on_script_will_rerun"  # the run's input is not in yet
        if runner._is_in_script_thread() and runner._execing and not before_input:
            found.count += 1
            if found.landed is not None and found.landed_at is None and found.landed():
                found.landed_at = found.count
            if found.count == found.at:
                ctx = get_script_run_ctx()
                states = WidgetStates()
                states.widgets.extend(runner._session_state.get_widget_states())
                runner.request_rerun(
                    RerunData(
                        query_string=ctx.query_string, page_script_hash=ctx.page_script_hash, widget_states=states
                    )
                )
        look(runner)

    monkeypatch.setattr(ScriptRunner, "_maybe_handle_execution_control_request", looking)
    return found


def sweep(
    stops: Stops,
    make: Callable[[int], None],
    landed: Callable[[int], bool],
    check: Callable[[int], None],
    prepare: Callable[[int], None] = lambda n: None,
) -> list[int]:
    """Make edit 0 without a stop, finding where it lands; then edit ``n`` for each point to stop at, and check.
    ``prepare(n)`` runs before edit ``n``, never stopped. Returns the points tried."""
    prepare(0)
    stops.arm(landed=lambda: landed(0))
    make(0)
    check(0)
    tried = stops.points(stops.count)
    for n, point in enumerate(tried, start=1):
        prepare(n)
        stops.arm(point)
        make(n)
        assert stops.count > point, f"the run did not reach point {point}"
        stops.arm()
        check(n)
    return tried


def test_a_table_edit_lands_wherever_its_run_is_stopped(app, demo, stops):
    """The touchpoint table, the main table of the Editor: each owner typed is in the draft."""
    at = open_editor(app, demo)
    workspace = at.session_state[f"editor.{demo}"]
    keys = list(draft(at, demo))

    def make(n):
        edit(at, "touchpoints", edited={n % len(keys): {"owner": f"Team {n}"}})

    def check(n):
        assert not at.exception
        assert draft(at, demo).nodes[keys[n % len(keys)]]["owner"] == f"Team {n}", f"edit {n} lost"

    tried = sweep(stops, make, lambda n: f'"Team {n}"' in workspace.text, check)
    assert len(tried) > 50


def test_a_detail_panel_edit_lands_wherever_its_run_is_stopped(app, demo, stops):
    """The needs of a touchpoint, in the detail panel beside the map: each motivation typed is in the draft."""
    at = open_editor(app, demo)
    workspace = at.session_state[f"editor.{demo}"]
    first = next(iter(draft(at, demo)))

    def make(n):
        edit(at, f"needs.{first}", edited={0: {"motivation": f"Because {n}"}})

    def check(n):
        assert not at.exception
        assert draft(at, demo).nodes[first]["needs"][0]["motivation"] == f"Because {n}", f"edit {n} lost"

    sweep(stops, make, lambda n: f'"Because {n}"' in workspace.text, check)


def test_an_edit_on_the_map_lands_once_wherever_its_run_is_stopped(app, demo, stops):
    """Edits sent from the map: each in the draft, applied once (one step to undo each), and the map told so."""
    at = open_editor(app, demo)
    workspace = at.session_state[f"editor.{demo}"]
    sent = []

    def make(n):
        sent.append(ops(n + 1, {"op": "set", "key": "hotline", "field": "owner", "value": f"Desk {n}"}))
        send(at, demo, *sent[-3:])  # the map sends again what it has not heard back about

    def check(n):
        assert not at.exception
        assert draft(at, demo).nodes["hotline"]["owner"] == f"Desk {n}", f"edit {n} lost"
        assert len(workspace.undo) == n + 1, "an edit applied twice, or not at all"
        assert workspace.applied == {CLIENT: n + 1}

    sweep(stops, make, lambda n: f'"Desk {n}"' in workspace.text, check)


def test_undo_takes_back_one_step_wherever_its_run_is_stopped(app, demo, stops):
    """Undo, clicked: exactly the last step is taken back, and can be made again."""
    at = open_editor(app, demo)
    workspace = at.session_state[f"editor.{demo}"]
    before = draft(at, demo).nodes["hotline"]["owner"]
    row = list(draft(at, demo)).index("hotline")

    def prepare(n):
        edit(at, "touchpoints", edited={row: {"owner": f"Line {n}"}})  # a step to undo

    def make(n):
        button(at, "editor.undo").click().run()

    def check(n):
        assert not at.exception
        assert draft(at, demo).nodes["hotline"]["owner"] == before, f"undo {n} lost or made twice"
        assert len(workspace.redo) == 1

    sweep(stops, make, lambda n: bool(workspace.redo), check, prepare)


def test_a_score_lands_wherever_its_run_is_stopped(app, db, stops):
    """A score typed on the Scoring page is among the unsaved scores, to be saved with one click."""
    jid = demo_id(db)
    at = open_scoring(app, jid)
    unsaved = at.session_state[f"scoring.table.{jid}.unsaved"]  # the same dict as the page holds

    def make(n):
        key = table_key(at, jid)
        edits = at.session_state[key] if key in at.session_state else {}  # noqa: SIM401 – no .get on it
        rows = {**(edits.get("edited_rows") or {}), 0: {"comment": f"Noted {n}"}}
        at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
        at.run()

    def mine():
        return unsaved.get("Test User", {}).get("hotline", {})

    def check(n):
        assert not at.exception
        assert mine().get("comment") == f"Noted {n}", f"score {n} lost"
        assert "(1 changed)" in next(b.label for b in at.button if b.label.startswith("Save my scores"))

    sweep(stops, make, lambda n: mine().get("comment") == f"Noted {n}", check)


def test_the_stops_are_real(app, demo, stops):
    """The harness itself: a stop at a point before the edit lands does stop the run there and run it again."""
    at = open_editor(app, demo)
    stops.arm()
    edit(at, "touchpoints", edited={0: {"owner": "Counted"}})
    total = stops.count
    stops.arm(total // 2)
    edit(at, "touchpoints", edited={0: {"owner": "Stopped"}})
    assert stops.count > total  # the part of the run before the stop, then the whole run again
    assert editor_key(at, "touchpoints")
