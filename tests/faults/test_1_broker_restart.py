"""Scenario 1: RabbitMQ stopped and started again in the middle of a stream of checkouts and deliveries."""
import threading
import time

from tests.faults.effects import mails, orders_by_cart, return_windows, smtp_message_ids, tally, wait_for_all
from tests.faults.shop import run_concurrently
from tests.faults.stack import wait_until

ORDERS = 200
SCENARIO = "1 broker restart mid-stream"


def test_broker_restart_mid_stream_loses_nothing_and_doubles_nothing(stack, shop, staff):
    customers = [shop.customer() for _ in range(4)]
    carts = [(customers[i % 4], shop.cart_with_product(customers[i % 4])) for i in range(ORDERS)]
    progress = {"placed": 0, "placed_after_fault": []}
    fault = {}

    def place_and_deliver(item):
        auth, cart_id = item
        number = shop.checkout(auth, cart_id)
        progress["placed"] += 1
        if "up_at" in fault:
            progress["placed_after_fault"].append(time.monotonic())
        shop.deliver(staff, number)
        return cart_id, number

    def break_the_broker():
        wait_until(lambda: progress["placed"] >= ORDERS // 3, 120, what="a third of the stream done")
        fault["down_at"] = time.monotonic()
        stack.broker.stop()
        time.sleep(3)  # every service notices, clients are refused
        stack.broker.start()
        fault["up_at"] = time.monotonic()

    breaker = threading.Thread(target=break_the_broker)
    breaker.start()
    acknowledged, failures = run_concurrently(place_and_deliver, carts, clients=4)
    breaker.join()
    assert not failures, failures[:5]
    assert "up_at" in fault, "the broker was never restarted"

    carts_acked = {cart_id for cart_id, _ in acknowledged}
    numbers = {number for _, number in acknowledged}
    wait_for_all(lambda: return_windows(stack), numbers)
    windows_at = time.monotonic()
    wait_for_all(lambda: mails(stack, "order_delivered"), numbers)
    first_after = min(progress["placed_after_fault"], default=fault["up_at"])
    down = f"broker down {fault['up_at'] - fault['down_at']:.1f} s"

    outcomes = [
        tally(SCENARIO, "orders", ORDERS, carts_acked, orders_by_cart(stack), first_after - fault["up_at"],
              f"{down}; recovery = broker up -> next order placed; {shop.tally.retries} client retries"),
        tally(SCENARIO, "return windows", ORDERS, numbers, return_windows(stack), windows_at - fault["up_at"],
              "recovery = broker up -> last window open"),
        tally(SCENARIO, "confirmation mails", ORDERS, numbers, mails(stack, "order_confirmation")),
        tally(SCENARIO, "delivered mails", ORDERS, numbers, mails(stack, "order_delivered")),
    ]
    assert len(acknowledged) == ORDERS
    for outcome in outcomes:
        assert (outcome.lost, outcome.duplicated) == (0, 0), outcome
    assert max(smtp_message_ids(stack).values()) == 1  # no mail handed to the SMTP server twice
