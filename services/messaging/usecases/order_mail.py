"""The mails of the orders events: confirmation, shipped / delivered / cancelled, paid, quotes.

Only order_placed carries the customer's address (and no event carries a
language yet): messaging keeps the address of each order it has seen
(``known_orders``) and the language of each customer it knows
(``customer_languages``), and uses them for the later events of the order.
Events travel on different queues, so a status change can overtake its
order's order_placed: it is re-queued (with the consumer's pause) until the
order is known, for at most ``ORDER_WAIT``; an order that never arrives by
then (a lost event) gets no mail rather than blocking the queue for ever.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from services.chassis.domain import Clock
from services.messaging.adapters.contacts import Contacts
from services.messaging.domain import notices
from services.messaging.domain.model import Notification
from services.messaging.usecases.common import add_notification

log = logging.getLogger(__name__)

ORDER_WAIT = timedelta(minutes=10)


class OrderNotKnownYet(Exception):
    """A later event of an order whose order_placed has not been handled yet: try again shortly."""


def queue_order_confirmation(uow, event: dict, settings, clock: Clock) -> Notification | None:
    contacts, now = Contacts(uow.session), clock()
    contacts.remember_order(event["order_number"], event["customer_id"], event.get("email"), now)
    language = event.get("language") or contacts.language(event["customer_id"])
    return _queue(uow, notices.order_confirmation(event, language, settings.public_base_url, now))


def queue_order_status(uow, event: dict, settings, clock: Clock) -> Notification | None:
    if event["status"] not in notices.STATUS_TEMPLATES:
        return _queue(uow, None)  # nothing the customer must hear: handled (the inbox row), no mail
    email, language = _recipient(uow, event, clock)
    return _queue(uow, notices.order_status(event, email, language, settings.public_base_url, clock()))


def queue_order_paid(uow, event: dict, settings, clock: Clock) -> Notification | None:
    email, language = _recipient(uow, event, clock)
    return _queue(uow, notices.order_paid(event, email, language, settings.public_base_url, clock()))


def queue_quote_received(uow, event: dict, settings, clock: Clock) -> Notification | None:
    language = event.get("language") or Contacts(uow.session).language(event["customer_id"])
    return _queue(uow, notices.quote_received(event, language, settings.public_base_url, clock()))


def queue_quote_ready(uow, event: dict, settings, clock: Clock) -> Notification | None:
    language = event.get("language") or Contacts(uow.session).language(event["customer_id"])
    return _queue(uow, notices.quote_ready(event, language, settings.public_base_url, clock()))


def _recipient(uow, event: dict, clock: Clock) -> tuple[str | None, str | None]:
    contacts = Contacts(uow.session)
    language = event.get("language") or contacts.language(event["customer_id"])
    if event.get("email"):
        return event["email"], language
    order = contacts.order(event["order_number"])
    if order is not None:
        return order.email, language
    if clock() - event["occurred_at"] < ORDER_WAIT:
        raise OrderNotKnownYet(f"{event['order_number']} is not known yet; retrying")
    log.warning("no order_placed seen for %s within %s: no mail for its later events",
                event["order_number"], ORDER_WAIT)
    return None, language


def _queue(uow, notification: Notification | None) -> Notification | None:
    add_notification(uow.session, notification)
    uow.commit()  # also when there is no mail: what was remembered, and the inbox row
    return notification
