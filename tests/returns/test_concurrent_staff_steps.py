"""Two staff members review the same return at the same moment, one approving and one rejecting, each
request served by another replica of returns (REVIEW R4, issue 17): one decision wins, the other is told
409, one rma_reviewed event leaves (counted in a queue of the test's own on returns.events), and the
return shows the winner's decision.

PostgreSQL runs two replicas (the RMA row is locked for each step, usecases/access.py); SQLite, one
process, where transactions take turns on the one connection: the same answers, never a 500.
"""
from __future__ import annotations

import pytest

from tests.orders.concurrency import EventTap, clients, side_by_side  # noqa: F401  (clients: a fixture)
from tests.returns.conftest import ReturnsShop
from tests.support.databases import USE_POSTGRESQL
from tests.support.fixtures import wait_until

LOOPS = 20
DECISIONS = [{"decision": "approve", "message": "Send it back."}, {"decision": "reject", "message": "Too late."}]


@pytest.fixture
def shop(system, client, config, catalog, tmp_path):
    config["RETURNS"] = {"storage_dir": str(tmp_path / "returns")}
    system.start("accounts", "catalog", "orders", "returns", "gateway")
    if USE_POSTGRESQL:
        system.start_replica("returns")
    return ReturnsShop(client, config)


def test_two_concurrent_reviews_of_one_return_decide_once(shop, client, clients, config):
    anna, staff = shop.customer(), shop.staff()
    tap = EventTap(config["AMQP_URI"], "returns", "rma_reviewed")
    outcomes = {}
    for _ in range(LOOPS):
        order = shop.deliver_order(anna, staff, items=(("DRILL-18V", 1),))
        number = shop.open_return(anna, order, lines=((1, 1),))["number"]
        path = f"/api/v1/staff/returns/{number}/review"
        responses = side_by_side(clients, [(path, decision) for decision in DECISIONS], staff)
        outcomes[number] = [r.status_code for r in responses]
        won = [r.json() for r in responses if r.status_code == 200]
        for refused in (r for r in responses if r.status_code == 409):
            assert refused.json()["type"].endswith("/illegal-rma-transition"), refused.text
        if len(won) == 1:
            shown = client.get(f"/api/v1/staff/returns/{number}", headers=staff).json()
            assert shown["status"] == won[0]["status"] and shown["timeline"] == won[0]["timeline"], number

    events = []
    wait_until(lambda: events.extend(tap.drain()) or len(events) >= LOOPS, timeout=30)
    events.extend(tap.drain())
    twice = sorted(n for n in outcomes if [e["rma_number"] for e in events].count(n) != 1)
    assert not twice, f"{len(events)} rma_reviewed events for {LOOPS} returns; not once: {twice}"
    assert all(sorted(codes) == [200, 409] for codes in outcomes.values()), outcomes
