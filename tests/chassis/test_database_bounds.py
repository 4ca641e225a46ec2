"""REVIEW R9: bounded waits on PostgreSQL (services/chassis/database_bounds.py).

A row lock held elsewhere (a staff member's psql ``SELECT ... FOR UPDATE``) made a request wait
for ever; a database that accepts TCP but never answers held every connect for ever.
"""
import time

import eventlet
import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from services.chassis.database import make_engine
from services.chassis.database_bounds import DatabaseBounds
from services.chassis.errors import DatabaseBusy, DatabaseUnavailable
from tests.catalog.harness import assert_problem
from tests.orders.events import outbox_events
from tests.returns.conftest import catalog, shop  # noqa: F401  (the returns shop: a delivered order, an RMA)
from tests.support.databases import USE_POSTGRESQL
from tests.support.tcp_relay import TcpRelay

LOCK_TIMEOUT = 1.0
postgresql_only = pytest.mark.skipif(not USE_POSTGRESQL, reason="PostgreSQL's lock timeout: "
                                     "runs with SPORTELLO_TEST_DB=postgresql")


@pytest.fixture
def bounded(config):
    config["POSTGRESQL"] = {**config.get("POSTGRESQL", {}), "lock_timeout": LOCK_TIMEOUT, "statement_timeout": 3}
    return config


def libpq_url(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


@postgresql_only
@pytest.mark.postgresql
def test_a_review_waiting_on_a_row_locked_elsewhere_is_answered_503_then_succeeds_once_released(
        bounded, shop, client, config):  # noqa: F811
    anna, staff = shop.customer(), shop.staff()
    number = shop.open_return(anna, shop.deliver_order(anna, staff))["number"]
    review = {"decision": "approve", "message": "Send it back."}
    with psycopg.connect(libpq_url(config["DATABASE_URLS"]["returns"])) as psql:  # the operator's session
        psql.execute("SELECT * FROM rmas WHERE number = %s FOR UPDATE", (number,))
        started = time.monotonic()
        refused = client.post(f"/api/v1/staff/returns/{number}/review", json=review, headers=staff)
        waited = time.monotonic() - started
        assert_problem(refused, 503, "database-busy")
        assert int(refused.headers["Retry-After"]) >= 1
        # Within the lock timeout and well before the gateway's own RPC timeout (it used to never end).
        assert waited < LOCK_TIMEOUT + 2 < config["RPC_TIMEOUT"], waited
        # Nothing half-written: the RMA as it was, no event.
        assert client.get(f"/api/v1/returns/{number}", headers=anna).json()["status"] == "submitted"
        assert outbox_events(config, "returns", "rma_reviewed") == []
        psql.rollback()  # the lock is released
    approved = shop.staff_step(staff, number, "review", review)
    assert approved["status"] == "approved"
    assert len(outbox_events(config, "returns", "rma_reviewed")) == 1


@postgresql_only
@pytest.mark.postgresql
def test_a_service_engine_sets_the_lock_and_statement_timeouts_an_operator_engine_does_not(databases):
    url = databases.url("returns")
    service = make_engine(url, DatabaseBounds(statement_timeout=7, lock_timeout=2.5))
    operator = make_engine(url)
    try:
        with service.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "7s"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "2500ms"
        with operator.connect() as conn:  # migrations may take their time
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
    finally:
        service.dispose()
        operator.dispose()


@postgresql_only
@pytest.mark.postgresql
def test_a_statement_past_its_timeout_and_a_wait_for_a_pooled_connection_are_busy_not_errors(databases):
    engine = make_engine(databases.url("returns"), DatabaseBounds(statement_timeout=0.5, pool_timeout=0.5))
    try:
        with engine.connect() as conn:
            with pytest.raises(DatabaseBusy) as busy:
                conn.execute(text("SELECT pg_sleep(3)"))
            assert busy.value.extra["retry_after"] >= 1
        held = [engine.connect() for _ in range(20)]  # the pool and its overflow, all taken
        started = time.monotonic()
        with pytest.raises(DatabaseBusy):
            engine.connect()
        assert time.monotonic() - started < 2
        for conn in held:
            conn.close()
    finally:
        engine.dispose()


def test_a_database_that_accepts_tcp_but_never_answers_is_given_up_after_the_connect_timeout():
    """A black-holed path (a relay that stops forwarding): the connect used to wait for ever."""
    silent = eventlet.listen(("127.0.0.1", 0))  # the far end: a port that never says a word
    relay = TcpRelay(f"postgresql://nobody:x@127.0.0.1:{silent.getsockname()[1]}/shop")
    relay.stalled = True
    port = relay.server.getsockname()[1]
    engine = make_engine(f"postgresql+psycopg://nobody:x@127.0.0.1:{port}/shop", DatabaseBounds(connect_timeout=2))
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable):
            with eventlet.Timeout(20):
                engine.connect()
        waited = time.monotonic() - started
        assert 1.5 < waited < 4, waited
    finally:
        engine.dispose()
        relay.close()
        silent.close()


@postgresql_only
@pytest.mark.postgresql
def test_a_connection_the_server_ends_mid_request_is_database_unavailable_not_a_500(databases):
    """A PostgreSQL restart (``pg_ctl restart``, a failover) ends the connections the pool holds:
    the next statement on one failed with a bare OperationalError ('terminating connection due to
    administrator command', 'server closed the connection unexpectedly'), which the gateway answers
    500 and a careful client does not retry (seen on the cluster, tests/faults_cluster scenario 3).
    It is the database being away, as for a connect that fails: 503 database-unavailable."""
    engine = make_engine(databases.url("orders"))
    try:
        with engine.connect() as victim:
            pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with psycopg.connect(libpq_url(databases.url("orders")), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with pytest.raises(DatabaseUnavailable):
                victim.execute(text("SELECT 1"))
        with engine.connect() as fresh:  # the pool drops the dead connection and makes a new one
            assert fresh.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
