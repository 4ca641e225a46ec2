"""Scenario 6: SIGTERM to orders in the middle of checkouts (a rolling restart). In-flight work finishes
within the grace period, and events committed but not yet sent leave from the outbox on the next start."""
import threading
import time

from tests.faults.effects import mails, orders_by_cart, tally, wait_for_all
from tests.faults.shop import run_concurrently
from tests.faults.stack import wait_until

ORDERS = 100
GRACE_SECONDS = 30


def test_sigterm_mid_stream_finishes_in_flight_work_and_sends_the_outbox_later(stack, shop):
    people = [shop.customer() for _ in range(4)]
    carts = [(people[i % 4], shop.cart_with_product(people[i % 4])) for i in range(ORDERS)]
    progress = {"placed": 0}
    fault = {}

    def place(item):
        auth, cart_id = item
        number = shop.checkout(auth, cart_id)
        progress["placed"] += 1
        return cart_id, number

    def rolling_restart():
        wait_until(lambda: progress["placed"] >= ORDERS // 3, 120, what="checkouts under way")
        fault["stop_s"] = stack.processes["orders"].terminate(grace=GRACE_SECONDS)
        fault["exit_code"] = stack.processes["orders"].process.returncode
        stack.restart("orders")
        fault["restarted_at"] = time.monotonic()

    restarter = threading.Thread(target=rolling_restart)
    restarter.start()
    acknowledged, failures = run_concurrently(place, carts)
    restarter.join()
    assert not failures, failures[:3]

    carts_acked = {c for c, _ in acknowledged}
    numbers = {n for _, n in acknowledged}
    wait_for_all(lambda: mails(stack, "order_confirmation"), numbers)
    recovered = time.monotonic() - fault["restarted_at"]
    scenario = "6 SIGTERM orders mid-stream"
    outcomes = [
        tally(scenario, "orders", ORDERS, carts_acked, orders_by_cart(stack),
              notes=f"stopped in {fault['stop_s']:.1f} s (exit {fault['exit_code']})"),
        tally(scenario, "confirmation mails", ORDERS, numbers, mails(stack, "order_confirmation"), recovered,
              "recovery = restart -> last mail"),
    ]
    assert fault["stop_s"] < GRACE_SECONDS and fault["exit_code"] == 0
    for outcome in outcomes:
        assert (outcome.acknowledged, outcome.lost, outcome.duplicated) == (ORDERS, 0, 0), outcome
