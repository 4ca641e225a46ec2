"""The accounts service: RPC entrypoints only; each is schema in, one use case, schema out."""
from nameko.dependency_providers import Config

from services.accounts import schemas
from services.accounts.dependencies import Passwords, accounts_database
from services.accounts.domain.policies import RateLimits
from services.accounts.usecases import authentication, company, limits, links, profile, registration, tax_ids
from services.chassis.auth import Caller
from services.chassis.clock import Clock
from services.chassis.idempotency import idempotent
from services.chassis.rpc import rpc
from services.chassis.service import ServiceBase


class AccountsService(ServiceBase):
    name = "accounts"

    db = accounts_database()
    passwords = Passwords()
    clock = Clock()
    caller = Caller()
    config = Config()

    @property
    def rate_limits(self) -> RateLimits:
        return RateLimits.from_config(self.config)

    # -- registration and sessions -------------------------------------------------
    @rpc(sensitive_arguments=("payload.password",))
    @idempotent
    def register(self, payload, client_address=None):
        command = schemas.Registration().load(payload)
        limits.count_registration(self.db, client_address, self.rate_limits, self.clock)
        customer = registration.register_customer(self.db, command, self.passwords, self.clock,
                                                  self.config.get("REQUIRE_RESALE_DECLARATION", False))
        return schemas.Customer().dump(customer)

    @rpc(sensitive_arguments=("payload.password",))
    def login(self, payload):
        command = schemas.Login().load(payload)
        token, session, customer = authentication.login(self.db, command["identifier"], command["password"],
                                                        command["client_address"], self.passwords, self.clock)
        return schemas.LoginResult().dump({"token": token, "expires_at": session.expires_at, "customer": customer})

    @rpc(sensitive_arguments=("token",))
    def authenticate(self, token):
        return vars(authentication.authenticate(self.db, token, self.clock))

    @rpc(sensitive_arguments=("token",))
    @idempotent
    def logout(self, token):
        authentication.logout(self.db, token, self.clock)

    @rpc
    @idempotent
    def request_password_reset(self, payload, client_address=None):
        command = schemas.PasswordResetRequest().load(payload)
        limits.count_reset_request(self.db, command, client_address, self.rate_limits, self.clock)
        authentication.request_password_reset(self.db, command, self.clock)

    @rpc(sensitive_arguments=("payload.token", "payload.password"))
    @idempotent
    def confirm_password_reset(self, payload):
        command = schemas.PasswordResetConfirm().load(payload)
        authentication.confirm_password_reset(self.db, command["token"], command["password"], self.passwords, self.clock)

    @rpc(sensitive_arguments=("payload.token", "payload.password"))
    @idempotent
    def activate(self, payload):
        customer = authentication.activate(self.db, schemas.Activation().load(payload), self.passwords, self.clock)
        return schemas.Customer().dump(customer)

    # -- the caller's own data ------------------------------------------------------
    @rpc
    def get_me(self):
        return schemas.Customer().dump(profile.current_customer(self.db, self.caller.require()))

    @rpc(sensitive_arguments=("payload.current_password", "payload.new_password"))
    @idempotent
    def update_me(self, payload):
        changes = schemas.ProfileChanges().load(payload)
        customer = profile.update_profile(self.db, self.caller.require(), changes, self.passwords, self.clock)
        return schemas.Customer().dump(customer)

    @rpc
    def get_billing(self):
        return schemas.BillingData().dump(profile.get_billing(self.db, self.caller.require()))

    @rpc(sensitive_arguments=("payload.current_password",))
    @idempotent
    def put_billing(self, payload):
        data = schemas.BillingUpdate().load(payload)
        billing = profile.put_billing(self.db, self.caller.require(), data, self.passwords, self.clock)
        return schemas.BillingData().dump(billing)

    @rpc
    def get_privacy(self):
        return schemas.Consents().dump(profile.current_customer(self.db, self.caller.require()))

    @rpc
    @idempotent
    def put_privacy(self, payload):
        customer = profile.set_privacy(self.db, self.caller.require(), schemas.Consents().load(payload), self.clock)
        return schemas.Consents().dump(customer)

    @rpc
    def export_me(self):
        return schemas.Export().dump(profile.export(self.db, self.caller.require()))

    @rpc(sensitive_arguments=("payload.password",))
    @idempotent
    def erase_me(self, payload):
        command = schemas.Erasure().load(payload)
        profile.erase(self.db, self.caller.require(), command["password"], self.passwords, self.clock)

    # -- company representatives ----------------------------------------------------
    @rpc
    def list_employees(self, query=None):
        page = company.list_employees(self.db, self.caller.require(), schemas.EmployeeQuery().load(query or {}))
        return schemas.CustomerPage().dump(page)

    @rpc
    @idempotent
    def invite_employee(self, payload):
        employee = company.invite_employee(self.db, self.caller.require(), schemas.Invitation().load(payload),
                                           self.clock)
        return schemas.Customer().dump(employee)

    @rpc
    @idempotent
    def update_employee(self, employee_id, payload):
        changes = schemas.EmployeeChanges().load(payload)
        employee = company.update_employee(self.db, self.caller.require(), employee_id, changes, self.clock)
        return schemas.Customer().dump(employee)

    # -- the staff desk ------------------------------------------------------------------------
    @rpc
    def staff_find_company(self, tax_id):
        self.caller.require_staff()
        return schemas.StaffCompany().dump(tax_ids.find_company(self.db, tax_id))

    @rpc
    def staff_customer_id(self, customer_number):
        """orders, filtering staff's order list by customer number, asks whose number it is (None: nobody's)."""
        self.caller.require_staff()
        return profile.customer_id_of_number(self.db, customer_number)

    @rpc
    @idempotent
    def staff_release_tax_id(self, company_id):
        staff = self.caller.require_staff("staff_admin")
        return schemas.StaffCompany().dump(tax_ids.release_tax_id(self.db, staff, company_id, self.clock))

    # -- service to service: never behind a gateway route ----------------------------------------
    @rpc
    def internal_issue_link(self, kind, link_id):
        """messaging, about to send a reset or an invitation, asks for its link: a fresh secret, once.

        Not a person's call: one carrying an identity is refused. Who may call it at all is the
        broker's to say (``internal_*`` methods are closed to the gateway; docs/security.md).
        """
        self.caller.refuse_person()
        command = schemas.LinkRequest().load({"kind": kind, "link_id": link_id})
        return schemas.IssuedLink().dump(links.issue_link(self.db, command, self.clock, self.config["PUBLIC_BASE_URL"]))
