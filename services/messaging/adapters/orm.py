"""Tables of the messaging database and their mapping to the domain model."""
from typing import Callable

from sqlalchemy import (
    Boolean, Column, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, event, false, text,
)
from sqlalchemy.orm import registry, relationship

from services.chassis.tables import UtcDateTime
from services.chassis.throttling import throttle_table
from services.messaging.domain.model import Notification
from services.messaging.domain.policies import PostingThrottle
from services.messaging.domain.threads import Message, Thread

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
    Column("refusals", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("source_event_id", String(36), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("link_id", String(36), nullable=True),  # accounts' id of the single-use link the message carries
    Column("order_number", String(40), nullable=True),  # the order a mail waits for (waiting_for_order)
    Index("ix_notifications_status", "status", "created_at"),
    Index("ix_notifications_order_number", "order_number"),
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

# A thread bound to an order or an RMA is that context's channel for its
# customer: at most one of them is not closed. A partial unique index, on
# SQLite and PostgreSQL alike, so that two first messages sent at once
# cannot open two channels.
OPEN_CHANNEL = text("status <> 'closed' AND context_ref IS NOT NULL")

threads = Table(
    "threads",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("customer_email", String(254), nullable=True),  # from accounts when the customer last wrote
    Column("customer_language", String(8), nullable=True),
    Column("context_type", String(10), nullable=False),  # general | order | rma
    Column("context_ref", String(40), nullable=True),
    Column("subject", String(100), nullable=False),  # code points; policies.subject_of keeps within it
    Column("status", String(10), nullable=False),
    Column("assigned_to", String(64), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_activity_at", UtcDateTime, nullable=False),
    Column("first_response_due_at", UtcDateTime, nullable=False),
    Column("first_response_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("message_count", Integer, nullable=False, server_default="0"),
    Column("customer_unread", Integer, nullable=False, server_default="0"),
    Column("staff_unread", Integer, nullable=False, server_default="0"),
    Column("staff_alerted", Boolean, nullable=False, server_default=false()),
    Index("ix_threads_customer", "customer_id", "last_activity_at"),
    Index("ix_threads_status", "status", "last_activity_at"),
    Index("ix_threads_context", "context_type", "context_ref"),
    Index("ix_threads_first_response", "first_response_at", "first_response_due_at"),
    Index("uq_threads_open_channel", "customer_id", "context_type", "context_ref", unique=True,
          sqlite_where=OPEN_CHANNEL, postgresql_where=OPEN_CHANNEL),
)

thread_messages = Table(
    "thread_messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("thread_id", String(36), ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("author", String(10), nullable=False),  # customer | staff
    Column("author_id", String(64), nullable=False),
    Column("body", Text, nullable=False),  # plain text as written; never rendered as HTML by us
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("thread_id", "position", name="uq_thread_messages_position"),
)

# The few foreign facts the order mails need, kept from the events (DESIGN.md:
# a service keeps a local copy). The language a customer registered with, or
# last used on the desk; and the address of each order, which only
# order_placed carries.
customer_languages = Table(
    "customer_languages",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("language", String(8), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

known_orders = Table(
    "known_orders",
    metadata,
    Column("order_number", String(40), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("email", String(254), nullable=True),
    Column("placed_at", UtcDateTime, nullable=False),
    Index("ix_known_orders_customer", "customer_id"),
)

throttles = throttle_table(metadata, "throttles")

mapper_registry.map_imperatively(Notification, notifications)
mapper_registry.map_imperatively(PostingThrottle, throttles)
mapper_registry.map_imperatively(Message, thread_messages)
mapper_registry.map_imperatively(Thread, threads, properties={
    "messages": relationship(Message, order_by=thread_messages.c.position, cascade="all, delete-orphan"),
})


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
