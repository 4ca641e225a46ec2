"""m0002 on a database that already holds m0001 rows (SQLite and PostgreSQL), and back."""
from alembic import command
from sqlalchemy import inspect, text

from services.chassis.database import make_engine
from services.chassis.migrations import alembic_config, upgrade


def test_notifications_queued_before_delivery_are_closed_not_sent_and_the_step_reverts(databases):
    url = databases.url("messaging")
    command.upgrade(alembic_config("messaging", url), "m0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO notifications (id, kind, channel, recipient, source_event_id, data, status, created_at) "
            "VALUES ('n-1', 'welcome', 'email', 'old@example.it', 'e-1', '{}', 'pending', :at)"
        ), {"at": "2026-11-01 10:00:00"})

    upgrade("messaging", url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM notifications")).mappings().one()
    assert (row["status"], row["attempts"], row["subject"], row["body"]) == ("failed", 0, "", "")
    assert row["last_error"].startswith("queued before delivery existed")
    assert row["recipient"] == "old@example.it"
    columns = {c["name"]: c["nullable"] for c in inspect(engine).get_columns("notifications")}
    assert "data" not in columns and columns["body"] is False and columns["customer_id"] is True
    assert "erased_customers" in inspect(engine).get_table_names()

    command.downgrade(alembic_config("messaging", url), "m0001")
    engine.dispose()
    engine = make_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("notifications")}
    assert "data" in columns and "body" not in columns
    assert "erased_customers" not in inspect(engine).get_table_names()
    engine.dispose()
