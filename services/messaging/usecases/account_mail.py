"""The mails of the accounts events: welcome, password reset, invitation (one per event)."""
from __future__ import annotations

from services.chassis.domain import Clock
from services.messaging.adapters.contacts import Contacts
from services.messaging.domain.model import Notification
from services.messaging.usecases.common import add_notification


def queue_welcome(uow, event: dict, clock: Clock) -> Notification:
    # The language the customer registered in is the one their order mails use later.
    Contacts(uow.session).remember_language(event["customer_id"], event.get("language"), clock())
    return _queue(uow, Notification.welcome(event, clock()))


def queue_password_reset(uow, event: dict, clock: Clock) -> Notification:
    return _queue(uow, Notification.password_reset(event, clock()))


def queue_employee_invitation(uow, event: dict, clock: Clock) -> Notification:
    return _queue(uow, Notification.employee_invitation(event, clock()))


def _queue(uow, notification: Notification) -> Notification:
    add_notification(uow.session, notification)
    uow.commit()
    return notification
