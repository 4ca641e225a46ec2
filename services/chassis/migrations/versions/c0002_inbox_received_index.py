"""chassis: index inbox rows by arrival, for pruning them by age

Revision ID: c0002
Revises: c0001
Create Date: 2026-11-22
"""
from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_inbox_received", "inbox_messages", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_received", table_name="inbox_messages")
