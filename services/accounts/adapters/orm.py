"""Tables of the accounts database and their mapping to the domain model."""
from sqlalchemy import Column, Integer, MetaData, String, Table, update
from sqlalchemy.orm import registry

from services.accounts.domain.model import Customer
from services.chassis.tables import UtcDateTime

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

customers = Table(
    "customers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_number", String(20), nullable=False, unique=True),
    Column("email", String(254), nullable=False),
    Column("email_normalised", String(254), nullable=False, unique=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("phone", String(20), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

# Readable numbers (CUS-000042) come from a counter row, not from the primary
# key, so that ids stay unguessable and numbers stay gap-free per commit.
counters = Table(
    "counters",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("value", Integer, nullable=False),
)

mapper_registry.map_imperatively(Customer, customers)


def next_counter(session, name: str) -> int:
    """Increment and return a counter inside the caller's transaction (row locked until commit)."""
    value = session.execute(
        update(counters).where(counters.c.name == name).values(value=counters.c.value + 1).returning(counters.c.value)
    ).scalar_one_or_none()
    if value is None:
        session.execute(counters.insert().values(name=name, value=1))
        value = 1
    return value
