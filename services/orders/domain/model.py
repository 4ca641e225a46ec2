"""Carts and orders: plain Python with their state machines (mapped in adapters/orm.py)."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from services.chassis.domain import RecordsEvents
from services.orders.domain import pricing
from services.orders.domain.payments import PROVIDERS
from services.orders.domain.errors import (CartPurchased, CurrencyMismatch, EmptyCart, IllegalTransition,
                                           LineNotFound, LinesUnavailable, PricesChanged, QuotedQuantityFixed)

MAX_QUANTITY = 9999


class CartLine:
    def __init__(self, kind: str, reference: str, name: str, quantity: int, unit_price: Decimal, currency: str,
                 vat_rate: Decimal, form: dict | None = None):
        self.id = str(uuid.uuid4())
        self.position = 0  # set when added to a cart: lines keep the order they were added in
        self.kind = kind  # product | service
        self.reference = reference  # article code or service id
        self.name = name
        self.quantity = quantity
        self.unit_price = unit_price
        self.currency = currency
        self.vat_rate = vat_rate
        self.form = form
        self.catalog_price: Decimal | None = None  # a newer catalog price, when known to differ
        # When the catalog's price the line knows was true: price events may arrive out of
        # order (a retried one after a newer one), and older news must not undo newer news.
        self.price_seen_at: datetime | None = None
        self.unavailable = False
        # Priced by an accepted quote: the price holds for the quantity quoted, no other (REVIEW R20).
        self.quoted = False

    @property
    def stale(self) -> bool:
        return self.catalog_price is not None and self.catalog_price != self.unit_price

    def learn_catalog_price(self, price: Decimal, as_of: datetime) -> None:
        """The catalog charges ``price`` since ``as_of``; news older than what the line knows is ignored."""
        if self.price_seen_at is not None and as_of <= self.price_seen_at:
            return
        self.catalog_price = price if price != self.unit_price else None
        self.price_seen_at = as_of


class Cart(RecordsEvents):
    """A draft order. States: active (in use) <-> inactive (kept); active/inactive -> purchased (read only)."""

    def __init__(self, owner_id: str, company_id: str | None, name: str, note: str, now: datetime):
        self.id = str(uuid.uuid4())
        self.owner_id = owner_id
        self.company_id = company_id
        self.name = name
        self.note = note
        self.status = "active"
        self.created_at = now
        self.updated_at = now
        self.quote_id: str | None = None  # set when the cart was made from an accepted quote
        self.lines: list[CartLine] = []

    # -- states --------------------------------------------------------------------------
    def ensure_editable(self) -> None:
        if self.status == "purchased":
            raise CartPurchased("Create a new cart or copy this one.")

    def activate(self, now: datetime) -> None:
        self.ensure_editable()
        self.status, self.updated_at = "active", now

    def deactivate(self, now: datetime) -> None:
        self.ensure_editable()
        self.status, self.updated_at = "inactive", now

    def rename(self, name: str | None, note: str | None, now: datetime) -> None:
        self.ensure_editable()
        if name is not None:
            self.name = name
        if note is not None:
            self.note = note
        self.updated_at = now

    # -- lines -----------------------------------------------------------------------------
    def add(self, line: CartLine, now: datetime) -> CartLine:
        self.ensure_editable()
        if self.lines and any(l.currency != line.currency for l in self.lines):
            raise CurrencyMismatch(f"This cart is in {self.lines[0].currency}.")
        same = next((l for l in self.lines if l.kind == "product" and line.kind == "product"
                     and l.reference == line.reference and l.unit_price == line.unit_price), None)
        if same is not None:  # the same product at the same price: one line, more pieces
            same.quantity = min(MAX_QUANTITY, same.quantity + line.quantity)
            line = same
        else:
            line.position = max((l.position for l in self.lines), default=0) + 1
            line.price_seen_at = line.price_seen_at or now  # added at the catalog's price of this moment
            self.lines.append(line)
        self.updated_at = now
        return line

    def line(self, line_id: str) -> CartLine:
        found = next((l for l in self.lines if l.id == line_id), None)
        if found is None:
            raise LineNotFound("No such line in this cart.")
        return found

    def set_quantity(self, line_id: str, quantity: int, now: datetime) -> CartLine:
        self.ensure_editable()
        line = self.line(line_id)
        if line.quoted and quantity != line.quantity:
            # A quote prices work for the quantity asked (set-up, volume): more or fewer pieces
            # need a new quote. Removing the line stays possible: the customer buys less, not cheaper.
            raise QuotedQuantityFixed("Ask for a new quote to change the quantity.",
                                      fields={"quantity": [f"Quoted for {line.quantity}."]})
        line.quantity, self.updated_at = quantity, now
        return line

    def remove(self, line_id: str, now: datetime) -> None:
        self.ensure_editable()
        self.lines.remove(self.line(line_id))
        self.updated_at = now

    # -- prices ----------------------------------------------------------------------------
    def note_catalog_price(self, code: str, price: Decimal, as_of: datetime) -> None:
        """A price changed in the catalog: lines added at another price become stale."""
        if self.status == "purchased":
            return
        for line in self.lines:
            if line.kind == "product" and line.reference == code:
                line.learn_catalog_price(price, as_of)

    def apply_catalog_prices(self, current: dict[str, Decimal | None], now: datetime) -> None:
        """The catalog's prices asked just now (None: no longer sold): mark stale and unavailable lines."""
        for line in self.lines:
            if line.kind == "product" and line.reference in current:
                price = current[line.reference]
                line.unavailable = price is None
                if price is not None:
                    line.learn_catalog_price(price, now)

    def reprice(self, current: dict[str, Decimal | None], now: datetime) -> list[dict]:
        """Set every line to the catalog's price (None: no longer sold); returns what changed."""
        self.ensure_editable()
        changes = []
        for line in self.lines:
            if line.reference not in current:
                continue
            price = current[line.reference]
            line.unavailable = price is None
            if price is not None and price != line.unit_price:
                changes.append({"line_id": line.id, "reference": line.reference, "name": line.name,
                                "old_price": line.unit_price, "new_price": price, "currency": line.currency})
                line.unit_price = price
            line.catalog_price, line.price_seen_at = None, now
        self.updated_at = now
        return changes

    def check_ready_for_checkout(self) -> None:
        if not self.lines:
            raise EmptyCart("Add something first.")
        stale = [l for l in self.lines if l.stale]
        if stale:
            raise PricesChanged(
                "Refresh the prices (POST /api/v1/carts/{id}/refresh-prices) and check the cart again.",
                extra={"lines": [{"line_id": l.id, "reference": l.reference, "name": l.name,
                                  "price_in_cart": str(l.unit_price), "catalog_price": str(l.catalog_price),
                                  "currency": l.currency} for l in stale]})
        unavailable = [l for l in self.lines if l.unavailable]
        if unavailable:
            raise LinesUnavailable("Remove them and try again.",
                                   extra={"lines": [{"line_id": l.id, "reference": l.reference} for l in unavailable]})

    def totals(self) -> pricing.Totals:
        currency = self.lines[0].currency if self.lines else "EUR"
        return pricing.totals(self.lines, currency, ships_goods=any(l.kind == "product" for l in self.lines))

    def mark_purchased(self, now: datetime) -> None:
        self.ensure_editable()
        self.status, self.updated_at = "purchased", now


