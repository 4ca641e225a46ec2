"""Orders checks what returns asks for against what it sold, and dead-letters what it cannot match (R2).

Anyone who can publish to ``returns.events`` is played here by the test's own broker user: the
events are forged on purpose. Orders must take neither lines, nor quantities, nor amounts, nor
addresses on an event's word: only what the delivered order holds, minus what earlier returns took.
"""
import uuid

import pytest
from nameko.standalone.events import event_dispatcher

from services.chassis import queues
from tests.orders.conftest import SHIPPING
from tests.orders.events import credit_requested, refund_requested, replacement_requested, rma_line, settled
from tests.support.fixtures import wait_until

ELSEWHERE = {"name": "M. Rossi", "street": "Via Nascosta 9", "postal_code": "00100", "city": "Roma", "country": "IT"}
GOLD = rma_line(position=1, reference="GOLD-BAR", name="gold bar", quantity=50, unit_price="0.00")


@pytest.fixture
def desk(shop):
    return shop.staff()


def delivered_order(shop, desk, auth, items=(("DRILL-18V", 2), ("SAW-01", 1))) -> str:
    """A real order (2 drills at 89.90 + 1 saw at 12.50, 22 % VAT: 234.61), paid and delivered."""
    return shop.delivered_order(auth, desk, items, paid=True)


def dead_letters(config, count: int) -> list[str]:
    """The reasons of orders' dead letters, once there are ``count`` of them."""
    wait_until(lambda: queues.count_dead_letters(config["AMQP_URI"], "orders") >= count, timeout=15)
    found = queues.show_dead_letters(config["AMQP_URI"], "orders", limit=50)
    assert len(found) == count, [letter.error for letter in found]
    assert all(letter.attempts == 1 for letter in found)  # refused at once, not retried
    return [letter.error for letter in found]


def order_numbers(client, headers, staff=False) -> list[str]:
    page = client.get("/api/v1/staff/orders" if staff else "/api/v1/orders", headers=headers).json()
    return [item["number"] for item in page["items"]]


def test_a_forged_replacement_for_goods_never_sold_or_to_another_address_makes_no_order(shop, client, config, desk):
    anna = shop.customer()
    number = delivered_order(shop, desk, anna)
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "SAW-01")
    placed_only = shop.checkout(anna, cart["id"]).json()["number"]
    dispatch = event_dispatcher(config)
    dispatch("returns", "replacement_requested", replacement_requested("RMA-2026-000901", number, ELSEWHERE,
                                                                       lines=[GOLD]))
    dispatch("returns", "replacement_requested", replacement_requested("RMA-2026-000902", number, SHIPPING,
                                                                       lines=[GOLD]))
    dispatch("returns", "replacement_requested", replacement_requested("RMA-2026-000903", number, ELSEWHERE))
    dispatch("returns", "replacement_requested", replacement_requested("RMA-2026-000904", number, SHIPPING,
                                                                       lines=[rma_line(quantity=3)]))
    dispatch("returns", "replacement_requested", replacement_requested("RMA-2026-000905", number, SHIPPING,
                                                                       lines=[rma_line(position=7)]))
    dispatch("returns", "replacement_requested", replacement_requested("RMA-2026-000906", placed_only, SHIPPING,
                                                                       lines=[rma_line(reference="SAW-01",
                                                                                       name="Handsäge")]))
    dispatch("returns", "replacement_requested", replacement_requested("RMA-2026-000907", "ORD-2026-999999",
                                                                       SHIPPING))
    reasons = dead_letters(config, 7)
    assert all(reason.startswith("EventRejected: ") for reason in reasons), reasons
    by_rma = {rma: next(r for r in reasons if rma in r) for rma in
              ("RMA-2026-000901", "RMA-2026-000902", "RMA-2026-000903", "RMA-2026-000904", "RMA-2026-000905",
               "RMA-2026-000906", "RMA-2026-000907")}
    assert "GOLD-BAR" in by_rma["RMA-2026-000902"] and "DRILL-18V" in by_rma["RMA-2026-000902"]
    assert "shipping address" in by_rma["RMA-2026-000903"]
    assert "3" in by_rma["RMA-2026-000904"] and "at most 2" in by_rma["RMA-2026-000904"]
    assert "no line 7" in by_rma["RMA-2026-000905"]
    assert "placed, not delivered" in by_rma["RMA-2026-000906"]
    assert "ORD-2026-999999" in by_rma["RMA-2026-000907"]
    assert sorted(order_numbers(client, anna)) == sorted([number, placed_only])  # no replacement order
    assert sorted(order_numbers(client, desk, staff=True)) == sorted([number, placed_only])

    # The real thing still goes through, once per RMA, from orders' own lines and address...
    legit = replacement_requested("RMA-2026-000001", number, SHIPPING, lines=[rma_line(quantity=1)])
    dispatch("returns", "replacement_requested", legit)
    dispatch("returns", "replacement_requested", dict(legit, event_id=str(uuid.uuid4())))
    wait_until(lambda: len(order_numbers(client, anna)) == 3)
    replacement = client.get(f"/api/v1/orders/{order_numbers(client, anna)[0]}", headers=anna).json()
    assert replacement["payment_method"] == "replacement" and replacement["total"]["amount"] == "0.00"
    assert [(l["reference"], l["quantity"]) for l in replacement["lines"]] == [("DRILL-18V", 1)]
    assert replacement["shipping_address"]["street"] == SHIPPING["street"]
    # ...and what it replaced is taken: one drill is left to replace or refund.
    dispatch("returns", "replacement_requested", replacement_requested("RMA-2026-000002", number, SHIPPING,
                                                                       lines=[rma_line(quantity=2)]))
    reasons = dead_letters(config, 8)
    assert any("RMA-2026-000002" in r and "at most 1" in r for r in reasons), reasons
    assert len(order_numbers(client, anna)) == 3


