"""Store fixtures: a migrated engine on each backend, and a session on it."""

import pytest
from sqlmodel import Session

from store import make_engine


@pytest.fixture
def engine(db_url, prepared):
    """A migrated, empty database (SQLite file in tmp_path, or a fresh PostgreSQL database)."""
    prepared(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        yield session
