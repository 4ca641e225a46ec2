"""Correlation ids in every log line.

The gateway accepts or makes an ``X-Request-ID`` and puts it in the worker
context as ``request_id``; nameko copies context data into the headers of
every RPC call and event it sends (and the outbox stores it with the row), so
each service that works on a request logs the same id.
"""
from __future__ import annotations

import logging
import threading
import uuid

from nameko.extensions import DependencyProvider

from services.chassis.redaction import RedactSecrets

# Under eventlet's monkey patching, threading.local is greenthread-local,
# and each nameko worker runs in its own greenthread.
_current = threading.local()


def current_request_id() -> str:
    return getattr(_current, "request_id", None) or "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class RequestContext(DependencyProvider):
    """Binds the worker's ``request_id`` to its greenthread for logging."""

    def worker_setup(self, worker_ctx) -> None:
        request_id = worker_ctx.data.get("request_id")
        if not request_id:
            # An event or timer with no originating request still gets one,
            # and passes it on to whatever it calls.
            request_id = uuid.uuid4().hex
            worker_ctx.data["request_id"] = request_id
        _current.request_id = request_id

    def worker_teardown(self, worker_ctx) -> None:
        _current.request_id = None


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactSecrets())  # no token or password in any line, whoever logs it
    handler.setFormatter(
        logging.Formatter(
            f"%(asctime)s %(levelname)s {service} [%(request_id)s] %(name)s: %(message)s"
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # kombu/amqp are chatty at INFO on reconnects; keep their warnings.
    logging.getLogger("amqp").setLevel(logging.WARNING)
