"""Live awareness under AppTest: who else has the journey open, when they are gone, and others' saves in the Editor.

AppTest runs the part of the page that refreshes on its own with every run of the page, so each ``run()`` here is
one poll (a browser polls every ``ui.live.POLL_S`` seconds; tests/e2e/test_live.py has two real browsers).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from streamlit.testing.v1 import AppTest

import store
from store import presence
from store.models import Presence
from tests.app.conftest import APP
from tests.app.test_editor import draft, edit, open_editor


def person(name: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["author"] = name
    return at


def here(at: AppTest) -> list[str]:
    """The names and pages the page shows as also here (badges with a person icon, which are Markdown)."""
    return [m.value.replace("\\", "") for m in at.markdown if m.value.startswith(":gray-badge[:material/person:")]


def test_who_else_has_the_journey_open_shows_and_goes_after_they_leave(app, db, demo):
    first = open_editor(app, demo)
    assert here(first) == []  # alone
    second = person("Zoë Zweite")
    open_editor(second, demo)
    first.run()
    assert any("Zoë Zweite" in h and "Editor" in h for h in here(first)), here(first)
    assert any("Test User" in h for h in here(second))

    # the second person stops renewing their presence: after GONE_AFTER_S they are gone from the first one's page
    now = presence.look(session=db, journey_id=demo).now
    db.execute(update(Presence).where(Presence.name == "Zoë Zweite").values(seen_at=now - timedelta(seconds=46)))
    db.commit()
    first.run()
    assert not any("Zoë Zweite" in h for h in here(first)), here(first)


def test_presence_names_the_page_each_person_is_on(app, db, demo):
    first = open_editor(app, demo)
    reviewer = person("Rita Review")
    reviewer.run()
    reviewer.switch_page("pages/review.py")
    reviewer.query_params["journey"] = demo
    reviewer.run()
    first.run()
    assert any("Rita Review" in h and "Review" in h for h in here(first)), here(first)


def test_a_save_by_someone_else_is_told_and_brought_into_the_unsaved_draft(app, db, demo):
    """The first person has an unsaved edit; the second saves another touchpoint: the first is told who saved what,
    brings it in with one click, keeps their own edit, and saves both."""
    first = open_editor(app, demo)
    edit(first, "touchpoints", edited={0: {"owner": "Growth team"}})
    second = person("Second User")
    edit(open_editor(second, demo), "touchpoints", edited={8: {"name": "Service line"}})
    second.button(key="editor.save").click().run()

    first.run()  # the next poll
    told = "\n".join(i.value for i in first.info).replace("\\", "")
    assert "Second User saved version 2: changed touchpoint Service line" in told
    assert "Your unsaved changes stay in the draft." in told
    bring_in = first.button(key="live.bring_in")
    assert bring_in.label == "Bring their changes into my draft"
    bring_in.click().run()
    G = draft(first, demo)
    assert (G.nodes["hotline"]["name"], G.nodes["comparison-portal"]["owner"]) == ("Service line", "Growth team")
    assert first.session_state[f"editor.{demo}"].base == 2
    assert not any("saved version 2" in i.value for i in first.info)  # told once brought in

    first.button(key="editor.save").click().run()
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert version == 3 and graph.nodes["comparison-portal"]["owner"] == "Growth team"
    assert graph.nodes["hotline"]["name"] == "Service line"


def test_with_nothing_unsaved_the_editor_offers_to_show_the_new_version(app, db, demo):
    first = open_editor(app, demo)
    second = person("Second User")
    edit(open_editor(second, demo), "touchpoints", edited={8: {"name": "Service line"}})
    second.button(key="editor.save").click().run()
    first.run()
    assert draft(first, demo).nodes["hotline"]["name"] == "Call the hotline"  # nothing changes under the user
    show = first.button(key="live.bring_in")
    assert show.label == "Show their changes"
    show.click().run()
    assert draft(first, demo).nodes["hotline"]["name"] == "Service line"
    assert any("Saved · version 2" in m.value for m in first.markdown)


def test_bringing_in_a_clash_asks_field_by_field_and_saves_nothing(app, db, demo):
    first = open_editor(app, demo)
    edit(first, "touchpoints", edited={0: {"owner": "Growth team"}})
    second = person("Second User")
    edit(open_editor(second, demo), "touchpoints", edited={0: {"owner": "Sales"}})
    second.button(key="editor.save").click().run()
    first.run()
    first.button(key="live.bring_in").click().run()
    choice = first.radio(key=f"editor.conflict.{demo}.touchpoint:comparison-portal:owner")
    assert choice.options == ["Mine: Growth team", "Second User: Sales"]
    assert first.button(key="editor.conflict_apply").label == "Bring in with these choices"
    choice.set_value("mine").run()
    first.button(key="editor.conflict_apply").click().run()
    assert draft(first, demo).nodes["comparison-portal"]["owner"] == "Growth team"
    assert first.session_state[f"editor.{demo}"].base == 2
    assert store.current_version(session=db, journey_id=demo) == 2  # brought in, not saved


def test_in_german(app, db, demo):
    """The live line and the notice speak German."""
    first = app
    first.query_params["lang"] = "de"
    open_editor(first, demo)
    edit(first, "touchpoints", edited={0: {"owner": "Wachstumsteam"}})
    second = person("Zoë Zweite")
    edit(open_editor(second, demo), "touchpoints", edited={8: {"name": "Service-Hotline"}})
    second.button(key="editor.save").click().run()
    first.run()
    assert any("Auch hier:" in c.value for c in first.caption)
    assert any("Zoë Zweite · Editor" in h for h in here(first)), here(first)
    told = "\n".join(i.value for i in first.info).replace("\\", "")
    assert "Zoë Zweite hat Version 2 gespeichert: Touchpoint Service-Hotline geändert" in told
    assert "Ihre ungespeicherten Änderungen bleiben im Entwurf." in told
    assert first.button(key="live.bring_in").label == "Deren Änderungen in meinen Entwurf übernehmen"


def _page_with_a_part_drawn_last() -> None:
    import streamlit as st

    from ui import frame

    drawn = st.session_state.setdefault("drawn", [])
    with frame.framed():
        st.title("Title")
        slot = st.container()
        frame.at_end(lambda: (drawn.append("live part"), slot.caption("Who else is here")))
        for part in ("map", "tables"):
            drawn.append(part)
            st.write(part)


def test_the_live_part_is_drawn_under_the_title_but_after_the_rest_of_the_page():
    """The part that polls is drawn where it belongs, once everything else is drawn: its timer starts when the
    page is done, so that no poll waits on (or slows) a page still being drawn."""
    at = AppTest.from_function(_page_with_a_part_drawn_last, default_timeout=30).run()
    assert at.session_state["drawn"] == ["map", "tables", "live part"]
    shown = [e.value for e in at.main if hasattr(e, "value")]
    assert shown == ["Title", "Who else is here", "map", "tables"]


def test_the_editor_asks_who_is_here_once_it_has_drawn_its_map(app, db, demo, monkeypatch):
    """The Editor's presence query (its live part) runs after the page's slowest part, the map."""
    import ui.live
    from ui.editor import canvas

    order = []
    look = ui.live.presence.look
    monkeypatch.setattr(ui.live.presence, "look", lambda **kw: (order.append("look"), look(**kw))[1])
    map_editor = canvas.map_editor
    monkeypatch.setattr(canvas, "map_editor", lambda *a, **kw: (order.append("map"), map_editor(*a, **kw))[1])
    open_editor(app, demo)
    assert order[-2:] == ["map", "look"], order
