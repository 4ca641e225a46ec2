"""Event contracts and the idempotent consumer.

Every event payload is a flat JSON object that carries ``event_id``,
``occurred_at`` and ``schema_version`` beside its own fields; each event type
has a marshmallow schema (subclass of :class:`EventSchema`) used by the
producer before writing the outbox row and by the consumer before handling.
"""
from __future__ import annotations

import functools
import logging
from typing import Callable

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from services.chassis.retry import ReliableEventHandler

log = logging.getLogger(__name__)


class EventRejected(Exception):
    """The consumer checked the event against what it knows and will not apply it, now or ever.

    Raised by a handler (or by :func:`consume` itself for a ``schema_version`` it does not
    understand). :class:`~services.chassis.retry.ReliableEventHandler` sends it to the
    service's dead-letter queue on the first attempt, with ``reason`` in the
    ``x-sportello-error`` header (``sportello dlq show``): a retry would only refuse it again.
    """

    dead_letter_at_once = True  # what ReliableEventHandler.reroute looks for (retry.py cannot import this module)

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)

    def __str__(self) -> str:
        return self.reason


class EventSchema(Schema):
    """The envelope every event payload carries. Subclasses add fields and set ``VERSION``."""

    VERSION = 1

    class Meta:
        # A consumer accepts fields added by a newer producer (additive changes
        # keep the same major version); the producer side still validates.
        unknown = EXCLUDE

    event_id = fields.UUID(required=True)
    occurred_at = fields.AwareDateTime(required=True, format="iso", default_timezone=None)
    schema_version = fields.Integer(required=True)


class PostalAddress(Schema):
    """A postal address on the wire (shipping, returns): the same shape in every service."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    street = fields.String(required=True, validate=validate.Length(min=1, max=200))
    postal_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$", error="ISO 3166 code, e.g. IT."))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))


class Money(Schema):
    """Money on the wire: a decimal string and an ISO 4217 code, never a float."""

    amount = fields.Decimal(required=True, as_string=True, places=2)
    currency = fields.String(required=True, validate=lambda c: len(c) == 3 and c.isalpha() and c.isupper())


class Dumped(fields.Function):
    """A function field whose value (``get(obj)``; None stays None) has the shape of ``schema``.

    Its own class, not a bare ``fields.Function``, so that the OpenAPI document can say which
    shape it is (gateway/openapi_parts.py): a bare function field documents as "anything".
    ``dump``: the value is dumped with ``schema`` (otherwise it already has its shape).
    """

    def __init__(self, schema: type[Schema], get: Callable, *, dump: bool = True, **kwargs):
        self.schema = schema

        def serialize(obj):
            value = get(obj)
            return value if value is None or not dump else schema().dump(value)
        super().__init__(serialize, **kwargs)


class MoneyOf(Dumped):
    """A :class:`Money` read from two attributes of the dumped object (None when the amount is).

    ``places``: the amount with exactly that many decimals; otherwise as ``str(Decimal)`` writes it.
    """

    def __init__(self, amount_attr: str, currency_attr: str = "currency", places: int | None = None, **kwargs):
        def get(obj):
            amount = getattr(obj, amount_attr)
            if amount is None:
                return None
            return {"amount": str(amount) if places is None else f"{amount:.{places}f}",
                    "currency": getattr(obj, currency_attr)}
        super().__init__(Money, get, dump=False, **kwargs)


def check_schema_version(event: dict, schema: type[EventSchema]) -> None:
    """Refuse a payload of a major version this consumer does not know.

    ``schema_version`` is the major version of the contract: producers keep it for additive
    changes (a consumer ignores fields it does not know) and bump it for incompatible ones.
    A consumer whose schema has ``VERSION = n`` understands majors 1 to n; anything else
    (a newer producer, a forgery) would be read with the wrong meaning, so it is not applied.
    """
    version = event["schema_version"]
    if not 1 <= version <= schema.VERSION:
        raise EventRejected(f"schema_version {version} is not understood here "
                            f"({schema.__name__} knows versions 1 to {schema.VERSION})")


def consume(source_service: str, event_type: str, schema: type[EventSchema], db_attr: str = "db",
            confirm: Callable | None = None) -> Callable:
    """Declare an idempotent event handler.

    The handler receives the loaded payload, once its ``schema_version`` is known to be
    one this consumer understands (:func:`check_schema_version`). Before calling it, the
    event's ``event_id`` is looked up in the service's inbox; a duplicate is acked and
    skipped. The inbox row is added to the same transaction the handler commits, so
    "handled" and "its effect" are committed together. Name the method as if it could
    never be renamed: nameko puts it in the queue name.

    ``confirm(service, event)``, when given, checks the event with another service (an RPC)
    before the inbox transaction opens, so that no database connection or lock is held
    while that service answers; its result is the handler's second argument. It raises
    :class:`EventRejected` for an event it cannot confirm, anything else to be retried.
    """

    def decorator(method: Callable) -> Callable:
        handler_name = f"{source_service}.{event_type}:{method.__name__}"

        @functools.wraps(method)
        def handle(self, payload):
            try:
                event = schema().load(payload)
            except ValidationError as exc:
                log.error("malformed %s event: %s", handler_name, exc.messages)
                raise  # ReliableEventHandler sends it to the dead-letter queue: it can never succeed
            check_schema_version(event, schema)  # EventRejected: dead-lettered at once, like a schema error
            uow = getattr(self, db_attr)
            event_id = str(event["event_id"])
            if uow.already_handled(event_id, handler_name):
                log.info("duplicate %s event %s skipped", handler_name, event_id)
                uow.rollback()
                return None
            extra = ()
            if confirm is not None:
                uow.rollback()  # only read so far: give the connection back while another service answers
                extra = (confirm(self, event),)
            uow.mark_handled(event_id, handler_name)  # a duplicate that won meanwhile fails this commit: retried
            log.info("handling %s event %s", handler_name, event_id)
            try:
                return method(self, event, *extra)
            except Exception:
                uow.rollback()
                raise  # ReliableEventHandler retries it later, then dead-letters it (EventRejected: at once)

        return ReliableEventHandler.decorator(source_service, event_type)(handle)

    return decorator
