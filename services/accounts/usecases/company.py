"""A company's administrator manages its representatives."""
from __future__ import annotations

from services.accounts.adapters.repositories import Companies, Customers, OneTimeTokens, Sessions
from services.accounts.domain import policies
from services.accounts.domain.errors import AccountNotCreated, EmployeeNotFound, NotCompanyAdmin
from services.accounts.domain.model import Customer, OneTimeToken
from services.accounts.usecases.profile import current_customer
from services.accounts.usecases.registration import check_email
from services.chassis.auth import Identity


def company_admin(uow, caller: Identity) -> Customer:
    admin = current_customer(uow, caller)
    if not admin.is_company_admin:
        raise NotCompanyAdmin("Ask your company's administrator.")
    return admin


def list_employees(uow, caller: Identity, query: dict) -> dict:
    admin = company_admin(uow, caller)
    return Customers(uow.session).page_of_company(admin.company_id, query)


def invite_employee(uow, caller: Identity, command: dict, clock) -> Customer:
    """The invitation's link gets its secret when messaging sends the mail (usecases/links.py)."""
    admin = company_admin(uow, caller)
    customers = Customers(uow.session)
    check_email(command["email"])
    if customers.email_taken(command["email"]):
        raise AccountNotCreated("This e-mail address cannot be invited.", fields={"email": ["Cannot be used."]})
    now = clock()
    invitation = OneTimeToken("activation", "", now, policies.ACTIVATION_TOKEN_LIFETIME)
    employee = Customer.invite(
        company=Companies(uow.session).get(admin.company_id), email=command["email"], role=command["role"],
        customer_number=customers.next_customer_number(), invited_by=admin, invitation=invitation, now=now,
    )
    customers.add(employee)
    uow.session.flush()  # the employee row first: the token refers to it
    OneTimeTokens(uow.session).add(invitation)
    uow.commit()
    return employee


def update_employee(uow, caller: Identity, employee_id: str, changes: dict, clock) -> Customer:
    if caller.company_id:  # before anything is read: the admin count below must be the committed one
        Companies(uow.session).lock(caller.company_id)
    admin = company_admin(uow, caller)
    customers = Customers(uow.session)
    employee = customers.get(employee_id)
    if employee is None or employee.company_id != admin.company_id:
        raise EmployeeNotFound("No such representative.")  # 404: other companies' people do not exist here
    active_admins = customers.active_admins(admin.company_id)
    if "role" in changes:
        employee.change_role(changes["role"], active_admins)
    if "enabled" in changes:
        now = clock()
        if changes["enabled"] and employee.is_disabled_invitee:
            invite_again(uow, admin, employee, now)
        else:
            employee.set_enabled(changes["enabled"], active_admins)
        if not changes["enabled"]:
            Sessions(uow.session).revoke_all(employee.id, now)
            # R10: the invitation's link dies for good, also one messaging has not sent yet.
            OneTimeTokens(uow.session).expire_unused(employee.id, "activation", now)
    uow.commit()
    return employee


def invite_again(uow, admin: Customer, employee: Customer, now) -> None:
    """Enabling a disabled invitee: a new link in a new mail (``employee_invited``), as at the first invitation."""
    invitation = OneTimeToken("activation", employee.id, now, policies.ACTIVATION_TOKEN_LIFETIME)
    employee.invite_again(company=Companies(uow.session).get(admin.company_id), invited_by=admin,
                          invitation=invitation, now=now)
    OneTimeTokens(uow.session).add(invitation)
