"""The mails of the returns events: request received, review outcome, receipt, refund, replacement, closed.

One notification (at most) per event: redelivery is stopped before, by the
inbox in ``consume``. Every RMA event carries the address, so unlike the
order mails nothing has to be remembered between events; the language is
the one the customer registered in (no RMA event carries one yet).
"""
from __future__ import annotations

from services.chassis.domain import Clock
from services.messaging.adapters.contacts import Contacts
from services.messaging.domain import rma_notices
from services.messaging.domain.model import Notification
from services.messaging.usecases.common import add_notification


def queue_rma_created(uow, event: dict, settings, clock: Clock) -> Notification | None:
    return _queue(uow, rma_notices.rma_created, event, settings, clock)


def queue_rma_reviewed(uow, event: dict, settings, clock: Clock) -> Notification | None:
    return _queue(uow, rma_notices.rma_reviewed, event, settings, clock)


def queue_rma_received(uow, event: dict, settings, clock: Clock) -> Notification | None:
    return _queue(uow, rma_notices.rma_received, event, settings, clock)


def queue_refund_requested(uow, event: dict, settings, clock: Clock) -> Notification | None:
    return _queue(uow, rma_notices.refund_requested, event, settings, clock)


def queue_replacement_requested(uow, event: dict, settings, clock: Clock) -> Notification | None:
    return _queue(uow, rma_notices.replacement_requested, event, settings, clock)


def queue_rma_closed(uow, event: dict, settings, clock: Clock) -> Notification | None:
    return _queue(uow, rma_notices.rma_closed, event, settings, clock)


def _queue(uow, factory, event: dict, settings, clock: Clock) -> Notification | None:
    language = event.get("language") or Contacts(uow.session).language(event["customer_id"])
    notification = add_notification(uow.session, factory(event, language, settings.public_base_url, clock()))
    uow.commit()  # also without a mail: the inbox row
    return notification
