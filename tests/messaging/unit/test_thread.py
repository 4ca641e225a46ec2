"""A thread's state machine, read counters, who gets alerted, the deadline and erasure (fixed clock)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.messaging.domain.errors import MessageInvalid, ThreadClosed
from services.messaging.domain.threads import (
    ANSWERED, CLOSED, CUSTOMER, ERASED_TEXT, OPEN, ORDER, STAFF, Alerts, Contact, Thread,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
ANNA = Contact("anna@example.it", "it")


def opened(body="Where is my parcel?", **options):
    return Thread.open("c-anna", body, ANNA, NOW, **options)


def test_a_new_thread_is_open_with_one_message_that_staff_have_not_read_and_staff_are_alerted():
    thread, message, alerts = opened("  Where   is\nmy parcel?  ")
    assert (thread.status, thread.subject, thread.message_count) == (OPEN, "Where is my parcel?", 1)
    assert (message.author, message.author_id, message.body, message.position) == (CUSTOMER, "c-anna",
                                                                                   "Where   is\nmy parcel?", 1)
    assert (thread.staff_unread, thread.customer_unread) == (1, 0)
    assert alerts == Alerts(staff=True)
    assert (thread.customer_email, thread.customer_language) == ("anna@example.it", "it")
    assert thread.first_response_due_at == NOW + timedelta(hours=48)
    assert thread.context_type == "general" and thread.context_ref is None


def test_open_answered_open_closed():
    thread, _, _ = opened()
    thread.staff_writes("s-1", "It left today.", NOW + timedelta(hours=1))
    assert thread.status == ANSWERED
    thread.customer_writes("Thanks, and the invoice?", ANNA, NOW + timedelta(hours=2))
    assert thread.status == OPEN
    thread.staff_writes("s-1", "Attached in your area.", NOW + timedelta(hours=3))
    thread.close(NOW + timedelta(hours=4))
    assert (thread.status, thread.closed_at) == (CLOSED, NOW + timedelta(hours=4))
    assert [m.author for m in thread.messages] == [CUSTOMER, STAFF, CUSTOMER, STAFF]
    assert [m.position for m in thread.messages] == [1, 2, 3, 4]
    assert thread.last_activity_at == NOW + timedelta(hours=3)


def test_a_closed_thread_takes_no_more_messages_and_closing_again_changes_nothing():
    thread, _, _ = opened()
    thread.close(NOW)
    with pytest.raises(ThreadClosed):
        thread.customer_writes("hello?", ANNA, NOW)
    with pytest.raises(ThreadClosed):
        thread.staff_writes("s-1", "hello", NOW)
    thread.close(NOW + timedelta(days=1))
    assert thread.closed_at == NOW and thread.message_count == 1


def test_staff_hear_once_per_thread_until_someone_answers():
    thread, _, first = opened()
    assert first.staff
    assert not thread.customer_writes("Also...", ANNA, NOW)[1].staff
    assert not thread.customer_writes("And...", ANNA, NOW)[1].staff
    assert thread.staff_unread == 3
    thread.staff_writes("s-1", "Answer", NOW)
    assert thread.staff_unread == 0  # whoever answers has read it
    assert thread.customer_writes("One more thing", ANNA, NOW)[1].staff


def test_the_customer_hears_of_the_first_unread_reply_not_of_each():
    thread, _, _ = opened()
    assert thread.staff_writes("s-1", "First", NOW)[1] == Alerts(customer=True)
    assert thread.staff_writes("s-2", "Second", NOW)[1] == Alerts()
    assert thread.customer_unread == 2
    thread.read_by_customer()
    assert thread.customer_unread == 0
    assert thread.staff_writes("s-1", "Third", NOW)[1].customer


def test_without_an_address_the_customer_cannot_be_told():
    thread, _, _ = Thread.open("c-anna", "hi", Contact(None), NOW)
    assert thread.staff_writes("s-1", "Answer", NOW)[1] == Alerts()


def test_the_customers_latest_address_and_language_are_kept():
    thread, _, _ = opened()
    thread.customer_writes("new address", Contact("anna@new.example", "en"), NOW)
    assert (thread.customer_email, thread.customer_language) == ("anna@new.example", "en")


def test_overdue_means_no_staff_answer_after_the_deadline_and_not_closed():
    thread, _, _ = opened()
    due = NOW + timedelta(hours=48)
    assert not thread.is_overdue(due - timedelta(seconds=1))
    assert thread.is_overdue(due) and thread.seen_by_staff(due).overdue
    thread.customer_writes("Hello??", ANNA, due)  # writing again does not move the deadline
    assert thread.is_overdue(due + timedelta(hours=1))
    thread.staff_writes("s-1", "Sorry for the wait", due + timedelta(hours=2))
    assert thread.first_response_at == due + timedelta(hours=2)
    assert not thread.is_overdue(due + timedelta(days=5))
    late, _, _ = opened()
    late.close(due)
    assert not late.is_overdue(due + timedelta(days=1))


def test_the_deadline_follows_the_configured_hours():
    thread, _, _ = opened(response_hours=24)
    assert thread.first_response_due_at == NOW + timedelta(hours=24)


def test_the_staff_view_shows_the_thread_as_it_is_plus_overdue():
    thread, _, _ = opened(context_type=ORDER, context_ref="ORD-2026-000001")
    view = thread.seen_by_staff(NOW + timedelta(days=3))
    assert view.overdue and view.id == thread.id and view.context_ref == "ORD-2026-000001"
    assert view.messages is thread.messages


@pytest.mark.parametrize("body", ["", "   ", "x" * 11])
def test_bad_bodies_are_refused_with_the_field_named(body):
    with pytest.raises(MessageInvalid) as refused:
        opened(body, max_chars=10)
    assert "body" in refused.value.fields
    thread, _, _ = opened(max_chars=10, body="short")
    with pytest.raises(MessageInvalid):
        thread.staff_writes("s-1", body, NOW, max_chars=10)
    assert thread.message_count == 1


def test_assigning_and_unassigning():
    thread, _, _ = opened()
    thread.assign("s-1")
    assert thread.assigned_to == "s-1"
    thread.assign(None)
    assert thread.assigned_to is None


def test_erasure_removes_every_text_and_the_address_and_closes_the_thread():
    thread, _, _ = opened("My phone is +39 340 1234567")
    thread.staff_writes("s-1", "We will call +39 340 1234567", NOW)
    thread.erase(NOW + timedelta(days=1))
    assert thread.subject == ERASED_TEXT
    assert {m.body for m in thread.messages} == {ERASED_TEXT}
    assert (thread.customer_email, thread.customer_language, thread.status) == (None, None, CLOSED)
    assert thread.message_count == 2 and thread.customer_id == "c-anna"
