"""Presence: who has a journey open, by the database's clock, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

import store
from store import presence
from store.models import Presence
from tests.strategies import make_journey


@pytest.fixture
def jid(session) -> str:
    return store.create_journey(session=session, graph=make_journey(4), author="Ada")


def stop_renewing(session, jid: str, tab: str, seconds: float) -> None:
    """Make tab ``tab``'s last heartbeat ``seconds`` old by the database's clock, as if it had stopped renewing it."""
    now = presence.look(session=session, journey_id=jid).now
    session.execute(update(Presence).where(Presence.tab == tab).values(seen_at=now - timedelta(seconds=seconds)))
    session.commit()


def test_a_poll_tells_the_version_and_who_is_here_on_which_page(session, jid):
    presence.beat(session=session, journey_id=jid, tab="tab-ada", name="Ada", page="edit")
    presence.beat(session=session, journey_id=jid, tab="tab-bob", name="Bob", page="review")
    seen = presence.look(session=session, journey_id=jid)
    assert (seen.version, seen.updated_by) == (1, "Ada")
    assert sorted((h.name, h.page) for h in seen.here) == [("Ada", "edit"), ("Bob", "review")]
    presence.beat(session=session, journey_id=jid, tab="tab-bob", name="Bob", page="score")  # renewed, not added
    assert sorted((h.name, h.page) for h in presence.look(session=session, journey_id=jid).here) == [
        ("Ada", "edit"), ("Bob", "score")
    ]  # fmt: skip


def test_a_save_shows_in_the_next_poll(session, jid):
    G, version = store.load_journey(session=session, journey_id=jid)
    G.nodes["tp-2"]["owner"] = "Bob"
    store.save_journey(session=session, graph=G, expected_version=version, author="Bob")
    seen = presence.look(session=session, journey_id=jid)
    assert (seen.version, seen.updated_by) == (2, "Bob")


def test_someone_who_stopped_renewing_is_gone_and_later_forgotten(session, jid):
    presence.beat(session=session, journey_id=jid, tab="tab-ada", name="Ada", page="edit")
    presence.beat(session=session, journey_id=jid, tab="tab-bob", name="Bob", page="edit")
    stop_renewing(session, jid, "tab-bob", presence.GONE_AFTER_S + 5)
    assert [h.name for h in presence.look(session=session, journey_id=jid).here] == ["Ada"]
    assert session.scalar(select(func.count()).select_from(Presence)) == 2  # gone, not yet forgotten
    session.rollback()
    stop_renewing(session, jid, "tab-bob", presence.FORGOTTEN_AFTER_S + 5)
    presence.beat(session=session, journey_id=jid, tab="tab-ada", name="Ada", page="edit")
    assert session.scalars(select(Presence.tab)).all() == ["tab-ada"]


def test_leaving_and_a_deleted_journey(session, jid):
    presence.beat(session=session, journey_id=jid, tab="tab-ada", name="Ada", page="edit")
    presence.leave(session=session, journey_id=jid, tab="tab-ada")
    assert presence.look(session=session, journey_id=jid).here == []
    presence.beat(session=session, journey_id=jid, tab="tab-ada", name="Ada", page="edit")
    store.delete_journey(session=session, journey_id=jid, author="Ada")
    with pytest.raises(store.JourneyNotFound):
        presence.look(session=session, journey_id=jid)  # in the trash: nobody is told about it
    store.purge_journey(session=session, journey_id=jid)
    assert session.scalar(select(func.count()).select_from(Presence)) == 0  # gone with the journey
    session.rollback()
    with pytest.raises(store.JourneyNotFound):
        presence.beat(session=session, journey_id=jid, tab="tab-ada", name="Ada", page="edit")


def test_a_bad_tab_is_refused(session, jid):
    with pytest.raises(ValueError, match="tab"):
        presence.beat(session=session, journey_id=jid, tab="", name="Ada", page="edit")
