"""Scenario 5: a 504 followed by a late commit and a retry. Every 20th checkout of the stream meets its
cart's row locked in PostgreSQL (an operator's transaction, FOR UPDATE) until the gateway has
answered 504 (RPC timeout 5 s); the lock is then released, the worker commits the order late (the
customer's order list shows it before any retry), and the retry with the same Idempotency-Key must
answer that order: one order per cart, one confirmation mail."""
import threading
import time

import psycopg

from tests.faults.shop import PRODUCT
from tests.faults.stack import wait_until
from tests.faults_cluster.stream import Fault, run_stream
from tests.orders.conftest import BILLING, SHIPPING

LOCKED_EVERY = 20


def test_504_then_late_commit_then_retry_with_the_same_key_finds_one_order(cluster, shop, staff):
    fault, lock, first_answers, late = Fault(), threading.Lock(), [], []
    dsn = f"postgresql://sportello@127.0.0.1:{cluster.pg_port}/sportello_orders"

    def place(i, auth, name):
        if i % LOCKED_EVERY:
            return shop.order(auth, name)
        own = shop.customer("late")  # a customer of its own: its order list tells the late commit apart
        cart = shop.unsafe("POST", "/api/v1/carts", f"{name}-cart", own, json={"name": name}, ok=(201,)).json()
        shop.unsafe("POST", f"/api/v1/carts/{cart['id']}/items", f"{name}-line", own,
                    json={"code": PRODUCT, "quantity": 1}, ok=(201,))
        key = {**own, "Idempotency-Key": f"{name}-checkout"}
        body = {"shipping_address": SHIPPING, "payment_method": "bank_transfer", "billing": BILLING}
        url = f"{cluster.url}/api/v1/carts/{cart['id']}/checkout"
        with psycopg.connect(dsn) as holder:
            holder.execute("SELECT id FROM carts WHERE id = %s FOR UPDATE", (cart["id"],))
            with lock:
                fault.at = min(fault.at or time.monotonic(), time.monotonic())
            first = shop.http.post(url, json=body, headers=key, timeout=60)  # one try, while the row is held
            first_answers.append(first.status_code)
            holder.rollback()  # released: the waiting worker goes on and commits
        released = time.monotonic()
        wait_until(lambda: shop.my_orders(own), 60, interval=0.5, what="the late commit visible to the customer")
        committed_late = time.monotonic() - released
        order = shop.unsafe("POST", f"/api/v1/carts/{cart['id']}/checkout", f"{name}-checkout", own, json=body,
                            ok=(200, 201)).json()
        assert [o["number"] for o in shop.my_orders(own)] == [order["number"]]
        with lock:
            late.append(committed_late)
            fault.over = max(fault.over or 0, time.monotonic())
            customers_late.append(own)
        return order

    customers_late: list = []
    result = run_stream(cluster, shop, staff, "5 504, late commit, retry", inject=None, place=place, fault=fault,
                        also_seen=customers_late)
    assert first_answers == [504] * (200 // LOCKED_EVERY), first_answers
    result.outcomes[0].notes = (f"{len(first_answers)} checkouts 504 under a held row lock, each committed "
                                f"{min(late):.1f}-{max(late):.1f} s after the release, then retried: one order "
                                f"each; {result.outcomes[0].notes}")
