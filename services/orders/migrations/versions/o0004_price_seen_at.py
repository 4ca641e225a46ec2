"""orders: when a cart line's known catalog price was true (price events may arrive out of order)

Revision ID: o0004
Revises: o0003
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "o0004"
down_revision = "o0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cart_lines") as batch:
        batch.add_column(sa.Column("price_seen_at", UtcDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cart_lines") as batch:
        batch.drop_column("price_seen_at")
