"""The catalog service's wire contracts: RPC in/out and event payloads.

The gateway validates requests with these same schemas, so what they load
stays JSON-safe: amounts and VAT rates are decimal strings (``"12.50"``) on
the way in, and the use cases turn them into Decimals; money on the way out is
``{"amount": "12.50", "currency": "EUR"}`` (chassis ``Money``), never a float.
This module imports nothing else of the catalog (an import-linter contract);
tests/catalog/unit/test_wire_contract.py checks that its vocabulary matches the domain's.
"""
from __future__ import annotations

import decimal
import re

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from services.chassis.events import EventSchema, Money
from services.chassis.paging import MAX_PAGE, PageOf, PageQuery  # noqa: F401 (MAX_PAGE: the bound SearchParams keeps)

SORTS = ("relevance", "name", "price_asc", "price_desc")
STOCK_STATUSES = ("in_stock", "low_stock", "out_of_stock", "on_order")
PRICINGS = ("fixed", "quote")
FIELD_TYPES = ("text", "number", "date", "choice")
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
MAX_QUERY_LENGTH = 200
MAX_LOOKUP_CODES = 500  # a cart, however large, fits in one call

CODE = validate.Regexp(CODE_PATTERN, error="Letters, digits and . _ / - (at most 64), starting with a letter or digit.")
AMOUNT = validate.Regexp(r"^\d{1,10}(\.\d{1,2})?$", error="A decimal string with at most two decimals, e.g. \"12.50\".")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="An ISO 4217 code, e.g. EUR.")
NAME = validate.Length(min=1, max=200)
TEXT = validate.Length(max=20000)
AT_MOST_20 = validate.Length(max=20)
URL_SCHEMES = {"http", "https"}
URL_LENGTH = validate.Length(max=500)


def _percent(value: str) -> None:
    if not re.match(r"^\d{1,3}(\.\d{1,2})?$", value) or float(value) > 100:
        raise ValidationError("A percentage from 0 to 100 as a decimal string, e.g. \"22.00\".")


def _taxon_name(value: str) -> None:
    if not 1 <= len(value) <= 100 or not re.search(r"[^\W_]", value):
        raise ValidationError("1 to 100 characters, with letters or digits.")


def Slug() -> fields.String:  # noqa: N802 (a field factory, read like a field class)
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


# -- search and reads ------------------------------------------------------------------------
class SearchParams(PageQuery):
    q = fields.String(load_default="", validate=validate.Length(max=MAX_QUERY_LENGTH), metadata={
        "description": "Words of the article code, name or technical description; empty lists the catalog. "
                       "The last word matches as a prefix (from two letters on)."})
    category = Slug()
    producer = Slug()
    showcase = Slug()
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS), metadata={
        "description": "relevance: the exact article code, then codes starting with q, then text relevance."})


class TaxonQuery(PageQuery):
    """A page of a taxonomy (categories, producers, showcases, service categories), by name."""


class ServiceFilter(PageQuery):
    category = Slug()


class TaxonRef(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class TaxonCount(TaxonRef):
    count = fields.Integer(required=True, metadata={"description": "Active products (or services) in it."})


TaxonCountPage = PageOf(TaxonCount, "TaxonCountPage")


class ProductHit(Schema):
    code = fields.String(required=True, metadata={"description": "The shop's article code."})
    name = fields.String(required=True)
    producer = fields.Nested(TaxonRef, allow_none=True)
    price = fields.Nested(Money, required=True)
    vat_rate = fields.Decimal(as_string=True, places=2, required=True)
    stock_status = fields.String(required=True, metadata={"enum": list(STOCK_STATUSES)})
    thumbnail_url = fields.String(allow_none=True)


class ProductDetail(ProductHit):
    technical_description = fields.String(required=True)
    categories = fields.List(fields.Nested(TaxonRef), required=True)
    showcases = fields.List(fields.Nested(TaxonRef), required=True)
    image_urls = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)