def test_a_forged_refund_or_credit_bigger_than_what_was_paid_is_not_recorded(shop, client, config, desk):
    anna = shop.customer()
    number = delivered_order(shop, desk, anna)
    status = lambda: client.get(f"/api/v1/orders/{number}", headers=anna).json()["payment_status"]  # noqa: E731
    assert status() == "paid"
    dispatch = event_dispatcher(config)
    dispatch("returns", "refund_requested", refund_requested("RMA-2026-000911", number, "10000.00"))
    dispatch("returns", "refund_requested", refund_requested("RMA-2026-000912", number, "500.00", lines=[GOLD]))
    dispatch("returns", "refund_requested", refund_requested("RMA-2026-000913", number, "109.69"))
    dispatch("returns", "credit_requested", credit_requested("RMA-2026-000914", number, "300.00"))
    dispatch("returns", "refund_requested", refund_requested("RMA-2026-000915", number, "219.36",
                                                             lines=[rma_line(quantity=2), rma_line(quantity=1)]))
    reasons = dead_letters(config, 5)
    by_rma = {rma: next(r for r in reasons if rma in r) for rma in
              ("RMA-2026-000911", "RMA-2026-000912", "RMA-2026-000913", "RMA-2026-000914", "RMA-2026-000915")}
    assert "10000.00" in by_rma["RMA-2026-000911"] and "109.68" in by_rma["RMA-2026-000911"]
    assert "GOLD-BAR" in by_rma["RMA-2026-000912"]
    assert "109.69" in by_rma["RMA-2026-000913"]  # one cent more than one drill cost with its VAT
    assert "300.00" in by_rma["RMA-2026-000914"]
    assert "at most 2" in by_rma["RMA-2026-000915"]
    assert status() == "paid"  # nothing was refunded

    # What returns really asks for is recorded once per RMA, and only up to what was sold.
    first = refund_requested("RMA-2026-000001", number, "109.68")
    dispatch("returns", "refund_requested", first)
    dispatch("returns", "refund_requested", dict(first, event_id=str(uuid.uuid4())))
    wait_until(lambda: status() == "partially_refunded")
    dispatch("returns", "credit_requested", credit_requested("RMA-2026-000002", number, "15.00"))
    dispatch("returns", "refund_requested", refund_requested("RMA-2026-000003", number, "109.68"))
    reasons = dead_letters(config, 6)  # the second drill is under the credit now
    assert any("RMA-2026-000003" in r and "at most 0" in r for r in reasons), reasons
    saw = rma_line(position=2, reference="SAW-01", name="Handsäge", unit_price="12.50")
    dispatch("returns", "refund_requested", refund_requested("RMA-2026-000004", number, "15.25", lines=[saw]))
    assert wait_until(lambda: status() == "partially_refunded")
    assert wait_until(lambda: settled(config, number) == {
        "RMA-2026-000001": ("refund", "109.68"), "RMA-2026-000002": ("credit", "15.00"),
        "RMA-2026-000004": ("refund", "15.25")})
    assert len(dead_letters(config, 6)) == 6


def test_money_for_an_order_that_was_not_delivered_is_refused(shop, client, config, desk):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "DRILL-18V", 2)
    number = shop.checkout(anna, cart["id"]).json()["number"]
    client.post(f"/api/v1/staff/orders/{number}/payments", json={"amount": "219.36"}, headers=desk)
    event_dispatcher(config)("returns", "refund_requested", refund_requested("RMA-2026-000921", number, "109.68"))
    [reason] = dead_letters(config, 1)
    assert "RMA-2026-000921" in reason and "placed, not delivered" in reason
    assert client.get(f"/api/v1/orders/{number}", headers=anna).json()["payment_status"] == "paid"


def test_orders_confirms_a_delivery_to_a_service_and_to_nobody_on_a_persons_behalf(shop, client, config, desk):
    from services.chassis.auth import Identity, IdentitySigner
    from services.chassis.errors import Forbidden, NotFound
    from tests.accounts.conftest import operator_rpc
    from tests.orders.events import outbox_events

    anna = shop.customer()
    number = delivered_order(shop, desk, anna, items=(("SAW-01", 1),))
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "SAW-01")
    placed_only = shop.checkout(anna, cart["id"]).json()["number"]
    with operator_rpc(config) as rpc:
        facts = rpc.orders.internal_delivered_order(number)
        for unknown in (placed_only, "ORD-2026-999999"):
            with pytest.raises(NotFound):
                rpc.orders.internal_delivered_order(unknown)
    [event] = outbox_events(config, "orders", "order_delivered")
    assert facts == {name: event[name] for name in facts}  # exactly what the event said, nothing more
    assert set(facts) == {"order_number", "customer_id", "company_id", "customer_kind", "delivered_at", "lines"}
    signed = IdentitySigner(config["IDENTITY_SECRET"]).sign(Identity(customer_id="c", session_id="s", kind="staff",
                                                                     staff_role="staff_admin"))
    for identity in (signed, "not-even-signed"):
        with operator_rpc(config, {"identity": identity}) as rpc, pytest.raises(Forbidden):
            rpc.orders.internal_delivered_order(number)
