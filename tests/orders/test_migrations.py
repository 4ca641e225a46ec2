"""orders' migrations on a database that already holds rows (SQLite and PostgreSQL), and back."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from services.chassis.database import make_engine
from services.chassis.migrations import alembic_config, upgrade
from services.chassis.tables import chassis_metadata
from services.orders.adapters.orm import metadata

CART = ("INSERT INTO carts (id, owner_id, name, note, status, created_at, updated_at) "
        "VALUES (:id, :owner, 'Cart', '', :status, '2026-11-01 10:00:00', :updated)")


def test_o0007_keeps_the_cart_changed_last_active_and_reverts(databases):
    url = databases.url("orders")
    command.upgrade(alembic_config("orders", url), "o0006")
    engine = make_engine(url)
    with engine.begin() as conn:  # what the race left: two active carts of one customer
        for cart_id, owner, status, updated in (("k-1", "c-1", "active", "2026-11-01 10:00:00"),
                                                ("k-2", "c-1", "active", "2026-11-02 10:00:00"),
                                                ("k-3", "c-1", "inactive", "2026-11-03 10:00:00"),
                                                ("k-4", "c-2", "active", "2026-11-01 10:00:00")):
            conn.execute(text(CART), {"id": cart_id, "owner": owner, "status": status, "updated": updated})

    upgrade("orders", url)
    with engine.connect() as conn:
        statuses = dict(conn.execute(text("SELECT id, status FROM carts")).all())
        assert statuses == {"k-1": "inactive", "k-2": "active", "k-3": "inactive", "k-4": "active"}
        assert compare_metadata(MigrationContext.configure(conn), [metadata, chassis_metadata]) == []
    command.downgrade(alembic_config("orders", url), "o0006")
    engine.dispose()
