"""The search's read-only connections: SQLite files only, unable to write, executing in a real thread."""
import sqlite3
import threading

import pytest
from sqlalchemy import text

from services.catalog.adapters.read_pool import off_hub_engine


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u@127.0.0.1:5433/db"])
def test_no_pool_where_it_would_not_help_or_not_work(url):
    assert off_hub_engine(url) is None


def test_a_read_connection_cannot_write_and_executes_off_the_calling_thread(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE t (x INTEGER)")
        setup.execute("INSERT INTO t VALUES (1)")
    engine = off_hub_engine(f"sqlite:///{path}")
    threads = []
    try:
        with engine.connect() as conn:
            conn.connection.driver_connection.create_function(
                "where_am_i", 0, lambda: threads.append(threading.get_ident()) or 1)
            assert conn.execute(text("SELECT x + where_am_i() FROM t")).scalar_one() == 2
            with pytest.raises(Exception, match="readonly|read-only|query_only"):
                conn.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        engine.dispose()
    assert threads and threads[0] != threading.get_ident()


def test_a_statement_marked_on_hub_runs_in_the_calling_thread(tmp_path):
    from services.catalog.adapters.read_pool import ON_HUB

    path = tmp_path / "catalog.sqlite3"
    sqlite3.connect(path).close()
    engine = off_hub_engine(f"sqlite:///{path}")
    threads = []
    try:
        with engine.connect() as conn:
            conn.connection.driver_connection.create_function(
                "where_am_i", 0, lambda: threads.append(threading.get_ident()) or 1)
            assert conn.execute(text("SELECT where_am_i()").execution_options(**{ON_HUB: True})).scalar_one() == 1
    finally:
        engine.dispose()
    assert threads == [threading.get_ident()]
