"""The notifications of the orders events and of the desk, one factory each.

(The accounts ones are ``Notification``'s own class methods, in ``model.py``.)
Each factory returns ``None`` when there is nobody to write to, or nothing a
customer needs to hear: an order event without an address, an order moving
to "processing".

Every notification carries the customer's id, so that erasing the customer
erases it too. Links are built from the shop's public base URL, never taken
from anything a customer typed.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from services.messaging.domain.model import EMAIL, Notification
from services.messaging.domain.templates import Amount, Label, Lines, render
from services.messaging.domain.threads import Message, Thread

# order_status_changed: which statuses the customer hears about, with which text.
STATUS_TEMPLATES = {"fulfilled": "order_shipped", "delivered": "order_delivered", "cancelled": "order_cancelled"}


def order_url(base_url: str, order_number: str) -> str:
    return f"{base_url.rstrip('/')}/orders/{order_number}"


def quotes_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/quotes"


def thread_url(base_url: str, thread_id: str, staff: bool = False) -> str:
    return f"{base_url.rstrip('/')}/{'staff/' if staff else ''}messages/{thread_id}"


def _money(value: dict) -> Amount:
    return Amount(Decimal(str(value["amount"])), value["currency"])


def _email(kind: str, recipient: str | None, message, event: dict, now: datetime) -> Notification | None:
    if not recipient:
        return None
    return Notification(kind=kind, channel=EMAIL, recipient=recipient, message=message,
                        source_event_id=str(event["event_id"]), created_at=now, customer_id=event["customer_id"])


# -- orders ----------------------------------------------------------------------------------
def order_confirmation(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    lines = Lines("order_line", tuple(
        {"quantity": line["quantity"], "name": line["name"], "reference": line["reference"],
         "unit_price": _money(line["unit_price"])}
        for line in sorted(event["lines"], key=lambda line: line["position"])))
    message = render("order_confirmation", language, order_number=event["order_number"], lines=lines,
                     total=_money(event["total"]), payment_method=Label("payment_method", event["payment_method"]),
                     order_url=order_url(base_url, event["order_number"]))
    return _email("order_confirmation", event.get("email"), message, event, now)


def order_status(event: dict, email: str | None, language: str | None, base_url: str,
                 now: datetime) -> Notification | None:
    template = STATUS_TEMPLATES.get(event["status"])
    if template is None:
        return None  # "processing" is shown in the customer area; it is not worth a mail
    message = render(template, language, order_number=event["order_number"],
                     carrier=event.get("carrier") or "-", tracking_number=event.get("tracking_number") or "-",
                     order_url=order_url(base_url, event["order_number"]))
    return _email(template, email, message, event, now)


def order_paid(event: dict, email: str | None, language: str | None, base_url: str,
               now: datetime) -> Notification | None:
    message = render("order_paid", language, order_number=event["order_number"], amount=_money(event["amount"]),
                     order_url=order_url(base_url, event["order_number"]))
    return _email("order_paid", email, message, event, now)


def quote_received(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    lines = Lines("quote_line", tuple({"quantity": line.get("quantity", 1), "name": line.get("name", "")}
                                      for line in event["lines"]))
    message = render("quote_requested", language, quote_number=event["quote_number"], lines=lines,
                     quotes_url=quotes_url(base_url))
    return _email("quote_requested", event.get("email"), message, event, now)


def quote_ready(event: dict, language: str | None, base_url: str, now: datetime) -> Notification | None:
    message = render("quote_ready", language, quote_number=event["quote_number"], total=_money(event["total"]),
                     valid_until=event["valid_until"], quotes_url=quotes_url(base_url))
    return _email("quote_ready", event.get("email"), message, event, now)


# -- the desk --------------------------------------------------------------------------------
def reply_waiting(thread: Thread, message: Message, base_url: str, now: datetime) -> Notification:
    """To the customer: a reply waits. The link, never the text (see ``texts/desk.py``)."""
    rendered = render("desk_reply_waiting", thread.customer_language,
                      about=Label("about", thread.context_type, thread.context_ref or ""),
                      thread_url=thread_url(base_url, thread.id))
    return Notification(kind="desk_reply_waiting", channel=EMAIL, recipient=thread.customer_email or "",
                        message=rendered, source_event_id=message.id, created_at=now, customer_id=thread.customer_id)


def customer_wrote(thread: Thread, message: Message, inbox: str, language: str, base_url: str,
                   now: datetime) -> Notification:
    """To the staff inbox: a thread waits for an answer. It carries the customer's id so erasure finds it."""
    again = thread.first_response_at is not None
    rendered = render("desk_customer_wrote_again" if again else "desk_customer_wrote", language,
                      context=Label("context", thread.context_type, thread.context_ref or ""),
                      due=thread.first_response_due_at, thread_url=thread_url(base_url, thread.id, staff=True))
    return Notification(kind="desk_customer_wrote", channel=EMAIL, recipient=inbox, message=rendered,
                        source_event_id=message.id, created_at=now, customer_id=thread.customer_id)
