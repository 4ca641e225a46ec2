"""orders: quotes and their lines; carts remember the quote they came from

Revision ID: o0002
Revises: o0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "o0002"
down_revision = "o0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carts") as batch:
        batch.add_column(sa.Column("quote_id", sa.String(36), nullable=True))
    op.create_table(
        "quotes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(20), nullable=True, unique=True),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("company_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("staff_note", sa.Text, nullable=True),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("cart_id", sa.String(36), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("requested_at", UtcDateTime, nullable=True),
        sa.Column("priced_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_quotes_owner_status", "quotes", ["owner_id", "status"])
    op.create_table(
        "quote_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("quote_id", sa.String(36), sa.ForeignKey("quotes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("service_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("form", sa.JSON, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("vat_rate", sa.Numeric(5, 2), nullable=False),
        sa.Column("unit_price", sa.Numeric(12, 2), nullable=True),
    )
    op.create_index("ix_quote_lines_quote", "quote_lines", ["quote_id"])


def downgrade() -> None:
    op.drop_table("quote_lines")
    op.drop_table("quotes")
    with op.batch_alter_table("carts") as batch:
        batch.drop_column("quote_id")
