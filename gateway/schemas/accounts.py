"""Public request/response shapes of the accounts routes that differ from the service's wire contract."""
from marshmallow import Schema, fields, validate


class LoginRequest(Schema):
    """The service's Login without ``client_address``: that comes from the connection, never from the client."""

    identifier = fields.String(required=True, validate=validate.Length(min=1, max=254),
                               metadata={"description": "E-mail address or customer number (CUS-000042)."})
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class Accepted(Schema):
    status = fields.String(required=True)
    detail = fields.String(required=True)
