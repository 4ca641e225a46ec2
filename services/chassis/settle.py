"""Acknowledging a message when the broker may be gone.

nameko lets an error of the broker connection escape from an entrypoint's
``handle_result`` (an ack on a reset socket, a reply published while the broker
restarts). That escapes the worker, and nameko kills the whole container: the
service process exits and stays down. A lost ack or reply is harmless here:

* an unacked event comes back when the consumer reconnects, and the inbox
  (``consume()``) skips what was already handled;
* a lost RPC reply leaves its caller to its bounded wait (504), and the request,
  if the broker hands it out again, is refused as a redelivery (see
  :mod:`services.chassis.rpc`), never run twice.

So these helpers log the loss and let the worker end normally.
"""
from __future__ import annotations

import logging

import amqp.exceptions
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

# The broker cannot be reached: refused, reset, closed, unresolvable (OSError covers socket.error
# and ConnectionError), or kombu/amqp saying so.
BROKER_UNREACHABLE = (OSError, OperationalError, amqp.exceptions.ConnectionError)
BROKER_ERRORS = BROKER_UNREACHABLE + (amqp.exceptions.ChannelError,)


def ack(queue_consumer, message) -> bool:
    return _quietly(queue_consumer.ack_message, "ack", message)


def requeue(queue_consumer, message) -> bool:
    return _quietly(queue_consumer.requeue_message, "requeue", message)


def _quietly(settle_message, verb: str, message) -> bool:
    try:
        settle_message(message)
        return True
    except BROKER_ERRORS as exc:
        log.warning("could not %s a message (%s: %s); the broker hands it out again", verb, type(exc).__name__, exc)
        return False
