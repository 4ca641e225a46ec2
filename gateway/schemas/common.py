from marshmallow import INCLUDE, Schema, fields


class Problem(Schema):
    """An RFC 9457 problem document."""

    class Meta:
        # RFC 9457 extension members: some problems say more (current_status, lines, max_bytes,
        # thread_id...), so the document allows members beyond these (additionalProperties: true).
        unknown = INCLUDE

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
    instances = fields.Integer(allow_none=True, metadata={
        "description": "Processes of the service consuming its RPC queue, as the broker counts them."})


class BrokerNode(Schema):
    address = fields.String(required=True, metadata={"description": "host:port from AMQP_URI."})
    status = fields.String(required=True, metadata={"enum": ["up", "down"]})
    cluster = fields.String(allow_none=True, metadata={"description": "The node's cluster name."})
    version = fields.String()
    error = fields.String()


class BrokerState(Schema):
    nodes = fields.List(fields.Nested(BrokerNode), required=True)
    running = fields.Integer(required=True, metadata={"description": "Nodes that accept a login."})
    clusters = fields.Integer(required=True, metadata={"description": "Distinct cluster names of those nodes (1)."})


class Health(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "degraded"]})
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceState), required=True)
    broker = fields.Nested(BrokerState, metadata={"description": "Each node AMQP_URI names (/health only)."})
