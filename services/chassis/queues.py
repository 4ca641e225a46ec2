"""Queue topology as operators see it: declaring every consumer queue up front, and the dead letters.

An event published while its consumer has never started would be dropped by
RabbitMQ (no queue bound yet). ``sportello declare-queues`` (run by
``sportello run`` before any service starts, and by deploy/) declares every
handler queue, each service's dead-letter queue and the retry queues, with
exactly the arguments nameko and :mod:`services.chassis.retry` use.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from kombu import Connection, Queue
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import get_rpc_exchange
from nameko.standalone.events import get_event_exchange

from services.chassis.retry import (ATTEMPT_HEADER, DEAD_LETTER_HEADERS, DEFAULT_RETRY_DELAYS, ReliableEventHandler,
                                    dead_letter_entities, dead_letter_queue, handler_queue_name, redelivery_binding,
                                    redelivery_exchange, retry_entities)

log = logging.getLogger(__name__)


def _event_handlers(service_cls):
    for method_name in dir(service_cls):
        for extension in getattr(getattr(service_cls, method_name), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(extension, ReliableEventHandler):
                yield method_name, extension


def handled_event_types(service_cls) -> list[tuple[str, str]]:
    """(source service, event type) of every event handler of ``service_cls``."""
    return [(handler.source_service, handler.event_type) for _, handler in _event_handlers(service_cls)]


def handler_queues(service_cls) -> list[Queue]:
    return [
        Queue(handler_queue_name(handler.source_service, handler.event_type, service_cls.name, method_name),
              exchange=get_event_exchange(handler.source_service, {}), routing_key=handler.event_type, durable=True,
              auto_delete=False, exclusive=False)
        for method_name, handler in _event_handlers(service_cls)
    ]


def declare_queues(amqp_uri: str, service_classes: list, retry_delays=DEFAULT_RETRY_DELAYS) -> list[str]:
    """Declare (idempotently), as the operator, every exchange and every queue the services consume
    from: the services' own broker users may not declare exchanges or shared queues. Returns the
    queue names."""
    declared = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        get_rpc_exchange({})(channel).declare()
        for service_cls in service_classes:
            get_event_exchange(service_cls.name, {})(channel).declare()
        for service_cls in service_classes:
            queues = handler_queues(service_cls)
            if not queues:
                continue
            redelivery_exchange(service_cls.name)(channel).declare()
            for queue in queues:
                queue.exchange(channel).declare()
                queue(channel).declare()
                redelivery_binding(service_cls.name, queue.name)(channel).declare()
                declared.append(queue.name)
            for delay in retry_delays:
                exchange, queue = retry_entities(service_cls.name, delay)
                exchange(channel).declare()
                queue(channel).declare()
                declared.append(queue.name)
            exchange, dlq = dead_letter_entities(service_cls.name)
            exchange(channel).declare()
            dlq(channel).declare()
            declared.append(dlq.name)
    return declared


@dataclass
class DeadLetter:
    id: str
    queue: str
    error: str
    attempts: int
    failed_at: str
    headers: dict
    body: str


def _dead_letters(channel, service: str, limit: int | None = None):
    """Take messages off the dead-letter queue unacknowledged; unacked ones return when the channel closes."""
    queue = dead_letter_queue(service)(channel)
    _, count, _ = queue.queue_declare(passive=False)
    for _ in range(count if limit is None else min(limit, count)):
        message = queue.get(no_ack=False)
        if message is None:
            break
        headers = dict(message.headers or {})
        yield message, DeadLetter(
            id=str(headers.get("x-sportello-dead-letter-id", "")), queue=str(headers.get("x-sportello-queue", "")),
            error=str(headers.get("x-sportello-error", "")), attempts=int(headers.get("x-sportello-attempts", 0)),
            failed_at=str(headers.get("x-sportello-failed-at", "")), headers=headers,
            body=message.body.decode() if isinstance(message.body, bytes) else str(message.body))


def count_dead_letters(amqp_uri: str, service: str) -> int:
    with Connection(amqp_uri) as connection:
        _, count, _ = dead_letter_queue(service)(connection.channel()).queue_declare(passive=False)
        return count


def show_dead_letters(amqp_uri: str, service: str, limit: int = 20) -> list[DeadLetter]:
    with Connection(amqp_uri) as connection:
        return [letter for _, letter in _dead_letters(connection.channel(), service, limit)]


def replay_dead_letters(amqp_uri: str, service: str, ids: set[str] | None = None) -> int:
    """Send dead letters back to the queue they failed in, with a fresh attempt count; returns how many."""
    replayed = 0
    own_queue = re.compile(rf"^evt-[a-z0-9_]+-[a-z0-9_]+--{re.escape(service)}\.[a-z0-9_]+$")
    # Confirmed publishes: a dead letter is acked only once the broker holds its copy.
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        producer = connection.Producer(channel=channel)
        for message, letter in list(_dead_letters(channel, service)):
            if ids is not None and letter.id not in ids:
                continue
            if not own_queue.match(letter.queue):
                # The header names where it goes, and the service's broker user may write this queue:
                # never let it steer the operator's replay into a queue of another service.
                log.error("dead letter %s of %s names queue %r, not one of its handler queues: left in place",
                          letter.id, service, letter.queue)
                continue
            headers = {k: v for k, v in letter.headers.items()
                       if k not in DEAD_LETTER_HEADERS and k not in (ATTEMPT_HEADER, "x-death")}
            producer.publish(message.body, exchange="", routing_key=letter.queue, headers=headers,
                             content_type=message.content_type, content_encoding=message.content_encoding,
                             delivery_mode=2)
            message.ack()
            replayed += 1
    return replayed


def discard_dead_letters(amqp_uri: str, service: str, ids: set[str] | None = None) -> int:
    discarded = 0
    with Connection(amqp_uri) as connection:
        for message, letter in list(_dead_letters(connection.channel(), service)):
            if ids is None or letter.id in ids:
                message.ack()
                discarded += 1
    return discarded


def describe(letter: DeadLetter) -> str:
    return json.dumps({"id": letter.id, "queue": letter.queue, "error": letter.error, "attempts": letter.attempts,
                       "failed_at": letter.failed_at, "body": letter.body}, ensure_ascii=False)
