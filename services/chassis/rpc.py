"""RPC with typed errors and bounded waits.

* :data:`rpc` is nameko's entrypoint, except that a domain error leaves the
  service as its *category* (``Conflict``, ``NotFound``...) so that callers get
  an instance they can map, and a marshmallow ``ValidationError`` leaves as
  ``Invalid`` with the fields at fault.
* :class:`ServiceRpc` is nameko's ``RpcProxy`` whose requests expire after the
  RPC timeout, so a request nobody waits for any more is not run later.
* :func:`call` waits at most that long and raises ``ServiceTimeout`` (504) or
  ``ServiceUnavailable`` (503) instead of hanging.
"""
from __future__ import annotations

import socket
import sys
from typing import Any

import eventlet
from kombu.exceptions import OperationalError
from marshmallow import ValidationError
from nameko.exceptions import UnknownService
from nameko.rpc import Rpc as NamekoRpc
from nameko.rpc import RpcProxy

from services.chassis.errors import DomainError, Invalid, ServiceTimeout, ServiceUnavailable


def _as_wire_error(exc: BaseException) -> BaseException:
    if isinstance(exc, DomainError):
        return exc.as_category()
    if isinstance(exc, ValidationError):
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return Invalid("Some fields are invalid.", fields=messages)
    return exc


class Rpc(NamekoRpc):
    def __init__(self, expected_exceptions=(DomainError, ValidationError), **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is not None:
            wire = _as_wire_error(exc_info[1])
            if wire is not exc_info[1]:
                exc_info = (type(wire), wire, exc_info[2])
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = Rpc.decorator


class ServiceRpc(RpcProxy):
    """An RpcProxy whose request messages expire with the caller's patience."""

    def setup(self) -> None:
        timeout = self.container.config.get("RPC_TIMEOUT", 10)
        self.options.setdefault("expiration", timeout)
        super().setup()


def call(proxy, method: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
    """Call ``proxy.method(*args, **kwargs)`` and wait at most ``timeout`` seconds."""
    service = proxy.service_name
    if timeout is None:
        timeout = proxy.worker_ctx.container.config.get("RPC_TIMEOUT", 10)
    deadline = eventlet.Timeout(timeout)
    try:
        return getattr(proxy, method).call_async(*args, **kwargs).result()
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
