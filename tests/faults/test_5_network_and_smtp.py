"""Scenario 5: network faults between the services and the broker, and the SMTP server down."""
import threading
import time

from tests.faults.effects import (mails, orders_by_cart, return_windows, smtp_message_ids, tally,
                                  wait_for_all)
from tests.faults.shop import placed_orders, run_concurrently
from tests.faults.stack import wait_until

ORDERS = 100
CUTS = 3


def test_broker_connections_cut_mid_stream_lose_nothing(stack, shop, staff):
    customers = [shop.customer() for _ in range(4)]
    carts = [(customers[i % 4], shop.cart_with_product(customers[i % 4])) for i in range(ORDERS)]
    progress = {"placed": 0}
    cuts = []

    def place_and_deliver(item):
        auth, cart_id = item
        number = shop.checkout(auth, cart_id)
        progress["placed"] += 1
        shop.deliver(staff, number)
        return cart_id, number

    def cut_connections():
        for step in range(1, CUTS + 1):
            wait_until(lambda: progress["placed"] >= step * ORDERS // (CUTS + 1), 120, what="stream under way")
            stack.broker.close_connections("network fault injected")  # every client's TCP session is gone
            cuts.append(time.monotonic())

    cutter = threading.Thread(target=cut_connections)
    cutter.start()
    acknowledged, failures = run_concurrently(place_and_deliver, carts)
    cutter.join()
    assert not failures, failures[:5]
    assert len(cuts) == CUTS

    carts_acked = {c for c, _ in acknowledged}
    numbers = {n for _, n in acknowledged}
    wait_for_all(lambda: return_windows(stack), numbers)
    recovered = time.monotonic() - cuts[-1]
    wait_for_all(lambda: mails(stack, "order_delivered"), numbers)
    scenario = "5a broker connections cut x3"
    outcomes = [
        tally(scenario, "orders", ORDERS, carts_acked, orders_by_cart(stack),
              notes=f"{shop.tally.retries} client retries so far"),
        tally(scenario, "return windows", ORDERS, numbers, return_windows(stack), recovered,
              "recovery = last cut -> last window open"),
        tally(scenario, "delivered mails", ORDERS, numbers, mails(stack, "order_delivered")),
    ]
    for outcome in outcomes:
        assert (outcome.acknowledged, outcome.lost, outcome.duplicated) == (ORDERS, 0, 0), outcome
    for name, process in stack.processes.items():
        assert process.running, f"{name} died after a connection cut"


def test_smtp_server_down_during_notifications_delays_mails_but_loses_none(stack, shop):
    fault = {}
    progress = {"placed": 0}

    def smtp_outage():
        wait_until(lambda: progress["placed"] >= 10, 120, what="orders flowing")
        stack.smtp.stop()
        fault["down_at"] = time.monotonic()
        time.sleep(6)
        stack.smtp.start()
        fault["up_at"] = time.monotonic()

    outage = threading.Thread(target=smtp_outage)
    outage.start()
    people = [shop.customer() for _ in range(2)]

    def place(i):
        auth = people[i % 2]
        cart_id = shop.cart_with_product(auth)
        number = shop.checkout(auth, cart_id)
        progress["placed"] += 1
        return number

    numbers, failures = run_concurrently(place, range(60))
    outage.join()
    assert not failures, failures[:3]
    numbers = set(numbers)
    wait_for_all(lambda: mails(stack, "order_confirmation"), numbers, timeout=180)
    recovered = time.monotonic() - fault["up_at"]
    outcome = tally("5b SMTP server down 6 s", "confirmation mails", 60, numbers, mails(stack, "order_confirmation"),
                    recovered, "recovery = SMTP up -> last mail accepted")
    assert (outcome.lost, outcome.duplicated) == (0, 0), outcome
    assert max(smtp_message_ids(stack).values()) == 1
