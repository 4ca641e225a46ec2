"""accounts: customers, companies, sessions, one-time tokens, billing, throttles

Revision ID: a0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "a0001"
down_revision = None
branch_labels = ("accounts",)
depends_on = None

BILLING_FIELDS = ("company_name", "vat_number", "fiscal_code", "street", "postal_code", "city", "country",
                  "sdi_code", "pec", "invoice_email")


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tax_id", sa.String(40), nullable=False),
        sa.Column("tax_id_normalised", sa.String(40), nullable=False, unique=True),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("postal_code", sa.String(20), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("customer_number", sa.String(20), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_normalised", sa.String(254), nullable=False, unique=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("company_id", sa.String(36), sa.ForeignKey("companies.id"), nullable=True),
        sa.Column("company_role", sa.String(20), nullable=True),
        sa.Column("staff_role", sa.String(20), nullable=True),
        sa.Column("resale_declared", sa.Boolean, nullable=False),
        sa.Column("terms_accepted_at", UtcDateTime, nullable=True),
        sa.Column("marketing_email", sa.Boolean, nullable=False),
        sa.Column("profiling", sa.Boolean, nullable=False),
        sa.Column("consents_updated_at", UtcDateTime, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("erased_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_customers_company", "customers", ["company_id"])
    op.create_index("ix_customers_phone", "customers", ["phone"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("customer_id", sa.String(36), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("revoked_at", UtcDateTime, nullable=True),
        sa.Column("client_address", sa.String(45), nullable=True),
    )
    op.create_index("ix_sessions_customer", "sessions", ["customer_id"])
    op.create_table(
        "one_time_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("customer_id", sa.String(36), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_at", UtcDateTime, nullable=True),
    )
    op.create_table(
        "billing_profiles",
        sa.Column("customer_id", sa.String(36), sa.ForeignKey("customers.id"), primary_key=True),
        *(sa.Column(name, sa.String(254), nullable=True) for name in BILLING_FIELDS),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_started_at", UtcDateTime, nullable=True),
        sa.Column("locked_until", UtcDateTime, nullable=True),
    )


def downgrade() -> None:
    for table in ("login_throttles", "billing_profiles", "one_time_tokens", "sessions"):
        op.drop_table(table)
    op.drop_index("ix_customers_phone", table_name="customers")
    op.drop_index("ix_customers_company", table_name="customers")
    op.drop_table("customers")
    op.drop_table("companies")
