"""The accounts service's wire contracts: RPC in/out and event payloads."""
from marshmallow import Schema, fields, validate

from services.chassis.events import EventSchema


class RegisterCustomer(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=12, max=128))
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^\+[1-9]\d{6,14}$", error="Use E.164, e.g. +393401234567."))
    accept_terms = fields.Boolean(required=True, validate=validate.Equal(True, error="The sales terms must be accepted."))


class Customer(Schema):
    id = fields.String()
    customer_number = fields.String()
    email = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    kind = fields.String()
    phone = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class CustomerRegistered(EventSchema):
    VERSION = 1
    customer_id = fields.String(required=True)
    customer_number = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    kind = fields.String(required=True)


EVENT_SCHEMAS = {"customer_registered": CustomerRegistered}
