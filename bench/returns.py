"""Returns: RMA create through the gateway, and order_delivered -> return window open, beside the floors.

    python -m bench.returns [--seconds 8] [--clients 1 10]

The stack starts with the demo catalog and staff. A real order (one product, 9,999 pieces) is
placed and delivered through the API, so that every POST /api/v1/returns (one piece each) is
valid: gateway -> returns, which asks accounts for the requester's e-mail (a second RPC hop),
locks the order row, checks window and quantities and writes the RMA with its outbox event.

The window latency is measured from the moment the benchmark publishes orders.order_delivered
(nameko's standalone dispatcher, as the orders relay publishes it) to the moment the returns
row is committed, i.e. visible to another connection of the returns database: once one event
at a time (latency), then a burst (throughput; per-event figures from the row's received_at,
the handler's own clock on this same machine). It needs the stack's database: no --url.
"""
from __future__ import annotations

import os
import sqlite3
import statistics
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import requests

from bench.harness import Figure, Stack, arguments, floors, measure, percentile, print_table, save
from bench.orders import BILLING, SHIPPING, customer_token

STAFF = ("desk@sportello.example", os.environ.get("SPORTELLO_DEMO_PASSWORD", "demo-password-2026"))
ADDRESS = {"name": "Bench", "street": "Via Roma 1", "postal_code": "20121", "city": "Milano", "country": "IT"}
EVENTS = 300  # order_delivered events per latency measurement
LINE = {"position": 1, "quantity": 1, "justification": "Bench", "seal_state": "intact", "usage_condition": "unused"}


def staff_token(base_url: str) -> str:
    """The demo staff account; `sportello run` creates it just after the demo catalog, so wait a little."""
    deadline = time.monotonic() + 60
    while True:
        response = requests.post(f"{base_url}/api/v1/auth/login", timeout=30,
                                 json={"identifier": STAFF[0], "password": STAFF[1]})
        if response.status_code == 200 or time.monotonic() > deadline:
            response.raise_for_status()
            return response.json()["token"]
        time.sleep(0.5)


def delivered_order(base_url: str, auth: dict) -> str:
    staff = {"Authorization": f"Bearer {staff_token(base_url)}"}
    code = requests.get(f"{base_url}/api/v1/catalog/products?per_page=1", timeout=30).json()["items"][0]["code"]
    cart = requests.post(f"{base_url}/api/v1/carts", json={"name": "bench returns"}, headers=auth, timeout=30).json()
    requests.post(f"{base_url}/api/v1/carts/{cart['id']}/items", json={"code": code, "quantity": 9999}, headers=auth,
                  timeout=30).raise_for_status()
    order = requests.post(f"{base_url}/api/v1/carts/{cart['id']}/checkout", headers=auth, timeout=30, json={
        "shipping_address": SHIPPING, "billing": BILLING, "payment_method": "bank_transfer"})
    order.raise_for_status()
    number = order.json()["number"]
    for status in ({"status": "processing"}, {"status": "fulfilled", "carrier": "BRT", "tracking_number": "B-1"},
                   {"status": "delivered"}):
        requests.post(f"{base_url}/api/v1/staff/orders/{number}/status", json=status, headers=staff,
                      timeout=30).raise_for_status()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        eligible = requests.get(f"{base_url}/api/v1/returns/eligible-orders", headers=auth, timeout=30).json()
        if any(o["order_number"] == number for o in eligible):
            return number
        time.sleep(0.05)
    raise RuntimeError("returns never opened the window of the delivered order")


def delivered_event(customer_id: str) -> dict:
    now = datetime.now(timezone.utc).isoformat()
    return {"event_id": str(uuid.uuid4()), "occurred_at": now, "schema_version": 1,
            "order_number": f"ORD-BENCH-{uuid.uuid4().hex[:12]}", "customer_id": customer_id, "company_id": None,
            "customer_kind": "private", "delivered_at": now,
            "lines": [{"position": 1, "kind": "product", "reference": "BENCH-1", "name": "Bench", "quantity": 1,
                       "unit_price": {"amount": "10.00", "currency": "EUR"}, "vat_rate": "22.00"}]}


