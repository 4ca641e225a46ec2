"""What returns asks of orders once a return is accepted: refunds, credits, replacements.

Each request is checked against the order as orders knows it (domain/claims.py) before any
money or goods move; what the order does not cover is refused with EventRejected, so the
consumer dead-letters it at once with the reason (``sportello dlq show orders``), never retries it.
"""
from __future__ import annotations

from services.chassis.events import EventRejected
from services.orders.adapters.repositories import Orders
from services.orders.domain import claims
from services.orders.domain.errors import ClaimRefused
from services.orders.domain.model import Order


def record_refund(uow, event: dict, clock, kind: str = "refund") -> None:
    """returns.refund_requested / credit_requested: the order keeps the refund (or credit) owed for an RMA."""
    order = _claimed_order(uow, event)
    amount = event["amount"]
    now = clock()
    if _grant(order, kind, event, now, amount=amount["amount"], currency=amount["currency"]) is not None:
        order.record_refund(amount["amount"], event["rma_number"], now, kind=kind)
    uow.commit()  # also the inbox row of a repeat


def create_replacement(uow, event: dict, clock) -> Order | None:
    """returns.replacement_requested: a zero-price order for the replacement goods, one per RMA."""
    orders = Orders(uow.session)
    existing = orders.by_cart(f"rma:{event['rma_number']}")
    if existing is not None:
        uow.commit()
        return existing
    original = _claimed_order(uow, event)
    now = clock()
    granted = _grant(original, "replacement", event, now, address=event["shipping_address"])
    if granted is None:
        uow.commit()
        return None
    order = claims.replacement_order(number=orders.next_number(now.year), original=original,
                                     rma_number=event["rma_number"], pieces=granted.pieces, now=now)
    orders.add(order)
    uow.commit()
    return order


def _claimed_order(uow, event: dict) -> Order:
    """The order the RMA names, locked until commit: two returns on one order take turns."""
    order = Orders(uow.session).by_number(event["order_number"], lock=True)
    if order is None:  # orders numbers its orders itself: one it never made will not appear later
        raise EventRejected(f"{event['rma_number']}: orders has no order {event['order_number']}.")
    return order


def _grant(order: Order, kind: str, event: dict, now, **details) -> claims.ReturnClaim | None:
    try:
        return claims.claim(order, kind, event["rma_number"], event["lines"], now, **details)
    except ClaimRefused as refused:
        raise EventRejected(refused.detail) from None
