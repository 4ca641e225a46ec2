"""The catalog: products with their taxonomy and prices, and purchasable services.

Plain Python, mapped to tables in adapters/orm.py. A product records
``product_price_changed`` when its price changes; the unit of work writes it
to the outbox in the same commit.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable

from services.catalog.domain.errors import InvalidPricing
from services.catalog.domain.forms import OrderForm
from services.catalog.domain.search import code_key, search_document, search_words
from services.chassis.domain import RecordsEvents

STOCK_STATUSES = ("in_stock", "low_stock", "out_of_stock", "on_order")
PRICINGS = ("fixed", "quote")
MAX_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2)


@dataclass(frozen=True)
class Price:
    """An amount in one currency, to the cent. 12.5 EUR equals 12.50 EUR."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        if not (len(self.currency) == 3 and self.currency.isascii() and self.currency.isalpha() and self.currency.isupper()):
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")
        if not self.amount.is_finite() or self.amount < 0 or self.amount > MAX_AMOUNT:
            raise ValueError(f"amount out of range: {self.amount}")
        if self.amount.as_tuple().exponent < -2:
            raise ValueError(f"more than two decimal places: {self.amount}")

    def as_money(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency}


def slugify(name: str) -> str:
    """The stable key of a producer, category or showcase, used in filters and URLs."""
    return "-".join(search_words(name))[:100]


class Taxon:
    """Something products or services are grouped by, known by a name and its slug."""

    def __init__(self, name: str):
        self.name = name.strip()
        self.slug = slugify(name)


class Producer(Taxon):
    pass


class Category(Taxon):
    pass


class Showcase(Taxon):
    pass


class ServiceCategory(Taxon):
    pass


class Product(RecordsEvents):
    # What staff and the import may change; the article code is the product's identity.
    EDITABLE = frozenset({
        "name", "technical_description", "producer", "categories", "showcases", "price", "vat_rate",
        "stock_status", "thumbnail_url", "image_urls", "active",
    })

    def __init__(self, *, code: str, name: str, price: Price, vat_rate: Decimal, now: datetime,
                 technical_description: str = "", producer: Producer | None = None,
                 categories: Iterable[Category] = (), showcases: Iterable[Showcase] = (),
                 stock_status: str = "in_stock", thumbnail_url: str | None = None,
                 image_urls: Iterable[str] = (), active: bool = True):
        self.code = code.strip()
        self.code_key = code_key(code)
        self.name = name
        self.technical_description = technical_description
        self.producer = producer
        self.categories = list(categories)
        self.showcases = list(showcases)
        self.price_amount, self.currency = price.amount, price.currency
        self.vat_rate = vat_rate
        self.stock_status = stock_status
        self.thumbnail_url = thumbnail_url
        self.image_urls = list(image_urls)
        self.active = active
        self.created_at = self.updated_at = now
        self._index()

    @property
    def price(self) -> Price:
        return Price(self.price_amount, self.currency)

    def change(self, now: datetime, **changes: Any) -> None:
        """Apply an edit; only the attributes given change."""
        unknown = set(changes) - self.EDITABLE
        if unknown:
            raise TypeError(f"not editable: {sorted(unknown)}")
        if "price" in changes:
            self.change_price(changes.pop("price"), now)
        for attribute, value in changes.items():
            setattr(self, attribute, list(value) if attribute in ("categories", "showcases", "image_urls") else value)
        if {"name", "technical_description"} & changes.keys():
            self._index()
        self.updated_at = now

    def change_price(self, new_price: Price, now: datetime) -> None:
        old_price = self.price
        if new_price == old_price:
            return
        self.price_amount, self.currency = new_price.amount, new_price.currency
        self.updated_at = now
        self.record("product_price_changed", occurred_at=now, code=self.code,
                    old_price=old_price.as_money(), new_price=new_price.as_money())

    def _index(self) -> None:
        # Kept beside the text it is made from; the database's full-text index reads these columns.
        self.search_name, self.search_details = search_document(self.code, self.name, self.technical_description)


class Service(RecordsEvents):
    """A purchasable service: at a fixed price (into the cart) or on quote (into the quote cart)."""

    EDITABLE = frozenset({"category", "name", "description", "pricing", "price", "vat_rate", "form", "active"})

    def __init__(self, *, category: ServiceCategory, name: str, pricing: str, vat_rate: Decimal, form: OrderForm,
                 now: datetime, price: Price | None = None, description: str = "", active: bool = True):
        self.id = str(uuid.uuid4())
        self.category = category
        self.name = name
        self.description = description
        self.vat_rate = vat_rate
        self.form_definition = form.as_definition()
        self.active = active
        self.created_at = self.updated_at = now
        self._set_pricing(pricing, price)

    @property
    def price(self) -> Price | None:
        return None if self.price_amount is None else Price(self.price_amount, self.currency)

    @property
    def order_form(self) -> OrderForm:
        return OrderForm.from_definition(self.form_definition)

    def clean_order_form(self, values: dict[str, Any]) -> dict[str, Any]:
        """A customer's filled-in form, checked against this service's form."""
        return self.order_form.clean(values)

    def change(self, now: datetime, **changes: Any) -> None:
        unknown = set(changes) - self.EDITABLE
        if unknown:
            raise TypeError(f"not editable: {sorted(unknown)}")
        pricing = changes.pop("pricing", self.pricing)
        # Switching to "quote" drops the price; switching to "fixed" needs one.
        price = changes.pop("price") if "price" in changes else (self.price if pricing == "fixed" else None)
        self._set_pricing(pricing, price)
        if "form" in changes:
            self.form_definition = changes.pop("form").as_definition()
        for attribute, value in changes.items():
            setattr(self, attribute, value)
        self.updated_at = now

    def _set_pricing(self, pricing: str, price: Price | None) -> None:
        if pricing not in PRICINGS:
            raise InvalidPricing(fields={"pricing": [f"Must be one of {', '.join(PRICINGS)}."]})
        if pricing == "fixed" and price is None:
            raise InvalidPricing("A fixed-price service needs a price.", fields={"price": ["Required for fixed pricing."]})
        if pricing == "quote" and price is not None:
            raise InvalidPricing("A service on quote is priced per request.", fields={"price": ["Must be empty for quote pricing."]})
        self.pricing = pricing
        self.price_amount = price.amount if price else None
        self.currency = price.currency if price else None