SearchPage = PageOf(ProductHit, "SearchPage")


_CENT = decimal.Decimal("0.01")


def _two_places(value) -> str:
    """A ``fields.Decimal(as_string=True, places=2)`` value, exactly as marshmallow writes it."""
    return format(decimal.Decimal(str(value)).quantize(_CENT), "f")


def _text(value) -> str | None:
    return None if value is None else str(value)


def dump_search_page(page: dict) -> dict:
    """``SearchPage().dump(page)``, written out by hand: the same JSON, several times faster.

    Search is the catalog's busiest call and a page holds up to 100 hits, each
    with nested producer and price; marshmallow spends ~0.3 ms on 20 of them.
    tests/catalog/unit/test_wire_contract.py checks that both give the same
    result, so a field added to SearchPage or ProductHit must be added here too.
    """
    return {
        "items": [{
            "code": _text(hit["code"]),
            "name": _text(hit["name"]),
            "producer": (None if hit["producer"] is None else
                         {"slug": _text(hit["producer"]["slug"]), "name": _text(hit["producer"]["name"])}),
            "price": {"amount": _two_places(hit["price"].amount), "currency": _text(hit["price"].currency)},
            "vat_rate": _two_places(hit["vat_rate"]),
            "stock_status": _text(hit["stock_status"]),
            "thumbnail_url": _text(hit["thumbnail_url"]),
        } for hit in page["items"]],
        "page": int(page["page"]),
        "per_page": int(page["per_page"]),
        "total": int(page["total"]),
        "pages": int(page["pages"]),
    }


class ProductRef(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ServiceRef(Schema):
    service_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class CodeList(Schema):
    codes = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True,
                        validate=validate.Length(max=MAX_LOOKUP_CODES))


class PricedProduct(Schema):
    code = fields.String()
    name = fields.String()
    price = fields.Nested(Money)
    vat_rate = fields.Decimal(as_string=True, places=2)
    stock_status = fields.String()
    active = fields.Boolean()


class PriceLookup(Schema):
    products = fields.List(fields.Nested(PricedProduct))
    missing = fields.List(fields.String())


# -- staff edits: a "...Changes" schema has every field optional (a PATCH) -----------------------
class MoneyInput(Schema):
    amount = fields.String(required=True, validate=AMOUNT, metadata={"example": "12.50"})
    currency = fields.String(required=True, validate=CURRENCY, metadata={"example": "EUR"})


class ProductChanges(Schema):
    """Only the fields given change; a new price publishes product_price_changed."""

    class Meta:
        unknown = RAISE

    name = fields.String(validate=NAME)
    technical_description = fields.String(validate=TEXT)
    producer = fields.String(allow_none=True, validate=_taxon_name, metadata={"description": "Name; made when new."})
    categories = fields.List(fields.String(validate=_taxon_name), validate=AT_MOST_20,
                             metadata={"description": "Names; made when new."})
    showcases = fields.List(fields.String(validate=_taxon_name), validate=AT_MOST_20)
    price = fields.Nested(MoneyInput)
    vat_rate = fields.String(validate=_percent, metadata={"example": "22.00"})
    stock_status = fields.String(validate=validate.OneOf(STOCK_STATUSES))
    thumbnail_url = fields.Url(schemes=URL_SCHEMES, allow_none=True, validate=URL_LENGTH)
    image_urls = fields.List(fields.Url(schemes=URL_SCHEMES, validate=URL_LENGTH), validate=AT_MOST_20)
    active = fields.Boolean()


class NewProduct(ProductChanges):
    code = fields.String(required=True, validate=CODE, metadata={"example": "AB-1234"})
    name = fields.String(required=True, validate=NAME)
    price = fields.Nested(MoneyInput, required=True)
    vat_rate = fields.String(required=True, validate=_percent, metadata={"example": "22.00"})


