"""Tables of the messaging database and their mapping to the domain model."""
from typing import Callable

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, event
from sqlalchemy.orm import registry

from services.chassis.tables import UtcDateTime
from services.messaging.domain.model import Notification

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(64), nullable=True),  # none for people who are not customers yet
    Column("kind", String(50), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("source_event_id", String(36), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_notifications_status", "status", "created_at"),
    Index("ix_notifications_customer", "customer_id"),
)

# Customers whose erasure messaging has seen: events are not ordered across
# queues, so a notification for an erased customer can still arrive later.
erased_customers = Table(
    "erased_customers",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("erased_at", UtcDateTime, nullable=False),
)

mapper_registry.map_imperatively(Notification, notifications)


def call_after_commit_with_new_notifications(sessions, callback: Callable[[], None]) -> None:
    """Call ``callback`` after every commit (of a session from ``sessions``) that inserted notifications.

    Hooked on the session factory rather than on each use case, so that no
    future use case can forget to wake the sender.
    """

    @event.listens_for(sessions, "after_flush")
    def _note(session, _flush_context):
        if any(isinstance(obj, Notification) for obj in session.new):
            session.info["new_notifications"] = True

    @event.listens_for(sessions, "after_commit")
    def _wake(session):
        if session.info.pop("new_notifications", False):
            callback()

    @event.listens_for(sessions, "after_soft_rollback")
    def _forget(session, _previous_transaction):
        session.info.pop("new_notifications", None)
