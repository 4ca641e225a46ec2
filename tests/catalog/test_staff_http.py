"""Staff edits through the gateway; a price change reaches a listener through outbox and broker."""
import json

import pytest
from nameko.events import event_handler
from nameko.runners import ServiceRunner
from sqlalchemy import select

from services.accounts.cli import ensure_staff
from services.chassis.errors import Unauthenticated
from services.chassis.tables import outbox_messages
from tests.catalog.harness import assert_problem, money
from tests.support.fixtures import wait_until
from tests.support.rpc import operator_rpc

PRODUCTS = "/api/v1/staff/catalog/products"
SERVICES = "/api/v1/staff/catalog/services"
NEW_PRODUCT = {"code": "DR-18", "name": "Trapano avvitatore", "technical_description": "Mandrino da 13 mm, perché sì.",
               "producer": "Utensili Ferretti", "categories": ["Utensili"], "price": money("89.90"), "vat_rate": "22.00"}
NEW_SERVICE = {"category": "Installazione", "name": "Montaggio", "pricing": "fixed", "price": money("49.00"),
               "vat_rate": "22.00", "form": [{"name": "address", "label": "Indirizzo", "type": "text", "required": True}]}


class PriceWatcher:
    """Stands in for orders: hears product_price_changed from the catalog's exchange."""

    name = "price_watcher"
    heard: list = []

    @event_handler("catalog", "product_price_changed")
    def handle_product_price_changed(self, payload):
        PriceWatcher.heard.append(payload)


STAFF = ("catalog.desk@shop.example", "catalog desk passphrase 2026")


