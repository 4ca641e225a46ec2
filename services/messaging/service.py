from services.chassis.events import consume
from services.chassis.clock import Clock
from services.chassis.service import ServiceBase
from services.messaging import schemas, usecases
from services.messaging.dependencies import messaging_database


class MessagingService(ServiceBase):
    name = "messaging"

    db = messaging_database()
    clock = Clock()

    @consume("accounts", "customer_registered", schemas.CustomerRegistered)
    def handle_customer_registered(self, event):
        usecases.queue_welcome(self.db, event, self.clock)
