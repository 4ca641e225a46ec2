"""The return mails' use cases on a real database: the registration's language, erasure, no mail without a reason."""
from datetime import datetime, timezone

from services.messaging.dependencies import MessagingSettings
from services.messaging.usecases import account_mail, privacy, return_mail
from tests.messaging import events

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SETTINGS = MessagingSettings(public_base_url="https://shop.example.it", staff_email="desk@shop.example")


def handle(store, use_case, event_type, payload):
    uow = store.uow()
    try:
        event = events.loaded(event_type, payload)
        if use_case.__module__.endswith("return_mail"):
            return use_case(uow, event, SETTINGS, lambda: NOW)
        return use_case(uow, event, lambda: NOW)
    finally:
        uow.close()


def test_each_rma_event_queues_one_mail_in_the_language_the_customer_registered_in(store):
    registered = events.customer_registered(language="it")
    customer = registered["customer_id"]
    handle(store, account_mail.queue_welcome, "customer_registered", registered)
    steps = [(return_mail.queue_rma_created, "rma_created", events.rma_created(customer_id=customer)),
             (return_mail.queue_rma_reviewed, "rma_reviewed", events.rma_reviewed(customer_id=customer)),
             (return_mail.queue_rma_received, "rma_received", events.rma_received(customer_id=customer)),
             (return_mail.queue_refund_requested, "refund_requested", events.refund_requested(customer_id=customer)),
             (return_mail.queue_rma_closed, "rma_closed", events.rma_closed(customer_id=customer))]
    queued = [handle(store, use_case, event_type, payload) for use_case, event_type, payload in steps]
    assert [n.kind for n in queued] == ["rma_created", "rma_approved", "rma_accepted", "rma_refund", "rma_closed"]
    assert {n.language for n in queued} == {"it"} and {n.customer_id for n in queued} == {customer}
    rows = [row for row in store.rows() if row.kind != "welcome"]
    assert [row.recipient for row in rows] == ["anna@example.it"] * 5
    assert {row.source_event_id for row in rows} == {payload["event_id"] for _, _, payload in steps}

    handle(store, privacy.erase_customer, "customer_erased", events.customer_erased(customer))
    assert all(row.recipient == "" and row.body == "" for row in store.rows())
    late = handle(store, return_mail.queue_rma_closed, "rma_closed", events.rma_closed(customer_id=customer))
    assert late.status == "cancelled" and late.recipient == ""  # an event that arrives after the erasure


def test_without_an_address_or_a_known_decision_the_event_is_handled_without_a_mail(store):
    assert handle(store, return_mail.queue_rma_created, "rma_created", events.rma_created(email=None)) is None
    assert handle(store, return_mail.queue_rma_reviewed, "rma_reviewed", events.rma_reviewed("escalate")) is None
    assert store.rows() == []
    english = handle(store, return_mail.queue_replacement_requested, "replacement_requested",
                     events.replacement_requested(customer_id="c-unknown"))
    assert english.language == "en" and english.kind == "rma_replacement"
