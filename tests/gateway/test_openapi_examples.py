"""Examples, tags, servers and security of the OpenAPI document (issue 18 item 2; docs/api.md).

Every JSON request body and 2xx JSON response has an example composed from its schema
(gateway/openapi_examples.py), each validates against its own schema, and the request examples
are what the real gateway accepts: a customer registered, logged in, billed, carted and checked
out with the document's examples alone.
"""
import copy

import pytest
from openapi_schema_validator import OAS30Validator

from gateway.openapi import build_spec, operations_of
from gateway.openapi_examples import ExampleBuilder
from gateway.service import GatewayService
from tests.gateway.openapi_walk import operations
from tests.orders.conftest import catalog  # noqa: F401 (fixture: DRILL-18V at 89.90 EUR)

JSON = "application/json"


def json_contents(operation):
    """(where, media type object) of the operation's JSON request body and JSON 2xx responses."""
    body = operation.get("requestBody", {}).get("content", {}).get(JSON)
    if body is not None:
        yield "request", body
    for status, response in operation["responses"].items():
        content = response.get("content", {}).get(JSON)
        if status.startswith("2") and content is not None:
            yield status, content


def validator(document, schema) -> OAS30Validator:
    schema = copy.deepcopy(schema)
    schema["components"] = document["components"]  # so that #/components/... refs resolve
    return OAS30Validator(schema)


def example_of(document, path, method="post"):
    return document["paths"][path][method]["requestBody"]["content"][JSON]["example"]


# -- every example, valid -----------------------------------------------------------------
def test_every_json_request_body_and_success_has_an_example(document):
    missing, counted = [], 0
    for where, operation in operations(document):
        for what, content in json_contents(operation):
            counted += 1
            if "example" not in content:
                missing.append(f"{where} {what}")
    assert not missing, missing
    assert counted > 120  # 41 JSON request bodies and ~90 JSON successes today


def test_every_example_validates_against_its_own_schema(document):
    invalid = []
    for where, operation in operations(document):
        for what, content in json_contents(operation):
            for error in validator(document, content["schema"]).iter_errors(content["example"]):
                invalid.append(f"{where} {what}: {list(error.path)} {error.message[:120]}")
    assert not invalid, "\n".join(invalid)


def test_examples_say_what_the_fields_are(document):
    order = document["paths"]["/api/v1/orders/{number}"]["get"]["responses"]["200"]["content"][JSON]["example"]
    assert order["number"] == "ORD-2026-000123" and order["total"] == {"amount": "319.51", "currency": "EUR"}
    assert order["placed_at"] == "2026-03-14T09:30:00Z"
    rma = document["paths"]["/api/v1/returns/{number}"]["get"]["responses"]["200"]["content"][JSON]["example"]
    assert rma["number"].startswith("RMA-2026-") and rma["order_number"] == "ORD-2026-000123"
    # A request example holds what is required and the optional fields worth showing, not every
    # optional one: a cart item names a product, not a product and a service at once.
    assert example_of(document, "/api/v1/cart/items") == {"code": "DRILL-18V"}
    registration = example_of(document, "/api/v1/accounts")
    assert "company" not in registration and registration["accept_terms"] is True
    # readOnly fields stay out of requests, writeOnly ones (passwords) out of responses.
    login = document["paths"]["/api/v1/auth/login"]["post"]
    assert "password" in example_of(document, "/api/v1/auth/login")
    assert "password" not in login["responses"]["200"]["content"][JSON]["example"]["customer"]


def test_the_builder_follows_refs_bounds_nullable_and_patterns():
    document = {"components": {"schemas": {
        "Money": {"type": "object", "required": ["amount", "currency"], "properties": {
            "amount": {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}},
        "Line": {"type": "object", "required": ["quantity", "price", "tag"], "properties": {
            "id": {"type": "string", "readOnly": True},
            "quantity": {"type": "integer", "minimum": 5, "maximum": 9},
            "price": {"allOf": [{"$ref": "#/components/schemas/Money"}]},
            "previous": {"anyOf": [{"$ref": "#/components/schemas/Money"}, {"type": "object", "nullable": True}]},
            "tag": {"type": "string", "minLength": 6, "enum": ["urgent", "normal"]},
            "codes": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 8}}}}}}}
    builder = ExampleBuilder(document)
    line = {"$ref": "#/components/schemas/Line"}
    assert builder.example(line, request=True) == {
        "quantity": 5, "price": {"amount": "319.51", "currency": "EUR"}, "tag": "urgent"}
    served = builder.example(line, request=False)
    assert served["id"] and served["previous"] == served["price"] and served["codes"] == ["textxxxx"] * 2
    # Cross-field rules: "an e-mail or a phone" shows the first alone, an allOf overlay's pattern is met.
    document["components"]["schemas"]["Reset"] = {
        "type": "object", "properties": {"email": {"type": "string", "nullable": True},
                                         "phone": {"type": "string", "nullable": True},
                                         "price": {"$ref": "#/components/schemas/Money"}},
        "required": ["price"],
        "oneOf": [{"required": ["email"]}, {"required": ["phone"]}],
        "allOf": [{"properties": {"price": {"properties": {"amount": {"pattern": r"^\d+\.\d{2}$"}}}}}]}
    reset = {"$ref": "#/components/schemas/Reset"}
    assert builder.example(reset, request=True) == {
        "email": "anna.rossi@example.com", "price": {"amount": "319.51", "currency": "EUR"}}
    assert validator(document, reset).is_valid(builder.example(reset, request=True))
    # A pattern it has no value for: the example is one its schema refuses, and the test above says where.
    document["components"]["schemas"]["Money"]["properties"]["currency"]["pattern"] = "^[a-z]{3}$"
    refused = builder.example(line, request=True)
    assert not validator(document, line).is_valid(refused)


