"""RPC with typed errors and bounded waits.

* :data:`rpc` is nameko's entrypoint, except that a domain error leaves the
  service as its *category* (``Conflict``, ``NotFound``...) so that callers get
  an instance they can map, and a marshmallow ``ValidationError`` leaves as
  ``Invalid`` with the fields at fault.
* :class:`ServiceRpc` is nameko's ``RpcProxy`` whose requests expire after the
  RPC timeout, so a request nobody waits for any more is not run later.
* :func:`call` waits at most that long and raises ``ServiceTimeout`` (504) or
  ``ServiceUnavailable`` (503) instead of hanging. A service with no instance
  consuming its queue is answered 503 at once: its durable queue would
  otherwise hold the request until it expires (:class:`Liveness`).
* RPC requests and replies are transient messages, and replies are published
  without a publisher confirm. nameko's defaults (persistent messages on a
  durable queue, a confirm for every reply) make RabbitMQ write every call to
  its message store and answer every reply with one more frame: about half of
  the broker's CPU per call, for nothing, since a call outlives neither its
  timeout nor a broker restart (its caller has given up by then). Requests
  keep their confirm: with ``mandatory`` it is how an unknown service is told
  apart from a slow one (nameko's UnknownService). Events (outbox relay) are
  not affected: they stay persistent and confirmed.
* A request is run at most once. The broker hands a request out again only
  when the connection of the worker that took it broke before its ack (a
  network fault, a killed process); that worker may have committed, so the
  redelivery is answered 503 without being run: the caller retries, and a
  checkout's Idempotency-Key makes its retry safe. A reply or ack lost to a
  broker outage is logged, never allowed to kill the service
  (:mod:`services.chassis.settle`).
"""
from __future__ import annotations

import socket
import sys
import threading
import time
from typing import Any, Callable

import logging

import amqp.exceptions
import eventlet
import eventlet.event
from kombu import Connection, Exchange, Queue
from kombu.exceptions import OperationalError
from marshmallow import ValidationError
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_SSL_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY, NON_PERSISTENT
from nameko.exceptions import UnknownService, deserialize
from nameko.rpc import RPC_QUEUE_TEMPLATE, ReplyListener, Responder, RpcConsumer, get_rpc_exchange
from nameko.rpc import Rpc as NamekoRpc
from nameko.rpc import RpcProxy

from services.chassis import settle
from services.chassis.config import declares_topology
from services.chassis.errors import DomainError, Invalid, ServiceTimeout, ServiceUnavailable
from services.chassis.retry import queue_arguments, queue_type_of

log = logging.getLogger(__name__)


def _as_wire_error(exc: BaseException) -> BaseException:
    if isinstance(exc, DomainError):
        return exc.as_category()
    if isinstance(exc, ValidationError):
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return Invalid("Some fields are invalid.", fields=messages)
    return exc


class ReplyPublisher(Publisher):
    """Replies: transient, no confirm (see the module docstring)."""

    use_confirms = False
    delivery_mode = NON_PERSISTENT


class ReplyResponder(Responder):
    publisher_cls = ReplyPublisher


def _bound_like(queue: Queue, config: dict, routing_key: str | None = None, arguments: dict | None = None,
                durable: bool | None = None) -> Queue:
    """``queue`` again, bound with ``routing_key`` and with ``arguments`` added; its exchange left
    undeclared where the operator declared it (a service's broker user may not configure ``nameko-rpc``)."""
    exchange = queue.exchange
    if not declares_topology(config):
        exchange = Exchange(exchange.name, type=exchange.type, durable=exchange.durable, no_declare=True)
    return Queue(queue.name, exchange=exchange, routing_key=routing_key or queue.routing_key,
                 durable=queue.durable if durable is None else durable,
                 queue_arguments={**(queue.queue_arguments or {}), **(arguments or {})})


