"""Messaging's wire contracts: the desk's RPC in/out (also the gateway's request and
response schemas), and messaging's copies of the events it consumes.

A consumer's copy is deliberately forgiving where a stricter one would only
turn a harmless change into a message re-queued forever: unknown fields are
ignored (EventSchema, and ``Meta.unknown = EXCLUDE`` on nested parts), and an
unknown language is accepted and rendered in English. What a notification
cannot do without (an address, a link, the order number) is required.
"""
import re
from datetime import timezone

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from services.chassis.events import Dumped, EventSchema, Money
from services.chassis.paging import PageOf, PageQuery


def _language():
    return fields.String(load_default="en", allow_none=True)


def _link_id():
    # v2: accounts names the link and issues it when the message is sent (internal_issue_link);
    # v1 carried the link itself, secret and all.
    return fields.String(required=True, validate=validate.Length(min=1, max=36))


def _expiry():
    # Timestamps on the wire are UTC; one without an offset is read as UTC.
    return fields.AwareDateTime(required=True, format="iso", default_timezone=timezone.utc)


class CustomerRegistered(EventSchema):
    """accounts.customer_registered as messaging reads it (unknown fields are ignored)."""

    customer_id = fields.String(required=True)
    customer_number = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    kind = fields.String(load_default="private")
    language = _language()


class PasswordResetRequested(EventSchema):
    VERSION = 2

    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(["email", "sms"]))
    phone = fields.String(load_default=None, allow_none=True)
    link_id = _link_id()
    expires_at = _expiry()
    language = _language()


class EmployeeInvited(EventSchema):
    VERSION = 2

    company_id = fields.String(required=True)
    company_name = fields.String(required=True)
    email = fields.Email(required=True)
    role = fields.String(required=True)
    invited_by = fields.String(required=True)
    link_id = _link_id()
    expires_at = _expiry()
    language = _language()
    # Not in the contract yet: if accounts adds the invitee's customer id, the
    # invitation becomes erasable with that customer (see customer_erased).
    customer_id = fields.String(load_default=None, allow_none=True)


class CustomerErased(EventSchema):
    customer_id = fields.String(required=True)


# -- orders events, as messaging reads them ---------------------------------------------------
class _Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class OrderLinePayload(_Tolerant):
    position = fields.Integer(required=True)
    reference = fields.String(required=True)
    name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit_price = fields.Nested(Money, required=True)


class OrderPlaced(EventSchema):
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    email = fields.Email(load_default=None, allow_none=True)  # none: no confirmation can be sent
    payment_method = fields.String(required=True)
    total = fields.Nested(Money, required=True)
    lines = fields.List(fields.Nested(OrderLinePayload), required=True)
    language = fields.String(load_default=None, allow_none=True)  # not sent yet; used once orders sends it


class OrderStatusChanged(EventSchema):
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    status = fields.String(required=True)
    carrier = fields.String(load_default=None, allow_none=True)
    tracking_number = fields.String(load_default=None, allow_none=True)
    # Not sent yet: without them the address kept from order_placed is used.
    email = fields.Email(load_default=None, allow_none=True)
    language = fields.String(load_default=None, allow_none=True)


class OrderPaid(EventSchema):
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    amount = fields.Nested(Money, required=True)
    email = fields.Email(load_default=None, allow_none=True)
    language = fields.String(load_default=None, allow_none=True)


class QuoteLinePayload(_Tolerant):
    name = fields.String(required=True)
    quantity = fields.Integer(load_default=1)


class QuoteRequested(EventSchema):
    quote_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    lines = fields.List(fields.Nested(QuoteLinePayload), required=True)
    language = fields.String(load_default=None, allow_none=True)


class QuotePriced(EventSchema):
    quote_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    valid_until = fields.Date(required=True)
    total = fields.Nested(Money, required=True)
    language = fields.String(load_default=None, allow_none=True)


# -- the desk: what the customer and staff send ---------------------------------------------
BODY_MAX_CHARS = 10_000  # the ceiling; MESSAGE_MAX_CHARS may set a lower limit
THREAD_STATUSES = ("open", "answered", "closed")
CONTEXT_TYPES = ("general", "order", "rma")
REFERENCE_FORMATS = {"order": re.compile(r"ORD-[0-9]{4}-[0-9]{6,}"), "rma": re.compile(r"RMA-[0-9]{4}-[0-9]{6,}")}


