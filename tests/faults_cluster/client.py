"""A frontend's careful client on the production topology: every unsafe request carries an
Idempotency-Key that stays the same on every retry of one operation, and a request that failed for
want of the server (connection refused or reset, a timeout, 502/503/504) is sent again after a
back-off (0.25 s doubling to 2 s). An operation counts as acknowledged when its last answer was a success.

One operation: a new cart, one line, the checkout, then processing -> fulfilled -> delivered by
staff; six unsafe requests, each retried with its own key.
"""
from __future__ import annotations

import threading
import time
import uuid

import requests

from tests.faults.shop import PRODUCT, RETRYABLE, GaveUp, Shop
from tests.orders.conftest import BILLING, SHIPPING

DELIVERY_STEPS = ("processing", "fulfilled", "delivered")


class CarefulShop(Shop):
    def __init__(self, stack, deadline_seconds: float = 180):
        super().__init__(stack, deadline_seconds)
        self.checkouts: list[tuple[float, float]] = []  # (sent, acknowledged) of each checkout, monotonic
        self._checkouts_lock = threading.Lock()

    def call(self, method: str, path: str, ok=(200, 201), accept=(), **kwargs) -> requests.Response:
        deadline = time.monotonic() + self.deadline_seconds
        pause = 0.25
        while True:
            try:
                response = self.http.request(method, self.url + path, timeout=20, **kwargs)
            except requests.RequestException as exc:
                why = type(exc).__name__
                self._local.session = requests.Session()  # a fresh connection, as a browser would open
            else:
                if response.status_code in ok or response.status_code in accept:
                    return response
                if response.status_code not in RETRYABLE:
                    raise AssertionError(f"{method} {path}: {response.status_code} {response.text[:500]}")
                why = str(response.status_code)
            if time.monotonic() > deadline:
                raise GaveUp(f"{method} {path}: still failing ({why}) after {self.deadline_seconds:g} s")
            self.tally.retried(why)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)

    def customer(self, prefix: str = "fault") -> dict:
        from tests.accounts.conftest import PASSWORD

        email = f"{prefix}-{uuid.uuid4().hex[:10]}@example.it"
        body = {"email": email, "password": PASSWORD, "first_name": "Anna", "last_name": "Verdi",
                "accept_terms": True}
        self.unsafe("POST", "/api/v1/accounts", f"register-{email}", {}, json=body, ok=(201,))
        return self.login(email, PASSWORD)

    def unsafe(self, method: str, path: str, key: str, auth: dict, **kwargs) -> requests.Response:
        return self.call(method, path, headers={**auth, "Idempotency-Key": key}, **kwargs)

    def order(self, auth: dict, tag: str, billing: dict | None = None) -> dict:
        """Cart, line, checkout; returns the order as the checkout answered it. ``billing`` replaces
        fields of the billing data (its ``invoice_email`` is the e-mail order_placed carries)."""
        cart = self.unsafe("POST", "/api/v1/carts", f"{tag}-cart", auth, json={"name": tag[:40]}, ok=(201,)).json()
        self.unsafe("POST", f"/api/v1/carts/{cart['id']}/items", f"{tag}-line", auth,
                    json={"code": PRODUCT, "quantity": 1}, ok=(201,))
        sent = time.monotonic()
        body = {"shipping_address": SHIPPING, "payment_method": "bank_transfer",
                "billing": {**BILLING, **(billing or {})}}
        order = self.unsafe("POST", f"/api/v1/carts/{cart['id']}/checkout", f"{tag}-checkout", auth, json=body,
                            ok=(200, 201)).json()
        with self._checkouts_lock:
            self.checkouts.append((sent, time.monotonic()))
        return order

    def deliver_with_keys(self, staff: dict, number: str, tag: str) -> None:
        for status in DELIVERY_STEPS:
            body = {"status": status}
            if status == "fulfilled":
                body.update(carrier="BRT", tracking_number=f"T-{number}")
            self.unsafe("POST", f"/api/v1/staff/orders/{number}/status", f"{tag}-{status}", staff, json=body,
                        ok=(200,))

    def first_checkout_after(self, moment: float) -> float | None:
        """Seconds from ``moment`` to the first checkout sent after it that was acknowledged."""
        with self._checkouts_lock:
            acks = [acked for sent, acked in self.checkouts if sent >= moment]
        return min(acks) - moment if acks else None

    # -- what a customer sees -------------------------------------------------------------
    def my_orders(self, auth: dict) -> list[dict]:
        found, page = [], 1
        while True:
            body = self.call("GET", f"/api/v1/orders?page={page}&per_page=100", headers=auth, ok=(200,)).json()
            found += body["items"]
            if page >= body["pages"]:
                return found
            page += 1


def tag() -> str:
    return uuid.uuid4().hex[:12]