# -- orders ----------------------------------------------------------------------------------
TRANSITIONS = {
    "placed": {"processing", "cancelled"},
    "processing": {"fulfilled", "cancelled"},
    "fulfilled": {"delivered"},
    "delivered": set(),
    "cancelled": set(),
}
CUSTOMER_STATUS = {"placed": "unfulfilled", "processing": "in progress", "fulfilled": "fulfilled",
                   "delivered": "fulfilled", "cancelled": "cancelled"}
PAYMENT_METHODS = tuple(PROVIDERS)


class OrderLine:
    def __init__(self, position: int, kind: str, reference: str, name: str, quantity: int, unit_price: Decimal,
                 vat_rate: Decimal, form: dict | None):
        self.id = str(uuid.uuid4())
        self.position = position
        self.kind = kind
        self.reference = reference
        self.name = name
        self.quantity = quantity
        self.unit_price = unit_price
        self.vat_rate = vat_rate
        amounts = pricing.line_amounts(unit_price, quantity, vat_rate)
        self.net_amount = amounts.net
        self.vat_amount = amounts.vat
        self.form = form


class StatusChange:
    def __init__(self, status: str, at: datetime, note: str | None = None):
        self.id = str(uuid.uuid4())
        self.status = status
        self.at = at
        self.note = note


class Payment:
    def __init__(self, amount: Decimal, reference: str | None, at: datetime, kind: str = "payment"):
        self.id = str(uuid.uuid4())
        self.amount = amount
        self.reference = reference
        self.kind = kind  # payment | refund
        self.at = at


