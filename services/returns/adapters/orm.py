"""Tables of the returns database and their mapping to the domain model (imperative: the domain stays plain)."""
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, MetaData, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import registry, relationship

from services.chassis.tables import UtcDateTime
from services.returns.domain.model import Attachment, Rma, RmaLine, TimelineEntry
from services.returns.domain.orders import DeliveredLine, DeliveredOrder

metadata = MetaData()
mapper_registry = registry(metadata=metadata)
MONEY = Numeric(12, 2, asdecimal=True)
RATE = Numeric(5, 2, asdecimal=True)

delivered_orders = Table(
    "delivered_orders", metadata,
    Column("id", String(36), primary_key=True),
    Column("order_number", String(30), nullable=False, unique=True),  # one window per order, whatever repeats
    Column("customer_id", String(36), nullable=False),
    Column("company_id", String(36), nullable=True),
    Column("customer_kind", String(20), nullable=False),
    Column("delivered_at", UtcDateTime, nullable=False),
    Column("window_closes_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_delivered_orders_customer", "customer_id", "window_closes_at"),
    Index("ix_delivered_orders_company", "company_id", "window_closes_at"),
)

delivered_lines = Table(
    "delivered_lines", metadata,
    Column("id", String(36), primary_key=True),
    Column("order_id", String(36), ForeignKey("delivered_orders.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("vat_rate", RATE, nullable=False),
    UniqueConstraint("order_id", "position", name="uq_delivered_lines_position"),
)

rmas = Table(
    "rmas", metadata,
    Column("id", String(36), primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("order_id", String(36), ForeignKey("delivered_orders.id"), nullable=False),
    Column("order_number", String(30), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("company_id", String(36), nullable=True),
    Column("customer_kind", String(20), nullable=False),
    Column("request_type", String(30), nullable=False),
    Column("resolution", String(20), nullable=False),
    Column("status", String(30), nullable=False),
    Column("closed_from", String(30), nullable=True),
    Column("message", Text, nullable=False),
    Column("return_address", JSON, nullable=False),
    Column("invoice_number", String(40), nullable=True),
    Column("contact_email", String(254), nullable=True),
    Column("idempotency_key", String(100), nullable=True),
    Column("review_deadline", UtcDateTime, nullable=False),
    Column("offer", JSON, nullable=True),
    Column("refund_due_at", UtcDateTime, nullable=True),
    Column("carrier", String(100), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("return_carrier", String(100), nullable=True),
    Column("return_tracking_number", String(100), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("customer_id", "idempotency_key", name="uq_rmas_idempotency"),
    Index("ix_rmas_order", "order_id"),
    Index("ix_rmas_customer", "customer_id", "created_at"),
    Index("ix_rmas_company", "company_id", "created_at"),
    Index("ix_rmas_status_deadline", "status", "review_deadline"),
)

rma_lines = Table(
    "rma_lines", metadata,
    Column("id", String(36), primary_key=True),
    Column("rma_id", String(36), ForeignKey("rmas.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("reference", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("vat_rate", RATE, nullable=False),
    Column("justification", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("seal_state", String(20), nullable=False),
    Column("usage_condition", String(20), nullable=False),
    Column("exceptions", Text, nullable=False),
    Index("ix_rma_lines_rma", "rma_id"),
)

rma_timeline = Table(
    "rma_timeline", metadata,
    Column("id", String(36), primary_key=True),
    Column("rma_id", String(36), ForeignKey("rmas.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("status", String(30), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(20), nullable=False),
    Column("note", Text, nullable=True),
    UniqueConstraint("rma_id", "seq", name="uq_rma_timeline_seq"),  # two racing steps cannot both be step n
)

rma_attachments = Table(
    "rma_attachments", metadata,
    Column("id", String(36), primary_key=True),
    Column("rma_id", String(36), ForeignKey("rmas.id", ondelete="CASCADE"), nullable=False),
    Column("filename", String(100), nullable=False),
    Column("content_type", String(50), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("stored_name", String(100), nullable=False),
    Column("uploaded_by", String(36), nullable=False),
    Column("uploaded_at", UtcDateTime, nullable=False),
    Index("ix_rma_attachments_rma", "rma_id"),
    Index("ix_rma_attachments_uploader", "uploaded_by", "uploaded_at"),
)

mapper_registry.map_imperatively(DeliveredLine, delivered_lines)
mapper_registry.map_imperatively(DeliveredOrder, delivered_orders, properties={
    "lines": relationship(DeliveredLine, order_by=delivered_lines.c.position, cascade="all, delete-orphan",
                          lazy="selectin"),
})
mapper_registry.map_imperatively(RmaLine, rma_lines)
mapper_registry.map_imperatively(TimelineEntry, rma_timeline)
mapper_registry.map_imperatively(Attachment, rma_attachments)
mapper_registry.map_imperatively(Rma, rmas, properties={
    "lines": relationship(RmaLine, order_by=rma_lines.c.position, cascade="all, delete-orphan", lazy="selectin"),
    "timeline": relationship(TimelineEntry, order_by=rma_timeline.c.seq, cascade="all, delete-orphan",
                             lazy="selectin"),
    "attachments": relationship(Attachment, order_by=rma_attachments.c.uploaded_at, cascade="all, delete-orphan",
                                lazy="selectin"),
})
