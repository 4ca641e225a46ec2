"""Messaging's wire contracts, including its copies of the events it consumes."""
from marshmallow import fields

from services.chassis.events import EventSchema


class CustomerRegistered(EventSchema):
    """accounts.customer_registered as messaging reads it (unknown fields are ignored)."""

    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)


EVENT_SCHEMAS: dict = {}
