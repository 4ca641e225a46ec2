"""Returns' own copy of delivered orders (from orders.order_delivered): what may come back, until when."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from services.returns.domain import policies
from services.returns.domain.errors import LineNotInOrder, LineNotReturnable, WindowClosed


class DeliveredLine:
    def __init__(self, position: int, kind: str, reference: str, name: str, quantity: int, unit_price: Decimal,
                 currency: str, vat_rate: Decimal):
        self.id = str(uuid.uuid4())
        self.position = position
        self.kind = kind  # product | service: only products travel back
        self.reference = reference
        self.name = name
        self.quantity = quantity
        self.unit_price = unit_price
        self.currency = currency
        self.vat_rate = vat_rate


class DeliveredOrder:
    """A delivered order as returns needs it; its return window opens at delivery."""

    def __init__(self, order_number: str, customer_id: str, company_id: str | None, customer_kind: str,
                 delivered_at: datetime, lines: list[DeliveredLine], policy: policies.ReturnPolicy, now: datetime):
        self.id = str(uuid.uuid4())
        self.order_number = order_number
        self.customer_id = customer_id
        self.company_id = company_id
        self.customer_kind = customer_kind
        self.delivered_at = delivered_at
        # Fixed when the window opens: a later change of the setting does not move existing windows.
        self.window_closes_at = policies.window_closes_at(delivered_at, policy)
        self.received_at = now
        self.lines = lines

    @classmethod
    def from_event(cls, event: dict, policy: policies.ReturnPolicy, now: datetime) -> "DeliveredOrder":
        lines = [DeliveredLine(l["position"], l["kind"], l["reference"], l["name"], l["quantity"],
                               l["unit_price"]["amount"], l["unit_price"]["currency"], l["vat_rate"])
                 for l in event["lines"]]
        return cls(event["order_number"], event["customer_id"], event.get("company_id"), event["customer_kind"],
                   event["delivered_at"], lines, policy, now)

    def visible_to(self, customer_id: str, company_id: str | None) -> bool:
        """One's own orders, and for a company's representatives every order of their company."""
        return self.customer_id == customer_id or (company_id is not None and self.company_id == company_id)

    def window_open(self, now: datetime) -> bool:
        return policies.window_open(self.window_closes_at, now)

    def ensure_window_open(self, now: datetime) -> None:
        if not self.window_open(now):
            raise WindowClosed(
                f"Order {self.order_number} was delivered on {self.delivered_at:%Y-%m-%d}; "
                f"returns closed on {self.window_closes_at:%Y-%m-%d %H:%M} UTC.",
                extra={"delivered_at": self.delivered_at.isoformat(),
                       "window_closes_at": self.window_closes_at.isoformat()})

    def line(self, position: int) -> DeliveredLine:
        found = next((l for l in self.lines if l.position == position), None)
        if found is None:
            raise LineNotInOrder(f"Order {self.order_number} has no line {position}.",
                                 fields={"lines": [f"No line {position} in this order."]})
        if found.kind != "product":
            raise LineNotReturnable(f"Line {position} is a service.", fields={"lines": [f"Line {position} is a service."]})
        return found

    def returnable(self, held: dict[int, int]) -> dict[int, int]:
        """Per product line, what is not yet under an open or accepted return (``held``: position -> pieces)."""
        return {l.position: max(0, l.quantity - held.get(l.position, 0)) for l in self.lines if l.kind == "product"}


DELIVERY_FACTS = ("customer_id", "company_id", "customer_kind", "delivered_at")


def delivery_mismatches(event: dict, confirmed: dict) -> list[str]:
    """What an order_delivered event says differently from orders' own answer (both loaded): the
    fields at fault, empty when they agree. A window opens on what orders confirms, never on more."""
    wrong = [name for name in DELIVERY_FACTS if event.get(name) != confirmed.get(name)]
    if _lines(event["lines"]) != _lines(confirmed["lines"]):
        wrong.append("lines")
    return wrong


def _lines(lines: list[dict]) -> list[tuple]:
    return sorted((l["position"], l["kind"], l["reference"], l["name"], l["quantity"], l["unit_price"]["amount"],
                   l["unit_price"]["currency"], l["vat_rate"]) for l in lines)

