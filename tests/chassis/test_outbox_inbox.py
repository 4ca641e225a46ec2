"""The thin real path: accounts commits a customer with its event in one transaction;
the relay publishes it with confirms; messaging handles it exactly once."""
import json

from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from services.accounts.usecases import registration as accounts_usecases
from services.accounts.adapters.passwords import PasswordHasher
from services.accounts.schemas import EVENT_SCHEMAS as ACCOUNTS_EVENTS
from services.chassis.database import UnitOfWork, make_engine
from services.chassis.domain import utcnow
from services.chassis.migrations import upgrade
from services.chassis.cli import import_service
from services.chassis.outbox import OutboxRelay
from services.chassis.queues import declare_queues
from services.chassis.tables import inbox_messages, outbox_messages
from services.messaging.adapters.orm import notifications
from tests.support.fixtures import wait_until
from tests.support.tcp_relay import TcpRelay

COMMAND = {
    "email": "giulia@example.it",
    "password": "a long enough secret",
    "first_name": "Giulia",
    "last_name": "Bianchi",
    "phone": None,
    "accept_terms": True,
}


def accounts_uow(config):
    url = config["DATABASE_URLS"]["accounts"]
    upgrade("accounts", url)
    engine = make_engine(url)
    return engine, sessionmaker(engine, expire_on_commit=False)


def register_without_relay(sessions):
    uow = UnitOfWork(sessions, ACCOUNTS_EVENTS, context={"request_id": "req-roundtrip"})
    customer = accounts_usecases.register_customer(uow, COMMAND, PasswordHasher(), utcnow)
    uow.close()
    return customer


def count(engine, table, *where):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_state_change_and_event_commit_together_and_survive_a_relay_crash(system, config):
    engine, sessions = accounts_uow(config)
    system.start("messaging")
    messaging_engine = make_engine(config["DATABASE_URLS"]["messaging"])

    customer = register_without_relay(sessions)
    # Committed together: the customer row and its outbox row; nothing published yet.
    assert count(engine, outbox_messages, outbox_messages.c.sent_at.is_(None)) == 1
    assert count(messaging_engine, notifications) == 0

    # A relay claims the row and dies before publishing: its lease holds the row...
    crashed = OutboxRelay(sessions, "accounts", config["AMQP_URI"], lease_seconds=30)
    assert len(crashed.claim_batch()) == 1
    restarted = OutboxRelay(sessions, "accounts", config["AMQP_URI"], lease_seconds=30)
    assert restarted.relay_once() == 0
    # ...until the lease runs out; then the restarted relay publishes it.
    with engine.begin() as conn:
        conn.execute(update(outbox_messages).values(locked_until=utcnow()))
    assert restarted.relay_once() == 1
    assert count(engine, outbox_messages, outbox_messages.c.sent_at.is_(None)) == 0

    rows = wait_until(lambda: count(messaging_engine, notifications))
    assert rows == 1
    with messaging_engine.connect() as conn:
        notification = conn.execute(select(notifications)).one()
    assert notification.recipient == customer.email
    assert notification.kind == "welcome"


def test_the_same_event_delivered_twice_is_handled_once(system, config):
    engine, sessions = accounts_uow(config)
    system.start("messaging")
    messaging_engine = make_engine(config["DATABASE_URLS"]["messaging"])
    register_without_relay(sessions)
    with engine.connect() as conn:
        payload = json.loads(conn.execute(select(outbox_messages.c.payload)).scalar_one())

    dispatch = event_dispatcher(config)
    container = next(iter(system.runners[0].containers))
    for _ in range(2):
        with entrypoint_waiter(container, "handle_customer_registered"):
            dispatch("accounts", "customer_registered", payload)

    assert count(messaging_engine, notifications) == 1
    assert count(messaging_engine, inbox_messages) == 1


