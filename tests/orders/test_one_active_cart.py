"""At most one active cart per customer, also when two requests make or choose one at the same moment,
each served by another replica of orders (on PostgreSQL; one process on SQLite, see
test_concurrent_staff_changes.py).

Evidence: the customer's carts as GET /api/v1/carts shows them, and the lines in them.
"""
from __future__ import annotations

import pytest

from tests.orders.concurrency import clients, side_by_side  # noqa: F401  (clients: a fixture)
from tests.orders.conftest import Shop
from tests.support.databases import USE_POSTGRESQL

LOOPS = 20


@pytest.fixture
def shop(system, client, config, catalog):
    system.start("accounts", "catalog", "orders", "gateway")
    if USE_POSTGRESQL:
        system.start_replica("orders")
    return Shop(client, config)


def active_carts(shop, auth) -> list[dict]:
    listed = shop.client.get("/api/v1/carts", headers=auth)
    assert listed.status_code == 200, listed.text
    return [cart for cart in listed.json()["items"] if cart["status"] == "active"]


def test_two_first_adds_at_once_fill_one_active_cart(shop, clients):
    for n in range(LOOPS):
        auth = shop.customer(f"first-add-{n}@example.it")
        item = {"code": "SAW-01", "quantity": 1}
        responses = side_by_side(clients, [("/api/v1/cart/items", item)] * 2, auth)
        assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
        active = active_carts(shop, auth)
        assert len(active) == 1, (n, active)
        # Both pieces count, in that one cart.
        assert sum(line["quantity"] for line in active[0]["lines"]) == 2, active[0]


def test_two_new_carts_at_once_leave_one_active(shop, clients):
    for n in range(LOOPS):
        auth = shop.customer(f"two-carts-{n}@example.it")
        responses = side_by_side(clients, [("/api/v1/carts", {"name": "A"}), ("/api/v1/carts", {"name": "B"})], auth)
        assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
        assert len(active_carts(shop, auth)) == 1, n


def test_two_activations_at_once_leave_one_active(shop, clients):
    for n in range(LOOPS):
        auth = shop.customer(f"two-activations-{n}@example.it")
        first, second = shop.new_cart(auth, "A"), shop.new_cart(auth, "B")
        for cart in (first, second):
            assert shop.client.post(f"/api/v1/carts/{cart['id']}/deactivate", headers=auth).status_code == 200
        paths = [(f"/api/v1/carts/{cart['id']}/activate", None) for cart in (first, second)]
        responses = side_by_side(clients, paths, auth)
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
        assert len(active_carts(shop, auth)) == 1, n
