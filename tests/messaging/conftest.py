"""Messaging's test fixtures: its own migrated database, without the broker."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.chassis.database import UnitOfWork, make_engine
from services.chassis.migrations import upgrade
from services.messaging.adapters.orm import notifications
from services.messaging.schemas import EVENT_SCHEMAS


@dataclass
class Store:
    """The messaging database of one test (SQLite file, or PostgreSQL with SPORTELLO_TEST_DB)."""

    engine: object
    sessions: sessionmaker

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, EVENT_SCHEMAS)

    def rows(self) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(select(notifications).order_by(notifications.c.created_at)))

    def row(self, notification_id: str):
        with self.engine.connect() as conn:
            return conn.execute(select(notifications).where(notifications.c.id == notification_id)).one()


@pytest.fixture
def store(databases):
    url = databases.url("messaging")
    upgrade("messaging", url)
    engine = make_engine(url)
    # The options of the service's own sessionmaker (services/chassis/database.py).
    yield Store(engine, sessionmaker(engine, expire_on_commit=False))
    engine.dispose()
