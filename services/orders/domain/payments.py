"""How an order gets paid: one provider per payment method, behind one small interface.

A provider says what the order's payment status starts as and what the customer is told to do.
A card provider would add a method here (start a payment session, answer with a redirect) and
record the payment when its callback confirms it; checkout needs no change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PaymentStart:
    status: str  # the order's payment status at placing
    instructions: str  # what the customer does next


class PaymentProvider(Protocol):
    method: str

    def start(self, order_number: str, total: str, currency: str) -> PaymentStart: ...


class BankTransfer:
    """The order waits in 'awaiting' until staff record the transfer."""

    method = "bank_transfer"

    def start(self, order_number: str, total: str, currency: str) -> PaymentStart:
        return PaymentStart("awaiting", f"Transfer {total} {currency} quoting {order_number}; "
                                        "the order is prepared once the payment is recorded.")


class CashOnDelivery:
    """Paid to the courier; staff record the payment when the carrier remits it."""

    method = "cash_on_delivery"

    def start(self, order_number: str, total: str, currency: str) -> PaymentStart:
        return PaymentStart("awaiting", f"Pay {total} {currency} to the courier on delivery.")


PROVIDERS: dict[str, PaymentProvider] = {p.method: p for p in (BankTransfer(), CashOnDelivery())}
