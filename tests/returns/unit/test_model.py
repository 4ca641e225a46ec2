"""The RMA state machine and the aggregate's rules, as plain Python (no broker, no database)."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.returns.domain.errors import (IllegalTransition, LabelNotAvailable, QuantityExceeded,
                                            TooManyAttachments, WindowClosed)
from services.returns.domain.model import Attachment, Rma
from services.returns.domain.orders import DeliveredLine, DeliveredOrder
from services.returns.domain.policies import ReturnPolicy
from services.returns.domain.states import TRANSITIONS, check_transition

POLICY = ReturnPolicy(attachment_max_count=2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
ADDRESS = {"name": "Anna", "street": "Via Po 3", "postal_code": "10123", "city": "Torino", "country": "IT"}

# DESIGN.md, word for word: every edge of the RMA state machine.
DESIGN_EDGES = {
    ("submitted", "approved"), ("submitted", "info_requested"), ("submitted", "rejected"), ("submitted", "offered"),
    ("offered", "resolved"), ("offered", "submitted"), ("info_requested", "submitted"),
    ("approved", "shipped"), ("shipped", "received"), ("received", "accepted"), ("received", "refused"),
    ("accepted", "resolved"), ("refused", "returned_to_customer"),
    ("rejected", "closed"), ("resolved", "closed"), ("returned_to_customer", "closed"),
}


def test_the_transitions_are_exactly_designs():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == DESIGN_EDGES
    for current in TRANSITIONS:
        for target in TRANSITIONS:
            if (current, target) in DESIGN_EDGES:
                check_transition(current, target)
            else:
                with pytest.raises(IllegalTransition) as raised:
                    check_transition(current, target)
                assert raised.value.extra["current_status"] == current


def order(delivered_at=NOW - timedelta(days=2)) -> DeliveredOrder:
    lines = [DeliveredLine(1, "product", "DRILL-18V", "Drill", 2, Decimal("89.90"), "EUR", Decimal("22.00"))]
    return DeliveredOrder("ORD-2026-000001", "c1", None, "private", delivered_at, lines, POLICY, NOW)


def held(*rmas) -> dict[int, int]:
    """What the repository's aggregate query computes, from the objects (states.holds_quantity)."""
    pieces: dict[int, int] = {}
    for rma in rmas:
        if rma.holds_quantity:
            for line in rma.lines:
                pieces[line.position] = pieces.get(line.position, 0) + line.quantity
    return pieces


def open_rma(the_order, others=(), quantity=1, request_type="standard_warranty", now=NOW, number="RMA-2026-000001"):
    command = {"request_type": request_type, "message": "Broken", "return_address": ADDRESS,
               "lines": [{"position": 1, "quantity": quantity, "justification": "x", "note": "", "seal_state": "intact",
                          "usage_condition": "defective", "exceptions": ""}]}
    return Rma.open(the_order, held(*others), command, number=number, customer_id="c1", company_id=None,
                    contact_email="anna@example.it", policy=POLICY, now=now)


def event_types(rma):
    return [event.type for event in rma.drain_events()]


def test_opening_checks_the_window_and_what_is_still_returnable():
    the_order = order()
    first = open_rma(the_order)
    assert first.review_deadline == NOW + timedelta(hours=24) and event_types(first) == ["rma_created"]
    second = open_rma(the_order, [first], number="RMA-2026-000002")
    with pytest.raises(QuantityExceeded):
        open_rma(the_order, [first, second])
    late = order(delivered_at=NOW - timedelta(days=20))
    with pytest.raises(WindowClosed) as closed:
        open_rma(late)
    assert closed.value.extra["window_closes_at"] == late.window_closes_at.isoformat()


def test_quantity_is_released_only_when_the_goods_are_not_coming_back():
    the_order = order()
    rejected = open_rma(the_order, quantity=2)
    rejected.review("reject", "No", None, POLICY, NOW)
    rejected.close("", NOW)
    assert the_order.returnable(held(rejected)) == {1: 2}
    commercial = open_rma(the_order, quantity=2)
    commercial.review("offer", "10 off?", {"kind": "voucher", "amount": {"amount": "10.00", "currency": "EUR"}},
                      POLICY, NOW)
    commercial.answer_offer(True, "", POLICY, NOW)
    assert commercial.status == "resolved" and the_order.returnable(held(commercial)) == {1: 0}


def test_each_step_records_its_event_and_the_timeline():
    rma = open_rma(order(), quantity=2)
    rma.drain_events()
    rma.review("approve", "OK", None, POLICY, NOW)
    rma.ensure_label()
    rma.confirm_shipment("BRT", "1", NOW)
    rma.receive(True, "fine", POLICY, NOW + timedelta(days=1))
    assert event_types(rma) == ["rma_reviewed", "rma_shipped", "rma_received", "refund_requested"]
    assert rma.refund_due_at == NOW + timedelta(days=1, hours=48)
    rma.resolve("paid", NOW)
    rma.close("", NOW)
    assert event_types(rma) == ["rma_resolved", "rma_closed"]
    assert [e.status for e in rma.timeline] == ["submitted", "approved", "shipped", "received", "accepted",
                                                "resolved", "closed"]
    assert [e.seq for e in rma.timeline] == list(range(1, 8))
    with pytest.raises(LabelNotAvailable):
        rma.ensure_label()


def test_the_customer_answers_only_an_offer_and_illegal_steps_change_nothing():
    rma = open_rma(order())
    rma.review("approve", "OK", None, POLICY, NOW)
    rma.confirm_shipment("BRT", "1", NOW)
    rma.receive(True, "", POLICY, NOW)
    with pytest.raises(IllegalTransition):  # accepted -> resolved is staff's step, not an offer's answer
        rma.answer_offer(True, "", POLICY, NOW)
    with pytest.raises(IllegalTransition):
        rma.receive(False, "", POLICY, NOW)
    assert rma.status == "accepted" and len(rma.timeline) == 5


def test_a_declined_offer_goes_back_to_review_with_a_new_deadline():
    rma = open_rma(order())
    rma.review("offer", "?", {"kind": "discount", "amount": {"amount": "5.00", "currency": "EUR"}}, POLICY, NOW)
    later = NOW + timedelta(days=3)
    rma.answer_offer(False, "", POLICY, later)
    assert rma.status == "submitted" and rma.review_deadline == later + timedelta(hours=24)
    assert not rma.overdue(later + timedelta(hours=23)) and rma.overdue(later + timedelta(hours=25))


def test_attachments_are_limited_in_number_and_by_status():
    rma = open_rma(order())
    for i in range(2):
        rma.attach(Attachment(f"{i}.png", "image/png", 1, "0" * 64, f"x/{i}.png", "c1", NOW), POLICY)
    with pytest.raises(TooManyAttachments):
        rma.attach(Attachment("3.png", "image/png", 1, "0" * 64, "x/3.png", "c1", NOW), POLICY)
