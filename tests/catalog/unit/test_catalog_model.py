"""Products and services: prices, the event a price change records, pricing rules."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from services.catalog.domain.errors import InvalidPricing
from services.catalog.domain.forms import OrderForm
from services.catalog.domain.model import Price, Product, Service, ServiceCategory, slugify

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def eur(amount: str) -> Price:
    return Price(Decimal(amount), "EUR")


def product(**overrides) -> Product:
    fields = dict(code=" AB-1 ", name="Trapano", price=eur("12.50"), vat_rate=Decimal("22"), now=NOW,
                  technical_description="Größe XL")
    return Product(**(fields | overrides))


def test_a_new_product_is_indexed_by_its_folded_words_and_records_nothing():
    made = product()
    assert (made.code, made.code_key) == ("AB-1", "ab-1")
    assert (made.search_name, made.search_details) == ("ab 1 trapano", "grosse xl")
    assert made.drain_events() == []


def test_a_price_change_records_old_and_new_price_once():
    made = product()
    made.change(LATER, price=eur("13.00"))
    [event] = made.drain_events()
    assert event.type == "product_price_changed"
    assert event.occurred_at == LATER
    assert event.data == {"code": "AB-1", "old_price": {"amount": Decimal("12.50"), "currency": "EUR"},
                          "new_price": {"amount": Decimal("13.00"), "currency": "EUR"}}
    assert made.drain_events() == []
    assert made.updated_at == LATER


def test_the_same_price_written_differently_is_no_change():
    made = product()
    made.change(LATER, price=eur("12.5"), stock_status="low_stock")
    assert made.drain_events() == []
    assert made.stock_status == "low_stock"


def test_a_currency_change_is_a_price_change():
    made = product()
    made.change_price(Price(Decimal("12.50"), "CHF"), LATER)
    assert made.drain_events()[0].data["new_price"]["currency"] == "CHF"


def test_renaming_reindexes_the_product():
    made = product()
    made.change(LATER, name="Seghetto", technical_description="Perché")
    assert (made.search_name, made.search_details) == ("ab 1 seghetto", "perche")


def test_the_article_code_cannot_be_edited():
    with pytest.raises(TypeError):
        product().change(LATER, code="OTHER")


@pytest.mark.parametrize("amount, currency", [("-1", "EUR"), ("1.005", "EUR"), ("1", "eur"), ("1", "EURO"),
                                              ("NaN", "EUR"), ("10000000000", "EUR")])
def test_a_price_is_a_non_negative_amount_in_cents_and_an_iso_currency(amount, currency):
    with pytest.raises(ValueError):
        Price(Decimal(amount), currency)


def test_slugs_are_folded_words_joined_by_dashes():
    assert slugify("  Gartengeräte & Zubehör ") == "gartengerate-zubehor"
    assert slugify("Оптика") == "оптика"


def service(pricing="fixed", price=eur("49.00")) -> Service:
    return Service(category=ServiceCategory("Montaggio"), name="Montaggio", description="", pricing=pricing,
                   price=price, vat_rate=Decimal("22"), form=OrderForm(), now=NOW)


def test_a_fixed_price_service_needs_a_price_and_one_on_quote_has_none():
    with pytest.raises(InvalidPricing) as missing:
        service(price=None)
    assert set(missing.value.fields) == {"price"}
    with pytest.raises(InvalidPricing):
        service(pricing="quote")
    assert service(pricing="quote", price=None).price is None


def test_switching_a_service_to_quote_drops_its_price_and_back_needs_one():
    made = service()
    made.change(LATER, pricing="quote")
    assert (made.pricing, made.price) == ("quote", None)
    with pytest.raises(InvalidPricing):
        made.change(LATER, pricing="fixed")
    made.change(LATER, pricing="fixed", price=eur("10.00"))
    assert made.price == eur("10.00")
