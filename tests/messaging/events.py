"""Event payloads as accounts puts them on the wire (flat JSON with the envelope)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from services.chassis.domain import utcnow
from services.messaging import schemas


def envelope(**fields) -> dict:
    return {"event_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(), "schema_version": 1, **fields}


def customer_registered(**fields) -> dict:
    return envelope(**{
        "customer_id": str(uuid.uuid4()), "customer_number": "CUS-000042", "email": "giulia@example.it",
        "first_name": "Giulia", "kind": "private", "language": "it", **fields,
    })


def password_reset_requested(**fields) -> dict:
    return envelope(**{
        "customer_id": str(uuid.uuid4()), "email": "marco@example.it", "first_name": "Marco", "channel": "email",
        "phone": None, "reset_url": f"https://shop.example.it/reset-password?token={uuid.uuid4().hex}",
        "expires_at": (utcnow() + timedelta(hours=1)).isoformat(), "language": "en", **fields,
    })


def employee_invited(**fields) -> dict:
    return envelope(**{
        "customer_id": str(uuid.uuid4()), "company_id": str(uuid.uuid4()), "company_name": "Rossi Utensili S.r.l.",
        "email": "luca@rossi.example.it", "role": "buyer", "invited_by": "Paola Rossi",
        "activation_url": f"https://shop.example.it/activate?token={uuid.uuid4().hex}",
        "expires_at": (utcnow() + timedelta(days=7)).isoformat(), "language": "it", **fields,
    })


def customer_erased(customer_id: str, **fields) -> dict:
    return envelope(customer_id=customer_id, customer_number="CUS-000042", **fields)


LOADERS = {
    "customer_registered": schemas.CustomerRegistered,
    "password_reset_requested": schemas.PasswordResetRequested,
    "employee_invited": schemas.EmployeeInvited,
    "customer_erased": schemas.CustomerErased,
}


def loaded(event_type: str, payload: dict) -> dict:
    """What a handler receives: the payload loaded with messaging's own schema."""
    return LOADERS[event_type]().load(payload)
