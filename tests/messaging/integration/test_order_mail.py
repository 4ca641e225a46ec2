"""The order and quote mails' use cases on a real database: addresses and languages kept from earlier events."""
from datetime import datetime, timedelta, timezone

import pytest

from services.messaging.dependencies import MessagingSettings
from services.messaging.usecases import account_mail, order_mail, privacy
from tests.messaging import events
from tests.support.databases import USE_POSTGRESQL

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SETTINGS = MessagingSettings(public_base_url="https://shop.example.it", staff_email="desk@shop.example")


def handle(store, use_case, event_type, payload, at=NOW):
    uow = store.uow()
    try:
        event = events.loaded(event_type, payload)
        if use_case.__module__.endswith("order_mail"):
            return use_case(uow, event, SETTINGS, lambda: at)
        return use_case(uow, event, lambda: at)
    finally:
        uow.close()


def test_later_order_mails_go_to_the_orders_address_in_the_language_the_customer_registered_in(store):
    registered = events.customer_registered(language="it")
    customer_id = registered["customer_id"]
    handle(store, account_mail.queue_welcome, "customer_registered", registered)
    placed = events.order_placed(customer_id=customer_id, email="fatture@example.it")
    confirmation = handle(store, order_mail.queue_order_confirmation, "order_placed", placed)
    assert confirmation.language == "it" and confirmation.recipient == "fatture@example.it"
    shipped = handle(store, order_mail.queue_order_status, "order_status_changed",
                     events.order_status_changed(customer_id=customer_id, status="fulfilled"))
    paid = handle(store, order_mail.queue_order_paid, "order_paid", events.order_paid(customer_id=customer_id))
    assert [(n.kind, n.recipient, n.language) for n in (shipped, paid)] == [
        ("order_shipped", "fatture@example.it", "it"), ("order_paid", "fatture@example.it", "it")]


def test_mails_that_overtake_their_order_by_any_time_wait_for_it_and_follow_its_confirmation(store):
    """REVIEW R7: a shipped or paid mail whose order_placed had not been seen 10 minutes after the
    event (messaging down 11 minutes, queues drained in any order) was dropped. It waits instead,
    however late, and goes out right after the confirmation, in the order the events happened."""
    customer_id, order_number = "c-late", "ORD-2026-000099"
    late = NOW + timedelta(minutes=11)
    shipped = events.order_status_changed(order_number=order_number, customer_id=customer_id, status="fulfilled",
                                          occurred_at=(NOW + timedelta(seconds=1)).isoformat())
    paid = events.order_paid(order_number=order_number, customer_id=customer_id,
                             occurred_at=(NOW + timedelta(seconds=2)).isoformat())
    assert handle(store, order_mail.queue_order_paid, "order_paid", paid, at=late) is not None
    assert handle(store, order_mail.queue_order_status, "order_status_changed", shipped,
                  at=late + timedelta(seconds=1)) is not None
    assert {(row.kind, row.status, row.recipient) for row in store.rows()} == {
        ("order_paid", "waiting_for_order", ""), ("order_shipped", "waiting_for_order", "")}  # nothing sendable yet
    placed = events.order_placed(order_number=order_number, customer_id=customer_id, email="fatture@example.it",
                                 occurred_at=NOW.isoformat())
    handle(store, order_mail.queue_order_confirmation, "order_placed", placed, at=late + timedelta(seconds=2))
    rows = store.rows()  # in the order the sender takes them (created_at)
    assert [(row.kind, row.status, row.recipient) for row in rows] == [
        ("order_confirmation", "pending", "fatture@example.it"),
        ("order_shipped", "pending", "fatture@example.it"),
        ("order_paid", "pending", "fatture@example.it")]
    assert all(row.next_attempt_at <= late + timedelta(seconds=3) for row in rows)


def test_a_waiting_mail_is_cancelled_when_its_order_has_no_address_or_the_customer_is_erased(store):
    handle(store, order_mail.queue_order_status, "order_status_changed",
           events.order_status_changed(order_number="ORD-2026-000100", customer_id="c-2", status="cancelled"))
    handle(store, order_mail.queue_order_paid, "order_paid",
           events.order_paid(order_number="ORD-2026-000101", customer_id="c-3"))
    handle(store, order_mail.queue_order_confirmation, "order_placed",
           events.order_placed(order_number="ORD-2026-000100", customer_id="c-2", email=None))
    handle(store, privacy.erase_customer, "customer_erased", events.customer_erased("c-3"))
    rows = {row.kind: row for row in store.rows()}
    assert (rows["order_cancelled"].status, rows["order_cancelled"].recipient) == ("cancelled", "")
    assert rows["order_cancelled"].last_error == "not sent: the order has no e-mail address"
    assert (rows["order_paid"].status, rows["order_paid"].recipient, rows["order_paid"].body) == ("cancelled", "", "")


