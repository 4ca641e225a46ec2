"""The event catalog as an AsyncAPI 2.6 document, generated from the services' wire contracts.

Each service publishes through its outbox to the topic exchange ``<service>.events``
(nameko's convention) with the event type as routing key; each event type has a
marshmallow schema in ``services/<service>/schemas.py`` (``EVENT_SCHEMAS``), the
one the producer validates with before writing the outbox row. This module turns
those schemas into JSON schemas with apispec's marshmallow converter, so that
docs/asyncapi.yaml is never written by hand (``sportello asyncapi > docs/asyncapi.yaml``;
a test compares the file with what this generates now).

The schemas modules are loaded by name, like the service classes in
:mod:`services.chassis.config`: the chassis imports no service statically.
"""
from __future__ import annotations

import importlib
import inspect
import json
from typing import Any, Mapping

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields

from services.chassis.config import SERVICES

ASYNCAPI_VERSION = "2.6.0"
AMQP_BINDING_VERSION = "0.2.0"
DOCUMENT_VERSION = "1.0.0"


def event_schemas(service: str) -> dict[str, type]:
    """The event types ``service`` publishes and their producer-side schemas."""
    module = importlib.import_module(f"services.{service}.schemas")
    return dict(getattr(module, "EVENT_SCHEMAS", {}))


def _decimal_as_string(converter, field, **kwargs) -> dict:
    # Money travels as a decimal string ("79.90"), never a float; apispec would say "number".
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": ["string", "null"] if field.allow_none else "string", "format": "decimal",
                "pattern": r"^-?\d+(\.\d+)?$"}
    return {}


def _converter():
    # Nested schemas inline (a resolver answering None): each payload schema stands alone, so a
    # consumer can copy one message's schema, and two services' same-named nested schemas never clash.
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: None)
    # OpenAPI 3.1's schema dialect is JSON Schema, which is what AsyncAPI payloads are
    # (nullable fields become type: [..., "null"], not OpenAPI 3.0's `nullable`).
    APISpec(title="events", version=DOCUMENT_VERSION, openapi_version="3.1.0", plugins=[plugin])
    plugin.converter.add_attribute_function(_decimal_as_string)
    return plugin.converter


def _finish(schema: dict) -> dict:
    """Apply what the converter's output cannot say directly; also makes it plain JSON."""
    schema = json.loads(json.dumps(schema, default=str))

    def walk(node):
        if isinstance(node, dict):
            if node.get("format") == "decimal":
                # The Decimal converter adds number-only keywords (places); the wire type is a string.
                for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
                    node.pop(key, None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def payload_schema(schema_cls, converter=None) -> dict:
    """The JSON schema of one event's payload, as apispec converts its marshmallow schema."""
    converter = converter or _converter()
    return _finish(converter.schema2jsonschema(schema_cls))


def _summary(schema_cls, service: str, event_type: str) -> str:
    # Only the class's own docstring: one inherited from EventSchema or a shared base (every class
    # has __doc__, None when it has no docstring) says nothing about this event.
    doc = vars(schema_cls).get("__doc__")
    if doc:
        return inspect.cleandoc(doc).split("\n\n")[0].replace("\n", " ")
    return f"{service} published {event_type.replace('_', ' ')}."


def build_document(services: tuple[str, ...] = SERVICES,
                   schemas: Mapping[str, Mapping[str, type]] | None = None) -> dict[str, Any]:
    """The AsyncAPI document for every event of ``services`` (``schemas`` overrides the lookup, for tests)."""
    converter = _converter()
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    tags = []
    for service in services:
        service_events = dict(schemas[service]) if schemas is not None else event_schemas(service)
        if not service_events:
            continue
        tags.append({"name": service, "description": f"Events of the {service} service "
                                                     f"(exchange `{service}.events`)."})
        exchange = {"name": f"{service}.events", "type": "topic", "durable": True, "autoDelete": False,
                    "vhost": "/"}
        for event_type in sorted(service_events):
            schema_cls = service_events[event_type]
            key = f"{service}.{event_type}"
            messages[key] = {
                "name": event_type,
                "title": f"{service}.{event_type} (v{getattr(schema_cls, 'VERSION', 1)})",
                "summary": _summary(schema_cls, service, event_type),
                "contentType": "application/json",
                "tags": [{"name": service}],
                "correlationId": {
                    "description": "The id of the request that caused the event.",
                    "location": "$message.header#/nameko.request_id",
                },
                "headers": {
                    "type": "object",
                    "properties": {
                        "nameko.request_id": {"type": "string",
                                              "description": "Correlation id of the causing request."},
                        "nameko.call_id_stack": {"type": "array", "items": {"type": "string"},
                                                 "description": "The calls that led to the event."},
                    },
                },
                "payload": payload_schema(schema_cls, converter),
                "x-schema-version": getattr(schema_cls, "VERSION", 1),
                "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": event_type,
                                      "bindingVersion": AMQP_BINDING_VERSION}},
            }
            channels[key] = {
                "description": f"Routing key `{event_type}` on the topic exchange `{service}.events`. "
                               "Bind your own durable queue to it.",
                "subscribe": {
                    "operationId": f"{service}_{event_type}",
                    "summary": f"{service} publishes {event_type}; other systems consume it.",
                    "tags": [{"name": service}],
                    "message": {"$ref": f"#/components/messages/{key}"},
                    "bindings": {"amqp": {"deliveryMode": 2, "mandatory": False,
                                          "bindingVersion": AMQP_BINDING_VERSION}},
                },
                "bindings": {"amqp": {"is": "routingKey", "exchange": exchange,
                                      "bindingVersion": AMQP_BINDING_VERSION}},
            }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:sportello:events",
        "info": {
            "title": "Sportello events",
            "version": DOCUMENT_VERSION,
            "description": (
                "Every event the Sportello services publish, generated from the marshmallow schemas in "
                "services/<service>/schemas.py (`sportello asyncapi > docs/asyncapi.yaml`).\n\n"
                "Each service publishes to the durable topic exchange `<service>.events` with the event type "
                "as routing key; messages are persistent JSON, published through a transactional outbox with "
                "publisher confirms. Delivery is at-least-once: deduplicate on the payload's `event_id` (also "
                "the AMQP `message_id`). Every payload carries `event_id`, `occurred_at` (ISO 8601 UTC) and "
                "`schema_version`; fields may be added without a new version, so ignore fields you do not "
                "know. See docs/consuming-events.md."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "rabbitmq": {
                "url": "{host}:{port}",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "The RabbitMQ broker Sportello runs on (ask the operators for a user and a vhost).",
                "variables": {"host": {"default": "rabbitmq"}, "port": {"default": "5672"}},
            }
        },
        "tags": tags,
        "channels": channels,
        "components": {"messages": messages},
    }


def render_yaml(document: dict) -> str:
    import yaml

    header = ("# Generated by `sportello asyncapi` from services/*/schemas.py -- do not edit by hand.\n"
              "# tests/contracts/test_asyncapi.py fails when it is out of date.\n")
    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data):  # no &id001 anchors: readers copy single messages out of it
            return True

    return header + yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
