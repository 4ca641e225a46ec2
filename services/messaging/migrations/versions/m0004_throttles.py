"""messaging: throttles (messages posted per customer; the chassis throttle columns)

Revision ID: m0004
Revises: m0003
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "m0004"
down_revision = "m0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throttles",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_started_at", UtcDateTime, nullable=True),
        sa.Column("locked_until", UtcDateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("throttles")
