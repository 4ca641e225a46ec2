"""Queue topology as operators see it: declaring every consumer queue up front, and the dead letters.

An event published while its consumer has never started would be dropped by
RabbitMQ (no queue bound yet). ``sportello declare-queues`` (run by
``sportello run`` before any service starts, and by deploy/) declares every
handler queue, each service's dead-letter queue and the retry queues, with
exactly the arguments nameko and :mod:`services.chassis.retry` use.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass

import amqp.exceptions
from kombu import Connection, Queue
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import get_rpc_exchange
from nameko.standalone.events import get_event_exchange

from services.chassis.retry import (ATTEMPT_HEADER, DEAD_LETTER_HEADERS, DEFAULT_RETRY_DELAYS, ReliableEventHandler,
                                    dead_letter_entities, handler_queue_name, queue_arguments, redelivery_binding,
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


@functools.lru_cache(maxsize=None)
def consumed_event_types(source: str) -> frozenset[str]:
    """The event types of ``source`` that some Sportello service handles (so has a handler queue for)."""
    from services.chassis.cli import import_service
    from services.chassis.config import SERVICES

    return frozenset(event_type for name in SERVICES for origin, event_type in handled_event_types(import_service(name))
                     if origin == source)


def handler_queues(service_cls, queue_type: str = "classic") -> list[Queue]:
    return [
        Queue(handler_queue_name(handler.source_service, handler.event_type, service_cls.name, method_name),
              exchange=get_event_exchange(handler.source_service, {}), routing_key=handler.event_type, durable=True,
              auto_delete=False, exclusive=False, queue_arguments=queue_arguments(queue_type))
        for method_name, handler in _event_handlers(service_cls)
    ]


def declare_queues(amqp_uri: str, service_classes: list, retry_delays=DEFAULT_RETRY_DELAYS,
                   queue_type: str | None = None) -> list[str]:
    """Declare (idempotently), as the operator, every exchange and every queue the services consume
    from: the services' own broker users may not declare exchanges or shared queues. Returns the
    queue names. ``queue_type``: SPORTELLO_QUEUE_TYPE's when not given."""
    if queue_type is None:
        from services.chassis.config import load_settings

        queue_type = load_settings().queue_type
    declared = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        get_rpc_exchange({})(channel).declare()
        for service_cls in service_classes:
            get_event_exchange(service_cls.name, {})(channel).declare()
        for service_cls in service_classes:
            queues = handler_queues(service_cls, queue_type)
            if not queues:
                continue
            redelivery_exchange(service_cls.name)(channel).declare()
            for queue in queues:
                queue.exchange(channel).declare()
                queue(channel).declare()
                redelivery_binding(service_cls.name, queue.name, queue_type)(channel).declare()
                declared.append(queue.name)
            for delay in retry_delays:
                exchange, queue = retry_entities(service_cls.name, delay, queue_type)
                exchange(channel).declare()
                queue(channel).declare()
                declared.append(queue.name)
            exchange, dlq = dead_letter_entities(service_cls.name, queue_type)
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


# -- dead letters ----------------------------------------------------------------
# Looking at a dead letter never hands a delivery back: on a quorum queue every return (a reject
# with requeue, a channel closed on unacked messages) counts toward its delivery limit, and past
# it the letter is dropped. So each letter taken is settled for good: an identical copy goes back
# to the tail of the dead-letter queue (or to its handler queue, for a replay) with a publisher
# confirm, and only then is the original acked. Taking every letter there is, in order, keeps the
# order. A crash between the copy's confirm and the ack leaves that letter twice (same id):
# replaying both is harmless, handlers deduplicate on event_id.
KEEP, DROP = "keep", "drop"
COPIED_PROPERTIES = ("correlation_id", "message_id", "timestamp", "type", "app_id", "reply_to")
BROKER_HEADERS = ("x-death", "x-delivery-count", "x-first-death-queue", "x-first-death-reason",
                  "x-first-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-last-death-exchange")


def _letter(message) -> DeadLetter:
    headers = dict(message.headers or {})
    body = message.body.decode() if isinstance(message.body, bytes) else str(message.body)
    # A letter the broker dead-lettered itself (a handler queue's delivery limit) has no Sportello
    # headers: its origin and reason are the broker's x-first-death-* headers.
    queue = str(headers.get("x-sportello-queue") or headers.get("x-first-death-queue") or "")
    letter_id = headers.get("x-sportello-dead-letter-id") or "b" + hashlib.sha256(
        f"{queue}\n{message.properties.get('message_id', '')}\n{body}".encode()).hexdigest()[:31]
    error = headers.get("x-sportello-error") or f"dead-lettered by the broker: {headers.get('x-first-death-reason', '?')}"
    return DeadLetter(id=str(letter_id), queue=queue, error=str(error),
                      attempts=int(headers.get("x-sportello-attempts", 0) or 0),
                      failed_at=str(headers.get("x-sportello-failed-at", "")), headers=headers, body=body)


