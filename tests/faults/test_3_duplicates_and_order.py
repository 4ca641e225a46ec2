"""Scenario 3: the same events delivered twice, and out of order.

Every order_delivered and order_status_changed event orders has published so far is
published again, twice, newest first, straight onto the broker (as a redelivery after
a lost ack, or a replay of dead letters, would bring them). Nothing may happen twice:
no second return window, no second mail. Then price events arrive out of order.
"""
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

from nameko.standalone.events import event_dispatcher

from tests.faults.effects import mails, return_windows, rows, tally
from tests.faults.report import Outcome, record
from tests.faults.shop import PRODUCT, placed_orders, run_concurrently
from tests.faults.stack import wait_until

SCENARIO = "3 duplicates, newest first"
ORDERS = 100


def published(stack, event_type):
    return [json.loads(payload) for (payload,) in rows(
        stack, "orders", "SELECT payload FROM outbox_messages WHERE event_type = ? AND sent_at IS NOT NULL "
                         "ORDER BY created_at", event_type)]


def consumer_backlog(stack) -> int:
    """Messages still waiting for returns' and messaging's order handlers, or for a retry."""
    return sum(n for name, n in stack.broker.queue_depths().items()
               if name.startswith("evt-orders-") and "poison_auditor" not in name or name.startswith("sportello.retry"))


def test_events_delivered_twice_and_newest_first_change_nothing(stack, shop, staff):
    placed = placed_orders(shop, ORDERS)
    delivered, failures = run_concurrently(lambda item: (shop.deliver(staff, item[2]), item[2])[1], placed)
    assert not failures, failures[:3]
    numbers = set(delivered)
    wait_until(lambda: numbers <= set(mails(stack, "order_delivered")), 120, what="first deliveries handled")

    windows_before, delivered_mails_before = return_windows(stack), mails(stack, "order_delivered")
    shipped_mails_before = mails(stack, "order_shipped")
    notifications_before = rows(stack, "messaging", "SELECT count(*) FROM notifications")[0][0]
    dispatch = event_dispatcher({"AMQP_URI": stack.broker.amqp_uri})
    republished = 0
    for event_type in ("order_delivered", "order_status_changed"):
        for event in reversed(published(stack, event_type)):
            for _ in range(2):
                dispatch("orders", event_type, event)
                republished += 1
    wait_until(lambda: consumer_backlog(stack) == 0, 180, interval=0.5, what="duplicates consumed")
    time.sleep(1)  # the last handlers commit

    all_numbers = set(windows_before)
    outcomes = [
        tally(SCENARIO, "return windows", republished, all_numbers, return_windows(stack),
              notes=f"{republished} events republished; windows before {sum(windows_before.values())}"),
        tally(SCENARIO, "delivered mails", republished, set(delivered_mails_before), mails(stack, "order_delivered")),
        tally(SCENARIO, "shipped mails", republished, set(shipped_mails_before), mails(stack, "order_shipped")),
    ]
    assert republished >= 4 * ORDERS
    assert rows(stack, "messaging", "SELECT count(*) FROM notifications")[0][0] == notifications_before
    for outcome in outcomes:
        assert outcome.lost == 0 and outcome.duplicated == 0, outcome


def test_price_events_out_of_order_leave_the_newest_price_in_every_open_cart(stack, shop):
    customers = [shop.customer() for _ in range(2)]
    carts = [(auth, shop.cart_with_product(auth)) for auth in customers for _ in range(5)]
    now = datetime.now(timezone.utc)

    def price_changed(old, new, seconds):
        return {"event_id": str(uuid.uuid4()), "occurred_at": (now + timedelta(seconds=seconds)).isoformat(),
                "schema_version": 1, "code": PRODUCT, "old_price": {"amount": old, "currency": "EUR"},
                "new_price": {"amount": new, "currency": "EUR"}}

    history = [price_changed("89.90", "91.00", 1), price_changed("91.00", "92.00", 2),
               price_changed("92.00", "93.00", 3)]
    dispatch = event_dispatcher({"AMQP_URI": stack.broker.amqp_uri})
    for event in (history[2], history[0], history[1]):  # newest first, then the older ones
        dispatch("catalog", "product_price_changed", event)
    wait_until(lambda: consumer_backlog_catalog(stack) == 0, 60, what="price events consumed")
    time.sleep(1)

    def catalog_price(auth, cart_id):
        line = shop.call("GET", f"/api/v1/carts/{cart_id}", headers=auth).json()["lines"][0]
        return (line["catalog_price"] or {}).get("amount")

    seen = [catalog_price(auth, cart_id) for auth, cart_id in carts]
    wrong = sum(1 for price in seen if price != "93.00")
    record(Outcome("3 price events newest first", "carts at newest price", len(history), len(history),
                   len(carts) - wrong, lost=wrong, duplicated=0, notes=f"{len(carts)} open carts; saw {sorted(set(seen))}"))
    assert seen == ["93.00"] * len(carts)


def consumer_backlog_catalog(stack) -> int:
    return sum(n for name, n in stack.broker.queue_depths().items() if name.startswith("evt-catalog-"))
