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