class Order(RecordsEvents):
    """An order exactly as sent: lines, prices, addresses and totals are snapshots."""

    def __init__(self, *, number: str, cart: Cart, customer_kind: str, billing: dict, shipping_address: dict,
                 payment_method: str, idempotency_key: str | None, now: datetime):
        self.id = str(uuid.uuid4())
        self.number = number
        self.cart_id = cart.id
        self.owner_id = cart.owner_id
        self.company_id = cart.company_id
        self.customer_kind = customer_kind
        self.billing = billing
        self.shipping_address = shipping_address
        self.payment_method = payment_method
        self.idempotency_key = idempotency_key
        self.status = "placed"
        self.payment_status = "awaiting"
        self.payment_instructions: str | None = None
        self.carrier = None
        self.tracking_number = None
        self.placed_at = now
        self.delivered_at = None
        totals = cart.totals()
        self.currency = totals.currency
        self.net_total, self.vat_total = totals.net, totals.vat
        self.shipping_total, self.total = totals.shipping, totals.total
        self.lines = [OrderLine(i + 1, l.kind, l.reference, l.name, l.quantity, l.unit_price, l.vat_rate, l.form)
                      for i, l in enumerate(cart.lines)]
        self.history = [StatusChange("placed", now)]
        self.payments: list[Payment] = []
        self.claims: list = []  # claims.ReturnClaim: what accepted returns took from this order

    @classmethod
    def place(cls, cart: Cart, now: datetime, **details) -> "Order":
        cart.check_ready_for_checkout()
        order = cls(cart=cart, now=now, **details)
        started = PROVIDERS[order.payment_method].start(order.number, str(order.total), order.currency)
        order.payment_status, order.payment_instructions = started.status, started.instructions
        cart.mark_purchased(now)
        order.record("order_placed", occurred_at=now, **order.summary())
        return order

    def summary(self) -> dict:
        return {"order_number": self.number, "customer_id": self.owner_id, "company_id": self.company_id,
                "customer_kind": self.customer_kind,
                "email": self.billing.get("invoice_email") or self.billing.get("contact_email"),
                "payment_method": self.payment_method,
                "total": {"amount": str(self.total), "currency": self.currency},
                "lines": [self.line_payload(l) for l in self.lines]}

    def delivery_facts(self) -> dict:
        """What order_delivered says, and what orders confirms to returns when it asks (internal RPC)."""
        return {"order_number": self.number, "customer_id": self.owner_id, "company_id": self.company_id,
                "customer_kind": self.customer_kind, "delivered_at": self.delivered_at.isoformat(),
                "lines": [self.line_payload(l) for l in self.lines]}

    def line_payload(self, line: OrderLine) -> dict:
        return {"position": line.position, "kind": line.kind, "reference": line.reference, "name": line.name,
                "quantity": line.quantity,
                "unit_price": {"amount": str(line.unit_price), "currency": self.currency},
                "vat_rate": str(line.vat_rate)}

    def move_to(self, status: str, now: datetime, note: str | None = None, carrier: str | None = None,
                tracking_number: str | None = None) -> None:
        if status not in TRANSITIONS.get(self.status, ()):
            raise IllegalTransition(f"An order that is {self.status} cannot become {status}.",
                                    extra={"current_status": self.status,
                                           "allowed": sorted(TRANSITIONS.get(self.status, ()))})
        previous, self.status = self.status, status
        if status == "fulfilled":
            self.carrier, self.tracking_number = carrier, tracking_number
        self.history.append(StatusChange(status, now, note))
        self.record("order_status_changed", occurred_at=now, order_number=self.number, customer_id=self.owner_id,
                    previous_status=previous, status=status, customer_status=CUSTOMER_STATUS[status],
                    carrier=self.carrier, tracking_number=self.tracking_number)
        if status == "delivered":
            self.delivered_at = now
            self.record("order_delivered", occurred_at=now, **self.delivery_facts())
        if status == "cancelled":
            self.record("order_cancelled", occurred_at=now, order_number=self.number, customer_id=self.owner_id,
                        reason=note)

    def record_payment(self, amount: Decimal, reference: str | None, now: datetime) -> Payment:
        if self.status == "cancelled":
            raise IllegalTransition("A cancelled order takes no payments.", extra={"current_status": self.status})
        payment = Payment(amount, reference, now)
        self.payments.append(payment)
        paid = self.paid
        if self.payment_status == "awaiting" and paid >= self.total:
            self.payment_status = "paid"
            self.record("order_paid", occurred_at=now, order_number=self.number, customer_id=self.owner_id,
                        amount={"amount": str(paid), "currency": self.currency})
        return payment

    def record_refund(self, amount: Decimal, reference: str, now: datetime, kind: str = "refund") -> Payment | None:
        """Money back for a return (returns.refund_requested) or a credit granted instead (credit_requested).

        Keyed by the RMA number: the same return never refunds twice, whatever is redelivered.
        """
        if any(p.kind == kind and p.reference == reference for p in self.payments):
            return None
        entry = Payment(amount, reference, now, kind=kind)
        self.payments.append(entry)
        if kind == "refund":
            refunded = sum((p.amount for p in self.payments if p.kind == "refund"), Decimal("0"))
            self.payment_status = "refunded" if refunded >= self.total else "partially_refunded"
        return entry

    @property
    def paid(self) -> Decimal:
        """What the recorded payments add up to (partial payments count: a transfer in two parts)."""
        return sum((p.amount for p in self.payments if p.kind == "payment"), Decimal("0"))

    @property
    def customer_status(self) -> str:
        return CUSTOMER_STATUS[self.status]
