"""Builds what the catalog workers use; nothing here does I/O at import time."""
from services.catalog.adapters import orm  # noqa: F401  (maps the domain classes to tables)
from services.catalog.adapters.read_pool import ReadPool
from services.catalog.schemas import EVENT_SCHEMAS
from services.chassis.database import Database


def catalog_database() -> Database:
    return Database(event_schemas=EVENT_SCHEMAS)


def search_reads() -> ReadPool:
    """Read-only connections for searches, run off the eventlet hub (SQLite files only)."""
    return ReadPool()
