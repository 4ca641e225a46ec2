"""Quorum queues (SPORTELLO_QUEUE_TYPE=quorum, a cluster's setting) and the operator's policies, on the real broker.

RabbitMQ 3.10 runs quorum queues on one node. The failure modes of RabbitMQ 4.x (a delivery limit
of 20 by default, past which a quorum queue drops a message) are reproduced with an explicit
``x-delivery-limit`` policy.
"""
import uuid
from datetime import datetime, timezone

import pytest
import requests
from kombu import Connection
from marshmallow import fields
from nameko.runners import ServiceRunner
from nameko.standalone.events import event_dispatcher

from services.chassis import queues
from services.chassis.cli import main as sportello
from services.chassis.database import Database, make_engine
from services.chassis.events import EventSchema, consume
from services.chassis.service import ServiceBase
from services.chassis.tables import chassis_metadata
from tests.support.fixtures import wait_until

HANDLED: list[str] = []
BROKEN = {"poison": True}
FAILED_ONCE: set[str] = set()
QUEUE = "evt-testsource-thing_happened--quorate.handle_thing_happened"


class ThingHappened(EventSchema):
    kind = fields.String(required=True)
    label = fields.String(required=True)


class QuorateConsumer(ServiceBase):
    name = "quorate"
    db = Database()

    @consume("testsource", "thing_happened", ThingHappened)
    def handle_thing_happened(self, event):
        if event["kind"] == "poison" and BROKEN["poison"]:
            raise RuntimeError(f"cannot handle {event['label']}")
        if event["kind"] == "flaky" and event["label"] not in FAILED_ONCE:
            FAILED_ONCE.add(event["label"])
            raise RuntimeError(f"transient trouble with {event['label']}")
        HANDLED.append(event["label"])
        self.db.commit()


@pytest.fixture
def quorum_config(config, monkeypatch):
    monkeypatch.setenv("SPORTELLO_QUEUE_TYPE", "quorum")  # what `sportello declare-queues` reads
    config["QUEUE_TYPE"] = "quorum"
    return config


@pytest.fixture
def quorate(quorum_config, tmp_path):
    HANDLED.clear()
    BROKEN["poison"] = True
    url = f"sqlite:///{tmp_path / 'quorate.sqlite3'}"
    chassis_metadata.create_all(make_engine(url))
    quorum_config["DATABASE_URLS"] = dict(quorum_config["DATABASE_URLS"], quorate=url)
    quorum_config["EVENT_RETRY_DELAYS"] = (0.2, 0.4)
    queues.declare_queues(quorum_config["AMQP_URI"], [QuorateConsumer], retry_delays=(0.2, 0.4), queue_type="quorum")
    runner = ServiceRunner(quorum_config)
    runner.add_service(QuorateConsumer)
    runner.start()
    yield runner
    runner.stop()


def publish(config, kind, label):
    payload = {"event_id": str(uuid.uuid4()), "occurred_at": datetime.now(timezone.utc).isoformat(),
               "schema_version": 1, "kind": kind, "label": label}
    event_dispatcher(config)("testsource", "thing_happened", payload)
    return payload


def set_policy(vhost, name, pattern, definition, priority=50):
    requests.put(f"{vhost.api}/policies/{vhost.name}/{name}", auth=vhost.auth, timeout=10,
                 json={"pattern": pattern, "definition": definition, "priority": priority, "apply-to": "queues"},
                 ).raise_for_status()


