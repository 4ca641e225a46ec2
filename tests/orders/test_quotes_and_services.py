from datetime import date, timedelta

import pytest

from tests.orders.events import outbox_events

FORM = [
    {"name": "rooms", "label": "Rooms", "type": "number", "required": True, "min": 1, "max": 50},
    {"name": "date", "label": "Preferred date", "type": "date", "required": False},
]


@pytest.fixture
def services(catalog):
    install = catalog.add_service(category="Installazione", name="Installazione climatizzatore", pricing="fixed",
                                  price={"amount": "150.00", "currency": "EUR"}, vat_rate="22.00", form=FORM)
    design = catalog.add_service(category="Progettazione", name="Progetto impianto", pricing="quote",
                                 vat_rate="22.00", form=FORM)
    return {"fixed": install.id, "quote": design.id}


def test_a_fixed_price_service_goes_into_the_cart_with_its_validated_form(shop, client, services):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    bad = client.post(f"/api/v1/carts/{cart['id']}/items", json={"service_id": services["fixed"], "form": {}},
                      headers=anna)
    assert bad.status_code == 422 and "rooms" in bad.json()["errors"]
    added = client.post(f"/api/v1/carts/{cart['id']}/items",
                        json={"service_id": services["fixed"], "form": {"rooms": 3}}, headers=anna)
    assert added.status_code == 201, added.text
    line = added.json()["cart"]["lines"][0]
    assert line["kind"] == "service" and line["form"]["rooms"] == 3 and line["unit_price"]["amount"] == "150.00"
    quote_only = client.post(f"/api/v1/carts/{cart['id']}/items",
                             json={"service_id": services["quote"], "form": {"rooms": 3}}, headers=anna)
    assert quote_only.status_code == 422 and "service_id" in quote_only.json()["errors"]


def test_quote_cart_request_price_accept_and_order(shop, client, services, config):
    anna = shop.customer()
    fixed = client.post("/api/v1/quote-cart/items", json={"service_id": services["fixed"], "form": {"rooms": 1}},
                        headers=anna)
    assert fixed.status_code == 422  # fixed-price services go into a normal cart
    added = client.post("/api/v1/quote-cart/items", json={"service_id": services["quote"], "form": {"rooms": 12}},
                        headers=anna)
    assert added.status_code == 201 and added.json()["status"] == "draft"
    requested = client.post("/api/v1/quote-cart/request", json={"message": "Capannone di 800 m²"}, headers=anna)
    assert requested.status_code == 201
    quote = requested.json()
    assert quote["status"] == "requested" and quote["number"].startswith("QUO-")
    assert client.get("/api/v1/quote-cart", headers=anna).json()["lines"] == []  # a fresh quote cart
    [event] = outbox_events(config, "orders", "quote_requested")
    assert event["email"] == "anna@example.it" and event["message"] == "Capannone di 800 m²"

    desk = shop.staff()
    listed = client.get("/api/v1/staff/quotes?status=requested", headers=desk).json()["items"]
    assert [q["number"] for q in listed] == [quote["number"]]
    line_id = quote["lines"][0]["id"]
    valid_until = (date.today() + timedelta(days=30)).isoformat()
    priced = client.post(f"/api/v1/staff/quotes/{quote['number']}/price", headers=desk, json={
        "lines": [{"line_id": line_id, "unit_price": "1200.00"}], "valid_until": valid_until, "note": "Sopralluogo incluso"})
    assert priced.status_code == 200, priced.text
    assert priced.json()["status"] == "priced" and priced.json()["totals"]["total"]["amount"] == "1464.00"
    [priced_event] = outbox_events(config, "orders", "quote_priced")
    assert priced_event["total"] == {"amount": "1464.00", "currency": "EUR"}

    accepted = client.post(f"/api/v1/quotes/{quote['number']}/accept", headers=anna)
    assert accepted.status_code == 200
    cart = accepted.json()["cart"]
    assert cart["lines"][0]["unit_price"]["amount"] == "1200.00"
    order = shop.checkout(anna, cart["id"])
    assert order.status_code == 201 and order.json()["total"]["amount"] == "1464.00"
    assert client.get(f"/api/v1/quotes/{quote['number']}", headers=anna).json()["status"] == "ordered"
    assert client.post(f"/api/v1/quotes/{quote['number']}/accept", headers=anna).status_code == 409


