"""Every collection answers one envelope, {items, page, per_page, total, pages}, documented and served."""
import copy

from openapi_schema_validator import OAS30Validator

from tests.accounts.conftest import COMPANY
from tests.catalog.harness import assert_problem
from tests.orders.conftest import Shop, catalog  # noqa: F401 (fixture: DRILL-18V at 89.90 EUR)

ENVELOPE = {"items", "page", "per_page", "total", "pages"}
# Each collection and who may read it (docs/api.md, Lists).
COLLECTIONS = {
    "/api/v1/catalog/categories": "public", "/api/v1/catalog/producers": "public",
    "/api/v1/catalog/showcases": "public", "/api/v1/catalog/service-categories": "public",
    "/api/v1/catalog/services": "public", "/api/v1/catalog/products": "public",
    "/api/v1/carts": "customer", "/api/v1/quotes": "customer", "/api/v1/orders": "customer",
    "/api/v1/returns": "customer", "/api/v1/returns/eligible-orders": "customer", "/api/v1/messages": "customer",
    "/api/v1/company/employees": "admin",
    "/api/v1/staff/orders": "staff", "/api/v1/staff/quotes": "staff", "/api/v1/staff/returns": "staff",
    "/api/v1/staff/messages": "staff", "/api/v1/staff/notifications": "staff",
}


def success_schema(document, operation) -> dict:
    schema = operation["responses"]["200"].get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_collection_is_documented_and_served_as_the_envelope(system, client, config, catalog):  # noqa: F811
    system.start("accounts", "catalog", "orders", "returns", "messaging", "gateway")
    document = client.get("/api/v1/openapi.json").json()
    gets = {path: item["get"] for path, item in document["paths"].items()
            if "get" in item and not path.endswith("}")}
    paged = set()
    for path, operation in gets.items():
        schema = success_schema(document, operation)
        assert schema.get("type") != "array", f"{path} answers a bare array"
        if "items" in schema.get("properties", {}):
            paged.add(path)
            assert set(schema["properties"]) == ENVELOPE and set(schema["required"]) == ENVELOPE, path
            assert schema["properties"]["items"]["type"] == "array", path
            names = {parameter.get("name") for parameter in operation["parameters"]}
            assert {"page", "per_page"} <= names, path
    assert paged == set(COLLECTIONS)  # a new list route is added here, and answers the envelope

    shop = Shop(client, config)
    callers = {"public": {}, "customer": shop.customer(), "staff": shop.staff()}
    assert shop.register("boss@rossi.it", company=COMPANY).status_code == 201
    callers["admin"] = shop.as_user(shop.token("boss@rossi.it"))
    for path, caller in COLLECTIONS.items():
        response = client.get(path, headers=callers[caller])
        assert response.status_code == 200, (path, response.text)
        body = response.json()
        assert set(body) == ENVELOPE and (body["page"], body["per_page"]) == (1, 20), path
        schema = copy.deepcopy(gets[path]["responses"]["200"]["content"]["application/json"]["schema"])
        schema["components"] = document["components"]
        OAS30Validator(schema).validate(body)
        past = client.get(path, params={"page": 10_000, "per_page": 100}, headers=callers[caller]).json()
        assert past == {**body, "items": [], "page": 10_000, "per_page": 100,
                        "pages": -(-body["total"] // 100)}, path
        for params, field in (({"per_page": 101}, "per_page"), ({"page": 10_001}, "page")):
            refused = client.get(path, params=params, headers=callers[caller])
            assert set(assert_problem(refused, 422, "validation-failed")["errors"]) == {field}, (path, params)
