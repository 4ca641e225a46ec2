"""Scenarios 6 and 7, on the bus, each beside a 200-operation stream that must flow on:
6. order_placed events with a schema_version no consumer understands, published by the operator:
   dead-lettered into messaging.dead-letters, nothing applied (no mail for them);
7. a consumer whose process dies on some events (tests/faults_cluster/crashloop.py, restarted each
   time as an orchestrator would): past the queue's delivery limit each such event is in the
   dead-letter queue (counted there), never dropped; the others it acks."""
import json
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone

from kombu import Connection, Exchange, Queue

from services.chassis.policies import HANDLER_DELIVERY_LIMIT
from services.chassis.queues import show_dead_letters
from tests.faults.stack import ROOT, wait_until
from tests.faults_cluster import evidence
from tests.faults_cluster.crashloop import QUEUE as CRASH_QUEUE
from tests.faults_cluster.stream import run_stream

WRONG_VERSION_EVENTS = 5
CRASHING_ORDERS = 2


def operator_uri(cluster) -> str:
    return cluster.broker.amqp_uri.split(";")[0]


def dead_letters(cluster, service: str) -> Counter:
    """order number -> letters in ``service``'s dead-letter queue (read without consuming any: sportello dlq)."""
    return Counter(json.loads(letter.body).get("order_number")
                   for letter in show_dead_letters(operator_uri(cluster), service, limit=100_000))


def test_wrong_schema_version_is_dead_lettered_nothing_applied_and_the_rest_flows(cluster, shop, staff):
    numbers = {f"ORD-2026-9{n:05d}" for n in range(WRONG_VERSION_EVENTS)}
    before = dead_letters(cluster, "messaging")

    def inject(fault):
        fault.at = time.monotonic()
        with Connection(operator_uri(cluster)) as connection:
            producer = connection.Producer()
            for number in sorted(numbers):
                event = {"event_id": str(uuid.uuid4()), "occurred_at": datetime.now(timezone.utc).isoformat(),
                         "schema_version": 99, "order_number": number, "customer_id": str(uuid.uuid4()),
                         "customer_kind": "private", "email": "wrong-version@example.it",
                         "payment_method": "bank_transfer", "total": {"amount": "1.00", "currency": "EUR"},
                         "lines": []}
                producer.publish(event, exchange="orders.events", routing_key="order_placed", serializer="json",
                                 delivery_mode=2, mandatory=True, retry=True)
        # Over when all are parked, looked at while the stream runs on (sportello dlq show's way: no
        # letter handed back).
        wait_until(lambda: sum((dead_letters(cluster, "messaging") - before).values()) >= WRONG_VERSION_EVENTS,
                   120, interval=0.5, what="the wrong-version events in messaging.dead-letters")
        fault.over = time.monotonic()
        fault.notes.append(f"{WRONG_VERSION_EVENTS} order_placed events with schema_version 99 published")

    result = run_stream(cluster, shop, staff, "6 wrong schema_version on the bus", inject)
    parked_s = result.fault.over - result.fault.at
    found = dead_letters(cluster, "messaging") - before
    outcome = evidence.count("6 wrong schema_version on the bus", "dead letters", WRONG_VERSION_EVENTS, numbers,
                             found, extra=sum(n for key, n in found.items() if key not in numbers),
                             recovery_s=parked_s, notes="recovery = published -> all in messaging.dead-letters (polled "
                             "every 0.5 s); "
                             "mails for them: " + str(sum(evidence.mails(cluster.smtp.maildir,
                                                                         "order_confirmation")[n] for n in numbers)))
    assert (outcome.lost, outcome.duplicated) == (0, 0), outcome
    assert not numbers & set(evidence.mails(cluster.smtp.maildir, "order_confirmation"))  # nothing applied


def test_consumer_crash_looping_past_the_delivery_limit_dead_letters_not_drops(cluster, shop, staff):
    with Connection(operator_uri(cluster)) as connection:  # the drill consumer's queue, as declare-queues makes one
        Queue(CRASH_QUEUE, Exchange("orders.events", type="topic", durable=True, no_declare=True),
              routing_key="order_placed", durable=True, queue_arguments={"x-queue-type": "quorum"})(
            connection.channel()).declare()
    ack_log = cluster.base / "crash-drill-acks.txt"
    ack_log.touch()
    env = {**cluster.env, "AMQP_URI": cluster.broker.amqp_uri, "CRASH_DRILL_ACK_LOG": str(ack_log)}
    supervisor = {"crashes": 0, "other_exits": 0, "stop": False}

    def supervise():  # an orchestrator's restart loop
        while not supervisor["stop"]:
            process = subprocess.Popen([sys.executable, "-m", "tests.faults_cluster.crashloop"], cwd=ROOT, env=env)
            while process.poll() is None and not supervisor["stop"]:
                time.sleep(0.1)
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
            elif process.returncode == 3:
                supervisor["crashes"] += 1
            else:
                supervisor["other_exits"] += 1

    thread = threading.Thread(target=supervise, daemon=True)
    thread.start()
    crash_ops = {70, 140}
    crashed_numbers = set()

    def place(i, auth, name):
        if i in crash_ops:  # order_placed carries the billing invoice_email: the drill consumer dies on it
            order = shop.order(auth, name, billing={"invoice_email": f"crash-{name}@example.it"})
            crashed_numbers.add(order["number"])
            return order
        return shop.order(auth, name)

    before = dead_letters(cluster, "returns")
    try:
        result = run_stream(cluster, shop, staff, "7 consumer crash-looping", inject=None, place=place,
                            fault=_fault_now())
        wait_until(lambda: crashed_numbers <= set(dead_letters(cluster, "returns") - before), 600, interval=2,
                   what="the crashing events in returns.dead-letters")
        parked_at = time.monotonic()
        wait_until(lambda: result.numbers - crashed_numbers <= set(ack_log.read_text().split()), 120, interval=1,
                   what="every other event acked by the drill consumer")
    finally:
        supervisor["stop"] = True
        thread.join(timeout=30)
        depth = cluster.broker.queue_depths().get(CRASH_QUEUE)
        with Connection(operator_uri(cluster)) as connection:  # later scenarios' events must not pile up there
            connection.channel().queue_delete(CRASH_QUEUE)
    found = dead_letters(cluster, "returns") - before
    acked = Counter(ack_log.read_text().split())
    outcomes = [
        evidence.count("7 consumer crash-looping", "dead letters", CRASHING_ORDERS, crashed_numbers, found,
                       extra=sum(n for key, n in found.items() if key not in crashed_numbers),
                       recovery_s=parked_at - result.fault.at,
                       notes=f"{supervisor['crashes']} crashes (delivery limit {HANDLER_DELIVERY_LIMIT}), "
                             f"{supervisor['other_exits']} other exits; "
                             "recovery = stream start -> all in returns.dead-letters"),
        evidence.count("7 consumer crash-looping", "drill consumer acks", 200 - CRASHING_ORDERS,
                       result.numbers - crashed_numbers, acked,
                       extra=sum(acked[n] for n in crashed_numbers), notes="acked once each"),
    ]
    for outcome in outcomes:
        assert (outcome.lost, outcome.duplicated) == (0, 0), outcome
    assert supervisor["crashes"] >= CRASHING_ORDERS * HANDLER_DELIVERY_LIMIT
    assert depth == 0


def _fault_now():
    from tests.faults_cluster.stream import Fault

    now = time.monotonic()
    return Fault(at=now, over=now, notes=[f"{CRASHING_ORDERS} of 200 orders with a crash- e-mail"])
