"""What happens to an event whose handler fails: retry later, then a dead-letter queue.

nameko alone either acks a failed message (lost) or requeues it at once
(a hot loop). :class:`ReliableEventHandler` instead republishes the message,
with persistent delivery and publisher confirms, to a delay queue of the
next retry level, and acks the original only after that confirm:

* ``<service>.retry.<ms>ms`` queues (each fed by a fanout exchange of the same
  name) hold it for their TTL, then dead-letter it through the service's
  ``<service>.redeliver`` direct exchange back to the handler's own queue (the
  routing key it was published with is the queue's name, and each of the
  service's handler queues is bound there under its name). They are the
  service's own, so that its broker user may publish to them and to nothing of
  another service's (:mod:`services.chassis.broker_identities`); and since only
  the service's own queues are bound to its redeliver exchange, a message it
  puts there cannot reach another service's queue, as it would through the
  default exchange;
* after the last level, or at once for a payload that breaks its schema
  (it can never succeed), it goes to ``<service>.dead-letters`` with the
  error, the attempts and its origin, for an operator to replay or discard
  (``sportello dlq``).

If even the republish fails (broker trouble), the message is requeued after
a pause: never acked-and-dropped, never spinning.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone

import eventlet
from kombu import Exchange, Queue
from marshmallow import ValidationError
from nameko.events import EventHandler

from services.chassis import settle
from services.chassis.config import QUEUE_TYPES, declares_topology
from services.chassis.publishing import DEFAULT_CONFIRM_TIMEOUT, ConfirmedPublisher

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (1, 5, 30, 120, 600)  # seconds; then the dead-letter queue
ATTEMPT_HEADER = "x-sportello-attempt"
DEAD_LETTER_HEADERS = ("x-sportello-queue", "x-sportello-error", "x-sportello-attempts", "x-sportello-failed-at",
                       "x-sportello-dead-letter-id")
REQUEUE_PAUSE_SECONDS = 1.0


def queue_arguments(queue_type: str = "classic") -> dict:
    """What every durable queue Sportello declares carries, wherever it is declared (the operator,
    nameko at consumer start, the retry path): RabbitMQ refuses a redeclaration with other arguments
    (PRECONDITION_FAILED). A classic queue carries none, as it always did, so existing ones stay
    equivalent; delivery limits and dead-lettering are policies (:mod:`services.chassis.policies`)."""
    if queue_type not in QUEUE_TYPES:
        raise ValueError(f"queue type {queue_type!r}: one of {', '.join(QUEUE_TYPES)}")
    return {"x-queue-type": "quorum"} if queue_type == "quorum" else {}


def queue_type_of(config: dict) -> str:
    return config.get("QUEUE_TYPE") or "classic"


def retry_entities(service: str, delay_seconds: float, queue_type: str = "classic") -> tuple[Exchange, Queue]:
    milliseconds = int(delay_seconds * 1000)
    name = f"{service}.retry.{milliseconds}ms"
    exchange = Exchange(name, type="fanout", durable=True, auto_delete=False)
    queue = Queue(name, exchange=exchange, durable=True, auto_delete=False,
                  queue_arguments={"x-message-ttl": milliseconds,
                                   "x-dead-letter-exchange": redelivery_exchange(service).name,
                                   **queue_arguments(queue_type)})
    return exchange, queue


def redelivery_exchange(service: str) -> Exchange:
    """Where a service's retry queues send an expired message: only its own handler queues are bound."""
    return Exchange(f"{service}.redeliver", type="direct", durable=True, auto_delete=False)


def redelivery_binding(service: str, queue_name: str, queue_type: str = "classic") -> Queue:
    """The handler queue ``queue_name`` (declared as nameko does) bound to its service's redeliver exchange."""
    return Queue(queue_name, exchange=redelivery_exchange(service), routing_key=queue_name, durable=True,
                 auto_delete=False, exclusive=False, queue_arguments=queue_arguments(queue_type))


def dead_letter_entities(service: str, queue_type: str = "classic") -> tuple[Exchange, Queue]:
    name = f"{service}.dead-letters"
    exchange = Exchange(name, type="fanout", durable=True, auto_delete=False)
    return exchange, Queue(name, exchange=exchange, durable=True, auto_delete=False,
                           queue_arguments=queue_arguments(queue_type))


