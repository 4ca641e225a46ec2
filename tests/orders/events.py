import json

from sqlalchemy import select

from services.chassis.database import make_engine
from services.chassis.tables import outbox_messages


def outbox_events(config, service: str, event_type: str) -> list[dict]:
    """The events a service committed to its outbox (what it publishes), oldest first."""
    engine = make_engine(config["DATABASE_URLS"][service])
    with engine.connect() as conn:
        rows = conn.execute(select(outbox_messages.c.payload).where(outbox_messages.c.event_type == event_type)
                            .order_by(outbox_messages.c.created_at)).scalars().all()
    engine.dispose()
    return [json.loads(row) for row in rows]


# -- what returns tells orders (services/returns/schemas.py), for tests that play returns ----------
def _rma_envelope(rma_number: str, order_number: str, request_type: str, **fields) -> dict:
    import uuid
    from datetime import datetime, timezone

    return {"event_id": str(uuid.uuid4()), "occurred_at": datetime.now(timezone.utc).isoformat(),
            "schema_version": 1, "rma_number": rma_number, "order_number": order_number, "customer_id": "c-1",
            "company_id": None, "email": None, "request_type": request_type, "status": "accepted", **fields}


def rma_line(position=1, reference="DRILL-18V", quantity=1, name="Trapano a batteria 18V", unit_price="89.90",
             vat_rate="22.00") -> dict:
    return {"position": position, "reference": reference, "name": name, "quantity": quantity,
            "unit_price": {"amount": unit_price, "currency": "EUR"}, "vat_rate": vat_rate}


def refund_requested(rma_number: str, order_number: str, amount: str, lines=None, **fields) -> dict:
    return _rma_envelope(rma_number, order_number, "standard_warranty", lines=lines or [rma_line()],
                         amount={"amount": amount, "currency": "EUR"}, due_at="2026-11-26T10:00:00+00:00", **fields)


def credit_requested(rma_number: str, order_number: str, amount: str, lines=None, **fields) -> dict:
    return _rma_envelope(rma_number, order_number, "convenience", status="resolved", kind="discount",
                         amount={"amount": amount, "currency": "EUR"}, description="A discount",
                         lines=lines or [rma_line()], **fields)


def replacement_requested(rma_number: str, order_number: str, address: dict, lines=None, **fields) -> dict:
    return _rma_envelope(rma_number, order_number, "advanced_warranty", lines=lines or [rma_line()],
                         shipping_address=address, **fields)


def settled(config, order_number: str) -> dict[str, tuple[str, str]]:
    """RMA number -> (refund | credit, amount) that orders recorded on an order."""
    from sqlalchemy import text

    engine = make_engine(config["DATABASE_URLS"]["orders"])
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT p.reference, p.kind, p.amount FROM order_payments p JOIN orders o ON o.id = p.order_id "
            "WHERE o.number = :number AND p.kind IN ('refund', 'credit')"), {"number": order_number}).all()
    engine.dispose()
    return {reference: (kind, f"{float(amount):.2f}") for reference, kind, amount in rows}
