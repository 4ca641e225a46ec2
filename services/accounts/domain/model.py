"""Customers: plain Python, mapped to tables in adapters/orm.py."""
from __future__ import annotations

import uuid
from datetime import datetime

from services.chassis.domain import RecordsEvents


def normalise_email(email: str) -> str:
    """E-mail addresses are unique without regard to case or surrounding space."""
    return email.strip().lower()


class Customer(RecordsEvents):
    def __init__(
        self,
        customer_number: str,
        email: str,
        first_name: str,
        last_name: str,
        password_hash: str,
        created_at: datetime,
        kind: str = "private",
        phone: str | None = None,
    ):
        self.id = str(uuid.uuid4())
        self.customer_number = customer_number
        self.email = email.strip()
        self.email_normalised = normalise_email(email)
        self.first_name = first_name
        self.last_name = last_name
        self.password_hash = password_hash
        self.kind = kind
        self.phone = phone
        self.created_at = created_at

    @classmethod
    def register(cls, *, customer_number: str, email: str, first_name: str, last_name: str,
                 password_hash: str, now: datetime, kind: str = "private", phone: str | None = None) -> "Customer":
        customer = cls(customer_number, email, first_name, last_name, password_hash, now, kind, phone)
        customer.record(
            "customer_registered",
            occurred_at=now,
            customer_id=customer.id,
            customer_number=customer.customer_number,
            email=customer.email,
            first_name=customer.first_name,
            kind=customer.kind,
        )
        return customer
