"""Customers, companies and their representatives, sessions and one-time tokens: plain Python.

Mapped to tables in adapters/orm.py. Aggregates record the events that the
unit of work writes to the outbox in the same commit.
"""
from __future__ import annotations

import re
import uuid
from datetime import datetime

from services.accounts.domain import policies
from services.accounts.domain.errors import LastAdmin, LinkUnavailable, TokenInvalid
from services.chassis.domain import RecordsEvents

COMPANY_ROLES = ("admin", "buyer", "viewer")
STAFF_ROLES = ("staff", "staff_admin")
LANGUAGES = ("it", "de", "pl", "uk", "en")


EMAIL_MAX = 254


def normalise_email(email: str) -> str:
    """E-mail addresses are unique without regard to case or surrounding space."""
    return email.strip().lower()


def email_fits(email: str) -> bool:
    """Whether the address still fits its column once lower-cased: some letters grow (``İ`` -> ``i̇``)."""
    return len(normalise_email(email)) <= EMAIL_MAX


def normalise_tax_id(tax_id: str) -> str:
    """IT 01234567890, it-01234567890 and IT01234567890 are one company."""
    return re.sub(r"[^0-9A-Z]", "", tax_id.upper())


class Company(RecordsEvents):
    def __init__(self, name: str, tax_id: str, address: dict, created_at: datetime):
        self.id = str(uuid.uuid4())
        self.name = name
        self.tax_id = tax_id.strip()
        self.tax_id_normalised = normalise_tax_id(tax_id)
        self.street = address["street"]
        self.postal_code = address["postal_code"]
        self.city = address["city"]
        self.country = address["country"]
        self.created_at = created_at
        self.tax_id_released_at = None
        self.tax_id_released_by = None

    @property
    def holds_tax_id(self) -> bool:
        return self.tax_id_normalised is not None

    def release_tax_id(self, now: datetime, released_by: str | None = None) -> None:
        """The number stays on record as the company gave it, but no longer blocks another registration.

        Tax ids are not verified at registration, so a company may hold one that is not its own; the
        shop frees it when the real owner proves theirs (``released_by``: the staff member), and it
        is freed when the company's last person leaves.
        """
        if self.holds_tax_id:
            self.tax_id_normalised = None
            self.tax_id_released_at, self.tax_id_released_by = now, released_by


class Customer(RecordsEvents):
    """A person who logs in: private customer, company representative or staff member."""

    def __init__(self, *, customer_number: str, email: str, first_name: str, last_name: str,
                 password_hash: str | None, now: datetime, kind: str = "private", phone: str | None = None,
                 language: str = "en", status: str = "active", company_id: str | None = None,
                 company_role: str | None = None, staff_role: str | None = None, resale_declared: bool = False):
        self.id = str(uuid.uuid4())
        self.customer_number = customer_number
        self.email = email.strip()
        self.email_normalised = normalise_email(email)
        self.first_name = first_name
        self.last_name = last_name
        self.password_hash = password_hash
        self.kind = kind
        self.phone = phone
        self.language = language
        self.status = status
        self.company_id = company_id
        self.company_role = company_role
        self.staff_role = staff_role
        self.resale_declared = resale_declared
        self.terms_accepted_at = now if kind != "staff" else None
        self.marketing_email = False
        self.profiling = False
        self.consents_updated_at = None
        self.created_at = now
        self.erased_at = None

    # -- life cycle -----------------------------------------------------------------
    @classmethod
    def register(cls, *, now: datetime, **fields) -> "Customer":
        customer = cls(now=now, **fields)
        customer.record(
            "customer_registered", occurred_at=now, customer_id=customer.id,
            customer_number=customer.customer_number, email=customer.email, first_name=customer.first_name,
            kind=customer.kind, company_id=customer.company_id, language=customer.language,
        )
        return customer

    @classmethod
    def invite(cls, *, company: Company, email: str, role: str, customer_number: str, invited_by: "Customer",
               invitation: "OneTimeToken", now: datetime) -> "Customer":
        employee = cls(customer_number=customer_number, email=email, first_name="", last_name="",
                       password_hash=None, now=now, kind="business", status="invited", company_id=company.id,
                       company_role=role, language=invited_by.language)
        employee._send_invitation(company, invited_by, invitation, now)
        return employee

    def invite_again(self, *, company: Company, invited_by: "Customer", invitation: "OneTimeToken",
                     now: datetime) -> None:
        """A disabled invitee enabled again gets a new invitation: the link of the first one died
        when they were disabled, so an administrator can undo a disable but never revive a mail."""
        if not self.is_disabled_invitee:
            raise ValueError("only a disabled invitee is invited again")
        self.status = "invited"
        self._send_invitation(company, invited_by, invitation, now)

    def _send_invitation(self, company: Company, invited_by: "Customer", invitation: "OneTimeToken",
                         now: datetime) -> None:
        self.record(
            "employee_invited", occurred_at=now, customer_id=self.id, company_id=company.id,
            company_name=company.name, email=self.email, role=self.company_role,
            invited_by=f"{invited_by.first_name} {invited_by.last_name}".strip(),
            link_id=invitation.id, expires_at=invitation.expires_at.isoformat(), language=self.language,
        )
        invitation.customer_id = self.id

    def activate(self, first_name: str, last_name: str, password_hash: str, now: datetime) -> None:
        if self.status != "invited":  # already used, or the administrator disabled the invitee
            raise TokenInvalid("Ask your administrator for a new invitation.")
        self.first_name, self.last_name, self.password_hash = first_name, last_name, password_hash
        self.status = "active"
        self.terms_accepted_at = now

    def erase(self, now: datetime, active_admins: int = 0, colleagues: int = 0) -> None:
        """Anonymise: the row stays (orders refer to the customer number), the person does not.

        The company's last administrator goes only once nobody else is left to need one."""
        if colleagues and self.is_company_admin and active_admins <= 1:
            raise LastAdmin("Make another representative administrator before you delete your account.")
        self.record("customer_erased", occurred_at=now, customer_id=self.id, customer_number=self.customer_number)
        self.email = f"erased-{self.id}@invalid"
        self.email_normalised = self.email
        self.first_name = self.last_name = ""
        self.phone = None
        self.password_hash = None
        self.marketing_email = self.profiling = False
        self.status = "erased"
        self.erased_at = now

    # -- what the customer may do -----------------------------------------------------
    @property
    def can_log_in(self) -> bool:
        return self.status == "active" and self.password_hash is not None

    @property
    def is_disabled_invitee(self) -> bool:
        return self.status == "disabled" and self.password_hash is None

    @property
    def is_company_admin(self) -> bool:
        return self.company_id is not None and self.company_role == "admin" and self.status == "active"

    def change_role(self, role: str, active_admins: int) -> None:
        if self.company_role == "admin" and role != "admin" and active_admins <= 1:
            raise LastAdmin("Make another representative administrator first.")
        self.company_role = role

    def set_enabled(self, enabled: bool, active_admins: int) -> None:
        """Disabling suspends an active representative (no login; enabling gives their password back)
        and ends an invitee's invitation: the use case expires its link, and enabling them again
        is a new invitation (:meth:`invite_again`), not this method."""
        if not enabled and self.is_company_admin and active_admins <= 1:
            raise LastAdmin("Make another representative administrator first.")
        if not enabled and self.status in ("active", "invited"):
            self.status = "disabled"
        elif enabled and self.status == "disabled" and self.password_hash is not None:
            self.status = "active"

    def set_consents(self, marketing_email: bool, profiling: bool, now: datetime) -> None:
        self.marketing_email, self.profiling, self.consents_updated_at = marketing_email, profiling, now


