"""Messaging commands: one function each, called by the service with a unit of work.

Each event makes exactly one notification; redelivery of the same event is
stopped before this, by the inbox (``consume``). The sender is woken by the
commit itself (``adapters/orm.py``), so a use case only has to commit.
"""
from __future__ import annotations

from services.chassis.domain import Clock
from services.messaging.adapters.repositories import Notifications
from services.messaging.domain.model import Notification


def queue_welcome(uow, event: dict, clock: Clock) -> Notification:
    return _queue(uow, Notification.welcome(event, clock()))


def queue_password_reset(uow, event: dict, clock: Clock) -> Notification:
    return _queue(uow, Notification.password_reset(event, clock()))


def queue_employee_invitation(uow, event: dict, clock: Clock) -> Notification:
    return _queue(uow, Notification.employee_invitation(event, clock()))


def erase_customer(uow, event: dict, clock: Clock) -> int:
    """Anonymise every notification of the customer; returns how many rows were touched."""
    notifications = Notifications(uow.session)
    notifications.remember_erased(event["customer_id"], clock())
    rows = notifications.of_customer(event["customer_id"])
    for notification in rows:
        notification.erase()
    uow.commit()
    return len(rows)


def _queue(uow, notification: Notification) -> Notification:
    notifications = Notifications(uow.session)
    if notifications.is_erased(notification.customer_id):
        # The erasure overtook this event: keep the count, not the person.
        notification.erase()
    notifications.add(notification)
    uow.commit()
    return notification
