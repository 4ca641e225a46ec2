"""examples/kombu_consumer.py, run as another team would run it, receives a real event from a real service.

accounts and the gateway run in-process on a test vhost; the example runs as its own
process with only the AMQP URI, declares its queue, and must see the customer_registered
event that a registration through the gateway publishes (via the outbox relay). Then the
broker's at-least-once delivery is played back: the same event again is skipped, and a
message that is not an event goes to the example's dead-letter queue.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import uuid

import jsonschema
import pytest
import requests
import yaml
from kombu import Connection, Exchange, Producer, Queue

from services.chassis.broker_identities import consumer_user
from services.chassis.cli import import_service
from services.chassis.config import PROJECT_ROOT, SERVICES
from services.chassis.queues import declare_queues
from tests.support.fixtures import wait_until

EXAMPLE = PROJECT_ROOT / "examples" / "kombu_consumer.py"
QUEUE = "crm.mailing-list"


def read_reports(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def queue_exists(vhost, name) -> bool:
    try:
        vhost.queue(name)
        return True
    except requests.HTTPError:
        return False


def message_count(amqp_uri, name) -> int:
    with Connection(amqp_uri) as connection:
        _, count, _ = Queue(name, durable=True, queue_arguments={"x-queue-type": "quorum"})(
            connection.channel()).queue_declare(passive=True)
        return count


@pytest.fixture
def consumer_uri(vhost, tmp_path):
    """The identity an operator gives another team: `sportello broker add-consumer crm`."""
    declare_queues(vhost.amqp_uri, [import_service(name) for name in SERVICES])  # the operator's exchanges
    env = {"AMQP_URI": vhost.amqp_uri, "SPORTELLO_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "services.chassis.cli", "broker", "add-consumer", "crm"],
                         env=env, capture_output=True, text=True, timeout=60, check=True, cwd=PROJECT_ROOT).stdout
    yield next(line.split("=", 1)[1] for line in out.splitlines() if line.startswith("AMQP_URI="))
    vhost.admin.delete_user(consumer_user("crm", vhost.name))


@pytest.fixture
def example_consumer(vhost, consumer_uri, tmp_path):
    out, err = tmp_path / "consumer.jsonl", tmp_path / "consumer.log"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(EXAMPLE), "--amqp-uri", consumer_uri, "--queue", QUEUE,
             "--bind", "accounts.customer_registered", "--bind", "accounts.customer_erased",
             "--state", str(tmp_path / "mailing-list.sqlite3"), "--max-messages", "4"],
            stdout=stdout, stderr=stderr, cwd=tmp_path)
    try:
        wait_until(lambda: queue_exists(vhost, QUEUE) or process.poll() is not None, timeout=30)
        assert process.poll() is None, err.read_text()
        yield process, out, tmp_path / "mailing-list.sqlite3"
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)
        print(err.read_text())


def test_the_example_consumer_receives_a_real_event_once_and_sets_aside_what_is_no_event(
        example_consumer, system, client, config, vhost):
    process, out, state = example_consumer
    queue = vhost.queue(QUEUE)
    assert queue["durable"] is True and queue["arguments"]["x-queue-type"] == "quorum"

    system.start("accounts", "gateway")
    response = client.post("/api/v1/accounts", json={
        "email": "giulia.bianchi@example.com", "password": "correct horse battery", "first_name": "Giulia",
        "last_name": "Bianchi", "accept_terms": True})
    assert response.status_code == 201, response.text

    reports = wait_until(lambda: read_reports(out), timeout=30)
    report = reports[0]
    assert report["status"] == "handled"
    assert report["exchange"] == "accounts.events" and report["event_type"] == "customer_registered"
    event = report["event"]
    assert event["email"] == "giulia.bianchi@example.com" and event["first_name"] == "Giulia"
    # What arrived is what docs/asyncapi.yaml promises for this message.
    document = yaml.safe_load((PROJECT_ROOT / "docs" / "asyncapi.yaml").read_text())
    jsonschema.validate(event, document["components"]["messages"]["accounts.customer_registered"]["payload"])

    # At-least-once: the same event delivered again changes nothing.
    exchange = Exchange("accounts.events", type="topic", durable=True)
    with Connection(vhost.amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=exchange, serializer="json")
        producer.publish(event, routing_key="customer_registered", delivery_mode=2)
        # Not an event at all: rejected without requeue, so the queue's dead-letter exchange takes it.
        producer.publish({"hello": "world"}, routing_key="customer_registered", delivery_mode=2)
        # A major version it was not written for: set aside too, not applied as if it were version 1.
        producer.publish({**event, "event_id": str(uuid.uuid4()), "email": "x@example.com", "schema_version": 99},
                         routing_key="customer_registered", delivery_mode=2)

    assert process.wait(timeout=30) == 0  # --max-messages 4: handled, duplicate, rejected twice
    assert [r["status"] for r in read_reports(out)] == ["handled", "duplicate"]
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT email FROM subscribers").fetchall() == [("giulia.bianchi@example.com",)]
        assert db.execute("SELECT event_id FROM handled_events").fetchall() == [(event["event_id"],)]
    deadline = time.monotonic() + 10
    while message_count(vhost.amqp_uri, f"{QUEUE}.dead-letters") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert message_count(vhost.amqp_uri, f"{QUEUE}.dead-letters") == 2
    assert message_count(vhost.amqp_uri, QUEUE) == 0  # everything else was acked
