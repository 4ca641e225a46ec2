from gateway.http import route
from gateway.schemas import accounts as schemas
from services.chassis.rpc import call


class AccountsRoutes:
    @route("POST", "/api/v1/accounts", body=schemas.Registration, response=schemas.Customer, status=201,
           summary="Register a customer", tags=("accounts",), problem_statuses=(409,))
    def register(self, request, body):
        return call(self.accounts, "register", body)
