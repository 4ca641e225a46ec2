"""Money arithmetic for carts and orders: pure functions on Decimal.

Catalog prices are net; VAT is computed per line and rounded half-up to the
cent, then summed (the way Italian and German invoices show it).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
FREE_SHIPPING_FROM = Decimal("100.00")
SHIPPING_FEE = Decimal("9.90")
SHIPPING_VAT_RATE = Decimal("22.00")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal


def line_amounts(unit_price: Decimal, quantity: int, vat_rate: Decimal) -> LineAmounts:
    net = cents(unit_price * quantity)
    return LineAmounts(net, cents(net * vat_rate / 100))


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    shipping: Decimal
    total: Decimal
    currency: str


def totals(lines, currency: str, ships_goods: bool) -> Totals:
    """``lines``: objects with unit_price, quantity, vat_rate. Shipping is free from 100 net, or without goods."""
    amounts = [line_amounts(l.unit_price, l.quantity, l.vat_rate) for l in lines]
    net = sum((a.net for a in amounts), Decimal("0.00"))
    vat = sum((a.vat for a in amounts), Decimal("0.00"))
    shipping = Decimal("0.00") if not ships_goods or net >= FREE_SHIPPING_FROM else SHIPPING_FEE
    shipping_vat = cents(shipping * SHIPPING_VAT_RATE / 100)
    return Totals(net, vat + shipping_vat, shipping, cents(net + vat + shipping + shipping_vat), currency)
