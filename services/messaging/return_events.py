"""Messaging's copies of the returns events it mails about (docs/events.md, returns section).

Kept apart from ``schemas.py`` (the desk's RPC contract, which the gateway
imports) and read the tolerant way (see ``schemas.py``): unknown fields are
ignored, on nested parts too; decisions and outcomes are plain strings, so a
value returns adds later is a message without a mail, not one re-queued
forever. Only what a mail cannot do without is required: the RMA number, the
customer (erasure finds the mail by it) and the facts the mail states.
"""
from marshmallow import EXCLUDE, Schema, fields

from services.chassis.events import EventSchema


class _Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class Amount(_Tolerant):
    amount = fields.Decimal(required=True)
    currency = fields.String(required=True)


class RmaLine(_Tolerant):
    position = fields.Integer(load_default=0)
    reference = fields.String(load_default="")
    name = fields.String(required=True)
    quantity = fields.Integer(load_default=1)


class OfferPayload(_Tolerant):
    kind = fields.String(required=True)
    amount = fields.Nested(Amount, required=True)
    description = fields.String(load_default="", allow_none=True)


class RmaEvent(EventSchema):
    """What every RMA event carries (the address is null after the customer's erasure: then no mail)."""

    rma_number = fields.String(required=True)
    order_number = fields.String(load_default=None, allow_none=True)
    customer_id = fields.String(required=True)
    email = fields.Email(load_default=None, allow_none=True)
    request_type = fields.String(load_default=None, allow_none=True)
    status = fields.String(load_default=None, allow_none=True)
    language = fields.String(load_default=None, allow_none=True)  # not sent yet; the one kept from registration


class RmaCreated(RmaEvent):
    review_deadline = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(RmaLine), load_default=list)


class RmaReviewed(RmaEvent):
    decision = fields.String(required=True)
    message = fields.String(load_default="", allow_none=True)
    offer = fields.Nested(OfferPayload, load_default=None, allow_none=True)


class RmaReceived(RmaEvent):
    decision = fields.String(required=True)
    note = fields.String(load_default="", allow_none=True)


class RefundRequested(RmaEvent):
    amount = fields.Nested(Amount, required=True)
    due_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(RmaLine), load_default=list)


class ReplacementRequested(RmaEvent):
    lines = fields.List(fields.Nested(RmaLine), load_default=list)


class RmaClosed(RmaEvent):
    outcome = fields.String(required=True)
