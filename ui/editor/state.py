"""The editor's working copy of a journey (its draft), kept in session state.

Per journey, session state holds one :class:`Workspace` of plain values: the draft as JSON text, the
version it is based on (and the journey's lifetime, :class:`store.JourneyStamp`), transition rows not complete yet, a conflict if the last save met one, the selected
touchpoint, the steps to undo and redo, and for each table editor the states of the draft it came from.

Every change of the draft goes through :func:`change`. A table editor (:func:`edit_table`) keeps its key
and is fed the same frame for as long as nothing but the table itself changes what it shows: the browser
sends every edit made in it since it was created, and each run applies them all to the draft it was created
from. An edit typed while the page reruns therefore reaches the draft like any other, however quickly it
follows the last one. The editor is created anew from the draft when something else changed what it shows
(another table, the detail panel, Discard, a restored version).

Streamlit stops a run at any read or write of session state, and at any element it draws, when the browser
has sent something newer, and starts the next run from the top. So a change is made whole between two such
points: everything it needs is read first, then only the workspace object changes (plain Python, no
Streamlit in between). Had the draft and the note that an edit is in it been written one after the other,
a stop between the two would lose the edit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx
import pandas as pd
import streamlit as st

from journeys.model import tables
from journeys.model.graph import journey_equal, normalize
from journeys.model.validation import Problem, validate
from ui.deps import guarded, t
from ui.editor import undo
from ui.journey import cached_graph, load
from ui.text import md
from ui.widgets import flash


@dataclass
class Workspace:
    """What the Editor keeps of one open journey in one browser tab: one object in session state, changed
    whole between two points where Streamlit may stop the run (see the module's text)."""

    text: str = ""
    """The draft as JSON text (:func:`journeys.model.tables.write_draft`); empty until it is opened."""
    pending: list[dict] = field(default_factory=list)
    """Transition rows not complete yet."""
    base: int = 0
    """The version the draft is based on."""
    lifetime: str = ""
    """The lifetime of the journey the draft is of: one stored anew under its id (deleted for good and imported
    again, or restored from a backup) is another journey."""
    conflict: dict | None = None
    """What the last save met, when someone else saved first."""
    selected: str | None = None
    """The touchpoint the detail panel shows."""
    editors: dict[str, dict] = field(default_factory=dict)
    """Per table editor, its bookkeeping (:func:`_editors`)."""
    nonce: int = 0
    """The number of the last table editor created: a new one gets a new key."""
    undo: list[dict] = field(default_factory=list)
    """Steps to undo, the last one last (:mod:`ui.editor.undo`)."""
    redo: list[dict] = field(default_factory=list)
    """Steps undone, to make again."""
    applied: dict[str, int] = field(default_factory=dict)
    """The number of the last map edit applied, per browser tab (the map's random id)."""
    pick: int | None = None
    """The number of the last choice of touchpoint on the map taken."""
    seed: str | None = None
    """The touchpoint the map was told is shown: it starts its selection with it (a first draw, a reload)."""
    seeds: int = 0
    """How many times a touchpoint was chosen elsewhere than on the map (the detail panel's choice): each time
    the map shows that one chosen, whatever it had chosen itself."""
    showing: dict[str, tuple] = field(default_factory=dict)
    """Per editing widget that is no table (:func:`showing`): the value it shows, and the number of its key."""

    @property
    def draft(self) -> Draft | None:
        return Draft(self.text, self.pending) if self.text else None


def workspace(jid: str) -> Workspace:
    """The workspace of journey ``jid`` in this session (a new, empty one the first time)."""
    return st.session_state.setdefault(f"editor.{jid}", Workspace())


def start(jid: str, *, force: bool = False, lifetime: str | None = None) -> None:
    """Open a draft of the journey's latest version, unless one is open (or ``force``).

    ``lifetime`` is the journey's now: a draft open of a journey that had the id before (deleted
    for good meanwhile, another stored under its id) gives way to a draft of this one.
    """
    ws = workspace(jid)
    replaced = bool(ws.text) and lifetime is not None and lifetime != ws.lifetime
    if ws.text and not force and not replaced:
        return
    graph, stamp = load(jid)
    rebase(jid, graph, stamp.version, stamp.lifetime)
    if replaced:
        flash(t("editor.replaced"), icon=":material/info:")


def rebase(jid: str, graph: nx.DiGraph, version: int, lifetime: str | None = None) -> None:
    """Make ``graph`` the draft and ``version`` the version it is based on, with nothing to undo before it.

    ``lifetime`` is the journey's (:class:`store.JourneyStamp`); without it, the draft stays of the journey it was.
    """
    ws, text = workspace(jid), tables.write_draft(graph)
    ws.text, ws.pending, ws.base, ws.conflict = text, [], version, None
    ws.lifetime = ws.lifetime if lifetime is None else lifetime
    undo.forget(ws)


def bring_in(jid: str, graph: nx.DiGraph, version: int) -> None:
    """Make ``graph`` (the draft with version ``version``'s changes merged in) the draft, based on ``version``.

    Transition rows not complete yet stay; what there was to undo goes (its steps undo what the draft was).
    """
    ws = workspace(jid)
    ws.text, ws.base, ws.conflict = tables.write_draft(graph), version, None
    undo.forget(ws)


def draft(jid: str) -> nx.DiGraph:
    """The draft as a graph, to read only: one graph for all who read this draft (:func:`_shown`), never to be
    changed in place. What changes it makes a new journey of it (``operations.apply``, the ``tables.apply_*``)."""
    return _shown(draft_text(jid))


def draft_text(jid: str) -> str:
    """The draft as the JSON text it is kept as: what caches of things drawn from the draft are keyed by."""
    return workspace(jid).text


# What the editor shows of a draft, cached by the draft's text: a rerun without an edit reads and
# checks nothing again. ``_graph`` (not part of the key) is that draft already read, for a miss.
@st.cache_data(max_entries=16, show_spinner=False)
def _problems(text: str, _graph: nx.DiGraph) -> list[Problem]:
    return validate(_graph)


@st.cache_data(max_entries=16, show_spinner=False)
def _frame(text: str, name: str) -> pd.DataFrame:
    return FRAMES[name](_shown(text))


# The draft read once, without a copy per reader and run: one graph for all sessions, so nothing may change it
# in place. At 2,000 touchpoints reading the text takes a tenth of a second, and so does a copy.
@st.cache_resource(max_entries=16, show_spinner=False)
def _shown(text: str) -> nx.DiGraph:
    return tables.read_draft(text, written=True)  # every draft text is one write_draft wrote


@st.cache_data(max_entries=32, show_spinner=False)
def _differs(jid: str, version: int, lifetime: str, text: str, _graph: nx.DiGraph) -> bool:
    return not journey_equal(_graph, _stored(jid, version, lifetime))


# A saved version, normalized as a draft is, for what only reads it (what changed since, the save's base): like
# the draft, one graph for all sessions, which nothing may change in place. A version never changes once saved.
@st.cache_resource(max_entries=16, show_spinner=False)
def _stored(jid: str, version: int, lifetime: str) -> nx.DiGraph:
    return normalize(cached_graph(jid, version, lifetime), copy_values=False)  # cached_graph hands out a copy


FRAMES = {"touchpoints": tables.touchpoints_frame, "stages": tables.stages_frame, "personas": tables.personas_frame}
"""The tables of the whole draft; a touchpoint's own small tables are quicker built than unpickled."""


class Draft(NamedTuple):
    """One state of the draft: the journey as JSON text, and the transition rows not complete yet."""

    text: str
    pending: list[dict]

    @property
    def graph(self) -> nx.DiGraph:
        """The journey, to read only: it is shared, never to be changed (a copy: ``read_draft(text)``)."""
        return _shown(self.text)


def current(jid: str) -> Draft:
    ws = workspace(jid)
    return Draft(ws.text, ws.pending)


def frame(draft: Draft, name: str) -> pd.DataFrame:
    """The table ``name`` (one of :data:`FRAMES`) of ``draft``, as its editor shows it."""
    return _frame(draft.text, name)


def draft_problems(jid: str, G: nx.DiGraph) -> list[Problem]:
    """What is wrong with the draft ``G`` (:func:`draft` of ``jid``; :func:`journeys.model.validation.validate`)."""
    return _problems(draft_text(jid), G)


def base_version(jid: str) -> int:
    return workspace(jid).base


def lifetime(jid: str) -> str:
    """The lifetime of the journey the draft is of (see :class:`Workspace`)."""
    return workspace(jid).lifetime


def saved(jid: str, version: int) -> nx.DiGraph:
    """The journey the draft is of, as it was saved at ``version`` (a copy)."""
    return cached_graph(jid, version, lifetime(jid))


def base(jid: str) -> nx.DiGraph:
    """The journey as it was at the draft's base version, to read only (as :func:`draft`)."""
    return _stored(jid, base_version(jid), lifetime(jid))


def dirty(jid: str, graph: nx.DiGraph) -> bool:
    """True when the draft ``graph`` (:func:`draft` of ``jid``) differs from its base or has rows still to complete."""
    ws = workspace(jid)
    return bool(ws.pending) or _differs(jid, ws.base, ws.lifetime, ws.text, graph)


def pending(jid: str) -> list[dict]:
    return workspace(jid).pending


def conflict(jid: str) -> dict | None:
    return workspace(jid).conflict


def set_conflict(jid: str, info: dict | None) -> None:
    workspace(jid).conflict = info


def selected(jid: str, graph: nx.DiGraph) -> str | None:
    """The touchpoint the detail panel shows: the one last chosen, else the first."""
    key = workspace(jid).selected
    return key if key in graph else next(iter(graph), None)


def select(jid: str, key: str) -> None:
    """Show touchpoint ``key`` in the detail panel, and chosen on the map."""
    ws = workspace(jid)
    ws.selected = ws.seed = key
    ws.seeds += 1


def showing(jid: str, name: str, value: object) -> str:
    """The key of editing widget ``name`` (one that is no table: a score, the choice of touchpoint) drawn to show
    ``value``; the value is given to it.

    The value is given in every run, not only when it changed: a browser that mounts the widget anew without the
    value (seen after a run cut short) would otherwise start it empty. But a run can bring a widget's value as the
    browser held it before the last run reached it: a refresh of the page's live part, sent while another run was
    under way, carries the touchpoint shown before a click on the map, or the score before an undo. Read as the
    user's input, it would undo the click or the undo. So a widget gets a new key whenever it is to show another value
    than the one it shows, and what it reports is input only where it differs from what it was drawn with
    (:func:`entered`)."""
    ws = workspace(jid)
    shown, number = ws.showing.get(name, (value, 0))
    if shown != value:
        number += 1
    ws.showing[name] = (value, number)
    key = widget_key(jid, f"{name}.{number}")
    st.session_state[key] = value
    return key


def entered(jid: str, name: str, key: str, drawn: object) -> bool:
    """Whether what widget ``key``, drawn by :func:`showing` ``name`` with ``drawn``, reports is the user's input. If
    it is, the widget shows it from now on under the same key: the user's own input draws no new widget."""
    value = st.session_state[key]
    if value == drawn:
        return False
    ws = workspace(jid)
    number = ws.showing.get(name, (None, 0))[1]
    if key == widget_key(jid, f"{name}.{number}"):
        ws.showing[name] = (value, number)
    return True


def widget_key(jid: str, name: str) -> str:
    """The key of an editing widget that is no table (a score, the choice of touchpoint; :func:`showing`)."""
    return f"editor.w.{name}.{jid}"


def change(
    jid: str,
    graph: nx.DiGraph,
    *,
    pending_rows: list[dict] | None = None,
    by: str | None = None,
    taken: dict | None = None,
    rerun: bool = True,
    recorded: bool = False,
) -> None:
    """Make ``graph`` the draft, and ``pending_rows`` (where given) its transition rows not complete yet.

    The one way the draft changes: the tables, the detail panel, the map, Save, Discard and a restored version
    all come here, and nothing changes when ``graph`` is the draft already. ``by`` names the table editor the
    change was typed in and ``taken`` the edits of it the draft now holds; that editor stays (it shows the
    change already), every other one shows the new draft, created anew where what it shows changed. Then the
    page reruns, for what it drew before the change; ``rerun=False`` in a widget's callback, which runs before
    the page, and where the caller reruns.

    Each change becomes a step to undo (:mod:`ui.editor.undo`), unless the caller ``recorded`` it already
    (the map, with the operations it sent) or is undoing or redoing one.
    """
    if commit(workspace(jid), graph, pending_rows=pending_rows, by=by, taken=taken, recorded=recorded) and rerun:
        st.rerun()


def commit(
    ws: Workspace,
    graph: nx.DiGraph,
    *,
    pending_rows: list[dict] | None = None,
    by: str | None = None,
    taken: dict | None = None,
    recorded: bool = False,
) -> bool:
    """:func:`change` on the workspace ``ws`` at hand, whole: True when the draft changed. Nothing here reads or
    writes session state or draws, so Streamlit cannot stop it halfway."""
    new = Draft(tables.write_draft(graph), ws.pending if pending_rows is None else pending_rows)
    old = ws.draft
    step = undo.step(_shown(old.text), graph) if old is not None and new != old and not recorded else None
    if by is not None:  # from here on only ``ws`` changes
        ws.editors[by].update(result=new, taken=taken, retype=False)
    if new == old:
        return False
    if step is not None:
        undo.push(ws, step)
    ws.text, ws.pending = new
    return True


NO_EDITS = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
TALL = 30
"""Rows a table shows at most: a longer one scrolls in a box of this height. The browser draws only the rows in
view, so a journey of 200 or 2,000 touchpoints is no slower to edit than one of 30, and the map and detail panel
stay a short scroll away."""
ROW_PX = 35  # the height of a row of Streamlit's table editor


def edit_table(
    jid: str,
    name: str,
    view: Callable[[Draft], tuple[pd.DataFrame, dict]],
    apply: Callable[[nx.DiGraph, pd.DataFrame], nx.DiGraph | tuple[nx.DiGraph, list[dict]]],
    **options,
) -> None:
    """A table editor of the draft, and its edits applied to the draft through :func:`change`.

    ``view(draft)`` is what the table shows of a state of the draft: its frame and column configuration.
    ``apply(G, edited)`` is journey ``G`` with the table's part replaced by the ``edited`` frame (for the
    transitions: and the rows not complete yet). ``options`` go to ``st.data_editor``.

    The editor is fed the frame it was created from and never its own output, and its edits (all of them,
    as the browser sends them) are applied to the draft it was created from. Where the draft changed
    elsewhere meanwhile and what the table shows did not, the editor stays and the table's part of the
    draft is put into the changed draft; otherwise the editor is created anew from the draft, and says so
    if it held an edit not taken yet.
    """
    now = current(jid)
    record = _editor(jid, name, now, view)
    frame, column_config = view(record["shown"])
    if record.setdefault("columns", repr(column_config)) != repr(column_config):
        # other words (another language): Streamlit makes it another editor, without the edits it showed
        record = renew(jid, name, retype=untaken(record["key"], record["taken"]))
        frame, column_config = view(record["shown"])
        record["columns"] = repr(column_config)
    record["take"] = (view, apply)  # for Save's callback (:func:`take_all_sent`)
    key = record["key"]
    height = "content" if len(frame) <= TALL else ROW_PX * (TALL + 2)  # a header and the row to add one
    options = {"hide_index": True, "width": "stretch", "height": height, "placeholder": "–", **options}
    edited = st.data_editor(
        frame, key=key, on_change=take_sent, args=(jid, name, view, apply),
        **{**options, "column_config": unbounded(column_config)},
    )  # fmt: skip
    edits = sent_edits(key)
    if record.get("retype"):
        st.warning(t("editor.retype"), icon=":material/keyboard:")
    if refuse_cells(key, column_config, rows=len(frame)):
        return  # the draft keeps its value; the table shows the user's cell and why it is not taken
    if edits == record["taken"] and now == record["result"]:
        return  # the draft holds everything typed here (taken when the run began, :func:`take_sent`)
    origin = record["origin"]
    unedited = (origin.graph, origin.pending)
    try:
        graph, rows = _applied(apply, origin, edited) if tables.frames_differ(frame, edited) else unedited
        if record["merged"]:  # the draft changed elsewhere meanwhile: the table's part into the changed draft
            graph, rows = _applied(apply, now, view(Draft(tables.write_draft(graph), rows))[0])
    except Refused as refusal:  # the table starts over from the draft, which keeps what it had
        flash(refusal.message, ":material/block:")
        renew(jid, name)
        st.rerun()
    change(jid, graph, pending_rows=rows, by=name, taken=edits)


class Refused(ValueError):
    """Raised by a table's ``apply`` for an edit the journey cannot take; ``message`` says why, to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@guarded
def take_sent(jid: str, name: str, view, apply) -> None:
    """The edits of table editor ``name`` into the draft as soon as they arrive: its ``on_change``, which runs
    before the page does. The page then draws the new draft at once (no second run for what it drew before
    the table), and an edit made right before the user leaves the page is in the draft already.

    Taken here only in the plain case: the draft is as the table left it, no cell is refused. Otherwise the
    table drawn in the run takes them (:func:`edit_table`), and says what it must.
    """
    ws = workspace(jid)
    record = ws.editors.get(name)
    if record is None or record["merged"] or ws.draft != record["result"] or record["key"] not in st.session_state:
        return
    edits, raw = sent_edits(record["key"]), st.session_state[record["key"]]
    if edits == record["taken"]:
        return
    frame, column_config = view(record["shown"])
    if tables.refused_cells(raw, column_config, rows=len(frame)):
        return
    origin = record["origin"]
    try:
        graph, rows = _applied(apply, origin, tables.edited_frame(frame, edits))
    except Refused:
        return
    commit(ws, graph, pending_rows=rows, by=name, taken=edits)


def take_all_sent(jid: str) -> None:
    """:func:`take_sent` for every table editor shown in the last run: in a callback that must see the draft
    with all the edits sent along with it (Save), whichever of the callbacks Streamlit runs first."""
    for name, record in list(workspace(jid).editors.items()):
        if "take" in record:
            take_sent(jid, name, *record["take"])


def holds_any_untaken(jid: str) -> bool:
    """True when any table editor shown in the last run holds edits the draft does not hold yet."""
    return any(holds_untaken(jid, name) for name in list(workspace(jid).editors))


def holds_untaken(jid: str, name: str) -> bool:
    """True when table editor ``name``, shown in the last run, holds edits the draft does not hold yet: the
    user left it (for another section or touchpoint) right after typing, and the edit came with this run."""
    record = _editors(jid).get(name)
    return record is not None and untaken(record["key"], record["taken"])


def untaken(key: str, taken: dict | None) -> bool:
    """True when table editor ``key``, shown in the last run, holds edits beyond those ``taken``."""
    return key in st.session_state and sent_edits(key) not in (taken, NO_EDITS)


@contextmanager
def out_of_sight() -> Iterator[None]:
    """Draw what is inside and take it off the page again: a table the user just left takes its last edits."""
    slot = st.empty()
    with slot.container():
        yield
    slot.empty()


def renew(jid: str, name: str, *, retype: bool = False) -> dict:
    """Create the table editor ``name`` anew (a new key) from the draft as it is; its bookkeeping. ``retype``:
    the one it replaces held an edit not taken, which the user is asked to type again."""
    ws = workspace(jid)
    ws.nonce += 1
    now = Draft(ws.text, ws.pending)
    record = {"key": f"editor.w.{name}.{jid}.{ws.nonce}", "shown": now, "origin": now, "result": now}
    record |= {"taken": NO_EDITS, "merged": False, "retype": retype}
    ws.editors[name] = record
    return record


def _editors(jid: str) -> dict[str, dict]:
    """Per table editor: its key; the draft it shows (``shown``) and the one its edits apply to (``origin``),
    which differ after an unedited table stayed through a change elsewhere; the draft as it left it
    (``result``); the edits the draft holds (``taken``); whether its part goes into a draft changed elsewhere
    (``merged``); its column configuration (``columns``, as text)."""
    return workspace(jid).editors


def _editor(jid: str, name: str, now: Draft, view) -> dict:
    """The bookkeeping of table editor ``name`` for the draft ``now``: kept, moved onto it, or anew."""
    record = _editors(jid).get(name)
    if record is None or record["key"] not in st.session_state:  # new, or not shown in the last run
        return renew(jid, name)
    if now == record["result"]:
        return record  # nothing but this table changed the draft
    shows, showed = view(now), view(record["result"])
    if not (shows[0].equals(showed[0]) and shows[1] == showed[1]):  # what it shows changed elsewhere
        return renew(jid, name, retype=untaken(record["key"], record["taken"]))
    if sent_edits(record["key"]) == NO_EDITS:
        record.update(origin=now, result=now, taken=NO_EDITS, merged=False)
    else:
        record.update(result=now, taken=None, merged=True)
    return record


def sent_edits(key: str) -> dict:
    """The edits of table editor ``key`` as the browser sent them: every edit since it was created (a copy)."""
    state = st.session_state.get(key)
    state = state if isinstance(state, dict) else {}
    return {name: copy.deepcopy(state.get(name)) or empty for name, empty in NO_EDITS.items()}


def _applied(apply, draft: Draft, edited: pd.DataFrame) -> tuple[nx.DiGraph, list[dict]]:
    """``draft`` with table's part replaced by ``edited``: the journey and the transition rows not complete yet."""
    result = apply(_shown(draft.text), edited)
    return result if isinstance(result, tuple) else (result, draft.pending)


def unbounded(column_config: dict) -> dict:
    """``column_config`` for the table editor, without the bounds of its number columns.

    Given a column's bounds, the editor in the browser quietly turns a number typed past
    them into the bound (a 7 on a 1–5 scale into 5). Without them the number arrives as
    typed, and :func:`refuse_cells`, which reads the bounds from the full configuration,
    says why it is not taken.
    """
    shown = {}
    for name, config in column_config.items():
        kind = config.get("type_config", {}) if isinstance(config, dict) else {}
        if kind.get("type") == "number":
            config = {**config, "type_config": {k: v for k, v in kind.items() if k not in ("min_value", "max_value")}}
        shown[name] = config
    return shown


def refuse_cells(key: str, column_config: dict, *, rows: int) -> bool:
    """Under table editor ``key``: why cells that are no number within their column's bounds are not taken.

    Returns True when there are such cells, and then nothing of the edit may be taken.
    """
    refused = tables.refused_cells(st.session_state.get(key), column_config, rows=rows)
    if not refused:
        return False
    lines = []
    for cell in refused:
        config = column_config.get(cell["column"]) or {}
        label = config.get("label") or cell["column"]
        value = md(repr(cell["value"]) if isinstance(cell["value"], str) else cell["value"])
        key_ = "table.refused" if cell["whole"] else "table.refused.real"
        lines.append("- " + t(key_, row=cell["row"], column=md(label), value=value, lo=cell["lo"], hi=cell["hi"]))
    st.error("\n".join([*lines, "", t("table.refused.hint")]), icon=":material/block:")
    return True


def labels(names: dict) -> Callable[[str], str]:
    """A ``format_func`` showing ``names[key]``, or the key itself when it has no name."""
    return lambda key: str(names.get(key, key))
