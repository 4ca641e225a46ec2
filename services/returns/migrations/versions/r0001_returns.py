"""returns: delivered orders (return windows), RMAs, their lines, timeline and attachments

Revision ID: r0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "r0001"
down_revision = None
branch_labels = ("returns",)
depends_on = None

MONEY = sa.Numeric(12, 2)
RATE = sa.Numeric(5, 2)


def upgrade() -> None:
    op.create_table(
        "delivered_orders",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("order_number", sa.String(30), nullable=False, unique=True),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("company_id", sa.String(36), nullable=True),
        sa.Column("customer_kind", sa.String(20), nullable=False),
        sa.Column("delivered_at", UtcDateTime, nullable=False),
        sa.Column("window_closes_at", UtcDateTime, nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_delivered_orders_customer", "delivered_orders", ["customer_id", "window_closes_at"])
    op.create_index("ix_delivered_orders_company", "delivered_orders", ["company_id", "window_closes_at"])
    op.create_table(
        "delivered_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("delivered_orders.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("vat_rate", RATE, nullable=False),
        sa.UniqueConstraint("order_id", "position", name="uq_delivered_lines_position"),
    )
    op.create_table(
        "rmas",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("delivered_orders.id"), nullable=False),
        sa.Column("order_number", sa.String(30), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("company_id", sa.String(36), nullable=True),
        sa.Column("customer_kind", sa.String(20), nullable=False),
        sa.Column("request_type", sa.String(30), nullable=False),
        sa.Column("resolution", sa.String(20), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("closed_from", sa.String(30), nullable=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("return_address", sa.JSON, nullable=False),
        sa.Column("invoice_number", sa.String(40), nullable=True),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("review_deadline", UtcDateTime, nullable=False),
        sa.Column("offer", sa.JSON, nullable=True),
        sa.Column("refund_due_at", UtcDateTime, nullable=True),
        sa.Column("carrier", sa.String(100), nullable=True),
        sa.Column("tracking_number", sa.String(100), nullable=True),
        sa.Column("return_carrier", sa.String(100), nullable=True),
        sa.Column("return_tracking_number", sa.String(100), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("customer_id", "idempotency_key", name="uq_rmas_idempotency"),
    )
    op.create_index("ix_rmas_order", "rmas", ["order_id"])
    op.create_index("ix_rmas_customer", "rmas", ["customer_id", "created_at"])
    op.create_index("ix_rmas_company", "rmas", ["company_id", "created_at"])
    op.create_index("ix_rmas_status_deadline", "rmas", ["status", "review_deadline"])
    op.create_table(
        "rma_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("rma_id", sa.String(36), sa.ForeignKey("rmas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("vat_rate", RATE, nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("seal_state", sa.String(20), nullable=False),
        sa.Column("usage_condition", sa.String(20), nullable=False),
        sa.Column("exceptions", sa.Text, nullable=False),
    )
    op.create_index("ix_rma_lines_rma", "rma_lines", ["rma_id"])
    op.create_table(
        "rma_timeline",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("rma_id", sa.String(36), sa.ForeignKey("rmas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.UniqueConstraint("rma_id", "seq", name="uq_rma_timeline_seq"),
    )
    op.create_table(
        "rma_attachments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("rma_id", sa.String(36), sa.ForeignKey("rmas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(100), nullable=False),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_name", sa.String(100), nullable=False),
        sa.Column("uploaded_by", sa.String(36), nullable=False),
        sa.Column("uploaded_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_rma_attachments_rma", "rma_attachments", ["rma_id"])


def downgrade() -> None:
    for table in ("rma_attachments", "rma_timeline", "rma_lines", "rmas", "delivered_lines", "delivered_orders"):
        op.drop_table(table)
