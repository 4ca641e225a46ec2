"""Add-to-cart and checkout through the gateway, beside the floors and a one-hop write.

    python -m bench.orders [--url http://127.0.0.1:8000] [--seconds 8] [--clients 1 10]

The stack starts with the demo catalog. The one-hop write is POST /api/v1/carts (gateway -> orders
-> one insert); add-to-cart adds a catalog price lookup (orders -> catalog RPC); checkout adds the
batch price check, the billing read from accounts and the order with its outbox event.
"""
from __future__ import annotations

import contextlib
import itertools

import requests

from bench.harness import Stack, arguments, floors, measure, print_table, save

PASSWORD = "benchmark passphrase 2026"
SHIPPING = {"name": "Bench", "street": "Via Roma 1", "postal_code": "20121", "city": "Milano", "country": "IT"}
BILLING = {"street": "Via Roma 1", "postal_code": "20121", "city": "Milano", "country": "IT"}


def customer_token(base_url: str, email: str) -> str:
    requests.post(f"{base_url}/api/v1/accounts", timeout=30, json={
        "email": email, "password": PASSWORD, "first_name": "Bench", "last_name": "Buyer", "accept_terms": True})
    response = requests.post(f"{base_url}/api/v1/auth/login", timeout=30,
                             json={"identifier": email, "password": PASSWORD})
    response.raise_for_status()
    return response.json()["token"]


def product_codes(base_url: str) -> list[str]:
    response = requests.get(f"{base_url}/api/v1/catalog/products?per_page=50", timeout=30)
    response.raise_for_status()
    return [item["code"] for item in response.json()["items"]]


def ready_carts(base_url: str, auth: dict, codes: list[str], count: int) -> list[str]:
    carts = []
    with requests.Session() as session:
        for i in range(count):
            cart = session.post(f"{base_url}/api/v1/carts", json={"name": f"bench {i}"}, headers=auth, timeout=30)
            cart_id = cart.json()["id"]
            session.post(f"{base_url}/api/v1/carts/{cart_id}/items", json={"code": codes[i % len(codes)]},
                         headers=auth, timeout=30)
            carts.append(cart_id)
    return carts


def main() -> None:
    args = arguments(__doc__)
    with (contextlib.nullcontext(None) if args.url else Stack(demo=True)) as stack:
        base_url = args.url or stack.url
        auth = {"Authorization": f"Bearer {customer_token(base_url, 'bench-orders@example.it')}"}
        codes = product_codes(base_url)

        def create_cart(session, number):
            return session.post(f"{base_url}/api/v1/carts", json={"name": f"floor {number}"}, headers=auth,
                                timeout=30).status_code == 201

        def add_to_cart(session, number):
            return session.post(f"{base_url}/api/v1/cart/items", json={"code": codes[number % len(codes)]},
                                headers=auth, timeout=30).status_code == 201

        figures = []
        for clients in args.clients:
            figures.extend(floors(base_url, clients, args.seconds))
            figures.append(measure("floor: one-hop write (POST /carts)", create_cart, clients, args.seconds))
            figures.append(measure("POST /api/v1/cart/items", add_to_cart, clients, args.seconds))
            carts = ready_carts(base_url, auth, codes, 60 * clients)
            queue = itertools.count()

            def checkout(session, _number):
                cart_id = carts[next(queue) % len(carts)]
                response = session.post(f"{base_url}/api/v1/carts/{cart_id}/checkout", headers=auth, timeout=30,
                                        json={"shipping_address": SHIPPING, "billing": BILLING,
                                              "payment_method": "bank_transfer"})
                return response.status_code == 201

            figures.append(measure("POST /api/v1/carts/{id}/checkout", checkout, clients, args.seconds,
                                   max_requests=len(carts)))
    print_table(figures)
    print(f"saved {save('orders', figures)}")


if __name__ == "__main__":
    main()
