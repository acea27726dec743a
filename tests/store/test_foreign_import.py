"""GraphML and touchpoint tables imported through the store, hostile ones too: a whole journey or nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import store
from journeys.demo import broadband_demo
from journeys.io.exports import to_csv, to_graphml
from journeys.io.foreign import read_file
from journeys.io.interchange import JourneyFormatError
from journeys.model.graph import journey_equal
from journeys.model.validation import JourneyInvalid
from store.models import Journey, Touchpoint, Transition


def counts(session) -> tuple[int, int, int]:
    found = tuple(
        session.scalar(select(func.count()).select_from(table)) for table in (Journey, Touchpoint, Transition)
    )
    session.rollback()
    return found


def test_our_graphml_imported_is_the_journey_and_a_second_time_comes_in_beside_it(session):
    """An exported journey's GraphML (which names its id) comes back as it was; imported where it is already, it comes
    in beside it under a name of its own."""
    H = broadband_demo()
    first = store.store_journey_whole(session=session, graph=H, sections={}, author="Ada")
    exported, _ = store.load_journey(session=session, journey_id=first)
    graph, sections = read_file("b.graphml", to_graphml(exported))
    assert journey_equal(graph, exported) and sections == {}
    second = store.store_journey_whole(session=session, graph=graph, sections={}, author="Ada", lang="de")
    assert second != first
    assert store.existing_journey(session=session, journey_id=second).startswith(f"{H.graph['name']} (importiert am")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_hostile_files_import_whole_or_write_nothing(session, data):
    kind = data.draw(st.sampled_from(["graphml", "csv"]))
    source = (to_graphml if kind == "graphml" else to_csv)(broadband_demo())
    at = data.draw(st.integers(0, len(source) - 1))
    payload = source[:at] + data.draw(st.text(max_size=30)) + source[at + data.draw(st.integers(0, 60)) :]
    before = counts(session)
    try:
        graph, sections = read_file(f"hostile.{kind}", payload)
        journey_id = store.store_journey_whole(session=session, graph=graph, sections=sections, author="Fuzz")
    except (JourneyFormatError, JourneyInvalid) as exc:
        assert exc.problems
        assert counts(session) == before  # nothing half-written
    else:
        stored, _ = store.load_journey(session=session, journey_id=journey_id)
        assert set(stored) == set(graph) and counts(session)[0] == before[0] + 1
