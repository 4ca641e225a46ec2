"""What several use cases share: adding a notification (erasure-aware), the desk's alerts, pages."""
from __future__ import annotations

from datetime import datetime

from services.messaging.adapters.repositories import Notifications
from services.messaging.domain import notices
from services.messaging.domain.model import Notification
from services.messaging.domain.threads import Alerts, Message, Thread


def add_notification(session, notification: Notification | None) -> Notification | None:
    """Add a notification to the transaction; ``None`` (nobody to tell) adds nothing."""
    if notification is None:
        return None
    repository = Notifications(session)
    if repository.is_erased(notification.customer_id):
        # The erasure overtook this event: keep the count, not the person.
        notification.erase()
    repository.add(notification)
    return notification


def desk_alerts(session, thread: Thread, message: Message, alerts: Alerts, settings, now: datetime) -> None:
    """Turn what the thread decided (who must hear of this message) into notifications."""
    if alerts.staff:
        add_notification(session, notices.customer_wrote(thread, message, settings.staff_email,
                                                         settings.staff_language, settings.public_base_url, now))
    if alerts.customer:
        add_notification(session, notices.reply_waiting(thread, message, settings.public_base_url, now))

