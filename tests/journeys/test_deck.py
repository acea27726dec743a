"""The presenters' deck: a PowerPoint file with the slides in order, the weakest touchpoints as a native table, the
numbers in the speaker notes, in English or German; the same deck as PDF; and the map with its heatmap on one A3 page.

The inputs are read as the Export page and the command line read them: from a database holding the demo journeys
(with their workshop ratings, ideas and the broadband to-be), through :func:`store.presenting.deck_inputs`.
"""

import io
from datetime import date

import pytest
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader
from sqlmodel import Session

import store
from journeys.charts import images
from journeys.demo import ebike_demo
from journeys.i18n import number, percent, t
from journeys.io import deck, exports
from store import presenting
from tests.marks import needs_browser

DAY = date(2026, 3, 14)
A3 = (1190.55, 841.89)  # points, landscape


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """Ids of the demo journeys in a fresh SQLite database, and its engine."""
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('deck') / 'deck.db'}")
    store.prepare_database(engine, demo=False)
    with Session(engine) as session:
        broadband, ebike, to_be = store.seed_demo_journeys(session=session, author="Mara (workshop)")
    yield {"engine": engine, "broadband": broadband, "ebike": ebike, "to_be": to_be}
    engine.dispose()


def inputs(demo, key: str) -> presenting.DeckInputs:
    with Session(demo["engine"]) as session:
        return presenting.deck_inputs(session=session, journey_id=demo[key])


def slides_of(demo, key: str = "broadband", lang: str = "en") -> tuple[presenting.DeckInputs, list]:
    found = inputs(demo, key)
    return found, deck.deck_slides(found.graph, found.table, lang=lang, day=DAY, **found.slides_kwargs())


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def title_of(slide) -> str:
    return next(shape.text_frame.text for shape in slide.shapes if shape.name == "Title")


def table_of(slide) -> list[list[str]]:
    (shape,) = [shape for shape in slide.shapes if shape.has_table]
    return [[cell.text for cell in row.cells] for row in shape.table.rows]


@pytest.fixture(scope="module")
def broadband_deck(demo) -> tuple[presenting.DeckInputs, list, Presentation, bytes]:
    found, slides = slides_of(demo)
    data = deck.to_pptx(slides)
    return found, slides, Presentation(io.BytesIO(data)), data


def test_the_inputs_hold_ratings_ideas_team_and_the_to_be(demo):
    """Read through the store: the weakness from the workshop's ratings, the demo's ideas, who saved and rated it,
    and the to-be made from it (for the as-is as for the to-be)."""
    found = inputs(demo, "broadband")
    assert found.table["desirable"].notna().all()  # every touchpoint was rated in the workshop
    assert len(found.ideas) >= 2 and found.ideas["value"].notna().any()
    assert found.team[0] == "Mara (workshop)" and len(found.team) > 1  # the author, then the raters
    assert found.comparison is not None and found.comparison.after.graph["state"] == "to-be"
    assert found.comparison.total_after < found.comparison.total_before
    from_to_be = inputs(demo, "to_be")
    assert from_to_be.comparison.before.graph["name"] == found.graph.graph["name"]
    assert inputs(demo, "ebike").comparison is None  # nobody made a to-be of the e-bike journey


@needs_browser
def test_the_deck_has_the_slides_in_order_at_16_to_9(broadband_deck):
    found, slides, pptx, _ = broadband_deck
    assert pptx.slide_width * 9 == pptx.slide_height * 16
    stages = [sid for sid, _ in images.stage_slides(found.graph)]
    assert images.is_long(found.graph) and len(stages) > 1  # so the map comes whole and stage by stage
    titles = [title_of(s) for s in pptx.slides]
    assert titles == [
        found.graph.graph["name"],
        "The journey map",
        *(t("export.stage_title", n=i, total=len(stages), stage=s.title.split(": ", 1)[1]) for i, s in
          enumerate([s for s in slides if s.kind == "stage"], 1)),
        "Where the journey is weak",
        "The weakest touchpoints and why",
        "How the customers feel along the journey",
        "Importance and performance",
        "Ideas: value and effort",
        "From as-is to to-be: what changes in weakness",
    ]  # fmt: skip
    assert [s.kind for s in slides].count("stage") == len(stages)
    title = texts(pptx.slides[0])
    assert any("Mara (workshop)" in text and "Team" in text for text in title)
    assert any("as-is" in text for text in title) and any("Mar 14, 2026" in text for text in title)


@needs_browser
def test_chart_slides_carry_one_picture_inside_the_slide(broadband_deck):
    _, slides, pptx, _ = broadband_deck
    for kind, slide in zip([s.kind for s in slides], pptx.slides, strict=True):
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == (0 if kind in ("title", "weakest") else 1), kind
        for shape in pictures:
            assert shape.left >= 0 and shape.top >= Emu(0) and shape.left + shape.width <= pptx.slide_width
            assert shape.top + shape.height <= pptx.slide_height
            assert shape.image.content_type == "image/png" and len(shape.image.blob) > 20_000


@needs_browser
def test_the_weakest_touchpoints_are_a_native_table_of_the_weakness_tables_top_rows(broadband_deck):
    found, slides, pptx, _ = broadband_deck
    index = [s.kind for s in slides].index("weakest")
    rows = table_of(pptx.slides[index])
    ranked = found.table.sort_values("weakness", ascending=False).head(len(rows) - 1)
    assert rows[0] == ["Touchpoint", "Stage", "Weakness", "Why"]
    assert [r[0] for r in rows[1:]] == list(ranked["name"])
    assert [r[2] for r in rows[1:]] == [f"{w:.2f}" for w in ranked["weakness"]]
    assert [r[3] for r in rows[1:]] == [t(f"lens.{w}") for w in ranked["why"]]  # the reason Review gives
    stages = {s["id"]: s["name"] for s in found.graph.graph["stages"]}
    assert [r[1] for r in rows[1:]] == [stages[s] for s in ranked["stage"]]
    assert rows[1][0] == "Set up the router"  # the workshop's worst


