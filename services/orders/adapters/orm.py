"""Tables of the orders database and their mapping to the domain model."""
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, Numeric, String, Table,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import registry, relationship

from services.chassis.tables import UtcDateTime
from services.orders.domain.claims import ReturnClaim
from services.orders.domain.model import Cart, CartLine, Order, OrderLine, Payment, StatusChange
from services.orders.domain.quotes import Quote, QuoteLine

metadata = MetaData()
mapper_registry = registry(metadata=metadata)
MONEY = Numeric(12, 2, asdecimal=True)
RATE = Numeric(5, 2, asdecimal=True)
ONE_ACTIVE_CART = "uq_carts_one_active"

carts = Table(
    "carts", metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(36), nullable=False),
    Column("company_id", String(36), nullable=True),
    Column("name", String(100), nullable=False),
    Column("note", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("quote_id", String(36), nullable=True),
    Index("ix_carts_owner_status", "owner_id", "status"),
    # At most one active cart per customer, kept by the database: two requests choosing or making the
    # active cart at once (two replicas) cannot both win (services/orders/usecases/carts.py retries).
    Index(ONE_ACTIVE_CART, "owner_id", unique=True, postgresql_where=text("status = 'active'"),
          sqlite_where=text("status = 'active'")),
)

cart_lines = Table(
    "cart_lines", metadata,
    Column("id", String(36), primary_key=True),
    Column("cart_id", String(36), ForeignKey("carts.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("vat_rate", RATE, nullable=False),
    Column("form", JSON, nullable=True),
    Column("catalog_price", MONEY, nullable=True),
    Column("price_seen_at", UtcDateTime, nullable=True),
    Column("unavailable", Boolean, nullable=False, default=False),
    Column("quoted", Boolean, nullable=False, default=False),
    Index("ix_cart_lines_cart", "cart_id"),
    Index("ix_cart_lines_reference", "reference"),
)

orders = Table(
    "orders", metadata,
    Column("id", String(36), primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("cart_id", String(36), nullable=False, unique=True),  # one order per cart, whatever races
    Column("owner_id", String(36), nullable=False),
    Column("company_id", String(36), nullable=True),
    Column("customer_kind", String(20), nullable=False),
    Column("billing", JSON, nullable=False),
    Column("shipping_address", JSON, nullable=False),
    Column("payment_method", String(30), nullable=False),
    Column("idempotency_key", String(100), nullable=True),
    Column("status", String(20), nullable=False),
    Column("payment_status", String(30), nullable=False),
    Column("payment_instructions", Text, nullable=True),
    Column("carrier", String(100), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("currency", String(3), nullable=False),
    Column("net_total", MONEY, nullable=False),
    Column("vat_total", MONEY, nullable=False),
    Column("shipping_total", MONEY, nullable=False),
    Column("total", MONEY, nullable=False),
    Column("placed_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    UniqueConstraint("owner_id", "idempotency_key", name="uq_orders_idempotency"),
    Index("ix_orders_owner", "owner_id", "placed_at"),
    Index("ix_orders_company", "company_id", "placed_at"),
)

order_lines = Table(
    "order_lines", metadata,
    Column("id", String(36), primary_key=True),
    Column("order_id", String(36), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("vat_rate", RATE, nullable=False),
    Column("net_amount", MONEY, nullable=False),
    Column("vat_amount", MONEY, nullable=False),
    Column("form", JSON, nullable=True),
    Index("ix_order_lines_order", "order_id"),
)

order_status_changes = Table(
    "order_status_changes", metadata,
    Column("id", String(36), primary_key=True),
    Column("order_id", String(36), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("note", Text, nullable=True),
    Index("ix_order_status_changes_order", "order_id"),
)

order_payments = Table(
    "order_payments", metadata,
    Column("id", String(36), primary_key=True),
    Column("order_id", String(36), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("reference", String(100), nullable=True),
    Column("at", UtcDateTime, nullable=False),
)

# What accepted returns took from an order (domain/claims.py): one row per RMA, whatever is redelivered.
return_claims = Table(
    "return_claims", metadata,
    Column("id", String(36), primary_key=True),
    Column("order_id", String(36), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("rma_number", String(30), nullable=False, unique=True),
    Column("kind", String(12), nullable=False),
    Column("lines", JSON, nullable=False),  # [{position, quantity}]
    Column("amount", MONEY, nullable=True),  # refunds and credits
    Column("at", UtcDateTime, nullable=False),
    Index("ix_return_claims_order", "order_id"),
)

quotes = Table(
    "quotes", metadata,
    Column("id", String(36), primary_key=True),
    Column("number", String(20), nullable=True, unique=True),
    Column("owner_id", String(36), nullable=False),
    Column("company_id", String(36), nullable=True),
    Column("status", String(20), nullable=False),
    Column("message", Text, nullable=False),
    Column("contact_email", String(254), nullable=True),
    Column("staff_note", Text, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("cart_id", String(36), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("requested_at", UtcDateTime, nullable=True),
    Column("priced_at", UtcDateTime, nullable=True),
    Index("ix_quotes_owner_status", "owner_id", "status"),
)

quote_lines = Table(
    "quote_lines", metadata,
    Column("id", String(36), primary_key=True),
    Column("quote_id", String(36), ForeignKey("quotes.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("service_id", String(36), nullable=False),
    Column("name", String(300), nullable=False),
    Column("form", JSON, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("vat_rate", RATE, nullable=False),
    Column("unit_price", MONEY, nullable=True),
    Index("ix_quote_lines_quote", "quote_id"),
)

mapper_registry.map_imperatively(QuoteLine, quote_lines)
mapper_registry.map_imperatively(Quote, quotes, properties={
    "lines": relationship(QuoteLine, order_by=quote_lines.c.position, cascade="all, delete-orphan", lazy="selectin"),
})
mapper_registry.map_imperatively(CartLine, cart_lines)
mapper_registry.map_imperatively(Cart, carts, properties={
    "lines": relationship(CartLine, order_by=cart_lines.c.position, cascade="all, delete-orphan", lazy="selectin"),
})
mapper_registry.map_imperatively(OrderLine, order_lines)
mapper_registry.map_imperatively(StatusChange, order_status_changes)
mapper_registry.map_imperatively(Payment, order_payments)
mapper_registry.map_imperatively(ReturnClaim, return_claims)
mapper_registry.map_imperatively(Order, orders, properties={
    "lines": relationship(OrderLine, order_by=order_lines.c.position, cascade="all, delete-orphan", lazy="selectin"),
    "history": relationship(StatusChange, order_by=order_status_changes.c.at, cascade="all, delete-orphan",
                            lazy="selectin"),
    "payments": relationship(Payment, order_by=order_payments.c.at, cascade="all, delete-orphan", lazy="selectin"),
    "claims": relationship(ReturnClaim, order_by=return_claims.c.at, cascade="all, delete-orphan", lazy="selectin"),
})

