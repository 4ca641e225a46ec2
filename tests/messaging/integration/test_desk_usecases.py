"""The desk's use cases on a real, migrated database (SQLite, or PostgreSQL), with a fixed clock.

Accounts, orders and returns are other services: here they are stood in for by
small objects answering as those services do; the HTTP tests use the real ones.
"""
from datetime import datetime, timedelta, timezone

import eventlet
import eventlet.event
import pytest
from sqlalchemy import select

from services.chassis.auth import Identity
from services.chassis.errors import NotFound
from services.messaging.adapters.orm import notifications
from services.messaging.dependencies import MessagingSettings
from services.messaging.domain.errors import CustomersOnly, ThreadClosed, ThreadNotFound
from services.messaging.domain.threads import ANSWERED, CLOSED, ERASED_TEXT, OPEN, Contact
from services.messaging.usecases import desk, privacy, staff_desk
from tests.messaging import events

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
SETTINGS = MessagingSettings(public_base_url="https://shop.example.it", staff_email="desk@shop.example")
ANNA = Identity("c-anna", "s", "private")
BRUNO = Identity("c-bruno", "s", "private")
DESK = Identity("staff-1", "s", "staff", staff_role="staff")


class Accounts:
    def __init__(self, email="anna@example.it", language="it"):
        self.answer = Contact(email, language)

    def contact(self):
        return self.answer


class Orders:
    """Orders (get_order) and returns (get_rma) as they answer: the caller's own exist, others are NotFound."""

    def __init__(self, **owners):
        self.owners = owners
        self.asked = []

    def check_order(self, number):
        self.asked.append(number)
        if number not in self.owners:
            raise NotFound("No such order.", problem="order-not-found")

    def check_rma(self, number):
        self.asked.append(number)
        if number not in self.owners:
            raise NotFound("No such return.", problem="rma-not-found")


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


def run(store, use_case, *args):
    uow = store.uow()
    try:
        return use_case(uow, *args)
    finally:
        uow.close()


def write(store, caller=ANNA, body="Where is my parcel?", at=NOW, context=None, orders=None):
    command = {"body": body, "context": context}
    return run(store, desk.open_thread, caller, command, Accounts(), orders or Orders(), SETTINGS, Clock(at))


def inbox(store, **query):
    page = run(store, staff_desk.inbox, DESK, {"page": 1, "per_page": 20, **query}, Clock(NOW + timedelta(days=3)))
    return page


def mails(store, kind):
    with store.engine.connect() as conn:
        return list(conn.execute(select(notifications).where(notifications.c.kind == kind)))


def test_the_staff_inbox_filters_by_status_context_assignment_and_overdue(store):
    old = write(store, at=NOW - timedelta(days=3))  # overdue by the time the inbox is read
    fresh = write(store, caller=BRUNO, at=NOW + timedelta(days=2, hours=12))
    about_order = write(store, context={"type": "order", "ref": "ORD-2026-000001"},
                        orders=Orders(**{"ORD-2026-000001": "c-anna"}), at=NOW)
    run(store, staff_desk.reply, DESK, about_order.id, {"body": "On its way."}, SETTINGS, Clock(NOW))
    run(store, staff_desk.assign, DESK, old.id, {"staff_id": "me"}, Clock(NOW))
    run(store, staff_desk.assign, DESK, fresh.id, {"staff_id": "staff-2"}, Clock(NOW))

    ids = lambda **query: {item.id for item in inbox(store, **query)["items"]}  # noqa: E731
    assert ids() == {old.id, fresh.id, about_order.id}
    assert ids(status=OPEN) == {old.id, fresh.id} and ids(status=ANSWERED) == {about_order.id}
    assert ids(context="order") == {about_order.id} and ids(context="general") == {old.id, fresh.id}
    assert ids(ref="ORD-2026-000001") == {about_order.id}
    assert ids(assigned="me") == {old.id} and ids(assigned="staff-2") == {fresh.id}
    assert ids(assigned="none") == {about_order.id}
    assert ids(overdue=True) == {old.id}
    assert ids(overdue=False) == {fresh.id, about_order.id}
    [item] = inbox(store, overdue=True)["items"]
    assert item.overdue and item.first_response_due_at == NOW - timedelta(days=1)
    run(store, staff_desk.close, old.id, Clock(NOW))
    assert ids(overdue=True) == set()  # a closed thread waits for nothing