def test_an_unaccepted_quote_expires_after_its_validity(shop, client, services):
    anna = shop.customer()
    client.post("/api/v1/quote-cart/items", json={"service_id": services["quote"], "form": {"rooms": 2}}, headers=anna)
    quote = client.post("/api/v1/quote-cart/request", json={}, headers=anna).json()
    desk = shop.staff()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    client.post(f"/api/v1/staff/quotes/{quote['number']}/price", headers=desk,
                json={"lines": [{"line_id": quote["lines"][0]["id"], "unit_price": "90.00"}], "valid_until": yesterday})
    refused = client.post(f"/api/v1/quotes/{quote['number']}/accept", headers=anna)
    assert refused.status_code == 409 and refused.json()["type"].endswith("/quote-expired")
    assert client.get("/api/v1/quotes", headers=anna).json()["items"][0]["status"] == "expired"


def test_quotes_can_be_declined_and_are_private(shop, client, services):
    anna = shop.customer()
    client.post("/api/v1/quote-cart/items", json={"service_id": services["quote"], "form": {"rooms": 2}}, headers=anna)
    quote = client.post("/api/v1/quote-cart/request", json={}, headers=anna).json()
    bruno = shop.customer("bruno@example.it")
    assert client.get(f"/api/v1/quotes/{quote['number']}", headers=bruno).status_code == 404
    assert client.post(f"/api/v1/quotes/{quote['number']}/decline", headers=bruno).status_code == 404
    assert client.post(f"/api/v1/quotes/{quote['number']}/decline", headers=anna).json()["status"] == "declined"
    assert client.post("/api/v1/quote-cart/request", json={}, headers=anna).status_code == 409  # nothing to ask


def test_an_accepted_quotes_lines_keep_the_quoted_quantity(shop, client, services):
    """REVIEW R20: the price was quoted for the quantity asked; 500 pieces at the price of one is no offer."""
    anna = shop.customer()
    client.post("/api/v1/quote-cart/items", json={"service_id": services["quote"], "form": {"rooms": 2}, "quantity": 1},
                headers=anna)
    quote = client.post("/api/v1/quote-cart/request", json={}, headers=anna).json()
    desk = shop.staff()
    valid_until = (date.today() + timedelta(days=30)).isoformat()
    client.post(f"/api/v1/staff/quotes/{quote['number']}/price", headers=desk,
                json={"lines": [{"line_id": quote["lines"][0]["id"], "unit_price": "1200.00"}],
                      "valid_until": valid_until})
    cart = client.post(f"/api/v1/quotes/{quote['number']}/accept", headers=anna).json()["cart"]
    [line] = cart["lines"]

    changed = client.patch(f"/api/v1/carts/{cart['id']}/items/{line['id']}", json={"quantity": 500}, headers=anna)
    assert changed.status_code == 409, changed.text
    assert line["quoted"] is True  # a frontend greys out the quantity field
    assert changed.headers["Content-Type"].startswith("application/problem+json")
    assert changed.json()["type"].endswith("/quoted-quantity-fixed") and "quantity" in changed.json()["errors"]
    order = shop.checkout(anna, cart["id"])
    assert order.status_code == 201, order.text
    assert [l["quantity"] for l in order.json()["lines"]] == [1] and order.json()["total"]["amount"] == "1464.00"

    # Other lines of that cart are the customer's to change as usual.
    other = shop.new_cart(anna)
    added = shop.add(anna, other["id"], "SAW-01")
    assert added["cart"]["lines"][0]["quoted"] is False
    assert client.patch(f"/api/v1/carts/{other['id']}/items/{added['line_id']}", json={"quantity": 3},
                        headers=anna).status_code == 200


def test_an_accepted_quotes_cart_becomes_the_active_one(shop, client, services):
    """A customer has one active cart: the quote's cart takes that place, the one in use is kept for later."""
    anna = shop.customer()
    in_use = shop.new_cart(anna, "Ufficio")
    shop.add(anna, in_use["id"], "SAW-01")
    client.post("/api/v1/quote-cart/items", json={"service_id": services["quote"], "form": {"rooms": 2}}, headers=anna)
    quote = client.post("/api/v1/quote-cart/request", json={}, headers=anna).json()
    client.post(f"/api/v1/staff/quotes/{quote['number']}/price", headers=shop.staff(),
                json={"lines": [{"line_id": quote["lines"][0]["id"], "unit_price": "900.00"}],
                      "valid_until": (date.today() + timedelta(days=30)).isoformat()})
    accepted = client.post(f"/api/v1/quotes/{quote['number']}/accept", headers=anna)
    assert accepted.status_code == 200, accepted.text
    statuses = {cart["id"]: cart["status"] for cart in client.get("/api/v1/carts", headers=anna).json()["items"]}
    assert statuses == {accepted.json()["cart"]["id"]: "active", in_use["id"]: "inactive"}
