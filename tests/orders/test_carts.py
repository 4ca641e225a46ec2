import time

from services.catalog import schemas as catalog_schemas
from services.catalog import usecases as catalog_usecases
from services.chassis.domain import utcnow
from tests.support.fixtures import wait_until


def test_carts_are_drafts_and_only_one_is_active(shop, client):
    anna = shop.customer()
    first = shop.new_cart(anna, "Officina")
    assert first["status"] == "active"
    second = shop.new_cart(anna, "Casa")
    listed = {c["id"]: c["status"] for c in client.get("/api/v1/carts", headers=anna).json()["items"]}
    assert listed == {first["id"]: "inactive", second["id"]: "active"}
    client.post(f"/api/v1/carts/{first['id']}/activate", headers=anna)
    listed = {c["id"]: c["status"] for c in client.get("/api/v1/carts", headers=anna).json()["items"]}
    assert listed == {first["id"]: "active", second["id"]: "inactive"}
    renamed = client.patch(f"/api/v1/carts/{second['id']}", json={"note": "per la cantina"}, headers=anna)
    assert renamed.json()["note"] == "per la cantina"
    assert client.delete(f"/api/v1/carts/{second['id']}", headers=anna).status_code == 204
    assert client.get(f"/api/v1/carts/{second['id']}", headers=anna).status_code == 404


def test_adding_without_a_cart_id_uses_or_makes_the_active_cart(shop, client):
    anna = shop.customer()
    added = client.post("/api/v1/cart/items", json={"code": "SAW-01", "quantity": 2}, headers=anna)
    assert added.status_code == 201
    cart = added.json()["cart"]
    assert cart["status"] == "active" and cart["lines"][0]["quantity"] == 2
    again = client.post("/api/v1/cart/items", json={"code": "SAW-01"}, headers=anna).json()["cart"]
    assert again["id"] == cart["id"] and again["lines"][0]["quantity"] == 3  # same product, same price: one line


def test_lines_keep_their_price_and_quantities_change(shop, client):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    added = shop.add(anna, cart["id"], "DRILL-18V", 2)
    line = added["cart"]["lines"][0]
    assert line["unit_price"] == {"amount": "89.90", "currency": "EUR"} and line["name"] == "Trapano a batteria 18V"
    changed = client.patch(f"/api/v1/carts/{cart['id']}/items/{line['id']}", json={"quantity": 5}, headers=anna)
    assert changed.json()["lines"][0]["quantity"] == 5
    assert changed.json()["totals"]["net"] == {"amount": "449.50", "currency": "EUR"}
    removed = client.delete(f"/api/v1/carts/{cart['id']}/items/{line['id']}", headers=anna)
    assert removed.json()["lines"] == []


def test_bad_quantities_and_unknown_codes_are_clear_problems(shop, client):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    for quantity in (0, -1, 10000, "3", 1.5):
        response = client.post(f"/api/v1/carts/{cart['id']}/items", json={"code": "SAW-01", "quantity": quantity},
                               headers=anna)
        assert response.status_code == 422 and "quantity" in response.json()["errors"], quantity
    unknown = client.post(f"/api/v1/carts/{cart['id']}/items", json={"code": "NOPE-1"}, headers=anna)
    assert unknown.status_code == 422 and "code" in unknown.json()["errors"]
    both = client.post(f"/api/v1/carts/{cart['id']}/items", json={"code": "SAW-01", "service_id": "x"}, headers=anna)
    assert both.status_code == 422
    assert client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["lines"] == []


def test_another_customers_cart_does_not_exist_for_you(shop, client):
    anna = shop.customer()
    bruno = shop.customer("bruno@example.it")
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "SAW-01")
    for method, path, body in [("GET", f"/api/v1/carts/{cart['id']}", None),
                               ("POST", f"/api/v1/carts/{cart['id']}/items", {"code": "SAW-01"}),
                               ("POST", f"/api/v1/carts/{cart['id']}/activate", None),
                               ("DELETE", f"/api/v1/carts/{cart['id']}", None)]:
        response = client.request(method, path, json=body, headers=bruno)
        assert response.status_code == 404, (method, path)
        assert "SAW-01" not in response.text
    assert client.get("/api/v1/carts", headers=bruno).json()["items"] == []


