"""messaging: notifications

Revision ID: m0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "m0001"
down_revision = None
branch_labels = ("messaging",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_notifications_status", "notifications", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_notifications_status", table_name="notifications")
    op.drop_table("notifications")
