"""Quotes for services sold on quote: draft (the quote cart) -> requested -> priced -> accepted -> ordered;
requested|priced -> declined|expired."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from services.chassis.domain import RecordsEvents
from services.orders.domain import pricing
from services.orders.domain.errors import CartPurchased, EmptyCart, IllegalTransition, LineNotFound
from services.orders.domain.model import Cart, CartLine


class QuoteExpired(IllegalTransition):
    problem = "quote-expired"
    title = "This quote is no longer valid."


class QuoteLine:
    def __init__(self, service_id: str, name: str, form: dict, quantity: int, currency: str, vat_rate: Decimal):
        self.id = str(uuid.uuid4())
        self.position = 0
        self.service_id = service_id
        self.name = name
        self.form = form
        self.quantity = quantity
        self.currency = currency
        self.vat_rate = vat_rate
        self.unit_price: Decimal | None = None  # set by staff when priced


class Quote(RecordsEvents):
    def __init__(self, owner_id: str, company_id: str | None, now: datetime):
        self.id = str(uuid.uuid4())
        self.number: str | None = None  # given when requested
        self.owner_id = owner_id
        self.company_id = company_id
        self.status = "draft"
        self.message = ""
        self.contact_email: str | None = None
        self.staff_note: str | None = None
        self.valid_until: date | None = None
        self.cart_id: str | None = None  # the cart made on acceptance
        self.created_at = now
        self.requested_at = None
        self.priced_at = None
        self.lines: list[QuoteLine] = []

    def _expect(self, *statuses: str) -> None:
        if self.status not in statuses:
            raise IllegalTransition(f"This quote is {self.status}.", extra={"current_status": self.status})

    # -- the quote cart ---------------------------------------------------------------------
    def add(self, line: QuoteLine) -> QuoteLine:
        self._expect("draft")
        line.position = max((l.position for l in self.lines), default=0) + 1
        self.lines.append(line)
        return line

    def remove(self, line_id: str) -> None:
        self._expect("draft")
        line = next((l for l in self.lines if l.id == line_id), None)
        if line is None:
            raise LineNotFound("No such line in the quote cart.")
        self.lines.remove(line)

    # -- life cycle -------------------------------------------------------------------------
    def request(self, number: str, message: str, contact_email: str, now: datetime) -> None:
        self._expect("draft")
        if not self.lines:
            raise EmptyCart("Add a service to the quote cart first.")
        self.number, self.message, self.contact_email = number, message, contact_email
        self.status, self.requested_at = "requested", now
        self.record("quote_requested", occurred_at=now, quote_number=number, customer_id=self.owner_id,
                    email=contact_email, message=message,
                    lines=[{"name": l.name, "quantity": l.quantity} for l in self.lines])

    def price(self, prices: dict[str, Decimal], valid_until: date, note: str | None, now: datetime) -> None:
        self._expect("requested")
        missing = [l.id for l in self.lines if l.id not in prices]
        if missing:
            raise IllegalTransition("Every line needs a price.", extra={"lines_without_price": missing})
        for line in self.lines:
            line.unit_price = prices[line.id]
        self.valid_until, self.staff_note = valid_until, note
        self.status, self.priced_at = "priced", now
        total = self.totals().total
        self.record("quote_priced", occurred_at=now, quote_number=self.number, customer_id=self.owner_id,
                    email=self.contact_email, valid_until=valid_until.isoformat(),
                    total={"amount": str(total), "currency": self.currency})

    def expire_if_due(self, today: date) -> None:
        if self.status == "priced" and self.valid_until is not None and today > self.valid_until:
            self.status = "expired"

    def accept(self, now: datetime) -> Cart:
        """The quote becomes a cart at the quoted prices, checked out like any other cart."""
        self.expire_if_due(now.date())
        if self.status == "expired":
            raise QuoteExpired(f"It was valid until {self.valid_until}. Ask for a new quote.")
        self._expect("priced")
        cart = Cart(self.owner_id, self.company_id, f"Quote {self.number}", self.staff_note or "", now)
        for line in self.lines:
            quoted = CartLine("service", line.service_id, line.name, line.quantity, line.unit_price, line.currency,
                              line.vat_rate, line.form)
            quoted.quoted = True
            cart.add(quoted, now)
        cart.quote_id = self.id
        self.status, self.cart_id = "accepted", cart.id
        return cart

    def decline(self, today: date) -> None:
        self.expire_if_due(today)
        self._expect("requested", "priced")
        self.status = "declined"

    def mark_ordered(self) -> None:
        if self.status != "accepted":
            raise CartPurchased("The quote was already ordered.")
        self.status = "ordered"

    @property
    def currency(self) -> str:
        return self.lines[0].currency if self.lines else "EUR"

    def totals(self) -> pricing.Totals:
        priced = [l for l in self.lines if l.unit_price is not None]
        return pricing.totals(priced, self.currency, ships_goods=False)
