"""Erasure: what messaging holds on a customer goes, the counts stay."""
from __future__ import annotations

from services.chassis.domain import Clock
from services.chassis.idempotency import forget_caller
from services.messaging.adapters.contacts import Contacts
from services.messaging.adapters.repositories import Notifications
from services.messaging.adapters.threads import Threads


def erase_customer(uow, event: dict, clock: Clock) -> int:
    """Anonymise the customer's notifications and threads; returns how many rows were touched.

    Notifications lose address, subject and text; threads lose every message
    text (staff replies too: they answer, and often quote, the customer), the
    subject and the address, and are closed. The remembered language and the
    addresses of past orders go too.
    """
    customer_id, now = event["customer_id"], clock()
    notifications = Notifications(uow.session)
    notifications.remember_erased(customer_id, now)
    rows = notifications.of_customer(customer_id)
    for notification in rows:
        notification.erase()
    threads = Threads(uow.session).of_customer(customer_id)
    for thread in threads:
        thread.erase(now)
    Contacts(uow.session).forget_customer(customer_id)
    forget_caller(uow.session, customer_id)  # answers kept for Idempotency-Key retries quote the threads
    uow.commit()
    return len(rows) + len(threads)
