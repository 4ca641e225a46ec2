from marshmallow import Schema, fields


class Problem(Schema):
    """An RFC 9457 problem document."""

    type = fields.String(required=True, metadata={"description": "Stable URI of the problem type."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(), values=fields.Raw(),
        metadata={"description": "For validation problems: each field at fault with its messages."},
    )
    request_id = fields.String(metadata={"description": "The correlation id, also in X-Request-ID."})


class ServiceState(Schema):
    status = fields.String(required=True, metadata={"enum": ["up", "down"]})
    latency_ms = fields.Float(allow_none=True)
    error = fields.String()


class Health(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "degraded"]})
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceState), required=True)
