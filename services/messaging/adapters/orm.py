from sqlalchemy import Column, Index, MetaData, String, Table, Text
from sqlalchemy.orm import registry

from services.chassis.tables import UtcDateTime
from services.messaging.domain.model import Notification

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(50), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("source_event_id", String(36), nullable=False),
    Column("data", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_notifications_status", "status", "created_at"),
)

mapper_registry.map_imperatively(Notification, notifications)
