"""Event payloads as accounts, orders and returns put them on the wire (flat JSON with the envelope)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from services.chassis.domain import utcnow
from services.messaging import return_events, schemas


def envelope(schema_version=1, **fields) -> dict:
    return {"event_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(), "schema_version": schema_version,
            **fields}


def customer_registered(**fields) -> dict:
    return envelope(**{
        "customer_id": str(uuid.uuid4()), "customer_number": "CUS-000042", "email": "giulia@example.it",
        "first_name": "Giulia", "kind": "private", "language": "it", **fields,
    })


def password_reset_requested(**fields) -> dict:
    return envelope(schema_version=2, **{
        "customer_id": str(uuid.uuid4()), "email": "marco@example.it", "first_name": "Marco", "channel": "email",
        "phone": None, "link_id": str(uuid.uuid4()),
        "expires_at": (utcnow() + timedelta(hours=1)).isoformat(), "language": "en", **fields,
    })


def employee_invited(**fields) -> dict:
    return envelope(schema_version=2, **{
        "customer_id": str(uuid.uuid4()), "company_id": str(uuid.uuid4()), "company_name": "Rossi Utensili S.r.l.",
        "email": "luca@rossi.example.it", "role": "buyer", "invited_by": "Paola Rossi", "link_id": str(uuid.uuid4()),
        "expires_at": (utcnow() + timedelta(days=7)).isoformat(), "language": "it", **fields,
    })


def customer_erased(customer_id: str, **fields) -> dict:
    return envelope(customer_id=customer_id, customer_number="CUS-000042", **fields)


def order_placed(**fields) -> dict:
    return envelope(**{
        "order_number": "ORD-2026-000001", "customer_id": str(uuid.uuid4()), "company_id": None,
        "customer_kind": "private", "email": "fatture@example.it", "payment_method": "bank_transfer",
        "total": {"amount": "1234.50", "currency": "EUR"},
        "lines": [
            {"position": 2, "kind": "product", "reference": "SAW-01", "name": "Handsäge", "quantity": 1,
             "unit_price": {"amount": "12.50", "currency": "EUR"}, "vat_rate": "22.00"},
            {"position": 1, "kind": "product", "reference": "DRILL-18V", "name": "Trapano a batteria 18V",
             "quantity": 2, "unit_price": {"amount": "89.90", "currency": "EUR"}, "vat_rate": "22.00"},
        ],
        **fields,
    })


def order_status_changed(order_number="ORD-2026-000001", customer_id="c-1", status="fulfilled", **fields) -> dict:
    shipped = status in ("fulfilled", "delivered")
    return envelope(**{
        "order_number": order_number, "customer_id": customer_id, "previous_status": "processing",
        "status": status, "customer_status": "fulfilled", "carrier": "BRT" if shipped else None,
        "tracking_number": "123456789" if shipped else None, **fields,
    })


def order_paid(order_number="ORD-2026-000001", customer_id="c-1", **fields) -> dict:
    return envelope(order_number=order_number, customer_id=customer_id,
                    amount={"amount": "219.36", "currency": "EUR"}, **fields)


def quote_requested(**fields) -> dict:
    return envelope(**{
        "quote_number": "QUO-2026-000007", "customer_id": str(uuid.uuid4()), "email": "paola@rossi.example.it",
        "message": "Please quote for installation in Milan.", "lines": [{"name": "Montaggio cucina", "quantity": 1}],
        **fields,
    })


def quote_priced(**fields) -> dict:
    return envelope(**{
        "quote_number": "QUO-2026-000007", "customer_id": str(uuid.uuid4()), "email": "paola@rossi.example.it",
        "valid_until": "2026-12-31", "total": {"amount": "1830.00", "currency": "EUR"}, **fields,
    })


# -- returns: every RMA event carries these facts (services/returns/schemas.py, RmaEvent) ----------
RMA_LINES = [{"position": 2, "reference": "SAW-01", "name": "Handsäge", "quantity": 1},
             {"position": 1, "reference": "DRILL-18V", "name": "Trapano a batteria 18V", "quantity": 2}]


def rma_event(status, customer_id="c-1", **fields) -> dict:
    return envelope(**{
        "rma_number": "RMA-2026-000045", "order_number": "ORD-2026-000001", "customer_id": customer_id,
        "company_id": None, "email": "anna@example.it", "request_type": "standard_warranty", "status": status,
        **fields,
    })


def rma_created(**fields) -> dict:
    fields = {"review_deadline": "2026-11-24T10:00:00+00:00", "lines": RMA_LINES, **fields}
    return rma_event("submitted", **fields)


def rma_reviewed(decision="approve", **fields) -> dict:
    status = {"approve": "approved", "request_info": "info_requested", "reject": "rejected", "offer": "offered"}
    fields = {"decision": decision, "message": "Please send it back with its charger.", "offer": None, **fields}
    return rma_event(status.get(decision, "submitted"), **fields)


def rma_received(decision="accept", **fields) -> dict:
    return rma_event("accepted" if decision == "accept" else "refused",
                     **{"decision": decision, "note": "", **fields})


def refund_requested(**fields) -> dict:
    lines = [{**line, "unit_price": {"amount": "89.90", "currency": "EUR"}, "vat_rate": "22.00"} for line in RMA_LINES]
    return rma_event("accepted", **{"lines": lines, "amount": {"amount": "235.31", "currency": "EUR"},
                                    "due_at": "2026-11-26T10:00:00+00:00", **fields})


def replacement_requested(**fields) -> dict:
    lines = [{**line, "unit_price": {"amount": "89.90", "currency": "EUR"}, "vat_rate": "22.00"} for line in RMA_LINES]
    address = {"name": "Anna Verdi", "street": "Via Po 3", "postal_code": "10123", "city": "Torino", "country": "IT",
               "phone": None}
    return rma_event("accepted", **{"request_type": "advanced_warranty", "lines": lines,
                                    "shipping_address": address, **fields})


def rma_closed(outcome="resolved", **fields) -> dict:
    return rma_event("closed", **{"outcome": outcome, **fields})


LOADERS = {
    "rma_created": return_events.RmaCreated,
    "rma_reviewed": return_events.RmaReviewed,
    "rma_received": return_events.RmaReceived,
    "refund_requested": return_events.RefundRequested,
    "replacement_requested": return_events.ReplacementRequested,
    "rma_closed": return_events.RmaClosed,
    "customer_registered": schemas.CustomerRegistered,
    "password_reset_requested": schemas.PasswordResetRequested,
    "employee_invited": schemas.EmployeeInvited,
    "customer_erased": schemas.CustomerErased,
    "order_placed": schemas.OrderPlaced,
    "order_status_changed": schemas.OrderStatusChanged,
    "order_paid": schemas.OrderPaid,
    "quote_requested": schemas.QuoteRequested,
    "quote_priced": schemas.QuotePriced,
}


def loaded(event_type: str, payload: dict) -> dict:
    """What a handler receives: the payload loaded with messaging's own schema."""
    return LOADERS[event_type]().load(payload)
