"""chassis: outbox, inbox and counters tables

Revision ID: c0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "c0001"
down_revision = None
branch_labels = ("chassis",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime, nullable=False),
        sa.Column("locked_until", UtcDateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("sent_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_outbox_pending", "outbox_messages", ["sent_at", "next_attempt_at"])
    op.create_table(
        "inbox_messages",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("handler", sa.String(200), primary_key=True),
        sa.Column("received_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("counters")
    op.drop_table("inbox_messages")
    op.drop_index("ix_outbox_pending", table_name="outbox_messages")
    op.drop_table("outbox_messages")