def log_in(client, identifier, password):
    response = client.post("/api/v1/auth/login", json={"identifier": identifier, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def running(system, catalog_db, client, config):
    """Accounts, catalog and gateway; the client is logged in as staff."""
    ensure_staff(*STAFF, database_url=config["DATABASE_URLS"]["accounts"])
    system.start("accounts", "catalog", "gateway")
    client.headers.update(log_in(client, *STAFF))
    return system


def search(client, q):
    return [item["code"] for item in client.get("/api/v1/catalog/products", params={"q": q}).json()["items"]]


def outbox_rows(catalog_db):
    with catalog_db.engine.connect() as connection:
        return connection.execute(select(outbox_messages)).all()


def test_staff_create_a_product_that_is_found_at_once(running, client):
    response = client.post(PRODUCTS, json=NEW_PRODUCT)
    assert response.status_code == 201, response.text
    assert response.json()["producer"] == {"slug": "utensili-ferretti", "name": "Utensili Ferretti"}
    assert search(client, "trapano perche") == ["DR-18"]


def test_a_code_already_used_is_409_on_code_whatever_its_case(running, client):
    assert client.post(PRODUCTS, json=NEW_PRODUCT).status_code == 201
    body = assert_problem(client.post(PRODUCTS, json=dict(NEW_PRODUCT, code="dr-18")), 409, "article-code-taken")
    assert set(body["errors"]) == {"code"}


def test_an_invalid_product_is_422_naming_each_field(running, client):
    body = dict(NEW_PRODUCT, code="no spaces", price=money("1.005"), vat_rate="abc", colour="red")
    problem = assert_problem(client.post(PRODUCTS, json=body), 422, "validation-failed")
    assert set(problem["errors"]) == {"code", "price", "vat_rate", "colour"}


def test_a_taxon_name_without_letters_is_refused_by_the_catalog(running, client):
    problem = assert_problem(client.post(PRODUCTS, json=dict(NEW_PRODUCT, producer="***")), 422, "validation-failed")
    assert set(problem["errors"]) == {"producer"}


def test_a_price_change_publishes_product_price_changed_through_the_outbox(running, client, catalog_db, config):
    watcher = ServiceRunner(config)
    watcher.add_service(PriceWatcher)
    watcher.start()
    running.runners.append(watcher)  # stopped with the rest
    PriceWatcher.heard.clear()
    assert client.post(PRODUCTS, json=NEW_PRODUCT).status_code == 201
    assert outbox_rows(catalog_db) == []  # creating a product publishes nothing

    response = client.patch(f"{PRODUCTS}/dr-18", json={"price": money("94.50")})
    assert response.status_code == 200, response.text
    assert response.json()["price"] == money("94.50")
    [event] = wait_until(lambda: PriceWatcher.heard)
    assert {k: event[k] for k in ("code", "old_price", "new_price", "schema_version")} == {
        "code": "DR-18", "old_price": money("89.90"), "new_price": money("94.50"), "schema_version": 1}
    [row] = wait_until(lambda: [r for r in outbox_rows(catalog_db) if r.sent_at is not None])
    assert row.event_type == "product_price_changed"
    assert json.loads(row.payload)["event_id"] == event["event_id"]


def test_a_change_without_a_new_price_publishes_nothing(running, client, catalog_db):
    assert client.post(PRODUCTS, json=NEW_PRODUCT).status_code == 201
    response = client.patch(f"{PRODUCTS}/DR-18", json={"price": money("89.9"), "stock_status": "out_of_stock"})
    assert response.json()["stock_status"] == "out_of_stock"
    assert outbox_rows(catalog_db) == []


def test_renaming_and_deactivating_keep_the_search_index_in_step(running, client):
    assert client.post(PRODUCTS, json=NEW_PRODUCT).status_code == 201
    assert client.patch(f"{PRODUCTS}/DR-18", json={"name": "Seghetto alternativo"}).status_code == 200
    assert search(client, "trapano") == []
    assert search(client, "seghetto") == ["DR-18"]
    assert client.patch(f"{PRODUCTS}/DR-18", json={"active": False}).status_code == 200
    assert search(client, "seghetto") == [] and search(client, "DR-18") == []
    assert client.patch(f"{PRODUCTS}/DR-18", json={"active": True, "categories": ["Seghe"]}).status_code == 200
    assert search(client, "seghetto") == ["DR-18"]
    assert client.get("/api/v1/catalog/categories").json()["items"] == [
        {"slug": "seghe", "name": "Seghe", "count": 1}, {"slug": "utensili", "name": "Utensili", "count": 0}]


def test_changing_an_unknown_product_is_404(running, client):
    assert_problem(client.patch(f"{PRODUCTS}/NOPE", json={"name": "x"}), 404, "product-not-found")


def test_staff_create_and_change_a_service(running, client):
    created = client.post(SERVICES, json=NEW_SERVICE)
    assert created.status_code == 201, created.text
    service_id = created.json()["id"]
    changed = client.patch(f"{SERVICES}/{service_id}", json={"pricing": "quote"})
    assert (changed.json()["pricing"], changed.json()["price"]) == ("quote", None)
    assert client.get(f"/api/v1/catalog/services/{service_id}").json()["pricing"] == "quote"
    assert_problem(client.patch(f"{SERVICES}/{service_id}", json={"pricing": "fixed"}), 422, "invalid-pricing")


def test_a_fixed_price_service_without_price_is_422_on_price(running, client):
    body = {k: v for k, v in NEW_SERVICE.items() if k != "price"}
    problem = assert_problem(client.post(SERVICES, json=body), 422, "invalid-pricing")
    assert set(problem["errors"]) == {"price"}


def test_a_form_that_cannot_be_filled_is_422_at_its_position(running, client):
    form = [NEW_SERVICE["form"][0], {"name": "mount", "label": "Mount", "type": "choice"}]
    problem = assert_problem(client.post(SERVICES, json=dict(NEW_SERVICE, form=form)), 422, "invalid-order-form")
    assert problem["errors"] == {"form": {"1": {"choices": ["A choice field needs at least one choice."]}}}


def test_staff_routes_need_a_staff_login(running, client):
    anonymous = {"Authorization": None}  # requests drops the session's header
    assert_problem(client.post(PRODUCTS, json=NEW_PRODUCT, headers=anonymous), 401, "unauthenticated")
    assert_problem(client.patch(f"{SERVICES}/x", json={}, headers=anonymous), 401, "unauthenticated")
    customer = {"email": "anna@example.it", "password": "correct horse battery", "first_name": "Anna",
                "last_name": "Verdi", "accept_terms": True}
    assert client.post("/api/v1/accounts", json=customer, headers=anonymous).status_code == 201
    as_customer = log_in(client, customer["email"], customer["password"])
    assert_problem(client.post(PRODUCTS, json=NEW_PRODUCT, headers=as_customer), 403, "forbidden")
    assert client.get("/api/v1/catalog/products/DR-18").status_code == 404  # nothing was created


def test_the_catalog_itself_refuses_a_staff_call_without_a_signed_identity(running, config):
    with operator_rpc(config) as proxy, pytest.raises(Unauthenticated):
        proxy.catalog.create_product(NEW_PRODUCT)


def test_changing_an_unknown_service_is_404(running, client):
    assert_problem(client.patch(f"{SERVICES}/nope", json={"name": "x"}), 404, "service-not-found")
