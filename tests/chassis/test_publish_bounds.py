"""What the outbox relay and the retry path do when the broker cannot take an event: no queue bound
(REVIEW R18), no confirm coming back over a black-holed connection (REVIEW R9). Real broker, real
SQLite outbox; the black hole is tests/support/tcp_relay.py, a relay that stops forwarding."""
import json
import time
import uuid
from datetime import datetime, timezone

import eventlet
import pytest
from kombu import Connection
from marshmallow import fields
from nameko.runners import ServiceRunner
from nameko.standalone.events import event_dispatcher
from sqlalchemy import insert, select

from services.chassis.cli import import_service
from services.chassis.database import Database, make_engine
from services.chassis.domain import utcnow
from services.chassis.events import EventSchema, consume
from services.chassis.outbox import OutboxRelay
from services.chassis.queues import declare_queues
from services.chassis.service import ServiceBase
from services.chassis.tables import chassis_metadata, outbox_messages
from tests.chassis.test_outbox_inbox import accounts_uow, register_without_relay
from tests.support.fixtures import wait_until
from tests.support.tcp_relay import TcpRelay

WELCOME_QUEUE = "evt-accounts-customer_registered--messaging.handle_customer_registered"


def waiting(config, queue: str) -> int:
    with Connection(config["AMQP_URI"]) as connection:
        return connection.channel().queue_declare(queue=queue, passive=True)[1]


def rows(engine):
    with engine.connect() as conn:
        return {row.event_type: row for row in conn.execute(select(outbox_messages))}


def test_an_event_published_before_its_handler_queue_exists_is_kept_and_delivered_once_it_does(config):
    engine, sessions = accounts_uow(config)
    register_without_relay(sessions)  # customer_registered: messaging handles it
    relay = OutboxRelay(sessions, "accounts", config["AMQP_URI"])
    assert relay.relay_once() == 0  # the broker confirmed it into no queue: not sent
    row = rows(engine)["customer_registered"]
    assert row.sent_at is None and row.attempts == 1 and "NO_ROUTE" in row.last_error

    declare_queues(config["AMQP_URI"], [import_service("messaging")])  # the deploy step that was missing
    wait_until(lambda: relay.relay_once() == 1, timeout=5, interval=0.2)  # after its back-off (about 0.5 s)
    assert rows(engine)["customer_registered"].sent_at is not None
    assert waiting(config, WELCOME_QUEUE) == 1


def test_an_event_no_sportello_service_handles_is_marked_sent_not_kept_for_ever(config):
    engine, sessions = accounts_uow(config)
    with engine.begin() as conn:
        conn.execute(insert(outbox_messages).values(
            event_id=str(uuid.uuid4()), event_type="customer_waved", payload=json.dumps({"hello": 1}), headers="{}",
            created_at=utcnow(), next_attempt_at=utcnow(), attempts=0))
    relay = OutboxRelay(sessions, "accounts", config["AMQP_URI"])
    assert relay.relay_once() == 1
    assert rows(engine)["customer_waved"].sent_at is not None


def rows_unsent(engine):
    with engine.connect() as conn:
        return conn.execute(select(outbox_messages).where(outbox_messages.c.sent_at.is_(None))).all()


def test_a_black_holed_connection_fails_the_publish_within_the_confirm_timeout_and_the_row_goes_later(config, vhost):
    engine, sessions = accounts_uow(config)
    declare_queues(config["AMQP_URI"], [import_service("messaging")])
    broker = TcpRelay(config["AMQP_URI"])
    relay = OutboxRelay(sessions, "accounts", broker.amqp_uri, confirm_timeout=1)
    try:
        register_without_relay(sessions)
        assert relay.relay_once() == 1  # connected through the relay
        broker.stalled = True  # packets held, nothing refused: only a timeout ends a wait
        with engine.begin() as conn:
            conn.execute(insert(outbox_messages).values(
                event_id=str(uuid.uuid4()), event_type="customer_registered", payload=json.dumps({"late": True}),
                headers="{}", created_at=utcnow(), next_attempt_at=utcnow(), attempts=0))
        started = time.monotonic()
        with eventlet.Timeout(20):  # without a bound the pass never returns
            assert relay.relay_once() == 0
        assert time.monotonic() - started < 3
        with engine.connect() as conn:
            [pending] = conn.execute(select(outbox_messages).where(outbox_messages.c.sent_at.is_(None))).all()
        assert pending.attempts == 1 and "confirm" in pending.last_error

        broker.stalled = False
        wait_until(lambda: relay.relay_once() == 1, timeout=10, interval=0.2)
        assert not rows_unsent(engine)
        # The held copy may reach the broker once the path clears as well: at least once, and
        # consumers deduplicate on the event id.
        found = {m["properties"]["message_id"] for m in vhost.peek(WELCOME_QUEUE, 10)}
        with engine.connect() as conn:
            assert found == {row.event_id for row in conn.execute(select(outbox_messages))}
    finally:
        broker.close()


# -- the retry path --------------------------------------------------------------
class Ping(EventSchema):
    label = fields.String(required=True)


FAIL_ONCE: dict = {}
HANDLED: list[str] = []


class StallingConsumer(ServiceBase):
    """Fails an event's first delivery; for "stall" after the broker connection went black."""

    name = "stalling"
    db = Database()

    @consume("testsource", "ping", Ping)
    def handle_ping(self, event):
        label = event["label"]
        if label in FAIL_ONCE:
            relay = FAIL_ONCE.pop(label)
            if relay is not None:
                relay.stalled = True
            raise RuntimeError(f"first try of {label} fails")
        HANDLED.append(label)
        self.db.commit()


@pytest.fixture
def stalling(config, tmp_path):
    HANDLED.clear()
    url = f"sqlite:///{tmp_path / 'stalling.sqlite3'}"
    chassis_metadata.create_all(make_engine(url))
    broker = TcpRelay(config["AMQP_URI"])
    declare_queues(config["AMQP_URI"], [StallingConsumer], retry_delays=(0.2,),
                   queue_type=config.get("QUEUE_TYPE", "classic"))
    service_config = dict(config, AMQP_URI=broker.amqp_uri, PUBLISH_CONFIRM_TIMEOUT=1, EVENT_RETRY_DELAYS=(0.2,),
                          DATABASE_URLS=dict(config["DATABASE_URLS"], stalling=url))
    runner = ServiceRunner(service_config)
    runner.add_service(StallingConsumer)
    runner.start()
    yield broker
    broker.stalled = False
    runner.kill()
    broker.close()


def ping(config, label):
    event_dispatcher(config)("testsource", "ping", {
        "event_id": str(uuid.uuid4()), "occurred_at": datetime.now(timezone.utc).isoformat(), "schema_version": 1,
        "label": label})


def test_a_black_holed_connection_bounds_the_retry_paths_publish_and_the_event_is_handled_later(stalling, config,
                                                                                                caplog):
    FAIL_ONCE.update(warmup=None, pinged=stalling)
    ping(config, "warmup")  # its retry opens the publishing connection, as a running service has one
    wait_until(lambda: HANDLED == ["warmup"], timeout=10)
    ping(config, "pinged")
    # The worker gives up on the reroute (1 s) and requeues the event instead of waiting for ever.
    wait_until(lambda: any("could not reroute" in r.getMessage() for r in caplog.records), timeout=10)
    stalling.stalled = False  # the requeue reaches the broker; the event comes back
    wait_until(lambda: HANDLED == ["warmup", "pinged"], timeout=15)
