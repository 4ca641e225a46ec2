"""PostgreSQL must not stall the eventlet hub (psycopg's default wait function does)."""
import time

import eventlet
import pytest
from sqlalchemy import text

from services.chassis.database import make_engine
from tests.support.databases import USE_POSTGRESQL

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(not USE_POSTGRESQL, reason="runs with SPORTELLO_TEST_DB=postgresql (make test-postgresql)"),
]


def test_ten_concurrent_queries_run_concurrently(databases):
    engine = make_engine(databases.url("accounts"))

    def sleep_in_database():
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_sleep(0.5)"))

    sleep_in_database()  # open one connection first
    started = time.monotonic()
    pool = eventlet.GreenPool(10)
    for _ in range(10):
        pool.spawn(sleep_in_database)
    pool.waitall()
    elapsed = time.monotonic() - started
    engine.dispose()
    # Serialised it would take 5 s; cooperative it takes a little over 0.5 s.
    assert elapsed < 2.0, f"10 x pg_sleep(0.5) took {elapsed:.2f}s: psycopg is blocking the hub"
