from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.accounts.adapters.repositories import Companies, Customers
from services.accounts.domain import policies
from services.accounts.domain.errors import AccountNotCreated, PasswordRejected
from services.accounts.domain.model import EMAIL_MAX, Company, Customer, email_fits
from services.chassis.errors import Invalid

DUPLICATE_EMAIL = "This e-mail address cannot be registered. If you already have an account, log in or reset your password."
DUPLICATE_COMPANY = ("Account not created. If the error repeats, contact the administrator. If your company "
                     "already has an account, ask a colleague who administers it to add you as a representative. "
                     "If nobody at your company registered it, contact the shop: we check whose tax id it is "
                     "and free it for its owner.")


def check_password(password: str, *personal: str) -> None:
    problems = policies.password_problems(password, *personal)
    if problems:
        raise PasswordRejected("The password cannot be used.", fields={"password": problems})


def check_email(email: str) -> None:
    """An address that grows past its column when lower-cased is refused as too long, not with a 500."""
    if not email_fits(email):
        raise Invalid("The e-mail address is too long.", fields={"email": [f"Longer than {EMAIL_MAX} characters."]})


def register_customer(uow, command: dict, hasher, clock, require_resale_declaration: bool = False) -> Customer:
    """A private customer, or a business customer with its company (the registrant administers it).

    Nothing is half-created: the company, the customer and the event commit together or not at all.
    """
    customers, companies = Customers(uow.session), Companies(uow.session)
    company_data = command.get("company")
    if company_data and require_resale_declaration and not command.get("resale_declaration"):
        raise Invalid("The resale declaration is required.",
                      fields={"resale_declaration": ["This shop sells for resale only."]})
    check_email(command["email"])
    check_password(command["password"], command["email"], command["first_name"], command["last_name"])
    # Hashed before the first query: no connection is held while argon2 works (REVIEW R16).
    password_hash = hasher.hash(command["password"])
    if customers.email_taken(command["email"]):
        raise AccountNotCreated(DUPLICATE_EMAIL, fields={"email": ["Cannot be used."]})
    if company_data and companies.tax_id_taken(company_data["tax_id"]):
        raise AccountNotCreated(DUPLICATE_COMPANY, fields={"company.tax_id": ["Already registered."]})
    now = clock()
    company = None
    if company_data:
        company = Company(company_data["name"], company_data["tax_id"], company_data["address"], now)
        companies.add(company)
    customer = Customer.register(
        customer_number=customers.next_customer_number(),
        email=command["email"], first_name=command["first_name"], last_name=command["last_name"],
        phone=command.get("phone"), language=command.get("language", "en"),
        password_hash=password_hash, now=now,
        kind="business" if company else "private",
        company_id=company.id if company else None, company_role="admin" if company else None,
        resale_declared=bool(command.get("resale_declaration")),
    )
    customers.add(customer)
    try:
        uow.commit()
    except IntegrityError:  # the same address or company registered concurrently
        uow.rollback()
        raise AccountNotCreated(DUPLICATE_COMPANY if company else DUPLICATE_EMAIL) from None
    return customer


def create_staff(uow, email: str, password: str, role: str, hasher, clock) -> Customer:
    customers = Customers(uow.session)
    check_email(email)
    check_password(password, email)
    if customers.email_taken(email):
        raise AccountNotCreated(DUPLICATE_EMAIL, fields={"email": ["Cannot be used."]})
    staff = Customer(customer_number=customers.next_customer_number(), email=email, first_name="Staff",
                     last_name=email.split("@")[0], password_hash=hasher.hash(password), now=clock(),
                     kind="staff", staff_role=role)
    customers.add(staff)
    uow.commit()
    return staff
