"""Scenario 2: the returns service killed with SIGKILL while it handles order_delivered events, then restarted."""
import threading
import time

from tests.faults.effects import return_windows, tally, wait_for_all
from tests.faults.shop import placed_orders, run_concurrently
from tests.faults.stack import wait_until

ORDERS = 200
SCENARIO = "2 SIGKILL returns during order_delivered"


def test_returns_killed_mid_stream_opens_every_window_once(stack, shop, staff):
    placed = placed_orders(shop, ORDERS)
    numbers = {number for _, _, number in placed}
    fault = {}

    def kill_returns():
        wait_until(lambda: len(set(return_windows(stack)) & numbers) >= ORDERS // 4, 120, interval=0.1,
                   what="returns busy with the stream")
        stack.processes["returns"].kill()
        fault["killed_at"] = time.monotonic()
        fault["windows_at_kill"] = len(set(return_windows(stack)) & numbers)
        time.sleep(2)  # deliveries go on; their events wait in returns' durable queue
        stack.restart("returns")
        fault["restarted_at"] = time.monotonic()

    killer = threading.Thread(target=kill_returns)
    killer.start()
    delivered, failures = run_concurrently(lambda item: (shop.deliver(staff, item[2]), item[2])[1], placed)
    killer.join()
    assert not failures, failures[:5]
    assert "restarted_at" in fault, "returns was never killed"

    acknowledged = set(delivered)
    wait_for_all(lambda: return_windows(stack), acknowledged, timeout=180)
    recovered = time.monotonic() - fault["restarted_at"]
    outcome = tally(SCENARIO, "return windows", ORDERS, acknowledged, return_windows(stack), recovered,
                    f"killed after {fault['windows_at_kill']} windows; recovery = restart -> last window open")
    assert stack.processes["returns"].running
    assert (outcome.acknowledged, outcome.lost, outcome.duplicated) == (ORDERS, 0, 0), outcome