class RoleReplyListener(ReplyListener):
    """Replies come back under ``<caller>.reply.<uuid>``, not nameko's bare uuid: the caller's broker
    user alone may bind that prefix (:mod:`services.chassis.broker_identities`), so a service that
    learns the key from a request it serves cannot bind a queue to it and read the caller's replies."""

    def setup(self):
        super().setup()
        self.routing_key = f"{self.container.service_name}.reply.{self.routing_key}"
        # One process's replies, expiring with it: classic even where the broker's default type is quorum,
        # and transient (nameko makes it durable): on a cluster a durable queue whose node died answers
        # 404 "home node is down" to every redeclare on another node, so the process never gets
        # replies again; a transient one goes with its node and is declared anew where it reconnects.
        # A reply in flight at that moment is lost; the caller's wait is bounded and its retry safe.
        classic = {"x-queue-type": "classic"} if queue_type_of(self.container.config) == "quorum" else {}
        self.queue = _bound_like(self.queue, self.container.config, self.routing_key, classic, durable=False)


class TransientRpcConsumer(RpcConsumer):
    """nameko's RpcConsumer, answering through :class:`ReplyResponder`."""

    def setup(self):
        super().setup()
        # rpc-<service> is durable and shared by the service's instances: SPORTELLO_QUEUE_TYPE's type.
        self.queue = _bound_like(self.queue, self.container.config,
                                 arguments=queue_arguments(queue_type_of(self.container.config)))

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = ReplyResponder(config["AMQP_URI"], get_rpc_exchange(config), config.get("serializer", "json"),
                                   message, ssl=config.get(AMQP_SSL_CONFIG_KEY),
                                   login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except settle.BROKER_ERRORS as exc:
            log.warning("reply to %s lost (%s: %s); the caller's wait is bounded",
                        message.properties.get("reply_to"), type(exc).__name__, exc)
            return result, exc_info
        settle.ack(self.queue_consumer, message)
        return result, exc_info


class Rpc(NamekoRpc):
    rpc_consumer = TransientRpcConsumer()

    def __init__(self, expected_exceptions=(DomainError, ValidationError), **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_message(self, body, message):
        if message.delivery_info.get("redelivered"):
            log.warning("refused a redelivered %s request (it may have run already)", self.method_name)
            refusal = ServiceUnavailable("The request was interrupted; send it again.",
                                         extra={"service": self.container.service_name})
            self.rpc_consumer.handle_result(message, None, (type(refusal), refusal, None))
            return
        super().handle_message(body, message)

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is not None:
            wire = _as_wire_error(exc_info[1])
            if wire is not exc_info[1]:
                exc_info = (type(wire), wire, exc_info[2])
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = Rpc.decorator


class ServiceRpc(RpcProxy):
    """An RpcProxy whose request messages expire with the caller's patience."""

    rpc_reply_listener = RoleReplyListener()

    def setup(self) -> None:
        for option, value in request_options(self.container.config).items():
            self.options.setdefault(option, value)
        super().setup()


def request_options(config: dict) -> dict:
    """How every RPC request is published: expiring with the caller's patience, transient (see the module
    docstring). Also for a proxy made outside a worker (``ServiceProxy(worker_ctx, ..., **request_options)``)."""
    return {"expiration": config.get("RPC_TIMEOUT", 10), "delivery_mode": NON_PERSISTENT}


class Liveness:
    """How many instances consume a service's RPC queue, asked of the broker at most once a second.

    A stopped service leaves its durable ``rpc-<service>`` queue behind, so a request to it is
    routable and would wait there for the whole RPC timeout. With no consumer on the queue the
    caller answers 503 at once, and within a second of the service's return it calls it again.
    """

    def __init__(self, ttl: float = 1.0, ask_timeout: float = 2.0):
        self.ttl = ttl
        self.ask_timeout = ask_timeout
        self.seen: dict[tuple[str, str], tuple[float, int]] = {}
        # One connection of its own per broker, used by one greenthread at a time: kombu
        # connections are not safe to share, and a pooled one may be dead after a broker restart.
        self.connections: dict[str, Connection] = {}
        self.lock = threading.Lock()

    def consumers(self, amqp_uri: str, service: str) -> int | None:
        """The consumer count, or None when the broker cannot tell (the call then finds out itself)."""
        key, now = (amqp_uri, service), time.monotonic()
        cached = self.seen.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        if not self.lock.acquire(blocking=False):
            return cached[1] if cached is not None else None  # another greenthread is asking right now
        try:
            count = self._ask(amqp_uri, service)
        finally:
            self.lock.release()
        if count is not None:
            self.seen[key] = (now, count)
        else:
            self.seen.pop(key, None)
        return count

    def _ask(self, amqp_uri: str, service: str) -> int | None:
        connection = self.connections.get(amqp_uri)
        if connection is None:
            connection = self.connections[amqp_uri] = Connection(amqp_uri, connect_timeout=2)
        # Bounded: a broker that accepted the connection but does not answer (booting, blocked,
        # a half-open socket) must not hold this caller, nor the one-asker lock, for ever.
        try:
            with eventlet.Timeout(self.ask_timeout):
                channel = connection.channel()
                try:
                    _, _, count = channel.queue_declare(queue=RPC_QUEUE_TEMPLATE.format(service), passive=True)
                except amqp.exceptions.NotFound:
                    return 0  # never started: the request would be unroutable anyway (the channel is closed)
                channel.close()
                return count
        except (Exception, eventlet.Timeout) as exc:  # whatever the broker did, the call itself will tell
            log.info("could not ask the broker about %s (%s: %s)", service, type(exc).__name__, exc)
            self.connections.pop(amqp_uri, None)
            try:
                # Dropped, not closed: a polite AMQP close waits for the broker's answer, which
                # is the very thing that did not come.
                connection.collect()
            except Exception:
                pass
            return None


LIVENESS = Liveness()


def in_background(function: Callable[[], Any]) -> eventlet.event.Event:
    """Start ``function`` (e.g. an RPC that the next one does not depend on) beside the caller.

    ``.wait()`` on the returned event gives its result or raises its error. Errors are handed
    over, not raised in the greenthread, which would print them as crashes even when caught.
    """
    done = eventlet.event.Event()

    def run():
        try:
            result = function()
        except Exception as exc:
            done.send_exception(exc)
        else:
            done.send(result)

    eventlet.spawn_n(run)
    return done


def call(proxy, method: str, *args: Any, timeout: float | None = None, secret_reply: bool = False,
         **kwargs: Any) -> Any:
    """Call ``proxy.method(*args, **kwargs)`` and wait at most ``timeout`` seconds.

    ``secret_reply``: the reply holds a secret (a link that opens an account), so it is read
    without nameko's ``RpcReply.result``, which logs every reply whole at DEBUG.
    """
    service = proxy.service_name
    config = proxy.worker_ctx.container.config
    if timeout is None:
        timeout = config.get("RPC_TIMEOUT", 10)
    if LIVENESS.consumers(config["AMQP_URI"], service) == 0:
        raise ServiceUnavailable(f"{service} is not running.", extra={"service": service})
    deadline = eventlet.Timeout(timeout)
    try:
        reply = getattr(proxy, method).call_async(*args, **kwargs)
        return _unlogged_result(reply) if secret_reply else reply.result()
    except eventlet.Timeout as exc:
        if exc is not deadline:
            raise
        raise ServiceTimeout(f"{service} did not answer within {timeout:g}s.", extra={"service": service}) from None
    except UnknownService:
        raise ServiceUnavailable(f"{service} is not running.", extra={"service": service}) from None
    except (OperationalError, socket.error, ConnectionError) as exc:
        raise ServiceUnavailable(
            "The message broker is not reachable.", extra={"service": service}
        ).with_traceback(sys.exc_info()[2]) from exc
    finally:
        deadline.cancel()


def _unlogged_result(reply) -> Any:
    """What ``nameko.rpc.RpcReply.result`` does, without its DEBUG line of the whole reply."""
    body = reply.reply_event.wait()
    if body.get("error"):
        raise deserialize(body["error"])
    return body["result"]
