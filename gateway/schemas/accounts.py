"""Public request/response shapes of the accounts routes that differ from the service's wire contract."""
import copy

from marshmallow import Schema, fields, validate

from services.accounts.schemas import BillingData


class LoginRequest(Schema):
    """The service's Login without ``client_address``: that comes from the connection, never from the client."""

    identifier = fields.String(required=True, validate=validate.Length(min=1, max=254),
                               metadata={"description": "E-mail address or customer number (CUS-000042)."})
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class Accepted(Schema):
    status = fields.String(required=True)
    detail = fields.String(required=True)


def _nothing_required(schema: type[Schema], name: str) -> type[Schema]:
    declared = {key: copy.copy(field) for key, field in schema._declared_fields.items()}
    for field in declared.values():
        field.required = False
    return Schema.from_dict(declared, name=name)


# What GET /me/billing answers: the billing data on file, or {} before any was given
# (BillingData requires street, city... as a request does).
BillingOnFile = _nothing_required(BillingData, "BillingOnFile")
