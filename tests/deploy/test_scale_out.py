"""What docs/deployment.md promises when a service runs on several replicas, checked on the real broker
and database (SQLite here, PostgreSQL under `make test-postgresql`, where FOR UPDATE SKIP LOCKED is used).

* Several outbox relays on one outbox table (one per replica) publish every event exactly once.
* A relay that dies between publishing and marking leaves a lease; another replica publishes the
  rows again once it expires: at least once, never lost.
* Replicas of a consuming service are competing consumers of one queue: each event is handled by
  one replica, and the work is shared.
"""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import eventlet
from kombu import Connection, Exchange, Queue
from nameko.extensions import DependencyProvider
from nameko.runners import ServiceRunner
from nameko.standalone.events import event_dispatcher
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import sessionmaker

from services.chassis.database import Database, make_engine
from services.chassis.domain import utcnow
from services.chassis.events import EventSchema, consume
from services.chassis.outbox import OutboxRelay
from services.chassis.service import ServiceBase
from services.chassis.tables import chassis_metadata, inbox_messages, outbox_messages
from tests.support.fixtures import wait_until

from marshmallow import fields

EVENTS = 240


def chassis_database(databases, name="accounts"):
    url = databases.url(name)  # any fresh database; only the chassis tables are needed
    engine = make_engine(url)
    chassis_metadata.create_all(engine)
    return url, engine


def add_pending_events(engine, count: int) -> list[str]:
    now = utcnow()
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with engine.begin() as conn:
        conn.execute(insert(outbox_messages), [
            {"event_id": event_id, "event_type": "parcel_scanned",
             "payload": json.dumps({"event_id": event_id, "n": n}), "headers": "{}",
             "created_at": now + timedelta(microseconds=n), "next_attempt_at": now, "attempts": 0}
            for n, event_id in enumerate(ids)])
    return ids


def listen(amqp_uri: str, service: str) -> Queue:
    """A queue of the test's own on the service's event exchange, declared before anything is published."""
    queue = Queue(f"test-{uuid.uuid4().hex[:8]}", Exchange(f"{service}.events", type="topic", durable=True),
                  routing_key="#", durable=True)
    with Connection(amqp_uri) as connection:
        queue(connection.channel()).declare()
    return queue


def drain(amqp_uri: str, queue: Queue) -> list[str]:
    message_ids = []
    with Connection(amqp_uri) as connection:
        bound = queue(connection.channel())
        while (message := bound.get(no_ack=True)) is not None:
            message_ids.append(message.properties["message_id"])
    return message_ids


def pending(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(outbox_messages)
                            .where(outbox_messages.c.sent_at.is_(None))).scalar_one()


def test_three_relays_on_one_outbox_publish_every_event_exactly_once(databases, vhost):
    url, engine = chassis_database(databases)
    ids = add_pending_events(engine, EVENTS)
    queue = listen(vhost.amqp_uri, "depot")
    # Three replicas: each its own engine and relay, as three pods would have.
    relays = [OutboxRelay(sessionmaker(make_engine(url), expire_on_commit=False), "depot", vhost.amqp_uri,
                          batch_size=20) for _ in range(3)]
    published = [0, 0, 0]

    def replica(index):
        while (sent := relays[index].relay_once()) or pending(engine):
            published[index] += sent
            eventlet.sleep(0)

    threads = [eventlet.spawn(replica, i) for i in range(3)]
    with eventlet.Timeout(120):
        for thread in threads:
            thread.wait()

    print("published per relay:", published)
    assert sum(published) == EVENTS, published
    assert pending(engine) == 0
    received = wait_until(lambda: drain(vhost.amqp_uri, queue) or None, timeout=10)
    deadline = eventlet.Timeout(10, False)
    with deadline:
        while len(received) < EVENTS:
            received += drain(vhost.amqp_uri, queue)
            eventlet.sleep(0.1)
    assert sorted(received) == sorted(ids), "every event once: none lost, none twice"


def test_a_relay_that_died_after_publishing_is_covered_by_another_replica_once_its_lease_expires(databases, vhost):
    url, engine = chassis_database(databases)
    (event_id,) = add_pending_events(engine, 1)
    queue = listen(vhost.amqp_uri, "depot")
    sessions = sessionmaker(make_engine(url), expire_on_commit=False)
    dying = OutboxRelay(sessions, "depot", vhost.amqp_uri, lease_seconds=30)
    survivor = OutboxRelay(sessions, "depot", vhost.amqp_uri, lease_seconds=30)

    # The dying replica claims and publishes, then is killed before marking the row sent.
    (row,) = dying.claim_batch()
    dying.publish(row)
    assert survivor.relay_once() == 0, "the lease keeps the other replica away"
    with engine.begin() as conn:  # 30 s later: the lease has expired
        conn.execute(update(outbox_messages).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert survivor.relay_once() == 1
    assert pending(engine) == 0
    received = []
    with eventlet.Timeout(10, False):
        while len(received) < 2:
            received += drain(vhost.amqp_uri, queue)
            eventlet.sleep(0.1)
    assert received == [event_id, event_id], "published twice (at least once), deduplicated by consumers"


# -- competing consumers ---------------------------------------------------------
HANDLED: list[tuple[str, str]] = []


class ParcelScanned(EventSchema):
    label = fields.String(required=True)


class ReplicaName(DependencyProvider):
    """Tells a worker which of the replicas (containers) it runs in."""

    def get_dependency(self, worker_ctx):
        return str(id(self.container))


class Tracking(ServiceBase):
    name = "tracking"
    db = Database()
    replica = ReplicaName()

    @consume("depot", "parcel_scanned", ParcelScanned)
    def on_parcel_scanned(self, event):
        # No eventlet.sleep here: it would yield inside the transaction, and on SQLite the other
        # replica (same process in this test) would then block the whole hub on the write lock.
        HANDLED.append((event["label"], self.replica))
        self.db.commit()


def test_replicas_of_a_service_share_its_queue_and_handle_each_event_once(databases, config):
    HANDLED.clear()
    url, engine = chassis_database(databases, "orders")
    config["DATABASE_URLS"] = dict(config["DATABASE_URLS"], tracking=url)
    runners = [ServiceRunner(config) for _ in range(2)]
    for runner in runners:
        runner.add_service(Tracking)
        runner.start()
    try:
        dispatch = event_dispatcher(config)
        labels = [f"P{n:03d}" for n in range(40)]
        for label in labels:
            dispatch("depot", "parcel_scanned", {"event_id": str(uuid.uuid4()), "schema_version": 1,
                                                 "occurred_at": utcnow().isoformat(), "label": label})
        wait_until(lambda: len(HANDLED) >= len(labels), timeout=30)
        eventlet.sleep(0.5)  # nothing more arrives
        assert sorted(label for label, _ in HANDLED) == labels, "each event handled exactly once"
        assert len({replica for _, replica in HANDLED}) == 2, "both replicas took a share"
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(inbox_messages)).scalar_one() == len(labels)
    finally:
        for runner in runners:
            runner.stop()