def test_a_purchased_cart_is_read_only(shop, client):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "SAW-01")
    assert shop.checkout(anna, cart["id"]).status_code == 201
    assert client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["status"] == "purchased"
    for method, path, body in [("POST", f"/api/v1/carts/{cart['id']}/items", {"code": "SAW-01"}),
                               ("POST", f"/api/v1/carts/{cart['id']}/activate", None),
                               ("PATCH", f"/api/v1/carts/{cart['id']}", {"name": "x"}),
                               ("DELETE", f"/api/v1/carts/{cart['id']}", None)]:
        response = client.request(method, path, json=body, headers=anna)
        assert response.status_code == 409 and response.json()["type"].endswith("/cart-purchased"), (method, path)


def test_a_catalog_price_change_marks_the_line_stale_and_checkout_waits_for_a_refresh(shop, client, catalog):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "DRILL-18V")
    catalog.run(catalog_usecases.update_product, "DRILL-18V",
                catalog_schemas.ProductChanges().load({"price": {"amount": "79.90", "currency": "EUR"}}), utcnow)
    # product_price_changed goes catalog outbox -> broker -> orders: the line shows it.
    stale = wait_until(lambda: client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["has_stale_prices"])
    assert stale
    line = client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["lines"][0]
    assert line["stale"] and line["catalog_price"]["amount"] == "79.90" and line["unit_price"]["amount"] == "89.90"

    refused = shop.checkout(anna, cart["id"])
    assert refused.status_code == 409 and refused.json()["type"].endswith("/prices-changed")
    assert refused.json()["lines"][0]["catalog_price"] == "79.90"

    refreshed = client.post(f"/api/v1/carts/{cart['id']}/refresh-prices", headers=anna).json()
    assert refreshed["changes"] == [{"line_id": line["id"], "reference": "DRILL-18V", "name": line["name"],
                                     "old_price": "89.90", "new_price": "79.90", "currency": "EUR"}]
    assert refreshed["cart"]["has_stale_prices"] is False
    placed = shop.checkout(anna, cart["id"])
    assert placed.status_code == 201 and placed.json()["lines"][0]["unit_price"] == "79.90"


def test_checkout_checks_prices_with_the_catalog_even_if_the_event_was_missed(shop, client, catalog, system):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "SAW-01")
    catalog.deactivate("SAW-01")  # no longer sold
    time.sleep(0.3)
    response = shop.checkout(anna, cart["id"])
    assert response.status_code == 409 and response.json()["type"].endswith("/lines-unavailable")


def test_a_code_typed_in_another_case_adds_the_catalogs_product(shop, client):
    anna = shop.customer()
    added = client.post("/api/v1/cart/items", json={"code": "saw-01"}, headers=anna)
    assert added.status_code == 201 and added.json()["cart"]["lines"][0]["reference"] == "SAW-01"


def test_price_events_arriving_out_of_order_leave_the_newest_price_on_the_line(shop, client, config):
    """A retried (older) product_price_changed handled after a newer one must not undo it."""
    import uuid
    from datetime import timedelta

    from nameko.standalone.events import event_dispatcher

    anna = shop.customer()
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "DRILL-18V")  # at 89.90
    added_at = utcnow()

    def price_changed(old, new, occurred_at):
        return {"event_id": str(uuid.uuid4()), "occurred_at": occurred_at.isoformat(), "schema_version": 1,
                "code": "DRILL-18V", "old_price": {"amount": old, "currency": "EUR"},
                "new_price": {"amount": new, "currency": "EUR"}}

    older = price_changed("89.90", "95.00", added_at + timedelta(seconds=1))
    newer = price_changed("95.00", "99.00", added_at + timedelta(seconds=2))
    before_the_line = price_changed("79.90", "89.90", added_at - timedelta(minutes=5))
    dispatch = event_dispatcher({"AMQP_URI": config["AMQP_URI"]})
    for event in (newer, older, before_the_line):  # the newest news first
        dispatch("catalog", "product_price_changed", event)

    def catalog_price():
        return client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["lines"][0]["catalog_price"]

    assert wait_until(lambda: (catalog_price() or {}).get("amount") == "99.00")
    time.sleep(1.0)  # the two older events are handled by now (same queue, after the newer one)
    line = client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["lines"][0]
    assert line["catalog_price"]["amount"] == "99.00" and line["stale"] and line["unit_price"]["amount"] == "89.90"
