"""The bench's journeys and databases, generated afresh in a temporary folder."""

from __future__ import annotations

import networkx as nx
from sqlmodel import Session

import store
from tests.strategies import make_journey

__all__ = ["SIZES", "Databases", "build", "journey"]

SIZES = (20, 200, 2_000)
PORTFOLIO = (200, 50)  # journeys × touchpoints


def journey(n: int, name: str | None = None) -> nx.DiGraph:
    """A valid journey of ``n`` touchpoints in a line, with a branch and a loop (``make_journey``)."""
    return make_journey(n, name=name or f"Bench journey {n}")


class Databases:
    """Two SQLite files: ``core`` (one journey per size) and ``portfolio`` (200 journeys × 50 touchpoints)."""

    def __init__(self, folder):
        self.folder = folder
        self.core = folder / "core.db"
        self.portfolio = folder / "portfolio.db"
        self.ids: dict[int, str] = {}

    def url(self, name: str = "core") -> str:
        return f"sqlite:///{getattr(self, name)}"


def _fill(url: str, graphs) -> list[str]:
    engine = store.make_engine(url)
    store.migrate(engine)
    with Session(engine) as session:
        ids = [store.create_journey(session=session, graph=G, author="bench") for G in graphs]
    engine.dispose()
    return ids


def build(folder, *, core: bool = True, portfolio: bool = True) -> Databases:
    """Create the databases asked for in ``folder``; return where they are and the journey ids by size."""
    dbs = Databases(folder)
    if core:
        dbs.ids = dict(zip(SIZES, _fill(dbs.url("core"), [journey(n) for n in SIZES]), strict=True))
    if portfolio:
        count, size = PORTFOLIO
        _fill(dbs.url("portfolio"), [journey(size, name=f"Portfolio journey {i + 1:03d}") for i in range(count)])
    return dbs
