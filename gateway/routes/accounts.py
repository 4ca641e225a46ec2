from gateway.http import route
from gateway.schemas.accounts import BillingOnFile
from services.accounts import schemas
from services.chassis.rpc import call


class AccountsRoutes:
    @route("POST", "/api/v1/accounts", body=schemas.Registration, response=schemas.Customer, status=201,
           summary="Register a private or business customer", tags=("accounts",), problem_statuses=(409, 429))
    def register(self, request, body):
        return call(self.accounts, "register", body, client_address=request.remote_addr)

    # -- the caller's own data ------------------------------------------------------
    @route("GET", "/api/v1/me", auth="user", response=schemas.Customer, summary="My profile", tags=("profile",))
    def get_me(self, request):
        return call(self.accounts, "get_me")

    @route("PATCH", "/api/v1/me", auth="user", body=schemas.ProfileChanges, response=schemas.Customer,
           summary="Change my profile (e-mail and password need current_password)", tags=("profile",),
           problem_statuses=(409,))
    def update_me(self, request, body):
        return call(self.accounts, "update_me", body)

    @route("DELETE", "/api/v1/me", auth="customer", body=schemas.Erasure, status=204,
           summary="Delete my account (anonymised; needs my password)", tags=("privacy",))
    def erase_me(self, request, body):
        call(self.accounts, "erase_me", body)
        self.auth.forget()

    @route("GET", "/api/v1/me/billing", auth="customer", response=BillingOnFile,
           summary="My billing data ({} before any was given)", tags=("profile",))
    def get_billing(self, request):
        return call(self.accounts, "get_billing")

    @route("PUT", "/api/v1/me/billing", auth="customer", body=schemas.BillingUpdate, response=schemas.BillingData,
           summary="Set my billing data (needs current_password)", tags=("profile",))
    def put_billing(self, request, body):
        return call(self.accounts, "put_billing", body)

    @route("GET", "/api/v1/me/privacy", auth="customer", response=schemas.Consents,
           summary="My consents", tags=("privacy",))
    def get_privacy(self, request):
        return call(self.accounts, "get_privacy")

    @route("PUT", "/api/v1/me/privacy", auth="customer", body=schemas.Consents, response=schemas.Consents,
           summary="Give or withdraw consents", tags=("privacy",))
    def put_privacy(self, request, body):
        return call(self.accounts, "put_privacy", body)

    @route("GET", "/api/v1/me/export", auth="customer", summary="Everything the shop's accounts hold on me (JSON)",
           tags=("privacy",))
    def export_me(self, request):
        return call(self.accounts, "export_me")

    # -- company representatives ----------------------------------------------------
    @route("GET", "/api/v1/company/employees", auth="customer", query=schemas.EmployeeQuery,
           response=schemas.CustomerPage, summary="My company's representatives (administrators only)",
           tags=("company",))
    def list_employees(self, request, query):
        return call(self.accounts, "list_employees", query)

    @route("POST", "/api/v1/company/employees", auth="customer", body=schemas.Invitation, response=schemas.Customer,
           status=201, summary="Invite a representative (sends an activation e-mail)", tags=("company",),
           problem_statuses=(409,))
    def invite_employee(self, request, body):
        return call(self.accounts, "invite_employee", body)

    @route("PATCH", "/api/v1/company/employees/<employee_id>", auth="customer", body=schemas.EmployeeChanges,
           response=schemas.Customer, summary="Change a representative's role or disable/enable them",
           tags=("company",), problem_statuses=(404, 409))
    def update_employee(self, request, employee_id, body):
        return call(self.accounts, "update_employee", employee_id, body)
