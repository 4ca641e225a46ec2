"""The OpenAPI document says what the gateway serves: ids, money, headers, files (docs/api.md)."""
import copy
import re
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from gateway.openapi import operations_of
from gateway.openapi_parts import operation_id
from gateway.service import GatewayService
from tests.gateway.openapi_walk import operations
from tests.orders.conftest import Shop, catalog  # noqa: F401 (fixture: DRILL-18V at 89.90 EUR)

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
# The only numbers in the document that are not money (docs/api.md, Money).
NOT_MONEY_NUMBERS = {"ServiceState.latency_ms", "FormField.min", "FormField.max"}


def documented_ids() -> set[str]:
    table = API_DOC.read_text().split("<!-- operation-ids:begin -->")[1].split("<!-- operation-ids:end -->")[0]
    return set(re.findall(r"^\| [a-z]+ \| `([A-Za-z]+)` \|", table, re.M))


# -- operation ids ------------------------------------------------------------------------
def test_operation_ids_are_camel_case_of_the_method_name():
    assert operation_id("list_carts", "get", False) == "listCarts"
    assert operation_id("checkout_cart", "post", False) == "checkoutCart"
    assert operation_id("get_me", "get", True) == "getMeGet"


def test_every_operation_has_a_unique_operation_id_derived_from_its_method(document):
    ids = [op.get("operationId") for _, op in operations(document)]
    assert all(ids) and len(ids) == len(set(ids)) == len(list(operations_of(GatewayService)))
    by_route = {f"{route.method} {route.url}": name for name, route in operations_of(GatewayService)}
    cart = document["paths"]["/api/v1/carts/{cart_id}/checkout"]["post"]
    assert cart["operationId"] == "checkoutCart" and by_route["POST /api/v1/carts/<cart_id>/checkout"] == "checkout_cart"
    assert document["paths"]["/api/v1/carts"]["get"]["operationId"] == "listCarts"


def test_docs_list_exactly_the_served_operation_ids(document):
    served = {op["operationId"] for _, op in operations(document)}
    listed = documented_ids()
    assert not listed - served, f"renamed or removed (a breaking change for generated clients): {listed - served}"
    assert not served - listed, f"add these to docs/api.md's operation id table: {served - listed}"


# -- money --------------------------------------------------------------------------------
def walk_properties(document):
    """(Schema.property, property schema) of every component schema, nested items included."""
    for name, schema in document["components"]["schemas"].items():
        for prop, value in schema.get("properties", {}).items():
            yield f"{name}.{prop}", value
            if isinstance(value.get("items"), dict):
                yield f"{name}.{prop}[]", value["items"]


def test_no_money_amount_is_documented_as_a_number(document):
    numbers = {where for where, prop in walk_properties(document) if prop.get("type") == "number"}
    assert numbers <= NOT_MONEY_NUMBERS, numbers - NOT_MONEY_NUMBERS
    money = document["components"]["schemas"]["Money"]
    assert money["properties"]["amount"] == {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"}
    order = document["components"]["schemas"]["Order"]["properties"]
    assert order["paid"]["allOf"] == [{"$ref": "#/components/schemas/Money"}]
    assert document["components"]["schemas"]["Cart"]["properties"]["totals"]["allOf"] == [
        {"$ref": "#/components/schemas/Totals"}]
    # A function field that says nothing would be "any value": a generated client learns nothing from it.
    untyped = [where for where, prop in walk_properties(document)
               if not {"type", "$ref", "allOf", "anyOf", "oneOf"} & set(prop)]
    assert not untyped, untyped


def response_validator(document, operation: dict, status: str = "200", kind="application/json") -> OAS30Validator:
    schema = copy.deepcopy(operation["responses"][status]["content"][kind]["schema"])
    schema["components"] = document["components"]  # so that #/components/... refs resolve
    return OAS30Validator(schema)


def test_a_served_price_matches_the_documented_schema(system, client, catalog):  # noqa: F811
    system.start("catalog", "gateway")
    served = client.get("/api/v1/openapi.json").json()
    validate(served)
    product = client.get("/api/v1/catalog/products/DRILL-18V")
    assert product.status_code == 200, product.text
    body = product.json()
    assert body["price"] == {"amount": "89.90", "currency": "EUR"}
    validator = response_validator(served, served["paths"]["/api/v1/catalog/products/{code}"]["get"])
    validator.validate(body)
    # The check bites: the price as a float, as the document used to say, is not what it says now.
    assert not validator.is_valid({**body, "price": {"amount": 89.9, "currency": "EUR"}})
    assert product.headers["X-Request-ID"]


def test_empty_billing_and_a_degraded_health_match_the_document(system, client, config):
    system.start("accounts", "gateway")
    served = client.get("/api/v1/openapi.json").json()
    auth = Shop(client, config).customer()
    billing = client.get("/api/v1/me/billing", headers=auth)
    # Before any billing data is given the answer is {}: BillingData would require street, city...
    assert billing.status_code == 200 and billing.json() == {}, billing.text
    response_validator(served, served["paths"]["/api/v1/me/billing"]["get"]).validate(billing.json())
    health = client.get("/health/returns")  # returns is not running: a 503 with the Health body
    assert health.status_code == 503 and health.headers["Content-Type"] == "application/json"
    response_validator(served, served["paths"]["/health/{service}"]["get"], "503").validate(health.json())


# -- headers and files --------------------------------------------------------------------
def test_every_response_documents_its_headers(document):
    keyed = {operation_id(name, "", False): route.idempotent for name, route in operations_of(GatewayService)}
    assert sum(keyed.values()) > 40
    for where, operation in operations(document):
        for status, response in operation["responses"].items():
            headers = response.get("headers", {})
            assert "X-Request-ID" in headers, (where, status)
            if status in ("429", "503"):
                assert "Retry-After" in headers, (where, status)
            if status == "401":
                assert "WWW-Authenticate" in headers, (where, status)
        names = {p.get("name") for p in operation["parameters"]}
        assert "X-Request-ID" in names, where
        assert ("Idempotency-Key" in names) == keyed[operation["operationId"]], where


def test_uploads_and_downloads_are_documented_with_their_content_types(document):
    upload = document["paths"]["/api/v1/returns/{number}/attachments"]["post"]["requestBody"]
    part = upload["content"]["multipart/form-data"]["schema"]
    assert part["required"] == ["file"] and part["properties"]["file"] == {"type": "string", "format": "binary"}
    label = document["paths"]["/api/v1/returns/{number}/label"]["get"]["responses"]["200"]
    assert label["content"] == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    assert "Content-Disposition" in label["headers"]
    for path in ("/api/v1/returns/{number}/attachments/{attachment_id}",
                 "/api/v1/staff/returns/{number}/attachments/{attachment_id}"):
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(content) == {"image/jpeg", "image/png", "image/webp", "application/pdf"}
    printed = document["paths"]["/api/v1/orders/{number}/print"]["get"]["responses"]["200"]["content"]
    assert set(printed) == {"text/html"}
    # Every other success with a body is JSON; a 204 has none.
    for where, operation in operations(document):
        for status, response in operation["responses"].items():
            if status == "204":
                assert "content" not in response, where
            elif status.startswith("2"):
                assert response.get("content"), (where, status)


def test_the_document_is_valid_openapi(document):
    validate(document)
    assert document["openapi"] == "3.0.3"
