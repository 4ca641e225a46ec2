"""docs/asyncapi.yaml: every event the code publishes and nothing else, payloads as the schemas say, a valid document.

What "published" means is read from the code itself, not from a list kept beside it:
services publish only through the outbox, and an event reaches the outbox only as
``<aggregate or unit of work>.record("<event type>", ...)``. The AST scan below finds
those calls in each service's package, so a new ``record("...")`` fails this test
until the event has a schema and the document has been regenerated.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from services.chassis.asyncapi import build_document, event_schemas, payload_schema
from services.chassis.config import PROJECT_ROOT, SERVICES

DOCUMENT = PROJECT_ROOT / "docs" / "asyncapi.yaml"
SPEC_SCHEMA = Path(os.environ.get("SPORTELLO_ASYNCAPI_SCHEMA") or
                   PROJECT_ROOT / "var/tools/node_modules/@asyncapi/specs/schemas/2.6.0.json")


# -- the scan --------------------------------------------------------------------
def recorded_events(source: str, filename: str = "<source>") -> tuple[set[str], list[str]]:
    """Event types passed as a literal to ``.record(...)``, and the places where it is not a literal."""
    found, unresolved = set(), []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"):
            continue
        arg = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("type", "event_type")), None)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(arg.value)
        else:
            unresolved.append(f"{filename}:{node.lineno}")
    return found, unresolved


def published_in_code(service: str) -> tuple[set[str], list[str]]:
    found, unresolved = set(), []
    for path in sorted((PROJECT_ROOT / "services" / service).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        events, places = recorded_events(path.read_text(), str(path.relative_to(PROJECT_ROOT)))
        found |= events
        unresolved += places
    return found, unresolved


def test_the_scan_finds_a_newly_recorded_event_and_refuses_a_computed_one():
    source = textwrap.dedent("""
        def place(order, uow, now, kind):
            order.record("order_placed", occurred_at=now, total=1)
            uow.record(
                "invoice_issued", occurred_at=now,
            )
            order.record(type="order_shipped")
            order.record(kind + "_changed")
            log.info("record")  # not a call of .record
    """)
    found, unresolved = recorded_events(source, "example.py")
    assert found == {"order_placed", "invoice_issued", "order_shipped"}
    assert unresolved == ["example.py:8"]


def test_the_scan_sees_the_events_the_services_publish():
    # A floor, so that a scan that silently finds nothing cannot pass the comparisons below.
    assert {"customer_registered", "customer_erased"} <= published_in_code("accounts")[0]
    assert "product_price_changed" in published_in_code("catalog")[0]
    assert {"order_placed", "order_delivered"} <= published_in_code("orders")[0]
    assert {"rma_created", "refund_requested"} <= published_in_code("returns")[0]


# -- code, schemas and document agree --------------------------------------------
@pytest.fixture(scope="module")
def document() -> dict:
    return yaml.safe_load(DOCUMENT.read_text())


def documented(document) -> dict[str, set[str]]:
    by_service: dict[str, set[str]] = {service: set() for service in SERVICES}
    for channel in document["channels"].values():
        exchange = channel["bindings"]["amqp"]["exchange"]["name"]
        message = document["components"]["messages"][channel["subscribe"]["message"]["$ref"].rsplit("/", 1)[1]]
        by_service[exchange.removesuffix(".events")].add(message["name"])
    return by_service


@pytest.mark.parametrize("service", SERVICES)
def test_every_event_published_in_the_code_is_in_the_document_and_vice_versa(service, document):
    published, unresolved = published_in_code(service)
    assert not unresolved, f"record() with a computed event type (the catalog cannot see it): {unresolved}"
    in_document = documented(document)[service]
    assert published - in_document == set(), f"published by {service} but not in docs/asyncapi.yaml"
    assert in_document - published == set(), f"in docs/asyncapi.yaml but {service} never publishes it"
    # The producer refuses an event without a schema, so the schemas must cover the code too.
    assert published == set(event_schemas(service)), f"{service}: EVENT_SCHEMAS and record() calls differ"


def test_nothing_publishes_past_the_outbox():
    """The catalog covers the outbox path; a direct nameko dispatch would be an event it cannot see."""
    offenders = []
    for root in ("services", "gateway"):
        for path in (PROJECT_ROOT / root).rglob("*.py"):
            text = path.read_text()
            if "EventDispatcher" in text or "event_dispatcher" in text:
                offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []


def test_each_channel_is_the_service_exchange_and_the_event_type_as_routing_key(document):
    for key, channel in document["channels"].items():
        service, _, event_type = key.partition(".")
        exchange = channel["bindings"]["amqp"]["exchange"]
        assert exchange == {"name": f"{service}.events", "type": "topic", "durable": True, "autoDelete": False,
                            "vhost": "/"}
        message = document["components"]["messages"][key]
        assert message["name"] == event_type == message["bindings"]["amqp"]["messageType"]


def test_the_payload_schemas_are_what_the_marshmallow_schemas_generate_now(document):
    messages = document["components"]["messages"]
    for service in SERVICES:
        for event_type, schema_cls in event_schemas(service).items():
            assert messages[f"{service}.{event_type}"]["payload"] == payload_schema(schema_cls), (
                f"{service}.{event_type}: docs/asyncapi.yaml is out of date; run "
                "`sportello asyncapi --output docs/asyncapi.yaml`")
    assert document == json.loads(json.dumps(build_document()))


def test_the_cli_regenerates_the_file_byte_for_byte(tmp_path):
    def check(path):
        return subprocess.run([sys.executable, "-m", "services.chassis.cli", "asyncapi", "--check", str(path)],
                              capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)

    result = check(DOCUMENT)
    assert result.returncode == 0, result.stderr
    edited = tmp_path / "asyncapi.yaml"
    edited.write_text(DOCUMENT.read_text().replace("customer_erased", "customer_deleted"))
    stale = check(edited)
    assert stale.returncode == 1 and "out of date" in stale.stderr


def test_money_is_documented_as_a_decimal_string(document):
    price = document["components"]["messages"]["catalog.product_price_changed"]["payload"]["properties"]["new_price"]
    assert price["properties"]["amount"]["type"] == "string"
    jsonschema.validate({"amount": "79.90", "currency": "EUR"}, price)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"amount": 79.9, "currency": "EUR"}, price)


# -- a valid AsyncAPI document ---------------------------------------------------
@pytest.fixture(scope="module")
def spec_validator():
    assert SPEC_SCHEMA.exists(), f"{SPEC_SCHEMA} is missing: run `make asyncapi-schema` (npm's @asyncapi/specs)"
    schema = json.loads(SPEC_SCHEMA.read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def test_the_document_is_valid_asyncapi_2_6(spec_validator, document):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in spec_validator.iter_errors(document)]
    assert errors == []


def test_the_spec_schema_catches_a_broken_document(spec_validator, document):
    """The check above has teeth: a wrong payload schema and a missing field both fail it."""
    broken = json.loads(json.dumps(document))
    broken["components"]["messages"]["accounts.customer_registered"]["payload"]["type"] = 42
    assert list(spec_validator.iter_errors(broken))
    broken = json.loads(json.dumps(document))
    del broken["info"]["version"]
    assert list(spec_validator.iter_errors(broken))