class ThreadContext(Schema):
    type = fields.String(required=True, validate=validate.OneOf(("order", "rma")))
    ref = fields.String(required=True, validate=validate.Length(min=1, max=40),
                        metadata={"description": "ORD-2026-000123 or RMA-2026-000045."})

    @validates_schema
    def ref_matches_type(self, data, **kwargs):
        if not REFERENCE_FORMATS[data["type"]].fullmatch(data["ref"]):
            raise ValidationError(f"Not a valid {data['type']} number.", field_name="ref")


class NewMessage(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=BODY_MAX_CHARS), metadata={
        "description": "Plain text, stored and shown as written: never interpreted as HTML."})


class NewThread(NewMessage):
    context = fields.Nested(ThreadContext, load_default=None, allow_none=True, metadata={
        "description": "Bind the thread to one of your orders or returns (RMA). Writing again about the "
                       "same order or return continues its open thread."})


class ThreadQuery(PageQuery):
    """A page of my threads, last activity first."""


class StaffThreadQuery(ThreadQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(THREAD_STATUSES))
    context = fields.String(load_default=None, validate=validate.OneOf(CONTEXT_TYPES))
    ref = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    assigned = fields.String(load_default=None, validate=validate.Length(min=1, max=64), metadata={
        "description": "'me', 'none' (unassigned) or a staff account id."})
    overdue = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "true: still unanswered after the 48-hour first-response deadline."})


class Assignment(Schema):
    staff_id = fields.String(required=True, allow_none=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "'me', a staff account id, or null to unassign."})


# services/messaging/domain/model.py: the states of a notification.
NOTIFICATION_STATUSES = ("pending", "waiting_for_order", "sent", "failed", "cancelled")


class NotificationQuery(ThreadQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(NOTIFICATION_STATUSES))
    kind = fields.String(load_default=None, validate=validate.Length(min=1, max=50))


# -- the desk: what it answers --------------------------------------------------------------
def _context(thread):
    return None if thread.context_type == "general" else {"type": thread.context_type, "ref": thread.context_ref}


class DeskMessage(Schema):
    id = fields.String()
    author = fields.String(metadata={"enum": ["customer", "staff"]})
    body = fields.String()
    created_at = fields.AwareDateTime()


class StaffDeskMessage(DeskMessage):
    author_id = fields.String()


class ThreadSummary(Schema):
    id = fields.String()
    subject = fields.String(metadata={"description": "The first 100 characters of the first message."})
    status = fields.String(metadata={"enum": list(THREAD_STATUSES)})
    context = Dumped(ThreadContext, _context, dump=False, allow_none=True)
    unread = fields.Integer(attribute="customer_unread")
    message_count = fields.Integer()
    last_activity_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()


class ThreadDetail(ThreadSummary):
    messages = fields.List(fields.Nested(DeskMessage))


ThreadPage = PageOf(ThreadSummary, "ThreadPage")


class OrderChannel(Schema):
    order_number = fields.String()
    thread = fields.Nested(ThreadDetail, allow_none=True, metadata={"description": "null until someone writes."})


class RmaChannel(Schema):
    rma_number = fields.String()
    thread = fields.Nested(ThreadDetail, allow_none=True, metadata={"description": "null until someone writes."})


class StaffThreadSummary(ThreadSummary):
    unread = fields.Integer(attribute="staff_unread")
    customer_id = fields.String()
    assigned_to = fields.String(allow_none=True)
    first_response_due_at = fields.AwareDateTime()
    first_response_at = fields.AwareDateTime(allow_none=True)
    overdue = fields.Boolean()
    closed_at = fields.AwareDateTime(allow_none=True)


class StaffThreadDetail(StaffThreadSummary):
    messages = fields.List(fields.Nested(StaffDeskMessage))


StaffThreadPage = PageOf(StaffThreadSummary, "StaffThreadPage")


class NotificationRecord(Schema):
    """A notification as staff see it; the body is left out (a pending one can hold a live reset link)."""

    id = fields.String()
    kind = fields.String()
    channel = fields.String()
    recipient = fields.String()
    subject = fields.String()
    language = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    refusals = fields.Integer()
    last_error = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    next_attempt_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)


NotificationPage = PageOf(NotificationRecord, "NotificationPage")


EVENT_SCHEMAS: dict = {}  # messaging publishes no events yet
