"""Tables of the accounts database and their mapping to the domain model."""
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, MetaData, String, Table
from sqlalchemy.orm import registry

from services.accounts.domain.model import BillingProfile, Company, Customer, OneTimeToken, Session
from services.accounts.domain.policies import Throttle
from services.chassis.tables import UtcDateTime
from services.chassis.throttling import throttle_table

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

companies = Table(
    "companies", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("tax_id", String(40), nullable=False),
    # NULL once released (Company.release_tax_id): many companies may have no claim on a number.
    Column("tax_id_normalised", String(40), nullable=True, unique=True),
    Column("street", String(200), nullable=False),
    Column("postal_code", String(20), nullable=False),
    Column("city", String(100), nullable=False),
    Column("country", String(2), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("tax_id_released_at", UtcDateTime, nullable=True),
    Column("tax_id_released_by", String(36), nullable=True),
)

customers = Table(
    "customers", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_number", String(20), nullable=False, unique=True),
    Column("email", String(254), nullable=False),
    Column("email_normalised", String(254), nullable=False, unique=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("password_hash", String(255), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("phone", String(20), nullable=True),
    Column("language", String(2), nullable=False),
    Column("status", String(20), nullable=False),
    Column("company_id", String(36), ForeignKey("companies.id"), nullable=True),
    Column("company_role", String(20), nullable=True),
    Column("staff_role", String(20), nullable=True),
    Column("resale_declared", Boolean, nullable=False),
    Column("terms_accepted_at", UtcDateTime, nullable=True),
    Column("marketing_email", Boolean, nullable=False),
    Column("profiling", Boolean, nullable=False),
    Column("consents_updated_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("erased_at", UtcDateTime, nullable=True),
    Index("ix_customers_company", "company_id"),
    Index("ix_customers_phone", "phone"),
)

sessions = Table(
    "sessions", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(36), ForeignKey("customers.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("client_address", String(45), nullable=True),
    Index("ix_sessions_customer", "customer_id"),
)

# ``id`` is what events name a link by; ``token_hash`` is the digest of its secret, NULL until the
# message carrying it is sent, and replaced when it is sent again (OneTimeToken.issue in domain/model.py).
one_time_tokens = Table(
    "one_time_tokens", metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=True, unique=True),
    Column("purpose", String(20), nullable=False),
    Column("customer_id", String(36), ForeignKey("customers.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
)

billing_profiles = Table(
    "billing_profiles", metadata,
    Column("customer_id", String(36), ForeignKey("customers.id"), primary_key=True),
    *(Column(name, String(254), nullable=True) for name in BillingProfile.FIELDS),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Failed logins, reset requests and registrations alike (the chassis throttle columns).
login_throttles = throttle_table(metadata, "login_throttles")

mapper_registry.map_imperatively(Company, companies)
mapper_registry.map_imperatively(Customer, customers)
mapper_registry.map_imperatively(Session, sessions)
mapper_registry.map_imperatively(OneTimeToken, one_time_tokens)
mapper_registry.map_imperatively(BillingProfile, billing_profiles)
mapper_registry.map_imperatively(Throttle, login_throttles)