@needs_browser
def test_the_speaker_notes_hold_the_numbers(broadband_deck):
    found, slides, pptx, _ = broadband_deck
    notes = {
        s.kind: pptx.slides[i].notes_slide.notes_text_frame.text for i, s in enumerate(slides) if s.kind != "stage"
    }
    worst = found.table.sort_values("weakness", ascending=False).iloc[0]
    line = f"{worst['name']} ("
    assert line in notes["weakest"] and line in notes["heatmap"]
    assert number(worst["weakness"], "en", 2) in notes["weakest"]
    assert f"{percent(worst['flow'], 'en')} of customers reach it" in notes["weakest"]
    assert f"desirable {number(worst['desirable'], 'en', 1)}" in notes["weakest"]
    assert f"{len(found.ideas)} ideas" in notes["title"] and f"{len(found.ideas)} ideas" in notes["ideas"]
    assert all(title in notes["ideas"] for title in found.ideas["title"])
    total = number(found.table["weakness"].sum(), "en", 2)
    assert f"Journey weakness (sum over all touchpoints): {total}" in notes["title"]
    cmp = found.comparison
    assert f"as-is {number(cmp.total_before, 'en', 2)}, to-be {number(cmp.total_after, 'en', 2)}" in notes["to-be"]


@needs_browser
def test_the_deck_speaks_german(demo):
    found, slides = slides_of(demo, lang="de")
    pptx = Presentation(io.BytesIO(deck.to_pptx([s for s in slides if s.kind != "stage"])))
    titles = [title_of(s) for s in pptx.slides]
    assert titles[1:3] == ["Die Journey-Karte", "Wo die Journey schwach ist"]
    assert "Die schwächsten Touchpoints und warum" in titles and "Ideen: Nutzen und Aufwand" in titles
    rows = table_of(pptx.slides[titles.index("Die schwächsten Touchpoints und warum")])
    assert rows[0] == ["Touchpoint", "Phase", "Schwäche", "Warum"]
    assert rows[1][2] == number(found.table["weakness"].max(), "de", 2)  # a decimal comma
    assert "," in rows[1][2]
    assert "Schwäche der Journey" in pptx.slides[0].notes_slide.notes_text_frame.text


def test_a_journey_without_ideas_or_to_be_has_no_such_slides(demo):
    _, slides = slides_of(demo, "ebike")
    kinds = [s.kind for s in slides]
    assert "ideas" not in kinds and "to-be" not in kinds
    assert kinds[:2] == ["title", "map"] and {"heatmap", "weakest", "emotions", "matrix"} <= set(kinds)
    _, with_to_be = slides_of(demo, "broadband")
    assert [s.kind for s in with_to_be][-2:] == ["ideas", "to-be"]


@needs_browser
def test_user_text_appears_as_typed(demo):
    G = ebike_demo()
    first = next(iter(G))
    typed = 'Say "hi" to <b>Bob</b> & **x** _y_'
    G.graph["name"] = 'The <i>"best"</i> **journey** & more'
    G.nodes[first]["name"] = typed
    G.nodes[first]["pains"] = [{"text": "it hurts", "severity": 5}]
    table = exports.touchpoint_scores(G, {})
    slides = deck.deck_slides(G, table, team=['Ann "the boss" <O\'Neil>'], day=DAY)
    pptx = Presentation(io.BytesIO(deck.to_pptx(slides)))
    assert title_of(pptx.slides[0]) == G.graph["name"]
    assert any('Ann "the boss" <O\'Neil>' in text for text in texts(pptx.slides[0]))
    rows = table_of(pptx.slides[[s.kind for s in slides].index("weakest")])
    assert typed in [r[0] for r in rows]
    assert all(G.graph["name"] in slide.subtitle for slide in slides[1:] if slide.kind != "to-be")


@needs_browser
def test_the_deck_as_pdf_has_a_landscape_page_per_slide(broadband_deck):
    _, slides, pptx, _ = broadband_deck
    reader = PdfReader(io.BytesIO(deck.to_pdf(slides)))
    assert len(reader.pages) == len(pptx.slides) == len(slides)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width / height == pytest.approx(16 / 9, rel=0.01)
    text = reader.pages[[s.kind for s in slides].index("weakest")].extract_text()
    assert "Set up the router" in text and "The weakest touchpoints and why" in text


@needs_browser
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_the_poster_is_one_a3_page_with_the_map_and_its_heatmap(demo, orientation):
    found = inputs(demo, "broadband")
    reader = PdfReader(io.BytesIO(deck.poster_pdf(found.graph, found.table, orientation=orientation, day=DAY)))
    assert len(reader.pages) == 1
    size = (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height))
    expected = A3 if orientation == "landscape" else A3[::-1]
    assert size == pytest.approx(expected, abs=2)
    text = reader.pages[0].extract_text()
    assert "Journey map" in text and "Where the journey is weak" in text
    assert "Set up the router" in text and "Onboarding" in text


def test_a_poster_of_an_unknown_orientation_is_refused(demo):
    found = inputs(demo, "broadband")
    with pytest.raises(ValueError, match="orientation"):
        deck.poster_figure(found.graph, found.table, orientation="square")
