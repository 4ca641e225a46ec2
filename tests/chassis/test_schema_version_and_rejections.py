"""A consumer applies only the major versions it knows, and an event it refuses goes to the dead letters at once.

The consumer is a small test service on the real broker: the things under test are the chassis's
``consume`` (schema_version against the schema's VERSION) and ``ReliableEventHandler`` (an
``EventRejected`` is dead-lettered on its first attempt, its reason in ``x-sportello-error``).
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
from services.chassis.events import EventRejected, EventSchema, consume
from services.chassis.service import ServiceBase
from services.chassis.tables import chassis_metadata, inbox_messages
from tests.support.fixtures import wait_until

HANDLED: list[str] = []


class ParcelWeighed(EventSchema):
    VERSION = 3  # a consumer that knows majors 1 to 3
    label = fields.String(required=True)
    grams = fields.Integer(required=True)


class Scales(ServiceBase):
    name = "scales"
    db = Database()

    @consume("depot", "parcel_weighed", ParcelWeighed)
    def handle_parcel_weighed(self, event):
        if event["grams"] < 0:
            raise EventRejected(f"parcel {event['label']}: a negative weight cannot be true")
        HANDLED.append(event["label"])
        self.db.commit()


@pytest.fixture
def scales(config, tmp_path):
    HANDLED.clear()
    url = f"sqlite:///{tmp_path / 'scales.sqlite3'}"
    engine = make_engine(url)
    chassis_metadata.create_all(engine)
    config["DATABASE_URLS"] = dict(config["DATABASE_URLS"], scales=url)
    config["EVENT_RETRY_DELAYS"] = (0.2, 0.4)
    runner = ServiceRunner(config)
    runner.add_service(Scales)
    runner.start()
    yield engine
    runner.stop()
    engine.dispose()


def publish(config, label, schema_version=1, grams=100):
    payload = {"event_id": str(uuid.uuid4()), "occurred_at": datetime.now(timezone.utc).isoformat(),
               "schema_version": schema_version, "label": label, "grams": grams}
    event_dispatcher(config)("depot", "parcel_weighed", payload)
    return payload


def letters(config):
    return {letter.body: letter for letter in queues.show_dead_letters(config["AMQP_URI"], "scales")}


def test_an_unknown_major_version_is_dead_lettered_at_once_and_known_ones_are_applied(scales, config):
    for label, version in (("future", 4), ("far-future", 99), ("no-such", 0)):
        publish(config, label, schema_version=version)
    for label, version in (("first", 1), ("current", 3)):
        publish(config, label, schema_version=version)
    wait_until(lambda: queues.count_dead_letters(config["AMQP_URI"], "scales") == 3, timeout=10)
    wait_until(lambda: sorted(HANDLED) == ["current", "first"], timeout=10)
    found = queues.show_dead_letters(config["AMQP_URI"], "scales")
    assert [letter.attempts for letter in found] == [1, 1, 1]  # not retried: it can never succeed
    for letter in found:
        assert letter.error.startswith("EventRejected: ") and "schema_version" in letter.error, letter.error
        assert "versions 1 to 3" in letter.error
    assert any("schema_version 99" in letter.error for letter in found)
    with scales.connect() as conn:  # nothing of theirs was marked handled: a replay after an upgrade applies them
        assert conn.execute(select(func.count()).select_from(inbox_messages)).scalar_one() == 2


def test_a_missing_version_is_a_schema_error(scales, config):
    payload = {"event_id": str(uuid.uuid4()), "occurred_at": datetime.now(timezone.utc).isoformat(),
               "label": "unversioned", "grams": 1}
    event_dispatcher(config)("depot", "parcel_weighed", payload)
    wait_until(lambda: queues.count_dead_letters(config["AMQP_URI"], "scales") == 1, timeout=10)
    [letter] = queues.show_dead_letters(config["AMQP_URI"], "scales")
    assert letter.attempts == 1 and "ValidationError" in letter.error and "schema_version" in letter.error


def test_an_event_the_handler_rejects_is_dead_lettered_at_once_with_its_reason(scales, config):
    publish(config, "odd", grams=-5)
    publish(config, "fine")
    wait_until(lambda: queues.count_dead_letters(config["AMQP_URI"], "scales") == 1, timeout=10)
    [letter] = queues.show_dead_letters(config["AMQP_URI"], "scales")
    assert letter.attempts == 1
    assert letter.error == "EventRejected: parcel odd: a negative weight cannot be true"
    assert letter.queue == "evt-depot-parcel_weighed--scales.handle_parcel_weighed"
    wait_until(lambda: HANDLED == ["fine"], timeout=10)