def test_pages_count_every_thread_and_the_overview_is_newest_first(store):
    for hour in range(5):
        write(store, body=f"question {hour}", at=NOW + timedelta(hours=hour))
    write(store, caller=BRUNO)
    first = run(store, desk.list_threads, ANNA, {"page": 1, "per_page": 2})
    last = run(store, desk.list_threads, ANNA, {"page": 3, "per_page": 2})
    assert (first["total"], first["pages"]) == (5, 3)
    assert [t.subject for t in first["items"]] == ["question 4", "question 3"]
    assert [t.subject for t in last["items"]] == ["question 0"]
    assert inbox(store, per_page=4)["total"] == 6


def test_a_thread_is_its_customers_only(store):
    thread = write(store)
    for use_case, args in ((desk.read_thread, (thread.id,)),
                           (desk.reply, (thread.id, {"body": "x"}, Accounts(), SETTINGS, Clock()))):
        with pytest.raises(ThreadNotFound):
            run(store, use_case, BRUNO, *args)
    with pytest.raises(ThreadNotFound):
        run(store, desk.read_thread, ANNA, "no-such-thread")
    with pytest.raises(CustomersOnly):
        run(store, desk.read_thread, DESK, thread.id)


def test_an_orders_channel_is_continued_while_open_and_started_again_after_closing(store):
    orders = Orders(**{"ORD-2026-000001": "c-anna"})
    order = {"type": "order", "ref": "ORD-2026-000001"}
    first = write(store, context=order, orders=orders)
    same = run(store, desk.write_about_order, ANNA, "ORD-2026-000001", {"body": "And another thing"}, Accounts(),
               orders, SETTINGS, Clock())
    assert same.id == first.id and same.message_count == 2
    assert len(mails(store, "desk_customer_wrote")) == 1  # one alert for the thread, not one per message
    run(store, staff_desk.close, first.id, Clock())
    again = write(store, context=order, orders=orders, body="Still broken")
    assert again.id != first.id and again.status == OPEN
    channel = run(store, desk.order_channel, ANNA, "ORD-2026-000001", orders)
    assert channel["thread"].id == again.id
    with pytest.raises(NotFound):  # someone else's order (orders answers NotFound)
        write(store, caller=BRUNO, context=order, orders=Orders())
    with pytest.raises(NotFound):
        run(store, desk.order_channel, BRUNO, "ORD-2026-000001", Orders())


def test_replies_move_the_thread_and_its_counters_and_closed_is_final(store):
    thread = write(store)
    after = run(store, staff_desk.reply, DESK, thread.id, {"body": "Answer"}, SETTINGS, Clock())
    assert (after.status, after.customer_unread, after.staff_unread) == (ANSWERED, 1, 0)
    assert run(store, desk.read_thread, ANNA, thread.id).customer_unread == 0
    reopened = run(store, desk.reply, ANNA, thread.id, {"body": "Thanks, but"}, Accounts(), SETTINGS, Clock())
    assert (reopened.status, reopened.staff_unread) == (OPEN, 1)
    assert run(store, staff_desk.read, thread.id, Clock()).staff_unread == 0
    assert run(store, staff_desk.close, thread.id, Clock()).status == CLOSED
    with pytest.raises(ThreadClosed):
        run(store, desk.reply, ANNA, thread.id, {"body": "hello?"}, Accounts(), SETTINGS, Clock())
    assert [m.kind for m in mails(store, "desk_reply_waiting")] == ["desk_reply_waiting"]
    assert len(mails(store, "desk_customer_wrote")) == 2  # opened, then wrote again after the answer


