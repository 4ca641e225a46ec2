#!/usr/bin/env python3
"""A consumer of Sportello events for other teams to copy (kombu and the standard library only).

It plays a mailing-list system that keeps the customers Sportello registers and
forgets the ones who erase their account:

    sportello broker add-consumer crm      # the operator, once: prints crm's AMQP_URI
    python examples/kombu_consumer.py --amqp-uri amqp://crm:SECRET@rabbitmq:5672/ \\
        --queue crm.customers --bind accounts.customer_registered --bind accounts.customer_erased

What to keep when you copy it (docs/consuming-events.md says why):

* Your own broker user and your own durable queue, named after your system
  (``crm.*``: the only names that user may declare and read), bound to
  ``<service>.events`` with the event type as routing key. It collects events
  while you are down. Sportello's own queues are out of your user's reach.
* A quorum queue with a delivery limit and a dead-letter queue: an event your
  handler keeps failing on is set aside after a few tries instead of looping.
* Ack only after your transaction committed; Sportello delivers at least once,
  so remember each handled ``event_id`` in the same transaction as the effect
  and skip an event you have seen.
* Ignore fields you do not know: producers may add fields without a new version.
  A ``schema_version`` you were not written for is set aside, never applied.

``pip install kombu`` is all it needs. The schemas of every event are in docs/asyncapi.yaml.
"""
from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from datetime import datetime, timezone

from kombu import Connection, Exchange, Queue, binding
from kombu.mixins import ConsumerMixin

log = logging.getLogger("kombu_consumer")

DELIVERY_LIMIT = 5  # tries before RabbitMQ moves a failing event to the dead-letter queue
# The schema_version (major) of each event this consumer was written for: a newer one is an
# incompatible change it does not understand, so it is set aside, never applied as if it were old.
UNDERSTOOD_VERSIONS = {"customer_registered": 1, "customer_erased": 1}


def event_exchange(service: str) -> Exchange:
    # Sportello's operator declares the exchanges (`sportello declare-queues`); your broker user
    # (`sportello broker add-consumer NAME`) may not, so never declare them, only bind to them.
    return Exchange(f"{service}.events", type="topic", durable=True, auto_delete=False, no_declare=True)


def consumer_queues(name: str, bindings: list[tuple[str, str]]) -> tuple[Queue, Queue]:
    """Your queue bound to each (service, event type), and where events that keep failing go."""
    # A dead-letter exchange of your own (your user may write to nothing else, the default exchange included).
    dead_letter_exchange = Exchange(f"{name}.dead-letters", type="fanout", durable=True)
    dead_letters = Queue(f"{name}.dead-letters", exchange=dead_letter_exchange, durable=True,
                         queue_arguments={"x-queue-type": "quorum"})
    queue = Queue(
        name,
        bindings=[binding(event_exchange(service), routing_key=event_type) for service, event_type in bindings],
        durable=True,
        queue_arguments={
            "x-queue-type": "quorum",  # replicated on a RabbitMQ cluster, survives a node
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": dead_letter_exchange.name,
        },
    )
    return queue, dead_letters


class MailingList:
    """The consumer's own state: its effect (subscribers) and the events it handled, in one SQLite file."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path)
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS handled_events (event_id TEXT PRIMARY KEY, event_type TEXT, handled_at TEXT);
            CREATE TABLE IF NOT EXISTS subscribers (customer_id TEXT PRIMARY KEY, email TEXT, first_name TEXT,
                                                    language TEXT);
        """)

    def handle(self, event_type: str, event: dict) -> bool:
        """Apply the event once; returns False for a duplicate. Effect and event id commit together."""
        with self.db:  # one transaction: commit on success, roll back on any exception
            try:
                self.db.execute("INSERT INTO handled_events VALUES (?, ?, ?)",
                                (event["event_id"], event_type, datetime.now(timezone.utc).isoformat()))
            except sqlite3.IntegrityError:
                return False  # seen before: the broker redelivered it, or the outbox published it twice
            if event_type == "customer_registered":
                self.db.execute("INSERT OR REPLACE INTO subscribers VALUES (?, ?, ?, ?)",
                                (event["customer_id"], event["email"], event["first_name"],
                                 event.get("language", "en")))
            elif event_type == "customer_erased":
                self.db.execute("DELETE FROM subscribers WHERE customer_id = ?", (event["customer_id"],))
        return True


