"""catalog: products, taxonomy, services, and the full-text index

Revision ID: cat0001
Revises:
Create Date: 2026-11-24

The full-text index is engine-specific:
* SQLite: an FTS5 external-content table over products.search_name and
  products.search_details of active products, kept in sync by triggers in the
  same transaction.
  Beware: an alembic batch operation on ``products`` rebuilds the table and
  drops these triggers; a later migration doing that must create them again.
* PostgreSQL: a generated ``tsvector`` column (config 'simple'; NULL for an
  inactive product) with a GIN index.
The indexed columns already hold folded words (services/catalog/domain/search.py),
so neither engine needs to fold accents itself; in particular PostgreSQL needs
no ``unaccent`` extension.
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "cat0001"
down_revision = None
branch_labels = ("catalog",)
depends_on = None

CODE_KEY = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")

# Only active products are indexed: a search then never has to look inactive
# ones up to drop them. FTS5 'delete' must be given exactly what was indexed,
# hence the conditions on old.active.
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE products_fts USING fts5(
        search_name, search_details,
        content='products', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER products_fts_insert AFTER INSERT ON products WHEN new.active BEGIN
        INSERT INTO products_fts(rowid, search_name, search_details)
        VALUES (new.id, new.search_name, new.search_details);
    END""",
    """CREATE TRIGGER products_fts_delete AFTER DELETE ON products WHEN old.active BEGIN
        INSERT INTO products_fts(products_fts, rowid, search_name, search_details)
        VALUES ('delete', old.id, old.search_name, old.search_details);
    END""",
    # Only a change of the indexed text or of the active flag touches the index (a price change does not).
    """CREATE TRIGGER products_fts_update AFTER UPDATE OF search_name, search_details, active ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, search_name, search_details)
        SELECT 'delete', old.id, old.search_name, old.search_details WHERE old.active;
        INSERT INTO products_fts(rowid, search_name, search_details)
        SELECT new.id, new.search_name, new.search_details WHERE new.active;
    END""",
]

POSTGRESQL_FTS = [
    """ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        CASE WHEN active THEN
            setweight(to_tsvector('simple'::regconfig, search_name), 'A')
            || setweight(to_tsvector('simple'::regconfig, search_details), 'B')
        END) STORED""",
    "CREATE INDEX ix_products_search_vector ON products USING gin (search_vector)",
]


def _taxon_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
    )


def _link_table(name: str, key: str, target: str) -> None:
    op.create_table(
        name,
        sa.Column("product_id", sa.Integer, sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(key, sa.Integer, sa.ForeignKey(f"{target}.id"), primary_key=True),
    )
    op.create_index(f"ix_{name}_{key}", name, [key])


def upgrade() -> None:
    for name in ("producers", "categories", "showcases", "service_categories"):
        _taxon_table(name)
    op.create_table(
        "products",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("code_key", CODE_KEY, nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("technical_description", sa.Text, nullable=False),
        sa.Column("producer_id", sa.Integer, sa.ForeignKey("producers.id"), nullable=True),
        sa.Column("price_amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False),
        sa.Column("vat_rate", sa.Numeric(5, 2), nullable=False),
        sa.Column("stock_status", sa.String(20), nullable=False),
        sa.Column("thumbnail_url", sa.String(500), nullable=True),
        sa.Column("image_urls", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("search_name", sa.Text, nullable=False),
        sa.Column("search_details", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_products_producer_id", "products", ["producer_id"])
    # Partial: browsing reads active products in name or price order. Not (active, name): SQLite, with no
    # statistics, would then prefer "active = 1" to the code-key range and read the whole index.
    for name, column in (("ix_products_name_active", "name"), ("ix_products_price_active", "price_amount")):
        op.create_index(name, "products", [column], sqlite_where=sa.text("active = 1"),
                        postgresql_where=sa.text("active"))
    _link_table("product_categories", "category_id", "categories")
    _link_table("product_showcases", "showcase_id", "showcases")
    op.create_table(
        "services",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("category_id", sa.Integer, sa.ForeignKey("service_categories.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("pricing", sa.String(10), nullable=False),
        sa.Column("price_amount", sa.Numeric(12, 2), nullable=True),
        sa.Column("currency", sa.CHAR(3), nullable=True),
        sa.Column("vat_rate", sa.Numeric(5, 2), nullable=False),
        sa.Column("form_definition", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_services_category_id", "services", ["category_id"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRESQL_FTS if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("products_fts_update", "products_fts_delete", "products_fts_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS products_fts")
    op.drop_table("services")
    op.drop_table("product_showcases")
    op.drop_table("product_categories")
    op.drop_table("products")
    for name in ("service_categories", "showcases", "categories", "producers"):
        op.drop_table(name)
