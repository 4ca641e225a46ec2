"""accounts' migrations on a database that already holds rows (SQLite and PostgreSQL), and back."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from services.accounts.adapters.orm import metadata
from services.chassis.database import make_engine
from services.chassis.migrations import alembic_config, upgrade
from services.chassis.tables import chassis_metadata

AT = {"at": "2026-11-01 10:00:00", "until": "2026-11-01 10:30:00"}
TOKEN = ("INSERT INTO one_time_tokens ({columns}purpose, customer_id, created_at, expires_at) "
         "VALUES ({values}'reset', 'c-1', :at, :until)")


def test_a0003_gives_tokens_an_id_keeps_their_digests_and_reverts(databases):
    url = databases.url("accounts")
    command.upgrade(alembic_config("accounts", url), "a0002")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customers (id, customer_number, email, email_normalised, first_name, last_name, kind, "
            "language, status, resale_declared, marketing_email, profiling, created_at) VALUES ('c-1', "
            "'CUS-000001', 'a@example.it', 'a@example.it', 'A', 'B', 'private', 'en', 'active', false, false, "
            "false, :at)"), AT)
        conn.execute(text(TOKEN.format(columns="token_hash, ", values="'digest-1', ")), AT)

    upgrade("accounts", url)
    with engine.connect() as conn:
        [(token_id, digest)] = conn.execute(text("SELECT id, token_hash FROM one_time_tokens")).all()
        assert len(token_id) == 36 and digest == "digest-1"  # a link sent before still works
        assert inspect(conn).get_pk_constraint("one_time_tokens")["constrained_columns"] == ["id"]
        assert compare_metadata(MigrationContext.configure(conn), [metadata, chassis_metadata]) == []
    with engine.begin() as conn:  # links not sent yet: no digest, as many as there are
        for token_id in ("t-2", "t-3"):
            conn.execute(text(TOKEN.format(columns="id, ", values=f"'{token_id}', ")), AT)

    command.downgrade(alembic_config("accounts", url), "a0002")
    engine.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT token_hash FROM one_time_tokens")).scalars().all() == ["digest-1"]
        assert inspect(conn).get_pk_constraint("one_time_tokens")["constrained_columns"] == ["token_hash"]
    engine.dispose()
