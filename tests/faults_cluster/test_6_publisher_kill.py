"""Scenario 9: a publisher killed between the broker's confirm and marking its outbox rows sent.

No timing from outside can hit that moment, so orders-1 is started again mid-stream with the outbox
relay's drill hook (SPORTELLO_DRILL_KILL_AFTER_CONFIRM, services/chassis/outbox.py): its first pass
that has rows confirmed writes their event ids to a file and SIGKILLs the process before the
mark-sent commit. The orchestrator (this test) starts it again. The rows' lease runs out and they are
published a second time: a queue of the test's own bound to orders.events (every routing key) must
hold each of those events twice, by message id (= event_id), and yet the consumers' effects stay
one per order (mails, order lists): they dedupe on event_id.
"""
import time
from collections import Counter

from kombu import Connection, Exchange, Queue

from tests.faults.stack import wait_until
from tests.faults_cluster.stream import run_stream

VICTIM = "orders-1"
TAP = "drill-orders-events-tap"


def test_publisher_killed_after_confirm_before_mark_sent_republishes_and_consumers_dedupe(cluster, shop, staff):
    operator = cluster.broker.amqp_uri.split(";")[0]
    with Connection(operator) as connection:
        Queue(TAP, Exchange("orders.events", type="topic", durable=True, no_declare=True), routing_key="#",
              durable=True)(connection.channel()).declare()
    flag = cluster.base / "drill-kill-after-confirm.ids"
    victim = cluster.processes[VICTIM]
    original = victim.env

    def inject(fault):
        victim.terminate()
        victim.env = {**original, "SPORTELLO_DRILL_KILL_AFTER_CONFIRM": str(flag)}
        victim.start()
        wait_until(lambda: not victim.running, 120, interval=0.05, what=f"{VICTIM} killing itself after a confirm")
        fault.at = time.monotonic()
        returncode = victim.process.returncode
        victim.env = original
        victim.start()  # as an orchestrator would, at once
        fault.over = time.monotonic()
        fault.notes.append(f"{VICTIM} exit {returncode} after the confirm of {len(flag.read_text().split())} "
                           "rows, before marking them sent; started again at once")

    try:
        result = run_stream(cluster, shop, staff, "9 SIGKILL after confirm, before mark-sent", inject)
        assert victim.process.returncode is None and victim.running
        drilled = flag.read_text().split()
        published = _drain(operator)
    finally:
        with Connection(operator) as connection:
            connection.channel().queue_delete(TAP)
    twice = [event_id for event_id in drilled if published[event_id] >= 2]
    note = (f"{len(twice)} of {len(drilled)} rows confirmed before the kill were published again "
            f"(tap queue: {sum(published[e] for e in drilled)} copies); consumers' effects once each")
    result.outcomes[0].notes = f"{note}; {result.outcomes[0].notes}"
    assert drilled and twice == drilled, (drilled, {e: published[e] for e in drilled})


def _drain(uri: str) -> Counter:
    """message id -> copies in the tap queue (taken and acked: the queue is deleted after)."""
    found = Counter()
    with Connection(uri) as connection:
        channel = connection.channel()
        while (message := channel.basic_get(TAP)) is not None:
            found[message.properties.get("message_id")] += 1
            channel.basic_ack(message.delivery_tag)
    return found
