"""The caller's own profile, billing data, consents, export and erasure."""
from __future__ import annotations

from services.accounts.adapters.repositories import Billing, Companies, Customers, OneTimeTokens, Sessions
from services.accounts.domain.errors import AccountNotCreated, PasswordConfirmationFailed, SessionInvalid
from services.accounts.domain.model import BillingProfile, Customer, normalise_email
from services.accounts.usecases.registration import check_email, check_password
from services.chassis.auth import Identity
from services.chassis.idempotency import forget_caller

# The e-mail and the phone are where reset links go: whoever changes them can take the account
# over later, so a stolen session alone must not be enough (REVIEW R14).
DELICATE_PROFILE_FIELDS = ("email", "phone", "new_password")


def current_customer(uow, caller: Identity) -> Customer:
    customer = Customers(uow.session).get(caller.customer_id)
    if customer is None or not customer.can_log_in:
        raise SessionInvalid("Log in again.")
    return customer


def confirm_password(customer: Customer, password: str | None, hasher) -> None:
    """Delicate changes ask for the current password again (checked with no transaction open)."""
    if not password or not hasher.verify(customer.password_hash, password):
        raise PasswordConfirmationFailed("Enter your current password to confirm.",
                                         fields={"current_password": ["Does not match."]})


def update_profile(uow, caller: Identity, changes: dict, hasher, clock) -> Customer:
    customer = current_customer(uow, caller)
    new_hash = None
    if any(name in changes for name in DELICATE_PROFILE_FIELDS):
        uow.release()  # argon2 works with no connection held (REVIEW R16)
        confirm_password(customer, changes.get("current_password"), hasher)
        if "new_password" in changes:
            check_password(changes["new_password"], *(changes.get(name, getattr(customer, name))
                                                      for name in ("email", "first_name", "last_name")))
            new_hash = hasher.hash(changes["new_password"])
    reset_channels = (customer.email_normalised, customer.phone)
    for name in ("first_name", "last_name", "phone", "language"):
        if name in changes:
            setattr(customer, name, changes[name])
    if "email" in changes and normalise_email(changes["email"]) != customer.email_normalised:
        check_email(changes["email"])
        if Customers(uow.session).email_taken(changes["email"]):
            raise AccountNotCreated("This e-mail address cannot be used.", fields={"email": ["Cannot be used."]})
        customer.email = changes["email"].strip()
        customer.email_normalised = normalise_email(customer.email)
    if (customer.email_normalised, customer.phone) != reset_channels:
        # A link sent to the mailbox or phone just left behind (perhaps why it was left) dies now (REVIEW R24).
        OneTimeTokens(uow.session).expire_unused(customer.id, "reset", clock())
    if new_hash is not None:
        customer.password_hash = new_hash
        # Other devices log in again; this one stays logged in.
        Sessions(uow.session).revoke_all(customer.id, clock(), keep=caller.session_id)
    uow.commit()
    return customer


def customer_id_of_number(uow, customer_number: str) -> str | None:
    return Customers(uow.session).id_of_number(customer_number)


def get_billing(uow, caller: Identity) -> BillingProfile | None:
    current_customer(uow, caller)
    return Billing(uow.session).get(caller.customer_id)


def put_billing(uow, caller: Identity, data: dict, hasher, clock) -> BillingProfile:
    customer = current_customer(uow, caller)
    uow.release()
    confirm_password(customer, data.pop("current_password", None), hasher)
    billing = Billing(uow.session)
    profile = billing.get(customer.id)
    if profile is None:
        profile = BillingProfile(customer.id, clock(), **data)
        billing.add(profile)
    else:
        profile.update(clock(), **data)
    uow.commit()
    return profile


def set_privacy(uow, caller: Identity, consents: dict, clock) -> Customer:
    customer = current_customer(uow, caller)
    customer.set_consents(consents["marketing_email"], consents["profiling"], clock())
    uow.commit()
    return customer


def export(uow, caller: Identity) -> dict:
    """Everything accounts holds on the caller (not secrets: no hashes, no tokens)."""
    customer = current_customer(uow, caller)
    company = Companies(uow.session).get(customer.company_id) if customer.company_id else None
    return {
        "customer": customer,
        "company": company,
        "billing": Billing(uow.session).get(customer.id),
        "sessions": Sessions(uow.session).of_customer(customer.id),
    }


def erase(uow, caller: Identity, password: str, hasher, clock) -> None:
    customer = current_customer(uow, caller)
    uow.release()
    confirm_password(customer, password, hasher)  # before the lock, with no transaction: hashing takes a while
    now = clock()
    customers, companies = Customers(uow.session), Companies(uow.session)
    if customer.company_id:
        companies.lock(customer.company_id)
        uow.session.refresh(customer)  # as committed: a concurrent demotion may have just landed
        colleagues = customers.colleagues(customer)
        customer.erase(now, customers.active_admins(customer.company_id), colleagues)
        if not colleagues:  # nobody left to speak for the company: its tax id must not stay taken
            companies.get(customer.company_id).release_tax_id(now)
    else:
        customer.erase(now)
    profile = Billing(uow.session).get(customer.id)
    if profile is not None:
        uow.session.delete(profile)
    Sessions(uow.session).revoke_all(customer.id, now)
    forget_caller(uow.session, customer.id)  # answers kept for Idempotency-Key retries hold what was erased
    uow.commit()