class EventConsumer(ConsumerMixin):
    def __init__(self, connection: Connection, queue: Queue, state: MailingList, max_messages: int | None = None):
        self.connection = connection
        self.queue = queue
        self.state = state
        self.max_messages = max_messages
        self.settled = 0

    def get_consumers(self, Consumer, channel):
        # prefetch bounds how many unacked events this process holds; run more processes to scale out.
        return [Consumer(queues=[self.queue], callbacks=[self.on_message], accept=["json"], prefetch_count=10)]

    def on_message(self, body, message):
        event_type = message.delivery_info.get("routing_key", "")
        if not isinstance(body, dict) or "event_id" not in body:
            log.error("not a Sportello event, set aside: %r", body)
            message.reject(requeue=False)  # to the dead-letter queue at once: it can never succeed
            return self._settled()
        if not 1 <= int(body.get("schema_version") or 0) <= UNDERSTOOD_VERSIONS.get(event_type, 0):
            log.error("%s schema_version %r is not one this consumer knows, set aside", event_type,
                      body.get("schema_version"))
            message.reject(requeue=False)  # an upgrade of this consumer can replay it from there
            return self._settled()
        try:
            handled = self.state.handle(event_type, body)
        except Exception:
            log.exception("handling %s %s failed; RabbitMQ will redeliver it", event_type, body["event_id"])
            message.requeue()  # counts towards x-delivery-limit, then dead-lettered
            return self._settled()
        message.ack()  # only now: a crash before this line means a redelivery, not a lost event
        report = {"status": "handled" if handled else "duplicate", "event_type": event_type,
                  "exchange": message.delivery_info.get("exchange"), "event": body}
        print(json.dumps(report), flush=True)
        self._settled()

    def _settled(self):
        self.settled += 1
        if self.max_messages is not None and self.settled >= self.max_messages:
            self.should_stop = True


def parse_binding(text: str) -> tuple[str, str]:
    service, _, event_type = text.partition(".")
    if not service or not event_type:
        raise argparse.ArgumentTypeError("give SERVICE.EVENT_TYPE, e.g. accounts.customer_registered "
                                         "(or accounts.# for every accounts event)")
    return service, event_type


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Consume Sportello events into a mailing list.")
    parser.add_argument("--amqp-uri", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--queue", default="example.mailing-list", help="your queue: name it after your system")
    parser.add_argument("--bind", action="append", type=parse_binding, metavar="SERVICE.EVENT_TYPE",
                        help="repeatable (default: accounts.customer_registered and accounts.customer_erased)")
    parser.add_argument("--state", default="mailing-list.sqlite3", help="the SQLite file of this consumer")
    parser.add_argument("--max-messages", type=int, help="stop after settling this many (for tests and scripts)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")

    bindings = args.bind or [("accounts", "customer_registered"), ("accounts", "customer_erased")]
    queue, dead_letters = consumer_queues(args.queue, bindings)
    with Connection(args.amqp_uri, heartbeat=30) as connection:
        channel = connection.channel()
        dead_letters(channel).declare()
        queue(channel).declare()  # the queue and its bindings (the exchanges are Sportello's); idempotent
        log.info("consuming %s from %s", ", ".join(f"{s}.{t}" for s, t in bindings), queue.name)
        consumer = EventConsumer(connection, queue, MailingList(args.state), args.max_messages)
        try:
            consumer.run()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
