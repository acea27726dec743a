"""The map editor's model of a journey: what changes it and what does not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from journeys.charts.canvas import OFF_MAP, map_key, map_model
from journeys.demo import broadband_demo
from journeys.model.fields import TOUCHPOINT_FIELDS
from journeys.model.tables import update_touchpoint
from tests.strategies import _touchpoint, journeys
from tests.stress import examples


@st.composite
def journey_and_other_values(draw):
    """A journey, one of its touchpoints, and other values for that touchpoint's fields off the map."""
    G = draw(journeys(max_touchpoints=12).filter(len))
    key = draw(st.sampled_from(list(G)))
    stages = [s["id"] for s in G.graph["stages"]]
    personas = [p["id"] for p in G.graph["personas"]]
    other = draw(_touchpoint(stages, personas))
    return G, key, {field: other[field] for field in OFF_MAP}


@settings(max_examples=examples(60), deadline=None)
@given(journey_and_other_values())
def test_fields_off_the_map_leave_the_map_as_it_was(drawn):
    """Whatever a touchpoint's owner, description, channel, personas, needs, pains and expectation become, the map
    editor draws the same map, coloured by any persona or by the experience: the key the map is cached by may
    leave them out."""
    G, key, values = drawn
    H = update_touchpoint(G, key, **values)
    assert map_key(H) == map_key(G)
    for persona in [None, *(p["id"] for p in G.graph["personas"])]:
        assert map_model(H, persona=persona) == map_model(G, persona=persona)


def test_every_field_on_the_map_changes_its_key():
    """A change of any other field (the name, the stage, a flag, the emotions, the experience) is a new map."""
    G = broadband_demo()
    changed = {"name": "Phone", "stage": "use", "backstage": True, "moment_of_truth": False, "entry": True,
               "exit": True, "drop_out": True, "emotions": {"petra": 2, "jonas": 2}, "experience": 5}  # fmt: skip
    assert set(changed) | OFF_MAP == {f.name for f in TOUCHPOINT_FIELDS}
    for field, value in changed.items():
        assert G.nodes["hotline"][field] != value
        assert map_key(update_touchpoint(G, "hotline", **{field: value})) != map_key(G), field
