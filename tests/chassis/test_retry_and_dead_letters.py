"""Failed event handlers: retried later, then dead-lettered; operators replay or discard; queues declared early.

The consumer here is a small test service: the thing under test is the chassis's delivery
(ReliableEventHandler, consume, declare_queues, the dlq operations) against the real broker.
"""
import uuid
from datetime import datetime, timezone

import pytest
from marshmallow import fields
from nameko.runners import ServiceRunner
from nameko.standalone.events import event_dispatcher
from sqlalchemy import func, select

from services.chassis import queues
from services.chassis.database import Database, make_engine
from services.chassis.events import EventSchema, consume
from services.chassis.service import ServiceBase
from services.chassis.tables import chassis_metadata, inbox_messages
from tests.support.fixtures import wait_until

HANDLED: list[str] = []
FAILURES: dict[str, int] = {}
BROKEN = {"poison": True}


class ThingHappened(EventSchema):
    kind = fields.String(required=True)
    label = fields.String(required=True)


class FlakyConsumer(ServiceBase):
    name = "flaky"
    db = Database()

    @consume("testsource", "thing_happened", ThingHappened)
    def handle_thing_happened(self, event):
        label = event["label"]
        if event["kind"] == "poison" and BROKEN["poison"]:
            raise RuntimeError(f"cannot handle {label}")
        if FAILURES.get(label, 0) > 0:
            FAILURES[label] -= 1
            raise RuntimeError(f"transient trouble with {label}")
        HANDLED.append(label)
        self.db.commit()


@pytest.fixture
def flaky(config, tmp_path):
    HANDLED.clear()
    FAILURES.clear()
    BROKEN["poison"] = True
    url = f"sqlite:///{tmp_path / 'flaky.sqlite3'}"
    chassis_metadata.create_all(make_engine(url))
    config["DATABASE_URLS"] = dict(config["DATABASE_URLS"], flaky=url)
    config["EVENT_RETRY_DELAYS"] = (0.2, 0.4)
    runners = []

    def start():
        runner = ServiceRunner(config)
        runner.add_service(FlakyConsumer)
        runner.start()
        runners.append(runner)

    yield start
    for runner in runners:
        runner.stop()


def publish(config, kind, label, **overrides):
    payload = {"event_id": str(uuid.uuid4()), "occurred_at": datetime.now(timezone.utc).isoformat(),
               "schema_version": 1, "kind": kind, "label": label, **overrides}
    event_dispatcher(config)("testsource", "thing_happened", payload)
    return payload


def test_a_transient_failure_is_retried_later_and_handled_once(flaky, config):
    flaky()
    FAILURES["a"] = 2
    publish(config, "ok", "a")
    wait_until(lambda: HANDLED == ["a"], timeout=10)
    assert FAILURES["a"] == 0
    assert queues.count_dead_letters(config["AMQP_URI"], "flaky") == 0


def test_a_poison_message_lands_in_the_dead_letter_queue_and_the_others_flow_on(flaky, config):
    flaky()
    publish(config, "poison", "p")
    publish(config, "ok", "fine")
    wait_until(lambda: queues.count_dead_letters(config["AMQP_URI"], "flaky") == 1, timeout=15)
    assert HANDLED == ["fine"]
    [letter] = queues.show_dead_letters(config["AMQP_URI"], "flaky")
    assert letter.queue == "evt-testsource-thing_happened--flaky.handle_thing_happened"
    assert letter.attempts == 3 and "cannot handle p" in letter.error
    assert queues.count_dead_letters(config["AMQP_URI"], "flaky") == 1  # showing does not consume


def test_a_malformed_payload_is_dead_lettered_at_once(flaky, config):
    flaky()
    publish(config, "ok", "x", event_id="not-a-uuid")
    wait_until(lambda: queues.count_dead_letters(config["AMQP_URI"], "flaky") == 1, timeout=10)
    [letter] = queues.show_dead_letters(config["AMQP_URI"], "flaky")
    assert letter.attempts == 1 and "ValidationError" in letter.error


def test_dead_letters_replay_after_a_fix_or_are_discarded(flaky, config):
    flaky()
    publish(config, "poison", "p1")
    publish(config, "poison", "p2")
    wait_until(lambda: queues.count_dead_letters(config["AMQP_URI"], "flaky") == 2, timeout=15)
    first = queues.show_dead_letters(config["AMQP_URI"], "flaky")[0]
    BROKEN["poison"] = False  # the bug is fixed
    assert queues.replay_dead_letters(config["AMQP_URI"], "flaky", {first.id}) == 1
    wait_until(lambda: len(HANDLED) == 1, timeout=10)
    assert queues.discard_dead_letters(config["AMQP_URI"], "flaky") == 1
    assert queues.count_dead_letters(config["AMQP_URI"], "flaky") == 0
    assert len(HANDLED) == 1


def test_declared_queues_keep_events_published_before_the_consumer_ever_started(flaky, config):
    queues.declare_queues(config["AMQP_URI"], [FlakyConsumer], retry_delays=config["EVENT_RETRY_DELAYS"])
    publish(config, "ok", "early")
    flaky()
    wait_until(lambda: HANDLED == ["early"], timeout=10)


def test_a_redelivered_event_is_handled_once(flaky, config):
    flaky()
    payload = publish(config, "ok", "twice")
    event_dispatcher(config)("testsource", "thing_happened", payload)
    wait_until(lambda: HANDLED == ["twice"], timeout=10)
    engine = make_engine(config["DATABASE_URLS"]["flaky"])
    wait_until(lambda: engine.connect().execute(select(func.count()).select_from(inbox_messages)).scalar_one() == 1)
    import eventlet

    eventlet.sleep(0.5)
    assert HANDLED == ["twice"]
