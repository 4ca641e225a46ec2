"""Two staff members move the same order at the same moment, each request served by another replica of
orders (REVIEW R4): the state machine must see one change after the other, never both from the order
as it was before either committed.

Evidence from outside orders: the HTTP answers, the order_delivered events in a queue of the test's own
on orders.events, the mails in the SMTP server's mailbox and the order as the API shows it.

On PostgreSQL the two replicas' transactions run side by side and the row lock makes them take turns.
On SQLite the same loops run with one orders process (its one connection makes transactions take turns):
200 + 409 there too, never a 500 from a busy database. Two processes on one SQLite file cannot share
this test process (SQLite's busy wait blocks it whole): test_row_locks_across_processes.py.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.messaging.http.conftest import configure_messaging
from tests.orders.concurrency import EventTap, clients, side_by_side  # noqa: F401  (clients: a fixture)
from tests.orders.conftest import Shop
from tests.support.databases import USE_POSTGRESQL
from tests.support.fixtures import wait_until

LOOPS = 50
PAYMENT_LOOPS = 20
DELIVERED_SUBJECTS = ("has been delivered", "è stato consegnato")
PAID_SUBJECTS = ("Payment received", "Pagamento ricevuto")


@pytest.fixture
def shop(system, client, config, smtp_server, catalog, tmp_path):
    configure_messaging(config, smtp_server, tmp_path)
    system.start("accounts", "catalog", "orders", "messaging", "gateway")
    if USE_POSTGRESQL:  # SQLite: see the module docstring
        system.start_replica("orders")
    return Shop(client, config)


def placed_order(shop, auth) -> dict:
    cart = shop.new_cart(auth)
    shop.add(auth, cart["id"], "SAW-01", 2)
    placed = shop.checkout(auth, cart["id"])
    assert placed.status_code == 201, placed.text
    return placed.json()


def shipped_order(shop, auth, staff) -> str:
    number = placed_order(shop, auth)["number"]
    for status in ({"status": "processing"}, {"status": "fulfilled", "carrier": "BRT", "tracking_number": "T-1"}):
        moved = shop.client.post(f"/api/v1/staff/orders/{number}/status", json=status, headers=staff)
        assert moved.status_code == 200, moved.text
    return number


def mails_about(smtp, number: str, subjects) -> list:
    return [m for m in smtp.messages() if number in m["Subject"] and any(s in m["Subject"] for s in subjects)]


def all_mail_sent(shop, staff) -> None:
    def none_pending():
        page = shop.client.get("/api/v1/staff/notifications", params={"status": "pending"}, headers=staff)
        return page.status_code == 200 and page.json()["total"] == 0
    wait_until(none_pending, timeout=60)


def test_two_concurrent_deliveries_of_one_order_make_one_change_one_event_one_mail(shop, client, clients, config,
                                                                                 smtp_server):
    anna, staff = shop.customer(), shop.staff()
    tap = EventTap(config["AMQP_URI"], "orders", "order_delivered")
    numbers, answers = [], []
    for _ in range(LOOPS):
        number = shipped_order(shop, anna, staff)
        numbers.append(number)
        path = f"/api/v1/staff/orders/{number}/status"
        responses = side_by_side(clients, [(path, {"status": "delivered"})] * 2, staff)
        answers.append(sorted(r.status_code for r in responses))
        refused = next((r for r in responses if r.status_code == 409), None)
        if refused is not None:
            assert refused.headers["Content-Type"].startswith("application/problem+json")
            assert refused.json()["current_status"] == "delivered"

    events = []
    wait_until(lambda: events.extend(tap.drain()) or len(events) >= LOOPS, timeout=30)
    all_mail_sent(shop, staff)  # by now a duplicate, written in the same commits as the mails' events, is out too
    events.extend(tap.drain())
    twice = sorted(number for number in numbers if [e["order_number"] for e in events].count(number) != 1)
    assert not twice, f"{len(events)} order_delivered events for {LOOPS} orders; not once: {twice}"

    delivered = {number: len(mails_about(smtp_server, number, DELIVERED_SUBJECTS)) for number in numbers}
    not_once = {n: c for n, c in delivered.items() if c != 1}
    assert not not_once, f"delivered mails not once: {not_once}"
    assert answers == [[200, 409]] * LOOPS, [n for n, a in zip(numbers, answers) if a != [200, 409]]
    for number in numbers:
        history = client.get(f"/api/v1/orders/{number}", headers=anna).json()["history"]
        assert [h["status"] for h in history].count("delivered") == 1, number


def test_two_concurrent_payments_of_one_order_both_count(shop, client, clients, smtp_server):
    """Partial payments add up (a transfer in two parts): two recorded at once are both kept, and
    together they make the order paid, once."""
    anna, staff = shop.customer(), shop.staff()
    numbers = []
    for _ in range(PAYMENT_LOOPS):
        order = placed_order(shop, anna)
        half = (Decimal(order["total"]["amount"]) / 2).quantize(Decimal("0.01"))
        rest = Decimal(order["total"]["amount"]) - half
        path = f"/api/v1/staff/orders/{order['number']}/payments"
        responses = side_by_side(clients, [(path, {"amount": str(half)}), (path, {"amount": str(rest)})], staff)
        assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
        shown = client.get(f"/api/v1/staff/orders/{order['number']}", headers=staff).json()
        assert shown["payment_status"] == "paid", order["number"]
        assert shown["paid"] == {"amount": order["total"]["amount"], "currency": "EUR"}
        numbers.append(order["number"])

    all_mail_sent(shop, staff)
    paid = {number: len(mails_about(smtp_server, number, PAID_SUBJECTS)) for number in numbers}
    assert set(paid.values()) == {1}, paid
