"""Kept drafts: the Editor's unsaved working copy of a journey, per person, on SQLite and PostgreSQL."""

import io
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

import store
from journeys.model import tables
from store import backup
from store.drafts import drop_kept_draft, keep_draft, kept_draft
from store.models import KeptDraft
from tests.strategies import make_journey


@pytest.fixture
def journey(session) -> str:
    return store.create_journey(session=session, graph=make_journey(5, name="Kept"), author="a")


def draft_text(session, journey_id: str, name: str) -> str:
    """The journey as the Editor keeps a draft, with its first touchpoint renamed."""
    G, _ = store.load_journey(session=session, journey_id=journey_id)
    G.nodes[next(iter(G))]["name"] = name
    return tables.write_draft(G)


def test_a_kept_draft_is_read_back_per_person_and_replaced_by_the_next(session, journey):
    """Each person has their own draft of a journey; keeping again replaces it, with a new time."""
    assert kept_draft(session=session, journey_id=journey, person="ana@example.org") is None
    keep_draft(session=session, journey_id=journey, person="ana@example.org", text="first", base_version=1)
    keep_draft(session=session, journey_id=journey, person="browser-b", text="b's", base_version=1)
    first = kept_draft(session=session, journey_id=journey, person="ana@example.org")
    assert (first.text, first.base_version) == ("first", 1)
    assert abs(first.updated_at - datetime.now(UTC)) < timedelta(minutes=5)  # the database's clock, in UTC

    time.sleep(1.1)  # SQLite's clock counts seconds
    text = draft_text(session, journey, "Renamed „früh“ 🛜")
    keep_draft(session=session, journey_id=journey, person="ana@example.org", text=text, base_version=2)
    second = kept_draft(session=session, journey_id=journey, person="ana@example.org")
    assert (second.text, second.base_version) == (text, 2)
    assert second.updated_at > first.updated_at
    assert kept_draft(session=session, journey_id=journey, person="browser-b").text == "b's"
    assert session.execute(select(func.count()).select_from(KeptDraft)).scalar_one() == 2


def test_dropping_forgets_only_that_persons_draft(session, journey):
    """Save or discard drops the person's kept draft; dropping one that is not there is no error."""
    keep_draft(session=session, journey_id=journey, person="a", text="a's", base_version=1)
    keep_draft(session=session, journey_id=journey, person="b", text="b's", base_version=1)
    drop_kept_draft(session=session, journey_id=journey, person="a")
    drop_kept_draft(session=session, journey_id=journey, person="a")
    assert kept_draft(session=session, journey_id=journey, person="a") is None
    assert kept_draft(session=session, journey_id=journey, person="b").text == "b's"


def test_a_draft_of_no_journey_is_refused(session, journey):
    """Keeping a draft of a journey that is not there (deleted for good meanwhile) raises JourneyNotFound."""
    with pytest.raises(store.JourneyNotFound):
        keep_draft(session=session, journey_id="gone", person="a", text="x", base_version=1)
    with pytest.raises(ValueError):
        keep_draft(session=session, journey_id=journey, person="", text="x", base_version=1)
    keep_draft(session=session, journey_id=journey, person="a", text="x", base_version=1)  # the session goes on


def test_deleting_a_journey_for_good_deletes_its_kept_drafts(session, journey):
    """The trash keeps the drafts (the journey can come back); deleting it for good takes them along."""
    other = store.create_journey(session=session, graph=make_journey(3, name="Other"), author="a")
    for jid in (journey, other):
        keep_draft(session=session, journey_id=jid, person="a", text=f"draft of {jid}", base_version=1)
    store.delete_journey(session=session, journey_id=journey, author="a")
    assert kept_draft(session=session, journey_id=journey, person="a") is not None
    store.purge_journey(session=session, journey_id=journey)
    assert kept_draft(session=session, journey_id=journey, person="a") is None
    assert kept_draft(session=session, journey_id=other, person="a").text == f"draft of {other}"


def test_a_backup_leaves_kept_drafts_out_and_restores_over_them(session, journey):
    """Backup and restore (replacing every journey) work with kept drafts present; the restored journeys have none."""
    text = draft_text(session, journey, "Only in the draft")
    keep_draft(session=session, journey_id=journey, person="a", text=text, base_version=1)
    buffer = io.BytesIO()
    assert backup.backup(session=session, path=buffer).journeys == 1
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert not any(b"Only in the draft" in archive.read(name) for name in archive.namelist())

    backup.restore(session=session, path=io.BytesIO(buffer.getvalue()), replace=True)
    assert kept_draft(session=session, journey_id=journey, person="a") is None
    G, version = store.load_journey(session=session, journey_id=journey)
    assert (G.graph["name"], version) == ("Kept", 1)
    keep_draft(session=session, journey_id=journey, person="a", text="again", base_version=1)  # and can be kept again
