from services.accounts import schemas, usecases
from services.accounts.dependencies import Passwords, accounts_database
from services.chassis.rpc import rpc
from services.chassis.clock import Clock
from services.chassis.service import ServiceBase


class AccountsService(ServiceBase):
    name = "accounts"

    db = accounts_database()
    passwords = Passwords()
    clock = Clock()

    @rpc(sensitive_arguments=("payload.password",))
    def register(self, payload):
        command = schemas.RegisterCustomer().load(payload)
        customer = usecases.register_customer(self.db, command, self.passwords, self.clock)
        return schemas.Customer().dump(customer)