def test_processing_makes_no_mail_and_needs_no_order(store):
    event = events.order_status_changed(order_number="ORD-2026-000404", status="processing")
    assert handle(store, order_mail.queue_order_status, "order_status_changed", event) is None


def test_an_address_or_language_in_the_event_wins_over_what_was_kept(store):
    handle(store, order_mail.queue_order_confirmation, "order_placed", events.order_placed(customer_id="c-1"))
    event = events.order_status_changed(customer_id="c-1", status="cancelled", email="new@example.it", language="it")
    mail = handle(store, order_mail.queue_order_status, "order_status_changed", event)
    assert (mail.recipient, mail.language, mail.kind) == ("new@example.it", "it", "order_cancelled")


def test_quote_mails_use_the_events_address(store):
    received = handle(store, order_mail.queue_quote_received, "quote_requested", events.quote_requested())
    ready = handle(store, order_mail.queue_quote_ready, "quote_priced", events.quote_priced())
    assert [(n.kind, n.recipient, n.language) for n in (received, ready)] == [
        ("quote_requested", "paola@rossi.example.it", "en"), ("quote_ready", "paola@rossi.example.it", "en")]


def test_after_erasure_no_address_or_language_is_kept_and_late_mails_are_stored_without_the_person(store):
    registered = events.customer_registered(language="it")
    customer_id = registered["customer_id"]
    handle(store, account_mail.queue_welcome, "customer_registered", registered)
    handle(store, order_mail.queue_order_confirmation, "order_placed", events.order_placed(customer_id=customer_id))
    handle(store, privacy.erase_customer, "customer_erased", events.customer_erased(customer_id))
    handle(store, account_mail.queue_welcome, "customer_registered", registered)  # a late redelivery
    late_status = handle(store, order_mail.queue_order_status, "order_status_changed",
                         events.order_status_changed(customer_id=customer_id, status="delivered"))
    assert late_status is None  # the order's address is gone: nobody to write to
    late_order = handle(store, order_mail.queue_order_confirmation, "order_placed",
                        events.order_placed(customer_id=customer_id, order_number="ORD-2026-000002"))
    assert (late_order.status, late_order.recipient, late_order.body) == ("cancelled", "", "")
    assert late_order.language == "en"  # the language was not remembered again
    assert {(row.recipient, row.body) for row in store.rows()} == {("", "")}


@pytest.mark.postgresql
@pytest.mark.skipif(not USE_POSTGRESQL, reason="two transactions at once: PostgreSQL (two replicas)")
def test_a_status_mail_handled_while_its_order_placed_commits_on_another_replica_is_not_left_waiting(
        store, monkeypatch):
    """Seen on the cluster (tests/faults_cluster scenario 8): order_placed on one replica looked for
    the mails waiting for its order and found none; the delivered event on the other replica had read
    the order as unknown before that commit and stored its mail waiting after that look. Nobody
    looked again: the delivered mail waited for ever. Here the status event runs, whole, between the
    confirmation's look for waiting mails and its commit."""
    from services.messaging.adapters.repositories import Notifications

    customer_id, order_number = "c-race", "ORD-2026-000777"
    look = Notifications.waiting_for

    def look_then_other_replica(self, number):
        found = look(self, number)
        monkeypatch.setattr(Notifications, "waiting_for", look)  # once
        handle(store, order_mail.queue_order_status, "order_status_changed",
               events.order_status_changed(order_number=number, customer_id=customer_id, status="delivered"))
        return found

    monkeypatch.setattr(Notifications, "waiting_for", look_then_other_replica)
    handle(store, order_mail.queue_order_confirmation, "order_placed",
           events.order_placed(order_number=order_number, customer_id=customer_id, email="fatture@example.it"))
    assert sorted((row.kind, row.status, row.recipient) for row in store.rows()) == [
        ("order_confirmation", "pending", "fatture@example.it"),
        ("order_delivered", "pending", "fatture@example.it")]
