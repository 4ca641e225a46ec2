"""Scenario 1: RabbitMQ stopped and started again in the middle of a stream of checkouts and deliveries."""
import threading
import time

from tests.faults.report import Outcome, record
from tests.faults.shop import rows, run_concurrently
from tests.faults.stack import wait_until

ORDERS = 200


def test_broker_restart_mid_stream_loses_nothing_and_doubles_nothing(stack, shop, staff):
    customers = [shop.customer() for _ in range(4)]
    carts = [(customers[i % 4], shop.cart_with_product(customers[i % 4])) for i in range(ORDERS)]
    progress = {"placed": 0}
    fault = {}

    def place_and_deliver(item):
        auth, cart_id = item
        number = shop.checkout(auth, cart_id)
        progress["placed"] += 1
        shop.deliver(staff, number)
        return cart_id, number

    def break_the_broker():
        wait_until(lambda: progress["placed"] >= ORDERS // 3, 300, what="a third of the stream done")
        fault["down_at"] = time.monotonic()
        stack.broker.stop()
        time.sleep(3)  # long enough for every service to notice and for clients to be refused
        stack.broker.start()
        fault["up_at"] = time.monotonic()

    breaker = threading.Thread(target=break_the_broker)
    breaker.start()
    acknowledged, failures = run_concurrently(place_and_deliver, carts, clients=4)
    breaker.join()
    first_after = time.monotonic()  # replaced below by the first order placed after the broker returned
    assert not failures, failures[:5]
    assert "up_at" in fault, "the broker was never restarted"

    # Effects, once the backlog has drained: orders, return windows, confirmation and delivery mails.
    numbers = {number for _, number in acknowledged}
    cart_ids = {cart_id for cart_id, _ in acknowledged}

    def orders_found():
        return rows(stack, "orders", "SELECT cart_id, number FROM orders")

    def windows_found():
        return [r[0] for r in rows(stack, "returns", "SELECT order_number FROM delivered_orders")
                if r[0] in numbers]

    wait_until(lambda: len(set(windows_found())) >= len(numbers), 120, interval=0.5, what="every return window open")
    drained_at = time.monotonic()
    orders = [r for r in orders_found() if r[0] in cart_ids]
    windows = windows_found()
    placed_times = sorted(t for t in shop_checkout_times(stack, numbers) if t >= fault["up_at"])
    if placed_times:
        first_after = placed_times[0]

    record(Outcome("1 broker restart mid-stream", "orders", ORDERS, len(acknowledged), len({r[0] for r in orders}),
                   lost=len(cart_ids - {r[0] for r in orders}), duplicated=len(orders) - len({r[0] for r in orders}),
                   recovery_s=round(first_after - fault["up_at"], 1),
                   notes=f"broker down {fault['up_at'] - fault['down_at']:.1f} s; "
                         f"{shop.tally.retries} client retries"))
    record(Outcome("1 broker restart mid-stream", "return windows", ORDERS, len(acknowledged), len(set(windows)),
                   lost=len(numbers - set(windows)), duplicated=len(windows) - len(set(windows)),
                   recovery_s=round(drained_at - fault["up_at"], 1), notes="recovery = until the last window opened"))
    assert len(acknowledged) == ORDERS
    assert cart_ids == {r[0] for r in orders} and len(orders) == len(cart_ids)
    assert numbers == set(windows) and len(windows) == len(numbers)


def shop_checkout_times(stack, numbers):
    """When each order was placed, on the monotonic clock of this process (from its UTC time)."""
    from datetime import datetime, timezone

    offset = time.monotonic() - datetime.now(timezone.utc).timestamp()
    times = []
    for number, placed_at in rows(stack, "orders", "SELECT number, placed_at FROM orders"):
        if number in numbers and placed_at:
            moment = datetime.fromisoformat(str(placed_at))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            times.append(moment.timestamp() + offset)
    return times
