from services.chassis.domain import Clock
from services.messaging.domain.model import Notification


def queue_welcome(uow, event: dict, clock: Clock) -> Notification:
    notification = Notification.welcome(event, clock())
    uow.session.add(notification)
    uow.commit()
    return notification
