"""Orders' lists answer the one envelope; staff find orders by customer number, number, status and days."""
from datetime import datetime, timezone

from sqlalchemy import create_engine, update

from services.orders.adapters.orm import carts, orders
from tests.catalog.harness import assert_problem

STAFF_ORDERS = "/api/v1/staff/orders"


def place(shop, auth, code="SAW-01") -> str:
    cart = shop.new_cart(auth)
    shop.add(auth, cart["id"], code)
    placed = shop.checkout(auth, cart["id"])
    assert placed.status_code == 201, placed.text
    return placed.json()["number"]


def placed_on(config, number: str, when: datetime) -> None:
    engine = create_engine(config["DATABASE_URLS"]["orders"])
    with engine.begin() as connection:
        connection.execute(update(orders).where(orders.c.number == number).values(placed_at=when))
    engine.dispose()


def test_carts_and_quotes_answer_a_page_and_a_page_past_the_end_is_empty(shop, client):
    anna = shop.customer()
    made = [shop.new_cart(anna, f"Cart {n}")["id"] for n in range(3)]
    first = client.get("/api/v1/carts", params={"per_page": 2}, headers=anna).json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 3, 2)
    assert [cart["id"] for cart in first["items"]] == made[::-1][:2]  # changed last first
    second = client.get("/api/v1/carts", params={"per_page": 2, "page": 2}, headers=anna).json()
    assert [cart["id"] for cart in second["items"]] == [made[0]]
    past = client.get("/api/v1/carts", params={"per_page": 2, "page": 10_000}, headers=anna).json()
    assert past == {"items": [], "page": 10_000, "per_page": 2, "total": 3, "pages": 2}
    assert client.get("/api/v1/quotes", headers=anna).json() == {"items": [], "page": 1, "per_page": 20, "total": 0,
                                                                  "pages": 0}
    for params, field in (({"per_page": 101}, "per_page"), ({"page": 10_001}, "page"), ({"page": 0}, "page")):
        refused = assert_problem(client.get("/api/v1/carts", params=params, headers=anna), 422, "validation-failed")
        assert set(refused["errors"]) == {field}


def test_of_two_carts_changed_at_the_same_moment_the_newer_is_listed_first(shop, client, config):
    # A new cart and the one it deactivates share one clock reading; the tie must not fall to the ids.
    anna = shop.customer()
    older = shop.new_cart(anna, "Older")["id"]
    newer = shop.new_cart(anna, "Newer")["id"]
    while not older < newer:  # the pair whose ids would put the older first
        older, newer = newer, shop.new_cart(anna, "Newer")["id"]
    engine = create_engine(config["DATABASE_URLS"]["orders"])
    with engine.begin() as connection:
        connection.execute(update(carts).where(carts.c.id.in_([older, newer]))
                           .values(updated_at=datetime(2030, 1, 1, tzinfo=timezone.utc)))
    engine.dispose()
    listed = [cart["id"] for cart in client.get("/api/v1/carts", headers=anna).json()["items"]]
    assert listed[:2] == [newer, older]


def test_staff_find_orders_by_customer_number_number_status_and_days(shop, client, config):
    anna, bruno, desk = shop.customer(), shop.customer("bruno@example.it"), shop.staff()
    january, february, march = place(shop, anna), place(shop, anna), place(shop, bruno)
    placed_on(config, january, datetime(2026, 1, 10, 23, 30, tzinfo=timezone.utc))
    placed_on(config, february, datetime(2026, 2, 1, 0, 10, tzinfo=timezone.utc))
    placed_on(config, march, datetime(2026, 3, 5, 23, 59, tzinfo=timezone.utc))
    moved = client.post(f"{STAFF_ORDERS}/{february}/status", json={"status": "processing"}, headers=desk)
    assert moved.status_code == 200, moved.text
    annas_number = client.get("/api/v1/me", headers=anna).json()["customer_number"]

    def numbers(**params):
        response = client.get(STAFF_ORDERS, params=params, headers=desk)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [order["number"] for order in page["items"]]

    assert numbers() == [march, february, january]
    assert numbers(customer_number=annas_number) == [february, january]
    assert numbers(customer_number="CUS-999999") == []
    assert numbers(number=january) == [january]
    assert numbers(status="processing") == [february]
    assert numbers(status="placed", customer_number=annas_number) == [january]
    assert numbers(placed_from="2026-01-11", placed_to="2026-03-05") == [march, february]  # both days included
    assert numbers(placed_to="2026-01-10") == [january]
    assert numbers(placed_from="2026-02-01", placed_to="2026-02-01") == [february]
    for params, field in (({"placed_from": "2026-03-06", "placed_to": "2026-03-01"}, "placed_to"),
                          ({"placed_from": "5 March"}, "placed_from"), ({"number": "ORD-1"}, "number"),
                          ({"customer_number": "anna@example.it"}, "customer_number"), ({"status": "lost"}, "status"),
                          ({"per_page": 101}, "per_page")):
        refused = assert_problem(client.get(STAFF_ORDERS, params=params, headers=desk), 422, "validation-failed")
        assert set(refused["errors"]) == {field}, params
    past = client.get(STAFF_ORDERS, params={"page": 3, "per_page": 2}, headers=desk).json()
    assert (past["items"], past["total"], past["pages"]) == ([], 3, 2)
    # A customer's own list keeps to their orders whatever staff filters they send.
    assert_problem(client.get("/api/v1/orders", params={"customer_number": annas_number}, headers=bruno), 422,
                   "validation-failed")