def window_latency(db_path: Path, amqp_uri: str, customer_id: str, events: int) -> list[Figure]:
    from nameko.standalone.events import event_dispatcher

    dispatch = event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})
    db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    committed = lambda number: db.execute(  # noqa: E731
        "SELECT 1 FROM delivered_orders WHERE order_number = ?", (number,)).fetchone() is not None

    latencies = []  # one at a time: publish, then poll (1 ms) until another connection sees the row
    started = time.monotonic()
    for _ in range(events):
        payload = delivered_event(customer_id)
        sent = time.perf_counter()
        dispatch("orders", "order_delivered", payload)
        while not committed(payload["order_number"]):
            time.sleep(0.001)
        latencies.append((time.perf_counter() - sent) * 1000)
    figures = [figure("order_delivered -> window committed (one at a time)", latencies, time.monotonic() - started)]

    burst = [delivered_event(customer_id) for _ in range(events)]
    published = {}
    started = time.monotonic()
    for payload in burst:
        published[payload["order_number"]] = datetime.now(timezone.utc)
        dispatch("orders", "order_delivered", payload)
    numbers = list(published)
    while db.execute(f"SELECT count(*) FROM delivered_orders WHERE order_number IN ({','.join('?' * len(numbers))})",
                     numbers).fetchone()[0] < len(numbers):
        time.sleep(0.005)
    elapsed = time.monotonic() - started
    rows = db.execute(f"SELECT order_number, received_at FROM delivered_orders WHERE order_number IN "
                      f"({','.join('?' * len(numbers))})", numbers).fetchall()
    burst_latencies = [(datetime.fromisoformat(received).replace(tzinfo=timezone.utc) - published[number])
                       .total_seconds() * 1000 for number, received in rows]
    figures.append(figure(f"order_delivered -> window (burst of {events})", burst_latencies, elapsed))
    db.close()
    return figures


def figure(path: str, latencies: list[float], seconds: float) -> Figure:
    ordered = sorted(latencies)
    return Figure(path, 1, len(ordered), 0, round(seconds, 2), round(len(ordered) / seconds, 1),
                  round(statistics.median(ordered), 2), round(percentile(ordered, 0.95), 2),
                  round(percentile(ordered, 0.99), 2))


class OwnVhost:
    """A RabbitMQ vhost of the benchmark's own: another stack on the same broker (a developer's `make run`,
    another benchmark) would otherwise compete for the same RPC and event queues."""

    def __init__(self, management: str = "http://127.0.0.1:15672"):
        from urllib.parse import urlsplit, urlunsplit

        from services.chassis.config import load_settings

        parts = urlsplit(load_settings().amqp_uri)
        self.auth = (parts.username or "guest", parts.password or "guest")
        self.name = f"sportello-bench-returns-{uuid.uuid4().hex[:8]}"
        self.api = f"{os.environ.get('SPORTELLO_TEST_RABBIT_MANAGEMENT', management)}/api"
        self.uri = urlunsplit((parts.scheme, parts.netloc, "/" + self.name, "", ""))

    def __enter__(self) -> str:
        requests.put(f"{self.api}/vhosts/{self.name}", auth=self.auth, timeout=10).raise_for_status()
        requests.put(f"{self.api}/permissions/{self.name}/{self.auth[0]}", auth=self.auth, timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        os.environ["AMQP_URI"] = self.uri  # the stack's processes inherit it
        return self.uri

    def __exit__(self, *exc) -> None:
        requests.delete(f"{self.api}/vhosts/{self.name}", auth=self.auth, timeout=10)


def main() -> None:
    parser_args = arguments(__doc__)
    if parser_args.url:
        raise SystemExit("bench.returns starts its own stack (it reads the returns database): drop --url")
    with OwnVhost() as amqp_uri, Stack(demo=True) as stack:
        base_url = stack.url
        auth = {"Authorization": f"Bearer {customer_token(base_url, 'bench-returns@example.it')}"}
        order_number = delivered_order(base_url, auth)
        customer_id = requests.get(f"{base_url}/api/v1/me", headers=auth, timeout=30).json()["id"]

        def create_rma(session, number):
            return session.post(f"{base_url}/api/v1/returns", headers=auth, timeout=30, json={
                "order_number": order_number, "request_type": "standard_warranty", "message": f"bench {number}",
                "return_address": ADDRESS, "lines": [LINE]}).status_code == 201

        def eligible(session, _number):
            return session.get(f"{base_url}/api/v1/returns/eligible-orders", headers=auth,
                               timeout=30).status_code == 200

        figures = []
        for clients in parser_args.clients:
            figures.extend(floors(base_url, clients, parser_args.seconds))
            figures.append(measure("GET /api/v1/returns/eligible-orders", eligible, clients, parser_args.seconds))
            figures.append(measure("POST /api/v1/returns", create_rma, clients, parser_args.seconds))
        figures.extend(window_latency(Path(stack.var) / "returns.sqlite3", amqp_uri, customer_id, EVENTS))
    print_table(figures)
    print(f"saved {save('returns', figures)}")


if __name__ == "__main__":
    main()
