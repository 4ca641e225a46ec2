"""The mails of the orders events: confirmation, shipped / delivered / cancelled, paid, quotes.

Only order_placed carries the customer's address (and no event carries a
language yet): messaging keeps the address of each order it has seen
(``known_orders``) and the language of each customer it knows
(``customer_languages``), and uses them for the later events of the order.
Events travel on different queues, so a status change or a payment can
overtake its order's order_placed, by any time after an outage. Its mail is
rendered and stored waiting for the order (``WAITING_FOR_ORDER``, no address
yet); handling order_placed addresses the waiting mails right after the
confirmation, in the order their events came, so the customer reads them in
order. Nothing is dropped for being late (REVIEW R7).

Two replicas can handle order_placed and a later event of the order at the
same moment, each in a transaction that cannot see the other's: the status
event reads the order as unknown, order_placed looks for waiting mails before
the status event's one is committed. So each side looks once more after its
commit (:func:`_address_waiting`): whichever commits second sees the other's
commit, and the mail is addressed.
"""
from __future__ import annotations

from datetime import timedelta

from services.chassis.domain import Clock
from services.messaging.adapters.contacts import Contacts
from services.messaging.adapters.repositories import Notifications
from services.messaging.domain import notices
from services.messaging.domain.model import Notification
from services.messaging.usecases.common import add_notification

# Rendered for a mail that waits for its order; Notification.wait_for_order clears it.
_ADDRESS_NOT_KNOWN_YET = "waiting-for-order.invalid"


def queue_order_confirmation(uow, event: dict, settings, clock: Clock) -> Notification | None:
    contacts, now = Contacts(uow.session), clock()
    first_time = contacts.order(event["order_number"]) is None
    contacts.remember_order(event["order_number"], event["customer_id"], event.get("email"), now)
    language = event.get("language") or contacts.language(event["customer_id"])
    confirmation = add_notification(uow.session, notices.order_confirmation(event, language,
                                                                            settings.public_base_url, now))
    if first_time:
        _address_to_order(uow, event["order_number"], now)
    uow.commit()
    if first_time:
        _address_waiting(uow, event["order_number"], now)  # one stored meanwhile by another replica
    return confirmation


def _address_to_order(uow, order_number: str, now) -> bool:
    order = Contacts(uow.session).order(order_number)
    if order is None:
        return False
    # Microseconds after the confirmation: the sender takes mails in created_at order.
    waiting = Notifications(uow.session).waiting_for(order_number)
    for position, notification in enumerate(waiting, 1):
        notification.address_to(order.email, now + timedelta(microseconds=position))
    return bool(waiting)


def _address_waiting(uow, order_number: str, now) -> None:
    """After a commit: address the mails of this order that wait, if the order is known by now."""
    if _address_to_order(uow, order_number, now):
        uow.commit()


def queue_order_status(uow, event: dict, settings, clock: Clock) -> Notification | None:
    if event["status"] not in notices.STATUS_TEMPLATES:
        return _queue(uow, None)  # nothing the customer must hear: handled (the inbox row), no mail
    email, language, known = _recipient(uow, event)
    notification = notices.order_status(event, email, language, settings.public_base_url, clock())
    return _queue(uow, notification, None if known else event, clock)


def queue_order_paid(uow, event: dict, settings, clock: Clock) -> Notification | None:
    email, language, known = _recipient(uow, event)
    notification = notices.order_paid(event, email, language, settings.public_base_url, clock())
    return _queue(uow, notification, None if known else event, clock)


def queue_quote_received(uow, event: dict, settings, clock: Clock) -> Notification | None:
    language = event.get("language") or Contacts(uow.session).language(event["customer_id"])
    return _queue(uow, notices.quote_received(event, language, settings.public_base_url, clock()))


def queue_quote_ready(uow, event: dict, settings, clock: Clock) -> Notification | None:
    language = event.get("language") or Contacts(uow.session).language(event["customer_id"])
    return _queue(uow, notices.quote_ready(event, language, settings.public_base_url, clock()))


def _recipient(uow, event: dict) -> tuple[str | None, str | None, bool]:
    """(address, language, whether the order is known): the event's address wins, then the order's."""
    contacts = Contacts(uow.session)
    language = event.get("language") or contacts.language(event["customer_id"])
    if event.get("email"):
        return event["email"], language, True
    order = contacts.order(event["order_number"])
    if order is not None:
        return order.email, language, True
    return _ADDRESS_NOT_KNOWN_YET, language, False


def _queue(uow, notification: Notification | None, waits_for_order: dict | None = None,
           clock: Clock | None = None) -> Notification | None:
    """``waits_for_order``: the event, when its order is not known yet (then ``clock`` too)."""
    if notification is not None and waits_for_order is not None:
        notification.wait_for_order(waits_for_order["order_number"], waits_for_order["occurred_at"])
    add_notification(uow.session, notification)
    uow.commit()  # also when there is no mail: what was remembered, and the inbox row
    if notification is not None and waits_for_order is not None:
        _address_waiting(uow, waits_for_order["order_number"], clock())  # its order placed meanwhile?
    return notification