def dead_letter_queue(service: str, queue_type: str = "classic") -> Queue:
    return dead_letter_entities(service, queue_type)[1]


def handler_queue_name(source: str, event_type: str, service: str, method: str) -> str:
    return f"evt-{source}-{event_type}--{service}.{method}"


class ReliableEventHandler(EventHandler):
    """A service-pool event handler with durable queues, delayed retries and a dead-letter queue."""

    def __init__(self, source_service, event_type, **kwargs):
        kwargs.setdefault("reliable_delivery", True)
        kwargs["requeue_on_error"] = True  # only used when rerouting itself fails
        super().__init__(source_service, event_type, **kwargs)

    def setup(self):
        super().setup()
        self.queue_type = queue_type_of(self.container.config)
        # The queue nameko declares at consumer start, with the arguments the operator declared it with.
        if not (self.queue.exclusive or self.queue.auto_delete):
            self.queue = Queue(self.queue.name, exchange=self.queue.exchange, routing_key=self.queue.routing_key,
                               durable=True, auto_delete=False, exclusive=False,
                               queue_arguments=queue_arguments(self.queue_type))
        self.publisher = ConfirmedPublisher(
            self.container.config["AMQP_URI"],
            float(self.container.config.get("PUBLISH_CONFIRM_TIMEOUT", DEFAULT_CONFIRM_TIMEOUT)))

    def stop(self):
        super().stop()
        self.publisher.close()

    @property
    def retry_delays(self) -> tuple:
        return tuple(self.container.config.get("EVENT_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            settle.ack(self.queue_consumer, message)
            return result, exc_info
        try:
            self.reroute(message, exc_info[1])
        except Exception:
            log.exception("could not reroute a failed %s message; requeueing it", self.queue.name)
            eventlet.sleep(REQUEUE_PAUSE_SECONDS)
            settle.requeue(self.queue_consumer, message)
        else:
            settle.ack(self.queue_consumer, message)  # only once the copy is confirmed
        return result, exc_info

    def reroute(self, message, error: BaseException) -> None:
        attempt = int(message.headers.get(ATTEMPT_HEADER, 0)) + 1
        delays = self.retry_delays
        headers = {k: v for k, v in message.headers.items() if k != "x-death"}
        if isinstance(error, ValidationError) or getattr(error, "dead_letter_at_once", False) or attempt > len(delays):
            headers.update({
                "x-sportello-queue": self.queue.name,
                "x-sportello-error": f"{type(error).__name__}: {error}"[:1000],
                "x-sportello-attempts": attempt,
                "x-sportello-failed-at": datetime.now(timezone.utc).isoformat(),
                "x-sportello-dead-letter-id": uuid.uuid4().hex,
            })
            exchange, queue = dead_letter_entities(self.container.service_name, self.queue_type)
            self._publish(message, headers, exchange=exchange, routing_key=queue.name, declare=[exchange, queue])
            log.error("%s: dead-lettered after %d attempt(s): %s", self.queue.name, attempt, error)
            return
        service = self.container.service_name
        exchange, queue = retry_entities(service, delays[attempt - 1], self.queue_type)
        headers[ATTEMPT_HEADER] = attempt
        self._publish(message, headers, exchange=exchange, routing_key=self.queue.name,
                      declare=[exchange, queue, redelivery_exchange(service),
                               redelivery_binding(service, self.queue.name, self.queue_type)])
        log.warning("%s: attempt %d failed (%s); retrying in %ss", self.queue.name, attempt, error, delays[attempt - 1])

    def _publish(self, message, headers: dict, exchange, routing_key: str, declare: list) -> None:
        """Confirmed, and bounded (PUBLISH_CONFIRM_TIMEOUT): past it the original is requeued after a pause."""
        if not declares_topology(self.container.config):
            declare = []
        self.publisher.publish(
            message.body, exchange=exchange, routing_key=routing_key, headers=headers,
            content_type=message.content_type, content_encoding=message.content_encoding, declare=declare)