# -- tags, servers, security --------------------------------------------------------------
def test_tags_used_are_exactly_the_tags_listed_with_a_description(document):
    used = {tag for _, operation in operations(document) for tag in operation["tags"]}
    listed = [tag["name"] for tag in document["tags"]]
    assert len(listed) == len(set(listed))
    assert used == set(listed), (used - set(listed), set(listed) - used)
    assert all(tag["description"].strip() for tag in document["tags"])


def test_servers_are_relative_unless_a_public_base_is_set(document):
    assert document["servers"] == [{"url": "/", "description": "The gateway"}]
    public = build_spec(GatewayService, server_url="https://shop.example.com")
    assert public["servers"][0]["url"] == "https://shop.example.com"


def test_authenticated_operations_need_the_bearer_token_and_anonymous_ones_say_none(document):
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "security" not in document  # no global requirement: each operation says its own
    by_id = {op["operationId"]: op for _, op in operations(document)}
    anonymous = 0
    for name, route in operations_of(GatewayService):
        for method in route.method.split(","):
            several = len(route.method.split(",")) > 1
            operation_id = "".join([name.strip("_").split("_")[0]] + [p.capitalize() for p in name.strip("_").split("_")[1:]])
            operation = by_id[operation_id + (method.strip().capitalize() if several else "")]
            if route.auth is None:
                anonymous += 1
                assert operation["security"] == [], operation_id
            else:
                assert operation["security"] == [{"bearer": []}], operation_id
    assert anonymous >= 10  # login, registration, catalog, health...
    assert by_id["login"]["security"] == [] and by_id["checkoutCart"]["security"] == [{"bearer": []}]


def test_the_served_document_names_the_public_base_url(system, client, config):
    config["OPENAPI_SERVER_URL"] = "https://shop.example.com"
    system.start("gateway")
    served = client.get("/api/v1/openapi.json").json()
    assert served["servers"] == [{"url": "https://shop.example.com", "description": "The gateway"}]


# -- the examples are what the gateway accepts --------------------------------------------
def test_request_examples_are_accepted_by_the_running_gateway(system, client, catalog):  # noqa: F811
    system.start("accounts", "catalog", "orders", "gateway")
    document = client.get("/api/v1/openapi.json").json()

    registered = client.post("/api/v1/accounts", json=example_of(document, "/api/v1/accounts"))
    assert registered.status_code == 201, registered.text
    login = client.post("/api/v1/auth/login", json=example_of(document, "/api/v1/auth/login"))
    assert login.status_code == 200, login.text
    auth = {"Authorization": f"Bearer {login.json()['token']}"}

    billing = client.put("/api/v1/me/billing", json=example_of(document, "/api/v1/me/billing", "put"), headers=auth)
    assert billing.status_code == 200, billing.text
    added = client.post("/api/v1/cart/items", json=example_of(document, "/api/v1/cart/items"), headers=auth)
    assert added.status_code == 201, added.text
    assert added.json()["cart"]["lines"][0]["reference"] == "DRILL-18V"
    cart_id = added.json()["cart"]["id"]
    changed = client.patch(f"/api/v1/carts/{cart_id}", json=example_of(document, "/api/v1/carts/{cart_id}", "patch"),
                           headers=auth)
    assert changed.status_code == 200, changed.text
    placed = client.post(f"/api/v1/carts/{cart_id}/checkout", headers=auth,
                         json=example_of(document, "/api/v1/carts/{cart_id}/checkout"))
    assert placed.status_code == 201, placed.text
    order = client.get(f"/api/v1/orders/{placed.json()['number']}", headers=auth)
    assert order.status_code == 200, order.text
    # What was served matches the documented response, as the example does.
    schema = document["paths"]["/api/v1/orders/{number}"]["get"]["responses"]["200"]["content"][JSON]["schema"]
    validator(document, schema).validate(order.json())