def test_every_durable_queue_is_quorum_and_the_system_works_on_them(quorum_config, system, client, vhost):
    system.start("accounts", "messaging", "gateway")
    response = client.post("/api/v1/accounts", json={
        "email": "giulia@example.it", "password": "a long enough secret", "first_name": "Giulia",
        "last_name": "Bianchi", "phone": None, "accept_terms": True})
    assert response.status_code == 201, response.text  # an RPC through rpc-accounts, a quorum queue
    welcome = "evt-accounts-customer_registered--messaging.handle_customer_registered"
    wait_until(lambda: vhost.queue(welcome).get("message_stats", {}).get("ack", 0) >= 1, timeout=15)
    found = {queue["name"]: queue for queue in vhost.queues()}
    durable = [name for name, queue in found.items() if ".reply-" not in name]
    assert "rpc-accounts" in durable and welcome in durable and "messaging.dead-letters" in durable
    assert any(".retry." in name for name in durable)
    assert {name: found[name]["type"] for name in durable} == {name: "quorum" for name in durable}
    replies = [queue for name, queue in found.items() if ".reply-" in name]
    assert replies and {queue["type"] for queue in replies} == {"classic"}


def test_declare_queues_sets_delivery_limits_and_at_least_once_dead_lettering(quorum_config, vhost, monkeypatch,
                                                                               tmp_path):
    monkeypatch.setenv("AMQP_URI", vhost.amqp_uri)
    monkeypatch.setenv("SPORTELLO_VAR_DIR", str(tmp_path / "var"))
    assert sportello(["declare-queues", "--quiet"]) == 0
    assert sportello(["declare-queues", "--quiet"]) == 0  # idempotent: the same arguments, the same policies
    def effective(name):  # the management API sees a new policy with its next statistics (up to 5 s)
        return wait_until(lambda: (lambda q: q if q.get("effective_policy_definition") else None)(vhost.queue(name)),
                          timeout=15, interval=0.5)

    handler = effective("evt-orders-order_placed--messaging.handle_order_placed")
    assert handler["type"] == "quorum"
    assert handler["effective_policy_definition"] == {
        "delivery-limit": 20, "dead-letter-exchange": "messaging.dead-letters",
        "dead-letter-strategy": "at-least-once", "overflow": "reject-publish"}
    retry = effective(next(q["name"] for q in vhost.queues() if q["name"].startswith("messaging.retry.")))
    assert retry["type"] == "quorum" and retry["effective_policy_definition"] == {
        "dead-letter-strategy": "at-least-once", "overflow": "reject-publish"}
    assert retry["arguments"]["x-dead-letter-exchange"] == "messaging.redeliver"
    rpc = [q for q in vhost.queues() if q["name"].startswith("rpc-")]
    assert not rpc  # the services declare their RPC queues; the policy waits for them:
    assert requests.get(f"{vhost.api}/policies/{vhost.name}/sportello-rpc", auth=vhost.auth, timeout=10).json()[
        "definition"] == {"delivery-limit": 5}
    dead_letters = vhost.queue("messaging.dead-letters")
    assert dead_letters["type"] == "quorum"
    # 3.10 has no delivery limit unless one is set (and refuses -1); 4.x gets -1, unlimited.
    assert dead_letters.get("effective_policy_definition", {}).get("delivery-limit", -1) == -1


def test_with_the_policies_a_failed_event_comes_back_from_its_quorum_retry_queue(quorate, quorum_config, vhost):
    from services.chassis.policies import apply_policies

    apply_policies(quorum_config["AMQP_URI"], ["quorate"])
    wait_until(lambda: vhost.queue("quorate.retry.200ms").get("effective_policy_definition", {}).get(
        "dead-letter-strategy") == "at-least-once", timeout=15, interval=0.5)
    publish(quorum_config, "flaky", "retried")  # fails once, waits in quorate.retry.200ms, comes back
    wait_until(lambda: HANDLED == ["retried"], timeout=10)
    assert queues.count_dead_letters(quorum_config["AMQP_URI"], "quorate") == 0


