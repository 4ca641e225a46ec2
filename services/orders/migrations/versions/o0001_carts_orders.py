"""orders: carts, cart lines, orders, order lines, status history, payments

Revision ID: o0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "o0001"
down_revision = None
branch_labels = ("orders",)
depends_on = None

MONEY = sa.Numeric(12, 2)
RATE = sa.Numeric(5, 2)


def upgrade() -> None:
    op.create_table(
        "carts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("company_id", sa.String(36), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_carts_owner_status", "carts", ["owner_id", "status"])
    op.create_table(
        "cart_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("cart_id", sa.String(36), sa.ForeignKey("carts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("vat_rate", RATE, nullable=False),
        sa.Column("form", sa.JSON, nullable=True),
        sa.Column("catalog_price", MONEY, nullable=True),
        sa.Column("unavailable", sa.Boolean, nullable=False),
    )
    op.create_index("ix_cart_lines_cart", "cart_lines", ["cart_id"])
    op.create_index("ix_cart_lines_reference", "cart_lines", ["reference"])
    op.create_table(
        "orders",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("cart_id", sa.String(36), nullable=False, unique=True),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("company_id", sa.String(36), nullable=True),
        sa.Column("customer_kind", sa.String(20), nullable=False),
        sa.Column("billing", sa.JSON, nullable=False),
        sa.Column("shipping_address", sa.JSON, nullable=False),
        sa.Column("payment_method", sa.String(30), nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("payment_status", sa.String(30), nullable=False),
        sa.Column("carrier", sa.String(100), nullable=True),
        sa.Column("tracking_number", sa.String(100), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("net_total", MONEY, nullable=False),
        sa.Column("vat_total", MONEY, nullable=False),
        sa.Column("shipping_total", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("placed_at", UtcDateTime, nullable=False),
        sa.Column("delivered_at", UtcDateTime, nullable=True),
        sa.UniqueConstraint("owner_id", "idempotency_key", name="uq_orders_idempotency"),
    )
    op.create_index("ix_orders_owner", "orders", ["owner_id", "placed_at"])
    op.create_index("ix_orders_company", "orders", ["company_id", "placed_at"])
    op.create_table(
        "order_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("vat_rate", RATE, nullable=False),
        sa.Column("net_amount", MONEY, nullable=False),
        sa.Column("vat_amount", MONEY, nullable=False),
        sa.Column("form", sa.JSON, nullable=True),
    )
    op.create_index("ix_order_lines_order", "order_lines", ["order_id"])
    op.create_table(
        "order_status_changes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_order_status_changes_order", "order_status_changes", ["order_id"])
    op.create_table(
        "order_payments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("reference", sa.String(100), nullable=True),
        sa.Column("at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("order_payments", "order_status_changes", "order_lines", "orders", "cart_lines", "carts"):
        op.drop_table(table)
