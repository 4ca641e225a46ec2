"""Customers and staff driving the shop over HTTP the way a careful frontend does while things break.

A careful client retries what failed for want of the server (connection refused or
reset, 502/503/504) after a short pause, and makes its retries safe: a checkout
carries an Idempotency-Key, a status change that already happened is recognised
from the 409 that names the order's current transitions. An operation counts as
acknowledged only when the client got its success answer.
"""
from __future__ import annotations

import itertools
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from services.accounts.cli import ensure_staff
from tests.accounts.conftest import PASSWORD, STAFF_PASSWORD
from tests.catalog.harness import CatalogDb
from tests.faults.stack import FaultStack
from tests.orders.conftest import BILLING, SHIPPING
PRODUCT = "FAULT-DRILL"
RETRYABLE = {502, 503, 504}
# Each status a staff member can move an order to, and the transitions the order has once there.
NEXT_STATUSES = {"placed": {"processing", "cancelled"}, "processing": {"fulfilled", "cancelled"},
                 "fulfilled": {"delivered"}, "delivered": set()}
DELIVERY_STEPS = ("processing", "fulfilled", "delivered")


class GaveUp(Exception):
    """The server never answered successfully within the operation's deadline."""


@dataclass
class Tally:
    """What the clients saw: attempts, retries, the answers that were not successes."""

    retries: int = 0
    refused: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def retried(self, why: str) -> None:
        with self.lock:
            self.retries += 1
            self.refused[why] = self.refused.get(why, 0) + 1


class Shop:
    def __init__(self, stack: FaultStack, deadline_seconds: float = 120):
        self.stack = stack
        self.url = stack.url
        self.deadline_seconds = deadline_seconds
        self.tally = Tally()
        self._local = threading.local()
        self._emails = itertools.count()

    # -- HTTP with the careful client's retries -------------------------------------------
    @property
    def http(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def call(self, method: str, path: str, ok=(200, 201), accept=(), **kwargs) -> requests.Response:
        """Send until a success (or an answer in ``accept``); retry only what the server could not do."""
        deadline = time.monotonic() + self.deadline_seconds
        while True:
            try:
                response = self.http.request(method, self.url + path, timeout=15, **kwargs)
            except requests.RequestException as exc:
                why = type(exc).__name__
            else:
                if response.status_code in ok or response.status_code in accept:
                    return response
                if response.status_code not in RETRYABLE:
                    raise AssertionError(f"{method} {path}: {response.status_code} {response.text[:500]}")
                why = str(response.status_code)
            if time.monotonic() > deadline:
                raise GaveUp(f"{method} {path}: still failing ({why}) after {self.deadline_seconds:g} s")
            self.tally.retried(why)
            time.sleep(0.25)

    # -- people -----------------------------------------------------------------------------
    def customer(self) -> dict:
        email = f"fault-{uuid.uuid4().hex[:10]}@example.it"
        body = {"email": email, "password": PASSWORD, "first_name": "Anna", "last_name": "Verdi",
                "accept_terms": True}
        self.call("POST", "/api/v1/accounts", json=body, ok=(201,))
        return self.login(email, PASSWORD)

    def staff(self) -> dict:
        ensure_staff("desk@faults.example", STAFF_PASSWORD, "staff_admin",
                     database_url=self.stack.database_url("accounts"))
        return self.login("desk@faults.example", STAFF_PASSWORD)

    def login(self, identifier: str, password: str) -> dict:
        token = self.call("POST", "/api/v1/auth/login", json={"identifier": identifier, "password": password},
                          ok=(200,)).json()["token"]
        return {"Authorization": f"Bearer {token}"}

    def ensure_product(self) -> None:
        catalog = CatalogDb(self.stack.database_url("catalog"))
        try:
            catalog.add_product(code=PRODUCT, name="Trapano a batteria 18V",
                                price={"amount": "89.90", "currency": "EUR"})
        except Exception as exc:  # already there from an earlier scenario
            if "exist" not in str(exc).lower() and "unique" not in str(exc).lower():
                raise
        finally:
            catalog.engine.dispose()

    # -- operations -------------------------------------------------------------------------
    def cart_with_product(self, auth: dict, code: str = PRODUCT) -> str:
        """A new cart with one line (set-up, before any fault: its retries are not idempotent)."""
        cart = self.call("POST", "/api/v1/carts", json={"name": "fault"}, headers=auth, ok=(201,)).json()
        self.call("POST", f"/api/v1/carts/{cart['id']}/items", json={"code": code, "quantity": 1}, headers=auth,
                  ok=(201,))
        return cart["id"]

    def checkout(self, auth: dict, cart_id: str) -> str:
        """Place the order; the same Idempotency-Key on every try. Returns the order number."""
        key = f"fault-{cart_id}"
        body = {"shipping_address": SHIPPING, "payment_method": "bank_transfer", "billing": BILLING}
        response = self.call("POST", f"/api/v1/carts/{cart_id}/checkout", json=body,
                             headers={**auth, "Idempotency-Key": key}, ok=(200, 201))
        return response.json()["number"]

    def move(self, staff: dict, number: str, status: str) -> None:
        body = {"status": status}
        if status == "fulfilled":
            body.update(carrier="BRT", tracking_number=f"T-{number}")
        response = self.call("POST", f"/api/v1/staff/orders/{number}/status", json=body, headers=staff,
                             ok=(200,), accept=(409,))
        if response.status_code == 409:
            # A retry of a change the server made before its answer was lost: fine if the order is there already.
            allowed = set(response.json().get("allowed") or ())
            current = next((s for s, after in NEXT_STATUSES.items() if after == allowed), None)
            if current is None or DELIVERY_STEPS.index(status) > _step(current):
                raise AssertionError(f"{number} -> {status}: {response.text[:300]}")

    def deliver(self, staff: dict, number: str) -> None:
        for status in DELIVERY_STEPS:
            self.move(staff, number, status)


def _step(status: str) -> int:
    return -1 if status == "placed" else DELIVERY_STEPS.index(status)


def run_concurrently(operation, items, clients: int = 4) -> tuple[list, list]:
    """Run ``operation(item)`` from ``clients`` threads; returns (acknowledged results, failures).

    After the first failure the items not yet started are left alone: a system that stopped
    answering would otherwise cost each of them the client's whole deadline, and the scenario
    would end in the test timeout instead of in its first error.
    """
    acknowledged, failures, lock = [], [], threading.Lock()

    def one(item):
        if failures:
            return
        try:
            result = operation(item)
        except Exception as exc:  # a failure is counted, not raised: the scenario reports it
            with lock:
                failures.append((item, repr(exc)))
        else:
            with lock:
                acknowledged.append(result)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, items))
    return acknowledged, failures


def placed_orders(shop: Shop, count: int, customers: int = 4) -> list[tuple[dict, str, str]]:
    """Set-up before a fault: ``count`` orders placed by a few customers -> (auth, cart id, order number)."""
    people = [shop.customer() for _ in range(customers)]

    def place(i):
        auth = people[i % customers]
        cart_id = shop.cart_with_product(auth)
        return auth, cart_id, shop.checkout(auth, cart_id)

    placed, failures = run_concurrently(place, range(count))
    assert not failures, failures[:3]
    return placed
