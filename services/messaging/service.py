from services.chassis.clock import Clock
from services.chassis.events import consume
from services.chassis.service import ServiceBase
from services.messaging import schemas, usecases
from services.messaging.dependencies import messaging_database


class MessagingService(ServiceBase):
    name = "messaging"

    db = messaging_database()
    clock = Clock()

    # Handler names are part of their queue names: never rename them.
    @consume("accounts", "customer_registered", schemas.CustomerRegistered)
    def handle_customer_registered(self, event):
        usecases.queue_welcome(self.db, event, self.clock)

    @consume("accounts", "password_reset_requested", schemas.PasswordResetRequested)
    def handle_password_reset_requested(self, event):
        usecases.queue_password_reset(self.db, event, self.clock)

    @consume("accounts", "employee_invited", schemas.EmployeeInvited)
    def handle_employee_invited(self, event):
        usecases.queue_employee_invitation(self.db, event, self.clock)

    @consume("accounts", "customer_erased", schemas.CustomerErased)
    def handle_customer_erased(self, event):
        usecases.erase_customer(self.db, event, self.clock)