def _settle_each(amqp_uri: str, service: str, decide) -> list[tuple[DeadLetter, str]]:
    """Take every letter now in ``service``'s dead-letter queue, in order, and settle each by
    ``decide(letter)``: KEEP (a copy back at the tail), DROP, or a queue name to send it to.
    Returns each letter taken with what became of it."""
    from services.chassis.config import load_settings
    from services.chassis.publishing import ConfirmedPublisher, Unroutable

    letters = []
    publisher = ConfirmedPublisher(amqp_uri, load_settings().publish_confirm_timeout)
    try:
        with Connection(amqp_uri) as connection:
            queue = dead_letter_entities(service)[1](connection.channel())
            try:
                _, count, _ = queue.queue_declare(passive=True)
            except amqp.exceptions.NotFound:
                return []
            for _ in range(count):
                message = queue.get(no_ack=False)
                if message is None:
                    break
                letter = _letter(message)
                action = decide(letter)
                headers = {k: v for k, v in letter.headers.items() if k != "x-delivery-count"}
                if action not in (KEEP, DROP):
                    try:
                        _copy(publisher, message, _replay_headers(letter.headers), action)
                    except Unroutable:
                        log.error("dead letter %s: its queue %s does not exist; left in place", letter.id, action)
                        action = KEEP
                if action == KEEP:
                    _copy(publisher, message, headers, queue.name)
                message.ack()
                letters.append((letter, action))
    finally:
        publisher.close()
    return letters


def _copy(publisher, message, headers: dict, queue: str) -> None:
    properties = {k: message.properties[k] for k in COPIED_PROPERTIES if message.properties.get(k) is not None}
    publisher.publish(message.body, exchange="", routing_key=queue, mandatory=True, headers=headers,
                      content_type=message.content_type, content_encoding=message.content_encoding, **properties)


def _replay_headers(headers: dict) -> dict:
    return {k: v for k, v in headers.items()
            if k not in DEAD_LETTER_HEADERS and k != ATTEMPT_HEADER and k not in BROKER_HEADERS}


def count_dead_letters(amqp_uri: str, service: str) -> int:
    """How many letters wait (a passive declare: nothing is taken, nothing declared)."""
    with Connection(amqp_uri) as connection:
        try:
            _, count, _ = dead_letter_entities(service)[1](connection.channel()).queue_declare(passive=True)
        except amqp.exceptions.NotFound:
            return 0
        return count


def show_dead_letters(amqp_uri: str, service: str, limit: int = 20) -> list[DeadLetter]:
    return [letter for letter, _ in _settle_each(amqp_uri, service, lambda letter: KEEP)][:limit]


def replay_dead_letters(amqp_uri: str, service: str, ids: set[str] | None = None) -> int:
    """Send dead letters back to the queue they failed in, with a fresh attempt count; returns how many."""
    own_queue = re.compile(rf"^evt-[a-z0-9_]+-[a-z0-9_]+--{re.escape(service)}\.[a-z0-9_]+$")

    def decide(letter):
        if ids is not None and letter.id not in ids:
            return KEEP
        if not own_queue.match(letter.queue):
            # The header names where it goes, and the service's broker user may write this queue:
            # never let it steer the operator's replay into a queue of another service.
            log.error("dead letter %s of %s names queue %r, not one of its handler queues: left in place",
                      letter.id, service, letter.queue)
            return KEEP
        return letter.queue

    return sum(1 for _, action in _settle_each(amqp_uri, service, decide) if action not in (KEEP, DROP))


def discard_dead_letters(amqp_uri: str, service: str, ids: set[str] | None = None) -> int:
    settled = _settle_each(amqp_uri, service, lambda letter: DROP if ids is None or letter.id in ids else KEEP)
    return sum(1 for _, action in settled if action == DROP)


def describe(letter: DeadLetter) -> str:
    return json.dumps({"id": letter.id, "queue": letter.queue, "error": letter.error, "attempts": letter.attempts,
                       "failed_at": letter.failed_at, "body": letter.body}, ensure_ascii=False)
