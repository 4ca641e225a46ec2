"""The order, quote and desk notifications: who gets what, in which language, with which facts."""
from datetime import datetime, timezone

import pytest

from services.messaging.domain import notices
from services.messaging.domain.threads import ORDER, Contact, Thread
from tests.messaging import events

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
BASE = "https://shop.example.it/"


def loaded(event_type, **fields):
    return events.loaded(event_type, getattr(events, event_type)(**fields))


def test_the_order_confirmation_lists_the_lines_in_order_the_total_and_the_payment():
    event = loaded("order_placed")
    mail = notices.order_confirmation(event, "en", BASE, NOW)
    assert (mail.kind, mail.recipient, mail.customer_id) == ("order_confirmation", "fatture@example.it",
                                                             event["customer_id"])
    assert mail.subject == "Your order ORD-2026-000001"
    body = mail.body
    assert body.index("2 x Trapano a batteria 18V (DRILL-18V), 89.90 EUR each") < body.index("1 x Handsäge (SAW-01)")
    assert "Total: 1,234.50 EUR" in body and "Payment: bank transfer" in body
    assert "https://shop.example.it/orders/ORD-2026-000001" in body.splitlines()
    assert mail.source_event_id == str(event["event_id"])


def test_the_italian_confirmation_writes_numbers_and_words_the_italian_way():
    mail = notices.order_confirmation(loaded("order_placed"), "it", BASE, NOW)
    assert mail.subject == "Il tuo ordine ORD-2026-000001" and mail.language == "it"
    assert "2 x Trapano a batteria 18V (DRILL-18V), 89,90 EUR cad." in mail.body
    assert "Totale: 1.234,50 EUR" in mail.body and "Pagamento: bonifico bancario" in mail.body


def test_an_order_without_an_address_gets_no_mail():
    assert notices.order_confirmation(loaded("order_placed", email=None), "en", BASE, NOW) is None


@pytest.mark.parametrize("status, kind, subject", [
    ("fulfilled", "order_shipped", "Your order ORD-2026-000001 has shipped"),
    ("delivered", "order_delivered", "Your order ORD-2026-000001 has been delivered"),
    ("cancelled", "order_cancelled", "Your order ORD-2026-000001 has been cancelled"),
])
def test_status_changes_the_customer_hears_about(status, kind, subject):
    mail = notices.order_status(loaded("order_status_changed", status=status), "anna@example.it", "en", BASE, NOW)
    assert (mail.kind, mail.subject, mail.recipient) == (kind, subject, "anna@example.it")


def test_the_shipping_mail_carries_the_carrier_and_the_tracking_number():
    mail = notices.order_status(loaded("order_status_changed", status="fulfilled"), "a@example.it", "it", BASE, NOW)
    assert mail.subject == "Il tuo ordine ORD-2026-000001 è stato spedito"
    assert "Corriere: BRT" in mail.body and "Numero di tracciamento: 123456789" in mail.body


def test_processing_is_not_worth_a_mail():
    assert notices.order_status(loaded("order_status_changed", status="processing"), "a@example.it", "en",
                                BASE, NOW) is None


def test_the_payment_mail_names_the_amount():
    mail = notices.order_paid(loaded("order_paid"), "a@example.it", "it", BASE, NOW)
    assert mail.subject == "Pagamento ricevuto per l'ordine ORD-2026-000001"
    assert "219,36 EUR" in mail.body


def test_quote_mails_confirm_the_request_and_announce_the_price_without_echoing_the_message():
    requested = loaded("quote_requested")
    received = notices.quote_received(requested, "en", BASE, NOW)
    assert received.subject == "We received your quote request QUO-2026-000007"
    assert "1 x Montaggio cucina" in received.body and requested["customer_id"] == received.customer_id
    assert "installation in Milan" not in received.body
    ready = notices.quote_ready(loaded("quote_priced"), "it", BASE, NOW)
    assert ready.subject == "Il tuo preventivo QUO-2026-000007 è pronto"
    assert "1.830,00 EUR in totale, valido fino al 31/12/2026" in ready.body
    assert "https://shop.example.it/quotes" in ready.body


def test_the_reply_waiting_mail_links_to_the_thread_and_quotes_nothing_of_it():
    thread, _, _ = Thread.open("c-anna", "My secret question about the drill", Contact("anna@example.it", "it"),
                               NOW, ORDER, "ORD-2026-000001")
    message, _ = thread.staff_writes("s-1", "Our secret answer", NOW)
    mail = notices.reply_waiting(thread, message, BASE, NOW)
    assert (mail.recipient, mail.language, mail.customer_id) == ("anna@example.it", "it", "c-anna")
    assert f"https://shop.example.it/messages/{thread.id}" in mail.body.splitlines()
    assert "sull'ordine ORD-2026-000001" in mail.body
    assert "secret" not in mail.body + mail.subject
    assert mail.source_event_id == message.id


def test_the_staff_alert_goes_to_the_inbox_with_the_deadline_and_no_customer_text():
    thread, message, _ = Thread.open("c-anna", "My secret question", Contact("anna@example.it"), NOW)
    mail = notices.customer_wrote(thread, message, "desk@shop.example", "en", BASE, NOW)
    assert (mail.recipient, mail.customer_id) == ("desk@shop.example", "c-anna")
    assert mail.subject == "Desk: a customer is waiting for an answer (general question)"
    assert "2026-11-24 10:00 UTC" in mail.body
    assert f"https://shop.example.it/staff/messages/{thread.id}" in mail.body
    assert "secret" not in mail.body + mail.subject and "anna@example.it" not in mail.body
    thread.staff_writes("s-1", "answer", NOW)
    again, _ = thread.customer_writes("more", Contact("anna@example.it"), NOW)
    assert notices.customer_wrote(thread, again, "desk@shop.example", "en", BASE, NOW).subject == (
        "Desk: a customer wrote again (general question)")
