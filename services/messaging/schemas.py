"""Messaging's wire contracts, including its copies of the events it consumes.

A consumer's copy is deliberately forgiving where a stricter one would only
turn a harmless change into a message re-queued forever: unknown fields are
ignored (EventSchema), and an unknown language is accepted and rendered in
English. What a notification cannot do without (an address, a link) is required.
"""
from datetime import timezone

from marshmallow import fields, validate

from services.chassis.events import EventSchema


def _language():
    return fields.String(load_default="en", allow_none=True)


def _link():
    # http(s) only: the link is put in front of a person to click.
    return fields.Url(required=True, require_tld=False, schemes={"http", "https"})


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
    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(["email", "sms"]))
    phone = fields.String(load_default=None, allow_none=True)
    reset_url = _link()
    expires_at = _expiry()
    language = _language()


class EmployeeInvited(EventSchema):
    company_id = fields.String(required=True)
    company_name = fields.String(required=True)
    email = fields.Email(required=True)
    role = fields.String(required=True)
    invited_by = fields.String(required=True)
    activation_url = _link()
    expires_at = _expiry()
    language = _language()
    # Not in the contract yet: if accounts adds the invitee's customer id, the
    # invitation becomes erasable with that customer (see customer_erased).
    customer_id = fields.String(load_default=None, allow_none=True)


class CustomerErased(EventSchema):
    customer_id = fields.String(required=True)


EVENT_SCHEMAS: dict = {}
