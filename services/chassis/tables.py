"""The chassis' own tables, present in every service's database.

They have their own alembic branch (``services/chassis/migrations``) that each
service's migration environment applies beside its own history.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text, update
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Sportello stores UTC-aware datetimes only")
        value = value.astimezone(timezone.utc)
        # SQLite has no time zones: store naive UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


chassis_metadata = MetaData()

outbox_messages = Table(
    "outbox_messages",
    chassis_metadata,
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(100), nullable=False),
    Column("payload", Text, nullable=False),
    Column("headers", Text, nullable=False, default="{}"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Index("ix_outbox_pending", "sent_at", "next_attempt_at"),
)

inbox_messages = Table(
    "inbox_messages",
    chassis_metadata,
    Column("event_id", String(36), primary_key=True),
    Column("handler", String(200), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_inbox_received", "received_at"),  # pruning by age (chassis/retention.py)
)

# What an unsafe request sent with an Idempotency-Key answered (services/chassis/idempotency.py):
# one row per caller (or, for anonymous routes, per route) and key, written in the transaction of
# the request's effect; ``status`` NULL while that transaction's answer is not known yet.
idempotency_keys = Table(
    "idempotency_keys",
    chassis_metadata,
    Column("scope", String(200), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=True),
    Column("answer", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_idempotency_expires", "expires_at"),  # pruning (chassis/retention.py)
)

# Readable numbers (CUS-000042, ORD-2026-000123) come from counter rows, not
# from primary keys, so that ids stay unguessable.
counters = Table(
    "counters",
    chassis_metadata,
    Column("name", String(50), primary_key=True),
    Column("value", Integer, nullable=False),
)


def next_counter(session, name: str) -> int:
    """Increment and return a counter inside the caller's transaction (the row stays locked until commit).

    One upsert, so that two transactions taking the first number of a new counter at once (two
    replicas placing the year's first orders) queue on the row instead of the second failing on
    its primary key, as an UPDATE-then-INSERT did on PostgreSQL."""
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        from sqlalchemy.dialects import postgresql, sqlite

        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        statement = insert(counters).values(name=name, value=1)
        statement = statement.on_conflict_do_update(index_elements=[counters.c.name],
                                                    set_={"value": counters.c.value + 1})
        return session.execute(statement.returning(counters.c.value)).scalar_one()
    value = session.execute(
        update(counters).where(counters.c.name == name).values(value=counters.c.value + 1).returning(counters.c.value)
    ).scalar_one_or_none()
    if value is None:
        session.execute(counters.insert().values(name=name, value=1))
        value = 1
    return value