def test_erasure_anonymises_the_customers_threads_and_their_notifications(store):
    thread = write(store, body="Call me on +39 340 1234567")
    run(store, staff_desk.reply, DESK, thread.id, {"body": "We will call +39 340 1234567"}, SETTINGS, Clock())
    other = write(store, caller=BRUNO, body="Bruno's question")
    run(store, privacy.erase_customer, events.loaded("customer_erased", events.customer_erased("c-anna")), Clock())
    erased = run(store, staff_desk.read, thread.id, Clock())
    assert erased.subject == ERASED_TEXT and {m.body for m in erased.messages} == {ERASED_TEXT}
    assert (erased.status, erased.customer_email) == (CLOSED, None)
    assert run(store, staff_desk.read, other.id, Clock()).subject == "Bruno's question"
    mine = [row for row in mails(store, "desk_customer_wrote") + mails(store, "desk_reply_waiting")
            if row.customer_id == "c-anna"]
    assert len(mine) == 2 and all(row.recipient == "" and row.body == "" for row in mine)


def test_two_first_messages_about_one_order_at_once_open_one_channel(store):
    """Both find no channel and open one; the partial unique index lets one commit, the other continues it
    (on PostgreSQL truly concurrently; on SQLite the process's one connection makes them take turns)."""
    both_checked = eventlet.event.Event()
    arrived = []

    class SlowOrders(Orders):
        def check_order(self, number):  # both requests get past orders before either writes
            arrived.append(number)
            if len(arrived) == 2:
                both_checked.send()
            both_checked.wait()

    orders = SlowOrders(**{"ORD-2026-000001": "c-anna"})
    write_one = lambda body: run(store, desk.write_about_order, ANNA, "ORD-2026-000001", {"body": body},  # noqa: E731
                                 Accounts(), orders, SETTINGS, Clock())
    threads = [eventlet.spawn(write_one, body) for body in ("first", "second")]
    written = [thread.wait() for thread in threads]
    assert written[0].id == written[1].id
    channel = run(store, desk.order_channel, ANNA, "ORD-2026-000001", Orders(**{"ORD-2026-000001": "c-anna"}))
    assert sorted(m.body for m in channel["thread"].messages) == ["first", "second"]
    assert len(mails(store, "desk_customer_wrote")) == 1


def test_an_rmas_channel_is_checked_with_returns_and_continued_while_open(store):
    refs = Orders(**{"RMA-2026-000045": "c-anna"})
    rma = {"type": "rma", "ref": "RMA-2026-000045"}
    assert run(store, desk.rma_channel, ANNA, "RMA-2026-000045", refs) == {"rma_number": "RMA-2026-000045",
                                                                          "thread": None}
    first = write(store, context=rma, orders=refs)
    same = run(store, desk.write_about_rma, ANNA, "RMA-2026-000045", {"body": "Photos attached"}, Accounts(),
               refs, SETTINGS, Clock())
    assert same.id == first.id and same.message_count == 2 and (same.context_type, same.context_ref) == (
        "rma", "RMA-2026-000045")
    channel = run(store, desk.rma_channel, ANNA, "RMA-2026-000045", refs)
    assert channel["thread"].id == first.id and refs.asked == ["RMA-2026-000045"] * 4
    with pytest.raises(NotFound) as refused:  # someone else's RMA (returns answers NotFound)
        write(store, caller=BRUNO, context=rma, orders=Orders())
    assert refused.value.problem == "rma-not-found"
    with pytest.raises(NotFound):
        run(store, desk.rma_channel, BRUNO, "RMA-2026-000045", Orders())
    with pytest.raises(CustomersOnly):
        run(store, desk.rma_channel, DESK, "RMA-2026-000045", refs)
    assert [item.id for item in inbox(store, context="rma", ref="RMA-2026-000045")["items"]] == [first.id]
