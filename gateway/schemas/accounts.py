from marshmallow import Schema, fields, validate


class Registration(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=12, max=128))
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(load_default=None, allow_none=True,
                          metadata={"description": "E.164, e.g. +393401234567"})
    accept_terms = fields.Boolean(required=True, validate=validate.Equal(True, error="The sales terms must be accepted."),
                                  metadata={"description": "Must be true: the sales terms are accepted."})


class Customer(Schema):
    id = fields.String(required=True)
    customer_number = fields.String(required=True, metadata={"example": "CUS-000042"})
    email = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["private", "business"]})
    phone = fields.String(allow_none=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
