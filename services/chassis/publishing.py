"""Confirmed publishes with a bound: the outbox relay's and the retry path's way to hand a message over.

nameko's pooled producers wait for the broker's confirm without a limit: over a black-holed
connection (packets dropped, nothing refused) a worker would wait for ever. Here the whole
publish (connecting, declaring, sending, the confirm) has ``timeout`` seconds
(``SPORTELLO_PUBLISH_CONFIRM_TIMEOUT``); past it :class:`PublishTimeout` is raised and the
connection is dropped, never reused: a confirm that arrives late must not be taken for the
next message's.

``mandatory`` publishes ask the broker to return a message no queue is bound for:
:class:`Unroutable` is raised once the broker has confirmed it (returned, then acked), so the
connection stays in step and is kept.
"""
from __future__ import annotations

import logging

import eventlet
from eventlet.semaphore import Semaphore
from kombu import Connection, Producer

log = logging.getLogger(__name__)

DEFAULT_CONFIRM_TIMEOUT = 10.0


class PublishTimeout(OSError):
    """The broker did not confirm within the bound (an OSError: the broker counts as unreachable)."""


class Unroutable(Exception):
    """A mandatory message no queue was bound for: the broker returned it."""


class ConfirmedPublisher:
    """One connection of its own, publisher confirms on, each publish bounded; one publish at a time."""

    def __init__(self, amqp_uri: str, timeout: float = DEFAULT_CONFIRM_TIMEOUT):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.connection: Connection | None = None
        self.producer: Producer | None = None
        self.returned: list = []
        self.lock = Semaphore()

    def publish(self, body, *, exchange, routing_key: str, mandatory: bool = False, declare=(), **options) -> None:
        """Publish persistently and wait for the confirm; raises PublishTimeout, Unroutable or the broker's error."""
        deadline = eventlet.Timeout(self.timeout)
        try:
            with self.lock:  # the deadline runs while waiting for the lock too
                self._publish(body, exchange, routing_key, mandatory, declare, options)
        except eventlet.Timeout as exc:
            if exc is not deadline:
                raise
            self.drop()
            raise PublishTimeout(f"no confirm from the broker within {self.timeout:g}s") from None
        finally:
            deadline.cancel()

    def _publish(self, body, exchange, routing_key, mandatory, declare, options) -> None:
        for attempt in (1, 2):
            fresh = self.producer is None
            try:
                producer = self._producer()
                self.returned.clear()
                producer.publish(body, exchange=exchange, routing_key=routing_key, mandatory=mandatory,
                                 declare=list(declare), delivery_mode=2, retry=False, **options)
            except Unroutable:
                raise
            except Exception:
                self.drop()
                # A kept connection may have died since its last use (a broker restart): one new one.
                if fresh or attempt == 2:
                    raise
                continue
            if self.returned:
                reply_code, reply_text = self.returned[0]
                raise Unroutable(f"{exchange.name if hasattr(exchange, 'name') else exchange} "
                                 f"{routing_key}: {reply_code} {reply_text}")
            return

    def _producer(self) -> Producer:
        if self.producer is None:
            connection = Connection(self.amqp_uri, connect_timeout=self.timeout,
                                    transport_options={"confirm_publish": True})
            connection.connect()
            channel = connection.channel()
            channel.events["basic_return"].add(self._on_return)
            self.connection, self.producer = connection, Producer(channel, serializer="json")
        return self.producer

    def _on_return(self, exc, exchange, routing_key, message) -> None:
        # Called while waiting for the confirm; the broker acks the returned message right after.
        self.returned.append((getattr(exc, "code", ""), str(exc)))

    def drop(self) -> None:
        """Forget the connection without a polite close (which would wait for an answer that may not come)."""
        connection, self.connection, self.producer = self.connection, None, None
        if connection is not None:
            try:
                connection.collect()
            except Exception:
                pass  # a connection already broken has nothing left to release

    def close(self) -> None:
        connection, self.connection, self.producer = self.connection, None, None
        if connection is None:
            return
        try:
            with eventlet.Timeout(self.timeout):
                connection.release()
        except (Exception, eventlet.Timeout):
            try:
                connection.collect()
            except Exception:
                pass