class Session:
    """A login: the bearer token's digest, its expiry, and whether it was revoked."""

    def __init__(self, customer_id: str, token: str, now: datetime, client_address: str | None = None):
        self.id = str(uuid.uuid4())
        self.customer_id = customer_id
        self.token_hash = policies.token_digest(token)
        self.created_at = now
        self.expires_at = now + policies.SESSION_LIFETIME
        self.revoked_at = None
        self.client_address = client_address

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now


class OneTimeToken:
    """A single-use, expiring link sent by e-mail or SMS (password reset, activation).

    Its secret does not exist until the message that carries it is about to be sent: the event
    that asks for the message names the link by ``id``, which opens nothing, and messaging asks
    for the secret then (:meth:`issue`). Only the secret's digest is kept, so the link in a
    message is the only copy there is.
    """

    def __init__(self, purpose: str, customer_id: str, now: datetime, lifetime):
        self.id = str(uuid.uuid4())
        self.token_hash = None  # no secret until the message is sent
        self.purpose = purpose
        self.customer_id = customer_id
        self.created_at = now
        self.expires_at = now + lifetime
        self.used_at = None

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now

    def issue(self, holder: Customer, now: datetime) -> str:
        """A new secret for the message about to be sent; a secret issued before (a message that
        is being sent again) stops working. Only while the link is open and its holder may use it:
        a reset for an account that can log in, an activation for one never activated."""
        if self.purpose == "reset":
            may_use = holder.can_log_in
        else:  # never activated, and not disabled meanwhile (R10: that ends the invitation for good)
            may_use = holder.status == "invited" and holder.password_hash is None
        if not (may_use and self.is_open(now)):
            raise LinkUnavailable("The link was used, has expired or was replaced by a newer one.")
        secret = policies.new_secret_token()
        self.token_hash = policies.token_digest(secret)
        return secret

    def use(self, now: datetime) -> None:
        if not self.is_open(now):
            raise TokenInvalid("Ask for a new link.")
        self.used_at = now


class BillingProfile:
    FIELDS = ("company_name", "vat_number", "fiscal_code", "street", "postal_code", "city", "country",
              "sdi_code", "pec", "invoice_email")

    def __init__(self, customer_id: str, now: datetime, **fields):
        self.customer_id = customer_id
        self.update(now, **fields)

    def update(self, now: datetime, **fields) -> None:
        for name in self.FIELDS:
            setattr(self, name, fields.get(name))
        self.updated_at = now
