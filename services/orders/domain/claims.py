"""What an accepted return may take from an order: checked against what orders sold, never an event's word.

Returns asks for a refund, a credit (a commercial offer the customer accepted) or a replacement
for lines of a delivered order. Orders holds the order as sent (lines, prices, address) and every
earlier claim on it, and grants only what they cover:

* lines of that order only, each a product whose article code is the one sold on that line;
* per line, at most the pieces sold minus those earlier claims (refunds, credits, replacements)
  already settled: each piece is settled once;
* money (refund, credit) in the order's currency, at most what those pieces cost with their VAT
  at the order's own prices, and never beyond the order's total with everything refunded before;
* goods (replacement) only to the order's own shipping address: orders does not know the RMA's
  return address, so it cannot vouch for any other.

A claim is keyed by its RMA number: the same RMA asking the same again is granted once.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from services.orders.domain import pricing
from services.orders.domain.errors import ClaimRefused
from services.orders.domain.model import Cart, CartLine, Order

MONEY_KINDS = ("refund", "credit")
ADDRESS_FIELDS = ("name", "street", "postal_code", "city", "country")


class ReturnClaim:
    """One RMA's settlement of an order: its kind, the pieces per order line and the money it took."""

    def __init__(self, rma_number: str, kind: str, pieces: dict[int, int], amount: Decimal | None, now: datetime):
        self.id = str(uuid.uuid4())
        self.rma_number = rma_number
        self.kind = kind  # refund | credit | replacement
        self.lines = [{"position": position, "quantity": quantity} for position, quantity in sorted(pieces.items())]
        self.amount = amount
        self.at = now

    @property
    def pieces(self) -> dict[int, int]:
        return {line["position"]: line["quantity"] for line in self.lines}


def claim(order, kind: str, rma_number: str, lines: list[dict], now: datetime, amount: Decimal | None = None,
          currency: str | None = None, address: dict | None = None) -> ReturnClaim | None:
    """Grant ``rma_number`` its refund, credit or replacement on ``order``, or raise ClaimRefused.

    None: this RMA was already granted this (a redelivery, or the same request again).
    """
    earlier = next((c for c in order.claims if c.rma_number == rma_number), None)
    if earlier is not None and earlier.kind == kind:
        return None
    if earlier is not None:
        raise ClaimRefused(f"{rma_number} already settled {order.number} by a {earlier.kind}.")
    if any(p.kind == kind and p.reference == rma_number for p in order.payments):
        return None  # recorded before claims were kept (migration o0005)
    if order.status != "delivered":
        raise ClaimRefused(f"{rma_number}: {order.number} is {order.status}, not delivered.")
    pieces = _pieces(order, rma_number, lines)
    if kind in MONEY_KINDS:
        _check_money(order, rma_number, pieces, amount, currency)
    else:
        _check_address(order, rma_number, address)
    granted = ReturnClaim(rma_number, kind, pieces, amount if kind in MONEY_KINDS else None, now)
    order.claims.append(granted)
    return granted


def replacement_order(*, number: str, original: Order, rma_number: str, pieces: dict[int, int],
                      now: datetime) -> Order:
    """A zero-price order that sends the replacement goods of an accepted return.

    Made from the original as orders sold it (``pieces``: order line position -> pieces that
    :func:`claim` granted), to the original's shipping address: nothing from the event.
    """
    goods = Cart(original.owner_id, original.company_id, f"Replacement {rma_number}", "", now)
    for line in original.lines:  # a transient cart: only the shape the order is made from
        if pieces.get(line.position):
            goods.lines.append(CartLine("product", line.reference, line.name, pieces[line.position], Decimal("0.00"),
                                        original.currency, line.vat_rate))
    order = Order(number=number, cart=goods, customer_kind=original.customer_kind, billing=original.billing,
                  shipping_address=dict(original.shipping_address), payment_method="replacement",
                  idempotency_key=None, now=now)
    order.cart_id = f"rma:{rma_number}"  # the unique cart id lets one RMA make one replacement, whatever races
    order.net_total = order.vat_total = order.shipping_total = order.total = Decimal("0.00")
    order.payment_status = "paid"  # nothing to pay
    order.history[0].note = f"Replacement for {rma_number} (order {original.number})"
    order.record("order_placed", occurred_at=now, **order.summary())
    return order


def settled(order, position: int) -> int:
    """Pieces of an order line that earlier returns already took (refunded, credited or replaced)."""
    return sum(c.pieces.get(position, 0) for c in order.claims)


def _pieces(order, rma_number: str, lines: list[dict]) -> dict[int, int]:
    sold = {line.position: line for line in order.lines}
    asked: dict[int, int] = {}
    for item in lines:
        line = sold.get(item["position"])
        if line is None:
            raise ClaimRefused(f"{rma_number}: {order.number} has no line {item['position']}.")
        if line.kind != "product" or line.reference != item["reference"]:
            raise ClaimRefused(f"{rma_number}: line {line.position} of {order.number} is {line.kind} "
                               f"{line.reference}, not {item['reference']}.")
        asked[line.position] = asked.get(line.position, 0) + item["quantity"]
    if not asked:
        raise ClaimRefused(f"{rma_number}: no lines.")
    for position, quantity in asked.items():
        left = sold[position].quantity - settled(order, position)
        if quantity > left:
            raise ClaimRefused(f"{rma_number}: {quantity} x {sold[position].reference} asked on line {position} of "
                               f"{order.number}; at most {left} of the {sold[position].quantity} sold are left.")
    return asked


def _check_money(order, rma_number: str, pieces: dict[int, int], amount: Decimal | None, currency: str | None) -> None:
    if amount is None or amount <= 0 or currency != order.currency:
        raise ClaimRefused(f"{rma_number}: {amount} {currency} is not an amount in {order.currency}.")
    sold = {line.position: line for line in order.lines}
    value = sum((gross(sold[p].unit_price, quantity, sold[p].vat_rate) for p, quantity in pieces.items()),
                Decimal("0.00"))
    if amount > value:
        raise ClaimRefused(f"{rma_number}: {amount} {currency} asked for pieces of {order.number} that cost "
                           f"{value} {currency} with VAT.")
    returned = sum((p.amount for p in order.payments if p.kind in MONEY_KINDS), Decimal("0.00"))
    if returned + amount > order.total:
        raise ClaimRefused(f"{rma_number}: {amount} {currency} more would bring what {order.number} gave back to "
                           f"{returned + amount} {currency}, over its total of {order.total}.")


def _check_address(order, rma_number: str, address: dict | None) -> None:
    if address is None or _normal(address) != _normal(order.shipping_address):
        raise ClaimRefused(f"{rma_number}: a replacement goes to the shipping address of {order.number} only.")


def _normal(address: dict) -> tuple:
    return tuple(" ".join(str(address.get(name) or "").split()).casefold() for name in ADDRESS_FIELDS)


def gross(unit_price: Decimal, quantity: int, vat_rate: Decimal) -> Decimal:
    amounts = pricing.line_amounts(unit_price, quantity, vat_rate)
    return amounts.net + amounts.vat
