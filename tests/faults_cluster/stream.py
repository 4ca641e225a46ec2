"""One scenario's shape: a stream of operations by four customers, a fault injected a third of the way
in (and repaired by the fault itself, as an operator or orchestrator would), then the effects
counted from outside and compared with what the clients were told."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from tests.faults.shop import run_concurrently
from tests.faults.stack import wait_until
from tests.faults_cluster import evidence
from tests.faults_cluster.client import tag

OPERATIONS = 200
CUSTOMERS = 4


@dataclass
class Fault:
    """Times of one fault (monotonic): ``at`` injected, ``over`` repaired; ``notes`` for the table."""

    at: float | None = None
    over: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class StreamResult:
    numbers: set
    customers: list
    fault: Fault
    outcomes: list


def run_stream(cluster, shop, staff, scenario: str, inject, operations: int = OPERATIONS, clients: int = 4,
               start_fraction: float = 1 / 3, place=None, customers: list | None = None,
               fault: Fault | None = None, also_seen: list | None = None, fault_seconds: float = 0) -> StreamResult:
    """``inject(fault)`` runs on its own thread once ``start_fraction`` of the operations are done;
    it sets ``fault.at`` when the fault begins and ``fault.over`` when it is repaired.
    ``place(i, auth, name) -> order`` replaces the plain cart-line-checkout of operation ``i``;
    ``fault_seconds``: how long a fault may outlast the stream (its repair is waited for)."""
    customers = customers or [shop.customer() for _ in range(CUSTOMERS)]
    progress = {"done": 0}
    fault = fault or Fault()
    retries_before = shop.tally.retries

    def operation(i):
        auth, name = customers[i % len(customers)], tag()
        order = place(i, auth, name) if place else shop.order(auth, name)
        shop.deliver_with_keys(staff, order["number"], name)
        progress["done"] += 1
        return order

    def breaker():
        wait_until(lambda: progress["done"] >= operations * start_fraction or progress.get("ended"), 600,
                   what="the stream under way")
        if not progress.get("ended"):
            inject(fault)

    thread = threading.Thread(target=breaker, daemon=True)
    if inject is not None:
        thread.start()
    acknowledged, failures = run_concurrently(operation, range(operations), clients=clients)
    progress["ended"] = True  # a stream stopped by a failure: no fault after it; one under way is repaired
    if inject is not None:
        thread.join(timeout=fault_seconds + 300)
    assert not failures, failures[:5]
    assert fault.at is not None and fault.over is not None, "the fault was never injected and repaired"
    assert len(acknowledged) == operations

    numbers = {order["number"] for order in acknowledged}
    maildir = cluster.smtp.maildir
    confirmations_s = evidence.wait_for_mails(maildir, "order_confirmation", numbers)
    delivered_s = evidence.wait_for_mails(maildir, "order_delivered", numbers)
    seen = evidence.orders_seen(shop, customers + (also_seen or []))
    odd_lines = sum(1 for order in acknowledged
                    if [(line["reference"], line["quantity"]) for line in order["lines"]] != [(_product(), 1)])
    wait_until(lambda: not evidence.left_in_queues(cluster.broker), 120, interval=1, what="every queue drained")
    ids = evidence.message_ids(maildir)
    recovery = shop.first_checkout_after(fault.at)
    retries = shop.tally.retries - retries_before
    down = f"fault {fault.over - fault.at:.1f} s" + (f"; {'; '.join(fault.notes)}" if fault.notes else "")
    outcomes = [
        evidence.count(scenario, "orders (API)", operations, numbers, seen, extra=len(set(seen) - numbers) + odd_lines,
                       recovery_s=recovery,
                       notes=f"{down}; recovery = fault -> next checkout acknowledged; {retries} client retries"),
        evidence.count(scenario, "confirmation mails", operations, numbers, evidence.mails(maildir, "order_confirmation"),
                       notes=f"all in SMTP {confirmations_s:.0f} s after the stream"),
        evidence.count(scenario, "delivered mails", operations, numbers, evidence.mails(maildir, "order_delivered"),
                       notes=f"all in SMTP {delivered_s:.0f} s after the stream"),
    ]
    for outcome in outcomes:
        assert (outcome.acknowledged, outcome.lost, outcome.duplicated) == (operations, 0, 0), outcome
    assert max(ids.values()) == 1, evidence.handed_twice(maildir)[:5]  # no mail handed over twice
    return StreamResult(numbers, customers, fault, outcomes)


def _product() -> str:
    from tests.faults.shop import PRODUCT

    return PRODUCT
