"""Tables of the catalog database and their mapping to the domain model.

The full-text index is not in this metadata: it is engine-specific and made by
the migration (an FTS5 table kept in sync by triggers on SQLite, a generated
``tsvector`` column with a GIN index on PostgreSQL); see adapters/search_*.py.
"""
from sqlalchemy import (CHAR, JSON, Boolean, Column, ForeignKey, Index, Integer, MetaData, Numeric, String, Table,
                        Text, text)
from sqlalchemy.orm import registry, relationship

from services.catalog.domain.model import Category, Producer, Product, Service, ServiceCategory, Showcase
from services.chassis.tables import UtcDateTime

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

# Code keys are compared as bytes so that "starts with" is a range scan on the
# unique index on both engines (PostgreSQL's default collation would not be).
CODE_KEY = String(64).with_variant(String(64, collation="C"), "postgresql")


def _taxon_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("slug", String(100), nullable=False, unique=True),
        Column("name", String(100), nullable=False),
    )


producers = _taxon_table("producers")
categories = _taxon_table("categories")
showcases = _taxon_table("showcases")
service_categories = _taxon_table("service_categories")

products = Table(
    "products",
    metadata,
    # An integer key: SQLite's FTS5 external-content table refers to rows by it.
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False),
    Column("code_key", CODE_KEY, nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("technical_description", Text, nullable=False),
    Column("producer_id", Integer, ForeignKey("producers.id"), nullable=True, index=True),
    Column("price_amount", Numeric(12, 2), nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("vat_rate", Numeric(5, 2), nullable=False),
    Column("stock_status", String(20), nullable=False),
    Column("thumbnail_url", String(500), nullable=True),
    Column("image_urls", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("search_name", Text, nullable=False),
    Column("search_details", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # Partial indexes for browsing active products by name or price. Not (active, name): SQLite, with
    # no statistics, would then prefer "active = 1" to the code-key range and read the whole index.
    Index("ix_products_name_active", "name", sqlite_where=text("active = 1"), postgresql_where=text("active")),
    Index("ix_products_price_active", "price_amount", sqlite_where=text("active = 1"), postgresql_where=text("active")),
)


def _link_table(name: str, target_key: str, target: Table) -> Table:
    return Table(
        name,
        metadata,
        Column("product_id", Integer, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
        Column(target_key, Integer, ForeignKey(target.c.id), primary_key=True, index=True),
    )


product_categories = _link_table("product_categories", "category_id", categories)
product_showcases = _link_table("product_showcases", "showcase_id", showcases)

services = Table(
    "services",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("category_id", Integer, ForeignKey("service_categories.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("pricing", String(10), nullable=False),
    Column("price_amount", Numeric(12, 2), nullable=True),
    Column("currency", CHAR(3), nullable=True),
    Column("vat_rate", Numeric(5, 2), nullable=False),
    Column("form_definition", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

for taxon_class, table in ((Producer, producers), (Category, categories), (Showcase, showcases),
                           (ServiceCategory, service_categories)):
    mapper_registry.map_imperatively(taxon_class, table)

mapper_registry.map_imperatively(
    Product,
    products,
    properties={
        "producer": relationship(Producer, lazy="joined"),
        "categories": relationship(Category, secondary=product_categories, order_by=categories.c.name),
        "showcases": relationship(Showcase, secondary=product_showcases, order_by=showcases.c.name),
    },
)
mapper_registry.map_imperatively(Service, services, properties={"category": relationship(ServiceCategory, lazy="joined")})