class ImportedProduct(ProductChanges):
    """One row of an import file: CSV cells are strings, and an empty cell means "not given"."""

    LIST_CELLS = ("categories", "showcases", "image_urls")
    REQUIRED_TO_CREATE = ("name", "price", "vat_rate")

    code = fields.String(required=True, validate=CODE)

    @pre_load
    def from_cells(self, row, **kwargs):
        if not isinstance(row, dict):
            raise ValidationError("Each row must be an object.")
        row = {key: value.strip() if isinstance(value, str) else value for key, value in row.items()}
        row = {key: value for key, value in row.items() if value not in ("", None)}
        for cell in self.LIST_CELLS:
            if isinstance(row.get(cell), str):  # "Utensili|Giardino"
                row[cell] = [part.strip() for part in row[cell].split("|") if part.strip()]
        if "vat_rate" in row and not isinstance(row["vat_rate"], str):
            row["vat_rate"] = str(row["vat_rate"])  # a JSON file may hold 22
        if "price" in row and not isinstance(row["price"], dict):
            row["price"] = {"amount": str(row["price"]), "currency": row.pop("currency", "EUR")}
        else:
            row.pop("currency", None)  # a currency without a price changes nothing
        return row


# -- services ------------------------------------------------------------------------------------
class FormField(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$"))
    label = fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    required = fields.Boolean()
    choices = fields.List(fields.String(validate=validate.Length(min=1, max=100)), validate=validate.Length(max=100),
                          metadata={"description": "Only for type choice."})
    max_length = fields.Integer(validate=validate.Range(min=1, max=10000), metadata={"description": "Only for text."})
    min = fields.Float(allow_none=True, metadata={"description": "Only for number."})
    max = fields.Float(allow_none=True, metadata={"description": "Only for number."})


class ServiceChanges(Schema):
    class Meta:
        unknown = RAISE

    category = fields.String(validate=_taxon_name, metadata={"description": "Service category name; made when new."})
    name = fields.String(validate=NAME)
    description = fields.String(validate=TEXT)
    pricing = fields.String(validate=validate.OneOf(PRICINGS), metadata={
        "description": "fixed: bought at its price; quote: needs a quote request."})
    price = fields.Nested(MoneyInput, allow_none=True, metadata={"description": "Required for fixed, empty for quote."})
    vat_rate = fields.String(validate=_percent)
    form = fields.List(fields.Nested(FormField), validate=validate.Length(max=50),
                       metadata={"description": "The order form the customer fills in when buying the service."})
    active = fields.Boolean()


class NewService(ServiceChanges):
    category = fields.String(required=True, validate=_taxon_name)
    name = fields.String(required=True, validate=NAME)
    pricing = fields.String(required=True, validate=validate.OneOf(PRICINGS))
    vat_rate = fields.String(required=True, validate=_percent)


class ServiceDetail(Schema):
    id = fields.String(required=True)
    category = fields.Nested(TaxonRef, required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    pricing = fields.String(required=True, metadata={"enum": list(PRICINGS)})
    price = fields.Nested(Money, allow_none=True)
    vat_rate = fields.Decimal(as_string=True, places=2, required=True)
    form = fields.Raw(attribute="form_definition", required=True, metadata={
        "type": "array", "items": {"type": "object"}, "description": "The order form: a list of FormField."})
    active = fields.Boolean(required=True)


ServiceDetailPage = PageOf(ServiceDetail, "ServiceDetailPage")


class FormCheck(ServiceRef):
    values = fields.Dict(keys=fields.String(), required=True)


class CleanedForm(Schema):
    service_id = fields.String()
    values = fields.Dict()


# -- events ---------------------------------------------------------------------------------------
class ProductPriceChanged(EventSchema):
    VERSION = 1
    code = fields.String(required=True)
    old_price = fields.Nested(Money, required=True)
    new_price = fields.Nested(Money, required=True)


EVENT_SCHEMAS = {"product_price_changed": ProductPriceChanged}