def test_a_publish_that_is_not_confirmed_leaves_the_row_pending_with_a_backoff(config):
    engine, sessions = accounts_uow(config)
    register_without_relay(sessions)
    unreachable = "pyamqp://guest:guest@127.0.0.1:1/"  # nothing listens on port 1
    relay = OutboxRelay(sessions, "accounts", unreachable)
    assert relay.relay_once() == 0
    with engine.connect() as conn:
        row = conn.execute(select(outbox_messages)).one()
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.last_error
    assert row.next_attempt_at > utcnow()
    assert row.locked_until is None
    # Not due yet: a second pass does not hammer the broker.
    assert relay.claim_batch() == []


def test_a_running_service_relays_its_own_events_with_the_request_id(system, config, client):
    system.start("accounts", "messaging", "gateway")
    response = client.post(
        "/api/v1/accounts", json=dict(COMMAND, phone="+393401234567"), headers={"X-Request-ID": "req-e2e-1"}
    )
    assert response.status_code == 201, response.text
    engine = make_engine(config["DATABASE_URLS"]["accounts"])
    messaging_engine = make_engine(config["DATABASE_URLS"]["messaging"])
    wait_until(lambda: count(messaging_engine, notifications) == 1)
    # The relay marks the row sent after the broker's confirm, which may come after delivery.
    wait_until(lambda: count(engine, outbox_messages, outbox_messages.c.sent_at.is_not(None)) == 1)
    with engine.connect() as conn:
        row = conn.execute(select(outbox_messages)).one()
    assert json.loads(row.headers)["request_id"] == "req-e2e-1"
    payload = json.loads(row.payload)
    assert {"event_id", "occurred_at", "schema_version"} <= set(payload)
    assert payload["customer_number"] == response.json()["customer_number"]


def test_an_event_that_breaks_its_contract_fails_the_transaction(config):
    engine, sessions = accounts_uow(config)
    uow = UnitOfWork(sessions, ACCOUNTS_EVENTS)
    uow.record("customer_registered", customer_id="x", email="not-an-email", first_name="A",
               customer_number="CUS-1", kind="private")
    try:
        uow.commit()
    except Exception as exc:
        assert "email" in str(exc)
    else:
        raise AssertionError("an invalid event payload was committed")
    finally:
        uow.close()
    assert count(engine, outbox_messages) == 0


def test_the_request_id_reaches_the_consumers_log_lines(system, config, client, caplog):
    import logging

    from services.chassis.observability import RequestIdFilter

    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO, logger="services.chassis.events")
    system.start("accounts", "messaging", "gateway")
    response = client.post("/api/v1/accounts", json=COMMAND, headers={"X-Request-ID": "req-log-42"})
    assert response.status_code == 201
    handled = wait_until(lambda: [r for r in caplog.records if "handling accounts.customer_registered" in r.getMessage()])
    assert handled[0].request_id == "req-log-42"


def test_rows_held_back_while_the_broker_was_away_go_out_with_the_first_publish_that_succeeds(config):
    from services.accounts.usecases import registration

    engine, sessions = accounts_uow(config)
    declare_queues(config["AMQP_URI"], [import_service("messaging")])  # customer_registered has a queue to go to
    broker = TcpRelay(config["AMQP_URI"])
    relay = OutboxRelay(sessions, "accounts", broker.amqp_uri)
    try:
        register_without_relay(sessions)
        with engine.begin() as conn:  # as after a long outage: the next failure backs off for about a minute
            conn.execute(update(outbox_messages).values(attempts=7))
        broker.refusing = True
        assert relay.relay_once() == 0
        with engine.connect() as conn:
            held = conn.execute(select(outbox_messages)).one()
        assert held.sent_at is None and (held.next_attempt_at - utcnow()).total_seconds() > 40

        broker.refusing = False  # the broker is back; a new event is committed meanwhile
        uow = UnitOfWork(sessions, ACCOUNTS_EVENTS)
        registration.register_customer(uow, dict(COMMAND, email="marco@example.it"), PasswordHasher(), utcnow)
        uow.close()
        assert relay.relay_once() == 1  # the new one: the held one is not due yet...
        assert relay.relay_once() == 1  # ...until that publish showed the broker answers: it goes now
        assert count(engine, outbox_messages, outbox_messages.c.sent_at.is_(None)) == 0
    finally:
        broker.close()
