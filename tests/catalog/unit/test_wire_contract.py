"""The wire contract may not import the domain (import-linter), so it keeps its own copy of
the vocabulary; these tests fail the day the two drift apart."""
import re

from services.catalog import schemas
from services.catalog.domain import forms, model, search


def test_the_wire_contract_speaks_the_domains_vocabulary():
    assert schemas.SORTS == search.SORTS
    assert schemas.STOCK_STATUSES == model.STOCK_STATUSES
    assert schemas.PRICINGS == model.PRICINGS
    assert schemas.FIELD_TYPES == forms.FIELD_TYPES
    assert schemas.CODE_PATTERN == search.CODE_PATTERN.pattern
    assert (schemas.MAX_QUERY_LENGTH, schemas.MAX_PAGE) == (search.MAX_QUERY_LENGTH, search.MAX_PAGE)
    assert schemas.FormField().fields["name"].validators[0].regex.pattern == forms.FIELD_NAME.pattern


def test_the_largest_amount_the_contract_accepts_is_a_valid_price():
    largest = "9" * 10 + ".99"
    assert schemas.MoneyInput().validate({"amount": largest, "currency": "EUR"}) == {}
    assert model.Price(model.Decimal(largest), "EUR").amount == model.MAX_AMOUNT
    assert re.match(schemas.AMOUNT.regex, "9" * 11) is None


def test_loaded_commands_stay_json_safe_for_the_rpc_hop():
    import json

    loaded = schemas.NewProduct().load({"code": "A-1", "name": "A", "price": {"amount": "1.50", "currency": "EUR"},
                                        "vat_rate": "22"})
    assert json.loads(json.dumps(loaded)) == loaded


def test_the_hand_written_search_page_dump_equals_the_schemas():
    from decimal import Decimal

    hits = [
        {"code": "AB-1", "name": "Trapano", "producer": {"slug": "bosch", "name": "Bosch"},
         "price": model.Price(Decimal("12.5"), "EUR"), "vat_rate": Decimal("22.00"), "stock_status": "in_stock",
         "thumbnail_url": "https://img.example/ab-1.jpg"},
        {"code": "x/2", "name": "Żółć ß", "producer": None, "price": model.Price(Decimal("0"), "PLN"),
         "vat_rate": Decimal("4"), "stock_status": "on_order", "thumbnail_url": None},
        {"code": "C.3", "name": "Телескоп", "producer": {"slug": "s", "name": "S"},
         "price": model.Price(Decimal("9999999999.99"), "UAH"), "vat_rate": 5.5, "stock_status": "low_stock",
         "thumbnail_url": None},
    ]
    for page in ({"items": hits, "page": 3, "per_page": 20, "total": 43, "pages": 3},
                 {"items": [], "page": 1, "per_page": 100, "total": 0, "pages": 0}):
        assert schemas.dump_search_page(page) == schemas.SearchPage().dump(page)
