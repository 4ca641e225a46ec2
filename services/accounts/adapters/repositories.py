"""Queries of the accounts database, one class per aggregate."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select, update

from services.accounts.domain.model import (BillingProfile, Company, Customer, OneTimeToken, Session,
                                            normalise_email, normalise_tax_id)
from services.accounts.domain.policies import Throttle, token_digest
from services.chassis.paging import read_page
from services.chassis.throttling import Throttles as ChassisThrottles
from services.chassis.tables import next_counter


class Customers:
    def __init__(self, session):
        self.session = session

    def add(self, customer: Customer) -> None:
        self.session.add(customer)

    def get(self, customer_id: str) -> Customer | None:
        return self.session.get(Customer, customer_id)

    def email_taken(self, email: str) -> bool:
        return self.session.execute(
            select(exists().where(Customer.email_normalised == normalise_email(email)))
        ).scalar_one()

    def by_login(self, identifier: str) -> Customer | None:
        """A customer by e-mail (any case) or by customer number."""
        identifier = identifier.strip()
        column = Customer.customer_number if identifier.upper().startswith("CUS-") else Customer.email_normalised
        value = identifier.upper() if column is Customer.customer_number else normalise_email(identifier)
        return self.session.execute(select(Customer).where(column == value)).scalar_one_or_none()

    def by_phone(self, phone: str) -> Customer | None:
        return self.session.execute(
            select(Customer).where(Customer.phone == phone, Customer.status == "active").limit(1)
        ).scalar_one_or_none()

    def of_company(self, company_id: str) -> list[Customer]:
        return list(self.session.execute(
            select(Customer).where(Customer.company_id == company_id).order_by(Customer.created_at)
        ).scalars())

    def page_of_company(self, company_id: str, query: dict) -> dict:
        """One page of the company's people, oldest first (the envelope of services/chassis/paging.py)."""
        where = Customer.company_id == company_id
        return read_page(
            lambda: self.session.execute(select(func.count()).select_from(Customer).where(where)).scalar_one(),
            lambda offset, limit: list(self.session.execute(
                select(Customer).where(where).order_by(Customer.created_at, Customer.id).offset(offset).limit(limit)
            ).scalars()),
            query)

    def id_of_number(self, customer_number: str) -> str | None:
        return self.session.execute(
            select(Customer.id).where(Customer.customer_number == customer_number.upper())).scalar_one_or_none()

    def colleagues(self, customer: Customer) -> int:
        """The other people of the customer's company (invited and disabled ones too), not the erased."""
        return self.session.execute(
            select(func.count()).select_from(Customer).where(
                Customer.company_id == customer.company_id, Customer.id != customer.id, Customer.status != "erased")
        ).scalar_one()

    def active_admins(self, company_id: str) -> int:
        return self.session.execute(
            select(func.count()).select_from(Customer).where(
                Customer.company_id == company_id, Customer.company_role == "admin", Customer.status == "active")
        ).scalar_one()

    def next_customer_number(self) -> str:
        return f"CUS-{next_counter(self.session, 'customer_number'):06d}"


class Companies:
    def __init__(self, session):
        self.session = session

    def add(self, company: Company) -> None:
        self.session.add(company)

    def get(self, company_id: str) -> Company | None:
        return self.session.get(Company, company_id)

    def tax_id_taken(self, tax_id: str) -> bool:
        return self.by_tax_id(tax_id) is not None

    def by_tax_id(self, tax_id: str) -> Company | None:
        """The company that holds the number now (released ones hold none)."""
        return self.session.execute(
            select(Company).where(Company.tax_id_normalised == normalise_tax_id(tax_id))
        ).scalar_one_or_none()

    def lock(self, company_id: str) -> None:
        """Changes that can take a company's last administrator away take turns (REVIEW R25).

        Two admins demoting each other at once both counted two admins and both went through.
        A write to the company row, first thing in the transaction, makes the second wait for the
        first's commit: a row lock on PostgreSQL (the no-op update takes it like SELECT ... FOR
        UPDATE would), the database's write lock on SQLite (where FOR UPDATE does not exist). What
        is read after it is the committed state, so the count of admins is the true one.
        """
        self.session.execute(update(Company).where(Company.id == company_id).values(id=Company.id)
                             .execution_options(synchronize_session=False))


class Sessions:
    def __init__(self, session):
        self.session = session

    def add(self, login: Session) -> None:
        self.session.add(login)

    def by_token(self, token: str) -> Session | None:
        return self.session.execute(
            select(Session).where(Session.token_hash == token_digest(token))
        ).scalar_one_or_none()

    def of_customer(self, customer_id: str) -> list[Session]:
        return list(self.session.execute(
            select(Session).where(Session.customer_id == customer_id).order_by(Session.created_at)
        ).scalars())

    def revoke_all(self, customer_id: str, now: datetime, keep: str | None = None) -> None:
        query = update(Session).where(Session.customer_id == customer_id, Session.revoked_at.is_(None))
        if keep is not None:
            query = query.where(Session.id != keep)
        self.session.execute(query.values(revoked_at=now))


class OneTimeTokens:
    def __init__(self, session):
        self.session = session

    def add(self, token: OneTimeToken) -> None:
        self.session.add(token)

    def get(self, link_id: str, purpose: str) -> OneTimeToken | None:
        return self.session.execute(
            select(OneTimeToken).where(OneTimeToken.id == link_id, OneTimeToken.purpose == purpose)
        ).scalar_one_or_none()

    def find(self, token: str, purpose: str) -> OneTimeToken | None:
        return self.session.execute(
            select(OneTimeToken).where(OneTimeToken.token_hash == token_digest(token), OneTimeToken.purpose == purpose)
        ).scalar_one_or_none()

    def expire_unused(self, customer_id: str, purpose: str, now: datetime) -> None:
        """A new link replaces the old ones: only the newest works."""
        self.session.execute(
            update(OneTimeToken).where(OneTimeToken.customer_id == customer_id, OneTimeToken.purpose == purpose,
                                       OneTimeToken.used_at.is_(None)).values(used_at=now)
        )


class Billing:
    def __init__(self, session):
        self.session = session

    def get(self, customer_id: str) -> BillingProfile | None:
        return self.session.get(BillingProfile, customer_id)

    def add(self, profile: BillingProfile) -> None:
        self.session.add(profile)


class Throttles(ChassisThrottles):
    def __init__(self, session):
        super().__init__(session, Throttle)
