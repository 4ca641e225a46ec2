"""orders: what accepted returns took from an order (refunds, credits, replacements), one row per RMA

Revision ID: o0005
Revises: o0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "o0005"
down_revision = "o0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "return_claims",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rma_number", sa.String(30), nullable=False, unique=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
        sa.Column("amount", sa.Numeric(12, 2, asdecimal=True), nullable=True),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_return_claims_order", "return_claims", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_return_claims_order", table_name="return_claims")
    op.drop_table("return_claims")
