"""The use cases against a real, migrated messaging database (SQLite, or PostgreSQL)."""
from datetime import datetime, timezone

from services.messaging.usecases import account_mail, privacy
from services.messaging.adapters.orm import call_after_commit_with_new_notifications
from services.messaging.domain.model import CANCELLED, LINK_MARKER, PENDING, SENT, Notification
from tests.messaging import events

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def clock():
    return NOW


def queue(store, use_case, event_type, payload):
    uow = store.uow()
    try:
        return use_case(uow, events.loaded(event_type, payload), clock)
    finally:
        uow.close()


def test_each_event_stores_one_rendered_notification(store):
    queue(store, account_mail.queue_welcome, "customer_registered", events.customer_registered())
    reset = events.password_reset_requested(channel="sms", phone="+393401234567")
    queue(store, account_mail.queue_password_reset, "password_reset_requested", reset)
    queue(store, account_mail.queue_employee_invitation, "employee_invited", events.employee_invited())
    rows = {row.kind: row for row in store.rows()}
    assert set(rows) == {"welcome", "password_reset", "employee_invitation"}
    assert (rows["password_reset"].channel, rows["password_reset"].recipient) == ("sms", "+393401234567")
    # The row names the link; its text holds the marker where accounts' link goes when it is sent.
    assert (rows["password_reset"].link_id, rows["welcome"].link_id) == (reset["link_id"], None)
    assert LINK_MARKER in rows["password_reset"].body and LINK_MARKER in rows["employee_invitation"].body
    assert all(row.status == PENDING and row.attempts == 0 and row.next_attempt_at == NOW for row in rows.values())
    assert rows["welcome"].subject == "Benvenuto su Sportello"


def test_erasure_anonymises_every_notification_of_the_customer_and_keeps_the_counts(store):
    customer_id = "c-erased"
    welcome = queue(store, account_mail.queue_welcome, "customer_registered",
                    events.customer_registered(customer_id=customer_id))
    queue(store, account_mail.queue_password_reset, "password_reset_requested",
          events.password_reset_requested(customer_id=customer_id))
    other = queue(store, account_mail.queue_welcome, "customer_registered",
                  events.customer_registered(email="someone@example.it"))
    with store.sessions() as session, session.begin():  # the welcome went out already
        session.get(type(welcome), welcome.id).delivered(NOW)

    uow = store.uow()
    assert privacy.erase_customer(uow, events.loaded("customer_erased", events.customer_erased(customer_id)), clock) == 2
    uow.close()

    rows = store.rows()
    assert len(rows) == 3
    mine = [row for row in rows if row.customer_id == customer_id]
    assert {(row.kind, row.status) for row in mine} == {("welcome", SENT), ("password_reset", CANCELLED)}
    assert all((row.recipient, row.subject, row.body, row.last_error) == ("", "", "", None) for row in mine)
    untouched = store.row(other.id)
    assert untouched.recipient == "someone@example.it" and untouched.body


def test_a_notification_that_arrives_after_the_erasure_is_stored_without_the_person(store):
    customer_id = "c-gone"
    for _ in range(2):  # erasing twice changes nothing
        uow = store.uow()
        privacy.erase_customer(uow, events.loaded("customer_erased", events.customer_erased(customer_id)), clock)
        uow.close()
    late = queue(store, account_mail.queue_password_reset, "password_reset_requested",
                 events.password_reset_requested(customer_id=customer_id))
    row = store.row(late.id)
    assert (row.status, row.recipient, row.body) == (CANCELLED, "", "")


def test_the_sender_is_woken_by_commits_that_create_notifications_only(store):
    wakes = []
    call_after_commit_with_new_notifications(store.sessions, lambda: wakes.append(1))
    queue(store, account_mail.queue_welcome, "customer_registered", events.customer_registered(customer_id="c-1"))
    assert len(wakes) == 1
    uow = store.uow()
    privacy.erase_customer(uow, events.loaded("customer_erased", events.customer_erased("c-1")), clock)
    uow.close()
    assert len(wakes) == 1
    uow = store.uow()  # a flush that is rolled back wakes nobody
    uow.session.add(Notification.welcome(events.loaded("customer_registered", events.customer_registered()), NOW))
    uow.session.flush()
    uow.rollback()
    uow.session.commit()
    uow.close()
    assert len(wakes) == 1
