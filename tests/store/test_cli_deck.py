"""The command line writes the presentation deck (PPTX and PDF) and the A3 poster of a journey, in its language."""

import io

import networkx as nx
import pytest
from pptx import Presentation
from pypdf import PdfReader
from sqlmodel import Session

import store
from journeys.io import exports
from store import cli
from tests.marks import needs_browser
from tests.store.test_cli import call, db  # noqa: F401  the command line in this process, on its own database


@pytest.fixture
def demo(db) -> dict[str, str]:  # noqa: F811
    """The demo journeys (with ratings, ideas and the broadband to-be) in the command line's database: name → id."""
    engine = store.make_engine(db)
    store.migrate(engine)
    with Session(engine) as session:
        store.seed_demo_journeys(session=session, author="Mara")
        found = {j.name: j.id for j in store.list_journeys(session=session) if j.state == "as-is"}
    engine.dispose()
    return found


@needs_browser
def test_export_writes_the_deck_its_pdf_and_the_poster(call, demo, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    name = next(n for n in demo if n.startswith("Broadband"))
    code, _, err = call("export", demo[name], "--format", "pptx", "pdf", "poster", "--lang", "de", "--out", str(out))
    assert code == cli.EXIT_OK, err
    stem = exports.file_stem(nx.DiGraph(name=name, id=demo[name]))  # as the command line names its files
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{stem}.pptx", f"{stem}-deck.pdf", f"{stem}-poster-a3.pdf"]
    )
    deck = Presentation(io.BytesIO((out / f"{stem}.pptx").read_bytes()))
    titles = [next(s.text_frame.text for s in slide.shapes if s.name == "Title") for slide in deck.slides]
    assert titles[0] == name and titles[1] == "Die Journey-Karte"  # German, as asked
    assert titles[-1] == "Vom Ist zum Soll: wie sich die Schwäche ändert"  # the demo's to-be
    assert "Team: Mara" in deck.slides[0].shapes[1].text_frame.text
    pages = PdfReader(io.BytesIO((out / f"{stem}-deck.pdf").read_bytes())).pages
    assert len(pages) == len(deck.slides)
    (poster,) = PdfReader(io.BytesIO((out / f"{stem}-poster-a3.pdf").read_bytes())).pages
    assert (float(poster.mediabox.width), float(poster.mediabox.height)) == pytest.approx((1190.55, 841.89), abs=2)


def test_the_deck_formats_are_named_in_the_help_and_not_made_by_default(call):  # noqa: F811
    code, out, _ = call("export", "--help")
    assert code == 0
    assert all(word in out for word in ("pptx", "poster", "A3", "speaker notes"))
    args = cli.build_parser().parse_args(["export", "--all"])
    assert not set(args.format) & set(cli.DECK_FORMATS)  # drawn only when asked for: they take a while
