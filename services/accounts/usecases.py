"""Accounts commands: one function each, called by the service with a unit of work."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.accounts.adapters.repositories import Customers
from services.accounts.domain.errors import EmailAlreadyRegistered
from services.accounts.domain.model import Customer
from services.chassis.domain import Clock

DUPLICATE_DETAIL = "This e-mail address cannot be registered. If you already have an account, log in or reset your password."


def register_customer(uow, command: dict, hasher, clock: Clock) -> Customer:
    customers = Customers(uow.session)
    if customers.email_taken(command["email"]):
        raise EmailAlreadyRegistered(DUPLICATE_DETAIL, fields={"email": ["Cannot be used."]})
    password_hash = hasher.hash(command["password"])
    customer = Customer.register(
        customer_number=customers.next_customer_number(),
        email=command["email"],
        first_name=command["first_name"],
        last_name=command["last_name"],
        phone=command.get("phone"),
        password_hash=password_hash,
        now=clock(),
    )
    customers.add(customer)
    try:
        uow.commit()
    except IntegrityError:  # the same address registered concurrently
        uow.rollback()
        raise EmailAlreadyRegistered(DUPLICATE_DETAIL, fields={"email": ["Cannot be used."]}) from None
    return customer