def test_a_handler_queue_past_its_delivery_limit_dead_letters_the_event_for_a_replay(quorate, quorum_config, vhost,
                                                                                     monkeypatch):
    from services.chassis.policies import apply_policies

    quorate.stop()  # nobody consumes: the event is handed out and returned by hand
    apply_policies(quorum_config["AMQP_URI"], ["quorate"])
    payload = publish(quorum_config, "ok", "returned")
    with Connection(quorum_config["AMQP_URI"]) as connection:
        channel = connection.channel()
        for _ in range(21):  # the limit (20), then one more: what a crash-looping consumer does
            message = channel.basic_get(QUEUE)
            if message is None:
                break
            channel.basic_reject(message.delivery_tag, requeue=True)
    wait_until(lambda: queues.count_dead_letters(quorum_config["AMQP_URI"], "quorate") == 1, timeout=10)
    [letter] = queues.show_dead_letters(quorum_config["AMQP_URI"], "quorate")
    assert letter.queue == QUEUE and "delivery_limit" in letter.error and payload["event_id"] in letter.body
    runner = ServiceRunner(quorum_config)
    runner.add_service(QuorateConsumer)
    runner.start()
    try:
        assert queues.replay_dead_letters(quorum_config["AMQP_URI"], "quorate", {letter.id}) == 1
        wait_until(lambda: HANDLED == ["returned"], timeout=10)
    finally:
        runner.stop()


def test_looking_at_dead_letters_30_times_on_a_quorum_queue_with_a_delivery_limit_loses_nothing(quorate, quorum_config,
                                                                                               vhost, capsys):
    set_policy(vhost, "four-x-like", r"^quorate\.dead-letters$", {"delivery-limit": 5})
    uri = quorum_config["AMQP_URI"]
    first = publish(quorum_config, "poison", "p1")
    second = publish(quorum_config, "poison", "p2")
    wait_until(lambda: queues.count_dead_letters(uri, "quorate") == 2, timeout=15)
    before = queues.show_dead_letters(uri, "quorate")
    assert [first["event_id"] in before[0].body, second["event_id"] in before[1].body] == [True, True]
    for _ in range(30):
        assert queues.show_dead_letters(uri, "quorate", limit=1)[0] == before[0]
    assert queues.count_dead_letters(uri, "quorate") == 2
    assert queues.show_dead_letters(uri, "quorate") == before  # intact, in order, the same ids
    dead_letters = vhost.peek("quorate.dead-letters", 2)
    # The broker's own count of deliveries handed back: none (the management API's look is the first).
    assert [m["properties"].get("headers", {}).get("x-delivery-count", 0) for m in dead_letters] == [0, 0]
    BROKEN["poison"] = False  # the bug is fixed
    assert queues.replay_dead_letters(uri, "quorate", {before[1].id}) == 1
    wait_until(lambda: HANDLED == ["p2"], timeout=10)
    assert [letter.id for letter in queues.show_dead_letters(uri, "quorate")] == [before[0].id]
    assert queues.discard_dead_letters(uri, "quorate", {before[0].id}) == 1
    assert queues.count_dead_letters(uri, "quorate") == 0


def test_on_rabbitmq_4_dead_letter_queues_get_an_unlimited_delivery_limit_and_3_10_none():
    from services.chassis.policies import policies

    assert policies(["orders"], "4.1.2")["sportello-dead-letters"]["definition"] == {"delivery-limit": -1}
    assert "sportello-dead-letters" not in policies(["orders"], "3.10.8")  # 3.10 refuses -1 and has no default


def test_policies_are_never_set_on_a_broker_that_is_not_amqp_uris(vhost):
    from services.chassis.policies import apply_policies

    # A private node on its own port (the fault suite's) and no RABBITMQ_MANAGEMENT_URL: the API
    # guessed at :15672 is another broker's.
    other = vhost.amqp_uri.replace("127.0.0.1:5672", "127.0.0.1:5999").replace("127.0.0.1/", "127.0.0.1:5999/")
    assert apply_policies(other, ["orders"]) == {}
    assert requests.get(f"{vhost.api}/policies/{vhost.name}", auth=vhost.auth, timeout=10).json() == []
