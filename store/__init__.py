"""Persistence of journeys in SQLite or PostgreSQL. No Streamlit here."""

from store.db import database_url, make_engine, migrate
from store.repository import (
    ConflictError,
    JourneyInfo,
    JourneyNotFound,
    RevisionInfo,
    create_journey,
    current_version,
    delete_journey,
    duplicate_journey,
    import_journey,
    journey_is_live,
    list_journeys,
    list_revisions,
    load_journey,
    load_revision,
    purge_journey,
    rename_journey,
    restore_journey,
    restore_revision,
    save_journey,
)
from store.seed import seed_demo_journeys
from store.startup import prepare_database

__all__ = [
    "ConflictError",
    "JourneyInfo",
    "JourneyNotFound",
    "RevisionInfo",
    "create_journey",
    "current_version",
    "database_url",
    "delete_journey",
    "duplicate_journey",
    "import_journey",
    "journey_is_live",
    "list_journeys",
    "list_revisions",
    "load_journey",
    "load_revision",
    "make_engine",
    "migrate",
    "prepare_database",
    "purge_journey",
    "rename_journey",
    "restore_journey",
    "restore_revision",
    "save_journey",
    "seed_demo_journeys",
]
