"""The RMA: plain Python with its state machine (domain/states.py); every step records its event."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from services.chassis.domain import RecordsEvents
from services.returns.domain import policies
from services.returns.domain.errors import (InvoiceNumberMismatch, LabelNotAvailable, QuantityExceeded,
                                            RequestTypeNotAllowed, TooManyAttachments, IllegalTransition)
from services.returns.domain.orders import DeliveredOrder
from services.returns.domain.states import ACCEPTS_ATTACHMENTS, check_transition, holds_quantity

ERASED_ADDRESS = {"name": "[erased]", "street": "[erased]", "postal_code": "-", "city": "[erased]", "country": "XX",
                  "phone": None}
REVIEW_OUTCOME = {"approve": "approved", "request_info": "info_requested", "reject": "rejected", "offer": "offered"}


class RmaLine:
    def __init__(self, position: int, reference: str, name: str, quantity: int, unit_price: Decimal, currency: str,
                 vat_rate: Decimal, justification: str, note: str, seal_state: str, usage_condition: str,
                 exceptions: str):
        self.id = str(uuid.uuid4())
        self.position = position  # the order line it returns
        self.reference, self.name, self.quantity = reference, name, quantity
        self.unit_price, self.currency, self.vat_rate = unit_price, currency, vat_rate
        self.justification, self.note, self.exceptions = justification, note, exceptions
        self.seal_state, self.usage_condition = seal_state, usage_condition


class TimelineEntry:
    def __init__(self, seq: int, status: str, at: datetime, actor: str, note: str | None):
        self.id = str(uuid.uuid4())
        self.seq, self.status, self.at, self.actor, self.note = seq, status, at, actor, note


class Attachment:
    def __init__(self, filename: str, content_type: str, size: int, sha256: str, stored_name: str,
                 uploaded_by: str, now: datetime):
        self.id = str(uuid.uuid4())
        self.filename, self.content_type, self.size, self.sha256 = filename, content_type, size, sha256
        self.stored_name, self.uploaded_by, self.uploaded_at = stored_name, uploaded_by, now


class Rma(RecordsEvents):
    """A return request for lines of one delivered order (DESIGN.md's RMA state machine)."""

    def __init__(self, *, number: str, order: DeliveredOrder, customer_id: str, company_id: str | None,
                 request_type: str, lines: list[RmaLine], message: str, return_address: dict,
                 invoice_number: str | None, contact_email: str | None, idempotency_key: str | None,
                 review_deadline: datetime, now: datetime):
        self.id = str(uuid.uuid4())
        self.number = number
        self.order_id, self.order_number, self.customer_kind = order.id, order.order_number, order.customer_kind
        self.customer_id, self.company_id = customer_id, company_id
        self.request_type = request_type
        self.resolution = policies.RESOLUTION[request_type]
        self.status, self.closed_from = "submitted", None
        self.message, self.return_address, self.invoice_number = message, return_address, invoice_number
        self.contact_email, self.idempotency_key = contact_email, idempotency_key
        self.review_deadline = review_deadline
        self.offer: dict | None = None
        self.refund_due_at: datetime | None = None
        self.carrier = self.tracking_number = None  # the customer's shipment to the shop
        self.return_carrier = self.return_tracking_number = None  # refused goods going back
        self.created_at = self.updated_at = now
        self.lines = lines
        self.timeline = [TimelineEntry(1, "submitted", now, "customer", message)]
        self.attachments: list[Attachment] = []

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, order: DeliveredOrder, held: dict[int, int], command: dict, *, number: str, customer_id: str,
             company_id: str | None, contact_email: str | None, policy: policies.ReturnPolicy,
             now: datetime) -> "Rma":
        """Check the request against the window, the profile, the invoice and what is still returnable.

        ``held``: pieces per order line already under returns that hold them (states.holds_quantity).
        """
        order.ensure_window_open(now)
        request_type = command["request_type"]
        if request_type not in policies.allowed_request_types(order.customer_kind, policy):
            raise RequestTypeNotAllowed(f"A {order.customer_kind} customer cannot ask for a {request_type} return.",
                                        fields={"request_type": ["Not available for your customer profile."]})
        if not policies.invoice_matches(command.get("invoice_number"), order.order_number):
            raise InvoiceNumberMismatch(f"The invoice of this order is numbered {order.order_number}.",
                                        fields={"invoice_number": ["Does not match the order."]})
        returnable = order.returnable(held)
        asked: dict[int, int] = {}
        lines = []
        for item in command["lines"]:
            line = order.line(item["position"])
            asked[line.position] = asked.get(line.position, 0) + item["quantity"]
            if asked[line.position] > returnable[line.position]:
                raise QuantityExceeded(
                    f"Line {line.position}: {returnable[line.position]} of {line.quantity} can still be returned.",
                    fields={"lines": [f"Line {line.position}: at most {returnable[line.position]}."]},
                    extra={"position": line.position, "returnable": returnable[line.position]})
            lines.append(RmaLine(line.position, line.reference, line.name, item["quantity"], line.unit_price,
                                 line.currency, line.vat_rate, item["justification"], item["note"],
                                 item["seal_state"], item["usage_condition"], item["exceptions"]))
        rma = cls(number=number, order=order, customer_id=customer_id, company_id=company_id,
                  request_type=request_type, lines=lines, message=command["message"],
                  return_address=command["return_address"], invoice_number=command.get("invoice_number"),
                  contact_email=contact_email, idempotency_key=command.get("idempotency_key"),
                  review_deadline=policies.review_deadline(now, policy), now=now)
        rma.record("rma_created", occurred_at=now, **rma._facts(), review_deadline=rma.review_deadline.isoformat(),
                   lines=[{"position": l.position, "reference": l.reference, "name": l.name, "quantity": l.quantity}
                          for l in lines])
        return rma

    # -- reading ----------------------------------------------------------------------------
    @property
    def holds_quantity(self) -> bool:
        return holds_quantity(self.status, self.closed_from)

    def overdue(self, now: datetime) -> bool:
        return self.status == "submitted" and now > self.review_deadline

    @property
    def label_prepaid(self) -> bool:
        return policies.label_prepaid(self.request_type)

    @property
    def label_available(self) -> bool:
        return self.status in ("approved", "shipped")

    def ensure_label(self) -> None:
        if not self.label_available:
            raise LabelNotAvailable(f"This return is {self.status}.", extra={"current_status": self.status})

    # -- the steps --------------------------------------------------------------------------
    def review(self, decision: str, message: str, offer: dict | None, policy, now: datetime) -> None:
        self._move(REVIEW_OUTCOME[decision], now, "staff", message)
        self.offer = offer if decision == "offer" else self.offer
        self.record("rma_reviewed", occurred_at=now, **self._facts(), decision=decision, message=message,
                    offer=offer if decision == "offer" else None)

    def resubmit(self, message: str, policy, now: datetime) -> None:
        self._move("submitted", now, "customer", message)
        self.review_deadline = policies.review_deadline(now, policy)  # a new answer is owed from now
        self.record("rma_resubmitted", occurred_at=now, **self._facts(), message=message,
                    review_deadline=self.review_deadline.isoformat())

    def answer_offer(self, accept: bool, message: str, policy, now: datetime) -> None:
        if self.status != "offered":  # checked here: "accepted -> resolved" is legal, but not the customer's
            raise IllegalTransition(f"A return that is {self.status} has no offer to answer.",
                                    extra={"current_status": self.status, "allowed": []})
        if not accept:
            self._move("submitted", now, "customer", message or "Offer declined.")
            self.review_deadline = policies.review_deadline(now, policy)
            self.record("rma_offer_answered", occurred_at=now, **self._facts(), decision="decline")
            return
        self._move("resolved", now, "customer", message or "Offer accepted.")
        self.resolution = "commercial"
        self.record("rma_offer_answered", occurred_at=now, **self._facts(), decision="accept")
        self.record("credit_requested", occurred_at=now, **self._facts(), kind=self.offer["kind"],
                    amount=self.offer["amount"], description=self.offer.get("description", ""),
                    lines=self._priced_lines())

    def confirm_shipment(self, carrier: str, tracking_number: str, now: datetime) -> None:
        self._move("shipped", now, "customer", f"{carrier} {tracking_number}")
        self.carrier, self.tracking_number = carrier, tracking_number
        self.record("rma_shipped", occurred_at=now, **self._facts(), carrier=carrier, tracking_number=tracking_number)

    def receive(self, accept: bool, note: str, policy, now: datetime) -> None:
        """The warehouse unpacks the parcel: received, then at once accepted or refused."""
        check_transition(self.status, "received")
        self._move("received", now, "staff", None)
        self._move("accepted" if accept else "refused", now, "staff", note or None)
        self.record("rma_received", occurred_at=now, **self._facts(), decision="accept" if accept else "refuse",
                    note=note)
        if not accept:
            return
        lines = self._priced_lines()
        if self.resolution == "refund":
            self.refund_due_at = policies.refund_due_at(now, policy)
            total = sum((policies.gross_amount(l.unit_price, l.quantity, l.vat_rate) for l in self.lines), Decimal(0))
            self.record("refund_requested", occurred_at=now, **self._facts(), lines=lines,
                        amount={"amount": str(total), "currency": self.lines[0].currency},
                        due_at=self.refund_due_at.isoformat())
        else:
            self.record("replacement_requested", occurred_at=now, **self._facts(), lines=lines,
                        shipping_address=self.return_address)

    def resolve(self, note: str, now: datetime) -> None:
        self._move("resolved", now, "staff", note or None)
        self.record("rma_resolved", occurred_at=now, **self._facts(), resolution=self.resolution, note=note)

    def return_to_customer(self, carrier: str, tracking_number: str, note: str, now: datetime) -> None:
        self._move("returned_to_customer", now, "staff", note or f"{carrier} {tracking_number}")
        self.return_carrier, self.return_tracking_number = carrier, tracking_number
        self.record("rma_returned_to_customer", occurred_at=now, **self._facts(), carrier=carrier,
                    tracking_number=tracking_number, address=self.return_address)

    def close(self, note: str, now: datetime) -> None:
        previous = self.status
        self._move("closed", now, "staff", note or None)
        self.closed_from = previous
        self.record("rma_closed", occurred_at=now, **self._facts(), outcome=previous)

    def attach(self, attachment: Attachment, policy) -> None:
        if self.status not in ACCEPTS_ATTACHMENTS:
            raise IllegalTransition(f"A return that is {self.status} takes no more attachments.",
                                    extra={"current_status": self.status})
        if len(self.attachments) >= policy.attachment_max_count:
            raise TooManyAttachments(f"At most {policy.attachment_max_count} files per return.",
                                     extra={"max_count": policy.attachment_max_count})
        self.attachments.append(attachment)

    def erase_personal_data(self) -> list[str]:
        """The customer deleted their account: keep the facts about the goods, drop the person.

        Returns the stored names of the attachments to delete (photos may show anything).
        """
        self.contact_email = None
        self.return_address = dict(ERASED_ADDRESS)
        self.message = "[erased]"
        for entry in self.timeline:
            if entry.actor == "customer":
                entry.note = None
        stored = [a.stored_name for a in self.attachments]
        self.attachments.clear()
        return stored

    # -- internals --------------------------------------------------------------------------
    def _move(self, status: str, now: datetime, actor: str, note: str | None) -> None:
        check_transition(self.status, status)
        self.status, self.updated_at = status, now
        self.timeline.append(TimelineEntry(len(self.timeline) + 1, status, now, actor, note))

    def _priced_lines(self) -> list[dict]:
        """The lines as the events that move money or goods name them (orders checks them against its order)."""
        return [{"position": l.position, "reference": l.reference, "name": l.name, "quantity": l.quantity,
                 "unit_price": {"amount": str(l.unit_price), "currency": l.currency}, "vat_rate": str(l.vat_rate)}
                for l in self.lines]

    def _facts(self) -> dict:
        """What every RMA event carries, so that a consumer needs no lookup to act or to write a mail."""
        return {"rma_number": self.number, "order_number": self.order_number, "customer_id": self.customer_id,
                "company_id": self.company_id, "email": self.contact_email, "request_type": self.request_type,
                "status": self.status}
