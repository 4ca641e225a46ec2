"""Scenario 4: a consumer raising on every message. Its messages end in its dead-letter queue after the
retries (never acked-and-dropped, never requeued in a hot loop); the healthy consumers flow on."""
import json
import time

from services.chassis.queues import show_dead_letters
from tests.faults.effects import return_windows, tally, wait_for_all
from tests.faults.shop import placed_orders, run_concurrently
from tests.faults.stack import wait_until

ORDERS = 50
SCENARIO = "4 poison consumer beside healthy ones"
RETRIES = 3  # SPORTELLO_EVENT_RETRY_DELAYS of the stack: 0.2, 0.5, 1 s


def dead_letters(stack) -> dict[str, int]:
    """order number -> attempts, for the auditor's dead letters (read and returned to the queue)."""
    letters = show_dead_letters(stack.broker.amqp_uri, "poison_auditor", limit=100_000)
    return {json.loads(letter.body)["order_number"]: letter.attempts for letter in letters}


def test_poison_consumer_dead_letters_everything_and_the_others_flow_on(stack, shop, staff):
    placed = placed_orders(shop, ORDERS)
    started = time.monotonic()
    delivered, failures = run_concurrently(lambda item: (shop.deliver(staff, item[2]), item[2])[1], placed)
    assert not failures, failures[:3]
    numbers = set(delivered)

    wait_for_all(lambda: return_windows(stack), numbers, timeout=60)  # the healthy consumer did not wait for the broken one
    windows_s = time.monotonic() - started
    wait_until(lambda: numbers <= set(dead_letters(stack)), 60, interval=0.5, what="every poison in the DLQ")
    letters = dead_letters(stack)
    depths = stack.broker.queue_depths()
    auditor_queue = next(n for n in depths if n.endswith("--poison_auditor.audit_delivery"))

    tally(SCENARIO, "return windows", ORDERS, numbers, return_windows(stack), notes=f"all open {windows_s:.1f} s "
          "after the stream began")
    from collections import Counter

    tally(SCENARIO, "dead letters", ORDERS, numbers, Counter({n: 1 for n in letters}),
          notes=f"each after {sorted({letters[n] for n in numbers})} attempts")
    assert {letters[n] for n in numbers} == {RETRIES + 1}  # tried, retried with back-off, then parked
    assert depths[auditor_queue] == 0  # nothing spinning in its queue
    assert all(depths.get(name, 0) == 0 for name in depths if name.startswith("sportello.retry"))
