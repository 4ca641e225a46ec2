"""The notifications of the returns events, one factory each (plain Python, like ``notices.py``).

Every RMA event carries the address the customer asked from (null after
their erasure: then there is no mail) and the customer's id, which every
notification keeps so that erasing the customer erases it. Each factory
returns ``None`` when there is nobody to write to or nothing the customer
needs to hear (a review decision returns may add later). Links point to the
return's page, built from the shop's public base URL.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from services.messaging.domain.model import EMAIL, Notification
from services.messaging.domain.templates import Amount, Label, Lines, render

# rma_reviewed: the text of each decision (each says what the customer must do next).
REVIEW_TEMPLATES = {"approve": "rma_approved", "request_info": "rma_info_requested", "reject": "rma_rejected",
                    "offer": "rma_offered"}
# rma_received: accepted or refused on receipt.
RECEIPT_TEMPLATES = {"accept": "rma_accepted", "refuse": "rma_refused"}
OUTCOMES = ("rejected", "resolved", "returned_to_customer")
OFFER_KINDS = ("discount", "voucher")


def rma_url(base_url: str, rma_number: str) -> str:
    return f"{base_url.rstrip('/')}/returns/{rma_number}"


def rma_created(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    return _mail("rma_created", event, language, base_url, now, review_deadline=event["review_deadline"],
                 order_number=event.get("order_number") or "-", lines=_lines(event))


def rma_reviewed(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    template = REVIEW_TEMPLATES.get(event["decision"])
    if template is None:
        return None
    offer = event.get("offer") or {}
    values = {"note": _optional("rma_note", event.get("message")),
              "shipping": Label("rma_shipping", "at_your_cost" if event.get("request_type") == "convenience"
                                else "prepaid")}
    if template == "rma_offered":
        values.update(offer_kind=Label("rma_offer_kind", offer.get("kind") if offer.get("kind") in OFFER_KINDS
                                       else "other"),
                      amount=_money(offer["amount"]) if offer.get("amount") else "-",
                      description=_optional("rma_offer_description", offer.get("description")))
    return _mail(template, event, language, base_url, now, **values)


def rma_received(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    template = RECEIPT_TEMPLATES.get(event["decision"])
    if template is None:
        return None
    return _mail(template, event, language, base_url, now, note=_optional("rma_note", event.get("note")))


def refund_requested(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    return _mail("rma_refund", event, language, base_url, now, amount=_money(event["amount"]),
                 due_at=event["due_at"])


def replacement_requested(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    return _mail("rma_replacement", event, language, base_url, now, lines=_lines(event))


def rma_closed(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    outcome = event["outcome"] if event["outcome"] in OUTCOMES else "other"
    return _mail("rma_closed", event, language, base_url, now, outcome=Label("rma_outcome", outcome))


# -- helpers -----------------------------------------------------------------------------------
def _mail(template: str, event: dict, language: str | None, base_url: str, now: datetime,
          **values) -> Notification | None:
    if not event.get("email"):
        return None  # the customer was erased before the RMA event was published: nobody to write to
    message = render(template, language, rma_number=event["rma_number"],
                     rma_url=rma_url(base_url, event["rma_number"]), **values)
    return Notification(kind=template, channel=EMAIL, recipient=event["email"], message=message,
                        source_event_id=str(event["event_id"]), created_at=now, customer_id=event["customer_id"])


def _lines(event: dict) -> Lines:
    return Lines("rma_line", tuple({"quantity": line["quantity"], "name": line["name"],
                                    "reference": line.get("reference") or "-"}
                                   for line in sorted(event.get("lines") or (), key=lambda line: line["position"])))


def _optional(kind: str, text: str | None) -> Label:
    """A staff message or note, or nothing (the label's words say how it is introduced)."""
    return Label(kind, "given", text) if (text or "").strip() else Label(kind, "none")


def _money(value: dict) -> Amount:
    return Amount(Decimal(str(value["amount"])), value["currency"])
