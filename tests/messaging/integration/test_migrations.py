"""Each migration on a database that already holds rows of the one before (SQLite and PostgreSQL), and back."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from services.chassis.database import make_engine
from services.chassis.migrations import alembic_config, upgrade
from services.chassis.tables import chassis_metadata
from services.messaging.adapters.orm import metadata


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


def test_m0003_adds_the_desk_and_refusals_and_one_open_channel_per_order_and_reverts(databases):
    url = databases.url("messaging")
    command.upgrade(alembic_config("messaging", url), "m0002")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO notifications (id, kind, channel, recipient, source_event_id, status, created_at, subject, "
            "body, language, attempts, next_attempt_at) VALUES ('n-1', 'welcome', 'email', 'a@example.it', 'e-1', "
            "'pending', :at, 'Welcome', 'Hello', 'en', 7, :at)"
        ), {"at": "2026-11-01 10:00:00"})

    upgrade("messaging", url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT status, attempts, refusals FROM notifications")).one()
    assert tuple(row) == ("pending", 7, 0)  # a full refusal budget from here on
    assert {"threads", "thread_messages", "customer_languages", "known_orders"} <= set(
        inspect(engine).get_table_names())

    insert = text(
        "INSERT INTO threads (id, customer_id, context_type, context_ref, subject, status, created_at, "
        "last_activity_at, first_response_due_at) VALUES (:id, 'c-1', 'order', 'ORD-2026-000001', 's', :status, "
        ":at, :at, :at)")
    at = {"at": "2026-11-01 10:00:00"}
    with engine.begin() as conn:
        conn.execute(insert, {"id": "t-1", "status": "closed", **at})
        conn.execute(insert, {"id": "t-2", "status": "closed", **at})  # closed ones may be many
        conn.execute(insert, {"id": "t-3", "status": "open", **at})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, {"id": "t-4", "status": "answered", **at})  # a second open channel

    command.downgrade(alembic_config("messaging", url), "m0002")
    engine.dispose()
    engine = make_engine(url)
    assert "threads" not in inspect(engine).get_table_names()
    assert "refusals" not in {c["name"] for c in inspect(engine).get_columns("notifications")}
    engine.dispose()


def test_m0005_names_the_link_and_its_downgrade_closes_what_the_old_code_could_not_send(databases):
    url = databases.url("messaging")
    upgrade("messaging", url)
    engine = make_engine(url)
    insert = text(
        "INSERT INTO notifications (id, kind, channel, recipient, source_event_id, status, created_at, subject, "
        "body, language, attempts, refusals, next_attempt_at, link_id) VALUES (:id, 'password_reset', 'email', "
        "'a@example.it', 'e-1', :status, :at, 'Reset', 'Open [link removed]', 'en', 0, 0, :at, :link)")
    with engine.begin() as conn:
        conn.execute(insert, {"id": "n-1", "status": "pending", "link": "l-1", "at": "2026-11-01 10:00:00"})
        conn.execute(insert, {"id": "n-2", "status": "sent", "link": "l-2", "at": "2026-11-01 10:00:00"})

    command.downgrade(alembic_config("messaging", url), "m0004")
    engine.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, status FROM notifications")).all())
    assert rows == {"n-1": "failed", "n-2": "sent"}  # the old sender would mail the marker instead of a link
    assert "link_id" not in {c["name"] for c in inspect(engine).get_columns("notifications")}
    engine.dispose()


def test_the_migrated_schema_matches_the_tables_the_code_maps(databases):
    url = databases.url("messaging")
    upgrade("messaging", url)
    engine = make_engine(url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), [metadata, chassis_metadata])
    engine.dispose()
    assert differences == []
