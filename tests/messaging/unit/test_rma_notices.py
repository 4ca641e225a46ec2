"""The return (RMA) mails: one per event, the facts the customer needs, what to do next, the return's link."""
from datetime import datetime, timezone

import pytest

from services.messaging.domain import rma_notices
from services.returns.schemas import EVENT_SCHEMAS as RETURNS_EVENT_SCHEMAS
from tests.messaging import events

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
BASE = "https://shop.example.it/"
LINK = "https://shop.example.it/returns/RMA-2026-000045"


def loaded(event_type, *args, **fields):
    return events.loaded(event_type, getattr(events, event_type)(*args, **fields))


@pytest.mark.parametrize("event_type", ["rma_created", "rma_reviewed", "rma_received", "refund_requested",
                                        "replacement_requested", "rma_closed"])
def test_the_test_payloads_are_what_returns_publishes(event_type):
    # The producer's own schema (its wire contract) accepts them; messaging reads them with its copies.
    RETURNS_EVENT_SCHEMAS[event_type]().load(getattr(events, event_type)())


def test_the_confirmation_has_the_rma_number_the_lines_and_the_review_deadline():
    mail = rma_notices.rma_created(loaded("rma_created", customer_id="c-anna"), "en", BASE, NOW)
    assert (mail.kind, mail.recipient, mail.customer_id) == ("rma_created", "anna@example.it", "c-anna")
    assert mail.subject == "We received your return request RMA-2026-000045"
    assert "  2 x Trapano a batteria 18V (DRILL-18V)\n  1 x Handsäge (SAW-01)" in mail.body
    assert "review it by 2026-11-24 10:00 UTC" in mail.body and "order ORD-2026-000001" in mail.body
    assert LINK in mail.body.splitlines()


def test_the_italian_confirmation():
    mail = rma_notices.rma_created(loaded("rma_created"), "it", BASE, NOW)
    assert mail.language == "it" and mail.subject == "Abbiamo ricevuto la tua richiesta di reso RMA-2026-000045"
    assert "entro il 24/11/2026 alle 10:00 (UTC)" in mail.body and LINK in mail.body


@pytest.mark.parametrize("decision, subject, next_step", [
    ("approve", "Your return RMA-2026-000045 has been approved", "Print the return label"),
    ("request_info", "We need more information about your return RMA-2026-000045", "add the details"),
    ("reject", "Your return RMA-2026-000045 was not approved", "Please do not send the goods"),
])
def test_each_review_decision_says_what_to_do_next_and_quotes_staffs_message(decision, subject, next_step):
    mail = rma_notices.rma_reviewed(loaded("rma_reviewed", decision), "en", BASE, NOW)
    assert mail.kind == rma_notices.REVIEW_TEMPLATES[decision] and mail.subject == subject
    assert next_step in mail.body and "Our note: Please send it back with its charger." in mail.body
    assert LINK in mail.body


def test_an_approved_convenience_return_says_the_shipping_is_the_customers():
    prepaid = rma_notices.rma_reviewed(loaded("rma_reviewed"), "en", BASE, NOW)
    own_cost = rma_notices.rma_reviewed(loaded("rma_reviewed", request_type="convenience"), "it", BASE, NOW)
    assert "The return label is prepaid" in prepaid.body
    assert "Un reso per ripensamento viaggia a tuo carico" in own_cost.body
    assert own_cost.subject == "Il tuo reso RMA-2026-000045 è stato approvato"


def test_an_offer_states_the_amount_and_how_to_answer_it():
    offer = {"kind": "voucher", "amount": {"amount": "1250.00", "currency": "EUR"}, "description": "next order"}
    event = loaded("rma_reviewed", "offer", offer=offer, message="")
    english, italian = (rma_notices.rma_reviewed(event, language, BASE, NOW) for language in ("en", "it"))
    assert english.subject == "An offer for your return RMA-2026-000045"
    assert "offer you a voucher worth 1,250.00 EUR (next order)." in english.body
    assert "accept or decline the offer" in english.body and "Our note" not in english.body
    assert "proporti un buono del valore di 1.250,00 EUR (next order)." in italian.body


def test_a_decision_messaging_does_not_know_sends_nothing():
    assert rma_notices.rma_reviewed(loaded("rma_reviewed", "escalate"), "en", BASE, NOW) is None
    assert rma_notices.rma_received(loaded("rma_received", "weigh_again"), "en", BASE, NOW) is None


def test_receipt_accepted_or_refused():
    accepted = rma_notices.rma_received(loaded("rma_received"), "en", BASE, NOW)
    refused = rma_notices.rma_received(loaded("rma_received", "refuse", note="Seal broken, not a defect"), "it",
                                       BASE, NOW)
    assert accepted.kind == "rma_accepted" and "refund or replacement" in accepted.body
    assert "Our note" not in accepted.body
    assert refused.kind == "rma_refused" and refused.subject == "La merce del tuo reso RMA-2026-000045 non è stata " \
                                                                "accettata"
    assert "La nostra nota: Seal broken, not a defect" in refused.body and "Te la rispediremo" in refused.body


def test_refund_and_replacement_are_on_their_way():
    refund = rma_notices.refund_requested(loaded("refund_requested"), "en", BASE, NOW)
    assert refund.subject == "Your refund for return RMA-2026-000045 is on its way"
    assert "refund of 235.31 EUR" in refund.body and "within 48 hours, by 2026-11-26 10:00 UTC" in refund.body
    replacement = rma_notices.replacement_requested(loaded("replacement_requested"), "it", BASE, NOW)
    assert replacement.subject == "La sostituzione del tuo reso RMA-2026-000045 è in arrivo"
    assert "  2 x Trapano a batteria 18V (DRILL-18V)" in replacement.body and LINK in replacement.body
    assert "Via Po" not in replacement.body


@pytest.mark.parametrize("outcome, words", [("rejected", "closed: it was not approved."),
                                            ("resolved", "closed: it has been resolved."),
                                            ("returned_to_customer", "closed: the goods have been sent back to you."),
                                            ("archived", "is now closed.")])
def test_closed_with_its_outcome(outcome, words):
    mail = rma_notices.rma_closed(loaded("rma_closed", outcome), "en", BASE, NOW)
    assert mail.subject == "Your return RMA-2026-000045 is closed" and words in mail.body


def test_no_address_no_mail_and_unknown_fields_are_ignored():
    assert rma_notices.rma_created(loaded("rma_created", email=None), "en", BASE, NOW) is None
    event = loaded("rma_closed", priority="high", resolution={"kind": "new"})
    assert rma_notices.rma_closed(event, "fr", BASE, NOW).language == "en"
    lines = [{"position": 1, "reference": "DRILL-18V", "name": "Drill", "quantity": 1, "colour": "red"}]
    assert "  1 x Drill (DRILL-18V)" in rma_notices.rma_created(loaded("rma_created", lines=lines), "en", BASE,
                                                                 NOW).body


def test_values_stay_on_one_line_and_are_not_interpreted():
    event = loaded("rma_reviewed", "request_info", message="Send {rma_url}\nSubject: evil")
    mail = rma_notices.rma_reviewed(event, "en", BASE, NOW)
    assert "Our note: Send {rma_url} Subject: evil" in mail.body
